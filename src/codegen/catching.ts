// What the catch blocks of try_table (exceptions.ts) and of the legacy try
// (legacy.ts) share: the payload types of tags, and the first lines of every
// handler.
import type { Instr } from '../ir.js';
import type { Lowering } from './lowering.js';

/** What a try_table frame keeps (exceptions.ts): its clauses, and its handler id (a delegation target, legacy.ts). */
export interface TryTableState {
  catches: NonNullable<Instr['catches']>;
  handlerId: number;
}

/** The canonical type string of tag i's type, as the module declares it. */
export function tagSig(lw: Lowering, tag: number): string {
  return lw.ctx.tagType(tag);
}

/** Number of payload values of tag i. */
export function tagArity(lw: Lowering, tag: number): number {
  return lw.ctx.module.types[lw.ctx.module.tags[tag]].params.length;
}

/**
 * The first lines of every catch block (try_table and legacy): traps and stack
 * exhaustion go on uncaught, delegations addressed elsewhere go on, and the cached
 * memory views are re-read (memory may have grown inside the try before the throw).
 */
export function handlerPrologue(lw: Lowering, catchVar: string, id: number): void {
  lw.stack.emit(`if (${lw.helper('uncatchable')}(${catchVar})) throw ${catchVar};`);
  delegationCheck(lw, catchVar, id);
  // Nothing in a function whose calls all keep the buffers can have grown memory.
  if (!lw.ctx.memoryStable[lw.funcIndex]) lw.memory.refresh();
}

/**
 * Lines a handler starts with in a function that delegates (legacy.ts): an
 * exception delegated to another handler passes this one.
 */
export function delegationCheck(lw: Lowering, catchVar: string, id: number): void {
  if (!lw.usesDelegate) return;
  const dg = lw.temp('$dg');
  lw.stack.emit(`if (${dg} !== undefined) { if (${dg} !== ${id}) throw ${catchVar}; ${dg} = undefined; }`);
}
