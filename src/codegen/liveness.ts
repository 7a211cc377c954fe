// Liveness of locals in one function body. For the splitter (split.ts): a piece
// needs as parameters only the locals live where it starts, and writes back
// only those live where it exits. In an interpreter loop most of a case's
// locals are temporaries the next case overwrites; passing and copying them
// all made every dispatch several times dearer. For i64 locals (function.ts):
// only those live where paths join need the `$L` array.
//
// Backward dataflow over program points: point p is "before instruction p".
// Successors follow the structured control flow; an instruction inside a try
// body (try_table with clauses, legacy try) may also continue at any handler of
// any enclosing try in the function, which over-approximates (more live locals
// is always safe: a value passed or copied in vain).
import type { Instr } from '../ir.js';
import { OP_OUTLINE_CALL, OP_OUTLINE_EXIT } from '../ir.js';

/** Opcodes that open a frame: block, loop, if, try, try_table (skipped code must still count their `end`s). */
export function isOpener(op: number): boolean {
  return op === 0x02 || op === 0x03 || op === 0x04 || op === 0x06 || op === 0x1f;
}

/** The matching end (`endOf[opener]`) and separators (else, catch, catch_all) of every structured instruction. */
export interface FrameStructure {
  endOf: Int32Array;
  seps: Map<number, number[]>;
}

/** The frame structure of a body; null when nesting exceeds `maxNesting`. */
export function frameStructure(body: Instr[], maxNesting = Infinity): FrameStructure | null {
  const n = body.length;
  const endOf = new Int32Array(n).fill(-1);
  const seps = new Map<number, number[]>();
  const open: number[] = [];
  for (let i = 0; i < n; i++) {
    const op = body[i].op;
    if (isOpener(op)) {
      open.push(i);
      if (open.length > maxNesting) return null;
    } else if (op === 0x05 || op === 0x07 || op === 0x19) {
      const o = open[open.length - 1];
      let s = seps.get(o);
      if (!s) seps.set(o, (s = []));
      s.push(i);
    } else if ((op === 0x0b || op === 0x18) && open.length > 0) {
      endOf[open.pop()!] = i;
    }
  }
  return { endOf, seps };
}

export class Liveness {
  /** Words per set; `sets` holds one set per program point 0..n. */
  readonly words: number;
  private readonly sets: Uint32Array;
  /**
   * joins[p] === 1 when program point p can be reached from two or more
   * places (a loop header with a back-edge, the end of an if or of a block
   * something branches to, a handler): where V8 merges values in a phi.
   */
  readonly joins: Uint8Array;

  constructor(body: Instr[], nLocals: number, endOf: Int32Array, seps: Map<number, number[]>) {
    const n = body.length;
    const words = (this.words = (nLocals + 31) >>> 5);
    const sets = (this.sets = new Uint32Array((n + 1) * words));
    // Successor lists, flattened: succ[i] = targets of instruction i.
    const succStart = new Int32Array(n + 1);
    const succ: number[] = [];
    // Enclosing frames while walking forward: opener index, or -1 for the function.
    const frames: number[] = [-1];
    /** Program point a branch to the frame `depth` out continues at (-1: leaves the function). */
    const target = (depth: number): number => {
      const o = frames[frames.length - 1 - depth];
      if (o < 0) return -1;
      return body[o].op === 0x03 ? o + 1 : endOf[o];
    };
    const tryHandlers: (number[] | null)[] = [];
    for (let i = 0; i < n; i++) {
      succStart[i] = succ.length;
      const ins = body[i];
      const op = ins.op;
      const add = (p: number) => {
        if (p >= 0) succ.push(p);
      };
      let fallsThrough = true;
      switch (op) {
        case 0x02: case 0x03: case 0x06:
          frames.push(i);
          tryHandlers.push(op === 0x06 ? (seps.get(i) ?? []).map((c) => c + 1) : null);
          break;
        case 0x1f: {
          frames.push(i);
          // Clause labels are relative to the frames outside the try_table.
          const hs = ins.catches!.map((c) => target(c.depth + 1));
          tryHandlers.push(hs.length > 0 ? hs : null);
          break;
        }
        case 0x04: {
          frames.push(i);
          tryHandlers.push(null);
          const els = seps.get(i);
          add(els ? els[0] + 1 : endOf[i]);
          break;
        }
        case 0x05: case 0x07: case 0x19: {
          // Reached by falling off the previous arm: continue after the frame.
          // A catch arm of a legacy try is no longer watched by that try's handlers.
          const o = frames[frames.length - 1];
          add(endOf[o]);
          fallsThrough = false;
          if (op !== 0x05) tryHandlers[tryHandlers.length - 1] = null;
          break;
        }
        case 0x0b: case 0x18:
          if (frames.length > 1) {
            frames.pop();
            tryHandlers.pop();
          } else {
            fallsThrough = false; // the function's end
          }
          break;
        case 0x0c:
          add(target(ins.depth!));
          fallsThrough = false;
          break;
        case 0x0d: case 0xd5: case 0xd6:
          add(target(ins.depth!));
          break;
        case 0x0e:
          for (const d of ins.labels!) add(target(d));
          add(target(ins.depth!));
          fallsThrough = false;
          break;
        case OP_OUTLINE_EXIT: // returns from the piece (split.ts)
        case 0x00: case 0x0f: case 0x08: case 0x09: case 0x0a: case 0x12: case 0x13: case 0x15:
          fallsThrough = false;
          break;
      }
      if (fallsThrough) add(i + 1);
      // Exceptional edges: to every handler of every enclosing watched try.
      for (const hs of tryHandlers) if (hs) for (const h of hs) add(h);
    }
    succStart[n] = succ.length;
    const preds = new Uint8Array(n + 1);
    for (const p of succ) if (preds[p] < 2) preds[p]++;
    this.joins = preds.map((c) => (c > 1 ? 1 : 0));

    // use/def per instruction are single locals, except for the splitter's
    // pseudo-instructions (a piece's call reads its arguments and writes back
    // its results; a piece's exit reads what it writes back): apply them inline.
    let changed = true;
    const tmp = new Uint32Array(words);
    while (changed) {
      changed = false;
      for (let i = n - 1; i >= 0; i--) {
        tmp.fill(0);
        for (let k = succStart[i]; k < succStart[i + 1]; k++) {
          const s = succ[k] * words;
          for (let w = 0; w < words; w++) tmp[w] |= sets[s + w];
        }
        const ins = body[i];
        if (ins.op === 0x21 || ins.op === 0x22) tmp[ins.index! >>> 5] &= ~(1 << (ins.index! & 31));
        else if (ins.op === 0x20) tmp[ins.index! >>> 5] |= 1 << (ins.index! & 31);
        else if (ins.op === OP_OUTLINE_CALL || ins.op === OP_OUTLINE_EXIT) {
          const o = ins.outline!;
          if (ins.op === OP_OUTLINE_CALL) for (const l of o.writes!) tmp[l >>> 5] &= ~(1 << (l & 31));
          for (const l of (ins.op === OP_OUTLINE_CALL ? o.args! : o.writes!)) tmp[l >>> 5] |= 1 << (l & 31);
        }
        const base = i * words;
        for (let w = 0; w < words; w++) {
          if (sets[base + w] !== tmp[w]) {
            sets[base + w] = tmp[w];
            changed = true;
          }
        }
      }
    }
  }

  /** Whether local `l` is live at program point p. */
  liveAt(p: number, l: number): boolean {
    return (this.sets[p * this.words + (l >>> 5)] & (1 << (l & 31))) !== 0;
  }
}
