#!/usr/bin/env bash
# Seal and open one large CSV; compare with `sha256sum` of the same file in the same run (the
# floor: sealing must read and hash every byte at least once).
# Usage: bench/seal/run.sh [FILE]   (PROFILE=dev to skip the slow LTO release build)
set -euo pipefail
cd "$(dirname "$0")/../.."
file="${1:-}"
if [ -z "$file" ]; then
  file="${TMPDIR:-/tmp}/freeport-seal-bench-200mb.csv"
  if [ ! -f "$file" ]; then
    # 200 MB of CSV-shaped incompressible text.
    head -c 150000000 /dev/urandom | base64 -w 99 | sed 's/^/row,/' > "$file"
  fi
fi
profile="${PROFILE:-release}"
cargo build --profile "$profile" -p freeport-seal --example seal_bench >&2
dir="$profile"; [ "$profile" = dev ] && dir=debug
bin="${CARGO_TARGET_DIR:-target}/$dir/examples/seal_bench"
cat "$file" > /dev/null  # warm the page cache for both runs
start=$(date +%s.%N); sha256sum "$file" > /dev/null; end=$(date +%s.%N)
echo "sha256sum (anchor)           $(echo "$end - $start" | bc) s"
"$bin" "$file"
