#!/usr/bin/env bash
# bench/stats: end-to-end throughput of joint statistics against raw prio, per Prio3 instance,
# and the aggregators' memory at 100,000 vs 1,000,000 reports.
#
# End to end = `freeport stats submit` of N records to two aggregators running as separate
# processes on loopback (each its own home and SQLite state): reading the CSV, encoding,
# sharding, HPKE sealing, upload over HTTP, decryption and Prio3 verification at both
# aggregators with their one HTTP round per upload, replay checks, durable accumulation (WAL,
# synchronous=FULL, one transaction per upload at each aggregator). The anchor is raw prio in
# one process (crates/freeport-stats/examples/raw_prio.rs): shard + verify + accumulate, same
# instance, same N, same build, run right before each end-to-end run; REPS pairs per instance,
# the median of each side reported.
#
#   bench/stats/run.sh                  # N=20000 REPS=3, then the memory check (MEMORY=0 skips)
#   MEM_SIZES="100000 1000000 2000000" bench/stats/run.sh
#   N=5000 REPS=1 MEMORY=0 bench/stats/run.sh
#
# Release build without fat LTO (the workspace's release profile uses it; too slow to build on
# the shared machine): CARGO_PROFILE_RELEASE_LTO=false CARGO_PROFILE_RELEASE_CODEGEN_UNITS=16.
set -euo pipefail
cd "$(dirname "$0")/../.."
N=${N:-20000}
REPS=${REPS:-3}
MEMORY=${MEMORY:-1}
MEM_SIZES=${MEM_SIZES:-100000 1000000}
OUT=bench/stats/RESULTS.raw.txt
TABLE=bench/stats/RESULTS.table.md
export CARGO_PROFILE_RELEASE_LTO=false CARGO_PROFILE_RELEASE_CODEGEN_UNITS=16
# (in a worktree sharing a build directory, export CARGO_BUILD_BUILD_DIR first)
cargo build -q --release --workspace --bin freeport --example raw_prio
TARGET=${CARGO_TARGET_DIR:-$PWD/target}
FREEPORT=$TARGET/release/freeport
RAW=$TARGET/release/examples/raw_prio
WORK=$(mktemp -d)
PIDS=()
stop() {
    for pid in "${PIDS[@]}"; do kill "$pid" 2>/dev/null || true; done
    for pid in "${PIDS[@]}"; do wait "$pid" 2>/dev/null || true; done
    PIDS=()
}
cleanup() { stop; rm -rf "$WORK"; }
trap cleanup EXIT
key() { sed -n "s/^ *$1 = \"\(.*\)\"$/\1/p"; }
json_field() { sed -n "s/.*\"$1\":\([0-9.]*\).*/\1/p"; }
median() { sort -g | awk '{ a[NR] = $1 } END { print a[int((NR + 1) / 2)] }'; }
export FREEPORT_HOME="$WORK/port"
"$FREEPORT" init > /dev/null
"$FREEPORT" stats collector init --home "$WORK/coll" > "$WORK/coll.txt"

# A fresh pair of aggregators (homes under $1) with one study per instance, serving on loopback.
start_aggregators() {
    local dir=$1
    CN_PORT=$((20000 + RANDOM % 20000)); US_PORT=$((CN_PORT + 1))
    "$FREEPORT" stats aggregator init --country cn --home "$dir/cn" > "$dir.cn.txt"
    "$FREEPORT" stats aggregator init --country us --home "$dir/us" > "$dir.us.txt"
    for inst in count sum histogram sumvec; do
        awk -v keep="$inst" '
            /^# [a-z]+: Prio3/ { split($2, a, ":"); block = a[1] }
            /^\[\[queries\]\]/ || /^# [a-z]+: Prio3/ { inq = 1 }
            !inq || block == keep { print }
        ' bench/stats/study.template.toml |
        sed -e "s|@INSTANCE@|$inst|g" \
            -e "s|@COLLECTOR_SIGNING@|$(key signing_key < "$WORK/coll.txt")|" \
            -e "s|@COLLECTOR_HPKE@|$(key hpke_key < "$WORK/coll.txt")|" \
            -e "s|@CN_HPKE@|$(key hpke_key < "$dir.cn.txt")|" -e "s|@US_HPKE@|$(key hpke_key < "$dir.us.txt")|" \
            -e "s|@CN_PORT@|$CN_PORT|" -e "s|@US_PORT@|$US_PORT|" > "$dir.$inst.toml"
        "$FREEPORT" stats study sign "$dir.$inst.toml" --home "$WORK/coll" > /dev/null
        "$FREEPORT" stats aggregator approve "$dir.$inst.toml" --home "$dir/cn" > /dev/null
        "$FREEPORT" stats aggregator approve "$dir.$inst.toml" --home "$dir/us" > /dev/null
    done
    "$FREEPORT" stats aggregator serve --country cn --home "$dir/cn" --listen "127.0.0.1:$CN_PORT" > "$dir.cn.log" 2>&1 &
    PIDS+=($!)
    "$FREEPORT" stats aggregator serve --country us --home "$dir/us" --listen "127.0.0.1:$US_PORT" > "$dir.us.log" 2>&1 &
    PIDS+=($!)
    for c in cn us; do
        until "$FREEPORT" stats status "$dir.count.toml" --country $c > /dev/null 2>&1; do sleep 0.1; done
    done
}

# N records in the bench's columns.
data() {
    awk -v n="$1" 'BEGIN {
        srand(7); print "date,flag,los,band,g,v"
        for (i = 0; i < n; i++)
            printf "2026-%02d-%02d,%d,%d,%d,%s,%d\n", 1 + i % 12, 1 + i % 28, rand() < 0.3, int(rand() * 366), int(rand() * 10), (rand() < 0.5 ? "a" : "b"), int(rand() * 256)
    }'
}

# Submits $2 (a CSV) to study $1; prints reports/s; fails unless every report was accepted.
submit() {
    local start end accepted n
    n=$(($(wc -l < "$2") - 1))
    start=$(date +%s.%N)
    "$FREEPORT" stats submit "$1" "$2" --site site --batch 2000 > "$WORK/submit.txt"
    end=$(date +%s.%N)
    accepted=$(sed -n 's/.* \([0-9]*\) accepted.*/\1/p' "$WORK/submit.txt")
    [[ "$accepted" == "$n" ]] || { cat "$WORK/submit.txt" >&2; echo "not every report accepted" >&2; exit 1; }
    echo "$n / ($end - $start)" | bc -l
}

data "$N" > "$WORK/data.csv"
start_aggregators "$WORK/t"
{
    echo "# $(date -u +%FT%TZ) N=$N REPS=$REPS release (lto=false, codegen-units=16), $(nproc) cores, load: $(cut -d' ' -f1-3 /proc/loadavg)"
} | tee "$OUT"
{
    echo "| instance | raw prio reports/s | end to end reports/s | ratio | load (1 min) at each pair |"
    echo "|---|---:|---:|---:|---|"
} > "$TABLE"
for inst in count sum histogram sumvec; do
    : > "$WORK/raw.$inst"; : > "$WORK/e2e.$inst"
    loads=()
    for rep in $(seq "$REPS"); do
        load=$(cut -d' ' -f1 /proc/loadavg)
        loads+=("$load")
        raw=$("$RAW" "$N" "$inst" | json_field reports_per_second)
        e2e=$(submit "$WORK/t.$inst.toml" "$WORK/data.csv")
        echo "$raw" >> "$WORK/raw.$inst"; echo "$e2e" >> "$WORK/e2e.$inst"
        printf '{"instance":"%s","rep":%d,"load":%s,"raw_reports_per_second":%.0f,"end_to_end_reports_per_second":%.0f}\n' "$inst" "$rep" "$load" "$raw" "$e2e" | tee -a "$OUT"
    done
    raw=$(median < "$WORK/raw.$inst"); e2e=$(median < "$WORK/e2e.$inst")
    printf '| %s | %.0f | %.0f | %.2f | %s |\n' "$inst" "$raw" "$e2e" "$(echo "$e2e / $raw" | bc -l)" "${loads[*]}" >> "$TABLE"
done
echo "## aggregator peak RSS after $((4 * N * REPS)) reports (KiB): cn $(grep VmHWM /proc/${PIDS[0]}/status | awk '{print $2}'), us $(grep VmHWM /proc/${PIDS[1]}/status | awk '{print $2}')" | tee -a "$OUT"
stop
cat "$TABLE"

if [[ "$MEMORY" == 1 ]]; then
    # Memory: fresh aggregators per size, Prio3Count; peak RSS (VmHWM) of both aggregators and
    # of the site (GNU time) after each of MEM_SIZES reports.
    echo "| reports | cn aggregator peak RSS | us aggregator peak RSS | site peak RSS | reports/s |" > "$TABLE.mem"
    echo "|---:|---:|---:|---:|---:|" >> "$TABLE.mem"
    for n in $MEM_SIZES; do
        data "$n" > "$WORK/mem.csv"
        start_aggregators "$WORK/m$n"
        start=$(date +%s.%N)
        /usr/bin/time -v -o "$WORK/time.txt" "$FREEPORT" stats submit "$WORK/m$n.count.toml" "$WORK/mem.csv" --site site --batch 2000 > "$WORK/submit.txt"
        end=$(date +%s.%N)
        grep -q " $n accepted" "$WORK/submit.txt" || { cat "$WORK/submit.txt" >&2; exit 1; }
        cn=$(grep VmHWM /proc/${PIDS[0]}/status | awk '{print $2}')
        us=$(grep VmHWM /proc/${PIDS[1]}/status | awk '{print $2}')
        site=$(sed -n 's/.*Maximum resident set size (kbytes): //p' "$WORK/time.txt")
        echo "## memory n=$n: cn $cn KiB, us $us KiB, site $site KiB, $(echo "$n / ($end - $start)" | bc -l | cut -d. -f1) reports/s" | tee -a "$OUT"
        printf '| %s | %d MiB | %d MiB | %d MiB | %.0f |\n' "$n" $((cn / 1024)) $((us / 1024)) $((site / 1024)) "$(echo "$n / ($end - $start)" | bc -l)" >> "$TABLE.mem"
        stop
        rm -rf "$WORK/m$n" "$WORK/mem.csv"
    done
    cat "$TABLE.mem" >> "$TABLE"
    rm -f "$TABLE.mem"
    cat "$TABLE"
fi
