"""Survey against R survey on the project's own synthetic data (tests/reference/r_engine).

``make_reference.R`` (R 4.2.2, survey 4.1.1; exact calls in its header) wrote the committed
reference values; ``make_data.py`` the data. The comparison runs without R. When Rscript is
installed, one test regenerates the reference in a temporary folder and checks that the
committed file is what R gives.
"""

from __future__ import annotations

import math
import shutil
import subprocess
from pathlib import Path

import numpy as np
import polars as pl
import pytest

from omdomme import Survey

HERE = Path(__file__).parent / "reference" / "r_engine"
DATA = pl.read_csv(HERE / "synthetic.csv")
REF = pl.read_csv(HERE / "r_engine_reference.csv")
VCOV = pl.read_csv(HERE / "r_engine_vcov.csv")


def design(case: str) -> Survey:
    if case == "d1":
        return Survey(DATA, weights="w", strata="stratum", psu="psu", fpc="fpc")
    if case == "nofpc":
        return Survey(DATA, weights="w", strata="stratum", psu="psu")
    if case == "srs":
        return Survey(DATA, weights="w")
    if case.startswith("lonely_"):
        return Survey(
            DATA,
            weights="w",
            strata="stratum",
            psu="lonely_psu",
            fpc="fpc",
            lonely_psu=case.removeprefix("lonely_"),
        )
    raise AssertionError(case)


_CACHE: dict[str, Survey] = {}


def cached(case: str) -> Survey:
    if case not in _CACHE:
        _CACHE[case] = design(case)
    return _CACHE[case]


def estimate(row: dict) -> dict:
    s = cached(row["case"])
    by = None if row["domain"] == "all" else "region"
    kind, var = row["estimator"], row["variable"]
    if kind == "mean":
        out = s.mean(var, by=by)
    elif kind == "total":
        out = s.total(var, by=by)
    elif kind == "ratio":
        out = s.ratio(*var.split("/"), by=by)
    else:
        out = s.proportion(var, by=by, method=row["method"])
    if by:
        out = out.filter(pl.col("region") == row["domain"].split("=")[1])
    assert out.height == 1
    return out.row(0, named=True)


ROWS = [
    pytest.param(r, id=f"{r['case']}-{r['estimator']}-{r['variable']}-{r['domain']}-{r['method']}")
    for r in REF.filter(pl.col("estimator") != "contrast").iter_rows(named=True)
]


@pytest.mark.parametrize("row", ROWS)
def test_matches_r(row: dict) -> None:
    got = estimate(row)
    tol = {"logit": 1e-8, "likelihood": 1e-4}.get(row["method"], 1e-9)
    assert got["estimate"] == pytest.approx(row["estimate"], rel=tol)
    assert got["se"] == pytest.approx(row["se"], rel=1e-9)
    assert got["ci_low"] == pytest.approx(row["ci_low"], rel=tol)
    assert got["ci_high"] == pytest.approx(row["ci_high"], rel=tol)
    assert got["df"] == row["df"]
    if row["deff"] is not None and not math.isnan(row["deff"]):
        assert got["deff"] == pytest.approx(row["deff"], rel=1e-9)


def _r_matrix(case: str) -> np.ndarray:
    cells = VCOV.filter(pl.col("case") == case)
    k = int(cells["i"].max())
    m = np.zeros((k, k))
    m[cells["i"].to_numpy() - 1, cells["j"].to_numpy() - 1] = cells["value"].to_numpy()
    return m


@pytest.mark.parametrize(
    ("case", "call"),
    [
        ("d1_by_mean_y", lambda s: s.mean("y", by="region", vcov=True)),
        ("d1_by_total_y", lambda s: s.total("y", by="region", vcov=True)),
        ("d1_by_prop_b", lambda s: s.proportion("b", by="region", vcov=True)),
        ("d1_by_ratio_y_x", lambda s: s.ratio("y", "x", by="region", vcov=True)),
        ("d1_mean_x_b", lambda s: s.mean(["x", "b"], vcov=True)),
    ],
)
def test_covariance_matches_r(case: str, call) -> None:
    frame, v = call(cached("d1"))
    expected = _r_matrix(case)
    assert v.shape == expected.shape
    np.testing.assert_allclose(v, expected, rtol=1e-9, atol=1e-9 * np.abs(expected).max())
    # the diagonal is the squared se of the frame, row by row
    np.testing.assert_allclose(np.sqrt(np.diag(v)), frame["se"].to_numpy(), rtol=1e-12)


def test_paired_domain_difference_matches_svycontrast() -> None:
    row = REF.filter(pl.col("estimator") == "contrast").row(0, named=True)
    frame, v = cached("d1").mean("y", by="region", vcov=True)
    a, b = (frame["region"].to_list().index(x) for x in ("A", "B"))
    diff = frame["estimate"][a] - frame["estimate"][b]
    se = math.sqrt(v[a, a] + v[b, b] - 2 * v[a, b])
    assert diff == pytest.approx(row["estimate"], rel=1e-9)
    assert se == pytest.approx(row["se"], rel=1e-9)


def test_sampling_fraction_fpc_equals_population_fpc() -> None:
    n_psu = DATA.group_by("stratum").agg(pl.col("psu").n_unique().alias("n_h"))
    frac = DATA.join(n_psu, on="stratum").with_columns(f=pl.col("n_h") / pl.col("fpc"))
    a = Survey(frac, weights="w", strata="stratum", psu="psu", fpc="f").mean("y", by="region")
    b = cached("d1").mean("y", by="region")
    np.testing.assert_allclose(a["se"].to_numpy(), b["se"].to_numpy(), rtol=1e-12)
    np.testing.assert_allclose(a["deff"].to_numpy(), b["deff"].to_numpy(), rtol=1e-12)


@pytest.mark.skipif(shutil.which("Rscript") is None, reason="Rscript is not installed")
def test_committed_reference_is_what_r_gives(tmp_path: Path) -> None:
    probe = subprocess.run(
        ["Rscript", "-e", "suppressMessages(library(survey))"], capture_output=True, text=True
    )
    if probe.returncode != 0:
        pytest.skip("R's survey package is not installed (apt-get install r-cran-survey)")
    shutil.copy(HERE / "synthetic.csv", tmp_path / "synthetic.csv")
    subprocess.run(
        ["Rscript", str(HERE / "make_reference.R"), str(tmp_path)],
        check=True,
        capture_output=True,
        timeout=120,
    )
    fresh = pl.read_csv(tmp_path / "r_engine_reference.csv")
    assert fresh.select("case", "estimator", "variable", "domain", "method").equals(
        REF.select("case", "estimator", "variable", "domain", "method")
    )
    for col in ("estimate", "se", "ci_low", "ci_high", "df", "deff"):
        np.testing.assert_allclose(
            fresh[col].cast(pl.Float64).to_numpy(),
            REF[col].cast(pl.Float64).to_numpy(),
            rtol=1e-12,
            equal_nan=True,
        )
    np.testing.assert_allclose(
        pl.read_csv(tmp_path / "r_engine_vcov.csv")["value"].to_numpy(),
        VCOV["value"].to_numpy(),
        rtol=1e-12,
    )


@pytest.mark.parametrize("case", ["d1", "nofpc", "srs", "lonely_adjust", "lonely_average"])
def test_sparse_cells_give_the_dense_results(case: str, monkeypatch: pytest.MonkeyPatch) -> None:
    from omdomme.estimate.survey import _Cells

    def run() -> list:
        s = design(case)
        return [
            s.mean(["y", "x"], by="region", vcov=True),
            s.total("y", by=["region", "b"], vcov=True),
            s.proportion("b_na", by="region", vcov=True),
            s.ratio("y", "x", by="region", vcov=True),
        ]

    dense = run()
    monkeypatch.setattr(_Cells, "dense_factor", 0)
    monkeypatch.setattr(_Cells, "dense_limit", 0)
    sparse = run()
    for (a, va), (b, vb) in zip(dense, sparse, strict=True):
        for col in ("estimate", "se", "ci_low", "df", "deff"):
            np.testing.assert_allclose(b[col].to_numpy(), a[col].to_numpy(), rtol=1e-10)
        np.testing.assert_allclose(vb, va, rtol=1e-9, atol=1e-12 * np.abs(va).max())
