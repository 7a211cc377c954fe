// Tokenizer and S-expression reader for the text format (.wat modules and .wast
// scripts).
//
// The text is handled as bytes (one char per byte, i.e. latin1), not as decoded
// UTF-8: string literals may hold arbitrary bytes (binary modules, invalid UTF-8
// names), and every position is a byte offset into the text. The text itself must
// be UTF-8, and outside strings and comments only ASCII characters that are
// printable or whitespace may appear ("illegal character" otherwise).
//
// Annotations `(@id ...)` are read and dropped: they may stand anywhere, even
// before a list's keyword, and wasm2es gives none of them a meaning.

export interface Pos {
  /** Byte offset of the first character. */
  start: number;
  /** Byte offset just past the last character. */
  end: number;
  /** 1-based line of `start`. */
  line: number;
}

/** A keyword, identifier ($x), number or any other bare token. */
export interface SAtom extends Pos {
  kind: 'atom';
  value: string;
  /** A run of identifier characters and strings that is no valid token. */
  reserved?: true;
}

/** A string literal; `bytes` holds its value with escapes resolved. */
export interface SString extends Pos {
  kind: 'string';
  bytes: Uint8Array;
}

export interface SList extends Pos {
  kind: 'list';
  items: SNode[];
}

export type SNode = SAtom | SString | SList;

export class SExprError extends Error {
  constructor(
    message: string,
    readonly line: number,
    readonly offset: number,
  ) {
    super(`line ${line}: ${message}`);
  }
}

const enum C {
  TAB = 9,
  LF = 10,
  CR = 13,
  SPACE = 32,
  QUOTE = 34,
  APOS = 39,
  LPAREN = 40,
  RPAREN = 41,
  SEMI = 59,
  BACKSLASH = 92,
}

function isSpace(c: number): boolean {
  return c === C.SPACE || c === C.TAB || c === C.LF || c === C.CR;
}

function hexVal(c: number): number {
  if (c >= 48 && c <= 57) return c - 48;
  if (c >= 97 && c <= 102) return c - 87;
  if (c >= 65 && c <= 70) return c - 55;
  return -1;
}

/** Appends the UTF-8 encoding of a code point. */
function pushUtf8(out: number[], cp: number): void {
  if (cp < 0x80) out.push(cp);
  else if (cp < 0x800) out.push(0xc0 | (cp >> 6), 0x80 | (cp & 63));
  else if (cp < 0x10000) out.push(0xe0 | (cp >> 12), 0x80 | ((cp >> 6) & 63), 0x80 | (cp & 63));
  else out.push(0xf0 | (cp >> 18), 0x80 | ((cp >> 12) & 63), 0x80 | ((cp >> 6) & 63), 0x80 | (cp & 63));
}

/** Offset of the first byte that is not part of valid UTF-8, or -1. */
function invalidUtf8(b: Uint8Array): number {
  for (let i = 0; i < b.length; ) {
    const c = b[i];
    if (c < 0x80) {
      i++;
      continue;
    }
    const len = c >= 0xc2 && c <= 0xdf ? 2 : c >= 0xe0 && c <= 0xef ? 3 : c >= 0xf0 && c <= 0xf4 ? 4 : 0;
    if (len === 0 || i + len > b.length) return i;
    for (let k = 1; k < len; k++) if ((b[i + k] & 0xc0) !== 0x80) return i;
    const c1 = b[i + 1];
    // Overlong forms, surrogates, and beyond U+10FFFF.
    if ((c === 0xe0 && c1 < 0xa0) || (c === 0xed && c1 >= 0xa0) || (c === 0xf0 && c1 < 0x90) || (c === 0xf4 && c1 >= 0x90)) return i;
    i += len;
  }
  return -1;
}

/** Whether the bytes are valid UTF-8. */
export function isUtf8(b: Uint8Array): boolean {
  return invalidUtf8(b) < 0;
}

/**
 * Parses every top-level S-expression of `src`. Top-level atoms are not expected in
 * scripts but are returned as-is so callers can report them.
 */
export function parseSExprs(src: Uint8Array): SNode[] {
  let pos = 0;
  let line = 1;
  const n = src.length;
  const fail = (msg: string): never => {
    throw new SExprError(msg, line, pos);
  };
  const bad = invalidUtf8(src);
  if (bad >= 0) {
    for (let i = 0; i < bad; i++) if (src[i] === C.LF) line++;
    pos = bad;
    fail('malformed UTF-8 encoding');
  }

  // Skips whitespace and both comment forms; block comments nest.
  function skipTrivia(): void {
    while (pos < n) {
      const c = src[pos];
      if (c === C.LF) {
        line++;
        pos++;
      } else if (isSpace(c)) {
        pos++;
      } else if (c === C.SEMI && src[pos + 1] === C.SEMI) {
        // A line comment ends at a line feed or a carriage return.
        while (pos < n && src[pos] !== C.LF && src[pos] !== C.CR) pos++;
      } else if (c === C.LPAREN && src[pos + 1] === C.SEMI) {
        let depth = 1;
        pos += 2;
        while (depth > 0) {
          if (pos >= n) fail('unterminated block comment');
          const d = src[pos];
          if (d === C.LPAREN && src[pos + 1] === C.SEMI) {
            depth++;
            pos += 2;
          } else if (d === C.SEMI && src[pos + 1] === C.RPAREN) {
            depth--;
            pos += 2;
          } else {
            if (d === C.LF) line++;
            pos++;
          }
        }
      } else {
        return;
      }
    }
  }

  function readString(): SString {
    const start = pos;
    const startLine = line;
    pos++; // opening quote
    const out: number[] = [];
    for (;;) {
      if (pos >= n) fail('unterminated string');
      const c = src[pos];
      if (c === C.QUOTE) {
        pos++;
        break;
      }
      // Raw control characters are not allowed in strings (only as escapes).
      if (c < 0x20 || c === 0x7f) fail('control character in string');
      if (c !== C.BACKSLASH) {
        out.push(c);
        pos++;
        continue;
      }
      const e = src[pos + 1];
      pos += 2;
      switch (e) {
        case 110: out.push(10); break; // \n
        case 116: out.push(9); break; // \t
        case 114: out.push(13); break; // \r
        case C.BACKSLASH: out.push(C.BACKSLASH); break;
        case C.APOS: out.push(C.APOS); break;
        case C.QUOTE: out.push(C.QUOTE); break;
        case 117: { // \u{hex}
          if (src[pos] !== 123) fail('bad \\u escape');
          pos++;
          let cp = 0;
          let digits = 0;
          while (pos < n && src[pos] !== 125) {
            if (src[pos] === 95 && digits > 0) { pos++; continue; }
            const h = hexVal(src[pos]);
            if (h < 0) fail('bad \\u escape');
            cp = cp * 16 + h;
            if (cp > 0x10ffff) fail('\\u escape out of range');
            digits++;
            pos++;
          }
          if (digits === 0 || src[pos] !== 125) fail('bad \\u escape');
          if (cp >= 0xd800 && cp < 0xe000) fail('surrogate in \\u escape');
          pos++;
          pushUtf8(out, cp);
          break;
        }
        default: {
          const h1 = hexVal(e);
          const h2 = hexVal(src[pos]);
          if (h1 < 0 || h2 < 0) fail('bad escape in string');
          out.push(h1 * 16 + h2);
          pos++;
        }
      }
    }
    return { kind: 'string', bytes: Uint8Array.from(out), start, end: pos, line: startLine };
  }

  function atomChar(c: number): boolean {
    if (c < 0x20 || c >= 0x7f) {
      if (isSpace(c)) return false;
      fail('illegal character');
    }
    return !(c === C.SPACE || c === C.LPAREN || c === C.RPAREN || c === C.QUOTE || c === C.SEMI);
  }

  /**
   * Reads one token: a maximal run of identifier characters and strings. A single
   * string is a string token; `$"..."` (and `@"..."`) a quoted name; a run without
   * strings an atom; anything else (`"a""b"`, `x"y"`) is what the text format calls
   * a reserved token: an error in module syntax, though allowed inside annotations,
   * so it is returned as an atom marked `reserved` and judged by the caller.
   */
  function readToken(): SNode {
    const start = pos;
    const startLine = line;
    const strings: SString[] = [];
    let atomRuns = 0;
    while (pos < n) {
      const c = src[pos];
      if (c === C.QUOTE) {
        strings.push(readString());
      } else if (atomChar(c)) {
        while (pos < n && atomChar(src[pos])) pos++;
        atomRuns++;
      } else {
        break;
      }
    }
    if (pos === start) {
      // A lone `;` (not starting a comment): a reserved token, legal only in annotations.
      pos++;
      return { kind: 'atom', value: ';', start, end: pos, line: startLine, reserved: true };
    }
    if (strings.length === 1 && atomRuns === 0) return strings[0];
    let raw = '';
    for (let i = start; i < pos; i++) raw += String.fromCharCode(src[i]);
    if (strings.length === 0) return { kind: 'atom', value: raw, start, end: pos, line: startLine };
    const first = src[start];
    if (strings.length === 1 && atomRuns === 1 && strings[0].start === start + 1 && (first === 36 || first === 64)) {
      // A quoted name, named by its string's content: `$"f"` and `$f` are the same.
      let value = String.fromCharCode(first);
      for (const b of strings[0].bytes) value += String.fromCharCode(b);
      return { kind: 'atom', value, start, end: pos, line: startLine };
    }
    return { kind: 'atom', value: raw, start, end: pos, line: startLine, reserved: true };
  }

  // An explicit stack rather than recursion: deeply nested modules exist in the suite.
  const top: SNode[] = [];
  const stack: SList[] = [];
  /** The open annotation (at most one: what is inside one is its content). */
  const annotations = new Set<SList>();
  for (;;) {
    skipTrivia();
    if (pos >= n) break;
    const c = src[pos];
    const into = stack.length ? stack[stack.length - 1].items : top;
    if (c === C.LPAREN) {
      const list: SList = { kind: 'list', items: [], start: pos, end: -1, line };
      // `(@` opens an annotation, except inside one, where anything balanced goes.
      if (src[pos + 1] === 64 && annotations.size === 0) annotations.add(list);
      into.push(list);
      stack.push(list);
      pos++;
    } else if (c === C.RPAREN) {
      const list = stack.pop();
      if (!list) fail('unexpected )');
      pos++;
      list!.end = pos;
      if (annotations.delete(list!)) {
        checkAnnotation(list!);
        (stack.length ? stack[stack.length - 1].items : top).pop();
      }
    } else {
      into.push(readToken());
    }
  }
  if (stack.length) {
    line = stack[stack.length - 1].line;
    pos = stack[stack.length - 1].start;
    fail(annotations.has(stack[stack.length - 1]) ? 'unclosed annotation' : 'unclosed (');
  }
  return top;

  /** `(@id ...)`: the id is at least one character (a quoted one valid UTF-8). */
  function checkAnnotation(list: SList): void {
    const id = list.items[0] as SAtom;
    const problem = id.value.length === 1 ? 'empty annotation id'
      : !isUtf8(Uint8Array.from(id.value.slice(1), (ch) => ch.charCodeAt(0))) ? 'malformed UTF-8 encoding in annotation id' : undefined;
    if (problem) {
      line = list.line;
      pos = list.start;
      fail(problem);
    }
  }
}

/** The head keyword of a list, or undefined. */
export function head(node: SNode | undefined): string | undefined {
  if (!node || node.kind !== 'list') return undefined;
  const h = node.items[0];
  return h && h.kind === 'atom' ? h.value : undefined;
}

export function isAtom(node: SNode | undefined, value?: string): node is SAtom {
  return !!node && node.kind === 'atom' && (value === undefined || node.value === value);
}

/** Decodes a string literal as UTF-8 (replacement characters for invalid bytes). */
export function stringText(node: SString): string {
  // ignoreBOM: a leading U+FEFF is part of the name (names.wast uses one).
  return new TextDecoder('utf-8', { ignoreBOM: true }).decode(node.bytes);
}

/** Strict UTF-8 decode; returns undefined for invalid input. */
export function stringTextStrict(node: SString): string | undefined {
  try {
    return new TextDecoder('utf-8', { fatal: true, ignoreBOM: true }).decode(node.bytes);
  } catch {
    return undefined;
  }
}
