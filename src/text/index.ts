// The text front end: WebAssembly text (.wat, and the modules of .wast scripts)
// to the binary format, with errors at file:line:col. The command line, the
// bundler plugin and the spec-test runner all assemble text here.
//
// It accepts the text format of everything the compiler supports (Wasm 3.0's
// typed function references, exceptions old and new, multi-memory, tail calls,
// ...) and writes the binary as the text says, validating nothing: type errors
// are the validator's (src/validate) to find, so that invalid modules are
// reported the way invalid binaries are. What the compiler does not support is
// either encoded and left to the decoder (GC heap types, v128, 64-bit or
// shared memories), or, where the text cannot be encoded without more
// machinery (GC type definitions, SIMD, atomic and GC instructions),
// rejected here as `unsupported feature: <name>` at the construct.
//
// The assembled binary keeps a table from byte offsets to text positions, so a
// CompileError the compiler reports for it can name the line and column of the
// instruction or field it is about (`locate`).
import { ModuleAssembler } from './module.js';
import { parseSExprs, SExprError, type SAtom, type SList, type SNode } from './sexpr.js';
import { isTextError, SourceText, textError, type TextCompileError, type TextPosition } from './source.js';
import type { Writer } from './writer.js';

export { isTextError, SourceText, type TextCompileError, type TextPosition };
export { textSourceMap } from './source-map.js';

export interface Assembled {
  bytes: Uint8Array;
  /** The name errors are reported under. */
  file: string;
  /** The text position of the construct that produced the byte at `offset`. */
  positionOf(offset: number): TextPosition | undefined;
}

export interface TextOptions {
  /** Write a name section (module and function names; default true). */
  names?: boolean;
}

function assembled(src: SourceText, w: Writer): Assembled {
  return {
    bytes: w.finish(),
    file: src.file,
    positionOf(offset) {
      const at = w.sourceOf(offset);
      return at < 0 ? undefined : src.position(at);
    },
  };
}

/** Parses S-expressions, turning a syntax error into a located CompileError. */
function parse(src: SourceText): SNode[] {
  try {
    return parseSExprs(src.bytes);
  } catch (e) {
    if (e instanceof SExprError) throw src.error(e.offset, e.message.replace(/^line \d+: /, ''));
    throw e;
  }
}

/**
 * A `(module $id? ...)` list of `src` whose fields start at item `first` (the
 * spec runner's module commands; `$id` names the module in the name section).
 */
export function assembleModuleList(src: SourceText, list: SList, first: number, options: TextOptions = {}): Assembled {
  const id = list.items[1];
  const moduleName = first > 1 && id?.kind === 'atom' && id.value.startsWith('$') ? (id as SAtom) : undefined;
  const asm = new ModuleAssembler(src, list, first, { names: options.names, moduleName });
  return assembled(src, asm.assemble());
}

/**
 * A text module: one `(module $id? field*)`, or a sequence of module fields
 * (the text format's abbreviation for a module without its wrapper).
 */
export function assembleText(text: string | Uint8Array, file = 'module.wat', options: TextOptions = {}): Assembled {
  let bytes = typeof text === 'string' ? new TextEncoder().encode(text) : text;
  // A byte order mark is not part of the text.
  if (bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf) {
    bytes = bytes.slice();
    bytes.fill(0x20, 0, 3);
  }
  const src = new SourceText(bytes, file);
  const top = parse(src);
  const first = top[0];
  if (first?.kind === 'list' && first.items[0]?.kind === 'atom' && first.items[0].value === 'module') {
    if (top.length > 1) throw src.error(top[1].start, 'unexpected content after the module');
    const id = first.items[1];
    const start = id?.kind === 'atom' && id.value.startsWith('$') ? 2 : 1;
    const kw = first.items[start];
    if (kw?.kind === 'atom' && (kw.value === 'binary' || kw.value === 'quote')) {
      throw src.error(kw.start, `(module ${kw.value} ...) is script syntax (.wast), not a text module`);
    }
    return assembleModuleList(src, first, start, options);
  }
  // Bare fields: as if wrapped in (module ...). Ends at the end of the text.
  const list: SList = { kind: 'list', items: top, start: 0, end: bytes.length + 1, line: 1 };
  return assembleModuleList(src, list, 0, options);
}

/**
 * A CompileError of the compiler for a module assembled from text, located in
 * the text: a new error of the same class reading `file:line:col: message`
 * (with `file`, `line`, `column`, and `binaryOffset` for the original offset).
 * Anything else is returned as it is.
 */
export function locate(e: unknown, asm: Assembled): unknown {
  const err = e as Error & { offset?: unknown };
  if (!(err instanceof Error) || typeof err.offset !== 'number' || isTextError(err)) return e;
  const pos = asm.positionOf(err.offset);
  if (!pos) return e;
  const message = err.message.replace(/ \(at byte offset \d+\)$/, '');
  const located = textError(asm.file, pos.line, pos.column, message) as TextCompileError & { binaryOffset: number };
  if (Object.getPrototypeOf(located) !== Object.getPrototypeOf(err)) Object.setPrototypeOf(located, Object.getPrototypeOf(err));
  located.binaryOffset = err.offset;
  return located;
}
