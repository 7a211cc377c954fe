// Exact parsing of the text format's numeric literals into bit patterns.
//
// Floats are converted through exact rational arithmetic on BigInts and rounded
// once, to nearest-even, directly into the target format. Going through a JS double
// first (parseFloat, then Math.fround) would round twice and get some f32 literals
// wrong, and JS has no hex-float parser at all.

export class LiteralError extends Error {}

function bad(text: string, what: string): never {
  throw new LiteralError(`invalid ${what} literal: ${text}`);
}

const DEC = /^[0-9](?:_?[0-9])*$/;
const HEX = /^[0-9a-fA-F](?:_?[0-9a-fA-F])*$/;

/** Splits off a leading sign. */
function sign(text: string): [negative: boolean, hasSign: boolean, rest: string] {
  if (text.startsWith('-')) return [true, true, text.slice(1)];
  if (text.startsWith('+')) return [false, true, text.slice(1)];
  return [false, false, text];
}

/**
 * Parses an unsigned decimal or 0x-hex natural number with optional underscores
 * (no sign: indices, limits, memarg offsets and alignments).
 */
export function parseNat(text: string): bigint | undefined {
  // Most indices and offsets are short decimals.
  if (text.length < 10 && /^[0-9]+$/.test(text)) return BigInt(Number(text));
  if (text.startsWith('0x')) {
    const h = text.slice(2);
    return HEX.test(h) ? BigInt('0x' + h.replace(/_/g, '')) : undefined;
  }
  return DEC.test(text) ? BigInt(text.replace(/_/g, '')) : undefined;
}

/**
 * Parses an iN literal and returns its bit pattern as an unsigned BigInt.
 * Unsigned forms may use the whole range [0, 2^N); signed forms must lie in
 * [-2^(N-1), 2^N) per the text format (a '+' or no sign both accept up to 2^N-1).
 */
export function parseIntBits(text: string, bits: 32 | 64): bigint {
  const [neg, , rest] = sign(text);
  const v = parseNat(rest);
  if (v === undefined) bad(text, `i${bits}`);
  const limit = 1n << BigInt(bits);
  if (neg) {
    if (v > limit >> 1n) bad(text, `i${bits}`);
    return BigInt.asUintN(bits, -v);
  }
  if (v >= limit) bad(text, `i${bits}`);
  return v;
}

/** i32 literal as the signed JS number the JS API uses for i32 values. */
export function parseI32(text: string): number {
  return Number(BigInt.asIntN(32, parseIntBits(text, 32)));
}

/** i64 literal as the signed BigInt the JS API uses for i64 values. */
export function parseI64(text: string): bigint {
  return BigInt.asIntN(64, parseIntBits(text, 64));
}

interface FloatFormat {
  /** Number of explicit mantissa bits. */
  mant: number;
  /** Number of exponent bits. */
  exp: number;
}

const F32: FloatFormat = { mant: 23, exp: 8 };
const F64: FloatFormat = { mant: 52, exp: 11 };

function bitLength(x: bigint): number {
  return x === 0n ? 0 : x.toString(2).length;
}

/**
 * Rounds the positive rational num/den to the nearest representable value of `fmt`
 * (ties to even) and returns the bits without sign; overflow gives infinity.
 */
function roundRational(num: bigint, den: bigint, fmt: FloatFormat): bigint {
  const bias = (1 << (fmt.exp - 1)) - 1;
  const emin = 1 - bias;
  const infBits = ((1n << BigInt(fmt.exp)) - 1n) << BigInt(fmt.mant);
  if (num === 0n) return 0n;
  // e = floor(log2(num/den)), first estimated from bit lengths, then corrected.
  let e = bitLength(num) - bitLength(den);
  const ge = (k: number): boolean => (k >= 0 ? num >= den << BigInt(k) : num << BigInt(-k) >= den);
  if (!ge(e)) e--;
  if (e > bias) return infBits;
  if (e < emin) e = emin; // subnormal range: fixed scale
  // significand = num/den * 2^(mant - e), rounded to an integer.
  const shift = fmt.mant - e;
  let n = num;
  let d = den;
  if (shift >= 0) n <<= BigInt(shift);
  else d <<= BigInt(-shift);
  let q = n / d;
  const r2 = (n % d) * 2n;
  if (r2 > d || (r2 === d && (q & 1n) === 1n)) q++;
  const hidden = 1n << BigInt(fmt.mant);
  if (q >= hidden << 1n) {
    // Rounding carried into a new binade.
    q >>= 1n;
    e++;
  }
  if (e > bias) return infBits;
  if (q < hidden) return q; // subnormal (or zero after rounding): exponent field 0
  return (BigInt(e + bias) << BigInt(fmt.mant)) | (q - hidden);
}

/** Parses the magnitude of a finite float literal into an exact rational. */
function parseRational(text: string): [bigint, bigint] | undefined {
  let m: RegExpMatchArray | null;
  if (text.startsWith('0x')) {
    m = /^0x([0-9a-fA-F](?:_?[0-9a-fA-F])*)?(?:\.((?:[0-9a-fA-F](?:_?[0-9a-fA-F])*)?))?(?:[pP]([+-]?[0-9](?:_?[0-9])*))?$/.exec(text);
    if (!m || m[1] === undefined) return undefined;
    const intPart = m[1].replace(/_/g, '');
    const frac = (m[2] ?? '').replace(/_/g, '');
    const exp = m[3] !== undefined ? Number(BigInt(m[3].replace(/_/g, ''))) : 0;
    const num = BigInt('0x' + intPart + (frac || '0'));
    const e2 = exp - 4 * (frac.length || 1);
    return scale(num, 2n, e2);
  }
  m = /^([0-9](?:_?[0-9])*)(?:\.((?:[0-9](?:_?[0-9])*)?))?(?:[eE]([+-]?[0-9](?:_?[0-9])*))?$/.exec(text);
  if (!m) return undefined;
  const intPart = m[1].replace(/_/g, '');
  const frac = (m[2] ?? '').replace(/_/g, '');
  const exp = m[3] !== undefined ? Number(BigInt(m[3].replace(/_/g, ''))) : 0;
  const num = BigInt(intPart + frac);
  return scale(num, 10n, exp - frac.length);
}

/** num * base^e as a rational, with huge exponents clamped (the result is 0 or inf anyway). */
function scale(num: bigint, base: bigint, e: number): [bigint, bigint] {
  if (num === 0n) return [0n, 1n];
  // Beyond these bounds every format over- or underflows regardless of the digits
  // (digit counts are bounded by the literal's length, which is small in practice).
  const limit = base === 2n ? 20000 : 6000;
  if (e > limit) e = limit;
  const digits = num.toString(base === 2n ? 2 : 10).length;
  if (e < -limit - digits) e = -limit - digits;
  return e >= 0 ? [num * base ** BigInt(e), 1n] : [num, base ** BigInt(-e)];
}

/** Marker results for the NaN patterns assert_return may expect. */
export type NanPattern = 'nan:canonical' | 'nan:arithmetic';

function parseFloatBits(text: string, fmt: FloatFormat, name: string): bigint {
  const [neg, , rest] = sign(text);
  const signBit = neg ? 1n << BigInt(fmt.mant + fmt.exp) : 0n;
  const expAll = ((1n << BigInt(fmt.exp)) - 1n) << BigInt(fmt.mant);
  if (rest === 'inf') return signBit | expAll;
  if (rest === 'nan') return signBit | expAll | (1n << BigInt(fmt.mant - 1));
  if (rest.startsWith('nan:0x')) {
    const h = rest.slice(6);
    if (!HEX.test(h)) bad(text, name);
    const payload = BigInt('0x' + h.replace(/_/g, ''));
    if (payload === 0n || payload >= 1n << BigInt(fmt.mant)) bad(text, name);
    return signBit | expAll | payload;
  }
  const r = parseRational(rest);
  if (!r) bad(text, name);
  const bits = roundRational(r[0], r[1], fmt);
  // The text format rejects literals that round to infinity.
  if (bits === expAll) bad(text, name);
  return signBit | bits;
}

/** f32 literal → its 32-bit pattern (as a non-negative number). */
export function parseF32Bits(text: string): number {
  return Number(parseFloatBits(text, F32, 'f32'));
}

/** f64 literal → its 64-bit pattern (as an unsigned BigInt). */
export function parseF64Bits(text: string): bigint {
  return parseFloatBits(text, F64, 'f64');
}

// Shared scratch views for reinterpreting f64 bits.
const f64 = new Float64Array(1);
const u64 = new BigUint64Array(f64.buffer);

export function f64FromBits(bits: bigint): number {
  u64[0] = bits;
  return f64[0];
}

export function f64ToBits(x: number): bigint {
  f64[0] = x;
  return u64[0];
}

/**
 * An f32 literal that denotes exactly `bits`, needing no rounding: an integer hex
 * significand with a binary exponent. Used to hand our (correctly rounded) reading
 * of a literal to a text parser whose own rounding is not always right.
 */
export function f32ExactText(bits: number): string {
  const sign = bits >>> 31 ? '-' : '';
  const e = (bits >>> 23) & 0xff;
  const m = bits & 0x7fffff;
  if (e === 0xff) return sign + (m === 0 ? 'inf' : `nan:0x${m.toString(16)}`);
  if (e === 0) return `${sign}0x${m.toString(16)}p-149`;
  return `${sign}0x${(m | 0x800000).toString(16)}p${e - 150}`;
}

/** The f64 counterpart of f32ExactText. */
export function f64ExactText(bits: bigint): string {
  const sign = bits >> 63n ? '-' : '';
  const e = Number((bits >> 52n) & 0x7ffn);
  const m = bits & 0xfffffffffffffn;
  if (e === 0x7ff) return sign + (m === 0n ? 'inf' : `nan:0x${m.toString(16)}`);
  if (e === 0) return `${sign}0x${m.toString(16)}p-1074`;
  return `${sign}0x${(m | (1n << 52n)).toString(16)}p${e - 1075}`;
}
