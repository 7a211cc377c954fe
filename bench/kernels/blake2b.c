// BLAKE2b compression (12 rounds of the G function: 64-bit adds, xor, rotates
// by 32, 24, 16 and 63) over a 32 KiB buffer read as little-endian 64-bit words,
// chained n times with a counter and the previous hash as the key block. The
// buffer comes from a xorshift stream seeded by n. run(n) folds the hash to i32.
typedef unsigned long long u64;
typedef unsigned int u32;
typedef unsigned char u8;

static const u64 IV[8] = {
  0x6a09e667f3bcc908ULL, 0xbb67ae8584caa73bULL, 0x3c6ef372fe94f82bULL, 0xa54ff53a5f1d36f1ULL,
  0x510e527fade682d1ULL, 0x9b05688c2b3e6c1fULL, 0x1f83d9abfb41bd6bULL, 0x5be0cd19137e2179ULL};
static const u8 SIGMA[12][16] = {
  {0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15}, {14, 10, 4, 8, 9, 15, 13, 6, 1, 12, 0, 2, 11, 7, 5, 3},
  {11, 8, 12, 0, 5, 2, 15, 13, 10, 14, 3, 6, 7, 1, 9, 4}, {7, 9, 3, 1, 13, 12, 11, 14, 2, 6, 5, 10, 4, 0, 15, 8},
  {9, 0, 5, 7, 2, 4, 10, 15, 14, 1, 11, 12, 6, 8, 3, 13}, {2, 12, 6, 10, 0, 11, 8, 3, 4, 13, 7, 5, 15, 14, 1, 9},
  {12, 5, 1, 15, 14, 13, 4, 10, 0, 7, 6, 3, 9, 2, 8, 11}, {13, 11, 7, 14, 12, 1, 3, 9, 5, 0, 15, 4, 8, 6, 2, 10},
  {6, 15, 14, 9, 11, 3, 0, 8, 12, 2, 13, 7, 1, 4, 10, 5}, {10, 2, 8, 4, 7, 6, 1, 5, 15, 11, 9, 14, 3, 12, 13, 0},
  {0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15}, {14, 10, 4, 8, 9, 15, 13, 6, 1, 12, 0, 2, 11, 7, 5, 3}};

#define BUF 32768
static u64 buf[BUF / 8];
static u64 h[8];

static inline u64 rotr(u64 x, int n) { return (x >> n) | (x << (64 - n)); }

#define G(a, b, c, d, x, y)            \
  do {                                 \
    v[a] = v[a] + v[b] + (x);          \
    v[d] = rotr(v[d] ^ v[a], 32);      \
    v[c] = v[c] + v[d];                \
    v[b] = rotr(v[b] ^ v[c], 24);      \
    v[a] = v[a] + v[b] + (y);          \
    v[d] = rotr(v[d] ^ v[a], 16);      \
    v[c] = v[c] + v[d];                \
    v[b] = rotr(v[b] ^ v[c], 63);      \
  } while (0)

static void compress(const u64 *m, u64 t, int last) {
  u64 v[16];
  for (int i = 0; i < 8; i++) { v[i] = h[i]; v[i + 8] = IV[i]; }
  v[12] ^= t;
  if (last) v[14] = ~v[14];
  for (int r = 0; r < 12; r++) {
    const u8 *s = SIGMA[r];
    G(0, 4, 8, 12, m[s[0]], m[s[1]]);
    G(1, 5, 9, 13, m[s[2]], m[s[3]]);
    G(2, 6, 10, 14, m[s[4]], m[s[5]]);
    G(3, 7, 11, 15, m[s[6]], m[s[7]]);
    G(0, 5, 10, 15, m[s[8]], m[s[9]]);
    G(1, 6, 11, 12, m[s[10]], m[s[11]]);
    G(2, 7, 8, 13, m[s[12]], m[s[13]]);
    G(3, 4, 9, 14, m[s[14]], m[s[15]]);
  }
  for (int i = 0; i < 8; i++) h[i] ^= v[i] ^ v[i + 8];
}

unsigned run(int n) {
  u64 x = 0x9E3779B97F4A7C15ULL ^ (u64)n;
  for (int i = 0; i < BUF / 8; i++) { x ^= x << 13; x ^= x >> 7; x ^= x << 17; buf[i] = x; }
  for (int i = 0; i < 8; i++) h[i] = IV[i];
  h[0] ^= 0x01010040;  // digest length 64, no key
  u64 t = 0;
  for (int r = 0; r < n; r++) {
    for (int i = 0; i < 8; i++) buf[i] ^= h[i];
    for (int off = 0; off < BUF / 8; off += 16) {
      t += 128;
      compress(buf + off, t, off + 16 == BUF / 8);
    }
  }
  u64 out = 0;
  for (int i = 0; i < 8; i++) out ^= h[i];
  return (unsigned)(out >> 32) ^ (unsigned)out;
}
