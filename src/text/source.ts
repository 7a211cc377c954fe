// A text's positions and errors. The text is held as bytes (see sexpr.ts), and
// every position inside the text front end is a byte offset into it; only a
// message turns one into a line and a column, counted the way editors count:
// both 1-based, the column in characters (a UTF-8 sequence is one), a tab one.
import { compileErrorClass } from '../errors.js';

/** The error for text that does not assemble, located in it. */
export interface TextCompileError extends Error {
  /** The file name given to the text front end. */
  file: string;
  line: number;
  column: number;
}

export interface TextPosition {
  line: number;
  column: number;
}

export class SourceText {
  private lineStarts: number[] | undefined;

  constructor(
    readonly bytes: Uint8Array,
    readonly file: string,
  ) {}

  /** Line and column of a byte offset (clamped to the text). */
  position(offset: number): TextPosition {
    const b = this.bytes;
    const starts = (this.lineStarts ??= lineStartsOf(b));
    const at = Math.max(0, Math.min(offset, b.length));
    let lo = 0;
    let hi = starts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (starts[mid] <= at) lo = mid;
      else hi = mid - 1;
    }
    let column = 1;
    for (let i = starts[lo]; i < at; i++) if ((b[i] & 0xc0) !== 0x80) column++;
    return { line: lo + 1, column };
  }

  /** A CompileError reading `file:line:col: message`, with those three as properties. */
  error(offset: number, message: string): TextCompileError {
    const { line, column } = this.position(offset);
    return textError(this.file, line, column, message);
  }
}

export function textError(file: string, line: number, column: number, message: string): TextCompileError {
  const C = compileErrorClass();
  const e = new C(`${file}:${line}:${column}: ${message}`) as TextCompileError;
  e.file = file;
  e.line = line;
  e.column = column;
  return e;
}

/** Whether `e` is an error of the text front end (or one it located in the text). */
export function isTextError(e: unknown): e is TextCompileError {
  return e instanceof Error && typeof (e as TextCompileError).line === 'number' && typeof (e as TextCompileError).file === 'string';
}

function lineStartsOf(b: Uint8Array): number[] {
  const starts = [0];
  for (let i = 0; i < b.length; i++) if (b[i] === 10) starts.push(i + 1);
  return starts;
}
