// Which functions can never replace a memory's buffer. A function caches each
// memory's DataView and limits in locals (memory.ts) and re-reads them after
// every call, since the callee might grow memory. That refresh line follows
// ~15,000 calls in sql.js, and most callees are leaves that cannot grow anything.
//
// A buffer is only replaced by memory.grow, or by JS (Memory.prototype.grow, or
// another module's code) — and JS only runs when an import is called. So a call
// to function f keeps every buffer if f is not imported, contains no
// memory.grow and no call whose target is unknown (call_indirect, call_ref, and
// their tail-call forms), and directly calls only such functions. Computed as a
// fixpoint over the direct-call graph, before any function is lowered.
import type { Func, Instr, Module } from '../ir.js';

const CALL = 0x10;
const RETURN_CALL = 0x12;
/** call_indirect, return_call_indirect, call_ref, return_call_ref, memory.grow. */
const UNKNOWN_EFFECT = new Set([0x11, 0x13, 0x14, 0x15, 0x40]);

/**
 * stable[i] === 1 when calling function i (index space including imports) can
 * never replace a memory buffer. `bodyOf` decodes a defined function's body;
 * when one cannot be decoded, all are reported unstable (the compile will fail
 * on that body in its turn, with the error it would give without this pass).
 */
export function memoryStableFunctions(m: Module, bodyOf: (f: Func) => Instr[]): Uint8Array {
  const n = m.funcTypes.length;
  const stable = new Uint8Array(n);
  const callers: number[][] = Array.from({ length: n }, () => []);
  const work: number[] = [];
  for (const f of m.funcs) {
    let known = true;
    let body: Instr[];
    try {
      body = bodyOf(f);
    } catch {
      return new Uint8Array(n);
    }
    for (const ins of body) {
      if (UNKNOWN_EFFECT.has(ins.op)) known = false;
      else if (ins.op === CALL || ins.op === RETURN_CALL) {
        // Bodies are not validated yet: an out-of-range index is left to the validator.
        const callee = ins.index!;
        if (callee < n) callers[callee].push(f.index);
        else known = false;
      }
    }
    if (known) stable[f.index] = 1;
  }
  // Start from everything that is not stable (imports included) and clear its callers.
  for (let i = 0; i < n; i++) if (!stable[i]) work.push(i);
  while (work.length) {
    const g = work.pop()!;
    for (const c of callers[g]) {
      if (stable[c]) {
        stable[c] = 0;
        work.push(c);
      }
    }
  }
  return stable;
}
