// Structured control flow: block -> labeled JS block, loop -> labeled `for (;;)`,
// if -> `if`, br -> `break`/`continue`/`return`, br_table -> `switch`.
//
// Labels are only printed for frames some branch targets (decided at `end`, via a
// placeholder line), so straight-line Wasm blocks cost nothing in the output. A
// frame's values live in the slots at its height (see stack.ts), so a branch is
// "copy the carried values into the target's slots, then jump".
import type { Instr } from '../ir.js';
import type { FunctionLowering, Handler } from './function.js';
import { emitReturn } from './function.js';
import { Flag } from './stack.js';

export type FrameKind = 'func' | 'block' | 'loop' | 'if' | 'try_table' | 'try' | 'catch';

export interface Frame {
  kind: FrameKind;
  label: string;
  /** Operand stack height below the frame's parameters. */
  height: number;
  params: number;
  results: number;
  /** Some branch targets this frame. */
  branched: boolean;
  /** Placeholder line of the opening statement, and its indentation. */
  openLine: number;
  openIndent: number;
  /** if: the `if (...) {` text, prefixed by the label at `end` when branched. */
  openText: string;
  elseSeen: boolean;
  enteredReachable: boolean;
  /** if with else: whether the then-branch could fall through. */
  thenEndReachable: boolean;
  /** Exception frames keep extra data (exceptions.ts). */
  extra?: unknown;
}

/** Open a frame for a block-like instruction whose params are on the stack. */
export function openFrame(fl: FunctionLowering, kind: FrameKind, ins: Instr, openText = ''): Frame {
  const st = fl.stack;
  const t = ins.type!;
  const height = st.height - t.params.length;
  for (let i = 0; i < t.params.length; i++) {
    st.forceSlot(height + i);
    // A loop's back-edges refill these slots with other values: nothing is known of them.
    st.entries[height + i].flags &= ~Flag.Canon;
  }
  const f: Frame = {
    kind, label: fl.newLabel(), height, params: t.params.length, results: t.results.length,
    branched: false, openLine: -1, openIndent: st.indent, openText, elseSeen: false,
    enteredReachable: fl.reachable, thenEndReachable: false,
  };
  f.openLine = openText ? st.emit(openText) : st.placeholder();
  st.indent++;
  fl.frames.push(f);
  return f;
}

/** Put the frame's results into their slots if the current point falls through. */
export function settleResults(fl: FunctionLowering, f: Frame): void {
  if (!fl.reachable) return;
  for (let i = 0; i < f.results; i++) fl.stack.forceSlot(f.height + i);
}

/** Emit the closing text of a frame and fill in its opening line. */
export function closeFrame(fl: FunctionLowering, f: Frame, endReachable: boolean): void {
  const st = fl.stack;
  st.indent--;
  switch (f.kind) {
    case 'block':
      if (f.branched) {
        st.fill(f.openLine, `${f.label}: {`, f.openIndent);
        st.emit('}');
      }
      break;
    case 'loop':
      if (f.branched) {
        st.fill(f.openLine, `${f.label}: for (;;) {`, f.openIndent);
        if (endReachable) st.emit(`  break ${f.label};`);
        st.emit('}');
      }
      break;
    case 'if':
      if (f.branched) st.fill(f.openLine, `${f.label}: ${f.openText}`, f.openIndent);
      st.emit('}');
      break;
    default:
      throw new Error(`internal: closeFrame(${f.kind})`);
  }
}

/** Whether code after the frame's `end` is reachable. */
export function reachableAfter(f: Frame, endReachable: boolean): boolean {
  if (f.kind === 'loop') return endReachable;
  if (endReachable || f.branched) return true;
  // Legacy try: some part (body or a handler) fell through.
  if (f.kind === 'try' || f.kind === 'catch') return f.thenEndReachable;
  if (f.kind === 'if') return f.elseSeen ? f.thenEndReachable : f.enteredReachable;
  return false;
}

/** After a frame closed: its results sit in their slots. */
export function resumeAfter(fl: FunctionLowering, f: Frame, reachable: boolean): void {
  const st = fl.stack;
  st.truncate(f.height);
  fl.reachable = reachable;
  if (reachable) for (let i = 0; i < f.results; i++) st.pushSlot(f.height + i);
}

/** Jump to the frame `depth` out, carrying its values. Leaves the stack as is. */
export function branchTo(fl: FunctionLowering, depth: number): void {
  const f = fl.frameAt(depth);
  if (f.kind === 'func') {
    emitReturn(fl);
    return;
  }
  const st = fl.stack;
  const n = f.kind === 'loop' ? f.params : f.results;
  st.moveTopTo(f.height, n);
  f.branched = true;
  st.emit(f.kind === 'loop' ? `continue ${f.label};` : `break ${f.label};`);
}

const end: Handler = (fl) => {
  const f = fl.frames.pop()!;
  settleResults(fl, f);
  const endReachable = fl.reachable;
  if (f.kind === 'if' || f.kind === 'block' || f.kind === 'loop') closeFrame(fl, f, endReachable);
  else fl.closeSpecial(f, endReachable);
  resumeAfter(fl, f, reachableAfter(f, endReachable));
};

const elseHandler: Handler = (fl) => {
  const f = fl.frames[fl.frames.length - 1];
  const st = fl.stack;
  settleResults(fl, f);
  f.thenEndReachable = fl.reachable;
  f.elseSeen = true;
  st.indent--;
  st.emit('} else {');
  st.indent++;
  st.truncate(f.height);
  for (let i = 0; i < f.params; i++) st.pushSlot(f.height + i);
  fl.reachable = f.enteredReachable;
};

export const controlHandlers = new Map<number, Handler>([
  [0x00, (fl) => {
    fl.stack.materializeAll();
    fl.stack.emit(`${fl.helper('trap')}("unreachable");`);
    fl.markUnreachable();
  }],
  [0x01, () => {}],
  [0x02, (fl, ins) => {
    fl.stack.materializeAll();
    openFrame(fl, 'block', ins);
  }],
  [0x03, (fl, ins) => {
    fl.stack.materializeAll();
    openFrame(fl, 'loop', ins);
  }],
  [0x04, (fl, ins) => {
    const st = fl.stack;
    const c = st.pop();
    st.materializeAll();
    openFrame(fl, 'if', ins, `if (${st.cond(c)}) {`);
  }],
  [0x05, elseHandler],
  [0x0b, end],
  [0x0c, (fl, ins) => {
    fl.stack.materializeAll();
    branchTo(fl, ins.depth!);
    fl.markUnreachable();
  }],
  [0x0d, (fl, ins) => {
    const st = fl.stack;
    const c = st.pop();
    st.materializeAll();
    st.emit(`if (${st.cond(c)}) {`);
    st.indent++;
    branchTo(fl, ins.depth!);
    st.indent--;
    st.emit('}');
  }],
  [0x0e, (fl, ins) => {
    const st = fl.stack;
    const idx = st.pop();
    st.materializeAll();
    const labels = ins.labels!;
    const def = ins.depth!;
    // Group case values by target so a long table costs one branch per target.
    const byTarget = new Map<number, number[]>();
    labels.forEach((d, i) => {
      if (d === def) return;
      let list = byTarget.get(d);
      if (!list) byTarget.set(d, (list = []));
      list.push(i);
    });
    if (byTarget.size === 0) {
      if (idx.flags & 8 /* Effect */) st.emit(`${st.value(idx)};`);
      branchTo(fl, def);
      fl.markUnreachable();
      return;
    }
    st.emit(`switch (${st.value(idx)}) {`);
    for (const [d, cases] of byTarget) {
      for (let i = 0; i < cases.length; i += 16) {
        st.emit(cases.slice(i, i + 16).map((c) => `case ${c}:`).join(' '));
      }
      st.indent++;
      branchTo(fl, d);
      st.indent--;
    }
    st.emit('default:');
    st.indent++;
    branchTo(fl, def);
    st.indent--;
    st.emit('}');
    fl.markUnreachable();
  }],
  [0x0f, (fl) => {
    emitReturn(fl);
    fl.markUnreachable();
  }],
]);
