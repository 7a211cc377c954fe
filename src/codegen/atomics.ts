// The threads proposal's instructions: atomic loads, stores, read-modify-write
// and compare-exchange, memory.atomic.wait32/64 and notify, atomic.fence. Each
// is a call of the runtime's atomics (runtime/atomics.ts) with the memory
// object `m<i>`, the dynamic address and the static offset: the runtime checks
// alignment and bounds (an unaligned atomic access traps even in bounds) and
// performs the access with JS's Atomics.
//
// Not the plain accesses' inline typed fast path: atomic accesses are rare
// next to plain ones, each is a full barrier in V8 anyway, and the out-of-line
// check keeps the alignment trap in one place.
import type { Instr } from '../ir.js';
import { Op, OP_INFO } from '../opcodes.js';
import { helperCall, type Handler } from './lowering.js';

/** The Memory object, the static offset: the arguments every helper takes after the address. */
function target(ins: Instr, a: string): string {
  return `m${ins.mem ?? 0}, ${a}, ${ins.memOffset ?? 0}`;
}

/** Width in bytes and whether the value type is i64, from the row's name (`i64.atomic.rmw16.add_u`). */
function shape(op: Op): { bytes: number; i64: boolean } {
  const name = OP_INFO[op]!.name;
  const i64 = name.startsWith('i64.');
  const width = /(?:load|store|rmw)(8|16|32)/.exec(name);
  return { bytes: width ? Number(width[1]) / 8 : i64 ? 8 : 4, i64 };
}

const RMW_NAMES = ['add', 'sub', 'and', 'or', 'xor', 'xchg'];

function lowerAtomic(op: Op): Handler | undefined {
  const name = OP_INFO[op]!.name;
  const { bytes, i64 } = shape(op);
  if (/\.atomic\.load/.test(name)) {
    return helperCall((lw, ins, [a]) => `${lw.helper('atomicLoad')}(${target(ins, a)}, ${bytes}, ${i64})`, 1, true);
  }
  if (/\.atomic\.store/.test(name)) {
    return helperCall((lw, ins, [a, x]) => `${lw.helper('atomicStore')}(${target(ins, a)}, ${bytes}, ${i64}, ${x})`, 2, false);
  }
  const rmw = /\.atomic\.rmw\d*\.(\w+?)(?:_u)?$/.exec(name);
  if (rmw && rmw[1] === 'cmpxchg') {
    return helperCall((lw, ins, [a, e, r]) => `${lw.helper('atomicCmpxchg')}(${target(ins, a)}, ${bytes}, ${i64}, ${e}, ${r})`, 3, true);
  }
  if (rmw) {
    const k = RMW_NAMES.indexOf(rmw[1]);
    if (k < 0) return undefined;
    return helperCall((lw, ins, [a, x]) => `${lw.helper('atomicRmw')}(${target(ins, a)}, ${bytes}, ${i64}, ${k}, ${x})`, 2, true);
  }
  return undefined;
}

const ATOMIC_ACCESSES: Op[] = [];
for (let op = Op.I32AtomicLoad; op <= Op.I64AtomicRmw32CmpxchgU; op++) if (OP_INFO[op]) ATOMIC_ACCESSES.push(op);

export const atomicHandlers: [Op, Handler][] = [
  ...ATOMIC_ACCESSES.map((op) => [op, lowerAtomic(op)!] as [Op, Handler]),
  [Op.MemoryAtomicNotify, helperCall((lw, ins, [a, n]) => `${lw.helper('atomicNotify')}(${target(ins, a)}, ${n})`, 2, true)],
  [Op.MemoryAtomicWait32, helperCall((lw, ins, [a, e, t]) => `${lw.helper('atomicWait')}(${target(ins, a)}, 4, ${e}, ${t})`, 3, true)],
  [Op.MemoryAtomicWait64, helperCall((lw, ins, [a, e, t]) => `${lw.helper('atomicWait')}(${target(ins, a)}, 8, ${e}, ${t})`, 3, true)],
  [Op.AtomicFence, helperCall((lw) => `${lw.helper('atomicFence')}()`, 0, false)],
];
