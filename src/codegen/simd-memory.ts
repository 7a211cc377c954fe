// SIMD loads and stores on lanes: v128.load (into whatever representation
// its consumer computes in), the widening, splatting, zero-filling and
// single-lane loads, v128.store and the single-lane stores.
//
// Every access goes through the memory's DataView like scalar accesses
// (codegen/memory.ts): its bounds check is the trap. A load reads lane by lane
// (a lane beyond the end throws before the load has any effect: loads have
// none). A store writes its highest lane first: when any byte is out of
// bounds that lane is, so a trapping store writes nothing, as the spec
// requires.
import type { Instr } from '../ir.js';
import { Op } from '../opcodes.js';
import type { Handler, Lowering } from './lowering.js';
import { SimdRep, constLanes, lanesAs, pushLanes, scalar, take, type Taken } from './simd-lanes.js';

const I8 = SimdRep.I8;
const I16 = SimdRep.I16;
const I32 = SimdRep.I32;

/** The memory's DataView in this function. */
const view = (ins: Instr) => 'D' + (ins.mem ?? 0);

/** Effective address plus `k` bytes, from the (atom) address operand. */
function ea(t: Taken, i: number, ins: Instr): (k: number) => string {
  const a = scalar(t, i);
  const off = ins.memOffset ?? 0;
  const c = /^\(?(-?\d+)\)?$/.exec(a);
  if (c) {
    const base = (Number(c[1]) >>> 0) + off;
    return (k) => String(base + k);
  }
  return (k) => (off + k === 0 ? `(${a} >>> 0)` : `(${a} >>> 0) + ${off + k}`);
}

/** One lane's load in representation `rep` at `at`. */
function loadLane(lw: Lowering, d: string, rep: SimdRep, at: string): string {
  switch (rep) {
    case I32: return `${d}.getInt32(${at}, true)`;
    case I16: return `${d}.getInt16(${at}, true)`;
    case I8: return `${d}.getInt8(${at})`;
    case SimdRep.F64: return `${d}.getFloat64(${at}, true)`;
    default: {
      // f32 with exact NaN bits, as scalar f32.load does.
      const w = lw.temp('$w');
      const t = lw.temp('t');
      return `((${w} = ${d}.getFloat32(${t} = ${at}, true)) === ${w} ? ${w} : ${lw.helper('f32FromBits')}(${d}.getUint32(${t}, true)))`;
    }
  }
}

const BYTES = [4, 4, 8, 2, 1];

/** A load producing lanes `lanes(at, slot)`: `at(k)` addresses byte k, `slot(j)` names result lane j (written in order). */
function load(lanes: (lw: Lowering, ins: Instr, at: (k: number) => string, slot: (j: number) => string) => string[]): Handler {
  return (lw, ins) => {
    const t = take(lw, ins, true);
    const st = lw.stack;
    pushLanes(lw, t, lanes(lw, ins, ea(t, 0, ins), (j) => st.slot(t.top + j)), true, true);
  };
}

const plainLoad = load((lw, ins, at) => {
  const rep = ins.simd!.out!;
  const n = [4, 4, 2, 8, 16][rep];
  return Array.from({ length: n }, (_, k) => loadLane(lw, view(ins), rep, at(k * BYTES[rep])));
});

/** loadNxM: M lanes of N bits, each widened. */
function widening(get: string, bytes: number, n: number, high?: (slot: string) => string): Handler {
  return load((_lw, ins, at, slot) => {
    const out: string[] = [];
    for (let k = 0; k < n; k++) {
      const read = bytes === 1 ? `${view(ins)}.${get}(${at(k)})` : `${view(ins)}.${get}(${at(k * bytes)}, true)`;
      out.push(read);
      if (high) out.push(high(slot(out.length - 1)));
    }
    return out;
  });
}

function splat(rep: SimdRep): Handler {
  return load((lw, ins, at, slot) => {
    if (rep === I32 && ins.op === Op.V128Load64Splat) {
      return [loadLane(lw, view(ins), I32, at(0)), loadLane(lw, view(ins), I32, at(4)), slot(0), slot(1)];
    }
    const n = [4, 4, 2, 8, 16][rep];
    return [loadLane(lw, view(ins), rep, at(0)), ...Array.from({ length: n - 1 }, () => slot(0))];
  });
}

/** load*_lane: the v128 operand with lane `ins.lane` loaded (64-bit lanes are two I32 lanes). */
function loadIntoLane(rep: SimdRep, wide = false): Handler {
  return (lw, ins) => {
    const t = take(lw, ins, true);
    const at = ea(t, 0, ins);
    const lanes = lanesAs(lw, t, 1, rep).slice();
    const L = ins.lane!;
    if (wide) {
      lanes[2 * L] = loadLane(lw, view(ins), I32, at(0));
      lanes[2 * L + 1] = loadLane(lw, view(ins), I32, at(4));
    } else {
      lanes[L] = loadLane(lw, view(ins), rep, at(0));
    }
    pushLanes(lw, t, lanes, true, true);
  };
}

/** One lane's store statement. */
function storeLane(d: string, rep: SimdRep, at: string, v: string): string {
  switch (rep) {
    case I16: return `${d}.setInt16(${at}, ${v}, true);`;
    case I8: return `${d}.setInt8(${at}, ${v});`;
    case SimdRep.F64: return `${d}.setFloat64(${at}, ${v}, true);`;
    default: return `${d}.setInt32(${at}, ${v}, true);`;
  }
}

/** Operands of a store, evaluated in order; pending effects below them first. */
function storeOperands(lw: Lowering, ins: Instr): Taken {
  const st = lw.stack;
  st.flushForStatement(false, 1 + [4, 4, 2, 8, 16][ins.simd!.in[0]]);
  return take(lw, ins, true);
}

const v128Store: Handler = (lw, ins) => {
  const t = storeOperands(lw, ins);
  const at = ea(t, 0, ins);
  // f32 lanes are stored as their bits (exact for NaNs); others as they are.
  const rep = t.ops[1].rep === SimdRep.F32 ? I32 : (t.ops[1].rep as SimdRep);
  const lanes = lanesAs(lw, t, 1, rep);
  const parts: string[] = [];
  for (let k = lanes.length - 1; k >= 0; k--) parts.push(storeLane(view(ins), rep, at(k * BYTES[rep]), lanes[k]));
  lw.stack.emit(parts.join(' '));
};

function storeFromLane(rep: SimdRep, wide = false): Handler {
  return (lw, ins) => {
    const t = storeOperands(lw, ins);
    const at = ea(t, 0, ins);
    const lanes = lanesAs(lw, t, 1, rep);
    const L = ins.lane!;
    const d = view(ins);
    lw.stack.emit(wide
      ? `${storeLane(d, I32, at(4), lanes[2 * L + 1])} ${storeLane(d, I32, at(0), lanes[2 * L])}`
      : storeLane(d, rep, at(0), lanes[L]));
  };
}

export const simdMemoryHandlers: [Op, Handler][] = [
  [Op.V128Load, plainLoad],
  [Op.V128Load8x8S, widening('getInt8', 1, 8)],
  [Op.V128Load8x8U, widening('getUint8', 1, 8)],
  [Op.V128Load16x4S, widening('getInt16', 2, 4)],
  [Op.V128Load16x4U, widening('getUint16', 2, 4)],
  [Op.V128Load32x2S, widening('getInt32', 4, 2, (lo) => `${lo} >> 31`)],
  [Op.V128Load32x2U, widening('getInt32', 4, 2, () => '0')],
  [Op.V128Load8Splat, splat(I8)],
  [Op.V128Load16Splat, splat(I16)],
  [Op.V128Load32Splat, splat(I32)],
  [Op.V128Load64Splat, splat(I32)],
  [Op.V128Load32Zero, load((lw, ins, at) => [loadLane(lw, view(ins), I32, at(0)), '0', '0', '0'])],
  [Op.V128Load64Zero, load((lw, ins, at) => [loadLane(lw, view(ins), I32, at(0)), loadLane(lw, view(ins), I32, at(4)), '0', '0'])],
  [Op.V128Load8Lane, loadIntoLane(I8)],
  [Op.V128Load16Lane, loadIntoLane(I16)],
  [Op.V128Load32Lane, loadIntoLane(I32)],
  [Op.V128Load64Lane, loadIntoLane(I32, true)],
  [Op.V128Store, v128Store],
  [Op.V128Store8Lane, storeFromLane(I8)],
  [Op.V128Store16Lane, storeFromLane(I16)],
  [Op.V128Store32Lane, storeFromLane(I32)],
  [Op.V128Store64Lane, storeFromLane(I32, true)],
  [Op.V128Const, (lw, ins) => {
    for (const c of constLanes(ins.bytes!, ins.simd!.out!, lw)) lw.stack.pushConst(c, 0);
  }],
];
