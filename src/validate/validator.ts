// The function validator's state machine: the algorithm of the spec's
// validation appendix, an operand stack of value types and a stack of control
// frames. This is the leaf of src/validate's function checks: the per-concern
// handler files (control.ts, exceptions.ts, legacy.ts, calls.ts,
// references.ts, variables.ts, tables.ts, memory.ts) program against
// `Validator` and import nothing else from this folder except module.ts and
// subtype.ts; handlers.ts is the only module that imports them, and func.ts
// drives the loop.
//
// Typed function references (Wasm 3.0) bring subtyping (see ./subtype.ts): an
// operand matches an expected type when it is a subtype of it; the Unknown type
// that the stack produces below an unreachable point matches everything.
// Locals of non-defaultable types (non-nullable references) must be set before
// they are read; like the spec's algorithm, a set made inside a block is
// forgotten at the end of that block.

import { ValType, formatValType, isDefaultable, isRefType, withNullability, type FuncType, type Instr, type Module } from '../ir.js';
import { compileError } from '../errors.js';
import { Op } from '../opcodes.js';
import { funcType } from './module.js';
import { REF_BOT, matches } from './subtype.js';

/** The type of a value popped from the polymorphic part of an unreachable stack. */
export const UNKNOWN = 0;

/** The kind of the function's implicit outermost frame (other frames' kinds are their opcodes). */
export const FUNC_FRAME = -1;

export interface Frame {
  /** The opcode that opened the part: block / loop / if / else / try / catch / catch_all / try_table; or FUNC_FRAME. */
  kind: Op | typeof FUNC_FRAME;
  params: readonly ValType[];
  results: readonly ValType[];
  /** Operand stack height at the start of the frame. */
  height: number;
  /** Length of the local initialization log at the start of the frame. */
  initHeight: number;
  unreachable: boolean;
}

/** Checks one instruction: pops its operands, pushes its results, opens or closes frames. */
export type Handler = (v: Validator, ins: Instr) => void;

/** A concern file's handlers, keyed by Op. */
export type Handlers = { readonly [op: number]: Handler };

export function isNum(t: number): boolean {
  return t === ValType.I32 || t === ValType.I64 || t === ValType.F32 || t === ValType.F64 || t === UNKNOWN;
}

export function typeName(t: number): string {
  return t === REF_BOT ? '(ref bot)' : formatValType(t);
}

/** `[t1 t2 ...]` for `ts[from..to)`, as the reference interpreter prints stacks. */
export function typeList(ts: ArrayLike<number>, from = 0, to = ts.length): string {
  let s = '';
  for (let i = from; i < to; i++) s += (i > from ? ' ' : '') + typeName(ts[i]);
  return `[${s}]`;
}

/** The non-nullable version of a reference type (REF_BOT stays itself). */
export function nonNull(t: number): number {
  return t === REF_BOT ? REF_BOT : withNullability(t, false);
}

export class Validator {
  readonly m: Module;
  readonly locals: ValType[];
  /** The function's results (what `return` and the outermost frame take). */
  readonly results: readonly ValType[];
  /** Operand stack: entries [0, sp) are live; stale entries above sp feed error messages. */
  readonly vals: number[] = [];
  sp = 0;
  readonly ctrls: Frame[] = [];
  /** Per local: 1 when it holds a value (params, defaultable locals, or set). */
  readonly localSet: Uint8Array;
  /** Non-defaultable locals set so far, in order; frames reset theirs at `end`. */
  private readonly initLog: number[] = [];
  /** Offset of the instruction being checked, for errors. */
  at = 0;

  constructor(m: Module, type: FuncType, locals: ValType[]) {
    this.m = m;
    this.locals = type.params.concat(locals);
    this.results = type.results;
    this.localSet = new Uint8Array(this.locals.length);
    for (let i = 0; i < this.locals.length; i++) {
      if (i < type.params.length || isDefaultable(this.locals[i])) this.localSet[i] = 1;
    }
    this.ctrls.push(this.newFrame(FUNC_FRAME, [], this.results));
  }

  matches(actual: number, expected: number): boolean {
    return matches(this.m, actual, expected);
  }

  error(message: string): Error {
    return compileError(this.at, message);
  }

  /** The innermost frame. */
  top(): Frame {
    return this.ctrls[this.ctrls.length - 1];
  }

  push(t: number): void {
    this.vals[this.sp++] = t;
  }

  pushVals(ts: readonly number[]): void {
    for (let i = 0; i < ts.length; i++) this.vals[this.sp++] = ts[i];
  }

  /** Pops any value; UNKNOWN from the polymorphic stack; -1 if the frame is empty. */
  popAny(): number {
    const f = this.ctrls[this.ctrls.length - 1];
    if (this.sp === f.height) return f.unreachable ? UNKNOWN : -1;
    return this.vals[--this.sp];
  }

  // pop and popVals test for the identical type before they call matches().
  // Nearly every operand has exactly the expected type, so matches() then runs
  // only for subtypes and Unknown operands, stays cold, and TurboFan does not
  // inline it (with its callees) into every handler it optimizes, each on its
  // own. Without the test, the first validation of sql.js's wasm in a fresh
  // process took ~40% more CPU (background compiles counted in) than the
  // single-switch validator these files replaced; with it, ~10% less
  // (docs/performance.md, "Validation").
  pop(t: ValType): void {
    const f = this.ctrls[this.ctrls.length - 1];
    if (this.sp > f.height) {
      const actual = this.vals[this.sp - 1];
      if (actual === t || this.matches(actual, t)) {
        this.sp--;
        return;
      }
    } else if (f.unreachable) {
      return;
    }
    throw this.requires([t]);
  }

  /** Pops `ts` (last first), with the interpreter's message on a mismatch. */
  popVals(ts: readonly ValType[]): void {
    const before = this.sp;
    for (let i = ts.length - 1; i >= 0; i--) {
      const actual = this.popAny();
      if (actual !== ts[i] && !this.matches(actual, ts[i])) {
        this.sp = before;
        throw this.requires(ts);
      }
    }
  }

  /** "type mismatch: instruction requires [..] but stack has [..]" for the current frame. */
  requires(ts: readonly ValType[]): Error {
    const f = this.ctrls[this.ctrls.length - 1];
    const from = Math.max(f.height, this.sp - ts.length);
    return this.error(`type mismatch: instruction requires ${typeList(ts)} but stack has ${typeList(this.vals, from, this.sp)}`);
  }

  /**
   * Pops a reference operand and returns its type: REF_BOT from the
   * polymorphic stack, else the operand's reference type.
   */
  popRef(what: string): number {
    const t = this.popAny();
    if (t === UNKNOWN) return REF_BOT;
    if (t < 0) throw this.error(`type mismatch: ${what} requires a reference but stack has []`);
    if (t !== REF_BOT && !isRefType(t)) {
      throw this.error(`type mismatch: ${what} requires a reference but stack has [${typeName(t)}]`);
    }
    return t;
  }

  /** A frame starting at the current stack height (its params not pushed). */
  newFrame(kind: Frame['kind'], params: readonly ValType[], results: readonly ValType[]): Frame {
    return { kind, params, results, height: this.sp, initHeight: this.initLog.length, unreachable: false };
  }

  /** Opens a frame and pushes its params. */
  pushCtrl(kind: Op, params: readonly ValType[], results: readonly ValType[]): void {
    this.ctrls.push(this.newFrame(kind, params, results));
    this.pushVals(params);
  }

  /** Closes the innermost frame: its results must be exactly what is left on its part of the stack. */
  popCtrl(): Frame {
    const f = this.ctrls[this.ctrls.length - 1];
    this.popVals(f.results);
    if (this.sp !== f.height) {
      throw this.error(`type mismatch: block requires ${typeList(f.results)} but stack has ${typeList(this.vals, f.height, this.sp)}`);
    }
    this.ctrls.pop();
    // Forget the local initializations made inside the frame.
    const log = this.initLog;
    while (log.length > f.initHeight) this.localSet[log.pop()!] = 0;
    return f;
  }

  setUnreachable(): void {
    const f = this.ctrls[this.ctrls.length - 1];
    this.sp = f.height;
    f.unreachable = true;
  }

  /** The types a branch to `f` carries: a loop's params, any other frame's results. */
  labelTypes(f: Frame): readonly ValType[] {
    return f.kind === Op.Loop ? f.params : f.results;
  }

  /** The frame named by relative label `depth`. */
  label(depth: number): Frame {
    if (depth >= this.ctrls.length) throw this.error(`unknown label ${depth}`);
    return this.ctrls[this.ctrls.length - 1 - depth];
  }

  localType(idx: number): ValType {
    if (idx >= this.locals.length) throw this.error(`unknown local ${idx}`);
    return this.locals[idx];
  }

  /** local.set / local.tee: the local now holds a value until the end of the current block. */
  markSet(idx: number): void {
    if (this.localSet[idx]) return;
    this.localSet[idx] = 1;
    this.initLog.push(idx);
  }

  global(idx: number) {
    if (idx >= this.m.globals.length) throw this.error(`unknown global ${idx}`);
    return this.m.globals[idx];
  }

  /** A table's element type. */
  table(idx: number): ValType {
    if (idx >= this.m.tables.length) throw this.error(`unknown table ${idx}`);
    return this.m.tables[idx].elem;
  }

  memory(idx: number): void {
    if (idx >= this.m.memories.length) throw this.error(`unknown memory ${idx}`);
  }

  /** An element segment's type. */
  elemType(idx: number): ValType {
    if (idx >= this.m.elems.length) throw this.error(`unknown elem segment ${idx}`);
    return this.m.elems[idx].type;
  }

  dataSegment(idx: number): void {
    if (idx >= this.m.datas.length) throw this.error(`unknown data segment ${idx}`);
  }

  tagParams(idx: number): readonly ValType[] {
    if (idx >= this.m.tags.length) throw this.error(`unknown tag ${idx}`);
    const t = this.m.tags[idx];
    if (t >= this.m.types.length) throw this.error(`unknown type ${t}`);
    return this.m.types[t].params;
  }

  typeAt(idx: number): FuncType {
    if (idx >= this.m.types.length) throw this.error(`unknown type ${idx}`);
    return this.m.types[idx];
  }

  /** The type of function `idx`. */
  funcType(idx: number): FuncType {
    return funcType(this.m, idx, this.at);
  }
}
