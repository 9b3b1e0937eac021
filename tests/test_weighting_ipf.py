"""The raking core, ipf(), against R's rake() on the api data."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import polars as pl
import pytest

from omdomme.errors import WeightingError
from omdomme.estimate.weighting import ipf, kish_deff

REF = Path(__file__).parent / "reference" / "r_public"


def _codes(values: pl.Series, levels: list[str]) -> np.ndarray:
    return values.replace_strict({v: i for i, v in enumerate(levels)}, return_dtype=pl.Int64).to_numpy()


def _api_targets() -> tuple[pl.DataFrame, list[np.ndarray], list[np.ndarray]]:
    strat = pl.read_csv(REF / "apistrat.csv", schema_overrides={"cds": pl.String})
    pop = pl.read_csv(REF / "apipop.csv")
    cats, tots = [], []
    for var, levels in (("stype", ["E", "H", "M"]), ("sch.wide", ["No", "Yes"])):
        cats.append(_codes(strat[var], levels))
        counts = pop[var].value_counts()
        tots.append(np.array([counts.filter(pl.col(var) == lv)["count"].item() for lv in levels], dtype=float))
    return strat, cats, tots


def test_ipf_reproduces_r_rake_weights() -> None:
    strat, cats, tots = _api_targets()
    ref = pl.read_csv(REF / "apistrat_raked_weights.csv", schema_overrides={"cds": pl.String})
    assert ref["cds"].to_list() == strat["cds"].to_list()
    result = ipf(strat["pw"].to_numpy(), cats, tots)
    assert result.converged
    assert result.max_discrepancy < 1e-10
    np.testing.assert_allclose(result.weights, ref["raked_weight"].to_numpy(), rtol=1e-8, atol=0)
    for c, t in zip(cats, tots, strict=True):
        np.testing.assert_allclose(np.bincount(c, weights=result.weights), t, rtol=1e-10)


def test_ipf_bounds_hold_and_report_non_convergence() -> None:
    strat, cats, tots = _api_targets()
    d = strat["pw"].to_numpy()
    result = ipf(d, cats, tots, bounds=(0.999, 1.001), max_iter=20)
    g = result.weights / d
    assert g.min() >= 0.999 - 1e-12 and g.max() <= 1.001 + 1e-12
    assert not result.converged
    assert result.iterations == 20
    assert result.max_discrepancy > 1e-4


def test_ipf_rejects_empty_category_and_bad_weights() -> None:
    d = np.ones(3)
    with pytest.raises(WeightingError, match=r"margin 0: category code\(s\) \[2\] have a population total but no respondents"):
        ipf(d, [np.array([0, 1, 1])], [np.array([1.0, 2.0, 3.0])])
    with pytest.raises(WeightingError, match="design weights must be positive"):
        ipf(np.array([1.0, 0.0, 2.0]), [np.array([0, 1, 1])], [np.array([1.0, 2.0])])


def test_kish_deff() -> None:
    assert kish_deff(np.full(5, 3.0)) == pytest.approx(1.0)
    w = np.array([1.0, 2.0, 3.0, 10.0])
    cv2 = w.var() / w.mean() ** 2
    assert kish_deff(w) == pytest.approx(1 + cv2, rel=1e-14)
