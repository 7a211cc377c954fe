// The polyfill's start-up cost: lazy compilation (the default: decode and
// validate up front, lower each function on its first call) against eager
// (everything lowered up front), on sql.js in detail, and what the lazy form
// costs hot code. The data behind docs/polyfill.md.
//
//   npm run build && node bench/polyfill.mjs [--rounds N] [--wall]
//   node bench/polyfill.mjs --kernels [--rounds N]
//
// Default (sql.js, 688 KB of Wasm): every measurement runs in a fresh `node
// --noexpose-wasm` process (cold: the compiler's own code is not yet
// optimized, as on a real page load); medians of N rounds (default 3), in CPU
// time (--wall: wall-clock time). Writes bench/out/polyfill.json.
//
//  api       validate(bytes); new Module(bytes), lazy and eager; new
//            Module(bytes) again (the content cache)
//  stages    the eager cost split: decode + validate, lowering to JS, evaluating
//  sqljs     sql.js on the installed polyfill, lazy and eager: ready (compile +
//            instantiate + emscripten's init), first query, the test/real
//            workload, and how many functions lazy lowered by each point
//
// Start-up of big programs, native vs polyfill: bench/startup.mjs.
//
// --kernels: hot code (the kernels of `npm run bench` and call paths), AOT
// factory vs polyfill lazy and eager, each in its own process. Writes
// bench/out/polyfill-kernels.json.
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { BENCH_DIR, ROOT, ensureOut, median, fmt, table, writeJson } from './lib.mjs';

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
  const kinds = [['api', 'lazy'], ['api', 'eager'], ['stages'], ['sqljs', 'lazy'], ['sqljs', 'eager']];
  const runs = Object.fromEntries(kinds.map((k) => [k.join(' '), []]));
  for (let i = 0; i < rounds; i++) for (const [kind, mode] of kinds) runs[[kind, mode].filter(Boolean).join(' ')].push(child(kind, mode ? [mode] : []));
  const medians = (rs) => Object.fromEntries(Object.keys(rs[0]).map((k) => [k, median(rs.map((r) => r[k]))]));
  const res = { node: process.version, rounds, clock, wasmBytes: readFileSync(WASM).length };
  for (const [k, rs] of Object.entries(runs)) res[k] = medians(rs);
  const lz = res['sqljs lazy'], eg = res['sqljs eager'];
  console.log(`polyfill start-up, sql.js (${(res.wasmBytes / 1024).toFixed(0)} KiB Wasm), Node ${process.version}, median of ${rounds} cold processes, ${clock === 'wall' ? 'wall-clock' : 'CPU'} time`);
  console.log(table(['step', 'lazy ms', 'eager ms', 'lazy: functions lowered'], [
    ['import wasm2es/polyfill', fmt(res['api lazy'].importMs), fmt(res['api eager'].importMs), ''],
    ['WebAssembly.validate', fmt(res['api lazy'].validateMs), fmt(res['api eager'].validateMs), ''],
    ['new Module', fmt(res['api lazy'].moduleMs), fmt(res['api eager'].moduleMs), ''],
    ['  eager: decode + validate', '', fmt(res.stages.validateMs), ''],
    ['  eager: lowering to JS', '', fmt(res.stages.lowerMs), ''],
    ['  eager: evaluating the JS', '', fmt(res.stages.evalMs), ''],
    ['decode + validate + lower again, warm', '', fmt(res.stages.warmCompileMs), ''],
    ['new Module, same bytes again (cache)', fmt(res['api lazy'].cachedMs), fmt(res['api eager'].cachedMs), ''],
    ['sql.js ready (compile + instantiate + init)', fmt(lz.readyMs), fmt(eg.readyMs), `${lz.readyLowered}/${lz.functions}`],
    ['sql.js first query', fmt(lz.firstQueryMs), fmt(eg.firstQueryMs), `${lz.firstLowered}/${lz.functions}`],
    ['sql.js workload (test/real)', fmt(lz.workloadMs), fmt(eg.workloadMs), `${lz.workloadLowered}/${lz.functions} (${pct(lz.workloadBytes / lz.codeBytes)} of code bytes)`],
    ['total: ready + first query + workload', fmt(lz.readyMs + lz.firstQueryMs + lz.workloadMs), fmt(eg.readyMs + eg.firstQueryMs + eg.workloadMs), ''],
  ]));
  ensureOut();
  console.log(`written ${writeJson('polyfill.json', res)}`);
}

function pct(x) {
  return `${(100 * x).toFixed(0)}%`;
}

function child(kind, args = []) {
  // The kernel children keep native WebAssembly (wabt assembles the call-path module).
  const flags = kind === 'kernel' ? [] : ['--noexpose-wasm'];
  const p = spawnSync(process.execPath, [...flags, fileURLToPath(import.meta.url), '--child', kind, ...args], { encoding: 'utf8', maxBuffer: 1 << 26 });
  const at = p.stdout.lastIndexOf(MARK);
  if (at < 0) throw new Error(`child ${kind} failed (${p.status}):\n${p.stderr}`);
  return JSON.parse(p.stdout.slice(at + MARK.length));
}

const children = {
  async api(mode) {
    let t = stopwatch();
    const { WebAssembly } = await import(dist('polyfill/index.js'));
    const importMs = t();
    (await import(dist('polyfill/compiler.js'))).setCompileMode(mode);
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

  async sqljs(mode) {
    const { WebAssembly } = await import(dist('polyfill/index.js'));
    const compiler = await import(dist('polyfill/compiler.js'));
    compiler.setCompileMode(mode);
    globalThis.WebAssembly = WebAssembly;
    const { workload } = await import(pathToFileURL(join(ROOT, 'test/real/sqljs.mjs')).href);
    let t = stopwatch();
    const SQL = await require('sql.js')({ locateFile: () => WASM });
    const readyMs = t();
    const readyLowered = compiler.lazyStats().lowered;
    t = stopwatch();
    new SQL.Database().exec('SELECT 1');
    const firstQueryMs = t();
    const firstLowered = compiler.lazyStats().lowered;
    t = stopwatch();
    workload(SQL);
    const workloadMs = t();
    // Counts over all modules: sql.js's own, and the few tiny ones emscripten builds at run time.
    const z = compiler.lazyStats();
    return {
      readyMs, firstQueryMs, workloadMs, readyLowered, firstLowered,
      workloadLowered: z.lowered, workloadBytes: z.loweredBytes, functions: z.functions, codeBytes: z.codeBytes,
    };
  },
};

// ---------------------------------------------------------------- hot code: lazy vs AOT

/**
 * Call paths the C kernels do not take, each `run(n)`: call_indirect to a
 * function the element segment put in the table (its slot gets the compiled
 * function), call_indirect to one whose slot table.set filled before it was
 * compiled (the stub stays there and forwards: the cost of a forwarded
 * call), and a direct call to a function first reached through the table.
 */
const CALL_PATHS = `(module
  (type $ii (func (param i32) (result i32)))
  (table 4 funcref)
  (elem (i32.const 0) $g $h)
  (elem declare func $k)
  (func $g (param i32) (result i32) (i32.add (i32.mul (local.get 0) (i32.const 3)) (i32.const 1)))
  (func $h (param i32) (result i32) (i32.xor (local.get 0) (i32.const 0x55)))
  (func $k (param i32) (result i32) (i32.sub (i32.mul (local.get 0) (i32.const 5)) (i32.const 7)))
  (func $loop (param $n i32) (param $slot i32) (result i32) (local $i i32) (local $s i32)
    (loop $l
      (local.set $s (i32.add (local.get $s) (call_indirect (type $ii) (i32.add (local.get $s) (local.get $i)) (local.get $slot))))
      (local.set $i (i32.add (local.get $i) (i32.const 1)))
      (br_if $l (i32.lt_u (local.get $i) (local.get $n))))
    (local.get $s))
  (func (export "init") (table.set (i32.const 2) (ref.func $k)))
  (func (export "indirect") (param i32) (result i32) (call $loop (local.get 0) (i32.const 0)))
  (func (export "forwarded") (param i32) (result i32) (call $loop (local.get 0) (i32.const 2)))
  (func (export "direct") (param $n i32) (result i32) (local $i i32) (local $s i32)
    (drop (call_indirect (type $ii) (i32.const 1) (i32.const 1)))
    (loop $l
      (local.set $s (i32.add (local.get $s) (call $h (i32.add (local.get $s) (local.get $i)))))
      (local.set $i (i32.add (local.get $i) (i32.const 1)))
      (br_if $l (i32.lt_u (local.get $i) (local.get $n))))
    (local.get $s))
  (func (export "g") (param i32) (result i32) (call $g (local.get 0))))`;

/** The hot-code cases: the C kernels of `npm run bench`, then the call paths. */
async function kernelCases() {
  const wabt = await (await import('wabt')).default();
  const cfg = JSON.parse(readFileSync(join(BENCH_DIR, 'kernels.json'), 'utf8'));
  const cases = Object.entries(cfg).map(([name, { n, warm }]) => ({
    name, bytes: new Uint8Array(readFileSync(join(BENCH_DIR, 'kernels', `${name}.wasm`))), exp: 'run', n, warm,
  }));
  const calls = wabt.parseWat('calls.wat', CALL_PATHS, { reference_types: true, bulk_memory: true }).toBinary({}).buffer;
  for (const exp of ['indirect', 'forwarded', 'direct']) cases.push({ name: `call ${exp}`, bytes: calls, exp, n: 30_000_000, warm: 1000 });
  // JS calling an exported function (the lazy form's goes through the stub: W -> stub -> function).
  cases.push({ name: 'call export from JS', bytes: calls, exp: 'g', js: true, n: 3_000_000, warm: 1000 });
  return cases;
}

/** In a child: one case on one engine (aot, lazy, eager); the median of `rounds` timed calls after warm-up. */
async function kernelChild(engine, name, rounds) {
  const c = (await kernelCases()).find((k) => k.name === name);
  let x;
  if (engine === 'aot') {
    const compiler = await import(dist('index.js'));
    x = compiler.loadFactory(compiler.compile(c.bytes, { format: 'factory' }).js).instantiateSync({}).instance.exports;
  } else {
    const { WebAssembly: W } = await import(dist('polyfill/index.js'));
    (await import(dist('polyfill/compiler.js'))).setCompileMode(engine);
    x = new W.Instance(new W.Module(c.bytes), {}).exports;
  }
  x.init?.();
  const f = x[c.exp];
  const fn = c.js ? (k) => { let s = 0; for (let i = 0; i < k; i++) s = (s + f(i)) | 0; return s; } : (k) => f(k);
  for (let i = 0; i < 100; i++) fn(c.warm);
  const result = fn(c.n);
  const ms = [];
  for (let r = 0; r < rounds; r++) {
    const t = performance.now();
    fn(c.n);
    ms.push(performance.now() - t);
  }
  return { ms: median(ms), result: String(result) };
}

/**
 * Hot code, AOT factory vs the polyfill (lazy and eager): every case on every
 * engine in its own process (the runtime's shared helpers collect type
 * feedback from every module in a process), processes interleaved.
 */
async function kernels() {
  const ri = argv.indexOf('--rounds');
  const procs = ri >= 0 ? Number(argv[ri + 1]) : 3;
  const engines = ['aot', 'lazy', 'eager'];
  const rows = [];
  for (const c of await kernelCases()) {
    const ms = Object.fromEntries(engines.map((e) => [e, []]));
    const results = new Set();
    for (let r = 0; r < procs; r++) {
      for (let k = 0; k < engines.length; k++) {
        const e = engines[(r + k) % engines.length];
        const out = child('kernel', [e, c.name, '5']);
        ms[e].push(out.ms);
        results.add(out.result);
      }
    }
    const med = Object.fromEntries(engines.map((e) => [e, median(ms[e])]));
    process.stderr.write(`${c.name}: aot ${fmt(med.aot)} lazy ${fmt(med.lazy)} eager ${fmt(med.eager)} ms\n`);
    rows.push({ name: c.name, n: c.n, ms, med, same: results.size === 1 });
  }
  console.log(`hot code through the polyfill (lazy, eager) vs the AOT factory, Node ${process.version}: median over ${procs} processes per engine (interleaved) of each one's median of 5 timed calls after warm-up; wall-clock ms (shared machine: see spreads)`);
  const spread = (xs) => `${fmt(Math.min(...xs))}-${fmt(Math.max(...xs))}`;
  console.log(table(['case', 'AOT ms', 'lazy ms', 'eager ms', 'lazy/AOT', 'eager/AOT', 'AOT spread', 'lazy spread', 'same result'], rows.map((r) => [
    r.name, fmt(r.med.aot), fmt(r.med.lazy), fmt(r.med.eager), fmt(r.med.lazy / r.med.aot, 2) + 'x', fmt(r.med.eager / r.med.aot, 2) + 'x',
    spread(r.ms.aot), spread(r.ms.lazy), r.same ? 'yes' : 'NO',
  ])));
  console.log(`written ${writeJson('polyfill-kernels.json', { node: process.version, procs, rows })}`);
  if (rows.some((r) => !r.same)) process.exitCode = 1;
}

if (argv[0] === '--child') {
  const r = argv[1] === 'kernel' ? await kernelChild(argv[2], argv[3], Number(argv[4])) : await children[argv[1]](argv[2]);
  process.stdout.write(MARK + JSON.stringify(r) + '\n');
} else if (argv.includes('--kernels')) {
  await kernels();
} else {
  await parent();
}
