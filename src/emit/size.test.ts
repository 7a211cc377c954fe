// Output size: a module carries only the runtime it uses (runtime/install.ts
// partsFor), minified at build time (scripts/minify-runtime.mjs), or imports it
// (`runtime: 'import'`). Measured on the built package, whose runtime text is
// the minified one, in a fresh Node process (vitest would transform dist's
// code, and so the text compiled modules embed). Sizes gzipped at zlib's
// default level.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve, dirname } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { builtDist } from '../testing/dist.js';
import { wat } from '../testing/wasm-bytes.js';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');

const ADD = wat('(module (func (export "add") (param i32 i32) (result i32) (i32.add (local.get 0) (local.get 1))))');

interface Measured {
  mode: string;
  bytes: number;
  gzipped: number;
  result: number;
}

describe('output size', () => {
  let dist = '';
  let tmp = '';
  beforeAll(() => {
    dist = builtDist(root);
    tmp = mkdtempSync(join(tmpdir(), 'wasm2es-size-'));
  }, 180_000);
  afterAll(() => {
    if (tmp) rmSync(tmp, { recursive: true, force: true });
  });

  it('the 41-byte add module: at most 4 KB gzipped with the runtime embedded, 1 KB importing it; both run', () => {
    expect(ADD.length).toBe(41);
    const script = `
      import { writeFileSync } from 'node:fs';
      import { gzipSync } from 'node:zlib';
      import { pathToFileURL } from 'node:url';
      const { compile } = await import(${JSON.stringify(pathToFileURL(join(dist, 'index.js')).href)});
      const bytes = new Uint8Array(${JSON.stringify([...ADD])});
      const out = [];
      for (const mode of ['embed', 'import']) {
        const js = compile(bytes, { runtime: mode }).js;
        if ((mode === 'import') !== js.includes("import { runtime as $runtime } from 'wasm2es/runtime';")) throw new Error('runtime ' + mode + ': ' + js);
        const file = ${JSON.stringify(tmp)} + '/add-' + mode + '.mjs';
        // Run against the runtime of the package under test (the size is the text as compiled).
        writeFileSync(file, js.replace("from 'wasm2es/runtime'", 'from ' + JSON.stringify(${JSON.stringify(pathToFileURL(join(dist, 'runtime', 'index.js')).href)})));
        const m = await import(pathToFileURL(file).href);
        const { instance } = await m.instantiate();
        out.push({ mode, bytes: Buffer.byteLength(js), gzipped: gzipSync(js).length, result: instance.exports.add(40, 2) });
      }
      console.log(JSON.stringify(out));`;
    const [embed, imported] = JSON.parse(execFileSync(process.execPath, ['--input-type=module', '-e', script], { encoding: 'utf8', cwd: root })) as Measured[];
    console.log(`add: embedded ${embed.bytes} bytes, ${embed.gzipped} gzipped; imported ${imported.bytes} bytes, ${imported.gzipped} gzipped`);
    expect(embed.result).toBe(42);
    expect(imported.result).toBe(42);
    expect(embed.gzipped).toBeLessThanOrEqual(4096);
    expect(imported.gzipped).toBeLessThanOrEqual(1024);
  });
});
