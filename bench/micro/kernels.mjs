// Small i64 kernels (kernels.c, built to kernels.wasm) in each representation a
// lowering could choose, checked against and timed with native WebAssembly in
// the same process:
//
//   wasm2es today  kernels.wasm compiled by the current compiler (dist/: run
//                  `npm run build` first): BigInt, loop-carried values in a
//                  BigInt64Array `$L`, forwarded through `$F` bindings
//   bigint-let     hand-written BigInt, every value in a `let`
//   bigint-slot    hand-written BigInt, loop-carried values in a BigInt64Array
//                  (as today), i64 loads through a BigInt64Array over memory
//   pairs          hand-written int32 halves (pairs.mjs), i64 loads as two
//                  Int32Array elements
//
//   node bench/micro/kernels.mjs [--rounds N] [--quick] [--only name,...] [--json FILE] [--print name]
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import * as P from './pairs.mjs';
import { measure, print, save, selected, args, MICRO_DIR } from './harness.mjs';

const bytes = readFileSync(join(MICRO_DIR, 'kernels.wasm'));
const native = new WebAssembly.Instance(new WebAssembly.Module(bytes)).exports;
let today = null;
try {
  const compiler = await import(join(MICRO_DIR, '../../dist/index.js'));
  const { js } = compiler.compile(bytes, { format: 'factory' });
  today = compiler.loadFactory(js).instantiateSync({}).instance.exports;
} catch (e) {
  console.log(`(no "wasm2es today" rows: ${e.message}; run npm run build)`);
}
const FILL = 0x5EED5EEDn;
native.fill(FILL);
today?.fill(FILL);
const BUF = native.buf_addr(), KADDR = native.k_addr();
// The JS variants get a copy of native's memory (the filled buffer and the tables).
const mem = native.memory.buffer.slice(0);
const env = { M32: new Int32Array(mem), M64: new BigInt64Array(mem), D: new DataView(mem) };

// ---- BigInt spelling, as wasm2es writes it
const U = (v) => BigInt.asUintN(64, BigInt(v));
const lit = (v) => (U(v) < 2n ** 63n ? `${U(v)}n` : `BigInt.asIntN(64, ${U(v)}n)`);
const I = (e) => `BigInt.asIntN(64, ${e})`;
const add = (a, b) => I(`${a} + ${b}`);
const mul = (a, b) => I(`${a} * ${b}`);
const xor = (a, b) => I(`${a} ^ ${b}`);
const and = (a, b) => I(`${a} & ${b}`);
const shl = (a, k) => I(`${a} << ${k}n`);
const shrU = (a, k) => I(`BigInt.asUintN(64, ${a}) >> ${k}n`);
const rotl = (a, k) => I(`${shl(a, k)} | ${shrU(a, 64 - k)}`);
const rotr = (a, k) => rotl(a, 64 - k);
// `~x` is not lowered by V8 on Node 20 (ops.mjs not-and: 23x); wasm2es writes i64.xor with -1 like this
const not = (a) => I(`${a} ^ BigInt.asIntN(64, 18446744073709551615n)`);

const P1 = 0x9E3779B185EBCA87n, P2 = 0xC2B2AE3D27D4EB4Fn;
const SM = 0x9e3779b97f4a7c15n, M1 = 0xbf58476d1ce4e5b9n, M2 = 0x94d049bb133111ebn;

// splitmix64 as BigInt statements on the state `s`, result in `out`.
const smBig = (s, out) => `${s} = ${add(s, lit(SM))}; { let z = ${s}; z = ${mul(xor('z', shrU('z', 30)), lit(M1))};` +
  ` z = ${mul(xor('z', shrU('z', 27)), lit(M2))}; ${out} = ${xor('z', shrU('z', 31))}; }`;
// ... and on pairs.
const pp = P.pair;
const smPair = (s, out) => {
  const z = pp('z'), t = pp('zt');
  return `${P.add(s, s, P.c(SM))} { let zl = ${s.l}, zh = ${s.h}, ztl = 0, zth = 0;` +
    ` ${P.shrUK(t, z, 30)} ${P.xor(z, z, t)} ${P.mul(z, z, P.c(M1))}` +
    ` ${P.shrUK(t, z, 27)} ${P.xor(z, z, t)} ${P.mul(z, z, P.c(M2))}` +
    ` ${P.shrUK(t, z, 31)} ${P.xor(out, z, t)} }`;
};

const KERNELS = {};

// ---------------------------------------------------------------- xxh_stripes
{
  const step = (v, w) => `${v} = ${mul(rotl(add(v, mul(w, lit(P2))), 31), lit(P1))};`;
  const init = `let v1 = ${add(add('seed', lit(P1)), lit(P2))}, v2 = ${add('seed', lit(P2))}, v3 = seed, v4 = ${I(`seed - ${lit(P1)}`)};`;
  const fin = `return ${add(add(add(rotl('v1', 1), rotl('v2', 7)), rotl('v3', 12)), rotl('v4', 18))};`;
  const ld = (a) => I(`(BigInt(D.getInt32(${a} + 4, true)) << 32n) | BigInt(D.getUint32(${a}, true))`);
  const big = `function k(n, seed) { ${init}
    for (let r = 0; r < n; r++) for (let a = ${BUF}; a < ${BUF + 16384}; a += 32) {
      ${step('v1', ld('a'))} ${step('v2', ld('a + 8'))} ${step('v3', ld('a + 16'))} ${step('v4', ld('a + 24'))} }
    ${fin} }`;
  const slot = `const L = new BigInt64Array(4); function k(n, seed) { ${init} L[0] = v1; L[1] = v2; L[2] = v3; L[3] = v4;
    for (let r = 0; r < n; r++) for (let i = ${BUF >>> 3}; i < ${(BUF + 16384) >>> 3}; i += 4) {
      v1 = L[0]; v2 = L[1]; v3 = L[2]; v4 = L[3];
      ${step('v1', 'M64[i]')} ${step('v2', 'M64[i + 1]')} ${step('v3', 'M64[i + 2]')} ${step('v4', 'M64[i + 3]')}
      L[0] = v1; L[1] = v2; L[2] = v3; L[3] = v4; }
    v1 = L[0]; v2 = L[1]; v3 = L[2]; v4 = L[3]; ${fin} }`;
  const vs = [1, 2, 3, 4].map((k) => pp(`v${k}`));
  const w = pp('w'), t = pp('t');
  const pstep = (v, off) => `{ let wl = M32[i + ${off}], wh = M32[i + ${off + 1}], tl = 0, th = 0; ${P.mul(w, w, P.c(P2))} ${P.add(v, v, w)} ${P.rotlK(v, v, 31)} ${P.mul(v, v, P.c(P1))} }`;
  const pairs = `function k(n, seed) { K0[0] = seed; const sl = K1[0], sh = K1[1]; let ${vs.map((v) => `${v.l} = 0, ${v.h} = 0`).join(', ')};
    ${P.add(vs[0], { l: 'sl', h: 'sh' }, P.c(P1))} ${P.add(vs[0], vs[0], P.c(P2))} ${P.add(vs[1], { l: 'sl', h: 'sh' }, P.c(P2))}
    v3l = sl; v3h = sh; ${P.sub(vs[3], { l: 'sl', h: 'sh' }, P.c(P1))}
    for (let r = 0; r < n; r++) for (let i = ${BUF >>> 2}; i < ${(BUF + 16384) >>> 2}; i += 8) {
      ${pstep(vs[0], 0)} ${pstep(vs[1], 2)} ${pstep(vs[2], 4)} ${pstep(vs[3], 6)} }
    let hl = 0, hh = 0, tl = 0, th = 0; ${P.rotlK(pp('h'), vs[0], 1)} ${P.rotlK(t, vs[1], 7)} ${P.add(pp('h'), pp('h'), t)}
    ${P.rotlK(t, vs[2], 12)} ${P.add(pp('h'), pp('h'), t)} ${P.rotlK(t, vs[3], 18)} ${P.add(pp('h'), pp('h'), t)}
    K1[0] = hl; K1[1] = hh; return K0[0]; }`;
  KERNELS.xxh_stripes = { what: 'xxHash64 stripe loop over 16 KiB (i64 loads, mul by constants, rotl 31)', n: 20000, big, slot, pairs, seed: (n) => BigInt(n) * 0x1234567n };
}

// ---------------------------------------------------------------- xxh_splitmix
{
  const step = (v) => `${smBig('s', 'w')} ${v} = ${mul(rotl(add(v, mul('w', lit(P2))), 31), lit(P1))};`;
  const init = `let s = seed, w = 0n, v1 = ${add(add('seed', lit(P1)), lit(P2))}, v2 = ${add('seed', lit(P2))}, v3 = seed, v4 = ${I(`seed - ${lit(P1)}`)};`;
  const fin = `return ${add(add(add(rotl('v1', 1), rotl('v2', 7)), rotl('v3', 12)), rotl('v4', 18))};`;
  const big = `function k(n, seed) { ${init} for (let i = 0; i < n; i++) { ${step('v1')} ${step('v2')} ${step('v3')} ${step('v4')} } ${fin} }`;
  const slot = `const L = new BigInt64Array(5); function k(n, seed) { ${init} L[0] = v1; L[1] = v2; L[2] = v3; L[3] = v4; L[4] = s;
    for (let i = 0; i < n; i++) { v1 = L[0]; v2 = L[1]; v3 = L[2]; v4 = L[3]; s = L[4];
      ${step('v1')} ${step('v2')} ${step('v3')} ${step('v4')} L[0] = v1; L[1] = v2; L[2] = v3; L[3] = v4; L[4] = s; }
    v1 = L[0]; v2 = L[1]; v3 = L[2]; v4 = L[3]; ${fin} }`;
  const vs = [1, 2, 3, 4].map((k) => pp(`v${k}`));
  const s = pp('s'), w = pp('w'), t = pp('t');
  const pstep = (v) => `${smPair(s, w)} ${P.mul(w, w, P.c(P2))} ${P.add(v, v, w)} ${P.rotlK(v, v, 31)} ${P.mul(v, v, P.c(P1))}`;
  const pairs = `function k(n, seed) { K0[0] = seed; let sl = K1[0], sh = K1[1], wl = 0, wh = 0, tl = 0, th = 0, ${vs.map((v) => `${v.l} = 0, ${v.h} = 0`).join(', ')};
    ${P.add(vs[0], s, P.c(P1))} ${P.add(vs[0], vs[0], P.c(P2))} ${P.add(vs[1], s, P.c(P2))} v3l = sl; v3h = sh; ${P.sub(vs[3], s, P.c(P1))}
    for (let i = 0; i < n; i++) { ${pstep(vs[0])} ${pstep(vs[1])} ${pstep(vs[2])} ${pstep(vs[3])} }
    let hl = 0, hh = 0; ${P.rotlK(pp('h'), vs[0], 1)} ${P.rotlK(t, vs[1], 7)} ${P.add(pp('h'), pp('h'), t)}
    ${P.rotlK(t, vs[2], 12)} ${P.add(pp('h'), pp('h'), t)} ${P.rotlK(t, vs[3], 18)} ${P.add(pp('h'), pp('h'), t)}
    K1[0] = hl; K1[1] = hh; return K0[0]; }`;
  KERNELS.xxh_splitmix = { what: 'four xxHash64 accumulators fed by splitmix64 (the issue\'s kernel; no memory)', n: 5e5, big, slot, pairs, seed: (n) => BigInt(n) * 0x9E3779B9n };
}

// ---------------------------------------------------------------- pcg_stream
{
  const MH = 0x2360ED054385DF64n, ML = 0x5851F42D4C957F2Dn, INC_L = 0x14057B7EF767814Fn, INC_H = 0xDA3E39CB94B95BDBn;
  // BigInt body: the variable rotate as wasm2es does it today (halves through the scratch pair).
  const rot = (x, n, out) => `K0[0] = ${x}; { let $n = (${n}) & 63, lo = K1[0], hi = K1[1]; $n = (64 - $n) & 63;` +
    ` let m = (lo ^ hi) & -($n >>> 5); lo ^= m; hi ^= m; $n &= 31;` +
    ` m = hi; hi = (hi << $n) | ((lo >>> 1) >>> (31 - $n)); lo = (lo << $n) | ((m >>> 1) >>> (31 - $n)); K1[0] = lo; K1[1] = hi; ${out} = K0[0]; }`;
  const body = `{ const al = ${and('lo', '4294967295n')}, ah = ${shrU('lo', 32)}, bl = ${lit(0x4385DF64n)}, bh = ${lit(0x2360ED05n)};
      const ll = ${mul('al', 'bl')}, lh = ${mul('al', 'bh')}, hl = ${mul('ah', 'bl')}, hh = ${mul('ah', 'bh')};
      const mid = ${add(add(shrU('ll', 32), and('lh', '4294967295n')), and('hl', '4294967295n'))};
      let h = ${add(add(add('hh', shrU('lh', 32)), shrU('hl', 32)), shrU('mid', 32))};
      let l = ${I(`${shl('mid', 32)} | ${and('ll', '4294967295n')}`)};
      h = ${add('h', add(mul('lo', lit(ML)), mul('hi', lit(MH))))};
      l = ${add('l', lit(INC_L))};
      h = ${add(add('h', lit(INC_H)), `(BigInt.asIntN(64, l ^ 9223372036854775808n) < ${lit(INC_L ^ (1n << 63n))} ? 1n : 0n)`)};
      lo = l; hi = h;
      const rn = (K0[0] = ${shrU('hi', 58)}, K1[0]); const x = ${xor('hi', 'lo')}; let y; ${rot('x', 'rn', 'y')}
      acc = ${add('acc', 'y')}; }`;
  const big = `function k(n, seed) { let hi = seed, lo = ${not('seed')}, acc = 0n; for (let i = 0; i < n; i++) ${body} return acc; }`;
  const slot = `const L = new BigInt64Array(3); function k(n, seed) { let hi = seed, lo = ${not('seed')}, acc = 0n; L[0] = hi; L[1] = lo; L[2] = acc;
    for (let i = 0; i < n; i++) { hi = L[0]; lo = L[1]; acc = L[2]; ${body} L[0] = hi; L[1] = lo; L[2] = acc; }
    return L[2]; }`;
  // Pairs: the 32x32 pieces are full pair multiplies of values whose high halves are 0 (a lowering
  // that does not track that multiplies them anyway; see 'pairs+known-zero').
  const pbody = (zeroAware) => {
    const A = { l: 'lol', h: zeroAware ? '0' : 'z0' }, Ah = { l: 'hil2', h: zeroAware ? '0' : 'z0' };
    const Bl = { l: String(0x4385DF64 | 0), h: '0' }, Bh = { l: String(0x2360ED05 | 0), h: '0' };
    return `{ const z0 = 0, hil2 = loh; let lll = 0, llh = 0, lhl = 0, lhh = 0, hll = 0, hlh = 0, hhl = 0, hhh = 0, midl = 0, midh = 0, Hl = 0, Hh = 0, ll_ = 0, lh_ = 0, tl = 0, th = 0, xl = 0, xh = 0, yl = 0, yh = 0;
      ${P.mul(pp('ll'), A, Bl)} ${P.mul(pp('lh'), A, Bh)} ${P.mul(pp('hl'), Ah, Bl)} ${P.mul(pp('hh'), Ah, Bh)}
      ${P.add(pp('mid'), { l: 'llh', h: '0' }, { l: 'lhl', h: '0' })} ${P.add(pp('mid'), pp('mid'), { l: 'hll', h: '0' })}
      ${P.add(pp('H'), pp('hh'), { l: 'lhh', h: '0' })} ${P.add(pp('H'), pp('H'), { l: 'hlh', h: '0' })} ${P.add(pp('H'), pp('H'), { l: 'midh', h: '0' })}
      ll_ = lll; lh_ = midl;
      ${P.mul(pp('t'), pp('lo'), P.c(ML))} ${P.add(pp('H'), pp('H'), pp('t'))} ${P.mul(pp('t'), pp('hi'), P.c(MH))} ${P.add(pp('H'), pp('H'), pp('t'))}
      ${P.add({ l: 'll_', h: 'lh_' }, { l: 'll_', h: 'lh_' }, P.c(INC_L))}
      ${P.add(pp('H'), pp('H'), P.c(INC_H))} { const cy = ${P.ltU({ l: 'll_', h: 'lh_' }, P.c(INC_L))}; ${P.add(pp('H'), pp('H'), { l: 'cy', h: '0' })} }
      lol = ll_; loh = lh_; hil = Hl; hih = Hh;
      ${P.xor(pp('x'), pp('hi'), pp('lo'))} ${P.rotrN(pp('y'), pp('x'), 'hih >>> 26')} ${P.add(pp('acc'), pp('acc'), pp('y'))} }`;
  };
  const pairs = (za) => `function k(n, seed) { K0[0] = seed; let hil = K1[0], hih = K1[1], lol = ~hil, loh = ~hih, accl = 0, acch = 0;
    for (let i = 0; i < n; i++) ${pbody(za)}
    K1[0] = accl; K1[1] = acch; return K0[0]; }`;
  KERNELS.pcg_stream = { what: '128-bit LCG on 32-bit pieces + variable rotate (multiply-heavy)', n: 3e6, big, slot, pairs: pairs(false), extra: { 'pairs+known-zero': pairs(true) }, seed: (n) => BigInt(n) * 0x51ED270Bn };
}

// ---------------------------------------------------------------- sha512_rounds
{
  const S = ['a', 'b', 'c', 'd', 'e', 'f', 'g', 'h'];
  const init = `let a = seed, b = ${not('seed')}, c = ${mul('seed', '3n')}, d = ${xor('seed', lit(P1))}, e = ${add('seed', lit(P2))}, f = ${shrU('seed', 3)}, g = ${shl('seed', 5)}, h = ${lit(P1)};`;
  const round = (kw, ww) => `{ const t1 = ${add(add(add(add('h', xor(xor(rotr('e', 14), rotr('e', 18)), rotr('e', 41))), xor(and('e', 'f'), and(not('e'), 'g'))), kw), ww)};
      const t2 = ${add(xor(xor(rotr('a', 28), rotr('a', 34)), rotr('a', 39)), xor(xor(and('a', 'b'), and('a', 'c')), and('b', 'c')))};
      h = g; g = f; f = e; e = ${add('d', 't1')}; d = c; c = b; b = a; a = ${add('t1', 't2')}; }`;
  const fin = `return ${S.slice(1).reduce((acc, v) => xor(acc, v), 'a')};`;
  const ld = (a) => I(`(BigInt(D.getInt32(${a} + 4, true)) << 32n) | BigInt(D.getUint32(${a}, true))`);
  const big = `function k(n, seed) { ${init} for (let r = 0; r < n; r++) for (let i = 0; i < 80; i++) ${round(ld(`${KADDR} + (i << 3)`), ld(`${BUF} + (i << 3)`))} ${fin} }`;
  const slot = `const L = new BigInt64Array(8); function k(n, seed) { ${init} ${S.map((v, i) => `L[${i}] = ${v};`).join(' ')}
    for (let r = 0; r < n; r++) for (let i = 0; i < 80; i++) { ${S.map((v, i) => `${v} = L[${i}];`).join(' ')}
      ${round(`M64[${KADDR >>> 3} + i]`, `M64[${BUF >>> 3} + i]`)} ${S.map((v, i) => `L[${i}] = ${v};`).join(' ')} }
    ${S.map((v, i) => `${v} = L[${i}];`).join(' ')} ${fin} }`;
  const x = (n) => pp(n);
  const prot = (r, v, k) => P.rotrK(x(r), x(v), k);
  const pround = `{ let t1l = 0, t1h = 0, t2l = 0, t2h = 0, ul = 0, uh = 0, vl = 0, vh = 0;
      ${prot('u', 'e', 14)} ${prot('v', 'e', 18)} ${P.xor(x('u'), x('u'), x('v'))} ${prot('v', 'e', 41)} ${P.xor(x('u'), x('u'), x('v'))}
      ${P.add(x('t1'), x('h'), x('u'))}
      ${P.and(x('u'), x('e'), x('f'))} vl = ~el & gl; vh = ~eh & gh; ${P.xor(x('u'), x('u'), x('v'))} ${P.add(x('t1'), x('t1'), x('u'))}
      ul = M32[kb + (i << 1)]; uh = M32[kb + (i << 1) + 1]; ${P.add(x('t1'), x('t1'), x('u'))}
      ul = M32[wb + (i << 1)]; uh = M32[wb + (i << 1) + 1]; ${P.add(x('t1'), x('t1'), x('u'))}
      ${prot('u', 'a', 28)} ${prot('v', 'a', 34)} ${P.xor(x('u'), x('u'), x('v'))} ${prot('v', 'a', 39)} ${P.xor(x('t2'), x('u'), x('v'))}
      ${P.and(x('u'), x('a'), x('b'))} ${P.and(x('v'), x('a'), x('c'))} ${P.xor(x('u'), x('u'), x('v'))} ${P.and(x('v'), x('b'), x('c'))} ${P.xor(x('u'), x('u'), x('v'))}
      ${P.add(x('t2'), x('t2'), x('u'))}
      hl = gl; hh = gh; gl = fl; gh = fh; fl = el; fh = eh; ${P.add(x('e'), x('d'), x('t1'))}
      dl = cl; dh = ch; cl = bl; ch = bh; bl = al; bh = ah; ${P.add(x('a'), x('t1'), x('t2'))} }`;
  const pairs = `function k(n, seed) { const kb = ${KADDR >>> 2}, wb = ${BUF >>> 2}; K0[0] = seed; const sl = K1[0], sh = K1[1];
    let al = sl, ah = sh, bl = ~sl, bh = ~sh, cl = 0, ch = 0, dl = 0, dh = 0, el = 0, eh = 0, fl = 0, fh = 0, gl = 0, gh = 0, hl = ${P.c(P1).l}, hh = ${P.c(P1).h};
    ${P.mul(x('c'), { l: 'sl', h: 'sh' }, P.c(3n))} ${P.xor(x('d'), { l: 'sl', h: 'sh' }, P.c(P1))} ${P.add(x('e'), { l: 'sl', h: 'sh' }, P.c(P2))}
    ${P.shrUK(x('f'), { l: 'sl', h: 'sh' }, 3)} ${P.shlK(x('g'), { l: 'sl', h: 'sh' }, 5)}
    for (let r = 0; r < n; r++) for (let i = 0; i < 80; i++) ${pround}
    ${S.slice(1).map((v) => P.xor(x('a'), x('a'), x(v))).join(' ')} K1[0] = al; K1[1] = ah; return K0[0]; }`;
  KERNELS.sha512_rounds = { what: 'SHA-512 rounds (add, rotr by constants, and/xor/not; K and W loads)', n: 1e5, big, slot, pairs, seed: (n) => BigInt(n) * 0x2545F491n };
}

// ---------------------------------------------------------------- div_stream
{
  const DIV = `function $i64DivU(a, b) { if (b === 0n) throw new Error('div0'); return BigInt.asIntN(64, BigInt.asUintN(64, a) / BigInt.asUintN(64, b)); }
function $i64RemU(a, b) { if (b === 0n) throw new Error('div0'); return BigInt.asIntN(64, BigInt.asUintN(64, a) % BigInt.asUintN(64, b)); }`;
  const shrV = (x, out) => `K0[0] = ${x}; { let $n = K1[0] & 63, lo = K1[0], hi = K1[1]; const m = -($n >>> 5); $n &= 31;` +
    ` lo = (lo >>> $n) | ((hi << 1) << (31 - $n)); hi = hi >>> $n; lo = (lo & ~m) | (hi & m); hi &= ~m; K1[0] = lo; K1[1] = hi; ${out} = K0[0]; }`;
  const body = `{ let a, r, b; ${smBig('s', 'a')} ${smBig('s', 'r')} ${shrV('r', 'b')} b = ${I('b | 2n')};
      const q = $i64DivU(a, b); acc = ${add('acc', add('q', mul(I(`a - ${mul('q', 'b')}`), '3n')))}; }`;
  const big = `${DIV} function k(n, seed) { let s = seed, acc = 0n; for (let i = 0; i < n; i++) ${body} return acc; }`;
  const slot = `${DIV} const L = new BigInt64Array(2); function k(n, seed) { let s = seed, acc = 0n; L[0] = s; L[1] = acc;
    for (let i = 0; i < n; i++) { s = L[0]; acc = L[1]; ${body} L[0] = s; L[1] = acc; } return L[1]; }`;
  const pbody = (divmod) => `{ let al = 0, ah = 0, rl = 0, rh = 0, bl = 0, bh = 0, ql = 0, qh = 0, tl = 0, th = 0;
      ${smPair(pp('s'), pp('a'))} ${smPair(pp('s'), pp('r'))} ${P.shrUN(pp('b'), pp('r'), 'rl')} bl |= 2;
      ${divmod ? '$udivmod(al, ah, bl, bh); ql = $Q; qh = $QH; tl = $RL; th = $RH;' : `${P.divU(pp('q'), pp('a'), pp('b'))} ${P.mul(pp('t'), pp('q'), pp('b'))} ${P.sub(pp('t'), pp('a'), pp('t'))}`}
      ${P.mul(pp('t'), pp('t'), P.c(3n))} ${P.add(pp('q'), pp('q'), pp('t'))} ${P.add(pp('acc'), pp('acc'), pp('q'))} }`;
  const pairs = (dm) => `function k(n, seed) { K0[0] = seed; let sl = K1[0], sh = K1[1], accl = 0, acch = 0;
    for (let i = 0; i < n; i++) ${pbody(dm)}
    K1[0] = accl; K1[1] = acch; return K0[0]; }`;
  KERNELS.div_stream = { what: 'u64 div and rem by divisors of every magnitude (splitmix64 operands)', n: 1e7, big, slot, pairs: pairs(false), extra: { 'pairs, quotient and remainder from one helper call': pairs(true) }, seed: (n) => BigInt(n) * 0x3C6EF372n };
}

// ---------------------------------------------------------------- run
const printOnly = args.includes('--print') ? args[args.indexOf('--print') + 1] : null;
const PRE = 'const K0 = new BigInt64Array(1), K1 = new Int32Array(K0.buffer);';
const results = [];
for (const [name, k] of Object.entries(KERNELS)) {
  const srcs = { 'bigint-let': k.big, 'bigint-slot': k.slot, pairs: k.pairs, ...(k.extra ?? {}) };
  if (printOnly) {
    if (printOnly === name) for (const [v, src] of Object.entries(srcs)) console.log(`// ${v}\n${src}\n`);
    continue;
  }
  if (!selected(name)) continue;
  const variants = [];
  if (today) variants.push({ name: 'wasm2es today', fn: (n) => today[name](n, k.seed(n)) });
  for (const [v, src] of Object.entries(srcs)) {
    const f = P.build(`${PRE}\n${src}`, 'k', env);
    variants.push({ name: v, fn: (n) => f(n, k.seed(n)) });
  }
  const r = measure({
    name: `${name}: ${k.what}`,
    native: (n) => native[name](n, k.seed(n)),
    variants,
    n: k.n,
    checkNs: [1, 2, 3, 5, 40],
    tiny: (i) => 1 + (i % (name === 'xxh_stripes' || name === 'sha512_rounds' ? 3 : 50)),
  });
  print(r);
  results.push(r);
}
save('kernels', results);
export { KERNELS, env, native, today, PRE };
