// Runs `f` of one module on each argument, in a fresh process at the stack it
// was started with (src/deep-shapes.test.ts starts it without --stack-size,
// i.e. at Node's default), and prints one JSON line:
//   { ok: true, results, ms }            results: numbers or "threw <Class>[: trap message]"
//   { ok: false, stage, error }          loading, compiling or instantiating failed
//
//   node fuzz/deep-shapes-child.mjs aot out.mjs '[args]'                 an ES module from compile()
//   node --noexpose-wasm fuzz/deep-shapes-child.mjs polyfill m.wasm '[args]'   wasm2es/polyfill (dist/)
//   node24 --experimental-wasm-exnref fuzz/deep-shapes-child.mjs native m.wasm '[args]'
import { readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const [mode, file, argsJson] = process.argv.slice(2);
const args = JSON.parse(argsJson);

function describe(e) {
  const name = e?.constructor?.name ?? typeof e;
  // Trap messages are compared (the spec's wording, kept by the runtime); an
  // exception's identity is not observable here beyond its class.
  return e instanceof Error ? `${name}: ${e.message}` : name;
}

function report(x) {
  process.stdout.write(JSON.stringify(x) + '\n');
  process.exit(0);
}

let stage = 'load';
const t0 = performance.now();
try {
  let exports;
  if (mode === 'aot') {
    const m = await import(pathToFileURL(resolve(file)).href);
    stage = 'instantiate';
    exports = (await m.instantiate()).instance.exports;
  } else {
    let W = globalThis.WebAssembly;
    if (mode === 'polyfill') {
      if (W !== undefined) report({ ok: false, stage, error: 'the polyfill run needs node --noexpose-wasm' });
      W = (await import(pathToFileURL(join(root, 'dist/polyfill/index.js')).href)).WebAssembly;
    }
    stage = 'compile';
    const mod = new W.Module(readFileSync(file));
    stage = 'instantiate';
    exports = new W.Instance(mod, {}).exports;
  }
  const loadMs = performance.now() - t0;
  stage = 'call';
  const results = args.map((x) => {
    try {
      return exports.f(x);
    } catch (e) {
      return `threw ${describe(e)}`;
    }
  });
  report({ ok: true, results, loadMs, callMs: performance.now() - t0 - loadMs });
} catch (e) {
  report({ ok: false, stage, error: describe(e) });
}
