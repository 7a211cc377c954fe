// Function body validation: the algorithm of the spec's validation appendix
// (an operand stack of value types and a stack of control frames), extended
// with exception handling (try_table, throw, throw_ref) and the legacy
// exception instructions (try, catch, catch_all, delegate, rethrow).
//
// Typed function references and tail calls (Wasm 3.0) bring subtyping (see
// ./subtype.ts): an operand matches an expected type when it is a subtype of
// it; the Unknown type that the stack produces below an unreachable point
// matches everything. Locals of non-defaultable types (non-nullable references)
// must be set before they are read; like the spec's algorithm, a set made inside
// a block is forgotten at the end of that block.

import {
  ValType,
  CatchKind,
  AbsHeap,
  isDefaultable,
  isRefType,
  refType,
  refTypeIdx,
  withNullability,
  type FuncType,
  type Instr,
  type Module,
  type Func,
} from '../ir.js';
import { compileError } from '../errors.js';
import { valTypeName } from '../binary/types.js';
import { declaredFuncRefs, funcType } from './module.js';
import { FC_SIGS, MEM_OPS, SIMPLE_SIGS } from './signatures.js';
import { REF_BOT, matches, matchesAll } from './subtype.js';
import { Op } from '../opcodes.js';

/** The type of a value popped from the polymorphic part of an unreachable stack. */
const UNKNOWN = 0;

/** Frame kinds are opcodes; the function's implicit block has its own. */
const FUNC_FRAME = -1;
const OP_LOOP = 0x03;
const OP_IF = 0x04;
const OP_TRY = 0x06;
const OP_CATCH = 0x07;
const OP_CATCH_ALL = 0x19;

interface Frame {
  /** block / loop / if / else / try / catch / catch_all / try_table opcode, or FUNC_FRAME. */
  kind: number;
  params: readonly ValType[];
  results: readonly ValType[];
  /** Operand stack height at the start of the frame. */
  height: number;
  /** Length of the local initialization log at the start of the frame. */
  initHeight: number;
  unreachable: boolean;
}

const EXNREF_ONLY: readonly ValType[] = [ValType.ExnRef];
/** catch_ref / catch_all_ref deliver a non-null `(ref exn)`. */
const REF_EXN = refType(false, AbsHeap.Exn);
const REF_EXN_ONLY: readonly ValType[] = [REF_EXN];
const I32_X3: readonly ValType[] = [ValType.I32, ValType.I32, ValType.I32];

function isNum(t: number): boolean {
  return t === ValType.I32 || t === ValType.I64 || t === ValType.F32 || t === ValType.F64 || t === UNKNOWN;
}

function typeName(t: number): string {
  return t === REF_BOT ? '(ref bot)' : valTypeName(t);
}

function typeList(ts: ArrayLike<number>, from = 0, to = ts.length): string {
  let s = '';
  for (let i = from; i < to; i++) s += (i > from ? ' ' : '') + typeName(ts[i]);
  return `[${s}]`;
}

class FuncValidator {
  private readonly m: Module;
  private readonly locals: ValType[];
  private readonly results: readonly ValType[];
  /** Operand stack: entries [0, sp) are live; stale entries above sp feed error messages. */
  private vals: number[] = [];
  private sp = 0;
  private ctrls: Frame[] = [];
  /** Per local: 1 when it holds a value (params, defaultable locals, or set). */
  private readonly localSet: Uint8Array;
  /** Non-defaultable locals set so far, in order; frames reset theirs at `end`. */
  private initLog: number[] = [];
  /** Offset of the instruction being checked, for errors. */
  private at = 0;

  constructor(m: Module, type: FuncType, locals: ValType[]) {
    this.m = m;
    this.locals = type.params.concat(locals);
    this.results = type.results;
    this.localSet = new Uint8Array(this.locals.length);
    for (let i = 0; i < this.locals.length; i++) {
      if (i < type.params.length || isDefaultable(this.locals[i])) this.localSet[i] = 1;
    }
  }

  private matches(actual: number, expected: number): boolean {
    return matches(this.m, actual, expected);
  }

  private error(message: string): Error {
    return compileError(this.at, message);
  }

  private push(t: number): void {
    this.vals[this.sp++] = t;
  }

  private pushVals(ts: readonly number[]): void {
    for (let i = 0; i < ts.length; i++) this.vals[this.sp++] = ts[i];
  }

  /** Pops any value; UNKNOWN from the polymorphic stack; -1 if the frame is empty. */
  private popAny(): number {
    const f = this.ctrls[this.ctrls.length - 1];
    if (this.sp === f.height) return f.unreachable ? UNKNOWN : -1;
    return this.vals[--this.sp];
  }

  private pop(t: ValType): void {
    const f = this.ctrls[this.ctrls.length - 1];
    if (this.sp > f.height) {
      const actual = this.vals[this.sp - 1];
      if (this.matches(actual, t)) {
        this.sp--;
        return;
      }
    } else if (f.unreachable) {
      return;
    }
    throw this.requires([t]);
  }

  /** Pops `ts` (last first), with the interpreter's message on a mismatch. */
  private popVals(ts: readonly ValType[]): void {
    const before = this.sp;
    for (let i = ts.length - 1; i >= 0; i--) {
      const actual = this.popAny();
      if (!this.matches(actual, ts[i])) {
        this.sp = before;
        throw this.requires(ts);
      }
    }
  }

  /** "type mismatch: instruction requires [..] but stack has [..]" for the current frame. */
  private requires(ts: readonly ValType[]): Error {
    const f = this.ctrls[this.ctrls.length - 1];
    const from = Math.max(f.height, this.sp - ts.length);
    return this.error(`type mismatch: instruction requires ${typeList(ts)} but stack has ${typeList(this.vals, from, this.sp)}`);
  }

  /**
   * Pops a reference operand and returns its type: REF_BOT from the
   * polymorphic stack, else the operand's reference type.
   */
  private popRef(what: string): number {
    const t = this.popAny();
    if (t === UNKNOWN) return REF_BOT;
    if (t < 0) throw this.error(`type mismatch: ${what} requires a reference but stack has []`);
    if (t !== REF_BOT && !isRefType(t)) {
      throw this.error(`type mismatch: ${what} requires a reference but stack has [${typeName(t)}]`);
    }
    return t;
  }

  private newFrame(kind: number, params: readonly ValType[], results: readonly ValType[]): Frame {
    return { kind, params, results, height: this.sp, initHeight: this.initLog.length, unreachable: false };
  }

  private pushCtrl(kind: number, params: readonly ValType[], results: readonly ValType[]): void {
    this.ctrls.push(this.newFrame(kind, params, results));
    this.pushVals(params);
  }

  /** Forgets the local initializations made inside frame `f`. */
  private resetLocals(f: Frame): void {
    const log = this.initLog;
    while (log.length > f.initHeight) this.localSet[log.pop()!] = 0;
  }

  private popCtrl(): Frame {
    const f = this.ctrls[this.ctrls.length - 1];
    this.popVals(f.results);
    if (this.sp !== f.height) {
      throw this.error(`type mismatch: block requires ${typeList(f.results)} but stack has ${typeList(this.vals, f.height, this.sp)}`);
    }
    this.ctrls.pop();
    this.resetLocals(f);
    return f;
  }

  private setUnreachable(): void {
    const f = this.ctrls[this.ctrls.length - 1];
    this.sp = f.height;
    f.unreachable = true;
  }

  private labelTypes(f: Frame): readonly ValType[] {
    return f.kind === OP_LOOP ? f.params : f.results;
  }

  /** The frame named by relative label `depth`. */
  private label(depth: number): Frame {
    if (depth >= this.ctrls.length) throw this.error(`unknown label ${depth}`);
    return this.ctrls[this.ctrls.length - 1 - depth];
  }

  private localType(idx: number): ValType {
    if (idx >= this.locals.length) throw this.error(`unknown local ${idx}`);
    return this.locals[idx];
  }

  /** local.set / local.tee: the local now holds a value until the end of the current block. */
  private markSet(idx: number): void {
    if (this.localSet[idx]) return;
    this.localSet[idx] = 1;
    this.initLog.push(idx);
  }

  private global(idx: number) {
    if (idx >= this.m.globals.length) throw this.error(`unknown global ${idx}`);
    return this.m.globals[idx];
  }

  private table(idx: number): ValType {
    if (idx >= this.m.tables.length) throw this.error(`unknown table ${idx}`);
    return this.m.tables[idx].elem;
  }

  private memory(idx: number): void {
    if (idx >= this.m.memories.length) throw this.error(`unknown memory ${idx}`);
  }

  private elemType(idx: number): ValType {
    if (idx >= this.m.elems.length) throw this.error(`unknown elem segment ${idx}`);
    return this.m.elems[idx].type;
  }

  private dataSegment(idx: number): void {
    if (idx >= this.m.datas.length) throw this.error(`unknown data segment ${idx}`);
  }

  private tagParams(idx: number): readonly ValType[] {
    if (idx >= this.m.tags.length) throw this.error(`unknown tag ${idx}`);
    const t = this.m.tags[idx];
    if (t >= this.m.types.length) throw this.error(`unknown type ${t}`);
    return this.m.types[t].params;
  }

  private typeAt(idx: number): FuncType {
    if (idx >= this.m.types.length) throw this.error(`unknown type ${idx}`);
    return this.m.types[idx];
  }

  run(body: Instr[], heights?: Int32Array): void {
    this.ctrls.push(this.newFrame(FUNC_FRAME, [], this.results));
    const n = body.length;
    for (let i = 0; i < n; i++) {
      if (this.ctrls.length === 0) {
        this.at = body[i].offset;
        throw this.error('operators remaining after end of function');
      }
      if (heights) {
        const f = this.ctrls[this.ctrls.length - 1];
        const rel = this.sp - f.height;
        heights[i] = f.unreachable ? -1 - rel : rel;
      }
      this.instr(body[i]);
    }
    if (this.ctrls.length !== 0) throw this.error('END opcode expected');
  }

  private instr(ins: Instr): void {
    const op = ins.op;
    this.at = ins.offset;

    const sig = op < 0x100 ? SIMPLE_SIGS[op] : op >= Op.I32TruncSatF32S && op < Op.MemoryInit ? FC_SIGS[op & 0xff] : undefined;
    if (sig) {
      this.popVals(sig.params);
      this.pushVals(sig.results);
      return;
    }
    const mem = op < 0x100 ? MEM_OPS[op] : undefined;
    if (mem) {
      this.memory(ins.mem!);
      if (ins.align! > mem.naturalAlign) throw this.error('alignment must not be larger than natural');
      // 32-bit memories: the static offset is an i32 (it was read as a u64).
      if (ins.memOffset! > 0xffffffff) throw this.error('offset out of range');
      if (mem.store) {
        this.pop(mem.type);
        this.pop(ValType.I32);
      } else {
        this.pop(ValType.I32);
        this.push(mem.type);
      }
      return;
    }

    switch (op) {
      case 0x00: // unreachable
        this.setUnreachable();
        break;
      case 0x01: // nop
        break;
      case 0x02: // block
      case 0x03: // loop
      case 0x06: {
        // try (legacy)
        const t = ins.type!;
        this.popVals(t.params);
        this.pushCtrl(op, t.params, t.results);
        break;
      }
      case 0x04: {
        // if
        const t = ins.type!;
        this.pop(ValType.I32);
        this.popVals(t.params);
        this.pushCtrl(op, t.params, t.results);
        break;
      }
      case 0x05: {
        // else
        const f = this.ctrls[this.ctrls.length - 1];
        if (f.kind !== OP_IF) throw this.error('else without matching if');
        this.popCtrl();
        this.pushCtrl(0x05, f.params, f.results);
        break;
      }
      case 0x0b: {
        // end
        const f = this.popCtrl();
        // An `if` without `else` has an implicit else that passes its params on.
        if (f.kind === OP_IF && !matchesAll(this.m, f.params, f.results)) {
          throw this.error(`type mismatch: else branch requires ${typeList(f.results)} but has ${typeList(f.params)}`);
        }
        this.pushVals(f.results);
        break;
      }
      case 0x07: {
        // catch (legacy)
        const f = this.ctrls[this.ctrls.length - 1];
        if (f.kind === OP_CATCH_ALL) throw this.error('catch after catch_all');
        if (f.kind !== OP_TRY && f.kind !== OP_CATCH) throw this.error('catch without matching try');
        const params = this.tagParams(ins.tag!);
        this.popCtrl();
        this.ctrls.push(this.newFrame(OP_CATCH, f.params, f.results));
        this.pushVals(params);
        break;
      }
      case 0x19: {
        // catch_all (legacy)
        const f = this.ctrls[this.ctrls.length - 1];
        if (f.kind === OP_CATCH_ALL) throw this.error('catch_all after catch_all');
        if (f.kind !== OP_TRY && f.kind !== OP_CATCH) throw this.error('catch_all without matching try');
        this.popCtrl();
        this.ctrls.push(this.newFrame(OP_CATCH_ALL, f.params, f.results));
        break;
      }
      case 0x18: {
        // delegate (legacy): ends a try that has no catch; the label is
        // counted from outside that try.
        const f = this.ctrls[this.ctrls.length - 1];
        if (f.kind !== OP_TRY) throw this.error('delegate without matching try');
        this.popCtrl();
        this.label(ins.depth!);
        this.pushVals(f.results);
        break;
      }
      case 0x08: // throw
        this.popVals(this.tagParams(ins.tag!));
        this.setUnreachable();
        break;
      case 0x09: {
        // rethrow (legacy): only from inside a catch / catch_all
        const f = this.label(ins.depth!);
        if (f.kind !== OP_CATCH && f.kind !== OP_CATCH_ALL) throw this.error('invalid rethrow label');
        this.setUnreachable();
        break;
      }
      case 0x0a: // throw_ref
        this.popVals(EXNREF_ONLY);
        this.setUnreachable();
        break;
      case 0x1f:
        this.tryTable(ins);
        break;
      case 0x0c: // br
        this.popVals(this.labelTypes(this.label(ins.depth!)));
        this.setUnreachable();
        break;
      case 0x0d: {
        // br_if
        const ts = this.labelTypes(this.label(ins.depth!));
        this.pop(ValType.I32);
        this.popVals(ts);
        this.pushVals(ts);
        break;
      }
      case 0x0e:
        this.brTable(ins);
        break;
      case 0x0f: // return
        this.popVals(this.results);
        this.setUnreachable();
        break;
      case 0x10: {
        // call
        const t = this.funcType(ins.index!);
        this.popVals(t.params);
        this.pushVals(t.results);
        break;
      }
      case 0x11: {
        // call_indirect
        const t = this.callIndirectType(ins);
        this.popVals(t.params);
        this.pushVals(t.results);
        break;
      }
      case 0x12: {
        // return_call
        const t = this.funcType(ins.index!);
        this.tailCall(t);
        break;
      }
      case 0x13: // return_call_indirect
        this.tailCall(this.callIndirectType(ins));
        break;
      case 0x14: {
        // call_ref $t: [t1* (ref null $t)] -> [t2*]
        const t = this.callRefType(ins);
        this.popVals(t.params);
        this.pushVals(t.results);
        break;
      }
      case 0x15: // return_call_ref
        this.tailCall(this.callRefType(ins));
        break;
      case 0x1a: // drop
        if (this.popAny() < 0) throw this.error('type mismatch: drop requires a value but stack has []');
        break;
      case 0x1b:
        this.select();
        break;
      case 0x1c: {
        // select t
        const ts = ins.selectTypes!;
        if (ts.length !== 1) throw this.error('invalid result arity');
        this.pop(ValType.I32);
        this.popVals([ts[0], ts[0]]); // each operand a subtype of t
        this.push(ts[0]);
        break;
      }
      case 0x20: {
        // local.get
        const t = this.localType(ins.index!);
        if (!this.localSet[ins.index!]) throw this.error(`uninitialized local ${ins.index}`);
        this.push(t);
        break;
      }
      case 0x21: // local.set
        this.pop(this.localType(ins.index!));
        this.markSet(ins.index!);
        break;
      case 0x22: {
        // local.tee
        const t = this.localType(ins.index!);
        this.pop(t);
        this.markSet(ins.index!);
        this.push(t);
        break;
      }
      case 0x23: // global.get
        this.push(this.global(ins.index!).type);
        break;
      case 0x24: {
        // global.set
        const g = this.global(ins.index!);
        if (!g.mutable) throw this.error('immutable global');
        this.pop(g.type);
        break;
      }
      case 0x25: {
        // table.get
        const t = this.table(ins.mem!);
        this.pop(ValType.I32);
        this.push(t);
        break;
      }
      case 0x26: {
        // table.set
        const t = this.table(ins.mem!);
        this.popVals([ValType.I32, t]);
        break;
      }
      case 0x3f: // memory.size
        this.memory(ins.mem!);
        this.push(ValType.I32);
        break;
      case 0x40: // memory.grow
        this.memory(ins.mem!);
        this.pop(ValType.I32);
        this.push(ValType.I32);
        break;
      case 0x41: // i32.const
      case 0x43: // f32.const (bits in i32)
        this.push(op === 0x41 ? ValType.I32 : ValType.F32);
        break;
      case 0x42:
        this.push(ValType.I64);
        break;
      case 0x44:
        this.push(ValType.F64);
        break;
      case 0xd0: // ref.null
        this.push(ins.refType!);
        break;
      case 0xd1: // ref.is_null
        this.popRef('ref.is_null');
        this.push(ValType.I32);
        break;
      case 0xd2: {
        // ref.func: (ref $t) for the function's type $t
        const idx = ins.index!;
        this.funcType(idx);
        if (!declaredFuncRefs(this.m)[idx]) throw this.error('undeclared function reference');
        this.push(refTypeIdx(false, this.m.funcTypes[idx]));
        break;
      }
      case 0xd4: // ref.as_non_null: (ref null ht) -> (ref ht)
        this.push(nonNull(this.popRef('ref.as_non_null')));
        break;
      case 0xd5: {
        // br_on_null l: [t* (ref null ht)] -> [t* (ref ht)], the branch carries t*
        const ts = this.labelTypes(this.label(ins.depth!));
        const rt = this.popRef('br_on_null');
        this.popVals(ts);
        this.pushVals(ts);
        this.push(nonNull(rt));
        break;
      }
      case 0xd6:
        this.brOnNonNull(ins);
        break;
      default:
        if (op >= Op.MemoryInit && op <= Op.TableFill) this.bulk(ins);
        else throw this.error(`illegal opcode ${op.toString(16)}`);
    }
  }

  private funcType(idx: number): FuncType {
    return funcType(this.m, idx, this.at);
  }

  /** call_indirect / return_call_indirect: checks the table, pops the index, returns the callee type. */
  private callIndirectType(ins: Instr): FuncType {
    const elem = this.table(ins.mem!);
    if (!this.matches(elem, ValType.FuncRef)) {
      throw this.error('type mismatch: indirect call on a table of ' + valTypeName(elem));
    }
    const t = this.typeAt(ins.index!);
    this.pop(ValType.I32);
    return t;
  }

  /** call_ref / return_call_ref $t: pops the `(ref null $t)` operand, returns $t. */
  private callRefType(ins: Instr): FuncType {
    const t = this.typeAt(ins.index!);
    this.pop(refTypeIdx(true, ins.index!));
    return t;
  }

  /** return_call*: the callee's results must match the function's; pops the arguments. */
  private tailCall(t: FuncType): void {
    if (!matchesAll(this.m, t.results, this.results)) {
      throw this.error(`type mismatch: tail call returns ${typeList(t.results)} from a function returning ${typeList(this.results)}`);
    }
    this.popVals(t.params);
    this.setUnreachable();
  }

  /**
   * br_on_non_null l: [t* (ref null ht)] -> [t*] where the label's types are
   * [t* rt] with (ref ht) <: rt; the branch is taken with the non-null reference.
   */
  private brOnNonNull(ins: Instr): void {
    const ts = this.labelTypes(this.label(ins.depth!));
    const n = ts.length;
    if (n === 0 || !isRefType(ts[n - 1])) {
      throw this.error(`type mismatch: br_on_non_null needs a label whose last type is a reference, not ${typeList(ts)}`);
    }
    const rt = nonNull(this.popRef('br_on_non_null'));
    if (!this.matches(rt, ts[n - 1])) {
      throw this.error(`type mismatch: br_on_non_null gives ${typeName(rt)} to a label of ${typeList(ts)}`);
    }
    const rest = ts.slice(0, n - 1);
    this.popVals(rest);
    this.pushVals(rest);
  }

  /** Untyped select: both operands of one numeric type (reference types need `select t`). */
  private select(): void {
    this.pop(ValType.I32);
    const t1 = this.popAny();
    const t2 = this.popAny();
    if (t1 < 0 || t2 < 0) throw this.error('type mismatch: select requires two operands');
    if (!isNum(t1) || !isNum(t2)) throw this.error('type mismatch: select without type on reference operands');
    if (t1 !== t2 && t1 !== UNKNOWN && t2 !== UNKNOWN) throw this.error('type mismatch: select operands differ');
    this.push(t1 === UNKNOWN ? t2 : t1);
  }

  private brTable(ins: Instr): void {
    this.pop(ValType.I32);
    const dflt = this.labelTypes(this.label(ins.depth!));
    const arity = dflt.length;
    for (const l of ins.labels!) {
      const ts = this.labelTypes(this.label(l));
      if (ts.length !== arity) throw this.error('type mismatch: br_table labels of different arity');
      // Check against the operands without consuming them: pop, then push back
      // what was actually there (which keeps Unknown operands unknown).
      const before = this.sp;
      this.popVals(ts);
      this.sp = before;
    }
    this.popVals(dflt);
    this.setUnreachable();
  }

  private tryTable(ins: Instr): void {
    const t = ins.type!;
    this.popVals(t.params);
    // Catch clause labels are relative to the context outside the try_table.
    for (const c of ins.catches!) {
      const target = this.labelTypes(this.label(c.depth));
      let delivered: readonly ValType[];
      switch (c.kind) {
        case CatchKind.Catch:
          delivered = this.tagParams(c.tag);
          break;
        case CatchKind.CatchRef:
          delivered = [...this.tagParams(c.tag), REF_EXN];
          break;
        case CatchKind.CatchAll:
          delivered = [];
          break;
        default:
          delivered = REF_EXN_ONLY;
      }
      if (!matchesAll(this.m, delivered, target)) {
        throw this.error(`type mismatch: catch delivers ${typeList(delivered)} to a label of ${typeList(target)}`);
      }
    }
    this.pushCtrl(0x1f, t.params, t.results);
  }

  /** 0xfc 8..17: bulk memory and table instructions. */
  private bulk(ins: Instr): void {
    switch (ins.op & 0xff) {
      case 8: // memory.init
        this.memory(ins.mem!);
        this.dataSegment(ins.segment!);
        this.popVals(I32_X3);
        break;
      case 9: // data.drop
        this.dataSegment(ins.segment!);
        break;
      case 10: // memory.copy
        this.memory(ins.mem!);
        this.memory(ins.mem2!);
        this.popVals(I32_X3);
        break;
      case 11: // memory.fill
        this.memory(ins.mem!);
        this.popVals(I32_X3);
        break;
      case 12: {
        // table.init
        const tt = this.table(ins.mem!);
        const et = this.elemType(ins.segment!);
        if (!this.matches(et, tt)) throw this.error(`type mismatch: elem segment of ${valTypeName(et)} for a table of ${valTypeName(tt)}`);
        this.popVals(I32_X3);
        break;
      }
      case 13: // elem.drop
        this.elemType(ins.segment!);
        break;
      case 14: {
        // table.copy dst src
        const dst = this.table(ins.mem!);
        const src = this.table(ins.mem2!);
        if (!this.matches(src, dst)) throw this.error(`type mismatch: table.copy from ${valTypeName(src)} to ${valTypeName(dst)}`);
        this.popVals(I32_X3);
        break;
      }
      case 15: {
        // table.grow: [t i32] -> [i32]
        const t = this.table(ins.mem!);
        this.popVals([t, ValType.I32]);
        this.push(ValType.I32);
        break;
      }
      case 16: // table.size
        this.table(ins.mem!);
        this.push(ValType.I32);
        break;
      default: {
        // 17 table.fill: [i32 t i32] -> []
        const t = this.table(ins.mem!);
        this.popVals([ValType.I32, t, ValType.I32]);
      }
    }
  }
}

/**
 * Validates one function body (`body` from decodeBody, final `end` included)
 * against the module. Assumes validateModule has accepted the module.
 */
/**
 * Validates one body. With `heights` (length >= body.length), records before each
 * instruction the operand stack height relative to the innermost frame: `h` at a
 * reachable point, `-1 - h` at an unreachable one (the splitter's safe points).
 */
export function validateFunction(m: Module, f: Func, body: Instr[], heights?: Int32Array): void {
  const type = funcType(m, f.index, f.codeStart);
  new FuncValidator(m, type, f.locals).run(body, heights);
}

/** The non-nullable version of a reference type (REF_BOT stays itself). */
function nonNull(t: number): number {
  return t === REF_BOT ? REF_BOT : withNullability(t, false);
}
