"""Scores `freeport scan --format json` on a labelled directory of real or realistic tables:
per-category precision / recall / F1 and macro F1 (score.py's rules), whether any table about
things was given a category or people, and every misclassified column.

Usage: score_real.py LABELS_TSV SCAN_JSON TITLE
Prints Markdown. Fails (exit 1) if a labelled table is missing from the scan or failed to read.
"""

import csv
import json
import os
import sys

sys.path.insert(0, os.path.dirname(__file__))
from score import score  # noqa: E402


def main() -> None:
    labels_path, scan_path, title = sys.argv[1:4]
    with open(labels_path, newline="", encoding="utf-8") as f:
        labels = list(csv.DictReader(f, delimiter="\t"))
    with open(scan_path, encoding="utf-8") as f:
        report = json.load(f)
    datasets = {os.path.basename(d["path"]): d for d in report["datasets"]}
    failed = {os.path.basename(e["path"]): e.get("reason", "") for e in report.get("errors", [])}
    wanted = sorted({r["file"] for r in labels})
    problems = [f"{w}: {failed.get(w, 'not in the scan')}" for w in wanted if w not in datasets]
    if problems:
        sys.exit("scan did not cover every labelled table:\n  " + "\n  ".join(problems))
    preds = {}
    for name in wanted:
        for column in datasets[name]["columns"]:
            preds[(name, column["name"])] = column["category"] or "none"
    per, macro, _, _, _ = score(labels, preds)
    print(f"### {title}\n")
    print("| category | columns | precision | recall | F1 |")
    print("|---|---:|---:|---:|---:|")
    for category, (p, r, f1, n) in per.items():
        print(f"| {category} | {n} | {p:.2f} | {r:.2f} | {f1:.2f} |")
    things = sorted({r["file"] for r in labels if r["role"] == "table_negative"})
    with_people = []
    for name in things:
        d = datasets[name]
        labelled = [c["name"] for c in d["columns"] if c["category"]]
        if labelled or d["subjects"] or d.get("subject_key"):
            with_people.append(f"{name} ({', '.join(labelled) or 'subjects'})")
    people_tables = len(wanted) - len(things)
    columns = len(labels)
    correct = sum(1 for r in labels if preds.get((r["file"], r["column"]), "none") == r["category"])
    print()
    print(f"**macro F1 {macro:.4f}** over {len(per)} categories; {correct} of {columns} columns "
          f"right in {len(wanted)} tables ({people_tables} about people, {len(things)} about things); "
          f"tables about things given a category or people: **{len(with_people)} of {len(things)}**"
          + (": " + "; ".join(with_people) if with_people else ""))
    wrong = [(r["file"], r["column"], r["category"], preds.get((r["file"], r["column"]), "none"))
             for r in labels if preds.get((r["file"], r["column"]), "none") != r["category"]]
    if wrong:
        print("\nMisclassified columns (file: column — label → scan):\n")
        for file, column, truth, pred in wrong:
            print(f"- {file}: `{column}` — {truth} → {pred}")
    print()


if __name__ == "__main__":
    main()
