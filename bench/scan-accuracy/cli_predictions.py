"""Predictions of the shipped CLI: reads the JSON of `freeport scan DIR --format json` and
writes file<TAB>column<TAB>predicted for score.py, for every labelled table.

Usage: cli_predictions.py LABELS_TSV SCAN_JSON PREDICTIONS_TSV

Fails (exit 1) if a labelled table is missing from the scan or the scan reported an input
error for it, so a reader failure cannot pass for a wall of `none` predictions.
"""

import csv
import json
import os
import sys


def main():
    labels_path, scan_path, out_path = sys.argv[1:4]
    with open(labels_path, newline="") as f:
        labels = list(csv.DictReader(f, delimiter="\t"))
    with open(scan_path) as f:
        report = json.load(f)
    by_file = {}
    for dataset in report["datasets"]:
        by_file[os.path.basename(dataset["path"])] = dataset
    failed = {os.path.basename(e["path"]): e.get("message", e.get("reason", "")) for e in report.get("errors", [])}
    wanted = sorted({row["file"] for row in labels})
    problems = [f"{name}: {failed[name]}" for name in wanted if name in failed]
    problems += [f"{name}: not in the scan" for name in wanted if name not in by_file and name not in failed]
    if problems:
        sys.exit("scan did not cover every labelled table:\n  " + "\n  ".join(problems))
    with open(out_path, "w", newline="") as f:
        w = csv.writer(f, delimiter="\t", lineterminator="\n")
        w.writerow(["file", "column", "predicted"])
        for name in wanted:
            for column in by_file[name]["columns"]:
                w.writerow([name, column["name"], column["category"] or "none"])
    rows = sum(by_file[name]["rows"] for name in wanted)
    print(f"freeport scan: {len(wanted)} tables, {rows} rows classified through the CLI")


if __name__ == "__main__":
    main()
