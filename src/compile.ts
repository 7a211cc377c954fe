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
import { emitModule, type LoweredFunction } from './emit/module.js';
import { moduleDeclarations } from './emit/dts.js';
import { callGraphFacts } from './passes/call-graph.js';
import { splitFunction, DEFAULT_SPLIT, type Piece } from './passes/split.js';
import { inlineCyclePartner, inlineSelfCalls } from './passes/inline.js';
import { coalesceLocals } from './passes/coalesce.js';
import type { Func, Instr, Module } from './ir.js';

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
  const ctx = new ModuleContext(m);
  const decls = new ModuleDeclarations();
  const code = m.funcs.length > 0 ? m.funcs[m.funcs.length - 1].codeEnd - m.funcs[0].codeStart : 0;
  ctx.indent = options.indent ?? code <= INDENT_MAX_CODE;
  if (options.flatHeight !== undefined) ctx.flatHeight = options.flatHeight;
  const facts = callGraphFacts(m, (f, visit) => scanBody(m, f, visit));
  ctx.memoryStable = facts.memoryStable;
  ctx.nonReentrant = facts.nonReentrant;
  const funcs: LoweredFunction[] = [];
  const withOffsets = !!options.sourceMap;
  const sizes = options.split === false ? null : { ...DEFAULT_SPLIT, ...options.split };
  const progress = options.onProgress;
  progress?.(0, m.funcs.length);
  let done = 0;
  for (const original of m.funcs) {
    let f = original;
    let body = decodeBody(m, f);
    const arrays = [body];
    // Small recursive functions call a copy of themselves (codegen/inline.ts).
    // Errors are found in the body as written; the copy is validated again.
    const inlined = options.inline === false ? null : inlineRecursion(m, f, body);
    if (inlined) {
      validateFunction(m, f, body);
      ({ func: f, body } = inlined);
      arrays.push(body);
    }
    if (sizes && f.codeEnd - f.codeStart > sizes.above) {
      // Big bodies are split into pieces V8 can optimize (codegen/split.ts).
      const heights = new Int32Array(body.length);
      validateFunction(m, f, body, heights);
      ({ func: f, body } = coalesce(m, f, body, options, arrays));
      const func = f;
      const split = splitFunction(body, heights, m.types[f.typeIdx], localTypes(m, f), ctx.funcName(f.index), sizes, (p) => {
        funcs.push(lowerFunction(ctx, decls, func, p.body, withOffsets, p));
        p.body.length = 0;
      });
      if (split) {
        body = split.body;
        arrays.push(body);
        decls.outSlots = Math.max(decls.outSlots, split.outSlots);
        decls.retSlots = Math.max(decls.retSlots, split.retSlots);
      }
    } else {
      validateFunction(m, f, body);
      ({ func: f, body } = coalesce(m, f, body, options, arrays));
    }
    funcs.push(lowerFunction(ctx, decls, f, body, withOffsets));
    release(arrays);
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

/** `f` with its locals coalesced (passes/coalesce.ts), or as it is; `body` must be valid. */
function coalesce(m: Module, f: Func, body: Instr[], options: CompileOptions, arrays: unknown[][]): { func: Func; body: Instr[] } {
  if (options.coalesce === false || body.length > COALESCE_MAX_BODY) return { func: f, body };
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
