// The module IR: what the decoder produces and every later pass reads.
//
// Module-level data is decoded eagerly (it is small). Function bodies are NOT: a
// `Func` records the byte range of its body and `decodeBody` (src/binary/code.ts)
// turns it into a flat `Instr[]` when a pass needs it, so memory stays
// proportional to one function, not to the whole code section.

/** Value types, by their binary encoding. */
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
  /** Element reference type (funcref / externref / exnref). */
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

export interface Module {
  bytes: Uint8Array;
  types: FuncType[];
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
 * One decoded instruction. `op` is the opcode byte, or for prefixed opcodes
 * (0xfc, 0xfd, ...) `(prefix << 8) | subopcode`. Only the immediates the opcode
 * has are set.
 */
export interface Instr {
  op: number;
  /** Byte offset of the opcode in the module. */
  offset: number;
  /** block/loop/if/try/try_table: the resolved block type. */
  type?: FuncType;
  /** br, br_if, br_table default, delegate, rethrow: relative label depth. */
  depth?: number;
  /** br_table: label depths, default excluded. */
  labels?: number[];
  /** call, ref.func, local.*, global.*: the index; call_indirect: the type index. */
  index?: number;
  /** Memory / table index (loads, stores, memory.*, table.*, call_indirect); the destination for *.copy. */
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
  /** ref.null: the heap type as a ValType (FuncRef / ExternRef / ExnRef). select (typed): result types. */
  refType?: ValType;
  selectTypes?: ValType[];
  /** memory.init, data.drop: data index; table.init, elem.drop: elem index. */
  segment?: number;
  /** throw, legacy catch: tag index. */
  tag?: number;
  /** try_table: its catch clauses in order. */
  catches?: CatchClause[];
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
