"""Breakdowns ([breakdowns.<id>]): every indicator in each level of a background variable, as a
domain of the full design — R parity on the shipped 2018 round, labels from the file, the
definition's own rows untouched, and the definition errors a user sees."""

from __future__ import annotations

import hashlib
import warnings
from pathlib import Path

import numpy as np
import polars as pl
import pytest

from _fixture_round import DEFINITION, make_data, make_round
from omdomme.analysis.reputation import analyse_round, estimate_reputation
from omdomme.definitions import load_definition, parse_definition
from omdomme.errors import DefinitionError

REPO = Path(__file__).resolve().parents[1]
R_TABLES = REPO / "tests" / "reference" / "r_tables"

BREAKDOWNS = """
[breakdowns.kjonn]
label = "Kjønn"
by = "sex"

[breakdowns.alder]
label = "Alder"
by = "age"
levels = { unge = [18, 29], eldre = [30, 80] }
labels = { unge = "Unge" }

[breakdowns.bosted]
label = "Bosted"
by = "residence"
indicators = ["svaert_godt"]

[breakdowns.kjennskap]
label = "Kjennskap"
by = "question"
question = "kjennskap"
levels = { godt = [1, 2], lite = [3, 4], vet_ikke = [9] }
indicators = ["svaert_godt"]

[breakdowns.utvalg_raw]
label = "Utvalg (rå)"
by = "variable"
variable = "utvalg"
indicators = ["svaert_godt"]
"""


def _with(extra: str, round: int = 2018) -> str:
    text = DEFINITION.format(round=round, code_year=2018, previous="")
    return text.replace("\n[reliability]", extra + "\n[reliability]", 1)


def _estimates(definition) -> pl.DataFrame:  # type: ignore[no-untyped-def]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return estimate_reputation(definition, *definition.read()).estimates


def _r_reference(name: str) -> pl.DataFrame:
    d = load_definition(2018, root=REPO)
    provenance = dict(line.split(" = ", 1) for line in
                      (R_TABLES / "r_tables_2018.provenance.txt").read_text().splitlines())
    assert provenance["data_sha256"] == hashlib.sha256(d.data_path.read_bytes()).hexdigest(), (
        "surveys/2018/omdomme-2018.sav changed since the R reference was made; rerun "
        "`Rscript tests/reference/r_tables/r_tables.R` and commit its output")
    return pl.read_csv(R_TABLES / name, infer_schema_length=None)


def test_shipped_breakdowns_match_r_svyby_on_the_subset() -> None:
    # R: svyby(~I(...), ~target + kjonn, subset(design, in_base), svyciprop, method = "logit") on the
    # long design, with svymean for the exact share and SE (tests/reference/r_tables/r_tables.R).
    ref = _r_reference("r_tables_estimates_2018.csv").filter(pl.col("part") == "breakdown")
    est = _estimates(load_definition(2018, root=REPO))
    joined = ref.join(est, on=["indicator", "domain", "target"], how="left", suffix="_py")
    # 4 indicators × (2 sexes + 4 age bands + 2 samples) × 5 counties
    assert joined.height == ref.height == 160 and joined["estimate_py"].null_count() == 0
    assert joined["n_py"].to_list() == joined["n"].to_list()
    assert joined["df_py"].to_list() == joined["df"].cast(pl.Float64).to_list()
    for col in ("estimate", "se"):
        np.testing.assert_allclose(joined[f"{col}_py"].to_numpy(), joined[col].to_numpy(), rtol=1e-12, atol=0,
                                   err_msg=col)
    # The logit interval: svyciprop's glm stops at a 1e-8 deviance change (as tests/test_analysis.py).
    for col in ("ci_low", "ci_high"):
        np.testing.assert_allclose(joined[f"{col}_py"].to_numpy(), joined[col].to_numpy(), rtol=0, atol=1e-8,
                                   err_msg=col)
    # The contract's columns for a breakdown row.
    row = est.filter((pl.col("domain") == "kjonn=kvinne") & (pl.col("indicator") == "svaert_godt")
                     & (pl.col("target") == "ostfold")).row(0, named=True)
    assert (row["breakdown"], row["breakdown_level"], row["domain_label"], row["category"]) == (
        "kjonn", "kvinne", "Kjønn: Kvinne", None)


def test_breakdowns_leave_the_definitions_own_rows_exactly_as_they_were(tmp_path: Path) -> None:
    plain = parse_definition(make_round(tmp_path / "a"))
    crossed = parse_definition(make_round(tmp_path / "b", definition=_with(BREAKDOWNS)))
    a, b = _estimates(plain), _estimates(crossed)
    own = b.filter(pl.col("breakdown").is_null())
    assert own.drop("breakdown", "breakdown_level", "category").equals(
        a.drop("breakdown", "breakdown_level", "category"))
    assert b.height > a.height and b.head(a.height).equals(own)


def test_each_kind_of_breakdown_and_its_labels(tmp_path: Path) -> None:
    d = parse_definition(make_round(tmp_path, definition=_with(BREAKDOWNS)))
    est = _estimates(d)
    bd = est.filter(pl.col("breakdown").is_not_null())
    levels = bd.select("breakdown", "breakdown_level", "domain_label").unique(maintain_order=True).rows()
    assert levels == [
        ("kjonn", "mann", "Kjønn: Mann"), ("kjonn", "kvinne", "Kjønn: Kvinne"),
        ("alder", "unge", "Alder: Unge"), ("alder", "eldre", "Alder: 30–80 år"),
        ("bosted", "akershus", "Bosted: Akershus"), ("bosted", "oslo", "Bosted: Oslo"),
        ("bosted", "buskerud", "Bosted: Buskerud"), ("bosted", "vestfold", "Bosted: Vestfold"),
        ("bosted", "ostfold", "Bosted: Østfold"),
        # the file's value labels: 1 "lav", 9 "Vet ikke"; code 2 has none (its code is shown)
        ("kjennskap", "godt", "Kjennskap: lav / 2"), ("kjennskap", "lite", "Kjennskap: 3 / 4"),
        ("kjennskap", "vet_ikke", "Kjennskap: Vet ikke"),
        ("utvalg_raw", "1", "Utvalg (rå): 1"), ("utvalg_raw", "2", "Utvalg (rå): 2"),
    ]
    # Every indicator whose domains include `within` (alle) by default; the listed ones otherwise.
    assert set(bd.filter(pl.col("breakdown") == "kjonn")["indicator"]) == {
        "vet_ikke", "svaert_godt", "svaert_godt_meninger", "verdier"}
    assert set(bd.filter(pl.col("breakdown") == "bosted")["indicator"]) == {"svaert_godt"}
    # A level is a domain of the full design: its n and df are its own respondents in the base.
    data, _ = d.read()
    women = int((data["kjonn"] == 2).sum())
    cell = bd.filter((pl.col("domain") == "kjonn=kvinne") & (pl.col("indicator") == "svaert_godt")
                     & (pl.col("target") == "oslo")).row(0, named=True)
    answered = int(((data["kjonn"] == 2) & data["inntrykk_oslo"].is_not_null()).sum())
    assert cell["n"] == answered == women  # the fixture has no item nonresponse on inntrykk
    assert cell["df"] == women - 1
    # The awareness level of the rated county differs between counties: a per-answer domain.
    aware = bd.filter((pl.col("breakdown") == "kjennskap") & (pl.col("target") == "oslo"))
    assert aware["n"].to_list() == [int(data["kj_oslo"].is_in(c).sum()) for c in ([1.0, 2.0], [3.0, 4.0], [9.0])]


def test_the_manifest_counts_each_level_and_who_is_in_none(tmp_path: Path) -> None:
    data = make_data(300, seed=5).with_columns(
        pl.when(pl.col("respid") <= 4).then(None).otherwise(pl.col("kjonn")).alias("kjonn"))
    make_round(tmp_path, data=data, definition=_with(BREAKDOWNS))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        result = analyse_round(2018, root=tmp_path)
    entry = result.manifest["surveys"]["omdomme"]["parameters"]["breakdowns"]["kjonn"]
    assert entry["in_no_level"] == 4
    assert sum(lv["respondents"] for lv in entry["levels"]) == 296
    assert entry["levels"][0] == {"level": "mann", "label": "Mann",
                                  "respondents": int((data["kjonn"] == 1).sum())}
    # The breakdown rows are written; reports, compare and trend read the definition's own rows.
    from omdomme.results.read import load_round
    from omdomme.results.write import write_analysis

    write_analysis(result, root=tmp_path)
    assert load_round(2018, tmp_path).estimates.height == result.estimates.filter(
        pl.col("breakdown").is_null()).height
    assert load_round(2018, tmp_path, tables=True).estimates.height == result.estimates.height


@pytest.mark.parametrize(("extra", "message"), [
    ('[breakdowns.x]\nby = "kjonn"\n', "key `by` in [breakdowns.x] is 'kjonn'; use one of sex, age, sample"),
    ('[breakdowns.x]\nby = "age"\n', 'with by = "age" needs `levels`'),
    ('[breakdowns.x]\nby = "sex"\nlevels = { m = [1] }\n', '`levels` in [breakdowns.x] is not allowed with by = "sex"'),
    ('[breakdowns.x]\nby = "sex"\nindicators = ["svart_godt"]\n', "lists unknown indicator `svart_godt`; did you mean `svaert_godt`?"),
    ('[breakdowns.x]\nby = "sex"\nindicators = ["moderne_ungdom"]\n', "which that indicator does not report"),
    ('[breakdowns.x]\nby = "sex"\nwithin = "ungdom"\n', "`within` in [breakdowns.x] names unknown domain `ungdom`"),
    ('[breakdowns.x]\nby = "question"\nquestion = "assosiasjon"\n', "name a scale question of [questions]"),
    ('[breakdowns.x]\nby = "question"\nquestion = "kjennskap"\nlevels = { a = [7] }\n', "lists [7], not codes of [questions.kjennskap]"),
    ('[breakdowns.x]\nby = "sex"\nvariable = "kjonn"\n', '`variable` in [breakdowns.x] needs by = "variable"'),
    ('[breakdowns.x]\nby = "sex"\nlabel = "A"\nlabls = {}\n', "unknown key `labls` in [breakdowns.x]; did you mean `labels`?"),
    ('[breakdowns."a=b"]\nby = "sex"\n', "a breakdown id cannot contain `=`"),
])
def test_definition_errors_name_the_key_and_the_fix(tmp_path: Path, extra: str, message: str) -> None:
    path = make_round(tmp_path, definition=_with("\n" + extra))
    with pytest.raises(DefinitionError) as error:
        parse_definition(path)
    assert message in str(error.value)
    assert str(path) in str(error.value)


def test_a_breakdown_variable_missing_from_the_file_is_named(tmp_path: Path) -> None:
    from omdomme.analysis.validate import validate_round

    make_round(tmp_path, definition=_with('\n[breakdowns.utd]\nby = "variable"\nvariable = "utdanning"\n'))
    problems = [str(p) for p in validate_round(2018, tmp_path)]
    assert any("`utdanning` ([breakdowns.utd] variable) is not in" in p for p in problems), problems


@pytest.mark.needs_r
def test_committed_r_table_values_are_what_r_computes(tmp_path: Path) -> None:
    import shutil
    import subprocess

    if shutil.which("Rscript") is None:
        pytest.skip("Rscript not installed; the committed R values are used by the parity tests")
    run = subprocess.run(["Rscript", str(R_TABLES / "r_tables.R"), str(tmp_path)], cwd=REPO,
                         capture_output=True, text=True)
    if run.returncode != 0 and "there is no package called" in run.stderr:
        pytest.skip(f"R lacks a package: {run.stderr.strip().splitlines()[-1]}")
    assert run.returncode == 0, run.stderr
    for name in ("r_tables_estimates_2018.csv", "r_tables_contrasts_2018.csv"):
        fresh = pl.read_csv(tmp_path / name, infer_schema_length=None)
        committed = pl.read_csv(R_TABLES / name, infer_schema_length=None)
        assert fresh.select(pl.col(pl.String, pl.Int64)).equals(committed.select(pl.col(pl.String, pl.Int64)))
        for col in fresh.select(pl.col(pl.Float64)).columns:
            np.testing.assert_allclose(fresh[col].to_numpy(), committed[col].to_numpy(), rtol=1e-12, atol=0,
                                       err_msg=col)


def test_the_manifest_reports_what_the_vendor_weight_costs(tmp_path: Path) -> None:
    # Kish's deff of the file's weight, n Σw² / (Σw)², per respondent (not per respondent × county).
    data = make_data(250, seed=8)
    make_round(tmp_path, data=data)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        result = analyse_round(2018, root=tmp_path)
    w = data["vekt"].to_numpy()
    params = result.manifest["surveys"]["omdomme"]["parameters"]
    assert "weighting" not in params  # no [weighting]: the file's weight only
    v = params["weight_diagnostics"]
    assert v["n"] == 250
    assert v["deff"] == pytest.approx(w.size * (w**2).sum() / w.sum() ** 2, rel=1e-12)
    assert v["eff_n"] == pytest.approx(250 / v["deff"]) and v["efficiency"] == pytest.approx(1 / v["deff"])
    assert (v["weight_min"], v["weight_max"]) == (w.min(), w.max())


def test_small_coverage_study_of_breakdown_cells_and_net_scores() -> None:
    # studies/coverage_tables.py with 12 samples (the study itself runs 200): loose bounds that a
    # broken domain SE (the whole sample's, or no clustering) still fails.
    import sys

    sys.path.insert(0, str(REPO / "studies"))
    from coverage_tables import coverage, summary

    table = summary(coverage(2018, replicates=12))
    rates = dict(table.select("cells", "coverage").iter_rows())
    assert set(rates) == {"breakdown aldersgruppe", "breakdown kjonn", "net score", "mean score", "all shown cells"}
    assert 0.90 <= rates["all shown cells"] <= 0.99, table
    assert all(0.85 <= r <= 1.0 for r in rates.values()), table
