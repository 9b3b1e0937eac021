"""`omdomme report 2018 --format pdf` without Quarto or TeX: pandoc's Typst writer + the typst wheel.

The PDF is A4 with a table of contents and page numbers, and its text holds the summary
table's numbers exactly as the HTML report shows them.
"""

from __future__ import annotations

import re
from html.parser import HTMLParser
from pathlib import Path

import pytest
from click.testing import CliRunner

from _report_project import ROUND, analysed_project
from omdomme.cli import main

pypdf = pytest.importorskip("pypdf", reason="pypdf reads the PDF's text (pip install -e '.[test]')")
pytest.importorskip("typst", reason="the typst wheel compiles the PDF (pip install -e '.[test]')")


@pytest.fixture(scope="module")
def rendered(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("pdf")
    result = CliRunner().invoke(main, ["report", str(ROUND), "--root", str(analysed_project()), "--engine", "builtin",
                                       "--format", "html", "--format", "pdf", "--quiet", "--output", str(out)])
    assert result.exit_code == 0, result.output
    return out


class _Summary(HTMLParser):
    """The body cells of the table with id ``sammendrag``."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.cells: list[str] = []
        self._depth = 0
        self._cell: list[str] | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if dict(attrs).get("id") == "sammendrag":
            self._depth = 1
        elif self._depth and tag in ("td", "th") and ("class", "gt_col_heading") not in attrs:
            self._cell = []

    def handle_endtag(self, tag: str) -> None:
        if self._depth and tag in ("td", "th") and self._cell is not None:
            self.cells.append("".join(self._cell).strip())
            self._cell = None
        if self._depth and tag == "table":
            self._depth = 0

    def handle_data(self, data: str) -> None:
        if self._cell is not None:
            self._cell.append(data)


def _plain(text: str) -> str:
    return re.sub(r"\s+", " ", text.replace("\u00a0", " ").replace("\u2011", "-")).strip()


@pytest.mark.parametrize("survey", ["omdomme", "innovasjon"])
def test_pdf_is_a4_with_contents_and_page_numbers(rendered: Path, survey: str) -> None:
    reader = pypdf.PdfReader(str(rendered / f"{survey}-{ROUND}.pdf"))
    assert len(reader.pages) >= 3
    for page in reader.pages:
        assert (round(float(page.mediabox.width)), round(float(page.mediabox.height))) == (595, 842)
    first = _plain(reader.pages[0].extract_text())
    assert "Innhold" in first and "Syntetiske data" in first and "Østfold" in first
    last = _plain(reader.pages[-1].extract_text())
    assert re.search(rf"(^|\s){len(reader.pages)}\s*$", last)  # the page number at the foot


@pytest.mark.parametrize("survey", ["omdomme", "innovasjon"])
def test_pdf_text_holds_the_summary_numbers_as_the_html_shows_them(rendered: Path, survey: str) -> None:
    parser = _Summary()
    parser.feed((rendered / f"{survey}-{ROUND}.html").read_text(encoding="utf-8"))
    numbers = [_plain(c) for c in parser.cells if re.search(r"\d", c) and len(c) < 40]
    assert len(numbers) >= 20
    reader = pypdf.PdfReader(str(rendered / f"{survey}-{ROUND}.pdf"))
    text = _plain(" ".join(p.extract_text() for p in reader.pages))
    missing = [n for n in numbers if n not in text]
    assert not missing, missing
