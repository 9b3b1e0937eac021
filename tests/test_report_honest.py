"""Honest tables: no number next to a suppressed one that would reveal it, no contradiction.

A comparison that involves a suppressed estimate is withheld in the analysis's
``comparisons`` table (numbers empty, never significant, a note naming the suppressed side),
so the terminal summary, the report and the workbook all show ``:``; the trend section
never says «only one round» beside a change since the previous round; the method note
gives Kish's weighting efficiency of the weights the round used.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import polars as pl
import pyreadstat
import pytest

from _report_project import ROUND, analysed_project, only_this_round
from omdomme.estimate.weighting import kish_deff
from omdomme.report import Report, fmt_pct
from omdomme.report._tables import summary_frame
from omdomme.results.read import load_round


@pytest.fixture(scope="module")
def project() -> Path:
    return analysed_project()


def _suppressed_keys(estimates: pl.DataFrame) -> set[tuple[int, str, str, str]]:
    rows = estimates.filter(pl.col("flag") == "suppressed")
    return {(r["round"], r["indicator"], r["domain"], r["target"]) for r in rows.iter_rows(named=True)}


def test_every_comparison_with_a_suppressed_side_is_withheld(project: Path) -> None:
    results = load_round(ROUND, project)
    hidden = _suppressed_keys(results.estimates) | _suppressed_keys(load_round(2016, project).estimates)
    assert any(k[1] == "moderne_ungdom" and k[3] == "akershus" for k in hidden)  # the case the issue names
    cmp = results.comparisons.filter(pl.col("survey") == "omdomme")
    withheld = 0
    for r in cmp.iter_rows(named=True):
        a = (r["round_a"], r["indicator"], r["domain"], r["target_a"])
        b = (r["round_b"], r["indicator"], r["domain"], r["target_b"])
        if a in hidden or b in hidden:
            withheld += 1
            assert r["difference"] is None and r["ci_low"] is None and r["p_value"] is None, r
            assert r["significant"] is False
            assert "undertrykt" in r["note"]
        else:
            assert r["difference"] is not None, r
    assert withheld >= 4


def test_terminal_summary_does_not_show_a_gap_to_a_suppressed_county(project: Path) -> None:
    from click.testing import CliRunner

    from omdomme.cli import main

    out = CliRunner().invoke(main, ["analyse", str(ROUND), "--root", str(project)]).output
    block = out.split("[moderne_ungdom")[1].split("\n\n")[0]
    gap = next(line for line in block.splitlines() if "Mot Akershus" in line)
    assert "p.p." not in gap and "pp" not in gap and ":" in gap and "akershus er undertrykt" in gap


def test_report_summary_and_text_withhold_the_gap(project: Path) -> None:
    report = Report(ROUND, root=project)
    frame = summary_frame(report.estimates, report.comparisons, report.ranks, report.main_domains,
                          previous=report.previous)
    row = frame.filter(pl.col("indicator") == "moderne_ungdom").row(0, named=True)
    assert row["akershus"] == ":" and row["gap"] == ":"
    text = "\n".join(p for p in report.indicator_parts("moderne_ungdom") if isinstance(p, str))
    assert "forskjellen mot Akershus vises ikke fordi Akershus er undertrykt" in text
    assert "p.p." not in text.split("Unge bosatt")[1]


def test_trend_section_never_says_one_round_beside_a_change(tmp_path: Path) -> None:
    root = only_this_round(tmp_path)
    report = Report(ROUND, root=root)
    assert report.comparisons.filter(pl.col("comparison") == "round").height  # a change since 2016 is shown
    text = "\n".join(p for p in report.trend_parts() if isinstance(p, str))
    assert "Bare én runde" not in text
    assert "endringen siden 2016" in text.lower()


def test_method_note_gives_the_weighting_efficiency_of_the_vendor_weight(project: Path) -> None:
    data, _ = pyreadstat.read_sav(str(project / "surveys" / str(ROUND) / "omdomme-2018.sav"))
    efficiency = 1 / kish_deff(np.asarray(data["vekt"], dtype=float))
    text = "\n".join(p for p in Report(ROUND, root=project).method_parts() if isinstance(p, str))
    assert f"i {ROUND}: {fmt_pct(efficiency, 0)} for leverandørens vekt `vekt`" in text
    assert "i 2016:" in text  # the comparison round's weight too (its analysis is in analyses/)


def test_method_note_of_the_innovation_survey_gives_the_firm_weights_efficiency(project: Path) -> None:
    text = "\n".join(p for p in Report(ROUND, survey="innovasjon", root=project).method_parts()
                     if isinstance(p, str))
    assert "Vektingseffektivitet" in text and "vektene N/n (`vekt`)" in text
