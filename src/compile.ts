// The pipeline: decode -> validate -> lower each function -> assemble.
// Functions are decoded, validated and lowered one at a time, so memory follows
// the largest function, not the whole code section.
import { INDENT_MAX_CODE, OUTPUT_FORMATS, RUNTIME_MODES, type CompileOptions, type CompileResult } from './api.js';
import { decodeModule } from './binary/module.js';
import { decodeBody, scanBody } from './binary/code.js';
import { validateModule } from './validate/module.js';
import { validateFunction } from './validate/func.js';
import { ModuleContext } from './codegen/context.js';
import { ModuleDeclarations } from './codegen/declarations.js';
import { FunctionLowering } from './codegen/function.js';
import { emitLazyFactory, emitModule, type LoweredFunction } from './emit/module.js';
import { emitChunk } from './emit/lazy.js';
import { moduleDeclarations } from './emit/dts.js';
import { callGraphFacts } from './passes/call-graph.js';
import { splitFunction, DEFAULT_SPLIT, type Piece, type SplitSizes } from './passes/split.js';
import type { CallGraphFacts } from './passes/call-graph.js';
import { inlineCyclePartner, inlineSelfCalls } from './passes/inline.js';
import { coalesceLocals } from './passes/coalesce.js';
import { lowerModuleTypes, lowerSimd, moduleHasV128, needsSimdLowering } from './passes/simd.js';
import { Op } from './opcodes.js';
import { ValType, type Func, type FuncType, type Instr, type Module } from './ir.js';

/**
 * Decodes and validates a whole module without lowering it (what
 * `WebAssembly.validate` asks); throws the CompileError compile() would.
 */
export function validateBinary(bytes: Uint8Array): void {
  const m = decodeModule(bytes);
  validateModule(m);
  for (const f of m.funcs) validateFunction(m, f, decodeBody(m, f));
}

export function compile(bytes: Uint8Array, options: CompileOptions = {}): CompileResult {
  if (!(bytes instanceof Uint8Array)) throw new TypeError('compile: expected a Uint8Array');
  if (options.format !== undefined && !OUTPUT_FORMATS.includes(options.format)) {
    throw new TypeError(`compile: format must be one of ${OUTPUT_FORMATS.join(', ')}, got ${JSON.stringify(String(options.format))}`);
  }
  if (options.runtime !== undefined && !RUNTIME_MODES.includes(options.runtime)) {
    throw new TypeError(`compile: runtime must be one of ${RUNTIME_MODES.join(', ')}, got ${JSON.stringify(String(options.runtime))}`);
  }
  if (options.runtime !== undefined && options.format === 'factory') throw new TypeError("compile: runtime is for format 'esm' (a factory is given its runtime)");
  const m = decodeModule(bytes);
  validateModule(m);
  const ctx = contextFor(m, options, callGraphFacts(m, (f, visit) => scanBody(m, f, visit)));
  const decls = new ModuleDeclarations();
  const funcs: LoweredFunction[] = [];
  const withOffsets = !!options.sourceMap;
  const sizes = splitSizes(options);
  const progress = options.onProgress;
  progress?.(0, m.funcs.length);
  let done = 0;
  for (const f of m.funcs) {
    lowerDefined(ctx, m, decls, f, sizes, options, false, withOffsets, funcs);
    progress?.(++done, m.funcs.length);
  }
  const out = emitModule(ctx, decls, funcs, options.format ?? 'esm', withOffsets, options.runtime ?? 'embed');
  const result: CompileResult = { js: out.toString() };
  if (options.dts) result.dts = moduleDeclarations(m, options.filename?.split(/[\\/]/).pop());
  if (options.sourceMap) {
    const base = (options.filename ?? 'module.wasm').replace(/^.*[\\/]/, '').replace(/\.(wasm|wat|wast)$/i, '');
    result.map = out.sourceMap(base + '.mjs', base + '.wasm');
  }
  return result;
}

/**
 * The lowering's view of module `m`. v128 values are lowered to lanes
 * (passes/simd.ts): codegen sees function types with four i32s per v128
 * (ctx.module is then that lowered module; lowerDefined is given `m` itself).
 */
function contextFor(m: Module, options: CompileOptions, facts: CallGraphFacts): ModuleContext {
  const ctx = new ModuleContext(m, moduleHasV128(m) ? lowerModuleTypes(m) : m);
  const code = m.funcs.length > 0 ? m.funcs[m.funcs.length - 1].codeEnd - m.funcs[0].codeStart : 0;
  ctx.indent = options.indent ?? code <= INDENT_MAX_CODE;
  if (options.flatHeight !== undefined) ctx.flatHeight = options.flatHeight;
  ctx.memoryStable = facts.memoryStable;
  ctx.nonReentrant = facts.nonReentrant;
  return ctx;
}

function splitSizes(options: CompileOptions): SplitSizes | null {
  return options.split === false ? null : { ...DEFAULT_SPLIT, ...options.split };
}

/**
 * Lowers defined function `original` (and the pieces it is split into) into
 * `out`; what the code needs declared goes to `decls`. One pipeline for the
 * whole-module compile and the polyfill's lazy lowering (self-inlining,
 * splitting, and the flattening of deep nesting inside lowering).
 * `validated`: its body passed validation already (compileLazy), so only the
 * copies made here (inlining) and the splitter's stack heights need the
 * validator again.
 */
function lowerDefined(ctx: ModuleContext, m: Module, decls: ModuleDeclarations, original: Func, sizes: SplitSizes | null, options: CompileOptions, validated: boolean, withOffsets: boolean, out: LoweredFunction[]): void {
  const simd = ctx.module !== m;
  let f = original;
  let body = decodeBody(m, f);
  const arrays = [body];
  // Small recursive functions call a copy of themselves (codegen/inline.ts).
  // Errors are found in the body as written; the copy is validated again.
  const inlined = options.inline === false ? null : inlineRecursion(m, f, body);
  if (inlined) {
    if (!validated) validateFunction(m, f, body);
    ({ func: f, body } = inlined);
    arrays.push(body);
  }
  if (sizes && f.codeEnd - f.codeStart > sizes.above) {
    // Big bodies are split into pieces V8 can optimize (codegen/split.ts).
    const heights = new Int32Array(body.length);
    validateFunction(m, f, body, heights);
    ({ func: f, body } = coalesce(m, f, body, options, arrays));
    const func = f;
    const results = m.types[f.typeIdx].results;
    const split = splitFunction(body, heights, m.types[f.typeIdx], localTypes(m, f), ctx.funcName(f.index), sizes, (p) => {
      const s = simdLowered(m, simd, p.type, p.locals, p.body, decls, results);
      out.push(lowerFunction(ctx, decls, func, s ? s.body : p.body, withOffsets, s ? { ...p, type: s.type, locals: s.locals, body: s.body } : p));
      p.body.length = 0;
    });
    if (split) {
      body = split.body;
      arrays.push(body);
      decls.outSlots = Math.max(decls.outSlots, split.outSlots);
      decls.retSlots = Math.max(decls.retSlots, split.retSlots);
    }
  } else {
    if (!validated || inlined) validateFunction(m, f, body);
    ({ func: f, body } = coalesce(m, f, body, options, arrays));
  }
  const s = simdLowered(m, simd, m.types[f.typeIdx], f.locals, body, decls);
  if (s) {
    f = { ...f, locals: s.locals };
    body = s.body;
    arrays.push(body);
  }
  out.push(lowerFunction(ctx, decls, f, body, withOffsets));
  release(arrays);
}

/**
 * The body with its v128 values lowered to lanes (passes/simd.ts), or null
 * when it has none (for a piece of a split function: none, and no v128 result
 * of the whole function to store).
 */
function simdLowered(m: Module, simd: boolean, type: FuncType, locals: ValType[], body: Instr[], decls: ModuleDeclarations, functionResults?: readonly ValType[]) {
  const v128Results = simd && functionResults?.includes(ValType.V128) && body.some((ins) => ins.op === Op.ReturnStore || ins.op === Op.ReturnLoad);
  if (!v128Results && !needsSimdLowering(m, type, locals, body)) return null;
  const s = lowerSimd(m, type, locals, body, { functionResults });
  decls.outSlots = Math.max(decls.outSlots, s.outSlots);
  decls.retSlots = Math.max(decls.retSlots, s.retSlots);
  return s;
}

/**
 * Empties arrays of a function's instructions (or lines) once it is lowered.
 * An array that grew big lives in V8's old generation, and until the next full
 * collection its slots keep what they point to alive through every scavenge,
 * dead or not: the instructions of every big body were copied and promoted
 * instead of dying young. Emptying the array drops those slots. Decoding
 * esbuild-wasm's bodies took 2.0 s of CPU time without this, 0.45 s with it.
 */
function release(arrays: unknown[][]): void {
  for (const a of arrays) a.length = 0;
}

/** Bodies longer than this (instructions) keep their locals apart: liveness grows with body x locals. */
const COALESCE_MAX_BODY = 50_000;

/**
 * `f` with its locals coalesced (passes/coalesce.ts), or as it is; `body`
 * must be valid. Only functions that call themselves (after inlining: the
 * innermost copy's call, or a guarded call_indirect), where frame size decides
 * how deep a recursion gets: coalescing every function made lowering sql.js
 * 2.5x slower (721 against 287 ms), which the polyfill pays at start-up.
 */
function coalesce(m: Module, f: Func, body: Instr[], options: CompileOptions, arrays: unknown[][]): { func: Func; body: Instr[] } {
  if (options.coalesce === false || body.length > COALESCE_MAX_BODY) return { func: f, body };
  if (!body.some((ins) => (ins.op === Op.Call && ins.index === f.index) || ins.op === Op.CallGuarded)) return { func: f, body };
  const merged = coalesceLocals(m.types[f.typeIdx], f, body);
  if (!merged) return { func: f, body };
  arrays.push(merged.body);
  return merged;
}

/** Bodies of at most this many bytes are decoded to be considered as a mutual-recursion partner. */
const PARTNER_BYTES = 512;

/**
 * `f` with its recursion inlined (passes/inline.ts): first a partner it
 * recurses with (f -> g -> f), then its self-calls; null when neither applies.
 * The partner is validated before it is copied, after `f` itself, so the
 * first invalid body is still the one reported.
 */
function inlineRecursion(m: Module, f: Func, body: Instr[]): { func: Func; body: Instr[] } | null {
  let validated = false;
  const partnered = inlineCyclePartner(m.types, f, body, (index) => {
    const g = m.funcs[index - m.numImportedFuncs];
    if (!g || g.codeEnd - g.codeStart > PARTNER_BYTES) return null;
    if (!validated) validateFunction(m, f, body);
    validated = true;
    const gBody = decodeBody(m, g);
    validateFunction(m, g, gBody);
    return { func: g, body: gBody };
  });
  const start = partnered ?? { func: f, body };
  return inlineSelfCalls(m.types, start.func, start.body) ?? partnered;
}

function localTypes(m: Module, f: Func) {
  return [...m.types[f.typeIdx].params, ...f.locals];
}

/** One function's text and, with `withOffsets` (for a source map), the Wasm offset of each of its lines. */
function lowerFunction(ctx: ModuleContext, decls: ModuleDeclarations, f: Func, body: Instr[], withOffsets: boolean, piece?: Piece): LoweredFunction {
  const fl = new FunctionLowering(ctx, decls, f, body, piece);
  const text = fl.lower();
  release([fl.stack.lines]);
  if (!withOffsets) return { index: f.index, text, offsets: null };
  let count = 1;
  for (let k = text.indexOf('\n'); k >= 0; k = text.indexOf('\n', k + 1)) count++;
  // lower() returns header lines, the body lines, and the closing brace.
  const bodyOffsets = fl.lineOffsets;
  const headerCount = count - 1 - bodyOffsets.length;
  const first = piece ? body[0].offset : f.codeStart;
  const offsets = new Int32Array(count);
  for (let k = 0; k < count; k++) {
    offsets[k] = k === 0 ? first : k < headerCount ? -1 : k === count - 1 ? f.codeEnd - 1 : bodyOffsets[k - headerCount];
  }
  return { index: f.index, text, offsets };
}

/** A module compiled for the polyfill's lazy mode: validated whole, lowered one function at a time. */
export interface LazyCompilation {
  /** The decoded module (its sections; bodies are decoded when lowered). */
  module: Module;
  /** Each function's signature string (index space including imports), as call_indirect checks it. */
  funcSigs: readonly string[];
  /** The lazy factory's text (emit/lazy.ts): `(runtime, hooks) => CompiledModule`. */
  js: string;
  /** The chunk (emit/lazy.ts) that defines defined function `index` when evaluated in an instance's scope. */
  lower(index: number): string;
}

/**
 * Decodes and validates the whole module (throwing the CompileError compile()
 * would), and computes the whole-module facts lowering uses, but lowers
 * nothing: `lower(i)` does that for one function when asked. Every body is
 * decoded once here, for validation and the call graph together.
 */
export function compileLazy(bytes: Uint8Array, options: CompileOptions = {}): LazyCompilation {
  if (!(bytes instanceof Uint8Array)) throw new TypeError('compile: expected a Uint8Array');
  const m = decodeModule(bytes);
  validateModule(m);
  let invalid: unknown;
  const facts = callGraphFacts(m, (f, visit) => {
    try {
      const body = decodeBody(m, f);
      validateFunction(m, f, body);
      for (const ins of body) visit(ins.op, ins.index ?? -1);
      body.length = 0;
    } catch (e) {
      invalid ??= e;
      throw e;
    }
  });
  // callGraphFacts stops at the first body that throws: that body's error is the module's.
  if (invalid !== undefined) throw invalid;
  const ctx = contextFor(m, options, facts);
  const sizes = splitSizes(options);
  return {
    module: m,
    funcSigs: ctx.funcSigs,
    js: emitLazyFactory(ctx),
    lower(index: number): string {
      const f = m.funcs[index - m.numImportedFuncs];
      if (!f) throw new RangeError(`compileLazy: ${index} is not a defined function`);
      const decls = new ModuleDeclarations();
      const funcs: LoweredFunction[] = [];
      lowerDefined(ctx, m, decls, f, sizes, options, true, false, funcs);
      return emitChunk(ctx, decls, funcs, index);
    },
  };
}
