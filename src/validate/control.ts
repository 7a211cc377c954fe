// Structured control: blocks, branches and return. The legacy `try` family is
// ./legacy.ts, try_table and throw ./exceptions.ts, br_on_null ./references.ts.
import { ValType, type Instr } from '../ir.js';
import { Op } from '../opcodes.js';
import { matchesAll } from './subtype.js';
import { typeList, type Handlers, type Validator } from './validator.js';

function unreachable(v: Validator): void {
  v.setUnreachable();
}

function nop(): void {}

/** block, loop: [t1*] -> [t2*] with a frame of that type. */
function block(v: Validator, ins: Instr): void {
  const t = ins.type!;
  v.popVals(t.params);
  v.pushCtrl(ins.op, t.params, t.results);
}

function if_(v: Validator, ins: Instr): void {
  const t = ins.type!;
  v.pop(ValType.I32);
  v.popVals(t.params);
  v.pushCtrl(Op.If, t.params, t.results);
}

function else_(v: Validator): void {
  const f = v.top();
  if (f.kind !== Op.If) throw v.error('else without matching if');
  v.popCtrl();
  v.pushCtrl(Op.Else, f.params, f.results);
}

function end(v: Validator): void {
  const f = v.popCtrl();
  // An `if` without `else` has an implicit else that passes its params on.
  if (f.kind === Op.If && !matchesAll(v.m, f.params, f.results)) {
    throw v.error(`type mismatch: else branch requires ${typeList(f.results)} but has ${typeList(f.params)}`);
  }
  v.pushVals(f.results);
}

function br(v: Validator, ins: Instr): void {
  v.popVals(v.labelTypes(v.label(ins.depth!)));
  v.setUnreachable();
}

function brIf(v: Validator, ins: Instr): void {
  const ts = v.labelTypes(v.label(ins.depth!));
  v.pop(ValType.I32);
  v.popVals(ts);
  v.pushVals(ts);
}

function brTable(v: Validator, ins: Instr): void {
  v.pop(ValType.I32);
  const dflt = v.labelTypes(v.label(ins.depth!));
  const arity = dflt.length;
  for (const l of ins.labels!) {
    const ts = v.labelTypes(v.label(l));
    if (ts.length !== arity) throw v.error('type mismatch: br_table labels of different arity');
    // Check against the operands without consuming them: pop, then push back
    // what was actually there (which keeps Unknown operands unknown).
    const before = v.sp;
    v.popVals(ts);
    v.sp = before;
  }
  v.popVals(dflt);
  v.setUnreachable();
}

function return_(v: Validator): void {
  v.popVals(v.results);
  v.setUnreachable();
}

export const controlHandlers: Handlers = {
  [Op.Unreachable]: unreachable,
  [Op.Nop]: nop,
  [Op.Block]: block,
  [Op.Loop]: block,
  [Op.If]: if_,
  [Op.Else]: else_,
  [Op.End]: end,
  [Op.Br]: br,
  [Op.BrIf]: brIf,
  [Op.BrTable]: brTable,
  [Op.Return]: return_,
};
