// The `WebAssembly` namespace object: the JS API's functions, plus the classes.
// Memory, Table, Global, Tag, Exception, JSTag and the error classes are the
// shared runtime's (src/runtime), the very objects AOT-compiled modules use in
// this realm, so modules compiled ahead of time and modules compiled here link
// with each other and catch each other's exceptions.
import { runtime } from '../runtime/index.js';
import { compileBytes, validateBytes, type Compiled } from './compiler.js';
import { isModule, Module, moduleFromRecord, moduleRecord } from './module.js';
import { Instance, instanceFromExports, instantiateRecord } from './instance.js';
import { responseBytes } from './streaming.js';
import { copyBufferSource, defineGetter, defineOperation, defineToStringTag, optionalObject } from './webidl.js';

/**
 * A new task, for the asynchronous forms: their work starts after the caller's
 * current job, like an engine's background compilation, never inside the call.
 */
function nextTask(): Promise<void> {
  return new Promise((resolve) => (typeof setTimeout === 'function' ? setTimeout(resolve, 0) : queueMicrotask(resolve)));
}

/**
 * "Read the imports" ahead of instantiation, as instantiate(module) must do
 * synchronously: every import's value is fetched now, in order, with the
 * TypeErrors of a missing import object or a non-object module; the result is a
 * plain snapshot the compiled module then links against. Kind and type checks
 * (LinkErrors) follow at instantiation.
 */
function readImports(c: Compiled, importObject: object | undefined): object | undefined {
  if (c.imports.length === 0) return importObject;
  if (importObject === undefined) throw new TypeError('WebAssembly.instantiate: the module has imports, but no import object was given');
  const snapshot: Record<string, Record<string, unknown>> = Object.create(null);
  for (const { module, name } of c.imports) {
    const o = (importObject as Record<string, unknown>)[module];
    if (o === null || (typeof o !== 'object' && typeof o !== 'function')) {
      throw new TypeError(`WebAssembly.instantiate: import ${JSON.stringify(module)}: module is not an object or function`);
    }
    const into = (snapshot[module] ??= Object.create(null) as Record<string, unknown>);
    into[name] = (o as Record<string, unknown>)[name];
  }
  return snapshot;
}

/** Compile (already copied) bytes, then instantiate: the `{ module, instance }` result. */
async function compileAndInstantiate(bytes: Uint8Array, importObject: object | undefined) {
  await nextTask();
  const c = compileBytes(bytes);
  const module = moduleFromRecord(c);
  const instance = instanceFromExports(instantiateRecord(c, importObject));
  return { module, instance };
}

function validate(bytes: unknown): boolean {
  return validateBytes(copyBufferSource(bytes, 'WebAssembly.validate'));
}

function compile(bytes: unknown): Promise<Module> {
  try {
    const copy = copyBufferSource(bytes, 'WebAssembly.compile');
    return nextTask().then(() => moduleFromRecord(compileBytes(copy)));
  } catch (e) {
    return Promise.reject(e);
  }
}

function instantiate(source: unknown, importObject?: unknown): Promise<unknown> {
  try {
    if (isModule(source)) {
      const imports = optionalObject(importObject, 'WebAssembly.instantiate: the import object');
      const c = moduleRecord(source, 'WebAssembly.instantiate');
      const snapshot = readImports(c, imports);
      return nextTask().then(() => instanceFromExports(instantiateRecord(c, snapshot)));
    }
    const copy = copyBufferSource(source, 'WebAssembly.instantiate');
    const imports = optionalObject(importObject, 'WebAssembly.instantiate: the import object');
    return compileAndInstantiate(copy, imports);
  } catch (e) {
    return Promise.reject(e);
  }
}

async function compileStreaming(source: unknown): Promise<Module> {
  const bytes = await responseBytes(source);
  await nextTask();
  return moduleFromRecord(compileBytes(bytes));
}

async function instantiateStreaming(source: unknown, importObject?: unknown) {
  const imports = optionalObject(importObject, 'WebAssembly.instantiateStreaming: the import object');
  return compileAndInstantiate(await responseBytes(source), imports);
}

/** What the namespace holds (the classes are typed loosely: see the JS API for their members). */
export interface WebAssemblyNamespace {
  validate(bytes: BufferSource): boolean;
  compile(bytes: BufferSource): Promise<Module>;
  instantiate(bytes: BufferSource, importObject?: object): Promise<{ module: Module; instance: Instance }>;
  instantiate(module: Module, importObject?: object): Promise<Instance>;
  compileStreaming(source: unknown): Promise<Module>;
  instantiateStreaming(source: unknown, importObject?: object): Promise<{ module: Module; instance: Instance }>;
  Module: typeof Module;
  Instance: typeof Instance;
  Memory: any;
  Table: any;
  Global: any;
  Tag: any;
  Exception: any;
  readonly JSTag: object;
  CompileError: ErrorConstructor;
  LinkError: ErrorConstructor;
  RuntimeError: ErrorConstructor;
}
type BufferSource = ArrayBuffer | ArrayBufferView;

/** The namespace object, shaped as WebIDL specifies a namespace. */
export const WebAssembly = {} as WebAssemblyNamespace;

const classes: Record<string, unknown> = {
  Module,
  Instance,
  Memory: runtime.Memory,
  Table: runtime.Table,
  Global: runtime.Global,
  Tag: runtime.Tag,
  Exception: runtime.Exception,
  CompileError: runtime.CompileError,
  LinkError: runtime.LinkError,
  RuntimeError: runtime.RuntimeError,
};
for (const [name, value] of Object.entries(classes)) {
  Object.defineProperty(WebAssembly, name, { value, writable: true, enumerable: false, configurable: true });
}
defineOperation(WebAssembly, 'validate', validate, 1);
defineOperation(WebAssembly, 'compile', compile, 1);
defineOperation(WebAssembly, 'instantiate', instantiate, 1);
defineOperation(WebAssembly, 'compileStreaming', compileStreaming, 1);
defineOperation(WebAssembly, 'instantiateStreaming', instantiateStreaming, 1);
// A readonly namespace attribute: an accessor, like every WebIDL attribute.
const jsTag = runtime.JSTag;
defineGetter(WebAssembly, 'JSTag', () => jsTag);
defineToStringTag(WebAssembly, 'WebAssembly');
