"""`compare_rounds` / `omdomme compare`: the change between two analysed rounds."""

from __future__ import annotations

import math
import sys
import types
from pathlib import Path

import numpy as np
import polars as pl
import pytest
from click.testing import CliRunner
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy import stats

from omdomme.analysis.rounds import COMPARISON_COLUMNS, compare_rounds
from omdomme.cli import main
from omdomme.definitions.series import series_breaks
from omdomme.errors import AnalysisError, UsageError
from omdomme.estimate.contrast import holm
from test_rounds_support import COMPARISON_CONTRACT, build_tree, write_round


@pytest.fixture
def tree(tmp_path: Path) -> Path:
    return build_tree(tmp_path, (2016, 2018, 2020))


def test_columns_are_the_comparisons_contract_plus_comparable_and_break_reason(tree: Path) -> None:
    table = compare_rounds(2016, 2018, root=tree).table
    assert table.columns == COMPARISON_CONTRACT[:-1] + ["comparable", "break_reason", "note"]
    assert list(COMPARISON_COLUMNS) == table.columns
    assert set(table["comparison"]) == {"round"}
    assert (table["target_a"] == table["target_b"]).all()


def test_difference_and_se_reproduce_the_rounds_estimates_csv(tree: Path) -> None:
    result = compare_rounds(2016, 2018, root=tree)
    keys = ["survey", "indicator", "target", "domain"]
    old = pl.read_csv(tree / "analyses/2016/estimates.csv").select(
        *keys, e_2016="estimate", se_2016="se"
    )
    new = pl.read_csv(tree / "analyses/2018/estimates.csv").select(
        *keys, e_2018="estimate", se_2018="se"
    )
    got = (
        result.table.rename({"target_a": "target"})
        .join(old, on=keys, validate="1:1")
        .join(new, on=keys, validate="1:1")
    )
    assert got.height == result.table.height == 36
    # the contract's orientation: side a is the later round, difference = a - b
    assert set(got["round_a"]) == {2018} and set(got["round_b"]) == {2016}
    np.testing.assert_array_equal(got["estimate_a"], got["e_2018"])
    np.testing.assert_array_equal(got["estimate_b"], got["e_2016"])
    np.testing.assert_allclose(got["difference"], got["e_2018"] - got["e_2016"], rtol=1e-12)
    np.testing.assert_allclose(
        got["se"], np.sqrt(got["se_2016"] ** 2 + got["se_2018"] ** 2), rtol=1e-12
    )


def test_interval_uses_satterthwaite_df_and_t(tree: Path) -> None:
    row = compare_rounds(2016, 2018, root=tree).table.row(0, named=True)
    a = pl.read_parquet(tree / "analyses/2016/estimates.parquet").row(0, named=True)
    b = pl.read_parquet(tree / "analyses/2018/estimates.parquet").row(0, named=True)
    va, vb = a["se"] ** 2, b["se"] ** 2
    df = (va + vb) ** 2 / (va**2 / a["df"] + vb**2 / b["df"])
    assert row["df"] == pytest.approx(df, rel=1e-12)
    q = stats.t.ppf(0.975, df)
    assert row["ci_low"] == pytest.approx(row["difference"] - q * row["se"], rel=1e-12)
    assert row["ci_high"] == pytest.approx(row["difference"] + q * row["se"], rel=1e-12)
    t = row["difference"] / row["se"]
    assert row["p_value"] == pytest.approx(2 * stats.t.sf(abs(t), df), rel=1e-12)


def test_ratio_has_a_log_scale_delta_method_interval(tree: Path) -> None:
    row = compare_rounds(2016, 2018, root=tree).table.row(0, named=True)
    a = pl.read_parquet(tree / "analyses/2016/estimates.parquet").row(0, named=True)
    b = pl.read_parquet(tree / "analyses/2018/estimates.parquet").row(0, named=True)
    se_log = math.hypot(a["se"] / a["estimate"], b["se"] / b["estimate"])
    q = stats.t.ppf(0.975, row["df"])
    assert row["ratio"] == pytest.approx(b["estimate"] / a["estimate"], rel=1e-12)
    assert row["ratio_ci_low"] == pytest.approx(row["ratio"] * math.exp(-q * se_log), rel=1e-12)
    assert row["ratio_ci_high"] == pytest.approx(row["ratio"] * math.exp(q * se_log), rel=1e-12)


def test_a_round_compared_with_itself_has_zero_change_and_p_one(tree: Path) -> None:
    table = compare_rounds(2018, 2018, root=tree).table
    assert table.height == 36
    assert (table["difference"] == 0).all()
    assert (table["p_value"] == 1).all()
    assert (table["p_adjusted"] == 1).all()
    assert not table["significant"].any()
    assert (table["ratio"] == 1).all()
    assert table["comparable"].all()


def test_swapping_the_rounds_negates_the_change_and_keeps_the_test(tree: Path) -> None:
    keys = ["survey", "indicator", "target_a", "domain"]
    forward = compare_rounds(2016, 2020, root=tree, write=False).table.sort(keys)
    backward = compare_rounds(2020, 2016, root=tree, write=False).table.sort(keys)
    np.testing.assert_allclose(forward["difference"], -backward["difference"], rtol=1e-12)
    np.testing.assert_allclose(forward["se"], backward["se"], rtol=1e-12)
    np.testing.assert_allclose(forward["p_value"], backward["p_value"], rtol=1e-9)
    np.testing.assert_allclose(forward["ratio"], 1 / backward["ratio"], rtol=1e-12)
    assert forward["significant"].to_list() == backward["significant"].to_list()


def test_row_order_of_the_estimates_does_not_matter(tree: Path) -> None:
    before = compare_rounds(2016, 2018, root=tree, write=False).table
    path = tree / "analyses/2018/estimates.parquet"
    pl.read_parquet(path).reverse().write_parquet(path)
    after = compare_rounds(2016, 2018, root=tree, write=False).table
    keys = ["survey", "indicator", "target_a", "domain"]
    assert before.sort(keys).equals(after.sort(keys))


def test_a_change_of_scale_in_the_definitions_is_a_series_break(tmp_path: Path) -> None:
    write_round(tmp_path, 2016)
    write_round(tmp_path, 2018, kjennskap_scale_id="kjennskap-5", kjennskap_scale=(1, 2, 3, 4, 5))
    table = compare_rounds(2016, 2018, root=tmp_path).table
    broken = table.filter(pl.col("indicator") == "vet_ikke")
    assert broken.height == 15
    assert not broken["comparable"].any()
    reason = broken["break_reason"][0]
    assert "scale_id 'kjennskap-4' → 'kjennskap-5'" in reason
    assert "scale [1, 2, 3, 4] → [1, 2, 3, 4, 5]" in reason
    assert broken["note"][0].startswith("series break: question kjennskap: scale")
    # not a test of one quantity: kept out of Holm's family, never "significant"
    assert broken["p_adjusted"].is_null().all()
    assert not broken["significant"].any()
    others = table.filter(pl.col("indicator") != "vet_ikke")
    assert others["comparable"].all() and (others["break_reason"] == "").all()


def test_only_scale_id_differing_is_enough_for_a_break(tmp_path: Path) -> None:
    write_round(tmp_path, 2016)
    write_round(tmp_path, 2018, kjennskap_scale_id="kjennskap-4b")
    breaks = series_breaks(2016, 2018, tmp_path)
    vet = breaks.filter(pl.col("indicator") == "vet_ikke")
    assert not vet["comparable"].any()
    assert set(vet["break_reason"]) == {
        "question kjennskap: scale_id 'kjennskap-4' → 'kjennskap-4b'"
    }
    assert breaks.filter(pl.col("indicator") != "vet_ikke")["comparable"].all()


def test_holm_family_is_survey_by_domain(tree: Path) -> None:
    table = compare_rounds(2016, 2018, root=tree).table
    fam = table.group_by("family").agg(pl.len(), pl.col("survey").first(), pl.col("domain").first())
    assert set(fam["family"]) == {
        "round:2016-2018:omdomme:alle",
        "round:2016-2018:omdomme:innenfra",
        "round:2016-2018:omdomme:utenfra",
        "round:2016-2018:omdomme:unge",
        "round:2016-2018:innovasjon:alle",
    }
    # alle: vet_ikke + svaert_godt for five counties
    assert fam.filter(pl.col("family") == "round:2016-2018:omdomme:alle")["len"][0] == 10
    assert (table["adjust_method"] == "holm").all()
    assert (table["p_adjusted"] >= table["p_value"]).all()


def _holm_reference(p: list[float]) -> list[float]:
    m = len(p)
    order = sorted(range(m), key=lambda i: p[i])
    out = [0.0] * m
    running = 0.0
    for rank, i in enumerate(order):
        running = max(running, min(1.0, (m - rank) * p[i]))
        out[i] = running
    return out


@settings(max_examples=50, deadline=None)
@given(st.lists(st.tuples(st.sampled_from("xyz"), st.floats(0, 1)), min_size=1, max_size=20))
def test_holm_matches_the_textbook_step_down(rows: list[tuple[str, float]]) -> None:
    frame = pl.DataFrame({"fam": [r[0] for r in rows], "p": [r[1] for r in rows]})
    got = holm(frame, "p", "fam")
    assert got["p"].to_list() == frame["p"].to_list()  # row order kept
    for fam in set(frame["fam"]):
        idx = [i for i, r in enumerate(rows) if r[0] == fam]
        expected = _holm_reference([rows[i][1] for i in idx])
        np.testing.assert_allclose([got["p_adjusted"][i] for i in idx], expected, rtol=1e-12)


def test_holm_leaves_untested_rows_null_and_out_of_the_count() -> None:
    frame = pl.DataFrame({"fam": ["x", "x", "x"], "p": [0.01, None, 0.02]})
    assert holm(frame, "p", "fam")["p_adjusted"].to_list() == [0.02, None, 0.02]


def test_writes_parquet_csv_and_manifest_atomically_and_reproducibly(tree: Path) -> None:
    result = compare_rounds(2016, 2018, root=tree)
    out = tree / "analyses" / "compare-2016-2018"
    assert result.path == out
    assert sorted(p.name for p in out.iterdir()) == [
        "comparisons.csv",
        "comparisons.parquet",
        "manifest.json",
    ]
    assert pl.read_parquet(out / "comparisons.parquet").equals(result.table)
    before = {p.name: p.read_bytes() for p in out.iterdir()}
    compare_rounds(2016, 2018, root=tree)
    assert {p.name: p.read_bytes() for p in out.iterdir()} == before
    manifest = result.manifest
    assert manifest["rows"]["compared"] == 36
    assert {e["path"] for e in manifest["inputs"]} >= {
        "analyses/2016/estimates.parquet",
        "analyses/2018/estimates.parquet",
        "surveys/2016/omdomme.toml",
        "surveys/2018/omdomme.toml",
    }
    assert not [p for p in (tree / "analyses").iterdir() if p.name.startswith(".")]


def test_a_failed_write_leaves_the_previous_results(
    tree: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    compare_rounds(2016, 2018, root=tree)
    out = tree / "analyses" / "compare-2016-2018"
    before = (out / "comparisons.csv").read_bytes()

    def boom(self: pl.DataFrame, *args: object, **kwargs: object) -> None:
        raise OSError("disk full")

    monkeypatch.setattr(pl.DataFrame, "write_csv", boom)
    # One writer for every folder under analyses/: the OSError becomes a message naming it.
    with pytest.raises(AnalysisError, match=r"could not write .*compare-2016-2018: disk full"):
        compare_rounds(2016, 2018, root=tree)
    assert (out / "comparisons.csv").read_bytes() == before
    assert not [p for p in (tree / "analyses").iterdir() if p.name.startswith(".")]


def test_surveys_present_in_one_round_only_are_left_out(tmp_path: Path) -> None:
    write_round(tmp_path, 2024)
    write_round(tmp_path, 2026, innovation=False)
    result = compare_rounds(2024, 2026, root=tmp_path)
    assert set(result.table["survey"]) == {"omdomme"}
    # Six innovation estimates only in the reference round (2024 = round_b).
    assert (result.round_a, result.round_b) == (2026, 2024)
    assert result.only_in_b == 6 and result.only_in_a == 0


def test_a_suppressed_estimate_carries_its_reason_into_the_note(tree: Path) -> None:
    path = tree / "analyses/2018/estimates.parquet"
    est = pl.read_parquet(path).with_columns(
        flag=pl.when(pl.col("domain") == "unge").then(pl.lit("suppressed")).otherwise("flag"),
        note=pl.when(pl.col("domain") == "unge").then(pl.lit("eff_n < 30")).otherwise("note"),
    )
    est.write_parquet(path)
    table = compare_rounds(2016, 2018, root=tree).table
    notes = table.filter(pl.col("domain") == "unge")["note"].unique().to_list()
    assert notes == ["2018: suppressed (eff_n < 30)"]


def test_an_empty_domain_gives_a_null_change_never_significant(tree: Path) -> None:
    path = tree / "analyses/2018/estimates.parquet"
    empty = (pl.col("domain") == "unge") & (pl.col("target") == "oslo")
    pl.read_parquet(path).with_columns(
        estimate=pl.when(empty).then(float("nan")).otherwise("estimate"),
        se=pl.when(empty).then(float("nan")).otherwise("se"),
        flag=pl.when(empty).then(pl.lit("suppressed")).otherwise("flag"),
        note=pl.when(empty).then(pl.lit("empty domain")).otherwise("note"),
    ).write_parquet(path)
    table = compare_rounds(2016, 2018, root=tree).table
    row = table.filter(pl.col("domain") == "unge", pl.col("target_a") == "oslo").row(0, named=True)
    assert row["difference"] is None and row["se"] is None and row["p_value"] is None
    assert row["p_adjusted"] is None and row["significant"] is False
    assert row["note"] == "2018: suppressed (empty domain)"
    # the family's other rows are adjusted over the 4 tested ones only
    others = table.filter(pl.col("domain") == "unge", pl.col("target_a") != "oslo")
    assert others["p_adjusted"].is_not_null().all()


def test_an_unanalysed_round_says_to_run_analyse(tmp_path: Path) -> None:
    write_round(tmp_path, 2016)
    write_round(tmp_path, 2018, analysed=False)
    with pytest.raises(UsageError, match=r"run `omdomme analyse 2018` first"):
        compare_rounds(2016, 2018, root=tmp_path)


def test_run_missing_analyses_the_round_first(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    write_round(tmp_path, 2016)
    write_round(tmp_path, 2018, analysed=False)
    calls: list[tuple[str, int, Path]] = []

    def analyse_round(round_: int, *, root: Path = Path("."), progress: object = None) -> int:
        calls.append(("analyse", round_, Path(root)))
        return round_

    def write_analysis(result: int, root: Path = Path(".")) -> Path:
        calls.append(("write", result, Path(root)))
        write_round(Path(root), result)
        return Path(root) / "analyses" / str(result)

    analysis = types.ModuleType("omdomme.analysis.reputation")
    analysis.analyse_round = analyse_round  # type: ignore[attr-defined]
    output = types.ModuleType("omdomme.results.write")
    output.write_analysis = write_analysis  # type: ignore[attr-defined]
    monkeypatch.setitem(sys.modules, "omdomme.analysis.reputation", analysis)
    monkeypatch.setitem(sys.modules, "omdomme.results.write", output)
    result = compare_rounds(2016, 2018, root=tmp_path, run_missing=True)
    assert calls == [("analyse", 2018, tmp_path), ("write", 2018, tmp_path)]
    assert result.table.height == 36


# --------------------------------------------------------------------------------------------
# What the user sees


def test_cli_compare_prints_the_summary_ostfold_first(tmp_path: Path) -> None:
    build_tree(tmp_path, (2016, 2022), noise=False)
    result = CliRunner().invoke(main, ["compare", "2016", "2022", "--root", str(tmp_path)])
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert lines[:7] == [
        "Change 2016 → 2022 (independent samples, 95 % CI; ↑/↓ = significant after Holm "
        "adjustment, ✓ better / ✗ worse, ! = series break)",
        "",
        "omdomme: 30 comparisons, 2 significant after Holm, 0 series breaks",
        "  Østfold",
        # omdomme.labels' English forms: «48.0%», a true minus, «pp» after a no-break space,
        # and no sign on a change that rounds to zero.
        "    vet_ikke               alle          48.0% →     39.0%    −9.0\u00a0pp  [−13.2\u00a0pp; −4.8\u00a0pp]  ↓ ✓",
        "    svaert_godt            alle          23.0% →     23.0%     0.0\u00a0pp  [−3.6\u00a0pp; +3.6\u00a0pp]",
        "    moderne_ungdom         unge          43.0% →     43.0%     0.0\u00a0pp  [−15.4\u00a0pp; +15.4\u00a0pp]",
    ]
    assert lines[7] == "  Akershus"
    at = lines.index("  Significant in other domains:")
    assert lines[at + 1] == (
        "    Østfold: vet_ikke               utenfra       48.0% →     39.0%    −9.0\u00a0pp  "
        "[−13.7\u00a0pp; −4.3\u00a0pp]  ↓ ✓"
    )
    assert lines[at + 2] == ""
    assert (
        lines[-1]
        == f"Full table: {tmp_path / 'analyses' / 'compare-2016-2022' / 'comparisons.csv'}"
    )
    assert "innovasjon: 6 comparisons, 0 significant after Holm, 0 series breaks" in lines


def test_cli_compare_shows_a_series_break(tmp_path: Path) -> None:
    write_round(tmp_path, 2016)
    write_round(tmp_path, 2018, kjennskap_scale_id="kjennskap-5", kjennskap_scale=(1, 2, 3, 4, 5))
    result = CliRunner().invoke(main, ["compare", "2016", "2018", "--root", str(tmp_path)])
    assert result.exit_code == 0, result.output
    assert "omdomme: 30 comparisons, 0 significant after Holm, 15 series breaks" in result.output
    assert (
        "  ! vet_ikke: series break: question kjennskap: scale_id 'kjennskap-4' → 'kjennskap-5'; "
        "question kjennskap: scale [1, 2, 3, 4] → [1, 2, 3, 4, 5]"
    ) in result.output
    ostfold_vet = [line for line in result.output.splitlines() if line.startswith("    vet_ikke")][
        0
    ]
    assert ostfold_vet.endswith("  !")


def test_cli_compare_unanalysed_round_exits_2(tmp_path: Path) -> None:
    write_round(tmp_path, 2016)
    write_round(tmp_path, 2018, analysed=False)
    result = CliRunner().invoke(main, ["compare", "2016", "2018", "--root", str(tmp_path)])
    assert result.exit_code == 2
    assert result.output == (
        f"Error: round 2018 is not analysed: {tmp_path / 'analyses' / '2018' / 'estimates.parquet'} "
        "not found; run `omdomme analyse 2018` first (or use --analyse-missing to analyse it now).\n"
    )


def test_cli_compare_unknown_round_exits_2_listing_the_rounds(tmp_path: Path) -> None:
    build_tree(tmp_path, (2016, 2018))
    result = CliRunner().invoke(main, ["compare", "2016", "2017", "--root", str(tmp_path)])
    assert result.exit_code == 2
    assert result.output == (
        f"Error: round 2017: no folder surveys/2017/ in {tmp_path.resolve()}; rounds present: "
        "2016, 2018. Check the round, or the --root folder.\n"
    )
    assert not (tmp_path / "analyses" / "compare-2016-2017").exists()


def test_cli_compare_analyse_missing_analyses_first(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    write_round(tmp_path, 2016)
    write_round(tmp_path, 2018, analysed=False)
    analysis = types.ModuleType("omdomme.analysis.reputation")
    analysis.analyse_round = lambda round_, *, root, progress=None: round_  # type: ignore[attr-defined]
    output = types.ModuleType("omdomme.results.write")
    output.write_analysis = lambda result, root: write_round(Path(root), result)  # type: ignore[attr-defined]
    monkeypatch.setitem(sys.modules, "omdomme.analysis.reputation", analysis)
    monkeypatch.setitem(sys.modules, "omdomme.results.write", output)
    args = ["compare", "2016", "2018", "--root", str(tmp_path), "--analyse-missing"]
    result = CliRunner().invoke(main, args)
    assert result.exit_code == 0, result.output
    assert result.output.startswith("Change 2016 → 2018")


def test_cli_compare_help_shows_an_example() -> None:
    result = CliRunner().invoke(main, ["compare", "--help"])
    assert result.exit_code == 0
    assert "omdomme compare 2016 2018" in result.output
    assert "--analyse-missing" in result.output
