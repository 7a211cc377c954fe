// Calls and tail calls: call, call_indirect, call_ref and their return_call
// forms. A tail call's callee must return what the caller returns.
import { ValType, formatValType, refTypeIdx, type FuncType, type Instr } from '../ir.js';
import { Op } from '../opcodes.js';
import { matchesAll } from './subtype.js';
import { typeList, type Handlers, type Validator } from './validator.js';

/** call_indirect / return_call_indirect: checks the table, pops the index, returns the callee type. */
function callIndirectType(v: Validator, ins: Instr): FuncType {
  const elem = v.table(ins.mem!);
  if (!v.matches(elem, ValType.FuncRef)) {
    throw v.error('type mismatch: indirect call on a table of ' + formatValType(elem));
  }
  const t = v.typeAt(ins.index!);
  v.pop(ValType.I32);
  return t;
}

/** call_ref / return_call_ref $t: pops the `(ref null $t)` operand, returns $t. */
function callRefType(v: Validator, ins: Instr): FuncType {
  const t = v.typeAt(ins.index!);
  v.pop(refTypeIdx(true, ins.index!));
  return t;
}

function call(v: Validator, t: FuncType): void {
  v.popVals(t.params);
  v.pushVals(t.results);
}

/** return_call*: the callee's results must match the function's; pops the arguments. */
function tailCall(v: Validator, t: FuncType): void {
  if (!matchesAll(v.m, t.results, v.results)) {
    throw v.error(`type mismatch: tail call returns ${typeList(t.results)} from a function returning ${typeList(v.results)}`);
  }
  v.popVals(t.params);
  v.setUnreachable();
}

export const callHandlers: Handlers = {
  // The inliner's guarded call_indirect (passes/inline.ts): the table check and
  // the index, giving a condition; then the call of what the guard looked up.
  [Op.CalleeGuard]: (v, ins) => {
    callIndirectType(v, ins);
    v.push(ValType.I32);
  },
  [Op.CallGuarded]: (v, ins) => call(v, v.typeAt(ins.index!)),
  [Op.Call]: (v, ins) => call(v, v.funcType(ins.index!)),
  [Op.CallIndirect]: (v, ins) => call(v, callIndirectType(v, ins)),
  // call_ref $t: [t1* (ref null $t)] -> [t2*]
  [Op.CallRef]: (v, ins) => call(v, callRefType(v, ins)),
  [Op.ReturnCall]: (v, ins) => tailCall(v, v.funcType(ins.index!)),
  [Op.ReturnCallIndirect]: (v, ins) => tailCall(v, callIndirectType(v, ins)),
  [Op.ReturnCallRef]: (v, ins) => tailCall(v, callRefType(v, ins)),
};
