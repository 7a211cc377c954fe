// The name under which the runtime registers itself in a realm (install.ts):
// derived from the runtime's own text, so that two different runtimes never
// share one registration and two copies of the same runtime (the library and
// any number of compiled modules, from any package) always do.
//
// The text is every part's name and source as compiled modules embed it
// (Function.prototype.toString; install.ts runtimeText), whichever parts a
// module embeds: modules embedding different parts share one registration.
// `npm run build` computes the key once and writes it into
// dist/runtime/key.js as BUILT_KEY (scripts/runtime-key.mjs):
// a bundler that minifies the library later changes its functions' text, not
// that literal, which compiled modules carry too. Run from source (tests),
// BUILT_KEY is null and the key is computed at first use.

/** The key computed at build time, or null (replaced in dist by scripts/runtime-key.mjs). */
export const BUILT_KEY: string | null = null;

/**
 * The key of a runtime text: 64 bits of a string hash (cyrb53's mixing, both
 * halves kept). Not cryptographic: it tells versions apart, it does not defend
 * the registry, which any script in the realm can write to anyway.
 */
export function keyOf(text: string): string {
  let h1 = 0xdeadbeef ^ text.length;
  let h2 = 0x41c6ce57 ^ text.length;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    h1 = Math.imul(h1 ^ c, 2654435761);
    h2 = Math.imul(h2 ^ c, 1597334677);
  }
  h1 = Math.imul(h1 ^ (h1 >>> 16), 2246822507) ^ Math.imul(h2 ^ (h2 >>> 13), 3266489909);
  h2 = Math.imul(h2 ^ (h2 >>> 16), 2246822507) ^ Math.imul(h1 ^ (h1 >>> 13), 3266489909);
  const hex = (h: number) => (h >>> 0).toString(16).padStart(8, '0');
  return `wasm2es.runtime.${hex(h2)}${hex(h1)}`;
}
