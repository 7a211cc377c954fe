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
import type { FunctionLowering, Handler } from './function.js';
import type { Entry } from './stack.js';

function insideTry(fl: FunctionLowering): boolean {
  return fl.frames.some((f) => f.kind === 'try' || f.kind === 'try_table' || f.kind === 'catch');
}

/** Emit a tail call of `callee` (code evaluated after the arguments) with `n` arguments on the stack. */
function tailCall(fl: FunctionLowering, n: number, callee: (args: Entry[]) => string, calleeOps: number): void {
  const st = fl.stack;
  if (!insideTry(fl)) {
    // JS evaluates the callee expression first: keep trapping operands in order.
    st.flushForStatement(false, calleeOps ? 0 : n);
    const extra: Entry[] = [];
    for (let i = 0; i < calleeOps; i++) extra.unshift(st.pop());
    const args: Entry[] = [];
    for (let i = 0; i < n; i++) args.unshift(st.pop());
    st.emit(`return ${callee(extra)}(${args.map((a) => st.value(a)).join(', ')});`);
    fl.markUnreachable();
    return;
  }
  st.flushForStatement(false, n + calleeOps);
  const extra: Entry[] = [];
  for (let i = 0; i < calleeOps; i++) extra.unshift(st.pop());
  const args: Entry[] = [];
  for (let i = 0; i < n; i++) args.unshift(st.pop());
  args.forEach((a, i) => st.emit(`${fl.temp('$a' + i)} = ${st.value(a)};`));
  st.emit(`${fl.temp('$tf')} = ${callee(extra)};`);
  st.emit(`${fl.temp('$tk')} = ${n}; break $tail;`);
  fl.tailArities.add(n);
  fl.markUnreachable();
}

const returnCall: Handler = (fl, ins: Instr) => {
  const m = fl.ctx.module;
  const n = m.types[m.funcTypes[ins.index!]].params.length;
  tailCall(fl, n, () => fl.ctx.funcName(ins.index!), 0);
};

const returnCallIndirect: Handler = (fl, ins: Instr) => {
  const n = fl.ctx.module.types[ins.index!].params.length;
  const sig = JSON.stringify(fl.ctx.typeSigs[ins.index!]);
  tailCall(fl, n, ([idx]) => `${fl.helper('callee')}(e${ins.mem ?? 0}, ${fl.stack.value(idx)}, ${sig})`, 1);
};

const returnCallRef: Handler = (fl, ins: Instr) => {
  const n = fl.ctx.module.types[ins.index!].params.length;
  tailCall(fl, n, ([f]) => `${fl.helper('nonNullFunc')}(${f.code})`, 1);
};

export const tailCallHandlers = new Map<number, Handler>([
  [0x12, returnCall],
  [0x13, returnCallIndirect],
  [0x15, returnCallRef],
]);

/** Whether a body needs the `$tail` block (a tail call where a try may enclose it). */
export function needsTailBlock(body: Instr[]): boolean {
  let tail = false, tries = false;
  for (const ins of body) {
    if (ins.op === 0x12 || ins.op === 0x13 || ins.op === 0x15) tail = true;
    else if (ins.op === 0x06 || ins.op === 0x1f) tries = true;
  }
  return tail && tries;
}

