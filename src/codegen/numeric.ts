// Numeric instructions: constants, comparisons, arithmetic, conversions.
//
// Each operator is a template from operand code to result code, plus whether it
// yields a JS boolean (comparisons) and whether it may trap (then it keeps its
// place in evaluation order: Flag.Effect). Simple operators are inlined; those
// needing more than one use of an operand or exact trap/NaN/rounding behaviour
// call runtime helpers (runtime/numeric.ts) by name.
import type { Instr } from '../ir.js';
import type { FunctionLowering, Handler } from './function.js';
import { Flag, type Entry } from './stack.js';

type Template = (a: string, b: string, h: (name: string) => string, fl: FunctionLowering) => string;

interface Op {
  arity: 1 | 2;
  t: Template;
  bool?: boolean;
  trap?: boolean;
  /** Whether the code for these operands may trap, where that depends on them (overrides `trap`). */
  trapsWith?: (b: string) => boolean;
}

const AI = 'BigInt.asIntN(64, ';
const AU = 'BigInt.asUintN(64, ';

const un = (t: Template, o: Partial<Op> = {}): Op => ({ arity: 1, t, ...o });
const bin = (t: Template, o: Partial<Op> = {}): Op => ({ arity: 2, t, ...o });
const cmp = (t: Template): Op => ({ arity: 2, t, bool: true });
const helper1 = (name: string, trap = false): Op => un((a, _b, h) => `${h(name)}(${a})`, { trap });
const helper2 = (name: string, trap = false): Op => bin((a, b, h) => `${h(name)}(${a}, ${b})`, { trap });
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
const rounding = (fn: string): Op => un((a) => `Math.${fn}((${a}) - 0)`);


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

/** The value of i64 literal code as i64Literal writes it (maybe in parentheses), or null. */
function i64LiteralValue(x: string): bigint | null {
  const m = /^\(?(?:(\d+)n|BigInt\.asIntN\(64, (\d+)n\))\)?$/.exec(x);
  if (!m) return null;
  return m[1] !== undefined ? BigInt(m[1]) : BigInt.asIntN(64, BigInt(m[2]));
}

/** `N` for an i64 literal -N (N < 2^63), or null. */
const negLiteral64 = (x: string): string | null => {
  const v = i64LiteralValue(x);
  return v !== null && v < 0n && v > -0x8000000000000000n ? `${-v}n` : null;
};

/**
 * An i64 with its sign bit flipped: unsigned order becomes signed order. V8 on
 * Node 20 lowers this and the signed comparison (~1 ns); comparing
 * `BigInt.asUintN(64, …)` values is a runtime call (~9 ns, docs/performance.md).
 */
const flipSign = (x: string): string => {
  // A literal operand is flipped here (C code compares with constants a lot).
  const lit = i64LiteralValue(x);
  if (lit !== null) return i64Literal(BigInt.asIntN(64, lit ^ -0x8000000000000000n));
  // 2^63 rather than -2^63: the low 64 bits are the same, and a negative
  // literal costs a run-time negation before V8 optimizes the code.
  return `${AI}${x} ^ 9223372036854775808n)`;
};

/** i32.wrap_i64 of the i64 code `a`: its low half (see context.ts: scratch). */
export function wrapI64(fl: FunctionLowering, a: string): string {
  const [s64, s32] = fl.ctx.scratch();
  return `(${s64}[0] = ${a}, ${s32}[0])`;
}

/** The value of an integer literal operand, or null. */
const literal = (x: string): number | null => {
  const m = /^\(?(-?\d+)\)?$/.exec(x);
  return m ? Number(m[1]) : null;
};

/** An i32 operand read as unsigned: literals are converted here, not at run time. */
const u32 = (x: string): string => {
  const c = literal(x);
  return c !== null ? String(c >>> 0) : `(${x} >>> 0)`;
};

/**
 * i32 division and remainder. By a literal that cannot trap (nonzero; for
 * div_s also not -1, the INT_MIN / -1 overflow) the operation is inline JS,
 * which V8 turns into an integer division (or a multiply by the reciprocal);
 * otherwise the helper checks and traps. `inline` returns null where it can't.
 */
const divRem = (name: string, inline: (a: string, c: number) => string | null): Op => {
  const byLiteral = (a: string, b: string): string | null => {
    const c = literal(b);
    return c === null ? null : inline(a, c);
  };
  return {
    arity: 2,
    t: (a, b, h) => byLiteral(a, b) ?? `${h(name)}(${a}, ${b})`,
    trap: true,
    trapsWith: (b) => byLiteral('0', b) === null,
  };
};

const ops = new Map<number, Op>([
  // i32 comparisons
  [0x46, cmp((a, b) => `${a} === ${b}`)],
  [0x47, cmp((a, b) => `${a} !== ${b}`)],
  [0x48, cmp((a, b) => `${a} < ${b}`)],
  [0x49, cmp((a, b) => `${u32(a)} < ${u32(b)}`)],
  [0x4a, cmp((a, b) => `${a} > ${b}`)],
  [0x4b, cmp((a, b) => `${u32(a)} > ${u32(b)}`)],
  [0x4c, cmp((a, b) => `${a} <= ${b}`)],
  [0x4d, cmp((a, b) => `${u32(a)} <= ${u32(b)}`)],
  [0x4e, cmp((a, b) => `${a} >= ${b}`)],
  [0x4f, cmp((a, b) => `${u32(a)} >= ${u32(b)}`)],
  // i64
  [0x50, un((a) => `${a} === 0n`, { bool: true })],
  [0x51, cmp((a, b) => `${a} === ${b}`)],
  [0x52, cmp((a, b) => `${a} !== ${b}`)],
  [0x53, cmp((a, b) => `${a} < ${b}`)],
  [0x54, cmp((a, b) => `${flipSign(a)} < ${flipSign(b)}`)],
  [0x55, cmp((a, b) => `${a} > ${b}`)],
  [0x56, cmp((a, b) => `${flipSign(a)} > ${flipSign(b)}`)],
  [0x57, cmp((a, b) => `${a} <= ${b}`)],
  [0x58, cmp((a, b) => `${flipSign(a)} <= ${flipSign(b)}`)],
  [0x59, cmp((a, b) => `${a} >= ${b}`)],
  [0x5a, cmp((a, b) => `${flipSign(a)} >= ${flipSign(b)}`)],
  // f32 / f64 comparisons (NaN compares false, != true: as in JS)
  ...[0x5b, 0x61].flatMap((base) => [
    [base, cmp((a, b) => `${a} === ${b}`)],
    [base + 1, cmp((a, b) => `${a} !== ${b}`)],
    [base + 2, cmp((a, b) => `${a} < ${b}`)],
    [base + 3, cmp((a, b) => `${a} > ${b}`)],
    [base + 4, cmp((a, b) => `${a} <= ${b}`)],
    [base + 5, cmp((a, b) => `${a} >= ${b}`)],
  ] as [number, Op][]),
  // i32 arithmetic
  [0x67, un((a) => `Math.clz32(${a})`)],
  [0x68, helper1('i32Ctz')],
  [0x69, helper1('i32Popcnt')],
  [0x6a, bin((a, b) => `(${a} + ${b}) | 0`)],
  [0x6b, bin((a, b) => `(${a} - ${b}) | 0`)],
  [0x6c, bin((a, b) => `Math.imul(${a}, ${b})`)],
  // Truncating a quotient of int32s through a double is exact: its fraction is
  // at least 1/|c| away from the next integer, far above a double's ulp here.
  [0x6d, divRem('i32DivS', (a, c) => (c === 0 || c === -1 ? null : `(${a} / ${numberLiteral(c)}) | 0`))],
  [0x6e, divRem('i32DivU', (a, c) => (c === 0 ? null : `(${u32(a)} / ${c >>> 0}) | 0`))],
  [0x6f, divRem('i32RemS', (a, c) => (c === 0 ? null : `(${a} % ${numberLiteral(c)}) | 0`))],
  [0x70, divRem('i32RemU', (a, c) => (c === 0 ? null : `(${u32(a)} % ${c >>> 0}) | 0`))],
  [0x71, bin((a, b) => `${a} & ${b}`)],
  [0x72, bin((a, b) => `${a} | ${b}`)],
  [0x73, bin((a, b) => `${a} ^ ${b}`)],
  [0x74, bin((a, b) => `${a} << ${b}`)],
  [0x75, bin((a, b) => `${a} >> ${b}`)],
  [0x76, bin((a, b) => `(${a} >>> ${b}) | 0`)],

  // i64 arithmetic: signed BigInts kept in range with asIntN (V8 lowers the pattern)
  [0x79, helper1('i64Clz')],
  [0x7a, helper1('i64Ctz')],
  [0x7b, helper1('i64Popcnt')],
  // A negative literal is a unary minus evaluated at run time until V8
  // optimizes the code (~25 ns in the interpreter): x + (-5n) is x - 5n.
  [0x7c, bin((a, b) => { const n = negLiteral64(b); return n ? `${AI}${a} - ${n})` : `${AI}${a} + ${b})`; })],
  [0x7d, bin((a, b) => { const n = negLiteral64(b); return n ? `${AI}${a} + ${n})` : `${AI}${a} - ${b})`; })],
  [0x7e, bin((a, b) => `${AI}${a} * ${b})`)],
  [0x7f, helper2('i64DivS', true)],
  [0x80, helper2('i64DivU', true)],
  [0x81, helper2('i64RemS', true)],
  [0x82, helper2('i64RemU', true)],
  // Bitwise results stay in range without asIntN, but V8 (Node 20) lowers a
  // bitwise operator to machine code only while its operands are typed as
  // 64-bit: the result of `a | b` is not, so `(a | b) | c` ran in the BigInt
  // runtime, allocating (a byte swap: 27 vs 3 ns, docs/performance.md).
  [0x83, bin((a, b) => `${AI}${a} & ${b})`)],
  [0x84, bin((a, b) => `${AI}${a} | ${b})`)],
  [0x85, bin((a, b) => `${AI}${a} ^ ${b})`)],


  // f32: every arithmetic result is rounded to single precision
  [0x8b, un((a) => `Math.abs(${a})`)],
  [0x8c, un((a) => `-${a}`)],
  [0x8d, rounding('ceil')],
  [0x8e, rounding('floor')],
  [0x8f, rounding('trunc')],
  [0x90, helper1('nearest')],
  [0x91, un((a) => fr(`Math.sqrt(${a})`))],
  [0x92, bin((a, b) => fr(`${a} + ${b}`))],
  [0x93, bin((a, b) => fr(`${a} - ${b}`))],
  [0x94, bin((a, b) => fr(`${a} * ${b}`))],
  [0x95, bin((a, b) => fr(`${a} / ${b}`))],
  [0x96, bin((a, b) => `Math.min(${a}, ${b})`)],
  [0x97, bin((a, b) => `Math.max(${a}, ${b})`)],
  [0x98, helper2('f32Copysign')],
  // f64
  [0x99, un((a) => `Math.abs(${a})`)],
  [0x9a, un((a) => `-${a}`)],
  [0x9b, rounding('ceil')],
  [0x9c, rounding('floor')],
  [0x9d, rounding('trunc')],
  [0x9e, helper1('nearest')],
  [0x9f, un((a) => `Math.sqrt(${a})`)],
  [0xa0, bin((a, b) => `${a} + ${b}`)],
  [0xa1, bin((a, b) => `${a} - ${b}`)],
  [0xa2, bin((a, b) => `${a} * ${b}`)],
  [0xa3, bin((a, b) => `${a} / ${b}`)],
  [0xa4, bin((a, b) => `Math.min(${a}, ${b})`)],
  [0xa5, bin((a, b) => `Math.max(${a}, ${b})`)],
  [0xa6, helper2('f64Copysign')],
  // conversions
  // i64 to i32 and to f64 through the scratch pair (context.ts: scratch). The
  // f64 sum rounds once: hi * 2^32 and lo are exact doubles, so the result is
  // the correctly rounded i64 value, as f64.convert_i64 requires.
  [0xa7, un((a, _b, _h, fl) => wrapI64(fl, a))],
  [0xa8, helper1('i32TruncS', true)],
  [0xa9, helper1('i32TruncU', true)],
  [0xaa, helper1('i32TruncS', true)],
  [0xab, helper1('i32TruncU', true)],
  [0xac, un((a) => `BigInt(${a})`)],
  [0xad, un((a) => `BigInt(${a} >>> 0)`)],
  [0xae, helper1('i64TruncS', true)],
  [0xaf, helper1('i64TruncU', true)],
  [0xb0, helper1('i64TruncS', true)],
  [0xb1, helper1('i64TruncU', true)],
  [0xb2, un((a) => fr(a))],
  [0xb3, un((a) => fr(`${a} >>> 0`))],
  [0xb4, helper1('f32ConvertI64S')],
  [0xb5, helper1('f32ConvertI64U')],
  [0xb6, un((a) => fr(a))],
  [0xb7, un((a) => a)],
  [0xb8, un((a) => `${a} >>> 0`)],
  [0xb9, un((a, _b, _h, fl) => {
    const [s64, s32] = fl.ctx.scratch();
    return `(${s64}[0] = ${a}, ${s32}[1] * 4294967296 + (${s32}[0] >>> 0))`;
  })],
  [0xba, un((a, _b, _h, fl) => {
    const [s64, s32] = fl.ctx.scratch();
    return `(${s64}[0] = ${a}, (${s32}[1] >>> 0) * 4294967296 + (${s32}[0] >>> 0))`;
  })],
  [0xbb, helper1('f64PromoteF32')],
  [0xbc, helper1('i32ReinterpretF32')],
  [0xbd, helper1('i64ReinterpretF64')],
  [0xbe, helper1('f32ReinterpretI32')],
  [0xbf, helper1('f64ReinterpretI64')],
  // sign extension
  [0xc0, un((a) => `(${a} << 24) >> 24`)],
  [0xc1, un((a) => `(${a} << 16) >> 16`)],
  [0xc2, un((a) => `BigInt.asIntN(8, ${a})`)],
  [0xc3, un((a) => `BigInt.asIntN(16, ${a})`)],
  [0xc4, un((a) => `BigInt.asIntN(32, ${a})`)],
  // saturating float-to-int (0xfc 0..7)
  [0xfc00, helper1('i32TruncSatS')],
  [0xfc01, helper1('i32TruncSatU')],
  [0xfc02, helper1('i32TruncSatS')],
  [0xfc03, helper1('i32TruncSatU')],
  [0xfc04, helper1('i64TruncSatS')],
  [0xfc05, helper1('i64TruncSatU')],
  [0xfc06, helper1('i64TruncSatS')],
  [0xfc07, helper1('i64TruncSatU')],
]);

/**
 * Float operators whose result is the same for every NaN operand (arithmetic
 * results are canonical NaNs, comparisons false, conversions trap or saturate):
 * they may read an operand through its fast form (Entry.fast). neg, abs,
 * copysign and reinterpret keep payloads and are not here.
 */
const ANY_NAN = new Set<number>([
  0x5b, 0x5c, 0x5d, 0x5e, 0x5f, 0x60, 0x61, 0x62, 0x63, 0x64, 0x65, 0x66,
  0x8d, 0x8e, 0x8f, 0x90, 0x91, 0x92, 0x93, 0x94, 0x95, 0x96, 0x97,
  0x9b, 0x9c, 0x9d, 0x9e, 0x9f, 0xa0, 0xa1, 0xa2, 0xa3, 0xa4, 0xa5,
  0xa8, 0xa9, 0xaa, 0xab, 0xae, 0xaf, 0xb0, 0xb1, 0xb6, 0xbb,
  0xfc00, 0xfc01, 0xfc02, 0xfc03, 0xfc04, 0xfc05, 0xfc06, 0xfc07,
]);
/** Operators producing f32/f64 values that cannot carry a NaN payload (Flag.Canon). */
const CANON_RESULT = new Set<number>([
  0x8d, 0x8e, 0x8f, 0x90, 0x91, 0x92, 0x93, 0x94, 0x95, 0x96, 0x97,
  0x9b, 0x9c, 0x9d, 0x9e, 0x9f, 0xa0, 0xa1, 0xa2, 0xa3, 0xa4, 0xa5,
  0xb2, 0xb3, 0xb4, 0xb5, 0xb6, 0xb7, 0xb8, 0xb9, 0xba, 0xbb,
]);

function lowerOp(op: Op, opcode: number): Handler {
  const anyNaN = ANY_NAN.has(opcode);
  return (fl) => {
    const st = fl.stack;
    const h = (name: string) => fl.helper(name);
    const read = (e: Entry) => (anyNaN ? st.valueAnyNaN(e) : st.value(e));
    let operands: Entry[];
    let code: string;
    let traps = op.trap;
    if (op.arity === 1) {
      const a = st.pop();
      operands = [a];
      code = op.t(read(a), '', h, fl);
    } else {
      const b = st.pop();
      const a = st.pop();
      operands = [a, b];
      const bc = read(b);
      code = op.t(read(a), bc, h, fl);
      if (op.trapsWith) traps = op.trapsWith(bc);
    }
    let extra = traps ? Flag.Effect : 0;
    if (op.bool) extra |= Flag.Bool;
    if (CANON_RESULT.has(opcode)) extra |= Flag.Canon;
    st.pushFrom(`(${code})`, operands, extra);
  };
}

/** i32.eqz: negates a boolean operand for free. */
const eqz: Handler = (fl) => {
  const st = fl.stack;
  const a = st.pop();
  st.pushFrom(a.flags & Flag.Bool ? `(!${a.code})` : `(${a.code} === 0)`, [a], Flag.Bool);
};

/** A number as JS source: exact, with -0 and infinities spelled out. */
export function numberLiteral(x: number): string {
  if (Object.is(x, -0)) return '(-0)';
  if (x === Infinity) return 'Infinity';
  if (x === -Infinity) return '(-Infinity)';
  if (x !== x) return 'NaN';
  return x < 0 ? `(${x})` : String(x);
}

const f32Scratch = new DataView(new ArrayBuffer(8));

function f32Const(fl: FunctionLowering, ins: Instr): void {
  const bits = ins.i32! >>> 0;
  let code: string;
  if ((bits & 0x7f800000) === 0x7f800000 && (bits & 0x7fffff) !== 0) {
    code = bits === 0x7fc00000 ? 'NaN' : fl.ctx.constant(`${fl.helper('f32FromBits')}(0x${bits.toString(16)})`);
  } else {
    f32Scratch.setUint32(0, bits, true);
    code = numberLiteral(f32Scratch.getFloat32(0, true));
    fl.stack.push(code, Flag.Const | Flag.Canon);
    return;
  }
  fl.stack.push(code, Flag.Const);
}

function f64Const(fl: FunctionLowering, ins: Instr): void {
  const bits = BigInt.asUintN(64, ins.i64!);
  f32Scratch.setBigUint64(0, bits, true);
  const x = f32Scratch.getFloat64(0, true);
  let code: string;
  if (x !== x && bits !== 0x7ff8000000000000n) {
    code = fl.ctx.constant(`${fl.helper('f64FromBits')}(0x${bits.toString(16)}n)`);
  } else {
    code = numberLiteral(x);
  }
  fl.stack.push(code, Flag.Const);
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
  return (fl) => {
    const st = fl.stack;
    const b = st.peek(0);
    const lit = i64LiteralValue(b.code);
    if (lit !== null) return literalShift64(fl, op, Number(BigInt.asUintN(6, lit)));
    const h0 = st.height;
    st.flushForStatement(false, 2);
    // The count is read first below: a value operand that acts or observes goes first.
    if (st.entries[h0 - 2].flags & (Flag.Effect | Flag.State)) st.materialize(h0 - 2);
    const k = st.pop();
    const x = st.pop();
    const [S64, S32] = fl.ctx.scratch();
    const [n, lo, hi, m] = ['$n', '$lo', '$hi', '$m'].map((t) => fl.temp(t));
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
    st.emit(`${S32}[0] = ${lo}; ${S32}[1] = ${hi}; s${h} = ${S64}[0];`);
    if (h > st.maxSlotUsed) st.maxSlotUsed = h;
    st.pushSlot(h);
  };
}

/** i64 shifts and rotates by a literal count (0..63): expressions V8 lowers to machine code. */
function literalShift64(fl: FunctionLowering, op: Halves, k: number): void {
  const st = fl.stack;
  st.pop();
  const a = st.pop();
  let x = st.value(a);
  let code: string;
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
      if (!SIMPLE.test(x)) {
        const t = rotateTemp(fl, 0, x);
        pre = `${t} = ${x}, `;
        x = t;
      }
      const left = op === 'rotl' ? k : 64 - k;
      code = `${pre}${AI}(${AU}${x}) << ${left}n) | (${AU}${x}) >> ${64 - left}n))`;
    }
  }
  st.pushFrom(`(${code})`, [a], 0);
}

/** Code that may be read twice: a binding, an element of `$L`, or a literal. */
const SIMPLE = /^(?:[\w$]+|\$L\[\d+\]|\(-?[\d.e+-]+n?\)|-?\d+n?)$/;

/**
 * A temporary `$q<k>` for an operand a rotate reads twice. It holds its value
 * only while the rotate's own expression is evaluated, and the only other code
 * evaluated meanwhile is the rotate's operands: so it must differ from the
 * temporaries in `codes` (and `k` below it), nothing else. Naming it one above
 * the highest of those bounds the temporaries of a function by how deeply
 * rotates nest in one expression; one per rotate site made a function with
 * 100,000s of rotates declare as many variables, a frame V8 cannot fit on its
 * stack ("Maximum call stack size exceeded" on entry).
 */
function rotateTemp(fl: FunctionLowering, k: number, ...codes: string[]): string {
  for (const code of codes) {
    for (let at = code.indexOf('$q'); at >= 0; at = code.indexOf('$q', at + 2)) {
      let n = 0;
      let digits = 0;
      for (let c = code.charCodeAt(at + 2 + digits); c >= 48 && c <= 57; c = code.charCodeAt(at + 2 + ++digits)) n = n * 10 + c - 48;
      if (digits > 0 && n >= k) k = n + 1;
    }
  }
  return fl.temp(`$q${k}`);
}

/**
 * i32 rotates, inlined: operands used twice are first stored in temporaries,
 * named by rotateTemp so that two never share one while both hold values.
 */
function rotate32(left: boolean): Handler {
  return (fl) => {
    const st = fl.stack;
    const b = st.pop();
    const a = st.pop();
    const pre: string[] = [];
    const xCode = st.value(a);
    const nCode = st.value(b);
    // The value's temporary is live while the count is evaluated; the count's
    // is assigned last. Both sit above every temporary in either operand.
    let first = '';
    const once = (code: string): string => {
      if (SIMPLE.test(code)) return code;
      const t = first ? rotateTemp(fl, Number(first.slice(2)) + 1) : rotateTemp(fl, 0, xCode, nCode);
      first ||= t;
      pre.push(`${t} = ${code}`);
      return t;
    };
    const x = once(xCode);
    const n = once(nCode);
    const code = left ? `(${x} << ${n}) | (${x} >>> (32 - ${n}))` : `(${x} >>> ${n}) | (${x} << (32 - ${n}))`;
    st.pushFrom(`(${pre.length ? pre.join(', ') + ', ' : ''}${code})`, [a, b], 0);
  };
}

export const numericHandlers = new Map<number, Handler>([
  [0x77, rotate32(true)],
  [0x78, rotate32(false)],
  [0x86, variableShift64('shl')],
  [0x87, variableShift64('shr_s')],
  [0x88, variableShift64('shr_u')],
  [0x89, variableShift64('rotl')],
  [0x8a, variableShift64('rotr')],
  [0x41, (fl, ins) => fl.stack.push(numberLiteral(ins.i32!), Flag.Const)],
  [0x42, (fl, ins) => fl.stack.push(i64Literal(ins.i64!), Flag.Const)],
  [0x43, f32Const],
  [0x44, f64Const],
  [0x45, eqz],
  ...[...ops].map(([op, o]) => [op, lowerOp(o, op)] as [number, Handler]),
]);
