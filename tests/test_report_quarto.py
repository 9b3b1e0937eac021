"""The real-Quarto route and the built-in engine's honesty about Quarto syntax.

- the built-in engine stops, naming the construct, on Quarto syntax it cannot render
  (callouts, @fig-/@tbl- cross-references, tbl-cap, code-fold, plt.show());
- a template finds ``root`` from where Quarto runs it (``reports/``), so
  ``quarto render reports/omdomme.qmd -P round:2018`` works, and reads the parameters from
  ``$OMDOMME_REPORT_PARAMS`` (no papermill);
- each section is one Markdown output (Quarto's table of contents needs that) with no
  ``text/html`` output (which makes Quarto pull require.js and jQuery from a CDN);
- with a real ``quarto`` on PATH, both 2018 reports render through it, self-contained.
"""

from __future__ import annotations

import os
import re
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from _report_project import ROUND, analysed_project
from omdomme.cli import main
from omdomme.report import parameters
from omdomme.report._builtin import unsupported
from omdomme.report._qmd import parse_qmd
from omdomme.report._render import bundled_templates


@pytest.mark.parametrize(("text", "what"), [
    ("::: {.callout-note}\nNB\n:::\n", "callout"),
    ("Se @fig-trend.\n", "cross-reference"),
    ("```{python}\n#| tbl-cap: Tabell\n1\n```\n", "tbl-cap"),
    ("```{python}\n#| code-fold: true\n1\n```\n", "code-fold"),
    ("```{python}\nimport matplotlib.pyplot as plt\nplt.plot([1, 2])\nplt.show()\n```\n", "plt.show()"),
])
def test_builtin_engine_stops_on_quarto_syntax_it_cannot_render(tmp_path: Path, text: str, what: str) -> None:
    root = analysed_project()
    templates = tmp_path / "reports"
    templates.mkdir()
    source = (bundled_templates() / "omdomme.qmd").read_text(encoding="utf-8")
    (templates / "omdomme.qmd").write_text(source + "\n" + text, encoding="utf-8")
    assert any(what in p for p in unsupported(parse_qmd(templates / "omdomme.qmd")))
    from omdomme.errors import UsageError
    from omdomme.report._render import render_report

    with pytest.raises(UsageError, match="cannot render this Quarto syntax.*" + re.escape(what)):
        render_report(ROUND, "html", engine="builtin", root=root, survey="omdomme", templates=templates,
                      output_dir=tmp_path / "out")


def test_shipped_templates_use_nothing_the_builtin_engine_cannot_render() -> None:
    for name in ("omdomme", "innovasjon"):
        assert unsupported(parse_qmd(bundled_templates() / f"{name}.qmd")) == []


def test_root_is_found_from_the_reports_folder(monkeypatch: pytest.MonkeyPatch) -> None:
    root = analysed_project()
    (root / "reports").mkdir(exist_ok=True)
    monkeypatch.chdir(root / "reports")
    monkeypatch.delenv("OMDOMME_REPORT_PARAMS", raising=False)
    assert parameters(ROUND, None, None, "nb") == (ROUND, None, root.resolve(), "nb")
    monkeypatch.setenv("OMDOMME_REPORT_PARAMS", '{"round": 2016, "root": "/x", "lang": "en"}')
    assert parameters(ROUND, None, None, "nb") == (2016, None, Path("/x"), "en")


def test_each_section_is_one_markdown_output_without_html_outputs() -> None:
    from omdomme.report._builtin import execute

    root = analysed_project()
    doc = parse_qmd(bundled_templates() / "omdomme.qmd")
    outputs = execute(doc, {"round": ROUND, "compare_round": None, "root": str(root), "lang": "nb"},
                      cwd=bundled_templates())
    for cell, outs in zip(doc.cells, outputs, strict=True):
        shown = [o for o in outs if o.get("output_type") in ("display_data", "execute_result")]
        assert all("text/html" not in o.get("data", {}) for o in shown), cell.options.get("label")
        if cell.options.get("label") in ("summary", "indicators", "trend", "ranks", "method"):
            assert len(shown) == 1, (cell.options.get("label"), len(shown))


@pytest.mark.skipif(shutil.which("quarto") is None, reason="no quarto CLI on PATH (see docs/reports.md; "
                    "../shared/tools/real-quarto.sh builds one offline)")
def test_real_quarto_renders_both_reports_self_contained(tmp_path: Path) -> None:
    """Quarto's HTML and Typst PDF: self-contained, A4, the same numbers as the built-in engine's."""
    from collections import Counter

    pypdf = pytest.importorskip("pypdf")
    from test_report_pdf import _plain, _Summary

    root = analysed_project()
    quarto, builtin = tmp_path / "quarto", tmp_path / "builtin"
    for engine, out, formats in (("quarto", quarto, ["html", "pdf"]), ("builtin", builtin, ["html"])):
        result = CliRunner().invoke(main, ["report", str(ROUND), "--root", str(root), "--engine", engine,
                                           *(a for f in formats for a in ("--format", f)), "--quiet",
                                           "--output", str(out)], env={**os.environ})
        assert result.exit_code == 0, result.output

    def percentages(html: str) -> Counter[str]:
        text = re.sub(r"<[^>]+>", " ", re.sub(r"<(script|style)\b.*?</\1>", " ", html, flags=re.S))
        return Counter(re.findall(r"[−+-]?\d+,\d\s?%", text.replace("\u00a0", " ")))

    for survey in ("omdomme", "innovasjon"):
        html = (quarto / f"{survey}-{ROUND}.html").read_text(encoding="utf-8")
        assert not re.search(r"<script[^>]+src=\"https?://", html)
        assert 'id="TOC"' in html or 'id="toc"' in html
        assert "Andre formater" not in html and "Other Formats" not in html
        ours = (builtin / f"{survey}-{ROUND}.html").read_text(encoding="utf-8")
        assert percentages(html) == percentages(ours) and sum(percentages(ours).values()) > 50
        # Typst PDF through Quarto: A4 pages, the summary's numbers as the HTML shows them.
        reader = pypdf.PdfReader(str(quarto / f"{survey}-{ROUND}.pdf"))
        assert all((round(float(p.mediabox.width)), round(float(p.mediabox.height))) == (595, 842)
                   for p in reader.pages)
        catalog = reader.trailer["/Root"]
        assert catalog["/Lang"] == "nb-NO" and "/StructTreeRoot" in catalog  # tagged, Norwegian (not nb-US)
        parser = _Summary()
        parser.feed(ours)
        numbers = [_plain(c) for c in parser.cells if re.search(r"\d", c) and len(c) < 40]
        text = _plain(" ".join(p.extract_text() for p in reader.pages))
        assert numbers and not [n for n in numbers if n not in text]
