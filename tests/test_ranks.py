"""Rank probabilities from the joint normal of the estimates."""

from __future__ import annotations

import numpy as np
import polars as pl
import pytest

from omdomme.analysis.ranks import rank_probabilities, rank_table


def test_clear_order_gives_certain_ranks() -> None:
    est = np.array([0.2, 0.5, 0.3, 0.4, 0.1])
    r = rank_probabilities(est, np.eye(5) * 1e-8, better="higher", draws=2000, seed=3)
    assert r["rank_point"].tolist() == [4, 1, 3, 2, 5]
    assert np.allclose(r["p_rank"][np.arange(5), r["rank_point"] - 1], 1.0)
    assert r["rank_low"].tolist() == r["rank_high"].tolist() == [4, 1, 3, 2, 5]
    lower = rank_probabilities(est, np.eye(5) * 1e-8, better="lower", draws=2000, seed=3)
    assert lower["rank_point"].tolist() == [2, 5, 3, 4, 1]
    assert lower["p_top3"].tolist() == [1.0, 0.0, 1.0, 0.0, 1.0]


def test_exchangeable_estimates_split_evenly_and_rows_sum_to_one() -> None:
    v = np.full((5, 5), 0.5e-3) + np.eye(5) * 0.5e-3   # equal means, correlated
    r = rank_probabilities(np.full(5, 0.3), v, better="higher", draws=20000, seed=11)
    assert np.allclose(r["p_rank"].sum(axis=1), 1.0)
    assert np.allclose(r["p_rank"].sum(axis=0), 1.0)
    assert np.allclose(r["p_rank"], 0.2, atol=0.015)
    assert np.allclose(r["p_top3"], 0.6, atol=0.02)
    assert r["rank_low"].tolist() == [1] * 5 and r["rank_high"].tolist() == [5] * 5


def test_two_counties_probability_matches_normal_cdf() -> None:
    from scipy import stats

    est = np.array([0.32, 0.30])
    v = np.array([[4e-4, 1e-4], [1e-4, 4e-4]])
    r = rank_probabilities(est, v, better="higher", draws=200000, seed=5)
    exact = stats.norm.cdf(0.02 / np.sqrt(4e-4 + 4e-4 - 2e-4))
    assert r["p_rank"][0, 0] == pytest.approx(exact, abs=0.005)


def test_seeded_and_reproducible() -> None:
    est = np.array([0.3, 0.31, 0.29])
    v = np.eye(3) * 1e-4
    a = rank_probabilities(est, v, better="higher", draws=500, seed=7)
    b = rank_probabilities(est, v, better="higher", draws=500, seed=7)
    c = rank_probabilities(est, v, better="higher", draws=500, seed=8)
    assert np.array_equal(a["p_rank"], b["p_rank"])
    assert not np.array_equal(a["p_rank"], c["p_rank"])


def test_rank_table_skips_empty_domains() -> None:
    targets = ["akershus", "ostfold"]
    est = pl.DataFrame({
        "survey": "omdomme", "round": 2018, "indicator": ["x", "x", "y", "y"],
        "domain": "alle", "target": targets * 2, "target_label": ["Akershus", "Østfold"] * 2,
        "better": "higher", "estimate": [0.4, 0.3, None, 0.2],
    })
    vcov = {("x", "alle"): (targets, np.eye(2) * 1e-6), ("y", "alle"): (targets, np.eye(2) * 1e-6)}
    table = rank_table(est, vcov, draws=200, seed=1)
    assert table["indicator"].to_list() == ["x", "x"]
    assert table["rank_point"].to_list() == [1, 2]
    assert table["p_rank_3"].to_list() == [None, None]
    assert table.columns[:8] == ["survey", "round", "indicator", "domain", "target", "target_label",
                                 "better", "rank_point"]


def test_stacked_families_equal_one_at_a_time() -> None:
    rng = np.random.default_rng(2)
    est = rng.uniform(0.1, 0.5, size=(4, 5))
    a = rng.normal(size=(4, 5, 5)) * 0.01
    v = a @ np.swapaxes(a, 1, 2)
    better = np.array(["higher", "lower", "higher", "lower"])
    stacked = rank_probabilities(est, v, better=better, draws=3000, seed=9)
    for f in range(4):
        one = rank_probabilities(est[f], v[f], better=str(better[f]), draws=3000, seed=9)
        for key in one:
            assert np.allclose(stacked[key][f], one[key]), key
