// Decodes and validates the modules of the Tier 1 spec files (../shared/testsuite):
//  - every module the suite expects to be valid (top-level modules and those of
//    assert_return/assert_trap/assert_unlinkable/...) must decode, and every
//    function body must decode and validate;
//  - every binary module of assert_malformed must be rejected with a CompileError;
//  - every assert_invalid module must be rejected with a CompileError.
// Text modules are turned into binaries by wabt; modules wabt cannot produce
// (newer syntax) are counted as skipped, as are modules using features that
// wasm2es rejects as unsupported.
//
// This is a rough module extractor, not a .wast runner (that is src/wast).

import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { dirname, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { CompileError } from '../runtime/index.js';
import { checkError } from '../testing/wasm-bytes.js';

const here = dirname(fileURLToPath(import.meta.url));
const suiteDir = join(here, '../../../shared/testsuite');
const haveSuite = existsSync(join(suiteDir, 'SCOPE.md'));

if (!haveSuite) {
  console.warn(`spec.test.ts: ${suiteDir} not found; skipping the spec-suite checks`);
}

/** Tier 1 file names from SCOPE.md (the words after "Tier 1:" up to "Tier 2:"). */
function tier1Files(): string[] {
  const scope = readFileSync(join(suiteDir, 'SCOPE.md'), 'utf8');
  const section = scope.split('Tier 1:')[1].split('Tier 2:')[0];
  return section
    .split(/\s+/)
    .filter((w) => /^[a-z0-9_/-]+$/.test(w) && existsSync(join(suiteDir, w + '.wast')));
}

interface Sexp {
  start: number;
  end: number; // exclusive
  children: Sexp[];
  /** Atom text for atoms (strings keep their quotes). */
  atom?: string;
}

/** A tolerant s-expression reader for .wast: strings, ;; and (; ;) comments. */
function parseSexps(text: string): Sexp[] {
  const root: Sexp = { start: 0, end: text.length, children: [] };
  const stack: Sexp[] = [root];
  let i = 0;
  while (i < text.length) {
    const c = text[i];
    if (c === ';' && text[i + 1] === ';') {
      while (i < text.length && text[i] !== '\n') i++;
    } else if (c === '(' && text[i + 1] === ';') {
      let depth = 1;
      i += 2;
      while (i < text.length && depth > 0) {
        if (text[i] === '(' && text[i + 1] === ';') (depth++, (i += 2));
        else if (text[i] === ';' && text[i + 1] === ')') (depth--, (i += 2));
        else i++;
      }
    } else if (c === '(') {
      const s: Sexp = { start: i, end: -1, children: [] };
      stack[stack.length - 1].children.push(s);
      stack.push(s);
      i++;
    } else if (c === ')') {
      const s = stack.pop()!;
      s.end = i + 1;
      i++;
    } else if (/\s/.test(c)) {
      i++;
    } else {
      const start = i;
      if (c === '"') {
        i++;
        while (i < text.length && text[i] !== '"') i += text[i] === '\\' ? 2 : 1;
        i++;
      } else {
        while (i < text.length && !/[\s()";]/.test(text[i])) i++;
      }
      stack[stack.length - 1].children.push({ start, end: i, children: [], atom: text.slice(start, i) });
    }
  }
  return root.children;
}

/** The bytes of a wast string literal. */
function wastStringBytes(lit: string): number[] {
  const out: number[] = [];
  const s = lit.slice(1, -1);
  for (let i = 0; i < s.length; i++) {
    const c = s[i];
    if (c !== '\\') {
      out.push(...Buffer.from(c, 'utf8'));
      continue;
    }
    const n = s[++i];
    if (/[0-9a-fA-F]/.test(n)) {
      out.push(parseInt(s.slice(i, i + 2), 16));
      i++;
    } else if (n === 'n') out.push(10);
    else if (n === 't') out.push(9);
    else if (n === 'r') out.push(13);
    else if (n === 'u') {
      const close = s.indexOf('}', i);
      out.push(...Buffer.from(String.fromCodePoint(parseInt(s.slice(i + 2, close), 16)), 'utf8'));
      i = close;
    } else out.push(n.charCodeAt(0));
  }
  return out;
}

/**
 * Tier 2 files for the Wasm 3.0 features the validator supports: tail calls and
 * typed function references (with subtyping and local initialization).
 */
const TYPED_REF_FILES = [
  'return_call',
  'return_call_indirect',
  'return_call_ref',
  'call_ref',
  'br_on_null',
  'br_on_non_null',
  'ref_as_non_null',
  'local_init',
  'ref',
].filter((f) => haveSuite && existsSync(join(suiteDir, f + '.wast')));

type Expect = 'valid' | 'invalid' | 'malformed';
interface ModuleCase {
  file: string;
  line: number;
  expect: Expect;
  kind: 'binary' | 'text';
  /** The message the assertion expects (assert_invalid / assert_malformed). */
  message?: string;
  /** Binary: the bytes; text: the module source. */
  bytes?: Uint8Array;
  text?: string;
}

const VALID_ASSERTS = new Set(['assert_unlinkable', 'assert_trap', 'assert_exhaustion', 'assert_uninstantiable']);

function moduleCase(file: string, text: string, s: Sexp, expect: Expect): ModuleCase | null {
  const line = text.slice(0, s.start).split('\n').length;
  const words = s.children.filter((c) => c.atom !== undefined && !c.atom.startsWith('$')).map((c) => c.atom!);
  if (words[1] === 'quote' || words[1] === 'definition' || words[1] === 'instance') return null;
  if (words[1] === 'binary') {
    const bytes = s.children.filter((c) => c.atom?.startsWith('"')).flatMap((c) => wastStringBytes(c.atom!));
    return { file, line, expect, kind: 'binary', bytes: new Uint8Array(bytes) };
  }
  return { file, line, expect, kind: 'text', text: text.slice(s.start, s.end) };
}

function collectCases(file: string): ModuleCase[] {
  const text = readFileSync(join(suiteDir, file + '.wast'), 'utf8');
  const out: ModuleCase[] = [];
  for (const s of parseSexps(text)) {
    const head = s.children[0]?.atom;
    let c: ModuleCase | null = null;
    if (head === 'module') c = moduleCase(file, text, s, 'valid');
    else if (head === 'assert_invalid' || head === 'assert_malformed') {
      const mod = s.children[1];
      if (mod?.children[0]?.atom === 'module') {
        c = moduleCase(file, text, mod, head === 'assert_invalid' ? 'invalid' : 'malformed');
        const msg = s.children[2]?.atom;
        if (c && msg?.startsWith('"')) c.message = msg.slice(1, -1);
      }
    } else if (head && VALID_ASSERTS.has(head)) {
      const mod = s.children[1];
      if (mod?.children[0]?.atom === 'module') c = moduleCase(file, text, mod, 'valid');
    }
    if (c) out.push(c);
  }
  return out;
}

type Wabt = Awaited<ReturnType<typeof import('wabt')>>;

function toBinary(wabt: Wabt, text: string): Uint8Array | null {
  try {
    const mod = wabt.parseWat('spec.wat', text, {
      exceptions: true,
      multi_memory: true,
      extended_const: true,
      bulk_memory: true,
      reference_types: true,
      multi_value: true,
      sat_float_to_int: true,
      sign_extension: true,
      mutable_globals: true,
    } as Parameters<Wabt['parseWat']>[2]);
    try {
      return mod.toBinary({}).buffer;
    } finally {
      mod.destroy();
    }
  } catch {
    return null;
  }
}

type Binaryen = typeof import('binaryen').default;

/**
 * binaryen's text parser, for modules wabt encodes wrongly (it drops the memory
 * index of active data segments, and writes `(ref $t)` with an outdated code) or
 * cannot parse (`(ref null $t)`). `gc` picks one of two feature sets because
 * each has its own defect: with GC, multi-value blocks of typed references get
 * scratch locals of a wrong type (funcref for a `(ref null $t)`,
 * try_table.wast:420); without it, other typed references are widened (e.g.
 * call_ref.wast:1). The compact import encoding (post-3.0) stays off.
 */
function toBinaryWithBinaryen(binaryen: Binaryen, text: string, gc = true): Uint8Array | null {
  try {
    const mod = binaryen.parseText(text);
    try {
      const F = binaryen.Features as Record<string, number>;
      let features = F.All & ~(F.CompactImports ?? 0) & ~(F.Strings ?? 0);
      if (!gc) features &= ~F.GC;
      mod.setFeatures(features);
      return mod.emitBinary();
    } finally {
      mod.dispose();
    }
  } catch {
    return null;
  }
}

/** Decode + validate everything; returns the error, or null when accepted. */
const check = checkError;

describe.skipIf(!haveSuite)('Tier 1 spec modules', async () => {
  const wabt = haveSuite ? await (await import('wabt')).default() : (null as unknown as Wabt);
  const binaryen = haveSuite ? (await import('binaryen')).default : (null as unknown as Binaryen);
  const files = haveSuite ? [...new Set([...tier1Files(), ...TYPED_REF_FILES])] : [];

  const toolSkipped: string[] = [];
  const stats = { valid: 0, invalid: 0, malformed: 0, unsupported: 0, messageDiffers: [] as string[] };

  it('finds the Tier 1 files', () => {
    expect(files.length).toBeGreaterThan(100);
  });

  for (const file of files) {
    it(file, () => {
      const failures: string[] = [];
      for (const c of collectCases(file)) {
        let bytes = c.kind === 'binary' ? c.bytes! : toBinary(wabt, c.text!);
        // wabt does not parse typed references (`(ref null $t)`): binaryen may,
        // but only valid modules (it validates and rewrites code).
        if (!bytes && c.expect === 'valid') bytes = toBinaryWithBinaryen(binaryen, c.text!);
        if (!bytes) continue; // no tool can produce it (or it is a text-format error)
        let err = check(bytes);
        if (err && c.expect === 'valid' && c.kind === 'text') {
          // A valid module counts as accepted if one of binaryen's encodings is.
          for (const gc of [true, false]) {
            const again = toBinaryWithBinaryen(binaryen, c.text!, gc);
            if (again) err = check(again);
            if (!err) break;
          }
          // Neither tool gives a correct binary: wabt drops data segments' memory
          // index, and binaryen writes imports of one module in the compact
          // import encoding (a post-3.0 proposal).
          if (err && /\(data\s+\(memory/.test(c.text!) && /malformed import kind/.test(err.message)) {
            toolSkipped.push(`${file}:${c.line}`);
            continue;
          }
        }
        if (err && !(err instanceof CompileError)) {
          failures.push(`${file}:${c.line}: ${c.expect} module threw a non-CompileError: ${err.stack}`);
          continue;
        }
        if (err && /unsupported feature/.test(err.message)) {
          stats.unsupported++;
          if (process.env.SHOW_MESSAGES) console.log(`${file}:${c.line}: ${err.message}`);
          continue;
        }
        stats[c.expect]++;
        if (err && c.message && !err.message.startsWith(c.message)) {
          stats.messageDiffers.push(`${file}:${c.line}: expected "${c.message}", got "${err.message}"`);
        }
        if (c.expect === 'valid' && err) failures.push(`${file}:${c.line}: valid module rejected: ${err.message}`);
        if (c.expect !== 'valid' && !err) failures.push(`${file}:${c.line}: ${c.expect} module accepted`);
      }
      expect(failures).toEqual([]);
    });
  }

  it('summary', () => {
    // Informational: how much was checked, and where our wording differs from the suite's.
    console.log(
      `checked ${stats.valid} valid, ${stats.invalid} invalid, ${stats.malformed} malformed modules; ` +
        `${stats.unsupported} rejected as unsupported; ${stats.messageDiffers.length} with other wording` +
        (process.env.SHOW_MESSAGES ? '\n' + stats.messageDiffers.join('\n') : ''),
    );
    expect(stats.valid).toBeGreaterThan(1000);
  });

  it('reports modules no text tool could encode', () => {
    if (toolSkipped.length) console.warn(`skipped (no correct binary from wabt or binaryen): ${toolSkipped.join(', ')}`);
    expect(toolSkipped.length).toBeLessThan(10);
  });
});
