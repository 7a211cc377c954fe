// Direct and indirect calls. Internal functions take and return internal values
// (one result as is, several as an array), so a call between compiled functions,
// even across modules, involves no conversion.
import type { Instr } from '../ir.js';
import type { FunctionLowering, Handler } from './function.js';
import { Flag, type Entry } from './stack.js';

/** Whether a call may replace a memory buffer the function caches views of (call-graph.ts). */
function needsRefresh(fl: FunctionLowering, funcIndex?: number): boolean {
  return fl.cachedMems.size > 0 && (funcIndex === undefined || !fl.ctx.memoryStable[funcIndex]);
}

function finishCall(fl: FunctionLowering, callee: string, args: Entry[], nResults: number, refresh: boolean, calleeOps: Entry[] = []): void {
  const st = fl.stack;
  const code = `${callee}(${args.map((a) => st.value(a)).join(', ')})`;
  if (refresh) {
    // The callee may grow memory: the call is a statement, followed by a refresh
    // of the cached views (older pending values were evaluated by the caller).
    const h = st.height;
    if (nResults === 1) {
      st.prepareSlotWrite(h);
      st.emit(`s${h} = ${code};`);
      if (h > st.maxSlotUsed) st.maxSlotUsed = h;
      st.pushSlot(h);
      fl.refreshMemories();
      return;
    }
    if (nResults === 0) {
      st.emit(`${code};`);
      fl.refreshMemories();
      return;
    }
  }
  if (nResults === 1) {
    st.pushFrom(code, [...calleeOps, ...args], Flag.Effect | Flag.State);
    return;
  }
  if (nResults === 0) {
    st.emit(`${code};`);
    return;
  }
  // Several results: land them in the slots they occupy on the stack.
  const h = st.height;
  const mv = fl.temp('mv');
  st.prepareSlotWrite(h);
  st.emit(`${mv} = ${code};`);
  for (let i = 0; i < nResults; i++) {
    st.emit(`s${h + i} = ${mv}[${i}];`);
    if (h + i > st.maxSlotUsed) st.maxSlotUsed = h + i;
    st.pushSlot(h + i);
  }
  if (refresh) fl.refreshMemories();
}

function popArgs(fl: FunctionLowering, n: number): Entry[] {
  const args: Entry[] = [];
  for (let i = 0; i < n; i++) args.unshift(fl.stack.pop());
  return args;
}

const call: Handler = (fl, ins) => {
  const m = fl.ctx.module;
  const type = m.types[m.funcTypes[ins.index!]];
  const st = fl.stack;
  const refresh = needsRefresh(fl, ins.index!);
  if (type.results.length !== 1 || refresh) st.flushForStatement(false, type.params.length);
  finishCall(fl, fl.ctx.funcName(ins.index!), popArgs(fl, type.params.length), type.results.length, refresh);
};

const callIndirect: Handler = (fl, ins: Instr) => {
  const m = fl.ctx.module;
  const type = m.types[ins.index!];
  const st = fl.stack;
  // The callee is looked up (and may trap) before JS evaluates the arguments, but
  // after them in Wasm: evaluate any argument that may trap or act first.
  const refresh = needsRefresh(fl);
  if (type.results.length !== 1 || refresh) st.flushForStatement(false);
  else st.materializeEffectsFrom(st.height - type.params.length - 1);
  const idx = st.pop();
  const args = popArgs(fl, type.params.length);
  const callee = `${fl.helper('callee')}(e${ins.mem ?? 0}, ${st.value(idx)}, ${JSON.stringify(fl.ctx.typeSigs[ins.index!])})`;
  finishCall(fl, callee, args, type.results.length, refresh, [idx]);
};

const callRef: Handler = (fl, ins: Instr) => {
  const type = fl.ctx.module.types[ins.index!];
  const st = fl.stack;
  const refresh = needsRefresh(fl);
  if (type.results.length !== 1 || refresh) st.flushForStatement(false);
  else st.materializeEffectsFrom(st.height - type.params.length - 1);
  const f = st.pop();
  const args = popArgs(fl, type.params.length);
  finishCall(fl, `${fl.helper('nonNullFunc')}(${f.code})`, args, type.results.length, refresh, [f]);
};

export const callHandlers = new Map<number, Handler>([
  [0x10, call],
  [0x11, callIndirect],
  [0x14, callRef],
]);
