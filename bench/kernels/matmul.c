// f32 matrix multiply C = A * B on N x N matrices (N = 128) in linear memory,
// repeated n times with A updated from C between rounds. run(n) returns the sum of C.
#define N 128
static float A[N * N], B[N * N], C[N * N];

float run(int n) {
  for (int i = 0; i < N * N; i++) {
    A[i] = (float)((i * 7) % 13) * 0.125f - 0.5f;
    B[i] = (float)((i * 5) % 11) * 0.0625f - 0.25f;
  }
  for (int r = 0; r < n; r++) {
    for (int i = 0; i < N; i++) {
      for (int j = 0; j < N; j++) C[i * N + j] = 0.0f;
      for (int k = 0; k < N; k++) {
        float a = A[i * N + k];
        for (int j = 0; j < N; j++) C[i * N + j] += a * B[k * N + j];
      }
    }
    for (int i = 0; i < N * N; i++) A[i] = C[i] * 0.001f + (float)(i & 7) * 0.01f;
  }
  float s = 0.0f;
  for (int i = 0; i < N * N; i++) s += C[i];
  return s;
}
