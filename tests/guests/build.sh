#!/usr/bin/env bash
# Builds the Rust guest fixtures for wasm32-unknown-unknown and copies each
# module to
#   $REPO/target/guests/wasm/<crate>.wasm
# Two standalone cargo workspaces are built, in this order:
#   tests/guests/rust          packr-guest 0.5.4 guests  (doubler.wasm, ...)
#   tests/guests/rust-current  packr-guest 0.24.1 guests (cur_*.wasm)
# Works from any cwd. Cargo's own target dir is $REPO/target/guests (shared by
# both workspaces; the crate names do not collide).
set -euo pipefail

SCRIPT_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
REPO="$(cd "$SCRIPT_DIR/../.." && pwd)"
WORKSPACES=("$SCRIPT_DIR/rust" "$SCRIPT_DIR/rust-current")
TARGET=wasm32-unknown-unknown
export CARGO_TARGET_DIR="$REPO/target/guests"
OUT_DIR="$CARGO_TARGET_DIR/wasm"

# Idempotent; a no-op when the target is already installed.
if ! rustup target list --installed | grep -qx "$TARGET"; then
    rustup target add "$TARGET"
fi

for ws in "${WORKSPACES[@]}"; do
    (cd "$ws" && cargo build --release --locked --target "$TARGET")
done

mkdir -p "$OUT_DIR"
# Remove stale copies so the directory holds exactly the current guests.
rm -f "$OUT_DIR"/*.wasm

# Copy exactly the cdylib members of each workspace (not a glob over the
# shared release dir, which can hold modules of crates that no longer exist).
copied=0
for ws in "${WORKSPACES[@]}"; do
    members=$(sed -n '/^members *= *\[/,/\]/p' "$ws/Cargo.toml" | grep -o '"[^"]*"' | tr -d '"')
    for m in $members; do
        f="$CARGO_TARGET_DIR/$TARGET/release/${m//-/_}.wasm"
        if [ ! -f "$f" ]; then
            echo "build.sh: $f was not produced (member $m of $ws)" >&2
            exit 1
        fi
        cp "$f" "$OUT_DIR/$(basename "$f")"
        copied=$((copied + 1))
    done
done
if [ "$copied" -eq 0 ]; then
    echo "build.sh: no .wasm produced in $CARGO_TARGET_DIR/$TARGET/release" >&2
    exit 1
fi

echo "guest modules in $OUT_DIR:"
for f in "$OUT_DIR"/*.wasm; do
    printf '  %-22s %8d bytes\n' "$(basename "$f")" "$(wc -c < "$f")"
done
