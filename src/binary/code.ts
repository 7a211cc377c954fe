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
import { Imm, Op, OPCODES, OP_INFO, PREFIX_BASE, UNSUPPORTED_BYTES, isOpener } from '../opcodes.js';
import { Reader } from './reader.js';
import { readHeapType, readValType, readValTypes } from './types.js';

/**
 * The immediates' kind by first byte: the row's for one-byte opcodes, Prefix
 * for the prefix bytes of supported proposals (0xfc), Unsupported for those of
 * the others, Illegal elsewhere.
 */
const enum First {
  Illegal = 0xff,
  Prefix = 0xfe,
  Unsupported = 0xfd,
}
const FIRST = new Uint8Array(256).fill(First.Illegal);
for (const r of OPCODES) if (r.op < 0x100) FIRST[r.op] = r.imm;
for (const b of Object.keys(PREFIX_BASE)) FIRST[Number(b)] = First.Prefix;
for (const b of Object.keys(UNSUPPORTED_BYTES)) FIRST[Number(b)] = First.Unsupported;

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
  let op: number = r.u8();
  let imm = FIRST[op] as Imm | First;
  if (imm === First.Prefix) {
    const prefix = op;
    const sub = r.u32();
    op = PREFIX_BASE[prefix] + sub;
    const row = sub < 0x1000 ? OP_INFO[op] : undefined;
    if (!row) throw compileError(offset, `illegal opcode ${hex(prefix)} ${sub.toString(16)}`);
    imm = row.imm;
  }
  return immediates(m, r, op, offset, imm, inBody);
}

function immediates(m: Module, r: Reader, op: number, offset: number, imm: Imm | First, inBody: boolean): Instr {
  switch (imm) {
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
    case Imm.Func:
    case Imm.Local:
    case Imm.Global:
    case Imm.Type:
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
    case Imm.Memory:
    case Imm.Table:
      return { op, offset, mem: r.u32() };
    case Imm.MemoryInit:
    case Imm.TableInit: {
      // memory.init data mem / table.init elem table
      if (op === Op.MemoryInit && inBody && needsDataCount(m)) throw compileError(offset, 'data count section required');
      const segment = r.u32();
      return { op, offset, segment, mem: r.u32() };
    }
    case Imm.Data:
      if (inBody && needsDataCount(m)) throw compileError(offset, 'data count section required');
      return { op, offset, segment: r.u32() };
    case Imm.Elem:
      return { op, offset, segment: r.u32() };
    case Imm.MemoryCopy:
    case Imm.TableCopy: {
      const mem = r.u32();
      return { op, offset, mem, mem2: r.u32() };
    }
    case Imm.I32:
      return { op, offset, i32: r.s32() };
    case Imm.I64:
      return { op, offset, i64: r.s64() };
    case Imm.F32:
      return { op, offset, i32: r.f32Bits() };
    case Imm.F64:
      return { op, offset, i64: r.f64Bits() };
    case Imm.SelectTypes:
      return { op, offset, selectTypes: readValTypes(r, m.types.length) };
    case Imm.HeapType:
      return { op, offset, refType: readHeapType(r, m.types.length) };
    case First.Unsupported:
      throw unsupported(offset, UNSUPPORTED_BYTES[op]);
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
    if (op === Op.End) {
      if (depth === 0) {
        if (inBody) {
          out.push(ins);
          if (r.pos !== r.end) throw compileError(r.pos, 'section size mismatch');
        }
        return out;
      }
      depth--;
    } else if (isOpener(op)) {
      depth++;
    } else if (op === Op.Delegate && depth > 0) {
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

/**
 * Reads the opcodes of a defined function's body without building
 * instructions, for the whole-module facts gathered before any body is
 * lowered (passes/call-graph.ts). `visit` gets each opcode (an `Op`) and, for
 * those with a function index immediate (call, return_call, ref.func), the
 * index; -1 for the others. Immediates are skipped, not checked: a body this
 * accepts may still be malformed (decodeBody says so); one it cannot read
 * throws. Building and dropping every instruction object here cost as much as
 * decoding the body for real: 4.7 million objects for esbuild-wasm.
 */
export function scanBody(m: Module, f: Func, visit: (op: number, func: number) => void): void {
  const r = new Reader(m.bytes, f.codeStart, f.codeEnd);
  r.eofMessage = 'unexpected end of section or function';
  const skipLeb = () => {
    for (let k = 0; k < 10; k++) if (r.u8() < 0x80) return;
    throw compileError(r.pos, 'integer representation too long');
  };
  while (r.pos < r.end) {
    const offset = r.pos;
    let op: number = r.u8();
    let imm = FIRST[op] as Imm | First;
    if (imm === First.Prefix) {
      const prefix = op;
      const sub = r.u32();
      op = PREFIX_BASE[prefix] + sub;
      const row = sub < 0x1000 ? OP_INFO[op] : undefined;
      if (!row) throw compileError(offset, `illegal opcode ${hex(prefix)} ${sub.toString(16)}`);
      imm = row.imm;
    }
    let func = -1;
    switch (imm) {
      case Imm.None:
        break;
      case Imm.Block:
        readBlockType(m, r);
        break;
      case Imm.Func:
        func = r.u32();
        break;
      case Imm.Label: case Imm.Local: case Imm.Global: case Imm.Type: case Imm.Tag:
      case Imm.Memory: case Imm.Table: case Imm.Data: case Imm.Elem: case Imm.I32:
        skipLeb();
        break;
      case Imm.I64:
        skipLeb();
        break;
      case Imm.CallIndirect: case Imm.MemoryInit: case Imm.TableInit: case Imm.MemoryCopy: case Imm.TableCopy:
        skipLeb();
        skipLeb();
        break;
      case Imm.BrTable: {
        const n = r.count();
        for (let i = 0; i <= n; i++) skipLeb();
        break;
      }
      case Imm.TryTable: {
        readBlockType(m, r);
        const n = r.count();
        for (let i = 0; i < n; i++) {
          if (r.u8() <= CatchKind.CatchRef) skipLeb();
          skipLeb();
        }
        break;
      }
      case Imm.MemArg:
        if (r.u32() & 0x40) skipLeb();
        skipLeb();
        break;
      case Imm.F32:
        r.f32Bits();
        break;
      case Imm.F64:
        r.f32Bits();
        r.f32Bits();
        break;
      case Imm.SelectTypes:
        readValTypes(r, m.types.length);
        break;
      case Imm.HeapType:
        readHeapType(r, m.types.length);
        break;
      case First.Unsupported:
        throw unsupported(offset, UNSUPPORTED_BYTES[op]);
      default:
        throw compileError(offset, `illegal opcode ${hex(op)}`);
    }
    visit(op, func);
  }
}
