// Memory instructions: loads and stores (typed by their row in src/opcodes.ts:
// the signature with the address, the access width), memory.size/grow, and the
// memory half of bulk memory (memory.init/copy/fill, data.drop).
import { ValType, type Instr } from '../ir.js';
import { Imm, OPCODES, Op, type OpInfo } from '../opcodes.js';
import { memArg, type Handler, type Handlers, type Validator } from './validator.js';

const I32_X3: readonly ValType[] = [ValType.I32, ValType.I32, ValType.I32];

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

/**
 * An atomic instruction (threads): an existing memory, shared or not; the
 * alignment exactly natural (it is a hint for plain accesses, a requirement
 * here); a 32-bit offset; then the row's signature, operands popped last first.
 */
function atomic(row: OpInfo): Handler {
  const natural = row.atomic!.naturalAlign;
  const { params, results } = row.sig!;
  return (v, ins) => {
    v.memory(ins.mem!);
    if (ins.align! > natural) throw v.error('alignment must not be larger than natural');
    if (ins.align! < natural) throw v.error('atomic alignment must be natural');
    if (ins.memOffset! > 0xffffffff) throw v.error('offset out of range');
    v.popVals(params);
    for (const t of results) v.push(t);
  };
}

const handlers: { [op: number]: Handler } = {
  // atomic.fence: no operands, no memory needed.
  [Op.AtomicFence]: () => {},
  [Op.MemorySize]: memorySize,
  [Op.MemoryGrow]: memoryGrow,
  [Op.MemoryInit]: memoryInit,
  [Op.DataDrop]: dataDrop,
  [Op.MemoryCopy]: memoryCopy,
  [Op.MemoryFill]: memoryFill,
};
// Loads and stores with a plain memarg (the SIMD lane accesses are simd.ts's).
for (const row of OPCODES) {
  if (row.access && row.imm === Imm.MemArg) handlers[row.op] = row.access.store ? store(row) : load(row);
  if (row.atomic) handlers[row.op] = atomic(row);
}

export const memoryHandlers: Handlers = handlers;
