// JS functions and a native engine's functions as Wasm functions: a funcref
// coming from JS, a function import, a host function called from Wasm.
//
// Apart from values.ts so that a module whose functions take and return only
// numbers and import nothing (no reference crosses from JS into it) carries
// none of this: values.ts reaches these members through `rt` at call time,
// only for reference types, and the compiler embeds this part into every
// module where one can cross (runtime/install.ts, emit/runtime-source.ts).
//
// Self-contained factory: see errors.ts.

import type { HostCalls } from './errors.js';

export function defineFuncs(_g: any, rt: any) {
  const { refInfo, sigParts, isNativeFunction, nativeFuncHasType, RAW, toWasm, toJS, crossesJS } = rt;
  const hostCalls = rt.hostCalls as HostCalls;
  const nativeMemories = rt.nativeMemories as unknown[];
  const syncMemories = rt.syncMemories as () => void;
  const LinkError = rt.LinkError as ErrorConstructor;

  // NaN bit patterns: V8 canonicalizes NaNs stored into arrays whose elements are
  // all doubles. Argument and result lists here are arrays of *tagged* elements
  // (started with a non-number), where a NaN keeps its payload.
  function taggedArray(n: number): any[] {
    return new Array(n).fill(null);
  }

  function funcFromJS(v: any): any {
    if (v === null) return null;
    if (typeof v === 'function') {
      const raw = v[RAW] ?? natives.get(v);
      if (raw) return raw;
      if (isNativeFunction(v)) return adoptNative(v);
    }
    throw new TypeError('a funcref must be null or an exported WebAssembly function');
  }
  /** Whether internal function `f` has function type `sig` (a native one: as its engine says). */
  function hasType(f: any, sig: string): boolean {
    return f.t === sig || (f.n !== undefined && f.n(sig));
  }
  /**
   * A function exported by a native instance, as an internal function. Its
   * type is not observable from JS; until the engine confirms one (`n`, asked
   * by whatever links or calls it: importFunc, call_indirect, a typed
   * reference's check) its `t` is '?', which matches no signature. A call
   * converts arguments to JS values and results back by that type, as a call
   * of a host function does: a funcref or typed-reference result must be a
   * real exported function of the right type, so a JS function a native module
   * held as an externref can never come back callable.
   */
  const natives = new WeakMap<Function, any>();
  function adoptNative(v: any): any {
    let raw = natives.get(v);
    if (raw) return raw;
    raw = function () {
      const { params: ps, results: rs } = sigParts(raw.t);
      const a = taggedArray(arguments.length);
      for (let i = 0; i < a.length; i++) a[i] = toJS(ps[i], arguments[i]);
      // Counted as a JS call (errors.ts): it can call JS imports of its own.
      hostCalls.running++;
      const r = v(...a);
      let w;
      if (rs.length === 1) w = toWasm(rs[0], r);
      else if (rs.length > 1) {
        w = taggedArray(rs.length);
        for (let i = 0; i < rs.length; i++) w[i] = toWasm(rs[i], r[i]);
      }
      if (nativeMemories.length !== 0) syncMemories();
      hostCalls.running--;
      return w;
    };
    raw.t = '?';
    raw.w = v;
    raw.n = (sig: string): boolean => {
      if (raw.t === sig) return true;
      if (raw.t !== '?' || !nativeFuncHasType(v, sig)) return false;
      raw.t = sig;
      return true;
    };
    natives.set(v, raw);
    return raw;
  }

  /** An import resolved to an internal function of signature `t`. */
  function importFunc(v: any, t: string, where: string): any {
    if (typeof v !== 'function') throw new LinkError(`${where}: function import requires a callable`);
    const raw = v[RAW] ?? natives.get(v) ?? (isNativeFunction(v) ? adoptNative(v) : undefined);
    if (raw === undefined) return hostFunc(v, t);
    if (!hasType(raw, t)) throw new LinkError(`${where}: imported function does not match the expected type`);
    return raw;
  }
  /**
   * Call a JS function with Wasm arguments. Without references among them the
   * `arguments` object is passed on as is (no copy on every import call; its
   * elements are boxed, so NaN bits survive); references are converted first.
   */
  function callWith(v: Function, ps: string[], refArgs: boolean, args: IArguments): any {
    if (!refArgs) return v.apply(undefined, args);
    const a = taggedArray(args.length);
    for (let i = 0; i < a.length; i++) a[i] = toJS(ps[i], args[i]);
    return v(...a);
  }

  /** A JS function called from Wasm: arguments to JS values, the result back. */
  function hostFunc(v: Function, t: string): any {
    const { params: ps, results: rs } = sigParts(t);
    if (!ps.every(crossesJS) || !rs.every(crossesJS)) {
      // exnref cannot cross to JS: calling such an import is a TypeError, before the call.
      const fn: any = function () {
        throw new TypeError('an imported function with exnref in its type cannot be called');
      };
      fn.t = t;
      return fn;
    }
    const refArgs = ps.some((p: string) => p !== 'e' && refInfo(p) !== null);
    let fn: any;
    if (rs.length <= 1) {
      fn = function () {
        // Everything thrown between the counts is JavaScript's, conversions
        // included, so a RangeError among it is not taken for a trap (errors.ts).
        hostCalls.running++;
        const r = callWith(v, ps, refArgs, arguments);
        const w = rs.length === 0 ? undefined : toWasm(rs[0], r);
        if (nativeMemories.length !== 0) syncMemories();
        hostCalls.running--;
        return w;
      };
    } else {
      const multiResult = (r: any): any[] => {
        // The iteration protocol step by step, as the JS API does it (observable
        // through getters): @@iterator and `next` are read once each.
        const method = r === null || (typeof r !== 'object' && typeof r !== 'function') ? undefined : r[Symbol.iterator];
        if (typeof method !== 'function') throw new TypeError('multi-value result must be iterable');
        const it = method.call(r);
        if (it === null || (typeof it !== 'object' && typeof it !== 'function')) throw new TypeError('multi-value result: the iterator is not an object');
        const next = it.next;
        const vals: any[] = [null];
        vals.pop();
        for (;;) {
          const step = next.call(it);
          if (step === null || (typeof step !== 'object' && typeof step !== 'function')) throw new TypeError('multi-value result: an iterator result is not an object');
          if (step.done) break;
          vals.push(step.value);
        }
        if (vals.length !== rs.length) throw new TypeError('multi-value result has the wrong number of values');
        for (let i = 0; i < vals.length; i++) vals[i] = toWasm(rs[i], vals[i]);
        return vals;
      };
      fn = function () {
        hostCalls.running++;
        const w = multiResult(callWith(v, ps, refArgs, arguments));
        if (nativeMemories.length !== 0) syncMemories();
        hostCalls.running--;
        return w;
      };
    }
    fn.t = t;
    // Exporting a host function again gives a new exported function that calls it.
    return fn;
  }

  return { funcFromJS, hasType, importFunc, hostFunc };
}
