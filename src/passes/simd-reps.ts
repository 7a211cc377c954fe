// Lane representations of v128 values (ir.ts SimdRep) and, per SIMD
// instruction, the representation it computes in: what passes/simd.ts uses to
// choose where values live, and codegen/simd*.ts to know the lanes it is given.
//
// A representation is only a question of speed: every instruction accepts its
// operands in any representation (the lowering converts them first), so the
// table below says which one avoids conversions.
import { SimdRep, ValType, type Instr } from '../ir.js';
import { OPCODES, OP_INFO, Op } from '../opcodes.js';

/** Lanes per representation. */
export const LANES: readonly number[] = [4, 4, 2, 8, 16];

/** The value type of one lane of a representation (8- and 16-bit lanes are i32s). */
export function laneType(r: SimdRep): ValType {
  return r === SimdRep.F32 ? ValType.F32 : r === SimdRep.F64 ? ValType.F64 : ValType.I32;
}

/** The representation of a shape's lanes: i8x16 I8, i16x8 I16, i32x4 and i64x2 I32, f32x4 F32, f64x2 F64. */
export function shapeRep(shape: string): SimdRep {
  switch (shape) {
    case 'i8x16': return SimdRep.I8;
    case 'i16x8': return SimdRep.I16;
    case 'f32x4': return SimdRep.F32;
    case 'f64x2': return SimdRep.F64;
    default: return SimdRep.I32;
  }
}

/** Output kind `FLEX`: the instruction produces whatever integer representation (or, for loads and constants, any) is asked. */
export const FLEX = -1;

export interface OpReps {
  /** The representation each v128 operand is computed in (null: any, as given). */
  readonly ins: readonly (SimdRep | null)[];
  /** The representation of the v128 result: a SimdRep, FLEX, or undefined (no v128 result). */
  readonly out?: SimdRep | typeof FLEX;
}

function repsOf(name: string, v128Params: number, v128Result: boolean): OpReps {
  const [shape, op] = name.split('.');
  const r = shapeRep(shape);
  const all = (x: SimdRep | null): (SimdRep | null)[] => new Array(v128Params).fill(x);
  const out = v128Result ? r : undefined;
  const src = /_(i8x16|i16x8|i32x4|f32x4|f64x2)/.exec(op);
  const srcRep = src ? shapeRep(src[1]) : r;
  if (shape === 'v128') {
    if (op === 'load' || op === 'const') return { ins: [], out: FLEX };
    if (/^load(8x8)/.test(op)) return { ins: [], out: SimdRep.I16 };
    if (/^load(16x4|32x2|32_zero|64_zero|32_splat|64_splat)/.test(op)) return { ins: [], out: SimdRep.I32 };
    if (op === 'load8_splat') return { ins: [], out: SimdRep.I8 };
    if (op === 'load16_splat') return { ins: [], out: SimdRep.I16 };
    const lane = /^(load|store)(8|16|32|64)_lane$/.exec(op);
    if (lane) {
      const lr = lane[2] === '8' ? SimdRep.I8 : lane[2] === '16' ? SimdRep.I16 : SimdRep.I32;
      return { ins: [lr], out: lane[1] === 'load' ? lr : undefined };
    }
    if (op === 'store' || op === 'any_true') return { ins: [null] };
    // not, and, andnot, or, xor, bitselect
    return { ins: all(null), out: FLEX };
  }
  // Their representation depends on the immediates and operands: passes/simd.ts.
  if (op === 'shuffle') return { ins: [null, null], out: SimdRep.I8 };
  if (op === 'swizzle' || op === 'relaxed_swizzle') return { ins: [SimdRep.I32, SimdRep.I8], out: SimdRep.I8 };
  if (op === 'relaxed_laneselect') return { ins: all(null), out: FLEX };
  if (/^(eq|ne|[lg][te](_[su])?)$/.test(op)) return { ins: all(r), out: r === SimdRep.F32 || r === SimdRep.F64 ? SimdRep.I32 : r };
  if (/^(extend|extmul|extadd|narrow|convert|trunc|relaxed_trunc|demote|promote)/.test(op)) return { ins: all(srcRep), out };
  if (op === 'dot_i16x8_s') return { ins: all(SimdRep.I16), out };
  if (op === 'relaxed_dot_i8x16_i7x16_s') return { ins: all(SimdRep.I8), out };
  if (op === 'relaxed_dot_i8x16_i7x16_add_s') return { ins: [SimdRep.I8, SimdRep.I8, SimdRep.I32], out };
  return { ins: all(r), out };
}

/** The representations of every SIMD instruction, by Op. */
export const OP_REPS: readonly (OpReps | undefined)[] = (() => {
  const t: (OpReps | undefined)[] = [];
  for (const row of OPCODES) {
    if (row.op < 0x2000 || row.op >= 0x3000 || !row.sig) continue;
    const v = row.sig.params.filter((p) => p === ValType.V128).length;
    t[row.op] = repsOf(row.name, v, row.sig.results[0] === ValType.V128);
  }
  return t;
})();

/**
 * Float instructions whose result is the same for every NaN bit pattern of
 * their operands (arithmetic, comparisons, conversions): a load feeding one
 * may read f32 lanes without the bit-exact NaN path (codegen/simd-memory.ts).
 */
export const NAN_FREE: ReadonlySet<number> = new Set(OPCODES.filter((r) =>
  /^(f32x4|f64x2)\.(add|sub|mul|div|sqrt|min|max|ceil|floor|trunc|nearest|eq|ne|lt|gt|le|ge|relaxed_madd|relaxed_nmadd|relaxed_min|relaxed_max|demote_f64x2_zero|promote_low_f32x4)$/.test(r.name)
  || /^i32x4\.(trunc_sat|relaxed_trunc)_f/.test(r.name)).map((r) => r.op));

/** Whether `op` is a SIMD instruction (the 0xfd prefix). */
export function isSimdOp(op: number): boolean {
  return op >= 0x2000 && op < 0x3000 && OP_INFO[op] !== undefined;
}

/** Bytes of one lane of each representation. */
export const LANE_BYTES: readonly number[] = [4, 4, 8, 2, 1];

/**
 * What a lowered SIMD instruction (one with `simd`, or a pseudo-instruction
 * of passes/simd.ts) does to the operand stack of lanes: values popped and
 * pushed. For a load or store also the access unit: the bytes each lane's
 * access reads or writes (the address is the first operand), so an address
 * that is a multiple of it can index a typed view (codegen/simd-memory.ts).
 */
export function laneEffect(ins: Instr): { pops: number; pushes: number; unit?: number } {
  const s = ins.simd!;
  switch (ins.op) {
    case Op.V128Convert: return { pops: LANES[s.in[0]], pushes: LANES[s.out!] };
    case Op.V128Select: return { pops: LANES[s.in[0]] + LANES[s.in[1]] + 1, pushes: LANES[s.in[0]] };
    case Op.V128GlobalGet: return { pops: 0, pushes: 4 };
    case Op.V128GlobalSet: return { pops: 4, pushes: 0 };
  }
  const row = OP_INFO[ins.op]!;
  let pops = 0;
  let v = 0;
  for (const t of row.sig!.params) pops += t === ValType.V128 ? LANES[s.in[v++]] : 1;
  let pushes = 0;
  for (const t of row.sig!.results) pushes += t === ValType.V128 ? LANES[s.out!] : 1;
  const a = row.access;
  if (!a) return { pops, pushes };
  let unit: number;
  if (ins.op === Op.V128Load) unit = LANE_BYTES[s.out!];
  else if (ins.op === Op.V128Store) unit = s.in[0] === SimdRep.F32 ? 4 : LANE_BYTES[s.in[0]];
  else if (ins.op === Op.V128Load8x8S || ins.op === Op.V128Load8x8U) unit = 1;
  else if (ins.op === Op.V128Load16x4S || ins.op === Op.V128Load16x4U) unit = 2;
  else unit = Math.min(a.bytes, 4);
  return { pops, pushes, unit };
}

/**
 * The widest lane width (8, 4 or 2 bytes; else 1) at which a shuffle moves
 * whole lanes: every group of that many result bytes copies one aligned lane.
 * A shuffle of f32 data by words then just renames f32 lanes.
 */
export function shuffleGrain(bytes: Uint8Array): number {
  for (const g of [8, 4, 2]) {
    let ok = true;
    for (let j = 0; j < 16 && ok; j += g) {
      if (bytes[j] % g !== 0) ok = false;
      for (let t = 1; t < g && ok; t++) if (bytes[j + t] !== bytes[j] + t) ok = false;
    }
    if (ok) return g;
  }
  return 1;
}

/** Bytes per lane of the comparison `op` (its result lanes are all ones or all zeros), or 0: no comparison. */
export function maskLaneBytes(op: number): number {
  const name = OP_INFO[op]?.name ?? '';
  const m = /^([if])(8x16|16x8|32x4|64x2)\.(eq|ne|[lg][te](_[su])?)$/.exec(name);
  return m ? 16 / Number(m[2].split('x')[1]) : 0;
}
