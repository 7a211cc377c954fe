// Extreme but valid modules, the fast ones (fuzz/extremes.mjs runs the slow
// ones: 10 MB of code, 100,000-deep nesting, and measures time and memory).
// The compiler must handle them without recursion deep enough to overflow the
// stack and in time about proportional to the input; the output must compute
// what the builders (fuzz/extreme-modules.mjs) derived from the way they built
// each module, and what Node's own WebAssembly computes where it accepts it.
import { describe, it, expect } from 'vitest';
import { Worker } from 'node:worker_threads';
import { compile, loadFactory } from './index.js';
// @ts-ignore: plain JS shared with fuzz/extremes.mjs
import * as M from '../fuzz/extreme-modules.mjs';

type Call = [string, number[], number];
interface Built {
  bytes: Uint8Array;
  calls: Call[];
}

/** Calls each export on an instance; results or error class names. */
function results(exports: Record<string, any>, calls: Call[]): unknown[] {
  return calls.map(([f, args]) => {
    try {
      return exports[f](...args);
    } catch (e) {
      return `threw ${(e as Error)?.constructor?.name}`;
    }
  });
}

/**
 * Loads factory output and makes the calls in a worker thread with `stackMb` of
 * stack. V8 parses and compiles JS recursively, about 0.6-1 KB of native stack per
 * level of statement nesting: 10,000 nested statements do not load at its default
 * stack (984 KB), whatever the compiler does short of restructuring the nesting.
 */
function runWithStack(js: string, calls: Call[], stackMb: number): Promise<unknown[]> {
  const source = `
    const { workerData, parentPort } = require('node:worker_threads');
    import(workerData.runtime).then(({ runtime }) => {
      const m = (0, eval)(workerData.js)(runtime).instantiateSync().instance.exports;
      parentPort.postMessage(workerData.calls.map(([f, args]) => {
        try { return m[f](...args); } catch (e) { return 'threw ' + (e && e.constructor && e.constructor.name); }
      }));
    });`;
  const runtime = new URL('../dist/runtime/index.js', import.meta.url).href;
  const w = new Worker(source, { eval: true, workerData: { js, calls, runtime }, resourceLimits: { stackSizeMb: stackMb } });
  return new Promise((resolve, reject) => {
    w.once('message', (m) => {
      resolve(m);
      void w.terminate();
    });
    w.once('error', reject);
  });
}

function nativeResults(m: Built): unknown[] | null {
  let exports: Record<string, any>;
  try {
    exports = new WebAssembly.Instance(new WebAssembly.Module(m.bytes)).exports as Record<string, any>;
  } catch {
    return null; // e.g. try_table, which Node 20 does not know
  }
  return results(exports, m.calls);
}

describe('10,000-deep nesting', () => {
  const cases: [string, (d: number) => Built][] = [
    ['blocks (every one a branch target)', M.nestedBlocks],
    ['ifs with else', M.nestedIfs],
    ['loops (every one a branch target)', M.nestedLoops],
    ['try_table', M.nestedTryTables],
    ['legacy try / catch_all / rethrow', M.nestedLegacyTries],
  ];
  for (const [label, build] of cases) {
    it(label, async () => {
      const m = build(10_000);
      const { js } = compile(m.bytes, { format: 'factory' });
      const expected = m.calls.map((c) => c[2]);
      expect(await runWithStack(js, m.calls, 64)).toEqual(expected);
      const native = nativeResults(m);
      if (native) expect(native).toEqual(expected);
    }, 60_000);
  }
});

describe('a br_table with 1,000,000 entries', () => {
  it('compiles and branches like the table says', () => {
    const m = M.bigBrTable(1_000_000) as Built;
    const x = loadFactory(compile(m.bytes, { format: 'factory' }).js).instantiateSync().instance.exports as Record<string, any>;
    expect(results(x, m.calls)).toEqual(m.calls.map((c) => c[2]));
    // V8 caps br_table at 65,520 entries (an engine limit, not the spec's); at
    // that size the same construction is checked against it.
    expect(WebAssembly.validate(m.bytes)).toBe(false);
    const small = M.bigBrTable(65_520) as Built;
    const ours = loadFactory(compile(small.bytes, { format: 'factory' }).js).instantiateSync().instance.exports as Record<string, any>;
    expect(results(ours, small.calls)).toEqual(nativeResults(small));
  }, 60_000);
});

describe('many functions', () => {
  // 100,000 take ~7 s with the native comparison; fuzz/extremes.mjs runs those.
  it('30,000 functions in a table, named, reporting progress per function', () => {
    const n = 30_000;
    const m = M.manyFunctions(n) as Built;
    const seen: [number, number][] = [];
    const { js } = compile(m.bytes, { format: 'factory', onProgress: (done, total) => void seen.push([done, total]) });
    // The defined functions are the n plus `dispatch`; one call before the first.
    expect(seen.length).toBe(n + 2);
    expect(seen.every(([done, total], k) => done === k && total === n + 1)).toBe(true);
    const x = loadFactory(js).instantiateSync().instance.exports as Record<string, any>;
    expect(results(x, m.calls)).toEqual(nativeResults(m));
    expect(results(x, m.calls)).toEqual(m.calls.map((c) => c[2]));
  }, 60_000);
});

describe('a function with many rotates', () => {
  // Found by fuzz/extremes.mjs (10 MB function): every rotate of a non-trivial
  // operand declared a temporary of its own, and a JS function with 100,000s of
  // variables has a frame too big for V8's stack: "Maximum call stack size
  // exceeded" on entry. Temporaries are now shared between rotates that are not
  // evaluated at the same time, so their number stays small at any size.
  it('20,000 rotates declare few temporaries and compute what native does', () => {
    const n = 20_000;
    const body = new M.ByteWriter(n * 6 + 16);
    body.push(0x20, 0);
    for (let i = 0; i < n; i++) {
      // (acc + 1) rotl (i % 31 + 1), and every 7th time rotl by a rotated count too.
      body.push(0x41, 1, 0x6a);
      if (i % 7 === 0) body.push(0x20, 0, 0x41, (i % 31) + 1, 0x77, 0x77);
      else body.push(0x41, (i % 31) + 1, 0x77);
    }
    body.u8(0x0b);
    const bytes = M.buildModule({ types: [[[0x7f], [0x7f]]], funcs: [{ type: 0, body: body.done() }], exports: [['f', 0, 0]] });
    const { js } = compile(bytes, { format: 'factory' });
    expect(new Set(js.match(/\$q\d+/g)).size).toBeLessThan(64);
    const calls: Call[] = [0, 1, -5, 123456789].map((x) => ['f', [x], 0]);
    const x = loadFactory(js).instantiateSync().instance.exports as Record<string, any>;
    expect(results(x, calls)).toEqual(nativeResults({ bytes, calls }));
  }, 60_000);

  it('nested rotates sharing temporaries keep their operands apart', () => {
    // rotl(rotl(a, rotl(b, c)), rotl(rotl(c, a), b)) and friends, on values that
    // make any mixed-up temporary show.
    const code = [
      0x20, 0, 0x20, 1, 0x20, 2, 0x77, 0x77, // rotl(a, rotl(b, c))
      0x20, 2, 0x20, 0, 0x41, 1, 0x6a, 0x77, 0x20, 1, 0x41, 3, 0x6a, 0x77, // rotl(rotl(c, a + 1), b + 3)
      0x77, // rotl of the two
      0x20, 0, 0x41, 5, 0x6a, 0x20, 1, 0x41, 7, 0x6a, 0x78, // rotr(a + 5, b + 7)
      0x6a, 0x0b,
    ];
    const bytes = M.buildModule({ types: [[[0x7f, 0x7f, 0x7f], [0x7f]]], funcs: [{ type: 0, body: Uint8Array.from(code) }], exports: [['f', 0, 0]] });
    const calls: Call[] = [[1, 2, 3], [0x12345678, -7, 31], [-1, 33, 64], [0x80000001, 5, -3]].map((a) => ['f', a, 0]);
    const x = loadFactory(compile(bytes, { format: 'factory' }).js).instantiateSync().instance.exports as Record<string, any>;
    expect(results(x, calls)).toEqual(nativeResults({ bytes, calls }));
  });
});
