"""Innovation estimates agree with R `survey` on the synthetic 2018 round (strata + fpc).

A second dataset (``with_missing/``) pins the handling of item non-response against R's
``na.rm = TRUE``.

``tests/reference/r_innovasjon/``: ``innovasjon_input.csv`` is the synthetic 2018 round as
omdomme analyses it (written by ``export_input.py``: design columns, municipality, county, and
the analysed column of each indicator); ``r_innovasjon.R`` (R 4.2.2, survey 4.1.1; the exact
calls are in its header) computed ``r_innovasjon_reference.csv`` from it with
``svydesign(id=~1, strata=~stratum, fpc=~N_stratum, weights=~vekt)``, ``svyby`` +
``svymean``/``svyciprop``, ``svytotal`` and ``svyratio``. The test turns the CSV into a round
(CSV data + ``innovasjon.toml``), runs the whole :func:`analyse_innovation` on it, and compares
every cell. The reference values are committed, so nothing here needs R.
"""

from __future__ import annotations

import shutil
import warnings
from pathlib import Path

import numpy as np
import polars as pl
import pytest

from omdomme.analysis.innovation import analyse_innovation
from omdomme.definitions import load_definition
from omdomme.errors import EstimationWarning

HERE = Path(__file__).parent / "reference" / "r_innovasjon"
RTOL = 1e-9

HEADER = """\
[survey]
kind = "innovasjon"
round = 2018
title = "R parity: synthetic innovation round 2018"
synthetic = true

[data]
file = "innovasjon_input.csv"

[design]
id = "orgnr"
weight = "vekt"
strata = "stratum"
fpc = "N_stratum"
lonely_psu = "fail"

[firm]
kommune = "kommune"
code_year = 2018
"""


def _definition_text(columns: list[str]) -> str:
    parts = [HEADER]
    for col in columns:
        kind, _, id = col.partition("__")
        if kind == "share":
            parts.append(f'[indicators.{id}]\nlabel = "{id}"\nkind = "share"\nvariable = "{col}"\ncount = [1]\n')
        elif kind == "total":
            parts.append(f'[indicators.{id}]\nlabel = "{id}"\nkind = "total"\nvariable = "{col}"\n')
        elif kind == "num":
            parts.append(f'[indicators.{id}]\nlabel = "{id}"\nkind = "ratio"\nnumerator = "{col}"\n'
                         f'denominator = "den__{id}"\n')
    return "\n".join(parts)


# The synthetic 2018 round, and a fixture sample with item non-response (with_missing/README.md).
DATASETS = {"synthetic_2018": HERE, "with_missing": HERE / "with_missing"}


@pytest.fixture(scope="module", params=list(DATASETS))
def compared(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> pl.DataFrame:
    source = DATASETS[request.param]
    root = tmp_path_factory.mktemp("rparity")
    folder = root / "surveys" / "2018"
    folder.mkdir(parents=True)
    shutil.copy(source / "innovasjon_input.csv", folder / "innovasjon_input.csv")
    columns = pl.read_csv(source / "innovasjon_input.csv", n_rows=1).columns
    (folder / "innovasjon.toml").write_text(_definition_text(columns), encoding="utf-8")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", EstimationWarning)  # the synthetic round's «Uoppgitt» firms
        result = analyse_innovation(load_definition(2018, "innovasjon", root), root=root)
    reference = pl.read_csv(source / "r_innovasjon_reference.csv").rename({"variable": "indicator"})
    return reference.join(result.estimates, on=["indicator", "target"], how="left", suffix="_py")


def test_every_reference_cell_is_estimated(compared: pl.DataFrame) -> None:
    # Every indicator for the five counties and Norway (utenfor and ukjent are not targets).
    contract = compared.filter(~pl.col("target").is_in(["utenfor", "ukjent"]))
    assert contract.height == compared["indicator"].n_unique() * 6
    assert contract["estimate_py"].null_count() == 0
    assert (contract["flag"] != "suppressed").all()


@pytest.mark.parametrize("column", ["estimate", "se", "ci_low", "ci_high"])
def test_agrees_with_r_within_1e9_relative(compared: pl.DataFrame, column: str) -> None:
    c = compared.filter(pl.col("estimate_py").is_not_null())
    np.testing.assert_allclose(c[f"{column}_py"].to_numpy(), c[column].to_numpy(), rtol=RTOL, atol=0)


def test_df_n_and_method_agree_with_r(compared: pl.DataFrame) -> None:
    c = compared.filter(pl.col("estimate_py").is_not_null())
    differ = c.filter(c["df_py"] != c["df"].cast(pl.Float64))
    # The with_missing set pins the df of estimates with missing values (with_missing/README.md).
    assert differ.height == 0, differ.select("indicator", "target", "df", "df_py")
    assert (c["n_py"] == c["n"]).all()
    assert (c["ci_method_py"] == c["ci_method"]).all()


def test_logit_interval_matches_svyciprop_to_its_convergence(compared: pl.DataFrame) -> None:
    # svyciprop fits a glm: its interval carries the IRLS tolerance (~1e-9), see r_innovasjon.R.
    c = compared.filter(pl.col("svyciprop_ci_low").is_not_null() & pl.col("estimate_py").is_not_null())
    assert c.height >= 4 * 6
    assert c["df"].min() > 50  # large df: a df mix-up would show here too
    np.testing.assert_allclose(c["ci_low_py"], c["svyciprop_ci_low"], rtol=1e-7)
    np.testing.assert_allclose(c["ci_high_py"], c["svyciprop_ci_high"], rtol=1e-7)


def test_fpc_matters_in_this_design(compared: pl.DataFrame) -> None:
    # The take-all classes make the fpc bite: the reference SEs are not the with-replacement ones.
    data = pl.read_csv(HERE / "innovasjon_input.csv")
    take_all = data.filter(pl.col("N_stratum") == pl.len().over("stratum")).height
    assert take_all > 0.1 * data.height
