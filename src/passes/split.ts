// Splitting big functions: parts of a large body move into separate JS functions
// ("pieces") before lowering.
//
// Why: V8 never optimizes a function whose bytecode exceeds 60 KB; it stays in
// the baseline tiers, ~30x slower than optimized code. A Wasm function of a few
// KB lowers to that much JS (memory accesses dominate), and real programs have
// them: SQLite's VDBE interpreter loop is 34 KB of Wasm, 700 KB of JS.
// docs/performance.md has the measurements.
//
// The transform works on the decoded instructions of one validated body. A
// *region* is a run of whole instructions inside one block body that starts
// and ends with the operand stack empty (relative to that block, as recorded by
// the validator), so it neither consumes nor leaves values. A region becomes a
// piece:
//
//   - its parameters are the locals the region uses that are live where it
//     starts (liveness.ts); the other locals it uses start at zero;
//   - each way out of the region is an *exit*: falling off its end (code 0), a
//     branch to a label outside it (one code per label), a `return`. The piece
//     wraps the region in one empty block per exit code and ends each with
//     Op.OutlineExit, which stores the locals the region writes and some exit
//     needs (live there) into instance-wide slots `$o<k>` (i64 ones into the
//     BigInt64Array `$w64`, as are i64 arguments: outline.ts) and returns the code;
//   - the caller keeps a stub: Op.OutlineCall (call, copy `$o<k>` back into the
//     locals, push the code) and a br_table (br_if / if for two exits) over the
//     exit codes, so branches out of the region leave through the ordinary
//     control-flow lowering.
//     A `return` inside the region stores the results in `$r<k>`
//     (Op.ReturnStore); the stub reloads them (Op.ReturnLoad) and returns.
//
// Regions are never taken where a handler in the same function could observe
// locals mid-region (inside try_table with clauses or a legacy try body), nor
// when they hold tail calls or branches to outside labels that carry values:
// those would need values or exceptions to cross the piece boundary.
//
// Choice of regions (sizes are Wasm bytes, a proxy for JS size; SplitSizes):
// only bodies larger than `above` are split. In a sequence, children larger than
// `target` are split first (inner sequences before outer ones); then adjacent
// runs between safe points are grouped up to `target` and outlined when they
// are at least `min`. A run that would need more than MAX_EXITS exits (a
// br_table dispatching to many cases) stays inline: outlining it would make
// every dispatch pass through an extra call and return. Small loops are never
// cut: a loop body split into pieces would pay a call per iteration.
//
// Cost: linear in the body, at any nesting depth. The walk over the nesting is
// an explicit stack of sequences, not recursion; whether a run can be outlined
// comes from summaries computed once bottom-up (reach.ts), so no instruction is
// scanned again per enclosing level; a region's instructions are read once more
// when it becomes a piece (regions never overlap), and the new body is the old
// one with the outlined regions replaced by their stubs, assembled once at the
// end. (Until 2026-12 the walk recursed per level, copied every sequence's
// instructions into its parent's and re-scanned candidates at every level: 52%
// of compiling esbuild-wasm's 13 MB module was spent there, and 1,900 nested
// blocks overflowed the stack.)
import { ValType, type FuncType, type Instr } from '../ir.js';
import { Op, isOpener } from '../opcodes.js';
import { Liveness } from './liveness.js';
import { Reach, reachOf, MAX_EXITS } from './reach.js';
import { structureOf } from './structure.js';

export interface Piece {
  name: string;
  type: FuncType;
  /** Declared locals after the parameters (zero-initialized like Wasm locals). */
  locals: ValType[];
  body: Instr[];
}

export interface SplitSizes {
  /** Bodies above this many bytes are split. */
  above: number;
  /** Pieces are grouped up to this size. */
  target: number;
  /** Smaller runs stay inline. */
  min: number;
}

export const DEFAULT_SPLIT: SplitSizes = { above: 4000, target: 1500, min: 40 };

const EMPTY: FuncType = { params: [], results: [] };

/** What outlining a region needs to know about it (its instructions scanned once). */
interface Scan {
  used: Set<number>;
  written: Set<number>;
  /** Outside targets (distance from the region's frame) -> exit code, in order of first use. */
  targets: Map<number, number>;
  hasReturn: boolean;
}

/** One sequence being split: the arm of a structured instruction, or the function body. */
interface Sequence {
  /** Its instructions are [lo, hi); hi is the closing separator or `end`. */
  lo: number;
  hi: number;
  /** Level of the frame it sits in (0: the function's; reach.ts). */
  level: number;
  canOutline: boolean;
  /** Next instruction to make a unit of. */
  next: number;
  /** Units: one instruction, or one whole structured instruction. Their start index, size, and whether something in them was outlined. */
  starts: number[];
  sizes: number[];
  splits: boolean[];
  /** Something in this sequence was outlined. */
  split: boolean;
  /** The structured instruction whose arms are being split (above this one on the stack), its arm, and whether they outlined something. */
  child: number;
  arm: number;
  childSplit: boolean;
}

export interface SplitResult {
  body: Instr[];
  /** The pieces, in the order they were made; empty when they were handed to `onPiece` instead. */
  pieces: Piece[];
  /** Most `$o` slots and `$r` slots any piece uses. */
  outSlots: number;
  retSlots: number;
}

/**
 * Splits a validated body. `heights` is what validateFunction recorded;
 * `localTypes` are the params followed by the declared locals. Returns null
 * when nothing was outlined. With `onPiece`, each piece is handed over as soon
 * as it is made (and not kept in the result): compile.ts lowers it at once, so
 * the pieces of a big body are not all alive together (they were copied
 * through every scavenge while the rest of the body was split).
 */
export function splitFunction(
  body: Instr[], heights: Int32Array, type: FuncType, localTypes: ValType[], baseName: string,
  sizes: SplitSizes = DEFAULT_SPLIT, onPiece?: (piece: Piece) => void,
): SplitResult | null {
  const PIECE_TARGET = sizes.target;
  const PIECE_MIN = sizes.min;
  const n = body.length;
  const structure = structureOf(body);
  const { endOf, seps } = structure;
  const resultArity = type.results.length;
  const reach = reachOf(body, structure, resultArity);
  const sizeOf = (i: number) => (i + 1 < n ? body[i + 1].offset - body[i].offset : 1);
  /** Size of the original instructions [lo, hi]. */
  const spanSize = (lo: number, hi: number) => (hi + 1 < n ? body[hi + 1].offset : body[hi].offset + 1) - body[lo].offset;
  /** Safe point before original instruction i: reachable, nothing on the frame's stack. */
  const safeStart = (i: number) => heights[i] === 0;
  /** Safe end at original instruction i (end of a run): empty stack, reachable or not. */
  const safeEnd = (i: number) => heights[i] === 0 || heights[i] === -1;

  /**
   * The frames enclosing the sequence being split, by level: the values a
   * branch to it carries (-1 for the function frame, where a branch returns)
   * and the program point it continues at (Liveness; -1 for the function frame).
   */
  const frameArity: number[] = [-1];
  const framePoint: number[] = [-1];
  const pieces: Piece[] = [];
  let made = 0;
  /** Outlined regions [start, end) of the original body and their stubs. */
  const replaced: { start: number; end: number; stub: Instr[] }[] = [];
  let outSlots = 0;
  let live: Liveness | null = null;
  /** Scratch for outline(): the index in the current piece of each local it uses. */
  const pieceLocal = new Int32Array(localTypes.length);
  const acc = new Reach();

  /** Whether the units [from, to) of `s` can be outlined together. */
  function fits(s: Sequence, from: number, to: number): boolean {
    acc.clear();
    for (let u = from; u < to; u++) acc.add(reach, s.starts[u]);
    return acc.fitsAt(s.level);
  }

  /** The instructions [lo, hi) of a region directly in the frame of level `level`; null if it cannot be outlined. */
  function scan(lo: number, hi: number, level: number): Scan | null {
    const s: Scan = { used: new Set(), written: new Set(), targets: new Map(), hasReturn: false };
    let nest = 0;
    const outside = (depth: number, mustBeEmpty: boolean): boolean => {
      if (depth < nest) return true;
      const a = depth - nest;
      const arity = frameArity[level - a];
      if (arity > 0 || (arity < 0 && resultArity > 0)) {
        // Carries values: only a plain `br` to the function frame (a return) is allowed.
        if (mustBeEmpty || arity > 0) return false;
        s.hasReturn = true;
        return true;
      }
      if (!s.targets.has(a)) s.targets.set(a, s.targets.size + 1);
      return true;
    };
    for (let i = lo; i < hi; i++) {
      const ins = body[i];
      switch (ins.op) {
        case Op.Block: case Op.Loop: case Op.If: case Op.Try:
          nest++;
          break;
        case Op.TryTable:
          for (const c of ins.catches!) if (c.depth >= nest) return null;
          nest++;
          break;
        case Op.End:
          nest--;
          break;
        case Op.Delegate:
          nest--;
          if (ins.depth! >= nest) return null;
          break;
        case Op.Rethrow:
          if (ins.depth! >= nest) return null;
          break;
        case Op.Br:
          if (!outside(ins.depth!, false)) return null;
          break;
        case Op.BrIf:
          if (!outside(ins.depth!, true)) return null;
          break;
        case Op.BrTable:
          for (const d of ins.labels!) if (!outside(d, true)) return null;
          if (!outside(ins.depth!, true)) return null;
          break;
        case Op.BrOnNull: case Op.BrOnNonNull:
          if (ins.depth! >= nest) return null;
          break;
        case Op.Return:
          s.hasReturn = true;
          break;
        case Op.ReturnCall: case Op.ReturnCallIndirect: case Op.ReturnCallRef:
          return null;
        case Op.LocalGet:
          s.used.add(ins.index!);
          break;
        case Op.LocalSet: case Op.LocalTee:
          s.used.add(ins.index!);
          s.written.add(ins.index!);
          break;
      }
    }
    if (1 + s.targets.size + (s.hasReturn ? 1 : 0) > MAX_EXITS) return null;
    return s;
  }

  /** Moves the region [start, end), directly in the frame of level `level`, into a new piece; returns the caller's stub. */
  function outline(start: number, end: number, level: number, s: Scan): Instr[] {
    live ??= new Liveness(body, localTypes.length, structure);
    const lv = live;
    const at = body[start].offset;
    // Parameters: the used locals live at the start. Written back: the written
    // locals live where some exit continues. Other used locals start at zero:
    // liveness says every path writes them before reading them.
    const used = [...s.used].sort((a, b) => a - b);
    const args = used.filter((l) => lv.liveAt(start, l));
    const others = used.filter((l) => !lv.liveAt(start, l));
    // The piece's local index of each used local.
    args.forEach((l, i) => (pieceLocal[l] = i));
    others.forEach((l, i) => (pieceLocal[l] = args.length + i));
    const exitPoints: number[] = [];
    if (heights[end] >= 0) exitPoints.push(end);
    for (const a of s.targets.keys()) {
      const p = framePoint[level - a];
      if (p >= 0) exitPoints.push(p);
    }
    const writes = [...s.written].filter((l) => exitPoints.some((p) => lv.liveAt(p, l))).sort((a, b) => a - b);
    const retCode = s.hasReturn ? s.targets.size + 1 : -1;
    const exits = 1 + s.targets.size + (s.hasReturn ? 1 : 0);
    const name = `${baseName}$${made++}`;
    if (writes.length > outSlots) outSlots = writes.length;

    // The piece: exit blocks around the renumbered region.
    const pb: Instr[] = [];
    for (let c = exits - 1; c >= 0; c--) pb.push({ op: Op.Block, offset: at, type: EMPTY });
    let nest = 0;
    const remap = (depth: number): number => {
      if (depth < nest) return depth;
      const a = depth - nest;
      if (frameArity[level - a] < 0 && resultArity > 0) return nest + retCode;
      return nest + s.targets.get(a)!;
    };
    for (let i = start; i < end; i++) {
      const ins = body[i];
      switch (ins.op) {
        case Op.Block: case Op.Loop: case Op.If: case Op.Try: case Op.TryTable:
          nest++;
          pb.push(ins);
          break;
        case Op.End: case Op.Delegate:
          nest--;
          pb.push(ins);
          break;
        case Op.Br:
          if (ins.depth! >= nest && frameArity[level - (ins.depth! - nest)] < 0 && resultArity > 0) {
            pb.push({ op: Op.ReturnStore, offset: ins.offset, outline: { arity: resultArity } });
          }
          pb.push({ ...ins, depth: remap(ins.depth!) });
          break;
        case Op.BrIf:
          pb.push({ ...ins, depth: remap(ins.depth!) });
          break;
        case Op.BrTable:
          pb.push({ ...ins, labels: ins.labels!.map(remap), depth: remap(ins.depth!) });
          break;
        case Op.Return:
          pb.push({ op: Op.ReturnStore, offset: ins.offset, outline: { arity: resultArity } });
          pb.push({ op: Op.Br, offset: ins.offset, depth: nest + retCode });
          break;
        case Op.LocalGet: case Op.LocalSet: case Op.LocalTee:
          // Their only immediate is the index.
          pb.push({ op: ins.op, offset: ins.offset, index: pieceLocal[ins.index!] });
          break;
        default:
          pb.push(ins);
      }
    }
    const exitWrites = writes.map((l) => pieceLocal[l]);
    for (let c = 0; c < exits; c++) {
      pb.push({ op: Op.End, offset: at });
      pb.push({ op: Op.OutlineExit, offset: at, outline: { code: c, writes: exitWrites, exits } });
    }
    pb.push({ op: Op.End, offset: at });
    const piece: Piece = {
      name,
      type: { params: args.map((l) => localTypes[l]), results: exits > 1 ? [ValType.I32] : [] },
      locals: others.map((l) => localTypes[l]),
      body: pb,
    };
    if (onPiece) onPiece(piece);
    else pieces.push(piece);

    // The stub.
    const call: Instr = { op: Op.OutlineCall, offset: at, outline: { name, args, writes, exits } };
    if (exits === 1) return [call];
    // Two exits, the common case (fall through, or continue / leave / return):
    // the code is a condition.
    if (exits === 2 && s.hasReturn) {
      return [call, { op: Op.If, offset: at, type: EMPTY },
        { op: Op.ReturnLoad, offset: at, outline: { arity: resultArity } }, { op: Op.Return, offset: at },
        { op: Op.End, offset: at }];
    }
    if (exits === 2) return [call, { op: Op.BrIf, offset: at, depth: s.targets.keys().next().value! }];
    const stub: Instr[] = [];
    const wrap = s.hasReturn ? 3 : 1;
    const labels = new Array<number>(exits);
    labels[0] = 0;
    for (const [a, c] of s.targets) labels[c] = a + wrap;
    if (s.hasReturn) {
      labels[retCode] = 1;
      stub.push({ op: Op.Block, offset: at, type: EMPTY }, { op: Op.Block, offset: at, type: EMPTY });
    }
    stub.push({ op: Op.Block, offset: at, type: EMPTY }, call);
    stub.push({ op: Op.BrTable, offset: at, labels, depth: 0 });
    stub.push({ op: Op.End, offset: at });
    if (s.hasReturn) {
      stub.push({ op: Op.Br, offset: at, depth: 1 });
      stub.push({ op: Op.End, offset: at });
      stub.push({ op: Op.ReturnLoad, offset: at, outline: { arity: resultArity } });
      stub.push({ op: Op.Return, offset: at });
      stub.push({ op: Op.End, offset: at });
    }
    return stub;
  }

  /** Outlines the units [from, to) of `s` (the region ending before original index `end`); false if it cannot be. */
  function tryOutline(s: Sequence, from: number, to: number, size: number, end: number): boolean {
    if (size < PIECE_MIN || !fits(s, from, to)) return false;
    const start = s.starts[from];
    const sc = scan(start, end, s.level);
    if (!sc) throw new Error(`internal: region ${start}..${end} of ${baseName} cannot be outlined after all`);
    const stub = outline(start, end, s.level, sc);
    // The region cannot fall off its end: neither can the stub (the
    // lowering must not think the code after it is reachable).
    if (heights[end] < 0) stub.push({ op: Op.Unreachable, offset: body[start].offset });
    replaced.push({ start, end, stub });
    s.split = true;
    return true;
  }

  /**
   * Groups the runs of a sequence whose units are all known and outlines
   * what it can: runs are maximal groups of units between safe points, never
   * containing a unit something was outlined from.
   */
  function finish(s: Sequence): void {
    if (!s.canOutline) return;
    const units = s.starts.length;
    const runEnd = (k: number) => (k < units ? s.starts[k] : s.hi);
    // The current group: runs [runs[r], runs[r + 1]) of units, r even; where each ends.
    const runs: number[] = [];
    const runEnds: number[] = [];
    let groupSize = 0;
    const flush = () => {
      if (runs.length === 0) return;
      const first = runs[0];
      const last = runs[runs.length - 1];
      if (!tryOutline(s, first, last, groupSize, runEnds[runEnds.length - 1])) {
        // Some run prevents it (a dispatching br_table): it stays inline, the
        // runs between such runs are tried as groups of their own.
        let subFrom = -1;
        let subTo = -1;
        let subSize = 0;
        let subEnd = -1;
        const flushSub = () => {
          if (subFrom >= 0) tryOutline(s, subFrom, subTo, subSize, subEnd);
          subFrom = -1;
          subSize = 0;
        };
        const many = runs.length > 2;
        for (let r = 0; r < runs.length; r += 2) {
          const from = runs[r];
          const to = runs[r + 1];
          if (many && fits(s, from, to)) {
            if (subFrom < 0) subFrom = from;
            subTo = to;
            for (let u = from; u < to; u++) subSize += s.sizes[u];
            subEnd = runEnds[r >> 1];
            continue;
          }
          flushSub();
        }
        flushSub();
      }
      runs.length = 0;
      runEnds.length = 0;
      groupSize = 0;
    };
    let k = 0;
    while (k < units) {
      // The run starting at unit k extends to the next safe point.
      const runStart = k;
      let runSize = s.sizes[k];
      let runSplit = s.splits[k];
      k++;
      while (k < units && !safeStart(s.starts[k])) {
        runSize += s.sizes[k];
        runSplit ||= s.splits[k];
        k++;
      }
      const endIdx = runEnd(k);
      if (!(safeStart(s.starts[runStart]) && safeEnd(endIdx) && !runSplit)) {
        flush();
        continue;
      }
      if (groupSize + runSize > PIECE_TARGET) flush();
      runs.push(runStart, k);
      runEnds.push(endIdx);
      groupSize += runSize;
    }
    flush();
  }

  const newSequence = (lo: number, hi: number, level: number, canOutline: boolean): Sequence => ({
    lo, hi, level, canOutline, next: lo, starts: [], sizes: [], splits: [], split: false, child: -1, arm: 0, childSplit: false,
  });

  /** The sequence of arm `arm` of the structured instruction `s.child` (whose frame is already described). */
  function armOf(s: Sequence): Sequence {
    const i = s.child;
    const ins = body[i];
    const ss = seps.get(i);
    const lo = s.arm === 0 ? i : ss![s.arm - 1];
    const hi = ss && s.arm < ss.length ? ss[s.arm] : endOf[i];
    // Legacy try: the try body is watched by its handlers, the catch bodies are not.
    const handler = (ins.op === Op.TryTable && ins.catches!.length > 0) || ins.op === Op.Try;
    const watched = handler && (ins.op === Op.TryTable || s.arm === 0);
    return newSequence(lo + 1, hi, s.level + 1, s.canOutline && !watched);
  }

  const stack: Sequence[] = [newSequence(0, n - 1, 0, true)];
  while (stack.length > 0) {
    const s = stack[stack.length - 1];
    let descend = false;
    while (s.next < s.hi) {
      const i = s.next;
      const ins = body[i];
      if (!isOpener(ins.op)) {
        s.starts.push(i);
        s.sizes.push(sizeOf(i));
        s.splits.push(false);
        s.next = i + 1;
        continue;
      }
      const end = endOf[i];
      const size = spanSize(i, end);
      const isLoop = ins.op === Op.Loop;
      const small = size <= PIECE_TARGET || (isLoop && size <= 2 * PIECE_TARGET);
      // A small child is kept whole, unless it cannot be outlined whole (it
      // dispatches to many labels outside it) and is worth looking into.
      // Where nothing may be outlined (a try body), nothing is looked into.
      let whole = !s.canOutline || (small && (isLoop || size < 4 * PIECE_MIN));
      if (!whole && small) {
        acc.clear().add(reach, i);
        whole = acc.fitsAt(s.level);
      }
      if (whole) {
        s.starts.push(i);
        s.sizes.push(size);
        s.splits.push(false);
        s.next = end + 1;
        continue;
      }
      // Split its arms first, each a sequence one level in.
      const t = ins.type!;
      const level = s.level + 1;
      frameArity[level] = isLoop ? t.params.length : t.results.length;
      framePoint[level] = isLoop ? i + 1 : end;
      s.child = i;
      s.arm = 0;
      s.childSplit = false;
      stack.push(armOf(s));
      descend = true;
      break;
    }
    if (descend) continue;
    finish(s);
    stack.pop();
    if (stack.length === 0) break;
    const p = stack[stack.length - 1];
    if (s.split) p.childSplit = true;
    p.arm++;
    const ss = seps.get(p.child);
    if (ss && p.arm <= ss.length) {
      stack.push(armOf(p));
      continue;
    }
    const end = endOf[p.child];
    p.starts.push(p.child);
    p.sizes.push(spanSize(p.child, end));
    p.splits.push(p.childSplit);
    if (p.childSplit) p.split = true;
    p.next = end + 1;
  }

  if (made === 0) return null;
  replaced.sort((a, b) => a.start - b.start);
  const out: Instr[] = [];
  let i = 0;
  for (const r of replaced) {
    for (; i < r.start; i++) out.push(body[i]);
    for (const ins of r.stub) out.push(ins);
    i = r.end;
  }
  for (; i < n; i++) out.push(body[i]);
  return { body: out, pieces, outSlots, retSlots: resultArity };
}
