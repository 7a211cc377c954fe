// The generated code declares and references only identifiers of the
// namespaces in names.ts (and the JS built-ins it calls): compiled over
// modules that use every feature (plain, split, and flattened into dispatch
// loops), the factory output is parsed and every
// identifier and label checked. The check is shown to fail on a name outside
// the table.
import { describe, it, expect } from 'vitest';
import { parse } from 'acorn';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { compile } from './index.js';
import { NAMESPACES } from './names.js';
import { ROOT } from './testing/dist.js';

const wabt = await (await import('wabt')).default();
function wat(text: string): Uint8Array {
  const m = wabt.parseWat('t.wat', text, {
    exceptions: true, multi_memory: true, extended_const: true, tail_call: true, function_references: true,
  } as Record<string, boolean>);
  try {
    return m.toBinary({ write_debug_names: true }).buffer;
  } finally {
    m.destroy();
  }
}

/** Globals of the JS platform the output may read. */
const BUILTINS = new Set([
  'Math', 'BigInt', 'Object', 'Promise', 'Symbol', 'Array', 'NaN', 'Infinity', 'undefined', 'DataView',
  'Uint8Array', 'Int8Array', 'Uint16Array', 'Int16Array', 'Int32Array', 'Uint32Array', 'Float32Array',
  'Float64Array', 'BigInt64Array', 'BigUint64Array',
]);

type Node = { type: string; [k: string]: unknown };

/** Identifier and label names of a program that the table must cover (property names excluded). */
function namesIn(code: string): { ids: Set<string>; labels: Set<string> } {
  const ast = parse(code, { ecmaVersion: 'latest', sourceType: 'script' }) as unknown as Node;
  const ids = new Set<string>();
  const labels = new Set<string>();
  const stack: Node[] = [ast];
  while (stack.length > 0) {
    const n = stack.pop()!;
    switch (n.type) {
      case 'Identifier':
        ids.add(n.name as string);
        continue;
      case 'LabeledStatement':
      case 'BreakStatement':
      case 'ContinueStatement':
        if (n.label) labels.add((n.label as Node).name as string);
        if (n.body) stack.push(n.body as Node);
        continue;
      case 'MemberExpression':
        stack.push(n.object as Node);
        if (n.computed) stack.push(n.property as Node);
        continue;
      case 'Property':
        if (n.computed) stack.push(n.key as Node);
        stack.push(n.value as Node);
        continue;
    }
    for (const v of Object.values(n)) {
      if (Array.isArray(v)) for (const c of v) { if (c && typeof c.type === 'string') stack.push(c); }
      else if (v && typeof v === 'object' && typeof (v as Node).type === 'string') stack.push(v as Node);
    }
  }
  return { ids, labels };
}

/** Names outside the table (and, for identifiers, outside the built-ins). */
function strangers(code: string): string[] {
  const { ids, labels } = namesIn(code);
  const out: string[] = [];
  for (const id of ids) {
    if (BUILTINS.has(id)) continue;
    if (!NAMESPACES.some((ns) => ns.scope !== 'label' && ns.pattern.test(id))) out.push(id);
  }
  for (const l of labels) if (!NAMESPACES.some((ns) => ns.scope === 'label' && ns.pattern.test(l))) out.push(`label ${l}`);
  return out;
}

function corpus(): [string, Uint8Array][] {
  const out: [string, Uint8Array][] = [];
  for (const dir of ['fixtures', 'fixtures/eh', 'fixtures/legacy', 'bench/eh']) {
    for (const f of readdirSync(join(ROOT, dir))) {
      if (f.endsWith('.wat')) out.push([`${dir}/${f}`, wat(readFileSync(join(ROOT, dir, f), 'utf8'))]);
    }
  }
  // Rotates of computed operands (their temporaries `$q<k>`).
  out.push(['rotates', wat(`(module (func (export "r") (param i32 i32 i64) (result i32)
    (i32.rotl (i32.add (local.get 0) (i32.const 1)) (i32.add (local.get 1) (i32.const 2)))
    (i32.wrap_i64 (i64.rotl (i64.add (local.get 2) (i64.const 1)) (i64.const 5)))
    i32.add))`)]);
  for (const f of readdirSync(join(ROOT, 'bench/kernels'))) {
    if (f.endsWith('.wasm')) out.push([`bench/kernels/${f}`, new Uint8Array(readFileSync(join(ROOT, 'bench/kernels', f)))]);
  }
  return out;
}

describe('generated identifiers', () => {
  it('come from the namespaces of names.ts only', () => {
    const mods = corpus();
    expect(mods.length).toBeGreaterThan(20);
    const used = new Set<string>();
    for (const [name, bytes] of mods) {
      for (const options of [{}, { split: { above: 0, target: 20, min: 2 } }, { flatHeight: 0 }]) {
        const { js } = compile(bytes, { ...options, format: 'factory' });
        expect(strangers(js), name).toEqual([]);
        const { ids, labels } = namesIn(js);
        for (const n of [...ids, ...labels]) used.add(n);
      }
    }
    // And the table names nothing the compiler never makes (wrapper names are outside the factory).
    const unused = NAMESPACES.filter((ns) => ns.scope !== 'wrapper' && ![...used].some((n) => ns.pattern.test(n)));
    expect(unused.map((ns) => String(ns.pattern))).toEqual([]);
  });

  it('reports a name outside the table (the check can fail)', () => {
    expect(strangers('(function ($rt) { let zz9 = 1; L0: for (;;) { break L0; } X: {} return zz9; })')).toEqual(['zz9', 'label X']);
  });
});
