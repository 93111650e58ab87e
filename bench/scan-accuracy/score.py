"""Side-by-side column-level scores: per-category precision/recall/F1, macro F1, hard negatives.

Usage: score.py LABELS_TSV NAME=PREDICTIONS_TSV [NAME=PREDICTIONS_TSV ...] [--only=CAT,CAT,...]
With --only, only the listed categories are scored (e.g. those Presidio has recognizers for).
Predictions are file<TAB>column<TAB>predicted; a column missing from a predictions file counts
as `none`. Macro F1 averages over the categories present in the labels. Prints Markdown.
"""

import csv
import sys
from collections import defaultdict


def read(path):
    with open(path, newline="") as f:
        return list(csv.DictReader(f, delimiter="\t"))


def score(labels, preds):
    tp, fp, fn = defaultdict(int), defaultdict(int), defaultdict(int)
    hard_hit, hard_total = [], 0
    by_kind = defaultdict(lambda: [0, 0])
    for row in labels:
        key = (row["file"], row["column"])
        truth, role = row["category"], row["role"]
        pred = preds.get(key, "none")
        kind = row["file"].rsplit("_", 1)[-1].split(".")[0]
        if truth != "none":
            by_kind[kind][1] += 1
            by_kind[kind][0] += pred == truth
        if role == "hard_negative":
            hard_total += 1
            if pred != "none":
                hard_hit.append(f"{key[0]}:{key[1]} → {pred}")
        if pred == truth:
            if truth != "none":
                tp[truth] += 1
            continue
        if truth != "none":
            fn[truth] += 1
        if pred != "none":
            fp[pred] += 1
    cats = sorted({r["category"] for r in labels if r["category"] != "none"})
    per = {}
    for c in cats:
        p = tp[c] / (tp[c] + fp[c]) if tp[c] + fp[c] else 0.0
        r = tp[c] / (tp[c] + fn[c]) if tp[c] + fn[c] else 0.0
        f = 2 * p * r / (p + r) if p + r else 0.0
        per[c] = (p, r, f, tp[c] + fn[c])
    macro = sum(v[2] for v in per.values()) / len(per)
    return per, macro, hard_hit, hard_total, by_kind


def main():
    args = [a for a in sys.argv[2:] if not a.startswith("--only=")]
    only = [a.split("=", 1)[1].split(",") for a in sys.argv[2:] if a.startswith("--only=")]
    labels = read(sys.argv[1])
    if only:
        keep = set(only[0])
        # Columns of other categories drop out; negatives stay (false positives still count).
        labels = [r for r in labels if r["category"] in keep or r["category"] == "none"]
    systems = []
    for arg in args:
        name, path = arg.split("=", 1)
        preds = {(r["file"], r["column"]): r["predicted"] for r in read(path)}
        systems.append((name, score(labels, preds)))
    names = [n for n, _ in systems]
    print("| category | columns | " + " | ".join(f"{n} P / R / F1" for n in names) + " |")
    print("|---|---:|" + "---:|" * len(names))
    cats = list(systems[0][1][0].keys())
    for c in cats:
        cols = systems[0][1][0][c][3]
        cells = [f"{s[0][c][0]:.2f} / {s[0][c][1]:.2f} / {s[0][c][2]:.2f}" for _, s in systems]
        print(f"| {c} | {cols} | " + " | ".join(cells) + " |")
    print()
    print("| system | macro F1 | hard negatives labelled | labelled columns correct: cn / us / health / text |")
    print("|---|---:|---:|---|")
    for name, (per, macro, hard_hit, hard_total, by_kind) in systems:
        kinds = " / ".join(
            f"{by_kind[k][0]}/{by_kind[k][1]}" for k in ("cn", "us", "health", "text")
        )
        print(f"| {name} | {macro:.4f} | {len(hard_hit)} of {hard_total} | {kinds} |")
    for name, (_, _, hard_hit, _, _) in systems:
        if hard_hit:
            print(f"\n{name}: hard negatives labelled:")
            for h in hard_hit[:20]:
                print(f"- {h}")


if __name__ == "__main__":
    main()
