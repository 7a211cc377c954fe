// The storage of one function's Wasm locals (LocalStorage in lowering.ts).
//
// Locals are `let` bindings `l<i>` (parameters first). i64 locals live where
// control paths join go to a per-call BigInt64Array `$L` instead (which ones:
// passes/i64-slots.ts): V8 boxes a BigInt that lives across a loop back-edge
// or a merge on every pass, but keeps raw 64-bit values for typed-array
// elements (~3x faster mixing loops, docs/performance.md).
import { ValType, type FuncType } from '../ir.js';
import type { LocalStorage } from './lowering.js';
import type { OperandStack } from './stack.js';

export class Locals implements LocalStorage {
  private readonly np: number;
  /** Local index -> element of `$L`; empty: every local is a plain binding. */
  readonly slots: ReadonlyMap<number, number>;
  /**
   * `$L` locals whose current value is also in a plain binding `$F<slot>` (set
   * by local.set/tee since the last control-flow boundary). Reads use the
   * binding: a value read back from the typed array right after being stored
   * waits for the store (a chain of updates to one local went through memory
   * at every step), while the binding stays a raw 64-bit register in V8.
   * Every write updates both, so the binding is exact wherever the path to it
   * loaded or wrote it; the set is emptied where another path may arrive
   * without having done so (function.ts: FORWARD_THROUGH), and at loop
   * headers, where a binding live around the back-edge would be boxed.
   * i64mix: 7.2x -> 6.2x native.
   */
  private readonly forwarded = new Set<number>();
  /** Slots that were ever forwarded: their `$F<slot>` bindings are declared. */
  readonly forwardSlots = new Set<number>();

  constructor(
    private readonly funcType: FuncType,
    private readonly declared: ValType[],
    slotLocals: number[],
    private readonly stack: OperandStack,
  ) {
    this.np = funcType.params.length;
    this.slots = new Map(slotLocals.map((l, k) => [l, k]));
  }

  type(i: number): ValType {
    return i < this.np ? this.funcType.params[i] : this.declared[i - this.np];
  }

  place(i: number): string {
    const slot = this.slots.get(i);
    return slot === undefined ? 'l' + i : `$L[${slot}]`;
  }

  /**
   * A `$L` local is read through its `$F` binding, loaded first if it is not
   * forwarded yet: a second read in the same straight-line code then costs no
   * memory access. Loading early is exact: a pending read of the local is
   * evaluated before any later write to it.
   */
  read(i: number): string {
    const slot = this.slots.get(i);
    if (slot === undefined) return 'l' + i;
    if (!this.forwarded.has(i)) {
      this.stack.emit(`$F${slot} = $L[${slot}];`);
      this.forwarded.add(i);
      this.forwardSlots.add(slot);
    }
    return `$F${slot}`;
  }

  write(i: number, value: string): string {
    const slot = this.slots.get(i);
    if (slot === undefined) return `l${i} = ${value};`;
    this.forwarded.add(i);
    this.forwardSlots.add(slot);
    return `$L[${slot}] = ($F${slot} = ${value});`;
  }

  /** Whether some `$L` local is forwarded now. */
  get forwarding(): boolean {
    return this.forwarded.size > 0;
  }

  /** Stop forwarding: code from here on may be reached from elsewhere. */
  forget(): void {
    this.forwarded.clear();
  }
}
