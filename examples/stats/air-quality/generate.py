#!/usr/bin/env python3
"""Generates the pilot's synthetic station data (deterministic; run once, output committed).

Daily mean PM2.5 (µg/m³), temperature (°C) and relative humidity (%) for 12 monitoring stations
per country across 2026, with regional levels, winter peaks and a temperature dependence, so
that means, exceedance counts and the regression have something to find. Not real measurements.
"""
import math
import random
from datetime import date, timedelta

REGIONS = {
    "cn": {"jing-jin-ji": 62, "yangtze-delta": 42, "pearl-delta": 30, "sichuan-basin": 48},
    "us": {"northeast": 8, "midwest": 9, "south": 9, "west": 11},
}


def generate(country, seed):
    rng = random.Random(seed)
    rows = []
    for region, level in REGIONS[country].items():
        for s in range(3):
            station = f"{country}-{region}-{s + 1}"
            offset = rng.uniform(-0.15, 0.15)
            for d in range(365):
                day = date(2026, 1, 1) + timedelta(days=d)
                season = math.cos(2 * math.pi * (d - 15) / 365)  # 1 in mid-January
                temp = 14 - 14 * season + rng.gauss(0, 3)
                humidity = min(100, max(5, 60 + 15 * math.sin(2 * math.pi * d / 365) + rng.gauss(0, 10)))
                base = level * (1 + offset) * (1 + 0.45 * season) * (1 + 0.004 * (humidity - 60))
                pm25 = max(0.5, base * rng.lognormvariate(0, 0.45))
                if rng.random() < 0.01:
                    pm25 = None  # a missing measurement: the site sends a zero report for it
                rows.append((day.isoformat(), station, region,
                             "" if pm25 is None else f"{pm25:.1f}", f"{temp:.1f}", f"{humidity:.0f}"))
    return rows


for country, seed in (("cn", 2026), ("us", 1776)):
    with open(f"stations-{country}.csv", "w") as f:
        f.write("date,station,region,pm25,temp,humidity\n")
        for row in generate(country, seed):
            f.write(",".join(row) + "\n")
