// Decodes the module structure: header, sections in order, and every section's
// entries. Function bodies are only delimited (see Func.codeStart/codeEnd);
// src/binary/code.ts decodes them when needed.
//
// Only well-formedness is checked here (the binary format). Index bounds and
// typing are checked by src/validate, which is why e.g. an export of function
// 99 decodes fine.

import {
  AbsHeap,
  ValType,
  refType,
  type Data,
  type Elem,
  type Export,
  type ExternKind,
  type GlobalType,
  type Import,
  type Instr,
  type Limits,
  type Module,
  type TableType,
} from '../ir.js';
import { decodeConstExpr } from './code.js';
import { Op } from '../opcodes.js';
import { compileError, unsupported } from '../errors.js';
import { Reader } from './reader.js';
import { readRefType, readValType, readValTypes } from './types.js';

/**
 * Engines refuse functions with more locals than this, parameters included (the
 * JS API's implementation limits; V8, SpiderMonkey); it also keeps the expanded
 * `locals` array small. The binary format itself only caps the total at 2^32 - 1.
 */
export const MAX_LOCALS = 50000;

/**
 * Position of each non-custom section id in the required order (Wasm 3.0:
 * the tag section sits between memory and global, data count before code).
 */
const SECTION_RANK: readonly number[] = [
  0, // 0 custom: anywhere
  1, // 1 type
  2, // 2 import
  3, // 3 function
  4, // 4 table
  5, // 5 memory
  7, // 6 global
  8, // 7 export
  9, // 8 start
  10, // 9 element
  12, // 10 code
  13, // 11 data
  11, // 12 data count
  6, // 13 tag
];

const EXTERN_KINDS: readonly ExternKind[] = ['func', 'table', 'memory', 'global', 'tag'];

const SECTION_EOF = 'unexpected end of section or function';

function newModule(bytes: Uint8Array): Module {
  return {
    bytes,
    types: [],
    typeGroups: [],
    imports: [],
    numImportedFuncs: 0,
    numImportedTables: 0,
    numImportedMemories: 0,
    numImportedGlobals: 0,
    numImportedTags: 0,
    funcTypes: [],
    tables: [],
    memories: [],
    globals: [],
    tags: [],
    globalInits: [],
    tableInits: [],
    exports: [],
    start: null,
    elems: [],
    datas: [],
    dataCount: null,
    funcs: [],
    funcNames: new Map(),
    customSections: [],
  };
}

/** Decodes a binary module. Throws a CompileError (with `.offset`) for any malformed input. */
export function decodeModule(bytes: Uint8Array): Module {
  const r = new Reader(bytes);
  readHeader(r);
  const m = newModule(bytes);
  let lastRank = 0;
  /** Type indices from the function section; null while it has not been seen. */
  let declaredFuncs: number[] | null = null;
  let sawCode = false;

  while (r.pos < r.end) {
    const idAt = r.pos;
    const id = r.u8();
    if (id >= SECTION_RANK.length) throw compileError(idAt, 'malformed section id');
    const size = r.len();
    const start = r.pos;
    const end = start + size;
    if (id === 0) {
      readCustomSection(m, bytes, start, end);
      r.pos = end;
      continue;
    }
    const rank = SECTION_RANK[id];
    if (rank <= lastRank) throw compileError(idAt, 'unexpected content after last section');
    lastRank = rank;

    // Inside a section the reader is deliberately NOT narrowed to its size: like
    // the reference interpreter we read the entries and then compare the end
    // position ("section size mismatch"); the spec tests' messages depend on it.
    // Counts are still bounded by the bytes left in the module.
    r.eofMessage = SECTION_EOF;
    switch (id) {
      case 1:
        readTypeSection(m, r);
        break;
      case 2:
        readImportSection(m, r);
        break;
      case 3:
        declaredFuncs = readFunctionSection(m, r);
        break;
      case 4:
        readTableSection(m, r);
        break;
      case 5:
        readMemorySection(m, r);
        break;
      case 6:
        readGlobalSection(m, r);
        break;
      case 7:
        readExportSection(m, r);
        break;
      case 8:
        m.start = r.u32();
        break;
      case 9:
        readElementSection(m, r);
        break;
      case 10:
        readCodeSection(m, r, declaredFuncs ?? []);
        sawCode = true;
        break;
      case 11:
        readDataSection(m, r);
        break;
      case 12:
        m.dataCount = r.u32();
        break;
      case 13:
        readTagSection(m, r);
        break;
    }
    if (r.pos !== end) throw compileError(r.pos, 'section size mismatch');
    r.eofMessage = 'unexpected end';
  }

  if (!sawCode && declaredFuncs !== null && declaredFuncs.length > 0) {
    throw compileError(r.pos, 'function and code section have inconsistent lengths');
  }
  if (m.dataCount !== null && m.dataCount !== m.datas.length) {
    throw compileError(r.pos, 'data count and data section have inconsistent lengths');
  }
  return m;
}

function readHeader(r: Reader): void {
  if (r.remaining < 4) throw compileError(r.end, 'unexpected end');
  const b = r.buf;
  if (b[0] !== 0x00 || b[1] !== 0x61 || b[2] !== 0x73 || b[3] !== 0x6d) {
    throw compileError(0, 'magic header not detected');
  }
  if (r.remaining < 8) throw compileError(r.end, 'unexpected end');
  if (b[4] !== 1 || b[5] !== 0 || b[6] !== 0 || b[7] !== 0) {
    throw compileError(4, 'unknown binary version');
  }
  r.pos = 8;
}

/** Keeps the section; a `name` section also fills `funcNames` (best effort). */
function readCustomSection(m: Module, bytes: Uint8Array, start: number, end: number): void {
  // Narrowed to the section: its name must fit in the declared size.
  const r = new Reader(bytes, start, end);
  const name = r.name();
  const content = bytes.subarray(r.pos, end);
  m.customSections.push({ name, bytes: content });
  if (name === 'name') readNameSection(m, content);
}

/**
 * The function names subsection (id 1) of the `name` section. Tools emit
 * sloppy name sections and engines ignore them when malformed, so any
 * failure keeps whatever was read before it and is otherwise silent.
 */
function readNameSection(m: Module, content: Uint8Array): void {
  const r = new Reader(content);
  try {
    while (r.pos < r.end) {
      const id = r.u8();
      const size = r.len();
      const end = r.pos + size;
      if (id === 1) {
        const n = r.count();
        for (let i = 0; i < n; i++) {
          const idx = r.u32();
          m.funcNames.set(idx, r.name());
        }
      }
      r.pos = end;
    }
  } catch {
    // best effort: see above
  }
}

function readTypeSection(m: Module, r: Reader): void {
  // The count is of recursion groups; a type outside `rec` is a group of one.
  const n = r.count();
  for (let g = 0; g < n; g++) {
    const start = m.types.length;
    if (r.pos < r.end && r.buf[r.pos] === 0x4e) {
      r.pos++;
      const size = r.count();
      for (let k = 0; k < size; k++) readSubType(m, r, start, size);
    } else {
      readSubType(m, r, start, 1);
    }
  }
}

/**
 * One type of a recursion group. Types of a group may refer to each other and to
 * earlier types. Declared supertypes (`sub $t ...`) belong to GC's subtyping and
 * are not supported; `sub` / `sub final` without supertypes are.
 */
function readSubType(m: Module, r: Reader, start: number, size: number): void {
  let at = r.pos;
  let form = r.u8();
  // The interpreter reads the form as a one-byte signed LEB128.
  if (form >= 0x80) throw compileError(at + 1, 'integer representation too long');
  let final = true;
  if (form === 0x50 || form === 0x4f) {
    final = form === 0x4f;
    const supers = r.count();
    for (let i = 0; i < supers; i++) {
      const sat = r.pos;
      const s = r.u32();
      if (s >= m.types.length) throw compileError(sat, `unknown type ${s}`);
    }
    if (supers > 0) throw unsupported(at, 'gc');
    at = r.pos;
    form = r.u8();
    if (form >= 0x80) throw compileError(at + 1, 'integer representation too long');
  }
  if (form !== 0x60) {
    if (form === 0x5f || form === 0x5e || form === 0x4e || form === 0x50 || form === 0x4f) throw unsupported(at, 'gc');
    throw compileError(at, 'malformed function type');
  }
  const params = readValTypes(r, start + size);
  const results = readValTypes(r, start + size);
  m.types.push({ params, results });
  m.typeGroups.push({ start, size, final });
}

function readLimits(r: Reader, isMemory: boolean): Limits {
  const at = r.pos;
  const flags = r.u8();
  if (flags > 7 || (!isMemory && flags & 2)) throw compileError(at, 'malformed limits flags');
  if (flags & 4) throw unsupported(at, 'memory64');
  if (flags & 2) throw unsupported(at, 'threads');
  // u64 in Wasm 3.0 (for 64-bit address types); the validator bounds them.
  const min = r.u64();
  const max = flags & 1 ? r.u64() : null;
  return { min, max };
}

function readTableType(m: Module, r: Reader): TableType {
  const elem = readRefType(r, m.types.length);
  return { elem, limits: readLimits(r, false) };
}

function readGlobalType(m: Module, r: Reader): GlobalType {
  const type = readValType(r, m.types.length);
  const at = r.pos;
  const mut = r.u8();
  if (mut > 1) throw compileError(at, 'malformed mutability');
  return { type, mutable: mut === 1 };
}

/** A tag type: attribute 0 (exception), then the index of its function type. */
function readTagType(r: Reader): number {
  const at = r.pos;
  if (r.u8() !== 0) throw compileError(at, 'malformed tag attribute');
  return r.u32();
}

function readImportSection(m: Module, r: Reader): void {
  const n = r.count();
  for (let i = 0; i < n; i++) {
    const offset = r.pos;
    const module = r.name();
    const name = r.name();
    const kindAt = r.pos;
    const kind = r.u8();
    let imp: Import;
    switch (kind) {
      case 0: {
        const typeIdx = r.u32();
        imp = { module, name, desc: { kind: 'func', typeIdx }, offset };
        m.funcTypes.push(typeIdx);
        m.numImportedFuncs++;
        break;
      }
      case 1: {
        const type = readTableType(m, r);
        imp = { module, name, desc: { kind: 'table', type }, offset };
        m.tables.push(type);
        m.numImportedTables++;
        break;
      }
      case 2: {
        const type = { limits: readLimits(r, true) };
        imp = { module, name, desc: { kind: 'memory', type }, offset };
        m.memories.push(type);
        m.numImportedMemories++;
        break;
      }
      case 3: {
        const type = readGlobalType(m, r);
        imp = { module, name, desc: { kind: 'global', type }, offset };
        m.globals.push(type);
        m.numImportedGlobals++;
        break;
      }
      case 4: {
        const typeIdx = readTagType(r);
        imp = { module, name, desc: { kind: 'tag', typeIdx }, offset };
        m.tags.push(typeIdx);
        m.numImportedTags++;
        break;
      }
      default:
        throw compileError(kindAt, 'malformed import kind');
    }
    m.imports.push(imp);
  }
}

function readFunctionSection(m: Module, r: Reader): number[] {
  const n = r.count();
  const out: number[] = new Array(n);
  for (let i = 0; i < n; i++) {
    out[i] = r.u32();
    m.funcTypes.push(out[i]);
  }
  return out;
}

function readTableSection(m: Module, r: Reader): void {
  const n = r.count();
  for (let i = 0; i < n; i++) {
    // 0x40 0x00 starts a table with an initializer expression (Wasm 3.0).
    if (r.peekU8() === 0x40) {
      r.pos++;
      const at = r.pos;
      if (r.u8() !== 0x00) throw compileError(at, 'malformed table type');
      m.tables.push(readTableType(m, r));
      m.tableInits.push(decodeConstExpr(m, r));
    } else {
      m.tables.push(readTableType(m, r));
      m.tableInits.push(null);
    }
  }
}

function readMemorySection(m: Module, r: Reader): void {
  const n = r.count();
  for (let i = 0; i < n; i++) m.memories.push({ limits: readLimits(r, true) });
}

function readTagSection(m: Module, r: Reader): void {
  const n = r.count();
  for (let i = 0; i < n; i++) m.tags.push(readTagType(r));
}

function readGlobalSection(m: Module, r: Reader): void {
  const n = r.count();
  for (let i = 0; i < n; i++) {
    const offset = r.pos;
    const type = readGlobalType(m, r);
    const init = decodeConstExpr(m, r);
    m.globals.push(type);
    m.globalInits.push({ type, init, offset });
  }
}

function readExportSection(m: Module, r: Reader): void {
  const n = r.count();
  for (let i = 0; i < n; i++) {
    const offset = r.pos;
    const name = r.name();
    const kindAt = r.pos;
    const kind = r.u8();
    if (kind >= EXTERN_KINDS.length) throw compileError(kindAt, 'malformed export kind');
    const exp: Export = { name, kind: EXTERN_KINDS[kind], index: r.u32(), offset };
    m.exports.push(exp);
  }
}

/** `ref.func idx` for an element given as a bare function index (segment kinds 0-3). */
function readFuncIndices(r: Reader): Instr[][] {
  const n = r.count();
  const out: Instr[][] = new Array(n);
  for (let i = 0; i < n; i++) {
    const offset = r.pos;
    out[i] = [{ op: Op.RefFunc, offset, index: r.u32() }];
  }
  return out;
}

function readElemExprs(m: Module, r: Reader): Instr[][] {
  const n = r.count();
  const out: Instr[][] = new Array(n);
  for (let i = 0; i < n; i++) out[i] = decodeConstExpr(m, r);
  return out;
}

/** The `elemkind` byte of segment kinds 1-3: only 0x00 (`(ref func)`) exists. */
function readElemKind(r: Reader): void {
  const at = r.pos;
  if (r.u8() !== 0) throw compileError(at, 'malformed element kind');
}

function readElementSection(m: Module, r: Reader): void {
  const n = r.count();
  for (let i = 0; i < n; i++) {
    const offset = r.pos;
    const kind = r.u32();
    // Bit 0: passive or declarative (else active); bit 1: explicit table index
    // (active) or declarative (otherwise); bit 2: elements are expressions.
    if (kind > 7) throw compileError(offset, 'malformed elements segment kind');
    let mode: Elem['mode'];
    let table = 0;
    let offsetExpr: Instr[] | null = null;
    // Function indices (kinds 0-3) give `(ref func)`; expressions without an
    // explicit type (kind 4) give funcref.
    let type: ValType = kind & 4 ? ValType.FuncRef : refType(false, AbsHeap.Func);
    if ((kind & 1) === 0) {
      mode = 'active';
      if (kind & 2) table = r.u32();
      offsetExpr = decodeConstExpr(m, r);
    } else {
      mode = kind & 2 ? 'declarative' : 'passive';
    }
    // Kinds 0 and 4 imply the type; the others spell it out.
    const explicitType = kind !== 0 && kind !== 4;
    let init: Instr[][];
    if (kind & 4) {
      if (explicitType) type = readRefType(r, m.types.length);
      init = readElemExprs(m, r);
    } else {
      if (explicitType) readElemKind(r);
      init = readFuncIndices(r);
    }
    m.elems.push({ mode, table, offsetExpr, type, init, offset });
  }
}

function readCodeSection(m: Module, r: Reader, declared: number[]): void {
  const at = r.pos;
  const n = r.u32();
  if (n !== declared.length) {
    throw compileError(at, 'function and code section have inconsistent lengths');
  }
  const outerEnd = r.end;
  const counts: number[] = [];
  const types: ValType[] = [];
  for (let i = 0; i < n; i++) {
    const size = r.len();
    const bodyEnd = r.pos + size;
    // Narrow to the body while reading its local declarations.
    r.end = bodyEnd;
    const groups = r.count();
    // Parameters count towards the limit. An unknown type index is the
    // validator's to report; until then the function has no parameters.
    let total = m.types[declared[i]]?.params.length ?? 0;
    const numParams = total;
    counts.length = 0;
    types.length = 0;
    for (let g = 0; g < groups; g++) {
      const countAt = r.pos;
      const c = r.u32();
      total += c;
      // Checked before anything is expanded: 2^32 - 1 is the format's limit,
      // MAX_LOCALS the engines' one.
      if (total > MAX_LOCALS) throw compileError(countAt, 'too many locals');
      counts.push(c);
      types.push(readValType(r, m.types.length));
    }
    const locals: ValType[] = new Array(total - numParams);
    let k = 0;
    for (let g = 0; g < counts.length; g++) {
      const t = types[g];
      for (let j = counts[g]; j > 0; j--) locals[k++] = t;
    }
    const index = m.numImportedFuncs + i;
    m.funcs.push({ index, typeIdx: declared[i], locals, codeStart: r.pos, codeEnd: bodyEnd });
    r.end = outerEnd;
    r.pos = bodyEnd;
  }
}

function readDataSection(m: Module, r: Reader): void {
  const n = r.count();
  for (let i = 0; i < n; i++) {
    const offset = r.pos;
    const kind = r.u32();
    if (kind > 2) throw compileError(offset, 'malformed data segment kind');
    // 0: active in memory 0; 1: passive; 2: active with an explicit memory index.
    const memory = kind === 2 ? r.u32() : 0;
    const offsetExpr = kind === 1 ? null : decodeConstExpr(m, r);
    const bytes = r.bytes(r.len());
    const data: Data = { mode: kind === 1 ? 'passive' : 'active', memory, offsetExpr, bytes, offset };
    m.datas.push(data);
  }
}
