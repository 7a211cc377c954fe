// 64-bit integer mixing: splitmix64 feeding a xorshift64* generator, with
// multiplies, shifts, rotates and a 64-bit division every 64 steps.
// run(n) returns the 64-bit state folded to i32 (hi ^ lo), so engines without
// BigInt-legal i64 exports (wasm2js) can be compared too; mix64(n) returns the
// full i64 for hosts that take BigInt.
typedef unsigned long long u64;

static inline u64 splitmix(u64 *s) {
  u64 z = (*s += 0x9e3779b97f4a7c15ULL);
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
  return z ^ (z >> 31);
}

static inline u64 rotl(u64 x, int k) { return (x << k) | (x >> (64 - k)); }

__attribute__((noinline)) u64 mix64(int n) {
  u64 s = 0x0123456789abcdefULL, x = 88172645463325252ULL, acc = 0;
  for (int i = 0; i < n; i++) {
    x ^= x >> 12; x ^= x << 25; x ^= x >> 27;
    u64 y = x * 0x2545f4914f6cdd1dULL;
    u64 z = splitmix(&s);
    acc += rotl(y ^ z, (int)(z & 63)) ^ (acc >> 7);
    if ((i & 63) == 0) acc ^= y / ((z | 1) >> 20 | 1);
  }
  return acc;
}

unsigned run(int n) {
  u64 v = mix64(n);
  return (unsigned)(v >> 32) ^ (unsigned)v;
}
