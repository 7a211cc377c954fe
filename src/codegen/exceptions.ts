// Exception handling (try_table, throw, throw_ref, legacy try/catch/delegate/rethrow).
// Decoded and validated already; lowering comes with the exceptions work, until
// then modules using it are rejected with a clear error.
import type { Handler } from './function.js';
import { unsupported } from '../binary/errors.js';

const notYet: Handler = (_fl, ins) => {
  throw unsupported(ins.offset, 'exceptions');
};

export const exceptionHandlers = new Map<number, Handler>(
  [0x06, 0x07, 0x08, 0x09, 0x0a, 0x18, 0x19, 0x1f].map((op) => [op, notYet] as [number, Handler]),
);
