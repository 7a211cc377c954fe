// Pyodide (CPython compiled by emscripten, 9.6 MB of Wasm with exception
// handling) runs the same Python snippets on Node's native WebAssembly and
// under `node --noexpose-wasm` with wasm2es/polyfill installed; the transcripts
// (results and Python exceptions) must be identical.
//
//   node test/real/pyodide.mjs
//
// Needs the pyodide package (not a dependency of this package: `npm install
// --no-save pyodide@314.0.7`, or installed elsewhere and named by
// $WASM2ES_REAL_DEPS); without it this prints a message and exits 0.
import { createRequire } from 'node:module';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { nativeAndPolyfill, compareTranscripts } from './both.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const root = resolve(here, '../..');

let entry;
for (const base of [root, process.env.WASM2ES_REAL_DEPS].filter(Boolean)) {
  try {
    entry = join(dirname(createRequire(join(resolve(base), 'package.json')).resolve('pyodide/package.json')), 'pyodide.mjs');
    break;
  } catch {
    entry = undefined;
  }
}
if (!entry) {
  console.log('pyodide: the pyodide package is not installed; skipped (npm install --no-save pyodide@314.0.7).');
  process.exit(0);
}

const SNIPPETS = [
  '1 + 2',
  'import sys; sys.version_info[:2]',
  'sum(i * i for i in range(100000))',
  '"".join(sorted("wasm2es"))',
  '1 / 0',
  'import json; json.dumps({"a": [1, 2.5, None], "b": "straße"})',
  'def f(n):\n  return 1 if n < 2 else n * f(n - 1)\nf(80)',
  'try:\n  raise ValueError("x")\nexcept ValueError as e:\n  r = repr(e)\nr',
  'import re; re.sub(r"[0-9]+", "#", "a1b22c333")',
  'undefined_name',
  'import math; (math.pi, math.sqrt(2), math.fsum([0.1] * 10), 2 ** 0.5, float("nan") != float("nan"))',
  'import hashlib; hashlib.sha256(b"wasm2es").hexdigest()',
  'import decimal; str(decimal.Decimal(1) / decimal.Decimal(7))',
  'import collections; collections.Counter("mississippi").most_common(2)',
  '[x for x in range(20) if x % 3 == 0]',
  'int("12abc")',
  '{1: "a"}[2]',
  'import struct; struct.pack("<qd", -1, 1.5).hex()',
  'def g(n):\n  return g(n + 1)\ntry:\n  g(0)\nexcept RecursionError as e:\n  r = type(e).__name__\nr',
  '"%.17g" % (0.1 + 0.2)',
  // Exceptions crossing the Python/JS boundary in both directions (the JS
  // functions are set as globals in runOnce): a JS throw caught in Python, a
  // Python raise inside a callback JS runs, and a JS throw nothing catches.
  'try:\n  js_throw("hi")\nexcept Exception as e:\n  r = type(e).__name__ + ": " + str(e)\nr',
  'def bad(x):\n  raise KeyError(x)\ntry:\n  js_call_py(bad)\nexcept KeyError as e:\n  r = "KeyError " + str(e)\nr',
  'def good(x):\n  return x * 7\njs_call_py(good)',
  'js_throw("uncaught")',
];

async function runOnce() {
  const { loadPyodide } = await import(pathToFileURL(entry).href);
  const t0 = performance.now();
  const py = await loadPyodide();
  const loadMs = performance.now() - t0;
  py.globals.set('js_throw', (m) => {
    throw new Error('js says ' + m);
  });
  py.globals.set('js_call_py', (f) => f(5));
  const out = [];
  const t1 = performance.now();
  for (const code of SNIPPETS) {
    try {
      out.push(`ok: ${String(py.runPython(code))}`);
    } catch (e) {
      // The Python traceback's last line: the exception and its message.
      out.push(`error: ${String(e.message).trim().split('\n').pop()}`);
    }
  }
  return { loadMs, runMs: performance.now() - t1, transcript: out };
}

const { native, polyfill } = await nativeAndPolyfill(import.meta.url, runOnce, ['--max-old-space-size=8192']);
const s = (ms) => `${(ms / 1000).toFixed(1)} s`;
console.log(`Pyodide, ${SNIPPETS.length} snippets:`);
console.log(`  native     load ${s(native.loadMs)}, run ${s(native.runMs)}`);
console.log(`  polyfill   load ${s(polyfill.loadMs)} (compile + instantiate + CPython start), run ${s(polyfill.runMs)}`);
compareTranscripts(native.transcript, polyfill.transcript, (i) => JSON.stringify(SNIPPETS[i]), 'snippets');
