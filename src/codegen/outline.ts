// Lowering of the pseudo-instructions that codegen/split.ts puts into split
// functions: the call of a piece with its local write-back, a piece's exit, and
// results of a `return` crossing a piece boundary.
//
// Locals written by a piece travel back through instance-wide variables
// `$o<k>` (declared by emit/module.ts): nothing runs between a piece's exit
// writing them and its caller reading them, so one set serves every piece.
// i64 values use element k of the BigInt64Array `$w64` instead, as do a
// piece's i64 arguments (element = parameter position, read on entry): a
// BigInt in a variable or an argument is a heap object, an element of the
// array is stored raw, so V8 allocates nothing at the boundary.
import type { FunctionLowering, Handler } from './function.js';
import { Flag } from './stack.js';
import { OP_OUTLINE_CALL, OP_OUTLINE_EXIT, OP_RETURN_LOAD, OP_RETURN_STORE, ValType } from '../ir.js';

/** The slot written-back local l travels in at position k. */
const slotOf = (fl: FunctionLowering, l: number, k: number): string =>
  fl.localType(l) === ValType.I64 ? fl.ctx.wideSlot(k) : '$o' + k;

/** Copies between written-back locals and their slots, 8 per line. */
function emitCopies(fl: FunctionLowering, writes: number[], copy: (local: string, slot: string) => string): void {
  for (let k = 0; k < writes.length; k += 8) {
    fl.stack.emit(writes.slice(k, k + 8).map((l, j) => copy(fl.local(l), slotOf(fl, l, k + j))).join(' '));
  }
}

const outlineCall: Handler = (fl, ins) => {
  const o = ins.outline!;
  const st = fl.stack;
  // The piece reads and writes locals and may touch any state: evaluate every
  // pending value first.
  st.flushForStatement(true);
  const wide: string[] = [];
  const args: string[] = [];
  o.args!.forEach((l, i) => {
    if (fl.localType(l) === ValType.I64) wide.push(`${fl.ctx.wideSlot(i)} = ${fl.local(l)};`);
    else args.push(fl.local(l));
  });
  if (wide.length > 0) st.emit(wide.join(' '));
  const call = `${o.name!}(${args.join(', ')})`;
  const h = st.height;
  if (o.exits! > 1) {
    st.prepareSlotWrite(h);
    st.emit(`s${h} = ${call};`);
    if (h > st.maxSlotUsed) st.maxSlotUsed = h;
  } else {
    st.emit(`${call};`);
  }
  emitCopies(fl, o.writes!, (local, slot) => `${local} = ${slot};`);
  // A piece can grow memory only if the function it was cut from can.
  if (!fl.ctx.memoryStable[fl.func.index]) fl.refreshMemories();
  if (o.exits! > 1) st.pushSlot(h);
};

const outlineExit: Handler = (fl, ins) => {
  const o = ins.outline!;
  const st = fl.stack;
  emitCopies(fl, o.writes!, (local, slot) => `${slot} = ${local};`);
  st.emit(fl.returnStatement(o.exits! > 1 ? String(o.code) : undefined));
  fl.markUnreachable();
};

const returnStore: Handler = (fl, ins) => {
  const n = ins.outline!.arity!;
  const st = fl.stack;
  st.flushForStatement(false, n);
  const vals: string[] = [];
  for (let i = 0; i < n; i++) vals.unshift(st.value(st.pop()));
  if (n > 0) st.emit(vals.map((v, i) => `$r${i} = ${v};`).join(' '));
};

const returnLoad: Handler = (fl, ins) => {
  const n = ins.outline!.arity!;
  for (let i = 0; i < n; i++) fl.stack.push('$r' + i, Flag.State);
};

export const outlineHandlers = new Map<number, Handler>([
  [OP_OUTLINE_CALL, outlineCall],
  [OP_OUTLINE_EXIT, outlineExit],
  [OP_RETURN_STORE, returnStore],
  [OP_RETURN_LOAD, returnLoad],
]);
