"""The analysts' workbook: one formatted sheet per indicator, numbers as numbers.

Read back with openpyxl, every shown estimate and interval equals ``estimates.csv`` as a
number, shares carry the percent format a Norwegian Excel shows as ``29,4 %``, counts the
thousands format (``1 585``), suppressed cells hold ``:`` with a footnote, the headers are
frozen, and «Om tallene» explains the symbols and carries the synthetic banner.
"""

from __future__ import annotations

from pathlib import Path

import openpyxl
import polars as pl
import pytest

from _report_project import ROUND, analysed_project
from omdomme.results.workbook import COUNT_FORMAT, PERCENT_FORMAT


@pytest.fixture(scope="module")
def book() -> openpyxl.Workbook:
    return openpyxl.load_workbook(analysed_project() / "analyses" / str(ROUND) / f"omdomme-{ROUND}.xlsx")


@pytest.fixture(scope="module")
def estimates() -> pl.DataFrame:
    return pl.read_csv(analysed_project() / "analyses" / str(ROUND) / "estimates.csv", infer_schema_length=None)


def _cells(sheet: openpyxl.worksheet.worksheet.Worksheet) -> dict[tuple[str, str, str], openpyxl.cell.Cell]:
    """(county, domain, column) -> cell, from the two header rows (4: domain groups, 5: columns)."""
    domains: dict[int, str] = {}
    current = ""
    for col in range(2, sheet.max_column + 1):
        value = sheet.cell(4, col).value
        current = str(value) if value else current
        domains[col] = current
    out = {}
    for row in range(6, sheet.max_row + 1):
        county = sheet.cell(row, 1).value
        if not county or str(county).startswith(("«", "1.")) or sheet.cell(row, 2).value is None:
            continue
        for col in range(2, sheet.max_column + 1):
            out[(str(county), domains[col], str(sheet.cell(5, col).value))] = sheet.cell(row, col)
    return out


def test_sheets_one_per_indicator_after_om_tallene(book: openpyxl.Workbook, estimates: pl.DataFrame) -> None:
    indicators = estimates["indicator"].unique(maintain_order=True).to_list()
    assert book.sheetnames[0] == "Om tallene"
    assert book.sheetnames[1:1 + len(indicators)] == indicators
    assert book.sheetnames[-3:] == ["estimates", "comparisons", "ranks"]  # the raw tables stay


def test_every_estimate_is_the_number_in_estimates_csv(book: openpyxl.Workbook, estimates: pl.DataFrame) -> None:
    checked = suppressed = 0
    for r in estimates.iter_rows(named=True):
        cells = _cells(book[r["indicator"]])
        key = (r["target_label"], r["domain_label"])
        est, lo, hi, n = (cells[(*key, c)] for c in ("Estimat", "95 % KI nedre", "95 % KI øvre", "n"))
        assert n.value == r["n"] and n.number_format == COUNT_FORMAT
        if r["flag"] == "suppressed":
            suppressed += 1
            assert est.value == ":" and lo.value == ":" and str(cells[(*key, "Merknad")].value).startswith("fotnote")
            continue
        # xlsxwriter writes 16 significant digits (Excel keeps 15): equal to that precision.
        assert isinstance(est.value, float) and est.value == pytest.approx(r["estimate"], rel=1e-15, abs=0)
        assert lo.value == pytest.approx(r["ci_low"], rel=1e-15) and hi.value == pytest.approx(r["ci_high"], rel=1e-15)
        if r["kind"] == "share":
            assert est.number_format == PERCENT_FORMAT == "0.0 %"
        checked += 1
    assert checked > 100 and suppressed > 0


def test_suppressed_cells_have_a_footnote_naming_the_county(book: openpyxl.Workbook) -> None:
    sheet = book["moderne_ungdom"]
    texts = [str(c.value) for c in sheet["A"] if c.value]
    assert any(t.startswith("1. Akershus") and "n = 27" in t for t in texts)
    assert sheet.freeze_panes == "B6"
    assert sheet.column_dimensions["A"].width >= 12


def test_om_tallene_explains_symbols_and_says_synthetic(book: openpyxl.Workbook) -> None:
    text = " ".join(str(c.value) for c in book["Om tallene"]["A"] if c.value)
    assert "SYNTETISKE DATA" in text and "«:» betyr at tallet er undertrykt" in text
    assert "vektingseffektivitet (Kish)" in text


def test_workbook_is_byte_identical_across_reruns(tmp_path: Path) -> None:
    from click.testing import CliRunner

    from omdomme.cli import main

    root = analysed_project()
    path = root / "analyses" / str(ROUND) / f"omdomme-{ROUND}.xlsx"
    before = path.read_bytes()
    result = CliRunner().invoke(main, ["analyse", str(ROUND), "--root", str(root), "--quiet"])
    assert result.exit_code == 0, result.output
    assert path.read_bytes() == before
