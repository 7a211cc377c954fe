// Reference instructions and the typed function references' branches:
// ref.null, ref.is_null, ref.func, ref.as_non_null, br_on_null, br_on_non_null.
import { isRefType, refTypeIdx, ValType, type Instr } from '../ir.js';
import { Op } from '../opcodes.js';
import { declaredFuncRefs } from './module.js';
import { nonNull, typeList, typeName, type Handlers, type Validator } from './validator.js';

function refNull(v: Validator, ins: Instr): void {
  v.push(ins.refType!);
}

function refIsNull(v: Validator): void {
  v.popRef('ref.is_null');
  v.push(ValType.I32);
}

/** ref.func: (ref $t) for the function's type $t; the function must be declared outside the code. */
function refFunc(v: Validator, ins: Instr): void {
  const idx = ins.index!;
  v.funcType(idx);
  if (!declaredFuncRefs(v.m)[idx]) throw v.error('undeclared function reference');
  v.push(refTypeIdx(false, v.m.funcTypes[idx]));
}

/** ref.as_non_null: (ref null ht) -> (ref ht) */
function refAsNonNull(v: Validator): void {
  v.push(nonNull(v.popRef('ref.as_non_null')));
}

/** br_on_null l: [t* (ref null ht)] -> [t* (ref ht)], the branch carries t*. */
function brOnNull(v: Validator, ins: Instr): void {
  const ts = v.labelTypes(v.label(ins.depth!));
  const rt = v.popRef('br_on_null');
  v.popVals(ts);
  v.pushVals(ts);
  v.push(nonNull(rt));
}

/**
 * br_on_non_null l: [t* (ref null ht)] -> [t*] where the label's types are
 * [t* rt] with (ref ht) <: rt; the branch is taken with the non-null reference.
 */
function brOnNonNull(v: Validator, ins: Instr): void {
  const ts = v.labelTypes(v.label(ins.depth!));
  const n = ts.length;
  if (n === 0 || !isRefType(ts[n - 1])) {
    throw v.error(`type mismatch: br_on_non_null needs a label whose last type is a reference, not ${typeList(ts)}`);
  }
  const rt = nonNull(v.popRef('br_on_non_null'));
  if (!v.matches(rt, ts[n - 1])) {
    throw v.error(`type mismatch: br_on_non_null gives ${typeName(rt)} to a label of ${typeList(ts)}`);
  }
  const rest = ts.slice(0, n - 1);
  v.popVals(rest);
  v.pushVals(rest);
}

export const referenceHandlers: Handlers = {
  [Op.RefNull]: refNull,
  [Op.RefIsNull]: refIsNull,
  [Op.RefFunc]: refFunc,
  [Op.RefAsNonNull]: refAsNonNull,
  [Op.BrOnNull]: brOnNull,
  [Op.BrOnNonNull]: brOnNonNull,
};
