// What a change to the lowering would do to the bench kernels, before it is
// made: each kernel is compiled by the current compiler (dist/), then its
// JavaScript is edited textually the way the changed code generator would
// write it, and native WebAssembly, today's output and the edited output run
// interleaved in one process (medians of rounds, as bench/run.mjs does).
// Every edit must leave the checksum equal to native's. CPU time, as in
// harness.mjs (--wall: wall time).
//
//   node bench/micro/whatif.mjs [kernel,...] [--rounds N] [--json FILE]
//
// Edits:
//   rotate   a constant i64 rotate written with every shift wrapped:
//            asIntN(64, asIntN(64, x << kn) | asIntN(64, asUintN(64, x) >> (64-k)n))
//            instead of asIntN(64, (asUintN(64, x) << kn) | (asUintN(64, x) >> (64-k)n)),
//            whose left shift makes a 64+k-bit BigInt V8 does not lower
//   compose  i64.load's halves joined as asIntN(64, asIntN(64, BigInt(hi) << 32n) | BigInt(lo))
//   halves   a variable shift's/rotate's result rebuilt the same way from its
//            halves instead of through the scratch BigInt64Array
//   ext      i64.extend_i32_u of a comparison as (c ? 1n : 0n), not BigInt((c ? 1 : 0) >>> 0)
//   flip     the sign-bit xor of an unsigned compare by asIntN(64, 2^63n), not by 2^63n
//   fround   an f32 value computed only to be stored loses its outer Math.fround
//            (setFloat32 rounds it the same way)
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { opt, median, save, now, MICRO_DIR } from './harness.mjs';

const compiler = await import(join(MICRO_DIR, '../../dist/index.js'));
const KDIR = join(MICRO_DIR, '..', 'kernels');
const cfg = JSON.parse(readFileSync(join(MICRO_DIR, '..', 'kernels.json'), 'utf8'));
const argv = process.argv.slice(2);
const names = argv[0] && !argv[0].startsWith('--') ? argv[0].split(',') : ['xxh64', 'prng64', 'sha512', 'blake2b', 'fnv1a64', 'div64', 'mul128', 'bignum', 'i64mix', 'matmul'];

const EDITS = {
  rotate: (js) => js.replace(
    /BigInt\.asIntN\(64, \(BigInt\.asUintN\(64, ([\w$]+(?:\[\d+\])?)\) << (\d+)n\) \| \(BigInt\.asUintN\(64, \1\) >> (\d+)n\)\)/g,
    'BigInt.asIntN(64, BigInt.asIntN(64, $1 << $2n) | BigInt.asIntN(64, BigInt.asUintN(64, $1) >> $3n))'),
  // A BigInt made of two int32 halves: the shift of the high half wrapped
  // (BigInt(hi) << 32n alone is a BigInt of up to 64 bits plus sign that V8
  // computes in its runtime), in i64 loads ...
  compose: (js) => js.replace(/\(BigInt\((D\d+\.getInt32\([^()]*\))\) << 32n\)/g, 'BigInt.asIntN(64, BigInt($1) << 32n)'),
  // ... and for the result of a variable shift or rotate, instead of two
  // 32-bit stores read back as one 64-bit load (which cannot be forwarded
  // from the store buffer: the load waits for both stores to reach the cache)
  halves: (js) => js.replace(/K1\[0\] = \$lo; K1\[1\] = \$hi; ([\w$]+) = K0\[0\];/g,
    '$1 = BigInt.asIntN(64, BigInt.asIntN(64, BigInt($hi) << 32n) | BigInt($lo >>> 0));'),
  // i64.extend_i32_u of a comparison: a BigInt of two literals instead of
  // BigInt(number), a call V8 (Node 20) makes in its runtime
  ext: (js) => replaceCalls(js, 'BigInt(', (inner) => {
    const m = /^\((.*) \? 1 : 0\) >>> 0$/s.exec(inner);
    return m ? `(${m[1]} ? 1n : 0n)` : null;
  }),
  // the sign flip of an unsigned compare by an in-range literal
  flip: (js) => js.replaceAll(' ^ 9223372036854775808n)', ' ^ BigInt.asIntN(64, 9223372036854775808n))'),
  fround: (js) => js.replace(/^(\s*s\d+ = \()Math\.fround\((.*)\)(\);\n\s*D\d+\.setFloat32\()/gm, '$1$2$3'),
};

/** Replace each `name(...)` call whose argument text `f` maps to a string (balanced parentheses). */
function replaceCalls(js, name, f) {
  let out = '', i = 0;
  for (;;) {
    const at = js.indexOf(name, i);
    if (at < 0) return out + js.slice(i);
    let depth = 1, j = at + name.length;
    for (; j < js.length && depth > 0; j++) depth += js[j] === '(' ? 1 : js[j] === ')' ? -1 : 0;
    const inner = js.slice(at + name.length, j - 1);
    const r = f(inner);
    out += js.slice(i, at) + (r ?? name + replaceCalls(inner, name, f) + ')');
    i = j;
  }
}

const results = [];
for (const name of names) {
  const bytes = readFileSync(join(KDIR, `${name}.wasm`));
  const { n, warm } = cfg[name];
  const { js } = compiler.compile(bytes, { format: 'factory' });
  const engines = [{ name: 'native', ex: new WebAssembly.Instance(new WebAssembly.Module(bytes)).exports },
    { name: 'today', ex: compiler.loadFactory(js).instantiateSync({}).instance.exports }];
  for (const [e, edit] of Object.entries(EDITS)) {
    const js2 = edit(js);
    if (js2 !== js) engines.push({ name: e, ex: compiler.loadFactory(js2).instantiateSync({}).instance.exports });
  }
  if (engines.length > 3) {
    const all = Object.values(EDITS).reduce((s, f) => f(s), js);
    engines.push({ name: 'all edits', ex: compiler.loadFactory(all).instantiateSync({}).instance.exports });
  }
  process.stderr.write(`${name}: ${engines.map((e) => e.name).join(', ')} ...\n`);
  const want = engines[0].ex.run(n);
  for (const e of engines) {
    for (let i = 0; i < 100; i++) e.ex.run(warm);
    e.ms = [];
    e.ok = e.ex.run(n) === want;
  }
  for (let r = 0; r < opt.rounds; r++) {
    for (let k = 0; k < engines.length; k++) {
      const e = engines[(r + k) % engines.length];
      const t0 = now();
      e.ex.run(n);
      e.ms.push(now() - t0);
    }
  }
  const nat = median(engines[0].ms);
  const row = { name, node: process.version, n, native: nat, variants: {} };
  const line = [`${name} (${process.version}, native ${nat.toFixed(1)} ms):`];
  for (const e of engines.slice(1)) {
    const ratio = median(e.ms) / nat;
    row.variants[e.name] = { ratio, ok: e.ok, ms: e.ms };
    line.push(`${e.name} ${e.ok ? ratio.toFixed(2) + 'x' : 'WRONG'}`);
  }
  console.log(line.join('  '));
  results.push(row);
}
save('whatif', results);
