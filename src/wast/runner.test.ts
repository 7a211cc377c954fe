import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { runWastSource, type Engine, type FileResult } from './runner.js';
import { makeSpectest } from './spectest.js';
import { defaultEngine } from './suite.js';

const data = (name: string) => readFileSync(fileURLToPath(new URL(`./testdata/${name}`, import.meta.url)));

/**
 * Node's own WebAssembly as an engine: checks the runner's logic independently of
 * the compiler (its modules must not use features Node 20 lacks).
 */
function nativeEngine(): Engine {
  const modules = new Map<string, WebAssembly.Module>();
  return {
    compile(bytes) {
      const key = String(modules.size);
      modules.set(key, new WebAssembly.Module(bytes));
      return { js: key };
    },
    load(js) {
      const m = modules.get(js)!;
      return {
        imports: WebAssembly.Module.imports(m) as never,
        exports: WebAssembly.Module.exports(m) as never,
        instantiateSync(imports?: object) {
          const instance = new WebAssembly.Instance(m, imports as WebAssembly.Imports);
          return { module: { imports: [], exports: [] }, instance: { exports: instance.exports as Record<string, unknown> } };
        },
        instantiate() {
          throw new Error('not used');
        },
      };
    },
  };
}

const nativeSpectest = () =>
  makeSpectest({ classes: { Memory: WebAssembly.Memory, Table: WebAssembly.Table, Global: WebAssembly.Global } });

function failures(r: FileResult): string[] {
  return r.results.filter((a) => a.status !== 'pass').map((a) => `${a.line} ${a.kind} ${a.status}: ${a.reason}`);
}

describe('runner logic (native WebAssembly engine)', () => {
  it('passes every assertion of basic.wast', () => {
    const r = runWastSource(data('basic.wast'), 'basic.wast', nativeEngine(), { spectest: nativeSpectest() });
    expect(failures(r)).toEqual([]);
    expect(r.passed).toBe(40);
  });

  it('reports each wrong expectation of failing.wast as a failure', () => {
    const r = runWastSource(data('failing.wast'), 'failing.wast', nativeEngine(), { spectest: nativeSpectest() });
    const failed = r.results.filter((a) => a.status === 'fail').map((a) => a.line);
    expect(failed).toEqual([8, 9, 10, 11, 12, 13, 14, 15, 16, 17]);
    expect(r.passed).toBe(1); // the first module
  });

  it('checks NaN results and arguments by their bits, as the spec harness does (nan-bits.wast)', () => {
    const r = runWastSource(data('nan-bits.wast'), 'nan-bits.wast', nativeEngine(), { spectest: nativeSpectest() });
    // The verdicts the file's comments give, line by line.
    const want = data('nan-bits.wast').toString().split('\n').flatMap((l, i) => {
      const m = /;; (pass|fail)/.exec(l);
      return m ? [`${i + 1} ${m[1]}`] : [];
    });
    expect(want.length).toBe(17);
    expect(r.results.slice(1).map((a) => `${a.line} ${a.status}`)).toEqual(want);
    expect(r.results.find((a) => a.line === 18)?.reason).toBe('expected f32 nan:arithmetic, got 0x7fa00000');
    expect(r.results.find((a) => a.line === 30)?.reason).toBe('result 0: expected f32 nan:arithmetic, got 0x7fa00000');
  });

  it('skips everything that depends on a module with an unsupported feature', () => {
    const engine = nativeEngine();
    const skipping: Engine = {
      compile(bytes) {
        if (bytes.length > 40) throw new WebAssembly.CompileError('unsupported feature: big modules (at byte offset 8)');
        return engine.compile(bytes);
      },
      load: engine.load,
    };
    const src = new TextEncoder().encode(`
      (module $big (func (export "f") (result i32) (i32.const 1)) (func (export "g") (result i32) (i32.const 2)))
      (assert_return (invoke "f") (i32.const 1))
      (register "big")
      (module (import "big" "f" (func)))
      (assert_trap (invoke $big "g") "x")
      (module (func (export "h")))
      (assert_return (invoke "h"))`);
    const r = runWastSource(src, 'x.wast', skipping, { spectest: nativeSpectest() });
    expect(r.results.map((a) => a.status)).toEqual(['skip', 'skip', 'skip', 'skip', 'skip', 'pass', 'pass']);
    expect(r.results[0].reason).toBe('unsupported feature: big modules');
  });

  it('reports a script that does not parse as one error, not as a failure', () => {
    const r = runWastSource(new TextEncoder().encode('(module\n(func'), 'bad.wast', nativeEngine(), { spectest: nativeSpectest() });
    expect(r.results.map((a) => a.status)).toEqual(['error']);
    expect(r.errors).toBe(1);
    expect(r.failed).toBe(0);
    expect(r.results[0].line).toBe(2); // the innermost unclosed list
    expect(r.results[0].reason).toBe('script does not parse: unclosed (');
  });
});

// The same scripts through the real compiler, once it works end to end.
let realEngine: Engine | undefined;
let realProblem = '';
try {
  realEngine = defaultEngine();
  const probe = realEngine.load(realEngine.compile(new Uint8Array([0, 0x61, 0x73, 0x6d, 1, 0, 0, 0])).js);
  probe.instantiateSync({});
} catch (e) {
  realEngine = undefined;
  realProblem = String((e as Error)?.message ?? e);
}

describe.skipIf(!realEngine)(`runner with the real compiler${realEngine ? '' : ` (skipped: compile not usable yet: ${realProblem})`}`, () => {
  it('passes basic.wast', () => {
    const r = runWastSource(data('basic.wast'), 'basic.wast', realEngine!);
    expect(failures(r)).toEqual([]);
  });

  it('checks trap messages by prefix, not requiring the interpreter\'s trailing element index', () => {
    const src = new TextEncoder().encode(`
      (module (table 2 funcref)
        (func (export "ci") (param i32) (call_indirect (local.get 0)))
        (func (export "u") unreachable))
      (assert_trap (invoke "ci" (i32.const 1)) "uninitialized element 1")
      (assert_trap (invoke "ci" (i32.const 1)) "uninitialized")
      (assert_trap (invoke "ci" (i32.const 5)) "undefined element")
      (assert_trap (invoke "u") "unreachable")
      (assert_trap (invoke "u") "uninitialized element")
      (assert_trap (invoke "ci" (i32.const 1)) "uninitialized element 1 more")
      (assert_trap (module (func $s unreachable) (start $s)) "unreachable")
      (assert_trap (module (func $s unreachable) (start $s)) "out of bounds")`);
    const r = runWastSource(src, 'traps.wast', realEngine!);
    expect(r.results.map((a) => `${a.line} ${a.status}`)).toEqual(['2 pass', '5 pass', '6 pass', '7 pass', '8 pass', '9 fail', '10 fail', '11 pass', '12 fail']);
    expect(r.results[5].reason).toBe('expected trap "uninitialized element", got RuntimeError: unreachable');
  });

  it('checks NaN bits of nan-bits.wast as with the native engine', () => {
    const r = runWastSource(data('nan-bits.wast'), 'nan-bits.wast', realEngine!);
    const native = runWastSource(data('nan-bits.wast'), 'nan-bits.wast', nativeEngine(), { spectest: nativeSpectest() });
    expect(r.results.map((a) => `${a.line} ${a.status} ${a.reason ?? ''}`)).toEqual(native.results.map((a) => `${a.line} ${a.status} ${a.reason ?? ''}`));
  });

  it('fails failing.wast where it should', () => {
    const r = runWastSource(data('failing.wast'), 'failing.wast', realEngine!);
    expect(r.results.filter((a) => a.status === 'fail').map((a) => a.line)).toEqual([8, 9, 10, 11, 12, 13, 14, 15, 16, 17]);
  });
});
