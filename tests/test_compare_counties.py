"""Paired county comparisons, round changes and Holm's adjustment."""

from __future__ import annotations

import numpy as np
import polars as pl
import pytest

from omdomme.analysis.counties import (
    adjust_families,
    county_comparisons,
    family_key,
    round_comparisons,
)
from omdomme.results.schema import COMPARISON_COLUMNS


def test_family_is_one_survey_domain_and_kind_of_comparison() -> None:
    rows = pl.DataFrame({
        "comparison": ["county", "county", "county", "round", "round", "norge", "baseline_ratio"],
        "round_a": [2018, 2018, 2018, 2018, 2018, 2018, 2018],
        "round_b": [2018, 2018, 2018, 2016, 2016, 2018, 2016],
        "survey": ["omdomme", "omdomme", "omdomme", "omdomme", "omdomme", "innovasjon", "innovasjon"],
        "domain": ["alle", "alle", "unge", "alle", "alle", "alle", "alle"],
    })
    assert rows.select(family_key())["family"].to_list() == [
        "county:2018:omdomme:alle", "county:2018:omdomme:alle", "county:2018:omdomme:unge",
        "round:2016-2018:omdomme:alle", "round:2016-2018:omdomme:alle",
        "norge:2018:innovasjon:alle", "baseline_ratio:2016-2018:innovasjon:alle",
    ]


def test_adjust_families_holm_significance_and_untested_rows() -> None:
    f = pl.DataFrame({"comparison": "round", "round_a": 2018, "round_b": 2016, "survey": "omdomme",
                      "domain": ["alle"] * 4 + ["unge"], "p_value": [0.01, 0.04, 0.03, 0.005, 0.04],
                      "note": ["", "", "", "brudd", ""]})
    out = adjust_families(f, tested=pl.col("note") == "")
    # The break is out of the count: three tests in `alle`, one in `unge`.
    assert out["p_adjusted"].to_list() == pytest.approx([0.03, 0.06, 0.06, None, 0.04], nan_ok=True)
    assert out["significant"].to_list() == [True, False, False, False, True]
    assert set(out["adjust_method"]) == {"holm"}
    # Tested, the fourth row joins its family; at 99 % nothing is significant.
    everything = adjust_families(f, level=0.99)
    assert everything["p_adjusted"].to_list() == pytest.approx([0.03, 0.06, 0.06, 0.02, 0.04])
    assert not everything["significant"].any()


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
    assert out["family"].unique().to_list() == ["county:2018:omdomme:alle"]
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
