// Evaluation order and operand-stack lowering. Each test is a small WAT module
// built to catch a specific lowering mistake (a value read too late, a side effect
// dropped or reordered, a value lost at a block boundary, ...). The expected
// results are never written here: every call is also made on the host's native
// WebAssembly, and the two runs must agree bit for bit (values) or trap alike.
import { describe, it, expect } from 'vitest';
import { compile, loadFactory } from '../index.js';
import { RuntimeError } from '../runtime/index.js';
// @ts-ignore: plain JS, the fuzz scripts' LEB128 encoders
import { uleb, sleb } from '../../fuzz/wasm-bytes.mjs';

const wabt = await (await import('wabt')).default();
type Bytes = Uint8Array<ArrayBuffer>;
function wat2wasm(text: string): Bytes {
  const m = wabt.parseWat('test.wat', text, { multi_value: true, bulk_memory: true, reference_types: true, sat_float_to_int: true, sign_extension: true });
  try {
    return new Uint8Array(m.toBinary({}).buffer);
  } finally {
    m.destroy();
  }
}

const f64 = new Float64Array(1);
const u32 = new Uint32Array(f64.buffer);
function enc(v: unknown): unknown {
  if (typeof v === 'number') {
    f64[0] = v;
    return `num:${u32[1].toString(16)}:${u32[0].toString(16)}`;
  }
  if (typeof v === 'bigint') return `${v}n`;
  if (Array.isArray(v)) return v.map(enc);
  if (v === undefined) return 'undefined';
  return v;
}

type Result = { value: unknown } | { trap: string; error: unknown };
function run(f: () => unknown): Result {
  try {
    return { value: enc(f()) };
  } catch (e) {
    return { trap: (e as Error)?.message, error: e };
  }
}

/** Same trap kinds, V8 wording vs the spec wording wasm2es uses. */
const TRAPS: [RegExp, RegExp][] = [
  [/divide by zero|remainder by zero/, /divide by zero/],
  [/divide result unrepresentable/, /integer overflow/],
  [/float unrepresentable/, /integer overflow|invalid conversion/],
  [/memory access out of bounds/, /out of bounds memory access/],
  [/unreachable/, /unreachable/],
  [/null function or function signature mismatch/, /indirect call type mismatch|uninitialized element/],
  [/table index is out of bounds/, /undefined element|out of bounds table access/],
  [/element segment out of bounds/, /out of bounds table access/],
  [/data segment out of bounds|segment has been dropped/, /out of bounds memory access/],
];

type Call = [name: string, ...args: unknown[]];
type ImportsFor = (api: 'native' | 'ours') => { imports: object; state: () => unknown };

/**
 * Instantiates `wat` natively and with wasm2es, makes the calls in order on both,
 * and compares each result (and the host state after each call).
 */
function differential(wat: string | Bytes, calls: Call[], importsFor?: ImportsFor): void {
  const bytes = typeof wat === 'string' ? wat2wasm(wat) : wat;
  const nh = importsFor?.('native');
  const oh = importsFor?.('ours');
  const native = new WebAssembly.Instance(new WebAssembly.Module(bytes), (nh?.imports ?? {}) as WebAssembly.Imports).exports as Record<string, any>;
  const ours = loadFactory(compile(bytes, { format: 'factory' }).js).instantiateSync(oh?.imports ?? {}).instance.exports as Record<string, any>;
  for (const [name, ...args] of calls) {
    const what = `${name}(${args.map(String).join(', ')})`;
    const n = run(() => native[name](...args));
    const o = run(() => ours[name](...args));
    if ('value' in n) {
      if ('trap' in o) throw new Error(`${what}: native gave ${JSON.stringify(n.value)}, wasm2es threw ${(o.error as Error)?.stack}`);
      expect(o.value, what).toEqual(n.value);
    } else {
      if ('value' in o) throw new Error(`${what}: native threw "${n.trap}", wasm2es returned ${JSON.stringify(o.value)}`);
      if (n.error instanceof WebAssembly.RuntimeError) {
        expect(o.error, `${what}: ${o.trap}`).toBeInstanceOf(RuntimeError);
        const cls = TRAPS.find(([v8]) => v8.test(n.trap));
        expect(cls, `unclassified V8 trap "${n.trap}"`).toBeDefined();
        expect(o.trap, `${what}: trap kind (native "${n.trap}")`).toMatch(cls![1]);
      } else if (n.error instanceof RangeError) {
        expect(o.error instanceof RangeError || o.error instanceof RuntimeError, `${what}: ${o.trap}`).toBe(true);
      } else {
        expect((o.error as Error)?.constructor?.name, what).toBe((n.error as Error)?.constructor?.name);
      }
    }
    if (nh && oh) expect(enc(oh.state()), `${what}: host state`).toEqual(enc(nh.state()));
  }
}

/** Host log shared by the import tests: each engine gets its own. */
const logImports: ImportsFor = () => {
  const log: unknown[] = [];
  return {
    imports: { env: { log: (x: unknown) => void log.push(x), logr: (x: number) => (log.push(x), x) } },
    state: () => log.slice(),
  };
};

describe('reads happen when the Wasm code says, not when the value is used', () => {
  it('a load used after a store to the same address sees the old value', () => {
    differential(
      `(module (memory (export "mem") 1)
        (func $poke (param i32) (i32.store (i32.const 0) (local.get 0)))
        (func (export "direct") (result i32)
          (i32.store (i32.const 0) (i32.const 1))
          (i32.load (i32.const 0))
          (i32.store (i32.const 0) (i32.const 2))
          (i32.load (i32.const 0))
          (i32.sub))
        (func (export "via_call") (result i32)
          (i32.store (i32.const 0) (i32.const 10))
          (i32.load (i32.const 0))
          (call $poke (i32.const 30))
          (i32.load (i32.const 0))
          (i32.sub))
        (func (export "across_fill") (result i64)
          (i64.store (i32.const 8) (i64.const 0x1122334455667788))
          (i64.load (i32.const 8))
          (memory.fill (i32.const 8) (i32.const 0xab) (i32.const 8))
          (i64.load (i32.const 8))
          (i64.xor))
        (func (export "across_copy") (result i32)
          (i32.store (i32.const 16) (i32.const 7))
          (i32.store (i32.const 20) (i32.const 9))
          (i32.load (i32.const 16))
          (memory.copy (i32.const 16) (i32.const 20) (i32.const 4))
          (i32.load (i32.const 16))
          (i32.const 100) (i32.mul) (i32.add))
        (func (export "f32_across_store") (result f32)
          (f32.store (i32.const 24) (f32.const 1.5))
          (f32.load (i32.const 24))
          (f32.store (i32.const 24) (f32.const 100))
          (f32.load (i32.const 24))
          (f32.sub))
        (func (export "size_across_grow") (result i32)
          (memory.size)
          (drop (memory.grow (i32.const 1)))
          (memory.size)
          (i32.const 10) (i32.mul) (i32.add))
        (func (export "store_after_grow") (param $p i32) (result i32)
          (drop (memory.grow (i32.const 1)))
          (i32.store (local.get $p) (i32.const 0x01020304))
          (i32.load8_u (local.get $p))))`,
      [['direct'], ['via_call'], ['across_fill'], ['across_copy'], ['f32_across_store'], ['size_across_grow'], ['size_across_grow'], ['store_after_grow', 65536 * 3 + 5], ['store_after_grow', 65536 * 4 + 5]],
    );
  });

  it('local.get, then local.set/tee of the same local, then use of the first value', () => {
    differential(
      `(module
        (func (export "set") (param i32) (result i32)
          (local.get 0)
          (local.set 0 (i32.const 5))
          (local.get 0)
          (i32.sub))
        (func (export "tee") (param i32) (result i32)
          (local.get 0)
          (local.tee 0 (i32.mul (local.get 0) (i32.const 3)))
          (i32.sub))
        (func (export "i64_swap") (param $a i64) (param $b i64) (result i64)
          (local.get $a) (local.get $b)
          (local.set $a) (local.set $b)
          (i64.sub (local.get $a) (local.get $b)))
        (func (export "across_block") (param i32) (result i32)
          (local.get 0)
          (block (local.set 0 (i32.const 9)))
          (local.get 0)
          (i32.sub))
        (func (export "across_if") (param i32) (param $c i32) (result i32)
          (local.get 0)
          (if (local.get $c) (then (local.set 0 (i32.const 100))) (else (local.set 0 (i32.const -100))))
          (local.get 0)
          (i32.add))
        (func (export "across_loop") (param $n i32) (result i32)
          (local $i i32)
          (local.get $n)
          (loop $l
            (local.set $n (i32.add (local.get $n) (i32.const 1)))
            (local.set $i (i32.add (local.get $i) (i32.const 1)))
            (br_if $l (i32.lt_u (local.get $i) (i32.const 5))))
          (i32.mul (local.get $n) (i32.const 1000))
          (i32.add))
        (func (export "f64_local") (param f64) (result f64)
          (local.get 0)
          (local.set 0 (f64.neg (local.get 0)))
          (local.get 0)
          (f64.div)))`,
      [['set', 12], ['tee', 7], ['i64_swap', 10n, 3n], ['across_block', 50], ['across_if', 1, 1], ['across_if', 1, 0], ['across_loop', 2], ['f64_local', -0], ['f64_local', 3]],
    );
  });

  it('a call with side effects on a global between two reads of the global', () => {
    differential(
      `(module
        (global $g (export "g") (mut i32) (i32.const 1))
        (func $bump (result i32)
          (global.set $g (i32.mul (global.get $g) (i32.const 10)))
          (i32.const 0))
        (func (export "reads") (result i32)
          (global.get $g)
          (drop (call $bump))
          (global.get $g)
          (i32.sub))
        (func (export "inline_set") (result i32)
          (global.get $g)
          (global.set $g (i32.const 5))
          (global.get $g)
          (i32.add))
        (func (export "arg_order") (result i32)
          (i32.sub (global.get $g) (i32.add (call $bump) (global.get $g)))))`,
      [['reads'], ['reads'], ['inline_set'], ['arg_order'], ['reads']],
    );
  });

  it('table.get before a table.set of the same slot', () => {
    differential(
      `(module
        (table 2 funcref)
        (type $t (func (result i32)))
        (func $a (result i32) (i32.const 1))
        (func $b (result i32) (i32.const 2))
        (elem (i32.const 0) func $a $b)
        (func $swap_slot0 (param i32) (result i32)
          (table.set (i32.const 0) (table.get (i32.const 1)))
          (local.get 0))
        (func (export "get_then_set") (result i32)
          (table.set (i32.const 0) (ref.null func))
          (table.get (i32.const 0))
          (table.set (i32.const 0) (ref.func $b))
          (ref.is_null)
          (call_indirect (type $t) (i32.const 0))
          (i32.add))
        ;; The table index is evaluated after the argument-producing call, and the
        ;; entry is looked up when the call happens.
        (func (export "index_after_args") (result i32)
          (table.set (i32.const 0) (ref.func $a))
          (call_indirect (type $t) (call $swap_slot0 (i32.const 0)))))`,
      [['get_then_set'], ['index_after_args']],
    );
  });
});

describe('side effects happen once, in order, even when the value is unused', () => {
  it('operands are evaluated left to right', () => {
    differential(
      `(module
        (import "env" "logr" (func $logr (param i32) (result i32)))
        (memory 1)
        (func (export "sub") (result i32)
          (i32.sub (call $logr (i32.const 1)) (call $logr (i32.const 2))))
        (func (export "store") 
          (i32.store (call $logr (i32.const 3)) (call $logr (i32.const 4))))
        (func (export "select") (result i32)
          (select (call $logr (i32.const 5)) (call $logr (i32.const 6)) (call $logr (i32.const 0))))
        (func (export "args") (result i32)
          (call $three (call $logr (i32.const 7)) (call $logr (i32.const 8)) (call $logr (i32.const 9))))
        (func $three (param i32 i32 i32) (result i32)
          (i32.add (local.get 0) (i32.mul (local.get 1) (local.get 2)))))`,
      [['sub'], ['store'], ['select'], ['args']],
      logImports,
    );
  });

  it('drop of a call result still makes the call; drop of a trapping value still traps', () => {
    differential(
      `(module
        (import "env" "logr" (func $logr (param i32) (result i32)))
        (memory 1)
        (global $n (export "n") (mut i32) (i32.const 0))
        (func $inc (result i32)
          (global.set $n (i32.add (global.get $n) (i32.const 1)))
          (global.get $n))
        (func (export "drop_call") (result i32)
          (drop (call $inc))
          (drop (call $inc))
          (drop (call $logr (global.get $n)))
          (global.get $n))
        (func (export "drop_div") (param i32)
          (drop (i32.div_s (i32.const 1) (local.get 0))))
        (func (export "drop_load") (param i32)
          (drop (i64.load (local.get 0))))
        (func (export "drop_trunc") (param f64)
          (drop (i32.trunc_f64_s (local.get 0))))
        (func (export "unused_tee") (param i32) (result i32)
          (drop (local.tee 0 (i32.add (local.get 0) (i32.const 1))))
          (local.get 0))
        (func (export "dead_div_then_return") (param i32) (result i32)
          (i32.div_u (i32.const 10) (local.get 0))
          (return (i32.const 3))))`,
      [['drop_call'], ['drop_call'], ['drop_div', 1], ['drop_div', 0], ['drop_load', 65528], ['drop_load', 65529], ['drop_trunc', 1e10], ['drop_trunc', 1], ['unused_tee', 4], ['dead_div_then_return', 0], ['dead_div_then_return', 2]],
      logImports,
    );
  });

  it('select evaluates both arms, so a trapping arm traps whichever is chosen', () => {
    differential(
      `(module
        (memory 1)
        (func $boom (result i32) (unreachable))
        (func (export "div_arm") (param $c i32) (param $d i32) (result i32)
          (select (i32.div_s (i32.const 100) (local.get $d)) (i32.const 7) (local.get $c)))
        (func (export "call_arm") (param $c i32) (result i32)
          (select (i32.const 1) (call $boom) (local.get $c)))
        (func (export "load_arm") (param $c i32) (param $p i32) (result i64)
          (select (i64.const -1) (i64.load (local.get $p)) (local.get $c)))
        (func (export "typed_select") (param $c i32) (result f64)
          (select (result f64) (f64.const -0) (f64.const 0) (local.get $c)))
        (func (export "nan_select") (param $c i32) (result i32)
          (i32.reinterpret_f32
            (select (f32.reinterpret_i32 (i32.const 0x7fa00001)) (f32.const 1) (local.get $c)))))`,
      [['div_arm', 1, 5], ['div_arm', 0, 5], ['div_arm', 1, 0], ['div_arm', 0, 0], ['call_arm', 1], ['call_arm', 0],
        ['load_arm', 1, 0], ['load_arm', 1, 65535], ['load_arm', 0, 65535], ['typed_select', 1], ['typed_select', 0], ['nan_select', 1], ['nan_select', 0]],
    );
  });
});

describe('values carried by branches', () => {
  it('br_if carries values out of nested blocks, and leaves them when not taken', () => {
    differential(
      `(module
        (global $g (mut i32) (i32.const 0))
        (func $set_g (param i32) (result i32) (global.set $g (local.get 0)) (i32.const 0))
        (func (export "out2") (param $c i32) (result i32)
          (block $outer (result i32)
            (block $inner (result i32)
              (br_if $outer (i32.const 7) (local.get $c))
              (i32.const 100)
              (i32.add))
            (i32.const 1000)
            (i32.add)))
        (func (export "kept") (param $c i32) (result i32)
          (block (result i32)
            (br_if 0 (i32.const 5) (local.get $c))
            (i32.const 2)
            (i32.mul)))
        ;; The branch value is read before the condition's side effect.
        (func (export "value_before_cond") (param $c i32) (result i32)
          (global.set $g (i32.const 11))
          (block (result i32)
            (br_if 0 (global.get $g) (i32.add (call $set_g (i32.const 22)) (local.get $c)))
            (global.get $g)
            (i32.add)))
        (func (export "multi") (param $c i32) (result i32 i64)
          (block (result i32 i64)
            (block (result i32 i64)
              (br_if 1 (i32.const 1) (i64.const 2) (local.get $c))
              (br 0 (i64.const 3) (drop) (i32.const 4) (i64.const 5)))
            (local.get $c) (drop)))
        (func (export "loop_br_if") (param $n i32) (result i32)
          (local $acc i32)
          (block $done (result i32)
            (loop $l
              (local.set $acc (i32.add (local.get $acc) (local.get $n)))
              (local.set $n (i32.sub (local.get $n) (i32.const 1)))
              (br_if $done (local.get $acc) (i32.eqz (local.get $n)))
              (br $l))
            (i32.const -1))))`,
      [['out2', 1], ['out2', 0], ['kept', 1], ['kept', 0], ['value_before_cond', 1], ['value_before_cond', 0], ['multi', 1], ['multi', 0], ['loop_br_if', 10]],
    );
  });

  it('multi-value blocks, loops with params, if with params', () => {
    differential(
      `(module
        (func (export "block_params") (param i32 i32) (result i32 i32)
          (local.get 0) (local.get 1)
          (block (param i32 i32) (result i32 i32)
            (local.set 0) (local.set 1)
            (local.get 0) (local.get 1)))
        (func (export "loop_params") (param $n i32) (result i64 i64)
          ;; Fibonacci pair (a, b) carried as loop parameters.
          (i64.const 0) (i64.const 1)
          (loop $l (param i64 i64) (result i64 i64)
            (local.set $n (i32.sub (local.get $n) (i32.const 1)))
            (call $step)
            (br_if $l (i32.gt_s (local.get $n) (i32.const 0)))))
        (func $step (param $a i64) (param $b i64) (result i64 i64)
          (local.get $b) (i64.add (local.get $a) (local.get $b)))
        (func (export "if_params") (param $c i32) (param $x f64) (result f64 i32)
          (local.get $x) (local.get $c)
          (if (param f64 i32) (result f64 i32) (local.get $c)
            (then (drop) (f64.neg) (i32.const 1))
            (else (i32.const 10) (i32.mul))))
        (func (export "nested_multi") (result i32)
          (i32.const 1) (i32.const 2) (i32.const 3)
          (block (param i32 i32 i32) (result i32 i32)
            (block (param i32 i32 i32) (result i32 i32 i32)
              (i32.add) (i32.const 10))
            (i32.mul))
          (i32.sub))
        (func (export "return_from_deep") (param $c i32) (result i32 i32)
          (block (block (block
            (if (local.get $c) (then (return (i32.const 8) (i32.const 9)))))))
          (i32.const 1) (i32.const 2)))`,
      [['block_params', 1, 2], ['loop_params', 1], ['loop_params', 90], ['loop_params', 100], ['if_params', 1, 2.5], ['if_params', 0, 2.5], ['nested_multi'], ['return_from_deep', 1], ['return_from_deep', 0]],
    );
  });

  it('br_table with values, single and multiple', () => {
    differential(
      `(module
        (func (export "one") (param $k i32) (result i32)
          (block $b2 (result i32)
            (block $b1 (result i32)
              (block $b0 (result i32)
                (br_table $b0 $b1 $b2 (i32.mul (local.get $k) (i32.const 11)) (local.get $k)))
              (i32.add (i32.const 100)))
            (i32.add (i32.const 1000))))
        (func (export "two") (param $k i32) (result i32 f32)
          (block $b1 (result i32 f32)
            (block $b0 (result i32 f32)
              (local.get $k) (f32.const 0.5)
              (br_table $b1 $b0 $b1 (local.get $k)))
            (f32.mul (f32.const 3))))
        (func (export "in_loop") (param $n i32) (result i32)
          (local $acc i32)
          (block $exit (result i32)
            (loop $top
              (local.set $acc (i32.add (local.get $acc) (local.get $n)))
              (local.set $n (i32.sub (local.get $n) (i32.const 1)))
              (drop
                (block $cont (result i32)
                  (local.get $acc)
                  (br_table $cont $exit (i32.le_s (local.get $n) (i32.const 0)))))
              (br $top))
            (i32.const 0))))`,
      [['one', 0], ['one', 1], ['one', 2], ['one', 3], ['one', -1], ['two', 0], ['two', 1], ['two', 2], ['two', 3], ['in_loop', 5]],
    );
  });
});

describe('memory grown behind a call (views refreshed only after calls that may grow)', () => {
  // Each caller stores to an address valid only once the callee has grown memory;
  // the callee reaches memory.grow directly, through a chain of calls, through
  // call_indirect, through an import that grows the exported memory from JS, or
  // by growing and then throwing to the caller's handler.
  const wat = `(module
    (import "env" "grow_from_js" (func $js_grow))
    (memory (export "mem") 1 16)
    (table 1 funcref)
    (elem (i32.const 0) $grow)
    (tag $t)
    (func $leaf (param i32) (result i32) (i32.add (local.get 0) (i32.const 1)))
    (func $grow (drop (memory.grow (i32.const 1))))
    (func $mid (call $grow))
    (func $top (drop (call $leaf (i32.const 0))) (call $mid))
    (func $via_js (call $js_grow))
    (func $grow_throw (call $grow) (throw $t))
    (func $poke (param $p i32) (result i32)
      (i32.store (local.get $p) (i32.const 0x11223344))
      (i32.add (i32.load8_u (local.get $p)) (memory.size)))
    (func $chain (export "chain") (param $p i32) (result i32)
      (i32.store (i32.const 0) (call $leaf (i32.const 4)))
      (call $top)
      (call $poke (local.get $p)))
    (func (export "chain_inline") (param $p i32) (result i32)
      (i32.store (i32.const 0) (i32.const 1))
      (call $top)
      (i32.store (local.get $p) (i32.const 0x55667788))
      (i32.load8_u (local.get $p)))
    (func (export "indirect") (param $p i32) (result i32)
      (i32.store (i32.const 0) (i32.const 1))
      (call_indirect (i32.const 0))
      (i32.store (local.get $p) (i32.const 0x55667788))
      (i32.load8_u (local.get $p)))
    (func (export "import") (param $p i32) (result i32)
      (i32.store (i32.const 0) (i32.const 1))
      (call $via_js)
      (i32.store (local.get $p) (i32.const 0x55667788))
      (i32.load8_u (local.get $p)))
    (func (export "handler") (param $p i32) (result i32)
      (i32.store (i32.const 0) (i32.const 1))
      ;; Legacy encoding: the native oracle here is Node 20.
      (try (do (call $grow_throw)) (catch_all))
      (i32.store (local.get $p) (i32.const 0x55667788))
      (i32.load8_u (local.get $p)))
    (func $leaf_only (export "leaf_only") (param $p i32) (result i32)
      (i32.store (i32.const 0) (call $leaf (i32.const 4)))
      (i32.store (local.get $p) (call $leaf (i32.load (i32.const 0))))
      (i32.load (local.get $p))))`;

  it('every path that grows memory is seen by the caller (vs native)', () => {
    const bytes = wabt.parseWat('g.wat', wat, { exceptions: true, reference_types: true });
    const bin = new Uint8Array(bytes.toBinary({}).buffer) as Bytes;
    bytes.destroy();
    const mk = (grow: () => void) => ({ env: { grow_from_js: grow } });
    let nmem: WebAssembly.Memory | undefined;
    let omem: { grow(n: number): number } | undefined;
    const n = new WebAssembly.Instance(new WebAssembly.Module(bin), mk(() => void nmem!.grow(1)) as WebAssembly.Imports).exports as any;
    nmem = n.mem;
    for (const split of [undefined, { above: 0, target: 4, min: 1 }]) {
      const o = loadFactory(compile(bin, { format: 'factory', split }).js).instantiateSync(mk(() => void omem!.grow(1))).instance.exports as any;
      omem = o.mem;
      const nn = split ? (new WebAssembly.Instance(new WebAssembly.Module(bin), mk(() => void nmem!.grow(1)) as WebAssembly.Imports).exports as any) : n;
      nmem = nn.mem;
      let page = 1;
      for (const name of ['chain', 'chain_inline', 'indirect', 'import', 'handler', 'chain', 'leaf_only']) {
        // An address in the page the call is about to add: out of bounds before it.
        const p = name === 'leaf_only' ? 100 : page * 65536 + 12;
        const what = `${name}(${p})${split ? ' split' : ''}`;
        const nr = run(() => nn[name](p));
        const or = run(() => o[name](p));
        expect('value' in nr, `${what}: native ${JSON.stringify(nr)}`).toBe(true);
        expect(or, what).toEqual({ value: (nr as { value: unknown }).value });
        if (name !== 'leaf_only') page++;
      }
    }
  });

  it('calls to functions that cannot grow memory are not followed by a refresh', () => {
    const bytes = wabt.parseWat('g.wat', wat, { exceptions: true, reference_types: true });
    const bin = new Uint8Array(bytes.toBinary({ write_debug_names: true }).buffer) as Bytes;
    bytes.destroy();
    const js = compile(bin, { format: 'factory' }).js;
    const body = (name: string) => {
      const start = js.indexOf(`function ${name}(`);
      return js.slice(start, js.indexOf('\n  }\n', start));
    };
    // Refresh statements, not the declaration `let D0 = d0;` on entry.
    const refreshes = (name: string) => (body(name).match(/(?<!let )\bD0 = d0;/g) ?? []).length;
    // $leaf and $poke cannot grow memory; $top can (through $mid and $grow).
    expect(refreshes('f13_leaf_only')).toBe(0);
    expect(refreshes('f8_chain')).toBe(1);
  });
});

describe('state seen across calls into JS and back', () => {
  it('memory grown by a re-entrant call is usable when the caller resumes', () => {
    let reenter: (() => unknown) | undefined;
    const importsFor: ImportsFor = () => {
      const log: unknown[] = [];
      return {
        imports: { env: { cb: () => void log.push(reenter?.()) } },
        state: () => log.slice(),
      };
    };
    const wat = `(module
      (import "env" "cb" (func $cb))
      (memory (export "mem") 1 4)
      (func (export "grow") (result i32) (memory.grow (i32.const 1)))
      (func (export "f") (param $p i32) (result i32)
        (i32.store (i32.const 0) (i32.const 5))
        (call $cb)
        ;; Only valid if the memory grew while we were in JS.
        (i32.store (local.get $p) (i32.const 0x11223344))
        (i32.add (i32.load (local.get $p)) (memory.size))))`;
    // Hand each engine's instance to its own callback.
    const bytes = wat2wasm(wat);
    const nh = importsFor('native'), oh = importsFor('ours');
    const n = new WebAssembly.Instance(new WebAssembly.Module(bytes), nh.imports as WebAssembly.Imports).exports as any;
    const o = loadFactory(compile(bytes, { format: 'factory' }).js).instantiateSync(oh.imports).instance.exports as any;
    const results: unknown[][] = [[], []];
    for (const [k, x] of [n, o].entries()) {
      reenter = () => x.grow();
      for (const p of [65536 + 100, 2 * 65536 + 100, 4 * 65536]) {
        results[k].push(run(() => x.f(p)));
      }
    }
    const strip = (r: unknown[]) => r.map((x: any) => ('value' in x ? x.value : `trap ${TRAPS.findIndex(([v8, ours]) => v8.test(x.trap) || ours.test(x.trap))}`));
    expect(strip(results[1])).toEqual(strip(results[0]));
    expect(enc(oh.state())).toEqual(enc(nh.state()));
  });

  it('a global changed by a re-entrant call is re-read afterwards', () => {
    let reenter: (() => unknown) | undefined;
    const bytes = wat2wasm(`(module
      (import "env" "cb" (func $cb))
      (global $g (export "g") (mut i64) (i64.const 1))
      (func (export "set") (param i64) (global.set $g (local.get 0)))
      (func (export "f") (result i64)
        (global.get $g)
        (call $cb)
        (global.get $g)
        (i64.sub)))`);
    const out: unknown[] = [];
    for (const make of [
      (imp: object) => new WebAssembly.Instance(new WebAssembly.Module(bytes), imp as WebAssembly.Imports).exports as any,
      (imp: object) => loadFactory(compile(bytes, { format: 'factory' }).js).instantiateSync(imp).instance.exports as any,
    ]) {
      const x = make({ env: { cb: () => reenter?.() } });
      reenter = () => x.set(100n);
      const r1 = x.f();
      reenter = () => (x.g.value = -5n);
      out.push([enc(r1), enc(x.f())]);
    }
    expect(out[1]).toEqual(out[0]);
  });
});

describe('module-level features', () => {
  it('bulk table operations: table.init/copy/fill, elem.drop, passive and declarative segments', () => {
    differential(
      `(module
        (type $r (func (result i32)))
        (func $a (result i32) (i32.const 10))
        (func $b (result i32) (i32.const 20))
        (func $c (result i32) (i32.const 30))
        (table $t 8 funcref)
        (elem $p funcref (ref.func $a) (ref.null func) (ref.func $b) (ref.func $c))
        (elem (i32.const 6) func $c)
        (func (export "init") (param i32 i32 i32) (table.init $t $p (local.get 0) (local.get 1) (local.get 2)))
        (func (export "copy") (param i32 i32 i32) (table.copy (local.get 0) (local.get 1) (local.get 2)))
        (func (export "fill") (param i32 i32) (table.fill (local.get 0) (ref.func $a) (local.get 1)))
        (func (export "drop") (elem.drop $p))
        (func (export "call") (param i32) (result i32) (call_indirect (type $r) (local.get 0)))
        (func (export "dump") (result i64)
          ;; Each slot as one decimal digit: 0 null, 1 $a, 2 $b, 3 $c.
          (local $i i32) (local $acc i64)
          (block $done (loop $l
            (br_if $done (i32.ge_u (local.get $i) (table.size $t)))
            (local.set $acc (i64.add (i64.mul (local.get $acc) (i64.const 10))
              (if (result i64) (ref.is_null (table.get $t (local.get $i)))
                (then (i64.const 0))
                (else (i64.div_u (i64.extend_i32_u (call_indirect (type $r) (local.get $i))) (i64.const 10))))))
            (local.set $i (i32.add (local.get $i) (i32.const 1)))
            (br $l)))
          (local.get $acc)))`,
      [['dump'], ['init', 1, 0, 4], ['dump'], ['copy', 3, 1, 4], ['dump'], ['copy', 0, 2, 5], ['dump'], ['init', 5, 2, 3], ['dump'], ['init', 6, 0, 3], ['dump'],
        ['fill', 7, 1], ['dump'], ['fill', 7, 2], ['fill', 8, 0], ['fill', 9, 0], ['copy', 8, 0, 0], ['copy', 9, 0, 0], ['dump'], ['drop'], ['init', 0, 0, 0], ['init', 0, 0, 1], ['call', 6], ['call', 1]],
    );
  });

  it('data segment bytes of every value, passive data, memory.init', () => {
    let all = '';
    for (let i = 0; i < 256; i++) all += '\\' + i.toString(16).padStart(2, '0');
    differential(
      `(module
        (memory (export "mem") 1)
        (data (i32.const 0) "${all}")
        (data (i32.const 256) "\\e2\\80\\a8\\e2\\80\\a9</script>\\5c\\22\\27\\60\${x}\\0d\\0a")
        (data $p "${all}")
        (func (export "sum") (param $from i32) (param $n i32) (result i64)
          (local $acc i64)
          (block $d (loop $l
            (br_if $d (i32.eqz (local.get $n)))
            (local.set $acc (i64.add (i64.mul (local.get $acc) (i64.const 31))
              (i64.load8_u (local.get $from))))
            (local.set $from (i32.add (local.get $from) (i32.const 1)))
            (local.set $n (i32.sub (local.get $n) (i32.const 1)))
            (br $l)))
          (local.get $acc))
        (func (export "init") (param i32 i32 i32) (memory.init $p (local.get 0) (local.get 1) (local.get 2))))`,
      [['sum', 0, 256], ['sum', 256, 32], ['init', 1000, 0, 256], ['sum', 1000, 256], ['init', 2000, 250, 7], ['init', 2000, 128, 128], ['sum', 2000, 128]],
    );
  });

  it('typed select on references, ref.is_null, ref.func identity', () => {
    differential(
      `(module
        (func $f (export "f") (result i32) (i32.const 1))
        (elem declare func $f)
        (func (export "sel_null") (param i32) (result i32)
          (ref.is_null (select (result funcref) (ref.func $f) (ref.null func) (local.get 0))))
        (func (export "ext") (param externref externref i32) (result externref)
          (select (result externref) (local.get 0) (local.get 1) (local.get 2)))
        (func (export "get_f") (result funcref) (ref.func $f)))`,
      [['sel_null', 1], ['sel_null', 0], ['ext', 'a', 'b', 1], ['ext', 'a', 'b', 0], ['ext', null, 7, 1]],
    );
  });

  it('export names that are awkward in JS', () => {
    const wat = `(module
      (func (export "__proto__") (result i32) (i32.const 1))
      (func (export "") (result i32) (i32.const 2))
      (func (export "then") (result i32) (i32.const 3))
      (func (export "a b\\n\\"c\\"") (result i32) (i32.const 4))
      (func (export "\\e2\\80\\a8") (result i32) (i32.const 5))
      (func (export "constructor") (result i32) (i32.const 6))
      (func (export "\\f0\\9f\\98\\80") (result i32) (i32.const 7)))`;
    differential(wat, [['__proto__'], [''], ['then'], ['a b\n"c"'], ['\u2028'], ['constructor'], ['\u{1F600}']]);
    const bytes = wat2wasm(wat);
    const ours = loadFactory(compile(bytes, { format: 'factory' }).js).instantiateSync({}).instance.exports;
    const native = new WebAssembly.Instance(new WebAssembly.Module(bytes), {}).exports;
    expect(Object.keys(ours)).toEqual(Object.keys(native));
    expect(Object.getPrototypeOf(ours)).toBe(Object.getPrototypeOf(native));
  });

  it('a function with 100 parameters of mixed types', () => {
    const types = ['i32', 'i64', 'f32', 'f64'];
    const params = Array.from({ length: 100 }, (_, i) => types[i % 4]);
    let body = '(f64.const 0)';
    params.forEach((t, i) => {
      const v = t === 'i32' ? `(f64.convert_i32_s (local.get ${i}))` : t === 'i64' ? `(f64.convert_i64_s (local.get ${i}))` : t === 'f32' ? `(f64.promote_f32 (local.get ${i}))` : `(local.get ${i})`;
      body = `(f64.add (f64.mul ${body} (f64.const 1.0001)) ${v})`;
    });
    const args = params.map((t, i) => (t === 'i64' ? BigInt(i * 1e6) : t === 'i32' ? -i : i + 0.3));
    differential(`(module (func (export "f") (param ${params.join(' ')}) (result f64) ${body}))`, [['f', ...args], ['f']]);
  });
});

describe('constants, locals and unreachable code', () => {
  it('float constants keep their exact bits', () => {
    const f64s = ['-0', '0x1p-1074', '0x1.fffffffffffffp+1023', 'nan', '-nan', 'nan:0x4000000000001', 'nan:0x1', '-nan:0xfffffffffffff', 'inf', '-inf', '0.1', '1e-320', '0x1.0000000000001p0', '2.2250738585072009e-308', '9007199254740993'];
    const f32s = ['-0', '0x1p-149', '0x1.fffffep+127', 'nan', '-nan', 'nan:0x200001', 'nan:0x1', '-nan:0x7fffff', 'inf', '0.1', '1e-45', '3.4028235e38', '16777217', '0x1.000002p0', '1.00000006'];
    let fns = '';
    f64s.forEach((c, i) => (fns += `(func (export "d${i}") (result i64) (i64.reinterpret_f64 (f64.const ${c})))\n`));
    f32s.forEach((c, i) => (fns += `(func (export "f${i}") (result i32) (i32.reinterpret_f32 (f32.const ${c})))\n`));
    // The same constants used as values (not only reinterpreted).
    f64s.forEach((c, i) => (fns += `(func (export "vd${i}") (result f64) (f64.const ${c}))\n`));
    f32s.forEach((c, i) => (fns += `(func (export "vf${i}") (result f32) (f32.add (f32.const ${c}) (f32.const 0)))\n`));
    fns += `(func (export "i64min") (result i64) (i64.const -9223372036854775808))
      (func (export "i64max_plus") (result i64) (i64.add (i64.const 0x7fffffffffffffff) (i64.const 1)))
      (func (export "i32min") (result i32) (i32.const -2147483648))
      (func (export "i32big") (result i32) (i32.const 0xffffffff))`;
    const calls: Call[] = [
      ...f64s.map((_, i) => [`d${i}`] as Call),
      ...f32s.map((_, i) => [`f${i}`] as Call),
      // NaN results of value-returning functions: only non-NaN constants, since
      // a NaN's bits are not observable from JS in a specified way.
      ...f64s.map((c, i) => [c.includes('nan') ? 'i64min' : `vd${i}`] as Call),
      ...f32s.map((c, i) => [c.includes('nan') ? 'i32min' : `vf${i}`] as Call),
      ['i64min'], ['i64max_plus'], ['i32min'], ['i32big'],
    ];
    differential(`(module ${fns})`, calls);
  });

  it('locals start at zero on every call, including recursive ones', () => {
    differential(
      `(module
        (func $r (export "r") (param $n i32) (result f64)
          (local $i i32) (local $j i64) (local $f f32) (local $d f64)
          (local.set $d (f64.add (local.get $d) (f64.convert_i32_s (local.get $i))))
          (local.set $i (i32.add (local.get $i) (i32.const 1)))
          (local.set $j (i64.add (local.get $j) (i64.const 1)))
          (local.set $f (f32.add (local.get $f) (f32.const 1)))
          (if (result f64) (i32.gt_s (local.get $n) (i32.const 0))
            (then (f64.add
              (call $r (i32.sub (local.get $n) (i32.const 1)))
              (f64.add (f64.convert_i64_s (local.get $j)) (f64.promote_f32 (local.get $f)))))
            (else (f64.add (local.get $d) (f64.convert_i32_s (local.get $i))))))
        (func (export "zero_sign") (result i64)
          (local $d f64)
          (i64.reinterpret_f64 (local.get $d))))`,
      [['r', 0], ['r', 5], ['r', 5], ['zero_sign']],
    );
  });

  it('code after unreachable, br and return compiles and is skipped', () => {
    differential(
      `(module
        (global $g (mut i32) (i32.const 0))
        (func (export "after_br") (result i32)
          (block $b (result i32)
            (br $b (i32.const 1))
            (global.set $g (i32.const 99))
            (i32.add)
            (drop)
            (i64.const 5)
            (i32.wrap_i64))
          (global.get $g)
          (i32.add))
        (func (export "after_return") (param i32) (result i32 i32)
          (if (local.get 0) (then (return (i32.const 1) (i32.const 2)) (i32.add) (drop)))
          (i32.const 3) (i32.const 4)
          (return)
          (unreachable)
          (select))
        (func (export "after_unreachable") (param i32) (result i32)
          (if (result i32) (local.get 0)
            (then (unreachable) (f32.add) (i32.trunc_f32_s))
            (else (i32.const 7))))
        (func (export "dead_loop") (result i32)
          (return (i32.const 5))
          (loop $l (br $l))
          (i32.const 6)))`,
      [['after_br'], ['after_return', 1], ['after_return', 0], ['after_unreachable', 0], ['after_unreachable', 1], ['dead_loop']],
    );
  });
});

describe('numeric operator sweep (seeded random and special operands)', () => {
  // Floats travel as their bit patterns (i32 / i64) so that inputs are exact,
  // including signaling NaNs. Float results come back as bits too; a NaN result is
  // reported as one canonical pattern, because its sign and payload are not fully
  // specified, except for abs/neg/copysign, which must be bit-exact.
  const I32B = ['add', 'sub', 'mul', 'div_s', 'div_u', 'rem_s', 'rem_u', 'and', 'or', 'xor', 'shl', 'shr_s', 'shr_u', 'rotl', 'rotr', 'eq', 'ne', 'lt_s', 'lt_u', 'gt_s', 'gt_u', 'le_s', 'le_u', 'ge_s', 'ge_u'];
  const I32U = ['clz', 'ctz', 'popcnt', 'eqz', 'extend8_s', 'extend16_s'];
  const I64U = [...I32U, 'extend32_s'];
  const FB = ['add', 'sub', 'mul', 'div', 'min', 'max', 'copysign', 'eq', 'ne', 'lt', 'gt', 'le', 'ge'];
  const FU = ['abs', 'neg', 'sqrt', 'ceil', 'floor', 'trunc', 'nearest'];
  const CONV: [string, string, string][] = [
    // [op, input type, result type]
    ['i32.wrap_i64', 'i64', 'i32'],
    ['i32.trunc_f32_s', 'f32', 'i32'], ['i32.trunc_f32_u', 'f32', 'i32'], ['i32.trunc_f64_s', 'f64', 'i32'], ['i32.trunc_f64_u', 'f64', 'i32'],
    ['i64.trunc_f32_s', 'f32', 'i64'], ['i64.trunc_f32_u', 'f32', 'i64'], ['i64.trunc_f64_s', 'f64', 'i64'], ['i64.trunc_f64_u', 'f64', 'i64'],
    ['i32.trunc_sat_f32_s', 'f32', 'i32'], ['i32.trunc_sat_f32_u', 'f32', 'i32'], ['i32.trunc_sat_f64_s', 'f64', 'i32'], ['i32.trunc_sat_f64_u', 'f64', 'i32'],
    ['i64.trunc_sat_f32_s', 'f32', 'i64'], ['i64.trunc_sat_f32_u', 'f32', 'i64'], ['i64.trunc_sat_f64_s', 'f64', 'i64'], ['i64.trunc_sat_f64_u', 'f64', 'i64'],
    ['i64.extend_i32_s', 'i32', 'i64'], ['i64.extend_i32_u', 'i32', 'i64'],
    ['f32.convert_i32_s', 'i32', 'f32'], ['f32.convert_i32_u', 'i32', 'f32'], ['f32.convert_i64_s', 'i64', 'f32'], ['f32.convert_i64_u', 'i64', 'f32'],
    ['f64.convert_i32_s', 'i32', 'f64'], ['f64.convert_i32_u', 'i32', 'f64'], ['f64.convert_i64_s', 'i64', 'f64'], ['f64.convert_i64_u', 'i64', 'f64'],
    ['f32.demote_f64', 'f64', 'f32'], ['f64.promote_f32', 'f32', 'f64'],
  ];
  const bitsT = (t: string) => (t === 'f32' ? 'i32' : t === 'f64' ? 'i64' : t);
  const arg = (t: string, i: number) => (t === 'f32' ? `(f32.reinterpret_i32 (local.get ${i}))` : t === 'f64' ? `(f64.reinterpret_i64 (local.get ${i}))` : `(local.get ${i})`);
  const result = (t: string, e: string, exact: boolean) => {
    if (t === 'i32' || t === 'i64') return e;
    const b = t === 'f32' ? 'i32' : 'i64';
    if (exact) return `(${b}.reinterpret_${t} ${e})`;
    const canon = t === 'f32' ? '(i32.const 0x7fc00000)' : '(i64.const 0x7ff8000000000000)';
    return `(local.set $r ${e}) (if (result ${b}) (${t}.ne (local.get $r) (local.get $r)) (then ${canon}) (else (${b}.reinterpret_${t} (local.get $r))))`;
  };
  type Fn = { name: string; params: string[] };
  const fns: Fn[] = [];
  let text = '';
  const def = (name: string, params: string[], res: string, body: string, rlocal?: string) => {
    fns.push({ name, params });
    text += `(func (export "${name}") (param ${params.map(bitsT).join(' ')}) (result ${bitsT(res)}) ${rlocal ? `(local $r ${rlocal})` : ''} ${body})\n`;
  };
  for (const t of ['i32', 'i64']) {
    for (const o of I32B) def(`${t}.${o}`, [t, t], /^(eq|ne|lt|gt|le|ge)/.test(o) ? 'i32' : t, `(${t}.${o} (local.get 0) (local.get 1))`);
    for (const o of t === 'i32' ? I32U : I64U) def(`${t}.${o}`, [t], o === 'eqz' ? 'i32' : t, `(${t}.${o} (local.get 0))`);
  }
  for (const t of ['f32', 'f64']) {
    for (const o of FB) {
      const cmp = /^(eq|ne|lt|gt|le|ge)$/.test(o);
      def(`${t}.${o}`, [t, t], cmp ? 'i32' : t, cmp ? `(${t}.${o} ${arg(t, 0)} ${arg(t, 1)})` : result(t, `(${t}.${o} ${arg(t, 0)} ${arg(t, 1)})`, o === 'copysign'), cmp ? undefined : t);
    }
    for (const o of FU) def(`${t}.${o}`, [t], t, result(t, `(${t}.${o} ${arg(t, 0)})`, o === 'abs' || o === 'neg'), t);
  }
  for (const [o, from, to] of CONV) {
    def(o, [from], to, result(to, `(${o} ${arg(from, 0)})`, false), to.startsWith('f') ? to : undefined);
  }

  // Operand pools: special values, then seeded random bit patterns.
  let seed = 0x5eed;
  const rnd32 = () => ((seed = (Math.imul(seed ^ (seed >>> 15), 0x2c1b3c6d) + 0x9e3779b9) | 0), seed ^ (seed >>> 13));
  const rnd64 = () => BigInt.asIntN(64, (BigInt(rnd32() >>> 0) << 32n) | BigInt(rnd32() >>> 0));
  const i32s = [0, 1, -1, 2, 31, 32, 33, 63, 64, -2147483648, 2147483647, 0x80, 0xff, 0x8000, 0xffff, 0x7f, 0x12345678];
  const i64s = [0n, 1n, -1n, 31n, 32n, 63n, 64n, 65n, -(2n ** 63n), 2n ** 63n - 1n, 2n ** 32n, 2n ** 32n - 1n, 2n ** 31n, -(2n ** 31n), 0x80n, 0x8000n, 0x80000000n, 2n ** 53n + 1n, 2n ** 24n + 1n, 0x7fffff4000000001n, -0x7ffffbffffffffffn];
  const f32b = [0, 0x80000000, 0x7f800000, 0xff800000, 0x7fc00000, 0xffc00000, 0x7f800001, 0x7fa00000, 0x00000001, 0x807fffff, 0x00800000, 0x3f800000, 0xbf800000, 0x3f000000, 0x3fc00000, 0x40200000, 0xbf000000, 0x7f7fffff, 0x4f000000, 0x4effffff, 0xcf000000, 0xcf000001, 0x4f800000, 0x4f7fffff, 0x5f000000, 0x5effffff, 0xdf000000, 0xdf000001, 0x5f800000, 0x5f7fffff, 0x4b000001, 0x4afffffe, 0xbe800000].map((x) => x | 0);
  const f64b = [0n, -(2n ** 63n), 0x7ff0000000000000n, -0x10000000000000n, 0x7ff8000000000000n, 0x7ff0000000000001n, 0x7ff4000000000000n, 1n, 0x000fffffffffffffn, 0x0010000000000000n, 0x3ff0000000000000n, 0x3fe0000000000000n, 0x3ff8000000000000n, 0x4004000000000000n, 0x7fefffffffffffffn, 0x41e0000000000000n, 0x41dfffffffffffffn, 0x41dfffffffe00000n, 0xc1e0000000000000n, 0xc1e0000000200000n, 0xc1e00000001fffffn, 0x41f0000000000000n, 0x41efffffffffffffn, 0x43e0000000000000n, 0x43dfffffffffffffn, 0xc3e0000000000000n, 0xc3e0000000000001n, 0x43f0000000000000n, 0x43efffffffffffffn, 0x4330000000000001n, 0x432fffffffffffffn, 0x47efffffe0000000n, 0x47efffffefffffffn, 0x47effffff0000000n, 0x36a0000000000000n, 0x3690000000000001n, 0x3fd0000000000000n].map((x) => BigInt.asIntN(64, x));
  const pool = (t: string): unknown[] => {
    const out: unknown[] = t === 'i32' ? [...i32s] : t === 'i64' ? [...i64s] : t === 'f32' ? [...f32b] : [...f64b];
    for (let i = 0; i < 24; i++) {
      if (t === 'i32' || t === 'f32') out.push(rnd32() | 0);
      else out.push(rnd64());
    }
    // Small and integral-looking floats, where rounding decisions happen.
    if (t === 'f32') for (let i = 0; i < 12; i++) out.push(new Int32Array(new Float32Array([(rnd32() % 2000) / 4]).buffer)[0]);
    if (t === 'f64') for (let i = 0; i < 12; i++) out.push(new BigInt64Array(new Float64Array([(rnd32() % 2000) / 4]).buffer)[0]);
    return out;
  };

  const bytes = wat2wasm(`(module ${text})`);
  for (const group of ['i32', 'i64', 'f32', 'f64', 'conversions']) {
    it(`${group} operators`, () => {
      const calls: Call[] = [];
      for (const f of fns) {
        const g = f.name.includes('.') && !CONV.some(([o]) => o === f.name) ? f.name.slice(0, 3) : 'conversions';
        if (g !== group) continue;
        const a = pool(f.params[0]);
        if (f.params.length === 1) for (const x of a) calls.push([f.name, x]);
        else {
          const b = pool(f.params[1]);
          for (let i = 0; i < a.length; i++) for (let j = 0; j < b.length; j += 3) calls.push([f.name, a[i], b[(j + i) % b.length]]);
        }
      }
      expect(calls.length).toBeGreaterThan(100);
      differential(bytes, calls);
    });
  }
});

// The stress modules are written directly in binary: wabt's text parser (itself
// Wasm) runs out of stack on expressions this deep.
const I32 = 0x7f, I64 = 0x7e, F32 = 0x7d, F64 = 0x7c;
const f64Bytes = (x: number) => Array.from(new Uint8Array(new Float64Array([x]).buffer));
const section = (id: number, body: number[]) => [id, ...uleb(body.length), ...body];
const vec = (items: number[][]) => [...uleb(items.length), ...items.flat()];
/** A module with one function, exported as "f". */
function funcModule(params: number[], results: number[], locals: number[], code: number[]): Bytes {
  const type = [0x60, ...vec(params.map((t) => [t])), ...vec(results.map((t) => [t]))];
  const localGroups = locals.map((t) => [1, t]);
  const body = [...vec(localGroups), ...code, 0x0b];
  return new Uint8Array([
    0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00,
    ...section(1, vec([type])),
    ...section(3, vec([[0]])),
    ...section(7, vec([[...uleb(1), 0x66, 0x00, 0x00]])),
    ...section(10, vec([[...uleb(body.length), ...body]])),
  ]);
}
const op = {
  localGet: (i: number) => [0x20, ...uleb(i)],
  localSet: (i: number) => [0x21, ...uleb(i)],
  i32: (v: number) => [0x41, ...sleb(v)],
  i64: (v: bigint) => [0x42, ...sleb(v)],
  f64: (v: number) => [0x44, ...f64Bytes(v)],
};

describe('size stress', () => {
  const N = 2000;
  it(`a ${N}-term sum, left-leaning (shallow stack)`, () => {
    const code = [...op.localGet(0)];
    for (let i = 1; i < N; i++) code.push(...op.localGet(0), ...op.i32((i * 7919) % 1000), 0x6c /* mul */, 0x6a /* add */);
    differential(funcModule([I32], [I32], [], code), [['f', 3], ['f', 123456789]]);
  });

  it(`a ${N}-term sum, right-leaning (${N} values live on the operand stack)`, () => {
    const code: number[] = [];
    for (let i = 0; i < N; i++) {
      if (i % 3 === 0) code.push(...op.localGet(0));
      else if (i % 3 === 1) code.push(...op.i32(i));
      else code.push(...op.localGet(0), ...op.i32(i), 0x73 /* xor */);
    }
    for (let i = 1; i < N; i++) code.push(i % 2 ? 0x6a : 0x6b);
    differential(funcModule([I32], [I32], [], code), [['f', 5], ['f', -1]]);
  });

  it(`a ${N}-term i64 sum with f64 conversions mixed in`, () => {
    const code = [...op.i64(1n)];
    for (let i = 1; i < N; i++) {
      code.push(...op.localGet(0), 0xb9 /* f64.convert_i64_s */, ...op.f64(i + 0.5), 0xa2 /* f64.mul */, 0xfc, 0x06 /* i64.trunc_sat_f64_s */, 0x7c /* i64.add */);
    }
    differential(funcModule([I64], [I64], [], code), [['f', 3n], ['f', -1234567n], ['f', 9007199254740993n]]);
  });

  it('1,000 nested blocks, with branches to several depths', () => {
    const D = 1000;
    const code: number[] = [];
    for (let i = 0; i < D; i++) code.push(0x02, I32); // block (result i32)
    // Innermost: br_table to depth 0, 1, 499, D-2 or D-1 (the outermost), by argument.
    code.push(...op.i32(1), ...op.localGet(0), 0x0e, ...vec([uleb(0), uleb(1), uleb(499), uleb(D - 2)]), ...uleb(D - 1));
    // After each block ends, add the block's level, so the depth reached shows.
    for (let i = D - 1; i >= 0; i--) code.push(0x0b, ...op.i32(i), 0x6a);
    differential(funcModule([I32], [I32], [], code), [['f', 0], ['f', 1], ['f', 2], ['f', 3], ['f', 4], ['f', 99]]);
  });

  it('1,000 nested ifs and loops', () => {
    const D = 1000;
    const code: number[] = [];
    for (let i = 0; i < D; i++) {
      if (i % 2) code.push(...op.localGet(0), 0x04, 0x40); // if (local.get 0)
      else code.push(0x03, 0x40); // loop
    }
    code.push(...op.localGet(1), ...op.i32(1), 0x6a, ...op.localSet(1));
    for (let i = 0; i < D; i++) code.push(0x0b);
    code.push(...op.localGet(1));
    differential(funcModule([I32], [I32], [I32], code), [['f', 0], ['f', 1]]);
  });

  it('a function with 1,000 locals of mixed types', () => {
    const types = [I32, I64, F32, F64];
    const locals = Array.from({ length: 1000 }, (_, i) => types[i % 4]);
    const code: number[] = [];
    for (let i = 0; i < 1000; i++) {
      const t = types[i % 4];
      const idx = i + 1;
      if (t === I32) code.push(...op.i32(i), ...op.localGet(0), 0x6a);
      if (t === I64) code.push(...op.i64(BigInt(i)), ...op.localGet(0), 0xac /* i64.extend_i32_s */, 0x7c);
      if (t === F32) code.push(0x43, ...Array.from(new Uint8Array(new Float32Array([i + 0.1]).buffer)), ...op.localGet(0), 0xb2 /* f32.convert_i32_s */, 0x92);
      if (t === F64) code.push(...op.f64(i + 0.1), ...op.localGet(0), 0xb7 /* f64.convert_i32_s */, 0xa0);
      code.push(...op.localSet(idx));
    }
    // Sum a spread of them as f64.
    code.push(...op.f64(0));
    for (let i = 0; i < 1000; i += 37) {
      const t = types[i % 4];
      code.push(...op.localGet(i + 1));
      if (t === I32) code.push(0xb7);
      if (t === I64) code.push(0xb9);
      if (t === F32) code.push(0xbb /* f64.promote_f32 */);
      code.push(0xa0);
    }
    differential(funcModule([I32], [F64], locals, code), [['f', 7], ['f', -16777217]]);
  });

  it('the binary builder makes modules V8 accepts (sanity check of the test itself)', () => {
    expect(WebAssembly.validate(funcModule([I32], [I32], [], [...op.localGet(0)]))).toBe(true);
  });
});

describe('f32 NaN payloads through the fast paths', () => {
  // Loads feeding arithmetic skip the bit-exact NaN path, and stores of
  // arithmetic results skip the NaN check (Flag.Canon). A loop parameter is first
  // a constant (canonical), then refilled by the back-edge with a signaling NaN
  // loaded from memory: its store must still keep the payload bits.
  it('a loop parameter refilled by a back-edge keeps its NaN payload when stored', () => {
    differential(
      `(module (memory (export "m") 1)
        (data (i32.const 16) "\\00\\00\\a0\\7f")
        (func (export "f") (result i32) (local i32)
          (i32.const 0) (f32.const 1.5)
          (loop $l (param i32 f32)
            (f32.store)
            (local.set 0 (i32.add (local.get 0) (i32.const 1)))
            (i32.const 0) (f32.load (i32.const 16))
            (br_if $l (i32.lt_u (local.get 0) (i32.const 3)))
            (drop) (drop))
          (i32.load (i32.const 0)))
        (func (export "moved") (result i32)
          (f32.store (i32.const 8) (f32.load (i32.const 16)))
          (i32.load (i32.const 8))))`,
      [['f'], ['moved']],
    );
  });
});

describe('i64 locals of mixing loops ($L storage and forwarding, function.ts)', () => {
  // Every function has a loop computing on i64, so its loop-carried i64 locals
  // live in `$L` and are forwarded through `$F` bindings within code reached
  // from one place. Every write updates both, so a wrong forwarding shows where a
  // path reaches a read of `$F` without having loaded or written it: each export
  // takes such a path first (an else arm after a then arm that wrote the local,
  // the code after an if whose arm was skipped, a block end reached by a branch
  // before the write, a handler entered by a throw before the write).
  // Parameters matter most: they enter `$L` without a write.
  const wat = `(module
    (tag $t)
    (func $thrower (param i32) (if (local.get 0) (then (throw $t))))
    (func (export "else_arm") (param $x i64) (param $n i32) (result i64) (local $i i32)
      (loop $l
        (if (i32.and (local.get $i) (i32.const 1))
          (then (local.set $x (i64.mul (local.get $x) (i64.const 3))))
          (else (local.set $x (i64.add (local.get $x) (i64.const 7)))))
        (br_if $l (i32.lt_u (local.tee $i (i32.add (local.get $i) (i32.const 1))) (local.get $n))))
      (local.get $x))
    (func (export "after_if") (param $x i64) (param $n i32) (result i64) (local $i i32) (local $acc i64)
      (loop $l
        (if (i32.eq (i32.rem_u (local.get $i) (i32.const 3)) (i32.const 2))
          (then (local.set $x (i64.rotl (local.get $x) (i64.const 5)))))
        (local.set $acc (i64.xor (local.get $acc) (local.get $x)))
        (br_if $l (i32.lt_u (local.tee $i (i32.add (local.get $i) (i32.const 1))) (local.get $n))))
      (i64.add (local.get $acc) (local.get $x)))
    (func (export "header") (param $x i64) (param $y i64) (param $n i32) (result i64) (local $i i32)
      (loop $l
        (local.set $y (i64.add (local.get $y) (local.get $x)))
        (local.set $x (i64.sub (local.get $y) (local.get $x)))
        (br_if $l (i32.lt_u (local.tee $i (i32.add (local.get $i) (i32.const 1))) (local.get $n))))
      (i64.xor (local.get $x) (local.get $y)))
    (func (export "block_exit") (param $x i64) (param $n i32) (result i64) (local $i i32)
      (loop $l
        (block $b
          (br_if $b (i32.eqz (i32.and (local.get $i) (i32.const 2))))
          (local.set $x (i64.shl (local.get $x) (i64.const 1)))
          (br_if $b (i32.and (local.get $i) (i32.const 4)))
          (local.set $x (i64.or (local.get $x) (i64.const 1))))
        (local.set $x (i64.add (local.get $x) (i64.extend_i32_u (local.get $i))))
        (br_if $l (i32.lt_u (local.tee $i (i32.add (local.get $i) (i32.const 1))) (local.get $n))))
      (local.get $x))
    ;; Legacy encoding: the native oracle here is Node 20.
    (func (export "handler") (param $x i64) (param $n i32) (result i64) (local $i i32)
      (loop $l
        (try
          (do
            (call $thrower (i32.eqz (i32.and (local.get $i) (i32.const 1))))
            (local.set $x (i64.mul (local.get $x) (i64.const 5)))
            (call $thrower (i32.and (local.get $i) (i32.const 2)))
            (local.set $x (i64.add (local.get $x) (i64.const 1000))))
          (catch_all
            (local.set $x (i64.sub (local.get $x) (i64.const 1)))))
        (br_if $l (i32.lt_u (local.tee $i (i32.add (local.get $i) (i32.const 1))) (local.get $n))))
      (local.get $x)))`;

  it('every path reads the value it wrote (vs native, unsplit and split into tiny pieces)', () => {
    const bytes = wabt.parseWat('f.wat', wat, { exceptions: true });
    const bin = new Uint8Array(bytes.toBinary({}).buffer) as Bytes;
    bytes.destroy();
    const n = new WebAssembly.Instance(new WebAssembly.Module(bin)).exports as any;
    const js = compile(bin, { format: 'factory' }).js;
    // The functions take the path under test: $L and forwarding bindings in use.
    expect(js).toMatch(/\$L\[\d+\] = \(\$F\d+ = /);
    for (const split of [undefined, { above: 0, target: 4, min: 1 }]) {
      const o = loadFactory(compile(bin, { format: 'factory', split }).js).instantiateSync({}).instance.exports as any;
      for (const [name, args] of [
        ['else_arm', [5n, 1]], ['else_arm', [-3n, 9]],
        ['after_if', [0x0123456789abcdefn, 1]], ['after_if', [-1n, 10]],
        ['header', [1n, 1n, 1]], ['header', [1n, 2n, 80]],
        ['block_exit', [7n, 1]], ['block_exit', [7n, 3]], ['block_exit', [7n, 40]],
        ['handler', [3n, 1]], ['handler', [3n, 2]], ['handler', [-9n, 11]],
      ] as [string, unknown[]][]) {
        const expected = n[name](...args);
        expect(o[name](...args), `${name}(${args.join(', ')}), split ${JSON.stringify(split)}`).toBe(expected);
      }
    }
  });
});

describe('i64 locals live where paths join go to $L (function.ts joinCarried)', () => {
  // $v is not live at the loop header (each iteration writes it first), but both
  // arms of the if write it and the code after the if reads it: V8 would merge
  // the two BigInts in a phi and box one on every iteration. $w is written and
  // read in straight-line code only and stays a plain binding.
  const wat = `(module
    (func (export "merge") (param $x i64) (param $n i32) (result i64) (local $i i32) (local $v i64) (local $w i64)
      (loop $l
        (if (i32.and (local.get $i) (i32.const 1))
          (then (local.set $v (i64.mul (local.get $x) (i64.const 3))))
          (else (local.set $v (i64.xor (local.get $x) (i64.const 0x5bd1e995)))))
        (local.set $w (i64.rotl (local.get $v) (i64.const 13)))
        (local.set $x (i64.add (local.get $x) (local.get $w)))
        (br_if $l (i32.lt_u (local.tee $i (i32.add (local.get $i) (i32.const 1))) (local.get $n))))
      (local.get $x)))`;

  it('puts the merged local in $L, not the straight-line one, and agrees with native', () => {
    const bin = wat2wasm(wat);
    const js = compile(bin).js;
    // Slots for $x (loop-carried) and $v (merged); $w (local 4) is a plain `let`.
    expect(js).toMatch(/new BigInt64Array\(2\)/);
    expect(js).toMatch(/\bl4 = 0n\b/);
    expect(js).not.toMatch(/\bl3 = 0n\b/);
    const n = new WebAssembly.Instance(new WebAssembly.Module(bin)).exports as any;
    const o = loadFactory(compile(bin, { format: 'factory' }).js).instantiateSync({}).instance.exports as any;
    for (const [x, k] of [[1n, 1], [5n, 2], [-7n, 17], [0x0123456789abcdefn, 64]] as [bigint, number][]) {
      expect(o.merge(x, k), `merge(${x}, ${k})`).toBe(n.merge(x, k));
    }
  });
});

describe('i64 shifts and rotates by a count known only at run time (branch-free halves, numeric.ts)', () => {
  it('every count 0..129, negative and huge counts, agree with native', () => {
    const ops = ['shl', 'shr_s', 'shr_u', 'rotl', 'rotr'];
    const wat = `(module ${ops.map((o) => `(func (export "${o}") (param i64 i64) (result i64) (i64.${o} (local.get 0) (local.get 1)))`).join('\n')})`;
    // The counts are parameters: no literal-count shortcut.
    expect(compile(wat2wasm(wat)).js).toMatch(/-\(\$n >>> 5\)/);
    const xs = [0n, 1n, -1n, 0x0123456789abcdefn, -0x7edcba9876543211n, 0x7fffffffffffffffn, -0x8000000000000000n, 0x80000000n, 0xffffffffn, -0x100000000n];
    const counts = [...Array.from({ length: 130 }, (_, i) => BigInt(i)), -1n, -31n, -32n, -33n, -64n, 0x7fffffffffffffffn, -0x8000000000000000n, 0x100000020n];
    differential(wat, ops.flatMap((o) => xs.flatMap((x) => counts.map((k) => [o, x, k] as Call))));
  });
});

describe('i64 division and remainder (runtime/numeric.ts: signed divisions only, a dividend >= 2^63 halved)', () => {
  it('div_u, rem_u, div_s, rem_s agree with native on edge values and seeded random operands of every magnitude', () => {
    const ops = ['div_u', 'rem_u', 'div_s', 'rem_s'];
    const wat = `(module ${ops.map((o) => `(func (export "${o}") (param i64 i64) (result i64) (i64.${o} (local.get 0) (local.get 1)))`).join('\n')})`;
    const edge = [0n, 1n, 2n, 3n, 7n, 10n, -1n, -2n, -3n, -10n, 0x7fffffffffffffffn, 0x7ffffffffffffffen, -0x8000000000000000n, -0x7fffffffffffffffn,
      0x80000000n, 0xffffffffn, 0x100000000n, -0x100000000n, 0x4000000000000000n, -0x4000000000000000n, 0x0123456789abcdefn, -0x0123456789abcdefn];
    // splitmix64, each value shifted right by a drawn amount: divisors and dividends of every size, either sign
    let s = 0x9e3779b97f4a7c15n;
    const next = () => {
      s = BigInt.asUintN(64, s + 0x9e3779b97f4a7c15n);
      let z = s;
      z = BigInt.asUintN(64, (z ^ (z >> 30n)) * 0xbf58476d1ce4e5b9n);
      z = BigInt.asUintN(64, (z ^ (z >> 27n)) * 0x94d049bb133111ebn);
      z ^= z >> 31n;
      return BigInt.asIntN(64, z >> (z & 63n));
    };
    const rnd = Array.from({ length: 60 }, next);
    const xs = [...edge, ...rnd];
    differential(wat, ops.flatMap((o) => xs.flatMap((x) => xs.map((y) => [o, x, y] as Call))));
  });
});

describe('i64 orderings as the sign bit of BigInt arithmetic (numeric.ts compare64)', () => {
  it('all eight orderings, as i32 results, in conditions and extended to i64 (carries), agree with native', () => {
    const ords = ['lt_s', 'gt_s', 'le_s', 'ge_s', 'lt_u', 'gt_u', 'le_u', 'ge_u'];
    const funcs = ords.flatMap((o) => [
      `(func (export "${o}") (param i64 i64) (result i32) (i64.${o} (local.get 0) (local.get 1)))`,
      // operands that are not one name (temporaries), the 0/1 extended and added: a carry
      `(func (export "${o}_x") (param i64 i64) (result i64)
        (i64.add (i64.extend_i32_u (i64.${o} (i64.add (local.get 0) (local.get 1)) (i64.xor (local.get 1) (i64.const -3)))) (i64.extend_i32_s (i64.${o} (local.get 1) (i64.const -7)))))`,
      `(func (export "${o}_if") (param i64 i64) (result i32) (if (result i32) (i64.${o} (local.get 0) (local.get 1)) (then (i32.const 11)) (else (i32.const 22))))`,
    ]);
    const wat = `(module ${funcs.join('\n')})`;
    expect(compile(wat2wasm(wat)).js).toMatch(/>> 63n\)/);
    const xs = [0n, 1n, 2n, -1n, -2n, -7n, -6n, -8n, 3n, 0x7fffffffffffffffn, -0x8000000000000000n, -0x7fffffffffffffffn, 0x7ffffffffffffffen,
      0x80000000n, 0xffffffffn, -0x100000000n, 0x0123456789abcdefn, -0x0123456789abcdefn];
    differential(wat, ords.flatMap((o) => [o, `${o}_x`, `${o}_if`].flatMap((f) => xs.flatMap((x) => xs.map((y) => [f, x, y] as Call)))));
  });
});

describe('self-inlining of small recursive functions (passes/inline.ts)', () => {
  // Each function calls itself directly; all but the last two qualify. The
  // copies must keep: returns and branches to the function level from nested
  // frames (with values), br_table to it, parameters of every numeric type,
  // declared locals read before written (zero in every run of a copy), several
  // call sites and a call as another call's argument, two results, traps
  // inside the recursion, and stack exhaustion.
  const wat = `(module
    (func $fib (export "fib") (param i32) (result i32) (local i32)
      (block $b
        (br_if $b (i32.lt_u (local.get 0) (i32.const 2)))
        (loop $l
          (local.set 1 (i32.add (call $fib (i32.sub (local.get 0) (i32.const 1))) (local.get 1)))
          (local.set 0 (i32.sub (local.get 0) (i32.const 2)))
          (br_if $l (i32.gt_u (local.get 0) (i32.const 1)))))
      (i32.add (local.get 0) (local.get 1)))
    (func $exits (export "exits") (param $n i32) (param $k i32) (result i64) (local $acc i64)
      (local.set $acc (i64.add (local.get $acc) (i64.extend_i32_u (local.get $n))))
      (block $a
        (block $b
          (loop $l
            (if (i32.eqz (local.get $n)) (then (return (i64.const 7))))
            (br_table $a $b 2 (i32.and (local.get $k) (i32.const 3)))))
        (return (i64.mul (local.get $acc) (call $exits (i32.sub (local.get $n) (i32.const 1)) (i32.add (local.get $k) (i32.const 1))))))
      (br 0 (i64.add (local.get $acc) (call $exits (i32.sub (local.get $n) (i32.const 1)) (i32.mul (local.get $k) (i32.const 3))))))
    (func $mixed (export "mixed") (param $a i32) (param $b i64) (param $c f32) (param $d f64) (result f64) (local $t f64) (local $u i32)
      (local.set $u (i32.add (local.get $u) (i32.const 1)))
      (local.set $t (f64.add (local.get $t) (f64.convert_i32_s (local.get $u))))
      (if (result f64) (i32.le_s (local.get $a) (i32.const 0))
        (then (f64.add (local.get $t) (f64.add (f64.promote_f32 (local.get $c)) (local.get $d))))
        (else (f64.add
          (call $mixed (i32.sub (local.get $a) (i32.const 1)) (i64.mul (local.get $b) (i64.const 3)) (f32.mul (local.get $c) (f32.const 1.5)) (f64.convert_i64_s (local.get $b)))
          (call $mixed (i32.sub (local.get $a) (i32.const 2)) (local.get $b) (local.get $c) (call $mixed (i32.const 0) (i64.const 1) (f32.const 2) (local.get $d)))))))
    (func $pair (export "pair") (param i32) (result i32 i64) (local i64)
      (if (i32.lt_s (local.get 0) (i32.const 1)) (then (return (i32.const 1) (i64.const 1))))
      (call $pair (i32.sub (local.get 0) (i32.const 1)))
      (local.set 1)
      (i32.add (local.get 0))
      (i64.mul (local.get 1) (i64.const 3)))
    (func $trap (export "trap") (param i32) (result i32)
      (if (result i32) (i32.eqz (local.get 0))
        (then (i32.div_u (i32.const 1) (local.get 0)))
        (else (i32.add (i32.const 1) (call $trap (i32.sub (local.get 0) (i32.const 1)))))))
    (func $forever (export "forever") (param i32) (result i32)
      (i32.add (i32.const 1) (call $forever (i32.add (local.get 0) (i32.const 1)))))
    (func $odd (export "odd") (param i32) (result i32)
      (if (result i32) (i32.eqz (local.get 0)) (then (i32.const 0)) (else (call $even (i32.sub (local.get 0) (i32.const 1))))))
    (func $even (param i32) (result i32)
      (if (result i32) (i32.eqz (local.get 0)) (then (i32.const 1)) (else (call $odd (i32.sub (local.get 0) (i32.const 1))))))
    (func $a3 (export "a3") (param i32) (result i32)
      (if (result i32) (i32.eqz (local.get 0)) (then (i32.const 3)) (else (call $b3 (i32.sub (local.get 0) (i32.const 1))))))
    (func $b3 (param i32) (result i32)
      (if (result i32) (i32.eqz (local.get 0)) (then (i32.const 4)) (else (call $c3 (i32.sub (local.get 0) (i32.const 1))))))
    (func $c3 (param i32) (result i32)
      (if (result i32) (i32.eqz (local.get 0)) (then (i32.const 5)) (else (call $a3 (i32.sub (local.get 0) (i32.const 1)))))))`;

  it('copies the qualifying functions, and every result, trap and exhaustion agrees with native', () => {
    const bin = wat2wasm(wat);
    const fn = (js: string, i: number) => {
      const at = js.search(new RegExp(`function f${i}[_(]`));
      expect(at, `function ${i} in the output`).toBeGreaterThan(0);
      return js.slice(at, js.indexOf('\n  }\n', at));
    };
    const on = compile(bin).js, off = compile(bin, { inline: false }).js;
    // 6 and 7 recurse mutually (each gets a copy of the other, then of
    // itself); 8-10 form a cycle of three, which is left alone.
    for (let i = 0; i < 11; i++) {
      const same = fn(on, i) === fn(off, i);
      expect(same, `function ${i} ${i < 8 ? 'inlined' : 'left alone'}`).toBe(i >= 8);
    }
    const calls: Call[] = [
      ...[0, 1, 2, 3, 10, 24].map((n) => ['fib', n] as Call),
      ...[[0, 0], [1, 0], [1, 1], [3, 2], [6, 1], [9, 3], [12, 5]].map(([n, k]) => ['exits', n, k] as Call),
      ...[[0, 1n, 1, 2], [1, 2n, 0.25, -1], [4, 3n, 1.1, 0.5], [7, -5n, -2.5, 1e10]].map((a) => ['mixed', ...a] as Call),
      ...[0, 1, 2, 5, 9].map((n) => ['pair', n] as Call),
      ...[3, 0, 40].map((n) => ['trap', n] as Call),
      ['forever', 0], ['fib', 20], ['odd', 7], ['odd', 10], ['odd', 0], ['odd', 1], ['odd', 1001],
      ['a3', 0], ['a3', 1], ['a3', 2], ['a3', 300],
    ];
    differential(bin, calls);
  });

  it('copies functions with exception handling, and results and exceptions agree with native', () => {
    const m = wabt.parseWat('f.wat', `(module (tag $t (param i32)) (tag $u)
      (func $f (export "f") (param i32) (result i32)
        (try (result i32)
          (do (if (result i32) (local.get 0) (then (call $f (i32.sub (local.get 0) (i32.const 1)))) (else (throw $t (i32.const 5)))))
          (catch $t (i32.add (i32.const 9))))
        (i32.add (local.get 0)))
      (func $g (export "g") (param i32) (result i32)
        ;; the innermost level throws $u: each level's catch_all rethrows until
        ;; a level whose argument is a multiple of 3 delegates it to its caller,
        ;; whose catch catches it
        (try (result i32)
          (do
            (try (result i32)
              (do (if (result i32) (i32.eqz (local.get 0)) (then (throw $u)) (else (call $g (i32.sub (local.get 0) (i32.const 1))))))
              (delegate 1)))
          (catch $u (i32.mul (local.get 0) (i32.const 100)))
          (catch_all (if (i32.rem_u (local.get 0) (i32.const 3)) (then (rethrow 1))) (i32.const -1)))))`, { exceptions: true });
    const bin = new Uint8Array(m.toBinary({}).buffer) as Bytes;
    m.destroy();
    expect(compile(bin).js).not.toBe(compile(bin, { inline: false }).js);
    differential(bin, [['f', 0], ['f', 3], ['f', 40], ['g', 0], ['g', 1], ['g', 2], ['g', 4], ['g', 7], ['g', 30]]);
  });

  it('copies a function into its call_indirect of its own type behind a guard', () => {
    const wat = `(module
      (type $t (func (param i32) (result i32)))
      (type $v (func (param i32)))
      (table 4 funcref) (elem (i32.const 0) $h $other $wrong)
      (func $h (export "h") (param i32) (result i32)
        ;; the table slot is the argument's low two bits: 0 is itself, 1 another
        ;; function of its type, 2 one of another type (traps), 3 empty (traps)
        (if (result i32) (i32.lt_s (local.get 0) (i32.const 4)) (then (local.get 0))
          (else (i32.add (i32.const 1)
            (call_indirect (type $t) (i32.sub (local.get 0) (i32.const 4)) (i32.and (local.get 0) (i32.const 3)))))))
      (func $other (param i32) (result i32) (i32.mul (local.get 0) (i32.const 7)))
      (func $wrong (param i32)))`;
    const bin = wat2wasm(wat);
    expect(compile(bin).js).toMatch(/\$g = \$callee\(/);
    const calls: Call[] = [0, 3, 4, 8, 12, 40, 400, 5, 9, 13, 6, 7, 11, 4000].map((n) => ['h', n] as Call);
    differential(bin, calls);
  });
});

describe('i32 division and remainder by a literal (inline unless it can trap)', () => {
  it('every divisor kind agrees with native, traps included', () => {
    const divisors = [1, -1, 2, -2, 3, -3, 7, 10, -10, 65536, 0x7fffffff, -0x80000000, 0x55555555, 0];
    const ops = ['div_s', 'div_u', 'rem_s', 'rem_u'];
    const funcs = ops.flatMap((op) =>
      divisors.map((c, k) => `(func (export "${op}_${k}") (param i32) (result i32) (i32.${op} (local.get 0) (i32.const ${c})))`),
    );
    const dividends = [0, 1, -1, 2, 7, -7, 100, -100, 0x7fffffff, -0x80000000, -0x7fffffff, 123456789, -987654321, 0x55555555];
    const calls: Call[] = ops.flatMap((op) => divisors.flatMap((_, k) => dividends.map((x) => [`${op}_${k}`, x] as Call)));
    const wat = `(module ${funcs.join('\n')})`;
    // The literal divisors really are inlined where they cannot trap.
    const js = compile(wat2wasm(wat)).js;
    expect(js).toMatch(/\(l0 % 7\) \| 0/);
    expect(js).toMatch(/\(\(l0 >>> 0\) \/ 2147483648\) \| 0/);
    expect(js).toMatch(/\$i32DivS\(l0, \(-1\)\)/);
    differential(wat, calls);
  });
});

describe('i64 operators with literal operands and nested bitwise operators (numeric.ts)', () => {
  it('unsigned compares, add/sub of negative literals and a byte swap agree with native', () => {
    const lits = ['0', '1', '127', '-1', '-5', '-9223372036854775808', '9223372036854775807', '0x7fffffffffffff00'];
    const cmps = ['lt_u', 'le_u', 'gt_u', 'ge_u'];
    const funcs = [
      ...cmps.flatMap((op) => lits.flatMap((c, k) => [
        `(func (export "${op}_${k}") (param i64) (result i32) (i64.${op} (local.get 0) (i64.const ${c})))`,
        `(func (export "${op}_r${k}") (param i64) (result i32) (i64.${op} (i64.const ${c}) (local.get 0)))`,
      ])),
      ...['add', 'sub'].flatMap((op) => lits.map((c, k) => `(func (export "${op}_${k}") (param i64) (result i64) (i64.${op} (local.get 0) (i64.const ${c})))`)),
      // sqlite's 64-bit byte swap: ors of ands and shifts, three deep
      `(func (export "bswap") (param i64) (result i64)
        (i64.or
          (i64.or (i64.or (i64.shl (local.get 0) (i64.const 56)) (i64.shl (i64.and (local.get 0) (i64.const 0xff00)) (i64.const 40)))
                  (i64.or (i64.shl (i64.and (local.get 0) (i64.const 0xff0000)) (i64.const 24)) (i64.shl (i64.and (local.get 0) (i64.const 0xff000000)) (i64.const 8))))
          (i64.or (i64.or (i64.and (i64.shr_u (local.get 0) (i64.const 8)) (i64.const 0xff000000)) (i64.and (i64.shr_u (local.get 0) (i64.const 24)) (i64.const 0xff0000)))
                  (i64.or (i64.and (i64.shr_u (local.get 0) (i64.const 40)) (i64.const 0xff00)) (i64.shr_u (local.get 0) (i64.const 56))))))`,
      // shift counts that are negative literals (count mod 64)
      ...['shl', 'shr_s', 'shr_u', 'rotl', 'rotr'].map((op) => `(func (export "${op}_neg") (param i64) (result i64) (i64.${op} (local.get 0) (i64.const -3)))`),
      `(func (export "xorchain") (param i64 i64) (result i64)
        (i64.xor (i64.and (i64.or (local.get 0) (local.get 1)) (i64.xor (local.get 0) (i64.const -1))) (i64.or (local.get 1) (i64.const -9223372036854775808))))`,
    ];
    const xs = [0n, 1n, 5n, 126n, 127n, 128n, -1n, -2n, -5n, -6n, -4n, 2n ** 63n - 1n, -(2n ** 63n), 0x7fffffffffffff00n, 0x0123456789abcdefn, -0x0123456789abcdefn];
    const names = [...cmps.flatMap((op) => lits.flatMap((_, k) => [`${op}_${k}`, `${op}_r${k}`])), ...['add', 'sub'].flatMap((op) => lits.map((_, k) => `${op}_${k}`)), 'bswap',
      ...['shl', 'shr_s', 'shr_u', 'rotl', 'rotr'].map((op) => `${op}_neg`)];
    const calls: Call[] = [...names.flatMap((n) => xs.map((x) => [n, x] as Call)), ...xs.flatMap((x) => xs.map((y) => ['xorchain', x, y] as Call))];
    const wat = `(module ${funcs.join('\n')})`;
    const js = compile(wat2wasm(wat)).js;
    // The forms this test is about are really emitted.
    // orderings as the sign bit of lowered BigInt operations (compare64)
    expect(js).toMatch(/BigInt\.asUintN\(64, .*\) >> 63n\)/);
    expect(js).toMatch(/BigInt\.asIntN\(64, l0 - 5n\)/);
    expect(js).toMatch(/BigInt\.asIntN\(64, \(BigInt\.asIntN\(64, \(BigInt\.asIntN\(64, l0 << 56n\)\) \| /);
    differential(wat, calls);
  });
});

describe('the cached $L array of a function that may be entered twice at once (function.ts lCache)', () => {
  // $f mixes in a loop and recurses, through the import when $viajs is set.
  // Its result adds the local $acc to the recursive call's result, after the
  // call: the array must not go back to the cache before that read. The import
  // throws at depth 2 when asked, leaving frames that never return their array.
  const wat = `(module
    (import "env" "again" (func $again (param i64 i32) (result i64)))
    (func $f (export "f") (param $x i64) (param $d i32) (result i64) (local $acc i64) (local $i i32)
      (loop $l
        (local.set $acc (i64.add (i64.mul (local.get $acc) (i64.const 7)) (local.get $x)))
        (br_if $l (i32.lt_u (local.tee $i (i32.add (local.get $i) (i32.const 1))) (i32.const 3))))
      (if (i32.eqz (local.get $d)) (then (return (local.get $acc))))
      (i64.add
        (if (result i64) (i32.and (local.get $d) (i32.const 1))
          (then (call $f (i64.add (local.get $x) (i64.const 1)) (i32.sub (local.get $d) (i32.const 1))))
          (else (call $again (i64.add (local.get $x) (i64.const 3)) (i32.sub (local.get $d) (i32.const 1)))))
        (i64.mul (local.get $acc) (i64.const 3))))
    (func $catching (export "catching") (param $x i64) (param $d i32) (result i64)
      (try (result i64)
        (do (call $f (local.get $x) (local.get $d)))
        (catch_all (call $f (local.get $x) (i32.const 3))))))`;

  it('uses one cached array, and results equal native on nested, repeated and thrown-through calls', () => {
    const m = wabt.parseWat('f.wat', wat, { exceptions: true });
    const bin = new Uint8Array(m.toBinary({}).buffer);
    m.destroy();
    // Without one level of self-inlining (codegen/inline.ts), which would add locals.
    const js = compile(bin, { inline: false }).js;
    expect(js).toMatch(/const \$L = (K\d+) \?\? new BigInt64Array\(2\); \1 = null;/);
    for (const inline of [false, true]) {
      const boom = { throwAt: -1 };
      const mk = (get: () => any) => ({
        env: {
          again: (x: bigint, d: number) => {
            if (d === boom.throwAt) throw new Error('boom');
            return get().f(x, d);
          },
        },
      });
      let nx: any, ox: any;
      nx = new WebAssembly.Instance(new WebAssembly.Module(bin), mk(() => nx)).exports;
      ox = loadFactory(compile(bin, { format: 'factory', inline }).js).instantiateSync(mk(() => ox)).instance.exports;
      const calls: [string, bigint, number, number][] = [
        ['f', 5n, 0, -1], ['f', 5n, 6, -1], ['f', -9n, 9, -1], ['f', 5n, 6, 2],
        ['f', 5n, 6, -1], ['catching', 11n, 8, 2], ['f', 11n, 8, -1], ['f', 5n, 6, 2], ['f', 1n, 1, -1],
      ];
      for (const [name, x, d, throwAt] of calls) {
        boom.throwAt = throwAt;
        const run = (e: any) => { try { return e[name](x, d); } catch (err) { return `threw ${(err as Error).message}`; } };
        expect(run(ox), `${name}(${x}, ${d}) throwing at ${throwAt}, inline ${inline}`).toBe(run(nx));
      }
    }
  });
});

describe('the $L array of a function that is never entered twice at once (call-graph.ts)', () => {
  // $mix reads its i64 local before writing it (must be 0 on every call, as a
  // fresh array would be); $rec recurses and $viajs re-enters itself through a
  // JS import, so each call needs its own array: a shared one would be clobbered.
  /** A function mixing in a loop, then calling `callee` (itself or the import that calls it back). */
  const reentering = (name: string, callee: string, k: number) => `
    (func $${name} (export "${name}") (param $x i64) (param $d i32) (result i64) (local $acc i64) (local $i i32)
      (loop $l
        (local.set $acc (i64.add (i64.mul (local.get $acc) (i64.const ${k})) (local.get $x)))
        (br_if $l (i32.lt_u (local.tee $i (i32.add (local.get $i) (i32.const 1))) (i32.const 3))))
      (if (local.get $d)
        (then (local.set $acc (i64.xor (local.get $acc) (call ${callee} (i64.add (local.get $x) (i64.const 1)) (i32.sub (local.get $d) (i32.const 1)))))))
      (i64.add (local.get $acc) (local.get $x)))`;
  const wat = `(module
    (import "env" "again" (func $again (param i64 i32) (result i64)))
    (func $mix (export "mix") (param $x i64) (param $n i32) (result i64) (local $acc i64) (local $i i32)
      (local.set $x (i64.add (local.get $x) (local.get $acc)))
      (loop $l
        (local.set $acc (i64.xor (i64.mul (local.get $acc) (i64.const 31)) (local.get $x)))
        (local.set $x (i64.rotl (local.get $x) (i64.const 7)))
        (br_if $l (i32.lt_u (local.tee $i (i32.add (local.get $i) (i32.const 1))) (local.get $n))))
      (local.get $acc))
    ${reentering('rec', '$rec', 3)}
    ${reentering('viajs', '$again', 5)})`;

  it('one array for $mix only; results equal native on repeated and re-entered calls', () => {
    const bin = wat2wasm(wat);
    const js = compile(bin).js;
    // $mix shares an array; the other two take a cached one or allocate one per call.
    expect(js.match(/const \$L = K\d+;/g)?.length).toBe(1);
    expect(js.match(/const \$L = K\d+ \?\? new BigInt64Array/g)?.length).toBe(2);
    let nx: any, ox: any;
    const n = new WebAssembly.Instance(new WebAssembly.Module(bin), { env: { again: (x: bigint, d: number) => nx.viajs(x, d) } }).exports as any;
    nx = n;
    const o = loadFactory(compile(bin, { format: 'factory' }).js).instantiateSync({ env: { again: (x: bigint, d: number) => ox.viajs(x, d) } }).instance.exports as any;
    ox = o;
    for (const [name, args] of [
      ['mix', [5n, 4]], ['mix', [5n, 4]], ['mix', [-1n, 9]], ['mix', [5n, 4]],
      ['rec', [7n, 0]], ['rec', [7n, 5]], ['rec', [-3n, 9]],
      ['viajs', [7n, 0]], ['viajs', [7n, 5]], ['viajs', [-3n, 9]],
    ] as [string, unknown[]][]) {
      expect(o[name](...args), `${name}(${args.join(', ')})`).toBe(n[name](...args));
    }
  });
});

describe('accesses at constant addresses (typed views first, DataView behind: memory.ts)', () => {
  // Every access kind at fixed addresses: aligned and not, with and without a
  // static offset, at the last bytes of memory and past them, in a page that
  // exists only after memory.grow (within the function and behind a call), and
  // f32 NaN payloads. A store that traps must leave memory as it was.
  const wat = `(module (memory (export "m") 1 4)
    (func $grow (drop (memory.grow (i32.const 1))))
    (func (export "kinds") (param i32 i64 f32 f64) (result i64)
      (i32.store (i32.const 0) (local.get 0))
      (i64.store (i32.const 8) (local.get 1))
      (f64.store (i32.const 24) (local.get 3))
      (i32.store8 (i32.const 33) (local.get 0))
      (i32.store16 (i32.const 34) (local.get 0))
      (i64.store8 (i32.const 36) (local.get 1))
      (i64.store16 (i32.const 38) (local.get 1))
      (i64.store32 (i32.const 40) (local.get 1))
      (f64.store offset=40 (i32.const 8) (f64.add (f64.load (i32.const 24)) (f64.const 1)))
      (i64.add
        (i64.add
          (i64.add (i64.extend_i32_s (i32.load (i32.const 0))) (i64.load (i32.const 8)))
          (i64.add (i64.extend_i32_u (i32.load8_s (i32.const 33))) (i64.extend_i32_u (i32.load8_u (i32.const 33)))))
        (i64.add
          (i64.add (i64.extend_i32_u (i32.load16_s (i32.const 34))) (i64.extend_i32_u (i32.load16_u (i32.const 34))))
          (i64.add
            (i64.add (i64.load8_s (i32.const 36)) (i64.load8_u (i32.const 36)))
            (i64.add
              (i64.add (i64.load16_s (i32.const 38)) (i64.load16_u (i32.const 38)))
              (i64.add
                (i64.add (i64.load32_s (i32.const 40)) (i64.load32_u offset=4 (i32.const 36)))
                (i64.add (i64.reinterpret_f64 (f64.load (i32.const 48)))
                  (i64.extend_i32_u (i32.reinterpret_f32 (local.get 2))))))))))
    (func (export "unaligned") (param f64) (result f64)
      (f64.store (i32.const 3) (local.get 0))
      (i32.store (i32.const 70) (i32.const -2))
      (f64.add (f64.load offset=1 (i32.const 2)) (f64.convert_i32_s (i32.load (i32.const 70)))))
    (func (export "nan_moved") (param i32) (result i32)
      (i32.store (i32.const 64) (local.get 0))
      (f32.store (i32.const 68) (f32.load (i32.const 64)))
      (i32.load (i32.const 68)))
    (func (export "end_f64") (param f64) (result f64)
      (f64.store (i32.const 65528) (local.get 0))
      (f64.load (i32.const 65528)))
    (func (export "past_end_load") (result f64) (f64.load (i32.const 65536)))
    (func (export "past_end_offset") (result i32) (i32.load offset=4 (i32.const 65532)))
    (func (export "wrapped_address") (result i32) (i32.load (i32.const -4)))
    (func (export "straddle_store")
      (i32.store (i32.const 65532) (i32.const 0x01020304))
      (i64.store (i32.const 65532) (i64.const -1)))
    (func (export "last_word") (result i32) (i32.load (i32.const 65532)))
    (func (export "grow_here") (param f64) (result f64)
      (drop (memory.grow (i32.const 1)))
      (f64.store (i32.const 65600) (local.get 0))
      (f64.load (i32.const 65600)))
    (func (export "grow_behind_call") (param i32) (result i32)
      (i32.store (i32.const 16) (i32.const 1))
      (call $grow)
      (i32.store (i32.const 196604) (local.get 0))
      (i32.add (i32.load (i32.const 196604)) (i32.load (i32.const 16))))
    (func (export "second_page") (result i32) (i32.load (i32.const 65600))))`;
  const calls: Call[] = [
    ['kinds', 0x7f8192a3, -0x123456789abcdefn, 1.25, -2.5],
    ['kinds', -1, 0x7ff4000000000001n, -0, 1e300],
    ['unaligned', 3.75],
    ['nan_moved', 0x7fa00001],
    ['nan_moved', -0x5fffff],
    ['end_f64', 6.5],
    ['past_end_load'],
    ['past_end_offset'],
    ['wrapped_address'],
    ['straddle_store'],
    ['last_word'],
    ['second_page'],
    ['grow_here', 7.25],
    ['second_page'],
    ['grow_behind_call', 99],
    ['past_end_load'],
  ];

  it('agree with native on every kind, bound and growth', () => {
    differential(wat, calls);
  });

  it('agree with native when every typed view is empty (the DataView path: a big-endian host)', async () => {
    const { runtime } = await import('../runtime/index.js');
    const saved = runtime.memoryView;
    runtime.memoryView = (C: any) => new C(0);
    try {
      differential(wat, calls);
    } finally {
      runtime.memoryView = saved;
    }
  });

  it('the constant-address accesses do use the typed views', () => {
    const js = compile(wat2wasm(wat), { format: 'factory' }).js;
    expect(js).toMatch(/V0_f64\[8191\] \?\? D0\.getFloat64\(65528, true\)/);
    const kinds = js.slice(js.search(/function f1(_\w*)?\(/), js.search(/function f2(_\w*)?\(/));
    expect(kinds).toMatch(/if \(V0_i32\[0\] !== undefined\) V0_i32\[0\] = /);
    expect(kinds).toMatch(/if \(V0_i32\[2 \+ 1\] !== undefined\) \{ V0_i32\[2 \+ 1\] = /);
    expect(kinds).toMatch(/V0_u16\[17\]/);
    expect(js).not.toMatch(/V0_f64\[[^\]]*\.5\]/);
  });
});
