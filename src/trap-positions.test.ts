// Where a trap is in the module, as the source map tells it, against the native
// engine: V8 reports a trap in Wasm at the byte offset of the instruction that
// trapped (`wasm-function[i]:0x53`); the compiled function's frame, mapped back
// through the source map, must give the same offset. Also: functions without a
// name-section name show their export name in stack traces.
//
// Not here: out-of-bounds memory accesses. Their trap is a RangeError of a
// DataView, turned into a RuntimeError where it leaves for JS
// (runtime/exceptions.ts toHost), so its stack starts at the export boundary.
import { describe, it, expect } from 'vitest';
import { SourceMap } from 'node:module';
import { compile, loadFactory } from './index.js';
import { wat } from './testing/wasm-bytes.js';

const MODULE = `(module
  (memory 1)
  (func $id (param i32) (result i32) (local.get 0))
  (func (export "return_div") (param i32 i32) (result i32) (i32.div_s (local.get 0) (local.get 1)))
  (func (export "local_set_rem") (param i32 i32) (result i32) (local i32)
    (local.set 2 (i32.rem_u (local.get 0) (local.get 1)))
    (i32.add (local.get 2) (i32.const 1)))
  (func (export "folded_div") (param i32 i32) (result i32)
    (i32.add (i32.const 1) (i32.mul (i32.const 3) (i32.div_u (local.get 0) (local.get 1)))))
  (func (export "call_arg_div") (param i32 i32) (result i32) (call $id (i32.div_s (local.get 0) (local.get 1))))
  (func (export "br_if_div") (param i32 i32) (result i32)
    (block $b (br_if $b (i32.div_s (local.get 0) (local.get 1)))) (i32.const 7))
  (func (export "if_div") (param i32 i32) (result i32)
    (if (result i32) (i32.div_s (local.get 0) (local.get 1)) (then (i32.const 1)) (else (i32.const 2))))
  (func (export "drop_div") (param i32 i32) (drop (i32.div_s (local.get 0) (local.get 1))))
  (func (export "store_div") (param i32 i32) (i32.store (i32.const 0) (i32.div_s (local.get 0) (local.get 1))))
  (table 2 funcref)
  (type $v (func))
  (func (export "call_indirect_null") (param i32) (call_indirect (type $v) (local.get 0)))
  (func (export "trunc") (param f64) (result i32) (i32.trunc_f64_s (local.get 0)))
  (func (export "unreachable") (param i32) (result i32) (local.get 0) (unreachable))
  (func (export "overflow") (param i32 i32) (result i32) (nop) (i32.div_s (local.get 0) (local.get 1)))
)`;

/** Each export with arguments that make it trap. */
const CALLS: [string, unknown[]][] = [
  ['return_div', [1, 0]],
  ['local_set_rem', [1, 0]],
  ['folded_div', [1, 0]],
  ['call_arg_div', [1, 0]],
  ['br_if_div', [1, 0]],
  ['if_div', [1, 0]],
  ['drop_div', [1, 0]],
  ['store_div', [1, 0]],
  ['call_indirect_null', [1]],
  ['trunc', [NaN]],
  ['unreachable', [0]],
  ['overflow', [-0x80000000, -1]],
];

function thrown(f: () => unknown): Error {
  try {
    f();
  } catch (e) {
    return e as Error;
  }
  throw new Error('no trap');
}

describe('trap positions through the source map', () => {
  const bytes = wat(MODULE);
  const native = new WebAssembly.Instance(new WebAssembly.Module(bytes)).exports as Record<string, (...a: unknown[]) => unknown>;
  const { js, map } = compile(bytes, { format: 'factory', sourceMap: true });
  const ours = loadFactory(js).instantiateSync().instance.exports as Record<string, (...a: unknown[]) => unknown>;

  it.each(CALLS)('%s traps at the instruction native V8 names', (name, args) => {
    const n = thrown(() => native[name](...args));
    const o = thrown(() => ours[name](...args));
    expect(o.constructor.name).toBe(n.constructor.name);
    // The innermost Wasm frame natively; the innermost compiled function (f<i>...) in ours.
    const want = /wasm-function\[(\d+)\]:0x([0-9a-f]+)/.exec(n.stack!)!;
    const frame = o.stack!.split('\n').find((l) => /^\s+at f\d+/.test(l))!;
    const at = /<anonymous>:(\d+):(\d+)\)$/.exec(frame)!;
    expect(frame).toMatch(new RegExp(`^\\s+at f${want[1]}_`));
    // Looked up as Node's --enable-source-maps does (and browsers: the last
    // mapping at or before the position).
    const pos = new SourceMap(JSON.parse(map!)).findEntry(Number(at[1]) - 1, Number(at[2]) - 1) as { originalLine: number; originalColumn: number };
    expect(pos.originalLine).toBe(0);
    expect(pos.originalColumn, frame).toBe(parseInt(want[2], 16));
  });

  it('names unnamed exported functions after their export in stack traces', () => {
    const o = thrown(() => ours.return_div(1, 0));
    expect(o.stack).toMatch(/^\s+at f1_return_div \(/m);
    // The name section, where there is one, still wins.
    const named = wat('(module (func $inner (export "outer") (result i32) (i32.div_s (i32.const 1) (i32.const 0))))', true);
    const e = thrown(() => (loadFactory(compile(named, { format: 'factory' }).js).instantiateSync().instance.exports.outer as () => unknown)());
    expect(e.stack).toMatch(/^\s+at f0_inner \(/m);
  });
});
