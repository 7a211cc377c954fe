// The structured-control view of a function body: where each frame ends, where
// its parts are separated, and which frame encloses each instruction. Every
// pass that needs the block structure (liveness, alignment, splitting,
// inlining, the i64 slot choice, the lowering's skipping of unreachable code)
// reads it from here instead of counting openers and `end`s itself.
//
// One iterative walk over the body; nothing here recurses, so any nesting depth
// validation allows is fine. Bodies reaching here are valid (or, for the
// splitter's pieces, made valid), so every opener has its closer.
import type { Instr } from '../ir.js';
import { isCloser, isOpener, isSeparator } from '../opcodes.js';

export interface Structure {
  /** For an opener (block, loop, if, try, try_table): the index of its `end` or `delegate`; -1 elsewhere. */
  readonly endOf: Int32Array;
  /** The separators (else, catch, catch_all) of each opener that has some, in order. */
  readonly seps: Map<number, number[]>;
  /**
   * The innermost opener enclosing instruction i, or -1 for the function's own
   * frame. An opener's parent is the frame around it; a separator's or a
   * closer's is the frame it belongs to.
   */
  readonly parent: Int32Array;
  /** The deepest nesting of frames in the body (the function's own frame not counted). */
  readonly maxDepth: number;
}

/**
 * The last structure computed, for the array it was computed from: the
 * splitter, the lowering, its alignment and i64-slot passes each ask for the
 * same body's (it was 4% of compiling esbuild-wasm). Bodies are not changed
 * in place once decoded or built, except emptied (compile.ts release()), which
 * the length check sees.
 */
let lastBody: Instr[] | null = null;
let lastLength = -1;
let last: Structure | null = null;

export function structureOf(body: Instr[]): Structure {
  if (body === lastBody && body.length === lastLength) return last!;
  const s = computeStructure(body);
  lastBody = body;
  lastLength = body.length;
  last = s;
  return s;
}

function computeStructure(body: Instr[]): Structure {
  const n = body.length;
  const endOf = new Int32Array(n).fill(-1);
  const parent = new Int32Array(n);
  const seps = new Map<number, number[]>();
  const open: number[] = [];
  let maxDepth = 0;
  for (let i = 0; i < n; i++) {
    const op = body[i].op;
    const top = open.length > 0 ? open[open.length - 1] : -1;
    parent[i] = top;
    if (isOpener(op)) {
      open.push(i);
      if (open.length > maxDepth) maxDepth = open.length;
    } else if (isSeparator(op)) {
      if (top >= 0) {
        let s = seps.get(top);
        if (!s) seps.set(top, (s = []));
        s.push(i);
      }
    } else if (isCloser(op) && top >= 0) {
      endOf[open.pop()!] = i;
    }
  }
  return { endOf, seps, parent, maxDepth };
}

/** The number of frames enclosing instruction i (0: directly in the function's body). */
export function depthOf(s: Structure, i: number): number {
  let d = 0;
  for (let p = s.parent[i]; p >= 0; p = s.parent[p]) d++;
  return d;
}
