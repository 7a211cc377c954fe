// The pipeline: decode -> validate -> lower each function -> assemble.
// Functions are decoded, validated and lowered one at a time, so memory follows
// the largest function, not the whole code section.
import { INDENT_MAX_CODE, type CompileOptions, type CompileResult } from './api.js';
import { decodeModule } from './binary/module.js';
import { decodeBody } from './binary/code.js';
import { validateModule } from './validate/module.js';
import { validateFunction } from './validate/func.js';
import { ModuleContext } from './codegen/context.js';
import { ModuleDeclarations } from './codegen/declarations.js';
import { FunctionLowering } from './codegen/function.js';
import { Op } from './opcodes.js';
import { emitModule, type LoweredFunction } from './emit/module.js';
import { callGraphFacts } from './passes/call-graph.js';
import { splitFunction, DEFAULT_SPLIT, type Piece } from './passes/split.js';
import { inlineSelfCalls } from './passes/inline.js';
import { lowerModuleTypes, lowerSimd, moduleHasV128, needsSimdLowering } from './passes/simd.js';
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
  const m = decodeModule(bytes);
  validateModule(m);
  // v128 values are lowered to lanes (passes/simd.ts): codegen sees function
  // types with four i32s per v128.
  const simd = moduleHasV128(m);
  const ctx = new ModuleContext(m, simd ? lowerModuleTypes(m) : m);
  const decls = new ModuleDeclarations();
  const code = m.funcs.length > 0 ? m.funcs[m.funcs.length - 1].codeEnd - m.funcs[0].codeStart : 0;
  ctx.indent = options.indent ?? code <= INDENT_MAX_CODE;
  if (options.flatHeight !== undefined) ctx.flatHeight = options.flatHeight;
  const facts = callGraphFacts(m, (f) => decodeBody(m, f));
  ctx.memoryStable = facts.memoryStable;
  ctx.nonReentrant = facts.nonReentrant;
  const funcs: LoweredFunction[] = [];
  const sizes = options.split === false ? null : { ...DEFAULT_SPLIT, ...options.split };
  const progress = options.onProgress;
  progress?.(0, m.funcs.length);
  let done = 0;
  for (const original of m.funcs) {
    let f = original;
    let body = decodeBody(m, f);
    // Small recursive functions call a copy of themselves (codegen/inline.ts).
    // Errors are found in the body as written; the copy is validated again.
    const inlined = options.inline === false ? null : inlineSelfCalls(m.types[f.typeIdx], f, body);
    if (inlined) {
      validateFunction(m, f, body);
      ({ func: f, body } = inlined);
    }
    if (sizes && f.codeEnd - f.codeStart > sizes.above) {
      // Big bodies are split into pieces V8 can optimize (codegen/split.ts).
      const heights = new Int32Array(body.length);
      validateFunction(m, f, body, heights);
      const split = splitFunction(body, heights, m.types[f.typeIdx], localTypes(m, f), ctx.funcName(f.index), sizes);
      if (split) {
        body = split.body;
        const results = m.types[f.typeIdx].results;
        for (const p of split.pieces) {
          const s = simdLowered(m, simd, p.type, p.locals, p.body, decls, results);
          funcs.push(lowerFunction(ctx, decls, f, s ? s.body : p.body, s ? { ...p, type: s.type, locals: s.locals, body: s.body } : p));
        }
        decls.outSlots = Math.max(decls.outSlots, split.outSlots);
        decls.retSlots = Math.max(decls.retSlots, split.retSlots);
      }
    } else {
      validateFunction(m, f, body);
    }
    const s = simdLowered(m, simd, m.types[f.typeIdx], f.locals, body, decls);
    if (s) {
      f = { ...f, locals: s.locals };
      body = s.body;
    }
    funcs.push(lowerFunction(ctx, decls, f, body));
    progress?.(++done, m.funcs.length);
  }
  const out = emitModule(ctx, decls, funcs, options.format ?? 'esm');
  const result: CompileResult = { js: out.toString() };
  if (options.sourceMap) {
    const base = (options.filename ?? 'module.wasm').replace(/^.*[\\/]/, '').replace(/\.(wasm|wat|wast)$/i, '');
    result.map = out.sourceMap(base + '.mjs', base + '.wasm');
  }
  return result;
}

/**
 * The body with its v128 values lowered to lanes (passes/simd.ts), or null
 * when it has none. The split functions' slots grow to the lowered lists.
 */
function simdLowered(m: Module, simd: boolean, type: FuncType, locals: ValType[], body: Instr[], decls: ModuleDeclarations, functionResults?: readonly ValType[]) {
  const v128Results = simd && functionResults?.includes(ValType.V128) && body.some((ins) => ins.op === Op.ReturnStore || ins.op === Op.ReturnLoad);
  if (!v128Results && !needsSimdLowering(m, type, locals, body)) return null;
  const s = lowerSimd(m, type, locals, body, { functionResults });
  decls.outSlots = Math.max(decls.outSlots, s.outSlots);
  decls.retSlots = Math.max(decls.retSlots, s.retSlots);
  return s;
}

function localTypes(m: Module, f: Func) {
  return [...m.types[f.typeIdx].params, ...f.locals];
}

function lowerFunction(ctx: ModuleContext, decls: ModuleDeclarations, f: Func, body: Instr[], piece?: Piece): LoweredFunction {
  const fl = new FunctionLowering(ctx, decls, f, body, piece);
  const src = fl.lower();
  const lines = src.split('\n');
  // lower() returns header lines, the body lines, and the closing brace.
  const bodyOffsets = fl.lineOffsets;
  const headerCount = lines.length - 1 - bodyOffsets.length;
  const first = piece ? body[0].offset : f.codeStart;
  const offsets = lines.map((_, k) => (k === 0 ? first : k < headerCount ? -1 : k === lines.length - 1 ? f.codeEnd - 1 : bodyOffsets[k - headerCount]));
  return { index: f.index, lines, offsets };
}
