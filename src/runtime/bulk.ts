// Bulk memory and table operations, table element access and call_indirect's
// callee check. Operands arrive as i32 (signed) and are read as unsigned; bounds
// are checked before any byte or element moves, as the spec requires.
//
// Self-contained factory: see errors.ts.

export function defineBulk(_g: any, rt: any) {
  const trap = rt.trap as (msg: string) => never;
  const oob = (): never => trap('out of bounds memory access');
  const oobTable = (): never => trap('out of bounds table access');
  const noBytes = new Uint8Array(0);
  const noElems: any[] = [];
  // Called through `.call`: V8 on Node 20 looks `u.copyWithin` / `u.fill` up
  // with a generic property-load call even in optimized code (copyWithin of 64
  // bytes: 26 vs 19 ns, fill: 31 vs 17 ns; docs/performance.md).
  const copyWithin = Uint8Array.prototype.copyWithin;
  const fill = Uint8Array.prototype.fill;

  function memoryInit(u: Uint8Array, seg: Uint8Array, d: number, s: number, n: number): void {
    d >>>= 0; s >>>= 0; n >>>= 0;
    if (s + n > seg.length || d + n > u.length) oob();
    u.set(seg.subarray(s, s + n), d);
  }
  /**
   * Active data segments k0, k0 + 1, ... at the given offsets, in order (the
   * emitter's one line for a run of them); each is dropped once applied.
   */
  function dataInit(u: Uint8Array, ds: Uint8Array[], k0: number, offsets: number[]): void {
    for (let j = 0; j < offsets.length; j++) {
      memoryInit(u, ds[k0 + j], offsets[j], 0, ds[k0 + j].length);
      ds[k0 + j] = noBytes;
    }
  }
  function memoryCopy(ud: Uint8Array, us: Uint8Array, d: number, s: number, n: number): void {
    d >>>= 0; s >>>= 0; n >>>= 0;
    if (s + n > us.length || d + n > ud.length) oob();
    if (n <= 8) {
      // Most copies in C programs are this small (sql.js: 1.5 of 2.1 million per
      // run); a byte loop beats copyWithin's setup there (~12 against ~19 ns).
      // Backwards when the ranges overlap with the destination above.
      if (d <= s || ud !== us) for (let i = 0; i < n; i++) ud[d + i] = us[s + i];
      else for (let i = n - 1; i >= 0; i--) ud[d + i] = us[s + i];
      return;
    }
    if (ud === us) copyWithin.call(ud, d, s, s + n);
    else ud.set(us.subarray(s, s + n), d);
  }
  function memoryFill(u: Uint8Array, d: number, v: number, n: number): void {
    d >>>= 0; n >>>= 0;
    if (d + n > u.length) oob();
    fill.call(u, v & 255, d, d + n);
  }

  function tableGet(e: any[], i: number): any {
    i >>>= 0;
    if (i >= e.length) oobTable();
    return e[i];
  }
  function tableSet(e: any[], i: number, v: any): void {
    i >>>= 0;
    if (i >= e.length) oobTable();
    e[i] = v;
  }
  function tableInit(e: any[], seg: any[], d: number, s: number, n: number): void {
    d >>>= 0; s >>>= 0; n >>>= 0;
    if (s + n > seg.length || d + n > e.length) oobTable();
    for (let i = 0; i < n; i++) e[d + i] = seg[s + i];
  }
  function tableCopy(ed: any[], es: any[], d: number, s: number, n: number): void {
    d >>>= 0; s >>>= 0; n >>>= 0;
    if (s + n > es.length || d + n > ed.length) oobTable();
    if (ed === es && d > s) for (let i = n - 1; i >= 0; i--) ed[d + i] = es[s + i];
    else for (let i = 0; i < n; i++) ed[d + i] = es[s + i];
  }
  function tableGrow(t: any, v: any, n: number): number {
    return t._grow(n >>> 0, v);
  }
  function tableFill(e: any[], i: number, v: any, n: number): void {
    i >>>= 0; n >>>= 0;
    if (i + n > e.length) oobTable();
    for (let k = 0; k < n; k++) e[i + k] = v;
  }

  /**
   * call_indirect: the function at e[i], checked against the signature string
   * (a native instance's function: as its engine says, values.ts adoptNative).
   * The index is compared with the length first: an element past the end
   * must not be looked up on Array.prototype.
   */
  function callee(e: any[], i: number, sig: string): any {
    i >>>= 0;
    if (i >= e.length) trap('undefined element');
    const f = e[i];
    if (f === null) trap('uninitialized element');
    if (f.t !== sig && (f.n === undefined || !f.n(sig))) trap('indirect call type mismatch');
    return f;
  }

  /** call_ref / return_call_ref: the callee, or a trap for null. */
  function nonNullFunc(f: any): any {
    if (f === null) trap('null function reference');
    return f;
  }
  /** ref.as_non_null. */
  function nonNull(r: any): any {
    if (r === null) trap('null reference');
    return r;
  }

  /** Base64 (data segments embedded in the output) to bytes, without Buffer or atob. */
  function bytes(b64: string): Uint8Array {
    const A = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';
    const map = new Uint8Array(128);
    for (let i = 0; i < 64; i++) map[A.charCodeAt(i)] = i;
    let pad = 0;
    while (pad < 2 && b64.charCodeAt(b64.length - 1 - pad) === 61) pad++;
    const out = new Uint8Array((b64.length / 4) * 3 - pad);
    let o = 0;
    for (let i = 0; i < b64.length; i += 4) {
      const n = (map[b64.charCodeAt(i)] << 18) | (map[b64.charCodeAt(i + 1)] << 12) |
        (map[b64.charCodeAt(i + 2)] << 6) | map[b64.charCodeAt(i + 3)];
      if (o < out.length) out[o++] = n >> 16;
      if (o < out.length) out[o++] = (n >> 8) & 255;
      if (o < out.length) out[o++] = n & 255;
    }
    return out;
  }

  /** Data segments of the given lengths, cut from one base64 string (views of one buffer). */
  function segments(b64: string, lengths: number[]): Uint8Array[] {
    const all = bytes(b64);
    const out: Uint8Array[] = [];
    let at = 0;
    for (const n of lengths) {
      out.push(all.subarray(at, at + n));
      at += n;
    }
    return out;
  }

  return {
    oob, oobTable, noBytes, noElems, memoryInit, dataInit, memoryCopy, memoryFill,
    tableGet, tableSet, tableInit, tableCopy, tableGrow, tableFill, callee, nonNullFunc, nonNull, bytes, segments,
  };
}
