// The errors the compiler throws for bad input. Importing this module has no
// side effects: nothing is installed on `globalThis` and no host object is
// touched (decoding or validating a module must leave the realm as it was).
//
// The class is the host's `WebAssembly.CompileError` where it exists, so a
// compile error is `instanceof WebAssembly.CompileError` as a native engine's
// is. Without one (`--noexpose-wasm`, JS-only hosts) it is the runtime's own
// class, which compiled modules and `wasm2es/runtime` share per realm: that is
// looked up, or installed, the first time an error is actually thrown.
import { installRuntime } from './runtime/install.js';

/** A CompileError for malformed or invalid input, carrying the byte offset. */
export interface WasmCompileError extends Error {
  offset: number;
}

/**
 * An error class of the JS API in this realm: the host's where it has
 * WebAssembly, else the runtime's own (which compiled code throws, so the
 * runtime is installed then: the one change to the realm, docs/semantics.md).
 */
export function errorClass(name: 'CompileError' | 'LinkError' | 'RuntimeError'): ErrorConstructor {
  const W = (globalThis as any).WebAssembly;
  if (W && typeof W[name] === 'function') return W[name];
  return installRuntime(globalThis)[name];
}

/** The CompileError class of this realm (see above). */
export function compileErrorClass(): ErrorConstructor {
  return errorClass('CompileError');
}

export function compileError(offset: number, message: string): WasmCompileError {
  const C = compileErrorClass();
  const e = new C(`${message} (at byte offset ${offset})`) as WasmCompileError;
  e.offset = offset;
  return e;
}

/** The error for a module that uses a feature wasm2es does not support (yet). */
export function unsupported(offset: number, feature: string): WasmCompileError {
  return compileError(offset, `unsupported feature: ${feature}`);
}
