// Locals, globals, drop and select.
import { ValType, type Instr } from '../ir.js';
import { Op } from '../opcodes.js';
import { isNum, UNKNOWN, type Handlers, type Validator } from './validator.js';

/** local.get: a non-defaultable local must have been set in an enclosing block. */
function localGet(v: Validator, ins: Instr): void {
  const t = v.localType(ins.index!);
  if (!v.localSet[ins.index!]) throw v.error(`uninitialized local ${ins.index}`);
  v.push(t);
}

function localSet(v: Validator, ins: Instr): void {
  v.pop(v.localType(ins.index!));
  v.markSet(ins.index!);
}

function localTee(v: Validator, ins: Instr): void {
  const t = v.localType(ins.index!);
  v.pop(t);
  v.markSet(ins.index!);
  v.push(t);
}

function globalGet(v: Validator, ins: Instr): void {
  v.push(v.global(ins.index!).type);
}

function globalSet(v: Validator, ins: Instr): void {
  const g = v.global(ins.index!);
  if (!g.mutable) throw v.error('immutable global');
  v.pop(g.type);
}

function drop(v: Validator): void {
  if (v.popAny() < 0) throw v.error('type mismatch: drop requires a value but stack has []');
}

/** Untyped select: both operands of one numeric type (reference types need `select t`). */
function select(v: Validator): void {
  v.pop(ValType.I32);
  const t1 = v.popAny();
  const t2 = v.popAny();
  if (t1 < 0 || t2 < 0) throw v.error('type mismatch: select requires two operands');
  if (!isNum(t1) || !isNum(t2)) throw v.error('type mismatch: select without type on reference operands');
  if (t1 !== t2 && t1 !== UNKNOWN && t2 !== UNKNOWN) throw v.error('type mismatch: select operands differ');
  v.push(t1 === UNKNOWN ? t2 : t1);
}

/** select t: each operand a subtype of t. */
function typedSelect(v: Validator, ins: Instr): void {
  const ts = ins.selectTypes!;
  if (ts.length !== 1) throw v.error('invalid result arity');
  v.pop(ValType.I32);
  v.popVals([ts[0], ts[0]]);
  v.push(ts[0]);
}

export const variableHandlers: Handlers = {
  [Op.LocalGet]: localGet,
  [Op.LocalSet]: localSet,
  [Op.LocalTee]: localTee,
  [Op.GlobalGet]: globalGet,
  [Op.GlobalSet]: globalSet,
  [Op.Drop]: drop,
  [Op.Select]: select,
  [Op.TypedSelect]: typedSelect,
};
