#!/bin/sh
# Rebuilds bench/simd/*.wasm from the C sources, each twice: NAME.wasm without
# SIMD and NAME_simd.wasm with -msimd128 (intrinsics under __wasm_simd128__,
# and clang's auto-vectorizer). Needs clang-19 and lld-19 (Debian: apt-get
# install -y clang-19 lld-19); the .wasm files are committed.
set -e
cd "$(dirname "$0")"
for c in *.c; do
  name="${c%.c}"
  for simd in "" "-msimd128"; do
    out="$name${simd:+_simd}.wasm"
    clang-19 --target=wasm32 -O2 -mbulk-memory $simd -nostdlib \
      -Wl,--no-entry -Wl,--export=run -o "$out" "$c"
    echo "built simd/$out"
  done
done
