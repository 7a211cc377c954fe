// Names are data, never code. A module's export names, import module and field
// names, name-section names and custom sections are chosen by whoever wrote the
// module; the compiled output must carry them as inert strings (or sanitized
// identifiers) and use them exactly as native WebAssembly does: exports reachable
// under exactly their names, imports looked up with the same [[Get]]s. The output
// must also be safe to inline in an HTML <script> element.
import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import * as acorn from 'acorn';
import { compile, loadFactory } from './index.js';
import { leb, section, sleb, vec } from './testing/wasm-bytes.js';
import { diagnostics, program, ts } from './testing/typescript.js';

const PWNED = '__wasm2es_pwned';
/** Every name is a string that would do something if it were ever evaluated as code. */
const NAMES = [
  "'", '"', '`', '\\', '\\"', "\\'", '</script>', '</SCRIPT >', '<script>', '<!--', '-->', '*/', '/*', '//',
  '${x}', `\${globalThis.${PWNED}=1}`, 'a\nb', '\r\n', '\r', '\u2028', '\u2029', '\u0000', '\t', ' ', '\ufeff',
  'é', '日本語', '🦀', '\u{10ffff}', '__proto__', 'constructor', 'toString', 'hasOwnProperty', 'valueOf',
  'prototype', 'then', 'default', 'instantiate', 'exports', 'imports', '$x', '$rt', 'arguments', 'eval', '0', '1e3',
  '-1', '4294967295', '', 'x'.repeat(100_000),
  `"]);globalThis.${PWNED}=1;//`, `'];globalThis.${PWNED}=1;//`, `\`;globalThis.${PWNED}=1;//`,
  `*/globalThis.${PWNED}=1;/*`, `\nglobalThis.${PWNED}=1;//`, `\u2028globalThis.${PWNED}=1;//`,
  `\\";globalThis.${PWNED}=1;//`, `</script><script>globalThis.${PWNED}=1</script>`, `"+(globalThis.${PWNED}=1)+"`,
];
/** Import i is NAMES[i] . FIELDS[i]: every name is used as a module and as a field. */
const FIELDS = NAMES.map((_, i) => NAMES[(i * 7 + 3) % NAMES.length]);
const N = NAMES.length;

const enc = new TextEncoder();
const name = (s: string) => {
  const b = enc.encode(s);
  return [...leb(b.length), ...b];
};
const custom = (n: string, payload: number[]) => section(0, [...name(n), ...payload]);

/**
 * N imported functions (i32) -> i32, N defined functions () -> i32 where
 * function k calls import k with k; export k is defined function k under
 * NAMES[k]. Also a memory and a global with hostile names, a name section naming
 * the module, every function and every local with hostile names, and custom
 * sections with hostile names and contents.
 */
function hostileModule(imports: [string, string][], exportNames: string[]): Uint8Array {
  const n = imports.length;
  const types = section(1, vec([[0x60, 1, 0x7f, 1, 0x7f], [0x60, 0, 1, 0x7f]]));
  const imps = section(2, vec(imports.map(([m, f]) => [...name(m), ...name(f), 0x00, 0])));
  const funcs = section(3, vec(imports.map(() => [1])));
  const mem = section(5, vec([[0, 1]]));
  const glob = section(6, vec([[0x7f, 0, 0x41, 7, 0x0b]]));
  const exps = section(7, vec([
    ...exportNames.map((e, k) => [...name(e), 0, ...leb(n + k)]),
    [...name('mem</script>'), 2, 0],
    [...name('"global\u2028'), 3, 0],
  ]));
  const bodies = imports.map((_, k) => {
    const b = [...vec([[1, 0x7f]]), 0x41, ...sleb(k), 0x10, ...leb(k), 0x0b];
    return [...leb(b.length), ...b];
  });
  const code = section(10, vec(bodies));
  const sub = (id: number, payload: number[]) => [id, ...leb(payload.length), ...payload];
  const funcNames = vec([...Array.from({ length: 2 * n }, (_, i) => [...leb(i), ...name(NAMES[i % N] + (i >= n ? '\u2028' : ''))])]);
  const localNames = vec(Array.from({ length: n }, (_, k) => [...leb(n + k), ...vec([[0, ...name(NAMES[(k + 5) % N])]])]));
  const names = custom('name', [...sub(0, name(`</script>${NAMES[2]}`)), ...sub(1, funcNames), ...sub(2, localNames)]);
  const others = [
    custom('</script>', [...enc.encode(`\`\${globalThis.${PWNED}=1}\``)]),
    custom(`*/globalThis.${PWNED}=1;/*`, [...enc.encode('"]);\n')]),
    custom('', [0xff, 0x00]),
  ];
  return new Uint8Array([0, 0x61, 0x73, 0x6d, 1, 0, 0, 0, ...others[0], ...types, ...imps, ...funcs, ...mem, ...glob, ...exps, ...others[1], ...code, ...names, ...others[2]]);
}

/** An import object whose every module and field is an own data property (even `__proto__`). */
function ownImports(pairs: [string, string][]): Record<string, unknown> {
  const imports: Record<string, Record<string, unknown>> = {};
  pairs.forEach(([m, f], i) => {
    if (!Object.prototype.hasOwnProperty.call(imports, m)) Object.defineProperty(imports, m, { value: {}, enumerable: true });
    Object.defineProperty(imports[m], f, { value: (x: number) => x * 1000 + i, enumerable: true });
  });
  return imports;
}

type Outcome = { value: unknown } | { error: string };
function outcome(f: () => unknown): Outcome {
  try {
    return { value: f() };
  } catch (e) {
    return { error: (e as Error)?.constructor?.name ?? typeof e };
  }
}

/** Calls every export (or reads its value) and records what happened. */
function callAll(exports: Record<string, any>): [string, Outcome][] {
  return Object.keys(exports).map((k) => {
    const v = exports[k];
    return [k, outcome(() => (typeof v === 'function' ? v() : v instanceof WebAssembly.Global ? v.value : typeof v))];
  });
}

const PAIRS: [string, string][] = NAMES.map((m, i) => [m, FIELDS[i]]);
const bytes = hostileModule(PAIRS, NAMES);
let dir: string;

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'wasm2es-names-'));
  delete (globalThis as Record<string, unknown>)[PWNED];
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('hostile names', () => {
  it('the module is valid for the native engine', () => {
    expect(WebAssembly.validate(bytes)).toBe(true);
  });

  it('the output parses, and inlines safely in HTML', () => {
    for (const format of ['esm', 'factory'] as const) {
      const { js } = compile(bytes, { format });
      if (format === 'esm') acorn.parse(js, { ecmaVersion: 'latest', sourceType: 'module' });
      else acorn.parse(`(${js})`, { ecmaVersion: 'latest' });
      // In an HTML <script> element, `</script` ends the script and `<!--` /
      // `<script` switch the tokenizer into escaped states; old engines end a
      // string literal at a raw line separator.
      for (const bad of [/<\/script/i, /<script/i, /<!--/, /[\u2028\u2029]/]) {
        const at = js.search(bad);
        expect(at, `${format} output contains ${bad} at ${at}: ${JSON.stringify(js.slice(Math.max(0, at - 60), at + 60))}`).toBe(-1);
      }
    }
  });

  it('exports and imports use exactly the names native WebAssembly uses (factory output)', () => {
    const native = new WebAssembly.Instance(new WebAssembly.Module(bytes), ownImports(PAIRS) as WebAssembly.Imports);
    const ours = loadFactory(compile(bytes, { format: 'factory' }).js);
    expect(ours.exports).toEqual(WebAssembly.Module.exports(new WebAssembly.Module(bytes)));
    expect(ours.imports).toEqual(WebAssembly.Module.imports(new WebAssembly.Module(bytes)));
    const x = ours.instantiateSync(ownImports(PAIRS)).instance.exports;
    expect(Object.keys(x)).toEqual(Object.keys(native.exports));
    expect(Object.getPrototypeOf(x)).toBe(null);
    // Export k calls import k, which answers k * 1000 + (its own index): a
    // mix-up of names shows as a different number.
    const calls = callAll(x);
    expect(calls).toEqual(callAll(native.exports));
    for (let k = 0; k < N; k++) expect(x[NAMES[k]]()).toBe(k * 1001);
    expect((globalThis as Record<string, unknown>)[PWNED]).toBeUndefined();
  });

  it('the ES module output behaves the same', async () => {
    const file = join(dir, 'hostile.mjs');
    writeFileSync(file, compile(bytes).js);
    const mod = await import(pathToFileURL(file).href);
    const native = new WebAssembly.Instance(new WebAssembly.Module(bytes), ownImports(PAIRS) as WebAssembly.Imports);
    const { instance } = await mod.instantiate(ownImports(PAIRS));
    expect(Object.keys(instance.exports)).toEqual(Object.keys(native.exports));
    expect(callAll(instance.exports)).toEqual(callAll(native.exports));
    expect(mod.exports).toEqual(WebAssembly.Module.exports(new WebAssembly.Module(bytes)));
    expect((globalThis as Record<string, unknown>)[PWNED]).toBeUndefined();
  });

  it('looks imports up with [[Get]] like native: inherited properties count, own `__proto__` is not the prototype', () => {
    // Plain objects: `imports.__proto__` is Object.prototype, `imports.constructor`
    // is Object, `imports.toString` a function; then fields are read from those.
    const pairs: [string, string][] = [
      ['__proto__', 'toString'], // Object.prototype.toString: callable
      ['__proto__', 'valueOf'],
      ['constructor', 'name'], // "Object": not callable
      ['toString', 'call'], // Function.prototype.call: callable, throws when called
      ['m', '__proto__'], // Object.prototype: not callable
      ['m', 'constructor'], // Object: callable
      ['m', 'hasOwnProperty'],
    ];
    const setups: [string, () => object][] = [
      ['plain objects', () => ({ m: {} })],
      // A computed `__proto__` key makes an own property, which [[Get]] finds first.
      ['own __proto__ properties', () => ({ ['__proto__']: { toString: () => 11, valueOf: 12 }, m: { ['__proto__']: () => 13 } })],
      ['null-prototype objects', () => Object.assign(Object.create(null), { m: Object.create(null) })],
    ];
    // Each import alone, so that one LinkError does not hide the others.
    for (const [label, make] of setups) {
      for (const pair of pairs) {
        const one = hostileModule([pair], ['e']);
        const nat = outcome(() => callAll(new WebAssembly.Instance(new WebAssembly.Module(one), make() as WebAssembly.Imports).exports));
        const our = outcome(() => callAll(loadFactory(compile(one, { format: 'factory' }).js).instantiateSync(make()).instance.exports));
        expect(our, `${label}: ${pair.join('.')}`).toEqual(nat);
      }
    }
    expect((globalThis as Record<string, unknown>)[PWNED]).toBeUndefined();
  });

  it('TypeScript declarations hold every name as a quoted key, exactly as native WebAssembly names them', () => {
    // The file name goes into the header comment: it must stay a comment.
    const hostileFile = `x*/\nglobalThis.${PWNED}=1;//\u2028globalThis.${PWNED}=2;\r.wasm`;
    const { dts } = compile(bytes, { dts: true, filename: hostileFile });
    const { dts: plain } = compile(bytes, { dts: true, filename: 'plain.wasm' });
    expect(dts!.search(/[\u2028\u2029]/)).toBe(-1);
    const p = program({ '/virtual/hostile.d.mts': dts!, '/virtual/plain.d.mts': plain! });
    expect(diagnostics(p)).toEqual([]);
    const statements = (f: string) => p.getSourceFile(f)!.statements.map((st) => ts.SyntaxKind[st.kind]);
    expect(statements('/virtual/hostile.d.mts')).toEqual(statements('/virtual/plain.d.mts'));
    expect(dts!.split('\n').slice(1)).toEqual(plain!.split('\n').slice(1));

    // The property names TypeScript sees, against the native engine's descriptors.
    const checker = p.getTypeChecker();
    const exported = (name: string) => {
      const mod = checker.getSymbolAtLocation(p.getSourceFile('/virtual/hostile.d.mts')!)!;
      return checker.getDeclaredTypeOfSymbol(checker.getExportsOfModule(mod).find((s) => s.name === name)!);
    };
    const names = (t: ts.Type) => checker.getPropertiesOfType(t).map((s) => ts.symbolName(s));
    const mod = new WebAssembly.Module(bytes);
    expect(names(exported('Exports'))).toEqual(WebAssembly.Module.exports(mod).map((e) => e.name));
    const imports = WebAssembly.Module.imports(mod);
    const modules = [...new Set(imports.map((i) => i.module))];
    const importsType = exported('Imports');
    expect(names(importsType)).toEqual(modules);
    for (const m of modules) {
      const field = checker.getPropertiesOfType(importsType).find((s) => ts.symbolName(s) === m)!;
      expect(names(checker.getTypeOfSymbol(field)), m).toEqual([...new Set(imports.filter((i) => i.module === m).map((i) => i.name))]);
    }
    expect((globalThis as Record<string, unknown>)[PWNED]).toBeUndefined();
  });
});
