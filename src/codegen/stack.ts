// The operand stack of one function being lowered, and the output lines.
//
// Wasm's operand stack becomes JS in two ways. A value is either *pending* — a JS
// expression not yet evaluated, folded into whatever consumes it — or *in its slot*:
// the variable `s<k>` for stack depth k. Depth-named slots make every join point
// (block ends, branches, loop heads) agree on where values live without any
// renaming: a block entered at height h leaves its results in s<h>, s<h+1>, ...
//
// Folding is only sound while evaluation order is kept. JS evaluates operands left
// to right, like Wasm pushes them, so a consumer expression preserves order among
// its operands. What can break it is a *statement* (a store, a local.set, a call
// whose result is not used, a branch) emitted while older pending values are still
// unevaluated: before any statement, pending values that touch state or may trap
// are evaluated into their slots (`flushForStatement`), and before a local.set,
// pending values that read locals are too. At control boundaries everything is
// evaluated (`materializeAll`), since the code after a join cannot know which path
// produced a pending expression.

/** Properties of a pending expression. */
export const enum Flag {
  /** A constant: may stay pending across anything. */
  Const = 1,
  /** Reads a Wasm local: must be evaluated before that local is written. */
  Local = 2,
  /** Reads memory, a table or a mutable global: evaluated before state changes. */
  State = 4,
  /** May trap, throw, or have side effects (calls): keeps its place in order. */
  Effect = 8,
  /** A JS boolean standing for an i32 0/1 (comparisons): cheap in conditions. */
  Bool = 16,
  /** Exactly the slot variable of its own depth. */
  InSlot = 32,
  /**
   * A float that cannot be a NaN with a payload (an arithmetic result, or a
   * non-NaN constant): its bits survive the hardware float conversions, so an f32
   * store needs no NaN check.
   */
  Canon = 64,
}

export interface Entry {
  code: string;
  flags: number;
  /**
   * With Flag.Local: the one local the expression reads, or MANY_LOCALS. A
   * local.set then only evaluates the pending readers of that local.
   */
  local?: number;
  /** Highest slot variable the expression reads (-1: none). */
  maxSlot: number;
  /** Number of operators folded in; bounds expression nesting depth. */
  size: number;
  /**
   * Code for the same value valid when its NaN payload does not matter (an f32
   * load without the bit-exact NaN path), for consumers whose result is the same
   * for every NaN input (arithmetic, comparisons, conversions).
   */
  fast?: string;
  /** The value of an i32 (number) or i64 (bigint) constant entry. */
  constant?: number | bigint;
  /**
   * The code is one name or literal (a slot, a local, a constant): it may be
   * written twice without being evaluated twice or acting.
   */
  atom?: boolean;
  /**
   * For an i64 expression: number code for its low 32 bits, from the same
   * sub-expressions (narrow.ts), for i32.wrap_i64. Valid while the entry is
   * pending, as `code` is.
   */
  lo32?: string;
  /** One above the highest rotate temporary `$q<k>` the code uses; 0 or absent: none (numeric.ts). */
  q?: number;
  /**
   * For the i32 0/1 of an i64 comparison (numeric.ts compare64): the same
   * value as an i64 expression over the same operands, for an
   * i64.extend_i32_u/s of it (a carry) that then needs no conversion.
   */
  bit64?: string;
  /**
   * With Flag.Effect: the Wasm offset of the first instruction folded into the
   * expression that may trap or throw. A line evaluating the expression maps
   * there in the source map, so that a trap in `return $i32DivS(l0, l1);` is
   * shown at the `i32.div_s`, not at the `end` that emitted the line.
   */
  at?: number;
}

/** Entry.local of an expression reading more than one local. */
export const MANY_LOCALS = -2;

/** Expressions folding more operators than this are evaluated into a slot. */
const MAX_FOLD = 48;

export class OperandStack {
  readonly entries: Entry[] = [];
  /** Output: one statement per line; `offsets[i]` is the Wasm offset of line i (-1: none). */
  lines: string[] = [];
  offsets: number[] = [];
  indent = 1;
  /** Wasm offset of the instruction being lowered, for the source map. */
  get offset(): number {
    return this.current;
  }
  set offset(offset: number) {
    this.current = offset;
    this.lineAt = undefined;
  }
  private current = -1;
  /** The earliest Entry.at among entries whose code was taken since the last line (or instruction). */
  private lineAt: number | undefined;
  /** Highest slot index ever written, to declare s0..sN. */
  maxSlotUsed = -1;
  /** Whether lines are indented by nesting (off for big modules: ModuleContext.indent). */
  indented = true;

  get height(): number {
    return this.entries.length;
  }

  /** Adds a line; it maps to the first trapping instruction whose code it evaluates (Entry.at), else the current one. */
  emit(line: string): number {
    this.lines.push(this.indented ? '  '.repeat(Math.min(this.indent, 24)) + line : line);
    this.offsets.push(this.lineAt ?? this.current);
    this.lineAt = undefined;
    return this.lines.length - 1;
  }

  /** Notes that `e`'s code is used (for the offset of the line it ends up on). */
  private used(e: Entry): void {
    if (e.at !== undefined && !(this.lineAt !== undefined && this.lineAt <= e.at)) this.lineAt = e.at;
  }

  /**
   * The lines `fn` emits, kept apart from the function's (code placed
   * elsewhere later: the dispatch loop's routing, dispatch.ts).
   */
  capture(fn: () => void): { lines: string[]; offsets: number[] } {
    const lines = this.lines;
    const offsets = this.offsets;
    const out = { lines: (this.lines = []) as string[], offsets: (this.offsets = []) as number[] };
    try {
      fn();
    } finally {
      this.lines = lines;
      this.offsets = offsets;
    }
    return out;
  }

  /** Reserve a line to be filled in later (block labels are known only at `end`). */
  placeholder(): number {
    this.lines.push('');
    this.offsets.push(this.offset);
    return this.lines.length - 1;
  }

  fill(index: number, line: string, indent: number): void {
    this.lines[index] = this.indented ? '  '.repeat(Math.min(indent, 24)) + line : line;
  }

  slot(k: number): string {
    return 's' + k;
  }

  push(code: string, flags: number, maxSlot = -1, size = 1, local?: number, fast?: string, q?: number, at?: number): void {
    const e: Entry = { code, flags, maxSlot, size, local, fast };
    if (q) e.q = q;
    if (flags & Flag.Effect) e.at = at ?? this.current;
    this.entries.push(e);
    if (size > MAX_FOLD) this.materialize(this.entries.length - 1);
  }

  /** A constant: its code, the value when it is an integer, whether the code is a literal (Entry.atom). */
  pushConst(code: string, flags: number, constant?: number | bigint, atom = true): void {
    this.entries.push({ code, flags: flags | Flag.Const, maxSlot: -1, size: 1, constant, atom });
  }

  /** A read of local `index` through the binding `code`. */
  pushLocal(code: string, index: number): void {
    this.entries.push({ code, flags: Flag.Local, maxSlot: -1, size: 1, local: index, atom: true });
  }

  pushSlot(k: number): void {
    this.entries[k] = { code: this.slot(k), flags: Flag.InSlot, maxSlot: k, size: 1, atom: true };
  }

  /**
   * Write `code` to slot k as a statement (the one way a slot is written, so
   * every written slot is declared), after statements `before` on the same
   * line, if any. The caller prepared the write
   * (prepareSlotWrite) where pending entries below could read the slot.
   */
  writeSlot(k: number, code: string, before = ''): void {
    this.emit(`${before}${this.slot(k)} = ${code};`);
    if (k > this.maxSlotUsed) this.maxSlotUsed = k;
  }

  /** Pop the top n entries, in stack order (deepest first). */
  popN(n: number): Entry[] {
    const es = this.entries;
    if (n > es.length) throw new Error('internal: operand stack underflow');
    return es.splice(es.length - n, n);
  }

  /** Whether an entry's value code may be written twice (see Entry.atom; booleans become `c ? 1 : 0`). */
  isAtom(e: Entry): boolean {
    return e.atom === true && !(e.flags & Flag.Bool);
  }

  pop(): Entry {
    const e = this.entries.pop();
    if (!e) throw new Error('internal: operand stack underflow');
    return e;
  }

  peek(n = 0): Entry {
    return this.entries[this.entries.length - 1 - n];
  }

  /** The JS code of an entry as an i32/other value (booleans become 0/1). */
  value(e: Entry): string {
    this.used(e);
    return e.flags & Flag.Bool ? `(${e.code} ? 1 : 0)` : e.code;
  }

  /** The JS code of an entry evaluated for its effects only (a dropped value). */
  effects(e: Entry): string {
    this.used(e);
    return e.code;
  }

  /** The JS code of an entry used as a condition. */
  cond(e: Entry): string {
    this.used(e);
    return e.code;
  }

  /** Combined flags/slots/size of operands, for a new expression built from them. */
  combine(ops: Entry[], extra: number): { flags: number; maxSlot: number; size: number; local?: number; q: number; at?: number } {
    let flags = extra;
    let maxSlot = -1;
    let size = 1;
    let local: number | undefined;
    let q = 0;
    let at: number | undefined;
    for (const o of ops) {
      if (o.at !== undefined && !(at !== undefined && at <= o.at)) at = o.at;
      if (o.q && o.q > q) q = o.q;
      flags |= o.flags & (Flag.Local | Flag.State | Flag.Effect);
      if (o.maxSlot > maxSlot) maxSlot = o.maxSlot;
      size += o.size;
      if (o.flags & Flag.Local) {
        const l = o.local ?? MANY_LOCALS;
        local = local === undefined || local === l ? l : MANY_LOCALS;
      }
    }
    if (!(flags & (Flag.Local | Flag.State | Flag.Effect)) && maxSlot < 0) flags |= Flag.Const;
    return { flags, maxSlot, size, local, q, at };
  }

  /**
   * Push an expression built from `ops` (flags, slots, size, locals and rotate
   * temporaries combined; `q`: one above the highest rotate temporary the
   * expression itself uses).
   */
  pushFrom(code: string, ops: Entry[], extra: number, fast?: string, q = 0): void {
    const c = this.combine(ops, extra);
    this.push(code, c.flags, c.maxSlot, c.size, c.local, fast, Math.max(q, c.q), c.at);
  }

  /** The code of an entry for a consumer that treats every NaN alike. */
  valueAnyNaN(e: Entry): string {
    if (e.fast === undefined) return this.value(e);
    this.used(e);
    return e.fast;
  }

  /** Before writing slot k: evaluate pending entries below k that read slots above themselves. */
  private protectSlot(k: number): void {
    const es = this.entries;
    for (let j = 0; j < k && j < es.length; j++) {
      const e = es[j];
      if (!(e.flags & (Flag.InSlot | Flag.Const)) && e.maxSlot > j) this.assignOwnSlot(j);
    }
  }

  private assignOwnSlot(k: number): void {
    const e = this.entries[k];
    this.writeSlot(k, this.value(e));
    this.pushSlot(k);
    // The slot holds exactly that value: a canonical float stays canonical.
    this.entries[k].flags |= e.flags & Flag.Canon;
  }

  /** Evaluate the entry at depth k into its slot. */
  materialize(k: number): void {
    const e = this.entries[k];
    if (e.flags & Flag.InSlot) return;
    this.protectSlot(k);
    this.assignOwnSlot(k);
  }

  /** Evaluate every non-constant pending entry (control-flow boundaries). */
  materializeAll(): void {
    const es = this.entries;
    for (let j = 0; j < es.length; j++) {
      if (!(es[j].flags & (Flag.InSlot | Flag.Const))) this.materialize(j);
    }
  }

  /**
   * Before a statement: evaluate entries that touch state or may trap; with
   * `writesLocal` (the index of the local the statement writes), the pending
   * readers of that local too. The top `keep` entries are the statement's own
   * operands and are left pending (the statement evaluates them, in order, after
   * everything below).
   */
  flushForStatement(writesLocal: boolean | number, keep = 0): void {
    const es = this.entries;
    for (let j = 0; j < es.length - keep; j++) {
      const e = es[j];
      if (e.flags & Flag.InSlot) continue;
      let must = (e.flags & (Flag.State | Flag.Effect)) !== 0;
      if (!must && writesLocal !== false && e.flags & Flag.Local) {
        must = writesLocal === true || e.local === undefined || e.local === MANY_LOCALS || e.local === writesLocal;
      }
      if (must) this.materialize(j);
    }
  }

  /**
   * Make sure entries at depths >= `from` that could trap or have effects are
   * evaluated. Evaluating one of them now moves it ahead of every pending entry
   * below it, so those that act or observe state (at any depth) are evaluated
   * first, in Wasm order.
   */
  materializeEffectsFrom(from: number): void {
    const es = this.entries;
    let last = -1;
    for (let j = from; j < es.length; j++) {
      if (es[j].flags & Flag.Effect && !(es[j].flags & Flag.InSlot)) last = j;
    }
    for (let j = 0; j <= last; j++) {
      if (es[j].flags & (Flag.State | Flag.Effect) && !(es[j].flags & Flag.InSlot)) this.materialize(j);
    }
  }

  /** Force the entry at depth k into its slot even if it is a constant (join points). */
  forceSlot(k: number): void {
    const e = this.entries[k];
    if (e.flags & Flag.InSlot) return;
    this.protectSlot(k);
    this.assignOwnSlot(k);
  }

  /**
   * Copy the top `n` values into slots target..target+n-1 (a branch carrying values).
   * Everything was materialized before, so sources are slots at or above the targets
   * or constants; copying in ascending order never overwrites a source still needed.
   */
  moveTopTo(target: number, n: number): void {
    const base = this.entries.length - n;
    for (let i = 0; i < n; i++) {
      const e = this.entries[base + i];
      const t = target + i;
      if (base + i === t && e.flags & Flag.InSlot) continue;
      this.writeSlot(t, this.value(e));
    }
  }

  /** Prepare to write slots from `h` upward with fresh results (calls with several results). */
  prepareSlotWrite(h: number): void {
    this.protectSlot(h);
  }

  /** Drop everything above height h (unreachable code discards the stack). */
  truncate(h: number): void {
    this.entries.length = h;
  }
}
