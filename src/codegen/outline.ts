// Lowering of the pseudo-instructions that passes/split.ts puts into split
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
import { ValType } from '../ir.js';
import { Op } from '../opcodes.js';
import type { Handler, Lowering } from './lowering.js';
import { Flag } from './stack.js';

/** The slot written-back local l travels in at position k. */
const slotOf = (lw: Lowering, l: number, k: number): string =>
  lw.locals.type(l) === ValType.I64 ? lw.decls.wideSlot(k) : '$o' + k;

/** Copies between written-back locals and their slots, 8 per line. */
function emitCopies(lw: Lowering, writes: number[], copy: (local: string, slot: string) => string): void {
  for (let k = 0; k < writes.length; k += 8) {
    lw.stack.emit(writes.slice(k, k + 8).map((l, j) => copy(lw.locals.place(l), slotOf(lw, l, k + j))).join(' '));
  }
}

const outlineCall: Handler = (lw, ins) => {
  const o = ins.outline!;
  const st = lw.stack;
  // The piece reads and writes locals and may touch any state: evaluate every
  // pending value first.
  st.flushForStatement(true);
  const wide: string[] = [];
  const args: string[] = [];
  o.args!.forEach((l, i) => {
    if (lw.locals.type(l) === ValType.I64) wide.push(`${lw.decls.wideSlot(i)} = ${lw.locals.place(l)};`);
    else args.push(lw.locals.place(l));
  });
  if (wide.length > 0) st.emit(wide.join(' '));
  const call = `${o.name!}(${args.join(', ')})`;
  const h = st.height;
  if (o.exits! > 1) {
    st.prepareSlotWrite(h);
    st.writeSlot(h, call);
  } else {
    st.emit(`${call};`);
  }
  emitCopies(lw, o.writes!, (local, slot) => `${local} = ${slot};`);
  // A piece can grow memory only if the function it was cut from can.
  if (!lw.ctx.memoryStable[lw.funcIndex]) lw.memory.refresh();
  if (o.exits! > 1) st.pushSlot(h);
};

const outlineExit: Handler = (lw, ins) => {
  const o = ins.outline!;
  const st = lw.stack;
  emitCopies(lw, o.writes!, (local, slot) => `${slot} = ${local};`);
  st.emit(lw.returnStatement(o.exits! > 1 ? String(o.code) : undefined, true));
  lw.markUnreachable();
};

const returnStore: Handler = (lw, ins) => {
  const n = ins.outline!.arity!;
  const st = lw.stack;
  st.flushForStatement(false, n);
  const vals = st.popN(n).map((e) => st.value(e));
  if (n > 0) st.emit(vals.map((v, i) => `$r${i} = ${v};`).join(' '));
};

const returnLoad: Handler = (lw, ins) => {
  const n = ins.outline!.arity!;
  for (let i = 0; i < n; i++) {
    lw.stack.push('$r' + i, Flag.State);
    lw.stack.peek().atom = true;
  }
};

export const outlineHandlers: [Op, Handler][] = [
  [Op.OutlineCall, outlineCall],
  [Op.OutlineExit, outlineExit],
  [Op.ReturnStore, returnStore],
  [Op.ReturnLoad, returnLoad],
];
