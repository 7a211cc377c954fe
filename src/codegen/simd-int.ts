// Integer SIMD instructions on lanes (i8x16, i16x8, i32x4; i64x2 in
// simd-i64.ts): arithmetic (wrapping and saturating), min/max, averages,
// comparisons, shifts (the count taken modulo the lane width, as the spec
// says), widening, narrowing, dot products, lane tests and bit masks.
//
// 8- and 16-bit lanes are held dirty (simd-lanes.ts): only their low bits
// count, so wrapping add/sub/mul/shl need no clean-up; anything that looks at
// a lane's value sign- or zero-extends it first.
import { Op } from '../opcodes.js';
import type { Handler } from './lowering.js';
import {
  Flag, LANES, SimdRep, lanesAs, lanewise, pushLanes, pushScalar, sext16, sext8, take, zext16, zext8,
} from './simd-lanes.js';

const I8 = SimdRep.I8;
const I16 = SimdRep.I16;
const I32 = SimdRep.I32;

const mask = (c: string) => `(${c} ? -1 : 0)`;
const clamp = (x: string, lo: number, hi: number) => `Math.max(${lo}, Math.min(${hi}, ${x}))`;

/** Signed and unsigned readings of a lane of each width. */
const S: Record<number, (x: string) => string> = { [I8]: sext8, [I16]: sext16, [I32]: (x) => x };
const U: Record<number, (x: string) => string> = { [I8]: zext8, [I16]: zext16, [I32]: (x) => `(${x} >>> 0)` };
const BITS: Record<number, number> = { [I8]: 8, [I16]: 16, [I32]: 32 };

/** The operations every integer shape has, for lanes of `rep`, from `first` (the shape's `eq`). */
function comparisons(rep: SimdRep, eq: Op): [Op, Handler][] {
  const s = S[rep], u = U[rep];
  const b = BITS[rep];
  const eqTest = b === 32 ? (a: string, c: string) => `${a} === ${c}` : (a: string, c: string) => `((${a} ^ ${c}) & ${(1 << b) - 1}) === 0`;
  const cmp = (f: (a: string, c: string) => string) => lanewise(rep, ([a, c]) => mask(f(a, c)));
  return [
    [eq, cmp(eqTest)],
    [eq + 1, cmp((a, c) => `!(${eqTest(a, c)})`)],
    [eq + 2, cmp((a, c) => `${s(a)} < ${s(c)}`)],
    [eq + 3, cmp((a, c) => `${u(a)} < ${u(c)}`)],
    [eq + 4, cmp((a, c) => `${s(a)} > ${s(c)}`)],
    [eq + 5, cmp((a, c) => `${u(a)} > ${u(c)}`)],
    [eq + 6, cmp((a, c) => `${s(a)} <= ${s(c)}`)],
    [eq + 7, cmp((a, c) => `${u(a)} <= ${u(c)}`)],
    [eq + 8, cmp((a, c) => `${s(a)} >= ${s(c)}`)],
    [eq + 9, cmp((a, c) => `${u(a)} >= ${u(c)}`)],
  ];
}

/** Shifts: the count modulo the lane width; a right shift reads the lane's value. */
function shifts(rep: SimdRep, shl: Op): [Op, Handler][] {
  const b = BITS[rep];
  const n = (c: string) => (b === 32 ? c : `(${c} & ${b - 1})`);
  return [
    [shl, lanewise(rep, ([a], [c]) => `${a} << ${n(c)}`)],
    [shl + 1, lanewise(rep, ([a], [c]) => `${S[rep](a)} >> ${n(c)}`)],
    [shl + 2, lanewise(rep, ([a], [c]) => (b === 32 ? `(${a} >>> ${c}) | 0` : `${U[rep](a)} >>> ${n(c)}`))],
  ];
}

/** all_true and bitmask of lanes of `rep`: a boolean and an i32. */
function laneTests(rep: SimdRep, allTrue: Op): [Op, Handler][] {
  const b = BITS[rep];
  return [
    [allTrue, (lw, ins) => {
      const t = take(lw, ins, false);
      const lanes = lanesAs(lw, t, 0, rep);
      pushScalar(lw, t, lanes.map((x) => (b === 32 ? `${x} !== 0` : `(${x} & ${(1 << b) - 1}) !== 0`)).join(' && '), Flag.Bool);
    }],
    [allTrue + 1, (lw, ins) => {
      const t = take(lw, ins, false);
      const lanes = lanesAs(lw, t, 0, rep);
      pushScalar(lw, t, lanes.map((x, k) => `(((${x} >>> ${b - 1}) & 1) << ${k})`).join(' | '));
    }],
  ];
}

/** A cross-lane operation: result lane k from all operand lanes (in the given representations). */
function cross(ins: readonly SimdRep[], out: (ops: string[][], k: number) => string, lanes: number): Handler {
  return (lw, instr) => {
    const t = take(lw, instr, true);
    const ops = ins.map((r, i) => lanesAs(lw, t, i, r));
    const codes: string[] = [];
    for (let k = 0; k < lanes; k++) codes.push(out(ops, k));
    pushLanes(lw, t, codes, true);
  };
}

/** extend_low/high (signed, unsigned) from lanes of `from` to lanes of `to`. */
function extend(from: SimdRep, to: SimdRep, first: Op): [Op, Handler][] {
  const n = LANES[to];
  return [
    [first, cross([from], ([a], k) => S[from](a[k]), n)],
    [first + 1, cross([from], ([a], k) => S[from](a[k + n]), n)],
    [first + 2, cross([from], ([a], k) => U[from](a[k]), n)],
    [first + 3, cross([from], ([a], k) => U[from](a[k + n]), n)],
  ];
}

/** extmul_low/high (signed, unsigned): products of the widened lanes. */
function extmul(from: SimdRep, to: SimdRep, first: Op): [Op, Handler][] {
  const n = LANES[to];
  const u = from === I16 ? zext16 : zext8;
  const mul = (ext: (x: string) => string, off: number) => cross([from, from], ([a, b], k) => `Math.imul(${ext(a[k + off])}, ${ext(b[k + off])})`, n);
  return [
    [first, mul(S[from], 0)],
    [first + 1, mul(S[from], n)],
    [first + 2, mul(u, 0)],
    [first + 3, mul(u, n)],
  ];
}

/** Saturating add/sub, min/max and avgr of a small lane width. */
function small(rep: SimdRep, addSatS: Op): [Op, Handler][] {
  const s = S[rep], u = U[rep];
  const b = BITS[rep];
  const lo = -(2 ** (b - 1)), hi = 2 ** (b - 1) - 1, uhi = 2 ** b - 1;
  return [
    [addSatS, lanewise(rep, ([a, c]) => clamp(`${s(a)} + ${s(c)}`, lo, hi))],
    [addSatS + 1, lanewise(rep, ([a, c]) => `Math.min(${uhi}, ${u(a)} + ${u(c)})`)],
    [addSatS + 3, lanewise(rep, ([a, c]) => clamp(`${s(a)} - ${s(c)}`, lo, hi))],
    [addSatS + 4, lanewise(rep, ([a, c]) => `Math.max(0, ${u(a)} - ${u(c)})`)],
  ];
}

function minMax(rep: SimdRep, minS: Op): [Op, Handler][] {
  const s = S[rep], u = U[rep];
  if (rep === I32) {
    return [
      [minS, lanewise(rep, ([a, c]) => `Math.min(${a}, ${c})`)],
      [minS + 1, lanewise(rep, ([a, c]) => `(${u(a)} < ${u(c)} ? ${a} : ${c})`, true)],
      [minS + 2, lanewise(rep, ([a, c]) => `Math.max(${a}, ${c})`)],
      [minS + 3, lanewise(rep, ([a, c]) => `(${u(a)} > ${u(c)} ? ${a} : ${c})`, true)],
    ];
  }
  return [
    [minS, lanewise(rep, ([a, c]) => `Math.min(${s(a)}, ${s(c)})`)],
    [minS + 1, lanewise(rep, ([a, c]) => `Math.min(${u(a)}, ${u(c)})`)],
    [minS + 2, lanewise(rep, ([a, c]) => `Math.max(${s(a)}, ${s(c)})`)],
    [minS + 3, lanewise(rep, ([a, c]) => `Math.max(${u(a)}, ${u(c)})`)],
  ];
}

const add = (x: string, y: string) => `(${x} + ${y}) | 0`;
const sub = (x: string, y: string) => `(${x} - ${y}) | 0`;
const neg = (x: string) => `(0 - ${x}) | 0`;

/** Narrowing with signed or unsigned saturation: lanes of `from` (two operands) into `to`. */
function narrow(from: SimdRep, to: SimdRep, first: Op): [Op, Handler][] {
  const n = LANES[from];
  const b = BITS[to];
  const s = S[from];
  const pick = (ops: string[][], k: number) => s(k < n ? ops[0][k] : ops[1][k - n]);
  return [
    [first, cross([from, from], (ops, k) => clamp(pick(ops, k), -(2 ** (b - 1)), 2 ** (b - 1) - 1), LANES[to])],
    [first + 1, cross([from, from], (ops, k) => clamp(pick(ops, k), 0, 2 ** b - 1), LANES[to])],
  ];
}

/** Sum of the products of pairs of signed lanes (dot products), `group` lanes per result. */
const dot = (ops: string[][], k: number, group: number, ext: (x: string) => string) => {
  const terms: string[] = [];
  for (let j = 0; j < group; j++) terms.push(`Math.imul(${ext(ops[0][group * k + j])}, ${ext(ops[1][group * k + j])})`);
  return `((${terms.join(' + ')}) | 0)`;
};

export const simdIntHandlers: [Op, Handler][] = [
  // i8x16
  ...comparisons(I8, Op.I8x16Eq),
  [Op.I8x16Abs, lanewise(I8, ([a]) => `Math.abs(${sext8(a)})`)],
  [Op.I8x16Neg, lanewise(I8, ([a]) => neg(a))],
  [Op.I8x16Popcnt, (lw, ins) => {
    const popcnt = lw.helper('i32Popcnt');
    lanewise(I8, ([a]) => `${popcnt}(${zext8(a)})`)(lw, ins);
  }],
  ...laneTests(I8, Op.I8x16AllTrue),
  ...narrow(I16, I8, Op.I8x16NarrowI16x8S),
  ...shifts(I8, Op.I8x16Shl),
  [Op.I8x16Add, lanewise(I8, ([a, b]) => add(a, b))],
  ...small(I8, Op.I8x16AddSatS),
  [Op.I8x16Sub, lanewise(I8, ([a, b]) => sub(a, b))],
  ...minMax(I8, Op.I8x16MinS),
  [Op.I8x16AvgrU, lanewise(I8, ([a, b]) => `(${zext8(a)} + ${zext8(b)} + 1) >>> 1`)],
  // i16x8
  ...comparisons(I16, Op.I16x8Eq),
  [Op.I16x8ExtaddPairwiseI8x16S, cross([I8], ([a], k) => `${sext8(a[2 * k])} + ${sext8(a[2 * k + 1])}`, 8)],
  [Op.I16x8ExtaddPairwiseI8x16U, cross([I8], ([a], k) => `${zext8(a[2 * k])} + ${zext8(a[2 * k + 1])}`, 8)],
  [Op.I16x8Abs, lanewise(I16, ([a]) => `Math.abs(${sext16(a)})`)],
  [Op.I16x8Neg, lanewise(I16, ([a]) => neg(a))],
  [Op.I16x8Q15mulrSatS, lanewise(I16, ([a, b]) => `Math.min(32767, (Math.imul(${sext16(a)}, ${sext16(b)}) + 16384) >> 15)`)],
  [Op.I16x8RelaxedQ15mulrS, lanewise(I16, ([a, b]) => `Math.min(32767, (Math.imul(${sext16(a)}, ${sext16(b)}) + 16384) >> 15)`)],
  ...laneTests(I16, Op.I16x8AllTrue),
  ...narrow(I32, I16, Op.I16x8NarrowI32x4S),
  ...extend(I8, I16, Op.I16x8ExtendLowI8x16S),
  ...shifts(I16, Op.I16x8Shl),
  [Op.I16x8Add, lanewise(I16, ([a, b]) => add(a, b))],
  ...small(I16, Op.I16x8AddSatS),
  [Op.I16x8Sub, lanewise(I16, ([a, b]) => sub(a, b))],
  [Op.I16x8Mul, lanewise(I16, ([a, b]) => `Math.imul(${a}, ${b})`)],
  ...minMax(I16, Op.I16x8MinS),
  [Op.I16x8AvgrU, lanewise(I16, ([a, b]) => `(${zext16(a)} + ${zext16(b)} + 1) >>> 1`)],
  ...extmul(I8, I16, Op.I16x8ExtmulLowI8x16S),
  // The relaxed dot products: both operands signed (i7 lanes are a subset),
  // sums exact (no intermediate saturation), results wrapped to the lane.
  [Op.I16x8RelaxedDotI8x16I7x16S, cross([I8, I8], (ops, k) => dot(ops, k, 2, sext8), 8)],
  // i32x4
  ...comparisons(I32, Op.I32x4Eq),
  [Op.I32x4ExtaddPairwiseI16x8S, cross([I16], ([a], k) => `${sext16(a[2 * k])} + ${sext16(a[2 * k + 1])}`, 4)],
  [Op.I32x4ExtaddPairwiseI16x8U, cross([I16], ([a], k) => `${zext16(a[2 * k])} + ${zext16(a[2 * k + 1])}`, 4)],
  [Op.I32x4Abs, lanewise(I32, ([a]) => `Math.abs(${a}) | 0`)],
  [Op.I32x4Neg, lanewise(I32, ([a]) => neg(a))],
  ...laneTests(I32, Op.I32x4AllTrue),
  ...extend(I16, I32, Op.I32x4ExtendLowI16x8S),
  ...shifts(I32, Op.I32x4Shl),
  [Op.I32x4Add, lanewise(I32, ([a, b]) => add(a, b))],
  [Op.I32x4Sub, lanewise(I32, ([a, b]) => sub(a, b))],
  [Op.I32x4Mul, lanewise(I32, ([a, b]) => `Math.imul(${a}, ${b})`)],
  ...minMax(I32, Op.I32x4MinS),
  [Op.I32x4DotI16x8S, cross([I16, I16], (ops, k) => dot(ops, k, 2, sext16), 4)],
  ...extmul(I16, I32, Op.I32x4ExtmulLowI16x8S),
  [Op.I32x4RelaxedDotI8x16I7x16AddS, cross([I8, I8, I32], (ops, k) => `(${dot(ops, k, 4, sext8)} + ${ops[2][k]}) | 0`, 4)],
];
