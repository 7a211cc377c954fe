// After `tsc`: writes the runtime's realm key into dist/runtime/key.js as a
// literal (src/runtime/key.ts explains why), computed from the text of the
// parts exactly as dist's compiler embeds them (so after minify-runtime.mjs).
// Run by `npm run build`.
//
//   node scripts/runtime-key.mjs [distDir]     (default: the package's dist/)
import { readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const dist = resolve(process.argv[2] ?? fileURLToPath(new URL('../dist', import.meta.url)));
const file = join(dist, 'runtime', 'key.js');
const { keyOf } = await import(pathToFileURL(file).href);
const { runtimeText } = await import(pathToFileURL(join(dist, 'runtime', 'install.js')).href);
const key = keyOf(runtimeText());
const text = readFileSync(file, 'utf8');
const placeholder = /export const BUILT_KEY = null;/;
if (!placeholder.test(text)) {
  console.error(`runtime-key: no BUILT_KEY placeholder in ${file}`);
  process.exit(1);
}
writeFileSync(file, text.replace(placeholder, `export const BUILT_KEY = ${JSON.stringify(key)};`));
console.log(`runtime key ${key}`);
