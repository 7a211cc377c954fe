// Legacy exception handling: try / catch / catch_all / delegate / rethrow, lowered
// onto the same runtime objects as try_table.
//
//   L4: try {                    try (result i32)
//     ...                          ...
//   } catch ($e4) {              catch $t  (payload -> slots)
//     if ($uncatchable($e4)) throw $e4;
//     if (($p = $payloadOf($e4, TG0, "i")) !== null) {
//       s0 = $p[0]; ...handler...
//     } else {                   catch_all
//       ...handler...
//     }                          (no catch_all: `else { throw $e4; }`)
//   }
//
// `rethrow n` throws the catch variable of the frame n out (the same object).
// `delegate n` must hand the exception to a handler further out, past any JS catch
// blocks in between: it records the target handler's id in the function-level
// variable `$dg` and rethrows; every handler in a function that delegates first
// passes on exceptions addressed to another handler. A delegation to the caller
// uses an id no handler has, so the exception leaves the function unchanged.
import type { Instr } from '../ir.js';
import type { FunctionLowering, Handler } from './function.js';
import { openFrame, settleResults, resumeAfter, type Frame } from './control.js';
import { tagSig, tagArity } from './exceptions.js';

interface LegacyState {
  /** Handler id (for delegation) and the catch variable. */
  id: number;
  catchVar: string;
  /** Number of catch clauses opened so far. */
  clauses: number;
  catchAll: boolean;
}

const state = (f: Frame) => f.extra as LegacyState;

/**
 * The first lines of every catch block (try_table and legacy): traps and stack
 * exhaustion go on uncaught, delegations addressed elsewhere go on, and the cached
 * memory views are re-read (memory may have grown inside the try before the throw).
 */
export function handlerPrologue(fl: FunctionLowering, catchVar: string, id: number): void {
  fl.stack.emit(`if (${fl.helper('uncatchable')}(${catchVar})) throw ${catchVar};`);
  delegationCheck(fl, catchVar, id);
  // Nothing in a function whose calls all keep the buffers can have grown memory.
  if (!fl.ctx.memoryStable[fl.func.index]) fl.refreshMemories();
}

/** Lines a handler starts with in a function that delegates. */
export function delegationCheck(fl: FunctionLowering, catchVar: string, id: number): void {
  if (!fl.usesDelegate) return;
  const dg = fl.temp('$dg');
  fl.stack.emit(`if (${dg} !== undefined) { if (${dg} !== ${id}) throw ${catchVar}; ${dg} = undefined; }`);
}

const tryOp: Handler = (fl, ins: Instr) => {
  fl.stack.materializeAll();
  const f = openFrame(fl, 'try', ins, 'try {');
  const id = fl.newHandlerId();
  f.extra = { id, catchVar: `$e${id}`, clauses: 0, catchAll: false } satisfies LegacyState;
};

/** End the body or the previous handler, leaving results in slots. */
function finishPart(fl: FunctionLowering, f: Frame): void {
  settleResults(fl, f);
  if (fl.reachable) f.thenEndReachable = true;
}

/** Start a handler (catch or catch_all). */
function openHandler(fl: FunctionLowering, f: Frame, ins: Instr, all: boolean): void {
  const st = fl.stack;
  const s = state(f);
  finishPart(fl, f);
  st.truncate(f.height);
  st.indent--;
  let cond = '';
  if (!all) {
    const p = fl.temp('$p');
    const sig = tagSig(fl, ins.tag!);
    cond = `if ((${p} = ${fl.helper('payloadOf')}(${s.catchVar}, TG${ins.tag}, ${JSON.stringify(sig)})) !== null) {`;
  }
  if (s.clauses === 0) {
    f.kind = 'catch';
    st.emit(`} catch (${s.catchVar}) {`);
    st.indent++;
    handlerPrologue(fl, s.catchVar, s.id);
    st.emit(all ? '{' : cond);
  } else {
    st.emit(all ? '} else {' : `} else ${cond}`);
  }
  st.indent++;
  if (all) {
    s.catchAll = true;
  } else {
    const n = tagArity(fl, ins.tag!);
    for (let i = 0; i < n; i++) {
      st.emit(`s${f.height + i} = $p[${i}];`);
      if (f.height + i > st.maxSlotUsed) st.maxSlotUsed = f.height + i;
      st.pushSlot(f.height + i);
    }
  }
  s.clauses++;
  fl.reachable = f.enteredReachable;
}

/** `end` of a legacy try (the frame has been popped and its results settled). */
export function closeLegacyFrame(fl: FunctionLowering, f: Frame, endReachable: boolean): void {
  const st = fl.stack;
  const s = state(f);
  if (endReachable) f.thenEndReachable = true;
  if (f.branched) st.fill(f.openLine, `${f.label}: try {`, f.openIndent);
  st.indent--;
  if (s.clauses === 0) {
    // try ... end without handlers: a block that still passes delegations on.
    st.emit(`} catch (${s.catchVar}) {`);
    st.indent++;
    delegationCheck(fl, s.catchVar, s.id);
    st.emit(`throw ${s.catchVar};`);
    st.indent--;
    st.emit('}');
    return;
  }
  if (!s.catchAll) {
    st.emit('} else {');
    st.emit(`  throw ${s.catchVar};`);
  }
  st.emit('}');
  st.indent--;
  st.emit('}');
}

/** The handler a delegation to the frame `depth` out reaches: its id, or -1 for the caller. */
function delegationTarget(fl: FunctionLowering, depth: number): number {
  for (let i = fl.frames.length - 1 - depth; i >= 0; i--) {
    const f = fl.frames[i];
    if (f.kind === 'try') return state(f).id;
    if (f.kind === 'try_table') return (f.extra as { handlerId: number }).handlerId;
  }
  return -1;
}

const delegate: Handler = (fl, ins) => {
  const st = fl.stack;
  const f = fl.frames.pop()!;
  const s = state(f);
  settleResults(fl, f);
  const endReachable = fl.reachable;
  if (f.branched) st.fill(f.openLine, `${f.label}: try {`, f.openIndent);
  const target = delegationTarget(fl, ins.depth!);
  st.indent--;
  st.emit(`} catch (${s.catchVar}) {`);
  st.indent++;
  st.emit(`if (${fl.helper('uncatchable')}(${s.catchVar})) throw ${s.catchVar};`);
  delegationCheck(fl, s.catchVar, s.id);
  st.emit(`${fl.temp('$dg')} = ${target};`);
  st.emit(`throw ${s.catchVar};`);
  st.indent--;
  st.emit('}');
  resumeAfter(fl, f, endReachable || f.branched);
};

const rethrow: Handler = (fl, ins) => {
  const st = fl.stack;
  const f = fl.frameAt(ins.depth!);
  st.flushForStatement(false);
  st.emit(`throw ${state(f).catchVar};`);
  fl.markUnreachable();
};

export const legacyHandlers: [number, Handler][] = [
  [0x06, tryOp],
  [0x07, (fl, ins) => openHandler(fl, fl.frames[fl.frames.length - 1], ins, false)],
  [0x19, (fl, ins) => openHandler(fl, fl.frames[fl.frames.length - 1], ins, true)],
  [0x18, delegate],
  [0x09, rethrow],
];
