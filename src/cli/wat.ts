// WebAssembly text (.wat) to binary, through wabt. A text-level error becomes a
// CompileError whose offset is the character offset in the text.
import { compileError } from '../errors.js';

type Wabt = Awaited<ReturnType<typeof import('wabt')>>;
let wabtPromise: Promise<Wabt> | null = null;

/** Every proposal wabt knows that wasm2es accepts (validation is ours, not wabt's). */
export const WABT_FEATURES = {
  exceptions: true, mutable_globals: true, sat_float_to_int: true, sign_extension: true,
  simd: true, relaxed_simd: true, multi_value: true, bulk_memory: true, reference_types: true,
  multi_memory: true, extended_const: true, tail_call: true,
};

export async function watToWasm(text: string, filename: string): Promise<Uint8Array> {
  wabtPromise ??= import('wabt').then((m) => (m as any).default());
  const wabt = await wabtPromise;
  let mod;
  try {
    mod = wabt.parseWat(filename, text, WABT_FEATURES);
  } catch (e) {
    const msg = String((e as Error).message ?? e).trim();
    const m = /:(\d+):(\d+): error: (.*)/.exec(msg);
    let offset = 0;
    if (m) {
      const lines = text.split('\n');
      for (let i = 0; i < Number(m[1]) - 1 && i < lines.length; i++) offset += lines[i].length + 1;
      offset += Number(m[2]) - 1;
    }
    throw compileError(offset, `invalid text format: ${m ? m[3] : msg}`);
  }
  try {
    return mod.toBinary({ write_debug_names: true }).buffer;
  } finally {
    mod.destroy();
  }
}
