import { describe, expect, it } from 'vitest';
import { decodeModule } from './module.js';
import { decodeBody, scanBody } from './code.js';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { CompileError } from '../runtime/index.js';
import { CatchKind, ValType, type Instr } from '../ir.js';
import { wat, leb, section } from '../testing/wasm-bytes.js';
import { Op } from '../opcodes.js';



/** The body of the last function of a module. */
function body(text: string): Instr[] {
  const m = decodeModule(wat(text));
  return scanned(m, m.funcs[m.funcs.length - 1]);
}

/**
 * decodeBody's result, after checking that scanBody (the call graph's reader,
 * which skips immediates instead of decoding them) sees the same opcodes and
 * the same function indices. Every body decoded in this file goes through it,
 * so every kind of immediate is covered.
 */
function scanned(m: ReturnType<typeof decodeModule>, f: ReturnType<typeof decodeModule>['funcs'][number]): Instr[] {
  const instrs = decodeBody(m, f);
  const seen: [number, number][] = [];
  scanBody(m, f, (op, func) => seen.push([op, func]));
  const calls = new Set<number>([Op.Call, Op.ReturnCall, Op.RefFunc]);
  expect(seen).toEqual(instrs.map((ins) => [ins.op, calls.has(ins.op) ? ins.index! : -1]));
  return instrs;
}

// Hand-made modules for encodings wabt does not write.
/** A module with type [] -> [], one memory (or `mems`), a data count of 1, and one function with `code` (the final end added). */
function rawBody(code: number[], mems = 1): Instr[] {
  const fn = [0, ...code, 0x0b];
  const bytes = new Uint8Array([
    0, 0x61, 0x73, 0x6d, 1, 0, 0, 0,
    ...section(1, [1, 0x60, 0, 0]),
    ...section(3, [1, 0]),
    ...section(5, [mems, ...Array(mems).fill([0, 1]).flat()]),
    ...section(12, [1]),
    ...section(10, [1, ...leb(fn.length), ...fn]),
    ...section(11, [1, 1, 0]),
  ]);
  const m = decodeModule(bytes);
  return scanned(m, m.funcs[0]);
}

function error(f: () => unknown): Error {
  try {
    f();
  } catch (e) {
    expect(e).toBeInstanceOf(CompileError);
    return e as Error;
  }
  throw new Error('expected a CompileError');
}

describe('decodeBody', () => {
  it('scanBody reads the same opcodes and function indices as decodeBody in every body of sql.js', () => {
    const m = decodeModule(readFileSync(createRequire(import.meta.url).resolve('sql.js/dist/sql-wasm.wasm')));
    let n = 0;
    for (const f of m.funcs) n += scanned(m, f).length;
    expect(n).toBeGreaterThan(100_000);
  });

  it('returns every instruction with its opcode offset, final end included', () => {
    const m = decodeModule(wat('(module (func (result i32) (i32.add (i32.const 1) (i32.const 2))))'));
    const f = m.funcs[0];
    const b = decodeBody(m, f);
    expect(b.map((i) => i.op)).toEqual([0x41, 0x41, 0x6a, 0x0b]);
    expect(b.map((i) => i.offset)).toEqual([f.codeStart, f.codeStart + 2, f.codeStart + 4, f.codeStart + 5]);
    expect(b[1].i32).toBe(2);
  });

  it('decodes constants: i64 as BigInt, float bits unsigned', () => {
    const b = body(`(module (func
      (drop (i32.const -2147483648)) (drop (i64.const -9223372036854775808)) (drop (i64.const 0x7fffffffffffffff))
      (drop (f32.const -0)) (drop (f64.const nan:0x8000000000001)) (drop (f64.const -1))))`);
    const consts = b.filter((i) => i.op >= 0x41 && i.op <= 0x44);
    expect(consts.map((i) => i.i32 ?? i.i64)).toEqual([-2147483648, -9223372036854775808n, 0x7fffffffffffffffn, 0x80000000, 0x7ff8000000000001n, 0xbff0000000000000n]);
  });

  it('resolves block types: empty, a value type, a type index (multi-value)', () => {
    const b = body(`(module (type $t (func (param i32) (result i32 i64)))
      (func (param i32)
        (block (nop))
        (loop (result f64) (f64.const 0)) (drop)
        (local.get 0) (if (type $t) (then (i64.const 1)) (else (i64.const 2))) (drop) (drop)))`);
    const blocks = b.filter((i) => i.op === 0x02 || i.op === 0x03 || i.op === 0x04);
    expect(blocks.map((i) => i.type)).toEqual([
      { params: [], results: [] },
      { params: [], results: [ValType.F64] },
      { params: [ValType.I32], results: [ValType.I32, ValType.I64] },
    ]);
    expect(error(() => rawBody([0x02, 0x05, 0x0b])).message).toContain('unknown type 5');
  });

  it('decodes branches and br_table', () => {
    const b = body('(module (func (block (block (br_table 0 1 0 (i32.const 0))) (br_if 0 (i32.const 1)) (br 0))))');
    expect(b.find((i) => i.op === 0x0e)).toMatchObject({ labels: [0, 1], depth: 0 });
    expect(b.find((i) => i.op === 0x0d)).toMatchObject({ depth: 0 });
  });

  it('decodes memory instructions with memory indices (multi-memory)', () => {
    const b = body(`(module (memory $a 1) (memory $b 1) (memory $c 1)
      (data $d "x")
      (func
        (drop (i32.load $b offset=4 align=4 (i32.const 0)))
        (i64.store $c offset=16 (i32.const 0) (i64.const 0))
        (drop (i32.load8_u (i32.const 0)))
        (drop (memory.size $c)) (drop (memory.grow $b (i32.const 1)))
        (memory.copy $c $a (i32.const 0) (i32.const 0) (i32.const 0))
        (memory.fill $b (i32.const 0) (i32.const 0) (i32.const 0))
        (memory.init $c $d (i32.const 0) (i32.const 0) (i32.const 0))
        (data.drop $d)))`);
    const pick = (op: number) => b.find((i) => i.op === op)!;
    expect(pick(0x28)).toMatchObject({ mem: 1, align: 2, memOffset: 4 });
    expect(pick(0x37)).toMatchObject({ mem: 2, align: 3, memOffset: 16 });
    expect(pick(0x2d)).toMatchObject({ mem: 0, align: 0, memOffset: 0 });
    expect(pick(0x3f).mem).toBe(2);
    expect(pick(0x40).mem).toBe(1);
    expect(pick(Op.MemoryCopy)).toMatchObject({ mem: 2, mem2: 0 });
    expect(pick(Op.MemoryFill).mem).toBe(1);
    expect(pick(Op.MemoryInit)).toMatchObject({ mem: 2, segment: 0 });
    expect(pick(Op.DataDrop).segment).toBe(0);
  });

  it('reads memarg flags exactly', () => {
    // align 2 with bit 6: memory index 2 follows, then the offset.
    expect(rawBody([0x41, 0, 0x28, 0x42, 2, 7, 0x1a], 3)[1]).toMatchObject({ op: 0x28, mem: 2, align: 2, memOffset: 7 });
    // A huge offset is kept for the validator to reject.
    expect(rawBody([0x41, 0, 0x28, 0x02, 0x80, 0x80, 0x80, 0x80, 0x10, 0x1a])[1].memOffset).toBe(2 ** 32);
    expect(error(() => rawBody([0x41, 0, 0x28, 0x80, 0x01, 0, 0x1a])).message).toContain('malformed memop flags');
    // Overlong memory index of memory.size (u32 in Wasm 3.0).
    expect(rawBody([0x3f, 0x80, 0x00, 0x1a])[0].mem).toBe(0);
  });

  it('decodes table, reference and bulk table instructions', () => {
    const b = body(`(module (table $t 1 funcref) (table $u 1 funcref) (elem $e func $f) (func $f
      (drop (table.get $u (i32.const 0)))
      (table.set $u (i32.const 0) (ref.null func))
      (drop (table.grow $u (ref.func $f) (i32.const 1)))
      (drop (table.size $u))
      (table.fill $u (i32.const 0) (ref.null func) (i32.const 0))
      (table.copy $t $u (i32.const 0) (i32.const 0) (i32.const 0))
      (table.init $u $e (i32.const 0) (i32.const 0) (i32.const 0))
      (elem.drop $e)
      (drop (ref.is_null (ref.null extern)))
      (call_indirect $u (type 0) (i32.const 0))
      (drop (select (result funcref) (ref.null func) (ref.null func) (i32.const 0)))))`);
    const pick = (op: number) => b.find((i) => i.op === op)!;
    expect(pick(0x25).mem).toBe(1);
    expect(pick(0x26).mem).toBe(1);
    expect(pick(Op.TableGrow).mem).toBe(1);
    expect(pick(Op.TableSize).mem).toBe(1);
    expect(pick(Op.TableFill).mem).toBe(1);
    expect(pick(Op.TableCopy)).toMatchObject({ mem: 0, mem2: 1 });
    expect(pick(Op.TableInit)).toMatchObject({ mem: 1, segment: 0 });
    expect(pick(Op.ElemDrop).segment).toBe(0);
    expect(pick(0xd2).index).toBe(0);
    expect(b.filter((i) => i.op === 0xd0).map((i) => i.refType)).toContain(ValType.ExternRef);
    expect(pick(0x11)).toMatchObject({ index: 0, mem: 1 });
    expect(pick(0x1c).selectTypes).toEqual([ValType.FuncRef]);
  });

  it('decodes saturating truncations and sign extension', () => {
    const b = body('(module (func (drop (i32.trunc_sat_f32_s (f32.const 0))) (drop (i64.trunc_sat_f64_u (f64.const 0))) (drop (i64.extend32_s (i64.const 0)))))');
    expect(b.map((i) => i.op)).toEqual([0x43, Op.I32TruncSatF32S, 0x1a, 0x44, Op.I64TruncSatF64U, 0x1a, 0x42, 0xc4, 0x1a, 0x0b]);
  });

  it('decodes try_table, throw and throw_ref', () => {
    const b = body(`(module (tag $e (param i32)) (tag $f)
      (func (result i32)
        (block $h (result i32 exnref)
          (block $g
            (try_table (catch $e 1) (catch_ref $e 1) (catch_all 0) (catch_all_ref 1)
              (throw $f)))
          (unreachable))
        (throw_ref)))`);
    const tt = b.find((i) => i.op === 0x1f)!;
    expect(tt.catches).toEqual([
      { kind: CatchKind.Catch, tag: 0, depth: 1 },
      { kind: CatchKind.CatchRef, tag: 0, depth: 1 },
      { kind: CatchKind.CatchAll, tag: -1, depth: 0 },
      { kind: CatchKind.CatchAllRef, tag: -1, depth: 1 },
    ]);
    expect(b.find((i) => i.op === 0x08)!.tag).toBe(1);
    expect(b.some((i) => i.op === 0x0a)).toBe(true);
    expect(error(() => rawBody([0x1f, 0x40, 1, 4, 0, 0x0b])).message).toContain('malformed catch clause');
  });

  it('decodes legacy exception handling', () => {
    const b = body(`(module (tag $e (param i32))
      (func
        (try (do (try (do (nop)) (delegate 0)))
          (catch $e (drop))
          (catch_all (rethrow 0)))))`);
    expect(b.map((i) => i.op)).toEqual([0x06, 0x06, 0x01, 0x18, 0x07, 0x1a, 0x19, 0x09, 0x0b, 0x0b]);
    expect(b[3].depth).toBe(0);
    expect(b[4].tag).toBe(0);
    expect(b[7].depth).toBe(0);
  });

  it('decodes the immediates of tail calls and typed reference instructions', () => {
    const b = rawBody([0x12, 0, 0x13, 0, 0, 0x14, 0, 0x15, 0, 0xd4, 0xd5, 1, 0xd6, 2, 0xd0, 0x00, 0xd0, 0x73, 0xd0, 0x70, 0x02, 0x64, 0x00, 0x0b]);
    const strip = ({ offset: _o, type: _t, ...rest }: Instr) => rest;
    expect(b.slice(0, 10).map(strip)).toEqual([
      { op: 0x12, index: 0 }, // return_call
      { op: 0x13, index: 0, mem: 0 }, // return_call_indirect
      { op: 0x14, index: 0 }, // call_ref
      { op: 0x15, index: 0 }, // return_call_ref
      { op: 0xd4 }, // ref.as_non_null
      { op: 0xd5, depth: 1 }, // br_on_null
      { op: 0xd6, depth: 2 }, // br_on_non_null
      { op: 0xd0, refType: 0x100001 }, // ref.null $0 = (ref null 0)
      { op: 0xd0, refType: 0x73 }, // ref.null nofunc = nullfuncref
      { op: 0xd0, refType: ValType.FuncRef }, // ref.null func
    ]);
    expect(b[10].type!.results).toEqual([0x100000]); // block (result (ref 0))
  });

  it('rejects unknown opcodes as malformed and later proposals as unsupported', () => {
    expect(error(() => rawBody([0x00, 0xff, 0x00])).message).toContain('illegal opcode ff');
    expect(error(() => rawBody([0x27])).message).toContain('illegal opcode 27');
    expect(error(() => rawBody([0xfc, 18])).message).toContain('illegal opcode');
    const feature = (code: number[]) => /unsupported feature: (\S+)/.exec(error(() => rawBody(code)).message)?.[1];
    expect(feature([0xfd, 0x0c])).toBe('simd');
    expect(feature([0xfb, 0x00])).toBe('gc');
    expect(feature([0xfe, 0x00])).toBe('threads');
    expect(feature([0xd3])).toBe('gc'); // ref.eq
    expect(feature([0xd0, 0x6e])).toBe('gc'); // ref.null any
    expect(feature([0xd0, 0x71])).toBe('gc'); // ref.null none
    expect(feature([0x02, 0x63, 0x6c, 0x0b])).toBe('gc'); // block (result i31ref)
    expect(feature([0x02, 0x7b, 0x0b])).toBe('simd'); // block (result v128)
    expect(error(() => rawBody([0xd0, 0x05])).message).toContain('unknown type 5'); // ref.null $5
    expect(error(() => rawBody([0xd0, 0x60])).message).toContain('malformed heap type'); // a non-heap code
    expect(error(() => rawBody([0xd0, 0xf0, 0x7f])).message).toContain('malformed heap type'); // func, two bytes
    expect(error(() => rawBody([0x1c, 1, 0x63, 0x01])).message).toContain('unknown type 1');
  });

  it('requires the final end and nothing after it', () => {
    expect(error(() => rawBody([0x02, 0x40]).slice()).message).toContain('END opcode expected');
    // rawBody appends `end`; an extra end closes the function early.
    expect(error(() => rawBody([0x0b, 0x01])).message).toContain('section size mismatch');
    expect(error(() => rawBody([0x44, 1, 2])).message).toContain('unexpected end of section or function');
  });

  it('requires the data count section for memory.init and data.drop', () => {
    const fn = [0, 0xfc, 9, 0, 0x0b];
    const bytes = new Uint8Array([
      0, 0x61, 0x73, 0x6d, 1, 0, 0, 0,
      ...section(1, [1, 0x60, 0, 0]),
      ...section(3, [1, 0]),
      ...section(5, [1, 0, 1]),
      ...section(10, [1, fn.length, ...fn]),
      ...section(11, [1, 1, 0]),
    ]);
    const m = decodeModule(bytes);
    expect(error(() => decodeBody(m, m.funcs[0])).message).toContain('data count section required');
  });
});
