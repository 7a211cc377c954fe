// The instruction decoder: function bodies (on demand, see `decodeBody`) and
// constant expressions (while the module is decoded).
//
// Only the *encoding* is checked here: immediates are read in their exact binary
// form and opcodes must exist. Typing, index bounds and the like are the
// validator's job (src/validate), with one exception: block types are resolved
// to a FuncType here because the IR carries the resolved type, so an unknown
// type index in a block type is reported while decoding.

import { ValType, type FuncType, type Func, type Instr, type Module, type CatchClause, CatchKind } from '../ir.js';
import { compileError, unsupported } from '../errors.js';
import { Reader } from './reader.js';
import { readHeapType, readValType, readValTypes } from './types.js';

/** How the immediates of a one-byte opcode are encoded. */
const enum Imm {
  Illegal = 0,
  None,
  Block, // block, loop, if, try: a block type
  Label, // br, br_if, rethrow, delegate, br_on_null, br_on_non_null: a label depth
  BrTable,
  Index, // call, return_call, call_ref, return_call_ref, local.*, global.*, ref.func
  CallIndirect, // call_indirect, return_call_indirect: type index, table index
  Tag, // throw, legacy catch
  TryTable,
  MemArg, // loads and stores
  MemIdx, // memory.size, memory.grow
  TableIdx, // table.get, table.set
  I32Const,
  I64Const,
  F32Const,
  F64Const,
  SelectT,
  RefNull,
  Prefix0xFC,
  Unsupported,
}

const IMM = new Uint8Array(256); // Imm.Illegal everywhere by default
/** Feature name of the one-byte opcodes that belong to unsupported proposals. */
const UNSUPPORTED_OP = new Map<number, string>();

function setImm(imm: Imm, ...ops: number[]): void {
  for (const op of ops) IMM[op] = imm;
}
function setRange(imm: Imm, from: number, to: number): void {
  for (let op = from; op <= to; op++) IMM[op] = imm;
}
function setUnsupported(feature: string, ...ops: number[]): void {
  for (const op of ops) {
    IMM[op] = Imm.Unsupported;
    UNSUPPORTED_OP.set(op, feature);
  }
}

setImm(Imm.None, 0x00, 0x01, 0x05, 0x0a, 0x0b, 0x0f, 0x19, 0x1a, 0x1b, 0xd1, 0xd4);
setImm(Imm.Block, 0x02, 0x03, 0x04, 0x06);
setImm(Imm.Tag, 0x07, 0x08);
setImm(Imm.Label, 0x09, 0x0c, 0x0d, 0x18, 0xd5, 0xd6); // ..., br_on_null, br_on_non_null
setImm(Imm.BrTable, 0x0e);
// call, return_call, call_ref, return_call_ref (type index), local.*, global.*, ref.func
setImm(Imm.Index, 0x10, 0x12, 0x14, 0x15, 0x20, 0x21, 0x22, 0x23, 0x24, 0xd2);
setImm(Imm.CallIndirect, 0x11, 0x13); // call_indirect, return_call_indirect
setImm(Imm.SelectT, 0x1c);
setImm(Imm.TryTable, 0x1f);
setImm(Imm.TableIdx, 0x25, 0x26);
setRange(Imm.MemArg, 0x28, 0x3e);
setImm(Imm.MemIdx, 0x3f, 0x40);
setImm(Imm.I32Const, 0x41);
setImm(Imm.I64Const, 0x42);
setImm(Imm.F32Const, 0x43);
setImm(Imm.F64Const, 0x44);
setRange(Imm.None, 0x45, 0xc4); // numeric instructions have no immediates
setImm(Imm.RefNull, 0xd0);
setImm(Imm.Prefix0xFC, 0xfc);
setUnsupported('gc', 0xd3, 0xfb); // ref.eq, the GC prefix
setUnsupported('simd', 0xfd);
setUnsupported('threads', 0xfe);

/** Highest sub-opcode of the 0xfc prefix that wasm2es knows (table.fill). */
const MAX_FC = 17;

const NO_TYPES: ValType[] = [];
/** Block type `[] -> []`. Shared: consumers must not mutate block types. */
export const EMPTY_BLOCK_TYPE: FuncType = { params: NO_TYPES, results: NO_TYPES };
/** Block types `[] -> [t]`, one shared object per value type. */
const SINGLE_BLOCK_TYPES = new Map<number, FuncType>();

function singleResult(t: ValType): FuncType {
  let bt = SINGLE_BLOCK_TYPES.get(t);
  if (!bt) SINGLE_BLOCK_TYPES.set(t, (bt = { params: NO_TYPES, results: [t] }));
  return bt;
}

/** Reads a block type: 0x40, a value type, or a type index as a non-negative s33. */
function readBlockType(m: Module, r: Reader): FuncType {
  const at = r.pos;
  const b = r.peekU8();
  if (b === 0x40) {
    r.pos++;
    return EMPTY_BLOCK_TYPE;
  }
  // Any other one-byte negative s33 must be a value type (or is rejected as one).
  if (b >= 0x40 && b < 0x80) return singleResult(readValType(r, m.types.length));
  const idx = r.s33();
  if (idx < 0) throw compileError(at, 'malformed block type');
  if (idx >= m.types.length) throw compileError(at, `unknown type ${idx}`);
  return m.types[idx];
}

function hex(n: number): string {
  return n.toString(16).padStart(2, '0');
}

/**
 * Decodes one instruction at `r.pos`. `inBody` enables the checks that only
 * apply to code in the code section (the data count requirement of
 * memory.init / data.drop, which the interpreter checks while decoding).
 */
export function decodeInstr(m: Module, r: Reader, inBody: boolean): Instr {
  const offset = r.pos;
  const op = r.u8();
  switch (IMM[op] as Imm) {
    case Imm.None:
      return { op, offset };
    case Imm.Block:
      return { op, offset, type: readBlockType(m, r) };
    case Imm.Label:
      return { op, offset, depth: r.u32() };
    case Imm.BrTable: {
      const n = r.count();
      const labels: number[] = new Array(n);
      for (let i = 0; i < n; i++) labels[i] = r.u32();
      return { op, offset, labels, depth: r.u32() };
    }
    case Imm.Index:
      return { op, offset, index: r.u32() };
    case Imm.CallIndirect: {
      const index = r.u32();
      return { op, offset, index, mem: r.u32() };
    }
    case Imm.Tag:
      return { op, offset, tag: r.u32() };
    case Imm.TryTable: {
      const type = readBlockType(m, r);
      const n = r.count();
      const catches: CatchClause[] = new Array(n);
      for (let i = 0; i < n; i++) {
        const at = r.pos;
        const kind = r.u8();
        if (kind > 3) throw compileError(at, 'malformed catch clause');
        const tag = kind <= CatchKind.CatchRef ? r.u32() : -1;
        catches[i] = { kind: kind as CatchKind, tag, depth: r.u32() };
      }
      return { op, offset, type, catches };
    }
    case Imm.MemArg: {
      const at = r.pos;
      let flags = r.u32();
      // Bit 6 announces an explicit memory index (multi-memory); the remaining
      // bits are the alignment exponent, and anything from bit 7 up is malformed.
      if (flags >= 0x80) throw compileError(at, 'malformed memop flags');
      let mem = 0;
      if (flags & 0x40) {
        mem = r.u32();
        flags -= 0x40;
      }
      // The offset is a u64 in Wasm 3.0; the validator bounds it for 32-bit memories.
      return { op, offset, mem, align: flags, memOffset: r.u64() };
    }
    case Imm.MemIdx:
    case Imm.TableIdx:
      return { op, offset, mem: r.u32() };
    case Imm.I32Const:
      return { op, offset, i32: r.s32() };
    case Imm.I64Const:
      return { op, offset, i64: r.s64() };
    case Imm.F32Const:
      return { op, offset, i32: r.f32Bits() };
    case Imm.F64Const:
      return { op, offset, i64: r.f64Bits() };
    case Imm.SelectT:
      return { op, offset, selectTypes: readValTypes(r, m.types.length) };
    case Imm.RefNull:
      return { op, offset, refType: readHeapType(r, m.types.length) };
    case Imm.Prefix0xFC:
      return decodeFC(m, r, offset, inBody);
    case Imm.Unsupported:
      throw unsupported(offset, UNSUPPORTED_OP.get(op)!);
    default:
      throw compileError(offset, `illegal opcode ${hex(op)}`);
  }
}

/**
 * memory.init and data.drop name data segments before the data section is
 * read, so the binary format requires the data count section for them. With
 * no data segments at all the index is simply unknown, which the validator
 * reports in the interpreter's words ("unknown data segment").
 */
function needsDataCount(m: Module): boolean {
  return m.dataCount === null && m.datas.length > 0;
}

/** The 0xfc prefix: saturating truncations and bulk memory / table operations. */
function decodeFC(m: Module, r: Reader, offset: number, inBody: boolean): Instr {
  const sub = r.u32();
  if (sub > MAX_FC) throw compileError(offset, `illegal opcode fc ${sub.toString(16)}`);
  const op = 0xfc00 | sub;
  switch (sub) {
    case 8: {
      // memory.init data mem
      if (inBody && needsDataCount(m)) throw compileError(offset, 'data count section required');
      const segment = r.u32();
      return { op, offset, segment, mem: r.u32() };
    }
    case 9: // data.drop data
      if (inBody && needsDataCount(m)) throw compileError(offset, 'data count section required');
      return { op, offset, segment: r.u32() };
    case 10: // memory.copy dst src
    case 14: {
      // table.copy dst src
      const mem = r.u32();
      return { op, offset, mem, mem2: r.u32() };
    }
    case 11: // memory.fill mem
    case 15: // table.grow table
    case 16: // table.size table
    case 17: // table.fill table
      return { op, offset, mem: r.u32() };
    case 12: {
      // table.init elem table
      const segment = r.u32();
      return { op, offset, segment, mem: r.u32() };
    }
    case 13: // elem.drop elem
      return { op, offset, segment: r.u32() };
    default: // 0..7: trunc_sat, no immediates
      return { op, offset };
  }
}

/** Opcodes that open a block closed by `end` (or, for `try`, by `delegate`). */
function opensBlock(op: number): boolean {
  return op === 0x02 || op === 0x03 || op === 0x04 || op === 0x06 || op === 0x1f;
}

/**
 * Decodes instructions up to the `end` that closes the implicit outermost block.
 * In a body that `end` is included and must be the last byte; in a constant
 * expression it is consumed but not returned.
 */
function decodeSequence(m: Module, r: Reader, inBody: boolean): Instr[] {
  const out: Instr[] = [];
  let depth = 0;
  for (;;) {
    if (inBody && r.pos >= r.end) throw compileError(r.pos, 'END opcode expected');
    const ins = decodeInstr(m, r, inBody);
    const op = ins.op;
    if (op === 0x0b) {
      if (depth === 0) {
        if (inBody) {
          out.push(ins);
          if (r.pos !== r.end) throw compileError(r.pos, 'section size mismatch');
        }
        return out;
      }
      depth--;
    } else if (opensBlock(op)) {
      depth++;
    } else if (op === 0x18 && depth > 0) {
      // delegate closes its `try`. At depth 0 there is no try to close; the
      // validator reports it, and the `end` that follows still ends the body.
      depth--;
    }
    out.push(ins);
  }
}

/**
 * Decodes the body of a defined function: every instruction including the
 * final `end`, each with the offset of its opcode.
 */
export function decodeBody(m: Module, f: Func): Instr[] {
  const r = new Reader(m.bytes, f.codeStart, f.codeEnd);
  r.eofMessage = 'unexpected end of section or function';
  return decodeSequence(m, r, true);
}

/** Decodes a constant expression at `r.pos` (up to and including its `end`, which is dropped). */
export function decodeConstExpr(m: Module, r: Reader): Instr[] {
  return decodeSequence(m, r, false);
}
