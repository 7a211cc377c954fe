// Instructions, flat and folded, to bytes. Names and immediates come from the one
// opcode table (src/opcodes.ts): an instruction is its row's opcode followed by
// what the row's `imm` kind reads, so a row added there is an instruction here.
// The structured instructions (block, loop, if, try, try_table and their else,
// catch, catch_all, delegate, end) are the only ones handled by name, for
// their labels and folded forms.
//
// Folded instructions are encoded in their unfolded order (operands, then the
// instruction), and so are the type uses in them: a block type or call_indirect
// signature that inserts a type inserts it in the order a flat text would, as
// wabt does. Each instruction's opcode is marked with its text position, so a
// validation error at that byte offset is reported at the instruction; the
// implicit `end` of a folded block or body is marked at its closing parenthesis.
import { Imm, Op, OPCODES, opEncoding, type OpInfo } from '../opcodes.js';
import { Cursor, describe, isIndexToken } from './cursor.js';
import { LiteralError, parseF32Bits, parseF64Bits, parseIntBits, parseNat } from './literals.js';
import { Space, type ModuleScope } from './scope.js';
import type { SAtom, SList, SNode } from './sexpr.js';
import { nullHeapType, sameSig, signature, tryValType, writeHeapType, writeValType, type FuncSig } from './types.js';
import type { Writer } from './writer.js';

/** Rows by text name; `select` has two (plain and typed). */
const BY_NAME = new Map<string, OpInfo[]>();
for (const r of OPCODES) {
  if (r.imm === Imm.Outline || r.imm === Imm.Inline) continue;
  const list = BY_NAME.get(r.name);
  if (list) list.push(r);
  else BY_NAME.set(r.name, [r]);
}

/** Each row's opcode bytes: the opcode, or the prefix and the sub-opcode (as a LEB). */
const ENCODING = new Map<OpInfo, number[]>(OPCODES.map((r) => [r, opEncoding(r.op)]));

/** Instruction-name families of proposals wasm2es does not support. */
const FEATURES: [RegExp, string][] = [
  [/^(?:v128|i8x16|i16x8|i32x4|i64x2|f16x8|f32x4|f64x2)\./, 'simd'],
  [/\.atomic\.|^atomic\.fence$/, 'threads'],
  [/^(?:struct|array|i31|any|extern\.convert_any|ref\.(?:i31|test|cast|eq)$|br_on_cast)/, 'gc'],
  [/^i64\.(?:add128|sub128|mul_wide_[su])$/, 'wide-arithmetic'],
  [/^(?:cont\.|resume|suspend$|switch$)/, 'stack-switching'],
];

/** The proposal an unknown instruction name belongs to, if it is one wasm2es knows of. */
export function featureOf(name: string): string | undefined {
  // Names with a slash are the pre-standard spellings (i32.trunc_s/f32, f32x4.convert_s/i32x4).
  if (name.includes('/')) return undefined;
  for (const [re, f] of FEATURES) if (re.test(name)) return f;
  return undefined;
}

/** An open structured instruction. */
interface Frame {
  op: Op;
  label: string | undefined;
  /** Written as a list: only its closing parenthesis ends it. */
  folded: boolean;
  at: number;
  /** if: else seen; try: catch_all seen; */
  closedArm: boolean;
  /** try: a catch or catch_all seen (no delegate then). */
  caught: boolean;
}

type ImmReader = (e: CodeWriter, c: Cursor, row: OpInfo) => void;

/** Reads the immediates of one `Imm` kind and writes their encoding. */
const IMM: Partial<Record<Imm, ImmReader>> = {
  [Imm.None]: () => {},
  [Imm.Label]: (e, c) => e.w.u32(e.label(c, c.need('a label'))),
  [Imm.BrTable]: (e, c) => {
    const depths: number[] = [];
    while (c.peekIndex()) depths.push(e.label(c, c.next()!));
    if (!depths.length) c.fail('br_table needs at least one label');
    e.w.u32(depths.length - 1);
    for (const d of depths) e.w.u32(d);
  },
  [Imm.Func]: (e, c) => e.w.u32(e.scope.index(c, c.next(), Space.Func)),
  [Imm.Global]: (e, c) => e.w.u32(e.scope.index(c, c.next(), Space.Global)),
  [Imm.Tag]: (e, c) => e.w.u32(e.scope.index(c, c.next(), Space.Tag)),
  [Imm.Local]: (e, c) => e.w.u32(e.local(c, c.need('a local index'))),
  [Imm.Type]: (e, c) => e.w.u32(e.scope.types.resolve(c, c.next())),
  [Imm.CallIndirect]: (e, c) => {
    const table = c.peekIndex() ? e.scope.index(c, c.next(), Space.Table) : 0;
    e.w.u32(e.typeUse(c));
    e.w.u32(table);
  },
  [Imm.MemArg]: (e, c, row) => e.memArg(c, row),
  [Imm.Memory]: (e, c) => e.w.u32(c.peekIndex() ? e.scope.index(c, c.next(), Space.Memory) : 0),
  [Imm.Table]: (e, c) => e.w.u32(c.peekIndex() ? e.scope.index(c, c.next(), Space.Table) : 0),
  [Imm.I32]: (e, c) => e.w.s32(Number(BigInt.asIntN(32, literal(c, (t) => parseIntBits(t, 32))))),
  [Imm.I64]: (e, c) => e.w.s64(BigInt.asIntN(64, literal(c, (t) => parseIntBits(t, 64)))),
  [Imm.F32]: (e, c) => e.w.fixed(BigInt(literal(c, parseF32Bits)), 4),
  [Imm.F64]: (e, c) => e.w.fixed(literal(c, parseF64Bits), 8),
  [Imm.SelectTypes]: (e, c) => {
    const types: number[] = [];
    for (let r = c.list('result'); r; r = c.list('result')) {
      const rc = Cursor.of(c.src, r);
      for (let t = tryValType(rc, e.scope.types); t; t = tryValType(rc, e.scope.types)) types.push(t.type);
      rc.end();
    }
    e.w.u32(types.length);
    for (const t of types) writeValType(e.w, t);
  },
  [Imm.HeapType]: (e, c) => writeHeapType(e.w, nullHeapType(c, e.scope.types)),
  [Imm.MemoryInit]: (e, c) => e.segmentAnd(c, Space.Memory, Space.Data),
  [Imm.Data]: (e, c) => {
    e.scope.usesDataCount();
    e.w.u32(e.scope.index(c, c.next(), Space.Data));
  },
  [Imm.MemoryCopy]: (e, c) => e.pair(c, Space.Memory),
  [Imm.TableInit]: (e, c) => e.segmentAnd(c, Space.Table, Space.Elem),
  [Imm.Elem]: (e, c) => e.w.u32(e.scope.index(c, c.next(), Space.Elem)),
  [Imm.TableCopy]: (e, c) => e.pair(c, Space.Table),
};

/** Rows chosen by what follows the name, where a name has several (typed `select`). */
const ACCEPTS: Partial<Record<Imm, (c: Cursor) => boolean>> = {
  [Imm.SelectTypes]: (c) => c.peekHead() === 'result',
};

function literal<T>(c: Cursor, parse: (text: string) => T): T {
  const n = c.need('a number');
  if (n.kind !== 'atom') c.fail(`unexpected ${describe(n)}, expected a number`, n.start);
  try {
    return parse(n.value);
  } catch (e) {
    if (e instanceof LiteralError) c.fail(e.message.replace(/^invalid/, 'malformed'), n.start);
    throw e;
  }
}

/** Heads of the lists that belong to an instruction's immediates rather than its operands. */
const IMMEDIATE_LISTS = new Set(['type', 'param', 'result']);

export class CodeWriter {
  private readonly frames: Frame[] = [];

  constructor(
    readonly scope: ModuleScope,
    readonly w: Writer,
    /** Local names of the function (none in constant expressions). */
    readonly locals: Map<string, number>,
  ) {}

  /**
   * An expression: instructions up to the end of `c`, then `end`, marked at
   * `endAt` (the closing parenthesis of the function or expression).
   */
  expr(c: Cursor, endAt: number): void {
    this.instrs(c);
    const open = this.frames[this.frames.length - 1];
    if (open) c.fail(`unclosed ${opName(open.op)}: expected end`, open.at);
    this.w.mark(endAt);
    this.w.u8(Op.End);
  }

  /** Instructions, flat and folded, up to the end of `c`. */
  instrs(c: Cursor): void {
    for (let n = c.peek(); n; n = c.peek()) {
      if (n.kind === 'list') {
        c.next();
        this.folded(n);
      } else this.plain(c);
    }
  }

  private row(c: Cursor, tok: SNode | undefined): OpInfo {
    if (tok?.kind !== 'atom' || !/^[a-z]/.test(tok.value)) {
      return c.fail(tok ? `unexpected ${describe(tok)}, expected an instruction` : 'expected an instruction', tok?.start);
    }
    const rows = BY_NAME.get(tok.value);
    if (!rows) {
      const f = featureOf(tok.value);
      return c.fail(f ? `unsupported feature: ${f}` : `unknown operator ${tok.value}`, tok.start);
    }
    if (rows.length === 1) return rows[0];
    return rows.find((r) => ACCEPTS[r.imm]?.(c)) ?? rows.find((r) => !ACCEPTS[r.imm])!;
  }

  private op(row: OpInfo, at: number): void {
    this.w.mark(at);
    const enc = ENCODING.get(row)!;
    this.w.u8(enc[0]);
    if (enc.length > 1) this.w.u32(enc[1]);
  }

  private immediates(c: Cursor, row: OpInfo): void {
    const read = IMM[row.imm];
    if (!read) c.fail(`${row.name} cannot be written in text`);
    read(this, c, row);
  }

  /** One plain instruction, `c` at its name. */
  private plain(c: Cursor): void {
    const tok = c.next() as SAtom;
    const row = this.row(c, tok);
    if (row.opens) return this.open(c, row, tok.start, false);
    switch (row.op) {
      case Op.Else: {
        const f = this.flatFrame(c, tok, Op.If);
        if (f.closedArm) c.fail('unexpected else', tok.start);
        f.closedArm = true;
        this.checkLabel(c, f);
        // An empty else arm is left out, as the binary format allows (and wabt does).
        if (c.peekAtom() !== 'end') this.op(row, tok.start);
        return;
      }
      case Op.Catch:
      case Op.CatchAll: {
        const f = this.flatFrame(c, tok, Op.Try);
        if (f.closedArm) c.fail(`unexpected ${tok.value} after catch_all`, tok.start);
        f.caught = true;
        f.closedArm = row.op === Op.CatchAll;
        this.op(row, tok.start);
        this.immediates(c, row);
        return;
      }
      case Op.Delegate: {
        const f = this.flatFrame(c, tok, Op.Try);
        if (f.caught) c.fail('unexpected delegate after catch', tok.start);
        this.frames.pop();
        this.op(row, tok.start);
        this.w.u32(this.label(c, c.need('a label')));
        return;
      }
      case Op.End: {
        const f = this.flatFrame(c, tok);
        this.checkLabel(c, f);
        this.frames.pop();
        this.op(row, tok.start);
        return;
      }
    }
    this.op(row, tok.start);
    this.immediates(c, row);
  }

  /** The innermost frame, which a flat else/catch/delegate/end belongs to. */
  private flatFrame(c: Cursor, tok: SAtom, op?: Op): Frame {
    const f = this.frames[this.frames.length - 1];
    if (!f || f.folded || (op !== undefined && f.op !== op)) {
      c.fail(`unexpected ${tok.value}`, tok.start);
    }
    return f;
  }

  /** `end $l` / `else $l`: the label, if repeated, must be the block's. */
  private checkLabel(c: Cursor, f: Frame): void {
    const id = c.id();
    if (id && id.value !== f.label) c.fail(`mismatching label ${id.value}`, id.start);
  }

  /** block, loop, if, try, try_table: label, block type (and catch clauses), then the body. */
  private open(c: Cursor, row: OpInfo, at: number, folded: boolean): void {
    const label = c.id()?.value;
    this.op(row, at);
    this.blockType(c);
    if (row.op === Op.TryTable) this.catchClauses(c);
    this.frames.push({ op: row.op, label, folded, at, closedArm: false, caught: false });
  }

  private blockType(c: Cursor): void {
    const types = this.scope.types;
    const at = c.here();
    const ref = c.list('type');
    const s = signature(c, types, false);
    let sig = s.sig;
    let index: number | undefined;
    if (ref) {
      const r = Cursor.of(c.src, ref);
      index = types.resolve(r, r.next());
      r.end();
      const def = types.entries[index];
      if (s.written) checkInline(c, def?.sig, s.sig, index, at);
      if (!def) {
        this.w.s32(index);
        return;
      }
      sig = def.sig;
    }
    // A signature with no params and at most one result is written short, as wabt does.
    if (sig.params.length === 0 && sig.results.length <= 1) {
      if (sig.results.length) writeValType(this.w, sig.results[0]);
      else this.w.u8(0x40);
      return;
    }
    this.w.s32(index ?? types.findOrInsert(sig, at, s.pos));
  }

  private catchClauses(c: Cursor): void {
    const clauses: SList[] = [];
    for (let h = c.peekHead(); h === 'catch' || h === 'catch_ref' || h === 'catch_all' || h === 'catch_all_ref'; h = c.peekHead()) {
      clauses.push(c.next() as SList);
    }
    this.w.u32(clauses.length);
    for (const l of clauses) {
      const k = Cursor.of(c.src, l);
      const h = (l.items[0] as SAtom).value;
      const kind = ['catch', 'catch_ref', 'catch_all', 'catch_all_ref'].indexOf(h);
      this.w.mark(l.start);
      this.w.u8(kind);
      if (kind < 2) this.w.u32(this.scope.index(k, k.next(), Space.Tag));
      this.w.u32(this.label(k, k.need('a label')));
      k.end();
    }
  }

  /** One folded instruction `( ... )`. */
  private folded(list: SList): void {
    this.scope.deepest = list.start;
    const c = Cursor.of(this.scope.src, list, 0);
    const tok = c.next();
    const row = this.row(c, tok);
    const at = (tok as SAtom).start;
    if (row.opens) return this.foldedBlock(c, list, row, at);
    if (row.separates || row.closes) c.fail(`unexpected ${row.name}`, at);
    // Operands first: find where the immediates end, encode the operands, then
    // come back for the instruction and its immediates.
    const immStart = c.i;
    const operandStart = this.skipImmediates(c);
    c.i = operandStart;
    for (let n = c.next(); n; n = c.next()) {
      if (n.kind !== 'list') throw c.src.error(n.start, `unexpected ${describe(n)}, expected a folded instruction`);
      this.folded(n);
    }
    c.i = immStart;
    c.limitTo(operandStart);
    this.op(row, at);
    this.immediates(c, row);
    c.end();
  }

  /** Index of the first operand: immediates are atoms and type/param/result lists. */
  private skipImmediates(c: Cursor): number {
    for (let n = c.peek(); n; n = c.peek()) {
      if (n.kind === 'list' && !IMMEDIATE_LISTS.has(c.peekHead() ?? '')) break;
      c.i++;
    }
    return c.i;
  }

  private foldedBlock(c: Cursor, list: SList, row: OpInfo, at: number): void {
    const end = list.end - 1;
    if (row.op === Op.If) {
      // (if label? bt cond* (then ...) (else ...)?): the conditions come first.
      const headStart = c.i;
      const condStart = this.skipImmediates(c);
      c.i = condStart;
      while (c.peekHead() !== 'then') {
        const n = c.next();
        if (!n) c.fail('expected (then ...)');
        if (n.kind !== 'list') c.fail(`unexpected ${describe(n)}, expected a folded instruction or (then ...)`, n.start);
        this.folded(n);
      }
      const thenAt = c.i;
      c.i = headStart;
      c.limitTo(condStart);
      this.open(c, row, at, true);
      c.end();
      c.unlimit();
      c.i = thenAt;
      this.arm(c.list('then')!);
      const els = c.list('else');
      if (els && Cursor.of(c.src, els).peek()) {
        this.op(BY_NAME.get('else')![0], els.start);
        this.arm(els);
      }
      c.end();
    } else if (row.op === Op.Try) {
      this.open(c, row, at, true);
      const body = c.list('do');
      if (!body) c.fail('expected (do ...)');
      this.arm(body);
      const frame = this.frames[this.frames.length - 1];
      for (let h = c.peekHead(); h === 'catch' || h === 'catch_all'; h = c.peekHead()) {
        if (frame.closedArm) c.fail(`unexpected ${h} after catch_all`);
        const l = c.next() as SList;
        const k = Cursor.of(c.src, l);
        const r = BY_NAME.get(h)![0];
        this.op(r, l.start);
        this.immediates(k, r);
        this.instrs(k);
        frame.caught = true;
        frame.closedArm = h === 'catch_all';
      }
      const del = !frame.caught ? c.list('delegate') : undefined;
      c.end();
      if (del) {
        this.frames.pop();
        const d = Cursor.of(c.src, del);
        this.op(BY_NAME.get('delegate')![0], del.start);
        this.w.u32(this.label(d, d.need('a label')));
        d.end();
        return;
      }
    } else {
      this.open(c, row, at, true);
      this.instrs(c);
    }
    const top = this.frames.pop();
    if (top?.at !== at) c.fail(`unclosed ${top ? opName(top.op) : 'block'}: expected end`, top?.at);
    this.w.mark(end);
    this.w.u8(Op.End);
  }

  /** The instructions of a `(then ...)`, `(else ...)` or `(do ...)`. */
  private arm(list: SList): void {
    const depth = this.frames.length;
    this.instrs(Cursor.of(this.scope.src, list));
    if (this.frames.length !== depth) {
      const f = this.frames[this.frames.length - 1];
      throw this.scope.src.error(f.at, `unclosed ${opName(f.op)}: expected end`);
    }
  }

  /** A label: `$l` (the innermost block of that name) or a depth. */
  label(c: Cursor, n: SNode): number {
    if (n.kind === 'atom' && n.value.startsWith('$')) {
      for (let i = this.frames.length - 1; i >= 0; i--) {
        if (this.frames[i].label === n.value) return this.frames.length - 1 - i;
      }
      c.fail(`unknown label ${n.value}`, n.start);
    }
    return this.nat32(c, n, 'a label');
  }

  local(c: Cursor, n: SNode): number {
    if (n.kind === 'atom' && n.value.startsWith('$')) {
      const i = this.locals.get(n.value);
      if (i === undefined) c.fail(`unknown local ${n.value}`, n.start);
      return i;
    }
    return this.nat32(c, n, 'a local index');
  }

  private nat32(c: Cursor, n: SNode, what: string): number {
    const v = n.kind === 'atom' && isIndexToken(n.value) ? parseNat(n.value) : undefined;
    if (v === undefined || v >= 0x100000000n) c.fail(`unexpected ${describe(n)}, expected ${what}`, n.start);
    return Number(v);
  }

  /** A type use whose params have no names (call_indirect): its type index. */
  typeUse(c: Cursor): number {
    const types = this.scope.types;
    const at = c.here();
    const ref = c.list('type');
    const s = signature(c, types, false);
    if (!ref) return types.findOrInsert(s.sig, at, s.pos);
    const r = Cursor.of(c.src, ref);
    const index = types.resolve(r, r.next());
    r.end();
    if (s.written) checkInline(c, types.entries[index]?.sig, s.sig, index, at);
    return index;
  }

  /** `memidx? offset=N? align=N?`: flags (alignment, bit 6 for a memory index), memory, offset. */
  memArg(c: Cursor, row: OpInfo): void {
    const mem = c.peekIndex() ? this.scope.index(c, c.next(), Space.Memory) : 0;
    let align = row.access?.naturalAlign ?? 0;
    const opt = (key: string, check?: (x: bigint) => string | undefined): bigint | undefined => {
      const v = c.peekAtom();
      if (!v?.startsWith(key)) return undefined;
      const n = c.next()!;
      const x = parseNat(v.slice(key.length));
      const problem = x === undefined || x >= 1n << 64n ? `malformed ${key.slice(0, -1)}: ${v}` : check?.(x);
      if (problem) c.fail(problem, n.start);
      return x;
    };
    const offset = opt('offset=') ?? 0n;
    const a = opt('align=', (x) => (x === 0n || (x & (x - 1n)) !== 0n ? `alignment must be a power of two: ${x}` : undefined));
    if (a !== undefined) align = a.toString(2).length - 1;
    this.w.u32(mem !== 0 ? align | 0x40 : align);
    if (mem !== 0) this.w.u32(mem);
    this.w.u64(offset);
  }

  /** memory.init / table.init: an optional memory or table, then the segment; encoded segment first. */
  segmentAnd(c: Cursor, space: Space, segment: Space): void {
    if (segment === Space.Data) this.scope.usesDataCount();
    let target = 0;
    if (c.peekIndex() && c.peek2()?.kind === 'atom' && isIndexToken((c.peek2() as SAtom).value)) {
      target = this.scope.index(c, c.next(), space);
    }
    this.w.u32(this.scope.index(c, c.next(), segment));
    this.w.u32(target);
  }

  /** memory.copy / table.copy: no index (0 0) or destination and source. */
  pair(c: Cursor, space: Space): void {
    if (!c.peekIndex()) {
      this.w.u32(0);
      this.w.u32(0);
      return;
    }
    this.w.u32(this.scope.index(c, c.next(), space));
    this.w.u32(this.scope.index(c, c.next(), space));
  }
}

/** `(type x)` with an inline signature: x must exist and have that signature. */
function checkInline(c: Cursor, def: FuncSig | undefined, inline: FuncSig, index: number, at: number): void {
  if (!def) c.fail(`unknown type ${index}`, at);
  if (!sameSig(def, inline)) c.fail('inline function type does not match the type it names', at);
}

function opName(op: Op): string {
  return OPCODES.find((r) => r.op === op)?.name ?? 'block';
}
