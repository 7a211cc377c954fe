// Exception handling: try_table (with its catch clauses), throw and throw_ref.
// The legacy instructions (try, catch, catch_all, delegate, rethrow) are ./legacy.ts.
import { AbsHeap, CatchKind, ValType, refType, type Instr } from '../ir.js';
import { Op } from '../opcodes.js';
import { matchesAll } from './subtype.js';
import { typeList, type Handlers, type Validator } from './validator.js';

const EXNREF_ONLY: readonly ValType[] = [ValType.ExnRef];
/** catch_ref / catch_all_ref deliver a non-null `(ref exn)`. */
const REF_EXN = refType(false, AbsHeap.Exn);
const REF_EXN_ONLY: readonly ValType[] = [REF_EXN];

function throw_(v: Validator, ins: Instr): void {
  v.popVals(v.tagParams(ins.tag!));
  v.setUnreachable();
}

function throwRef(v: Validator): void {
  v.popVals(EXNREF_ONLY);
  v.setUnreachable();
}

function tryTable(v: Validator, ins: Instr): void {
  const t = ins.type!;
  v.popVals(t.params);
  // Catch clause labels are relative to the context outside the try_table.
  for (const c of ins.catches!) {
    const target = v.labelTypes(v.label(c.depth));
    let delivered: readonly ValType[];
    switch (c.kind) {
      case CatchKind.Catch:
        delivered = v.tagParams(c.tag);
        break;
      case CatchKind.CatchRef:
        delivered = [...v.tagParams(c.tag), REF_EXN];
        break;
      case CatchKind.CatchAll:
        delivered = [];
        break;
      default:
        delivered = REF_EXN_ONLY;
    }
    if (!matchesAll(v.m, delivered, target)) {
      throw v.error(`type mismatch: catch delivers ${typeList(delivered)} to a label of ${typeList(target)}`);
    }
  }
  v.pushCtrl(Op.TryTable, t.params, t.results);
}

export const exceptionHandlers: Handlers = {
  [Op.Throw]: throw_,
  [Op.ThrowRef]: throwRef,
  [Op.TryTable]: tryTable,
};
