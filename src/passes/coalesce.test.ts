// Coalescing of locals (passes/coalesce.ts): locals whose values are never live
// at once share a JS variable. Every case runs natively (the oracle) and
// compiled with coalescing, which must have merged something in it.
import { describe, it, expect } from 'vitest';
import { compile, loadFactory } from '../index.js';

const wabt = await (await import('wabt')).default();

function wasm(text: string): Uint8Array {
  const m = wabt.parseWat('t.wat', text, { exceptions: true });
  m.resolveNames();
  m.validate();
  const bytes = new Uint8Array(m.toBinary({}).buffer);
  m.destroy();
  return bytes;
}

/** The number of variables `let`-declared in function f<i> of the output. */
function declared(js: string, i: number): number {
  const at = js.search(new RegExp(`function f${i}[_(]`));
  const line = js.slice(at, js.indexOf('\n  }\n', at)).split('\n').find((l) => /^\s*let /.test(l)) ?? '';
  return line ? line.split(',').length : 0;
}

// Each function has temporaries that die before others are born, next to
// locals that must keep their values: carried around a loop, read before any
// write (the zero every local starts with), live into a catch, written but
// never read, set by local.tee, of several types.
const WAT = `(module
  (tag $e (param i32))
  (func (export "loop") (param $n i32) (result i32) (local $acc i32) (local $t1 i32) (local $t2 i32) (local $t3 i32) (local $late i32)
    (loop $l
      (local.set $t1 (i32.mul (local.get $n) (i32.const 3)))
      (local.set $t2 (i32.add (local.get $t1) (local.get $acc)))
      (local.set $acc (i32.xor (local.get $t2) (i32.const 0x55)))
      (local.set $t3 (i32.sub (local.get $n) (i32.const 1)))
      (local.set $n (local.get $t3))
      (br_if $l (local.get $n)))
    ;; $late was never written: it is still 0
    (i32.add (local.get $acc) (local.get $late)))
  (func (export "zero") (param $x i32) (result i32) (local $a i32) (local $b i32) (local $z i32) (local $c i32)
    (local.set $a (i32.mul (local.get $x) (i32.const 7)))
    (local.set $b (i32.add (local.get $a) (i32.const 1)))
    (if (i32.gt_s (local.get $x) (i32.const 5)) (then (local.set $z (i32.const 9))))
    ;; $z is 0 unless the if wrote it: live from the entry on the other path
    (local.set $c (i32.mul (local.get $b) (i32.const 3)))
    (i32.add (local.get $c) (local.get $z)))
  (func (export "catch") (param $x i32) (result i32) (local $keep i32) (local $t i32) (local $u i32) (local $dead i32)
    (local.set $t (i32.add (local.get $x) (i32.const 1)))
    (local.set $keep (i32.mul (local.get $t) (i32.const 2)))
    (local.set $dead (i32.const 77))
    (try (result i32)
      (do
        (local.set $u (i32.sub (local.get $keep) (i32.const 1)))
        (if (i32.and (local.get $x) (i32.const 1)) (then (throw $e (local.get $u))))
        (local.get $u))
      (catch $e (i32.add (local.get $keep))))
    (local.set $t (i32.const 5))
    (i32.add (local.get $t)))
  (func (export "tee") (param $x f64) (result f64) (local $a f64) (local $b f64) (local $c f32) (local $d f32) (local $k i32) (local $j i32)
    (local.set $k (i32.trunc_sat_f64_s (local.get $x)))
    (local.set $j (i32.add (local.get $k) (i32.const 2)))
    (local.set $c (f32.demote_f64 (local.tee $a (f64.mul (local.get $x) (f64.const 1.5)))))
    (local.set $d (f32.add (local.get $c) (f32.convert_i32_s (local.get $j))))
    (local.set $b (f64.add (f64.promote_f32 (local.get $d)) (f64.const 0.25)))
    (f64.add (local.get $b) (local.get $a)))
  (func (export "branches") (param $s i32) (result i64) (local $p i64) (local $q i64) (local $r i64) (local $v i32) (local $w i32)
    (local.set $v (i32.and (local.get $s) (i32.const 3)))
    (block $b2 (block $b1 (block $b0
      (br_table $b0 $b1 $b2 (local.get $v)))
      (local.set $p (i64.const 11)) (local.set $w (i32.const 1)))
      (local.set $q (i64.extend_i32_u (local.get $w))) (local.set $p (i64.add (local.get $p) (local.get $q))))
    (local.set $r (i64.mul (local.get $p) (i64.const 3)))
    (i64.add (local.get $r) (i64.extend_i32_u (local.get $v)))))`;

describe('coalescing of locals (passes/coalesce.ts)', () => {
  const bytes = wasm(WAT);
  const names = ['loop', 'zero', 'catch', 'tee', 'branches'];

  it('merges locals in every function', () => {
    const on = compile(bytes).js;
    const off = compile(bytes, { coalesce: false }).js;
    for (let i = 0; i < names.length; i++) {
      expect(declared(on, i), `${names[i]} (${declared(off, i)} variables without coalescing)`).toBeLessThan(declared(off, i));
    }
  });

  it('agrees with native on every function', () => {
    const native = new WebAssembly.Instance(new WebAssembly.Module(bytes)).exports as Record<string, (...a: unknown[]) => unknown>;
    const ours = loadFactory(compile(bytes, { format: 'factory' }).js).instantiateSync({}).instance.exports as Record<string, (...a: unknown[]) => unknown>;
    const args: [string, unknown[]][] = [
      ...[1, 2, 7, 100].map((n): [string, unknown[]] => ['loop', [n]]),
      ...[0, 3, 6, -4].map((n): [string, unknown[]] => ['zero', [n]]),
      ...[0, 1, 2, 41].map((n): [string, unknown[]] => ['catch', [n]]),
      ...[0, 1.75, -3.5, 1e9].map((n): [string, unknown[]] => ['tee', [n]]),
      ...[0, 1, 2, 3, 7].map((n): [string, unknown[]] => ['branches', [n]]),
    ];
    for (const [name, a] of args) expect(ours[name](...a), `${name}(${a})`).toBe(native[name](...a));
  });
});

describe('mutual recursion (passes/inline.ts inlineCyclePartner)', () => {
  const bytes = wasm(`(module
    (func $even (export "even") (param $n i32) (result i32)
      (if (result i32) (i32.eqz (local.get $n)) (then (i32.const 1))
        (else (call $odd (i32.sub (local.get $n) (i32.const 1))))))
    (func $odd (export "odd") (param $n i32) (result i32) (local $t i32)
      (local.set $t (i32.sub (local.get $n) (i32.const 1)))
      (if (result i32) (i32.eqz (local.get $n)) (then (i32.const 0))
        (else (return (call $even (local.get $t)))))))`);

  it('each function gets a copy of the other and then calls only itself, with native results', () => {
    const js = compile(bytes).js;
    const body = (i: number) => { const at = js.search(new RegExp(`function f${i}[_(]`)); return js.slice(at, js.indexOf('\n  }\n', at)); };
    expect(body(0)).not.toMatch(/\bf1\(/);
    expect(body(1)).not.toMatch(/\bf0\(/);
    const native = new WebAssembly.Instance(new WebAssembly.Module(bytes)).exports as Record<string, (n: number) => number>;
    const ours = loadFactory(compile(bytes, { format: 'factory' }).js).instantiateSync({}).instance.exports as Record<string, (n: number) => number>;
    for (const n of [0, 1, 2, 3, 10, 11, 999, 5000]) {
      expect(ours.even(n), `even(${n})`).toBe(native.even(n));
      expect(ours.odd(n), `odd(${n})`).toBe(native.odd(n));
    }
  });
});
