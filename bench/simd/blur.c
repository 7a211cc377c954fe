// u8 image filter: a 3x3 binomial blur ((1 2 1) x (1 2 1) / 16) of a grey
// image, written as plain loops for the auto-vectorizer.
#define W 512
#define H 256
static unsigned char img[H][W], tmp[H][W], out[H][W];
static void blur(void) {
  for (int y = 0; y < H; y++)
    for (int x = 1; x < W - 1; x++)
      tmp[y][x] = (unsigned char)((img[y][x - 1] + 2 * img[y][x] + img[y][x + 1] + 2) >> 2);
  for (int y = 1; y < H - 1; y++)
    for (int x = 0; x < W; x++)
      out[y][x] = (unsigned char)((tmp[y - 1][x] + 2 * tmp[y][x] + tmp[y + 1][x] + 2) >> 2);
}
int run(int n) {
  unsigned seed = 7;
  for (int y = 0; y < H; y++) for (int x = 0; x < W; x++) { seed = seed * 1103515245u + 12345u; img[y][x] = seed >> 24; }
  unsigned sum = 0;
  for (int r = 0; r < n; r++) {
    blur();
    for (int y = 0; y < H; y++) for (int x = 0; x < W; x++) sum = sum * 31 + out[y][x];
    img[r % H][r % W] ^= 0x5a;
  }
  return (int)sum;
}
