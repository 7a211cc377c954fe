// The bundler front end: one Rollup-style plugin object that Rollup (3, 4),
// Vite and Rolldown all accept. It turns `import { instantiate } from './x.wasm'`
// (or './x.wat') into the ES module `compile` produces, so the bundle carries
// plain JavaScript and needs no WebAssembly at run time.
//
// Only the `load` hook is used: bundlers resolve a relative `./x.wasm` to its
// absolute path on their own, and loading is the first point where a plugin can
// supply a module's code. In Vite the plugin runs with `enforce: 'pre'`, ahead
// of Vite's own Wasm plugin (which would otherwise load `.wasm` for native
// instantiation); ids with a query (`x.wasm?init`, `?url`, `?raw`) are left to
// Vite, so its explicit forms keep working.
import { readFile } from 'node:fs/promises';
import { createHash } from 'node:crypto';
import { basename } from 'node:path';
import { createFilter } from '@rollup/pluginutils';
import { compile } from '../compile.js';
import { assembleText, isTextError, locate, textSourceMap, type Assembled, type TextCompileError } from '../text/index.js';

/** A picomatch glob or RegExp, or a list of them (the usual Rollup plugin filter). */
export type FilterPattern = ReadonlyArray<string | RegExp> | string | RegExp | null;

export interface Wasm2esPluginOptions {
  /**
   * Module ids to compile. Default: every id ending in `.wasm` or `.wat`. Globs
   * are resolved against the current directory, as in other Rollup plugins.
   */
  include?: FilterPattern;
  /** Module ids to leave alone (checked after `include`). */
  exclude?: FilterPattern;
  /**
   * Give the bundler a source map from the compiled code to byte offsets in the
   * Wasm module (default true). The bundler chains it into the bundle's map when
   * its own source maps are on.
   */
  sourceMap?: boolean;
}

/** What the plugin has done so far; read by the tests through `plugin.api`. */
export interface Wasm2esPluginStats {
  /** Compilations per module id (a cache hit does not count). */
  compiles: Map<string, number>;
  /** Loads answered from the cache because the file's bytes had not changed. */
  cacheHits: number;
}

/** The subset of the bundlers' plugin context the plugin calls. */
interface LoadContext {
  addWatchFile(id: string): void;
  error(error: PluginError | string): never;
}

interface PluginError {
  message: string;
  id?: string;
  loc?: { file?: string; line: number; column: number };
  frame?: string;
  cause?: unknown;
}

interface LoadResult {
  code: string;
  /** JSON text of a source map, or an empty mapping when source maps are off. */
  map: string | { mappings: '' };
}

export interface Wasm2esPlugin {
  name: 'wasm2es';
  enforce: 'pre';
  load(this: LoadContext, id: string): Promise<LoadResult | null>;
  api: { stats: Wasm2esPluginStats };
}

const DEFAULT_INCLUDE = [/\.wasm$/, /\.wat$/];

const WASM_MAGIC = [0x00, 0x61, 0x73, 0x6d];

export function wasm2es(options: Wasm2esPluginOptions = {}): Wasm2esPlugin {
  const filter = createFilter(options.include ?? DEFAULT_INCLUDE, options.exclude);
  const sourceMap = options.sourceMap ?? true;
  // One entry per module id, replaced when its bytes change: in watch mode and in
  // Vite's dev server a rebuild reloads every module, and an unchanged .wasm must
  // not be compiled again. Keyed by id as well as content because the source map
  // names the file.
  const cache = new Map<string, { hash: string; result: LoadResult }>();
  const stats: Wasm2esPluginStats = { compiles: new Map(), cacheHits: 0 };

  return {
    name: 'wasm2es',
    enforce: 'pre',
    api: { stats },
    async load(id) {
      if (id.startsWith('\0') || id.includes('?') || !filter(id)) return null;
      let data;
      try {
        data = await readFile(id);
      } catch (e) {
        // Not a file: an id another plugin resolved and will load itself.
        if ((e as NodeJS.ErrnoException).code === 'ENOENT' || (e as NodeJS.ErrnoException).code === 'EISDIR') return null;
        throw e;
      }
      // Watched before compiling, so that in watch mode a file that fails to
      // compile still triggers the rebuild that follows its fix.
      this.addWatchFile(id);
      const hash = createHash('sha256').update(data).digest('hex');
      const hit = cache.get(id);
      if (hit && hit.hash === hash) {
        stats.cacheHits++;
        return { ...hit.result };
      }
      const result = await compileFile(this, id, new Uint8Array(data.buffer, data.byteOffset, data.byteLength), sourceMap);
      stats.compiles.set(id, (stats.compiles.get(id) ?? 0) + 1);
      cache.set(id, { hash, result });
      return result;
    },
  };
}

async function compileFile(ctx: LoadContext, id: string, bytes: Uint8Array, sourceMap: boolean): Promise<LoadResult> {
  const name = basename(id);
  // As on the command line, a file that starts with the Wasm magic number is a
  // binary whatever its name.
  const isText = /\.(wat|wast)$/i.test(id) && !WASM_MAGIC.every((b, i) => bytes[i] === b);
  let wasm = bytes;
  let text: Assembled | undefined;
  if (isText) {
    try {
      text = assembleText(bytes, name);
    } catch (e) {
      return ctx.error(textError(id, bytes, e));
    }
    wasm = text.bytes;
  }
  let out;
  try {
    out = compile(wasm, { filename: name, sourceMap, format: 'esm' });
  } catch (e) {
    // An error in a module assembled from text is located in the text.
    const located = text ? locate(e, text) : e;
    return ctx.error(isTextError(located) ? textError(id, bytes, located) : binaryError(id, located));
  }
  if (!out.map) return { code: out.js, map: { mappings: '' } };
  // Rollup resolves a load map's sources against the module's directory. A binary
  // is its own source, mapped to byte offsets (without sourcesContent: a source
  // map can only hold text); a .wat is mapped to the lines and columns of its
  // instructions, and carries its text.
  const map = JSON.parse(text ? textSourceMap(out.map, text, name, new TextDecoder().decode(bytes)) : out.map);
  if (!text) map.sources = [name];
  map.file = name;
  return { code: out.js, map: JSON.stringify(map) };
}

/** The CompileError's message without the offset suffix the compiler adds. */
function bareMessage(e: Error): string {
  return e.message.replace(/ \(at byte offset \d+\)$/, '');
}

/**
 * A binary error as `file:offset: message` (the command line's format). `loc`
 * uses the source map's convention for binaries, line 1 and the byte offset as
 * the column, which is what bundlers print after the file name.
 */
function binaryError(id: string, e: unknown): PluginError | string {
  const err = e as Error & { offset?: unknown };
  if (typeof err?.offset !== 'number') return err instanceof Error ? { message: err.message, id, cause: err } : String(e);
  return {
    message: `${basename(id)}:${err.offset}: ${bareMessage(err)}`,
    id,
    loc: { file: id, line: 1, column: err.offset },
    cause: err,
  };
}

/**
 * An error located in a .wat (syntax, or found in the module assembled from it):
 * `file:line:col: message`, `loc` with a 1-based line and 0-based column (the
 * bundlers' convention), and a code frame.
 */
function textError(id: string, bytes: Uint8Array, e: unknown): PluginError | string {
  if (!isTextError(e)) return e instanceof Error ? { message: e.message, id, cause: e } : String(e);
  const err = e as TextCompileError;
  const text = new TextDecoder().decode(bytes);
  return {
    message: err.message,
    id,
    loc: { file: id, line: err.line, column: err.column - 1 },
    frame: codeFrame(text, err.line, err.column - 1),
    cause: err,
  };
}

function codeFrame(text: string, line: number, column: number): string {
  const lines = text.split('\n');
  const from = Math.max(1, line - 2);
  const width = String(line).length;
  const out: string[] = [];
  for (let n = from; n <= line; n++) out.push(`${String(n).padStart(width)}: ${lines[n - 1] ?? ''}`);
  // The caret under the column's character (a tab stays a tab, so it lines up).
  const lead = (lines[line - 1] ?? '').slice(0, column).replace(/[^\t]/g, ' ');
  out.push(`${' '.repeat(width + 2)}${lead}^`);
  return out.join('\n');
}

export default wasm2es;
