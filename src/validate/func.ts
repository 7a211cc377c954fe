// Function body validation: the spec's validation appendix algorithm (the
// stack machine is ./validator.ts), extended with exception handling, the
// legacy exception instructions, typed function references and tail calls.
// Each instruction is checked by its fixed signature or by its handler
// (./handlers.ts and the concern files it collects).

import type { Func, Instr, Module } from '../ir.js';
import { funcType } from './module.js';
import { FIXED, HANDLERS } from './handlers.js';
import { Validator } from './validator.js';

/**
 * Validates one function body (`body` from decodeBody, final `end` included)
 * against the module. Assumes validateModule has accepted the module.
 *
 * With `heights` (length >= body.length), records before each instruction the
 * operand stack height relative to the innermost frame: `h` at a reachable
 * point, `-1 - h` at an unreachable one (the splitter's safe points).
 */
export function validateFunction(m: Module, f: Func, body: Instr[], heights?: Int32Array): void {
  const v = new Validator(m, funcType(m, f.index, f.codeStart), f.locals);
  const ctrls = v.ctrls;
  const n = body.length;
  for (let i = 0; i < n; i++) {
    const ins = body[i];
    v.at = ins.offset;
    if (ctrls.length === 0) throw v.error('operators remaining after end of function');
    if (heights) {
      const top = ctrls[ctrls.length - 1];
      const rel = v.sp - top.height;
      heights[i] = top.unreachable ? -1 - rel : rel;
    }
    const op = ins.op;
    const sig = FIXED[op];
    if (sig !== undefined) {
      v.popVals(sig.params);
      v.pushVals(sig.results);
      continue;
    }
    const h = HANDLERS[op];
    if (h === undefined) throw v.error(`illegal opcode ${op.toString(16)}`);
    h(v, ins);
  }
  if (ctrls.length !== 0) throw v.error('END opcode expected');
}
