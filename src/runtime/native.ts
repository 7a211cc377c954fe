// Objects of the host's own WebAssembly engine (a native instance's functions,
// memories, tables, globals and tags) and their exact types.
//
// The JS API lets JS observe little of a native object's type (Node 20 has no
// type reflection), yet linking and call_indirect must check it exactly as an
// engine does. So the engine is asked: a tiny native module that imports the
// object at the type in question is instantiated with it, and a LinkError means
// the type does not match. The answer is exact by construction (the engine's
// own import matching), and a type the engine cannot express at all (its
// validator rejects the probe module) is one no object of that engine has.
// Modules are compiled once per type; answers for functions are cached per
// (function, type), since a function's type never changes.
//
// Where the host refuses to compile Wasm at all (a Content-Security-Policy
// without 'wasm-unsafe-eval'), no native function can exist, but JS can still
// make native memories, tables, globals and tags; `probe` then answers
// undefined and the callers fall back to what JS can observe.
//
// Self-contained factory: see errors.ts.

export function defineNative(g: any, rt: any) {
  const W = g.WebAssembly;
  const refInfo = rt.refInfo;

  // ---- encoding types of the runtime's alphabet (types.ts) as Wasm binary ----
  const u32 = (n: number, out: number[]): void => {
    do {
      let b = n & 0x7f;
      n = Math.floor(n / 128);
      if (n) b |= 0x80;
      out.push(b);
    } while (n);
  };
  /** A type index as a heap type (s33; indices are non-negative). */
  const s33 = (n: number, out: number[]): void => {
    for (;;) {
      const b = n & 0x7f;
      n = Math.floor(n / 128);
      if (n === 0 && !(b & 0x40)) return void out.push(b);
      out.push(b | 0x80);
    }
  };
  const name = (s: string, out: number[]): void => {
    out.push(s.length);
    for (let i = 0; i < s.length; i++) out.push(s.charCodeAt(i));
  };
  const SIMPLE: Record<string, number> = { i: 0x7f, j: 0x7e, f: 0x7d, d: 0x7c, v: 0x7b, r: 0x70, e: 0x6f, x: 0x69 };
  const HEAPS: Record<string, number> = { func: 0x70, extern: 0x6f, exn: 0x69, nofunc: 0x73, noextern: 0x72, noexn: 0x74 };

  /** A type section under construction: entries (recursion groups) and the index of each type string. */
  function typeSection() {
    const entries: number[][] = [];
    const index = new Map<string, number>();
    let count = 0;
    /** Appends a value type; `group` is the index of the enclosing group's first type (for #k). */
    const valType = (t: string, group: number, out: number[]): void => {
      if (Object.prototype.hasOwnProperty.call(SIMPLE, t)) return void out.push(SIMPLE[t]);
      const ref = refInfo(t);
      out.push(ref.nullable ? 0x63 : 0x64);
      const h: string = ref.heap;
      if (h[0] === '[') s33(typeIndex(h.slice(1, -1)), out);
      else if (h[0] === '#') s33(group + Number(h.slice(1)), out);
      else out.push(HEAPS[h]);
    };
    /** The concrete types a member string refers to outside its group: defined first. */
    const deps = (member: string): void => {
      const { params, results } = rt.memberParts(member.replace(/^~/, ''));
      for (const t of [...params, ...results]) {
        const ref = t.length > 1 ? refInfo(t) : null;
        if (ref && ref.heap[0] === '[') typeIndex(ref.heap.slice(1, -1));
      }
    };
    const funcType = (member: string, group: number, out: number[]): void => {
      let m = member;
      if (m[0] === '~') {
        out.push(0x50, 0x00); // sub (open), no supertypes
        m = m.slice(1);
      }
      const { params, results } = rt.memberParts(m);
      out.push(0x60);
      u32(params.length, out);
      for (const p of params) valType(p, group, out);
      u32(results.length, out);
      for (const r of results) valType(r, group, out);
    };
    /** The index of a function type (canonical string), defining it and what it refers to. */
    function typeIndex(sig: string): number {
      const known = index.get(sig);
      if (known !== undefined) return known;
      if (sig[0] === '{') {
        const dot = sig.lastIndexOf('.');
        const group = sig.slice(0, dot);
        let start = index.get(group);
        if (start === undefined) {
          const members = splitGroup(group);
          members.forEach(deps);
          start = count;
          index.set(group, start);
          const out: number[] = [0x4e];
          u32(members.length, out);
          for (const m of members) funcType(m, start, out);
          entries.push(out);
          count += members.length;
        }
        const i = start + Number(sig.slice(dot + 1));
        index.set(sig, i);
        return i;
      }
      deps(sig);
      const i = count++;
      index.set(sig, i);
      const out: number[] = [];
      funcType(sig, i, out);
      entries.push(out);
      return i;
    }
    const bytes = (): number[] => {
      const body: number[] = [];
      u32(entries.length, body);
      for (const e of entries) body.push(...e);
      return body;
    };
    return { typeIndex, valType, bytes };
  }
  /** The members of a recursion group string "{M0;M1;...}" (top-level ';' only). */
  function splitGroup(group: string): string[] {
    const out: string[] = [];
    let depth = 0;
    let from = 1;
    for (let i = 1; i < group.length - 1; i++) {
      const c = group[i];
      if (c === '(' || c === '[' || c === '{') depth++;
      else if (c === ')' || c === ']' || c === '}') depth--;
      else if (c === ';' && depth === 0) {
        out.push(group.slice(from, i));
        from = i + 1;
      }
    }
    out.push(group.slice(from, group.length - 1));
    return out;
  }
  const limits = (min: number, max: number | null, out: number[]): void => {
    out.push(max === null ? 0 : 1);
    u32(min, out);
    if (max !== null) u32(max, out);
  };
  const section = (id: number, body: number[], out: number[]): void => {
    out.push(id);
    u32(body.length, out);
    out.push(...body);
  };
  /**
   * A module importing one object ("m" "x") of import kind `kind` (0 func,
   * 1 table, 2 memory, 3 global, 4 tag), described by `desc` given the types.
   */
  function importModule(kind: number, desc: (ts: ReturnType<typeof typeSection>, out: number[]) => void): Uint8Array {
    const ts = typeSection();
    const d: number[] = [];
    desc(ts, d);
    const out = [0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00];
    section(1, ts.bytes(), out);
    const imp: number[] = [1];
    name('m', imp);
    name('x', imp);
    imp.push(kind, ...d);
    section(2, imp, out);
    return new Uint8Array(out);
  }

  // ---- asking the engine ----
  /** Compiled probe modules by description; null: the engine cannot express that type. */
  const modules = new Map<string, any>();
  let compiles: boolean | undefined;
  /** Whether this host compiles Wasm at all (no CSP forbids it). */
  function canCompile(): boolean {
    if (compiles === undefined) {
      try {
        new W.Module(new Uint8Array([0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00]));
        compiles = true;
      } catch {
        compiles = false;
      }
    }
    return compiles;
  }
  /**
   * Whether `value` can be imported as the described object: true or false as
   * the engine decides, undefined if the host cannot compile the question.
   */
  function probe(key: string, value: unknown, make: () => Uint8Array): boolean | undefined {
    if (!W || !canCompile()) return undefined;
    let m = modules.get(key);
    if (m === undefined) {
      try {
        m = new W.Module(make());
      } catch {
        m = null; // a type this engine does not have
      }
      modules.set(key, m);
    }
    if (m === null) return false;
    try {
      new W.Instance(m, { m: { x: value } });
      return true;
    } catch (e) {
      if (e instanceof W.LinkError) return false;
      throw e;
    }
  }

  /**
   * Whether `v` is a function exported by a native instance: only those fit a
   * native funcref table. Such a function is a built-in function object, whose
   * source text is "function N() { [native code] }" in every engine: a function
   * written in JS is told apart by that first, without the table's TypeError
   * (a thrown error with its stack: microseconds, once per JS import at link time).
   */
  let slot: any;
  const toSource = Function.prototype.toString;
  function isNativeFunction(v: unknown): boolean {
    if (!W || typeof v !== 'function') return false;
    try {
      if (!/\[native code\]\s*\}$/.test(toSource.call(v))) return false;
    } catch {
      return false;
    }
    slot ??= new W.Table({ element: 'anyfunc', initial: 1 });
    try {
      slot.set(0, v);
    } catch {
      return false;
    }
    slot.set(0, null);
    return true;
  }

  const funcTypes = new WeakMap<object, Map<string, boolean>>();
  /** Whether native function `v` has function type `sig` (exact; cached per function and type). */
  function nativeFuncHasType(v: Function, sig: string): boolean {
    let seen = funcTypes.get(v);
    if (!seen) funcTypes.set(v, (seen = new Map()));
    let r = seen.get(sig);
    if (r === undefined) {
      r = probe('f' + sig, v, () => importModule(0, (ts, d) => u32(ts.typeIndex(sig), d))) === true;
      seen.set(sig, r);
    }
    return r;
  }
  /** Table type `elem` (a reference type string) with these limits. */
  const nativeTableFits = (v: unknown, elem: string, min: number, max: number | null): boolean | undefined =>
    probe(`t${elem}/${min}/${max}`, v, () => importModule(1, (ts, d) => {
      ts.valType(elem, 0, d);
      limits(min, max, d);
    }));
  const nativeMemoryFits = (v: unknown, min: number, max: number | null): boolean | undefined =>
    probe(`m${min}/${max}`, v, () => importModule(2, (_ts, d) => limits(min, max, d)));
  const nativeGlobalFits = (v: unknown, t: string, mutable: boolean): boolean | undefined =>
    probe(`g${t}/${mutable}`, v, () => importModule(3, (ts, d) => {
      ts.valType(t, 0, d);
      d.push(mutable ? 1 : 0);
    }));
  const nativeTagFits = (v: unknown, sig: string): boolean | undefined =>
    probe('x' + sig, v, () => importModule(4, (ts, d) => {
      d.push(0);
      u32(ts.typeIndex(sig), d);
    }));

  /**
   * A new native tag of function type `sig`, defined by a native module (for
   * types the JS API's Tag constructor cannot describe), or null where the
   * engine has no such type or compiles nothing.
   */
  function nativeTag(sig: string): object | null {
    if (!W || !canCompile()) return null;
    const key = 'T' + sig;
    let m = modules.get(key);
    if (m === undefined) {
      const ts = typeSection();
      const tag: number[] = [1, 0];
      u32(ts.typeIndex(sig), tag);
      const out = [0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00];
      section(1, ts.bytes(), out);
      section(13, tag, out);
      const exp: number[] = [1];
      name('x', exp);
      exp.push(4, 0);
      section(7, exp, out);
      try {
        m = new W.Module(new Uint8Array(out));
      } catch {
        m = null;
      }
      modules.set(key, m);
    }
    return m === null ? null : new W.Instance(m, {}).exports.x;
  }

  return { isNativeFunction, nativeFuncHasType, nativeTag, nativeTableFits, nativeMemoryFits, nativeGlobalFits, nativeTagFits };
}
