// The package as built (dist/) for tests that must run the published entry
// points in a fresh process. Test-only (excluded from the build).
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, renameSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';

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
 * of the current sources (tsc and the key script, as `npm run build` does)
 * under node_modules/.cache (inside the package, so bare imports resolve),
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
