// Memory growth and the speed of memory access around it (issue 19's growth
// item), native WebAssembly vs wasm2es on the Node running this script. The
// kernels of record are on the bench's growth group (bench/kernels, grow and
// realloc); this script is the focused check of the runtime's memory objects,
// with rows bench/run.mjs does not have: growth driven from JS with `buffer`
// read after every growth, and loads/stores in a memory that has grown (whose
// views are shorter than their storage) against one that has not.
//
//   npm run build && node bench/grow.mjs [--reps 7]
//   WASM2ES_DIST=/path/to/other/dist node bench/grow.mjs   (another build: before/after)
//
// Every row runs its engines interleaved, `reps` times, fresh instances per
// repetition; the table gives medians and the spread (min-max) of the ratio.
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { fmt, median, nodeWarning, ROOT, table } from './lib.mjs';

const args = process.argv.slice(2);
const reps = Number(args[args.indexOf('--reps') + 1]) || (args.includes('--reps') ? 7 : 7);
const dist = process.env.WASM2ES_DIST ?? join(ROOT, 'dist');
const compiler = await import(pathToFileURL(join(dist, 'index.js')).href);
// The text front end of this checkout (the other build may not have one).
const { assembleText } = await import(pathToFileURL(join(ROOT, 'dist/text/index.js')).href);

const WAT = `(module
  (memory (export "mem") 1)
  ;; n one-page grows, one word written every 4 KiB of each new page as it
  ;; arrives, then every written word read back: a checksum, or -1.
  (func (export "grow") (param $n i32) (result i32)
    (local $i i32) (local $old i32) (local $w i32) (local $x i32) (local $first i32) (local $sum i32)
    (local.set $x (i32.xor (i32.const 0x9e3779b9) (local.get $n)))
    (block $done (loop $next
      (br_if $done (i32.ge_u (local.get $i) (local.get $n)))
      (local.set $old (memory.grow (i32.const 1)))
      (if (i32.lt_s (local.get $old) (i32.const 0)) (then (return (i32.const -1))))
      (if (i32.eqz (local.get $i)) (then (local.set $first (local.get $old))))
      (local.set $w (i32.const 0))
      (block $pd (loop $pl
        (br_if $pd (i32.ge_u (local.get $w) (i32.const 65536)))
        (local.set $x (i32.add (i32.mul (local.get $x) (i32.const 1664525)) (i32.const 1013904223)))
        (i32.store (i32.add (i32.shl (local.get $old) (i32.const 16)) (local.get $w)) (local.get $x))
        (local.set $w (i32.add (local.get $w) (i32.const 4096)))
        (br $pl)))
      (local.set $i (i32.add (local.get $i) (i32.const 1)))
      (br $next)))
    (local.set $w (i32.shl (local.get $first) (i32.const 16)))
    (local.set $i (i32.shl (i32.add (local.get $first) (local.get $n)) (i32.const 16)))
    (block $rd (loop $rl
      (br_if $rd (i32.ge_u (local.get $w) (local.get $i)))
      (local.set $sum (i32.mul (i32.xor (local.get $sum) (i32.load (local.get $w))) (i32.const 31)))
      (local.set $w (i32.add (local.get $w) (i32.const 4096)))
      (br $rl)))
    (local.get $sum))
  (func (export "more") (param i32) (result i32) (memory.grow (local.get 0)))
  ;; Loads and stores over the first $bytes: i32 (aligned, typed views), f64
  ;; and an unaligned i64 (the DataView path), r rounds.
  (func (export "access") (param $bytes i32) (param $r i32) (result i32)
    (local $a i32) (local $s i32) (local $f f64)
    (block $out (loop $round
      (br_if $out (i32.eqz (local.get $r)))
      (local.set $a (i32.const 0))
      (block $d (loop $l
        (br_if $d (i32.ge_u (local.get $a) (i32.sub (local.get $bytes) (i32.const 16))))
        (local.set $s (i32.add (local.get $s) (i32.load (local.get $a))))
        (i32.store offset=4 (local.get $a) (local.get $s))
        (local.set $f (f64.add (f64.load offset=8 (local.get $a)) (f64.const 1.5)))
        (f64.store offset=8 (local.get $a) (local.get $f))
        (local.set $s (i32.xor (local.get $s) (i32.wrap_i64 (i64.load offset=1 (local.get $a)))))
        (local.set $a (i32.add (local.get $a) (i32.const 16)))
        (br $l)))
      (local.set $r (i32.sub (local.get $r) (i32.const 1)))
      (br $round)))
    (local.get $s)))`;
const bytes = assembleText(WAT, 'grow.wat').bytes;
const { js } = compiler.compile(bytes, { format: 'factory' });
const factory = compiler.loadFactory(js);
const engines = {
  native: () => new WebAssembly.Instance(new WebAssembly.Module(bytes)).exports,
  wasm2es: () => factory.instantiateSync({}).instance.exports,
};

/** Runs `work(engine)` for every engine, interleaved, reps times: medians (ms) and the ratio's min/max. */
function measure(work) {
  const times = { native: [], wasm2es: [] };
  let check = null;
  for (let r = 0; r < reps; r++) {
    for (const name of r % 2 ? ['wasm2es', 'native'] : ['native', 'wasm2es']) {
      const t0 = performance.now();
      const v = work(engines[name]);
      times[name].push(performance.now() - t0);
      if (check === null) check = v;
      else if (!Object.is(v, check)) throw new Error(`${name} computed ${v}, expected ${check}`);
    }
  }
  const ratios = times.native.map((n, i) => times.wasm2es[i] / n);
  return { native: median(times.native), wasm2es: median(times.wasm2es), ratio: median(times.wasm2es) / median(times.native), lo: Math.min(...ratios), hi: Math.max(...ratios) };
}

const PAGES = 1024;
const rows = [];
const row = (name, m) => rows.push([name, fmt(m.native, 2), fmt(m.wasm2es, 2), fmt(m.ratio, 2) + 'x', `${fmt(m.lo, 2)}-${fmt(m.hi, 2)}`]);
row(`${PAGES} one-page grows from Wasm, each page touched`, measure((mk) => mk().grow(PAGES)));
// Each read of `buffer` after a growth gives up the spare capacity (a copy):
// quadratic, so fewer pages.
const JS_PAGES = 256;
row(`${JS_PAGES} one-page grows from JS, buffer read after each`, measure((mk) => {
  const x = mk();
  let s = 0;
  for (let i = 0; i < JS_PAGES; i++) {
    x.mem.grow(1);
    const u = new Uint8Array(x.mem.buffer);
    u[u.length - 1] = i;
    s += u.length;
  }
  return s;
}));
// 16 MiB of memory either made by 255 one-page grows (storage longer than the
// memory) or grown once (exact storage), then 4 rounds of access over it.
const accessAfter = (steps) => (mk) => {
  const x = mk();
  if (steps === 1) x.more(255);
  else for (let i = 0; i < 255; i++) x.more(1);
  return x.access(256 * 65536, 4);
};
row('access over 16 MiB, memory grown page by page', measure(accessAfter(255)));
row('access over 16 MiB, memory grown at once', measure(accessAfter(1)));
process.stdout.write(nodeWarning());
console.log(`Node ${process.version}, wasm2es from ${dist}, ${reps} interleaved repetitions, medians (ms)\n`);
console.log(table(['row', 'native', 'wasm2es', 'ratio', 'ratio spread'], rows));
