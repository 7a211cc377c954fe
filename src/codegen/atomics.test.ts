// Atomic instructions (threads) against the native engine: every atomic row of
// the opcode table, with and without a static offset, on a shared and on an
// unshared memory, called in one seeded sequence of aligned, unaligned and
// out-of-bounds addresses; results, traps and the final memory bytes must be
// native's.
import { describe, expect, it } from 'vitest';
import { compile, loadFactory } from '../index.js';
import { OPCODES, type OpInfo } from '../opcodes.js';
import { assembleText } from '../text/index.js';

const ATOMIC = OPCODES.filter((r) => r.atomic && !r.name.startsWith('memory.'));
const typeName = (t: number) => (t === 0x7e ? 'i64' : 'i32');

function moduleText(shared: boolean): string {
  const funcs: string[] = [];
  const fn = (r: OpInfo, off: number) => {
    const params = r.sig!.params.map((t, i) => `(param $p${i} ${typeName(t)})`).join(' ');
    const result = r.sig!.results.length ? `(result ${typeName(r.sig!.results[0])})` : '';
    const args = r.sig!.params.map((_, i) => `(local.get $p${i})`).join(' ');
    funcs.push(`(func (export "${r.name}@${off}") ${params} ${result} (${r.name}${off ? ` offset=${off}` : ''} ${args}))`);
  };
  for (const r of ATOMIC) for (const off of [0, 8]) fn(r, off);
  // wait/notify: never blocking here (expected values differ, or timeout 0).
  funcs.push('(func (export "notify") (param i32 i32) (result i32) (memory.atomic.notify offset=4 (local.get 0) (local.get 1)))');
  funcs.push('(func (export "wait32") (param i32 i32 i64) (result i32) (memory.atomic.wait32 (local.get 0) (local.get 1) (local.get 2)))');
  funcs.push('(func (export "wait64") (param i32 i64 i64) (result i32) (memory.atomic.wait64 (local.get 0) (local.get 1) (local.get 2)))');
  funcs.push('(func (export "fence") (atomic.fence))');
  funcs.push('(func (export "grow") (param i32) (result i32) (memory.grow (local.get 0)))');
  return `(module (memory (export "mem") 1 2${shared ? ' shared' : ''})\n${funcs.join('\n')})`;
}

/** A seeded xorshift32. */
function rng(seed: number) {
  let s = seed;
  return () => {
    s ^= s << 13;
    s ^= s >>> 17;
    s ^= s << 5;
    return s >>> 0;
  };
}

function run(exports: any, seed: number): unknown[] {
  const next = rng(seed);
  const log: unknown[] = [];
  const call = (name: string, args: unknown[]) => {
    try {
      log.push(name, exports[name](...args));
    } catch (e) {
      log.push(name, `trap ${(e as Error).constructor.name}`);
    }
  };
  const addr = () => {
    const k = next() % 8;
    const page = exports.mem.buffer.byteLength;
    if (k === 0) return page - (next() % 16); // near the end: some out of bounds
    if (k === 1) return next() % 64; // any alignment
    if (k === 2) return -8; // huge unsigned
    return (next() % 64) * 8; // aligned
  };
  const value = (t: number) => (t === 0x7e ? BigInt.asIntN(64, (BigInt(next()) << 32n) | BigInt(next())) : next() | 0);
  for (let i = 0; i < 3000; i++) {
    const r = ATOMIC[next() % ATOMIC.length];
    const off = next() % 2 ? 8 : 0;
    call(`${r.name}@${off}`, [addr(), ...r.sig!.params.slice(1).map(value)]);
    if (i === 1500) call('grow', [1]);
    if (i % 100 === 0) {
      call('notify', [addr(), next() % 3]);
      call('wait32', [addr(), value(0x7f), 0n]);
      call('wait64', [addr(), value(0x7e), 0n]);
      call('fence', []);
    }
  }
  log.push(Array.from(new Uint8Array(exports.mem.buffer)).join(','));
  return log;
}

describe('atomic instructions vs native', () => {
  for (const shared of [true, false]) {
    it(`every atomic row agrees with native on a${shared ? ' shared' : 'n unshared'} memory (results, traps, bytes)`, () => {
      const bytes = assembleText(moduleText(shared), 'atomics.wat').bytes;
      const native = new WebAssembly.Instance(new WebAssembly.Module(bytes)).exports;
      const ours = loadFactory(compile(bytes, { format: 'factory' }).js).instantiateSync({}).instance.exports;
      const a = run(native, 0x9e3779b9);
      const b = run(ours, 0x9e3779b9);
      // The sequence exercised every kind of outcome (a check that can fail).
      expect(a.filter((x) => x === 'trap RuntimeError').length).toBeGreaterThan(100);
      expect(b).toEqual(a);
    }, 120_000);
  }

  it('a shared memory grows in place: the buffer object stays, its length follows', () => {
    const bytes = assembleText(moduleText(true), 'atomics.wat').bytes;
    const x = loadFactory(compile(bytes, { format: 'factory' }).js).instantiateSync({}).instance.exports as any;
    const b = x.mem.buffer;
    expect(b).toBeInstanceOf(SharedArrayBuffer);
    expect(Object.isFrozen(b)).toBe(true);
    expect(x.grow(1)).toBe(1);
    expect(b.byteLength).toBe(2 * 65536);
    expect(x.grow(1)).toBe(-1);
  });
});
