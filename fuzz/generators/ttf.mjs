// Generator 1: binaryen's translate-to-fuzz (`wasm-opt -ttf`), which turns any
// bytes into a valid module: random functions with logging imports, exceptions
// (try_table/exnref and legacy try), tables, globals and a "hang limit" global
// that bounds every loop and call chain.
//
// generate(seed): the seed drives a small PRNG that makes the input bytes (and
// their length), so a seed always gives the same module for a given binaryen
// version (the devDependency is pinned).
//
// Speed: node_modules/.bin/wasm-opt is binaryen compiled to Wasm by Emscripten,
// and starting it costs about a second, ten times the translation itself. The
// generator therefore loads that script once into this process and calls its
// main() per module (the script reads and writes the real file system, so the
// command line is the same as the CLI's). If loading it that way fails, it falls
// back to one wasm-opt process per module: slower, same bytes.

import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import vm from 'node:vm';

export const name = 'ttf';

const WASM_OPT = fileURLToPath(new URL('../../node_modules/binaryen/bin/wasm-opt', import.meta.url));

/**
 * Features: everything wasm2es compiles that translate-to-fuzz knows, nothing
 * else. Starting from the MVP keeps new binaryen features (on by default in later
 * versions) from slipping in unnoticed. Exception handling with reference types
 * makes binaryen 132 emit both encodings: try_table/throw_ref/exnref and legacy
 * try/catch/delegate/rethrow.
 */
export const FEATURES = [
  '--mvp-features',
  '--enable-sign-ext',
  '--enable-mutable-globals',
  '--enable-nontrapping-float-to-int',
  '--enable-bulk-memory',
  '--enable-bulk-memory-opt',
  '--enable-multivalue',
  '--enable-reference-types',
  '--enable-exception-handling',
  '--enable-extended-const',
  '--enable-multimemory',
  '--enable-tail-call',
];

/** Input sizes: small modules are quick to shrink by hand, large ones reach further. */
const MIN_INPUT = 1024;
const MAX_INPUT = 24 * 1024;

/** xorshift32 seeded through a multiplicative hash (seed 0 must not stick at 0). */
function prng(seed) {
  let s = Math.imul((seed >>> 0) ^ 0x9e3779b9, 0x85ebca6b) >>> 0 || 1;
  return () => {
    s ^= s << 13;
    s >>>= 0;
    s ^= s >>> 17;
    s ^= s << 5;
    s >>>= 0;
    return s;
  };
}

/** The translate-to-fuzz input for a seed. */
export function inputBytes(seed) {
  const next = prng(seed);
  const n = MIN_INPUT + (next() % (MAX_INPUT - MIN_INPUT + 1));
  const bytes = new Uint8Array(n);
  for (let i = 0; i < n; i += 4) {
    const w = next();
    for (let k = 0; k < 4 && i + k < n; k++) bytes[i + k] = (w >>> (8 * k)) & 0xff;
  }
  return bytes;
}

// --- wasm-opt in this process --------------------------------------------------

let inproc = null; // { main(args) -> exit code }, or false once loading failed
let inprocRuns = 0;
/** The Emscripten heap only grows; a fresh instance now and then bounds it. */
const INPROC_RUNS_PER_INSTANCE = 300;

async function loadInProcess() {
  const src = readFileSync(WASM_OPT, 'utf8').replace(/^#!/, '//');
  const Module = { noInitialRun: true, noExitRuntime: true, print() {}, printErr() {} };
  const ready = new Promise((resolve, reject) => {
    Module.onRuntimeInitialized = resolve;
    Module.onAbort = reject;
    setTimeout(() => reject(new Error('wasm-opt did not initialize')), 60_000).unref();
  });
  // The script is CommonJS; give it its module scope and keep a handle on its
  // (otherwise private) main entry, which parses a command line like the CLI.
  const wrapped = vm.runInThisContext(
    `(function (require, module, exports, __filename, __dirname, Module) {${src}\n;Module.__callMain = callMain;\n})`,
    { filename: WASM_OPT },
  );
  const mod = { exports: {} };
  wrapped(createRequire(WASM_OPT), mod, mod.exports, WASM_OPT, dirname(WASM_OPT), Module);
  await ready;
  if (typeof Module.__callMain !== 'function') throw new Error('wasm-opt has no main entry');
  return {
    main(args) {
      try {
        return Module.__callMain(args);
      } catch (e) {
        // exit(n) inside main arrives as Emscripten's ExitStatus; anything else
        // (an abort) leaves the instance unusable.
        if (e && e.constructor && e.constructor.name === 'ExitStatus') return e.status;
        inproc = null;
        throw e;
      }
    },
  };
}

async function runWasmOpt(args) {
  if (inproc === null || (inproc && inprocRuns >= INPROC_RUNS_PER_INSTANCE)) {
    try {
      inproc = await loadInProcess();
      inprocRuns = 0;
    } catch {
      inproc = false;
    }
  }
  if (inproc) {
    inprocRuns++;
    return inproc.main(args);
  }
  const r = spawnSync(process.execPath, [WASM_OPT, ...args], { stdio: 'ignore' });
  return r.status ?? -1;
}

let workDir = null;

/** The module for a seed; throws when wasm-opt cannot make one. */
export function generate(seed) {
  return generateWith(seed, FEATURES);
}

/** The module for a seed with the given feature flags (generators/ttf-simd.mjs adds SIMD). */
export async function generateWith(seed, features) {
  workDir ??= mkdtempSync(join(tmpdir(), 'wasm2es-ttf-'));
  const input = join(workDir, `in-${process.pid}.dat`);
  const output = join(workDir, `out-${process.pid}.wasm`);
  writeFileSync(input, inputBytes(seed));
  rmSync(output, { force: true });
  const code = await runWasmOpt([input, '-ttf', '-q', '-o', output, ...features]);
  if (code !== 0) throw new Error(`wasm-opt -ttf exited with ${code}`);
  return new Uint8Array(readFileSync(output));
}

process.on('exit', () => {
  if (workDir) rmSync(workDir, { recursive: true, force: true });
});
