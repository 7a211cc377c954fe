// The polyfill's lazy form of a compiled module: the factory carries the
// instantiation code only, and each function's code is made on its first call
// (compileLazy in compile.ts, src/polyfill/lazy.ts).
//
// The factory is `(function ($rt, $lz) { ... })`, where `$lz` is the
// polyfill's per-Module hooks object. Inside `$instantiate` it differs from the
// eager factory (module.ts) in four places:
//
//   const $I = $lz.instance(($c) => eval($c));     this instance's lazy state
//   var f1 = $I.stub(1), f2 = $I.stub(2), ...;       a stub per defined function
//   ... every memory gets all typed views (VIEWS), since which ones the
//       functions use is known only once they are lowered ...
//   $rt.tableInit(e0, ES[0], $I.at[0] = <offset>, ...)   offsets kept
//   $I.tables([e0, ...]);                           the instance's table arrays
//
// The arrow holding the direct `eval` is what lets code made later see the
// instance's bindings (memories' views, globals, tables, tags, segments, other
// functions) as ordinary closure variables, exactly as the eager factory's
// functions do. In strict code an eval cannot add bindings to the scope it runs
// in, so V8 keeps resolving every other name statically (docs/polyfill.md has
// the measurement that hot code runs as fast as the eager form's).
//
// A chunk is the code of one function, made once per Module and evaluated by
// each instance in that scope:
//
//   f12 = (() => {
//   const $i64DivS = $rt.i64DivS;     helpers, constants (K<n>) and split
//   const K0 = ...;                   slots ($o, $r, $w64) of this function,
//   let $o0;                          in the chunk's own scope
//   function f12$0(...) { ... }       pieces of a split function
//   function f12(...) { ... }
//   return f12;
//   })()
//
// Evaluating it rebinds the instance's `f12` (the stub until then) to the
// compiled function, so direct calls from then on go straight to it; the
// chunk's value is that function too, for the stub to forward to.
import type { ModuleContext } from '../codegen/context.js';
import type { ModuleDeclarations } from '../codegen/declarations.js';
import type { LoweredFunction } from './module.js';

/** The `$I` and stub declarations at the top of `$instantiate` (after the imports). */
export function lazyStubLines(ctx: ModuleContext): string[] {
  const m = ctx.module;
  const lines = ['  const $I = $lz.instance(($c) => eval($c));'];
  for (let k = 0; k < m.funcs.length; k += 32) {
    const decl = m.funcs.slice(k, k + 32).map((f) => `${ctx.funcName(f.index)} = $I.stub(${f.index})`);
    lines.push(`  var ${decl.join(', ')};`);
  }
  return lines;
}

/** The argument of `$I.tables`: every table's element array, by table index. */
export function lazyTablesArg(ctx: ModuleContext): string {
  return `[${ctx.module.tables.map((_, i) => 'e' + i).join(', ')}]`;
}

/** The chunk defining function `index` from its lowered code (pieces first) and what it declared. */
export function emitChunk(ctx: ModuleContext, decls: ModuleDeclarations, funcs: LoweredFunction[], index: number): string {
  const name = ctx.funcName(index);
  const out: string[] = [`${name} = (() => {`];
  for (const h of [...decls.helpers].sort()) out.push(`const $${h} = $rt.${h};`);
  out.push(...decls.constants);
  const slots = [
    ...Array.from({ length: decls.outSlots }, (_, k) => '$o' + k),
    ...Array.from({ length: decls.retSlots }, (_, k) => '$r' + k),
  ];
  for (let k = 0; k < slots.length; k += 32) out.push(`let ${slots.slice(k, k + 32).join(', ')};`);
  if (decls.wideSlots > 0) out.push(`const $w64 = new BigInt64Array(${decls.wideSlots});`);
  for (const f of funcs) out.push(f.text);
  out.push(`return ${name};`, '})()');
  return out.join('\n');
}
