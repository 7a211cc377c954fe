// The runtime as source text embedded in ES-module output, so compiled modules
// import nothing. Each part's text is its compiled function's own source
// (Function.prototype.toString); the parts are self-contained by design. The result
// registers under the same global symbol as the library's runtime, so all compiled
// modules and `wasm2es/runtime` in one realm share one set of classes.
import { runtimeKey, runtimePartsText } from '../runtime/install.js';

let cached: string | null = null;

export function runtimeSource(): string {
  if (cached) return cached;
  const parts = runtimePartsText().map((p) => `  Object.assign(rt, (${p})(g, rt));`);
  cached = [
    '(() => {',
    `  const g = globalThis, k = Symbol.for(${JSON.stringify(runtimeKey())});`,
    '  if (g[k]) return g[k];',
    '  const rt = {};',
    ...parts,
    '  Object.defineProperty(g, k, { value: rt, configurable: true });',
    '  return rt;',
    '})()',
  ].join('\n');
  return cached;
}
