// The runtime as source text embedded in ES-module output, so compiled modules
// import nothing. Each part's text is its compiled function's own source
// (Function.prototype.toString); the parts are self-contained by design. The result
// registers under the same global symbol as the library's runtime, so all compiled
// modules and `wasm2es/runtime` in one realm share one set of classes.
import { RUNTIME_KEY, RUNTIME_PARTS } from '../runtime/install.js';

let cached: string | null = null;

export function runtimeSource(): string {
  if (cached) return cached;
  const parts = RUNTIME_PARTS.map((p) => `  Object.assign(rt, (${p.toString()})(g, rt));`);
  cached = [
    '(() => {',
    `  const g = globalThis, k = Symbol.for(${JSON.stringify(RUNTIME_KEY)});`,
    '  if (g[k]) return g[k];',
    '  const rt = {};',
    ...parts,
    '  Object.defineProperty(g, k, { value: rt, configurable: true });',
    '  return rt;',
    '})()',
  ].join('\n');
  return cached;
}
