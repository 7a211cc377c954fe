// Exception handling: throw, throw_ref, try_table (and, in legacy.ts, the old
// try/catch/delegate/rethrow form).
//
// try_table becomes a JS try statement around its body; the catch block first
// lets traps and stack exhaustion through (never catchable), then tests the
// clauses in order and branches to each clause's label with the payload and/or
// the exnref, and rethrows anything no clause matched unchanged:
//
//   L3: try {
//     ...body...
//   } catch ($e) {
//     if ($uncatchable($e)) throw $e;
//     let $p;
//     if (($p = $payloadOf($e, TG0, "i")) !== null) { s1 = $p[0]; break L1; }
//     s1 = $exnref($e); break L2;                       // catch_all_ref
//     throw $e;
//   }
//
// Tags are instance bindings `TG<i>`; exception objects live in runtime/exceptions.ts.
import type { Instr } from '../ir.js';
import { CatchKind } from '../ir.js';
import { Op } from '../opcodes.js';
import { branchWithValues, openFrame, type Frame, type Handler, type Lowering } from './lowering.js';
import { handlerPrologue, tagArity, tagSig, type TryTableState } from './catching.js';
import { caseLabel, enterTryBody, flatFrame, leaveTryBody } from './dispatch.js';

const throwOp: Handler = (lw, ins) => {
  const st = lw.stack;
  const n = tagArity(lw, ins.tag!);
  st.flushForStatement(false, n);
  const args = st.popN(n).map((e) => st.value(e));
  st.emit(`throw ${lw.helper('exn')}(TG${ins.tag}${args.map((a) => ', ' + a).join('')});`);
  lw.markUnreachable();
};

const throwRef: Handler = (lw) => {
  const st = lw.stack;
  st.flushForStatement(false, 1);
  st.emit(`throw ${lw.helper('rethrowable')}(${st.value(st.pop())});`);
  lw.markUnreachable();
};

const tryTable: Handler = (lw, ins: Instr) => {
  lw.stack.materializeAll();
  if (lw.isFlat(ins)) {
    // In the dispatch loop (dispatch.ts): the body runs under this try's handler id.
    const flat = flatFrame(lw, 'try_table');
    const f = openFrame(lw, 'try_table', ins, '', flat);
    f.extra = { catches: ins.catches ?? [], handlerId: flat.handler! } satisfies TryTableState;
    f.close = closeFlatTryTable;
    enterTryBody(lw, flat);
    return;
  }
  const f = openFrame(lw, 'try_table', ins, 'try {');
  f.extra = { catches: ins.catches ?? [], handlerId: lw.newHandlerId() } satisfies TryTableState;
  f.close = closeTryTable;
};

/**
 * The clauses of a try_table, tried in order on the caught value `ex`: each
 * matching one branches to its label with the payload and/or the exnref.
 * `routing`: in the dispatch loop's catch (dispatch.ts).
 */
function emitClauses(lw: Lowering, catches: TryTableState['catches'], ex: string, routing: boolean): void {
  const st = lw.stack;
  for (const c of catches) {
    const vals: string[] = [];
    if (c.kind === CatchKind.Catch || c.kind === CatchKind.CatchRef) {
      lw.temp('$p');
      const sig = tagSig(lw, c.tag);
      for (let i = 0; i < tagArity(lw, c.tag); i++) vals.push(`$p[${i}]`);
      st.emit(`if (($p = ${lw.helper('payloadOf')}(${ex}, TG${c.tag}, ${JSON.stringify(sig)})) !== null) {`);
    } else {
      st.emit('{');
    }
    if (c.kind === CatchKind.CatchRef || c.kind === CatchKind.CatchAllRef) vals.push(`${lw.helper('exnref')}(${ex})`);
    st.indent++;
    branchWithValues(lw, c.depth, vals, routing);
    st.indent--;
    st.emit('}');
  }
}

/**
 * The end of a flat try_table: the body's way on, and its routing: the
 * clauses, else the handler around it.
 */
function closeFlatTryTable(lw: Lowering, f: Frame, endReachable: boolean): void {
  const st = lw.stack;
  const flat = f.flat!;
  leaveTryBody(lw);
  if (endReachable) st.emit(`$h = ${flat.outer};`);
  caseLabel(lw, flat.target);
  lw.dispatch!.routes.push(st.capture(() => {
    st.emit(`case ${flat.handler}:`);
    st.indent++;
    emitClauses(lw, (f.extra as TryTableState).catches, '$c', true);
    st.emit(`$h = ${flat.outer}; continue $H;`);
    st.indent--;
  }));
}

/** The catch block of a try_table (its `end`); the frame has already been popped. */
function closeTryTable(lw: Lowering, f: Frame): void {
  const st = lw.stack;
  const { catches, handlerId } = f.extra as TryTableState;
  if (f.branched) st.fill(f.openLine, `${f.label}: try {`, f.openIndent);
  st.indent--;
  st.emit('} catch ($e) {');
  st.indent++;
  handlerPrologue(lw, '$e', handlerId);
  emitClauses(lw, catches, '$e', false);
  st.emit('throw $e;');
  st.indent--;
  st.emit('}');
}

export const exceptionHandlers: [Op, Handler][] = [
  [Op.Throw, throwOp],
  [Op.ThrowRef, throwRef],
  [Op.TryTable, tryTable],
];
