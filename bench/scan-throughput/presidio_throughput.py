"""Presidio throughput on a CSV slice: presidio-structured's PandasAnalysisBuilder over every
row (n = all rows), with presidio-analyzer's pattern-only `no_op` NLP engine exactly as
anchors.md §1.6 shows (no model download). Prints a Markdown line with MB/s.

Usage: presidio_throughput.py SLICE.csv
"""

import logging
import os
import sys
import time

import pandas as pd
from presidio_analyzer import AnalyzerEngine
from presidio_analyzer.nlp_engine import NlpEngineProvider
from presidio_structured import PandasAnalysisBuilder


def main() -> None:
    path = sys.argv[1]
    logging.getLogger("presidio-analyzer").setLevel(logging.ERROR)
    logging.getLogger("tldextract").setLevel(logging.CRITICAL)
    nlp = NlpEngineProvider(
        nlp_configuration={
            "nlp_engine_name": "no_op",
            "models": [{"lang_code": "en", "model_name": "no_op"}],
        }
    ).create_engine()
    analyzer = AnalyzerEngine(nlp_engine=nlp, supported_languages=["en"])
    builder = PandasAnalysisBuilder(analyzer=analyzer)
    size = os.path.getsize(path)
    start = time.perf_counter()
    df = pd.read_csv(path, dtype=str, keep_default_na=False)
    analysis = builder.generate_analysis(df, n=len(df), language="en")
    secs = time.perf_counter() - start
    print(f"| Presidio (structured, no_op, all {len(df)} rows of the slice) | {size/1e6:.2f} MB | {secs:.1f} s | {size/1e6/secs:.4f} MB/s |")
    print(f"columns: {dict(sorted(analysis.entity_mapping.items()))}", file=sys.stderr)


if __name__ == "__main__":
    main()
