// Byte-level helpers shared by the malformed-input fuzzer and the extremes
// script: LEB128 in minimal and padded forms, a tolerant section splitter and
// a concatenating byte builder. Plain JS, no compiler imports, so both scripts
// can build and take apart modules without trusting the code under test.

/** Unsigned LEB128, minimal length. Works for any non-negative integer up to 2^53. */
export function uleb(n) {
  const out = [];
  do {
    let b = n % 128;
    n = Math.floor(n / 128);
    if (n) b |= 0x80;
    out.push(b);
  } while (n);
  return out;
}

/**
 * Unsigned LEB128 stretched to exactly `len` bytes with continuation bytes
 * (`len` must be at least the minimal length). Five bytes is the most a u32
 * may take, so `len` 5 stays valid and 6 or more must be rejected.
 */
export function ulebPadded(n, len) {
  const out = [];
  for (let k = 0; k < len; k++) {
    let b = n % 128;
    n = Math.floor(n / 128);
    if (k < len - 1) b |= 0x80;
    out.push(b);
  }
  return out;
}

/** Signed LEB128 of a number or a BigInt (i32 and i64 immediates). */
export function sleb(v) {
  // BigInt arithmetic covers both i32 (number) and i64 (bigint) immediates.
  let n = BigInt(v);
  const out = [];
  for (;;) {
    const b = Number(n & 0x7fn);
    n >>= 7n;
    if ((n === 0n && !(b & 0x40)) || (n === -1n && b & 0x40)) {
      out.push(b);
      return out;
    }
    out.push(b | 0x80);
  }
}

/**
 * Reads an unsigned LEB128 at `p` without checking its limits (the callers only
 * take apart modules they know or tolerate garbage). Returns [value, length];
 * length 0 when the bytes run out first.
 */
export function readUleb(b, p) {
  let v = 0;
  let scale = 1;
  for (let n = 0; p + n < b.length && n < 10; ) {
    const x = b[p + n++];
    v += (x & 0x7f) * scale;
    scale *= 128;
    if (!(x & 0x80)) return [v, n];
  }
  return [0, 0];
}

/** Concatenates byte arrays / number arrays into one Uint8Array. */
export function concat(parts) {
  let n = 0;
  for (const p of parts) n += p.length;
  const out = new Uint8Array(n);
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

export const HEADER = [0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00];

/** A section: id, then the payload's size, then the payload. */
export function section(id, payload) {
  return concat([[id], uleb(payload.length), payload]);
}

/**
 * Splits a module into its sections as far as their framing is intact.
 * Returns `{ sections: [{ id, at, payloadAt, payload }], tail }` where `tail`
 * holds whatever could not be framed (a truncated or garbage end).
 */
export function splitSections(bytes) {
  const sections = [];
  let p = 8;
  while (p < bytes.length) {
    const [size, n] = readUleb(bytes, p + 1);
    if (n === 0 || p + 1 + n + size > bytes.length) break;
    const payloadAt = p + 1 + n;
    sections.push({ id: bytes[p], at: p, payloadAt, payload: bytes.subarray(payloadAt, payloadAt + size) });
    p = payloadAt + size;
  }
  return { sections, tail: bytes.subarray(Math.min(p, bytes.length)) };
}

/** The inverse of splitSections, with every section size recomputed. */
export function joinSections(sections, tail = new Uint8Array(0), header = HEADER) {
  return concat([header, ...sections.map((s) => section(s.id, s.payload)), tail]);
}

/**
 * The entries of a code section payload: `{ at, bytes }` per function (locals
 * declarations and code), `at` relative to the payload. Tolerant like splitSections.
 */
export function codeEntries(payload) {
  const [count, k] = readUleb(payload, 0);
  const entries = [];
  let p = k;
  for (let i = 0; i < count && k > 0; i++) {
    const [size, n] = readUleb(payload, p);
    if (n === 0 || p + n + size > payload.length) break;
    entries.push({ at: p + n, bytes: payload.subarray(p + n, p + n + size) });
    p += n + size;
  }
  return entries;
}

/** A code section payload from entries (locals + code each). */
export function codePayload(entries) {
  return concat([uleb(entries.length), ...entries.flatMap((e) => [uleb(e.length), e])]);
}

/** Seeded uniform numbers in [0, 1): every fuzz case is reproducible from its seed. */
// mulberry32.
export function prng(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
