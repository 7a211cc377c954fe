// The runtime as a library: the very objects compiled modules use in this realm.
import { installRuntime } from './install.js';

export const runtime = installRuntime(globalThis);
export const { CompileError, LinkError, RuntimeError, Memory, Table, Global, Tag, Exception, JSTag } = runtime;
