// The protocol every real-program check shares: the workload runs once on the
// host's native WebAssembly in this process, and once in a child started with
// `node --noexpose-wasm` that installs wasm2es/polyfill as an application
// would; the child prints its result (JSON) after a marker line, since the
// programs themselves write to stdout too.
import { spawn } from 'node:child_process';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const MARK = '\u0000wasm2es-real-result\u0000';

/**
 * Called by a script (`scriptUrl` = its import.meta.url) with its workload. In
 * the child (`--polyfill`): installs the polyfill, runs, prints, exits. In the
 * parent: returns { native, polyfill }, the two runs' results.
 */
export async function nativeAndPolyfill(scriptUrl, runOnce, nodeArgs = []) {
  if (process.argv.includes('--polyfill')) {
    if (typeof globalThis.WebAssembly !== 'undefined') {
      console.error('the polyfill run needs node --noexpose-wasm');
      process.exit(2);
    }
    const { WebAssembly } = await import(pathToFileURL(join(root, 'dist/polyfill/index.js')).href);
    globalThis.WebAssembly = WebAssembly;
    process.stdout.write(MARK + JSON.stringify(await runOnce()) + '\n');
    process.exit(0);
  }
  const native = await runOnce();
  const polyfill = await new Promise((done, fail) => {
    const p = spawn(process.execPath, ['--noexpose-wasm', ...nodeArgs, fileURLToPath(scriptUrl), '--polyfill'], { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    // The child's stderr is shown as it comes, and its end kept for the error.
    let err = '';
    p.stdout.on('data', (d) => (out += d));
    p.stderr.on('data', (d) => {
      process.stderr.write(d);
      err = (err + d).slice(-4000);
    });
    p.on('close', (code) => {
      const at = out.lastIndexOf(MARK);
      if (at < 0) fail(new Error(`the polyfill run exited with ${code} without a result\n${out.slice(-2000)}\n${err}`));
      else done(JSON.parse(out.slice(at + MARK.length)));
    });
  });
  return { native, polyfill };
}

/**
 * Compares two transcripts (arrays of strings) entry by entry and prints the
 * verdict; a difference sets the exit code. `what(i)` names entry i (the
 * statement or snippet), `unit` what failing entries are called.
 */
export function compareTranscripts(native, polyfill, what, unit) {
  const i = native.findIndex((x, k) => x !== polyfill[k]);
  if (i >= 0 || native.length !== polyfill.length) {
    const at = i >= 0 ? i : Math.min(native.length, polyfill.length);
    console.log(`  FAIL: transcripts differ at ${at}: ${what(at)}\n    native:   ${native[at]?.slice(0, 400)}\n    polyfill: ${polyfill[at]?.slice(0, 400)}`);
    process.exitCode = 1;
  } else {
    console.log(`  transcripts identical (${native.filter((x) => x.startsWith('error:')).length} ${unit} failing identically)`);
  }
}
