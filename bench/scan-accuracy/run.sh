#!/usr/bin/env bash
# Column-classification accuracy of `freeport scan` vs Presidio on the seeded bilingual
# benchmark, same files, same run. Writes target/bench/scan-accuracy/{data,*.tsv,scores.md}.
#
#   bench/scan-accuracy/run.sh            # seed 7, 24 tables × 1,000 rows, Presidio samples 200 rows/table
#   SEED=11 PRESIDIO_SAMPLE=1000 bench/scan-accuracy/run.sh
set -euo pipefail
cd "$(dirname "$0")/../.."
SEED=${SEED:-7}
TABLES=${TABLES:-24}
ROWS=${ROWS:-1000}
PRESIDIO_SAMPLE=${PRESIDIO_SAMPLE:-200}
OUT=target/bench/scan-accuracy
mkdir -p "$OUT"

# Release build without fat LTO: same code generation quality for this purpose, far less
# compile time on a shared machine.
export CARGO_PROFILE_RELEASE_LTO=false CARGO_PROFILE_RELEASE_CODEGEN_UNITS=16

echo "== generate (seed $SEED, $TABLES tables × $ROWS rows)"
cargo run -q --release -p freeport-detect --example gen_bench -- --seed "$SEED" --out "$OUT/data" --tables "$TABLES" --rows "$ROWS"

# The shipped command line: `freeport scan DIR --format json` (reader, profiler, table-level
# evidence such as paired coordinates), scored from its JSON.
cargo build -q --release -p freeport
FREEPORT=${CARGO_TARGET_DIR:-target}/release/freeport
scan_dir() { # DIR JSON: every CSV of DIR; exit 2 = some input failed, caught by cli_predictions.py
  "$FREEPORT" scan "$1"/*.csv --format json >"$2" || [ $? -eq 2 ]
}

echo "== freeport scan (CLI, --format json)"
scan_dir "$OUT/data" "$OUT/freeport-scan.json"
python3 bench/scan-accuracy/cli_predictions.py "$OUT/data/labels.tsv" "$OUT/freeport-scan.json" "$OUT/freeport.tsv"
# The profiler alone, for the per-category table with TP/FP/FN and the misclassified columns.
cargo run -q --release -p freeport-detect --example eval_bench -- "$OUT/data" 2>"$OUT/freeport-errors.txt" | tee "$OUT/freeport-profiler.md" | tail -8
cargo run -q --release -p freeport-detect --example observe_cost -- "$OUT/data" --rows 300000 | tee "$OUT/observe-cost.txt"

echo "== Presidio (presidio-analyzer + presidio-structured, no_op NLP engine)"
if [ ! -x bench/.venv/bin/python ]; then
  python3 -m venv bench/.venv
fi
bench/.venv/bin/pip install -q presidio-analyzer==2.2.366 presidio-structured==0.0.10 pandas faker==40.54.0
bench/.venv/bin/python bench/scan-accuracy/presidio_columns.py "$OUT/data" "$OUT/presidio-most-common.tsv" --sample "$PRESIDIO_SAMPLE" --strategy most_common | tee "$OUT/presidio-timing.txt"
bench/.venv/bin/python bench/scan-accuracy/presidio_columns.py "$OUT/data" "$OUT/presidio-highest.tsv" --sample "$PRESIDIO_SAMPLE" --strategy highest_confidence | tee -a "$OUT/presidio-timing.txt"

echo "== scores"
bench/.venv/bin/python bench/scan-accuracy/score.py "$OUT/data/labels.tsv" \
  freeport="$OUT/freeport.tsv" \
  presidio-most-common="$OUT/presidio-most-common.tsv" \
  presidio-highest-confidence="$OUT/presidio-highest.tsv" | tee "$OUT/scores.md"
# Only the categories Presidio's pattern recognizers cover (no NER with the no_op engine).
PRESIDIO_CATS=contact.email,contact.phone,fin.iban,fin.payment_card,id.us.ssn,id.us.itin,id.us.passport,id.us.driver_license,online.ip_address,online.url,person.birth_date
bench/.venv/bin/python bench/scan-accuracy/score.py "$OUT/data/labels.tsv" \
  freeport="$OUT/freeport.tsv" \
  presidio-most-common="$OUT/presidio-most-common.tsv" \
  presidio-highest-confidence="$OUT/presidio-highest.tsv" --only="$PRESIDIO_CATS" | tee "$OUT/scores-presidio-categories.md"

echo "== independent cross-check: Faker zh_CN/en_US tables (not the project's generator)"
bench/.venv/bin/python bench/scan-accuracy/faker_tables.py "$OUT/faker" --seed "$SEED" --tables 8 --rows "$ROWS"
scan_dir "$OUT/faker" "$OUT/faker-freeport-scan.json"
python3 bench/scan-accuracy/cli_predictions.py "$OUT/faker/labels.tsv" "$OUT/faker-freeport-scan.json" "$OUT/faker-freeport.tsv"
bench/.venv/bin/python bench/scan-accuracy/presidio_columns.py "$OUT/faker" "$OUT/faker-presidio-most-common.tsv" --sample "$PRESIDIO_SAMPLE" --strategy most_common | tee -a "$OUT/presidio-timing.txt"
bench/.venv/bin/python bench/scan-accuracy/presidio_columns.py "$OUT/faker" "$OUT/faker-presidio-highest.tsv" --sample "$PRESIDIO_SAMPLE" --strategy highest_confidence | tee -a "$OUT/presidio-timing.txt"
bench/.venv/bin/python bench/scan-accuracy/score.py "$OUT/faker/labels.tsv" \
  freeport="$OUT/faker-freeport.tsv" \
  presidio-most-common="$OUT/faker-presidio-most-common.tsv" \
  presidio-highest-confidence="$OUT/faker-presidio-highest.tsv" | tee "$OUT/faker-scores.md"
