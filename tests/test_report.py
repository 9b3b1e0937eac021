"""`omdomme report`: the rendered report is right, self-contained, and renders without Quarto.

The render itself is slow (a kernel, plotnine, pandoc), so it happens once per session in
``rendered``; the other tests read its files or call the library in-process.
"""

from __future__ import annotations

import json
import re
import shutil
import zipfile
from html.parser import HTMLParser
from pathlib import Path

import polars as pl
import pytest
from click.testing import CliRunner

from _fake_analyses import write_fake_analyses
from _report_project import analysed_project
from omdomme.cli import main
from omdomme.errors import AnalysisError, UsageError
from omdomme.report import Report, fmt_pct, fmt_pp, fmt_range, load_round
from omdomme.report._builtin import assemble, parameter_source
from omdomme.report._qmd import parse_qmd
from omdomme.report._render import bundled_templates, render_report
from omdomme.results.read import is_synthetic

ROUND = 2018


REPO = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="session")
def project() -> Path:
    """A copy of the shipped synthetic rounds 2016 and 2018, analysed by `omdomme analyse`."""
    return analysed_project()


@pytest.fixture()
def fake(tmp_path: Path) -> Path:
    """A small contract-shaped analyses folder (tests/_fake_analyses.py), for quick edge cases."""
    return write_fake_analyses(tmp_path, rounds=(2016, ROUND))


@pytest.fixture(scope="session")
def rendered(project: Path) -> dict[str, object]:
    """One CLI render of every report of the round, HTML and DOCX (one execution each)."""
    result = CliRunner().invoke(main, ["report", str(ROUND), "--root", str(project), "--engine", "builtin",
                                       "--format", "html", "--format", "docx"])
    assert result.exit_code == 0, result.output
    return {"output": result.output, "dir": project / "reports" / str(ROUND)}


class _Tables(HTMLParser):
    """Body rows (cell texts) of every table, keyed by the id of its enclosing element."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tables: dict[str, list[list[str]]] = {}
        self._ids: list[str] = []
        self._in_body = False
        self._row: list[str] | None = None
        self._cell: list[str] | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        ident = dict(attrs).get("id")
        if tag == "div" and ident:
            self._ids.append(ident)
        if tag == "tbody":
            self._in_body = True
        elif tag == "tr" and self._in_body:
            self._row = []
        elif tag in ("td", "th") and self._row is not None:
            self._cell = []

    def handle_endtag(self, tag: str) -> None:
        if tag == "tbody":
            self._in_body = False
        elif tag in ("td", "th") and self._row is not None and self._cell is not None:
            self._row.append("".join(self._cell).strip())
            self._cell = None
        elif tag == "tr" and self._row is not None:
            key = self._ids[-1] if self._ids else ""
            self.tables.setdefault(key, []).append(self._row)
            self._row = None

    def handle_data(self, data: str) -> None:
        if self._cell is not None:
            self._cell.append(data)


def _html(rendered: dict[str, object], survey: str = "omdomme") -> str:
    return (Path(rendered["dir"]) / f"{survey}-{ROUND}.html").read_text(encoding="utf-8")  # type: ignore[arg-type]


def test_cli_writes_html_and_docx_for_each_survey(rendered: dict[str, object]) -> None:
    folder = Path(rendered["dir"])  # type: ignore[arg-type]
    names = sorted(p.name for p in folder.iterdir())
    assert names == [f"innovasjon-{ROUND}.docx", f"innovasjon-{ROUND}.html",
                     f"omdomme-{ROUND}.docx", f"omdomme-{ROUND}.html"]
    # Progress went to the terminal while the cells ran.
    assert "cell 3/" in str(rendered["output"]) and "Wrote" in str(rendered["output"])


@pytest.mark.parametrize("survey", ["omdomme", "innovasjon"])
def test_html_is_self_contained(rendered: dict[str, object], survey: str) -> None:
    html = _html(rendered, survey)
    external = re.findall(r"""(?:src|href)\s*=\s*["']?(?:https?:)?//[^"'\s>]+""", html)
    assert external == []
    assert not re.search(r"url\(\s*['\"]?(?:https?:)?//", html)
    assert not re.search(r"@import", html)
    sources = re.findall(r"<img[^>]*\ssrc=\"([^\"]{0,40})", html)
    assert sources and all(s.startswith("data:image/png;base64,") for s in sources)


def test_reputation_report_has_the_expected_figures(rendered: dict[str, object], project: Path) -> None:
    html = _html(rendered)
    est = load_round(ROUND, project).estimates.filter(pl.col("survey") == "omdomme")
    # The association frame (assos_*) is one chart of its own, not a chart per category.
    est = est.filter(~pl.col("indicator").str.starts_with("assos_"))
    indicators = est["indicator"].unique().to_list()
    captions = [" ".join(c.split()) for c in re.findall(r"<figcaption[^>]*>(.*?)</figcaption>", html, flags=re.S)]
    # One county chart per indicator, the trend over 2016-2018, Østfold's rank chart, the associations.
    assert len(captions) == len(indicators) + 3
    assert any(c.startswith(f"Assosiasjoner til fylkene, {ROUND}") for c in captions)
    assert html.count("<img") == len(captions)
    for label in est["label"].unique().to_list():
        assert any(c.startswith(f"{label}, {ROUND}.") and "Akershus" in c for c in captions), label
    assert any(c.startswith("Utvikling 2016–2018") for c in captions)
    assert any(c.startswith("Østfolds plass") for c in captions)


def test_innovation_report_shows_norway_and_the_doubling_goal(rendered: dict[str, object]) -> None:
    html = _html(rendered, "innovasjon")
    captions = [" ".join(c.split()) for c in re.findall(r"<figcaption[^>]*>(.*?)</figcaption>", html, flags=re.S)]
    assert any("Mål: faktor 2,0" in c for c in captions)
    assert any("Stiplet linje: Norge" in c for c in captions)
    assert "Mot en dobling av innovasjonsaktiviteten" in html


@pytest.mark.parametrize("survey", ["omdomme", "innovasjon"])
def test_synthetic_banner_is_visible(rendered: dict[str, object], survey: str) -> None:
    html = _html(rendered, survey)
    assert re.search(r'<div class="banner">\s*<p><strong>Syntetiske data\.</strong>', html)


def test_every_summary_number_equals_the_analysis_after_formatting(rendered: dict[str, object], project: Path) -> None:
    parser = _Tables()
    parser.feed(_html(rendered))
    rows = parser.tables["sammendrag"]
    est = pl.read_csv(project / "analyses" / str(ROUND) / "estimates.csv").filter(
        (pl.col("survey") == "omdomme") & ~pl.col("indicator").str.starts_with("assos_"))  # the frame has its own section
    cmp = pl.read_csv(project / "analyses" / str(ROUND) / "comparisons.csv")
    by_label = dict(est.select("label", "indicator").unique().iter_rows())
    assert len(rows) == len(by_label)
    ranks = pl.read_csv(project / "analyses" / str(ROUND) / "ranks.csv").filter(pl.col("target") == "ostfold")
    checked = 0
    for label, ostfold, ci, rank, top3, akershus, gap, change, _goal in rows:
        indicator = by_label[label]
        domain = "alle" if est.filter((pl.col("indicator") == indicator) & (pl.col("domain") == "alle")).height else \
            est.filter(pl.col("indicator") == indicator)["domain"][0]
        cell = est.filter((pl.col("indicator") == indicator) & (pl.col("domain") == domain))
        o = cell.filter(pl.col("target") == "ostfold").row(0, named=True)
        a = cell.filter(pl.col("target") == "akershus").row(0, named=True)
        hidden = {o["flag"], a["flag"]} & {"suppressed"}
        r = ranks.filter((pl.col("indicator") == indicator) & (pl.col("domain") == domain)).row(0, named=True)
        interval = "" if r["rank_low"] == r["rank_high"] else f" ({r['rank_low']}–{r['rank_high']})"
        assert rank == f"{r['rank_point']}{interval}"
        assert top3 == fmt_pct(r["p_top3"], 0)
        assert ostfold.rstrip("*") == (":" if o["flag"] == "suppressed" else fmt_pct(o["estimate"]))
        assert ci == (":" if o["flag"] == "suppressed" else fmt_range(o["ci_low"], o["ci_high"]))
        assert akershus.rstrip("*") == (":" if a["flag"] == "suppressed" else fmt_pct(a["estimate"]))
        # The analysis's own display text is the report's string, byte for byte.
        assert ostfold.rstrip("*") == (":" if o["flag"] == "suppressed" else o["display"])
        pair = cmp.filter((pl.col("indicator") == indicator) & (pl.col("domain") == domain)
                          & (pl.col("comparison") == "county") & (pl.col("target_a") == "ostfold")
                          & (pl.col("target_b") == "akershus"))
        # A gap to a suppressed figure would reveal it, so it shows «:».
        assert gap == (":" if hidden else fmt_pp(pair["difference"][0]))
        moved = cmp.filter((pl.col("indicator") == indicator) & (pl.col("domain") == domain)
                           & (pl.col("comparison") == "round") & (pl.col("target_a") == "ostfold"))
        assert change == (":" if o["flag"] == "suppressed" else fmt_pp(moved["difference"][0]))
        checked += 1
    assert checked == 6  # the five headline indicators and kun_geografi


def test_docx_holds_the_tables_and_figures(rendered: dict[str, object]) -> None:
    path = Path(rendered["dir"]) / f"omdomme-{ROUND}.docx"  # type: ignore[arg-type]
    with zipfile.ZipFile(path) as docx:
        body = docx.read("word/document.xml").decode("utf-8")
        media = [n for n in docx.namelist() if n.startswith("word/media/")]
    assert len(media) >= 7
    assert body.count("<w:tbl>") >= 6  # summary, one per indicator, P(topp 3)
    assert "Syntetiske data" in body and "Sammendrag" in body
    assert fmt_pct(0.5).replace("\u00a0", "") != ""  # the formatter is what the test compares with


def test_missing_analysis_exits_2_and_says_to_analyse_first(tmp_path: Path) -> None:
    result = CliRunner().invoke(main, ["report", "2018", "--root", str(tmp_path)])
    assert result.exit_code == 2
    assert "Error: no analysis of round 2018" in result.output
    assert "run `omdomme analyse 2018` first" in result.output
    assert not (tmp_path / "reports").exists()


def test_pdf_without_quarto_or_typst_is_a_usage_error(fake: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import sys

    monkeypatch.setattr(shutil, "which", lambda name: None)
    monkeypatch.setitem(sys.modules, "typst", None)  # the typst wheel not installed
    result = CliRunner().invoke(main, ["report", "2018", "--root", str(fake), "--format", "pdf"])
    assert result.exit_code == 2
    assert "needs the Typst compiler wheel: pip install typst" in result.output
    result = CliRunner().invoke(main, ["report", "2018", "--root", str(fake), "--engine", "quarto"])
    assert result.exit_code == 2 and "quarto CLI is not on PATH" in result.output


def test_unknown_survey_in_round_is_a_usage_error(tmp_path: Path) -> None:
    write_fake_analyses(tmp_path, rounds=(2018,))
    est = pl.read_parquet(tmp_path / "analyses/2018/estimates.parquet").filter(pl.col("survey") == "omdomme")
    est.write_parquet(tmp_path / "analyses/2018/estimates.parquet")
    with pytest.raises(UsageError, match="no rows for survey innovasjon"):
        render_report(2018, "html", engine="builtin", root=tmp_path, survey="innovasjon")


def test_report_sections_in_english(fake: Path) -> None:
    report = Report(ROUND, root=fake, lang="en")
    parts = report.summary_parts()
    assert parts[0].startswith("## Summary")
    html = parts[-1].as_raw_html()
    assert "Gap to Akershus" in html and "Change since 2016" in html
    assert fmt_pct(0.453, lang="en") == "45.3%"
    method = "\n".join(p for p in report.method_parts() if isinstance(p, str))
    assert "## Method" in method and "Confidence intervals" in method


def test_synthetic_flag_falls_back_to_the_definition(tmp_path: Path) -> None:
    write_fake_analyses(tmp_path, rounds=(2018,))
    manifest_file = tmp_path / "analyses/2018/manifest.json"
    manifest = json.loads(manifest_file.read_text(encoding="utf-8"))
    for entry in manifest["surveys"].values():
        entry["parameters"].pop("synthetic")
    manifest_file.write_text(json.dumps(manifest), encoding="utf-8")
    assert not is_synthetic(load_round(2018, tmp_path), "omdomme", tmp_path)
    (tmp_path / "surveys/2018").mkdir(parents=True)
    (tmp_path / "surveys/2018/omdomme.toml").write_text("[survey]\nsynthetic = true\n", encoding="utf-8")
    results = load_round(2018, tmp_path)
    assert is_synthetic(results, "omdomme", tmp_path)
    assert Report(2018, root=tmp_path).banner_parts()[0].startswith("::: {.banner}")


def test_qmd_parser_reads_header_options_and_cells(tmp_path: Path) -> None:
    doc = parse_qmd(bundled_templates() / "omdomme.qmd")
    assert doc.front_matter["format"]["html"]["embed-resources"] is True
    assert doc.execute_option("echo", True) is False
    assert doc.cells[0].tags == ["parameters"]
    assert [c.options["label"] for c in doc.cells][:2] == ["parameters", "setup"]
    bad = tmp_path / "bad.qmd"
    bad.write_text("---\ntitle: x\n---\n\n```{python}\nprint(1)\n", encoding="utf-8")
    with pytest.raises(UsageError, match=r"bad.qmd, line 5: the \{python\} cell is never closed"):
        parse_qmd(bad)


def test_assemble_honours_cell_options(tmp_path: Path) -> None:
    qmd = tmp_path / "t.qmd"
    qmd.write_text(
        "---\nexecute:\n  echo: false\n---\n\nIntro.\n\n"
        "```{python}\n#| include: false\nx = 1\n```\n\n"
        "```{python}\n#| echo: true\n#| label: fig-a\n#| fig-cap: \"En figur\"\nplot()\n```\n\n"
        "```{python}\n#| output: asis\nprint('**fet**')\n```\n",
        encoding="utf-8")
    doc = parse_qmd(qmd)
    png = "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg=="
    outputs = [[{"output_type": "stream", "name": "stdout", "text": "hidden"}],
               [{"output_type": "display_data", "data": {"image/png": png}}],
               [{"output_type": "stream", "name": "stdout", "text": "**fet**\n"}]]
    markdown = assemble(doc, outputs, media=tmp_path)
    assert "hidden" not in markdown
    assert "```python\nplot()\n```" in markdown
    assert "![En figur](figure-1.png){#fig-a}" in markdown
    assert "**fet**" in markdown and "```\n**fet**" not in markdown
    assert (tmp_path / "figure-1.png").exists()
    assert parameter_source({"round": 2018, "compare_round": None}) == \
        "# Injected parameters\nround = 2018\ncompare_round = None"


def test_reports_of_one_command_keep_their_order_and_a_relative_output_folder(
        fake: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # The surveys' documents run side by side; the files are still listed survey by survey,
    # and a relative --output is the caller's folder, not pandoc's temporary one.
    templates = tmp_path / "templates"
    templates.mkdir()
    for name in ("omdomme", "innovasjon"):
        (templates / f"{name}.qmd").write_text(f"---\ntitle: t\n---\n\n```{{python}}\nprint('{name} ok')\n```\n",
                                               encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    written = render_report(ROUND, ["html", "docx"], engine="builtin", root=fake, templates=templates,
                            survey=["omdomme", "innovasjon"], output_dir="out")
    assert written == [tmp_path / "out" / f"{s}-{ROUND}.{ext}" for s in ("omdomme", "innovasjon")
                       for ext in ("html", "docx")]
    assert "innovasjon ok" in written[2].read_text(encoding="utf-8")
    assert "omdomme ok" in written[0].read_text(encoding="utf-8")


def test_a_failing_cell_names_the_template_and_line(fake: Path, tmp_path: Path) -> None:
    (tmp_path / "omdomme.qmd").write_text(
        "---\ntitle: t\n---\n\n```{python}\n#| tags: [parameters]\nround = 0\n```\n\n"
        "```{python}\nassert round == 2018\nraise KeyError('vet_ikke')\n```\n", encoding="utf-8")
    with pytest.raises(AnalysisError, match=r"omdomme.qmd, cell at line 10 failed with KeyError: 'vet_ikke'"):
        render_report(ROUND, "html", engine="builtin", root=fake, survey="omdomme", templates=tmp_path,
                      output_dir=tmp_path / "out")
    assert not (tmp_path / "out").exists()


def test_quarto_engine_runs_quarto_render_with_the_parameters(fake: Path, tmp_path: Path,
                                                              monkeypatch: pytest.MonkeyPatch) -> None:
    # A stand-in `quarto` on PATH records its arguments and writes the file it is asked for.
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    log = tmp_path / "quarto-args.txt"
    script = bin_dir / "quarto"
    script.write_text(
        "#!/bin/sh\n"
        f'printf "%s\\n" "$@" "PARAMS=$OMDOMME_REPORT_PARAMS" "CWD=$(pwd)" > "{log}"\n'
        'while [ $# -gt 0 ]; do if [ "$1" = "--output" ]; then out="$2"; fi; shift; done\n'
        'echo "<html>quarto</html>" > "$out"\n', encoding="utf-8")
    script.chmod(0o755)
    monkeypatch.setenv("PATH", f"{bin_dir}:{__import__('os').environ['PATH']}")
    templates = tmp_path / "reports"
    templates.mkdir()
    shutil.copy(bundled_templates() / "omdomme.qmd", templates / "omdomme.qmd")
    result = CliRunner().invoke(main, ["report", "2018", "--root", str(fake), "--survey", "omdomme",
                                       "--format", "pdf", "--engine", "auto"], catch_exceptions=False)
    # The project's own reports/omdomme.qmd comes before the bundled template.
    assert result.exit_code == 0, result.output
    args = log.read_text(encoding="utf-8").splitlines()
    # Rendered in a temporary copy of the project's own reports/ (nothing left beside it),
    # the parameters in $OMDOMME_REPORT_PARAMS (no -P, so Quarto needs no papermill).
    assert args[0] == "render" and args[1].endswith("/reports/omdomme.qmd") and args[1] != str(templates / "omdomme.qmd")
    assert args[args.index("--to") + 1] in ("pdf", "typst")
    assert "-P" not in args
    params = __import__("json").loads(next(a for a in args if a.startswith("PARAMS="))[len("PARAMS="):])
    assert params == {"round": 2018, "compare_round": None, "root": str(fake.resolve()), "lang": "nb"}
    assert "title:Omdømmeundersøkelsen 2018" in args
    assert "lang:nb" in args and "region:NO" in args  # else Quarto's Typst PDF says nb-US
    assert (fake / "reports" / "2018" / "omdomme-2018.pdf").read_text().strip() == "<html>quarto</html>"
    assert sorted(p.name for p in templates.iterdir()) == ["2018", "omdomme.qmd"]  # 2018/: the output


def test_norwegian_number_formats() -> None:
    # The report formats with omdomme.labels (tests/test_labels.py has the rules); its re-exports.
    from omdomme import labels, report

    nb = "\u00a0"
    assert all(getattr(report, f) is getattr(labels, f) for f in report.__all__ if f.startswith("fmt_"))
    assert fmt_pct(0.4535) == f"45,4{nb}%"          # half away from zero, not to even
    assert fmt_pct(0.4525) == f"45,3{nb}%"          # on the decimal, not the binary float
    assert fmt_pp(-0.00004) == f"0,0{nb}p.p."        # no «−0,0»
    assert fmt_pp(-0.021) == f"\u22122,1{nb}p.p."    # a true minus sign
    assert fmt_range(0.0123, 0.5) == "1,2–50,0"


def test_innovation_summary_numbers_equal_the_analysis(rendered: dict[str, object], project: Path) -> None:
    from omdomme.labels import fmt_unit, unit_of

    parser = _Tables()
    parser.feed(_html(rendered, "innovasjon"))
    rows = parser.tables["sammendrag"]
    est = pl.read_csv(project / "analyses" / str(ROUND) / "estimates.csv", infer_schema_length=None).filter(
        (pl.col("survey") == "innovasjon") & pl.col("breakdown").is_null())  # the definition's own rows
    by_label = {r["label"]: r for r in est.filter(pl.col("target") == "ostfold").iter_rows(named=True)}
    norge = {r["indicator"]: r for r in est.filter(pl.col("target") == "norge").iter_rows(named=True)}
    assert len(rows) == len(by_label)
    for label, ostfold, _ci, norway, *_ in rows:
        o = by_label[label]
        unit = unit_of(o["kind"], o["display"])
        assert ostfold.rstrip("*") == (":" if o["flag"] == "suppressed" else fmt_unit(o["estimate"], unit))
        n = norge[o["indicator"]]
        assert norway.rstrip("*") == (":" if n["flag"] == "suppressed" else fmt_unit(n["estimate"], unit))


def test_association_chart_when_the_analysis_has_categories(fake: Path) -> None:
    est = pl.read_parquet(fake / "analyses/2018/estimates.parquet")
    verdier = est.filter(pl.col("indicator") == "verdier")
    steder = verdier.with_columns(indicator=pl.lit("assos_steder"), label=pl.lit("Steder og byer"),
                                  estimate=pl.col("estimate") * 3)
    pl.concat([est, steder]).write_parquet(fake / "analyses/2018/estimates.parquet")
    report = Report(ROUND, root=fake)
    assert report.association_indicators() == ["assos_steder", "verdier"]
    parts = report.associations_parts()
    chart = next(p for p in parts if isinstance(p, str) and p.startswith("![Assosiasjoner til fylkene, 2018"))
    assert "data:image/png;base64," in chart
    assert parts[-1].startswith("*Metode: Kodingen er leverandørens.")  # the coding source, no free text
    # Association categories are not indicators of the summary.
    assert "assos_steder" not in report.main_domains and "verdier" in report.main_domains
    assert "Steder og byer" not in report.summary_parts()[-1].as_raw_html()


def test_change_from_an_omdomme_compare_table(fake: Path) -> None:
    # The round's own comparisons lack the round rows; `omdomme compare 2016 2018` wrote them.
    folder = fake / "analyses/2018"
    cmp = pl.read_parquet(folder / "comparisons.parquet")
    rounds = cmp.filter(pl.col("comparison") == "round")
    cmp.filter(pl.col("comparison") != "round").write_parquet(folder / "comparisons.parquet")
    assert Report(ROUND, root=fake).summary_parts()[-1].as_raw_html().count("ikke testet") == 5
    (fake / "analyses/compare-2016-2018").mkdir()
    rounds.write_parquet(fake / "analyses/compare-2016-2018/comparisons.parquet")
    report = Report(ROUND, root=fake, compare_round=2016)
    html = report.summary_parts()[-1].as_raw_html()
    vet_ikke = rounds.filter((pl.col("indicator") == "vet_ikke") & (pl.col("domain") == "alle")
                             & (pl.col("target_a") == "ostfold"))
    assert "ikke testet" not in html and fmt_pp(vet_ikke["difference"][0]) in html


SNAPSHOTS = Path(__file__).parent / "fixtures" / "analyses_fake"


def _assert_snapshot(name: str, text: str) -> None:
    """Compare with tests/fixtures/analyses_fake/<name>; OMDOMME_UPDATE_SNAPSHOTS=1 rewrites it."""
    import os

    path = SNAPSHOTS / name
    if os.environ.get("OMDOMME_UPDATE_SNAPSHOTS") == "1":
        path.write_text(text, encoding="utf-8")
        return
    assert path.exists(), f"snapshot {path} is missing; run with OMDOMME_UPDATE_SNAPSHOTS=1, review, commit"
    assert text == path.read_text(encoding="utf-8"), f"report text differs from {path} (OMDOMME_UPDATE_SNAPSHOTS=1)"


def test_report_text_snapshot(fake: Path) -> None:
    """What a reader sees, in words and table cells, for the fixed fake analysis."""
    from omdomme.report._tables import summary_frame

    report = Report(ROUND, root=fake)
    words = [p for p in report.summary_parts() if isinstance(p, str)]
    words += [p for p in report.indicator_parts("vet_ikke") if isinstance(p, str) and not p.startswith("![")]
    words += [p for p in report.method_parts() if isinstance(p, str)]
    frame = summary_frame(report.estimates, report.comparisons, report.ranks, report.main_domains,
                          previous=report.previous)
    table = "\n".join(" | ".join(str(v) for v in row) for row in frame.drop("indicator").iter_rows())
    _assert_snapshot("report_text.md", "\n\n".join(words) + "\n\n" + table + "\n")


def _xlsx_rows(path: Path, sheet: str) -> list[dict[str, str]]:
    """A worksheet of the analysis workbook as it is stored: cell texts by header (numbers as written)."""
    import zipfile
    from xml.etree import ElementTree

    ns = {"m": "http://schemas.openxmlformats.org/spreadsheetml/2006/main"}
    with zipfile.ZipFile(path) as z:
        shared = [("".join(t.text or "" for t in si.iter(f"{{{ns['m']}}}t")))
                  for si in ElementTree.fromstring(z.read("xl/sharedStrings.xml")).findall("m:si", ns)]
        book = ElementTree.fromstring(z.read("xl/workbook.xml"))
        index = [s.get("name") for s in book.find("m:sheets", ns)].index(sheet) + 1  # type: ignore[union-attr]
        root = ElementTree.fromstring(z.read(f"xl/worksheets/sheet{index}.xml"))
    table = []
    for row in root.iter(f"{{{ns['m']}}}row"):
        cells = {}
        for c in row.findall("m:c", ns):
            v = c.find("m:v", ns)
            column = re.match(r"[A-Z]+", c.get("r", "")).group(0)  # type: ignore[union-attr]
            if c.get("t") == "inlineStr":  # the long tables' text (omdomme.results.sheetdata)
                cells[column] = "".join(t.text or "" for t in c.iter(f"{{{ns['m']}}}t"))
                continue
            text = "" if v is None or v.text is None else v.text
            cells[column] = shared[int(text)] if c.get("t") == "s" else text
        table.append(cells)
    header = table[0]
    return [{header[k]: v for k, v in r.items()} for r in table[1:]]


def test_summary_display_workbook_and_report_show_the_same_strings(rendered: dict[str, object],
                                                                  project: Path) -> None:
    """Decision 3 of issue 12, end to end on the shipped 2018 round: one number, one string."""
    folder = project / "analyses" / str(ROUND)
    est = pl.read_csv(folder / "estimates.csv")
    # The terminal summary: «  Østfold        29,4 % (26,3 til 32,6)» under «… [vet_ikke, alle; …]».
    summary = (project / "analyse-summary.txt").read_text(encoding="utf-8").splitlines()
    shown: dict[tuple[str, str], str] = {}
    indicator = None
    for line in summary:
        head = re.search(r"\[([a-z_]+)[,;]", line)
        if head and not line.startswith(" "):
            indicator = head.group(1)
        for who, key in (("Østfold", "ostfold"), ("Norge", "norge")):
            if indicator and line.startswith(f"  {who} "):
                text = line[len(f"  {who}"):].strip()
                shown[(indicator, key)] = text[: text.index(" (")] if " (" in text else text
    first = est.group_by("survey", "indicator", maintain_order=True).agg(pl.col("domain").first())
    rows = {(r["indicator"], r["target"]): r for r in est.join(first, on=["survey", "indicator", "domain"])
            .iter_rows(named=True)}
    compared = 0
    for (ind, target), text in shown.items():
        r = rows[(ind, target)]
        if r["flag"] != "suppressed":
            assert text.removesuffix(" *") == r["display"], (ind, target)
            compared += 1
    assert compared >= 2 * 6 + 5  # five reputation indicators; Østfold and Norway for innovation

    # The report's summary tables show those same strings.
    for survey in ("omdomme", "innovasjon"):
        parser = _Tables()
        parser.feed(_html(rendered, survey))
        labels = {r["label"]: r["indicator"] for r in est.filter(pl.col("survey") == survey).iter_rows(named=True)}
        for row in parser.tables["sammendrag"]:
            ind = labels[row[0]]
            cells = {"ostfold": row[1]} if survey == "omdomme" else {"ostfold": row[1], "norge": row[3]}
            for target, cell in cells.items():
                if (ind, target) in shown:
                    assert cell.rstrip("*") == shown[(ind, target)].removesuffix(" *"), (survey, ind, target)

    # The workbook: its display column is the CSV's, and each share cell, shown as Excel shows
    # «0.0%» (15 significant digits of the stored number, rounded half away from zero), reads
    # the same in Norwegian.
    sheet = _xlsx_rows(folder / f"omdomme-{ROUND}.xlsx", "estimates")
    assert [r.get("display", "") for r in sheet] == [d or "" for d in est["display"].to_list()]
    checked = 0
    for r in sheet:
        if r["kind"] == "share" and r.get("flag") != "suppressed" and r.get("estimate"):
            assert fmt_pct(float(r["estimate"])) == r["display"]
            checked += 1
    assert checked == est.filter((pl.col("kind") == "share") & (pl.col("flag") != "suppressed")).height > 50
