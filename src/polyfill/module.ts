// WebAssembly.Module: a compiled module. Construction compiles synchronously,
// as the JS API specifies; the result is shared by every Instance made from it.
import { compileBytes, type Compiled } from './compiler.js';
import { copyBufferSource, defineToStringTag, makeEnumerable, toDOMString } from './webidl.js';

/** The compiled record of each Module: also the brand check for Module arguments. */
const compiledOf = new WeakMap<object, Compiled>();

/** The compiled record of `m`, or a TypeError naming what was expected. */
export function moduleRecord(m: unknown, what: string): Compiled {
  const c = typeof m === 'object' && m !== null ? compiledOf.get(m) : undefined;
  if (!c) throw new TypeError(`${what}: argument must be a WebAssembly.Module`);
  return c;
}

export function isModule(m: unknown): boolean {
  return typeof m === 'object' && m !== null && compiledOf.has(m);
}

/** A Module object (of `new.target`'s prototype) for an already compiled record. */
export function moduleFromRecord(c: Compiled, proto: object = Module.prototype): Module {
  const m = Object.create(proto) as Module;
  compiledOf.set(m, c);
  return m;
}

export class Module {
  constructor(bytes: unknown) {
    if (arguments.length < 1) throw new TypeError('WebAssembly.Module: 1 argument required');
    compiledOf.set(this, compileBytes(copyBufferSource(bytes, 'WebAssembly.Module')));
  }

  static exports(moduleObject: unknown): { name: string; kind: string }[] {
    const c = moduleRecord(moduleObject, 'WebAssembly.Module.exports');
    return c.exports.map((e) => ({ name: e.name, kind: e.kind }));
  }

  static imports(moduleObject: unknown): { module: string; name: string; kind: string }[] {
    const c = moduleRecord(moduleObject, 'WebAssembly.Module.imports');
    return c.imports.map((i) => ({ module: i.module, name: i.name, kind: i.kind }));
  }

  static customSections(moduleObject: unknown, sectionName: unknown): ArrayBuffer[] {
    const c = moduleRecord(moduleObject, 'WebAssembly.Module.customSections');
    if (arguments.length < 2) throw new TypeError('WebAssembly.Module.customSections: 2 arguments required');
    const name = toDOMString(sectionName);
    // Fresh copies every time: the caller may change or detach what it gets.
    return c.customs.filter((s) => s.name === name).map((s) => s.bytes.slice().buffer);
  }
}
makeEnumerable(Module, ['exports', 'imports', 'customSections']);
defineToStringTag(Module.prototype, 'WebAssembly.Module');
