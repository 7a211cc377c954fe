// i64 values in the places a function's shape puts them, each against native
// WebAssembly of the same loop in the same process. The unit of work is
// splitmix64's mixer (xor-shift, multiply by 64-bit constants); the shapes:
//
//   loop    the state and an accumulator carried across the loop's back-edge
//   join    the accumulator updated differently in the two arms of a
//           data-dependent if/else and merged after it
//   call    the mixer a separate function taking and returning the i64
//           (small: V8 inlines it; bigger callees, which V8 does not inline,
//           box a BigInt argument and result per call: ../shared/notes/i64;
//           run with --max-inlined-bytecode-size=0 to see calls that stay calls)
//   memory  i64 words loaded from linear memory, mixed, stored back
//
// Representations: bigint-let (BigInt in `let`s), bigint-slot (loop-carried
// and merged values in a BigInt64Array, as wasm2es does today), pairs (two
// int32 halves; a call returns the low half and leaves the high half in $H).
//
//   node bench/micro/shapes.mjs [--rounds N] [--quick] [--only name,...] [--json FILE] [--print name]
import * as P from './pairs.mjs';
import { wat, measure, print, save, selected, args } from './harness.mjs';

const SM = 0x9e3779b97f4a7c15n, M1 = 0xbf58476d1ce4e5b9n, M2 = 0x94d049bb133111ebn, KJ = 0x2545F4914F6CDD1Dn;
const U = (v) => BigInt.asUintN(64, v);
const lit = (v) => (U(v) < 2n ** 63n ? `${U(v)}n` : `BigInt.asIntN(64, ${U(v)}n)`);
const I = (e) => `BigInt.asIntN(64, ${e})`;
const shrU = (a, k) => I(`BigInt.asUintN(64, ${a}) >> ${k}n`);
const xs = (a, k) => I(`${a} ^ ${shrU(a, k)}`);
// splitmix64's mixer on BigInt `z` (statements, result in z)
const mixBig = (z) => `${z} = ${I(`${xs(z, 30)} * ${lit(M1)}`)}; ${z} = ${I(`${xs(z, 27)} * ${lit(M2)}`)}; ${z} = ${xs(z, 31)};`;
const pp = P.pair;
const mixPair = (z) => {
  const t = pp(`${z}t`), Z = pp(z);
  return `{ let ${z}tl = 0, ${z}th = 0; ${P.shrUK(t, Z, 30)} ${P.xor(Z, Z, t)} ${P.mul(Z, Z, P.c(M1))}` +
    ` ${P.shrUK(t, Z, 27)} ${P.xor(Z, Z, t)} ${P.mul(Z, Z, P.c(M2))} ${P.shrUK(t, Z, 31)} ${P.xor(Z, Z, t)} }`;
};
const mixWat = (z) => `(local.set ${z} (i64.mul (i64.xor (local.get ${z}) (i64.shr_u (local.get ${z}) (i64.const 30))) (i64.const ${M1})))
  (local.set ${z} (i64.mul (i64.xor (local.get ${z}) (i64.shr_u (local.get ${z}) (i64.const 27))) (i64.const ${M2})))
  (local.set ${z} (i64.xor (local.get ${z}) (i64.shr_u (local.get ${z}) (i64.const 31))))`;

const NATIVE = `(module (memory (export "memory") 1)
 (func $mix (export "mix") (param $z i64) (result i64) ${mixWat('$z')} (local.get $z))
 (func (export "loop") (param $n i32) (param $s i64) (result i64) (local $i i32) (local $z i64) (local $acc i64)
  (loop $L
   (local.set $s (i64.add (local.get $s) (i64.const ${SM})))
   (local.set $z (local.get $s)) ${mixWat('$z')}
   (local.set $acc (i64.add (i64.xor (local.get $acc) (local.get $z)) (i64.const ${KJ})))
   (br_if $L (i32.lt_u (local.tee $i (i32.add (local.get $i) (i32.const 1))) (local.get $n))))
  (local.get $acc))
 (func (export "join") (param $n i32) (param $s i64) (result i64) (local $i i32) (local $z i64) (local $acc i64)
  (loop $L
   (local.set $s (i64.add (local.get $s) (i64.const ${SM})))
   (local.set $z (local.get $s)) ${mixWat('$z')}
   (if (i32.and (i32.wrap_i64 (local.get $z)) (i32.const 1))
    (then (local.set $acc (i64.add (i64.mul (local.get $acc) (i64.const ${KJ})) (local.get $z))))
    (else (local.set $acc (i64.xor (local.get $acc) (i64.shr_u (local.get $z) (i64.const 7))))))
   (br_if $L (i32.lt_u (local.tee $i (i32.add (local.get $i) (i32.const 1))) (local.get $n))))
  (local.get $acc))
 (func (export "call") (param $n i32) (param $s i64) (result i64) (local $i i32) (local $acc i64)
  (loop $L
   (local.set $s (i64.add (local.get $s) (i64.const ${SM})))
   (local.set $acc (i64.add (i64.xor (local.get $acc) (call $mix (local.get $s))) (i64.const ${KJ})))
   (br_if $L (i32.lt_u (local.tee $i (i32.add (local.get $i) (i32.const 1))) (local.get $n))))
  (local.get $acc))
 (func (export "memory_") (param $n i32) (param $s i64) (result i64) (local $i i32) (local $a i32) (local $z i64)
  (loop $L
   (local.set $a (i32.const 0))
   (loop $W
    (local.set $z (i64.add (i64.load (local.get $a)) (local.get $s))) ${mixWat('$z')}
    (i64.store (local.get $a) (local.get $z))
    (br_if $W (i32.lt_u (local.tee $a (i32.add (local.get $a) (i32.const 8))) (i32.const 8192))))
   (local.set $s (i64.add (local.get $s) (i64.const ${SM})))
   (br_if $L (i32.lt_u (local.tee $i (i32.add (local.get $i) (i32.const 1))) (local.get $n))))
  (i64.load (i32.const 4088))))`;

// ---- JS variants
const split = (v, l, h) => `K0[0] = ${v}; let ${l} = K1[0], ${h} = K1[1];`;
const join = (l, h) => `K1[0] = ${l}; K1[1] = ${h}; return K0[0];`;
const S = {
  loop: {
    'bigint-let': `function f(n, s) { let acc = 0n; for (let i = 0; i < n; i++) { s = ${I(`s + ${lit(SM)}`)}; let z = s; ${mixBig('z')} acc = ${I(`${I('acc ^ z')} + ${lit(KJ)}`)}; } return acc; }`,
    'bigint-slot': `const L = new BigInt64Array(2); function f(n, s0) { L[0] = s0; L[1] = 0n; for (let i = 0; i < n; i++) { let s = L[0], acc = L[1]; s = ${I(`s + ${lit(SM)}`)}; let z = s; ${mixBig('z')} L[1] = ${I(`${I('acc ^ z')} + ${lit(KJ)}`)}; L[0] = s; } return L[1]; }`,
    pairs: `function f(n, s) { ${split('s', 'sl', 'sh')} let accl = 0, acch = 0; for (let i = 0; i < n; i++) { ${P.add(pp('s'), pp('s'), P.c(SM))} let zl = sl, zh = sh; ${mixPair('z')} ${P.xor(pp('acc'), pp('acc'), pp('z'))} ${P.add(pp('acc'), pp('acc'), P.c(KJ))} } ${join('accl', 'acch')} }`,
  },
  join: {
    'bigint-let': `function f(n, s) { let acc = 0n; for (let i = 0; i < n; i++) { s = ${I(`s + ${lit(SM)}`)}; let z = s; ${mixBig('z')}
      if ((K0[0] = z, K1[0]) & 1) acc = ${I(`${I(`acc * ${lit(KJ)}`)} + z`)}; else acc = ${I(`acc ^ ${shrU('z', 7)}`)}; } return acc; }`,
    'bigint-slot': `const L = new BigInt64Array(2); function f(n, s0) { L[0] = s0; L[1] = 0n; for (let i = 0; i < n; i++) { let s = L[0]; s = ${I(`s + ${lit(SM)}`)}; L[0] = s; let z = s; ${mixBig('z')}
      if ((K0[0] = z, K1[0]) & 1) L[1] = ${I(`${I(`L[1] * ${lit(KJ)}`)} + z`)}; else L[1] = ${I(`L[1] ^ ${shrU('z', 7)}`)}; } return L[1]; }`,
    pairs: `function f(n, s) { ${split('s', 'sl', 'sh')} let accl = 0, acch = 0; for (let i = 0; i < n; i++) { ${P.add(pp('s'), pp('s'), P.c(SM))} let zl = sl, zh = sh; ${mixPair('z')}
      if (zl & 1) { ${P.mul(pp('acc'), pp('acc'), P.c(KJ))} ${P.add(pp('acc'), pp('acc'), pp('z'))} } else { let tl = 0, th = 0; ${P.shrUK(pp('t'), pp('z'), 7)} ${P.xor(pp('acc'), pp('acc'), pp('t'))} } } ${join('accl', 'acch')} }`,
  },
  call: {
    'bigint-let': `function mix(z) { ${mixBig('z')} return z; } function f(n, s) { let acc = 0n; for (let i = 0; i < n; i++) { s = ${I(`s + ${lit(SM)}`)}; acc = ${I(`${I('acc ^ mix(s)')} + ${lit(KJ)}`)}; } return acc; }`,
    'bigint-slot': `function mix(z) { ${mixBig('z')} return z; } const L = new BigInt64Array(2); function f(n, s0) { L[0] = s0; L[1] = 0n; for (let i = 0; i < n; i++) { let s = L[0]; s = ${I(`s + ${lit(SM)}`)}; L[0] = s; L[1] = ${I(`${I('L[1] ^ mix(s)')} + ${lit(KJ)}`)}; } return L[1]; }`,
    // BigInt code, the i64 crossing the call as halves (int32 arguments, the
    // high half of the result in $H): nothing to box if V8 does not inline
    'bigint-slot, call with halves': `function mix(zl, zh) { let z = BigInt.asIntN(64, BigInt.asIntN(64, BigInt(zh) << 32n) | BigInt(zl >>> 0)); ${mixBig('z')} K0[0] = z; $H = K1[1]; return K1[0]; }
      const L = new BigInt64Array(2); function f(n, s0) { L[0] = s0; L[1] = 0n; for (let i = 0; i < n; i++) { let s = L[0]; s = ${I(`s + ${lit(SM)}`)}; L[0] = s;
      K0[0] = s; const ml = mix(K1[0], K1[1]); const m = BigInt.asIntN(64, BigInt.asIntN(64, BigInt($H) << 32n) | BigInt(ml >>> 0)); L[1] = ${I(`${I('L[1] ^ m')} + ${lit(KJ)}`)}; } return L[1]; }`,
    pairs: `function mix(zl, zh) { ${mixPair('z')} $H = zh; return zl; } function f(n, s) { ${split('s', 'sl', 'sh')} let accl = 0, acch = 0; for (let i = 0; i < n; i++) { ${P.add(pp('s'), pp('s'), P.c(SM))} let ml = mix(sl, sh), mh = $H; ${P.xor(pp('acc'), pp('acc'), pp('m'))} ${P.add(pp('acc'), pp('acc'), P.c(KJ))} } ${join('accl', 'acch')} }`,
  },
  memory: {
    'bigint-let': `function f(n, s) { for (let i = 0; i < n; i++) { for (let a = 0; a < 8192; a += 8) { let z = ${I(`${I(`(BigInt(D.getInt32(a + 4, true)) << 32n) | BigInt(D.getUint32(a, true))`)} + s`)}; ${mixBig('z')} K0[0] = z; D.setInt32(a + 4, K1[1], true); D.setInt32(a, K1[0], true); } s = ${I(`s + ${lit(SM)}`)}; } return ${I(`(BigInt(D.getInt32(4092, true)) << 32n) | BigInt(D.getUint32(4088, true))`)}; }`,
    'bigint-slot': `const L = new BigInt64Array(1); function f(n, s0) { L[0] = s0; for (let i = 0; i < n; i++) { for (let a = 0; a < 8192; a += 8) { let z = ${I(`${I(`(BigInt(D.getInt32(a + 4, true)) << 32n) | BigInt(D.getUint32(a, true))`)} + L[0]`)}; ${mixBig('z')} K0[0] = z; D.setInt32(a + 4, K1[1], true); D.setInt32(a, K1[0], true); } L[0] = ${I(`L[0] + ${lit(SM)}`)}; } return ${I(`(BigInt(D.getInt32(4092, true)) << 32n) | BigInt(D.getUint32(4088, true))`)}; }`,
    'bigint-slot, load with the high half\'s shift wrapped': `const L = new BigInt64Array(1); function f(n, s0) { L[0] = s0; for (let i = 0; i < n; i++) { for (let a = 0; a < 8192; a += 8) { let z = ${I(`${I(`${I('BigInt(D.getInt32(a + 4, true)) << 32n')} | BigInt(D.getUint32(a, true))`)} + L[0]`)}; ${mixBig('z')} K0[0] = z; D.setInt32(a + 4, K1[1], true); D.setInt32(a, K1[0], true); } L[0] = ${I(`L[0] + ${lit(SM)}`)}; } return ${I(`(BigInt(D.getInt32(4092, true)) << 32n) | BigInt(D.getUint32(4088, true))`)}; }`,
    'bigint-slot, BigInt64Array view': `const L = new BigInt64Array(1); function f(n, s0) { L[0] = s0; for (let i = 0; i < n; i++) { for (let a = 0; a < 1024; a++) { let z = ${I('M64[a] + L[0]')}; ${mixBig('z')} M64[a] = z; } L[0] = ${I(`L[0] + ${lit(SM)}`)}; } return M64[511]; }`,
    pairs: `function f(n, s) { ${split('s', 'sl', 'sh')} for (let i = 0; i < n; i++) { for (let a = 0; a < 2048; a += 2) { let zl = M32[a], zh = M32[a + 1]; ${P.add(pp('z'), pp('z'), pp('s'))} ${mixPair('z')} M32[a] = zl; M32[a + 1] = zh; } ${P.add(pp('s'), pp('s'), P.c(SM))} } K1[0] = M32[1022]; K1[1] = M32[1023]; return K0[0]; }`,
  },
};
const native = await wat(NATIVE);
const printOnly = args.includes('--print') ? args[args.indexOf('--print') + 1] : null;
const results = [];
const seedOf = (n) => BigInt(n) * 0x9E3779B97F4An;
for (const [shape, vs] of Object.entries(S)) {
  if (printOnly) {
    if (printOnly === shape) for (const [v, src] of Object.entries(vs)) console.log(`// ${v}\n${src}\n`);
    continue;
  }
  if (!selected(shape)) continue;
  const mem = shape === 'memory';
  // Memory: every engine starts from the same 8 KiB of words, reset before each call.
  const init = new BigInt64Array(1024).map((_, i) => BigInt.asIntN(64, BigInt(i) * 0x9E3779B97F4A7C15n));
  const buf = new ArrayBuffer(65536);
  const env = { M32: new Int32Array(buf), M64: new BigInt64Array(buf), D: new DataView(buf) };
  const nat64 = new BigInt64Array(native.memory.buffer, 0, 1024);
  const key = mem ? 'memory_' : shape;
  const variants = Object.entries(vs).map(([name, src]) => {
    const f = P.build(`const K0 = new BigInt64Array(1), K1 = new Int32Array(K0.buffer);\n${src}`, 'f', env);
    return { name, fn: mem ? (n) => { env.M64.set(init); return f(n, seedOf(n)); } : (n) => f(n, seedOf(n)) };
  });
  const r = measure({
    name: shape,
    native: mem ? (n) => { nat64.set(init); return native[key](n, seedOf(n)); } : (n) => native[key](n, seedOf(n)),
    variants,
    n: mem ? 2000 : 1e7,
    checkNs: [1, 2, 3, 17],
  });
  print(r);
  results.push(r);
}
save('shapes', results);
