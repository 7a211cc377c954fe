// One level of inlining for small directly recursive functions.
//
// V8 never inlines a function into itself ("recursive inlining" is refused in
// TurboFan's heuristic), so in JS every level of a recursion pays a full call:
// frame set-up, stack check, tagging the arguments and the result. Wasm
// engines pay less per call, which left naive recursion (the fib kernel) at
// ~1.45x native, exactly where binaryen's wasm2js output is. Replacing each
// direct self-call of a small function by a copy of its own body halves the
// number of JS calls; measured on fib: 1.45x -> 0.89x native.
//
// The copy is a `block` with the function's results. Inside it, the callee's
// labels keep their relative depths: the function frame they could branch to is
// now that block, and a `return` becomes a branch to it. The callee's
// parameters and locals become fresh locals of the caller (shared by all copies:
// a copy runs to completion before the next starts), its arguments are stored
// into them from the operand stack, and its declared locals are zeroed, since a
// copy may run many times in one call. The copies still call the function
// itself: one level only.
//
// Left alone: bodies over MAX_BODY instructions, with more than MAX_SITES
// self-calls or MAX_LOCALS locals (code growth), exception handling (handlers
// and delegation are tied to the frame they sit in), tail calls, and locals
// without a plain zero constant (references, v128).
import type { Func, FuncType, Instr } from '../ir.js';
import { ValType } from '../ir.js';
import { isOpener } from './liveness.js';

const MAX_BODY = 64;
const MAX_SITES = 4;
const MAX_LOCALS = 64;

/** try, catch, throw, rethrow, throw_ref, delegate, catch_all, try_table; return_call, return_call_indirect, return_call_ref. */
const EXCLUDED = new Set([0x06, 0x07, 0x08, 0x09, 0x0a, 0x18, 0x19, 0x1f, 0x12, 0x13, 0x15]);

/** The constant instruction pushing the zero of a numeric type, or null. */
function zeroOf(t: ValType, offset: number): Instr | null {
  switch (t) {
    case ValType.I32: return { op: 0x41, offset, i32: 0 };
    case ValType.I64: return { op: 0x42, offset, i64: 0n };
    case ValType.F32: return { op: 0x43, offset, i32: 0 };
    case ValType.F64: return { op: 0x44, offset, i64: 0n };
    default: return null;
  }
}

/**
 * The function with its direct self-calls replaced by copies of its body (and
 * the locals the copies need), or null when it does not qualify. `body` must
 * be valid; the result is valid too (compile.ts validates it again).
 */
export function inlineSelfCalls(type: FuncType, f: Func, body: Instr[]): { func: Func; body: Instr[] } | null {
  if (body.length > MAX_BODY) return null;
  let sites = 0;
  for (const ins of body) {
    if (EXCLUDED.has(ins.op)) return null;
    if (ins.op === 0x10 && ins.index === f.index) sites++;
  }
  if (sites === 0 || sites > MAX_SITES) return null;
  // Each copy zeroes the locals again, and all of them are doubled.
  if (type.params.length + f.locals.length > MAX_LOCALS) return null;
  if (!f.locals.every((t) => zeroOf(t, 0) !== null)) return null;

  const np = type.params.length;
  const base = np + f.locals.length;
  const out: Instr[] = [];
  for (const ins of body) {
    if (ins.op !== 0x10 || ins.index !== f.index) {
      out.push(ins);
      continue;
    }
    const at = ins.offset;
    for (let p = np - 1; p >= 0; p--) out.push({ op: 0x21, offset: at, index: base + p });
    f.locals.forEach((t, j) => out.push(zeroOf(t, at)!, { op: 0x21, offset: at, index: base + np + j }));
    out.push({ op: 0x02, offset: at, type: { params: [], results: type.results } });
    // Frames open inside the copy: a `return` there branches this many labels out.
    let depth = 0;
    for (let i = 0; i < body.length - 1; i++) {
      const c = body[i];
      if (c.op === 0x20 || c.op === 0x21 || c.op === 0x22) {
        out.push({ ...c, index: c.index! + base });
      } else if (c.op === 0x0f) {
        out.push({ op: 0x0c, offset: c.offset, depth });
      } else {
        if (isOpener(c.op)) depth++;
        else if (c.op === 0x0b) depth--;
        out.push({ ...c });
      }
    }
    out.push({ op: 0x0b, offset: at });
  }
  return { func: { ...f, locals: [...f.locals, ...type.params, ...f.locals] }, body: out };
}
