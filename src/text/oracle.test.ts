// The encoder against an oracle: every module of the Tier 1 and Tier 2 spec
// scripts that wabt assembles (with the repairs of src/testing/wabt-oracle.ts)
// must come out of src/text as the same bytes. Compared without custom
// sections (names), and with element segments compared by meaning: wabt writes
// `funcref (ref.func $f)` lists as function indices, which in Wasm 3.0 is a
// segment of type `(ref func)`; src/text keeps the type the text gives
// (elem.test.ts checks those encodings).
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { TESTSUITE_DIR, testsuiteAvailable, tier1Files } from '../wast/suite.js';
import { moduleTextFromList, moduleTextFromQuote, wabtBinary } from '../testing/wabt-oracle.js';
import { assembleModuleList, assembleText, SourceText } from './index.js';
import { head, parseSExprs, type SList } from './sexpr.js';

/** Tier 2 scripts (SCOPE.md lists them by feature, not by file). */
export const TIER2 = [
  'address64', 'align64', 'binary_leb128_64', 'bulk64', 'call_indirect64', 'endianness64', 'float_memory64',
  'load64', 'memory64-imports', 'memory64', 'memory_copy64', 'memory_fill64', 'memory_grow64', 'memory_init64',
  'memory_redundancy64', 'memory_trap64', 'table64', 'table_copy64', 'table_fill64', 'table_get64', 'table_grow64',
  'table_init64', 'table_set64', 'table_size64', 'return_call', 'return_call_indirect', 'return_call_ref',
  'call_ref', 'br_on_null', 'br_on_non_null', 'ref_as_non_null', 'local_init', 'ref', 'extern', 'instance',
].map((f) => `${f}.wast`);

function readLeb(b: Uint8Array, p: number): [number, number] {
  let v = 0;
  let mul = 1;
  for (;;) {
    const c = b[p++];
    v += (c & 0x7f) * mul;
    mul *= 128;
    if (!(c & 0x80)) return [v, p];
  }
}

const hex = (b: Uint8Array) => Buffer.from(b).toString('hex');

/** The end of a constant expression starting at p (scanning opcodes the suite's segments use). */
function exprEnd(b: Uint8Array, p: number): number {
  for (;;) {
    const op = b[p++];
    if (op === 0x0b) return p;
    if (op === 0x41 || op === 0x42 || op === 0x23 || op === 0xd2 || op === 0xd0) p = readLeb(b, p)[1];
    else if (op === 0x43) p += 4;
    else if (op === 0x44) p += 8;
    else if (op === 0xfd) p = readLeb(b, p)[1] + 16;
  }
}

/** An element section as a list of segments by meaning. */
function elemSegments(b: Uint8Array): string[] {
  let [n, p] = readLeb(b, 0);
  const out: string[] = [];
  while (n--) {
    let flag: number;
    [flag, p] = readLeb(b, p);
    let table = 0;
    let offset = '';
    if (flag === 2 || flag === 6) [table, p] = readLeb(b, p);
    if (!(flag & 1)) {
      const e = exprEnd(b, p);
      offset = hex(b.subarray(p, e));
      p = e;
    }
    let type = '70';
    if (flag & 4) {
      if (flag & 3) {
        const t = p;
        p = b[p] === 0x63 || b[p] === 0x64 ? readLeb(b, p + 1)[1] : p + 1;
        type = hex(b.subarray(t, p));
      }
    } else if (flag & 3) p++; // elemkind
    let count: number;
    [count, p] = readLeb(b, p);
    const items: string[] = [];
    for (let i = 0; i < count; i++) {
      if (flag & 4) {
        const e = exprEnd(b, p);
        items.push(hex(b.subarray(p, e)));
        p = e;
      } else {
        const s = p;
        p = readLeb(b, p)[1];
        items.push(`d2${hex(b.subarray(s, p))}0b`);
      }
    }
    const mode = flag & 1 ? (flag & 2 ? 'declare' : 'passive') : `active ${table} ${offset}`;
    out.push(`${mode} ${type} [${items.join(' ')}]`);
  }
  return out;
}

/** Sections without custom ones, element sections by meaning. */
function normalize(b: Uint8Array): string[] {
  const out: string[] = [];
  let p = 8;
  while (p < b.length) {
    const id = b[p];
    const [size, body] = readLeb(b, p + 1);
    const content = b.subarray(body, body + size);
    if (id === 9) out.push(...elemSegments(content).map((s) => `elem ${s}`));
    else if (id !== 0) out.push(`${id}: ${hex(content)}`);
    p = body + size;
  }
  return out;
}

/** Modules where wabt's encoding is not the text's, with the reason. */
const KNOWN: Record<string, string> = {
  // `(select (result) ...)` is a typed select with no types (invalid: arity),
  // which wabt writes as a plain select.
  'select.wast:368': 'wabt drops an empty typed select',
};

interface Case {
  line: number;
  ours: () => Uint8Array;
  oracle: () => ReturnType<typeof wabtBinary>;
}

/** The text modules of a script, with how each side assembles them. */
function cases(file: string): Case[] {
  const buf = readFileSync(resolve(TESTSUITE_DIR, file));
  const src = new SourceText(buf, file);
  const out: Case[] = [];
  const visit = (m: SList, malformed: boolean) => {
    if (malformed) return;
    const it = m.items;
    let i = 1;
    if (it[i]?.kind === 'atom' && (it[i] as { value: string }).value === 'definition') i++;
    if (it[i]?.kind === 'atom' && (it[i] as { value: string }).value === 'instance') return;
    if (it[i]?.kind === 'atom' && (it[i] as { value: string }).value.startsWith('$')) i++;
    const kw = it[i]?.kind === 'atom' ? (it[i] as { value: string }).value : '';
    if (kw === 'binary') return;
    if (kw === 'quote') {
      const parts = it.slice(i + 1).map((s) => (s as { bytes: Uint8Array }).bytes);
      const text = Buffer.concat(parts);
      out.push({ line: m.line, ours: () => assembleText(text, 'quote', { names: false }).bytes, oracle: () => wabtBinary(moduleTextFromQuote(text)) });
      return;
    }
    const first = i;
    out.push({ line: m.line, ours: () => assembleModuleList(src, m, first, { names: false }).bytes, oracle: () => wabtBinary(moduleTextFromList(buf, m, first)) });
  };
  for (const cmd of parseSExprs(buf)) {
    const h = head(cmd);
    if (h === 'module') visit(cmd as SList, false);
    else if (h?.startsWith('assert_')) {
      const target = (cmd as SList).items[1];
      if (head(target) === 'module') visit(target as SList, h === 'assert_malformed');
    }
  }
  return out;
}

describe.skipIf(!testsuiteAvailable())('the encoder against wabt', () => {
  const files = testsuiteAvailable() ? [...tier1Files(), ...TIER2] : [];
  let compared = 0;
  let notByWabt = 0;

  for (const file of files) {
    it(file, () => {
      const failures: string[] = [];
      for (const c of cases(file)) {
        if (KNOWN[`${file}:${c.line}`]) continue;
        const want = c.oracle();
        if (!want.ok) {
          notByWabt++;
          continue;
        }
        let got: Uint8Array;
        try {
          got = c.ours();
        } catch (e) {
          if (!/unsupported feature/.test((e as Error).message)) failures.push(`${file}:${c.line}: wabt assembles it, we do not: ${(e as Error).message}`);
          continue;
        }
        compared++;
        const a = normalize(got);
        const b = normalize(want.bytes);
        if (a.join('\n') !== b.join('\n')) {
          const k = a.findIndex((s, j) => s !== b[j]);
          failures.push(`${file}:${c.line}: differs in section ${k}:\n  ours ${a[k]}\n  wabt ${b[k]}`);
        }
      }
      expect(failures).toEqual([]);
    });
  }

  it('compared many modules', () => {
    console.log(`compared ${compared} modules, ${notByWabt} left out (wabt cannot assemble them, or typed references)`);
    expect(compared).toBeGreaterThan(3000);
  });
});
