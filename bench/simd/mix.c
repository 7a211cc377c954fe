// i16 audio mix: two tracks scaled by Q15 gains, summed with saturation.
#define N 8192
static short a[N], b[N], out[N];
static short sat(int v) { return v > 32767 ? 32767 : v < -32768 ? -32768 : v; }
static void mix(int ga, int gb) {
  for (int i = 0; i < N; i++) out[i] = sat(((a[i] * ga) >> 15) + ((b[i] * gb) >> 15));
}
int run(int n) {
  unsigned seed = 3;
  for (int i = 0; i < N; i++) { seed = seed * 1103515245u + 12345u; a[i] = (short)(seed >> 16); seed = seed * 1103515245u + 12345u; b[i] = (short)(seed >> 16); }
  unsigned sum = 0;
  for (int r = 0; r < n; r++) {
    mix(20000 + (r & 1023), 30000 - (r & 511));
    for (int i = 0; i < N; i += 7) sum = sum * 31 + (unsigned short)out[i];
  }
  return (int)sum;
}
