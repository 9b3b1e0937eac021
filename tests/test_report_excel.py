"""The analysts' workbook: one formatted sheet per indicator, a crosstab sheet per indicator with
breakdowns, numbers as numbers; and the English workbook of `omdomme analyse --lang en`.

Read back with openpyxl, every shown estimate and interval equals ``estimates.csv`` as a
number (the definition's own domains on the indicator sheets, the breakdown rows on the
crosstab sheets, with their letters), shares carry the percent format a Norwegian Excel shows
as ``29,4 %``, counts the thousands format (``1 585``), suppressed cells hold ``:`` with a
footnote, the headers are frozen, and «Om tallene» explains the symbols and carries the
synthetic banner.
"""

from __future__ import annotations

from pathlib import Path

import openpyxl
import polars as pl
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from _report_project import ROUND, analysed_project
from omdomme.results.workbook import COUNT_FORMAT, PERCENT_FORMAT, write_indicator_sheets


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


def _crosstab_cells(sheet: openpyxl.worksheet.worksheet.Worksheet) -> dict[tuple[str, str, str, str], openpyxl.cell.Cell]:
    """(block, county, column heading, sub-column) -> cell of a crosstab sheet («Etter kjønn» blocks)."""
    out = {}
    block = ""
    row = 1
    while row <= sheet.max_row:
        first = sheet.cell(row, 1).value
        if isinstance(first, str) and first.startswith(("Etter ", "By ")):
            block, head = first, row + 1
            groups: dict[int, str] = {}
            current = ""
            for col in range(2, sheet.max_column + 1):
                value = sheet.cell(head, col).value
                current = str(value) if value else current
                groups[col] = current
            row = head + 2
            while sheet.cell(row, 1).value:
                for col in range(2, sheet.max_column + 1):
                    sub = sheet.cell(head + 1, col).value
                    if sub:
                        out[(block, str(sheet.cell(row, 1).value), groups[col], str(sub))] = sheet.cell(row, col)
                row += 1
        row += 1
    return out


def test_sheets_one_per_indicator_after_om_tallene(book: openpyxl.Workbook, estimates: pl.DataFrame) -> None:
    indicators = estimates["indicator"].unique(maintain_order=True).to_list()
    assert book.sheetnames[0] == "Om tallene"
    assert book.sheetnames[1:1 + len(indicators)] == indicators
    crossed = estimates.filter(pl.col("breakdown").is_not_null())["indicator"].unique(maintain_order=True).to_list()
    # Excel's 31 characters: a long id is cut before « krysstab» (innovation's produktinnovasjon_varer)
    assert book.sheetnames[1 + len(indicators):-3] == [f"{i[:31 - 9]} krysstab" for i in crossed]
    assert book.sheetnames[-3:] == ["estimates", "comparisons", "ranks"]  # the raw tables stay


def test_every_estimate_is_the_number_in_estimates_csv(book: openpyxl.Workbook, estimates: pl.DataFrame) -> None:
    checked = suppressed = crossed = 0
    crosstabs = {}
    for r in estimates.iter_rows(named=True):
        if r["breakdown"] is not None:
            # A breakdown row: on the indicator's crosstab sheet, block «Etter <breakdown>», the level's column.
            sheet = f"{r['indicator'][:31 - 9]} krysstab"  # Excel's 31 characters
            cells_x = crosstabs.setdefault(sheet, _crosstab_cells(book[sheet]))
            what, level = r["domain_label"].split(": ", 1)
            key_x = (f"Etter {what.lower()}", r["target_label"], level)
            est, lo, hi, n, letters = (cells_x[(*key_x, c)] for c in
                                       ("Estimat", "95 % KI nedre", "95 % KI øvre", "n", "Bokstaver"))
            assert n.value == r["n"] and n.number_format == COUNT_FORMAT
            if r["flag"] == "suppressed":
                assert est.value == ":" and str(cells_x[(*key_x, "Merknad")].value).startswith("fotnote")
                continue
            # a whole-number total (take-all strata only, an innovation size class) reads back as int
            assert isinstance(est.value, int | float) and est.value == pytest.approx(r["estimate"], rel=1e-15, abs=0)
            assert lo.value == pytest.approx(r["ci_low"], rel=1e-15) and hi.value == pytest.approx(r["ci_high"], rel=1e-15)
            assert letters.value == r["letters"]
            if r["kind"] == "share":
                assert est.number_format == PERCENT_FORMAT
            crossed += 1
            continue
        cells = _cells(book[r["indicator"]])
        key = (r["target_label"], r["domain_label"])
        est, lo, hi, n = (cells[(*key, c)] for c in ("Estimat", "95 % KI nedre", "95 % KI øvre", "n"))
        assert n.value == r["n"] and n.number_format == COUNT_FORMAT
        if r["flag"] == "suppressed":
            suppressed += 1
            assert est.value == ":" and lo.value == ":" and str(cells[(*key, "Merknad")].value).startswith("fotnote")
            continue
        # xlsxwriter writes 16 significant digits (Excel keeps 15): equal to that precision. A whole
        # number (a total of take-all strata only, e.g. an innovation size class) reads back as int.
        assert isinstance(est.value, int | float) and not isinstance(est.value, bool)
        assert est.value == pytest.approx(r["estimate"], rel=1e-15, abs=0)
        assert lo.value == pytest.approx(r["ci_low"], rel=1e-15) and hi.value == pytest.approx(r["ci_high"], rel=1e-15)
        if r["kind"] == "share":
            assert est.number_format == PERCENT_FORMAT == "0.0 %"
        checked += 1
    assert checked > 100 and suppressed > 0 and crossed > 100
    # The crosstab's «Alle» column is the indicator's own «alle» row, as `omdomme table` shows it.
    x = crosstabs["svaert_godt krysstab"][("Etter kjønn", "Østfold", "Alle", "Estimat")]
    own = estimates.filter((pl.col("indicator") == "svaert_godt") & (pl.col("domain") == "alle")
                           & (pl.col("target") == "ostfold"))
    assert x.value == pytest.approx(own["estimate"][0], rel=1e-15)


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


def test_crosstab_sheet_names_fit_excel_with_long_indicator_ids(tmp_path: Path, estimates: pl.DataFrame) -> None:
    import xlsxwriter

    # Two ids that agree in their first 31 characters (Excel's limit): both sheets, unique names.
    long = {"svaert_godt": "andel_med_svaert_godt_inntrykk_blant_alle_a",
            "svaert_godt_meninger": "andel_med_svaert_godt_inntrykk_blant_alle_b"}
    frame = estimates.with_columns(pl.col("indicator").replace(long)).cast({"letters": pl.String})
    path = tmp_path / "long.xlsx"
    workbook = xlsxwriter.Workbook(str(path))
    names = write_indicator_sheets(workbook, frame, {"round": ROUND})
    workbook.close()
    sheets = openpyxl.load_workbook(path).sheetnames
    assert sheets[1:] == names and len(set(sheets)) == len(sheets)
    assert all(len(name) <= 31 for name in sheets)
    crosstabs = [n for n in sheets if n.endswith(" krysstab") and n.startswith("andel_med")]
    assert len(crosstabs) == 2, sheets
    book = openpyxl.load_workbook(path)
    titles = {book[n]["A1"].value for n in crosstabs}
    assert titles == {"Andel med svært godt inntrykk", "Andel med svært godt inntrykk, blant dem som har en mening"}


@pytest.fixture(scope="module")
def english(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """`omdomme analyse 2018 --lang en` on a copy of the analysed project."""
    import shutil

    from click.testing import CliRunner

    from omdomme.cli import main

    root = tmp_path_factory.mktemp("english") / "project"
    shutil.copytree(analysed_project(), root)
    result = CliRunner().invoke(main, ["analyse", str(ROUND), "--root", str(root), "--quiet", "--lang", "en"])
    assert result.exit_code == 0, result.output
    return root / "analyses" / str(ROUND)


def test_english_workbook_beside_the_norwegian_one(english: Path, estimates: pl.DataFrame) -> None:
    assert (english / f"omdomme-{ROUND}.xlsx").is_file()
    book = openpyxl.load_workbook(english / f"omdomme-{ROUND}.en.xlsx")
    assert book.sheetnames[0] == "About the figures"
    assert "svaert_godt crosstab" in book.sheetnames
    about = " ".join(str(c.value) for c in book["About the figures"]["A"] if c.value)
    assert "SYNTHETIC DATA" in about and "«:» means the figure is suppressed" in about
    sheet = book["svaert_godt"]
    assert sheet["A1"].value == "Share with a very good impression"
    assert sheet.cell(4, 1).value == "County" and sheet.cell(5, 2).value == "Estimate"
    assert sheet.cell(4, 2).value == "All"
    row = next(r for r in range(6, sheet.max_row + 1) if sheet.cell(r, 1).value == "Østfold")
    own = estimates.filter((pl.col("indicator") == "svaert_godt") & (pl.col("domain") == "alle")
                           & (pl.col("target") == "ostfold"))
    assert sheet.cell(row, 2).value == pytest.approx(own["estimate"][0], rel=1e-15)
    assert sheet.cell(row, 2).number_format == "0.0%"  # English: «12.2%»
    crosstab = _crosstab_cells(book["svaert_godt crosstab"])
    women = estimates.filter((pl.col("indicator") == "svaert_godt") & (pl.col("domain") == "kjonn=kvinne")
                             & (pl.col("target") == "ostfold"))
    cell = crosstab[("By sex", "Østfold", "Woman", "Estimate")]
    assert cell.value == pytest.approx(women["estimate"][0], rel=1e-15) and cell.number_format == "0.0%"
    assert crosstab[("By sex", "Østfold", "Woman", "Letters")].value == women["letters"][0]
    innovation = book["fou_utgifter"]
    assert innovation["A1"].value == "R&D expenditure, total (NOK)"
    norway = next(r for r in range(6, innovation.max_row + 1) if innovation.cell(r, 1).value == "Norway")
    assert innovation.cell(norway, 2).number_format == '"NOK "#,##0.0,," m"'


def test_an_innovation_breakdown_gets_its_crosstab_with_norway(tmp_path: Path, estimates: pl.DataFrame) -> None:
    import xlsxwriter

    # Breakdown rows of an innovation indicator (the shape issue #15 item 5 gives them).
    base = estimates.filter((pl.col("survey") == "innovasjon") & (pl.col("indicator") == "egen_fou")
                            & pl.col("breakdown").is_null())  # the own rows (the shipped breakdowns aside)
    rows = base.with_columns(breakdown=pl.lit("storrelse"), breakdown_level=pl.lit("10-19"),
                             domain=pl.lit("storrelse=10-19"), domain_label=pl.lit("Størrelse: 10–19 ansatte"),
                             estimate=pl.col("estimate") / 2)
    path = tmp_path / "innovation.xlsx"
    workbook = xlsxwriter.Workbook(str(path))
    names = write_indicator_sheets(workbook, pl.concat([estimates, rows], how="vertical_relaxed"), {"round": ROUND})
    workbook.close()
    assert "egen_fou krysstab" in names
    cells = _crosstab_cells(openpyxl.load_workbook(path)["egen_fou krysstab"])
    norway = rows.filter(pl.col("target") == "norge").row(0, named=True)
    assert cells[("Etter størrelse", "Norge", "10–19 ansatte", "Estimat")].value == pytest.approx(norway["estimate"])
    assert cells[("Etter størrelse", "Norge", "Alle foretak", "Estimat")].value == pytest.approx(2 * norway["estimate"])


def test_a_whole_scale_gets_a_column_group_per_domain_and_code(tmp_path: Path) -> None:
    # kind = "scale" has a row per code for one county × domain: each must land in its own
    # column group («Alle: Svært godt»), not overwrite the others.
    import shutil
    import warnings

    import xlsxwriter

    from omdomme.analysis.reputation import estimate_reputation
    from omdomme.definitions import parse_definition

    repo = Path(__file__).resolve().parents[1]
    shutil.copy(repo / "surveys/2018/omdomme-2018.sav", tmp_path)
    (tmp_path / "omdomme.toml").write_text(
        (repo / "surveys/2018/omdomme.toml").read_text(encoding="utf-8")
        + '\n[indicators.inntrykk_fordeling]\nlabel = "Generelt inntrykk"\nkind = "scale"\n'
          'question = "inntrykk"\ndomains = ["alle", "utenfra"]\n', encoding="utf-8")
    definition = parse_definition(tmp_path / "omdomme.toml")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        estimates = estimate_reputation(definition, *definition.read()).estimates
    scale = estimates.filter((pl.col("indicator") == "inntrykk_fordeling") & pl.col("breakdown").is_null())
    assert scale.height == 5 * 5 * 2  # codes × counties × domains
    path = tmp_path / "scale.xlsx"
    workbook = xlsxwriter.Workbook(str(path))
    write_indicator_sheets(workbook, scale, {"round": 2018})
    workbook.close()
    sheet = openpyxl.load_workbook(path)["inntrykk_fordeling"]
    assert sheet.cell(1, 1).value == "Generelt inntrykk"
    cells = _cells(sheet)
    for r in scale.iter_rows(named=True):
        group = f"{r['domain_label']}: {r['label'].rsplit(': ', 1)[-1]}"
        est = cells[(r["target_label"], group, "Estimat")]
        if r["flag"] == "suppressed":
            assert est.value == ":"
        else:
            assert est.value == pytest.approx(r["estimate"], rel=1e-15)


def test_raw_tables_read_back_as_the_parquet_tables(book: openpyxl.Workbook) -> None:
    # The long tables are written in bulk (omdomme.results.sheetdata), not cell by cell through
    # xlsxwriter: every value must read back as the table holds it, typed, with the percent
    # format on share rows, the header frozen and the autofilter over the whole table.
    import math

    folder = analysed_project() / "analyses" / str(ROUND)
    for name in ("estimates", "comparisons", "ranks"):
        frame = pl.read_parquet(folder / f"{name}.parquet")
        sheet = book[name]
        rows = list(sheet.iter_rows(values_only=True))
        assert list(rows[0]) == frame.columns and len(rows) == frame.height + 1
        for got_row, want_row in zip(rows[1:], frame.iter_rows(), strict=True):
            for got, want in zip(got_row, want_row, strict=True):
                if want is None or want == "":
                    assert got is None
                elif isinstance(want, bool):
                    assert got is want
                elif isinstance(want, float) and math.isnan(want):
                    assert got == "=#NUM!"  # Excel's #NUM! error (openpyxl shows the formula), as xlsxwriter writes NaN
                elif isinstance(want, float) and math.isinf(want):
                    assert got == ("=1/0" if want > 0 else "=-1/0")  # #DIV/0!, as xlsxwriter writes ±inf
                elif isinstance(want, int | float):
                    # 16 significant digits, as xlsxwriter writes a number
                    assert isinstance(got, int | float) and got == pytest.approx(want, rel=1e-15, abs=0)
                else:
                    assert got == want
        last = openpyxl.utils.get_column_letter(frame.width)
        assert sheet.freeze_panes == "A2" and sheet.auto_filter.ref == f"A1:{last}{frame.height + 1}"
        assert sheet.dimensions == f"A1:{last}{frame.height + 1}"
        assert all(c.font.b for c in sheet[1])
        if "kind" in frame.columns and name != "ranks":
            column = frame.columns.index("ci_low") + 1
            formats = {(k, sheet.cell(i + 2, column).number_format)
                       for i, k in enumerate(frame["kind"].to_list()) if frame["ci_low"][i] is not None}
            assert ("share", "0.0%") in formats and all(f == "0.0%" for k, f in formats if k == "share")
            assert all(f == "General" for k, f in formats if k != "share")


def test_raw_table_text_is_escaped_and_never_a_formula(tmp_path: Path) -> None:
    # Free text of a vendor file can hold XML's specials, control characters, Excel's own escape
    # pattern, leading spaces and a leading «=»: each must come back as written, as text.
    import io

    import xlsxwriter
    from xlsxwriter.utility import xl_col_to_name

    from omdomme.results.sheetdata import fill_long_tables, rows_xml

    texts = ["a & b <c>", "tab\there\x01", "_x0041_ literal", "  padded ", "=SUM(A1:A2)", "https://ssb.no", "æøå ÆØÅ"]
    frame = pl.DataFrame({"text": texts, "value": [1.5, None, float("inf"), -2.0, 0.0, 1e-300, 3]})
    buffer = io.BytesIO()
    workbook = xlsxwriter.Workbook(buffer, {"in_memory": True})
    sheet = workbook.add_worksheet("raw")
    sheet.write_row(0, 0, frame.columns)
    workbook.close()
    part = f"xl/worksheets/sheet{sheet.index + 1}.xml"
    ref = f"A1:{xl_col_to_name(frame.width - 1)}{frame.height + 1}"
    path = tmp_path / "raw.xlsx"
    path.write_bytes(fill_long_tables(buffer.getvalue(), {part: (rows_xml(frame, percent_columns=set(), percent_style=None), ref)}))
    back = openpyxl.load_workbook(path)["raw"]
    rows = list(back.iter_rows(min_row=2, values_only=True))
    # openpyxl leaves Excel's escapes in place; decoded as Excel does (ECMA-376 ST_Xstring: _xHHHH_ is
    # the character U+HHHH, so a literal «_x0041_» is stored as «_x005F_x0041_»), every text is as written.
    import re

    def excel_text(stored: str) -> str:
        return re.sub(r"_x([0-9A-Fa-f]{4})_", lambda m: chr(int(m.group(1), 16)), stored)

    assert [excel_text(r[0]) for r in rows] == texts
    assert all(back.cell(i, 1).data_type == "s" for i in range(2, frame.height + 2))
    assert [r[1] for r in rows] == [1.5, None, "=1/0", -2, 0, 1e-300, 3]  # inf: Excel's #DIV/0!, as xlsxwriter


def test_every_unit_the_tables_show_has_an_excel_format_in_both_languages() -> None:
    # A net score («+35,2 p.p.») or mean score («3,72») must not fall back to a plain number format
    # in the workbook while the tables and the report show points or two decimals.
    from typing import get_args

    from omdomme.labels import Unit, unit_of
    from omdomme.results.workbook import NUMBER_FORMATS, NUMBER_FORMATS_EN

    assert set(NUMBER_FORMATS) == set(NUMBER_FORMATS_EN) == set(get_args(Unit))
    assert (unit_of("net", "+35,2\u00a0p.p."), unit_of("mean", "3,72")) == ("points", "score")
    assert NUMBER_FORMATS["score"] == "0.00" and NUMBER_FORMATS["points"].startswith("+")


@settings(max_examples=300, deadline=None)
@given(texts=st.lists(st.one_of(st.none(), st.text(max_size=12)), max_size=8),
       numbers=st.lists(st.one_of(st.none(), st.floats(), st.integers(-10**15, 10**15).map(float)), max_size=8))
def test_bulk_cells_are_the_per_value_escaping_and_number_text(texts: list[str | None], numbers: list[float | None]) -> None:
    # The long tables' cells are built by polars' string kernels; each must be exactly what the
    # per-value rules give (Excel's escapes by _text; xlsxwriter's %.16G and its error cells for
    # NaN and ±inf, written out below) for any text — control characters, «_x0041_», edge
    # whitespace of every kind.
    import math

    from omdomme.results.sheetdata import _cells, _text

    def number(ref: str, value: float) -> str:
        if math.isnan(value):
            return f'<c r="{ref}" t="e"><f>#NUM!</f><v>#NUM!</v></c>'
        if math.isinf(value):
            return f'<c r="{ref}" t="e"><f>{"1/0" if value > 0 else "-1/0"}</f><v>#DIV/0!</v></c>'
        return f'<c r="{ref}"><v>{value:.16G}</v></c>'

    n = max(len(texts), len(numbers))
    frame = pl.DataFrame({"a": [None] * n, "text": texts + [None] * (n - len(texts)),
                          "number": numbers + [None] * (n - len(numbers))},
                         schema={"a": pl.String, "text": pl.String, "number": pl.Float64})
    got = _cells(frame, 2, [pl.Series([""] * n, dtype=pl.String)] * 3)
    assert got["c1"].to_list() == ["" if v is None or v == "" else f'<c r="B{r}" t="inlineStr"><is>{_text(v)}</is></c>'
                                   for r, v in enumerate(frame["text"].to_list(), start=2)]
    assert got["c2"].to_list() == ["" if v is None else number(f"C{r}", v)
                                   for r, v in enumerate(frame["number"].to_list(), start=2)]
