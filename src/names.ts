// Every identifier the generated code declares or uses, by namespace, in one
// place. Codegen and emit make names only of these shapes; names.test.ts
// compiles modules of every feature and checks that the output declares and
// references nothing else (apart from the JS built-ins it calls). Module
// strings never become identifiers: name-section names are sanitized into the
// `f<i>_<name>` suffix (sanitize), and import/export names stay string data.
//
// Scopes: `module` is the factory function's body (one per compiled module),
// `instance` is `$instantiate` (one per instance), `function` one compiled
// function. Names starting with `$` are the compiler's own; the short plain
// ones (`l3`, `s0`, `D0`) are the hot ones, kept short for size.

export interface Namespace {
  /** The names, as a whole-identifier pattern. */
  readonly pattern: RegExp;
  readonly scope: 'wrapper' | 'module' | 'instance' | 'function' | 'label';
  readonly meaning: string;
}

export const NAMESPACES: readonly Namespace[] = [
  // The ES-module wrapper around the factory (emit/module.ts).
  { pattern: /^\$(runtime|compiled)$/, scope: 'wrapper', meaning: 'the embedded runtime, the factory applied to it' },
  { pattern: /^(imports|exports|instantiateSync|instantiate)$/, scope: 'wrapper', meaning: 'the ES module exports (also the factory result\'s members)' },
  // The factory's body.
  { pattern: /^\$rt$/, scope: 'module', meaning: 'the runtime object (factory parameter)' },
  { pattern: /^\$[a-z][A-Za-z0-9]*$/, scope: 'module', meaning: 'a runtime helper bound by name (`$i32DivS` = $rt.i32DivS)' },
  { pattern: /^K\d+$/, scope: 'module', meaning: 'a module-level constant or cache (NaN bit patterns, scratch arrays, `$L` caches)' },
  { pattern: /^DATA$/, scope: 'module', meaning: 'the data segments\' bytes' },
  { pattern: /^\$(imports|exports|module|instantiate)$/, scope: 'module', meaning: 'the descriptors, the module object, the instantiation function' },
  { pattern: /^resolve$/, scope: 'module', meaning: 'the resolver of the promise `instantiate` returns' },
  { pattern: /^\$lz$/, scope: 'module', meaning: 'the polyfill\'s lazy-compilation hooks (lazy factories only: emit/lazy.ts)' },
  // One instance.
  { pattern: /^f\d+(_\w{1,48})?(\$\d+)?$/, scope: 'instance', meaning: 'function i (with its sanitized name-section name; `$k`: piece k of a split function)' },
  { pattern: /^[Tem]\d+$/, scope: 'instance', meaning: 'table i (`T`) and its element array (`e`); memory i (`m`)' },
  { pattern: /^[du]\d+$/, scope: 'instance', meaning: 'memory i\'s DataView and Uint8Array, refreshed when it grows' },
  { pattern: /^v\d+_(f64|i32|u32|i16|u16|i8|u8)$/, scope: 'instance', meaning: 'memory i\'s typed view of a kind (VIEWS)' },
  { pattern: /^\$refresh\d+$/, scope: 'instance', meaning: 'refreshes memory i\'s views' },
  { pattern: /^b$/, scope: 'instance', meaning: 'the buffer, inside a $refresh function' },
  { pattern: /^[Gg]\d+$/, scope: 'instance', meaning: 'global i: a cell (`G`, imported or exported) or a plain binding (`g`)' },
  { pattern: /^TG\d+$/, scope: 'instance', meaning: 'tag i' },
  { pattern: /^(DS|ES)$/, scope: 'instance', meaning: 'the instance\'s data and element segments (dropped ones emptied)' },
  { pattern: /^\$x$/, scope: 'instance', meaning: 'the exports object' },
  { pattern: /^\$x[vkde]$/, scope: 'instance', meaning: 'the exports\' values in order, and the loop naming them (lazy factories only)' },
  { pattern: /^\$[or]\d+$/, scope: 'instance', meaning: 'write-back (`$o`) and return (`$r`) slots of split functions (passes/split.ts)' },
  { pattern: /^\$w64$/, scope: 'instance', meaning: 'the BigInt64Array carrying i64 values across pieces' },
  { pattern: /^\$I$/, scope: 'instance', meaning: 'the instance\'s lazy-compilation state (lazy factories only: emit/lazy.ts)' },
  { pattern: /^\$c$/, scope: 'instance', meaning: 'a chunk\'s source, evaluated in the instance scope (lazy factories only)' },
  // One function.
  { pattern: /^l\d+$/, scope: 'function', meaning: 'Wasm local i (parameters first)' },
  { pattern: /^s\d+$/, scope: 'function', meaning: 'the operand-stack slot at depth k (codegen/stack.ts)' },
  { pattern: /^\$L$/, scope: 'function', meaning: 'the i64 locals kept in a BigInt64Array (codegen/locals.ts)' },
  { pattern: /^\$S(64|32)$/, scope: 'function', meaning: 'the scratch pair (a BigInt64Array(1) and an Int32Array over it) bound in the function (codegen/declarations.ts scratchBindings)' },
  { pattern: /^\$F\d+$/, scope: 'function', meaning: 'the forwarded value of `$L` element k' },
  { pattern: /^[DV]\d+(_(f64|i32|u32|i16|u16|i8|u8))?$/, scope: 'function', meaning: 'memory i\'s cached DataView (`D`) and typed views (`V`)' },
  { pattern: /^(t|mv|\$ta|\$v|\$w|\$p|\$n|\$lo|\$hi|\$m|\$dg|\$tf|\$tk|\$rv|\$g)$/, scope: 'function', meaning: 'temporaries of one operation (an address, a result array, a payload, halves of a shifted i64, a delegation target, a tail call\'s callee and arity, a return value, a guarded indirect callee)' },
  { pattern: /^\$[thc]$/, scope: 'function', meaning: 'the dispatch loop\'s case (`$t`) and active handler (`$h`), the exception its catch caught (`$c`): codegen/dispatch.ts' },
  { pattern: /^\$q\d+$/, scope: 'function', meaning: 'rotate temporaries, numbered by nesting (codegen/numeric.ts)' },
  { pattern: /^\$a\d+$/, scope: 'function', meaning: 'arguments of a tail call leaving through `$tail`' },
  { pattern: /^\$e\d*$/, scope: 'function', meaning: 'the caught exception (try_table: `$e`; legacy try k: `$e<k>`)' },
  // Labels.
  { pattern: /^L\d+$/, scope: 'label', meaning: 'a Wasm block, loop, if or try that some branch targets' },
  { pattern: /^\$tail$/, scope: 'label', meaning: 'the block a tail call inside a try leaves by' },
  { pattern: /^\$[DH]$/, scope: 'label', meaning: 'the dispatch loop of flattened frames, and its routing of caught exceptions (codegen/dispatch.ts)' },
];

/**
 * The typed views of memory that accesses may use, by kind, and their
 * constructors (codegen/memory.ts uses them; emit/module.ts makes them).
 */
export const VIEWS: Readonly<Record<string, string>> = {
  f64: 'Float64Array', i32: 'Int32Array', u32: 'Uint32Array',
  i16: 'Int16Array', u16: 'Uint16Array', i8: 'Int8Array', u8: 'Uint8Array',
};

/** A name-section name made into a safe identifier fragment (never code: names are data). */
export function sanitize(name: string): string {
  return name.replace(/[^A-Za-z0-9_]/g, '_').slice(0, 48);
}

/** The binding of function i: `f<i>`, plus its name-section name when there is one (stack traces). */
export function funcBinding(i: number, name: string | undefined): string {
  return name ? `f${i}_${sanitize(name)}` : 'f' + i;
}
