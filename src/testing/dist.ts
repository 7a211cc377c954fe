// The package as built (dist/) for tests that must run the published entry
// points in a fresh process. Test-only (excluded from the build).
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
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
 * The built package: dist/ when it is newer than every source, else a fresh
 * build (tsc and the key script, as `npm run build` does) under
 * node_modules/.cache, so a stale dist/ is never what is tested.
 */
export function builtDist(root: string): string {
  const dist = join(root, 'dist');
  const stamp = join(dist, 'runtime', 'key.js');
  if (existsSync(stamp) && statSync(stamp).mtimeMs >= newestSource(join(root, 'src'))) return dist;
  // Inside the package (bare imports resolve from its node_modules), one per
  // process: test files run in parallel.
  const cache = join(root, 'node_modules', '.cache');
  mkdirSync(cache, { recursive: true });
  const tmp = mkdtempSync(join(cache, 'wasm2es-dist-'));
  process.on('exit', () => rmSync(tmp, { recursive: true, force: true }));
  const out = join(tmp, 'dist');
  execFileSync(process.execPath, [join(root, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', join(root, 'tsconfig.json'), '--outDir', out], { stdio: 'pipe' });
  execFileSync(process.execPath, [join(root, 'scripts', 'runtime-key.mjs'), out], { stdio: 'pipe' });
  return out;
}

