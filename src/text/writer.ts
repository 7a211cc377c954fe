// A growable byte buffer for the binary encoder, with LEB128 writers and a
// table of marks: pairs (byte offset, text offset) saying which text produced
// the bytes from there on. Sections and function bodies are written into
// writers of their own (their sizes come first), so appending a writer to
// another carries its marks along, shifted by where it lands. The finished
// module's marks map a decoder's or validator's byte offset back to the text.

export class Writer {
  buf: Uint8Array;
  length = 0;
  /** Byte offsets of the marks, ascending. */
  private markAt: number[] = [];
  /** Text offsets of the marks. */
  private markSrc: number[] = [];

  constructor(capacity = 64) {
    this.buf = new Uint8Array(capacity);
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
    const n = this.markAt.length;
    if (n && this.markAt[n - 1] === this.length) this.markSrc[n - 1] = textOffset;
    else {
      this.markAt.push(this.length);
      this.markSrc.push(textOffset);
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
    for (let i = 0; i < w.markAt.length; i++) {
      const at = base + w.markAt[i];
      const n = this.markAt.length;
      if (n && this.markAt[n - 1] === at) this.markSrc[n - 1] = w.markSrc[i];
      else {
        this.markAt.push(at);
        this.markSrc.push(w.markSrc[i]);
      }
    }
  }

  /** Appends `w` preceded by its length (a section's or a body's size). */
  appendSized(w: Writer): void {
    this.u32(w.length);
    this.append(w);
  }

  /** Forgets everything written (the buffer is kept for reuse). */
  reset(): void {
    this.length = 0;
    this.markAt.length = 0;
    this.markSrc.length = 0;
  }

  finish(): Uint8Array {
    return this.buf.slice(0, this.length);
  }

  /** The text offset of the last mark at or before `byteOffset`, or -1. */
  sourceOf(byteOffset: number): number {
    const a = this.markAt;
    let lo = 0;
    let hi = a.length - 1;
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
