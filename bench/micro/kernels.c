// Small kernels for the per-representation study (kernels.mjs, f32.mjs):
// native WebAssembly built from this file is the reference each hand-written
// JavaScript variant is checked and timed against. Rebuild (clang-19, lld-19):
//   clang-19 --target=wasm32 -O2 -mbulk-memory -nostdlib -Wl,--no-entry -Wl,--export-dynamic \
//     -o bench/micro/kernels.wasm bench/micro/kernels.c
typedef unsigned long long u64;
typedef unsigned int u32;
#define EXPORT __attribute__((visibility("default")))

#define P1 0x9E3779B185EBCA87ULL
#define P2 0xC2B2AE3D27D4EB4FULL
static inline u64 rotl(u64 x, int r) { return (x << r) | (x >> (64 - r)); }
static inline u64 splitmix(u64 *s) {
  u64 z = (*s += 0x9e3779b97f4a7c15ULL);
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
  return z ^ (z >> 31);
}

// 2,048 words filled from splitmix64 at 8-aligned addresses.
static u64 buf[2048];
EXPORT void fill(u64 seed) { for (int i = 0; i < 2048; i++) buf[i] = splitmix(&seed); }
EXPORT u32 buf_addr(void) { return (u32)buf; }

// xxHash64's stripe loop: four accumulators over the buffer, n passes.
EXPORT u64 xxh_stripes(int n, u64 seed) {
  u64 v1 = seed + P1 + P2, v2 = seed + P2, v3 = seed, v4 = seed - P1;
  for (int r = 0; r < n; r++) {
    for (int i = 0; i < 2048; i += 4) {
      v1 = rotl(v1 + buf[i] * P2, 31) * P1;
      v2 = rotl(v2 + buf[i + 1] * P2, 31) * P1;
      v3 = rotl(v3 + buf[i + 2] * P2, 31) * P1;
      v4 = rotl(v4 + buf[i + 3] * P2, 31) * P1;
    }
  }
  return rotl(v1, 1) + rotl(v2, 7) + rotl(v3, 12) + rotl(v4, 18);
}

// The same four accumulators fed straight from splitmix64 (no memory).
EXPORT u64 xxh_splitmix(int n, u64 seed) {
  u64 s = seed, v1 = seed + P1 + P2, v2 = seed + P2, v3 = seed, v4 = seed - P1;
  for (int i = 0; i < n; i++) {
    v1 = rotl(v1 + splitmix(&s) * P2, 31) * P1;
    v2 = rotl(v2 + splitmix(&s) * P2, 31) * P1;
    v3 = rotl(v3 + splitmix(&s) * P2, 31) * P1;
    v4 = rotl(v4 + splitmix(&s) * P2, 31) * P1;
  }
  return rotl(v1, 1) + rotl(v2, 7) + rotl(v3, 12) + rotl(v4, 18);
}

// PCG64-style step (128-bit LCG on halves, 32-bit pieces) with a
// data-dependent rotate: multiply-heavy with a variable count.
EXPORT u64 pcg_stream(int n, u64 seed) {
  u64 hi = seed, lo = ~seed, acc = 0;
  for (int i = 0; i < n; i++) {
    // lo * 0x2360ED054385DF64 as 128 bits, from 32-bit pieces
    u64 al = (u32)lo, ah = lo >> 32, bl = 0x4385DF64ULL, bh = 0x2360ED05ULL;
    u64 ll = al * bl, lh = al * bh, hl = ah * bl, hh = ah * bh;
    u64 mid = (ll >> 32) + (u32)lh + (u32)hl;
    u64 h = hh + (lh >> 32) + (hl >> 32) + (mid >> 32);
    u64 l = (mid << 32) | (u32)ll;
    h += lo * 0x5851F42D4C957F2DULL + hi * 0x2360ED054385DF64ULL;
    l += 0x14057B7EF767814FULL;
    h += 0xDA3E39CB94B95BDBULL + (l < 0x14057B7EF767814FULL);
    lo = l; hi = h;
    u64 x = hi ^ lo;
    unsigned r = (unsigned)(hi >> 58);
    acc += (x >> r) | (x << ((-r) & 63));
  }
  return acc;
}

// SHA-512's 80 rounds over a fixed message schedule in memory, n times.
static const u64 K[80] = {
  0x428a2f98d728ae22ULL, 0x7137449123ef65cdULL, 0xb5c0fbcfec4d3b2fULL, 0xe9b5dba58189dbbcULL, 0x3956c25bf348b538ULL,
  0x59f111f1b605d019ULL, 0x923f82a4af194f9bULL, 0xab1c5ed5da6d8118ULL, 0xd807aa98a3030242ULL, 0x12835b0145706fbeULL,
  0x243185be4ee4b28cULL, 0x550c7dc3d5ffb4e2ULL, 0x72be5d74f27b896fULL, 0x80deb1fe3b1696b1ULL, 0x9bdc06a725c71235ULL,
  0xc19bf174cf692694ULL, 0xe49b69c19ef14ad2ULL, 0xefbe4786384f25e3ULL, 0x0fc19dc68b8cd5b5ULL, 0x240ca1cc77ac9c65ULL,
  0x2de92c6f592b0275ULL, 0x4a7484aa6ea6e483ULL, 0x5cb0a9dcbd41fbd4ULL, 0x76f988da831153b5ULL, 0x983e5152ee66dfabULL,
  0xa831c66d2db43210ULL, 0xb00327c898fb213fULL, 0xbf597fc7beef0ee4ULL, 0xc6e00bf33da88fc2ULL, 0xd5a79147930aa725ULL,
  0x06ca6351e003826fULL, 0x142929670a0e6e70ULL, 0x27b70a8546d22ffcULL, 0x2e1b21385c26c926ULL, 0x4d2c6dfc5ac42aedULL,
  0x53380d139d95b3dfULL, 0x650a73548baf63deULL, 0x766a0abb3c77b2a8ULL, 0x81c2c92e47edaee6ULL, 0x92722c851482353bULL,
  0xa2bfe8a14cf10364ULL, 0xa81a664bbc423001ULL, 0xc24b8b70d0f89791ULL, 0xc76c51a30654be30ULL, 0xd192e819d6ef5218ULL,
  0xd69906245565a910ULL, 0xf40e35855771202aULL, 0x106aa07032bbd1b8ULL, 0x19a4c116b8d2d0c8ULL, 0x1e376c085141ab53ULL,
  0x2748774cdf8eeb99ULL, 0x34b0bcb5e19b48a8ULL, 0x391c0cb3c5c95a63ULL, 0x4ed8aa4ae3418acbULL, 0x5b9cca4f7763e373ULL,
  0x682e6ff3d6b2b8a3ULL, 0x748f82ee5defb2fcULL, 0x78a5636f43172f60ULL, 0x84c87814a1f0ab72ULL, 0x8cc702081a6439ecULL,
  0x90befffa23631e28ULL, 0xa4506cebde82bde9ULL, 0xbef9a3f7b2c67915ULL, 0xc67178f2e372532bULL, 0xca273eceea26619cULL,
  0xd186b8c721c0c207ULL, 0xeada7dd6cde0eb1eULL, 0xf57d4f7fee6ed178ULL, 0x06f067aa72176fbaULL, 0x0a637dc5a2c898a6ULL,
  0x113f9804bef90daeULL, 0x1b710b35131c471bULL, 0x28db77f523047d84ULL, 0x32caab7b40c72493ULL, 0x3c9ebe0a15c9bebcULL,
  0x431d67c49c100d4cULL, 0x4cc5d4becb3e42b6ULL, 0x597f299cfc657e2aULL, 0x5fcb6fab3ad6faecULL, 0x6c44198c4a475817ULL};
static inline u64 rotr(u64 x, int n) { return (x >> n) | (x << (64 - n)); }
EXPORT u32 k_addr(void) { return (u32)K; }
EXPORT u64 sha512_rounds(int n, u64 seed) {
  u64 a = seed, b = ~seed, c = seed * 3, d = seed ^ P1, e = seed + P2, f = seed >> 3, g = seed << 5, h = P1;
  for (int r = 0; r < n; r++) {
    for (int i = 0; i < 80; i++) {
      u64 t1 = h + (rotr(e, 14) ^ rotr(e, 18) ^ rotr(e, 41)) + ((e & f) ^ (~e & g)) + K[i] + buf[i];
      u64 t2 = (rotr(a, 28) ^ rotr(a, 34) ^ rotr(a, 39)) + ((a & b) ^ (a & c) ^ (b & c));
      h = g; g = f; f = e; e = d + t1; d = c; c = b; b = a; a = t1 + t2;
    }
  }
  return a ^ b ^ c ^ d ^ e ^ f ^ g ^ h;
}

// 64-bit division and remainder by divisors of every magnitude.
EXPORT u64 div_stream(int n, u64 seed) {
  u64 s = seed, acc = 0;
  for (int i = 0; i < n; i++) {
    u64 a = splitmix(&s), r = splitmix(&s);
    u64 b = (r >> (r & 63)) | 2;
    acc += a / b + (a % b) * 3;
  }
  return acc;
}

// The f32 matrix multiply of bench/kernels/matmul.c, one pass (C = A * B).
#define N 128
static float A[N * N], B[N * N], C[N * N];
EXPORT u32 mat_addr(int which) { return which == 0 ? (u32)A : which == 1 ? (u32)B : (u32)C; }
EXPORT void mat_init(int seed) {
  for (int i = 0; i < N * N; i++) {
    A[i] = (float)((i * 7 + seed) % 13) * 0.125f - 0.5f;
    B[i] = (float)((i * 5 + seed) % 11) * 0.0625f - 0.25f;
  }
}
EXPORT float matmul(int n) {
  float s = 0.0f;
  for (int r = 0; r < n; r++) {
    for (int i = 0; i < N; i++) {
      for (int j = 0; j < N; j++) C[i * N + j] = 0.0f;
      for (int k = 0; k < N; k++) {
        float a = A[i * N + k];
        for (int j = 0; j < N; j++) C[i * N + j] += a * B[k * N + j];
      }
    }
    s += C[r & (N * N - 1)];
  }
  return s;
}
