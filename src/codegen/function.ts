// Lowers one validated function body to the source of one JS function.
//
// A single forward pass over the instructions, with an operand stack of pending
// expressions (stack.ts) and a stack of control frames. The body is trusted to be
// valid (src/validate ran first), so lowering never re-checks types; code after an
// unconditional transfer is skipped without being lowered.
import type { Func, FuncType, Instr } from '../ir.js';
import { ValType } from '../ir.js';
import { ModuleContext, zeroOf } from './context.js';
import { OperandStack } from './stack.js';
import { controlHandlers, type Frame } from './control.js';
import { numericHandlers } from './numeric.js';
import { memoryHandlers } from './memory.js';
import { variableHandlers } from './variables.js';
import { callHandlers } from './calls.js';
import { tableHandlers } from './tables.js';
import { exceptionHandlers, closeExceptionFrame } from './exceptions.js';
import { unsupported } from '../errors.js';
import { Op } from '../opcodes.js';
import { tailCallHandlers, needsTailBlock } from './tailcalls.js';
import { outlineHandlers } from './outline.js';
import type { Piece } from './split.js';
import { Liveness, frameStructure, isOpener } from './liveness.js';
import { alignedAccesses } from './alignment.js';

export type Handler = (fl: FunctionLowering, ins: Instr) => void;

/** Opcode -> handler. One table, filled by the per-concern modules. */
const handlers = new Map<number, Handler>();
for (const table of [controlHandlers, numericHandlers, memoryHandlers, variableHandlers, callHandlers, tableHandlers, exceptionHandlers, tailCallHandlers, outlineHandlers]) {
  for (const [op, h] of table) handlers.set(op, h);
}

/** Opcodes that end or split a frame. */
const SPLITTERS = new Set([0x05, 0x07, 0x19, 0x18]);
/**
 * Opcodes across which forwarded locals stay forwarded (FunctionLowering's
 * `forwarded`): the code after them is reached only from just before them (the
 * entry of a block, if, try or try_table; branches, whose fall-through is the
 * only way on) and they write locals only through local.set/tee. Anything else
 * (a loop header, else, end, a handler, the splitter's pseudo-instructions)
 * stops forwarding; a new opcode stops it until listed.
 */
const FORWARD_THROUGH = new Set<number>([
  0x00, 0x01, 0x02, 0x04, 0x06, 0x0c, 0x0d, 0x0e, 0x0f, 0x10, 0x11, 0x14, 0x1a, 0x1b, 0x1c, 0x1f,
  0x20, 0x21, 0x22, 0x23, 0x24, 0x25, 0x26,
  ...Array.from({ length: 0xc4 - 0x28 + 1 }, (_, k) => 0x28 + k),
  0xd0, 0xd1, 0xd2,
  ...Array.from({ length: 0x12 }, (_, k) => Op.I32TruncSatF32S + k),
]);

export class FunctionLowering {
  readonly ctx: ModuleContext;
  readonly func: Func;
  readonly stack = new OperandStack();
  readonly frames: Frame[] = [];
  /** Whether the code being lowered is reachable. */
  reachable = true;
  private labelCounter = 0;
  /** Temporaries the body needs declared (`t`, `mv`, ...). */
  readonly temps = new Set<string>();
  /** The body contains a legacy `delegate` (handlers must check delegations: legacy.ts). */
  usesDelegate = false;
  /**
   * i64 locals kept in a per-call BigInt64Array `$L` (local index -> slot), in
   * functions with loops: V8 boxes a BigInt that lives across a loop back-edge on
   * every iteration, but keeps raw 64-bit values for typed-array elements (~3x
   * faster mixing loops, docs/performance.md). Empty: plain `let` locals.
   */
  readonly i64Slots = new Map<number, number>();
  /**
   * `$L` locals whose current value is also in a plain binding `$F<slot>` (set
   * by local.set/tee since the last control-flow boundary). Reads use the
   * binding: a value read back from the typed array right after being stored
   * waits for the store (a chain of updates to one local went through memory
   * at every step), while the binding stays a raw 64-bit register in V8.
   * Every write updates both, so the binding is exact wherever the path to it
   * loaded or wrote it; the set is emptied where another path may arrive
   * without having done so (else, a handler, an end: FORWARD_THROUGH), and at
   * loop headers, where a binding live around the back-edge would be boxed.
   * i64mix: 7.2x -> 6.2x native, together with `joinCarried`.
   */
  private readonly forwarded = new Set<number>();
  /** Slots that were ever forwarded: their `$F<slot>` bindings are declared. */
  private readonly forwardSlots = new Set<number>();
  /**
   * Memories whose DataView this function keeps in a local `D<i>` (reading the
   * instance's binding on every access measured ~1.8x slower in memory loops). The locals are refreshed wherever memory may have
   * grown: after calls and memory.grow, and on entry to exception handlers.
   */
  readonly cachedMems = new Set<number>();
  /** Typed memory views this function keeps in locals `V<key>`, refreshed with `D<i>` (memory.ts). */
  readonly cachedViews = new Set<string>();
  /** Loads and stores whose address is a multiple of their size (alignment.ts). */
  alignedAccesses: Set<Instr> = new Set();
  /** Whether every store of the body is proven aligned: then accesses use typed views (memory.ts typedElement). */
  typedMemory = false;
  /** Lines that refresh the `D<i>` locals (refreshMemories). */
  private readonly refreshLines: number[] = [];
  /**
   * The module-level `let` caching this function's `$L` array between calls,
   * or undefined (no `$L`, or one array for every call: call-graph.ts). A
   * call takes the cached array and empties the cache, so a nested call of the
   * same function allocates its own; every return puts the array back
   * (returnStatement). A call left by an exception does not, and the next call
   * allocates. `new BigInt64Array(n)` costs ~22 ns per call; in sql.js's
   * workload it was ~2% of all time.
   */
  private lCache: string | undefined;
  /** Argument counts of tail calls that leave through `$tail` (tailcalls.ts). */
  readonly tailArities = new Set<number>();
  private handlerCounter = 0;
  /** The JS function's name, Wasm type and declared locals (a piece of a split function has its own). */
  readonly name: string;
  readonly type: FuncType;
  readonly locals: ValType[];

  /** Set when lowering a piece of a split function (split.ts). */
  readonly piece: Piece | undefined;

  constructor(ctx: ModuleContext, func: Func, piece?: Piece) {
    this.ctx = ctx;
    this.func = func;
    this.piece = piece;
    this.name = piece ? piece.name : ctx.funcName(func.index);
    this.type = piece ? piece.type : ctx.module.types[func.typeIdx];
    this.locals = piece ? piece.locals : func.locals;
    this.stack.indented = ctx.indent;
  }

  /** A fresh id for an exception handler (delegation target). */
  newHandlerId(): number {
    return this.handlerCounter++;
  }

  newLabel(): string {
    return 'L' + this.labelCounter++;
  }

  /** The frame `depth` labels out from the innermost. */
  frameAt(depth: number): Frame {
    return this.frames[this.frames.length - 1 - depth];
  }

  /** Re-read the cached memory bindings (after anything that may have grown memory). */
  refreshMemories(): void {
    for (const i of this.cachedMems) this.stack.emit(`D${i} = d${i};`);
    // Typed views are found while lowering: lower() appends their refreshes here.
    if (this.cachedMems.size > 0) this.refreshLines.push(this.stack.lines.length - 1);
  }

  /** The local holding typed view `kind` of memory `mem` (memory.ts VIEWS). */
  memView(mem: number, kind: string): string {
    const key = `${mem}_${kind}`;
    this.cachedViews.add(key);
    this.ctx.memViews.add(key);
    return 'V' + key;
  }

  /** The Wasm type of local i (parameters first). */
  localType(i: number): ValType {
    const np = this.type.params.length;
    return i < np ? this.type.params[i] : this.locals[i - np];
  }

  /** JS code naming Wasm local i's storage (a `let` binding, or its `$L` element). */
  local(i: number): string {
    const slot = this.i64Slots.get(i);
    return slot === undefined ? 'l' + i : `$L[${slot}]`;
  }

  /**
   * JS code reading Wasm local i. A `$L` local is read through its `$F`
   * binding, loaded first if it is not forwarded yet: a second read in the same
   * straight-line code then costs no memory access. Loading early is exact: a
   * pending read of the local is evaluated before any later write to it.
   */
  localRead(i: number): string {
    const slot = this.i64Slots.get(i);
    if (slot === undefined) return 'l' + i;
    if (!this.forwarded.has(i)) {
      this.stack.emit(`$F${slot} = $L[${slot}];`);
      this.forwarded.add(i);
      this.forwardSlots.add(slot);
    }
    return `$F${slot}`;
  }

  /** Statement code writing `value` to local i (forwarding a `$L` local: see `forwarded`). */
  writeLocal(i: number, value: string): string {
    const slot = this.i64Slots.get(i);
    if (slot === undefined) return `l${i} = ${value};`;
    this.forwarded.add(i);
    this.forwardSlots.add(slot);
    return `$L[${slot}] = ($F${slot} = ${value});`;
  }

  /** Stop forwarding: code from here on may be reached from elsewhere. */
  forgetForwarding(): void {
    this.forwarded.clear();
  }

  helper(name: string): string {
    return this.ctx.helper(name);
  }

  temp(name: string): string {
    this.temps.add(name);
    return name;
  }

  /**
   * A statement returning `value` (JS code; none for no results), which first
   * gives the `$L` array back to its cache (lCache) once nothing of this call
   * can use it any more.
   */
  returnStatement(value?: string): string {
    const cache = this.lCache;
    if (!cache) return value === undefined ? 'return;' : `return ${value};`;
    if (value === undefined) return `${cache} = $L; return;`;
    // A value that may call anything (this function again included) is computed
    // before the array is released.
    if (/^[\w$.-]+$/.test(value)) return `${cache} = $L; return ${value};`;
    return `{ const $rv = ${value}; ${cache} = $L; return $rv; }`;
  }

  /** `end` of a frame kind owned by another concern (exception frames). */
  closeSpecial(f: Frame, endReachable: boolean): void {
    closeExceptionFrame(this, f, endReachable);
  }

  markUnreachable(): void {
    this.reachable = false;
    this.stack.truncate(this.frames[this.frames.length - 1].height);
  }

  lower(body: Instr[]): string {
    const type = this.type;
    const np = type.params.length;
    const st = this.stack;
    this.frames.push({
      kind: 'func', label: '', height: 0, params: 0, results: type.results.length,
      branched: false, openLine: -1, openIndent: 1, openText: '', elseSeen: false,
      enteredReachable: true, thenEndReachable: false,
    });
    this.usesDelegate = body.some((ins) => ins.op === 0x18);
    for (const ins of body) {
      if (ins.op >= 0x28 && ins.op <= 0x40) this.cachedMems.add(ins.mem ?? 0);
    }
    if (this.cachedMems.size > 0) {
      this.alignedAccesses = alignedAccesses(this.ctx.module, type, this.locals, body);
      this.typedMemory = this.alignedAccesses.size > 0 && body.every((ins) => ins.op < 0x36 || ins.op > 0x3e || this.alignedAccesses.has(ins));
    }
    if (loopsMixI64(body)) {
      const all = [...type.params, ...this.locals];
      const carried = joinCarried(body, all.length);
      all.forEach((t, i) => {
        if (t === ValType.I64 && carried.has(i)) this.i64Slots.set(i, this.i64Slots.size);
      });
      if (this.i64Slots.size > 0 && (this.piece || !this.ctx.nonReentrant[this.func.index])) {
        this.lCache = this.ctx.moduleVariable('null');
      }
    }
    const tailBlock = needsTailBlock(body);
    if (tailBlock) {
      st.emit('$tail: {');
      st.indent++;
    }
    let skip = 0;
    for (let i = 0; i < body.length; i++) {
      const ins = body[i];
      const op = ins.op;
      st.offset = ins.offset;
      if (!this.reachable) {
        if (isOpener(op)) {
          skip++;
          continue;
        }
        if (op === 0x0b || op === 0x18) {
          if (skip > 0) {
            skip--;
            continue;
          }
        } else if (SPLITTERS.has(op)) {
          if (skip > 0) continue;
        } else {
          continue;
        }
      }
      if (op === 0x0b && this.frames.length === 1) {
        // The function's own end: return its results.
        if (this.reachable) emitReturn(this);
        this.frames.pop();
        break;
      }
      const h = handlers.get(op);
      if (!h) throw unsupported(ins.offset, `opcode 0x${op.toString(16)}`);
      if (this.forwarded.size > 0 && !FORWARD_THROUGH.has(op)) this.forgetForwarding();
      h(this, ins);
    }

    if (tailBlock) {
      st.indent--;
      st.emit('}');
      if (this.tailArities.size > 0) {
        st.emit('switch ($tk) {');
        for (const n of this.tailArities) {
          const args = Array.from({ length: n }, (_, i) => '$a' + i).join(', ');
          st.emit(`  case ${n}: return $tf(${args});`);
        }
        st.emit('}');
      }
    }
    const name = this.name;
    // A piece's i64 parameters arrive in the wide slots (outline.ts), not as
    // JS arguments: a BigInt argument is boxed by the caller.
    const wideParam = (i: number) => this.piece !== undefined && type.params[i] === ValType.I64;
    const paramCode = (i: number) => (wideParam(i) ? this.ctx.wideSlot(i) : 'l' + i);
    const params = Array.from({ length: np }, (_, i) => 'l' + i).filter((_, i) => !wideParam(i));
    const head: string[] = [];
    const decls: string[] = [];
    for (let i = 0; i < np; i++) if (wideParam(i) && !this.i64Slots.has(i)) decls.push(`l${i} = ${paramCode(i)}`);
    this.locals.forEach((t, i) => {
      if (!this.i64Slots.has(np + i)) decls.push(`l${np + i} = ${zeroOf(t)}`);
    });
    for (const slot of this.forwardSlots) decls.push('$F' + slot);
    for (let k = 0; k <= st.maxSlotUsed; k++) decls.push('s' + k);
    for (const t of this.temps) decls.push(t);
    // Long declaration lists are split so no single line grows without bound.
    for (let i = 0; i < decls.length; i += 64) head.push(`  let ${decls.slice(i, i + 64).join(', ')};`);
    for (const i of this.cachedMems) head.push(`  let D${i} = d${i};`);
    for (const k of this.cachedViews) head.push(`  let V${k} = v${k};`);
    if (this.cachedViews.size > 0) {
      const refresh = [...this.cachedViews].map((k) => ` V${k} = v${k};`).join('');
      for (const line of this.refreshLines) st.lines[line] += refresh;
    }
    if (this.i64Slots.size > 0) {
      const array = `new BigInt64Array(${this.i64Slots.size})`;
      if (this.lCache) {
        // A cached array holds the last call's values: zero the locals.
        head.push(`  const $L = ${this.lCache} ?? ${array}; ${this.lCache} = null;`);
        for (const [local, slot] of this.i64Slots) head.push(`  $L[${slot}] = ${local < np ? paramCode(local) : '0n'};`);
      } else {
        // Never entered twice at once (call-graph.ts): one array for every call,
        // its locals zeroed on entry as a fresh one would be.
        head.push(`  const $L = ${this.ctx.moduleBinding(array)};`);
        for (const [local, slot] of this.i64Slots) head.push(`  $L[${slot}] = ${local < np ? paramCode(local) : '0n'};`);
      }
    }
    return [`function ${name}(${params.join(', ')}) {`, ...head, ...st.lines, '}'].join('\n');
  }

  /** Lines of the body with their Wasm offsets (for the source map), valid after lower(). */
  get lineOffsets(): number[] {
    return this.stack.offsets;
  }
}

/**
 * Whether some loop computes on i64 values (arithmetic, shifts, bit ops): then
 * i64 locals live in `$L` (see i64Slots). Loops that only move i64 values
 * through memory do not pay for allocating it on every call.
 */
function loopsMixI64(body: Instr[]): boolean {
  let depth = 0;
  const loopAt: boolean[] = [];
  let loops = 0;
  for (const ins of body) {
    const op = ins.op;
    if (isOpener(op)) {
      loopAt[depth++] = op === 0x03;
      if (op === 0x03) loops++;
    } else if (op === 0x0b || op === 0x18) {
      if (depth > 0 && loopAt[--depth]) loops--;
    } else if (loops > 0 && op >= 0x7c && op <= 0x8a) {
      return true;
    }
  }
  return false;
}

/**
 * Locals live where control paths join: loop headers, the ends of ifs and of
 * branched-to blocks, handlers (Liveness.joins). V8 merges a BigInt there in a
 * phi and boxes it, on every pass (measured: an if/else merge ~3.9 ns per
 * value against ~1.2 ns for a typed-array slot); the others are written and
 * read within straight-line code and stay plain bindings. Also for split
 * bodies and pieces: liveness.ts models the splitter's pseudo-instructions.
 */
function joinCarried(body: Instr[], nLocals: number): Set<number> {
  const frames = frameStructure(body);
  const live = new Liveness(body, nLocals, frames!.endOf, frames!.seps);
  const carried = new Set<number>();
  for (let p = 0; p <= body.length; p++) {
    if (!live.joins[p]) continue;
    for (let l = 0; l < nLocals; l++) if (live.liveAt(p, l)) carried.add(l);
  }
  return carried;
}

/** Return the function's results from the top of the stack. */
export function emitReturn(fl: FunctionLowering): void {
  const st = fl.stack;
  const n = fl.frames[0].results;
  // Values below the results are discarded, but their effects must still happen.
  st.flushForStatement(false, n);
  if (n === 0) st.emit(fl.returnStatement());
  else if (n === 1) st.emit(fl.returnStatement(st.value(st.peek())));
  else {
    const vals: string[] = [];
    for (let i = n - 1; i >= 0; i--) vals.push(st.value(st.peek(i)));
    st.emit(fl.returnStatement(resultsArray(vals)));
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

