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
   * Where the ES module gets the runtime from. 'embed' (default): the output
   * carries the runtime parts it uses (src/runtime/install.ts), so it imports
   * nothing. 'import': `import { runtime } from 'wasm2es/runtime'`, one copy for
   * every module of an app (wasm2es must then be installed where it runs or is
   * bundled). Only for format 'esm'.
   */
  runtime?: RuntimeMode;
  /**
   * Splitting of big functions into pieces V8 can optimize (see
   * passes/split.ts): byte sizes of Wasm code. `false` turns it off. Meant for
   * tests and measurements; the defaults are what the benchmarks chose.
   */
  split?: false | { above?: number; target?: number; min?: number };
  /**
   * Inlining of small recursive functions into themselves, up to three levels
   * deep, and of a mutual-recursion partner (passes/inline.ts). `false` turns
   * it off; for tests and measurements.
   */
  inline?: boolean;
  /**
   * Locals of one type never live at once share a JS variable
   * (passes/coalesce.ts). `false` turns it off; for tests and measurements.
   */
  coalesce?: boolean;
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
  /**
   * Also produce TypeScript declarations of the compiled module (`dts`): the
   * types of `instantiate(imports)`, of `instance.exports` and of the
   * descriptors, from the module's imports and exports (emit/dts.ts). The
   * text is what a `.d.mts` beside an `.mjs` output holds.
   */
  dts?: boolean;
}

export const INDENT_MAX_CODE = 256 << 10;

/** The values `format` takes (anything else is a TypeError). */
export const OUTPUT_FORMATS: readonly OutputFormat[] = ['esm', 'factory'];

/** The values `runtime` takes (anything else is a TypeError). */
export const RUNTIME_MODES: readonly RuntimeMode[] = ['embed', 'import'];

export interface CompileResult {
  js: string;
  /** Source map JSON when `sourceMap` was set. */
  map?: string;
  /** TypeScript declarations when `dts` was set. */
  dts?: string;
}

import type { ExportDescriptor, ImportDescriptor, OutputFormat, RuntimeMode } from './emit/module.js';

export type { ExportDescriptor, ImportDescriptor, OutputFormat, RuntimeMode };

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
