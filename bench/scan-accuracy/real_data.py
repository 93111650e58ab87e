"""Real-data benchmark: public datasets that ship inside PyPI packages, labelled by hand.

The files are read from the packages' wheels, downloaded with `pip download --no-deps` (no
install, no fetcher: only files inside the wheel are used): vega_datasets 0.9.0 (its local
`_data/` directory), statsmodels 0.15.0 (`statsmodels/datasets/*/*.csv`) and scikit-learn 1.9.1
(`sklearn/datasets/data/`). Each table is written as UTF-8 CSV under OUT_DIR, as the package
ships it except where the package's own loader does more: scikit-learn's CSVs start with a
count line instead of a header, and `diabetes_data_raw` is whitespace-separated without one,
so the feature names the scikit-learn documentation gives are used as headers; statsmodels'
`anes96` and `spector` are whitespace- or tab-separated with quoted names.

Labels (labels.tsv: file, column, category|none, role) are what a careful person reading the
package's documentation would say each column is, including "none" for every column of a table
about things (airports, weather, stock prices, companies, states): role `table_negative` marks
columns of such tables, which must come out with no category at all and no people. Labels do
not bend to what the scanner can see: a column a person would call political opinion is labelled
so even when its header (`selfLR`) names nothing a dictionary could know.

Usage: real_data.py WHEEL_DIR OUT_DIR
"""

import csv
import gzip
import io
import sys
import zipfile
from pathlib import Path

# (wheel name prefix, path inside the wheel, output file, reader, header override or None,
#  labels by column: category or "none"; a table with every label "none" is a table about
#  things, scored for "no people").
TABLES = [
    # --- vega_datasets: tables about things -------------------------------------------------
    ("vega_datasets", "vega_datasets/_data/airports.csv", "vega_airports.csv", "csv", None, {
        "iata": "none", "name": "none", "city": "none", "state": "none", "country": "none",
        "latitude": "none", "longitude": "none"}),
    ("vega_datasets", "vega_datasets/_data/seattle-weather.csv", "vega_seattle_weather.csv", "csv", None, {
        "date": "none", "precipitation": "none", "temp_max": "none", "temp_min": "none",
        "wind": "none", "weather": "none"}),
    ("vega_datasets", "vega_datasets/_data/stocks.csv", "vega_stocks.csv", "csv", None, {
        "symbol": "none", "date": "none", "price": "none"}),
    ("vega_datasets", "vega_datasets/_data/iowa-electricity.csv", "vega_iowa_electricity.csv", "csv", None, {
        "year": "none", "source": "none", "net_generation": "none"}),
    ("vega_datasets", "vega_datasets/_data/us-employment.csv", "vega_us_employment.csv", "csv", None, None),
    # --- vega_datasets: people -----------------------------------------------------------------
    # Deaths in the 1992 Los Angeles riots (Los Angeles Times): one row per person who died.
    ("vega_datasets", "vega_datasets/_data/la-riots.csv", "vega_la_riots.csv", "csv", None, {
        "first_name": "person.name", "last_name": "person.name", "age": "person.age",
        "gender": "person.gender", "race": "person.ethnicity", "death_date": "person.death_date",
        "address": "contact.address", "neighborhood": "location.coarse", "type": "none",
        "longitude": "location.precise", "latitude": "location.precise"}),
    # --- statsmodels: tables about things (states, firms, committees, districts) -----------------
    ("statsmodels", "statsmodels/datasets/statecrime/statecrime.csv", "sm_statecrime.csv", "csv", None, None),
    ("statsmodels", "statsmodels/datasets/grunfeld/grunfeld.csv", "sm_grunfeld.csv", "csv", None, None),
    ("statsmodels", "statsmodels/datasets/china_smoking/china_smoking.csv", "sm_china_smoking.csv", "csv", None, None),
    ("statsmodels", "statsmodels/datasets/committee/committee.csv", "sm_committee.csv", "csv", None, None),
    ("statsmodels", "statsmodels/datasets/cpunish/cpunish.csv", "sm_cpunish.csv", "csv", None, None),
    ("statsmodels", "statsmodels/datasets/scotland/scotvote.csv", "sm_scotvote.csv", "csv", None, None),
    ("statsmodels", "statsmodels/datasets/longley/longley.csv", "sm_longley.csv", "csv", None, None),
    # --- statsmodels: people ---------------------------------------------------------------------
    # Fair (1978), extramarital affairs survey of married women.
    ("statsmodels", "statsmodels/datasets/fair/fair.csv", "sm_fair.csv", "csv", None, {
        "rate_marriage": "person.marital_status", "age": "person.age",
        "yrs_married": "person.marital_status", "children": "none",
        "religious": "person.religion", "educ": "education.record",
        "occupation": "employment.record", "occupation_husb": "employment.record",
        "affairs": "person.sex_life"}),
    # American National Election Studies 1996: respondents' political views.
    ("statsmodels", "statsmodels/datasets/anes96/anes96.csv", "sm_anes96.csv", "tsv_quoted", None, {
        "popul": "none", "TVnews": "none", "selfLR": "person.political_affiliation",
        "ClinLR": "person.political_affiliation", "DoleLR": "person.political_affiliation",
        "PID": "person.political_affiliation", "age": "person.age", "educ": "education.record",
        "income": "fin.income", "vote": "person.political_affiliation"}),
    # Greene's credit-card expenditure sample.
    ("statsmodels", "statsmodels/datasets/ccard/ccard.csv", "sm_ccard.csv", "csv", None, {
        "AVGEXP": "fin.transaction", "AGE": "person.age", "INCOME": "fin.income",
        "INCOMESQ": "fin.income", "OWNRENT": "fin.assets"}),
    # Stanford heart transplant survival.
    ("statsmodels", "statsmodels/datasets/heart/heart.csv", "sm_heart.csv", "csv", None, {
        "survival": "health.diagnosis", "censors": "person.death_date", "age": "person.age"}),
    # Spector & Mazzeo (1980): students' grades.
    ("statsmodels", "statsmodels/datasets/spector/spector.csv", "sm_spector.csv", "ws_quoted", None, {
        "OBS": "none", "GPA": "education.record", "TUCE": "education.record",
        "PSI": "education.record", "GRADE": "education.record"}),
    # --- scikit-learn ----------------------------------------------------------------------------
    ("scikit_learn", "sklearn/datasets/data/iris.csv", "sk_iris.csv", "sklearn",
     ["sepal_length", "sepal_width", "petal_length", "petal_width", "species"], None),
    ("scikit_learn", "sklearn/datasets/data/wine_data.csv", "sk_wine.csv", "sklearn",
     ["alcohol", "malic_acid", "ash", "alcalinity_of_ash", "magnesium", "total_phenols",
      "flavanoids", "nonflavanoid_phenols", "proanthocyanins", "color_intensity", "hue",
      "od280_od315", "proline", "cultivar"], None),
    # Linnerud: 20 middle-aged men at a fitness club.
    ("scikit_learn", "sklearn/datasets/data/linnerud_physiological.csv", "sk_linnerud_physiological.csv", "ws", None, {
        "Weight": "health.body_measurement", "Waist": "health.body_measurement",
        "Pulse": "health.body_measurement"}),
    # Diabetes (Efron et al. 2004), raw values; names as in scikit-learn's documentation:
    # s1..s6 are blood serum measurements, `target` disease progression after one year.
    ("scikit_learn", "sklearn/datasets/data/diabetes_data_raw.csv.gz", "sk_diabetes.csv", "ws_gz",
     ["age", "sex", "bmi", "bp", "s1", "s2", "s3", "s4", "s5", "s6"], {
        "age": "person.age", "sex": "person.gender", "bmi": "health.body_measurement",
        "bp": "health.body_measurement", "s1": "health.lab_result", "s2": "health.lab_result",
        "s3": "health.lab_result", "s4": "health.lab_result", "s5": "health.lab_result",
        "s6": "health.lab_result"}),
]


def rows_of(data: bytes, reader: str, header):
    if reader == "ws_gz":
        data = gzip.decompress(data)
    text = data.decode("utf-8")
    if reader == "csv":
        rows = list(csv.reader(io.StringIO(text)))
    elif reader == "tsv_quoted":
        rows = [[c.strip("'") for c in line.split("\t")] for line in text.splitlines() if line.strip()]
    elif reader in ("ws", "ws_gz", "ws_quoted"):
        rows = [[c.strip("'") for c in line.split()] for line in text.splitlines() if line.strip()]
    elif reader == "sklearn":
        rows = list(csv.reader(io.StringIO(text)))[1:]
    else:
        raise SystemExit(f"unknown reader {reader}")
    if header is not None:
        rows = [header + [f"extra_{i}" for i in range(len(header), len(rows[0]))]] + rows
    return rows


def main() -> None:
    wheels, out = Path(sys.argv[1]), Path(sys.argv[2])
    out.mkdir(parents=True, exist_ok=True)
    labels = [("file", "column", "category", "role")]
    for prefix, inner, name, reader, header, by_column in TABLES:
        wheel = next(p for p in sorted(wheels.glob(f"{prefix}-*.whl")))
        with zipfile.ZipFile(wheel) as z:
            data = z.read(inner)
        rows = rows_of(data, reader, header)
        width = len(rows[0])
        rows = [r[:width] + [""] * (width - len(r)) for r in rows]
        with open(out / name, "w", newline="", encoding="utf-8") as f:
            csv.writer(f, lineterminator="\n").writerows(rows)
        about_things = by_column is None or all(v == "none" for v in by_column.values())
        for column in rows[0]:
            category = "none" if by_column is None else by_column.get(column, "none")
            role = "table_negative" if about_things else ("positive" if category != "none" else "negative")
            labels.append((name, column, category, role))
    with open(out / "labels.tsv", "w", newline="", encoding="utf-8") as f:
        csv.writer(f, delimiter="\t", lineterminator="\n").writerows(labels)
    people = sum(1 for r in labels[1:] if r[2] != "none")
    print(f"real data: {len(TABLES)} tables, {len(labels) - 1} columns, {people} personal")


if __name__ == "__main__":
    main()
