import { describe, expect, it } from 'vitest';
import { decodeModule, MAX_LOCALS } from './module.js';
import { decodeBody } from './code.js';
import { CompileError } from '../runtime/index.js';
import { AbsHeap, ValType, refType, refTypeIdx } from '../ir.js';
import { wat as watText, leb, str, vec, section } from '../testing/wasm-bytes.js';

const REF_FUNC = refType(false, AbsHeap.Func);
/** These tests read the name section too. */
const wat = (text: string) => watText(text, true);

// --- a tiny binary builder for what wabt cannot write ---
const mod = (...sections: number[][]) => new Uint8Array([0, 0x61, 0x73, 0x6d, 1, 0, 0, 0, ...sections.flat()]);
const TYPE_VOID = section(1, vec([[0x60, 0, 0]]));

function error(f: () => unknown): Error & { offset: number } {
  try {
    f();
  } catch (e) {
    expect(e).toBeInstanceOf(CompileError);
    expect(typeof (e as { offset: unknown }).offset).toBe('number');
    return e as Error & { offset: number };
  }
  throw new Error('expected a CompileError');
}

describe('decodeModule', () => {
  it('decodes every section of a module', () => {
    const m = decodeModule(
      wat(`(module
        (type $v (func))
        (type $ii (func (param i32) (result i32)))
        (import "m" "f" (func $f (type $ii)))
        (import "m" "t" (table 2 10 funcref))
        (import "m" "mem" (memory 1 2))
        (import "m" "g" (global $g i32))
        (import "m" "e" (tag $e (param i32)))
        (func $a (type $ii) (local i64 i64) (local f32) local.get 0)
        (func $b (type $v))
        (table $t2 3 externref)
        (memory $m2 0)
        (tag $e2)
        (global $h (mut i64) (i64.const -5))
        (global $k i32 (i32.add (global.get $g) (i32.const 1)))
        (export "a" (func $a))
        (export "e2" (tag $e2))
        (start $b)
        (elem (i32.const 0) $a $b)
        (elem $p funcref (ref.func $a) (ref.null func))
        (elem declare func $b)
        (data (i32.const 8) "hi")
        (data $pd "xyz")
      )`),
    );
    expect(m.types.slice(0, 2)).toEqual([
      { params: [], results: [] },
      { params: [ValType.I32], results: [ValType.I32] },
    ]);
    expect(m.imports.map((i) => i.desc.kind)).toEqual(['func', 'table', 'memory', 'global', 'tag']);
    expect(m.numImportedFuncs).toBe(1);
    expect(m.numImportedTags).toBe(1);
    expect(m.funcTypes).toEqual([1, 1, 0]);
    expect(m.tables).toEqual([
      { elem: ValType.FuncRef, limits: { min: 2, max: 10 } },
      { elem: ValType.ExternRef, limits: { min: 3, max: null } },
    ]);
    expect(m.memories).toEqual([{ limits: { min: 1, max: 2 } }, { limits: { min: 0, max: null } }]);
    expect(m.globals).toEqual([
      { type: ValType.I32, mutable: false },
      { type: ValType.I64, mutable: true },
      { type: ValType.I32, mutable: false },
    ]);
    expect(m.tags.length).toBe(2);
    expect(m.types[m.tags[0]].params).toEqual([ValType.I32]);
    expect(m.globalInits[0].init).toMatchObject([{ op: 0x42, i64: -5n }]);
    expect(m.globalInits[1].init.map((i) => i.op)).toEqual([0x23, 0x41, 0x6a]);
    expect(m.exports).toMatchObject([
      { name: 'a', kind: 'func', index: 1 },
      { name: 'e2', kind: 'tag', index: 1 },
    ]);
    expect(m.start).toBe(2);
    expect(m.elems.map((e) => e.mode)).toEqual(['active', 'passive', 'declarative']);
    expect(m.elems[0].init).toMatchObject([[{ op: 0xd2, index: 1 }], [{ op: 0xd2, index: 2 }]]);
    expect(m.elems[1].init).toMatchObject([[{ op: 0xd2, index: 1 }], [{ op: 0xd0, refType: ValType.FuncRef }]]);
    expect(m.datas.map((d) => [d.mode, Buffer.from(d.bytes).toString()])).toEqual([
      ['active', 'hi'],
      ['passive', 'xyz'],
    ]);
    expect(m.funcs.map((f) => f.index)).toEqual([1, 2]);
    expect(m.funcs[0].locals).toEqual([ValType.I64, ValType.I64, ValType.F32]);
    expect(m.funcNames.get(1)).toBe('a');
    expect(m.customSections.map((c) => c.name)).toContain('name');
    // The body range covers exactly `local.get 0; end`.
    const f = m.funcs[0];
    expect(Array.from(m.bytes.subarray(f.codeStart, f.codeEnd))).toEqual([0x20, 0x00, 0x0b]);
  });

  it('checks header and version', () => {
    expect(error(() => decodeModule(new Uint8Array([]))).message).toContain('unexpected end');
    expect(error(() => decodeModule(new Uint8Array([0, 0x61, 0x73]))).message).toContain('unexpected end');
    expect(error(() => decodeModule(new Uint8Array([0x6d, 0x73, 0x61, 0]))).message).toContain('magic header not detected');
    expect(error(() => decodeModule(new Uint8Array([0, 0x61, 0x73, 0x6d, 2, 0, 0, 0]))).message).toContain('unknown binary version');
    expect(decodeModule(mod()).types).toEqual([]);
  });

  it('enforces section order, including tag (13) between memory and global and datacount before code', () => {
    const memory = section(5, vec([[0, 1]]));
    const tag = section(13, vec([[0, 0]]));
    const global = section(6, vec([[0x7f, 0, 0x41, 0, 0x0b]]));
    expect(decodeModule(mod(TYPE_VOID, memory, tag, global)).tags).toEqual([0]);
    expect(error(() => decodeModule(mod(TYPE_VOID, memory, global, tag))).message).toContain('unexpected content after last section');
    expect(error(() => decodeModule(mod(TYPE_VOID, tag, memory))).message).toContain('unexpected content after last section');
    expect(error(() => decodeModule(mod(TYPE_VOID, TYPE_VOID))).message).toContain('unexpected content after last section');
    const datacount = section(12, [0]);
    const code = section(10, [0]);
    expect(decodeModule(mod(datacount, code)).dataCount).toBe(0);
    expect(error(() => decodeModule(mod(code, datacount))).message).toContain('unexpected content after last section');
    expect(error(() => decodeModule(mod(section(14, [])))).message).toContain('malformed section id');
  });

  it('allows custom sections anywhere and keeps them', () => {
    const custom = (n: string) => section(0, [...str(n), 1, 2, 3]);
    const m = decodeModule(mod(custom('a'), TYPE_VOID, custom('b'), section(3, vec([[0]])), custom('c'), section(10, vec([[2, 0, 0x0b]]))));
    expect(m.customSections.map((c) => [c.name, Array.from(c.bytes)])).toEqual([
      ['a', [1, 2, 3]],
      ['b', [1, 2, 3]],
      ['c', [1, 2, 3]],
    ]);
    expect(error(() => decodeModule(mod(section(0, [])))).message).toContain('unexpected end');
    expect(error(() => decodeModule(mod([0, 2, 5, 0x61]))).message).toContain('length out of bounds');
  });

  it('ignores a malformed name section', () => {
    const names = section(0, [...str('name'), 1, 6, 2, 0, 1, 0x61, 1, 0xff]);
    const m = decodeModule(mod(names));
    expect(m.funcNames.get(0)).toBe('a');
    expect(m.funcNames.size).toBe(1);
  });

  it('requires exact section sizes', () => {
    // Type section claims 5 bytes but its content takes 4.
    expect(error(() => decodeModule(mod([1, 5, 1, 0x60, 0, 0, 0]))).message).toContain('section size mismatch');
    expect(error(() => decodeModule(mod([1, 9, 1, 0x60, 0, 0]))).message).toContain('length out of bounds');
    expect(error(() => decodeModule(mod([4, 1, 1]))).message).toContain('unexpected end');
  });

  it('checks function/code and data count consistency', () => {
    const funcs = section(3, vec([[0], [0]]));
    const code1 = section(10, vec([[2, 0, 0x0b]]));
    expect(error(() => decodeModule(mod(TYPE_VOID, funcs))).message).toContain('function and code section have inconsistent lengths');
    expect(error(() => decodeModule(mod(TYPE_VOID, funcs, code1))).message).toContain('function and code section have inconsistent lengths');
    expect(error(() => decodeModule(mod(code1))).message).toContain('function and code section have inconsistent lengths');
    const memory = section(5, vec([[0, 1]]));
    const data = section(11, vec([[1, 0]]));
    expect(decodeModule(mod(memory, section(12, [1]), data)).datas.length).toBe(1);
    expect(error(() => decodeModule(mod(memory, section(12, [2]), data))).message).toContain('data count and data section have inconsistent lengths');
    expect(error(() => decodeModule(mod(memory, section(12, [1])))).message).toContain('data count and data section have inconsistent lengths');
  });

  it('decodes all eight element segment encodings', () => {
    const expr0 = [0x41, 0, 0x0b];
    const refFunc = [0xd2, 0, 0x0b];
    const segs = [
      [0, ...expr0, ...vec([[0]])],
      [1, 0, ...vec([[0]])],
      [2, 1, ...expr0, 0, ...vec([[0]])],
      [3, 0, ...vec([[0]])],
      [4, ...expr0, ...vec([refFunc])],
      [5, 0x70, ...vec([refFunc, [0xd0, 0x70, 0x0b]])],
      [6, 1, ...expr0, 0x70, ...vec([refFunc])],
      [7, 0x70, ...vec([refFunc])],
    ];
    const m = decodeModule(mod(TYPE_VOID, section(3, vec([[0]])), section(9, vec(segs)), section(10, vec([[2, 0, 0x0b]]))));
    expect(m.elems.map((e) => [e.mode, e.table, e.offsetExpr?.length ?? null, e.type, e.init.length])).toEqual([
      // Function indices give (ref func), kind 4 funcref (Wasm 3.0).
      ['active', 0, 1, REF_FUNC, 1],
      ['passive', 0, null, REF_FUNC, 1],
      ['active', 1, 1, REF_FUNC, 1],
      ['declarative', 0, null, REF_FUNC, 1],
      ['active', 0, 1, ValType.FuncRef, 1],
      ['passive', 0, null, ValType.FuncRef, 2],
      ['active', 1, 1, ValType.FuncRef, 1],
      ['declarative', 0, null, ValType.FuncRef, 1],
    ]);
    expect(error(() => decodeModule(mod(section(9, vec([[8]]))))).message).toContain('malformed elements segment kind');
    expect(error(() => decodeModule(mod(section(9, vec([[5, 0x7f, 0]]))))).message).toContain('malformed reference type');
    expect(error(() => decodeModule(mod(section(9, vec([[1, 1, 0]]))))).message).toContain('malformed element kind');
    expect(error(() => decodeModule(mod(section(9, vec([[5, 0x70, 1, 0xf3, 0, 0x0b]]))))).message).toContain('illegal opcode');
  });

  it('decodes data segment encodings 0-2 with the memory index', () => {
    const m = decodeModule(
      mod(
        section(5, vec([[0, 1], [0, 1], [0, 1]])),
        section(11, vec([[0, 0x41, 1, 0x0b, 1, 0x61], [1, 2, 0x62, 0x63], [2, 2, 0x41, 3, 0x0b, 0]])),
      ),
    );
    expect(m.datas.map((d) => [d.mode, d.memory, d.offsetExpr?.[0].i32 ?? null, d.bytes.length])).toEqual([
      ['active', 0, 1, 1],
      ['passive', 0, null, 2],
      ['active', 2, 3, 0],
    ]);
    expect(error(() => decodeModule(mod(section(11, vec([[3]]))))).message).toContain('malformed data segment kind');
  });

  it('decodes limits flags (shared memories too) and rejects 64-bit ones as unsupported', () => {
    expect(decodeModule(mod(section(5, vec([[1, 1, 2]])))).memories[0].limits).toEqual({ min: 1, max: 2 });
    expect(error(() => decodeModule(mod(section(5, vec([[4, 1]]))))).message).toContain('unsupported feature: memory64');
    expect(decodeModule(mod(section(5, vec([[3, 1, 1]])))).memories[0].limits).toEqual({ min: 1, max: 1, shared: true });
    // Shared without a maximum decodes; the validator rejects it.
    expect(decodeModule(mod(section(5, vec([[2, 1]])))).memories[0].limits).toEqual({ min: 1, max: null, shared: true });
    expect(error(() => decodeModule(mod(section(4, vec([[0x70, 4, 1]]))))).message).toContain('unsupported feature: memory64');
    expect(error(() => decodeModule(mod(section(5, vec([[8, 1]]))))).message).toContain('malformed limits flags');
    expect(error(() => decodeModule(mod(section(4, vec([[0x70, 2, 1, 1]]))))).message).toContain('malformed limits flags');
    expect(error(() => decodeModule(mod(section(4, vec([[0x70, 0x81, 0, 0]]))))).message).toContain('malformed limits flags');
  });

  it('decodes import and export descriptors, including tags', () => {
    const imports = section(2, vec([[...str('m'), ...str('t'), 4, 0, 0]]));
    const m = decodeModule(mod(TYPE_VOID, imports, section(7, vec([[...str('t'), 4, 0]]))));
    expect(m.imports[0].desc).toEqual({ kind: 'tag', typeIdx: 0 });
    expect(m.exports[0]).toMatchObject({ name: 't', kind: 'tag', index: 0 });
    expect(error(() => decodeModule(mod(section(2, vec([[...str('m'), ...str('t'), 5, 0]]))))).message).toContain('malformed import kind');
    expect(error(() => decodeModule(mod(section(7, vec([[...str('t'), 5, 0]]))))).message).toContain('malformed export kind');
    expect(error(() => decodeModule(mod(section(13, vec([[1, 0]]))))).message).toContain('malformed tag attribute');
    expect(error(() => decodeModule(mod(section(6, vec([[0x7f, 2, 0x41, 0, 0x0b]]))))).message).toContain('malformed mutability');
  });

  it('decodes recursion groups of function types', () => {
    // (rec (type (func (param (ref 1)))) (type (sub (func)))) (type (func)); an empty (rec).
    const m = decodeModule(mod(section(1, vec([[0x4e, 2, 0x60, 1, 0x64, 1, 0, 0x50, 0, 0x60, 0, 0], [0x60, 0, 0], [0x4e, 0]]))));
    expect(m.types.length).toBe(3);
    expect(m.typeGroups).toEqual([
      { start: 0, size: 2, final: true },
      { start: 0, size: 2, final: false },
      { start: 2, size: 1, final: true },
    ]);
    // A reference past the end of its own group is still a forward reference.
    expect(error(() => decodeModule(mod(section(1, vec([[0x4e, 1, 0x60, 1, 0x64, 1, 0], [0x60, 0, 0]]))))).message).toContain('unknown type 1');
  });

  it('rejects features of later proposals as unsupported', () => {
    const unsupported = (bytes: Uint8Array) => /unsupported feature: (.*) \(/.exec(error(() => decodeModule(bytes)).message)?.[1];
    // Declared supertypes (GC subtyping), struct and array types.
    expect(unsupported(mod(section(1, vec([[0x60, 0, 0], [0x50, 1, 0, 0x60, 0, 0]]))))).toBe('gc');
    expect(unsupported(mod(section(1, vec([[0x5f, 0]]))))).toBe('gc');
    expect(unsupported(mod(section(1, vec([[0x4e, 1, 0x5e, 0x7f, 0]]))))).toBe('gc');
    expect(decodeModule(mod(section(1, vec([[0x60, 1, 0x7b, 0]])))).types[0].params).toEqual([ValType.V128]);
    expect(unsupported(mod(section(1, vec([[0x60, 1, 0x63, 0x6e, 0]]))))).toBe('gc');
    expect(unsupported(mod(section(1, vec([[0x60, 1, 0x6e, 0]]))))).toBe('gc');
    expect(unsupported(mod(section(1, vec([[0x60, 1, 0x71, 0]]))))).toBe('gc');
    expect(unsupported(mod(section(1, vec([[0x60, 1, 0x64, 0x6b, 0]]))))).toBe('gc');
    expect(error(() => decodeModule(mod(section(1, vec([[0x60, 1, 0x55, 0]]))))).message).toContain('malformed value type');
  });

  it('decodes typed reference types and tables with initializers', () => {
    // type 0: [(ref 0) (ref null func) (ref nofunc)] -> [nullexternref (ref null 0)]
    const types = section(1, vec([[0x60, 3, 0x64, 0x00, 0x63, 0x70, 0x64, 0x73, 2, 0x72, 0x63, 0x00]]));
    const m = decodeModule(mod(types));
    expect(m.types[0].params).toEqual([refTypeIdx(false, 0), ValType.FuncRef, 0x173]);
    expect(m.types[0].results).toEqual([0x72, 0x100001]);
    // (ref null func) written out is the funcref shorthand.
    expect(decodeModule(mod(section(1, vec([[0x60, 1, 0x63, 0x70, 0]])))).types[0].params).toEqual([ValType.FuncRef]);
    // A type may name itself but no later type.
    expect(error(() => decodeModule(mod(section(1, vec([[0x60, 1, 0x63, 0x01, 0], [0x60, 0, 0]]))))).message).toContain('unknown type 1');
    // Tables: plain, and 0x40 0x00 tabletype expr.
    const tables = section(4, vec([[0x70, 0, 1], [0x40, 0, 0x64, 0x70, 0, 1, 0xd2, 0, 0x0b]]));
    const m2 = decodeModule(mod(TYPE_VOID, section(3, vec([[0]])), tables, section(10, vec([[2, 0, 0x0b]]))));
    expect(m2.tables.map((t) => t.elem)).toEqual([ValType.FuncRef, REF_FUNC]);
    expect(m2.tableInits.map((e) => e && e.map((i) => i.op))).toEqual([null, [0xd2]]);
    expect(error(() => decodeModule(mod(section(4, vec([[0x40, 1, 0x70, 0, 1, 0x0b]]))))).message).toContain('malformed table type');
  });

  it('expands locals and rejects too many', () => {
    const body = (locals: number[][]) => {
      const b = [...vec(locals.map(([n, t]) => [...leb(n), t])), 0x0b];
      return [...leb(b.length), ...b];
    };
    const m = decodeModule(mod(TYPE_VOID, section(3, vec([[0]])), section(10, vec([body([[0, 0x7f], [2, 0x7e], [1, 0x69]])]))));
    expect(m.funcs[0].locals).toEqual([ValType.I64, ValType.I64, ValType.ExnRef]);
    const tooMany = (locals: number[][]) => error(() => decodeModule(mod(TYPE_VOID, section(3, vec([[0]])), section(10, vec([body(locals)])))));
    expect(tooMany([[0xffffffff, 0x7f], [2, 0x7e]]).message).toContain('too many locals');
    expect(tooMany([[MAX_LOCALS, 0x7f], [1, 0x7e]]).message).toContain('too many locals');
    expect(tooMany([[0x40000000, 0x7f], [0x40000000, 0x7e], [0x40000000, 0x7d], [0x40000000, 0x7c]]).message).toContain('too many locals');
  });

  it('counts parameters towards the locals limit, as engines do', () => {
    // Found by fuzz/malformed.mjs: 50,000 declared locals plus parameters were
    // accepted, and V8 rejects the module.
    const body = (n: number) => {
      const b = [...vec([[...leb(n), 0x7f]]), 0x0b];
      return [...leb(b.length), ...b];
    };
    const TYPE_II = section(1, vec([[0x60, 2, 0x7f, 0x7f, 0]]));
    const withLocals = (n: number) => mod(TYPE_II, section(3, vec([[0]])), section(10, vec([body(n)])));
    expect(decodeModule(withLocals(MAX_LOCALS - 2)).funcs[0].locals.length).toBe(MAX_LOCALS - 2);
    const e = error(() => decodeModule(withLocals(MAX_LOCALS - 1)));
    expect(e.message).toContain('too many locals');
    // header, type section, function section (4 bytes), then code section id,
    // size, function count, body size, group count: the count of the first group.
    expect(e.offset).toBe(8 + TYPE_II.length + 4 + 5);
    expect(WebAssembly.validate(withLocals(MAX_LOCALS - 2))).toBe(true);
    expect(WebAssembly.validate(withLocals(MAX_LOCALS - 1))).toBe(false);
  });
});

describe('robustness', () => {
  /** Decode, then decode every body: anything but a CompileError is a bug. */
  function mustNotCrash(bytes: Uint8Array): void {
    try {
      const m = decodeModule(bytes);
      for (const f of m.funcs) decodeBody(m, f);
    } catch (e) {
      if (!(e instanceof CompileError)) throw new Error(`non-CompileError for ${Buffer.from(bytes).toString('hex')}: ${(e as Error).stack}`);
      expect(typeof (e as { offset?: unknown }).offset).toBe('number');
    }
  }

  // A deterministic PRNG so failures reproduce.
  let seed = 0x2545f491;
  const rand = () => {
    seed ^= seed << 13;
    seed ^= seed >>> 17;
    seed ^= seed << 5;
    return (seed >>> 0) / 2 ** 32;
  };

  const sample = wat(`(module
    (type (func (param i32) (result i32)))
    (import "m" "f" (func (type 0)))
    (memory 1) (memory 2)
    (table 2 funcref)
    (tag $e (param i32))
    (global (mut i32) (i32.const 0))
    (func (export "g") (type 0)
      (block (result i32)
        (try_table (catch $e 0) (throw $e (local.get 0))))
      (i32.load 1 offset=4 (local.get 0))
      (br_table 0 0 (i32.const 1))
      (memory.copy 1 0 (i32.const 0) (i32.const 0) (i32.const 0))
      (i64.const 0x123456789abcdef)
      (f64.const 1.5)
      (drop) (drop) (drop))
    (elem (i32.const 0) 0 1)
    (data (i32.const 0) "abc"))`);

  it('decodes the sample', () => {
    const m = decodeModule(sample);
    expect(m.funcs.length).toBe(1);
    expect(decodeBody(m, m.funcs[0]).length).toBeGreaterThan(10);
  });

  it('survives every truncation of a valid module', () => {
    for (let n = 0; n < sample.length; n++) mustNotCrash(sample.subarray(0, n));
  });

  it('survives byte mutations of a valid module', () => {
    for (let i = 0; i < 3000; i++) {
      const b = sample.slice();
      const k = 1 + Math.floor(rand() * 3);
      for (let j = 0; j < k; j++) b[Math.floor(rand() * b.length)] = Math.floor(rand() * 256);
      mustNotCrash(b);
    }
  });

  it('survives random bytes after a valid header', () => {
    for (let i = 0; i < 3000; i++) {
      const n = Math.floor(rand() * 64);
      const b = new Uint8Array(8 + n);
      b.set([0, 0x61, 0x73, 0x6d, 1, 0, 0, 0]);
      for (let j = 8; j < b.length; j++) b[j] = Math.floor(rand() * 256);
      mustNotCrash(b);
      mustNotCrash(b.subarray(8));
    }
  });

  it('rejects huge counts without allocating for them', () => {
    // A type section claiming 2^32-1 types in a 6-byte section.
    expect(error(() => decodeModule(mod([1, 6, 0xff, 0xff, 0xff, 0xff, 0x0f, 0x60]))).message).toContain('unexpected end');
    // A function body with 4 billion locals in 2 groups.
    expect(error(() => decodeModule(mod(TYPE_VOID, section(3, vec([[0]])), section(10, vec([[12, 2, 0xff, 0xff, 0xff, 0xff, 0x0f, 0x7f, 0x80, 0x80, 0x80, 0x80, 0x08, 0x7e, 0x0b]]))))).message).toContain('too many locals');
  });
});
