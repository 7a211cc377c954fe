// 64-bit division and remainder with divisors that are not constants: for
// each of n pairs from a splitmix64 stream, unsigned and signed div/rem by a
// divisor of varying magnitude (2..2^64, the magnitude itself drawn), the
// digits of a 64-bit value (repeated division by 10, as in printf), and a
// short Euclid gcd (repeated remainders). run(n) folds the sum to i32.
typedef unsigned long long u64;
typedef long long i64;
typedef unsigned int u32;

static inline u64 splitmix(u64 *s) {
  u64 z = (*s += 0x9e3779b97f4a7c15ULL);
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
  return z ^ (z >> 31);
}

__attribute__((noinline)) static u64 digits(u64 v) {
  u64 s = 0;
  do { s = s * 3 + v % 10; v /= 10; } while (v);
  return s;
}

__attribute__((noinline)) static u64 gcd(u64 a, u64 b) {
  while (b) { u64 t = a % b; a = b; b = t; }
  return a;
}

unsigned run(int n) {
  u64 s = 0xd1b54a32d192ed03ULL * (u64)(n + 7);
  u64 acc = 0;
  for (int i = 0; i < n; i++) {
    u64 a = splitmix(&s), r = splitmix(&s);
    u64 b = (r >> (r & 63)) | 2;  // divisor magnitude 2 .. 2^64
    acc += a / b + (a % b) * 3;
    i64 sa = (i64)a, sb = (r & 64) ? -(i64)b : (i64)b;  // never -1: |b| >= 2
    acc ^= (u64)(sa / sb) + (u64)(sa % sb);
    if ((i & 7) == 0) acc += digits(a ^ acc);
    if ((i & 15) == 0) acc += gcd(a | 1, (r >> 20) | 1);
  }
  return (unsigned)(acc >> 32) ^ (unsigned)acc;
}
