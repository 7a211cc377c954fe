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
import { Op } from '../opcodes.js';
import type { Structure } from './structure.js';

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

  constructor(body: Instr[], nLocals: number, { endOf, seps }: Structure) {
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
      return body[o].op === Op.Loop ? o + 1 : endOf[o];
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
        case Op.Block: case Op.Loop: case Op.Try:
          frames.push(i);
          tryHandlers.push(op === Op.Try ? (seps.get(i) ?? []).map((c) => c + 1) : null);
          break;
        case Op.TryTable: {
          frames.push(i);
          // Clause labels are relative to the frames outside the try_table.
          const hs = ins.catches!.map((c) => target(c.depth + 1));
          tryHandlers.push(hs.length > 0 ? hs : null);
          break;
        }
        case Op.If: {
          frames.push(i);
          tryHandlers.push(null);
          const els = seps.get(i);
          add(els ? els[0] + 1 : endOf[i]);
          break;
        }
        case Op.Else: case Op.Catch: case Op.CatchAll: {
          // Reached by falling off the previous arm: continue after the frame.
          // A catch arm of a legacy try is no longer watched by that try's handlers.
          const o = frames[frames.length - 1];
          add(endOf[o]);
          fallsThrough = false;
          if (op !== Op.Else) tryHandlers[tryHandlers.length - 1] = null;
          break;
        }
        case Op.End: case Op.Delegate:
          if (frames.length > 1) {
            frames.pop();
            tryHandlers.pop();
          } else {
            fallsThrough = false; // the function's end
          }
          break;
        case Op.Br:
          add(target(ins.depth!));
          fallsThrough = false;
          break;
        case Op.BrIf: case Op.BrOnNull: case Op.BrOnNonNull:
          add(target(ins.depth!));
          break;
        case Op.BrTable:
          for (const d of ins.labels!) add(target(d));
          add(target(ins.depth!));
          fallsThrough = false;
          break;
        case Op.OutlineExit: // returns from the piece (split.ts)
        case Op.Unreachable: case Op.Return: case Op.Throw: case Op.Rethrow: case Op.ThrowRef:
        case Op.ReturnCall: case Op.ReturnCallIndirect: case Op.ReturnCallRef:
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
        if (ins.op === Op.LocalSet || ins.op === Op.LocalTee) tmp[ins.index! >>> 5] &= ~(1 << (ins.index! & 31));
        else if (ins.op === Op.LocalGet) tmp[ins.index! >>> 5] |= 1 << (ins.index! & 31);
        else if (ins.op === Op.OutlineCall || ins.op === Op.OutlineExit) {
          const o = ins.outline!;
          if (ins.op === Op.OutlineCall) for (const l of o.writes!) tmp[l >>> 5] &= ~(1 << (l & 31));
          for (const l of (ins.op === Op.OutlineCall ? o.args! : o.writes!)) tmp[l >>> 5] |= 1 << (l & 31);
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
