"""`omdomme report 2018 --format pptx`: the board's deck, read back with python-pptx.

A title slide with the synthetic notice, the summary table, and one slide per indicator
whose title is its message («Østfold 29,4 % – plass 5 av 5») with the county chart (its
description the chart's alt text, not a file name) and the method note as speaker notes;
``--reference-doc`` reuses a given slide master; ``--lang en`` writes ``*.en.pptx`` beside.
"""

from __future__ import annotations

from pathlib import Path

import polars as pl
import pytest
from click.testing import CliRunner

from _report_project import ROUND, analysed_project
from omdomme.cli import main
from omdomme.labels import fmt_pct
from omdomme.results.read import load_round

pptx = pytest.importorskip("pptx", reason="python-pptx reads the deck (pip install -e '.[test]')")


@pytest.fixture(scope="module")
def decks(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("pptx")
    result = CliRunner().invoke(main, ["report", str(ROUND), "--root", str(analysed_project()), "--format", "pptx",
                                       "--engine", "builtin", "--quiet", "--output", str(out)])
    assert result.exit_code == 0, result.output
    return out


def _slides(path: Path) -> list[object]:
    return list(pptx.Presentation(str(path)).slides)


def test_one_slide_per_indicator_with_chart_message_title_and_notes(decks: Path) -> None:
    est = load_round(ROUND, analysed_project()).estimates.filter(pl.col("survey") == "omdomme")
    slides = _slides(decks / f"omdomme-{ROUND}.pptx")
    titles = [s.shapes.title.text if s.shapes.title is not None else "" for s in slides]  # type: ignore[attr-defined]
    assert titles[0] == f"Omdømmeundersøkelsen {ROUND}" and titles[1].startswith("Sammendrag")
    indicators = est["indicator"].unique(maintain_order=True).to_list()
    charts = slides[2:]
    assert len(charts) == len([i for i in indicators if not i.startswith("assos_")])
    vet = est.filter((pl.col("indicator") == "vet_ikke") & (pl.col("domain") == "alle") & (pl.col("target") == "ostfold"))
    assert titles[2] == f"Østfold {fmt_pct(vet['estimate'][0])} – plass 5 av 5"
    for slide in charts:
        pictures = [sh for sh in slide.shapes if sh.shape_type == 13]  # type: ignore[attr-defined]
        assert len(pictures) == 1
        descr = pictures[0]._element.xpath(".//p:cNvPr")[0].get("descr")
        assert descr.startswith("Punktdiagram") and "Østfold" in descr
        notes = slide.notes_slide.notes_text_frame.text  # type: ignore[attr-defined]
        assert "Konfidensintervall" in notes and "Vektingseffektivitet" in notes


def test_title_slide_says_synthetic_and_summary_is_a_table(decks: Path) -> None:
    slides = _slides(decks / f"omdomme-{ROUND}.pptx")
    title_text = " ".join(sh.text_frame.text for sh in slides[0].shapes if sh.has_text_frame)  # type: ignore[attr-defined]
    assert "SYNTETISKE DATA" in title_text
    tables = [sh for sh in slides[1].shapes if sh.has_table]  # type: ignore[attr-defined]
    assert tables and tables[0].table.cell(1, 1).text == "29,4\u00a0%"


def test_innovation_deck_titles_compare_with_norway(decks: Path) -> None:
    slides = _slides(decks / f"innovasjon-{ROUND}.pptx")
    assert any(s.shapes.title.text.startswith("Østfold") and "Norge" in s.shapes.title.text  # type: ignore[attr-defined]
               for s in slides[2:])


def test_reference_doc_and_english_beside_norwegian(decks: Path, tmp_path: Path) -> None:
    reference = decks / f"omdomme-{ROUND}.pptx"
    result = CliRunner().invoke(main, ["report", str(ROUND), "--root", str(analysed_project()), "--format", "pptx",
                                       "--survey", "omdomme", "--lang", "en", "--reference-doc", str(reference),
                                       "--quiet", "--output", str(tmp_path)])
    assert result.exit_code == 0, result.output
    assert (tmp_path / f"omdomme-{ROUND}.en.pptx").is_file() and not (tmp_path / f"omdomme-{ROUND}.pptx").exists()
    titles = [s.shapes.title.text for s in _slides(tmp_path / f"omdomme-{ROUND}.en.pptx")]  # type: ignore[attr-defined]
    assert titles[0] == f"Reputation survey {ROUND}" and "rank 5 of 5" in titles[2]
    missing = CliRunner().invoke(main, ["report", str(ROUND), "--root", str(analysed_project()), "--format", "pptx",
                                        "--reference-doc", str(tmp_path / "nope.pptx")])
    assert missing.exit_code == 2 and "nope.pptx does not exist" in missing.output
