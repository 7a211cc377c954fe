// Flattening of deep nesting into one dispatch loop per function.
//
// Every Wasm frame becomes a nested JS statement (a labeled block, a loop, an
// if, a try), and V8's parser gives up at ~1,650-2,000 levels of nesting, while
// validation allows 100,000+: a C `switch` with thousands of cases is emitted as
// thousands of nested blocks closed by one br_table (Postgres' grammar: 2,032;
// Go's resume points: 3,289). So in a function whose frames nest deeper than
// FLAT_HEIGHT, the frames with more than FLAT_HEIGHT levels of frames inside
// them (the "spine": their ancestors are such frames too) are not nested
// statements but cases of one loop around a switch:
//
//   $t = 0; $h = -1;
//   $D: for (;;) {
//     try {                                  (only with flat try frames)
//       switch ($t) {
//       case 0: ...                          the body; a flat block's end, a flat
//       case 7: ...                          loop's start, a flat if's else and end
//       }                                    are case labels; a branch to one is
//     } catch ($x) { ...routing... }         `$t = 7; continue $D;`
//   }
//
// Fallthrough between cases is Wasm's fallthrough. Frames below the spine (at
// most FLAT_HEIGHT levels) are lowered as usual, inside a case. A flat try
// (try_table or legacy try) cannot be a JS try: entering its body sets `$h` to
// its handler id, every way out restores the handler around it, and the
// dispatch's catch routes a caught exception by `$h` (`$H: for (;;) switch
// ($h)`): the try's clauses branch like any branch, unmatched exceptions go on
// to the next handler out, and with none left the exception leaves the
// function unchanged.
import type { Frame, FlatFrame, Lowering } from './lowering.js';

/** Frames with more levels of frames inside them than this are flattened. */
export const FLAT_HEIGHT = 100;

/** The dispatch loop of one function: its cases and the routing of caught exceptions. */
export class Dispatch {
  /** Case 0 is the function's entry. */
  private cases = 1;
  /** The routing code of every flat try, in the order their ends were lowered. */
  readonly routes: { lines: string[]; offsets: number[] }[] = [];

  /**
   * The handler ids of the flat tries whose bodies enclose the code being
   * lowered, innermost last (a try's is pushed when its body starts, popped
   * where its body ends: its first catch, or its end).
   */
  readonly watching: number[] = [];

  /** `hasTry`: some flat frame is a try_table or legacy try (then the switch sits in a JS try). */
  constructor(readonly hasTry: boolean) {}

  newCase(): number {
    return this.cases++;
  }
}

/** The handler watching the code being lowered: the innermost flat try whose body encloses it, or -1. */
export function currentHandler(lw: Lowering): number {
  const w = lw.dispatch?.watching;
  return w && w.length > 0 ? w[w.length - 1] : -1;
}

/** Jump to dispatch case `target`, where the handler `handler` watches (set unless it already does). */
export function jump(lw: Lowering, target: number, handler: number, setHandler = handler !== currentHandler(lw)): void {
  const h = setHandler ? `$h = ${handler}; ` : '';
  lw.stack.emit(`${h}$t = ${target}; continue $D;`);
}

/** A case label of the dispatch switch (only flat frames are open here, so it sits at the switch's level). */
export function caseLabel(lw: Lowering, n: number): void {
  const st = lw.stack;
  st.indent--;
  st.emit(`case ${n}:`);
  st.indent++;
}

/** The bookkeeping of a flat frame about to be opened (its cases and the handler around it). */
export function flatFrame(lw: Lowering, kind: Frame['kind']): FlatFrame {
  const d = lw.dispatch!;
  const f: FlatFrame = { target: d.newCase(), outer: currentHandler(lw) };
  if (kind === 'if') f.elseCase = d.newCase();
  if (kind === 'try' || kind === 'try_table') f.handler = lw.newHandlerId();
  return f;
}

/** A flat try's body starts (`$h` is set to its handler), or ends (the handler around it watches again). */
export function enterTryBody(lw: Lowering, f: FlatFrame): void {
  lw.dispatch!.watching.push(f.handler!);
  lw.stack.emit(`$h = ${f.handler};`);
}

export function leaveTryBody(lw: Lowering): void {
  lw.dispatch!.watching.pop();
}
