#!/usr/bin/env bash
# Builds the C guest packages (tests/guests/c/*.c, with the SDK in guest/) for wasm32 with
# clang + wasm-ld and writes $REPO/target/guests/wasm-c/<name>.wasm. Then checks that every
# module has exactly the expected exports and imports (tests/guests/c/check_wasm.py).
# CLANG=... picks the compiler (default: clang, else the newest clang-NN on PATH).
set -euo pipefail
SCRIPT_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
REPO="$(cd "$SCRIPT_DIR/../.." && pwd)"
OUT="${OUT_DIR:-$REPO/target/guests/wasm-c}"
GEN="$REPO/target/guests/c-gen"

if [ -z "${CLANG:-}" ]; then
  CLANG=$(command -v clang || true)
  for v in 21 20 19 18 17 16 15 14; do
    [ -n "$CLANG" ] && break
    CLANG=$(command -v "clang-$v" || true)
  done
fi
if [ -z "$CLANG" ]; then
  echo "build_c.sh: no clang found (apt-get install clang lld)" >&2
  exit 1
fi

CFLAGS=(--target=wasm32-unknown-unknown -std=c99 -Os -ffreestanding -nostdlib
        -Wall -Wextra -Wpedantic -Werror -I"$REPO/guest")
# No entry point; the shadow stack first (1 MiB, growing down from 1 MiB, as rustc guests), so an
# overflow traps instead of overwriting data; only the marked exports stay.
LDFLAGS=(-Wl,--no-entry -Wl,--stack-first -Wl,-z,stack-size=1048576 -Wl,--strip-all)
SDK=("$REPO"/guest/packr_alloc.c "$REPO"/guest/packr_value.c "$REPO"/guest/packr_codec.c
     "$REPO"/guest/packr_abi.c)

mkdir -p "$OUT" "$GEN"
for pkg in echo doubler adder sexpr; do
  python3 "$REPO/guest/packr_types.py" "$SCRIPT_DIR/c/$pkg.types" > "$GEN/${pkg}_types.c"
  "$CLANG" "${CFLAGS[@]}" "${LDFLAGS[@]}" -o "$OUT/$pkg.wasm" \
    "$SCRIPT_DIR/c/$pkg.c" "$GEN/${pkg}_types.c" "${SDK[@]}"
done

python3 "$SCRIPT_DIR/c/check_wasm.py" "$OUT"
echo "C guest modules in $OUT:"
for f in "$OUT"/*.wasm; do
  printf '  %-22s %8d bytes\n' "$(basename "$f")" "$(wc -c < "$f")"
done
