// The differential harness: runs one module on one engine and returns a log (an
// array of strings) of everything JS can observe. The runner calls it once with
// native WebAssembly (Node 24) and once with wasm2es (Node 20), and compares the
// two logs line by line; both go through exactly this code, so any difference is
// a difference between the engines.
//
//   runModule(bytes, engine) -> string[]
//
//   engine = {
//     instantiate(bytes, imports) -> exports object   (synchronous)
//     Tag, Exception, JSTag, Global, RuntimeError      (the engine's JS API classes)
//     decodeModule                                     (the project's decoder, the
//                                                       same one for both engines)
//   }
//
// What the log holds (fuzz/README.md has the import contract):
//   - every import call, with its arguments;
//   - instantiation's outcome;
//   - for each exported function, in export order: the arguments it is called
//     with, then its result, its trap, or the exception that escaped;
//   - at the end, the value of every exported global, the size and a hash of
//     every exported memory, and the entries of every exported table.
//
// Values are printed by their Wasm type where the harness knows it (from the
// module's own type section, decoded with the project's decoder). Every NaN is
// printed as "nan": the spec leaves the sign and payload of an arithmetic NaN
// open, and a NaN's bits are not visible to JS without going through an engine's
// own conversion anyway. Nothing engine-worded goes into the log: traps are
// reduced to a class (TRAP_CLASSES), other errors to their constructor name,
// unless the harness itself made the error (then its message is ours).

/** Most log lines kept per module; both engines stop recording at the same line. */
export const MAX_LINES = 20_000;

// Trap messages of V8 and of wasm2es (the spec interpreter's wording), reduced to
// the classes both can tell apart. V8 folds some traps together (a null table
// entry and a signature mismatch are one message), so the classes are as coarse
// as V8's messages; a message matching no class is logged verbatim, which makes
// the case fail until the table learns it.
const TRAP_CLASSES = [
  ['unreachable', /unreachable/],
  ['divide by zero', /divide by zero|remainder by zero/],
  ['integer overflow', /integer overflow|divide result unrepresentable|float unrepresentable in integer range|invalid conversion to integer/],
  ['memory out of bounds', /out of bounds memory access|memory access out of bounds|data segment out of bounds|data segment has been dropped/],
  ['table out of bounds', /out of bounds table access|table index is out of bounds|element segment out of bounds|table access out of bounds|undefined element|table element segment has been dropped/],
  ['indirect call', /indirect call type mismatch|uninitialized element|null function or function signature mismatch|function signature mismatch/],
  ['null reference', /null (exception |function |)reference|dereferencing a null pointer|rethrowing null value/],
];

function trapClass(message) {
  for (const [name, re] of TRAP_CLASSES) if (re.test(message)) return name;
  return `? ${JSON.stringify(message)}`;
}

// Value types by their binary code (the decoder's ValType numbers).
const VAL_NAMES = new Map([
  [0x7f, 'i32'],
  [0x7e, 'i64'],
  [0x7d, 'f32'],
  [0x7c, 'f64'],
  [0x7b, 'v128'],
  [0x70, 'funcref'],
  [0x6f, 'externref'],
  [0x69, 'exnref'],
]);

/** A printable name for a decoded value type; typed references become 'ref'. */
function typeName(t) {
  return VAL_NAMES.get(t) ?? 'ref';
}

// Arguments, by type and position: a fixed list per type, walked from a different
// start for each call (the harness counts its calls), so the same module always
// gets the same calls while different calls see different values. Boundary values first: they are what
// lowering gets wrong (sign, wrap-around, -0, NaN, infinities, denormals).
const ARGS = {
  i32: [0, 1, -1, 42, 0x7fffffff, -0x80000000, 65535, 7],
  i64: [0n, 1n, -1n, 42n, 0x7fffffffffffffffn, -0x8000000000000000n, 0x100000000n, 7n],
  f32: [0, 1.5, -0, -3.25, Infinity, NaN, 1e-40, 16777217],
  f64: [0, 1.5, -0, -3.25, -Infinity, NaN, 5e-324, 2 ** 53 + 1],
  externref: [null, 'ext', 0],
};

export function argsFor(paramTypes, salt) {
  return paramTypes.map((t, k) => {
    const list = ARGS[t];
    if (!list) return null; // funcref, exnref, typed refs: null is the only value JS can always pass
    return list[(salt + k) % list.length];
  });
}

/**
 * Runs the module: instantiates it with the harness's imports, calls every
 * exported function in export order, and returns the log.
 */
export function runModule(bytes, engine) {
  const lines = [];
  let dropped = 0;
  const log = (s) => {
    if (lines.length < MAX_LINES) lines.push(s);
    else dropped++;
  };
  const finish = () => {
    if (dropped) lines.push(`(${dropped} more lines not recorded)`);
    return lines;
  };

  let mod;
  try {
    mod = engine.decodeModule(bytes);
  } catch (e) {
    // Not an engine difference: the runner reports every "harness error" line as
    // a failure even when both logs have it.
    log(`harness error: decoding the module: ${e && e.message}`);
    return finish();
  }
  const sig = (typeIdx) => {
    const t = mod.types[typeIdx];
    return { params: t.params.map(typeName), results: t.results.map(typeName) };
  };

  // --- Identities: objects are printed by what they are to the harness. -------
  let exports = null;
  /** exported function object -> export name */
  const exportedFuncs = new Map();
  /** tag object -> printable name (exported tags by export name, host tags by role) */
  const tagNames = new Map();
  /** [tag, name, param type names] for identifying exceptions */
  const knownTags = [];
  /** host functions of the import object -> import name */
  const hostFuncs = new Map();
  /** exception objects and harness-made errors, numbered in order of first sight */
  const seen = new Map();
  const ident = (v) => {
    if (!seen.has(v)) seen.set(v, seen.size + 1);
    return seen.get(v);
  };
  /** errors the harness threw itself: their messages are ours, so they may be logged */
  const ownErrors = new WeakSet();

  function fmtNumber(v) {
    if (Number.isNaN(v)) return 'nan';
    if (Object.is(v, -0)) return '-0';
    return String(v);
  }

  function fmtAny(v) {
    switch (typeof v) {
      case 'undefined':
        return 'undefined';
      case 'number':
        return fmtNumber(v);
      case 'bigint':
        return `${v}n`;
      case 'string':
        return JSON.stringify(v.length > 100 ? `${v.slice(0, 100)}...` : v);
      case 'boolean':
        return String(v);
      case 'function':
        if (exportedFuncs.has(v)) return `func ${JSON.stringify(exportedFuncs.get(v))}`;
        if (hostFuncs.has(v)) return `host func ${hostFuncs.get(v)}`;
        // The JS API names an exported function after its index in the module's
        // function index space. For an imported host function handed back by
        // Wasm the index is the engine's choice (V8: the import's index in this
        // module; wasm2es: 0), so those are not told apart.
        return definedIndex(v) >= 0 ? `func #${v.name}` : 'func (host)';
      case 'object':
        if (v === null) return 'null';
        if (Array.isArray(v)) return `[${v.map(fmtAny).join(', ')}]`;
        if (v instanceof engine.Exception) return describeException(v);
        if (tagNames.has(v)) return `tag ${tagNames.get(v)}`;
        if (v instanceof Error) return describeError(v);
        return 'object';
      default:
        return typeof v;
    }
  }

  /** A value of a known Wasm type; a value of the wrong JS type is printed as such. */
  function fmtTyped(v, t) {
    switch (t) {
      case 'i32':
        // fmtNumber, not String: an i32 that came out as -0 or a fraction is a bug to show.
        return typeof v === 'number' ? fmtNumber(v) : `(not an i32: ${fmtAny(v)})`;
      case 'i64':
        return typeof v === 'bigint' ? `${v}n` : `(not an i64: ${fmtAny(v)})`;
      case 'f32':
      case 'f64':
        return typeof v === 'number' ? fmtNumber(v) : `(not a float: ${fmtAny(v)})`;
      default:
        return fmtAny(v);
    }
  }

  function fmtResult(v, results) {
    if (results.length === 0) return v === undefined ? 'void' : `(not void: ${fmtAny(v)})`;
    if (results.length === 1) return fmtTyped(v, results[0]);
    if (!Array.isArray(v) || v.length !== results.length) return `(not ${results.length} results: ${fmtAny(v)})`;
    return `[${v.map((x, i) => fmtTyped(x, results[i])).join(', ')}]`;
  }

  function describeException(e) {
    const id = ident(e);
    for (const [tag, name, params] of knownTags) {
      let is;
      try {
        is = e.is(tag);
      } catch (err) {
        return `exn#${id} (is() threw ${describeError(err)})`;
      }
      if (!is) continue;
      const payload = params.map((t, i) => {
        try {
          return fmtTyped(e.getArg(tag, i), t);
        } catch (err) {
          return `(getArg threw ${describeThrown(err)})`;
        }
      });
      return `exn#${id} ${name}(${payload.join(', ')})`;
    }
    // A tag the module neither exports nor imports from the harness: JS cannot
    // name it, so only the identity is compared.
    return `exn#${id} of an unexported tag`;
  }

  function describeError(e) {
    if (ownErrors.has(e)) return `js error#${ident(e)} ${JSON.stringify(e.message)}`;
    if (e instanceof engine.RuntimeError) return `trap ${trapClass(String(e.message))}`;
    if (e instanceof RangeError && /call stack/i.test(String(e.message))) return 'stack overflow';
    // Engine-made errors (TypeError at the JS boundary, LinkError, CompileError):
    // the class is specified, the wording is not.
    const ctor = e.constructor && e.constructor.name;
    return ctor || 'Error';
  }

  /** What was thrown: an exception object, an error, or any JS value. */
  function describeThrown(e) {
    if (e instanceof engine.Exception) return `exception ${describeException(e)}`;
    if (e instanceof Error) return describeError(e);
    return `value ${fmtAny(e)}`;
  }

  /** An error thrown by the harness on purpose (its message may be logged). */
  function ownError(message) {
    const e = new Error(message);
    ownErrors.add(e);
    return e;
  }

  // --- Calling functions -------------------------------------------------------

  /** The index of a function JS got from this instance, if it is one the module defines. */
  function definedIndex(f) {
    const name = /^\d+$/.test(f.name) ? Number(f.name) : -1;
    return name >= mod.numImportedFuncs && name < mod.funcTypes.length ? name : -1;
  }

  /** Parameter and result types of a function object JS got from this instance. */
  function typesOf(f) {
    const name = exportedFuncs.get(f);
    let index = -1;
    if (name !== undefined) index = mod.exports.find((x) => x.kind === 'func' && x.name === name).index;
    else index = definedIndex(f);
    if (index >= 0) return sig(mod.funcTypes[index]);
    // Unknown function (e.g. a host function handed back by Wasm): nulls, which
    // JS converts to every numeric type but i64 and every nullable reference.
    return { params: new Array(f.length).fill('?'), results: null };
  }

  let calls = 0;
  /** Calls f with arguments for its type; logs the call and its outcome under `label`. */
  function callLogged(label, f, rethrow) {
    if (typeof f !== 'function') throw ownError(`${label} is not a function`);
    const { params, results } = typesOf(f);
    const args = argsFor(params, calls++);
    log(`${label}(${args.map((a, i) => fmtTyped(a, params[i])).join(', ')})`);
    let r;
    try {
      r = f(...args);
    } catch (e) {
      log(`${label} threw ${describeThrown(e)}`);
      if (rethrow) throw e;
      return { threw: true, error: e };
    }
    log(`${label} returned ${results ? fmtResult(r, results) : fmtAny(r)}`);
    return { threw: false, value: r };
  }

  /**
   * binaryen's "catching" call: anything thrown is caught (result 1) except
   * traps and call-stack exhaustion, which stop execution as they would in Wasm.
   */
  function callCatching(label, f) {
    const r = callLogged(label, f, false);
    if (!r.threw) return 0;
    const e = r.error;
    if (e instanceof engine.RuntimeError) throw e;
    if (e instanceof RangeError && /call stack/i.test(String(e.message))) throw e;
    return 1;
  }

  // --- The import object ---------------------------------------------------------

  const wasmTag = new engine.Tag({ parameters: ['i32'] });
  tagNames.set(wasmTag, 'wasmtag');
  knownTags.push([wasmTag, 'wasmtag', ['i32']]);
  if (engine.JSTag) tagNames.set(engine.JSTag, 'jstag');

  const exportByIndex = (i) => {
    const e = mod.exports[i >>> 0];
    if (!e) throw ownError(`no export #${i >>> 0}`);
    return exports[e.name];
  };
  const table = () => {
    const t = exports && exports.table;
    if (!t) throw ownError('no exported table "table"');
    return t;
  };

  // binaryen's translate-to-fuzz imports ("fuzzing-support"). The semantics follow
  // binaryen's own fuzzing shell where it says what they are (log a value, throw a
  // JS error or a Wasm exception, call an export by index or a funcref, with or
  // without catching); the log lines are the harness's own.
  const fuzzingSupport = {
    'log-i32': (v) => void log(`log-i32 ${fmtTyped(v, 'i32')}`),
    'log-i64': (v) => void log(`log-i64 ${fmtTyped(v, 'i64')}`),
    'log-f32': (v) => void log(`log-f32 ${fmtTyped(v, 'f32')}`),
    'log-f64': (v) => void log(`log-f64 ${fmtTyped(v, 'f64')}`),
    throw: (which) => {
      log(`throw ${fmtAny(which)}`);
      if (!which) throw ownError('js exception');
      const e = new engine.Exception(wasmTag, [which]);
      ident(e); // numbered at creation, so a rethrown host exception keeps its number
      throw e;
    },
    'table-get': (i) => {
      log(`table-get ${fmtAny(i)}`);
      return table().get(i >>> 0);
    },
    'table-set': (i, v) => {
      log(`table-set ${fmtAny(i)} ${fmtAny(v)}`);
      table().set(i >>> 0, v);
    },
    'call-export': (i, flags) => {
      // flags & 1 asks for catch-and-rethrow, which JS cannot tell from no catch.
      callLogged(`call-export ${i >>> 0}`, exportByIndex(i), true);
    },
    'call-export-catch': (i) => callCatching(`call-export-catch ${i >>> 0}`, exportByIndex(i)),
    'call-ref': (f, flags) => {
      callLogged(`call-ref ${fmtAny(f)}`, f, true);
    },
    'call-ref-catch': (f) => callCatching(`call-ref-catch ${fmtAny(f)}`, f),
    sleep: (ms, id) => {
      log(`sleep ${fmtAny(ms)} ${fmtAny(id)}`);
      return id;
    },
    'log-branch': (...args) => void log(`log-branch ${args.map(fmtAny).join(' ')}`),
  };

  // The exception generator's imports ("fuzz-eh"): the contract in fuzz/README.md.
  const fuzzEh = {
    log: (n) => void log(`log ${fmtAny(n)}`),
    'throw-js': (n) => {
      log(`throw-js ${fmtAny(n)}`);
      throw ownError(`js ${n}`);
    },
    'throw-tag': (n) => {
      log(`throw-tag ${fmtAny(n)}`);
      const tag = exports && exports.t0;
      if (!tag) throw ownError('no exported tag "t0"');
      const e = new engine.Exception(tag, [n]);
      ident(e);
      throw e;
    },
    'call-back': (n) => {
      log(`call-back ${fmtAny(n)}`);
      const cb = exports && exports.cb;
      if (typeof cb !== 'function') throw ownError('no exported function "cb"');
      let r;
      try {
        r = cb(n);
      } catch (e) {
        log(`call-back ${fmtAny(n)} threw ${describeThrown(e)}`);
        throw e;
      }
      log(`call-back ${fmtAny(n)} returned ${fmtAny(r)}`);
      return r;
    },
  };

  // Only the imports the module asks for are provided, built from its import
  // section, so a module importing something the harness does not define fails
  // with a harness error rather than a LinkError both engines would agree on.
  const imports = {};
  const missing = [];
  for (const imp of mod.imports) {
    const ns = (imports[imp.module] ??= {});
    let value;
    if (imp.module === 'fuzzing-support' && imp.desc.kind === 'func' && Object.hasOwn(fuzzingSupport, imp.name)) {
      value = fuzzingSupport[imp.name];
    } else if (imp.module === 'fuzz-eh' && imp.desc.kind === 'func' && Object.hasOwn(fuzzEh, imp.name)) {
      value = fuzzEh[imp.name];
    } else if (imp.module === 'fuzzing-support' && imp.desc.kind === 'tag' && imp.name === 'wasmtag') {
      value = wasmTag;
    } else if (imp.module === 'fuzzing-support' && imp.desc.kind === 'tag' && imp.name === 'jstag' && engine.JSTag) {
      value = engine.JSTag;
    } else if (imp.module === '__fuzz_import' && imp.desc.kind === 'global') {
      // Values for imported globals: a recognizable value of the global's type.
      const t = typeName(imp.desc.type.type);
      const v = { i32: 7, i64: 7n, f32: 0.5, f64: 0.25, externref: `${imp.module}.${imp.name}` }[t] ?? null;
      value = imp.desc.type.mutable ? new engine.Global({ value: t === 'funcref' ? 'anyfunc' : t, mutable: true }, v) : v;
    } else {
      missing.push(`${imp.module}.${imp.name} (${imp.desc.kind})`);
      continue;
    }
    if (typeof value === 'function') hostFuncs.set(value, `${imp.module}.${imp.name}`);
    ns[imp.name] = value;
  }
  if (missing.length) {
    log(`harness error: the harness does not provide ${missing.join(', ')}`);
    return finish();
  }

  // --- Run -------------------------------------------------------------------------

  try {
    exports = engine.instantiate(bytes, imports);
  } catch (e) {
    log(`instantiate threw ${describeThrown(e)}`);
    return finish();
  }
  log('instantiated');
  for (const x of mod.exports) {
    const v = exports[x.name];
    if (x.kind === 'func') exportedFuncs.set(v, x.name);
    if (x.kind === 'tag') {
      tagNames.set(v, JSON.stringify(x.name));
      const t = mod.tags[x.index];
      knownTags.push([v, JSON.stringify(x.name), sig(t).params]);
    }
  }

  for (const x of mod.exports) {
    if (x.kind !== 'func') continue;
    try {
      callLogged(`call ${JSON.stringify(x.name)}`, exports[x.name], false);
    } catch (e) {
      // callLogged only throws before calling (not a function): log it.
      log(`harness error: ${describeThrown(e)}`);
    }
  }

  for (const x of mod.exports) {
    const v = exports[x.name];
    try {
      if (x.kind === 'global') {
        log(`global ${JSON.stringify(x.name)} = ${fmtTyped(v.value, typeName(mod.globals[x.index].type))}`);
      } else if (x.kind === 'memory') {
        const bytes = new Uint8Array(v.buffer);
        log(`memory ${JSON.stringify(x.name)}: ${bytes.length} bytes, hash ${hashBytes(bytes)}`);
      } else if (x.kind === 'table') {
        const entries = [];
        for (let i = 0; i < v.length; i++) {
          try {
            entries.push(fmtAny(v.get(i)));
          } catch (e) {
            entries.push(`(get threw ${describeThrown(e)})`);
          }
        }
        log(`table ${JSON.stringify(x.name)}: [${entries.join(', ')}]`);
      }
    } catch (e) {
      log(`${x.kind} ${JSON.stringify(x.name)}: threw ${describeThrown(e)}`);
    }
  }
  return finish();
}

/** FNV-1a over the bytes, as 8 hex digits: enough to tell two memories apart. */
function hashBytes(bytes) {
  let h = 0x811c9dc5;
  for (let i = 0; i < bytes.length; i++) h = Math.imul(h ^ bytes[i], 0x01000193);
  return (h >>> 0).toString(16).padStart(8, '0');
}
