#!/usr/bin/env bash
# bench/stats: end-to-end throughput of joint statistics against raw prio, per Prio3 instance.
#
# End to end = `freeport stats submit` of N records to two aggregators running as separate
# processes on loopback (each its own home and SQLite state): reading the CSV, encoding,
# sharding, HPKE sealing, upload over HTTP, decryption and Prio3 verification at both
# aggregators with their one HTTP round, durable accumulation (WAL, synchronous=FULL), replay
# checks. The anchor is raw prio in one process (crates/freeport-stats/examples/raw_prio.rs):
# shard + verify + accumulate, same instances, same N, same build profile, same run.
#
#   bench/stats/run.sh            # N=20000 per instance
#   N=5000 bench/stats/run.sh
set -euo pipefail
cd "$(dirname "$0")/../.."
N=${N:-20000}
PROFILE=${PROFILE:-dev}
OUT=bench/stats/RESULTS.raw.txt
cargo build -q -p freeport --profile "$PROFILE"
cargo build -q -p freeport-stats --example raw_prio --profile "$PROFILE"
DIR=$([[ $PROFILE == dev ]] && echo debug || echo "$PROFILE")
FREEPORT=$PWD/target/$DIR/freeport
RAW=$PWD/target/$DIR/examples/raw_prio
WORK=$(mktemp -d)
PIDS=()
cleanup() {
    for pid in "${PIDS[@]}"; do kill "$pid" 2>/dev/null || true; done
    for pid in "${PIDS[@]}"; do wait "$pid" 2>/dev/null || true; done
    rm -rf "$WORK"
}
trap cleanup EXIT
CN_PORT=$((20000 + RANDOM % 20000)); US_PORT=$((CN_PORT + 1))
key() { sed -n "s/^ *$1 = \"\(.*\)\"$/\1/p"; }
"$FREEPORT" stats collector init --home "$WORK/coll" > "$WORK/coll.txt"
"$FREEPORT" stats aggregator init --country cn --home "$WORK/cn" > "$WORK/cn.txt"
"$FREEPORT" stats aggregator init --country us --home "$WORK/us" > "$WORK/us.txt"

# One study per instance: the template with only that instance's query block.
for inst in count sum histogram sumvec; do
    awk -v keep="$inst" '
        /^# [a-z]+: Prio3/ { split($2, a, ":"); block = a[1] }
        /^\[\[queries\]\]/ || /^# [a-z]+: Prio3/ { inq = 1 }
        !inq || block == keep { print }
    ' bench/stats/study.template.toml |
    sed -e "s|@INSTANCE@|$inst|g" \
        -e "s|@COLLECTOR_SIGNING@|$(key signing_key < "$WORK/coll.txt")|" \
        -e "s|@COLLECTOR_HPKE@|$(key hpke_key < "$WORK/coll.txt")|" \
        -e "s|@CN_HPKE@|$(key hpke_key < "$WORK/cn.txt")|" -e "s|@US_HPKE@|$(key hpke_key < "$WORK/us.txt")|" \
        -e "s|@CN_PORT@|$CN_PORT|" -e "s|@US_PORT@|$US_PORT|" > "$WORK/$inst.toml"
    "$FREEPORT" stats study sign "$WORK/$inst.toml" --home "$WORK/coll" > /dev/null
    "$FREEPORT" stats aggregator approve "$WORK/$inst.toml" --home "$WORK/cn" > /dev/null
    "$FREEPORT" stats aggregator approve "$WORK/$inst.toml" --home "$WORK/us" > /dev/null
done
awk -v n="$N" 'BEGIN {
    srand(7); print "date,flag,los,band,g,v"
    for (i = 0; i < n; i++)
        printf "2026-%02d-%02d,%d,%d,%d,%s,%d\n", 1 + i % 12, 1 + i % 28, rand() < 0.3, int(rand() * 366), int(rand() * 10), (rand() < 0.5 ? "a" : "b"), int(rand() * 256)
}' > "$WORK/data.csv"

"$FREEPORT" stats aggregator serve --country cn --home "$WORK/cn" --listen "127.0.0.1:$CN_PORT" > "$WORK/cn.log" 2>&1 &
PIDS+=($!)
"$FREEPORT" stats aggregator serve --country us --home "$WORK/us" --listen "127.0.0.1:$US_PORT" > "$WORK/us.log" 2>&1 &
PIDS+=($!)
for c in cn us; do
    until "$FREEPORT" stats status "$WORK/count.toml" --country $c > /dev/null 2>&1; do sleep 0.1; done
done

{
    echo "# $(date -u +%FT%TZ) N=$N profile=$PROFILE load: $(cut -d' ' -f1-3 /proc/loadavg)"
    echo "## raw prio in-process"
    "$RAW" "$N"
    echo "## end to end"
} | tee "$OUT"
for inst in count sum histogram sumvec; do
    start=$(date +%s.%N)
    "$FREEPORT" stats submit "$WORK/$inst.toml" "$WORK/data.csv" --site site --batch 2000 > "$WORK/$inst.submit"
    end=$(date +%s.%N)
    accepted=$(sed -n 's/.* \([0-9]*\) accepted.*/\1/p' "$WORK/$inst.submit")
    [[ "$accepted" == "$N" ]] || { cat "$WORK/$inst.submit"; echo "not every report accepted" >&2; exit 1; }
    secs=$(echo "$end - $start" | bc -l)
    printf '{"instance":"%s","reports":%d,"seconds":%.3f,"reports_per_second":%.0f}\n' \
        "$inst" "$N" "$secs" "$(echo "$N / $secs" | bc -l)" | tee -a "$OUT"
done
echo "## aggregator peak RSS (KiB): cn $(grep VmHWM /proc/${PIDS[0]}/status | awk '{print $2}'), us $(grep VmHWM /proc/${PIDS[1]}/status | awk '{print $2}')" | tee -a "$OUT"
