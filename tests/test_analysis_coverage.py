"""A small coverage study: intervals from simulated samples must cover the synthetic truth.

30 samples × 60 intervals. The bounds are loose (this is not the study; that is
studies/coverage_reputation.py with 200 samples) but still fail for a broken standard error:
SEs that ignore the weights or the clustering, or are off by a factor 1.5, cover far less
than 80 % (or nearly 100 %) here.
"""

from __future__ import annotations

import sys
from pathlib import Path

import polars as pl
import pytest

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "studies"))

from coverage_reputation import coverage, hit_table  # noqa: E402


@pytest.mark.slow
def test_small_coverage_study() -> None:
    hits = coverage(2018, replicates=30, first_seed=5001)
    overall = hits["hit"].mean()
    assert 0.90 <= overall <= 0.985, overall
    table = hit_table(hits)
    low = table.filter(pl.col("hit_rate") < 0.80)
    assert low.height == 0, low
    assert table["hit_rate"].max() <= 1.0
