// What function lowering needs to know about the module: names of the JS bindings
// the instance scope provides, and signature strings.
import type { Module } from '../ir.js';
import { ValType, isRefType, isConcreteRef, isNullable, heapOf, typeIndexOf } from '../ir.js';
import { funcBinding } from '../names.js';
import { FLAT_HEIGHT } from './dispatch.js';

const HEAP_NAMES: Record<number, string> = {
  0x70: 'func', 0x6f: 'extern', 0x69: 'exn', 0x73: 'nofunc', 0x72: 'noextern', 0x74: 'noexn',
};

/**
 * A value type in the runtime's type alphabet (runtime/types.ts): one char for
 * numbers and the common reference types, `(?H)`/`(!H)` for other references,
 * where a concrete type is written `[T]` with T its canonical type string (see
 * canonicalTypes), so equal types from different modules agree.
 */
export function typeChar(t: ValType, canon: string[] = []): string {
  switch (t) {
    case ValType.I32: return 'i';
    case ValType.I64: return 'j';
    case ValType.F32: return 'f';
    case ValType.F64: return 'd';
    case ValType.V128: return 'v';
    case ValType.FuncRef: return 'r';
    case ValType.ExternRef: return 'e';
    case ValType.ExnRef: return 'x';
  }
  if (!isRefType(t)) return 'v';
  const heap = isConcreteRef(t) ? `[${canon[typeIndexOf(t)] ?? '?'}]` : HEAP_NAMES[heapOf(t)] ?? '?';
  return `(${isNullable(t) ? '?' : '!'}${heap})`;
}

/**
 * The canonical string of every type, equal exactly for equal (iso-recursive)
 * types: a plain type (its own final recursion group) is its signature
 * "params:results", a reference to itself written `#0`; a type of a larger or
 * non-final group is `{M0;M1;...}.P`, the group's members (`~` marking non-final
 * ones, references inside the group written `#k` by position) and its position.
 * These strings are what call_indirect compares and what tags are linked by.
 */
export function canonicalTypes(m: Module): string[] {
  const out: string[] = new Array(m.types.length);
  for (let i = 0; i < m.types.length; ) {
    const g = m.typeGroups?.[i] ?? { start: i, size: 1, final: true };
    const end = g.start + g.size;
    const ref = (t: ValType): string => {
      if (isConcreteRef(t)) {
        const h = typeIndexOf(t);
        if (h >= g.start && h < end) return `(${isNullable(t) ? '?' : '!'}#${h - g.start})`;
      }
      return typeChar(t, out);
    };
    const member = (k: number) => {
      const { params, results } = m.types[k];
      return params.map(ref).join('') + ':' + results.map(ref).join('');
    };
    if (g.size === 1 && g.final) {
      out[g.start] = member(g.start);
    } else {
      const members: string[] = [];
      for (let k = g.start; k < end; k++) members.push((m.typeGroups[k].final ? '' : '~') + member(k));
      const group = `{${members.join(';')}}`;
      for (let k = g.start; k < end; k++) out[k] = `${group}.${k - g.start}`;
    }
    i = Math.max(end, i + 1);
  }
  return out;
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

/**
 * What lowering knows about the module: its IR, signature strings, how the
 * instance scope binds globals and functions, and whole-module facts. Read
 * only while functions are lowered; what they add to the module and instance
 * scopes goes to ModuleDeclarations (declarations.ts).
 */
export class ModuleContext {
  readonly module: Module;
  readonly funcSigs: string[];
  readonly typeSigs: string[];
  readonly globals: GlobalBinding[];
  /**
   * Indent function bodies by nesting. Off for big modules: gzip matches
   * repeated lines less well when their indentation differs (sql.js: 809 KiB
   * gzipped indented, 680 KiB not; docs/performance.md).
   */
  indent = true;
  /**
   * memoryStable[i] === 1: a call to function i never replaces a memory buffer,
   * so no refresh of the cached views follows it (call-graph.ts). All zero
   * (refresh after every call) unless the compiler computed it.
   */
  memoryStable: Uint8Array;
  /** nonReentrant[i] === 1: function i never runs twice at once (call-graph.ts); all zero unless computed. */
  nonReentrant: Uint8Array;
  /** Frames with more levels of frames inside them are flattened (dispatch.ts FLAT_HEIGHT). */
  flatHeight = FLAT_HEIGHT;
  /**
   * The first export name of each function the name section leaves unnamed:
   * its JS function is named after it (sanitized, names.ts), so a stack trace
   * shows `f4_divide` rather than `f4`.
   */
  private readonly exportNames = new Map<number, string>();

  constructor(m: Module) {
    this.module = m;
    this.memoryStable = new Uint8Array(m.funcTypes.length);
    this.nonReentrant = new Uint8Array(m.funcTypes.length);
    this.typeSigs = canonicalTypes(m);
    this.funcSigs = m.funcTypes.map((ti) => this.typeSigs[ti]);
    for (const e of m.exports) {
      if (e.kind === 'func' && !m.funcNames.has(e.index) && !this.exportNames.has(e.index)) this.exportNames.set(e.index, e.name);
    }
    const exported = new Set(m.exports.filter((e) => e.kind === 'global').map((e) => e.index));
    this.globals = m.globals.map((g, i) => {
      const imported = i < m.numImportedGlobals;
      const cell = (imported && g.mutable) || exported.has(i);
      if (cell) return { read: `G${i}.v`, write: g.mutable ? `G${i}.v = ` : null, mutable: g.mutable, cell: true };
      return { read: `g${i}`, write: g.mutable ? `g${i} = ` : null, mutable: g.mutable, cell: false };
    });
  }

  /** A value type in the runtime's alphabet (see typeChar). */
  typeString(t: ValType): string {
    return typeChar(t, this.typeSigs);
  }

  /** The canonical type string of tag i's type (what tags are linked and caught by). */
  tagType(i: number): string {
    return this.typeSigs[this.module.tags[i]];
  }

  /** The JS binding of function i (names.ts). */
  funcName(i: number): string {
    return funcBinding(i, this.module.funcNames.get(i) ?? this.exportNames.get(i));
  }
}
