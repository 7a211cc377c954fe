// Where the f32 matrix multiply's time goes: the matmul of kernels.c (the
// bench kernel's inner loops, C[i][j] += a * B[k][j] over 128x128 floats)
// compiled by wasm2es today, and hand-written variants of its JavaScript,
// each against native WebAssembly in the same process. What varies: the view
// the loads and stores go through (DataView, Float32Array behind the
// `undefined` probe that keeps the DataView as the trap, Float32Array with
// one range check per row instead, or unchecked), and where Math.fround is.
//
//   node bench/micro/f32.mjs [--rounds N] [--quick] [--json FILE] [--print]
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { measure, print, save, args, MICRO_DIR } from './harness.mjs';
import { build } from './pairs.mjs';

const bytes = readFileSync(join(MICRO_DIR, 'kernels.wasm'));
const native = new WebAssembly.Instance(new WebAssembly.Module(bytes)).exports;
native.mat_init(3);
let today = null, edited = null;
try {
  const compiler = await import(join(MICRO_DIR, '../../dist/index.js'));
  const { js } = compiler.compile(bytes, { format: 'factory' });
  today = compiler.loadFactory(js).instantiateSync({}).instance.exports;
  today.mat_init(3);
  // Today's output with one edit: a sum that is only stored (setFloat32
  // rounds it) loses its Math.fround: `s1 = (Math.fround(X));` -> `s1 = (X);`
  let count = 0;
  const js2 = js.replace(/^(\s*s1 = \()Math\.fround\((.*)\)(\);\n\s*D0\.setFloat32\()/gm, (m, a, x, b) => (count++, `${a}${x}${b}`));
  if (count) {
    edited = compiler.loadFactory(js2).instantiateSync({}).instance.exports;
    edited.mat_init(3);
  }
} catch (e) {
  console.log(`(no "wasm2es today" row: ${e.message}; run npm run build)`);
}
const A = native.mat_addr(0), B = native.mat_addr(1), C = native.mat_addr(2);
const mem = native.memory.buffer.slice(0);
const env = { D: new DataView(mem), F: new Float32Array(mem), U8: new Uint8Array(mem) };

// The loop nest, with the innermost statement (and the load of `a`) filled in
// per variant. Addresses are byte addresses, as in the compiled code.
const nest = (loadA, inner, { pre = '', rowCheck = null } = {}) => `function k(n) {
  let s = 0;
  for (let r = 0; r < n; r++) {
    for (let i = 0; i < 128; i++) {
      const ci = ${C} + (i << 9);
      U8.fill(0, ci, ci + 512);
      for (let kk = 0; kk < 128; kk++) {
        const a = ${loadA(`${A} + (((i << 7) | kk) << 2)`)};
        const bk = ${B} + (kk << 9);
        ${pre}
        ${rowCheck ? `if (${rowCheck}) { for (let j = 0; j < 512; j += 4) { const b = bk + j, c = ci + j; ${inner.fast} } } else ` : ''}for (let j = 0; j < 512; j += 4) { const b = bk + j, c = ci + j; ${inner.slow ?? inner} }
      }
    }
    s = Math.fround(s + ${loadA(`${C} + ((r & 16383) << 2)`)});
  }
  return s;
}`;

const dvLoad = (a) => `D.getFloat32(${a}, true)`;
const f32Load = (a) => `(F[(${a}) >>> 2] ?? D.getFloat32(${a}, true))`;
const V = {
  'DataView, fround on the product and the sum (as today)':
    nest(dvLoad, 'D.setFloat32(c, Math.fround(Math.fround(a * D.getFloat32(b, true)) + D.getFloat32(c, true)), true);'),
  'DataView, no fround on the stored sum (setFloat32 rounds)':
    nest(dvLoad, 'D.setFloat32(c, Math.fround(a * D.getFloat32(b, true)) + D.getFloat32(c, true), true);'),
  'Float32Array loads, DataView stores':
    nest(f32Load, 'D.setFloat32(c, Math.fround(a * (F[b >>> 2] ?? D.getFloat32(b, true))) + (F[c >>> 2] ?? D.getFloat32(c, true)), true);'),
  'Float32Array loads and stores behind the undefined probe':
    nest(f32Load, '{ const v = Math.fround(Math.fround(a * (F[b >>> 2] ?? D.getFloat32(b, true))) + (F[c >>> 2] ?? D.getFloat32(c, true))); if (F[c >>> 2] !== undefined) F[c >>> 2] = v; else D.setFloat32(c, v, true); }'),
  'Float32Array behind the probe, no fround on the stored sum':
    nest(f32Load, '{ const v = Math.fround(a * (F[b >>> 2] ?? D.getFloat32(b, true))) + (F[c >>> 2] ?? D.getFloat32(c, true)); if (F[c >>> 2] !== undefined) F[c >>> 2] = v; else D.setFloat32(c, v, true); }'),
  'Float32Array, one range check per row (both rows in bounds), unchecked inside':
    nest(f32Load, {
      fast: 'F[c >>> 2] = Math.fround(a * F[b >>> 2]) + F[c >>> 2];',
      slow: 'D.setFloat32(c, Math.fround(a * D.getFloat32(b, true)) + D.getFloat32(c, true), true);',
    }, { rowCheck: `bk + 512 <= F.length * 4 && ci + 512 <= F.length * 4` }),
  'Float32Array unchecked (unsafe: no trap; the ceiling)':
    nest((a) => `F[(${a}) >>> 2]`, 'F[c >>> 2] = Math.fround(a * F[b >>> 2]) + F[c >>> 2];'),
  'Float32Array unchecked, index arithmetic in elements':
    nest((a) => `F[(${a}) >>> 2]`, 'F[c >>> 2] = Math.fround(a * F[b >>> 2]) + F[c >>> 2];').replace(
      'for (let j = 0; j < 512; j += 4) { const b = bk + j, c = ci + j; F[c >>> 2] = Math.fround(a * F[b >>> 2]) + F[c >>> 2]; }',
      '{ const b0 = bk >>> 2, c0 = ci >>> 2; for (let j = 0; j < 128; j++) F[c0 + j] = Math.fround(a * F[b0 + j]) + F[c0 + j]; }'),
};

if (args.includes('--print')) {
  for (const [k, src] of Object.entries(V)) console.log(`// ${k}\n${src}\n`);
} else {
  const variants = [];
  if (today) variants.push({ name: 'wasm2es today', fn: (n) => today.matmul(n) });
  if (edited) variants.push({ name: 'wasm2es today, no fround on stored sums', fn: (n) => edited.matmul(n) });
  for (const [name, src] of Object.entries(V)) {
    const f = build(src, 'k', env);
    variants.push({ name, fn: (n) => f(n) });
  }
  const r = measure({ name: 'f32 matmul, 128x128 (kernels.c matmul)', native: (n) => native.matmul(n), variants, n: 60, warmN: 2, tiny: () => 1, checkNs: [1, 2, 3] });
  print(r);
  save('f32', [r]);
}
