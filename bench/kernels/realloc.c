// A realloc-heavy C program on an sbrk-style allocator, as a libc without
// mmap has it: the break moves up by exactly what a request needs, and
// memory.grow is called whenever it passes the end of memory, so the heap
// grows a page (or a few) at a time. The program builds a table of
// variable-length records: most steps malloc a new record of 1..256 bytes and
// append its pointer to a vector that realloc grows by half when full; every
// fourth step instead reallocs a random older record larger (it moves:
// malloc + memcpy + free). Freed blocks are kept on free lists by size class
// and reused. Every instance starts from an empty heap, so the bench
// instantiates one per call. run(n) does n steps and returns a checksum of the
// records and the number of grows.
typedef unsigned int u32;
typedef unsigned char u8;

extern u8 __heap_base;
static u32 brk_, grows;
static u32 free_list[32];

static void *sbrk_(u32 inc) {
  if (!brk_) brk_ = ((u32)&__heap_base + 15) & ~15u;
  u32 old = brk_, top = brk_ + inc;
  u32 have = (u32)__builtin_wasm_memory_size(0) << 16;
  if (top > have) {
    if (__builtin_wasm_memory_grow(0, (top - have + 65535) >> 16) < 0) return 0;
    grows++;
  }
  brk_ = top;
  return (void *)old;
}

// A block: a 16-byte header (its size, header included) and the payload.
// Free blocks are listed under floor(log2(size)); a request takes the first
// block of the first list whose blocks are all big enough.
static u32 log2_(u32 v) { return 31 - __builtin_clz(v); }

static void *malloc_(u32 n) {
  u32 size = (n + 31) & ~15u;
  for (u32 c = log2_(size - 1) + 1; c < 32 && c <= log2_(size) + 2; c++) {
    u32 *b = (u32 *)free_list[c];
    if (b) { free_list[c] = b[1]; return (u8 *)b + 16; }
  }
  u32 *b = sbrk_(size);
  if (!b) return 0;
  b[0] = size;
  return (u8 *)b + 16;
}

static void free_(void *p) {
  u32 *b = (u32 *)((u8 *)p - 16);
  u32 c = log2_(b[0]);
  b[1] = free_list[c];
  free_list[c] = (u32)b;
}

static void *realloc_(void *p, u32 old, u32 n) {
  u32 *b = (u32 *)((u8 *)p - 16);
  u32 size = (n + 31) & ~15u;
  if (size <= b[0]) return p;
  if ((u32)b + b[0] == brk_) {  // the last block: extend it in place
    if (!sbrk_(size - b[0])) return 0;
    b[0] = size;
    return p;
  }
  void *q = malloc_(n);
  if (!q) return 0;
  __builtin_memcpy(q, p, old);
  free_(p);
  return q;
}

static u8 **recs;
static u32 count, cap;

u32 run(int n) {
  u32 x = 0x2545f491u ^ (u32)n * 2654435761u;
  cap = 16; count = 0;
  recs = malloc_(cap * sizeof *recs);
  if (!recs) return 0xffffffffu;
  for (int i = 0; i < n; i++) {
    x = x * 1664525u + 1013904223u;
    u32 m = 1 + ((x >> 8) & 255);
    if ((x & 0x30000000u) || count == 0) {
      u8 *r = malloc_(m + 4);
      if (!r) return 0xffffffffu;
      *(u32 *)r = m;
      for (u32 j = 0; j < m; j++) r[4 + j] = (u8)(x >> (j & 15));
      if (count == cap) {
        u8 **q = realloc_(recs, cap * sizeof *recs, (cap + cap / 2) * sizeof *recs);
        if (!q) return 0xffffffffu;
        recs = q; cap += cap / 2;
      }
      recs[count++] = r;
    } else {
      u32 k = (x >> 4) % count;
      u8 *r = recs[k];
      u32 old = *(u32 *)r, len = old + m;
      r = realloc_(r, old + 4, len + 4);
      if (!r) return 0xffffffffu;
      for (u32 j = old; j < len; j++) r[4 + j] = (u8)(x >> (j & 15));
      *(u32 *)r = len;
      recs[k] = r;
    }
  }
  u32 sum = grows;
  for (u32 k = 0; k < count; k++) {
    u8 *r = recs[k];
    u32 len = *(u32 *)r;
    sum = (sum ^ len) * 16777619u;
    for (u32 j = 0; j < len; j += 7) sum = (sum ^ r[4 + j]) * 16777619u;
  }
  return sum;
}
