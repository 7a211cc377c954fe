// Deterministic generator of a large synthetic WebAssembly module (default
// ~10 MB) for the compile-time benchmark: many functions mixing i32/i64/f64
// arithmetic, loads and stores, nested blocks, loops, if/else, br_table and
// direct calls. The same seed and size always give the same bytes.
//
//   node bench/synthetic.mjs [out.wasm] [--mb 10]
import { writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

function uleb(n, out) {
  do {
    let b = n & 0x7f;
    n >>>= 7;
    if (n) b |= 0x80;
    out.push(b);
  } while (n);
}
function sleb(n, out) {
  // n: a JS number in the int32 range, or a BigInt for i64 constants.
  let v = BigInt(n);
  for (;;) {
    const b = Number(v & 0x7fn);
    v >>= 7n;
    if ((v === 0n && !(b & 0x40)) || (v === -1n && b & 0x40)) { out.push(b); return; }
    out.push(b | 0x80);
  }
}
function section(id, body, out) {
  out.push(id);
  uleb(body.length, out);
  for (let i = 0; i < body.length; i++) out.push(body[i]);
}
function str(s, out) {
  const b = Buffer.from(s, 'utf8');
  uleb(b.length, out);
  out.push(...b);
}

// Locals of every function: params 0,1 (i32); 2..5 i32; 6,7 i64; 8,9 f64.
const I32 = [0, 1, 2, 3, 4, 5], I64 = [6, 7], F64 = [8, 9];

export function makeSynthetic({ targetBytes = 10 * 1024 * 1024, seed = 20261124 } = {}) {
  let s = seed >>> 0;
  const rnd = (n) => ((s = (Math.imul(s, 1103515245) + 12345) >>> 0) >>> 8) % n;
  const pick = (a) => a[rnd(a.length)];

  const bodies = [];
  let total = 0;
  while (total < targetBytes) {
    const idx = bodies.length;
    const code = [];
    // Statements leave the operand stack empty; `depth` bounds nesting.
    const stmt = (depth) => {
      const k = rnd(depth > 2 ? 7 : 10);
      switch (k) {
        case 0: // i32 arithmetic
          code.push(0x20, pick(I32), 0x20, pick(I32), pick([0x6a, 0x6b, 0x6c, 0x71, 0x72, 0x73, 0x74, 0x76]));
          code.push(0x41); sleb(rnd(1 << 20) - (1 << 19), code);
          code.push(pick([0x6a, 0x73, 0x77]), 0x21, pick([2, 3, 4, 5]));
          break;
        case 1: // load + store through masked addresses
          code.push(0x20, pick(I32), 0x41); sleb(0xfff0, code); code.push(0x71);
          code.push(0x20, pick(I32), 0x41); sleb(0xfff0, code); code.push(0x71);
          code.push(0x28, 0x02); uleb(rnd(8) * 4, code); // i32.load align=4 offset
          code.push(0x41); sleb(rnd(1000), code); code.push(0x6a);
          code.push(0x36, 0x02); uleb(rnd(8) * 4, code); // i32.store
          break;
        case 2: // i64 mixing
          code.push(0x20, pick(I64), 0x42); sleb(BigInt(rnd(1 << 30)) * 2654435761n - (1n << 50n), code);
          code.push(pick([0x7e, 0x85, 0x7c]), 0x20, pick(I64), pick([0x89, 0x88, 0x86, 0x85]), 0x21, pick(I64));
          break;
        case 3: // f64 arithmetic
          code.push(0x20, pick(F64), 0x44);
          { const b = Buffer.alloc(8); b.writeDoubleLE(1 + rnd(1000) / 7); code.push(...b); }
          code.push(pick([0xa0, 0xa2, 0xa3]), 0x9f, 0x20, pick(F64), pick([0xa0, 0xa1]), 0x21, pick(F64));
          break;
        case 4: // conversions
          code.push(0x20, pick(F64), 0xaa, 0x20, pick(I32), 0x6a, 0x21, pick([2, 3, 4, 5])); // i32.trunc_f64_s traps on NaN, fine: never run
          code.push(0x20, pick(I32), 0xac, 0x20, pick(I64), 0x7c, 0x21, pick(I64)); // i64.extend_i32_s
          break;
        case 5: // direct call to an earlier function (or itself)
          code.push(0x20, pick(I32), 0x20, pick(I32), 0x10); uleb(rnd(idx + 1), code); code.push(0x21, pick([2, 3, 4, 5]));
          break;
        case 6: // select
          code.push(0x20, pick(I32), 0x20, pick(I32), 0x20, pick(I32), 0x1b, 0x21, pick([2, 3, 4, 5]));
          break;
        case 7: // if / else
          code.push(0x20, pick(I32), 0x04, 0x40);
          for (let i = rnd(3) + 1; i--;) stmt(depth + 1);
          code.push(0x05);
          for (let i = rnd(3) + 1; i--;) stmt(depth + 1);
          code.push(0x0b);
          break;
        case 8: { // counted loop on a fresh i32 local
          const c = pick([2, 3, 4, 5]);
          code.push(0x41); sleb(rnd(16), code); code.push(0x21, c);
          code.push(0x02, 0x40, 0x03, 0x40);
          for (let i = rnd(3) + 1; i--;) stmt(depth + 2);
          code.push(0x20, c, 0x45, 0x0d, 0x01); // br_if out when zero
          code.push(0x20, c, 0x41, 0x01, 0x6b, 0x21, c, 0x0c, 0x00, 0x0b, 0x0b);
          break;
        }
        case 9: // br_table into one of three nested blocks
          code.push(0x02, 0x40, 0x02, 0x40, 0x02, 0x40);
          code.push(0x20, pick(I32), 0x41, 0x03, 0x71, 0x0e, 0x03, 0x00, 0x01, 0x02, 0x00, 0x0b);
          stmt(depth + 3);
          code.push(0x0c, 0x01, 0x0b);
          stmt(depth + 3);
          code.push(0x0b);
          break;
      }
    };
    const n = 20 + rnd(60);
    for (let i = 0; i < n; i++) stmt(0);
    code.push(0x20, pick(I32), 0x0b); // result, end
    const locals = [3, 4, 0x7f, 2, 0x7e, 2, 0x7c]; // 3 groups: 4 i32, 2 i64, 2 f64
    const body = [...locals, ...code];
    const entry = [];
    uleb(body.length, entry);
    for (const b of body) entry.push(b);
    bodies.push(entry);
    total += entry.length;
  }

  const out = [0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00];
  section(1, [1, 0x60, 2, 0x7f, 0x7f, 1, 0x7f], out); // type 0: (i32 i32) -> i32
  const fsec = []; uleb(bodies.length, fsec); for (let i = 0; i < bodies.length; i++) fsec.push(0);
  section(3, fsec, out);
  section(5, [1, 0x00, 1], out); // memory 1 page
  const exp = []; const nexp = Math.min(16, bodies.length); uleb(nexp + 1, exp);
  str('memory', exp); exp.push(0x02, 0);
  for (let i = 0; i < nexp; i++) { str(`f${i}`, exp); exp.push(0x00); uleb(bodies.length - 1 - i, exp); }
  section(7, exp, out);
  const csec = []; uleb(bodies.length, csec);
  for (const b of bodies) for (let i = 0; i < b.length; i++) csec.push(b[i]);
  section(10, csec, out);
  return Uint8Array.from(out);
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const args = process.argv.slice(2);
  const mbi = args.indexOf('--mb');
  const mb = mbi >= 0 ? Number(args[mbi + 1]) : 10;
  const file = args.find((a, i) => !a.startsWith('--') && args[i - 1] !== '--mb') ?? 'synthetic.wasm';
  const bytes = makeSynthetic({ targetBytes: Math.round(mb * 1024 * 1024) });
  writeFileSync(file, bytes);
  console.log(`${file}: ${bytes.length} bytes, valid=${WebAssembly.validate(bytes)}`);
}
