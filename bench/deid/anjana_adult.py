"""anjana (PyPI) on Adult with ARX's hierarchies, k = 5: the same four settings as the
freeport configs. anjana is greedy (anchors.md §4.1), has no metric to choose, and is run once
per setting. Prints one JSON line per setting."""
import json
import sys
import time

import pandas as pd
from anjana.anonymity import k_anonymity

data_dir = sys.argv[1]
df = pd.read_csv(f"{data_dir}/adult.csv", sep=";", dtype=str)
Q8 = ["age", "education", "marital-status", "native-country", "race", "salary-class", "sex", "workclass"]
Q7 = [q for q in Q8 if q != "salary-class"]


def hierarchies(qis):
    out = {}
    for q in qis:
        h = pd.read_csv(f"{data_dir}/adult_hierarchy_{q}.csv", sep=";", header=None, dtype=str)
        lookup = {row[0]: list(row) for row in h.itertuples(index=False)}
        levels = {}
        for level in range(h.shape[1]):
            levels[level] = df[q].map(lambda v: lookup[v][level]).values
        out[q] = levels
    return out


settings = sys.argv[2:] or ["adult-8qi-0", "adult-8qi-5", "adult-7qi-0", "adult-7qi-1"]
for name in settings:
    qis = Q8 if "8qi" in name else Q7
    supp = float(name.rsplit("-", 1)[1])
    hier = hierarchies(qis)
    start = time.perf_counter()
    anon = k_anonymity(df.copy(), [], qis, 5, supp, hier)
    seconds = time.perf_counter() - start
    classes = anon.groupby(qis).ngroups if len(anon) else 0
    levels = {}
    for q in qis:
        for level in sorted(hier[q]):
            if set(anon[q]) <= set(hier[q][level]):
                levels[q] = level
                break
    print(json.dumps({"setting": name, "seconds": round(seconds, 2), "rows_out": len(anon),
                      "suppressed": len(df) - len(anon), "classes": classes, "levels": levels}), flush=True)
