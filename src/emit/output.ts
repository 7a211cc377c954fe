// Output text as lines, each optionally tied to the Wasm byte offset it came from;
// the source map is built from that pairing (one mapping per line, column 0 in the
// JS, "column" = byte offset in the .wasm, the convention browsers use for Wasm).
//
// Text is kept in chunks of one or more lines (a whole function is one chunk),
// and the offsets only when a source map is wanted. A string per line, kept
// until the end, was most of what the garbage collector marked and copied
// while compiling big modules: esbuild-wasm's output has 2.8 million lines.
import { SourceMapGenerator } from 'source-map';

export class Output {
  private readonly chunks: string[] = [];
  /** The Wasm offset of every line (-1: none); null when no source map is wanted. */
  private readonly offsets: number[] | null;

  constructor(withOffsets = false) {
    this.offsets = withOffsets ? [] : null;
  }

  get withOffsets(): boolean {
    return this.offsets !== null;
  }

  /** Add text (may contain newlines: every line gets the same offset). */
  line(text: string, offset = -1): void {
    this.chunks.push(text);
    if (!this.offsets) return;
    for (let k = text.indexOf('\n'); k >= 0; k = text.indexOf('\n', k + 1)) this.offsets.push(offset);
    this.offsets.push(offset);
  }

  /** Add lines with an offset each (`offsets` has one entry per line of `text`; ignored without a source map). */
  lines(text: string, offsets: ArrayLike<number> | null): void {
    this.chunks.push(text);
    if (!this.offsets) return;
    for (let k = 0; k < offsets!.length; k++) this.offsets.push(offsets![k]);
  }

  append(other: Output): void {
    for (const c of other.chunks) this.chunks.push(c);
    if (this.offsets && other.offsets) for (const o of other.offsets) this.offsets.push(o);
  }

  /** Calls `f` with each chunk of text (one or more lines). */
  forEachChunk(f: (text: string) => void): void {
    for (const c of this.chunks) f(c);
  }

  toString(): string {
    // The final newline joined in, not appended: `+` would make a cons string
    // that whoever writes it out flattens into a second copy.
    this.chunks.push('');
    const text = this.chunks.join('\n');
    this.chunks.pop();
    return text;
  }

  /** A source map from generated lines to Wasm byte offsets of `source` (only for an Output made with offsets). */
  sourceMap(file: string, source: string): string {
    if (!this.offsets) throw new Error('internal: no offsets were kept for a source map');
    const gen = new SourceMapGenerator({ file });
    let last = -2;
    for (let i = 0; i < this.offsets.length; i++) {
      const off = this.offsets[i];
      if (off < 0 || off === last) continue;
      last = off;
      gen.addMapping({ generated: { line: i + 1, column: 0 }, original: { line: 1, column: off }, source });
    }
    return gen.toString();
  }
}
