// Signalling NaN operands: every float operator that computes (not neg, abs,
// copysign, reinterpret, which move bits) must return an arithmetic NaN, one
// with the quiet bit set (spec: nans_N). Bits never cross a JS Number here:
// each function reinterprets its integer argument, applies one operator and
// reinterprets the result. Each runs often enough for V8 to optimize it (an
// optimized Math.floor and the interpreter's may treat a NaN differently), and
// Node 20's native engine runs the same module as a check of the claim itself.
import { describe, expect, it } from 'vitest';
import { compile } from '../compile.js';
import { loadFactory } from '../load.js';
import { wat } from '../testing/wasm-bytes.js';

const UNARY = ['floor', 'ceil', 'trunc', 'nearest', 'sqrt'];
const BINARY = ['add', 'sub', 'mul', 'div', 'min', 'max'];

function moduleText(): string {
  const fns: string[] = [];
  for (const [t, it] of [['f32', 'i32'], ['f64', 'i64']]) {
    const arg = `(${t}.reinterpret_${it} (local.get 0))`;
    for (const op of UNARY) {
      fns.push(`(func (export "${t}_${op}") (param ${it}) (result ${it}) (${it}.reinterpret_${t} (${t}.${op} ${arg})))`);
    }
    for (const op of BINARY) {
      // The NaN on either side.
      fns.push(`(func (export "${t}_${op}_l") (param ${it}) (result ${it}) (${it}.reinterpret_${t} (${t}.${op} ${arg} (${t}.const 1.5))))`);
      fns.push(`(func (export "${t}_${op}_r") (param ${it}) (result ${it}) (${it}.reinterpret_${t} (${t}.${op} (${t}.const -2.5) ${arg})))`);
    }
  }
  fns.push('(func (export "f32_demote") (param i64) (result i32) (i32.reinterpret_f32 (f32.demote_f64 (f64.reinterpret_i64 (local.get 0)))))');
  fns.push('(func (export "f64_promote") (param i32) (result i64) (i64.reinterpret_f64 (f64.promote_f32 (f32.reinterpret_i32 (local.get 0)))))');
  return `(module ${fns.join('\n')})`;
}

const bytes = wat(moduleText());
const ours = loadFactory(compile(bytes, { format: 'factory' }).js).instantiateSync({}).instance.exports as Record<string, (x: number | bigint) => number | bigint>;
const native = new WebAssembly.Instance(new WebAssembly.Module(bytes)).exports as Record<string, (x: number | bigint) => number | bigint>;

// Signalling NaNs (quiet bit clear, payload non-zero), both signs.
const SNAN32 = [0x7fa00000, 0x7f800001, 0x7fbfffff, 0xffa00000 | 0, 0xff800123 | 0];
const SNAN64 = [0x7ff4000000000000n, 0x7ff0000000000001n, 0x7ff7ffffffffffffn, -0xc000000000000n, -0xfffffffffff00n];
const arithmetic32 = (b: number) => ((b >>> 0) & 0x7fc00000) === 0x7fc00000;
const arithmetic64 = (b: bigint) => (BigInt.asUintN(64, b) & 0x7ff8000000000000n) === 0x7ff8000000000000n;

describe('signalling NaN operands give arithmetic NaNs', () => {
  const cases: [string, (number | bigint)[], (b: any) => boolean][] = [];
  for (const op of UNARY) {
    cases.push([`f32_${op}`, SNAN32, arithmetic32], [`f64_${op}`, SNAN64, arithmetic64]);
  }
  for (const op of BINARY) {
    for (const side of ['l', 'r']) cases.push([`f32_${op}_${side}`, SNAN32, arithmetic32], [`f64_${op}_${side}`, SNAN64, arithmetic64]);
  }
  cases.push(['f32_demote', SNAN64, arithmetic32], ['f64_promote', SNAN32, arithmetic64]);
  for (const [name, inputs, ok] of cases) {
    it(name, () => {
      for (const x of inputs) expect(ok(native[name](x)), `native ${name}(${x.toString(16)})`).toBe(true);
      const bad: string[] = [];
      // First calls run in the interpreter, later ones optimized.
      for (let round = 0; round < 4000; round++) {
        for (const x of inputs) {
          const r = ours[name](x);
          if (!ok(r) && bad.length < 5) bad.push(`round ${round}: ${name}(0x${x.toString(16)}) = 0x${BigInt.asUintN(64, BigInt(r)).toString(16)}`);
        }
      }
      expect(bad).toEqual([]);
    });
  }
});
