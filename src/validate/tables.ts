// Table instructions and the table half of bulk memory: table.get/set/size/
// grow/fill, table.init, table.copy, elem.drop.
import { ValType, formatValType, type Instr } from '../ir.js';
import { Op } from '../opcodes.js';
import type { Handlers, Validator } from './validator.js';

const I32_X3: readonly ValType[] = [ValType.I32, ValType.I32, ValType.I32];

function tableGet(v: Validator, ins: Instr): void {
  const t = v.table(ins.mem!);
  v.pop(ValType.I32);
  v.push(t);
}

function tableSet(v: Validator, ins: Instr): void {
  const t = v.table(ins.mem!);
  v.popVals([ValType.I32, t]);
}

function tableSize(v: Validator, ins: Instr): void {
  v.table(ins.mem!);
  v.push(ValType.I32);
}

/** table.grow: [t i32] -> [i32] */
function tableGrow(v: Validator, ins: Instr): void {
  const t = v.table(ins.mem!);
  v.popVals([t, ValType.I32]);
  v.push(ValType.I32);
}

/** table.fill: [i32 t i32] -> [] */
function tableFill(v: Validator, ins: Instr): void {
  const t = v.table(ins.mem!);
  v.popVals([ValType.I32, t, ValType.I32]);
}

function tableInit(v: Validator, ins: Instr): void {
  const tt = v.table(ins.mem!);
  const et = v.elemType(ins.segment!);
  if (!v.matches(et, tt)) throw v.error(`type mismatch: elem segment of ${formatValType(et)} for a table of ${formatValType(tt)}`);
  v.popVals(I32_X3);
}

/** table.copy dst src: the source's elements must fit the destination. */
function tableCopy(v: Validator, ins: Instr): void {
  const dst = v.table(ins.mem!);
  const src = v.table(ins.mem2!);
  if (!v.matches(src, dst)) throw v.error(`type mismatch: table.copy from ${formatValType(src)} to ${formatValType(dst)}`);
  v.popVals(I32_X3);
}

function elemDrop(v: Validator, ins: Instr): void {
  v.elemType(ins.segment!);
}

export const tableHandlers: Handlers = {
  [Op.TableGet]: tableGet,
  [Op.TableSet]: tableSet,
  [Op.TableSize]: tableSize,
  [Op.TableGrow]: tableGrow,
  [Op.TableFill]: tableFill,
  [Op.TableInit]: tableInit,
  [Op.TableCopy]: tableCopy,
  [Op.ElemDrop]: elemDrop,
};
