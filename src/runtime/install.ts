// Composition of the runtime from its parts. The same composition runs in two
// places: here, when `wasm2es/runtime`, the polyfill or loadFactory first needs
// the runtime (every part), and inside every compiled module, which embeds the
// source text of the parts it needs (partsFor, src/emit/runtime-source.ts).
// Both register under one global symbol (runtimeKey), so every compiled module
// and the library share one set of classes per realm. That symbol is the only
// change the runtime makes to a realm (docs/semantics.md).
//
// The registry records which parts it has (`installed`); whoever needs a part
// it lacks defines it there, after the parts it needs, so a module that needs
// more than the modules before it adds to the shared runtime without
// replacing anything they use. A part reads the members of the parts it needs
// from `rt`, when it is defined or when called; members of parts it does not
// need are read at call time only, and only where the compiler guarantees the
// part (values.ts: funcFromJS for a reference from JS, toHost with a fallback).
import { defineErrors } from './errors.js';
import { defineTypes } from './types.js';
import { defineValues } from './values.js';
import { defineNative } from './native.js';
import { defineFuncs } from './funcs.js';
import { defineNumeric } from './numeric.js';
import { defineMemory } from './memory.js';
import { defineTable } from './table.js';
import { defineLink } from './link.js';
import { defineBulk } from './bulk.js';
import { defineExceptions } from './exceptions.js';
import { BUILT_KEY, keyOf } from './key.js';

export interface RuntimePart {
  name: string;
  /** `(globalThis, rtSoFar) => members`; its source text is what modules embed. */
  define: (g: any, rt: any) => object;
  /** The parts whose members it reads: installed before it. */
  needs: string[];
  /** The members it defines (install.test.ts checks them against `define`). */
  members: string[];
}

/** The parts, in dependency order (each needs only parts before it). */
export const RUNTIME_PARTS: RuntimePart[] = [
  {
    name: 'errors', define: defineErrors, needs: [],
    members: ['CompileError', 'LinkError', 'RuntimeError', 'trap', 'traps', 'hostErrors', 'hostCalls', 'settle', 'nativeMemories', 'syncMemories', 'stackOverflow', 'isMemoryTrap', 'hostError'],
  },
  { name: 'types', define: defineTypes, needs: [], members: ['splitTypes', 'sigParts', 'memberParts', 'refInfo', 'isSubtype', 'sameType'] },
  {
    name: 'values', define: defineValues, needs: ['errors', 'types'],
    members: ['RAW', 'enforceU32', 'webidl', 'crossesJS', 'toWasm', 'toJS', 'toBigInt64', 'funcToJS'],
  },
  {
    name: 'native', define: defineNative, needs: ['types'],
    members: ['isNativeFunction', 'nativeFuncHasType', 'nativeTag', 'nativeTableFits', 'nativeMemoryFits', 'nativeGlobalFits', 'nativeTagFits'],
  },
  { name: 'funcs', define: defineFuncs, needs: ['errors', 'types', 'values', 'native'], members: ['funcFromJS', 'hasType', 'importFunc', 'hostFunc'] },
  {
    name: 'numeric', define: defineNumeric, needs: ['errors'],
    members: [
      'f32FromBits', 'f32ToBits', 'f64FromBits', 'f64ToBits', 'i32DivS', 'i32DivU', 'i32RemS', 'i32RemU', 'i32Ctz', 'i32Popcnt', 'f64PromoteF32',
      'i64DivS', 'i64DivU', 'i64RemS', 'i64RemU', 'i64Clz', 'i64Ctz', 'i64Popcnt', 'nearest', 'f32Copysign', 'f64Copysign',
      'f32ReinterpretI32', 'i32ReinterpretF32', 'f64ReinterpretI64', 'i64ReinterpretF64', 'f32ConvertI64S', 'f32ConvertI64U',
      'i32TruncS', 'i32TruncU', 'i64TruncS', 'i64TruncU', 'i32TruncSatS', 'i32TruncSatU', 'i64TruncSatS', 'i64TruncSatU',
    ],
  },
  { name: 'memory', define: defineMemory, needs: ['errors', 'values'], members: ['Memory', 'isMemory', 'adoptNativeMemory', 'memoryView', 'PAGE'] },
  {
    name: 'table', define: defineTable, needs: ['errors', 'types', 'values', 'funcs'],
    members: ['Table', 'Global', 'isTable', 'isGlobal', 'newTable', 'globalCell', 'adoptNativeGlobal', 'adoptNativeTable', 'valueChar', 'elemChar'],
  },
  {
    name: 'link', define: defineLink, needs: ['errors', 'types', 'values', 'native', 'funcs', 'memory', 'table'],
    members: ['lookup', 'importMemory', 'importTable', 'importGlobal', 'importFunction'],
  },
  {
    name: 'bulk', define: defineBulk, needs: ['errors'],
    members: [
      'oob', 'oobTable', 'noBytes', 'noElems', 'memoryInit', 'dataInit', 'memoryCopy', 'memoryFill',
      'tableGet', 'tableSet', 'tableInit', 'tableCopy', 'tableGrow', 'tableFill', 'callee', 'nonNullFunc', 'nonNull', 'bytes', 'segments',
    ],
  },
  {
    name: 'exceptions', define: defineExceptions, needs: ['errors', 'types', 'values', 'native', 'funcs', 'link'],
    members: ['uncatchable', 'Tag', 'Exception', 'JSTag', 'newTag', 'importTag', 'isTag', 'tagTypes', 'exn', 'exnref', 'rethrowable', 'payloadOf', 'toHost', 'HostExn'],
  },
];

const PART_OF = new Map<string, RuntimePart>();
for (const p of RUNTIME_PARTS) for (const m of p.members) PART_OF.set(m, p);
const BY_NAME = new Map(RUNTIME_PARTS.map((p) => [p.name, p]));

/**
 * The parts that define `members` (runtime members compiled code uses), and
 * the parts `names`, with every part they need, in installation order.
 */
export function partsFor(members: Iterable<string>, names: Iterable<string> = []): RuntimePart[] {
  const want = new Set<RuntimePart>();
  const add = (p: RuntimePart): void => {
    if (want.has(p)) return;
    want.add(p);
    for (const n of p.needs) add(BY_NAME.get(n)!);
  };
  for (const m of members) {
    const p = PART_OF.get(m);
    if (!p) throw new Error(`internal: no runtime part defines ${m}`);
    add(p);
  }
  for (const n of names) add(BY_NAME.get(n)!);
  return RUNTIME_PARTS.filter((p) => want.has(p));
}

/** A part's text, as compiled modules embed it. */
export function partText(p: RuntimePart): string {
  return p.define.toString();
}

/** The text the realm key is computed from: every part, named, in order. */
export function runtimeText(): string {
  return RUNTIME_PARTS.map((p) => `${p.name}\n${partText(p)}`).join('\n');
}

let key: string | null = BUILT_KEY;
/** The realm registry's key (key.ts): `Symbol.for(runtimeKey())`. */
export function runtimeKey(): string {
  return (key ??= keyOf(runtimeText()));
}

/**
 * The runtime registered in realm `g` with at least the parts `parts` (all by
 * default), registered first if there is none, and given the parts it lacks.
 * Compiled modules do the same with the parts' text (emit/runtime-source.ts).
 */
export function installRuntime(g: any, parts: RuntimePart[] = RUNTIME_PARTS): any {
  const k = Symbol.for(runtimeKey());
  let rt = g[k];
  if (!rt) Object.defineProperty(g, k, { value: (rt = { installed: {} }), configurable: true });
  const have = rt.installed;
  for (const p of parts) {
    if (have[p.name]) continue;
    Object.assign(rt, p.define(g, rt));
    have[p.name] = 1;
  }
  return rt;
}
