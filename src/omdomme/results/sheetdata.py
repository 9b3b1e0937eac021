"""The workbook's long tables (estimates, comparisons, ranks) as worksheet XML, written in bulk.

xlsxwriter spends about 12 µs of Python per cell (type dispatch, a shared-string lookup, a cell
object, then the XML element at close): for the ≈ 85 000 cells of a round's three long tables
that is a third of `omdomme analyse`. Their cells are plain (strings, numbers, booleans; a
percent format on share rows), so they are written here as the XML Excel itself writes for them
(inline strings, numbers with 16 significant digits, ``#NUM!`` for NaN, an empty string as an empty cell) in one
pass per column,
and put into the sheets xlsxwriter laid out (header row, frozen pane, autofilter, defined names).

The workbook is produced in memory by xlsxwriter with each long table's sheet holding its
header row; :func:`fill_long_tables` then replaces those sheets' ``<sheetData>`` with every row
and their ``<dimension>`` with the table's range, and copies every other part of the package
unchanged (same order, names, timestamps and compression), so reruns stay byte-identical.

>>> frame = pl.DataFrame({"a": ["x & y", None], "b": [0.25, float("nan")], "kind": ["share", "total"]})
>>> print(rows_xml(frame, percent_columns={"b"}, percent_style=3))
<row r="2"><c r="A2" t="inlineStr"><is><t>x &amp; y</t></is></c><c r="B2" s="3"><v>0.25</v></c><c r="C2" t="inlineStr"><is><t>share</t></is></c></row><row r="3"><c r="B3" t="e"><f>#NUM!</f><v>#NUM!</v></c><c r="C3" t="inlineStr"><is><t>total</t></is></c></row>
"""

from __future__ import annotations

import io
import math
import re
import zipfile
from collections.abc import Mapping

import polars as pl
from xlsxwriter.utility import xl_col_to_name

#: Excel's longest cell text (UTF-16 units); xlsxwriter cuts longer strings to it too.
MAX_STRING = 32767

_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f]")
_ESCAPED = re.compile(r"(_x[0-9a-fA-F]{4}_)")
_SPACE_EDGE = re.compile(r"^\s|\s$")


def _text(value: str) -> str:
    """An inline string's ``<is>`` content, escaped as Excel does (control characters as ``_xHHHH_``).

    >>> _text("a\\x01b _x0041_ <c>"), _text(" lead")
    ('<t>a_x0001_b _x005F_x0041_ &lt;c&gt;</t>', '<t xml:space="preserve"> lead</t>')
    """
    if len(value) > MAX_STRING:
        value = value[:MAX_STRING]
    if "_x" in value:
        value = _ESCAPED.sub(r"_x005F\1", value)
    if _CONTROL.search(value):
        value = _CONTROL.sub(lambda m: f"_x{ord(m.group()):04X}_", value)
    value = value.replace("\ufffe", "_xFFFE_").replace("\uffff", "_xFFFF_")
    value = value.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    space = ' xml:space="preserve"' if _SPACE_EDGE.search(value) else ""
    return f"<t{space}>{value}</t>"


def _number(ref: str, value: float, style: str) -> str:
    if math.isnan(value):
        return f'<c r="{ref}"{style} t="e"><f>#NUM!</f><v>#NUM!</v></c>'
    if math.isinf(value):
        formula = "1/0" if value > 0 else "-1/0"
        return f'<c r="{ref}"{style} t="e"><f>{formula}</f><v>#DIV/0!</v></c>'
    return f'<c r="{ref}"{style}><v>{value:.16G}</v></c>'


def _column_cells(series: pl.Series, letter: str, first_row: int, styles: list[str]) -> list[str]:
    """The ``<c>`` elements of one column, one per row ("" for an empty cell)."""
    values = series.to_list()
    rows = range(first_row, first_row + len(values))
    dtype = series.dtype
    if dtype == pl.Boolean:
        return ["" if v is None else f'<c r="{letter}{r}" t="b"><v>{int(v)}</v></c>'
                for v, r in zip(values, rows, strict=True)]
    if dtype.is_numeric():
        return ["" if v is None else _number(f"{letter}{r}", float(v), s)
                for v, r, s in zip(values, rows, styles, strict=True)]
    # An empty string is an empty cell, as xlsxwriter writes it (a blank without a format).
    return ["" if v is None or v == "" else f'<c r="{letter}{r}" t="inlineStr"><is>{_text(str(v))}</is></c>'
            for v, r in zip(values, rows, strict=True)]


def rows_xml(frame: pl.DataFrame, *, percent_columns: set[str], percent_style: int | None,
             first_row: int = 2) -> str:
    """Every row of ``frame`` as ``<row>`` elements, from Excel row ``first_row`` (1-based).

    Numbers of ``percent_columns`` in rows whose ``kind`` is ``share`` get the cell style
    ``percent_style`` (the xf index of the workbook's percent format); missing values are
    empty cells.
    """
    plain = [""] * frame.height
    if percent_style is not None and percent_columns and "kind" in frame.columns:
        styled = [f' s="{percent_style}"' if k == "share" else "" for k in frame["kind"].to_list()]
    else:
        styled = plain
    columns = [
        _column_cells(frame[name], xl_col_to_name(j), first_row, styled if name in percent_columns else plain)
        for j, name in enumerate(frame.columns)
    ]
    return "".join(
        f'<row r="{first_row + i}">{"".join(cells)}</row>'
        for i, cells in enumerate(zip(*columns, strict=True))
    ) if columns else ""


_SHEET_DATA = re.compile(r"<sheetData>(<row [^>]*>.*?</row>)?.*?</sheetData>|<sheetData/>", re.S)
_DIMENSION = re.compile(r'<dimension ref="[^"]*"/>')


def fill_long_tables(package: bytes, sheets: Mapping[str, tuple[str, str]]) -> bytes:
    """Put each long table's rows into its sheet of an xlsxwriter package.

    Parameters
    ----------
    package
        The ``.xlsx`` bytes xlsxwriter wrote, each long table's sheet holding only its header
        row (and any cells xlsxwriter was given below it, which are replaced).
    sheets
        Part name (``xl/worksheets/sheet7.xml``) → (the rows' XML, the table's range ``A1:AG1443``).
    """
    source = zipfile.ZipFile(io.BytesIO(package))
    missing = set(sheets) - set(source.namelist())
    if missing:
        raise RuntimeError(f"the workbook has no part {sorted(missing)}: xlsxwriter laid it out otherwise")
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as target:
        for info in source.infolist():
            data = source.read(info)
            if info.filename in sheets:
                body, ref = sheets[info.filename]
                xml = data.decode("utf-8")
                match = _SHEET_DATA.search(xml)
                if match is None or not _DIMENSION.search(xml):
                    raise RuntimeError(f"{info.filename}: no <sheetData> or <dimension> to fill")
                header = match.group(1) or ""
                xml = xml[: match.start()] + f"<sheetData>{header}{body}</sheetData>" + xml[match.end():]
                xml = _DIMENSION.sub(f'<dimension ref="{ref}"/>', xml, count=1)
                data = xml.encode("utf-8")
            target.writestr(info, data, compress_type=info.compress_type)
    return out.getvalue()
