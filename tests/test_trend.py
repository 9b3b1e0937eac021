"""`trend` / `omdomme trend`: every analysed round side by side, trends, gap, goals."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import polars as pl
import pytest
from click.testing import CliRunner
from scipy import stats

from omdomme.analysis.trend import fit_wls, trend
from omdomme.cli import main
from omdomme.errors import UsageError
from omdomme.text.trend import trend_summary
from test_rounds_support import build_tree, write_round

ROUNDS = (2016, 2018, 2020, 2022, 2024, 2026)


@pytest.fixture(scope="module")
def tree(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build_tree(tmp_path_factory.mktemp("trend"), ROUNDS)


@pytest.fixture(scope="module")
def result(tree: Path):  # type: ignore[no-untyped-def]
    return trend(root=tree, survey="all")


def _slope(result, indicator: str, target: str, domain: str = "alle", series: str = "level"):  # type: ignore[no-untyped-def]
    rows = result.slopes.filter(
        pl.col("indicator") == indicator,
        pl.col("target") == target,
        pl.col("domain") == domain,
        pl.col("series") == series,
    )
    assert rows.height == 1
    return rows.row(0, named=True)


def test_wls_matches_the_matrix_formula_with_dispersion() -> None:
    rng = np.random.default_rng(3)
    x = np.array(ROUNDS, dtype=float)
    se = rng.uniform(0.01, 0.03, x.size)
    y = 0.4 - 0.01 * (x - 2016) + rng.normal(0, 0.03, x.size)  # more scatter than the SEs
    frame = pl.DataFrame({"g": ["a"] * x.size, "round": x.astype(int), "y": y, "se": se})
    got = fit_wls(frame, ["g"]).row(0, named=True)
    w = 1 / se**2
    X = np.column_stack([np.ones_like(x), x - 2016])
    XtWX = X.T @ (w[:, None] * X)
    beta = np.linalg.solve(XtWX, X.T @ (w * y))
    resid = y - X @ beta
    phi = float(resid @ (w * resid)) / (x.size - 2)
    cov = np.linalg.inv(XtWX) * max(1.0, phi)
    assert got["slope_per_year"] == pytest.approx(beta[1], rel=1e-10)
    assert got["dispersion"] == pytest.approx(phi, rel=1e-10)
    assert got["se_per_year"] == pytest.approx(np.sqrt(cov[1, 1]), rel=1e-10)
    q = stats.t.ppf(0.975, x.size - 2)
    assert got["ci_low_per_year"] == pytest.approx(beta[1] - q * np.sqrt(cov[1, 1]), rel=1e-10)
    tstat = beta[1] / np.sqrt(cov[1, 1])
    assert got["p_value"] == pytest.approx(2 * stats.t.sf(abs(tstat), x.size - 2), rel=1e-10)
    x0 = np.array([1.0, 2026 - 2016])
    assert got["projected_2026"] == pytest.approx(x0 @ beta, rel=1e-10)
    assert got["projected_2026_se"] == pytest.approx(np.sqrt(x0 @ cov @ x0), rel=1e-10)
    assert got["slope_per_round"] == pytest.approx(2 * beta[1], rel=1e-10)


def test_wls_se_never_falls_below_the_sampling_variance() -> None:
    frame = pl.DataFrame(
        {
            "g": ["a"] * 4,
            "round": [2016, 2018, 2020, 2022],
            "y": [0.5, 0.48, 0.46, 0.44],
            "se": [0.01] * 4,
        }
    )
    got = fit_wls(frame, ["g"]).row(0, named=True)
    assert got["dispersion"] == pytest.approx(0, abs=1e-20)
    x = np.array([0, 2, 4, 6.0])
    assert got["se_per_year"] == pytest.approx(
        0.01 / np.sqrt(((x - x.mean()) ** 2).sum()), rel=1e-12
    )


def test_fewer_than_three_rounds_gives_no_trend_and_says_so() -> None:
    frame = pl.DataFrame(
        {"g": ["a", "a"], "round": [2016, 2018], "y": [0.5, 0.4], "se": [0.01, 0.01]}
    )
    got = fit_wls(frame, ["g"]).row(0, named=True)
    assert got["slope_per_year"] is None and got["p_value"] is None
    assert got["direction"] == "too few rounds"
    assert got["note"] == "only 2 comparable round(s): at least 3 needed for a trend"


def test_an_empty_estimate_is_left_out_of_the_fit(tmp_path: Path) -> None:
    build_tree(tmp_path, (2016, 2018, 2020, 2022), noise=False)
    path = tmp_path / "analyses/2018/estimates.parquet"
    empty = (pl.col("target") == "oslo") & (pl.col("indicator") == "vet_ikke")
    pl.read_parquet(path).with_columns(
        estimate=pl.when(empty).then(float("nan")).otherwise("estimate"),
        se=pl.when(empty).then(None).otherwise("se"),
        flag=pl.when(empty).then(pl.lit("suppressed")).otherwise("flag"),
    ).write_parquet(path)
    fits = trend(root=tmp_path).slopes.filter(
        pl.col("indicator") == "vet_ikke", pl.col("target") == "oslo", pl.col("series") == "level"
    )
    assert fits["rounds"].unique().to_list() == ["2016,2020,2022"]
    assert fits["slope_per_year"].to_list() == pytest.approx([0.0] * fits.height, abs=1e-12)


def test_every_round_side_by_side(result) -> None:  # type: ignore[no-untyped-def]
    t = result.table
    assert result.rounds == ROUNDS
    assert t.filter(pl.col("survey") == "omdomme")["round"].unique().sort().to_list() == list(
        ROUNDS
    )
    assert t.filter(pl.col("survey") == "innovasjon")["round"].max() == 2024
    # one row per survey x round x indicator x county x domain
    assert t.select("survey", "round", "indicator", "target", "domain").is_duplicated().sum() == 0
    assert (t["segment"] == 1).all()


def test_finds_the_built_in_improvement_of_ostfold_awareness(result) -> None:  # type: ignore[no-untyped-def]
    fit = _slope(result, "vet_ikke", "ostfold")
    assert fit["significant"] and fit["direction"] == "improving"
    assert fit["ci_high_per_year"] < 0
    assert fit["ci_low_per_year"] <= -0.015 <= fit["ci_high_per_year"]  # the fake truth


def test_finds_no_trend_where_the_truth_is_flat(result) -> None:  # type: ignore[no-untyped-def]
    fit = _slope(result, "vet_ikke", "akershus")
    assert not fit["significant"] and fit["direction"] == "no significant trend"
    assert fit["ci_low_per_year"] <= 0 <= fit["ci_high_per_year"]


def test_gap_to_akershus_comes_from_the_paired_county_comparison(result, tree: Path) -> None:  # type: ignore[no-untyped-def]
    row = result.table.filter(
        pl.col("round") == 2018,
        pl.col("target") == "ostfold",
        pl.col("indicator") == "vet_ikke",
        pl.col("domain") == "alle",
    ).row(0, named=True)
    comp = (
        pl.read_parquet(tree / "analyses/2018/comparisons.parquet")
        .filter(pl.col("indicator") == "vet_ikke", pl.col("domain") == "alle")
        .row(0, named=True)
    )
    assert row["gap_akershus"] == pytest.approx(comp["difference"], rel=1e-12)
    assert row["gap_se"] == pytest.approx(comp["se"], rel=1e-12)
    assert row["gap_ci_low"] == pytest.approx(comp["ci_low"], rel=1e-12)
    assert row["gap_source"] == "paired county comparison in analyses/2018/comparisons"
    others = result.table.filter(pl.col("target") != "ostfold")
    assert others["gap_akershus"].is_null().all()


def test_gap_without_county_rows_uses_the_root_sum_of_squares_and_says_so(tmp_path: Path) -> None:
    build_tree(tmp_path, (2016, 2018, 2020), county_rows=False)
    t = trend(root=tmp_path).table
    o = t.filter(
        pl.col("target") == "ostfold",
        pl.col("indicator") == "vet_ikke",
        pl.col("domain") == "alle",
        pl.col("round") == 2020,
    ).row(0, named=True)
    a = t.filter(
        pl.col("target") == "akershus",
        pl.col("indicator") == "vet_ikke",
        pl.col("domain") == "alle",
        pl.col("round") == 2020,
    ).row(0, named=True)
    assert o["gap_akershus"] == pytest.approx(o["estimate"] - a["estimate"], rel=1e-12)
    assert o["gap_se"] == pytest.approx(np.hypot(o["se"], a["se"]), rel=1e-12)
    assert o["gap_source"].startswith(
        "independent approximation: sqrt(se_ostfold^2 + se_akershus^2)"
    )


def test_goal_status_for_ostfold_vs_akershus(result) -> None:  # type: ignore[no-untyped-def]
    goals = result.goals.filter(pl.col("goal_id") == "gap_akershus")
    vet = goals.filter(pl.col("indicator") == "vet_ikke", pl.col("domain") == "alle").row(
        0, named=True
    )
    fit = _slope(result, "vet_ikke", "ostfold", series="gap_akershus")
    # 2026 is analysed: the observed 2026 gap decides; the projection is reported beside it
    assert vet["round_latest"] == 2026
    assert vet["source"].startswith("observed gap in 2026")
    assert vet["projected_2026"] == pytest.approx(fit["projected_2026"], rel=1e-12)
    assert vet["status"] in {"reached", "not reached", "undecided"}
    # lower is better for vet_ikke: a gap CI entirely above 0 is "not reached"
    expected = (
        "not reached"
        if vet["observed_ci_low"] > 0
        else "reached"
        if vet["observed_ci_high"] <= 0
        else "undecided"
    )
    assert vet["status"] == expected


def test_goal_status_before_2026_uses_the_projection(tmp_path: Path) -> None:
    build_tree(tmp_path, (2016, 2018, 2020, 2022), noise=False)
    goals = trend(root=tmp_path).goals
    vet = goals.filter(pl.col("indicator") == "vet_ikke", pl.col("domain") == "alle").row(
        0, named=True
    )
    # fake truth: gap (Østfold − Akershus) = 0.18 − 0.015 (year − 2016) → 0.03 in 2026
    assert vet["projected_2026"] == pytest.approx(0.03, abs=1e-9)
    assert vet["source"] == "WLS trend of the gap over rounds 2016,2018,2020,2022 projected to 2026"
    assert vet["status"] == "undecided"


def _suppress_akershus(root: Path, round_: int, indicator: str = "vet_ikke", domain: str = "alle") -> None:
    """Akershus suppressed in ``round_`` (n under the minimum base), its comparison withheld, as analyse writes it."""
    folder = root / "analyses" / str(round_)
    cell = (pl.col("indicator") == indicator) & (pl.col("domain") == domain)
    est = pl.read_parquet(folder / "estimates.parquet")
    est.with_columns(
        flag=pl.when(cell & (pl.col("target") == "akershus")).then(pl.lit("suppressed")).otherwise("flag"),
        note=pl.when(cell & (pl.col("target") == "akershus"))
        .then(pl.lit("n = 27 er under minstebasen 30; effektivt utvalg 27,9 < 30"))
        .otherwise("note"),
    ).write_parquet(folder / "estimates.parquet")
    path = folder / "comparisons.parquet"
    if path.exists():
        comp = pl.read_parquet(path)
        hide = cell & (pl.col("target_b") == "akershus")
        comp.with_columns(
            *(pl.when(hide).then(None).otherwise(c).alias(c) for c in ("difference", "se", "ci_low", "ci_high",
                                                                      "p_value", "p_adjusted")),
            note=pl.when(hide).then(pl.lit("undertrykt: akershus er undertrykt (se estimates)")).otherwise("note"),
        ).write_parquet(path)


@pytest.mark.parametrize("county_rows", [True, False], ids=["paired", "independent"])
def test_a_withheld_latest_gap_is_judged_on_the_rounds_that_show_it_and_says_why(
    tmp_path: Path, county_rows: bool
) -> None:
    """Akershus suppressed in 2022: no 2022 gap (not even from the suppressed estimate), the
    status comes from the trend of 2016–2020, and the goal row says so instead of «unknown»."""
    build_tree(tmp_path, (2016, 2018, 2020, 2022), noise=False, county_rows=county_rows)
    _suppress_akershus(tmp_path, 2022)
    result = trend(root=tmp_path)
    o = result.table.filter(pl.col("target") == "ostfold", pl.col("indicator") == "vet_ikke",
                            pl.col("domain") == "alle", pl.col("round") == 2022).row(0, named=True)
    assert o["gap_akershus"] is None and o["gap_se"] is None
    assert o["gap_withheld"] == "Akershus suppressed: n = 27 er under minstebasen 30"
    vet = result.goals.filter(pl.col("indicator") == "vet_ikke", pl.col("domain") == "alle").row(0, named=True)
    assert (vet["round_latest"], vet["round_observed"], vet["withheld_rounds"]) == (2022, 2020, "2022")
    fit = _slope(result, "vet_ikke", "ostfold", series="gap_akershus")
    assert fit["rounds"] == "2016,2018,2020"
    assert vet["projected_2026"] == pytest.approx(fit["projected_2026"], rel=1e-12)
    expected = ("not reached" if fit["projected_2026_ci_low"] > 0
                else "reached" if fit["projected_2026_ci_high"] <= 0 else "undecided")
    assert vet["status"] == expected
    assert vet["status_reason"] == (
        "the 2022 gap is withheld (Akershus suppressed: n = 27 er under minstebasen 30); the last gap shown "
        "is 2020's; judged on the WLS trend of the gap over rounds 2016,2018,2020 projected to 2026"
    )
    # No line through the hidden figure either: Akershus's level trend leaves 2022 out.
    assert _slope(result, "vet_ikke", "akershus")["rounds"] == "2016,2018,2020"
    # The terminal: «:» for the hidden level and gap, and the reason under the status.
    text = trend_summary(result).splitlines()
    assert any(line.startswith("  vet_ikke              Akershus     30.0   30.0   30.0      :   ") for line in text)
    at = next(i for i, line in enumerate(text) if line.startswith("  vet_ikke              gap"))
    assert text[at].startswith("  vet_ikke              gap         +18.0  +15.0  +12.0      :   2026 projected:")
    assert text[at + 1].strip() == f"({vet['status_reason']})"


def test_a_goal_whose_every_gap_is_withheld_is_unknown_with_the_reason(tmp_path: Path) -> None:
    build_tree(tmp_path, (2016, 2018, 2020), noise=False)
    for round_ in (2016, 2018, 2020):
        _suppress_akershus(tmp_path, round_, domain="innenfra")
    goals = trend(root=tmp_path).goals
    row = goals.filter(pl.col("indicator") == "vet_ikke", pl.col("domain") == "innenfra").row(0, named=True)
    assert (row["status"], row["round_latest"], row["round_observed"], row["observed"]) == ("unknown", 2020, None, None)
    assert row["withheld_rounds"] == "2016,2018,2020"
    assert row["status_reason"].startswith("status unknown: no round's gap can be shown (2016: Akershus suppressed: n = 27")
    # A series with every gap shown needs no reason.
    shown = goals.filter(pl.col("indicator") == "vet_ikke", pl.col("domain") == "alle").row(0, named=True)
    assert shown["status"] != "unknown" and shown["status_reason"] == "" and shown["withheld_rounds"] == ""


def test_innovation_doubling_from_the_estimates_when_no_baseline_ratio_rows(result) -> None:  # type: ignore[no-untyped-def]
    goals = result.goals.filter(pl.col("goal_id") == "doubling")
    assert goals.height == 6
    row = goals.filter(pl.col("target") == "ostfold").row(0, named=True)
    t = result.table.filter(pl.col("survey") == "innovasjon", pl.col("target") == "ostfold")
    e = dict(zip(t["round"], t["estimate"], strict=True))
    assert row["observed"] == pytest.approx(e[2024] / e[2016], rel=1e-12)
    assert row["goal_value"] == 2.0 and row["status"] == "not reached"
    assert row["source"].startswith("ratio of estimates 2024 / 2016")


def test_innovation_doubling_uses_baseline_ratio_rows_when_present(tmp_path: Path) -> None:
    build_tree(tmp_path, (2016, 2018, 2020))
    path = tmp_path / "analyses/2020/comparisons.parquet"
    comp = pl.read_parquet(path)
    extra = comp.head(1).with_columns(
        survey=pl.lit("innovasjon"),
        indicator=pl.lit("innovasjonsaktivitet"),
        comparison=pl.lit("baseline_ratio"),
        target_a=pl.lit("ostfold"),
        target_b=pl.lit("ostfold"),
        round_a=pl.lit(2020, dtype=pl.Int64),
        round_b=pl.lit(2016, dtype=pl.Int64),
        domain=pl.lit("alle"),
        better=pl.lit("higher"),
        ratio=pl.lit(2.5),
        ratio_ci_low=pl.lit(2.1),
        ratio_ci_high=pl.lit(2.9),
    )
    pl.concat([comp, extra], how="vertical_relaxed").write_parquet(path)
    goals = trend(root=tmp_path, survey="innovasjon").goals
    assert goals.height == 1
    row = goals.row(0, named=True)
    assert (row["observed"], row["status"]) == (2.5, "reached")
    assert row["source"] == "baseline_ratio rows of analyses/2020/comparisons"


def test_a_series_break_splits_the_trend_into_segments(tmp_path: Path) -> None:
    for r in (2016, 2018, 2020):
        write_round(tmp_path, r, noise=False)
    for r in (2022, 2024, 2026):
        write_round(
            tmp_path,
            r,
            noise=False,
            kjennskap_scale_id="kjennskap-5",
            kjennskap_scale=(1, 2, 3, 4, 5),
        )
    result = trend(root=tmp_path)
    t = result.table.filter(
        pl.col("indicator") == "vet_ikke", pl.col("target") == "ostfold", pl.col("domain") == "alle"
    ).sort("round")
    assert t["segment"].to_list() == [1, 1, 1, 2, 2, 2]
    assert t["break_reason"].to_list()[3].startswith("question kjennskap: scale_id")
    fits = result.slopes.filter(
        pl.col("indicator") == "vet_ikke",
        pl.col("target") == "ostfold",
        pl.col("domain") == "alle",
        pl.col("series") == "level",
    )
    assert fits["rounds"].to_list() == ["2016,2018,2020", "2022,2024,2026"]
    np.testing.assert_allclose(fits["slope_per_year"], [-0.015, -0.015], rtol=1e-9)
    assert (result.table.filter(pl.col("indicator") != "vet_ikke")["segment"] == 1).all()


def test_writes_the_trend_folder_reproducibly(tree: Path, result) -> None:  # type: ignore[no-untyped-def]
    out = tree / "analyses" / "trend"
    assert sorted(p.name for p in out.iterdir()) == [
        "goals.csv",
        "goals.parquet",
        "manifest.json",
        "slopes.csv",
        "slopes.parquet",
        "trend.csv",
        "trend.parquet",
    ]
    before = {p.name: p.read_bytes() for p in out.iterdir()}
    trend(root=tree, survey="all")
    assert {p.name: p.read_bytes() for p in out.iterdir()} == before
    assert pl.read_parquet(out / "slopes.parquet").equals(result.slopes)


def test_no_analysed_round_is_a_usage_error(tmp_path: Path) -> None:
    write_round(tmp_path, 2016, analysed=False)
    with pytest.raises(UsageError, match=r"run `omdomme analyse <round>` first"):
        trend(root=tmp_path)


# --------------------------------------------------------------------------------------------
# What the user sees


def test_cli_trend_prints_levels_slopes_gap_and_goals(tmp_path: Path) -> None:
    build_tree(tmp_path, (2016, 2018, 2020, 2022), noise=False)
    result = CliRunner().invoke(main, ["trend", "--survey", "omdomme", "--root", str(tmp_path)])
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert lines[0] == (
        "Trend over analysed rounds 2016, 2018, 2020, 2022 (shares in %, slope per "
        "round with 95 % CI; WLS weighted by 1/se²)"
    )
    assert lines[2] == "omdomme"
    assert lines[3] == (
        "  indicator             county       2016   2018   2020   2022   slope/round [95 % CI]"
    )
    assert (
        "  vet_ikke              Østfold      48.0   45.0   42.0   39.0   −3.0\u00a0pp [−5.9; −0.1]  ↓ ✓"
        in lines
    )
    assert (
        "  vet_ikke              Akershus     30.0   30.0   30.0   30.0   0.0\u00a0pp [−2.7; +2.7]"
        in lines
    )
    assert (
        "  Østfold − Akershus (gap; shares in points), 2026 gap (observed or projected) with 95 % CI and goal status:"
        in lines
    )
    assert (
        "  vet_ikke              gap         +18.0  +15.0  +12.0   +9.0   2026 projected: +3.0 [−8.6; +14.6] "
        "undecided"
    ) in lines
    assert (
        lines[-1]
        == f"Tables: {tmp_path / 'analyses' / 'trend'}/ (trend, slopes, goals: .parquet and .csv)"
    )


def test_cli_trend_without_analyses_exits_2(tmp_path: Path) -> None:
    write_round(tmp_path, 2016, analysed=False)
    write_round(tmp_path, 2018, analysed=False)
    result = CliRunner().invoke(main, ["trend", "--root", str(tmp_path)])
    assert result.exit_code == 2
    assert result.output == (
        f"Error: no analysed round in {tmp_path / 'analyses'} (rounds present in surveys/: "
        "2016, 2018); run `omdomme analyse <round>` first for each round.\n"
    )


def test_cli_trend_rejects_an_unknown_survey() -> None:
    result = CliRunner().invoke(main, ["trend", "--survey", "ssb"])
    assert result.exit_code == 2
    assert "'ssb' is not one of 'omdomme', 'innovasjon', 'all'" in result.output


def test_summary_lists_significant_trends_of_the_domains_not_shown(result) -> None:  # type: ignore[no-untyped-def]
    lines = trend_summary(result).splitlines()
    at = lines.index("  Significant trends in other domains:")
    assert lines[at + 1 : at + 3] == [
        "    Østfold: vet_ikke innenfra: −2.5\u00a0pp [−4.7; −0.2]  ↓ ✓",
        "    Østfold: vet_ikke utenfra: −2.7\u00a0pp [−3.9; −1.6]  ↓ ✓",
    ]


def test_slopes_carry_a_holm_adjustment_per_survey_series_and_domain(result) -> None:  # type: ignore[no-untyped-def]
    s = result.slopes.filter(pl.col("p_value").is_not_null())
    assert (s["p_adjusted"] >= s["p_value"]).all()
    assert set(s["adjust_method"]) == {"holm"}
    fam = s.filter(pl.col("family") == "trend:omdomme:level:alle")
    assert fam.height == 10  # vet_ikke and svaert_godt for five counties
    smallest = fam.sort("p_value").row(0, named=True)
    assert smallest["p_adjusted"] == pytest.approx(min(1.0, 10 * smallest["p_value"]), rel=1e-12)
