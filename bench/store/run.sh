#!/usr/bin/env bash
# Times the store's hot paths (both counting windows, recording) on a filled temporary store.
# No anchor: no peer tool computes these windows. Usage: bench/store/run.sh [TRANSFERS] [PEOPLE]
set -euo pipefail
cd "$(dirname "$0")/../.."
transfers="${1:-1000}"
people="${2:-2000000}"
cargo build -q -p freeport-store --release --example volumes
for hashed in 0 100; do
  echo "## ${transfers} transfers, ${hashed} hashed people on 3 of 8 categories of every third transfer"
  "${CARGO_TARGET_DIR:-target}"/release/examples/volumes "$transfers" "$hashed"
  echo
done
echo "## two transfers of ${people} people × 4 categories, fully hashed, the second half new"
"${CARGO_TARGET_DIR:-target}"/release/examples/volumes large "$people"
