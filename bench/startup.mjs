// Start-up of big real programs, native WebAssembly vs wasm2es/polyfill, end
// to end (issue 17's target: polyfill <= 4x native): a fresh process loads the
// program and serves its first request; measured from process start to that
// answer, in wall-clock and CPU time (CPU includes V8's background compiler
// and GC threads, so it can exceed wall time).
//
//   npm run build && node bench/startup.mjs [--rounds 3] [--programs esbuild,pglite,duckdb] [--polyfill-stack-size N]
//
// Programs (devDependencies): esbuild-wasm (initialize on the browser API, in
// this process, then one transform), PGlite (PGlite.create, which runs
// initdb, then SELECT 1), DuckDB-Wasm's exception-handling build
// (instantiate, connect, SELECT 42). native: Node 20's WebAssembly;
// polyfill: `node --noexpose-wasm` with wasm2es/polyfill installed (which
// compiles the whole module up front today). Both get --max-old-space-size=8192.
// --polyfill-stack-size N runs the polyfill processes with --stack-size=N: on
// the default stack esbuild's and PGlite's generated JS does not load today
// (issue 17), and this gives the time it would take. Rounds alternate which
// engine goes first; the table gives medians (and min-max with 2+ rounds).
// Writes bench/out/startup.json.
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { ROOT, fmt, median, nodeWarning, table, writeJson } from './lib.mjs';

const require = createRequire(import.meta.url);
const SELF = fileURLToPath(import.meta.url);
const MARK = '\u0000wasm2es-startup\u0000';
const argv = process.argv.slice(2);
const arg = (name, dflt) => { const i = argv.indexOf(name); return i >= 0 ? argv[i + 1] : dflt; };

const PROGRAMS = {
  esbuild: {
    wasm: () => require.resolve('esbuild-wasm/esbuild.wasm'),
    async start() {
      globalThis.self ??= globalThis;
      const esbuild = require('esbuild-wasm/lib/browser.js');
      const bytes = readFileSync(this.wasm());
      await esbuild.initialize({ wasmModule: new WebAssembly.Module(bytes), worker: false });
      return (await esbuild.transform('let x: number = 1', { loader: 'ts' })).code;
    },
  },
  pglite: {
    wasm: () => join(dirname(require.resolve('@electric-sql/pglite')), 'pglite.wasm'),
    async start() {
      const { PGlite } = await import(pathToFileURL(require.resolve('@electric-sql/pglite')).href);
      const db = await PGlite.create();
      return JSON.stringify((await db.query('SELECT 1 AS one')).rows);
    },
  },
  duckdb: {
    wasm: () => require.resolve('@duckdb/duckdb-wasm/dist/duckdb-eh.wasm'),
    async start() {
      const dist = dirname(this.wasm());
      const duckdb = require('@duckdb/duckdb-wasm/dist/duckdb-node-blocking.cjs');
      const bundles = {
        mvp: { mainModule: join(dist, 'duckdb-mvp.wasm'), mainWorker: join(dist, 'duckdb-node-mvp.worker.cjs') },
        eh: { mainModule: join(dist, 'duckdb-eh.wasm'), mainWorker: join(dist, 'duckdb-node-eh.worker.cjs') },
      };
      const db = await duckdb.createDuckDB(bundles, new duckdb.VoidLogger(), duckdb.NODE_RUNTIME);
      await db.instantiate(() => {});
      return JSON.stringify(db.connect().query('SELECT 42 AS answer').toArray().map((r) => r.toJSON()));
    },
  },
};

// Child: `startup.mjs --child <program> native|polyfill`.
if (argv[0] === '--child') {
  const [, name, engine] = argv;
  if (engine === 'polyfill') {
    if (typeof globalThis.WebAssembly !== 'undefined') throw new Error('the polyfill run needs --noexpose-wasm');
    globalThis.WebAssembly = (await import(pathToFileURL(join(ROOT, 'dist/polyfill/index.js')).href)).WebAssembly;
  }
  const answer = await PROGRAMS[name].start();
  const cpu = process.cpuUsage();
  // performance.now() counts from the process's time origin (its start).
  process.stdout.write(MARK + JSON.stringify({ wallMs: performance.now(), cpuMs: (cpu.user + cpu.system) / 1000,
    maxRssMb: process.resourceUsage().maxRSS / 1024, answer }) + '\n');
  process.exit(0);
}

const ROUNDS = Number(arg('--rounds', 3));
const NAMES = arg('--programs', 'esbuild,pglite,duckdb').split(',');
const STACK = arg('--polyfill-stack-size', null);

function run(name, engine) {
  const flags = ['--max-old-space-size=8192', ...(engine === 'polyfill' ? ['--noexpose-wasm', ...(STACK ? [`--stack-size=${STACK}`] : [])] : [])];
  const t0 = performance.now();
  const r = spawnSync(process.execPath, [...flags, SELF, '--child', name, engine], { encoding: 'utf8', maxBuffer: 1 << 26, timeout: 1800_000 });
  const processMs = performance.now() - t0;
  const at = (r.stdout || '').lastIndexOf(MARK);
  if (at < 0) {
    const err = (r.stderr || '').split('\n').filter((l) => /Error|error/.test(l)).slice(0, 2).join(' | ') || `exit ${r.status ?? r.signal}`;
    return { error: err.slice(0, 300), processMs };
  }
  return { ...JSON.parse(r.stdout.slice(at + MARK.length)), processMs };
}

const res = { node: process.version, rounds: ROUNDS, polyfillStackSize: STACK, programs: {} };
for (const name of NAMES) {
  if (!PROGRAMS[name]) throw new Error(`unknown program ${name}`);
  res.programs[name] = { wasmBytes: readFileSync(PROGRAMS[name].wasm()).length, native: [], polyfill: [] };
}
for (let round = 0; round < ROUNDS; round++) {
  for (const name of NAMES) {
    for (const engine of round % 2 ? ['polyfill', 'native'] : ['native', 'polyfill']) {
      const r = run(name, engine);
      res.programs[name][engine].push(r);
      process.stderr.write(`round ${round + 1}/${ROUNDS} ${name} ${engine}: ${r.error ? `FAILED ${r.error}` : `${fmt(r.wallMs / 1000, 2)} s wall, ${fmt(r.cpuMs / 1000, 2)} s CPU`}\n`);
    }
  }
}

const rows = [];
for (const name of NAMES) {
  const p = res.programs[name];
  const ok = (e) => p[e].filter((r) => !r.error);
  const cell = (e, key) => {
    const xs = ok(e).map((r) => r[key] / 1000);
    if (!xs.length) return 'FAIL';
    return `${fmt(median(xs), 2)}${xs.length > 1 ? ` (${fmt(Math.min(...xs), 1)}-${fmt(Math.max(...xs), 1)})` : ''}`;
  };
  const ratio = (key) => {
    const a = ok('polyfill').map((r) => r[key]);
    const b = ok('native').map((r) => r[key]);
    return a.length && b.length ? `${fmt(median(a) / median(b), 1)}x` : '-';
  };
  const rss = (e) => (ok(e).length ? fmt(median(ok(e).map((r) => r.maxRssMb)), 0) : '-');
  rows.push([name, fmt(p.wasmBytes / 1e6, 1), cell('native', 'wallMs'), cell('polyfill', 'wallMs'), ratio('wallMs'),
    cell('native', 'cpuMs'), cell('polyfill', 'cpuMs'), ratio('cpuMs'), rss('native'), rss('polyfill')]);
}
process.stdout.write(nodeWarning());
console.log(`Start-up to the first answer, fresh process each (Node ${process.version}; ${ROUNDS} round(s), medians${STACK ? `; polyfill runs with --stack-size=${STACK}` : ''}); seconds`);
console.log(table(['program', 'Wasm MB', 'native wall', 'polyfill wall', 'ratio', 'native CPU', 'polyfill CPU', 'ratio', 'native RSS MB', 'polyfill RSS MB'], rows));
for (const name of NAMES) {
  for (const e of ['native', 'polyfill']) {
    const failed = res.programs[name][e].filter((r) => r.error);
    if (failed.length) console.log(`  ${name} ${e}: ${failed.length} run(s) failed: ${failed[0].error}`);
  }
}
console.log('  issue 17 target: polyfill <= 4x native (moonshot 2x).');
console.log(`written ${writeJson('startup.json', res)}`);
