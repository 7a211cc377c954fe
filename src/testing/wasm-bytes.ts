// Helpers the unit tests share for making modules: WAT through wabt, and byte
// builders for encodings wabt does not write. Test-only (excluded from the build).
import { validateBinary } from '../compile.js';
import { CompileError } from '../runtime/index.js';

const wabt = await (await import('wabt')).default();

/**
 * WAT text to a binary (wabt, without its validator: invalid modules must reach
 * ours); with `names`, wabt also writes the name section.
 */
export function wat(text: string, names = false): Uint8Array {
  const m = wabt.parseWat('test.wat', text, {
    exceptions: true,
    multi_memory: true,
    extended_const: true,
    simd: true,
    relaxed_simd: true,
  } as Parameters<typeof wabt.parseWat>[2]);
  try {
    return m.toBinary({ write_debug_names: names }).buffer;
  } finally {
    m.destroy();
  }
}

/** null when the module decodes and validates, else the error thrown. */
export function checkError(bytes: Uint8Array): Error | null {
  try {
    validateBinary(bytes);
    return null;
  } catch (e) {
    return e as Error;
  }
}

/** null when the module decodes and validates, else the message (which must come from a CompileError). */
export function check(bytes: Uint8Array): string | null {
  const e = checkError(bytes);
  if (e !== null && !(e instanceof CompileError)) throw e;
  return e === null ? null : e.message;
}

/** Unsigned LEB128. */
export function leb(n: number): number[] {
  const out: number[] = [];
  do {
    let b = n & 0x7f;
    n = Math.floor(n / 128);
    if (n) b |= 0x80;
    out.push(b);
  } while (n);
  return out;
}

/** Signed LEB128 (32-bit range). */
export function sleb(n: number): number[] {
  const out: number[] = [];
  for (;;) {
    const b = n & 0x7f;
    n >>= 7;
    if ((n === 0 && !(b & 0x40)) || (n === -1 && b & 0x40)) return [...out, b];
    out.push(b | 0x80);
  }
}

export const str = (s: string) => [...leb(s.length), ...Buffer.from(s, 'utf8')];
export const vec = (items: number[][]) => [...leb(items.length), ...items.flat()];
export const section = (id: number, body: number[]) => [id, ...leb(body.length), ...body];
