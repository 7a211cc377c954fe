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
import { readFile, writeFile } from 'node:fs/promises';
import { createHash } from 'node:crypto';
import { basename } from 'node:path';
import { createFilter } from '@rollup/pluginutils';
import { compile } from '../compile.js';
import { RUNTIME_MODES, type RuntimeMode } from '../api.js';
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
  /**
   * Write TypeScript declarations of each compiled module beside its file
   * (default true): `lib.wasm` gets `lib.d.wasm.ts`, `lib.wat` gets
   * `lib.d.wat.ts`, which TypeScript reads for `import ... from './lib.wasm'`
   * with `allowArbitraryExtensions`; without it, `wasm2es/client` declares every
   * `*.wasm` / `*.wat` import with general types. A file is rewritten only when
   * its text changes.
   */
  dts?: boolean;
  /**
   * 'embed' (default): each compiled module carries the runtime parts it uses.
   * 'import': each imports the runtime from `wasm2es/runtime`, so the bundle
   * holds one copy of all of it however many modules it has (smaller from
   * about two modules on, docs/performance.md "Output size").
   */
  runtime?: RuntimeMode;
}

/** Where the declarations of module file `id` go: lib.wasm -> lib.d.wasm.ts. */
export function declarationsFile(id: string): string {
  const dot = id.lastIndexOf('.');
  if (dot <= Math.max(id.lastIndexOf('/'), id.lastIndexOf('\\')) + 1) return `${id}.d.ts`; // no extension
  return `${id.slice(0, dot)}.d${id.slice(dot)}.ts`;
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
  warn?(warning: string): void;
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
  const dts = options.dts ?? true;
  const runtime = options.runtime ?? 'embed';
  if (!RUNTIME_MODES.includes(runtime)) throw new TypeError(`wasm2es plugin: runtime must be one of ${RUNTIME_MODES.join(', ')}, got ${JSON.stringify(String(runtime))}`);
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
      const { result, declarations } = await compileFile(this, id, new Uint8Array(data.buffer, data.byteOffset, data.byteLength), sourceMap, dts, runtime);
      stats.compiles.set(id, (stats.compiles.get(id) ?? 0) + 1);
      cache.set(id, { hash, result });
      if (declarations !== undefined) await writeDeclarations(this, id, declarations);
      return result;
    },
  };
}

/**
 * Writes the declarations beside the module file unless the same text is there
 * already (so watchers see no change). A folder that cannot be written is a
 * warning: the build does not need the file.
 */
async function writeDeclarations(ctx: LoadContext, id: string, text: string): Promise<void> {
  const file = declarationsFile(id);
  try {
    if ((await readFile(file, 'utf8').catch(() => null)) === text) return;
    await writeFile(file, text);
  } catch (e) {
    ctx.warn?.(`${basename(file)}: declarations not written: ${(e as Error).message}`);
  }
}

async function compileFile(
  ctx: LoadContext, id: string, bytes: Uint8Array, sourceMap: boolean, dts: boolean, runtime: RuntimeMode,
): Promise<{ result: LoadResult; declarations?: string }> {
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
    out = compile(wasm, { filename: name, sourceMap, format: 'esm', dts, runtime });
  } catch (e) {
    // An error in a module assembled from text is located in the text.
    const located = text ? locate(e, text) : e;
    return ctx.error(isTextError(located) ? textError(id, bytes, located) : binaryError(id, located));
  }
  if (!out.map) return { result: { code: out.js, map: { mappings: '' } }, declarations: out.dts };
  // Rollup resolves a load map's sources against the module's directory. A binary
  // is its own source, mapped to byte offsets (without sourcesContent: a source
  // map can only hold text); a .wat is mapped to the lines and columns of its
  // instructions, and carries its text.
  const map = JSON.parse(text ? textSourceMap(out.map, text, name, new TextDecoder().decode(bytes)) : out.map);
  if (!text) map.sources = [name];
  map.file = name;
  return { result: { code: out.js, map: JSON.stringify(map) }, declarations: out.dts };
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
