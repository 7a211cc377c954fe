// What an opcode handler programs against: the interface of one function being
// lowered, and the emit helpers several concerns share (returns, frames,
// branches). This module is a leaf of codegen: it imports no handler file, and
// every handler file imports only it (and the other leaves: stack.ts,
// context.ts). handlers.ts is the one module that imports the handler files;
// function.ts implements Lowering and drives the table. So the import graph of
// codegen is a DAG and any handler file can be loaded (and tested) alone.
import type { Instr, ValType } from '../ir.js';
import type { ModuleContext } from './context.js';
import type { ModuleDeclarations } from './declarations.js';
import { Flag, type OperandStack } from './stack.js';
import { caseLabel, currentHandler, jump, type Dispatch } from './dispatch.js';

/** Lowers one instruction. */
export type Handler = (lw: Lowering, ins: Instr) => void;

export type FrameKind = 'func' | 'block' | 'loop' | 'if' | 'try_table' | 'try' | 'catch';

/** Closes a frame of a kind owned by one concern (the `end` handler calls it). */
export type FrameCloser = (lw: Lowering, f: Frame, endReachable: boolean) => void;

export interface Frame {
  kind: FrameKind;
  label: string;
  /** Operand stack height below the frame's parameters. */
  height: number;
  params: number;
  results: number;
  /** Some branch targets this frame. */
  branched: boolean;
  /** Placeholder line of the opening statement, and its indentation. */
  openLine: number;
  openIndent: number;
  /** if: the `if (...) {` text, prefixed by the label at `end` when branched. */
  openText: string;
  elseSeen: boolean;
  enteredReachable: boolean;
  /** if with else: whether the then-branch could fall through. */
  thenEndReachable: boolean;
  /** Frames of other concerns (exceptions) close themselves: see FrameCloser. */
  close?: FrameCloser;
  /** A frame lowered into the function's dispatch loop (dispatch.ts). */
  flat?: FlatFrame;
  /** Data of the concern that opened the frame. */
  extra?: unknown;
}

/** A frame flattened into the dispatch loop (dispatch.ts). */
export interface FlatFrame {
  /** The case a branch to the frame continues at: a block's, if's or try's end, a loop's start. */
  target: number;
  /** if: the case of its else arm (with no else, the false path's way to its end). */
  elseCase?: number;
  /** try_table and legacy try: the handler id routing the exceptions of its body. */
  handler?: number;
  /** The handler watching the code around the frame (-1: none in this function). */
  outer: number;
}

/**
 * The storage of the function's Wasm locals: plain `let` bindings `l<i>`, or
 * for i64 locals carried across joins, elements of a per-call BigInt64Array
 * (function.ts explains why). Every read and write goes through here.
 */
export interface LocalStorage {
  /** The Wasm type of local i (parameters first). */
  type(i: number): ValType;
  /** JS code naming local i's storage (for copies that bypass forwarding: the splitter's pieces). */
  place(i: number): string;
  /** JS code reading local i (may emit a load into a forwarding binding first). */
  read(i: number): string;
  /** A statement writing `value` to local i. */
  write(i: number, value: string): string;
}

/**
 * The function's cached memory bindings: each memory's DataView `D<i>` and
 * typed views `V<key>` live in locals, re-read wherever memory may have grown.
 */
export interface MemoryBindings {
  /** Memories the function accesses (and caches). */
  readonly cached: ReadonlySet<number>;
  /** Loads and stores whose address is a multiple of their size (passes/alignment.ts). */
  readonly aligned: ReadonlySet<Instr>;
  /** Whether every store is proven aligned: then accesses use typed views (memory.ts). */
  readonly typed: boolean;
  /** The local holding typed view `kind` of memory `mem`. */
  view(mem: number, kind: string): string;
  /** Re-read the cached bindings (after anything that may have grown memory). */
  refresh(): void;
}

export interface Lowering {
  readonly ctx: ModuleContext;
  /** Where module- and instance-level declarations the code needs are added. */
  readonly decls: ModuleDeclarations;
  readonly stack: OperandStack;
  readonly frames: Frame[];
  /** Whether the code being lowered is reachable. */
  reachable: boolean;
  /** Index of the function being lowered (a piece of a split function: the function it was cut from). */
  readonly funcIndex: number;
  readonly locals: LocalStorage;
  readonly memory: MemoryBindings;
  /** The body contains a legacy `delegate` (handlers must check delegations: legacy.ts). */
  readonly usesDelegate: boolean;
  /** Argument counts of tail calls that leave through `$tail` (tailcalls.ts). */
  readonly tailArities: Set<number>;
  /** The dispatch loop of a function with flattened frames (dispatch.ts), or null. */
  readonly dispatch: Dispatch | null;
  /** Whether the frame an opener (block, loop, if, try, try_table) opens is flattened. */
  isFlat(ins: Instr): boolean;
  /** A runtime helper by name, bound as `$name` in the module scope. */
  helper(name: string): string;
  /** A function-level temporary, declared once. */
  temp(name: string): string;
  newLabel(): string;
  /** A fresh id for an exception handler (delegation target). */
  newHandlerId(): number;
  /** The frame `depth` labels out from the innermost. */
  frameAt(depth: number): Frame;
  markUnreachable(): void;
  /**
   * A statement returning `value` (JS code; none for no results). `atomic`:
   * the value is a name or a literal, whose evaluation cannot call anything.
   */
  returnStatement(value?: string, atomic?: boolean): string;
}

/** Return the function's results from the top of the stack. */
export function emitReturn(lw: Lowering): void {
  const st = lw.stack;
  const n = lw.frames[0].results;
  // Values below the results are discarded, but their effects must still happen.
  st.flushForStatement(false, n);
  if (n === 0) st.emit(lw.returnStatement());
  else if (n === 1) st.emit(lw.returnStatement(st.value(st.peek()), st.isAtom(st.peek())));
  else {
    const vals: string[] = [];
    for (let i = n - 1; i >= 0; i--) vals.push(st.value(st.peek(i)));
    st.emit(lw.returnStatement(resultsArray(vals)));
  }
}

/**
 * The array a function with several results returns. It ends in a constant
 * null, never read (callers index the results): with only computed elements, V8
 * may build the literal with unboxed double elements first (it depends on the
 * allocation site's feedback), which quiets or canonicalizes a NaN among the
 * values even when a BigInt follows; the constant makes the elements tagged
 * from the start, so f32/f64 NaN bits survive the return as the spec requires.
 */
export function resultsArray(values: string[]): string {
  return `[${values.join(', ')}, null]`;
}

/**
 * Open a frame for a block-like instruction whose params are on the stack. A
 * flat frame (`flat`, dispatch.ts) opens no JS statement: a loop's start is a
 * case label, the rest is up to the caller.
 */
export function openFrame(lw: Lowering, kind: FrameKind, ins: Instr, openText = '', flat?: FlatFrame): Frame {
  const st = lw.stack;
  const t = ins.type!;
  const height = st.height - t.params.length;
  for (let i = 0; i < t.params.length; i++) {
    st.forceSlot(height + i);
    // A loop's back-edges refill these slots with other values: nothing is known of them.
    st.entries[height + i].flags &= ~Flag.Canon;
  }
  const f: Frame = {
    kind, label: flat ? '' : lw.newLabel(), height, params: t.params.length, results: t.results.length,
    branched: false, openLine: -1, openIndent: st.indent, openText, elseSeen: false,
    enteredReachable: lw.reachable, thenEndReachable: false, flat,
  };
  if (flat) {
    if (kind === 'loop') caseLabel(lw, flat.target);
  } else {
    f.openLine = openText ? st.emit(openText) : st.placeholder();
    st.indent++;
  }
  lw.frames.push(f);
  return f;
}

/** Put the frame's results into their slots if the current point falls through. */
export function settleResults(lw: Lowering, f: Frame): void {
  if (!lw.reachable) return;
  for (let i = 0; i < f.results; i++) lw.stack.forceSlot(f.height + i);
}

/** Whether code after the frame's `end` is reachable. */
export function reachableAfter(f: Frame, endReachable: boolean): boolean {
  if (f.kind === 'loop') return endReachable;
  if (endReachable || f.branched) return true;
  // Legacy try: some part (body or a handler) fell through.
  if (f.kind === 'try' || f.kind === 'catch') return f.thenEndReachable;
  if (f.kind === 'if') return f.elseSeen ? f.thenEndReachable : f.enteredReachable;
  return false;
}

/** After a frame closed: its results sit in their slots. */
export function resumeAfter(lw: Lowering, f: Frame, reachable: boolean): void {
  const st = lw.stack;
  st.truncate(f.height);
  lw.reachable = reachable;
  if (reachable) for (let i = 0; i < f.results; i++) st.pushSlot(f.height + i);
}

/** Jump to the frame `depth` out, carrying its values. Leaves the stack as is. */
export function branchTo(lw: Lowering, depth: number): void {
  const f = lw.frameAt(depth);
  if (f.kind === 'func') {
    emitReturn(lw);
    return;
  }
  const st = lw.stack;
  const n = f.kind === 'loop' ? f.params : f.results;
  st.moveTopTo(f.height, n);
  f.branched = true;
  if (f.flat) jump(lw, f.flat.target, f.flat.outer);
  else st.emit(f.kind === 'loop' ? `continue ${f.label};` : `break ${f.label};`);
}

/**
 * A branch from code that has no operand stack of its own (a catch block) to
 * the frame `depth` out, carrying `values` (JS code) into the frame's slots.
 */
export function branchWithValues(lw: Lowering, depth: number, values: string[], routing = false): void {
  const st = lw.stack;
  const target = lw.frameAt(depth);
  if (target.kind === 'func') {
    if (values.length === 0) st.emit(lw.returnStatement());
    else if (values.length === 1) st.emit(lw.returnStatement(values[0]));
    else st.emit(lw.returnStatement(resultsArray(values)));
    return;
  }
  values.forEach((v, i) => st.writeSlot(target.height + i, v));
  target.branched = true;
  // From a dispatch's routing code the handler is always set (it is the try's own there).
  if (target.flat) jump(lw, target.flat.target, target.flat.outer, routing || undefined);
  else st.emit(target.kind === 'loop' ? `continue ${target.label};` : `break ${target.label};`);
}

/**
 * An operation lowered to a call of runtime code with its operands in Wasm
 * order: an expression when it has a result, else a statement.
 */
export function helperCall(make: (lw: Lowering, ins: Instr, args: string[]) => string, arity: number, result: boolean): Handler {
  return (lw, ins) => {
    const st = lw.stack;
    if (!result) st.flushForStatement(false, arity);
    const ops = st.popN(arity);
    const code = make(lw, ins, ops.map((e) => st.value(e)));
    if (result) st.pushFrom(`(${code})`, ops, Flag.State | Flag.Effect);
    else st.emit(`${code};`);
  };
}
