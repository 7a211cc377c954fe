// 128-bit multiplies as C compilers emit them for `unsigned __int128` on
// wasm32: a call to compiler-rt's __multi3 (given here, on 64-bit halves, as
// compiler-rt writes it) with the result returned through the shadow stack.
// A wyrand stream (s += c; mum(s, s ^ c'): 64x64->128, hi ^ lo) feeds a
// 128-bit accumulator of products (128-bit adds with carry) and a fixed-point
// (Q64) multiply. Seeds come from n. run(n) folds the result to i32.
typedef unsigned long long u64;
typedef unsigned int u32;
typedef unsigned __int128 u128;

// compiler-rt's __multi3, written on halves (no 128-bit multiply inside).
u128 __multi3(u128 a, u128 b) {
  u64 al = (u64)a, ah = (u64)(a >> 64), bl = (u64)b, bh = (u64)(b >> 64);
  u64 a0 = (u32)al, a1 = al >> 32, b0 = (u32)bl, b1 = bl >> 32;
  u64 t = a0 * b0;
  u64 lo = (u32)t;
  t = (t >> 32) + a1 * b0;
  u64 hi = t >> 32;
  t = (u32)t + a0 * b1;
  lo |= t << 32;
  hi += (t >> 32) + a1 * b1;
  hi += ah * bl + al * bh;
  return ((u128)hi << 64) | lo;
}

static inline u64 mum(u64 a, u64 b) {
  u128 r = (u128)a * b;
  return (u64)r ^ (u64)(r >> 64);
}

__attribute__((noinline)) static u64 work(int n, u64 seed) {
  u64 s = seed;
  u128 acc = 0;
  u64 fx = 0x8000000000000000ULL | seed;  // a Q64 fraction in (0.5, 1)
  for (int i = 0; i < n; i++) {
    s += 0xa0761d6478bd642fULL;
    u64 v = mum(s, s ^ 0xe7037ed1a0b428dbULL);
    acc += (u128)v * (v >> 7 | 1);
    fx = (u64)(((u128)fx * (v | 0x8000000000000000ULL)) >> 64) | 0x4000000000000000ULL;
  }
  return (u64)acc ^ (u64)(acc >> 64) ^ fx;
}

unsigned run(int n) {
  u64 v = work(n, 0x2d358dccaa6c78a5ULL + (u64)n * 0x8bb84b93962eacc9ULL);
  return (unsigned)(v >> 32) ^ (unsigned)v;
}
