// Numeric instructions: constants, comparisons, arithmetic, conversions.
//
// Each operator is a template from operand code to result code, plus whether it
// yields a JS boolean (comparisons) and whether it may trap (then it keeps its
// place in evaluation order: Flag.Effect). Simple operators are inlined; those
// needing more than one use of an operand or exact trap/NaN/rounding behaviour
// call runtime helpers (runtime/numeric.ts) by name.
import type { Instr } from '../ir.js';
import { Op } from '../opcodes.js';
import type { Handler, Lowering } from './lowering.js';
import { Flag, type Entry } from './stack.js';
import { numberLiteral } from './literals.js';
import { noteLow32, wrapped } from './narrow.js';

/** What a template may know besides its operands' code. */
interface TemplateContext {
  /** A runtime helper's binding by name. */
  h: (name: string) => string;
  lw: Lowering;
  /** The operands' values when they are integer constants (Entry.constant). */
  ca?: number | bigint;
  cb?: number | bigint;
}

type Template = (a: string, b: string, x: TemplateContext) => string;

interface Operator {
  arity: 1 | 2;
  t: Template;
  bool?: boolean;
  trap?: boolean;
  /** Whether the operation may trap, where that depends on the second operand's constant value (overrides `trap`). */
  trapsWith?: (cb: number | bigint | undefined) => boolean;
}

const AI = 'BigInt.asIntN(64, ';
const AU = 'BigInt.asUintN(64, ';

const un = (t: Template, o: Partial<Operator> = {}): Operator => ({ arity: 1, t, ...o });
const bin = (t: Template, o: Partial<Operator> = {}): Operator => ({ arity: 2, t, ...o });
const cmp = (t: Template): Operator => ({ arity: 2, t, bool: true });
const helper1 = (name: string, trap = false): Operator => un((a, _b, x) => `${x.h(name)}(${a})`, { trap });
const helper2 = (name: string, trap = false): Operator => bin((a, b, x) => `${x.h(name)}(${a}, ${b})`, { trap });
const fr = (x: string) => `Math.fround(${x})`;
/**
 * floor, ceil, trunc (f32 and f64): ECMAScript lets Math's functions return a
 * NaN argument itself, and V8's interpreter does, so a signalling NaN came out
 * signalling; Wasm requires an arithmetic (quiet) NaN. `x - 0` is x for every other value
 * (-0 included) and quiets a NaN; where optimized code folds it away, the
 * rounding instruction itself quiets (src/codegen/nan.test.ts checks both
 * tiers). Cost: none measured (a loop of f64.floor, f32.floor, trunc and ceil,
 * 10 interleaved runs: 0.82x-0.99x of the plain call, noise); a NaN test with
 * the canonical NaN as its other branch, inline or in a runtime helper, made
 * V8 box the result: 1.6-2x slower.
 */
const rounding = (fn: string): Operator => un((a) => `Math.${fn}((${a}) - 0)`);


/**
 * JS code for the i64 value v. A negative value is written as asIntN of its
 * unsigned bits, not as `-5n`: that is a unary minus at run time, which V8 on
 * Node 20 does not always fold even in optimized code (a compare with a
 * negative literal, optimized before it ran: 12.4 ns against 3.1 ns, with a
 * BigInt allocated each time; docs/performance.md).
 */
function i64Literal(v: bigint): string {
  return v < 0n ? `${AI}${BigInt.asUintN(64, v)}n)` : `${v}n`;
}

/** `N` for an i64 constant -N (N < 2^63), or null. */
const negLiteral64 = (c: number | bigint | undefined): string | null =>
  typeof c === 'bigint' && c < 0n && c > -0x8000000000000000n ? `${-c}n` : null;

/** An i32 operand read as unsigned: constants are converted here, not at run time. */
const u32 = (x: string, c: number | bigint | undefined): string =>
  typeof c === 'number' ? String(c >>> 0) : `(${x} >>> 0)`;

/**
 * i32 division and remainder. By a literal that cannot trap (nonzero; for
 * div_s also not -1, the INT_MIN / -1 overflow) the operation is inline JS,
 * which V8 turns into an integer division (or a multiply by the reciprocal);
 * otherwise the helper checks and traps. `inline` returns null where it can't.
 */
const divRem = (name: string, inline: (a: string, c: number, ca: number | bigint | undefined) => string | null): Operator => {
  const byConstant = (a: string, ca: number | bigint | undefined, cb: number | bigint | undefined): string | null =>
    typeof cb === 'number' ? inline(a, cb, ca) : null;
  return {
    arity: 2,
    t: (a, b, x) => byConstant(a, x.ca, x.cb) ?? `${x.h(name)}(${a}, ${b})`,
    trap: true,
    trapsWith: (cb) => byConstant('0', undefined, cb) === null,
  };
};

const ops = new Map<number, Operator>([
  // i32 comparisons
  [Op.I32Eq, cmp((a, b) => `${a} === ${b}`)],
  [Op.I32Ne, cmp((a, b) => `${a} !== ${b}`)],
  [Op.I32LtS, cmp((a, b) => `${a} < ${b}`)],
  [Op.I32LtU, cmp((a, b, x) => `${u32(a, x.ca)} < ${u32(b, x.cb)}`)],
  [Op.I32GtS, cmp((a, b) => `${a} > ${b}`)],
  [Op.I32GtU, cmp((a, b, x) => `${u32(a, x.ca)} > ${u32(b, x.cb)}`)],
  [Op.I32LeS, cmp((a, b) => `${a} <= ${b}`)],
  [Op.I32LeU, cmp((a, b, x) => `${u32(a, x.ca)} <= ${u32(b, x.cb)}`)],
  [Op.I32GeS, cmp((a, b) => `${a} >= ${b}`)],
  [Op.I32GeU, cmp((a, b, x) => `${u32(a, x.ca)} >= ${u32(b, x.cb)}`)],
  // i64
  [Op.I64Eqz, un((a) => `${a} === 0n`, { bool: true })],
  [Op.I64Eq, cmp((a, b) => `${a} === ${b}`)],
  [Op.I64Ne, cmp((a, b) => `${a} !== ${b}`)],
  // i64 orderings: compare64 below
  // f32 / f64 comparisons (NaN compares false, != true: as in JS)
  ...[Op.F32Eq, 0x61].flatMap((base) => [
    [base, cmp((a, b) => `${a} === ${b}`)],
    [base + 1, cmp((a, b) => `${a} !== ${b}`)],
    [base + 2, cmp((a, b) => `${a} < ${b}`)],
    [base + 3, cmp((a, b) => `${a} > ${b}`)],
    [base + 4, cmp((a, b) => `${a} <= ${b}`)],
    [base + 5, cmp((a, b) => `${a} >= ${b}`)],
  ] as [number, Operator][]),
  // i32 arithmetic
  [Op.I32Clz, un((a) => `Math.clz32(${a})`)],
  [Op.I32Ctz, helper1('i32Ctz')],
  [Op.I32Popcnt, helper1('i32Popcnt')],
  [Op.I32Add, bin((a, b) => `(${a} + ${b}) | 0`)],
  [Op.I32Sub, bin((a, b) => `(${a} - ${b}) | 0`)],
  [Op.I32Mul, bin((a, b) => `Math.imul(${a}, ${b})`)],
  // Truncating a quotient of int32s through a double is exact: its fraction is
  // at least 1/|c| away from the next integer, far above a double's ulp here.
  [Op.I32DivS, divRem('i32DivS', (a, c) => (c === 0 || c === -1 ? null : `(${a} / ${numberLiteral(c)}) | 0`))],
  [Op.I32DivU, divRem('i32DivU', (a, c, ca) => (c === 0 ? null : `(${u32(a, ca)} / ${c >>> 0}) | 0`))],
  [Op.I32RemS, divRem('i32RemS', (a, c) => (c === 0 ? null : `(${a} % ${numberLiteral(c)}) | 0`))],
  [Op.I32RemU, divRem('i32RemU', (a, c, ca) => (c === 0 ? null : `(${u32(a, ca)} % ${c >>> 0}) | 0`))],
  [Op.I32And, bin((a, b) => `${a} & ${b}`)],
  [Op.I32Or, bin((a, b) => `${a} | ${b}`)],
  [Op.I32Xor, bin((a, b) => `${a} ^ ${b}`)],
  [Op.I32Shl, bin((a, b) => `${a} << ${b}`)],
  [Op.I32ShrS, bin((a, b) => `${a} >> ${b}`)],
  [Op.I32ShrU, bin((a, b) => `(${a} >>> ${b}) | 0`)],

  // i64 arithmetic: signed BigInts kept in range with asIntN (V8 lowers the pattern)
  [Op.I64Clz, helper1('i64Clz')],
  [Op.I64Ctz, helper1('i64Ctz')],
  [Op.I64Popcnt, helper1('i64Popcnt')],
  // A negative literal is a unary minus evaluated at run time until V8
  // optimizes the code (~25 ns in the interpreter): x + (-5n) is x - 5n.
  [Op.I64Add, bin((a, b, x) => { const n = negLiteral64(x.cb); return n ? `${AI}${a} - ${n})` : `${AI}${a} + ${b})`; })],
  [Op.I64Sub, bin((a, b, x) => { const n = negLiteral64(x.cb); return n ? `${AI}${a} + ${n})` : `${AI}${a} - ${b})`; })],
  [Op.I64Mul, bin((a, b) => `${AI}${a} * ${b})`)],
  [Op.I64DivS, helper2('i64DivS', true)],
  [Op.I64DivU, helper2('i64DivU', true)],
  [Op.I64RemS, helper2('i64RemS', true)],
  [Op.I64RemU, helper2('i64RemU', true)],
  // Bitwise results stay in range without asIntN, but V8 (Node 20) lowers a
  // bitwise operator to machine code only while its operands are typed as
  // 64-bit: the result of `a | b` is not, so `(a | b) | c` ran in the BigInt
  // runtime, allocating (a byte swap: 27 vs 3 ns, docs/performance.md).
  [Op.I64And, bin((a, b) => `${AI}${a} & ${b})`)],
  [Op.I64Or, bin((a, b) => `${AI}${a} | ${b})`)],
  [Op.I64Xor, bin((a, b) => `${AI}${a} ^ ${b})`)],


  // f32: every arithmetic result is rounded to single precision
  [Op.F32Abs, un((a) => `Math.abs(${a})`)],
  [Op.F32Neg, un((a) => `-${a}`)],
  [Op.F32Ceil, rounding('ceil')],
  [Op.F32Floor, rounding('floor')],
  [Op.F32Trunc, rounding('trunc')],
  [Op.F32Nearest, helper1('nearest')],
  [Op.F32Sqrt, un((a) => fr(`Math.sqrt(${a})`))],
  [Op.F32Add, bin((a, b) => fr(`${a} + ${b}`))],
  [Op.F32Sub, bin((a, b) => fr(`${a} - ${b}`))],
  [Op.F32Mul, bin((a, b) => fr(`${a} * ${b}`))],
  [Op.F32Div, bin((a, b) => fr(`${a} / ${b}`))],
  [Op.F32Min, bin((a, b) => `Math.min(${a}, ${b})`)],
  [Op.F32Max, bin((a, b) => `Math.max(${a}, ${b})`)],
  [Op.F32Copysign, helper2('f32Copysign')],
  // f64
  [Op.F64Abs, un((a) => `Math.abs(${a})`)],
  [Op.F64Neg, un((a) => `-${a}`)],
  [Op.F64Ceil, rounding('ceil')],
  [Op.F64Floor, rounding('floor')],
  [Op.F64Trunc, rounding('trunc')],
  [Op.F64Nearest, helper1('nearest')],
  [Op.F64Sqrt, un((a) => `Math.sqrt(${a})`)],
  [Op.F64Add, bin((a, b) => `${a} + ${b}`)],
  [Op.F64Sub, bin((a, b) => `${a} - ${b}`)],
  [Op.F64Mul, bin((a, b) => `${a} * ${b}`)],
  [Op.F64Div, bin((a, b) => `${a} / ${b}`)],
  [Op.F64Min, bin((a, b) => `Math.min(${a}, ${b})`)],
  [Op.F64Max, bin((a, b) => `Math.max(${a}, ${b})`)],
  [Op.F64Copysign, helper2('f64Copysign')],
  // conversions
  // i64 to i32 and to f64 through the scratch pair (context.ts: scratch). The
  // f64 sum rounds once: hi * 2^32 and lo are exact doubles, so the result is
  // the correctly rounded i64 value, as f64.convert_i64 requires.
  [Op.I32TruncF32S, helper1('i32TruncS', true)],
  [Op.I32TruncF32U, helper1('i32TruncU', true)],
  [Op.I32TruncF64S, helper1('i32TruncS', true)],
  [Op.I32TruncF64U, helper1('i32TruncU', true)],
  [Op.I64TruncF32S, helper1('i64TruncS', true)],
  [Op.I64TruncF32U, helper1('i64TruncU', true)],
  [Op.I64TruncF64S, helper1('i64TruncS', true)],
  [Op.I64TruncF64U, helper1('i64TruncU', true)],
  [Op.F32ConvertI32S, un((a) => fr(a))],
  [Op.F32ConvertI32U, un((a) => fr(`${a} >>> 0`))],
  [Op.F32ConvertI64S, helper1('f32ConvertI64S')],
  [Op.F32ConvertI64U, helper1('f32ConvertI64U')],
  [Op.F32DemoteF64, un((a) => fr(a))],
  [Op.F64ConvertI32S, un((a) => a)],
  [Op.F64ConvertI32U, un((a) => `${a} >>> 0`)],
  [Op.F64ConvertI64S, un((a, _b, x) => {
    const [s64, s32] = x.lw.decls.scratch();
    return `(${s64}[0] = ${a}, ${s32}[1] * 4294967296 + (${s32}[0] >>> 0))`;
  })],
  [Op.F64ConvertI64U, un((a, _b, x) => {
    const [s64, s32] = x.lw.decls.scratch();
    return `(${s64}[0] = ${a}, (${s32}[1] >>> 0) * 4294967296 + (${s32}[0] >>> 0))`;
  })],
  [Op.F64PromoteF32, helper1('f64PromoteF32')],
  [Op.I32ReinterpretF32, helper1('i32ReinterpretF32')],
  [Op.I64ReinterpretF64, helper1('i64ReinterpretF64')],
  [Op.F32ReinterpretI32, helper1('f32ReinterpretI32')],
  [Op.F64ReinterpretI64, helper1('f64ReinterpretI64')],
  // sign extension
  [Op.I32Extend8S, un((a) => `(${a} << 24) >> 24`)],
  [Op.I32Extend16S, un((a) => `(${a} << 16) >> 16`)],
  [Op.I64Extend8S, un((a) => `BigInt.asIntN(8, ${a})`)],
  [Op.I64Extend16S, un((a) => `BigInt.asIntN(16, ${a})`)],
  [Op.I64Extend32S, un((a) => `BigInt.asIntN(32, ${a})`)],
  // saturating float-to-int (0xfc 0..7)
  [Op.I32TruncSatF32S, helper1('i32TruncSatS')],
  [Op.I32TruncSatF32U, helper1('i32TruncSatU')],
  [Op.I32TruncSatF64S, helper1('i32TruncSatS')],
  [Op.I32TruncSatF64U, helper1('i32TruncSatU')],
  [Op.I64TruncSatF32S, helper1('i64TruncSatS')],
  [Op.I64TruncSatF32U, helper1('i64TruncSatU')],
  [Op.I64TruncSatF64S, helper1('i64TruncSatS')],
  [Op.I64TruncSatF64U, helper1('i64TruncSatU')],
]);

/**
 * Float operators whose result is the same for every NaN operand (arithmetic
 * results are canonical NaNs, comparisons false, conversions trap or saturate):
 * they may read an operand through its fast form (Entry.fast). neg, abs,
 * copysign and reinterpret keep payloads and are not here.
 */
const ANY_NAN = new Set<number>([
  Op.F32Eq, Op.F32Ne, Op.F32Lt, Op.F32Gt, Op.F32Le, Op.F32Ge, Op.F64Eq, Op.F64Ne, Op.F64Lt, Op.F64Gt, Op.F64Le, Op.F64Ge,
  Op.F32Ceil, Op.F32Floor, Op.F32Trunc, Op.F32Nearest, Op.F32Sqrt, Op.F32Add, Op.F32Sub, Op.F32Mul, Op.F32Div, Op.F32Min, Op.F32Max,
  Op.F64Ceil, Op.F64Floor, Op.F64Trunc, Op.F64Nearest, Op.F64Sqrt, Op.F64Add, Op.F64Sub, Op.F64Mul, Op.F64Div, Op.F64Min, Op.F64Max,
  Op.I32TruncF32S, Op.I32TruncF32U, Op.I32TruncF64S, Op.I32TruncF64U, Op.I64TruncF32S, Op.I64TruncF32U, Op.I64TruncF64S, Op.I64TruncF64U, Op.F32DemoteF64, Op.F64PromoteF32,
  Op.I32TruncSatF32S, Op.I32TruncSatF32U, Op.I32TruncSatF64S, Op.I32TruncSatF64U,
  Op.I64TruncSatF32S, Op.I64TruncSatF32U, Op.I64TruncSatF64S, Op.I64TruncSatF64U,
]);
/** Operators producing f32/f64 values that cannot carry a NaN payload (Flag.Canon). */
const CANON_RESULT = new Set<number>([
  Op.F32Ceil, Op.F32Floor, Op.F32Trunc, Op.F32Nearest, Op.F32Sqrt, Op.F32Add, Op.F32Sub, Op.F32Mul, Op.F32Div, Op.F32Min, Op.F32Max,
  Op.F64Ceil, Op.F64Floor, Op.F64Trunc, Op.F64Nearest, Op.F64Sqrt, Op.F64Add, Op.F64Sub, Op.F64Mul, Op.F64Div, Op.F64Min, Op.F64Max,
  Op.F32ConvertI32S, Op.F32ConvertI32U, Op.F32ConvertI64S, Op.F32ConvertI64U, Op.F32DemoteF64, Op.F64ConvertI32S, Op.F64ConvertI32U, Op.F64ConvertI64S, Op.F64ConvertI64U, Op.F64PromoteF32,
]);

function lowerOp(op: Operator, opcode: number): Handler {
  const anyNaN = ANY_NAN.has(opcode);
  return (lw) => {
    const st = lw.stack;
    const h = (name: string) => lw.helper(name);
    const read = (e: Entry) => (anyNaN ? st.valueAnyNaN(e) : st.value(e));
    let operands: Entry[];
    let code: string;
    let traps = op.trap;
    if (op.arity === 1) {
      const a = st.pop();
      operands = [a];
      code = op.t(read(a), '', { h, lw, ca: a.constant });
    } else {
      const b = st.pop();
      const a = st.pop();
      operands = [a, b];
      code = op.t(read(a), read(b), { h, lw, ca: a.constant, cb: b.constant });
      if (op.trapsWith) traps = op.trapsWith(b.constant);
    }
    let extra = traps ? Flag.Effect : 0;
    if (op.bool) extra |= Flag.Bool;
    if (CANON_RESULT.has(opcode)) extra |= Flag.Canon;
    st.pushFrom(`(${code})`, operands, extra);
    noteLow32(st, opcode, operands);
  };
}

/** i32.wrap_i64: on numbers where the operand's low 32 bits are known that way (narrow.ts). */
const wrapI64: Handler = (lw) => {
  const st = lw.stack;
  const a = st.pop();
  const lo = wrapped(a);
  st.pushFrom(lo ?? `(${lw.decls.wrapI64(a.code)})`, [a], 0);
};

/** i32.eqz: negates a boolean operand for free. */
const eqz: Handler = (lw) => {
  const st = lw.stack;
  const a = st.pop();
  st.pushFrom(a.flags & Flag.Bool ? `(!${a.code})` : `(${a.code} === 0)`, [a], Flag.Bool);
};

const f32Scratch = new DataView(new ArrayBuffer(8));

function f32Const(lw: Lowering, ins: Instr): void {
  const bits = ins.i32! >>> 0;
  let code: string;
  if ((bits & 0x7f800000) === 0x7f800000 && (bits & 0x7fffff) !== 0) {
    code = bits === 0x7fc00000 ? 'NaN' : lw.decls.constant(`${lw.helper('f32FromBits')}(0x${bits.toString(16)})`);
  } else {
    f32Scratch.setUint32(0, bits, true);
    code = numberLiteral(f32Scratch.getFloat32(0, true));
    lw.stack.pushConst(code, Flag.Canon);
    return;
  }
  lw.stack.pushConst(code, 0);
}

function f64Const(lw: Lowering, ins: Instr): void {
  const bits = BigInt.asUintN(64, ins.i64!);
  f32Scratch.setBigUint64(0, bits, true);
  const x = f32Scratch.getFloat64(0, true);
  let code: string;
  if (x !== x && bits !== 0x7ff8000000000000n) {
    code = lw.decls.constant(`${lw.helper('f64FromBits')}(0x${bits.toString(16)}n)`);
  } else {
    code = numberLiteral(x);
  }
  lw.stack.pushConst(code, 0);
}

/**
 * i64 shifts and rotates by a count known only at run time. V8 (Node 20) lowers
 * BigInt shifts to machine code only for literal counts; a variable count falls
 * back to heap BigInts (~10x slower, and a helper call boxes its arguments). So
 * these go through a module-level scratch BigInt64Array seen as two int32 halves,
 * shifted with 32-bit operations, as statements (docs/performance.md).
 */
type Halves = 'shl' | 'shr_s' | 'shr_u' | 'rotl' | 'rotr';
function variableShift64(op: Halves): Handler {
  return (lw) => {
    const st = lw.stack;
    const b = st.peek(0);
    if (typeof b.constant === 'bigint') return literalShift64(lw, op, Number(BigInt.asUintN(6, b.constant)));
    const h0 = st.height;
    st.flushForStatement(false, 2);
    // The count is read first below: a value operand that acts or observes goes first.
    if (st.entries[h0 - 2].flags & (Flag.Effect | Flag.State)) st.materialize(h0 - 2);
    const k = st.pop();
    const x = st.pop();
    const [S64, S32] = lw.decls.scratch();
    const [n, lo, hi, m] = ['$n', '$lo', '$hi', '$m'].map((t) => lw.temp(t));
    st.emit(`${S64}[0] = ${st.value(k)}; ${n} = ${S32}[0] & 63; ${S64}[0] = ${st.value(x)}; ${lo} = ${S32}[0]; ${hi} = ${S32}[1];`);
    // Branch-free: a count taken from hashed data (a rotate by `z & 63`) makes a
    // test of `n >= 32` a coin flip, and its mispredictions cost more than the
    // masks (i64mix: 6.0x -> 4.5x native). The 32-bit step moves one half
    // into the other under the mask -(n >>> 5) (all ones when n >= 32); what is
    // left is a shift by 0..31, where the bits crossing halves are shifted in
    // two steps (`(x >>> 1) >>> (31 - n)`), so n = 0 brings in none: JS
    // counts are taken mod 32 and `x >>> 32` would be x.
    const step = `${m} = -(${n} >>> 5);`;
    switch (op) {
      case 'shl':
        st.emit(`${step} ${hi} = (${hi} & ~${m}) | (${lo} & ${m}); ${lo} &= ~${m}; ${n} &= 31;`);
        st.emit(`${hi} = (${hi} << ${n}) | ((${lo} >>> 1) >>> (31 - ${n})); ${lo} <<= ${n};`);
        break;
      case 'shr_u':
        st.emit(`${step} ${lo} = (${lo} & ~${m}) | (${hi} & ${m}); ${hi} &= ~${m}; ${n} &= 31;`);
        st.emit(`${lo} = (${lo} >>> ${n}) | ((${hi} << 1) << (31 - ${n})); ${hi} >>>= ${n};`);
        break;
      case 'shr_s':
        st.emit(`${step} ${lo} = (${lo} & ~${m}) | (${hi} & ${m}); ${hi} = (${hi} & ~${m}) | ((${hi} >> 31) & ${m}); ${n} &= 31;`);
        st.emit(`${lo} = (${lo} >>> ${n}) | ((${hi} << 1) << (31 - ${n})); ${hi} >>= ${n};`);
        break;
      case 'rotl':
      case 'rotr':
        // A right rotation is a left rotation by 64 - n.
        if (op === 'rotr') st.emit(`${n} = (64 - ${n}) & 63;`);
        st.emit(`${m} = (${lo} ^ ${hi}) & -(${n} >>> 5); ${lo} ^= ${m}; ${hi} ^= ${m}; ${n} &= 31;`);
        st.emit(`${m} = ${hi}; ${hi} = (${hi} << ${n}) | ((${lo} >>> 1) >>> (31 - ${n})); ${lo} = (${lo} << ${n}) | ((${m} >>> 1) >>> (31 - ${n}));`);
        break;
    }
    const h = st.height;
    st.prepareSlotWrite(h);
    // The result is rebuilt from its halves in registers, every step a
    // 64-bit BigInt V8 lowers (the high half's shift wrapped), rather than
    // written to the scratch array as two int32s and read back as one BigInt:
    // that load waits for both stores (no store-to-load forwarding from two
    // narrower stores). bench/micro/whatif.mjs 'halves', Node 20: i64mix
    // 4.6x -> 3.3x native, prng64 3.2x -> 2.9x; ops.mjs rotl-var 14.7x ->
    // 8.5x and shr-var 9.4x -> 5.0x of native.
    st.writeSlot(h, `${AI}${AI}BigInt(${hi}) << 32n) | BigInt(${lo} >>> 0))`);
    st.pushSlot(h);
  };
}

/** i64 shifts and rotates by a literal count (0..63): expressions V8 lowers to machine code. */
function literalShift64(lw: Lowering, op: Halves, k: number): void {
  const st = lw.stack;
  st.pop();
  const a = st.pop();
  let x = st.value(a);
  let code: string;
  let q = 0;
  switch (op) {
    case 'shl': code = `${AI}${x} << ${k}n)`; break;
    case 'shr_s': code = `${x} >> ${k}n`; break;
    case 'shr_u': code = `${AI}${AU}${x}) >> ${k}n)`; break;
    default: {
      if (k === 0) {
        code = x;
        break;
      }
      let pre = '';
      if (!st.isAtom(a)) {
        const t = rotateTemp(lw, a.q ?? 0);
        pre = `${t} = ${x}, `;
        x = t;
        q = (a.q ?? 0) + 1;
      }
      // Every intermediate stays a signed 64-bit value: V8 (Node 20 and 24)
      // lowers `asIntN(64, x << k)` and a right shift of `asUintN(64, x)` to
      // machine code, but `asUintN(64, x) << k` is a 64+k-bit BigInt it makes
      // in its runtime, allocating. Measured by editing the output of the
      // i64 kernels (bench/micro/whatif.mjs 'rotate', Node 20): SHA-512
      // 38x -> 3.4x native, BLAKE2b 44x -> 3.3x, xxHash64 14x -> 4.1x.
      const left = op === 'rotl' ? k : 64 - k;
      code = `${pre}${AI}${AI}${x} << ${left}n) | ${AI}${AU}${x}) >> ${64 - left}n))`;
    }
  }
  st.pushFrom(`(${code})`, [a], 0, undefined, q);
}

/**
 * The temporary `$q<k>` for an operand a rotate reads twice. It holds its value
 * only while the rotate's own expression is evaluated, and the only other code
 * evaluated meanwhile is the rotate's operands: so it must differ from the
 * temporaries the operands use (k is one above the highest of those: Entry.q),
 * nothing else. That bounds the temporaries of a function by how deeply
 * rotates nest in one expression; one per rotate site made a function with
 * 100,000s of rotates declare as many variables, a frame V8 cannot fit on its
 * stack ("Maximum call stack size exceeded" on entry).
 */
function rotateTemp(lw: Lowering, k: number): string {
  return lw.temp(`$q${k}`);
}

/**
 * Two operands an inline template reads more than once: each that is not one
 * name goes to a temporary first (rotateTemp), in operand order. The first's
 * temporary stays live while the second is evaluated; both sit above every
 * temporary either operand uses. `pre` are the assignments, `next` one above
 * the highest temporary now in use (Entry.q of the result).
 */
function readOnce(lw: Lowering, a: Entry, b: Entry): { x: string; y: string; pre: string[]; next: number } {
  const st = lw.stack;
  const pre: string[] = [];
  let next = Math.max(a.q ?? 0, b.q ?? 0);
  const once = (e: Entry): string => {
    const code = st.value(e);
    if (st.isAtom(e)) return code;
    const t = rotateTemp(lw, next++);
    pre.push(`${t} = ${code}`);
    return t;
  };
  const x = once(a);
  const y = once(b);
  return { x, y, pre, next };
}

/**
 * i32 rotates, inlined: operands used twice are first stored in temporaries,
 * named by rotateTemp so that two never share one while both hold values.
 */
function rotate32(left: boolean): Handler {
  return (lw) => {
    const st = lw.stack;
    const b = st.pop();
    const a = st.pop();
    const { x, y: n, pre, next } = readOnce(lw, a, b);
    const code = left ? `(${x} << ${n}) | (${x} >>> (32 - ${n}))` : `(${x} >>> ${n}) | (${x} << (32 - ${n}))`;
    st.pushFrom(`(${pre.length ? pre.join(', ') + ', ' : ''}${code})`, [a, b], 0, undefined, pre.length > 0 ? next : 0);
  };
}

/**
 * i64 orderings. V8 on Node 20 does not lower a BigInt comparison: it calls
 * its runtime with both operands as heap BigInts, so each operand computed in
 * a register is allocated first. In the bignum kernel's limb loop (two
 * `lo < carry` tests per limb product) that was most of the time: 10.6x
 * native, 1,440 scavenges per run. So the ordering is computed with lowered
 * BigInt operations only, as the sign bit of (Hacker's Delight 2-12)
 *   a <u b: (~a & b) | (~(a ^ b) & (a - b))
 *   a <s b: (a & ~b) | (~(a ^ b) & (a - b))
 * shifted down to 0/1 and read as an int32 through the scratch pair; an
 * i64.extend of it (a carry) takes the i64 0/1 itself (Entry.bit64). Edited
 * into today's output (/tmp scripts, Node 20, 3-run medians): bignum 10.6x ->
 * 3.8x native with 67 scavenges; through the int32 and back 5.0x.
 * Operands are read three times: those that are not one name go to
 * temporaries first (rotateTemp), in operand order.
 */
type Order = 'lt' | 'gt' | 'le' | 'ge';
function compare64(order: Order, signed: boolean): Handler {
  const ones = i64Literal(-1n);
  const lt = (a: string, b: string): string => {
    const top = signed ? `${AI}${a} & ${AI}${b} ^ ${ones}))` : `${AI}${AI}${a} ^ ${ones}) & ${b})`;
    const rest = `${AI}${AI}${AI}${a} ^ ${b}) ^ ${ones}) & ${AI}${a} - ${b}))`;
    return `${AI}${AU}${AI}${top} | ${rest})) >> 63n)`;
  };
  return (lw) => {
    const st = lw.stack;
    const b = st.pop();
    const a = st.pop();
    const { x, y, pre, next } = readOnce(lw, a, b);
    // a > b is b < a; a <= b is not b < a; a >= b is not a < b.
    const core = order === 'lt' || order === 'ge' ? lt(x, y) : lt(y, x);
    const bit = order === 'le' || order === 'ge' ? `(${core} ^ 1n)` : core;
    const head = pre.length ? pre.join(', ') + ', ' : '';
    const [s64, s32] = lw.decls.scratch();
    const h = st.height;
    st.pushFrom(`(${head}${s64}[0] = ${bit}, ${s32}[0])`, [a, b], 0, undefined, pre.length > 0 ? next : 0);
    const e = st.entries[h];
    if (e && !(e.flags & Flag.InSlot)) e.bit64 = `(${head}${bit})`;
  };
}

/** i64.extend_i32_s/u; of an i64 comparison's 0/1, that value as an i64 directly. */
function extend64(signed: boolean): Handler {
  return (lw) => {
    const st = lw.stack;
    const a = st.pop();
    const code = a.bit64 ?? (signed ? `BigInt(${st.value(a)})` : `BigInt(${st.value(a)} >>> 0)`);
    st.pushFrom(`(${code})`, [a], 0);
    noteLow32(st, signed ? Op.I64ExtendI32S : Op.I64ExtendI32U, [a]);
  };
}

export const numericHandlers: [Op, Handler][] = [
  [Op.I64LtS, compare64('lt', true)],
  [Op.I64GtS, compare64('gt', true)],
  [Op.I64LeS, compare64('le', true)],
  [Op.I64GeS, compare64('ge', true)],
  [Op.I64LtU, compare64('lt', false)],
  [Op.I64GtU, compare64('gt', false)],
  [Op.I64LeU, compare64('le', false)],
  [Op.I64GeU, compare64('ge', false)],
  [Op.I64ExtendI32S, extend64(true)],
  [Op.I64ExtendI32U, extend64(false)],
  [Op.I32Rotl, rotate32(true)],
  [Op.I32Rotr, rotate32(false)],
  [Op.I64Shl, variableShift64('shl')],
  [Op.I64ShrS, variableShift64('shr_s')],
  [Op.I64ShrU, variableShift64('shr_u')],
  [Op.I64Rotl, variableShift64('rotl')],
  [Op.I64Rotr, variableShift64('rotr')],
  [Op.I32Const, (lw, ins) => lw.stack.pushConst(numberLiteral(ins.i32!), 0, ins.i32!)],
  [Op.I64Const, (lw, ins) => lw.stack.pushConst(i64Literal(ins.i64!), 0, ins.i64!, ins.i64! >= 0n)],
  [Op.F32Const, f32Const],
  [Op.F64Const, f64Const],
  [Op.I32Eqz, eqz],
  [Op.I32WrapI64, wrapI64],
  ...[...ops].map(([op, o]) => [op, lowerOp(o, op)] as [Op, Handler]),
];
