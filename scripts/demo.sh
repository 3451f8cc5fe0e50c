#!/usr/bin/env bash
# The README demo command: builds libpackr and the C examples, then runs the demo.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
cargo build --release
make -s -C examples-c all
echo
target/examples/recursive_values
