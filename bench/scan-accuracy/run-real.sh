#!/usr/bin/env bash
# Accuracy of `freeport scan` on real and realistic data (issue 16): public datasets shipped
# inside PyPI wheels (vega_datasets, statsmodels, scikit-learn; files inside the wheels only,
# no fetchers) and realistic exports generated with Faker (GBK CSV, pinyin headers, a workbook
# with an employee sheet beside product and store sheets, nested JSON Lines, free-text notes).
# The real tables are scanned twice: as shipped, and each with the codebook built mechanically
# from its package's own variable descriptions (codebooks.py; `--codebook`).
# Writes target/bench/scan-accuracy/real/{wheels,data,codebooks,rx,*.json,scores-real.md}.
#
#   bench/scan-accuracy/run-real.sh        # ROWS=1000 SEED=7
set -euo pipefail
cd "$(dirname "$0")/../.."
SEED=${SEED:-7}
ROWS=${ROWS:-1000}
OUT=target/bench/scan-accuracy/real
mkdir -p "$OUT/wheels"
export CARGO_PROFILE_RELEASE_LTO=false CARGO_PROFILE_RELEASE_CODEGEN_UNITS=16

if [ ! -x bench/.venv/bin/python ]; then
  python3 -m venv bench/.venv
fi
bench/.venv/bin/pip install -q faker==40.54.0 openpyxl==3.1.5
# The wheels themselves (no install, no dependencies): their data files are the benchmark.
bench/.venv/bin/pip download -q --no-deps --only-binary=:all: -d "$OUT/wheels" \
  vega_datasets==0.9.0 statsmodels==0.15.0 scikit-learn==1.9.1

echo "== tables"
rm -rf "$OUT/data" "$OUT/codebooks" "$OUT/rx"
bench/.venv/bin/python bench/scan-accuracy/real_data.py "$OUT/wheels" "$OUT/data"
(cd bench/scan-accuracy && ../.venv/bin/python codebooks.py "../../$OUT/wheels" "../../$OUT/data" "../../$OUT/codebooks")
bench/.venv/bin/python bench/scan-accuracy/realistic_exports.py "$OUT/rx" --seed "$SEED" --rows "$ROWS"

cargo build -q --release -p freeport
FREEPORT=${CARGO_TARGET_DIR:-target}/release/freeport
echo "== freeport scan"
"$FREEPORT" scan "$OUT/data" --format json >"$OUT/real-scan.json" || [ $? -eq 2 ]
python3 bench/scan-accuracy/scan_codebooks.py "$FREEPORT" "$OUT/data" "$OUT/codebooks" >"$OUT/real-scan-codebooks.json"
"$FREEPORT" scan "$OUT/rx" --format json >"$OUT/rx-scan.json" || [ $? -eq 2 ]

echo "== scores"
{
  python3 bench/scan-accuracy/score_real.py "$OUT/data/labels.tsv" "$OUT/real-scan.json" "Real data (PyPI wheels)"
  python3 bench/scan-accuracy/score_real.py "$OUT/data/labels.tsv" "$OUT/real-scan-codebooks.json" "Real data with the packages' own codebooks (--codebook)"
  python3 bench/scan-accuracy/score_real.py "$OUT/rx/labels.tsv" "$OUT/rx-scan.json" "Realistic exports (Faker, seed $SEED, $ROWS rows)"
} | tee "$OUT/scores-real.md"
