// Deeply nested control flow of the kinds real toolchains emit (issue 17):
// a C `switch` lowered to N nested blocks closed by one br_table, Go's
// resume-point dispatch (the same ladder inside a loop), and long chains of
// blocks, ifs, loops, try_table and legacy try. Every builder does real work at
// each level (an accumulator updated on the way in or out, throws and
// rethrows chosen by the argument), so the result tells which path was taken;
// `args` lists arguments that take different paths. No expected values here:
// src/deep-shapes.test.ts compares with the native engine.
//
// Each builder returns { bytes, args, nesting }: one exported function
// `f(i32) -> i32`, and the deepest control nesting of its body.

import { ByteWriter, buildModule } from './extreme-modules.mjs';

const I32 = 0x7f;
const EXNREF = 0x69;
const VOID = 0x40;
// One function type (i32) -> i32 for `f`, and tag types: (i32) -> () and () -> ().
const TYPES = [[[I32], [I32]], [[I32], []], [[], []]];

/** Instruction helpers on a ByteWriter (only what the builders need). */
class Code extends ByteWriter {
  get(i) { return this.push(0x20, i); }
  set(i) { return this.push(0x21, i); }
  tee(i) { return this.push(0x22, i); }
  i32(v) { return this.u8(0x41).sleb(v | 0); }
  op(o) { return this.u8(o); }
  /** acc = acc <op by k % 4> (a constant from k): four kinds of i32 arithmetic. */
  mix(acc, k) {
    this.get(acc);
    switch (k & 3) {
      case 0: return this.i32(2 * k + 1).op(0x6c).set(acc); // mul by an odd number
      case 1: return this.i32((k % 31) + 1).op(0x77).i32(k).op(0x73).set(acc); // rotl, xor
      case 2: return this.i32(Math.imul(k, 0x9e3779b1)).op(0x6a).set(acc); // add
      default: return this.i32(3).op(0x76).i32(k).op(0x6b).set(acc); // shr_u, sub
    }
  }
}

function module(body, locals, nesting, args, tags = []) {
  return {
    bytes: buildModule({ types: TYPES, funcs: [{ type: 0, locals, body: body.done() }], tags, exports: [['f', 0, 0]] }),
    args,
    nesting,
  };
}

/** br_table entry i of a ladder of n cases: a case, or (1 in 97) the default (depth n). */
const ladderTarget = (i, n) => (i % 97 === 13 ? n : (i * 7 + (i >> 5)) % n);

/**
 * A C `switch` of `n` cases as LLVM lowers it: block $exit, block $default,
 * then n blocks, the innermost ending in one br_table on the argument over
 * n + n/8 entries (holes go to the default). After block k's end comes case k's
 * code, which ends with `br $exit` or (every fifth case) falls through into the
 * next case, as C does without `break`.
 *
 * With `loop: true`, the Go-style dispatcher instead: the ladder sits in a loop,
 * the br_table is on a state local, and each case computes the next state from
 * the accumulator and continues the loop (up to 64 steps); the default ends it.
 */
export function switchLadder(n, { loop = false } = {}) {
  const m = n + (n >> 3);
  const b = new Code(n * 16 + m * 3 + 64);
  const [x, acc, state, steps] = [0, 1, 2, 3];
  b.get(x).i32(0x9e3779b1).op(0x6c).set(acc);
  b.get(x).set(state);
  if (loop) b.push(0x03, VOID); // loop $top
  b.push(0x02, VOID, 0x02, VOID); // block $exit (or $done), block $default
  for (let k = 0; k < n; k++) b.push(0x02, VOID);
  b.get(loop ? state : x).u8(0x0e).uleb(m);
  for (let i = 0; i < m; i++) b.uleb(ladderTarget(i, n));
  b.uleb(n);
  for (let k = 0; k < n; k++) {
    b.u8(0x0b); // end of block k: case k
    // Enclosing labels now: blocks k+1 .. n-1, $default, $exit, [$top].
    b.mix(acc, k);
    if (loop) {
      b.get(acc).i32(7).op(0x76).i32(m).op(0x70).set(state); // state = (acc >>> 7) % m
      b.get(steps).i32(1).op(0x6a).tee(steps).i32(64).op(0x49).u8(0x0d).uleb(n - k + 1); // br_if $top while steps < 64
      b.u8(0x0c).uleb(n - k); // br $done
    } else if (k % 5 !== 4) {
      b.u8(0x0c).uleb(n - k); // break: br $exit
    }
  }
  b.u8(0x0b); // end of $default: the default case
  b.get(acc).i32(0x5bd1e995).op(0x73).set(acc);
  b.u8(0x0b); // end of $exit
  if (loop) b.u8(0x0b);
  b.get(acc).get(steps).i32(16).op(0x74).op(0x73); // acc ^ (steps << 16)
  b.u8(0x0b);
  const args = [0, 1, 2, 3, 4, 5, 13, 110, n >> 1, n - 1, n, m - 1, m, m + 3, -1, 0x7fffffff];
  return module(b, [[3, I32]], n + 2 + (loop ? 1 : 0), args);
}

/**
 * `depth` nested void blocks. On the way in, every third level leaves early
 * when the argument equals its level, with a `br_if` up to 2,000 levels out;
 * on the way out each level's end is followed by its own arithmetic, so the
 * result tells which blocks were left normally.
 */
export function deepBlocks(depth) {
  const b = new Code(depth * 16 + 64);
  const [x, acc] = [0, 1];
  b.get(x).set(acc);
  for (let level = 0; level < depth; level++) {
    b.push(0x02, VOID);
    if (level % 3 === 0 && level > 0) {
      // Labels inside block `level`: 0 .. level (the blocks); level + 1 is the function's.
      const out = (Math.imul(level, 0x9e3779b1) >>> 0) % Math.min(level + 1, 2000);
      b.get(x).i32(level).op(0x46).u8(0x0d).uleb(out);
    }
  }
  for (let level = depth - 1; level >= 0; level--) b.u8(0x0b).mix(acc, level);
  b.get(acc).u8(0x0b);
  const args = [0, 1, 3, 6, 999, 3000, 3 * Math.floor(depth / 6), 3 * Math.floor((depth - 2) / 3), depth - 1, depth, -1];
  return module(b, [[1, I32]], depth, args);
}

/**
 * `depth` nested `if (result i32)` on `x > level`, each with an else. The
 * then-arm is the next level; its value is combined with the level's constant
 * on the way out; the else-arm computes from x and the level.
 */
export function deepIfs(depth) {
  const b = new Code(depth * 24 + 64);
  const x = 0;
  for (let level = 0; level < depth; level++) b.get(x).i32(level).op(0x4a).push(0x04, I32);
  b.get(x).i32(0x01000193).op(0x6c);
  for (let level = depth - 1; level >= 0; level--) {
    const c = Math.imul(level + 1, 0x85ebca6b);
    if (level % 3 === 0) b.i32(c).op(0x6a);
    else if (level % 3 === 1) b.i32(c).op(0x73);
    else b.i32((level % 31) + 1).op(0x77);
    b.u8(0x05); // else
    b.get(x).i32(level * 3 + 1).op(0x6c).i32(c).op(0x73);
    b.u8(0x0b);
  }
  b.u8(0x0b);
  const args = [-5, 0, 1, 2, 77, depth >> 1, depth - 2, depth - 1, depth, depth + 10];
  return module(b, [], depth, args);
}

/**
 * `depth` nested loops, every one a branch target. The innermost counts up to
 * the argument (`br_if 0`), folding the count into an accumulator, then picks
 * a level from the argument; on the way out every level mixes the accumulator,
 * and the picked level's loop is continued once, which runs all the loops
 * inside it again.
 */
export function deepLoops(depth) {
  const b = new Code(depth * 24 + 64);
  const [x, count, picked, level, acc] = [0, 1, 2, 3, 4];
  for (let i = 0; i < depth; i++) b.push(0x03, VOID);
  b.get(count).i32(1).op(0x6a).set(count);
  b.get(acc).i32(31).op(0x6c).get(count).op(0x6a).set(acc);
  b.get(count).get(x).op(0x48).push(0x0d, 0); // br_if 0 while count < x
  b.get(picked).op(0x45).push(0x04, VOID).i32(1).set(picked); // if (!picked) { picked = 1;
  b.get(x).i32(depth - 1).op(0x70).i32(1).op(0x6a).set(level).u8(0x0b); //   level = x %u (depth - 1) + 1 }
  for (let l = depth - 2; l >= 0; l--) {
    b.u8(0x0b); // end of loop l + 1: now in loop l
    if (l % 2 === 0) b.mix(acc, l);
    // if (level == l + 1) { level = 0; continue loop l }
    b.get(level).i32(l + 1).op(0x46).push(0x04, VOID).i32(0).set(level).push(0x0c, 1, 0x0b);
  }
  b.u8(0x0b).get(acc).get(count).op(0x73).u8(0x0b);
  const args = [0, 1, 5, 1000, depth - 2, depth + 3, -4];
  return module(b, [[4, I32]], depth + 1, args);
}

/**
 * `depth` nested try_table with a variety of clauses: catch of a tag with an
 * i32 payload, catch_ref of a tag without, catch_all, catch_all_ref, none, and
 * every 1,000th level a handler block of its own right around it. After each
 * try_table's end the accumulator is mixed, and the level whose number the
 * argument is throws one of three tags, which the nearest matching clause
 * outside it catches; a negative argument throws from the innermost. The
 * landing blocks wrap the whole nest (catching branches out of all the levels
 * in between), compute from the accumulator and return; -2 makes the
 * exception escape to the caller (throw_ref, or a new throw).
 */
export function deepTryTables(depth) {
  const b = new Code(depth * 32 + 128);
  const [x, acc, exn] = [0, 1, 2];
  const [T0, T1, T2] = [0, 1, 2]; // tags: (i32), (i32), ()
  b.get(x).set(acc);
  // Labels from the outside in, to compute relative depths by name (the
  // position of each name's innermost occurrence, so lookups stay O(1)).
  const labels = [];
  const at = new Map();
  const push = (name) => {
    labels.push([name, at.get(name)]);
    at.set(name, labels.length - 1);
  };
  const pop = () => {
    const [name, prev] = labels.pop();
    if (prev === undefined) at.delete(name);
    else at.set(name, prev);
  };
  const depthOf = (name) => labels.length - 1 - at.get(name);
  b.push(0x02, I32); push('R'); // catch T0 lands here with its payload
  b.push(0x02, I32); push('S'); // catch T1
  b.push(0x02, EXNREF); push('E'); // catch_all_ref, catch_ref T2
  b.push(0x02, VOID); push('N'); // catch_all
  for (let level = 0; level < depth; level++) {
    const own = level % 1000 === 500;
    if (own) { b.push(0x02, I32); push('own'); }
    // Catch labels are resolved outside the try_table being opened.
    const clauses = [];
    switch (own ? -1 : level % 8) {
      case -1: clauses.push([0x00, T0, depthOf('own')], [0x02, depthOf('N')]); break;
      case 0: clauses.push([0x00, T0, depthOf('R')]); break;
      case 2: clauses.push([0x03, depthOf('E')]); break;
      case 3: clauses.push([0x00, T1, depthOf('S')]); break;
      case 5: clauses.push([0x01, T2, depthOf('E')]); break;
      case 6: clauses.push([0x00, T1, depthOf('S')], [0x02, depthOf('N')]); break;
      default: break; // 1, 4, 7: no clause
    }
    b.push(0x1f, VOID).uleb(clauses.length);
    for (const c of clauses) for (const v of c) b.uleb(v);
    push('try');
  }
  b.get(x).i32(0).op(0x48).push(0x04, VOID, 0x08, T2, 0x0b); // if (x < 0) throw T2
  for (let level = depth - 1; level >= 0; level--) {
    b.u8(0x0b); pop(); // end of try_table `level`
    if (level % 1000 === 500) {
      // Normal completion brings the accumulator, a catch the payload.
      b.get(acc).u8(0x0b).i32(level).op(0x73).set(acc); pop();
    }
    b.mix(acc, level);
    const tag = [T0, T1, T2][level % 3];
    b.get(x).i32(level).op(0x46).push(0x04, VOID);
    if (tag !== T2) b.get(acc);
    b.push(0x08, tag, 0x0b);
  }
  b.get(acc).u8(0x0f); // nothing thrown: return acc
  b.u8(0x0b); pop(); // end of N: caught by catch_all
  b.get(x).i32(-2).op(0x46).push(0x04, VOID).get(acc).push(0x08, T1, 0x0b);
  b.get(acc).i32(5).op(0x6c).i32(1).op(0x6a).u8(0x0f);
  b.u8(0x0b); pop(); // end of E: an exnref
  b.set(exn).get(acc).i32(0x77).op(0x73).set(acc);
  b.get(x).i32(-2).op(0x46).push(0x04, VOID).get(exn).push(0x0a, 0x0b); // throw_ref
  b.get(acc).u8(0x0f);
  b.u8(0x0b); pop(); // end of S: T1's payload
  b.i32(0x1000).op(0x6a).u8(0x0f);
  b.u8(0x0b); pop(); // end of R: T0's payload
  b.get(acc).op(0x73).u8(0x0b);
  const args = [-1, -2, 0, 1, 2, 3, 4, 5, 6, 7, 8, 13, 499, 500, 501, 1500, depth - 2, depth - 1, depth];
  return module(b, [[1, I32], [1, EXNREF]], depth + 5, args, [1, 1, 2]);
}

/**
 * `depth` nested legacy `try` blocks of six kinds: catch of a tag (with a
 * conditional rethrow), delegate to 0-2 levels out (or to the caller),
 * catch_all (rethrowing on odd arguments), catch of one tag plus catch_all
 * that always rethrows, no handler, and catch that always rethrows. After each
 * try's end the accumulator is mixed and the level whose number is the
 * argument throws one of three tags; a negative argument throws from the
 * innermost. An exception that nothing keeps escapes to the caller.
 */
export function deepLegacyTries(depth) {
  const b = new Code(depth * 40 + 64);
  const [x, acc] = [0, 1];
  const [T0, T1, T2] = [0, 1, 2];
  b.get(x).set(acc);
  for (let level = 0; level < depth; level++) b.push(0x06, VOID);
  b.get(x).i32(0).op(0x48).push(0x04, VOID, 0x08, T2, 0x0b); // if (x < 0) throw T2
  for (let level = depth - 1; level >= 0; level--) {
    switch (level % 6) {
      case 0: // catch T0: acc = (acc ^ payload) + level; rethrow when acc % 4 == 0
        b.push(0x07, T0).get(acc).op(0x73).i32(level).op(0x6a).set(acc);
        b.get(acc).i32(3).op(0x71).op(0x45).push(0x04, VOID, 0x09, 1, 0x0b).u8(0x0b);
        break;
      case 1: // delegate to a try 0..2 levels out (1 at level 1: the caller)
        b.u8(0x18).uleb(level % 3);
        break;
      case 2: // catch_all: mix, rethrow on odd x
        b.u8(0x19).get(acc).i32(level).op(0x73).set(acc);
        b.get(x).i32(1).op(0x71).push(0x04, VOID, 0x09, 1, 0x0b).u8(0x0b);
        break;
      case 3: // catch T1 keeps it; catch_all mixes and rethrows
        b.push(0x07, T1).i32(level).op(0x6a).set(acc);
        b.u8(0x19).get(acc).i32(0x55).op(0x73).set(acc).push(0x09, 0).u8(0x0b);
        break;
      case 4: // no handler
        b.u8(0x0b);
        break;
      default: // catch T0 and rethrow
        b.push(0x07, T0, 0x1a, 0x09, 0, 0x0b);
        break;
    }
    b.mix(acc, level);
    const tag = [T0, T1, T2][level % 3];
    b.get(x).i32(level).op(0x46).push(0x04, VOID);
    if (tag !== T2) b.get(acc);
    b.push(0x08, tag, 0x0b);
  }
  b.get(acc).u8(0x0b);
  const args = [-1, 0, 1, 2, 3, 4, 5, 6, 7, 12, 13, 600, 601, depth - 3, depth - 2, depth - 1, depth];
  return module(b, [[1, I32]], depth, args, [1, 1, 2]);
}
