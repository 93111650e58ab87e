#!/usr/bin/env bash
# Benchmark of the transparency log. Usage: bench/tlog/run.sh [entries] [work dir]
# Builds in release mode (this crate is outside the workspace) and prints Markdown tables.
set -euo pipefail
cd "$(dirname "$0")"
cargo build --release --quiet
./target/release/freeport-tlog-bench "${1:-1000000}" "${2:-target/bench-logs}"
