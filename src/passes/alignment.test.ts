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

// Seeded random functions: address arithmetic (sums, products, shifts, masks)
// over parameters, constants and locals, assignments in loops and branches,
// and every store and load kind at the resulting addresses with assorted
// static offsets. Each function runs natively and compiled, on aligned and
// unaligned arguments; results and the whole memory must agree. A wrongly
// proven address would read or write the wrong bytes.
describe('alignment analysis: random functions against native', () => {
  function rng(seed: number) {
    let s = seed >>> 0 || 1;
    return (n: number) => {
      s ^= s << 13; s >>>= 0; s ^= s >>> 17; s ^= s << 5; s >>>= 0;
      return s % n;
    };
  }
  const STORES = ['i32.store', 'i64.store', 'f64.store', 'i32.store8', 'i32.store16', 'i64.store32', 'f32.store'];
  const LOADS = ['i64.load', 'i64.load32_u', 'i64.load16_s', 'i64.load8_u'];
  const VALUE: Record<string, string> = {
    'i32.store': '(i32.wrap_i64 (local.get $sum))', 'i32.store8': '(local.get $a)', 'i32.store16': '(local.get $b)',
    'i64.store': '(local.get $sum)', 'i64.store32': '(i64.extend_i32_u (local.get $c))',
    'f64.store': '(f64.convert_i64_s (local.get $sum))', 'f32.store': '(f32.convert_i32_s (local.get $a))',
  };

  function gen(seed: number): string {
    const r = rng(seed);
    const locals = ['$a', '$b', '$c'];
    const atom = (): string => {
      switch (r(4)) {
        case 0: return `(local.get $p${r(2)})`;
        case 1: return `(i32.const ${[0, 1, 2, 3, 4, 8, 12, 16, 24, 56, 64, 1000, 4096][r(13)]})`;
        default: return `(local.get ${locals[r(3)]})`;
      }
    };
    const expr = (d: number): string => {
      if (d === 0 || r(3) === 0) return atom();
      switch (r(8)) {
        case 0: return `(i32.add ${expr(d - 1)} ${expr(d - 1)})`;
        case 1: return `(i32.sub ${expr(d - 1)} ${expr(d - 1)})`;
        case 2: return `(i32.mul ${expr(d - 1)} ${expr(d - 1)})`;
        case 3: return `(i32.shl ${expr(d - 1)} (i32.const ${r(5)}))`;
        case 4: return `(i32.shr_u ${expr(d - 1)} (i32.const ${r(4)}))`;
        case 5: return `(i32.and ${expr(d - 1)} (i32.const ${[-8, -4, -2, 0xfff0, 7][r(5)]}))`;
        case 6: return `(i32.or ${expr(d - 1)} ${expr(d - 1)})`;
        default: return `(i32.shl ${expr(d - 1)} ${atom()})`;
      }
    };
    // Addresses kept inside the two pages: the mask keeps the low bits.
    const addr = () => `(i32.and ${expr(3)} (i32.const 0xffff))`;
    const stmt = (d: number): string => {
      switch (r(d > 0 ? 6 : 4)) {
        case 0:
        case 1: return `(local.set ${locals[r(3)]} ${expr(3)})`;
        case 2: {
          const op = STORES[r(STORES.length)];
          return `(${op} offset=${[0, 0, 1, 2, 4, 8, 16][r(7)]} ${addr()} ${VALUE[op]})`;
        }
        case 3: {
          const op = LOADS[r(LOADS.length)];
          return `(local.set $sum (i64.add (i64.mul (local.get $sum) (i64.const 31)) (${op} offset=${[0, 0, 2, 4, 8][r(5)]} ${addr()})))`;
        }
        case 4: return `(if (i32.and (local.get $p1) (i32.const ${1 << r(4)})) (then ${stmts(d - 1)}) (else ${stmts(d - 1)}))`;
        default: return `(local.set $i (i32.const 0)) (loop $l ${stmts(d - 1)} (local.set $i (i32.add (local.get $i) (i32.const 1))) (br_if $l (i32.lt_u (local.get $i) (i32.const 3))))`;
      }
    };
    const stmts = (d: number): string => Array.from({ length: 1 + r(4) }, () => stmt(d)).join('\n        ');
    return `(module (memory (export "m") 2)
      (func (export "f") (param $p0 i32) (param $p1 i32) (result i64)
        (local $a i32) (local $b i32) (local $c i32) (local $i i32) (local $sum i64)
        ${stmts(2)}
        ${stmts(2)}
        (local.get $sum)))`;
  }

  it('300 seeded functions, each called with aligned and unaligned arguments', () => {
    let typed = 0;
    for (let seed = 1; seed <= 300; seed++) {
      const bytes = wat2wasm(gen(seed));
      const js = compile(bytes, { format: 'factory' }).js;
      if (/let V0_/.test(js)) typed++;
      const native = new WebAssembly.Instance(new WebAssembly.Module(bytes)).exports as any;
      const ours = loadFactory(js).instantiateSync({}).instance.exports as any;
      for (const [p0, p1] of [[0, 0], [8, 3], [1, 6], [4, 15], [-8, 7], [12345, 2], [65531, 9]]) {
        const run = (f: () => unknown) => { try { return f(); } catch (e) { return (e as Error).constructor.name; } };
        expect(run(() => ours.f(p0, p1)), `seed ${seed}: f(${p0}, ${p1})`).toEqual(run(() => native.f(p0, p1)));
      }
      expect(Buffer.from(ours.m.buffer).equals(Buffer.from(native.m.buffer)), `seed ${seed}: memory`).toBe(true);
    }
    // The generator must reach the typed path often enough to test it.
    expect(typed).toBeGreaterThan(30);
  });
});
