// A freestanding C++ program using SIMD (wasm_simd128.h intrinsics and
// clang's auto-vectorizer) and C++ exceptions (-fwasm-exceptions: legacy
// try/catch/rethrow in the binary), for test/real/simdeh.mjs. An image and
// signal toolkit: objects with destructors live across throws, v128 values
// are live in frames that unwind, handlers rethrow and nest. Everything it
// observes goes to the host through `emit` (a tag and two numbers).
#include <wasm_simd128.h>

extern "C" void emit(int tag, int a, int b) noexcept;
extern "C" void *sx_current(void);

enum : int { LOG_DTOR = 1, LOG_CAUGHT, LOG_VALUE, LOG_RETHROWN, LOG_F32, LOG_DONE };

struct Error {
  int code, detail;
  Error(int c, int d) : code(c), detail(d) {}
};
struct RangeErr : Error { RangeErr(int d) : Error(1, d) {} };
struct DataErr : Error { DataErr(int d) : Error(2, d) {} };
struct Overflow : Error { Overflow(int d) : Error(3, d) {} };

static int f32bits(float f) { union { float f; int i; } u = { f }; return u.i; }

// A scoped resource: its destructor reports, so the transcript shows unwinding order.
struct Scope {
  int id;
  explicit Scope(int i) : id(i) {}
  ~Scope() { emit(LOG_DTOR, id, 0); }
};

// ---------------------------------------------------------------- data

static unsigned seed = 12345;
static unsigned rnd() { return seed = seed * 1103515245u + 12345u; }

#define W 64
#define H 48
static unsigned char img[H][W], tmp[H][W];
static float sig[1024], kern[16];
static short pcm[2][2048], mixed[2048];

// ---------------------------------------------------------------- kernels

// u8 3x3 box-ish blur, auto-vectorized; throws on a bad radius.
static unsigned blur(int passes) {
  if (passes < 0 || passes > 8) throw RangeErr(passes);
  Scope s(100 + passes);
  for (int p = 0; p < passes; p++) {
    for (int y = 0; y < H; y++)
      for (int x = 1; x < W - 1; x++) tmp[y][x] = (unsigned char)((img[y][x - 1] + 2 * img[y][x] + img[y][x + 1] + 2) >> 2);
    for (int y = 1; y < H - 1; y++)
      for (int x = 0; x < W; x++) img[y][x] = (unsigned char)((tmp[y - 1][x] + 2 * tmp[y][x] + tmp[y + 1][x] + 2) >> 2);
  }
  unsigned h = 0;
  for (int y = 0; y < H; y++) for (int x = 0; x < W; x++) h = h * 31 + img[y][x];
  return h;
}

// f32 dot product with intrinsics; NaN input is a DataErr, found lane-wise.
static float dot(const float *a, const float *b, int n) {
  v128_t acc = wasm_f32x4_splat(0);
  v128_t bad = wasm_i32x4_splat(0);
  for (int i = 0; i + 4 <= n; i += 4) {
    v128_t x = wasm_v128_load(a + i), y = wasm_v128_load(b + i);
    bad = wasm_v128_or(bad, wasm_f32x4_ne(x, x));
    acc = wasm_f32x4_add(acc, wasm_f32x4_mul(x, y));
  }
  if (wasm_v128_any_true(bad)) throw DataErr(wasm_i32x4_bitmask(bad));
  return wasm_f32x4_extract_lane(acc, 0) + wasm_f32x4_extract_lane(acc, 1) + wasm_f32x4_extract_lane(acc, 2) + wasm_f32x4_extract_lane(acc, 3);
}

// FIR filter: a v128 accumulator per output block is live across a call that may throw.
static float fir_check(float v, int i) {
  if (v > 60.0f) throw Overflow(i);
  return v;
}
static float fir(int n, float gain) {
  Scope s(200);
  float total = 0;
  for (int i = 0; i + 16 <= n; i += 4) {
    v128_t acc = wasm_f32x4_splat(0);
    for (int k = 0; k < 16; k++) acc = wasm_f32x4_add(acc, wasm_f32x4_mul(wasm_v128_load(sig + i + k), wasm_f32x4_splat(kern[k] * gain)));
    v128_t m = wasm_f32x4_max(acc, wasm_f32x4_neg(acc));
    total += fir_check(wasm_f32x4_extract_lane(m, 0) + wasm_f32x4_extract_lane(m, 3), i);
    total += wasm_f32x4_extract_lane(acc, 1);
  }
  return total;
}

// i16 mix with saturation (auto-vectorized), then a check on the peak.
static int mix(int ga, int gb, int limit) {
  Scope s(300);
  for (int i = 0; i < 2048; i++) {
    int v = ((pcm[0][i] * ga) >> 15) + ((pcm[1][i] * gb) >> 15);
    mixed[i] = (short)(v > 32767 ? 32767 : v < -32768 ? -32768 : v);
  }
  v128_t peak = wasm_i16x8_splat(0);
  for (int i = 0; i < 2048; i += 8) peak = wasm_i16x8_max(peak, wasm_i16x8_abs(wasm_v128_load(mixed + i)));
  v128_t p2 = wasm_i16x8_max(peak, wasm_i8x16_shuffle(peak, peak, 8, 9, 10, 11, 12, 13, 14, 15, 0, 1, 2, 3, 4, 5, 6, 7));
  p2 = wasm_i16x8_max(p2, wasm_i8x16_shuffle(p2, p2, 4, 5, 6, 7, 0, 1, 2, 3, 4, 5, 6, 7, 0, 1, 2, 3));
  p2 = wasm_i16x8_max(p2, wasm_i8x16_shuffle(p2, p2, 2, 3, 0, 1, 2, 3, 0, 1, 2, 3, 0, 1, 2, 3, 0, 1));
  int pk = (unsigned short)wasm_i16x8_extract_lane(p2, 0);
  if (pk > limit) throw Overflow(pk);
  unsigned h = 0;
  for (int i = 0; i < 2048; i += 3) h = h * 33 + (unsigned short)mixed[i];
  return (int)h;
}

// ---------------------------------------------------------------- driver

static void report() {
  Error *e = (Error *)sx_current();
  emit(LOG_CAUGHT, e->code, e->detail);
}

// A stage that catches, logs, and rethrows one kind of error.
static int stage(int which, int arg) {
  Scope s(400 + which);
  try {
    switch (which) {
      case 0: return (int)blur(arg);
      case 1: { float d = dot(sig, sig + 512, arg); emit(LOG_F32, f32bits(d), arg); return f32bits(d); }
      case 2: { float f = fir(arg, 1.0f + arg / 512.0f); emit(LOG_F32, f32bits(f), arg); return f32bits(f); }
      default: return mix(20000 + arg, 30000 - arg, 32760 + (arg % 3) * 4);
    }
  } catch (...) {
    Error *e = (Error *)sx_current();
    if (e->code == 3) {
      emit(LOG_RETHROWN, which, e->detail);
      throw;
    }
    report();
    return -e->code;
  }
}

extern "C" int run(int rounds) {
  for (int y = 0; y < H; y++) for (int x = 0; x < W; x++) img[y][x] = (unsigned char)(rnd() >> 24);
  for (int i = 0; i < 1024; i++) sig[i] = (float)((int)(rnd() >> 16) - 32768) / 1024.0f;
  for (int k = 0; k < 16; k++) kern[k] = (float)(k < 8 ? k + 1 : 16 - k) / 64.0f;
  for (int i = 0; i < 2048; i++) { pcm[0][i] = (short)(rnd() >> 16); pcm[1][i] = (short)(rnd() >> 16); }
  int acc = 0;
  for (int r = 0; r < rounds; r++) {
    for (int which = 0; which < 4; which++) {
      int arg = which == 0 ? (r % 11) - 1 : which == 1 ? 512 - (r % 5) * 4 : which == 2 ? 256 + r * 16 : (r * 997) % 2000;
      if (which == 1 && r % 7 == 3) sig[(r * 13) % 512] = __builtin_nanf("");
      try {
        int v = stage(which, arg);
        emit(LOG_VALUE, which, v);
        acc = acc * 31 + v;
      } catch (...) {
        Error *e = (Error *)sx_current();
        emit(LOG_CAUGHT, 100 + e->code, e->detail);
        acc ^= e->detail;
      }
      if (which == 1 && r % 7 == 3) sig[(r * 13) % 512] = 1.0f;
    }
  }
  emit(LOG_DONE, acc, rounds);
  return acc;
}
