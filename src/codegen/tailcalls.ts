// Tail calls (return_call, return_call_indirect, return_call_ref).
//
// A tail call leaves the current function *before* calling: in particular, the
// current function's exception handlers must not see what the callee throws.
// Outside any try region `return callee(args);` has exactly that effect. Inside
// one, the arguments and callee are stored in temporaries and the body is left
// with `break $tail` (JS runs no catch block for a break), and the call happens
// after the body:
//
//   function f(...) {
//     $tail: { ... $a0 = x; $tf = f3; $tk = 1; break $tail; ... }
//     switch ($tk) { case 1: return $tf($a0); }
//   }
//
// The JS stack still grows by one frame per tail call (no trampolining): deep
// tail recursion exhausts the stack where an engine would not (docs/semantics.md).
import type { Instr } from '../ir.js';
import { Op } from '../opcodes.js';
import type { Handler, Lowering } from './lowering.js';
import type { Entry } from './stack.js';

/** Whether a handler of this function may catch what the call throws (a dispatch loop with flat tries wraps the whole body in one). */
function insideTry(lw: Lowering): boolean {
  return lw.dispatch?.hasTry === true || lw.frames.some((f) => f.kind === 'try' || f.kind === 'try_table' || f.kind === 'catch');
}

/** Emit a tail call of `callee` (code evaluated after the arguments) with `n` arguments on the stack. */
function tailCall(lw: Lowering, n: number, callee: (args: Entry[]) => string, calleeOps: number): void {
  const st = lw.stack;
  if (!insideTry(lw)) {
    // JS evaluates the callee expression first: keep trapping operands in order.
    st.flushForStatement(false, calleeOps ? 0 : n);
    const extra = st.popN(calleeOps);
    const args = st.popN(n);
    st.emit(`return ${callee(extra)}(${args.map((a) => st.value(a)).join(', ')});`);
    lw.markUnreachable();
    return;
  }
  st.flushForStatement(false, n + calleeOps);
  const extra = st.popN(calleeOps);
  const args = st.popN(n);
  args.forEach((a, i) => st.emit(`${lw.temp('$a' + i)} = ${st.value(a)};`));
  st.emit(`${lw.temp('$tf')} = ${callee(extra)};`);
  st.emit(`${lw.temp('$tk')} = ${n}; break $tail;`);
  lw.tailArities.add(n);
  lw.markUnreachable();
}

const returnCall: Handler = (lw, ins: Instr) => {
  const m = lw.ctx.module;
  const n = m.types[m.funcTypes[ins.index!]].params.length;
  tailCall(lw, n, () => lw.ctx.funcName(ins.index!), 0);
};

const returnCallIndirect: Handler = (lw, ins: Instr) => {
  const n = lw.ctx.module.types[ins.index!].params.length;
  const sig = JSON.stringify(lw.ctx.typeSigs[ins.index!]);
  tailCall(lw, n, ([idx]) => `${lw.helper('callee')}(e${ins.mem ?? 0}, ${lw.stack.value(idx)}, ${sig})`, 1);
};

const returnCallRef: Handler = (lw, ins: Instr) => {
  const n = lw.ctx.module.types[ins.index!].params.length;
  tailCall(lw, n, ([f]) => `${lw.helper('nonNullFunc')}(${f.code})`, 1);
};

export const tailCallHandlers: [Op, Handler][] = [
  [Op.ReturnCall, returnCall],
  [Op.ReturnCallIndirect, returnCallIndirect],
  [Op.ReturnCallRef, returnCallRef],
];

/**
 * Whether a body needs the `$tail` block (a tail call where a try may enclose
 * it; `wrapped`: a dispatch loop in a JS try encloses everything).
 */
export function needsTailBlock(body: Instr[], wrapped = false): boolean {
  let tail = false, tries = wrapped;
  for (const ins of body) {
    if (ins.op === Op.ReturnCall || ins.op === Op.ReturnCallIndirect || ins.op === Op.ReturnCallRef) tail = true;
    else if (ins.op === Op.Try || ins.op === Op.TryTable) tries = true;
  }
  return tail && tries;
}

