// After `tsc`: minifies the runtime's parts in dist/runtime (the files that
// define one: `export function defineX(g, rt)`), in place. Compiled modules
// embed a part as its function's source text (Function.prototype.toString),
// and the library runs the same functions, so what every output carries and
// what the tests and the polyfill run is this one minified text; the realm key
// (runtime-key.mjs, run next) is computed from it.
//
// Oxc's minifier (through rolldown, a devDependency), chosen by measurement
// over the parts' text (docs/performance.md, "Output size"): 98,293 characters
// (25,267 gzipped) of tsc output became 33,923 (11,186) with oxc, 34,319
// (11,198) with terser 5.51 and 38,527 (13,046) with esbuild 0.28 (esbuild must
// keep names through a helper outside the function, which a self-contained
// part cannot use). Class names are kept: the JS API shows them
// (`Memory.name`); other functions' names are not observable, or set
// explicitly where they are. The parts' .js.map files no longer describe them
// and are removed.
//
//   node scripts/minify-runtime.mjs [distDir]     (default: the package's dist/)
import { readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { minifySync } from 'rolldown/utils';

const dist = resolve(process.argv[2] ?? fileURLToPath(new URL('../dist', import.meta.url)));
const dir = join(dist, 'runtime');
let before = 0;
let after = 0;
for (const f of readdirSync(dir).filter((n) => n.endsWith('.js')).sort()) {
  const file = join(dir, f);
  const text = readFileSync(file, 'utf8');
  if (!/^export function define\w+\(/m.test(text)) continue;
  const r = minifySync(f, text, { module: true, compress: { target: 'es2022' }, mangle: { keepNames: { function: false, class: true } } });
  if (r.errors?.length) {
    console.error(`minify-runtime: ${f}: ${r.errors.map((e) => e.message).join('; ')}`);
    process.exit(1);
  }
  writeFileSync(file, r.code.replace(/\n?\/\/# sourceMappingURL=.*$/, '') + '\n');
  rmSync(file + '.map', { force: true });
  before += text.length;
  after += r.code.length;
}
console.log(`runtime parts minified: ${before} -> ${after} characters`);
