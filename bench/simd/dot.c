// f32 dot product (wasm_simd128.h intrinsics with -msimd128, a plain loop with
// eight accumulators without) over two arrays, repeated with one element changed.
#ifdef __wasm_simd128__
#include <wasm_simd128.h>
#endif
#define N 4096
static float a[N], b[N];
static float dot(const float *x, const float *y, int n) {
#ifdef __wasm_simd128__
  v128_t acc0 = wasm_f32x4_splat(0), acc1 = wasm_f32x4_splat(0);
  int i = 0;
  for (; i + 8 <= n; i += 8) {
    acc0 = wasm_f32x4_add(acc0, wasm_f32x4_mul(wasm_v128_load(x + i), wasm_v128_load(y + i)));
    acc1 = wasm_f32x4_add(acc1, wasm_f32x4_mul(wasm_v128_load(x + i + 4), wasm_v128_load(y + i + 4)));
  }
  v128_t acc = wasm_f32x4_add(acc0, acc1);
  float s = wasm_f32x4_extract_lane(acc, 0) + wasm_f32x4_extract_lane(acc, 1) + wasm_f32x4_extract_lane(acc, 2) + wasm_f32x4_extract_lane(acc, 3);
  for (; i < n; i++) s += x[i] * y[i];
  return s;
#else
  float s0 = 0, s1 = 0, s2 = 0, s3 = 0, s4 = 0, s5 = 0, s6 = 0, s7 = 0;
  int i = 0;
  for (; i + 8 <= n; i += 8) {
    s0 += x[i] * y[i]; s1 += x[i+1] * y[i+1]; s2 += x[i+2] * y[i+2]; s3 += x[i+3] * y[i+3];
    s4 += x[i+4] * y[i+4]; s5 += x[i+5] * y[i+5]; s6 += x[i+6] * y[i+6]; s7 += x[i+7] * y[i+7];
  }
  float s = ((s0 + s4) + (s1 + s5)) + ((s2 + s6) + (s3 + s7));
  for (; i < n; i++) s += x[i] * y[i];
  return s;
#endif
}
int run(int n) {
  unsigned seed = 1;
  for (int i = 0; i < N; i++) { seed = seed * 1103515245u + 12345u; a[i] = (float)((seed >> 16) & 1023) / 512.0f - 1.0f;
    seed = seed * 1103515245u + 12345u; b[i] = (float)((seed >> 16) & 1023) / 512.0f - 1.0f; }
  float t = 0;
  for (int r = 0; r < n; r++) { t += dot(a, b, N); a[r & (N - 1)] += 0.001f; }
  union { float f; int i; } u = { t };
  return u.i;
}
