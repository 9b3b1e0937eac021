"""Every innovation breakdown estimate of the shipped 2018 round agrees with R `survey`.

``tests/reference/r_innovasjon_breakdowns/r_innovasjon_breakdowns.R`` (R 4.2.2, survey 4.1.1; the
exact calls are in its header) reads ``surveys/2018/innovasjon-2018.sav`` with haven, builds
``svydesign(ids = ~1, strata = ~stratum, fpc = ~N_stratum, weights = ~vekt)`` on every firm and
estimates each indicator per county × level and Norway × level of the three shipped breakdowns with
``svyby(..., svymean / svytotal / svyratio)`` (domains of the full design), df
``degf(subset(d, county == k & level == l))``. The committed CSV is compared here with every cell
omdomme estimates (before disclosure control: a withheld cell is still estimated, and the table's
published numbers are those estimates). Nothing here needs R but the last test.
"""

from __future__ import annotations

import hashlib
import warnings
from pathlib import Path

import numpy as np
import polars as pl
import pytest

from _rscript import run_rscript
from omdomme.analysis.innovation import COUNTY, _breakdown_raw, _prepare, analyse_innovation
from omdomme.definitions import load_definition

REPO = Path(__file__).resolve().parents[1]
HERE = REPO / "tests" / "reference" / "r_innovasjon_breakdowns"
REFERENCE = "r_innovasjon_breakdowns_2018.csv"
RTOL = 1e-9


def _reference(folder: Path = HERE) -> pl.DataFrame:
    return pl.read_csv(folder / REFERENCE, schema_overrides={"level": pl.String, "df": pl.Float64})


@pytest.fixture(scope="module")
def compared() -> pl.DataFrame:
    definition = load_definition(2018, "innovasjon", REPO)
    provenance = dict(line.split(" = ", 1) for line in
                      (HERE / "r_innovasjon_breakdowns_2018.provenance.txt").read_text().splitlines())
    assert provenance["data_sha256"] == hashlib.sha256(definition.data_path.read_bytes()).hexdigest(), (
        "surveys/2018/innovasjon-2018.sav changed since the R reference was made; rerun "
        "`Rscript tests/reference/r_innovasjon_breakdowns/r_innovasjon_breakdowns.R` and commit its output")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        raw = _breakdown_raw(_prepare(definition, REPO))
    ours = raw.drop("level").rename({COUNTY: "target", "_bd": "breakdown", "_lvl": "level"})
    return _reference().join(ours, on=["breakdown", "level", "target", "indicator"], how="full", suffix="_py",
                             coalesce=True)


def test_every_cell_of_r_is_estimated_and_no_other(compared: pl.DataFrame) -> None:
    # 9 indicators × (7 + 6 + 4 levels) × (5 counties, utenfor, ukjent where present, Norway)
    assert compared.height == 1188
    assert compared["estimate"].null_count() == 0 and compared["estimate_py"].null_count() == 0
    assert set(compared["breakdown"]) == {"naering", "storrelse", "ansatte"}


@pytest.mark.parametrize("column", ["estimate", "se"])
def test_estimate_and_se_agree_with_r_within_1e9(compared: pl.DataFrame, column: str) -> None:
    # Relative 1e-9; a cell whose R&D is exactly 0 in R is 0 up to the summation's rounding here
    # (1e-7 NOK against totals of 1e10): absolute 1e-12 of the indicator's largest value.
    scale = compared.group_by("indicator").agg(pl.col(column).abs().max().alias("_scale"))
    c = compared.join(scale, on="indicator")
    ours, theirs = c[f"{column}_py"].to_numpy(), c[column].to_numpy()
    tolerance = RTOL * np.abs(theirs) + 1e-12 * c["_scale"].to_numpy()
    bad = np.abs(ours - theirs) > tolerance
    assert not bad.any(), c.filter(pl.Series(bad)).select("breakdown", "level", "target", "indicator", column,
                                                          f"{column}_py")
    assert (np.abs(ours - theirs) <= RTOL * np.abs(theirs)).mean() > 0.99


def test_df_and_n_are_exact(compared: pl.DataFrame) -> None:
    assert (compared["df_py"] == compared["df"]).all()
    assert (compared["n_py"] == compared["n"]).all()
    # the df is the cell's own: never the whole design's
    assert compared["df"].max() < compared.filter(pl.col("target") == "norge")["n"].sum()


def test_published_cells_are_these_estimates() -> None:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        result = analyse_innovation(load_definition(2018, "innovasjon", REPO), root=REPO)
    rows = result.estimates.filter(pl.col("breakdown").is_not_null())
    shown = rows.filter(pl.col("estimate").is_not_null())  # all but the cells withheld for confidentiality
    ref = _reference().rename({"level": "breakdown_level"})
    joined = shown.join(ref, on=["breakdown", "breakdown_level", "target", "indicator"], suffix="_r")
    assert rows.height == 9 * 17 * 6 and joined.height == shown.height > 0.99 * rows.height
    np.testing.assert_allclose(joined["se"].to_numpy(), joined["se_r"].to_numpy(), rtol=RTOL, atol=0)
    assert (joined["df"] == joined["df_r"]).all()


@pytest.mark.needs_r
def test_committed_r_values_are_what_r_computes(tmp_path: Path) -> None:
    run_rscript(HERE / "r_innovasjon_breakdowns.R", str(tmp_path))
    fresh, committed = _reference(tmp_path), _reference()
    assert fresh.select(pl.col(pl.String, pl.Int64)).equals(committed.select(pl.col(pl.String, pl.Int64)))
    for col in ("estimate", "se", "df"):
        np.testing.assert_allclose(fresh[col].to_numpy(), committed[col].to_numpy(), rtol=1e-12, atol=0,
                                   err_msg=col)
