// The `wasm2es` command line: `compile` and `wast`.
import { Command } from 'commander';
import { readFileSync, writeFileSync, renameSync, unlinkSync } from 'node:fs';
import { dirname, basename, join, relative } from 'node:path';
import { compile } from '../compile.js';
import { VERSION } from '../version.js';
import { assembleText, isTextError, locate, textSourceMap, type Assembled } from '../text/index.js';
import { addWastCommand } from './wast-command.js';

/** Write a file all at once: a failed compile never leaves a partial output behind. */
function writeAtomic(path: string, text: string): void {
  const tmp = join(dirname(path), `.${basename(path)}.${process.pid}.tmp`);
  try {
    writeFileSync(tmp, text);
    renameSync(tmp, path);
  } catch (e) {
    try { unlinkSync(tmp); } catch { /* nothing to clean */ }
    throw e;
  }
}

/** A module read from a file: its binary, and the assembled text when it was text. */
export interface ModuleInput {
  bytes: Uint8Array;
  text?: Assembled;
}

/**
 * Reads a .wasm, or assembles a .wat (or single-module .wast). A file that
 * starts with the Wasm magic number is a binary whatever its name. Text errors
 * are CompileErrors reading `file:line:col: message`.
 */
export function readModule(input: string): ModuleInput {
  const data = readFileSync(input);
  const bytes = new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
  const isBinary = bytes.length >= 4 && bytes[0] === 0 && bytes[1] === 0x61 && bytes[2] === 0x73 && bytes[3] === 0x6d;
  if (!isBinary && /\.(wat|wast)$/i.test(input)) {
    const text = assembleText(bytes, input);
    return { bytes: text.bytes, text };
  }
  return { bytes };
}

interface CompileCliOptions {
  output?: string;
  sourceMap?: boolean;
  format?: 'esm' | 'factory';
  indent?: boolean;
  progress?: boolean;
  quiet?: boolean;
}

/** On a terminal, modules with more code than this show progress unasked. */
export const PROGRESS_MIN_CODE = 1 << 20;
/** Progress is redrawn at most this often (the last update always shows). */
const PROGRESS_INTERVAL_MS = 250;

/**
 * The size of the code section, read from the section headers only; 0 when
 * there is none or the framing is broken (compile() then reports the error).
 */
export function codeSectionSize(bytes: Uint8Array): number {
  let p = 8;
  while (p < bytes.length) {
    const id = bytes[p++];
    let size = 0;
    let scale = 1;
    let b: number;
    do {
      if (p >= bytes.length || scale > 2 ** 28) return 0;
      b = bytes[p++];
      size += (b & 0x7f) * scale;
      scale *= 128;
    } while (b & 0x80);
    if (id === 10) return size;
    p += size;
  }
  return 0;
}

/**
 * Progress of compile() on stderr: one line redrawn in place on a terminal (and
 * erased at the end, so only real output remains), plain lines otherwise.
 */
class ProgressDisplay {
  private last = -Infinity;
  private drawn = false;

  constructor(private readonly name: string, private readonly tty: boolean) {}

  readonly update = (done: number, total: number): void => {
    const now = Date.now();
    if (done < total && now - this.last < PROGRESS_INTERVAL_MS) return;
    this.last = now;
    const pct = total > 0 ? Math.floor((done * 100) / total) : 100;
    const text = `${this.name}: compiled ${done}/${total} functions (${pct}%)`;
    if (this.tty) {
      process.stderr.write(`\r${text}\x1b[K`);
      this.drawn = true;
      if (done === total) this.clear();
    } else {
      process.stderr.write(text + '\n');
    }
  };

  /** Erases the in-place line, before anything else is printed. */
  clear(): void {
    if (!this.drawn) return;
    process.stderr.write('\r\x1b[K');
    this.drawn = false;
  }
}

async function compileCommand(input: string, opts: CompileCliOptions): Promise<number> {
  const out = opts.output ?? input.replace(/\.(wasm|wat|wast)$/i, '') + '.mjs';
  let result;
  let progress: ProgressDisplay | null = null;
  let text: Assembled | undefined;
  try {
    const module = readModule(input);
    const bytes = module.bytes;
    text = module.text;
    const tty = !!process.stderr.isTTY;
    if (!opts.quiet && (opts.progress || (tty && codeSectionSize(bytes) > PROGRESS_MIN_CODE))) {
      progress = new ProgressDisplay(input, tty);
    }
    result = compile(bytes, {
      filename: input, sourceMap: !!opts.sourceMap, format: opts.format ?? 'esm', indent: opts.indent, onProgress: progress?.update,
    });
  } catch (e) {
    progress?.clear();
    const err = (text ? locate(e, text) : e) as Error & { offset?: number; code?: string };
    if (err.code === 'ENOENT') {
      console.error(`${input}: no such file`);
      return 1;
    }
    // Text: `file:line:col: message`, at the construct the error is about.
    if (isTextError(err)) {
      console.error(err.message);
      return 1;
    }
    if (typeof err.offset === 'number') {
      // `file:offset: message`, the message without its own offset suffix.
      console.error(`${input}:${err.offset}: ${err.message.replace(/ \(at byte offset \d+\)$/, '')}`);
      return 1;
    }
    throw e;
  }
  let js = result.js;
  let map = result.map;
  // For text, the map points into the .wat (relative to the map's folder), which it carries.
  if (map && text) map = textSourceMap(map, text, relative(dirname(out), input).split('\\').join('/'), readFileSync(input, 'utf8'));
  if (map) js += `//# sourceMappingURL=${basename(out)}.map\n`;
  writeAtomic(out, js);
  if (map) writeAtomic(out + '.map', map);
  return 0;
}

export async function main(argv: string[]): Promise<void> {
  const program = new Command();
  program
    .name('wasm2es')
    .description('Compile WebAssembly to plain JavaScript ES modules that run without WebAssembly')
    .version(VERSION);
  program
    .command('compile')
    .description('compile a .wasm (or .wat) module to an ES module')
    .argument('<input>', 'a .wasm binary or .wat text module')
    .option('-o, --output <file>', 'output file (default: input name with .mjs)')
    .option('--source-map', 'also write <output>.map, mapping JS lines to Wasm byte offsets')
    .option('--format <format>', "'esm' (default) or 'factory' (one JS expression, for run-time loading)")
    .option('--indent', 'indent function bodies (default for modules with up to 256 KiB of code)')
    .option('--no-indent', 'do not indent function bodies (default above 256 KiB of code: smaller gzipped output)')
    .option('--progress', 'print progress (functions compiled) to stderr; default only on a terminal, for modules with over 1 MiB of code')
    .option('-q, --quiet', 'never print progress')
    .action(async (input: string, opts: CompileCliOptions) => {
      process.exitCode = await compileCommand(input, opts);
    });
  addWastCommand(program);
  await program.parseAsync(argv);
}
