// Error classes. Where the host has WebAssembly, its own classes are used, so that
// `e instanceof WebAssembly.RuntimeError` holds for traps of compiled code exactly as
// for native code; elsewhere the runtime defines look-alikes.
//
// Every runtime part is a self-contained factory: the compiler embeds the runtime
// into its output as the source text of these functions (Function.prototype.toString),
// so they may only use their arguments and globals, never module-level bindings.

export interface ErrorClasses {
  CompileError: ErrorConstructor;
  LinkError: ErrorConstructor;
  RuntimeError: ErrorConstructor;
  /** Throws a trap: a RuntimeError that no Wasm exception handler may catch. */
  trap: (message: string) => never;
  /** Every trap error thrown so far (weakly): how handlers recognize traps. */
  traps: WeakSet<object>;
  /**
   * RangeErrors thrown by JS code that Wasm called, marked where the call leaves
   * JS (values.ts). Any other RangeError thrown inside compiled code is a memory
   * access out of bounds, reported by the DataView itself (codegen/memory.ts), or
   * a stack overflow.
   */
  hostErrors: WeakSet<object>;
  /** Marks `e` as thrown by JS code (see hostErrors) and returns it. */
  fromHost: (e: unknown) => unknown;
}

export function defineErrors(g: any): ErrorClasses {
  const W = g.WebAssembly;
  function own(name: string): ErrorConstructor {
    const C = class extends Error {
      constructor(message?: string) {
        super(message);
      }
    };
    Object.defineProperty(C, 'name', { value: name });
    Object.defineProperty(C.prototype, 'name', { value: name, writable: true, configurable: true });
    return C as unknown as ErrorConstructor;
  }
  const pick = (name: string): ErrorConstructor =>
    W && typeof W[name] === 'function' ? W[name] : own(name);
  const RuntimeError = pick('RuntimeError');
  const traps = new WeakSet<object>();
  const trap = (message: string): never => {
    const e = new RuntimeError(message);
    traps.add(e);
    throw e;
  };
  const hostErrors = new WeakSet<object>();
  const fromHost = (e: unknown): unknown => {
    if (e instanceof RangeError) hostErrors.add(e);
    return e;
  };
  return {
    CompileError: pick('CompileError'),
    LinkError: pick('LinkError'),
    RuntimeError,
    trap,
    traps,
    hostErrors,
    fromHost,
  };
}
