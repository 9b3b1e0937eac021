"""Accessibility (universell utforming, WCAG 2.1 AA) of the rendered reports.

- the chart palette: every graphic colour >= 3:1 against the background, every text colour
  >= 4.5:1 on what it is drawn on (computed, so changing a colour to a pale one fails here);
- every figure has an alt text that states what it shows and its key numbers (not the
  caption, never the image); tables have header cells for their rows; ``lang`` is set;
  headings do not skip a level; the DOCX pictures' descriptions are text, not the image;
- axe-core run in Debian's chromium on both 2018 HTML reports finds no WCAG 2.1 A/AA
  violation (skipped with the reason when chromium, node or tests/a11y/node_modules is
  missing; .ci/run installs them).
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import zipfile
from html.parser import HTMLParser
from pathlib import Path

import polars as pl
import pytest
from click.testing import CliRunner

from _report_project import ROUND, analysed_project
from omdomme.cli import main
from omdomme.labels import fmt_pct
from omdomme.report import _palette
from omdomme.results.read import load_round

A11Y = Path(__file__).resolve().parent / "a11y"
CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"


@pytest.fixture(scope="module")
def rendered() -> Path:
    root = analysed_project()
    folder = root / "reports" / str(ROUND)
    if not (folder / f"omdomme-{ROUND}.html").exists() or not (folder / f"omdomme-{ROUND}.docx").exists():
        result = CliRunner().invoke(main, ["report", str(ROUND), "--root", str(root), "--engine", "builtin",
                                           "--format", "html", "--format", "docx", "--quiet"])
        assert result.exit_code == 0, result.output
    return folder


def test_palette_contrast_meets_wcag() -> None:
    assert _palette.low_contrast() == []
    ratios = {name: _palette.contrast_ratio(c, _palette.BACKGROUND) for name, c in _palette.GRAPHICS.items()}
    assert min(ratios.values()) >= 3.0, ratios


def test_palette_check_fails_for_a_pale_colour(monkeypatch: pytest.MonkeyPatch) -> None:
    # The old «other counties» grey (2.2:1) and a pale rank colour (1.42:1) must be caught.
    monkeypatch.setitem(_palette.GRAPHICS, "other", "#A7B0BA")
    monkeypatch.setitem(_palette.GRAPHICS, "rank_4", "#D5D9DF")
    failures = _palette.low_contrast()
    assert any(f.startswith("other: 2.2") for f in failures) and any(f.startswith("rank_4: 1.42") for f in failures)


def test_charts_draw_only_checked_colours() -> None:
    from omdomme.report import _charts

    drawn = {_charts.OSTFOLD, _charts.AKERSHUS, _charts.NORGE, _charts.MUTED, *_charts.RANK_COLOURS,
             *_charts.COUNTY_GREYS}
    assert drawn <= set(_palette.GRAPHICS.values())
    # No colour written into a chart by hand: every hex literal is the palette's (the grid
    # lines are the one decoration, not needed to read the chart).
    import re

    source = Path(_charts.__file__).read_text(encoding="utf-8")
    literals = set(re.findall(r'"(#[0-9A-Fa-f]{6})"', source)) - {"#E3E6EA"}
    assert literals <= set(_palette.GRAPHICS.values()) | {t for t, _ in _palette.TEXTS.values()}, literals


def _html(folder: Path, survey: str) -> str:
    return (folder / f"{survey}-{ROUND}.html").read_text(encoding="utf-8")


@pytest.mark.parametrize("survey", ["omdomme", "innovasjon"])
def test_every_figure_has_a_text_alternative_with_numbers(rendered: Path, survey: str) -> None:
    html = _html(rendered, survey)
    figures = re.findall(r"<figure[^>]*>\s*<img([^>]*)>\s*<figcaption[^>]*>(.*?)</figcaption>", html, re.S)
    assert len(figures) >= 3
    for attrs, caption in figures:
        alt = re.search(r'\balt="([^"]*)"', attrs)
        assert alt, attrs[:200]
        text = alt.group(1)
        assert not text.startswith("data:") and text.strip() != re.sub("<[^>]+>", "", caption).strip()
        assert re.search(r"\d", text), text  # key numbers, not only a description


def test_county_chart_alt_text_states_ostfolds_number(rendered: Path) -> None:
    est = load_round(ROUND, analysed_project()).estimates
    row = est.filter((pl.col("indicator") == "vet_ikke") & (pl.col("domain") == "alle")
                     & (pl.col("target") == "ostfold")).row(0, named=True)
    html = _html(rendered, "omdomme").replace("&nbsp;", "\u00a0")
    alt = re.search(r'<figure id="fig-vet-ikke">\s*<img[^>]*\balt="([^"]*)"', html)
    assert alt and f"Østfold {fmt_pct(row['estimate'])}" in alt.group(1)


@pytest.mark.parametrize("survey", ["omdomme", "innovasjon"])
def test_lang_row_headers_and_heading_order(rendered: Path, survey: str) -> None:
    html = _html(rendered, survey)
    assert re.search(r'<html[^>]*\blang="nb"', html)
    assert '<th scope="row"' in html  # the summary's indicators / the tables' counties are row headers
    levels = [int(h) for h in re.findall(r"<h([1-6])[\s>]", html)]
    assert levels and all(b - a <= 1 for a, b in zip(levels, levels[1:], strict=False)), levels


class _Ids(HTMLParser):
    """Every ``id`` in a page, and every id a table cell's ``headers`` points at."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.ids: list[str] = []
        self.headers: set[str] = set()

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        for name, value in attrs:
            if name == "id" and value is not None:
                self.ids.append(value)
            elif name == "headers" and value:
                self.headers.update(value.split())


@pytest.mark.parametrize("survey", ["omdomme", "innovasjon"])
def test_every_id_is_unique_and_every_header_reference_resolves(rendered: Path, survey: str) -> None:
    """Duplicate ids are invalid HTML and send a screen reader's ``headers`` to the wrong cell."""
    parser = _Ids()
    parser.feed(_html(rendered, survey))
    repeated = sorted({i for i in parser.ids if parser.ids.count(i) > 1})
    assert not repeated, f"ids used more than once: {repeated}"
    assert len(parser.ids) > 50 and parser.headers  # the tables' cells and headers are there
    assert not parser.headers - set(parser.ids), sorted(parser.headers - set(parser.ids))[:10]


def test_docx_picture_descriptions_are_text_not_the_image(rendered: Path) -> None:
    with zipfile.ZipFile(rendered / f"omdomme-{ROUND}.docx") as z:
        xml = z.read("word/document.xml").decode("utf-8")
    descriptions = re.findall(r'descr="([^"]*)"', xml)
    assert descriptions and all(len(d) < 2000 and "base64" not in d for d in descriptions)
    assert any("Østfold" in d for d in descriptions)


def _axe_ready() -> str | None:
    if not Path(CHROMIUM).exists():
        return "Debian's chromium is not installed (apt-get install chromium; .ci/run does)"
    if shutil.which("node") is None:
        return "node is not installed (apt-get install nodejs npm; .ci/run does)"
    if not (A11Y / "node_modules" / "axe-core").is_dir() or not (A11Y / "node_modules" / "playwright-core").is_dir():
        return "tests/a11y/node_modules is missing (npm ci --prefix tests/a11y; .ci/run does)"
    return None


def test_axe_core_finds_no_wcag_violation_in_chromium(rendered: Path) -> None:
    reason = _axe_ready()
    if reason:
        pytest.skip(reason)
    files = [str(rendered / f"{s}-{ROUND}.html") for s in ("omdomme", "innovasjon")]
    done = subprocess.run(["node", str(A11Y / "axe_check.cjs"), *files], capture_output=True, text=True,
                          timeout=300, env={"CHROMIUM": CHROMIUM, "PATH": "/usr/bin:/bin"}, check=False)
    assert done.returncode == 0, done.stderr[-2000:]
    violations = json.loads(done.stdout)
    assert set(violations) == set(files)
    assert violations == {f: [] for f in files}, json.dumps(violations, indent=1, ensure_ascii=False)[:4000]
