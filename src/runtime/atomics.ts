// The threads proposal's atomic instructions (codegen/atomics.ts calls these):
// every atomic access goes through JS's Atomics on a typed view of the
// memory's storage, which gives Wasm's sequentially consistent atomics exactly
// (docs/semantics.md, the memory model). On an unshared memory the same calls
// work (Atomics accepts views of a plain ArrayBuffer), except wait, which
// traps as the spec says.
//
// An access checks its effective address itself: alignment first (an
// unaligned atomic access traps even in bounds), then bounds against the
// memory's current size. Out-of-line calls, not the inline typed fast path of
// plain accesses: atomics are rare in hot loops next to plain loads and
// stores, and each is a full fence in V8 anyway.
//
// Self-contained factory: see errors.ts.

export function defineAtomics(g: any, rt: any) {
  const A = g.Atomics;
  const trap = rt.trap as (message: string) => never;

  /** The views of one storage and length, cached on the memory (`_av`). */
  interface Views {
    cap: ArrayBuffer;
    len: number;
    u8: Uint8Array;
    u16: Uint16Array;
    u32: Uint32Array;
    i32: Int32Array;
    u64: BigUint64Array;
    i64: BigInt64Array;
  }
  const viewsOf = (m: any): Views => {
    // A shared memory may have been grown by another thread: its size is the
    // buffer's (memory.ts).
    if (m._shared) m._sync();
    const cap = m._cap;
    const len = m._len;
    let v: Views | undefined = m._av;
    if (v === undefined || v.cap !== cap || v.len !== len) {
      v = {
        cap,
        len,
        u8: new Uint8Array(cap, 0, len),
        u16: new Uint16Array(cap, 0, len >>> 1),
        u32: new Uint32Array(cap, 0, len >>> 2),
        i32: new Int32Array(cap, 0, len >>> 2),
        u64: new g.BigUint64Array(cap, 0, len >>> 3),
        i64: new g.BigInt64Array(cap, 0, len >>> 3),
      };
      m._av = v;
    }
    return v;
  };

  /** The effective address of an atomic access of `bytes` bytes, checked. */
  const ea = (v: Views, a: number, off: number, bytes: number): number => {
    const e = (a >>> 0) + off;
    if (e % bytes !== 0) trap('unaligned atomic');
    if (e + bytes > v.len) trap('out of bounds memory access');
    return e;
  };

  /** The view of unsigned elements of `bytes` bytes. */
  const unsigned = (v: Views, bytes: number): any => (bytes === 1 ? v.u8 : bytes === 2 ? v.u16 : bytes === 4 ? v.u32 : v.u64);

  // Results: i32 ones as int32 (the narrow `_u` forms are zero-extended, so
  // they are already in range), i64 ones as signed 64-bit BigInts. Operands of
  // the narrow i64 forms are wrapped to their width first (Atomics converts a
  // Number element, and an 8-byte one only from a BigInt).
  const result = (r: any, bytes: number, i64: boolean): any =>
    i64 ? (bytes === 8 ? BigInt.asIntN(64, r) : BigInt(r)) : bytes === 4 ? r | 0 : r;
  const operand = (x: any, bytes: number, i64: boolean): any =>
    i64 && bytes !== 8 ? Number(BigInt.asUintN(bytes * 8, x)) : x;

  function atomicLoad(m: any, a: number, off: number, bytes: number, i64: boolean): any {
    const v = viewsOf(m);
    const e = ea(v, a, off, bytes);
    return result(A.load(unsigned(v, bytes), e / bytes), bytes, i64);
  }

  function atomicStore(m: any, a: number, off: number, bytes: number, i64: boolean, x: any): void {
    const v = viewsOf(m);
    const e = ea(v, a, off, bytes);
    A.store(unsigned(v, bytes), e / bytes, operand(x, bytes, i64));
  }

  /** Read-modify-write operations by the codegen's index: add sub and or xor xchg. */
  const RMW = [A.add, A.sub, A.and, A.or, A.xor, A.exchange];

  function atomicRmw(m: any, a: number, off: number, bytes: number, i64: boolean, op: number, x: any): any {
    const v = viewsOf(m);
    const e = ea(v, a, off, bytes);
    return result(RMW[op](unsigned(v, bytes), e / bytes, operand(x, bytes, i64)), bytes, i64);
  }

  // The expected value is wrapped to the access width before comparing, as
  // the spec's narrow cmpxchg does and Atomics.compareExchange does too.
  function atomicCmpxchg(m: any, a: number, off: number, bytes: number, i64: boolean, expected: any, replacement: any): any {
    const v = viewsOf(m);
    const e = ea(v, a, off, bytes);
    const r = A.compareExchange(unsigned(v, bytes), e / bytes, operand(expected, bytes, i64), operand(replacement, bytes, i64));
    return result(r, bytes, i64);
  }

  /**
   * memory.atomic.wait32/64: 0 woken ("ok"), 1 "not-equal", 2 "timed-out".
   * The timeout is in nanoseconds, negative for none. Where the host may not
   * block (a browser's main thread), Atomics.wait throws a TypeError; native
   * engines trap there, and so does this.
   */
  function atomicWait(m: any, a: number, off: number, bytes: number, expected: any, timeout: bigint): number {
    const v = viewsOf(m);
    const e = ea(v, a, off, bytes);
    if (!m._shared) trap('expected shared memory');
    const ms = timeout < 0n ? Infinity : Number(timeout) / 1e6;
    let r: string;
    try {
      r = bytes === 4 ? A.wait(v.i32, e >>> 2, expected | 0, ms) : A.wait(v.i64, e >>> 3, BigInt.asIntN(64, expected), ms);
    } catch (err) {
      if (err instanceof TypeError) trap('atomic wait is not allowed on this thread');
      throw err;
    }
    return r === 'ok' ? 0 : r === 'not-equal' ? 1 : 2;
  }

  /** memory.atomic.notify: how many waiters were woken (none on an unshared memory). */
  function atomicNotify(m: any, a: number, off: number, count: number): number {
    const v = viewsOf(m);
    const e = ea(v, a, off, 4);
    if (!m._shared) return 0;
    return A.notify(v.i32, e >>> 2, count >>> 0);
  }

  // atomic.fence: JS has no standalone fence, but every Atomics operation is
  // sequentially consistent, which orders the plain accesses around it as the
  // fence must (V8 emits a locked instruction / full barrier for it).
  const fenceCell = typeof g.SharedArrayBuffer === 'function' ? new Int32Array(new g.SharedArrayBuffer(4)) : new Int32Array(1);
  function atomicFence(): void {
    A.add(fenceCell, 0, 0);
  }

  return { atomicLoad, atomicStore, atomicRmw, atomicCmpxchg, atomicWait, atomicNotify, atomicFence };
}
