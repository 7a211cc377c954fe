// i32.wrap_i64 computed on numbers (codegen/narrow.ts): every function runs
// natively (the oracle) and compiled; the Go-like address function must not
// build a BigInt at all.
import { describe, it, expect } from 'vitest';
import { compile, loadFactory } from '../index.js';

const wabt = await (await import('wabt')).default();

const WAT = `(module
  (memory 1)
  (func (export "addr") (param $p i32) (result i32)
    ;; Go: wrap(extend_u(p) + 16) as an address
    (i32.load (i32.wrap_i64 (i64.add (i64.extend_i32_u (local.get $p)) (i64.const 16)))))
  (func (export "mix") (param $a i32) (param $b i32) (result i32)
    (i32.wrap_i64
      (i64.xor
        (i64.mul (i64.extend_i32_s (local.get $a)) (i64.extend_i32_u (local.get $b)))
        (i64.or (i64.sub (i64.const 0x123456789) (i64.extend_i32_u (local.get $b)))
                (i64.and (i64.extend_i32_s (local.get $a)) (i64.const -4294967296))))))
  (func (export "stale") (param $a i32) (result i32) (local $t i64)
    ;; the i64 value is pending while $a changes: the wrap must see the old $a
    (i64.add (i64.extend_i32_u (local.get $a)) (i64.const 0xffffffff))
    (local.set $a (i32.const 7))
    (local.set $t)
    (i32.add (i32.wrap_i64 (local.get $t)) (local.get $a)))
  (func (export "pending") (param $a i32) (result i32)
    (i64.mul (i64.extend_i32_u (local.get $a)) (i64.const 0x100000003))
    (local.set $a (i32.const 9))
    (i32.wrap_i64)
    (local.get $a)
    (i32.add))
  (data (i32.const 16) "\\01\\02\\03\\04\\05\\06\\07\\08\\09\\0a\\0b\\0c\\0d\\0e\\0f\\10\\11\\12\\13\\14"))`;

describe('i32.wrap_i64 on numbers (codegen/narrow.ts)', () => {
  const m = wabt.parseWat('n.wat', WAT, {});
  m.resolveNames();
  m.validate();
  const bytes = new Uint8Array(m.toBinary({}).buffer);
  m.destroy();

  it('the address computation builds no BigInt', () => {
    const js = compile(bytes).js;
    const at = js.search(/function f0[_(]/);
    const f0 = js.slice(at, js.indexOf('\n  }\n', at));
    expect(f0).not.toMatch(/BigInt|K0\[/);
    expect(f0).toMatch(/\+ 16/);
  });

  it('agrees with native', () => {
    const native = new WebAssembly.Instance(new WebAssembly.Module(bytes)).exports as Record<string, (...a: number[]) => number>;
    const ours = loadFactory(compile(bytes, { format: 'factory' }).js).instantiateSync({}).instance.exports as Record<string, (...a: number[]) => number>;
    const vals = [0, 1, -1, 4, 0x7fffffff, -0x80000000, 0x12345678, -987654321];
    const outcome = (f: () => number) => { try { return f(); } catch (e) { return (e as Error).constructor.name; } };
    // -16 wraps around to address 0; 65,520 and -17 are out of bounds.
    for (const a of [0, 1, 4, -16, -17, 65520]) expect(outcome(() => ours.addr(a)), `addr(${a})`).toBe(outcome(() => native.addr(a)));
    expect(outcome(() => native.addr(65520))).toBe('RuntimeError');
    for (const a of vals) {
      for (const b of vals) expect(ours.mix(a, b), `mix(${a}, ${b})`).toBe(native.mix(a, b));
      expect(ours.stale(a), `stale(${a})`).toBe(native.stale(a));
      expect(ours.pending(a), `pending(${a})`).toBe(native.pending(a));
    }
  });
});
