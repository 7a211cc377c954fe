// Run-time compilation for the polyfill: the same compiler as the AOT tool,
// producing a factory that is evaluated in this realm and bound to the shared
// runtime. Compilation is lazy (lazy.ts): the module is decoded and validated
// whole up front, each function lowered when an instance first calls it.
// setCompileMode('eager') lowers everything up front instead (compile()'s
// factory format), for measurements and as a fallback; docs/polyfill.md has
// the numbers for both.
//
// What is cached: a Module keeps its compiled factory, and every Instance of it
// reuses that (instantiating is only linking and running the module's setup).
// Across Modules, compiling the same bytes again finds the factory of a live
// Module with equal bytes (a content hash picks the candidates, the bytes are
// compared in full). The cache holds its entries weakly, so it never keeps a
// dropped module's generated code alive.
import { compile, compileLazy, validateBinary } from '../compile.js';
import { loadFactory } from '../load.js';
import { decodeModule } from '../binary/module.js';
import { LazyModule, lazyTotals, timed } from './lazy.js';
export { setLazyClock, timedInstantiation } from './lazy.js';
import type { CompiledModule, ExportDescriptor, ImportDescriptor } from '../api.js';
import { CompileError } from '../runtime/index.js';

/** Everything a Module needs, shared by all Modules made from the same bytes. */
export interface Compiled {
  /** The evaluated factory: instantiateSync(imports) links and runs one instance. */
  factory: CompiledModule;
  imports: readonly ImportDescriptor[];
  exports: readonly ExportDescriptor[];
  /** Custom sections in module order (views into `bytes`). */
  customs: readonly { name: string; bytes: Uint8Array }[];
  /** The module's bytes, kept to confirm a cache hit byte for byte. */
  bytes: Uint8Array;
  /** The lazy compilation's state (null when compiled eagerly). */
  lazy: LazyModule | null;
}

let eager = false;

/**
 * 'lazy' (the default): lower each function on its first call. 'eager': lower
 * every function when the module is compiled. Internal (benchmarks, tests);
 * affects modules compiled afterwards only, and a cached compilation is reused
 * whichever mode made it.
 */
export function setCompileMode(mode: 'lazy' | 'eager'): void {
  eager = mode === 'eager';
}

/** Totals over the Modules compiled lazily in this realm: functions and code bytes, and how many were lowered. */
export function lazyStats(): typeof lazyTotals {
  return { ...lazyTotals };
}

/** How many of the Module's functions have been lowered so far, or null for an eager compilation. */
export function loweredCount(c: Compiled): number | null {
  return c.lazy ? c.lazy.lowered : null;
}

/** Decode and validate without lowering: WebAssembly.validate. */
export function validateBytes(bytes: Uint8Array): boolean {
  try {
    validateBinary(bytes);
    return true;
  } catch (e) {
    if (e instanceof CompileError) return false;
    throw e;
  }
}

let serial = 0;

/** Compiles `bytes` (a private copy, not changed afterwards); throws CompileError. */
export function compileBytes(bytes: Uint8Array): Compiled {
  const key = cacheKey(bytes);
  const hit = lookup(key, bytes);
  if (hit) return hit;
  let compiled: Compiled;
  // Named, so stack traces and debuggers show where the generated code came from.
  const url = `\n//# sourceURL=wasm2es-polyfill/module-${++serial}.js\n`;
  if (eager) {
    const { js } = compile(bytes, { format: 'factory' });
    const factory = loadFactory(js + url);
    // Only module-level sections are decoded here (bodies are decoded on demand),
    // for the custom sections the compiled factory does not carry.
    const customs = decodeModule(bytes).customSections.map((c) => ({ name: c.name, bytes: c.bytes }));
    compiled = { factory, imports: factory.imports, exports: factory.exports, customs, bytes, lazy: null };
  } else {
    const lazy = new LazyModule(timed('prepareMs', () => compileLazy(bytes)));
    const factory = timed('factoryMs', () => loadFactory(lazy.compiled.js + url, lazy));
    const customs = lazy.compiled.module.customSections.map((c) => ({ name: c.name, bytes: c.bytes }));
    compiled = { factory, imports: factory.imports, exports: factory.exports, customs, bytes, lazy };
  }
  store(key, compiled);
  return compiled;
}

// The cache: content hash -> weakly held compiled records with that hash.
const cache = new Map<string, WeakRef<Compiled>[]>();
const canCache = typeof WeakRef === 'function';

/** 32-bit words of the bytes (a whole-word prefix), and the bytes left over. */
function words(b: Uint8Array): [Int32Array, number] {
  const n = b.byteOffset % 4 === 0 ? b.length >>> 2 : 0;
  return [new Int32Array(b.buffer, b.byteOffset, n), n * 4];
}

/** Length and an FNV-1a-style hash of the bytes, a word at a time: cheap next to compiling them. */
function cacheKey(b: Uint8Array): string {
  let h = 0x811c9dc5;
  const [w, rest] = words(b);
  for (let i = 0; i < w.length; i++) h = Math.imul(h ^ w[i], 0x01000193);
  for (let i = rest; i < b.length; i++) h = Math.imul(h ^ b[i], 0x01000193);
  return `${b.length}:${(h >>> 0).toString(36)}`;
}

function lookup(key: string, bytes: Uint8Array): Compiled | null {
  if (!canCache) return null;
  const refs = cache.get(key);
  if (!refs) return null;
  let found: Compiled | null = null;
  const live = refs.filter((r) => {
    const c = r.deref();
    if (c && !found && sameBytes(c.bytes, bytes)) found = c;
    return c !== undefined;
  });
  if (live.length) cache.set(key, live);
  else cache.delete(key);
  return found;
}

function store(key: string, c: Compiled): void {
  if (!canCache) return;
  const refs = cache.get(key) ?? [];
  refs.push(new WeakRef(c));
  cache.set(key, refs);
  // Entries whose record was collected are pruned on lookup; this drops keys of
  // modules never compiled again.
  registry?.register(c, key);
}

const registry = typeof FinalizationRegistry === 'function'
  ? new FinalizationRegistry<string>((key) => {
    const refs = cache.get(key);
    if (!refs) return;
    const live = refs.filter((r) => r.deref() !== undefined);
    if (live.length) cache.set(key, live);
    else cache.delete(key);
  })
  : null;

function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  const [wa, rest] = words(a);
  const [wb, restB] = words(b);
  let from = 0;
  if (rest === restB) {
    for (let i = 0; i < wa.length; i++) if (wa[i] !== wb[i]) return false;
    from = rest;
  }
  for (let i = from; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}
