// Per-operation cost of i64 in JavaScript, against native WebAssembly in the
// same process. Each test is a loop whose i64 value is carried across the
// back-edge (as in every real i64 loop) and updated by one operation (plus,
// for some, an xor or add that keeps the value from settling), in these
// representations:
//
//   bigint-let   BigInt in a `let`, `BigInt.asIntN(64, …)` after each op
//   bigint-slot  the same, the loop-carried value in a BigInt64Array slot,
//                read into a binding at the loop top (wasm2es's `$L`/`$F`)
//   pairs        two int32 halves in `let`s (pairs.mjs)
//   pairs+big    pairs, with that one op done in BigInt through a scratch
//                BigInt64Array/Int32Array pair (multiply, division); +big2:
//                into BigInt by BigInt(hi) << 32n | BigInt(lo >>> 0) instead
//
//   node bench/micro/ops.mjs [--rounds N] [--quick] [--only name,...] [--json FILE]
//   node bench/micro/ops.mjs --print mul     (prints the generated JS of one test)
import * as P from './pairs.mjs';
import { wat, measure, print, save, selected, args } from './harness.mjs';

const K1 = 0x9E3779B97F4A7C15n; // a 64-bit odd constant (golden ratio)
const KS = `BigInt.asIntN(64, ${K1}n)`;
const k1 = P.c(K1);
const x = P.pair('x'), y = P.pair('y'), t = P.pair('t');

// Today's variable-count rotate/shift in BigInt code: the halves through a
// scratch pair, branch-free (codegen/numeric.ts).
const bigRotl = (v, n, out) => `K0[0] = ${n}; $n = K1[0] & 63; K0[0] = ${v}; $lo = K1[0]; $hi = K1[1];` +
  ` $m = ($lo ^ $hi) & -($n >>> 5); $lo ^= $m; $hi ^= $m; $n &= 31;` +
  ` $m = $hi; $hi = ($hi << $n) | (($lo >>> 1) >>> (31 - $n)); $lo = ($lo << $n) | (($m >>> 1) >>> (31 - $n));` +
  ` K1[0] = $lo; K1[1] = $hi; ${out} = K0[0];`;
const bigShrU = (v, n, out) => `$n = ${n} & 63; K0[0] = ${v}; $lo = K1[0]; $hi = K1[1];` +
  ` $m = -($n >>> 5); $n &= 31; $lo = ($lo >>> $n) | (($hi << 1) << (31 - $n)); $hi = $hi >>> $n;` +
  ` $lo = ($lo & ~$m) | ($hi & $m); $hi &= ~$m; K1[0] = $lo; K1[1] = $hi; ${out} = K0[0];`;

// Each op: wat (new x from $x $y $i), big (statements setting `r` from x, y, i),
// pair (statements setting x's halves from x, y, i), optionally pairBig.
const OPS = {
  add: {
    what: 'x = x + y',
    wat: '(i64.add (local.get $x) (local.get $y))',
    big: 'r = BigInt.asIntN(64, x + y);',
    pair: P.add(x, x, y),
  },
  sub: { what: 'x = x - y', wat: '(i64.sub (local.get $x) (local.get $y))', big: 'r = BigInt.asIntN(64, x - y);', pair: P.sub(x, x, y) },
  'xor-shr': {
    what: 'x = (x ^ (x >>> 29)) + y',
    wat: '(i64.add (i64.xor (local.get $x) (i64.shr_u (local.get $x) (i64.const 29))) (local.get $y))',
    big: 'r = BigInt.asIntN(64, BigInt.asIntN(64, x ^ BigInt.asIntN(64, BigInt.asUintN(64, x) >> 29n)) + y);',
    pair: P.shrUK(t, x, 29) + P.xor(x, x, t) + P.add(x, x, y),
  },
  'shl-k': {
    what: 'x = (x << 13) ^ y',
    wat: '(i64.xor (i64.shl (local.get $x) (i64.const 13)) (local.get $y))',
    big: 'r = BigInt.asIntN(64, BigInt.asIntN(64, x << 13n) ^ y);',
    pair: P.shlK(x, x, 13) + P.xor(x, x, y),
  },
  'rotl-k': {
    what: 'x = rotl(x, 27) + y',
    wat: '(i64.add (i64.rotl (local.get $x) (i64.const 27)) (local.get $y))',
    // wasm2es's constant rotate: two shifts and an or
    big: 'r = BigInt.asIntN(64, BigInt.asIntN(64, BigInt.asIntN(64, x << 27n) | BigInt.asIntN(64, BigInt.asUintN(64, x) >> 37n)) + y);',
    pair: P.rotlK(x, x, 27) + P.add(x, x, y),
  },
  'rotl-k (today)': {
    what: 'x = rotl(x, 27) + y, rotate as wasm2es emits it today',
    wat: '(i64.add (i64.rotl (local.get $x) (i64.const 27)) (local.get $y))',
    // codegen today: the unsigned value shifted left is never wrapped, so the
    // intermediate is a 91-bit BigInt
    big: 'r = BigInt.asIntN(64, BigInt.asIntN(64, (BigInt.asUintN(64, x) << 27n) | (BigInt.asUintN(64, x) >> 37n)) + y);',
    pair: P.rotlK(x, x, 27) + P.add(x, x, y),
  },
  'not-and': {
    what: 'x = ((~x & y) ^ (x << 1)) + K',
    wat: `(i64.add (i64.xor (i64.and (i64.xor (local.get $x) (i64.const -1)) (local.get $y)) (i64.shl (local.get $x) (i64.const 1))) (i64.const ${K1}))`,
    big: `r = BigInt.asIntN(64, BigInt.asIntN(64, BigInt.asIntN(64, BigInt.asIntN(64, ~x) & y) ^ BigInt.asIntN(64, x << 1n)) + ${KS});`,
    bigint_xorm1: true,
    pair: `{ const nl = ~xl & yl, nh = ~xh & yh; ${P.shlK(t, x, 1)} xl = nl ^ tl; xh = nh ^ th; }` + P.add(x, x, k1),
  },
  'rotl-var': {
    what: 'x = rotl(x, x & 63) + y (count from data)',
    wat: '(i64.add (i64.rotl (local.get $x) (local.get $x)) (local.get $y))',
    big: `${bigRotl('x', 'x', 's')} r = BigInt.asIntN(64, s + y);`,
    pair: P.rotlN(x, x, 'xl') + P.add(x, x, y),
  },
  'shr-var': {
    what: 'x = (x ^ (x >>> (i & 63))) + y',
    wat: '(i64.add (i64.xor (local.get $x) (i64.shr_u (local.get $x) (i64.extend_i32_u (local.get $i)))) (local.get $y))',
    big: `${bigShrU('x', 'i', 's')} r = BigInt.asIntN(64, BigInt.asIntN(64, x ^ s) + y);`,
    pair: P.shrUN(t, x, 'i') + P.xor(x, x, t) + P.add(x, x, y),
  },
  'mul-k': {
    what: 'x = x * K + y (K a 64-bit constant)',
    wat: `(i64.add (i64.mul (local.get $x) (i64.const ${K1})) (local.get $y))`,
    big: `r = BigInt.asIntN(64, BigInt.asIntN(64, x * ${KS}) + y);`,
    pair: P.mul(x, x, k1) + P.add(x, x, y),
    pairs_float: P.mul(x, x, k1, 'float') + P.add(x, x, y),
    pairs_big: `K1[0] = xl; K1[1] = xh; K0[0] = BigInt.asIntN(64, K0[0] * ${KS}); xl = K1[0]; xh = K1[1];` + P.add(x, x, y),
    // halves to BigInt in registers (BigInt(int32) is lowered), back through the scratch
    // (a 64-bit store read as two 32-bit loads forwards; two 32-bit stores read as one 64-bit load do not)
    pairs_big2: `K0[0] = BigInt.asIntN(64, BigInt.asIntN(64, (BigInt(xh) << 32n) | BigInt(xl >>> 0)) * ${KS}); xl = K1[0]; xh = K1[1];` + P.add(x, x, y),
  },
  mul: {
    what: 'x = x * (y | 1) + y',
    wat: '(i64.add (i64.mul (local.get $x) (i64.or (local.get $y) (i64.const 1))) (local.get $y))',
    big: 'r = BigInt.asIntN(64, BigInt.asIntN(64, x * (y | 1n)) + y);',
    pair: `{ const ol = yl | 1; ${P.mul(x, x, { l: 'ol', h: 'yh' })} }` + P.add(x, x, y),
  },
  'lt_u': {
    what: 'c += x <u y; x = x + K',
    wat: `(local.set $c (i32.add (local.get $c) (i64.lt_u (local.get $x) (local.get $y)))) (i64.add (local.get $x) (i64.const ${K1}))`,
    big: `c = (c + (BigInt.asIntN(64, x ^ 9223372036854775808n) < BigInt.asIntN(64, y ^ 9223372036854775808n) ? 1 : 0)) | 0; r = BigInt.asIntN(64, x + ${KS});`,
    pair: `c = (c + ${P.ltU(x, y)}) | 0;` + P.add(x, x, k1),
    counter: true,
  },
  div_u: {
    what: 'x = x / (y >>> 40 | 1) + K (64-bit dividend, ~24-bit divisor)',
    wat: `(i64.add (i64.div_u (local.get $x) (i64.or (i64.shr_u (local.get $y) (i64.const 40)) (i64.const 1))) (i64.const ${K1}))`,
    big: `r = BigInt.asIntN(64, $i64DivU(x, BigInt.asIntN(64, BigInt.asIntN(64, BigInt.asUintN(64, y) >> 40n) | 1n)) + ${KS});`,
    divHalves: ['$i64DivU(x, BigInt.asIntN(64, BigInt.asIntN(64, BigInt.asUintN(64, y) >> 40n) | 1n))', '(K0[0] = x, $a0 = K1[0], $a1 = K1[1], K0[0] = BigInt.asIntN(64, BigInt.asIntN(64, BigInt.asUintN(64, y) >> 40n) | 1n), $a0 = $udiv($a0, $a1, K1[0], K1[1]), BigInt.asIntN(64, (BigInt($H) << 32n) | BigInt($a0 >>> 0)))'],
    pair: `{ let dl = 0, dh = 0; ${P.shrUK({ l: 'dl', h: 'dh' }, y, 40)} dl |= 1; ${P.divU(x, x, { l: 'dl', h: 'dh' })} }` + P.add(x, x, k1),
    pairs_big: `{ let dl = 0, dh = 0; ${P.shrUK({ l: 'dl', h: 'dh' }, y, 40)} dl |= 1; xl = $bdiv(xl, xh, dl, dh); xh = $H; }` + P.add(x, x, k1),
  },
  'div_u-wide': {
    what: 'x = x / (y >>> (i & 31) | 1) + K (divisor 33..64 bits)',
    wat: `(i64.add (i64.div_u (local.get $x) (i64.or (i64.shr_u (local.get $y) (i64.extend_i32_u (i32.and (local.get $i) (i32.const 31)))) (i64.const 1))) (i64.const ${K1}))`,
    big: `${bigShrU('y', 'i & 31', 's')} r = BigInt.asIntN(64, $i64DivU(x, BigInt.asIntN(64, s | 1n)) + ${KS});`,
    divHalves: ['$i64DivU(x, BigInt.asIntN(64, s | 1n))', '(K0[0] = x, $a0 = K1[0], $a1 = K1[1], K0[0] = BigInt.asIntN(64, s | 1n), $a0 = $udiv($a0, $a1, K1[0], K1[1]), BigInt.asIntN(64, (BigInt($H) << 32n) | BigInt($a0 >>> 0)))'],
    pair: `{ let dl = 0, dh = 0; ${P.shrUN({ l: 'dl', h: 'dh' }, y, 'i & 31')} dl |= 1; ${P.divU(x, x, { l: 'dl', h: 'dh' })} }` + P.add(x, x, k1),
    pairs_big: `{ let dl = 0, dh = 0; ${P.shrUN({ l: 'dl', h: 'dh' }, y, 'i & 31')} dl |= 1; xl = $bdiv(xl, xh, dl, dh); xh = $H; }` + P.add(x, x, k1),
  },
  rem_u: {
    what: 'x = (x % (y | 1)) * K + y',
    wat: `(i64.add (i64.mul (i64.rem_u (local.get $x) (i64.or (local.get $y) (i64.const 1))) (i64.const ${K1})) (local.get $y))`,
    big: `r = BigInt.asIntN(64, BigInt.asIntN(64, $i64RemU(x, BigInt.asIntN(64, y | 1n)) * ${KS}) + y);`,
    divHalves: ['$i64RemU(x, BigInt.asIntN(64, y | 1n))', '(K0[0] = x, $a0 = K1[0], $a1 = K1[1], K0[0] = BigInt.asIntN(64, y | 1n), $a0 = $urem($a0, $a1, K1[0], K1[1]), BigInt.asIntN(64, (BigInt($H) << 32n) | BigInt($a0 >>> 0)))'],
    pair: `{ const ol = yl | 1; ${P.remU(x, x, { l: 'ol', h: 'yh' })} }` + P.mul(x, x, k1) + P.add(x, x, y),
    pairs_big: `{ const ol = yl | 1; xl = $brem(xl, xh, ol, yh); xh = $H; }` + P.mul(x, x, k1) + P.add(x, x, y),
  },
};

function nativeModule(op) {
  const c = op.counter;
  return `(module (func (export "run") (param $n i32) (param $x i64) (param $y i64) (result i64) (local $i i32) (local $c i32)
    (loop $L
      (local.set $x ${op.wat})
      (br_if $L (i32.lt_u (local.tee $i (i32.add (local.get $i) (i32.const 1))) (local.get $n))))
    ${c ? '(i64.add (local.get $x) (i64.extend_i32_u (local.get $c)))' : '(local.get $x)'}))`;
}

// The loop runs i = 0 .. n-1 with the body seeing i before the increment,
// like the WAT loop above (which increments after the body).
const RT = `const K0 = new BigInt64Array(1), K1 = new Int32Array(K0.buffer), K2 = new BigInt64Array(4);
function $i64DivU(a, b) { if (b === 0n) throw new Error('div0'); return BigInt.asIntN(64, BigInt.asUintN(64, a) / BigInt.asUintN(64, b)); }
function $i64RemU(a, b) { if (b === 0n) throw new Error('div0'); return BigInt.asIntN(64, BigInt.asUintN(64, a) % BigInt.asUintN(64, b)); }`;

function variants(name, op) {
  const fin = op.counter ? 'BigInt.asIntN(64, x + BigInt(c >>> 0))' : 'x';
  const finP = op.counter ? `BigInt.asIntN(64, ${P.toBig(x)} + BigInt(c >>> 0))` : P.toBig(x);
  const src = {
    'bigint-let': `function run(n, x, y) { let i = 0, c = 0, r, s, $n, $lo, $hi, $m;
      do { ${op.big} x = r; i = (i + 1) | 0; } while ((i >>> 0) < (n >>> 0));
      return ${fin}; }`,
    'bigint-slot': `function run(n, x0, y) { let i = 0, c = 0, r, s, x, $F0, $n, $lo, $hi, $m, $a0, $a1; const $L = K2; $L[0] = x0;
      do { $F0 = $L[0]; x = $F0; ${op.big} $L[0] = ($F0 = r); i = (i + 1) | 0; } while ((i >>> 0) < (n >>> 0));
      x = $L[0]; return ${fin}; }`,
    pairs: `function run(n, x0, y0) { let i = 0, c = 0; K0[0] = x0; let xl = K1[0], xh = K1[1]; K0[0] = y0; const yl = K1[0], yh = K1[1];
      let tl = 0, th = 0;
      do { ${op.pair} i = (i + 1) | 0; } while ((i >>> 0) < (n >>> 0));
      return ${finP}; }`,
  };
  for (const k of Object.keys(op)) {
    if (k.startsWith('pairs_')) src[`pairs+${k.slice(6)}`] = src.pairs.replace(op.pair, op[k]);
  }
  // BigInt code whose division runs on halves: the operands split through the
  // scratch (a 64-bit store read as two 32-bit loads), the pair helper called
  // with int32 arguments (nothing to box), the result rebuilt by BigInt(int32)s
  if (op.divHalves) src['bigint-slot, division on halves'] = src['bigint-slot'].replace(op.divHalves[0], op.divHalves[1]);
  // today's variable shift/rotate, the result rebuilt from its halves in
  // registers (the inner shift wrapped) instead of read back from the scratch
  if (/^(rotl|shr)-var$/.test(name)) src['bigint-slot, result rebuilt in registers'] = src['bigint-slot'].replace(/K1\[0\] = \$lo; K1\[1\] = \$hi; (\w+) = K0\[0\];/, '$1 = BigInt.asIntN(64, BigInt.asIntN(64, BigInt($hi) << 32n) | BigInt($lo >>> 0));');
  // `~x` as an xor with all ones (one of the forms V8 lowers: measured here)
  if (op.bigint_xorm1) src['bigint-slot, ~x as x ^ ~0'] = src['bigint-slot'].replace('BigInt.asIntN(64, ~x)', 'BigInt.asIntN(64, x ^ BigInt.asIntN(64, 18446744073709551615n))');
  // the add's carry without a branch
  if (name === 'rotl-k' || name === 'add') src['pairs, carry from sign bits'] = src.pairs.replace(op.pair, op.pair.replace(/\(\((t\d+) >>> 0\) < \((\w+) >>> 0\) \? 1 : 0\)/g, (m, s, a) => `(((${a} & yl) | ((${a} | yl) & ~${s})) >>> 31)`));
  return Object.entries(src).map(([vname, code]) => ({ name: vname, code, fn: P.build(`${RT}\n${code}`, 'run') }));
}

const X0 = 0x0123456789ABCDEFn, Y0 = BigInt.asIntN(64, 0xD1B54A32D192ED03n);
const printOnly = args.includes('--print') ? args[args.indexOf('--print') + 1] : null;
const results = [];
for (const [name, op] of Object.entries(OPS)) {
  if (printOnly) {
    if (name === printOnly) for (const v of variants(name, op)) console.log(`// ${v.name}\n${v.code}\n`);
    continue;
  }
  if (!selected(name)) continue;
  const nat = await wat(nativeModule(op));
  const vs = variants(name, op);
  const slow = /div|rem/.test(name);
  const r = measure({
    name: `${name}: ${op.what}`,
    native: (n) => nat.run(n, X0, Y0),
    variants: vs.map((v) => ({ name: v.name, fn: (n) => v.fn(n, X0, Y0) })),
    n: slow ? 2e6 : 2e7,
  });
  print(r);
  results.push(r);
}
save('ops', results);
