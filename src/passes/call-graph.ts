// Facts about functions from the direct-call graph, computed before any
// function is lowered (one extra read of every body: its opcodes only, binary/code.ts scanBody).
//
// Memory-stable functions. A function caches each memory's DataView in locals
// (memory.ts) and re-reads them after every call, since the callee might grow
// memory. That refresh line follows ~15,000 calls in sql.js, and most callees
// are leaves that cannot grow anything. A buffer is only replaced by
// memory.grow, or by JS (Memory.prototype.grow, or another module's code) — and
// JS only runs when an import is called. So a call to function f keeps every
// buffer if f is not imported, contains no memory.grow and no call whose target
// is unknown (call_indirect, call_ref, and their tail-call forms), and directly
// calls only such functions.
//
// Non-reentrant functions. A function that reaches no unknown call target
// (directly or through its direct callees: no import, no call_indirect or
// call_ref) and lies on no cycle of direct calls can never be entered again
// while it runs, not even through JS, which it never reaches. Such a function
// can keep its i64 locals array (`$L`, function.ts) at module level instead of
// allocating one per call, which measured ~22 ns per call.
import type { Func, Module } from '../ir.js';
import { Op } from '../opcodes.js';

/** Calls whose target is known only at run time. */
const UNKNOWN_CALL = new Set<number>([Op.CallIndirect, Op.ReturnCallIndirect, Op.CallRef, Op.ReturnCallRef]);

export interface CallGraphFacts {
  /** memoryStable[i] === 1 when calling function i (imports included) can never replace a memory buffer. */
  memoryStable: Uint8Array;
  /** nonReentrant[i] === 1 when function i can never be entered again while it runs. */
  nonReentrant: Uint8Array;
}

/**
 * The facts for every function (index space including imports). `scan`
 * reads a defined function's opcodes (binary/code.ts scanBody); when one
 * cannot be read, no function gets either fact (the compile will fail on that
 * body in its turn, with the error it would give without this pass).
 */
export function callGraphFacts(m: Module, scan: (f: Func, visit: (op: number, func: number) => void) => void): CallGraphFacts {
  const n = m.funcTypes.length;
  const none = { memoryStable: new Uint8Array(n), nonReentrant: new Uint8Array(n) };
  const stable = new Uint8Array(n);
  const closed = new Uint8Array(n);
  const callers: number[][] = Array.from({ length: n }, () => []);
  const callees: number[][] = Array.from({ length: n }, () => []);
  for (const f of m.funcs) {
    let knownCalls = true;
    let grows = false;
    const visit = (op: number, callee: number) => {
      if (UNKNOWN_CALL.has(op)) knownCalls = false;
      else if (op === Op.MemoryGrow) grows = true;
      else if (op === Op.Call || op === Op.ReturnCall) {
        // Bodies are not validated yet: an out-of-range index is left to the validator.
        if (callee < n) {
          callers[callee].push(f.index);
          callees[f.index].push(callee);
        } else {
          knownCalls = false;
        }
      }
    };
    try {
      scan(f, visit);
    } catch {
      return none;
    }
    if (knownCalls) {
      closed[f.index] = 1;
      if (!grows) stable[f.index] = 1;
    }
  }
  // Whatever calls a function without the property loses it (imports never have it).
  const spread = (has: Uint8Array): void => {
    const work: number[] = [];
    for (let i = 0; i < n; i++) if (!has[i]) work.push(i);
    while (work.length) {
      const g = work.pop()!;
      for (const c of callers[g]) {
        if (has[c]) {
          has[c] = 0;
          work.push(c);
        }
      }
    }
  };
  spread(stable);
  spread(closed);
  // Closed functions call only closed functions. Peel off those whose callees
  // are all peeled already (leaves first): what remains lies on a cycle or
  // reaches one, and is left out.
  const nonReentrant = new Uint8Array(n);
  const pending = new Int32Array(n);
  const work: number[] = [];
  for (let i = 0; i < n; i++) {
    if (!closed[i]) continue;
    pending[i] = callees[i].length;
    if (pending[i] === 0) work.push(i);
  }
  while (work.length) {
    const g = work.pop()!;
    nonReentrant[g] = 1;
    for (const c of callers[g]) if (closed[c] && --pending[c] === 0) work.push(c);
  }
  return { memoryStable: stable, nonReentrant };
}
