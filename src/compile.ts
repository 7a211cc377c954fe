// The pipeline: decode -> validate -> lower each function -> assemble.
// Functions are decoded, validated and lowered one at a time, so memory follows
// the largest function, not the whole code section.
import { INDENT_MAX_CODE, OUTPUT_FORMATS, type CompileOptions, type CompileResult } from './api.js';
import { decodeModule } from './binary/module.js';
import { decodeBody } from './binary/code.js';
import { validateModule } from './validate/module.js';
import { validateFunction } from './validate/func.js';
import { ModuleContext } from './codegen/context.js';
import { ModuleDeclarations } from './codegen/declarations.js';
import { FunctionLowering } from './codegen/function.js';
import { emitModule, type LoweredFunction } from './emit/module.js';
import { moduleDeclarations } from './emit/dts.js';
import { callGraphFacts } from './passes/call-graph.js';
import { splitFunction, DEFAULT_SPLIT, type Piece } from './passes/split.js';
import { inlineSelfCalls } from './passes/inline.js';
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
  const m = decodeModule(bytes);
  validateModule(m);
  const ctx = new ModuleContext(m);
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
        for (const p of split.pieces) funcs.push(lowerFunction(ctx, decls, f, p.body, p));
        decls.outSlots = Math.max(decls.outSlots, split.outSlots);
        decls.retSlots = Math.max(decls.retSlots, split.retSlots);
      }
    } else {
      validateFunction(m, f, body);
    }
    funcs.push(lowerFunction(ctx, decls, f, body));
    progress?.(++done, m.funcs.length);
  }
  const out = emitModule(ctx, decls, funcs, options.format ?? 'esm');
  const result: CompileResult = { js: out.toString() };
  if (options.dts) result.dts = moduleDeclarations(m, options.filename?.split(/[\\/]/).pop());
  if (options.sourceMap) {
    const base = (options.filename ?? 'module.wasm').replace(/^.*[\\/]/, '').replace(/\.(wasm|wat|wast)$/i, '');
    result.map = out.sourceMap(base + '.mjs', base + '.wasm');
  }
  return result;
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
