// i64x2 instructions on lanes: each 64-bit lane is two int32 lanes of the I32
// representation (low half first), so no BigInt is involved. Carries,
// comparisons of halves, and the high words of products and shifts
// (runtime/simd.ts) make the 64-bit results exactly.
import { Op } from '../opcodes.js';
import type { Handler, Lowering } from './lowering.js';
import { Flag, SimdRep, lanesAs, pushLanes, pushScalar, scalar, take, type Taken } from './simd-lanes.js';

const I32 = SimdRep.I32;

/** A handler over the halves of every v128 operand (and the scalars): out(halves, scalars) gives the result's four words. */
function pairs(out: (lw: Lowering, v: string[][], s: string[]) => string[]): Handler {
  return (lw, ins) => {
    const t = take(lw, ins, true);
    const vs: string[][] = [];
    const ss: string[] = [];
    t.ops.forEach((o, i) => (o.rep === -1 ? ss.push(scalar(t, i)) : vs.push(lanesAs(lw, t, i, I32))));
    pushLanes(lw, t, out(lw, vs, ss), true);
  };
}

/** Per 64-bit lane j: two words from (alo, ahi, blo, bhi). */
function perLane(f: (lw: Lowering, a: [string, string], b: [string, string], s: string[]) => [string, string]): Handler {
  return pairs((lw, [a, b], s) => [0, 1].flatMap((j) => f(lw, [a[2 * j], a[2 * j + 1]], b ? [b[2 * j], b[2 * j + 1]] : ['', ''], s)));
}

/** A comparison mask of both words. */
const cmp = (test: (a: [string, string], b: [string, string]) => string): Handler =>
  perLane((_lw, a, b) => {
    const m = `(${test(a, b)} ? -1 : 0)`;
    return [m, m];
  });

const lt = ([alo, ahi]: [string, string], [blo, bhi]: [string, string]) => `(${ahi} < ${bhi} || (${ahi} === ${bhi} && (${alo} >>> 0) < (${blo} >>> 0)))`;

const negate = (lo: string, hi: string): [string, string] => [`(0 - ${lo}) | 0`, `(${lo} === 0 ? -${hi} : ~${hi}) | 0`];

function laneTest(lw: Lowering, ins: Parameters<Handler>[1], code: (w: string[]) => string, flags: number): void {
  const t: Taken = take(lw, ins, true);
  pushScalar(lw, t, code(lanesAs(lw, t, 0, I32)), flags);
}

const extend = (hi: number, signed: boolean): Handler =>
  pairs((_lw, [a]) => [0, 1].flatMap((j) => {
    const x = a[2 * hi + j];
    return [x, signed ? `${x} >> 31` : '0'];
  }));

const extmul = (hi: number, signed: boolean): Handler =>
  pairs((lw, [a, b]) => [0, 1].flatMap((j) => {
    const x = a[2 * hi + j], y = b[2 * hi + j];
    return [`Math.imul(${x}, ${y})`, `${lw.helper(signed ? 'simdSmulh' : 'simdUmulh')}(${x}, ${y})`];
  }));

export const simdI64Handlers: [Op, Handler][] = [
  [Op.I64x2Abs, perLane((_lw, [lo, hi]) => {
    const [nlo, nhi] = negate(lo, hi);
    return [`(${hi} < 0 ? ${nlo} : ${lo})`, `(${hi} < 0 ? ${nhi} : ${hi})`];
  })],
  [Op.I64x2Neg, perLane((_lw, [lo, hi]) => negate(lo, hi))],
  [Op.I64x2AllTrue, (lw, ins) => laneTest(lw, ins, (w) => `(${w[0]} | ${w[1]}) !== 0 && (${w[2]} | ${w[3]}) !== 0`, Flag.Bool)],
  [Op.I64x2Bitmask, (lw, ins) => laneTest(lw, ins, (w) => `(${w[1]} >>> 31) | ((${w[3]} >>> 31) << 1)`, 0)],
  [Op.I64x2ExtendLowI32x4S, extend(0, true)],
  [Op.I64x2ExtendHighI32x4S, extend(1, true)],
  [Op.I64x2ExtendLowI32x4U, extend(0, false)],
  [Op.I64x2ExtendHighI32x4U, extend(1, false)],
  [Op.I64x2Shl, perLane((lw, [lo, hi], _b, [n]) => [`${lw.helper('simdShlLo')}(${lo}, ${hi}, ${n})`, `${lw.helper('simdShlHi')}(${lo}, ${hi}, ${n})`])],
  [Op.I64x2ShrS, perLane((lw, [lo, hi], _b, [n]) => [`${lw.helper('simdShrLo')}(${lo}, ${hi}, ${n}, true)`, `${lw.helper('simdShrHi')}(${lo}, ${hi}, ${n}, true)`])],
  [Op.I64x2ShrU, perLane((lw, [lo, hi], _b, [n]) => [`${lw.helper('simdShrLo')}(${lo}, ${hi}, ${n}, false)`, `${lw.helper('simdShrHi')}(${lo}, ${hi}, ${n}, false)`])],
  [Op.I64x2Add, perLane((_lw, [alo, ahi], [blo, bhi]) => [
    `(${alo} + ${blo}) | 0`,
    `(${ahi} + ${bhi} + ((${alo} >>> 0) + (${blo} >>> 0) > 4294967295 ? 1 : 0)) | 0`,
  ])],
  [Op.I64x2Sub, perLane((_lw, [alo, ahi], [blo, bhi]) => [
    `(${alo} - ${blo}) | 0`,
    `(${ahi} - ${bhi} - ((${alo} >>> 0) < (${blo} >>> 0) ? 1 : 0)) | 0`,
  ])],
  [Op.I64x2Mul, perLane((lw, [alo, ahi], [blo, bhi]) => [`Math.imul(${alo}, ${blo})`, `${lw.helper('simdMulHi')}(${alo}, ${ahi}, ${blo}, ${bhi})`])],
  [Op.I64x2Eq, cmp(([alo, ahi], [blo, bhi]) => `(${alo} === ${blo} && ${ahi} === ${bhi})`)],
  [Op.I64x2Ne, cmp(([alo, ahi], [blo, bhi]) => `(${alo} !== ${blo} || ${ahi} !== ${bhi})`)],
  [Op.I64x2LtS, cmp((a, b) => lt(a, b))],
  [Op.I64x2GtS, cmp((a, b) => lt(b, a))],
  [Op.I64x2LeS, cmp((a, b) => `!${lt(b, a)}`)],
  [Op.I64x2GeS, cmp((a, b) => `!${lt(a, b)}`)],
  [Op.I64x2ExtmulLowI32x4S, extmul(0, true)],
  [Op.I64x2ExtmulHighI32x4S, extmul(1, true)],
  [Op.I64x2ExtmulLowI32x4U, extmul(0, false)],
  [Op.I64x2ExtmulHighI32x4U, extmul(1, false)],
];
