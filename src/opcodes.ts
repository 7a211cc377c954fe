// The one opcode table. Every instruction wasm2es knows is one row here: its
// spec name, its encoding, the kind of its immediates and, where its typing is
// fixed, its operand signature. The decoder reads immediates by the row's
// `imm`, the validator checks fixed-type instructions by the row's `sig`, the
// text front end maps names to rows, and codegen's registry checks that every
// row has a handler. Adding a proposal is adding rows (and the handlers).
//
// An `Op` is the opcode byte for one-byte instructions, and PREFIX_BASE of its
// prefix plus the sub-opcode for prefixed ones (0xfc 8 is memory.init =
// 0x1008). All values are below OP_LIMIT, so tables indexed by Op are small
// dense arrays. Names are the spec's text names in PascalCase ("i32.trunc_sat_f32_s"
// -> I32TruncSatF32S); opcodes.test.ts checks the enum against the rows.
import { ValType } from './ir.js';

export const enum Op {
  Unreachable = 0x00,
  Nop = 0x01,
  Block = 0x02,
  Loop = 0x03,
  If = 0x04,
  Else = 0x05,
  Try = 0x06,
  Catch = 0x07,
  Throw = 0x08,
  Rethrow = 0x09,
  ThrowRef = 0x0a,
  End = 0x0b,
  Br = 0x0c,
  BrIf = 0x0d,
  BrTable = 0x0e,
  Return = 0x0f,
  Call = 0x10,
  CallIndirect = 0x11,
  ReturnCall = 0x12,
  ReturnCallIndirect = 0x13,
  CallRef = 0x14,
  ReturnCallRef = 0x15,
  Delegate = 0x18,
  CatchAll = 0x19,
  Drop = 0x1a,
  Select = 0x1b,
  TypedSelect = 0x1c,
  TryTable = 0x1f,
  LocalGet = 0x20,
  LocalSet = 0x21,
  LocalTee = 0x22,
  GlobalGet = 0x23,
  GlobalSet = 0x24,
  TableGet = 0x25,
  TableSet = 0x26,
  I32Load = 0x28,
  I64Load = 0x29,
  F32Load = 0x2a,
  F64Load = 0x2b,
  I32Load8S = 0x2c,
  I32Load8U = 0x2d,
  I32Load16S = 0x2e,
  I32Load16U = 0x2f,
  I64Load8S = 0x30,
  I64Load8U = 0x31,
  I64Load16S = 0x32,
  I64Load16U = 0x33,
  I64Load32S = 0x34,
  I64Load32U = 0x35,
  I32Store = 0x36,
  I64Store = 0x37,
  F32Store = 0x38,
  F64Store = 0x39,
  I32Store8 = 0x3a,
  I32Store16 = 0x3b,
  I64Store8 = 0x3c,
  I64Store16 = 0x3d,
  I64Store32 = 0x3e,
  MemorySize = 0x3f,
  MemoryGrow = 0x40,
  I32Const = 0x41,
  I64Const = 0x42,
  F32Const = 0x43,
  F64Const = 0x44,
  I32Eqz = 0x45,
  I32Eq = 0x46,
  I32Ne = 0x47,
  I32LtS = 0x48,
  I32LtU = 0x49,
  I32GtS = 0x4a,
  I32GtU = 0x4b,
  I32LeS = 0x4c,
  I32LeU = 0x4d,
  I32GeS = 0x4e,
  I32GeU = 0x4f,
  I64Eqz = 0x50,
  I64Eq = 0x51,
  I64Ne = 0x52,
  I64LtS = 0x53,
  I64LtU = 0x54,
  I64GtS = 0x55,
  I64GtU = 0x56,
  I64LeS = 0x57,
  I64LeU = 0x58,
  I64GeS = 0x59,
  I64GeU = 0x5a,
  F32Eq = 0x5b,
  F32Ne = 0x5c,
  F32Lt = 0x5d,
  F32Gt = 0x5e,
  F32Le = 0x5f,
  F32Ge = 0x60,
  F64Eq = 0x61,
  F64Ne = 0x62,
  F64Lt = 0x63,
  F64Gt = 0x64,
  F64Le = 0x65,
  F64Ge = 0x66,
  I32Clz = 0x67,
  I32Ctz = 0x68,
  I32Popcnt = 0x69,
  I32Add = 0x6a,
  I32Sub = 0x6b,
  I32Mul = 0x6c,
  I32DivS = 0x6d,
  I32DivU = 0x6e,
  I32RemS = 0x6f,
  I32RemU = 0x70,
  I32And = 0x71,
  I32Or = 0x72,
  I32Xor = 0x73,
  I32Shl = 0x74,
  I32ShrS = 0x75,
  I32ShrU = 0x76,
  I32Rotl = 0x77,
  I32Rotr = 0x78,
  I64Clz = 0x79,
  I64Ctz = 0x7a,
  I64Popcnt = 0x7b,
  I64Add = 0x7c,
  I64Sub = 0x7d,
  I64Mul = 0x7e,
  I64DivS = 0x7f,
  I64DivU = 0x80,
  I64RemS = 0x81,
  I64RemU = 0x82,
  I64And = 0x83,
  I64Or = 0x84,
  I64Xor = 0x85,
  I64Shl = 0x86,
  I64ShrS = 0x87,
  I64ShrU = 0x88,
  I64Rotl = 0x89,
  I64Rotr = 0x8a,
  F32Abs = 0x8b,
  F32Neg = 0x8c,
  F32Ceil = 0x8d,
  F32Floor = 0x8e,
  F32Trunc = 0x8f,
  F32Nearest = 0x90,
  F32Sqrt = 0x91,
  F32Add = 0x92,
  F32Sub = 0x93,
  F32Mul = 0x94,
  F32Div = 0x95,
  F32Min = 0x96,
  F32Max = 0x97,
  F32Copysign = 0x98,
  F64Abs = 0x99,
  F64Neg = 0x9a,
  F64Ceil = 0x9b,
  F64Floor = 0x9c,
  F64Trunc = 0x9d,
  F64Nearest = 0x9e,
  F64Sqrt = 0x9f,
  F64Add = 0xa0,
  F64Sub = 0xa1,
  F64Mul = 0xa2,
  F64Div = 0xa3,
  F64Min = 0xa4,
  F64Max = 0xa5,
  F64Copysign = 0xa6,
  I32WrapI64 = 0xa7,
  I32TruncF32S = 0xa8,
  I32TruncF32U = 0xa9,
  I32TruncF64S = 0xaa,
  I32TruncF64U = 0xab,
  I64ExtendI32S = 0xac,
  I64ExtendI32U = 0xad,
  I64TruncF32S = 0xae,
  I64TruncF32U = 0xaf,
  I64TruncF64S = 0xb0,
  I64TruncF64U = 0xb1,
  F32ConvertI32S = 0xb2,
  F32ConvertI32U = 0xb3,
  F32ConvertI64S = 0xb4,
  F32ConvertI64U = 0xb5,
  F32DemoteF64 = 0xb6,
  F64ConvertI32S = 0xb7,
  F64ConvertI32U = 0xb8,
  F64ConvertI64S = 0xb9,
  F64ConvertI64U = 0xba,
  F64PromoteF32 = 0xbb,
  I32ReinterpretF32 = 0xbc,
  I64ReinterpretF64 = 0xbd,
  F32ReinterpretI32 = 0xbe,
  F64ReinterpretI64 = 0xbf,
  I32Extend8S = 0xc0,
  I32Extend16S = 0xc1,
  I64Extend8S = 0xc2,
  I64Extend16S = 0xc3,
  I64Extend32S = 0xc4,
  RefNull = 0xd0,
  RefIsNull = 0xd1,
  RefFunc = 0xd2,
  RefAsNonNull = 0xd4,
  BrOnNull = 0xd5,
  BrOnNonNull = 0xd6,

  // 0xfc prefix: PREFIX_BASE[0xfc] + sub-opcode.
  I32TruncSatF32S = 0x1000,
  I32TruncSatF32U = 0x1001,
  I32TruncSatF64S = 0x1002,
  I32TruncSatF64U = 0x1003,
  I64TruncSatF32S = 0x1004,
  I64TruncSatF32U = 0x1005,
  I64TruncSatF64S = 0x1006,
  I64TruncSatF64U = 0x1007,
  MemoryInit = 0x1008,
  DataDrop = 0x1009,
  MemoryCopy = 0x100a,
  MemoryFill = 0x100b,
  TableInit = 0x100c,
  ElemDrop = 0x100d,
  TableCopy = 0x100e,
  TableGrow = 0x100f,
  TableSize = 0x1010,
  TableFill = 0x1011,

  // Pseudo-instructions of split functions (passes/split.ts); never decoded.
  OutlineCall = 0x4000,
  OutlineExit = 0x4001,
  ReturnStore = 0x4002,
  ReturnLoad = 0x4003,
  // Pseudo-instructions of inlined copies (passes/inline.ts); never decoded.
  CalleeGuard = 0x4010,
  CallGuarded = 0x4011,
}

/** Ops are below this: tables indexed by Op are dense arrays of this length. */
export const OP_LIMIT = 0x5000;

/** Op of sub-opcode 0 for each prefix byte wasm2es decodes. */
export const PREFIX_BASE: Readonly<Record<number, number>> = { 0xfc: 0x1000, 0xfd: 0x2000, 0xfe: 0x3000 };

/**
 * First bytes (opcodes and prefixes) of proposals wasm2es does not support:
 * the decoder reports `unsupported feature: <name>` for them instead of an
 * illegal opcode.
 */
export const UNSUPPORTED_BYTES: Readonly<Record<number, string>> = { 0xd3: 'gc', 0xfb: 'gc', 0xfd: 'simd', 0xfe: 'threads' };

/** How an instruction's immediates are encoded (and which Instr fields they fill). */
export const enum Imm {
  /** No immediates. */
  None,
  /** block, loop, if, try: a block type (Instr.type). */
  Block,
  /** br, br_if, rethrow, delegate, br_on_null, br_on_non_null: a label depth (depth). */
  Label,
  /** br_table: labels, then the default depth. */
  BrTable,
  /** call, return_call, ref.func: a function index (index). */
  Func,
  /** local.*: a local index (index). */
  Local,
  /** global.*: a global index (index). */
  Global,
  /** call_ref, return_call_ref: a type index (index). */
  Type,
  /** call_indirect, return_call_indirect: a type index (index) and a table index (mem). */
  CallIndirect,
  /** throw, legacy catch: a tag index (tag). */
  Tag,
  /** try_table: a block type and catch clauses. */
  TryTable,
  /** Loads and stores: alignment, memory index, offset (align, mem, memOffset). */
  MemArg,
  /** memory.size, memory.grow, memory.fill: a memory index (mem). */
  Memory,
  /** table.get/set/size/grow/fill: a table index (mem). */
  Table,
  I32,
  I64,
  F32,
  F64,
  /** select with types (selectTypes). */
  SelectTypes,
  /** ref.null: a heap type (refType). */
  HeapType,
  /** memory.init: data index, memory index (segment, mem). */
  MemoryInit,
  /** data.drop: a data index (segment). */
  Data,
  /** memory.copy: destination and source memories (mem, mem2). */
  MemoryCopy,
  /** table.init: elem index, table index (segment, mem). */
  TableInit,
  /** elem.drop: an elem index (segment). */
  Elem,
  /** table.copy: destination and source tables (mem, mem2). */
  TableCopy,
  /** Pseudo-instructions of split functions (never validated): Instr.outline. */
  Outline,
  /** Pseudo-instructions of inlined copies (validated): a table (mem) and a type index (index). */
  Inline,
}

export interface Sig {
  readonly params: readonly ValType[];
  readonly results: readonly ValType[];
}

/** A load or store: the value type, the bytes it accesses, the direction. */
export interface Access {
  readonly type: ValType;
  readonly bytes: number;
  /** log2(bytes): the largest alignment exponent allowed. */
  readonly naturalAlign: number;
  readonly store: boolean;
}

export interface OpInfo {
  readonly op: Op;
  /** The spec's text name. */
  readonly name: string;
  readonly imm: Imm;
  /** The operand signature when it is fixed (numeric instructions; loads and stores with their address). */
  readonly sig?: Sig;
  readonly access?: Access;
  /** Opens a frame closed by `end` (or, for try, by delegate). */
  readonly opens?: boolean;
  /** Separates the parts of a frame (else, catch, catch_all). */
  readonly separates?: boolean;
  /** Closes a frame (end, delegate). */
  readonly closes?: boolean;
}

const TYPES: Record<string, ValType> = {
  i32: ValType.I32, i64: ValType.I64, f32: ValType.F32, f64: ValType.F64, v128: ValType.V128,
};

// One shared object per distinct signature.
const sigCache = new Map<string, Sig>();
function parseSig(text: string): Sig {
  let s = sigCache.get(text);
  if (!s) {
    const [p, r] = text.split('->');
    const list = (x: string) => x.trim().split(/\s+/).filter(Boolean).map((t) => TYPES[t]);
    s = { params: list(p), results: list(r) };
    sigCache.set(text, s);
  }
  return s;
}

type Row = [op: Op, name: string, imm: Imm, sig?: string];

const ROWS: Row[] = [
  // Control.
  [Op.Unreachable, 'unreachable', Imm.None],
  [Op.Nop, 'nop', Imm.None],
  [Op.Block, 'block', Imm.Block],
  [Op.Loop, 'loop', Imm.Block],
  [Op.If, 'if', Imm.Block],
  [Op.Else, 'else', Imm.None],
  [Op.Try, 'try', Imm.Block],
  [Op.Catch, 'catch', Imm.Tag],
  [Op.Throw, 'throw', Imm.Tag],
  [Op.Rethrow, 'rethrow', Imm.Label],
  [Op.ThrowRef, 'throw_ref', Imm.None],
  [Op.End, 'end', Imm.None],
  [Op.Br, 'br', Imm.Label],
  [Op.BrIf, 'br_if', Imm.Label],
  [Op.BrTable, 'br_table', Imm.BrTable],
  [Op.Return, 'return', Imm.None],
  [Op.Call, 'call', Imm.Func],
  [Op.CallIndirect, 'call_indirect', Imm.CallIndirect],
  [Op.ReturnCall, 'return_call', Imm.Func],
  [Op.ReturnCallIndirect, 'return_call_indirect', Imm.CallIndirect],
  [Op.CallRef, 'call_ref', Imm.Type],
  [Op.ReturnCallRef, 'return_call_ref', Imm.Type],
  [Op.Delegate, 'delegate', Imm.Label],
  [Op.CatchAll, 'catch_all', Imm.None],
  [Op.TryTable, 'try_table', Imm.TryTable],
  // Parametric.
  [Op.Drop, 'drop', Imm.None],
  [Op.Select, 'select', Imm.None],
  [Op.TypedSelect, 'select', Imm.SelectTypes],
  // Variables.
  [Op.LocalGet, 'local.get', Imm.Local],
  [Op.LocalSet, 'local.set', Imm.Local],
  [Op.LocalTee, 'local.tee', Imm.Local],
  [Op.GlobalGet, 'global.get', Imm.Global],
  [Op.GlobalSet, 'global.set', Imm.Global],
  // Tables.
  [Op.TableGet, 'table.get', Imm.Table],
  [Op.TableSet, 'table.set', Imm.Table],
  [Op.TableInit, 'table.init', Imm.TableInit],
  [Op.ElemDrop, 'elem.drop', Imm.Elem],
  [Op.TableCopy, 'table.copy', Imm.TableCopy],
  [Op.TableGrow, 'table.grow', Imm.Table],
  [Op.TableSize, 'table.size', Imm.Table],
  [Op.TableFill, 'table.fill', Imm.Table],
  // Memory.
  [Op.I32Load, 'i32.load', Imm.MemArg, 'i32 -> i32'],
  [Op.I64Load, 'i64.load', Imm.MemArg, 'i32 -> i64'],
  [Op.F32Load, 'f32.load', Imm.MemArg, 'i32 -> f32'],
  [Op.F64Load, 'f64.load', Imm.MemArg, 'i32 -> f64'],
  [Op.I32Load8S, 'i32.load8_s', Imm.MemArg, 'i32 -> i32'],
  [Op.I32Load8U, 'i32.load8_u', Imm.MemArg, 'i32 -> i32'],
  [Op.I32Load16S, 'i32.load16_s', Imm.MemArg, 'i32 -> i32'],
  [Op.I32Load16U, 'i32.load16_u', Imm.MemArg, 'i32 -> i32'],
  [Op.I64Load8S, 'i64.load8_s', Imm.MemArg, 'i32 -> i64'],
  [Op.I64Load8U, 'i64.load8_u', Imm.MemArg, 'i32 -> i64'],
  [Op.I64Load16S, 'i64.load16_s', Imm.MemArg, 'i32 -> i64'],
  [Op.I64Load16U, 'i64.load16_u', Imm.MemArg, 'i32 -> i64'],
  [Op.I64Load32S, 'i64.load32_s', Imm.MemArg, 'i32 -> i64'],
  [Op.I64Load32U, 'i64.load32_u', Imm.MemArg, 'i32 -> i64'],
  [Op.I32Store, 'i32.store', Imm.MemArg, 'i32 i32 ->'],
  [Op.I64Store, 'i64.store', Imm.MemArg, 'i32 i64 ->'],
  [Op.F32Store, 'f32.store', Imm.MemArg, 'i32 f32 ->'],
  [Op.F64Store, 'f64.store', Imm.MemArg, 'i32 f64 ->'],
  [Op.I32Store8, 'i32.store8', Imm.MemArg, 'i32 i32 ->'],
  [Op.I32Store16, 'i32.store16', Imm.MemArg, 'i32 i32 ->'],
  [Op.I64Store8, 'i64.store8', Imm.MemArg, 'i32 i64 ->'],
  [Op.I64Store16, 'i64.store16', Imm.MemArg, 'i32 i64 ->'],
  [Op.I64Store32, 'i64.store32', Imm.MemArg, 'i32 i64 ->'],
  [Op.MemorySize, 'memory.size', Imm.Memory],
  [Op.MemoryGrow, 'memory.grow', Imm.Memory],
  [Op.MemoryInit, 'memory.init', Imm.MemoryInit],
  [Op.DataDrop, 'data.drop', Imm.Data],
  [Op.MemoryCopy, 'memory.copy', Imm.MemoryCopy],
  [Op.MemoryFill, 'memory.fill', Imm.Memory],
  // Constants.
  [Op.I32Const, 'i32.const', Imm.I32, '-> i32'],
  [Op.I64Const, 'i64.const', Imm.I64, '-> i64'],
  [Op.F32Const, 'f32.const', Imm.F32, '-> f32'],
  [Op.F64Const, 'f64.const', Imm.F64, '-> f64'],
  // References.
  [Op.RefNull, 'ref.null', Imm.HeapType],
  [Op.RefIsNull, 'ref.is_null', Imm.None],
  [Op.RefFunc, 'ref.func', Imm.Func],
  [Op.RefAsNonNull, 'ref.as_non_null', Imm.None],
  [Op.BrOnNull, 'br_on_null', Imm.Label],
  [Op.BrOnNonNull, 'br_on_non_null', Imm.Label],
];

/** Rows of the numeric instructions of one type, by name suffix and signature. */
function numeric(t: string, first: Op, names: string, sig: string): void {
  names.trim().split(/\s+/).forEach((n, i) => ROWS.push([(first + i) as Op, `${t}.${n}`, Imm.None, sig]));
}
numeric('i32', Op.I32Eqz, 'eqz', 'i32 -> i32');
numeric('i32', Op.I32Eq, 'eq ne lt_s lt_u gt_s gt_u le_s le_u ge_s ge_u', 'i32 i32 -> i32');
numeric('i64', Op.I64Eqz, 'eqz', 'i64 -> i32');
numeric('i64', Op.I64Eq, 'eq ne lt_s lt_u gt_s gt_u le_s le_u ge_s ge_u', 'i64 i64 -> i32');
numeric('f32', Op.F32Eq, 'eq ne lt gt le ge', 'f32 f32 -> i32');
numeric('f64', Op.F64Eq, 'eq ne lt gt le ge', 'f64 f64 -> i32');
numeric('i32', Op.I32Clz, 'clz ctz popcnt', 'i32 -> i32');
numeric('i32', Op.I32Add, 'add sub mul div_s div_u rem_s rem_u and or xor shl shr_s shr_u rotl rotr', 'i32 i32 -> i32');
numeric('i64', Op.I64Clz, 'clz ctz popcnt', 'i64 -> i64');
numeric('i64', Op.I64Add, 'add sub mul div_s div_u rem_s rem_u and or xor shl shr_s shr_u rotl rotr', 'i64 i64 -> i64');
numeric('f32', Op.F32Abs, 'abs neg ceil floor trunc nearest sqrt', 'f32 -> f32');
numeric('f32', Op.F32Add, 'add sub mul div min max copysign', 'f32 f32 -> f32');
numeric('f64', Op.F64Abs, 'abs neg ceil floor trunc nearest sqrt', 'f64 -> f64');
numeric('f64', Op.F64Add, 'add sub mul div min max copysign', 'f64 f64 -> f64');

/** Conversions: `result.name_operand` rows, each with its one-operand signature. */
const CONVERSIONS: [Op, string][] = [
  [Op.I32WrapI64, 'i32.wrap_i64'],
  [Op.I32TruncF32S, 'i32.trunc_f32_s'], [Op.I32TruncF32U, 'i32.trunc_f32_u'],
  [Op.I32TruncF64S, 'i32.trunc_f64_s'], [Op.I32TruncF64U, 'i32.trunc_f64_u'],
  [Op.I64ExtendI32S, 'i64.extend_i32_s'], [Op.I64ExtendI32U, 'i64.extend_i32_u'],
  [Op.I64TruncF32S, 'i64.trunc_f32_s'], [Op.I64TruncF32U, 'i64.trunc_f32_u'],
  [Op.I64TruncF64S, 'i64.trunc_f64_s'], [Op.I64TruncF64U, 'i64.trunc_f64_u'],
  [Op.F32ConvertI32S, 'f32.convert_i32_s'], [Op.F32ConvertI32U, 'f32.convert_i32_u'],
  [Op.F32ConvertI64S, 'f32.convert_i64_s'], [Op.F32ConvertI64U, 'f32.convert_i64_u'],
  [Op.F32DemoteF64, 'f32.demote_f64'],
  [Op.F64ConvertI32S, 'f64.convert_i32_s'], [Op.F64ConvertI32U, 'f64.convert_i32_u'],
  [Op.F64ConvertI64S, 'f64.convert_i64_s'], [Op.F64ConvertI64U, 'f64.convert_i64_u'],
  [Op.F64PromoteF32, 'f64.promote_f32'],
  [Op.I32ReinterpretF32, 'i32.reinterpret_f32'], [Op.I64ReinterpretF64, 'i64.reinterpret_f64'],
  [Op.F32ReinterpretI32, 'f32.reinterpret_i32'], [Op.F64ReinterpretI64, 'f64.reinterpret_i64'],
  [Op.I32TruncSatF32S, 'i32.trunc_sat_f32_s'], [Op.I32TruncSatF32U, 'i32.trunc_sat_f32_u'],
  [Op.I32TruncSatF64S, 'i32.trunc_sat_f64_s'], [Op.I32TruncSatF64U, 'i32.trunc_sat_f64_u'],
  [Op.I64TruncSatF32S, 'i64.trunc_sat_f32_s'], [Op.I64TruncSatF32U, 'i64.trunc_sat_f32_u'],
  [Op.I64TruncSatF64S, 'i64.trunc_sat_f64_s'], [Op.I64TruncSatF64U, 'i64.trunc_sat_f64_u'],
];
for (const [op, name] of CONVERSIONS) {
  const [to, rest] = name.split('.');
  ROWS.push([op, name, Imm.None, `${/_([if](32|64))/.exec(rest)![1]} -> ${to}`]);
}
// Sign extension: the operand type is the result type.
for (const [op, name] of [
  [Op.I32Extend8S, 'i32.extend8_s'], [Op.I32Extend16S, 'i32.extend16_s'],
  [Op.I64Extend8S, 'i64.extend8_s'], [Op.I64Extend16S, 'i64.extend16_s'], [Op.I64Extend32S, 'i64.extend32_s'],
] as [Op, string][]) {
  const t = name.slice(0, 3);
  ROWS.push([op, name, Imm.None, `${t} -> ${t}`]);
}
// The splitter's pseudo-instructions.
ROWS.push(
  [Op.OutlineCall, 'wasm2es.outline_call', Imm.Outline],
  [Op.OutlineExit, 'wasm2es.outline_exit', Imm.Outline],
  [Op.ReturnStore, 'wasm2es.return_store', Imm.Outline],
  [Op.ReturnLoad, 'wasm2es.return_load', Imm.Outline],
  [Op.CalleeGuard, 'wasm2es.callee_guard', Imm.Inline],
  [Op.CallGuarded, 'wasm2es.call_guarded', Imm.Inline],
);

const OPENERS = new Set<Op>([Op.Block, Op.Loop, Op.If, Op.Try, Op.TryTable]);
const SEPARATORS = new Set<Op>([Op.Else, Op.Catch, Op.CatchAll]);
const CLOSERS = new Set<Op>([Op.End, Op.Delegate]);

function info([op, name, imm, sig]: Row): OpInfo {
  const s = sig === undefined ? undefined : parseSig(sig);
  let access: Access | undefined;
  if (imm === Imm.MemArg && s) {
    const store = s.results.length === 0;
    const type = store ? s.params[1] : s.results[0];
    const width = /(\d+)(?:_[su])?$/.exec(name.split('.')[1]);
    const bytes = width ? Number(width[1]) / 8 : type === ValType.I64 || type === ValType.F64 ? 8 : 4;
    access = { type, bytes, naturalAlign: Math.log2(bytes), store };
  }
  return {
    op, name, imm, sig: s, access,
    opens: OPENERS.has(op) || undefined,
    separates: SEPARATORS.has(op) || undefined,
    closes: CLOSERS.has(op) || undefined,
  };
}

/** Every row, in table order. */
export const OPCODES: readonly OpInfo[] = ROWS.map(info);

/** Row by Op (dense; undefined for values that are no opcode). */
export const OP_INFO: readonly (OpInfo | undefined)[] = (() => {
  const t: (OpInfo | undefined)[] = new Array(OP_LIMIT).fill(undefined);
  for (const r of OPCODES) {
    if (t[r.op]) throw new Error(`opcode table: 0x${r.op.toString(16)} twice`);
    t[r.op] = r;
  }
  return t;
})();

/** The spec's text name of an opcode, for messages. */
export function opName(op: number): string {
  return OP_INFO[op]?.name ?? `opcode 0x${op.toString(16)}`;
}

/** The binary encoding of an Op: the opcode byte, or [prefix, sub-opcode]. */
export function opEncoding(op: Op): number[] {
  for (const p of Object.keys(PREFIX_BASE)) {
    const base = PREFIX_BASE[Number(p)];
    if (op >= base && op < base + 0x1000) return [Number(p), op - base];
  }
  return [op];
}

/** Whether an opcode opens a frame closed by `end` or `delegate` (block, loop, if, try, try_table). */
export function isOpener(op: number): boolean {
  return op === Op.Block || op === Op.Loop || op === Op.If || op === Op.Try || op === Op.TryTable;
}

/** Whether an opcode separates parts of a frame (else, catch, catch_all). */
export function isSeparator(op: number): boolean {
  return op === Op.Else || op === Op.Catch || op === Op.CatchAll;
}

/** Whether an opcode closes a frame (end, delegate). */
export function isCloser(op: number): boolean {
  return op === Op.End || op === Op.Delegate;
}
