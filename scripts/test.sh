#!/usr/bin/env bash
# The README test command: installs what it needs, then runs every test (Rust, C, C++,
# sanitizers, valgrind, examples, bounded fuzzing). Exits non-zero on any failure.
set -euo pipefail
cd "$(dirname "$0")/.."
passed=0
step() {
  echo
  echo "=== $1"
  shift
  "$@"
  passed=$((passed + 1))
}

step "setup (toolchain, wasm32 target)" scripts/setup.sh
step "build libpackr (release)" cargo build --release
if git rev-parse --is-inside-work-tree >/dev/null 2>&1; then
  step "include/packr.h matches the generated header" \
    git diff --exit-code --stat include/packr.h
fi
step "build the wasm guest fixtures" tests/guests/build.sh
step "C guest SDK and packages (codec under ASan+UBSan, metadata, wasm build, ABI runs in node)" \
  make -s -C tests/guests/c test
step "Rust tests (codec, golden vectors, properties, FFI)" cargo test --release
step "C and C++ tests: values (built, and decoded in place)" make -s -C tests/c test decoded
step "C and C++ tests: runtime (guests, wiring, host functions, limits)" make -s -C tests/c runtime
step "C tests: packr-guest 0.5.4 and 0.24.1 packages side by side" make -s -C tests/c generations
step "C tests: deferred host answers, async packages, packr_call (also under TSan)" make -s -C tests/c async async-tsan
step "C tests: typed wiring and text signatures (also under ASan + UBSan)" make -s -C tests/c wiring wiring-asan
step "C tests: C packages (guest/) next to Rust ones, and composed with them" make -s -C tests/c cguest
step "C and C++ tests: precompiled packages" make -s -C tests/c precompiled
step "C tests under AddressSanitizer + UBSan" make -s -C tests/c asan decoded-asan runtime-asan precompiled-asan stress-asan generations-asan async-asan
step "C tests under valgrind" make -s -C tests/c valgrind decoded-valgrind runtime-valgrind generations-valgrind async-valgrind
step "C tests against the static library" make -s -C tests/c static
step "pthread stress: 8 threads x 10,000 calls with interrupts" make -s -C tests/c stress
step "pthread stress and concurrent readers of a decoded value under ThreadSanitizer" make -s -C tests/c stress-tsan decoded-tsan
step "examples (output compared with .expected)" make -s -C examples-c check
step "README snippets match the tested examples" python3 scripts/check_readme.py
step "packr-run command-line tool" bash -c "make -s -C tools && tools/check.sh"
step "C++ wrapper (include/packr.hpp), also under ASan + UBSan" make -s test-cpp test-cpp-asan
step "install: pkg-config (shared and static) and CMake consumers" make -s test-install
step "Go and Python bindings" bindings/run_tests.sh
step "bounded fuzzing: decode, limited decode, text parser" \
  env FUZZ_TARGETS="decode decode_limited text" scripts/fuzz.sh "${PACKR_FUZZ_RUNS:-200000}"
step "bounded fuzzing: C guest decoder (libFuzzer)" \
  make -s -C tests/guests/c fuzz FUZZ_RUNS="${PACKR_FUZZ_RUNS:-1000000}"
step "bounded fuzzing: call inputs to real guests" \
  env FUZZ_TARGETS="call" scripts/fuzz.sh "${PACKR_FUZZ_CALL_RUNS:-20000}"
echo
echo "test.sh: $passed passed, 0 failed"
