"""The same number everywhere: `analyse` and `compare` agree on every change between two rounds.

Issue #12, decisions 1 and 2. `omdomme analyse 2018` writes the change since 2016 of every
reputation indicator × county × domain (`comparison = "round"`) and the innovation goal ratio
2018/2016 (`comparison = "baseline_ratio"`); `omdomme compare 2016 2018` writes the change of
every indicator of both surveys. Both run here, as a user runs them, on a temporary copy of the
shipped synthetic rounds 2016 and 2018, and must give the same difference, SE, df, CI, p and
Holm-adjusted p for each row they share (one Holm family = one survey × domain × kind of
comparison; Welch–Satterthwaite df for two independent rounds).

The same rows are also checked against a hand computation in R (tests/reference/r_contrast/,
with its R version and calls): R `survey` has no Welch df for `svycontrast`, so R computes the
df, t interval, p-value, log-scale ratio interval and Holm's adjustment (`p.adjust`) from each
round's estimate, SE and df.
"""

from __future__ import annotations

import shutil
import subprocess
import warnings
from pathlib import Path

import numpy as np
import polars as pl
import pytest
from click.testing import CliRunner

from omdomme.cli import main

REPO = Path(__file__).resolve().parents[1]
REFERENCE = REPO / "tests" / "reference" / "r_contrast"
KEYS = ["survey", "indicator", "domain", "target_a"]
NUMBERS = ["estimate_a", "estimate_b", "difference", "se", "df", "ci_low", "ci_high", "p_value",
           "p_adjusted"]


@pytest.fixture(scope="module")
def rounds(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("two_rounds")
    for r in (2016, 2018):
        shutil.copytree(REPO / "surveys" / str(r), root / "surveys" / str(r))
    runner = CliRunner()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        for args in (["analyse", "2016"], ["analyse", "2018"], ["compare", "2016", "2018"]):
            result = runner.invoke(main, [*args, "--root", str(root)])
            assert result.exit_code == 0, result.output
    return root


def _analyse(root: Path) -> pl.DataFrame:
    return pl.read_parquet(root / "analyses" / "2018" / "comparisons.parquet")


def _compare(root: Path) -> pl.DataFrame:
    return pl.read_parquet(root / "analyses" / "compare-2016-2018" / "comparisons.parquet")


def test_every_change_since_2016_is_the_same_in_analyse_and_compare(rounds: Path) -> None:
    changes = _analyse(rounds).filter(pl.col("comparison") == "round")
    compare = _compare(rounds)
    # 12 cells and kun_geografi (2) x 5 counties, and the 5 indicators of `alle` in the 8 levels of
    # the three breakdowns (the same in both rounds) x 5 counties.
    assert changes.height == 70 + 200
    assert changes.filter(pl.col("domain").str.contains("=")).height == 200
    joined = changes.join(compare, on=KEYS, how="left", suffix="_compare", validate="1:1")
    assert joined["difference_compare"].null_count() == 0, "a change of analyse missing from compare"
    # compare's rows of the reputation survey are exactly analyse's.
    assert compare.filter(pl.col("survey") == "omdomme").height == changes.height
    # analyse withholds a change to a suppressed figure (disclosure control: the numbers would
    # reveal it); compare's row for it names the suppressed side in its note. Both keep it in
    # the Holm family, so every other row's p_adjusted is the same.
    withheld = joined["note"].str.contains("undertrykt")
    assert joined.filter(withheld)["note_compare"].str.contains("suppressed").all()
    shown = joined.filter(~withheld)
    assert shown.height >= 50
    for column in [*NUMBERS, "ratio", "ratio_ci_low", "ratio_ci_high"]:
        np.testing.assert_array_equal(shown[column].to_numpy(), shown[f"{column}_compare"].to_numpy(),
                                      err_msg=column)
    for column in ["significant", "family", "round_a", "round_b", "comparison", "method"]:
        assert (shown[column] == shown[f"{column}_compare"]).all(), column
    for column in ["family", "round_a", "round_b", "comparison", "method"]:
        assert (joined[column] == joined[f"{column}_compare"]).all(), column
    assert set(joined["family"]) == {f"round:2016-2018:omdomme:{d}" for d in changes["domain"].unique()}
    assert set(joined["round_a"]) == {2018} and set(joined["round_b"]) == {2016}


def test_the_written_csv_shows_the_same_text(rounds: Path) -> None:
    # What a person opens: the CSV cells, not only the parquet doubles.
    a = pl.read_csv(rounds / "analyses/2018/comparisons.csv", infer_schema_length=0)
    c = pl.read_csv(rounds / "analyses/compare-2016-2018/comparisons.csv", infer_schema_length=0)
    joined = a.filter(pl.col("comparison") == "round").join(c, on=KEYS, suffix="_compare")
    assert joined.height == 70 + 200
    joined = joined.filter(~pl.col("note").str.contains("undertrykt"))  # withheld by analyse
    for column in [*NUMBERS, "significant"]:
        assert (joined[column] == joined[f"{column}_compare"]).all(), column


def test_the_goal_ratio_is_the_same_in_analyse_and_compare(rounds: Path) -> None:
    goal = _analyse(rounds).filter(pl.col("comparison") == "baseline_ratio")
    assert goal.height == 1
    row = goal.row(0, named=True)
    assert (row["round_a"], row["round_b"]) == (2018, 2016)
    other = _compare(rounds).filter(
        pl.col("survey") == row["survey"], pl.col("indicator") == row["indicator"],
        pl.col("domain") == row["domain"], pl.col("target_a") == row["target_a"],
    ).row(0, named=True)
    for column in ["estimate_a", "estimate_b", "difference", "se", "df", "ci_low", "ci_high",
                   "p_value", "ratio", "ratio_ci_low", "ratio_ci_high"]:
        assert row[column] == other[column], column
    # The example: Østfold's innovation activity 2018/2016.
    assert (round(row["ratio_ci_low"], 4), round(row["ratio_ci_high"], 4)) == (1.2212, 1.9246)
    # The goal is one declared test (the report's goal section), its own family: its p is not
    # adjusted for the other 53 innovation changes that compare's table shows beside it.
    assert row["family"] == "baseline_ratio:2016-2018:innovasjon:alle"
    assert row["p_adjusted"] == row["p_value"]
    assert other["family"] == "round:2016-2018:innovasjon:alle"


def test_county_families_are_one_survey_and_domain(rounds: Path) -> None:
    county = _analyse(rounds).filter(pl.col("comparison") == "county")
    sizes = county.group_by("survey", "domain", "family").agg(
        pl.len(), pl.col("indicator").n_unique().alias("indicators"))
    expected = sizes.select(pl.format("county:2018:{}:{}", "survey", "domain"))
    assert sizes["family"].to_list() == expected.to_series().to_list()
    # Every indicator of a domain in one family: 4 other counties × the domain's indicators.
    assert (sizes["len"] == 4 * sizes["indicators"]).all()
    assert sizes["indicators"].max() > 1  # type: ignore[operator]


def _reference() -> pl.DataFrame:
    return pl.read_csv(REFERENCE / "r_contrast_reference.csv")


def test_compare_matches_the_r_hand_computation(rounds: Path) -> None:
    ref = _reference()
    # The committed R input must be these rounds' estimates (else the reference is stale).
    given = pl.read_csv(REFERENCE / "r_contrast_input.csv")
    for r in (2016, 2018):
        est = pl.read_parquet(rounds / "analyses" / str(r) / "estimates.parquet").select(
            "survey", "indicator", "domain", "target", pl.col("estimate").alias(f"estimate_{r}"),
            pl.col("se").alias(f"se_{r}"), pl.col("df").alias(f"df_{r}"))
        both = given.join(est, on=["survey", "indicator", "domain", "target"], suffix="_now")
        assert both.height == given.height
        for c in (f"estimate_{r}", f"se_{r}", f"df_{r}"):
            np.testing.assert_allclose(both[c], both[f"{c}_now"], rtol=1e-14,
                                       err_msg=f"stale {REFERENCE}/r_contrast_input.csv: rerun export_contrast_input.py and the R script")
    got = _compare(rounds).rename({"target_a": "target"}).join(
        ref, on=["survey", "indicator", "domain", "target"], suffix="_r", validate="1:1")
    assert got.height == ref.height == _compare(rounds).height
    for column in ["difference", "se", "df", "ci_low", "ci_high", "p_value", "p_adjusted", "ratio",
                   "ratio_ci_low", "ratio_ci_high"]:
        np.testing.assert_allclose(got[column].to_numpy().astype(float), got[f"{column}_r"].to_numpy().astype(float),
                                   rtol=1e-10, atol=1e-14, equal_nan=True, err_msg=column)


@pytest.mark.needs_r
def test_the_r_script_reproduces_its_reference(tmp_path: Path) -> None:
    if shutil.which("Rscript") is None:
        pytest.skip("Rscript not installed; the committed reference is used by the test above")
    out = tmp_path / "r_contrast_reference.csv"
    subprocess.run(["Rscript", str(REFERENCE / "r_contrast.R"), str(REFERENCE / "r_contrast_input.csv"), str(out)],
                   check=True, capture_output=True, cwd=REPO)
    fresh, committed = pl.read_csv(out), _reference()
    assert fresh.columns == committed.columns and fresh.height == committed.height
    for column in fresh.columns:
        if fresh[column].dtype.is_numeric():
            np.testing.assert_allclose(fresh[column].to_numpy().astype(float),
                                       committed[column].to_numpy().astype(float), rtol=1e-12, equal_nan=True)
        else:
            assert fresh[column].to_list() == committed[column].to_list()
