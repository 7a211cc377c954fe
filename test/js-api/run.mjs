// The WebAssembly specification's JS-API tests (testharness.js, `*.any.js`) run
// in Node against wasm2es's polyfill with the native engine hidden, or against
// the native engine itself (--native), to check the runner.
//
//   node --noexpose-wasm test/js-api/run.mjs [--native] [--verbose] [--jobs N]
//        [--with-limits] [--node-flag F]... [folder...]
//
// Tests come from ../shared/js-api (or $WASM2ES_JS_API); without them this
// prints a message and exits 0. Each test file runs in its own child process
// (its scripts share one global scope, as in a browser page, and a crash or a
// hang stays contained). Prints `passed/total` per folder; with --verbose, every
// failure with its message. Exit code 1 if exception/ or tag/ has a failure or
// a harness error: those two must pass completely.
import { spawn } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import vm from 'node:vm';

const here = dirname(fileURLToPath(import.meta.url));
const root = resolve(here, '../..');
const suite = resolve(process.env.WASM2ES_JS_API ?? join(root, '../shared/js-api'));
const REQUIRED = ['exception', 'tag'];
const FILE_TIMEOUT_MS = 300_000;
// Builds modules at the engines' implementation limits (a million imports,
// exports, functions ...): over three minutes natively on this machine. Run
// only on request.
const SLOW = ['limits.any.js'];

// testharness.js status codes.
const STATUS = ['PASS', 'FAIL', 'TIMEOUT', 'NOTRUN', 'PRECONDITION_FAILED'];
const HARNESS = ['OK', 'ERROR', 'TIMEOUT', 'PRECONDITION_FAILED'];
const MARK = '\u0000wasm2es-js-api-result\u0000';

const args = process.argv.slice(2);
if (args[0] === '--child') await child(args[1], args.includes('--native'));
else await parent();

async function parent() {
  const native = args.includes('--native');
  const verbose = args.includes('--verbose') || args.includes('-v');
  const ji = args.indexOf('--jobs');
  const jobs = ji >= 0 ? Math.max(1, Number(args[ji + 1]) || 1) : 1;
  // --node-flag F (repeatable) passes F to the children, e.g. to check the runner
  // on a newer engine: --native --node-flag --experimental-wasm-exnref.
  const nodeFlags = args.flatMap((a, i) => (a === '--node-flag' && args[i + 1] ? [args[i + 1]] : []));
  const valueAt = new Set(args.flatMap((a, i) => (a === '--jobs' || a === '--node-flag' ? [i + 1] : [])));
  const only = args.filter((a, i) => !a.startsWith('-') && !valueAt.has(i));

  if (!existsSync(join(suite, 'tests')) || !existsSync(join(suite, 'harness', 'testharness.js'))) {
    console.log(`js-api: no JS-API tests at ${suite}; skipped.`);
    return;
  }
  if (!native && !existsSync(join(root, 'dist/polyfill/index.js'))) {
    console.error('js-api: dist/polyfill/index.js is missing: run `npm run build` first.');
    process.exit(2);
  }
  const withLimits = args.includes('--with-limits');
  const chosen = testFiles(join(suite, 'tests')).filter((f) => only.length === 0 || only.includes(folderOf(f)));
  const files = chosen.filter((f) => withLimits || !SLOW.includes(relative(join(suite, 'tests'), f)));
  if (files.length < chosen.length) console.log(`js-api: skipping ${SLOW.join(', ')} (engine size limits: minutes even natively; --with-limits runs it)`);
  const t0 = performance.now();
  const results = new Array(files.length);
  let next = 0;
  await Promise.all(Array.from({ length: Math.min(jobs, files.length) }, async () => {
    while (next < files.length) {
      const k = next++;
      results[k] = await runFile(files[k], native, nodeFlags);
    }
  }));

  // Per folder: subtests passed/total, plus harness errors (a file that threw
  // outside any subtest, crashed, hung, or rejected a promise nobody handled).
  const folders = new Map();
  for (const r of results) {
    const f = folders.get(r.folder) ?? { passed: 0, total: 0, harnessErrors: 0, failures: [] };
    folders.set(r.folder, f);
    for (const t of r.tests) {
      f.total++;
      if (t.status === 0) f.passed++;
      else f.failures.push(`${r.file} :: ${t.name}: ${STATUS[t.status]}${t.message ? ` (${oneLine(t.message)})` : ''}`);
    }
    for (const h of r.harness) {
      f.harnessErrors++;
      f.failures.push(`${r.file} :: [harness] ${h}`);
    }
  }
  console.log(`JS-API tests (${native ? `native WebAssembly, Node ${process.versions.node}` : 'wasm2es polyfill, native WebAssembly hidden'}), ${relative(root, suite) || suite}:`);
  let failedRequired = false;
  for (const [name, f] of [...folders].sort()) {
    const he = f.harnessErrors ? `  + ${f.harnessErrors} harness error${f.harnessErrors > 1 ? 's' : ''}` : '';
    console.log(`  ${(name + '/').padEnd(14)} ${String(f.passed).padStart(4)}/${String(f.total).padEnd(4)}${he}`);
    if (REQUIRED.includes(name) && (f.passed !== f.total || f.harnessErrors || f.total === 0)) failedRequired = true;
    if (verbose) for (const line of f.failures) console.log(`      ${line}`);
  }
  const all = [...folders.values()];
  const sum = (k) => all.reduce((s, f) => s + f[k], 0);
  console.log(`  ${'total'.padEnd(14)} ${String(sum('passed')).padStart(4)}/${String(sum('total')).padEnd(4)}  (${files.length} files, ${((performance.now() - t0) / 1000).toFixed(1)} s)`);
  if (failedRequired) {
    console.log(`js-api: ${REQUIRED.join('/ and ')}/ must pass completely${verbose ? '' : ' (--verbose lists the failures)'}.`);
    process.exitCode = 1;
  }
}

function oneLine(s) {
  const t = String(s).replace(/\s+/g, ' ').trim();
  return t.length > 300 ? t.slice(0, 300) + '...' : t;
}

function testFiles(dir) {
  const out = [];
  for (const name of readdirSync(dir).sort()) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) out.push(...testFiles(p));
    else if (name.endsWith('.any.js')) out.push(p);
  }
  return out;
}

function folderOf(file) {
  const rel = relative(join(suite, 'tests'), file).split(/[\\/]/);
  return rel.length > 1 ? rel[0] : '(top)';
}

/** Runs one test file in a child process; resolves to its parsed results. */
function runFile(file, native, nodeFlags) {
  const rel = relative(join(suite, 'tests'), file);
  const flags = [...(native ? [] : ['--noexpose-wasm']), ...nodeFlags];
  return new Promise((done) => {
    const p = spawn(process.execPath, [...flags, fileURLToPath(import.meta.url), '--child', file, ...(native ? ['--native'] : [])], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    let err = '';
    p.stdout.on('data', (d) => (out += d));
    p.stderr.on('data', (d) => (err += d));
    const timer = setTimeout(() => p.kill('SIGKILL'), FILE_TIMEOUT_MS);
    p.on('close', (code, signal) => {
      clearTimeout(timer);
      const at = out.lastIndexOf(MARK);
      if (at >= 0) {
        const r = JSON.parse(out.slice(at + MARK.length));
        done({ file: rel, folder: folderOf(file), ...r });
        return;
      }
      const why = signal === 'SIGKILL' ? `timed out after ${FILE_TIMEOUT_MS / 1000} s` : `exited with ${signal ?? code}`;
      done({ file: rel, folder: folderOf(file), tests: [], harness: [`${why}: ${oneLine(err.slice(-2000))}`] });
    });
  });
}

/**
 * In the child: a global scope like a JS shell's (testharness.js picks its shell
 * environment), `WebAssembly` = the polyfill unless --native, then
 * testharness.js, the helpers named by `// META: script=`, and the test file,
 * each as a classic script in this realm. Results are printed when the event
 * loop is empty, so that errors thrown after the harness completed (in promise
 * callbacks no subtest waits for) are still reported, as harness errors.
 */
async function child(file, native) {
  if (!native) {
    if (typeof globalThis.WebAssembly !== 'undefined') throw new Error('the polyfill run needs node --noexpose-wasm');
    const { WebAssembly } = await import(pathToFileURL(join(root, 'dist/polyfill/index.js')).href);
    // The property attributes of the engine's own global binding.
    Object.defineProperty(globalThis, 'WebAssembly', { value: WebAssembly, writable: true, enumerable: false, configurable: true });
  }
  globalThis.self = globalThis;

  // Uncaught errors and unhandled rejections reach testharness.js through the
  // `error` / `unhandledrejection` events a browser global would fire.
  const listeners = { error: [], unhandledrejection: [] };
  globalThis.addEventListener = (type, fn) => listeners[type]?.push(fn);
  const harness = [];
  let completed = false;
  const uncaught = (kind, e) => {
    const message = e && e.message !== undefined ? String(e.message) : String(e);
    if (completed) harness.push(`${kind} after completion: ${e?.constructor?.name ?? typeof e}: ${message}`);
    else if (kind === 'error') for (const f of listeners.error) f({ error: e, message, filename: file, lineno: 0, colno: 0 });
    else for (const f of listeners.unhandledrejection) f({ reason: e });
  };
  process.on('uncaughtException', (e) => uncaught('error', e));
  process.on('unhandledRejection', (e) => uncaught('unhandledrejection', e));

  const run = (path) => vm.runInThisContext(readFileSync(path, 'utf8'), { filename: path });
  run(join(suite, 'harness', 'testharness.js'));
  const tests = [];
  globalThis.add_result_callback((t) => tests.push({ name: t.name, status: t.status, message: t.message ?? null }));
  globalThis.add_completion_callback((_tests, status) => {
    completed = true;
    if (status.status !== 0) harness.push(`${HARNESS[status.status]}: ${status.message ?? ''}`);
  });

  process.on('beforeExit', () => {
    if (!completed) {
      harness.push('the harness did not complete (a test never finished)');
      completed = true;
    }
    process.stdout.write(MARK + JSON.stringify({ tests, harness }) + '\n');
    process.exit(0);
  });

  // Each script separately, as the <script> elements of a page: an error in one
  // is an uncaught error (a harness error), and the next one still runs.
  const source = readFileSync(file, 'utf8');
  const scripts = [...source.matchAll(/^\/\/ META: script=(\S+)/gm)].map(([, ref]) =>
    ref.startsWith('/wasm/jsapi/') ? join(suite, 'tests', ref.slice('/wasm/jsapi/'.length)) : resolve(dirname(file), ref));
  for (const path of [...scripts, file]) {
    try {
      run(path);
    } catch (e) {
      uncaught('error', e);
    }
  }
}
