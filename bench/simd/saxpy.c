// f32 y = a*x + y over arrays, then a small stencil: plain loops that clang
// vectorizes with -msimd128 (no reassociation needed, so no -ffast-math).
#define N 8192
static float x[N], y[N], z[N];
static void saxpy(float a) {
  for (int i = 0; i < N; i++) y[i] = a * x[i] + y[i];
  for (int i = 1; i < N - 1; i++) z[i] = 0.25f * y[i - 1] + 0.5f * y[i] + 0.25f * y[i + 1];
  for (int i = 0; i < N; i++) y[i] = z[i] > 4.0f ? z[i] - 4.0f : z[i];
}
int run(int n) {
  unsigned seed = 5;
  for (int i = 0; i < N; i++) { seed = seed * 1103515245u + 12345u; x[i] = (float)(seed >> 20) / 4096.0f; y[i] = 0; z[i] = 0; }
  for (int r = 0; r < n; r++) saxpy(0.5f + (float)(r & 7) / 8.0f);
  float s = 0;
  for (int i = 0; i < N; i++) s += y[i];
  union { float f; int i; } u = { s };
  return u.i;
}
