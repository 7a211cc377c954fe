import { beforeAll, describe, expect, it } from 'vitest';
import { parseSExprs, type SList } from './sexpr.js';
import { dataSegmentMemories, initTextParsers, moduleTextFromList, moduleTextFromQuote, watToBinary, type TextResult } from './text.js';

const enc = new TextEncoder();

/** Converts `(module ...)` source the way the runner does. */
function convert(src: string): TextResult {
  const buf = enc.encode(src);
  const list = parseSExprs(buf)[0] as SList;
  const first = list.items[1]?.kind === 'atom' && (list.items[1] as { value: string }).value.startsWith('$') ? 2 : 1;
  return watToBinary(moduleTextFromList(buf, list, first));
}

function bytesOf(r: TextResult): Uint8Array {
  if (!r.ok) throw new Error(r.reason);
  return r.bytes;
}

function readLeb(b: Uint8Array, p: number): [number, number] {
  let v = 0;
  let shift = 0;
  for (;;) {
    const c = b[p++];
    v |= (c & 0x7f) << shift;
    shift += 7;
    if (!(c & 0x80)) return [v, p];
  }
}

/** Sections of a binary as id → contents. */
function sections(b: Uint8Array): Map<number, Uint8Array> {
  const out = new Map<number, Uint8Array>();
  let p = 8;
  while (p < b.length) {
    const id = b[p];
    const [size, body] = readLeb(b, p + 1);
    out.set(id, b.subarray(body, body + size));
    p = body + size;
  }
  return out;
}

beforeAll(async () => {
  await initTextParsers();
});

describe('watToBinary', () => {
  it('converts plain modules with wabt, without validating them', () => {
    const ok = convert('(module $m (func (export "f") (result i32) (i32.const 42)))');
    expect(ok.ok && ok.via).toBe('wabt');
    const inst = new WebAssembly.Instance(new WebAssembly.Module(bytesOf(ok)));
    expect((inst.exports.f as () => number)()).toBe(42);
    // Ill-typed but well-formed: must come through for our validator to reject.
    const bad = convert('(module (func (result i32) (i64.const 1)))');
    expect(bad.ok).toBe(true);
    expect(() => new WebAssembly.Module(bytesOf(bad))).toThrow(WebAssembly.CompileError);
  });

  it('reports text that no parser accepts', () => {
    const r = convert('(module (func (i32.bogus)))');
    expect(r.ok).toBe(false);
  });

  it('treats out-of-range literals and empty identifiers as malformed', () => {
    expect(convert('(module (func (f32.const 0x1p128) drop))').ok).toBe(false);
    expect(convert('(module (func (i32.const 0x1_0000_0000) drop))').ok).toBe(false);
    expect(watToBinary(moduleTextFromQuote(enc.encode('(func $)'))).ok).toBe(false);
  });

  it('puts back the memory index wabt drops from data segments', () => {
    const src = `(module
      (memory (import "m" "a") 1) (memory $b 1) (memory $c 1)
      (data (memory $c) (i32.const 1) "x")
      (data (i32.const 2) "y")
      (data $seg (memory 1) (offset (i32.const 3)) "zz")
      (data "passive"))`;
    const buf = enc.encode(src);
    expect(dataSegmentMemories((parseSExprs(buf)[0] as SList).items.slice(1))).toEqual([2, 0, 1, 0]);
    const data = sections(bytesOf(convert(src))).get(11)!;
    // count 4; flag 2 mem 2 (i32.const 1) "x"; flag 0 (i32.const 2) "y"; flag 2 mem 1 ...; flag 1 "passive"
    expect(Array.from(data.subarray(0, 9))).toEqual([4, 2, 2, 0x41, 1, 0x0b, 1, 0x78, 0]);
    expect(Array.from(data.subarray(9, 15))).toEqual([0x41, 2, 0x0b, 1, 0x79, 2]);
    expect(Array.from(data.subarray(15, 19))).toEqual([1, 0x41, 3, 0x0b]);
  });

  it('handles inline data in a non-zero memory', () => {
    const data = sections(bytesOf(convert('(module (memory 1) (memory $m (data "ab")))'))).get(11)!;
    expect(Array.from(data)).toEqual([1, 2, 1, 0x41, 0, 0x0b, 2, 0x61, 0x62]);
  });

  it('rewrites (ref null func) so wabt encodes it as funcref', () => {
    const r = convert('(module (func (export "f") (param (ref null func)) (result (ref null extern)) (ref.null extern)))');
    expect(r.ok && r.via).toBe('wabt');
    const m = new WebAssembly.Module(bytesOf(r));
    const f = new WebAssembly.Instance(m).exports.f as (x: unknown) => unknown;
    expect(f(null)).toBe(null);
  });

  it('falls back to binaryen for typed references and GC types', () => {
    const r = convert('(module (type $t (func)) (rec (type $s (struct (field i32)))) (func (param (ref $t))))');
    expect(r.ok && r.via).toBe('binaryen');
    // (ref $t) must be encoded as 0x64 0x00, not wabt's pre-standard 0x6b.
    const types = sections(bytesOf(r)).get(1)!;
    expect(Array.from(types).join(',')).toContain([0x60, 1, 0x64, 0].join(','));
  });

  it('turns quoted identifiers into plain ones', () => {
    const r = convert('(module (func $"a b" (result i32) (i32.const 7)) (func (export "g") (result i32) (call $"a b")) (func $"x") (func (call $x)))');
    const inst = new WebAssembly.Instance(new WebAssembly.Module(bytesOf(r)));
    expect((inst.exports.g as () => number)()).toBe(7);
  });

  it('accepts quoted text with or without the module wrapper', () => {
    for (const q of ['(func (export "f"))', '(module (func (export "f")))', '(module $q (func (export "f")) ;; comment']) {
      const r = watToBinary(moduleTextFromQuote(enc.encode(q)));
      if (q.endsWith('comment')) expect(r.ok).toBe(false);
      else expect(WebAssembly.Module.exports(new WebAssembly.Module(bytesOf(r)))[0].name).toBe('f');
    }
  });

  it('spells float constants exactly, avoiding wabt misrounding', () => {
    const r = convert('(module (func (export "f") (result i32) (i32.reinterpret_f32 (f32.const 0x1.3bab2a003bab2a00p-127))))');
    const inst = new WebAssembly.Instance(new WebAssembly.Module(bytesOf(r)));
    expect((inst.exports.f as () => number)()).toBe(0x4eeacb);
  });
});

describe('oversized 32-bit limits', () => {
  it('are encoded as written, for the validator to reject', () => {
    const mem = sections(bytesOf(convert('(module (memory 0 0x1_0000_0000))'))).get(5)!;
    expect(Array.from(mem)).toEqual([1, 1, 0, 0x80, 0x80, 0x80, 0x80, 0x10]);
    const imp = bytesOf(convert('(module (memory (import "M" "m") 0x1_0000_0000) (table 0 0x1_0000_0000 funcref))'));
    expect(Array.from(sections(imp).get(2)!.subarray(-6))).toEqual([0, 0x80, 0x80, 0x80, 0x80, 0x10]);
    expect(Array.from(sections(imp).get(4)!)).toEqual([1, 0x70, 1, 0, 0x80, 0x80, 0x80, 0x80, 0x10]);
    // A genuine 64-bit memory is left alone.
    const m64 = sections(bytesOf(convert('(module (memory i64 0x1_0000_0000))'))).get(5)!;
    expect(m64[1]).toBe(4);
  });
});
