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
//
// Linear in the body at any nesting depth. The exceptional edges go through
// one extra node per watched try, whose successors are its handlers and the
// node of the next watched try out: an instruction has one such edge, not one
// per handler of every enclosing try (which made 2,000 nested tries cost
// 4 s). The equations are solved by sweeps from the end of the body to its
// start that only recompute points whose successors changed: in structured
// code most points settle in the first sweep, and a sweep no longer costs the
// whole body again per loop nesting level.
import type { Instr } from '../ir.js';
import { Op } from '../opcodes.js';
import type { Structure } from './structure.js';

/**
 * Bodies whose sets would take more words than this (points x locals / 32)
 * are not analysed: every local counts as live everywhere, which is always
 * safe (a piece gets more arguments, more i64 locals live in `$L`). 2^25
 * words is 128 MiB; a 1 MB body with 1,000 locals needs ~10 M.
 */
const MAX_WORDS = 1 << 25;

export class Liveness {
  /** Words per set; `sets` holds one set per program point 0..n, then one per watched try. */
  readonly words: number;
  /** null: too big to analyse, everything is live. */
  private readonly sets: Uint32Array | null;
  /**
   * joins[p] === 1 when program point p can be reached from two or more
   * places (a loop header with a back-edge, the end of an if or of a block
   * something branches to, a handler): where V8 merges values in a phi.
   */
  readonly joins: Uint8Array;

  constructor(body: Instr[], nLocals: number, { endOf, seps }: Structure) {
    const n = body.length;
    const words = (this.words = (nLocals + 31) >>> 5);
    // Successor lists, flattened: succ[succStart[i] .. succStart[i + 1]) are
    // the points instruction i continues at. Nodes n + 1 + k stand for the
    // watched tries (in order of their openers).
    const succStart = new Int32Array(n + 1);
    let succ = new Int32Array(2 * n + 16);
    let ns = 0;
    /** The node of the innermost watched try around instruction i, or -1. */
    const exc = new Int32Array(n).fill(-1);
    /** Per watched try: its opener, where its watched part ends, its handlers (points), the next watched try out (node or -1). */
    const tryOpener: number[] = [];
    const tryWatchEnd: number[] = [];
    const tryHandlers: number[][] = [];
    const tryOuter: number[] = [];
    // Enclosing frames while walking forward: the point a branch to each
    // continues at (after its end; a loop's start), -1 for the function's.
    const frames: number[] = [-1];
    /** Per frame (parallel to `frames` without the function's): its watched try's node, or -1. */
    const frameTry: number[] = [];
    /** Nodes of the watched tries around the current instruction, innermost last. */
    const watching: number[] = [];
    /** Program point a branch to the frame `depth` out continues at (-1: leaves the function). */
    const target = (depth: number): number => frames[frames.length - 1 - depth];
    const add = (p: number) => {
      if (p < 0) return;
      if (ns === succ.length) {
        const grown = new Int32Array(2 * ns);
        grown.set(succ);
        succ = grown;
      }
      succ[ns++] = p;
    };
    const watch = (i: number, handlers: number[], watchEnd: number): void => {
      const node = n + 1 + tryOpener.length;
      tryOpener.push(i);
      tryWatchEnd.push(watchEnd);
      tryHandlers.push(handlers);
      tryOuter.push(watching.length > 0 ? watching[watching.length - 1] : -1);
      watching.push(node);
      frameTry.push(node);
    };
    /**
     * Per instruction: 1 it writes local `local[i]` (local.set, local.tee), 2
     * it reads it (local.get), 3 a splitter's pseudo-instruction (see compute).
     * Kept here so the equations never read the instruction objects again.
     */
    const access = new Uint8Array(n);
    const local = new Int32Array(n);
    for (let i = 0; i < n; i++) {
      succStart[i] = ns;
      const ins = body[i];
      const op = ins.op;
      let fallsThrough = true;
      switch (op) {
        case Op.LocalSet: case Op.LocalTee:
          access[i] = 1;
          local[i] = ins.index!;
          break;
        case Op.LocalGet:
          access[i] = 2;
          local[i] = ins.index!;
          break;
        case Op.OutlineCall:
          access[i] = 3;
          break;
        case Op.Block:
          frames.push(endOf[i]);
          frameTry.push(-1);
          break;
        case Op.Loop:
          frames.push(i + 1);
          frameTry.push(-1);
          break;
        case Op.Try: {
          frames.push(endOf[i]);
          // A legacy try without catches (delegate, or none) watches nothing.
          const s = seps.get(i);
          if (s) watch(i, s.map((c) => c + 1), s[0]);
          else frameTry.push(-1);
          break;
        }
        case Op.TryTable: {
          frames.push(endOf[i]);
          // Clause labels are relative to the frames outside the try_table.
          if (ins.catches!.length > 0) watch(i, ins.catches!.map((c) => target(c.depth + 1)), endOf[i]);
          else frameTry.push(-1);
          break;
        }
        case Op.If: {
          frames.push(endOf[i]);
          frameTry.push(-1);
          const els = seps.get(i);
          add(els ? els[0] + 1 : endOf[i]);
          break;
        }
        case Op.Else: case Op.Catch: case Op.CatchAll: {
          // Reached by falling off the previous arm: continue after the frame.
          // A catch arm of a legacy try is no longer watched by that try's handlers.
          add(frames[frames.length - 1]);
          fallsThrough = false;
          if (op !== Op.Else && frameTry[frameTry.length - 1] >= 0) {
            frameTry[frameTry.length - 1] = -1;
            watching.pop();
          }
          break;
        }
        case Op.End: case Op.Delegate:
          if (frames.length > 1) {
            frames.pop();
            if (frameTry.pop()! >= 0) watching.pop();
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
          access[i] = 3;
          fallsThrough = false;
          break;
        case Op.Unreachable: case Op.Return: case Op.Throw: case Op.Rethrow: case Op.ThrowRef:
        case Op.ReturnCall: case Op.ReturnCallIndirect: case Op.ReturnCallRef:
          fallsThrough = false;
          break;
      }
      if (fallsThrough) add(i + 1);
      // Exceptional edges: to every handler of every enclosing watched try.
      if (watching.length > 0) exc[i] = watching[watching.length - 1];
    }
    succStart[n] = ns;
    const tries = tryOpener.length;
    const nodes = n + 1 + tries;

    // Joins: points with two or more incoming edges (counted with repeats, as
    // if every instruction had an edge to each handler of each enclosing
    // watched try: those of try t are the instructions [opener, watch end)).
    const preds = new Uint32Array(n + 1);
    for (let k = 0; k < ns; k++) preds[succ[k]]++;
    for (let t = 0; t < tries; t++) {
      const covered = tryWatchEnd[t] - tryOpener[t];
      for (const h of tryHandlers[t]) if (h >= 0) preds[h] += covered;
    }
    this.joins = new Uint8Array(n + 1);
    for (let p = 0; p <= n; p++) this.joins[p] = preds[p] > 1 ? 1 : 0;

    if (nodes * words > MAX_WORDS) {
      this.sets = null;
      return;
    }
    const sets = (this.sets = new Uint32Array(nodes * words));
    if (words === 0) return;

    // Predecessors of every node (flattened), for the worklist.
    const predCount = new Int32Array(nodes + 1);
    for (let i = 0; i < n; i++) {
      for (let k = succStart[i]; k < succStart[i + 1]; k++) predCount[succ[k]]++;
      if (exc[i] >= 0) predCount[exc[i]]++;
    }
    for (let t = 0; t < tries; t++) {
      for (const h of tryHandlers[t]) if (h >= 0) predCount[h]++;
      if (tryOuter[t] >= 0) predCount[tryOuter[t]]++;
    }
    const predStart = new Int32Array(nodes + 1);
    for (let v = 0; v < nodes; v++) predStart[v + 1] = predStart[v] + predCount[v];
    const pred = new Int32Array(predStart[nodes]);
    const fill = predStart.slice(0, nodes);
    for (let i = 0; i < n; i++) {
      for (let k = succStart[i]; k < succStart[i + 1]; k++) pred[fill[succ[k]]++] = i;
      if (exc[i] >= 0) pred[fill[exc[i]]++] = i;
    }
    for (let t = 0; t < tries; t++) {
      for (const h of tryHandlers[t]) if (h >= 0) pred[fill[h]++] = n + 1 + t;
      if (tryOuter[t] >= 0) pred[fill[tryOuter[t]]++] = n + 1 + t;
    }

    // Sweep order: points from the end backwards; a try's node right after
    // the points of its watched part's end (its handlers come after that end,
    // except those at enclosing loop headers).
    const order = new Int32Array(nodes);
    const rank = new Int32Array(nodes);
    {
      const at = new Int32Array(n + 2).fill(-1);
      const nextAt = new Int32Array(tries).fill(-1);
      for (let t = 0; t < tries; t++) {
        nextAt[t] = at[tryWatchEnd[t]];
        at[tryWatchEnd[t]] = t;
      }
      let k = 0;
      for (let p = n; p >= 0; p--) {
        order[k++] = p;
        for (let t = at[p]; t >= 0; t = nextAt[t]) order[k++] = n + 1 + t;
      }
      for (let r = 0; r < nodes; r++) rank[order[r]] = r;
    }

    const tmp = new Uint32Array(words);
    const orInto = (v: number) => {
      const s = v * words;
      for (let w = 0; w < words; w++) tmp[w] |= sets[s + w];
    };
    // The first sweep computes every node in order; after it, a node is
    // recomputed only when a successor changed: in this sweep if it comes
    // later in the order, else in the next one. Re-dirtied nodes wait in a
    // binary min-heap keyed by (sweep, rank).
    const dirty = new Uint8Array(nodes);
    const heap: number[] = [];
    const push = (key: number) => {
      let k = heap.length;
      heap.push(key);
      while (k > 0) {
        const up = (k - 1) >> 1;
        if (heap[up] <= key) break;
        heap[k] = heap[up];
        k = up;
      }
      heap[k] = key;
    };
    const pop = (): number => {
      const top = heap[0];
      const last = heap.pop()!;
      if (heap.length > 0) {
        let k = 0;
        for (;;) {
          let c = 2 * k + 1;
          if (c >= heap.length) break;
          if (c + 1 < heap.length && heap[c + 1] < heap[c]) c++;
          if (heap[c] >= last) break;
          heap[k] = heap[c];
          k = c;
        }
        heap[k] = last;
      }
      return top;
    };
    /** Recomputes node v's set from its successors'; whether it changed. */
    const compute = (v: number): boolean => {
      if (words === 1) {
        // At most 32 locals, the common case: one word per set, no scratch.
        let x = 0;
        if (v > n) {
          const t = v - n - 1;
          for (const h of tryHandlers[t]) if (h >= 0) x |= sets[h];
          if (tryOuter[t] >= 0) x |= sets[tryOuter[t]];
        } else {
          for (let k = succStart[v]; k < succStart[v + 1]; k++) x |= sets[succ[k]];
          if (exc[v] >= 0) x |= sets[exc[v]];
          const a = access[v];
          if (a === 1) x &= ~(1 << local[v]);
          else if (a === 2) x |= 1 << local[v];
          else if (a === 3) x = pseudo(v, x);
        }
        if (sets[v] === (x >>> 0)) return false;
        sets[v] = x;
        return true;
      }
      tmp.fill(0);
      if (v > n) {
        const t = v - n - 1;
        for (const h of tryHandlers[t]) if (h >= 0) orInto(h);
        if (tryOuter[t] >= 0) orInto(tryOuter[t]);
      } else {
        for (let k = succStart[v]; k < succStart[v + 1]; k++) orInto(succ[k]);
        if (exc[v] >= 0) orInto(exc[v]);
        const a = access[v];
        const l = local[v];
        if (a === 1) tmp[l >>> 5] &= ~(1 << (l & 31));
        else if (a === 2) tmp[l >>> 5] |= 1 << (l & 31);
        else if (a === 3) pseudoWide(v);
      }
      const base = v * words;
      let changed = false;
      for (let w = 0; w < words; w++) {
        if (sets[base + w] !== tmp[w]) {
          sets[base + w] = tmp[w];
          changed = true;
        }
      }
      return changed;
    };
    // use/def per instruction are single locals, except for the splitter's
    // pseudo-instructions: a piece's call reads its arguments and writes back
    // its results; a piece's exit reads what it writes back.
    const pseudo = (v: number, x: number): number => {
      const ins = body[v];
      const o = ins.outline!;
      if (ins.op === Op.OutlineCall) for (const l of o.writes!) x &= ~(1 << l);
      for (const l of (ins.op === Op.OutlineCall ? o.args! : o.writes!)) x |= 1 << l;
      return x;
    };
    const pseudoWide = (v: number): void => {
      const ins = body[v];
      const o = ins.outline!;
      if (ins.op === Op.OutlineCall) for (const l of o.writes!) tmp[l >>> 5] &= ~(1 << (l & 31));
      for (const l of (ins.op === Op.OutlineCall ? o.args! : o.writes!)) tmp[l >>> 5] |= 1 << (l & 31);
    };
    /** After node v (of rank r, in sweep `sweep`) changed: its predecessors are due. */
    const schedule = (v: number, r: number, sweep: number) => {
      for (let k = predStart[v]; k < predStart[v + 1]; k++) {
        const u = pred[k];
        if (dirty[u]) continue;
        dirty[u] = 1;
        push((rank[u] > r ? sweep : sweep + 1) * nodes + rank[u]);
      }
    };
    // Sweep 0: every node (rank 0 is point n, after the end: nothing is live there).
    for (let r = 1; r < nodes; r++) {
      const v = order[r];
      // Nodes later in this sweep are computed anyway.
      if (compute(v)) {
        for (let k = predStart[v]; k < predStart[v + 1]; k++) {
          const u = pred[k];
          if (rank[u] < r && !dirty[u]) {
            dirty[u] = 1;
            push(nodes + rank[u]);
          }
        }
      }
    }
    while (heap.length > 0) {
      const key = pop();
      const sweep = Math.floor(key / nodes);
      const r = key - sweep * nodes;
      const v = order[r];
      dirty[v] = 0;
      if (compute(v)) schedule(v, r, sweep);
    }
  }

  /** The locals live at program point p as a bit set of `words` words (a view), or null when the body was too big to analyse. */
  setAt(p: number): Uint32Array | null {
    return this.sets === null ? null : this.sets.subarray(p * this.words, (p + 1) * this.words);
  }

  /** Whether local `l` is live at program point p. */
  liveAt(p: number, l: number): boolean {
    if (!this.sets) return true;
    return (this.sets[p * this.words + (l >>> 5)] & (1 << (l & 31))) !== 0;
  }

  /** The locals live at some join point (`joins`), as a bit set of `words` words. */
  liveAtJoins(): Uint32Array {
    const words = this.words;
    const out = new Uint32Array(words);
    if (!this.sets) return out.fill(0xffffffff);
    for (let p = 0; p < this.joins.length; p++) {
      if (!this.joins[p]) continue;
      for (let w = 0; w < words; w++) out[w] |= this.sets[p * words + w];
    }
    return out;
  }
}
