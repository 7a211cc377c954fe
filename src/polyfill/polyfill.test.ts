// The polyfill namespace, used directly (this process has native WebAssembly:
// the namespace object is tested, not the global), and linked with modules
// compiled ahead of time. The JS-API conformance run is at the end.
import { describe, it, expect, beforeAll } from 'vitest';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { WebAssembly as W } from './index.js';
import { compile } from '../compile.js';
import { runtime } from '../runtime/index.js';
import { wat } from '../testing/wasm-bytes.js';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
type Exports = Record<string, any>;

const ADD = wat(`(module
  (import "env" "log" (func $log (param i32)))
  (memory (export "mem") 1)
  (func (export "add") (param i32 i32) (result i32)
    (call $log (local.get 0))
    (i32.add (local.get 0) (local.get 1))))`, true);

describe('polyfill namespace', () => {
  it('instantiates bytes and Modules, with the JS API shapes', async () => {
    const logged: number[] = [];
    const imports = { env: { log: (x: number) => logged.push(x) } };
    const { module, instance } = (await W.instantiate(ADD, imports)) as any;
    expect(module).toBeInstanceOf(W.Module);
    expect(instance).toBeInstanceOf(W.Instance);
    expect(instance.exports.add(2, 3)).toBe(5);
    expect(logged).toEqual([2]);
    expect(Object.getPrototypeOf(instance.exports)).toBe(null);
    expect(Object.isFrozen(instance.exports)).toBe(true);
    expect(instance.exports.mem).toBeInstanceOf(W.Memory);
    // The Module overload gives an Instance; new Instance is synchronous.
    const again = await W.instantiate(module, imports);
    expect(again).toBeInstanceOf(W.Instance);
    const sync = new W.Instance(module, imports);
    expect((sync.exports as Exports).add(40, 2)).toBe(42);
    expect(W.Module.imports(module)).toEqual([{ module: 'env', name: 'log', kind: 'function' }]);
    expect(W.Module.exports(module)).toEqual([{ name: 'mem', kind: 'memory' }, { name: 'add', kind: 'function' }]);
    expect(Object.prototype.toString.call(W)).toBe('[object WebAssembly]');
  });

  it('keeps custom sections, returning fresh copies', () => {
    const m = new W.Module(ADD);
    const [a] = W.Module.customSections(m, 'name');
    expect(a).toBeInstanceOf(ArrayBuffer);
    expect(a.byteLength).toBeGreaterThan(0);
    new Uint8Array(a).fill(0xff);
    const [b] = W.Module.customSections(m, 'name');
    expect(new Uint8Array(b).every((x) => x === 0xff)).toBe(false);
    expect(W.Module.customSections(m, 'nope')).toEqual([]);
  });

  it('reuses the compiled code for the same bytes', () => {
    // Equal bytes in a different buffer: a cache hit gives equal, separate Modules.
    const m1 = new W.Module(ADD);
    const m2 = new W.Module(ADD.slice());
    expect(m1).not.toBe(m2);
    const logged: number[] = [];
    const x1 = new W.Instance(m1, { env: { log: (v: number) => logged.push(v) } }).exports as Exports;
    const x2 = new W.Instance(m2, { env: { log: (v: number) => logged.push(-v) } }).exports as Exports;
    // Separate instances: separate memories, each with its own imports.
    expect(x1.mem).not.toBe(x2.mem);
    expect(x1.add(1, 1) + x2.add(3, 3)).toBe(8);
    expect(logged).toEqual([1, -3]);
  });

  it('compiles without Node\'s Buffer, as in a browser, to the same output', () => {
    // Data segments of every length modulo 3 (base64 padding), and all byte values.
    const all = Array.from({ length: 256 }, (_, i) => '\\' + i.toString(16).padStart(2, '0')).join('');
    const m = wat(`(module (memory 1)
      (data (i32.const 0) "")
      (data (i32.const 8) "a")
      (data (i32.const 16) "ab")
      (data (i32.const 24) "abc")
      (data (i32.const 32) "abcd")
      (data (i32.const 64) "${all}${all}x"))`);
    const withBuffer = compile(m).js;
    const g = globalThis as { Buffer?: unknown };
    const saved = g.Buffer;
    delete g.Buffer;
    let without: string;
    try {
      without = compile(m).js;
    } finally {
      g.Buffer = saved;
    }
    expect(without).toBe(withBuffer);
  });

  it('reports bad bytes as a CompileError with the byte offset', async () => {
    const bad = new Uint8Array([0, 0x61, 0x73, 0x6d, 1, 0, 0, 0, 0x01, 0x05, 0x01, 0x60, 0x00]);
    let err: any = null;
    try {
      new W.Module(bad);
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(W.CompileError);
    expect(typeof err.offset).toBe('number');
    expect(err.message).toMatch(/byte offset \d+/);
    expect(W.validate(bad)).toBe(false);
    expect(W.validate(ADD)).toBe(true);
    await expect(W.compile(bad)).rejects.toBeInstanceOf(W.CompileError);
    // Not bytes at all: a TypeError, thrown by validate, a rejection from compile.
    expect(() => W.validate([0, 0x61] as any)).toThrow(TypeError);
    await expect(W.compile({} as any)).rejects.toBeInstanceOf(TypeError);
  });

  it('reports a missing import as a LinkError, a missing import module as a TypeError', async () => {
    const m = new W.Module(ADD);
    expect(() => new W.Instance(m, { env: {} })).toThrow(W.LinkError);
    expect(() => new W.Instance(m, { env: {} })).toThrow(/"env" "log"/);
    expect(() => new W.Instance(m, {})).toThrow(TypeError);
    expect(() => new W.Instance(m)).toThrow(TypeError);
    await expect(W.instantiate(ADD, { env: { log: 1 } })).rejects.toBeInstanceOf(W.LinkError);
  });

  it('makes shared memories for JS (Atomics), which compiled modules cannot import', () => {
    const m = new W.Memory({ initial: 1, maximum: 2, shared: true });
    expect(m.buffer).toBeInstanceOf(SharedArrayBuffer);
    expect(Object.isFrozen(m.buffer)).toBe(true);
    expect(Atomics.wait(new Int32Array(m.buffer), 0, 1, 0)).toBe('not-equal');
    expect(m.grow(1)).toBe(1);
    expect(m.buffer.byteLength).toBe(2 * 65536);
    expect(() => new W.Memory({ initial: 1, shared: true })).toThrow(TypeError);
    const importer = wat('(module (import "env" "mem" (memory 1)))');
    expect(() => new W.Instance(new W.Module(importer), { env: { mem: m } })).toThrow(W.LinkError);
    expect(() => new W.Instance(new W.Module(importer), { env: { mem: new W.Memory({ initial: 1 }) } })).not.toThrow();
  });

  it('compiles a Response with instantiateStreaming, checking the MIME type', async () => {
    const ok = new Response(ADD, { headers: { 'Content-Type': 'application/wasm' } });
    const { instance } = (await W.instantiateStreaming(ok, { env: { log() {} } })) as any;
    expect(instance.exports.add(1, 2)).toBe(3);
    const wrongType = new Response(ADD, { headers: { 'Content-Type': 'application/octet-stream' } });
    await expect(W.compileStreaming(wrongType)).rejects.toBeInstanceOf(TypeError);
    await expect(W.compileStreaming(Promise.resolve(new Response(ADD, { headers: { 'Content-Type': 'application/wasm' } }))))
      .resolves.toBeInstanceOf(W.Module);
    await expect(W.compileStreaming(new Response(ADD, { status: 404, headers: { 'Content-Type': 'application/wasm' } })))
      .rejects.toBeInstanceOf(TypeError);
  });
});

describe('polyfill and AOT modules together', () => {
  // A: compiled ahead of time (ES module output, its runtime embedded);
  // B: compiled by the polyfill at run time. They share a tag made in JS.
  const A = wat(`(module
    (import "env" "t" (tag $t (param i32)))
    (import "env" "f" (func $f (param i32)))
    (func (export "throwA") (param i32) (throw $t (local.get 0)))
    (func (export "relay") (param i32) (call $f (local.get 0)))
    (func (export "catchF") (param i32) (result i32)
      (try (result i32)
        (do (call $f (local.get 0)) (i32.const -1))
        (catch $t (i32.add (i32.const 1000))))))`);
  const B = wat(`(module
    (import "env" "t" (tag $t (param i32)))
    (import "a" "throwA" (func $throwA (param i32)))
    (import "a" "relay" (func $relay (param i32)))
    (func (export "throwB") (param i32) (throw $t (local.get 0)))
    (func (export "catchA") (param i32) (result i32)
      (try (result i32)
        (do (call $throwA (local.get 0)) (i32.const -1))
        (catch $t (i32.add (i32.const 2000)))))
    (func (export "rethrowVia") (param i32)
      (try (do (call $relay (local.get 0))) (catch_all (rethrow 0)))))`);

  let a: Exports;
  let b: Exports;
  let tag: any;
  let hook: (x: number) => void = () => {};
  beforeAll(async () => {
    const dir = mkdtempSync(join(tmpdir(), 'wasm2es-polyfill-'));
    const file = join(dir, 'a.mjs');
    writeFileSync(file, compile(A).js);
    const modA = await import(/* @vite-ignore */ pathToFileURL(file).href);
    tag = new W.Tag({ parameters: ['i32'] });
    a = (await modA.instantiate({ env: { t: tag, f: (x: number) => hook(x) } })).instance.exports;
    b = ((await W.instantiate(B, { env: { t: tag }, a })) as any).instance.exports;
  });

  it('share one runtime: the same classes', () => {
    expect(W.Tag).toBe(runtime.Tag);
    expect(W.Exception).toBe(runtime.Exception);
    expect(W.Memory).toBe(runtime.Memory);
    expect(W.RuntimeError).toBe(runtime.RuntimeError);
  });

  it('an exception thrown by the AOT module is caught by the polyfill module', () => {
    expect(b.catchA(5)).toBe(2005);
  });

  it('an exception thrown by the polyfill module is caught by the AOT module', () => {
    hook = (x) => b.throwB(x);
    expect(a.catchF(6)).toBe(1006);
  });

  it('a JS exception object keeps its identity through both', () => {
    const ex = new W.Exception(tag, [9]);
    hook = () => {
      throw ex;
    };
    let caught: unknown = null;
    try {
      b.rethrowVia(0);
    } catch (e) {
      caught = e;
    }
    expect(caught).toBe(ex);
  });

  it('an exception leaving for JS is a WebAssembly.Exception carrying the shared tag', () => {
    let caught: any = null;
    try {
      a.throwA(3);
    } catch (e) {
      caught = e;
    }
    expect(caught).toBeInstanceOf(W.Exception);
    expect(caught.is(tag)).toBe(true);
    expect(caught.getArg(tag, 0)).toBe(3);
  });
});

describe('tables holding functions of other instances', () => {
  const ONE = wat('(module (func (export "f") (result i32) (i32.const 1)))');
  const TWO = wat('(module (func (export "f") (result i32) (i32.const 2)))');
  const CALLER = wat(`(module
    (import "env" "table" (table 3 funcref))
    (type $r (func (result i32)))
    (func (export "call") (param i32) (result i32) (call_indirect (type $r) (local.get 0))))`);
  // What emscripten's addFunction builds at run time to put a JS function in a table.
  const WRAP = wat(`(module
    (import "e" "f" (func $f (result i32)))
    (export "f" (func $f)))`);

  it('stores and calls functions from polyfill, AOT-compiled and native instances', async () => {
    const table = new W.Table({ initial: 3, element: 'anyfunc' });
    const one = (new W.Instance(new W.Module(ONE)).exports as Exports).f;
    const dir = mkdtempSync(join(tmpdir(), 'wasm2es-polyfill-'));
    writeFileSync(join(dir, 'two.mjs'), compile(TWO).js);
    const two = (await import(/* @vite-ignore */ pathToFileURL(join(dir, 'two.mjs')).href)).instantiateSync().instance.exports.f;
    table.set(0, one);
    table.set(1, two);
    expect(table.get(0)).toBe(one);
    expect(table.get(1)).toBe(two);
    const caller = (new W.Instance(new W.Module(CALLER), { env: { table } }).exports as Exports).call;
    expect(caller(0)).toBe(1);
    expect(caller(1)).toBe(2);
    // A function of a native instance (this process has native WebAssembly).
    const native = (new globalThis.WebAssembly.Instance(new globalThis.WebAssembly.Module(TWO)).exports as Exports).f;
    table.set(2, native);
    expect(caller(2)).toBe(2);
    expect(table.get(2)).toBe(native);
  });

  it('refuses a plain JS function, which a run-time wrapper module makes storable', () => {
    const table = new W.Table({ initial: 1, element: 'anyfunc' });
    const js = () => 7;
    expect(() => table.set(0, js)).toThrow(TypeError);
    const wrapped = (new W.Instance(new W.Module(WRAP), { e: { f: js } }).exports as Exports).f;
    table.grow(1, wrapped);
    const caller = (new W.Instance(new W.Module(CALLER), { env: { table: growTo(table, 3) } }).exports as Exports).call;
    expect(caller(1)).toBe(7);
    expect(() => caller(2)).toThrow(W.RuntimeError);
  });
});

function growTo(t: any, n: number) {
  t.grow(n - t.length);
  return t;
}

const built = existsSync(join(root, 'dist', 'polyfill', 'index.js'));
describe.skipIf(!built)('JS-API conformance (built polyfill, native WebAssembly hidden)', () => {
  it('passes every test of exception/ and tag/', () => {
    const r = spawnSync(process.execPath, ['--noexpose-wasm', join(root, 'test/js-api/run.mjs'), '--verbose', 'exception', 'tag'], {
      encoding: 'utf8',
      timeout: 120_000,
    });
    if (/no JS-API tests/.test(r.stdout)) return; // ../shared/js-api is not there
    expect(r.status, r.stdout + r.stderr).toBe(0);
    expect(r.stdout).toMatch(/exception\/\s+(\d+)\/\1\s/);
    expect(r.stdout).toMatch(/tag\/\s+(\d+)\/\1\s/);
  });
});
