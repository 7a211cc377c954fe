import { existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { f64ToBits, parseF32Bits, parseF64Bits, parseI32, parseI64, parseIntBits } from './literals.js';
import { TESTSUITE_DIR } from '../wast/paths.js';

describe('integer literals', () => {
  it('parses decimal, hex, underscores and signs', () => {
    expect(parseI32('0')).toBe(0);
    expect(parseI32('1_000')).toBe(1000);
    expect(parseI32('0xffff_ffff')).toBe(-1);
    expect(parseI32('-0x8000_0000')).toBe(-2147483648);
    expect(parseI32('+0x7fffffff')).toBe(2147483647);
    expect(parseI32('4294967295')).toBe(-1);
    expect(parseI64('-9223372036854775808')).toBe(-9223372036854775808n);
    expect(parseI64('0xffffffffffffffff')).toBe(-1n);
    expect(parseI64('18446744073709551615')).toBe(-1n);
    expect(parseIntBits('-1', 64)).toBe(0xffffffffffffffffn);
  });

  it('rejects out-of-range and malformed literals', () => {
    for (const t of ['0x1_0000_0000', '4294967296', '-2147483649', '-0x8000_0001', '1__0', '_1', '1_', '0x', 'x1', '', '--1', '0x_1']) {
      expect(() => parseIntBits(t, 32), t).toThrow();
    }
    expect(() => parseIntBits('18446744073709551616', 64)).toThrow();
    expect(() => parseIntBits('-9223372036854775809', 64)).toThrow();
  });
});

// Expected bit patterns taken from the spec suite's float_literals.wast.
const F32_CASES: [string, number][] = [
  ['nan', 0x7fc00000], ['+nan', 0x7fc00000], ['-nan', 0xffc00000],
  ['nan:0x200000', 0x7fa00000], ['-nan:0x7fffff', 0xffffffff], ['nan:0x012345', 0x7f812345],
  ['inf', 0x7f800000], ['-inf', 0xff800000],
  ['0x0.0p0', 0], ['-0x0.0p0', 0x80000000], ['0x1.921fb6p+2', 0x40c90fdb],
  ['0x1p-149', 1], ['0x1p-126', 0x800000], ['0x1.fffffep+127', 0x7f7fffff],
  ['0x1.fffffcp-127', 0x7fffff], ['0x1.p10', 0x44800000], ['0x12345', 0x4791a280],
  ['0x1_0000_0000_0000_0000_0000', 0x67800000], ['-0x8000_0000', 0xcf000000],
  ['6.28318548202514648', 0x40c90fdb], ['1.4013e-45', 1], ['1.1754944e-38', 0x800000],
  ['1.1754942e-38', 0x7fffff], ['3.4028234e+38', 0x7f7fffff], ['1.e10', 0x501502f9],
  ['100_000_000_000_000_000_000', 0x60ad78ec], ['-9223372036854775808', 0xdf000000],
  ['1.000000119', 0x3f800001],
  // Ties and near-ties from const.wast, where rounding through f64 goes wrong.
  ['+0x1.00000100000000001p-50', 0x26800001], ['+0x1.000002fffffffffffp-50', 0x26800001],
  ['+0x1.000003p-50', 0x26800002], ['+0x1.000005p-50', 0x26800002],
  ['+0x1.00000500000000001p-50', 0x26800003], ['+1.000000059604644775390625', 0x3f800000],
  ['+1.00000005960464477539062500000000000001', 0x3f800001],
  ['0x1.fffffefffffffffffp127', 0x7f7fffff], ['0x0.00000100000000000p-126', 0],
  ['0x0.00000100000000001p-126', 1], ['+0x0.00000300000000000p-126', 2],
  ['1e-46', 0],
];

const F64_CASES: [string, bigint][] = [
  ['nan', 0x7ff8000000000000n], ['-nan', 0xfff8000000000000n],
  ['nan:0x4000000000000', 0x7ff4000000000000n], ['-nan:0xfffffffffffff', 0xffffffffffffffffn],
  ['inf', 0x7ff0000000000000n], ['-0x0.0p0', 0x8000000000000000n],
  ['0x1.921fb54442d18p+2', 0x401921fb54442d18n], ['0x0.0000000000001p-1022', 1n],
  ['0x1p-1022', 0x0010000000000000n], ['0x1.fffffffffffffp+1023', 0x7fefffffffffffffn],
  ['0x1.p100', 0x4630000000000000n], ['4.94066e-324', 1n], ['2.2250738585072012e-308', 0x0010000000000000n],
  ['1.7976931348623157e+308', 0x7fefffffffffffffn],
  ['100_000_000_000_000_000_000', 0x4415af1d78b58c40n],
  ['+0x1.000000000000080000000000001p-600', 0x1a70000000000001n],
  ['0x1.fffffffffffff7ffffffp1023', 0x7fefffffffffffffn],
];

describe('float literals', () => {
  it('gives the spec bit patterns for f32', () => {
    for (const [t, bits] of F32_CASES) expect(parseF32Bits(t).toString(16), t).toBe(bits.toString(16));
  });

  it('gives the spec bit patterns for f64', () => {
    for (const [t, bits] of F64_CASES) expect(parseF64Bits(t).toString(16), t).toBe(bits.toString(16));
  });

  it('rejects literals that overflow or are malformed', () => {
    for (const t of ['0x1p128', '-0x1.fffffffp127', '1e39', '.5', '1e', '1.5e+', '0x1p', 'nan:0x0', 'nan:0x800000', '1__0.0', 'infinity', '0x1.ffffffp127']) {
      expect(() => parseF32Bits(t), t).toThrow();
    }
    for (const t of ['0x1p1024', '1e309', 'nan:0x10000000000000']) expect(() => parseF64Bits(t), t).toThrow();
  });

  it('agrees with JS number parsing for decimal f64 (which is correctly rounded)', () => {
    let seed = 12345;
    const rnd = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
    for (let i = 0; i < 2000; i++) {
      const digits = String(Math.floor(rnd() * 1e15)).padStart(15, '0');
      const text = `${digits.slice(0, 1 + Math.floor(rnd() * 5))}.${digits.slice(6)}e${Math.floor(rnd() * 640) - 330}`;
      if (!Number.isFinite(Number(text))) continue;
      expect(parseF64Bits(text), text).toBe(f64ToBits(Number(text)));
    }
  });
});

// Native WebAssembly (through a module made by wabt) as an independent oracle for f32.
// wabt itself misrounds long hex mantissas in the subnormal range (e.g.
// 0x1.3bab2a003bab2a00p-127 must round up), so hex cases here stay short.
describe('f32 literals against native WebAssembly', () => {
  let native: ((lits: string[]) => number[]) | undefined;
  beforeAll(async () => {
    const wabt = await (await import('wabt')).default();
    native = (lits) => {
      const funcs = lits.map((l, i) => `(func (export "f${i}") (result i32) (i32.reinterpret_f32 (f32.const ${l})))`);
      const m = wabt.parseWat('t.wat', `(module ${funcs.join('\n')})`);
      const bin = m.toBinary({}).buffer;
      m.destroy();
      const inst = new WebAssembly.Instance(new WebAssembly.Module(bin)).exports as Record<string, () => number>;
      return lits.map((_, i) => inst[`f${i}`]() >>> 0);
    };
  });

  it('matches on random decimal and hex literals', () => {
    let seed = 777;
    const rnd = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
    const lits: string[] = [];
    for (let i = 0; i < 1500; i++) {
      const d = String(Math.floor(rnd() * 1e12)).padStart(12, '0');
      lits.push(`${d.slice(0, 1 + Math.floor(rnd() * 4))}.${d.slice(4)}e${Math.floor(rnd() * 80) - 45}`);
      const h = Math.floor(rnd() * 2 ** 31).toString(16);
      lits.push(`0x1.${h.slice(0, 6)}p${Math.floor(rnd() * 277) - 150}`);
    }
    const expected = native!(lits);
    lits.forEach((l, i) => expect(parseF32Bits(l).toString(16), l).toBe(expected[i].toString(16)));
  });
});

// Every `(f32|f64.const X)` module result in const.wast paired with its expectation.
const constWast = resolve(TESTSUITE_DIR, 'const.wast');
describe.skipIf(!existsSync(constWast))('const.wast rounding cases', () => {
  it('rounds each literal to the expected value', () => {
    const text = readFileSync(constWast, 'utf8');
    const re = /\(module \(func \(export "f"\) \(result (f32|f64)\) \(\1\.const ([^)]+)\)\)\)\s*\(assert_return \(invoke "f"\) \(\1\.const ([^)]+)\)\)/g;
    let n = 0;
    for (const m of text.matchAll(re)) {
      const parse = m[1] === 'f32' ? parseF32Bits : parseF64Bits;
      expect(parse(m[2]), m[2]).toBe(parse(m[3]));
      n++;
    }
    expect(n).toBeGreaterThan(200);
  });
});

describe('exact float spellings', () => {
  it('round-trip through our parser and through wabt + native WebAssembly', async () => {
    const { f32ExactText, f64ExactText } = await import('./literals.js');
    const wabt = await (await import('wabt')).default();
    let seed = 99;
    const rnd32 = () => {
      seed = (seed * 1103515245 + 12345) % 2 ** 31;
      return (seed * 2 + (seed & 1)) >>> 0;
    };
    const f32s: number[] = [0, 1, 0x7fffff, 0x800000, 0x7f7fffff, 0x80000001, 0x7f800000, 0x7fa00001, 0xffc00000];
    const f64s: bigint[] = [0n, 1n, 0x000fffffffffffffn, 0x7fefffffffffffffn, 0x8000000000000001n, 0x7ff4000000000001n];
    for (let i = 0; i < 300; i++) {
      f32s.push(rnd32());
      f64s.push((BigInt(rnd32()) << 32n) | BigInt(rnd32()));
    }
    for (const b of f32s) expect(parseF32Bits(f32ExactText(b)), f32ExactText(b)).toBe(b);
    for (const b of f64s) expect(parseF64Bits(f64ExactText(b)), f64ExactText(b)).toBe(b);
    const funcs = [
      ...f32s.map((b, i) => `(func (export "a${i}") (result i32) (i32.reinterpret_f32 (f32.const ${f32ExactText(b)})))`),
      ...f64s.map((b, i) => `(func (export "b${i}") (result i64) (i64.reinterpret_f64 (f64.const ${f64ExactText(b)})))`),
    ];
    const m = wabt.parseWat('t.wat', `(module ${funcs.join('\n')})`);
    const bin = m.toBinary({}).buffer;
    m.destroy();
    const ex = new WebAssembly.Instance(new WebAssembly.Module(bin)).exports as Record<string, () => number | bigint>;
    f32s.forEach((b, i) => expect((ex[`a${i}`]() as number) >>> 0).toBe(b));
    f64s.forEach((b, i) => expect(BigInt.asUintN(64, ex[`b${i}`]() as bigint)).toBe(b));
  });
});
