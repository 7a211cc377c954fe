// Generator 2: structured exception-handling modules.
//
// generate(seed) returns the bytes of a valid module that exercises exception
// handling in one of two encodings (encodingOf(seed)):
//   'exnref'  try_table with catch / catch_ref / catch_all / catch_all_ref,
//             throw, throw_ref, exnref locals, parameters and results;
//   'legacy'  try / catch / catch_all / delegate / rethrow (no exnref at all, so
//             such a module is also valid for engines that only know the legacy
//             proposal, like Node 20's);
//   'mixed'   every function picks one of the two, or uses both (the spec and V8
//             allow both in one function).
// Even seeds are 'exnref', odd seeds 'legacy', except seeds ending in 5, 'mixed'.
//
// Around the handlers: call chains (direct, call_indirect with constant and
// computed indices, tail calls out of try scopes, bounded self-recursion),
// decoy clauses, clauses that branch to outer labels, loops and the function's
// results, try blocks with parameters, rethrows outward from nested handlers,
// exnrefs kept in locals, passed to functions, returned, and kept in a global
// across export calls; exceptions from JS imports (JS errors and the exported
// tag t0) and exceptions crossing a JS frame (call-back -> cb) both ways; traps
// inside try scopes (which no handler may catch) and exceptions escaping exports.
// Memory (loads, stores, memory.grow) and a mutable global are touched inside
// try bodies and read in handlers.
//
// One thing engines disagree on is left out: a `delegate` whose target is, or
// lies inside, a try_table (see delegateAgreed).
//
// The module is written directly in the binary format: the text tools in reach
// mis-encode some of these instructions (shared/notes/wasmparser), and writing
// bytes keeps the generator free of their bugs.
//
// What every module provides, for the fuzz harness:
//   imports "fuzz-eh": log (i32)->(), throw-js (i32)->(), throw-tag (i32)->(),
//                      call-back (i32)->(i32)   (always all four, in this order)
//   exports "t0".."tN" the tags with numeric payloads (t0 is always (param i32)),
//           "cb" (i32)->(i32), and "f<i>" every function whose parameters are all
//           i32 and whose results are numeric.
//
// Termination: functions only call functions with a higher index (directly or
// through call_indirect, whose computed index ranges are checked), "cb" and
// everything it can reach never use call-back, loops count down a reserved local
// checked at the top of every iteration (so `br` to the loop, or a catch clause
// that targets it, still ends it), and each function carries a static bound on
// the work one call does, which keeps every export in the milliseconds.
//
// Values never come from float arithmetic: arithmetic NaNs have
// engine-dependent bits (the spec allows any), which would make the comparison
// with a native engine flaky. Floats come from constants, integer conversions and
// reinterpretation (in some modules NaNs with payloads), and are logged by their
// bit patterns, which every move, return, payload and host-frame crossing must
// keep.
import { sleb, uleb } from '../wasm-bytes.mjs';

export const name = 'eh';

const I32 = 'i32';
const I64 = 'i64';
const F32 = 'f32';
const F64 = 'f64';
const EXN = 'exnref';
const VALTYPE = { i32: 0x7f, i64: 0x7e, f32: 0x7d, f64: 0x7c, exnref: 0x69 };

// Import indices (function index space).
const LOG = 0;
const THROW_JS = 1;
const THROW_TAG = 2;
const CALL_BACK = 3;
const N_IMPORTS = 4;

/** The static work bound of one call of "cb" (call-back sites count this much). */
const CB_COST = 150;
/** The static work bound of any other function. */
const FN_COST = 900;
/** Most structured constructs nested in one function. */
const MAX_NEST = 6;
/** Largest product of enclosing loop trip counts. */
const MAX_MULT = 9;

/** Which encoding a seed uses: 'exnref', 'legacy' or 'mixed'. */
export function encodingOf(seed) {
  if (seed % 10 === 5) return 'mixed';
  return seed % 2 === 0 ? 'exnref' : 'legacy';
}

// ---------------------------------------------------------------------------
// Seeded PRNG (mulberry32): the only source of choices, so a seed always gives
// the same bytes.

function makeRng(seed) {
  let s = (Math.imul(seed >>> 0, 0x9e3779b1) ^ 0x5bd1e995) | 0;
  const next = () => {
    s = (s + 0x6d2b79f5) | 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const r = {
    float: next,
    int: (n) => Math.floor(next() * n),
    range: (lo, hi) => lo + Math.floor(next() * (hi - lo + 1)),
    chance: (p) => next() < p,
    pick: (a) => a[Math.floor(next() * a.length)],
    u32: () => Math.floor(next() * 4294967296) >>> 0,
    /** Picks from [[weight, value], ...]; zero weights are skipped. */
    weighted(options) {
      let total = 0;
      for (const [w] of options) total += w;
      let x = next() * total;
      for (const [w, v] of options) {
        if (w <= 0) continue;
        if (x < w) return v;
        x -= w;
      }
      for (let i = options.length - 1; i >= 0; i--) if (options[i][0] > 0) return options[i][1];
      throw new Error('weighted: no option');
    },
  };
  return r;
}

// ---------------------------------------------------------------------------
// Binary encoding helpers.

function f32Bytes(bits) {
  return [bits & 0xff, (bits >>> 8) & 0xff, (bits >>> 16) & 0xff, (bits >>> 24) & 0xff];
}

function f64Bytes(bits) {
  const out = [];
  for (let i = 0n; i < 8n; i++) out.push(Number((bits >> (8n * i)) & 0xffn));
  return out;
}

const str = (s) => {
  const b = new TextEncoder().encode(s);
  return [...uleb(b.length), ...b];
};
const vec = (items) => [...uleb(items.length), ...items.flat()];
const section = (id, body) => (body.length ? [id, ...uleb(body.length), ...body] : []);

// ---------------------------------------------------------------------------
// Constants.

const I32_CONSTS = [0, 1, -1, 2, 3, 5, 7, 8, 42, 100, 255, 256, 0x7fffffff, -0x80000000, -7, 65535];
const I64_CONSTS = [0n, 1n, -1n, 2n, 42n, 0x7fffffffffffffffn, -0x8000000000000000n, 0x100000000n, -0x100000001n, 0xdeadbeefcafen];
const F32_PLAIN = [0x00000000, 0x80000000, 0x3f800000, 0xc0200000, 0x7f800000, 0xff800000, 0x00000001, 0x7f7fffff, 0x40490fdb, 0x4b000001];
const F32_NAN = [0x7fc00000, 0xffc00000, 0x7fa00001, 0x7fc12345, 0xff800001];
const F64_PLAIN = [0n, 0x8000000000000000n, 0x3ff0000000000000n, 0xc004000000000000n, 0x7ff0000000000000n, 0xfff0000000000000n, 1n, 0x7fefffffffffffffn, 0x400921fb54442d18n, 0x4330000000000001n];
const F64_NAN = [0x7ff8000000000000n, 0xfff8000000000000n, 0x7ff4000000000001n, 0x7ff80000deadbeefn, 0xfff0000000000001n];

// Tag payload signatures to choose from; t0 is always [i32]. Duplicates on
// purpose: two tags of the same type must still be told apart by identity.
const TAG_SIGS = [[], [I32], [I64], [F32], [F64], [I32, I32], [I32, I64, F64], [F32, I32], [I64, I64], [F64, I32, F32]];

// ---------------------------------------------------------------------------
// The module being generated.

class Module {
  constructor(seed) {
    this.rng = makeRng(seed);
    this.encoding = encodingOf(seed);
    this.types = [];
    this.typeKeys = new Map();
    this.markers = 100;
    const rng = this.rng;
    this.nans = rng.chance(0.3);

    // Tags: numeric ones are exported as t0, t1, ...; a module that uses exnref
    // sometimes adds one tag carrying an exnref (not exported: the JS API has no
    // value for that payload).
    const nTags = rng.range(1, 5);
    this.tags = [[I32]];
    for (let i = 1; i < nTags; i++) this.tags.push(rng.pick(TAG_SIGS));
    if (this.encoding !== 'legacy' && rng.chance(0.2)) {
      this.tags.push(rng.chance(0.5) ? [EXN] : [I32, EXN]);
    }
    // A mutable exnref global (index 1): an exception caught in one export call
    // can be rethrown by a later one, which must give JS the very same object.
    this.exnGlobal = this.encoding !== 'legacy' && rng.chance(0.4);

    // Functions (defined index 0..n-1; function index N_IMPORTS + i).
    const n = rng.range(2, 7);
    const cbAt = rng.int(n + 1);
    this.funcs = [];
    for (let i = 0; i <= n; i++) {
      const isCb = i === cbAt;
      const enc = this.pickEncoding();
      let params;
      let results;
      let exported;
      if (isCb) {
        params = [I32];
        results = [I32];
        exported = true;
      } else if (rng.chance(0.6)) {
        params = Array.from({ length: rng.range(0, 2) }, () => I32);
        results = this.resultList(rng.range(0, 3), false);
        exported = true;
      } else {
        const useExn = enc !== 'legacy';
        params = Array.from({ length: rng.range(0, 3) }, () => this.valType(useExn, 0.2));
        results = this.resultList(rng.range(0, 2), useExn);
        exported = !params.some((t) => t !== I32) && !results.includes(EXN);
      }
      this.funcs.push({
        index: i,
        name: isCb ? 'cb' : `f${i}`,
        isCb,
        enc,
        params,
        results,
        exported,
        type: this.typeIndex(params, results),
        // Filled in when the body is generated.
        body: null,
        cost: 0,
        reachesCallBack: false,
      });
    }
    this.tagTypes = this.tags.map((ps) => this.typeIndex(ps, []));
  }

  pickEncoding() {
    if (this.encoding === 'exnref') return 'exnref';
    if (this.encoding === 'legacy') return 'legacy';
    return this.rng.pick(['exnref', 'legacy', 'both']);
  }

  valType(allowExn, pExn = 0.15) {
    if (allowExn && this.rng.chance(pExn)) return EXN;
    return this.rng.weighted([[5, I32], [2, I64], [1.5, F32], [1.5, F64]]);
  }

  resultList(n, allowExn) {
    return Array.from({ length: n }, () => this.valType(allowExn));
  }

  typeIndex(params, results) {
    const key = `${params.join(',')}->${results.join(',')}`;
    let i = this.typeKeys.get(key);
    if (i === undefined) {
      i = this.types.length;
      this.types.push({ params, results });
      this.typeKeys.set(key, i);
    }
    return i;
  }

  /** A block type for a block with `results` and no parameters. */
  blockType(results) {
    if (results.length === 0) return [0x40];
    if (results.length === 1) return [VALTYPE[results[0]]];
    return sleb(this.typeIndex([], results));
  }

  marker() {
    return this.markers++;
  }

  generate() {
    // Callees have higher indices, so generate from the last function down.
    for (let i = this.funcs.length - 1; i >= 0; i--) {
      const f = this.funcs[i];
      const g = new FunctionGen(this, f);
      g.run();
    }
    return this.assemble();
  }

  assemble() {
    const imp = (field, params, results) => [...str('fuzz-eh'), ...str(field), 0x00, ...uleb(this.typeIndex(params, results))];
    // Imports are created first so their types are interned before the type section is written.
    const imports = [imp('log', [I32], []), imp('throw-js', [I32], []), imp('throw-tag', [I32], []), imp('call-back', [I32], [I32])];
    const typeSection = section(1, vec(this.types.map((t) => [0x60, ...vec(t.params.map((p) => [VALTYPE[p]])), ...vec(t.results.map((r) => [VALTYPE[r]]))])));
    const importSection = section(2, vec(imports));
    const funcSection = section(3, vec(this.funcs.map((f) => uleb(f.type))));
    const n = this.funcs.length;
    // Two null slots past the functions: computed call_indirect indices can land
    // on them (a trap) or past the end (another trap).
    const tableSection = section(4, vec([[0x70, 0x00, ...uleb(n + 2)]]));
    const memorySection = section(5, vec([[0x01, 0x01, 0x03]]));
    const tagSection = section(13, vec(this.tagTypes.map((t) => [0x00, ...uleb(t)])));
    const globals = [[0x7f, 0x01, 0x41, 0x00, 0x0b]];
    if (this.exnGlobal) globals.push([0x69, 0x01, 0xd0, 0x69, 0x0b]);
    const globalSection = section(6, vec(globals));
    const exports = [];
    let t = 0;
    this.tags.forEach((ps, i) => {
      if (!ps.includes(EXN)) exports.push([...str(`t${t++}`), 0x04, ...uleb(i)]);
    });
    for (const f of this.funcs) if (f.exported) exports.push([...str(f.name), 0x00, ...uleb(N_IMPORTS + f.index)]);
    const exportSection = section(7, vec(exports));
    const elemSection = section(9, vec([[0x00, 0x41, 0x00, 0x0b, ...vec(this.funcs.map((f) => uleb(N_IMPORTS + f.index)))]]));
    const codeSection = section(10, vec(this.funcs.map((f) => [...uleb(f.body.length), ...f.body])));
    return new Uint8Array([
      0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00,
      ...typeSection, ...importSection, ...funcSection, ...tableSection, ...memorySection,
      ...tagSection, ...globalSection, ...exportSection, ...elemSection, ...codeSection,
    ]);
  }
}

// ---------------------------------------------------------------------------
// One function body.

class FunctionGen {
  constructor(mod, f) {
    this.m = mod;
    this.f = f;
    this.rng = mod.rng;
    this.code = [];
    this.locals = [...f.params];
    this.nParams = f.params.length;
    /** Locals random code must not write (loop counters). */
    this.reserved = new Set();
    /** Innermost last: { kind, types } where types are what a branch to it carries. */
    this.labels = [{ kind: 'func', types: f.results }];
    this.fuel = this.rng.range(25, 110);
    this.nest = 0;
    this.mult = 1;
    this.cost = 1;
    this.maxCost = f.isCb ? CB_COST : FN_COST;
    // Bounded self-recursion: the first parameter, masked to 0..3, counts the
    // levels down, so it must never be overwritten; a call costs at most four
    // times one level, hence the smaller budget per level.
    this.recursive = f.params[0] === I32 && this.rng.chance(0.25);
    this.recursed = false;
    if (this.recursive) {
      this.reserved.add(0);
      this.maxCost = Math.floor(this.maxCost / 4);
    }
    this.usesCallBack = false;
    this.callees = new Set();
    this.allowExn = f.enc !== 'legacy';
  }

  emit(...bytes) {
    for (const b of bytes) this.code.push(b);
  }

  // -- locals and labels ----------------------------------------------------

  newLocal(t) {
    this.locals.push(t);
    return this.locals.length - 1;
  }

  localsOf(t, writable) {
    const out = [];
    for (let i = 0; i < this.locals.length; i++) {
      if (this.locals[i] === t && !(writable && this.reserved.has(i))) out.push(i);
    }
    return out;
  }

  pushLabel(kind, types) {
    this.labels.push({ kind, types });
    return this.labels.length - 1;
  }

  popLabel() {
    this.labels.pop();
  }

  /** Relative depth of the label at absolute position `pos`. */
  depthOf(pos) {
    return this.labels.length - 1 - pos;
  }

  /** Charges `units` of work (times the enclosing loops' trip counts); false if over budget. */
  charge(units) {
    const c = units * this.mult;
    if (this.cost + c > this.maxCost) return false;
    this.cost += c;
    return true;
  }

  handlerEncoding() {
    if (this.f.enc === 'both') return this.rng.chance(0.5) ? 'exnref' : 'legacy';
    return this.f.enc;
  }

  // -- the function ------------------------------------------------------------

  run() {
    const f = this.f;
    this.logConst(1000 + f.index);
    this.stmts(this.rng.range(2, 7));
    this.exprs(f.results);
    this.emit(0x0b);
    // Local declarations, grouped in runs of one type.
    const decls = [];
    for (let i = this.nParams; i < this.locals.length; ) {
      let j = i;
      while (j < this.locals.length && this.locals[j] === this.locals[i]) j++;
      decls.push([...uleb(j - i), VALTYPE[this.locals[i]]]);
      i = j;
    }
    f.body = [...vec(decls), ...this.code];
    f.cost = this.recursed ? this.cost * 4 : this.cost;
    f.reachesCallBack = this.usesCallBack || [...this.callees].some((j) => this.m.funcs[j].reachesCallBack);
  }

  // -- statements (stack-neutral) ---------------------------------------------

  stmts(n) {
    for (let i = 0; i < n && this.fuel > 0; i++) this.stmt();
  }

  stmt() {
    this.fuel--;
    const r = this.rng;
    const deep = this.nest >= MAX_NEST || this.fuel <= 0;
    const inCatch = this.labels.some((l) => l.kind === 'catch');
    const exnLocals = this.allowExn ? this.localsOf(EXN, false) : [];
    const kind = r.weighted([
      [3, 'log'],
      [2, 'set'],
      [0.7, 'global'],
      [0.6, 'store'],
      [3, 'throw'],
      [0.8, 'throw-js'],
      [1, 'throw-tag'],
      [2.5, 'call'],
      [this.f.isCb ? 0 : 0.8, 'call-back'],
      [deep ? 0 : 5, 'handler'],
      [deep ? 0 : 1.2, 'if'],
      [deep ? 0 : 0.8, 'block'],
      [deep || this.mult >= MAX_MULT ? 0 : 0.8, 'loop'],
      [1.2, 'br'],
      [0.4, 'br_table'],
      [0.5, 'return'],
      [0.35, 'trap'],
      [inCatch ? 2 : 0, 'rethrow'],
      [exnLocals.length ? 2 : 0, 'throw_ref'],
      [this.allowExn && this.m.exnGlobal ? 0.8 : 0, 'exn-global'],
      [0.6, 'tail-call'],
      [this.recursive && !this.recursed && this.mult === 1 ? 1.5 : 0, 'recurse'],
    ]);
    switch (kind) {
      case 'log':
        this.expr(I32);
        this.call(LOG);
        return;
      case 'set': {
        const t = this.valTypeHere();
        const cands = this.localsOf(t, true);
        const l = cands.length && r.chance(0.7) ? r.pick(cands) : this.newLocal(t);
        this.expr(t);
        this.emit(0x21, ...uleb(l));
        return;
      }
      case 'global':
        this.expr(I32);
        this.emit(0x24, 0x00);
        return;
      case 'store':
        this.address();
        this.expr(I32);
        this.emit(0x36, 0x02, 0x00);
        return;
      case 'throw':
        this.maybeGuarded(0.85, () => this.throwTag(this.pickTag()));
        return;
      case 'throw-js':
        this.maybeGuarded(0.85, () => {
          this.expr(I32);
          this.call(THROW_JS);
        });
        return;
      case 'throw-tag':
        this.maybeGuarded(0.85, () => {
          this.expr(I32);
          this.call(THROW_TAG);
        });
        return;
      case 'call': {
        const results = this.callSomething(null);
        if (results) this.consume(results);
        return;
      }
      case 'call-back':
        if (!this.charge(CB_COST + 1)) return;
        this.usesCallBack = true;
        this.expr(I32);
        this.call(CALL_BACK);
        this.consume([I32]);
        return;
      case 'handler': {
        const results = this.smallTypeList();
        this.handler(results);
        this.consume(results);
        return;
      }
      case 'if':
        this.ifElse([], () => this.stmts(r.range(1, 3)), r.chance(0.5) ? () => this.stmts(r.range(1, 3)) : null);
        return;
      case 'block': {
        this.emit(0x02, 0x40);
        this.nest++;
        this.pushLabel('block', []);
        this.stmts(r.range(1, 4));
        this.popLabel();
        this.nest--;
        this.emit(0x0b);
        return;
      }
      case 'loop':
        this.loop();
        return;
      case 'br': {
        const pos = r.int(this.labels.length);
        this.maybeGuarded(0.85, () => {
          this.exprs(this.labels[pos].types);
          this.emit(0x0c, ...uleb(this.depthOf(pos)));
        }, true);
        return;
      }
      case 'br_table':
        this.brTable();
        return;
      case 'return':
        this.maybeGuarded(0.9, () => {
          this.exprs(this.f.results);
          this.emit(0x0f);
        }, true);
        return;
      case 'trap':
        this.maybeGuarded(0.9, () => this.trap(), true);
        return;
      case 'rethrow': {
        const cands = [];
        this.labels.forEach((l, i) => l.kind === 'catch' && cands.push(i));
        const pos = r.pick(cands);
        this.maybeGuarded(0.7, () => this.emit(0x09, ...uleb(this.depthOf(pos))));
        return;
      }
      case 'exn-global':
        if (r.chance(0.5)) {
          this.expr(EXN);
          this.emit(0x24, 0x01);
        } else {
          // Rethrow what an earlier call (or this one) left there, if anything.
          this.emit(0x23, 0x01, 0xd1, 0x45);
          this.ifElse([], () => this.emit(0x23, 0x01, 0x0a), null, true);
        }
        return;
      case 'tail-call':
        this.maybeGuarded(0.8, () => this.tailCall());
        return;
      case 'recurse':
        this.recurse();
        return;
      case 'throw_ref': {
        const l = r.pick(exnLocals);
        // Unguarded, a null exnref traps: that is a case worth having too.
        const how = r.weighted([[3, 'nonnull'], [1, 'cond'], [0.4, 'bare']]);
        if (how === 'nonnull') {
          this.emit(0x20, ...uleb(l), 0xd1, 0x45);
          this.ifElse([], () => this.emit(0x20, ...uleb(l), 0x0a), null, true);
        } else {
          this.maybeGuarded(how === 'cond' ? 1 : 0, () => this.emit(0x20, ...uleb(l), 0x0a));
        }
        return;
      }
    }
  }

  /**
   * return_call / return_call_indirect of a function with this function's
   * results: the caller's handlers are gone before the callee runs, so nothing
   * the callee throws may be caught here, even from inside a try.
   */
  tailCall() {
    const fs = this.m.funcs;
    const key = this.f.results.join(',');
    const cands = [];
    for (let j = this.f.index + 1; j < fs.length; j++) if (this.mayCall(j) && fs[j].results.join(',') === key) cands.push(j);
    if (!cands.length) return;
    const j = this.rng.pick(cands);
    const g = fs[j];
    if (!this.charge(g.cost + 1)) return;
    this.callees.add(j);
    this.exprs(g.params);
    if (this.rng.chance(0.6)) {
      this.emit(0x12, ...uleb(N_IMPORTS + j));
    } else {
      this.emit(0x41, ...sleb(j));
      this.emit(0x13, ...uleb(g.type), 0x00);
    }
  }

  /** One self-call with the level count (parameter 0, masked) decremented. */
  recurse() {
    const t = this.newLocal(I32);
    this.emit(0x20, 0x00, 0x41, 0x03, 0x71, 0x22, ...uleb(t));
    this.recursed = true;
    this.ifElse([], () => {
      this.emit(0x20, ...uleb(t), 0x41, 0x01, 0x6b);
      this.exprs(this.f.params.slice(1));
      this.call(N_IMPORTS + this.f.index);
      this.consume(this.f.results);
    }, null, true);
  }

  /** Runs `body` under `if (cond)` with probability p, else unconditionally. */
  maybeGuarded(p, body, rare = false) {
    if (!this.rng.chance(p)) {
      body();
    } else if (rare) {
      this.rareCond();
      this.ifElse([], body, null, true);
    } else {
      this.ifElse([], body, null);
    }
  }

  /**
   * A condition that holds for about one argument value in eight: guards for
   * ways out (br, return, traps) that would otherwise cut most of the code that
   * follows them off from every run.
   */
  rareCond() {
    const r = this.rng;
    const i32s = this.localsOf(I32, false);
    if (!i32s.length) {
      this.emit(0x41, ...sleb(r.chance(0.2) ? 1 : 0));
      return;
    }
    this.emit(0x20, ...uleb(r.pick(i32s)), 0x41, 0x07, 0x71, 0x41, ...sleb(r.int(8)), 0x46);
  }

  /** if/else with block results `types`; `condDone`: the condition is already on the stack. */
  ifElse(types, thenBody, elseBody, condDone = false) {
    if (!condDone) this.cond();
    this.emit(0x04, ...this.m.blockType(types));
    this.nest++;
    this.pushLabel('if', types);
    thenBody();
    if (elseBody) {
      this.emit(0x05);
      elseBody();
    }
    this.popLabel();
    this.nest--;
    this.emit(0x0b);
  }

  loop() {
    const r = this.rng;
    const trips = r.range(1, 3);
    if (this.mult * trips > MAX_MULT) return;
    const c = this.newLocal(I32);
    this.reserved.add(c);
    this.emit(0x41, ...sleb(trips), 0x21, ...uleb(c));
    this.emit(0x02, 0x40);
    this.nest++;
    const exitPos = this.pushLabel('block', []);
    this.emit(0x03, 0x40);
    this.pushLabel('loop', []);
    // The count is tested and decremented first, so every way back to the top
    // (the final br, a br from a nested construct, a catch clause) uses one trip.
    this.emit(0x20, ...uleb(c), 0x45, 0x0d, ...uleb(this.depthOf(exitPos)));
    this.emit(0x20, ...uleb(c), 0x41, 0x01, 0x6b, 0x21, ...uleb(c));
    this.mult *= trips;
    this.logConst(this.m.marker());
    this.stmts(r.range(1, 4));
    this.mult /= trips;
    this.emit(0x0c, 0x00);
    this.popLabel();
    this.emit(0x0b);
    this.popLabel();
    this.nest--;
    this.emit(0x0b);
  }

  brTable() {
    // Targets: labels that take no values, plus the wrapping block (= go on).
    const r = this.rng;
    this.emit(0x02, 0x40);
    const wrap = this.pushLabel('block', []);
    const cands = [];
    this.labels.forEach((l, i) => l.types.length === 0 && cands.push(i));
    const n = r.range(1, 4);
    const targets = Array.from({ length: n }, () => (r.chance(0.4) ? wrap : r.pick(cands)));
    const dflt = r.chance(0.5) ? wrap : r.pick(cands);
    this.expr(I32);
    this.emit(0x0e, ...vec(targets.map((p) => uleb(this.depthOf(p)))), ...uleb(this.depthOf(dflt)));
    this.popLabel();
    this.emit(0x0b);
  }

  trap() {
    const r = this.rng;
    switch (r.weighted([[2, 'unreachable'], [2, 'div'], [1, 'indirect']])) {
      case 'unreachable':
        this.emit(0x00);
        return;
      case 'div':
        // Divides by something that is often zero (or INT_MIN / -1).
        this.expr(I32);
        this.emit(0x41, ...sleb(r.pick([0, -1])));
        this.emit(r.pick([0x6d, 0x6e, 0x6f, 0x70]));
        this.call(LOG);
        return;
      case 'indirect': {
        // A null table slot or one past the end.
        const n = this.m.funcs.length;
        this.emit(0x41, ...sleb(n + r.int(3)));
        this.emit(0x11, ...uleb(this.m.typeIndex([], [])), 0x00);
        return;
      }
    }
  }

  /**
   * A tag to throw or catch: half of the time one of the first two, so that
   * throws and catch clauses meet often enough for handler code to run.
   */
  pickTag() {
    const n = this.m.tags.length;
    return this.rng.chance(0.5) ? this.rng.int(Math.min(2, n)) : this.rng.int(n);
  }

  throwTag(tag) {
    const ps = this.m.tags[tag];
    if (ps.includes(EXN) && !this.allowExn) return;
    this.exprs(ps);
    this.emit(0x08, ...uleb(tag));
  }

  call(fn) {
    this.emit(0x10, ...uleb(fn));
  }

  logConst(v) {
    if (!this.charge(1)) return;
    this.emit(0x41, ...sleb(v));
    this.call(LOG);
  }

  // -- calls between defined functions ---------------------------------------

  /** Whether this function may call defined function j. */
  mayCall(j) {
    const g = this.m.funcs[j];
    if (j <= this.f.index) return false;
    if (this.f.isCb && g.reachesCallBack) return false;
    if (!this.allowExn && (g.params.includes(EXN) || g.results.includes(EXN))) return false;
    return true;
  }

  /**
   * Emits a call (direct or call_indirect) to some function whose results are
   * `want` (any when null); returns the results pushed, or null if none fits.
   */
  callSomething(want) {
    const r = this.rng;
    const fs = this.m.funcs;
    const key = want && want.join(',');
    const cands = [];
    for (let j = this.f.index + 1; j < fs.length; j++) {
      if (this.mayCall(j) && (key === null || fs[j].results.join(',') === key)) cands.push(j);
    }
    if (!cands.length) return null;
    const j = r.pick(cands);
    const g = fs[j];
    const how = r.weighted([[3, 'direct'], [1.5, 'indirect'], [1, 'computed']]);
    if (how === 'computed') {
      // Index j + (x & mask): every slot in range holding a function of the same
      // type is a possible callee and must be allowed; other slots trap.
      const mask = r.pick([1, 3]);
      let worst = 0;
      const reach = [];
      for (let k = j; k <= j + mask && k < fs.length; k++) {
        if (fs[k].type !== g.type) continue;
        if (!this.mayCall(k)) return null;
        worst = Math.max(worst, fs[k].cost);
        reach.push(k);
      }
      if (!this.charge(worst + 1)) return null;
      for (const k of reach) this.callees.add(k);
      this.exprs(g.params);
      this.expr(I32);
      this.emit(0x41, ...sleb(mask), 0x71, 0x41, ...sleb(j), 0x6a);
      this.emit(0x11, ...uleb(g.type), 0x00);
      return g.results;
    }
    if (!this.charge(g.cost + 1)) return null;
    this.callees.add(j);
    this.exprs(g.params);
    if (how === 'direct') {
      this.call(N_IMPORTS + j);
    } else {
      this.emit(0x41, ...sleb(j));
      this.emit(0x11, ...uleb(g.type), 0x00);
    }
    return g.results;
  }

  // -- handlers ------------------------------------------------------------------

  /** A handler construct leaving `results` on the stack. */
  handler(results) {
    this.nest++;
    if (this.handlerEncoding() === 'legacy') this.legacyHandler(results);
    else this.tryTable(results);
    this.nest--;
  }

  /**
   * Sometimes a try block takes parameters: their values are pushed here, before
   * the block, and the body starts by consuming them.
   */
  blockParams() {
    if (!this.rng.chance(0.2)) return [];
    const ps = this.smallTypeList();
    this.exprs(ps);
    return ps;
  }

  blockTypeWith(params, results) {
    return params.length ? sleb(this.m.typeIndex(params, results)) : this.m.blockType(results);
  }

  /**
   * Often ends a try body with a throw (usually under a condition), mostly of a
   * tag one of the handlers names: without it most handler code would never run.
   */
  tailThrow(handlerTags) {
    const r = this.rng;
    if (!r.chance(0.5)) return;
    const tag = handlerTags.length && r.chance(0.7) ? r.pick(handlerTags) : this.pickTag();
    this.maybeGuarded(0.7, () => this.throwTag(tag));
  }

  /** Payload types of a clause. */
  clauseTypes(c) {
    const base = c.tag >= 0 ? this.m.tags[c.tag] : [];
    return c.ref ? [...base, EXN] : base;
  }

  tryTable(results) {
    const r = this.rng;
    const m = this.m;
    // outer: where the construct's results arrive, whichever way it ends.
    this.emit(0x02, ...m.blockType(results));
    const outer = this.pushLabel('block', results);
    const clauses = [];
    const n = r.weighted([[1, 0], [4, 1], [3, 2], [2, 3], [1, 4]]);
    for (let i = 0; i < n; i++) {
      const kind = r.weighted([[4, 'catch'], [2.5, 'catch_ref'], [2, 'catch_all'], [1.5, 'catch_all_ref']]);
      const tag = kind === 'catch' || kind === 'catch_ref' ? this.pickTag() : -1;
      const c = { kind, tag, ref: kind.endsWith('_ref'), pos: -1, fresh: true };
      clauses.push(c);
    }
    // Some clauses target a label already in scope whose types fit (another
    // landing, an enclosing block or loop, the function's results: a return).
    for (const c of clauses) {
      if (!r.chance(0.25)) continue;
      const ts = this.clauseTypes(c).join(',');
      const fits = [];
      this.labels.forEach((l, i) => l.types.join(',') === ts && fits.push(i));
      if (fits.length) {
        c.fresh = false;
        c.pos = r.pick(fits);
      }
    }
    // Landing blocks for the other clauses, the first clause's outermost.
    const fresh = clauses.filter((c) => c.fresh);
    for (const c of fresh) {
      this.emit(0x02, ...m.blockType(this.clauseTypes(c)));
      c.pos = this.pushLabel('block', this.clauseTypes(c));
    }
    const op = { catch: 0x00, catch_ref: 0x01, catch_all: 0x02, catch_all_ref: 0x03 };
    const enc = clauses.map((c) => [op[c.kind], ...(c.tag >= 0 ? uleb(c.tag) : []), ...uleb(this.depthOf(c.pos))]);
    const params = this.blockParams();
    this.emit(0x1f, ...this.blockTypeWith(params, results), ...vec(enc));
    this.pushLabel('try_table', results);
    this.consume(params);
    this.logConst(m.marker());
    this.stmts(r.range(1, 4));
    this.tailThrow(clauses.filter((c) => c.tag >= 0).map((c) => c.tag));
    this.exprs(results);
    this.popLabel();
    this.emit(0x0b);
    if (fresh.length) this.emit(0x0c, ...uleb(this.depthOf(outer)));
    // Each landing, innermost first: its block ends with the payload on the stack.
    for (let i = fresh.length - 1; i >= 0; i--) {
      const c = fresh[i];
      this.popLabel();
      this.emit(0x0b);
      this.landing(this.clauseTypes(c), results);
      if (i > 0) this.emit(0x0c, ...uleb(this.depthOf(outer)));
    }
    this.popLabel();
    this.emit(0x0b);
  }

  /** Code after a catch clause's landing block: payload `types` on the stack, must leave `results`. */
  landing(types, results) {
    const r = this.rng;
    this.logConst(this.m.marker());
    const saved = this.consume(types, true);
    const exn = types[types.length - 1] === EXN ? saved[saved.length - 1] : -1;
    this.stmts(r.range(0, 2));
    const end = r.weighted([[5, 'value'], [exn >= 0 ? 3 : 0, 'throw_ref'], [1, 'throw'], [exn >= 0 ? 1 : 0, 'pass']]);
    if (end === 'throw_ref') {
      // Rethrow outward, sometimes only under a condition.
      this.maybeGuarded(0.4, () => this.emit(0x20, ...uleb(exn), 0x0a));
    } else if (end === 'throw') {
      this.maybeGuarded(0.4, () => this.throwTag(this.pickTag()));
    } else if (end === 'pass') {
      // Hand the exnref to a function that takes one, if there is such a callee.
      this.passExn(exn);
    }
    this.exprs(results);
  }

  passExn(l) {
    const fs = this.m.funcs;
    const cands = [];
    for (let j = this.f.index + 1; j < fs.length; j++) if (this.mayCall(j) && fs[j].params.includes(EXN)) cands.push(j);
    if (!cands.length) {
      this.emit(0x20, ...uleb(l), 0x0a);
      return;
    }
    const j = this.rng.pick(cands);
    const g = fs[j];
    if (!this.charge(g.cost + 1)) return;
    this.callees.add(j);
    for (const t of g.params) {
      if (t === EXN && this.rng.chance(0.8)) this.emit(0x20, ...uleb(l));
      else this.expr(t);
    }
    this.call(N_IMPORTS + j);
    this.consume(g.results);
  }

  legacyHandler(results) {
    const r = this.rng;
    const m = this.m;
    const params = this.blockParams();
    this.emit(0x06, ...this.blockTypeWith(params, results));
    const self = this.pushLabel('try', results);
    this.consume(params);
    // The handlers are chosen first, so the body can aim a throw at them.
    const shape = r.weighted([[8, 'catches'], [2, 'delegate'], [0.4, 'none']]);
    const n = shape === 'catches' ? r.weighted([[1, 0], [4, 1], [3, 2], [1, 3]]) : 0;
    const catchTags = Array.from({ length: n }, () => this.pickTag());
    const all = shape === 'catches' && (n === 0 || r.chance(0.4));
    this.logConst(m.marker());
    this.stmts(r.range(1, 4));
    this.tailThrow(catchTags);
    this.exprs(results);
    if (shape === 'delegate') {
      this.popLabel();
      // Depth counts from outside the try; the deepest one is the function
      // (the exception goes to the caller).
      const depths = [];
      for (let d = 0; d < this.labels.length; d++) if (this.delegateAgreed(d)) depths.push(d);
      this.emit(0x18, ...uleb(r.pick(depths)));
      return;
    }
    if (shape === 'catches') {
      for (const tag of catchTags) {
        this.emit(0x07, ...uleb(tag));
        this.labels[self].kind = 'catch';
        this.catchBody(m.tags[tag], results, self);
      }
      if (all) {
        this.emit(0x19);
        this.labels[self].kind = 'catch';
        this.catchBody([], results, self);
      }
    }
    this.popLabel();
    this.emit(0x0b);
  }

  /**
   * Whether engines agree on where `delegate d` sends an exception. The legacy
   * addendum rethrows it inside the block labelled d, so a try_table at or
   * around that label (before the next legacy try) catches it; V8 (and
   * binaryen's interpreter) look only for legacy `try` blocks and jump past
   * try_table handlers. Until that is settled, the differential run would only
   * report the disagreement, so such depths are not generated. The function
   * label (the last depth) is always safe: it has no handler.
   */
  delegateAgreed(d) {
    for (let i = this.labels.length - 1 - d; i > 0; i--) {
      const k = this.labels[i].kind;
      if (k === 'try') return true;
      if (k === 'try_table') return false;
    }
    return true;
  }

  catchBody(types, results, self) {
    const r = this.rng;
    this.logConst(this.m.marker());
    this.consume(types);
    this.stmts(r.range(0, 2));
    const end = r.weighted([[5, 'value'], [2, 'rethrow'], [1, 'throw']]);
    if (end === 'rethrow') {
      this.maybeGuarded(0.4, () => this.emit(0x09, ...uleb(this.depthOf(self))));
    } else if (end === 'throw') {
      this.maybeGuarded(0.4, () => this.throwTag(this.pickTag()));
    }
    this.exprs(results);
  }

  // -- values ----------------------------------------------------------------------

  valTypeHere() {
    return this.m.valType(this.allowExn, 0.1);
  }

  smallTypeList() {
    const n = this.rng.weighted([[3, 0], [4, 1], [1.5, 2], [0.5, 3]]);
    return Array.from({ length: n }, () => this.valTypeHere());
  }

  /**
   * Takes `types` off the stack. Usually stores them in fresh locals and logs
   * them (floats by bits, exnrefs by null-ness); returns those locals (or []
   * when the values were dropped, only allowed if !keep).
   */
  consume(types, keep = false) {
    if (!types.length) return [];
    if (!keep && this.rng.chance(0.2)) {
      for (let i = 0; i < types.length; i++) this.emit(0x1a);
      return [];
    }
    const ls = types.map((t) => this.newLocal(t));
    for (let i = types.length - 1; i >= 0; i--) this.emit(0x21, ...uleb(ls[i]));
    for (let i = 0; i < types.length; i++) this.logLocal(ls[i], types[i]);
    return ls;
  }

  logLocal(l, t) {
    if (!this.charge(2)) return;
    const get = [0x20, ...uleb(l)];
    switch (t) {
      case I32:
        this.emit(...get);
        break;
      case I64:
      case F64: {
        const toI64 = t === F64 ? [0xbd] : [];
        this.emit(...get, ...toI64, 0xa7);
        this.call(LOG);
        this.emit(...get, ...toI64, 0x42, 0x20, 0x88, 0xa7);
        break;
      }
      case F32:
        this.emit(...get, 0xbc);
        break;
      case EXN:
        this.emit(...get, 0xd1);
        break;
    }
    this.call(LOG);
  }

  exprs(types) {
    for (const t of types) this.expr(t);
  }

  /** A condition: mostly cheap tests of parameters and state, so paths vary with the arguments. */
  cond() {
    const r = this.rng;
    const i32s = this.localsOf(I32, false);
    const kind = r.weighted([[i32s.length ? 4 : 0, 'bit'], [1, 'global'], [1.5, 'expr'], [0.5, 'const']]);
    if (kind === 'bit') {
      this.emit(0x20, ...uleb(r.pick(i32s)), 0x41, ...sleb(1 << r.int(5)), 0x71);
    } else if (kind === 'global') {
      this.emit(0x23, 0x00, 0x41, ...sleb(r.range(-2, 5)), r.pick([0x48, 0x4a, 0x46]));
    } else if (kind === 'const') {
      this.emit(0x41, ...sleb(r.int(2)));
    } else {
      this.expr(I32);
    }
  }

  /** An in-bounds, 4-aligned address in the first page. */
  address() {
    this.expr(I32);
    this.emit(0x41, ...sleb(0xfffc), 0x71);
  }

  expr(t) {
    this.fuel--;
    const leaf = this.fuel <= 0 || this.nest >= MAX_NEST;
    switch (t) {
      case I32:
        return this.exprI32(leaf);
      case I64:
        return this.exprI64(leaf);
      case F32:
      case F64:
        return this.exprFloat(t, leaf);
      case EXN:
        return this.exprExn(leaf);
    }
    throw new Error(`expr: type ${t}`);
  }

  /** Shared compound forms: a local, a call, a handler, a block with a branch out. */
  compound(t, leaf) {
    const r = this.rng;
    const ls = this.localsOf(t, false);
    const kind = r.weighted([
      [ls.length ? 3 : 0, 'local'],
      [leaf ? 0 : 1.5, 'call'],
      [leaf ? 0 : 1.5, 'handler'],
      [leaf ? 0 : 0.5, 'block'],
      [leaf ? 0 : 0.4, 'tee'],
      [3, 'none'],
    ]);
    switch (kind) {
      case 'local':
        this.emit(0x20, ...uleb(r.pick(ls)));
        return true;
      case 'call':
        return this.callSomething([t]) !== null;
      case 'handler':
        this.handler([t]);
        return true;
      case 'block': {
        this.emit(0x02, ...this.m.blockType([t]));
        this.nest++;
        const pos = this.pushLabel('block', [t]);
        this.stmts(r.range(0, 2));
        this.maybeGuarded(1, () => {
          this.expr(t);
          this.emit(0x0c, ...uleb(this.depthOf(pos)));
        });
        this.stmts(r.range(0, 2));
        this.expr(t);
        this.popLabel();
        this.nest--;
        this.emit(0x0b);
        return true;
      }
      case 'tee': {
        const w = this.localsOf(t, true);
        const l = w.length && r.chance(0.6) ? r.pick(w) : this.newLocal(t);
        this.expr(t);
        this.emit(0x22, ...uleb(l));
        return true;
      }
    }
    return false;
  }

  exprI32(leaf) {
    const r = this.rng;
    if (this.compound(I32, leaf)) return;
    const kind = r.weighted([
      [3, 'const'],
      [1, 'global'],
      [leaf ? 0 : 3, 'binop'],
      [leaf ? 0 : 0.7, 'eqz'],
      [leaf ? 0 : 0.7, 'wrap'],
      [leaf ? 0 : 0.5, 'float-bits'],
      [leaf ? 0 : 0.5, 'trunc-sat'],
      [leaf ? 0 : 0.8, 'load'],
      [leaf ? 0 : 0.3, 'grow'],
      [0.3, 'size'],
      [leaf || this.f.isCb ? 0 : 0.5, 'call-back'],
      [leaf ? 0 : 0.4, 'select'],
      [leaf ? 0 : 0.3, 'div'],
    ]);
    switch (kind) {
      case 'const':
        this.emit(0x41, ...sleb(r.chance(0.8) ? r.pick(I32_CONSTS) : r.u32() | 0));
        return;
      case 'global':
        this.emit(0x23, 0x00);
        return;
      case 'binop':
        this.expr(I32);
        this.expr(I32);
        // add sub mul and or xor shl shr_s shr_u rotl eq ne lt_s gt_u
        this.emit(r.pick([0x6a, 0x6b, 0x6c, 0x71, 0x72, 0x73, 0x74, 0x75, 0x76, 0x77, 0x46, 0x47, 0x48, 0x4b]));
        return;
      case 'eqz':
        this.expr(I32);
        this.emit(0x45);
        return;
      case 'wrap':
        this.expr(I64);
        this.emit(0xa7);
        return;
      case 'float-bits':
        if (r.chance(0.5)) {
          this.expr(F32);
          this.emit(0xbc);
        } else {
          this.expr(F64);
          this.emit(0xbd, 0xa7);
        }
        return;
      case 'trunc-sat':
        // i32.trunc_sat_f32_s / i32.trunc_sat_f64_u: defined for every input, NaN included.
        if (r.chance(0.5)) {
          this.expr(F32);
          this.emit(0xfc, 0x00);
        } else {
          this.expr(F64);
          this.emit(0xfc, 0x03);
        }
        return;
      case 'load':
        this.address();
        this.emit(0x28, 0x02, 0x00);
        return;
      case 'grow':
        // Up to the maximum of 3 pages; past it grow returns -1.
        this.emit(0x41, ...sleb(r.int(2)), 0x40, 0x00);
        return;
      case 'size':
        this.emit(0x3f, 0x00);
        return;
      case 'call-back':
        if (!this.charge(CB_COST + 1)) {
          this.emit(0x41, 0x00);
          return;
        }
        this.usesCallBack = true;
        this.expr(I32);
        this.call(CALL_BACK);
        return;
      case 'select':
        this.expr(I32);
        this.expr(I32);
        this.cond();
        this.emit(0x1b);
        return;
      case 'div':
        this.expr(I32);
        this.expr(I32);
        this.emit(r.pick([0x6d, 0x6e, 0x6f, 0x70]));
        return;
    }
  }

  exprI64(leaf) {
    const r = this.rng;
    if (this.compound(I64, leaf)) return;
    const kind = r.weighted([[3, 'const'], [leaf ? 0 : 2, 'extend'], [leaf ? 0 : 2, 'binop'], [leaf ? 0 : 0.5, 'bits']]);
    switch (kind) {
      case 'const':
        this.emit(0x42, ...sleb(r.chance(0.8) ? r.pick(I64_CONSTS) : BigInt.asIntN(64, (BigInt(r.u32()) << 32n) | BigInt(r.u32()))));
        return;
      case 'extend':
        this.expr(I32);
        this.emit(r.pick([0xac, 0xad]));
        return;
      case 'binop':
        this.expr(I64);
        this.expr(I64);
        // add sub mul and or xor shl shr_s shr_u
        this.emit(r.pick([0x7c, 0x7d, 0x7e, 0x83, 0x84, 0x85, 0x86, 0x87, 0x88]));
        return;
      case 'bits':
        this.expr(F64);
        this.emit(0xbd);
        return;
    }
  }

  exprFloat(t, leaf) {
    const r = this.rng;
    if (this.compound(t, leaf)) return;
    const m = this.m;
    const kind = r.weighted([[3, 'const'], [leaf ? 0 : 1.5, 'convert'], [leaf ? 0 : (m.nans ? 0.7 : 0), 'bits'], [leaf ? 0 : 0.3, 'select']]);
    switch (kind) {
      case 'const':
        if (t === F32) this.emit(0x43, ...f32Bytes(r.pick(m.nans && r.chance(0.3) ? F32_NAN : F32_PLAIN)));
        else this.emit(0x44, ...f64Bytes(r.pick(m.nans && r.chance(0.3) ? F64_NAN : F64_PLAIN)));
        return;
      case 'convert':
        this.expr(I32);
        this.emit(t === F32 ? 0xb2 : 0xb7);
        return;
      case 'bits':
        // Any bit pattern, NaNs with payloads included.
        if (t === F32) {
          this.expr(I32);
          this.emit(0xbe);
        } else {
          this.expr(I64);
          this.emit(0xbf);
        }
        return;
      case 'select':
        this.expr(t);
        this.expr(t);
        this.cond();
        this.emit(0x1b);
        return;
    }
  }

  exprExn(leaf) {
    if (this.compound(EXN, leaf)) return;
    if (this.m.exnGlobal && this.rng.chance(0.4)) {
      this.emit(0x23, 0x01);
      return;
    }
    // ref.null exn
    this.emit(0xd0, 0x69);
  }
}

/** The module for `seed` (a non-negative integer). */
export function generate(seed) {
  if (!Number.isInteger(seed) || seed < 0) throw new TypeError(`eh generator: seed must be a non-negative integer, got ${seed}`);
  return new Module(seed).generate();
}
