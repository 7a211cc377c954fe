// SIMD lowering: v128 values become lanes, several scalar values on the
// operand stack, before codegen sees the function.
//
// Why lanes: a v128 held as one JS object (an array, a typed array, an object
// of four fields) is a heap allocation per operation, which V8's escape
// analysis does not remove across loop back-edges; a dot product kernel ran
// 27x (objects of doubles) to 63x (Float32Array per value) slower than the
// scalar build of the same source, while four f32 lanes in plain locals ran
// as fast as the scalar code per element (docs/performance.md, "SIMD").
//
// So a v128 is lanes in one of five representations (ir.ts SimdRep): four
// int32 bit patterns, four f32 values, two f64 values, eight or sixteen small
// integer lanes. Everything generic about values then just works on lanes:
// block parameters and results, branches, calls and returns carry them as
// separate values (function types and block types with v128 are rewritten to
// four i32s), slots and locals hold them.
//
// This pass rewrites one body (a function or a piece of a split one):
//  - v128 locals become lane locals of a representation chosen per local
//    from how the function uses it (a weighted vote: the representations of
//    the SIMD instructions storing to it and reading from it, loops
//    counting more); a parameter arrives as four i32s and is copied once
//    into locals of its representation when another one wins;
//  - local.get/set/tee of them become one instruction per lane (with a
//    conversion where the value is held in another representation);
//  - drop, select, global.get/set of v128 become per-lane drops or the
//    pseudo-instructions V128Select, V128GlobalGet, V128GlobalSet;
//  - every SIMD instruction keeps its Op and gets `simd`: the representation
//    of each v128 operand as it will be on the stack, and of its result;
//  - where a value must cross a join, a call, a return, a throw or a global
//    in the canonical representation (four i32s), a V128Convert is inserted;
//    a value that is not on top of the stack is first uncovered by moving the
//    values above it into fresh locals, and put back after.
// Unreachable code is dropped (codegen skips it anyway).
import { ValType, SimdRep, type FuncType, type Instr, type Module, type OutlineOp } from '../ir.js';
import { Op, OP_INFO, isOpener } from '../opcodes.js';
import { FLEX, LANES, LANE_BYTES, NAN_FREE, OP_REPS, isSimdOp, laneType, maskLaneBytes, shuffleGrain } from './simd-reps.js';
import { structureOf } from './structure.js';

// ---------------------------------------------------------------- types

const loweredTypes = new WeakMap<FuncType, FuncType>();

/** A function or block type with every v128 as four i32s (the canonical lanes). */
export function lowerFuncType(t: FuncType): FuncType {
  let l = loweredTypes.get(t);
  if (!l) {
    l = t.params.includes(ValType.V128) || t.results.includes(ValType.V128) ? { params: expand(t.params), results: expand(t.results) } : t;
    loweredTypes.set(t, l);
  }
  return l;
}

function expand(ts: readonly ValType[]): ValType[] {
  const out: ValType[] = [];
  for (const t of ts) {
    if (t === ValType.V128) out.push(ValType.I32, ValType.I32, ValType.I32, ValType.I32);
    else out.push(t);
  }
  return out;
}

/** Whether the module's types or globals mention v128 (its functions may then pass v128 values around). */
export function moduleHasV128(m: Module): boolean {
  return m.types.some((t) => t.params.includes(ValType.V128) || t.results.includes(ValType.V128))
    || m.globals.some((g) => g.type === ValType.V128);
}

/**
 * The module as codegen sees it when it uses v128: the same module with every
 * function type lowered (calls, tags and call_indirect then carry lanes).
 * Signature strings still come from the original types (codegen/context.ts).
 */
export function lowerModuleTypes(m: Module): Module {
  return { ...m, types: m.types.map(lowerFuncType) };
}

/** Whether a body has anything to lower: some instruction or local that can hold a v128. */
export function needsSimdLowering(m: Module, type: FuncType, locals: readonly ValType[], body: readonly Instr[]): boolean {
  if (locals.includes(ValType.V128) || lowerFuncType(type) !== type) return true;
  const typeHas = (t: FuncType | undefined) => t !== undefined && lowerFuncType(t) !== t;
  for (const ins of body) {
    const op = ins.op;
    if (op >= 0x2000 && op < 0x3000) return true;
    if (ins.type && typeHas(ins.type)) return true;
    switch (op) {
      case Op.Call: case Op.ReturnCall:
        if (typeHas(m.types[m.funcTypes[ins.index!]])) return true;
        break;
      case Op.CallIndirect: case Op.ReturnCallIndirect: case Op.CallRef: case Op.ReturnCallRef: case Op.CallGuarded:
        if (typeHas(m.types[ins.index!])) return true;
        break;
      case Op.Throw: case Op.Catch:
        if (typeHas(m.types[m.tags[ins.tag!]])) return true;
        break;
      case Op.TryTable:
        if (ins.catches!.some((c) => c.tag >= 0 && typeHas(m.types[m.tags[c.tag]]))) return true;
        break;
      case Op.GlobalGet: case Op.GlobalSet:
        if (m.globals[ins.index!].type === ValType.V128) return true;
        break;
      case Op.TypedSelect:
        if (ins.selectTypes![0] === ValType.V128) return true;
        break;
    }
  }
  return false;
}

// ---------------------------------------------------------------- the pass

export interface SimdFunction {
  /** The lowered type (v128 parameters and results as four i32s each). */
  type: FuncType;
  /** Declared locals after the parameters, lane locals and temporaries included. */
  locals: ValType[];
  body: Instr[];
  /** Largest write-back list and result count of the split pseudo-instructions, in lanes. */
  outSlots: number;
  retSlots: number;
}

export interface SimdOptions {
  /** A piece of a split function: the results a `return` inside it stores (the whole function's). */
  functionResults?: readonly ValType[];
}

/** Stack values: type, representation (v128) and producing instruction (-1: none to tell). */
interface Frame {
  op: number;
  height: number;
  params: readonly ValType[];
  results: readonly ValType[];
  enteredReachable: boolean;
}

/** Who consumes a value a flexible instruction (a load, a constant, a bitwise operation) produces. */
type Consumer = { rep: SimdRep; nanFree?: boolean } | { local: number };

const I32 = SimdRep.I32;

export function lowerSimd(m: Module, type: FuncType, declared: readonly ValType[], body: readonly Instr[], opts: SimdOptions = {}): SimdFunction {
  const w = new Walker(m, type, declared, body, opts);
  w.run(false);
  w.decide();
  w.run(true);
  return w.result();
}

class Walker {
  private readonly localTypes: ValType[];
  private readonly np: number;
  private readonly structure;
  private readonly funcResults: readonly ValType[];
  // Analysis results.
  private readonly votes = new Map<number, number[]>();
  private readonly forced = new Set<number>();
  private readonly consumers = new Map<number, Consumer>();
  // Decisions.
  private readonly rep = new Map<number, SimdRep>();
  /** Old local index -> first new index (lanes follow). */
  private readonly base: number[] = [];
  private newLocals: ValType[] = [];
  private prologue: Instr[] = [];
  // Walk state.
  private emit = false;
  private out: Instr[] = [];
  private types: number[] = [];
  private reps: number[] = [];
  private srcs: number[] = [];
  private frames: Frame[] = [];
  private reachable = true;
  private loopDepth = 0;
  private at = 0;
  private outSlots = 0;
  private retSlots = 0;

  constructor(
    private readonly m: Module,
    private readonly type: FuncType,
    private readonly declared: readonly ValType[],
    private readonly body: readonly Instr[],
    opts: SimdOptions,
  ) {
    this.localTypes = [...type.params, ...declared];
    this.np = type.params.length;
    this.structure = structureOf(body as Instr[]);
    this.funcResults = opts.functionResults ?? type.results;
  }

  // ------------------------------------------------------------ decisions

  /** Chooses each v128 local's representation and lays out the new locals. */
  decide(): void {
    const lt = this.localTypes;
    for (let i = 0; i < lt.length; i++) {
      if (lt[i] !== ValType.V128) continue;
      let best = I32;
      const v = this.votes.get(i);
      if (v && !this.forced.has(i)) {
        for (let r = 0; r < v.length; r++) if (v[r] > v[best]) best = r;
      }
      this.rep.set(i, best);
    }
    // Parameters keep their positions (four i32s for a v128); declared locals follow.
    const params = lowerFuncType(this.type).params;
    let next = params.length;
    let p = 0;
    const paramLanes: number[] = [];
    for (let i = 0; i < this.np; i++) {
      paramLanes.push(p);
      p += lt[i] === ValType.V128 ? 4 : 1;
    }
    const addLocal = (t: ValType) => {
      this.newLocals.push(t);
      return next++;
    };
    for (let i = 0; i < lt.length; i++) {
      if (i < this.np) {
        const r = this.rep.get(i);
        if (r === undefined || r === I32) {
          this.base[i] = paramLanes[i];
          continue;
        }
        // Copied once into lanes of its representation.
        const b = next;
        for (let k = 0; k < LANES[r]; k++) addLocal(laneType(r));
        this.base[i] = b;
        for (let k = 0; k < 4; k++) this.prologue.push({ op: Op.LocalGet, offset: this.body[0]?.offset ?? 0, index: paramLanes[i] + k });
        this.prologue.push(this.convertInstr(I32, r, this.body[0]?.offset ?? 0));
        for (let k = LANES[r] - 1; k >= 0; k--) this.prologue.push({ op: Op.LocalSet, offset: this.body[0]?.offset ?? 0, index: b + k });
        continue;
      }
      const r = this.rep.get(i);
      if (r === undefined) {
        this.base[i] = addLocal(lt[i]);
      } else {
        this.base[i] = next;
        for (let k = 0; k < LANES[r]; k++) addLocal(laneType(r));
      }
    }
  }

  result(): SimdFunction {
    return {
      type: lowerFuncType(this.type),
      locals: this.newLocals,
      body: [...this.prologue, ...this.out],
      outSlots: this.outSlots,
      retSlots: this.retSlots,
    };
  }

  private vote(local: number, r: SimdRep | null): void {
    if (r === null) return;
    let v = this.votes.get(local);
    if (!v) this.votes.set(local, (v = [0, 0, 0, 0, 0]));
    v[r] += 8 ** Math.min(this.loopDepth, 5);
  }

  /** A value consumed where representation `want` (null: any) is wanted, or stored to a local. */
  private consumed(src: number, c: Consumer | null): void {
    if (this.emit || src < 0) return;
    const ins = this.body[src];
    const want = c === null ? null : 'rep' in c ? c.rep : null;
    if (ins.op === Op.LocalGet || ins.op === Op.LocalTee) {
      if (want !== null) this.vote(ins.index!, want);
      return;
    }
    const reps = OP_REPS[ins.op];
    if (!reps) return;
    if (reps.out === FLEX) {
      if (c) this.consumers.set(src, c);
    } else if (c && 'local' in c && reps.out !== undefined) {
      this.vote(c.local, reps.out);
    }
  }

  /** The representation a flexible instruction at `i` produces: what its consumer wants. */
  private flexRep(i: number, intOnly: boolean): SimdRep {
    const c = this.consumers.get(i);
    let r: SimdRep = I32;
    if (c) r = 'rep' in c ? c.rep : this.rep.get(c.local) ?? I32;
    if (intOnly && (r === SimdRep.F32 || r === SimdRep.F64)) r = I32;
    return r;
  }

  // ------------------------------------------------------------ stack

  private push(t: ValType, rep: SimdRep = I32, src = -1): void {
    this.types.push(t);
    this.reps.push(rep);
    this.srcs.push(src);
  }

  private pop(n = 1): void {
    this.types.length -= n;
    this.reps.length -= n;
    this.srcs.length -= n;
  }

  private put(ins: Instr): void {
    if (this.emit) this.out.push(ins);
  }

  private convertInstr(from: SimdRep, to: SimdRep, offset: number): Instr {
    return { op: Op.V128Convert, offset, simd: { op: Op.V128Convert, in: [from], out: to } };
  }

  /**
   * Makes the top `wants.length` values have the wanted representations
   * (null: any), uncovering deeper ones through fresh locals.
   */
  private coerce(wants: readonly (SimdRep | null)[]): void {
    const n = wants.length;
    const h = this.types.length;
    let deepest = -1;
    for (let k = 0; k < n; k++) {
      const i = h - n + k;
      const want = wants[k];
      if (this.types[i] === ValType.V128 && want !== null) {
        this.consumed(this.srcs[i], { rep: want });
        if (this.reps[i] !== want && deepest < 0) deepest = i;
      }
    }
    if (deepest < 0 || !this.emit) {
      if (deepest >= 0) for (let k = 0; k < n; k++) if (wants[k] !== null && this.types[h - n + k] === ValType.V128) this.reps[h - n + k] = wants[k]!;
      return;
    }
    // Move the values above the deepest mismatch into fresh locals.
    const saved: { t: ValType; rep: SimdRep; locals: number[] }[] = [];
    while (this.types.length > deepest + 1) {
      const t = this.types[this.types.length - 1];
      const rep = this.reps[this.types.length - 1];
      const lanes = t === ValType.V128 ? LANES[rep] : 1;
      const locals: number[] = [];
      for (let k = 0; k < lanes; k++) locals.push(this.temp(t === ValType.V128 ? laneType(rep) : t));
      for (let k = lanes - 1; k >= 0; k--) this.out.push({ op: Op.LocalSet, offset: this.at, index: locals[k] });
      saved.push({ t, rep, locals });
      this.pop();
    }
    const fix = (i: number) => {
      const want = wants[i - (h - n)];
      if (this.types[i] === ValType.V128 && want !== null && this.reps[i] !== want) {
        this.out.push(this.convertInstr(this.reps[i], want, this.at));
        this.reps[i] = want;
      }
    };
    fix(deepest);
    for (let s = saved.length - 1; s >= 0; s--) {
      const v = saved[s];
      for (const l of v.locals) this.out.push({ op: Op.LocalGet, offset: this.at, index: l });
      this.push(v.t, v.rep);
      fix(this.types.length - 1);
    }
  }

  /** A fresh local of type `t` (emit phase only). */
  private temp(t: ValType): number {
    this.newLocals.push(t);
    return lowerFuncType(this.type).params.length + this.newLocals.length - 1;
  }

  /** Wants for a list of types: I32 for each v128, null otherwise (the canonical lanes). */
  private canonical(ts: readonly ValType[], extra = 0): (SimdRep | null)[] {
    const out: (SimdRep | null)[] = ts.map((t) => (t === ValType.V128 ? I32 : null));
    for (let k = 0; k < extra; k++) out.push(null);
    return out;
  }

  private pushTypes(ts: readonly ValType[]): void {
    for (const t of ts) this.push(t, I32);
  }

  private unreachableNow(): void {
    this.reachable = false;
    const f = this.frames[this.frames.length - 1];
    this.pop(this.types.length - f.height);
  }

  private labelTypes(depth: number): readonly ValType[] {
    const f = this.frames[this.frames.length - 1 - depth];
    return f.op === Op.Loop ? f.params : f.results;
  }

  /** The new index of lane `k` of old local `i` (or of a scalar local: k = 0). */
  private lane(i: number, k = 0): number {
    return this.base[i] + k;
  }

  /** An old local list (outline write-backs, arguments) as new indices, lanes expanded. */
  private expandLocals(list: readonly number[]): number[] {
    const out: number[] = [];
    for (const l of list) {
      if (this.localTypes[l] === ValType.V128) for (let k = 0; k < 4; k++) out.push(this.lane(l, k));
      else out.push(this.lane(l));
    }
    return out;
  }

  // ------------------------------------------------------------ the walk

  run(emit: boolean): void {
    this.emit = emit;
    this.out = [];
    this.types = [];
    this.reps = [];
    this.srcs = [];
    this.frames = [{ op: Op.Block, height: 0, params: [], results: this.type.results, enteredReachable: true }];
    this.reachable = true;
    this.loopDepth = 0;
    const body = this.body;
    const s = this.structure;
    for (let i = 0; i < body.length; i++) {
      const ins = body[i];
      this.at = ins.offset;
      const op = ins.op;
      if (!this.reachable) {
        if (isOpener(op)) {
          i = s.endOf[i];
          continue;
        }
        const row = OP_INFO[op];
        if (!row?.separates && !row?.closes) continue;
      }
      this.step(i, ins);
    }
  }

  private step(i: number, ins: Instr): void {
    const op = ins.op;
    const m = this.m;
    switch (op) {
      case Op.Block: case Op.Loop: case Op.If: case Op.Try: case Op.TryTable: {
        const t = ins.type!;
        this.coerce(this.canonical(t.params, op === Op.If ? 1 : 0));
        if (op === Op.If) this.pop();
        this.pop(t.params.length);
        this.put(t === lowerFuncType(t) ? ins : { ...ins, type: lowerFuncType(t) });
        this.frames.push({ op, height: this.types.length, params: t.params, results: t.results, enteredReachable: this.reachable });
        this.pushTypes(t.params);
        if (op === Op.Loop) this.loopDepth++;
        return;
      }
      case Op.Else: case Op.Catch: case Op.CatchAll: {
        const f = this.frames[this.frames.length - 1];
        if (this.reachable) this.coerce(this.canonical(f.results));
        this.put(ins);
        this.pop(this.types.length - f.height);
        this.reachable = f.enteredReachable;
        if (op === Op.Else) this.pushTypes(f.params);
        else if (op === Op.Catch) this.pushTypes(m.types[m.tags[ins.tag!]].params);
        return;
      }
      case Op.End: case Op.Delegate: {
        const f = this.frames[this.frames.length - 1];
        if (this.reachable) this.coerce(this.canonical(f.results));
        this.put(ins);
        if (this.frames.length === 1) return; // the function's own end
        this.frames.pop();
        if (f.op === Op.Loop) this.loopDepth--;
        this.pop(this.types.length - f.height);
        this.reachable = true;
        this.pushTypes(f.results);
        return;
      }
      case Op.Br:
        this.coerce(this.canonical(this.labelTypes(ins.depth!)));
        this.put(ins);
        this.unreachableNow();
        return;
      case Op.BrIf: {
        const ts = this.labelTypes(ins.depth!);
        this.coerce(this.canonical(ts, 1));
        this.put(ins);
        this.pop();
        return;
      }
      case Op.BrTable:
        this.coerce(this.canonical(this.labelTypes(ins.depth!), 1));
        this.put(ins);
        this.unreachableNow();
        return;
      case Op.BrOnNull: {
        this.coerce(this.canonical(this.labelTypes(ins.depth!), 1));
        this.put(ins);
        return;
      }
      case Op.BrOnNonNull: {
        const ts = this.labelTypes(ins.depth!);
        this.coerce(this.canonical(ts.slice(0, -1), 1));
        this.put(ins);
        this.pop();
        return;
      }
      case Op.Return:
        this.coerce(this.canonical(this.type.results));
        this.put(ins);
        this.unreachableNow();
        return;
      case Op.Unreachable: case Op.Rethrow: case Op.ThrowRef:
        this.put(ins);
        this.unreachableNow();
        return;
      case Op.Throw: {
        const ps = m.types[m.tags[ins.tag!]].params;
        this.coerce(this.canonical(ps));
        this.put(ins);
        this.unreachableNow();
        return;
      }
      case Op.Call: case Op.ReturnCall: case Op.CallIndirect: case Op.ReturnCallIndirect: case Op.CallRef: case Op.ReturnCallRef: {
        const direct = op === Op.Call || op === Op.ReturnCall;
        const t = direct ? m.types[m.funcTypes[ins.index!]] : m.types[ins.index!];
        this.coerce(this.canonical(t.params, direct ? 0 : 1));
        this.put(ins);
        this.pop(t.params.length + (direct ? 0 : 1));
        if (op === Op.ReturnCall || op === Op.ReturnCallIndirect || op === Op.ReturnCallRef) this.unreachableNow();
        else this.pushTypes(t.results);
        return;
      }
      case Op.CalleeGuard:
        // The inliner's guard (passes/inline.ts): the table index in, a condition out; the arguments stay below.
        this.put(ins);
        this.pop();
        this.push(ValType.I32);
        return;
      case Op.CallGuarded: {
        // The call of what the guard looked up: call_indirect's arguments, without the index.
        const t = m.types[ins.index!];
        this.coerce(this.canonical(t.params));
        this.put(ins);
        this.pop(t.params.length);
        this.pushTypes(t.results);
        return;
      }
      case Op.Drop: {
        const t = this.types[this.types.length - 1];
        if (t === ValType.V128) {
          this.consumed(this.srcs[this.srcs.length - 1], null);
          const n = LANES[this.reps[this.reps.length - 1]];
          for (let k = 0; k < n; k++) this.put(ins);
        } else {
          this.put(ins);
        }
        this.pop();
        return;
      }
      case Op.Select: case Op.TypedSelect: {
        const h = this.types.length;
        const t = this.types[h - 2];
        if (t !== ValType.V128) {
          this.put(ins);
          this.pop(3);
          this.push(t);
          return;
        }
        const ra = this.reps[h - 3];
        const rb = this.reps[h - 2];
        this.consumed(this.srcs[h - 3], null);
        this.consumed(this.srcs[h - 2], null);
        this.put({ op: Op.V128Select, offset: ins.offset, simd: { op: Op.V128Select, in: [ra, rb], out: ra } });
        this.pop(3);
        this.push(ValType.V128, ra);
        return;
      }
      case Op.LocalGet: case Op.LocalSet: case Op.LocalTee:
        this.local(i, ins);
        return;
      case Op.GlobalGet: {
        const t = m.globals[ins.index!].type;
        if (t === ValType.V128) this.put({ op: Op.V128GlobalGet, offset: ins.offset, simd: { op: Op.V128GlobalGet, in: [], out: I32, index: ins.index } });
        else this.put(ins);
        this.push(t, I32, i);
        return;
      }
      case Op.GlobalSet: {
        const t = m.globals[ins.index!].type;
        if (t === ValType.V128) {
          this.coerce([I32]);
          this.put({ op: Op.V128GlobalSet, offset: ins.offset, simd: { op: Op.V128GlobalSet, in: [I32], index: ins.index } });
        } else {
          this.put(ins);
        }
        this.pop();
        return;
      }
      case Op.OutlineCall: {
        const o = ins.outline!;
        for (const l of [...o.args!, ...o.writes!]) if (this.localTypes[l] === ValType.V128) this.forced.add(l);
        const writes = this.emit ? this.expandLocals(o.writes!) : [];
        if (writes.length > this.outSlots) this.outSlots = writes.length;
        this.put(this.emit ? { ...ins, outline: { ...o, args: this.expandLocals(o.args!), writes } } : ins);
        if (o.exits! > 1) this.push(ValType.I32);
        return;
      }
      case Op.OutlineExit: {
        const o = ins.outline!;
        for (const l of o.writes!) if (this.localTypes[l] === ValType.V128) this.forced.add(l);
        const writes = this.emit ? this.expandLocals(o.writes!) : [];
        if (writes.length > this.outSlots) this.outSlots = writes.length;
        this.put(this.emit ? { ...ins, outline: { ...o, writes } } : ins);
        this.unreachableNow();
        return;
      }
      case Op.ReturnStore: case Op.ReturnLoad: {
        const rs = this.funcResults;
        const arity = expand(rs).length;
        if (arity > this.retSlots) this.retSlots = arity;
        const o: OutlineOp = { ...ins.outline!, arity };
        if (op === Op.ReturnStore) {
          this.coerce(this.canonical(rs));
          this.put({ ...ins, outline: o });
          this.pop(rs.length);
        } else {
          this.put({ ...ins, outline: o });
          this.pushTypes(rs);
        }
        return;
      }
    }
    if (isSimdOp(op)) {
      this.simd(i, ins);
      return;
    }
    // Everything else: no v128 operands or results (tables, references,
    // memory.size/grow/bulk, numeric operators with a fixed signature).
    this.put(ins);
    this.generic(ins);
  }

  private local(i: number, ins: Instr): void {
    const l = ins.index!;
    const t = this.localTypes[l];
    if (t !== ValType.V128) {
      this.put(this.base[l] === l || !this.emit ? ins : { ...ins, index: this.lane(l) });
      if (ins.op === Op.LocalGet) this.push(t, I32, i);
      else if (ins.op === Op.LocalSet) this.pop();
      return;
    }
    const r = this.rep.get(l) ?? I32;
    const n = LANES[r];
    if (ins.op === Op.LocalGet) {
      for (let k = 0; k < n; k++) this.put({ op: Op.LocalGet, offset: ins.offset, index: this.lane(l, k) });
      this.push(ValType.V128, r, i);
      return;
    }
    this.consumed(this.srcs[this.srcs.length - 1], { local: l });
    if (this.emit) this.coerce([r]);
    for (let k = n - 1; k >= 0; k--) this.put({ op: Op.LocalSet, offset: ins.offset, index: this.lane(l, k) });
    this.pop();
    if (ins.op === Op.LocalTee) {
      for (let k = 0; k < n; k++) this.put({ op: Op.LocalGet, offset: ins.offset, index: this.lane(l, k) });
      this.push(ValType.V128, r, i);
    }
  }

  private simd(i: number, ins: Instr): void {
    const row = OP_INFO[ins.op]!;
    const reps = OP_REPS[ins.op]!;
    const params = row.sig!.params;
    const h = this.types.length;
    const inReps: SimdRep[] = [];
    let v = 0;
    for (let k = 0; k < params.length; k++) {
      const at = h - params.length + k;
      if (params[k] !== ValType.V128) continue;
      const want = reps.ins[v++] ?? null;
      this.consumed(this.srcs[at], want === null ? null : { rep: want, nanFree: NAN_FREE.has(ins.op) });
      inReps.push(this.reps[at]);
    }
    let out: SimdRep | undefined;
    let fast: boolean | undefined;
    let mask: number | undefined;
    const floatIn = (r: SimdRep) => inReps.includes(r);
    if (ins.op === Op.I8x16Shuffle) {
      // Moving whole lanes, in the representation of the data where it can.
      const g = shuffleGrain(ins.bytes!);
      out = g === 8 && floatIn(SimdRep.F64) ? SimdRep.F64 : g >= 4 ? (floatIn(SimdRep.F32) ? SimdRep.F32 : I32) : g === 2 ? SimdRep.I16 : SimdRep.I8;
    } else if ((ins.op === Op.V128Bitselect || (ins.op >= Op.I8x16RelaxedLaneselect && ins.op <= Op.I64x2RelaxedLaneselect))
      && this.srcs[h - 1] >= 0 && maskLaneBytes(this.body[this.srcs[h - 1]].op) > 0) {
      // A select by a comparison's lane mask (a ternary): float data stays float.
      const b = maskLaneBytes(this.body[this.srcs[h - 1]].op);
      const f = b === 4 && floatIn(SimdRep.F32) ? SimdRep.F32 : b === 8 && floatIn(SimdRep.F64) ? SimdRep.F64 : undefined;
      if (f !== undefined && LANE_BYTES[f] === b) {
        out = f;
        mask = b;
      } else {
        out = this.flexRep(i, true);
      }
    } else if (reps.out === FLEX) {
      const loadOrConst = ins.op === Op.V128Load || ins.op === Op.V128Const;
      out = this.flexRep(i, !loadOrConst);
      const c = this.consumers.get(i);
      if (ins.op === Op.V128Load && c && 'rep' in c && c.nanFree) fast = true;
    } else {
      out = reps.out;
    }
    this.put({ ...ins, simd: { op: ins.op, in: inReps, out, fast, mask } });
    this.pop(params.length);
    for (const t of row.sig!.results) this.push(t, out ?? I32, i);
  }

  /** Stack effect of an instruction without v128 values. */
  private generic(ins: Instr): void {
    const op = ins.op;
    const m = this.m;
    const sig = OP_INFO[op]?.sig;
    if (sig) {
      this.pop(sig.params.length);
      for (const t of sig.results) this.push(t);
      return;
    }
    switch (op) {
      case Op.Nop: case Op.DataDrop: case Op.ElemDrop:
        return;
      case Op.MemorySize: case Op.TableSize:
        this.push(ValType.I32);
        return;
      case Op.MemoryGrow:
        return;
      case Op.MemoryInit: case Op.MemoryCopy: case Op.MemoryFill: case Op.TableInit: case Op.TableCopy: case Op.TableFill:
        this.pop(3);
        return;
      case Op.TableGet:
        this.pop();
        this.push(m.tables[ins.mem!].elem);
        return;
      case Op.TableSet:
        this.pop(2);
        return;
      case Op.TableGrow:
        this.pop(2);
        this.push(ValType.I32);
        return;
      case Op.RefNull:
        this.push(ins.refType!);
        return;
      case Op.RefFunc:
        this.push(ValType.FuncRef);
        return;
      case Op.RefIsNull:
        this.pop();
        this.push(ValType.I32);
        return;
      case Op.RefAsNonNull:
        return;
      default:
        throw new Error(`internal: SIMD lowering does not know opcode 0x${op.toString(16)}`);
    }
  }
}
