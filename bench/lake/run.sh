#!/usr/bin/env bash
# Lake scan throughput: the native scanner on one CSV against `freeport scan --engine
# datafusion` on the same rows split into a hive-partitioned lake of PARTS files, same run, with
# peak RSS; checks both reports agree (JSON byte for byte, the dataset's path aside). Writes
# target/bench/lake/results.md.
#
#   bench/lake/run.sh                    # 200 MB, 16 partitions, release build
#   MB=1000 PARTS=64 bench/lake/run.sh   # the 1 GB CI-sized run
#   PROFILE=debug MB=5 bench/lake/run.sh # a smoke run on a debug build (figures meaningless)
set -euo pipefail
cd "$(dirname "$0")/../.."
MB=${MB:-200}
PARTS=${PARTS:-16}
SEED=${SEED:-7}
THREADS=${THREADS:-2}
PROFILE=${PROFILE:-release}
OUT=target/bench/lake
mkdir -p "$OUT"
SRC="$OUT/mixed-${MB}mb-seed${SEED}.csv"
DATA="$OUT/data-${MB}mb-${PARTS}"

if [ "$PROFILE" = release ]; then
  # Release build without fat LTO: far less compile time on a shared machine.
  export CARGO_PROFILE_RELEASE_LTO=false CARGO_PROFILE_RELEASE_CODEGEN_UNITS=16
  cargo build -q --release -p freeport --features lake
else
  cargo build -q --workspace --features freeport/lake
fi
BIN=${CARGO_TARGET_DIR:-target}/$PROFILE/freeport

if [ ! -f "$SRC" ]; then
  echo "== generate $SRC"
  python3 bench/scan-throughput/gen_csv.py "$SRC" --mb "$MB" --seed "$SEED"
fi
if [ ! -d "$DATA/lake" ]; then
  echo "== split into $PARTS partitions"
  python3 bench/lake/split.py "$SRC" "$DATA" "$PARTS"
fi
BYTES=$(stat -c %s "$DATA/whole.csv")

run() { # name, args...
  local name=$1; shift
  local log="$OUT/time-$name.txt"
  /usr/bin/time -v "$BIN" scan "$@" --format json --threads "$THREADS" >"$OUT/scan-$name.json" 2>"$log"
  local wall user sys rss
  wall=$(grep "Elapsed (wall clock)" "$log" | awk '{print $NF}' | awk -F: '{ if (NF==3) print $1*3600+$2*60+$3; else print $1*60+$2 }')
  user=$(grep "User time" "$log" | awk '{print $NF}')
  sys=$(grep "System time" "$log" | awk '{print $NF}')
  rss=$(grep "Maximum resident set size" "$log" | awk '{print $NF}')
  python3 - "$BYTES" "$wall" "$user" "$sys" "$rss" "$name" <<'PY'
import sys
b, wall, user, sys_, rss, name = sys.argv[1:]
b, wall, cpu = int(b), float(wall), float(user) + float(sys_)
print(f"| {name} | {b/1e6:.0f} MB | {wall:.2f} s | {b/1e6/wall:.1f} MB/s | {b/1e6/cpu:.1f} MB/s | {int(rss)/1024:.0f} MiB |")
PY
}

{
  echo "| run ($PROFILE, --threads $THREADS) | input | wall | MB/s (wall) | MB/s per CPU-second | peak RSS |"
  echo "|---|---|---|---|---|---|"
  run native "$DATA/whole.csv"
  run datafusion --engine datafusion "$DATA/lake" --memory-limit 512
} | tee "$OUT/results.md"
python3 - "$OUT/scan-native.json" "$OUT/scan-datafusion.json" <<'PY' | tee -a "$OUT/results.md"
import json, sys
a, b = (json.load(open(p)) for p in sys.argv[1:])
for r in (a, b):
    for d in r["datasets"]:
        d["path"] = "-"
same = json.dumps(a, ensure_ascii=False) == json.dumps(b, ensure_ascii=False)
print("reports agree (path aside)" if same else "REPORTS DIFFER")
sys.exit(0 if same else 1)
PY
