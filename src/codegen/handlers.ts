// The opcode table of the lowering: the one module that imports the concern
// files, each of which exports its handlers keyed by Op. A dense array indexed
// by Op (opcodes.ts: every Op is below OP_LIMIT).
import { OP_LIMIT, type Op } from '../opcodes.js';
import type { Handler } from './lowering.js';
import { controlHandlers } from './control.js';
import { numericHandlers } from './numeric.js';
import { memoryHandlers } from './memory.js';
import { variableHandlers } from './variables.js';
import { callHandlers } from './calls.js';
import { tableHandlers } from './tables.js';
import { exceptionHandlers } from './exceptions.js';
import { legacyHandlers } from './legacy.js';
import { tailCallHandlers } from './tailcalls.js';
import { outlineHandlers } from './outline.js';

export { needsTailBlock } from './tailcalls.js';

/** Handler by Op; undefined for opcodes codegen does not lower. */
export const HANDLERS: readonly (Handler | undefined)[] = (() => {
  const table: (Handler | undefined)[] = new Array(OP_LIMIT).fill(undefined);
  const concerns: [Op, Handler][][] = [
    controlHandlers, numericHandlers, memoryHandlers, variableHandlers, callHandlers,
    tableHandlers, exceptionHandlers, legacyHandlers, tailCallHandlers, outlineHandlers,
  ];
  for (const list of concerns) {
    for (const [op, h] of list) {
      if (table[op]) throw new Error(`internal: two handlers for opcode 0x${op.toString(16)}`);
      table[op] = h;
    }
  }
  return table;
})();
