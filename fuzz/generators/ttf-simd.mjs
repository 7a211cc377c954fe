// Generator 3: binaryen's translate-to-fuzz with fixed-width SIMD on top of
// ttf.mjs's features (the same seeds give other modules than `ttf`, whose
// modules stay as they were). Relaxed SIMD is left out: its instructions may
// give different (all allowed) results on different engines, and the native
// engine is the oracle here; the spec tests cover them (conformance:simd).
//
// v128 values cannot cross the JS API (a TypeError in both engines), so on
// their own the modules would show few v128 values to compare. Each module is
// therefore rewritten (with binaryen's API) so that they reach the log:
//  - the import `fuzzing-support.log-v128` becomes a Wasm function that logs
//    the value's four i32 lanes through `log-i32` (a lane that is part of a
//    float NaN is logged as a NaN: see logLanes);
//  - an exported function with v128 in its type is exported through a wrapper
//    without v128: it passes fixed v128 constants for v128 parameters and logs
//    a v128 result's lanes (functions with several results keep their export,
//    and a call from JS stays the TypeError both engines agree on).
import { FEATURES, generateWith } from './ttf.mjs';

export const name = 'ttf-simd';

let binaryen;

/** The v128 constants passed for v128 parameters: lane patterns that meet edge cases. */
const ARGS = [
  [0x7fffffff, -0x80000000, 1, -1],
  [0x7fc00000, 0x80000000, 0x3f800000, 0x00800001],
  [0x00ff00ff, 0x80007fff, 0x7f80ff01, 0],
];

export async function generate(seed) {
  const bytes = await generateWith(seed, [...FEATURES, '--enable-simd']);
  binaryen ??= (await import('binaryen')).default;
  return exposeV128(bytes);
}

function exposeV128(bytes) {
  const b = binaryen;
  const m = b.readBinary(bytes);
  try {
    // The features the module was made with (ttf.mjs FEATURES and SIMD), so it is written as made.
    const F = b.Features;
    m.setFeatures(F.MutableGlobals | F.NontrappingFPToInt | F.SIMD128 | F.BulkMemory | F.BulkMemoryOpt | F.SignExt
      | F.ExceptionHandling | F.TailCall | F.ReferenceTypes | F.Multivalue | F.ExtendedConst | F.MultiMemory);
    const logs = {};
    /** The function importing fuzzing-support.log-<t> (imported when the module does not). */
    const logger = (t, type) => {
      if (logs[t]) return logs[t];
      for (let i = 0; i < m.getNumFunctions(); i++) {
        const f = b.getFunctionInfo(m.getFunctionByIndex(i));
        if (f.module === 'fuzzing-support' && f.base === `log-${t}` && !f.body) return (logs[t] = f.name);
      }
      m.addFunctionImport(`$log-${t}$simd`, 'fuzzing-support', `log-${t}`, type, b.none);
      return (logs[t] = `$log-${t}$simd`);
    };
    /**
     * Statements logging the four i32 lanes of the v128 in local `l`. A lane
     * that is (part of) a float NaN, as an f32 or in an f64, is logged as a NaN
     * instead: which NaN an operation gives is the engine's choice (the spec
     * allows several; V8's JIT and the hardware pick operands differently),
     * and the harness prints every NaN alike.
     */
    const logLanes = (l) => [0, 1, 2, 3].map((k) => {
      const v = () => m.local.get(l, b.v128);
      const lane = () => m.i32x4.extract_lane(v(), k);
      const f32 = () => m.f32.reinterpret(lane());
      const f64 = () => m.f64x2.extract_lane(v(), k >> 1);
      const nan = m.i32.or(m.f32.ne(f32(), f32()), m.f64.ne(f64(), f64()));
      return m.if(nan, m.call(logger('f32', b.f32), [m.f32.const(NaN)], b.none), m.call(logger('i32', b.i32), [lane()], b.none));
    });

    // log-v128 -> four log-i32.
    for (let i = 0; i < m.getNumFunctions(); i++) {
      const f = b.getFunctionInfo(m.getFunctionByIndex(i));
      if (f.module !== 'fuzzing-support' || f.base !== 'log-v128') continue;
      m.removeFunction(f.name);
      m.addFunction(f.name, b.createType([b.v128]), b.none, [], m.block(null, logLanes(0)));
      break;
    }

    // Exports with v128 in their type -> wrappers without.
    const exports = [];
    for (let i = 0; i < m.getNumExports(); i++) exports.push(b.getExportInfo(m.getExportByIndex(i)));
    let k = 0;
    for (const e of exports) {
      if (e.kind !== b.ExternalFunction) continue;
      const f = b.getFunctionInfo(m.getFunction(e.value));
      const params = b.expandType(f.params);
      const results = b.expandType(f.results);
      if (!params.includes(b.v128) && !results.includes(b.v128)) continue;
      if (results.length > 1) continue;
      const outer = params.filter((t) => t !== b.v128);
      let p = 0;
      let c = 0;
      const args = params.map((t) => (t === b.v128 ? m.v128.const(v128Bytes(ARGS[c++ % ARGS.length])) : m.local.get(p++, t)));
      const call = m.call(f.name, args, f.results);
      const name = `$simd-export-${k++}`;
      if (results[0] === b.v128) {
        const tmp = outer.length;
        m.addFunction(name, b.createType(outer), b.none, [b.v128], m.block(null, [m.local.set(tmp, call), ...logLanes(tmp)]));
      } else {
        m.addFunction(name, b.createType(outer), f.results, [], call);
      }
      m.removeExport(e.name);
      m.addFunctionExport(name, e.name);
    }
    // Not m.validate(): binaryen 132 reports `ref.func` of an import as an
    // inexact reference here even for modules it generated; both engines
    // validate the module anyway (and would agree on a CompileError).
    return m.emitBinary();
  } finally {
    m.dispose();
  }
}

function v128Bytes(lanes) {
  const out = new Uint8Array(16);
  const dv = new DataView(out.buffer);
  lanes.forEach((x, i) => dv.setInt32(4 * i, x, true));
  return [...out];
}
