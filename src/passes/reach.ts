// What a region of a body needs from outside it, for the splitter (split.ts):
// can the region become a piece, and how many exits would it have?
//
// A region is a run of sibling instructions inside one frame. Whether it can
// be outlined depends only on the branches, delegations, rethrows and catch
// clauses inside it that leave it, i.e. whose target frame encloses the region.
// Frames are numbered by *level*: 0 is the function's own frame, the frame an
// opener at nesting depth p opens is level p + 1, and a region whose
// instructions sit directly in the frame of level L is left exactly by the
// targets of level <= L. So every such instruction can be classified once,
// independently of the region it ends up in:
//
//   - a *hard* target at level t: the region cannot be outlined if t <= L
//     (a branch carrying values, a catch clause, delegate, rethrow,
//     br_on_null, a conditional branch to the function frame that returns
//     values, a tail call: t = 0, never possible);
//   - an *exit* at level t: one exit code per distinct level <= L;
//   - a *return* (`return`, or a plain branch to the function frame of a
//     function with results): one more exit code, always outside.
//
// A summary keeps the lowest hard level, the return flag and the MAX_EXITS
// lowest distinct exit levels (enough to tell whether more than MAX_EXITS - 1
// of them are <= L). Summaries of sibling instructions combine by min, or and
// merge, so the summary of every structured instruction is computed once,
// bottom-up, in one forward pass (`reachOf`), and the splitter checks a run of
// siblings in time proportional to the number of siblings, not to their size.
// This replaced a scan of every candidate's instructions at every nesting
// level, which made splitting quadratic in the nesting depth.
import type { Instr } from '../ir.js';
import { Op, isOpener } from '../opcodes.js';
import type { Structure } from './structure.js';

/** Most exit codes a piece may have (see split.ts). */
export const MAX_EXITS = 8;

/** No hard target. */
const NONE = 0x7fffffff;

/** The summary of one instruction or of a run of siblings (see the file comment). */
export class Reach {
  hard = NONE;
  ret = false;
  /** Lowest distinct exit levels, ascending, at most MAX_EXITS. */
  levels: number[] = [];

  clear(): this {
    this.hard = NONE;
    this.ret = false;
    this.levels.length = 0;
    return this;
  }

  addExit(t: number): void {
    insertLevel(this.levels, t);
  }

  addHard(t: number): void {
    if (t < this.hard) this.hard = t;
  }

  /** Adds the summary of instruction i (the whole subtree for an opener). */
  add(r: BodyReach, i: number): void {
    const h = r.hard[i];
    if (h < this.hard) this.hard = h;
    if (r.ret[i]) this.ret = true;
    const ls = r.levels.get(i);
    if (ls) for (const t of ls) insertLevel(this.levels, t);
  }

  /** Whether a region with this summary, directly in the frame of level L, can be outlined. */
  fitsAt(level: number): boolean {
    if (this.hard <= level) return false;
    let exits = 1 + (this.ret ? 1 : 0);
    for (const t of this.levels) if (t <= level) exits++;
    return exits <= MAX_EXITS;
  }
}

/** Inserts t into a sorted list of distinct levels kept to its MAX_EXITS lowest. */
function insertLevel(ls: number[], t: number): void {
  let k = ls.length;
  while (k > 0 && ls[k - 1] > t) k--;
  if (k > 0 && ls[k - 1] === t) return;
  if (k >= MAX_EXITS) return;
  ls.splice(k, 0, t);
  if (ls.length > MAX_EXITS) ls.length = MAX_EXITS;
}

/** Per instruction: its own summary, or for an opener the summary of its whole extent. */
export interface BodyReach {
  hard: Int32Array;
  ret: Uint8Array;
  /** Only instructions with exit levels have an entry. */
  levels: Map<number, number[]>;
}

/**
 * The summaries of a validated body, in one forward pass with a stack of the
 * open frames (no recursion). `resultArity` is the function's result count.
 */
export function reachOf(body: Instr[], structure: Structure, resultArity: number): BodyReach {
  const n = body.length;
  const out: BodyReach = { hard: new Int32Array(n).fill(NONE), ret: new Uint8Array(n), levels: new Map() };
  /** Open openers; open[t - 1] opens the frame of level t. */
  const open: number[] = [];
  /** The summary of each open frame so far (parallel to `open`). */
  const acc: Reach[] = [];
  const own = new Reach();
  const frameCarries = (t: number): boolean => {
    const o = body[open[t - 1]];
    return (o.op === Op.Loop ? o.type!.params.length : o.type!.results.length) > 0;
  };
  /** A branch to level t: `plain` for `br` (which may return values from the function frame). */
  const branch = (t: number, plain: boolean): void => {
    if (t === 0) {
      if (resultArity === 0) own.addExit(0);
      else if (plain) own.ret = true;
      else own.addHard(0);
    } else if (frameCarries(t)) {
      own.addHard(t);
    } else {
      own.addExit(t);
    }
  };
  const store = (i: number, r: Reach): void => {
    out.hard[i] = r.hard;
    out.ret[i] = r.ret ? 1 : 0;
    if (r.levels.length > 0) out.levels.set(i, r.levels.slice());
  };
  const merge = (into: Reach, from: Reach): void => {
    if (from.hard < into.hard) into.hard = from.hard;
    if (from.ret) into.ret = true;
    for (const t of from.levels) insertLevel(into.levels, t);
  };
  for (let i = 0; i < n; i++) {
    const ins = body[i];
    const op = ins.op;
    // Frames enclosing i (for a separator or closer, its own frame is still open).
    const lv = open.length;
    own.clear();
    switch (op) {
      case Op.Br:
        branch(lv - ins.depth!, true);
        break;
      case Op.BrIf:
        branch(lv - ins.depth!, false);
        break;
      case Op.BrTable:
        for (const d of ins.labels!) branch(lv - d, false);
        branch(lv - ins.depth!, false);
        break;
      case Op.BrOnNull: case Op.BrOnNonNull: case Op.Rethrow:
        own.addHard(lv - ins.depth!);
        break;
      case Op.Delegate:
        // Relative to the frames outside its try.
        own.addHard(lv - 1 - ins.depth!);
        break;
      case Op.TryTable:
        // Clause labels are relative to the frames outside the try_table.
        for (const c of ins.catches!) own.addHard(lv - c.depth);
        break;
      case Op.Return:
        own.ret = true;
        break;
      case Op.ReturnCall: case Op.ReturnCallIndirect: case Op.ReturnCallRef:
        own.addHard(0);
        break;
    }
    if (isOpener(op)) {
      open.push(i);
      const r = new Reach();
      merge(r, own);
      acc.push(r);
    } else if (structure.parent[i] >= 0 && structure.endOf[structure.parent[i]] === i) {
      // The closer of the innermost open frame: its summary is complete.
      const r = acc.pop()!;
      merge(r, own);
      store(open.pop()!, r);
      if (acc.length > 0) merge(acc[acc.length - 1], r);
    } else {
      store(i, own);
      if (acc.length > 0) merge(acc[acc.length - 1], own);
    }
  }
  return out;
}
