"""rake() and poststratify() against R's calibrate(), with a minimal stand-in for Survey.

The stand-in holds what rake() uses of a Survey (``data``, ``weights``, ``_with_weights``) and
computes stratified Taylor variances the way R's ``svyrecvar`` does, so that the calibration
object's ``adjust`` is checked against R independently of the estimation engine.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import polars as pl
import pytest
from scipy import stats

from omdomme.errors import WeightingError
from omdomme.estimate.weighting import (
    Calibration,
    WeightingDiagnostics,
    parse_margins,
    poststratify,
    rake,
)

REF = Path(__file__).parent / "reference" / "r_public"
MARGINS = {"stype": {"E": 4421, "H": 755, "M": 1018}, "sch.wide": {"No": 1072, "Yes": 5122}}


@dataclass(frozen=True)
class StandIn:
    """What rake() needs of a Survey, plus R's stratified, with-replacement-by-row variance."""

    data: pl.DataFrame
    weights: pl.Series
    calibration: Calibration | None = None
    weighting: WeightingDiagnostics | None = None

    def _with_weights(self, weights: np.ndarray, calibration: Any, diagnostics: Any = None) -> StandIn:
        return StandIn(self.data, pl.Series("w", weights), calibration, diagnostics)

    def variance(self, scores: np.ndarray) -> float:
        x = scores if self.calibration is None else self.calibration.adjust(scores)
        frame = pl.DataFrame({"x": x, "h": self.data["stype"], "N": self.data["fpc"]})
        per = frame.group_by("h").agg(
            n=pl.len(), N=pl.col("N").first(), ss=((pl.col("x") - pl.col("x").mean()) ** 2).sum()
        )
        return float(per.select(((1 - pl.col("n") / pl.col("N")) * pl.col("n") / (pl.col("n") - 1) * pl.col("ss")).sum()).item())

    def mean(self, y: str, domain: pl.Expr | None = None) -> tuple[float, float]:
        w = self.weights.to_numpy()
        inside = np.ones(w.size, bool) if domain is None else self.data.select(domain).to_series().to_numpy()
        values = self.data[y].cast(pl.Float64).to_numpy()
        wd = np.where(inside, w, 0.0)
        est = float(np.dot(wd, values) / wd.sum())
        return est, float(np.sqrt(self.variance(wd * (values - est) / wd.sum())))

    def total(self, y: str) -> tuple[float, float]:
        w = self.weights.to_numpy()
        values = self.data[y].cast(pl.Float64).to_numpy()
        return float(np.dot(w, values)), float(np.sqrt(self.variance(w * values)))


@pytest.fixture(scope="module")
def dstrat() -> StandIn:
    data = pl.read_csv(REF / "apistrat.csv", schema_overrides={"cds": pl.String})
    return StandIn(data, data["pw"].rename("pw"))


@pytest.fixture(scope="module")
def reference() -> pl.DataFrame:
    return pl.read_csv(REF / "r_survey_public.csv").filter(pl.col("case") == "apistrat_calibrated")


def _ref(reference: pl.DataFrame, variable: str, domain: str = "all", method: str = "wald_t") -> dict[str, float]:
    row = reference.filter(pl.col("variable") == variable, pl.col("domain") == domain, pl.col("method") == method)
    assert row.height == 1
    return row.row(0, named=True)


def _check(est: float, se: float, df: float, ref: dict[str, float]) -> None:
    half = stats.t.ppf(0.975, df) * se
    np.testing.assert_allclose([est, se, est - half, est + half], [ref["estimate"], ref["se"], ref["ci_low"], ref["ci_high"]], rtol=1e-8)


def test_rake_weights_equal_r(dstrat: StandIn) -> None:
    raked = rake(dstrat, MARGINS)
    ref = pl.read_csv(REF / "apistrat_raked_weights.csv", schema_overrides={"cds": pl.String})
    np.testing.assert_allclose(raked.weights.to_numpy(), ref["raked_weight"].to_numpy(), rtol=1e-8, atol=0)
    diag = raked.weighting
    assert diag is not None and diag.converged and diag.algorithm == "ipf"
    assert set(diag.discrepancy) == {"stype", "sch.wide"} and diag.max_discrepancy < 1e-10
    w = raked.weights.to_numpy()
    assert diag.deff == pytest.approx(1 + w.var() / w.mean() ** 2, rel=1e-12)
    assert diag.eff_n == pytest.approx(200 / diag.deff) and diag.efficiency == pytest.approx(1 / diag.deff)
    assert diag.weight_ratio == pytest.approx(w.max() / w.min())


def test_calibrated_mean_total_and_domains_equal_r(dstrat: StandIn, reference: pl.DataFrame) -> None:
    raked = rake(dstrat, MARGINS)
    _check(*raked.mean("api00"), 197, _ref(reference, "api00"))
    _check(*raked.total("enroll"), 197, _ref(reference, "enroll"))
    for stype, df in (("E", 99), ("H", 49), ("M", 49)):
        _check(*raked.mean("api00", pl.col("stype") == stype), df, _ref(reference, "api00", f"stype={stype}"))
    # A proportion is the mean of an indicator: R's svyciprop reports the same SE.
    raked_aw = StandIn(raked.data.with_columns((pl.col("awards") == "Yes").alias("aw")), raked.weights, raked.calibration)
    est, se = raked_aw.mean("aw")
    ref = _ref(reference, "awards==Yes", method="logit")
    np.testing.assert_allclose([est, se], [ref["estimate"], ref["se"]], rtol=1e-8)


def test_calibration_margin_has_zero_variance(dstrat: StandIn) -> None:
    # A calibration variable's total is known exactly after raking: its SE is 0 (R: same).
    raked = rake(dstrat, MARGINS)
    yes = StandIn(raked.data.with_columns((pl.col("sch.wide") == "Yes").cast(pl.Float64).alias("yes")), raked.weights, raked.calibration)
    assert yes.total("yes")[1] == pytest.approx(0.0, abs=1e-6)


def test_rake_differs_from_rs_rake_by_a_little(dstrat: StandIn) -> None:
    # R's rake() (iterated postStratify) gives slightly larger SEs; omdomme reproduces calibrate().
    ref = pl.read_csv(REF / "r_survey_public.csv").filter(pl.col("case") == "apistrat_raked", pl.col("variable") == "api00")
    _, se = rake(dstrat, MARGINS).mean("api00")
    assert se < ref["se"].item()
    assert ref["se"].item() / se - 1 == pytest.approx(3.63e-4, rel=0.01)


def test_margins_as_frames_give_the_same_weights(dstrat: StandIn) -> None:
    long = pl.DataFrame(
        {
            "variable": ["stype"] * 3 + ["sch.wide"] * 2,
            "category": ["E", "H", "M", "No", "Yes"],
            "total": [4421.0, 755, 1018, 1072, 5122],
        }
    )
    frames = [
        pl.DataFrame({"stype": ["E", "H", "M"], "total": [4421, 755, 1018]}),
        pl.DataFrame({"sch.wide": ["No", "Yes"], "persons": [1072, 5122]}),
    ]
    base = rake(dstrat, MARGINS).weights.to_numpy()
    for margins in (long, frames, dict(zip(["a", "b"], frames, strict=True))):
        np.testing.assert_allclose(rake(dstrat, margins).weights.to_numpy(), base, rtol=1e-12)


def test_crossed_margin_is_poststratification(dstrat: StandIn) -> None:
    cells = pl.DataFrame({"stype": ["E", "E", "H", "H", "M", "M"], "sch.wide": ["No", "Yes"] * 3, "total": [500.0, 3921, 300, 455, 272, 746]})
    post = poststratify(dstrat, ["stype", "sch.wide"], cells)
    also = rake(dstrat, [cells])
    np.testing.assert_allclose(post.weights.to_numpy(), also.weights.to_numpy(), rtol=1e-12)
    got = post.data.with_columns(w=post.weights).group_by("stype", "sch.wide").agg(pl.col("w").sum())
    joined = cells.join(got, on=["stype", "sch.wide"])
    np.testing.assert_allclose(joined["w"].to_numpy(), joined["total"].to_numpy(), rtol=1e-12)
    single = poststratify(dstrat, "stype", {"E": 4421, "H": 755, "M": 1018})
    assert single.weighting is not None and single.weighting.method == "poststratify"


def test_bounded_raking_equals_r(dstrat: StandIn) -> None:
    # R 4.5 / survey 4.1.1, dstrat as in r_reference.R:
    #   f <- ~stype + sch.wide + awards; pop <- colSums(model.matrix(f, apipop))
    #   r <- calibrate(dstrat, f, pop, calfun = "raking", bounds = c(0.5, 1.073), epsilon = 1e-10)
    #   head(weights(r)); svymean(~api00, r)
    # (unbounded g ranges 0.8093-1.0778, so the upper bound binds for 16 schools.)
    margins = {**MARGINS, "awards": {"No": 6194 - 4167, "Yes": 4167}}
    bounded = rake(dstrat, margins, bounds=(0.5, 1.073))
    r_head = [35.7618834088083, 46.3539827272698, 43.7161510611951, 46.3539827272698, 46.3539827272698, 46.3539827272698]
    # omdomme measures g against the starting weights scaled to the population total; apistrat's
    # pw (stored as float32) sum to 6194 only within 1e-9, hence agreement to ~2e-9, not 1e-15.
    np.testing.assert_allclose(bounded.weights.to_numpy()[:6], r_head, rtol=1e-8)
    np.testing.assert_allclose(bounded.mean("api00"), [662.40540210271058, 9.24405488804234], rtol=1e-8)
    start = dstrat.weights.to_numpy()
    g = bounded.weights.to_numpy() / (start * 6194 / start.sum())
    assert g.max() == pytest.approx(1.073, rel=1e-14) and int(np.sum(np.isclose(g, 1.073))) == 16
    assert bounded.weighting is not None and bounded.weighting.algorithm == "newton"
    assert bounded.weighting.max_discrepancy < 1e-10 and bounded.weighting.g_max == pytest.approx(1.073)


def test_trim_keeps_total_and_limits(dstrat: StandIn) -> None:
    trimmed = rake(dstrat, MARGINS, trim=(10.0, 40.0))
    w = trimmed.weights.to_numpy()
    assert w.min() >= 10 - 1e-9 and w.max() <= 40 + 1e-9
    assert w.sum() == pytest.approx(6194, rel=1e-12)
    assert trimmed.weighting is not None and trimmed.weighting.trimmed > 0
    assert any("trimmet" in note for note in trimmed.weighting.notes)


@pytest.mark.parametrize(
    ("margins", "message"),
    [
        (
            {"stype": {"E": 4421, "H": 755, "M": 1018, "K": 10}, "sch.wide": {"No": 1072, "Yes": 5132}},
            r"margin stype: category K \(population 10\) has no respondents",
        ),
        (
            {"stype": {"E": 4421, "H": 755, "M": 1018}, "sch.wide": {"No": 1072, "Yes": 5000}},
            r"margin totals disagree: stype = 6,194, sch.wide = 6,072",
        ),
        (
            {"stype": {"E": 4421, "H": 1773}, "sch.wide": {"No": 1072, "Yes": 5122}},
            r"margin stype: data value\(s\) not among the margin's categories \['E', 'H'\]: M \(50 rows\)",
        ),
        ({"kjonn": {"1": 3000, "2": 3194}}, r"margin kjonn: variable\(s\) \['kjonn'\] not in the data"),
    ],
)
def test_errors_name_margin_and_category(dstrat: StandIn, margins: dict, message: str) -> None:
    with pytest.raises(WeightingError, match=message):
        rake(dstrat, margins)


def test_no_convergence_names_the_worst_margin(dstrat: StandIn) -> None:
    with pytest.raises(WeightingError, match=r"rake did not converge in 2 iterations: margin (stype|sch.wide) is still off"):
        rake(dstrat, MARGINS, bounds=(0.9999, 1.0001), max_iter=2)


def test_non_positive_weights_are_refused(dstrat: StandIn) -> None:
    bad = StandIn(dstrat.data, dstrat.weights.clone().scatter(3, 0.0))  # scatter works in place
    with pytest.raises(WeightingError, match="weight variable 'pw': 1 row"):
        rake(bad, MARGINS)


def test_numeric_codes_match_text_keys() -> None:
    data = pl.DataFrame({"kjonn": [1.0, 2.0, 2.0, 1.0], "w": [1.0, 1.0, 1.0, 1.0]})
    raked = rake(StandIn(data, data["w"]), {"kjonn": {"1": 30, "2": 70}})
    assert raked.weights.to_list() == pytest.approx([15, 35, 35, 15])
    assert parse_margins({"kjonn": {1: 30, 2: 70}})[0].categories["kjonn"].to_list() == ["1", "2"]


def test_weights_scaled_to_n_give_the_same_raking(dstrat: StandIn) -> None:
    # Vendors deliver weights with mean 1; bounds still mean g on the population scale.
    margins = {**MARGINS, "awards": {"No": 6194 - 4167, "Yes": 4167}}
    pw = dstrat.weights.to_numpy()
    normalised = StandIn(dstrat.data, pl.Series("vekt", pw / pw.mean()))
    for bounds in (None, (0.5, 1.073)):
        np.testing.assert_allclose(
            rake(normalised, margins, bounds=bounds).weights.to_numpy(),
            rake(dstrat, margins, bounds=bounds).weights.to_numpy(),
            rtol=1e-10,
        )


def test_boolean_and_float_keys_match_the_data() -> None:
    data = pl.DataFrame({"ung": [True, False, False, True], "k": [1.0, 2.0, 2.0, 1.0], "w": [1.0] * 4})
    raked = rake(StandIn(data, data["w"]), {"ung": {True: 40, False: 60}, "k": {1.0: 40, 2.0: 60}})
    assert raked.weights.to_list() == pytest.approx([20, 30, 30, 20])


def test_population_tables_cross_the_margins_for_poststratify() -> None:
    # `omdomme analyse` and `omdomme weight` share this: post-stratification crosses every
    # variable the margins name (it once used only the first margin in analyse).
    from types import SimpleNamespace

    from omdomme.analysis.weighting import population_tables

    spec = SimpleNamespace(method="poststratify", margins=["fylke", "kjonn"], population_year=2024,
                           age_groups=[(18, 29), (30, 80)])
    (table,) = population_tables(spec, copies=5)
    assert {"county", "sex"} <= set(table.columns) and "age_group" not in table.columns
    assert table.height == 10
    rake_spec = SimpleNamespace(**{**vars(spec), "method": "rake"})
    tables = population_tables(rake_spec)
    assert [t.height for t in tables] == [5, 2]
    assert table["persons"].sum() == pytest.approx(5 * tables[0]["persons"].sum())
