#!/usr/bin/env bash
# Benchmarks `freeport deid` on Adult (4 settings, ARX 3.9's anchors in anchors.md §3.8) with
# anjana (PyPI) from the same run, and a 1,000,000-row × 8-QI table generated from Adult.
# Run from the repository root:  bench/deid/run.sh [REPS]
# Needs ../shared/data/adult (see ../shared/data/README.md); writes bench/out/deid/.
# OLD_BIN=path/to/older/freeport also times that binary on the 1M-row table (reader comparison);
# SKIP_ADULT=1 skips the Adult settings; SKIP_ANJANA=1 skips anjana.
set -euo pipefail
cd "$(dirname "$0")/../.."
REPS=${1:-10}
DATA=../shared/data/adult
OUT=bench/out/deid
mkdir -p "$OUT"
cargo build --release -p freeport >/dev/null 2>&1 || cargo build --release -p freeport
BIN=${CARGO_TARGET_DIR:-target}/release/freeport

median() { sort -g | awk '{a[NR]=$1} END {print (NR%2) ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2}'; }

if [ "${SKIP_ADULT:-0}" != 1 ]; then
echo "## freeport (release, $(nproc) cores, $REPS runs each: median and best)"
printf "| setting | transformation | metric | classes | suppressed | checks | search ms median | search ms best | total ms median | peak RSS MB |\n"
printf "|---|---|---|---|---|---|---|---|---|---|\n"
for c in adult-8qi-0 adult-8qi-5 adult-7qi-0 adult-7qi-1; do
  : > "$OUT/$c.times"
  for _ in $(seq "$REPS"); do
    $BIN deid $DATA/adult.csv --config bench/deid/$c.toml -o "$OUT/$c.csv" --report "$OUT/$c.report.json" --format json > "$OUT/$c.summary.json"
    python3 -c "import json,sys; r=json.load(open('$OUT/$c.summary.json')); print(r['search_seconds']*1000, r['seconds']*1000)" >> "$OUT/$c.times"
  done
  search=$(cut -d' ' -f1 "$OUT/$c.times" | median)
  best=$(cut -d' ' -f1 "$OUT/$c.times" | sort -g | head -1)
  total=$(cut -d' ' -f2 "$OUT/$c.times" | median)
  rss=$( { /usr/bin/time -f "%M" $BIN deid $DATA/adult.csv --config bench/deid/$c.toml -o "$OUT/$c.csv" --format json >/dev/null; } 2>&1 | tail -1)
  python3 - "$OUT/$c.report.json" "$c" "$search" "$total" "$rss" "$best" "$OUT/$c.summary.json" <<'PY'
import json, sys
r = json.load(open(sys.argv[1]))
checks = json.load(open(sys.argv[7]))["checks"]
t = " ".join(f"{k} {v}" for k, v in r["transformation"].items())
m = r["metric"]
print(f"| {sys.argv[2]} | {t} | {m['name']} {m['value']:.6g} | {r['classes']} | {r['suppressed_rows']} | {checks} | {float(sys.argv[3]):.1f} | {float(sys.argv[6]):.1f} | {float(sys.argv[4]):.1f} | {int(sys.argv[5])/1024:.0f} |")
PY
done
fi

echo
echo "## scale: 1,000,000 rows × 8 QIs from Adult's distribution (seed 1)"
[ -f "$OUT/adult-1m.csv" ] || python3 bench/deid/gen_scale.py $DATA/adult.csv "$OUT/adult-1m.csv" 1000000 1
# The same table as Parquet (written by freeport itself, every column kept), to time that reader.
[ -f "$OUT/adult-1m.parquet" ] || $BIN deid "$OUT/adult-1m.csv" --config bench/deid/passthrough.toml -o "$OUT/adult-1m.parquet" --format json > /dev/null
timed() { # label binary input config output
  /usr/bin/time -f "%e s wall, %U s user, %S s sys, %M KB peak RSS, %P CPU" \
    "$2" deid "$3" --config "$4" -o "$5" --format json 2> "$5.time" > "$5.summary.json"
  echo "| $1 | $(tail -1 "$5.time") | $(python3 -c "import json; r=json.load(open('$5.summary.json')); print(round(r['search_seconds']*1000), 'ms |', ' '.join(f'{k} {v}' for k, v in r['transformation'].items() if v), '|', r['classes'], '|', r['suppressed_rows'])") |"
}
echo "| run | /usr/bin/time | search | non-zero levels | classes | suppressed |"
echo "|---|---|---|---|---|---|"
for c in 0 5; do
  sed "s#../shared/data/adult/adult_hierarchy#$DATA/adult_hierarchy#" bench/deid/adult-8qi-$c.toml > "$OUT/adult-1m-$c.toml"
  timed "adult-8qi-$c, CSV in (freeport-read), CSV out" "$BIN" "$OUT/adult-1m.csv" "$OUT/adult-1m-$c.toml" "$OUT/adult-1m-$c.out.csv"
  timed "adult-8qi-$c, Parquet in, Parquet out" "$BIN" "$OUT/adult-1m.parquet" "$OUT/adult-1m-$c.toml" "$OUT/adult-1m-$c.out.parquet"
  if [ -n "${OLD_BIN:-}" ]; then
    timed "adult-8qi-$c, CSV in, CSV out, OLD_BIN (own CSV reader)" "$OLD_BIN" "$OUT/adult-1m.csv" "$OUT/adult-1m-$c.toml" "$OUT/adult-1m-$c.old.csv"
    cmp "$OUT/adult-1m-$c.out.csv" "$OUT/adult-1m-$c.old.csv" && echo "(outputs of the two binaries are byte-identical)"
  fi
done

if [ "${SKIP_ANJANA:-0}" != 1 ]; then
  echo
  echo "## anjana 1.2.3 (PyPI), same data and hierarchies, one run each"
  if [ ! -x bench/.venv/bin/python ]; then
    python3 -m venv bench/.venv
    bench/.venv/bin/pip install --quiet anjana==1.2.3
  fi
  bench/.venv/bin/python bench/deid/anjana_adult.py $DATA | tee "$OUT/anjana.jsonl"
fi
