// The module IR: what the decoder produces and every later pass reads.
//
// Module-level data is decoded eagerly (it is small). Function bodies are NOT: a
// `Func` records the byte range of its body and `decodeBody` (src/binary/code.ts)
// turns it into a flat `Instr[]` when a pass needs it, so memory stays
// proportional to one function, not to the whole code section.

/**
 * Value types, by their binary encoding. Reference types other than these
 * shorthands are numbers outside the enum: see "Reference types" at the end.
 */
export const enum ValType {
  I32 = 0x7f,
  I64 = 0x7e,
  F32 = 0x7d,
  F64 = 0x7c,
  V128 = 0x7b,
  FuncRef = 0x70,
  ExternRef = 0x6f,
  ExnRef = 0x69,
}

export interface FuncType {
  params: ValType[];
  results: ValType[];
}

export interface Limits {
  min: number;
  max: number | null;
}

export interface TableType {
  elem: ValType;
  limits: Limits;
}

export interface MemoryType {
  limits: Limits;
}

export interface GlobalType {
  type: ValType;
  mutable: boolean;
}

export type ExternKind = 'func' | 'table' | 'memory' | 'global' | 'tag';

export type ImportDesc =
  | { kind: 'func'; typeIdx: number }
  | { kind: 'table'; type: TableType }
  | { kind: 'memory'; type: MemoryType }
  | { kind: 'global'; type: GlobalType }
  | { kind: 'tag'; typeIdx: number };

export interface Import {
  module: string;
  name: string;
  desc: ImportDesc;
  offset: number;
}

export interface Export {
  name: string;
  kind: ExternKind;
  index: number;
  offset: number;
}

/** A constant expression: the decoded instructions, without the final `end`. */
export type ConstExpr = Instr[];

export interface Global {
  type: GlobalType;
  init: ConstExpr;
  offset: number;
}

export interface Elem {
  mode: 'active' | 'passive' | 'declarative';
  /** Table index (active only; 0 otherwise). */
  table: number;
  /** Offset expression (active only). */
  offsetExpr: ConstExpr | null;
  /**
   * Element reference type: any reference type (see `refType` below). Segments
   * of function indices have `(ref func)`, expression segments without an
   * explicit type funcref.
   */
  type: ValType;
  /** One constant expression per element (func indices are decoded as `ref.func`). */
  init: ConstExpr[];
  offset: number;
}

export interface Data {
  mode: 'active' | 'passive';
  memory: number;
  offsetExpr: ConstExpr | null;
  bytes: Uint8Array;
  offset: number;
}

export interface Func {
  /** Index in the function index space (imports first). */
  index: number;
  typeIdx: number;
  /** Declared locals (params excluded), expanded one entry per local. */
  locals: ValType[];
  /** Byte range of the instruction sequence (after the local declarations, including the final `end`). */
  codeStart: number;
  codeEnd: number;
}

/** Where a type sits in its recursion group (Wasm 3.0 `rec`), and its finality. */
export interface TypeGroup {
  /** Index of the group's first type, and the number of types in the group. */
  start: number;
  size: number;
  /** `sub final` (also the plain form) vs `sub` (open for subtyping). */
  final: boolean;
}

export interface Module {
  bytes: Uint8Array;
  types: FuncType[];
  /**
   * One entry per type. A type defined without `rec` is a group of its own.
   * Types are equal when their groups are structurally equal and they have the
   * same position (iso-recursive equality); see validate/subtype.ts.
   */
  typeGroups: TypeGroup[];
  imports: Import[];
  /** Imported counts: index spaces put imports first. */
  numImportedFuncs: number;
  numImportedTables: number;
  numImportedMemories: number;
  numImportedGlobals: number;
  numImportedTags: number;
  /** Type index of every function in the function index space (imports included). */
  funcTypes: number[];
  /** Every table / memory / global / tag in its index space (imports included). */
  tables: TableType[];
  memories: MemoryType[];
  globals: GlobalType[];
  /** Tag type indices, index space (imports included). */
  tags: number[];
  /** Defined globals (not imported), with their initializers. */
  globalInits: Global[];
  /**
   * One entry per DEFINED table (imports excluded), in order: the initializer
   * expression of a table written as `0x40 0x00 tabletype expr`, else null.
   */
  tableInits: (ConstExpr | null)[];
  exports: Export[];
  start: number | null;
  elems: Elem[];
  datas: Data[];
  /** Value of the data count section, if present. */
  dataCount: number | null;
  /** Defined functions (not imported). */
  funcs: Func[];
  /** From the `name` custom section when present and well-formed (best effort). */
  funcNames: Map<number, string>;
  customSections: { name: string; bytes: Uint8Array }[];
}

/**
 * One decoded instruction. `op` is its `Op` (src/opcodes.ts: the opcode byte,
 * or a prefix's base plus the sub-opcode). Only the immediates the opcode has
 * are set (the row's `Imm` says which).
 */
export interface Instr {
  op: number;
  /** Byte offset of the opcode in the module. */
  offset: number;
  /** block/loop/if/try/try_table: the resolved block type. */
  type?: FuncType;
  /** br, br_if, br_table default, delegate, rethrow, br_on_null, br_on_non_null: relative label depth. */
  depth?: number;
  /** br_table: label depths, default excluded. */
  labels?: number[];
  /**
   * call, return_call, ref.func, local.*, global.*: the index; call_indirect,
   * return_call_indirect, call_ref, return_call_ref: the type index.
   */
  index?: number;
  /** Memory / table index (loads, stores, memory.*, table.*, call_indirect, return_call_indirect); the destination for *.copy. */
  mem?: number;
  /** memory.copy / table.copy source index. */
  mem2?: number;
  /** Loads/stores: alignment exponent and static offset. */
  align?: number;
  memOffset?: number;
  /** i32.const: int32 value; f32.const: uint32 bits. */
  i32?: number;
  /** i64.const: signed value; f64.const: bits as unsigned 64-bit. */
  i64?: bigint;
  /**
   * ref.null: the type of the null it pushes, always a nullable reference type
   * (see `refType` below: FuncRef / ExternRef / ExnRef, the null* shorthands, or
   * `(ref null $t)`). select (typed): result types.
   */
  refType?: ValType;
  selectTypes?: ValType[];
  /** memory.init, data.drop: data index; table.init, elem.drop: elem index. */
  segment?: number;
  /** throw, legacy catch: tag index. */
  tag?: number;
  /** try_table: its catch clauses in order. */
  catches?: CatchClause[];
  /** Pseudo-instructions of split functions (passes/split.ts). */
  outline?: OutlineOp;
}

/**
 * Immediates of the pseudo-instructions that passes/split.ts inserts when it
 * moves parts of a big function into separate JS functions ("pieces"). They
 * never come from a binary.
 */
export interface OutlineOp {
  /** Call: the piece's JS name. */
  name?: string;
  /** Call: locals passed, in the piece's parameter order. */
  args?: number[];
  /** Call / exit: locals copied back through slot `$o<k>`, k = position. */
  writes?: number[];
  /** Call / exit: number of exit codes of the piece (1: it returns nothing). */
  exits?: number;
  /** Exit: the code it returns. */
  code?: number;
  /** Return store / load: the function's result count. */
  arity?: number;
}

export const enum CatchKind {
  Catch = 0,
  CatchRef = 1,
  CatchAll = 2,
  CatchAllRef = 3,
}

export interface CatchClause {
  kind: CatchKind;
  tag: number; // -1 for catch_all forms
  depth: number;
}

// ---------------------------------------------------------------------------
// Reference types (Wasm 3.0 typed function references, no GC).
//
// A reference type is a ValType number:
//  - nullable abstract `(ref null ht)`: the one-byte shorthand code of the type,
//    i.e. funcref 0x70, externref 0x6f, exnref 0x69, nullfuncref 0x73,
//    nullexternref 0x72, nullexnref 0x74 (which equals the heap type's code);
//  - non-nullable abstract `(ref ht)`: REF_NON_NULL | code (e.g. `(ref func)` = 0x170);
//  - concrete `(ref null? $t)`: REF_TYPE_BASE + t * 2 + (nullable ? 1 : 0).
// Every type has exactly one encoding, so equal types are equal numbers, except
// that two different type indices may denote structurally equal function types
// (the validator's subtyping handles that).

/** Abstract heap type codes (their binary encoding, also the nullable shorthands). */
export const enum AbsHeap {
  Func = 0x70,
  Extern = 0x6f,
  Exn = 0x69,
  NoFunc = 0x73,
  NoExtern = 0x72,
  NoExn = 0x74,
}

/** Or'ed into an abstract heap code: the non-nullable reference type. */
export const REF_NON_NULL = 0x100;
/** Base of the concrete reference types: REF_TYPE_BASE + 2 * typeIdx + nullable. */
export const REF_TYPE_BASE = 0x100000;

/** Whether `code` is one of the abstract heap type codes above. */
export function isAbsHeap(code: number): boolean {
  return code === 0x70 || code === 0x6f || code === 0x69 || code === 0x73 || code === 0x72 || code === 0x74;
}

/** `(ref null? ht)` for an abstract heap type code (AbsHeap). */
export function refType(nullable: boolean, heap: AbsHeap | number): ValType {
  return (nullable ? heap : heap | REF_NON_NULL) as ValType;
}

/** `(ref null? $typeIdx)`. */
export function refTypeIdx(nullable: boolean, typeIdx: number): ValType {
  return (REF_TYPE_BASE + typeIdx * 2 + (nullable ? 1 : 0)) as ValType;
}

/** Whether `t` is a reference type (abstract or concrete). */
export function isRefType(t: number): boolean {
  return t >= REF_TYPE_BASE || (t >= 0 && t < 0x200 && isAbsHeap(t & ~REF_NON_NULL));
}

/** Whether `t` is a concrete reference type `(ref null? $t)`. */
export function isConcreteRef(t: number): boolean {
  return t >= REF_TYPE_BASE;
}

/** Whether the reference type `t` admits null. */
export function isNullable(t: number): boolean {
  return t >= REF_TYPE_BASE ? (t - REF_TYPE_BASE) % 2 === 1 : (t & REF_NON_NULL) === 0;
}

/**
 * The heap type of reference type `t`: its abstract code (AbsHeap) or, for a
 * concrete reference, its type index (tell them apart with `isConcreteRef`).
 */
export function heapOf(t: number): number {
  return t >= REF_TYPE_BASE ? Math.floor((t - REF_TYPE_BASE) / 2) : t & ~REF_NON_NULL;
}

/** The type index of a concrete reference type, or -1 for any other type. */
export function typeIndexOf(t: number): number {
  return t >= REF_TYPE_BASE ? Math.floor((t - REF_TYPE_BASE) / 2) : -1;
}

/** The same reference type with the given nullability. */
export function withNullability(t: number, nullable: boolean): ValType {
  return t >= REF_TYPE_BASE ? refTypeIdx(nullable, typeIndexOf(t)) : refType(nullable, t & ~REF_NON_NULL);
}

/** Whether locals / table slots of type `t` have a default value (numbers, nullable refs). */
export function isDefaultable(t: number): boolean {
  return !isRefType(t) || isNullable(t);
}

const ABS_HEAP_NAMES: Record<number, string> = {
  0x70: 'func', 0x6f: 'extern', 0x69: 'exn', 0x73: 'nofunc', 0x72: 'noextern', 0x74: 'noexn',
};
const SHORTHAND_NAMES: Record<number, string> = {
  0x70: 'funcref', 0x6f: 'externref', 0x69: 'exnref', 0x73: 'nullfuncref', 0x72: 'nullexternref', 0x74: 'nullexnref',
};
const NUM_NAMES: Record<number, string> = { 0x7f: 'i32', 0x7e: 'i64', 0x7d: 'f32', 0x7c: 'f64', 0x7b: 'v128' };

/** Text form of a value type (e.g. `i32`, `funcref`, `(ref func)`, `(ref null 3)`), for messages. */
export function formatValType(t: number): string {
  if (NUM_NAMES[t]) return NUM_NAMES[t];
  if (SHORTHAND_NAMES[t]) return SHORTHAND_NAMES[t];
  if (!isRefType(t)) return '_';
  const heap = isConcreteRef(t) ? String(typeIndexOf(t)) : ABS_HEAP_NAMES[heapOf(t)];
  return isNullable(t) ? `(ref null ${heap})` : `(ref ${heap})`;
}
