// The realm key (key.ts): a function of the runtime's text, so that two
// different runtimes never share a registration and the same runtime always
// does. Checked here on the source build (key computed at first use) and on
// dist/ (key written at build time, which must equal the key of dist's text).
import { execFileSync } from 'node:child_process';
import { readFileSync, existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { compile } from '../compile.js';
import { keyOf } from './key.js';
import { RUNTIME_PARTS, partText, runtimeKey, runtimeText } from './install.js';

const EMPTY = new Uint8Array([0, 0x61, 0x73, 0x6d, 1, 0, 0, 0]);

describe('the runtime key', () => {
  it('is the key of the runtime text, which compiled modules embed parts of', () => {
    expect(runtimeKey()).toBe(keyOf(runtimeText()));
    expect(runtimeText()).toBe(RUNTIME_PARTS.map((p) => `${p.name}\n${partText(p)}`).join('\n'));
    const js = compile(EMPTY).js;
    expect(js).toContain(`Symbol.for(${JSON.stringify(runtimeKey())})`);
    // An empty module uses no part; one that uses everything embeds every part's text.
    expect(js).not.toContain(partText(RUNTIME_PARTS[0]));
  });

  it('differs for every changed part, and for a change anywhere in a part', () => {
    const parts = RUNTIME_PARTS.map((p) => `${p.name}\n${partText(p)}`);
    const seen = new Set([keyOf(parts.join('\n'))]);
    parts.forEach((p, i) => {
      // One character changed at the start, the middle and the end of each part.
      for (const at of [0, p.length >> 1, p.length - 1]) {
        const changed = parts.slice();
        changed[i] = p.slice(0, at) + String.fromCharCode(p.charCodeAt(at) ^ 1) + p.slice(at + 1);
        seen.add(keyOf(changed.join('\n')));
      }
      // A part dropped, and two parts swapped, are other runtimes too.
      seen.add(keyOf(parts.filter((_, k) => k !== i).join('\n')));
      if (i > 0) {
        const swapped = parts.slice();
        [swapped[i - 1], swapped[i]] = [swapped[i], swapped[i - 1]];
        seen.add(keyOf(swapped.join('\n')));
      }
    });
    expect(seen.size).toBe(1 + parts.length * 5 - 1);
  });

  const dist = fileURLToPath(new URL('../../dist/runtime/', import.meta.url));
  it.skipIf(!existsSync(dist + 'key.js'))("in dist/, is written at build time and is the key of dist's runtime text", () => {
    const built = /BUILT_KEY = "([^"]+)"/.exec(readFileSync(dist + 'key.js', 'utf8'));
    expect(built, 'dist/runtime/key.js has no literal key: run npm run build').not.toBeNull();
    // In plain Node: vitest would transform dist's code, and so its text.
    const script = `
      const install = await import(${JSON.stringify(dist + 'install.js')});
      const k = await import(${JSON.stringify(dist + 'key.js')});
      console.log(JSON.stringify([k.keyOf(install.runtimeText()), install.runtimeKey()]));`;
    const out = execFileSync(process.execPath, ['--input-type=module', '-e', script], { encoding: 'utf8' });
    expect(JSON.parse(out)).toEqual([built![1], built![1]]);
  });
});
