// The fuzzer's exception-handling module generator (fuzz/generators/eh.mjs). Its
// modules must be valid (an invalid one only exercises the validator and hides
// compiler bugs behind a CompileError), a seed must always give the same bytes
// (a failing seed has to be reproducible), each encoding must use the
// instructions it is named for, and every module must offer what the fuzz
// harness relies on (fuzz/README.md: the "fuzz-eh" imports, the tag t0, cb).
import { describe, it, expect } from 'vitest';
import { compile } from './index.js';
import { decodeModule } from './binary/module.js';
import { decodeBody } from './binary/code.js';
import { ValType } from './ir.js';
// @ts-ignore -- plain JS, loaded by the fuzz runner as it is
import { generate, encodingOf, name } from '../fuzz/generators/eh.mjs';

const gen = generate as (seed: number) => Uint8Array;
const encoding = encodingOf as (seed: number) => 'exnref' | 'legacy' | 'mixed';

/** Seeds 1..50: 25 new-encoding, 20 legacy and 5 mixed modules. */
const SEEDS = Array.from({ length: 50 }, (_, i) => i + 1);

const NEW_OPS = [0x1f, 0x0a]; // try_table, throw_ref
const LEGACY_OPS = [0x06, 0x07, 0x19, 0x18, 0x09]; // try, catch, catch_all, delegate, rethrow

/** The opcodes used by the module's function bodies. */
function opcodes(bytes: Uint8Array): Set<number> {
  const m = decodeModule(bytes);
  const ops = new Set<number>();
  for (const f of m.funcs) for (const ins of decodeBody(m, f)) ops.add(ins.op);
  return ops;
}

describe('fuzz generator "eh"', () => {
  const modules = SEEDS.map((seed) => ({ seed, enc: encoding(seed), bytes: gen(seed) }));

  it('is named "eh" and covers the three encodings in the seed range', () => {
    expect(name).toBe('eh');
    const count = (e: string) => modules.filter((m) => m.enc === e).length;
    expect(count('exnref')).toBeGreaterThanOrEqual(20);
    expect(count('legacy')).toBeGreaterThanOrEqual(20);
    expect(count('mixed')).toBeGreaterThanOrEqual(3);
  });

  it('makes modules our compiler accepts', () => {
    for (const { seed, bytes } of modules) {
      expect(() => compile(bytes, { format: 'factory' }), `seed ${seed}`).not.toThrow();
    }
  });

  it('gives the same bytes for the same seed, and different modules for different seeds', () => {
    for (const { seed, bytes } of modules) expect(Buffer.from(gen(seed)).equals(bytes), `seed ${seed}`).toBe(true);
    const distinct = new Set(modules.map((m) => Buffer.from(m.bytes).toString('base64')));
    expect(distinct.size).toBe(modules.length);
  });

  it('uses only its encoding in each module, and all of both across the range', () => {
    const used = { exnref: new Set<number>(), legacy: new Set<number>(), mixed: new Set<number>() };
    for (const { seed, enc, bytes } of modules) {
      const ops = opcodes(bytes);
      for (const op of ops) used[enc].add(op);
      if (enc === 'exnref') for (const op of LEGACY_OPS) expect(ops.has(op), `seed ${seed} opcode ${op}`).toBe(false);
      if (enc === 'legacy') for (const op of NEW_OPS) expect(ops.has(op), `seed ${seed} opcode ${op}`).toBe(false);
    }
    for (const op of [...NEW_OPS, 0x08]) expect(used.exnref.has(op), `exnref opcode ${op}`).toBe(true);
    for (const op of [...LEGACY_OPS, 0x08]) expect(used.legacy.has(op), `legacy opcode ${op}`).toBe(true);
    expect(NEW_OPS.some((op) => used.mixed.has(op)) && LEGACY_OPS.some((op) => used.mixed.has(op))).toBe(true);
  });

  it('imports exactly the "fuzz-eh" functions and exports t0 (param i32) and cb (i32) -> (i32)', () => {
    for (const { seed, bytes } of modules) {
      const m = decodeModule(bytes);
      expect(m.imports.map((i) => `${i.module}.${i.name}:${i.desc.kind}`), `seed ${seed}`).toEqual([
        'fuzz-eh.log:func',
        'fuzz-eh.throw-js:func',
        'fuzz-eh.throw-tag:func',
        'fuzz-eh.call-back:func',
      ]);
      const t0 = m.exports.find((e) => e.name === 't0');
      expect(t0?.kind, `seed ${seed}`).toBe('tag');
      expect(m.types[m.tags[t0!.index]].params, `seed ${seed}`).toEqual([ValType.I32]);
      const cb = m.exports.find((e) => e.name === 'cb');
      expect(cb?.kind, `seed ${seed}`).toBe('func');
      const cbType = m.types[m.funcTypes[cb!.index]];
      expect([cbType.params, cbType.results], `seed ${seed}`).toEqual([[ValType.I32], [ValType.I32]]);
      // JS calls every exported function: i32 parameters only, no exnref results.
      for (const e of m.exports.filter((x) => x.kind === 'func')) {
        const t = m.types[m.funcTypes[e.index]];
        expect(t.params.every((p) => p === ValType.I32), `seed ${seed} ${e.name}`).toBe(true);
        expect(t.results.every((r) => [ValType.I32, ValType.I64, ValType.F32, ValType.F64].includes(r)), `seed ${seed} ${e.name}`).toBe(true);
      }
    }
  });
});
