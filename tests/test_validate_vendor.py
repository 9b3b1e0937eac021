"""`omdomme validate` on an unfamiliar vendor's file: one line per cause, labels quoted, weights summarised."""

from __future__ import annotations

from pathlib import Path

import polars as pl
from click.testing import CliRunner

from _fixture_round import assert_snapshot
from _fixture_vendor import make_truth, make_vendor_round, vendor_definition, vendor_frame
from omdomme.cli import main


def _run(root: Path, round: int = 2028) -> tuple[int, str, str]:
    result = CliRunner().invoke(main, ["validate", str(round), "--root", str(root)])
    return result.exit_code, result.stdout.replace(str(root), "<root>"), result.stderr.replace(str(root), "<root>")


def test_vendor_round_is_ok_and_weights_are_summarised(tmp_path: Path) -> None:
    make_vendor_round(tmp_path)
    code, out, err = _run(tmp_path)
    assert code == 0, err
    assert out.splitlines()[0] == "OK: round 2028 — the definition matches the data."
    assert out.splitlines()[1].startswith("weight `VEKT`: 500 respondents, sum ")
    assert "Kish efficiency" in out
    assert_snapshot("validate_vendor_ok", out)


def test_one_line_per_cause(tmp_path: Path) -> None:
    # Three mistakes, many variables each: a dichotomy template misspelt (50 variables), the
    # refusal code undeclared, the grid order swapped: one line per question and cause.
    text = (vendor_definition()
            .replace('"Q4_{i}_', '"Q4x_{i}_')
            .replace("nonresponse = [99]\n", "", 1)
            .replace('order = ["vestfold", "ostfold"', 'order = ["ostfold", "vestfold"'))
    make_vendor_round(tmp_path, definition=text)
    code, _, err = _run(tmp_path)
    assert code == 2
    lines = err.splitlines()
    # The first line names the files the problems are in (issue #14 item 8).
    assert lines[0].startswith("7 problem(s) in round 2028 (") and "omdomme.toml" in lines[0]
    assert len(lines) == 8
    assert_snapshot("validate_vendor_causes", err)


def test_label_changes_since_the_previous_round_are_warnings(tmp_path: Path) -> None:
    truth = make_truth()
    make_vendor_round(tmp_path, 2026, truth=truth, definition=vendor_definition(2026))
    frame, missing, labels, column_labels = vendor_frame(truth)
    for i in range(1, 6):
        labels[f"Q3_{i}"][4.0] = "Delvis enig"
    make_vendor_round(tmp_path, 2028, truth=truth, edit=(frame, missing, labels, column_labels),
                      definition=vendor_definition(2028).replace('4 = "Ganske enig"', '4 = "Delvis enig"'))
    code, out, err = _run(tmp_path)
    assert code == 0, err
    assert ("Note: [questions.moderne] value labels changed since 2026: 4 «Ganske enig» → «Delvis enig» "
            "in `Q3_1` … `Q3_5` (5 variables)") in out


def test_definition_labels_are_checked_against_the_file(tmp_path: Path) -> None:
    make_vendor_round(tmp_path, definition=vendor_definition().replace('4 = "Ganske enig"', '4 = "Delvis enig"'))
    code, _, err = _run(tmp_path)
    assert code == 2
    assert ("[questions.moderne]: scale label 4 «Delvis enig» differs from the file's «Ganske enig» in "
            "`Q3_1` … `Q3_5` (5 variables)") in err


def test_zero_weights_and_spread_show_in_the_summary(tmp_path: Path) -> None:
    truth = make_truth()
    frame, missing, labels, column_labels = vendor_frame(truth)
    frame = frame.with_columns(pl.when(pl.col("RESP") <= 2).then(0.0).otherwise(pl.col("VEKT")).alias("VEKT"))
    make_vendor_round(tmp_path, truth=truth, edit=(frame, missing, labels, column_labels))
    code, out, _ = _run(tmp_path)
    assert code == 0
    assert "2 with weight 0" in out
