// Memory growth one page at a time: run(n) calls memory.grow(1) n times and
// writes into each new page as it arrives (one word every 4 KiB, what an
// allocator handing the page out would touch), then reads every written word
// back. Each call needs a fresh instance (memory never shrinks): the bench
// instantiates one per call. run(n) returns a checksum, or -1 when a grow fails.
typedef unsigned int u32;

u32 run(int n) {
  u32 x = 0x9e3779b9u ^ (u32)n, first = 0;
  for (int i = 0; i < n; i++) {
    int old = __builtin_wasm_memory_grow(0, 1);
    if (old < 0) return 0xffffffffu;
    if (i == 0) first = (u32)old;
    volatile u32 *page = (volatile u32 *)((u32)old << 16);
    for (u32 w = 0; w < 16384; w += 1024) { x = x * 1664525u + 1013904223u; page[w] = x; }
  }
  u32 sum = 0;
  for (u32 p = first; p < first + (u32)n; p++) {
    volatile u32 *page = (volatile u32 *)(p << 16);
    for (u32 w = 0; w < 16384; w += 1024) sum = (sum ^ page[w]) * 31u;
  }
  return sum;
}
