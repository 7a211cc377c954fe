// WASI (docs/semantics.md, "WASI"): a compiled WASI command runs with a JS WASI
// shim that reads memory through `instance.exports.memory.buffer`
// (fixtures/wasi/wasi-shim.mjs), printing and exiting as the same module does on
// native WebAssembly with the same shim. node:wasi cannot run it: it takes only a
// native WebAssembly.Memory (checked, so that the docs' statement stays true).
import { describe, it, expect } from 'vitest';
import { readFileSync } from 'node:fs';
import { join, resolve, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { WASI } from 'node:wasi';
import { compile, loadFactory } from './index.js';
import { wat } from './testing/wasm-bytes.js';
// @ts-expect-error: a plain JS fixture, without types
import { minimalWasi } from '../fixtures/wasi/wasi-shim.mjs';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const bytes = wat(readFileSync(join(root, 'fixtures', 'wasi', 'hello.wat'), 'utf8'));

/** Runs the command on an instance maker; what it wrote per fd and its exit status. */
function run(instantiate: (imports: object) => { exports: Record<string, unknown> }) {
  const out: string[] = [];
  const shim = minimalWasi((fd: number, b: Uint8Array) => out.push(`${fd}:${new TextDecoder().decode(b)}`));
  const status = shim.start(instantiate(shim.imports));
  return { out, status };
}

describe('WASI through a JS shim', () => {
  it('a compiled fd_write/proc_exit command prints and exits as on native WebAssembly', () => {
    const native = run((imports) => new WebAssembly.Instance(new WebAssembly.Module(bytes), imports as WebAssembly.Imports) as never);
    const m = loadFactory(compile(bytes, { format: 'factory' }).js);
    const ours = run((imports) => m.instantiateSync(imports).instance as never);
    expect(native).toEqual({ out: ['1:hello from wasi\n'], status: 3 });
    expect(ours).toEqual(native);
  });

  it('node:wasi rejects the compiled module\'s memory (it takes only a native WebAssembly.Memory)', () => {
    const wasi = new WASI({ version: 'preview1', returnOnExit: true });
    const instance = loadFactory(compile(bytes, { format: 'factory' }).js).instantiateSync(wasi.getImportObject()).instance;
    expect(() => wasi.start(instance as never)).toThrow(/must be a WebAssembly\.Memory/);
  });
});
