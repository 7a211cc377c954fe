// The sections of an assembled module, in the order the binary format requires,
// and the name section (the module's and the functions' names, so that compiled
// code and stack traces keep the names of the text).
import { idBytes } from './cursor.js';
import type { ModuleAssembler, ModuleOptions, Section } from './module.js';
import { writeFuncType, type TypeEntry } from './types.js';
import { Writer } from './writer.js';

const enum Id {
  Custom = 0,
  Type = 1,
  Import = 2,
  Function = 3,
  Table = 4,
  Memory = 5,
  Global = 6,
  Export = 7,
  Start = 8,
  Elem = 9,
  Code = 10,
  Data = 11,
  DataCount = 12,
  Tag = 13,
}

function subType(w: Writer, e: TypeEntry): void {
  if (e.open) {
    w.mark(e.at);
    w.u8(0x50);
    w.u8(0);
  }
  writeFuncType(w, e);
}

function typeSection(m: ModuleAssembler): Writer {
  const w = new Writer(256);
  const entries = m.types.entries;
  const defined = m.groups.reduce((k, g) => k + g.types.length, 0);
  w.u32(m.groups.length + entries.length - defined);
  for (const g of m.groups) {
    if (g.rec) {
      w.mark(g.at);
      w.u8(0x4e);
      w.u32(g.types.length);
    }
    for (const t of g.types) subType(w, entries[t]);
  }
  // Types that type uses inserted: each a group of its own.
  for (let i = defined; i < entries.length; i++) subType(w, entries[i]);
  return w;
}

function nameSection(m: ModuleAssembler, options: ModuleOptions): Writer | undefined {
  const mod = options.moduleName;
  if (!mod && m.funcNames.size === 0) return undefined;
  const w = new Writer(256);
  w.vecBytes(new TextEncoder().encode('name'));
  if (mod) {
    const sub = new Writer(32);
    sub.vecBytes(idBytes(mod.value));
    w.u8(0);
    w.appendSized(sub);
  }
  if (m.funcNames.size) {
    const sub = new Writer(256);
    const names = [...m.funcNames].sort((a, b) => a[0] - b[0]);
    sub.u32(names.length);
    for (const [i, name] of names) {
      sub.u32(i);
      sub.vecBytes(name);
    }
    w.u8(1);
    w.appendSized(sub);
  }
  return w;
}

export function assembleSections(m: ModuleAssembler, options: ModuleOptions): Writer {
  const out = new Writer(1024);
  out.bytes([0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00]);
  const put = (id: Id, body: Writer) => {
    out.u8(id);
    out.appendSized(body);
  };
  const vec = (id: Id, s: Section) => {
    if (s.count === 0) return;
    out.u8(id);
    out.appendVector(s.count, s.w);
  };
  if (m.types.entries.length) put(Id.Type, typeSection(m));
  vec(Id.Import, m.imports);
  vec(Id.Function, m.funcs);
  vec(Id.Table, m.tables);
  vec(Id.Memory, m.memories);
  vec(Id.Tag, m.tags);
  vec(Id.Global, m.globals);
  vec(Id.Export, m.exports);
  if (m.start) {
    const w = new Writer(8);
    w.mark(m.start.at);
    w.u32(m.start.index);
    put(Id.Start, w);
  }
  vec(Id.Elem, m.elems);
  // Only where memory.init or data.drop needs it, and (as wabt) not for zero segments.
  if (m.dataCount && m.datas.count > 0) {
    const w = new Writer(8);
    w.u32(m.datas.count);
    put(Id.DataCount, w);
  }
  vec(Id.Code, m.code);
  vec(Id.Data, m.datas);
  if (options.names !== false) {
    const names = nameSection(m, options);
    if (names) put(Id.Custom, names);
  }
  return out;
}
