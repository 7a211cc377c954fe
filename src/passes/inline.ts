// Inlining of small recursive functions into themselves.
//
// V8 never inlines a function into itself ("recursive inlining" is refused in
// TurboFan's heuristic), so in JS every level of a recursion pays a full call:
// frame set-up, stack check, tagging the arguments and the result. Wasm
// engines pay less per call, which left naive recursion (the fib kernel) at
// ~1.45x native, exactly where binaryen's wasm2js output is. Replacing each
// self-call of a small function by a copy of its own body halves the number
// of JS calls; measured on fib: 1.45x -> 0.89x native.
//
// It also decides how deep a recursion can go. A JS frame costs ~11 words plus
// one per variable (V8's interpreter, which runs the first, cold calls);
// a Liftoff frame ~7 words: one JS frame per Wasm level reached ~0.45-0.55x of
// native depth. With one self-call site, copies nest LEVELS deep (a copy's
// self-call is a copy again, down to the last one, which calls), so one JS
// frame carries several Wasm levels: plain recursion 1.84x, a C++-like frame
// (locals live across the call, inside a handler) 1.05x native (bench/depth.mjs).
//
// A self-call is a `call` of the function, or a `call_indirect` of its type:
// that one may reach the function (recursion through a function pointer), so
// a guard looks the callee up (trapping exactly as call_indirect would) and
// runs the copy when it is this very function, the call otherwise
// (Op.CalleeGuard / Op.CallGuarded): 0.46x -> 1.46x native depth.
//
// The copy is a `block` with the function's results. Inside it, the callee's
// labels keep their relative depths: the function frame they could branch to is
// now that block, and a `return` becomes a branch to it. The callee's
// parameters and locals become fresh locals of the caller (shared by all copies
// of one level: a copy runs to completion before the next starts), its
// arguments are stored into them from the operand stack, and its declared
// locals are zeroed, since a copy may run many times in one call.
//
// Mutual recursion (f calls g calls f) gets the same treatment in two steps:
// the one direct call of f to its small partner g is replaced by a copy of g
// (inlineCyclePartner), which makes f directly recursive, and then f's
// self-calls are copied as above. even/odd recursion: 0.58x -> see
// docs/performance.md.
//
// Left alone: bodies over MAX_BODY instructions (MAX_BODY_ONE_SITE with one
// self-call site, copied once), with more than MAX_SITES
// self-calls or MAX_LOCALS locals (code growth), tail calls, and locals
// without a plain zero constant (references, v128).
import type { Func, FuncType, Instr } from '../ir.js';
import { ValType } from '../ir.js';
import { Op } from '../opcodes.js';
import { depthOf, structureOf } from './structure.js';

const MAX_BODY = 64;
const MAX_SITES = 4;
/** Bodies of one self-call site up to this size get one copy (not LEVELS): many-locals frames, 0.98x -> see docs/performance.md. */
const MAX_BODY_ONE_SITE = 512;
const MAX_LOCALS = 64;
/** How many levels deep copies go for a function with one self-call site. */
const LEVELS = 3;

/**
 * Tail calls: in a copy, a tail call would leave the caller. Exception
 * handling copies as is: the copy's try regions sit inside whatever encloses
 * the call site, so what a copy does not catch reaches the caller's handlers
 * around the call, as it would from a real call; `rethrow` names frames
 * inside the copy; a `delegate` to the function's own frame names the copy's
 * block, so it reaches the handler around the call site (the caller's, as a
 * delegation to the caller does).
 */
const EXCLUDED = new Set<number>([Op.ReturnCall, Op.ReturnCallIndirect, Op.ReturnCallRef]);

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
export function inlineSelfCalls(types: FuncType[], f: Func, body: Instr[]): { func: Func; body: Instr[] } | null {
  if (body.length > MAX_BODY_ONE_SITE) return null;
  const type = types[f.typeIdx];
  /**
   * A call of the function itself: a direct one, or a call_indirect of its
   * type, which may be one (a guard tests the callee: the copy when it is this
   * function, the call otherwise).
   */
  const selfCall = (ins: Instr): 'direct' | 'guarded' | null =>
    ins.op === Op.Call && ins.index === f.index ? 'direct'
      : ins.op === Op.CallIndirect && types[ins.index!] !== undefined && sameType(types[ins.index!], type) ? 'guarded'
      : null;
  let sites = 0;
  for (const ins of body) {
    if (EXCLUDED.has(ins.op)) return null;
    if (selfCall(ins)) sites++;
  }
  if (sites === 0 || sites > MAX_SITES || (body.length > MAX_BODY && sites > 1)) return null;
  // Each copy zeroes the locals again, and all of them are doubled.
  if (type.params.length + f.locals.length > MAX_LOCALS) return null;
  if (!f.locals.every((t) => zeroOf(t, 0) !== null)) return null;

  const np = type.params.length;
  const frame = np + f.locals.length;
  const structure = structureOf(body);
  // With one call site, copies go LEVELS deep (each copy's own self-call is a
  // copy again, down to the last, which calls): a JS frame's fixed cost is
  // then shared by several Wasm levels, so recursion gets as deep as native
  // Wasm before the stack is exhausted (measured on V8: ~11 words of fixed
  // frame plus one per variable, against ~7 words for a Liftoff frame).
  // Bigger bodies (up to MAX_BODY_ONE_SITE) get one copy: with their
  // temporaries coalesced (coalesce.ts) two Wasm levels share one frame.
  const levels = sites === 1 && body.length <= MAX_BODY ? LEVELS : 1;
  const out: Instr[] = [];
  /** The call site `ins`, `level` deep: a copy of the body, or for call_indirect a guarded one. */
  const site = (ins: Instr, level: number): void => {
    if (selfCall(ins) === 'direct') {
      copy(level, ins.offset);
      return;
    }
    const at = ins.offset;
    out.push({ op: Op.CalleeGuard, offset: at, mem: ins.mem, index: ins.index });
    out.push({ op: Op.If, offset: at, type: { params: type.params, results: type.results } });
    copy(level, at);
    out.push({ op: Op.Else, offset: at });
    out.push({ op: Op.CallGuarded, offset: at, index: ins.index });
    out.push({ op: Op.End, offset: at });
  };
  /** A copy of the body at a call site, `level` deep (its locals: frame (level) onward). */
  const copy = (level: number, at: number): void => {
    copyBody(out, type, f.locals, body, structure, frame * level, at, (c) => {
      if (!selfCall(c) || level >= levels) return false;
      site(c, level + 1);
      return true;
    });
  };
  for (const ins of body) {
    if (selfCall(ins)) site(ins, 1);
    else out.push(ins);
  }
  const locals = [...f.locals];
  for (let l = 0; l < levels; l++) locals.push(...type.params, ...f.locals);
  return { func: { ...f, locals }, body: out };
}

/**
 * Appends to `out` a copy of a function body (type `type`, declared locals
 * `locals`) for a call site at offset `at` whose arguments are on the operand
 * stack: the arguments are stored into the copy's locals (numbered from
 * `base`), its declared locals zeroed, and the body runs in a block with the
 * function's results. `call` may emit an instruction itself (returning true),
 * e.g. a nested copy of a call site.
 */
function copyBody(out: Instr[], type: FuncType, locals: ValType[], body: Instr[], structure: ReturnType<typeof structureOf>,
  base: number, at: number, call: (c: Instr) => boolean): void {
  const np = type.params.length;
  for (let p = np - 1; p >= 0; p--) out.push({ op: Op.LocalSet, offset: at, index: base + p });
  locals.forEach((t, j) => out.push(zeroOf(t, at)!, { op: Op.LocalSet, offset: at, index: base + np + j }));
  out.push({ op: Op.Block, offset: at, type: { params: [], results: type.results } });
  for (let i = 0; i < body.length - 1; i++) {
    const c = body[i];
    if (c.op === Op.LocalGet || c.op === Op.LocalSet || c.op === Op.LocalTee) {
      out.push({ ...c, index: c.index! + base });
    } else if (c.op === Op.Return) {
      // A `return` branches out of the frames open inside the copy, to the copy's block.
      out.push({ op: Op.Br, offset: c.offset, depth: depthOf(structure, i) });
    } else if (!call(c)) {
      out.push({ ...c });
    }
  }
  out.push({ op: Op.End, offset: at });
}

/** Whether a body can be copied at all: small, no tail calls, numeric declared locals. */
function copyable(f: Func, body: Instr[]): boolean {
  if (body.length > MAX_BODY) return false;
  for (const ins of body) if (EXCLUDED.has(ins.op)) return false;
  return f.locals.every((t) => zeroOf(t, 0) !== null);
}

/**
 * For mutual recursion: when `f` makes exactly one direct call to another
 * function g that is small and calls `f` directly (a cycle of two), `f` with
 * that call replaced by a copy of g's body, after which `f` calls itself (for
 * inlineSelfCalls). `bodyOf(i)` gives the decoded body of a defined function
 * small enough to consider (and valid), or null. `body` must be valid.
 */
export function inlineCyclePartner(types: FuncType[], f: Func, body: Instr[],
  bodyOf: (index: number) => { func: Func; body: Instr[] } | null): { func: Func; body: Instr[] } | null {
  if (!copyable(f, body)) return null;
  let site = -1;
  for (let i = 0; i < body.length; i++) {
    const ins = body[i];
    if (ins.op === Op.Call && ins.index !== f.index) {
      if (site >= 0) return null;
      site = i;
    }
  }
  if (site < 0) return null;
  const partner = bodyOf(body[site].index!);
  if (!partner) return null;
  const { func: g, body: gBody } = partner;
  if (!copyable(g, gBody) || !gBody.some((ins) => ins.op === Op.Call && ins.index === f.index)) return null;
  const type = types[f.typeIdx];
  const gType = types[g.typeIdx];
  if (type.params.length + f.locals.length + gType.params.length + g.locals.length > MAX_LOCALS) return null;
  const base = type.params.length + f.locals.length;
  const out: Instr[] = body.slice(0, site);
  copyBody(out, gType, g.locals, gBody, structureOf(gBody), base, body[site].offset, () => false);
  for (let i = site + 1; i < body.length; i++) out.push(body[i]);
  return { func: { ...f, locals: [...f.locals, ...gType.params, ...g.locals] }, body: out };
}

function sameType(a: FuncType, b: FuncType): boolean {
  return a.params.length === b.params.length && a.results.length === b.results.length
    && a.params.every((t, i) => t === b.params[i]) && a.results.every((t, i) => t === b.results[i]);
}
