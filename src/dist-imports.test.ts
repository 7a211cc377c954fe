// The built package's module graph: every module under dist/ loads on its own
// in a fresh module graph (a worker thread: its own isolate and module map),
// and the static imports between them form no cycle. A cycle is what made the
// opcode handlers load only when function.ts happened to be imported first.
import { describe, it, expect, beforeAll } from 'vitest';
import { readFileSync } from 'node:fs';
import { dirname, join, normalize } from 'node:path';
import { pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';
import { DIST, assertFreshDist, filesUnder } from './testing/dist.js';

/** Relative static imports (and re-exports) of a built module, as paths under dist/. */
function staticImports(file: string): string[] {
  const text = readFileSync(join(DIST, file), 'utf8');
  const out: string[] = [];
  for (const m of text.matchAll(/^(?:import|export)\s[^;]*?\sfrom\s+['"](\.[^'"]+)['"]|^import\s+['"](\.[^'"]+)['"]/gm)) {
    out.push(normalize(join(dirname(file), m[1] ?? m[2])));
  }
  return out;
}

/** A cycle in the graph as a list of nodes (first = last), or null. */
export function findCycle(graph: Map<string, string[]>): string[] | null {
  const state = new Map<string, 1 | 2>();
  const path: string[] = [];
  // Iterative DFS: an explicit stack of [node, next edge index].
  for (const start of graph.keys()) {
    if (state.has(start)) continue;
    const stack: [string, number][] = [[start, 0]];
    state.set(start, 1);
    path.push(start);
    while (stack.length > 0) {
      const top = stack[stack.length - 1];
      const edges = graph.get(top[0]) ?? [];
      if (top[1] < edges.length) {
        const next = edges[top[1]++];
        const s = state.get(next);
        if (s === 1) return [...path.slice(path.indexOf(next)), next];
        if (s === undefined) {
          state.set(next, 1);
          path.push(next);
          stack.push([next, 0]);
        }
      } else {
        state.set(top[0], 2);
        path.pop();
        stack.pop();
      }
    }
  }
  return null;
}

function loadAlone(file: string): Promise<string | null> {
  const url = pathToFileURL(join(DIST, file)).href;
  const w = new Worker(`import(${JSON.stringify(url)}).then(() => process.exit(0), (e) => { console.error(String(e && e.stack || e)); process.exit(1); });`, { eval: true, stderr: true });
  let err = '';
  w.stderr.on('data', (d) => (err += d));
  return new Promise((done) => w.on('exit', (code) => done(code === 0 ? null : err || `exit ${code}`)));
}

describe('dist/ module graph', () => {
  let files: string[];
  beforeAll(() => {
    assertFreshDist();
    files = filesUnder(DIST, '.js');
  });

  it('has no import cycle', () => {
    const graph = new Map(files.map((f) => [f, staticImports(f)]));
    expect(files.length).toBeGreaterThan(50);
    // Imports resolve to built modules (so the graph is the real one).
    for (const [f, deps] of graph) for (const d of deps) expect(graph.has(d), `${f} imports ${d}`).toBe(true);
    expect(findCycle(graph)).toBeNull();
  });

  it('finds a cycle where there is one (the detector can fail)', () => {
    expect(findCycle(new Map([['a', ['b']], ['b', ['c']], ['c', ['a']], ['d', []]]))).toEqual(['a', 'b', 'c', 'a']);
    expect(findCycle(new Map([['a', ['b', 'c']], ['b', ['c']], ['c', []]]))).toBeNull();
  });

  it('loads every module on its own in a fresh module graph', async () => {
    const failures: string[] = [];
    // A few at a time: each worker is an isolate of its own.
    for (let i = 0; i < files.length; i += 4) {
      const batch = files.slice(i, i + 4);
      const errs = await Promise.all(batch.map(loadAlone));
      errs.forEach((e, k) => {
        if (e) failures.push(`${batch[k]}: ${e.split('\n')[0]}`);
      });
    }
    expect(failures).toEqual([]);
  }, 120_000);
});
