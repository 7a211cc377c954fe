// The command line, run as a user would: the built `bin/wasm2es.js` in a child
// process (it loads dist/, so the package must be built: `npm install` does it).
import { describe, it, expect, beforeAll } from 'vitest';
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, mkdirSync, writeFileSync, readFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve, dirname } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { SourceMapConsumer } from 'source-map';
import { wat } from '../testing/wasm-bytes.js';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
const bin = join(root, 'bin', 'wasm2es.js');
const built = existsSync(join(root, 'dist', 'cli', 'main.js'));

const escape = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

function run(args: string[]) {
  const r = spawnSync(process.execPath, [bin, ...args], { encoding: 'utf8' });
  return { code: r.status, out: r.stdout, err: r.stderr };
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
