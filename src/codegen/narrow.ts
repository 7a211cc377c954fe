// The low 32 bits of i64 expressions, computed on numbers.
//
// Code that keeps everything in i64 and wraps to i32 where it needs an
// address or a small value (Go's output: `i32.wrap_i64 (i64.add
// (i64.extend_i32_u x) (i64.const 16))` before most loads and stores) would
// otherwise build a BigInt, add, wrap through the scratch pair, for a value
// that is `(x + 16) | 0`. Wrapping to 32 bits commutes with add, sub, mul,
// and, or and xor (arithmetic mod 2^32 is a quotient of arithmetic mod 2^64),
// and the low half of an extension is its operand. So such an i64 entry also
// carries Entry.lo32: number code for its low 32 bits, built from its
// operands' (the same sub-expressions, so evaluating it instead of `code`
// reads and traps exactly as `code` would); i32.wrap_i64 uses it when present.
// Measured on esbuild-wasm (Go): see docs/performance.md.
import { Op } from '../opcodes.js';
import { Flag, type Entry, type OperandStack } from './stack.js';

type Low = (a: string, b: string) => string;

const LOW = new Map<number, Low>([
  [Op.I64Add, (a, b) => `(${a} + ${b}) | 0`],
  [Op.I64Sub, (a, b) => `(${a} - ${b}) | 0`],
  [Op.I64Mul, (a, b) => `Math.imul(${a}, ${b})`],
  [Op.I64And, (a, b) => `${a} & ${b}`],
  [Op.I64Or, (a, b) => `${a} | ${b}`],
  [Op.I64Xor, (a, b) => `${a} ^ ${b}`],
]);

/** The low-32-bit code of an i64 entry, or undefined. */
function low(e: Entry): string | undefined {
  if (e.lo32 !== undefined) return e.lo32;
  if (typeof e.constant === 'bigint') return String(Number(BigInt.asIntN(32, e.constant)));
  return undefined;
}

/**
 * After an operator `op` pushed its result (made from `operands`): record the
 * result's low 32 bits where they can be computed on numbers. An entry the
 * push evaluated into its slot already gets none (its operands' code would run
 * again).
 */
export function noteLow32(st: OperandStack, op: number, operands: Entry[]): void {
  const top = st.peek();
  if (top.flags & Flag.InSlot) return;
  let lo: string | undefined;
  if (op === Op.I64ExtendI32U || op === Op.I64ExtendI32S) {
    lo = st.value(operands[0]);
  } else {
    const t = LOW.get(op);
    if (!t) return;
    const a = low(operands[0]);
    const b = a === undefined ? undefined : low(operands[1]);
    if (b === undefined) return;
    lo = t(a!, b);
  }
  top.lo32 = `(${lo})`;
}

/** The code of an i32.wrap_i64 of `e` on numbers, or undefined. */
export function wrapped(e: Entry): string | undefined {
  return e.lo32;
}
