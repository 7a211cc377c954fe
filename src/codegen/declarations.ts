// What lowering adds to the module and instance scopes while it lowers
// functions: the runtime helpers the code calls, module-level constants and
// caches, typed memory views, and the slots split functions share. Emit
// (emit/module.ts) receives it whole, after every function is lowered, and
// declares exactly what is here.

/** The scratch pair as functions see it (ModuleDeclarations.scratchBindings). */
const SCRATCH_LOCAL: [s64: string, s32: string] = ['$S64', '$S32'];

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
    this.scratchUses++;
    return SCRATCH_LOCAL;
  }

  /**
   * The function-local bindings of the scratch pair, for the head of a
   * function that used it (FunctionLowering.header). Functions read the pair
   * through `const $S64 = K<a>, $S32 = K<b>` rather than through the
   * module-level names: once a module is instantiated twice (every function
   * then has two closures, so V8 no longer treats the module scope's
   * bindings as constants), a BigInt stored to a module-level array read
   * from the context was allocated on every store. Measured on the bench's
   * bignum kernel instantiated twice, Node 20: 13.2x native with 5,654
   * scavenges per run, against 4.7x and 171 with the local bindings (3.3x
   * with a single instance either way).
   */
  scratchBindings(): string {
    const [s64, s32] = this.scratchPair!;
    return `const ${SCRATCH_LOCAL[0]} = ${s64}, ${SCRATCH_LOCAL[1]} = ${s32};`;
  }

  /** How many times scratch() was asked for (a function compares it before and after its body). */
  scratchUses = 0;

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
