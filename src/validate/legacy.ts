// The legacy exception instructions: try, catch, catch_all, delegate and
// rethrow. A try's parts are frames of kind Op.Try, then Op.Catch or
// Op.CatchAll, each with the try's type; rethrow names one of the catch parts.
import type { Instr } from '../ir.js';
import { Op } from '../opcodes.js';
import type { Handlers, Validator } from './validator.js';

function try_(v: Validator, ins: Instr): void {
  const t = ins.type!;
  v.popVals(t.params);
  v.pushCtrl(Op.Try, t.params, t.results);
}

function catch_(v: Validator, ins: Instr): void {
  const f = v.top();
  if (f.kind === Op.CatchAll) throw v.error('catch after catch_all');
  if (f.kind !== Op.Try && f.kind !== Op.Catch) throw v.error('catch without matching try');
  const params = v.tagParams(ins.tag!);
  v.popCtrl();
  v.ctrls.push(v.newFrame(Op.Catch, f.params, f.results));
  v.pushVals(params);
}

function catchAll(v: Validator): void {
  const f = v.top();
  if (f.kind === Op.CatchAll) throw v.error('catch_all after catch_all');
  if (f.kind !== Op.Try && f.kind !== Op.Catch) throw v.error('catch_all without matching try');
  v.popCtrl();
  v.ctrls.push(v.newFrame(Op.CatchAll, f.params, f.results));
}

/** delegate ends a try that has no catch; its label is counted from outside that try. */
function delegate(v: Validator, ins: Instr): void {
  const f = v.top();
  if (f.kind !== Op.Try) throw v.error('delegate without matching try');
  v.popCtrl();
  v.label(ins.depth!);
  v.pushVals(f.results);
}

/** rethrow is only allowed from inside a catch / catch_all. */
function rethrow(v: Validator, ins: Instr): void {
  const f = v.label(ins.depth!);
  if (f.kind !== Op.Catch && f.kind !== Op.CatchAll) throw v.error('invalid rethrow label');
  v.setUnreachable();
}

export const legacyHandlers: Handlers = {
  [Op.Try]: try_,
  [Op.Catch]: catch_,
  [Op.CatchAll]: catchAll,
  [Op.Delegate]: delegate,
  [Op.Rethrow]: rethrow,
};
