import type { CompiledModule } from './api.js';
import { runtime } from './runtime/index.js';

/**
 * Evaluates the output of `compile(bytes, { format: 'factory' })` in this realm and
 * returns the compiled module, bound to this process's shared runtime. Used by the
 * spec runner and (later) the polyfill; evaluating compiler output is the one place
 * where code is made from a string, and that string is our own output, never text
 * taken from the module.
 */
export function loadFactory(js: string): CompiledModule {
  const factory = (0, eval)(js) as (rt: unknown) => CompiledModule;
  return factory(runtime);
}
