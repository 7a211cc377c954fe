// Bulk memory: memcpy/memset-heavy shuffling of blocks inside a 1 MiB arena
// (clang lowers the builtins to memory.copy / memory.fill with -mbulk-memory).
// run(n) does n rounds and returns a checksum over sampled bytes.
typedef unsigned int u32;
typedef unsigned char u8;
#define ARENA (1 << 20)
static u8 arena[ARENA];

u32 run(int n) {
  u32 x = 2463534242u, sum = 0;
  __builtin_memset(arena, 0x5a, ARENA);
  for (int r = 0; r < n; r++) {
    x ^= x << 13; x ^= x >> 17; x ^= x << 5;
    u32 len = 64 + (x & 8191);
    u32 src = (x >> 7) % (ARENA - len);
    u32 dst = (x >> 3) % (ARENA - len);
    __builtin_memmove(arena + dst, arena + src, len);
    u32 flen = 16 + ((x >> 11) & 2047);
    u32 fdst = (x >> 5) % (ARENA - flen);
    __builtin_memset(arena + fdst, (int)(r & 255), flen);
    arena[(x >> 9) % ARENA] ^= (u8)x;
    sum = sum * 31 + arena[(x >> 2) % ARENA];
  }
  for (u32 i = 0; i < ARENA; i += 4093) sum = sum * 17 + arena[i];
  return sum;
}
