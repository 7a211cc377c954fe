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
// funcs.ts adoptNative): its `t` is '?' until the engine has confirmed a type for it, and
// `n(sig)` asks (native.ts); '?' equals no signature string.
//
// Self-contained factory: see errors.ts.

import type { HostCalls } from './errors.js';

export function defineValues(_g: any, rt: any) {
  const { refInfo, sigParts } = rt;
  const hostCalls = rt.hostCalls as HostCalls;
  const nativeMemories = rt.nativeMemories as unknown[];
  const syncMemories = rt.syncMemories as () => void;
  const hostError = rt.hostError as (e: unknown) => unknown;
  const RAW = Symbol('wasm2es.function');

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
      // funcs.ts: in every module where a reference can come from JS.
      case 'r': return rt.funcFromJS(v);
    }
    const ref = refInfo(t);
    if (!ref || ref.family === 'exn') throw new TypeError('a value of this type cannot come from JavaScript');
    if (v === null) {
      if (!ref.nullable) throw new TypeError('null is not allowed for a non-nullable reference');
      return null;
    }
    if (ref.heap === 'nofunc' || ref.heap === 'noextern') throw new TypeError('only null has this reference type');
    if (ref.family === 'extern') return v;
    const f = rt.funcFromJS(v);
    if (ref.heap[0] === '[' && !rt.hasType(f, ref.heap.slice(1, -1))) {
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

  function funcToJS(f: any): any {
    if (f === null || f === undefined) return null;
    return f.w || makeWrapper(f);
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
        // A Wasm exception leaving for JS becomes what JS expects
        // (exceptions.ts); where that part is not installed in this realm, no
        // Wasm exception exists, and errors.ts's hostError does the rest.
        const x = (rt.toHost ?? hostError)(e);
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

  return { RAW, enforceU32, webidl, crossesJS, toWasm, toJS, toBigInt64, funcToJS };
}
