// The memory bindings one function caches in locals (MemoryBindings in
// lowering.ts): each accessed memory's DataView `D<i>` and the typed views
// `V<mem>_<kind>` its accesses use. Reading the instance's binding on every
// access measured ~1.8x slower in memory loops. The locals are refreshed
// wherever memory may have grown: after calls and memory.grow, and on entry to
// exception handlers.
import type { Instr } from '../ir.js';
import type { ModuleDeclarations } from './declarations.js';
import type { MemoryBindings } from './lowering.js';
import type { OperandStack } from './stack.js';

export class MemoryCache implements MemoryBindings {
  readonly cached = new Set<number>();
  aligned: ReadonlySet<Instr> = new Set();
  typed = false;
  /** Typed views used, as `<mem>_<kind>`. */
  private readonly views = new Set<string>();
  /** Lines that refresh the `D<i>` locals: the typed views' refreshes are appended at the end (finish). */
  private readonly refreshLines: number[] = [];

  constructor(
    private readonly decls: ModuleDeclarations,
    private readonly stack: OperandStack,
  ) {}

  view(mem: number, kind: string): string {
    const key = `${mem}_${kind}`;
    this.views.add(key);
    this.decls.memViews.add(key);
    return 'V' + key;
  }

  refresh(): void {
    for (const i of this.cached) this.stack.emit(`D${i} = d${i};`);
    // Typed views are found while lowering: finish() appends their refreshes here.
    if (this.cached.size > 0) this.refreshLines.push(this.stack.lines.length - 1);
  }

  /** The function's header declarations, after the body is lowered (which completes the refresh lines). */
  finish(): string[] {
    const head: string[] = [];
    for (const i of this.cached) head.push(`  let D${i} = d${i};`);
    for (const k of this.views) head.push(`  let V${k} = v${k};`);
    if (this.views.size > 0) {
      const refresh = [...this.views].map((k) => ` V${k} = v${k};`).join('');
      for (const line of this.refreshLines) this.stack.lines[line] += refresh;
    }
    return head;
  }
}
