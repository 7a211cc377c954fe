// The pipeline: decode -> validate -> lower each function -> assemble.
// Functions are decoded, validated and lowered one at a time, so memory follows
// the largest function, not the whole code section.
import type { CompileOptions, CompileResult } from './api.js';
import { decodeModule } from './binary/module.js';
import { decodeBody } from './binary/code.js';
import { validateModule } from './validate/module.js';
import { validateFunction } from './validate/func.js';
import { ModuleContext } from './codegen/context.js';
import { FunctionLowering } from './codegen/function.js';
import { emitModule, type LoweredFunction } from './emit/module.js';

export function compile(bytes: Uint8Array, options: CompileOptions = {}): CompileResult {
  if (!(bytes instanceof Uint8Array)) throw new TypeError('compile: expected a Uint8Array');
  const m = decodeModule(bytes);
  validateModule(m);
  const ctx = new ModuleContext(m);
  const funcs: LoweredFunction[] = [];
  for (const f of m.funcs) {
    const body = decodeBody(m, f);
    validateFunction(m, f, body);
    const fl = new FunctionLowering(ctx, f);
    const src = fl.lower(body);
    const lines = src.split('\n');
    // lower() returns header lines, the body lines, and the closing brace.
    const bodyOffsets = fl.lineOffsets;
    const headerCount = lines.length - 1 - bodyOffsets.length;
    const offsets = lines.map((_, k) => (k === 0 ? f.codeStart : k < headerCount ? -1 : k === lines.length - 1 ? f.codeEnd - 1 : bodyOffsets[k - headerCount]));
    funcs.push({ index: f.index, lines, offsets });
  }
  const out = emitModule(ctx, funcs, options);
  const result: CompileResult = { js: out.toString() };
  if (options.sourceMap) {
    const base = (options.filename ?? 'module.wasm').replace(/^.*[\\/]/, '').replace(/\.(wasm|wat|wast)$/i, '');
    result.map = out.sourceMap(base + '.mjs', base + '.wasm');
  }
  return result;
}
