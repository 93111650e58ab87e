#!/usr/bin/env bash
# End-to-end scan throughput (read + detect + count) of `freeport scan` on a generated ≥ 200 MB
# mixed CN/US CSV, with 1 and 2 threads and peak RSS, beside Presidio (presidio-analyzer +
# presidio-structured, pattern-only `no_op` NLP engine, anchors.md §1.6) on a slice of the same
# file, in the same run. Writes target/bench/scan-throughput/results.md.
#
#   bench/scan-throughput/run.sh                 # 220 MB, Presidio on the first 2,000 rows
#   MB=500 PRESIDIO_ROWS=5000 bench/scan-throughput/run.sh
set -euo pipefail
cd "$(dirname "$0")/../.."
MB=${MB:-220}
SEED=${SEED:-7}
PRESIDIO_ROWS=${PRESIDIO_ROWS:-2000}
OUT=target/bench/scan-throughput
mkdir -p "$OUT"
DATA="$OUT/mixed-${MB}mb-seed${SEED}.csv"

# Release build without fat LTO: far less compile time on a shared machine.
export CARGO_PROFILE_RELEASE_LTO=false CARGO_PROFILE_RELEASE_CODEGEN_UNITS=16
cargo build -q --release -p freeport
BIN=${CARGO_TARGET_DIR:-target}/release/freeport

if [ ! -f "$DATA" ]; then
  echo "== generate $DATA"
  python3 bench/scan-throughput/gen_csv.py "$DATA" --mb "$MB" --seed "$SEED"
fi
BYTES=$(stat -c %s "$DATA")

run() { # threads
  local log="$OUT/time-$1.txt"
  /usr/bin/time -v "$BIN" scan "$DATA" --format json --threads "$1" >"$OUT/scan-$1.json" 2>"$log"
  local wall user sys rss
  wall=$(grep "Elapsed (wall clock)" "$log" | awk '{print $NF}' | awk -F: '{ if (NF==3) print $1*3600+$2*60+$3; else print $1*60+$2 }')
  user=$(grep "User time" "$log" | awk '{print $NF}')
  sys=$(grep "System time" "$log" | awk '{print $NF}')
  rss=$(grep "Maximum resident set size" "$log" | awk '{print $NF}')
  python3 - "$BYTES" "$wall" "$user" "$sys" "$rss" "$1" <<'PY'
import sys
b, wall, user, sys_, rss, threads = sys.argv[1:]
b, wall, cpu = int(b), float(wall), float(user) + float(sys_)
print(f"| freeport scan --threads {threads} | {b/1e6:.0f} MB | {wall:.2f} s | {b/1e6/wall:.1f} MB/s | {b/1e6/cpu:.1f} MB/s | {int(rss)/1024:.0f} MiB |")
PY
}

echo "== freeport scan"
{
  echo "| run | input | wall | MB/s (wall) | MB/s per CPU-second | peak RSS |"
  echo "|---|---|---|---|---|---|"
  run 1
  run 2
} | tee "$OUT/freeport.md"
# Results must not depend on the thread count.
if cmp -s "$OUT/scan-1.json" "$OUT/scan-2.json"; then
  echo "JSON of --threads 1 and --threads 2: byte-identical" | tee -a "$OUT/freeport.md"
else
  echo "JSON of --threads 1 and --threads 2 DIFFER" | tee -a "$OUT/freeport.md"
  exit 1
fi

echo "== Presidio (presidio-analyzer + presidio-structured, no_op NLP engine) on the first $PRESIDIO_ROWS rows"
if [ ! -x bench/.venv/bin/python ]; then
  python3 -m venv bench/.venv
fi
bench/.venv/bin/pip install -q presidio-analyzer==2.2.366 presidio-structured==0.0.10 pandas
head -n "$((PRESIDIO_ROWS + 1))" "$DATA" >"$OUT/slice.csv"
bench/.venv/bin/python bench/scan-throughput/presidio_throughput.py "$OUT/slice.csv" | tee "$OUT/presidio.md"

echo "== freeport scan on the same slice"
/usr/bin/time -v "$BIN" scan "$OUT/slice.csv" --format json --threads 1 >/dev/null 2>"$OUT/time-slice.txt"
SLICE=$(stat -c %s "$OUT/slice.csv")
python3 - "$OUT" "$BYTES" "$SLICE" <<'PY'
import re, sys, pathlib
out, total, slice_ = pathlib.Path(sys.argv[1]), int(sys.argv[2]), int(sys.argv[3])
def wall(p):
    t = re.search(r"Elapsed \(wall clock\).*: (.*)", (out / p).read_text()).group(1).split(":")
    return sum(float(x) * 60 ** i for i, x in enumerate(reversed(t)))
one = total / 1e6 / wall("time-1.txt")
pres = float(re.search(r"([0-9.]+) MB/s", (out / "presidio.md").read_text()).group(1))
sl = slice_ / 1e6 / wall("time-slice.txt")
lines = [
    f"freeport, full file, 1 thread: {one:.1f} MB/s",
    f"freeport, slice ({slice_/1e6:.2f} MB, 1 thread, incl. process start): {sl:.2f} MB/s",
    f"Presidio, slice: {pres:.4f} MB/s",
    f"ratio freeport (full, 1 thread) / Presidio: {one / pres:,.0f}x",
]
(out / "ratio.md").write_text("\n".join(lines) + "\n")
print("\n".join(lines))
PY
