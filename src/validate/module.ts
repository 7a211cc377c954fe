// Module-level validation: everything except function bodies (those are
// src/validate/func.ts, run per function so that a pass can decode, validate
// and compile one body at a time).
//
// Messages follow the reference interpreter's wording so that the spec tests'
// assert_invalid strings match.

import { ValType, formatValType, isDefaultable, refTypeIdx, type ConstExpr, type FuncType, type Limits, type Module } from '../ir.js';
import { compileError } from '../errors.js';
import { Op } from '../opcodes.js';
import { matches } from './subtype.js';

/** Memories are at most 2^16 pages of 64 KiB (4 GiB) with 32-bit addresses. */
const MAX_PAGES = 65536;

export function validateModule(m: Module): void {
  for (const imp of m.imports) {
    const d = imp.desc;
    switch (d.kind) {
      case 'func':
        checkTypeIdx(m, d.typeIdx, imp.offset);
        break;
      case 'table':
        checkTableLimits(d.type.limits, imp.offset);
        break;
      case 'memory':
        checkMemoryLimits(d.type.limits, imp.offset);
        break;
      case 'tag':
        checkTagType(m, d.typeIdx, imp.offset);
        break;
      case 'global':
        break;
    }
  }
  for (const f of m.funcs) checkTypeIdx(m, f.typeIdx, f.codeStart);
  for (let i = m.numImportedTables; i < m.tables.length; i++) {
    const t = m.tables[i];
    checkTableLimits(t.limits, 0);
    const init = m.tableInits[i - m.numImportedTables] ?? null;
    if (init) {
      // The table section comes before the global section: only imported
      // globals are visible.
      validateConstExpr(m, init, t.elem, m.numImportedGlobals, init.length ? init[0].offset : 0);
    } else if (!isDefaultable(t.elem)) {
      throw compileError(0, `type mismatch: a table of ${formatValType(t.elem)} needs an initializer`);
    }
  }
  for (let i = m.numImportedMemories; i < m.memories.length; i++) {
    checkMemoryLimits(m.memories[i].limits, 0);
  }
  for (let i = m.numImportedTags; i < m.tags.length; i++) checkTagType(m, m.tags[i], 0);

  m.globalInits.forEach((g, i) => {
    // A global initializer sees only the globals before it (Wasm 3.0).
    validateConstExpr(m, g.init, g.type.type, m.numImportedGlobals + i, g.offset);
  });

  const names = new Set<string>();
  for (const e of m.exports) {
    if (names.has(e.name)) throw compileError(e.offset, 'duplicate export name');
    names.add(e.name);
    const [space, what] = indexSpace(m, e.kind);
    if (e.index >= space) throw compileError(e.offset, `unknown ${what} ${e.index}`);
  }

  if (m.start !== null) {
    const t = funcType(m, m.start, 0);
    if (t.params.length !== 0 || t.results.length !== 0) {
      throw compileError(0, 'start function must have type [] -> []');
    }
  }

  for (const e of m.elems) {
    if (e.mode === 'active') {
      if (e.table >= m.tables.length) throw compileError(e.offset, `unknown table ${e.table}`);
      const tt = m.tables[e.table].elem;
      if (!matches(m, e.type, tt)) {
        throw compileError(e.offset, `type mismatch: element segment of ${formatValType(e.type)} for a table of ${formatValType(tt)}`);
      }
      validateConstExpr(m, e.offsetExpr!, ValType.I32, m.globals.length, e.offset);
    }
    for (const init of e.init) validateConstExpr(m, init, e.type, m.globals.length, e.offset);
  }

  for (const d of m.datas) {
    if (d.mode !== 'active') continue;
    if (d.memory >= m.memories.length) throw compileError(d.offset, `unknown memory ${d.memory}`);
    validateConstExpr(m, d.offsetExpr!, ValType.I32, m.globals.length, d.offset);
  }
}

function checkTypeIdx(m: Module, idx: number, at: number): FuncType {
  if (idx >= m.types.length) throw compileError(at, `unknown type ${idx}`);
  return m.types[idx];
}

/** The type of function `idx`, or "unknown function". */
export function funcType(m: Module, idx: number, at: number): FuncType {
  if (idx >= m.funcTypes.length) throw compileError(at, `unknown function ${idx}`);
  return checkTypeIdx(m, m.funcTypes[idx], at);
}

function checkTagType(m: Module, typeIdx: number, at: number): void {
  const t = checkTypeIdx(m, typeIdx, at);
  if (t.results.length !== 0) throw compileError(at, 'non-empty tag result type');
}

function checkTableLimits(l: Limits, at: number): void {
  if (l.min > 0xffffffff || (l.max !== null && l.max > 0xffffffff)) {
    throw compileError(at, 'table size must be at most 2^32-1');
  }
  checkLimits(l, at);
}

function checkLimits(l: Limits, at: number): void {
  if (l.max !== null && l.min > l.max) {
    throw compileError(at, 'size minimum must not be greater than maximum');
  }
}

function checkMemoryLimits(l: Limits, at: number): void {
  if (l.min > MAX_PAGES || (l.max !== null && l.max > MAX_PAGES)) {
    throw compileError(at, 'memory size must be at most 65536 pages (4GiB)');
  }
  checkLimits(l, at);
}

function indexSpace(m: Module, kind: string): [number, string] {
  switch (kind) {
    case 'func':
      return [m.funcTypes.length, 'function'];
    case 'table':
      return [m.tables.length, 'table'];
    case 'memory':
      return [m.memories.length, 'memory'];
    case 'global':
      return [m.globals.length, 'global'];
    default:
      return [m.tags.length, 'tag'];
  }
}

/**
 * A constant expression must consist of constant instructions only and leave
 * exactly one value of type `expected`. `visibleGlobals` is how many globals
 * (from index 0) it may read; only immutable ones are constant.
 */
export function validateConstExpr(
  m: Module,
  expr: ConstExpr,
  expected: ValType,
  visibleGlobals: number,
  at: number,
): void {
  const stack: ValType[] = [];
  const pop = (t: ValType, offset: number): void => {
    const actual = stack.pop();
    if (actual === undefined || !matches(m, actual, t)) throw compileError(offset, 'type mismatch');
  };
  for (const ins of expr) {
    switch (ins.op) {
      case Op.I32Const:
        stack.push(ValType.I32);
        break;
      case Op.I64Const:
        stack.push(ValType.I64);
        break;
      case Op.F32Const:
        stack.push(ValType.F32);
        break;
      case Op.F64Const:
        stack.push(ValType.F64);
        break;
      case Op.RefNull:
        stack.push(ins.refType!);
        break;
      case Op.RefFunc: // (ref $t) for the function's type $t
        if (ins.index! >= m.funcTypes.length) throw compileError(ins.offset, `unknown function ${ins.index}`);
        stack.push(refTypeIdx(false, m.funcTypes[ins.index!]));
        break;
      case Op.GlobalGet: {
        const g = ins.index!;
        if (g >= visibleGlobals) throw compileError(ins.offset, `unknown global ${g}`);
        if (m.globals[g].mutable) throw compileError(ins.offset, 'constant expression required');
        stack.push(m.globals[g].type);
        break;
      }
      // Extended constant expressions: i32/i64 add, sub, mul.
      case Op.I32Add:
      case Op.I32Sub:
      case Op.I32Mul:
        pop(ValType.I32, ins.offset);
        pop(ValType.I32, ins.offset);
        stack.push(ValType.I32);
        break;
      case Op.I64Add:
      case Op.I64Sub:
      case Op.I64Mul:
        pop(ValType.I64, ins.offset);
        pop(ValType.I64, ins.offset);
        stack.push(ValType.I64);
        break;
      default:
        throw compileError(ins.offset, 'constant expression required');
    }
  }
  if (stack.length !== 1 || !matches(m, stack[0], expected)) {
    const where = expr.length ? expr[expr.length - 1].offset : at;
    throw compileError(where, 'type mismatch');
  }
}

const declaredCache = new WeakMap<Module, Uint8Array>();

/**
 * Functions that `ref.func` may name inside function bodies: those referenced
 * anywhere outside the code (exports, element segments, global initializers,
 * offset expressions). Computed once per module.
 */
export function declaredFuncRefs(m: Module): Uint8Array {
  let set = declaredCache.get(m);
  if (set) return set;
  const s = new Uint8Array(m.funcTypes.length);
  const scan = (expr: ConstExpr | null): void => {
    if (!expr) return;
    for (const ins of expr) if (ins.op === Op.RefFunc && ins.index! < s.length) s[ins.index!] = 1;
  };
  for (const e of m.exports) if (e.kind === 'func' && e.index < s.length) s[e.index] = 1;
  for (const e of m.elems) {
    scan(e.offsetExpr);
    for (const init of e.init) scan(init);
  }
  for (const g of m.globalInits) scan(g.init);
  for (const t of m.tableInits) scan(t);
  for (const d of m.datas) scan(d.offsetExpr);
  declaredCache.set(m, (set = s));
  return set;
}
