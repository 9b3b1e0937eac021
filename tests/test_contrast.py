"""`omdomme.estimate.contrast`: the one place for differences, ratios, their df rules and Holm."""

from __future__ import annotations

import ast
from pathlib import Path

import numpy as np
import polars as pl
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from polars.testing import assert_frame_equal
from scipy import stats

from omdomme.estimate.contrast import (
    CONTRAST_COLUMNS,
    contrast,
    holm,
    independent,
    paired,
    paired_df,
    welch_df,
)
from omdomme.estimate.intervals import t_quantile, two_sided_p

SRC = Path(__file__).resolve().parents[1] / "src" / "omdomme"


def test_paired_uses_the_covariance_by_two_routes() -> None:
    est = np.array([0.30, 0.40, 0.50])
    v = np.array([[1.0e-3, 6.0e-4, 1e-4], [6.0e-4, 1.2e-3, 2e-4], [1e-4, 2e-4, 9e-4]])
    d = paired(est, v, [0], [1], df=99).row(0, named=True)
    se = np.sqrt(1.0e-3 + 1.2e-3 - 2 * 6.0e-4)
    assert d["difference"] == pytest.approx(-0.1)
    assert d["se"] == pytest.approx(se)
    assert d["p_value"] == pytest.approx(2 * stats.t.sf(0.1 / se, 99))
    q = stats.t.ppf(0.975, 99)
    assert (d["ci_low"], d["ci_high"]) == pytest.approx((-0.1 - q * se, -0.1 + q * se))
    # The contrast vector c'Vc, and the gradient of log(a/b) for the ratio.
    c = np.array([1.0, -1.0, 0.0])
    assert d["se"] == pytest.approx(np.sqrt(c @ v @ c))
    g = np.array([1 / 0.3, -1 / 0.4, 0])
    log_se = np.sqrt(g @ v @ g)
    assert (d["ratio_ci_low"], d["ratio_ci_high"]) == pytest.approx(
        (0.75 * np.exp(-q * log_se), 0.75 * np.exp(q * log_se)))


def test_every_function_returns_the_same_columns() -> None:
    v = np.eye(2) * 1e-3
    frames = [contrast([0.5], [0.4], [1e-3], [1e-3], [0.0], [100.0]),
              paired(np.array([0.5, 0.4]), v, [0], [1], df=[100.0]),
              independent([0.5], [0.03], [100.0], [0.4], [0.03], [80.0])]
    for frame in frames:
        assert tuple(frame.columns) == CONTRAST_COLUMNS
        assert all(dtype == pl.Float64 for dtype in frame.dtypes)


def test_independent_is_a_contrast_without_covariance_and_with_welch_df() -> None:
    got = independent([0.52, 0.31], [0.03, 0.01], [40.0, 300.0], [0.45, 0.30], [0.01, 0.02], [900.0, 12.0])
    va, vb = np.array([0.03, 0.01]) ** 2, np.array([0.01, 0.02]) ** 2
    df = welch_df(va, vb, [40.0, 300.0], [900.0, 12.0])
    want = contrast([0.52, 0.31], [0.45, 0.30], va, vb, 0.0, df)
    assert_frame_equal(got, want, rel_tol=1e-14, abs_tol=0)
    # The ratio's interval uses the same df as the difference.
    q = stats.t.ppf(0.975, df[0])
    se_log = np.hypot(0.03 / 0.52, 0.01 / 0.45)
    assert got["ratio_ci_high"][0] == pytest.approx(0.52 / 0.45 * np.exp(q * se_log))


def test_welch_df_formula_and_its_limits() -> None:
    # Textbook value: equal variances and dfs add up.
    assert welch_df([1.0], [1.0], [10.0], [10.0]).tolist() == [20.0]
    # One side without variance: the other side's df.
    assert welch_df([1.0], [0.0], [10.0], [30.0]).tolist() == [10.0]
    # Nothing to weigh: the smaller df.
    assert welch_df([0.0], [0.0], [10.0], [30.0]).tolist() == [10.0]
    # A side without a df (0, negative, NaN) is a known variance: infinite df.
    assert welch_df([1.0], [1.0], [np.nan], [10.0]).tolist() == pytest.approx([40.0])
    assert welch_df([1.0], [1.0], [0.0], [-1.0]).tolist() == [np.inf]


@settings(max_examples=80, deadline=None)
@given(st.floats(1e-8, 1.0), st.floats(1e-8, 1.0), st.floats(1.0, 5000.0), st.floats(1.0, 5000.0))
def test_welch_df_lies_between_the_smaller_df_and_the_sum(va: float, vb: float, da: float, db: float) -> None:
    df = float(welch_df([va], [vb], [da], [db])[0])
    assert min(da, db) * (1 - 1e-12) <= df <= (da + db) * (1 + 1e-12)


def test_paired_df_is_the_smallest_usable_df() -> None:
    assert paired_df(500.0, [600.0, 40.0, np.nan], [700.0, 90.0, 30.0]).tolist() == [500.0, 40.0, 30.0]


def test_degenerate_cases_once_for_every_caller() -> None:
    t = contrast(
        [0.0, 0.3, 0.3, 0.5, 0.5, 0.5, 0.5],
        [0.0, 0.3, 0.2, 0.4, 0.4, 0.4, 0.4],
        [0.0, 0.0, 0.0, 1e-3, 1e-3, 1e-3, 1e-3],
        [0.0, 0.0, 0.0, 1e-3, 1e-3, 1e-3, 1e-3],
        [0.0, 0.0, 0.0, 1e-3 * (1 + 1e-14), 2e-3, 0.0, 0.0],
        [50.0, 50.0, 50.0, 50.0, 50.0, 0.0, np.inf],
    )
    rows = t.rows(named=True)
    # se = 0: equal estimates p = 1, unequal ones no test (a zero variance is not certainty).
    assert [r["p_value"] for r in rows[:3]] == [1.0, 1.0, None]
    assert rows[2]["ci_low"] == rows[2]["ci_high"] == pytest.approx(0.1)
    # No ratio of a zero estimate.
    assert rows[0]["ratio"] is None and rows[1]["ratio"] == 1.0
    # A variance negative by rounding is zero; clearly negative is no SE at all.
    assert rows[3]["se"] == 0.0
    assert rows[4]["se"] is None and rows[4]["p_value"] is None
    # df <= 0: no interval, no p; df = inf: the normal case.
    assert rows[5]["ci_low"] is None and rows[5]["p_value"] is None and rows[5]["df"] is None
    se = np.sqrt(2e-3)
    assert rows[6]["p_value"] == pytest.approx(2 * stats.norm.sf(0.1 / se))
    assert rows[6]["ci_high"] == pytest.approx(0.1 + stats.norm.ppf(0.975) * se)


def test_ratio_only_where_the_caller_allows_and_both_are_positive() -> None:
    t = contrast([3.2, 3.2, -1.0], [2.9, 2.9, 2.0], [0.01] * 3, [0.01] * 3, [0.0] * 3, [99.0] * 3,
                 ratio=np.array([False, True, True]))
    assert t["ratio"].to_list()[0] is None and t["ratio"][1] == pytest.approx(3.2 / 2.9)
    assert t["ratio"][2] is None
    assert t["difference"].null_count() == 0


def test_nulls_in_polars_input_give_null_rows() -> None:
    t = independent(pl.Series([0.5, None]), pl.Series([0.02, 0.02]), pl.Series([99.0, 99.0]),
                    pl.Series([0.4, 0.4]), pl.Series([0.02, 0.02]), pl.Series([99.0, 99.0]))
    row = t.row(1, named=True)
    # No estimate: no difference, interval, ratio or test (the SE and df are the sides' own).
    for name in ("difference", "ci_low", "ci_high", "ratio", "ratio_ci_low", "ratio_ci_high", "p_value"):
        assert row[name] is None, name
    assert t.row(0, named=True)["difference"] == pytest.approx(0.1)


@settings(max_examples=40, deadline=None)
@given(st.floats(0.01, 0.99), st.floats(0.01, 0.99), st.floats(1e-5, 1e-3), st.floats(1e-5, 1e-3),
       st.floats(-0.9, 0.9))
def test_swapping_the_pair_flips_the_difference(a: float, b: float, va: float, vb: float, rho: float) -> None:
    cov = rho * np.sqrt(va * vb)
    ab = contrast([a], [b], [va], [vb], [cov], [50.0]).row(0, named=True)
    ba = contrast([b], [a], [vb], [va], [cov], [50.0]).row(0, named=True)
    assert ab["difference"] == pytest.approx(-ba["difference"])
    assert ab["se"] == pytest.approx(ba["se"])
    assert ab["p_value"] == pytest.approx(ba["p_value"])
    assert ab["ratio"] * ba["ratio"] == pytest.approx(1.0)
    assert ab["ratio_ci_low"] * ba["ratio_ci_high"] == pytest.approx(1.0)


def test_t_quantile_and_p_value_are_one_pair() -> None:
    df = np.array([1.0, 7.5, 120.0, np.inf])
    q = t_quantile(0.975, df)
    np.testing.assert_allclose(q, stats.t.ppf(0.975, df), rtol=1e-12)
    np.testing.assert_allclose(two_sided_p(q, df), 0.05, rtol=1e-10)
    assert np.isnan(t_quantile(0.975, np.array([0.0, -1.0, np.nan]))).all()
    assert np.isnan(two_sided_p(np.array([1.0, 1.0, np.nan]), np.array([0.0, np.nan, 10.0]))).all()


def test_holm_matches_textbook() -> None:
    f = pl.DataFrame({"family": ["a"] * 4 + ["b"], "p_value": [0.01, 0.04, 0.03, 0.005, None]})
    # Sorted 0.005, 0.01, 0.03, 0.04 -> 4p, 3p, 2p, 1p, cumulative max; a missing p stays null.
    assert holm(f)["p_adjusted"].to_list() == pytest.approx([0.03, 0.06, 0.06, 0.02, None], nan_ok=True)


@settings(max_examples=60, deadline=None)
@given(st.lists(st.floats(min_value=0.0, max_value=1.0), min_size=1, max_size=8))
def test_holm_properties(ps: list[float]) -> None:
    adj = holm(pl.DataFrame({"family": ["f"] * len(ps), "p_value": ps}))["p_adjusted"].to_numpy()
    p = np.array(ps)
    assert np.all(adj >= p - 1e-15) and np.all(adj <= 1.0)
    order = np.argsort(p, kind="stable")
    assert np.all(np.diff(adj[order]) >= -1e-15)               # monotone in p
    assert adj.min() == pytest.approx(min(1.0, len(ps) * p.min()))


def _defined_functions(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    return {n.name for n in ast.walk(tree) if isinstance(n, ast.FunctionDef)}


def test_one_place_for_t_quantiles_contrasts_and_holm() -> None:
    """No second copy of the arithmetic anywhere in the package (issue #12)."""
    homes = {
        "t_quantile": "estimate/intervals.py", "two_sided_p": "estimate/intervals.py",
        "welch_df": "estimate/contrast.py", "holm": "estimate/contrast.py",
        "contrast": "estimate/contrast.py", "round_ratio": None, "contrast_table": None,
        "paired_difference": None, "holm_adjust": None,
    }
    for path in SRC.rglob("*.py"):
        rel = path.relative_to(SRC).as_posix()
        names = _defined_functions(path)
        for name, home in homes.items():
            assert name not in names or rel == home, f"{rel} defines {name}; it lives in {home}"
        # The t distribution is called in one module only.
        if rel != "estimate/intervals.py":
            text = path.read_text(encoding="utf-8")
            assert "stdtr" not in text and "scipy.stats" not in text, rel
