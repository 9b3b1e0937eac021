"""A small coverage study: intervals from simulated samples must cover the synthetic truth.

30 samples of 2018 (and 30 independent samples of 2016 for the change), analysed as
``omdomme analyse`` does. The bounds are loose (this is not the study; that is
studies/coverage_reputation.py with 200 samples) but still fail for a broken standard error:
SEs that ignore the weights or the clustering, or are off by a factor 1.5, cover far less
than 80 % (or nearly 100 %) here.

The covariance term of the paired Østfold − Akershus difference is worth only 1–2.5
percentage points of coverage (correlations 0.1–0.15; 0.947 against 0.957 without it in the
200-sample study), far below what 30 samples can see in a hit rate. So the paired test also
demands that the comparison's SE be clearly below the SE without the covariance
(``se / sqrt(var_a + var_b)``: 0.93 in every block of 25 samples where the same respondents
rate both counties); dropping the term makes that ratio exactly 1 and fails.
"""

from __future__ import annotations

import sys
from pathlib import Path

import polars as pl
import pytest

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "studies"))

from coverage_reputation import (  # noqa: E402
    FOCUS,
    change_table,
    comparison_coverage,
    coverage,
    hit_table,
    paired_table,
    rank_calibration,
)


@pytest.fixture(scope="module")
def study() -> dict[str, pl.DataFrame]:
    return comparison_coverage(2018, 2016, replicates=30, first_seed=5001)


@pytest.mark.slow
def test_small_coverage_study(study: dict[str, pl.DataFrame]) -> None:
    hits = study["intervals"]
    overall = hits["hit"].mean()
    assert 0.90 <= overall <= 0.985, overall
    table = hit_table(hits)
    low = table.filter(pl.col("hit_rate") < 0.80)
    assert low.height == 0, low
    assert table["hit_rate"].max() <= 1.0
    # The interval-only study (the default CLI) gives the same intervals for the same seeds.
    alone = coverage(2018, replicates=2, first_seed=5001)
    same = hits.filter(pl.col("replicate") < 2).select(alone.columns)
    assert alone.equals(same)


@pytest.mark.slow
def test_small_coverage_of_paired_county_differences(study: dict[str, pl.DataFrame]) -> None:
    paired = study["paired"]
    # 12 cells, kun_geografi (2) and the association frame (40), 30 samples each
    assert paired.height == 30 * (12 + 2 + 40) and paired["hit"].null_count() == 0
    overall = paired["hit"].mean()
    assert 0.88 <= overall <= 0.99, overall
    table = paired_table(paired)
    low = table.filter(pl.col("hit_rate") < 0.75)
    assert low.height == 0, low
    # The covariance is used: where the same respondents rate both counties (alle, utenfra) the
    # paired SE is well below sqrt(var_a + var_b); in the disjoint domains it is equal.
    ratio = paired.with_columns(r=pl.col("se") / pl.col("se_no_cov"))
    # (Associations are weakly correlated between counties: verdier and the frame, assos_*, are left out.)
    shared = ratio.filter(pl.col("domain").is_in(["alle", "utenfra"]) & (pl.col("indicator") != "verdier")
                          & ~pl.col("indicator").str.starts_with("assos_"))
    assert shared["r"].mean() <= 0.97, shared["r"].mean()
    disjoint = ratio.filter(pl.col("domain").is_in(["innenfra", "unge"]))
    assert (disjoint["r"] - 1).abs().max() < 1e-6


@pytest.mark.slow
def test_small_coverage_of_the_change_since_2016(study: dict[str, pl.DataFrame]) -> None:
    change = study["change"]
    ostfold = change.filter(pl.col("target") == FOCUS)
    assert ostfold.height == 30 * (12 + 2 + 40)
    assert 0.88 <= ostfold["hit"].mean() <= 0.99, ostfold["hit"].mean()
    assert 0.90 <= change["hit"].mean() <= 0.985, change["hit"].mean()
    low = change_table(change).filter(pl.col("hit_rate") < 0.75)
    assert low.height == 0, low


@pytest.mark.slow
def test_rank_probabilities_are_roughly_calibrated(study: dict[str, pl.DataFrame]) -> None:
    ranks = study["ranks"]
    assert ranks.height == 30 * (12 + 2 + 40)
    # The frame's rare codes (Sweden outside Østfold, dialect) leave four counties near 0 %, nearly
    # tied: their ranks are not what this calibration is about.
    ranks = ranks.filter(~pl.col("indicator").str.starts_with("assos_"))
    table = rank_calibration(ranks)
    assert table["true_rank"].is_between(1, 5).all()
    # Confidence in the point rank matches how often it is the true rank (0.81 / 0.82 at 200
    # samples); P(true rank) is lower but not far off (0.76).
    p_point, point_true = ranks["p_point"].mean(), ranks["point_true"].mean()
    assert abs(p_point - point_true) <= 0.10, (p_point, point_true)
    assert 0.5 <= ranks["p_true"].mean() <= point_true + 0.05, ranks["p_true"].mean()
