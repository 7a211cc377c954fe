// Coalescing of locals: locals of the same type whose values are never live at
// the same time share one JS variable.
//
// Why: how deep a recursion gets before the stack runs out is decided by the
// cold calls, which V8's interpreter runs with one frame register per JS
// variable; a Liftoff frame keeps only what it spills. A function with 40
// locals, 2 of them live across its self-call, reached 0.66x native depth
// (bench/depth.mjs, many-locals). After inlining (inline.ts) the copies'
// locals add up per level, though a copy's temporaries are dead by the time
// the next copy runs. Optimized code does not care either way: TurboFan and
// Maglev build SSA values from the registers.
//
// The classic rule: a local written at instruction i interferes with every
// other local live after i; all locals live at the function's entry (the
// parameters, and declared locals read before any write, which read the zero
// every local starts with) interfere with each other. Liveness (liveness.ts)
// over-approximates along exceptional edges, which only adds interference.
// Locals are then colored greedily in index order; a parameter keeps its own
// variable (others may join it once it is dead).
//
// i64 locals are left apart in functions whose loops compute on i64: there
// i64-slots.ts picks the locals that live in a typed array by where they are
// live, and a straight-line temporary merged into a loop-carried local would
// move into the array with it.
import { ValType, type Func, type FuncType, type Instr } from '../ir.js';
import { Op } from '../opcodes.js';
import { Liveness } from './liveness.js';
import { structureOf } from './structure.js';
import { loopsMixI64 } from './i64-slots.js';

/** Functions with more locals (parameters included) are left alone: the interference matrix grows with the square. */
const MAX_LOCALS = 512;

/**
 * The function with its locals coalesced (fewer declared locals, local
 * instructions renumbered), or null when nothing merges. `body` must be valid.
 */
export function coalesceLocals(type: FuncType, f: Func, body: Instr[]): { func: Func; body: Instr[] } | null {
  const np = type.params.length;
  const all: ValType[] = [...type.params, ...f.locals];
  const n = all.length;
  if (f.locals.length < 2 || n > MAX_LOCALS) return null;
  const structure = structureOf(body);
  const liveness = new Liveness(body, n, structure);
  const i64Apart = loopsMixI64(body, structure);
  const words = liveness.words;
  const entry = liveness.setAt(0);
  if (entry === null) return null;
  // Interference rows: row l has bit k when l and k interfere.
  const rows = new Uint32Array(n * words);
  const edge = (a: number, b: number) => {
    rows[a * words + (b >>> 5)] |= 1 << (b & 31);
    rows[b * words + (a >>> 5)] |= 1 << (a & 31);
  };
  const addLive = (a: number, live: Uint32Array) => {
    for (let w = 0; w < words; w++) {
      let bits = live[w];
      while (bits !== 0) {
        const b = (w << 5) + (31 - Math.clz32(bits));
        bits &= ~(1 << (b & 31));
        if (b !== a && all[b] === all[a]) edge(a, b);
      }
    }
  };
  for (let l = 0; l < n; l++) if (l < np || entry[l >>> 5] & (1 << (l & 31))) addLive(l, entry);
  // Parameters are distinct JS parameters: never merged with each other.
  for (let a = 0; a < np; a++) for (let b = a + 1; b < np; b++) edge(a, b);
  for (let i = 0; i < body.length; i++) {
    const op = body[i].op;
    if (op === Op.LocalSet || op === Op.LocalTee) addLive(body[i].index!, liveness.setAt(i + 1)!);
  }
  // Greedy coloring in index order; a color is a set of locals (bit set).
  const color = new Int32Array(n);
  const members: Uint32Array[] = [];
  const colorType: ValType[] = [];
  for (let l = 0; l < n; l++) {
    let c = -1;
    if (l >= np && !(i64Apart && all[l] === ValType.I64)) {
      for (let k = 0; k < members.length && c < 0; k++) {
        if (colorType[k] !== all[l]) continue;
        const m = members[k];
        let clash = false;
        for (let w = 0; w < words && !clash; w++) clash = (m[w] & rows[l * words + w]) !== 0;
        if (!clash) c = k;
      }
    }
    if (c < 0) {
      c = members.length;
      members.push(new Uint32Array(words));
      colorType.push(all[l]);
    }
    members[c][l >>> 5] |= 1 << (l & 31);
    color[l] = c;
  }
  if (members.length === n) return null;
  const out = body.map((ins) =>
    ins.op === Op.LocalGet || ins.op === Op.LocalSet || ins.op === Op.LocalTee ? { ...ins, index: color[ins.index!] } : ins);
  return { func: { ...f, locals: colorType.slice(np) }, body: out };
}
