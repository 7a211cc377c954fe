// A growable byte buffer for the binary encoder, with LEB128 writers and a
// table of marks: pairs (byte offset, text offset) saying which text produced
// the bytes from there on. Sections and function bodies are written into
// writers of their own (their sizes come first), so appending a writer to
// another carries its marks along, shifted by where it lands. The finished
// module's marks map a decoder's or validator's byte offset back to the text.

export class Writer {
  buf: Uint8Array;
  length = 0;
  /** Byte offsets of the marks, ascending; then their text offsets (typed: a big module has millions). */
  private markAt = new Int32Array(8);
  private markSrc = new Int32Array(8);
  private marks = 0;

  constructor(capacity = 64) {
    this.buf = new Uint8Array(capacity);
  }

  private markRoom(n: number): void {
    if (this.marks + n <= this.markAt.length) return;
    let cap = this.markAt.length * 2;
    while (cap < this.marks + n) cap *= 2;
    const at = new Int32Array(cap);
    const src = new Int32Array(cap);
    at.set(this.markAt.subarray(0, this.marks));
    src.set(this.markSrc.subarray(0, this.marks));
    this.markAt = at;
    this.markSrc = src;
  }

  private room(n: number): void {
    if (this.length + n <= this.buf.length) return;
    let cap = this.buf.length * 2;
    while (cap < this.length + n) cap *= 2;
    const next = new Uint8Array(cap);
    next.set(this.buf.subarray(0, this.length));
    this.buf = next;
  }

  /** The bytes written from here on come from the text at `textOffset`. */
  mark(textOffset: number): void {
    const n = this.marks;
    if (n && this.markAt[n - 1] === this.length) this.markSrc[n - 1] = textOffset;
    else {
      this.markRoom(1);
      this.markAt[n] = this.length;
      this.markSrc[n] = textOffset;
      this.marks++;
    }
  }

  u8(b: number): void {
    this.room(1);
    this.buf[this.length++] = b;
  }

  bytes(b: ArrayLike<number>): void {
    this.room(b.length);
    this.buf.set(b, this.length);
    this.length += b.length;
  }

  /** Unsigned LEB128 of a non-negative integer (up to 2^53). */
  u32(v: number): void {
    this.room(8);
    do {
      let c = v % 128;
      v = Math.floor(v / 128);
      if (v) c |= 0x80;
      this.buf[this.length++] = c;
    } while (v);
  }

  /** Unsigned LEB128 of a bigint. */
  u64(v: bigint): void {
    if (v < 0x20000000000000n) return this.u32(Number(v));
    this.room(10);
    do {
      let c = Number(v & 0x7fn);
      v >>= 7n;
      if (v) c |= 0x80;
      this.buf[this.length++] = c;
    } while (v);
  }

  /** Signed LEB128 of a safe integer. */
  s32(v: number): void {
    this.room(10);
    for (;;) {
      const c = v & 0x7f;
      v = Math.floor(v / 128);
      const done = (v === 0 && (c & 0x40) === 0) || (v === -1 && (c & 0x40) !== 0);
      this.buf[this.length++] = done ? c : c | 0x80;
      if (done) return;
    }
  }

  /** Signed LEB128 of a bigint. */
  s64(v: bigint): void {
    this.room(10);
    for (;;) {
      const c = Number(v & 0x7fn);
      v >>= 7n;
      const done = (v === 0n && (c & 0x40) === 0) || (v === -1n && (c & 0x40) !== 0);
      this.buf[this.length++] = done ? c : c | 0x80;
      if (done) return;
    }
  }

  /** Little-endian fixed-width bytes of a bit pattern (f32: 4, f64: 8). */
  fixed(bits: bigint, width: number): void {
    this.room(width);
    for (let i = 0; i < width; i++) {
      this.buf[this.length++] = Number(bits & 0xffn);
      bits >>= 8n;
    }
  }

  /** A length-prefixed byte string (names, data). */
  vecBytes(b: Uint8Array): void {
    this.u32(b.length);
    this.bytes(b);
  }

  /** Appends another writer's bytes and marks. */
  append(w: Writer): void {
    const base = this.length;
    this.bytes(w.buf.subarray(0, w.length));
    if (!w.marks) return;
    // A mark of ours at the very place w's first one lands is superseded by it.
    if (this.marks && this.markAt[this.marks - 1] === base + w.markAt[0]) this.marks--;
    this.markRoom(w.marks);
    this.markSrc.set(w.markSrc.subarray(0, w.marks), this.marks);
    const at = this.markAt;
    for (let i = 0, j = this.marks; i < w.marks; i++, j++) at[j] = base + w.markAt[i];
    this.marks += w.marks;
  }

  /** Appends `w` as a vector: its size, the entry count, the entries. */
  appendVector(count: number, w: Writer): void {
    this.u32(lebSize(count) + w.length);
    this.u32(count);
    this.append(w);
  }

  /** Appends `w` preceded by its length (a section's or a body's size). */
  appendSized(w: Writer): void {
    this.u32(w.length);
    this.append(w);
  }

  /** Forgets everything written (the buffer is kept for reuse). */
  reset(): void {
    this.length = 0;
    this.marks = 0;
  }

  finish(): Uint8Array {
    return this.buf.slice(0, this.length);
  }

  /** The text offset of the last mark at or before `byteOffset`, or -1. */
  sourceOf(byteOffset: number): number {
    const a = this.markAt;
    let lo = 0;
    let hi = this.marks - 1;
    let found = -1;
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      if (a[mid] <= byteOffset) {
        found = mid;
        lo = mid + 1;
      } else hi = mid - 1;
    }
    return found < 0 ? -1 : this.markSrc[found];
  }
}

/** The size of a number's unsigned LEB128 encoding. */
export function lebSize(v: number): number {
  let n = 1;
  while (v >= 128) {
    v = Math.floor(v / 128);
    n++;
  }
  return n;
}
