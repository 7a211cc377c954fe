// The alignment analysis (alignment.ts): which accesses it proves aligned, and,
// what matters most, that it never proves one whose address can be unaligned.
// Each function stores through its address at `(;A;)` and `(;U;)` markers:
// every `A` access must be proven, no `U` access may be. The modules also run
// against native WebAssembly with unaligned inputs, so a wrongly proven access
// would read or write the wrong bytes.
import { describe, it, expect } from 'vitest';
import { decodeModule } from '../binary/module.js';
import { decodeBody } from '../binary/code.js';
import { alignedAccesses } from './alignment.js';
import { compile, loadFactory } from '../index.js';

const wabt = await (await import('wabt')).default();
function wat2wasm(text: string): Uint8Array<ArrayBuffer> {
  const m = wabt.parseWat('t.wat', text, { multi_value: true, bulk_memory: true });
  try {
    return new Uint8Array(m.toBinary({}).buffer);
  } finally {
    m.destroy();
  }
}

/** Proven flags of the stores of function `fi`, in body order. */
function provenStores(bytes: Uint8Array, fi: number): boolean[] {
  const m = decodeModule(bytes);
  const f = m.funcs[fi];
  const body = decodeBody(m, f);
  const proven = alignedAccesses(m, m.types[f.typeIdx], f.locals, body, false);
  return body.filter((ins) => ins.op >= 0x36 && ins.op <= 0x3e).map((ins) => proven.has(ins));
}

const cases: [name: string, func: string, expected: boolean[]][] = [
  ['parameters are unknown; constants and products of aligned values are aligned',
    `(func (param $p i32) (local $a i32)
      (i32.store (local.get $p) (i32.const 0))
      (i32.store (i32.const 64) (i32.const 0))
      (local.set $a (i32.mul (local.get $p) (i32.const 8)))
      (f64.store (local.get $a) (f64.const 0))
      (f64.store offset=8 (i32.add (local.get $a) (i32.const 16)) (f64.const 0))
      (f64.store (i32.add (local.get $a) (i32.const 4)) (f64.const 0))
      (i32.store (i32.shl (local.get $p) (i32.const 2)) (i32.const 0))
      (i32.store (i32.and (local.get $p) (i32.const -4)) (i32.const 0))
      (i32.store (i32.or (local.get $a) (i32.const 2)) (i32.const 0))
      (i32.store8 (local.get $p) (i32.const 0)))`,
    [false, true, true, true, false, true, true, false, true]],
  ['a local reused for an unaligned value later is unaligned where it is',
    `(func (param $p i32) (local $a i32)
      (local.set $a (i32.const 8))
      (i64.store (local.get $a) (i64.const 0))
      (local.set $a (i32.add (local.get $p) (i32.const 8)))
      (i64.store (local.get $a) (i64.const 0)))`,
    [true, false]],
  ['a loop whose back edge makes the address unaligned',
    `(func (param $n i32) (local $a i32)
      (local.set $a (i32.const 16))
      (loop $l
        (f64.store (local.get $a) (f64.const 1))
        (local.set $a (i32.add (local.get $a) (i32.const 1)))
        (br_if $l (local.tee $n (i32.sub (local.get $n) (i32.const 1))))))`,
    [false]],
  ['a loop whose back edge keeps the address aligned',
    `(func (param $n i32) (local $a i32)
      (local.set $a (i32.const 16))
      (loop $l
        (f64.store (local.get $a) (f64.const 1))
        (local.set $a (i32.add (local.get $a) (i32.const 24)))
        (br_if $l (local.tee $n (i32.sub (local.get $n) (i32.const 1))))))`,
    [true]],
  ['joins: if/else arms and branches out of blocks',
    `(func (param $p i32) (local $a i32)
      (if (local.get $p)
        (then (local.set $a (i32.const 8)))
        (else (local.set $a (i32.const 4))))
      (i64.store (local.get $a) (i64.const 0))
      (i32.store (local.get $a) (i32.const 0))
      (block $b
        (local.set $a (i32.const 3))
        (br_if $b (local.get $p))
        (local.set $a (i32.const 8)))
      (i32.store (local.get $a) (i32.const 0)))`,
    [false, true, false]],
  ['values carried by a block result, select and br_table',
    `(func (param $p i32) (local $a i32)
      (i32.store
        (block $b (result i32)
          (br_table $b $b (i32.const 6) (local.get $p))
          (i32.const 8))
        (i32.const 0))
      (i32.store (select (i32.const 8) (i32.const 12) (local.get $p)) (i32.const 0))
      (i32.store (select (i32.const 8) (i32.const 10) (local.get $p)) (i32.const 0))
      (local.set $a (i32.shr_u (i32.const 32) (local.get $p)))
      (i32.store (local.get $a) (i32.const 0)))`,
    [false, true, false, false]],
];

describe('alignment analysis (alignment.ts)', () => {
  for (const [name, func, expected] of cases) {
    it(name, () => {
      const bytes = wat2wasm(`(module (memory 1) ${func})`);
      expect(provenStores(bytes, 0)).toEqual(expected);
    });
  }

  it('all or nothing by default: one unproven store, and no access is proven', () => {
    const bytes = wat2wasm(`(module (memory 1) (func (param $p i32)
      (f64.store (i32.const 8) (f64.load (i32.const 16)))
      (i32.store (local.get $p) (i32.const 0))))`);
    const m = decodeModule(bytes);
    const f = m.funcs[0];
    const body = decodeBody(m, f);
    expect(alignedAccesses(m, m.types[f.typeIdx], f.locals, body).size).toBe(0);
    expect(alignedAccesses(m, m.types[f.typeIdx], f.locals, body, false).size).toBe(2);
  });

  it('gives up (proves nothing) on what it does not model', () => {
    const m = wabt.parseWat('t.wat', `(module (memory 1)
      (func (i32.store (i32.const 8) (i32.const 0)) (try (do (nop)) (catch_all))))`, { exceptions: true });
    const bin = new Uint8Array(m.toBinary({}).buffer);
    m.destroy();
    expect(provenStores(bin, 0)).toEqual([false]);
  });

  it('compiled code agrees with native on aligned and unaligned inputs', () => {
    const bytes = wat2wasm(`(module (memory (export "m") 1)
      (func (export "walk") (param $base i32) (param $n i32) (result f64) (local $a i32) (local $s f64)
        (local.set $a (i32.mul (local.get $base) (i32.const 8)))
        (loop $l
          (f64.store offset=8 (local.get $a) (f64.convert_i32_s (local.get $n)))
          (local.set $s (f64.add (local.get $s) (f64.load offset=8 (local.get $a))))
          (local.set $a (i32.add (local.get $a) (i32.const 16)))
          (br_if $l (local.tee $n (i32.sub (local.get $n) (i32.const 1)))))
        (local.set $a (i32.add (local.get $base) (i32.const 1)))
        (f64.store (local.get $a) (local.get $s))
        (f64.add (local.get $s) (f64.load (local.get $a))))
      (func (export "bytes") (param $p i32) (result i64)
        (i64.store (i32.and (local.get $p) (i32.const -8)) (i64.const 0x0102030405060708))
        (i64.load (local.get $p))))`);
    const native = new WebAssembly.Instance(new WebAssembly.Module(bytes)).exports as any;
    const ours = loadFactory(compile(bytes, { format: 'factory' }).js).instantiateSync({}).instance.exports as any;
    for (const [base, n] of [[0, 3], [5, 4], [8190, 1], [8191, 2], [100000, 1]]) {
      const r = (f: () => unknown) => { try { return f(); } catch (e) { return (e as Error).constructor.name; } };
      expect(r(() => ours.walk(base, n)), `walk(${base}, ${n})`).toEqual(r(() => native.walk(base, n)));
    }
    for (const p of [0, 3, 13, 65520, 65528]) expect(ours.bytes(p), `bytes(${p})`).toBe(native.bytes(p));
    expect(new Uint8Array(ours.m.buffer)).toEqual(new Uint8Array(native.m.buffer));
  });
});
