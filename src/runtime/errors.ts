// Error classes. Where the host has WebAssembly, its own classes are used, so that
// `e instanceof WebAssembly.RuntimeError` holds for traps of compiled code exactly as
// for native code; elsewhere the runtime defines look-alikes.
//
// Every runtime part is a self-contained factory: the compiler embeds the runtime
// into its output as the source text of these functions (Function.prototype.toString),
// so they may only use their arguments and globals, never module-level bindings.

export interface HostCalls {
  running: number;
  base: number;
}

export interface ErrorClasses {
  CompileError: ErrorConstructor;
  LinkError: ErrorConstructor;
  RuntimeError: ErrorConstructor;
  /** Throws a trap: a RuntimeError that no Wasm exception handler may catch. */
  trap: (message: string) => never;
  /** Every trap error thrown so far (weakly): how handlers recognize traps. */
  traps: WeakSet<object>;
  /**
   * RangeErrors known to be thrown by JS code that Wasm called. Any other
   * RangeError thrown inside compiled code is a memory access out of bounds,
   * reported by the DataView itself (codegen/memory.ts), or a stack overflow.
   */
  hostErrors: WeakSet<object>;
  /**
   * `running`: how many JS functions called from Wasm are running. Their
   * wrappers (values.ts) count up before the call and down after it returns;
   * one left by an exception does not count down. `base`: what `running` was
   * when the innermost call from JS into compiled code (an exported function, a
   * start function) began. Wherever compiled code runs with no exception in
   * flight, the two are equal, so a catch point (a Wasm handler, the
   * exported-function boundary) that finds them different knows the exception
   * in hand came out of JS. Measured on a JS import throwing into catch_all:
   * catching and rethrowing in every import wrapper instead cost ~30%, a
   * counter in an Int32Array ~17% (its increments in unoptimized wrappers),
   * this plain object ~7%; saving the count at every try entry instead of
   * keeping `base` made a never-throwing try in a tight loop ~20% dearer.
   */
  hostCalls: HostCalls;
  /** At a catch point: records whether `e` came out of JS, and rebalances the count. */
  settle: (e: unknown) => void;
  /**
   * Native memories that compiled instances use (memory.ts adoptNativeMemory):
   * weak references to their adopters. Empty unless such a memory is imported.
   */
  nativeMemories: { deref(): any }[];
  /**
   * Wherever JS may have run (after a call out, on entry from JS, at a catch
   * point): lets every instance of a native memory that its owner grew see the
   * new buffer. A no-op while `nativeMemories` is empty.
   */
  syncMemories: () => void;
  /** Whether `e` is the RangeError of a stack overflow. */
  stackOverflow: (e: RangeError) => boolean;
  /** Whether `e` is the RangeError of a DataView access out of bounds, thrown by compiled code. */
  isMemoryTrap: (e: unknown) => boolean;
  /**
   * An exception leaving Wasm for a JS caller, in a realm without exception
   * handling (exceptions.ts toHost does this and more): the count settled, a
   * memory access trap made a RuntimeError, anything else as it is.
   */
  hostError: (e: unknown) => unknown;
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
  const hostCalls: HostCalls = { running: 0, base: 0 };
  // A native memory's growth is not signalled to JS: its old buffer is just
  // detached. Instances notice it here, at the points where native code or JS
  // can have run since compiled code last looked: after every call out to an
  // import (values.ts), on every entry from JS (the exported-function wrapper)
  // and at every catch point (settle). Compiled code re-reads its cached views
  // after each of these already (codegen/function.ts refreshMemories), so the
  // loads and stores themselves stay as they are.
  const nativeMemories: { deref(): any }[] = [];
  const syncMemories = (): void => {
    for (let i = 0; i < nativeMemories.length; i++) {
      const m = nativeMemories[i].deref();
      if (m === undefined) {
        nativeMemories.splice(i--, 1);
        continue;
      }
      const b = m.native.buffer;
      if (b !== m._seen) {
        m._seen = b;
        for (const f of m._l) f();
      }
    }
  };
  const settle = (e: unknown): void => {
    if (nativeMemories.length !== 0) syncMemories();
    if (hostCalls.running === hostCalls.base) return;
    hostCalls.running = hostCalls.base;
    if (e instanceof RangeError) hostErrors.add(e);
  };
  const stackOverflow = (e: RangeError): boolean => /call stack/i.test(e.message);
  const isMemoryTrap = (e: unknown): boolean => e instanceof RangeError && !hostErrors.has(e) && !stackOverflow(e);
  const hostError = (e: unknown): unknown => {
    settle(e);
    if (!isMemoryTrap(e)) return e;
    // What the memory access trap is for JS: a RuntimeError, as everywhere else.
    const t = new RuntimeError('out of bounds memory access');
    traps.add(t);
    return t;
  };
  return {
    CompileError: pick('CompileError'),
    LinkError: pick('LinkError'),
    RuntimeError,
    trap,
    traps,
    hostErrors,
    hostCalls,
    settle,
    nativeMemories,
    syncMemories,
    stackOverflow,
    isMemoryTrap,
    hostError,
  };
}
