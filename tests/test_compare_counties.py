"""Paired county comparisons, round changes and Holm's adjustment."""

from __future__ import annotations

import numpy as np
import polars as pl
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy import stats

from omdomme.analysis.counties import (
    contrast_table,
    county_comparisons,
    holm,
    paired_difference,
    round_comparisons,
    welch_df,
)
from omdomme.results.schema import COMPARISON_COLUMNS


def test_paired_difference_uses_covariance() -> None:
    est = np.array([0.30, 0.40, 0.50])
    v = np.array([[1.0e-3, 6.0e-4, 1e-4], [6.0e-4, 1.2e-3, 2e-4], [1e-4, 2e-4, 9e-4]])
    d = paired_difference(est, v, 0, 1, df=99)
    se = np.sqrt(1.0e-3 + 1.2e-3 - 2 * 6.0e-4)
    assert d["difference"] == pytest.approx(-0.1)
    assert d["se"] == pytest.approx(se)
    assert d["p_value"] == pytest.approx(2 * stats.t.sf(0.1 / se, 99))
    q = stats.t.ppf(0.975, 99)
    assert (d["ci_low"], d["ci_high"]) == pytest.approx((-0.1 - q * se, -0.1 + q * se))
    # Same numbers by a second route: the contrast vector c'Vc.
    c = np.array([1.0, -1.0, 0.0])
    assert d["se"] == pytest.approx(np.sqrt(c @ v @ c))
    log_se = np.sqrt(np.array([1 / 0.3, -1 / 0.4, 0]) @ v @ np.array([1 / 0.3, -1 / 0.4, 0]))
    assert d["ratio_ci_high"] == pytest.approx(0.75 * np.exp(q * log_se))


def test_contrast_zero_variance_and_zero_estimate() -> None:
    t = contrast_table(np.array([0.0, 0.3]), np.array([0.0, 0.3]), np.zeros(2), np.zeros(2),
                       np.zeros(2), np.array([50.0, 50.0]))
    assert t["p_value"].tolist() == [1.0, 1.0]
    assert np.isnan(t["ratio"][0]) and t["ratio"][1] == 1.0


def test_holm_matches_textbook() -> None:
    p = [0.01, 0.04, 0.03, 0.005, None]
    f = pl.DataFrame({"family": ["a"] * 4 + ["b"], "p_value": p})
    out = holm(f)
    # Holm by hand: sorted 0.005, 0.01, 0.03, 0.04 -> 4p, 3p, 2p, 1p, cumulative max.
    assert out["p_adjusted"].to_list() == pytest.approx([0.03, 0.06, 0.06, 0.02, None], nan_ok=True)
    assert out["significant"].to_list() == [True, False, False, True, False]


def test_welch_df() -> None:
    assert welch_df(np.array([1.0]), np.array([0.0]), np.array([10.0]), np.array([30.0]))[0] == 10.0
    assert welch_df(np.array([0.0]), np.array([0.0]), np.array([10.0]), np.array([30.0]))[0] == 10.0


def _estimates(round_: int, values: list[float]) -> pl.DataFrame:
    targets = ["akershus", "oslo", "ostfold"]
    return pl.DataFrame({
        "survey": "omdomme", "round": round_, "indicator": "x", "label": "X", "kind": "share",
        "better": "higher", "domain": "alle", "target": targets, "estimate": values,
        "se": [0.02, 0.02, 0.03], "df": [400.0, 400.0, 400.0],
    })


def test_county_comparisons_table() -> None:
    est = _estimates(2018, [0.40, 0.35, 0.30])
    v = np.array([[4e-4, 1e-4, 1e-4], [1e-4, 4e-4, 1e-4], [1e-4, 1e-4, 9e-4]])
    out = county_comparisons(est, {("x", "alle"): (["akershus", "oslo", "ostfold"], v)}, df=399)
    assert out.columns == COMPARISON_COLUMNS
    assert out["target_a"].to_list() == ["ostfold", "ostfold"]
    assert out["target_b"].to_list() == ["akershus", "oslo"]
    assert out["difference"].to_list() == pytest.approx([-0.10, -0.05])
    assert out["se"][0] == pytest.approx(np.sqrt(9e-4 + 4e-4 - 2e-4))
    assert out["family"].unique().to_list() == ["county:x:alle"]
    assert set(out["round_a"]) == {2018}


def test_round_comparisons_independent() -> None:
    out = round_comparisons(_estimates(2018, [0.40, 0.35, 0.30]), _estimates(2016, [0.40, 0.30, 0.20]),
                            breaks={("x", "alle"): "brudd i serien"})
    ost = out.filter(pl.col("target_a") == "ostfold").row(0, named=True)
    assert ost["difference"] == pytest.approx(0.10)
    assert ost["se"] == pytest.approx(np.sqrt(2) * 0.03)
    assert ost["df"] == pytest.approx(800.0)
    assert (ost["round_a"], ost["round_b"], ost["comparison"]) == (2018, 2016, "round")
    assert ost["note"] == "brudd i serien"
    # a change across a series break is shown, not tested
    assert ost["p_value"] is not None and ost["p_adjusted"] is None and ost["significant"] is False


@settings(max_examples=60, deadline=None)
@given(st.lists(st.floats(min_value=0.0, max_value=1.0), min_size=1, max_size=8))
def test_holm_properties(ps: list[float]) -> None:
    out = holm(pl.DataFrame({"family": ["f"] * len(ps), "p_value": ps}))
    adj = out["p_adjusted"].to_numpy()
    p = np.array(ps)
    assert np.all(adj >= p - 1e-15) and np.all(adj <= 1.0)
    order = np.argsort(p, kind="stable")
    assert np.all(np.diff(adj[order]) >= -1e-15)               # monotone in p
    assert adj.min() == pytest.approx(min(1.0, len(ps) * p.min()))


@settings(max_examples=40, deadline=None)
@given(st.floats(0.01, 0.99), st.floats(0.01, 0.99), st.floats(1e-5, 1e-3), st.floats(1e-5, 1e-3),
       st.floats(-0.9, 0.9))
def test_swapping_the_pair_flips_the_difference(a: float, b: float, va: float, vb: float, rho: float) -> None:
    cov = rho * np.sqrt(va * vb)
    ab = contrast_table(np.array([a]), np.array([b]), np.array([va]), np.array([vb]), np.array([cov]), np.array([50.0]))
    ba = contrast_table(np.array([b]), np.array([a]), np.array([vb]), np.array([va]), np.array([cov]), np.array([50.0]))
    assert ab["difference"][0] == pytest.approx(-ba["difference"][0])
    assert ab["se"][0] == pytest.approx(ba["se"][0])
    assert ab["p_value"][0] == pytest.approx(ba["p_value"][0])
    assert ab["ratio"][0] * ba["ratio"][0] == pytest.approx(1.0)
