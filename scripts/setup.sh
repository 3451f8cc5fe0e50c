#!/usr/bin/env bash
# Installs what building and testing libpackr needs on a bare Debian machine (idempotent):
# a C/C++ toolchain, make, valgrind, pkg-config, clang + lld (C guests for wasm32, libFuzzer), node
# (runs the C guests' ABI tests), and Rust's wasm32-unknown-unknown target.
set -euo pipefail
missing=()
for tool in cc:gcc c++:g++ make:make valgrind:valgrind pkg-config:pkg-config python3:python3 \
    clang:clang wasm-ld:lld node:nodejs; do
  command -v "${tool%%:*}" >/dev/null 2>&1 || missing+=("${tool##*:}")
done
if ((${#missing[@]})); then
  echo "setup: installing ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq && apt-get install -y -qq "${missing[@]}" >/dev/null
fi
if ! rustup target list --installed 2>/dev/null | grep -qx wasm32-unknown-unknown; then
  echo "setup: adding the wasm32-unknown-unknown Rust target"
  rustup target add wasm32-unknown-unknown
fi
