// The runtime as source text embedded in ES-module output, so compiled modules
// import nothing: the parts the module needs (runtime/install.ts partsFor),
// each its compiled function's own source (Function.prototype.toString, which
// `npm run build` minifies: scripts/minify-runtime.mjs); the parts are
// self-contained by design. It registers under the same global symbol as the
// library's runtime and adds only the parts the realm's runtime lacks, as
// installRuntime does, so all compiled modules and `wasm2es/runtime` in one
// realm share one set of classes.
import { partText, runtimeKey, type RuntimePart } from '../runtime/install.js';

const cache = new Map<string, string>();

export function runtimeSource(parts: RuntimePart[]): string {
  const id = parts.map((p) => p.name).join();
  let text = cache.get(id);
  if (text === undefined) {
    text = [
      '((g, k) => {',
      '  let rt = g[k];',
      '  if (!rt) Object.defineProperty(g, k, { value: rt = { installed: {} }, configurable: true });',
      '  const p = rt.installed;',
      ...parts.map((part) => `  p.${part.name} || (Object.assign(rt, (${partText(part)})(g, rt)), p.${part.name} = 1);`),
      '  return rt;',
      `})(globalThis, Symbol.for(${JSON.stringify(runtimeKey())}))`,
    ].join('\n');
    cache.set(id, text);
  }
  return text;
}
