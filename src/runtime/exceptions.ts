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
// (errors.ts), and call-stack exhaustion is recognized by its RangeError.
//
// Self-contained factory: see errors.ts.

export function defineExceptions(g: any, rt: any) {
  const W = g.WebAssembly;
  const NativeTag = W && typeof W.Tag === 'function' ? W.Tag : null;
  const NativeException = W && typeof W.Exception === 'function' ? W.Exception : null;
  const LinkError = rt.LinkError as ErrorConstructor;
  const { toWasm, toJS, trap } = rt;
  const traps = rt.traps as WeakSet<object>;
  /** Whether a thrown value must not be caught by any Wasm handler. */
  function uncatchable(e: unknown): boolean {
    if (e === null || typeof e !== 'object') return false;
    if (traps.has(e)) return true;
    return e instanceof RangeError && /call stack/i.test((e as Error).message);
  }

  const TYPE_CHARS: Record<string, string> = {
    i32: 'i', i64: 'j', f32: 'f', f64: 'd', externref: 'e', anyfunc: 'r', funcref: 'r', exnref: 'x',
  };
  /** Parameter signature of each tag this runtime knows ("ij" ...); unknown for host-made native tags. */
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
        const c = TYPE_CHARS[String(p)];
        if (!c || c === 'x') throw new TypeError(`invalid tag parameter type ${String(p)}`);
        sig += c;
      }
      tagTypes.set(this, sig);
    }
  }
  Object.defineProperty(Tag.prototype, Symbol.toStringTag, { value: 'WebAssembly.Tag', configurable: true });

  /** The tag constructor JS sees: the host's when it has one. */
  const TagClass = NativeTag ?? Tag;
  const JS_NAMES: Record<string, string> = { i: 'i32', j: 'i64', f: 'f32', d: 'f64', e: 'externref', r: 'anyfunc' };

  /** A tag defined by a module instance, of parameter signature `sig`. */
  function newTag(sig: string): object {
    let t: object;
    if (NativeTag && sig.indexOf('x') < 0) {
      t = new NativeTag({ parameters: [...sig].map((c) => JS_NAMES[c]) });
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
    const known = tagTypes.get(v);
    if (known === undefined) tagTypes.set(v, sig);
    else if (known !== sig) throw new LinkError(`import ${JSON.stringify(mod)} ${JSON.stringify(name)}: imported tag does not match the expected type`);
    return v;
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
      const sig = tagTypes.get(tag);
      if (sig === undefined) throw new TypeError('Exception: tag of unknown type');
      if (payload === null || payload === undefined || typeof payload[Symbol.iterator] !== 'function') {
        throw new TypeError('Exception: payload must be iterable');
      }
      const vals: any[] = [null];
      vals.pop();
      for (const v of payload) vals.push(v);
      if (vals.length !== sig.length) throw new TypeError('Exception: payload has the wrong number of values');
      for (let i = 0; i < vals.length; i++) vals[i] = toWasm(sig[i], vals[i]);
      this.tag = tag;
      this.payload = vals;
      this.js = null;
      if (options !== undefined && options !== null && options.traceStack) {
        this.stack = new Error().stack;
      }
    }
    is(tag: any): boolean {
      if (!isTag(tag)) throw new TypeError('Exception.is: argument must be a WebAssembly.Tag');
      return this.tag === tag;
    }
    getArg(tag: any, index: any): any {
      if (!isTag(tag)) throw new TypeError('Exception.getArg: first argument must be a WebAssembly.Tag');
      if (tag !== this.tag) throw new TypeError('Exception.getArg: tag does not match');
      const i = Number(index);
      if (!(i >= 0 && i < this.payload.length) || Math.trunc(i) !== i) throw new RangeError('Exception.getArg: index out of range');
      return toJS(tagTypes.get(tag)![i], this.payload[i]);
    }
  }
  Object.defineProperty(Exception.prototype, Symbol.toStringTag, { value: 'WebAssembly.Exception', configurable: true });

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

  const JSTag: object = W && W.JSTag ? W.JSTag : newTag('e');
  tagTypes.set(JSTag, 'e');

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
   * A catch clause's test: the payload (internal values) if `e` was thrown with
   * `tag`, else null. `sig` is the tag's parameter signature as the catching
   * module declares it.
   */
  function payloadOf(e: any, tag: object, sig: string): any[] | null {
    if (e instanceof Exception) return e.tag === tag ? e.payload : null;
    if (NativeException !== null && e instanceof NativeException) {
      if (!e.is(tag)) return null;
      const p = new Array(sig.length).fill(null);
      for (let i = 0; i < sig.length; i++) p[i] = toWasm(sig[i], e.getArg(tag, i));
      return p;
    }
    // Anything else is a JS exception: it carries the JS tag and itself as payload.
    return tag === JSTag ? [e] : null;
  }

  /** An exception leaving Wasm for a JS caller: what JS must see. */
  function toHost(e: any): unknown {
    if (!(e instanceof Exception)) return e;
    if (e.tag === JSTag) return e.payload[0];
    if (NativeException === null || !(NativeTag !== null && e.tag instanceof NativeTag)) return e;
    if (e.js === null) {
      const sig = tagTypes.get(e.tag)!;
      const vals = new Array(sig.length).fill(null);
      for (let i = 0; i < sig.length; i++) vals[i] = toJS(sig[i], e.payload[i]);
      e.js = new NativeException(e.tag, vals);
    }
    return e.js;
  }

  return {
    uncatchable, Tag: TagClass, OwnTag: Tag, Exception: NativeException ?? Exception, OwnException: Exception,
    JSTag, newTag, importTag, isTag, tagTypes, exn, exnref, rethrowable, payloadOf, toHost, HostExn,
  };
}
