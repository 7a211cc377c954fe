// Types of the public compiler API and of what a compiled module provides.

export interface CompileOptions {
  /** Used in error messages and as the source-map `file`/`sources` stem. */
  filename?: string;
  /** Produce a source map (JSON text in `map`). */
  sourceMap?: boolean;
  /**
   * 'esm' (default): an ES module exporting `instantiate`, `instantiateSync`,
   * `imports`, `exports`. 'factory': the text of one JS expression evaluating to a
   * function `(runtime) => CompiledModule`; used by the spec runner and the
   * polyfill, which compile at run time and must not need a module loader.
   */
  format?: OutputFormat;
  /**
   * Splitting of big functions into pieces V8 can optimize (see
   * passes/split.ts): byte sizes of Wasm code. `false` turns it off. Meant for
   * tests and measurements; the defaults are what the benchmarks chose.
   */
  split?: false | { above?: number; target?: number; min?: number };
  /**
   * One level of inlining of small directly recursive functions into
   * themselves (passes/inline.ts). `false` turns it off; for tests and
   * measurements.
   */
  inline?: boolean;
  /**
   * Frames with more levels of frames inside them than this are lowered into
   * a dispatch loop instead of nested JS statements (codegen/dispatch.ts), so
   * the output nests boundedly whatever the input. The default is what V8's
   * parser needs; small values (0: every frame) are for tests.
   */
  flatHeight?: number;
  /**
   * Indent function bodies by nesting. Default: on when the code section is
   * at most INDENT_MAX_CODE bytes (256 KiB), off for bigger modules, whose output
   * is read through source maps anyway and compresses ~16% better flat.
   */
  indent?: boolean;
  /**
   * Called after each function body is compiled with how many of the module's
   * defined functions are done and their total (also once with 0 before the
   * first). Meant for progress displays: it runs synchronously inside compile(),
   * so it should be cheap and decide itself how often to show anything.
   */
  onProgress?: (done: number, total: number) => void;
}

export const INDENT_MAX_CODE = 256 << 10;

export interface CompileResult {
  js: string;
  /** Source map JSON when `sourceMap` was set. */
  map?: string;
}

import type { ExportDescriptor, ImportDescriptor, OutputFormat } from './emit/module.js';

export type { ExportDescriptor, ImportDescriptor, OutputFormat };

export interface InstantiatedModule {
  module: { imports: ImportDescriptor[]; exports: ExportDescriptor[] };
  instance: { exports: Record<string, unknown> };
}

/** What evaluating a compiled module gives (the ESM exports have the same members). */
export interface CompiledModule {
  imports: ImportDescriptor[];
  exports: ExportDescriptor[];
  /** Links and runs the start function; throws LinkError / RuntimeError. */
  instantiateSync(imports?: object): InstantiatedModule;
  instantiate(imports?: object): Promise<InstantiatedModule>;
}
