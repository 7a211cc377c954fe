// Memory instructions. Each memory i is seen through instance bindings refreshed
// whenever it grows (emit/instance.ts): `d<i>` a DataView (any alignment, little
// endian), `u<i>` a Uint8Array (bulk operations), `v<i>_<kind>` typed views
// (see VIEWS), `m<i>` the Memory object.
//
// An access computes the effective address as an unsigned 33-bit sum (address
// >>> 0 plus the static offset, exact in a double) and hands it to the DataView,
// which is the bounds check: a DataView over exactly the memory's bytes throws a
// RangeError for any access that does not fit, before reading or writing
// anything. That RangeError is the trap. The runtime tells it from a RangeError
// thrown by JavaScript because every JS function Wasm calls runs inside a wrapper
// that marks the RangeErrors leaving it (runtime/values.ts); Wasm handlers do not
// catch unmarked ones, and the exported-function boundary turns them into a
// RuntimeError (runtime/exceptions.ts). An explicit comparison before each
// access, as this file emitted before, was paid twice (the DataView checks
// again): measured 20% of nbody's time and 14% of matmul's (docs/performance.md).
//
// Accesses whose address is known to be aligned try a typed view first and
// fall back to that DataView access (typedElement below).
import type { Instr } from '../ir.js';
import type { FunctionLowering, Handler } from './function.js';
import { Flag, type Entry } from './stack.js';
import { wrapI64 } from './numeric.js';
import { Op } from '../opcodes.js';

/** JS code for the effective address of an access: a number in [0, 2^33). */
function address(fl: FunctionLowering, addr: Entry, ins: Instr): string {
  const off = ins.memOffset ?? 0;
  const value = fl.stack.value(addr);
  // A constant address folds (data at fixed addresses: globals, static tables).
  if (/^-?\d+$/.test(value)) return String((Number(value) >>> 0) + off);
  const base = `${value} >>> 0`;
  return off === 0 ? base : `(${base}) + ${off}`;
}

/**
 * Typed-array views an access may read or write, by kind (the instance makes
 * them: emit/module.ts, runtime/memory.ts memoryView).
 */
export const VIEWS: Record<string, string> = {
  f64: 'Float64Array', i32: 'Int32Array', u32: 'Uint32Array',
  i16: 'Int16Array', u16: 'Uint16Array', i8: 'Int8Array', u8: 'Uint8Array',
};

// The typed fast path: `V[k] ?? D.get…(a)`. A DataView store is an operation
// TurboFan's load elimination does not model, so every store through it makes
// the following accesses check and reload the view again; a typed-array store
// does not, and a typed load is cheaper than a DataView load besides (nbody's
// inner loop: ~10%; docs/performance.md). The element is `undefined` exactly
// when it is out of bounds (or the view is empty on a big-endian host), and then
// the DataView access runs as before: it is the bounds check and the trap. V8
// types an in-bounds element as a number, so the `??` costs nothing in
// optimized code. A store first reads its element for the same test.

interface Access {
  size: number;
  /** The view kind of the typed fast path (VIEWS), if the access has one. */
  kind?: string;
  /** Bytes per element of that view, when not `size` (i64.store writes two i32 elements). */
  unit?: number;
  /** Load: result code from the view and the address (`typed`: the typed element, when usable). */
  load?: (view: string, addr: string, fl: FunctionLowering, typed?: string) => string;
  /** Load: the same without the NaN-payload path (Entry.fast), where it differs. */
  fastLoad?: (view: string, addr: string) => string;
  /** Store: statement code from the view, address and value (`canon`: see Flag.Canon). */
  store?: (view: string, addr: string, value: string, fl: FunctionLowering, canon: boolean, typed?: string) => string;
}

/** `code` as something that may be written twice: itself if it is a name or a literal, else a temporary. */
function once(fl: FunctionLowering, code: string): { pre: string; ref: string } {
  if (/^(?:[\w$]+|\(?-?[\d.e+]+\)?)$/.test(code)) return { pre: '', ref: code };
  const t = fl.temp('$v');
  return { pre: `${t} = ${code}; `, ref: t };
}

/** A store through `typed` when its element exists, else through the DataView (`slow`). */
function typedStore(typed: string, value: string, slow: (value: string) => string): string {
  return `if (${typed} !== undefined) ${typed} = ${value}; else ${slow(value)}`;
}

const get = (m: string, size: number, kind: string, wrap = (x: string) => x): Access => ({
  size,
  kind,
  load: (v, a, _fl, typed) => {
    const dv = size === 1 ? `${v}.${m}(${a})` : `${v}.${m}(${a}, true)`;
    return wrap(typed ? `(${typed} ?? ${dv})` : dv);
  },
});
const set = (m: string, size: number, kind: string, conv = (x: string, _fl: FunctionLowering) => x): Access => ({
  size,
  kind,
  store: (v, a, x, fl, _canon, typed) => {
    const dv = (y: string) => (size === 1 ? `${v}.${m}(${a}, ${y})` : `${v}.${m}(${a}, ${y}, true)`);
    if (!typed) return dv(conv(x, fl));
    const y = once(fl, conv(x, fl));
    return y.pre + typedStore(typed, y.ref, dv);
  },
});
const big = (x: string) => `BigInt(${x})`;
/** i64.store8/16/32 write the low bits of the value: its low half. */
const narrow = (x: string, fl: FunctionLowering) => wrapI64(fl, x);

const accesses = new Map<number, Access>([
  [0x28, get('getInt32', 4, 'i32')],
  // i64 as two int32 halves, the high one first: it is the one that can be out
  // of bounds, so a store writes nothing when it traps. DataView's
  // get/setBigInt64 are runtime calls on Node 20 (~9 / ~7 ns); the halves go
  // through operations V8 lowers (~1.5 / ~1 ns; docs/performance.md).
  [0x29, { size: 8, load: (v, a, fl) => {
    const t = fl.temp('t');
    return `(${t} = ${a}, BigInt.asIntN(64, (BigInt(${v}.getInt32(${t} + 4, true)) << 32n) | BigInt(${v}.getUint32(${t}, true))))`;
  } }],
  // f32 with exact NaN bits (runtime/numeric.ts): the hardware conversion only on
  // the common path, the bit-exact helper when the value is a NaN. No typed
  // path: through a Float32Array, matmul measured ~6% slower (the probe before
  // a store is a load and a conversion more), so functions storing f32 keep
  // DataView accesses.
  [0x2a, { size: 4, load: (v, a, fl) => {
    const w = fl.temp('$w');
    const t = fl.temp('t');
    return `(${w} = ${v}.getFloat32(${t} = ${a}, true)) === ${w} ? ${w} : ${fl.helper('f32FromBits')}(${v}.getUint32(${t}, true))`;
  }, fastLoad: (v, a) => `${v}.getFloat32(${a}, true)` }],
  [0x2b, get('getFloat64', 8, 'f64')],
  [0x2c, get('getInt8', 1, 'i8')],
  [0x2d, get('getUint8', 1, 'u8')],
  [0x2e, get('getInt16', 2, 'i16')],
  [0x2f, get('getUint16', 2, 'u16')],
  [0x30, get('getInt8', 1, 'i8', big)],
  [0x31, get('getUint8', 1, 'u8', big)],
  [0x32, get('getInt16', 2, 'i16', big)],
  [0x33, get('getUint16', 2, 'u16', big)],
  [0x34, get('getInt32', 4, 'i32', big)],
  [0x35, get('getUint32', 4, 'u32', big)],
  [0x36, set('setInt32', 4, 'i32')],
  [0x37, { size: 8, kind: 'i32', unit: 4, store: (v, a, x, fl, _canon, typed) => {
    // Its own address temporary: the value may contain loads, which use `t`.
    const t = fl.temp('$ta');
    const [s64, s32] = fl.ctx.scratch();
    const slow = `${v}.setInt32(${t} + 4, ${s32}[1], true); ${v}.setInt32(${t}, ${s32}[0], true)`;
    if (!typed) return `${t} = ${a}; ${s64}[0] = ${x}; ${slow}`;
    // `typed` is the low half's element: with the high one in bounds, both are.
    const hi = typed.replace(/\]$/, ' + 1]');
    return `${t} = ${a}; ${s64}[0] = ${x}; if (${hi} !== undefined) { ${hi} = ${s32}[1]; ${typed} = ${s32}[0]; } else { ${slow}; }`;
  } }],
  [0x38, { size: 4, store: (v, a, x, fl, canon) => {
    // A value that cannot carry a NaN payload converts exactly.
    if (canon) return `${v}.setFloat32(${a}, ${x}, true)`;
    // The value first (the handler made sure that keeps Wasm's order), then one of two stores.
    const w = fl.temp('$w');
    return `${w} = ${x}; if (${w} === ${w}) ${v}.setFloat32(${a}, ${w}, true); else ${v}.setUint32(${a}, ${fl.helper('f32ToBits')}(${w}), true)`;
  } }],
  [0x39, set('setFloat64', 8, 'f64')],
  // Uint8Array / Uint16Array stores keep the low bits, as setInt8 / setInt16 do.
  [0x3a, set('setInt8', 1, 'u8')],
  [0x3b, set('setInt16', 2, 'u16')],
  [0x3c, set('setInt8', 1, 'u8', narrow)],
  [0x3d, set('setInt16', 2, 'u16', narrow)],
  [0x3e, set('setInt32', 4, 'i32', narrow)],
]);

/** Bytes accessed by a load or store opcode, or undefined for any other opcode. */
export function accessSize(op: number): number | undefined {
  return accesses.get(op)?.size;
}

/** The DataView binding for an access: the function's cached local, or the instance's. */
function view(_fl: FunctionLowering, ins: Instr): string {
  return 'D' + (ins.mem ?? 0);
}

/**
 * The typed element an access can use (see VIEWS), or undefined. Only in
 * functions whose every store can use one (FunctionLowering.typedMemory): a
 * DataView store costs the typed accesses after it their checks and reloads
 * as it does the DataView's. The address is a constant, or a value the
 * alignment analysis proved to be a multiple of the access size
 * (alignment.ts), so the element index is exact: `(a >>> 3) + offset / 8`.
 */
function typedElement(fl: FunctionLowering, addr: Entry, ins: Instr, acc: Access): string | undefined {
  if (!acc.kind || !fl.typedMemory || !fl.alignedAccesses.has(ins)) return undefined;
  const unit = acc.unit ?? acc.size;
  const off = ins.memOffset ?? 0;
  const value = fl.stack.value(addr);
  const view = () => fl.memView(ins.mem ?? 0, acc.kind!);
  if (/^-?\d+$/.test(value)) {
    const ea = (Number(value) >>> 0) + off;
    if (ea % acc.size !== 0 || ea >= 2 ** 32) return undefined;
    return `${view()}[${ea / unit}]`;
  }
  // The address is written twice (index and DataView path): it must not act.
  if (off % acc.size !== 0 || addr.flags & Flag.Effect) return undefined;
  const index = `(${value} >>> ${31 - Math.clz32(unit)})`;
  return `${view()}[${off === 0 ? index : `${index} + ${off / unit}`}]`;
}

function lowerAccess(acc: Access): Handler {
  if (acc.load) {
    const load = acc.load;
    const fastLoad = acc.fastLoad;
    return (fl, ins) => {
      const st = fl.stack;
      const a = st.pop();
      const addr = address(fl, a, ins);
      const typed = typedElement(fl, a, ins, acc);
      const fast = fastLoad ? `(${fastLoad(view(fl, ins), addr)})` : undefined;
      st.pushFrom(`(${load(view(fl, ins), addr, fl, typed)})`, [a], Flag.State | Flag.Effect, fast);
    };
  }
  const store = acc.store!;
  return (fl, ins) => {
    const st = fl.stack;
    // The bounds check runs after the value is computed: a value that may trap or
    // act is evaluated first (with its address), otherwise both stay inline.
    const h = st.height;
    st.flushForStatement(false, 2);
    if (st.entries[h - 1].flags & Flag.Effect) {
      // The address only needs evaluating first if it could act or observe state.
      if (st.entries[h - 2].flags & (Flag.Effect | Flag.State)) st.materialize(h - 2);
      st.materialize(h - 1);
    }
    const v = st.pop();
    const a = st.pop();
    const typed = typedElement(fl, a, ins, acc);
    st.emit(`${store(view(fl, ins), address(fl, a, ins), st.value(v), fl, (v.flags & Flag.Canon) !== 0, typed)};`);
  };
}

/** A bulk operation lowered to a runtime helper call, operands in Wasm order. */
function bulk(make: (fl: FunctionLowering, ins: Instr, args: string[]) => string, arity: number, result: boolean): Handler {
  return (fl, ins) => {
    const st = fl.stack;
    if (!result) st.flushForStatement(false, arity);
    const ops: Entry[] = [];
    for (let i = 0; i < arity; i++) ops.unshift(st.pop());
    const code = make(fl, ins, ops.map((e) => st.value(e)));
    if (result) {
      st.pushFrom(`(${code})`, ops, Flag.State | Flag.Effect);
    } else {
      st.emit(`${code};`);
    }
  };
}

export const memoryHandlers = new Map<number, Handler>([
  ...[...accesses].map(([op, acc]) => [op, lowerAccess(acc)] as [number, Handler]),
  // memory.size / memory.grow. The size is the instance's byte view's length:
  // a DataView's byteLength getter costs ~3.4 ns on Node 20, a typed array's
  // length ~0.4 ns.
  [0x3f, (fl, ins) => fl.stack.push(`(u${ins.mem ?? 0}.length / 65536)`, Flag.State)],
  [0x40, (fl, ins) => {
    // A statement, so the cached views can be refreshed right after it.
    const st = fl.stack;
    st.flushForStatement(false, 1);
    const n = st.pop();
    const h = st.height;
    st.prepareSlotWrite(h);
    st.emit(`s${h} = m${ins.mem ?? 0}._grow(${st.value(n)} >>> 0);`);
    if (h > st.maxSlotUsed) st.maxSlotUsed = h;
    st.pushSlot(h);
    fl.refreshMemories();
  }],
  // memory.init, data.drop, memory.copy, memory.fill
  [Op.MemoryInit, bulk((fl, ins, [d, s, n]) => `${fl.helper('memoryInit')}(u${ins.mem ?? 0}, DS[${ins.segment}], ${d}, ${s}, ${n})`, 3, false)],
  [Op.DataDrop, (fl, ins) => {
    fl.stack.emit(`DS[${ins.segment}] = ${fl.helper('noBytes')};`);
  }],
  [Op.MemoryCopy, bulk((fl, ins, [d, s, n]) => `${fl.helper('memoryCopy')}(u${ins.mem ?? 0}, u${ins.mem2 ?? 0}, ${d}, ${s}, ${n})`, 3, false)],
  [Op.MemoryFill, bulk((fl, ins, [d, v, n]) => `${fl.helper('memoryFill')}(u${ins.mem ?? 0}, ${d}, ${v}, ${n})`, 3, false)],
]);

export { bulk };
