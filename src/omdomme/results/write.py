"""Writing ``analyses/<round>/``: parquet + CSV per table, an Excel workbook, the manifest — atomically.

Everything is written into a temporary folder beside ``analyses/<round>`` and swapped in only
when every file is complete, so a failed run leaves the previous outputs intact and never a
half-written folder. Files are byte-identical across reruns: no timestamps (parquet without
statistics dates; the workbook's creation date pinned), fixed row order, seeded ranks.

Example
-------
>>> from omdomme import analyse_round
>>> folder = write_analysis(analyse_round(2018), root=".")
>>> sorted(p.name for p in folder.iterdir())[:3]
['comparisons.csv', 'comparisons.parquet', 'estimates.csv']
"""

from __future__ import annotations

import datetime as dt
import json
import os
import shutil
import tempfile
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any, Protocol

import numpy as np
import polars as pl

from omdomme.errors import AnalysisError


class AnalysisResult(Protocol):
    """What :func:`write_analysis` needs of a round's result (``omdomme.analyse_round``'s)."""

    @property
    def round(self) -> int: ...
    @property
    def estimates(self) -> pl.DataFrame: ...
    @property
    def comparisons(self) -> pl.DataFrame: ...
    @property
    def ranks(self) -> pl.DataFrame: ...
    @property
    def manifest(self) -> dict[str, Any]: ...

TABLES = ("estimates", "comparisons", "ranks")
# xlsxwriter stamps the creation time into docProps/core.xml; pin it so reruns are identical.
_FIXED_DATE = dt.datetime(2000, 1, 1)


def _write_table(frame: pl.DataFrame, folder: Path, name: str) -> None:
    frame.write_parquet(folder / f"{name}.parquet", statistics=False, compression="zstd")
    frame.write_csv(folder / f"{name}.csv", float_precision=None)


def _json_default(value: Any) -> Any:
    if isinstance(value, np.generic):
        return value.item()
    if isinstance(value, Path):
        return value.as_posix()
    raise TypeError(f"not JSON serialisable: {value!r}")


def write_folder(
    target: Path,
    tables: Mapping[str, pl.DataFrame],
    manifest: Mapping[str, Any],
    *,
    extra: Mapping[str, Callable[[Path], None]] | None = None,
) -> Path:
    """Write tables (parquet + CSV), extra files and ``manifest.json`` into ``target``, atomically.

    The one writer of every folder under ``analyses/``. Everything goes to a hidden staging
    folder beside ``target``, swapped in only when every file is complete: a failure leaves
    the previous outputs (or nothing), never half of them.

    Parameters
    ----------
    target
        The folder to (re)place, e.g. ``analyses/2018``.
    tables
        Name -> table; each is written as ``<name>.parquet`` and ``<name>.csv``.
    manifest
        Written as ``manifest.json`` (UTF-8, indented, key order kept).
    extra
        File name -> function writing that file at the given path (e.g. the Excel workbook).

    Raises
    ------
    AnalysisError
        The folder cannot be written (the previous outputs are left as they were).
    """
    target.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{target.name}.tmp-", dir=target.parent))
    old = target.parent / f".{target.name}.old"
    try:
        for name, table in tables.items():
            _write_table(table, staging, name)
        for name, write in (extra or {}).items():
            write(staging / name)
        text = json.dumps(manifest, ensure_ascii=False, indent=2, default=_json_default) + "\n"
        (staging / "manifest.json").write_text(text, encoding="utf-8")
        os.chmod(staging, 0o755)
        # Swap: move the previous folder aside, move the new one in, then delete the old one.
        if old.exists():
            shutil.rmtree(old)
        if target.exists():
            os.replace(target, old)
        os.replace(staging, target)
        if old.exists():
            shutil.rmtree(old)
    except OSError as error:
        shutil.rmtree(staging, ignore_errors=True)
        if old.exists() and not target.exists():
            os.replace(old, target)
        raise AnalysisError(
            f"could not write {target}: {error}; the previous outputs are unchanged. Check that the "
            f"folder is writable and not open in another program (Excel locks its files)."
        ) from error
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    return target


def _write_excel(result: AnalysisResult, path: Path) -> None:
    import xlsxwriter

    from omdomme.results.workbook import write_indicator_sheets

    workbook = xlsxwriter.Workbook(str(path), {"nan_inf_to_errors": True})
    workbook.set_properties({"title": f"omdomme {result.round}", "created": _FIXED_DATE})
    # The analysts' sheets first (formatted, one per indicator), then the raw tables.
    write_indicator_sheets(workbook, result.estimates, result.manifest)
    header = workbook.add_format({"bold": True})
    # Shares are stored as 0–1 (as in the CSV) but shown as percent, as an Excel user expects.
    percent = workbook.add_format({"num_format": "0.0%"})
    share_columns = {"estimates": ("estimate", "ci_low", "ci_high"),
                     "comparisons": ("estimate_a", "estimate_b", "difference", "ci_low", "ci_high")}
    for name in TABLES:
        frame: pl.DataFrame = getattr(result, name)
        sheet = workbook.add_worksheet(name)
        sheet.write_row(0, 0, frame.columns, header)
        percent_at = {frame.columns.index(c) for c in share_columns.get(name, ()) if c in frame.columns}
        kinds = frame["kind"].to_list() if "kind" in frame.columns else [None] * frame.height
        for i, (row, kind) in enumerate(zip(frame.iter_rows(), kinds, strict=True), start=1):
            for j, value in enumerate(row):
                if value is None:
                    continue
                if kind == "share" and j in percent_at:
                    sheet.write_number(i, j, value, percent)
                else:
                    sheet.write(i, j, value)
        sheet.freeze_panes(1, 0)
        sheet.autofilter(0, 0, max(frame.height, 1), max(frame.width - 1, 0))
    workbook.close()


def write_analysis(result: AnalysisResult, root: str | Path = ".") -> Path:
    """Write a round's results to ``<root>/analyses/<round>/`` atomically and return that folder.

    Parameters
    ----------
    result
        From :func:`omdomme.analyse_round`.
    root
        The project folder.

    Returns
    -------
    pathlib.Path
        ``<root>/analyses/<round>``.

    Raises
    ------
    AnalysisError
        The folder cannot be written (the previous outputs are left as they were).
    """
    target = Path(root) / "analyses" / str(result.round)
    tables = {name: getattr(result, name) for name in TABLES}
    workbook = {f"omdomme-{result.round}.xlsx": lambda path: _write_excel(result, path)}
    return write_folder(target, tables, result.manifest, extra=workbook)
