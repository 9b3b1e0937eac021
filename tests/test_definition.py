"""Round definitions: parsing docs/definitions.md's schema, and the errors a typo gets."""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

import pytest

from _fixture_round import DEFINITION, make_round
from omdomme.definitions import (
    find_definitions,
    load_definition,
    parse_definition,
    previous_round,
)
from omdomme.errors import DefinitionError, UsageError

DOCS = Path(__file__).resolve().parents[1] / "docs" / "definitions.md"


def _text(**kw: object) -> str:
    return DEFINITION.format(round=2018, code_year=2018, previous="", **kw)


def _write(tmp_path: Path, text: str, round: int = 2018, name: str = "omdomme") -> Path:
    folder = tmp_path / "surveys" / str(round)
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{name}.toml"
    path.write_text(text, encoding="utf-8")
    return path


def test_docs_examples_parse(tmp_path: Path) -> None:
    # Both annotated examples of docs/definitions.md are valid definitions, and so is the first
    # with the fragment of table indicators (whole scale, mean, net score) added.
    blocks = re.findall(r"```toml\n(.*?)```", DOCS.read_text(encoding="utf-8"), flags=re.S)
    assert len(blocks) >= 2
    omdomme = parse_definition(_write(tmp_path, blocks[0]))
    innovasjon = parse_definition(_write(tmp_path, blocks[-1], name="innovasjon"))
    # The fragments between them (the vendor keys of issue #13) are valid TOML.
    for block in blocks[1:-1]:
        tomllib.loads(block)
    tables = next(b for b in blocks if 'kind = "scale"' in b)
    with_tables = parse_definition(_write(tmp_path, blocks[0].replace("\n[reliability]", tables + "\n[reliability]")))
    assert [i.kind for i in with_tables.indicators][-3:] == ["scale", "mean", "net"]
    assert with_tables.breakdowns["kjonn"].indicators[-3:] == ("inntrykk_fordeling", "inntrykk_snitt", "inntrykk_netto")
    assert omdomme.kind == "omdomme" and innovasjon.kind == "innovasjon"
    assert [i.id for i in omdomme.indicators] == [
        "vet_ikke", "svaert_godt", "svaert_godt_meninger", "moderne_ungdom", "verdier", "kun_geografi"]
    assert omdomme.previous == 2016
    assert innovasjon.design.strata == "stratum" and innovasjon.design.fpc == "N_stratum"
    assert innovasjon.raw["goal"]["factor"] == 2.0
    assert innovasjon.respondent is None and innovasjon.indicators == ()


def test_load_definition_fields(tmp_path: Path) -> None:
    make_round(tmp_path)
    d = load_definition(2018, "omdomme", root=tmp_path)
    assert d.round == 2018 and d.synthetic is True
    assert d.data_path == tmp_path / "surveys" / "2018" / "omdomme-2018.sav"
    assert d.design.id == "respid" and d.design.weight == "vekt" and d.design.psu is None
    assert d.targets["ostfold"] == "ostf"
    assert d.questions["kjennskap"].raw_variables("aker") == ("kj_aker",)
    assert d.questions["assosiasjon"].raw_variables("oslo") == ("assos1_oslo", "assos2_oslo", "assos3_oslo")
    assert d.questions["assosiasjon"].codes[6.0] == "verdier"
    assert d.domains["unge"].age == (18.0, 29.0) and d.domains["unge"].residents == "target"
    ind = {i.id: i for i in d.indicators}
    assert ind["vet_ikke"].count == "vet_ikke" and ind["vet_ikke"].better == "lower"
    assert ind["moderne_ungdom"].count == (4.0, 5.0)
    assert ind["verdier"].count == ("verdier",)
    assert d.ranks.draws == 2000 and d.reliability.min_n == 30
    assert d.raw["survey"]["kind"] == "omdomme"
    assert [x.kind for x in find_definitions(2018, tmp_path)] == ["omdomme"]


def test_unknown_round_lists_rounds(tmp_path: Path) -> None:
    make_round(tmp_path, 2016)
    make_round(tmp_path, 2018)
    with pytest.raises(UsageError, match=r"round 2030: .*rounds present in .*: 2016, 2018"):
        load_definition(2030, root=tmp_path)
    with pytest.raises(UsageError, match="2016, 2018"):
        find_definitions(2030, tmp_path)


def test_previous_round_default_is_latest_earlier(tmp_path: Path) -> None:
    for r in (2014, 2016, 2018):
        make_round(tmp_path, r)
    assert previous_round(load_definition(2018, root=tmp_path), tmp_path) == 2016
    assert previous_round(load_definition(2014, root=tmp_path), tmp_path) is None


@pytest.mark.parametrize(
    ("old", "new", "message"),
    [
        ('weight = "vekt"', 'wieght = "vekt"', r"unknown key `wieght` in \[design\]; did you mean `weight`\?"),
        ('id = "respid"\n', "", r"required key `id` missing in \[design\]"),
        ("round = 2018", 'round = "2018"', r"key `round` in \[survey\] must be an integer, found '2018'"),
        ('question = "moderne"', 'question = "modern"',
         r"\[indicators.moderne_ungdom\] names unknown question `modern`; did you mean `moderne`\?"),
        ('domains = ["unge"]', 'domains = ["ung"]',
         r"\[indicators.moderne_ungdom\] names unknown domain `ung`; did you mean `unge`\?"),
        ('count = [4, 5]', 'count = [4, 6]', r"lists \[6\], not codes of the scale \[1, 2, 3, 4, 5\]"),
        ('count = ["verdier"]', 'count = ["verdi"]', r"lists \['verdi'\], not categories"),
        ('lonely_psu = "fail"', 'lonely_psu = "drop"', r"`lonely_psu` in \[design\] is 'drop'; use one of fail"),
        ("[ranks]", "[rank]", r"unknown section \[rank\] .*did you mean \[ranks\]\?"),
        ("synthetic = true", "synthetic = 1", r"`synthetic` in \[survey\] must be true/false"),
        ('base = "valid"', 'base = "valid"\nbase2 = 1', r"unknown key `base2` in \[indicators.svaert_godt_meninger\]"),
        ("vet_ikke = [9]\n\n[questions.inntrykk]", "vet_ikke = [4]\n\n[questions.inntrykk]",
         r"code\(s\) \[4\] in \[questions.kjennskap\] are both in `scale` and `vet_ikke`"),
        ('kommune = "kommune"\n', "", r"exactly one of `kommune` or `fylke`"),
    ],
)
def test_schema_errors_name_file_key_and_fix(tmp_path: Path, old: str, new: str, message: str) -> None:
    text = _text()
    assert old in text
    path = _write(tmp_path, text.replace(old, new, 1))
    with pytest.raises(DefinitionError, match=message) as info:
        load_definition(2018, root=tmp_path)
    assert str(path) in str(info.value)


def test_invalid_toml_and_mismatched_round(tmp_path: Path) -> None:
    _write(tmp_path, "[survey\nkind = 1")
    with pytest.raises(DefinitionError, match="invalid TOML"):
        load_definition(2018, root=tmp_path)
    _write(tmp_path, _text(), round=2020)
    with pytest.raises(DefinitionError, match=r"`round` in \[survey\] is 2018 but the file lies in surveys/2020/"):
        load_definition(2020, root=tmp_path)


def test_definition_is_frozen(tmp_path: Path) -> None:
    make_round(tmp_path)
    d = load_definition(2018, root=tmp_path)
    with pytest.raises(AttributeError):
        d.round = 2020  # type: ignore[misc]
