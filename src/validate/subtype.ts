// Subtyping of value types, restricted to what exists without GC: number types
// match only themselves; reference types `(ref null? ht)` follow the Wasm 3.0
// rules for function, extern and exn references.
//
// Heap types: a type index <: func; nofunc <: func and every type index;
// noextern <: extern; noexn <: exn. Two type indices are equivalent when their
// function types are. Without explicit recursion groups every type definition is
// a recursion group of its own, so equivalence is structural: the same number of
// params / results with equal types, where a reference to the type itself only
// matches a reference to the other type itself, and a reference to an earlier
// type compares by the same rule (forward references are rejected by the
// decoder). See canonicalIds.

import { AbsHeap, heapOf, isConcreteRef, isNullable, isRefType, type Module } from '../ir.js';

/** The bottom heap type of unreachable code (`pop_ref` on the polymorphic stack). */
export const BOT_HEAP = 0xff;
/** `(ref bot)`: a reference type that matches every reference type. */
export const REF_BOT = 0x1ff;

const canonCache = new WeakMap<Module, Int32Array>();

/**
 * A canonical id per type index: equal ids for equal types. Types are equal
 * iso-recursively: their recursion groups are structurally equal (same finality,
 * params and results, a reference into the group compared by position in it, a
 * reference to an earlier type by that type's id) and they sit at the same
 * position. Computed once per module, group by group in index order (a group only
 * refers to itself and to earlier types), without recursion.
 */
function canonicalIds(m: Module): Int32Array {
  let ids = canonCache.get(m);
  if (ids) return ids;
  ids = new Int32Array(m.types.length);
  const byKey = new Map<string, number>();
  const part = (t: number, start: number, end: number): string => {
    if (!isConcreteRef(t)) return String(t);
    const h = heapOf(t);
    const n = isNullable(t) ? 'n' : '';
    if (h >= start && h < end) return n + 'r' + (h - start);
    // Forward references cannot come from the decoder; keep them distinct rather than fail.
    return n + (h < start ? 'c' + ids![h] : 'x' + h);
  };
  for (let i = 0; i < m.types.length; ) {
    const g = m.typeGroups?.[i] ?? { start: i, size: 1, final: true };
    const end = g.start + g.size;
    let groupKey = '';
    for (let k = g.start; k < end; k++) {
      const { params, results } = m.types[k];
      groupKey += m.typeGroups?.[k]?.final === false ? '~' : '';
      for (const t of params) groupKey += part(t, g.start, end) + ',';
      groupKey += '>';
      for (const t of results) groupKey += part(t, g.start, end) + ',';
      groupKey += ';';
    }
    for (let k = g.start; k < end; k++) {
      const key = groupKey + '@' + (k - g.start);
      let id = byKey.get(key);
      if (id === undefined) byKey.set(key, (id = byKey.size));
      ids[k] = id;
    }
    i = Math.max(end, i + 1);
  }
  canonCache.set(m, ids);
  return ids;
}

/** Whether type indices `a` and `b` denote equal (structurally, see above) function types. */
export function typeIdxEqual(m: Module, a: number, b: number): boolean {
  if (a === b) return true;
  if (a >= m.types.length || b >= m.types.length) return false;
  const ids = canonicalIds(m);
  return ids[a] === ids[b];
}

/** Heap subtyping `h1 <: h2`; `c1` / `c2` say whether the heap is a type index. */
function heapMatches(m: Module, h1: number, c1: boolean, h2: number, c2: boolean): boolean {
  if (!c1 && h1 === BOT_HEAP) return true;
  if (c1) {
    if (c2) return typeIdxEqual(m, h1, h2);
    return h2 === AbsHeap.Func;
  }
  if (c2) return h1 === AbsHeap.NoFunc;
  if (h1 === h2) return true;
  switch (h1) {
    case AbsHeap.NoFunc:
      return h2 === AbsHeap.Func;
    case AbsHeap.NoExtern:
      return h2 === AbsHeap.Extern;
    case AbsHeap.NoExn:
      return h2 === AbsHeap.Exn;
    default:
      return false;
  }
}

/**
 * Value subtyping `actual <: expected`. `0` (the validator's Unknown, the
 * bottom value type) matches everything, as does `(ref bot)` every reference.
 */
export function matches(m: Module, actual: number, expected: number): boolean {
  if (actual === expected || actual === 0) return true;
  if (actual === REF_BOT) return isRefType(expected);
  if (!isRefType(actual) || !isRefType(expected)) return false;
  if (isNullable(actual) && !isNullable(expected)) return false;
  return heapMatches(m, heapOf(actual), isConcreteRef(actual), heapOf(expected), isConcreteRef(expected));
}

/** Elementwise subtyping of two type lists of the same length. */
export function matchesAll(m: Module, actual: readonly number[], expected: readonly number[]): boolean {
  if (actual.length !== expected.length) return false;
  for (let i = 0; i < actual.length; i++) if (!matches(m, actual[i], expected[i])) return false;
  return true;
}
