// Differential tests: every fixture in fixtures/ is compiled with wasm2es and also
// run by the host's own WebAssembly engine; each call listed in the fixture's
// .cases.json must give the same result (bit-exact) or the same kind of trap on
// both. No expected value is written down anywhere: the native run is the oracle.
//
// Also here: the ESM output imported as a module, run with WebAssembly disabled,
// parsed by acorn; source maps; and the robustness sweep over malformed input.
import { describe, it, expect, beforeAll } from 'vitest';
import { readFileSync, readdirSync, writeFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, dirname } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { spawnSync, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import * as acorn from 'acorn';
import { compile, loadFactory, CompileError } from './index.js';
import type { CompileOptions } from './api.js';
import { runtime, RuntimeError } from './runtime/index.js';
// @ts-ignore: plain JS, the fuzz scripts' seeded PRNG (mulberry32)
import { prng } from '../fuzz/wasm-bytes.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const FIXTURES = join(here, '..', 'fixtures');

const wabt = await (await import('wabt')).default();
type Bytes = Uint8Array<ArrayBuffer>;
function wat2wasm(name: string, text: string): Bytes {
  const mod = wabt.parseWat(name, text, { multi_memory: true, bulk_memory: true, reference_types: true, multi_value: true, sat_float_to_int: true, sign_extension: true } as Record<string, boolean>);
  try {
    return new Uint8Array(mod.toBinary({}).buffer);
  } finally {
    mod.destroy();
  }
}

const fixtureNames = readdirSync(FIXTURES)
  .filter((f) => f.endsWith('.wat'))
  .map((f) => f.slice(0, -4))
  .sort();
const binaries = new Map<string, Bytes>();
for (const name of fixtureNames) binaries.set(name, wat2wasm(name + '.wat', readFileSync(join(FIXTURES, name + '.wat'), 'utf8')));

// ---------------------------------------------------------------------------
// Case descriptions and how to run them against an instance's exports

type Case = Record<string, any>;

/** JSON argument -> JS value: "12n" is a BigInt; a few names stand for IEEE specials. */
function decodeArg(a: unknown): unknown {
  if (typeof a !== 'string') return a;
  if (/^-?\d+n$/.test(a)) return BigInt(a.slice(0, -1));
  switch (a) {
    case 'NaN': return NaN;
    case 'Infinity': return Infinity;
    case '-Infinity': return -Infinity;
    case '-0': return -0;
    default: return a; // left as a string: exercises ToInt32 / ToNumber of strings
  }
}

function describeCase(c: Case): string {
  const args = (c.args ?? []).map((a: unknown) => JSON.stringify(a)).join(', ');
  if ('export' in c && !('table_set' in c) && !('table_grow' in c) && !('table_same' in c)) return `${c.export}(${args})`;
  return JSON.stringify(c);
}

function runCase(exports: Record<string, any>, c: Case): unknown {
  const args = (c.args ?? []).map(decodeArg);
  if ('memory' in c) return Array.from(new Uint8Array(exports[c.memory].buffer, c.offset, c.length));
  if ('memory_size' in c) return exports[c.memory_size].buffer.byteLength;
  if ('global' in c) {
    if ('set' in c) {
      exports[c.global].value = decodeArg(c.set);
      return undefined;
    }
    return exports[c.global].value;
  }
  if ('table_length' in c) return exports[c.table_length].length;
  if ('table_call' in c) return exports[c.table_call].get(c.index)(...args);
  if ('table_set' in c) return exports[c.table_set].set(c.index, exports[c.export]);
  if ('table_set_null' in c) return exports[c.table_set_null].set(c.index, null);
  if ('table_grow' in c) {
    const t = exports[c.table_grow];
    return 'export' in c ? t.grow(c.delta, exports[c.export]) : t.grow(c.delta);
  }
  if ('table_get_null' in c) return exports[c.table_get_null].get(c.index) === null;
  if ('table_same' in c) return exports[c.table_same].get(c.index) === exports[c.export];
  if ('export' in c) {
    const f = exports[c.export];
    if (typeof f !== 'function') throw new Error(`fixture error: no exported function ${c.export}`);
    return f(...args);
  }
  throw new Error('fixture error: unknown case ' + JSON.stringify(c));
}

// ---------------------------------------------------------------------------
// Outcomes, encoded so that equality means bit-for-bit equality

const f64 = new Float64Array(1);
const u8 = new Uint8Array(f64.buffer);
function numberBits(x: number): string {
  f64[0] = x;
  return Array.from(u8).reverse().map((b) => b.toString(16).padStart(2, '0')).join('');
}
/** Numbers become their IEEE double bits (so -0, NaN payloads and f32 rounding all count). */
export function encodeValue(v: unknown): unknown {
  if (typeof v === 'number') return `num:${numberBits(v)}${Number.isNaN(v) ? ' NaN' : ` (${Object.is(v, -0) ? '-0' : v})`}`;
  if (typeof v === 'bigint') return `${v}n`;
  if (Array.isArray(v)) return v.map(encodeValue);
  if (typeof v === 'function') return 'function';
  if (v === undefined) return 'undefined';
  if (v === null || typeof v === 'boolean' || typeof v === 'string') return v;
  if (typeof v === 'object') {
    const o: Record<string, unknown> = {};
    for (const [k, x] of Object.entries(v as object)) o[k] = encodeValue(x);
    return o;
  }
  return String(v);
}

type Outcome =
  | { kind: 'value'; value: unknown }
  | { kind: 'throw'; error: unknown };

function outcome(f: () => unknown): Outcome {
  try {
    return { kind: 'value', value: encodeValue(f()) };
  } catch (error) {
    return { kind: 'throw', error };
  }
}

/**
 * V8's trap messages, each with what wasm2es (which follows the spec
 * interpreter's wording) may say for the same trap.
 */
const TRAP_CLASSES: [RegExp, RegExp][] = [
  [/divide by zero|remainder by zero/, /divide by zero/],
  [/divide result unrepresentable/, /integer overflow/],
  [/float unrepresentable in integer range/, /integer overflow|invalid conversion/],
  [/memory access out of bounds/, /out of bounds memory access/],
  [/unreachable/, /unreachable/],
  [/null function or function signature mismatch/, /indirect call type mismatch|uninitialized element|null/],
  [/table index is out of bounds/, /undefined element|out of bounds table access/],
  [/data segment out of bounds|segment has been dropped/, /out of bounds memory access/],
  [/element segment out of bounds/, /out of bounds table access/],
];

/** Asserts that our outcome matches the native one; `what` names the case in messages. */
export function expectSameOutcome(ours: Outcome, native: Outcome, what: string): void {
  if (native.kind === 'value') {
    if (ours.kind === 'throw') {
      const e = ours.error as Error;
      throw new Error(`${what}: native returned ${JSON.stringify(native.value)}, wasm2es threw ${e?.name}: ${e?.message}\n${e?.stack}`);
    }
    expect(ours.value, what).toEqual(native.value);
    return;
  }
  const ne = native.error as Error;
  if (ours.kind === 'value') {
    throw new Error(`${what}: native threw ${ne?.name}: ${ne?.message}, wasm2es returned ${JSON.stringify(ours.value)}`);
  }
  const oe = ours.error as Error;
  if (ne instanceof WebAssembly.RuntimeError) {
    expect(oe, `${what}: trap class (got ${oe?.name}: ${oe?.message})`).toBeInstanceOf(WebAssembly.RuntimeError);
    expect(oe, `${what}: runtime's RuntimeError`).toBeInstanceOf(RuntimeError);
    const cls = TRAP_CLASSES.find(([v8]) => v8.test(ne.message));
    if (!cls) throw new Error(`${what}: test needs a class for V8 trap message "${ne.message}"`);
    expect(oe.message, `${what}: trap message (native: "${ne.message}")`).toMatch(cls[1]);
    return;
  }
  if (ne instanceof RangeError && /call stack/i.test(ne.message)) {
    const ok = oe instanceof RangeError || oe instanceof RuntimeError;
    expect(ok, `${what}: stack exhaustion should be RangeError or RuntimeError, got ${oe?.name}: ${oe?.message}`).toBe(true);
    return;
  }
  // Any other JS exception (TypeError from the JS API, ...): same constructor.
  expect(oe?.constructor?.name, `${what}: error type (native: ${ne?.name}: ${ne?.message}; ours: ${oe?.message})`).toBe(ne?.constructor?.name);
}

// ---------------------------------------------------------------------------
// Per-fixture host imports. Built twice (once per engine) from the matching JS API,
// so that both instances see identical, independent host state; `probe` reports
// that state after every case so that it is compared as well.

interface Api {
  Global: any;
  Memory: any;
  Table: any;
}
interface Host {
  imports: Record<string, Record<string, unknown>>;
  probe(): unknown;
}
const HOSTS: Record<string, (api: Api) => Host> = {
  callbacks: () => {
    const log: unknown[] = [];
    return {
      imports: {
        env: {
          log: (k: number, acc: number) => void log.push([k, acc]),
          // Not an integer and possibly beyond 2^31: exercises ToInt32 on the way back.
          js_combine: (a: number, b: number) => a * 3 + b + 0.75,
          // Beyond 2^63 for large inputs: exercises ToBigInt64 wrapping.
          js_wide: (x: bigint) => x * 3n + 1n,
        },
      },
      probe: () => log.slice(),
    };
  },
  globals_multi: (api) => {
    const counter = new api.Global({ value: 'i32', mutable: true }, 100);
    const ratio = new api.Global({ value: 'f64', mutable: true }, 0.5);
    return {
      imports: { env: { counter, base: 1000n, ratio } },
      probe: () => ({ counter: counter.value, ratio: ratio.value }),
    };
  },
};
const noHost = (): Host => ({ imports: {}, probe: () => null });

const nativeApi: Api = { Global: WebAssembly.Global, Memory: WebAssembly.Memory, Table: WebAssembly.Table };
const ourApi: Api = { Global: runtime.Global, Memory: runtime.Memory, Table: runtime.Table };

function compileFactory(bytes: Uint8Array, options: CompileOptions = {}) {
  return loadFactory(compile(bytes, { ...options, format: 'factory' }).js);
}

/**
 * Every fixture also runs with every function split into small pieces
 * (codegen/split.ts normally splits only big functions), so the fixtures
 * exercise the splitter's exits, write-backs and returns.
 */
const VARIANTS: [string, CompileOptions][] = [
  ['', {}],
  [' (split into pieces)', { split: { above: 0, target: 24, min: 2 } }],
];

// ---------------------------------------------------------------------------

describe('the comparison itself', () => {
  // Guards against a harness that can never fail.
  it('tells apart values that differ only in bits', () => {
    const v = (x: unknown): Outcome => ({ kind: 'value', value: encodeValue(x) });
    expect(() => expectSameOutcome(v(0), v(-0), 'zero sign')).toThrow();
    expect(() => expectSameOutcome(v(0.1), v(Math.fround(0.1)), 'f32 rounding')).toThrow();
    expect(() => expectSameOutcome(v(1n), v(1), 'bigint vs number')).toThrow();
    expect(() => expectSameOutcome(v([1, 2]), v([2, 1]), 'order')).toThrow();
    const f = new Float64Array([NaN]);
    new Uint8Array(f.buffer)[0] = 1;
    expect(() => expectSameOutcome(v(f[0]), v(NaN), 'NaN payload')).toThrow();
    expect(() => expectSameOutcome(v(NaN), v(NaN), 'same NaN')).not.toThrow();
  });
  it('tells apart traps of different kinds, and a trap from a value', () => {
    const t = (e: Error): Outcome => ({ kind: 'throw', error: e });
    expect(() => expectSameOutcome(t(new RuntimeError('unreachable')), t(new WebAssembly.RuntimeError('divide by zero')), 'kind')).toThrow();
    expect(() => expectSameOutcome(t(new RuntimeError('integer divide by zero')), t(new WebAssembly.RuntimeError('divide by zero')), 'same')).not.toThrow();
    expect(() => expectSameOutcome(t(new TypeError('integer divide by zero')), t(new WebAssembly.RuntimeError('divide by zero')), 'class')).toThrow();
    expect(() => expectSameOutcome({ kind: 'value', value: 1 }, t(new WebAssembly.RuntimeError('unreachable')), 'no trap')).toThrow();
  });
});

describe('fixtures: wasm2es vs native WebAssembly', () => {
  it('finds the fixtures and their case lists', () => {
    expect(fixtureNames.length).toBeGreaterThanOrEqual(5);
    for (const name of fixtureNames) expect(() => readFileSync(join(FIXTURES, name + '.cases.json'))).not.toThrow();
  });

  for (const name of fixtureNames) for (const [variant, options] of VARIANTS) {
    describe(name + variant, () => {
      const cases: Case[] = JSON.parse(readFileSync(join(FIXTURES, name + '.cases.json'), 'utf8'));
      const bytes = binaries.get(name)!;
      let nativeExports: Record<string, any>;
      let ourExports: Record<string, any>;
      let nativeHost: Host;
      let ourHost: Host;

      beforeAll(() => {
        const makeHost = HOSTS[name] ?? noHost;
        nativeHost = makeHost(nativeApi);
        ourHost = makeHost(ourApi);
        const nativeInstance = new WebAssembly.Instance(new WebAssembly.Module(bytes), nativeHost.imports as WebAssembly.Imports);
        nativeExports = nativeInstance.exports as Record<string, any>;
        ourExports = compileFactory(bytes, options).instantiateSync(ourHost.imports).instance.exports;
      });

      it('exports the same names with the same kinds', () => {
        const kinds = (x: Record<string, any>) =>
          Object.keys(x).map((k) => {
            const v = x[k];
            const kind = typeof v === 'function' ? 'function' : Object.prototype.toString.call(v);
            return `${k}:${kind}`;
          });
        expect(kinds(ourExports)).toEqual(kinds(nativeExports));
        expect(compileFactory(bytes).exports).toEqual(WebAssembly.Module.exports(new WebAssembly.Module(bytes)));
        expect(compileFactory(bytes).imports).toEqual(WebAssembly.Module.imports(new WebAssembly.Module(bytes)));
      });

      cases.forEach((c, i) => {
        const what = `${name}#${i} ${describeCase(c)}`;
        it(what, () => {
          const native = outcome(() => runCase(nativeExports, c));
          const ours = outcome(() => runCase(ourExports, c));
          expectSameOutcome(ours, native, what);
          expect(encodeValue(ourHost.probe()), `${what}: host-visible state`).toEqual(encodeValue(nativeHost.probe()));
        });
      });
    });
  }
});

// ---------------------------------------------------------------------------
// ES module output

describe('ESM output', () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'wasm2es-test-'));
    return () => rmSync(dir, { recursive: true, force: true });
  });

  const demoCalls: [string, unknown[]][] = [
    ['fib', [20]],
    ['fib_iter', [90]],
    ['sum_squares', [1000]],
    ['factorial', [22n]],
    ['gcd', [84, 36]],
  ];
  const nativeDemo = () => {
    const inst = new WebAssembly.Instance(new WebAssembly.Module(binaries.get('demo')!), {});
    const x = inst.exports as Record<string, any>;
    return demoCalls.map(([f, a]) => encodeValue(x[f](...a)));
  };

  it('demo.wat: imported as a module, gives the native results', async () => {
    const file = join(dir, 'demo.mjs');
    writeFileSync(file, compile(binaries.get('demo')!).js);
    const mod = await import(/* @vite-ignore */ pathToFileURL(file).href);
    expect(typeof mod.instantiate).toBe('function');
    expect(typeof mod.instantiateSync).toBe('function');
    expect(mod.exports).toEqual(WebAssembly.Module.exports(new WebAssembly.Module(binaries.get('demo')!)));
    expect(mod.imports).toEqual([]);
    const { instance, module } = await mod.instantiate({});
    expect(module.exports).toEqual(mod.exports);
    const got = demoCalls.map(([f, a]) => encodeValue(instance.exports[f](...a)));
    expect(got).toEqual(nativeDemo());
    const sync = mod.instantiateSync({}).instance.exports;
    expect(encodeValue(sync.fib(15))).toEqual(encodeValue((new WebAssembly.Instance(new WebAssembly.Module(binaries.get('demo')!), {}).exports as any).fib(15)));
  });

  it('runs under node --noexpose-wasm (no WebAssembly global at all)', () => {
    writeFileSync(join(dir, 'demo.mjs'), compile(binaries.get('demo')!).js);
    writeFileSync(join(dir, 'traps.mjs'), compile(binaries.get('traps')!).js);
    const script = `
      import * as demo from './demo.mjs';
      import * as traps from './traps.mjs';
      const out = { hasWasm: typeof WebAssembly !== 'undefined' };
      const x = demo.instantiateSync({}).instance.exports;
      out.results = ${JSON.stringify(demoCalls.map(([f, a]) => [f, a.map(String)]))}
        .map(([f, a]) => x[f](...a.map((s, i) => f === 'factorial' ? BigInt(s) : Number(s))))
        .map((v) => typeof v === 'bigint' ? v.toString() + 'n' : v);
      const t = traps.instantiateSync({}).instance.exports;
      try { t.div_s(1, 0); out.trap = 'none'; } catch (e) { out.trap = e.name + ': ' + e.message; out.isError = e instanceof Error; }
      console.log(JSON.stringify(out));
    `;
    writeFileSync(join(dir, 'main.mjs'), script);
    // V8 spells the switch --noexpose-wasm; builds that dropped it still disable
    // WebAssembly under --jitless. Use the first one this node accepts.
    let r = spawnSync(process.execPath, ['--noexpose-wasm', join(dir, 'main.mjs')], { encoding: 'utf8', timeout: 60_000 });
    if (/bad option/.test(r.stderr)) {
      r = spawnSync(process.execPath, ['--jitless', join(dir, 'main.mjs')], { encoding: 'utf8', timeout: 60_000 });
    }
    expect(r.status, r.stderr).toBe(0);
    expect(r.stderr.replace(/^.*(Warning|warning).*\n?/gm, ''), r.stderr).toBe('');
    const out = JSON.parse(r.stdout.trim());
    expect(out.hasWasm).toBe(false);
    const inst = new WebAssembly.Instance(new WebAssembly.Module(binaries.get('demo')!), {}).exports as Record<string, any>;
    const expected = demoCalls.map(([f, a]) => {
      const v = inst[f](...a);
      return typeof v === 'bigint' ? v.toString() + 'n' : v;
    });
    expect(out.results).toEqual(expected);
    expect(out.trap).toMatch(/^RuntimeError: .*divide by zero/);
    expect(out.isError).toBe(true);
  });

  for (const name of fixtureNames) {
    it(`${name}: ESM and factory output parse with acorn`, () => {
      const bytes = binaries.get(name)!;
      const esm = compile(bytes).js;
      expect(() => acorn.parse(esm, { ecmaVersion: 'latest', sourceType: 'module' })).not.toThrow();
      const factory = compile(bytes, { format: 'factory' }).js;
      const ast = acorn.parse(factory, { ecmaVersion: 'latest', sourceType: 'script' }) as any;
      // One expression statement: the factory function.
      expect(ast.body.length).toBe(1);
      expect(ast.body[0].type).toBe('ExpressionStatement');
    });
  }
});

// ---------------------------------------------------------------------------
// Source maps

const B64 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';
function decodeMappings(mappings: string): number[][][] {
  // Returns, per generated line, the segments with absolute values:
  // [genCol, srcIndex, srcLine, srcCol, (name)].
  const lines: number[][][] = [];
  let src = 0, srcLine = 0, srcCol = 0, name = 0;
  for (const line of mappings.split(';')) {
    const segs: number[][] = [];
    let genCol = 0;
    for (const seg of line.split(',')) {
      if (seg === '') continue;
      const vals: number[] = [];
      let shift = 0, value = 0;
      for (const ch of seg) {
        const d = B64.indexOf(ch);
        if (d < 0) throw new Error(`bad base64 digit ${ch}`);
        value += (d & 31) << shift;
        if (d & 32) shift += 5;
        else {
          vals.push(value & 1 ? -(value >>> 1) : value >>> 1);
          shift = 0;
          value = 0;
        }
      }
      if (shift !== 0) throw new Error('unterminated VLQ');
      if (![1, 4, 5].includes(vals.length)) throw new Error(`segment with ${vals.length} fields`);
      genCol += vals[0];
      const abs = [genCol];
      if (vals.length >= 4) {
        src += vals[1];
        srcLine += vals[2];
        srcCol += vals[3];
        abs.push(src, srcLine, srcCol);
        if (vals.length === 5) abs.push((name += vals[4]));
      }
      segs.push(abs);
    }
    lines.push(segs);
  }
  return lines;
}

describe('indentation', () => {
  it('indent: false drops nesting indentation only; the code is the same', () => {
    const bytes = binaries.get('sort')!;
    const on = compile(bytes, { indent: true }).js;
    const off = compile(bytes, { indent: false }).js;
    const strip = (js: string) => js.replace(/^ +/gm, '');
    expect(off).not.toBe(on);
    expect(strip(off)).toBe(strip(on));
    // Below 256 KiB of code the default is indented.
    expect(compile(bytes).js).toBe(on);
  });
});

describe('source maps', () => {
  for (const name of ['demo', 'sort', 'traps']) {
    it(`${name}: sourceMap: true yields a valid map into the .wasm`, () => {
      const bytes = binaries.get(name)!;
      const r = compile(bytes, { sourceMap: true, filename: `dir/${name}.wasm` });
      expect(typeof r.map).toBe('string');
      const map = JSON.parse(r.map!);
      expect(map.version).toBe(3);
      expect(Array.isArray(map.sources)).toBe(true);
      expect(map.sources.length).toBeGreaterThan(0);
      for (const s of map.sources) expect(s).toMatch(/\.wasm$/);
      expect(typeof map.mappings).toBe('string');
      const lines = decodeMappings(map.mappings);
      const segs = lines.flat().filter((s) => s.length >= 4);
      expect(segs.length).toBeGreaterThan(0);
      const jsLines = r.js.split('\n');
      expect(lines.length).toBeLessThanOrEqual(jsLines.length);
      for (const [l, line] of lines.entries()) {
        for (const s of line) {
          expect(s[0], `generated column on line ${l + 1}`).toBeLessThanOrEqual(jsLines[l].length);
          if (s.length < 4) continue;
          expect(s[1]).toBeLessThan(map.sources.length);
          // A .wasm is one "line"; the column is the byte offset.
          expect(s[2]).toBe(0);
          expect(s[3]).toBeGreaterThanOrEqual(0);
          expect(s[3]).toBeLessThan(bytes.length);
        }
      }
      // Without the option there is no map.
      expect(compile(bytes).map).toBeUndefined();
    });
  }
});

// ---------------------------------------------------------------------------
// Malformed input: compile must either succeed or throw CompileError, quickly.

const hex = (b: Uint8Array) => Array.from(b, (x) => x.toString(16).padStart(2, '0')).join('');

interface Failure {
  label: string;
  input: string;
  error: string;
}
/** Compiles; returns a description when the result is neither success nor CompileError. */
function robust(bytes: Uint8Array, label: string, failures: Failure[], slow: Failure[]): 'ok' | 'rejected' {
  const t0 = performance.now();
  try {
    compile(bytes, { format: 'factory' });
    return 'ok';
  } catch (e) {
    if (!(e instanceof CompileError)) {
      failures.push({ label, input: hex(bytes), error: (e as Error)?.stack ?? String(e) });
    }
    return 'rejected';
  } finally {
    const dt = performance.now() - t0;
    if (dt > 2000) slow.push({ label, input: hex(bytes), error: `took ${dt.toFixed(0)} ms` });
  }
}

function report(kind: string, list: Failure[]): string {
  return `${list.length} ${kind}:\n` + list.slice(0, 5).map((f) => `  ${f.label}\n  input=${f.input.slice(0, 400)}\n  ${f.error.split('\n').slice(0, 6).join('\n  ')}`).join('\n');
}

describe('malformed input', () => {
  const SEED = 0x5eed2026;

  it('every truncation of every fixture binary: success or CompileError', () => {
    const failures: Failure[] = [];
    const slow: Failure[] = [];
    const disagreements: Failure[] = [];
    for (const name of fixtureNames) {
      const bytes = binaries.get(name)!;
      for (let n = 0; n < bytes.length; n++) {
        const r = robust(bytes.subarray(0, n), `${name}[0..${n})`, failures, slow);
        // A strict prefix of a valid module always lacks part of a section... except
        // when the cut falls exactly between sections: then it is a valid module.
        if (r === 'ok' && !WebAssembly.validate(bytes.subarray(0, n))) {
          disagreements.push({ label: `${name}[0..${n})`, input: hex(bytes.subarray(0, n)), error: 'accepted by wasm2es, rejected by V8' });
        }
      }
    }
    expect(failures, report('non-CompileError throws', failures)).toEqual([]);
    expect(disagreements, report('validation disagreements with V8', disagreements)).toEqual([]);
    expect(slow, report('slow compiles', slow)).toEqual([]);
  }, 300_000);

  it('2,000 single-byte mutations: success or CompileError', () => {
    const rand = prng(SEED);
    const failures: Failure[] = [];
    const disagreements: Failure[] = [];
    const slow: Failure[] = [];
    for (let i = 0; i < 2000; i++) {
      const name = fixtureNames[Math.floor(rand() * fixtureNames.length)];
      const bytes = binaries.get(name)!.slice();
      const pos = Math.floor(rand() * bytes.length);
      const old = bytes[pos];
      bytes[pos] = (old + 1 + Math.floor(rand() * 255)) & 0xff;
      const label = `seed=${SEED.toString(16)} i=${i} ${name}[${pos}] ${old}->${bytes[pos]}`;
      const r = robust(bytes, label, failures, slow);
      // Differential validation: what we accept V8 must accept; what V8 accepts we
      // may only refuse as an unsupported feature.
      const v8 = WebAssembly.validate(bytes);
      if (r === 'ok' && !v8) disagreements.push({ label, input: hex(bytes), error: 'accepted by wasm2es, rejected by V8' });
      if (r === 'rejected' && v8) {
        let msg = '';
        try {
          compile(bytes, { format: 'factory' });
        } catch (e) {
          msg = (e as Error).message;
        }
        if (!/unsupported feature/.test(msg)) disagreements.push({ label, input: hex(bytes), error: `rejected by wasm2es (${msg}), valid for V8` });
      }
    }
    expect(failures, report('non-CompileError throws', failures)).toEqual([]);
    expect(disagreements, report('validation disagreements with V8', disagreements)).toEqual([]);
    expect(slow, report('slow compiles', slow)).toEqual([]);
  }, 300_000);

  it('500 random byte strings (some with a valid header): success or CompileError', () => {
    const rand = prng(SEED ^ 0xabcdef);
    const failures: Failure[] = [];
    const slow: Failure[] = [];
    for (let i = 0; i < 500; i++) {
      const len = Math.floor(rand() * 200);
      const bytes = new Uint8Array(len);
      for (let k = 0; k < len; k++) bytes[k] = Math.floor(rand() * 256);
      // Half of them get the magic and version, so the section decoder is reached.
      if (i % 2 === 0 && len >= 8) bytes.set([0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00]);
      robust(bytes, `seed=${(SEED ^ 0xabcdef).toString(16)} i=${i}`, failures, slow);
    }
    expect(failures, report('non-CompileError throws', failures)).toEqual([]);
    expect(slow, report('slow compiles', slow)).toEqual([]);
  }, 300_000);

  it('CompileError carries a byte offset', () => {
    const bytes = binaries.get('demo')!.slice(0, 20);
    let err: any;
    try {
      compile(bytes);
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(CompileError);
    expect(typeof err.offset).toBe('number');
    expect(err.offset).toBeGreaterThanOrEqual(0);
    expect(err.offset).toBeLessThanOrEqual(20);
  });
});

// ---------------------------------------------------------------------------
// Unsupported features are reported as such.

describe('unsupported features', () => {
  it('exception handling is reported as "unsupported feature: exceptions" (or compiled, once lowered)', () => {
    let bytes: Uint8Array;
    try {
      const m = wabt.parseWat('eh.wat', '(module (tag $e (param i32)) (func (export "f") (param i32) (throw $e (local.get 0))))', { exceptions: true });
      bytes = new Uint8Array(m.toBinary({}).buffer);
    } catch {
      return; // this wabt build cannot write exceptions; nothing to check
    }
    try {
      compile(bytes);
    } catch (e) {
      expect(e).toBeInstanceOf(CompileError);
      expect((e as Error).message).toMatch(/unsupported feature: exceptions/);
    }
  });
});

// ---------------------------------------------------------------------------
// Random valid modules: binaryen's translate-to-fuzz turns seeded random bytes into
// a valid module with logging imports and a global hang limit (so every call ends).
// Each export is called on both engines; results, traps and the import log must
// agree. NaNs are compared only as NaN here: these modules compute NaNs by
// arithmetic, whose sign and payload the spec leaves open.

const WASM_OPT = join(here, '..', 'node_modules', '.bin', 'wasm-opt');
const FUZZ_MODULES = 12;
const FUZZ_SEED = 0xf022;

function runWasmOpt(input: string, output: string): Promise<number> {
  const disable = ['simd', 'threads', 'exception-handling', 'gc', 'tail-call', 'memory64', 'multimemory', 'relaxed-simd', 'strings', 'stack-switching', 'custom-descriptors', 'shared-everything', 'fp16', 'bulk-memory-opt', 'call-indirect-overlong'];
  return new Promise((resolve) => {
    const p = spawn(WASM_OPT, ['-ttf', input, '-o', output, ...disable.map((f) => `--disable-${f}`)], { stdio: 'ignore' });
    p.on('exit', (code) => resolve(code ?? -1));
    p.on('error', () => resolve(-1));
  });
}

/** Like encodeValue, but every NaN is just "NaN". */
function looseValue(v: unknown): unknown {
  if (typeof v === 'number' && Number.isNaN(v)) return 'NaN';
  if (Array.isArray(v)) return v.map(looseValue);
  return encodeValue(v);
}

describe.skipIf(!existsSync(WASM_OPT))('binaryen translate-to-fuzz modules', () => {
  const modules: { label: string; bytes: Bytes }[] = [];
  let dir: string;
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'wasm2es-ttf-'));
    const rand = prng(FUZZ_SEED);
    const jobs: Promise<void>[] = [];
    for (let i = 0; i < FUZZ_MODULES; i++) {
      const input = new Uint8Array(6000);
      for (let k = 0; k < input.length; k++) input[k] = Math.floor(rand() * 256);
      const inFile = join(dir, `in${i}.dat`);
      const outFile = join(dir, `m${i}.wasm`);
      writeFileSync(inFile, input);
      jobs.push(
        runWasmOpt(inFile, outFile).then((code) => {
          if (code === 0) modules[i] = { label: `seed=${FUZZ_SEED.toString(16)} module ${i}`, bytes: new Uint8Array(readFileSync(outFile)) };
        }),
      );
    }
    await Promise.all(jobs);
    return () => rmSync(dir, { recursive: true, force: true });
  }, 180_000);

  it('all modules generated', () => {
    expect(modules.filter(Boolean).length).toBe(FUZZ_MODULES);
  });

  for (let i = 0; i < FUZZ_MODULES; i++) {
    it(`module ${i}: every export agrees with native`, () => {
      const m = modules[i];
      if (!m) throw new Error('module was not generated');
      const host = (log: unknown[]) => ({
        'fuzzing-support': new Proxy({}, { get: (_t, name) => (...args: unknown[]) => void log.push([String(name), ...args.map(looseValue)]) }),
      });
      const nativeLog: unknown[] = [];
      const ourLog: unknown[] = [];
      const nativeInst = outcome(() => new WebAssembly.Instance(new WebAssembly.Module(m.bytes), host(nativeLog) as WebAssembly.Imports).exports);
      const ourInst = outcome(() => compileFactory(m.bytes).instantiateSync(host(ourLog)).instance.exports);
      if (nativeInst.kind === 'throw' || ourInst.kind === 'throw') {
        expectSameOutcome(ourInst, nativeInst, `${m.label}: instantiation`);
        return;
      }
      const nx = new WebAssembly.Instance(new WebAssembly.Module(m.bytes), host(nativeLog) as WebAssembly.Imports).exports as Record<string, any>;
      const ox = compileFactory(m.bytes).instantiateSync(host(ourLog)).instance.exports as Record<string, any>;
      nativeLog.length = 0;
      ourLog.length = 0;
      for (const name of Object.keys(nx)) {
        let args: unknown[] = [];
        if (typeof nx[name] === 'function') {
          // Parameter types are not visible from JS: find a Number/BigInt mix the
          // native function accepts, on a throwaway native instance.
          const n = nx[name].length;
          for (let mask = 0; mask < 1 << n; mask++) {
            const cand = Array.from({ length: n }, (_, k) => ((mask >> k) & 1 ? BigInt(k * 7 - 3) : k % 2 ? 1.5 : -3));
            const probe = new WebAssembly.Instance(new WebAssembly.Module(m.bytes), host([]) as WebAssembly.Imports).exports as Record<string, any>;
            try {
              probe[name](...cand);
            } catch (e) {
              if (e instanceof TypeError) continue;
            }
            args = cand;
            break;
          }
        }
        const call = (x: Record<string, any>) => () => {
          const v = x[name];
          if (typeof v === 'function') return looseValue(v(...args));
          if (v && 'value' in v) return looseValue(v.value);
          return 'not compared';
        };
        const nat = outcome(call(nx));
        const our = outcome(call(ox));
        // outcome() already encoded the (loose) values; compare them as they are.
        expectSameOutcome(our, nat, `${m.label}: export ${name}(${args.map(String).join(', ')})`);
        expect(ourLog, `${m.label}: import log after ${name}`).toEqual(nativeLog);
      }
    }, 60_000);
  }
});
