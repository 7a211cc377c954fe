// The `spectest` module every spec script may import from, made of the runtime's own
// Memory/Table/Global classes so compiled modules link against it as they would
// against their own exports.

import { runtime } from '../runtime/index.js';

type Ctor = new (...args: any[]) => any;

/** The runtime's class of that name, or the host's WebAssembly one until it exists. */
export function runtimeClass(name: 'Memory' | 'Table' | 'Global'): Ctor {
  const rt = runtime as unknown as Record<string, Ctor | undefined>;
  const own = rt[name];
  if (own) return own;
  const W = (globalThis as { WebAssembly?: Record<string, Ctor> }).WebAssembly;
  if (W?.[name]) return W[name];
  throw new Error(`runtime.${name} is not available`);
}

/**
 * A fresh spectest instance (fresh per script, so no state leaks between files).
 * The print functions discard their arguments unless `log` is given; `classes`
 * overrides the runtime's classes (tests use the host's WebAssembly ones).
 */
export function makeSpectest(
  opts: { log?: (line: string) => void; classes?: { Memory: Ctor; Table: Ctor; Global: Ctor } } = {},
): Record<string, unknown> {
  const { log } = opts;
  const Memory = opts.classes?.Memory ?? runtimeClass('Memory');
  const Table = opts.classes?.Table ?? runtimeClass('Table');
  const Global = opts.classes?.Global ?? runtimeClass('Global');
  const print = (...args: unknown[]) => {
    if (log) log(args.map(String).join(' '));
  };
  return {
    print: () => print(),
    print_i32: (x: number) => print(x),
    print_i64: (x: bigint) => print(x),
    print_f32: (x: number) => print(x),
    print_f64: (x: number) => print(x),
    print_i32_f32: (x: number, y: number) => print(x, y),
    print_f64_f64: (x: number, y: number) => print(x, y),
    global_i32: new Global({ value: 'i32', mutable: false }, 666),
    global_i64: new Global({ value: 'i64', mutable: false }, 666n),
    global_f32: new Global({ value: 'f32', mutable: false }, 666.6),
    global_f64: new Global({ value: 'f64', mutable: false }, 666.6),
    table: new Table({ element: 'anyfunc', initial: 10, maximum: 20 }),
    memory: new Memory({ initial: 1, maximum: 2 }),
  };
}
