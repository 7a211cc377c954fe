// Decode + validate time (compile.ts's validateBinary, what WebAssembly.validate
// runs) on sql.js's wasm and the synthetic ~10 MB module, for one or more
// builds of dist/ side by side: to check that a change to the decoder or the
// validator does not slow it down, build the old tree into another directory
// and pass both. Each round runs one child process per build, the order
// rotating between rounds (the machine is shared and noisy: interleaving puts
// both builds under the same load). A child times one cold call, then `--warm`
// calls after two unmeasured ones, each in wall time and in the process's CPU
// time; the table gives the medians over all rounds (the warm ones over every
// call), the min..max of the per-child warm medians, and each build's ratio to
// the first build.
//
//   node bench/validate.mjs [--rounds 7] [--warm 5] [--mb 10] [dist dirs...]   (default: dist)
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { pathToFileURL, fileURLToPath } from 'node:url';
import { ROOT, ensureOut, fmt, median, table } from './lib.mjs';
import { makeSynthetic } from './synthetic.mjs';

const argv = process.argv.slice(2);

// Child mode: `validate.mjs --child <dist> <wasm> <warm>` prints { cold, warm: [ms...] }.
if (argv[0] === '--child') {
  const { validateBinary } = await import(pathToFileURL(join(argv[1], 'compile.js')).href);
  const bytes = new Uint8Array(readFileSync(argv[2]));
  // Wall time, and the process's CPU time (user + system, all threads: less
  // sensitive to other processes on a shared machine than wall time).
  const time = () => {
    const c0 = process.cpuUsage();
    const t0 = performance.now();
    validateBinary(bytes);
    const wall = performance.now() - t0;
    const c = process.cpuUsage(c0);
    return [wall, (c.user + c.system) / 1000];
  };
  const [cold, coldCpu] = time();
  time();
  time();
  const warm = [];
  const warmCpu = [];
  for (let i = 0; i < Number(argv[3]); i++) {
    const [w, c] = time();
    warm.push(w);
    warmCpu.push(c);
  }
  console.log(JSON.stringify({ cold, coldCpu, warm, warmCpu }));
  process.exit(0);
}

const flags = new Map();
const dists = [];
for (let i = 0; i < argv.length; i++) {
  if (argv[i].startsWith('--')) flags.set(argv[i], argv[++i]);
  else dists.push(resolve(argv[i]));
}
if (dists.length === 0) dists.push(join(ROOT, 'dist'));
for (const d of dists) {
  if (!existsSync(join(d, 'compile.js'))) throw new Error(`${d}/compile.js not found (npm run build first)`);
}
const rounds = Number(flags.get('--rounds') ?? 7);
const warm = Number(flags.get('--warm') ?? 5);
const mb = Number(flags.get('--mb') ?? 10);

const out = ensureOut();
const synthetic = join(out, `synthetic-${mb}mb.wasm`);
if (!existsSync(synthetic)) writeFileSync(synthetic, makeSynthetic({ targetBytes: mb * 1024 * 1024 }));
const modules = [
  ['sql.js', join(ROOT, 'node_modules/sql.js/dist/sql-wasm.wasm')],
  [`synthetic ${mb} MB`, synthetic],
];

const script = fileURLToPath(import.meta.url);
const rows = [];
const results = {};
for (const [name, file] of modules) {
  const runs = dists.map(() => ({ cold: [], coldCpu: [], warm: [], warmCpu: [], childMedians: [] }));
  for (let r = 0; r < rounds; r++) {
    for (let k = 0; k < dists.length; k++) {
      const d = (k + r) % dists.length;
      const c = spawnSync(process.execPath, [script, '--child', dists[d], file, String(warm)], { encoding: 'utf8', maxBuffer: 1 << 24 });
      if (c.status !== 0) throw new Error(`child failed on ${dists[d]} ${name}: ${c.stderr}`);
      const res = JSON.parse(c.stdout.trim().split('\n').pop());
      runs[d].cold.push(res.cold);
      runs[d].coldCpu.push(res.coldCpu);
      runs[d].warm.push(...res.warm);
      runs[d].warmCpu.push(...res.warmCpu);
      runs[d].childMedians.push(median(res.warm));
    }
  }
  results[name] = dists.map((d, i) => ({ dist: d, ...runs[i] }));
  const cols = ['warm', 'warmCpu', 'cold', 'coldCpu'];
  const base = cols.map((k) => median(runs[0][k]));
  dists.forEach((d, i) => {
    const cells = cols.flatMap((k, j) => {
      const x = median(runs[i][k]);
      return [fmt(x), fmt(x / base[j], 3)];
    });
    const spread = `${fmt(Math.min(...runs[i].childMedians))}..${fmt(Math.max(...runs[i].childMedians))}`;
    rows.push([name, d.replace(ROOT + '/', ''), cells[0], spread, ...cells.slice(1)]);
  });
}
console.log(`decode + validate (validateBinary), ${rounds} rounds x ${warm} warm calls; ms`);
console.log(table(['module', 'build', 'warm', 'child medians', 'ratio', 'warm cpu', 'ratio', 'cold', 'ratio', 'cold cpu', 'ratio'], rows));
writeFileSync(join(out, 'validate.json'), JSON.stringify(results, null, 1));
