// The package's main export: the compiler API.
export { compile } from './compile.js';
export { loadFactory } from './load.js';
export type { CompileOptions, CompileResult, CompiledModule, InstantiatedModule, ImportDescriptor, ExportDescriptor } from './api.js';
import { errorClass } from './errors.js';
// The host's classes where it has WebAssembly: importing the compiler then
// leaves the realm as it was. Without WebAssembly they are the runtime's,
// which is installed for them (docs/semantics.md: the runtime in a realm).
export const CompileError = errorClass('CompileError');
export const LinkError = errorClass('LinkError');
export const RuntimeError = errorClass('RuntimeError');
export { VERSION } from './version.js';
