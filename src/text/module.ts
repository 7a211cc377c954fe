// A module in the text format to its binary encoding.
//
// Two passes over the fields. The first binds every name (types, functions,
// tables, memories, globals, tags, elem and data segments), so that any field
// may refer to any other, and checks that imports come before definitions. The
// second encodes the fields in text order into one writer per section; type
// uses that insert a function type do so in that order, after the written
// types. Inline forms are expanded as the text format defines them:
// `(func (export "e") (import "m" "n") ...)`, `(table funcref (elem ...))`,
// `(memory (data ...))`. Nothing is validated that the binary format would let
// through: a well-formed but invalid module must reach the validator.
import { Cursor, describe, idBytes } from './cursor.js';
import { parseNat } from './literals.js';
import { CodeWriter } from './instructions.js';
import { Names, Space, SPACE_NAMES, type ModuleScope } from './scope.js';
import type { SAtom, SList, SNode } from './sexpr.js';
import type { SourceText } from './source.js';
import {
  refType, signature, TypeTable, tryValType, typeUse, valType, writeValType,
  type TypeEntry,
} from './types.js';
import { Writer } from './writer.js';
import { assembleSections } from './sections.js';

const KIND_SPACE: Record<string, Space> = { func: Space.Func, table: Space.Table, memory: Space.Memory, global: Space.Global, tag: Space.Tag };
const KIND_BYTE: Record<string, number> = { func: 0, table: 1, memory: 2, global: 3, tag: 4 };

/** A section being written: its entries and how many there are. */
export class Section {
  readonly w = new Writer();
  count = 0;
}

export interface ModuleOptions {
  /** `(module $name)`: written to the name section. */
  moduleName?: SAtom;
  /** Write a name section with the module's and functions' names (default true). */
  names?: boolean;
}

export class ModuleAssembler implements ModuleScope {
  readonly types = new TypeTable();
  readonly spaces = [new Names(), new Names(), new Names(), new Names(), new Names(), new Names(), new Names()];
  /** Type definitions: one entry per group, in order. */
  readonly groups: { at: number; rec: boolean; types: number[] }[] = [];
  readonly imports = new Section();
  readonly funcs = new Section();
  readonly tables = new Section();
  readonly memories = new Section();
  readonly tags = new Section();
  readonly globals = new Section();
  readonly exports = new Section();
  readonly elems = new Section();
  readonly datas = new Section();
  readonly code = new Section();
  start: { index: number; at: number } | undefined;
  dataCount = false;
  readonly funcNames = new Map<number, Uint8Array>();
  /** Next index of each space while encoding (the second pass). */
  private readonly next = [0, 0, 0, 0, 0, 0, 0];

  constructor(
    readonly src: SourceText,
    private readonly list: SList,
    private readonly first: number,
    private readonly options: ModuleOptions = {},
  ) {}

  index(c: Cursor, n: SNode | undefined, space: Space): number {
    if (!n) c.fail(`unexpected end of list, expected a ${SPACE_NAMES[space]} index`);
    if (n.kind === 'atom' && n.value.startsWith('$')) {
      const i = this.spaces[space].ids.get(n.value);
      if (i === undefined) c.fail(`unknown ${SPACE_NAMES[space]} ${n.value}`, n.start);
      return i;
    }
    if (n.kind === 'atom' && /^[0-9]/.test(n.value)) {
      const v = parseNat(n.value);
      if (v === undefined || v >= 0x100000000n) c.fail(`malformed ${SPACE_NAMES[space]} index ${n.value}`, n.start);
      return Number(v);
    }
    return c.fail(`unexpected ${describe(n)}, expected a ${SPACE_NAMES[space]} index`, n.start);
  }

  usesDataCount(): void {
    this.dataCount = true;
  }

  private fields(): Cursor {
    return Cursor.of(this.src, this.list, this.first);
  }

  deepest = 0;

  assemble(): Writer {
    this.declare();
    this.defineTypes();
    try {
      for (let c = this.fields(), f = c.next(); f; f = c.next()) this.define(f as SList);
    } catch (e) {
      // Folded instructions are read recursively: thousands of levels can exhaust
      // the stack, which is reported where it happened rather than as a RangeError.
      if (e instanceof RangeError && /call stack/i.test(e.message)) throw this.src.error(this.deepest, 'instructions nested too deeply');
      throw e;
    }
    return assembleSections(this, this.options);
  }

  // ---- first pass: names -------------------------------------------------------

  private bind(space: Space, id: SAtom | undefined, c: Cursor): number {
    const names = this.spaces[space];
    const i = names.count++;
    if (id) {
      if (names.ids.has(id.value)) c.fail(`duplicate ${SPACE_NAMES[space]} ${id.value}`, id.start);
      names.ids.set(id.value, i);
    }
    return i;
  }

  private declare(): void {
    let definition: string | undefined;
    const c = this.fields();
    for (let f = c.next(); f; f = c.next()) {
      if (f.kind !== 'list' || f.items[0]?.kind !== 'atom') throw this.src.error(f.start, `unexpected ${describe(f)}, expected a module field`);
      const h = (f.items[0] as SAtom).value;
      const fc = Cursor.of(this.src, f);
      if (h === 'type') this.declareType(fc);
      else if (h === 'rec') {
        for (let t = fc.next(); t; t = fc.next()) {
          if (t.kind !== 'list' || (t.items[0] as SAtom | undefined)?.value !== 'type') throw this.src.error(t.start, `unexpected ${describe(t)}, expected (type ...)`);
          this.declareType(Cursor.of(this.src, t));
        }
      } else if (h === 'import') {
        if (definition) fc.fail(`import after ${definition}`, f.start);
        fc.string();
        fc.string();
        const desc = fc.need('an import description');
        const kind = desc.kind === 'list' && desc.items[0]?.kind === 'atom' ? (desc.items[0] as SAtom).value : '';
        if (KIND_SPACE[kind] === undefined) fc.fail(`unexpected ${describe(desc)}, expected an import description`, desc.start);
        const dc = Cursor.of(this.src, desc as SList);
        this.bind(KIND_SPACE[kind], dc.id(), dc);
      } else if (KIND_SPACE[h] !== undefined) {
        const id = fc.id();
        while (fc.list('export'));
        const imported = fc.peekHead() === 'import';
        if (imported && definition) fc.fail(`import after ${definition}`, f.start);
        if (!imported) definition ??= h === 'func' ? 'function' : h;
        this.bind(KIND_SPACE[h], id, fc);
        // Inline segments take the next segment index, in text order.
        if (!imported && h === 'table' && hasInline(fc, 'elem')) this.spaces[Space.Elem].count++;
        if (!imported && h === 'memory' && hasInline(fc, 'data')) this.spaces[Space.Data].count++;
      } else if (h === 'elem') this.bind(Space.Elem, fc.id(), fc);
      else if (h === 'data') this.bind(Space.Data, fc.id(), fc);
      else if (h !== 'export' && h !== 'start') fc.fail(`unknown module field ${h}`, f.start);
    }
  }

  private declareType(c: Cursor): void {
    const id = c.id();
    if (id) {
      if (this.types.names.has(id.value)) c.fail(`duplicate type ${id.value}`, id.start);
      this.types.names.set(id.value, this.typeCount);
    }
    this.typeCount++;
  }

  private typeCount = 0;

  // ---- types -----------------------------------------------------------------

  private defineTypes(): void {
    const c = this.fields();
    for (let f = c.next(); f; f = c.next()) {
      const l = f as SList;
      const h = (l.items[0] as SAtom).value;
      if (h === 'type') {
        const start = this.types.entries.length;
        this.groups.push({ at: l.start, rec: false, types: [this.typeDef(l, start, 1)] });
      } else if (h === 'rec') {
        const rc = Cursor.of(this.src, l);
        const members: SList[] = [];
        for (let t = rc.next(); t; t = rc.next()) members.push(t as SList);
        const start = this.types.entries.length;
        const types = members.map((t) => this.typeDef(t, start, members.length));
        this.groups.push({ at: l.start, rec: true, types });
      }
    }
  }

  /** `(type $id? (func ...))` or `(type $id? (sub final? $super* (func ...)))`. */
  private typeDef(list: SList, group: number, groupSize: number): number {
    const c = Cursor.of(this.src, list);
    c.id();
    let def: SNode = c.need('a type definition');
    let open = false;
    if (def.kind === 'list' && head(def) === 'sub') {
      const s = Cursor.of(this.src, def);
      open = !s.keyword('final');
      if (s.peekIndex()) s.fail('unsupported feature: gc');
      def = s.need('a function type');
      s.end();
    }
    if (def.kind !== 'list' || head(def) !== 'func') {
      const h = head(def);
      const f = h === 'struct' || h === 'array' ? 'gc' : h === 'cont' ? 'stack-switching' : undefined;
      throw this.src.error(def.start, f ? `unsupported feature: ${f}` : `unexpected ${describe(def)}, expected (func ...)`);
    }
    c.end();
    const fc = Cursor.of(this.src, def);
    const s = signature(fc, this.types, true);
    fc.end();
    const entry: TypeEntry = { sig: s.sig, pos: s.pos, at: list.start, open, group, groupSize };
    return this.types.add(entry);
  }

  // ---- second pass: fields -----------------------------------------------------

  private define(f: SList): void {
    const h = (f.items[0] as SAtom).value;
    const c = Cursor.of(this.src, f);
    switch (h) {
      case 'type':
      case 'rec':
        return;
      case 'import': {
        const module = c.string('a module name');
        const name = c.string('an import name');
        const desc = c.next() as SList;
        c.end();
        const kind = (desc.items[0] as SAtom).value;
        const dc = Cursor.of(this.src, desc);
        const id = dc.id();
        const index = this.next[KIND_SPACE[kind]]++;
        if (kind === 'func' && id && this.options.names !== false) this.funcNames.set(index, idBytes(id.value));
        this.importEntry(f.start, kind, module.bytes, name.bytes, dc);
        return;
      }
      case 'func':
      case 'table':
      case 'memory':
      case 'global':
      case 'tag':
        return this.definition(h, f, c);
      case 'export': {
        const name = c.string('an export name');
        const desc = c.need('an export description');
        c.end();
        const kind = head(desc);
        if (desc.kind !== 'list' || kind === undefined || KIND_SPACE[kind] === undefined) {
          throw this.src.error(desc.start, `unexpected ${describe(desc)}, expected an export description`);
        }
        const dc = Cursor.of(this.src, desc);
        const index = this.index(dc, dc.next(), KIND_SPACE[kind]);
        dc.end();
        this.exportEntry(f.start, name.bytes, kind, index);
        return;
      }
      case 'start': {
        if (this.start) c.fail('multiple start sections', f.start);
        this.start = { index: this.index(c, c.next(), Space.Func), at: f.start };
        c.end();
        return;
      }
      case 'elem':
        return this.elem(f, c);
      case 'data':
        return this.data(f, c);
    }
  }

  private exportEntry(at: number, name: Uint8Array, kind: string, index: number): void {
    checkName(this.src, at, name);
    const w = this.exports.w;
    w.mark(at);
    w.vecBytes(name);
    w.u8(KIND_BYTE[kind]);
    w.u32(index);
    this.exports.count++;
  }

  /** func, table, memory, global, tag: inline exports, then an inline import or a definition. */
  private definition(kind: string, f: SList, c: Cursor): void {
    const space = KIND_SPACE[kind];
    const id = c.id();
    const index = this.next[space]++;
    for (let e = c.list('export'); e; e = c.list('export')) {
      const ec = Cursor.of(this.src, e);
      const name = ec.string('an export name');
      ec.end();
      this.exportEntry(e.start, name.bytes, kind, index);
    }
    if (kind === 'func' && id && this.options.names !== false) this.funcNames.set(index, idBytes(id.value));
    const imp = c.list('import');
    if (imp) {
      const ic = Cursor.of(this.src, imp);
      const module = ic.string('a module name');
      const name = ic.string('an import name');
      ic.end();
      this.importEntry(f.start, kind, module.bytes, name.bytes, c);
      return;
    }
    switch (kind) {
      case 'func':
        return this.func(f, c);
      case 'table':
        return this.table(f, c, index);
      case 'memory':
        return this.memory(f, c, index);
      case 'global': {
        const w = this.globals.w;
        w.mark(f.start);
        this.globalType(c, w);
        new CodeWriter(this, w, new Map()).expr(c, f.end - 1);
        this.globals.count++;
        return;
      }
      case 'tag': {
        const w = this.tags.w;
        w.mark(f.start);
        w.u8(0);
        w.u32(typeUse(c, this.types, true).index);
        c.end();
        this.tags.count++;
        return;
      }
    }
  }

  /** An import of `kind` whose description follows in `c` (after any `$id`). */
  private importEntry(at: number, kind: string, module: Uint8Array, name: Uint8Array, c: Cursor): void {
    checkName(this.src, at, module);
    checkName(this.src, at, name);
    const w = this.imports.w;
    w.mark(at);
    w.vecBytes(module);
    w.vecBytes(name);
    w.u8(KIND_BYTE[kind]);
    switch (kind) {
      case 'func':
      case 'tag':
        if (kind === 'tag') w.u8(0);
        w.u32(typeUse(c, this.types, true).index);
        break;
      case 'table':
        this.tableType(c, w);
        break;
      case 'memory':
        this.memoryType(c, w);
        break;
      case 'global':
        this.globalType(c, w);
        break;
    }
    c.end();
    this.imports.count++;
  }

  // ---- functions -----------------------------------------------------------------

  private func(f: SList, c: Cursor): void {
    const use = typeUse(c, this.types, true);
    this.funcs.w.mark(f.start);
    this.funcs.w.u32(use.index);
    this.funcs.count++;
    const locals = new Map<string, number>();
    const bindLocal = (id: SAtom, i: number) => {
      if (locals.has(id.value)) c.fail(`duplicate local ${id.value}`, id.start);
      locals.set(id.value, i);
    };
    use.names.forEach((id, i) => id && bindLocal(id, i));
    let n = use.sig ? use.sig.params.length : use.names.length;
    const body = new Writer(256);
    body.mark(f.start);
    // Consecutive locals of one type are one entry of the local declarations.
    const groups: { count: number; type: number; at: number }[] = [];
    const add = (type: number, at: number) => {
      const g = groups[groups.length - 1];
      if (g && g.type === type) g.count++;
      else groups.push({ count: 1, type, at });
      n++;
    };
    for (let l = c.list('local'); l; l = c.list('local')) {
      const lc = Cursor.of(this.src, l);
      const id = lc.id();
      if (id) {
        bindLocal(id, n);
        add(valType(lc, this.types).type, l.start);
      } else {
        for (let t = tryValType(lc, this.types); t; t = tryValType(lc, this.types)) add(t.type, t.at);
      }
      lc.end();
    }
    body.u32(groups.length);
    for (const g of groups) {
      body.mark(g.at);
      body.u32(g.count);
      writeValType(body, g.type);
    }
    new CodeWriter(this, body, locals).expr(c, f.end - 1);
    this.code.w.mark(f.start);
    this.code.w.appendSized(body);
    this.code.count++;
  }

  // ---- tables and memories ------------------------------------------------------------

  /** `i32` or `i64` before limits: whether the address type is i64. */
  private addressType(c: Cursor): boolean {
    if (c.keyword('i64')) return true;
    c.keyword('i32');
    return false;
  }

  /** `min max?` with the flags byte: bit 0 max, bit 1 shared, bit 2 64-bit addresses. */
  private limits(c: Cursor, w: Writer, i64: boolean, shared: boolean): void {
    const min = c.nat('a limit', 64);
    const max = c.peekIndex() && !c.peekAtom()!.startsWith('$') ? c.nat('a limit', 64) : undefined;
    const isShared = shared && c.keyword('shared');
    w.u8((max !== undefined ? 1 : 0) | (isShared ? 2 : 0) | (i64 ? 4 : 0));
    w.u64(min);
    if (max !== undefined) w.u64(max);
  }

  private tableType(c: Cursor, w: Writer): void {
    const i64 = this.addressType(c);
    const lw = new Writer(16);
    this.limits(c, lw, i64, false);
    const t = refType(c, this.types);
    w.mark(t.at);
    writeValType(w, t.type);
    w.append(lw);
  }

  private memoryType(c: Cursor, w: Writer, i64 = this.addressType(c)): void {
    if (c.peekHead() === 'pagesize') c.fail('unsupported feature: custom-page-sizes');
    this.limits(c, w, i64, true);
    if (c.peekHead() === 'pagesize') c.fail('unsupported feature: custom-page-sizes');
  }

  private globalType(c: Cursor, w: Writer): void {
    const mut = c.list('mut');
    if (mut) {
      const mc = Cursor.of(this.src, mut);
      const t = valType(mc, this.types);
      mc.end();
      w.mark(t.at);
      writeValType(w, t.type);
      w.u8(1);
    } else {
      const t = valType(c, this.types);
      w.mark(t.at);
      writeValType(w, t.type);
      w.u8(0);
    }
  }

  private table(f: SList, c: Cursor, index: number): void {
    const w = this.tables.w;
    w.mark(f.start);
    this.tables.count++;
    const i64 = this.addressType(c);
    const t = tryValType(c, this.types);
    if (t) {
      // (table reftype (elem ...)): limits from the element count, and an active
      // segment at 0 of the table's type (function indices x become (ref.func x)).
      const inline = c.list('elem');
      if (!inline) c.fail('expected limits or (elem ...)');
      c.end();
      const ec = Cursor.of(this.src, inline);
      const exprs = ec.peek()?.kind === 'list';
      const items: SNode[] = [];
      for (let n = ec.next(); n; n = ec.next()) items.push(n);
      writeValType(w, t.type);
      w.u8(i64 ? 5 : 1);
      w.u64(BigInt(items.length));
      w.u64(BigInt(items.length));
      const ew = this.elems.w;
      ew.mark(inline.start);
      const implicit = index === 0 && t.type === 0x70;
      ew.u32(implicit ? 4 : 6);
      if (!implicit) ew.u32(index);
      zeroOffset(ew, i64);
      if (!implicit) writeValType(ew, t.type);
      if (exprs) this.elemExprs(ec, items, ew);
      else {
        ew.u32(items.length);
        for (const n of items) {
          ew.mark(n.start);
          ew.u8(0xd2);
          ew.u32(this.index(ec, n, Space.Func));
          ew.u8(0x0b);
        }
      }
      this.elems.count++;
      this.next[Space.Elem]++;
      return;
    }
    const lw = new Writer(16);
    this.limits(c, lw, i64, false);
    const rt = refType(c, this.types);
    if (c.atEnd()) {
      writeValType(w, rt.type);
      w.append(lw);
      return;
    }
    // A table with an initializer expression: 0x40 0x00, the table type, the expression.
    w.u8(0x40);
    w.u8(0);
    writeValType(w, rt.type);
    w.append(lw);
    new CodeWriter(this, w, new Map()).expr(c, f.end - 1);
  }

  private memory(f: SList, c: Cursor, index: number): void {
    const w = this.memories.w;
    w.mark(f.start);
    this.memories.count++;
    const i64 = this.addressType(c);
    const inline = c.list('data');
    if (!inline) {
      this.memoryType(c, w, i64);
      c.end();
      return;
    }
    c.end();
    // (memory (data ...)): as many pages as the bytes need, and an active segment at 0.
    const bytes = this.strings(Cursor.of(this.src, inline));
    const pages = BigInt(Math.ceil(bytes.length / 65536));
    w.u8(i64 ? 5 : 1);
    w.u64(pages);
    w.u64(pages);
    const dw = this.datas.w;
    dw.mark(inline.start);
    if (index === 0) dw.u8(0);
    else {
      dw.u8(2);
      dw.u32(index);
    }
    zeroOffset(dw, i64);
    dw.vecBytes(bytes);
    this.datas.count++;
    this.next[Space.Data]++;
  }

  private strings(c: Cursor): Uint8Array {
    const parts: Uint8Array[] = [];
    for (let n = c.next(); n; n = c.next()) {
      if (n.kind !== 'string') c.fail(`unexpected ${describe(n)}, expected a string`, n.start);
      parts.push(n.bytes);
    }
    const out = new Uint8Array(parts.reduce((k, p) => k + p.length, 0));
    let o = 0;
    for (const p of parts) {
      out.set(p, o);
      o += p.length;
    }
    return out;
  }

  // ---- segments -------------------------------------------------------------------

  /** `(offset instr*)` or one folded instruction: the offset expression. */
  private offset(c: Cursor, w: Writer): void {
    const o = c.list('offset');
    if (o) {
      new CodeWriter(this, w, new Map()).expr(Cursor.of(this.src, o), o.end - 1);
      return;
    }
    const n = c.next() as SList;
    new CodeWriter(this, w, new Map()).expr(new Cursor(this.src, { ...n, items: [n], start: n.start }, 0), n.end - 1);
  }

  private elem(f: SList, c: Cursor): void {
    this.next[Space.Elem]++;
    c.id();
    const w = this.elems.w;
    w.mark(f.start);
    this.elems.count++;
    let mode: 'active' | 'passive' | 'declarative' = 'passive';
    let table = 0;
    const offset = new Writer(16);
    if (c.keyword('declare')) mode = 'declarative';
    else {
      const t = c.list('table');
      if (t) {
        const tc = Cursor.of(this.src, t);
        table = this.index(tc, tc.next(), Space.Table);
        tc.end();
      }
      const h = c.peekHead();
      if (t || (h !== undefined && h !== 'ref' && h !== 'item')) {
        mode = 'active';
        if (!c.peek()) c.fail('expected an offset');
        this.offset(c, offset);
      }
    }
    // The element list: `func x*`, `reftype expr*`, or (active, no table) bare `x*`.
    const rt = c.keyword('func') ? undefined : tryValType(c, this.types);
    const flags = (rt ? 4 : 0) | (mode === 'passive' ? 1 : mode === 'declarative' ? 3 : table !== 0 || (rt && rt.type !== 0x70) ? 2 : 0);
    w.u32(flags);
    if (flags & 2 && mode === 'active') w.u32(table);
    if (mode === 'active') w.append(offset);
    if (rt) {
      if (flags & 3) writeValType(w, rt.type);
      const items: SNode[] = [];
      for (let n = c.next(); n; n = c.next()) items.push(n);
      this.elemExprs(c, items, w);
    } else {
      if (flags & 3) w.u8(0);
      const items: number[] = [];
      for (let n = c.next(); n; n = c.next()) items.push(this.index(c, n, Space.Func));
      w.u32(items.length);
      for (const i of items) w.u32(i);
    }
  }

  /** Element expressions: `(item instr*)` or one folded instruction each. */
  private elemExprs(c: Cursor, items: SNode[], w: Writer): void {
    w.u32(items.length);
    for (const n of items) {
      if (n.kind !== 'list') c.fail(`unexpected ${describe(n)}, expected an element expression`, n.start);
      w.mark(n.start);
      const cw = new CodeWriter(this, w, new Map());
      if (head(n) === 'item') cw.expr(Cursor.of(this.src, n), n.end - 1);
      else cw.expr(new Cursor(this.src, { ...n, items: [n] }, 0), n.end - 1);
    }
  }

  private data(f: SList, c: Cursor): void {
    this.next[Space.Data]++;
    c.id();
    const w = this.datas.w;
    w.mark(f.start);
    this.datas.count++;
    const m = c.list('memory');
    let mem = 0;
    if (m) {
      const mc = Cursor.of(this.src, m);
      mem = this.index(mc, mc.next(), Space.Memory);
      mc.end();
    }
    if (!m && (c.atEnd() || c.peek()!.kind === 'string')) {
      w.u8(1);
      w.vecBytes(this.strings(c));
      return;
    }
    if (mem === 0) w.u8(0);
    else {
      w.u8(2);
      w.u32(mem);
    }
    if (!c.peek() || c.peek()!.kind !== 'list') c.fail('expected an offset');
    this.offset(c, w);
    w.vecBytes(this.strings(c));
  }
}

function head(n: SNode | undefined): string | undefined {
  if (n?.kind !== 'list') return undefined;
  const h = n.items[0];
  return h?.kind === 'atom' ? h.value : undefined;
}

/** Whether a table or memory field has an inline `(elem ...)` / `(data ...)`. */
function hasInline(c: Cursor, what: string): boolean {
  for (let n = c.peek(); n; c.i++, n = c.peek()) if (head(n) === what) return true;
  return false;
}

/** `i32.const 0` (or i64) and `end`: the offset of an inline segment. */
function zeroOffset(w: Writer, i64: boolean): void {
  w.u8(i64 ? 0x42 : 0x41);
  w.u8(0);
  w.u8(0x0b);
}

/** Import and export names must be valid UTF-8. */
function checkName(src: SourceText, at: number, name: Uint8Array): void {
  try {
    new TextDecoder('utf-8', { fatal: true }).decode(name);
  } catch {
    throw src.error(at, 'malformed UTF-8 encoding');
  }
}
