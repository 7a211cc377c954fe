import { CompileError } from '../runtime/index.js';

/** A CompileError for malformed or invalid input, carrying the byte offset. */
export interface WasmCompileError extends Error {
  offset: number;
}

export function compileError(offset: number, message: string): WasmCompileError {
  const e = new CompileError(`${message} (at byte offset ${offset})`) as WasmCompileError;
  e.offset = offset;
  return e;
}

/** The error for a module that uses a feature wasm2es does not support (yet). */
export function unsupported(offset: number, feature: string): WasmCompileError {
  return compileError(offset, `unsupported feature: ${feature}`);
}
