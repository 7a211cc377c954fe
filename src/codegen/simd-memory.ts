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
//
// Where the address is proven a multiple of the lane access's size
// (passes/alignment.ts, with the unit passes/simd-reps.ts laneEffect gives)
// and every store of the function is, lanes go through typed views as scalar
// accesses do: `V[i] ?? D.get…(a)` reads, and a store tests its highest
// element once (if it exists, all of them do) before writing them all.
import type { Instr } from '../ir.js';
import { Op } from '../opcodes.js';
import { LANE_BYTES } from '../passes/simd-reps.js';
import type { Handler, Lowering } from './lowering.js';
import { SimdRep, constLanes, lanesAs, pushLanes, scalar, take, type Taken } from './simd-lanes.js';

const I8 = SimdRep.I8;
const I16 = SimdRep.I16;
const I32 = SimdRep.I32;
const F64 = SimdRep.F64;

/** How one instruction reaches memory: DataView addresses and, where proven, typed elements. */
interface Place {
  d: string;
  /** DataView address of byte k from the effective address. */
  at(k: number): string;
  /** Typed element holding byte k (an element of the view of `unit` bytes), or null: no typed path. */
  el(k: number): string | null;
}

/** The place of `ins`'s access; its address is operand 0 of `t` (an atom). `kind`: the typed view's kind, if any. */
function place(lw: Lowering, t: Taken, ins: Instr, unit: number, kind: string | null): Place {
  const a = scalar(t, 0);
  const off = ins.memOffset ?? 0;
  const d = 'D' + (ins.mem ?? 0);
  const c = /^\(?(-?\d+)\)?$/.exec(a);
  const constBase = c ? (Number(c[1]) >>> 0) + off : -1;
  const at = c ? (k: number) => String(constBase + k) : (k: number) => (off + k === 0 ? `(${a} >>> 0)` : `(${a} >>> 0) + ${off + k}`);
  let el: (k: number) => string | null = () => null;
  const m = lw.memory;
  if (kind && m.typed && m.aligned.has(ins) && off % unit === 0 && (!c || constBase % unit === 0)) {
    const v = m.view(ins.mem ?? 0, kind);
    const shift = 31 - Math.clz32(unit);
    if (c) el = (k) => `${v}[${(constBase + k) / unit}]`;
    else el = (k) => `${v}[(${a} >>> ${shift}) + ${(off + k) / unit}]`;
  }
  return { d, at, el };
}

/** `typed ?? dataView` for a load. */
const orTyped = (el: string | null, dv: string) => (el ? `(${el} ?? ${dv})` : dv);

/** The typed view kind of lanes of a representation (f32 lanes have none: NaN bits). */
const KIND: (string | null)[] = ['i32', null, 'f64', 'i16', 'i8'];

/** One lane of `rep` loaded from byte k. */
function loadLane(lw: Lowering, p: Place, rep: SimdRep, k: number, fast = false): string {
  const at = p.at(k);
  switch (rep) {
    case I32: return orTyped(p.el(k), `${p.d}.getInt32(${at}, true)`);
    case I16: return orTyped(p.el(k), `${p.d}.getInt16(${at}, true)`);
    case I8: return orTyped(p.el(k), `${p.d}.getInt8(${at})`);
    case F64: return orTyped(p.el(k), `${p.d}.getFloat64(${at}, true)`);
    default: {
      if (fast) return `${p.d}.getFloat32(${at}, true)`;
      // f32 with exact NaN bits, as scalar f32.load does.
      const w = lw.temp('$w');
      const t = lw.temp('t');
      return `((${w} = ${p.d}.getFloat32(${t} = ${at}, true)) === ${w} ? ${w} : ${lw.helper('f32FromBits')}(${p.d}.getUint32(${t}, true)))`;
    }
  }
}

/**
 * A load producing `lanes(place, slot)`; `slot(j)` names result lane j (the
 * lanes are written into slots in order, so a lane may repeat an earlier one).
 */
function load(unit: (ins: Instr) => number, kind: (ins: Instr) => string | null,
  lanes: (lw: Lowering, ins: Instr, p: Place, slot: (j: number) => string) => string[]): Handler {
  return (lw, ins) => {
    const t = take(lw, ins, true);
    const st = lw.stack;
    const p = place(lw, t, ins, unit(ins), kind(ins));
    pushLanes(lw, t, lanes(lw, ins, p, (j) => st.slot(t.top + j)), true, true);
  };
}

const plainLoad = load((ins) => LANE_BYTES[ins.simd!.out!], (ins) => KIND[ins.simd!.out!], (lw, ins, p) => {
  const rep = ins.simd!.out!;
  const n = [4, 4, 2, 8, 16][rep];
  return Array.from({ length: n }, (_, k) => loadLane(lw, p, rep, k * LANE_BYTES[rep], ins.simd!.fast));
});

/** loadNxM: M lanes of N bits, each widened (`high`: the upper i32 of a 64-bit lane). */
function widening(get: string, kind: string, bytes: number, n: number, high?: (slot: string) => string): Handler {
  return load(() => bytes, () => kind, (_lw, _ins, p, slot) => {
    const out: string[] = [];
    for (let k = 0; k < n; k++) {
      out.push(orTyped(p.el(k * bytes), bytes === 1 ? `${p.d}.${get}(${p.at(k)})` : `${p.d}.${get}(${p.at(k * bytes)}, true)`));
      if (high) out.push(high(slot(out.length - 1)));
    }
    return out;
  });
}

function splat(rep: SimdRep, wide = false): Handler {
  return load(() => LANE_BYTES[rep], () => KIND[rep], (lw, _ins, p, slot) => {
    if (wide) return [loadLane(lw, p, I32, 0), loadLane(lw, p, I32, 4), slot(0), slot(1)];
    const n = [4, 4, 2, 8, 16][rep];
    return [loadLane(lw, p, rep, 0), ...Array.from({ length: n - 1 }, () => slot(0))];
  });
}

/** load*_lane: the v128 operand with lane `ins.lane` loaded (64-bit lanes are two I32 lanes). */
function loadIntoLane(rep: SimdRep, wide = false): Handler {
  return (lw, ins) => {
    const t = take(lw, ins, true);
    const p = place(lw, t, ins, LANE_BYTES[rep], KIND[rep]);
    const lanes = lanesAs(lw, t, 1, rep).slice();
    const L = ins.lane!;
    if (wide) {
      lanes[2 * L] = loadLane(lw, p, I32, 0);
      lanes[2 * L + 1] = loadLane(lw, p, I32, 4);
    } else {
      lanes[L] = loadLane(lw, p, rep, 0);
    }
    pushLanes(lw, t, lanes, true, true);
  };
}

const SETTERS = ['setInt32', '', 'setFloat64', 'setInt16', 'setInt8'];

/** Stores lanes `vs` (of `rep`, from byte 0 of the place), the highest first. */
function storeLanes(lw: Lowering, p: Place, rep: SimdRep, vs: string[]): void {
  const w = LANE_BYTES[rep];
  const order = vs.map((_, k) => vs.length - 1 - k);
  const dv = order.map((k) => `${p.d}.${SETTERS[rep]}(${p.at(k * w)}, ${vs[k]}${w > 1 ? ', true' : ''});`).join(' ');
  const top = p.el((vs.length - 1) * w);
  if (!top) {
    lw.stack.emit(dv);
    return;
  }
  lw.stack.emit(`if (${top} !== undefined) { ${order.map((k) => `${p.el(k * w)} = ${vs[k]};`).join(' ')} } else { ${dv} }`);
}

/** Operands of a store, evaluated in order; pending effects below them first. */
function storeOperands(lw: Lowering, ins: Instr): Taken {
  lw.stack.flushForStatement(false, 1 + [4, 4, 2, 8, 16][ins.simd!.in[0]]);
  return take(lw, ins, true);
}

const v128Store: Handler = (lw, ins) => {
  const t = storeOperands(lw, ins);
  if (t.ops[1].rep === SimdRep.F32) return storeF32(lw, place(lw, t, ins, 4, null), t.ops[1].lanes);
  const rep = t.ops[1].rep as SimdRep;
  storeLanes(lw, place(lw, t, ins, LANE_BYTES[rep], KIND[rep]), rep, lanesAs(lw, t, 1, rep));
};

/**
 * Four f32 lanes (atoms), the highest first: with setFloat32 when none is a
 * NaN, else each as its bits (runtime/numeric.ts keeps NaN bits in the
 * double). Converting every lane to bits instead (f32ToBits through a scratch
 * array) made the saxpy kernel's SIMD build 3.5x slower than its scalar build
 * through wasm2es; scalar f32.store takes the same branch (codegen/memory.ts).
 */
function storeF32(lw: Lowering, p: Place, vs: string[]): void {
  const order = [3, 2, 1, 0];
  const exact = order.map((k) => `${p.d}.setFloat32(${p.at(4 * k)}, ${vs[k]}, true);`).join(' ');
  const bits = order.map((k) => `${p.d}.setUint32(${p.at(4 * k)}, ${lw.helper('f32ToBits')}(${vs[k]}), true);`).join(' ');
  lw.stack.emit(`if (${vs.map((v) => `${v} === ${v}`).join(' && ')}) { ${exact} } else { ${bits} }`);
}

function storeFromLane(rep: SimdRep, wide = false): Handler {
  return (lw, ins) => {
    const t = storeOperands(lw, ins);
    const p = place(lw, t, ins, LANE_BYTES[rep], KIND[rep]);
    const lanes = lanesAs(lw, t, 1, rep);
    const L = ins.lane!;
    storeLanes(lw, p, rep, wide ? [lanes[2 * L], lanes[2 * L + 1]] : [lanes[L]]);
  };
}

const zero = (wide: boolean): Handler =>
  load(() => 4, () => 'i32', (lw, _ins, p) => [loadLane(lw, p, I32, 0), wide ? loadLane(lw, p, I32, 4) : '0', '0', '0']);

export const simdMemoryHandlers: [Op, Handler][] = [
  [Op.V128Load, plainLoad],
  [Op.V128Load8x8S, widening('getInt8', 'i8', 1, 8)],
  [Op.V128Load8x8U, widening('getUint8', 'u8', 1, 8)],
  [Op.V128Load16x4S, widening('getInt16', 'i16', 2, 4)],
  [Op.V128Load16x4U, widening('getUint16', 'u16', 2, 4)],
  [Op.V128Load32x2S, widening('getInt32', 'i32', 4, 2, (lo) => `${lo} >> 31`)],
  [Op.V128Load32x2U, widening('getInt32', 'i32', 4, 2, () => '0')],
  [Op.V128Load8Splat, splat(I8)],
  [Op.V128Load16Splat, splat(I16)],
  [Op.V128Load32Splat, splat(I32)],
  [Op.V128Load64Splat, splat(I32, true)],
  [Op.V128Load32Zero, zero(false)],
  [Op.V128Load64Zero, zero(true)],
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
