// The lowering's opcode table covers the opcode table: every instruction the
// decoder accepts has a handler, so a new row without one fails here, not in
// a user's module.
import { describe, it, expect } from 'vitest';
import { OPCODES } from '../opcodes.js';
import { HANDLERS } from './handlers.js';

describe('codegen handlers', () => {
  it('lower every opcode of the table', () => {
    const missing = OPCODES.filter((r) => !HANDLERS[r.op]).map((r) => r.name);
    expect(missing).toEqual([]);
  });

  it('are keyed by opcodes of the table only', () => {
    const rows = new Set(OPCODES.map((r) => r.op));
    const strays = HANDLERS.map((h, op) => (h && !rows.has(op) ? op : -1)).filter((op) => op >= 0);
    expect(strays).toEqual([]);
  });
});
