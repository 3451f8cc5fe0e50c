#!/usr/bin/env bash
# Runs packr-run on the guest fixtures and compares its output (stdout, stderr and exit status)
# with packr-run.expected.  usage: tools/check.sh [GUEST_DIR]
set -uo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(dirname "$here")"
g="${1:-$root/target/guests/wasm}"
run="$root/target/tools/packr-run"
out="$root/target/tools/packr-run.out"
art="$root/target/tools/artifacts"
rm -rf "$art" && mkdir -p "$art"
{
  t() { { echo "\$ packr-run $*"; "$run" "$@" 2>&1; echo "[exit $?]"; } | sed -e "s#$g/##g" -e "s#$art/##g"; }
  t --wire adder:math.double=doubler:double "$g/adder.wasm" "$g/doubler.wasm" adder process 5
  t "$g/sexpr.wasm" sexpr eval 'expr::lst#4([expr::sym#0("+"), expr::num#1(1), expr::lst#4([expr::sym#0("*"), expr::num#1(2), expr::num#1(3)])])'
  t --echo-host host.greet --echo-host host.log "$g/greeter.wasm" greeter hello '"bob"'
  t "$g/echo.wasm" echo echo 'point{x: 1s32, y: [1.5f64, -0.0f64], z: some("é\n")}'
  t calc="$g/doubler.wasm" --hex calc double 21
  t "$g/doubler.wasm" doubler double '(21,)'
  t "$g/doubler.wasm" doubler double '[1, 2'
  t "$g/adder.wasm" adder process 5
  t --fuel 1000000 "$g/hostile.wasm" hostile spin 1
  t --types doubler "$g/doubler.wasm"
  t "$g/doubler.wasm" doubler
  t --wire nonsense "$g/doubler.wasm" doubler double 1
  # Precompiled artifacts (.cwasm): written once, loaded without compiling.
  t --precompile "$g/adder.wasm" "$art/adder.cwasm"
  t --precompile "$g/doubler.wasm" "$art/doubler.cwasm"
  t --wire adder:math.double=doubler:double "$art/adder.cwasm" "$art/doubler.cwasm" adder process 5
  t --fuel 1000000 calc="$art/doubler.cwasm" calc double 4
  head -c 20 "$art/doubler.cwasm" > "$art/cut.cwasm"
  t "$art/cut.cwasm" cut double 1
  t "$art/missing.cwasm" missing double 1
  t --precompile "$g/doubler.wasm"
} > "$out"
if diff -u "$here/packr-run.expected" "$out"; then
  echo "packr-run: output as expected"
else
  echo "packr-run: output differs from tools/packr-run.expected (see above)"
  exit 1
fi
