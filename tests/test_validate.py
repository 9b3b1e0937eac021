"""`omdomme validate`: every problem at once, exit 2; one line OK, exit 0."""

from __future__ import annotations

from pathlib import Path

import polars as pl
from click.testing import CliRunner

from _fixture_round import DEFINITION, assert_snapshot, make_data, make_round
from omdomme.analysis.validate import validate_round
from omdomme.cli import main

REPO = Path(__file__).resolve().parents[1]


def test_ok(tmp_path: Path) -> None:
    make_round(tmp_path)
    result = CliRunner().invoke(main, ["validate", "2018", "--root", str(tmp_path)])
    assert result.exit_code == 0
    ok, weight = result.stdout.splitlines()
    assert ok == "OK: round 2018 — the definition matches the data."
    # make_data: 600 uniform(0.5, 2.0) weights rounded to 4 decimals (seed 1)
    assert weight.startswith("weight `vekt`: 600 respondents, sum ") and "Kish efficiency" in weight


def test_every_problem_reported_at_once(tmp_path: Path) -> None:
    data = make_data(200, seed=3).with_columns(
        pl.when(pl.col("respid") == 2).then(1.0).otherwise(pl.col("respid")).alias("respid"),   # duplicate id
        pl.when(pl.col("respid") == 3).then(-1.0).otherwise(pl.col("vekt")).alias("vekt"),      # bad weight
        pl.when(pl.col("respid") == 4).then(7.0).otherwise(pl.col("inntrykk_oslo")).alias("inntrykk_oslo"),
        pl.when(pl.col("respid") == 5).then(9999.0).otherwise(pl.col("kommune")).alias("kommune"),
    )
    definition = (DEFINITION.format(round=2018, code_year=2018, previous="")
                  .replace('variable = "moderne_{target}"', 'variable = "modern_{target}"')
                  .replace("sex_codes = { mann = 1, kvinne = 2 }", "sex_codes = { mann = 1, kvinne = 3 }"))
    make_round(tmp_path, data=data, definition=definition)
    problems = [str(p).replace(str(tmp_path), "<root>") for p in validate_round(2018, tmp_path)]
    text = "\n".join(problems)
    for piece in ("variables `modern_aker` … `modern_ostf` (5 variables) of [questions.moderne] are not in",
                  "did you mean `moderne_aker` … `moderne_ostf` (5 variables)?",
                  "value 7 (no value label) in `inntrykk_oslo` (1 time(s)) is neither in `scale`, `vet_ikke` nor "
                  "`nonresponse` of [questions.inntrykk]", "kvinne = 3 never occur",
                  "`kjonn` has code 2 (no value label) for", "neither `sex_codes` nor `nonresponse`",
                  "occur more than once, e.g. [1.0]", "weight(s) are missing, negative",
                  "9999"):
        assert piece in text, piece
    result = CliRunner().invoke(main, ["validate", "2018", "--root", str(tmp_path)])
    assert result.exit_code == 2
    assert_snapshot("validate_problems", result.stderr.replace(str(tmp_path), "<root>"))


def test_broken_toml_is_a_problem_not_a_crash(tmp_path: Path) -> None:
    path = make_round(tmp_path)
    path.write_text(path.read_text(encoding="utf-8").replace("[ranks]", "[ranks"), encoding="utf-8")
    result = CliRunner().invoke(main, ["validate", "2018", "--root", str(tmp_path)])
    assert result.exit_code == 2
    assert "invalid TOML" in result.stderr and "Traceback" not in result.output


def test_innovation_definition_is_checked_too(tmp_path: Path) -> None:
    import shutil

    repo = Path(__file__).resolve().parents[1]
    folder = tmp_path / "surveys" / "2018"
    folder.mkdir(parents=True)
    shutil.copy(repo / "surveys" / "2018" / "innovasjon-2018.sav", folder)
    text = (repo / "surveys" / "2018" / "innovasjon.toml").read_text(encoding="utf-8")
    assert 'weight = "vekt"' in text
    (folder / "innovasjon.toml").write_text(text, encoding="utf-8")
    assert validate_round(2018, tmp_path) == []
    (folder / "innovasjon.toml").write_text(text.replace('weight = "vekt"', 'weight = "vekta"'), encoding="utf-8")
    problems = validate_round(2018, tmp_path)
    assert len(problems) == 1 and "vekta" in str(problems[0])


def test_a_question_not_asked_about_one_county_is_a_note(tmp_path: Path) -> None:
    import shutil

    import pyreadstat

    from omdomme.analysis.validate import check_round

    folder = tmp_path / "surveys" / "2018"
    folder.mkdir(parents=True)
    shutil.copy(REPO / "surveys/2018/omdomme.toml", folder)
    df, meta = pyreadstat.read_sav(REPO / "surveys/2018/omdomme-2018.sav", user_missing=True)
    df["moderne_busk"] = float("nan")  # not asked about Buskerud this round
    pyreadstat.write_sav(df, folder / "omdomme-2018.sav", column_labels=meta.column_labels,
                         variable_value_labels=meta.variable_value_labels, missing_ranges=meta.missing_ranges)
    result = check_round(2018, tmp_path)
    assert result.problems == ()
    empty = [n for n in result.notes if "holds no value" in n]
    assert empty == ["Note: `moderne_busk` ([questions.moderne] for buskerud) holds no value in any of the 1585 rows: "
                     "was the question asked about buskerud? Its estimates are empty and the ranks of indicators "
                     "counting it are withheld."]
