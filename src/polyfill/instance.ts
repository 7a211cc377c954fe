// WebAssembly.Instance: links a Module's compiled factory with an import object
// and runs the module's setup (segments, start function) synchronously.
import { timedInstantiation, type Compiled } from './compiler.js';
import { moduleRecord } from './module.js';
import { defineGetter, defineToStringTag, optionalObject, setLength } from './webidl.js';

/** The exports object of each Instance: also the brand check for the getter. */
const exportsOf = new WeakMap<object, object>();

/**
 * Instantiates `c` with `importObject` (already known to be undefined or an
 * object) and returns the frozen, null-prototype exports object. A module with
 * imports needs an import object: its absence is a TypeError, as in "read the
 * imports"; a missing or mismatched import is a LinkError (runtime/link.ts).
 */
export function instantiateRecord(c: Compiled, importObject: object | undefined): object {
  if (importObject === undefined && c.imports.length > 0) {
    throw new TypeError('WebAssembly.Instance: the module has imports, but no import object was given');
  }
  return timedInstantiation(() => c.factory.instantiateSync(importObject).instance.exports);
}

/** An Instance object for exports that were already instantiated. */
export function instanceFromExports(exports: object, proto: object = Instance.prototype): Instance {
  const i = Object.create(proto) as Instance;
  exportsOf.set(i, exports);
  return i;
}

export class Instance {
  /** The exports object (an accessor on the prototype, defined below). */
  declare readonly exports: Record<string, unknown>;

  constructor(module: unknown, importObject?: unknown) {
    const c = moduleRecord(module, 'WebAssembly.Instance');
    const imports = optionalObject(importObject, 'WebAssembly.Instance: the import object');
    exportsOf.set(this, instantiateRecord(c, imports));
  }
}
setLength(Instance, 1);
defineGetter(Instance.prototype, 'exports', function (this: unknown) {
  const x = typeof this === 'object' && this !== null ? exportsOf.get(this) : undefined;
  if (!x) throw new TypeError('WebAssembly.Instance.prototype.exports: receiver is not a WebAssembly.Instance');
  return x;
});
defineToStringTag(Instance.prototype, 'WebAssembly.Instance');
