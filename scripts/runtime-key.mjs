// After `tsc`: writes the runtime's realm key into dist/runtime/key.js as a
// literal (src/runtime/key.ts explains why), computed from the text of the
// parts exactly as dist's compiler embeds them. Run by `npm run build`.
import { readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const file = fileURLToPath(new URL('../dist/runtime/key.js', import.meta.url));
const { keyOf } = await import('../dist/runtime/key.js');
const { runtimePartsText } = await import('../dist/runtime/install.js');
const key = keyOf(runtimePartsText().join('\n'));
const text = readFileSync(file, 'utf8');
const placeholder = /export const BUILT_KEY = null;/;
if (!placeholder.test(text)) {
  console.error(`runtime-key: no BUILT_KEY placeholder in ${file}`);
  process.exit(1);
}
writeFileSync(file, text.replace(placeholder, `export const BUILT_KEY = ${JSON.stringify(key)};`));
console.log(`runtime key ${key}`);
