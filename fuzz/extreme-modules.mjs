// Builders for extreme but valid modules, written as bytes directly (no text
// format, no toolchain: a text assembler would itself choke on some of them).
// Each builder returns { bytes, calls }, where `calls` lists [export, args,
// expected result] with the expected results derived from how the module was
// built, not from running it. Used by fuzz/extremes.mjs and src/extremes.test.ts.

import { prng, uleb } from './wasm-bytes.mjs';

const I32 = 0x7f;

/** A growable byte buffer: the big modules here would cost ~9x their size as number[]. */
export class ByteWriter {
  constructor(capacity = 1024) {
    this.buf = new Uint8Array(capacity);
    this.length = 0;
  }
  reserve(k) {
    if (this.length + k <= this.buf.length) return;
    let c = this.buf.length * 2;
    while (c < this.length + k) c *= 2;
    const b = new Uint8Array(c);
    b.set(this.buf.subarray(0, this.length));
    this.buf = b;
  }
  u8(x) {
    this.reserve(1);
    this.buf[this.length++] = x;
    return this;
  }
  push(...xs) {
    this.reserve(xs.length);
    for (const x of xs) this.buf[this.length++] = x;
    return this;
  }
  bytes(arr) {
    this.reserve(arr.length);
    this.buf.set(arr, this.length);
    this.length += arr.length;
    return this;
  }
  uleb(v) {
    do {
      let b = v % 128;
      v = Math.floor(v / 128);
      if (v) b |= 0x80;
      this.u8(b);
    } while (v);
    return this;
  }
  sleb(v) {
    for (;;) {
      const b = v & 0x7f;
      v >>= 7;
      if ((v === 0 && !(b & 0x40)) || (v === -1 && b & 0x40)) return this.u8(b);
      this.u8(b | 0x80);
    }
  }
  name(s) {
    const b = new TextEncoder().encode(s);
    return this.uleb(b.length).bytes(b);
  }
  done() {
    return this.buf.subarray(0, this.length);
  }
}

/**
 * A module from parts. `types`: [params, results] pairs; `funcs`: { type,
 * locals: [[count, type]], body: Uint8Array (code including the final end) };
 * `exports`: [name, kind, index]; `table`: minimum size of one funcref table;
 * `elem`: function indices for an active segment at offset 0; `tags`: type
 * indices; `names`: function index -> name (name section).
 */
export function buildModule({ types, funcs, exports = [], table = null, elem = null, tags = [], names = null }) {
  const w = new ByteWriter(1024 + funcs.reduce((n, f) => n + f.body.length + 8, 0));
  w.push(0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00);
  const section = (id, fill) => {
    const s = new ByteWriter();
    fill(s);
    w.u8(id).uleb(s.length).bytes(s.done());
  };
  section(1, (s) => {
    s.uleb(types.length);
    for (const [params, results] of types) s.u8(0x60).uleb(params.length).push(...params).uleb(results.length).push(...results);
  });
  section(3, (s) => {
    s.uleb(funcs.length);
    for (const f of funcs) s.uleb(f.type);
  });
  if (table !== null) section(4, (s) => s.push(1, 0x70, 0).uleb(table));
  if (tags.length) section(13, (s) => {
    s.uleb(tags.length);
    for (const t of tags) s.u8(0).uleb(t);
  });
  section(7, (s) => {
    s.uleb(exports.length);
    for (const [name, kind, index] of exports) s.name(name).u8(kind).uleb(index);
  });
  if (elem) section(9, (s) => {
    s.push(1, 0, 0x41, 0, 0x0b).uleb(elem.length);
    for (const i of elem) s.uleb(i);
  });
  // The code section is written in place: its size is known from the bodies.
  const entries = funcs.map((f) => {
    const head = new ByteWriter(16);
    head.uleb(f.locals?.length ?? 0);
    for (const [n, t] of f.locals ?? []) head.uleb(n).u8(t);
    return head.done();
  });
  let codeSize = uleb(funcs.length).length;
  funcs.forEach((f, k) => {
    const n = entries[k].length + f.body.length;
    codeSize += uleb(n).length + n;
  });
  w.u8(10).uleb(codeSize).uleb(funcs.length);
  funcs.forEach((f, k) => {
    w.uleb(entries[k].length + f.body.length).bytes(entries[k]).bytes(f.body);
  });
  if (names) section(0, (s) => {
    s.name('name');
    const sub = new ByteWriter();
    sub.uleb(names.size);
    for (const [i, n] of [...names].sort((a, b) => a[0] - b[0])) sub.uleb(i).name(n);
    s.u8(1).uleb(sub.length).bytes(sub.done());
  });
  return w.done();
}

const UNARY_I32 = [[[I32], [I32]]];

/**
 * `depth` nested `block (result i32)`; the innermost branches by its argument
 * (br_table over every depth, so every block is a branch target) to the block
 * that many levels out, the outermost by default. After each block's end its
 * level is added, so the result tells which block was left.
 */
export function nestedBlocks(depth) {
  const b = new ByteWriter(depth * 8 + 64);
  for (let i = 0; i < depth; i++) b.push(0x02, I32);
  b.push(0x41, 1, 0x20, 0, 0x0e).uleb(depth);
  for (let d = 0; d < depth; d++) b.uleb(d);
  b.uleb(depth - 1);
  for (let level = depth - 1; level >= 0; level--) b.u8(0x0b).u8(0x41).sleb(level).u8(0x6a);
  b.u8(0x0b);
  // Leaving the block `d` levels up runs the additions of levels depth-1-d .. 0.
  const expect = (x) => {
    const d = x >= 0 && x < depth ? x : depth - 1;
    const top = depth - 1 - d;
    // The sum wraps around as an i32 does (at 100,000 levels it exceeds 2^32).
    return Number(BigInt.asIntN(32, BigInt(1 + (top * (top + 1)) / 2)));
  };
  const args = [0, 1, 2, depth >> 1, depth - 2, depth - 1, depth, -1];
  return {
    bytes: buildModule({ types: UNARY_I32, funcs: [{ type: 0, body: b.done() }], exports: [['f', 0, 0]] }),
    calls: args.map((x) => ['f', [x], expect(x)]),
  };
}

/** `depth` nested `if (result i32)` on `x > level`: the result is x clamped to [0, depth]. */
export function nestedIfs(depth) {
  const b = new ByteWriter(depth * 12 + 64);
  for (let level = 0; level < depth; level++) b.push(0x20, 0, 0x41).sleb(level).push(0x4a, 0x04, I32);
  b.push(0x41, 0);
  for (let level = depth - 1; level >= 0; level--) b.push(0x41, 1, 0x6a, 0x05, 0x41, 0, 0x0b);
  b.u8(0x0b);
  const args = [-5, 0, 1, 77, depth - 1, depth, depth + 10];
  return {
    bytes: buildModule({ types: UNARY_I32, funcs: [{ type: 0, body: b.done() }], exports: [['f', 0, 0]] }),
    calls: args.map((x) => ['f', [x], Math.min(Math.max(x, 0), depth)]),
  };
}

/**
 * `depth` nested loops, each a branch target. The innermost counts (local 1)
 * up to the argument with `br_if 0`, then picks a level, x mod (depth - 1)
 * (local 3, plus one); on the way out that level's loop is continued once, which runs
 * the innermost body one more time.
 */
export function nestedLoops(depth) {
  const b = new ByteWriter(depth * 14 + 64);
  for (let i = 0; i < depth; i++) b.push(0x03, 0x40);
  b.push(0x20, 1, 0x41, 1, 0x6a, 0x21, 1); // count += 1
  b.push(0x20, 1, 0x20, 0, 0x48, 0x0d, 0); // br_if 0 while count < x
  b.push(0x20, 2, 0x45, 0x04, 0x40, 0x41, 1, 0x21, 2); // if (!picked) { picked = 1;
  b.push(0x20, 0, 0x41).sleb(depth - 1).push(0x70, 0x41, 1, 0x6a, 0x21, 3, 0x0b); //   level = x % (depth - 1) + 1 }
  for (let level = depth - 2; level >= 0; level--) {
    b.u8(0x0b); // end of loop level + 1: now in loop `level`
    // if (picked level == this one) { forget it; continue this loop }
    b.push(0x20, 3, 0x41).sleb(level + 1).push(0x46, 0x04, 0x40, 0x41, 0, 0x21, 3, 0x0c, 1, 0x0b);
  }
  b.push(0x0b, 0x20, 1, 0x0b);
  const args = [0, 1, 5, 1000, depth + 3, -4];
  return {
    bytes: buildModule({ types: UNARY_I32, funcs: [{ type: 0, locals: [[3, I32]], body: b.done() }], exports: [['f', 0, 0]] }),
    calls: args.map((x) => ['f', [x], Math.max(x, 1) + 1]),
  };
}

/**
 * `depth` nested try_table. The innermost throws tag 0 when the argument is
 * non-zero; only the outermost catches it (catch_all to an enclosing block);
 * every 1000th level has a `catch` of tag 1 that does not match. Result: 42
 * when thrown, 1 otherwise.
 */
export function nestedTryTables(depth) {
  const b = new ByteWriter(depth * 6 + 64);
  b.push(0x02, 0x40); // block $out
  b.push(0x1f, 0x40, 1, 0x02, 0); // try_table (catch_all $out)
  for (let level = 1; level < depth; level++) {
    if (level % 1000 === 500) b.push(0x1f, 0x40, 1, 0x00, 1, 0); // (catch 1 <enclosing try_table>)
    else b.push(0x1f, 0x40, 0);
  }
  b.push(0x20, 0, 0x04, 0x40, 0x08, 0, 0x0b); // if (local.get 0) throw 0
  for (let level = 1; level < depth; level++) b.u8(0x0b);
  b.push(0x0b, 0x41, 1, 0x0f); // end try_table; return 1
  b.push(0x0b, 0x41, 42, 0x0b); // end $out: 42
  return {
    bytes: buildModule({ types: [...UNARY_I32, [[], []]], funcs: [{ type: 0, body: b.done() }], tags: [1, 1], exports: [['f', 0, 0]] }),
    calls: [['f', [0], 1], ['f', [1], 42], ['f', [-7], 42]],
  };
}

/**
 * `depth` nested legacy `try (result i32)`, each with a catch_all that
 * rethrows except at every 1000th level, which yields its level. Thrown from the
 * innermost, the result is the deepest such level; not thrown, -1.
 */
export function nestedLegacyTries(depth) {
  const b = new ByteWriter(depth * 8 + 64);
  for (let i = 0; i < depth; i++) b.push(0x06, I32);
  b.push(0x20, 0, 0x04, 0x40, 0x08, 0, 0x0b, 0x41, 0x7f); // if (local.get 0) throw 0; i32.const -1
  for (let level = depth - 1; level >= 0; level--) {
    b.u8(0x19); // catch_all
    if (level % 1000 === 0) b.u8(0x41).sleb(level);
    else b.push(0x09, 0); // rethrow 0
    b.u8(0x0b);
  }
  b.u8(0x0b);
  return {
    bytes: buildModule({ types: [...UNARY_I32, [[], []]], funcs: [{ type: 0, body: b.done() }], tags: [1], exports: [['f', 0, 0]] }),
    calls: [['f', [0], -1], ['f', [1], Math.floor((depth - 1) / 1000) * 1000]],
  };
}

/**
 * A br_table with `n` entries over four nested `block (result i32)`; entry k
 * targets depth (7k + (k >> 10)) mod 4, the default depth 3. The value 100 is
 * carried out and each level adds its own amount on the way out.
 */
export function bigBrTable(n) {
  const b = new ByteWriter(n + 64);
  b.push(0x02, I32, 0x02, I32, 0x02, I32, 0x02, I32);
  b.push(0x41, 0xe4, 0x00, 0x20, 0, 0x0e).uleb(n); // i32.const 100, local.get 0, br_table
  const target = (k) => (k * 7 + (k >> 10)) & 3;
  b.reserve(n);
  for (let k = 0; k < n; k++) b.buf[b.length++] = target(k);
  b.u8(3);
  const adds = [1, 10, 100, 1000];
  for (const a of adds) b.push(0x0b, 0x41).sleb(a).u8(0x6a);
  b.u8(0x0b);
  const expect = (x) => {
    const d = x >= 0 && x < n ? target(x) : 3;
    let r = 100;
    for (let j = d; j < 4; j++) r += adds[j];
    return r;
  };
  const args = [0, 1, 2, 3, 1023, 1024, 123457, n - 1, n, n + 5, -1, 2147483647];
  return {
    bytes: buildModule({ types: UNARY_I32, funcs: [{ type: 0, body: b.done() }], exports: [['f', 0, 0]] }),
    calls: args.map((x) => ['f', [x], expect(x)]),
    expect,
  };
}

/**
 * `n` small functions f_k(x) = k % 10 ? f_{k-1}(x + k) : x + k, all named in a
 * name section and all in a table, plus `dispatch(i, x)` calling f_i through
 * call_indirect.
 */
export function manyFunctions(n) {
  const funcs = [];
  for (let k = 0; k < n; k++) {
    const b = new ByteWriter(16);
    b.push(0x20, 0, 0x41).sleb(k).u8(0x6a);
    if (k % 10) b.u8(0x10).uleb(k - 1);
    b.u8(0x0b);
    funcs.push({ type: 0, body: b.done() });
  }
  const d = new ByteWriter(16);
  d.push(0x20, 1, 0x20, 0, 0x11, 0, 0, 0x0b);
  funcs.push({ type: 1, body: d.done() });
  const names = new Map();
  for (let k = 0; k < n; k++) names.set(k, `fn_${k}`);
  const f = (k, x) => {
    for (;;) {
      x = (x + k) | 0;
      if (k % 10 === 0) return x;
      k--;
    }
  };
  const mid = Math.min(50005, n >> 1);
  const picks = [0, 1, 9, 10, mid, n - 1];
  return {
    bytes: buildModule({
      types: [[[I32], [I32]], [[I32, I32], [I32]]],
      funcs,
      table: n,
      elem: Array.from({ length: n }, (_, k) => k),
      exports: [['f0', 0, 0], ['fmid', 0, mid], ['flast', 0, n - 1], ['dispatch', 0, n]],
      names,
    }),
    calls: [
      ['f0', [5], f(0, 5)],
      ['fmid', [5], f(mid, 5)],
      ['flast', [-3], f(n - 1, -3)],
      ...picks.map((k) => ['dispatch', [k, 11], f(k, 11)]),
    ],
  };
}


// Straight-line i32 arithmetic on an accumulator, with occasional blocks left
// early by `br_if` on the argument's low bit. The ops are also recorded as
// (kind, constant) pairs so the result can be computed without running Wasm.
const OP_XOR = 0, OP_ADD = 1, OP_MUL = 2, OP_ROTL = 3, OP_DOUBLE = 4, OP_BLOCK = 5, OP_BR_IF = 6, OP_END = 7;

/** Emits about `size` bytes of code (param 0: x, local 1: scratch) and returns the op log. */
function arithmetic(w, rand, size) {
  const log = [];
  const start = w.length;
  w.push(0x20, 0);
  let inBlock = 0;
  while (w.length - start < size) {
    const r = rand();
    if (inBlock === 0 && r < 0.02) {
      w.push(0x02, 0x00); // block (type 0): takes the accumulator in, gives it back
      log.push(OP_BLOCK, 0);
      inBlock = 1;
    } else if (inBlock === 1 && r < 0.04) {
      w.push(0x20, 0, 0x41, 1, 0x71, 0x0d, 0); // br_if 0 on x & 1, carrying the accumulator
      log.push(OP_BR_IF, 0);
      inBlock = 2;
    } else if (inBlock === 2 && r < 0.06) {
      w.u8(0x0b);
      log.push(OP_END, 0);
      inBlock = 0;
    } else if (r < 0.1) {
      w.push(0x22, 1, 0x20, 1, 0x6a); // local.tee 1, local.get 1, i32.add
      log.push(OP_DOUBLE, 0);
    } else {
      const kind = Math.floor(rand() * 4);
      const c = kind === OP_ROTL ? Math.floor(rand() * 32) : (rand() * 0x100000000) | 0;
      w.u8(0x41).sleb(c).u8([0x73, 0x6a, 0x6c, 0x77][kind]);
      log.push(kind, c);
    }
  }
  if (inBlock === 1) {
    w.push(0x20, 0, 0x41, 1, 0x71, 0x0d, 0);
    log.push(OP_BR_IF, 0);
  }
  if (inBlock) {
    w.u8(0x0b);
    log.push(OP_END, 0);
  }
  w.u8(0x0b);
  return Int32Array.from(log);
}

/** What a function emitted by `arithmetic` returns for x. */
export function evalArithmetic(log, x) {
  let acc = x | 0;
  for (let i = 0; i < log.length; i += 2) {
    const c = log[i + 1];
    switch (log[i]) {
      case OP_XOR: acc ^= c; break;
      case OP_ADD: acc = (acc + c) | 0; break;
      case OP_MUL: acc = Math.imul(acc, c); break;
      case OP_ROTL: acc = (acc << (c & 31)) | (acc >>> (32 - (c & 31))); break;
      case OP_DOUBLE: acc = (acc + acc) | 0; break;
      case OP_BR_IF:
        if (x & 1) while (log[i] !== OP_END) i += 2;
        break;
      default: break; // block, end
    }
  }
  return acc | 0;
}

/**
 * About `total` bytes of code in functions of `min`..`max` bytes each
 * (`min === max === total`: one function). Every function is exported as `f<k>`;
 * `calls` covers up to `sample` of them, spread out, with both parities of x.
 */
export function bigCode(total, { min, max, seed = 1, sample = 12 }) {
  const rand = prng(seed);
  const funcs = [];
  const logs = [];
  let size = 0;
  while (size < total) {
    const want = Math.min(min + Math.floor(rand() * (max - min + 1)), Math.max(total - size, 16));
    const w = new ByteWriter(want + 64);
    logs.push(arithmetic(w, rand, want));
    funcs.push({ type: 0, locals: [[1, I32]], body: w.done() });
    size += w.length;
  }
  const step = Math.max(1, Math.floor(funcs.length / sample));
  const calls = [];
  for (let k = 0; k < funcs.length; k += step) {
    for (const x of [k * 2 + 1, -k * 2 - 2]) calls.push([`f${k}`, [x], evalArithmetic(logs[k], x)]);
  }
  return {
    bytes: buildModule({ types: UNARY_I32, funcs, exports: funcs.map((_, k) => [`f${k}`, 0, k]) }),
    calls,
    functions: funcs.length,
  };
}
