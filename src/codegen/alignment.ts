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
import { frameStructure } from './liveness.js';
import { accessSize } from './memory.js';
import { Op } from '../opcodes.js';

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

class GiveUp extends Error {}

/** Stack effect [pops, pushes] of the plain operators that only make unknown values. */
function plainEffect(op: number): [number, number] | null {
  if (op === 0x01) return [0, 0];
  if (op === 0x1a) return [1, 0];
  if (op === 0x23) return [0, 1];
  if (op === 0x24) return [1, 0];
  if (op >= 0x28 && op <= 0x35) return [1, 1];
  if (op >= 0x36 && op <= 0x3e) return [2, 0];
  if (op === 0x3f) return [0, 1];
  if (op === 0x40) return [1, 1];
  if (op >= 0x42 && op <= 0x44) return [0, 1];
  if (op === 0x45 || op === 0x50 || (op >= 0x67 && op <= 0x69) || (op >= 0x79 && op <= 0x7b)) return [1, 1];
  if ((op >= 0x46 && op <= 0x4f) || (op >= 0x51 && op <= 0x66)) return [2, 1];
  if ((op >= 0x6a && op <= 0x78) || (op >= 0x7c && op <= 0x8a)) return [2, 1];
  if ((op >= 0x8b && op <= 0x91) || (op >= 0x99 && op <= 0x9f)) return [1, 1];
  if ((op >= 0x92 && op <= 0x98) || (op >= 0xa0 && op <= 0xa6)) return [2, 1];
  if (op >= 0xa7 && op <= 0xc4) return [1, 1];
  if (op >= Op.I32TruncSatF32S && op <= Op.I64TruncSatF64U) return [1, 1];
  if (op === Op.MemoryInit || op === Op.MemoryCopy || op === Op.MemoryFill) return [3, 0];
  if (op === Op.DataDrop) return [0, 0];
  return null;
}

/** i32 operators whose result's alignment follows from their operands'. */
function binary(op: number, a: Value, b: Value): Value {
  switch (op) {
    case 0x6a: // add
      return a.c !== undefined && b.c !== undefined ? konst((a.c + b.c) | 0) : { tz: Math.min(a.tz, b.tz) };
    case 0x6b: // sub
      return a.c !== undefined && b.c !== undefined ? konst((a.c - b.c) | 0) : { tz: Math.min(a.tz, b.tz) };
    case 0x6c: // mul
      return a.c !== undefined && b.c !== undefined ? konst(Math.imul(a.c, b.c)) : { tz: Math.min(32, a.tz + b.tz) };
    case 0x71: // and
      return { tz: Math.max(a.tz, b.tz) };
    case 0x72: // or
    case 0x73: // xor
      return { tz: Math.min(a.tz, b.tz) };
    case 0x74: // shl
      return { tz: b.c !== undefined ? Math.min(32, a.tz + (b.c & 31)) : a.tz };
    case 0x75: // shr_s
    case 0x76: // shr_u
      return { tz: b.c !== undefined ? Math.max(0, a.tz - (b.c & 31)) : 0 };
    default:
      return UNKNOWN;
  }
}

function konst(c: number): Value {
  return { tz: ctz(c), c };
}

/** Opcodes the analysis models (see run below); anything else makes it give up. */
function modeled(op: number): boolean {
  if (op <= 0x05 || op === 0x0b || (op >= 0x0c && op <= 0x11)) return true; // control, calls
  if (op === 0x1a || op === 0x1b || op === 0x1c || (op >= 0x20 && op <= 0x22)) return true;
  if (op === 0x41 || (op >= 0x6a && op <= 0x78)) return true;
  return plainEffect(op) !== null;
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
  const fs = frameStructure(body, 256);
  if (!fs) return proven;
  // The weakest alignment seen at each access, over every pass of every loop.
  const seen = new Map<Instr, number>();
  let budget = body.length * 40 + 1000;

  const entry: State = {
    locals: [...type.params.map(() => 0), ...locals.map((t) => (t === ValType.I32 ? 32 : 0))],
    stack: [],
  };

  function pop(st: State, n: number): Value[] {
    if (st.stack.length < n) throw new GiveUp();
    return st.stack.splice(st.stack.length - n, n);
  }

  /** Joins what a branch carries (locals and the label's values) into its target's state. */
  function branch(st: State, frames: Frame[], depth: number): void {
    if (depth >= frames.length) throw new GiveUp();
    const f = frames[frames.length - 1 - depth];
    const n = f.loop ? f.params : f.results;
    if (st.stack.length < n) throw new GiveUp();
    f.target = join(f.target, { locals: st.locals, stack: st.stack.slice(st.stack.length - n) });
  }

  /** Runs [from, to); returns the state after, or null when the end is unreachable. */
  function run(from: number, to: number, start: State, frames: Frame[]): State | null {
    let st: State | null = start;
    for (let i = from; i < to; i++) {
      if (--budget < 0) throw new GiveUp();
      if (!st) {
        // Skip unreachable code, frames included.
        const e = fs!.endOf[i];
        if (e >= 0) i = e;
        continue;
      }
      const ins = body[i];
      const op = ins.op;
      if (op === 0x02 || op === 0x03 || op === 0x04) {
        const bt = ins.type!;
        if (op === 0x04) pop(st, 1);
        const np = bt.params.length;
        const base = st.stack.length - np;
        if (base < 0) throw new GiveUp();
        const end = fs!.endOf[i];
        const f: Frame = { loop: op === 0x03, params: np, results: bt.results.length, target: null };
        // The frame's own state: a copy where the original is needed again (loop passes, the else arm).
        const inner = (s: State): State => ({ locals: s.locals.slice(), stack: s.stack.slice(base) });
        const enter = (s: State): State => ({ locals: s.locals, stack: s.stack.slice(base) });
        frames.push(f);
        const outer = st.stack.slice(0, base);
        let after: State | null;
        if (op === 0x03) {
          let header = inner(st);
          for (;;) {
            f.target = null;
            after = run(i + 1, end, { locals: header.locals.slice(), stack: header.stack.slice() }, frames);
            const next = f.target ? join(header, f.target) : header;
            if (sameState(next, header)) break;
            header = next;
          }
        } else if (op === 0x04) {
          const seps = fs!.seps.get(i);
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
        if (after && after.stack.length !== f.results) throw new GiveUp();
        st = after ? { locals: after.locals, stack: [...outer, ...after.stack] } : null;
        i = end;
        continue;
      }
      if (op === 0x0b) continue; // the end of the function body
      if (op === 0x05) throw new GiveUp(); // reached only through frame bounds
      const a = accessSize(op);
      if (a !== undefined) {
        const addr = st.stack[st.stack.length - (op >= 0x36 ? 2 : 1)];
        if (!addr) throw new GiveUp();
        // Bounds only fall from pass to pass, so a store unproven now stays so.
        if (allStores && op >= 0x36 && addr.tz < 31 - Math.clz32(a)) throw new GiveUp();
        const prev = seen.get(ins);
        seen.set(ins, prev === undefined ? addr.tz : Math.min(prev, addr.tz));
      }
      switch (op) {
        case 0x00:
          st = null;
          continue;
        case 0x0c:
          branch(st, frames, ins.depth!);
          st = null;
          continue;
        case 0x0d:
          pop(st, 1);
          branch(st, frames, ins.depth!);
          continue;
        case 0x0e:
          pop(st, 1);
          for (const d of ins.labels!) branch(st, frames, d);
          branch(st, frames, ins.depth!);
          st = null;
          continue;
        case 0x0f:
          st = null;
          continue;
        case 0x10:
        case 0x11: {
          const t = op === 0x10 ? m.types[m.funcTypes[ins.index!]] : m.types[ins.index!];
          if (!t) throw new GiveUp();
          pop(st, t.params.length + (op === 0x11 ? 1 : 0));
          for (let k = 0; k < t.results.length; k++) st.stack.push(UNKNOWN);
          continue;
        }
        case 0x1b:
        case 0x1c: {
          const [x, y] = pop(st, 3);
          st.stack.push(x.c !== undefined && x.c === y.c ? x : { tz: Math.min(x.tz, y.tz) });
          continue;
        }
        case 0x20:
          if (ins.index! >= st.locals.length) throw new GiveUp();
          st.stack.push({ tz: st.locals[ins.index!] });
          continue;
        case 0x21:
        case 0x22: {
          const [v] = pop(st, 1);
          if (ins.index! >= st.locals.length) throw new GiveUp();
          st.locals[ins.index!] = v.tz;
          if (op === 0x22) st.stack.push({ tz: v.tz });
          continue;
        }
        case 0x41:
          st.stack.push(konst(ins.i32! | 0));
          continue;
      }
      if (op >= 0x6a && op <= 0x78) {
        const [x, y] = pop(st, 2);
        st.stack.push(binary(op, x, y));
        continue;
      }
      const eff = plainEffect(op);
      if (!eff) throw new GiveUp();
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
