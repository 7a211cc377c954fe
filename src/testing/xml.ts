// A small, strict XML 1.0 reader for checking the JUnit reports in tests. No XML
// parser is a dependency of the project; this one rejects whatever a conforming
// parser must reject in the documents we write (no DTDs, CDATA, comments or PIs
// besides the XML declaration are expected, so they are rejected too):
// characters outside XML's Char production, also when written as references;
// unknown entities; `<` or a lone `&` in attribute values; unquoted or repeated
// attributes; mismatched or unclosed tags; text or a second element outside the
// root. Test-only (excluded from the build).

export interface XmlElement {
  name: string;
  attrs: Record<string, string>;
  children: XmlElement[];
  /** The element's own character data, references resolved. */
  text: string;
}

export class XmlError extends Error {}

/** XML 1.0 `Char`: tab, LF, CR, U+0020–U+D7FF, U+E000–U+FFFD, U+10000–U+10FFFF. */
function isXmlChar(cp: number): boolean {
  return cp === 0x9 || cp === 0xa || cp === 0xd || (cp >= 0x20 && cp <= 0xd7ff) || (cp >= 0xe000 && cp <= 0xfffd) || (cp >= 0x10000 && cp <= 0x10ffff);
}

const NAME = /^[A-Za-z_:][-A-Za-z0-9_:.]*/;
const ENTITIES: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" };

export function parseXml(doc: string): XmlElement {
  // Code points, so that an unpaired surrogate is seen as the non-character it is.
  for (const ch of doc) {
    const cp = ch.codePointAt(0)!;
    if (!isXmlChar(cp)) throw new XmlError(`character U+${cp.toString(16).padStart(4, '0')} is not allowed in XML`);
  }
  let pos = 0;
  const fail = (msg: string): never => {
    throw new XmlError(`${msg} at offset ${pos}`);
  };
  const decode = (raw: string, inAttr: boolean): string => {
    if (inAttr && raw.includes('<')) fail('`<` in an attribute value');
    return raw.replace(/&([^;]*);|&/g, (m, ref: string | undefined) => {
      if (ref === undefined) fail('`&` that starts no reference');
      const num = /^#(?:x([0-9A-Fa-f]+)|([0-9]+))$/.exec(ref!);
      if (num) {
        const cp = num[1] ? parseInt(num[1], 16) : parseInt(num[2], 10);
        if (!isXmlChar(cp)) fail(`reference to a character XML forbids (&${ref};)`);
        return String.fromCodePoint(cp);
      }
      if (!(ref! in ENTITIES)) fail(`unknown entity &${ref};`);
      return ENTITIES[ref!];
    });
  };
  const skipSpace = () => {
    while (pos < doc.length && /[ \t\r\n]/.test(doc[pos])) pos++;
  };
  if (doc.startsWith('<?xml')) {
    const end = doc.indexOf('?>');
    if (end < 0) fail('unterminated XML declaration');
    const decl = doc.slice(0, end + 2);
    if (!/^<\?xml version="1\.0"( encoding="UTF-8")?\?>$/.test(decl)) fail(`unexpected XML declaration ${decl}`);
    pos = end + 2;
  }
  const stack: XmlElement[] = [];
  let root: XmlElement | undefined;
  for (;;) {
    const lt = doc.indexOf('<', pos);
    const text = doc.slice(pos, lt < 0 ? doc.length : lt);
    if (stack.length) stack[stack.length - 1].text += decode(text, false);
    else if (text.trim()) fail('text outside the root element');
    if (text.includes(']]>')) fail('`]]>` in character data');
    if (lt < 0) break;
    pos = lt + 1;
    if (doc[pos] === '/') {
      pos++;
      const m = NAME.exec(doc.slice(pos));
      if (!m) fail('bad end tag');
      pos += m![0].length;
      skipSpace();
      if (doc[pos] !== '>') fail('bad end tag');
      pos++;
      const open = stack.pop();
      if (!open || open.name !== m![0]) fail(`end tag </${m![0]}> does not match <${open?.name ?? ''}>`);
      continue;
    }
    const m = NAME.exec(doc.slice(pos));
    if (!m) fail('`<` that starts no element');
    const el: XmlElement = { name: m![0], attrs: {}, children: [], text: '' };
    pos += m![0].length;
    for (;;) {
      const before = pos;
      skipSpace();
      if (doc.startsWith('/>', pos) || doc[pos] === '>') break;
      if (pos === before) fail('attributes must be separated by white space');
      const a = NAME.exec(doc.slice(pos));
      if (!a) fail('bad attribute name');
      pos += a![0].length;
      skipSpace();
      if (doc[pos] !== '=') fail('attribute without a value');
      pos++;
      skipSpace();
      const q = doc[pos];
      if (q !== '"' && q !== "'") fail('unquoted attribute value');
      const end = doc.indexOf(q, pos + 1);
      if (end < 0) fail('unterminated attribute value');
      if (a![0] in el.attrs) fail(`attribute ${a![0]} given twice`);
      el.attrs[a![0]] = decode(doc.slice(pos + 1, end), true);
      pos = end + 1;
    }
    if (stack.length) stack[stack.length - 1].children.push(el);
    else if (root) fail('a second root element');
    else root = el;
    if (doc[pos] === '/') pos += 2;
    else {
      pos++;
      stack.push(el);
    }
  }
  if (stack.length) fail(`unclosed <${stack[stack.length - 1].name}>`);
  if (!root) fail('no root element');
  return root!;
}

/** Every element named `name` below (and including) `el`, in document order. */
export function findAll(el: XmlElement, name: string): XmlElement[] {
  const out: XmlElement[] = [];
  const walk = (e: XmlElement) => {
    if (e.name === name) out.push(e);
    e.children.forEach(walk);
  };
  walk(el);
  return out;
}
