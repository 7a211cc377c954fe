// Lowers one validated function body to the source of one JS function.
//
// A single forward pass over the instructions, with an operand stack of pending
// expressions (stack.ts) and a stack of control frames; each instruction goes to
// its handler (handlers.ts). The body is trusted to be valid (src/validate ran
// first), so lowering never re-checks types; code after an unconditional
// transfer is skipped without being lowered.
import { ValType, type Func, type FuncType, type Instr } from '../ir.js';
import { OP_INFO, Op, isOpener, opName } from '../opcodes.js';
import { unsupported } from '../errors.js';
import type { Piece } from '../passes/split.js';
import { structureOf, type Structure } from '../passes/structure.js';
import { alignedAccesses } from '../passes/alignment.js';
import { i64SlotLocals } from '../passes/i64-slots.js';
import { ModuleContext, zeroOf } from './context.js';
import type { ModuleDeclarations } from './declarations.js';
import { OperandStack } from './stack.js';
import { emitReturn, type Frame, type Lowering } from './lowering.js';
import { Locals } from './locals.js';
import { Dispatch } from './dispatch.js';
import { MemoryCache } from './memory-bindings.js';
import { HANDLERS, needsTailBlock } from './handlers.js';

/**
 * Opcodes across which forwarded locals stay forwarded (locals.ts): the code
 * after them is reached only from just before them (the entry of a block, if,
 * try or try_table; branches, whose fall-through is the only way on) and they
 * write locals only through local.set/tee. Anything else (a loop header, else,
 * end, a handler, the splitter's pseudo-instructions) stops forwarding; a new
 * opcode stops it until listed.
 */
const FORWARD_THROUGH = new Set<number>([
  Op.Unreachable, Op.Nop, Op.Block, Op.If, Op.Try, Op.Br, Op.BrIf, Op.BrTable, Op.Return,
  Op.Call, Op.CallIndirect, Op.CallRef, Op.Drop, Op.Select, Op.TypedSelect, Op.TryTable,
  Op.LocalGet, Op.LocalSet, Op.LocalTee, Op.GlobalGet, Op.GlobalSet, Op.TableGet, Op.TableSet,
  Op.MemorySize, Op.MemoryGrow, Op.RefNull, Op.RefIsNull, Op.RefFunc,
  Op.MemoryInit, Op.DataDrop, Op.MemoryCopy, Op.MemoryFill,
  Op.TableInit, Op.ElemDrop, Op.TableCopy, Op.TableGrow, Op.TableSize, Op.TableFill,
  // Numeric operators, constants, loads and stores: every row with a fixed signature.
  ...OP_INFO.filter((r) => r?.sig).map((r) => r!.op),
]);

export class FunctionLowering implements Lowering {
  readonly ctx: ModuleContext;
  readonly decls: ModuleDeclarations;
  /** ModuleDeclarations.scratchUses when this function's lowering began. */
  private readonly scratchUsesBefore: number;
  readonly stack = new OperandStack();
  readonly frames: Frame[] = [];
  reachable = true;
  readonly funcIndex: number;
  readonly locals: Locals;
  readonly memory: MemoryCache;
  readonly usesDelegate: boolean;
  readonly tailArities = new Set<number>();
  readonly dispatch: Dispatch | null = null;
  /** Openers of flattened frames (dispatch.ts). */
  private readonly flat: ReadonlySet<Instr>;
  private readonly structure: Structure;
  /** Temporaries the body needs declared (`t`, `mv`, ...). */
  private readonly temps = new Set<string>();
  private labelCounter = 0;
  private handlerCounter = 0;
  /**
   * The module-level `let` caching this function's `$L` array between calls,
   * or undefined (no `$L`, or one array for every call: call-graph.ts). A
   * call takes the cached array and empties the cache, so a nested call of the
   * same function allocates its own; every return puts the array back
   * (returnStatement). A call left by an exception does not, and the next call
   * allocates. `new BigInt64Array(n)` costs ~22 ns per call; in sql.js's
   * workload it was ~2% of all time.
   */
  private readonly lCache: string | undefined;
  /** The JS function's name and Wasm type (a piece of a split function has its own). */
  private readonly name: string;
  private readonly type: FuncType;
  private readonly piece: Piece | undefined;
  private readonly body: Instr[];
  private readonly declared: ValType[];

  constructor(ctx: ModuleContext, decls: ModuleDeclarations, func: Func, body: Instr[], piece?: Piece) {
    this.ctx = ctx;
    this.decls = decls;
    this.piece = piece;
    this.body = body;
    this.funcIndex = func.index;
    this.name = piece ? piece.name : ctx.funcName(func.index);
    this.type = piece ? piece.type : ctx.module.types[func.typeIdx];
    const declared = (this.declared = piece ? piece.locals : func.locals);
    this.stack.indented = ctx.indent;
    this.usesDelegate = body.some((ins) => ins.op === Op.Delegate);
    this.structure = structureOf(body);
    this.flat = flatFrames(body, this.structure, ctx.flatHeight);
    if (this.flat.size > 0) {
      let tries = false;
      for (const ins of this.flat) if (ins.op === Op.Try || ins.op === Op.TryTable) tries = true;
      this.dispatch = new Dispatch(tries);
    }
    this.locals = new Locals(this.type, declared, i64SlotLocals(body, this.type, declared), this.stack);
    this.lCache = this.locals.slots.size > 0 && (piece || !ctx.nonReentrant[func.index]) ? decls.moduleVariable('null') : undefined;
    this.memory = new MemoryCache(decls, this.stack);
    this.scratchUsesBefore = decls.scratchUses;
    for (const ins of body) {
      if (OP_INFO[ins.op]?.access || ins.op === Op.MemorySize || ins.op === Op.MemoryGrow) this.memory.cached.add(ins.mem ?? 0);
    }
    if (this.memory.cached.size > 0) {
      const aligned = alignedAccesses(ctx.module, this.type, declared, body);
      this.memory.aligned = aligned;
      this.memory.typed = aligned.size > 0 && body.every((ins) => !OP_INFO[ins.op]?.access?.store || aligned.has(ins));
    }
  }

  isFlat(ins: Instr): boolean {
    return this.flat.has(ins);
  }

  newHandlerId(): number {
    return this.handlerCounter++;
  }

  newLabel(): string {
    return 'L' + this.labelCounter++;
  }

  frameAt(depth: number): Frame {
    return this.frames[this.frames.length - 1 - depth];
  }

  helper(name: string): string {
    return this.decls.helper(name);
  }

  temp(name: string): string {
    this.temps.add(name);
    return name;
  }

  /**
   * Also gives the `$L` array back to its cache (lCache) once nothing of this
   * call can use it any more.
   */
  returnStatement(value?: string, atomic = false): string {
    const cache = this.lCache;
    if (!cache) return value === undefined ? 'return;' : `return ${value};`;
    if (value === undefined) return `${cache} = $L; return;`;
    // A value that may call anything (this function again included) is computed
    // before the array is released.
    if (atomic) return `${cache} = $L; return ${value};`;
    return `{ const $rv = ${value}; ${cache} = $L; return $rv; }`;
  }

  markUnreachable(): void {
    this.reachable = false;
    this.stack.truncate(this.frames[this.frames.length - 1].height);
  }

  /** The JS function's source. */
  lower(): string {
    const body = this.body;
    const st = this.stack;
    const structure = this.structure;
    this.frames.push({
      kind: 'func', label: '', height: 0, params: 0, results: this.type.results.length,
      branched: false, openLine: -1, openIndent: 1, openText: '', elseSeen: false,
      enteredReachable: true, thenEndReachable: false,
    });
    const tailBlock = needsTailBlock(body, this.dispatch?.hasTry ?? false);
    if (tailBlock) {
      st.emit('$tail: {');
      st.indent++;
    }
    if (this.dispatch) this.openDispatch(this.dispatch);
    for (let i = 0; i < body.length; i++) {
      const ins = body[i];
      const op = ins.op;
      st.offset = ins.offset;
      if (!this.reachable) {
        // Unreachable code is skipped, whole frames at once; a separator or
        // closer of the current frame may make code reachable again.
        if (isOpener(op)) {
          i = structure.endOf[i];
          continue;
        }
        if (!OP_INFO[op]?.separates && !OP_INFO[op]?.closes) continue;
      }
      if (op === Op.End && this.frames.length === 1) {
        // The function's own end: return its results.
        if (this.reachable) emitReturn(this);
        this.frames.pop();
        break;
      }
      const h = HANDLERS[op];
      if (!h) throw unsupported(ins.offset, opName(op));
      if (this.locals.forwarding && !FORWARD_THROUGH.has(op)) this.locals.forget();
      h(this, ins);
    }
    if (this.dispatch) this.closeDispatch(this.dispatch);
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
    return [`function ${this.name}(${this.paramNames().join(', ')}) {`, ...this.header(), ...st.lines, '}'].join('\n');
  }

  /** The locals some instruction of the body reads or writes. */
  private usedLocals(): Set<number> {
    const used = new Set<number>();
    for (const ins of this.body) {
      if (ins.op === Op.LocalGet || ins.op === Op.LocalSet || ins.op === Op.LocalTee) used.add(ins.index!);
      else if (ins.outline) {
        for (const l of ins.outline.args ?? []) used.add(l);
        for (const l of ins.outline.writes ?? []) used.add(l);
      }
    }
    return used;
  }

  /** The start of the dispatch loop of a function with flattened frames (dispatch.ts). */
  private openDispatch(d: Dispatch): void {
    const st = this.stack;
    this.temp('$t');
    if (d.hasTry) this.temp('$h');
    st.emit(d.hasTry ? '$t = 0; $h = -1;' : '$t = 0;');
    st.emit('$D: for (;;) {');
    st.indent++;
    if (d.hasTry) {
      st.emit('try {');
      st.indent++;
    }
    st.emit('switch ($t) {');
    st.emit('case 0:');
    st.indent++;
  }

  /**
   * The end of the dispatch loop: with flat tries, its catch routes what is
   * caught by the handler watching where it was thrown (`$h`).
   */
  private closeDispatch(d: Dispatch): void {
    const st = this.stack;
    st.indent--;
    st.emit('}');
    if (d.hasTry) {
      st.indent--;
      st.emit('} catch ($c) {');
      st.indent++;
      st.emit(`if (${this.helper('uncatchable')}($c)) throw $c;`);
      if (this.usesDelegate) {
        // A delegation from a try lowered as a JS try, to a flat one.
        const dg = this.temp('$dg');
        st.emit(`if (${dg} !== undefined) { $h = ${dg}; ${dg} = undefined; }`);
      }
      if (!this.ctx.memoryStable[this.funcIndex]) this.memory.refresh();
      st.emit('$H: for (;;) switch ($h) {');
      for (const r of d.routes) {
        for (let i = 0; i < r.lines.length; i++) {
          st.offset = r.offsets[i];
          st.emit(r.lines[i].trimStart());
        }
      }
      st.emit('default: throw $c;');
      st.emit('}');
      st.indent--;
      st.emit('}');
    }
    st.indent--;
    st.emit('}');
  }

  /**
   * A piece's i64 parameters arrive in the wide slots (outline.ts), not as JS
   * arguments: a BigInt argument is boxed by the caller.
   */
  private wideParam(i: number): boolean {
    return this.piece !== undefined && this.type.params[i] === ValType.I64;
  }

  private paramNames(): string[] {
    const names: string[] = [];
    for (let i = 0; i < this.type.params.length; i++) if (!this.wideParam(i)) names.push('l' + i);
    return names;
  }

  /** Declarations of locals, slots and temporaries, cached memory bindings and `$L`. */
  private header(): string[] {
    const np = this.type.params.length;
    const slots = this.locals.slots;
    const paramCode = (i: number) => (this.wideParam(i) ? this.decls.wideSlot(i) : 'l' + i);
    const decls: string[] = [];
    for (let i = 0; i < np; i++) if (this.wideParam(i) && !slots.has(i)) decls.push(`l${i} = ${paramCode(i)}`);
    // A declared local no instruction touches is not declared in JS: every
    // binding is a slot of the interpreter's frame, and frames bound how deep
    // a recursion goes.
    const used = this.usedLocals();
    for (let i = np; i < np + this.declared.length; i++) {
      if (!slots.has(i) && used.has(i)) decls.push(`l${i} = ${zeroOf(this.locals.type(i))}`);
    }
    for (const slot of this.locals.forwardSlots) decls.push('$F' + slot);
    for (let k = 0; k <= this.stack.maxSlotUsed; k++) decls.push('s' + k);
    for (const t of this.temps) decls.push(t);
    const head: string[] = [];
    // Long declaration lists are split so no single line grows without bound.
    for (let i = 0; i < decls.length; i += 64) head.push(`  let ${decls.slice(i, i + 64).join(', ')};`);
    head.push(...this.memory.finish());
    if (this.decls.scratchUses !== this.scratchUsesBefore) head.push(`  ${this.decls.scratchBindings()}`);
    if (slots.size > 0) {
      const array = `new BigInt64Array(${slots.size})`;
      if (this.lCache) {
        // A cached array holds the last call's values: zero the locals.
        head.push(`  const $L = ${this.lCache} ?? ${array}; ${this.lCache} = null;`);
      } else {
        // Never entered twice at once (call-graph.ts): one array for every call,
        // its locals zeroed on entry as a fresh one would be.
        head.push(`  const $L = ${this.decls.moduleBinding(array)};`);
      }
      for (const [local, slot] of slots) head.push(`  $L[${slot}] = ${local < np ? paramCode(local) : '0n'};`);
    }
    return head;
  }

  /** Lines of the body with their Wasm offsets (for the source map), valid after lower(). */
  get lineOffsets(): number[] {
    return this.stack.offsets;
  }
}

/**
 * The openers of the frames to flatten (dispatch.ts): those with more than
 * `flatHeight` levels of frames inside them, itself included. Their enclosing
 * frames have more still, so flat frames are only ever inside flat frames.
 */
function flatFrames(body: Instr[], s: Structure, flatHeight: number): Set<Instr> {
  const flat = new Set<Instr>();
  if (s.maxDepth <= flatHeight) return flat;
  // Heights bottom-up: a frame's children come after it in the body.
  const height = new Int32Array(body.length);
  for (let i = body.length - 1; i >= 0; i--) {
    if (!isOpener(body[i].op)) continue;
    height[i] = Math.max(height[i], 1);
    const p = s.parent[i];
    if (p >= 0 && height[p] < height[i] + 1) height[p] = height[i] + 1;
    if (height[i] > flatHeight) flat.add(body[i]);
  }
  return flat;
}
