// i64 as two int32 halves: the JavaScript a compiler would emit, as source
// text, so the micro-benchmarks time exactly what a lowering would produce.
// A value is { l, h }: the names (or int32 literals) of its low and high
// halves, both kept as int32 (`| 0`) so V8 sees Word32 values everywhere and
// nothing is boxed at loop headers, joins or calls. Each emitter returns
// statements that assign the result's halves at the end (so a result may
// reuse an operand's names), inside a block whose temporaries are `const`s.
//
// Also: `$PAIR_RUNTIME`, the helpers a lowering would call (64-bit division,
// BigInt conversion at the JS boundary), and `c(bigint)`, a constant's halves.

/** A 64-bit constant as int32 literal halves. */
export function c(v) {
  const u = BigInt.asUintN(64, BigInt(v));
  return { l: String(Number(BigInt.asIntN(32, u))), h: String(Number(BigInt.asIntN(32, u >> 32n))), k: u };
}

export const pair = (name) => ({ l: `${name}l`, h: `${name}h` });
const blk = (s) => `{ ${s} }`;
let uid = 0;
const tmp = (p = 't') => `${p}${uid++}`;

/** r = a: plain copies. */
export const mov = (r, a) => `${r.l} = ${a.l}; ${r.h} = ${a.h};`;

/**
 * r = a + b. 'cmp' takes the carry from an unsigned compare of the low sum
 * with an operand; 'bits' from the sign bits, ((a & b) | ((a | b) & ~s)) >>> 31.
 */
export function add(r, a, b, how = 'cmp') {
  const s = tmp();
  const carry = how === 'cmp' ? `((${s} >>> 0) < (${a.l} >>> 0) ? 1 : 0)` : `(((${a.l} & ${b.l}) | ((${a.l} | ${b.l}) & ~${s})) >>> 31)`;
  return blk(`const ${s} = (${a.l} + ${b.l}) | 0; ${r.h} = (${a.h} + ${b.h} + ${carry}) | 0; ${r.l} = ${s};`);
}

export function sub(r, a, b) {
  const s = tmp();
  return blk(`const ${s} = (${a.l} - ${b.l}) | 0; ${r.h} = (${a.h} - ${b.h} - ((${a.l} >>> 0) < (${b.l} >>> 0) ? 1 : 0)) | 0; ${r.l} = ${s};`);
}

export const and = (r, a, b) => `${r.l} = ${a.l} & ${b.l}; ${r.h} = ${a.h} & ${b.h};`;
export const or = (r, a, b) => `${r.l} = ${a.l} | ${b.l}; ${r.h} = ${a.h} | ${b.h};`;
export const xor = (r, a, b) => `${r.l} = ${a.l} ^ ${b.l}; ${r.h} = ${a.h} ^ ${b.h};`;

/**
 * The high 32 bits of the unsigned product of two int32s, as an expression
 * over fresh temporaries (returned as [statements, expression]).
 * 'pieces16': four 16x16 products through Math.imul (int32 only);
 * 'float': two 32x16 products as doubles (each < 2^48, exact).
 */
function mulHi32(x, y, how) {
  if (how === 'float') {
    const xu = tmp('u');
    return [`const ${xu} = ${x} >>> 0;`,
      `(((${xu} * (${y} >>> 16)) + ((${xu} * (${y} & 65535)) / 65536 >>> 0)) / 65536) | 0`];
  }
  const [x0, x1, y0, y1, m] = [tmp('x'), tmp('x'), tmp('y'), tmp('y'), tmp('m')];
  return [`const ${x0} = ${x} & 65535, ${x1} = ${x} >>> 16, ${y0} = ${y} & 65535, ${y1} = ${y} >>> 16;` +
    ` const ${m} = (Math.imul(${x0}, ${y0}) >>> 16) + (Math.imul(${x0}, ${y1}) & 65535) + (Math.imul(${x1}, ${y0}) & 65535);`,
  `(Math.imul(${x1}, ${y1}) + (Math.imul(${x0}, ${y1}) >>> 16) + (Math.imul(${x1}, ${y0}) >>> 16) + (${m} >>> 16)) | 0`];
}

/** r = a * b (mod 2^64): low halves' full product plus the two cross terms. */
export function mul(r, a, b, how = 'pieces16') {
  const [pre, hi] = mulHi32(a.l, b.l, how);
  const cross = (x, y) => (x === '0' || y === '0' ? '' : ` + Math.imul(${x}, ${y})`);
  const lo = tmp();
  return blk(`${pre} const ${lo} = Math.imul(${a.l}, ${b.l}); ${r.h} = ((${hi})${cross(a.l, b.h)}${cross(a.h, b.l)}) | 0; ${r.l} = ${lo};`);
}

// Shifts and rotates by a constant count (taken mod 64, as Wasm does).
export function shlK(r, a, k) {
  k &= 63;
  if (k === 0) return mov(r, a);
  if (k >= 32) return `${r.h} = ${a.l} << ${k - 32}; ${r.l} = 0;`;
  const t = tmp();
  return blk(`const ${t} = (${a.h} << ${k}) | (${a.l} >>> ${32 - k}); ${r.l} = ${a.l} << ${k}; ${r.h} = ${t};`);
}
export function shrUK(r, a, k) {
  k &= 63;
  if (k === 0) return mov(r, a);
  if (k >= 32) return `${r.l} = ${k === 32 ? a.h : `${a.h} >>> ${k - 32}`}; ${r.h} = 0;`;
  const t = tmp();
  return blk(`const ${t} = (${a.l} >>> ${k}) | (${a.h} << ${32 - k}); ${r.h} = ${a.h} >>> ${k}; ${r.l} = ${t};`);
}
export function shrSK(r, a, k) {
  k &= 63;
  if (k === 0) return mov(r, a);
  if (k >= 32) return blk(`const t = ${a.h}; ${r.l} = t >> ${k - 32}; ${r.h} = t >> 31;`);
  const t = tmp();
  return blk(`const ${t} = (${a.l} >>> ${k}) | (${a.h} << ${32 - k}); ${r.h} = ${a.h} >> ${k}; ${r.l} = ${t};`);
}
export function rotlK(r, a, k) {
  k &= 63;
  if (k === 0) return mov(r, a);
  const [x, y] = k >= 32 ? [a.h, a.l] : [a.l, a.h]; // rotating by 32 swaps the halves
  k &= 31;
  if (k === 0) return blk(`const t = ${x}, u = ${y}; ${r.l} = t; ${r.h} = u;`);
  const [t, u] = [tmp(), tmp()];
  return blk(`const ${t} = (${x} << ${k}) | (${y} >>> ${32 - k}), ${u} = (${y} << ${k}) | (${x} >>> ${32 - k}); ${r.l} = ${t}; ${r.h} = ${u};`);
}
export const rotrK = (r, a, k) => rotlK(r, a, (64 - (k & 63)) & 63);

// Shifts and rotates by a variable count `n` (an int32 expression; mod 64),
// branch-free as wasm2es emits them today (codegen/numeric.ts): a count of 32
// or more is a swap (or a move) under the mask -(n >>> 5); the bits crossing
// halves move in two steps, (x >>> 1) >>> (31 - n), so a count of 0 moves none.
export function shlN(r, a, n) {
  const [k, m, l, h] = [tmp('k'), tmp('m'), tmp('l'), tmp('h')];
  return blk(`const ${k} = ${n} & 31, ${m} = -((${n} >>> 5) & 1);` +
    ` const ${l} = ${a.l} << ${k}, ${h} = (${a.h} << ${k}) | ((${a.l} >>> 1) >>> (31 - ${k}));` +
    ` ${r.h} = (${h} & ~${m}) | (${l} & ${m}); ${r.l} = ${l} & ~${m};`);
}
export function shrUN(r, a, n) {
  const [k, m, l, h] = [tmp('k'), tmp('m'), tmp('l'), tmp('h')];
  return blk(`const ${k} = ${n} & 31, ${m} = -((${n} >>> 5) & 1);` +
    ` const ${h} = ${a.h} >>> ${k}, ${l} = (${a.l} >>> ${k}) | ((${a.h} << 1) << (31 - ${k}));` +
    ` ${r.l} = (${l} & ~${m}) | (${h} & ${m}); ${r.h} = ${h} & ~${m};`);
}
export function shrSN(r, a, n) {
  const [k, m, l, h] = [tmp('k'), tmp('m'), tmp('l'), tmp('h')];
  return blk(`const ${k} = ${n} & 31, ${m} = -((${n} >>> 5) & 1);` +
    ` const ${h} = ${a.h} >> ${k}, ${l} = (${a.l} >>> ${k}) | ((${a.h} << 1) << (31 - ${k}));` +
    ` ${r.l} = (${l} & ~${m}) | (${h} & ${m}); ${r.h} = (${h} & ~${m}) | ((${a.h} >> 31) & ${m});`);
}
export function rotlN(r, a, n) {
  const [k, m, x, y] = [tmp('k'), tmp('m'), tmp('x'), tmp('y')];
  return blk(`const ${k} = ${n} & 31, ${m} = (${a.l} ^ ${a.h}) & -((${n} >>> 5) & 1);` +
    ` const ${x} = ${a.l} ^ ${m}, ${y} = ${a.h} ^ ${m};` +
    ` ${r.h} = (${y} << ${k}) | ((${x} >>> 1) >>> (31 - ${k})); ${r.l} = (${x} << ${k}) | ((${y} >>> 1) >>> (31 - ${k}));`);
}
export const rotrN = (r, a, n) => rotlN(r, a, `(64 - (${n} & 63))`);

// Comparisons: int32 0/1 expressions.
export const eqz = (a) => `((${a.l} | ${a.h}) === 0 ? 1 : 0)`;
export const eq = (a, b) => `((${a.l} === ${b.l}) & (${a.h} === ${b.h}))`;
export const ltU = (a, b) => `(${a.h} === ${b.h} ? ((${a.l} >>> 0) < (${b.l} >>> 0) ? 1 : 0) : ((${a.h} >>> 0) < (${b.h} >>> 0) ? 1 : 0))`;
export const ltS = (a, b) => `(${a.h} === ${b.h} ? ((${a.l} >>> 0) < (${b.l} >>> 0) ? 1 : 0) : (${a.h} < ${b.h} ? 1 : 0))`;

export const extendS = (r, x) => blk(`const t = ${x}; ${r.l} = t; ${r.h} = t >> 31;`);
export const extendU = (r, x) => `${r.l} = ${x}; ${r.h} = 0;`;

/** i64 load/store through an Int32Array view at a proven 8-aligned address `a` (bytes). */
export const loadI32View = (r, view, a) => blk(`const i = ${a} >>> 2; ${r.l} = ${view}[i]; ${r.h} = ${view}[i + 1];`);
export const storeI32View = (view, a, v) => blk(`const i = ${a} >>> 2; ${view}[i] = ${v.l}; ${view}[i + 1] = ${v.h};`);
/** ... through a DataView (any alignment; its RangeError is the trap). */
export const loadDV = (r, dv, a) => blk(`const p = ${a}; ${r.h} = ${dv}.getInt32(p + 4, true); ${r.l} = ${dv}.getInt32(p, true);`);
export const storeDV = (dv, a, v) => blk(`const p = ${a}; ${dv}.setInt32(p + 4, ${v.h}, true); ${dv}.setInt32(p, ${v.l}, true);`);

/** A pair as a BigInt (the JS boundary), and back (through the scratch pair $K64/$K32). */
export const toBig = (a) => `BigInt.asIntN(64, (BigInt(${a.h}) << 32n) | BigInt(${a.l} >>> 0))`;
export const fromBig = (r, e) => `$K64[0] = ${e}; ${r.l} = $K32[0]; ${r.h} = $K32[1];`;

/** Calls of the division helpers: the quotient's low half is returned, its high half left in $H. */
export const divU = (r, a, b) => `${r.l} = $udiv(${a.l}, ${a.h}, ${b.l}, ${b.h}); ${r.h} = $H;`;
export const remU = (r, a, b) => `${r.l} = $urem(${a.l}, ${a.h}, ${b.l}, ${b.h}); ${r.h} = $H;`;
export const divS = (r, a, b) => `${r.l} = $sdiv(${a.l}, ${a.h}, ${b.l}, ${b.h}); ${r.h} = $H;`;
export const remS = (r, a, b) => `${r.l} = $srem(${a.l}, ${a.h}, ${b.l}, ${b.h}); ${r.h} = $H;`;

/**
 * The runtime helpers, as source (evaluated with the generated code). 64-bit
 * unsigned division by doubles: a quotient below 2^32 is estimated from the
 * operands as doubles (relative error ~2^-52, so off by at most one or two)
 * and corrected with exact pair arithmetic; a quotient that can reach 2^64
 * (divisor below 2^32) is done as two such 64/32 steps. Division by zero and
 * INT64_MIN / -1 trap. `$bdiv` etc. are the same through BigInt, for comparison.
 */
export const PAIR_RUNTIME = `
let $H = 0;
const $K64 = new BigInt64Array(1), $K32 = new Int32Array($K64.buffer);
function $trap(m) { throw new Error(m); }
// q < 2^32 assumed (n < d * 2^32). Sets $Q (quotient), $RL/$RH (remainder).
// The estimate is scaled down by 2^-50 so it is never above the quotient (the
// doubles' relative error is ~3 * 2^-53) and at most one below it: then
// p = q * d <= n fits 64 bits, and one step up may follow.
let $Q = 0, $RL = 0, $RH = 0;
function $div32q(nl, nh, dl, dh) {
  const du = (dh >>> 0) * 4294967296 + (dl >>> 0);
  let q = Math.floor((((nh >>> 0) * 4294967296 + (nl >>> 0)) / du) * 0.9999999999999991);
  q = q > 0 ? q >>> 0 : 0;
  const q0 = q & 65535, q1 = q >>> 16, d0 = dl & 65535, d1 = dl >>> 16;
  const m = (Math.imul(q0, d0) >>> 16) + (Math.imul(q0, d1) & 65535) + (Math.imul(q1, d0) & 65535);
  const ph = (Math.imul(q1, d1) + (Math.imul(q0, d1) >>> 16) + (Math.imul(q1, d0) >>> 16) + (m >>> 16) + Math.imul(q, dh)) | 0;
  const pl = Math.imul(q, dl);
  let rl = (nl - pl) | 0, rh = (nh - ph - ((nl >>> 0) < (pl >>> 0) ? 1 : 0)) | 0;
  while ((rh >>> 0) > (dh >>> 0) || (rh === dh && (rl >>> 0) >= (dl >>> 0))) { // r >= d: one more
    const s = (rl - dl) | 0; rh = (rh - dh - ((rl >>> 0) < (dl >>> 0) ? 1 : 0)) | 0; rl = s; q = (q + 1) >>> 0;
  }
  $Q = q | 0; $RL = rl; $RH = rh;
}
// Unsigned 64-bit division: sets $Q/$QH (quotient) and $RL/$RH.
let $QH = 0;
function $udivmod(nl, nh, dl, dh) {
  if ((dl | dh) === 0) $trap('integer divide by zero');
  if (dh === 0) {
    const du = dl >>> 0;
    if (nh === 0) { const q = ((nl >>> 0) / du) >>> 0; $Q = q | 0; $QH = 0; $RL = ((nl >>> 0) - q * du) | 0; $RH = 0; return; }
    const hu = nh >>> 0, qh = (hu / du) >>> 0;
    $div32q(nl, (hu - qh * du) | 0, dl, 0);
    $QH = qh | 0;
    return;
  }
  $QH = 0;
  if ((nh >>> 0) < (dh >>> 0)) { $Q = 0; $RL = nl; $RH = nh; return; }
  $div32q(nl, nh, dl, dh);
}
function $udiv(nl, nh, dl, dh) { $udivmod(nl, nh, dl, dh); $H = $QH; return $Q; }
function $urem(nl, nh, dl, dh) { $udivmod(nl, nh, dl, dh); $H = $RH; return $RL; }
function $sdiv(nl, nh, dl, dh) {
  if ((dl | dh) === 0) $trap('integer divide by zero');
  if (nh === -2147483648 && nl === 0 && dl === -1 && dh === -1) $trap('integer overflow');
  const neg = (nh ^ dh) < 0;
  if (nh < 0) { nl = -nl | 0; nh = (~nh + (nl === 0 ? 1 : 0)) | 0; }
  if (dh < 0) { dl = -dl | 0; dh = (~dh + (dl === 0 ? 1 : 0)) | 0; }
  $udivmod(nl, nh, dl, dh);
  let l = $Q, h = $QH;
  if (neg) { l = -l | 0; h = (~h + (l === 0 ? 1 : 0)) | 0; }
  $H = h; return l;
}
function $srem(nl, nh, dl, dh) {
  if ((dl | dh) === 0) $trap('integer divide by zero');
  const neg = nh < 0;
  if (nh < 0) { nl = -nl | 0; nh = (~nh + (nl === 0 ? 1 : 0)) | 0; }
  if (dh < 0) { dl = -dl | 0; dh = (~dh + (dl === 0 ? 1 : 0)) | 0; }
  $udivmod(nl, nh, dl, dh);
  let l = $RL, h = $RH;
  if (neg) { l = -l | 0; h = (~h + (l === 0 ? 1 : 0)) | 0; }
  $H = h; return l;
}
// The same through BigInt (what the pair code would call if it converted).
function $bdiv(nl, nh, dl, dh) {
  $K32[0] = nl; $K32[1] = nh; const n = BigInt.asUintN(64, $K64[0]);
  $K32[0] = dl; $K32[1] = dh; const d = BigInt.asUintN(64, $K64[0]);
  if (d === 0n) $trap('integer divide by zero');
  $K64[0] = BigInt.asIntN(64, n / d); $H = $K32[1]; return $K32[0];
}
function $brem(nl, nh, dl, dh) {
  $K32[0] = nl; $K32[1] = nh; const n = BigInt.asUintN(64, $K64[0]);
  $K32[0] = dl; $K32[1] = dh; const d = BigInt.asUintN(64, $K64[0]);
  if (d === 0n) $trap('integer divide by zero');
  $K64[0] = BigInt.asIntN(64, n % d); $H = $K32[1]; return $K32[0];
}
`;

/**
 * Builds a module of generated functions: `body` is source text that may use
 * the runtime above and the names of `env`; returns what `ret` evaluates to.
 */
export function build(body, ret, env = {}) {
  // eslint-disable-next-line no-new-func
  return new Function(...Object.keys(env), `'use strict';\n${PAIR_RUNTIME}\n${body}\nreturn ${ret};`)(...Object.values(env));
}
