// Script constants → JS values (invoke arguments) and expected results → matchers,
// following the WebAssembly JS API's value mapping.

import { runtime } from '../runtime/index.js';
import { f64FromBits, f64ToBits, parseF32Bits, parseF64Bits, parseI32, parseI64 } from '../text/literals.js';
import type { Carried, NumType } from './bits.js';
import { head, type SList, type SNode } from '../text/sexpr.js';

/** Thrown to make the current assertion count as skipped. */
export class Skip extends Error {}
/** Thrown to make the current assertion count as failed with this reason. */
export class Fail extends Error {}

const f32 = new Float32Array(1);
const u32 = new Uint32Array(f32.buffer);

type Rt = { f32ToBits?: (x: number) => number; f32FromBits?: (b: number) => number };

/** f32 bits → JS number, via the runtime's conversion (it keeps NaN payloads). */
export function f32FromBits(bits: number): number {
  const rt = runtime as unknown as Rt;
  if (rt.f32FromBits) return rt.f32FromBits(bits);
  u32[0] = bits;
  return f32[0];
}

export function f32ToBits(x: number): number {
  const rt = runtime as unknown as Rt;
  if (rt.f32ToBits) return rt.f32ToBits(x) >>> 0;
  f32[0] = x;
  return u32[0];
}

/**
 * An empty array for argument lists that keeps NaN payloads intact. V8 stores an
 * all-number array as raw doubles and quiets signalling NaNs on the way in; an array
 * that has once held an object keeps its "any value" representation, where numbers
 * are boxed and their bits survive.
 */
export function boxedArray(): unknown[] {
  const a: unknown[] = [{}];
  a.pop();
  return a;
}

/** `(ref.extern N)` values: one fixed object per N, so results compare by identity. */
export class ExternRefs {
  private readonly map = new Map<string, object>();
  get(n: string): object {
    let o = this.map.get(n);
    if (!o) {
      o = { externref: n };
      this.map.set(n, o);
    }
    return o;
  }
}

function atomArg(list: SList, i = 1): string {
  const a = list.items[i];
  if (a?.kind !== 'atom') throw new Fail(`malformed ${head(list)} constant at line ${list.line}`);
  return a.value;
}

/** Converts an argument constant to the JS value passed to an exported function. */
export function argValue(node: SNode, externs: ExternRefs): unknown {
  if (node.kind !== 'list') throw new Fail(`unexpected argument at line ${node.line}`);
  switch (head(node)) {
    case 'i32.const': return parseI32(atomArg(node));
    case 'i64.const': return parseI64(atomArg(node));
    case 'f32.const': return f32FromBits(parseF32Bits(atomArg(node)));
    case 'f64.const': return f64FromBits(parseF64Bits(atomArg(node)));
    case 'ref.null': return null;
    case 'ref.extern':
    case 'ref.host': return externs.get(atomArg(node));
    case 'v128.const': throw new Skip('unsupported feature: simd (v128 value)');
    default: throw new Fail(`unsupported argument ${head(node)} at line ${node.line}`);
  }
}

/**
 * An invoke's arguments as bits (bits.ts), if every one is a numeric constant:
 * f32/f64 as their bit patterns in an int32 / a signed BigInt.
 */
export function argBits(nodes: SNode[]): { types: NumType[]; bits: Carried[] } | undefined {
  const types: NumType[] = [];
  const bits: Carried[] = [];
  for (const node of nodes) {
    if (node.kind !== 'list') return undefined;
    switch (head(node)) {
      case 'i32.const': types.push('i32'); bits.push(parseI32(atomArg(node))); break;
      case 'i64.const': types.push('i64'); bits.push(parseI64(atomArg(node))); break;
      case 'f32.const': types.push('f32'); bits.push(parseF32Bits(atomArg(node)) | 0); break;
      case 'f64.const': types.push('f64'); bits.push(BigInt.asIntN(64, parseF64Bits(atomArg(node)))); break;
      default: return undefined;
    }
  }
  return { types, bits };
}

/** The numeric type of an expected result (one type for all alternatives of `either`), if it has one. */
export function expectedType(e: Expected): NumType | undefined {
  if (e.t === 'either') {
    const ts = e.alts.map(expectedType);
    return ts.every((t) => t !== undefined && t === ts[0]) ? ts[0] : undefined;
  }
  return e.t === 'i32' || e.t === 'i64' || e.t === 'f32' || e.t === 'f64' ? e.t : undefined;
}

export type Expected =
  | { t: 'i32'; v: number }
  | { t: 'i64'; v: bigint }
  | { t: 'f32'; bits: number | 'canonical' | 'arithmetic' }
  | { t: 'f64'; bits: bigint | 'canonical' | 'arithmetic' }
  | { t: 'null' }
  | { t: 'extern'; obj?: object }
  | { t: 'func' }
  | { t: 'either'; alts: Expected[] };

function floatPattern(text: string): 'canonical' | 'arithmetic' | undefined {
  const t = text.replace(/^[+-]/, '');
  return t === 'nan:canonical' ? 'canonical' : t === 'nan:arithmetic' ? 'arithmetic' : undefined;
}

/** Parses one expected result of assert_return. */
export function expectedValue(node: SNode, externs: ExternRefs): Expected {
  if (node.kind !== 'list') throw new Fail(`unexpected result at line ${node.line}`);
  const h = head(node);
  switch (h) {
    case 'i32.const': return { t: 'i32', v: parseI32(atomArg(node)) };
    case 'i64.const': return { t: 'i64', v: parseI64(atomArg(node)) };
    case 'f32.const': {
      const a = atomArg(node);
      return { t: 'f32', bits: floatPattern(a) ?? parseF32Bits(a) };
    }
    case 'f64.const': {
      const a = atomArg(node);
      return { t: 'f64', bits: floatPattern(a) ?? parseF64Bits(a) };
    }
    case 'ref.null': return { t: 'null' };
    case 'ref.extern':
    case 'ref.host':
      return node.items.length > 1 ? { t: 'extern', obj: externs.get(atomArg(node)) } : { t: 'extern' };
    case 'ref.func': return { t: 'func' };
    case 'either': return { t: 'either', alts: node.items.slice(1).map((n) => expectedValue(n, externs)) };
    case 'v128.const': throw new Skip('unsupported feature: simd (v128 result)');
    default:
      if (h && /^ref\./.test(h)) throw new Skip(`unsupported feature: gc (${h} result)`);
      throw new Fail(`unsupported result form ${h} at line ${node.line}`);
  }
}

export function show(v: unknown): string {
  if (typeof v === 'bigint') return `${v}n`;
  if (typeof v === 'number') return Object.is(v, -0) ? '-0' : String(v);
  if (typeof v === 'function') return 'function';
  if (v && typeof v === 'object' && 'externref' in v) return `ref.extern ${(v as { externref: string }).externref}`;
  if (v === null) return 'null';
  return typeof v === 'object' ? Object.prototype.toString.call(v) : String(v);
}

function hex(v: number | bigint, width: number): string {
  return '0x' + v.toString(16).padStart(width, '0');
}

const F32_CANON = 0x7fc00000;
const F64_CANON = 0x7ff8000000000000n;

/** An f32 result's bits against the expected bits or NaN pattern (the spec harness's masks). */
function f32BitsMismatch(want: number | 'canonical' | 'arithmetic', bits: number): string | undefined {
  const ok = want === 'canonical' ? (bits & 0x7fffffff) === F32_CANON
    : want === 'arithmetic' ? (bits & F32_CANON) === F32_CANON
    : bits === want;
  return ok ? undefined : `expected f32 ${typeof want === 'string' ? `nan:${want}` : hex(want, 8)}, got ${hex(bits, 8)}`;
}
function f64BitsMismatch(want: bigint | 'canonical' | 'arithmetic', bits: bigint): string | undefined {
  const ok = want === 'canonical' ? (bits & 0x7fffffffffffffffn) === F64_CANON
    : want === 'arithmetic' ? (bits & F64_CANON) === F64_CANON
    : bits === want;
  return ok ? undefined : `expected f64 ${typeof want === 'string' ? `nan:${want}` : hex(want, 16)}, got ${hex(bits, 16)}`;
}

/** Checks one result given as its bits (bits.ts); returns a description of the mismatch, or undefined. */
export function bitsMismatch(e: Expected, bits: Carried): string | undefined {
  switch (e.t) {
    case 'i32':
    case 'i64':
      return bits === e.v ? undefined : `expected ${e.t} ${e.v}, got ${show(bits)}`;
    case 'f32':
      return typeof bits === 'number' ? f32BitsMismatch(e.bits, bits >>> 0) : `expected f32 bits, got ${show(bits)}`;
    case 'f64':
      return typeof bits === 'bigint' ? f64BitsMismatch(e.bits, BigInt.asUintN(64, bits)) : `expected f64 bits, got ${show(bits)}`;
    case 'either': {
      const reasons: string[] = [];
      for (const alt of e.alts) {
        const r = bitsMismatch(alt, bits);
        if (r === undefined) return undefined;
        reasons.push(r);
      }
      return `none of the alternatives matched: ${reasons.join('; ')}`;
    }
    default:
      return `expected ${e.t}, got the bits ${show(bits)}`;
  }
}

/**
 * Checks one result value as JS received it; returns a description of the
 * mismatch, or undefined. Float results are compared by bits too, but a JS
 * Number may have lost a NaN's payload: actions whose values are all numeric
 * are checked through bits.ts instead (the runner's assertReturn).
 */
export function mismatch(e: Expected, actual: unknown): string | undefined {
  switch (e.t) {
    case 'i32':
      return actual === e.v ? undefined : `expected i32 ${e.v}, got ${show(actual)}`;
    case 'i64':
      return actual === e.v ? undefined : `expected i64 ${e.v}, got ${show(actual)}`;
    case 'f32': {
      if (typeof actual !== 'number') return `expected f32, got ${show(actual)}`;
      if (typeof e.bits === 'string') return f32BitsMismatch(e.bits, f32ToBits(actual));
      // A non-NaN result must be exactly an f32 value; rounding it here would hide
      // a missing Math.fround in the generated code.
      if (!Number.isNaN(actual) && Math.fround(actual) !== actual) {
        return `expected f32 ${hex(e.bits, 8)}, got non-f32 number ${show(actual)}`;
      }
      const bits = f32ToBits(actual);
      return bits === e.bits ? undefined : `expected f32 ${hex(e.bits, 8)}, got ${hex(bits, 8)} (${show(actual)})`;
    }
    case 'f64': {
      if (typeof actual !== 'number') return `expected f64, got ${show(actual)}`;
      if (typeof e.bits === 'string') return f64BitsMismatch(e.bits, f64ToBits(actual));
      const bits = f64ToBits(actual);
      return bits === e.bits ? undefined : `expected f64 ${hex(e.bits, 16)}, got ${hex(bits, 16)} (${show(actual)})`;
    }
    case 'null':
      return actual === null ? undefined : `expected ref.null, got ${show(actual)}`;
    case 'extern':
      if (e.obj) return actual === e.obj ? undefined : `expected ${show(e.obj)}, got ${show(actual)}`;
      return actual !== null && actual !== undefined ? undefined : `expected non-null externref, got ${show(actual)}`;
    case 'func':
      return typeof actual === 'function' ? undefined : `expected a function reference, got ${show(actual)}`;
    case 'either': {
      const reasons: string[] = [];
      for (const alt of e.alts) {
        const r = mismatch(alt, actual);
        if (r === undefined) return undefined;
        reasons.push(r);
      }
      return `none of the alternatives matched: ${reasons.join('; ')}`;
    }
  }
}
