// The index spaces of a module in the text format, and the interface the
// instruction encoder sees of the module being assembled.
import type { Cursor } from './cursor.js';
import type { SNode } from './sexpr.js';
import type { SourceText } from './source.js';
import type { TypeTable } from './types.js';

export const enum Space {
  Func,
  Table,
  Memory,
  Global,
  Tag,
  Elem,
  Data,
}

/** How each space is named in messages ("unknown function $f", "duplicate memory $m"). */
export const SPACE_NAMES = ['function', 'table', 'memory', 'global', 'tag', 'elem segment', 'data segment'];

/** One index space: its size so far and its names. */
export class Names {
  count = 0;
  readonly ids = new Map<string, number>();
}

export interface ModuleScope {
  readonly src: SourceText;
  readonly types: TypeTable;
  /** An index of `space`: `$x` (must be bound) or a number (the validator checks its range). */
  index(c: Cursor, n: SNode | undefined, space: Space): number;
  /** memory.init or data.drop was used: the module needs a data count section. */
  usesDataCount(): void;
  /** Text offset of the folded instruction entered last (where running out of stack is reported). */
  deepest: number;
}
