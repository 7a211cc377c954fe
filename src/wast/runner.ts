// Runs one .wast script against the compiler: every module is converted to a binary
// once, compiled once with `compile(..., { format: 'factory' })`, loaded with
// loadFactory and instantiated through the WebAssembly-style JS API it provides.
//
// Each command yields at most one result (pass / fail / skip). A module that the
// compiler refuses with "unsupported feature: X" is remembered as skipped, and every
// later command that needs it is skipped with the same reason; anything else that goes
// wrong is a failure of that command only, so one bad module never ends the file.

import type { CompiledModule } from '../api.js';
import { runtime } from '../runtime/index.js';
import { head, isAtom, parseSExprs, SExprError, stringTextStrict, type SList, type SNode } from './sexpr.js';
import { makeSpectest } from './spectest.js';
import { moduleTextFromList, moduleTextFromQuote, watToBinary, type ModuleText } from './text.js';
import { argValue, boxedArray, expectedValue, ExternRefs, Fail, mismatch, show, Skip } from './values.js';

export interface Engine {
  compile(bytes: Uint8Array): { js: string };
  load(js: string): CompiledModule;
}

export type Status = 'pass' | 'fail' | 'skip';

export interface AssertionResult {
  line: number;
  kind: string;
  status: Status;
  reason?: string;
}

export interface FileResult {
  /** Name used in reports and the expected-failure list. */
  file: string;
  results: AssertionResult[];
  passed: number;
  failed: number;
  skipped: number;
}

/** The state of a module command: its instance's exports, or why there is none. */
type ModuleState =
  | { kind: 'ok'; exports: Record<string, unknown> }
  | { kind: 'skip'; reason: string }
  | { kind: 'fail'; reason: string; line: number };

/** A `(module definition ...)`: compiled, not instantiated. */
type Definition = { kind: 'ok'; compiled: CompiledModule } | { kind: 'skip'; reason: string } | { kind: 'fail'; reason: string; line: number };

/** What a module command amounts to before compiling. */
interface ModuleSource {
  /** `$name` if given. */
  name?: string;
  /** `definition`: compile only. */
  definition: boolean;
  /** `(module instance $i? $def)`: the definition to instantiate. */
  instanceOf?: string;
  /** Binary form, or text needing conversion. */
  binary?: Uint8Array;
  text?: ModuleText;
  quoted: boolean;
}

const UNSUPPORTED = /unsupported feature: ?([^()\n]*?)(?:\s*\(at byte offset \d+\))?$/m;

function errText(e: unknown): string {
  if (e instanceof Error) return `${e.name}: ${e.message.split('\n')[0]}`;
  return show(e);
}

function isInstance(e: unknown, C: unknown): boolean {
  return typeof C === 'function' && e instanceof (C as new () => object);
}

/** Heads of module fields: a script starting with one is an inline module. */
const MODULE_FIELDS = new Set(['type', 'import', 'func', 'table', 'memory', 'global', 'export', 'start', 'elem', 'data', 'tag', 'rec']);

function concatBytes(...parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let o = 0;
  for (const p of parts) {
    out.set(p, o);
    o += p.length;
  }
  return out;
}

function concatStrings(items: SNode[], line: number): Uint8Array {
  const parts: Uint8Array[] = [];
  for (const it of items) {
    if (it.kind !== 'string') throw new Fail(`expected string in module at line ${line}`);
    parts.push(it.bytes);
  }
  return concatBytes(...parts);
}

export class WastRunner {
  private readonly results: AssertionResult[] = [];
  private readonly named = new Map<string, ModuleState>();
  private readonly definitions = new Map<string, Definition>();
  private readonly registry = new Map<string, ModuleState>();
  private current: ModuleState | undefined;
  private readonly externs = new ExternRefs();

  constructor(
    private readonly src: Uint8Array,
    private readonly engine: Engine,
    spectest: Record<string, unknown> = makeSpectest(),
  ) {
    this.registry.set('spectest', { kind: 'ok', exports: spectest });
  }

  run(): AssertionResult[] {
    let commands: SNode[];
    try {
      commands = parseSExprs(this.src);
    } catch (e) {
      const line = e instanceof SExprError ? e.line : 1;
      this.results.push({ line, kind: 'script', status: 'fail', reason: `script does not parse: ${(e as Error).message}` });
      return this.results;
    }
    if (commands.length && MODULE_FIELDS.has(head(commands[0]) ?? '')) {
      // A script made of bare module fields is one inline module.
      this.guarded(commands[0], 'module', () => this.inlineModule());
      return this.results;
    }
    for (const cmd of commands) this.command(cmd);
    return this.results;
  }

  private record(line: number, kind: string, status: Status, reason?: string): void {
    this.results.push(reason === undefined ? { line, kind, status } : { line, kind, status, reason });
  }

  /** Runs `fn` as one counted command, turning Skip/Fail/other exceptions into results. */
  private guarded(node: SNode, kind: string, fn: () => void): void {
    try {
      fn();
      this.record(node.line, kind, 'pass');
    } catch (e) {
      if (e instanceof Skip) this.record(node.line, kind, 'skip', e.message);
      else if (e instanceof Fail) this.record(node.line, kind, 'fail', e.message);
      else this.record(node.line, kind, 'fail', `runner error: ${errText(e)}`);
    }
  }

  private command(cmd: SNode): void {
    if (cmd.kind !== 'list') {
      this.record(cmd.line, 'script', 'fail', 'unexpected token at top level');
      return;
    }
    const kind = head(cmd) ?? '?';
    switch (kind) {
      case 'module':
        this.guarded(cmd, 'module', () => this.moduleCommand(cmd));
        return;
      case 'register':
        this.guarded(cmd, 'register', () => this.register(cmd));
        return;
      case 'invoke':
      case 'get':
        this.guarded(cmd, 'action', () => {
          this.action(cmd)();
        });
        return;
      case 'assert_return':
        this.guarded(cmd, kind, () => this.assertReturn(cmd));
        return;
      case 'assert_trap':
        this.guarded(cmd, kind, () => this.assertTrap(cmd));
        return;
      case 'assert_exhaustion':
        this.guarded(cmd, kind, () => this.assertThrows(cmd, 'stack exhaustion', (e) => e instanceof RangeError || isInstance(e, runtime.RuntimeError)));
        return;
      case 'assert_exception':
        this.guarded(cmd, kind, () => this.assertThrows(cmd, 'exception', isWasmException));
        return;
      case 'assert_invalid':
      case 'assert_malformed':
        this.guarded(cmd, kind, () => this.assertRejected(cmd, kind === 'assert_malformed'));
        return;
      case 'assert_unlinkable':
        this.guarded(cmd, kind, () => this.assertInstantiationError(cmd, 'LinkError', runtime.LinkError));
        return;
      case 'assert_uninstantiable':
        this.guarded(cmd, kind, () => this.assertInstantiationError(cmd, 'RuntimeError', runtime.RuntimeError));
        return;
      default:
        this.record(cmd.line, kind, 'skip', `unsupported script command ${kind}`);
    }
  }

  // ---- modules ------------------------------------------------------------

  /** Reads the header and body of a `(module ...)` command. */
  private moduleSource(list: SList): ModuleSource {
    const it = list.items;
    let i = 1;
    const src: ModuleSource = { definition: false, quoted: false };
    if (isAtom(it[i], 'definition')) {
      src.definition = true;
      i++;
    } else if (isAtom(it[i], 'instance')) {
      const ids = it.slice(i + 1).filter((n) => n.kind === 'atom').map((n) => (n as { value: string }).value);
      if (ids.length === 2) {
        src.name = ids[0];
        src.instanceOf = ids[1];
      } else if (ids.length === 1) {
        src.instanceOf = ids[0];
      } else {
        throw new Fail('malformed module instance command');
      }
      return src;
    }
    if (it[i]?.kind === 'atom' && (it[i] as { value: string }).value.startsWith('$')) {
      src.name = (it[i] as { value: string }).value;
      i++;
    }
    if (isAtom(it[i], 'binary')) {
      src.binary = concatStrings(it.slice(i + 1), list.line);
    } else if (isAtom(it[i], 'quote')) {
      src.quoted = true;
      src.text = moduleTextFromQuote(concatStrings(it.slice(i + 1), list.line));
    } else {
      src.text = moduleTextFromList(this.src, list, i);
    }
    return src;
  }

  /** The binary of a module source; text no parser converts throws Skip. */
  private bytesOf(src: ModuleSource): Uint8Array {
    if (src.binary) return src.binary;
    const r = watToBinary(src.text!);
    // A module neither text parser can convert is skipped, not failed: the question
    // is about our text tooling, not about the compiler.
    if (!r.ok) throw new Skip(`no text parser could convert the module: ${r.reason}`);
    return r.bytes;
  }

  /** Compiles and loads; unsupported features throw Skip, other errors Fail. */
  private compileBytes(bytes: Uint8Array): CompiledModule {
    let js: string;
    try {
      js = this.engine.compile(bytes).js;
    } catch (e) {
      const m = e instanceof Error ? UNSUPPORTED.exec(e.message) : null;
      if (m) throw new Skip(`unsupported feature: ${m[1].trim()}`);
      throw new Fail(`compile failed: ${errText(e)}`);
    }
    try {
      return this.engine.load(js);
    } catch (e) {
      throw new Fail(`loading the compiled module failed: ${errText(e)}`);
    }
  }

  /** The import object for a compiled module, from spectest and registered modules. */
  private importsFor(cm: CompiledModule): Record<string, unknown> {
    const obj: Record<string, unknown> = {};
    for (const imp of cm.imports) {
      if (imp.module in obj) continue;
      const st = this.registry.get(imp.module);
      if (!st) {
        // An unknown module is a link error in the spec; in the JS API a missing
        // module object would be a TypeError, so give it an empty one.
        obj[imp.module] = {};
        continue;
      }
      if (st.kind === 'skip') throw new Skip(st.reason);
      if (st.kind === 'fail') throw new Fail(`imports from "${imp.module}", whose module failed at line ${st.line}`);
      obj[imp.module] = st.exports;
    }
    return obj;
  }

  private instantiate(cm: CompiledModule): Record<string, unknown> {
    const imports = this.importsFor(cm);
    return cm.instantiateSync(imports).instance.exports;
  }

  private moduleCommand(list: SList): void {
    let src: ModuleSource;
    try {
      src = this.moduleSource(list);
    } catch (e) {
      this.setModule(undefined, { kind: 'fail', reason: 'bad module command', line: list.line });
      throw e;
    }
    if (src.instanceOf !== undefined) {
      const def = this.definitions.get(src.instanceOf);
      return this.settle(src.name, list.line, () => {
        if (!def) throw new Fail(`unknown module definition ${src.instanceOf}`);
        if (def.kind === 'skip') throw new Skip(def.reason);
        if (def.kind === 'fail') throw new Fail(`definition at line ${def.line} failed`);
        return this.instantiate(def.compiled);
      });
    }
    if (src.definition) {
      let def: Definition;
      try {
        def = { kind: 'ok', compiled: this.compileBytes(this.bytesOf(src)) };
      } catch (e) {
        def = e instanceof Skip ? { kind: 'skip', reason: e.message } : { kind: 'fail', reason: errText(e), line: list.line };
        if (src.name) this.definitions.set(src.name, def);
        throw e;
      }
      if (src.name) this.definitions.set(src.name, def);
      return;
    }
    this.settle(src.name, list.line, () => this.instantiate(this.compileBytes(this.bytesOf(src))));
  }

  /** Runs the steps making a module instance and records the outcome as current/named. */
  private settle(name: string | undefined, line: number, make: () => Record<string, unknown>): void {
    try {
      this.setModule(name, { kind: 'ok', exports: make() });
    } catch (e) {
      if (e instanceof Skip) {
        this.setModule(name, { kind: 'skip', reason: e.message });
      } else {
        const reason = e instanceof Fail ? e.message : `instantiation failed: ${errText(e)}`;
        this.setModule(name, { kind: 'fail', reason, line });
        if (!(e instanceof Fail)) throw new Fail(reason);
      }
      throw e;
    }
  }

  private setModule(name: string | undefined, st: ModuleState): void {
    this.current = st;
    if (name) this.named.set(name, st);
  }

  /** The exports of the named or current module; throws Skip/Fail if it has none. */
  private moduleExports(name: string | undefined, line: number): Record<string, unknown> {
    const st = name ? this.named.get(name) : this.current;
    if (!st) throw new Fail(name ? `unknown module ${name}` : `no module defined before line ${line}`);
    if (st.kind === 'skip') throw new Skip(st.reason);
    if (st.kind === 'fail') throw new Fail(`module at line ${st.line} failed: ${st.reason}`);
    return st.exports;
  }

  private register(list: SList): void {
    const nameNode = list.items[1];
    if (nameNode?.kind !== 'string') throw new Fail('malformed register');
    const as = stringTextStrict(nameNode) ?? '';
    const id = isAtom(list.items[2]) ? (list.items[2] as { value: string }).value : undefined;
    const st = id ? this.named.get(id) : this.current;
    if (!st) throw new Fail(id ? `unknown module ${id}` : 'no module to register');
    this.registry.set(as, st);
    if (st.kind === 'skip') throw new Skip(st.reason);
    if (st.kind === 'fail') throw new Fail(`registered module failed at line ${st.line}`);
  }

  private inlineModule(): void {
    const wrapped = concatBytes(new TextEncoder().encode('(module '), this.src, new TextEncoder().encode('\n)'));
    const list = parseSExprs(wrapped)[0] as SList;
    const src: ModuleSource = { definition: false, quoted: false, text: moduleTextFromList(wrapped, list, 1) };
    this.settle(undefined, list.line, () => this.instantiate(this.compileBytes(this.bytesOf(src))));
  }

  // ---- actions and assertions -----------------------------------------------

  /** Prepares an `(invoke ...)` / `(get ...)` action; the returned thunk performs it. */
  private action(node: SNode | undefined): () => unknown {
    if (node?.kind !== 'list') throw new Fail('missing action');
    const kind = head(node);
    const it = node.items;
    let i = 1;
    let modName: string | undefined;
    if (isAtom(it[i])) {
      modName = (it[i] as { value: string }).value;
      i++;
    }
    const nameNode = it[i++];
    if (nameNode?.kind !== 'string') throw new Fail(`malformed ${kind}`);
    const field = stringTextStrict(nameNode);
    if (field === undefined) throw new Fail('export name is not valid UTF-8');
    if (kind === 'invoke') {
      const args = boxedArray();
      for (const a of it.slice(i)) args.push(argValue(a, this.externs));
      const exports = this.moduleExports(modName, node.line);
      const fn = exports[field];
      if (typeof fn !== 'function') throw new Fail(`no exported function "${field}"`);
      return () => (fn as (...a: unknown[]) => unknown)(...args);
    }
    if (kind === 'get') {
      const exports = this.moduleExports(modName, node.line);
      const g = exports[field];
      if (!g || typeof g !== 'object' || !('value' in g)) throw new Fail(`no exported global "${field}"`);
      return () => (g as { value: unknown }).value;
    }
    throw new Fail(`unknown action ${kind}`);
  }

  private assertReturn(list: SList): void {
    const run = this.action(list.items[1]);
    const expected = list.items.slice(2).map((n) => expectedValue(n, this.externs));
    let result: unknown;
    try {
      result = run();
    } catch (e) {
      throw new Fail(`unexpected ${errText(e)}`);
    }
    let values: unknown[];
    if (expected.length === 1) {
      // Not `[result]`: a literal whose site has only seen doubles quiets NaNs.
      values = boxedArray();
      values.push(result);
    } else if (expected.length === 0) {
      if (result !== undefined) throw new Fail(`expected no result, got ${show(result)}`);
      return;
    } else {
      if (!Array.isArray(result) || result.length !== expected.length) {
        throw new Fail(`expected ${expected.length} results, got ${show(result)}`);
      }
      values = result;
    }
    for (let k = 0; k < expected.length; k++) {
      const m = mismatch(expected[k], values[k]);
      if (m) throw new Fail(expected.length > 1 ? `result ${k}: ${m}` : m);
    }
  }

  private assertTrap(list: SList): void {
    const target = list.items[1];
    if (head(target) === 'module') {
      this.assertInstantiationError(list, 'RuntimeError', runtime.RuntimeError);
      return;
    }
    this.assertThrows(list, 'trap', (e) => isInstance(e, runtime.RuntimeError));
  }

  /** Runs the action of `list` and checks it throws an error accepted by `ok`. */
  private assertThrows(list: SList, what: string, ok: (e: unknown) => boolean): void {
    const run = this.action(list.items[1]);
    let result: unknown;
    try {
      result = run();
    } catch (e) {
      if (ok(e)) return;
      throw new Fail(`expected ${what}, got ${errText(e)}`);
    }
    throw new Fail(`expected ${what}, got result ${show(result)}`);
  }

  /** assert_invalid / assert_malformed: compiling the module must throw CompileError. */
  private assertRejected(list: SList, malformed: boolean): void {
    const target = list.items[1];
    if (head(target) !== 'module') throw new Fail('expected a module');
    const src = this.moduleSource(target as SList);
    let bytes: Uint8Array;
    let via: string | undefined;
    if (src.binary) bytes = src.binary;
    else {
      const r = watToBinary(src.text!, malformed);
      via = r.ok ? r.via : undefined;
      if (!r.ok) {
        if (malformed) return; // rejected at the text level, which is where it is malformed
        throw new Skip(`text parsers reject this invalid module, so it cannot reach the validator: ${r.reason}`);
      }
      bytes = r.bytes;
    }
    let js: string;
    try {
      js = this.engine.compile(bytes).js;
    } catch (e) {
      if (isInstance(e, runtime.CompileError)) {
        const m = UNSUPPORTED.exec((e as Error).message);
        if (m) throw new Skip(`rejected as unsupported feature: ${m[1].trim()}`);
        return;
      }
      throw new Fail(`expected CompileError, got ${errText(e)}`);
    }
    void js;
    if (via === 'binaryen') {
      // binaryen re-types code while parsing and can turn an invalid module into a
      // valid one, so its output proves nothing here.
      throw new Skip('module accepted, but binaryen (text fallback) may have normalized the invalid code');
    }
    if (malformed && src.quoted) {
      // The malformation is textual and wabt let it through; the binary it produced is
      // well-formed, so the compiler is right to accept it.
      throw new Skip('text-format malformation accepted by wabt');
    }
    throw new Fail(`module was accepted, expected ${malformed ? 'malformed' : 'invalid'}`);
  }

  /** assert_unlinkable / assert_uninstantiable / assert_trap on a module. */
  private assertInstantiationError(list: SList, what: string, C: unknown): void {
    const target = list.items[1];
    if (head(target) !== 'module') throw new Fail('expected a module');
    const src = this.moduleSource(target as SList);
    const cm = this.compileBytes(this.bytesOf(src));
    const imports = this.importsFor(cm);
    try {
      cm.instantiateSync(imports);
    } catch (e) {
      if (isInstance(e, C)) return;
      throw new Fail(`expected ${what}, got ${errText(e)}`);
    }
    throw new Fail(`expected ${what}, but instantiation succeeded`);
  }
}

function isWasmException(e: unknown): boolean {
  const R = runtime as unknown as { Exception?: unknown };
  const W = (globalThis as { WebAssembly?: { Exception?: unknown } }).WebAssembly;
  return isInstance(e, R.Exception) || isInstance(e, W?.Exception);
}

/** Runs one script held in memory. */
export function runWastSource(
  src: Uint8Array,
  file: string,
  engine: Engine,
  spectest?: Record<string, unknown>,
): FileResult {
  const results = new WastRunner(src, engine, spectest).run();
  let passed = 0;
  let failed = 0;
  let skipped = 0;
  for (const r of results) {
    if (r.status === 'pass') passed++;
    else if (r.status === 'fail') failed++;
    else skipped++;
  }
  return { file, results, passed, failed, skipped };
}
