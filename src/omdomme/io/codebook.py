"""The codebook of a data file: every variable with its label, type, codes and counts.

:func:`codebook` gives the stable JSON shape (``omdomme codebook --format json``; the same
shape is read back as a CSV's codebook by :func:`omdomme.read`), :func:`codebook_text` a
table an analyst reads. Codes are counted for variables with value labels or few distinct
values; other variables say how many distinct values they hold.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import polars as pl

from omdomme.io import Metadata, VariableInfo

__all__ = ["MAX_CODES", "codebook", "codebook_text", "format_code"]

MAX_CODES = 20
"""Variables with at most this many distinct values get a count per code."""


def format_code(value: Any) -> str:
    """A code as text: ``1.0`` -> ``"1"``, ``2.5`` -> ``"2.5"``, dates in ISO form.

    Examples
    --------
    >>> format_code(9.0), format_code(-1.5), format_code("NA")
    ('9', '-1.5', 'NA')
    """
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, dt.date | dt.time):
        return value.isoformat()
    return str(value)


def _json_number(value: Any) -> Any:
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return value


@dataclass(frozen=True)
class _Summary:
    info: VariableInfo
    rows: tuple[tuple[Any, int], ...]  # (code, count) in code order; labelled codes included
    counted: bool  # True: every code is in rows; False: only labelled/missing codes
    n_distinct: int
    n_null: int


def _sort_key(value: Any) -> tuple[int, Any]:
    # Numbers before text, so that mixed label keys never compare float with str.
    if isinstance(value, int | float):
        return (0, float(value))
    return (1, str(value))


def _labelled_or_missing(info: VariableInfo) -> pl.Expr:
    col = pl.col(info.name)
    codes = list(info.value_labels)
    if info.type == "numeric":
        labelled = col.is_in([float(c) for c in codes if not isinstance(c, str)])
    else:
        labelled = col.cast(pl.String).is_in([str(c) for c in codes])
    return labelled.fill_null(False) | info.missing_expr()


def _summaries(meta: Metadata, data: pl.DataFrame, max_codes: int) -> list[_Summary]:
    names = [n for n in meta.names if n in data.columns]
    if not names:
        return []
    stats = data.select(
        *[pl.col(n).drop_nulls().n_unique().alias(f"d|{n}") for n in names],
        *[pl.col(n).null_count().alias(f"z|{n}") for n in names],
    ).row(0, named=True)
    out = []
    for name in names:
        info = meta[name]
        n_distinct = stats[f"d|{name}"]
        counted = n_distinct <= max_codes
        column = data[name].drop_nulls()
        if not counted:
            # Too many to list: count only the codes that have a label or mean "missing".
            column = data.select(pl.col(name)).filter(_labelled_or_missing(info)).get_column(name)
        observed = column.value_counts(name="n")
        counts: dict[Any, int] = {code: 0 for code in info.value_labels}
        counts.update(dict(zip(observed[name].to_list(), observed["n"].to_list(), strict=True)))
        rows = tuple(sorted(counts.items(), key=lambda kv: _sort_key(kv[0])))
        out.append(_Summary(info, rows, counted, n_distinct, stats[f"z|{name}"]))
    return out


def codebook(meta: Metadata, data: pl.DataFrame, *, max_codes: int = MAX_CODES) -> dict[str, Any]:
    """The codebook as a JSON-ready dict (stable shape, documented in docs/architecture.md).

    Parameters
    ----------
    meta, data : Metadata, polars.DataFrame
        What :func:`omdomme.read` returned.
    max_codes : int
        Count every code of variables with at most this many distinct values; for others
        count only labelled and user-missing codes.

    Returns
    -------
    dict
        ``{"file", "n_rows", "encoding", "variables": [{"name", "label", "type",
        "value_labels", "missing": {"values", "ranges"}, "counts"}]}``; codes as keys are
        strings (``"9"``, not ``"9.0"``); missing values are JSON numbers or strings.

    Examples
    --------
    >>> data, meta = omdomme.read("surveys/2018/omdomme-2018.sav")    # doctest: +SKIP
    >>> codebook(meta, data)["variables"][0]["name"]                   # doctest: +SKIP
    'respid'
    """
    variables = []
    for s in _summaries(meta, data, max_codes):
        v = s.info
        variables.append(
            {
                "name": v.name,
                "label": v.label,
                "type": v.type,
                "value_labels": {
                    format_code(k): label
                    for k, label in sorted(v.value_labels.items(), key=lambda kv: _sort_key(kv[0]))
                },
                "missing": {
                    "values": [_json_number(x) for x in v.missing_values],
                    "ranges": [[_json_number(lo), _json_number(hi)] for lo, hi in v.missing_ranges],
                },
                "counts": {format_code(code): n for code, n in s.rows},
            }
        )
    return {
        "file": meta.file,
        "n_rows": meta.n_rows,
        "encoding": meta.encoding,
        "variables": variables,
    }


def _missing_text(v: VariableInfo) -> str:
    parts = [format_code(x) for x in v.missing_values]
    parts += [f"{format_code(lo)} thru {format_code(hi)}" for lo, hi in v.missing_ranges]
    return ", ".join(parts)


def _table(rows: Sequence[tuple[str, ...]], indent: str = "  ") -> list[str]:
    widths = [max(len(r[i]) for r in rows) for i in range(len(rows[0]))]
    lines = []
    for r in rows:
        cells = [
            cell.rjust(w) if i == 1 else cell.ljust(w)
            for i, (cell, w) in enumerate(zip(r, widths, strict=True))
        ]
        lines.append((indent + "  ".join(cells)).rstrip())
    return lines


def codebook_text(meta: Metadata, data: pl.DataFrame, *, max_codes: int = MAX_CODES) -> str:
    """The codebook as a readable text table, one block per variable.

    Each block: ``name (type)  label``, the user-missing codes, then one line per code
    with its label and count (user-missing codes marked), or the number of distinct values.

    Examples
    --------
    >>> data, meta = omdomme.read("surveys/2018/omdomme-2018.sav")    # doctest: +SKIP
    >>> print(codebook_text(meta, data))                              # doctest: +SKIP
    surveys/2018/omdomme-2018.sav: sav, 1600 rows, 48 variables, encoding utf-8
    ...
    """
    summaries = _summaries(meta, data, max_codes)
    head = (
        f"{meta.file}: {meta.format}, {meta.n_rows} row{'' if meta.n_rows == 1 else 's'}, {len(meta)} variables, "
        f"encoding {meta.encoding or 'not stated'}"
    )
    lines = [head]
    if meta.file_label:
        lines.append(f"file label: {meta.file_label}")
    for s in summaries:
        v = s.info
        lines.append("")
        lines.append(f"{v.name} ({v.type})" + (f"  {v.label}" if v.label else ""))
        if v.has_missing:
            lines.append(f"  user-missing: {_missing_text(v)}")
        if not s.counted:
            lines.append(
                f"  {s.n_distinct} distinct values" + (", labelled codes:" if s.rows else "")
            )
        if s.rows:
            rows: list[tuple[str, ...]] = [("code", "n", "label", "")]
            for code, n in s.rows:
                flag = "user-missing" if v.is_missing(code) else ""
                shown = format_code(code) if code != "" else '""'
                rows.append((shown, str(n), v.value_labels.get(code, ""), flag))
            if s.n_null:
                rows.append((".", str(s.n_null), "system-missing", ""))
            if not (v.value_labels or s.n_null):
                rows = [r[:2] + r[3:] for r in rows]  # no label column when nothing has a label
            lines.extend(_table(rows))
        elif s.n_null:
            lines.append(f"  {s.n_null} system-missing")
    return "\n".join(lines) + "\n"
