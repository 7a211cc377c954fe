// Module features that decode and validate but cannot be emitted yet get a clear
// CompileError here, before any output exists.
import type { Module } from '../ir.js';
import { ValType } from '../ir.js';
import { unsupported } from '../binary/errors.js';

export function checkEmittable(m: Module): void {
  for (const im of m.imports) {
    if (im.desc.kind === 'tag') throw unsupported(im.offset, 'exceptions');
  }
  if (m.tags.length > 0) throw unsupported(0, 'exceptions');
  for (const ex of m.exports) if (ex.kind === 'tag') throw unsupported(ex.offset, 'exceptions');
  for (const g of m.globals) if (g.type === ValType.ExnRef) throw unsupported(0, 'exceptions');
}
