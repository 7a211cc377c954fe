// The declarations `compile(bytes, { dts: true })` writes (emit/dts.ts), checked
// by the TypeScript compiler under --strict: every value type maps as the JS API
// converts it (written down here from the JS API, not taken from the output),
// correct uses type-check, misuses do not (an unused @ts-expect-error is an
// error), and the declared shapes match what the compiled module really gives.
import { describe, it, expect } from 'vitest';
import { compile, loadFactory } from '../index.js';
import { leb, section, str, vec } from '../testing/wasm-bytes.js';
import { diagnostics, program } from '../testing/typescript.js';

const f = (params: number[], results: number[]) => [0x60, ...vec(params.map((p) => [p])), ...vec(results.map((r) => [r]))];
const body = (code: number[]) => {
  const b = [0, ...code]; // no locals
  return [...leb(b.length), ...b];
};
const imp = (m: string, n: string, desc: number[]) => [...str(m), ...str(n), ...desc];
const exp = (n: string, kind: number, index: number) => [...str(n), kind, ...leb(index)];

/**
 * Every value type the compiler supports at the boundary, every kind of import
 * and export, a field imported twice at two types, typed and self-referencing
 * function references. Written as bytes: wabt 1.0.39 cannot write all of it.
 */
function everything(): Uint8Array {
  const types = section(1, vec([
    f([0x7f, 0x7f], [0x7f]), // 0 add
    f([0x7e], [0x7e]), // 1
    f([0x7d, 0x7c], []), // 2
    f([], [0x7f, 0x7e, 0x7c]), // 3 several results
    [0x60, 1, 0x6f, 1, 0x64, 0x6f], // 4 (externref) -> (ref extern)
    f([0x70], [0x70]), // 5 funcref
    [0x60, 1, 0x63, 0, 1, 0x64, 0], // 6 (ref null 0) -> (ref 0)
    [0x4e, 1, 0x60, 1, 0x63, 7, 1, 0x7f], // 7 rec: (ref null 7) -> i32
    f([0x73], [0x72]), // 8 nullfuncref -> nullexternref
    f([0x69], []), // 9 exnref
    f([0x7f], []), // 10
    f([0x7e], [0x7f, 0x7e]), // 11 import with several results
  ]));
  const imports = section(2, vec([
    imp('env', 'f', [0, 10]),
    imp('env', 'f', [0, 0]),
    imp('env', 'multi', [0, 11]),
    imp('other mod', 'x', [0, 10]),
    imp('env', 'g', [3, 0x7f, 0]),
    imp('env', 'mg', [3, 0x7e, 1]),
    imp('env', 'mem', [2, 0, 1]),
    imp('env', 't', [1, 0x70, 0, 1]),
    imp('env', 'tag', [4, 0, 10]),
  ]));
  const funcs = section(3, vec([0, 1, 2, 3, 4, 5, 6, 7, 8, 9].map((t) => [t])));
  const tables = section(4, vec([[0x6f, 0, 1]]));
  const tags = section(13, vec([[0, 10]]));
  const globals = section(6, vec([[0x7e, 1, 0x42, 0, 0x0b], [0x7d, 0, 0x43, 0, 0, 0, 0, 0x0b]]));
  const exports = section(7, vec([
    exp('add', 0, 4), exp('i64', 0, 5), exp('f32f64', 0, 6), exp('multi', 0, 7), exp('ext', 0, 8),
    exp('fref', 0, 9), exp('typed', 0, 10), exp('selfref', 0, 11), exp('nulls', 0, 12), exp('exn', 0, 13),
    exp('memory', 2, 0), exp('tab', 1, 1), exp('mg', 3, 2), exp('gf', 3, 3), exp('tag', 4, 1),
  ]));
  const code = section(10, vec([
    body([0x20, 0, 0x20, 1, 0x6a, 0x0b]),
    body([0x20, 0, 0x0b]),
    body([0x0b]),
    body([0x41, 1, 0x42, 2, 0x44, 0, 0, 0, 0, 0, 0, 0, 0, 0x0b]),
    body([0x20, 0, 0xd4, 0x0b]),
    body([0x20, 0, 0x0b]),
    body([0x20, 0, 0xd4, 0x0b]),
    body([0x41, 0, 0x0b]),
    body([0xd0, 0x72, 0x0b]),
    body([0x0b]),
  ]));
  return new Uint8Array([0, 0x61, 0x73, 0x6d, 1, 0, 0, 0, ...types, ...imports, ...funcs, ...tables, ...tags, ...globals, ...exports, ...code]);
}

const EQUAL = 'type Equal<A, B> = (<T>() => T extends A ? 1 : 2) extends (<T>() => T extends B ? 1 : 2) ? true : false;\nconst is = <T extends true>() => {};';

/**
 * Type-checks `use` against the declarations `dts`. All checks of this file go
 * into one program (type-checking is slow to start), asked for by `check` and
 * run once by `results`.
 */
const files: Record<string, string> = {};
function check(dts: string, use: string): () => string[] {
  const k = Object.keys(files).length / 2;
  files[`/virtual/m${k}.d.mts`] = dts;
  files[`/virtual/use${k}.mts`] = use.replaceAll("'./m.mjs'", `'./m${k}.mjs'`);
  return () => results().filter((d) => d.startsWith(`/virtual/use${k}.mts:`) || d.startsWith(`/virtual/m${k}.d.mts:`));
}
let all: string[] | null = null;
const results = () => (all ??= diagnostics(program(files)));

describe('declarations (compile with dts: true)', () => {
  const bytes = everything();
  const { dts } = compile(bytes, { dts: true, filename: 'dir/everything.wasm' });
  const { dts: empty } = compile(new Uint8Array([0, 0x61, 0x73, 0x6d, 1, 0, 0, 0]), { dts: true });

  const types = check(dts!, `import type { Exports, Imports, AnyFunc, Memory, Table, Global, MutableGlobal, Tag } from './m.mjs';
${EQUAL}
is<Equal<Exports['add'], (p0: number, p1: number) => number>>();
is<Equal<Exports['i64'], (p0: bigint) => bigint>>();
is<Equal<Exports['f32f64'], (p0: number, p1: number) => void>>();
is<Equal<Exports['multi'], () => [number, bigint, number]>>();
is<Equal<Exports['ext'], (p0: unknown) => {} | undefined>>();
is<Equal<Exports['fref'], (p0: AnyFunc | null) => AnyFunc | null>>();
is<Equal<Parameters<Exports['typed']>[0], ((p0: number, p1: number) => number) | null>>();
is<Equal<ReturnType<Exports['typed']>, (p0: number, p1: number) => number>>();
is<Equal<ReturnType<Exports['selfref']>, number>>();
is<Equal<ReturnType<Parameters<Exports['selfref']>[0] & {}>, number>>();
is<Equal<Exports['nulls'], (p0: null) => null>>();
is<Equal<Exports['exn'], (p0: never) => void>>();
is<Equal<Exports['memory'], Memory>>();
is<Equal<Exports['tab'], Table<unknown>>>();
is<Equal<Exports['mg'], MutableGlobal<bigint>>>();
is<Equal<Exports['gf'], Global<number>>>();
is<Equal<Exports['tag'], Tag>>();
is<Equal<keyof Exports, 'add' | 'i64' | 'f32f64' | 'multi' | 'ext' | 'fref' | 'typed' | 'selfref' | 'nulls' | 'exn' | 'memory' | 'tab' | 'mg' | 'gf' | 'tag'>>();
is<Equal<keyof Imports, 'env' | 'other mod'>>();
is<Equal<keyof Imports['env'], 'f' | 'multi' | 'g' | 'mg' | 'mem' | 't' | 'tag'>>();
// Imported twice: must be both.
is<Equal<Imports['env']['f'], ((p0: number) => void) & ((p0: number, p1: number) => number)>>();
is<Equal<Imports['env']['multi'], (p0: bigint) => Iterable<number | bigint>>>();
is<Equal<Imports['env']['g'], number | Global<number>>>();
is<Equal<Imports['env']['mg'], MutableGlobal<bigint>>>();
is<Equal<Imports['env']['mem'], Memory>>();
is<Equal<Imports['env']['t'], Table<AnyFunc | null>>>();
is<Equal<Imports['env']['tag'], Tag>>();
is<Equal<Imports['other mod']['x'], (p0: number) => void>>();
`);
  const uses = check(dts!, `import { instantiate, instantiateSync, imports, exports } from './m.mjs';
import compiled from './m.mjs';
const env = {
  f: Object.assign((a: number, b?: number): any => a + (b ?? 0)),
  multi: (x: bigint) => [1, x],
  g: 3,
  mg: { value: 1n, valueOf: () => 1n },
  mem: { buffer: new ArrayBuffer(65536), grow: (n: number) => n },
  t: { length: 1, get: (i: number) => null, set() {}, grow: () => 1 },
  tag: {},
};
const { instance } = await instantiate({ env, 'other mod': { x: (n: number) => {} } });
const sum: number = instance.exports.add(1, 2);
const [a, b, c]: [number, bigint, number] = instance.exports.multi();
const big: bigint = instance.exports.i64(5n);
instance.exports.mg.value = 3n;
const bytes = new Uint8Array(instance.exports.memory.buffer);
const kinds: string[] = [...imports.map((d) => d.kind), ...exports.map((d) => d.kind)];
compiled.instantiateSync;
// @ts-expect-error: i32 parameters are numbers
instance.exports.add('1', 2);
// @ts-expect-error: an i64 is a BigInt
instance.exports.i64(5);
// @ts-expect-error: no such export
instance.exports.sub;
// @ts-expect-error: an immutable global's value is read-only
instance.exports.gf.value = 1;
// @ts-expect-error: the exports object is read-only
instance.exports.add = () => 0;
// @ts-expect-error: a module with imports needs them
instantiateSync();
// @ts-expect-error: a missing import module
instantiateSync({ env });
// @ts-expect-error: a wrongly typed import
instantiateSync({ env: { ...env, g: 'three' }, 'other mod': { x: (n: number) => {} } });
// @ts-expect-error: a mutable global import must be a Global
instantiateSync({ env: { ...env, mg: 1n }, 'other mod': { x: (n: number) => {} } });
`);
  const none = check(empty!, `import { instantiateSync, instantiate } from './m.mjs';
const e = instantiateSync().instance.exports;
void instantiate({});
// @ts-expect-error: nothing is exported
e.anything;
`);

  it('maps every value type, kind and shape as the JS API converts them', () => {
    expect(types()).toEqual([]);
  });

  it('accepts a correct use and rejects misuses under --strict', () => {
    expect(uses()).toEqual([]);
  });

  it('a module without imports takes none; without exports has none', () => {
    expect(none()).toEqual([]);
  });

  it('declares what the compiled module gives at run time', () => {
    const m = loadFactory(compile(bytes, { format: 'factory' }).js);
    const env = {
      f: () => 0, multi: (x: bigint) => [1, x], g: 3, mg: new WebAssembly.Global({ value: 'i64', mutable: true }, 0n),
      mem: new WebAssembly.Memory({ initial: 1 }), t: new WebAssembly.Table({ initial: 1, element: 'anyfunc' }),
      tag: new (WebAssembly as unknown as { Tag: new (t: object) => object }).Tag({ parameters: ['i32'] }),
    };
    const x = m.instantiateSync({ env, 'other mod': { x: () => {} } }).instance.exports as Record<string, any>;
    // The names the declarations list, in order, are the instance's.
    const declared = [...dts!.matchAll(/^ {2}readonly ("(?:[^"\\]|\\.)*"): /gm)].map((r) => JSON.parse(r[1]));
    const exportsPart = dts!.slice(dts!.indexOf('export interface Exports'));
    const declaredExports = [...exportsPart.matchAll(/^ {2}readonly ("(?:[^"\\]|\\.)*"): /gm)].map((r) => JSON.parse(r[1]));
    expect(declaredExports).toEqual(Object.keys(x));
    expect(declared.slice(0, 2)).toEqual(['env', 'other mod']);
    // Values of the declared JS types.
    expect(typeof x.add(1, 2)).toBe('number');
    expect(typeof x.i64(1n)).toBe('bigint');
    const r = x.multi();
    expect([Array.isArray(r), typeof r[0], typeof r[1], typeof r[2]]).toEqual([true, 'number', 'bigint', 'number']);
    expect(x.f32f64(1, 2)).toBe(undefined);
    expect(x.nulls(null)).toBe(null);
    expect(() => x.exn(null)).toThrow(TypeError);
    expect(typeof x.mg.value).toBe('bigint');
    expect(x.memory.buffer).toBeInstanceOf(ArrayBuffer);
  });
});
