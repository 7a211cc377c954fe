// The runtime as a library: the very objects compiled modules use in this realm.
// Its exports are those shared classes, so importing it installs the runtime in
// the realm (its one registration, install.ts) if no compiled module did yet.
import { installRuntime } from './install.js';

export const runtime = installRuntime(globalThis);
export const { CompileError, LinkError, RuntimeError, Memory, Table, Global, Tag, Exception, JSTag } = runtime;
