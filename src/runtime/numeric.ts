// Numeric helpers that compiled code calls where one JS expression can't express
// the Wasm operator exactly (traps, unsigned 64-bit, NaN payloads, correct rounding).
// Hot simple operators (add, imul, shifts, fround, ...) are inlined by the code
// generator instead.
//
// Self-contained factory: see errors.ts.

export function defineNumeric(_g: any, rt: any) {
  const trap = rt.trap as (msg: string) => never;
  // Scratch views over one 8-byte buffer, for bit reinterpretation.
  const scratch = new ArrayBuffer(8);
  const sF32 = new Float32Array(scratch);
  const sF64 = new Float64Array(scratch);
  const sU32 = new Uint32Array(scratch);
  const sB64 = new BigInt64Array(scratch);
  const I64_MIN = -(2n ** 63n);
  const I64_MAX = 2n ** 63n - 1n;
  const asIntN = BigInt.asIntN;
  const asUintN = BigInt.asUintN;

  // An f32 value lives in a JS Number. Ordinary values are exact doubles. A NaN keeps
  // its 23 payload bits in the top of the double's 52-bit mantissa, WITHOUT going
  // through the hardware float->double conversion (which would set the quiet bit of
  // a signaling NaN): that is what keeps f32 NaN bits exact through loads, stores,
  // reinterpretation, neg/abs/copysign and plain moves.
  function f32FromBits(b: number): number {
    b >>>= 0;
    if ((b & 0x7f800000) === 0x7f800000 && (b & 0x7fffff) !== 0) {
      sU32[1] = (b & 0x80000000) | 0x7ff00000 | ((b & 0x7fffff) >>> 3);
      sU32[0] = (b & 7) << 29;
      return sF64[0];
    }
    sU32[0] = b;
    return sF32[0];
  }
  function f32ToBits(x: number): number {
    if (x !== x) {
      sF64[0] = x;
      const hi = sU32[1], lo = sU32[0];
      let m = ((hi & 0xfffff) << 3) | (lo >>> 29);
      // A NaN made by JS arithmetic may carry its payload only in the low bits.
      if (m === 0) m = 0x400000;
      return ((hi & 0x80000000) | 0x7f800000 | m) >>> 0;
    }
    sF32[0] = x;
    return sU32[0];
  }
  function f64FromBits(b: bigint): number {
    sB64[0] = asIntN(64, b);
    return sF64[0];
  }
  function f64ToBits(x: number): bigint {
    sF64[0] = x;
    return sB64[0];
  }

  // ---- i32 ----
  function i32DivS(a: number, b: number): number {
    if (b === 0) trap('integer divide by zero');
    if (a === -2147483648 && b === -1) trap('integer overflow');
    return (a / b) | 0;
  }
  function i32DivU(a: number, b: number): number {
    if (b === 0) trap('integer divide by zero');
    return ((a >>> 0) / (b >>> 0)) | 0;
  }
  function i32RemS(a: number, b: number): number {
    if (b === 0) trap('integer divide by zero');
    return a % b | 0;
  }
  function i32RemU(a: number, b: number): number {
    if (b === 0) trap('integer divide by zero');
    return ((a >>> 0) % (b >>> 0)) | 0;
  }
  function i32Ctz(a: number): number {
    return a === 0 ? 32 : 31 - Math.clz32(a & -a);
  }
  function f64PromoteF32(x: number): number {
    // A NaN comes out canonical (an arithmetic NaN, as the spec allows).
    return x === x ? x : NaN;
  }
  function i32Popcnt(a: number): number {
    a = a - ((a >>> 1) & 0x55555555);
    a = (a & 0x33333333) + ((a >>> 2) & 0x33333333);
    return (Math.imul((a + (a >>> 4)) & 0x0f0f0f0f, 0x01010101) >>> 24) | 0;
  }

  // ---- i64 (signed BigInt in [-2^63, 2^63)) ----
  function i64DivS(a: bigint, b: bigint): bigint {
    if (b === 0n) trap('integer divide by zero');
    if (a === I64_MIN && b === -1n) trap('integer overflow');
    return a / b;
  }
  // Unsigned division without asUintN: V8 (Node 20) divides BigInts in its
  // runtime either way, but `asUintN(64, a) / asUintN(64, b)` of a negative
  // (>= 2^63) operand was 2-3x slower than a signed division of the same
  // size (a loop of u64 divisions by 24-bit divisors, half the dividends
  // >= 2^63: 195-250 ns against 68-106 ns with the forms below). Operands
  // below 2^63 divide as they are; a divisor >= 2^63 gives 0 or 1; a dividend
  // >= 2^63 is halved first (one signed division), and the quotient doubled
  // and corrected by one: r = a - 2q'b < 2b.
  function u64Quotient(a: bigint, b: bigint): bigint {
    if (b < 0n) return asIntN(64, a ^ I64_MIN) >= asIntN(64, b ^ I64_MIN) ? 1n : 0n;
    const q = asIntN(64, (((a >> 1n) & I64_MAX) / b) << 1n);
    const r = asIntN(64, a - asIntN(64, q * b));
    return asIntN(64, r ^ I64_MIN) >= asIntN(64, b ^ I64_MIN) ? asIntN(64, q + 1n) : q;
  }
  function i64DivU(a: bigint, b: bigint): bigint {
    if (b === 0n) trap('integer divide by zero');
    if (a >= 0n && b > 0n) return a / b;
    return u64Quotient(a, b);
  }
  function i64RemS(a: bigint, b: bigint): bigint {
    if (b === 0n) trap('integer divide by zero');
    return a % b;
  }
  function i64RemU(a: bigint, b: bigint): bigint {
    if (b === 0n) trap('integer divide by zero');
    if (a >= 0n && b > 0n) return a % b;
    return asIntN(64, a - asIntN(64, u64Quotient(a, b) * b));
  }
  function i64Clz(a: bigint): bigint {
    const hi = Number(asIntN(32, a >> 32n));
    return BigInt(hi !== 0 ? Math.clz32(hi) : 32 + Math.clz32(Number(asIntN(32, a))));
  }
  function i64Ctz(a: bigint): bigint {
    const lo = Number(asIntN(32, a));
    return BigInt(lo !== 0 ? i32Ctz(lo) : 32 + i32Ctz(Number(asIntN(32, a >> 32n))));
  }
  function i64Popcnt(a: bigint): bigint {
    return BigInt(i32Popcnt(Number(asIntN(32, a))) + i32Popcnt(Number(asIntN(32, a >> 32n))));
  }

  // ---- floats ----
  function nearest(x: number): number {
    const r = Math.round(x);
    // ECMAScript lets Math.round return a NaN argument itself (V8 on Node 20
    // happens to quiet it: src/codegen/nan.test.ts); Wasm needs an arithmetic
    // NaN: quieted by the addition (not the constant NaN, which V8 makes
    // optimized code box: see codegen/numeric.ts, rounding).
    if (r !== r) return r + 0;
    // Math.round rounds halves up; Wasm rounds them to even.
    return r - x === 0.5 && r % 2 !== 0 ? r - 1 : r;
  }
  function f32Copysign(a: number, b: number): number {
    const ab = f32ToBits(a), bb = f32ToBits(b);
    return f32FromBits((ab & 0x7fffffff) | (bb & 0x80000000));
  }
  function f64Copysign(a: number, b: number): number {
    sF64[0] = b;
    const sign = sU32[1] & 0x80000000;
    sF64[0] = a;
    sU32[1] = (sU32[1] & 0x7fffffff) | sign;
    return sF64[0];
  }
  function f32ReinterpretI32(b: number): number {
    return f32FromBits(b);
  }
  function i32ReinterpretF32(x: number): number {
    return f32ToBits(x) | 0;
  }
  function f64ReinterpretI64(b: bigint): number {
    sB64[0] = b;
    return sF64[0];
  }
  function i64ReinterpretF64(x: number): bigint {
    sF64[0] = x;
    return sB64[0];
  }
  // i64 -> f32 must round once: BigInt -> Number rounds to double first, which can
  // double-round. Above 2^53 fold the dropped bits into a sticky bit.
  function f32ConvertI64S(a: bigint): number {
    if (a >= -(2n ** 53n) && a <= 2n ** 53n) return Math.fround(Number(a));
    const neg = a < 0n;
    let u = neg ? -a : a;
    return neg ? -f32FromU(u) : f32FromU(u);
  }
  function f32ConvertI64U(a: bigint): number {
    const u = asUintN(64, a);
    if (u <= 2n ** 53n) return Math.fround(Number(u));
    return f32FromU(u);
  }
  function f32FromU(u: bigint): number {
    // Keep the top 32 bits (exact in a double) and OR every dropped bit into the
    // lowest kept one: a single rounding to 24 bits then decides as the full value would.
    const shift = u.toString(2).length - 32;
    let top = u >> BigInt(shift);
    if ((u & ((1n << BigInt(shift)) - 1n)) !== 0n) top |= 1n;
    return Math.fround(Number(top) * 2 ** shift);
  }

  // ---- float -> int, trapping ----
  function i32TruncS(x: number): number {
    if (x !== x) trap('invalid conversion to integer');
    if (!(x > -2147483649 && x < 2147483648)) trap('integer overflow');
    return x | 0;
  }
  function i32TruncU(x: number): number {
    if (x !== x) trap('invalid conversion to integer');
    if (!(x > -1 && x < 4294967296)) trap('integer overflow');
    return x | 0;
  }
  /**
   * The int64 (wrapped) of an integral double in (-2^64, 2^64), built from its
   * 32-bit halves: V8 on Node 20 lowers BigInt() of an int32 and the shift,
   * while BigInt() of a larger double is a runtime call (~15 ns against ~1.6).
   * Dividing by 2^32 is exact, so both halves are.
   */
  function i64FromIntegral(t: number): bigint {
    const hi = Math.floor(t / 4294967296);
    return BigInt.asIntN(64, (BigInt(hi | 0) << 32n) | BigInt((t - hi * 4294967296) >>> 0));
  }
  function i64TruncS(x: number): bigint {
    if (x !== x) trap('invalid conversion to integer');
    if (!(x >= -9223372036854775808 && x < 9223372036854775808)) trap('integer overflow');
    return i64FromIntegral(Math.trunc(x));
  }
  function i64TruncU(x: number): bigint {
    if (x !== x) trap('invalid conversion to integer');
    if (!(x > -1 && x < 18446744073709551616)) trap('integer overflow');
    return i64FromIntegral(Math.trunc(x));
  }
  // ---- float -> int, saturating ----
  function i32TruncSatS(x: number): number {
    if (x !== x) return 0;
    if (x <= -2147483648) return -2147483648;
    if (x >= 2147483647) return 2147483647;
    return x | 0;
  }
  function i32TruncSatU(x: number): number {
    if (x !== x || x <= 0) return 0;
    if (x >= 4294967295) return -1;
    return (x >>> 0) | 0;
  }
  function i64TruncSatS(x: number): bigint {
    if (x !== x) return 0n;
    if (x <= -9223372036854775808) return I64_MIN;
    if (x >= 9223372036854775808) return 2n ** 63n - 1n;
    return i64FromIntegral(Math.trunc(x));
  }
  function i64TruncSatU(x: number): bigint {
    if (x !== x || x <= 0) return 0n;
    if (x >= 18446744073709551616) return -1n;
    return i64FromIntegral(Math.trunc(x));
  }

  return {
    f32FromBits, f32ToBits, f64FromBits, f64ToBits,
    i32DivS, i32DivU, i32RemS, i32RemU, i32Ctz, i32Popcnt, f64PromoteF32,
    i64DivS, i64DivU, i64RemS, i64RemU, i64Clz, i64Ctz, i64Popcnt,
    nearest, f32Copysign, f64Copysign,
    f32ReinterpretI32, i32ReinterpretF32, f64ReinterpretI64, i64ReinterpretF64,
    f32ConvertI64S, f32ConvertI64U,
    i32TruncS, i32TruncU, i64TruncS, i64TruncU,
    i32TruncSatS, i32TruncSatU, i64TruncSatS, i64TruncSatU,
  };
}
