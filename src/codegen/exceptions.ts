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
  const f = openFrame(lw, 'try_table', ins, 'try {');
  f.extra = { catches: ins.catches ?? [], handlerId: lw.newHandlerId() } satisfies TryTableState;
  f.close = closeTryTable;
};

/** The catch block of a try_table (its `end`); the frame has already been popped. */
function closeTryTable(lw: Lowering, f: Frame): void {
  const st = lw.stack;
  const { catches, handlerId } = f.extra as TryTableState;
  if (f.branched) st.fill(f.openLine, `${f.label}: try {`, f.openIndent);
  st.indent--;
  st.emit('} catch ($e) {');
  st.indent++;
  handlerPrologue(lw, '$e', handlerId);
  for (const c of catches) {
    if (c.kind === CatchKind.Catch || c.kind === CatchKind.CatchRef) {
      lw.temp('$p');
      const sig = tagSig(lw, c.tag);
      const vals = Array.from({ length: tagArity(lw, c.tag) }, (_, i) => `$p[${i}]`);
      if (c.kind === CatchKind.CatchRef) vals.push(`${lw.helper('exnref')}($e)`);
      st.emit(`if (($p = ${lw.helper('payloadOf')}($e, TG${c.tag}, ${JSON.stringify(sig)})) !== null) {`);
      st.indent++;
      branchWithValues(lw, c.depth, vals);
      st.indent--;
      st.emit('}');
    } else {
      const vals = c.kind === CatchKind.CatchAllRef ? [`${lw.helper('exnref')}($e)`] : [];
      st.emit('{');
      st.indent++;
      branchWithValues(lw, c.depth, vals);
      st.indent--;
      st.emit('}');
    }
  }
  st.emit('throw $e;');
  st.indent--;
  st.emit('}');
}

export const exceptionHandlers: [Op, Handler][] = [
  [Op.Throw, throwOp],
  [Op.ThrowRef, throwRef],
  [Op.TryTable, tryTable],
];
