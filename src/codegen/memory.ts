// Memory instructions. Each memory i is seen through instance bindings refreshed
// whenever it grows (emit/module.ts): `d<i>` a DataView (any alignment, little
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
import { Op } from '../opcodes.js';
import { helperCall, type Handler, type Lowering } from './lowering.js';
import { Flag, type Entry } from './stack.js';

/** JS code for the effective address of an access: a number in [0, 2^33). */
function address(lw: Lowering, addr: Entry, ins: Instr): string {
  const off = ins.memOffset ?? 0;
  // A constant address folds (data at fixed addresses: globals, static tables).
  if (typeof addr.constant === 'number') return String((addr.constant >>> 0) + off);
  const value = lw.stack.value(addr);
  const base = `${value} >>> 0`;
  return off === 0 ? base : `(${base}) + ${off}`;
}

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
  load?: (view: string, addr: string, lw: Lowering, typed?: TypedElement) => string;
  /** Load: the same without the NaN-payload path (Entry.fast), where it differs. */
  fastLoad?: (view: string, addr: string) => string;
  /** Store: statement code from the view, address and value. */
  store?: (view: string, addr: string, value: StoredValue, lw: Lowering, typed?: TypedElement) => string;
}

/** The value a store writes: its code, and what is known of it. */
interface StoredValue {
  code: string;
  /** It cannot be a NaN with a payload (Flag.Canon). */
  canon: boolean;
  /** Its code is a name or a literal (Entry.atom). */
  atom: boolean;
}

/** The element of a typed view an access can use: `view[index]`. */
interface TypedElement {
  view: string;
  index: string;
}

/** JS code for the element `plus` elements after a typed element. */
function elementCode(t: TypedElement, plus = 0): string {
  return plus === 0 ? `${t.view}[${t.index}]` : `${t.view}[${t.index} + ${plus}]`;
}

/** `code` as something that may be written twice: itself if it is a name or a literal (`atom`), else a temporary. */
function once(lw: Lowering, code: string, atom: boolean): { pre: string; ref: string } {
  if (atom) return { pre: '', ref: code };
  const t = lw.temp('$v');
  return { pre: `${t} = ${code}; `, ref: t };
}

/** A store through `typed` when its element exists, else through the DataView (`slow`). */
function typedStore(typed: string, value: string, slow: (value: string) => string): string {
  return `if (${typed} !== undefined) ${typed} = ${value}; else ${slow(value)}`;
}

const get = (m: string, size: number, kind: string, wrap = (x: string) => x): Access => ({
  size,
  kind,
  load: (v, a, _lw, typed) => {
    const dv = size === 1 ? `${v}.${m}(${a})` : `${v}.${m}(${a}, true)`;
    return wrap(typed ? `(${elementCode(typed)} ?? ${dv})` : dv);
  },
});
const set = (m: string, size: number, kind: string, conv?: (x: string, lw: Lowering) => string): Access => ({
  size,
  kind,
  store: (v, a, x, lw, typed) => {
    const dv = (y: string) => (size === 1 ? `${v}.${m}(${a}, ${y})` : `${v}.${m}(${a}, ${y}, true)`);
    const code = conv ? conv(x.code, lw) : x.code;
    if (!typed) return dv(code);
    const y = once(lw, code, !conv && x.atom);
    return y.pre + typedStore(elementCode(typed), y.ref, dv);
  },
});
const big = (x: string) => `BigInt(${x})`;
/** i64.store8/16/32 write the low bits of the value: its low half. */
const narrow = (x: string, lw: Lowering) => lw.decls.wrapI64(x);

const accesses = new Map<Op, Access>([
  [Op.I32Load, get('getInt32', 4, 'i32')],
  // i64 as two int32 halves, the high one first: it is the one that can be out
  // of bounds, so a store writes nothing when it traps. DataView's
  // get/setBigInt64 are runtime calls on Node 20 (~9 / ~7 ns); the halves go
  // through operations V8 lowers (~1.5 / ~1 ns; docs/performance.md).
  [Op.I64Load, { size: 8, load: (v, a, lw) => {
    const t = lw.temp('t');
    return `(${t} = ${a}, BigInt.asIntN(64, (BigInt(${v}.getInt32(${t} + 4, true)) << 32n) | BigInt(${v}.getUint32(${t}, true))))`;
  } }],
  // f32 with exact NaN bits (runtime/numeric.ts): the hardware conversion only on
  // the common path, the bit-exact helper when the value is a NaN. No typed
  // path: through a Float32Array, matmul measured ~6% slower (the probe before
  // a store is a load and a conversion more), so functions storing f32 keep
  // DataView accesses.
  [Op.F32Load, { size: 4, load: (v, a, lw) => {
    const w = lw.temp('$w');
    const t = lw.temp('t');
    return `(${w} = ${v}.getFloat32(${t} = ${a}, true)) === ${w} ? ${w} : ${lw.helper('f32FromBits')}(${v}.getUint32(${t}, true))`;
  }, fastLoad: (v, a) => `${v}.getFloat32(${a}, true)` }],
  [Op.F64Load, get('getFloat64', 8, 'f64')],
  [Op.I32Load8S, get('getInt8', 1, 'i8')],
  [Op.I32Load8U, get('getUint8', 1, 'u8')],
  [Op.I32Load16S, get('getInt16', 2, 'i16')],
  [Op.I32Load16U, get('getUint16', 2, 'u16')],
  [Op.I64Load8S, get('getInt8', 1, 'i8', big)],
  [Op.I64Load8U, get('getUint8', 1, 'u8', big)],
  [Op.I64Load16S, get('getInt16', 2, 'i16', big)],
  [Op.I64Load16U, get('getUint16', 2, 'u16', big)],
  [Op.I64Load32S, get('getInt32', 4, 'i32', big)],
  [Op.I64Load32U, get('getUint32', 4, 'u32', big)],
  [Op.I32Store, set('setInt32', 4, 'i32')],
  [Op.I64Store, { size: 8, kind: 'i32', unit: 4, store: (v, a, x, lw, typed) => {
    // Its own address temporary: the value may contain loads, which use `t`.
    const t = lw.temp('$ta');
    const [s64, s32] = lw.decls.scratch();
    const slow = `${v}.setInt32(${t} + 4, ${s32}[1], true); ${v}.setInt32(${t}, ${s32}[0], true)`;
    if (!typed) return `${t} = ${a}; ${s64}[0] = ${x.code}; ${slow}`;
    // `typed` is the low half's element: with the high one in bounds, both are.
    const lo = elementCode(typed);
    const hi = elementCode(typed, 1);
    return `${t} = ${a}; ${s64}[0] = ${x.code}; if (${hi} !== undefined) { ${hi} = ${s32}[1]; ${lo} = ${s32}[0]; } else { ${slow}; }`;
  } }],
  [Op.F32Store, { size: 4, store: (v, a, x, lw) => {
    // A value that cannot carry a NaN payload converts exactly.
    if (x.canon) return `${v}.setFloat32(${a}, ${x.code}, true)`;
    // The value first (the handler made sure that keeps Wasm's order), then one of two stores.
    const w = lw.temp('$w');
    return `${w} = ${x.code}; if (${w} === ${w}) ${v}.setFloat32(${a}, ${w}, true); else ${v}.setUint32(${a}, ${lw.helper('f32ToBits')}(${w}), true)`;
  } }],
  [Op.F64Store, set('setFloat64', 8, 'f64')],
  // Uint8Array / Uint16Array stores keep the low bits, as setInt8 / setInt16 do.
  [Op.I32Store8, set('setInt8', 1, 'u8')],
  [Op.I32Store16, set('setInt16', 2, 'u16')],
  [Op.I64Store8, set('setInt8', 1, 'u8', narrow)],
  [Op.I64Store16, set('setInt16', 2, 'u16', narrow)],
  [Op.I64Store32, set('setInt32', 4, 'i32', narrow)],
]);

/** The DataView binding of an access's memory: the function's cached local. */
function view(ins: Instr): string {
  return 'D' + (ins.mem ?? 0);
}

/**
 * The typed element an access can use (see VIEWS), or undefined. Only in
 * functions whose every store can use one (MemoryBindings.typed): a DataView
 * store costs the typed accesses after it their checks and reloads as it does
 * the DataView's. The address is a constant, or a value the alignment analysis
 * proved to be a multiple of the access size (passes/alignment.ts), so the
 * element index is exact: `(a >>> 3) + offset / 8`.
 */
function typedElement(lw: Lowering, addr: Entry, ins: Instr, acc: Access): TypedElement | undefined {
  if (!acc.kind || !lw.memory.typed || !lw.memory.aligned.has(ins)) return undefined;
  const unit = acc.unit ?? acc.size;
  const off = ins.memOffset ?? 0;
  const view = () => lw.memory.view(ins.mem ?? 0, acc.kind!);
  if (typeof addr.constant === 'number') {
    const ea = (addr.constant >>> 0) + off;
    if (ea % acc.size !== 0 || ea >= 2 ** 32) return undefined;
    return { view: view(), index: String(ea / unit) };
  }
  // The address is written twice (index and DataView path): it must not act.
  if (off % acc.size !== 0 || addr.flags & Flag.Effect) return undefined;
  const index = `(${lw.stack.value(addr)} >>> ${31 - Math.clz32(unit)})`;
  return { view: view(), index: off === 0 ? index : `${index} + ${off / unit}` };
}

function lowerAccess(acc: Access): Handler {
  if (acc.load) {
    const load = acc.load;
    const fastLoad = acc.fastLoad;
    return (lw, ins) => {
      const st = lw.stack;
      const a = st.pop();
      const addr = address(lw, a, ins);
      const typed = typedElement(lw, a, ins, acc);
      const fast = fastLoad ? `(${fastLoad(view(ins), addr)})` : undefined;
      st.pushFrom(`(${load(view(ins), addr, lw, typed)})`, [a], Flag.State | Flag.Effect, fast);
    };
  }
  const store = acc.store!;
  return (lw, ins) => {
    const st = lw.stack;
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
    const typed = typedElement(lw, a, ins, acc);
    const value: StoredValue = { code: st.value(v), canon: (v.flags & Flag.Canon) !== 0, atom: st.isAtom(v) };
    st.emit(`${store(view(ins), address(lw, a, ins), value, lw, typed)};`);
  };
}

export const memoryHandlers: [Op, Handler][] = [
  ...[...accesses].map(([op, acc]) => [op, lowerAccess(acc)] as [Op, Handler]),
  // memory.size / memory.grow. The size is the instance's byte view's length:
  // a DataView's byteLength getter costs ~3.4 ns on Node 20, a typed array's
  // length ~0.4 ns.
  [Op.MemorySize, (lw, ins) => lw.stack.push(`(u${ins.mem ?? 0}.length / 65536)`, Flag.State)],
  [Op.MemoryGrow, (lw, ins) => {
    // A statement, so the cached views can be refreshed right after it.
    const st = lw.stack;
    st.flushForStatement(false, 1);
    const n = st.pop();
    const h = st.height;
    st.prepareSlotWrite(h);
    st.writeSlot(h, `m${ins.mem ?? 0}._grow(${st.value(n)} >>> 0)`);
    st.pushSlot(h);
    lw.memory.refresh();
  }],
  // memory.init, data.drop, memory.copy, memory.fill
  [Op.MemoryInit, helperCall((lw, ins, [d, s, n]) => `${lw.helper('memoryInit')}(u${ins.mem ?? 0}, DS[${ins.segment}], ${d}, ${s}, ${n})`, 3, false)],
  [Op.DataDrop, (lw, ins) => {
    lw.stack.emit(`DS[${ins.segment}] = ${lw.helper('noBytes')};`);
  }],
  [Op.MemoryCopy, helperCall((lw, ins, [d, s, n]) => `${lw.helper('memoryCopy')}(u${ins.mem ?? 0}, u${ins.mem2 ?? 0}, ${d}, ${s}, ${n})`, 3, false)],
  [Op.MemoryFill, helperCall((lw, ins, [d, v, n]) => `${lw.helper('memoryFill')}(u${ins.mem ?? 0}, ${d}, ${v}, ${n})`, 3, false)],
];
