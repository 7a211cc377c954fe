// Module features that decode and validate but cannot be emitted yet get a clear
// CompileError here, before any output exists.
import type { Module } from '../ir.js';
import { ValType } from '../ir.js';
import { unsupported } from '../binary/errors.js';

export function checkEmittable(m: Module): void {
  for (const ex of m.exports) {
    // The JS API has no Global type for exnref; such an export could not be linked.
    if (ex.kind === 'global' && m.globals[ex.index].type === ValType.ExnRef) {
      throw unsupported(ex.offset, 'exported exnref global');
    }
  }
}
