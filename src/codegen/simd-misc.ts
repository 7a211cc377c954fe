// The SIMD instructions that move lanes rather than compute on them: splat,
// extract_lane, replace_lane, shuffle, swizzle; the bitwise operations (any
// integer representation will do, so they compute in the one their consumer
// wants: passes/simd.ts); any_true; and the SIMD lowering's pseudo-instructions
// (a representation change, select, v128 globals).
import { Op } from '../opcodes.js';
import type { Handler, Lowering } from './lowering.js';
import {
  Flag, LANES, SimdRep, convertNeedsAtoms, lanesAs, lanewise, needAtoms, pushLanes, pushScalar, scalar, sext16, sext8, take, zext16, zext8,
} from './simd-lanes.js';
import type { Instr } from '../ir.js';

const I8 = SimdRep.I8;
const I16 = SimdRep.I16;
const I32 = SimdRep.I32;
const F32 = SimdRep.F32;
const F64 = SimdRep.F64;

/** An i64 (BigInt code) as its two int32 halves, through the module's scratch pair. */
function halves(lw: Lowering, x: string): [string, string] {
  const [s64, s32] = lw.decls.scratch();
  return [`(${s64}[0] = ${x}, ${s32}[0])`, `(${s64}[0] = ${x}, ${s32}[1])`];
}

function splat(rep: SimdRep, i64 = false): Handler {
  return (lw, ins) => {
    const t = take(lw, ins, true);
    const x = scalar(t, 0);
    const lanes = i64 ? [...halves(lw, x), ...halves(lw, x)] : new Array(LANES[rep]).fill(x);
    pushLanes(lw, t, lanes, true);
  };
}

/** extract_lane: lane `ins.lane` of the operand in `rep`, read by `read`. */
function extract(rep: SimdRep, read: (lanes: string[], l: number) => string): Handler {
  return (lw, ins) => {
    const t = take(lw, ins, needAtoms(ins, [rep]));
    pushScalar(lw, t, read(lanesAs(lw, t, 0, rep), ins.lane!));
  };
}

function replace(rep: SimdRep, i64 = false): Handler {
  return (lw, ins) => {
    const t = take(lw, ins, i64 || needAtoms(ins, [rep]));
    const lanes = lanesAs(lw, t, 0, rep).slice();
    const x = scalar(t, 1);
    const L = ins.lane!;
    if (i64) [lanes[2 * L], lanes[2 * L + 1]] = halves(lw, x);
    else lanes[L] = x;
    pushLanes(lw, t, lanes);
  };
}

/** Shuffles move whole lanes of the representation passes/simd.ts chose (ins.simd.out: bytes, or wider lanes). */
const shuffle: Handler = (lw, ins) => {
  const rep = ins.simd!.out!;
  const w = 16 / LANES[rep];
  const t = take(lw, ins, true);
  const all = [...lanesAs(lw, t, 0, rep), ...lanesAs(lw, t, 1, rep)];
  const out: string[] = [];
  for (let j = 0; j < 16; j += w) out.push(all[ins.bytes![j] / w]);
  pushLanes(lw, t, out, true);
};

const swizzle: Handler = (lw, ins) => {
  const t = take(lw, ins, true);
  const w = lanesAs(lw, t, 0, I32);
  const s = lanesAs(lw, t, 1, I8);
  const byte = lw.helper('simdByte');
  pushLanes(lw, t, s.map((i) => `${byte}(${w.join(', ')}, ${i})`), true);
};

/** A bitwise operation in the integer representation the lowering chose (ins.simd.out). */
function bitwise(f: (xs: string[]) => string, multi = false): Handler {
  return (lw, ins) => lanewise(ins.simd!.out!, (xs) => f(xs), multi)(lw, ins);
}

/** bitselect / laneselect: by a comparison's lane mask, a choice per lane in the data's representation. */
function select(f: (xs: string[]) => string): Handler {
  return (lw, ins) => {
    const s = ins.simd!;
    if (!s.mask) return bitwise(f, true)(lw, ins);
    const t = take(lw, ins, true);
    const a = lanesAs(lw, t, 0, s.out!), b = lanesAs(lw, t, 1, s.out!), m = lanesAs(lw, t, 2, I32);
    const step = s.mask / 4;
    pushLanes(lw, t, a.map((x, k) => `(${m[k * step]} !== 0 ? ${x} : ${b[k]})`));
  };
}

const anyTrue: Handler = (lw, ins) => {
  const r = ins.simd!.in[0];
  const t = take(lw, ins, needAtoms(ins, [I32]));
  if (r === I16 || r === I8) {
    pushScalar(lw, t, `((${t.ops[0].lanes.join(' | ')}) & ${r === I16 ? 65535 : 255}) !== 0`, Flag.Bool);
    return;
  }
  pushScalar(lw, t, `(${lanesAs(lw, t, 0, I32).join(' | ')}) !== 0`, Flag.Bool);
};

// ---------------------------------------------------------------- pseudo-instructions

const convertHandler: Handler = (lw, ins) => {
  const from = ins.simd!.in[0];
  const to = ins.simd!.out!;
  const t = take(lw, ins, convertNeedsAtoms(from, to), 'v');
  pushLanes(lw, t, lanesAs(lw, t, 0, to));
};

const selectHandler: Handler = (lw, ins: Instr) => {
  const t = take(lw, ins, true, 'vvs');
  const rep = ins.simd!.out!;
  const a = lanesAs(lw, t, 0, rep);
  const b = lanesAs(lw, t, 1, rep);
  const c = scalar(t, 2);
  pushLanes(lw, t, a.map((x, k) => `(${c} ? ${x} : ${b[k]})`));
};

const globalGet: Handler = (lw, ins) => {
  const g = lw.ctx.globals[ins.simd!.index!];
  for (let k = 0; k < 4; k++) {
    if (g.mutable) lw.stack.push(`${g.read}[${k}]`, Flag.State);
    else lw.stack.pushConst(`${g.read}[${k}]`, 0);
  }
};

const globalSet: Handler = (lw, ins) => {
  const st = lw.stack;
  st.flushForStatement(false, 4);
  const lanes = st.popN(4).map((e) => st.value(e));
  st.emit(`${lw.ctx.globals[ins.simd!.index!].write}[${lanes.join(', ')}];`);
};

export const simdMiscHandlers: [Op, Handler][] = [
  [Op.I8x16Shuffle, shuffle],
  [Op.I8x16Swizzle, swizzle],
  [Op.I8x16RelaxedSwizzle, swizzle],
  [Op.I8x16Splat, splat(I8)],
  [Op.I16x8Splat, splat(I16)],
  [Op.I32x4Splat, splat(I32)],
  [Op.I64x2Splat, splat(I32, true)],
  [Op.F32x4Splat, splat(F32)],
  [Op.F64x2Splat, splat(F64)],
  [Op.I8x16ExtractLaneS, extract(I8, (l, i) => sext8(l[i]))],
  [Op.I8x16ExtractLaneU, extract(I8, (l, i) => zext8(l[i]))],
  [Op.I8x16ReplaceLane, replace(I8)],
  [Op.I16x8ExtractLaneS, extract(I16, (l, i) => sext16(l[i]))],
  [Op.I16x8ExtractLaneU, extract(I16, (l, i) => zext16(l[i]))],
  [Op.I16x8ReplaceLane, replace(I16)],
  [Op.I32x4ExtractLane, extract(I32, (l, i) => l[i])],
  [Op.I32x4ReplaceLane, replace(I32)],
  [Op.I64x2ExtractLane, extract(I32, (l, i) => `BigInt.asIntN(64, (BigInt(${l[2 * i + 1]}) << 32n) | BigInt(${l[2 * i]} >>> 0))`)],
  [Op.I64x2ReplaceLane, replace(I32, true)],
  [Op.F32x4ExtractLane, extract(F32, (l, i) => l[i])],
  [Op.F32x4ReplaceLane, replace(F32)],
  [Op.F64x2ExtractLane, extract(F64, (l, i) => l[i])],
  [Op.F64x2ReplaceLane, replace(F64)],
  [Op.V128Not, bitwise(([a]) => `~${a}`)],
  [Op.V128And, bitwise(([a, b]) => `${a} & ${b}`)],
  [Op.V128Andnot, bitwise(([a, b]) => `${a} & ~${b}`)],
  [Op.V128Or, bitwise(([a, b]) => `${a} | ${b}`)],
  [Op.V128Xor, bitwise(([a, b]) => `${a} ^ ${b}`)],
  [Op.V128Bitselect, select(([a, b, c]) => `(${a} & ${c}) | (${b} & ~${c})`)],
  [Op.I8x16RelaxedLaneselect, select(([a, b, c]) => `(${a} & ${c}) | (${b} & ~${c})`)],
  [Op.I16x8RelaxedLaneselect, select(([a, b, c]) => `(${a} & ${c}) | (${b} & ~${c})`)],
  [Op.I32x4RelaxedLaneselect, select(([a, b, c]) => `(${a} & ${c}) | (${b} & ~${c})`)],
  [Op.I64x2RelaxedLaneselect, select(([a, b, c]) => `(${a} & ${c}) | (${b} & ~${c})`)],
  [Op.V128AnyTrue, anyTrue],
  [Op.V128Convert, convertHandler],
  [Op.V128Select, selectHandler],
  [Op.V128GlobalGet, globalGet],
  [Op.V128GlobalSet, globalSet],
];
