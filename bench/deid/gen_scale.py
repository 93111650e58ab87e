"""Generate an N-row table from Adult's distribution (seeded): rows are drawn with replacement
from Adult (the empirical joint distribution of all 9 columns), and each drawn age is moved by a
uniform -2..+2 years (clamped to 17..90) so the scaled table has new QI combinations rather than
copies only. Usage: gen_scale.py ADULT.csv OUT.csv N SEED"""
import random
import sys

src, out, n, seed = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4])
rng = random.Random(seed)
with open(src, encoding="utf-8") as f:
    header = f.readline()
    rows = [line.rstrip("\n").split(";") for line in f if line.strip()]
age = header.strip().split(";").index("age")
with open(out, "w", encoding="utf-8") as f:
    f.write(header)
    for _ in range(n):
        r = list(rng.choice(rows))
        r[age] = str(min(90, max(17, int(r[age]) + rng.randint(-2, 2))))
        f.write(";".join(r) + "\n")
