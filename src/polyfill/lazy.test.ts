// Lazy compilation in the polyfill: only functions that run are lowered, once
// per Module, and a lazily compiled function behaves exactly as an eagerly
// compiled one and as the native engine's (this process has native
// WebAssembly: every scenario runs on both and the transcripts are compared).
import { describe, it, expect, afterEach } from 'vitest';
import { WebAssembly as W } from './index.js';
import { moduleRecord } from './module.js';
import { setCompileMode, type Compiled } from './compiler.js';
import { wat } from '../testing/wasm-bytes.js';

const N = globalThis.WebAssembly as any;
type NS = any;

afterEach(() => setCompileMode('lazy'));

/** The lazy state of a polyfill Module. */
function lazyOf(m: unknown) {
  const c: Compiled = moduleRecord(m, 'test');
  if (!c.lazy) throw new Error('not compiled lazily');
  return c.lazy;
}

/** Function indices by name, from a module whose functions are numbered in order after `imports` imports. */
function indexOf(names: string[], imports: number): Record<string, number> {
  return Object.fromEntries(names.map((n, i) => [n, imports + i]));
}

/** What running `f` gives: its value, or the kind of error (messages differ between engines). */
function outcome(ns: NS, f: () => unknown): string {
  try {
    const v = f();
    return `= ${typeof v === 'bigint' ? `${v}n` : String(v)}`;
  } catch (e: any) {
    if (e instanceof ns.RuntimeError) return 'trap';
    if (e instanceof ns.Exception) return `exception ${e.getArg(e.__tag ?? e.tagForTest, 0)}`;
    return `${e?.constructor?.name}`;
  }
}

// Functions, in index order after the two imports: the names below.
const FUNCS = ['inc', 'thrower', 'trapper', 'div', 'even', 'odd', 'callIdx', 'catcher', 'refOf', 'setSlot', 'other', 'unused', 'viaJs', 'start'];
const IDX = indexOf(FUNCS, 2);
const MAIN = wat(`(module
  (import "env" "log" (func $log (param i32)))
  (import "env" "js" (func $js (param i32) (result i32)))
  (type $i_i (func (param i32) (result i32)))
  (tag $e (export "e") (param i32))
  (table $t (export "tbl") 10 funcref)
  (memory (export "mem") 1)
  (global $gf (export "gf") (mut funcref) (ref.func $inc))
  (elem (table $t) (i32.const 0) func $inc $thrower $trapper $div $even $odd $other)
  (func $inc (export "inc") (param i32) (result i32) (i32.add (local.get 0) (i32.const 1)))
  (func $thrower (param i32) (result i32) (throw $e (local.get 0)))
  (func $trapper (param i32) (result i32) unreachable)
  (func $div (param i32) (result i32) (i32.div_s (i32.const 100) (local.get 0)))
  (func $even (export "even") (param i32) (result i32)
    (if (result i32) (i32.eqz (local.get 0))
      (then (i32.const 1))
      (else (call $odd (i32.sub (local.get 0) (i32.const 1))))))
  (func $odd (export "odd") (param i32) (result i32)
    (if (result i32) (i32.eqz (local.get 0))
      (then (i32.const 0))
      (else (call_indirect (type $i_i) (i32.sub (local.get 0) (i32.const 1)) (i32.const 4)))))
  (func $callIdx (export "callIdx") (param i32 i32) (result i32)
    (call_indirect (type $i_i) (local.get 1) (local.get 0)))
  (func $catcher (export "catcher") (param i32 i32) (result i32)
    (try (result i32)
      (do (call_indirect (type $i_i) (local.get 1) (local.get 0)))
      (catch $e (i32.add (i32.const 1000)))))
  (func $refOf (export "refOf") (param i32) (result funcref) (table.get $t (local.get 0)))
  (func $setSlot (export "setSlot") (param i32 funcref) (table.set $t (local.get 0) (local.get 1)))
  (func $other (param i64) (result i64) (i64.mul (local.get 0) (i64.const 3)))
  (func $unused (export "unused") (param i32) (result i32) (i32.store (i32.const 0) (local.get 0)) (i32.load (i32.const 4)))
  (func $viaJs (export "viaJs") (param i32) (result i32)
    (try (result i32)
      (do (call $js (local.get 0)))
      (catch $e (i32.add (i32.const 2000)))))
  (func $start (call $log (i32.const 7)))
  (start $start))`, true);

/** Runs the scenario on a WebAssembly namespace; returns its transcript. */
function scenario(ns: NS, bytes: Uint8Array, checkpoint: (what: string, module: unknown) => void = () => {}): string[] {
  const out: string[] = [];
  const logged: number[] = [];
  let x: any;
  const imports = {
    env: {
      log: (v: number) => logged.push(v),
      // JS between Wasm frames: calls back into functions not compiled yet, or
      // throws the module's exception through them.
      js: (v: number) => (v < 0 ? (() => { throw new ns.Exception(x.e, [v]); })() : x.even(v) + x.callIdx(3, v)),
    },
  };
  const module = new ns.Module(bytes);
  const instance = new ns.Instance(module, imports);
  x = instance.exports;
  checkpoint('instantiated', module);
  const ex = (f: () => unknown) => {
    try {
      return outcome(ns, f);
    } catch (e) {
      return String(e);
    }
  };
  const thrown = (f: () => unknown) => {
    try {
      f();
      return 'no exception';
    } catch (e: any) {
      return e instanceof ns.Exception && e.is(x.e) ? `exception ${e.getArg(x.e, 0)}` : e instanceof ns.RuntimeError ? 'trap' : String(e?.constructor?.name);
    }
  };
  out.push(`start logged ${logged.join(',')}`);
  // Identity of functions nothing has called yet: exports, tables, globals agree.
  out.push(`identity before: ${x.tbl.get(0) === x.inc} ${x.gf.value === x.inc} ${x.refOf(0) === x.inc} ${x.inc.name} ${x.inc.length}`);
  out.push(`inc ${ex(() => x.inc(41))}`);
  out.push(`identity after: ${x.tbl.get(0) === x.inc} ${x.gf.value === x.inc} ${x.refOf(0) === x.inc}`);
  // Exceptions through a function compiled by the throw's own call, caught in Wasm and in JS.
  out.push(`catcher ${ex(() => x.catcher(1, 5))}`);
  out.push(`callIdx thrower ${thrown(() => x.callIdx(1, 6))}`);
  // Traps in functions compiled on the trapping call.
  out.push(`trapper ${thrown(() => x.callIdx(2, 0))}`);
  out.push(`div 0 ${thrown(() => x.callIdx(3, 0))}`);
  out.push(`div 5 ${ex(() => x.callIdx(3, 5))}`);
  out.push(`null slot ${thrown(() => x.callIdx(8, 0))}`);
  out.push(`out of bounds ${thrown(() => x.callIdx(99, 0))}`);
  out.push(`wrong type ${thrown(() => x.callIdx(6, 0))}`);
  checkpoint('after traps', module);
  // Mutual recursion (direct and indirect), the callee compiled mid-call.
  out.push(`odd 7 ${ex(() => x.odd(7))} even 10 ${ex(() => x.even(10))} even 7 ${ex(() => x.even(7))}`);
  // References taken and stored by compiled code.
  out.push(`ref div ${x.refOf(3) === x.tbl.get(3)}`);
  x.setSlot(9, x.refOf(3));
  out.push(`slot 9 ${ex(() => x.callIdx(9, 4))} ${x.tbl.get(9) === x.tbl.get(3)}`);
  // A JS function stored in the table from JS calls into it: the stored function runs.
  x.tbl.set(8, x.inc);
  out.push(`slot 8 ${ex(() => x.callIdx(8, 1))} ${x.tbl.get(8) === x.inc}`);
  // JS between Wasm frames: callbacks into Wasm and an exception thrown by JS through compiled functions.
  out.push(`viaJs ${ex(() => x.viaJs(4))} ${ex(() => x.viaJs(-3))}`);
  // A second instance of the same Module: its own table, the same code.
  const y = new ns.Instance(module, imports).exports as any;
  out.push(`second: ${ex(() => y.even(6))} ${ex(() => y.catcher(1, 9))} ${y.inc === x.inc} ${y.tbl.get(0) === y.inc}`);
  // Another module links the first one's exported function (compiled by now) and its table.
  const linker = wat(`(module
    (import "m" "inc" (func $inc (param i32) (result i32)))
    (import "m" "tbl" (table 10 funcref))
    (type $i_i (func (param i32) (result i32)))
    (func (export "twice") (param i32) (result i32) (call $inc (call $inc (local.get 0))))
    (func (export "viaTable") (param i32 i32) (result i32) (call_indirect (type $i_i) (local.get 1) (local.get 0))))`);
  const z = new ns.Instance(new ns.Module(linker), { m: { inc: x.inc, tbl: x.tbl } }).exports as any;
  out.push(`linked: ${ex(() => z.twice(1))} ${ex(() => z.viaTable(3, 50))} ${ex(() => z.viaTable(4, 3))}`);
  return out;
}

describe('lazy compilation', () => {
  it('lowers only the functions that run, each once per Module', () => {
    const m = new W.Module(MAIN);
    const lz = lazyOf(m);
    expect(lz.lowered).toBe(0);
    const x = new W.Instance(m, { env: { log() {}, js: () => 0 } }).exports as any;
    // The start function ran: it alone is compiled.
    expect(lz.loweredIndices()).toEqual([IDX.start]);
    expect(x.callIdx(3, 4)).toBe(25);
    expect(lz.loweredIndices()).toEqual([IDX.div, IDX.callIdx, IDX.start]);
    expect(x.even(3)).toBe(0);
    expect(lz.loweredIndices()).toEqual([IDX.div, IDX.even, IDX.odd, IDX.callIdx, IDX.start]);
    // Another instance, and another Module of the same bytes (the content cache):
    // running the same functions lowers nothing more.
    const y = new W.Instance(new W.Module(MAIN.slice()), { env: { log() {}, js: () => 0 } }).exports as any;
    expect(y.even(5) + y.callIdx(3, 10)).toBe(10);
    expect(lz.lowered).toBe(5);
    expect(lz.loweredIndices()).not.toContain(IDX.unused);
  });

  it('behaves like the native engine and like eager compilation', () => {
    const native = scenario(N, MAIN);
    const seen: Record<string, number[]> = {};
    // Bytes of their own (a custom section added), so no earlier test's Module shares the compiled code.
    const bytes = new Uint8Array([...MAIN, 0, 5, 4, 0x6c, 0x61, 0x7a, 0x79]);
    const lazy = scenario(W, bytes, (what, module) => {
      seen[what] = lazyOf(module).loweredIndices();
    });
    setCompileMode('eager');
    const eager = scenario(W, MAIN.slice());
    expect(lazy).toEqual(native);
    expect(eager).toEqual(native);
    // The scenario means what it says: calls reached the functions.
    expect(native).toContain('catcher = 1005');
    expect(native).toContain('trapper trap');
    expect(seen.instantiated).toEqual([IDX.start]);
    expect(seen['after traps']).toEqual(expect.arrayContaining([IDX.thrower, IDX.trapper, IDX.div, IDX.catcher]));
  });

  it('puts compiled functions in their table slots, keeping one identity for JS', () => {
    const x = new W.Instance(new W.Module(MAIN), { env: { log() {}, js: () => 0 } }).exports as any;
    const e = x.tbl._e as any[];
    const stub = e[3];
    const exported = x.tbl.get(3);
    expect(x.callIdx(3, 2)).toBe(50);
    // The slot the element segment filled holds the compiled function now (no
    // forwarding left on call_indirect), and JS still sees the same function.
    expect(e[3]).not.toBe(stub);
    expect(e[3].i).toBe(IDX.div);
    expect(e[3].t).toBe(stub.t);
    expect(x.tbl.get(3)).toBe(exported);
  });

  it('compiles callees in the middle of a call, through recursion', () => {
    // A chain of functions, each calling the next twice in a loop, then a
    // mutual recursion through a table: every callee is compiled while its
    // callers are running, and later iterations reach the compiled code.
    const n = 12;
    const chain = Array.from({ length: n }, (_, i) => i < n - 1
      ? `(func $c${i} (export "c${i}") (param i32) (result i32) (local $k i32) (local $s i32)
          (loop $l
            (local.set $s (i32.add (local.get $s) (call $c${i + 1} (i32.add (local.get 0) (local.get $k)))))
            (local.set $k (i32.add (local.get $k) (i32.const 1)))
            (br_if $l (i32.lt_u (local.get $k) (i32.const 2))))
          (i32.add (local.get $s) (i32.const ${i})))`
      : `(func $c${i} (param i32) (result i32) (i32.mul (local.get 0) (i32.const 3)))`).join('\n');
    const bytes = wat(`(module
      (type $ii (func (param i32 i32) (result i32)))
      (table 2 funcref)
      (elem (i32.const 0) $ping $pong)
      ${chain}
      (func $ping (export "ping") (param i32 i32) (result i32)
        (if (result i32) (i32.eqz (local.get 0)) (then (local.get 1))
          (else (call_indirect (type $ii) (i32.sub (local.get 0) (i32.const 1)) (i32.add (local.get 1) (i32.const 2)) (i32.const 1)))))
      (func $pong (param i32 i32) (result i32)
        (if (result i32) (i32.eqz (local.get 0)) (then (i32.sub (i32.const 0) (local.get 1)))
          (else (call $ping (i32.sub (local.get 0) (i32.const 1)) (i32.mul (local.get 1) (i32.const 3)))))))`);
    const run = (ns: NS) => {
      const x = new ns.Instance(new ns.Module(bytes), {}).exports;
      return [x.c0(5), x.c0(6), x.ping(9, 1), x.ping(10, 1), x.c3(1)];
    };
    const m = new W.Module(bytes);
    const x = new W.Instance(m, {}).exports as any;
    expect(lazyOf(m).lowered).toBe(0);
    const got = [x.c0(5), x.c0(6), x.ping(9, 1), x.ping(10, 1), x.c3(1)];
    expect(got).toEqual(run(N));
    expect(lazyOf(m).lowered).toBe(n + 2);
  });

  it('rejects an invalid module at compile time even if the bad function would never run', async () => {
    const bad = wat(`(module
      (func (export "ok") (result i32) (i32.const 1))
      (func (export "never") (result i32) (i64.const 1)))`);
    expect(N.validate(bad)).toBe(false);
    expect(W.validate(bad)).toBe(false);
    expect(() => new W.Module(bad)).toThrow(W.CompileError);
    await expect(W.compile(bad)).rejects.toBeInstanceOf(W.CompileError);
    await expect(W.instantiate(bad)).rejects.toBeInstanceOf(W.CompileError);
  });
});
