// Composition of the runtime from its parts. The same composition runs in two
// places: here, when `wasm2es/runtime`, the polyfill or loadFactory first needs
// the runtime, and inside every compiled module, which embeds the parts' source
// text (see RUNTIME_PARTS and src/emit/runtime-source.ts). Both register the
// result under one global symbol (runtimeKey), so every compiled module and the
// library share one set of classes per realm. That symbol is the only change
// the runtime makes to a realm (docs/semantics.md).
import { defineErrors } from './errors.js';
import { defineTypes } from './types.js';
import { defineNative } from './native.js';
import { defineNumeric } from './numeric.js';
import { defineValues } from './values.js';
import { defineMemory } from './memory.js';
import { defineTable } from './table.js';
import { defineLink } from './link.js';
import { defineBulk } from './bulk.js';
import { defineExceptions } from './exceptions.js';
import { BUILT_KEY, keyOf } from './key.js';

/** The parts, in dependency order. Each is `(globalThis, rtSoFar) => members`. */
export const RUNTIME_PARTS: ((g: any, rt: any) => object)[] = [
  defineErrors,
  defineTypes,
  defineNative,
  defineNumeric,
  defineValues,
  defineMemory,
  defineTable,
  defineLink,
  defineBulk,
  defineExceptions,
];

/** The parts' text, as compiled modules embed it. */
export function runtimePartsText(): string[] {
  return RUNTIME_PARTS.map((p) => p.toString());
}

let key: string | null = BUILT_KEY;
/** The realm registry's key (key.ts): `Symbol.for(runtimeKey())`. */
export function runtimeKey(): string {
  return (key ??= keyOf(runtimePartsText().join('\n')));
}

/** The runtime registered in realm `g`, made and registered first if there is none. */
export function installRuntime(g: any): any {
  const k = Symbol.for(runtimeKey());
  if (g[k]) return g[k];
  const rt: any = {};
  for (const part of RUNTIME_PARTS) Object.assign(rt, part(g, rt));
  Object.defineProperty(g, k, { value: rt, configurable: true });
  return rt;
}
