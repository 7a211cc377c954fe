// Checks every pair-form emitter of pairs.mjs against native WebAssembly:
// each i64 operation on edge values (0, ±1, ±2^31, ±2^32, 2^63, ...), on
// random values of every magnitude, and every shift/rotate count 0..129;
// divisions also on their traps. Exits 1 on the first difference.
//
//   node bench/micro/check.mjs
import * as P from './pairs.mjs';
import { wat } from './harness.mjs';

const BIN = {
  add: ['i64.add', (r, a, b) => P.add(r, a, b, 'cmp')],
  add_bits: ['i64.add', (r, a, b) => P.add(r, a, b, 'bits')],
  sub: ['i64.sub', P.sub],
  mul: ['i64.mul', (r, a, b) => P.mul(r, a, b, 'pieces16')],
  mul_float: ['i64.mul', (r, a, b) => P.mul(r, a, b, 'float')],
  and: ['i64.and', P.and],
  or: ['i64.or', P.or],
  xor: ['i64.xor', P.xor],
  shl: ['i64.shl', (r, a, b) => P.shlN(r, a, b.l)],
  shr_u: ['i64.shr_u', (r, a, b) => P.shrUN(r, a, b.l)],
  shr_s: ['i64.shr_s', (r, a, b) => P.shrSN(r, a, b.l)],
  rotl: ['i64.rotl', (r, a, b) => P.rotlN(r, a, b.l)],
  rotr: ['i64.rotr', (r, a, b) => P.rotrN(r, a, b.l)],
  div_u: ['i64.div_u', P.divU],
  rem_u: ['i64.rem_u', P.remU],
  div_s: ['i64.div_s', P.divS],
  rem_s: ['i64.rem_s', P.remS],
};
const CMP = { eq: ['i64.eq', P.eq], lt_u: ['i64.lt_u', P.ltU], lt_s: ['i64.lt_s', P.ltS] };
const KSHIFT = { shl: P.shlK, shr_u: P.shrUK, shr_s: P.shrSK, rotl: P.rotlK, rotr: P.rotrK };

const fns = Object.entries(BIN).map(([k, [op]]) => `(func (export "${k}") (param i64 i64) (result i64) (${op} (local.get 0) (local.get 1)))`)
  .concat(Object.entries(CMP).map(([k, [op]]) => `(func (export "${k}") (param i64 i64) (result i32) (${op} (local.get 0) (local.get 1)))`))
  .concat(['(func (export "eqz") (param i64) (result i32) (i64.eqz (local.get 0)))']);
const native = await wat(`(module ${fns.join('\n')})`);

const a = P.pair('a'), b = P.pair('b'), r = P.pair('r');
const split = 'const al = Number(BigInt.asIntN(32, x)), ah = Number(BigInt.asIntN(32, x >> 32n)), bl = Number(BigInt.asIntN(32, y)), bh = Number(BigInt.asIntN(32, y >> 32n));';
const src = [];
for (const [k, [, emit]] of Object.entries(BIN)) src.push(`${k}(x, y) { ${split} let rl = 0, rh = 0; ${emit(r, a, b)} return ${P.toBig(r)}; }`);
for (const [k, [, emit]] of Object.entries(CMP)) src.push(`${k}(x, y) { ${split} return ${emit(a, b)}; }`);
src.push(`eqz(x) { const y = 0n; ${split} return ${P.eqz(a)}; }`);
for (const [k, emit] of Object.entries(KSHIFT)) {
  for (let n = 0; n < 130; n++) src.push(`${k}_${n}(x) { const y = 0n; ${split} let rl = 0, rh = 0; ${emit(r, a, n)} return ${P.toBig(r)}; }`);
}
const js = P.build('', `{ ${src.join(',\n')} }`);

const edges = [0n, 1n, 2n, 3n, 7n, 10n, 0x7fffffffn, 0x80000000n, 0xffffffffn, 0x100000000n, 0x100000001n, 0x1fffffffffffffn,
  0x7fffffffffffffffn, 0x8000000000000000n, 0xffffffffffffffffn, 0xfffffffffffffffen, 0xffffffff00000000n, 0x123456789abcdef0n];
let s = 0x9e3779b97f4a7c15n;
const rnd = () => {
  s = BigInt.asUintN(64, s + 0x9e3779b97f4a7c15n);
  let z = s;
  z = BigInt.asUintN(64, (z ^ (z >> 30n)) * 0xbf58476d1ce4e5b9n);
  z = BigInt.asUintN(64, (z ^ (z >> 27n)) * 0x94d049bb133111ebn);
  z ^= z >> 31n;
  return z >> (z & 63n); // every magnitude
};
const values = [...edges, ...edges.map((v) => BigInt.asUintN(64, -v))];
for (let i = 0; i < 300; i++) values.push(rnd());
const sv = values.map((v) => BigInt.asIntN(64, v));

const outcome = (f) => {
  try { return f(); } catch (e) { return `trap ${/by zero/.test(e.message) ? 'div0' : /overflow|unrepresentable/.test(e.message) ? 'overflow' : e.message}`; }
};
let bad = 0, checked = 0;
const report = (what, x, y, want, got) => {
  if (want === got) { checked++; return; }
  if (bad++ < 10) console.log(`DIFF ${what}(${x}, ${y}): native ${want}, pairs ${got}`);
};
for (const k of [...Object.keys(BIN), ...Object.keys(CMP)]) {
  const op = k.replace(/_(bits|float)$/, '');
  for (const x of sv) for (const y of sv) {
    const want = outcome(() => native[op](x, y));
    const got = outcome(() => js[k](x, y));
    report(k, x, y, typeof want === 'string' ? want : String(want), typeof got === 'string' ? got : String(got));
  }
}
for (const x of sv) report('eqz', x, '', String(native.eqz(x)), String(js.eqz(x)));
for (const k of Object.keys(KSHIFT)) {
  for (let n = 0; n < 130; n++) for (const x of sv) report(`${k}_${n}`, x, n, String(native[k](x, BigInt(n))), String(js[`${k}_${n}`](x)));
}
console.log(`${checked} results compared with native WebAssembly (${process.version}), ${bad} differences`);
if (bad) process.exit(1);
