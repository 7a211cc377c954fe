// Linear memory: a fixed-size ArrayBuffer, replaced on growth.
//
// Fixed buffers keep typed-array and DataView access fast (resizable ones measured
// 3-4x slower in hot loops: shared/notes/memory). Growing allocates a new buffer,
// copies, detaches the old one (as the JS API requires) and tells every instance
// using the memory to refresh its views (`_l`, a list of callbacks).
//
// Self-contained factory: see errors.ts.

export function defineMemory(g: any, rt: any) {
  const PAGE = 65536;
  const MAX_PAGES = 65536;
  const toU32 = rt.enforceU32 as (v: unknown, what: string) => number;
  const detach = (b: ArrayBuffer): void => {
    try {
      if (typeof (b as any).transfer === 'function') (b as any).transfer();
      else g.structuredClone(b, { transfer: [b] });
    } catch {
      // Detaching is an observable nicety of the JS API, never required for correctness.
    }
  };

  /** A new ArrayBuffer object with the same bytes; the old one is detached. */
  const moveBuffer = (b: ArrayBuffer): ArrayBuffer => {
    try {
      if (typeof (b as any).transfer === 'function') return (b as any).transfer();
      return g.structuredClone(b, { transfer: [b] });
    } catch {
      return b.slice(0);
    }
  };

  // Typed views for the compiled code's fast path (codegen/memory.ts). Where
  // multi-byte elements are not little endian the view is empty: every access
  // then reads `undefined` and takes the DataView path, which names the byte
  // order.
  const littleEndian = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;
  const memoryView = (C: any, b: ArrayBuffer): any => (littleEndian || C.BYTES_PER_ELEMENT === 1 ? new C(b) : new C(0));

  /** Every Memory made here: the JS API's brand check (an instanceof test can be fooled). */
  const brand = new WeakSet<object>();
  const isMemory = (v: unknown): boolean => typeof v === 'object' && v !== null && brand.has(v);
  const check = (v: unknown, what: string): void => {
    if (!isMemory(v)) throw new TypeError(`WebAssembly.Memory.prototype.${what}: the receiver is not a WebAssembly.Memory`);
  };

  class Memory {
    _buf: ArrayBuffer;
    _max: number | null;
    _l: (() => void)[];
    /** A shared memory (SharedArrayBuffer): made by JS only, compiled modules cannot import one. */
    _shared: boolean;
    constructor(desc: any) {
      if (desc !== undefined && desc !== null && typeof desc !== 'object' && typeof desc !== 'function') {
        throw new TypeError('Memory descriptor must be an object');
      }
      // A WebIDL dictionary: members read once each, in lexicographic order, and
      // converted as they are read.
      const address = desc?.address;
      if (address !== undefined) {
        const a = `${address}`;
        if (a === 'i64') throw new TypeError('memories with i64 addresses (memory64) are not supported');
        if (a !== 'i32') throw new TypeError(`invalid memory address type ${a}`);
      }
      const init = desc?.initial;
      if (init === undefined) throw new TypeError('Memory descriptor needs `initial`');
      const initial = toU32(init, 'initial');
      const max = desc.maximum;
      const maximum = max === undefined ? null : toU32(max, 'maximum');
      const shared = !!desc.shared;
      if (shared && maximum === null) throw new TypeError('a shared memory needs a maximum');
      if (shared && typeof g.SharedArrayBuffer !== 'function') throw new TypeError('shared memories need SharedArrayBuffer');
      if (initial > MAX_PAGES) throw new RangeError('initial memory size too large');
      if (maximum !== null && (maximum > MAX_PAGES || maximum < initial)) throw new RangeError('invalid maximum memory size');
      // Programs make shared memories for Atomics (Pyodide sleeps with
      // Atomics.wait on one); the JS API hands out their buffers frozen.
      this._shared = shared;
      this._buf = shared ? Object.freeze(new g.SharedArrayBuffer(initial * PAGE)) : new ArrayBuffer(initial * PAGE);
      this._max = maximum;
      this._l = [];
      brand.add(this);
    }
    get buffer(): ArrayBuffer {
      check(this, 'buffer');
      return this._buf;
    }
    grow(delta: unknown): number {
      check(this, 'grow');
      const r = this._grow(toU32(delta, 'delta'));
      if (r < 0) throw new RangeError('Maximum memory size exceeded');
      return r;
    }
    /**
     * memory.grow: the old size in pages, or -1. Even growing by 0 replaces the
     * buffer (the old one is detached), as the JS API specifies.
     */
    _grow(delta: number): number {
      const old = this._buf.byteLength / PAGE;
      const size = old + delta;
      if (size > (this._max ?? MAX_PAGES)) return -1;
      const ob = this._buf;
      let nb: ArrayBuffer;
      if (this._shared) {
        // A shared buffer is never detached. Here the old one keeps the old
        // bytes instead of aliasing the grown memory (JS has no way to make a
        // shorter view object of a SharedArrayBuffer's memory): no compiled
        // module or thread can use it, only JS holding the old object sees it.
        if (delta === 0) return old;
        try {
          nb = new g.SharedArrayBuffer(size * PAGE);
        } catch {
          return -1;
        }
        new Uint8Array(nb).set(new Uint8Array(ob));
        Object.freeze(nb);
      } else if (delta === 0) {
        nb = moveBuffer(ob);
      } else {
        try {
          nb = new ArrayBuffer(size * PAGE);
        } catch {
          return -1;
        }
        new Uint8Array(nb).set(new Uint8Array(ob));
        detach(ob);
      }
      this._buf = nb;
      for (const f of this._l) f();
      return old;
    }
  }
  rt.webidl(Memory, 1, 'WebAssembly.Memory');
  // Where the host has WebAssembly, our memories are also `instanceof
  // WebAssembly.Memory` (host code checks that); our members shadow the host's.
  if (g.WebAssembly && typeof g.WebAssembly.Memory === 'function') {
    Object.setPrototypeOf(Memory.prototype, g.WebAssembly.Memory.prototype);
  }

  /**
   * A native WebAssembly.Memory seen through the same interface (one per
   * memory: link.ts). Its growth by native code or JS is not signalled; the
   * runtime compares the buffer wherever such code may have run
   * (errors.ts syncMemories) and then refreshes every instance using it.
   */
  function adoptNativeMemory(m: any): any {
    const a = {
      native: m,
      _l: [] as (() => void)[],
      _max: null,
      /** The buffer the instances' views were last made over. */
      _seen: m.buffer as ArrayBuffer,
      get _buf() {
        return m.buffer;
      },
      get buffer() {
        return m.buffer;
      },
      _grow(delta: number): number {
        let r: number;
        try {
          r = m.grow(delta);
        } catch {
          return -1;
        }
        a._seen = m.buffer;
        for (const f of a._l) f();
        return r;
      },
    };
    // Weakly: the adopter lives as long as the memory or an instance using it.
    rt.nativeMemories.push(typeof g.WeakRef === 'function' ? new g.WeakRef(a) : { deref: () => a });
    return a;
  }

  return { Memory, isMemory, adoptNativeMemory, memoryView, PAGE };
}
