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

  class Memory {
    _buf: ArrayBuffer;
    _max: number | null;
    _l: (() => void)[];
    constructor(desc: any) {
      if (desc === null || typeof desc !== 'object') throw new TypeError('Memory descriptor must be an object');
      if (desc.initial === undefined) throw new TypeError('Memory descriptor needs `initial`');
      const initial = toU32(desc.initial, 'initial');
      const maximum = desc.maximum === undefined ? null : toU32(desc.maximum, 'maximum');
      if (initial > MAX_PAGES) throw new RangeError('initial memory size too large');
      if (maximum !== null && (maximum > MAX_PAGES || maximum < initial)) throw new RangeError('invalid maximum memory size');
      this._buf = new ArrayBuffer(initial * PAGE);
      this._max = maximum;
      this._l = [];
    }
    get buffer(): ArrayBuffer {
      return this._buf;
    }
    grow(delta: unknown): number {
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
      if (delta === 0) {
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
  Object.defineProperty(Memory.prototype, Symbol.toStringTag, { value: 'WebAssembly.Memory' });
  // Where the host has WebAssembly, our memories are also `instanceof
  // WebAssembly.Memory` (host code checks that); our members shadow the host's.
  if (g.WebAssembly && typeof g.WebAssembly.Memory === 'function') {
    Object.setPrototypeOf(Memory.prototype, g.WebAssembly.Memory.prototype);
  }

  /**
   * A native WebAssembly.Memory seen through the same interface. Its growth by
   * native code is not signalled; instances re-check the buffer after calls out.
   */
  function adoptNativeMemory(m: any): any {
    return {
      native: m,
      _l: [] as (() => void)[],
      _max: null,
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
        for (const f of this._l) f();
        return r;
      },
    };
  }

  return { Memory, adoptNativeMemory, PAGE };
}
