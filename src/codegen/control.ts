// Structured control flow: block -> labeled JS block, loop -> labeled `for (;;)`,
// if -> `if`, br -> `break`/`continue`/`return`, br_table -> `switch`.
//
// Labels are only printed for frames some branch targets (decided at `end`, via a
// placeholder line), so straight-line Wasm blocks cost nothing in the output. A
// frame's values live in the slots at its height (see stack.ts), so a branch is
// "copy the carried values into the target's slots, then jump".
import { Op } from '../opcodes.js';
import {
  branchTo, emitReturn, openFrame, reachableAfter, resumeAfter, settleResults,
  type Frame, type Handler, type Lowering,
} from './lowering.js';
import { Flag } from './stack.js';
import { caseLabel, flatFrame, jump } from './dispatch.js';

/** Emit the closing text of a block, loop or if, and fill in its opening line. */
function closeFrame(lw: Lowering, f: Frame, endReachable: boolean): void {
  const st = lw.stack;
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

/** The end of a flat block, loop or if: the case its branches continue at (a loop's is at its start). */
function closeFlatFrame(lw: Lowering, f: Frame): void {
  const flat = f.flat!;
  if (f.kind === 'if' && !f.elseSeen) caseLabel(lw, flat.elseCase!);
  if (f.kind !== 'loop') caseLabel(lw, flat.target);
}

const end: Handler = (lw) => {
  const f = lw.frames.pop()!;
  settleResults(lw, f);
  const endReachable = lw.reachable;
  (f.close ?? (f.flat ? closeFlatFrame : closeFrame))(lw, f, endReachable);
  resumeAfter(lw, f, reachableAfter(f, endReachable));
};

const elseHandler: Handler = (lw) => {
  const f = lw.frames[lw.frames.length - 1];
  const st = lw.stack;
  settleResults(lw, f);
  f.thenEndReachable = lw.reachable;
  f.elseSeen = true;
  if (f.flat) {
    // The then arm goes on at the end; the else arm is a case of its own.
    if (lw.reachable) jump(lw, f.flat.target, f.flat.outer);
    caseLabel(lw, f.flat.elseCase!);
  } else {
    st.indent--;
    st.emit('} else {');
    st.indent++;
  }
  st.truncate(f.height);
  for (let i = 0; i < f.params; i++) st.pushSlot(f.height + i);
  lw.reachable = f.enteredReachable;
};

const brTable: Handler = (lw, ins) => {
  const st = lw.stack;
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
    if (idx.flags & Flag.Effect) st.emit(`${st.value(idx)};`);
    branchTo(lw, def);
    lw.markUnreachable();
    return;
  }
  st.emit(`switch (${st.value(idx)}) {`);
  for (const [d, cases] of byTarget) {
    for (let i = 0; i < cases.length; i += 16) {
      st.emit(cases.slice(i, i + 16).map((c) => `case ${c}:`).join(' '));
    }
    st.indent++;
    branchTo(lw, d);
    st.indent--;
  }
  st.emit('default:');
  st.indent++;
  branchTo(lw, def);
  st.indent--;
  st.emit('}');
  lw.markUnreachable();
};

export const controlHandlers: [Op, Handler][] = [
  [Op.Unreachable, (lw) => {
    lw.stack.materializeAll();
    lw.stack.emit(`${lw.helper('trap')}("unreachable");`);
    lw.markUnreachable();
  }],
  [Op.Nop, () => {}],
  [Op.Block, (lw, ins) => {
    lw.stack.materializeAll();
    openFrame(lw, 'block', ins, '', lw.isFlat(ins) ? flatFrame(lw, 'block') : undefined);
  }],
  [Op.Loop, (lw, ins) => {
    lw.stack.materializeAll();
    openFrame(lw, 'loop', ins, '', lw.isFlat(ins) ? flatFrame(lw, 'loop') : undefined);
  }],
  [Op.If, (lw, ins) => {
    const st = lw.stack;
    const c = st.pop();
    st.materializeAll();
    if (!lw.isFlat(ins)) {
      openFrame(lw, 'if', ins, `if (${st.cond(c)}) {`);
      return;
    }
    // Flat: the false path jumps to the else arm (or the end).
    const flat = flatFrame(lw, 'if');
    openFrame(lw, 'if', ins, '', flat);
    st.emit(`if (!(${st.cond(c)})) { $t = ${flat.elseCase}; continue $D; }`);
  }],
  [Op.Else, elseHandler],
  [Op.End, end],
  [Op.Br, (lw, ins) => {
    lw.stack.materializeAll();
    branchTo(lw, ins.depth!);
    lw.markUnreachable();
  }],
  [Op.BrIf, (lw, ins) => {
    const st = lw.stack;
    const c = st.pop();
    st.materializeAll();
    st.emit(`if (${st.cond(c)}) {`);
    st.indent++;
    branchTo(lw, ins.depth!);
    st.indent--;
    st.emit('}');
  }],
  [Op.BrTable, brTable],
  [Op.Return, (lw) => {
    emitReturn(lw);
    lw.markUnreachable();
  }],
];
