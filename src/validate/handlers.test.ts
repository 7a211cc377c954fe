// The validator's opcode table and the layout of src/validate: every opcode
// the decoder can produce is checked one way (a fixed signature from its row,
// or one handler), and the files form a DAG in which only handlers.ts imports
// the concern files and the concern files reach the stack machine only through
// validator.ts.
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { Imm, OPCODES, OP_INFO, Op } from '../opcodes.js';
import { FIXED, HANDLERS } from './handlers.js';

describe('the validator opcode table', () => {
  it('checks every decodable row exactly one way, and no pseudo-instruction', () => {
    const none: string[] = [];
    for (const r of OPCODES) {
      const ways = (FIXED[r.op] ? 1 : 0) + (HANDLERS[r.op] ? 1 : 0);
      if (r.imm === Imm.Outline) expect(ways, r.name).toBe(0);
      else if (ways !== 1) none.push(r.name);
    }
    expect(none).toEqual([]);
    // Nothing is registered for a value that is no row.
    const stray: string[] = [];
    for (let op = 0; op < HANDLERS.length; op++) if (!OP_INFO[op] && (HANDLERS[op] || FIXED[op])) stray.push(op.toString(16));
    expect(stray).toEqual([]);
  });

  it('types loads and stores by handler (their memarg is checked), everything else with a sig by the row', () => {
    for (const r of OPCODES) {
      if (r.access) {
        expect(FIXED[r.op], r.name).toBeUndefined();
        expect(HANDLERS[r.op], r.name).toBeTypeOf('function');
      } else if (r.sig) {
        expect(FIXED[r.op], r.name).toBe(r.sig);
      }
    }
    expect(FIXED[Op.I32Const]).toEqual({ params: [], results: [0x7f] });
  });
});

describe('src/validate layout', () => {
  const dir = dirname(fileURLToPath(import.meta.url));
  const files = readdirSync(dir).filter((f) => f.endsWith('.ts') && !f.endsWith('.test.ts'));
  /** Imports (static, value or type) of a file inside src/validate, by file name. */
  const localImports = (f: string): string[] =>
    [...readFileSync(join(dir, f), 'utf8').matchAll(/^import [^;]*? from '\.\/([\w-]+)\.js';/gms)].map((m) => m[1] + '.ts');
  const graph = new Map(files.map((f) => [f, localImports(f)]));
  const CONCERNS = ['control.ts', 'exceptions.ts', 'legacy.ts', 'calls.ts', 'references.ts', 'variables.ts', 'tables.ts', 'memory.ts'];

  it('reads the imports it checks', () => {
    expect(graph.get('handlers.ts')).toEqual(expect.arrayContaining(CONCERNS));
    expect(graph.get('func.ts')).toEqual(expect.arrayContaining(['handlers.ts', 'validator.ts']));
  });

  it('has no import cycle', () => {
    const state = new Map<string, 'open' | 'done'>();
    const cycles: string[] = [];
    const visit = (f: string, path: string[]): void => {
      if (state.get(f) === 'done') return;
      if (state.get(f) === 'open') {
        cycles.push([...path.slice(path.indexOf(f)), f].join(' -> '));
        return;
      }
      state.set(f, 'open');
      for (const g of graph.get(f) ?? []) visit(g, [...path, f]);
      state.set(f, 'done');
    };
    for (const f of files) visit(f, []);
    expect(cycles).toEqual([]);
  });

  it('lets only handlers.ts import the concern files, which import only the leaves', () => {
    for (const [f, deps] of graph) {
      if (f !== 'handlers.ts') expect(deps.filter((d) => CONCERNS.includes(d)), f).toEqual([]);
      if (CONCERNS.includes(f)) {
        expect(deps.filter((d) => !['validator.ts', 'module.ts', 'subtype.ts'].includes(d)), f).toEqual([]);
      }
    }
  });

  it('keeps every source file small', () => {
    for (const f of files) expect(readFileSync(join(dir, f), 'utf8').split('\n').length, f).toBeLessThan(400);
  });
});
