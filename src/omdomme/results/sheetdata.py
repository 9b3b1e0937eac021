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


#: Text that needs more than XML's three escapes (control characters, Excel's own ``_xHHHH_``
#: pattern, the non-characters U+FFFE/U+FFFF): escaped by :func:`_text`, one value at a time.
_SPECIAL = r"[\x00-\x08\x0b-\x1f\x{FFFE}\x{FFFF}]|_x[0-9a-fA-F]{4}_"


def _cell_parts(series: pl.Series, j: int, letter: str) -> tuple[dict[str, pl.Series], pl.Expr]:
    """Helper columns and the expression of one column's ``<c>`` elements ("" for an empty cell).

    The expression reads ``_ref`` (the row number as text), ``_s<j>`` (the style attribute) and
    the helper columns returned: the values as ``_v<j>``; ``%.16G`` number text as ``_t<j>``
    (xlsxwriter's number text, done per value: polars cannot format so); text needing Excel's
    ``_xHHHH_`` escapes as ``_o<j>``, escaped per value by :func:`_text`.
    """
    v, ref, style = pl.col(f"_v{j}"), pl.lit(letter) + pl.col("_ref"), pl.col(f"_s{j}")
    helpers: dict[str, pl.Series] = {f"_v{j}": series}
    dtype = series.dtype
    if dtype == pl.Boolean:
        cell = pl.format('<c r="{}" t="b"><v>{}</v></c>', ref, v.cast(pl.Int8))
    elif dtype.is_numeric():
        # The figure reads the same here as in the formatted sheets; NaN and ±inf as the errors
        # xlsxwriter writes for them.
        helpers[f"_t{j}"] = pl.Series([None if x is None else f"{float(x):.16G}" for x in series.to_list()],
                                      dtype=pl.String)
        t = pl.col(f"_t{j}")
        cell = (pl.when(t == "NAN").then(pl.format('<c r="{}"{} t="e"><f>#NUM!</f><v>#NUM!</v></c>', ref, style))
                .when(t == "INF").then(pl.format('<c r="{}"{} t="e"><f>1/0</f><v>#DIV/0!</v></c>', ref, style))
                .when(t == "-INF").then(pl.format('<c r="{}"{} t="e"><f>-1/0</f><v>#DIV/0!</v></c>', ref, style))
                .otherwise(pl.format('<c r="{}"{}><v>{}</v></c>', ref, style, t)))
    else:
        text = series.cast(pl.String)
        special = (text.str.contains(_SPECIAL) | (text.str.len_chars() > MAX_STRING)).fill_null(False)
        sv = pl.col(f"_v{j}").cast(pl.String)
        escaped = sv.str.replace_all("&", "&amp;", literal=True).str.replace_all(
            "<", "&lt;", literal=True).str.replace_all(">", "&gt;", literal=True)
        inner = pl.format("<t{}>{}</t>", pl.when(sv.str.contains(r"^\s|\s$")).then(pl.lit(' xml:space="preserve"'))
                          .otherwise(pl.lit("")), escaped)
        if special.any():
            helpers[f"_o{j}"] = pl.Series([_text(x) if o else None for x, o in zip(text.to_list(), special.to_list(),
                                                                                  strict=True)], dtype=pl.String)
            inner = pl.coalesce(pl.col(f"_o{j}"), inner)
        # An empty string is an empty cell, as xlsxwriter writes it (a blank without a format).
        cell = pl.when(sv == "").then(pl.lit("")).otherwise(pl.format('<c r="{}" t="inlineStr"><is>{}</is></c>', ref, inner))
    return helpers, pl.when(v.is_null()).then(pl.lit("")).otherwise(cell)


def _cells(frame: pl.DataFrame, first_row: int, styles: list[pl.Series]) -> pl.DataFrame:
    """Every column's ``<c>`` elements (column ``c<j>``, "" for an empty cell), in one polars query.

    Built by polars' string kernels (the XML of ≈ 85 000 cells in Python was a fifth of `omdomme
    analyse`); what they cannot do as Excel does — ``%.16G`` numbers, text with control characters
    or ``_xHHHH_`` — is done per value.
    """
    parts = [_cell_parts(frame[name], j, xl_col_to_name(j)) for j, name in enumerate(frame.columns)]
    work = pl.DataFrame({
        "_ref": pl.int_range(first_row, first_row + frame.height, eager=True).cast(pl.String),
        **{f"_s{j}": styles[j] for j in range(frame.width)},
        **{k: v for helpers, _ in parts for k, v in helpers.items()},
    })
    return work.select(expr.alias(f"c{j}") for j, (_, expr) in enumerate(parts))


def rows_xml(frame: pl.DataFrame, *, percent_columns: set[str], percent_style: int | None,
             first_row: int = 2) -> str:
    """Every row of ``frame`` as ``<row>`` elements, from Excel row ``first_row`` (1-based).

    Numbers of ``percent_columns`` in rows whose ``kind`` is ``share`` get the cell style
    ``percent_style`` (the xf index of the workbook's percent format); missing values are
    empty cells.
    """
    if not frame.columns:
        return ""
    plain = pl.Series([""] * frame.height, dtype=pl.String)
    if percent_style is not None and percent_columns and "kind" in frame.columns:
        styled = frame.select(pl.when(pl.col("kind") == "share").then(pl.lit(f' s="{percent_style}"'))
                              .otherwise(pl.lit("")).alias("s")).to_series()
    else:
        styled = plain
    cells = _cells(frame, first_row, [styled if name in percent_columns else plain for name in frame.columns])
    rows = cells.select(pl.concat_str(
        pl.format('<row r="{}">', pl.int_range(first_row, first_row + frame.height).cast(pl.String)),
        *[pl.col(c) for c in cells.columns], pl.lit("</row>")).alias("row"))
    return "".join(rows.get_column("row").to_list())


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
