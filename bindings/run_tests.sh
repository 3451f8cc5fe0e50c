#!/usr/bin/env bash
# Runs the Go and Python binding tests against target/release/libpackr.so and the test guests.
#
# Installs what is missing (golang-go with apt-get, pytest with pip) but builds nothing heavy:
# run `cargo build --release` and `tests/guests/build.sh` first. Exits non-zero if anything fails.
#
#   bindings/run_tests.sh            # both
#   bindings/run_tests.sh go         # only Go
#   bindings/run_tests.sh python     # only Python
#   NO_RACE=1 bindings/run_tests.sh  # skip -race even where it works
set -uo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
repo="$(cd "$here/.." && pwd)"
which="${1:-all}"

die() { echo "run_tests.sh: $*" >&2; exit 2; }
say() { echo "==> $*"; }

# ---- prerequisites ---------------------------------------------------------------------------
lib="${PACKR_LIBRARY:-$repo/target/release/libpackr.so}"
[ -f "$lib" ] || die "$lib is missing: run \`cargo build --release\` in $repo first"
[ -f "$repo/include/packr.h" ] || die "$repo/include/packr.h is missing"
guests="${PACKR_GUEST_DIR:-$repo/target/guests/wasm}"
for g in doubler adder greeter sexpr echo hostile cur_async cur_greeter; do
  [ -f "$guests/$g.wasm" ] || die "$guests/$g.wasm is missing: run tests/guests/build.sh first"
done

apt_install() {
  local sudo=""
  [ "$(id -u)" -eq 0 ] || sudo="sudo"
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y "$@" ||
    { $sudo apt-get update && DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y "$@"; }
}

if [ "$which" = all ] || [ "$which" = go ]; then
  if ! command -v go >/dev/null 2>&1; then
    say "installing golang-go"
    apt_install golang-go || die "could not install golang-go"
  fi
  command -v cc >/dev/null 2>&1 || command -v gcc >/dev/null 2>&1 || {
    say "installing gcc (cgo needs a C compiler)"
    apt_install gcc || die "could not install gcc"
  }
fi
if [ "$which" = all ] || [ "$which" = python ]; then
  command -v python3 >/dev/null 2>&1 || die "python3 is missing"
  if ! python3 -c 'import pytest' >/dev/null 2>&1; then
    say "installing pytest"
    python3 -m pip install -q pytest || die "could not install pytest"
  fi
fi

failed=()

# ---- Go --------------------------------------------------------------------------------------
if [ "$which" = all ] || [ "$which" = go ]; then
  say "Go: $(go version)"
  export GOPROXY=off GOFLAGS=-mod=mod CGO_ENABLED=1
  cd "$here/go" || die "no $here/go"
  if ! go vet ./...; then
    failed+=("go vet")
  fi
  race=()
  if [ -z "${NO_RACE:-}" ] && go test -race -count=1 -run '^$' ./... >/dev/null 2>&1; then
    race=(-race)
  else
    say "go test -race is not available here (or NO_RACE is set): running without it"
  fi
  say "go test -count=1 ${race[*]} ./..."
  log="$(mktemp)"
  start=$(date +%s%N)
  if go test -count=1 "${race[@]}" -v ./... >"$log" 2>&1; then
    echo "   $(grep -c -- '--- PASS' "$log") passed, of which $(grep -c -- '--- PASS: Example' "$log") examples; $(tail -n1 "$log")"
  else
    grep -E -- '--- FAIL|^(ok|FAIL|panic|fatal)|_test.go:[0-9]+|^\s+\S+_test.go' "$log" | head -80
    failed+=("go test")
  fi
  echo "   go test wall time (with compilation): $(( ($(date +%s%N) - start) / 1000000 )) ms"
  rm -f "$log"
fi

# ---- Python ----------------------------------------------------------------------------------
if [ "$which" = all ] || [ "$which" = python ]; then
  say "Python: $(python3 --version 2>&1)"
  cd "$here/python" || die "no $here/python"
  say "python3 -m pytest -q"
  if ! PACKR_LIBRARY="$lib" python3 -m pytest -q -p no:cacheprovider; then
    failed+=("pytest")
  fi
fi

if [ ${#failed[@]} -gt 0 ]; then
  echo "run_tests.sh: FAILED: ${failed[*]}" >&2
  exit 1
fi
say "all binding tests passed"
