// The runtime's JS-API objects (Memory, Table, Global) against the host's own
// WebAssembly objects. Each scenario is written once against an "api" and run
// twice, on the native classes and on wasm2es's; the two step logs (values, or the
// constructor of what was thrown) must match. Also: the f32 NaN-payload encoding.
import { describe, it, expect } from 'vitest';
import { compile, loadFactory } from '../index.js';
import { runtime, Memory, Table, Global } from './index.js';

const wabt = await (await import('wabt')).default();
type Bytes = Uint8Array<ArrayBuffer>;
function wat2wasm(text: string): Bytes {
  const m = wabt.parseWat('rt.wat', text, { bulk_memory: true, reference_types: true });
  try {
    return new Uint8Array(m.toBinary({}).buffer);
  } finally {
    m.destroy();
  }
}

interface Api {
  name: 'native' | 'ours';
  Memory: any;
  Table: any;
  Global: any;
  instantiate(bytes: Bytes, imports?: object): Record<string, any>;
}
const native: Api = {
  name: 'native',
  Memory: WebAssembly.Memory,
  Table: WebAssembly.Table,
  Global: WebAssembly.Global,
  instantiate: (bytes, imports = {}) => new WebAssembly.Instance(new WebAssembly.Module(bytes), imports as WebAssembly.Imports).exports as Record<string, any>,
};
const ours: Api = {
  name: 'ours',
  Memory,
  Table,
  Global,
  instantiate: (bytes, imports = {}) => loadFactory(compile(bytes, { format: 'factory' }).js).instantiateSync(imports).instance.exports,
};

const f64 = new Float64Array(1);
const u32 = new Uint32Array(f64.buffer);
function enc(v: unknown): unknown {
  if (typeof v === 'number') {
    f64[0] = v;
    return `num:${u32[1].toString(16)}:${u32[0].toString(16)}`;
  }
  if (typeof v === 'bigint') return `${v}n`;
  if (typeof v === 'function') return 'function';
  if (v === undefined) return 'undefined';
  if (v instanceof ArrayBuffer) return `ArrayBuffer(${v.byteLength})`;
  if (Array.isArray(v)) return v.map(enc);
  return v;
}

/** Runs a scenario; each `step` records its value or the kind of error thrown. */
function record(api: Api, scenario: (api: Api, step: (label: string, f: () => unknown) => void) => void): string[] {
  const log: string[] = [];
  const step = (label: string, f: () => unknown) => {
    try {
      log.push(`${label} = ${JSON.stringify(enc(f()))}`);
    } catch (e) {
      log.push(`${label} threw ${(e as Error)?.constructor?.name}`);
    }
  };
  scenario(api, step);
  return log;
}
function same(scenario: (api: Api, step: (label: string, f: () => unknown) => void) => void): void {
  expect(record(ours, scenario)).toEqual(record(native, scenario));
}

describe('Memory', () => {
  it('buffer, grow return value, contents kept, old buffer detached', () => {
    same((api, step) => {
      const m = new api.Memory({ initial: 1, maximum: 3 });
      const b0 = m.buffer;
      step('instanceof ArrayBuffer', () => b0 instanceof ArrayBuffer);
      step('byteLength', () => b0.byteLength);
      step('same buffer twice', () => m.buffer === b0);
      step('toString tag', () => Object.prototype.toString.call(m));
      new Uint8Array(b0)[65535] = 0xab;
      step('grow(1)', () => m.grow(1));
      step('old buffer detached', () => b0.byteLength);
      step('new buffer size', () => m.buffer.byteLength);
      step('content kept', () => new Uint8Array(m.buffer)[65535]);
      step('new page zeroed', () => new Uint8Array(m.buffer)[65536]);
      const b1 = m.buffer;
      step('grow(0)', () => m.grow(0));
      step('buffer after grow(0) is new', () => m.buffer !== b1);
      step('buffer before grow(0) detached', () => b1.byteLength);
      step('grow(2) past maximum', () => m.grow(2));
      step('size unchanged after failed grow', () => m.buffer.byteLength);
      step('grow(1) to maximum', () => m.grow(1));
      step('grow(1) at maximum', () => m.grow(1));
      step('grow(-1)', () => m.grow(-1));
      step('grow("0")', () => m.grow('0'));
      step('grow(0.9)', () => m.grow(0.9));
      step('grow(2**32)', () => m.grow(2 ** 32));
    });
  });

  it('constructor argument checks', () => {
    same((api, step) => {
      step('no descriptor', () => new api.Memory());
      step('missing initial', () => new api.Memory({}).buffer.byteLength);
      step('initial 0', () => new api.Memory({ initial: 0 }).buffer.byteLength);
      step('maximum < initial', () => new api.Memory({ initial: 2, maximum: 1 }));
      step('initial > 65536', () => new api.Memory({ initial: 65537 }));
      step('maximum > 65536', () => new api.Memory({ initial: 1, maximum: 65537 }));
      step('negative initial', () => new api.Memory({ initial: -1 }));
      step('initial "2"', () => new api.Memory({ initial: '2' }).buffer.byteLength);
      step('initial NaN', () => new api.Memory({ initial: NaN }));
      step('initial Infinity', () => new api.Memory({ initial: Infinity }));
      step('call without new', () => (api.Memory as any)({ initial: 1 }));
      step('unbounded grow', () => new api.Memory({ initial: 0 }).grow(3));
    });
  });

  it('an imported memory is shared: growth from either side is seen by the other', () => {
    const bytes = wat2wasm(`(module
      (import "env" "mem" (memory 1 4))
      (func (export "size") (result i32) (memory.size))
      (func (export "grow") (param i32) (result i32) (memory.grow (local.get 0)))
      (func (export "load") (param i32) (result i32) (i32.load (local.get 0)))
      (func (export "store") (param i32 i32) (i32.store (local.get 0) (local.get 1))))`);
    same((api, step) => {
      const mem = new api.Memory({ initial: 1, maximum: 4 });
      const x = api.instantiate(bytes, { env: { mem } });
      const b0 = mem.buffer;
      step('size', () => x.size());
      new DataView(mem.buffer).setInt32(100, -123456, true);
      step('wasm sees JS write', () => x.load(100));
      step('JS grow', () => mem.grow(1));
      step('wasm size after JS grow', () => x.size());
      step('old buffer detached by JS grow', () => b0.byteLength);
      const b1 = mem.buffer;
      step('wasm grow', () => x.grow(1));
      step('old buffer detached by wasm grow', () => b1.byteLength);
      step('JS sees new size', () => mem.buffer.byteLength);
      step('wasm store in new page', () => x.store(3 * 65536 - 4, 0x01020304));
      step('JS reads it', () => new DataView(mem.buffer).getUint32(3 * 65536 - 4, true));
      step('wasm grow past max', () => x.grow(2));
      const b2 = mem.buffer;
      step('wasm grow 0', () => x.grow(0));
      step('byteLength of the buffer from before wasm grow(0)', () => b2.byteLength);
      step('same buffer object after wasm grow(0)', () => mem.buffer === b2);
      step('wasm load OOB', () => x.load(3 * 65536 - 3));
    });
  });

  it('an imported memory with a too-small maximum or size is a LinkError', () => {
    const bytes = wat2wasm(`(module (import "env" "mem" (memory 2 4)))`);
    same((api, step) => {
      step('too small', () => api.instantiate(bytes, { env: { mem: new api.Memory({ initial: 1, maximum: 4 }) } }));
      step('no maximum', () => api.instantiate(bytes, { env: { mem: new api.Memory({ initial: 2 }) } }));
      step('maximum too large', () => api.instantiate(bytes, { env: { mem: new api.Memory({ initial: 2, maximum: 5 }) } }));
      step('fits', () => Object.keys(api.instantiate(bytes, { env: { mem: new api.Memory({ initial: 3, maximum: 3 }) } })).length);
      step('not a memory', () => api.instantiate(bytes, { env: { mem: new ArrayBuffer(65536 * 2) } }));
    });
  });
});

describe('Table', () => {
  const fnBytes = wat2wasm(`(module
    (func (export "one") (result i32) (i32.const 1))
    (func (export "two") (result i32) (i32.const 2))
    (table (export "t") 2 funcref)
    (elem (i32.const 0) func 0))`);

  it('get/set/grow/length with exported functions', () => {
    same((api, step) => {
      const x = api.instantiate(fnBytes);
      const t = new api.Table({ element: 'anyfunc', initial: 2, maximum: 4 });
      step('toString tag', () => Object.prototype.toString.call(t));
      step('length', () => t.length);
      step('get(0) initially', () => t.get(0));
      step('get(2) out of range', () => t.get(2));
      step('get(-1)', () => t.get(-1));
      step('set(0, exported fn)', () => t.set(0, x.one));
      step('get(0) is the same function object', () => t.get(0) === x.one);
      step('call through the table', () => t.get(0)());
      step('set(1, plain JS function)', () => t.set(1, () => 1));
      step('set(1, number)', () => t.set(1, 5));
      step('set(1, object)', () => t.set(1, {}));
      step('set(1, undefined)', () => t.set(1, undefined));
      step('set(1) without value', () => t.set(1));
      step('get(1)', () => t.get(1));
      step('set(2, fn) out of range', () => t.set(2, x.two));
      step('grow(1)', () => t.grow(1));
      step('length after grow', () => t.length);
      step('grow(1, fn)', () => t.grow(1, x.two));
      step('new slot holds init', () => t.get(3) === x.two);
      step('grow(1) past maximum', () => t.grow(1));
      step('grow(1, non-function)', () => new api.Table({ element: 'anyfunc', initial: 0 }).grow(1, 7));
      step('grow(0)', () => t.grow(0));
      step('exported table get(0)', () => x.t.get(0) === x.one);
      step('exported table get(1)', () => x.t.get(1));
      step('exported table set from another instance', () => x.t.set(1, t.get(3)));
      step('exported table get(1) after set', () => x.t.get(1)());
      step('exported table grow', () => x.t.grow(2, x.one));
      step('exported table length', () => x.t.length);
    });
  });

  it('constructor argument checks and externref tables', () => {
    same((api, step) => {
      step('bad element type', () => new api.Table({ element: 'i32', initial: 1 }));
      step('missing initial', () => new api.Table({ element: 'anyfunc' }).length);
      step('maximum < initial', () => new api.Table({ element: 'anyfunc', initial: 2, maximum: 1 }));
      step('initial with plain function value', () => new api.Table({ element: 'anyfunc', initial: 1 }, () => 0));
      const e = new api.Table({ element: 'externref', initial: 2 });
      step('externref default', () => e.get(0));
      const obj = { a: 1 };
      step('externref set', () => e.set(0, obj));
      step('externref identity', () => e.get(0) === obj);
      step('externref set null', () => e.set(1, null));
      step('externref get null', () => e.get(1));
      step('externref set without value', () => e.set(1));
      step('externref after set without value', () => e.get(1));
      step('externref grow with value', () => e.grow(1, 'str'));
      step('externref grown slot', () => e.get(2));
    });
  });

  it('a table imported by a module: JS changes are seen by call_indirect', () => {
    const bytes = wat2wasm(`(module
      (import "env" "t" (table 2 funcref))
      (type $r (func (result i32)))
      (func (export "call") (param i32) (result i32) (call_indirect (type $r) (local.get 0)))
      (func (export "size") (result i32) (table.size 0)))`);
    same((api, step) => {
      const f = api.instantiate(fnBytes);
      const t = new api.Table({ element: 'anyfunc', initial: 2 });
      const x = api.instantiate(bytes, { env: { t } });
      step('call null slot', () => x.call(0));
      t.set(0, f.two);
      step('call after JS set', () => x.call(0));
      step('grow from JS', () => t.grow(3, f.one));
      step('wasm sees size', () => x.size());
      step('call grown slot', () => x.call(4));
      step('call past end', () => x.call(5));
    });
  });
});

describe('Global', () => {
  it('i32/f32/f64 values and conversions', () => {
    same((api, step) => {
      const g = new api.Global({ value: 'i32', mutable: true }, 42);
      step('toString tag', () => Object.prototype.toString.call(g));
      step('value', () => g.value);
      step('valueOf', () => g.valueOf());
      step('set 2**32 + 5', () => (g.value = 2 ** 32 + 5));
      step('after wrap', () => g.value);
      step('set "12abc"', () => (g.value = '12abc'));
      step('after string', () => g.value);
      step('set -1.9', () => (g.value = -1.9));
      step('after -1.9', () => g.value);
      step('set BigInt', () => (g.value = 1n));
      step('after BigInt attempt', () => g.value);
      step('default i32', () => new api.Global({ value: 'i32' }).value);
      step('f32 rounding', () => new api.Global({ value: 'f32' }, 0.1).value);
      step('f32 overflow', () => new api.Global({ value: 'f32' }, 1e39).value);
      step('f32 -0', () => new api.Global({ value: 'f32' }, -0).value);
      step('f64 value', () => new api.Global({ value: 'f64' }, 0.1).value);
      step('f64 from string', () => new api.Global({ value: 'f64' }, '1e3').value);
      step('f64 NaN', () => new api.Global({ value: 'f64' }, NaN).value);
      step('bad type', () => new api.Global({ value: 'v129' }, 0));
      step('no descriptor', () => new api.Global());
      step('mutable truthy string', () => {
        const m = new api.Global({ value: 'i32', mutable: 'yes' }, 1);
        m.value = 2;
        return m.value;
      });
    });
  });

  it('immutable globals refuse assignment with a TypeError', () => {
    same((api, step) => {
      const g = new api.Global({ value: 'i32' }, 7);
      step('set', () => (g.value = 8));
      step('unchanged', () => g.value);
      const h = new api.Global({ value: 'i64', mutable: false }, 7n);
      step('set i64', () => (h.value = 8n));
      step('unchanged i64', () => h.value);
    });
    // And the error really is a TypeError (not just the same constructor name).
    expect(() => {
      const g = new Global({ value: 'f64' }, 1);
      g.value = 2;
    }).toThrow(TypeError);
  });

  it('i64 values cross as BigInt, with ToBigInt64 wrapping', () => {
    same((api, step) => {
      const g = new api.Global({ value: 'i64', mutable: true }, 5n);
      step('value', () => g.value);
      step('typeof', () => typeof g.value);
      step('valueOf', () => g.valueOf());
      step('set 2**64 + 3', () => (g.value = 2n ** 64n + 3n));
      step('wrapped', () => g.value);
      step('set 2**63', () => (g.value = 2n ** 63n));
      step('wrapped to min', () => g.value);
      step('set -1', () => (g.value = -1n));
      step('-1', () => g.value);
      step('set Number', () => (g.value = 5));
      step('after Number attempt', () => g.value);
      step('set string', () => (g.value = '77'));
      step('after string', () => g.value);
      step('set true', () => (g.value = true));
      step('after true', () => g.value);
      step('set bad string', () => (g.value = 'x'));
      step('set object whose valueOf is a Number', () => (g.value = { valueOf: () => 5 }));
      step('after object attempt', () => g.value);
      step('set object whose valueOf is a BigInt', () => (g.value = { valueOf: () => 6n }));
      step('after BigInt object', () => g.value);
      step('ctor with Number', () => new api.Global({ value: 'i64' }, 5));
      step('ctor default', () => new api.Global({ value: 'i64' }).value);
      step('ctor undefined', () => new api.Global({ value: 'i64' }, undefined).value);
    });
  });

  it('globals shared with a module (import/export, mutable and not)', () => {
    const bytes = wat2wasm(`(module
      (import "env" "m" (global $m (mut i64)))
      (import "env" "c" (global $c f32))
      (global $e (export "e") (mut f64) (f64.const 0.5))
      (func (export "inc") (global.set $m (i64.add (global.get $m) (i64.const 1))))
      (func (export "get_m") (result i64) (global.get $m))
      (func (export "get_c") (result f32) (global.get $c))
      (func (export "get_e") (result f64) (global.get $e)))`);
    same((api, step) => {
      const m = new api.Global({ value: 'i64', mutable: true }, 9223372036854775807n);
      const x = api.instantiate(bytes, { env: { m, c: 0.1 } });
      step('inc wraps', () => x.inc());
      step('JS sees', () => m.value);
      m.value = 41n;
      step('wasm sees', () => x.get_m());
      step('immutable import from a number', () => x.get_c());
      step('exported global value', () => x.e.value);
      step('exported global set', () => (x.e.value = -0));
      step('wasm sees export set', () => x.get_e());
      step('exported global kind', () => x.e instanceof api.Global);
      step('mutable import given a number', () => api.instantiate(bytes, { env: { m: 1n, c: 0 } }));
      step('immutable import given a BigInt for f32', () => api.instantiate(bytes, { env: { m, c: 1n } }));
      step('type mismatch', () => api.instantiate(bytes, { env: { m: new api.Global({ value: 'i32', mutable: true }, 0), c: 0 } }));
      step('mutability mismatch', () => api.instantiate(bytes, { env: { m: new api.Global({ value: 'i64' }, 0n), c: 0 } }));
    });
  });
});

describe('instantiation and host calls', () => {
  it('import resolution errors: TypeError for a bad import object, LinkError for a bad import', () => {
    const bytes = wat2wasm(`(module
      (import "env" "f" (func (param i32)))
      (import "env" "g" (global i32))
      (import "env" "m" (memory 1))
      (import "env" "t" (table 1 funcref)))`);
    same((api, step) => {
      const ok = () => ({ f: () => {}, g: 1, m: new api.Memory({ initial: 1 }), t: new api.Table({ element: 'anyfunc', initial: 1 }) });
      step('all good', () => Object.keys(api.instantiate(bytes, { env: ok() })).length);
      step('no import object', () => api.instantiate(bytes, undefined));
      step('import object is a number', () => api.instantiate(bytes, 5 as unknown as object));
      step('module missing', () => api.instantiate(bytes, {}));
      step('module is a primitive', () => api.instantiate(bytes, { env: 1 }));
      step('function missing', () => api.instantiate(bytes, { env: { ...ok(), f: undefined } }));
      step('function not callable', () => api.instantiate(bytes, { env: { ...ok(), f: {} } }));
      step('global is a string', () => api.instantiate(bytes, { env: { ...ok(), g: '1' } }));
      step('global is a BigInt', () => api.instantiate(bytes, { env: { ...ok(), g: 1n } }));
      step('memory is a table', () => api.instantiate(bytes, { env: { ...ok(), m: ok().t } }));
      step('table is a memory', () => api.instantiate(bytes, { env: { ...ok(), t: ok().m } }));
      step('table of externref', () => api.instantiate(bytes, { env: { ...ok(), t: new api.Table({ element: 'externref', initial: 1 }) } }));
      step('getters run once, in order', () => {
        const log: string[] = [];
        const env = ok();
        const proxy = new Proxy(env, { get: (o, k) => (log.push(String(k)), (o as any)[k]) });
        api.instantiate(bytes, { env: proxy });
        return log.join(',');
      });
    });
  });

  it('exported functions: name, length, identity', () => {
    const bytes = wat2wasm(`(module
      (func $a (export "a") (export "a2") (param i32 i64 f32) (result i32) (local.get 0))
      (func (export "b"))
      (table (export "t") 1 funcref) (elem (i32.const 0) func $a))`);
    same((api, step) => {
      const x = api.instantiate(bytes);
      step('name', () => x.a.name);
      step('length', () => x.a.length);
      step('b name', () => x.b.name);
      step('b length', () => x.b.length);
      step('same object under two names', () => x.a === x.a2);
      step('same object from the table', () => x.t.get(0) === x.a);
      step('exports object frozen', () => Object.isFrozen(x));
      step('exports prototype', () => Object.getPrototypeOf(x));
      step('call with too few args', () => x.a());
      step('call with BigInt for i32', () => x.a(1n, 2n, 3));
      step('call with Number for i64', () => x.a(1, 2, 3));
      step('b returns', () => x.b());
      step('new on export', () => new x.a(1, 2n, 3));
    });
  });

  it('start function, and segments that do not fit at instantiation', () => {
    const start = wat2wasm(`(module
      (import "env" "mem" (memory 1))
      (global (export "g") (mut i32) (i32.const 0))
      (func $s (global.set 0 (i32.const 77)) (i32.store (i32.const 8) (i32.const 0x01020304)))
      (start $s))`);
    const badData = wat2wasm(`(module
      (import "env" "mem" (memory 1))
      (data (i32.const 0) "ok")
      (data (i32.const 65535) "no"))`);
    const badElem = wat2wasm(`(module
      (import "env" "t" (table 2 funcref))
      (func $f)
      (elem (i32.const 0) func $f)
      (elem (i32.const 1) func $f $f))`);
    const trapStart = wat2wasm(`(module (func $s (unreachable)) (start $s))`);
    same((api, step) => {
      const mem = new api.Memory({ initial: 1 });
      step('start ran', () => api.instantiate(start, { env: { mem } }).g.value);
      step('start wrote memory', () => new DataView(mem.buffer).getUint32(8, true));
      const mem2 = new api.Memory({ initial: 1 });
      step('data segment out of range', () => api.instantiate(badData, { env: { mem: mem2 } }));
      step('earlier segment written', () => new Uint8Array(mem2.buffer, 0, 2).join(','));
      step('failing segment not written', () => new Uint8Array(mem2.buffer)[65535]);
      const t = new api.Table({ element: 'anyfunc', initial: 2 });
      step('elem segment out of range', () => api.instantiate(badElem, { env: { t } }));
      step('earlier elem written', () => typeof t.get(0));
      step('failing elem not written', () => t.get(1));
      step('trapping start', () => api.instantiate(trapStart));
    });
  });

  it('host functions: thrown exceptions pass through, results are converted', () => {
    const bytes = wat2wasm(`(module
      (import "env" "f" (func $f (param i32) (result i32)))
      (import "env" "j" (func $j (result i64)))
      (global (export "after") (mut i32) (i32.const 0))
      (func (export "call") (param i32) (result i32)
        (call $f (local.get 0))
        (global.set 0 (i32.const 1)))
      (func (export "callj") (result i64) (call $j)))`);
    same((api, step) => {
      const marker = new Error('from host');
      let mode = 0;
      const x = api.instantiate(bytes, {
        env: {
          f: (v: number) => {
            if (mode === 0) throw marker;
            if (mode === 1) return 2 ** 33 + 0.5 + v;
            if (mode === 2) return 5n;
            return { valueOf: () => 17 };
          },
          j: () => (mode === 0 ? 1 : mode === 1 ? 2n ** 64n - 1n : 'abc'),
        },
      });
      step('throw passes through unchanged', () => {
        try {
          x.call(1);
          return 'no throw';
        } catch (e) {
          return e === marker;
        }
      });
      step('code after the call did not run', () => x.after.value);
      mode = 1;
      step('Number result ToInt32', () => x.call(3));
      step('BigInt wraps', () => x.callj());
      mode = 2;
      step('BigInt for i32 result', () => x.call(0));
      step('string for i64 result', () => x.callj());
      mode = 3;
      step('object with valueOf', () => x.call(0));
      mode = 0;
      step('Number for i64 result', () => x.callj());
    });
  });
  it('identity of re-exported imports and of things exported twice', () => {
    const inner = wat2wasm(`(module (func (export "f") (result i32) (i32.const 3)))`);
    const outer = wat2wasm(`(module
      (import "env" "f" (func $f (result i32)))
      (import "env" "js" (func $js (result i32)))
      (export "f_again" (func $f))
      (export "js_again" (func $js))
      (export "js_twice" (func $js))
      (memory (export "m1") (export "m2") 1)
      (global (export "g1") (export "g2") (mut i32) (i32.const 0)))`);
    same((api, step) => {
      const a = api.instantiate(inner);
      const js = () => 4;
      const x = api.instantiate(outer, { env: { f: a.f, js } });
      step('re-exported Wasm function is the same object', () => x.f_again === a.f);
      step('re-exported JS function is wrapped', () => x.js_again === js);
      step('the wrapper is one object', () => x.js_again === x.js_twice);
      step('the wrapper calls through', () => x.js_again());
      step('memory exported twice', () => x.m1 === x.m2);
      // (Not compared: whether a global exported twice is one object. The JS API
      // caches Global objects per address, but V8 on Node 20 makes a new one per
      // export, so the native run is no oracle for it.)
    });
  });

  it('a re-exported JS function gets exactly the Wasm parameters, whatever JS passes', () => {
    const bytes = wat2wasm(`(module
      (import "env" "f0" (func $f0 (result i32)))
      (import "env" "f1" (func $f1 (param f64) (result i32)))
      (import "env" "f2" (func $f2 (param i32 i32) (result i32)))
      (import "env" "f3" (func $f3 (param i32 f64 i32) (result i32)))
      (import "env" "f5" (func $f5 (param i32 i32 i32 i32 i32) (result i32)))
      (export "f0" (func $f0)) (export "f1" (func $f1)) (export "f2" (func $f2))
      (export "f3" (func $f3)) (export "f5" (func $f5)))`);
    same((api, step) => {
      const seen: string[] = [];
      const rec = function (...args: unknown[]) {
        seen.push(`${args.length}:${args.map(String).join(',')}`);
        return args.length;
      };
      const x = api.instantiate(bytes, { env: { f0: rec, f1: rec, f2: rec, f3: rec, f5: rec } });
      for (const name of ['f0', 'f1', 'f2', 'f3', 'f5']) {
        step(`${name}()`, () => x[name]());
        step(`${name}(1.5, "7")`, () => x[name](1.5, '7'));
        step(`${name}(1, 2, 3, 4, 5, 6, 7)`, () => x[name](1, 2, 3, 4, 5, 6, 7));
      }
      step('what the JS function saw', () => seen.join(' | '));
    });
  });

  it('argument conversions happen left to right, and stop at the first error', () => {
    const bytes = wat2wasm(`(module (func (export "f") (param i32 i64 f64) (result f64)
      (f64.add (f64.convert_i32_s (local.get 0)) (f64.add (f64.convert_i64_s (local.get 1)) (local.get 2)))))`);
    same((api, step) => {
      const x = api.instantiate(bytes);
      const log: string[] = [];
      const v = (name: string, val: unknown) => ({ valueOf: () => (log.push(name), val) });
      step('call', () => x.f(v('a', 1), { [Symbol.toPrimitive]: () => (log.push('b'), 2n) }, v('c', 0.5)));
      step('order', () => log.join(','));
      log.length = 0;
      step('call with a bad i64', () => x.f(v('a', 1), v('b', 2), v('c', 3)));
      step('order after error', () => log.join(','));
    });
  });

  it('a host function returning several values', () => {
    const bytes = wat2wasm(`(module
      (import "env" "pair" (func $pair (result i32 f64)))
      (func (export "g") (result i32 f64) (call $pair)))`);
    same((api, step) => {
      let ret: unknown = [7, 2.5];
      const x = api.instantiate(bytes, { env: { pair: () => ret } });
      step('array', () => x.g());
      ret = new Set([8, 1.5]);
      step('any iterable', () => x.g());
      ret = (function* () { yield '9'; yield '0.25'; })();
      step('generator with strings', () => x.g());
      ret = [1];
      step('too few', () => x.g());
      ret = [1, 2, 3];
      step('too many', () => x.g());
      ret = 5;
      step('not iterable', () => x.g());
    });
  });
});

describe('f32 NaN payload encoding', () => {
  // Bit patterns by class. The expected result of a round trip is the input itself.
  const classes: Record<string, number[]> = {
    'signaling NaN': [0x7f800001, 0x7f800002, 0x7fa00000, 0x7fbfffff, 0x7f812345, 0x7f800008],
    'quiet NaN': [0x7fc00000, 0x7fc00001, 0x7fe00000, 0x7fffffff, 0x7fc12345, 0x7fc00007],
    'negative NaN': [0xff800001, 0xffa00000, 0xffbfffff, 0xffc00000, 0xffc00001, 0xffffffff],
    'not NaN': [0, 0x80000000, 0x7f800000, 0xff800000, 1, 0x807fffff, 0x3f800000, 0x7f7fffff, 0x00800000],
  };
  const f32 = new Float32Array(1);
  const b32 = new Uint32Array(f32.buffer);
  const hw = (bits: number) => {
    b32[0] = bits;
    return f32[0]; // the engine's own f32 -> f64 conversion
  };
  const bitsOf64 = (x: number) => {
    f64[0] = x;
    return `${u32[1].toString(16)}:${u32[0].toString(16)}`;
  };

  for (const [cls, list] of Object.entries(classes)) {
    it(`${cls}: f32ToBits(f32FromBits(b)) === b`, () => {
      for (const b of list) {
        const x = runtime.f32FromBits(b);
        expect(runtime.f32ToBits(x).toString(16), `bits ${b.toString(16)}`).toBe((b >>> 0).toString(16));
        // Also through the signed-int32 spelling compiled code uses.
        expect(runtime.f32ToBits(runtime.f32FromBits(b | 0)) >>> 0).toBe(b >>> 0);
        // NaN-ness is preserved; non-NaN values are the exact f32 value.
        expect(Number.isNaN(x)).toBe(Number.isNaN(hw(b)));
        if (!Number.isNaN(x)) expect(Object.is(x, hw(b))).toBe(true);
      }
    });
  }

  it('quiet NaNs read as the same double the engine makes of them', () => {
    for (const b of [...classes['quiet NaN'], 0xffc00000, 0xffc00001, 0xffffffff]) {
      expect(bitsOf64(runtime.f32FromBits(b)), b.toString(16)).toBe(bitsOf64(hw(b)));
    }
  });

  it('a NaN made by JS arithmetic maps to the f32 NaN the engine stores for it', () => {
    for (const x of [NaN, 0 / 0, Math.sqrt(-1), Number('x')]) {
      f32[0] = x;
      expect(runtime.f32ToBits(x) >>> 0).toBe(b32[0]);
    }
  });

  it('10,000 random bit patterns round-trip (seeded)', () => {
    let s = 0x2026;
    const next = () => ((s = (Math.imul(s, 1103515245) + 12345) >>> 0), s);
    for (let i = 0; i < 10000; i++) {
      let b = (next() ^ (next() << 16)) >>> 0;
      if (i % 2) b = (b | 0x7f800000) >>> 0; // half of them NaN or infinity
      expect(runtime.f32ToBits(runtime.f32FromBits(b)) >>> 0, b.toString(16)).toBe(b);
    }
  });

  it('agrees with native code on f32 NaN bits through reinterpret, memory and neg', () => {
    const bytes = wat2wasm(`(module (memory 1)
      (func (export "rt") (param i32) (result i32) (i32.reinterpret_f32 (f32.reinterpret_i32 (local.get 0))))
      (func (export "mem") (param i32) (result i32)
        (f32.store (i32.const 0) (f32.reinterpret_i32 (local.get 0)))
        (i32.reinterpret_f32 (f32.load (i32.const 0))))
      (func (export "neg") (param i32) (result i32) (i32.reinterpret_f32 (f32.neg (f32.reinterpret_i32 (local.get 0))))))`);
    same((api, step) => {
      const x = api.instantiate(bytes);
      for (const list of Object.values(classes)) {
        for (const b of list) {
          step(`rt ${b.toString(16)}`, () => x.rt(b));
          step(`mem ${b.toString(16)}`, () => x.mem(b));
          step(`neg ${b.toString(16)}`, () => x.neg(b));
        }
      }
    });
  });

  it('f64 bits round-trip through f64FromBits/f64ToBits, NaNs included', () => {
    for (const b of [0x7ff0000000000001n, 0x7ff8000000000000n, -1n, -0x8000000000000000n, 0x7ff4000000000000n, 0n, 1n]) {
      expect(runtime.f64ToBits(runtime.f64FromBits(b))).toBe(b);
    }
  });
});
