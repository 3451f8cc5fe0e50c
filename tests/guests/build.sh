#!/usr/bin/env bash
# Builds the Rust guest fixtures (tests/guests/rust, a standalone cargo
# workspace) for wasm32-unknown-unknown and copies each module to
#   $REPO/target/guests/wasm/<crate>.wasm
# Works from any cwd. Cargo's own target dir is $REPO/target/guests.
set -euo pipefail

SCRIPT_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
REPO="$(cd "$SCRIPT_DIR/../.." && pwd)"
WORKSPACE="$SCRIPT_DIR/rust"
TARGET=wasm32-unknown-unknown
export CARGO_TARGET_DIR="$REPO/target/guests"
OUT_DIR="$CARGO_TARGET_DIR/wasm"

# Idempotent; a no-op when the target is already installed.
if ! rustup target list --installed | grep -qx "$TARGET"; then
    rustup target add "$TARGET"
fi

(cd "$WORKSPACE" && cargo build --release --locked --target "$TARGET")

mkdir -p "$OUT_DIR"
# Remove stale copies so the directory holds exactly the current guests.
rm -f "$OUT_DIR"/*.wasm

shopt -s nullglob
built=("$CARGO_TARGET_DIR/$TARGET/release/"*.wasm)
if [ "${#built[@]}" -eq 0 ]; then
    echo "build.sh: no .wasm produced in $CARGO_TARGET_DIR/$TARGET/release" >&2
    exit 1
fi
for f in "${built[@]}"; do
    cp "$f" "$OUT_DIR/$(basename "$f")"
done

echo "guest modules in $OUT_DIR:"
for f in "$OUT_DIR"/*.wasm; do
    printf '  %-22s %8d bytes\n' "$(basename "$f")" "$(wc -c < "$f")"
done
