"""Honest tables: no number next to a suppressed one that would reveal it, no contradiction.

A comparison that involves a suppressed estimate is withheld in the analysis's
``comparisons`` table (numbers empty, never significant, a note naming the suppressed side),
so the terminal summary, the report and the workbook all show ``:``; the trend section
never says «only one round» beside a change since the previous round, and its 2026 goal
status says why when a round's gap is withheld; the method note
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


def _with_trend(tmp_path: Path) -> Path:
    import shutil

    from omdomme.analysis.trend import trend

    source = analysed_project()
    for part in ("surveys", "analyses"):
        shutil.copytree(source / part, tmp_path / part)
    trend(root=tmp_path)
    return tmp_path


def test_trend_goal_status_says_why_it_cannot_be_judged(tmp_path: Path) -> None:
    """Akershus is suppressed among the young in 2016 and 2018: no gap in any round, said so in words."""
    root = _with_trend(tmp_path)
    parts = [p for p in Report(ROUND, survey="omdomme", root=root).trend_parts() if isinstance(p, str)]
    goals = next(p for i, p in enumerate(parts) if i and parts[i - 1].startswith("**Mål 2026"))
    lines = goals.splitlines()
    assert len(lines) == 6  # one per indicator
    assert ("- **Unge som mener det finnes mange moderne og innovative bedrifter**: kan ikke vurderes (avstanden "
            "kan ikke vises i noen av rundene 2016, 2018, fordi ett av fylkene er undertrykt).") in lines
    # Two rounds give no trend: said, not left as a bare «unknown».
    assert ("- **Andel som svarer «vet ikke» om næringslivet**: kan ikke vurderes (en trend trenger minst tre "
            "sammenlignbare runder med avstanden vist).") in lines


def test_trend_goal_judged_on_earlier_rounds_names_the_suppressed_side(tmp_path: Path,
                                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    """The latest gap withheld, the status from the trend of the rounds that show it: both said."""
    import omdomme.report._document as document

    root = _with_trend(tmp_path)
    goals = document.trend_goals("omdomme", ROUND, root).with_columns(
        round_observed=pl.lit(2016, pl.Int64), withheld_rounds=pl.lit("2018"), trend_rounds=pl.lit("2012,2014,2016"),
        projected_2026=pl.lit(0.05), projected_2026_ci_low=pl.lit(-0.03), projected_2026_ci_high=pl.lit(0.13),
        status=pl.lit("undecided"))
    monkeypatch.setattr(document, "trend_goals", lambda *a, **k: goals)
    for lang, expected in (
        ("nb", "- **Unge som mener det finnes mange moderne og innovative bedrifter**: uavklart (anslått for 2026 fra "
               "rundene 2012, 2014, 2016: +5,0\u00a0p.p. (95 % KI −3,0 til +13,0); avstanden i 2018 vises ikke fordi "
               "Akershus er undertrykt; vurdert på rundene til og med 2016)."),
        ("en", "the 2018 gap is not shown because Akershus is suppressed; judged on the rounds up to 2016"),
    ):
        parts = Report(ROUND, survey="omdomme", root=root, lang=lang)._trend_goal_parts()
        assert any(expected in line for line in parts[1].splitlines()), parts[1]
