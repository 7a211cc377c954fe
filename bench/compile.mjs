// `npm run bench:compile`: compile time, peak memory and output size (raw and
// gzipped) of wasm2es and of binaryen's wasm2js -O2 on sql.js's wasm and a
// synthetic ~10 MB module. Every compile runs in its own child process (peak
// RSS via /usr/bin/time -v when present, else the child's
// process.resourceUsage().maxRSS). Writes bench/out/compile.json.
//
// wasm2js cannot compile sql.js's wasm as shipped (it aborts on the saturating
// float-to-int instructions), so when it fails it is run a second time on the
// module after binaryen's own `--llvm-nontrapping-fptoint-lowering` pass
// (row "wasm2js (fptoint lowered)"): that is how issue 5's anchor (5.67 MB,
// 702 KB gzipped) was obtained. Sizes are given gzipped at zlib's default level
// and at level 9 (gzip -9), since anchors are quoted at either.
//
// Time is given as the compile call's wall time in the child (wasm2es) or the
// whole process's (wasm2js), and as CPU time (user + system, every thread of
// the process, from /usr/bin/time; for wasm2es also the compile call's own):
// on a shared machine the wall time mostly measures the other work.
//
// --real adds big real modules (issue 17): esbuild-wasm's esbuild.wasm (Go,
// 13 MB), PGlite's pglite.wasm (Postgres, 9 MB) and DuckDB-Wasm's
// duckdb-eh.wasm (C++ with Wasm exceptions, 33 MB), all devDependencies;
// --inputs picks by name (sqljs, synthetic, esbuild, pglite, duckdb). The
// compile children of those get --max-old-space-size=8192. The last column
// compares wasm2es's gzipped output with wasm2js's, where wasm2js compiled it.
// Their start-up on the polyfill: bench/startup.mjs. --add measures more
// modules (e.g. lightningcss-wasm's); --no-default skips the default inputs.
// WASM2ES_DIST=dir measures another build of the compiler than dist/.
//
//   node bench/compile.mjs [--mb 10] [--only wasm2es|wasm2js] [--timeout 600]
//                          [--real] [--inputs a,b] [--add file.wasm]... [--no-default]
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { basename, dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { gzipSync } from 'node:zlib';
import { BENCH_DIR, WASM_OPT, ensureOut, fmt, table, writeJson, runWasm2js, nodeWarning } from './lib.mjs';
import { makeSynthetic } from './synthetic.mjs';

const require = createRequire(import.meta.url);
const argv = process.argv.slice(2);
const arg = (name, dflt) => { const i = argv.indexOf(name); return i >= 0 ? argv[i + 1] : dflt; };
const TIME = existsSync('/usr/bin/time') ? '/usr/bin/time' : null;

// Child mode: `compile.mjs --child-wasm2es in.wasm out.js` compiles once and
// prints { ms, maxRssKb } as JSON.
if (argv[0] === '--child-wasm2es') {
  const dist = process.env.WASM2ES_DIST ? resolve(process.env.WASM2ES_DIST) : join(BENCH_DIR, '..', 'dist');
  const { compile } = await import(pathToFileURL(join(dist, 'index.js')).href);
  const bytes = readFileSync(argv[1]);
  const t0 = performance.now();
  const c0 = process.cpuUsage();
  const { js } = compile(bytes, { filename: argv[1].split('/').pop() });
  const ms = performance.now() - t0;
  const cpu = process.cpuUsage(c0);
  writeFileSync(argv[2], js);
  console.log(JSON.stringify({ ms, cpuMs: (cpu.user + cpu.system) / 1000, maxRssKb: process.resourceUsage().maxRSS }));
  process.exit(0);
}
if (argv[0] === '--child-wasm2js') {
  const t0 = performance.now();
  try {
    // The deadline is kept here: a parent's timeout would kill only this
    // process (or /usr/bin/time), leaving wasm2js running.
    runWasm2js(argv[1], argv[2], [], Number(process.env.WASM2ES_BENCH_TIMEOUT_S || 0) * 1000);
  } catch (e) {
    console.log(JSON.stringify({ error: e.message }));
    process.exit(0);
  }
  console.log(JSON.stringify({ ms: performance.now() - t0 }));
  process.exit(0);
}

const TIMEOUT_S = Number(arg('--timeout', 600));

/** Runs `cmd args` (under /usr/bin/time -v if present); returns { wallMs, maxRssKb, stdout, status, stderr }. */
function runMeasured(cmd, args) {
  const full = TIME ? [TIME, ['-v', cmd, ...args]] : [cmd, args];
  const t0 = performance.now();
  const r = spawnSync(full[0], full[1], { encoding: 'utf8', maxBuffer: 1 << 26, timeout: (TIMEOUT_S + 60) * 1000,
    env: { ...process.env, WASM2ES_BENCH_TIMEOUT_S: String(TIMEOUT_S) } });
  const wallMs = performance.now() - t0;
  const m = /Maximum resident set size \(kbytes\): (\d+)/.exec(r.stderr || '');
  const user = /User time \(seconds\): ([\d.]+)/.exec(r.stderr || '');
  const sys = /System time \(seconds\): ([\d.]+)/.exec(r.stderr || '');
  const cpuMs = user && sys ? (Number(user[1]) + Number(sys[1])) * 1000 : undefined;
  return { wallMs, cpuMs, maxRssKb: m ? Number(m[1]) : undefined, stdout: r.stdout || '', stderr: r.stderr || '', status: r.status, signal: r.signal };
}

function sizes(file) {
  const b = readFileSync(file);
  return { raw: b.length, gzip: gzipSync(b).length, gzip9: gzipSync(b, { level: 9 }).length };
}

function measureTool(tool, wasm, outJs, nodeArgs = []) {
  const script = fileURLToPath(import.meta.url);
  const r = runMeasured(process.execPath, [...nodeArgs, script, `--child-${tool}`, wasm, outJs]);
  const res = { tool, wallMs: r.wallMs, processCpuMs: r.cpuMs, maxRssKb: r.maxRssKb };
  let child = null;
  try { child = JSON.parse(r.stdout.trim().split('\n').pop()); } catch { /* reported below */ }
  if (r.signal || r.status !== 0 || !child) {
    const tail = (r.stderr || '').split('\n').filter((l) => l && !/^\s+(Command being timed|User time|System time|Percent|Elapsed|Average|Maximum|Major|Minor|Voluntary|Involuntary|Swaps|File system|Socket|Signals|Page size|Exit status)/.test(l)).slice(-4).join(' | ');
    res.error = r.signal ? `killed by ${r.signal}${r.signal === 'SIGTERM' ? ` (timeout ${TIMEOUT_S}s)` : ''}` : `exit ${r.status}: ${tail}`;
    return res;
  }
  if (child.error) { res.error = child.error; return res; }
  res.compileMs = child.ms;
  res.compileCpuMs = child.cpuMs;
  if (!res.maxRssKb && child.maxRssKb) res.maxRssKb = child.maxRssKb;
  // wasm2js runs as its own process under our child: /usr/bin/time -v reports the
  // largest peak RSS among the child and the processes it waited for.
  res.out = sizes(outJs);
  return res;
}

async function main() {
  const dir = ensureOut('compile');
  const mb = Number(arg('--mb', 10));
  const only = arg('--only', null);
  const synth = join(dir, 'synthetic.wasm');
  const BIG = ['--max-old-space-size=8192'];
  const known = {
    sqljs: () => ({ name: 'sql-wasm.wasm', path: require.resolve('sql.js/dist/sql-wasm.wasm') }),
    synthetic: () => ({ name: `synthetic (${mb} MiB target)`, path: synth }),
    esbuild: () => ({ name: 'esbuild.wasm (esbuild-wasm)', path: require.resolve('esbuild-wasm/esbuild.wasm'), nodeArgs: BIG }),
    pglite: () => ({ name: 'pglite.wasm (PGlite)', path: join(dirname(require.resolve('@electric-sql/pglite')), 'pglite.wasm'), nodeArgs: BIG }),
    duckdb: () => ({ name: 'duckdb-eh.wasm (DuckDB-Wasm)', path: require.resolve('@duckdb/duckdb-wasm/dist/duckdb-eh.wasm'), nodeArgs: BIG }),
  };
  const defaults = argv.includes('--no-default') ? [] : ['sqljs', 'synthetic', ...(argv.includes('--real') ? ['esbuild', 'pglite', 'duckdb'] : [])];
  const names = arg('--inputs', null)?.split(',') ?? defaults;
  for (const n of names) if (!known[n]) throw new Error(`unknown input ${n} (known: ${Object.keys(known).join(', ')})`);
  if (names.includes('synthetic')) writeFileSync(synth, makeSynthetic({ targetBytes: Math.round(mb * 1024 * 1024) }));
  const inputs = names.map((n) => known[n]());
  argv.forEach((a, i) => {
    if (a === '--add') inputs.push({ name: basename(argv[i + 1]), path: resolve(argv[i + 1]), nodeArgs: BIG });
  });
  const results = { node: process.version, time: TIME ? '/usr/bin/time -v (max RSS of the largest process)' : 'process.resourceUsage', inputs: [] };
  for (const inp of inputs) {
    const entry = { name: inp.name, in: sizes(inp.path), tools: [] };
    for (const tool of ['wasm2es', 'wasm2js']) {
      if (only && only !== tool) continue;
      process.stderr.write(`compile ${inp.name} with ${tool} ...\n`);
      const out = join(dir, `${inp.name.split(' ')[0].replace(/\W+/g, '_')}.${tool}.js`);
      const res = measureTool(tool, inp.path, out, inp.nodeArgs);
      entry.tools.push(res);
      if (tool === 'wasm2js' && res.error) {
        const lowered = join(dir, `${inp.name.split(' ')[0].replace(/\W+/g, '_')}.fptoint-lowered.wasm`);
        const r = spawnSync(WASM_OPT, [inp.path, '--enable-nontrapping-float-to-int', '--enable-bulk-memory', '--enable-sign-ext',
          '--enable-mutable-globals', '--llvm-nontrapping-fptoint-lowering', '-o', lowered], { encoding: 'utf8' });
        if (r.status === 0) {
          process.stderr.write(`compile ${inp.name} with wasm2js after --llvm-nontrapping-fptoint-lowering ...\n`);
          entry.tools.push({ ...measureTool(tool, lowered, out), tool: 'wasm2js (fptoint lowered)' });
        }
      }
    }
    results.inputs.push(entry);
  }
  const rows = [];
  for (const e of results.inputs) {
    // wasm2js's gzipped size, from whichever of its rows compiled.
    const w2j = e.tools.find((t) => t.tool.startsWith('wasm2js') && t.out)?.out.gzip;
    for (const t of e.tools) {
      rows.push([e.name, `${(e.in.raw / 1024).toFixed(0)} / ${(e.in.gzip / 1024).toFixed(0)}`, t.tool,
        t.error ? 'FAIL' : fmt(t.compileMs ?? t.wallMs, 0), t.compileCpuMs === undefined ? '-' : fmt(t.compileCpuMs, 0),
        t.processCpuMs === undefined ? '-' : fmt(t.processCpuMs, 0), fmt(t.wallMs, 0),
        t.maxRssKb ? fmt(t.maxRssKb / 1024, 0) : '-',
        t.out ? (t.out.raw / 1024).toFixed(0) : '-', t.out ? (t.out.gzip / 1024).toFixed(0) : '-', t.out ? (t.out.gzip9 / 1024).toFixed(0) : '-',
        t.out ? fmt(t.out.raw / e.in.raw, 2) + 'x' : '-', t.out ? fmt(t.out.gzip / e.in.gzip, 2) + 'x' : '-',
        t.out && w2j ? fmt(t.out.gzip / w2j, 2) + 'x' : '-']);
    }
  }
  process.stdout.write(nodeWarning());
  console.log(`Compile benchmark (Node ${process.version}; one child process per compile; peak RSS: ${results.time}; gz = zlib default level, gz9 = level 9)`);
  console.log(table(['input', 'in KiB raw/gz', 'tool', 'compile ms', 'compile cpu ms', 'process cpu ms', 'wall ms', 'peak RSS MiB', 'out KiB', 'out gz KiB', 'out gz9 KiB', 'raw vs wasm', 'gz vs wasm gz', 'gz vs wasm2js gz'], rows));
  for (const e of results.inputs) for (const t of e.tools) if (t.error) console.log(`  ${e.name} / ${t.tool}: ${t.error}`);
  if (results.inputs.some((e) => e.in.raw > 4e6)) console.log('  issue 17 targets: a 13 MB module compiles in <= 10 s; output <= 5x the Wasm size; gzip <= wasm2js\'s.');
  console.log('  compile ms: wasm2es = compile() call inside the child; wasm2js = its whole process (including binaryen start-up). wall ms = the child process, start to exit.');
  console.log('  compile cpu ms: user + system time of the compile() call (all threads: GC helpers, V8 compiling the compiler); process cpu ms: of the whole child (from /usr/bin/time).');
  console.log(`written ${writeJson('compile.json', results)}`);
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
