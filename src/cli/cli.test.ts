// The command line, run as a user would: the built `bin/wasm2es.js` in a child
// process (it loads dist/, so the package must be built: `npm install` does it).
import { describe, it, expect, beforeAll } from 'vitest';
import { execFileSync, spawn, spawnSync } from 'node:child_process';
import {
  chmodSync, chownSync, existsSync, linkSync, lstatSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, statSync, symlinkSync, writeFileSync,
} from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve, dirname, relative } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { SourceMapConsumer } from 'source-map';
import { compile } from '../index.js';
import { wat } from '../testing/wasm-bytes.js';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
const bin = join(root, 'bin', 'wasm2es.js');
const built = existsSync(join(root, 'dist', 'cli', 'main.js'));

const escape = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

function run(args: string[]) {
  const r = spawnSync(process.execPath, [bin, ...args], { encoding: 'utf8' });
  return { code: r.status, out: r.stdout, err: r.stderr };
}

/** `run` without blocking this process (for a reader or server it serves, and to run several at once). */
function runAsync(args: string[], input?: string | Buffer): Promise<{ code: number | null; out: string; err: string }> {
  return new Promise((res) => {
    const p = spawn(process.execPath, [bin, ...args]);
    p.stdin.end(input);
    let out = '';
    let err = '';
    p.stdout.on('data', (d) => (out += d));
    p.stderr.on('data', (d) => (err += d));
    p.on('close', (code) => res({ code, out, err }));
  });
}

describe.skipIf(!built)('wasm2es CLI', () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'wasm2es-cli-'));
  });

  it('compiles the demo fixture to an ES module that runs with WebAssembly disabled', () => {
    const out = join(dir, 'demo.mjs');
    const r = run(['compile', join(root, 'fixtures', 'demo.wat'), '-o', out]);
    expect(r.code, r.err).toBe(0);
    // Expected value from the definition of Fibonacci, not from our output.
    const script = `import(${JSON.stringify(pathToFileURL(out).href)}).then((m) => {
      console.log(typeof WebAssembly, m.instantiateSync().instance.exports.fib(20));
    })`;
    const printed = execFileSync(process.execPath, ['--noexpose-wasm', '-e', script], { encoding: 'utf8' });
    expect(printed.trim()).toBe('undefined 6765');
  });

  it('writes a source map that points into the .wasm', () => {
    const src = join(dir, 'demo.wasm');
    writeFileSync(src, wat(readFileSync(join(root, 'fixtures', 'demo.wat'), 'utf8')));
    const out = join(dir, 'mapped.mjs');
    const r = run(['compile', src, '-o', out, '--source-map']);
    expect(r.code, r.err).toBe(0);
    const map = JSON.parse(readFileSync(out + '.map', 'utf8'));
    expect(map.version).toBe(3);
    expect(map.sources).toEqual(['demo.wasm']);
    expect(map.file).toBe('mapped.mjs');
    expect(map.mappings.length).toBeGreaterThan(0);
    expect(readFileSync(out, 'utf8')).toMatch(/\/\/# sourceMappingURL=mapped\.mjs\.map\n$/);
  });

  it('for .wat input, writes a source map into the .wat, which it carries', async () => {
    const src = join(root, 'fixtures', 'demo.wat');
    const text = readFileSync(src, 'utf8');
    mkdirSync(join(dir, 'elsewhere'), { recursive: true });
    const out = join(dir, 'elsewhere', 'demo.mjs');
    const r = run(['compile', src, '-o', out, '--source-map']);
    expect(r.code, r.err).toBe(0);
    const map = JSON.parse(readFileSync(out + '.map', 'utf8'));
    // The source is the .wat, named relative to the map's folder.
    expect(map.sources).toHaveLength(1);
    expect(resolve(dirname(out), map.sources[0])).toBe(src);
    expect(map.sourcesContent).toEqual([text]);
    // $fib's first instruction is `local.get $n` in its condition (line 10).
    const js = readFileSync(out, 'utf8').split('\n');
    const line = js.findIndex((l) => /^\s*function f0_fib\(/.test(l)) + 1;
    expect(line).toBeGreaterThan(0);
    const consumer = await new SourceMapConsumer(map);
    const pos = consumer.originalPositionFor({ line, column: 0 });
    const lines = text.split('\n');
    const want = lines.findIndex((l) => l.includes('(if (result i32) (i32.lt_s (local.get $n)'));
    expect({ line: pos.line, column: pos.column }).toEqual({ line: want + 1, column: lines[want].indexOf('local.get $n') });
  });

  it('reports an invalid .wat at the line and column of the offending instruction, exit 1, and writes nothing', () => {
    const src = join(dir, 'bad.wat');
    const text = '(module\n  (func (result i32)\n    (i32.add (i32.const 1))))\n';
    writeFileSync(src, text);
    const out = join(dir, 'bad.mjs');
    const r = run(['compile', src, '-o', out]);
    expect(r.code).toBe(1);
    // i32.add has one operand where it needs two: line 3, at `i32.add` (column 6).
    expect(r.err).toMatch(new RegExp(`^${escape(src)}:3:6: type mismatch[^\\n]*\\n$`));
    expect(existsSync(out)).toBe(false);
  });

  it('leaves an existing output untouched when a later compile fails', () => {
    const out = join(dir, 'keep.mjs');
    writeFileSync(out, '// previous output\n');
    const src = join(dir, 'garbage.wasm');
    writeFileSync(src, Buffer.from([0, 0x61, 0x73, 0x6d, 1, 0, 0, 0, 0x01, 0xff]));
    const r = run(['compile', src, '-o', out]);
    expect(r.code).toBe(1);
    expect(r.err).toMatch(/garbage\.wasm:\d+: /);
    expect(readFileSync(out, 'utf8')).toBe('// previous output\n');
  });

  it('names an unsupported feature (SIMD) with its offset', () => {
    const src = join(dir, 'simd.wasm');
    // (type (func (result v128))): the value type v128 at byte offset 13.
    writeFileSync(src, Uint8Array.of(0, 0x61, 0x73, 0x6d, 1, 0, 0, 0, 1, 5, 1, 0x60, 0, 1, 0x7b));
    const r = run(['compile', src, '-o', join(dir, 'simd.mjs')]);
    expect(r.code).toBe(1);
    expect(r.err).toBe(`${src}:14: unsupported feature: simd\n`);
  });

  it('prints its version and help for every command', () => {
    const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
    expect(run(['--version']).out.trim()).toBe(pkg.version);
    for (const cmd of ['compile', 'wast']) {
      const r = run([cmd, '--help']);
      expect(r.code).toBe(0);
      expect(r.out).toMatch(new RegExp(`Usage: wasm2es ${cmd}`));
    }
  });

  it('runs a user-written .wast file and ends with the summary line', () => {
    const src = join(dir, 'mine.wast');
    writeFileSync(src, `(module (func (export "sq") (param i32) (result i32) (i32.mul (local.get 0) (local.get 0))))
(assert_return (invoke "sq" (i32.const 12)) (i32.const 144))
(assert_trap (module (func $f unreachable) (start $f)) "unreachable")
(assert_invalid (module (func (result i32))) "type mismatch")`);
    const r = run(['wast', src]);
    expect(r.code, r.out + r.err).toBe(0);
    expect(r.out.trim().split('\n').pop()).toBe('4 passed, 0 failed, 0 skipped');
  });
});

// Where `compile` reads and writes, and how it fails (docs/cli.md, "Inputs and
// outputs"): one line naming the path, no stack trace, exit status 2 for every
// usage, input or output problem and 1 for a module that does not compile.
describe.skipIf(!built).concurrent('wasm2es compile: inputs, outputs and exit statuses', () => {
  let dir: string;
  let wasm: string; // a small valid module (fixtures/demo.wat assembled)
  let wasmBytes: Buffer;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'wasm2es-io-'));
    wasm = join(dir, 'demo.wasm');
    writeFileSync(wasm, wat(readFileSync(join(root, 'fixtures', 'demo.wat'), 'utf8')));
    wasmBytes = readFileSync(wasm);
  });

  /** A problem report: exactly one line, no stack trace, naming `path`, with the exit status given. */
  function oneLine(r: { code: number | null; err: string; out: string }, code: number, path: string | RegExp) {
    expect(r.code, r.err).toBe(code);
    expect(r.err.endsWith('\n') && r.err.indexOf('\n') === r.err.length - 1, JSON.stringify(r.err)).toBe(true);
    expect(r.err).not.toMatch(/\n\s+at /);
    if (typeof path === 'string') expect(r.err.startsWith(path + ':'), r.err).toBe(true);
    else expect(r.err).toMatch(path);
    expect(r.out).toBe('');
  }
  /** Whether `file` is a compiled module (its first line). */
  const isOutput = (file: string) => readFileSync(file, 'utf8').startsWith('// Generated by wasm2es');

  it('writes through a symbolic link, which stays a link, and through a dangling one', async () => {
    mkdirSync(join(dir, 'real'));
    writeFileSync(join(dir, 'real', 'target.mjs'), '');
    symlinkSync(join('real', 'target.mjs'), join(dir, 'link.mjs'));
    expect((await runAsync(['compile', wasm, '-o', join(dir, 'link.mjs')])).code).toBe(0);
    expect(lstatSync(join(dir, 'link.mjs')).isSymbolicLink()).toBe(true);
    expect(isOutput(join(dir, 'real', 'target.mjs'))).toBe(true);
    // A chain of links to a file that does not exist yet: the file is created, the links stay.
    symlinkSync(join('real', 'new.mjs'), join(dir, 'dangling.mjs'));
    symlinkSync('dangling.mjs', join(dir, 'chain.mjs'));
    expect((await runAsync(['compile', wasm, '-o', join(dir, 'chain.mjs')])).code).toBe(0);
    expect(lstatSync(join(dir, 'chain.mjs')).isSymbolicLink()).toBe(true);
    expect(lstatSync(join(dir, 'dangling.mjs')).isSymbolicLink()).toBe(true);
    expect(isOutput(join(dir, 'real', 'new.mjs'))).toBe(true);
  });

  it('-o - and -o /dev/stdout write to standard output; /dev/stdout stays what it was', async () => {
    const before = lstatSync('/dev/stdout');
    expect((await runAsync(['compile', wasm, '-o', join(dir, 'same.mjs')])).code).toBe(0);
    for (const o of ['-', '/dev/stdout']) {
      const r = await runAsync(['compile', wasm, '-o', o]);
      expect(r.code, r.err).toBe(0);
      expect(r.out, o).toBe(readFileSync(join(dir, 'same.mjs'), 'utf8'));
    }
    const after = lstatSync('/dev/stdout');
    expect([after.isSymbolicLink(), after.ino]).toEqual([before.isSymbolicLink(), before.ino]);
    // With a source map, standard output carries it inline.
    const r = await runAsync(['compile', wasm, '-o', '-', '--source-map']);
    const url = /\/\/# sourceMappingURL=data:application\/json;charset=utf-8;base64,([A-Za-z0-9+/=]+)\n$/.exec(r.out);
    expect(JSON.parse(Buffer.from(url![1], 'base64').toString()).sources).toEqual([relative(root, wasm)]);
  });

  it('writes into a device (/dev/null) and a named pipe without replacing them', async () => {
    const r = await runAsync(['compile', wasm, '-o', '/dev/null']);
    expect(r.code, r.err).toBe(0);
    expect(statSync('/dev/null').isCharacterDevice()).toBe(true);
    const fifo = join(dir, 'pipe');
    execFileSync('mkfifo', [fifo]);
    // A reader, then the compiler as the writer.
    const reader = spawn('cat', [fifo]);
    let got = '';
    reader.stdout.on('data', (d) => (got += d));
    const done = new Promise((res) => reader.on('close', res));
    const w = await runAsync(['compile', wasm, '-o', fifo]);
    await done;
    expect(w.code, w.err).toBe(0);
    expect(got.startsWith('// Generated by wasm2es')).toBe(true);
    expect(lstatSync(fifo).isFIFO()).toBe(true);
  });

  it('keeps the mode of the file it replaces (and, as root, its owner)', async () => {
    const out = join(dir, 'mode.mjs');
    for (const mode of [0o755, 0o600, 0o640]) {
      writeFileSync(out, 'old');
      chmodSync(out, mode);
      expect((await runAsync(['compile', wasm, '-o', out])).code).toBe(0);
      expect(statSync(out).mode & 0o7777).toBe(mode);
      expect(isOutput(out)).toBe(true);
    }
    if (process.getuid?.() === 0) {
      chownSync(out, 1234, 4321);
      expect((await runAsync(['compile', wasm, '-o', out])).code).toBe(0);
      expect([statSync(out).uid, statSync(out).gid]).toEqual([1234, 4321]);
    }
  });

  it('refuses to write over its input, however the path is spelled', async () => {
    const alias = join(dir, 'alias.wasm');
    symlinkSync(wasm, alias);
    const hard = join(dir, 'hard.wasm');
    linkSync(wasm, hard);
    mkdirSync(join(dir, 'aside'));
    for (const o of [wasm, join(dir, 'aside', '..', 'demo.wasm'), alias, hard]) {
      oneLine(await runAsync(['compile', wasm, '-o', o]), 2, o);
      expect(readFileSync(wasm)).toEqual(wasmBytes);
    }
    // Nor beside it: the map or the declarations landing on the input.
    const odd = join(dir, 'odd.d.mts');
    writeFileSync(odd, wasmBytes);
    oneLine(await runAsync(['compile', odd, '-o', join(dir, 'odd.mjs'), '--dts']), 2, join(dir, 'odd.d.mts'));
    expect(readFileSync(odd)).toEqual(wasmBytes);
  });

  it('creates missing folders on the way to the output', async () => {
    const out = join(dir, 'new', 'deeper', 'out.mjs');
    const input = join(dir, 'my lib #1.wasm');
    writeFileSync(input, wasmBytes);
    const r = await runAsync(['compile', input, '-o', out, '--source-map', '--dts']);
    expect(r.code, r.err).toBe(0);
    expect(isOutput(out)).toBe(true);
    expect(existsSync(out + '.map')).toBe(true);
    expect(existsSync(join(dir, 'new', 'deeper', 'out.d.mts'))).toBe(true);
    // The map's source is relative to the map's folder, a URL resolving to the input.
    const map = JSON.parse(readFileSync(out + '.map', 'utf8'));
    expect(map.sources).toEqual(['../../my%20lib%20%231.wasm']);
    expect(fileURLToPath(new URL(map.sources[0], pathToFileURL(out + '.map')))).toBe(input);
  });

  it('reports each input or output problem in one line naming the path, exit 2, and writes nothing', async () => {
    mkdirSync(join(dir, 'outdir'));
    writeFileSync(join(dir, 'afile'), '');
    const cases: [string[], string][] = [
      [['compile', wasm, '-o', join(dir, 'outdir')], join(dir, 'outdir')], // a folder
      [['compile', wasm, '-o', join(dir, 'outdir') + '/'], join(dir, 'outdir') + '/'],
      [['compile', wasm, '-o', join(dir, 'nothere') + '/'], join(dir, 'nothere') + '/'],
      [['compile', wasm, '-o', join(dir, 'afile', 'x.mjs')], join(dir, 'afile', 'x.mjs')], // a file on the way
      [['compile', join(dir, 'outdir')], join(dir, 'outdir')], // input is a folder
      [['compile', join(dir, 'missing.wasm')], join(dir, 'missing.wasm')],
      [['compile', join(dir, 'afile', 'x.wasm')], join(dir, 'afile', 'x.wasm')],
    ];
    for (const [args, path] of cases) oneLine(run(args), 2, path);
    expect(readdirSync(join(dir, 'outdir'))).toEqual([]);
    expect(existsSync(join(dir, 'nothere'))).toBe(false);
  });

  // (Block devices are refused the same way; no test writes near one.)
  it('refuses a socket', async () => {
    const sock = join(dir, 'sock');
    const server = createServer().listen(sock);
    await new Promise((res) => server.once('listening', res));
    try {
      oneLine(await runAsync(['compile', wasm, '-o', sock]), 2, sock);
    } finally {
      server.close();
    }
  });

  it('a failed compile leaves every output as it was: no partial, temporary or clobbered file', async () => {
    const out = join(dir, 'kept', 'k.mjs');
    mkdirSync(join(dir, 'kept'));
    writeFileSync(out, 'old js');
    writeFileSync(out + '.map', '{"version":3,"old":1}');
    const bad = join(dir, 'bad.wasm');
    writeFileSync(bad, Buffer.from([0, 0x61, 0x73, 0x6d, 1, 0, 0, 0, 0x01, 0xff]));
    const r = await runAsync(['compile', bad, '-o', out, '--source-map', '--dts']);
    oneLine(r, 1, bad);
    expect(readFileSync(out, 'utf8')).toBe('old js');
    expect(readFileSync(out + '.map', 'utf8')).toBe('{"version":3,"old":1}');
    expect(readdirSync(join(dir, 'kept')).sort()).toEqual(['k.mjs', 'k.mjs.map']);
  });

  it('recompiling without --source-map or --dts removes the map and declarations it wrote before, nothing else', async () => {
    const out = join(dir, 'stale.mjs');
    expect((await runAsync(['compile', wasm, '-o', out, '--source-map', '--dts'])).code).toBe(0);
    expect(existsSync(out + '.map') && existsSync(join(dir, 'stale.d.mts'))).toBe(true);
    expect((await runAsync(['compile', wasm, '-o', out])).code).toBe(0);
    expect(existsSync(out + '.map')).toBe(false);
    expect(existsSync(join(dir, 'stale.d.mts'))).toBe(false);
    expect(readFileSync(out, 'utf8')).not.toContain('sourceMappingURL');
    // Files with those names that wasm2es did not write stay.
    writeFileSync(out + '.map', 'my notes');
    writeFileSync(join(dir, 'stale.d.mts'), 'export {};\n');
    expect((await runAsync(['compile', wasm, '-o', out])).code).toBe(0);
    expect(readFileSync(out + '.map', 'utf8')).toBe('my notes');
    expect(readFileSync(join(dir, 'stale.d.mts'), 'utf8')).toBe('export {};\n');
  });

  it('--dts writes the declarations TypeScript looks for beside the output', async () => {
    for (const [o, d] of [['t1.mjs', 't1.d.mts'], ['t2.js', 't2.d.ts'], ['t3.cjs', 't3.d.cts'], ['t4.es', 't4.d.es.ts']]) {
      expect((await runAsync(['compile', wasm, '-o', join(dir, o), '--dts'])).code).toBe(0);
      expect(readFileSync(join(dir, d), 'utf8')).toMatch(/^\/\/ Generated by wasm2es from "demo.wasm"/);
    }
    oneLine(await runAsync(['compile', wasm, '-o', '-', '--dts']), 2, /^--dts .*-o must name a file/);
    oneLine(await runAsync(['compile', wasm, '-o', join(dir, 'f.js'), '--dts', '--format', 'factory']), 2, /^--dts .*--format factory/);
  });

  it('reads standard input with -, and then writes to standard output', async () => {
    const r = await runAsync(['compile', '-'], wasmBytes);
    expect(r.code, r.err).toBe(0);
    expect(r.out.startsWith('// Generated by wasm2es')).toBe(true);
    const t = await runAsync(['compile', '-', '-o', '-'], '(module (func (export "f") (result i32) (i32.const 7)))');
    expect(t.code, t.err).toBe(0);
    expect(t.out).toContain('"f"');
  });

  it('--format: esm and factory; anything else is a usage error (exit 2), in the API a TypeError', async () => {
    const f = await runAsync(['compile', wasm, '-o', '-', '--format', 'factory']);
    expect(f.code).toBe(0);
    expect(f.out.startsWith('(function ($rt) {')).toBe(true);
    for (const bad of ['cjs', 'iife', 'ESM']) {
      oneLine(await runAsync(['compile', wasm, '-o', join(dir, 'fmt.js'), '--format', bad]), 2, new RegExp(`^error: option '--format <format>' argument '${bad}' is invalid`));
      expect(existsSync(join(dir, 'fmt.js'))).toBe(false);
      expect(() => compile(new Uint8Array(wasmBytes), { format: bad as 'esm' })).toThrow(TypeError);
    }
  });

  it('--runtime: embed (the parts it uses, importing nothing) or import (wasm2es/runtime); anything else, or with factory, exit 2', async () => {
    const IMPORT = "import { runtime as $runtime } from 'wasm2es/runtime';";
    const embed = await runAsync(['compile', wasm, '-o', '-']);
    expect(embed.code, embed.err).toBe(0);
    expect(embed.out).not.toContain('wasm2es/runtime');
    expect(embed.out).not.toMatch(/^import /m);
    const imported = await runAsync(['compile', wasm, '-o', '-', '--runtime', 'import']);
    expect(imported.code, imported.err).toBe(0);
    expect(imported.out.split('\n')[1]).toBe(IMPORT);
    // The same module apart from where the runtime comes from.
    expect(imported.out.slice(imported.out.indexOf('const $compiled'))).toBe(embed.out.slice(embed.out.indexOf('const $compiled')));
    expect(imported.out.length).toBeLessThan(embed.out.length);
    oneLine(await runAsync(['compile', wasm, '-o', join(dir, 'rt.mjs'), '--runtime', 'bundle']), 2, /^error: option '--runtime <mode>' argument 'bundle' is invalid/);
    oneLine(await runAsync(['compile', wasm, '-o', join(dir, 'rt.mjs'), '--runtime', 'import', '--format', 'factory']), 2, /^--runtime is for the ES module output/);
    expect(existsSync(join(dir, 'rt.mjs'))).toBe(false);
    expect(() => compile(new Uint8Array(wasmBytes), { runtime: 'bundle' as 'import' })).toThrow(TypeError);
    expect(() => compile(new Uint8Array(wasmBytes), { runtime: 'import', format: 'factory' })).toThrow(TypeError);
  });

  it('usage errors exit 2 for compile as for wast, with a hint for the wasm2js form', async () => {
    oneLine(await runAsync(['compile', wasm, '--bogus']), 2, /^error: unknown option '--bogus'/);
    oneLine(await runAsync(['compile']), 2, /^error: missing required argument 'input'/);
    oneLine(await runAsync(['compile', wasm, wasm]), 2, /^error: too many arguments/);
    oneLine(await runAsync(['wast', '--bogus']), 2, /^error: unknown option '--bogus'/);
    oneLine(await runAsync([wasm]), 2, /did you mean `wasm2es compile .*demo\.wasm`\?/);
    oneLine(await runAsync(['frobnicate']), 2, /^error: unknown command 'frobnicate'/);
    expect((await runAsync([])).code).toBe(2); // the help, on standard error
  });
});

// Progress on stderr while compiling: asked for with --progress, or unasked on a
// terminal for modules with more than 1 MiB of code; never with --quiet.
describe.skipIf(!built)('wasm2es compile progress', () => {
  let dir: string;
  let big: string; // a module with just over 1 MiB of code
  let broken: string; // the same, with its last function's final `end` gone
  let small: string;
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'wasm2es-progress-'));
    // @ts-ignore: plain JS shared with fuzz/extremes.mjs
    const M = await import('../../fuzz/extreme-modules.mjs');
    const bytes: Uint8Array = M.bigCode(1.1 * 2 ** 20, { min: 1000, max: 6000 }).bytes;
    big = join(dir, 'big.wasm');
    writeFileSync(big, bytes);
    const bad = bytes.slice();
    bad[bad.length - 1] = 0x01; // `end` -> `nop`: the body runs out
    broken = join(dir, 'broken.wasm');
    writeFileSync(broken, bad);
    small = join(root, 'fixtures', 'demo.wat');
  }, 60_000);

  const LINE = /^(.*): compiled (\d+)\/(\d+) functions \((\d+)%\)$/;

  it('--progress prints throttled lines from 0/N to N/N when stderr is not a terminal', () => {
    const t = Date.now();
    const r = run(['compile', big, '-o', join(dir, 'big.mjs'), '--progress']);
    const ms = Date.now() - t;
    expect(r.code, r.err).toBe(0);
    const lines = r.err.trim().split('\n');
    const parsed = lines.map((l) => LINE.exec(l));
    expect(parsed.every((m) => m && m[1] === big), r.err).toBe(true);
    const done = parsed.map((m) => Number(m![2]));
    const total = Number(parsed[0]![3]);
    expect(total).toBeGreaterThan(100);
    expect(done[0]).toBe(0);
    expect(done[done.length - 1]).toBe(total);
    expect(done.every((d, k) => k === 0 || d > done[k - 1])).toBe(true);
    // At most one update per 250 ms, plus the first and the last.
    expect(lines.length).toBeLessThanOrEqual(Math.ceil(ms / 250) + 2);
    expect(existsSync(join(dir, 'big.mjs'))).toBe(true);
  }, 60_000);

  it('prints nothing extra without --progress when stderr is not a terminal, or with --quiet', () => {
    for (const args of [[big], [small, '--progress', '--quiet'], [small, '--progress', '-q']]) {
      const r = run(['compile', ...args, '-o', join(dir, 'quiet.mjs')]);
      expect(r.code, r.err).toBe(0);
      expect(r.err).toBe('');
      expect(r.out).toBe('');
    }
  }, 60_000);

  // A terminal through util-linux `script`, where it exists.
  const script = spawnSync('script', ['--version'], { encoding: 'utf8' }).status === 0;
  const onTerminal = (args: string[]) => {
    const cmd = [process.execPath, bin, ...args].map((a) => `'${a.replace(/'/g, `'\\''`)}'`).join(' ');
    const r = spawnSync('script', ['-qec', cmd, '/dev/null'], { encoding: 'utf8' });
    return { code: r.status, text: r.stdout };
  };

  it.skipIf(!script)('on a terminal: one line redrawn in place for big modules and erased at the end; none for small ones', () => {
    const r = onTerminal(['compile', big, '-o', join(dir, 'tty.mjs')]);
    expect(r.code, r.text).toBe(0);
    expect(r.text).toMatch(/^\r.*: compiled 0\/\d+ functions \(0%\)\x1b\[K/);
    expect(r.text).toMatch(/compiled (\d+)\/\1 functions \(100%\)\x1b\[K\r\x1b\[K$/);
    expect(r.text).not.toContain('\n');
    expect(onTerminal(['compile', big, '-o', join(dir, 'tty.mjs'), '--quiet']).text).toBe('');
    expect(onTerminal(['compile', small, '-o', join(dir, 'tty-small.mjs')]).text).toBe('');
  }, 60_000);

  it.skipIf(!script)('on a terminal, an error after some progress is printed on a clean line', () => {
    const out = join(dir, 'broken.mjs');
    const r = onTerminal(['compile', broken, '-o', out]);
    expect(r.code).toBe(1);
    // The progress line is erased before the message; nothing is written.
    expect(r.text).toMatch(/\r\x1b\[K[^\r\x1b]*broken\.wasm:\d+: [^\n]+\r?\n$/);
    expect(existsSync(out)).toBe(false);
  }, 60_000);
});
