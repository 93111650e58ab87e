#!/usr/bin/env bash
# End-to-end time of `freeport assess` (scan + inventory + judge with stored volumes + record +
# log with two cosigning witnesses + seal + report) against `freeport scan` alone, on the same
# generated ≥ 200 MB CSV, in the same run. Target (issue 7): assess within 1.5 × scan.
# Writes target/bench/assess/results.md.
#
#   bench/assess/run.sh              # 220 MB (the scan-throughput file), 3 repetitions each
#   MB=400 REPS=5 bench/assess/run.sh
set -euo pipefail
cd "$(dirname "$0")/../.."
MB=${MB:-220}
SEED=${SEED:-7}
REPS=${REPS:-3}
OUT=target/bench/assess
mkdir -p "$OUT" target/bench/scan-throughput
DATA="target/bench/scan-throughput/mixed-${MB}mb-seed${SEED}.csv"

# Release build without fat LTO: far less compile time on a shared machine.
export CARGO_PROFILE_RELEASE_LTO=false CARGO_PROFILE_RELEASE_CODEGEN_UNITS=16
cargo build -q --release -p freeport
BIN=$PWD/target/release/freeport

if [ ! -f "$DATA" ]; then
  echo "== generate $DATA"
  python3 bench/scan-throughput/gen_csv.py "$DATA" --mb "$MB" --seed "$SEED"
fi
BYTES=$(stat -c %s "$DATA")

# Seconds of wall time of one command, its peak RSS in KiB, and its CPU seconds (user + system).
measure() {
  local log="$OUT/time.txt"
  /usr/bin/time -v "$@" >/dev/null 2>"$log" || { cat "$log" >&2; return 1; }
  local wall rss cpu
  wall=$(grep "Elapsed (wall clock)" "$log" | awk '{print $NF}' | awk -F: '{ if (NF==3) print $1*3600+$2*60+$3; else print $1*60+$2 }')
  rss=$(grep "Maximum resident set size" "$log" | awk '{print $NF}')
  cpu=$(awk -F': ' '/User time|System time/ {s += $2} END {print s}' "$log")
  echo "$wall $rss $cpu"
}

SCAN=()
ASSESS=()
for rep in $(seq "$REPS"); do
  echo "== repetition $rep: freeport scan"
  SCAN+=("$(measure "$BIN" scan "$DATA" --format json)")
  echo "== repetition $rep: freeport assess (fresh home: store, log, keys created on first use)"
  HOME_DIR=$(mktemp -d "$OUT/home-XXXX")
  rm -rf "$OUT/out"
  ASSESS+=("$(FREEPORT_HOME=$HOME_DIR measure "$BIN" assess "$DATA" \
      --transfer bench/assess/transfer.toml -o "$OUT/out" --id "bench-$rep" --format json)")
  rm -rf "$HOME_DIR"
done

python3 - "$BYTES" "$(cat /proc/loadavg | cut -d' ' -f1-3)" "${SCAN[@]}" -- "${ASSESS[@]}" <<'PY' | tee "$OUT/results.md"
import statistics, sys
args = sys.argv[1:]
size = int(args[0])
load = args[1]
split = args.index("--")
scan = [tuple(map(float, a.split())) for a in args[2:split]]
assess = [tuple(map(float, a.split())) for a in args[split + 1:]]
s = statistics.median(w for w, _, _ in scan)
a = statistics.median(w for w, _, _ in assess)
sc = statistics.median(c for _, _, c in scan)
ac = statistics.median(c for _, _, c in assess)
print("| run | input | median wall | MB/s | CPU s (user+sys) | peak RSS | ratio to scan, wall | ratio, CPU |")
print("|---|---|---|---|---|---|---|---|")
print(f"| freeport scan --format json | {size/1e6:.0f} MB | {s:.2f} s | {size/1e6/s:.0f} | {sc:.2f} | {max(r for _, r, _ in scan)/1024:.0f} MiB | 1.00 | 1.00 |")
print(f"| freeport assess (scan, judge, seal, record, log, report) | {size/1e6:.0f} MB | {a:.2f} s | {size/1e6/a:.0f} | {ac:.2f} | {max(r for _, r, _ in assess)/1024:.0f} MiB | **{a/s:.2f}** | {ac/sc:.2f} |")
pairs = sorted(aw / sw for (sw, _, _), (aw, _, _) in zip(scan, assess))
print()
print(f"Each median of {len(scan)} runs, alternating; load average at the end {load}; target: wall ratio ≤ 1.5.")
print(f"Ratio of each assess to the scan just before it: median {statistics.median(pairs):.2f}, range {pairs[0]:.2f}–{pairs[-1]:.2f}.")
print("Walls: " + " ".join(f"{w:.2f}" for w, _, _ in scan) + " (scan) / " + " ".join(f"{w:.2f}" for w, _, _ in assess) + " (assess)")
PY
