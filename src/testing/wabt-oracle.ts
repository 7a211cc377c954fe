// wabt, with the repairs of its known misencodings, as an oracle for the text
// front end's encoder (src/text/oracle.test.ts). Test-only: this is the front
// end the spec runner used before src/text, kept to compare against.
//  - active data segments for a memory other than 0 are written with the
//    "explicit memory index" flag but without the index: re-inserted from the text;
//  - `(ref null func)` etc. are mis-encoded: rewritten to funcref/externref/exnref;
//  - other typed references and GC types are not (correctly) supported: such
//    modules are not compared (`gc` in the result);
//  - some long hex float literals are misrounded: float constants are respelled
//    exactly from our own (correctly rounded) reading;
//  - `$"..."` names are unknown to it: rewritten to plain identifiers;
//  - limits beyond 2^32-1 for 32-bit memories/tables are refused: parsed as
//    64-bit ones and the flag cleared in the binary.
import { f32ExactText, f64ExactText, parseF32Bits, parseF64Bits } from '../text/literals.js';
import { head, parseSExprs, type SList, type SNode } from '../text/sexpr.js';

export type OracleResult = { ok: true; bytes: Uint8Array } | { ok: false; reason: string };

interface WabtModuleLike {
  resolveNames(): void;
  toBinary(o: object): { buffer: Uint8Array };
  destroy(): void;
}
interface WabtLike {
  parseWat(filename: string, src: string | Uint8Array, features?: object): WabtModuleLike;
}

const WABT_FEATURES = {
  exceptions: true, mutable_globals: true, sat_float_to_int: true, sign_extension: true, simd: true,
  threads: true, function_references: true, multi_value: true, tail_call: true, bulk_memory: true,
  reference_types: true, annotations: true, code_metadata: true, gc: true, memory64: true,
  multi_memory: true, extended_const: true, relaxed_simd: true,
};

const wabt = (await ((await import('wabt')) as unknown as { default: () => Promise<WabtLike> }).default());

/** Heads and atoms of type syntax that wabt cannot parse or encodes wrongly. */
const GC_HEADS = new Set(['ref', 'rec', 'sub', 'struct', 'array', 'field', 'final']);
const GC_ATOMS = new Set([
  'anyref', 'eqref', 'i31ref', 'structref', 'arrayref', 'nullref', 'nullfuncref',
  'nullexternref', 'nullexnref', 'any', 'eq', 'i31', 'none', 'nofunc', 'noextern', 'noexn',
]);

/** Whether a module uses typed references or GC types (wabt cannot be the oracle). */
function usesGcTypes(nodes: SNode[]): boolean {
  const stack = [...nodes];
  while (stack.length) {
    const n = stack.pop()!;
    if (n.kind === 'atom' && GC_ATOMS.has(n.value)) return true;
    if (n.kind !== 'list') continue;
    const h = head(n);
    if (h === 'ref' && refNullShorthand(n)) continue;
    if (h?.startsWith('@')) continue;
    if (h !== undefined && GC_HEADS.has(h)) return true;
    stack.push(...n.items);
  }
  return false;
}

/** `(ref null func|extern|exn)`: plain Wasm 2 types spelled the Wasm 3 way. */
const REF_NULL_SHORT: Record<string, string> = { func: 'funcref', extern: 'externref', exn: 'exnref' };

function refNullShorthand(n: SList): string | undefined {
  const it = n.items;
  if (it.length !== 3 || head(n) !== 'ref' || it[1].kind !== 'atom' || it[1].value !== 'null' || it[2].kind !== 'atom') {
    return undefined;
  }
  return REF_NULL_SHORT[it[2].value];
}

const ID_CHAR = /^[0-9A-Za-z!#$%&'*+\-./:<=>?@\\^_`|~]+$/;

/**
 * A plain identifier for a quoted one ($"..."), which neither text parser reads
 * reliably. `value` is `$` followed by the string's bytes (one char per byte, see
 * sexpr.ts). Names made only of identifier characters keep their spelling, so `$"f"`
 * still refers to `$f`; others get a hex spelling that cannot clash with a plain name.
 */
function plainId(value: string): string {
  const name = value.slice(1);
  if (ID_CHAR.test(name)) return value;
  let hex = '';
  for (let i = 0; i < name.length; i++) hex += name.charCodeAt(i).toString(16).padStart(2, '0');
  return `$%q${hex}`;
}

/**
 * For `(f32.const X)` / `(f64.const X)`: X respelled so that it needs no rounding
 * (wabt misrounds some long hex literals in the subnormal range). Undefined when X
 * does not parse; the traits then mark the module as malformed.
 */
function exactFloat(n: SList): string | undefined {
  const h = head(n);
  const arg = n.items[1];
  if ((h !== 'f32.const' && h !== 'f64.const') || arg?.kind !== 'atom') return undefined;
  try {
    return h === 'f32.const' ? f32ExactText(parseF32Bits(arg.value)) : f64ExactText(parseF64Bits(arg.value));
  } catch {
    return undefined;
  }
}

/** A module's text ready for wabt. */
export interface ModuleText {
  text: Uint8Array;
  fields?: SNode[];
  gc?: boolean;
  wideLimits?: boolean;
}

const enc = new TextEncoder();

/** `(module <fields>)` from a module list of `buf` whose fields start at item `first`, rewritten for wabt. */
export function moduleTextFromList(buf: Uint8Array, list: SList, first: number): ModuleText {
  const fields = list.items.slice(first);
  if (fields.length === 0) return { text: enc.encode('(module)'), fields };
  const parts: Uint8Array[] = [enc.encode('(module ')];
  let at = fields[0].start;
  const stack = [...fields].reverse();
  while (stack.length) {
    const n = stack.pop()!;
    if (n.kind === 'atom' && buf[n.start] === 36 && buf[n.start + 1] === 34) {
      parts.push(buf.subarray(at, n.start), enc.encode(plainId(n.value)));
      at = n.end;
      continue;
    }
    if (n.kind !== 'list') continue;
    const exact = exactFloat(n);
    if (exact !== undefined) {
      const arg = n.items[1];
      parts.push(buf.subarray(at, arg.start), enc.encode(exact));
      at = arg.end;
      continue;
    }
    const short = refNullShorthand(n);
    if (short) {
      parts.push(buf.subarray(at, n.start), enc.encode(short));
      at = n.end;
      continue;
    }
    for (let i = n.items.length - 1; i >= 0; i--) stack.push(n.items[i]);
  }
  parts.push(buf.subarray(at, list.end));
  const wide = wideLimitInsertions(fields);
  if (wide.length) return spliceWide(buf, list, fields, wide);
  const total = parts.reduce((k, p) => k + p.length, 0);
  const text = new Uint8Array(total);
  let o = 0;
  for (const p of parts) {
    text.set(p, o);
    o += p.length;
  }
  return { text, fields, gc: usesGcTypes(fields) };
}

// ---------------------------------------------------------------------------
// Limits too large for a 32-bit memory or table.
//
// The spec has `(memory 0x1_0000_0000)` be well-formed and invalid (the validator
// rejects the size), but wabt refuses such numbers outright. We let wabt parse the
// limits as those of a 64-bit memory/table (`i64` inserted before them) and then
// clear the 64-bit flag in the binary, which gives the encoding of the module as
// written. Only done when the module has no genuine 64-bit memory or table.

function isNumberAtom(n: SNode | undefined): n is SNode & { kind: 'atom'; value: string } {
  return n?.kind === 'atom' && /^(0x[0-9a-fA-F_]+|[0-9][0-9_]*)$/.test(n.value);
}

/** Offsets at which to insert `i64 `: the first limit of each oversized memory/table. */
function wideLimitInsertions(fields: SNode[]): number[] {
  const types: SList[] = [];
  for (const f of fields) {
    if (f.kind !== 'list') continue;
    const h = head(f);
    if (h === 'memory' || h === 'table') types.push(f);
    else if (h === 'import' && (head(f.items[3]) === 'memory' || head(f.items[3]) === 'table')) types.push(f.items[3] as SList);
  }
  const out: number[] = [];
  for (const t of types) {
    if (t.items.some((n) => n.kind === 'atom' && n.value === 'i64')) return [];
    const nums = t.items.filter(isNumberAtom);
    if (!nums.some((n) => BigInt(n.value.replace(/_/g, '')) > 0xffffffffn)) continue;
    // Anything rewritten before the limits (quoted names) would overlap the splice.
    const first = t.items.indexOf(nums[0]);
    if (t.items.slice(0, first).some((n) => n.kind === 'atom' && n.value.startsWith('$') && n.end - n.start !== n.value.length)) return [];
    out.push(nums[0].start);
  }
  return out;
}

function spliceWide(buf: Uint8Array, list: SList, fields: SNode[], at: number[]): ModuleText {
  const parts: Uint8Array[] = [];
  let from = 0;
  for (const p of at) {
    parts.push(buf.subarray(from, p), enc.encode('i64 '));
    from = p;
  }
  parts.push(buf.subarray(from));
  const total = parts.reduce((k, p) => k + p.length, 0);
  const whole = new Uint8Array(total);
  let o = 0;
  for (const p of parts) {
    whole.set(p, o);
    o += p.length;
  }
  // Rebuild from the widened source, so the other rewrites apply as usual.
  const shift = (x: number) => x + at.filter((p) => p < x).length * 4;
  const own = whole.subarray(shift(list.start), shift(list.end));
  const newList = parseSExprs(own)[0] as SList;
  const mt = moduleTextFromList(own, newList, newList.items.length - fields.length);
  return { ...mt, wideLimits: true };
}

function skipLimits(b: Uint8Array, p: number, clear: boolean): number {
  const flag = b[p];
  if (clear) b[p] = flag & ~0x04;
  p = readLeb(b, p + 1)[1];
  if (flag & 1) p = readLeb(b, p)[1];
  return p;
}

function skipRefType(b: Uint8Array, p: number): number {
  const t = b[p++];
  if (t === 0x63 || t === 0x64) p = readLeb(b, p)[1];
  return p;
}

/** Clears the 64-bit flag of every memory and table type in the binary. */
function narrowLimits(bytes: Uint8Array): Uint8Array {
  const b = bytes.slice();
  let p = 8;
  while (p < b.length) {
    const id = b[p];
    const [size, body] = readLeb(b, p + 1);
    const end = body + size;
    if (id === 2 || id === 4 || id === 5) {
      let [count, q] = readLeb(b, body);
      while (count--) {
        if (id === 2) {
          for (let k = 0; k < 2; k++) {
            const [len, r] = readLeb(b, q);
            q = r + len;
          }
          const kind = b[q++];
          if (kind === 0 || kind === 4) q = readLeb(b, kind === 4 ? q + 1 : q)[1];
          else if (kind === 1) q = skipLimits(b, skipRefType(b, q), true);
          else if (kind === 2) q = skipLimits(b, q, true);
          else if (kind === 3) q = skipRefType(b, q) + 1;
          else throw new Error('unexpected import kind');
        } else if (id === 4) {
          const init = b[q] === 0x40;
          if (init) q += 2;
          q = skipLimits(b, skipRefType(b, q), true);
          if (init) q = skipConstExpr(b, q);
        } else {
          q = skipLimits(b, q, true);
        }
      }
      if (q !== end) throw new Error('section size mismatch');
    }
    p = end;
  }
  return b;
}

/** The text of `(module quote ...)`: either a whole module or just its fields. */
export function moduleTextFromQuote(body: Uint8Array): ModuleText {
  let top: SNode[] | undefined;
  try {
    top = parseSExprs(body);
  } catch {
    top = undefined;
  }
  if (top && top.length === 1 && head(top[0]) === 'module') {
    const list = top[0] as SList;
    return moduleTextFromList(body, list, moduleFieldStart(list));
  }
  const wrapped = new Uint8Array(body.length + 10);
  wrapped.set(enc.encode('(module '), 0);
  wrapped.set(body, 8);
  wrapped.set(enc.encode('\n)'), body.length + 8);
  if (top) {
    // Re-parse as a module so offsets refer to `wrapped`.
    try {
      const list = parseSExprs(wrapped)[0] as SList;
      return moduleTextFromList(wrapped, list, 1);
    } catch {
      // fall through: the parsers will report the problem
    }
  }
  return { text: wrapped };
}

/** Index of the first field of a `(module $id? ...)` list. */
export function moduleFieldStart(list: SList): number {
  const it = list.items[1];
  return it?.kind === 'atom' && it.value.startsWith('$') ? 2 : 1;
}

/** The binary wabt makes of a module's text, repaired; not ok where wabt fails or cannot be trusted. */
export function wabtBinary(mt: ModuleText): OracleResult {
  if (mt.gc) return { ok: false, reason: 'typed references or GC types' };
  let m: WabtModuleLike | undefined;
  let bytes: Uint8Array;
  try {
    m = wabt.parseWat('module.wat', mt.text, WABT_FEATURES);
    m.resolveNames();
    bytes = m.toBinary({}).buffer.slice();
  } catch (e) {
    return { ok: false, reason: String((e as Error)?.message ?? e).split('\n')[0] };
  } finally {
    m?.destroy();
  }
  const fixed = fixDataMemoryIndices(bytes, mt.fields);
  if (!fixed.ok) return fixed;
  return mt.wideLimits ? { ok: true, bytes: narrowLimits(fixed.bytes) } : fixed;
}

// ---------------------------------------------------------------------------
// The data-segment memory index repair.

/**
 * The memory index of every data segment, in order, as the text declares them:
 * standalone `(data ...)` fields and the inline `(memory (data ...))` abbreviation.
 * Memory indices are assigned in text order, imports included (the text format
 * requires imports to come first, so text order is index order).
 */
export function dataSegmentMemories(fields: SNode[]): number[] | undefined {
  const names = new Map<string, number>();
  let memCount = 0;
  const segs: number[] = [];
  const isId = (n: SNode | undefined) => n?.kind === 'atom' && n.value.startsWith('$');
  for (const f of fields) {
    if (f.kind !== 'list') continue;
    const h = head(f);
    if (h === 'import') {
      const desc = f.items[3];
      if (head(desc) === 'memory') {
        const id = (desc as SList).items[1];
        if (id?.kind === 'atom' && id.value.startsWith('$')) names.set(id.value, memCount);
        memCount++;
      }
    } else if (h === 'memory') {
      const idx = memCount++;
      if (isId(f.items[1])) names.set((f.items[1] as { value: string }).value, idx);
      if (f.items.some((x) => head(x) === 'data')) segs.push(idx);
    } else if (h === 'data') {
      let i = 1;
      if (isId(f.items[i])) i++;
      const m = f.items[i];
      let idx = 0;
      if (head(m) === 'memory') {
        const ref = (m as SList).items[1];
        if (ref?.kind !== 'atom') return undefined;
        if (ref.value.startsWith('$')) {
          const v = names.get(ref.value);
          if (v === undefined) return undefined;
          idx = v;
        } else {
          const v = Number(ref.value.replace(/_/g, ''));
          if (!Number.isSafeInteger(v)) return undefined;
          idx = v;
        }
      }
      segs.push(idx);
    }
  }
  return segs;
}

function readLeb(b: Uint8Array, p: number): [value: number, next: number] {
  let v = 0;
  let mul = 1;
  for (;;) {
    if (p >= b.length) throw new Error('truncated LEB');
    const c = b[p++];
    v += (c & 0x7f) * mul;
    mul *= 128;
    if (!(c & 0x80)) return [v, p];
    if (mul > 2 ** 35) throw new Error('overlong LEB');
  }
}

function writeLeb(out: number[], v: number): void {
  do {
    let c = v % 128;
    v = Math.floor(v / 128);
    if (v) c |= 0x80;
    out.push(c);
  } while (v);
}

/** Skips a constant expression (up to and including its `end`), returns the next offset. */
function skipConstExpr(b: Uint8Array, p: number): number {
  for (;;) {
    if (p >= b.length) throw new Error('truncated constant expression');
    const op = b[p++];
    switch (op) {
      case 0x0b: return p;
      case 0x41: case 0x42: case 0x23: case 0xd2: {
        // i32/i64.const (signed LEB), global.get, ref.func: one LEB immediate
        while (b[p] & 0x80) p++;
        p++;
        break;
      }
      case 0x43: p += 4; break;
      case 0x44: p += 8; break;
      case 0xd0: { // ref.null heaptype (s33)
        while (b[p] & 0x80) p++;
        p++;
        break;
      }
      case 0x6a: case 0x6b: case 0x6c: case 0x7c: case 0x7d: case 0x7e: break; // extended-const arithmetic
      case 0xfd: { // v128.const
        const [sub, q] = readLeb(b, p);
        if (sub !== 12) throw new Error('unexpected SIMD op in constant expression');
        p = q + 16;
        break;
      }
      default:
        throw new Error(`unexpected opcode 0x${op.toString(16)} in constant expression`);
    }
  }
}

/**
 * Re-inserts the memory index wabt leaves out of active data segments that name a
 * memory (flag 2). The repaired section is re-parsed to check it is well-formed.
 */
export function fixDataMemoryIndices(
  bytes: Uint8Array,
  fields: SNode[] | undefined,
): { ok: true; bytes: Uint8Array } | { ok: false; reason: string } {
  const mems = fields ? dataSegmentMemories(fields) : undefined;
  // Segments for memory 0 are encoded correctly; only walk the section when needed
  // (it may hold invalid constant expressions we could not step over).
  if (mems && mems.every((m) => m === 0)) return { ok: true, bytes };
  try {
    let p = 8;
    while (p < bytes.length) {
      const id = bytes[p];
      const [size, body] = readLeb(bytes, p + 1);
      if (id !== 11) {
        p = body + size;
        continue;
      }
      const end = body + size;
      let [count, q] = readLeb(bytes, body);
      const segStarts: number[] = [];
      const out: number[] = [];
      writeLeb(out, count);
      let needs = false;
      for (let i = 0; i < count; i++) {
        segStarts.push(q);
        const [flag, r] = readLeb(bytes, q);
        writeLeb(out, flag);
        let s = r;
        if (flag === 2) {
          needs = true;
          if (!mems || mems.length !== count) {
            return { ok: false, reason: 'cannot determine data segment memory indices from the text' };
          }
          writeLeb(out, mems[i]);
        }
        if (flag === 0 || flag === 2) s = skipConstExpr(bytes, s);
        else if (flag !== 1) throw new Error(`unexpected data segment flag ${flag}`);
        const [len, d] = readLeb(bytes, s);
        s = d + len;
        for (let k = r; k < s; k++) out.push(bytes[k]);
        q = s;
      }
      if (q !== end) throw new Error('data section size mismatch');
      if (!needs) return { ok: true, bytes };
      const sec: number[] = [11];
      writeLeb(sec, out.length);
      const result = new Uint8Array(p + sec.length + out.length + (bytes.length - end));
      result.set(bytes.subarray(0, p), 0);
      result.set(sec, p);
      result.set(out, p + sec.length);
      result.set(bytes.subarray(end), p + sec.length + out.length);
      verifyDataSection(result, p);
      return { ok: true, bytes: result };
    }
    return { ok: true, bytes };
  } catch (e) {
    return { ok: false, reason: `could not repair wabt data section: ${(e as Error).message}` };
  }
}

/** Parses a standard-encoded data section start to end; throws if it does not fit. */
function verifyDataSection(b: Uint8Array, p: number): void {
  const [size, body] = readLeb(b, p + 1);
  const end = body + size;
  let [count, q] = readLeb(b, body);
  while (count--) {
    const [flag, r] = readLeb(b, q);
    let s = r;
    if (flag === 2) s = readLeb(b, s)[1];
    if (flag !== 1) s = skipConstExpr(b, s);
    const [len, d] = readLeb(b, s);
    q = d + len;
  }
  if (q !== end) throw new Error('repaired data section does not parse');
}
