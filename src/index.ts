// The package's main export: the compiler API.
export { compile } from './compile.js';
export { loadFactory } from './load.js';
export type { CompileOptions, CompileResult, CompiledModule, InstantiatedModule, ImportDescriptor, ExportDescriptor } from './api.js';
export { CompileError, LinkError, RuntimeError } from './runtime/index.js';
export { VERSION } from './version.js';
