import { describe, expect, it } from 'vitest';
import { Reader, decodeUtf8 } from './reader.js';
import { CompileError } from '../runtime/index.js';

const r = (...bytes: number[]) => new Reader(new Uint8Array(bytes));

function fails(f: () => unknown, message: string): void {
  let err: unknown;
  try {
    f();
  } catch (e) {
    err = e;
  }
  expect(err).toBeInstanceOf(CompileError);
  expect((err as Error).message).toContain(message);
  expect(typeof (err as { offset?: unknown }).offset).toBe('number');
}

describe('u32', () => {
  it('reads minimal and padded encodings', () => {
    expect(r(0x00).u32()).toBe(0);
    expect(r(0x7f).u32()).toBe(127);
    expect(r(0x80, 0x01).u32()).toBe(128);
    expect(r(0x80, 0x80, 0x80, 0x80, 0x00).u32()).toBe(0); // overlong but within 5 bytes
    expect(r(0xff, 0xff, 0xff, 0xff, 0x0f).u32()).toBe(0xffffffff);
    expect(r(0xe5, 0x8e, 0x26).u32()).toBe(624485);
  });
  it('rejects a sixth byte and unused bits', () => {
    fails(() => r(0x80, 0x80, 0x80, 0x80, 0x80, 0x00).u32(), 'integer representation too long');
    fails(() => r(0xff, 0xff, 0xff, 0xff, 0x1f).u32(), 'integer too large');
    fails(() => r(0x80, 0x80, 0x80, 0x80, 0x70).u32(), 'integer too large');
    fails(() => r(0x80, 0x80).u32(), 'unexpected end');
  });
  it('advances exactly over the encoding', () => {
    const rd = r(0x80, 0x01, 0x05);
    rd.u32();
    expect(rd.pos).toBe(2);
    expect(rd.u32()).toBe(5);
  });
});

describe('s32', () => {
  it('sign-extends', () => {
    expect(r(0x7f).s32()).toBe(-1);
    expect(r(0x3f).s32()).toBe(63);
    expect(r(0x40).s32()).toBe(-64);
    expect(r(0xff, 0x7f).s32()).toBe(-1);
    expect(r(0x80, 0x80, 0x80, 0x80, 0x78).s32()).toBe(-2147483648);
    expect(r(0xff, 0xff, 0xff, 0xff, 0x07).s32()).toBe(2147483647);
    expect(r(0xff, 0xff, 0xff, 0xff, 0x7f).s32()).toBe(-1);
  });
  it('requires the unused bits of the fifth byte to match the sign', () => {
    fails(() => r(0xff, 0xff, 0xff, 0xff, 0x0f).s32(), 'integer too large');
    fails(() => r(0x80, 0x80, 0x80, 0x80, 0x70).s32(), 'integer too large');
    fails(() => r(0xff, 0xff, 0xff, 0xff, 0xff, 0x7f).s32(), 'integer representation too long');
  });
});

describe('s33', () => {
  it('covers the 33-bit range', () => {
    expect(r(0x40).s33()).toBe(-64);
    expect(r(0x05).s33()).toBe(5);
    expect(r(0xff, 0xff, 0xff, 0xff, 0x0f).s33()).toBe(0xffffffff);
    expect(r(0x80, 0x80, 0x80, 0x80, 0x70).s33()).toBe(-0x100000000);
    fails(() => r(0xff, 0xff, 0xff, 0xff, 0x1f).s33(), 'integer too large');
  });
});

describe('s64', () => {
  it('reads short and long encodings', () => {
    expect(r(0x7f).s64()).toBe(-1n);
    expect(r(0xff, 0xff, 0xff, 0xff, 0x07).s64()).toBe(0x7fffffffn);
    expect(r(0x80, 0x80, 0x80, 0x80, 0x08).s64()).toBe(0x80000000n);
    expect(r(0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x00).s64()).toBe(0x7fffffffffffffffn);
    expect(r(0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x7f).s64()).toBe(-0x8000000000000000n);
    expect(r(0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x00).s64()).toBe(0n);
    expect(r(0xc0, 0xbb, 0x78).s64()).toBe(-123456n);
  });
  it('rejects unused bits and an eleventh byte', () => {
    fails(() => r(0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x01).s64(), 'integer too large');
    fails(() => r(0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x70).s64(), 'integer too large');
    fails(() => r(0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x7f).s64(), 'integer representation too long');
  });
});

describe('u64', () => {
  it('reads up to ten bytes with one value bit in the last', () => {
    expect(r(0x82, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x00).u64()).toBe(2);
    expect(r(0x80, 0x80, 0x80, 0x80, 0x10).u64()).toBe(2 ** 32);
    fails(() => r(0x82, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x70).u64(), 'integer too large');
    fails(() => r(0x82, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x00).u64(), 'integer representation too long');
  });
});

describe('floats', () => {
  it('reads raw little-endian bits', () => {
    expect(r(0x00, 0x00, 0xc0, 0x7f).f32Bits()).toBe(0x7fc00000);
    expect(r(0x01, 0x00, 0x00, 0x00, 0x00, 0x00, 0xf8, 0xff).f64Bits()).toBe(0xfff8000000000001n);
    fails(() => r(0x00, 0x00, 0x80).f32Bits(), 'unexpected end');
  });
});

describe('names', () => {
  const name = (...bytes: number[]) => r(bytes.length, ...bytes).name();
  it('decodes valid UTF-8', () => {
    expect(name(0x61, 0x62)).toBe('ab');
    expect(name(0xc3, 0xa9)).toBe('é');
    expect(name(0xef, 0xbb, 0xbf)).toBe('\ufeff'); // a BOM is an ordinary character
    expect(name(0xf4, 0x8f, 0xbf, 0xbf)).toBe('\u{10ffff}');
    expect(name()).toBe('');
  });
  it('rejects overlong forms, surrogates, out-of-range and truncated sequences', () => {
    for (const bad of [
      [0x80],
      [0xc0, 0x80],
      [0xc1, 0xbf],
      [0xe0, 0x9f, 0xbf],
      [0xed, 0xa0, 0x80],
      [0xf0, 0x8f, 0xbf, 0xbf],
      [0xf4, 0x90, 0x80, 0x80],
      [0xf5, 0x80, 0x80, 0x80],
      [0xff],
      [0xc3],
      [0xe2, 0x82],
      [0xe2, 0x28, 0xa1],
    ]) {
      fails(() => name(...bad), 'malformed UTF-8 encoding');
    }
  });
  it('bounds the length by the input', () => {
    fails(() => r(0x05, 0x61).name(), 'length out of bounds');
  });
  it('decodes long non-ASCII names', () => {
    const s = 'ünïcödé-'.repeat(20);
    const bytes = new TextEncoder().encode(s);
    expect(decodeUtf8(bytes, 0, bytes.length)).toBe(s);
  });
});
