// Source maps into the text. compile() maps generated lines to byte offsets in
// the binary (line 1, the offset as the column: the convention for binaries).
// For a module assembled from text, the byte offsets are turned into the text
// positions of the instructions that produced them, so a debugger or a stack
// trace shows the .wat itself.

import type { Assembled } from './index.js';

const B64 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';
const B64_VALUE = new Map([...B64].map((c, i) => [c, i]));

/** Base64 VLQ values of one mapping segment. */
function decodeSegment(s: string): number[] {
  const out: number[] = [];
  let value = 0;
  let shift = 0;
  for (const ch of s) {
    const d = B64_VALUE.get(ch);
    if (d === undefined) throw new Error(`bad source map character ${ch}`);
    value += (d & 31) * 2 ** shift;
    if (d & 32) {
      shift += 5;
      continue;
    }
    out.push(value % 2 ? -(value - 1) / 2 : value / 2);
    value = 0;
    shift = 0;
  }
  return out;
}

function encodeValue(v: number): string {
  let x = v < 0 ? -v * 2 + 1 : v * 2;
  let s = '';
  do {
    let d = x % 32;
    x = Math.floor(x / 32);
    if (x) d |= 32;
    s += B64[d];
  } while (x);
  return s;
}

/**
 * A source map of compile() for `asm`, rewritten to map into the text: one
 * source (`source`, with `content` as its sourcesContent), each mapping at the
 * line and column (0-based, as source maps count) of the construct that
 * produced its byte offset.
 */
export function textSourceMap(mapJson: string, asm: Assembled, source: string, content?: string): string {
  const map = JSON.parse(mapJson) as { sources: string[]; sourcesContent?: (string | null)[]; mappings: string };
  // Absolute values across the file, as the format's deltas accumulate.
  let srcLine = 0;
  let srcCol = 0;
  let outLine = 0;
  let outCol = 0;
  const lines = map.mappings.split(';').map((line) => {
    let genCol = 0;
    let prevGen = 0;
    return line
      .split(',')
      .filter(Boolean)
      .map((seg) => {
        const v = decodeSegment(seg);
        genCol += v[0];
        if (v.length < 4) {
          const s = encodeValue(genCol - prevGen);
          prevGen = genCol;
          return s;
        }
        srcLine += v[2];
        srcCol += v[3];
        // srcLine is always 0 here (line 1): the column is the byte offset.
        const pos = asm.positionOf(srcCol);
        const line0 = pos ? pos.line - 1 : 0;
        const col0 = pos ? pos.column - 1 : 0;
        const s = encodeValue(genCol - prevGen) + encodeValue(0) + encodeValue(line0 - outLine) + encodeValue(col0 - outCol);
        prevGen = genCol;
        outLine = line0;
        outCol = col0;
        return s;
      })
      .join(',');
  });
  void srcLine;
  map.sources = [source];
  if (content !== undefined) map.sourcesContent = [content];
  else delete map.sourcesContent;
  map.mappings = lines.join(';');
  return JSON.stringify(map);
}
