// Locals, globals, drop and select.
//
// Locals are JS `let` bindings `l<i>` (parameters first). A local.get stays
// pending (Flag.Local) until a local.set forces older readers to be evaluated.
import type { Handler } from './function.js';
import { Flag } from './stack.js';

const drop: Handler = (fl) => {
  const st = fl.stack;
  // A dropped value still runs its side effects and traps, in order.
  if (st.peek().flags & Flag.Effect) {
    st.flushForStatement(false, 1);
    st.emit(`${st.pop().code};`);
  } else {
    st.pop();
  }
};

const select: Handler = (fl) => {
  const st = fl.stack;
  // JS's `c ? a : b` evaluates one arm only, after c: arms that could trap or
  // touch state are evaluated first, in Wasm order. Evaluating an operand early
  // moves it ahead of the pending values below the select, so those that act
  // or observe state go first.
  const n = st.height;
  const armEarly = (k: number) => (st.entries[k].flags & (Flag.Effect | Flag.State)) !== 0;
  if (armEarly(n - 3) || armEarly(n - 2) || st.entries[n - 1].flags & Flag.Effect) st.flushForStatement(false, 3);
  for (const k of [n - 3, n - 2]) {
    if (st.entries[k].flags & (Flag.Effect | Flag.State)) st.materialize(k);
  }
  if (st.entries[n - 1].flags & Flag.Effect) st.materialize(n - 1);
  const c = st.pop();
  const b = st.pop();
  const a = st.pop();
  st.pushFrom(`(${st.cond(c)} ? ${st.value(a)} : ${st.value(b)})`, [a, b, c], 0);
};

export const variableHandlers = new Map<number, Handler>([
  [0x1a, drop],
  [0x1b, select],
  [0x1c, select],
  [0x20, (fl, ins) => fl.stack.push(fl.localRead(ins.index!), Flag.Local, -1, 1, ins.index!)],
  [0x21, (fl, ins) => {
    const st = fl.stack;
    st.flushForStatement(ins.index!, 1);
    const v = st.pop();
    st.emit(fl.writeLocal(ins.index!, st.value(v)));
  }],
  [0x22, (fl, ins) => {
    const st = fl.stack;
    st.flushForStatement(ins.index!, 1);
    const v = st.pop();
    st.emit(fl.writeLocal(ins.index!, st.value(v)));
    st.push(fl.localRead(ins.index!), Flag.Local, -1, 1, ins.index!);
  }],
  [0x23, (fl, ins) => {
    const g = fl.ctx.globals[ins.index!];
    fl.stack.push(g.read, g.mutable ? Flag.State : Flag.Const);
  }],
  [0x24, (fl, ins) => {
    const st = fl.stack;
    st.flushForStatement(false, 1);
    const v = st.pop();
    st.emit(`${fl.ctx.globals[ins.index!].write}${st.value(v)};`);
  }],
]);
