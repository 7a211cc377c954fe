// 64-bit PRNG streams: splitmix64 (add, xor-shift, multiply by 64-bit
// constants) and PCG64 (XSL-RR 128/64: a 128-bit LCG step done on 64-bit
// halves, i.e. a 64x64->128 multiply from 32-bit pieces, and a rotate by a
// count taken from the state). Each round draws from both, and uses Lemire's
// multiply-shift to map a draw into a range that changes every round (a
// 64x32 multiply-high). Seeds and stream increments come from n.
// run(n) folds the accumulated 64-bit result to i32.
typedef unsigned long long u64;
typedef unsigned int u32;

static inline u64 rotr(u64 x, unsigned r) { return (x >> (r & 63)) | (x << ((-r) & 63)); }

// 64x64 -> 128 by 32-bit pieces (what a compiler without a 64-bit mulhi does).
static inline u64 mul128(u64 a, u64 b, u64 *hi) {
  u64 al = (u32)a, ah = a >> 32, bl = (u32)b, bh = b >> 32;
  u64 ll = al * bl, lh = al * bh, hl = ah * bl, hh = ah * bh;
  u64 mid = (ll >> 32) + (u32)lh + (u32)hl;
  *hi = hh + (lh >> 32) + (hl >> 32) + (mid >> 32);
  return (mid << 32) | (u32)ll;
}

typedef struct { u64 hi, lo, inc_hi, inc_lo; } pcg64;
#define MUL_HI 2549297995355413924ULL
#define MUL_LO 4865540595714422341ULL

static inline u64 pcg_next(pcg64 *g) {
  u64 hi;
  u64 lo = mul128(g->lo, MUL_LO, &hi);
  hi += g->lo * MUL_HI + g->hi * MUL_LO;
  lo += g->inc_lo;
  hi += g->inc_hi + (lo < g->inc_lo);
  g->lo = lo; g->hi = hi;
  return rotr(hi ^ lo, (unsigned)(hi >> 58));
}

static inline u64 splitmix(u64 *s) {
  u64 z = (*s += 0x9e3779b97f4a7c15ULL);
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
  return z ^ (z >> 31);
}

__attribute__((noinline)) static u64 streams(int n, u64 seed) {
  u64 s = seed;
  pcg64 g = { splitmix(&s), splitmix(&s), splitmix(&s), splitmix(&s) | 1 };
  u64 acc = 0, bins = 0;
  for (int i = 0; i < n; i++) {
    u64 a = splitmix(&s);
    u64 b = pcg_next(&g);
    u32 range = (u32)(a >> 40) | 1;  // a new range every draw
    u64 hi;
    mul128(b, range, &hi);            // hi < range: Lemire's bounded draw
    bins += hi;
    acc = (acc ^ a) + b;
  }
  return acc ^ bins;
}

unsigned run(int n) {
  u64 v = streams(n, 0x853c49e6748fea9bULL ^ ((u64)n << 17));
  return (unsigned)(v >> 32) ^ (unsigned)v;
}
