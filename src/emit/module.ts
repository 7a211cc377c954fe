// Module assembly: the lowered functions plus the instantiation code (imports,
// memories, tables, globals, segments, exports, start) in one factory function,
// wrapped as an ES module or left as a bare factory expression.
//
// Output layout (factory):
//   (function ($rt) {
//     const $helper = $rt.helper; ...          runtime members the code uses
//     const K0 = ...;                           NaN constants
//     const DATA = [...];                       data segments (base64)
//     function $instantiate(imports) {          one call per instance
//       imports, memories, tables, globals; function declarations; exports;
//       active segments; start
//     }
//     return { imports, exports, instantiateSync, instantiate };
//   })
import type { ConstExpr, ExternKind } from '../ir.js';
import { ValType } from '../ir.js';
import { Op } from '../opcodes.js';
import type { ModuleContext } from '../codegen/context.js';
import type { ModuleDeclarations } from '../codegen/declarations.js';
import { numberLiteral } from '../codegen/literals.js';
import { VIEWS } from '../names.js';
import { runtimeSource } from './runtime-source.js';
import { partsFor, type RuntimePart } from '../runtime/install.js';
import { Output } from './output.js';

/**
 * One compiled function (or piece): its text (lines separated by newlines)
 * and, when a source map is wanted, each line's Wasm offset (-1: none).
 */
export interface LoweredFunction {
  index: number;
  text: string;
  offsets: Int32Array | null;
}

/** An import or export as the module's `imports` / `exports` describe it (WebAssembly.Module.imports's shape). */
export interface ImportDescriptor {
  module: string;
  name: string;
  kind: 'function' | 'table' | 'memory' | 'global' | 'tag';
}

export interface ExportDescriptor {
  name: string;
  kind: 'function' | 'table' | 'memory' | 'global' | 'tag';
}

/** 'esm': an ES module with the runtime embedded; 'factory': one expression `(runtime) => CompiledModule`. */
export type OutputFormat = 'esm' | 'factory';

const KIND_NAMES: Record<ExternKind, ImportDescriptor['kind']> = {
  func: 'function', table: 'table', memory: 'memory', global: 'global', tag: 'tag',
};

const GLOBAL_TYPE_NAMES: Partial<Record<ValType, string>> = {
  [ValType.I32]: 'i32', [ValType.I64]: 'i64', [ValType.F32]: 'f32', [ValType.F64]: 'f64',
  [ValType.FuncRef]: 'anyfunc', [ValType.ExternRef]: 'externref',
};

const f64View = new DataView(new ArrayBuffer(8));

/** A constant expression (global initializer, segment offset or element) as JS. */
export function constExprCode(ctx: ModuleContext, expr: ConstExpr): string {
  const stack: string[] = [];
  for (const ins of expr) {
    switch (ins.op) {
      case Op.I32Const: stack.push(numberLiteral(ins.i32!)); break;
      case Op.I64Const: stack.push(ins.i64! < 0n ? `(${ins.i64}n)` : `${ins.i64}n`); break;
      case Op.F32Const: {
        f64View.setUint32(0, ins.i32! >>> 0, true);
        const x = f64View.getFloat32(0, true);
        stack.push(x !== x ? `$rt.f32FromBits(0x${(ins.i32! >>> 0).toString(16)})` : numberLiteral(x));
        break;
      }
      case Op.F64Const: {
        const bits = BigInt.asUintN(64, ins.i64!);
        f64View.setBigUint64(0, bits, true);
        const x = f64View.getFloat64(0, true);
        stack.push(x !== x ? `$rt.f64FromBits(0x${bits.toString(16)}n)` : numberLiteral(x));
        break;
      }
      case Op.RefNull: stack.push('null'); break;
      case Op.RefFunc: stack.push(ctx.funcName(ins.index!)); break;
      case Op.GlobalGet: stack.push(ctx.globals[ins.index!].read); break;
      default: {
        const b = stack.pop()!;
        const a = stack.pop()!;
        switch (ins.op) {
          case Op.I32Add: stack.push(`((${a} + ${b}) | 0)`); break;
          case Op.I32Sub: stack.push(`((${a} - ${b}) | 0)`); break;
          case Op.I32Mul: stack.push(`Math.imul(${a}, ${b})`); break;
          case Op.I64Add: stack.push(`BigInt.asIntN(64, ${a} + ${b})`); break;
          case Op.I64Sub: stack.push(`BigInt.asIntN(64, ${a} - ${b})`); break;
          case Op.I64Mul: stack.push(`BigInt.asIntN(64, ${a} * ${b})`); break;
          default: throw new Error(`internal: constant expression opcode 0x${ins.op.toString(16)}`);
        }
      }
    }
  }
  return stack[stack.length - 1] ?? 'undefined';
}

/**
 * JSON text made safe to print inside an HTML <script> element too: every `<`
 * is escaped, so no `</script`, `<script` or `<!--` from a module's names can end
 * or disturb the element, and so are U+2028/U+2029, which end a string literal
 * in engines older than ES2019. Only string contents change: JSON has `<` and
 * the separators nowhere else.
 */
export function scriptSafe(json: string): string {
  return json.replace(/[<\u2028\u2029]/g, (c) => '\\u' + c.charCodeAt(0).toString(16).padStart(4, '0'));
}

function limitsArgs(min: number, max: number | null): string {
  return `${min}, ${max === null ? 'null' : max}`;
}

const B64 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';

function base64(bytes: Uint8Array): string {
  // Node's Buffer when there is one; the compiler also runs in browsers (the
  // polyfill compiles at run time), where it is absent.
  const B = (globalThis as { Buffer?: typeof Buffer }).Buffer;
  if (B) return B.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('base64');
  const out: string[] = [];
  for (let i = 0; i < bytes.length; i += 3) {
    const n = (bytes[i] << 16) | ((bytes[i + 1] ?? 0) << 8) | (bytes[i + 2] ?? 0);
    out.push(B64[n >> 18], B64[(n >> 12) & 63], i + 1 < bytes.length ? B64[(n >> 6) & 63] : '=', i + 2 < bytes.length ? B64[n & 63] : '=');
  }
  return out.join('');
}

/** The factory expression's text, appended to `out`. */
function emitFactory(ctx: ModuleContext, decls: ModuleDeclarations, funcs: LoweredFunction[], out: Output): void {
  const m = ctx.module;
  const imports: ImportDescriptor[] = m.imports.map((im) => ({ module: im.module, name: im.name, kind: KIND_NAMES[im.desc.kind] }));
  const exports: ExportDescriptor[] = m.exports.map((ex) => ({ name: ex.name, kind: KIND_NAMES[ex.kind] }));
  // Names and other strings from the module are printed only through this.
  const q = (s: string) => scriptSafe(JSON.stringify(s));

  const body = new Output(out.withOffsets);
  body.line('function $instantiate(imports) {');
  // Write-back and return slots of split functions (codegen/outline.ts).
  const slots = [
    ...Array.from({ length: decls.outSlots }, (_, k) => '$o' + k),
    ...Array.from({ length: decls.retSlots }, (_, k) => '$r' + k),
  ];
  for (let k = 0; k < slots.length; k += 32) body.line(`  let ${slots.slice(k, k + 32).join(', ')};`);
  if (decls.wideSlots > 0) body.line(`  const $w64 = new BigInt64Array(${decls.wideSlots});`);
  // Imports, in order: each is resolved and checked where the JS API says.
  let fi = 0, ti = 0, mi = 0, gi = 0, tgi = 0;
  const tagSig = (i: number) => ctx.tagType(i);
  const typeChar = (t: ValType) => ctx.typeString(t);
  for (const im of m.imports) {
    const w = `imports, ${q(im.module)}, ${q(im.name)}`;
    switch (im.desc.kind) {
      case 'func': {
        const i = fi++;
        body.line(`  const ${ctx.funcName(i)} = $rt.importFunction(${w}, ${q(ctx.funcSigs[i])});`, im.offset);
        break;
      }
      case 'table': {
        const i = ti++;
        const t = m.tables[i];
        body.line(`  const T${i} = $rt.importTable(${w}, ${q(typeChar(t.elem))}, ${limitsArgs(t.limits.min, t.limits.max)}), e${i} = T${i}._e;`, im.offset);
        break;
      }
      case 'memory': {
        const i = mi++;
        const mt = m.memories[i];
        body.line(`  const m${i} = $rt.importMemory(${w}, ${limitsArgs(mt.limits.min, mt.limits.max)});`, im.offset);
        break;
      }
      case 'global': {
        const i = gi++;
        const g = m.globals[i];
        const b = ctx.globals[i];
        const cell = `$rt.importGlobal(${w}, ${q(typeChar(g.type))}, ${g.mutable})`;
        body.line(b.cell ? `  const G${i} = ${cell};` : `  const g${i} = ${cell}.v;`, im.offset);
        break;
      }
      case 'tag': {
        const i = tgi++;
        body.line(`  const TG${i} = $rt.importTag(${w}, ${q(tagSig(i))});`, im.offset);
        break;
      }
    }
  }
  // Tags defined here: new, distinct objects for every instance.
  for (let i = m.numImportedTags; i < m.tags.length; i++) body.line(`  const TG${i} = $rt.newTag(${q(tagSig(i))});`);
  // Memories: views refreshed whenever the memory grows.
  for (let i = 0; i < m.memories.length; i++) {
    if (i >= m.numImportedMemories) {
      const l = m.memories[i].limits;
      body.line(`  const m${i} = new $rt.Memory({ initial: ${l.min}${l.max === null ? '' : `, maximum: ${l.max}`} });`);
    }
    // Typed views the functions use (codegen/memory.ts), named v<memory>_<kind>.
    const views = [...decls.memViews].filter((k) => k.startsWith(`${i}_`)).sort();
    const typed = views.map((k) => ` v${k} = $rt.memoryView(${VIEWS[k.slice(k.indexOf('_') + 1)]}, b);`).join('');
    body.line(`  let d${i}, u${i}${views.map((k) => `, v${k}`).join('')};`);
    body.line(`  const $refresh${i} = () => { const b = m${i}._buf; d${i} = new DataView(b); u${i} = new Uint8Array(b);${typed} };`);
    body.line(`  $refresh${i}(); m${i}._l.push($refresh${i});`);
  }
  // Defined tables (a Wasm 3.0 table may have an initializer; it may read imported globals).
  for (let i = m.numImportedTables; i < m.tables.length; i++) {
    const t = m.tables[i];
    const initExpr = m.tableInits?.[i - m.numImportedTables] ?? null;
    const init = initExpr ? constExprCode(ctx, initExpr) : 'null';
    body.line(`  const T${i} = $rt.newTable(${q(typeChar(t.elem))}, ${limitsArgs(t.limits.min, t.limits.max)}, ${init}), e${i} = T${i}._e;`);
  }
  // Signatures of defined functions (for call_indirect, tables, exports).
  for (const f of m.funcs) {
    body.line(`  ${ctx.funcName(f.index)}.t = ${q(ctx.funcSigs[f.index])}; ${ctx.funcName(f.index)}.i = ${f.index};`);
  }
  // Globals, in order (an initializer may read earlier ones).
  m.globalInits.forEach((g, k) => {
    const i = m.numImportedGlobals + k;
    const b = ctx.globals[i];
    const init = constExprCode(ctx, g.init);
    if (b.cell) {
      const tn = GLOBAL_TYPE_NAMES[g.type.type];
      if (tn) body.line(`  const G${i} = new $rt.Global({ value: ${q(tn)}, mutable: ${g.type.mutable} }); G${i}.v = ${init};`, g.offset);
      else body.line(`  const G${i} = $rt.globalCell(${q(typeChar(g.type.type))}, ${g.type.mutable}, ${init});`, g.offset);
    } else {
      body.line(`  ${g.type.mutable ? 'let' : 'const'} g${i} = ${init};`, g.offset);
    }
  });
  body.line('  const DS = DATA.slice();');
  // Element segments: evaluated once per instance.
  body.line('  const ES = [');
  for (const el of m.elems) {
    body.line(`    [${el.init.map((e) => constExprCode(ctx, e)).join(', ')}],`, el.offset);
  }
  body.line('  ];');
  // Functions.
  // Indented inside $instantiate only where the output is indented at all
  // (ModuleContext.indent): replaceAll builds its result as a chain of one
  // string per line, which the final join then had to flatten (10% of
  // compiling esbuild-wasm), and the indentation costs gzip more than it looks.
  for (const f of funcs) body.lines(ctx.indent ? '  ' + f.text.replaceAll('\n', '\n  ') : f.text, f.offsets);
  // Exports.
  body.line('  const $x = Object.create(null);');
  for (const ex of m.exports) {
    let v: string;
    switch (ex.kind) {
      case 'func': v = `$rt.funcToJS(${ctx.funcName(ex.index)})`; break;
      case 'table': v = `(T${ex.index}.native || T${ex.index})`; break;
      case 'memory': v = `(m${ex.index}.native || m${ex.index})`; break;
      case 'global': v = `(G${ex.index}.native || G${ex.index})`; break;
      case 'tag': v = `TG${ex.index}`; break;
    }
    body.line(`  $x[${q(ex.name)}] = ${v};`, ex.offset);
  }
  body.line('  Object.freeze($x);');
  // Active and declarative segments, then start: a trap here fails instantiation,
  // after the segments before it have been applied.
  m.elems.forEach((el, k) => {
    if (el.mode === 'active') {
      body.line(`  $rt.tableInit(e${el.table}, ES[${k}], ${constExprCode(ctx, el.offsetExpr!)}, 0, ES[${k}].length); ES[${k}] = $rt.noElems;`, el.offset);
    } else if (el.mode === 'declarative') {
      body.line(`  ES[${k}] = $rt.noElems;`, el.offset);
    }
  });
  // Consecutive active segments of one memory at i32.const offsets are one
  // line: Go's output has ~100,000 segments (esbuild-wasm: a line each was
  // 8.6 MB of its output).
  const constOffset = (d: (typeof m.datas)[number]): number | null =>
    d.mode === 'active' && d.offsetExpr!.length === 1 && d.offsetExpr![0].op === Op.I32Const ? d.offsetExpr![0].i32! : null;
  for (let k = 0; k < m.datas.length; k++) {
    const d = m.datas[k];
    if (d.mode !== 'active') continue;
    let end = k + 1;
    if (constOffset(d) !== null) {
      while (end < m.datas.length && m.datas[end].memory === d.memory && constOffset(m.datas[end]) !== null) end++;
    }
    if (end - k >= 2) {
      const offsets = m.datas.slice(k, end).map((s) => numberLiteral(constOffset(s)!));
      body.line(`  $rt.dataInit(u${d.memory}, DS, ${k}, [${offsets.join(', ')}]);`, d.offset);
      k = end - 1;
    } else {
      body.line(`  $rt.memoryInit(u${d.memory}, DS[${k}], ${constExprCode(ctx, d.offsetExpr!)}, 0, DS[${k}].length); DS[${k}] = $rt.noBytes;`, d.offset);
    }
  }
  // The start function runs as if called from JS, through its exported-function
  // wrapper: an exception leaving it is what JS expects, and the count of
  // running JS calls starts afresh (runtime/errors.ts: hostCalls).
  if (m.start !== null) body.line(`  $rt.funcToJS(${ctx.funcName(m.start)})();`);
  body.line('  return $x;');
  body.line('}');

  out.line('(function ($rt) {');
  out.line('"use strict";');
  for (const h of [...decls.helpers].sort()) out.line(`const $${h} = $rt.${h};`);
  for (const c of decls.constants) out.line(c);
  // Several segments are one base64 string cut by lengths (Go's ~100,000
  // segments cost a `$rt.bytes("…")` and base64 padding each).
  if (m.datas.length >= 2) {
    const all = new Uint8Array(m.datas.reduce((n, d) => n + d.bytes.length, 0));
    let at = 0;
    for (const d of m.datas) {
      all.set(d.bytes, at);
      at += d.bytes.length;
    }
    out.line(`const DATA = $rt.segments(${q(base64(all))}, [${m.datas.map((d) => d.bytes.length).join(', ')}]);`);
  } else {
    out.line(`const DATA = [${m.datas.map((d) => `$rt.bytes(${q(base64(d.bytes))})`).join(', ')}];`);
  }
  out.line(`const $imports = ${scriptSafe(JSON.stringify(imports))};`);
  out.line(`const $exports = ${scriptSafe(JSON.stringify(exports))};`);
  out.line('const $module = Object.freeze({ imports: $imports, exports: $exports });');
  out.append(body);
  out.line('function instantiateSync(imports) {');
  out.line('  return { module: $module, instance: { exports: $instantiate(imports) } };');
  out.line('}');
  out.line('function instantiate(imports) {');
  out.line('  return new Promise((resolve) => resolve(instantiateSync(imports)));');
  out.line('}');
  out.line('return { imports: $imports, exports: $exports, instantiateSync, instantiate };');
  out.line('})');
}

/**
 * The runtime parts the factory's code uses: the helpers its functions call,
 * the members the instantiation code names (`$rt.x`), and funcs.ts wherever a
 * reference can come from JS into the module through an exported function's
 * arguments (or a result of an import: imports need funcs.ts anyway).
 */
export function runtimePartsOf(ctx: ModuleContext, decls: ModuleDeclarations, factory: Output): RuntimePart[] {
  const members = new Set(decls.helpers);
  // Function bodies name helpers only through their `$name` bindings, so this
  // finds the instantiation code's members (and, harmlessly, any `$rt.x` inside
  // a string there, which can only add a part).
  factory.forEachChunk((text) => {
    for (let i = text.indexOf('$rt.'); i >= 0; i = text.indexOf('$rt.', i + 4)) {
      const m = /^[A-Za-z_$][\w$]*/.exec(text.slice(i + 4, i + 68));
      if (m) members.add(m[0]);
    }
  });
  const refs = ctx.typeSigs.some((t) => /[^ijfd:]/.test(t));
  return partsFor(members, refs ? ['funcs'] : []);
}

/** Where an ES module's runtime comes from: embedded (the parts it needs) or imported from `wasm2es/runtime`. */
export type RuntimeMode = 'embed' | 'import';

/** The module's text; with `withOffsets`, the Output can also make a source map. */
export function emitModule(
  ctx: ModuleContext, decls: ModuleDeclarations, funcs: LoweredFunction[], format: OutputFormat, withOffsets = false, runtime: RuntimeMode = 'embed',
): Output {
  const out = new Output(withOffsets);
  if (format === 'factory') {
    emitFactory(ctx, decls, funcs, out);
    return out;
  }
  const factory = new Output(withOffsets);
  emitFactory(ctx, decls, funcs, factory);
  out.line('// Generated by wasm2es from a WebAssembly module. Runs without WebAssembly.');
  if (runtime === 'import') out.line("import { runtime as $runtime } from 'wasm2es/runtime';");
  else out.line(`const $runtime = ${runtimeSource(runtimePartsOf(ctx, decls, factory))};`);
  out.line('const $compiled = (');
  out.append(factory);
  out.line(')($runtime);');
  out.line('export const imports = $compiled.imports;');
  out.line('export const exports = $compiled.exports;');
  out.line('export const instantiateSync = $compiled.instantiateSync;');
  out.line('export const instantiate = $compiled.instantiate;');
  out.line('export default $compiled;');
  return out;
}
