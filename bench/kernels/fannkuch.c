// fannkuch-redux: permutations of 1..n in linear memory, counting pancake flips.
// run(n) returns checksum * 1000 + maxFlips (n <= 12).
static int perm[16], perm1[16], count[16];

int run(int n) {
  int maxFlips = 0, checksum = 0, permCount = 0, r = n;
  for (int i = 0; i < n; i++) perm1[i] = i;
  for (;;) {
    while (r != 1) { count[r - 1] = r; r--; }
    for (int i = 0; i < n; i++) perm[i] = perm1[i];
    int flips = 0, k;
    while ((k = perm[0]) != 0) {
      int k2 = (k + 1) >> 1;
      for (int i = 0; i < k2; i++) {
        int t = perm[i]; perm[i] = perm[k - i]; perm[k - i] = t;
      }
      flips++;
    }
    if (flips > maxFlips) maxFlips = flips;
    checksum += (permCount & 1) ? -flips : flips;
    for (;;) {
      if (r == n) return checksum * 1000 + maxFlips;
      int p0 = perm1[0];
      for (int i = 0; i < r; i++) perm1[i] = perm1[i + 1];
      perm1[r] = p0;
      if (--count[r] > 0) break;
      r++;
    }
    permCount++;
  }
}
