// Helpers of SIMD lanes (codegen/simd*.ts) where one JS expression over int32
// lanes would be long: 64-bit lanes held as two int32 halves (multiplication,
// shifts), the high word of a 32x32 product, float min/max with the spec's
// NaN results, and a dynamic byte select (swizzle). Everything else is inline.
//
// Self-contained factory: see errors.ts.

export function defineSimd(_g: any, _rt: any) {
  /** High 32 bits of the unsigned 64-bit product of two uint32 (as int32). */
  function simdUmulh(a: number, b: number): number {
    a >>>= 0;
    b >>>= 0;
    const al = a & 0xffff, ah = a >>> 16, bl = b & 0xffff, bh = b >>> 16;
    const lh = al * bh, hl = ah * bl;
    const mid = ((al * bl) >>> 16) + (lh & 0xffff) + (hl & 0xffff);
    return (ah * bh + (lh >>> 16) + (hl >>> 16) + (mid >>> 16)) | 0;
  }
  /** High 32 bits of the signed 64-bit product of two int32. */
  function simdSmulh(a: number, b: number): number {
    return (simdUmulh(a, b) - (a < 0 ? b : 0) - (b < 0 ? a : 0)) | 0;
  }
  /** High word of the (wrapping) product of two i64 given as halves. */
  function simdMulHi(alo: number, ahi: number, blo: number, bhi: number): number {
    return (simdUmulh(alo, blo) + Math.imul(alo, bhi) + Math.imul(ahi, blo)) | 0;
  }
  // Shifts of an i64 given as halves, by n mod 64: each returns one half.
  function simdShlLo(lo: number, _hi: number, n: number): number {
    n &= 63;
    return n < 32 ? lo << n : 0;
  }
  function simdShlHi(lo: number, hi: number, n: number): number {
    n &= 63;
    if (n === 0) return hi;
    return n < 32 ? (hi << n) | (lo >>> (32 - n)) : lo << (n - 32);
  }
  function simdShrLo(lo: number, hi: number, n: number, signed: boolean): number {
    n &= 63;
    if (n === 0) return lo;
    if (n < 32) return (lo >>> n) | (hi << (32 - n));
    return signed ? hi >> (n - 32) : (hi >>> (n - 32)) | 0;
  }
  function simdShrHi(_lo: number, hi: number, n: number, signed: boolean): number {
    n &= 63;
    if (n < 32) return signed ? hi >> n : (hi >>> n) | 0;
    return signed ? hi >> 31 : 0;
  }
  /**
   * min / max of two floats (f32 lanes are exact f32 values): a NaN operand
   * gives the canonical NaN (the spec allows any arithmetic NaN; Math.min may
   * hand back a signaling one unchanged), and -0 < +0.
   */
  function simdFMin(a: number, b: number): number {
    return a !== a || b !== b ? NaN : Math.min(a, b);
  }
  function simdFMax(a: number, b: number): number {
    return a !== a || b !== b ? NaN : Math.max(a, b);
  }
  /** Byte `i` (0..15, else 0) of the v128 whose int32 lanes are w0..w3 (swizzle). */
  function simdByte(w0: number, w1: number, w2: number, w3: number, i: number): number {
    i &= 255;
    if (i > 15) return 0;
    const w = i < 8 ? (i < 4 ? w0 : w1) : i < 12 ? w2 : w3;
    return (w >> ((i & 3) << 3)) & 255;
  }

  return { simdUmulh, simdSmulh, simdMulHi, simdShlLo, simdShlHi, simdShrLo, simdShrHi, simdFMin, simdFMax, simdByte };
}
