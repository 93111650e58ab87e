#!/usr/bin/env bash
# One HTTP run against a release `freeport serve` with a CPU profile of the server: wrk for
# SECONDS with CONNECTIONS, and `perf record -F 499 -g` of the server for 10 s in the middle.
# Prints wrk's rate and latencies and the server's samples per thread; the profile stays in
# target/bench/port/profile/perf.data (`perf report -i …`). Server CPU per filing = samples /
# 499 / filings made in those 10 s.
#
#   bench/port/profile.sh                      # the build in the target directory, 64 connections, 15 s
#   BIN_DIR=/some/release CONNECTIONS=16 bench/port/profile.sh
set -euo pipefail
cd "$(dirname "$0")/../.."
# shellcheck source=bench/port/common.sh
source bench/port/common.sh
BIN_DIR=${BIN_DIR:-${CARGO_TARGET_DIR:-$PWD/target}/release}
CONNECTIONS=${CONNECTIONS:-64}
DURATION=${SECONDS_WRK:-15}
ORGS=${ORGS:-16}
OUT=target/bench/port/profile
mkdir -p "$OUT"
BIN=$BIN_DIR/freeport
FACTS="$OUT/filing.json"
filing_json "$FACTS"
trap 'kill "${SERVER:-}" 2>/dev/null || true; rm -rf "${HOME_DIR:-}"' EXIT
start_port
post_lua
(sleep 3; perf record -F 499 -g -p "$SERVER" -o "$OUT/perf.data" -- sleep 10 >/dev/null 2>&1) &
PERF=$!
wrk -t2 -c"$CONNECTIONS" -d"${DURATION}s" --latency -s "$OUT/post.lua" "http://127.0.0.1:$PORT" > "$OUT/wrk.txt"
wait "$PERF"
grep -E "Requests/sec|50%|99%|Non-2xx" "$OUT/wrk.txt"
perf report -i "$OUT/perf.data" -n --sort comm --stdio -g none 2>/dev/null | grep -v '^#' | grep -v '^$'
echo "load average: $(cut -d' ' -f1-3 /proc/loadavg)"
