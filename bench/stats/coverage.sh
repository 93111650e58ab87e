#!/usr/bin/env bash
# bench/stats/coverage.sh: interval coverage of both bundled pilots over repeated collections
# with fresh noise (crates/freeport-stats/examples/coverage.rs, in one process: the study is
# approved by two aggregator homes, every site's data submitted once, then every query
# collected RUNS times — both aggregators draw fresh noise each time — and each released
# interval checked against the exact answer over the pooled data). Not timed.
#
#   bench/stats/coverage.sh                       # RUNS=400 at confidence 0.9 and 0.99
#   RUNS=100 CONFIDENCES=0.9 bench/stats/coverage.sh
set -euo pipefail
cd "$(dirname "$0")/../.."
RUNS=${RUNS:-400}
CONFIDENCES=${CONFIDENCES:-0.9 0.99}
OUT=bench/stats/COVERAGE.md
export CARGO_PROFILE_RELEASE_LTO=false CARGO_PROFILE_RELEASE_CODEGEN_UNITS=16
# (in a worktree sharing a build directory, export CARGO_BUILD_BUILD_DIR first)
cargo build -q --release --workspace --example coverage
COVERAGE=$PWD/target/release/examples/coverage
A=examples/stats/air-quality C=examples/stats/clinical
{
    echo "# bench/stats/coverage.sh — $(date -u +%FT%TZ), RUNS=$RUNS"
    for confidence in $CONFIDENCES; do
        echo
        "$COVERAGE" "$A/study.template.toml" "$confidence" "$RUNS" \
            cn-network="$A/stations-cn.csv" us-network="$A/stations-us.csv"
        echo
        "$COVERAGE" "$C/study.template.toml" "$confidence" "$RUNS" \
            cn-hospital="$C/hospital-cn.csv" us-hospital="$C/hospital-us.csv"
    done
} > "$OUT"
grep -E '^#|\(all\)' "$OUT"
