// Locals, globals, drop and select.
//
// Locals are JS `let` bindings `l<i>` (parameters first). A local.get stays
// pending (Flag.Local) until a local.set forces older readers to be evaluated.
import { Op } from '../opcodes.js';
import type { Handler } from './lowering.js';
import { Flag } from './stack.js';

const drop: Handler = (lw) => {
  const st = lw.stack;
  // A dropped value still runs its side effects and traps, in order.
  if (st.peek().flags & Flag.Effect) {
    st.flushForStatement(false, 1);
    st.emit(`${st.effects(st.pop())};`);
  } else {
    st.pop();
  }
};

const select: Handler = (lw) => {
  const st = lw.stack;
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

export const variableHandlers: [Op, Handler][] = [
  [Op.Drop, drop],
  [Op.Select, select],
  [Op.TypedSelect, select],
  [Op.LocalGet, (lw, ins) => lw.stack.pushLocal(lw.locals.read(ins.index!), ins.index!)],
  [Op.LocalSet, (lw, ins) => {
    const st = lw.stack;
    st.flushForStatement(ins.index!, 1);
    const v = st.pop();
    st.emit(lw.locals.write(ins.index!, st.value(v)));
  }],
  [Op.LocalTee, (lw, ins) => {
    const st = lw.stack;
    st.flushForStatement(ins.index!, 1);
    const v = st.pop();
    st.emit(lw.locals.write(ins.index!, st.value(v)));
    st.pushLocal(lw.locals.read(ins.index!), ins.index!);
  }],
  [Op.GlobalGet, (lw, ins) => {
    const g = lw.ctx.globals[ins.index!];
    if (g.mutable) lw.stack.push(g.read, Flag.State);
    else lw.stack.pushConst(g.read, 0);
  }],
  [Op.GlobalSet, (lw, ins) => {
    const st = lw.stack;
    st.flushForStatement(false, 1);
    const v = st.pop();
    st.emit(`${lw.ctx.globals[ins.index!].write}${st.value(v)};`);
  }],
];
