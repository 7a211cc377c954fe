// What the SIMD handlers (simd-*.ts) program against: v128 operands as lanes on
// the operand stack (passes/simd.ts put them there, each instruction's `simd`
// says in which representation), their conversion between representations,
// and pushing result lanes.
//
// Representations (ir.ts SimdRep): I32 four int32 bit patterns; F32 four f32
// values (the f32 NaN convention of runtime/numeric.ts); F64 two doubles; I16
// and I8 eight / sixteen int32s whose low 16 / 8 bits are the lane, the high
// bits arbitrary ("dirty": add, sub, mul, and, or, xor and shl need no
// clean-up; comparisons, right shifts, min/max, narrowing and extraction
// sign- or zero-extend first).
//
// Order of evaluation. An operand lane that may trap or act (a pending load,
// a call) is evaluated, with everything pending below it that touches state,
// before the instruction's lanes are combined, so combining lanes of several
// operands never reorders effects. Result lanes are pending expressions like
// any other; codegen/stack.ts's rule that an entry reads only slots at or
// above its own depth holds for a lane-wise result (result lane j reads lane
// j of each operand). A result lane that reads a lane below it (a shuffle, a
// splat, a load's address, a conversion changing the lane count) is instead
// written at once into a slot above every operand, and the result entry reads
// that slot.
import { SimdRep, type Instr } from '../ir.js';
import { OP_INFO, Op } from '../opcodes.js';
import { LANES } from '../passes/simd-reps.js';
import type { Handler, Lowering } from './lowering.js';
import { Flag, type Entry } from './stack.js';

export { SimdRep, LANES };

/** One operand: a v128 (rep, lane codes) or a scalar (rep -1, its one code). */
export interface Operand {
  rep: SimdRep | -1;
  lanes: string[];
}

/** Popped operands of one instruction. */
export interface Taken {
  ops: Operand[];
  entries: Entry[];
  /** Stack height before the pop (the first slot above every operand). */
  top: number;
  /** A result lane reads an operand lane below it: results go through slots (see above). */
  crossed: boolean;
}

const SCALAR = -1;

export const sext8 = (x: string) => `((${x} << 24) >> 24)`;
export const zext8 = (x: string) => `(${x} & 255)`;
export const sext16 = (x: string) => `((${x} << 16) >> 16)`;
export const zext16 = (x: string) => `(${x} & 65535)`;

/** An int32 literal. */
export function lit(n: number): string {
  n |= 0;
  return n < 0 ? `(${n})` : String(n);
}

/**
 * Pops the operands of `ins`: its v128 operands as lanes in the
 * representations `ins.simd.in` gives, the others as one code each, in operand
 * order. `shape` lists the operands ('v' v128, 's' scalar); by default the
 * row's signature. With `atoms` every operand lane is first evaluated into its
 * slot (the instruction reads lanes more than once).
 */
export function take(lw: Lowering, ins: Instr, atoms: boolean, shape?: string): Taken {
  const st = lw.stack;
  const kinds = shape ?? OP_INFO[ins.op]!.sig!.params.map((t) => (t === 0x7b ? 'v' : 's')).join('');
  const reps = ins.simd!.in;
  let count = 0;
  let v = 0;
  for (const k of kinds) count += k === 'v' ? LANES[reps[v++]] : 1;
  const h = st.height;
  let effect = false;
  for (let j = h - count; j < h; j++) if (st.entries[j].flags & Flag.Effect && !(st.entries[j].flags & Flag.InSlot)) effect = true;
  if (effect) st.flushForStatement(false, 0);
  if (atoms) for (let j = h - count; j < h; j++) if (!st.isAtom(st.entries[j])) st.materialize(j);
  const entries = st.popN(count);
  const ops: Operand[] = [];
  let p = 0;
  v = 0;
  for (const k of kinds) {
    if (k === 'v') {
      const rep = reps[v++];
      const n = LANES[rep];
      ops.push({ rep, lanes: entries.slice(p, p + n).map((e) => paren(st.value(e))) });
      p += n;
    } else {
      ops.push({ rep: SCALAR, lanes: [paren(st.value(entries[p++]))] });
    }
  }
  return { ops, entries, top: h, crossed: false };
}

/** Whether converting between two representations reads a lane more than once. */
export function convertNeedsAtoms(from: SimdRep, to: SimdRep): boolean {
  if (from === to) return false;
  return to === SimdRep.I16 || to === SimdRep.I8 || from === SimdRep.F64 || (from !== SimdRep.I32 && to !== SimdRep.I32);
}

/** The module's f64 scratch pair: a Float64Array(1) and an Int32Array over its bytes. */
function f64Scratch(lw: Lowering): [f64: string, i32: string] {
  const f = lw.decls.constant('new Float64Array(1)');
  return [f, lw.decls.constant(`new Int32Array(${f}.buffer)`)];
}

/** Lane codes of `x` (a v128 in representation `from`) as representation `to`. Pure expressions. */
export function convert(lw: Lowering, lanes: string[], from: SimdRep, to: SimdRep): string[] {
  if (from === to) return lanes;
  if (from !== SimdRep.I32 && to !== SimdRep.I32) return convert(lw, convert(lw, lanes, from, SimdRep.I32), SimdRep.I32, to);
  if (from === SimdRep.I32) {
    const w = lanes;
    switch (to) {
      case SimdRep.F32: return w.map((x) => `${lw.helper('f32FromBits')}(${x})`);
      case SimdRep.F64: {
        const [f, i] = f64Scratch(lw);
        return [0, 1].map((j) => `(${i}[0] = ${w[2 * j]}, ${i}[1] = ${w[2 * j + 1]}, ${f}[0])`);
      }
      case SimdRep.I16: return w.flatMap((x) => [x, `(${x} >> 16)`]);
      case SimdRep.I8: return w.flatMap((x) => [x, `(${x} >> 8)`, `(${x} >> 16)`, `(${x} >> 24)`]);
    }
  }
  switch (from) {
    case SimdRep.F32: return lanes.map((x) => `${lw.helper('i32ReinterpretF32')}(${x})`);
    case SimdRep.F64: {
      const [f, i] = f64Scratch(lw);
      return lanes.flatMap((x) => [`(${f}[0] = ${x}, ${i}[0])`, `(${f}[0] = ${x}, ${i}[1])`]);
    }
    case SimdRep.I16: return [0, 1, 2, 3].map((k) => `(${zext16(lanes[2 * k])} | (${lanes[2 * k + 1]} << 16))`);
    default: return [0, 1, 2, 3].map((k) => `(${zext8(lanes[4 * k])} | (${zext8(lanes[4 * k + 1])} << 8) | (${zext8(lanes[4 * k + 2])} << 16) | (${lanes[4 * k + 3]} << 24))`);
  }
}

/**
 * Operand `i` of `t` as lanes of representation `rep`. A conversion that
 * changes the lane count makes result lane j read operand lanes below j: the
 * results then go through slots (Taken.crossed).
 */
export function lanesAs(lw: Lowering, t: Taken, i: number, rep: SimdRep): string[] {
  const o = t.ops[i];
  if (o.rep === SCALAR) throw new Error('internal: scalar operand used as v128');
  if (LANES[o.rep] !== LANES[rep]) t.crossed = true;
  return convert(lw, o.lanes, o.rep, rep);
}

/** A scalar operand's code. */
export function scalar(t: Taken, i: number): string {
  return t.ops[i].lanes[0];
}

/** Whether the v128 operands of `ins` need evaluating into slots to be converted to `wants` (per v128 operand). */
export function needAtoms(ins: Instr, wants: readonly SimdRep[]): boolean {
  return ins.simd!.in.some((r, k) => convertNeedsAtoms(r, wants[Math.min(k, wants.length - 1)]));
}

/**
 * Pushes result lanes. `crossed` (or t.crossed): some lane reads an operand
 * lane below its own position, so each lane is written into a slot above
 * the operands first (in order: a lane may read the slots of the lanes
 * before it), and the entry reads that slot; without slot reads among the
 * operands the lanes stay pending. `effects`: the lanes may trap (loads):
 * they are evaluated now, after everything pending that acts or may trap.
 */
export function pushLanes(lw: Lowering, t: Taken, codes: string[], crossed = false, effects = false): void {
  const st = lw.stack;
  if (!effects && (!(crossed || t.crossed) || t.entries.every((e) => e.maxSlot < 0))) {
    for (const c of codes) st.pushFrom(paren(c), t.entries, 0);
    return;
  }
  if (effects) st.flushForStatement(false, 0);
  // Above the operands and every slot they read (an operand may read a slot above its depth).
  let base = t.top;
  for (const e of t.entries) if (e.maxSlot >= base) base = e.maxSlot + 1;
  st.prepareSlotWrite(base);
  for (let j = 0; j < codes.length; j++) st.writeSlot(base + j, codes[j]);
  for (let j = 0; j < codes.length; j++) {
    st.push(st.slot(base + j), 0, base + j);
    st.peek().atom = true;
  }
}

/** Pushes a scalar result (Flag.Bool for a JS boolean). */
export function pushScalar(lw: Lowering, t: Taken, code: string, flags = 0): void {
  lw.stack.pushFrom(paren(code), t.entries, flags);
}

/** Code safe to use as an operand: names and literals as they are, anything else parenthesized. */
function paren(code: string): string {
  return /^[\w$.]+$/.test(code) ? code : `(${code})`;
}

/**
 * A handler computing in representation `rep` lane by lane: result lane k is
 * `f(lane k of each v128 operand, scalar operands)`. `multi`: f reads an
 * operand lane more than once (operands are evaluated into slots first).
 */
export function lanewise(rep: SimdRep, f: (xs: string[], scalars: string[]) => string, multi = false): Handler {
  return (lw, ins) => {
    const kinds = OP_INFO[ins.op]!.sig!.params.map((p) => (p === 0x7b ? 'v' : 's'));
    const hasScalar = kinds.includes('s');
    const t = take(lw, ins, multi || hasScalar || needAtoms(ins, [rep]));
    const vs: string[][] = [];
    const ss: string[] = [];
    t.ops.forEach((o, i) => (o.rep === SCALAR ? ss.push(o.lanes[0]) : vs.push(lanesAs(lw, t, i, rep))));
    const out: string[] = [];
    for (let k = 0; k < LANES[rep]; k++) out.push(f(vs.map((v) => v[k]), ss));
    pushLanes(lw, t, out);
  };
}

/** The lanes of a v128 constant (16 little-endian bytes) in representation `rep`, as literals. */
export function constLanes(bytes: Uint8Array, rep: SimdRep, lw: Lowering): string[] {
  const dv = new DataView(bytes.buffer, bytes.byteOffset, 16);
  switch (rep) {
    case SimdRep.I32: return [0, 1, 2, 3].map((k) => lit(dv.getInt32(4 * k, true)));
    case SimdRep.I16: return [0, 1, 2, 3, 4, 5, 6, 7].map((k) => lit(dv.getInt16(2 * k, true)));
    case SimdRep.I8: return Array.from({ length: 16 }, (_, k) => lit(dv.getInt8(k)));
    case SimdRep.F32: return [0, 1, 2, 3].map((k) => f32Literal(lw, dv.getUint32(4 * k, true)));
    default: return [0, 1].map((k) => f64Literal(lw, dv.getFloat64(8 * k, true), dv.getBigUint64(8 * k, true)));
  }
}

/** JS code of the f32 with these bits (a NaN through the bit-exact helper, once per module). */
export function f32Literal(lw: Lowering, bits: number): string {
  const dv = new DataView(new ArrayBuffer(4));
  dv.setUint32(0, bits, true);
  const x = dv.getFloat32(0, true);
  if (x !== x) return lw.decls.constant(`$rt.f32FromBits(${bits >>> 0})`);
  return numberCode(x);
}

function f64Literal(lw: Lowering, x: number, bits: bigint): string {
  if (x !== x) return lw.decls.constant(`$rt.f64FromBits(0x${bits.toString(16)}n)`);
  return numberCode(x);
}

function numberCode(x: number): string {
  if (Object.is(x, -0)) return '(-0)';
  if (x === Infinity) return 'Infinity';
  if (x === -Infinity) return '-Infinity';
  return x < 0 ? `(${x})` : String(x);
}

export { Op, Flag };
