// The `simd` group of `npm run bench` (bench/run.mjs): C kernels of bench/simd/,
// each built twice by bench/simd/build.sh (NAME.wasm without SIMD, NAME_simd.wasm
// with -msimd128: wasm_simd128.h intrinsics or clang's auto-vectorizer), run on
// native WebAssembly and through wasm2es, all four interleaved in one
// measurement. The row that matters is "simd/scalar (wasm2es)": what a user of
// wasm2es gets from the SIMD build against the scalar build they could ship
// instead (issue 20 asks for at most 1.5x). Each build's checksum must equal
// native's for the same build (the two builds may differ from each other:
// vector reductions sum in another order).
//
//   node bench/simd.mjs [--quick] [--rounds N] [--only name[,name...]]
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { BENCH_DIR, fmt, instantiateNative, instantiateWasm2es, median, sameValue, table } from './lib.mjs';

/** Kernels: n per call (full size) and a small n for the warm-up calls. */
export const SIMD_KERNELS = {
  dot: { n: 3000, warm: 2, what: 'f32 dot product (intrinsics)' },
  saxpy: { n: 2000, warm: 2, what: 'f32 saxpy + stencil (auto-vectorized)' },
  mix: { n: 3000, warm: 2, what: 'i16 Q15 audio mix, saturating (auto-vectorized)' },
  blur: { n: 60, warm: 1, what: 'u8 3x3 blur (auto-vectorized)' },
};

const ENGINES = ['native scalar', 'native simd', 'wasm2es scalar', 'wasm2es simd'];

/**
 * Measures every kernel with the four engines, interleaved: `warmCalls` small
 * calls and `warmup` full calls each, then `rounds` rounds calling every engine
 * once, the starting engine rotating. Returns one row per kernel.
 */
export function runSimd(compiler, { rounds = 7, warmup = 2, warmCalls = 50, scale = 1, only = null } = {}) {
  const rows = [];
  for (const [name, k] of Object.entries(SIMD_KERNELS)) {
    if (only && !only.includes(name) && !only.includes('simd')) continue;
    const n = Math.max(1, Math.round(k.n * scale));
    const row = { name, what: k.what, n, errors: {}, engines: {} };
    const fns = {};
    for (const build of ['scalar', 'simd']) {
      const bytes = readFileSync(join(BENCH_DIR, 'simd', build === 'simd' ? `${name}_simd.wasm` : `${name}.wasm`));
      row[`${build}Bytes`] = bytes.length;
      const nat = instantiateNative(bytes);
      fns[`native ${build}`] = nat.run;
      try {
        fns[`wasm2es ${build}`] = instantiateWasm2es(compiler, bytes, {}, `${name}_${build}.wasm`).exports.run;
      } catch (e) {
        row.errors[`wasm2es ${build}`] = `compile/instantiate: ${e.message}`;
      }
    }
    const live = ENGINES.filter((e) => fns[e]);
    const res = {};
    for (const e of live) {
      res[e] = { ms: [], result: undefined };
      try {
        for (let i = 0; i < warmCalls; i++) fns[e](k.warm);
        for (let i = 0; i < warmup; i++) res[e].result = fns[e](n);
      } catch (err) {
        row.errors[e] = String(err?.message ?? err);
      }
    }
    const ok = live.filter((e) => !row.errors[e]);
    process.stderr.write(`simd kernel ${name} (n=${n}) ...\n`);
    for (let r = 0; r < rounds; r++) {
      for (let j = 0; j < ok.length; j++) {
        const e = ok[(r + j) % ok.length];
        const t0 = performance.now();
        const v = fns[e](n);
        res[e].ms.push(performance.now() - t0);
        if (!sameValue(v, res[e].result)) row.errors[e] = `result changed between calls: ${v} vs ${res[e].result}`;
      }
    }
    for (const e of live) {
      const r = res[e];
      row.engines[e] = { median: r.ms.length ? median(r.ms) : undefined, ms: r.ms, result: r.result };
    }
    for (const build of ['scalar', 'simd']) {
      const nat = row.engines[`native ${build}`], es = row.engines[`wasm2es ${build}`];
      if (es && !row.errors[`wasm2es ${build}`] && !sameValue(es.result, nat.result)) {
        row.errors[`wasm2es ${build}`] = `checksum ${es.result} != native ${nat.result}`;
      }
    }
    const med = (e) => (row.errors[e] ? undefined : row.engines[e]?.median);
    const q = (a, b) => (med(a) !== undefined && med(b) !== undefined ? med(a) / med(b) : undefined);
    row.ratios = {
      simdOverScalarWasm2es: q('wasm2es simd', 'wasm2es scalar'),
      simdOverScalarNative: q('native simd', 'native scalar'),
      scalarWasm2esOverNative: q('wasm2es scalar', 'native scalar'),
      simdWasm2esOverNative: q('wasm2es simd', 'native simd'),
    };
    // Per-round ratios (each round's engines run back to back): their spread shows the noise.
    const paired = (a, b) => row.engines[a]?.ms.map((x, i) => x / row.engines[b].ms[i]).sort((x, y) => x - y);
    const pr = !row.errors['wasm2es simd'] && !row.errors['wasm2es scalar'] ? paired('wasm2es simd', 'wasm2es scalar') : undefined;
    if (pr?.length) row.ratios.simdOverScalarWasm2esRange = [pr[0], pr[pr.length - 1]];
    rows.push(row);
  }
  return rows;
}

export function simdTable(rows) {
  const ms = (r, e) => (r.errors[e] ? 'FAIL' : fmt(r.engines[e]?.median));
  const x = (v) => (v === undefined ? '-' : fmt(v, 2) + 'x');
  const body = rows.map((r) => [
    r.name, String(r.n), ms(r, 'native scalar'), ms(r, 'native simd'), ms(r, 'wasm2es scalar'), ms(r, 'wasm2es simd'),
    x(r.ratios.simdOverScalarWasm2es) + (r.ratios.simdOverScalarWasm2esRange ? ` (${r.ratios.simdOverScalarWasm2esRange.map((v) => fmt(v, 2)).join('-')})` : ''),
    x(r.ratios.simdOverScalarNative), x(r.ratios.scalarWasm2esOverNative), x(r.ratios.simdWasm2esOverNative),
  ]);
  const all = rows.every((r) => r.ratios.simdOverScalarWasm2es !== undefined);
  if (rows.length > 1 && all) {
    const geo = (f) => Math.exp(rows.reduce((a, r) => a + Math.log(f(r)), 0) / rows.length);
    body.push(['geomean', '', '', '', '', '', x(geo((r) => r.ratios.simdOverScalarWasm2es)), x(geo((r) => r.ratios.simdOverScalarNative)),
      x(geo((r) => r.ratios.scalarWasm2esOverNative)), x(geo((r) => r.ratios.simdWasm2esOverNative))]);
  }
  const t = table(
    ['kernel', 'n', 'native scalar ms', 'native simd ms', 'wasm2es scalar ms', 'wasm2es simd ms',
      'simd/scalar wasm2es (per-round range)', 'simd/scalar native', 'wasm2es/native scalar', 'wasm2es/native simd'],
    body,
  );
  const notes = rows.flatMap((r) => Object.entries(r.errors).map(([e, m]) => `  ${r.name} / ${e}: ${m}`));
  return t + (notes.length ? '\n' + notes.join('\n') : '');
}

// Standalone: node bench/simd.mjs
if (import.meta.url === pathToFileURL(process.argv[1]).href) {
  const argv = process.argv.slice(2);
  const quick = argv.includes('--quick');
  const at = (f) => (argv.includes(f) ? argv[argv.indexOf(f) + 1] : undefined);
  const { loadCompiler } = await import('./lib.mjs');
  const compiler = await loadCompiler();
  const rows = runSimd(compiler, {
    rounds: Number(at('--rounds') ?? (quick ? 3 : 7)), warmup: quick ? 1 : 2, scale: quick ? 0.5 : 1,
    only: at('--only')?.split(','),
  });
  console.log('SIMD kernels (C, clang-19 -O2, with and without -msimd128; median ms)\n' + simdTable(rows));
  if (rows.some((r) => Object.keys(r.errors).length)) process.exitCode = 1;
}
