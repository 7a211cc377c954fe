// Every SIMD instruction against the native engine (Node's V8, which runs
// fixed-width SIMD): one module with a function per instruction (and per lane
// index or shuffle pattern), whose operands are read from memory and whose
// result is stored to memory, is run by both engines on edge-case operands:
// NaNs with payloads, -0, infinities, denormals, saturation and conversion
// bounds, i8/i16/i32/i64 limits, shift counts at and past the lane width, and
// seeded random bytes. Results must be identical byte for byte, except where
// the spec lets the engine choose: a NaN from float arithmetic only has to be
// a NaN with the quiet bit set (an arithmetic NaN).
//
// Relaxed SIMD has no single native answer; each relaxed instruction is
// compared with the non-relaxed instructions that compute the result wasm2es
// chose (codegen/simd-float.ts, simd-int.ts): swizzle, trunc_sat, bitselect,
// min/max, q15mulr_sat, unfused multiply-add, and dot products from
// extend + i32x4.dot + shuffle.
//
// Loads and stores run separately at addresses near the end of memory, where
// part of the access is out of bounds: the trap and the memory afterwards
// must match too.
import { describe, it, expect } from 'vitest';
import { compile, loadFactory } from '../index.js';
import { Imm, OPCODES, type OpInfo } from '../opcodes.js';
import { ValType } from '../ir.js';

const wabt = await (await import('wabt')).default();

function assemble(text: string): Uint8Array {
  const m = wabt.parseWat('simd.wat', text, { simd: true, relaxed_simd: true } as Record<string, boolean>);
  try {
    return m.toBinary({}).buffer;
  } finally {
    m.destroy();
  }
}

type Exports = Record<string, unknown> & { mem: WebAssembly.Memory };
interface Engines {
  native: Exports;
  ours: Exports;
}

function engines(nativeText: string, oursText = nativeText): Engines {
  const native = new WebAssembly.Instance(new WebAssembly.Module(assemble(nativeText) as BufferSource), {}).exports as unknown as Exports;
  const { js } = compile(assemble(oursText), { format: 'factory' });
  const ours = loadFactory(js).instantiateSync({}).instance.exports as unknown as Exports;
  return { native, ours };
}

// ---------------------------------------------------------------- operands

const u32 = (xs: number[]) => {
  const b = new Uint8Array(16);
  const dv = new DataView(b.buffer);
  xs.forEach((x, i) => dv.setUint32(4 * i, x >>> 0, true));
  return b;
};
const u16 = (xs: number[]) => {
  const b = new Uint8Array(16);
  const dv = new DataView(b.buffer);
  xs.forEach((x, i) => dv.setUint16(2 * i, x & 0xffff, true));
  return b;
};
const u64 = (xs: bigint[]) => {
  const b = new Uint8Array(16);
  const dv = new DataView(b.buffer);
  xs.forEach((x, i) => dv.setBigUint64(8 * i, BigInt.asUintN(64, x), true));
  return b;
};
const f64s = (xs: number[]) => {
  const b = new Uint8Array(16);
  const dv = new DataView(b.buffer);
  xs.forEach((x, i) => dv.setFloat64(8 * i, x, true));
  return b;
};

/** xorshift32: the same bytes on every run. */
function random(seed: number, n: number): Uint8Array[] {
  let s = seed;
  const next = () => {
    s ^= s << 13;
    s ^= s >>> 17;
    s ^= s << 5;
    return s >>> 0;
  };
  return Array.from({ length: n }, () => u32([next(), next(), next(), next()]));
}

const VECTORS: Uint8Array[] = [
  new Uint8Array(16),
  new Uint8Array(16).fill(0xff),
  Uint8Array.from([0, 1, 0x7f, 0x80, 0x81, 0xfe, 0xff, 0x40, 0x3f, 0xc0, 2, 0x10, 0x7e, 0x82, 0x55, 0xaa]),
  u16([0, 1, 0x7fff, 0x8000, 0x8001, 0xffff, 0x4000, 0xc000]),
  u16([0x7ffe, 0x8002, 0x00ff, 0xff00, 0x1234, 0xedcb, 3, 0xfffd]),
  u32([0x7fffffff, 0x80000000, 0xffffffff, 1]),
  u64([0x7fffffffffffffffn, -0x8000000000000000n]),
  u64([0xffffffff00000000n, 0x00000000ffffffffn]),
  // f32: canonical NaN, signaling NaN with payload, negative NaN with payload, +inf
  u32([0x7fc00000, 0x7fa00001, 0xffc12345, 0x7f800000]),
  // -inf, -0, smallest denormal, largest finite
  u32([0xff800000, 0x80000000, 0x00000001, 0x7f7fffff]),
  u32([0x3f000000, 0x3fc00000, 0x40200000, 0xc0200000]), // 0.5 1.5 2.5 -2.5
  u32([0x4f000000, 0xcf000001, 0x4f800000, 0xbf400000]), // 2^31, -2^31-256, 2^32, -0.75
  u32([0x4effffff, 0xcf000000, 0x4f7fffff, 0x3f7fffff]), // just inside the i32/u32 bounds
  // f64: NaN with payload, -0; infinities; halves; denormal, largest; conversion bounds
  u64([0x7ff4000000000001n, 0x8000000000000000n]),
  f64s([Infinity, -Infinity]),
  f64s([2.5, -3.5]),
  u64([1n, 0x7fefffffffffffffn]),
  f64s([4294967296, -2147483649]),
  f64s([2147483647.5, -0.9]),
  u64([0xfff8000000000000n, 0x7ff8000000000000n]),
  ...random(0x9e3779b9, 6),
];
/** Fewer vectors where every combination of three is run. */
const FEW = [VECTORS[0], VECTORS[1], VECTORS[2], VECTORS[5], VECTORS[8], VECTORS[9], VECTORS[20], VECTORS[21]];

const SHIFTS = [0, 1, 7, 8, 9, 15, 16, 17, 31, 32, 33, 63, 64, 65, 127, -1];
const I32S = [0, 1, -1, 0x7f, 0x80, 0xff, 0x7fff, 0x8000, 0x12345678, -0x80000000];
const I64S = [0n, -1n, 0x7fffffffffffffffn, -0x8000000000000000n, 0x123456789abcdef0n];
const F32S = [0x7fc00000, 0x7fa00001, 0xffc12345, 0x80000000, 0x3fc00000, 0xff800000, 1];
const F64S = [0x7ff4000000000001n, 0x8000000000000000n, 0x4004000000000000n, 0xfff0000000000000n, 1n];

/** Scalar operand bytes (at address 64) for an operand type. */
function scalars(t: number, shift: boolean): Uint8Array[] {
  const bytes = (f: (dv: DataView) => void) => {
    const b = new Uint8Array(8);
    f(new DataView(b.buffer));
    return b;
  };
  switch (t) {
    case ValType.I32: return (shift ? SHIFTS : I32S).map((x) => bytes((dv) => dv.setInt32(0, x, true)));
    case ValType.I64: return I64S.map((x) => bytes((dv) => dv.setBigInt64(0, x, true)));
    case ValType.F32: return F32S.map((x) => bytes((dv) => dv.setUint32(0, x, true)));
    default: return F64S.map((x) => bytes((dv) => dv.setBigUint64(0, x, true)));
  }
}

const TYPE = (t: number) => ({ [ValType.I32]: 'i32', [ValType.I64]: 'i64', [ValType.F32]: 'f32', [ValType.F64]: 'f64', [ValType.V128]: 'v128' })[t]!;

// ---------------------------------------------------------------- comparing

/** Lane width (bytes) of the float lanes of a result whose NaNs the engine may choose, or 0: exact. */
function nanLanes(name: string): number {
  if (/^f32x4\.(add|sub|mul|div|sqrt|min|max|ceil|floor|trunc|nearest|demote_f64x2_zero|relaxed_madd|relaxed_nmadd|relaxed_min|relaxed_max)$/.test(name)) return 4;
  if (/^f64x2\.(add|sub|mul|div|sqrt|min|max|ceil|floor|trunc|nearest|promote_low_f32x4|relaxed_madd|relaxed_nmadd|relaxed_min|relaxed_max)$/.test(name)) return 8;
  return 0;
}

const hex = (b: Uint8Array) => [...b].map((x) => x.toString(16).padStart(2, '0')).join('');

/** Whether `got` may stand for `want`: equal bytes, or (float lanes) both NaN and `got` quiet. */
function agrees(want: Uint8Array, got: Uint8Array, width: number): boolean {
  if (hex(want) === hex(got)) return true;
  if (width === 0) return false;
  for (let i = 0; i < 16; i += width) {
    const w = want.subarray(i, i + width), g = got.subarray(i, i + width);
    if (hex(w) === hex(g)) continue;
    const bits = (x: Uint8Array) => [...x].reverse().reduce((a, b) => (a << 8n) | BigInt(b), 0n);
    const [exp, quiet, sign] = width === 4 ? [0x7f800000n, 0x400000n, 0x80000000n] : [0x7ff0000000000000n, 0x8000000000000n, 0x8000000000000000n];
    const isNan = (v: bigint) => (v & exp) === exp && (v & ~(exp | sign)) !== 0n;
    if (!(isNan(bits(w)) && isNan(bits(g)) && (bits(g) & quiet) !== 0n)) return false;
  }
  return true;
}

/** Runs `fn` with each operand set on both engines; returns the first disagreement, or null. */
function differ(e: Engines, fn: string, inputs: Uint8Array[][], width: number, out = 16): string | null {
  const call = (x: Exports) => {
    const mem = new Uint8Array(x.mem.buffer);
    return (args: Uint8Array[]) => {
      mem.fill(0, 0, 96);
      args.forEach((a, k) => mem.set(a, a.length === 8 ? 64 : 16 * (k + 1)));
      (x[fn] as () => void)();
      return mem.slice(0, out);
    };
  };
  const n = call(e.native), o = call(e.ours);
  for (const args of inputs) {
    const want = n(args), got = o(args);
    if (!agrees(want, got, width)) return `${args.map(hex).join(' ')}: native ${hex(want)}, wasm2es ${hex(got)}`;
  }
  return null;
}

/** Every combination of operands: v128 operands from `vs`, scalars from their lists. */
function combos(kinds: ('v' | Uint8Array[])[], vs: Uint8Array[]): Uint8Array[][] {
  let out: Uint8Array[][] = [[]];
  for (const k of kinds) {
    const options = k === 'v' ? vs : k;
    out = out.flatMap((prefix) => options.map((o) => [...prefix, o]));
  }
  return out;
}

// ---------------------------------------------------------------- the instructions

interface Case {
  row: OpInfo;
  /** The instruction with its immediates, as text. */
  instr: string;
}

const SHUFFLES = [
  [...Array(16).keys()],
  [...Array(16).keys()].reverse(),
  [0, 16, 1, 17, 2, 18, 3, 19, 4, 20, 5, 21, 6, 22, 7, 23],
  [31, 0, 15, 16, 7, 7, 7, 7, 24, 9, 30, 2, 19, 5, 28, 12],
  [4, 5, 6, 7, 20, 21, 22, 23, 8, 9, 10, 11, 28, 29, 30, 31],
];

function laneCount(name: string): number {
  return Number(/^[if]\d+x(\d+)\./.exec(name)![1]);
}

/** The non-memory SIMD instructions, one case per lane index / shuffle pattern tried. */
function cases(relaxed: boolean): Case[] {
  const out: Case[] = [];
  for (const row of OPCODES) {
    if (row.op < 0x2000 || row.op >= 0x3000 || row.access || row.imm === Imm.V128Const) continue;
    if ((row.op >= 0x2100) !== relaxed) continue;
    if (row.imm === Imm.Lane) {
      const n = laneCount(row.name);
      for (const l of new Set([0, n >> 1, n - 1])) out.push({ row, instr: `${row.name} ${l}` });
    } else if (row.imm === Imm.Shuffle) {
      for (const s of SHUFFLES) out.push({ row, instr: `${row.name} ${s.join(' ')}` });
    } else {
      out.push({ row, instr: row.name });
    }
  }
  return out;
}

/** The function computing `expr` from the operands in memory and storing its result at 0. */
function func(name: string, row: OpInfo, expr: (ops: string[]) => string): string {
  let v = 0;
  const ops = row.sig!.params.map((t) => (t === ValType.V128 ? `(v128.load (i32.const ${16 * ++v}))` : `(${TYPE(t)}.load (i32.const 64))`));
  const r = row.sig!.results[0];
  return `(func (export "${name}") (${TYPE(r)}.store (i32.const 0) ${expr(ops)}))`;
}

/** Operand sets for a row: every combination for one or two v128 operands, fewer for three. */
function inputs(row: OpInfo): Uint8Array[][] {
  const ps = row.sig!.params;
  const nv = ps.filter((t) => t === ValType.V128).length;
  const kinds = ps.map((t) => (t === ValType.V128 ? ('v' as const) : scalars(t, /\.sh[lr]/.test(row.name))));
  return combos(kinds, nv === 3 ? FEW : VECTORS);
}

describe('SIMD instructions against the native engine', () => {
  const list = cases(false);
  const module = `(module (memory (export "mem") 1) ${list.map((c, i) => func(`f${i}`, c.row, (ops) => `(${c.instr} ${ops.join(' ')})`)).join('\n')})`;
  const e = engines(module);

  it('covers every fixed-width SIMD instruction', () => {
    const names = new Set(list.map((c) => c.row.name));
    const all = OPCODES.filter((r) => r.op >= 0x2000 && r.op < 0x2100 && !r.access && r.imm !== Imm.V128Const).map((r) => r.name);
    expect(all.filter((n) => !names.has(n))).toEqual([]);
    expect(names.size).toBe(213);
  });

  it('compute every instruction as the native engine does', () => {
    const bad: string[] = [];
    list.forEach((c, i) => {
      const d = differ(e, `f${i}`, inputs(c.row), nanLanes(c.row.name));
      if (d) bad.push(`${c.instr}: ${d}`);
    });
    expect(bad).toEqual([]);
  });

  it('fails on a wrong result (the comparison can fail)', () => {
    // i32x4.add computed natively, i32x4.sub by wasm2es under the same name.
    const add = OPCODES.find((r) => r.name === 'i32x4.add')!;
    const wrong = engines(`(module (memory (export "mem") 1) ${func('g', add, (o) => `(i32x4.add ${o.join(' ')})`)})`,
      `(module (memory (export "mem") 1) ${func('g', add, (o) => `(i32x4.sub ${o.join(' ')})`)})`);
    expect(differ(wrong, 'g', inputs(add), 0)).not.toBeNull();
    // A different NaN is fine for arithmetic, not for a bit-exact result.
    expect(agrees(u32([0x7fc00000, 0, 0, 0]), u32([0x7fe00001, 0, 0, 0]), 4)).toBe(true);
    expect(agrees(u32([0x7fc00000, 0, 0, 0]), u32([0x7fa00001, 0, 0, 0]), 4)).toBe(false); // not quiet
    expect(agrees(u32([0x7fc00000, 0, 0, 0]), u32([0x7fe00001, 0, 0, 0]), 0)).toBe(false);
  });
});

describe('relaxed SIMD: the deterministic results wasm2es chose', () => {
  const SW = '(i8x16.shuffle 0 1 4 5 8 9 12 13 16 17 20 21 24 25 28 29';
  const EVEN = '(i8x16.shuffle 0 1 2 3 8 9 10 11 16 17 18 19 24 25 26 27';
  const ODD = '(i8x16.shuffle 4 5 6 7 12 13 14 15 20 21 22 23 28 29 30 31';
  const dots = (a: string, b: string) => [
    `(i32x4.dot_i16x8_s (i16x8.extend_low_i8x16_s ${a}) (i16x8.extend_low_i8x16_s ${b}))`,
    `(i32x4.dot_i16x8_s (i16x8.extend_high_i8x16_s ${a}) (i16x8.extend_high_i8x16_s ${b}))`,
  ];
  /** Each relaxed instruction as non-relaxed ones. */
  const EQUIV: Record<string, (o: string[]) => string> = {
    'i8x16.relaxed_swizzle': ([a, b]) => `(i8x16.swizzle ${a} ${b})`,
    'i32x4.relaxed_trunc_f32x4_s': ([a]) => `(i32x4.trunc_sat_f32x4_s ${a})`,
    'i32x4.relaxed_trunc_f32x4_u': ([a]) => `(i32x4.trunc_sat_f32x4_u ${a})`,
    'i32x4.relaxed_trunc_f64x2_s_zero': ([a]) => `(i32x4.trunc_sat_f64x2_s_zero ${a})`,
    'i32x4.relaxed_trunc_f64x2_u_zero': ([a]) => `(i32x4.trunc_sat_f64x2_u_zero ${a})`,
    'f32x4.relaxed_madd': ([a, b, c]) => `(f32x4.add (f32x4.mul ${a} ${b}) ${c})`,
    'f32x4.relaxed_nmadd': ([a, b, c]) => `(f32x4.sub ${c} (f32x4.mul ${a} ${b}))`,
    'f64x2.relaxed_madd': ([a, b, c]) => `(f64x2.add (f64x2.mul ${a} ${b}) ${c})`,
    'f64x2.relaxed_nmadd': ([a, b, c]) => `(f64x2.sub ${c} (f64x2.mul ${a} ${b}))`,
    'i8x16.relaxed_laneselect': ([a, b, c]) => `(v128.bitselect ${a} ${b} ${c})`,
    'i16x8.relaxed_laneselect': ([a, b, c]) => `(v128.bitselect ${a} ${b} ${c})`,
    'i32x4.relaxed_laneselect': ([a, b, c]) => `(v128.bitselect ${a} ${b} ${c})`,
    'i64x2.relaxed_laneselect': ([a, b, c]) => `(v128.bitselect ${a} ${b} ${c})`,
    'f32x4.relaxed_min': ([a, b]) => `(f32x4.min ${a} ${b})`,
    'f32x4.relaxed_max': ([a, b]) => `(f32x4.max ${a} ${b})`,
    'f64x2.relaxed_min': ([a, b]) => `(f64x2.min ${a} ${b})`,
    'f64x2.relaxed_max': ([a, b]) => `(f64x2.max ${a} ${b})`,
    'i16x8.relaxed_q15mulr_s': ([a, b]) => `(i16x8.q15mulr_sat_s ${a} ${b})`,
    'i16x8.relaxed_dot_i8x16_i7x16_s': ([a, b]) => `${SW} ${dots(a, b).join(' ')})`,
    'i32x4.relaxed_dot_i8x16_i7x16_add_s': ([a, b, c]) => {
      const [lo, hi] = dots(a, b);
      return `(i32x4.add (i32x4.add ${EVEN} ${lo} ${hi}) ${ODD} ${lo} ${hi})) ${c})`;
    },
  };

  it('equal the non-relaxed instructions they stand for, run natively', () => {
    const list = cases(true);
    expect(list.map((c) => c.row.name).sort()).toEqual(Object.keys(EQUIV).sort());
    const ours = `(module (memory (export "mem") 1) ${list.map((c, i) => func(`f${i}`, c.row, (o) => `(${c.instr} ${o.join(' ')})`)).join('\n')})`;
    const native = `(module (memory (export "mem") 1) ${list.map((c, i) => func(`f${i}`, c.row, EQUIV[c.row.name])).join('\n')})`;
    const e = engines(native, ours);
    const bad: string[] = [];
    list.forEach((c, i) => {
      const d = differ(e, `f${i}`, inputs(c.row), nanLanes(c.row.name));
      if (d) bad.push(`${c.instr}: ${d}`);
    });
    expect(bad).toEqual([]);
  });
});

describe('SIMD loads and stores against the native engine', () => {
  const END = 65536;
  /** Addresses: aligned, unaligned, and straddling or past the end of memory. */
  const ADDRS = [256, 257, 263, END - 16, END - 15, END - 9, END - 8, END - 4, END - 3, END - 2, END - 1, END, -1];
  const rows = OPCODES.filter((r) => r.op >= 0x2000 && r.op < 0x3000 && r.access);
  const fns: string[] = [];
  const names: { fn: string; row: OpInfo }[] = [];
  for (const row of rows) {
    const lanes = row.imm === Imm.MemArgLane ? [0, 16 / row.access!.bytes - 1] : [-1];
    for (const lane of lanes) {
      for (const offset of [0, 3]) {
        const fn = `m${names.length}`;
        const imm = `offset=${offset}${lane >= 0 ? ` ${lane}` : ''}`;
        const addr = '(local.get 0)';
        const v = '(v128.load (i32.const 16))';
        let body: string;
        if (row.access!.store) body = `(${row.name} ${imm} ${addr} ${v})`;
        else if (row.imm === Imm.MemArgLane) body = `(v128.store (i32.const 0) (${row.name} ${imm} ${addr} ${v}))`;
        else body = `(v128.store (i32.const 0) (${row.name} ${imm} ${addr}))`;
        fns.push(`(func (export "${fn}") (param i32) ${body})`);
        names.push({ fn, row });
      }
    }
  }
  const module = `(module (memory (export "mem") 1) ${fns.join('\n')})`;
  const e = engines(module);

  it('load, store and trap as the native engine does, and leave the same memory', () => {
    const pattern = Uint8Array.from({ length: 64 }, (_, i) => (i * 37 + 11) & 0xff);
    const run = (x: Exports, fn: string, a: number): string => {
      const mem = new Uint8Array(x.mem.buffer);
      mem.fill(0);
      mem.set(VECTORS[2], 16);
      for (const at of [240, END - 64]) mem.set(pattern, at);
      let outcome: string;
      try {
        (x[fn] as (a: number) => void)(a);
        outcome = 'ok';
      } catch (err) {
        outcome = `${(err as Error).constructor.name}`;
      }
      return `${outcome} ${hex(mem.subarray(0, 16))} ${hex(mem.subarray(240, 304))} ${hex(mem.subarray(END - 64))}`;
    };
    const bad: string[] = [];
    let traps = 0;
    for (const { fn, row } of names) {
      for (const a of ADDRS) {
        const want = run(e.native, fn, a), got = run(e.ours, fn, a);
        if (want.startsWith('RuntimeError')) traps++;
        if (want !== got) bad.push(`${row.name} (${fn}) at ${a}: native ${want.slice(0, 60)}..., wasm2es ${got.slice(0, 60)}...`);
      }
    }
    expect(bad).toEqual([]);
    expect(traps).toBeGreaterThan(100);
  });

  it('reads v128 constants of every shape as the native engine does', () => {
    const consts = VECTORS.map((v) => `(v128.const i32x4 ${[0, 4, 8, 12].map((k) => new DataView(v.buffer).getInt32(k, true)).join(' ')})`);
    const shapes = [
      '(v128.const i8x16 -128 255 0 1 -1 127 2 3 4 5 6 7 8 9 10 11)',
      '(v128.const i16x8 -32768 65535 0 1 -1 32767 2 3)',
      '(v128.const i64x2 -9223372036854775808 18446744073709551615)',
      '(v128.const f32x4 nan:0x200000 -nan -0 0x1p-149)',
      '(v128.const f64x2 -nan:0x4000000000001 inf)',
    ];
    const all = [...consts, ...shapes];
    const c = engines(`(module (memory (export "mem") 1) ${all.map((k, i) => `(func (export "c${i}") (v128.store (i32.const 0) ${k}))`).join('\n')})`);
    const bad = all.map((k, i) => (differ(c, `c${i}`, [[]], 0) ? k : null)).filter(Boolean);
    expect(bad).toEqual([]);
  });
});

describe('shuffles and selects in the representation of their data', () => {
  // passes/simd.ts moves whole f32 / f64 / i16 lanes through a shuffle whose
  // bytes group into aligned lanes, and selects float lanes with a ternary
  // where bitselect's mask is a comparison; these compositions hit those paths
  // (width: which lanes may hold any arithmetic NaN; 0 = bit-exact).
  const [A, B, C] = [16, 32, 48].map((at) => `(v128.load (i32.const ${at}))`);
  const bytes = (lanes: number[], w: number) => lanes.flatMap((l) => [...Array(w).keys()].map((k) => l * w + k)).join(' ');
  const CASES: [string, number][] = [
    [`(i8x16.shuffle ${bytes([1, 4, 0, 7], 4)} (f32x4.add ${A} ${B}) (f32x4.mul ${A} ${C}))`, 4],
    [`(i8x16.shuffle ${bytes([3, 3, 6, 0], 4)} (f32x4.abs ${A}) ${C})`, 0],
    [`(i8x16.shuffle ${bytes([1, 2], 8)} (f64x2.add ${A} ${B}) (f64x2.sub ${A} ${C}))`, 8],
    [`(i8x16.shuffle ${bytes([0, 9, 2, 11, 15, 5, 6, 8], 2)} (i16x8.add ${A} ${B}) (i16x8.mul ${A} ${C}))`, 0],
    [`(i8x16.shuffle ${bytes([1, 4, 0, 7], 4)} (f32x4.neg ${A}) (i8x16.add ${B} ${C}))`, 0],
    [`(v128.bitselect (f32x4.add ${A} ${B}) (f32x4.mul ${A} ${B}) (f32x4.lt ${A} ${B}))`, 4],
    [`(v128.bitselect (f32x4.abs ${A}) ${C} (f32x4.eq ${A} ${B}))`, 0],
    [`(v128.bitselect ${C} (f32x4.neg ${B}) (f32x4.ge ${A} ${C}))`, 0],
    [`(v128.bitselect (f64x2.add ${A} ${B}) (f64x2.sub ${A} ${B}) (f64x2.lt ${A} ${B}))`, 8],
    [`(v128.bitselect (f64x2.abs ${A}) ${C} (i64x2.eq ${A} ${B}))`, 0],
    [`(v128.bitselect (f32x4.abs ${A}) ${C} (i8x16.eq ${A} ${B}))`, 0],
    [`(v128.bitselect (f32x4.abs ${A}) ${C} (f64x2.gt ${A} ${B}))`, 0],
    [`(f32x4.relaxed_laneselect (f32x4.abs ${A}) (f32x4.neg ${C}) (f32x4.ne ${A} ${B}))`, 0],
    [`(i64x2.relaxed_laneselect (f64x2.neg ${A}) (f64x2.abs ${C}) (f64x2.le ${A} ${B}))`, 0],
  ].map(([e, w]) => [String(e).replace('f32x4.relaxed_laneselect', 'i32x4.relaxed_laneselect'), Number(w)]);
  // This Node's V8 runs no relaxed SIMD: natively a laneselect is the bitselect it equals for a mask of whole lanes.
  const mod = (f: (e: string) => string) =>
    `(module (memory (export "mem") 1) ${CASES.map(([e], i) => `(func (export "s${i}") (v128.store (i32.const 0) ${f(e)}))`).join('\n')})`;
  const e = engines(mod((x) => x.replace(/i(32x4|64x2)\.relaxed_laneselect/, 'v128.bitselect')), mod((x) => x));

  it('compute as the native engine does', () => {
    const bad: string[] = [];
    CASES.forEach(([expr, w], i) => {
      const d = differ(e, `s${i}`, combos(['v', 'v', 'v'], FEW), w);
      if (d) bad.push(`${expr}: ${d}`);
    });
    expect(bad).toEqual([]);
  });
});
