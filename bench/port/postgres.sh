#!/usr/bin/env bash
# The port's filings in-process on SQLite and on PostgreSQL in the same run (issue 13: "SQLite
# and PostgreSQL both reported"): `filing_bench` one by one and in batches of 256, the store in
# the home's `freeport.db` or in a fresh database of a throw-away, durable PostgreSQL cluster
# (fsync on, as SQLite's side) on a local socket. Writes bench/port/POSTGRES.md.
#
#   bench/port/postgres.sh            # 20,000 filings over 16 organisations
#   N=2000 bench/port/postgres.sh     # a quick look
set -euo pipefail
cd "$(dirname "$0")/../.."
# shellcheck source=bench/port/common.sh
source bench/port/common.sh
N=${N:-20000}
ORGS=${ORGS:-16}
OUT=target/bench/port
mkdir -p "$OUT"
export CARGO_PROFILE_RELEASE_LTO=false CARGO_PROFILE_RELEASE_CODEGEN_UNITS=16
cargo build -q --release --workspace --example filing_bench
ANCHOR=${CARGO_TARGET_DIR:-$PWD/target}/release/examples/filing_bench
FACTS="$OUT/filing.json"
filing_json "$FACTS"

eval "$(FREEPORT_PG_DURABLE=1 scripts/postgres-cluster start)"
trap 'scripts/postgres-cluster stop "$FREEPORT_POSTGRES_CLUSTER"' EXIT
run() { # backend batch
  local db=""
  if [ "$1" = postgres ]; then
    db="bench_$RANDOM$RANDOM"
    psql "$FREEPORT_TEST_POSTGRES" -q -c "CREATE DATABASE $db" >/dev/null
    db="${FREEPORT_TEST_POSTGRES/dbname=postgres/dbname=$db}"
  fi
  if [ -n "$db" ]; then
    FREEPORT_BENCH_DATABASE=$db "$ANCHOR" "$FACTS" "$N" "$ORGS" "$2" | awk '{print $6}'
  else
    env -u FREEPORT_BENCH_DATABASE "$ANCHOR" "$FACTS" "$N" "$ORGS" "$2" | awk '{print $6}'
  fi
}
declare -A rate
for backend in sqlite postgres; do
  for batch in 1 256; do
    rate[$backend-$batch]=$(run "$backend" "$batch")
    echo "$backend batch $batch: ${rate[$backend-$batch]} filings/s"
  done
done
ratio() { python3 -c "print(f'{float(\"$1\") / float(\"$2\"):.2f}')"; }
cat > bench/port/POSTGRES.md <<MD
# Filings in-process: SQLite and PostgreSQL

\`bench/port/postgres.sh\` ($(date -u +%Y-%m-%d), $N filings over $ORGS organisations, release build,
$(nproc) cores; PostgreSQL $(psql --version | awk '{print $3}') on a local socket with fsync on).
Each filing: facts and inventory judged under both packs against its organisation's volumes,
recorded, its decision entry appended to the log.

| store | one by one | batches of 256 |
|---|---:|---:|
| SQLite (\`freeport.db\`) | ${rate[sqlite-1]}/s | ${rate[sqlite-256]}/s |
| PostgreSQL | ${rate[postgres-1]}/s | ${rate[postgres-256]}/s |
| ratio PostgreSQL / SQLite | $(ratio "${rate[postgres-1]}" "${rate[sqlite-1]}") | $(ratio "${rate[postgres-256]}" "${rate[sqlite-256]}") |
MD
cat bench/port/POSTGRES.md
