// SIMD instructions whose immediates need checking: lane indices (extract and
// replace, shuffles) and the lane loads and stores (memarg and lane). Every
// other SIMD instruction has a fixed signature in its row (opcodes.ts), which
// func.ts checks.
import type { Instr } from '../ir.js';
import { Imm, OPCODES, type OpInfo } from '../opcodes.js';
import { memArg, type Handler, type Handlers, type Validator } from './validator.js';

/** Lanes of the shape an instruction's name starts with (i8x16 ... f64x2). */
function laneCount(name: string): number {
  return Number(/^[if]\d+x(\d+)\./.exec(name)![1]);
}

function checkLane(v: Validator, lane: number, lanes: number): void {
  if (lane >= lanes) throw v.error('invalid lane index');
}

/** extract_lane / replace_lane: a lane index below the shape's lane count. */
function laneOp(row: OpInfo): Handler {
  const lanes = laneCount(row.name);
  const { params, results } = row.sig!;
  return (v, ins) => {
    checkLane(v, ins.lane!, lanes);
    v.popVals(params);
    v.pushVals(results);
  };
}

/** i8x16.shuffle: every index selects one of the 32 lanes of the two operands. */
function shuffle(row: OpInfo): Handler {
  const { params, results } = row.sig!;
  return (v, ins: Instr) => {
    for (const b of ins.bytes!) checkLane(v, b, 32);
    v.popVals(params);
    v.pushVals(results);
  };
}

/** v128.load*_lane / v128.store*_lane: a memarg, and a lane of the access's width. */
function laneAccess(row: OpInfo): Handler {
  const a = row.access!;
  const lanes = 16 / a.bytes;
  const { params, results } = row.sig!;
  return (v, ins) => {
    memArg(v, ins, a);
    checkLane(v, ins.lane!, lanes);
    v.popVals(params);
    v.pushVals(results);
  };
}

const handlers: { [op: number]: Handler } = {};
for (const row of OPCODES) {
  if (row.imm === Imm.Lane) handlers[row.op] = laneOp(row);
  else if (row.imm === Imm.Shuffle) handlers[row.op] = shuffle(row);
  else if (row.imm === Imm.MemArgLane) handlers[row.op] = laneAccess(row);
}

export const simdHandlers: Handlers = handlers;
