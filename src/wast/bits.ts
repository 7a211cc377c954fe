// Float values checked by their bits, as the spec's own JS harness does.
//
// A NaN's bits do not survive a trip through a JS Number reliably: V8 may
// quiet a signalling NaN or canonicalize any NaN wherever it stores doubles
// unboxed, so neither an argument nor a result of an exported function can be
// trusted to carry its payload across. The reference interpreter's JS harness
// (interpreter/script/js.ml) therefore runs such assertions inside Wasm. We do
// the same: a small wrapper module, compiled by the engine under test, imports
// the function (or global) at the expected type and exports `run`, which takes
// every float argument as its bit pattern (i32 / i64), reinterprets it, calls
// the function, and returns every float result reinterpreted as an integer.
// Integers cross the JS boundary exactly, so the check sees the very bits the
// function produced.
import type { CompiledModule } from '../api.js';

/** A numeric value type of the script's constants. */
export type NumType = 'i32' | 'i64' | 'f32' | 'f64';

const CODE: Record<NumType, number> = { i32: 0x7f, i64: 0x7e, f32: 0x7d, f64: 0x7c };
/** The integer type carrying each type's bits across the JS boundary. */
const CARRIER: Record<NumType, NumType> = { i32: 'i32', i64: 'i64', f32: 'i32', f64: 'i64' };
/** Opcodes: integer bits to float (for arguments), float to integer bits (for results). */
const FROM_BITS: Partial<Record<NumType, number>> = { f32: 0xbe, f64: 0xbf };
const TO_BITS: Partial<Record<NumType, number>> = { f32: 0xbc, f64: 0xbd };

function leb(n: number, out: number[]): void {
  do {
    let b = n & 0x7f;
    n >>>= 7;
    if (n) b |= 0x80;
    out.push(b);
  } while (n);
}
function section(id: number, body: number[], out: number[]): void {
  out.push(id);
  leb(body.length, out);
  out.push(...body);
}
function name(s: string, out: number[]): void {
  leb(s.length, out);
  for (const c of s) out.push(c.charCodeAt(0));
}
function funcType(ps: NumType[], rs: NumType[], out: number[]): void {
  out.push(0x60);
  leb(ps.length, out);
  for (const p of ps) out.push(CODE[p]);
  leb(rs.length, out);
  for (const r of rs) out.push(CODE[r]);
}

/**
 * The wrapper of a function of type (ps) -> (rs), imported as "t" "f": `run`
 * takes and returns the carriers (CARRIER) of the same values.
 */
export function functionWrapper(ps: NumType[], rs: NumType[]): Uint8Array {
  const out = [0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00];
  const types: number[] = [2];
  funcType(ps, rs, types);
  funcType(ps.map((t) => CARRIER[t]), rs.map((t) => CARRIER[t]), types);
  section(1, types, out);
  const imp: number[] = [1];
  name('t', imp);
  name('f', imp);
  imp.push(0x00, 0);
  section(2, imp, out);
  section(3, [1, 1], out);
  const exp: number[] = [1];
  name('run', exp);
  exp.push(0x00, 1);
  section(7, exp, out);
  // Body: the results go to locals (last first) to be reinterpreted in order.
  const body: number[] = [];
  leb(rs.length, body);
  for (const r of rs) body.push(1, CODE[r]);
  ps.forEach((p, i) => {
    body.push(0x20);
    leb(i, body);
    if (FROM_BITS[p]) body.push(FROM_BITS[p]!);
  });
  body.push(0x10, 0);
  for (let k = rs.length - 1; k >= 0; k--) {
    body.push(0x21);
    leb(ps.length + k, body);
  }
  rs.forEach((r, k) => {
    body.push(0x20);
    leb(ps.length + k, body);
    if (TO_BITS[r]) body.push(TO_BITS[r]!);
  });
  body.push(0x0b);
  const code: number[] = [1];
  leb(body.length, code);
  code.push(...body);
  section(10, code, out);
  return new Uint8Array(out);
}

/** The wrapper of a global of type `t` imported as "t" "g": `run` returns its value's carrier. */
export function globalWrapper(t: NumType, mutable: boolean): Uint8Array {
  const out = [0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00];
  const types: number[] = [1];
  funcType([], [CARRIER[t]], types);
  section(1, types, out);
  const imp: number[] = [1];
  name('t', imp);
  name('g', imp);
  imp.push(0x03, CODE[t], mutable ? 1 : 0);
  section(2, imp, out);
  section(3, [1, 0], out);
  const exp: number[] = [1];
  name('run', exp);
  exp.push(0x00, 0);
  section(7, exp, out);
  const body = [0, 0x23, 0];
  if (TO_BITS[t]) body.push(TO_BITS[t]!);
  body.push(0x0b);
  section(10, [1, body.length, ...body], out);
  return new Uint8Array(out);
}

/** A value's bits as its carrier crosses JS: i32/f32 a signed int32 Number, i64/f64 a signed BigInt. */
export type Carried = number | bigint;

/**
 * Runs float-carrying actions through wrappers compiled by `load`; one wrapper
 * module per signature, one instance per function or global.
 */
export class BitsRunner {
  private readonly modules = new Map<string, CompiledModule>();
  private readonly instances = new Map<string, WeakMap<object, (...a: Carried[]) => unknown>>();

  constructor(private readonly load: (bytes: Uint8Array) => CompiledModule) {}

  private run(key: string, target: object, bytes: () => Uint8Array, imports: (v: object) => object): (...a: Carried[]) => unknown {
    let byTarget = this.instances.get(key);
    if (!byTarget) this.instances.set(key, (byTarget = new WeakMap()));
    let run = byTarget.get(target);
    if (!run) {
      let m = this.modules.get(key);
      if (!m) this.modules.set(key, (m = this.load(bytes())));
      run = m.instantiateSync(imports(target)).instance.exports.run as (...a: Carried[]) => unknown;
      byTarget.set(target, run);
    }
    return run;
  }

  /** Calls `fn` with the arguments' bits; returns the results' bits, one per result. */
  call(fn: object, ps: NumType[], rs: NumType[], args: Carried[]): Carried[] {
    const key = `${ps.join(',')}->${rs.join(',')}`;
    const run = this.run(key, fn, () => functionWrapper(ps, rs), (f) => ({ t: { f } }));
    const r = run(...args);
    if (rs.length === 0) return [];
    if (rs.length === 1) return [r as Carried];
    return [...(r as Carried[])];
  }

  /** A global's value's bits (the global may be mutable or not: both are tried). */
  get(global: object, t: NumType): Carried {
    for (const mutable of [false, true]) {
      let run;
      try {
        run = this.run(`global ${t} ${mutable}`, global, () => globalWrapper(t, mutable), (g) => ({ t: { g } }));
      } catch (e) {
        if (!mutable && e instanceof Error && e.name === 'LinkError') continue;
        throw e;
      }
      return run() as Carried;
    }
    throw new Error('unreachable');
  }
}
