// Prints the results of bench/micro/run.mjs (bench/out/micro/<script>-node20.json
// and -node24.json) as Markdown tables, one per test: each variant's time / native
// time on Node 20 and Node 24 (median of the rounds; the fastest calls' ratio in
// brackets). `--wide SCRIPT` instead prints one row per test and one column
// per variant (for ops.mjs).
//
//   node bench/micro/report.mjs [ops,shapes,kernels,f32,growth] [--wide]
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { OUT } from './harness.mjs';

const argv = process.argv.slice(2);
const scripts = argv[0] && !argv[0].startsWith('--') ? argv[0].split(',') : ['ops', 'shapes', 'kernels', 'f32', 'growth'];
const load = (s, v) => { const f = join(OUT, `${s}-node${v}.json`); return existsSync(f) ? JSON.parse(readFileSync(f, 'utf8')) : null; };
const f2 = (x) => (x === undefined ? '–' : x >= 100 ? x.toFixed(0) : x >= 10 ? x.toFixed(1) : x.toFixed(2));
const cell = (v) => (!v ? '–' : v.error ? 'wrong' : `${f2(v.ratio)} (${f2(v.minRatio)})`);

for (const s of scripts) {
  const a = load(s, 20), b = load(s, 24);
  if (!a && !b) continue;
  const base = a ?? b;
  console.log(`\n### ${s} (${base.results[0]?.clock ?? 'cpu'} time, ${base.rounds} rounds)\n`);
  if (argv.includes('--wide')) {
    const names = [...new Set(base.results.flatMap((r) => r.variants.map((v) => v.name)))];
    console.log(`| test | native ns/iter N20 / N24 | ${names.map((n) => `${n} N20 | N24`).join(' | ')} |`);
    console.log(`|---|---:|${names.map(() => '---:|---:').join('|')}|`);
    for (const r of base.results) {
      const o = b?.results.find((x) => x.name === r.name);
      const row = names.map((n) => `${cell(a?.results.find((x) => x.name === r.name)?.variants.find((v) => v.name === n))} | ${cell(o?.variants.find((v) => v.name === n))}`);
      console.log(`| ${r.name.split(':')[0]} | ${f2(a?.results.find((x) => x.name === r.name)?.native.nsPerIter)} / ${f2(o?.native.nsPerIter)} | ${row.join(' | ')} |`);
    }
    continue;
  }
  for (const r of base.results) {
    const ra = a?.results.find((x) => x.name === r.name), rb = b?.results.find((x) => x.name === r.name);
    console.log(`${r.name} — ${r.baseName ?? 'native'}: N20 ${f2(ra?.native.nsPerIter)}, N24 ${f2(rb?.native.nsPerIter)} ns/iter\n`);
    console.log('| variant | Node 20 | Node 24 |');
    console.log('|---|---:|---:|');
    for (const v of r.variants) console.log(`| ${v.name} | ${cell(ra?.variants.find((x) => x.name === v.name))} | ${cell(rb?.variants.find((x) => x.name === v.name))} |`);
    console.log('');
  }
}
