import { describe, expect, it } from 'vitest';
import { decodeModule } from '../binary/module.js';
import { validateModule } from './module.js';
import { CompileError } from '../runtime/index.js';
import { wat, check, leb, section } from '../testing/wasm-bytes.js';



const validate = (text: string) => check(wat(text));

const mod = (...sections: number[][]) => new Uint8Array([0, 0x61, 0x73, 0x6d, 1, 0, 0, 0, ...sections.flat()]);

describe('validateModule accepts', () => {
  const valid: [string, string][] = [
    ['extended constant expressions', '(module (global i32 (i32.mul (i32.add (i32.const 1) (i32.const 2)) (i32.sub (i32.const 5) (i32.const 3)))) (global i64 (i64.add (i64.const 1) (i64.const 2))))'],
    ['global.get of an earlier defined immutable global', '(module (global $a i32 (i32.const 1)) (global i32 (global.get $a)))'],
    ['global.get of an imported global', '(module (import "m" "g" (global $g i64)) (global i64 (global.get $g)))'],
    ['any immutable global in offsets', '(module (memory 1) (table 1 funcref) (global $o i32 (i32.const 0)) (data (global.get $o) "x") (elem (global.get $o) func))'],
    ['several memories', '(module (import "m" "m" (memory 2)) (memory 1) (memory 0 65536))'],
    ['a start function of type [] -> []', '(module (func $s) (start $s))'],
    ['tags with params', '(module (import "m" "t" (tag (param i64))) (tag (param i32 f64)))'],
    ['externref segments for externref tables', '(module (table 1 externref) (elem (table 0) (i32.const 0) externref (ref.null extern)))'],
    ['large table limits', '(module (table 0 0xffffffff funcref))'],
  ];
  for (const [name, text] of valid) it(name, () => expect(validate(text)).toBeNull());
});

describe('validateModule rejects', () => {
  const invalid: [string, string, string][] = [
    ['a non-constant initializer', '(module (global i32 (i32.clz (i32.const 1))))', 'constant expression required'],
    ['a mutable global in an initializer', '(module (import "m" "g" (global $g (mut i32))) (global i32 (global.get $g)))', 'constant expression required'],
    ['a later global in an initializer', '(module (global i32 (global.get 1)) (global i32 (i32.const 0)))', 'unknown global 1'],
    ['a global initializer reading itself', '(module (global i32 (global.get 0)))', 'unknown global 0'],
    ['a wrongly typed initializer', '(module (global i32 (i64.const 0)))', 'type mismatch'],
    ['an initializer with two values', '(module (global i32 (i32.const 0) (i32.const 0)))', 'type mismatch'],
    ['an empty initializer', '(module (global i32))', 'type mismatch'],
    ['an extended-const operand of the wrong type', '(module (global i32 (i32.add (i32.const 0) (i64.const 0))))', 'type mismatch'],
    ['a data offset of the wrong type', '(module (memory 1) (data (i64.const 0) "x"))', 'type mismatch'],
    ['a data segment for a missing memory', '(module (data (i32.const 0) "x"))', 'unknown memory 0'],
    ['an elem segment for a missing table', '(module (func $f) (elem (i32.const 0) $f))', 'unknown table 0'],
    ['an elem segment of the wrong type', '(module (table 1 externref) (func $f) (elem (i32.const 0) $f))', 'type mismatch'],
    ['an elem expression of the wrong type', '(module (elem funcref (ref.null extern)))', 'type mismatch'],
    ['ref.func of an unknown function', '(module (global funcref (ref.func 3)))', 'unknown function 3'],
    ['min > max', '(module (memory 2 1))', 'size minimum must not be greater than maximum'],
    ['table min > max', '(module (table 2 1 funcref))', 'size minimum must not be greater than maximum'],
    ['too many pages', '(module (memory 65537))', 'memory size must be at most 65536 pages (4GiB)'],
    ['too many maximum pages', '(module (memory 0 65537))', 'memory size'],
    ['a start function with params', '(module (func $s (param i32)) (start $s))', 'start function'],
    ['a start function with results', '(module (func $s (result i32) (i32.const 0)) (start $s))', 'start function'],
    ['an unknown start function', '(module (start 0))', 'unknown function 0'],
    ['duplicate export names', '(module (func $f) (export "a" (func $f)) (export "a" (func $f)))', 'duplicate export name'],
    ['exports of unknown items', '(module (export "a" (memory 0)))', 'unknown memory 0'],
    ['a tag with results', '(module (type (func (result i32))) (tag (type 0)))', 'non-empty tag result type'],
    ['an imported tag with results', '(module (type (func (result i32))) (import "m" "t" (tag (type 0))))', 'non-empty tag result type'],
  ];
  for (const [name, text, message] of invalid) it(name, () => expect(validate(text)).toContain(message));

  it('unknown type indices', () => {
    expect(check(mod(section(3, [1, 0]), section(10, [1, 2, 0, 0x0b])))).toContain('unknown type 0');
    expect(check(mod(section(2, [1, 1, 0x6d, 1, 0x66, 0, 4])))).toContain('unknown type 4');
    expect(check(mod(section(13, [1, 0, 2])))).toContain('unknown type 2');
  });

  it('table sizes beyond 2^32 - 1', () => {
    expect(check(mod(section(4, [1, 0x70, 0, 0x80, 0x80, 0x80, 0x80, 0x10])))).toContain('table size');
    expect(check(mod(section(5, [1, 0, 0x80, 0x80, 0x80, 0x80, 0x10])))).toContain('memory size');
  });
});
