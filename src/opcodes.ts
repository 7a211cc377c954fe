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
import { SIMD_ROWS } from './opcodes-simd.js';

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

  // 0xfe prefix (threads): PREFIX_BASE[0xfe] + sub-opcode.
  MemoryAtomicNotify = 0x3000,
  MemoryAtomicWait32 = 0x3001,
  MemoryAtomicWait64 = 0x3002,
  AtomicFence = 0x3003,
  I32AtomicLoad = 0x3010,
  I64AtomicLoad = 0x3011,
  I32AtomicLoad8U = 0x3012,
  I32AtomicLoad16U = 0x3013,
  I64AtomicLoad8U = 0x3014,
  I64AtomicLoad16U = 0x3015,
  I64AtomicLoad32U = 0x3016,
  I32AtomicStore = 0x3017,
  I64AtomicStore = 0x3018,
  I32AtomicStore8 = 0x3019,
  I32AtomicStore16 = 0x301a,
  I64AtomicStore8 = 0x301b,
  I64AtomicStore16 = 0x301c,
  I64AtomicStore32 = 0x301d,
  I32AtomicRmwAdd = 0x301e,
  I64AtomicRmwAdd = 0x301f,
  I32AtomicRmw8AddU = 0x3020,
  I32AtomicRmw16AddU = 0x3021,
  I64AtomicRmw8AddU = 0x3022,
  I64AtomicRmw16AddU = 0x3023,
  I64AtomicRmw32AddU = 0x3024,
  I32AtomicRmwSub = 0x3025,
  I64AtomicRmwSub = 0x3026,
  I32AtomicRmw8SubU = 0x3027,
  I32AtomicRmw16SubU = 0x3028,
  I64AtomicRmw8SubU = 0x3029,
  I64AtomicRmw16SubU = 0x302a,
  I64AtomicRmw32SubU = 0x302b,
  I32AtomicRmwAnd = 0x302c,
  I64AtomicRmwAnd = 0x302d,
  I32AtomicRmw8AndU = 0x302e,
  I32AtomicRmw16AndU = 0x302f,
  I64AtomicRmw8AndU = 0x3030,
  I64AtomicRmw16AndU = 0x3031,
  I64AtomicRmw32AndU = 0x3032,
  I32AtomicRmwOr = 0x3033,
  I64AtomicRmwOr = 0x3034,
  I32AtomicRmw8OrU = 0x3035,
  I32AtomicRmw16OrU = 0x3036,
  I64AtomicRmw8OrU = 0x3037,
  I64AtomicRmw16OrU = 0x3038,
  I64AtomicRmw32OrU = 0x3039,
  I32AtomicRmwXor = 0x303a,
  I64AtomicRmwXor = 0x303b,
  I32AtomicRmw8XorU = 0x303c,
  I32AtomicRmw16XorU = 0x303d,
  I64AtomicRmw8XorU = 0x303e,
  I64AtomicRmw16XorU = 0x303f,
  I64AtomicRmw32XorU = 0x3040,
  I32AtomicRmwXchg = 0x3041,
  I64AtomicRmwXchg = 0x3042,
  I32AtomicRmw8XchgU = 0x3043,
  I32AtomicRmw16XchgU = 0x3044,
  I64AtomicRmw8XchgU = 0x3045,
  I64AtomicRmw16XchgU = 0x3046,
  I64AtomicRmw32XchgU = 0x3047,
  I32AtomicRmwCmpxchg = 0x3048,
  I64AtomicRmwCmpxchg = 0x3049,
  I32AtomicRmw8CmpxchgU = 0x304a,
  I32AtomicRmw16CmpxchgU = 0x304b,
  I64AtomicRmw8CmpxchgU = 0x304c,
  I64AtomicRmw16CmpxchgU = 0x304d,
  I64AtomicRmw32CmpxchgU = 0x304e,
  // 0xfd prefix: fixed-width SIMD and relaxed SIMD (rows in opcodes-simd.ts).
  V128Load = 0x2000, V128Load8x8S = 0x2001, V128Load8x8U = 0x2002, V128Load16x4S = 0x2003, V128Load16x4U = 0x2004,
  V128Load32x2S = 0x2005, V128Load32x2U = 0x2006, V128Load8Splat = 0x2007, V128Load16Splat = 0x2008,
  V128Load32Splat = 0x2009, V128Load64Splat = 0x200a, V128Store = 0x200b, V128Const = 0x200c, I8x16Shuffle = 0x200d,
  I8x16Swizzle = 0x200e, I8x16Splat = 0x200f, I16x8Splat = 0x2010, I32x4Splat = 0x2011, I64x2Splat = 0x2012,
  F32x4Splat = 0x2013, F64x2Splat = 0x2014, I8x16ExtractLaneS = 0x2015, I8x16ExtractLaneU = 0x2016,
  I8x16ReplaceLane = 0x2017, I16x8ExtractLaneS = 0x2018, I16x8ExtractLaneU = 0x2019, I16x8ReplaceLane = 0x201a,
  I32x4ExtractLane = 0x201b, I32x4ReplaceLane = 0x201c, I64x2ExtractLane = 0x201d, I64x2ReplaceLane = 0x201e,
  F32x4ExtractLane = 0x201f, F32x4ReplaceLane = 0x2020, F64x2ExtractLane = 0x2021, F64x2ReplaceLane = 0x2022,
  I8x16Eq = 0x2023, I8x16Ne = 0x2024, I8x16LtS = 0x2025, I8x16LtU = 0x2026, I8x16GtS = 0x2027, I8x16GtU = 0x2028,
  I8x16LeS = 0x2029, I8x16LeU = 0x202a, I8x16GeS = 0x202b, I8x16GeU = 0x202c, I16x8Eq = 0x202d, I16x8Ne = 0x202e,
  I16x8LtS = 0x202f, I16x8LtU = 0x2030, I16x8GtS = 0x2031, I16x8GtU = 0x2032, I16x8LeS = 0x2033, I16x8LeU = 0x2034,
  I16x8GeS = 0x2035, I16x8GeU = 0x2036, I32x4Eq = 0x2037, I32x4Ne = 0x2038, I32x4LtS = 0x2039, I32x4LtU = 0x203a,
  I32x4GtS = 0x203b, I32x4GtU = 0x203c, I32x4LeS = 0x203d, I32x4LeU = 0x203e, I32x4GeS = 0x203f, I32x4GeU = 0x2040,
  F32x4Eq = 0x2041, F32x4Ne = 0x2042, F32x4Lt = 0x2043, F32x4Gt = 0x2044, F32x4Le = 0x2045, F32x4Ge = 0x2046,
  F64x2Eq = 0x2047, F64x2Ne = 0x2048, F64x2Lt = 0x2049, F64x2Gt = 0x204a, F64x2Le = 0x204b, F64x2Ge = 0x204c,
  V128Not = 0x204d, V128And = 0x204e, V128Andnot = 0x204f, V128Or = 0x2050, V128Xor = 0x2051, V128Bitselect = 0x2052,
  V128AnyTrue = 0x2053, V128Load8Lane = 0x2054, V128Load16Lane = 0x2055, V128Load32Lane = 0x2056,
  V128Load64Lane = 0x2057, V128Store8Lane = 0x2058, V128Store16Lane = 0x2059, V128Store32Lane = 0x205a,
  V128Store64Lane = 0x205b, V128Load32Zero = 0x205c, V128Load64Zero = 0x205d, F32x4DemoteF64x2Zero = 0x205e,
  F64x2PromoteLowF32x4 = 0x205f, I8x16Abs = 0x2060, I8x16Neg = 0x2061, I8x16Popcnt = 0x2062, I8x16AllTrue = 0x2063,
  I8x16Bitmask = 0x2064, I8x16NarrowI16x8S = 0x2065, I8x16NarrowI16x8U = 0x2066, F32x4Ceil = 0x2067,
  F32x4Floor = 0x2068, F32x4Trunc = 0x2069, F32x4Nearest = 0x206a, I8x16Shl = 0x206b, I8x16ShrS = 0x206c,
  I8x16ShrU = 0x206d, I8x16Add = 0x206e, I8x16AddSatS = 0x206f, I8x16AddSatU = 0x2070, I8x16Sub = 0x2071,
  I8x16SubSatS = 0x2072, I8x16SubSatU = 0x2073, F64x2Ceil = 0x2074, F64x2Floor = 0x2075, I8x16MinS = 0x2076,
  I8x16MinU = 0x2077, I8x16MaxS = 0x2078, I8x16MaxU = 0x2079, F64x2Trunc = 0x207a, I8x16AvgrU = 0x207b,
  I16x8ExtaddPairwiseI8x16S = 0x207c, I16x8ExtaddPairwiseI8x16U = 0x207d, I32x4ExtaddPairwiseI16x8S = 0x207e,
  I32x4ExtaddPairwiseI16x8U = 0x207f, I16x8Abs = 0x2080, I16x8Neg = 0x2081, I16x8Q15mulrSatS = 0x2082,
  I16x8AllTrue = 0x2083, I16x8Bitmask = 0x2084, I16x8NarrowI32x4S = 0x2085, I16x8NarrowI32x4U = 0x2086,
  I16x8ExtendLowI8x16S = 0x2087, I16x8ExtendHighI8x16S = 0x2088, I16x8ExtendLowI8x16U = 0x2089,
  I16x8ExtendHighI8x16U = 0x208a, I16x8Shl = 0x208b, I16x8ShrS = 0x208c, I16x8ShrU = 0x208d, I16x8Add = 0x208e,
  I16x8AddSatS = 0x208f, I16x8AddSatU = 0x2090, I16x8Sub = 0x2091, I16x8SubSatS = 0x2092, I16x8SubSatU = 0x2093,
  F64x2Nearest = 0x2094, I16x8Mul = 0x2095, I16x8MinS = 0x2096, I16x8MinU = 0x2097, I16x8MaxS = 0x2098,
  I16x8MaxU = 0x2099, I16x8AvgrU = 0x209b, I16x8ExtmulLowI8x16S = 0x209c, I16x8ExtmulHighI8x16S = 0x209d,
  I16x8ExtmulLowI8x16U = 0x209e, I16x8ExtmulHighI8x16U = 0x209f, I32x4Abs = 0x20a0, I32x4Neg = 0x20a1,
  I32x4AllTrue = 0x20a3, I32x4Bitmask = 0x20a4, I32x4ExtendLowI16x8S = 0x20a7, I32x4ExtendHighI16x8S = 0x20a8,
  I32x4ExtendLowI16x8U = 0x20a9, I32x4ExtendHighI16x8U = 0x20aa, I32x4Shl = 0x20ab, I32x4ShrS = 0x20ac,
  I32x4ShrU = 0x20ad, I32x4Add = 0x20ae, I32x4Sub = 0x20b1, I32x4Mul = 0x20b5, I32x4MinS = 0x20b6,
  I32x4MinU = 0x20b7, I32x4MaxS = 0x20b8, I32x4MaxU = 0x20b9, I32x4DotI16x8S = 0x20ba, I32x4ExtmulLowI16x8S = 0x20bc,
  I32x4ExtmulHighI16x8S = 0x20bd, I32x4ExtmulLowI16x8U = 0x20be, I32x4ExtmulHighI16x8U = 0x20bf, I64x2Abs = 0x20c0,
  I64x2Neg = 0x20c1, I64x2AllTrue = 0x20c3, I64x2Bitmask = 0x20c4, I64x2ExtendLowI32x4S = 0x20c7,
  I64x2ExtendHighI32x4S = 0x20c8, I64x2ExtendLowI32x4U = 0x20c9, I64x2ExtendHighI32x4U = 0x20ca, I64x2Shl = 0x20cb,
  I64x2ShrS = 0x20cc, I64x2ShrU = 0x20cd, I64x2Add = 0x20ce, I64x2Sub = 0x20d1, I64x2Mul = 0x20d5, I64x2Eq = 0x20d6,
  I64x2Ne = 0x20d7, I64x2LtS = 0x20d8, I64x2GtS = 0x20d9, I64x2LeS = 0x20da, I64x2GeS = 0x20db,
  I64x2ExtmulLowI32x4S = 0x20dc, I64x2ExtmulHighI32x4S = 0x20dd, I64x2ExtmulLowI32x4U = 0x20de,
  I64x2ExtmulHighI32x4U = 0x20df, F32x4Abs = 0x20e0, F32x4Neg = 0x20e1, F32x4Sqrt = 0x20e3, F32x4Add = 0x20e4,
  F32x4Sub = 0x20e5, F32x4Mul = 0x20e6, F32x4Div = 0x20e7, F32x4Min = 0x20e8, F32x4Max = 0x20e9, F32x4Pmin = 0x20ea,
  F32x4Pmax = 0x20eb, F64x2Abs = 0x20ec, F64x2Neg = 0x20ed, F64x2Sqrt = 0x20ef, F64x2Add = 0x20f0, F64x2Sub = 0x20f1,
  F64x2Mul = 0x20f2, F64x2Div = 0x20f3, F64x2Min = 0x20f4, F64x2Max = 0x20f5, F64x2Pmin = 0x20f6, F64x2Pmax = 0x20f7,
  I32x4TruncSatF32x4S = 0x20f8, I32x4TruncSatF32x4U = 0x20f9, F32x4ConvertI32x4S = 0x20fa,
  F32x4ConvertI32x4U = 0x20fb, I32x4TruncSatF64x2SZero = 0x20fc, I32x4TruncSatF64x2UZero = 0x20fd,
  F64x2ConvertLowI32x4S = 0x20fe, F64x2ConvertLowI32x4U = 0x20ff, I8x16RelaxedSwizzle = 0x2100,
  I32x4RelaxedTruncF32x4S = 0x2101, I32x4RelaxedTruncF32x4U = 0x2102, I32x4RelaxedTruncF64x2SZero = 0x2103,
  I32x4RelaxedTruncF64x2UZero = 0x2104, F32x4RelaxedMadd = 0x2105, F32x4RelaxedNmadd = 0x2106,
  F64x2RelaxedMadd = 0x2107, F64x2RelaxedNmadd = 0x2108, I8x16RelaxedLaneselect = 0x2109,
  I16x8RelaxedLaneselect = 0x210a, I32x4RelaxedLaneselect = 0x210b, I64x2RelaxedLaneselect = 0x210c,
  F32x4RelaxedMin = 0x210d, F32x4RelaxedMax = 0x210e, F64x2RelaxedMin = 0x210f, F64x2RelaxedMax = 0x2110,
  I16x8RelaxedQ15mulrS = 0x2111, I16x8RelaxedDotI8x16I7x16S = 0x2112, I32x4RelaxedDotI8x16I7x16AddS = 0x2113,

  // Pseudo-instructions of split functions (passes/split.ts); never decoded.
  OutlineCall = 0x4000,
  OutlineExit = 0x4001,
  ReturnStore = 0x4002,
  ReturnLoad = 0x4003,
  // Pseudo-instructions of inlined copies (passes/inline.ts); never decoded.
  CalleeGuard = 0x4010,
  CallGuarded = 0x4011,
  // Pseudo-instructions of the SIMD lowering (passes/simd.ts); never decoded.
  V128Convert = 0x4020,
  V128Select = 0x4021,
  V128GlobalGet = 0x4022,
  V128GlobalSet = 0x4023,
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
export const UNSUPPORTED_BYTES: Readonly<Record<number, string>> = { 0xd3: 'gc', 0xfb: 'gc' };

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
  /** Pseudo-instructions, never decoded: Instr.outline (split functions), Instr.simd (the SIMD lowering). */
  Outline,
  /** Pseudo-instructions of inlined copies (validated): a table (mem) and a type index (index). */
  Inline,
  /** atomic.fence: one reserved zero byte. */
  AtomicFence,
  /** v128.const: 16 bytes (Instr.bytes). */
  V128Const,
  /** i8x16.shuffle: 16 lane indices (Instr.bytes). */
  Shuffle,
  /** extract_lane / replace_lane: a lane index (lane). */
  Lane,
  /** v128.load*_lane / v128.store*_lane: a memarg, then a lane index (align, mem, memOffset, lane). */
  MemArgLane,
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
  /**
   * An atomic instruction with a memarg (threads): its access width. Not an
   * `access`: those are the plain loads and stores, whose alignment is a hint.
   */
  readonly atomic?: { readonly bytes: number; readonly naturalAlign: number };
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

/** `bytes`: the access width of a load or store whose name does not say it (SIMD). */
type Row = [op: Op, name: string, imm: Imm, sig?: string, bytes?: number];

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

// Threads: atomic memory instructions (0xfe prefix), typed with their address.
ROWS.push(
  [Op.MemoryAtomicNotify, 'memory.atomic.notify', Imm.MemArg, 'i32 i32 -> i32'],
  [Op.MemoryAtomicWait32, 'memory.atomic.wait32', Imm.MemArg, 'i32 i32 i64 -> i32'],
  [Op.MemoryAtomicWait64, 'memory.atomic.wait64', Imm.MemArg, 'i32 i64 i64 -> i32'],
  [Op.AtomicFence, 'atomic.fence', Imm.AtomicFence],
  [Op.I32AtomicLoad, 'i32.atomic.load', Imm.MemArg, 'i32 -> i32'],
  [Op.I64AtomicLoad, 'i64.atomic.load', Imm.MemArg, 'i32 -> i64'],
  [Op.I32AtomicLoad8U, 'i32.atomic.load8_u', Imm.MemArg, 'i32 -> i32'],
  [Op.I32AtomicLoad16U, 'i32.atomic.load16_u', Imm.MemArg, 'i32 -> i32'],
  [Op.I64AtomicLoad8U, 'i64.atomic.load8_u', Imm.MemArg, 'i32 -> i64'],
  [Op.I64AtomicLoad16U, 'i64.atomic.load16_u', Imm.MemArg, 'i32 -> i64'],
  [Op.I64AtomicLoad32U, 'i64.atomic.load32_u', Imm.MemArg, 'i32 -> i64'],
  [Op.I32AtomicStore, 'i32.atomic.store', Imm.MemArg, 'i32 i32 ->'],
  [Op.I64AtomicStore, 'i64.atomic.store', Imm.MemArg, 'i32 i64 ->'],
  [Op.I32AtomicStore8, 'i32.atomic.store8', Imm.MemArg, 'i32 i32 ->'],
  [Op.I32AtomicStore16, 'i32.atomic.store16', Imm.MemArg, 'i32 i32 ->'],
  [Op.I64AtomicStore8, 'i64.atomic.store8', Imm.MemArg, 'i32 i64 ->'],
  [Op.I64AtomicStore16, 'i64.atomic.store16', Imm.MemArg, 'i32 i64 ->'],
  [Op.I64AtomicStore32, 'i64.atomic.store32', Imm.MemArg, 'i32 i64 ->'],
  [Op.I32AtomicRmwAdd, 'i32.atomic.rmw.add', Imm.MemArg, 'i32 i32 -> i32'],
  [Op.I64AtomicRmwAdd, 'i64.atomic.rmw.add', Imm.MemArg, 'i32 i64 -> i64'],
  [Op.I32AtomicRmw8AddU, 'i32.atomic.rmw8.add_u', Imm.MemArg, 'i32 i32 -> i32'],
  [Op.I32AtomicRmw16AddU, 'i32.atomic.rmw16.add_u', Imm.MemArg, 'i32 i32 -> i32'],
  [Op.I64AtomicRmw8AddU, 'i64.atomic.rmw8.add_u', Imm.MemArg, 'i32 i64 -> i64'],
  [Op.I64AtomicRmw16AddU, 'i64.atomic.rmw16.add_u', Imm.MemArg, 'i32 i64 -> i64'],
  [Op.I64AtomicRmw32AddU, 'i64.atomic.rmw32.add_u', Imm.MemArg, 'i32 i64 -> i64'],
  [Op.I32AtomicRmwSub, 'i32.atomic.rmw.sub', Imm.MemArg, 'i32 i32 -> i32'],
  [Op.I64AtomicRmwSub, 'i64.atomic.rmw.sub', Imm.MemArg, 'i32 i64 -> i64'],
  [Op.I32AtomicRmw8SubU, 'i32.atomic.rmw8.sub_u', Imm.MemArg, 'i32 i32 -> i32'],
  [Op.I32AtomicRmw16SubU, 'i32.atomic.rmw16.sub_u', Imm.MemArg, 'i32 i32 -> i32'],
  [Op.I64AtomicRmw8SubU, 'i64.atomic.rmw8.sub_u', Imm.MemArg, 'i32 i64 -> i64'],
  [Op.I64AtomicRmw16SubU, 'i64.atomic.rmw16.sub_u', Imm.MemArg, 'i32 i64 -> i64'],
  [Op.I64AtomicRmw32SubU, 'i64.atomic.rmw32.sub_u', Imm.MemArg, 'i32 i64 -> i64'],
  [Op.I32AtomicRmwAnd, 'i32.atomic.rmw.and', Imm.MemArg, 'i32 i32 -> i32'],
  [Op.I64AtomicRmwAnd, 'i64.atomic.rmw.and', Imm.MemArg, 'i32 i64 -> i64'],
  [Op.I32AtomicRmw8AndU, 'i32.atomic.rmw8.and_u', Imm.MemArg, 'i32 i32 -> i32'],
  [Op.I32AtomicRmw16AndU, 'i32.atomic.rmw16.and_u', Imm.MemArg, 'i32 i32 -> i32'],
  [Op.I64AtomicRmw8AndU, 'i64.atomic.rmw8.and_u', Imm.MemArg, 'i32 i64 -> i64'],
  [Op.I64AtomicRmw16AndU, 'i64.atomic.rmw16.and_u', Imm.MemArg, 'i32 i64 -> i64'],
  [Op.I64AtomicRmw32AndU, 'i64.atomic.rmw32.and_u', Imm.MemArg, 'i32 i64 -> i64'],
  [Op.I32AtomicRmwOr, 'i32.atomic.rmw.or', Imm.MemArg, 'i32 i32 -> i32'],
  [Op.I64AtomicRmwOr, 'i64.atomic.rmw.or', Imm.MemArg, 'i32 i64 -> i64'],
  [Op.I32AtomicRmw8OrU, 'i32.atomic.rmw8.or_u', Imm.MemArg, 'i32 i32 -> i32'],
  [Op.I32AtomicRmw16OrU, 'i32.atomic.rmw16.or_u', Imm.MemArg, 'i32 i32 -> i32'],
  [Op.I64AtomicRmw8OrU, 'i64.atomic.rmw8.or_u', Imm.MemArg, 'i32 i64 -> i64'],
  [Op.I64AtomicRmw16OrU, 'i64.atomic.rmw16.or_u', Imm.MemArg, 'i32 i64 -> i64'],
  [Op.I64AtomicRmw32OrU, 'i64.atomic.rmw32.or_u', Imm.MemArg, 'i32 i64 -> i64'],
  [Op.I32AtomicRmwXor, 'i32.atomic.rmw.xor', Imm.MemArg, 'i32 i32 -> i32'],
  [Op.I64AtomicRmwXor, 'i64.atomic.rmw.xor', Imm.MemArg, 'i32 i64 -> i64'],
  [Op.I32AtomicRmw8XorU, 'i32.atomic.rmw8.xor_u', Imm.MemArg, 'i32 i32 -> i32'],
  [Op.I32AtomicRmw16XorU, 'i32.atomic.rmw16.xor_u', Imm.MemArg, 'i32 i32 -> i32'],
  [Op.I64AtomicRmw8XorU, 'i64.atomic.rmw8.xor_u', Imm.MemArg, 'i32 i64 -> i64'],
  [Op.I64AtomicRmw16XorU, 'i64.atomic.rmw16.xor_u', Imm.MemArg, 'i32 i64 -> i64'],
  [Op.I64AtomicRmw32XorU, 'i64.atomic.rmw32.xor_u', Imm.MemArg, 'i32 i64 -> i64'],
  [Op.I32AtomicRmwXchg, 'i32.atomic.rmw.xchg', Imm.MemArg, 'i32 i32 -> i32'],
  [Op.I64AtomicRmwXchg, 'i64.atomic.rmw.xchg', Imm.MemArg, 'i32 i64 -> i64'],
  [Op.I32AtomicRmw8XchgU, 'i32.atomic.rmw8.xchg_u', Imm.MemArg, 'i32 i32 -> i32'],
  [Op.I32AtomicRmw16XchgU, 'i32.atomic.rmw16.xchg_u', Imm.MemArg, 'i32 i32 -> i32'],
  [Op.I64AtomicRmw8XchgU, 'i64.atomic.rmw8.xchg_u', Imm.MemArg, 'i32 i64 -> i64'],
  [Op.I64AtomicRmw16XchgU, 'i64.atomic.rmw16.xchg_u', Imm.MemArg, 'i32 i64 -> i64'],
  [Op.I64AtomicRmw32XchgU, 'i64.atomic.rmw32.xchg_u', Imm.MemArg, 'i32 i64 -> i64'],
  [Op.I32AtomicRmwCmpxchg, 'i32.atomic.rmw.cmpxchg', Imm.MemArg, 'i32 i32 i32 -> i32'],
  [Op.I64AtomicRmwCmpxchg, 'i64.atomic.rmw.cmpxchg', Imm.MemArg, 'i32 i64 i64 -> i64'],
  [Op.I32AtomicRmw8CmpxchgU, 'i32.atomic.rmw8.cmpxchg_u', Imm.MemArg, 'i32 i32 i32 -> i32'],
  [Op.I32AtomicRmw16CmpxchgU, 'i32.atomic.rmw16.cmpxchg_u', Imm.MemArg, 'i32 i32 i32 -> i32'],
  [Op.I64AtomicRmw8CmpxchgU, 'i64.atomic.rmw8.cmpxchg_u', Imm.MemArg, 'i32 i64 i64 -> i64'],
  [Op.I64AtomicRmw16CmpxchgU, 'i64.atomic.rmw16.cmpxchg_u', Imm.MemArg, 'i32 i64 i64 -> i64'],
  [Op.I64AtomicRmw32CmpxchgU, 'i64.atomic.rmw32.cmpxchg_u', Imm.MemArg, 'i32 i64 i64 -> i64'],
);
// SIMD (0xfd): the immediates' kind and the access width from the table's `imm`.
const SIMD_IMM: Record<string, Imm> = { '-': Imm.None, l: Imm.Lane, c: Imm.V128Const, s: Imm.Shuffle };
for (const [sub, name, imm, sig] of SIMD_ROWS) {
  const op = (PREFIX_BASE[0xfd] + sub) as Op;
  if (imm[0] === 'm') ROWS.push([op, name, imm[1] === 'l' ? Imm.MemArgLane : Imm.MemArg, sig, Number(imm.slice(imm[1] === 'l' ? 2 : 1))]);
  else ROWS.push([op, name, SIMD_IMM[imm], sig]);
}
// Pseudo-instructions: the splitter's (passes/split.ts) and the SIMD lowering's (passes/simd.ts).
ROWS.push(
  [Op.OutlineCall, 'wasm2es.outline_call', Imm.Outline],
  [Op.OutlineExit, 'wasm2es.outline_exit', Imm.Outline],
  [Op.ReturnStore, 'wasm2es.return_store', Imm.Outline],
  [Op.ReturnLoad, 'wasm2es.return_load', Imm.Outline],
  [Op.CalleeGuard, 'wasm2es.callee_guard', Imm.Inline],
  [Op.CallGuarded, 'wasm2es.call_guarded', Imm.Inline],
  [Op.V128Convert, 'wasm2es.v128_convert', Imm.Outline],
  [Op.V128Select, 'wasm2es.v128_select', Imm.Outline],
  [Op.V128GlobalGet, 'wasm2es.v128_global_get', Imm.Outline],
  [Op.V128GlobalSet, 'wasm2es.v128_global_set', Imm.Outline],
);

const OPENERS = new Set<Op>([Op.Block, Op.Loop, Op.If, Op.Try, Op.TryTable]);
const SEPARATORS = new Set<Op>([Op.Else, Op.Catch, Op.CatchAll]);
const CLOSERS = new Set<Op>([Op.End, Op.Delegate]);

function info([op, name, imm, sig, accessBytes]: Row): OpInfo {
  const s = sig === undefined ? undefined : parseSig(sig);
  let access: Access | undefined;
  let atomic: OpInfo['atomic'];
  if (imm === Imm.MemArg && s && /^(memory|i32|i64)\.atomic\./.test(name)) {
    // notify and wait32 access 4 bytes, wait64 8; the others by their width or type.
    const width = /(?:load|store|rmw|wait)(8|16|32|64)/.exec(name);
    const bytes = width ? Number(width[1]) / 8 : name.startsWith('i64.') ? 8 : 4;
    atomic = { bytes, naturalAlign: Math.log2(bytes) };
  } else if ((imm === Imm.MemArg || imm === Imm.MemArgLane) && s) {
    const store = s.results.length === 0;
    const type = store ? s.params[1] : s.results[0];
    const width = /(\d+)(?:_[su])?$/.exec(name.split('.')[1]);
    const bytes = accessBytes ?? (width ? Number(width[1]) / 8 : type === ValType.I64 || type === ValType.F64 ? 8 : 4);
    access = { type, bytes, naturalAlign: Math.log2(bytes), store };
  }
  return {
    op, name, imm, sig: s, access, atomic,
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

/** The binary encoding of an Op: the opcode byte, or the prefix and the sub-opcode as a LEB128 u32. */
export function opEncoding(op: Op): number[] {
  for (const p of Object.keys(PREFIX_BASE)) {
    const base = PREFIX_BASE[Number(p)];
    if (op >= base && op < base + 0x1000) {
      const out = [Number(p)];
      let sub = op - base;
      while (sub >= 0x80) {
        out.push((sub & 0x7f) | 0x80);
        sub >>>= 7;
      }
      out.push(sub);
      return out;
    }
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
