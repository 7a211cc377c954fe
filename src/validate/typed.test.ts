// Typed function references and tail calls: subtyping, the typing of the new
// instructions, local initialization, tables with initializers.
//
// wabt cannot write typed references, so valid modules come from binaryen's text
// parser (it validates, so it cannot produce invalid ones) and invalid modules are
// written byte by byte with the small builder below.

import { describe, expect, it } from 'vitest';
import { decodeModule } from '../binary/module.js';
import { decodeBody } from '../binary/code.js';
import { validateModule } from './module.js';
import { validateFunction } from './func.js';
import { CompileError } from '../runtime/index.js';
import { AbsHeap, formatValType, heapOf, isDefaultable, isNullable, isRefType, refType, refTypeIdx, typeIndexOf, ValType } from '../ir.js';
import { matches, typeIdxEqual } from './subtype.js';
import { check, leb, sleb, str, vec, section } from '../testing/wasm-bytes.js';

const binaryen = (await import('binaryen')).default;

function fromText(text: string): Uint8Array {
  const m = binaryen.parseText(text);
  try {
    m.setFeatures(binaryen.Features.All);
    return m.emitBinary();
  } finally {
    m.dispose();
  }
}

/** null when the module decodes and validates, else the message (which must come from a CompileError). */

// --- binary builder ---

// Value types as bytes.
const I32 = [0x7f];
const FUNCREF = [0x70];
const EXTERNREF = [0x6f];
/** A heap type as its s33 value: negative for the abstract ones (FUNC ...), else a type index. */
const heap = (ht: number) => sleb(ht);
const ref = (ht: number) => [0x64, ...heap(ht)];
const refNull = (ht: number) => [0x63, ...heap(ht)];
const FUNC = 0x70 - 0x80;
const EXTERN = 0x6f - 0x80;
const EXN = 0x69 - 0x80;
const NOFUNC = 0x73 - 0x80;
const NOEXTERN = 0x72 - 0x80;
const ANY = 0x6e - 0x80;

const fnType = (params: number[][], results: number[][]) => [0x60, ...vec(params), ...vec(results)];
/** Block type with one result, or a type index. */
const bt = (t: number[] | number) => (typeof t === 'number' ? sleb(t) : t);

interface Fn {
  type: number;
  /** One value type per local (grouped one by one). */
  locals?: number[][];
  code: number[];
}
interface Spec {
  types: number[][];
  imports?: number[][];
  funcs?: Fn[];
  tables?: number[][];
  tags?: number[][];
  globals?: number[][];
  exports?: number[][];
  elems?: number[][];
}

function build(s: Spec): Uint8Array {
  const out = [0, 0x61, 0x73, 0x6d, 1, 0, 0, 0];
  const add = (bytes: number[]) => {
    for (const b of bytes) out.push(b); // no spread: sections may be large
  };
  const funcs = s.funcs ?? [];
  add(section(1, vec(s.types)));
  if (s.imports) add(section(2, vec(s.imports)));
  if (funcs.length) add(section(3, vec(funcs.map((f) => leb(f.type)))));
  if (s.tables) add(section(4, vec(s.tables)));
  if (s.tags) add(section(13, vec(s.tags)));
  if (s.globals) add(section(6, vec(s.globals)));
  if (s.exports) add(section(7, vec(s.exports)));
  if (s.elems) add(section(9, vec(s.elems)));
  if (funcs.length) {
    const bodies = funcs.map((f) => {
      const b = [...vec((f.locals ?? []).map((t) => [1, ...t])), ...f.code, 0x0b];
      return [...leb(b.length), ...b];
    });
    add(section(10, vec(bodies)));
  }
  return new Uint8Array(out);
}

// Instructions.
const end = 0x0b;
const i32c = (n: number) => [0x41, ...sleb(n)];
const localGet = (i: number) => [0x20, ...leb(i)];
const localSet = (i: number) => [0x21, ...leb(i)];
const localTee = (i: number) => [0x22, ...leb(i)];
const refFunc = (i: number) => [0xd2, ...leb(i)];
const refNullOf = (ht: number) => [0xd0, ...heap(ht)];
const callRef = (t: number) => [0x14, ...leb(t)];
const DROP = 0x1a;
/** An elem segment declaring functions (so ref.func may name them in code). */
const declare = (...fs: number[]) => [3, 0, ...vec(fs.map((f) => leb(f)))];

// Types shared by most cases: 0 and 2 are the same function type [i32] -> [i32].
const T_I32 = 0;
const T_VOID = 1;
const T_I32_B = 2;
const BASE_TYPES = [fnType([I32], [I32]), fnType([], []), fnType([I32], [I32])];
/** Function 0: [i32] -> [i32], returns its argument; declared for ref.func. */
const F0: Fn = { type: T_I32, code: localGet(0) };

/** A module with BASE_TYPES + `types`, F0 + `funcs`, F0 declared. */
function mod(funcs: Fn[], extra: Partial<Spec> = {}, types: number[][] = []): Uint8Array {
  return build({ types: [...BASE_TYPES, ...types], funcs: [F0, ...funcs], elems: [declare(0), ...(extra.elems ?? [])], ...without(extra, 'elems') });
}
function without<T extends object>(o: T, k: keyof T): Partial<T> {
  const c = { ...o };
  delete c[k];
  return c;
}
/** A module whose function 1 has type `[params] -> [results]` (type index 3) and `code`. */
function fnMod(params: number[][], results: number[][], code: number[], locals: number[][] = [], extra: Partial<Spec> = {}): Uint8Array {
  return mod([{ type: 3, locals, code }], extra, [fnType(params, results)]);
}

describe('reference type encoding (src/ir.ts)', () => {
  it('encodes and inspects reference types', () => {
    expect(refType(true, AbsHeap.Func)).toBe(ValType.FuncRef);
    expect(refType(false, AbsHeap.Func)).toBe(0x170);
    expect(refTypeIdx(true, 3)).toBe(0x100007);
    expect(refTypeIdx(false, 3)).toBe(0x100006);
    for (const t of [0x70, 0x6f, 0x69, 0x73, 0x72, 0x74, 0x170, 0x16f, 0x100000, 0x100001]) expect(isRefType(t)).toBe(true);
    for (const t of [0x7f, 0x7e, 0x7d, 0x7c, 0x7b, 0, 0x17f, 0x1ff]) expect(isRefType(t)).toBe(false);
    expect([isNullable(0x70), isNullable(0x170), isNullable(0x100006), isNullable(0x100007)]).toEqual([true, false, false, true]);
    expect([heapOf(0x170), heapOf(0x73), heapOf(0x100007)]).toEqual([0x70, 0x73, 3]);
    expect([typeIndexOf(0x100007), typeIndexOf(0x70)]).toEqual([3, -1]);
    expect([isDefaultable(0x7f), isDefaultable(0x70), isDefaultable(0x170), isDefaultable(0x100006)]).toEqual([true, true, false, false]);
    expect([0x7f, 0x70, 0x73, 0x170, 0x172, 0x100007, 0x100006].map(formatValType)).toEqual([
      'i32', 'funcref', 'nullfuncref', '(ref func)', '(ref noextern)', '(ref null 3)', '(ref 3)',
    ]);
  });

  it('decodes (ref null func) written out as the funcref shorthand', () => {
    const m = decodeModule(build({ types: [fnType([refNull(FUNC), ref(FUNC), refNull(NOEXTERN)], [])] }));
    expect(m.types[0].params).toEqual([ValType.FuncRef, 0x170, 0x72]);
  });
});

describe('subtyping', () => {
  const m = decodeModule(
    build({
      types: [
        fnType([ref(0)], []), // 0: refers to itself
        fnType([ref(1)], []), // 1: the same shape as 0
        fnType([ref(0)], []), // 2: refers to 0 from outside: not equal to 0 or 1
        fnType([I32], []), // 3
        fnType([I32], []), // 4: equal to 3
        fnType([ref(3)], [I32]), // 5
        fnType([ref(4)], [I32]), // 6: equal to 5 (through 3 = 4)
      ],
    }),
  );
  it('compares type definitions structurally', () => {
    expect(typeIdxEqual(m, 0, 1)).toBe(true);
    expect(typeIdxEqual(m, 0, 2)).toBe(false);
    expect(typeIdxEqual(m, 1, 2)).toBe(false);
    expect(typeIdxEqual(m, 3, 4)).toBe(true);
    expect(typeIdxEqual(m, 5, 6)).toBe(true);
    expect(typeIdxEqual(m, 3, 5)).toBe(false);
  });
  it('compares long chains of types without deep recursion', () => {
    const n = 20000;
    const chain = (base: number) => Array.from({ length: n }, (_, i) => (i === 0 ? fnType([], []) : fnType([ref(base + i - 1)], [])));
    const big = decodeModule(build({ types: [...chain(0), ...chain(n), fnType([I32], [])] }));
    expect(typeIdxEqual(big, n - 1, 2 * n - 1)).toBe(true);
    expect(typeIdxEqual(big, n - 1, 2 * n - 2)).toBe(false);
    expect(matches(big, refTypeIdx(false, 2 * n - 1), refTypeIdx(true, n - 1))).toBe(true);
  });
  it('relates reference types', () => {
    const yes: [number, number][] = [
      [refTypeIdx(false, 3), refTypeIdx(true, 4)],
      [refTypeIdx(false, 3), 0x170],
      [refTypeIdx(true, 3), ValType.FuncRef],
      [0x170, ValType.FuncRef],
      [0x73, refTypeIdx(true, 5)],
      [0x173, refTypeIdx(false, 5)],
      [0x73, ValType.FuncRef],
      [0x72, ValType.ExternRef],
      [0x174, 0x169],
      [ValType.I32, ValType.I32],
      [0, ValType.I32], // unknown
    ];
    const no: [number, number][] = [
      [refTypeIdx(true, 3), refTypeIdx(false, 3)],
      [ValType.FuncRef, 0x170],
      [ValType.FuncRef, refTypeIdx(true, 3)],
      [0x170, refTypeIdx(false, 3)],
      [refTypeIdx(false, 3), refTypeIdx(false, 5)],
      [0x72, ValType.FuncRef],
      [0x73, ValType.ExternRef],
      [ValType.ExternRef, ValType.FuncRef],
      [ValType.I32, ValType.I64],
      [ValType.I32, ValType.FuncRef],
    ];
    for (const [a, b] of yes) expect(matches(m, a, b), `${formatValType(a)} <: ${formatValType(b)}`).toBe(true);
    for (const [a, b] of no) expect(matches(m, a, b), `${formatValType(a)} </: ${formatValType(b)}`).toBe(false);
  });
});

describe('typed references and tail calls: valid modules (binaryen)', () => {
  it('accepts a module using every new instruction', () => {
    const bytes = fromText(`(module
      (type $t (func (param i32) (result i32)))
      (type $v (func))
      (func $inc (type $t) (i32.add (local.get 0) (i32.const 1)))
      (table $tab 2 (ref $t) (ref.func $inc))
      (table $plain 1 funcref)
      (global $g (ref $t) (ref.func $inc))
      (global $n (ref null $t) (ref.null $t))
      (global $f funcref (global.get $g))
      (elem declare func $inc)
      (elem (table $plain) (i32.const 0) func $inc)
      (func $call (param $f (ref null $t)) (result i32) (call_ref $t (i32.const 1) (local.get $f)))
      (func $tail (param i32) (result i32) (return_call $inc (local.get 0)))
      (func $tail_ind (param i32) (result i32) (return_call_indirect $tab (type $t) (local.get 0) (i32.const 0)))
      (func $tail_ref (param i32) (result i32) (return_call_ref $t (local.get 0) (global.get $g)))
      (func $nn (param $f (ref null $t)) (result (ref $t)) (ref.as_non_null (local.get $f)))
      (func $bon (param $f (ref null $t)) (result i32)
        (block $null (return (call_ref $t (i32.const 0) (br_on_null $null (local.get $f)))))
        (i32.const -1))
      (func $bonn (param $f (ref null $t)) (result (ref $t))
        (block $some (result (ref $t)) (br_on_non_null $some (local.get $f)) (global.get $g)))
      (func $loc (result i32) (local $x (ref $t)) (local.set $x (ref.func $inc)) (call_ref $t (i32.const 2) (local.get $x)))
      (func $sub (result funcref) (ref.func $inc))
      (func $tab_get (result (ref $t)) (table.get $tab (i32.const 0)))
      (func $tab_set (table.set $plain (i32.const 0) (table.get $tab (i32.const 1))))
      (func $nullext (result externref) (ref.null noextern))
      (func $isnull (param $f (ref $t)) (result i32) (ref.is_null (local.get $f)))
      (func $sel (param $a (ref $t)) (param $b (ref null $t)) (result funcref) (select (result (ref null $t)) (local.get $a) (local.get $b) (i32.const 0)))
    )`);
    expect(check(bytes)).toBeNull();
    const m = decodeModule(bytes);
    expect(m.tableInits.map((e) => e !== null)).toEqual([true, false]);
    expect(m.tables.map((t) => isRefType(t.elem) && isNullable(t.elem))).toEqual([false, true]);
  });

  it('accepts tail calls whose results are subtypes of the caller\'s', () => {
    const bytes = fromText(`(module
      (type $t (func))
      (func $g (result (ref $t)) (ref.func $h))
      (func $h)
      (elem declare func $h)
      (func (result funcref) (return_call $g)))`);
    expect(check(bytes)).toBeNull();
  });
});

describe('typed references and tail calls: hand-made modules', () => {
  const valid: [string, Uint8Array][] = [
    ['local set outside a block, read inside', fnMod([], [], [...refFunc(0), ...localSet(0), 0x02, 0x40, ...localGet(0), DROP, end], [ref(T_I32)])],
    ['local.tee initializes', fnMod([], [], [...refFunc(0), ...localTee(0), DROP, ...localGet(0), DROP], [ref(FUNC)])],
    ['params are initialized', fnMod([ref(FUNC)], [], [...localGet(0), DROP])],
    ['call_ref on a structurally equal type', fnMod([ref(T_I32)], [I32], [...i32c(1), ...localGet(0), ...callRef(T_I32_B)])],
    ['ref.func gives (ref $t)', fnMod([], [ref(T_I32_B)], refFunc(0))],
    ['(ref $t) <: (ref func)', fnMod([], [ref(FUNC)], refFunc(0))],
    ['nullfuncref <: (ref null $t)', fnMod([], [refNull(T_I32)], refNullOf(NOFUNC))],
    ['nullexternref <: externref', fnMod([], [EXTERNREF], refNullOf(NOEXTERN))],
    ['block results with subtyping', fnMod([], [FUNCREF], [0x02, ...bt(ref(T_I32)), ...refFunc(0), end])],
    ['br_table to labels of (ref func) and funcref', fnMod([], [FUNCREF], [
      0x02, ...bt(FUNCREF), 0x02, ...bt(ref(FUNC)), ...refFunc(0), ...i32c(0), 0x0e, 1, 0, 1, end, end,
    ])],
    ['return_call_ref', fnMod([ref(T_I32)], [I32], [...i32c(1), ...localGet(0), 0x15, T_I32])],
    ['return_call_indirect on a table of (ref $t)', fnMod([], [I32], [...i32c(1), ...i32c(0), 0x13, T_I32, 0], [], {
      tables: [[0x40, 0, ...ref(T_I32), 0, 1, ...refFunc(0), end]],
    })],
    ['imported table of (ref $t) without initializer', build({
      types: BASE_TYPES, imports: [[...str('m'), ...str('t'), 1, ...ref(T_I32), 0, 1]],
    })],
    ['table.copy from (ref func) to funcref', fnMod([], [], [...i32c(0), ...i32c(0), ...i32c(0), 0xfc, 14, 0, 1], [], {
      tables: [[...FUNCREF, 0, 1], [0x40, 0, ...ref(FUNC), 0, 1, ...refFunc(0), end]],
    })],
    ['elem of function indices into a (ref func) table', mod([], {
      tables: [[0x40, 0, ...ref(FUNC), 0, 1, ...refFunc(0), end]],
      elems: [[0, ...i32c(0), end, ...vec([[0]])]],
    })],
    ['global (ref $t) from ref.func, funcref from global.get of it', mod([], {
      globals: [[...ref(T_I32), 0, ...refFunc(0), end], [...FUNCREF, 0, 0x23, 0, end]],
    })],
    ['catch_all_ref to a label of (ref exn)', fnMod([], [], [0x02, ...bt(ref(EXN)), 0x1f, 0x40, ...vec([[3, 0]]), end, 0x00, end, DROP])],
    ['unreachable then ref.as_non_null as a reference', fnMod([], [ref(FUNC)], [0x00, 0xd4])],
    ['br_on_non_null keeps the other operands', mod([{ type: 3, code: [0x02, ...bt(4), ...localGet(0), ...localGet(1), 0xd6, 0, DROP, 0x00, end] }], {}, [
      fnType([I32, FUNCREF], [I32, ref(FUNC)]), // 3
      fnType([], [I32, ref(FUNC)]), // 4: the block type
    ])],
  ];
  for (const [name, bytes] of valid) it(`accepts: ${name}`, () => expect(check(bytes)).toBeNull());

  const invalid: [string, Uint8Array, string][] = [
    ['local.get of an unset non-nullable local', fnMod([], [], [...localGet(0), DROP], [ref(T_I32)]), 'uninitialized local'],
    ['a set is forgotten at the end of its block', fnMod([ref(FUNC)], [], [
      0x02, 0x40, ...localGet(0), ...localSet(1), end, ...localGet(1), DROP,
    ], [ref(FUNC)]), 'uninitialized local'],
    ['a set in `then` is not seen in `else`', fnMod([ref(FUNC)], [], [
      ...i32c(0), 0x04, 0x40, ...localGet(0), ...localSet(1), 0x05, ...localGet(1), DROP, end,
    ], [ref(FUNC)]), 'uninitialized local'],
    ['local.get of an unset local in unreachable code', fnMod([], [], [0x00, ...localGet(0), DROP], [ref(FUNC)]), 'uninitialized local'],
    ['call_ref on funcref', fnMod([FUNCREF], [I32], [...i32c(1), ...localGet(0), ...callRef(T_I32)]), 'type mismatch'],
    ['call_ref on a reference of another type', fnMod([ref(T_VOID)], [I32], [...i32c(1), ...localGet(0), ...callRef(T_I32)]), 'type mismatch'],
    ['call_ref with an unknown type', fnMod([ref(T_I32)], [I32], [...i32c(1), ...localGet(0), ...callRef(9)]), 'unknown type'],
    ['(ref func) where (ref $t) is expected', fnMod([ref(FUNC)], [ref(T_I32)], localGet(0)), 'type mismatch'],
    ['nullable where non-nullable is expected', fnMod([], [ref(FUNC)], refNullOf(FUNC)), 'type mismatch'],
    ['ref.func of another type', fnMod([], [ref(T_VOID)], refFunc(0)), 'type mismatch'],
    ['nullexternref is no funcref', fnMod([], [FUNCREF], refNullOf(NOEXTERN)), 'type mismatch'],
    ['return_call to a function with other results', fnMod([], [], [...i32c(1), 0x12, 0]), 'type mismatch'],
    ['return_call with wrong arguments', fnMod([], [I32], [0x12, 0]), 'type mismatch'],
    ['return_call_indirect on an externref table', fnMod([], [I32], [...i32c(1), ...i32c(0), 0x13, T_I32, 0], [], {
      tables: [[...EXTERNREF, 0, 1]],
    }), 'type mismatch'],
    ['return_call_ref on funcref', fnMod([FUNCREF], [I32], [...i32c(1), ...localGet(0), 0x15, T_I32]), 'type mismatch'],
    ['ref.as_non_null on i32', fnMod([], [], [...i32c(1), 0xd4, DROP]), 'type mismatch'],
    ['(ref bot) is no number', fnMod([], [], [0x00, 0xd4, ...i32c(1), 0x6a, DROP]), 'type mismatch'],
    ['br_on_null on i32', fnMod([], [], [0x02, 0x40, ...i32c(1), 0xd5, 0, DROP, end]), 'type mismatch'],
    ['br_on_non_null to a label without a reference', fnMod([FUNCREF], [], [0x02, 0x40, ...localGet(0), 0xd6, 0, end]), 'type mismatch'],
    ['br_on_non_null to a label of another reference', fnMod([FUNCREF], [], [0x02, ...bt(EXTERNREF), ...localGet(0), 0xd6, 0, 0x00, end, DROP]), 'type mismatch'],
    ['br_table with a target of a subtype', fnMod([FUNCREF], [FUNCREF], [
      0x02, ...bt(FUNCREF), 0x02, ...bt(ref(FUNC)), ...localGet(0), ...i32c(0), 0x0e, 1, 0, 1, end, end,
    ]), 'type mismatch'],
    ['untyped select on references', fnMod([ref(FUNC)], [], [...localGet(0), ...localGet(0), ...i32c(0), 0x1b, DROP]), 'type mismatch'],
    ['table of a non-nullable type without initializer', mod([], { tables: [[...ref(T_I32), 0, 1]] }), 'type mismatch'],
    ['table initializer of the wrong type', mod([], { tables: [[0x40, 0, ...ref(T_I32), 0, 1, ...refNullOf(T_I32), end]] }), 'type mismatch'],
    ['table initializer reading a defined global', build({
      types: BASE_TYPES, funcs: [F0], elems: [declare(0)],
      tables: [[0x40, 0, ...FUNCREF, 0, 1, 0x23, 0, end]], globals: [[...FUNCREF, 0, ...refFunc(0), end]],
    }), 'unknown global'],
    ['elem segment of funcref for a (ref func) table', mod([], {
      tables: [[0x40, 0, ...ref(FUNC), 0, 1, ...refFunc(0), end]],
      elems: [[4, ...i32c(0), end, ...vec([refFunc(0).concat(end)])]],
    }), 'type mismatch'],
    ['table.copy from funcref to (ref func)', fnMod([], [], [...i32c(0), ...i32c(0), ...i32c(0), 0xfc, 14, 0, 1], [], {
      tables: [[0x40, 0, ...ref(FUNC), 0, 1, ...refFunc(0), end], [...FUNCREF, 0, 1]],
    }), 'type mismatch'],
    ['table.set of funcref into (ref func)', fnMod([FUNCREF], [], [...i32c(0), ...localGet(0), 0x26, 0], [], {
      tables: [[0x40, 0, ...ref(FUNC), 0, 1, ...refFunc(0), end]],
    }), 'type mismatch'],
    ['global (ref $t) initialized with null', mod([], { globals: [[...ref(T_I32), 0, ...refNullOf(T_I32), end]] }), 'type mismatch'],
    ['catch_all_ref to a label of (ref extern)', fnMod([], [], [0x02, ...bt(ref(EXTERN)), 0x1f, 0x40, ...vec([[3, 0]]), end, 0x00, end, DROP]), 'type mismatch'],
    // try_table.wast:470 (no text tool encodes it faithfully): a tag of
    // (ref null $t) caught into a label of (ref $t). Types: 3 = the function's
    // [] -> [(ref $t)] with $t = T_VOID, 4 = the tag's [(ref null $t)] -> [].
    ['catch of a (ref null $t) payload into a label of (ref $t)', mod([{ type: 3, code: [0x02, ...bt(ref(T_VOID)), 0x1f, 0x40, ...vec([[0, 0, 0]]), end, 0x00, end] }], {
      tags: [[0, 4]],
    }, [fnType([], [ref(T_VOID)]), fnType([refNull(T_VOID)], [])]), 'type mismatch'],
    ['the same with a (ref $t) payload is valid (control)', mod([{ type: 3, code: [0x02, ...bt(ref(T_VOID)), 0x1f, 0x40, ...vec([[0, 0, 0]]), end, 0x00, end] }], {
      tags: [[0, 4]],
    }, [fnType([], [ref(T_VOID)]), fnType([ref(T_VOID)], [])]), ''],
    ['a type naming a later type', build({ types: [fnType([ref(1)], []), fnType([], [])] }), 'unknown type'],
    ['ref.null of an unknown type', fnMod([], [], [...refNullOf(7), DROP]), 'unknown type'],
    // From call_ref.wast / return_call_ref.wast (binaryen drops the unreachable code).
    ['call_ref with a wrong argument after unreachable', fnMod([], [I32], [0x00, 0x42, 0, ...refFunc(0), ...callRef(T_I32)]), 'type mismatch'],
    ['call_ref result of the wrong type', fnMod([], [I32], [0x00, ...refFunc(0), ...callRef(T_I32), DROP, 0x42, 0]), 'type mismatch'],
    ['return_call_ref with a wrong argument after unreachable', fnMod([], [I32], [0x00, 0x42, 0, ...refFunc(0), 0x15, T_I32]), 'type mismatch'],
    ['a value after return_call_ref of the wrong type', fnMod([], [I32], [0x00, ...refFunc(0), 0x15, T_I32, 0x42, 0]), 'type mismatch'],
    ['return_call_ref on externref', fnMod([EXTERNREF], [], [...localGet(0), 0x15, T_VOID]), 'type mismatch'],
    ['ref.eq (GC)', fnMod([], [], [0xd3]), 'unsupported feature: gc'],
    ['(ref any) (GC)', build({ types: [fnType([ref(ANY)], [])] }), 'unsupported feature: gc'],
  ];
  for (const [name, bytes, message] of invalid) {
    if (message === '') it(`accepts: ${name}`, () => expect(check(bytes)).toBeNull());
    else it(`rejects: ${name}`, () => expect(check(bytes)).toContain(message));
  }
});

describe('robustness', () => {
  it('throws only CompileErrors for mutated typed modules', () => {
    const seeds = [
      fromText(`(module (type $t (func (param i32) (result i32))) (func $f (type $t) (local.get 0))
        (table 1 (ref $t) (ref.func $f)) (elem declare func $f)
        (func (param (ref null $t)) (result i32) (local $x (ref $t))
          (local.set $x (ref.as_non_null (local.get 0)))
          (block $l (br_on_null $l (local.get 0)) (drop))
          (return_call_ref $t (i32.const 1) (local.get $x))))`),
    ];
    let state = 12345;
    const rand = (n: number) => {
      state = (state * 1103515245 + 12345) >>> 0;
      return state % n;
    };
    for (const seed of seeds) {
      for (let k = 0; k < 3000; k++) {
        const b = seed.slice();
        for (let j = 1 + rand(3); j > 0; j--) b[8 + rand(b.length - 8)] = rand(4) === 0 ? rand(256) : [0x63, 0x64, 0x70, 0x73, 0x40, 0x00, 0xd4, 0xd5, 0xd6, 0x14, 0x15][rand(11)];
        check(b); // throws (failing the test) on anything but a CompileError
      }
    }
  });
});
