import type { CompiledModule } from './api.js';
import { runtime } from './runtime/index.js';

/**
 * Evaluates the output of `compile(bytes, { format: 'factory' })` in this realm and
 * returns the compiled module, bound to this process's shared runtime. Used by the
 * spec runner and the polyfill; evaluating compiler output is the one place where
 * code is made from a string (with the direct `eval` by which a lazy factory's
 * instances evaluate the chunks the polyfill lowers for them, emit/lazy.ts), and
 * that string is our own output, never text taken from the module.
 */
export function loadFactory(js: string, hooks?: object): CompiledModule {
  const factory = (0, eval)(js) as (rt: unknown, hooks?: object) => CompiledModule;
  // `hooks`: what a lazy factory (emit/lazy.ts) compiles its functions with.
  return factory(runtime, hooks);
}
