"""Innovation breakdowns ([breakdowns.<id>] of innovasjon.toml): every indicator per county × level as
a domain of the full stratified design, the disclosure rules per cell with secondary suppression of
totals, the manifest's level counts, and the definition errors a user sees."""

from __future__ import annotations

import warnings
from pathlib import Path

import numpy as np
import polars as pl
import pytest

from omdomme.analysis.disclosure import SECONDARY_NOTE, secondary_suppression
from omdomme.analysis.innovation import COUNTY, _prepare, analyse_innovation
from omdomme.definitions import load_definition
from omdomme.definitions.innovation import parse_innovation
from omdomme.errors import DefinitionError
from omdomme.estimate.survey import Survey
from test_innovation_fixture import TOML, draw_sample, make_population, write_round

REPO = Path(__file__).resolve().parents[1]

pytestmark = pytest.mark.filterwarnings("ignore:.*the goal ratio is not computed", "ignore::UserWarning")

BREAKDOWNS = """
[breakdowns.storrelse]
label = "Størrelse"
by = "size_class"
labels = { "1" = "Små", "2" = "Mellomstore", "3" = "Store" }

[breakdowns.ansatte]
label = "Sysselsatte"
by = "employees"
levels = { 10-19 = [10, 19], 20-49 = [20, 49] }
"""


def _toml(extra: str = BREAKDOWNS) -> str:
    # write_round fills TOML's {round} placeholders: the breakdowns' own braces are escaped.
    return TOML.replace("\n[goal]", extra.replace("{", "{{").replace("}", "}}") + "\n[goal]", 1)


def _analyse(root: Path):  # type: ignore[no-untyped-def]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return analyse_innovation(load_definition(2018, "innovasjon", root), root=root)


@pytest.fixture(scope="module")
def sample() -> pl.DataFrame:
    return draw_sample(make_population(11, 4000), 12)


@pytest.fixture(scope="module")
def crossed(tmp_path_factory: pytest.TempPathFactory, sample: pl.DataFrame):  # type: ignore[no-untyped-def]
    root = tmp_path_factory.mktemp("crossed")
    write_round(root, 2018, sample, toml=_toml())
    return root, _analyse(root)


def test_the_definitions_own_rows_are_exactly_as_without_breakdowns(tmp_path: Path, sample: pl.DataFrame,
                                                                    crossed) -> None:  # type: ignore[no-untyped-def]
    write_round(tmp_path, 2018, sample)
    plain = _analyse(tmp_path).estimates
    est = crossed[1].estimates
    own = est.filter(pl.col("breakdown").is_null())
    assert own.equals(plain)
    assert est.head(plain.height).equals(own)  # own rows first, then the breakdown rows
    assert crossed[1].comparisons.equals(_analyse(tmp_path).comparisons)


def test_rows_keys_labels_and_order(crossed) -> None:  # type: ignore[no-untyped-def]
    est = crossed[1].estimates.filter(pl.col("breakdown").is_not_null())
    levels = est.select("breakdown", "breakdown_level", "domain", "domain_label").unique(maintain_order=True).rows()
    assert levels == [
        ("storrelse", "1", "storrelse=1", "Størrelse: Små"), ("storrelse", "2", "storrelse=2", "Størrelse: Mellomstore"),
        ("storrelse", "3", "storrelse=3", "Størrelse: Store"),
        ("ansatte", "10-19", "ansatte=10-19", "Sysselsatte: 10–19 sysselsatte"),
        ("ansatte", "20-49", "ansatte=20-49", "Sysselsatte: 20–49 sysselsatte"),
    ]
    # every indicator × every level × the five counties and Norway
    assert est.height == est["indicator"].n_unique() * 5 * 6
    assert est["indicator"].unique(maintain_order=True).to_list()[0] == "innovasjonsaktivitet"
    first = est.head(6)
    assert first["target"].to_list() == ["akershus", "oslo", "buskerud", "vestfold", "ostfold", "norge"]
    assert est["category"].null_count() == est.height and est["letters"].null_count() == est.height


def test_a_cell_is_a_domain_of_the_full_design_not_a_redesigned_subset(crossed) -> None:  # type: ignore[no-untyped-def]
    root, result = crossed
    prep = _prepare(load_definition(2018, "innovasjon", root), root)
    data = prep.data.with_columns(
        ((pl.col(COUNTY) == "ostfold") & (pl.col("storrelse") == 2)).alias("_cell"),
        pl.col("fou_utg").cast(pl.Float64).alias("y"),
    )
    full = Survey(data, weights="vekt", strata="stratum", fpc="N_stratum")
    row = full.total("y", by="_cell").filter(pl.col("_cell")).row(0, named=True)
    cell = result.estimates.filter((pl.col("indicator") == "fou_utgifter") & (pl.col("domain") == "storrelse=2")
                                   & (pl.col("target") == "ostfold")).row(0, named=True)
    assert cell["estimate"] == pytest.approx(row["estimate"], rel=1e-12)
    assert cell["se"] == pytest.approx(row["se"], rel=1e-12)
    inside = data.filter(pl.col("_cell"))
    assert cell["n"] == inside.height
    assert cell["df"] == inside.height - inside["stratum"].n_unique()  # its firms minus its strata
    # A design of the subset alone would give another SE (n_h and the fpc of the subset's strata).
    subset = Survey(inside, weights="vekt", strata="stratum", fpc="N_stratum").total("y").row(0, named=True)
    assert abs(subset["se"] - cell["se"]) > 1e-6 * cell["se"]


def test_firms_in_no_level_are_counted_never_dropped(crossed, sample: pl.DataFrame) -> None:  # type: ignore[no-untyped-def]
    manifest = crossed[1].manifest["parameters"]["breakdowns"]
    entry = manifest["ansatte"]
    assert entry["unit"] == "firms"
    assert entry["in_no_level"] == int((sample["ansatte"] >= 50).sum()) > 0
    assert sum(lv["firms"] for lv in entry["levels"]) + entry["in_no_level"] == sample.height
    assert manifest["storrelse"]["in_no_level"] == 0
    assert [lv["label"] for lv in manifest["storrelse"]["levels"]] == ["Små", "Mellomstore", "Store"]


def _dominated(tmp_path: Path, extra: str = BREAKDOWNS) -> pl.DataFrame:
    # One Oslo firm of size class 2 holds 90 % of its cell's R&D: that cell is dominated, Oslo is not.
    s = draw_sample(make_population(11, 4000), 12)
    cell = s.filter((pl.col("county") == "oslo") & (pl.col("storrelse") == 2))
    big, weight = cell["orgnr"][0], cell["vekt"][0]
    rest = float((cell["vekt"] * cell["fou_utg"]).sum() - weight * cell["fou_utg"][0])
    s = s.with_columns(pl.when(pl.col("orgnr") == big).then(9 * rest / weight).otherwise(pl.col("fou_utg"))
                       .alias("fou_utg"))
    write_round(tmp_path, 2018, s, toml=_toml(extra))
    return _analyse(tmp_path).estimates


def test_a_dominated_level_is_suppressed_and_the_next_smallest_too(tmp_path: Path) -> None:
    est = _dominated(tmp_path)
    oslo = est.filter((pl.col("indicator") == "fou_utgifter") & (pl.col("target") == "oslo")
                      & (pl.col("breakdown") == "storrelse"))
    primary = oslo.filter(pl.col("breakdown_level") == "2").row(0, named=True)
    assert primary["display"] == ":" and primary["note"].startswith("undertrykt: de 2 største foretakene")
    secondary = oslo.filter(pl.col("note") == SECONDARY_NOTE)
    assert secondary.height == 1 and secondary["display"][0] == ":"
    assert secondary["estimate"][0] is None and secondary["se"][0] is None  # withheld in the CSV too
    # the smaller of the two published levels (by value) was chosen
    prep_values = oslo.filter(pl.col("breakdown_level") != "2")
    assert prep_values.filter(pl.col("note") != SECONDARY_NOTE)["display"][0] != ":"
    # Oslo's own cell and the other breakdown's cells stand as they were
    own = est.filter((pl.col("indicator") == "fou_utgifter") & (pl.col("target") == "oslo")
                     & pl.col("breakdown").is_null())
    assert own["display"][0] != ":"
    # shares and ratios are not additive: no secondary suppression there
    assert est.filter(pl.col("note") == SECONDARY_NOTE)["kind"].unique().to_list() == ["total"]


def test_no_suppressed_total_can_be_derived_by_subtraction(tmp_path: Path) -> None:
    est = _dominated(tmp_path).filter(pl.col("kind") == "total")
    withheld = (pl.col("flag") == "suppressed") & (pl.col("n") > 0)
    own = est.filter(pl.col("breakdown").is_null()).select("indicator", "target", withheld.alias("_own"))
    per = (est.filter(pl.col("breakdown").is_not_null())
           .group_by("indicator", "target", "breakdown").agg(withheld.sum().alias("_k"))
           .join(own, on=["indicator", "target"]))
    assert per.height > 0
    # One unknown in «county = sum of its levels» would be the difference: never exactly one.
    unknowns = per["_k"] + per["_own"].cast(pl.UInt32)
    assert not (unknowns == 1).any(), per.filter(unknowns == 1)
    # A withheld county cell needs two withheld levels in every breakdown (it may be known from another).
    assert (per.filter(pl.col("_own"))["_k"] >= 2).all()


@pytest.mark.parametrize(("parent", "levels", "expected"), [
    # (county cell withheld, [(n, value, withheld)]) -> which levels are withheld secondarily
    (False, [(30, 10.0, False), (30, 20.0, False)], [False, False]),
    (False, [(2, 5.0, True), (30, 50.0, False), (40, 20.0, False)], [False, False, True]),
    (False, [(2, 5.0, True), (1, 1.0, True), (40, 20.0, False)], [False, False, False]),
    (True, [(30, 10.0, False), (30, 0.0, False), (30, 30.0, False)], [True, False, True]),
    (True, [(2, 10.0, True), (30, 40.0, False), (30, 30.0, False)], [False, False, True]),
    # an empty level protects nothing (its value is 0)
    (False, [(0, 0.0, True), (2, 3.0, True), (30, 30.0, False), (30, 90.0, False)], [False, False, True, False]),
])
def test_secondary_suppression_rule(parent: bool, levels: list[tuple[int, float, bool]], expected: list[bool]) -> None:
    frame = pl.DataFrame({
        "c": ["x"] * (len(levels) + 1),
        "b": ["", *["s"] * len(levels)],
        "n": [sum(n for n, _, _ in levels), *[n for n, _, _ in levels]],
        "estimate": [sum(v for _, v, _ in levels), *[v for _, v, _ in levels]],
        "p": [parent, *[w for _, _, w in levels]],
        "a": [True] * (len(levels) + 1),
    })
    out = secondary_suppression(frame, margin=["c"], partition="b", total="", primary="p", additive="a")
    assert out.to_list() == [False, *expected]


def test_shipped_2018_breakdowns_manifest_and_speed_of_the_cells() -> None:
    result = _analyse(REPO)
    est = result.estimates.filter(pl.col("breakdown").is_not_null())
    assert est["breakdown"].unique(maintain_order=True).to_list() == ["naering", "storrelse", "ansatte"]
    naering = est.filter((pl.col("breakdown") == "naering") & (pl.col("indicator") == "innovasjonsaktivitet")
                         & (pl.col("target") == "ostfold"))
    assert naering["domain_label"].to_list()[:2] == ["Næring: Industri", "Næring: Bygge- og anleggsvirksomhet"]
    entry = result.manifest["parameters"]["breakdowns"]
    data, _ = load_definition(2018, "innovasjon", REPO).read()
    for b in ("naering", "storrelse", "ansatte"):
        assert sum(lv["firms"] for lv in entry[b]["levels"]) + entry[b]["in_no_level"] == data.height
    # Norway × level sums the counties, utenfor and «Uoppgitt» firms: n adds up over the levels.
    norge = est.filter((pl.col("target") == "norge") & (pl.col("indicator") == "innovasjonsaktivitet")
                       & (pl.col("breakdown") == "storrelse"))
    assert int(norge["n"].sum()) == data.height
    assert np.isfinite(est.filter(pl.col("flag") != "suppressed")["se"].to_numpy()).all()


@pytest.mark.parametrize(("extra", "message"), [
    ('[breakdowns.x]\nby = "naering"\n', "key `by` in [breakdowns.x] is 'naering'; use one of industry, size_class, employees, variable"),
    ('[breakdowns.x]\nby = "employees"\n', 'with by = "employees" needs `levels`'),
    ('[breakdowns.x]\nby = "employees"\nlevels = { a = [50, 10] }\n', "band `a` in [breakdowns.x] must be [low, high]"),
    ('[breakdowns.x]\nby = "variable"\n', "required key `variable` missing in [breakdowns.x]"),
    ('[breakdowns.x]\nby = "industry"\nvariable = "nace"\n', '`variable` in [breakdowns.x] needs by = "variable"'),
    ('[breakdowns.x]\nby = "industry"\nquestion = "q"\n', "unknown key `question` in [breakdowns.x]"),
    ('[breakdowns.x]\nby = "size_class"\nindicators = ["fou_utgift"]\n', "did you mean `fou_utgifter`?"),
    ('[breakdowns.x]\nby = "size_class"\nwithin = "unge"\n', "`within` in [breakdowns.x] names unknown domain `unge`; use one of alle"),
])
def test_definition_errors_name_the_key_and_the_fix(tmp_path: Path, extra: str, message: str) -> None:
    write_round(tmp_path, 2018, draw_sample(make_population(7, 800), 8))
    path = tmp_path / "surveys" / "2018" / "innovasjon.toml"
    path.write_text(path.read_text(encoding="utf-8").replace("\n[goal]", "\n" + extra + "\n[goal]", 1), encoding="utf-8")
    with pytest.raises(DefinitionError) as error:
        parse_innovation(load_definition(2018, "innovasjon", tmp_path))
    assert message in str(error.value)
    assert str(path) in str(error.value)


def test_a_firm_field_the_definition_lacks_is_named(tmp_path: Path) -> None:
    write_round(tmp_path, 2018, draw_sample(make_population(7, 800), 8))
    path = tmp_path / "surveys" / "2018" / "innovasjon.toml"
    text = path.read_text(encoding="utf-8").replace('size_class = "storrelse"\n', "")
    path.write_text(text.replace("\n[goal]", '\n[breakdowns.x]\nby = "size_class"\n\n[goal]', 1), encoding="utf-8")
    with pytest.raises(DefinitionError, match=r'by = "size_class" but \[firm\] names no `size_class` variable; '
                                              r'add it there \(e.g. size_class = "storrelse"\)'):
        parse_innovation(load_definition(2018, "innovasjon", tmp_path))


def test_overlapping_levels_and_a_missing_variable_are_named(tmp_path: Path) -> None:
    write_round(tmp_path, 2018, draw_sample(make_population(7, 800), 8))
    path = tmp_path / "surveys" / "2018" / "innovasjon.toml"
    base = path.read_text(encoding="utf-8")
    path.write_text(base.replace("\n[goal]", '\n[breakdowns.x]\nby = "employees"\nlevels = { a = [10, 30], '
                                 'b = [20, 49] }\n\n[goal]', 1), encoding="utf-8")
    with pytest.raises(DefinitionError, match=r"levels `a`, `b` of \[breakdowns.x\] both hold firm\(s\) .*disjoint"):
        _prepare(load_definition(2018, "innovasjon", tmp_path), tmp_path)
    path.write_text(base.replace("\n[goal]", '\n[breakdowns.x]\nby = "variable"\nvariable = "sektor"\n\n[goal]', 1),
                    encoding="utf-8")
    with pytest.raises(DefinitionError, match=r"\[breakdowns.x\] variable `sektor` is not a variable of the data"):
        _prepare(load_definition(2018, "innovasjon", tmp_path), tmp_path)


def test_table_command_shows_an_innovation_indicator_by_naering(tmp_path: Path) -> None:
    from click.testing import CliRunner

    from _fixture_round import assert_snapshot
    from omdomme.cli import main

    (tmp_path / "surveys").symlink_to(REPO / "surveys")
    runner = CliRunner()
    first = runner.invoke(main, ["analyse", "2018", "--root", str(tmp_path), "-q"])
    assert first.exit_code == 0, first.output
    result = runner.invoke(main, ["table", "2018", "--indicator", "innovasjonsaktivitet", "--by", "naering",
                                  "--root", str(tmp_path)])
    assert result.exit_code == 0, result.output
    assert_snapshot("table_2018_innovasjonsaktivitet_naering", result.stdout)
    assert ":" in result.stdout.split("Norge")[0] and "Norge" in result.stdout
    wrong = runner.invoke(main, ["table", "2018", "--indicator", "fou_utgifter", "--by", "kjonn",
                                 "--root", str(tmp_path)])
    assert wrong.exit_code == 2
    assert "has no breakdown `kjonn`; it has: naering, storrelse, ansatte ([breakdowns] in " \
           "surveys/2018/innovasjon.toml)" in wrong.stderr


def test_small_coverage_study_of_the_breakdown_cells(tmp_path: Path) -> None:
    # studies/coverage_innovation.py on the fixture population with 20 samples (the study itself runs
    # more): the county × size class cells of shares cover near 95 %; a halved SE would not.
    import importlib.util
    import sys

    spec = importlib.util.spec_from_file_location("coverage_innovation", REPO / "studies" / "coverage_innovation.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules["coverage_innovation"] = module
    spec.loader.exec_module(module)
    population = make_population(11, 5000)
    write_round(tmp_path, 2018, draw_sample(population, 1), toml=_toml())
    per_cell, per_indicator = module.run(load_definition(2018, "innovasjon", tmp_path), population,
                                         lambda pop, seed: draw_sample(pop, 100 + seed), reps=20)
    cells = per_indicator.filter(pl.col("what") == "breakdown")
    assert cells["intervals"].to_list() == [20 * 5 * 6] * 8  # 5 levels × (5 counties + Norway)
    shares = cells.filter(pl.col("kind") == "share")["coverage"].mean()
    assert 0.90 <= shares <= 0.99, shares
    assert 0.85 <= cells.filter(pl.col("kind") != "share")["coverage"].mean() <= 0.995
    # the truth is the population's county × level value (the study's own breakdown_truth)
    bd = per_cell.filter((pl.col("what") == "breakdown") & (pl.col("target") == "ostfold")
                         & (pl.col("domain") == "storrelse=1") & (pl.col("indicator") == "innovasjonsaktivitet"))
    truth = population.filter((pl.col("county") == "ostfold") & (pl.col("storrelse") == 1))["inno_akt"].mean()
    assert bd["truth"][0] == pytest.approx(truth)


def test_the_innovation_report_shows_ostfold_by_naering_and_size_class() -> None:
    import re

    from _report_project import analysed_project
    from omdomme.report import Report

    root = analysed_project()
    parts = Report(2018, survey="innovasjon", root=root).innovation_breakdowns_parts()
    assert parts[0] == "## Østfold etter næring og størrelse"
    text = re.sub(r"<[^>]+>", "|", parts[2].as_raw_html())
    cells = [c.strip() for c in text.split("|") if c.strip()]
    est = pl.read_csv(root / "analyses" / "2018" / "estimates.csv", infer_schema_length=None).filter(
        (pl.col("survey") == "innovasjon") & (pl.col("indicator") == "innovasjonsaktivitet")
        & (pl.col("target") == "ostfold") & pl.col("breakdown").is_in(["naering", "storrelse"]))
    assert "Næring" in cells and "Størrelse" in cells
    for r in est.iter_rows(named=True):  # every level, and `:` exactly where the analysis withholds
        level = r["domain_label"].split(": ", 1)[1]
        shown = cells[cells.index(level) + 1]
        assert shown.rstrip("*") == (":" if r["flag"] == "suppressed" else r["display"])
    assert ":" in cells
