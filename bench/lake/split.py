"""Splits one CSV into a lake: PARTS files of consecutive rows, each with the header, under
`part=NNN/` directories, so the lake's rows in path order are the file's rows in order.

Usage: split.py IN.csv OUTDIR PARTS
The lake gains one partition column, `part`; `whole.csv` beside it is IN.csv with that column
appended, the native scanner's input for the same rows.
"""

import csv
import os
import sys


def main():
    src, out, parts = sys.argv[1], sys.argv[2], int(sys.argv[3])
    with open(src, newline="", encoding="utf-8") as f:
        rows = list(csv.reader(f))
    header, body = rows[0], rows[1:]
    per = -(-len(body) // parts)
    lake = os.path.join(out, "lake")
    os.makedirs(out, exist_ok=True)
    with open(os.path.join(out, "whole.csv"), "w", newline="", encoding="utf-8") as whole:
        w = csv.writer(whole, lineterminator="\n")
        w.writerow(header + ["part"])
        for i in range(parts):
            chunk = body[i * per:(i + 1) * per]
            d = os.path.join(lake, f"part={i:03d}")
            os.makedirs(d, exist_ok=True)
            with open(os.path.join(d, "data.csv"), "w", newline="", encoding="utf-8") as f:
                p = csv.writer(f, lineterminator="\n")
                p.writerow(header)
                p.writerows(chunk)
            w.writerows(r + [f"{i:03d}"] for r in chunk)


if __name__ == "__main__":
    main()
