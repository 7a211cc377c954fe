import { describe, expect, it } from 'vitest';
import { decodeModule } from '../binary/module.js';
import { decodeBody } from '../binary/code.js';
import { validateModule } from './module.js';
import { validateFunction } from './func.js';
import { CompileError } from '../runtime/index.js';
import { wat, check, leb, section } from '../testing/wasm-bytes.js';



/** null when the module validates, else the error message (which must come from a CompileError). */
const validate = (text: string) => check(wat(text));

describe('validateFunction accepts', () => {
  const valid: [string, string][] = [
    ['multi-value blocks', '(module (func (result i32 i64) (block (result i32 i64) (i32.const 1) (i64.const 2))))'],
    ['block params', '(module (func (result i32) (i32.const 1) (block (param i32) (result i32) (i32.const 2) (i32.add))))'],
    ['loop params', '(module (func (param i32) (local.get 0) (loop (param i32) (br_if 0 (local.get 0)) (drop))))'],
    ['if without else when params = results', '(module (func (param i32) (result i32) (i32.const 1) (if (param i32) (result i32) (local.get 0) (then))))'],
    ['polymorphic stack after unreachable', '(module (func (result i32) (unreachable) (i32.add) (i64.const 0) (drop)))'],
    ['br_table with unknown operands', '(module (func (block (result i32) (block (result i64) (unreachable) (br_table 0 1 0)) (drop) (i32.const 0)) (drop)))'],
    ['select on numbers', '(module (func (result f64) (select (f64.const 1) (f64.const 2) (i32.const 0))))'],
    ['select after unreachable', '(module (func (result i32) (unreachable) (select)))'],
    ['typed select on references', '(module (func (result externref) (select (result externref) (ref.null extern) (ref.null extern) (i32.const 0))))'],
    ['ref.is_null on any reference', '(module (func (result i32) (ref.is_null (ref.null extern))))'],
    ['declared ref.func', '(module (func $f (result funcref) (ref.func $f)) (elem declare func $f))'],
    ['ref.func declared by an export', '(module (func $f (export "f") (result funcref) (ref.func $f)))'],
    ['ref.func declared by a global', '(module (global funcref (ref.func $f)) (func $f (result funcref) (ref.func $f)))'],
    ['multi-memory', '(module (memory 1) (memory 1) (func (i32.store 1 (i32.const 0) (i32.load 0 (i32.const 0))) (memory.copy 0 1 (i32.const 0) (i32.const 0) (i32.const 0))))'],
    ['natural alignment', '(module (memory 1) (func (drop (i64.load align=8 (i32.const 0))) (drop (i32.load16_u align=2 (i32.const 0)))))'],
    ['table ops', '(module (table 1 externref) (func (param externref) (table.set 0 (i32.const 0) (local.get 0)) (drop (table.grow 0 (local.get 0) (i32.const 1))) (table.fill 0 (i32.const 0) (local.get 0) (i32.const 0))))'],
    ['try_table with all catch kinds', `(module (tag $e (param i32 i64))
      (func (result i32 i64)
        (block $a (result i32 i64)
          (drop (block $b (result i32 i64 exnref)
            (drop (block $c (result exnref)
              (block $d
                (try_table (catch $e $a) (catch_ref $e $b) (catch_all_ref $c) (catch_all $d)
                  (throw $e (i32.const 1) (i64.const 2))))
              (unreachable)))
            (unreachable)))
          (unreachable))))`],
    ['throw_ref', '(module (func (param exnref) (throw_ref (local.get 0))))'],
    ['legacy try/catch/rethrow/delegate', `(module (tag $e (param i32))
      (func (result i32)
        (try (result i32)
          (do (try (do (throw $e (i32.const 1))) (delegate 0)) (i32.const 0))
          (catch $e)
          (catch_all (rethrow 0)))))`],
    ['delegate to the function label', '(module (func (try (do) (delegate 0))))'],
    ['global.set on a mutable global', '(module (global (mut i32) (i32.const 0)) (func (global.set 0 (i32.const 1))))'],
    ['memory.init with data count', '(module (memory 1) (data "x") (func (memory.init 0 (i32.const 0) (i32.const 0) (i32.const 0)) (data.drop 0)))'],
    ['table.init and elem.drop', '(module (table 1 funcref) (elem func $f) (func $f (table.init 0 (i32.const 0) (i32.const 0) (i32.const 0)) (elem.drop 0)))'],
  ];
  for (const [name, text] of valid) it(name, () => expect(validate(text)).toBeNull());
});

describe('validateFunction rejects', () => {
  const invalid: [string, string, string][] = [
    ['a wrong operand type', '(module (func (result i32) (i32.add (i64.const 1) (i32.const 2))))', 'type mismatch'],
    ['a missing operand', '(module (func (result i32) (i32.eqz)))', 'type mismatch'],
    ['leftover values', '(module (func (i32.const 1)))', 'type mismatch'],
    ['a wrong block result', '(module (func (block (result i32) (i64.const 0)) (drop)))', 'type mismatch'],
    ['if without else changing types', '(module (func (result i32) (if (result i32) (i32.const 1) (then (i32.const 1)))))', 'type mismatch'],
    ['an unknown label', '(module (func (br 1)))', 'unknown label'],
    ['br_table arity differences', '(module (func (block (result i32) (block (br_table 0 1 (i32.const 0) (i32.const 0)))) (drop)))', 'type mismatch'],
    ['an unknown local', '(module (func (local i32) (drop (local.get 2))))', 'unknown local 2'],
    ['an unknown global', '(module (func (drop (global.get 3))))', 'unknown global 3'],
    ['an unknown function', '(module (func (call 7)))', 'unknown function 7'],
    ['an unknown memory', '(module (func (drop (i32.load (i32.const 0)))))', 'unknown memory 0'],
    ['an unknown second memory', '(module (memory 1) (func (drop (memory.size 1))))', 'unknown memory 1'],
    ['memory.copy across a missing memory', '(module (memory 1) (func (memory.copy 0 1 (i32.const 0) (i32.const 0) (i32.const 0))))', 'unknown memory 1'],
    ['an unknown table', '(module (func (drop (table.size 0))))', 'unknown table 0'],
    ['over-alignment', '(module (memory 1) (func (drop (i32.load align=8 (i32.const 0)))))', 'alignment must not be larger than natural'],
    ['global.set on an immutable global', '(module (global i32 (i32.const 0)) (func (global.set 0 (i32.const 1))))', 'immutable global'],
    ['untyped select on references', '(module (func (drop (select (ref.null func) (ref.null func) (i32.const 0)))))', 'type mismatch'],
    ['select on different types', '(module (func (drop (select (i32.const 0) (i64.const 0) (i32.const 0)))))', 'type mismatch'],
    ['ref.is_null on a number', '(module (func (drop (ref.is_null (i32.const 0)))))', 'type mismatch'],
    ['an undeclared function reference', '(module (func $f (drop (ref.func $f))))', 'undeclared function reference'],
    ['call_indirect on an externref table', '(module (type (func)) (table 1 externref) (func (call_indirect (type 0) (i32.const 0))))', 'type mismatch'],
    ['table.copy between element types', '(module (table 1 funcref) (table 1 externref) (func (table.copy 0 1 (i32.const 0) (i32.const 0) (i32.const 0))))', 'type mismatch'],
    ['table.init with a mismatched segment', '(module (table 1 externref) (elem func $f) (func $f (table.init 0 0 (i32.const 0) (i32.const 0) (i32.const 0))))', 'type mismatch'],
    ['an unknown data segment', '(module (memory 1) (data "x") (func (data.drop 1)))', 'unknown data segment 1'],
    ['an unknown elem segment', '(module (func (elem.drop 4)))', 'unknown elem segment 4'],
    ['an unknown tag', '(module (func (throw 0)))', 'unknown tag 0'],
    ['throw without its operands', '(module (tag (param i32)) (func (throw 0)))', 'type mismatch: instruction requires [i32] but stack has []'],
    ['throw with the wrong operand', '(module (tag (param i32)) (func (i64.const 5) (throw 0)))', 'type mismatch: instruction requires [i32] but stack has [i64]'],
    ['throw_ref on a non-exnref', '(module (func (throw_ref (ref.null extern))))', 'type mismatch'],
    ['a catch clause with the wrong label type', '(module (tag $e (param i32)) (func (block $l (result i64) (try_table (catch $e $l)) (i64.const 0)) (drop)))', 'type mismatch'],
    ['catch_ref without exnref in the label', '(module (tag $e) (func (block $l (try_table (catch_ref $e $l)))))', 'type mismatch'],
    ['catch_all_ref to an empty label', '(module (func (block $l (try_table (catch_all_ref $l)))))', 'type mismatch'],
    ['catch_all to a label with values', '(module (func (block $l (result i32) (try_table (catch_all $l)) (i32.const 0)) (drop)))', 'type mismatch'],
    ['a catch clause with an unknown label', '(module (func (try_table (catch_all 1))))', 'unknown label'],
    ['rethrow outside a catch', '(module (func (try (do (rethrow 0)))))', 'invalid rethrow label'],
    ['a legacy catch body leaving values', '(module (tag) (func (try (do) (catch 0 (i32.const 42)))))', 'type mismatch: block requires [] but stack has [i32]'],
    ['a legacy try body without its result', '(module (func (result i32) (try (result i32) (do))))', 'type mismatch: instruction requires [i32] but stack has []'],
    ['a wrong return value', '(module (func (result i32) (return (i64.const 0))))', 'type mismatch'],
  ];
  for (const [name, text, message] of invalid) {
    it(name, () => expect(validate(text)).toContain(message));
  }
});

// Encodings wabt refuses to write.
function withBody(code: number[], extra: number[][] = []): Uint8Array {
  const fn = [0, ...code, 0x0b];
  return new Uint8Array([
    0, 0x61, 0x73, 0x6d, 1, 0, 0, 0,
    ...section(1, [2, 0x60, 0, 0, 0x60, 0, 1, 0x7f]),
    ...section(3, [1, 0]),
    ...extra.flat(),
    ...section(13, [1, 0, 0]),
    ...section(10, [1, ...leb(fn.length), ...fn]),
  ]);
}

describe('validateFunction on hand-made bodies', () => {
  it('rejects catch and catch_all after catch_all, and stray else/catch/delegate', () => {
    expect(check(withBody([0x06, 0x40, 0x19, 0x19, 0x0b]))).toContain('catch_all after catch_all');
    expect(check(withBody([0x06, 0x40, 0x19, 0x07, 0x00, 0x0b]))).toContain('catch after catch_all');
    expect(check(withBody([0x02, 0x40, 0x07, 0x00, 0x0b]))).toContain('catch without matching try');
    expect(check(withBody([0x02, 0x40, 0x05, 0x0b]))).toContain('else without matching if');
    expect(check(withBody([0x06, 0x40, 0x07, 0x00, 0x18, 0x00]))).toContain('delegate without matching try');
    expect(check(withBody([0x06, 0x40, 0x18, 0x05]))).toContain('unknown label 5');
  });
  it('rejects typed select with other than one type', () => {
    expect(check(withBody([0x41, 0, 0x41, 0, 0x41, 0, 0x1c, 0x00, 0x1a]))).toContain('invalid result arity');
    expect(check(withBody([0x41, 0, 0x41, 0, 0x41, 0, 0x1c, 0x02, 0x7f, 0x7f, 0x1a]))).toContain('invalid result arity');
  });
  it('rejects a memory offset beyond 32 bits', () => {
    const mem = section(5, [1, 0, 1]);
    expect(check(withBody([0x41, 0, 0x28, 0x02, 0x80, 0x80, 0x80, 0x80, 0x10, 0x1a], [mem]))).toContain('offset out of range');
    expect(check(withBody([0x41, 0, 0x28, 0x02, 0xff, 0xff, 0xff, 0xff, 0x0f, 0x1a], [mem]))).toBeNull();
  });
  it('rejects an out-of-range block type index', () => {
    expect(check(withBody([0x02, 0x09, 0x0b]))).toContain('unknown type 9');
  });
});

describe('robustness of decode + validate', () => {
  let seed = 0x1234567;
  const rand = () => {
    seed ^= seed << 13;
    seed ^= seed >>> 17;
    seed ^= seed << 5;
    return (seed >>> 0) / 2 ** 32;
  };
  const sample = wat(`(module
    (type (func (param i32) (result i32)))
    (memory 1) (memory 1) (table 2 funcref) (tag $e (param i32))
    (global $g (mut i32) (i32.const 0))
    (func $f (export "f") (type 0)
      (block (result i32) (try_table (catch $e 0) (throw $e (local.get 0))) (unreachable))
      (try (do (nop)) (catch $e (drop)) (catch_all (rethrow 0)))
      (i32.load 1 offset=4 (local.get 0)) (drop)
      (memory.copy 1 0 (i32.const 0) (i32.const 0) (i32.const 0))
      (table.set 0 (i32.const 0) (ref.func $f))
      (br_table 0 0 (i32.const 1)))
    (elem (i32.const 0) $f $f)
    (data (i32.const 0) "abc"))`);

  it('accepts the sample', () => expect(check(sample)).toBeNull());


  it('only ever throws CompileError on mutated modules', () => {
    for (let i = 0; i < 5000; i++) {
      const b = sample.slice();
      const k = 1 + Math.floor(rand() * 4);
      for (let j = 0; j < k; j++) b[Math.floor(rand() * b.length)] = Math.floor(rand() * 256);
      check(b); // rethrows anything that is not a CompileError
    }
  });

  it('only ever throws CompileError on truncated modules', () => {
    for (let n = 0; n < sample.length; n++) check(sample.subarray(0, n));
  });
});
