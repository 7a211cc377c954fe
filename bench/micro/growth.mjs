// Memory growth: what a grow costs under each way of holding linear memory in
// JavaScript, and what each way costs the loads and stores of compiled code.
//
// Part 1, growth: a fresh memory of 2 pages grown n times by one page, the
// views refreshed after each grow (as compiled code does) and 16 words of the
// new page written, against native WebAssembly doing the same
// (memory.grow + i32.store) in the same process:
//   copy       a new ArrayBuffer of the new size per grow, the bytes copied,
//              the old one detached (runtime/memory.ts today)
//   geometric  a fixed ArrayBuffer with spare capacity, doubled (and copied)
//              only when full; views and DataView of exactly the memory's size
//              (`new DataView(b, 0, size)`), so bounds stay exact
//   resizable  one resizable ArrayBuffer (maxByteLength: the memory's maximum,
//              here 65,536 pages), resize() per grow, fixed-length views
//
// Part 2, access speed: loops of DataView and typed-array loads and stores over
// 1 MiB, relative to views of a fixed ArrayBuffer of exactly that size (today):
// views of the first 1 MiB of a bigger fixed buffer (geometric), fixed-length
// views of a resizable buffer, and length-tracking views of a resizable buffer.
//
//   node bench/micro/growth.mjs [--rounds N] [--quick] [--only grow,views] [--json FILE]
import { watModule, measure, print, save, selected } from './harness.mjs';

const PAGE = 65536;
const results = [];

const detach = (b) => {
  if (typeof b.transfer === 'function') b.transfer();
  else structuredClone(b, { transfer: [b] });
};
// Each strategy: make() -> { grow(delta) -> old pages, views -> { dv, i32 } }.
const STRATEGIES = {
  copy: () => {
    let b = new ArrayBuffer(2 * PAGE);
    const m = { views: null, refresh() { m.views = { dv: new DataView(b), i32: new Int32Array(b) }; } };
    m.grow = (d) => { const old = b.byteLength / PAGE; const nb = new ArrayBuffer(b.byteLength + d * PAGE); new Uint8Array(nb).set(new Uint8Array(b)); detach(b); b = nb; m.refresh(); return old; };
    m.refresh();
    return m;
  },
  geometric: () => {
    let b = new ArrayBuffer(2 * PAGE), size = 2 * PAGE;
    const m = { views: null, refresh() { m.views = { dv: new DataView(b, 0, size), i32: new Int32Array(b, 0, size >> 2) }; } };
    m.grow = (d) => {
      const old = size / PAGE;
      size += d * PAGE;
      if (size > b.byteLength) {
        const nb = new ArrayBuffer(Math.min(65536 * PAGE, Math.max(size, 2 * b.byteLength)));
        new Uint8Array(nb).set(new Uint8Array(b));
        detach(b);
        b = nb;
      }
      m.refresh();
      return old;
    };
    m.refresh();
    return m;
  },
  resizable: () => {
    const b = new ArrayBuffer(2 * PAGE, { maxByteLength: 65536 * PAGE });
    const m = { views: null, refresh() { m.views = { dv: new DataView(b, 0, b.byteLength), i32: new Int32Array(b, 0, b.byteLength >> 2) }; } };
    m.grow = (d) => { const old = b.byteLength / PAGE; b.resize(b.byteLength + d * PAGE); m.refresh(); return old; };
    m.refresh();
    return m;
  },
};
let rabOk = true;
try { new ArrayBuffer(PAGE, { maxByteLength: 65536 * PAGE }); } catch { rabOk = false; }

if (selected('grow')) {
  const native = await watModule(`(module (memory (export "memory") 2)
    (func (export "run") (param $n i32) (result i32) (local $i i32) (local $p i32) (local $w i32) (local $x i32)
      (block $out (loop $L
        (br_if $out (i32.ge_u (local.get $i) (local.get $n)))
        (local.set $p (i32.shl (memory.grow (i32.const 1)) (i32.const 16)))
        (local.set $w (i32.const 0))
        (loop $W
          (local.set $x (i32.add (i32.mul (local.get $x) (i32.const 1664525)) (i32.const 1013904223)))
          (i32.store (i32.add (local.get $p) (local.get $w)) (local.get $x))
          (br_if $W (i32.lt_u (local.tee $w (i32.add (local.get $w) (i32.const 4096))) (i32.const 65536))))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br $L)))
      (i32.add (memory.size) (i32.load (i32.sub (i32.shl (memory.size) (i32.const 16)) (i32.const 4096))))))`);
  const nativeRun = (n) => {
    // A new instance (a new memory) per call, as the growth bench does.
    const ex = new WebAssembly.Instance(native).exports;
    return ex.run(n);
  };
  const jsRun = (make) => (n) => {
    const m = make();
    let x = 0;
    for (let i = 0; i < n; i++) {
      const p = m.grow(1) * PAGE;
      const { dv } = m.views;
      for (let w = 0; w < PAGE; w += 4096) { x = (Math.imul(x, 1664525) + 1013904223) | 0; dv.setInt32(p + w, x, true); }
    }
    const size = m.views.dv.byteLength / PAGE;
    return (size + m.views.dv.getInt32(size * PAGE - 4096, true)) | 0;
  };
  const strategies = Object.entries(STRATEGIES).filter(([k]) => k !== 'resizable' || rabOk);
  for (const [n, which] of [[128, strategies], [1024, strategies.filter(([k]) => k !== 'copy')]]) {
    const r = measure({
      name: `${n} one-page grows, each new page touched (a fresh memory per call)`,
      native: nativeRun,
      variants: which.map(([k, make]) => ({ name: k, fn: jsRun(make) })),
      n, warmN: 4, tiny: () => 2, checkNs: [1, 2, 17],
    });
    print(r);
    results.push(r);
  }
}

if (selected('views')) {
  const BYTES = 1 << 20;
  // The loop: DataView loads and stores of i32 and f64 (compiled code's general
  // path) and Int32Array/Float64Array ones (its proven-aligned path).
  const loop = (dv, i32, f64) => (n) => {
    let acc = 0;
    for (let r = 0; r < n; r++) {
      for (let a = 0; a < BYTES; a += 8) {
        dv.setFloat64(a, dv.getFloat64(a, true) * 0.5 + a, true);
        acc = (acc + dv.getInt32(a, true)) | 0;
      }
      for (let i = 0; i < (BYTES >> 3); i++) {
        f64[i] = f64[i] * 0.5 + i;
        acc = (acc + i32[i << 1]) | 0;
      }
    }
    return acc;
  };
  const layouts = {
    'fixed buffer, exact size (today)': () => { const b = new ArrayBuffer(BYTES); return [new DataView(b), new Int32Array(b), new Float64Array(b)]; },
    'fixed buffer with spare capacity, views of the first 1 MiB': () => { const b = new ArrayBuffer(4 * BYTES); return [new DataView(b, 0, BYTES), new Int32Array(b, 0, BYTES >> 2), new Float64Array(b, 0, BYTES >> 3)]; },
  };
  if (rabOk) {
    layouts['resizable buffer, fixed-length views'] = () => { const b = new ArrayBuffer(BYTES, { maxByteLength: 65536 * PAGE }); return [new DataView(b, 0, BYTES), new Int32Array(b, 0, BYTES >> 2), new Float64Array(b, 0, BYTES >> 3)]; };
    layouts['resizable buffer, length-tracking views'] = () => { const b = new ArrayBuffer(BYTES, { maxByteLength: 65536 * PAGE }); return [new DataView(b), new Int32Array(b), new Float64Array(b)]; };
  }
  // Each layout gets its own copy of the loop, from source with a distinct
  // comment: V8 caches code for identical `new Function` source, and one copy
  // seeing two kinds of view deoptimizes ("wrong map") into a slow generic form.
  const src = loop.toString();
  const mk = (name, views) => new Function('BYTES', `// ${name}\nreturn ${src}`)(BYTES)(...views);
  const [base, ...rest] = Object.entries(layouts);
  const r = measure({
    name: 'loads and stores over 1 MiB (DataView i32/f64, Int32Array, Float64Array)',
    baseName: 'fixed buffer, exact size (today)',
    native: mk(base[0], base[1]()),
    variants: rest.map(([k, f]) => ({ name: k, fn: mk(k, f()) })),
    n: 60, warmN: 2, tiny: () => 1, checkNs: [],
  });
  print(r);
  results.push(r);
}
save('growth', results);
