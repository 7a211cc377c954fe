// Value types as the runtime sees them: short strings, compared as strings.
//
//   i i32   j i64   f f32   d f64   v v128
//   r funcref = (ref null func)   e externref = (ref null extern)   x exnref = (ref null exn)
//   (?H) / (!H)   any other reference type, nullable / non-null, with heap type H:
//                 func extern exn nofunc noextern noexn, [T] for a concrete
//                 function type T (its canonical string), #k for the k-th type of
//                 the enclosing recursion group
//
// A function type's canonical string is its signature "params:results" (each a
// sequence of types), or for a type of a larger or non-final recursion group
// "{M0;M1;...}.P" (codegen/context.ts). `call_indirect` compares these strings, so
// equal function types from different modules match. Link checks use `isSubtype` (typed function references
// subtyping: nofunc <: [SIG] <: func, noextern <: extern, noexn <: exn, and
// non-null <: nullable).
//
// Self-contained factory: see errors.ts.

export interface RefInfo {
  family: 'func' | 'extern' | 'exn';
  nullable: boolean;
  /** func extern exn nofunc noextern noexn, or [SIG]. */
  heap: string;
}

export function defineTypes(_g: any, _rt: any) {
  const splitCache = new Map<string, string[]>();
  /** The types of a sequence, e.g. "i(!func)j" -> ["i", "(!func)", "j"]. */
  function splitTypes(s: string): string[] {
    let r = splitCache.get(s);
    if (r) return r;
    r = [];
    for (let i = 0; i < s.length; ) {
      if (s[i] !== '(') {
        r.push(s[i++]);
        continue;
      }
      let depth = 0;
      let j = i;
      for (; j < s.length; j++) {
        const c = s[j];
        if (c === '(' || c === '[' || c === '{') depth++;
        else if (c === ')' || c === ']' || c === '}') {
          depth--;
          if (depth === 0) break;
        }
      }
      r.push(s.slice(i, j + 1));
      i = j + 1;
    }
    splitCache.set(s, r);
    return r;
  }

  const sigCache = new Map<string, { params: string[]; results: string[] }>();
  /** The member at `pos` of a recursion group string `{M0;M1;...}` (types: codegen/context.ts). */
  function groupMember(group: string, pos: number): string {
    let depth = 0;
    let k = 0;
    let from = 1;
    for (let i = 1; i < group.length - 1; i++) {
      const c = group[i];
      if (c === '(' || c === '[' || c === '{') depth++;
      else if (c === ')' || c === ']' || c === '}') depth--;
      else if (c === ';' && depth === 0) {
        if (k === pos) return group.slice(from, i);
        k++;
        from = i + 1;
      }
    }
    return group.slice(from, group.length - 1);
  }

  /**
   * A function type's parameter and result types: from "params:results" (split at
   * the top-level ':'), or from a member of a recursion group, "{...}.P". A
   * reference to a type of its own group (`#k`) comes out as the full type string
   * (`[{...}.k]`, `[params:results]` for a plain type's reference to itself), so
   * a value of that type is checked against the whole type, as any other.
   */
  function sigParts(sig: string): { params: string[]; results: string[] } {
    let r = sigCache.get(sig);
    if (r) return r;
    let group: string;
    let member: string;
    if (sig[0] === '{') {
      const dot = sig.lastIndexOf('.');
      group = sig.slice(0, dot);
      member = groupMember(group, Number(sig.slice(dot + 1)));
      if (member[0] === '~') member = member.slice(1);
    } else {
      group = '';
      member = sig;
    }
    const own = (t: string): string => {
      const m = /^\(([?!])#(\d+)\)$/.exec(t);
      return m === null ? t : `(${m[1]}[${group === '' ? sig : `${group}.${m[2]}`}])`;
    };
    const raw = memberParts(member);
    r = { params: raw.params.map(own), results: raw.results.map(own) };
    sigCache.set(sig, r);
    return r;
  }
  /** The types of one member's "params:results", references to its group left as `#k`. */
  function memberParts(member: string): { params: string[]; results: string[] } {
    let depth = 0;
    let at = -1;
    for (let i = 0; i < member.length; i++) {
      const c = member[i];
      if (c === '(' || c === '[' || c === '{') depth++;
      else if (c === ')' || c === ']' || c === '}') depth--;
      else if (c === ':' && depth === 0) {
        at = i;
        break;
      }
    }
    return { params: splitTypes(member.slice(0, at)), results: splitTypes(member.slice(at + 1)) };
  }

  const SHORT: Record<string, string> = { r: '(?func)', e: '(?extern)', x: '(?exn)' };
  const refCache = new Map<string, RefInfo | null>();
  /** What a reference type is; null for numeric types. */
  function refInfo(t: string): RefInfo | null {
    let r = refCache.get(t);
    if (r !== undefined) return r;
    const long = SHORT[t] ?? t;
    if (long[0] !== '(') r = null;
    else {
      const heap = long.slice(2, -1);
      const family = heap[0] === '[' || heap[0] === '#' || heap === 'func' || heap === 'nofunc' ? 'func' : heap === 'extern' || heap === 'noextern' ? 'extern' : 'exn';
      r = { family, nullable: long[1] === '?', heap };
    }
    refCache.set(t, r);
    return r;
  }

  /** Whether a value of type `a` may be used where type `b` is expected. */
  function isSubtype(a: string, b: string): boolean {
    if (a === b) return true;
    const ra = refInfo(a), rb = refInfo(b);
    if (!ra || !rb) return false;
    if (ra.family !== rb.family) return false;
    if (ra.nullable && !rb.nullable) return false;
    if (ra.heap === rb.heap) return true;
    if (ra.heap === 'no' + ra.family) return true; // the bottom type of its family
    return ra.family === 'func' && ra.heap[0] === '[' && rb.heap === 'func';
  }

  /** Whether two types are the same (shorthands and long forms agree). */
  function sameType(a: string, b: string): boolean {
    return a === b || (SHORT[a] ?? a) === (SHORT[b] ?? b);
  }

  return { splitTypes, sigParts, memberParts, refInfo, isSubtype, sameType };
}
