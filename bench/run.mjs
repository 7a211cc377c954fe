// `npm run bench`: runs the C kernels, the exception micro-benchmarks and the
// sql.js workload on native WebAssembly, binaryen's wasm2js and wasm2es, and
// prints a table per group. Results go to bench/out/results.json.
//
//   node bench/run.mjs [--quick] [--rounds N] [--only name[,name...]]
//                      [--skip name[,name...]] [--no-sqljs] [--node24] [--budget S] [--cpu]
//
// --only / --skip match kernel names (fib, nbody, ...), EH scenarios (throw,
// rethrow, nothrow, jsthrow), SIMD kernels (simd:dot, simd:saxpy, ...:
// bench/simd.mjs), or the groups `kernels` (the original seven), `i64`,
// `growth`, `eh`, `simd`, `sqljs`. --node24 also runs the selected kernels in a
// Node 24 child (all three engines there). --budget S (default 30): per engine
// and growth kernel, the measured seconds after which its remaining rounds are
// skipped, and a quarter of it the limit for a probe call of half the work
// (over it, the full size is not run: see runKernels); 0 = no limits.
// --cpu times kernel and exception rows by the process's CPU time (see clock).
// Internal: --child-eh native|wasm2es (run by Node 24 for the try_table rows),
// --child-kernels (run by Node 24 for --node24).
import { spawnSync } from 'node:child_process';
import { readFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import {
  BENCH_DIR, OUT_DIR, NODE24, ensureOut, median, loadCompiler, instantiateNative, instantiateWasm2es,
  runWasm2js, wasm2jsFactory, fmt, table, writeJson, sameValue, nodeWarning,
} from './lib.mjs';
import { SIMD_KERNELS, runSimd, simdTable } from './simd.mjs';

const argv = process.argv.slice(2);
const opt = {
  quick: argv.includes('--quick'),
  childEh: argv.includes('--child-eh'),
  childKernels: argv.includes('--child-kernels'),
  noSqljs: argv.includes('--no-sqljs'),
  node24: argv.includes('--node24'),
  cpu: argv.includes('--cpu'),
  only: null,
  skip: [],
  rounds: null,
  budget: 30,
};
for (let i = 0; i < argv.length; i++) {
  if (argv[i] === '--only') opt.only = argv[++i].split(',');
  else if (argv[i] === '--skip') opt.skip = argv[++i].split(',');
  else if (argv[i] === '--rounds') opt.rounds = Number(argv[++i]);
  else if (argv[i] === '--budget') opt.budget = Number(argv[++i]);
}
const ROUNDS = opt.rounds ?? (opt.quick ? 3 : 7);
const WARMUP = opt.quick ? 1 : 2;
const WARM_CALLS = 100; // small calls before the full-size warm-up calls
const SCALE = opt.quick ? 0.5 : 1; // --quick also halves the work per call

function selected(name, group) {
  if (opt.skip.includes(name) || opt.skip.includes(group)) return false;
  return !opt.only || opt.only.includes(name) || opt.only.includes(group);
}

/**
 * Milliseconds: wall time, or with --cpu the process's CPU time (user +
 * system, all threads). On a machine with more runnable processes than cores
 * a call's wall time includes waiting for a core, by an amount that differs
 * between a short native call and a long compiled one; CPU time does not.
 */
const clock = opt.cpu ? () => { const u = process.cpuUsage(); return (u.user + u.system) / 1000; } : () => performance.now();

/** Calls fn() and returns [ms, result]. */
function timed(fn) {
  const t0 = clock();
  const r = fn();
  return [clock() - t0, r];
}

/**
 * Interleaved measurement. `engines` is a list of { name, fn, warm } (fn runs
 * the workload once and returns its checksum; null fn = engine unavailable;
 * warm runs a small instance of it). Each engine first gets WARM_CALLS small
 * calls, so its code is optimized as a whole function rather than only through
 * on-stack replacement of one long-running loop (which on Node 24 sometimes
 * stays in a slower tier for every later call), then WARMUP full calls. Then
 * ROUNDS rounds call every engine once, the starting engine rotating each
 * round. Returns { [name]: { ms: [...], median, result } }.
 */
function measure(engines, { warmup = WARMUP, budgetMs = Infinity } = {}) {
  const live = engines.filter((e) => e.fn);
  const out = {};
  for (const e of live) {
    out[e.name] = { ms: [], result: undefined, error: undefined };
    try {
      if (e.warm) for (let i = 0; i < WARM_CALLS; i++) e.warm();
      for (let i = 0; i < warmup; i++) out[e.name].result = e.fn();
    } catch (err) {
      out[e.name].error = String(err?.message ?? err);
    }
  }
  const ok = live.filter((e) => !out[e.name].error);
  for (let r = 0; r < ROUNDS; r++) {
    for (let k = 0; k < ok.length; k++) {
      const e = ok[(r + k) % ok.length];
      const o = out[e.name];
      // Over its budget (growth rows: minutes per call before amortized growth), an engine sits out.
      if (budgetMs > 0 && o.ms.length && o.ms.reduce((a, b) => a + b, 0) > budgetMs) continue;
      const [ms, res] = timed(e.fn);
      o.ms.push(ms);
      if (!warmup && o.ms.length === 1) o.result = res;
      else if (!sameValue(res, o.result)) o.error = `result changed between calls: ${res} vs ${o.result}`;
    }
  }
  for (const e of live) if (out[e.name].ms.length) out[e.name].median = median(out[e.name].ms);
  return out;
}

function show(v) {
  return typeof v === 'bigint' ? `${v}n` : String(v);
}

// ---------------------------------------------------------------- kernels

const GROUPS = {
  kernels: 'Kernels (C, clang-19 -O2)',
  i64: 'i64 kernels (C, clang-19 -O2)',
  growth: 'Memory growth (C, clang-19 -O2; a fresh instance per call, instantiation included)',
};

function kernelConfig() {
  const cfg = JSON.parse(readFileSync(join(BENCH_DIR, 'kernels.json'), 'utf8'));
  return Object.entries(cfg).map(([name, c]) => ({ name, group: c.group ?? 'kernels', ...c }));
}

async function runKernels(compiler) {
  const w2jsDir = ensureOut('wasm2js');
  const rows = [];
  for (const { name, group, n: fullN, what, warm: warmN, fresh } of kernelConfig()) {
    if (!selected(name, group)) continue;
    const n = name === 'fib' || name === 'fannkuch' ? fullN - (opt.quick ? 1 : 0) : Math.round(fullN * SCALE);
    const wasmPath = join(BENCH_DIR, 'kernels', `${name}.wasm`);
    const bytes = readFileSync(wasmPath);
    const row = { name, group, what, n, errors: {} };
    // `fresh` kernels (memory growth) need a new instance, so a new memory, for every call.
    const calls = (make) => {
      if (!fresh) { const ex = make(); return { fn: () => ex.run(n), warm: () => ex.run(warmN) }; }
      return { fn: () => make().run(n), warm: () => make().run(warmN), make: (k) => make().run(k) };
    };
    const engines = [];
    const natModule = new WebAssembly.Module(bytes);
    engines.push({ name: 'native', ...calls(() => new WebAssembly.Instance(natModule, {}).exports) });
    let w2js = {};
    try {
      const make = wasm2jsFactory(runWasm2js(wasmPath, join(w2jsDir, `${name}.js`)));
      w2js = calls(() => make({}));
    } catch (e) {
      row.errors.wasm2js = e.message;
    }
    engines.push({ name: 'wasm2js', ...w2js });
    let w2es = {};
    try {
      const { js } = compiler.compile(bytes, { format: 'factory', filename: `${name}.wasm` });
      const factory = compiler.loadFactory(js);
      w2es = calls(() => factory.instantiateSync({}).instance.exports);
      // The i64 kernel also exports its full 64-bit result: check it crosses as the same BigInt.
      const ex = factory.instantiateSync({}).instance.exports;
      if (ex.mix64) {
        const nat = instantiateNative(bytes).mix64(100003);
        const got = ex.mix64(100003);
        row.i64Check = { native: show(nat), wasm2es: show(got), ok: nat === got };
        if (nat !== got) row.errors.wasm2es = `mix64(100003) = ${show(got)}, native ${show(nat)}`;
      }
    } catch (e) {
      row.errors.wasm2es = `compile/instantiate: ${e.message}`;
    }
    engines.push({ name: 'wasm2es', ...w2es });
    process.stderr.write(`kernel ${name} (n=${n}) ...\n`);
    // Growth rows: an engine whose call of half the work already takes more
    // than a quarter of the budget (growth that copies is quadratic) is not run
    // at full size; its row gives a lower bound instead: that half / native's
    // full call. --budget 0 measures it anyway.
    const probes = {};
    if (fresh && opt.budget > 0) {
      const n2 = Math.max(1, Math.round(n / 2));
      for (const e of engines) {
        if (e.name === 'native' || !e.fn) continue;
        try {
          const make = e.make;
          const t0 = clock();
          make(n2);
          const ms = clock() - t0;
          if (ms * 4 > opt.budget * 1000) { probes[e.name] = { n: n2, ms }; e.fn = null; }
        } catch { /* measured (and reported) below */ }
      }
    }
    // Growth rows: no full-size warm-up call (they measure the runtime's growth, not the JIT,
    // and a call can take minutes before growth is amortized), and a time budget per engine.
    const m = measure(engines, fresh ? { warmup: 0, budgetMs: opt.budget * 1000 } : {});
    const nat = m.native;
    row.native = { median: nat.median, ms: nat.ms, result: show(nat.result) };
    for (const eng of ['wasm2js', 'wasm2es']) {
      const r = m[eng];
      if (probes[eng]) {
        const { n: pn, ms } = probes[eng];
        row[eng] = { status: 'SLOW', probe: probes[eng], lowerBound: ms / nat.median };
        row.errors[`${eng} (note)`] = `not run at full size: n=${pn} took ${fmt(ms / 1000)} s; ratio > ${fmt(ms / nat.median, 1)}x (half the work / native's full call); --budget 0 runs it`;
        continue;
      }
      if (!r) { row[eng] = { status: 'ERR' }; continue; }
      const status = r.error ? 'FAIL' : sameValue(r.result, nat.result) ? 'ok' : 'FAIL';
      if (r.error) row.errors[eng] = r.error;
      else if (status === 'FAIL') row.errors[eng] = `checksum ${show(r.result)} != native ${show(nat.result)}`;
      row[eng] = { status: row.errors[eng] ? 'FAIL' : status, median: r.median, ms: r.ms, result: show(r.result), ratio: r.median / nat.median };
      if (r.ms.length < ROUNDS) row.errors[`${eng} (note)`] = `${r.ms.length} measured call(s) of ${ROUNDS}: over the ${opt.budget} s budget`;
    }
    if (!m.wasm2js && !probes.wasm2js) row.wasm2js.status = 'ERR';
    rows.push(row);
  }
  return rows;
}

function kernelTable(rows) {
  const cell = (r, e) => (r[e].status === 'ok' ? fmt(r[e].median) : r[e].status);
  const ratio = (r, e) => (r[e].status === 'ok' ? fmt(r[e].ratio, 2) + 'x' : r[e].status === 'SLOW' ? `>${fmt(r[e].lowerBound, 1)}x` : '-');
  const body = rows.map((r) => [r.name, String(r.n), fmt(r.native.median), cell(r, 'wasm2js'), cell(r, 'wasm2es'),
    ratio(r, 'wasm2js'), ratio(r, 'wasm2es'),
    r.wasm2js.status === 'ok' && r.wasm2es.status === 'ok' ? fmt(r.wasm2es.median / r.wasm2js.median, 2) + 'x' : '-']);
  // Geometric means of the ratios, over all kernels of the table (only when every row is ok).
  const geo = (f) => Math.exp(rows.reduce((a, r) => a + Math.log(f(r)), 0) / rows.length);
  if (rows.length > 1 && rows.every((r) => r.wasm2js.status === 'ok' && r.wasm2es.status === 'ok')) {
    body.push(['geomean', '', '', '', '', fmt(geo((r) => r.wasm2js.ratio), 2) + 'x', fmt(geo((r) => r.wasm2es.ratio), 2) + 'x',
      fmt(geo((r) => r.wasm2es.median / r.wasm2js.median), 2) + 'x']);
  }
  const t = table(
    ['kernel', 'n', 'native ms', 'wasm2js ms', 'wasm2es ms', 'wasm2js/native', 'wasm2es/native', 'wasm2es/wasm2js'],
    body,
  );
  const notes = rows.flatMap((r) => Object.entries(r.errors).map(([e, msg]) => `  ${r.name} / ${e}: ${msg}`));
  return t + (notes.length ? '\n' + notes.join('\n') : '');
}

/** One table per group (its own geomean: the criterion is over the original seven). */
function kernelTables(rows, where = '') {
  const out = [];
  for (const [g, title] of Object.entries(GROUPS)) {
    const rs = rows.filter((r) => r.group === g);
    if (rs.length) out.push(`${title}${where}\n${kernelTable(rs)}\n`);
  }
  return out.join('\n');
}

/** --node24: the selected kernels measured by this script in a Node 24 child. */
function runKernelsChild() {
  if (!existsSync(NODE24)) return { error: `no Node 24 binary at ${NODE24}` };
  const args = [join(BENCH_DIR, 'run.mjs'), '--child-kernels', '--rounds', String(ROUNDS), '--budget', String(opt.budget)];
  if (opt.quick) args.push('--quick');
  if (opt.cpu) args.push('--cpu');
  if (opt.only) args.push('--only', opt.only.join(','));
  if (opt.skip.length) args.push('--skip', opt.skip.join(','));
  const r = spawnSync(NODE24, args, { encoding: 'utf8', maxBuffer: 1 << 26, stdio: ['ignore', 'pipe', 'inherit'] });
  if (r.status !== 0) return { error: `Node 24 child exited ${r.status}: ${r.stdout.slice(-500)}` };
  try {
    return JSON.parse(r.stdout.trim().split('\n').pop());
  } catch (e) {
    return { error: `cannot parse child output: ${r.stdout.slice(-500)}` };
  }
}

// ---------------------------------------------------------------- exceptions

const EH_SCENARIOS = [
  { id: 'throw-d1', file: 'throw', label: 'throw+catch, depth 1', exp: 'run', n: 200000, args: (n) => [n, 1] },
  { id: 'throw-d20', file: 'throw', label: 'throw+catch, depth 20', exp: 'run', n: 50000, args: (n) => [n, 20] },
  { id: 'rethrow', file: 'rethrow', label: 'catch+rethrow x10', exp: 'run', n: 30000, args: (n) => [n] },
  { id: 'nothrow-try', file: 'nothrow', label: 'loop, try never throws', exp: 'run_try', n: 100000000, args: (n) => [n] },
  { id: 'nothrow-plain', file: 'nothrow', label: 'loop, same without try', exp: 'run_plain', n: 100000000, args: (n) => [n] },
  { id: 'jsthrow', file: 'jsthrow', label: 'JS import throws -> catch_all', exp: 'run', n: 200000, args: (n) => [n] },
];
const EH_GROUP = { 'throw-d1': 'throw', 'throw-d20': 'throw', rethrow: 'rethrow', 'nothrow-try': 'nothrow', 'nothrow-plain': 'nothrow', jsthrow: 'jsthrow' };

// The JS import throws one preallocated Error, so the row measures the
// unwinding and catching, not Error construction and stack capture.
const JS_ERROR = new Error('bench: thrown from JS');
const ehImports = () => ({ env: { fail() { throw JS_ERROR; } } });

let wabtPromise;
async function watToWasm(file) {
  wabtPromise ??= import('wabt').then((m) => m.default());
  const wabt = await wabtPromise;
  const m = wabt.parseWat(file, readFileSync(join(BENCH_DIR, 'eh', file), 'utf8'),
    { exceptions: true, reference_types: true, multi_value: true });
  m.resolveNames();
  m.validate();
  const bytes = m.toBinary({}).buffer;
  m.destroy();
  return bytes;
}

const ehInstances = new Map();

/** Measures the EH rows of one encoding with the given engines ('native', 'wasm2es'). */
async function runEh(compiler, form, engineNames) {
  const rows = [];
  for (const sc of EH_SCENARIOS) {
    if (!selected(EH_GROUP[sc.id], 'eh')) continue;
    const file = form === 'legacy' ? `${sc.file}_legacy.wat` : `${sc.file}.wat`;
    const bytes = await watToWasm(file);
    const n = Math.round(sc.n * SCALE);
    const args = sc.args(n);
    const row = { id: sc.id, label: sc.label, form, file, n, node: process.version, errors: {} };
    const engines = [];
    for (const en of engineNames) {
      let fn = null, warm;
      try {
        // One instance per file and engine: rows sharing a module (the two no-throw loops) share it.
        const key = `${en}:${file}`;
        const ex = ehInstances.get(key) ?? (en === 'native' ? instantiateNative(bytes, ehImports()) : instantiateWasm2es(compiler, bytes, ehImports(), file).exports);
        ehInstances.set(key, ex);
        const f = ex[sc.exp];
        fn = () => f(...args);
        const warmArgs = sc.args(1000);
        warm = () => f(...warmArgs);
      } catch (e) {
        row.errors[en] = `compile/instantiate: ${e.message}`;
      }
      engines.push({ name: en, fn, warm });
    }
    const m = measure(engines);
    const ref = m.native;
    for (const en of engineNames) {
      const r = m[en];
      if (!r) { row[en] = { status: 'ERR' }; continue; }
      if (r.error) row.errors[en] = r.error;
      else if (ref && !ref.error && !sameValue(r.result, ref.result)) row.errors[en] = `checksum ${show(r.result)} != native ${show(ref.result)}`;
      row[en] = { status: row.errors[en] ? 'FAIL' : 'ok', median: r.median, ms: r.ms, result: show(r.result), mops: r.median ? n / r.median / 1000 : undefined };
    }
    rows.push(row);
  }
  return rows;
}

/**
 * Runs this script under Node 24 to measure the try_table rows with the given
 * engine. Native needs --experimental-wasm-exnref; wasm2es runs in a second
 * child without it, as it would in production (its output needs no flag).
 */
function runEhChild(engine) {
  if (!existsSync(NODE24)) return { error: `no Node 24 binary at ${NODE24}` };
  const flags = engine === 'native' ? ['--experimental-wasm-exnref'] : [];
  const args = [...flags, join(BENCH_DIR, 'run.mjs'), '--child-eh', engine, '--rounds', String(ROUNDS)];
  if (opt.quick) args.push('--quick');
  if (opt.cpu) args.push('--cpu');
  if (opt.only) args.push('--only', opt.only.join(','));
  const r = spawnSync(NODE24, args, { encoding: 'utf8', maxBuffer: 1 << 26, stdio: ['ignore', 'pipe', 'inherit'] });
  if (r.status !== 0) return { error: `Node 24 child exited ${r.status}: ${r.stdout.slice(-500)}` };
  try {
    return JSON.parse(r.stdout.trim().split('\n').pop());
  } catch (e) {
    return { error: `cannot parse child output: ${r.stdout.slice(-500)}` };
  }
}

function ehTable(legacy, tt, tt20) {
  const by = (rows, id) => rows?.find((r) => r.id === id);
  const cell = (r, e) => (!r || !r[e] ? '-' : r[e].status === 'ok' ? fmt(r[e].mops, 2) : r[e].status);
  const rel = (r) => (r?.native?.status === 'ok' && r?.wasm2es?.status === 'ok' ? fmt(r.wasm2es.median / r.native.median, 2) + 'x' : '-');
  const out = [];
  const ids = EH_SCENARIOS.map((s) => s.id).filter((id) => by(legacy, id) || by(tt, id) || by(tt20, id));
  out.push(table(
    ['scenario (M ops/s)', 'legacy native N20', 'legacy wasm2es N20', 'time ratio', 'try_table native N24', 'try_table wasm2es N24', 'time ratio', 'try_table wasm2es N20'],
    ids.map((id) => {
      const l = by(legacy, id), t = by(tt, id), t20 = by(tt20, id);
      return [EH_SCENARIOS.find((s) => s.id === id).label, cell(l, 'native'), cell(l, 'wasm2es'), rel(l),
        cell(t, 'native'), cell(t, 'wasm2es'), rel(t), cell(t20, 'wasm2es')];
    }),
  ));
  // Overhead of the never-taken try: (time with try - time without) / time without.
  const over = (rows, e) => {
    const a = by(rows, 'nothrow-try')?.[e], b = by(rows, 'nothrow-plain')?.[e];
    return a?.status === 'ok' && b?.status === 'ok' ? fmt((a.median / b.median - 1) * 100, 1) + '%' : '-';
  };
  if (ids.includes('nothrow-try')) {
    out.push('never-throwing try overhead: ' + [
      `legacy native ${over(legacy, 'native')}`, `legacy wasm2es ${over(legacy, 'wasm2es')}`,
      `try_table native(N24) ${over(tt, 'native')}`, `try_table wasm2es(N24) ${over(tt, 'wasm2es')}`,
      `try_table wasm2es(N20) ${over(tt20, 'wasm2es')}`].join(', '));
  }
  const notes = [legacy, tt, tt20].flatMap((rows) => (rows || []).flatMap((r) =>
    Object.entries(r.errors).map(([e, msg]) => `  ${r.label} [${r.form}, ${r.node}] / ${e}: ${msg}`)));
  return out.join('\n') + (notes.length ? '\n' + notes.join('\n') : '');
}

/** Joins the Node 24 native-only and wasm2es-only rows (same ids) into rows with both engines. */
function mergeChildRows(nat, es) {
  if (!nat && !es) return undefined;
  const ids = [...new Set([...(nat || []), ...(es || [])].map((r) => r.id))];
  return ids.map((id) => {
    const a = nat?.find((r) => r.id === id), b = es?.find((r) => r.id === id);
    const row = { ...(a || b), errors: { ...(a?.errors || {}), ...(b?.errors || {}) } };
    row.native = a?.native;
    row.wasm2es = b?.wasm2es;
    // The checksum comparison could not happen inside either child: do it here.
    if (row.native?.status === 'ok' && row.wasm2es?.status === 'ok' && row.native.result !== row.wasm2es.result) {
      row.errors.wasm2es = `checksum ${row.wasm2es.result} != native ${row.native.result}`;
      row.wasm2es.status = 'FAIL';
    }
    return row;
  });
}

export function ehOverheads(rows) {
  const by = (id) => rows?.find((r) => r.id === id);
  const res = {};
  for (const e of ['native', 'wasm2es']) {
    const a = by('nothrow-try')?.[e], b = by('nothrow-plain')?.[e];
    if (a?.status === 'ok' && b?.status === 'ok') res[e] = (a.median / b.median - 1) * 100;
  }
  return res;
}

// ---------------------------------------------------------------- main

async function main() {
  const compiler = await loadCompiler();
  if (opt.childEh) {
    // Node 24 child: try_table rows, native and wasm2es, one JSON line on stdout.
    const engine = argv[argv.indexOf('--child-eh') + 1];
    const rows = await runEh(compiler, 'try_table', [engine]);
    process.stdout.write(JSON.stringify({ node: process.version, rows }) + '\n');
    return;
  }
  if (opt.childKernels) {
    // Node 24 child for --node24: kernels on all three engines, one JSON line on stdout.
    const rows = await runKernels(compiler);
    process.stdout.write(JSON.stringify({ node: process.version, rows }) + '\n');
    return;
  }
  const results = {
    date: new Date().toISOString(), node: process.version, node24: null,
    rounds: ROUNDS, warmup: WARMUP, quick: opt.quick,
  };
  process.stdout.write(nodeWarning());
  results.clock = opt.cpu ? 'cpu' : 'wall';
  console.log(`wasm2es ${compiler.VERSION} benchmarks — Node ${process.version}, ${ROUNDS} interleaved rounds after ${WARM_CALLS} small + ${WARMUP} full warm-up calls per engine, median ms (${opt.cpu ? 'process CPU time' : 'wall time'})\n`);

  if (kernelConfig().some((k) => selected(k.name, k.group))) {
    results.kernels = await runKernels(compiler);
    if (results.kernels.length) console.log(kernelTables(results.kernels));
    if (opt.node24) {
      process.stderr.write('kernels on Node 24 (child) ...\n');
      const child = runKernelsChild();
      results.kernelsNode24 = child;
      if (child.error) console.log(`Node 24 kernels failed: ${child.error}\n`);
      else console.log(kernelTables(child.rows, ` — Node ${child.node}`));
    }
  }

  const simdOnly = opt.only?.filter((s) => s === 'simd' || s.startsWith('simd:')).map((s) => s.replace(/^simd:/, ''));
  if ((!opt.only || simdOnly.length) && !opt.skip.includes('simd')) {
    results.simd = runSimd(compiler, { rounds: ROUNDS, warmup: WARMUP, scale: SCALE, only: opt.only ? simdOnly : null });
    if (results.simd.length) {
      console.log('SIMD kernels (C, clang-19 -O2, built with and without -msimd128; median ms; "simd/scalar wasm2es" is the\n' +
        `SIMD build's time over the scalar build's, both through wasm2es: ${Object.keys(SIMD_KERNELS).length} kernels, bench/simd.mjs)\n` + simdTable(results.simd) + '\n');
    }
  }

  if (Object.values(EH_GROUP).some((g) => selected(g, 'eh'))) {
    process.stderr.write('exceptions: legacy (Node 20) ...\n');
    const legacy = await runEh(compiler, 'legacy', ['native', 'wasm2es']);
    process.stderr.write('exceptions: try_table, wasm2es on Node 20 ...\n');
    const tt20 = await runEh(compiler, 'try_table', ['wasm2es']);
    process.stderr.write('exceptions: try_table on Node 24 (child) ...\n');
    const childNative = runEhChild('native');
    const childEs = runEhChild('wasm2es');
    const child = { node: childNative.node ?? childEs.node, error: [childNative.error, childEs.error].filter(Boolean).join('; ') || undefined, rows: mergeChildRows(childNative.rows, childEs.rows) };
    // wasm2es's try_table rows on Node 20 have no native run beside them: check them against Node 24's.
    for (const r of tt20) {
      const ref = child.rows?.find((c) => c.id === r.id)?.native;
      if (ref?.status === 'ok' && r.wasm2es?.status === 'ok' && ref.result !== r.wasm2es.result) {
        r.errors.wasm2es = `checksum ${r.wasm2es.result} != native (Node 24) ${ref.result}`;
        r.wasm2es.status = 'FAIL';
      }
    }
    results.node24 = child.node ?? null;
    results.eh = { legacy, tryTableNode24: child.rows ?? [], tryTableNode20: tt20, node24Error: child.error,
      nothrowOverheadPct: { legacy: ehOverheads(legacy), tryTableNode24: ehOverheads(child.rows), tryTableNode20: ehOverheads(tt20) } };
    console.log(`Exceptions (M ops/s, higher is better; "time ratio" = wasm2es time / native time; N20 = ${process.version}, N24 = ${child.node ?? 'unavailable'})`);
    if (child.error) console.log(`  Node 24 child failed: ${child.error}`);
    console.log(ehTable(legacy, child.rows, tt20) + '\n');
  }

  if (!opt.noSqljs && selected('sqljs', 'sqljs')) {
    process.stderr.write('sql.js workload (child process) ...\n');
    const args = [join(BENCH_DIR, 'sqljs.mjs'), ...(opt.quick ? ['--rounds', '1', '--warmup', '1'] : [])];
    const r = spawnSync(process.execPath, args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'], maxBuffer: 1 << 26 });
    process.stdout.write(r.stdout);
    try {
      results.sqljs = JSON.parse(readFileSync(join(OUT_DIR, 'sqljs.json'), 'utf8'));
    } catch (e) {
      results.sqljs = { error: `sqljs.mjs exited ${r.status}; no sqljs.json` };
    }
  }

  const p = writeJson('results.json', results);
  console.log(`results written to ${p}`);
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
