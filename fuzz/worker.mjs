// One engine in a child process, fed by fuzz/run.mjs:
//
//   node24 --experimental-wasm-exnref fuzz/worker.mjs native
//   node20                            fuzz/worker.mjs wasm2es [--split A,T,M] [--flat H]
//
// stdin: one JSON object per line, { id, wasm: base64 }; stdout: one JSON object
// per line, { id, log }, in the same order. Cases run one at a time, so the
// parent knows which case is running and can kill the process when one takes too
// long (a hang) and start a new one for the rest.
//
// WASM2ES_DIST overrides the compiler build the wasm2es engine loads (default:
// ../dist), so a long campaign can use a build that does not change under it.

import { createInterface } from 'node:readline';
import { pathToFileURL } from 'node:url';
import { runModule } from './harness.mjs';

/** The compiler build: ../dist, or the directory WASM2ES_DIST names. */
export const DIST = process.env.WASM2ES_DIST ? pathToFileURL(`${process.env.WASM2ES_DIST}/`).href : new URL('../dist/', import.meta.url).href;

/**
 * An engine for fuzz/harness.mjs: 'native' (this Node's WebAssembly) or
 * 'wasm2es' (compiled with `compileOptions`, e.g. { split: {...} }).
 */
export async function makeEngine(kind, compileOptions = {}) {
  // Both engines learn signatures from the same decoder.
  const { decodeModule } = await import(`${DIST}binary/module.js`);
  if (kind === 'native') {
    const W = globalThis.WebAssembly;
    return {
      decodeModule,
      instantiate: (bytes, imports) => new W.Instance(new W.Module(bytes), imports).exports,
      Tag: W.Tag,
      Exception: W.Exception,
      JSTag: W.JSTag,
      Global: W.Global,
      RuntimeError: W.RuntimeError,
    };
  }
  if (kind === 'wasm2es') {
    const { compile, loadFactory } = await import(`${DIST}index.js`);
    const rt = await import(`${DIST}runtime/index.js`);
    return {
      decodeModule,
      instantiate: (bytes, imports) => loadFactory(compile(bytes, { ...compileOptions, format: 'factory' }).js).instantiateSync(imports).instance.exports,
      Tag: rt.Tag,
      Exception: rt.Exception,
      JSTag: rt.JSTag,
      Global: rt.Global,
      RuntimeError: rt.RuntimeError,
    };
  }
  throw new Error(`unknown engine ${kind}`);
}

if (import.meta.url === pathToFileURL(process.argv[1]).href) {
  // `--split A,T,M` compiles with the function splitter forced on small bodies
  // (the CLI's option of the same name).
  const options = {};
  const split = process.argv.indexOf('--split');
  if (split > 0) {
    const [above, target, min] = process.argv[split + 1].split(',').map(Number);
    options.split = { above, target, min };
  }
  // `--flat H` lowers frames with more than H levels inside into the dispatch loop (0: all).
  const flat = process.argv.indexOf('--flat');
  if (flat > 0) options.flatHeight = Number(process.argv[flat + 1]);
  const engine = await makeEngine(process.argv[2], options);
  for await (const line of createInterface({ input: process.stdin, crlfDelay: Infinity })) {
    if (!line) continue;
    const { id, wasm } = JSON.parse(line);
    let log;
    try {
      log = runModule(new Uint8Array(Buffer.from(wasm, 'base64')), engine);
    } catch (e) {
      log = [`harness error: ${e && e.stack}`];
    }
    process.stdout.write(`${JSON.stringify({ id, log })}\n`);
  }
}
