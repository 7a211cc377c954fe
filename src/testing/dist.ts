// Tests that run the built package (dist/) first make sure it is there and
// no older than the sources: a stale dist/ would test yesterday's code.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, renameSync, rmSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
export const DIST = join(ROOT, 'dist');

/** Every file under `dir` whose name ends with `ext`, as paths relative to `dir`. */
export function filesUnder(dir: string, ext: string): string[] {
  const out: string[] = [];
  const walk = (d: string) => {
    for (const e of readdirSync(d, { withFileTypes: true })) {
      const p = join(d, e.name);
      if (e.isDirectory()) walk(p);
      else if (e.name.endsWith(ext)) out.push(relative(dir, p));
    }
  };
  walk(dir);
  return out.sort();
}

/** Throws unless every non-test source under src/ has a built .js in dist/ at least as new. */
export function assertFreshDist(): void {
  const src = join(ROOT, 'src');
  const stale: string[] = [];
  for (const f of filesUnder(src, '.ts')) {
    if (f.endsWith('.test.ts') || f.endsWith('.d.ts') || f.startsWith('testing/')) continue;
    const js = join(DIST, f.replace(/\.ts$/, '.js'));
    if (!existsSync(js) || statSync(js).mtimeMs < statSync(join(src, f)).mtimeMs) stale.push(f);
  }
  // A built module without a source is left over from an older layout.
  for (const f of filesUnder(DIST, '.js')) {
    if (!existsSync(join(src, f.replace(/\.js$/, '.ts')))) stale.push(`dist/${f} (no source)`);
  }
  if (stale.length > 0) throw new Error(`dist/ is missing or older than ${stale.slice(0, 5).join(', ')}${stale.length > 5 ? ', ...' : ''}: run \`npm run build\``);
}

/** Newest modification time of the non-test sources. */
function newestSource(dir: string): number {
  let t = 0;
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    if (e.isDirectory()) t = Math.max(t, newestSource(p));
    else if (e.name.endsWith('.ts') && !e.name.endsWith('.test.ts')) t = Math.max(t, statSync(p).mtimeMs);
  }
  return t;
}

/**
 * The built package: dist/ when it is newer than every source, else a build
 * of the current sources (tsc, the runtime's minifier and the key script, as
 * `npm run build` does) under node_modules/.cache (inside the package, so bare
 * imports resolve),
 * named by the sources' time: test files running in parallel share it, and
 * a stale dist/ is never what is tested.
 */
export function builtDist(root: string): string {
  const dist = join(root, 'dist');
  const stamp = join(dist, 'runtime', 'key.js');
  const newest = newestSource(join(root, 'src'));
  if (existsSync(stamp) && statSync(stamp).mtimeMs >= newest) return dist;
  const cache = join(root, 'node_modules', '.cache');
  const name = `wasm2es-dist-${Math.floor(newest).toString(36)}`;
  const built = join(cache, name, 'dist');
  if (existsSync(join(built, 'runtime', 'key.js'))) return built;
  mkdirSync(cache, { recursive: true });
  const tmp = mkdtempSync(join(cache, 'wasm2es-build-'));
  try {
    execFileSync(process.execPath, [join(root, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', join(root, 'tsconfig.json'), '--outDir', join(tmp, 'dist')], { stdio: 'pipe' });
    execFileSync(process.execPath, [join(root, 'scripts', 'minify-runtime.mjs'), join(tmp, 'dist')], { stdio: 'pipe' });
    execFileSync(process.execPath, [join(root, 'scripts', 'runtime-key.mjs'), join(tmp, 'dist')], { stdio: 'pipe' });
    try {
      renameSync(tmp, join(cache, name));
    } catch {
      // Another test file finished the same build first: use that one.
    }
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
  // Builds of older sources are of no use any more.
  for (const e of readdirSync(cache)) if (e.startsWith('wasm2es-dist-') && e !== name) rmSync(join(cache, e), { recursive: true, force: true });
  return built;
}
