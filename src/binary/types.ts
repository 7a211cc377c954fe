// Value, reference and heap types as they appear in the binary format.
//
// wasm2es supports the Wasm 2.0 types, exnref and the typed function references
// of Wasm 3.0 (`(ref null? ht)` with ht an abstract func/extern/exn heap type,
// their bottom types, or a type index). What only exists with GC (any, eq, i31,
// struct, array, none) and v128 is rejected as an unsupported feature, so a user
// learns *why* a valid module was refused; bytes that are no type at all are
// malformed. See src/ir.ts for how reference types are encoded as ValType.

import { ValType, isAbsHeap, refType, refTypeIdx } from '../ir.js';
import { compileError, unsupported } from '../errors.js';
import type { Reader } from './reader.js';

/** Abstract heap type codes that only exist with GC: none, any, eq, i31, struct, array. */
function isGcHeapByte(b: number): boolean {
  return b === 0x71 || (b >= 0x6a && b <= 0x6e);
}

/**
 * Reads a heap type (an s33): an abstract heap type code or a type index.
 * Returns the reference type `(ref null? ht)`. `numTypes` bounds type indices
 * (while the type section is read, only the types up to the current one exist).
 */
function readHeapTypeAs(r: Reader, nullable: boolean, numTypes: number): ValType {
  const at = r.pos;
  const ht = r.s33();
  if (ht >= 0) {
    if (ht >= numTypes) throw compileError(at, `unknown type ${ht}`);
    // Every type is a function type (GC type definitions are rejected), so any
    // index in range names a function type.
    return refTypeIdx(nullable, ht);
  }
  // Abstract heap types are one-byte negative s33 values (code - 0x80); like
  // the reference interpreter, a longer encoding of them is malformed.
  const code = ht + 0x80;
  if (r.pos - at === 1 && isAbsHeap(code)) return refType(nullable, code);
  if (r.pos - at === 1 && isGcHeapByte(code)) throw unsupported(at, 'gc');
  throw compileError(at, 'malformed heap type');
}

/** Reads a reference type, any of: a shorthand byte or 0x63/0x64 + heap type. */
export function readRefType(r: Reader, numTypes: number): ValType {
  const at = r.pos;
  const b = r.u8();
  if (isAbsHeap(b)) return b as ValType;
  if (b === 0x63 || b === 0x64) return readHeapTypeAs(r, b === 0x63, numTypes);
  if (isGcHeapByte(b)) throw unsupported(at, 'gc');
  throw compileError(at, 'malformed reference type');
}

/** Reads a value type: a number type or a reference type. */
export function readValType(r: Reader, numTypes: number): ValType {
  const at = r.pos;
  const b = r.u8();
  if (b >= 0x7c && b <= 0x7f) return b as ValType;
  if (isAbsHeap(b)) return b as ValType;
  if (b === 0x7b) throw unsupported(at, 'simd');
  if (b === 0x63 || b === 0x64) return readHeapTypeAs(r, b === 0x63, numTypes);
  if (isGcHeapByte(b)) throw unsupported(at, 'gc');
  throw compileError(at, 'malformed value type');
}

/** Reads the heap type of `ref.null` and returns the type of the null: `(ref null ht)`. */
export function readHeapType(r: Reader, numTypes: number): ValType {
  return readHeapTypeAs(r, true, numTypes);
}

/** Reads a vector of value types (function params/results, typed select). */
export function readValTypes(r: Reader, numTypes: number): ValType[] {
  const n = r.count();
  const out: ValType[] = new Array(n);
  for (let i = 0; i < n; i++) out[i] = readValType(r, numTypes);
  return out;
}
