// What function lowering needs to know about the module: names of the JS bindings
// the instance scope provides, and signature strings.
import type { FuncType, Module } from '../ir.js';
import { ValType } from '../ir.js';

/** One char per value type: the runtime's signature alphabet (runtime/values.ts). */
export function typeChar(t: ValType): string {
  switch (t) {
    case ValType.I32: return 'i';
    case ValType.I64: return 'j';
    case ValType.F32: return 'f';
    case ValType.F64: return 'd';
    case ValType.FuncRef: return 'r';
    case ValType.ExternRef: return 'e';
    case ValType.ExnRef: return 'x';
    default: return 'v';
  }
}

export function sigString(t: FuncType): string {
  return t.params.map(typeChar).join('') + ':' + t.results.map(typeChar).join('');
}

/** The JS default (zero) value of a Wasm type, as source. */
export function zeroOf(t: ValType): string {
  switch (t) {
    case ValType.I64: return '0n';
    case ValType.I32: case ValType.F32: case ValType.F64: return '0';
    default: return 'null';
  }
}

/** How the instance scope holds one global. */
export interface GlobalBinding {
  /** JS expression reading the internal value. */
  read: string;
  /** Statement prefix writing it (mutable only), e.g. `G3.v = `. */
  write: string | null;
  mutable: boolean;
  /** Whether a Global object (cell) exists: imported or exported globals. */
  cell: boolean;
}

export class ModuleContext {
  readonly module: Module;
  readonly funcSigs: string[];
  readonly typeSigs: string[];
  readonly globals: GlobalBinding[];
  /** Runtime members referenced by the output, bound as `$name` in the factory scope. */
  readonly helpers = new Set<string>();
  /** Module-level constants (NaN bit patterns), as `const K<n> = <expr>;`. */
  readonly constants: string[] = [];
  private readonly constIndex = new Map<string, string>();
  /** Function indices that may be used as references (need `.t` / `.i`). */
  readonly refFuncs = new Set<number>();

  constructor(m: Module) {
    this.module = m;
    this.typeSigs = m.types.map(sigString);
    this.funcSigs = m.funcTypes.map((ti) => this.typeSigs[ti]);
    const exported = new Set(m.exports.filter((e) => e.kind === 'global').map((e) => e.index));
    this.globals = m.globals.map((g, i) => {
      const imported = i < m.numImportedGlobals;
      const cell = (imported && g.mutable) || exported.has(i);
      if (cell) return { read: `G${i}.v`, write: g.mutable ? `G${i}.v = ` : null, mutable: g.mutable, cell: true };
      return { read: `g${i}`, write: g.mutable ? `g${i} = ` : null, mutable: g.mutable, cell: false };
    });
  }

  /** A runtime helper by name, e.g. helper('i32DivS') === '$i32DivS'. */
  helper(name: string): string {
    this.helpers.add(name);
    return '$' + name;
  }

  /** A module-level constant for an expression that is not a plain literal. */
  constant(expr: string): string {
    let name = this.constIndex.get(expr);
    if (!name) {
      name = 'K' + this.constants.length;
      this.constants.push(`const ${name} = ${expr};`);
      this.constIndex.set(expr, name);
    }
    return name;
  }

  /** The JS binding of function i: `f<i>`, plus its name-section name when there is one (stack traces). */
  funcName(i: number): string {
    const n = this.module.funcNames.get(i);
    return n ? `f${i}_${sanitize(n)}` : 'f' + i;
  }
}

/** A name-section name made into a safe identifier fragment (never code: names are data). */
export function sanitize(name: string): string {
  return name.replace(/[^A-Za-z0-9_]/g, '_').slice(0, 48);
}
