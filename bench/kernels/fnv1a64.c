// FNV-1a 64 over many short keys (a hash table's key loop): for each of n
// rounds, 1,024 keys of 1..48 bytes at varying offsets of a 64 KiB text are
// hashed byte by byte (xor a byte, multiply by the 64-bit FNV prime) and
// counted into 4,096 buckets by the hash's top bits. The text comes from an
// LCG seeded by n. run(n) returns a checksum of the hashes and the buckets.
typedef unsigned long long u64;
typedef unsigned int u32;
typedef unsigned char u8;

#define TEXT 65536
static u8 text[TEXT + 64];
static u32 buckets[4096];

__attribute__((noinline)) static u64 fnv1a(const u8 *p, u32 len) {
  u64 h = 0xcbf29ce484222325ULL;
  for (u32 i = 0; i < len; i++) { h ^= p[i]; h *= 0x100000001b3ULL; }
  return h;
}

unsigned run(int n) {
  u32 x = 0x12345u ^ ((u32)n * 2246822519u);
  for (int i = 0; i < TEXT + 64; i++) { x = x * 1664525u + 1013904223u; text[i] = (u8)(x >> 24); }
  for (int i = 0; i < 4096; i++) buckets[i] = 0;
  u64 acc = 0;
  u32 pos = x;
  for (int r = 0; r < n; r++) {
    for (int k = 0; k < 1024; k++) {
      pos = pos * 1664525u + 1013904223u;
      u32 len = 1 + (pos >> 27) + ((pos >> 11) & 15);  // 1..47
      u64 h = fnv1a(text + (pos & (TEXT - 1)), len);
      buckets[h >> 52]++;
      acc += h ^ (acc >> 29);
    }
  }
  u32 b = 0;
  for (int i = 0; i < 4096; i++) b = b * 31 + buckets[i];
  return (unsigned)(acc >> 32) ^ (unsigned)acc ^ b;
}
