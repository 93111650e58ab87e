#!/usr/bin/env python3
"""Generates the clinical pilot's synthetic cohorts (deterministic; run once, output committed).

One row per hospital admission at a Chinese and a US hospital in 2026: admission date, sex,
age, age band, principal diagnosis, length of stay (days), BMI and systolic blood pressure at
admission, follow-up after discharge (years) and readmissions during it. Case mix, stays and
blood pressure differ by hospital and diagnosis, and blood pressure rises with age and BMI, so
the counts, histograms, means, regression and incidence rates have something to find. Not real
patients: every value comes from the seeded generator below.
"""
import random
from datetime import date, timedelta

DIAGNOSES = ["diabetes", "hypertension", "copd", "heart_failure", "stroke", "pneumonia"]
HOSPITALS = {
    # admissions, case-mix weights (in DIAGNOSES order), mean age, mean BMI
    "cn": (3000, [18, 26, 14, 12, 18, 12], 61, 24.5),
    "us": (2600, [20, 22, 12, 18, 10, 18], 64, 29.5),
}
STAY = {"diabetes": 5, "hypertension": 4, "copd": 7, "heart_failure": 8, "stroke": 10, "pneumonia": 6}
READMIT = {"diabetes": 0.25, "hypertension": 0.15, "copd": 0.45, "heart_failure": 0.55, "stroke": 0.3, "pneumonia": 0.2}


def band(age):
    if age < 40:
        return "18-39"
    if age < 60:
        return "40-59"
    if age < 80:
        return "60-79"
    return "80+"


def generate(country, seed):
    n, weights, mean_age, mean_bmi = HOSPITALS[country]
    rng = random.Random(seed)
    rows = []
    for _ in range(n):
        dx = rng.choices(DIAGNOSES, weights)[0]
        age = min(99, max(18, round(rng.gauss(mean_age, 14))))
        sex = rng.choice(["F", "M"])
        bmi = round(min(48.0, max(15.0, rng.gauss(mean_bmi, 4.0))), 1)
        sbp = round(min(219, max(81, 92 + 0.45 * age + 1.1 * bmi + (8 if dx == "hypertension" else 0) + rng.gauss(0, 12))))
        stay = max(1, round(rng.lognormvariate(0, 0.55) * STAY[dx] * (1.1 if country == "cn" else 0.9)))
        admitted = date(2026, 1, 1) + timedelta(days=rng.randrange(365))
        follow_up = round(rng.uniform(0.2, 4.8), 1)
        # Readmissions: a Poisson count with rate READMIT per year of follow-up.
        events, t = 0, rng.expovariate(READMIT[dx])
        while t < follow_up:
            events += 1
            t += rng.expovariate(READMIT[dx])
        missing_bp = rng.random() < 0.02  # not recorded: that admission leaves the regression
        rows.append((admitted.isoformat(), sex, str(age), band(age), dx, str(stay), f"{bmi:.1f}",
                     "" if missing_bp else str(sbp), f"{follow_up:.1f}", str(events)))
    rows.sort()
    return rows


HEADER = "admitted,sex,age,age_band,diagnosis,stay_days,bmi,systolic_bp,follow_up_years,readmissions"
for country, seed in (("cn", 86), ("us", 1)):
    with open(f"hospital-{country}.csv", "w") as f:
        f.write(HEADER + "\n")
        for row in generate(country, seed):
            f.write(",".join(row) + "\n")
