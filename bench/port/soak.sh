#!/usr/bin/env bash
# A soak of the port (issue 13): N filings (default 100,000) over HTTP from 16 exporter
# organisations against one `freeport serve`, sampling the server's resident memory every two
# seconds. Afterwards the server is stopped (SIGTERM) and the store and the log are compared:
# every filing in the store, every one cleared at once with its entry appended (nothing left
# queued), the log exactly as long as the store says. Writes bench/port/SOAK.md.
#
#   bench/port/soak.sh               # 100,000 filings
#   FILINGS=20000 bench/port/soak.sh
set -euo pipefail
cd "$(dirname "$0")/../.."
# shellcheck source=bench/port/common.sh
source bench/port/common.sh
FILINGS=${FILINGS:-100000}
CONNECTIONS=${CONNECTIONS:-16}
ORGS=${ORGS:-256}
OUT=target/bench/port-soak
mkdir -p "$OUT"
command -v wrk >/dev/null || { echo "installing wrk (Debian)"; apt-get install -y wrk >/dev/null; }
export CARGO_PROFILE_RELEASE_LTO=false CARGO_PROFILE_RELEASE_CODEGEN_UNITS=16
cargo build -q --release --workspace --bin freeport
BIN=${CARGO_TARGET_DIR:-$PWD/target}/release/freeport

FACTS="$OUT/filing.json"
filing_json "$FACTS"
trap 'kill "${SERVER:-}" "${SAMPLER:-}" 2>/dev/null || true; rm -rf "${HOME_DIR:-}"' EXIT
start_port
RSS="$OUT/rss.txt"
: > "$RSS"
( while kill -0 "$SERVER" 2>/dev/null; do
      awk -v t="$(date +%s)" '/VmRSS/ {print t, $2}' "/proc/$SERVER/status" >> "$RSS" 2>/dev/null || true
      sleep 2
  done ) &
SAMPLER=$!
post_lua
count_filings() {
    python3 -c 'import sqlite3,sys; print(sqlite3.connect("file:" + sys.argv[1] + "?mode=ro", uri=True).execute("SELECT COUNT(*) FROM filing").fetchone()[0])' \
        "$HOME_DIR/port/freeport.db" 2>/dev/null || echo 0
}
STARTED=$(date +%s)
# wrk runs until the store holds the filings asked for (SIGINT makes it print its figures).
wrk -t2 -c"$CONNECTIONS" -d3600s --latency -s "$OUT/post.lua" "http://127.0.0.1:$PORT" > "$OUT/wrk.txt" &
WRK=$!
while kill -0 "$WRK" 2>/dev/null; do
    [ "$(count_filings)" -ge "$FILINGS" ] && kill -INT "$WRK"
    sleep 2
done
wait "$WRK" || true
cat "$OUT/wrk.txt"
ENDED=$(date +%s)
kill -TERM "$SERVER"; wait "$SERVER" 2>/dev/null || true
kill "$SAMPLER" 2>/dev/null || true
ERRORS=$(awk '/Non-2xx/ {print $NF}' "$OUT/wrk.txt"); ERRORS=${ERRORS:-0}
SOCKET_ERRORS=$(awk '/Socket errors/ {print $0}' "$OUT/wrk.txt"); SOCKET_ERRORS=${SOCKET_ERRORS:-none}
P99=$(awk '$1 == "99%" {print $2}' "$OUT/wrk.txt")
RATE=$(awk '/Requests\/sec/ {print $2}' "$OUT/wrk.txt")
read -r FILED CLEARED QUEUED LOGGED PACKS < <(python3 - "$HOME_DIR/port/freeport.db" <<'PY'
import sqlite3, sys
db = sqlite3.connect(sys.argv[1])
q = lambda sql: db.execute(sql).fetchone()[0]
print(q("SELECT COUNT(*) FROM filing"),
      q("SELECT COUNT(*) FROM filing WHERE status = 'cleared'"),
      q("SELECT COUNT(*) FROM log_outbox WHERE log_index IS NULL"),
      q("SELECT COUNT(*) FROM log_outbox WHERE log_index IS NOT NULL"),
      q("SELECT COUNT(*) FROM rule_pack_published WHERE log_index IS NOT NULL"))
PY
)
LOG_SIZE=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["size"])' "$HOME_DIR/port/log/state.json")
read -r RSS_EARLY RSS_MID RSS_LATE RSS_MAX < <(python3 - "$RSS" <<'PY'
import sys
rows = [int(l.split()[1]) for l in open(sys.argv[1]) if l.strip()]
# After the first tenth (warm-up), the middle, the last sample; in MiB.
pick = lambda f: rows[min(len(rows) - 1, int(len(rows) * f))] / 1024
print(f"{pick(0.1):.0f} {pick(0.5):.0f} {rows[-1] / 1024:.0f} {max(rows) / 1024:.0f}")
PY
)
AGREE=no
# The log holds each filing's entry and, first, the port's rule packs (published when it opened).
[ "$FILED" = "$CLEARED" ] && [ "$QUEUED" = 0 ] && [ "$LOGGED" = "$FILED" ] \
    && [ "$LOG_SIZE" = $((FILED + PACKS)) ] && AGREE=yes
cat > bench/port/SOAK.md <<MD
# Port: soak

Reproduce: \`bench/port/soak.sh\` (FILINGS=$FILINGS; release build without fat LTO; wrk on
loopback, $CONNECTIONS connections; $(nproc) cores; load average at the end
$(cut -d' ' -f1-3 /proc/loadavg)).

Every filing is \`examples/port/filings/cleared-at-once.toml\` from one of $ORGS organisations,
each judged against its organisation's growing windows, recorded and appended to the log. The
server's resident memory grows while the exporters' window index fills (capped at 250,000 rows,
then started afresh) and then stays flat.

| measure | value |
|---|---:|
| filings answered by wrk | $(awk '/requests in/ {print $1}' "$OUT/wrk.txt") in $((ENDED - STARTED)) s ($RATE/s while wrk ran) |
| non-2xx answers | $ERRORS |
| socket errors | $SOCKET_ERRORS |
| p99 latency | $P99 |
| server RSS after the first tenth / midway / at the end / max, MiB | $RSS_EARLY / $RSS_MID / $RSS_LATE / $RSS_MAX |
| filings in the store (all cleared) | $FILED ($CLEARED) |
| entries appended / still queued | $LOGGED / $QUEUED |
| log size (state.json): the filings' entries + the rule packs' | $LOG_SIZE ($FILED + $PACKS) |
| store and log agree | $AGREE |
MD
cat bench/port/SOAK.md
[ "$AGREE" = yes ] && [ "$ERRORS" = 0 ]
