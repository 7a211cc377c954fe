// `wasm2es/client`: what an import of a .wasm or .wat file gives through the
// bundler plugin (wasm2es/vite, wasm2es/rollup), for TypeScript. Add it like
// `vite/client`: `"types": ["wasm2es/client"]` in tsconfig.json, or
// `/// <reference types="wasm2es/client" />` in a .d.ts of the project.
//
// These are the general types of every compiled module. The plugin also writes
// each module's own declarations beside it (lib.wasm -> lib.d.wasm.ts), with
// its exact imports and exports; TypeScript reads those instead when
// `allowArbitraryExtensions` is on.

declare namespace Wasm2esClient {
  type AnyFunc = (...args: any[]) => any;
  interface Memory { readonly buffer: ArrayBuffer; grow(delta: number): number; }
  interface Table<T = unknown> { readonly length: number; get(index: number): T; set(index: number, value?: T): void; grow(delta: number, value?: T): number; }
  interface Global<T = unknown> { value: T; valueOf(): T; }
  type Tag = object;
  /** What an export can be; narrow it (typeof, or a cast) before use. */
  type ExportValue = AnyFunc | Memory | Table | Global | Tag;
  type ExternKind = 'function' | 'table' | 'memory' | 'global' | 'tag';
  interface ImportDescriptor { readonly module: string; readonly name: string; readonly kind: ExternKind; }
  interface ExportDescriptor { readonly name: string; readonly kind: ExternKind; }
  /** Import modules by name, each an object of fields (functions, memories, tables, globals, tags, numbers). */
  type Imports = Record<string, Record<string, unknown>>;
  interface Instantiated {
    readonly module: { readonly imports: readonly ImportDescriptor[]; readonly exports: readonly ExportDescriptor[] };
    readonly instance: { readonly exports: Readonly<Record<string, ExportValue>> };
  }
  interface CompiledModule {
    readonly imports: readonly ImportDescriptor[];
    readonly exports: readonly ExportDescriptor[];
    instantiate(imports?: Imports): Promise<Instantiated>;
    instantiateSync(imports?: Imports): Instantiated;
  }
}

declare module '*.wasm' {
  export const imports: readonly Wasm2esClient.ImportDescriptor[];
  export const exports: readonly Wasm2esClient.ExportDescriptor[];
  export function instantiate(imports?: Wasm2esClient.Imports): Promise<Wasm2esClient.Instantiated>;
  export function instantiateSync(imports?: Wasm2esClient.Imports): Wasm2esClient.Instantiated;
  const compiled: Wasm2esClient.CompiledModule;
  export default compiled;
}

declare module '*.wat' {
  export const imports: readonly Wasm2esClient.ImportDescriptor[];
  export const exports: readonly Wasm2esClient.ExportDescriptor[];
  export function instantiate(imports?: Wasm2esClient.Imports): Promise<Wasm2esClient.Instantiated>;
  export function instantiateSync(imports?: Wasm2esClient.Imports): Wasm2esClient.Instantiated;
  const compiled: Wasm2esClient.CompiledModule;
  export default compiled;
}
