// Value, reference and heap types as they appear in the binary format.
//
// wasm2es supports the Wasm 2.0 types plus exnref. Everything else that is
// well-formed in Wasm 3.0 (typed references, the GC abstract heap types, v128)
// is rejected as an unsupported feature, so a user learns *why* a valid module
// was refused; bytes that are no type at all are malformed.

import { ValType } from '../ir.js';
import { compileError, unsupported } from './errors.js';
import type { Reader } from './reader.js';

/** Abstract heap type shorthands that only exist with GC (as ref types or heap types). */
function isGcHeapByte(b: number): boolean {
  // nofunc 0x73, noextern 0x72, none 0x71, any 0x6e, eq 0x6d, i31 0x6c,
  // struct 0x6b, array 0x6a, noexn 0x74
  return (b >= 0x71 && b <= 0x74) || (b >= 0x6a && b <= 0x6e);
}

/**
 * After 0x63 / 0x64 (`(ref null? ht)`): reads the heap type only to say which
 * proposal the module needs, then rejects it.
 */
function rejectTypedRef(r: Reader, at: number): never {
  const ht = r.s33();
  if (ht < 0 && isGcHeapByte(ht & 0x7f)) throw unsupported(at, 'gc');
  throw unsupported(at, 'function-references');
}

/** Reads a reference type (elem segments, tables): funcref, externref or exnref. */
export function readRefType(r: Reader): ValType {
  const at = r.pos;
  const b = r.u8();
  if (b === 0x70 || b === 0x6f || b === 0x69) return b as ValType;
  if (b === 0x63 || b === 0x64) rejectTypedRef(r, at);
  if (isGcHeapByte(b)) throw unsupported(at, 'gc');
  throw compileError(at, 'malformed reference type');
}

/** Reads a value type: a number type or a reference type. */
export function readValType(r: Reader): ValType {
  const at = r.pos;
  const b = r.u8();
  if ((b >= 0x7c && b <= 0x7f) || b === 0x70 || b === 0x6f || b === 0x69) return b as ValType;
  if (b === 0x7b) throw unsupported(at, 'simd');
  if (b === 0x63 || b === 0x64) rejectTypedRef(r, at);
  if (isGcHeapByte(b)) throw unsupported(at, 'gc');
  throw compileError(at, 'malformed value type');
}

/** Reads the heap type of `ref.null` and returns the matching nullable ValType. */
export function readHeapType(r: Reader): ValType {
  const at = r.pos;
  const b = r.peekU8();
  if (b === 0x70 || b === 0x6f || b === 0x69) {
    r.pos++;
    return b as ValType;
  }
  if (isGcHeapByte(b)) throw unsupported(at, 'gc');
  // A non-negative s33 is a concrete type index: (ref null $t).
  const ht = r.s33();
  if (ht >= 0) throw unsupported(at, 'function-references');
  throw compileError(at, 'malformed heap type');
}

/** Reads a vector of value types (function params/results, typed select). */
export function readValTypes(r: Reader): ValType[] {
  const n = r.count();
  const out: ValType[] = new Array(n);
  for (let i = 0; i < n; i++) out[i] = readValType(r);
  return out;
}

/** Text form of a value type, for error messages. */
export function valTypeName(t: number): string {
  switch (t) {
    case ValType.I32: return 'i32';
    case ValType.I64: return 'i64';
    case ValType.F32: return 'f32';
    case ValType.F64: return 'f64';
    case ValType.V128: return 'v128';
    case ValType.FuncRef: return 'funcref';
    case ValType.ExternRef: return 'externref';
    case ValType.ExnRef: return 'exnref';
    default: return '_';
  }
}
