// The polyfill's start-up cost on a real module (sql.js, 688 KB of Wasm), and
// what compiling lazily (per function, on first call) could save: the data
// behind the eager-compilation decision in docs/polyfill.md.
//
//   npm run build && node bench/polyfill.mjs [--rounds N] [--wall]
//
// Every measurement runs in a fresh `node --noexpose-wasm` process (cold: the
// compiler's own code is not yet optimized, as on a real page load); medians of
// N rounds (default 3), in CPU time (--wall: wall-clock time). Writes
// bench/out/polyfill.json.
//
//  api       validate(bytes); new Module(bytes) (eager: decode, validate, lower,
//            evaluate); new Module(bytes) again (the content cache)
//  stages    the eager cost split: decode + validate, lowering to JS, evaluating
//  sqljs     sql.js on the installed polyfill: ready (compile + instantiate +
//            emscripten's init), first query, the test/real workload
//  coverage  which functions that workload calls at all, and which are needed
//            until the first query (instrumented output): lazy's best case
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { ROOT, ensureOut, median, fmt, table, writeJson } from './lib.mjs';

const require = createRequire(import.meta.url);
const WASM = require.resolve('sql.js/dist/sql-wasm.wasm');
const MARK = '\u0000wasm2es-bench\u0000';
const dist = (p) => pathToFileURL(join(ROOT, 'dist', p)).href;
const argv = process.argv.slice(2);

/**
 * A stopwatch in CPU time (user + system, this process): on a shared machine
 * wall time mostly measures the other processes. Single-threaded work, so on
 * an idle machine the two agree (V8's GC helper threads add a little CPU).
 */
function stopwatch() {
  if (process.env.WASM2ES_BENCH_CLOCK === 'wall') {
    const t = performance.now();
    return () => performance.now() - t;
  }
  const c = process.cpuUsage();
  return () => {
    const d = process.cpuUsage(c);
    return (d.user + d.system) / 1000;
  };
}

async function parent() {
  const ri = argv.indexOf('--rounds');
  const rounds = ri >= 0 ? Number(argv[ri + 1]) : 3;
  // --wall: wall-clock time instead, meaningful on an otherwise idle machine
  // (CPU time also counts V8's background compiler and GC threads).
  const clock = argv.includes('--wall') ? 'wall' : 'cpu';
  process.env.WASM2ES_BENCH_CLOCK = clock;
  const runs = {};
  for (const kind of ['api', 'stages', 'sqljs']) {
    runs[kind] = [];
    for (let i = 0; i < rounds; i++) runs[kind].push(child(kind));
  }
  const coverage = child('coverage');
  const med = (kind, key) => median(runs[kind].map((r) => r[key]));
  const res = {
    node: process.version, rounds, clock, wasmBytes: readFileSync(WASM).length,
    api: Object.fromEntries(Object.keys(runs.api[0]).map((k) => [k, med('api', k)])),
    stages: Object.fromEntries(Object.keys(runs.stages[0]).map((k) => [k, med('stages', k)])),
    sqljs: Object.fromEntries(Object.keys(runs.sqljs[0]).map((k) => [k, med('sqljs', k)])),
    coverage,
  };
  // Lazy compilation's best case: everything must still be decoded and
  // validated up front (a CompileError is due at compile time), but only the
  // functions run before the first query would be lowered and evaluated then
  // (lowering and evaluation taken as proportional to code bytes).
  const { validateMs, lowerMs, evalMs } = res.stages;
  const share = coverage.firstBytes / coverage.totalBytes;
  res.lazyEstimate = { upFrontMs: validateMs + (lowerMs + evalMs) * share, eagerMs: validateMs + lowerMs + evalMs };

  console.log(`polyfill start-up, sql.js (${(res.wasmBytes / 1024).toFixed(0)} KiB Wasm), Node ${process.version}, median of ${rounds} cold processes, ${clock === 'wall' ? 'wall-clock' : 'CPU'} time`);
  console.log(table(['step', 'ms'], [
    ['import wasm2es/polyfill', fmt(res.api.importMs)],
    ['WebAssembly.validate', fmt(res.api.validateMs)],
    ['new Module (eager compile)', fmt(res.api.moduleMs)],
    ['  of which decode + validate', fmt(validateMs)],
    ['  of which lowering to JS', fmt(lowerMs)],
    ['  of which evaluating the JS', fmt(evalMs)],
    ['decode + validate + lower again, warm', fmt(res.stages.warmCompileMs)],
    ['new Module, same bytes again (cache)', fmt(res.api.cachedMs)],
    ['sql.js ready (compile + instantiate + init)', fmt(res.sqljs.readyMs)],
    ['sql.js first query', fmt(res.sqljs.firstQueryMs)],
    ['sql.js workload (test/real)', fmt(res.sqljs.workloadMs)],
  ]));
  console.log(`functions called: ${coverage.called}/${coverage.total} (${pct(coverage.calledBytes / coverage.totalBytes)} of code bytes) in the whole workload; ` +
    `${coverage.first}/${coverage.total} (${pct(share)} of code bytes) until the first query's result`);
  console.log(`lazy compilation, best case: ${fmt(res.lazyEstimate.upFrontMs)} ms up front instead of ${fmt(res.lazyEstimate.eagerMs)} ms (the rest paid on first calls)`);
  ensureOut();
  console.log(`written ${writeJson('polyfill.json', res)}`);
}

function pct(x) {
  return `${(100 * x).toFixed(0)}%`;
}

function child(kind) {
  const p = spawnSync(process.execPath, ['--noexpose-wasm', fileURLToPath(import.meta.url), '--child', kind], { encoding: 'utf8', maxBuffer: 1 << 26 });
  const at = p.stdout.lastIndexOf(MARK);
  if (at < 0) throw new Error(`child ${kind} failed (${p.status}):\n${p.stderr}`);
  return JSON.parse(p.stdout.slice(at + MARK.length));
}

const children = {
  async api() {
    let t = stopwatch();
    const { WebAssembly } = await import(dist('polyfill/index.js'));
    const importMs = t();
    const bytes = readFileSync(WASM);
    t = stopwatch();
    if (!WebAssembly.validate(bytes)) throw new Error('sql.js does not validate');
    const validateMs = t();
    t = stopwatch();
    const m = new WebAssembly.Module(bytes);
    const moduleMs = t();
    t = stopwatch();
    const again = new WebAssembly.Module(bytes);
    const cachedMs = t();
    if (WebAssembly.Module.imports(again).length !== WebAssembly.Module.imports(m).length) throw new Error('cache');
    return { importMs, validateMs, moduleMs, cachedMs };
  },

  async stages() {
    const { compile, loadFactory } = await import(dist('index.js'));
    const { decodeModule } = await import(dist('binary/module.js'));
    const { decodeBody } = await import(dist('binary/code.js'));
    const { validateModule } = await import(dist('validate/module.js'));
    const { validateFunction } = await import(dist('validate/func.js'));
    const bytes = new Uint8Array(readFileSync(WASM));
    let t = stopwatch();
    const m = decodeModule(bytes);
    validateModule(m);
    for (const f of m.funcs) validateFunction(m, f, decodeBody(m, f));
    const validateMs = t();
    t = stopwatch();
    const { js } = compile(bytes, { format: 'factory' });
    // compile() decodes and validates too: lowering is the rest.
    const lowerMs = Math.max(0, t() - validateMs);
    t = stopwatch();
    loadFactory(js);
    const evalMs = t();
    // The same compilation once more: the compiler's own code is optimized by
    // now, as for every module after the first in a long-lived page.
    t = stopwatch();
    compile(bytes, { format: 'factory' });
    const warmCompileMs = t();
    return { validateMs, lowerMs, evalMs, warmCompileMs, jsBytes: js.length };
  },

  async sqljs() {
    const { WebAssembly } = await import(dist('polyfill/index.js'));
    globalThis.WebAssembly = WebAssembly;
    const { workload } = await import(pathToFileURL(join(ROOT, 'test/real/sqljs.mjs')).href);
    let t = stopwatch();
    const SQL = await require('sql.js')({ locateFile: () => WASM });
    const readyMs = t();
    t = stopwatch();
    new SQL.Database().exec('SELECT 1');
    const firstQueryMs = t();
    t = stopwatch();
    workload(SQL);
    const workloadMs = t();
    return { readyMs, firstQueryMs, workloadMs };
  },

  async coverage() {
    const { compile, loadFactory } = await import(dist('index.js'));
    // For the small modules emscripten builds at run time (create_function).
    globalThis.WebAssembly = (await import(dist('polyfill/index.js'))).WebAssembly;
    const { decodeModule } = await import(dist('binary/module.js'));
    const { workload } = await import(pathToFileURL(join(ROOT, 'test/real/sqljs.mjs')).href);
    const bytes = new Uint8Array(readFileSync(WASM));
    const m = decodeModule(bytes);
    const size = new Map(m.funcs.map((f) => [f.index, f.codeEnd - f.codeStart]));
    const { js } = compile(bytes, { format: 'factory', split: false });
    // Every function records its first call (measurement only: the probe is
    // one statement at the top of each generated function).
    const seen = new Set();
    globalThis.$probe = seen;
    const probed = js.replace(/^( *function f(\d+)\([^)]*\) \{)$/gm, '$1 $probe.add($2);');
    const mod = loadFactory(probed);
    let first = null;
    const SQL = await require('sql.js')({
      locateFile: () => WASM,
      instantiateWasm(imports, ok) {
        ok(mod.instantiateSync(imports).instance);
        return {};
      },
    });
    new SQL.Database().exec('SELECT 1');
    first = new Set(seen);
    workload(SQL);
    const bytesOf = (s) => [...s].reduce((n, i) => n + (size.get(i) ?? 0), 0);
    const totalBytes = [...size.values()].reduce((a, b) => a + b, 0);
    return {
      total: m.funcs.length, totalBytes,
      called: seen.size, calledBytes: bytesOf(seen),
      first: first.size, firstBytes: bytesOf(first),
    };
  },
};

if (argv[0] === '--child') {
  const r = await children[argv[1]]();
  process.stdout.write(MARK + JSON.stringify(r) + '\n');
} else {
  await parent();
}
