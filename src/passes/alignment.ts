// Known alignment of memory addresses in one function body, for memory.ts: an
// access whose address is provably a multiple of its size can index a typed
// view directly (`V[(a >>> 3) + k]`) with no alignment test in the code.
//
// A forward abstract interpretation over the structured body. Each i32 value
// on the operand stack and each local carries a lower bound on its trailing
// zero bits (32 for zero); other values carry 0. Joins take the minimum, loops
// are re-run until their entry state stops changing (the bounds only fall, so
// this ends). Anything it does not model (exception handling, tail calls,
// split pieces' pseudo-instructions, GC and reference operators, ...) makes it
// give up: the function then gets no proven accesses, which is always safe.
//
// The rules follow from binary arithmetic modulo 2^32: a sum or difference
// keeps the smaller count, a product the sum of counts, `and` the larger,
// `or`/`xor` the smaller, a left shift by a constant k adds k, a right shift by
// k removes k.
import type { FuncType, Instr, Module } from '../ir.js';
import { ValType } from '../ir.js';
import { Op, OP_INFO } from '../opcodes.js';
import { structureOf } from './structure.js';

interface Value {
  /** Trailing zero bits known (0..32). */
  tz: number;
  /** The value, when it is an i32 constant. */
  c?: number;
}

interface State {
  locals: number[];
  stack: Value[];
}

interface Frame {
  loop: boolean;
  params: number;
  results: number;
  /** Join of the states reaching the end (blocks) or the header (loops); null: none yet. */
  target: State | null;
}

const UNKNOWN: Value = { tz: 0 };

function ctz(c: number): number {
  return c === 0 ? 32 : 31 - Math.clz32(c & -c);
}

function join(a: State | null, b: State): State {
  if (!a) return { locals: b.locals.slice(), stack: b.stack.slice() };
  return {
    locals: a.locals.map((t, i) => Math.min(t, b.locals[i])),
    stack: a.stack.map((v, i) => (v.tz <= b.stack[i].tz && (v.c === undefined || v.c === b.stack[i].c) ? v : { tz: Math.min(v.tz, b.stack[i].tz) })),
  };
}

function sameState(a: State, b: State): boolean {
  return a.locals.every((t, i) => t === b.locals[i]) && a.stack.every((v, i) => v.tz === b.stack[i].tz && v.c === b.stack[i].c);
}

/**
 * Thrown to stop the analysis. Not an Error: constructing one captures a stack
 * trace, which was 1% of compiling esbuild-wasm (most functions give up).
 */
class GiveUp {}
const GIVE_UP = new GiveUp();

/**
 * Stack effect [pops, pushes] of the plain operators that only make unknown
 * values: those with a fixed signature in the opcode table (numeric operators,
 * loads and stores, constants), and a few more.
 */
function plainEffect(op: number): [number, number] | null {
  switch (op) {
    case Op.Nop: case Op.DataDrop: return [0, 0];
    case Op.Drop: case Op.GlobalSet: return [1, 0];
    case Op.GlobalGet: case Op.MemorySize: return [0, 1];
    case Op.MemoryGrow: return [1, 1];
    case Op.MemoryInit: case Op.MemoryCopy: case Op.MemoryFill: return [3, 0];
  }
  const sig = OP_INFO[op]?.sig;
  return sig ? [sig.params.length, sig.results.length] : null;
}

/** Bytes accessed by a load or store, or undefined for any other opcode. */
function accessSize(op: number): number | undefined {
  return OP_INFO[op]?.access?.bytes;
}

/** i32 operators whose result's alignment follows from their operands'. */
function binary(op: number, a: Value, b: Value): Value {
  switch (op) {
    case Op.I32Add:
      return a.c !== undefined && b.c !== undefined ? konst((a.c + b.c) | 0) : { tz: Math.min(a.tz, b.tz) };
    case Op.I32Sub:
      return a.c !== undefined && b.c !== undefined ? konst((a.c - b.c) | 0) : { tz: Math.min(a.tz, b.tz) };
    case Op.I32Mul:
      return a.c !== undefined && b.c !== undefined ? konst(Math.imul(a.c, b.c)) : { tz: Math.min(32, a.tz + b.tz) };
    case Op.I32And:
      return { tz: Math.max(a.tz, b.tz) };
    case Op.I32Or:
    case Op.I32Xor:
      return { tz: Math.min(a.tz, b.tz) };
    case Op.I32Shl:
      return { tz: b.c !== undefined ? Math.min(32, a.tz + (b.c & 31)) : a.tz };
    case Op.I32ShrS:
    case Op.I32ShrU:
      return { tz: b.c !== undefined ? Math.max(0, a.tz - (b.c & 31)) : 0 };
    default:
      return UNKNOWN;
  }
}

function konst(c: number): Value {
  return { tz: ctz(c), c };
}

/** Opcodes the analysis models (see run below); anything else makes it give up. */
const MODELED = new Set<number>([
  Op.Unreachable, Op.Nop, Op.Block, Op.Loop, Op.If, Op.Else, Op.End,
  Op.Br, Op.BrIf, Op.BrTable, Op.Return, Op.Call, Op.CallIndirect,
  Op.Drop, Op.Select, Op.TypedSelect, Op.LocalGet, Op.LocalSet, Op.LocalTee,
]);
function modeled(op: number): boolean {
  return MODELED.has(op) || plainEffect(op) !== null;
}

/**
 * The load and store instructions of `body` whose address operand is known to
 * be a multiple of the access size. `type` and `locals` describe the function
 * (parameters are unknown, declared locals start at zero). With `allStores`
 * the answer is all or nothing: empty unless every store is proven (memory.ts
 * uses typed views only then), which lets the pass stop at the first store it
 * cannot prove: most functions of a big module end there, early.
 */
export function alignedAccesses(m: Module, type: FuncType, locals: ValType[], body: Instr[], allStores = true): Set<Instr> {
  const proven = new Set<Instr>();
  for (const ins of body) if (!modeled(ins.op)) return proven;
  const fs = structureOf(body);
  if (fs.maxDepth > 256) return proven;
  // The weakest alignment seen at each access, over every pass of every loop.
  const seen = new Map<Instr, number>();
  let budget = body.length * 40 + 1000;

  const entry: State = {
    locals: [...type.params.map(() => 0), ...locals.map((t) => (t === ValType.I32 ? 32 : 0))],
    stack: [],
  };

  function pop(st: State, n: number): Value[] {
    if (st.stack.length < n) throw GIVE_UP;
    return st.stack.splice(st.stack.length - n, n);
  }

  /** Joins what a branch carries (locals and the label's values) into its target's state. */
  function branch(st: State, frames: Frame[], depth: number): void {
    if (depth >= frames.length) throw GIVE_UP;
    const f = frames[frames.length - 1 - depth];
    const n = f.loop ? f.params : f.results;
    if (st.stack.length < n) throw GIVE_UP;
    f.target = join(f.target, { locals: st.locals, stack: st.stack.slice(st.stack.length - n) });
  }

  /** Runs [from, to); returns the state after, or null when the end is unreachable. */
  function run(from: number, to: number, start: State, frames: Frame[]): State | null {
    let st: State | null = start;
    for (let i = from; i < to; i++) {
      if (--budget < 0) throw GIVE_UP;
      if (!st) {
        // Skip unreachable code, frames included.
        const e = fs.endOf[i];
        if (e >= 0) i = e;
        continue;
      }
      const ins = body[i];
      const op = ins.op;
      if (op === Op.Block || op === Op.Loop || op === Op.If) {
        const bt = ins.type!;
        if (op === Op.If) pop(st, 1);
        const np = bt.params.length;
        const base = st.stack.length - np;
        if (base < 0) throw GIVE_UP;
        const end = fs.endOf[i];
        const f: Frame = { loop: op === Op.Loop, params: np, results: bt.results.length, target: null };
        // The frame's own state: a copy where the original is needed again (loop passes, the else arm).
        const inner = (s: State): State => ({ locals: s.locals.slice(), stack: s.stack.slice(base) });
        const enter = (s: State): State => ({ locals: s.locals, stack: s.stack.slice(base) });
        frames.push(f);
        const outer = st.stack.slice(0, base);
        let after: State | null;
        if (op === Op.Loop) {
          let header = inner(st);
          for (;;) {
            f.target = null;
            after = run(i + 1, end, { locals: header.locals.slice(), stack: header.stack.slice() }, frames);
            const next = f.target ? join(header, f.target) : header;
            if (sameState(next, header)) break;
            header = next;
          }
        } else if (op === Op.If) {
          const seps = fs.seps.get(i);
          const elseAt = seps ? seps[0] : end;
          const thenOut = run(i + 1, elseAt, inner(st), frames);
          // Without an else, the false path carries the parameters as results.
          const elseOut: State | null = seps ? run(elseAt + 1, end, enter(st), frames) : enter(st);
          after = thenOut;
          if (elseOut) after = after ? join(after, elseOut) : elseOut;
          if (f.target) after = after ? join(after, f.target) : f.target;
        } else {
          after = run(i + 1, end, enter(st), frames);
          if (f.target) after = after ? join(after, f.target) : f.target;
        }
        frames.pop();
        if (after && after.stack.length !== f.results) throw GIVE_UP;
        st = after ? { locals: after.locals, stack: [...outer, ...after.stack] } : null;
        i = end;
        continue;
      }
      if (op === Op.End) continue; // the end of the function body
      if (op === Op.Else) throw GIVE_UP; // reached only through frame bounds
      const a = accessSize(op);
      if (a !== undefined) {
        const store = OP_INFO[op]!.access!.store;
        const addr = st.stack[st.stack.length - (store ? 2 : 1)];
        if (!addr) throw GIVE_UP;
        // Bounds only fall from pass to pass, so a store unproven now stays so.
        if (allStores && store && addr.tz < 31 - Math.clz32(a)) throw GIVE_UP;
        const prev = seen.get(ins);
        seen.set(ins, prev === undefined ? addr.tz : Math.min(prev, addr.tz));
      }
      switch (op) {
        case Op.Unreachable:
          st = null;
          continue;
        case Op.Br:
          branch(st, frames, ins.depth!);
          st = null;
          continue;
        case Op.BrIf:
          pop(st, 1);
          branch(st, frames, ins.depth!);
          continue;
        case Op.BrTable:
          pop(st, 1);
          for (const d of ins.labels!) branch(st, frames, d);
          branch(st, frames, ins.depth!);
          st = null;
          continue;
        case Op.Return:
          st = null;
          continue;
        case Op.Call:
        case Op.CallIndirect: {
          const t = op === Op.Call ? m.types[m.funcTypes[ins.index!]] : m.types[ins.index!];
          if (!t) throw GIVE_UP;
          pop(st, t.params.length + (op === Op.CallIndirect ? 1 : 0));
          for (let k = 0; k < t.results.length; k++) st.stack.push(UNKNOWN);
          continue;
        }
        case Op.Select:
        case Op.TypedSelect: {
          const [x, y] = pop(st, 3);
          st.stack.push(x.c !== undefined && x.c === y.c ? x : { tz: Math.min(x.tz, y.tz) });
          continue;
        }
        case Op.LocalGet:
          if (ins.index! >= st.locals.length) throw GIVE_UP;
          st.stack.push({ tz: st.locals[ins.index!] });
          continue;
        case Op.LocalSet:
        case Op.LocalTee: {
          const [v] = pop(st, 1);
          if (ins.index! >= st.locals.length) throw GIVE_UP;
          st.locals[ins.index!] = v.tz;
          if (op === Op.LocalTee) st.stack.push({ tz: v.tz });
          continue;
        }
        case Op.I32Const:
          st.stack.push(konst(ins.i32! | 0));
          continue;
      }
      if (op >= Op.I32Add && op <= Op.I32Rotr) {
        const [x, y] = pop(st, 2);
        st.stack.push(binary(op, x, y));
        continue;
      }
      const eff = plainEffect(op);
      if (!eff) throw GIVE_UP;
      pop(st, eff[0]);
      for (let k = 0; k < eff[1]; k++) st.stack.push(UNKNOWN);
    }
    return st;
  }

  try {
    run(0, body.length, entry, [{ loop: false, params: 0, results: type.results.length, target: null }]);
  } catch (e) {
    if (e instanceof GiveUp) return proven;
    throw e;
  }
  for (const [ins, tz] of seen) {
    if (tz >= 31 - Math.clz32(accessSize(ins.op)!)) proven.add(ins);
  }
  return proven;
}
