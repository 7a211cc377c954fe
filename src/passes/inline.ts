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
import { Op } from '../opcodes.js';
import { depthOf, structureOf } from './structure.js';

const MAX_BODY = 64;
const MAX_SITES = 4;
const MAX_LOCALS = 64;

/** Exception handling and tail calls. */
const EXCLUDED = new Set<number>([
  Op.Try, Op.Catch, Op.Throw, Op.Rethrow, Op.ThrowRef, Op.Delegate, Op.CatchAll, Op.TryTable,
  Op.ReturnCall, Op.ReturnCallIndirect, Op.ReturnCallRef,
]);

/** The constant instruction pushing the zero of a numeric type, or null. */
function zeroOf(t: ValType, offset: number): Instr | null {
  switch (t) {
    case ValType.I32: return { op: Op.I32Const, offset, i32: 0 };
    case ValType.I64: return { op: Op.I64Const, offset, i64: 0n };
    case ValType.F32: return { op: Op.F32Const, offset, i32: 0 };
    case ValType.F64: return { op: Op.F64Const, offset, i64: 0n };
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
    if (ins.op === Op.Call && ins.index === f.index) sites++;
  }
  if (sites === 0 || sites > MAX_SITES) return null;
  // Each copy zeroes the locals again, and all of them are doubled.
  if (type.params.length + f.locals.length > MAX_LOCALS) return null;
  if (!f.locals.every((t) => zeroOf(t, 0) !== null)) return null;

  const np = type.params.length;
  const base = np + f.locals.length;
  const structure = structureOf(body);
  const out: Instr[] = [];
  for (const ins of body) {
    if (ins.op !== Op.Call || ins.index !== f.index) {
      out.push(ins);
      continue;
    }
    const at = ins.offset;
    for (let p = np - 1; p >= 0; p--) out.push({ op: Op.LocalSet, offset: at, index: base + p });
    f.locals.forEach((t, j) => out.push(zeroOf(t, at)!, { op: Op.LocalSet, offset: at, index: base + np + j }));
    out.push({ op: Op.Block, offset: at, type: { params: [], results: type.results } });
    for (let i = 0; i < body.length - 1; i++) {
      const c = body[i];
      if (c.op === Op.LocalGet || c.op === Op.LocalSet || c.op === Op.LocalTee) {
        out.push({ ...c, index: c.index! + base });
      } else if (c.op === Op.Return) {
        // A `return` branches out of the frames open inside the copy, to the copy's block.
        out.push({ op: Op.Br, offset: c.offset, depth: depthOf(structure, i) });
      } else {
        out.push({ ...c });
      }
    }
    out.push({ op: Op.End, offset: at });
  }
  return { func: { ...f, locals: [...f.locals, ...type.params, ...f.locals] }, body: out };
}
