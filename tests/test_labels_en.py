"""English labels (issue #17 item 5): `label_en` in the definitions, the estimates, the English report."""

from __future__ import annotations

from pathlib import Path

import polars as pl
import pytest

from _fake_analyses import write_fake_analyses
from _fixture_round import DEFINITION
from _report_project import analysed_project
from omdomme.definitions import available_rounds, load_definition, parse_definition
from omdomme.definitions.innovation import parse_innovation
from omdomme.errors import DefinitionError
from omdomme.labels import label_in
from omdomme.report import Report

REPO = Path(__file__).resolve().parents[1]

BREAKDOWN = """
[breakdowns.kjonn]
label = "Kjønn"
label_en = "Sex"
by = "sex"
labels_en = { mann = "Men", kvinne = "Women" }
"""


def _write(tmp_path: Path, text: str, name: str = "omdomme") -> Path:
    folder = tmp_path / "surveys" / "2018"
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{name}.toml"
    path.write_text(text, encoding="utf-8")
    return path


def _definition(**replace: str) -> str:
    text = DEFINITION.format(round=2018, code_year=2018, previous="") + BREAKDOWN
    for old, new in replace.items():
        assert old in text, old
        text = text.replace(old, new, 1)
    return text


INDICATOR = 'label = "Andel med svært godt inntrykk"\n'
DOMAIN = 'label = "Bosatt i fylket (innenfra)"\n'


def test_label_en_is_read_on_indicators_domains_and_breakdowns(tmp_path: Path) -> None:
    d = parse_definition(_write(tmp_path, _definition(**{
        INDICATOR: INDICATOR + 'label_en = "Share with a very good impression"\n',
        DOMAIN: DOMAIN + 'label_en = "Residents of the county"\n'})))
    by_id = {i.id: i for i in d.indicators}
    assert by_id["svaert_godt"].label_en == "Share with a very good impression"
    assert by_id["vet_ikke"].label_en is None  # not given: None, the report falls back
    assert d.domains["innenfra"].label_en == "Residents of the county"
    assert d.domains["alle"].label_en is None
    assert d.breakdowns["kjonn"].label_en == "Sex"
    assert d.breakdowns["kjonn"].labels_en == {"mann": "Men", "kvinne": "Women"}


@pytest.mark.parametrize(("replace", "message"), [
    ({INDICATOR: INDICATOR + 'label_en = ""\n'}, r"key `label_en` in \[indicators.svaert_godt\] is empty"),
    ({INDICATOR: INDICATOR + "label_en = 3\n"}, r"key `label_en` in \[indicators.svaert_godt\] must be a string"),
    ({DOMAIN: DOMAIN + 'label_en = "  "\n'}, r"key `label_en` in \[domains.innenfra\] is empty"),
    ({INDICATOR: INDICATOR + 'lable_en = "x"\n'}, r"unknown key `lable_en` in \[indicators.svaert_godt\]; did you mean `label_en`\?"),
    ({'labels_en = { mann = "Men", kvinne = "Women" }': 'labels_en = { mann = "Men", kvinne = "" }'},
     r"`labels_en.kvinne` in \[breakdowns.kjonn\] must be a non-empty string"),
    ({'labels_en = {': 'label_english = {'}, r"unknown key `label_english` in \[breakdowns.kjonn\]"),
])
def test_a_bad_label_en_names_the_file_and_the_key(tmp_path: Path, replace: dict[str, str], message: str) -> None:
    path = _write(tmp_path, _definition(**replace))
    with pytest.raises(DefinitionError, match=message) as error:
        parse_definition(path)
    assert str(path) in str(error.value)


def test_innovation_indicators_take_label_en(tmp_path: Path) -> None:
    text = (REPO / "surveys" / "2018" / "innovasjon.toml").read_text(encoding="utf-8")
    spec = parse_innovation(parse_definition(_write(tmp_path, text, "innovasjon")))
    assert spec.indicator("egen_fou").label_en == "Share of firms with in-house R&D"
    bad = text.replace('label_en = "Share of firms with in-house R&D"', 'label_en = ""')
    with pytest.raises(DefinitionError, match=r"`label_en` in \[indicators.egen_fou\] is empty"):
        parse_innovation(parse_definition(_write(tmp_path, bad, "innovasjon")))


def test_every_shipped_indicator_and_breakdown_has_an_english_label() -> None:
    for round_ in available_rounds(REPO):
        d = load_definition(round_, "omdomme", REPO)
        assert all(i.label_en for i in d.indicators), round_
        assert all(dom.label_en for dom in d.domains.values()), round_
        assert all(b.label_en for b in d.breakdowns.values()), round_
        if (REPO / "surveys" / str(round_) / "innovasjon.toml").exists():
            spec = parse_innovation(load_definition(round_, "innovasjon", REPO))
            assert all(i.label_en for i in spec.indicators), round_


def test_label_in_marks_a_missing_translation() -> None:
    assert label_in("Kjønn", "Sex", "en") == "Sex"
    assert label_in("Kjønn", None, "en") == "Kjønn (nb)"
    assert label_in("Alle", None, "en") == "All"  # built in: omdomme.labels.BUILT_IN_EN
    assert label_in("Østfold", None, "en") == "Østfold"  # county names stay
    assert label_in("Kjønn", "Sex") == "Kjønn"


@pytest.fixture(scope="module")
def project() -> Path:
    return analysed_project()


def test_estimates_carry_the_english_labels(project: Path) -> None:
    est = pl.read_parquet(project / "analyses" / "2018" / "estimates.parquet")
    assert est.columns.index("label_en") == est.columns.index("label") + 1
    assert est.columns.index("domain_label_en") == est.columns.index("domain_label") + 1
    # Every row of the shipped round has its English label (whole-scale rows: none there).
    assert est.filter(pl.col("label_en").is_null()).height == 0
    assert est.filter(pl.col("domain_label_en").is_null()).height == 0
    names = dict(est.filter(pl.col("survey") == "omdomme").select("domain", "domain_label_en").unique().iter_rows())
    assert names["alle"] == "All"
    assert names["kjonn=kvinne"] == "Sex: Woman"
    assert names["aldersgruppe=18-29"] == "Age: 18–29 years"
    assert names["utvalg=boost"] == "Sample: Østfold boost sample"
    firms = est.filter(pl.col("survey") == "innovasjon")
    assert set(firms.filter(pl.col("breakdown").is_null())["domain_label_en"].to_list()) == {"All firms"}
    assert "Industry: Manufacturing" in set(firms["domain_label_en"].to_list())  # the breakdown rows
    assert firms["label_en"].null_count() == 0
    first = est.filter(pl.col("indicator") == "assos_verdier").row(0, named=True)
    assert (first["label"], first["label_en"]) == ("Nevner verdier og egenskaper", "Mentions values and characteristics")


def test_english_report_uses_label_en(project: Path) -> None:
    report = Report(2018, root=project, lang="en")
    text = "\n".join(p for p in report.indicator_parts("svaert_godt") if isinstance(p, str))
    assert "### Share with a very good impression" in text
    assert "Andel med svært godt inntrykk" not in text
    assert "(nb)" not in text and report.untranslated == []
    method = "\n".join(p for p in report.method_parts() if isinstance(p, str))
    assert "**Labels.**" not in method
    # The Norwegian report keeps the Norwegian labels.
    nb = "\n".join(p for p in Report(2018, root=project).indicator_parts("svaert_godt") if isinstance(p, str))
    assert "### Andel med svært godt inntrykk" in nb


def test_untranslated_labels_are_marked_and_listed(tmp_path: Path) -> None:
    # An analysis without English labels (the fake one, like an analysis of schema 3).
    root = write_fake_analyses(tmp_path, rounds=(2016, 2018))
    report = Report(2018, root=root, lang="en")
    text = "\n".join(p for p in report.indicator_parts("svaert_godt") if isinstance(p, str))
    assert "### Andel med svært godt inntrykk (nb)" in text
    assert "Andel med svært godt inntrykk" in report.untranslated
    assert "Alle" not in report.untranslated  # a built-in name has its English one
    method = "\n".join(p for p in report.method_parts() if isinstance(p, str))
    assert "**Labels.** The definition gives no English label for " in method
    assert "«Andel med svært godt inntrykk»" in method and "shown in Norwegian, marked «(nb)»" in method
