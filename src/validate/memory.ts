// Memory instructions: loads and stores (typed by their row in src/opcodes.ts:
// the signature with the address, the access width), memory.size/grow, and the
// memory half of bulk memory (memory.init/copy/fill, data.drop).
import { ValType, type Instr } from '../ir.js';
import { OPCODES, Op, type Access, type OpInfo } from '../opcodes.js';
import type { Handler, Handlers, Validator } from './validator.js';

const I32_X3: readonly ValType[] = [ValType.I32, ValType.I32, ValType.I32];

/** The memarg of a load or store: an existing memory, at most natural alignment, a 32-bit offset. */
function memArg(v: Validator, ins: Instr, a: Access): void {
  v.memory(ins.mem!);
  if (ins.align! > a.naturalAlign) throw v.error('alignment must not be larger than natural');
  // 32-bit memories: the static offset is an i32 (it was read as a u64).
  if (ins.memOffset! > 0xffffffff) throw v.error('offset out of range');
}

/** A load's handler: [addr] -> [t]. */
function load(row: OpInfo): Handler {
  const a = row.access!;
  const addr = row.sig!.params[0];
  const t = row.sig!.results[0];
  return (v, ins) => {
    memArg(v, ins, a);
    v.pop(addr);
    v.push(t);
  };
}

/** A store's handler: [addr t] -> [], the operands popped one at a time (the value first). */
function store(row: OpInfo): Handler {
  const a = row.access!;
  const [addr, t] = row.sig!.params;
  return (v, ins) => {
    memArg(v, ins, a);
    v.pop(t);
    v.pop(addr);
  };
}

function memorySize(v: Validator, ins: Instr): void {
  v.memory(ins.mem!);
  v.push(ValType.I32);
}

function memoryGrow(v: Validator, ins: Instr): void {
  v.memory(ins.mem!);
  v.pop(ValType.I32);
  v.push(ValType.I32);
}

function memoryInit(v: Validator, ins: Instr): void {
  v.memory(ins.mem!);
  v.dataSegment(ins.segment!);
  v.popVals(I32_X3);
}

function dataDrop(v: Validator, ins: Instr): void {
  v.dataSegment(ins.segment!);
}

function memoryCopy(v: Validator, ins: Instr): void {
  v.memory(ins.mem!);
  v.memory(ins.mem2!);
  v.popVals(I32_X3);
}

function memoryFill(v: Validator, ins: Instr): void {
  v.memory(ins.mem!);
  v.popVals(I32_X3);
}

const handlers: { [op: number]: Handler } = {
  [Op.MemorySize]: memorySize,
  [Op.MemoryGrow]: memoryGrow,
  [Op.MemoryInit]: memoryInit,
  [Op.DataDrop]: dataDrop,
  [Op.MemoryCopy]: memoryCopy,
  [Op.MemoryFill]: memoryFill,
};
for (const row of OPCODES) {
  if (row.access) handlers[row.op] = row.access.store ? store(row) : load(row);
}

export const memoryHandlers: Handlers = handlers;
