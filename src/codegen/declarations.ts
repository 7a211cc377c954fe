// What lowering adds to the module and instance scopes while it lowers
// functions: the runtime helpers the code calls, module-level constants and
// caches, typed memory views, and the slots split functions share. Emit
// (emit/module.ts) receives it whole, after every function is lowered, and
// declares exactly what is here.

export class ModuleDeclarations {
  /** Runtime members referenced by the output, bound as `$name` in the factory scope. */
  readonly helpers = new Set<string>();
  /**
   * Typed views of memories used by the functions, as `<memory>_<kind>`
   * (names.ts VIEWS): the instance declares and refreshes `v<key>`.
   */
  readonly memViews = new Set<string>();
  /** Module-level constants (NaN bit patterns), as `const K<n> = <expr>;`. */
  readonly constants: string[] = [];
  private readonly constIndex = new Map<string, string>();
  /** Write-back slots `$o<k>` and return slots `$r<k>` that split functions use (passes/split.ts). */
  outSlots = 0;
  retSlots = 0;
  /** Elements of `$w64` used: i64 arguments and write-backs of pieces (outline.ts). */
  wideSlots = 0;

  /** A runtime helper by name, e.g. helper('i32DivS') === '$i32DivS'. */
  helper(name: string): string {
    this.helpers.add(name);
    return '$' + name;
  }

  /**
   * The module's scratch pair: a BigInt64Array(1) and an Int32Array over its
   * bytes. An i64 written to the first reads back as int32 halves from the
   * second: V8 on Node 20 lowers both accesses to plain loads and stores,
   * while `Number(bigint)` stays a runtime call (~11 ns for i32.wrap_i64, ~30
   * ns for f64.convert_i64_s, against ~1 ns: docs/performance.md).
   */
  scratch(): [s64: string, s32: string] {
    // Asked for by every i64 memory access and wrap: made once (two map
    // lookups and a template string per call were ~4% of compiling
    // esbuild-wasm's Go code).
    if (!this.scratchPair) {
      const s64 = this.constant('new BigInt64Array(1)');
      this.scratchPair = [s64, this.constant(`new Int32Array(${s64}.buffer)`)];
    }
    return this.scratchPair;
  }

  private scratchPair: [s64: string, s32: string] | null = null;

  /** i32.wrap_i64 of the i64 code `a`: its low half, through the scratch pair. */
  wrapI64(a: string): string {
    const [s64, s32] = this.scratch();
    return `(${s64}[0] = ${a}, ${s32}[0])`;
  }

  /**
   * Element k of `$w64`, the module's BigInt64Array through which i64 values
   * cross piece boundaries (codegen/outline.ts).
   */
  wideSlot(k: number): string {
    if (k >= this.wideSlots) this.wideSlots = k + 1;
    return `$w64[${k}]`;
  }

  /** A module-level binding of its own for `expr` (never shared, unlike `constant`). */
  moduleBinding(expr: string): string {
    const name = 'K' + this.constants.length;
    this.constants.push(`const ${name} = ${expr};`);
    return name;
  }

  /** A module-level `let` of its own, initialized to `expr`. */
  moduleVariable(expr: string): string {
    const name = 'K' + this.constants.length;
    this.constants.push(`let ${name} = ${expr};`);
    return name;
  }

  /** A module-level constant for an expression that is not a plain literal. */
  constant(expr: string): string {
    let name = this.constIndex.get(expr);
    if (!name) {
      name = 'K' + this.constants.length;
      this.constants.push(`const ${name} = ${expr};`);
      this.constIndex.set(expr, name);
    }
    return name;
  }
}
