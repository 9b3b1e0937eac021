"""Writing ``analyses/<round>/``: parquet + CSV per table, an Excel workbook, the manifest — atomically.

Everything is written into a temporary folder beside ``analyses/<round>`` and swapped in only
when every file is complete, so a failed run leaves the previous outputs intact and never a
half-written folder. Files are byte-identical across reruns: no timestamps (parquet without
statistics dates; the workbook's creation date pinned), fixed row order, seeded ranks.

Example
-------
>>> folder = write_analysis(analyse_round(2018), root=".")     # doctest: +SKIP
>>> sorted(p.name for p in folder.iterdir())[:3]                # doctest: +SKIP
['comparisons.csv', 'comparisons.parquet', 'estimates.csv']
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
import shutil
import tempfile
from collections.abc import Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
import polars as pl

from omdomme.errors import AnalysisError

if TYPE_CHECKING:
    from omdomme.analysis.reputation import AnalysisResult

TABLES = ("estimates", "comparisons", "ranks")
# xlsxwriter stamps the creation time into docProps/core.xml; pin it so reruns are identical.
_FIXED_DATE = dt.datetime(2000, 1, 1)


def _write_table(frame: pl.DataFrame, folder: Path, name: str) -> None:
    frame.write_parquet(folder / f"{name}.parquet", statistics=False, compression="zstd")
    frame.write_csv(folder / f"{name}.csv", float_precision=None)


def _write_excel(result: AnalysisResult, path: Path) -> None:
    import xlsxwriter

    workbook = xlsxwriter.Workbook(str(path), {"nan_inf_to_errors": True})
    workbook.set_properties({"title": f"omdomme {result.round}", "created": _FIXED_DATE})
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
        From :func:`omdomme.analysis.reputation.analyse_round`.
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
    target.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{result.round}.tmp-", dir=target.parent))
    old = target.parent / f".{result.round}.old"
    try:
        for name in TABLES:
            _write_table(getattr(result, name), staging, name)
        _write_excel(result, staging / f"omdomme-{result.round}.xlsx")
        text = json.dumps(result.manifest, ensure_ascii=False, indent=2, sort_keys=False) + "\n"
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


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for chunk in iter(lambda: handle.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def file_entry(path: Path, root: Path) -> dict[str, Any]:
    """``{path, size, sha256}`` of an input file, the path relative to ``root``."""
    try:
        shown = path.resolve().relative_to(root.resolve()).as_posix()
    except ValueError:
        shown = path.as_posix()
    return {"path": shown, "size": path.stat().st_size, "sha256": _sha256(path)}


def _manifest(
    *,
    kind: str,
    root: Path,
    inputs: list[dict[str, Any]],
    parameters: dict[str, Any],
    rows: dict[str, Any],
) -> dict[str, Any]:
    import platform

    import scipy

    from omdomme import __version__

    return {
        "omdomme_version": __version__,
        "kind": kind,
        "inputs": inputs,
        "parameters": parameters,
        "rows": rows,
        "software": {
            "python": platform.python_version(),
            "polars": pl.__version__,
            "numpy": np.__version__,
            "scipy": scipy.__version__,
        },
    }


def write_atomically(
    folder: Path, tables: Mapping[str, pl.DataFrame], manifest: Mapping[str, Any]
) -> None:
    """Write each table as parquet and CSV plus ``manifest.json`` into ``folder``, atomically.

    Everything goes to a hidden sibling folder first, which replaces ``folder`` only when all
    files are written: a failure leaves the previous results (or nothing), never half of them.
    """
    folder.parent.mkdir(parents=True, exist_ok=True)
    tmp = folder.parent / f".{folder.name}.tmp-{os.getpid()}"
    old = folder.parent / f".{folder.name}.old-{os.getpid()}"
    shutil.rmtree(tmp, ignore_errors=True)
    tmp.mkdir()
    try:
        for name, table in tables.items():
            table.write_parquet(tmp / f"{name}.parquet")
            table.write_csv(tmp / f"{name}.csv")
        (tmp / "manifest.json").write_text(
            json.dumps(manifest, indent=2, ensure_ascii=False, default=_json_default) + "\n",
            encoding="utf-8",
        )
        if folder.exists():
            folder.rename(old)
        tmp.rename(folder)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        if old.exists() and not folder.exists():
            old.rename(folder)
        raise
    shutil.rmtree(old, ignore_errors=True)


def _json_default(value: Any) -> Any:
    if isinstance(value, np.generic):
        return value.item()
    if isinstance(value, Path):
        return value.as_posix()
    raise TypeError(f"not JSON serialisable: {value!r}")
