// Import resolution for instantiation, following the JS API's "read the imports"
// algorithm: a missing or wrong-kind import is a LinkError naming it.
//
// A native memory, table or global (the host engine's own object) is used
// through an adopter, one per object and runtime, kept in a WeakMap: nothing is
// written onto the host's objects. Its type is checked by the engine itself
// (native.ts), so the same imports link or fail as they would natively.
//
// Self-contained factory: see errors.ts.

export function defineLink(g: any, rt: any) {
  const LinkError = rt.LinkError as ErrorConstructor;
  // Brand checks, not instanceof: Object.create(WebAssembly.Memory.prototype) is no memory.
  const { isMemory, isTable, isGlobal, adoptNativeMemory, adoptNativeGlobal, adoptNativeTable, toWasm, isSubtype, sameType } = rt;
  const { nativeMemoryFits, nativeTableFits, nativeGlobalFits } = rt;
  const adopted = new WeakMap<object, any>();
  const adopt = (v: object, make: () => any): any => {
    let a = adopted.get(v);
    if (a === undefined) adopted.set(v, (a = make()));
    return a;
  };
  /** The engine's answer, or (host that compiles no Wasm) what JS can observe. */
  const fits = (engine: boolean | undefined, observed: () => boolean): boolean => (engine === undefined ? observed() : engine);
  const W = g.WebAssembly;
  /** A brand check for the host's objects: its own getter refuses anything else. */
  const nativeBrand = (C: any, prop: string): ((v: unknown) => boolean) => {
    const get = C ? Object.getOwnPropertyDescriptor(C.prototype, prop)?.get : undefined;
    return (v) => {
      if (!get || typeof v !== 'object' || v === null) return false;
      try {
        get.call(v);
        return true;
      } catch {
        return false;
      }
    };
  };
  const isNativeMemory = nativeBrand(W?.Memory, 'buffer');
  const isNativeTable = nativeBrand(W?.Table, 'length');
  const isNativeGlobal = nativeBrand(W?.Global, 'value');

  /** imports[module][name], with the JS API's TypeErrors for a bad import object. */
  function lookup(imports: any, mod: string, name: string): any {
    if (imports === undefined || imports === null || typeof imports !== 'object') {
      throw new TypeError('the imports argument must be present and must be an object');
    }
    const o = imports[mod];
    if (o === null || (typeof o !== 'object' && typeof o !== 'function')) {
      throw new TypeError(`import ${JSON.stringify(mod)}: module is not an object or function`);
    }
    return o[name];
  }
  const where = (mod: string, name: string) => `import ${JSON.stringify(mod)} ${JSON.stringify(name)}`;

  function limitsFit(size: number, max: number | null, min: number, wantMax: number | null): boolean {
    if (size < min) return false;
    if (wantMax !== null) {
      if (max === null || max > wantMax) return false;
    }
    return true;
  }

  function importMemory(imports: any, mod: string, name: string, min: number, max: number | null): any {
    const v = lookup(imports, mod, name);
    let m: any;
    if (isMemory(v)) m = v;
    else if (isNativeMemory(v)) {
      // Without the engine: only the size is observable, not the maximum.
      if (!fits(nativeMemoryFits(v, min, max), () => v.buffer.byteLength / 65536 >= min)) {
        throw new LinkError(`${where(mod, name)}: memory import has incompatible limits`);
      }
      m = adopt(v, () => adoptNativeMemory(v));
    } else throw new LinkError(`${where(mod, name)}: memory import requires a WebAssembly.Memory`);
    // Compiled modules only declare unshared memories (threads are unsupported):
    // a shared one does not match, as the JS API's import matching says.
    if (typeof g.SharedArrayBuffer === 'function' && m._buf instanceof g.SharedArrayBuffer) {
      throw new LinkError(`${where(mod, name)}: memory import requires an unshared memory`);
    }
    const pages = m._buf.byteLength / 65536;
    if (!m.native && !limitsFit(pages, m._max, min, max)) {
      throw new LinkError(`${where(mod, name)}: memory import has incompatible limits`);
    }
    return m;
  }

  function importTable(imports: any, mod: string, name: string, elem: string, min: number, max: number | null): any {
    let v = lookup(imports, mod, name);
    // Ours first: our tables are also `instanceof WebAssembly.Table`.
    if (!isTable(v) && isNativeTable(v)) {
      // Without the engine, the element type and maximum are not observable.
      if (!fits(nativeTableFits(v, elem, min, max), () => v.length >= min)) {
        throw new LinkError(`${where(mod, name)}: imported table does not match the expected type`);
      }
      return adopt(v, () => adoptNativeTable(v, elem));
    }
    if (!isTable(v)) throw new LinkError(`${where(mod, name)}: table import requires a WebAssembly.Table`);
    // Tables are invariant in their element type.
    if (!sameType(v._t, elem)) throw new LinkError(`${where(mod, name)}: table import has a different element type`);
    if (!limitsFit(v._e.length, v._max, min, max)) {
      throw new LinkError(`${where(mod, name)}: table import has incompatible limits`);
    }
    return v;
  }

  /**
   * A global import. Returns a cell with `v` (for mutable globals, and for any
   * global given as a Global object), or for an immutable global given as a plain
   * value, a fresh immutable Global holding it.
   */
  function importGlobal(imports: any, mod: string, name: string, t: string, mutable: boolean): any {
    const v = lookup(imports, mod, name);
    if (isGlobal(v)) {
      // Mutable globals are invariant; an immutable one may have a subtype.
      const fits = mutable ? sameType(v._t, t) : isSubtype(v._t, t);
      if (!fits || v._m !== mutable) throw new LinkError(`${where(mod, name)}: imported global does not match the expected type`);
      return v;
    }
    if (isNativeGlobal(v)) {
      // Without the engine, type and mutability are only partly observable: trusted.
      if (!fits(nativeGlobalFits(v, t, mutable), () => true)) {
        throw new LinkError(`${where(mod, name)}: imported global does not match the expected type`);
      }
      // An adopter per import: an immutable global may be imported at a supertype.
      return adoptNativeGlobal(v, t, mutable);
    }
    if (mutable) throw new LinkError(`${where(mod, name)}: imported mutable global must be a WebAssembly.Global object`);
    if (t === 'j' && typeof v !== 'bigint') throw new LinkError(`${where(mod, name)}: global import must be a BigInt`);
    if ((t === 'i' || t === 'f' || t === 'd') && typeof v !== 'number') {
      throw new LinkError(`${where(mod, name)}: global import must be a number`);
    }
    return rt.globalCell(t, false, toWasm(t, v));
  }

  function importFunction(imports: any, mod: string, name: string, t: string): any {
    return rt.importFunc(lookup(imports, mod, name), t, where(mod, name));
  }

  return { lookup, importMemory, importTable, importGlobal, importFunction };
}
