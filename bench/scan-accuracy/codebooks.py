"""Codebooks for the real-data benchmark, built mechanically from the packages' own documentation.

Each statsmodels dataset documents its variables in `statsmodels/datasets/<name>/data.py`
(the `NOTE` string: "Variable name definitions"), and scikit-learn in
`sklearn/datasets/descr/<name>.rst` (":Attribute Information:"). This script reads those texts
out of the same wheels the tables come from and writes, for each table of `real_data.TABLES`
whose documentation describes at least one of its columns, `OUT_DIR/<table>.csv` with the
header `column,description` — the codebook `freeport scan --codebook` reads. Nothing is written
by hand: a column the documentation does not describe (or describes under another name, as
statsmodels' `heart`) gets no description.

Parsing: after the line that opens the definitions, an entry is a line `name : text`,
`name - text` or `- name   text` whose `name` is a column of the table (case-insensitive);
with words in its text; the more-indented lines after it continue its text (value codes included: "0 - Strong
Democrat" is part of what the publisher says `PID` holds); a blank line after the first entry
ends the list.

Usage: codebooks.py WHEEL_DIR DATA_DIR OUT_DIR
"""

import ast
import csv
import re
import sys
import zipfile
from pathlib import Path

from real_data import TABLES

OPENERS = re.compile(r"variables? name definitions|attribute information", re.I)
ENTRY = re.compile(r"^(\s*)(?:-\s+)?([A-Za-z_][A-Za-z0-9_]*)\s*(?::\s*|-\s+|\s{2,})(.+)$")

SKLEARN_DESCR = {
    "iris.csv": "iris.rst",
    "wine_data.csv": "wine_data.rst",
    "linnerud_physiological.csv": "linnerud.rst",
    "diabetes_data_raw.csv.gz": "diabetes.rst",
}


def documentation(wheel: zipfile.ZipFile, inner: str):
    """The documentation text of the table at `inner`, or None."""
    if inner.startswith("statsmodels/datasets/"):
        source = wheel.read(str(Path(inner).parent / "data.py")).decode("utf-8")
        for node in ast.parse(source).body:
            if isinstance(node, ast.Assign) and any(
                isinstance(t, ast.Name) and t.id == "NOTE" for t in node.targets
            ):
                return ast.literal_eval(node.value)
        return None
    name = SKLEARN_DESCR.get(Path(inner).name)
    if name is None:
        return None
    return wheel.read(f"sklearn/datasets/descr/{name}").decode("utf-8")


def descriptions(text: str, columns):
    """Column -> description, as the documentation gives them."""
    by_lower = {c.lower(): c for c in columns}
    out, current, indent, started = {}, None, 0, False
    for line in text.splitlines():
        if not started:
            started = bool(OPENERS.search(line))
            continue
        if not line.strip():
            if out:
                current = None
            continue
        m = ENTRY.match(line)
        # A description has words (not the summary-statistics rows some documents add).
        if (m and m.group(2).lower() in by_lower and re.search(r"[A-Za-z]", m.group(3))
                and (current is None or len(m.group(1)) <= indent)):
            column = by_lower[m.group(2).lower()]
            current, indent = column, len(m.group(1))
            out[column] = m.group(3).strip()
        elif current is not None and len(line) - len(line.lstrip()) > indent:
            out[current] += " " + line.strip()
    return out


def main() -> None:
    wheels, data, out = Path(sys.argv[1]), Path(sys.argv[2]), Path(sys.argv[3])
    out.mkdir(parents=True, exist_ok=True)
    described = 0
    for prefix, inner, name, *_ in TABLES:
        wheel_path = next(p for p in sorted(wheels.glob(f"{prefix}-*.whl")))
        with zipfile.ZipFile(wheel_path) as wheel:
            text = documentation(wheel, inner)
        if text is None:
            continue
        with open(data / name, newline="", encoding="utf-8") as f:
            columns = next(csv.reader(f))
        found = descriptions(text, columns)
        if not found:
            continue
        described += len(found)
        with open(out / name, "w", newline="", encoding="utf-8") as f:
            writer = csv.writer(f, lineterminator="\n")
            writer.writerow(["column", "description"])
            writer.writerows((c, found[c]) for c in columns if c in found)
    print(f"codebooks: {len(list(out.glob('*.csv')))} tables, {described} columns described")


if __name__ == "__main__":
    main()
