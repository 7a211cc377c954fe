// A real program with SIMD and C++ exceptions on the polyfill (issue 20):
// simdeh/program.cpp, a freestanding C++ image and signal toolkit built with
// clang -msimd128 -fwasm-exceptions (simdeh/build.sh; legacy try/catch/rethrow
// and 200+ SIMD instructions in the binary, intrinsics and auto-vectorized
// loops), with its own tiny exception runtime (simdeh/rt.c). Its stages throw
// typed errors from frames holding v128 values, destructors report while
// unwinding, and handlers rethrow. It runs on Node's native WebAssembly and
// under `node --noexpose-wasm` with wasm2es/polyfill installed; the two
// transcripts (every event the program reports) must be identical.
//
//   node test/real/simdeh.mjs
import { readFileSync } from 'node:fs';
import { compareTranscripts, nativeAndPolyfill } from './both.mjs';

const WASM = new URL('./simdeh/program.wasm', import.meta.url);
const ROUNDS = 200;
const EVENTS = ['', 'dtor', 'caught', 'value', 'rethrown', 'f32', 'done'];

async function runOnce() {
  const out = [];
  const emit = (tag, a, b) => out.push(`${EVENTS[tag] ?? tag} ${a} ${b}`);
  const { instance } = await WebAssembly.instantiate(readFileSync(WASM), { env: { emit } });
  for (let r = 1; r <= ROUNDS; r += 50) {
    try {
      out.push(`run(${r}) = ${instance.exports.run(r)}`);
    } catch (e) {
      out.push(`error: run(${r}) threw ${e?.constructor?.name}: ${e?.message}`);
    }
  }
  return out;
}

const { native, polyfill } = await nativeAndPolyfill(import.meta.url, runOnce);
const count = (k) => native.filter((x) => x.startsWith(k)).length;
console.log(`simdeh (C++, -msimd128 -fwasm-exceptions): ${native.length} events (${count('caught')} caught, ${count('rethrown')} rethrown, ${count('dtor')} destructors)`);
compareTranscripts(native, polyfill, (i) => `event ${i}`, 'runs');
if (count('rethrown') === 0 || count('caught') === 0 || native.some((x) => x.startsWith('error:'))) {
  console.log('  FAIL: the workload did not exercise throwing, rethrowing and catching');
  process.exitCode = 1;
}
