// Function splitting (split.ts, outline.ts): split code must behave exactly like
// the same module run natively (Node 20's engine is the oracle, legacy
// exceptions included). The module shapes are the ones splitting exists for
// (an interpreter's dispatch loop) and the ones where a careless split would
// change behaviour (locals seen by a handler, NaN payloads, returns and
// branches leaving a piece).
import { describe, it, expect } from 'vitest';
import { compile, loadFactory } from '../index.js';
import type { CompileOptions } from '../api.js';
import { wat } from '../testing/wasm-bytes.js';

const SPLIT_ALL: CompileOptions = { split: { above: 0, target: 24, min: 2 } };

function pieces(js: string): number {
  return (js.match(/^\s*function f\w*\$\d+\(/gm) ?? []).length;
}

function ours(bytes: Uint8Array, options: CompileOptions) {
  return loadFactory(compile(bytes, { ...options, format: 'factory' }).js).instantiateSync({}).instance.exports as Record<string, any>;
}

function native(bytes: Uint8Array) {
  return new WebAssembly.Instance(new WebAssembly.Module(bytes as Uint8Array<ArrayBuffer>), {}).exports as Record<string, any>;
}

/** Outcome of a call as comparable data (values, or the error's class and message). */
function outcome(f: () => unknown): unknown {
  try {
    const v = f();
    return typeof v === 'bigint' ? `${v}n` : Array.isArray(v) ? v.map((x) => (typeof x === 'bigint' ? `${x}n` : x)) : v;
  } catch (e) {
    return { threw: (e as Error).constructor.name, message: (e as Error).message };
  }
}

// ---------------------------------------------------------------------------
// An interpreter: a dispatch loop over `CASES` opcodes read from memory, each
// case acting on locals of every numeric type, calling, storing, returning
// from inside the loop, falling through to the next case, or leaving on a
// step budget. Big enough (> 4,000 bytes) to be split with default sizes.

// wabt fails on much deeper block nesting than this.
const CASES = 120;

function caseCode(k: number): string {
  return `i32.const ${8192 + 4 * k} local.get $x i32.const ${k} i32.add i32.store
    local.get $acc i64.const ${k * 7 + 1} i64.add local.set $acc\n` + caseTail(k);
}

function caseTail(k: number): string {
  switch (k % 7) {
    case 0: return `local.get $acc i64.const 31 i64.mul local.get $x i64.extend_i32_s i64.add local.set $acc br $top`;
    case 1: return `local.get $x i32.const ${k} i32.mul local.get $x call $ext i32.add local.set $x br $top`;
    case 2: return `local.get $y f64.const 1.5 f64.mul local.get $x f64.convert_i32_s f64.add local.set $y
      local.get $acc local.get $y i64.trunc_sat_f64_s i64.add local.set $acc br $top`;
    case 3: return `local.get $x i32.const ${1000 + k} i32.gt_s if local.get $acc i64.const ${k} i64.xor return end
      local.get $x i32.const ${k} i32.add local.set $x br $top`;
    case 4: return `local.get $z f32.const 0.25 f32.add local.get $x f32.convert_i32_s f32.mul local.set $z
      i32.const 4096 local.get $z f32.store i32.const 4100 local.get $x i32.store br $top`;
    case 5: return `local.get $x i32.const ${k} i32.xor local.set $x`; // falls through into the next case
    default: return `local.get $n i32.eqz br_if $done local.get $acc i64.const ${k} i64.rotl local.set $acc br $top`;
  }
}

function interpreterWat(): string {
  const labels = Array.from({ length: CASES }, (_, k) => `$c${k}`);
  let body = '';
  for (let k = CASES - 1; k >= 0; k--) body += `block $c${k}\n`;
  body += `
        local.get $pc i32.load8_u local.set $op
        local.get $pc i32.const 1 i32.add local.set $pc
        local.get $n i32.const 1 i32.sub local.tee $n
        i32.eqz br_if $done
        local.get $op
        br_table ${labels.join(' ')} $exit\n`;
  for (let k = 0; k < CASES; k++) body += `end\n${caseCode(k)}\n`;
  return `(module
  (memory (export "mem") 1)
  (func $ext (param i32) (result i32) local.get 0 i32.const 7 i32.rem_s)
  (func (export "run") (param $pc i32) (param $n i32) (result i64)
    (local $acc i64) (local $x i32) (local $y f64) (local $z f32) (local $op i32)
    block $done
      loop $top
        block $exit
          ${body}
          br $top
        end
        local.get $acc local.get $x i64.extend_i32_u i64.add
        local.get $y i64.trunc_sat_f64_s i64.add
        local.get $z i32.reinterpret_f32 i64.extend_i32_u i64.add
        return
      end
    end
    local.get $acc i64.const -1 i64.xor)
  (func (export "z") (result f32) i32.const 4096 f32.load))`;
}

describe('splitting an interpreter loop', () => {
  const bytes = wat(interpreterWat());
  /** Deterministic programs: opcodes (some beyond the table: the exit case). */
  const programs = Array.from({ length: 12 }, (_, p) => {
    let s = 12345 + p * 977;
    return Array.from({ length: 300 }, () => ((s = (Math.imul(s, 1103515245) + 12345) >>> 0), (s >>> 16) % (CASES + 2)));
  });

  function runAll(exports: Record<string, any>): unknown[] {
    return programs.map((prog, p) => {
      new Uint8Array(exports.mem.buffer).set(prog, 64);
      return [outcome(() => exports.run(64, 40 + p * 30)), outcome(() => exports.z())];
    });
  }
  const want = runAll(native(bytes));

  it('is split with the default sizes, and the results are not all alike', () => {
    expect(bytes.length).toBeGreaterThan(4500);
    expect(pieces(compile(bytes).js)).toBeGreaterThan(20);
    expect(new Set(want.map((w) => JSON.stringify(w))).size).toBeGreaterThan(6);
  });

  for (const [label, options] of [['default sizes', {}], ['everything split', SPLIT_ALL], ['not split', { split: false }]] as const) {
    it(`${label}: same results as native`, () => {
      expect(runAll(ours(bytes, options))).toEqual(want);
    });
  }

  it('keeps the dispatching br_table in the function, not in a piece', () => {
    const js = compile(bytes).js;
    const run = js.slice(js.search(/function f1(_\w*)?\(/), js.indexOf('\n  }\n', js.search(/function f1(_\w*)?\(/)));
    expect(run).toMatch(/switch \(/);
    expect(pieces(js)).toBeGreaterThan(0);
  });
});

// ---------------------------------------------------------------------------
// Cases where splitting must not change what is observable.

describe('split functions keep Wasm semantics', () => {
  const cases: [string, string, [string, unknown[]][]][] = [
    ['a handler sees locals written in its try body before the throw', `(module
      (tag $e (param i32))
      (func $boom (param i32) local.get 0 i32.const 3 i32.gt_s if local.get 0 throw $e end)
      (func (export "f") (param i32) (result i32) (local i32 i32)
        try (result i32)
          i32.const 5 local.set 1
          local.get 0 i32.const 2 i32.mul local.set 2
          local.get 0 call $boom
          i32.const 9 local.set 1
          local.get 1 local.get 2 i32.add
        catch $e
          local.get 1 i32.const 100 i32.mul local.get 2 i32.add i32.add
        end))`, [['f', [1]], ['f', [7]]]],
    ['NaN payloads travel through write-backs and returns', `(module
      (func (export "f") (param i32) (result i32) (local f32 f64)
        local.get 0 f32.reinterpret_i32 local.set 1
        local.get 0 i64.extend_i32_u i64.const 0x7ff0000000000000 i64.or f64.reinterpret_i64 local.set 2
        local.get 1 i32.reinterpret_f32
        local.get 2 i64.reinterpret_f64 i32.wrap_i64 i32.add)
      (func (export "g") (param i32) (result f32) (local f32)
        local.get 0 f32.reinterpret_i32 local.set 1
        block local.get 0 i32.eqz br_if 0 local.get 1 return end
        f32.const 1)
      (func (export "gbits") (param i32) (result i32) local.get 0 call 1 i32.reinterpret_f32))`,
      [['f', [0x7fa00001]], ['f', [0xffc00005 | 0]], ['gbits', [0x7f800001]], ['gbits', [0]]]],
    ['multiple results returned from inside a piece, and i64 locals', `(module
      (func $h (export "h") (param i64 i32) (result i64 i32 f64) (local i64)
        local.get 0 i64.const 3 i64.mul local.set 2
        block
          local.get 1 i32.const 10 i32.lt_s br_if 0
          local.get 2 local.get 1 f64.const 2.5 return
        end
        loop
          local.get 2 i64.const 1 i64.add local.set 2
          local.get 1 i32.const 1 i32.sub local.tee 1
          br_if 0
        end
        local.get 2 i32.const -1 f64.const -0)
      (func (export "sum") (param i64 i32) (result i64)
        local.get 0 local.get 1 call $h drop drop))`,
      [['h', [5n, 3]], ['h', [-9n, 12]], ['sum', [1n << 62n, 20]]]],
    ['a piece that ends unreachable in a function with a result', `(module
      (func (export "f") (param i32) (result i32) (local i32)
        i32.const 4 local.set 1
        local.get 0 if local.get 1 i32.const 3 i32.mul return end
        local.get 0 i32.const 1 i32.add local.set 1
        local.get 1 i32.const 2 i32.shl
        return)
      (func (export "t") (param i32) (result i32)
        local.get 0 i32.const 2 i32.div_u
        block (param i32) (result i32) i32.const 1 i32.add end))`,
      [['f', [0]], ['f', [1]], ['t', [9]]]],
    ['traps inside pieces stay traps', `(module
      (memory 1)
      (func (export "f") (param i32) (result i32) (local i32)
        i32.const 1 local.set 1
        local.get 0 i32.load local.get 1 i32.add local.set 1
        i32.const 10 local.get 0 i32.const 65536 i32.sub i32.div_s local.get 1 i32.add))`,
      [['f', [0]], ['f', [65536]], ['f', [70000]]]],
  ];
  for (const [what, text, calls] of cases) {
    it(what, () => {
      const bytes = wat(text);
      expect(pieces(compile(bytes, SPLIT_ALL).js), 'the test splits something').toBeGreaterThan(0);
      const n = native(bytes);
      const o = ours(bytes, SPLIT_ALL);
      for (const [name, args] of calls) {
        const want = outcome(() => n[name](...args));
        const got = outcome(() => o[name](...args));
        if (typeof want === 'object' && want && 'threw' in want) {
          // Traps: same message kind, our RuntimeError class.
          expect((got as { threw: string }).threw, `${name}(${args})`).toBe('RuntimeError');
        } else {
          expect(got, `${name}(${args})`).toEqual(want);
        }
      }
    });
  }

  it('splits nothing inside a try body', () => {
    const bytes = wat(cases[0][1]);
    const js = compile(bytes, SPLIT_ALL).js;
    const f = js.slice(js.search(/function f1(_\w*)?\(/));
    const tryBody = f.slice(f.indexOf('try {'), f.indexOf('catch'));
    expect(tryBody).not.toMatch(/\$\d+\(/);
  });
});
