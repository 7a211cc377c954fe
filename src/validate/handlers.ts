// The validator's opcode table: the only module that imports the concern files.
// An instruction is checked either by its fixed signature (numeric, conversion
// and constant instructions: their row's `sig` in src/opcodes.ts, popped and
// pushed by func.ts's loop) or by its handler. handlers.test.ts checks that
// every decodable row has exactly one of the two.
import { OPCODES, OP_LIMIT, type Sig } from '../opcodes.js';
import type { Handler, Handlers } from './validator.js';
import { controlHandlers } from './control.js';
import { exceptionHandlers } from './exceptions.js';
import { legacyHandlers } from './legacy.js';
import { callHandlers } from './calls.js';
import { referenceHandlers } from './references.js';
import { variableHandlers } from './variables.js';
import { tableHandlers } from './tables.js';
import { memoryHandlers } from './memory.js';

/**
 * Signatures of the instructions whose typing is fixed, by Op. Loads and
 * stores have a `sig` too (with the address) but are handlers: their memarg
 * needs checking.
 */
export const FIXED: readonly (Sig | undefined)[] = (() => {
  const t: (Sig | undefined)[] = new Array(OP_LIMIT).fill(undefined);
  for (const r of OPCODES) if (r.sig && !r.access) t[r.op] = r.sig;
  return t;
})();

/** Handlers by Op; undefined where FIXED applies or the opcode is not valid in a body. */
export const HANDLERS: readonly (Handler | undefined)[] = (() => {
  const t: (Handler | undefined)[] = new Array(OP_LIMIT).fill(undefined);
  const all: Handlers[] = [
    controlHandlers,
    exceptionHandlers,
    legacyHandlers,
    callHandlers,
    referenceHandlers,
    variableHandlers,
    tableHandlers,
    memoryHandlers,
  ];
  for (const hs of all) {
    for (const key of Object.keys(hs)) {
      const op = Number(key);
      if (t[op] || FIXED[op]) throw new Error(`validator: two checks for opcode 0x${op.toString(16)}`);
      t[op] = hs[op];
    }
  }
  return t;
})();
