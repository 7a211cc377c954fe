// Composition of the runtime from its parts. The same composition runs in two
// places: here, when the compiler or a user imports `wasm2es/runtime`, and inside
// every compiled module, which embeds the parts' source text (see RUNTIME_PARTS and
// src/emit/runtime-source.ts). Both register the result under one global symbol, so
// every compiled module and the library share one set of classes per realm.
import { defineErrors } from './errors.js';
import { defineTypes } from './types.js';
import { defineNumeric } from './numeric.js';
import { defineValues } from './values.js';
import { defineMemory } from './memory.js';
import { defineTable } from './table.js';
import { defineLink } from './link.js';
import { defineBulk } from './bulk.js';
import { defineExceptions } from './exceptions.js';
import { defineSimd } from './simd.js';

/** The parts, in dependency order. Each is `(globalThis, rtSoFar) => members`. */
export const RUNTIME_PARTS: ((g: any, rt: any) => object)[] = [
  defineErrors,
  defineTypes,
  defineNumeric,
  defineValues,
  defineMemory,
  defineTable,
  defineLink,
  defineBulk,
  defineExceptions,
  defineSimd,
];

/** Bumped whenever the runtime's internal interface changes. */
export const RUNTIME_KEY = 'wasm2es.runtime.5';

export function installRuntime(g: any): any {
  const key = Symbol.for(RUNTIME_KEY);
  if (g[key]) return g[key];
  const rt: any = {};
  for (const part of RUNTIME_PARTS) Object.assign(rt, part(g, rt));
  Object.defineProperty(g, key, { value: rt, configurable: true });
  return rt;
}
