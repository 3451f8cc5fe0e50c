#!/usr/bin/env bash
# Builds the libFuzzer targets in fuzz/ with stable Rust (no cargo-fuzz, no nightly) and runs
# each one for a bounded number of inputs over a temporary copy of its seed corpus.
#
#   scripts/fuzz.sh [RUNS]          RUNS inputs per target (default 20000)
#   FUZZ_TARGETS="decode text" scripts/fuzz.sh 100000    only some targets
#
# The build instruments with SanitizerCoverage exactly as cargo-fuzz does (inline 8-bit
# counters, PC table, compare tracing, --cfg fuzzing), plus debug assertions and overflow
# checks; AddressSanitizer needs nightly and is not used. It goes to target/fuzz, so the main
# build is left alone, and sets PACKR_NO_HEADER_WRITE so include/packr.h is never rewritten.
# The repository's corpus is never modified; crash inputs are written to
# target/fuzz/artifacts/<target>/. Exits non-zero if any target crashes, leaks memory past
# -rss_limit_mb or times out.
set -euo pipefail

RUNS="${1:-20000}"
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
TARGETS=(${FUZZ_TARGETS:-decode decode_limited text call})
HOST="$(rustc -vV | sed -n 's/^host: //p')"

export CARGO_TARGET_DIR="$ROOT/target/fuzz"
export PACKR_NO_HEADER_WRITE=1
# --target is passed below so that these flags reach only the target crates, not build scripts
# or proc macros (which would not link against libFuzzer's coverage callbacks).
export RUSTFLAGS="-Cpasses=sancov-module \
 -Cllvm-args=-sanitizer-coverage-level=4 \
 -Cllvm-args=-sanitizer-coverage-inline-8bit-counters \
 -Cllvm-args=-sanitizer-coverage-pc-table \
 -Cllvm-args=-sanitizer-coverage-trace-compares \
 -Cdebug-assertions -Coverflow-checks \
 --cfg fuzzing"
unset CARGO_BUILD_RUSTFLAGS CARGO_ENCODED_RUSTFLAGS

echo "== building fuzz targets (${TARGETS[*]}) for $HOST"
start=$(date +%s)
bins=()
for t in "${TARGETS[@]}"; do bins+=(--bin "$t"); done
cargo build --release --manifest-path "$ROOT/fuzz/Cargo.toml" --target "$HOST" "${bins[@]}"
echo "== build took $(($(date +%s) - start)) s"

work="$(mktemp -d "${TMPDIR:-/tmp}/packr-fuzz.XXXXXX")"
trap 'rm -rf "$work"' EXIT

failed=()
summary=()
for t in "${TARGETS[@]}"; do
    bin="$CARGO_TARGET_DIR/$HOST/release/$t"
    corpus="$work/corpus-$t"
    artifacts="$CARGO_TARGET_DIR/artifacts/$t/"
    mkdir -p "$corpus" "$artifacts"
    if [ -d "$ROOT/fuzz/corpus/$t" ]; then
        cp -R "$ROOT/fuzz/corpus/$t/." "$corpus/"
    fi
    seeds=$(find "$corpus" -type f | wc -l)
    log="$work/$t.log"
    echo "== $t: $RUNS runs from $seeds seeds"
    t0=$(date +%s.%N)
    set +e
    "$bin" -runs="$RUNS" -max_len=65536 -rss_limit_mb=2048 -timeout=10 \
        -print_final_stats=1 -artifact_prefix="$artifacts" "$corpus" >"$log" 2>&1
    rc=$?
    set -e
    secs=$(awk -v a="$t0" -v b="$(date +%s.%N)" 'BEGIN { printf "%.2f", b - a }')
    # libFuzzer's closing lines: "Done N runs in S second(s)" and the final stats.
    done_line=$(grep -E '^Done [0-9]+ runs in [0-9]+ second' "$log" | tail -n 1 || true)
    execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -n 1)
    # libFuzzer's own average divides by whole seconds; use the wall time instead.
    rate=$(awk -v n="${execs:-0}" -v s="$secs" 'BEGIN { printf "%d", (s > 0 ? n / s : 0) }')
    cov=$(grep -oE 'cov: [0-9]+ ft: [0-9]+ corp: [0-9]+/[^ ]+' "$log" | tail -n 1 || true)
    if [ "$rc" -ne 0 ]; then
        echo "!! $t failed (exit $rc); the end of its log:"
        tail -n 60 "$log"
        ls -1 "$artifacts" 2>/dev/null | sed "s|^|   artifact: $artifacts|"
        failed+=("$t")
    else
        echo "   ${done_line:-done}; ${execs:-?} execs in ${secs} s, ${rate} exec/s; ${cov}"
    fi
    summary+=("$t: exit $rc, ${execs:-?} execs in ${secs} s (${rate} exec/s), ${cov}")
done

echo "== summary"
printf '   %s\n' "${summary[@]}"
if [ "${#failed[@]}" -ne 0 ]; then
    echo "FAILED: ${failed[*]}"
    exit 1
fi
echo "all ${#TARGETS[@]} fuzz targets passed $RUNS runs"
