import type { CompiledModule } from './api.js';
import { installRuntime } from './runtime/install.js';

/**
 * Evaluates the output of `compile(bytes, { format: 'factory' })` in this realm and
 * returns the compiled module, bound to the realm's shared runtime (installed on
 * the first call, as evaluating an ES-module output installs it). Used by the
 * spec runner and the polyfill. It evaluates whatever string it is given: it is
 * meant for the compiler's own output only, which never contains text taken from
 * the module other than as quoted string literals.
 */
export function loadFactory(js: string): CompiledModule {
  const factory = (0, eval)(js) as (rt: unknown) => CompiledModule;
  return factory(installRuntime(globalThis));
}
