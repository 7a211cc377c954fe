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
// `target` are split first (recursively); then adjacent runs between safe
// points are grouped up to `target` and outlined when they are at least `min`. A run that would need more than MAX_EXITS exits (a br_table
// dispatching to many cases) stays inline: outlining it would make every
// dispatch pass through an extra call and return. Small loops are never cut:
// a loop body split into pieces would pay a call per iteration.
import { ValType, type FuncType, type Instr } from '../ir.js';
import { Op, isOpener } from '../opcodes.js';
import { Liveness } from './liveness.js';
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
const MAX_EXITS = 8;
/** Deeper nesting is left alone (the transform recurses per nesting level). */
const MAX_NESTING = 2000;

const EMPTY: FuncType = { params: [], results: [] };


/** An enclosing frame of the sequence being split. */
interface PathFrame {
  /** Values a branch to it carries; -1 for the function frame (a branch there returns). */
  arity: number;
  /** Program point a branch to it continues at (Liveness); -1 for the function frame. */
  point: number;
}

/** One instruction, or one whole structured instruction, of a sequence. */
interface Unit {
  instrs: Instr[];
  size: number;
  /** Index (in the original body) of its first instruction. */
  start: number;
  /** Contains a stub: it was split inside and is kept as the skeleton. */
  split: boolean;
}

interface Scan {
  used: Set<number>;
  written: Set<number>;
  /** Outside targets (distance from the enclosing frame) -> exit code. */
  targets: Map<number, number>;
  hasReturn: boolean;
}

export interface SplitResult {
  body: Instr[];
  pieces: Piece[];
  /** Most `$o` slots and `$r` slots any piece uses. */
  outSlots: number;
  retSlots: number;
}

/**
 * Splits a validated body. `heights` is what validateFunction recorded;
 * `localTypes` are the params followed by the declared locals. Returns null
 * when nothing was outlined.
 */
export function splitFunction(
  body: Instr[], heights: Int32Array, type: FuncType, localTypes: ValType[], baseName: string,
  sizes: SplitSizes = DEFAULT_SPLIT,
): SplitResult | null {
  const PIECE_TARGET = sizes.target;
  const PIECE_MIN = sizes.min;
  const n = body.length;
  const structure = structureOf(body);
  if (structure.maxDepth > MAX_NESTING) return null;
  const { endOf, seps } = structure;
  const sizeOf = (i: number) => (i + 1 < n ? body[i + 1].offset - body[i].offset : 1);
  const pieces: Piece[] = [];
  let outSlots = 0;
  const resultArity = type.results.length;

  /** Size of the original instructions [lo, hi]. */
  const spanSize = (lo: number, hi: number) => (hi + 1 < n ? body[hi + 1].offset : body[hi].offset + 1) - body[lo].offset;

  /** Safe point before original instruction i: reachable, nothing on the frame's stack. */
  const safeStart = (i: number) => heights[i] === 0;
  /** Safe end at original instruction i (end of a run): empty stack, reachable or not. */
  const safeEnd = (i: number) => heights[i] === 0 || heights[i] === -1;

  function scan(instrs: Instr[], path: PathFrame[]): Scan | null {
    const s: Scan = { used: new Set(), written: new Set(), targets: new Map(), hasReturn: false };
    let nest = 0;
    const outside = (depth: number, mustBeEmpty: boolean): boolean => {
      if (depth < nest) return true;
      const a = depth - nest;
      const f = path[path.length - 1 - a];
      if (f.arity > 0 || (f.arity < 0 && resultArity > 0)) {
        // Carries values: only a plain `br` to the function frame (a return) is allowed.
        if (mustBeEmpty || f.arity > 0) return false;
        s.hasReturn = true;
        return true;
      }
      if (!s.targets.has(a)) s.targets.set(a, s.targets.size + 1);
      return true;
    };
    for (const ins of instrs) {
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
        case Op.OutlineCall:
          for (const l of ins.outline!.args!) s.used.add(l);
          for (const l of ins.outline!.writes!) {
            s.used.add(l);
            s.written.add(l);
          }
          break;
      }
    }
    if (1 + s.targets.size + (s.hasReturn ? 1 : 0) > MAX_EXITS) return null;
    return s;
  }

  /** Moves `instrs` into a new piece; returns the caller's stub. */
  function outline(instrs: Instr[], s: Scan, path: PathFrame[], start: number, end: number): Instr[] {
    const at = instrs[0].offset;
    // Parameters: the used locals live at the start. Written back: the written
    // locals live where some exit continues. Other used locals start at zero:
    // liveness says every path writes them before reading them.
    const used = [...s.used].sort((a, b) => a - b);
    const args = used.filter((l) => live.liveAt(start, l));
    const others = used.filter((l) => !live.liveAt(start, l));
    const map = new Map([...args, ...others].map((l, i) => [l, i]));
    const exitPoints: number[] = [];
    if (heights[end] >= 0) exitPoints.push(end);
    for (const a of s.targets.keys()) {
      const p = path[path.length - 1 - a].point;
      if (p >= 0) exitPoints.push(p);
    }
    const writes = [...s.written].filter((l) => exitPoints.some((p) => live.liveAt(p, l))).sort((a, b) => a - b);
    const retCode = s.hasReturn ? s.targets.size + 1 : -1;
    const exits = 1 + s.targets.size + (s.hasReturn ? 1 : 0);
    const name = `${baseName}$${pieces.length}`;
    if (writes.length > outSlots) outSlots = writes.length;

    // The piece: exit blocks around the renumbered region.
    const pb: Instr[] = [];
    for (let c = exits - 1; c >= 0; c--) pb.push({ op: Op.Block, offset: at, type: EMPTY });
    let nest = 0;
    const remap = (depth: number): number => {
      if (depth < nest) return depth;
      const a = depth - nest;
      const f = path[path.length - 1 - a];
      if (f.arity < 0 && resultArity > 0) return nest + retCode;
      return nest + s.targets.get(a)!;
    };
    for (const ins of instrs) {
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
          if (ins.depth! >= nest && path[path.length - 1 - (ins.depth! - nest)].arity < 0 && resultArity > 0) {
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
          pb.push({ ...ins, index: map.get(ins.index!)! });
          break;
        case Op.OutlineCall: {
          const o = ins.outline!;
          pb.push({ ...ins, outline: { ...o, args: o.args!.map((l) => map.get(l)!), writes: o.writes!.map((l) => map.get(l)!) } });
          break;
        }
        default:
          pb.push(ins);
      }
    }
    const exitWrites = writes.map((l) => map.get(l)!);
    for (let c = 0; c < exits; c++) {
      pb.push({ op: Op.End, offset: at });
      pb.push({ op: Op.OutlineExit, offset: at, outline: { code: c, writes: exitWrites, exits } });
    }
    pb.push({ op: Op.End, offset: at });
    pieces.push({
      name,
      type: { params: args.map((l) => localTypes[l]), results: exits > 1 ? [ValType.I32] : [] },
      locals: others.map((l) => localTypes[l]),
      body: pb,
    });

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

  const stubSize = (s: Scan) => 8 + s.used.size;

  /**
   * Splits the sequence [lo, hi) (hi: its closing instruction) inside `path`.
   * Returns the new instructions and their size.
   */
  function sequence(lo: number, hi: number, path: PathFrame[], canOutline: boolean): { instrs: Instr[]; size: number; split: boolean } {
    const units: Unit[] = [];
    let split = false;
    for (let i = lo; i < hi; ) {
      const ins = body[i];
      if (!isOpener(ins.op)) {
        units.push({ instrs: [ins], size: sizeOf(i), start: i, split: false });
        i++;
        continue;
      }
      const end = endOf[i];
      const size = spanSize(i, end);
      const isLoop = ins.op === Op.Loop;
      const small = size <= PIECE_TARGET || (isLoop && size <= 2 * PIECE_TARGET);
      // A small child is kept whole, unless it cannot be outlined whole (it
      // dispatches to many labels outside it) and is worth looking into.
      // Where nothing may be outlined (a try body), nothing is looked into.
      const whole = !canOutline || (small && (isLoop || size < 4 * PIECE_MIN || scan(body.slice(i, end + 1), path) !== null));
      if (whole) {
        units.push({ instrs: body.slice(i, end + 1), size, start: i, split: false });
      } else {
        const u = structured(i, path, canOutline);
        units.push(u);
        if (u.split) split = true;
      }
      i = end + 1;
    }
    const out: Instr[] = [];
    let total = 0;
    if (!canOutline) {
      for (const u of units) {
        out.push(...u.instrs);
        total += u.size;
      }
      return { instrs: out, size: total, split };
    }
    // Runs: maximal groups of units between safe points, never containing a split unit.
    let k = 0;
    let group: Unit[][] = [];
    let groupSize = 0;
    /** Where the group ends (original index of the next unit or the closer). */
    let groupEnd = -1;
    const runEnds: number[] = [];
    /** Outlines `units` (ending before original index `end`); false if it cannot be. */
    const tryOutline = (units: Unit[], size: number, end: number): boolean => {
      if (size < PIECE_MIN) return false;
      const instrs = units.length === 1 ? units[0].instrs : units.flatMap((u) => u.instrs);
      const s = scan(instrs, path);
      if (!s) return false;
      out.push(...outline(instrs, s, path, units[0].start, end));
      // The region cannot fall off its end: neither can the stub (the
      // lowering must not think the code after it is reachable).
      if (heights[end] < 0) out.push({ op: Op.Unreachable, offset: instrs[0].offset });
      total += stubSize(s);
      split = true;
      return true;
    };
    const flush = () => {
      if (group.length === 0) return;
      if (!tryOutline(group.flat(), groupSize, groupEnd)) {
        // Some run prevents it (a dispatching br_table): it stays inline, the
        // runs between such runs are tried as groups of their own.
        let sub: Unit[] = [];
        let subSize = 0;
        let subEnd = -1;
        const flushSub = () => {
          if (sub.length > 0 && !tryOutline(sub, subSize, subEnd)) {
            for (const u of sub) out.push(...u.instrs);
            total += subSize;
          }
          sub = [];
          subSize = 0;
        };
        for (let r = 0; r < group.length; r++) {
          const run = group[r];
          const size = run.reduce((a, u) => a + u.size, 0);
          if (group.length > 1 && scan(run.length === 1 ? run[0].instrs : run.flatMap((u) => u.instrs), path)) {
            sub.push(...run);
            subSize += size;
            subEnd = runEnds[r];
            continue;
          }
          flushSub();
          for (const u of run) out.push(...u.instrs);
          total += size;
        }
        flushSub();
      }
      group = [];
      runEnds.length = 0;
      groupSize = 0;
    };
    while (k < units.length) {
      // The run starting at unit k extends to the next safe point.
      const runStart = k;
      let runSize = units[k].size;
      let runSplit = units[k].split;
      k++;
      while (k < units.length && !safeStart(units[k].start)) {
        runSize += units[k].size;
        runSplit ||= units[k].split;
        k++;
      }
      const endIdx = k < units.length ? units[k].start : hi;
      const runOk = safeStart(units[runStart].start) && safeEnd(endIdx) && !runSplit;
      if (!runOk) {
        flush();
        for (let j = runStart; j < k; j++) {
          out.push(...units[j].instrs);
          total += units[j].size;
        }
        continue;
      }
      if (groupSize + runSize > PIECE_TARGET) flush();
      group.push(units.slice(runStart, k));
      runEnds.push(endIdx);
      groupSize += runSize;
      groupEnd = endIdx;
    }
    flush();
    return { instrs: out, size: total, split };
  }

  /** A structured instruction at original index i, its bodies split. */
  function structured(i: number, path: PathFrame[], canOutline: boolean): Unit {
    const ins = body[i];
    const end = endOf[i];
    const t = ins.type!;
    const arity = ins.op === Op.Loop ? t.params.length : t.results.length;
    const handler = (ins.op === Op.TryTable && ins.catches!.length > 0) || ins.op === Op.Try;
    const inner = [...path, { arity, point: ins.op === Op.Loop ? i + 1 : end }];
    const out: Instr[] = [ins];
    let size = sizeOf(i);
    let split = false;
    const bounds = [i, ...(seps.get(i) ?? []), end];
    for (let b = 0; b + 1 < bounds.length; b++) {
      // Legacy try: the try body is watched by its handlers, the catch bodies are not.
      const watched = handler && (ins.op === Op.TryTable || b === 0);
      const r = sequence(bounds[b] + 1, bounds[b + 1], inner, canOutline && !watched);
      out.push(...r.instrs, body[bounds[b + 1]]);
      size += r.size + sizeOf(bounds[b + 1]);
      if (r.split) split = true;
    }
    return { instrs: out, size, start: i, split };
  }

  const live = new Liveness(body, localTypes.length, structure);
  const top = sequence(0, n - 1, [{ arity: -1, point: -1 }], true);
  if (pieces.length === 0) return null;
  return { body: [...top.instrs, body[n - 1]], pieces, outSlots, retSlots: pieces.length > 0 ? resultArity : 0 };
}
