// Direct and indirect calls. Internal functions take and return internal values
// (one result as is, several as an array), so a call between compiled functions,
// even across modules, involves no conversion.
import type { Instr } from '../ir.js';
import { Op } from '../opcodes.js';
import type { Handler, Lowering } from './lowering.js';
import { Flag, type Entry } from './stack.js';

/** Whether a call may replace a memory buffer the function caches views of (call-graph.ts). */
function needsRefresh(lw: Lowering, funcIndex?: number): boolean {
  return lw.memory.cached.size > 0 && (funcIndex === undefined || !lw.ctx.memoryStable[funcIndex]);
}

function finishCall(lw: Lowering, callee: string, args: Entry[], nResults: number, refresh: boolean, calleeOps: Entry[] = []): void {
  const st = lw.stack;
  const code = `${callee}(${args.map((a) => st.value(a)).join(', ')})`;
  if (refresh) {
    // The callee may grow memory: the call is a statement, followed by a refresh
    // of the cached views (older pending values were evaluated by the caller).
    const h = st.height;
    if (nResults === 1) {
      st.prepareSlotWrite(h);
      st.writeSlot(h, code);
      st.pushSlot(h);
      lw.memory.refresh();
      return;
    }
    if (nResults === 0) {
      st.emit(`${code};`);
      lw.memory.refresh();
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
  const mv = lw.temp('mv');
  st.prepareSlotWrite(h);
  st.emit(`${mv} = ${code};`);
  for (let i = 0; i < nResults; i++) {
    st.writeSlot(h + i, `${mv}[${i}]`);
    st.pushSlot(h + i);
  }
  if (refresh) lw.memory.refresh();
}


const call: Handler = (lw, ins) => {
  const m = lw.ctx.module;
  const type = m.types[m.funcTypes[ins.index!]];
  const st = lw.stack;
  const refresh = needsRefresh(lw, ins.index!);
  if (type.results.length !== 1 || refresh) st.flushForStatement(false, type.params.length);
  finishCall(lw, lw.ctx.funcName(ins.index!), lw.stack.popN(type.params.length), type.results.length, refresh);
};

const callIndirect: Handler = (lw, ins: Instr) => {
  const m = lw.ctx.module;
  const type = m.types[ins.index!];
  const st = lw.stack;
  // The callee is looked up (and may trap) before JS evaluates the arguments, but
  // after them in Wasm: evaluate any argument that may trap or act first.
  const refresh = needsRefresh(lw);
  if (type.results.length !== 1 || refresh) st.flushForStatement(false);
  else st.materializeEffectsFrom(st.height - type.params.length - 1);
  const idx = st.pop();
  const args = lw.stack.popN(type.params.length);
  const callee = `${lw.helper('callee')}(e${ins.mem ?? 0}, ${st.value(idx)}, ${JSON.stringify(lw.ctx.typeSigs[ins.index!])})`;
  finishCall(lw, callee, args, type.results.length, refresh, [idx]);
};

const callRef: Handler = (lw, ins: Instr) => {
  const type = lw.ctx.module.types[ins.index!];
  const st = lw.stack;
  const refresh = needsRefresh(lw);
  if (type.results.length !== 1 || refresh) st.flushForStatement(false);
  else st.materializeEffectsFrom(st.height - type.params.length - 1);
  const f = st.pop();
  const args = lw.stack.popN(type.params.length);
  finishCall(lw, `${lw.helper('nonNullFunc')}(${f.code})`, args, type.results.length, refresh, [f]);
};

/**
 * The inliner's guard on a call_indirect that may call the function itself
 * (passes/inline.ts): looks the callee up (trapping as call_indirect does)
 * into `$g`, and tests whether it is this function.
 */
const calleeGuard: Handler = (lw, ins) => {
  const st = lw.stack;
  const idx = st.pop();
  const g = lw.temp('$g');
  const sig = JSON.stringify(lw.ctx.typeSigs[ins.index!]);
  st.pushFrom(`((${g} = ${lw.helper('callee')}(e${ins.mem ?? 0}, ${st.value(idx)}, ${sig})) === ${lw.ctx.funcName(lw.funcIndex)})`, [idx], Flag.Effect | Flag.State | Flag.Bool);
};

/** The call of what a guard looked up, when it is not this function. */
const callGuarded: Handler = (lw, ins) => {
  const type = lw.ctx.module.types[ins.index!];
  const st = lw.stack;
  const refresh = needsRefresh(lw);
  if (type.results.length !== 1 || refresh) st.flushForStatement(false, type.params.length);
  finishCall(lw, lw.temp('$g'), st.popN(type.params.length), type.results.length, refresh);
};

export const callHandlers: [Op, Handler][] = [
  [Op.CalleeGuard, calleeGuard],
  [Op.CallGuarded, callGuarded],
  [Op.Call, call],
  [Op.CallIndirect, callIndirect],
  [Op.CallRef, callRef],
];
