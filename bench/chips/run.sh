#!/usr/bin/env bash
# Screening throughput and quality of `freeport chips screen`'s engine: QUERIES generated names
# (one in ten a planted variant of a listed name, one in ten a related name — a listed brand with
# other generic words — the rest unrelated) against a generated LIST-entry list in the CSL's CSV
# form, with the index, compared in the same run with a plain Jaro-Winkler scan of the same list
# on a JW_SAMPLE of the names; then the labelled screening set's precision and recall.
# Release build as measured: export CARGO_PROFILE_RELEASE_LTO=false
# CARGO_PROFILE_RELEASE_CODEGEN_UNITS=16 (and CARGO_BUILD_BUILD_DIR=/work/main/target).
# Usage: bench/chips/run.sh [QUERIES] [LIST] [JW_SAMPLE]   (defaults 100000 30000 500)
set -euo pipefail
cd "$(dirname "$0")/../.."
queries="${1:-100000}"
list="${2:-30000}"
sample="${3:-500}"
# No `-p`: the workspace's features resolve as in every other build (a `-p` build re-resolves
# them and recompiles the heavy dependencies).
cargo build --release --workspace --example screen_bench >&2
echo "load average: $(cut -d' ' -f1-3 /proc/loadavg)"
/usr/bin/time -v "${CARGO_TARGET_DIR:-target}/release/examples/screen_bench" "$queries" "$list" "$sample" 2> >(grep -E "Elapsed|Maximum resident" >&2)
echo "labelled set (crates/freeport-chips/tests/data/screening-labelled.toml):"
cargo nextest run --workspace --no-capture -E 'package(freeport-chips) and binary(screening) and test(/the_labelled_set/)' 2>&1 | grep -E "precision|PASS|FAIL" || true
sed -n '/^---/,$p' crates/freeport-chips/tests/snapshots/screening__the_labelled_set_is_screened_with_high_precision_and_recall.snap | head -40
