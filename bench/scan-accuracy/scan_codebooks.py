"""Scans each table of DATA_DIR with its codebook from CODEBOOK_DIR (when it has one) and prints
one scan report (the `datasets` of every per-table report, in file order) for score_real.py.

Usage: scan_codebooks.py FREEPORT DATA_DIR CODEBOOK_DIR > scan.json
"""

import json
import subprocess
import sys
from pathlib import Path


def main() -> None:
    freeport, data, codebooks = sys.argv[1], Path(sys.argv[2]), Path(sys.argv[3])
    merged = {"schema": 1, "datasets": [], "errors": []}
    for table in sorted(data.glob("*.csv")):
        args = [freeport, "scan", str(table), "--format", "json"]
        codebook = codebooks / table.name
        if codebook.exists():
            args += ["--codebook", str(codebook)]
        run = subprocess.run(args, capture_output=True, text=True, check=False)
        if run.returncode not in (0, 2) or not run.stdout:
            sys.exit(f"{table.name}: freeport scan exited {run.returncode}: {run.stderr}")
        report = json.loads(run.stdout)
        merged["datasets"] += report["datasets"]
        merged["errors"] += report["errors"]
    json.dump(merged, sys.stdout, indent=1)


if __name__ == "__main__":
    main()
