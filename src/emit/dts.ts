// TypeScript declarations of a compiled module (`compile(bytes, { dts: true })`,
// `wasm2es compile --dts`, the bundler plugin): what `instantiate(imports)` needs
// and what `instance.exports` holds, from the module's own types.
//
// Value types as the JS API converts them: i32/f32/f64 are numbers, i64 a
// BigInt, funcref a function (or null), externref any JS value; exnref never
// crosses the boundary (the JS API throws a TypeError), so it is `never`.
// Several results are an array (exports) or any iterable (what an imported
// function returns). Memories, tables, globals and tags are typed by the
// members the JS API gives them, declared in the file itself, so the file needs
// nothing installed and the host's WebAssembly objects fit as well as ours.
//
// Names are data: every export, import module and field name is a quoted
// property key (JSON string syntax, which TypeScript reads the same), never an
// identifier, and the file's own identifiers cannot collide with them.
import type { FuncType, Module } from '../ir.js';
import { ValType, AbsHeap, isConcreteRef, isNullable, heapOf, typeIndexOf } from '../ir.js';

const KIND_NAMES = { func: 'function', table: 'table', memory: 'memory', global: 'global', tag: 'tag' } as const;

/**
 * A string as a quoted TypeScript string: JSON's syntax, with `<`, U+2028 and
 * U+2029 escaped too (a line separator would end a `//` comment; `<` keeps the
 * text inert if it is ever pasted into HTML).
 */
export function tsString(s: string): string {
  return JSON.stringify(s).replace(/[<\u2028\u2029]/g, (c) => '\\u' + c.charCodeAt(0).toString(16).padStart(4, '0'));
}

/** The declarations file of module `m`; `source` names the input in the header comment. */
export function moduleDeclarations(m: Module, source?: string): string {
  const aliases = new Map<number, string>(); // type index -> alias name, for concrete function references
  const aliasLines: string[] = [];

  const valueType = (t: ValType): string => {
    switch (t) {
      case ValType.I32: case ValType.F32: case ValType.F64: return 'number';
      case ValType.I64: return 'bigint';
    }
    const nullable = isNullable(t);
    const orNull = (s: string) => (nullable ? `${s} | null` : s);
    if (isConcreteRef(t)) return orNull(alias(typeIndexOf(t)));
    switch (heapOf(t)) {
      case AbsHeap.Func: return orNull('AnyFunc');
      // A non-null externref is any value but null (undefined included).
      case AbsHeap.Extern: return nullable ? 'unknown' : '{} | undefined';
      case AbsHeap.NoFunc: case AbsHeap.NoExtern: return nullable ? 'null' : 'never';
      default: return 'never'; // exn, noexn: not convertible to or from JS
    }
  };
  const alias = (typeIdx: number): string => {
    let name = aliases.get(typeIdx);
    if (name === undefined) {
      name = `FuncType${typeIdx}`;
      aliases.set(typeIdx, name);
      // Set before the body is built: a type may refer to itself.
      aliasLines.push(`type ${name} = ${exportedFunction(m.types[typeIdx])};`);
    }
    return name;
  };
  const params = (ft: FuncType) => ft.params.map((p, k) => `p${k}: ${valueType(p)}`).join(', ');
  /** A function the module exports: called from JS, its results an array when there are several. */
  const exportedFunction = (ft: FuncType): string => {
    const r = ft.results;
    const result = r.length === 0 ? 'void' : r.length === 1 ? valueType(r[0]) : `[${r.map(valueType).join(', ')}]`;
    return `(${params(ft)}) => ${result}`;
  };
  /** A JS function given as an import: several results may come as any iterable. */
  const importedFunction = (ft: FuncType): string => {
    const r = ft.results;
    const result = r.length === 0 ? 'void' : r.length === 1 ? valueType(r[0]) : `Iterable<${[...new Set(r.map(valueType))].join(' | ')}>`;
    return `(${params(ft)}) => ${result}`;
  };
  const global = (type: ValType, mutable: boolean) => `${mutable ? 'MutableGlobal' : 'Global'}<${valueType(type)}>`;

  // Imports: one property per module, one per field; the same field imported
  // twice must satisfy both imports.
  let fi = 0, ti = 0, gi = 0;
  const byModule = new Map<string, Map<string, string[]>>();
  for (const im of m.imports) {
    let t: string;
    switch (im.desc.kind) {
      case 'func': t = importedFunction(m.types[m.funcTypes[fi++]]); break;
      case 'table': t = `Table<${valueType(m.tables[ti++].elem)}>`; break;
      case 'memory': t = 'Memory'; break;
      case 'global': {
        const g = m.globals[gi++];
        // An immutable global may be given as its value.
        t = g.mutable ? global(g.type, true) : `${valueType(g.type)} | ${global(g.type, false)}`;
        break;
      }
      case 'tag': t = 'Tag'; break;
    }
    let fields = byModule.get(im.module);
    if (!fields) byModule.set(im.module, (fields = new Map()));
    const ts = fields.get(im.name) ?? [];
    if (!ts.includes(t)) ts.push(t);
    fields.set(im.name, ts);
  }
  const importLines: string[] = [];
  for (const [mod, fields] of byModule) {
    importLines.push(`  readonly ${tsString(mod)}: {`);
    for (const [name, ts] of fields) {
      const t = ts.length === 1 ? ts[0] : ts.map((x) => `(${x})`).join(' & ');
      importLines.push(`    readonly ${tsString(name)}: ${t};`);
    }
    importLines.push('  };');
  }

  const exportLines: string[] = [];
  for (const ex of m.exports) {
    let t: string;
    switch (ex.kind) {
      case 'func': t = exportedFunction(m.types[m.funcTypes[ex.index]]); break;
      case 'table': t = `Table<${valueType(m.tables[ex.index].elem)}>`; break;
      case 'memory': t = 'Memory'; break;
      case 'global': t = global(m.globals[ex.index].type, m.globals[ex.index].mutable); break;
      case 'tag': t = 'Tag'; break;
    }
    exportLines.push(`  readonly ${tsString(ex.name)}: ${t};`);
  }

  const hasImports = m.imports.length > 0;
  const arg = hasImports ? 'imports: Imports' : 'imports?: Imports';
  const kinds = Object.values(KIND_NAMES).map((k) => `'${k}'`).join(' | ');
  return [
    `// Generated by wasm2es${source === undefined ? '' : ` from ${tsString(source)}`}: the types of the compiled module.`,
    '/** Any function: what a funcref holds. */',
    'export type AnyFunc = (...args: any[]) => any;',
    '/** A WebAssembly.Memory (the host\'s or wasm2es/runtime\'s). */',
    'export interface Memory { readonly buffer: ArrayBuffer; grow(delta: number): number; }',
    '/** A WebAssembly.Table of elements of type T. */',
    'export interface Table<T> { readonly length: number; get(index: number): T; set(index: number, value?: T): void; grow(delta: number, value?: T): number; }',
    '/** A WebAssembly.Global holding a T; MutableGlobal: one declared mutable. */',
    'export interface Global<T> { readonly value: T; valueOf(): T; }',
    'export interface MutableGlobal<T> extends Global<T> { value: T; }',
    '/** A WebAssembly.Tag. */',
    'export type Tag = object;',
    ...aliasLines,
    `export type ExternKind = ${kinds};`,
    'export interface ImportDescriptor { readonly module: string; readonly name: string; readonly kind: ExternKind; }',
    'export interface ExportDescriptor { readonly name: string; readonly kind: ExternKind; }',
    '/** What `instantiate` needs: each import module\'s object, with each field. */',
    hasImports ? 'export interface Imports {' : 'export interface Imports {}',
    ...(hasImports ? [...importLines, '}'] : []),
    '/** `instance.exports`: a frozen object with these members only. */',
    exportLines.length ? 'export interface Exports {' : 'export interface Exports {}',
    ...(exportLines.length ? [...exportLines, '}'] : []),
    'export interface Instance { readonly exports: Exports; }',
    'export interface Instantiated {',
    '  readonly module: { readonly imports: readonly ImportDescriptor[]; readonly exports: readonly ExportDescriptor[] };',
    '  readonly instance: Instance;',
    '}',
    '/** Links and runs the start function, like WebAssembly.instantiate(bytes, imports). */',
    `export declare function instantiate(${arg}): Promise<Instantiated>;`,
    `export declare function instantiateSync(${arg}): Instantiated;`,
    'declare const $imports: readonly ImportDescriptor[];',
    'declare const $exports: readonly ExportDescriptor[];',
    'export { $imports as imports, $exports as exports };',
    'declare const $default: {',
    '  readonly imports: readonly ImportDescriptor[];',
    '  readonly exports: readonly ExportDescriptor[];',
    '  readonly instantiate: typeof instantiate;',
    '  readonly instantiateSync: typeof instantiateSync;',
    '};',
    'export default $default;',
    '',
  ].join('\n');
}
