// Tests that run the built package (dist/) first make sure it is there and
// no older than the sources: a stale dist/ would test yesterday's code.
import { existsSync, readdirSync, statSync } from 'node:fs';
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
