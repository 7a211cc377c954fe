// Floating-point SIMD instructions on lanes, and the conversions between
// float and integer lanes.
//
// f32 lanes are f32 values in doubles: every arithmetic result is rounded with
// Math.fround, as scalar f32 code is (codegen/numeric.ts), which gives the
// correctly rounded single-precision result for +, -, *, / and sqrt (the
// double result of two f32 operands rounds once more to the same f32). NaN
// results are the hardware's: a quieted operand NaN or the canonical NaN,
// both arithmetic NaNs as the spec requires; min and max return the
// canonical NaN for any NaN operand (runtime/simd.ts). abs and neg change only
// the sign bit (NaN payloads included), as for scalars. pmin/pmax are the
// spec's `b < a ? b : a` / `a < b ? b : a`.
//
// Relaxed SIMD, deterministically: relaxed_madd/nmadd round the product
// before the sum (the unfused result, one of the two the spec allows);
// relaxed_min/max are min/max; relaxed_trunc is trunc_sat.
import { Op } from '../opcodes.js';
import type { Handler } from './lowering.js';
import { SimdRep, lanesAs, lanewise, pushLanes, take } from './simd-lanes.js';

const F32 = SimdRep.F32;
const F64 = SimdRep.F64;
const I32 = SimdRep.I32;

const fr = (x: string) => `Math.fround(${x})`;
const mask = (c: string) => `(${c} ? -1 : 0)`;

/** f32x4 or f64x2 comparisons: lane masks in I32 (an f64 lane's mask fills both of its words). */
function comparisons(rep: SimdRep, eq: Op): [Op, Handler][] {
  const tests = ['===', '!==', '<', '>', '<=', '>='];
  return tests.map((t, i) => {
    if (rep === F32) return [eq + i, lanewise(F32, ([a, b]) => mask(`${a} ${t} ${b}`))] as [Op, Handler];
    return [eq + i, (lw, ins) => {
      const tk = take(lw, ins, true);
      const a = lanesAs(lw, tk, 0, F64), b = lanesAs(lw, tk, 1, F64);
      const m = [0, 1].map((j) => mask(`${a[j]} ${t} ${b[j]}`));
      pushLanes(lw, tk, [m[0], m[0], m[1], m[1]], true);
    }] as [Op, Handler];
  });
}

/** The arithmetic every float shape has, from `abs` on (the opcode layout is the same for both). */
function arithmetic(rep: SimdRep, ops: { abs: Op; sqrt: Op; add: Op; pmin: Op }): [Op, Handler][] {
  const r = rep === F32 ? fr : (x: string) => x;
  return [
    [ops.abs, lanewise(rep, ([a]) => `Math.abs(${a})`)],
    [ops.abs + 1, lanewise(rep, ([a]) => `-${a}`)],
    [ops.sqrt, lanewise(rep, ([a]) => r(`Math.sqrt(${a})`))],
    [ops.add, lanewise(rep, ([a, b]) => r(`${a} + ${b}`))],
    [ops.add + 1, lanewise(rep, ([a, b]) => r(`${a} - ${b}`))],
    [ops.add + 2, lanewise(rep, ([a, b]) => r(`${a} * ${b}`))],
    [ops.add + 3, lanewise(rep, ([a, b]) => r(`${a} / ${b}`))],
    [ops.add + 4, minMax(rep, 'simdFMin')],
    [ops.add + 5, minMax(rep, 'simdFMax')],
    [ops.pmin, lanewise(rep, ([a, b]) => `(${b} < ${a} ? ${b} : ${a})`, true)],
    [ops.pmin + 1, lanewise(rep, ([a, b]) => `(${a} < ${b} ? ${b} : ${a})`, true)],
  ];
}

function minMax(rep: SimdRep, helper: string): Handler {
  return (lw, ins) => {
    const h = lw.helper(helper);
    lanewise(rep, ([a, b]) => `${h}(${a}, ${b})`)(lw, ins);
  };
}

/**
 * ceil, floor, trunc, nearest. A NaN comes out quieted with its payload, as
 * the hardware's rounding instructions give it: Math.ceil and friends may
 * return a signaling NaN operand unchanged, which is no arithmetic NaN
 * (measured: ceil of nan:0x200000 came back as 0x7fa00000), so a NaN goes
 * through an arithmetic operation instead (the f32 conversion, or + 0).
 */
function rounding(rep: SimdRep, ceil: Op, nearest: Op, trunc: Op, floor: Op): [Op, Handler][] {
  const quiet = (a: string) => (rep === F32 ? fr(a) : `${a} + 0`);
  const round = (f: (a: string) => string) => lanewise(rep, ([a]) => `(${a} !== ${a} ? ${quiet(a)} : ${f(a)})`, true);
  return [
    [ceil, round((a) => `Math.ceil(${a})`)],
    [floor, round((a) => `Math.floor(${a})`)],
    [trunc, round((a) => `Math.trunc(${a})`)],
    [nearest, (lw, ins) => {
      const h = lw.helper('nearest');
      round((a) => `${h}(${a})`)(lw, ins);
    }],
  ];
}

/** A conversion computing each result lane from the operand's lanes in `from` (`out` gives all result lanes). */
function conv(from: SimdRep, out: (lw: Parameters<Handler>[0], a: string[]) => string[]): Handler {
  return (lw, ins) => {
    const t = take(lw, ins, true);
    const a = lanesAs(lw, t, 0, from);
    pushLanes(lw, t, out(lw, a), true);
  };
}

const truncSat32 = (signed: boolean): Handler => (lw, ins) => {
  const h = lw.helper(signed ? 'i32TruncSatS' : 'i32TruncSatU');
  lanewise(F32, ([a]) => `${h}(${a})`)(lw, ins);
};
const truncSat64 = (signed: boolean): Handler =>
  conv(F64, (lw, a) => {
    const h = lw.helper(signed ? 'i32TruncSatS' : 'i32TruncSatU');
    return [`${h}(${a[0]})`, `${h}(${a[1]})`, '0', '0'];
  });

/** relaxed_madd / relaxed_nmadd: a * b + c with the product rounded first (unfused). */
function madd(rep: SimdRep, negate: boolean): Handler {
  const r = rep === F32 ? fr : (x: string) => x;
  return lanewise(rep, ([a, b, c]) => r(`${negate ? '-' : ''}${r(`${a} * ${b}`)} + ${c}`));
}

export const simdFloatHandlers: [Op, Handler][] = [
  ...comparisons(F32, Op.F32x4Eq),
  ...comparisons(F64, Op.F64x2Eq),
  ...arithmetic(F32, { abs: Op.F32x4Abs, sqrt: Op.F32x4Sqrt, add: Op.F32x4Add, pmin: Op.F32x4Pmin }),
  ...arithmetic(F64, { abs: Op.F64x2Abs, sqrt: Op.F64x2Sqrt, add: Op.F64x2Add, pmin: Op.F64x2Pmin }),
  ...rounding(F32, Op.F32x4Ceil, Op.F32x4Nearest, Op.F32x4Trunc, Op.F32x4Floor),
  ...rounding(F64, Op.F64x2Ceil, Op.F64x2Nearest, Op.F64x2Trunc, Op.F64x2Floor),
  [Op.I32x4TruncSatF32x4S, truncSat32(true)],
  [Op.I32x4TruncSatF32x4U, truncSat32(false)],
  [Op.I32x4RelaxedTruncF32x4S, truncSat32(true)],
  [Op.I32x4RelaxedTruncF32x4U, truncSat32(false)],
  [Op.I32x4TruncSatF64x2SZero, truncSat64(true)],
  [Op.I32x4TruncSatF64x2UZero, truncSat64(false)],
  [Op.I32x4RelaxedTruncF64x2SZero, truncSat64(true)],
  [Op.I32x4RelaxedTruncF64x2UZero, truncSat64(false)],
  [Op.F32x4ConvertI32x4S, lanewise(I32, ([a]) => fr(a))],
  [Op.F32x4ConvertI32x4U, lanewise(I32, ([a]) => fr(`${a} >>> 0`))],
  [Op.F64x2ConvertLowI32x4S, conv(I32, (_lw, a) => [a[0], a[1]])],
  [Op.F64x2ConvertLowI32x4U, conv(I32, (_lw, a) => [`${a[0]} >>> 0`, `${a[1]} >>> 0`])],
  [Op.F32x4DemoteF64x2Zero, conv(F64, (_lw, a) => [fr(a[0]), fr(a[1]), '0', '0'])],
  [Op.F64x2PromoteLowF32x4, conv(F32, (lw, a) => [0, 1].map((j) => `${lw.helper('f64PromoteF32')}(${a[j]})`))],
  [Op.F32x4RelaxedMadd, madd(F32, false)],
  [Op.F32x4RelaxedNmadd, madd(F32, true)],
  [Op.F64x2RelaxedMadd, madd(F64, false)],
  [Op.F64x2RelaxedNmadd, madd(F64, true)],
  [Op.F32x4RelaxedMin, minMax(F32, 'simdFMin')],
  [Op.F32x4RelaxedMax, minMax(F32, 'simdFMax')],
  [Op.F64x2RelaxedMin, minMax(F64, 'simdFMin')],
  [Op.F64x2RelaxedMax, minMax(F64, 'simdFMax')],
];
