#!/bin/sh
# Rebuilds program.wasm (committed): clang-19 and lld-19 (Debian: apt-get
# install -y clang-19 lld-19). -fwasm-exceptions gives legacy try/catch.
set -e
cd "$(dirname "$0")"
clang-19 --target=wasm32 -O2 -msimd128 -fwasm-exceptions -fno-rtti -nostdlib \
  -Wl,--no-entry -Wl,--export=run -Wl,--allow-undefined -o program.wasm program.cpp rt.c
