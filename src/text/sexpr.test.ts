import { describe, expect, it } from 'vitest';
import { head, parseSExprs, SExprError, stringText, type SList, type SNode } from './sexpr.js';

const bytes = (s: string) => new TextEncoder().encode(s);

/** A compact rendering of a tree, for comparisons. */
function show(n: SNode): unknown {
  if (n.kind === 'atom') return n.value;
  if (n.kind === 'string') return { str: Array.from(n.bytes) };
  return n.items.map(show);
}

describe('parseSExprs', () => {
  it('reads nested lists, atoms and strings', () => {
    const top = parseSExprs(bytes('(module $m (func (export "f") (result i32) (i32.const -0x1_0)))'));
    expect(top).toHaveLength(1);
    expect(show(top[0])).toEqual([
      'module', '$m',
      ['func', ['export', { str: [102] }], ['result', 'i32'], ['i32.const', '-0x1_0']],
    ]);
  });

  it('skips line comments and nested block comments', () => {
    const src = ';; first\n(a (; x (; nested ;) y ;) b) ;; tail\n(; ( unbalanced ;)(c)';
    expect(parseSExprs(bytes(src)).map(show)).toEqual([['a', 'b'], ['c']]);
  });

  it('resolves string escapes to bytes', () => {
    const [s] = parseSExprs(bytes('"a\\n\\t\\\\\\\'\\"\\00\\ff\\u{41}\\u{1F600}"'));
    expect(s.kind).toBe('string');
    expect(Array.from((s as { bytes: Uint8Array }).bytes)).toEqual([
      97, 10, 9, 92, 39, 34, 0, 0xff, 0x41, 0xf0, 0x9f, 0x98, 0x80,
    ]);
  });

  it('keeps raw bytes of non-ASCII text and decodes names as UTF-8', () => {
    const [s] = parseSExprs(bytes('"\u00e9\ufeff"'));
    expect(stringText(s as never)).toBe('\u00e9\ufeff');
  });

  it('records offsets and lines so source text can be sliced out', () => {
    const src = '(module)\n\n  (module $x\n (func))\n';
    const top = parseSExprs(bytes(src)) as SList[];
    expect(top[1].line).toBe(3);
    expect(src.slice(top[1].start, top[1].end)).toBe('(module $x\n (func))');
    const func = top[1].items[2] as SList;
    expect(func.line).toBe(4);
    expect(head(func)).toBe('func');
  });

  it('treats $"..." as one identifier named by its content', () => {
    const [l] = parseSExprs(bytes('(call $"a b" $"f")')) as SList[];
    expect(show(l)).toEqual(['call', '$a b', '$f']);
  });

  it('reports unbalanced input with a line number', () => {
    expect(() => parseSExprs(bytes('(a\n(b)'))).toThrow(SExprError);
    expect(() => parseSExprs(bytes('(a))'))).toThrow(/unexpected \)/);
    expect(() => parseSExprs(bytes('\n\n"abc'))).toThrow(/line 3/);
    expect(() => parseSExprs(bytes('(; never closed'))).toThrow(/block comment/);
  });

  it('rejects what the text format calls malformed', () => {
    // Runs of strings and identifier characters are single (reserved) tokens.
    const [d] = parseSExprs(bytes('(data "a""b" x"y" "z")')) as SList[];
    expect(d.items.map((n) => n.kind === 'atom' && !!n.reserved)).toEqual([false, true, true, false]);
    expect(show(d.items[1])).toBe('"a""b"');
    expect(() => parseSExprs(bytes('"a\tb"'))).toThrow(/control/);
    expect(parseSExprs(bytes('(data "a" "b";;c\n)(x)')).length).toBe(2);
    // Outside strings and comments: printable ASCII and whitespace only; all of it UTF-8.
    for (const bad of ['(a \x01)', '(a \x7f)', '(Heiße)', '(a \u00a0)']) expect(() => parseSExprs(bytes(bad)), bad).toThrow(/illegal character/);
    expect(() => parseSExprs(Uint8Array.of(0x28, 0x22, 0xc3, 0x22, 0x29))).toThrow(/malformed UTF-8/);
    expect(parseSExprs(bytes('("\u{e9}" ;; \u00e9 \x01\n)')).length).toBe(1);
    // A line comment also ends at a carriage return.
    expect(parseSExprs(bytes('(a ;; c\rb)')).map(show)).toEqual([['a', 'b']]);
  });

  it('drops annotations wherever they stand, checking their ids', () => {
    expect(parseSExprs(bytes('((@a) b (@a ;x "y" (@) ()) c (@"q" 1))(@top)')).map(show)).toEqual([['b', 'c']]);
    expect(show(parseSExprs(bytes('( @a)'))[0])).toEqual(['@a']); // not adjacent: no annotation
    for (const bad of ['(@)', '(@ x)', '(@"")', '(@(@a)x)']) expect(() => parseSExprs(bytes(bad)), bad).toThrow(/empty annotation id/);
    expect(() => parseSExprs(bytes('(@"\\ef")'))).toThrow(/malformed UTF-8/);
    expect(() => parseSExprs(bytes('(@x (y)'))).toThrow(/unclosed annotation/);
  });
});
