// Runs one .wast script against the compiler: every module is converted to a binary
// once, compiled once with `compile(..., { format: 'factory' })`, loaded with
// loadFactory and instantiated through the WebAssembly-style JS API it provides.
//
// Each command yields at most one result (pass / fail / skip). A module that the
// compiler refuses with "unsupported feature: X" is remembered as skipped, and every
// later command that needs it is skipped with the same reason; anything else that goes
// wrong is a failure of that command only, so one bad module never ends the file.
// A script that is itself broken (does not parse, names a file that cannot be read,
// uses a command no script format defines) yields an `error` instead: that is a
// problem of the test input, which a baseline of known failures must not absorb.

import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import type { CompiledModule } from '../api.js';
import { runtime } from '../runtime/index.js';
import { head, isAtom, parseSExprs, SExprError, stringText, stringTextStrict, type SList, type SNode } from '../text/sexpr.js';
import { makeSpectest } from './spectest.js';
import { assembleModuleList, assembleText, SourceText, type Assembled } from '../text/index.js';
import { argBits, argValue, bitsMismatch, boxedArray, expectedType, expectedValue, ExternRefs, Fail, mismatch, show, Skip, type Expected } from './values.js';
import { BitsRunner } from './bits.js';

export interface Engine {
  compile(bytes: Uint8Array): { js: string };
  load(js: string): CompiledModule;
}

export type Status = 'pass' | 'fail' | 'skip' | 'error';

export interface AssertionResult {
  line: number;
  /** The command keyword (`assert_return`, `module`, ...; `action` for a bare invoke/get). */
  kind: string;
  /** A one-line rendering of the command for reports, e.g. `assert_return (invoke "add" (i32.const 1))`. */
  name: string;
  status: Status;
  reason?: string;
  /** Wall-clock time of the command, compiling included. */
  ms: number;
}

export interface FileResult {
  /** Name used in reports and the expected-failure list. */
  file: string;
  results: AssertionResult[];
  passed: number;
  failed: number;
  skipped: number;
  errors: number;
}

/** A module defined before the script runs (`wasm2es wast --module NAME=PATH`). */
export interface PreloadedModule {
  /** Without the `$`: the module is `$name` in the script and registered as "name". */
  name: string;
  bytes: Uint8Array;
  /** Where it came from, for the result's name. */
  source: string;
}

export interface ScriptOptions {
  spectest?: Record<string, unknown>;
  /** Directory that relative `(input "file")` paths are resolved against. */
  baseDir?: string;
  preload?: PreloadedModule[];
}

/** The test input itself is broken; reported as `error`, never as a failure. */
export class ScriptError extends Error {}

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
  /** Binary form, or text to assemble (throws the text front end's CompileError). */
  binary?: Uint8Array;
  text?: () => Assembled;
  quoted: boolean;
}

const UNSUPPORTED = /unsupported feature: ?([^()\n]*?)(?:\s*\(at byte offset \d+\))?$/m;

/** `unsupported feature: X` from an error's message. */
function unsupportedReason(e: Error): string {
  return `unsupported feature: ${UNSUPPORTED.exec(e.message)![1].trim()}`;
}

function errText(e: unknown): string {
  if (e instanceof Error) return `${e.name}: ${e.message.split('\n')[0]}`;
  return show(e);
}

function isInstance(e: unknown, C: unknown): boolean {
  return typeof C === 'function' && e instanceof (C as new () => object);
}

/**
 * Commands that some script format or proposal defines but this runner does not
 * perform: skipped, like unsupported features. Any other unknown head is a typo or
 * not a script at all, and an error (a misspelt assertion must not pass silently).
 */
const KNOWN_UNSUPPORTED = new Set([
  'script', 'output', 'thread', 'wait', 'assert_suspension',
  'assert_malformed_custom', 'assert_invalid_custom',
  'assert_return_canonical_nan', 'assert_return_arithmetic_nan',
]);

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
  /** Float-carrying assertions run in Wasm (bits.ts), wrappers compiled by the engine under test. */
  private readonly bits: BitsRunner;

  private readonly baseDir: string;
  private readonly preload: PreloadedModule[];
  /** The script as text-format source, for modules written inline. */
  private readonly source: SourceText;

  constructor(
    private readonly src: Uint8Array,
    private readonly engine: Engine,
    options: ScriptOptions = {},
    file = 'script.wast',
  ) {
    this.registry.set('spectest', { kind: 'ok', exports: options.spectest ?? makeSpectest() });
    this.baseDir = options.baseDir ?? process.cwd();
    this.preload = options.preload ?? [];
    this.bits = new BitsRunner((bytes) => engine.load(engine.compile(bytes).js));
    this.source = new SourceText(src, file);
  }

  run(): AssertionResult[] {
    let commands: SNode[];
    try {
      commands = parseSExprs(this.src);
    } catch (e) {
      const line = e instanceof SExprError ? e.line : 1;
      const message = e instanceof SExprError ? e.message.replace(/^line \d+: /, '') : (e as Error).message;
      this.record(line, 'script', 'script', 'error', `script does not parse: ${message}`, 0);
      return this.results;
    }
    for (const m of this.preload) this.preloadModule(m);
    if (commands.length && MODULE_FIELDS.has(head(commands[0]) ?? '')) {
      // A script made of bare module fields is one inline module.
      this.guarded(commands[0], 'module', 'module (inline)', () => this.inlineModule());
      return this.results;
    }
    for (const cmd of commands) this.command(cmd);
    return this.results;
  }

  private record(line: number, kind: string, name: string, status: Status, reason: string | undefined, ms: number): void {
    const r: AssertionResult = { line, kind, name, status, ms };
    if (reason !== undefined) r.reason = reason;
    this.results.push(r);
  }

  /** Runs `fn` as one counted command, turning Skip/Fail/other exceptions into results. */
  private guarded(node: { line: number }, kind: string, name: string, fn: () => void): void {
    const t0 = performance.now();
    const done = (status: Status, reason?: string) => this.record(node.line, kind, name, status, reason, performance.now() - t0);
    try {
      fn();
      done('pass');
    } catch (e) {
      if (e instanceof Skip) done('skip', e.message);
      else if (e instanceof Fail) done('fail', e.message);
      else if (e instanceof ScriptError) done('error', e.message);
      else done('fail', `runner error: ${errText(e)}`);
    }
  }

  private command(cmd: SNode): void {
    if (cmd.kind !== 'list') {
      this.record(cmd.line, 'script', renderNode(cmd), 'error', 'unexpected token at top level', 0);
      return;
    }
    const kind = head(cmd) ?? '?';
    const name = commandName(cmd);
    switch (kind) {
      case 'module':
        this.guarded(cmd, 'module', name, () => this.moduleCommand(cmd));
        return;
      case 'register':
        this.guarded(cmd, 'register', name, () => this.register(cmd));
        return;
      case 'input':
        this.guarded(cmd, 'input', name, () => this.input(cmd));
        return;
      case 'invoke':
      case 'get':
        this.guarded(cmd, 'action', name, () => {
          this.action(cmd)();
        });
        return;
      case 'assert_return':
        this.guarded(cmd, kind, name, () => this.assertReturn(cmd));
        return;
      case 'assert_trap':
        this.guarded(cmd, kind, name, () => this.assertTrap(cmd));
        return;
      case 'assert_exhaustion':
        this.guarded(cmd, kind, name, () => this.assertThrows(cmd, 'stack exhaustion', (e) => e instanceof RangeError || isInstance(e, runtime.RuntimeError)));
        return;
      case 'assert_exception':
        this.guarded(cmd, kind, name, () => this.assertThrows(cmd, 'exception', isWasmException));
        return;
      case 'assert_invalid':
      case 'assert_malformed':
        this.guarded(cmd, kind, name, () => this.assertRejected(cmd, kind === 'assert_malformed'));
        return;
      case 'assert_unlinkable':
        this.guarded(cmd, kind, name, () => this.assertInstantiationError(cmd, 'LinkError', runtime.LinkError));
        return;
      case 'assert_uninstantiable':
        this.guarded(cmd, kind, name, () => this.assertInstantiationError(cmd, 'RuntimeError', runtime.RuntimeError, true));
        return;
      default:
        if (KNOWN_UNSUPPORTED.has(kind)) this.record(cmd.line, kind, name, 'skip', `unsupported script command ${kind}`, 0);
        else this.record(cmd.line, kind, name, 'error', `unknown script command ${kind}`, 0);
    }
  }

  /**
   * `--module NAME=PATH`: as if the script began with `(module $NAME ...)` and
   * `(register "NAME")`. Registered even when it fails, so that importers report
   * the failed module rather than a missing one.
   */
  private preloadModule(m: PreloadedModule): void {
    this.guarded({ line: 0 }, 'module', `module $${m.name} (--module ${m.name}=${m.source})`, () => {
      try {
        this.settle(`$${m.name}`, 0, () => this.instantiate(this.compileBytes(m.bytes)));
      } finally {
        this.registry.set(m.name, this.named.get(`$${m.name}`)!);
      }
    });
  }

  /**
   * `(input $name? "file")`, the reference interpreter's meta command, for a module
   * kept in its own file: a `.wasm` binary or a `.wat` text module becomes the
   * current module (and `$name`). The path is relative to the script's folder, so
   * a test tree can be run from anywhere.
   */
  private input(list: SList): void {
    const it = list.items;
    let i = 1;
    let name: string | undefined;
    if (isAtom(it[i]) && (it[i] as { value: string }).value.startsWith('$')) name = (it[i++] as { value: string }).value;
    const fileNode = it[i];
    const file = fileNode?.kind === 'string' ? stringTextStrict(fileNode) : undefined;
    if (file === undefined || it.length !== i + 1) throw new ScriptError('malformed input command: expected (input $name? "file")');
    if (/\.wast$/i.test(file)) throw new Skip('input of a .wast script is not supported (run it as a file of its own)');
    this.settle(name, list.line, () => {
      let bytes: Uint8Array;
      try {
        bytes = readFileSync(resolve(this.baseDir, file));
      } catch (e) {
        const code = (e as { code?: string }).code;
        throw new ScriptError(`cannot read ${file}: ${code === 'ENOENT' ? 'no such file' : (e as Error).message}`);
      }
      if (isWasmBinary(bytes)) return this.instantiate(this.compileBytes(bytes));
      if (!/\.wat$/i.test(file)) throw new ScriptError(`${file}: neither a .wasm binary nor a .wat text module`);
      let asm: Assembled;
      try {
        asm = assembleText(bytes, file);
      } catch (e) {
        if (e instanceof Error && UNSUPPORTED.test(e.message)) throw new Skip(unsupportedReason(e));
        // The user's own text module, not a spec corner case: not parsing is a broken input.
        throw new ScriptError(`text module does not assemble: ${(e as Error).message}`);
      }
      return this.instantiate(this.compileBytes(asm.bytes));
    });
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
      const text = concatStrings(it.slice(i + 1), list.line);
      src.text = () => assembleText(text, `${this.source.file}:${list.line} (module quote)`);
    } else {
      const first = i;
      src.text = () => assembleModuleList(this.source, list, first);
    }
    return src;
  }

  /**
   * The binary of a module source. Text that does not assemble fails the command
   * (the module is well-formed where a script does not say otherwise); text using a
   * feature the text front end rejects as unsupported is skipped.
   */
  private bytesOf(src: ModuleSource): Uint8Array {
    if (src.binary) return src.binary;
    try {
      return src.text!().bytes;
    } catch (e) {
      if (e instanceof Error && UNSUPPORTED.test(e.message)) throw new Skip(unsupportedReason(e));
      throw new Fail(`text does not assemble: ${errText(e)}`);
    }
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
        const passOn = e instanceof Fail || e instanceof ScriptError;
        const reason = passOn ? e.message : `instantiation failed: ${errText(e)}`;
        this.setModule(name, { kind: 'fail', reason, line });
        if (!passOn) throw new Fail(reason);
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
    const fields = parseSExprs(this.src);
    const list: SList = { kind: 'list', items: fields, start: 0, end: this.src.length + 1, line: 1 };
    const src: ModuleSource = { definition: false, quoted: false, text: () => assembleModuleList(this.source, list, 0) };
    this.settle(undefined, list.line, () => this.instantiate(this.compileBytes(this.bytesOf(src))));
  }

  // ---- actions and assertions -----------------------------------------------

  /** What an `(invoke ...)` / `(get ...)` action names: its kind, the export, the argument nodes. */
  private actionTarget(node: SNode | undefined): { kind: string | undefined; target: unknown; field: string; args: SNode[] } {
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
    if (kind !== 'invoke' && kind !== 'get') throw new Fail(`unknown action ${kind}`);
    const args = it.slice(i);
    const exports = this.moduleExports(modName, node.line);
    return { kind, target: exports[field], field, args };
  }

  /** Prepares an `(invoke ...)` / `(get ...)` action; the returned thunk performs it. */
  private action(node: SNode | undefined): () => unknown {
    const a = this.actionTarget(node);
    if (a.kind === 'invoke') {
      const args = boxedArray();
      for (const n of a.args) args.push(argValue(n, this.externs));
      const fn = a.target;
      if (typeof fn !== 'function') throw new Fail(`no exported function "${a.field}"`);
      return () => (fn as (...a: unknown[]) => unknown)(...args);
    }
    const g = a.target;
    if (!g || typeof g !== 'object' || !('value' in g)) throw new Fail(`no exported global "${a.field}"`);
    return () => (g as { value: unknown }).value;
  }

  private assertReturn(list: SList): void {
    const run = this.action(list.items[1]);
    const expected = list.items.slice(2).map((n) => expectedValue(n, this.externs));
    if (this.assertReturnBits(list.items[1], expected)) return;
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

  /**
   * assert_return with floats among only numeric values: performed in Wasm
   * and checked by bits (bits.ts), as the spec's JS harness does. False when
   * the assertion is not of that kind.
   */
  private assertReturnBits(node: SNode | undefined, expected: Expected[]): boolean {
    const rs = expected.map(expectedType);
    if (rs.some((t) => t === undefined)) return false;
    const types = rs as NonNullable<(typeof rs)[number]>[];
    const a = this.actionTarget(node);
    const isFloat = (t: string) => t === 'f32' || t === 'f64';
    let got;
    if (a.kind === 'invoke') {
      const args = argBits(a.args);
      if (!args || ![...args.types, ...types].some(isFloat)) return false;
      if (typeof a.target !== 'function') throw new Fail(`no exported function "${a.field}"`);
      try {
        got = this.bits.call(a.target, args.types, types, args.bits);
      } catch (e) {
        throw new Fail(`unexpected ${errText(e)}`);
      }
    } else {
      if (types.length !== 1 || !isFloat(types[0])) return false;
      const g = a.target;
      if (!g || typeof g !== 'object' || !('value' in g)) throw new Fail(`no exported global "${a.field}"`);
      try {
        got = [this.bits.get(g, types[0])];
      } catch (e) {
        throw new Fail(`unexpected ${errText(e)}`);
      }
    }
    for (let k = 0; k < expected.length; k++) {
      const m = bitsMismatch(expected[k], got[k]);
      if (m) throw new Fail(expected.length > 1 ? `result ${k}: ${m}` : m);
    }
    return true;
  }

  private assertTrap(list: SList): void {
    const target = list.items[1];
    if (head(target) === 'module') {
      this.assertInstantiationError(list, 'RuntimeError', runtime.RuntimeError, true);
      return;
    }
    this.assertThrows(list, 'trap', (e) => isInstance(e, runtime.RuntimeError), true);
  }

  /**
   * Runs the action of `list` and checks it throws an error accepted by `ok`; with
   * `checkMessage`, also that it is the trap the script names (trapMessageMismatch).
   */
  private assertThrows(list: SList, what: string, ok: (e: unknown) => boolean, checkMessage = false): void {
    const run = this.action(list.items[1]);
    let result: unknown;
    try {
      result = run();
    } catch (e) {
      if (!ok(e)) throw new Fail(`expected ${what}, got ${errText(e)}`);
      const wrong = checkMessage ? trapMessageMismatch(e, list.items[2]) : undefined;
      if (wrong) throw new Fail(wrong);
      return;
    }
    throw new Fail(`expected ${what}, got result ${show(result)}`);
  }

  /** assert_invalid / assert_malformed: compiling the module must throw CompileError. */
  private assertRejected(list: SList, malformed: boolean): void {
    const target = list.items[1];
    if (head(target) !== 'module') throw new Fail('expected a module');
    const src = this.moduleSource(target as SList);
    let bytes: Uint8Array;
    if (src.binary) bytes = src.binary;
    else {
      try {
        bytes = src.text!().bytes;
      } catch (e) {
        if (e instanceof Error && UNSUPPORTED.test(e.message)) throw new Skip(`rejected as ${unsupportedReason(e)}`);
        if (malformed) return; // rejected at the text level, which is where it is malformed
        throw new Fail(`the text front end rejects this invalid (but well-formed) module: ${errText(e)}`);
      }
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
    throw new Fail(`module was accepted, expected ${malformed ? 'malformed' : 'invalid'}`);
  }

  /**
   * assert_unlinkable / assert_uninstantiable / assert_trap on a module. Link error
   * messages are not compared: the JS API leaves their wording to the engine.
   */
  private assertInstantiationError(list: SList, what: string, C: unknown, checkMessage = false): void {
    const target = list.items[1];
    if (head(target) !== 'module') throw new Fail('expected a module');
    const src = this.moduleSource(target as SList);
    const cm = this.compileBytes(this.bytesOf(src));
    const imports = this.importsFor(cm);
    try {
      cm.instantiateSync(imports);
    } catch (e) {
      if (!isInstance(e, C)) throw new Fail(`expected ${what}, got ${errText(e)}`);
      const wrong = checkMessage ? trapMessageMismatch(e, list.items[2]) : undefined;
      if (wrong) throw new Fail(wrong);
      return;
    }
    throw new Fail(`expected ${what}, but instantiation succeeded`);
  }
}

/**
 * Whether a trap is the one a script expects: like the reference interpreter, the
 * message must begin with the expected text, so `assert_trap ... "integer divide by
 * zero"` fails on an `unreachable` trap. A trailing number in the expected text is
 * not required: the interpreter appends an element index (`uninitialized element 2`)
 * that no engine message carries. Returns the mismatch, or undefined.
 */
function trapMessageMismatch(e: unknown, expected: SNode | undefined): string | undefined {
  if (expected?.kind !== 'string') return undefined;
  const want = stringText(expected).replace(/\s+\d+$/, '');
  const got = e instanceof Error ? e.message : String(e);
  return got.startsWith(want) ? undefined : `expected trap "${want}", got ${errText(e)}`;
}

function isWasmBinary(bytes: Uint8Array): boolean {
  return bytes.length >= 4 && bytes[0] === 0 && bytes[1] === 0x61 && bytes[2] === 0x73 && bytes[3] === 0x6d;
}

function isWasmException(e: unknown): boolean {
  const R = runtime as unknown as { Exception?: unknown };
  const W = (globalThis as { WebAssembly?: { Exception?: unknown } }).WebAssembly;
  return isInstance(e, R.Exception) || isInstance(e, W?.Exception);
}

// ---- names of commands in reports --------------------------------------------

const MAX_NAME = 120;

/** A string literal as it could be written in a script (the report's view of it). */
function renderString(bytes: Uint8Array): string {
  const text = new TextDecoder('utf-8', { ignoreBOM: true }).decode(bytes);
  return '"' + text.replace(/["\\]/g, (c) => '\\' + c).replace(/[\u0000-\u001f\u007f]/g, (c) => '\\' + c.charCodeAt(0).toString(16).padStart(2, '0')) + '"';
}

/** Compact one-line text of a node, comments and layout dropped, cut at `budget`. */
export function renderNode(node: SNode, budget = MAX_NAME): string {
  let out = '';
  const walk = (n: SNode): boolean => {
    if (out.length > budget) return false;
    if (n.kind === 'atom') out += n.value;
    else if (n.kind === 'string') out += renderString(n.bytes);
    else {
      out += '(';
      n.items.forEach((c, k) => {
        if (k) out += ' ';
        walk(c);
      });
      out += ')';
    }
    return true;
  };
  walk(node);
  return out.length > budget ? out.slice(0, budget - 1) + '…' : out;
}

/**
 * How a command is named in reports: the keyword, then its action or the header of
 * its module, then its expected message, e.g. `assert_trap (invoke "div" (i32.const 1)
 * (i32.const 0)) "integer divide by zero"`. Module bodies are left out.
 */
export function commandName(cmd: SList): string {
  const kind = head(cmd) ?? '?';
  const moduleHeader = (m: SList): string => {
    const words = ['module'];
    for (const n of m.items.slice(1)) {
      if (n.kind !== 'atom') break;
      words.push(n.value);
      if (n.value === 'binary' || n.value === 'quote') break;
    }
    return words.join(' ');
  };
  if (kind === 'module') return moduleHeader(cmd);
  const parts = [kind];
  for (const n of cmd.items.slice(1)) {
    if (n.kind === 'list' && head(n) === 'module') parts.push(`(${moduleHeader(n)} …)`);
    else if (n.kind === 'list' && kind.startsWith('assert_return')) {
      // The expected results are in the failure message; the action names the test.
      if (parts.length === 1) parts.push(renderNode(n));
    } else parts.push(renderNode(n));
  }
  const name = parts.join(' ');
  return name.length > MAX_NAME ? name.slice(0, MAX_NAME - 1) + '…' : name;
}

/** Runs one script held in memory. */
export function runWastSource(
  src: Uint8Array,
  file: string,
  engine: Engine,
  options: ScriptOptions = {},
): FileResult {
  const results = new WastRunner(src, engine, options, file).run();
  let passed = 0;
  let failed = 0;
  let skipped = 0;
  let errors = 0;
  for (const r of results) {
    if (r.status === 'pass') passed++;
    else if (r.status === 'fail') failed++;
    else if (r.status === 'error') errors++;
    else skipped++;
  }
  return { file, results, passed, failed, skipped, errors };
}
