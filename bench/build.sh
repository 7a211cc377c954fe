#!/bin/sh
# Rebuilds bench/kernels/*.wasm from the C sources. Needs clang-19 and lld-19
# (Debian: apt-get install -y clang-19 lld-19). The .wasm files are committed,
# so running the benchmarks never needs clang.
set -e
cd "$(dirname "$0")/kernels"
for c in *.c; do
  name="${c%.c}"
  clang-19 --target=wasm32 -O2 -mbulk-memory -nostdlib \
    -Wl,--no-entry -Wl,--export=run -Wl,--export-if-defined=mix64 -o "$name.wasm" "$c"
  echo "built kernels/$name.wasm"
done
