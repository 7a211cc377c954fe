// Types in the text format: value, heap and reference types, function types,
// the type definitions of a module (with `rec` groups and `sub`), and type uses
// (`(type $t)? (param ...)* (result ...)*`), which refer to a type or, written
// inline only, to the first matching one, inserted at the end when there is none.
//
// A value type is the ValType number src/ir.ts defines (numbers, nullable
// abstract references by their one-byte code, `(ref ht)` with REF_NON_NULL,
// `(ref null? $t)` from REF_TYPE_BASE). The GC heap types (any, eq, i31,
// struct, array, none) have codes like the others: they are encoded, and the
// decoder reports them as `unsupported feature: gc`, as it does for a binary.
import { REF_NON_NULL, REF_TYPE_BASE, refTypeIdx } from '../ir.js';
import { Cursor, describe } from './cursor.js';
import { parseNat } from './literals.js';
import type { SAtom, SList, SNode } from './sexpr.js';
import type { Writer } from './writer.js';

const NUMERIC: Record<string, number> = { i32: 0x7f, i64: 0x7e, f32: 0x7d, f64: 0x7c, v128: 0x7b };

/** Abstract heap types by name, as their binary codes. */
const HEAP: Record<string, number> = {
  func: 0x70, extern: 0x6f, exn: 0x69, nofunc: 0x73, noextern: 0x72, noexn: 0x74,
  any: 0x6e, eq: 0x6d, i31: 0x6c, struct: 0x6b, array: 0x6a, none: 0x71,
};

/** Reference type shorthands: `funcref` is `(ref null func)`. */
const SHORTHAND: Record<string, number> = {
  funcref: 0x70, externref: 0x6f, exnref: 0x69, nullfuncref: 0x73, nullexternref: 0x72, nullexnref: 0x74,
  anyref: 0x6e, eqref: 0x6d, i31ref: 0x6c, structref: 0x6b, arrayref: 0x6a, nullref: 0x71,
};

export interface FuncSig {
  params: number[];
  results: number[];
}

/** A value type with the text offset it was written at (for marks). */
export interface Typed {
  type: number;
  at: number;
}

export interface TypeEntry {
  sig: FuncSig;
  /** Text offsets of the param and result types, in order (marks of the type section). */
  pos: number[];
  /** Where the definition (or the type use that inserted it) is. */
  at: number;
  /** `sub` without `final`: encoded 0x50 (open for subtyping). */
  open: boolean;
  /** Index of its group's first type, and the group's size (`rec`). */
  group: number;
  groupSize: number;
}

/** A module's types: definitions in order, then those type uses inserted. */
export class TypeTable {
  readonly entries: TypeEntry[] = [];
  readonly names = new Map<string, number>();
  /** First index of each plain function type (a final singleton group), by signature. */
  private readonly plain = new Map<string, number>();

  add(e: TypeEntry): number {
    const idx = this.entries.length;
    this.entries.push(e);
    if (e.groupSize === 1 && !e.open) {
      const k = sigKey(e.sig);
      if (!this.plain.has(k)) this.plain.set(k, idx);
    }
    return idx;
  }

  /** The first plain type with this signature, inserted at the end if there is none. */
  findOrInsert(sig: FuncSig, at: number, pos: number[]): number {
    const found = this.plain.get(sigKey(sig));
    if (found !== undefined) return found;
    return this.add({ sig, pos, at, open: false, group: this.entries.length, groupSize: 1 });
  }

  /** A type index: `$t` or a number (not checked against the count: the validator does). */
  resolve(c: Cursor, n: SNode | undefined): number {
    if (!n) c.fail('unexpected end of list, expected a type index');
    if (n.kind === 'atom') {
      if (n.value.startsWith('$')) {
        const i = this.names.get(n.value);
        if (i === undefined) c.fail(`unknown type ${n.value}`, n.start);
        return i;
      }
      const v = parseNat(n.value);
      if (v !== undefined && v < 0x100000000n) return Number(v);
    }
    return c.fail(`unexpected ${describe(n)}, expected a type index`, n.start);
  }
}

function sigKey(s: FuncSig): string {
  return `${s.params.join(',')}>${s.results.join(',')}`;
}

export function sameSig(a: FuncSig, b: FuncSig): boolean {
  return sigKey(a) === sigKey(b);
}

/** A heap type: an abstract one's code, or a type index (as REF_TYPE_BASE + 2i, nullability left to the caller). */
function heapType(c: Cursor, types: TypeTable): { code: number } | { index: number } {
  const n = c.need('a heap type');
  if (n.kind === 'atom' && HEAP[n.value] !== undefined) return { code: HEAP[n.value] };
  if (n.kind === 'atom' && !/^[a-z]/.test(n.value)) return { index: types.resolve(c, n) };
  return c.fail(`unexpected ${describe(n)}, expected a heap type`, n.start);
}

/** `ref.null`'s operand: the type of the null, `(ref null ht)`. */
export function nullHeapType(c: Cursor, types: TypeTable): number {
  const h = heapType(c, types);
  return 'code' in h ? h.code : refTypeIdx(true, h.index);
}

/** `(ref null? ht)`, the list already taken. */
function refList(c: Cursor, list: SList, types: TypeTable): number {
  const r = Cursor.of(c.src, list);
  const nullable = r.keyword('null');
  const h = heapType(r, types);
  r.end();
  if ('index' in h) return refTypeIdx(nullable, h.index);
  return nullable ? h.code : h.code | REF_NON_NULL;
}

/** A value type, or undefined (nothing consumed) if the next item is none. */
export function tryValType(c: Cursor, types: TypeTable): Typed | undefined {
  const n = c.peek();
  if (n?.kind === 'atom') {
    const t = NUMERIC[n.value] ?? SHORTHAND[n.value];
    if (t === undefined) return undefined;
    c.next();
    return { type: t, at: n.start };
  }
  if (n?.kind === 'list' && c.peekHead() === 'ref') {
    c.next();
    return { type: refList(c, n, types), at: n.start };
  }
  return undefined;
}

export function valType(c: Cursor, types: TypeTable): Typed {
  const t = tryValType(c, types);
  if (t) return t;
  const n = c.peek();
  return c.fail(n ? `unexpected ${describe(n)}, expected a value type` : 'unexpected end of list, expected a value type');
}

/** A reference type (tables, elem segments). */
export function refType(c: Cursor, types: TypeTable): Typed {
  const n = c.peek();
  const t = valType(c, types);
  if (t.type in NUMERIC_CODES) c.fail(`unexpected ${describe(n!)}, expected a reference type`, t.at);
  return t;
}

const NUMERIC_CODES: Record<number, true> = { 0x7f: true, 0x7e: true, 0x7d: true, 0x7c: true, 0x7b: true };

/** Writes a value type's binary encoding. */
export function writeValType(w: Writer, t: number): void {
  if (t < 0x100) w.u8(t);
  else if (t < 0x200) {
    w.u8(0x64);
    w.u8(t & 0xff);
  } else {
    const rel = t - REF_TYPE_BASE;
    w.u8(rel % 2 ? 0x63 : 0x64);
    w.s32(Math.floor(rel / 2));
  }
}

/** A heap type as `ref.null` encodes it: the code, or the type index as s33. */
export function writeHeapType(w: Writer, t: number): void {
  if (t < 0x100) w.u8(t);
  else w.s32(Math.floor((t - REF_TYPE_BASE) / 2));
}

/** Writes `0x60 params results`, marking each type's text. */
export function writeFuncType(w: Writer, e: TypeEntry): void {
  w.mark(e.at);
  w.u8(0x60);
  const all = [...e.sig.params, ...e.sig.results];
  w.u32(e.sig.params.length);
  for (let i = 0; i < all.length; i++) {
    if (i === e.sig.params.length) w.u32(e.sig.results.length);
    if (e.pos[i] !== undefined) w.mark(e.pos[i]);
    writeValType(w, all[i]);
  }
  if (all.length === e.sig.params.length) w.u32(e.sig.results.length);
}

/** What a `(param ...)*  (result ...)*` sequence declares. */
export interface Signature {
  sig: FuncSig;
  pos: number[];
  /** Param names (`$x`), one entry per param. */
  names: (SAtom | undefined)[];
  /** Whether any param or result list was written. */
  written: boolean;
}

/**
 * `(param ...)* (result ...)*`. With `named`, a param list may be
 * `(param $x t)`; elsewhere (block types, call_indirect) names are malformed.
 */
export function signature(c: Cursor, types: TypeTable, named: boolean): Signature {
  const out: Signature = { sig: { params: [], results: [] }, pos: [], names: [], written: false };
  const resultPos: number[] = [];
  while (c.peekHead() === 'param') {
    out.written = true;
    const p = Cursor.of(c.src, c.next() as SList);
    const id = p.id();
    if (id) {
      if (!named) p.fail(`unexpected identifier ${id.value}`, id.start);
      const t = valType(p, types);
      out.sig.params.push(t.type);
      out.pos.push(t.at);
      out.names.push(id);
      p.end();
      continue;
    }
    for (let t = tryValType(p, types); t; t = tryValType(p, types)) {
      out.sig.params.push(t.type);
      out.pos.push(t.at);
      out.names.push(undefined);
    }
    p.end();
  }
  while (c.peekHead() === 'result') {
    out.written = true;
    const r = Cursor.of(c.src, c.next() as SList);
    for (let t = tryValType(r, types); t; t = tryValType(r, types)) {
      out.sig.results.push(t.type);
      resultPos.push(t.at);
    }
    r.end();
  }
  out.pos.push(...resultPos);
  return out;
}

export interface TypeUse {
  /** The type index. */
  index: number;
  /** Parameter names, when the params were written inline. */
  names: (SAtom | undefined)[];
  /** The signature, when known (undefined for an out-of-range `(type n)`). */
  sig: FuncSig | undefined;
}

/**
 * A type use. `(type x)` with inline params/results must agree with type x
 * ("inline function type" otherwise); inline ones alone pick or insert a type.
 */
export function typeUse(c: Cursor, types: TypeTable, named: boolean): TypeUse {
  const at = c.here();
  const ref = c.list('type');
  let index: number | undefined;
  if (ref) {
    const r = Cursor.of(c.src, ref);
    index = types.resolve(r, r.next());
    r.end();
  }
  const s = signature(c, types, named);
  if (index === undefined) return { index: types.findOrInsert(s.sig, at, s.pos), names: s.names, sig: s.sig };
  const def = types.entries[index];
  if (s.written) {
    // The inline signature must be checked against the type, which must exist.
    if (!def) c.fail(`unknown type ${index}`, at);
    if (!sameSig(def.sig, s.sig)) c.fail('inline function type does not match the type it names', at);
    return { index, names: s.names, sig: def?.sig ?? s.sig };
  }
  return { index, names: def ? def.sig.params.map(() => undefined) : [], sig: def?.sig };
}
