// The host realm after using wasm2es: each public entry point (the package's
// built dist/, as installed) imported in a fresh Node process, and each way of
// running compiled code, must leave every built-in as it was (methods and
// attributes of the global object, of every constructor, prototype and
// namespace reachable from it, WebAssembly's included), except for the one
// documented registration of the runtime (docs/semantics.md, "The runtime in a
// realm"): `Symbol.for(<runtime key>)` on the global object, made where compiled
// code is evaluated or the runtime's classes are handed out. fixtures/realm/
// snapshot.mjs takes the snapshots and compares them.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { builtDist } from './testing/dist.js';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const SNAPSHOT = join(root, 'fixtures', 'realm', 'snapshot.mjs');

type Change = { path: string; key: string; change: string };
type Outcome = { changes: Change[]; notes: string[]; watched: number };

let dist = '';
let key = '';
let tmp = '';
beforeAll(() => {
  dist = builtDist(root);
  key = /BUILT_KEY = "([^"]+)"/.exec(readFileSync(join(dist, 'runtime', 'key.js'), 'utf8'))![1];
  tmp = mkdtempSync(join(tmpdir(), 'wasm2es-realm-'));
}, 180_000);
afterAll(() => {
  if (tmp) rmSync(tmp, { recursive: true, force: true });
});

function run(steps: string[], flags: string[] = []): Outcome {
  const out = execFileSync(process.execPath, [...flags, SNAPSHOT, dist, ...steps], { encoding: 'utf8', cwd: root });
  return JSON.parse(out) as Outcome;
}

/** The one documented change: the runtime's registration on the global object. */
const registration = (): Change[] => [{ path: 'globalThis', key: `Symbol(${key})`, change: 'added' }];

const CASES: { name: string; steps: () => string[]; registers: boolean; notes?: string[] }[] = [
  { name: 'import wasm2es (dist/index.js)', steps: () => ['import:index.js'], registers: false },
  { name: 'import wasm2es/runtime', steps: () => ['import:runtime/index.js'], registers: true },
  { name: 'import wasm2es/polyfill', steps: () => ['import:polyfill/index.js'], registers: true },
  { name: 'import wasm2es/vite', steps: () => ['import:plugin/vite.js'], registers: false },
  { name: 'import wasm2es/rollup', steps: () => ['import:plugin/rollup.js'], registers: false },
  { name: 'decode a module (dist/binary/module.js alone)', steps: () => ['decode'], registers: false },
  { name: 'decode a malformed module', steps: () => ['decode-malformed'], registers: false, notes: ['decode threw CompileError'] },
  { name: 'compile a module, and a malformed one', steps: () => ['compile', 'compile-malformed'], registers: false, notes: ['compile threw CompileError: true'] },
  { name: 'evaluate compiled code: loadFactory', steps: () => ['load-factory'], registers: true, notes: ['throw(4) = 5'] },
  { name: 'evaluate compiled code: an ES module output', steps: () => [`aot:${join(tmp, 'aot.mjs')}`], registers: true, notes: ['throw(5) = 6'] },
  { name: 'evaluate compiled code: the polyfill', steps: () => ['polyfill-instantiate'], registers: true, notes: ['throw(6) = 7'] },
  {
    name: "link the host's own (frozen) memory, table, global and tag into a compiled module",
    steps: () => ['link-natives'],
    registers: true,
    notes: ['m own keys: none', 't own keys: none', 'g own keys: none', 'x own keys: none'],
  },
];

describe('the host realm after using wasm2es (Node with WebAssembly)', () => {
  for (const c of CASES) {
    it(c.name, () => {
      const r = run(c.steps());
      expect(r.watched).toBeGreaterThan(200);
      expect(r.changes).toEqual(c.registers ? registration() : []);
      expect(r.notes).toEqual(c.notes ?? []);
    });
  }
  it('the registration is where compiled code finds the runtime (one per realm, shared)', () => {
    const r = run(['import:runtime/index.js', `aot:${join(tmp, 'shared.mjs')}`, 'load-factory']);
    expect(r.changes).toEqual(registration());
  });
});

// Without WebAssembly the package's error classes are the runtime's own: importing
// `wasm2es`, or the first compile error, registers it (docs/semantics.md).
const NO_WASM: { name: string; steps: () => string[]; registers: boolean }[] = [
  { name: 'import wasm2es (its error classes are the runtime\'s)', steps: () => ['import:index.js'], registers: true },
  { name: 'import wasm2es/vite', steps: () => ['import:plugin/vite.js'], registers: false },
  { name: 'decode a module', steps: () => ['decode'], registers: false },
  { name: 'decode a malformed module (the CompileError class is the runtime\'s)', steps: () => ['decode-malformed'], registers: true },
  { name: 'evaluate compiled code: an ES module output', steps: () => [`aot:${join(tmp, 'aot-nowasm.mjs')}`], registers: true },
  { name: 'import wasm2es/polyfill', steps: () => ['import:polyfill/index.js'], registers: true },
];

describe('the host realm after using wasm2es (node --noexpose-wasm)', () => {
  for (const c of NO_WASM) {
    it(c.name, () => {
      expect(run(c.steps(), ['--noexpose-wasm']).changes).toEqual(c.registers ? registration() : []);
    });
  }
});
