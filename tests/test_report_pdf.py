"""`omdomme report 2018 --format pdf` without Quarto or TeX: pandoc's Typst writer + the typst wheel.

The PDF is A4 with a table of contents and page numbers, and its text holds the summary
table's numbers exactly as the HTML report shows them. It is a tagged, accessible PDF
(PDF/UA-1): a structure tree, the document language of ``--lang``, the title shown, and
every figure in the structure tree with the chart's alt text (the HTML's ``alt``).
"""

from __future__ import annotations

import re
from html.parser import HTMLParser
from pathlib import Path

import pytest
from click.testing import CliRunner

from _report_project import ROUND, analysed_project
from omdomme.cli import main
from omdomme.report._text import phrase

pypdf = pytest.importorskip("pypdf", reason="pypdf reads the PDF's text (pip install -e '.[test]')")
pytest.importorskip("typst", reason="the typst wheel compiles the PDF (pip install -e '.[test]')")


@pytest.fixture(scope="module")
def rendered(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("pdf")
    result = CliRunner().invoke(main, ["report", str(ROUND), "--root", str(analysed_project()), "--engine", "builtin",
                                       "--format", "html", "--format", "pdf", "--quiet", "--output", str(out)])
    assert result.exit_code == 0, result.output
    return out


@pytest.fixture(scope="module")
def rendered_en(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("pdf-en")
    result = CliRunner().invoke(main, ["report", str(ROUND), "--root", str(analysed_project()), "--engine", "builtin",
                                       "--survey", "omdomme", "--lang", "en", "--format", "pdf", "--quiet",
                                       "--output", str(out)])
    assert result.exit_code == 0, result.output
    return out


def _structure(reader: pypdf.PdfReader) -> list[dict[str, object]]:
    """Every element of the PDF's structure tree (its /S role and /Alt), depth first."""
    found: list[dict[str, object]] = []

    def walk(node: object) -> None:
        node = node.get_object() if hasattr(node, "get_object") else node
        if isinstance(node, pypdf.generic.ArrayObject):
            for kid in node:
                walk(kid)
        elif isinstance(node, pypdf.generic.DictionaryObject):
            if "/S" in node:
                found.append({"role": str(node["/S"]), "alt": node.get("/Alt")})
            if "/K" in node:
                walk(node["/K"])

    walk(reader.trailer["/Root"]["/StructTreeRoot"])
    return found


def _html_alts(html: str) -> list[str]:
    from html import unescape

    return [unescape(a) for a in re.findall(r'<img\b[^>]*\balt="([^"]+)"', html)]


@pytest.mark.parametrize("survey", ["omdomme", "innovasjon"])
def test_pdf_is_tagged_pdf_ua_with_the_charts_alt_texts(rendered: Path, survey: str) -> None:
    reader = pypdf.PdfReader(str(rendered / f"{survey}-{ROUND}.pdf"))
    catalog = reader.trailer["/Root"]
    assert "/StructTreeRoot" in catalog and catalog["/MarkInfo"]["/Marked"]
    assert catalog["/Lang"] == "nb-NO"
    title = reader.metadata.get("/Title")
    assert title == phrase(f"title_{survey}", "nb", round=ROUND)
    assert catalog["/ViewerPreferences"]["/DisplayDocTitle"]  # viewers show the title, not the file name
    xmp = catalog["/Metadata"].get_object().get_data().decode("utf-8")
    assert re.search(r"<pdfuaid:part>1</pdfuaid:part>|pdfuaid:part=\"1\"", xmp), "not claimed as PDF/UA-1"
    elements = _structure(reader)
    roles = {e["role"] for e in elements}
    assert {"/H1", "/H2", "/Table", "/TH", "/Figure"} <= roles
    figures = [e["alt"] for e in elements if e["role"] == "/Figure"]
    assert all(figures), f"{figures.count(None)} of {len(figures)} figures without alt text"
    html = (rendered / f"{survey}-{ROUND}.html").read_text(encoding="utf-8")
    assert sorted(map(str, figures)) == sorted(_html_alts(html))  # the same words as the HTML, key numbers and all


def test_english_pdf_says_it_is_english(rendered_en: Path) -> None:
    reader = pypdf.PdfReader(str(rendered_en / f"omdomme-{ROUND}.en.pdf"))
    assert reader.trailer["/Root"]["/Lang"] == "en-GB"
    assert reader.metadata.get("/Title") == phrase("title_omdomme", "en", round=ROUND)
    figures = [e["alt"] for e in _structure(reader) if e["role"] == "/Figure"]
    assert figures and all(figures)
    assert any("95 % intervals" in str(a) or "95% intervals" in str(a) for a in figures), figures[:1]


def test_a_figure_without_alt_text_gives_a_tagged_pdf_and_a_note(tmp_path: Path) -> None:
    """typst refuses PDF/UA-1 for a figure without alt text: the PDF is still written (tagged), with a note."""
    import base64

    from omdomme.errors import OmdommeWarning
    from omdomme.report._builtin import convert

    pixel = "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg=="
    (tmp_path / "dot.png").write_bytes(base64.b64decode(pixel))
    with pytest.warns(OmdommeWarning, match="not PDF/UA-1.*alt"):
        out = convert("# Tittel\n\nTekst.\n\n![](dot.png)\n", target="pdf", output=tmp_path / "x.pdf",
                      media=tmp_path, metadata={"title": "T", "lang": "nb"})
    reader = pypdf.PdfReader(str(out))
    assert "/StructTreeRoot" in reader.trailer["/Root"]
    assert not (tmp_path / "x.pdf.part").exists()


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
