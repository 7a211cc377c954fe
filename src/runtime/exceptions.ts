// Exception handling: tags, exception objects, and the host boundary.
//
// Inside compiled code an exception is an instance of the runtime's `Exception`
// class: a tag plus a payload array, no JS stack (capturing one costs ~10x:
// shared/notes/exceptions). Where the host has `WebAssembly.Exception`, an
// exception leaving Wasm for JS (through an exported function) is turned into a
// native one, created once and cached on the internal object, so every time it
// surfaces in JS it is the same object; a native exception coming in from JS is
// caught by asking it `is(tag)` / `getArg` and keeps its identity if rethrown. JS
// values thrown by imports pass through untouched (an exnref made from one wraps
// it, so throw_ref rethrows the very same value).
//
// Traps are never caught by Wasm handlers: trap errors are remembered in a WeakSet
// (errors.ts), call-stack exhaustion is recognized by its RangeError, and a
// memory access out of bounds is the DataView's RangeError (codegen/memory.ts),
// told from a RangeError thrown by JS by the count of running JS calls
// (errors.ts: hostCalls).
//
// Self-contained factory: see errors.ts.

export function defineExceptions(g: any, rt: any) {
  const W = g.WebAssembly;
  const NativeTag = W && typeof W.Tag === 'function' ? W.Tag : null;
  const NativeException = W && typeof W.Exception === 'function' ? W.Exception : null;
  const LinkError = rt.LinkError as ErrorConstructor;
  const { toWasm, toJS, trap, sigParts } = rt;
  /** Payload types of a tag type (tag types are full function type strings, "params:"). */
  const paramsOf = (type: string): string[] => sigParts(type).params;
  const traps = rt.traps as WeakSet<object>;
  const hostErrors = rt.hostErrors as WeakSet<object>;
  const settle = rt.settle as (e: unknown) => void;
  const { stackOverflow, hostError } = rt;
  /**
   * Whether a thrown value must not be caught by any Wasm handler: a trap, a
   * memory access out of bounds (a RangeError JS did not throw), or a stack
   * overflow (V8 makes every real stack overflow uncatchable, even one in JS code
   * called from Wasm). A RangeError that JS code constructs with the stack
   * overflow's message cannot be told apart without engine support: it is treated
   * as a stack overflow too (documented limitation, docs/exceptions.md).
   */
  function uncatchable(e: unknown): boolean {
    settle(e);
    if (e === null || typeof e !== 'object') return false;
    if (traps.has(e)) return true;
    return e instanceof RangeError && (!hostErrors.has(e) || stackOverflow(e));
  }

  // The JS API's ValueType names a tag can have ('funcref' is none of them). A
  // Map, not an object literal: 'constructor' or '__proto__' must be no type.
  const TYPE_CHARS = new Map<string, string>([
    ['i32', 'i'], ['i64', 'j'], ['f32', 'f'], ['f64', 'd'], ['externref', 'e'], ['anyfunc', 'r'],
  ]);
  /** The function type string of each tag this runtime knows ("ij:" ...); unknown for host-made native tags. */
  const tagTypes = new WeakMap<object, string>();
  const INTERNAL = Symbol('wasm2es.internal');

  class Tag {
    constructor(desc: any) {
      if (desc === null || typeof desc !== 'object') throw new TypeError('Tag descriptor must be an object');
      const ps = desc.parameters;
      if (ps === undefined || ps === null || typeof ps[Symbol.iterator] !== 'function') {
        throw new TypeError('Tag descriptor needs an iterable `parameters`');
      }
      let sig = '';
      for (const p of ps) {
        const c = TYPE_CHARS.get(String(p));
        if (c === undefined) throw new TypeError(`invalid tag parameter type ${String(p)}`);
        sig += c;
      }
      tagTypes.set(this, sig + ':');
    }
  }
  Object.defineProperty(Tag.prototype, Symbol.toStringTag, { value: 'WebAssembly.Tag', configurable: true });

  /** The tag constructor JS sees: the host's when it has one. */
  const TagClass = NativeTag ?? Tag;
  /**
   * Tags of types the host's engine does not have (exnref payloads, typed
   * references, recursion groups on Node 20; the JS tag where the host has
   * none). Where the host has tags at all, each is a real native tag of another
   * type (no parameters), so the host's `is` answers for it (false, for every
   * exception Wasm did not throw with it); its real type is in `tagTypes`, and
   * the runtime never hands it to the host's Exception constructor (toHost,
   * exceptionClass) nor trusts an exception the host made with it (payloadOf).
   */
  const standIns = new WeakSet<object>();
  function standIn(params: string[]): object {
    const t = NativeTag ? new NativeTag({ parameters: params }) : Object.create(Tag.prototype);
    standIns.add(t);
    return t;
  }
  const JS_NAMES: Record<string, string> = { i: 'i32', j: 'i64', f: 'f32', d: 'f64', e: 'externref', r: 'anyfunc' };

  /** A tag defined by a module instance, of function type `sig` (results empty). */
  function newTag(sig: string): object {
    let t: object;
    const types: string[] = paramsOf(sig);
    if (NativeTag && sig[0] !== '{' && types.every((c) => JS_NAMES[c] !== undefined)) {
      t = new NativeTag({ parameters: types.map((c) => JS_NAMES[c]) });
    } else if (NativeTag) {
      // A type the Tag constructor cannot describe: a native module defines
      // the tag where the engine has the type, else a stand-in.
      t = rt.nativeTag(sig) ?? standIn([]);
    } else {
      t = Object.create(Tag.prototype);
    }
    tagTypes.set(t, sig);
    return t;
  }

  function isTag(t: unknown): boolean {
    return t instanceof Tag || (NativeTag !== null && t instanceof NativeTag);
  }

  function importTag(imports: any, mod: string, name: string, sig: string): object {
    const v = rt.lookup(imports, mod, name);
    if (!isTag(v)) throw new LinkError(`import ${JSON.stringify(mod)} ${JSON.stringify(name)}: tag import requires a WebAssembly.Tag`);
    let known = tagTypes.get(v);
    if (known === undefined) {
      // A native tag made by JS or a native instance: the engine tells its type
      // (native.ts); a host that compiles no Wasm is asked through exceptions.
      const fits = standIns.has(v) ? false : rt.nativeTagFits(v, sig) ?? probeNativeTag(v, sig);
      known = fits ? sig : '?';
      if (fits) tagTypes.set(v, sig);
    }
    if (known !== sig) throw new LinkError(`import ${JSON.stringify(mod)} ${JSON.stringify(name)}: imported tag does not match the expected type`);
    return v;
  }

  /**
   * Whether a native tag made by JS (whose type is not observable in Node 20) has
   * parameter signature `sig`: construct an exception with a probe value per
   * parameter that each candidate type converts differently, and read it back.
   */
  function probeNativeTag(tag: object, sig: string): boolean {
    if (sig[0] === '{') return false;
    const types: string[] = paramsOf(sig);
    if (NativeException === null || !types.every((c) => 'ijfder'.includes(c))) return false;
    const probe = (c: string) => (c === 'j' ? '5' : c === 'r' ? null : '0.1');
    const want: Record<string, unknown> = { i: 0, j: 5n, f: Math.fround(0.1), d: 0.1, e: '0.1', r: null };
    let e: any;
    try {
      e = new NativeException(tag, types.map(probe));
    } catch {
      return false;
    }
    // Node 20 does not check the payload length: a tag with more parameters pads
    // the payload, so reading past our arity must fail; one with fewer fails below.
    try {
      e.getArg(tag, types.length);
      return false;
    } catch {
      // index out of range: the arity is at most ours
    }
    try {
      return probeValues(tag, types, e, probe, want);
    } catch {
      return false;
    }
  }
  function probeValues(tag: object, sig: string[], e: any, probe: (c: string) => unknown, want: Record<string, unknown>): boolean {
    for (let i = 0; i < sig.length; i++) {
      if (!Object.is(e.getArg(tag, i), want[sig[i]])) return false;
      if (sig[i] === 'r') {
        // funcref and externref both accept null; only externref accepts an object.
        const vals: any[] = sig.map(probe);
        vals[i] = {};
        try {
          new NativeException(tag, vals);
          return false;
        } catch {
          // rejected: a funcref parameter
        }
      }
    }
    return true;
  }

  /** The JS API's brand check for `is` / `getArg` (every exception has its payload array). */
  function checkExn(e: any, what: string): void {
    if (!(e instanceof Exception) || !Array.isArray(e.payload)) {
      throw new TypeError(`WebAssembly.Exception.prototype.${what}: the receiver is not a WebAssembly.Exception`);
    }
  }

  /**
   * The runtime's exception object. Wasm creates it without checks (`exn`); JS may
   * construct it (it is `WebAssembly.Exception` where the host has none), with the
   * JS API's checks and conversions.
   */
  class Exception {
    tag: object;
    payload: any[];
    /** The native WebAssembly.Exception standing for this one in JS, once it escaped. */
    js: any;
    stack?: string;
    constructor(tag: any, payload: any, options?: any) {
      if (tag === INTERNAL) {
        // Internal construction: fields are set by `exn`.
        this.tag = null as any;
        this.payload = null as any;
        this.js = null;
        return;
      }
      if (!isTag(tag)) throw new TypeError('Exception: first argument must be a WebAssembly.Tag');
      // Only Wasm may throw with the JS tag (JS throws the value itself).
      if (tag === JSTag) throw new TypeError('Exception: WebAssembly.JSTag cannot be used to construct an exception');
      const sig = tagTypes.get(tag);
      if (sig === undefined) throw new TypeError('Exception: tag of unknown type');
      if (payload === null || payload === undefined || typeof payload[Symbol.iterator] !== 'function') {
        throw new TypeError('Exception: payload must be iterable');
      }
      const vals: any[] = [null];
      vals.pop();
      for (const v of payload) vals.push(v);
      const types: string[] = paramsOf(sig);
      if (vals.length !== types.length) throw new TypeError('Exception: payload has the wrong number of values');
      for (let i = 0; i < vals.length; i++) vals[i] = toWasm(types[i], vals[i]);
      this.tag = tag;
      this.payload = vals;
      this.js = null;
      if (options !== undefined && options !== null && options.traceStack) {
        this.stack = new Error().stack;
      }
    }
    is(tag: any): boolean {
      checkExn(this, 'is');
      if (!isTag(tag)) throw new TypeError('Exception.is: argument must be a WebAssembly.Tag');
      return this.tag === tag;
    }
    getArg(tag: any, index: any): any {
      checkExn(this, 'getArg');
      if (!isTag(tag)) throw new TypeError('Exception.getArg: first argument must be a WebAssembly.Tag');
      const i = rt.enforceU32(index, 'Exception.getArg: index');
      if (tag !== this.tag) throw new TypeError('Exception.getArg: tag does not match');
      if (i >= this.payload.length) throw new RangeError('Exception.getArg: index out of range');
      return toJS(paramsOf(tagTypes.get(tag)!)[i], this.payload[i]);
    }
  }
  rt.webidl(Exception, 2, 'WebAssembly.Exception');
  // Exceptions that cannot become native ones (tags the host cannot make) still
  // reach JS as `instanceof WebAssembly.Exception`, with our is/getArg.
  if (NativeException !== null) Object.setPrototypeOf(Exception.prototype, NativeException.prototype);
  /** `throw` in Wasm: exn(tag, ...values). `arguments` keeps NaN payload bits (values.ts). */
  function exn(tag: object): Exception {
    const e = new Exception(INTERNAL, null);
    const n = arguments.length - 1;
    const p = new Array(n).fill(null);
    for (let i = 0; i < n; i++) p[i] = arguments[i + 1];
    e.tag = tag;
    e.payload = p;
    return e;
  }

  // Where the host has no JSTag, ours is a stand-in (see standIns): `instanceof
  // WebAssembly.Tag`, and the runtime's Exception constructor refuses it.
  const JSTag: object = W && W.JSTag ? W.JSTag : standIn(NativeTag ? ['externref'] : []);
  tagTypes.set(JSTag, 'e:');

  /** An exnref made from a JS value (catch_all_ref on a non-Wasm exception). */
  class HostExn {
    value: unknown;
    constructor(value: unknown) {
      this.value = value;
    }
  }
  function isWasmExn(e: unknown): boolean {
    return e instanceof Exception || (NativeException !== null && e instanceof NativeException);
  }
  /** The exnref for a caught value. */
  function exnref(e: unknown): object {
    return isWasmExn(e) ? (e as object) : new HostExn(e);
  }
  /** throw_ref: the value to throw again. */
  function rethrowable(x: any): unknown {
    if (x === null) trap('null exception reference');
    return x instanceof HostExn ? x.value : x;
  }

  /**
   * The runtime exception behind each native one toHost made. Such a native
   * exception can come back into Wasm through a JS frame (an import that calls an
   * export); a handler then reads the original payload, as an engine would: its
   * values went to JS Numbers and into the host's exception object, which
   * canonicalizes NaNs (f32 and f64 alike), so reading them back with getArg
   * would lose NaN bits.
   */
  const hostOf = new WeakMap<object, Exception>();

  /**
   * A catch clause's test: the payload (internal values) if `e` was thrown with
   * `tag`, else null. `sig` is the tag's parameter signature as the catching
   * module declares it.
   */
  function payloadOf(e: any, tag: object, sig: string): any[] | null {
    if (e instanceof Exception) return e.tag === tag ? e.payload : null;
    if (NativeException !== null && e instanceof NativeException) {
      const own = hostOf.get(e);
      if (own !== undefined) return own.tag === tag ? own.payload : null;
      if (standIns.has(tag) || !e.is(tag)) return null;
      const types: string[] = paramsOf(sig);
      const p = new Array(types.length).fill(null);
      for (let i = 0; i < types.length; i++) p[i] = toWasm(types[i], e.getArg(tag, i));
      return p;
    }
    // Anything else is a JS exception: it carries the JS tag and itself as payload.
    return tag === JSTag ? [e] : null;
  }

  /** An exception leaving Wasm for a JS caller: what JS must see. */
  function toHost(e: any): unknown {
    if (!(e instanceof Exception)) return hostError(e);
    settle(e);
    if (e.tag === JSTag) return e.payload[0];
    if (NativeException === null || standIns.has(e.tag) || !(NativeTag !== null && e.tag instanceof NativeTag)) return e;
    if (e.js === null) {
      const types: string[] = paramsOf(tagTypes.get(e.tag)!);
      const vals = new Array(types.length).fill(null);
      for (let i = 0; i < types.length; i++) vals[i] = toJS(types[i], e.payload[i]);
      try {
        e.js = new NativeException(e.tag, vals);
        hostOf.set(e.js, e);
      } catch {
        // Newer engines accept only their own functions as funcref payloads: the
        // runtime's object (also `instanceof WebAssembly.Exception`) stands in.
        e.js = e;
      }
    }
    return e.js;
  }

  /**
   * The Exception constructor JS gets: the host's, unless it skips a check the
   * JS API requires. Node 20's accepts a payload of the wrong length (padding
   * or cutting it) and one for our JSTag look-alike's type; then it is a
   * constructor that checks first and makes the host's exception. Its
   * `prototype` is the host's, so every exception is `instanceof` both.
   */
  function exceptionClass(): any {
    if (NativeException === null) return Exception;
    try {
      new NativeException(new NativeTag({ parameters: ['i32'] }), []);
    } catch {
      return NativeException;
    }
    const arities = new WeakMap<object, number>();
    /** A native tag's parameter count: its exception with an empty payload, padded, tells. */
    const arityOf = (tag: object): number => {
      const sig = tagTypes.get(tag);
      if (sig !== undefined) return paramsOf(sig).length;
      let n = arities.get(tag);
      if (n === undefined) {
        n = 0;
        try {
          const e = new NativeException(tag, []);
          for (;;) {
            e.getArg(tag, n);
            n++;
          }
        } catch {
          // past the last parameter
        }
        arities.set(tag, n);
      }
      return n;
    };
    const C = function (this: unknown, tag: any, payload: any, options?: any): object {
      if (new.target === undefined) throw new TypeError("Constructor WebAssembly.Exception requires 'new'");
      if (!isTag(tag)) throw new TypeError('Exception: first argument must be a WebAssembly.Tag');
      if (payload === null || payload === undefined || typeof payload[Symbol.iterator] !== 'function') {
        throw new TypeError('Exception: payload must be iterable');
      }
      const vals: any[] = [null];
      vals.pop();
      for (const v of payload) vals.push(v);
      if (tag === JSTag) throw new TypeError('Exception: WebAssembly.JSTag cannot be used to construct an exception');
      // A stand-in's exception is the runtime's (its payload types are not the host's).
      if (standIns.has(tag)) return new Exception(tag, vals, options);
      if (vals.length !== arityOf(tag)) throw new TypeError('Exception: payload has the wrong number of values');
      return Reflect.construct(NativeException, [tag, vals, options], NativeException);
    };
    Object.defineProperty(C, 'name', { value: 'Exception', configurable: true });
    Object.defineProperty(C, 'prototype', { value: NativeException.prototype, writable: false });
    Object.defineProperty(C, 'length', { value: 2, configurable: true });
    return C;
  }

  return {
    uncatchable, Tag: TagClass, Exception: exceptionClass(),
    JSTag, newTag, importTag, isTag, tagTypes, exn, exnref, rethrowable, payloadOf, toHost, HostExn,
  };
}
