"""`[weighting]`: raking the long design (respondent × county) equals raking the respondents."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import polars as pl
import pytest

from _fixture_round import DEFINITION, make_round
from omdomme.analysis.reputation import analyse_round
from omdomme.definitions import load_definition

WEIGHTING = """
[weighting]
method = "rake"
population_year = 2018
age_groups = [[18, 29], [30, 44], [45, 59], [60, 80]]
margins = ["fylke", "kjonn", "aldersgruppe"]
"""


def test_raked_long_design_equals_raked_wide_design(tmp_path: Path) -> None:
    from omdomme.estimate.survey import Survey
    from omdomme.geography import county_of
    from omdomme.population import population_margins

    make_round(tmp_path, definition=DEFINITION.format(round=2018, code_year=2018, previous="") + WEIGHTING)
    result = analyse_round(2018, root=tmp_path)
    weighting = result.manifest["surveys"]["omdomme"]["parameters"]["weighting"]
    assert weighting["diagnostics"]["converged"] is True

    # Second route: rake the wide file (one row per respondent) to the plain margins.
    data, _ = load_definition(2018, root=tmp_path).read()
    groups = [(18, 29), (30, 44), (45, 59), (60, 80)]
    labels = [f"{lo}-{hi}" for lo, hi in groups]
    age_group = pl.lit(None, pl.String)
    for (lo, hi), label in zip(groups, labels, strict=True):
        age_group = pl.when(pl.col("alder").is_between(lo, hi)).then(pl.lit(label)).otherwise(age_group)
    wide = data.with_columns(
        county=county_of(data["kommune"], year=2018),
        sex=pl.col("kjonn").replace_strict({1.0: "mann", 2.0: "kvinne"}),
        age_group=age_group,
        y=(pl.col("inntrykk_ostf") == 5).cast(pl.Float64),
    )
    margins = [population_margins(2018, age_groups=groups, by=[b]) for b in ("county", "sex", "age_group")]
    raked = Survey(wide, weights="vekt", psu="respid").rake(margins)
    ref = raked.proportion("y").row(0, named=True)
    row = result.estimates.filter((pl.col("indicator") == "svaert_godt") & (pl.col("domain") == "alle")
                                  & (pl.col("target") == "ostfold")).row(0, named=True)
    assert row["estimate"] == pytest.approx(ref["estimate"], rel=1e-9)
    assert row["se"] == pytest.approx(ref["se"], rel=1e-7)
    # Raking changed something: the vendor-weighted estimate differs.
    plain = Survey(wide, weights="vekt", psu="respid").proportion("y").row(0, named=True)
    assert not np.isclose(plain["estimate"], ref["estimate"], rtol=1e-6)
