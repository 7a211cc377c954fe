// Where each function body's instructions lie in a Wasm binary, read straight
// from the code section: the tests check source-map offsets against this rather
// than against the compiler's own decoder. Test-only (excluded from the build).

/** Byte ranges [start, end) of the function bodies' instructions (after the local declarations). */
export function codeRanges(bytes: Uint8Array): { start: number; end: number }[] {
  let pos = 8;
  const u32 = () => {
    let result = 0;
    for (let shift = 0; ; shift += 7) {
      const b = bytes[pos++];
      result += (b & 0x7f) * 2 ** shift;
      if (b < 0x80) return result;
    }
  };
  while (pos < bytes.length) {
    const id = bytes[pos++];
    const size = u32();
    const next = pos + size;
    if (id === 10) {
      const ranges = [];
      for (let n = u32(); n > 0; n--) {
        const bodySize = u32();
        const end = pos + bodySize;
        // Local declarations are (count, type) pairs; numeric types are one byte,
        // which is all the modules of these tests use.
        for (let groups = u32(); groups > 0; groups--) {
          u32();
          pos++;
        }
        ranges.push({ start: pos, end });
        pos = end;
      }
      return ranges;
    }
    pos = next;
  }
  return [];
}
