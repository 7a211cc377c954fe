// Values crossing the JS boundary, and function objects.
//
// Inside compiled code: i32 is an int32 Number, i64 a signed BigInt in
// [-2^63, 2^63), f32/f64 Numbers (f32 NaN payload convention: numeric.ts), funcref
// the instance's internal JS function (or null), externref any JS value (null is
// ref.null). Types are written as one char per value type ('i' i32, 'j' i64,
// 'f' f32, 'd' f64, 'r' funcref, 'e' externref, 'x' exnref), a function type as
// "params:results" — the canonical signature string that call_indirect compares.
//
// An internal function `fn` carries `fn.t` (its signature string) and, once it has
// been seen from JS, `fn.w` (its exported-function wrapper: the one object JS sees
// for it, every time). A wrapper carries the internal function under RAW. A
// function of a native instance is adopted as an internal function too (see
// adoptNative): its `t` is '?' until the engine has confirmed a type for it, and
// `n(sig)` asks (native.ts); '?' equals no signature string.
//
// Self-contained factory: see errors.ts.

import type { HostCalls } from './errors.js';

export function defineValues(_g: any, rt: any) {
  const { refInfo, sigParts, isNativeFunction, nativeFuncHasType } = rt;
  const hostCalls = rt.hostCalls as HostCalls;
  const nativeMemories = rt.nativeMemories as unknown[];
  const syncMemories = rt.syncMemories as () => void;
  const RAW = Symbol('wasm2es.function');
  const LinkError = rt.LinkError as ErrorConstructor;

  /**
   * WebIDL [EnforceRange] unsigned long (sizes, indices and deltas of the JS API):
   * NaN, infinities and out-of-range values are TypeErrors, not wrapped or clamped.
   */
  function enforceU32(v: unknown, what: string): number {
    // ToNumber: a BigInt or a Symbol is a TypeError (Number() would convert a BigInt).
    const n = +(v as number);
    if (!Number.isFinite(n)) throw new TypeError(`${what} must be a finite number`);
    const t = Math.trunc(n);
    if (t < 0 || t > 0xffffffff) throw new TypeError(`${what} out of range`);
    return t === 0 ? 0 : t;
  }

  /** ECMAScript ToPrimitive with hint "number". */
  function toPrimitive(v: any): unknown {
    const exotic = v[Symbol.toPrimitive];
    if (exotic !== undefined && exotic !== null) {
      const r = exotic.call(v, 'number');
      if (r !== null && (typeof r === 'object' || typeof r === 'function')) throw new TypeError('Cannot convert object to primitive value');
      return r;
    }
    for (const m of ['valueOf', 'toString']) {
      const f = v[m];
      if (typeof f === 'function') {
        const r = f.call(v);
        if (r === null || (typeof r !== 'object' && typeof r !== 'function')) return r;
      }
    }
    throw new TypeError('Cannot convert object to primitive value');
  }
  /** ToBigInt64 (ECMAScript ToBigInt, then wrap): a Number is a TypeError, not converted. */
  function toBigInt64(v: unknown): bigint {
    if (v !== null && (typeof v === 'object' || typeof v === 'function')) v = toPrimitive(v);
    switch (typeof v) {
      case 'bigint': return BigInt.asIntN(64, v);
      case 'boolean': return v ? 1n : 0n;
      case 'string': return BigInt.asIntN(64, BigInt(v)); // SyntaxError for a bad string, as ToBigInt
      default: throw new TypeError(`Cannot convert ${String(v)} to a BigInt`);
    }
  }

  /** ToWebAssemblyValue: a JS value to the internal representation of type `t` (types.ts). */
  function toWasm(t: string, v: any): any {
    switch (t) {
      case 'i': return v | 0;
      case 'j': return toBigInt64(v);
      case 'f': { const x = +v; return x === x ? Math.fround(x) : x; }
      case 'd': return +v;
      case 'e': return v;
      case 'r': return funcFromJS(v);
    }
    const ref = refInfo(t);
    if (!ref || ref.family === 'exn') throw new TypeError('a value of this type cannot come from JavaScript');
    if (v === null) {
      if (!ref.nullable) throw new TypeError('null is not allowed for a non-nullable reference');
      return null;
    }
    if (ref.heap === 'nofunc' || ref.heap === 'noextern') throw new TypeError('only null has this reference type');
    if (ref.family === 'extern') return v;
    const f = funcFromJS(v);
    if (ref.heap[0] === '[' && !hasType(f, ref.heap.slice(1, -1))) {
      throw new TypeError('the function does not have the expected type');
    }
    return f;
  }
  /** ToJSValue: internal representation of type `t` to the JS value. */
  function toJS(t: string, v: any): any {
    if (t === 'r') return funcToJS(v);
    if (t.length === 1) {
      if (t === 'x') throw new TypeError('an exnref cannot be passed to JavaScript');
      return v;
    }
    const ref = refInfo(t);
    if (ref && ref.family === 'exn') throw new TypeError('an exnref cannot be passed to JavaScript');
    return ref && ref.family === 'func' ? funcToJS(v) : v;
  }
  /** Whether values of type `t` can cross to or from JS at all. */
  function crossesJS(t: string): boolean {
    const ref = refInfo(t);
    return !(t === 'v' || (ref && ref.family === 'exn'));
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
  function funcToJS(f: any): any {
    if (f === null || f === undefined) return null;
    return f.w || makeWrapper(f);
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

  // NaN bit patterns: V8 canonicalizes NaNs stored into arrays whose elements are
  // all doubles. Argument and result lists here are arrays of *tagged* elements
  // (started with a non-number), where a NaN keeps its payload.
  function taggedArray(n: number): any[] {
    return new Array(n).fill(null);
  }

  function makeWrapper(f: any): Function {
    const { params: ps, results: rs } = sigParts(f.t as string);
    const np = ps.length;
    // The JS API rejects a type with exnref (no JS value) before converting any
    // argument or running anything: every call is a TypeError, even one whose
    // exnref result would never be produced.
    const crosses = ps.every(crossesJS) && rs.every(crossesJS);
    const [p0, p1, p2] = ps;
    // A method, not a plain function: exported functions are not constructors.
    const w = {
      exported(this: unknown) {
      if (!crosses) throw new TypeError('an exported function with exnref in its type cannot be called from JavaScript');
      // Up to three arguments go in directly: building an argument array and
      // spreading it was most of the cost of a call from JS (measured ~37 ns
      // against ~5 natively for one i32).
      let a0, a1, a2, a: any[] | undefined;
      if (np > 3) {
        a = taggedArray(np);
        for (let i = 0; i < np; i++) a[i] = toWasm(ps[i], arguments[i]);
      } else {
        if (np > 0) a0 = toWasm(p0, arguments[0]);
        if (np > 1) a1 = toWasm(p1, arguments[1]);
        if (np > 2) a2 = toWasm(p2, arguments[2]);
      }
      // A new stretch of compiled code: the count of running JS calls made
      // from Wasm starts from here (errors.ts: hostCalls). JS may have grown a
      // native memory since compiled code last ran.
      if (nativeMemories.length !== 0) syncMemories();
      const outer = hostCalls.base;
      hostCalls.base = hostCalls.running;
      let r;
      try {
        // Exactly np arguments: `f` may be a JS function that counts them.
        r = a !== undefined ? f(...a) : np === 0 ? f() : np === 1 ? f(a0) : np === 2 ? f(a0, a1) : f(a0, a1, a2);
      } catch (e) {
        // A Wasm exception leaving for JS becomes what JS expects (exceptions.ts).
        const x = rt.toHost(e);
        hostCalls.base = outer;
        throw x;
      }
      hostCalls.base = outer;
      if (rs.length === 1) return toJS(rs[0], r);
      if (rs.length === 0) return undefined;
      const out = taggedArray(rs.length);
      for (let i = 0; i < rs.length; i++) out[i] = toJS(rs[i], r[i]);
      return out;
      },
    }.exported;
    Object.defineProperty(w, 'name', { value: String(f.i ?? 0), configurable: true });
    Object.defineProperty(w, 'length', { value: np, configurable: true });
    (w as any)[RAW] = f;
    f.w = w;
    return w;
  }

  /**
   * The WebIDL shape of a JS-API class (Memory, Table, Global, Tag, Exception):
   * the constructor's and methods' `length` count required arguments only,
   * operations and attributes are enumerable, [Symbol.toStringTag] is
   * configurable. Members named `_...` are the runtime's own and stay hidden.
   */
  function webidl(C: any, length: number, tag: string, lengths: Record<string, number> = {}): void {
    Object.defineProperty(C, 'length', { value: length, configurable: true });
    const p = C.prototype;
    for (const k of Object.getOwnPropertyNames(p)) {
      if (k === 'constructor' || k[0] === '_') continue;
      const d = Object.getOwnPropertyDescriptor(p, k)!;
      d.enumerable = true;
      Object.defineProperty(p, k, d);
      if (Object.prototype.hasOwnProperty.call(lengths, k)) Object.defineProperty(d.value, 'length', { value: lengths[k], configurable: true });
    }
    Object.defineProperty(p, Symbol.toStringTag, { value: tag, configurable: true });
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

  return { RAW, enforceU32, webidl, crossesJS, toWasm, toJS, toBigInt64, funcFromJS, funcToJS, hasType, importFunc, hostFunc };
}
