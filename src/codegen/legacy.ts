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
import { Op } from '../opcodes.js';
import { openFrame, resumeAfter, settleResults, type Frame, type Handler, type Lowering } from './lowering.js';
import { delegationCheck, handlerPrologue, tagArity, tagSig, type TryTableState } from './catching.js';
import { caseLabel, enterTryBody, flatFrame, jump, leaveTryBody } from './dispatch.js';

interface LegacyState {
  /** Handler id (for delegation) and the catch variable. */
  id: number;
  catchVar: string;
  /** Number of catch clauses opened so far. */
  clauses: number;
  catchAll: boolean;
  /** A flat try (dispatch.ts): the tag (-1: catch_all) and dispatch case of each clause. */
  flatClauses?: { tag: number; at: number }[];
}

const state = (f: Frame) => f.extra as LegacyState;

const tryOp: Handler = (lw, ins: Instr) => {
  lw.stack.materializeAll();
  if (lw.isFlat(ins)) {
    // In the dispatch loop (dispatch.ts): the body runs under this try's handler
    // id; the catch variable is a temporary the routing sets.
    const flat = flatFrame(lw, 'try');
    const f = openFrame(lw, 'try', ins, '', flat);
    const id = flat.handler!;
    f.extra = { id, catchVar: lw.temp(`$e${id}`), clauses: 0, catchAll: false, flatClauses: [] } satisfies LegacyState;
    f.close = closeFlatLegacyFrame;
    enterTryBody(lw, flat);
    return;
  }
  const f = openFrame(lw, 'try', ins, 'try {');
  const id = lw.newHandlerId();
  f.extra = { id, catchVar: `$e${id}`, clauses: 0, catchAll: false } satisfies LegacyState;
  f.close = closeLegacyFrame;
};

/** End the body or the previous handler, leaving results in slots. */
function finishPart(lw: Lowering, f: Frame): void {
  settleResults(lw, f);
  if (lw.reachable) f.thenEndReachable = true;
}

/** Start a handler (catch or catch_all). */
function openHandler(lw: Lowering, f: Frame, ins: Instr, all: boolean): void {
  const st = lw.stack;
  const s = state(f);
  finishPart(lw, f);
  if (f.flat) {
    // The part before goes on at the end; the routing enters this clause's case
    // with the handler around the try restored and the payload in the slots.
    if (lw.reachable) jump(lw, f.flat.target, f.flat.outer);
    if (s.clauses === 0) leaveTryBody(lw);
    const at = lw.dispatch!.newCase();
    caseLabel(lw, at);
    st.truncate(f.height);
    f.kind = 'catch';
    s.flatClauses!.push({ tag: all ? -1 : ins.tag!, at });
    if (all) s.catchAll = true;
    else for (let i = 0; i < tagArity(lw, ins.tag!); i++) st.pushSlot(f.height + i);
    s.clauses++;
    lw.reachable = f.enteredReachable;
    return;
  }
  st.truncate(f.height);
  st.indent--;
  let cond = '';
  if (!all) {
    const p = lw.temp('$p');
    const sig = tagSig(lw, ins.tag!);
    cond = `if ((${p} = ${lw.helper('payloadOf')}(${s.catchVar}, TG${ins.tag}, ${JSON.stringify(sig)})) !== null) {`;
  }
  if (s.clauses === 0) {
    f.kind = 'catch';
    st.emit(`} catch (${s.catchVar}) {`);
    st.indent++;
    handlerPrologue(lw, s.catchVar, s.id);
    st.emit(all ? '{' : cond);
  } else {
    st.emit(all ? '} else {' : `} else ${cond}`);
  }
  st.indent++;
  if (all) {
    s.catchAll = true;
  } else {
    const n = tagArity(lw, ins.tag!);
    for (let i = 0; i < n; i++) {
      st.writeSlot(f.height + i, `$p[${i}]`);
      st.pushSlot(f.height + i);
    }
  }
  s.clauses++;
  lw.reachable = f.enteredReachable;
}

/** `end` of a legacy try (the frame has been popped and its results settled). */
function closeLegacyFrame(lw: Lowering, f: Frame, endReachable: boolean): void {
  const st = lw.stack;
  const s = state(f);
  if (endReachable) f.thenEndReachable = true;
  if (f.branched) st.fill(f.openLine, `${f.label}: try {`, f.openIndent);
  st.indent--;
  if (s.clauses === 0) {
    // try ... end without handlers: a block that still passes delegations on.
    st.emit(`} catch (${s.catchVar}) {`);
    st.indent++;
    delegationCheck(lw, s.catchVar, s.id);
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

/**
 * `end` of a flat legacy try: the way on, and its routing: the catch variable
 * set, then the first matching clause's case, else the handler around it.
 */
function closeFlatLegacyFrame(lw: Lowering, f: Frame, endReachable: boolean): void {
  const st = lw.stack;
  const s = state(f);
  const flat = f.flat!;
  if (s.clauses === 0) leaveTryBody(lw);
  if (endReachable) {
    f.thenEndReachable = true;
    // From the body (a try without clauses), still under this try's handler.
    if (s.clauses === 0) st.emit(`$h = ${flat.outer};`);
  }
  caseLabel(lw, flat.target);
  lw.dispatch!.routes.push(st.capture(() => {
    st.emit(`case ${s.id}:`);
    st.indent++;
    if (s.clauses > 0) st.emit(`${s.catchVar} = $c;`);
    for (const c of s.flatClauses!) {
      if (c.tag < 0) {
        st.emit(`$h = ${flat.outer}; $t = ${c.at}; continue $D;`);
        break;
      }
      const p = lw.temp('$p');
      st.emit(`if ((${p} = ${lw.helper('payloadOf')}($c, TG${c.tag}, ${JSON.stringify(tagSig(lw, c.tag))})) !== null) {`);
      st.indent++;
      for (let i = 0; i < tagArity(lw, c.tag); i++) st.writeSlot(f.height + i, `${p}[${i}]`);
      st.emit(`$h = ${flat.outer}; $t = ${c.at}; continue $D;`);
      st.indent--;
      st.emit('}');
    }
    if (!s.catchAll) st.emit(`$h = ${flat.outer}; continue $H;`);
    st.indent--;
  }));
}

/** The handler a delegation to the frame `depth` out reaches: its id, or -1 for the caller. */
function delegationTarget(lw: Lowering, depth: number): number {
  for (let i = lw.frames.length - 1 - depth; i >= 0; i--) {
    const f = lw.frames[i];
    if (f.kind === 'try') return state(f).id;
    if (f.kind === 'try_table') return (f.extra as TryTableState).handlerId;
  }
  return -1;
}

const delegate: Handler = (lw, ins) => {
  const st = lw.stack;
  const f = lw.frames.pop()!;
  const s = state(f);
  settleResults(lw, f);
  const endReachable = lw.reachable;
  if (f.flat) {
    // Flat: the routing hands what the body throws to the target's handler.
    const flat = f.flat;
    leaveTryBody(lw);
    if (endReachable) st.emit(`$h = ${flat.outer};`);
    caseLabel(lw, flat.target);
    const target = delegationTarget(lw, ins.depth!);
    lw.dispatch!.routes.push(st.capture(() => st.emit(`case ${s.id}: $h = ${target}; continue $H;`)));
    resumeAfter(lw, f, endReachable || f.branched);
    return;
  }
  if (f.branched) st.fill(f.openLine, `${f.label}: try {`, f.openIndent);
  const target = delegationTarget(lw, ins.depth!);
  st.indent--;
  st.emit(`} catch (${s.catchVar}) {`);
  st.indent++;
  st.emit(`if (${lw.helper('uncatchable')}(${s.catchVar})) throw ${s.catchVar};`);
  delegationCheck(lw, s.catchVar, s.id);
  st.emit(`${lw.temp('$dg')} = ${target};`);
  st.emit(`throw ${s.catchVar};`);
  st.indent--;
  st.emit('}');
  resumeAfter(lw, f, endReachable || f.branched);
};

const rethrow: Handler = (lw, ins) => {
  const st = lw.stack;
  const f = lw.frameAt(ins.depth!);
  st.flushForStatement(false);
  st.emit(`throw ${state(f).catchVar};`);
  lw.markUnreachable();
};

export const legacyHandlers: [Op, Handler][] = [
  [Op.Try, tryOp],
  [Op.Catch, (lw, ins) => openHandler(lw, lw.frames[lw.frames.length - 1], ins, false)],
  [Op.CatchAll, (lw, ins) => openHandler(lw, lw.frames[lw.frames.length - 1], ins, true)],
  [Op.Delegate, delegate],
  [Op.Rethrow, rethrow],
];
