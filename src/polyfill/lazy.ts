// Lazy compilation: a Module is decoded and validated whole when it is
// compiled (a CompileError is due then), but each function is lowered to JS
// only when some instance first calls it, once per Module, and evaluated once
// per instance that calls it (emit/lazy.ts has the generated side).
//
// A defined function's identity is its stub: what the element segments, the
// exports, table initializers and globals hold from instantiation on. When a
// stub is first called it has its function compiled; the compiled function
// then takes the stub's place wherever that is cheap to do:
//
//  - direct calls: the chunk rebinds the instance's `f<i>` to it, so calls
//    from compiled code go straight to it, with no indirection left;
//  - tables: the slot each active element segment put the stub in (usually
//    the only one: a C function pointer's) gets the compiled function, so
//    call_indirect reaches it directly too;
//  - the exported-function wrapper (`w`) is shared with the stub, so
//    JavaScript sees one function whichever of the two it meets (Table.get,
//    exports, globals), and an import of that wrapper by another module links
//    the compiled function.
//
// Anywhere else the stub stays and forwards (a table slot written later by
// table.set/copy/fill, a global, another module's import taken before the
// compile, the exported wrapper's own call): correct, one extra call.
import type { LazyCompilation } from '../compile.js';
import { runtime } from '../runtime/index.js';
import { Op } from '../opcodes.js';
import { moduleDescriptors } from '../emit/module.js';
import type { ExportDescriptor, ImportDescriptor } from '../api.js';

/** A compiled function as the runtime sees it: signature `t`, index `i`, exported wrapper `w`. */
type WasmFunc = ((...args: any[]) => any) & { t: string; i: number; w?: any };

/**
 * Totals over every Module compiled lazily in this realm (bench/polyfill.mjs
 * reports them); the times (ms) only while a clock is set (setLazyClock).
 */
export const lazyTotals = {
  modules: 0, functions: 0, codeBytes: 0, lowered: 0, loweredBytes: 0, evaluated: 0,
  /** compileLazy (decode, validate, call graph, the factory's text); evaluating the factory; lowering; evaluating chunks. */
  prepareMs: 0, factoryMs: 0, lowerMs: 0, evalMs: 0,
  /** Instantiations, net of the lowering and evaluation done inside them (a start function's calls). */
  instantiateMs: 0,
};
type Phase = 'prepareMs' | 'factoryMs' | 'lowerMs' | 'evalMs';
let clock: (() => number) | null = null;

/** Measure the lazy compiler's phases with `now` (a clock in ms; null: stop). For benchmarks. */
export function setLazyClock(now: (() => number) | null): void {
  clock = now;
}

/** `fn()`, its time added to lazyTotals[key] while a clock is set. */
export function timed<T>(key: Phase, fn: () => T): T {
  if (!clock) return fn();
  const t = clock();
  try {
    return fn();
  } finally {
    lazyTotals[key] += clock() - t;
  }
}

/** `fn()` (an instantiation), its time net of lowering and evaluation added to lazyTotals.instantiateMs while a clock is set. */
export function timedInstantiation<T>(fn: () => T): T {
  if (!clock) return fn();
  const t = clock();
  const inner = lazyTotals.lowerMs + lazyTotals.evalMs;
  try {
    return fn();
  } finally {
    lazyTotals.instantiateMs += clock() - t - (lazyTotals.lowerMs + lazyTotals.evalMs - inner);
  }
}

/** The per-Module hooks a lazy factory receives as `$lz`. */
export class LazyModule {
  /** How many functions were lowered so far (tests observe laziness through this). */
  lowered = 0;
  private readonly sources: (string | undefined)[] = [];
  /** For each function (index space): the active element segment that first holds it, and where (-1: none). */
  readonly segOf: Int32Array;
  readonly posOf: Int32Array;
  /** Each element segment's table. */
  readonly tableOf: Int32Array;
  readonly arity: Uint8Array;
  /** Each function's signature string, internalized (see internalize). */
  readonly sigs: string[];
  /** The factory's DATA, $imports and $exports (emit/module.ts): the data segments' bytes and the descriptors. */
  readonly data: Uint8Array[];
  readonly imports: ImportDescriptor[];
  readonly exports: ExportDescriptor[];

  constructor(readonly compiled: LazyCompilation) {
    const m = compiled.module;
    const n = m.funcTypes.length;
    this.segOf = new Int32Array(n).fill(-1);
    this.posOf = new Int32Array(n);
    this.tableOf = new Int32Array(m.elems.length);
    this.arity = new Uint8Array(n);
    for (let i = 0; i < n; i++) this.arity[i] = Math.min(255, m.types[m.funcTypes[i]].params.length);
    // Views of the Module's private copy of the bytes, which nothing writes.
    this.data = m.datas.map((d) => d.bytes);
    ({ imports: this.imports, exports: this.exports } = moduleDescriptors(m));
    const interned = new Map<string, string>();
    this.sigs = compiled.funcSigs.map((t) => {
      let u = interned.get(t);
      if (u === undefined) interned.set(t, (u = internalize(t)));
      return u;
    });
    lazyTotals.modules++;
    lazyTotals.functions += m.funcs.length;
    for (const f of m.funcs) lazyTotals.codeBytes += f.codeEnd - f.codeStart;
    m.elems.forEach((el, k) => {
      this.tableOf[k] = el.table;
      if (el.mode !== 'active') return;
      el.init.forEach((e, p) => {
        if (e.length !== 1 || e[0].op !== Op.RefFunc) return;
        const f = e[0].index!;
        if (f >= m.numImportedFuncs && this.segOf[f] < 0) {
          this.segOf[f] = k;
          this.posOf[f] = p;
        }
      });
    });
  }

  /** Indices of the functions lowered so far, ascending (a debugging and test hook). */
  loweredIndices(): number[] {
    const out: number[] = [];
    this.sources.forEach((s, i) => s !== undefined && out.push(i));
    return out;
  }

  /** Chunk source of function `index`, lowered on first request. */
  source(index: number): string {
    let s = this.sources[index];
    if (s === undefined) {
      s = timed('lowerMs', () => this.compiled.lower(index));
      this.sources[index] = s;
      this.lowered++;
      const f = this.compiled.module.funcs[index - this.compiled.module.numImportedFuncs];
      lazyTotals.lowered++;
      lazyTotals.loweredBytes += f.codeEnd - f.codeStart;
    }
    return s;
  }

  /** Called by `$instantiate` with an evaluator in the instance's scope. */
  instance(evaluate: (code: string) => WasmFunc): LazyInstance {
    return new LazyInstance(this, evaluate);
  }
}

/**
 * The same string, internalized: the one object V8 keeps for string literals
 * of that content. call_indirect compares a function's `t` with the literal
 * signature at the call site (runtime/bulk.ts: callee); the compiler builds
 * signatures at run time, and against a literal such a string compares by
 * content, not identity: V8 then calls StringEqual on every indirect call,
 * which measured 2.5x slower on a call_indirect loop (bench/polyfill.mjs
 * --kernels, "call indirect"). A property key is internalized.
 */
function internalize(s: string): string {
  return Object.keys({ [s]: 0 })[0];
}

const { funcToJS, RAW } = runtime as { funcToJS: (f: WasmFunc) => any; RAW: symbol };

/** One instance's lazy state: its stubs' compiled functions, its tables, its segment offsets. */
export class LazyInstance {
  /** Offsets of the active element segments, as instantiation applied them (`$I.at[k] = ...`). */
  readonly at: number[] = [];
  private tabs: any[][] = [];
  private readonly done: (WasmFunc | undefined)[] = [];

  constructor(private readonly mod: LazyModule, private readonly evaluate: (code: string) => WasmFunc) {}

  /** The instance's tables' element arrays, by table index (set once they exist). */
  tables(e: any[][]): void {
    this.tabs = e;
  }

  /**
   * The stub of function `k`: compiles the function on its first call, then
   * forwards. Exactly the callee's parameters are passed on (up to four
   * without an array).
   */
  stub(k: number): WasmFunc {
    const done = this.done;
    const self = this;
    let s: WasmFunc;
    switch (this.mod.arity[k]) {
      case 0: s = function () { const f = done[k]; return f !== undefined ? f() : self.compile(k, s)(); } as WasmFunc; break;
      case 1: s = function (a: any) { const f = done[k]; return f !== undefined ? f(a) : self.compile(k, s)(a); } as WasmFunc; break;
      case 2: s = function (a: any, b: any) { const f = done[k]; return f !== undefined ? f(a, b) : self.compile(k, s)(a, b); } as WasmFunc; break;
      case 3: s = function (a: any, b: any, c: any) { const f = done[k]; return f !== undefined ? f(a, b, c) : self.compile(k, s)(a, b, c); } as WasmFunc; break;
      case 4: s = function (a: any, b: any, c: any, d: any) { const f = done[k]; return f !== undefined ? f(a, b, c, d) : self.compile(k, s)(a, b, c, d); } as WasmFunc; break;
      default: s = function (...a: any[]) { const f = done[k]; return f !== undefined ? f(...a) : self.compile(k, s)(...a); } as WasmFunc; break;
    }
    s.t = this.mod.sigs[k];
    s.i = k;
    return s;
  }

  private compile(k: number, s: WasmFunc): WasmFunc {
    const src = this.mod.source(k);
    const f = timed('evalMs', () => this.evaluate(src));
    lazyTotals.evaluated++;
    f.t = s.t;
    f.i = k;
    // One JS identity for both (funcToJS reads `w`); imports of it link `f`.
    const w = funcToJS(s);
    f.w = w;
    w[RAW] = f;
    this.done[k] = f;
    const seg = this.mod.segOf[k];
    if (seg >= 0) {
      const e = this.tabs[this.mod.tableOf[seg]];
      const at = this.at[seg];
      if (e && at !== undefined) {
        const i = (at >>> 0) + this.mod.posOf[k];
        if (e[i] === s) e[i] = f;
      }
    }
    return f;
  }
}
