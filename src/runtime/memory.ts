// Linear memory: a fixed-size ArrayBuffer with spare capacity, replaced when
// growth exceeds it.
//
// Fixed buffers keep typed-array and DataView access fast (resizable ones measured
// 3-4x slower in hot loops: shared/notes/memory). Compiled code sees the memory
// through views of exactly its size over the storage's first bytes. Growing past
// the capacity allocates a bigger buffer, copies, detaches the old one (as the JS
// API requires); every growth tells every instance using the memory to refresh
// its views (`_l`, a list of callbacks).
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
  const memoryView = (C: any, b: ArrayBuffer, n: number): any =>
    littleEndian || C.BYTES_PER_ELEMENT === 1 ? new C(b, 0, n / C.BYTES_PER_ELEMENT) : new C(0);

  /**
   * The storage of a shared memory: a growable SharedArrayBuffer reserving the
   * maximum, so growth is in place and seen by every thread holding it
   * (fixed-length views over it measured as fast as over a plain
   * SharedArrayBuffer on Node 20; length-tracking ones ~25x slower, so
   * compiled code keeps fixed-length views and refreshes them). Frozen, as the
   * JS API hands shared buffers out.
   */
  const sharedBuffer = (initial: number, maximum: number): ArrayBuffer => {
    let b: any;
    try {
      b = new g.SharedArrayBuffer(initial * PAGE, { maxByteLength: maximum * PAGE });
    } catch {
      b = undefined;
    }
    if (!b || !b.growable) b = new g.SharedArrayBuffer(initial * PAGE);
    return Object.freeze(b);
  };

  /** Every Memory made here: the JS API's brand check (an instanceof test can be fooled). */
  const brand = new WeakSet<object>();
  const isMemory = (v: unknown): boolean => typeof v === 'object' && v !== null && brand.has(v);
  const check = (v: unknown, what: string): void => {
    if (!isMemory(v)) throw new TypeError(`WebAssembly.Memory.prototype.${what}: the receiver is not a WebAssembly.Memory`);
  };

  class Memory {
    /**
     * The storage: at least `_len` bytes. Compiled code sees exactly the first
     * `_len` through views made with that length (`viewsOf`), so the spare
     * capacity is invisible to it and stays zero.
     */
    _cap: ArrayBuffer;
    /** The memory's size in bytes. */
    _len: number;
    /** `buffer` was read since the last growth (see _grow). */
    _out = false;
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
      this._cap = shared ? sharedBuffer(initial, maximum!) : new ArrayBuffer(initial * PAGE);
      this._len = initial * PAGE;
      this._max = maximum;
      this._l = [];
      brand.add(this);
      // Other threads may grow a shared memory: the runtime looks at its size
      // where it looks at native memories' buffers (errors.ts syncMemories).
      if (shared) rt.nativeMemories.push(typeof g.WeakRef === 'function' ? new g.WeakRef(this) : { deref: () => this });
    }
    get buffer(): ArrayBuffer {
      check(this, 'buffer');
      return this._buf;
    }
    /**
     * The buffer the JS API hands out: exactly the memory's bytes. Spare
     * capacity left by growth is given up here (a copy: JS cannot shorten an
     * ArrayBuffer in place on Node 20), so a program that reads `buffer` after
     * every growth pays one copy per growth, as before over-allocation.
     */
    get _buf(): ArrayBuffer {
      if (this._shared) {
        this._sync();
        return this._cap;
      }
      if (this._cap.byteLength !== this._len) {
        const nb = new ArrayBuffer(this._len);
        new Uint8Array(nb).set(new Uint8Array(this._cap, 0, this._len));
        // The spare-capacity storage was never handed out: no one to detach it for.
        this._cap = nb;
        for (const f of this._l) f();
      }
      this._out = true;
      return this._cap;
    }
    /**
     * A shared memory's size is its growable SharedArrayBuffer's, which any
     * thread may grow: take it over and refresh the instances' views when it
     * changed.
     */
    _sync(): void {
      const n = this._cap.byteLength;
      if (n !== this._len) {
        this._len = n;
        for (const f of this._l) f();
      }
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
     *
     * Growth reserves capacity ahead (half the new size again, within the
     * maximum): a program growing one page at a time copied its whole memory on
     * every growth, quadratic (1,024 one-page grows: see bench/grow.mjs and
     * docs/performance.md). Growth within the capacity copies nothing. When
     * `buffer` was read since the last growth, the growth is exact instead: a
     * program that reads it after every growth would otherwise pay two copies
     * per growth (this one, and the getter's giving up the capacity). Views
     * over a resizable ArrayBuffer would grow in place, but compiled loads and
     * stores through them measured ~4x slower on Node 20 (fixed-length views
     * too), so the storage stays a plain ArrayBuffer.
     */
    _grow(delta: number): number {
      const old = this._len / PAGE;
      const size = old + delta;
      const limit = this._max ?? MAX_PAGES;
      if (size > limit) return -1;
      const ob = this._cap;
      let nb: ArrayBuffer;
      if (this._shared && (this._cap as any).growable) {
        // In place: every thread's buffer object is this one, and sees the
        // new length. Another thread growing at the same moment can make
        // both report the same old size (SharedArrayBuffer.prototype.grow
        // to a length that is already reached succeeds): a limitation
        // docs/semantics.md names.
        const b = this._cap as any;
        const cur = b.byteLength;
        const from = cur / PAGE;
        if (from + delta > limit) return -1;
        if (delta !== 0) {
          try {
            b.grow((from + delta) * PAGE);
          } catch {
            return -1;
          }
        }
        this._sync();
        return from;
      }
      if (this._shared) {
        // A host without growable SharedArrayBuffers. A shared buffer is never detached. Here the old one keeps the old
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
      } else if (size * PAGE <= ob.byteLength) {
        // Within the capacity. The storage was never handed out unless it is
        // exactly the memory (the getter above), so only then is there a buffer
        // to detach: its bytes move to a new ArrayBuffer object, uncopied.
        if (ob.byteLength === this._len) nb = moveBuffer(ob);
        else nb = ob;
      } else {
        const want = this._out ? size : Math.min(limit, size + (size >>> 1));
        nb = null as any;
        for (const pages of want > size ? [want, size] : [size]) {
          try {
            nb = new ArrayBuffer(pages * PAGE);
            break;
          } catch {
            // Not that much memory: try the exact size, then give up.
          }
        }
        if (nb === null) return -1;
        new Uint8Array(nb).set(new Uint8Array(ob, 0, this._len));
        if (ob.byteLength === this._len) detach(ob);
      }
      this._cap = nb;
      this._len = size * PAGE;
      this._out = false;
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
      get _cap() {
        return m.buffer;
      },
      get _len() {
        return m.buffer.byteLength;
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

  /**
   * A Memory over a shared buffer received from another thread (a worker): the
   * same bytes, growth seen both ways. Structured cloning cannot carry a
   * Memory object itself (it is a class instance), so threads pass its buffer
   * and maximum and rebuild it (wast/threads.ts).
   */
  function sharedMemoryOf(buffer: ArrayBuffer, maximum: number | null): any {
    if (typeof g.SharedArrayBuffer !== 'function' || !(buffer instanceof g.SharedArrayBuffer)) {
      throw new TypeError('a shared memory needs a SharedArrayBuffer');
    }
    const m = Object.create(Memory.prototype);
    m._shared = true;
    m._cap = buffer;
    m._len = buffer.byteLength;
    m._max = maximum ?? (buffer as any).maxByteLength / PAGE;
    m._l = [];
    m._out = false;
    brand.add(m);
    rt.nativeMemories.push(typeof g.WeakRef === 'function' ? new g.WeakRef(m) : { deref: () => m });
    return m;
  }

  return { Memory, isMemory, adoptNativeMemory, memoryView, sharedMemoryOf, PAGE };
}
