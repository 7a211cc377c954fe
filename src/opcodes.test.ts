// The opcode table against itself and against wabt: every row's enum name is
// its spec name, and every row's encoding is what wabt writes for that name
// (the name -> bytes mapping comes from an independent assembler, not from us).
import { describe, expect, it } from 'vitest';
import { Imm, Op, OPCODES, OP_INFO, opEncoding, type OpInfo } from './opcodes.js';

const wabt = await (await import('wabt')).default();
const FEATURES = {
  exceptions: true, multi_memory: true, extended_const: true, tail_call: true,
  function_references: true, reference_types: true, bulk_memory: true,
} as Record<string, boolean>;

/** Enum keys whose name is not the PascalCase of the text name. */
const RENAMED: Record<string, string> = { TypedSelect: 'select' };

const pascal = (name: string) => name.split(/[._]/).map((w) => w[0].toUpperCase() + w.slice(1)).join('');
const enumObject = Op as unknown as Record<string, number>;

describe('opcode table', () => {
  const real = OPCODES.filter((r) => r.imm !== Imm.Outline && r.imm !== Imm.Inline);

  it('names every enum member after its row', () => {
    const keys = Object.keys(enumObject).filter((k) => Number.isNaN(Number(k)));
    expect(keys.length).toBeGreaterThan(200);
    for (const key of keys) {
      const row = OP_INFO[enumObject[key]];
      expect(row, key).toBeDefined();
      if (row!.imm === Imm.Outline || row!.imm === Imm.Inline) continue;
      expect(RENAMED[key] ?? pascal(row!.name), key).toBe(RENAMED[key] ? row!.name : key);
    }
    expect(OPCODES.length).toBe(keys.length);
  });

  /** Text for one instruction with immediates wabt accepts, inside whatever frame it needs. */
  /** With the number of bytes before the instruction (the frame it needs opened). */
  function text(r: OpInfo): [string, number] {
    switch (r.op) {
      case Op.Else: return ['if nop else nop end', 3];
      case Op.Catch: return ['try catch $e end', 2];
      case Op.CatchAll: return ['try catch_all end', 2];
      case Op.Delegate: return ['try delegate 0', 2];
      case Op.End: return ['block end', 2];
    }
    const imm: Record<number, string> = {
      [Imm.None]: '', [Imm.Block]: ' end', [Imm.Label]: ' 0', [Imm.BrTable]: ' 0', [Imm.Func]: ' $f',
      [Imm.Local]: ' 0', [Imm.Global]: ' 0', [Imm.Type]: ' $t', [Imm.CallIndirect]: ' (type $t)',
      [Imm.Tag]: ' $e', [Imm.TryTable]: ' end', [Imm.MemArg]: '', [Imm.Memory]: '', [Imm.Table]: ' 0',
      [Imm.I32]: ' 0', [Imm.I64]: ' 0', [Imm.F32]: ' 0', [Imm.F64]: ' 0', [Imm.SelectTypes]: ' (result i32)',
      [Imm.HeapType]: ' func', [Imm.MemoryInit]: ' 0', [Imm.Data]: ' 0', [Imm.MemoryCopy]: '',
      [Imm.TableInit]: ' 0', [Imm.Elem]: ' 0', [Imm.TableCopy]: '',
    };
    return [r.name + imm[r.imm], 0];
  }

  /** The bytes of the first instruction of the only function's body. */
  function firstInstr(bytes: Uint8Array): Uint8Array {
    let p = 8;
    const leb = () => {
      let v = 0, shift = 0, b;
      do { b = bytes[p++]; v += (b & 0x7f) * 2 ** shift; shift += 7; } while (b & 0x80);
      return v;
    };
    while (p < bytes.length) {
      const id = bytes[p++];
      const size = leb();
      if (id !== 10) { p += size; continue; }
      leb(); // one body
      leb(); // its size
      const groups = leb();
      for (let g = 0; g < groups; g++) { leb(); p++; }
      return bytes.subarray(p, p + 6);
    }
    throw new Error('no code section');
  }

  /**
   * Rows wabt 1.0.39 cannot assemble from text (typed function references),
   * assembled by binaryen instead: a body using the instruction, and the bytes before it.
   */
  const WABT_CANNOT = new Map<Op, [string, number]>([
    [Op.RefAsNonNull, ['(drop (ref.as_non_null (local.get 0)))', 2]],
    [Op.BrOnNull, ['(block $l (drop (br_on_null $l (local.get 0))))', 4]],
    [Op.BrOnNonNull, ['(drop (block $l (result (ref $t)) (br_on_non_null $l (local.get 0)) (unreachable)))', 5]],
    [Op.CallRef, ['(call_ref $t (local.get 0))', 2]],
    [Op.ReturnCallRef, ['(return_call_ref $t (local.get 0))', 2]],
  ]);

  it('encodes the typed-reference opcodes as binaryen assembles them', async () => {
    const binaryen = (await import('binaryen')).default;
    for (const [op, [body, skip]] of WABT_CANNOT) {
      const m = binaryen.parseText(`(module (type $t (func)) (func $g (param (ref null $t)) ${body}))`);
      m.setFeatures(binaryen.Features.All);
      const bin = m.emitBinary();
      m.dispose();
      const enc = opEncoding(op);
      expect([...firstInstr(bin).subarray(skip, skip + enc.length)], OP_INFO[op]!.name).toEqual(enc);
    }
  });

  it('encodes every opcode as wabt assembles its name', () => {
    let checked = 0;
    for (const r of real) {
      if (WABT_CANNOT.has(r.op)) continue;
      const src = `(module (type $t (func)) (memory 1) (table 1 funcref) (tag $e) (global (mut i32) (i32.const 0))
        (elem func $f) (data "") (func $f (local i32) ${text(r)[0]}))`;
      const m = wabt.parseWat('op.wat', src, FEATURES);
      const bin = m.toBinary({}).buffer;
      m.destroy();
      const enc = opEncoding(r.op);
      const skip = text(r)[1];
      expect([...firstInstr(bin).subarray(skip, skip + enc.length)], r.name).toEqual(enc);
      checked++;
    }
    expect(checked).toBe(real.length - WABT_CANNOT.size);
  });

  it('derives access sizes and signatures from the rows', () => {
    expect(OP_INFO[Op.I64Load32U]!.access).toMatchObject({ bytes: 4, naturalAlign: 2, store: false });
    expect(OP_INFO[Op.F64Store]!.access).toMatchObject({ bytes: 8, naturalAlign: 3, store: true });
    expect(OP_INFO[Op.I32TruncSatF64U]!.sig).toEqual({ params: [0x7c], results: [0x7f] });
    expect(OP_INFO[Op.I64ExtendI32U]!.sig).toEqual({ params: [0x7f], results: [0x7e] });
  });
});
