// Reading the items of one S-expression list, left to right. Every parser of the
// text front end consumes items through a Cursor, which also checks tokens: a
// reserved token (`a"b"`, a stray `;`, characters outside the text format's
// identifier characters) or a malformed identifier is an error wherever it is
// read.
import { parseNat } from './literals.js';
import type { SAtom, SList, SNode, SString } from './sexpr.js';
import type { SourceText } from './source.js';

/** The text format's identifier characters (idchar). */
const TOKEN = /^[0-9A-Za-z!#$%&'*+\-./:<=>?@\\^_`|~]+$/;

export class Cursor {
  i: number;
  /** Items from here on are not this cursor's (see limitTo). */
  private limit: number;

  constructor(
    readonly src: SourceText,
    readonly owner: SList,
    start = 1,
  ) {
    this.i = start;
    this.limit = owner.items.length;
  }

  /** Hides the items from `end` on (until `unlimit`). */
  limitTo(end: number): void {
    this.limit = end;
  }

  unlimit(): void {
    this.limit = this.owner.items.length;
  }

  /** A cursor over a list's items after its head keyword. */
  static of(src: SourceText, list: SList, start = 1): Cursor {
    return new Cursor(src, list, start);
  }

  peek(): SNode | undefined {
    return this.i < this.limit ? this.owner.items[this.i] : undefined;
  }

  /** The item after the next one. */
  peek2(): SNode | undefined {
    return this.i + 1 < this.limit ? this.owner.items[this.i + 1] : undefined;
  }

  next(): SNode | undefined {
    const n = this.peek();
    if (n) {
      this.i++;
      if (n.kind === 'atom') this.checkToken(n);
    }
    return n;
  }

  atEnd(): boolean {
    return this.peek() === undefined;
  }

  /** Where the next item starts, or the list's closing parenthesis. */
  here(): number {
    const n = this.owner.items[this.i];
    return n ? n.start : this.owner.end - 1;
  }

  fail(message: string, at = this.here()): never {
    throw this.src.error(at, message);
  }

  /** The next item must be there. */
  need(what: string): SNode {
    const n = this.next();
    if (!n) this.fail(`unexpected end of list, expected ${what}`);
    return n;
  }

  /** No items may be left. */
  end(): void {
    const n = this.peek();
    if (n) this.fail(`unexpected ${describe(n)}`);
  }

  /** The keyword of the next item if it is an atom. */
  peekAtom(): string | undefined {
    const n = this.peek();
    return n?.kind === 'atom' ? n.value : undefined;
  }

  /** The head keyword of the next item if it is a list. */
  peekHead(): string | undefined {
    const n = this.peek();
    if (n?.kind !== 'list') return undefined;
    const h = n.items[0];
    return h?.kind === 'atom' ? h.value : undefined;
  }

  /** Consumes the keyword `k` if it is next. */
  keyword(k: string): boolean {
    if (this.peekAtom() !== k) return false;
    this.next();
    return true;
  }

  /** Consumes an identifier `$x` if one is next. */
  id(): SAtom | undefined {
    const n = this.peek();
    if (n?.kind !== 'atom' || !n.value.startsWith('$')) return undefined;
    this.next();
    return n;
  }

  /** Consumes a list with head `head` if one is next. */
  list(head: string): SList | undefined {
    if (this.peekHead() !== head) return undefined;
    return this.next() as SList;
  }

  string(what = 'a string'): SString {
    const n = this.need(what);
    if (n.kind !== 'string') this.fail(`unexpected ${describe(n)}, expected ${what}`, n.start);
    return n;
  }

  /** Whether the next item is an index: a `$id` or an unsigned number. */
  peekIndex(): boolean {
    const n = this.peek();
    return n?.kind === 'atom' && isIndexToken(n.value);
  }

  /** An unsigned integer of at most `bits` bits. */
  nat(what: string, bits: 32 | 64): bigint {
    const n = this.need(what);
    const v = n.kind === 'atom' ? parseNat(n.value) : undefined;
    if (v === undefined) this.fail(`unexpected ${describe(n)}, expected ${what}`, n.start);
    if (v >= 1n << BigInt(bits)) this.fail(`${what} out of range: ${(n as SAtom).value}`, n.start);
    return v;
  }

  private checkToken(n: SAtom): void {
    if (n.reserved) this.fail(`unexpected token ${n.value}`, n.start);
    if (TOKEN.test(n.value) && n.value !== '$') return;
    const b = this.src.bytes;
    const quoted = b[n.start] === 36 && b[n.start + 1] === 34; // $"
    if (!quoted || n.value === '$') this.fail(n.value === '$' ? 'empty identifier' : `unexpected token ${n.value}`, n.start);
    try {
      new TextDecoder('utf-8', { fatal: true }).decode(Uint8Array.from(n.value.slice(1), (c) => c.charCodeAt(0)));
    } catch {
      this.fail('malformed UTF-8 encoding in identifier', n.start);
    }
  }
}

export function isIndexToken(v: string): boolean {
  return v.startsWith('$') || /^(?:[0-9]|0x[0-9a-fA-F])/.test(v);
}

/** How a node is named in "unexpected ..." messages. */
export function describe(n: SNode): string {
  if (n.kind === 'atom') return `token ${n.value}`;
  if (n.kind === 'string') return 'string';
  const h = n.items[0];
  return h?.kind === 'atom' ? `(${h.value} ...)` : 'list';
}

/** The bytes of an identifier's name (without `$`): the text's bytes, one char per byte. */
export function idBytes(id: string): Uint8Array {
  return Uint8Array.from(id.slice(1), (c) => c.charCodeAt(0));
}
