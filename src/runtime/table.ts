// Tables and globals as JS API objects. Compiled code reads the internal slots
// directly (`_e`, the element array, grown in place so its identity never changes;
// `v`, a global's internal value).
//
// Self-contained factory: see errors.ts.

export function defineTable(_g: any, rt: any) {
  const { toWasm, toJS, refInfo } = rt;
  const toU32 = rt.enforceU32 as (v: unknown, what: string) => number;
  const elemChar = (e: unknown): string => {
    if (e === 'anyfunc' || e === 'funcref') return 'r';
    if (e === 'externref') return 'e';
    throw new TypeError(`invalid table element type ${String(e)}`);
  };
  const valueChar = (e: unknown): string => {
    switch (e) {
      case 'i32': return 'i';
      case 'i64': return 'j';
      case 'f32': return 'f';
      case 'f64': return 'd';
      case 'anyfunc': case 'funcref': return 'r';
      case 'externref': return 'e';
      default: throw new TypeError(`invalid global value type ${String(e)}`);
    }
  };
  const MAX_TABLE = 10000000;
  /** A WebIDL dictionary argument: undefined, null or an object. */
  const dictionary = (desc: any, what: string): void => {
    if (desc !== undefined && desc !== null && typeof desc !== 'object' && typeof desc !== 'function') {
      throw new TypeError(`${what} descriptor must be an object`);
    }
  };
  /** Every Table / Global made here: the JS API's brand checks. */
  const tables = new WeakSet<object>();
  const globals = new WeakSet<object>();
  const isTable = (v: unknown): boolean => typeof v === 'object' && v !== null && tables.has(v);
  const isGlobal = (v: unknown): boolean => typeof v === 'object' && v !== null && globals.has(v);
  const check = (set: WeakSet<object>, v: unknown, what: string): void => {
    if (typeof v !== 'object' || v === null || !set.has(v)) throw new TypeError(`WebAssembly.${what}: the receiver is of the wrong type`);
  };

  class Table {
    _e: any[];
    _t: string;
    _max: number | null;
    constructor(desc: any, value?: any) {
      dictionary(desc, 'Table');
      // Members read once each, in the order the JS API tests observe, and
      // converted as they are read.
      const element = desc?.element;
      if (element === undefined) throw new TypeError('Table descriptor needs `element`');
      this._t = elemChar(`${element}`);
      const address = desc.address;
      if (address !== undefined) {
        const a = `${address}`;
        if (a === 'i64') throw new TypeError('tables with i64 addresses (memory64) are not supported');
        if (a !== 'i32') throw new TypeError(`invalid table address type ${a}`);
      }
      const init0 = desc.initial;
      if (init0 === undefined) throw new TypeError('Table descriptor needs `initial`');
      const initial = toU32(init0, 'initial');
      const max = desc.maximum;
      const maximum = max === undefined ? null : toU32(max, 'maximum');
      if (initial > MAX_TABLE) throw new RangeError('initial table size too large');
      if (maximum !== null && maximum < initial) throw new RangeError('invalid maximum table size');
      const init = arguments.length < 2 ? (this._t === 'e' ? undefined : null) : toWasm(this._t, value);
      this._e = new Array(initial).fill(init);
      this._max = maximum;
      tables.add(this);
    }
    get length(): number {
      check(tables, this, 'Table.prototype.length');
      return this._e.length;
    }
    get(index: unknown): any {
      check(tables, this, 'Table.prototype.get');
      const i = toU32(index, 'index');
      if (i >= this._e.length) throw new RangeError('table index out of bounds');
      return toJS(this._t, this._e[i]);
    }
    set(index: unknown, value?: any): void {
      check(tables, this, 'Table.prototype.set');
      const i = toU32(index, 'index');
      if (i >= this._e.length) throw new RangeError('table index out of bounds');
      this._e[i] = arguments.length < 2 ? (this._t === 'e' ? undefined : null) : toWasm(this._t, value);
    }
    grow(delta: unknown, value?: any): number {
      check(tables, this, 'Table.prototype.grow');
      const d = toU32(delta, 'delta');
      const init = arguments.length < 2 ? (this._t === 'e' ? undefined : null) : toWasm(this._t, value);
      const r = this._grow(d, init);
      if (r < 0) throw new RangeError('failed to grow table');
      return r;
    }
    /** table.grow: the old length, or -1. */
    _grow(delta: number, init: any): number {
      const old = this._e.length;
      if (old + delta > (this._max ?? 0xffffffff) || old + delta > MAX_TABLE) return -1;
      for (let i = 0; i < delta; i++) this._e.push(init);
      return old;
    }
  }
  rt.webidl(Table, 1, 'WebAssembly.Table', { set: 1, grow: 1 });

  class Global {
    _t: string;
    _m: boolean;
    v: any;
    constructor(desc: any, value?: any) {
      dictionary(desc, 'Global');
      // Members in lexicographic order ("mutable", "value"), as WebIDL reads them.
      const mutable = !!desc?.mutable;
      const type = desc?.value;
      if (type === undefined) throw new TypeError('Global descriptor needs `value`');
      this._t = valueChar(`${type}`);
      this._m = mutable;
      this.v = value === undefined ? defaultOf(this._t) : toWasm(this._t, value);
      globals.add(this);
    }
    get value(): any {
      check(globals, this, 'Global.prototype.value');
      return toJS(this._t, this.v);
    }
    set value(x: any) {
      check(globals, this, 'Global.prototype.value');
      if (!this._m) throw new TypeError("Can't set the value of an immutable global.");
      this.v = toWasm(this._t, x);
    }
    valueOf(): any {
      check(globals, this, 'Global.prototype.valueOf');
      return toJS(this._t, this.v);
    }
  }
  rt.webidl(Global, 1, 'WebAssembly.Global');
  // As for memories: `instanceof WebAssembly.Table/Global` holds where the host has them.
  const W = _g.WebAssembly;
  if (W && typeof W.Table === 'function') Object.setPrototypeOf(Table.prototype, W.Table.prototype);
  if (W && typeof W.Global === 'function') Object.setPrototypeOf(Global.prototype, W.Global.prototype);
  function defaultOf(t: string): any {
    switch (t) {
      case 'i': case 'f': case 'd': return 0;
      case 'j': return 0n;
      case 'e': return undefined;
      default: return null;
    }
  }
  /**
   * A table defined by a module, of any reference type `t` (types.ts), every slot
   * holding `init` (an internal value).
   */
  function newTable(t: string, initial: number, maximum: number | null, init: any): any {
    const family = refInfo(t)?.family;
    const desc: any = { element: family === 'extern' ? 'externref' : 'anyfunc', initial };
    if (maximum !== null) desc.maximum = maximum;
    const table = new Table(desc, null);
    table._t = t;
    if (init !== null) table._e.fill(init);
    return table;
  }
  /** A Global of a type the JS API cannot name (exnref, typed references). */
  function globalCell(t: string, mutable: boolean, v: any): any {
    const g = Object.create(Global.prototype);
    g._t = t;
    g._m = mutable;
    g.v = v;
    globals.add(g);
    return g;
  }
  /** A native WebAssembly.Global seen through the internal-slot interface. */
  function adoptNativeGlobal(n: any, t: string, mutable: boolean): any {
    return {
      native: n, _t: t, _m: mutable,
      get v() { return toWasm(t, n.value); },
      set v(x: any) { n.value = toJS(t, x); },
    };
  }

  /**
   * A native WebAssembly.Table seen through the Table interface. Compiled code
   * indexes `_e` like an array; here `_e` is a proxy forwarding to the native
   * table (slower, but the same semantics). Only functions of native instances can
   * be stored into a native table: storing a compiled function there is the host's
   * TypeError.
   */
  function adoptNativeTable(n: any, t: string): any {
    const e = new Proxy([] as any[], {
      get(_target, key) {
        if (key === 'length') return n.length;
        if (typeof key === 'string' && /^\d+$/.test(key)) {
          const i = Number(key);
          return i < n.length ? toWasm(t, n.get(i)) : undefined;
        }
        return undefined;
      },
      set(_target, key, value) {
        if (typeof key === 'string' && /^\d+$/.test(key)) n.set(Number(key), toJS(t, value));
        return true;
      },
    });
    return {
      native: n, _t: t, _max: null, _e: e,
      _grow(delta: number, init: any): number {
        try {
          return n.grow(delta, toJS(t, init));
        } catch {
          return -1;
        }
      },
    };
  }

  return { Table, Global, isTable, isGlobal, newTable, globalCell, adoptNativeGlobal, adoptNativeTable, valueChar, elemChar };
}
