#!/usr/bin/env bash
# The README demo command: builds libpackr and the C examples, then runs the demo.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
cargo build --release
tests/guests/build.sh >/dev/null
make -s -C examples-c all
make -s -C tools
g=target/guests/wasm
echo
echo "== Composition demo: adder's import math.double is wired to doubler's export double"
target/examples/wiring "$g"
echo
echo "== A host function written in C"
target/examples/host_function "$g"
echo
echo "== A recursive value built in C, evaluated by the sexpr package (via packr-run)"
target/examples/recursive_values
target/tools/packr-run "$g/sexpr.wasm" sexpr eval \
  'expr::lst#4([expr::sym#0("+"), expr::num#1(1), expr::lst#4([expr::sym#0("*"), expr::num#1(2), expr::num#1(3)])])'

