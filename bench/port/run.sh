#!/usr/bin/env bash
# Filings per second at a port over HTTP (`freeport serve`, loopback, wrk) against the same
# filings made in-process (`Port::file`, the anchor) in the same run. Each filing is facts with
# an inventory that both packs clear at once: judged against the organisation's volumes at the
# port, recorded, its decision entry queued and appended to the log (cosigning runs in the
# background). Target (issue 13): ≥ 2,000 filings/s with p99 < 50 ms on 2 cores.
# Writes bench/port/RESULTS.md.
#
#   bench/port/run.sh                   # 20 s of wrk, 16 connections, 16 organisations
#   SECONDS_WRK=30 CONNECTIONS=32 bench/port/run.sh
set -euo pipefail
cd "$(dirname "$0")/../.."
# shellcheck source=bench/port/common.sh
source bench/port/common.sh
DURATION=${SECONDS_WRK:-20}
CONNECTIONS=${CONNECTIONS:-16}
ORGS=${ORGS:-16}
ANCHOR_N=${ANCHOR_N:-20000}
OUT=target/bench/port
mkdir -p "$OUT"

command -v wrk >/dev/null || { echo "installing wrk (Debian)"; apt-get install -y wrk >/dev/null; }

# Release build without fat LTO, as the other benches: far less compile time on a shared machine.
export CARGO_PROFILE_RELEASE_LTO=false CARGO_PROFILE_RELEASE_CODEGEN_UNITS=16
cargo build -q --release --workspace --bin freeport --example filing_bench
BIN=${CARGO_TARGET_DIR:-$PWD/target}/release/freeport
ANCHOR=${CARGO_TARGET_DIR:-$PWD/target}/release/examples/filing_bench

FACTS="$OUT/filing.json"
filing_json "$FACTS"

echo "== anchor: $ANCHOR_N filings in-process over $ORGS organisations, one by one"
ANCHOR_LINE=$("$ANCHOR" "$FACTS" "$ANCHOR_N" "$ORGS" 1)
echo "$ANCHOR_LINE"
ANCHOR_RATE=$(awk '{print $6}' <<< "$ANCHOR_LINE")
echo "== in-process in batches of 256 (what the server's filing writer does under load)"
BATCH_LINE=$("$ANCHOR" "$FACTS" "$ANCHOR_N" "$ORGS" 256)
echo "$BATCH_LINE"
BATCH_RATE=$(awk '{print $6}' <<< "$BATCH_LINE")

echo "== the port over HTTP: wrk -t2 -c$CONNECTIONS -d${DURATION}s"
trap 'kill "${SERVER:-}" 2>/dev/null || true; rm -rf "${HOME_DIR:-}"' EXIT
start_port
post_lua
wrk -t2 -c"$CONNECTIONS" -d"${DURATION}s" --latency -s "$OUT/post.lua" "http://127.0.0.1:$PORT" | tee "$OUT/wrk.txt"
RATE=$(awk '/Requests\/sec/ {print $2}' "$OUT/wrk.txt")
P99=$(awk '$1 == "99%" {print $2}' "$OUT/wrk.txt")
ERRORS=$(awk '/Non-2xx/ {print $NF}' "$OUT/wrk.txt")
ERRORS=${ERRORS:-0}
FILED=$("$BIN" --version >/dev/null; python3 - "$HOME_DIR/port/freeport.db" <<'PY'
import sqlite3, sys
db = sqlite3.connect(sys.argv[1])
print(db.execute("SELECT COUNT(*) FROM filing").fetchone()[0],
      db.execute("SELECT COUNT(*) FROM log_outbox WHERE log_index IS NULL").fetchone()[0])
PY
)
kill "$SERVER"; wait "$SERVER" 2>/dev/null || true
RATIO=$(python3 -c "print(f'{float(\"$RATE\") / float(\"$ANCHOR_RATE\"):.2f}')")
BATCH_RATIO=$(python3 -c "print(f'{float(\"$RATE\") / float(\"$BATCH_RATE\"):.2f}')")
LOAD=$(cut -d' ' -f1-3 /proc/loadavg)

cat > bench/port/RESULTS.md <<MD
# Port: filings per second

Reproduce: \`bench/port/run.sh\` (release build without fat LTO; wrk on loopback; $(nproc) cores;
load average at the end $LOAD).

Each filing is \`examples/port/filings/cleared-at-once.toml\` as JSON from one of $ORGS exporter
organisations: authenticated, parsed with the facts loader, judged under both packs against the
organisation's windows at the port, recorded with its decision entry, appended to the log and
marked (the witnesses cosign in the background). The server's filing writer takes every filing
waiting and records them as one batch (one store transaction) while a second thread appends the
previous batches' entries (one log append, one marking transaction). The anchors make the same filings in-process: one by one
(\`Port::file\`, a transaction and an append each) and in batches of 256
(\`Port::file_prepared\`).

| measure | value |
|---|---:|
| in-process, one by one (anchor), $ANCHOR_N filings, filings/s | $ANCHOR_RATE |
| in-process, batches of 256, $ANCHOR_N filings, filings/s | $BATCH_RATE |
| over HTTP (wrk, $CONNECTIONS connections, ${DURATION} s), filings/s | $RATE |
| ratio HTTP / in-process one by one | $RATIO |
| ratio HTTP / in-process batched | $BATCH_RATIO |
| p99 latency over HTTP | $P99 |
| non-2xx answers | $ERRORS |
| filings in the store afterwards, entries still queued | $FILED |

Target (issue 13): ≥ 2,000 filings/s with p99 < 50 ms.
MD
cat bench/port/RESULTS.md
