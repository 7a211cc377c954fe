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
import type { FunctionLowering, Handler } from './function.js';
import { resultsArray } from './function.js';
import { openFrame, type Frame } from './control.js';
import { legacyHandlers, closeLegacyFrame, handlerPrologue } from './legacy.js';

/** The canonical type string of tag i's type, as the module declares it. */
export function tagSig(fl: FunctionLowering, tag: number): string {
  return fl.ctx.tagType(tag);
}

/** Number of payload values of tag i. */
export function tagArity(fl: FunctionLowering, tag: number): number {
  return fl.ctx.module.types[fl.ctx.module.tags[tag]].params.length;
}

/**
 * Emit a branch from inside a catch block to the frame `depth` out (counted from
 * the catch's context), carrying `values` (JS code) into the frame's slots.
 */
export function branchWithValues(fl: FunctionLowering, depth: number, values: string[]): void {
  const st = fl.stack;
  const target = fl.frameAt(depth);
  if (target.kind === 'func') {
    if (values.length === 0) st.emit(fl.returnStatement());
    else if (values.length === 1) st.emit(fl.returnStatement(values[0]));
    else st.emit(fl.returnStatement(resultsArray(values)));
    return;
  }
  values.forEach((v, i) => {
    const k = target.height + i;
    st.emit(`s${k} = ${v};`);
    if (k > st.maxSlotUsed) st.maxSlotUsed = k;
  });
  target.branched = true;
  st.emit(target.kind === 'loop' ? `continue ${target.label};` : `break ${target.label};`);
}

const throwOp: Handler = (fl, ins) => {
  const st = fl.stack;
  const n = tagArity(fl, ins.tag!);
  st.flushForStatement(false, n);
  const args: string[] = [];
  for (let i = 0; i < n; i++) args.unshift(st.value(st.pop()));
  st.emit(`throw ${fl.helper('exn')}(TG${ins.tag}${args.map((a) => ', ' + a).join('')});`);
  fl.markUnreachable();
};

const throwRef: Handler = (fl) => {
  const st = fl.stack;
  st.flushForStatement(false, 1);
  st.emit(`throw ${fl.helper('rethrowable')}(${st.value(st.pop())});`);
  fl.markUnreachable();
};

const tryTable: Handler = (fl, ins: Instr) => {
  fl.stack.materializeAll();
  const f = openFrame(fl, 'try_table', ins, 'try {');
  f.extra = { catches: ins.catches ?? [], handlerId: fl.newHandlerId() };
};

/** The catch block of a try_table; the frame has already been popped. */
function closeTryTable(fl: FunctionLowering, f: Frame): void {
  const st = fl.stack;
  const { catches, handlerId } = f.extra as { catches: NonNullable<Instr['catches']>; handlerId: number };
  if (f.branched) st.fill(f.openLine, `${f.label}: try {`, f.openIndent);
  st.indent--;
  st.emit('} catch ($e) {');
  st.indent++;
  handlerPrologue(fl, '$e', handlerId);
  for (const c of catches) {
    if (c.kind === CatchKind.Catch || c.kind === CatchKind.CatchRef) {
      fl.temp('$p');
      const sig = tagSig(fl, c.tag);
      const vals = Array.from({ length: tagArity(fl, c.tag) }, (_, i) => `$p[${i}]`);
      if (c.kind === CatchKind.CatchRef) vals.push(`${fl.helper('exnref')}($e)`);
      st.emit(`if (($p = ${fl.helper('payloadOf')}($e, TG${c.tag}, ${JSON.stringify(sig)})) !== null) {`);
      st.indent++;
      branchWithValues(fl, c.depth, vals);
      st.indent--;
      st.emit('}');
    } else {
      const vals = c.kind === CatchKind.CatchAllRef ? [`${fl.helper('exnref')}($e)`] : [];
      st.emit('{');
      st.indent++;
      branchWithValues(fl, c.depth, vals);
      st.indent--;
      st.emit('}');
    }
  }
  st.emit('throw $e;');
  st.indent--;
  st.emit('}');
}

/** `end` of an exception frame (called by the control `end` handler). */
export function closeExceptionFrame(fl: FunctionLowering, f: Frame, endReachable: boolean): void {
  if (f.kind === 'try_table') closeTryTable(fl, f);
  else closeLegacyFrame(fl, f, endReachable);
}

export const exceptionHandlers = new Map<number, Handler>([
  [0x08, throwOp],
  [0x0a, throwRef],
  [0x1f, tryTable],
  ...legacyHandlers,
]);

