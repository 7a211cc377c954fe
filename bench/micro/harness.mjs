// Shared by the micro-benchmarks in bench/micro: WAT assembly (wabt), an
// interleaved timing loop with medians and spreads, result checks, and output.
//
// Every script measures hand-written JavaScript variants of one piece of
// compiled code against native WebAssembly of the same piece *in the same
// process*: each variant and native get warm-up calls, then R rounds call each
// once with the order rotating; a variant's figure is the median of its R
// times divided by native's median, and the spread is the lowest and highest
// per-round ratio (variant time / native time of the same round). Before any
// timing, every variant's result is compared with native's on several inputs:
// a variant that computes something else is reported as WRONG, not timed.
//
// Times are the process's CPU time (process.cpuUsage: user + system, all
// threads) by default, not wall time: on a machine with several times more
// runnable processes than cores, a call's wall time is mostly waiting for a
// core, by an amount that depends on whether the call fits in a time slice
// (a 3 ms native call measured 6 and 55 ns per iteration in alternate calls
// of one process). CPU time includes V8's background threads (concurrent
// compilation, GC), which the warm-up keeps out of the measured calls.
// --wall measures wall time instead.
import { createRequire } from 'node:module';
import { writeFileSync, mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const MICRO_DIR = dirname(fileURLToPath(import.meta.url));
const require = createRequire(import.meta.url);

export const args = process.argv.slice(2);
export const opt = {
  rounds: 7,
  quick: args.includes('--quick'),
  json: null,
  only: null,
  wall: args.includes('--wall'),
};
for (let i = 0; i < args.length; i++) {
  if (args[i] === '--rounds') opt.rounds = Number(args[++i]);
  else if (args[i] === '--json') opt.json = args[++i];
  else if (args[i] === '--only') opt.only = args[++i].split(',');
}
if (opt.quick) opt.rounds = Math.min(opt.rounds, 3);
/** Milliseconds now: CPU time of the process, or wall time with --wall. */
export const now = opt.wall ? () => performance.now() : () => { const u = process.cpuUsage(); return (u.user + u.system) / 1000; };
/** Work per timed call is multiplied by this (--quick halves it). */
export const SCALE = opt.quick ? 0.5 : 1;
/** Measured time per variant (ms) after which it skips the remaining rounds (at least 3 calls). */
const BUDGET_MS = 20000;

let wabt;
/** Assembles WAT text to a native WebAssembly module. */
export async function watModule(text) {
  wabt ??= await require('wabt')();
  const m = wabt.parseWat('micro.wat', text, { mutable_globals: true, sign_extension: true, bulk_memory: true });
  m.resolveNames();
  m.validate();
  const bytes = m.toBinary({}).buffer;
  m.destroy();
  return new WebAssembly.Module(bytes);
}
/** ... and instantiated: its exports. */
export async function wat(text, imports = {}) {
  return new WebAssembly.Instance(await watModule(text), imports).exports;
}

export function median(xs) {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

function same(a, b) {
  return Object.is(a, b) || (typeof a === 'bigint' && typeof b === 'bigint' && a === b);
}

const show = (v) => (typeof v === 'bigint' ? `${v}n` : String(v));

/**
 * Measures one test. `native` and each of `variants` ({ name, fn }) are
 * functions of the work size n returning a checksum; `checkNs` are the sizes
 * used for the result check; `n` is the timed size, `warmN` the size of the
 * medium warm-up calls and `tiny(i)` that of the 200 first ones. Returns { name, n, native: {median}, variants: [...] }.
 */
export function measure({ name, native, baseName = 'native', variants, n, warmN = Math.max(1, n >> 6), tiny = (i) => 1 + (i % 50), checkNs = [1, 2, 3, 17, 1000] }) {
  const res = { name, n, node: process.version, clock: opt.wall ? 'wall' : 'cpu', baseName, native: {}, variants: [] };
  const expect = checkNs.map((k) => native(k));
  const live = [];
  for (const v of variants) {
    const row = { name: v.name };
    res.variants.push(row);
    try {
      for (let i = 0; i < checkNs.length; i++) {
        const got = v.fn(checkNs[i]);
        if (!same(got, expect[i])) throw new Error(`n=${checkNs[i]}: ${show(got)}, native ${show(expect[i])}`);
      }
      live.push({ v, row });
    } catch (e) {
      row.error = `WRONG ${e.message}`;
    }
  }
  const engines = [{ fn: native, row: res.native }, ...live.map(({ v, row }) => ({ fn: v.fn, row }))];
  const N = Math.max(1, Math.round(n * SCALE));
  // Warm-up: 200 tiny calls first, so V8 optimizes each function as a whole
  // with feedback for all of it (a first call that is long gets its loop
  // optimized by on-stack replacement, and the code after the loop then
  // deoptimizes for want of feedback, call after call), then 5 medium calls
  // and one full one.
  for (const e of engines) {
    for (let i = 0; i < 200; i++) e.fn(tiny(i));
    for (let i = 0; i < 5; i++) e.fn(warmN);
    e.fn(N);
    e.ms = [];
  }
  for (let r = 0; r < opt.rounds; r++) {
    for (let k = 0; k < engines.length; k++) {
      const e = engines[(r + k) % engines.length];
      // A variant tens of times slower than native sits out once it has used its budget.
      if (e.ms.length >= 3 && e.ms.reduce((a, b) => a + b, 0) > BUDGET_MS) continue;
      const t0 = now();
      e.fn(N);
      e.ms.push(now() - t0);
    }
  }
  const nat = engines[0].ms;
  res.native.median = median(nat);
  res.native.min = Math.min(...nat);
  res.native.nsPerIter = (res.native.median * 1e6) / N;
  for (const e of engines.slice(1)) {
    const ratios = e.ms.map((ms, r) => ms / nat[r]);
    e.row.median = median(e.ms);
    e.row.ratio = e.row.median / res.native.median;
    // min/min: the least disturbed call of each (the machine is shared: a call
    // of a few ms can lose a whole time slice to another process).
    e.row.minRatio = Math.min(...e.ms) / res.native.min;
    e.row.lo = Math.min(...ratios);
    e.row.hi = Math.max(...ratios);
    e.row.calls = e.ms.length;
    e.row.nsPerIter = (e.row.median * 1e6) / N;
  }
  res.n = N;
  return res;
}

export function selected(name) {
  return !opt.only || opt.only.some((o) => name.includes(o));
}

const fmt = (x, d = 2) => (x === undefined || Number.isNaN(x) ? '-' : x.toFixed(d));

/** Prints one result as rows "variant  ratio  [lo-hi]  ns/iter". */
export function print(res) {
  const base = res.baseName ?? 'native';
  const lines = [`${res.name} (n=${res.n}, ${res.node}, ${res.clock} time): ${base} ${fmt(res.native.median, 1)} ms, ${fmt(res.native.nsPerIter)} ns/iter`,
    `  ratio = median time / ${base} median [lowest–highest per-round ratio], min/min, ns per iteration`];
  const w = Math.max(...res.variants.map((v) => v.name.length));
  for (const v of res.variants) {
    if (v.error) lines.push(`  ${v.name.padEnd(w)}  ${v.error}`);
    else {
      lines.push(`  ${v.name.padEnd(w)}  ${fmt(v.ratio).padStart(7)}x  [${fmt(v.lo)}–${fmt(v.hi)}]  ${fmt(v.minRatio).padStart(6)}x  ${fmt(v.nsPerIter).padStart(8)} ns/iter` +
        (v.calls < opt.rounds ? `  (${v.calls} calls: over budget)` : ''));
    }
  }
  console.log(lines.join('\n'));
}

/** Writes all results of a script as JSON (for run.mjs) when --json FILE was given. */
export function save(script, results) {
  if (!opt.json) return;
  mkdirSync(dirname(opt.json), { recursive: true });
  writeFileSync(opt.json, JSON.stringify({ script, node: process.version, rounds: opt.rounds, results }, null, 1) + '\n');
}

export const OUT = join(MICRO_DIR, '..', 'out', 'micro');
