"""The innovation survey: definition, bad input, estimates, comparisons, goal, disclosure."""

from __future__ import annotations

import math
import warnings
from pathlib import Path

import numpy as np
import polars as pl
import pytest

from omdomme.analysis.innovation import analyse_innovation, goal_verdict, joint_estimates
from omdomme.definitions import load_definition
from omdomme.definitions.innovation import parse_innovation
from omdomme.errors import DefinitionError, DesignError, EstimationWarning
from omdomme.results.schema import COMPARISON_COLUMNS, ESTIMATE_COLUMNS
from test_innovation_fixture import TOML, draw_sample, make_population, truth, write_round

REPO = Path(__file__).resolve().parents[1]

TARGETS = ["akershus", "oslo", "buskerud", "vestfold", "ostfold", "norge"]

# Rounds built by _round_with have no baseline round: the goal is skipped with a warning.
pytestmark = pytest.mark.filterwarnings("ignore:.*the goal ratio is not computed")


@pytest.fixture(scope="module")
def population() -> pl.DataFrame:
    return make_population(1, 5000)


@pytest.fixture(scope="module")
def project(tmp_path_factory: pytest.TempPathFactory, population: pl.DataFrame) -> Path:
    root = tmp_path_factory.mktemp("innovasjon")
    write_round(root, 2018, draw_sample(population, 2, item_missing=12))
    baseline = make_population(1, 5000, level=-0.9)
    write_round(root, 2016, draw_sample(baseline, 5))
    return root


@pytest.fixture(scope="module")
def result(project: Path):  # type: ignore[no-untyped-def]
    return analyse_innovation(load_definition(2018, "innovasjon", project), root=project)


def _round_with(tmp_path: Path, edit, toml: str = TOML) -> Path:  # type: ignore[no-untyped-def]
    sample = edit(draw_sample(make_population(7, 1500), 8))
    write_round(tmp_path, 2018, sample, toml=toml)
    return tmp_path


# --------------------------------------------------------------------------- definition


def test_definition_sections_are_parsed(project: Path) -> None:
    spec = parse_innovation(load_definition(2018, "innovasjon", project))
    kinds = {i.id: i.kind for i in spec.indicators}
    assert kinds["innovasjonsaktivitet"] == "share"
    assert kinds["fou_utgifter"] == "total"
    assert kinds["fou_per_ansatt"] == "ratio"
    assert spec.goal is not None and spec.goal.baseline == 2016 and spec.goal.factor == 2.0
    assert spec.disclosure.min_firms == 3
    assert spec.firm.level == "kommune"


@pytest.mark.parametrize(
    ("old", "new", "message"),
    [
        ('kind = "total"\nvariable = "fou_utg"', 'kind = "sum"\nvariable = "fou_utg"',
         "`kind` in [indicators.fou_utgifter] is 'sum'; use one of share, total, ratio"),
        ('numerator = "fou_utg"\ndenominator = "ansatte"', 'numerator = "fou_utg"',
         "required key `denominator` missing in [indicators.fou_per_ansatt]"),
        ("dominance_k = 0.85", "dominance_kk = 0.85", "unknown key `dominance_kk` in [disclosure]; did you mean `dominance_k`?"),
        ('indicator = "innovasjonsaktivitet"\nbaseline', 'indicator = "innovasjon"\nbaseline',
         "`indicator` in [goal] is 'innovasjon', which is not among the indicators"),
        ('kommune = "kommune"\n', "", "[firm] needs exactly one of `kommune` and `fylke`"),
    ],
)
def test_definition_errors_name_file_key_and_fix(tmp_path: Path, old: str, new: str, message: str) -> None:
    assert old in TOML
    root = _round_with(tmp_path, lambda s: s, toml=TOML.replace(old, new))
    with pytest.raises(DefinitionError) as error:
        parse_innovation(load_definition(2018, "innovasjon", root))
    assert message in str(error.value)
    assert "innovasjon.toml" in str(error.value)


def test_unknown_variable_suggests_the_close_name(tmp_path: Path) -> None:
    root = _round_with(tmp_path, lambda s: s, toml=TOML.replace('variable = "prosess"', 'variable = "prosses"'))
    with pytest.raises(DefinitionError, match=r"\[indicators.prosessinnovasjon\] `prosses` is not a variable of "
                                              r"the data file; did you mean `prosess`\?"):
        analyse_innovation(load_definition(2018, "innovasjon", root), root=root)


# --------------------------------------------------------------------------- bad input


def test_firm_with_weight_zero_is_named(tmp_path: Path) -> None:
    def edit(s: pl.DataFrame) -> pl.DataFrame:
        return s.with_columns(pl.when(pl.col("orgnr") == s["orgnr"][3]).then(0.0).otherwise(pl.col("vekt")).alias("vekt"))

    root = _round_with(tmp_path, edit)
    firm = draw_sample(make_population(7, 1500), 8)["orgnr"][3]
    with pytest.raises(DesignError, match=rf"weight `vekt` must be > 0 .* firm\(s\) {firm} \(0.0\)"):
        analyse_innovation(load_definition(2018, "innovasjon", root), root=root)


def test_firm_with_negative_weight_is_named(tmp_path: Path) -> None:
    def edit(s: pl.DataFrame) -> pl.DataFrame:
        return s.with_columns(pl.when(pl.col("orgnr") == s["orgnr"][0]).then(-2.5).otherwise(pl.col("vekt")).alias("vekt"))

    root = _round_with(tmp_path, edit)
    with pytest.raises(DesignError, match=r"\(-2.5\)"):
        analyse_innovation(load_definition(2018, "innovasjon", root), root=root)


def test_stratum_with_population_smaller_than_sample_is_named(tmp_path: Path) -> None:
    def edit(s: pl.DataFrame) -> pl.DataFrame:
        return s.with_columns(
            pl.when(pl.col("stratum") == "J-2").then(3.0).otherwise(pl.col("N_stratum")).alias("N_stratum")
        )

    root = _round_with(tmp_path, edit)
    with pytest.raises(DesignError, match=r"smaller than the number of sampled firms in stratum J-2 \(N_h = 3, n_h = \d+\)"):
        analyse_innovation(load_definition(2018, "innovasjon", root), root=root)


def test_missing_stratum_names_the_firm(tmp_path: Path) -> None:
    def edit(s: pl.DataFrame) -> pl.DataFrame:
        return s.with_columns(pl.when(pl.col("orgnr") == s["orgnr"][5]).then(None).otherwise(pl.col("stratum")).alias("stratum"))

    root = _round_with(tmp_path, edit)
    firm = draw_sample(make_population(7, 1500), 8)["orgnr"][5]
    with pytest.raises(DesignError, match=rf"stratum `stratum` is missing for firm\(s\) {firm}"):
        analyse_innovation(load_definition(2018, "innovasjon", root), root=root)


def test_bad_weight_through_the_cli_is_exit_2_and_writes_nothing(tmp_path: Path) -> None:
    from click.testing import CliRunner

    from omdomme.cli import main

    def edit(s: pl.DataFrame) -> pl.DataFrame:
        return s.with_columns(pl.when(pl.col("orgnr") == s["orgnr"][1]).then(0.0).otherwise(pl.col("vekt")).alias("vekt"))

    root = _round_with(tmp_path, edit)
    firm = draw_sample(make_population(7, 1500), 8)["orgnr"][1]
    result = CliRunner().invoke(main, ["analyse", "2018", "--root", str(root), "--quiet"])
    assert result.exit_code == 2, result.output
    assert f"firm(s) {firm} (0.0)" in result.output
    assert not (root / "analyses" / "2018").exists()


def test_an_innovation_only_round_runs_through_the_cli(tmp_path: Path) -> None:
    from click.testing import CliRunner

    from omdomme.cli import main

    root = _round_with(tmp_path, lambda s: s)
    result = CliRunner().invoke(main, ["analyse", "2018", "--root", str(root), "--quiet"])
    assert result.exit_code == 0, result.output
    written = pl.read_parquet(root / "analyses" / "2018" / "estimates.parquet")
    assert set(written["survey"]) == {"innovasjon"} and written.height == 48


# --------------------------------------------------------------------------- estimates


def test_tables_have_exactly_the_contract_columns(result) -> None:  # type: ignore[no-untyped-def]
    assert result.estimates.columns == ESTIMATE_COLUMNS
    assert result.comparisons.columns == COMPARISON_COLUMNS
    est = result.estimates
    assert set(est["survey"]) == {"innovasjon"} and set(est["base"]) == {"firms"} and set(est["domain"]) == {"alle"}
    assert est.filter(pl.col("indicator") == "innovasjonsaktivitet")["target"].to_list() == TARGETS
    assert est.height == 8 * 6


def test_tables_follow_the_round_analysis_schema(result) -> None:  # type: ignore[no-untyped-def]
    # analyse_round stacks these tables under the reputation survey's: same names, same types.
    from omdomme.results.schema import COMPARISON_SCHEMA, ESTIMATE_SCHEMA

    assert dict(result.estimates.schema) == {c: ESTIMATE_SCHEMA[c] for c in ESTIMATE_COLUMNS}
    assert dict(result.comparisons.schema) == {c: COMPARISON_SCHEMA[c] for c in COMPARISON_COLUMNS}


def test_estimates_are_near_the_population_truth(result, population: pl.DataFrame) -> None:  # type: ignore[no-untyped-def]
    joined = result.estimates.join(truth(population), on=["indicator", "target"], how="inner")
    assert joined.height == 48
    # every interval is a real interval, and most cover the truth in one sample
    ok = joined.filter(pl.col("flag") != "suppressed")
    assert (ok["ci_low"] <= ok["estimate"]).all() and (ok["estimate"] <= ok["ci_high"]).all()
    covered = ((ok["ci_low"] <= ok["truth"]) & (ok["truth"] <= ok["ci_high"])).mean()
    assert covered >= 0.8


def test_display_is_norwegian(result) -> None:  # type: ignore[no-untyped-def]
    est = result.estimates.filter(pl.col("target") == "norge")
    share = est.filter(pl.col("indicator") == "innovasjonsaktivitet").row(0, named=True)
    # The one formatter of omdomme.labels: «59,7 %», a total in NOK in millions «45 600,9 mill. kr».
    from omdomme.labels import fmt_pct, fmt_unit

    assert share["display"] == fmt_pct(share["estimate"]) and share["display"].endswith("\u00a0%")
    nok = est.filter(pl.col("indicator") == "fou_utgifter").row(0, named=True)
    assert nok["display"] == fmt_unit(nok["estimate"], "mill_kr") and nok["display"].endswith("\u00a0mill.\u00a0kr")
    millions = f"{nok['estimate'] / 1e6:,.1f}".replace(",", "\u00a0").replace(".", ",")
    assert nok["display"].startswith(millions[:-1])  # the same digits, up to the last one's rounding


def test_missing_codes_leave_the_base_and_are_reported(result) -> None:  # type: ignore[no-untyped-def]
    est = result.estimates.filter(pl.col("target") == "norge")
    n_inno = est.filter(pl.col("indicator") == "innovasjonsaktivitet")["n"][0]
    n_fou = est.filter(pl.col("indicator") == "egen_fou")["n"][0]
    assert n_fou - n_inno == 12
    reasons = result.manifest["rows"]["item_nonresponse"]
    assert result.manifest["rows"]["excluded"] == []
    assert [r["count"] for r in reasons if "innovasjonsaktivitet" in r["reason"]] == [12]
    assert result.manifest["rows"]["read"] == result.manifest["rows"]["used"]
    # The manifest is English; the Norwegian report reads `reason_nb`.
    nb = [r["reason_nb"] for r in reasons if "innovasjonsaktivitet" in r["reason"]]
    assert nb == ["indikator innovasjonsaktivitet: inno_akt mangler (foretaket er med i utvalgsdesignet, "
                  "men utenfor indikatorens grunnlag)"]


def test_manifest_records_inputs_with_hashes(result, project: Path) -> None:  # type: ignore[no-untyped-def]
    inputs = result.manifest["inputs"]
    assert inputs[0]["path"] == "surveys/2018/innovasjon-2018.sav"
    assert inputs[0]["size"] == (project / inputs[0]["path"]).stat().st_size
    assert len(inputs[0]["sha256"]) == 64
    assert result.manifest["definition"]["path"] == "surveys/2018/innovasjon.toml"
    assert result.manifest["parameters"]["disclosure"]["dominance_k"] == 0.85


def test_row_order_does_not_matter(tmp_path: Path, result) -> None:  # type: ignore[no-untyped-def]
    # The same firms in reverse order: the same estimates and comparisons.
    rows = draw_sample(make_population(1, 5000), 2, item_missing=12)
    write_round(tmp_path, 2018, rows.reverse())
    shuffled = analyse_innovation(load_definition(2018, "innovasjon", tmp_path), root=tmp_path)
    pairs = (
        (result.estimates, shuffled.estimates),
        (result.comparisons.filter(pl.col("comparison") != "baseline_ratio"), shuffled.comparisons),
    )
    for a, b in pairs:
        a_num = a.select(pl.selectors.float())
        b_num = b.select(pl.selectors.float())
        np.testing.assert_allclose(a_num.to_numpy(), b_num.to_numpy(), rtol=1e-10, equal_nan=True)


# --------------------------------------------------------------------------- joint covariance


def test_norway_by_contrast_equals_the_direct_estimate(project: Path, result) -> None:  # type: ignore[no-untyped-def]
    # One number two ways: Norway as a function of the county domain totals (the route the
    # comparisons use) against Survey's own estimate on the whole sample.
    from omdomme.analysis.innovation import _prepare

    prep = _prepare(load_definition(2018, "innovasjon", project), project)
    joint, cov = joint_estimates(prep)
    direct = result.estimates.select("indicator", "target", "estimate", "se")
    both = joint.with_columns(pl.Series("se_joint", np.sqrt(np.diag(cov)))).join(
        direct, on=["indicator", "target"], suffix="_direct"
    ).filter(pl.col("se").is_not_null())
    assert both.height >= 40
    np.testing.assert_allclose(both["estimate"], both["estimate_direct"], rtol=1e-10)
    np.testing.assert_allclose(both["se_joint"], both["se"], rtol=1e-8)


def test_ostfold_vs_norway_uses_the_positive_covariance(project: Path) -> None:
    from omdomme.analysis.innovation import _prepare

    prep = _prepare(load_definition(2018, "innovasjon", project), project)
    joint, cov = joint_estimates(prep)
    rows = {(i, t): k for k, (i, t) in enumerate(joint.select("indicator", "target").iter_rows())}
    a, b = rows[("innovasjonsaktivitet", "ostfold")], rows[("innovasjonsaktivitet", "norge")]
    # Østfold's firms are part of Norway: the covariance is positive, so the independent
    # formula would overstate the SE of the difference.
    assert cov[a, b] > 0
    paired = cov[a, a] + cov[b, b] - 2 * cov[a, b]
    assert paired < cov[a, a] + cov[b, b]


def test_comparisons_rows_and_holm(result) -> None:  # type: ignore[no-untyped-def]
    comp = result.comparisons.filter(pl.col("indicator") == "innovasjonsaktivitet")
    assert comp["comparison"].to_list() == ["norge", "county", "county", "county", "county", "baseline_ratio"]
    county = comp.filter(pl.col("comparison") == "county")
    assert set(county["target_b"]) == {"akershus", "oslo", "buskerud", "vestfold"}
    # One family per kind of comparison: every indicator's Østfold-vs-county rows together.
    assert (county["family"] == "county:2018:innovasjon:alle").all()
    family = result.comparisons.filter(pl.col("family") == "county:2018:innovasjon:alle")
    assert set(family["comparison"]) == {"county"} and family.height == 4 * family["indicator"].n_unique()
    tested = family.filter(pl.col("p_value").is_not_null())
    p = np.sort(tested["p_value"].to_numpy())
    holm = np.minimum(1, np.maximum.accumulate(p * np.arange(len(p), 0, -1)))
    np.testing.assert_allclose(np.sort(tested["p_adjusted"].to_numpy()), holm)
    est = result.estimates.filter(pl.col("indicator") == "innovasjonsaktivitet")
    norge = comp.filter(pl.col("comparison") == "norge").row(0, named=True)
    assert norge["estimate_a"] == pytest.approx(est.filter(pl.col("target") == "ostfold")["estimate"][0])
    assert norge["estimate_b"] == pytest.approx(est.filter(pl.col("target") == "norge")["estimate"][0])
    assert norge["difference"] == pytest.approx(norge["estimate_a"] - norge["estimate_b"])
    assert norge["ci_low"] < norge["difference"] < norge["ci_high"]
    assert norge["ratio_ci_low"] < norge["ratio"] < norge["ratio_ci_high"]


# --------------------------------------------------------------------------- goal


def test_goal_ratio_to_baseline(result, project: Path) -> None:  # type: ignore[no-untyped-def]
    row = result.comparisons.filter(pl.col("comparison") == "baseline_ratio").row(0, named=True)
    base = analyse_innovation(load_definition(2016, "innovasjon", project), root=project).estimates
    b = base.filter((pl.col("indicator") == "innovasjonsaktivitet") & (pl.col("target") == "ostfold")).row(0, named=True)
    now = result.estimates.filter(
        (pl.col("indicator") == "innovasjonsaktivitet") & (pl.col("target") == "ostfold")).row(0, named=True)
    assert (row["round_a"], row["round_b"]) == (2018, 2016)
    assert row["ratio"] == pytest.approx(now["estimate"] / b["estimate"])
    se_log = math.hypot(now["se"] / now["estimate"], b["se"] / b["estimate"])
    width = math.log(row["ratio_ci_high"]) - math.log(row["ratio_ci_low"])
    assert width / (2 * se_log) == pytest.approx(1.96, abs=0.05)
    assert row["note"] == goal_verdict(row["ratio_ci_low"], row["ratio_ci_high"], 2.0)
    assert row["method"].startswith("independent samples")
    assert result.manifest["parameters"]["goal"]["verdict"] == row["note"]


def test_goal_verdicts() -> None:
    assert goal_verdict(2.0, 2.5, 2.0) == "nådd"
    assert goal_verdict(1.2, 2.0, 2.0) == "mulig"
    assert goal_verdict(1.2, 1.99, 2.0) == "utelukket"


def test_baseline_round_has_no_goal_row(project: Path) -> None:
    base = analyse_innovation(load_definition(2016, "innovasjon", project), root=project)
    assert "baseline_ratio" not in base.comparisons["comparison"].to_list()
    assert base.manifest["parameters"]["goal"]["status"] == "this is the baseline round"


# --------------------------------------------------------------------------- disclosure


@pytest.mark.filterwarnings("ignore:.*estimate\\(s\\) flagged")  # two Vestfold firms: df <= 0, expected
def test_small_and_dominated_cells_are_suppressed(tmp_path: Path) -> None:
    pop = make_population(7, 1500)

    def edit(s: pl.DataFrame) -> pl.DataFrame:
        # Vestfold keeps two firms; one Oslo firm spends nearly all of Oslo's R&D.
        vestfold = s.filter(pl.col("county") == "vestfold")["orgnr"].to_list()[2:]
        big = s.filter((pl.col("county") == "oslo") & (pl.col("storrelse") == 3))["orgnr"][0]
        return (
            s.filter(~pl.col("orgnr").is_in(vestfold))
            .with_columns(pl.when(pl.col("orgnr") == big).then(5e10).otherwise(pl.col("fou_utg")).alias("fou_utg"))
            .with_columns((pl.col("N_stratum") / pl.len().over("stratum")).alias("vekt"))
        )

    del pop
    root = _round_with(tmp_path, edit)
    res = analyse_innovation(load_definition(2018, "innovasjon", root), root=root)
    est = res.estimates
    vest = est.filter(pl.col("target") == "vestfold")
    assert (vest["flag"] == "suppressed").all() and (vest["display"] == ":").all()
    assert vest["estimate"].null_count() == vest.height
    assert vest["note"][0] == "undertrykt: færre enn 3 foretak i cellen (2)"
    oslo = est.filter((pl.col("target") == "oslo") & (pl.col("indicator") == "fou_utgifter")).row(0, named=True)
    assert oslo["flag"] == "suppressed" and oslo["display"] == ":"
    assert oslo["note"].startswith("undertrykt: de 2 største foretakene står for")
    oslo_share = est.filter((pl.col("target") == "oslo") & (pl.col("indicator") == "innovasjonsaktivitet"))
    assert oslo_share["flag"][0] != "suppressed"
    comp = res.comparisons.filter(pl.col("target_b") == "vestfold")
    assert comp["difference"].null_count() == comp.height
    assert comp["note"].str.starts_with("undertrykt").all()


def test_small_share_cells_follow_the_presentation_rules(tmp_path: Path) -> None:
    # 12 firms in Vestfold: not a confidentiality problem, but below the minimum base of 30 for
    # a share (the reputation survey's rules): shown as `:` with the reason, numbers kept.
    def edit(s: pl.DataFrame) -> pl.DataFrame:
        vestfold = s.filter(pl.col("county") == "vestfold")["orgnr"].to_list()[12:]
        return s.filter(~pl.col("orgnr").is_in(vestfold)).with_columns(
            (pl.col("N_stratum") / pl.len().over("stratum")).alias("vekt")
        )

    root = _round_with(tmp_path, edit)
    with pytest.warns(Warning):
        res = analyse_innovation(load_definition(2018, "innovasjon", root), root=root)
    cell = res.estimates.filter((pl.col("target") == "vestfold") & (pl.col("indicator") == "innovasjonsaktivitet"))
    row = cell.row(0, named=True)
    assert (row["flag"], row["display"]) == ("suppressed", ":")
    assert "n = 12 er under minstebasen 30" in row["note"]
    assert row["estimate"] is not None and row["se"] is not None
    comp = res.comparisons.filter(
        (pl.col("target_b") == "vestfold") & (pl.col("indicator") == "innovasjonsaktivitet"))
    assert comp["difference"][0] is not None


def test_county_codes_place_firms_as_municipality_codes_do(tmp_path: Path, result) -> None:  # type: ignore[no-untyped-def]
    # [firm] fylke = "fylke": the same firms by their county code give the same estimates.
    rows = draw_sample(make_population(1, 5000), 2, item_missing=12)
    rows = rows.with_columns(pl.col("kommune").str.slice(0, 2).cast(pl.Int64).cast(pl.Float64).alias("fylke"))
    write_round(tmp_path, 2018, rows, toml=TOML.replace('kommune = "kommune"', 'fylke = "fylke"'))
    by_fylke = analyse_innovation(load_definition(2018, "innovasjon", tmp_path), root=tmp_path)
    assert by_fylke.manifest["parameters"]["geography"]["level"] == "fylke"
    np.testing.assert_allclose(by_fylke.estimates["estimate"].to_numpy(), result.estimates["estimate"].to_numpy(),
                               rtol=1e-12)


def test_report_method_section_shows_the_norwegian_exclusion_reason(tmp_path) -> None:  # type: ignore[no-untyped-def]
    # The manifest's `reason` is English; a Norwegian report shows `reason_nb`, an English one `reason`.
    import json

    from _fake_analyses import write_fake_analyses
    from omdomme.report import Report

    write_fake_analyses(tmp_path, rounds=(2018,))
    path = tmp_path / "analyses" / "2018" / "manifest.json"
    manifest = json.loads(path.read_text(encoding="utf-8"))
    manifest["surveys"]["innovasjon"]["rows"]["excluded"] = [{
        "reason": "kommune 9999 «Uoppgitt»: firm counted in Norway, in no county",
        "reason_nb": "kommune 9999 «Uoppgitt»: foretaket telles i Norge, men ikke i noe fylke", "count": 14,
    }]
    path.write_text(json.dumps(manifest), encoding="utf-8")
    nb = "\n".join(map(str, Report(2018, survey="innovasjon", root=tmp_path, lang="nb").method_parts()))
    en = "\n".join(map(str, Report(2018, survey="innovasjon", root=tmp_path, lang="en").method_parts()))
    assert "foretaket telles i Norge, men ikke i noe fylke (14)" in nb and "firm counted" not in nb
    assert "firm counted in Norway, in no county (14)" in en


def _shipped_innovation_project(root) -> None:  # type: ignore[no-untyped-def]
    import shutil

    for round_ in (2016, 2018):
        folder = root / "surveys" / str(round_)
        folder.mkdir(parents=True)
        for name in ("innovasjon.toml", f"innovasjon-{round_}.sav"):
            shutil.copy(REPO / "surveys" / str(round_) / name, folder / name)


def test_summary_innovation_block_cells_and_goal(tmp_path) -> None:  # type: ignore[no-untyped-def]
    # The whole block is pinned by tests/snapshots/analyse_2018_innovasjon.txt; here the cases
    # the shipped round does not show: a suppressed and a flagged cell, the baseline round.
    import dataclasses

    from omdomme.analysis.reputation import analyse_round
    from omdomme.text.summary import summary_text

    _shipped_innovation_project(tmp_path)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", EstimationWarning)  # the «Uoppgitt» firms
        base = analyse_round(2016, root=tmp_path)
        result = analyse_round(2018, root=tmp_path)
    assert "Mål: 2016 er grunnlagsåret" in summary_text(base)
    est = result.estimates.with_columns(
        flag=pl.when((pl.col("target") == "ostfold") & (pl.col("indicator") == "egen_fou")).then(pl.lit("suppressed"))
        .when((pl.col("target") == "ostfold") & (pl.col("indicator") == "prosessinnovasjon")).then(pl.lit("flagged"))
        .otherwise(pl.col("flag")),
        note=pl.when((pl.col("target") == "ostfold") & (pl.col("indicator") == "egen_fou"))
        .then(pl.lit("n = 12 er under minstebasen 30")).otherwise(pl.col("note")),
    )
    text = summary_text(dataclasses.replace(result, estimates=est))
    block = text.split("[egen_fou; høyere er bedre]")[1].split("\n\n")[0]
    assert "  Østfold        :  (n = 12 er under minstebasen 30)" in block
    # Not significant: no arrow, the words say so.
    assert "ingen sikker forskjell" in block and "↑" not in block and "↓" not in block
    process = text.split("[prosessinnovasjon; høyere er bedre]")[1].split("\n\n")[0]
    assert process.splitlines()[1].endswith(") *")
    # Welch–Satterthwaite df for the two rounds (1.2212–1.9246), as `omdomme compare`.
    assert "Forhold        1,53 (1,22 til 1,92): utelukket" in text
