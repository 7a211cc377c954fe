// Operand signatures of the instructions whose typing is fixed: numeric and
// conversion instructions take params and give results, nothing else. The
// function validator looks them up by opcode instead of switching over ~200
// cases; loads and stores get their own table because they also carry a
// natural alignment.

import { ValType } from '../ir.js';

export interface Sig {
  params: readonly ValType[];
  results: readonly ValType[];
}

const I32 = ValType.I32;
const I64 = ValType.I64;
const F32 = ValType.F32;
const F64 = ValType.F64;

// One shared object per distinct signature keeps the tables small.
const sigs = new Map<string, Sig>();
function sig(params: ValType[], results: ValType[]): Sig {
  const key = params.join(',') + '>' + results.join(',');
  let s = sigs.get(key);
  if (!s) sigs.set(key, (s = { params, results }));
  return s;
}

/** Signatures of one-byte opcodes with fixed typing (index = opcode). */
export const SIMPLE_SIGS: (Sig | undefined)[] = new Array(256);
/** Signatures of 0xfc 0..7 (the saturating truncations), by sub-opcode. */
export const FC_SIGS: (Sig | undefined)[] = new Array(8);

function range(from: number, to: number, s: Sig): void {
  for (let op = from; op <= to; op++) SIMPLE_SIGS[op] = s;
}
function one(op: number, s: Sig): void {
  SIMPLE_SIGS[op] = s;
}

// Tests and comparisons give an i32.
one(0x45, sig([I32], [I32])); // i32.eqz
range(0x46, 0x4f, sig([I32, I32], [I32])); // i32.eq .. i32.ge_u
one(0x50, sig([I64], [I32])); // i64.eqz
range(0x51, 0x5a, sig([I64, I64], [I32])); // i64.eq .. i64.ge_u
range(0x5b, 0x60, sig([F32, F32], [I32])); // f32.eq .. f32.ge
range(0x61, 0x66, sig([F64, F64], [I32])); // f64.eq .. f64.ge

// Unary and binary arithmetic stay within one type.
range(0x67, 0x69, sig([I32], [I32])); // clz ctz popcnt
range(0x6a, 0x78, sig([I32, I32], [I32])); // add .. rotr
range(0x79, 0x7b, sig([I64], [I64]));
range(0x7c, 0x8a, sig([I64, I64], [I64]));
range(0x8b, 0x91, sig([F32], [F32])); // abs .. sqrt
range(0x92, 0x98, sig([F32, F32], [F32])); // add .. copysign
range(0x99, 0x9f, sig([F64], [F64]));
range(0xa0, 0xa6, sig([F64, F64], [F64]));

// Conversions: [from] -> [to].
const conversions: [number, ValType, ValType][] = [
  [0xa7, I64, I32], // i32.wrap_i64
  [0xa8, F32, I32], // i32.trunc_f32_s
  [0xa9, F32, I32],
  [0xaa, F64, I32], // i32.trunc_f64_s
  [0xab, F64, I32],
  [0xac, I32, I64], // i64.extend_i32_s
  [0xad, I32, I64],
  [0xae, F32, I64], // i64.trunc_f32_s
  [0xaf, F32, I64],
  [0xb0, F64, I64],
  [0xb1, F64, I64],
  [0xb2, I32, F32], // f32.convert_i32_s
  [0xb3, I32, F32],
  [0xb4, I64, F32],
  [0xb5, I64, F32],
  [0xb6, F64, F32], // f32.demote_f64
  [0xb7, I32, F64], // f64.convert_i32_s
  [0xb8, I32, F64],
  [0xb9, I64, F64],
  [0xba, I64, F64],
  [0xbb, F32, F64], // f64.promote_f32
  [0xbc, F32, I32], // i32.reinterpret_f32
  [0xbd, F64, I64],
  [0xbe, I32, F32],
  [0xbf, I64, F64],
  [0xc0, I32, I32], // i32.extend8_s
  [0xc1, I32, I32],
  [0xc2, I64, I64], // i64.extend8_s
  [0xc3, I64, I64],
  [0xc4, I64, I64],
];
for (const [op, from, to] of conversions) one(op, sig([from], [to]));

// Saturating truncations (0xfc 0..7).
FC_SIGS[0] = sig([F32], [I32]);
FC_SIGS[1] = sig([F32], [I32]);
FC_SIGS[2] = sig([F64], [I32]);
FC_SIGS[3] = sig([F64], [I32]);
FC_SIGS[4] = sig([F32], [I64]);
FC_SIGS[5] = sig([F32], [I64]);
FC_SIGS[6] = sig([F64], [I64]);
FC_SIGS[7] = sig([F64], [I64]);

export interface MemOp {
  /** The value loaded or stored. */
  type: ValType;
  /** log2 of the access width: the largest alignment exponent allowed. */
  naturalAlign: number;
  store: boolean;
}

/** Loads and stores, 0x28..0x3e, by opcode. */
export const MEM_OPS: (MemOp | undefined)[] = new Array(256);
const memOps: [number, ValType, number, boolean][] = [
  [0x28, I32, 2, false], // i32.load
  [0x29, I64, 3, false],
  [0x2a, F32, 2, false],
  [0x2b, F64, 3, false],
  [0x2c, I32, 0, false], // i32.load8_s
  [0x2d, I32, 0, false],
  [0x2e, I32, 1, false], // i32.load16_s
  [0x2f, I32, 1, false],
  [0x30, I64, 0, false], // i64.load8_s
  [0x31, I64, 0, false],
  [0x32, I64, 1, false],
  [0x33, I64, 1, false],
  [0x34, I64, 2, false], // i64.load32_s
  [0x35, I64, 2, false],
  [0x36, I32, 2, true], // i32.store
  [0x37, I64, 3, true],
  [0x38, F32, 2, true],
  [0x39, F64, 3, true],
  [0x3a, I32, 0, true], // i32.store8
  [0x3b, I32, 1, true],
  [0x3c, I64, 0, true], // i64.store8
  [0x3d, I64, 1, true],
  [0x3e, I64, 2, true], // i64.store32
];
for (const [op, type, naturalAlign, store] of memOps) MEM_OPS[op] = { type, naturalAlign, store };
