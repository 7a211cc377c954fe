// The text front end on its own: every row of the opcode table assembles from its
// name (checked against wabt, or binaryen where wabt cannot), the encodings that
// the spec-suite oracle (oracle.test.ts) cannot check because wabt writes them
// otherwise, the text format's abbreviations, and errors at file:line:col.
import { describe, expect, it } from 'vitest';
import { compile } from '../compile.js';
import { compileErrorClass } from '../errors.js';
import { Imm, OPCODES } from '../opcodes.js';
import { assembleText, isTextError, locate } from './index.js';

const wabt = await (await import('wabt')).default();
const binaryen = (await import('binaryen')).default;
const FEATURES = {
  exceptions: true, multi_memory: true, extended_const: true, tail_call: true,
  function_references: true, reference_types: true, bulk_memory: true,
} as Record<string, boolean>;

const asm = (text: string) => assembleText(text, 'test.wat', { names: false }).bytes;

function leb(b: Uint8Array, p: number): [number, number] {
  let v = 0;
  let mul = 1;
  for (;;) {
    const c = b[p++];
    v += (c & 0x7f) * mul;
    mul *= 128;
    if (!(c & 0x80)) return [v, p];
  }
}

/** A section's contents by id (the first one). */
function section(b: Uint8Array, id: number): number[] {
  for (let p = 8; p < b.length; ) {
    const [size, body] = leb(b, p + 1);
    if (b[p] === id) return [...b.subarray(body, body + size)];
    p = body + size;
  }
  throw new Error(`no section ${id}`);
}

function wabtBytes(text: string): Uint8Array {
  const m = wabt.parseWat('w.wat', text, FEATURES);
  try {
    return m.toBinary({}).buffer;
  } finally {
    m.destroy();
  }
}

/** The message of the error assembling `text` throws. */
function error(text: string): string {
  try {
    asm(text);
  } catch (e) {
    expect(isTextError(e)).toBe(true);
    expect(e).toBeInstanceOf(compileErrorClass());
    return (e as Error).message;
  }
  throw new Error('assembled');
}

/** `test.wat:L:C` of the first `needle` in `text`. */
function at(text: string, needle: string): string {
  const before = text.slice(0, text.indexOf(needle)).split('\n');
  return `test.wat:${before.length}:${before[before.length - 1].length + 1}`;
}

describe('every instruction of the opcode table', () => {
  // Immediates for each kind that any module below makes well-formed.
  const IMM: Partial<Record<Imm, string>> = {
    [Imm.None]: '', [Imm.Label]: '0', [Imm.BrTable]: '0 0', [Imm.Func]: '$f', [Imm.Local]: '0', [Imm.Global]: '0',
    [Imm.Type]: '$t', [Imm.CallIndirect]: '(type $t)', [Imm.Tag]: '$e', [Imm.MemArg]: 'offset=4 align=2',
    [Imm.Memory]: '', [Imm.Table]: '', [Imm.I32]: '-7', [Imm.I64]: '-0x8000_0000_0000_0000', [Imm.F32]: '0x1.8p-3',
    [Imm.F64]: '-nan:0x4', [Imm.SelectTypes]: '(result i32)', [Imm.HeapType]: 'func', [Imm.MemoryInit]: '0',
    [Imm.Data]: '0', [Imm.MemoryCopy]: '', [Imm.TableInit]: '0', [Imm.Elem]: '0', [Imm.TableCopy]: '',
  };
  const rows = OPCODES.filter((r) => r.imm !== Imm.Outline && r.imm !== Imm.Inline && !r.opens && !r.separates && !r.closes);
  const module = (instr: string) => `(module (type $t (func)) (memory 1) (table 1 funcref) (tag $e)
    (global (mut i32) (i32.const 0)) (func $f (local i32) (block ${instr})) (data "") (elem func $f))`;
  /** wabt 1.0.39 cannot parse these (typed function references). */
  const TYPED = new Set(['call_ref', 'return_call_ref', 'ref.as_non_null', 'br_on_null', 'br_on_non_null']);

  it('assembles from its name and immediates as wabt does, flat and folded', () => {
    let checked = 0;
    for (const r of rows) {
      if (TYPED.has(r.name)) continue;
      const instr = `${r.name} ${IMM[r.imm]}`;
      const want = section(wabtBytes(module(instr)), 10);
      expect(section(asm(module(instr)), 10), r.name).toEqual(want);
      expect(section(asm(module(`(${instr})`)), 10), `(${r.name})`).toEqual(want);
      checked++;
    }
    expect(checked).toBe(rows.length - TYPED.size);
  });

  it('assembles the typed-reference instructions as binaryen does', () => {
    const BODY: Record<string, string> = {
      call_ref: '(call_ref $t (local.get 0))',
      return_call_ref: '(return_call_ref $t (local.get 0))',
      'ref.as_non_null': '(drop (ref.as_non_null (local.get 0)))',
      br_on_null: '(block $l (drop (br_on_null $l (local.get 0))))',
      br_on_non_null: '(drop (block $l (result (ref $t)) (br_on_non_null $l (local.get 0)) (unreachable)))',
    };
    expect(Object.keys(BODY).sort()).toEqual([...TYPED].sort());
    for (const [name, body] of Object.entries(BODY)) {
      const text = `(module (type $t (func)) (func $g (param (ref null $t)) ${body}))`;
      const m = binaryen.parseText(text);
      m.setFeatures(binaryen.Features.All);
      const want = section(m.emitBinary(), 10);
      m.dispose();
      expect(section(asm(text), 10), name).toEqual(want);
    }
  });
});

describe('encodings wabt writes otherwise', () => {
  // Element segments keep the type the text gives them: a `func x*` list is of
  // type (ref func) (flags 0-3, function indices), a `funcref (ref.func x)*` list
  // of type funcref (flags 4-7, expressions). wabt writes both as the former.
  it('element segments: the flags and type of each text form', () => {
    const elem = (fields: string) => section(asm(`(module (table 2 funcref) (table $u 1 externref) (func $f) ${fields})`), 9);
    expect(elem('(elem (i32.const 0) func $f)')).toEqual([1, 0, 0x41, 0, 0x0b, 1, 0]);
    expect(elem('(elem (i32.const 0) $f)')).toEqual([1, 0, 0x41, 0, 0x0b, 1, 0]);
    expect(elem('(elem (i32.const 0) funcref (ref.func $f))')).toEqual([1, 4, 0x41, 0, 0x0b, 1, 0xd2, 0, 0x0b]);
    expect(elem('(elem (table $u) (i32.const 0) externref (ref.null extern))')).toEqual([1, 6, 1, 0x41, 0, 0x0b, 0x6f, 1, 0xd0, 0x6f, 0x0b]);
    expect(elem('(elem (table 0) (offset (i32.const 1)) externref)')).toEqual([1, 6, 0, 0x41, 1, 0x0b, 0x6f, 0]);
    expect(elem('(elem func $f)')).toEqual([1, 1, 0, 1, 0]);
    expect(elem('(elem funcref (item ref.func $f))')).toEqual([1, 5, 0x70, 1, 0xd2, 0, 0x0b]);
    expect(elem('(elem declare func $f)')).toEqual([1, 3, 0, 1, 0]);
    expect(elem('(elem declare funcref (ref.null func))')).toEqual([1, 7, 0x70, 1, 0xd0, 0x70, 0x0b]);
  });

  it('a table with inline elements: a segment of the table type at 0, as expressions', () => {
    const b = asm('(module (type $t (func)) (func $f (type $t)) (table $a funcref (elem $f $f)) (table $b (ref null $t) (elem $f)))');
    expect(section(b, 4)).toEqual([2, 0x70, 1, 2, 2, 0x63, 0, 1, 1, 1]);
    expect(section(b, 9)).toEqual([2, 4, 0x41, 0, 0x0b, 2, 0xd2, 0, 0x0b, 0xd2, 0, 0x0b, 6, 1, 0x41, 0, 0x0b, 0x63, 0, 1, 0xd2, 0, 0x0b]);
  });

  it('a data segment for memory 1 carries its memory index (wabt drops it)', () => {
    const b = asm('(module (memory 1) (memory $m 1) (data (memory $m) (i32.const 2) "x") (memory $n (data "ab")))');
    expect(section(b, 11)).toEqual([2, 2, 1, 0x41, 2, 0x0b, 1, 0x78, 2, 2, 0x41, 0, 0x0b, 2, 0x61, 0x62]);
  });

  it('typed references, rec groups and sub', () => {
    const b = asm(`(module (rec (type $a (func (param (ref $b)))) (type $b (sub (func (result (ref null $a))))))
      (type $c (sub final (func))) (func (param (ref null func) (ref extern) exnref)))`);
    // 3 groups: rec of 2 (0x4e), the final one as plain 0x60, and the function's inserted type.
    expect(section(b, 1)).toEqual([3, 0x4e, 2, 0x60, 1, 0x64, 1, 0, 0x50, 0, 0x60, 0, 1, 0x63, 0, 0x60, 0, 0, 0x60, 3, 0x70, 0x64, 0x6f, 0x69, 0]);
  });

  it('limits beyond 32 bits, for the validator to reject', () => {
    expect(section(asm('(module (memory 0 0x1_0000_0000))'), 5)).toEqual([1, 1, 0, 0x80, 0x80, 0x80, 0x80, 0x10]);
  });

  it('a typed select with no types (invalid: arity) stays a typed select', () => {
    expect(section(asm('(module (func (select (result) (nop) (nop) (i32.const 1))))'), 10)).toEqual([1, 8, 0, 0x01, 0x01, 0x41, 1, 0x1c, 0, 0x0b]);
  });
});

describe('abbreviations and name resolution', () => {
  it('a type use picks the first plain type with that signature, wherever it is defined, else inserts one', () => {
    const b = asm(`(module (func (param i32)) (rec (type (func (param i64))) (type (func))) (func (param i64)) (type $p (func (param i32))))`);
    // Types: the rec group (0, 1), $p (2), then (param i64) inserted (3): a member of a larger group is no plain type.
    expect(section(b, 1)).toEqual([3, 0x4e, 2, 0x60, 1, 0x7e, 0, 0x60, 0, 0, 0x60, 1, 0x7f, 0, 0x60, 1, 0x7e, 0]);
    expect(section(b, 3)).toEqual([2, 2, 3]);
    // A group of one is the same as a type without rec.
    expect(section(asm('(module (rec (type (func (param i64)))) (func (param i64)))'), 3)).toEqual([1, 0]);
  });

  it('folded and flat code, labels by name and depth, legacy try and delegate', () => {
    const flat = `(module (tag $e) (func $f (param $x i32) (result i32)
      block $out (result i32)
        local.get $x
        if $c (result i32) i32.const 1 else $c i32.const 2 end $c
        br_if $out
        try $t
          throw $e
        catch $e
          rethrow $t
        catch_all
        end
        try
          try nop delegate 1
        delegate $out
        i32.const 3
      end))`;
    const folded = `(module (tag $e) (func $f (param $x i32) (result i32)
      (block $out (result i32)
        (br_if $out (if $c (result i32) (local.get $x) (then (i32.const 1)) (else (i32.const 2))))
        (try $t (do (throw $e)) (catch $e (rethrow $t)) (catch_all))
        (try (do (try (do (nop)) (delegate 1))) (delegate $out))
        (i32.const 3))))`;
    const want = section(asm(flat), 10);
    expect(section(asm(folded), 10)).toEqual(want);
    // rethrow $t is depth 0 inside the catch; delegate $out from the outer try is 0.
    expect(want.join(',')).toContain([0x09, 0].join(','));
    expect(want.join(',')).toContain([0x18, 1, 0x18, 0].join(','));
  });

  it('try_table catch clauses name labels outside the try_table', () => {
    const b = asm('(module (tag $e) (func (block $h (try_table $inner (catch $e $h) (catch_all_ref 0)))))');
    // block; try_table with (catch 0 0) (catch_all_ref 0): both to $h, at depth 0 outside the try_table.
    expect(section(b, 10)).toEqual([1, 14, 0, 0x02, 0x40, 0x1f, 0x40, 2, 0, 0, 0, 3, 0, 0x0b, 0x0b, 0x0b]);
  });

  it('inline imports and exports, in text order', () => {
    const b = asm(`(module (func $i (export "a") (import "m" "f") (param i32)) (global (import "m" "g") (mut i64))
      (memory (export "m") (export "n") 1) (export "i" (func $i)))`);
    expect(section(b, 2)).toEqual([2, 1, 0x6d, 1, 0x66, 0, 0, 1, 0x6d, 1, 0x67, 3, 0x7e, 1]);
    expect(section(b, 7)).toEqual([4, 1, 0x61, 0, 0, 1, 0x6d, 2, 0, 1, 0x6e, 2, 0, 1, 0x69, 0, 0]);
  });

  it('annotations are ignored wherever they stand', () => {
    expect(asm('((@a) module (@x y) (func (@b) (export "f") (@c (d)) (result i32) (i32.const (@e) 1)))')).toEqual(
      asm('(module (func (export "f") (result i32) (i32.const 1)))'),
    );
  });

  it('bare module fields are a module', () => {
    expect(asm('(func (export "f"))')).toEqual(asm('(module (func (export "f")))'));
  });

  it('writes the module and function names (read back by wabt)', () => {
    const b = assembleText('(module $m (import "x" "y" (func $imp)) (func $"a b" (call $imp)) (func))').bytes;
    const m = wabt.readWasm(b, { readDebugNames: true });
    m.applyNames();
    const text = m.toText({});
    m.destroy();
    expect(text).toMatch(/\(module \$m/);
    expect(text).toMatch(/\(import "x" "y" \(func \$imp/);
    expect(text).toMatch(/\(func \$"a b"|\(func \$a_b/);
  });
});

describe('errors at file:line:col', () => {
  const CASES: [string, string, string][] = [
    ['(module\n  (func\n    (i32.bogus)))', 'i32.bogus', 'unknown operator i32.bogus'],
    ['(module\n  (func (local.get $y)))', '$y', 'unknown local $y'],
    ['(module (func\n  block $a end $b))', '$b', 'mismatching label $b'],
    ['(module (func (br $nowhere)))', '$nowhere', 'unknown label $nowhere'],
    ['(module (func $f) (func $f))', '$f))', 'duplicate function $f'],
    ['(module (func)\n (import "m" "n" (func)))', '(import', 'import after function'],
    ['(module (func (drop (i32.const 0x1_0000_0000))))', '0x1', 'malformed i32 literal: 0x1_0000_0000'],
    ['(module (memory 1) (func (drop (i32.load align=3 (i32.const 0)))))', 'align=3', 'alignment must be a power of two: 3'],
    ['(module (type $t (func (param i32))) (func (type $t) (param i64)))', '(type $t) (param', 'inline function type does not match the type it names'],
    ['(module (func (struct.new $s)))', 'struct.new', 'unsupported feature: gc'],
    ['(module (func (drop (i8x16.add (local.get 0) (local.get 0)))))', 'i8x16.add', 'unsupported feature: simd'],
    ['(module (memory 1)\n (func (memory.atomic.notify (i32.const 0) (i32.const 1))))', 'memory.atomic.notify', 'unsupported feature: threads'],
    ['(module (func (i32.trunc_s/f32)))', 'i32.trunc_s/f32', 'unknown operator i32.trunc_s/f32'],
    ['(module (func $x"y"))', '$x"y"', 'unexpected token $x"y"'],
    ['(module\n  (func\n', '(func', 'unclosed ('],
    ['(module (func (export "\\ff")))', '(export', 'malformed UTF-8 encoding'],
  ];
  for (const [text, where, message] of CASES) {
    it(message, () => {
      expect(error(text)).toBe(`${at(text, where)}: ${message}`);
    });
  }

  it('instructions nested deeper than the stack allows: an error at the innermost one reached, no RangeError', () => {
    const n = 100_000;
    const text = `(module (func ${'(block '.repeat(n)}${')'.repeat(n)}))`;
    expect(error(text)).toMatch(/^test\.wat:1:\d+: instructions nested too deeply$/);
    expect(asm(`(module (func ${'(block '.repeat(500)}${')'.repeat(500)}))`).length).toBeGreaterThan(500);
  });

  it('a validation error of the compiler, located at the instruction that produced it', () => {
    const text = '(module\n  (func (param i64) (result i32)\n    (i32.add (local.get 0)\n             (i32.const 1))))';
    const a = assembleText(text, 'test.wat');
    let e: unknown;
    try {
      compile(a.bytes);
    } catch (err) {
      e = err;
    }
    const located = locate(e, a) as Error & { line: number; column: number; binaryOffset: number };
    expect(located).toBeInstanceOf(compileErrorClass());
    expect(located.message).toMatch(new RegExp(`^${at(text, 'i32.add')}: type mismatch`));
    expect(located.binaryOffset).toBe((e as { offset: number }).offset);
    // An error of anything but a byte offset passes through.
    const other = new Error('x');
    expect(locate(other, a)).toBe(other);
  });
});
