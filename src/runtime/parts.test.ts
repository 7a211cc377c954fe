// The runtime's parts (install.ts): each defines the members it lists, reads
// only members of the parts it needs (the source says which), and a realm's
// runtime grows part by part as modules of different needs arrive, without
// breaking the modules already there. The last is run in a fresh Node
// process on the built package (the embedded text is dist's minified one),
// against the same modules on native WebAssembly.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve, dirname } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RUNTIME_PARTS, partsFor } from './install.js';
import { compile } from '../compile.js';
import { builtDist } from '../testing/dist.js';
import { wat } from '../testing/wasm-bytes.js';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');

/**
 * Members a part reads from `rt` without needing the part that defines them:
 * only at call time, and only where the compiler includes that part
 * (emit/module.ts runtimePartsOf: funcs.ts where a reference can come from JS;
 * toHost falls back to errors.ts hostError where exceptions.ts is absent).
 */
const LATE: Record<string, string[]> = { values: ['funcFromJS', 'hasType', 'toHost'] };

describe('runtime parts', () => {
  it('each defines exactly the members it lists, no member twice', () => {
    const rt: any = {};
    const seen = new Set<string>();
    for (const p of RUNTIME_PARTS) {
      const members = Object.keys(p.define(globalThis, rt));
      expect(members.sort(), p.name).toEqual(p.members.slice().sort());
      for (const m of members) {
        expect(seen.has(m), `${m} of ${p.name}`).toBe(false);
        seen.add(m);
      }
      Object.assign(rt, p.define(globalThis, rt));
    }
  });

  it('read from rt only members of the parts they need, which come before them', () => {
    const partOf = new Map<string, string>();
    for (const p of RUNTIME_PARTS) for (const m of p.members) partOf.set(m, p.name);
    const order = RUNTIME_PARTS.map((p) => p.name);
    for (const p of RUNTIME_PARTS) {
      for (const n of p.needs) expect(order.indexOf(n), `${p.name} needs ${n}`).toBeLessThan(order.indexOf(p.name));
      const src = readFileSync(join(root, 'src', 'runtime', `${p.name}.ts`), 'utf8');
      const reads = new Set<string>();
      for (const m of src.matchAll(/\brt\.([A-Za-z_$][\w$]*)/g)) reads.add(m[1]);
      for (const m of src.matchAll(/\{([^{}]*)\}\s*=\s*rt\s*;/g)) {
        for (const item of m[1].split(',')) if (item.trim()) reads.add(item.split(':')[0].trim());
      }
      expect(reads.size > 0 || p.needs.length === 0, p.name).toBe(true);
      for (const r of reads) {
        const owner = partOf.get(r);
        expect(owner, `${p.name} reads rt.${r}, which no part defines`).toBeDefined();
        if (owner === p.name || LATE[p.name]?.includes(r)) continue;
        expect(p.needs, `${p.name} reads rt.${r} of ${owner}`).toContain(owner);
      }
    }
  });

  it('a module of numbers alone needs errors, types and values; references, memories, tables, tags add theirs', () => {
    const names = (bytes: Uint8Array) => {
      const js = compile(bytes).js;
      return RUNTIME_PARTS.map((p) => p.name).filter((n) => js.includes(`p.${n} || `));
    };
    expect(names(wat('(module (func (export "add") (param i32 i32) (result i32) (i32.add (local.get 0) (local.get 1))))')))
      .toEqual(['errors', 'types', 'values']);
    expect(names(wat('(module (func (export "div") (param i32 i32) (result i32) (i32.div_u (local.get 0) (local.get 1))))')))
      .toEqual(['errors', 'types', 'values', 'numeric']);
    // A funcref can come from JS as an argument: funcs.ts (and native.ts, which it needs).
    expect(names(wat('(module (func (export "f") (param funcref)))'))).toEqual(['errors', 'types', 'values', 'native', 'funcs']);
    expect(names(wat('(module (memory (export "m") 1) (func (export "load") (param i32) (result i32) (i32.load (local.get 0))))')))
      .toEqual(['errors', 'types', 'values', 'memory']);
    expect(names(wat('(module (tag (export "t") (param i32)))'))).toEqual(
      ['errors', 'types', 'values', 'native', 'funcs', 'memory', 'table', 'link', 'exceptions'],
    );
    expect(() => partsFor(['noSuchMember'])).toThrow(/no runtime part defines noSuchMember/);
  });
});

// Three modules loaded one after another into one realm, each needing more
// of the runtime: A numbers and a memory, C a function import (funcs, link),
// B exceptions. A's traps leave it before the realm has exception handling
// (errors.ts hostError makes the memory access trap a RuntimeError); C's
// exported function is made before it too, and B's exception then crosses it
// both ways.
const A = `(module
  (memory 1)
  (func (export "add") (param i32 i32) (result i32) (i32.add (local.get 0) (local.get 1)))
  (func (export "div") (param i32 i32) (result i32) (i32.div_s (local.get 0) (local.get 1)))
  (func (export "load") (param i32) (result i32) (i32.load (local.get 0))))`;
const C = `(module
  (import "b" "throwIt" (func $t (param i32)))
  (func (export "callThrough") (param i32) (call $t (local.get 0))))`;
const B = `(module
  (import "a" "add" (func $add (param i32 i32) (result i32)))
  (import "js" "cb" (func $cb (param i32)))
  (tag $t (export "t") (param i32))
  (memory (export "mem") 1)
  (func (export "throwIt") (param i32) (throw $t (local.get 0)))
  (func (export "sum") (param i32 i32) (result i32) (call $add (local.get 0) (local.get 1)))
  (func (export "catchVia") (param i32) (result i32)
    (try (result i32)
      (do (call $cb (local.get 0)) (i32.const -1))
      (catch $t (i32.add (i32.const 1000))))))`;

// The scenario, written once for both: `load(name)` gives a module's
// `instantiateSync`-like function (compiled ES module or native).
const SCENARIO = `
  const out = [];
  const step = (label, f) => { try { out.push([label, f()]); } catch (e) { out.push([label, 'threw ' + (e?.constructor?.name ?? typeof e)]); } };
  const a = (await load('A'))({}).exports;
  step('A add', () => a.add(2, 3));
  step('A div by zero', () => a.div(1, 0));
  step('A load out of bounds', () => a.load(65536));
  step('A load', () => a.load(0));
  let b = null;
  const c = (await load('C'))({ b: { throwIt: (x) => b.throwIt(x) } }).exports;
  b = (await load('B'))({ a: { add: a.add }, js: { cb: c.callThrough } }).exports;
  step('A add after B', () => a.add(40, 2));
  step('B sum through A', () => b.sum(7, 8));
  step('B catches its exception thrown across C', () => b.catchVia(5));
  step('C lets it out to JS', () => { try { c.callThrough(9); return 'no throw'; } catch (e) { return [e instanceof WebAssembly.Exception, e.is(b.t), e.getArg(b.t, 0)]; } });
  step('A traps as RuntimeError', () => { try { a.div(1, 0); } catch (e) { return e instanceof WebAssembly.RuntimeError; } });
  step('B memory is a Memory', () => b.mem instanceof WebAssembly.Memory && b.mem.buffer.byteLength);
`;

describe('one realm, modules of different needs', () => {
  let dist = '';
  let tmp = '';
  beforeAll(() => {
    dist = builtDist(root);
    tmp = mkdtempSync(join(tmpdir(), 'wasm2es-parts-'));
  }, 180_000);
  afterAll(() => {
    if (tmp) rmSync(tmp, { recursive: true, force: true });
  });

  it('share one runtime that grows part by part, as native WebAssembly behaves', () => {
    const bytes = { A: wat(A), B: wat(B), C: wat(C) };
    const b64 = JSON.stringify(Object.fromEntries(Object.entries(bytes).map(([k, v]) => [k, Buffer.from(v).toString('base64')])));
    const nativeScript = `
      const bytes = ${b64};
      const load = async (n) => { const m = new WebAssembly.Module(Buffer.from(bytes[n], 'base64')); return (imports) => new WebAssembly.Instance(m, imports); };
      ${SCENARIO}
      console.log(JSON.stringify(out));`;
    const oursScript = `
      import { writeFileSync } from 'node:fs';
      import { pathToFileURL } from 'node:url';
      const { compile } = await import(${JSON.stringify(pathToFileURL(join(dist, 'index.js')).href)});
      const bytes = ${b64};
      const installed = [];
      const load = async (n) => {
        const file = ${JSON.stringify(tmp)} + '/' + n + '.mjs';
        writeFileSync(file, compile(new Uint8Array(Buffer.from(bytes[n], 'base64'))).js);
        const m = await import(pathToFileURL(file).href);
        const reg = Object.getOwnPropertySymbols(globalThis).filter((s) => String(s).includes('wasm2es.runtime'));
        installed.push([n, reg.length, Object.keys(globalThis[reg[0]].installed).join()]);
        return (imports) => m.instantiateSync(imports).instance;
      };
      ${SCENARIO}
      // The library's runtime afterwards: the same registry, completed.
      const { runtime } = await import(${JSON.stringify(pathToFileURL(join(dist, 'runtime', 'index.js')).href)});
      const reg = Object.getOwnPropertySymbols(globalThis).filter((s) => String(s).includes('wasm2es.runtime'));
      installed.push(['library', reg.length, Object.keys(runtime.installed).length, runtime === globalThis[reg[0]]]);
      console.log(JSON.stringify({ out, installed }));`;
    const native = JSON.parse(execFileSync(process.execPath, ['--input-type=module', '-e', nativeScript], { encoding: 'utf8' }));
    const ours = JSON.parse(execFileSync(process.execPath, ['--input-type=module', '-e', oursScript], { encoding: 'utf8' }));
    expect(ours.out).toEqual(native);
    expect(native.length).toBe(10);
    expect(ours.installed).toEqual([
      ['A', 1, 'errors,types,values,numeric,memory'],
      ['C', 1, 'errors,types,values,numeric,memory,native,funcs,table,link'],
      ['B', 1, 'errors,types,values,numeric,memory,native,funcs,table,link,exceptions'],
      ['library', 1, RUNTIME_PARTS.length, true],
    ]);
  });
});
