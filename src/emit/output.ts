// Output text as lines, each optionally tied to the Wasm byte offset it came from;
// the source map is built from that pairing (one mapping per line, column 0 in the
// JS, "column" = byte offset in the .wasm, the convention browsers use for Wasm).
import { SourceMapGenerator } from 'source-map';

export class Output {
  readonly lines: string[] = [];
  readonly offsets: number[] = [];

  /** Add text (may contain newlines: every line gets the same offset). */
  line(text: string, offset = -1): void {
    if (text.indexOf('\n') < 0) {
      this.lines.push(text);
      this.offsets.push(offset);
      return;
    }
    for (const l of text.split('\n')) {
      this.lines.push(l);
      this.offsets.push(offset);
    }
  }

  append(other: Output): void {
    for (let i = 0; i < other.lines.length; i++) {
      this.lines.push(other.lines[i]);
      this.offsets.push(other.offsets[i]);
    }
  }

  toString(): string {
    return this.lines.join('\n') + '\n';
  }

  /** A source map from generated lines to Wasm byte offsets of `source`. */
  sourceMap(file: string, source: string): string {
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
