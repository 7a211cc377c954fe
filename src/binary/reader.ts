// A cursor over the bytes of a module: fixed-size integers, LEB128 in the exact
// forms the binary format allows, raw float bits, and UTF-8 names.
//
// Every failure is a CompileError with the offset of the offending byte; the
// messages follow the reference interpreter's wording (binary.wast,
// binary-leb128.wast, utf8-*.wast check them).
//
// The methods are written out without helpers or closures because they run once
// per immediate of every instruction of every function: keep them small enough to
// inline and free of allocation (only `s64` / `f64Bits` create a BigInt).

import { compileError } from '../errors.js';

/** Shared by every name: the bytes are validated first, so a lenient decoder is fine. */
const utf8 = new TextDecoder('utf-8', { ignoreBOM: true });

export class Reader {
  readonly buf: Uint8Array;
  pos: number;
  /** Reads must stay below `end` (exclusive). */
  end: number;
  /**
   * Message for running past `end`. The interpreter says "unexpected end" for the
   * module header and section headers and "unexpected end of section or function"
   * inside a section; the decoder switches between the two.
   */
  eofMessage = 'unexpected end';

  constructor(buf: Uint8Array, pos = 0, end = buf.length) {
    this.buf = buf;
    this.pos = pos;
    this.end = end;
  }

  get remaining(): number {
    return this.end - this.pos;
  }

  eof(): boolean {
    return this.pos >= this.end;
  }

  /** The error for reading past `end`, at the position of the missing byte. */
  eofError(at: number = this.end): Error {
    return compileError(at, this.eofMessage);
  }

  u8(): number {
    if (this.pos >= this.end) throw this.eofError();
    return this.buf[this.pos++];
  }

  peekU8(): number {
    if (this.pos >= this.end) throw this.eofError();
    return this.buf[this.pos];
  }

  /**
   * Unsigned 32-bit LEB128: at most 5 bytes, and the fifth may only carry the
   * top 4 bits of the value.
   */
  u32(): number {
    const buf = this.buf;
    const end = this.end;
    let pos = this.pos;
    if (pos >= end) throw this.eofError();
    let b = buf[pos++];
    if (b < 0x80) {
      this.pos = pos;
      return b;
    }
    let result = b & 0x7f;
    for (let shift = 7; ; shift += 7) {
      if (pos >= end) throw this.eofError();
      b = buf[pos++];
      if (shift === 28) {
        // Fifth byte: bits beyond bit 31 must be zero, and no sixth byte.
        if ((b & 0x70) !== 0) throw compileError(pos - 1, 'integer too large');
        if (b & 0x80) throw compileError(pos, 'integer representation too long');
        this.pos = pos;
        return (result | (b << 28)) >>> 0;
      }
      result |= (b & 0x7f) << shift;
      if (b < 0x80) {
        this.pos = pos;
        return result;
      }
    }
  }

  /**
   * Unsigned 64-bit LEB128 (limits and memory offsets, which are u64 in Wasm
   * 3.0) as a double: exact up to 2^53, which is all any check needs (the
   * validator compares against 2^16 pages or 2^32 - 1).
   */
  u64(): number {
    const buf = this.buf;
    const end = this.end;
    let pos = this.pos;
    let result = 0;
    let scale = 1;
    for (let i = 0; ; i++) {
      if (i === 10) throw compileError(pos, 'integer representation too long');
      if (pos >= end) throw this.eofError();
      const b = buf[pos++];
      // Tenth byte: only bit 0 is left of the 64 bits.
      if (i === 9 && (b & 0x7e) !== 0) throw compileError(pos - 1, 'integer too large');
      result += (b & 0x7f) * scale;
      if (b < 0x80) {
        this.pos = pos;
        return result;
      }
      scale *= 128;
    }
  }

  /** Signed 32-bit LEB128: the unused bits of a fifth byte must repeat the sign bit. */
  s32(): number {
    const buf = this.buf;
    const end = this.end;
    let pos = this.pos;
    let result = 0;
    for (let shift = 0; ; shift += 7) {
      if (pos >= end) throw this.eofError();
      const b = buf[pos++];
      if (shift === 28) {
        // Bits 3..6 of the fifth byte lie beyond bit 31: all equal to bit 3 (the sign).
        const extra = b & 0x78;
        if (extra !== 0 && extra !== 0x78) throw compileError(pos - 1, 'integer too large');
        if (b & 0x80) throw compileError(pos, 'integer representation too long');
        this.pos = pos;
        return result | (b << 28);
      }
      result |= (b & 0x7f) << shift;
      if (b < 0x80) {
        this.pos = pos;
        const bits = shift + 7; // at most 28: sign-extend from there
        return (result << (32 - bits)) >> (32 - bits);
      }
    }
  }

  /**
   * Signed 33-bit LEB128 (block types). Returned as a double: the range is
   * [-2^32, 2^32 - 1], exactly representable.
   */
  s33(): number {
    const buf = this.buf;
    const end = this.end;
    let pos = this.pos;
    let result = 0;
    for (let shift = 0; ; shift += 7) {
      if (pos >= end) throw this.eofError();
      const b = buf[pos++];
      if (shift === 28) {
        // Fifth byte: bit 4 is the sign of the 33-bit value; bits 4..6 must agree.
        const extra = b & 0x70;
        if (extra !== 0 && extra !== 0x70) throw compileError(pos - 1, 'integer too large');
        if (b & 0x80) throw compileError(pos, 'integer representation too long');
        this.pos = pos;
        // result holds bits 0..27 (non-negative); add bits 28..32 with bit 32 negative.
        return result + (b & 0x0f) * 0x10000000 - (b & 0x10 ? 0x100000000 : 0);
      }
      result |= (b & 0x7f) << shift;
      if (b < 0x80) {
        this.pos = pos;
        const bits = shift + 7;
        return (result << (32 - bits)) >> (32 - bits);
      }
    }
  }

  /** Signed 64-bit LEB128 as a BigInt in [-2^63, 2^63). */
  s64(): bigint {
    const buf = this.buf;
    const end = this.end;
    let pos = this.pos;
    // Fast path: up to four bytes fit a 28-bit int, the common case for constants.
    let small = 0;
    for (let shift = 0; shift < 28; shift += 7) {
      if (pos >= end) throw this.eofError();
      const b = buf[pos++];
      small |= (b & 0x7f) << shift;
      if (b < 0x80) {
        this.pos = pos;
        const bits = shift + 7;
        return BigInt((small << (32 - bits)) >> (32 - bits));
      }
    }
    // General path: three 28-bit chunks (bytes 0-3, 4-7, 8-9).
    pos = this.pos;
    let c0 = 0;
    let c1 = 0;
    let c2 = 0;
    for (let i = 0; ; i++) {
      if (i === 10) throw compileError(pos, 'integer representation too long');
      if (pos >= end) throw this.eofError();
      const b = buf[pos++];
      const v = b & 0x7f;
      if (i < 4) c0 |= v << (7 * i);
      else if (i < 8) c1 |= v << (7 * (i - 4));
      else c2 |= v << (7 * (i - 8));
      if (i === 9 && v !== 0 && v !== 0x7f) {
        // Tenth byte: only bit 0 is a value bit; the rest must repeat the sign.
        throw compileError(pos - 1, 'integer too large');
      }
      if (b < 0x80) {
        this.pos = pos;
        const raw = BigInt(c0) | (BigInt(c1) << 28n) | (BigInt(c2) << 56n);
        const bits = i === 9 ? 64 : 7 * (i + 1);
        return BigInt.asIntN(bits, raw);
      }
    }
  }

  /** Four little-endian bytes as an unsigned 32-bit number (f32 bits). */
  f32Bits(): number {
    const pos = this.pos;
    if (this.end - pos < 4) throw this.eofError();
    const buf = this.buf;
    this.pos = pos + 4;
    return (buf[pos] | (buf[pos + 1] << 8) | (buf[pos + 2] << 16) | (buf[pos + 3] << 24)) >>> 0;
  }

  /** Eight little-endian bytes as an unsigned 64-bit BigInt (f64 bits). */
  f64Bits(): bigint {
    const pos = this.pos;
    if (this.end - pos < 8) throw this.eofError();
    const buf = this.buf;
    this.pos = pos + 8;
    const lo = (buf[pos] | (buf[pos + 1] << 8) | (buf[pos + 2] << 16) | (buf[pos + 3] << 24)) >>> 0;
    const hi = (buf[pos + 4] | (buf[pos + 5] << 8) | (buf[pos + 6] << 16) | (buf[pos + 7] << 24)) >>> 0;
    return (BigInt(hi) << 32n) | BigInt(lo);
  }

  /**
   * A u32 length that must fit in the remaining bytes (section sizes, byte
   * vectors, names, body sizes): "length out of bounds" otherwise, so nothing
   * is ever allocated for a length the input cannot back.
   */
  len(): number {
    const at = this.pos;
    const n = this.u32();
    if (n > this.end - this.pos) throw compileError(at, 'length out of bounds');
    return n;
  }

  /**
   * A u32 element count of a vector whose elements take at least one byte each:
   * a count above the remaining bytes can only end in running out of input, so
   * report that now, before anyone allocates for it.
   */
  count(): number {
    const n = this.u32();
    if (n > this.end - this.pos) throw this.eofError();
    return n;
  }

  /** `n` raw bytes (a view, not a copy). */
  bytes(n: number): Uint8Array {
    const pos = this.pos;
    if (n > this.end - pos) throw this.eofError();
    this.pos = pos + n;
    return this.buf.subarray(pos, pos + n);
  }

  /** A name: a length-prefixed UTF-8 string, rejected unless well-formed. */
  name(): string {
    const n = this.len();
    const start = this.pos;
    this.pos = start + n;
    return decodeUtf8(this.buf, start, start + n);
  }
}

/**
 * Decodes bytes [start, end) as strict UTF-8 (no overlong forms, no surrogates,
 * nothing above U+10FFFF, no truncated sequences), or throws "malformed UTF-8
 * encoding" at the first bad byte.
 */
export function decodeUtf8(buf: Uint8Array, start: number, end: number): string {
  let ascii = true;
  let i = start;
  while (i < end) {
    const b = buf[i];
    if (b < 0x80) {
      i++;
      continue;
    }
    ascii = false;
    let need: number;
    // Allowed range of the second byte (tightened for E0, ED, F0, F4, which is
    // how overlong forms, surrogates and values beyond U+10FFFF are excluded).
    let lo = 0x80;
    let hi = 0xbf;
    if (b >= 0xc2 && b <= 0xdf) need = 1;
    else if (b >= 0xe0 && b <= 0xef) {
      need = 2;
      if (b === 0xe0) lo = 0xa0;
      else if (b === 0xed) hi = 0x9f;
    } else if (b >= 0xf0 && b <= 0xf4) {
      need = 3;
      if (b === 0xf0) lo = 0x90;
      else if (b === 0xf4) hi = 0x8f;
    } else throw compileError(i, 'malformed UTF-8 encoding');
    if (end - i <= need) throw compileError(i, 'malformed UTF-8 encoding');
    const b1 = buf[i + 1];
    if (b1 < lo || b1 > hi) throw compileError(i + 1, 'malformed UTF-8 encoding');
    for (let k = 2; k <= need; k++) {
      const c = buf[i + k];
      if (c < 0x80 || c > 0xbf) throw compileError(i + k, 'malformed UTF-8 encoding');
    }
    i += need + 1;
  }
  if (ascii && end - start < 64) {
    // Short ASCII names (nearly all of them): no decoder round trip.
    let s = '';
    for (let k = start; k < end; k++) s += String.fromCharCode(buf[k]);
    return s;
  }
  return utf8.decode(buf.subarray(start, end));
}
