// Bignum arithmetic over 64-bit limbs (as in GMP-style code without a 64-bit
// multiply-high): schoolbook multiplication of two 24-limb (1,536-bit)
// numbers into 48 limbs, each limb product a 64x64->128 multiply from 32-bit
// pieces with add-with-carry chains, then a 24-limb add and subtract with
// carries/borrows feeding the next round. Operands come from a splitmix64
// stream seeded by n. run(n) folds all limbs to i32.
typedef unsigned long long u64;
typedef unsigned int u32;

#define K 24
static u64 A[K], B[K], P[2 * K];

static inline u64 mul128(u64 a, u64 b, u64 *hi) {
  u64 al = (u32)a, ah = a >> 32, bl = (u32)b, bh = b >> 32;
  u64 ll = al * bl, lh = al * bh, hl = ah * bl, hh = ah * bh;
  u64 mid = (ll >> 32) + (u32)lh + (u32)hl;
  *hi = hh + (lh >> 32) + (hl >> 32) + (mid >> 32);
  return (mid << 32) | (u32)ll;
}

__attribute__((noinline)) static void mul(void) {
  for (int i = 0; i < 2 * K; i++) P[i] = 0;
  for (int i = 0; i < K; i++) {
    u64 carry = 0, a = A[i];
    for (int j = 0; j < K; j++) {
      u64 hi, lo = mul128(a, B[j], &hi);
      lo += carry; hi += lo < carry;
      lo += P[i + j]; hi += lo < P[i + j];
      P[i + j] = lo;
      carry = hi;
    }
    P[i + K] = carry;
  }
}

__attribute__((noinline)) static void addsub(void) {
  u64 c = 0, bw = 0;
  for (int i = 0; i < K; i++) {
    u64 x = P[i], y = P[i + K];
    u64 s = x + y; u64 c1 = s < x; s += c; c1 |= s < c; c = c1;
    u64 d = B[i] - s; u64 b1 = d > B[i]; u64 d2 = d - bw; b1 |= d2 > d; bw = b1;
    A[i] = s; B[i] = d2 | 1;
  }
}

unsigned run(int n) {
  u64 s = 0x9e3779b97f4a7c15ULL ^ ((u64)n << 32) ^ (u64)n;
  for (int i = 0; i < K; i++) {
    u64 z = (s += 0x9e3779b97f4a7c15ULL);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    A[i] = z ^ (z >> 31);
    B[i] = ~A[i] * 0x2545f4914f6cdd1dULL;
  }
  for (int r = 0; r < n; r++) { mul(); addsub(); }
  u64 out = 0;
  for (int i = 0; i < K; i++) out = (out ^ A[i]) * 3 + B[i];
  return (unsigned)(out >> 32) ^ (unsigned)out;
}
