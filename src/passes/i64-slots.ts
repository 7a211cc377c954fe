// Which i64 locals of a function live in a per-call BigInt64Array (`$L`)
// instead of plain `let` bindings (codegen/locals.ts).
//
// V8 boxes a BigInt merged in a phi: a value live where control paths join (a
// loop header, the end of an if or of a block something branches to, a
// handler) is reallocated on every pass (measured: an if/else merge ~3.9 ns
// per value against ~1.2 ns for a typed-array slot), while raw 64-bit
// typed-array elements are not. Only functions where some loop computes on i64
// values pay for the array: loops that only move i64 values through memory do
// not need it. Also for split bodies and pieces: liveness.ts models the
// splitter's pseudo-instructions.
import { ValType, type FuncType, type Instr } from '../ir.js';
import { Op } from '../opcodes.js';
import { Liveness } from './liveness.js';
import { structureOf, type Structure } from './structure.js';

/** The locals (indices, parameters first) to keep in `$L`, in index order. */
export function i64SlotLocals(body: Instr[], type: FuncType, locals: ValType[], structure: Structure = structureOf(body)): number[] {
  if (!loopsMixI64(body, structure)) return [];
  const all = [...type.params, ...locals];
  const carried = joinCarried(body, all.length, structure);
  const out: number[] = [];
  all.forEach((t, i) => {
    if (t === ValType.I64 && carried.has(i)) out.push(i);
  });
  return out;
}

/** Whether some loop computes on i64 values (arithmetic, shifts, bit operations). */
export function loopsMixI64(body: Instr[], s: Structure): boolean {
  const inLoop = new Uint8Array(body.length);
  for (let i = 0; i < body.length; i++) {
    const p = s.parent[i];
    // An instruction is in a loop when its frame is a loop or lies in one (parents come first).
    if (p >= 0) inLoop[i] = body[p].op === Op.Loop ? 1 : inLoop[p];
    const op = body[i].op;
    if (inLoop[i] && op >= Op.I64Add && op <= Op.I64Rotr) return true;
  }
  return false;
}

/** Locals live at some program point where control paths join (Liveness.joins). */
function joinCarried(body: Instr[], nLocals: number, structure: Structure): Set<number> {
  const carried = new Liveness(body, nLocals, structure).liveAtJoins();
  const out = new Set<number>();
  for (let l = 0; l < nLocals; l++) if (carried[l >>> 5] & (1 << (l & 31))) out.add(l);
  return out;
}
