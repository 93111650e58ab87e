#!/usr/bin/env bash
# Joint decisions per second of `freeport judge` (both packs, prior volumes included, with and
# without a store lookup per decision), one core, against bare Cedar `is_authorized` calls on
# each pack as the anchor. Usage: bench/judge/run.sh [SECONDS]
set -euo pipefail
cd "$(dirname "$0")/../.."
seconds="${1:-3}"
cargo build --release -p freeport-policy --example judge_bench >&2
# One core: pin the process to CPU 0.
taskset -c 0 "${CARGO_TARGET_DIR:-target}/release/examples/judge_bench" "$seconds"
