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

import contextlib
import datetime as dt
import errno
import functools
import hashlib
import json
import os
import shutil
import sys
import tempfile
from collections.abc import Callable, Iterator, Mapping
from pathlib import Path
from typing import Any, Protocol

import numpy as np
import polars as pl

from omdomme.errors import AnalysisError, UsageError


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
        The folder cannot be written (the previous outputs are left as they were), or a file
        stands where it goes (left where it is).
    """
    check_output_folder(target)
    parent = target.parent
    staging: Path | None = None
    try:
        # Inside the error handling: a parent that cannot be made or written is a message too.
        parent.mkdir(parents=True, exist_ok=True)
        with _locked(parent):
            _clean_stale(target)
            staging = Path(tempfile.mkdtemp(prefix=f".{target.name}.tmp-", dir=parent))
            for name, table in tables.items():
                _write_table(table, staging, name)
            for name, write in (extra or {}).items():
                write(staging / name)
            # The sha256 of every file, so that a reader can tell a hand-edited CSV or a damaged
            # parquet from what was written (results.read.check_outputs).
            outputs = {p.name: _sha256(p) for p in sorted(staging.iterdir()) if p.is_file()}
            text = json.dumps({**manifest, "outputs": outputs}, ensure_ascii=False, indent=2,
                              default=_json_default) + "\n"
            (staging / "manifest.json").write_text(text, encoding="utf-8")
            os.chmod(staging, 0o755)
            _swap_in(staging, target)
            staging = None
    except OSError as error:
        reason = (error.strerror or str(error)).lower()
        where = f" ({error.filename})" if error.filename else ""
        raise AnalysisError(
            f"could not write {target}: {reason}{where}; the previous outputs are unchanged. Check "
            f"that {parent} is writable, the disk is not full, and no other program holds the "
            f"files open (Excel locks them)."
        ) from error
    finally:
        if staging is not None:
            shutil.rmtree(staging, ignore_errors=True)
    return target


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for chunk in iter(lambda: handle.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def check_output_folder(target: Path) -> None:
    """Refuse early when ``target`` cannot become an output folder: a file stands there or on
    its path. Nothing is moved or removed: the user's file stays where it is.

    Raises
    ------
    AnalysisError
        Naming the file in the way.

    Examples
    --------
    >>> check_output_folder(Path("/nonexistent/analyses/2018"))
    """
    for path in (target, *target.parents):
        if path.exists() or path.is_symlink():
            if not path.is_dir():
                raise AnalysisError(
                    f"{path} is a file, not a folder, so omdomme cannot write {target} there; the "
                    f"file was left as it is. Move or rename it, then run again."
                )
            return


@contextlib.contextmanager
def _locked(folder: Path) -> Iterator[None]:
    """An exclusive lock on ``folder`` (flock on POSIX; nothing where there is no fcntl), so
    that two runs writing beside each other take turns and never swap at the same moment."""
    try:
        import fcntl
    except ImportError:  # Windows: no advisory locks on folders
        yield
        return
    fd = os.open(folder, os.O_RDONLY)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)
        yield
    finally:
        os.close(fd)  # closing releases the lock


def _clean_stale(target: Path) -> None:
    """Remove what a killed run writing ``target`` left: ``.<name>.tmp-*`` and ``.<name>.old*``.

    Called under the lock, so no live run is using them; other targets' folders are left
    alone. A killed two-rename swap may have left the previous outputs only in ``.old``: they
    are put back first.
    """
    parent = target.parent
    olds = sorted(p for p in parent.glob(f".{target.name}.old*") if p.is_dir())
    if not target.exists() and olds:
        os.replace(olds[0], target)
        olds = olds[1:]
    for stale in [*parent.glob(f".{target.name}.tmp-*"), *olds]:
        if stale.is_dir() and not stale.is_symlink():
            shutil.rmtree(stale, ignore_errors=True)


def _exchange(a: Path, b: Path) -> bool:
    """Atomically exchange two folders (Linux renameat2 RENAME_EXCHANGE); False when unsupported."""
    if sys.platform != "linux":
        return False
    import ctypes

    try:
        libc = ctypes.CDLL(None, use_errno=True)
        renameat2 = libc.renameat2
    except (OSError, AttributeError):
        return False
    at_fdcwd, rename_exchange = -100, 2
    if renameat2(at_fdcwd, os.fsencode(a), at_fdcwd, os.fsencode(b), rename_exchange) == 0:
        return True
    err = ctypes.get_errno()
    if err in (errno.EINVAL, errno.ENOSYS, errno.EOPNOTSUPP):
        return False
    raise OSError(err, os.strerror(err), str(b))


def _swap_in(staging: Path, target: Path) -> None:
    """Put ``staging`` in place of ``target``; the previous folder is removed afterwards.

    With an atomic exchange there is no moment without ``target``; the fallback (two
    renames) leaves the previous outputs in ``.old`` if killed between them, and the next
    run puts them back (:func:`_clean_stale`).
    """
    if not target.exists():
        os.replace(staging, target)
        return
    if _exchange(staging, target):
        shutil.rmtree(staging, ignore_errors=True)  # it holds the previous outputs now
        return
    old = target.parent / f".{target.name}.old"
    os.replace(target, old)
    try:
        os.replace(staging, target)
    except OSError:
        os.replace(old, target)
        raise
    shutil.rmtree(old, ignore_errors=True)


def _write_excel(result: AnalysisResult, path: Path, lang: str = "nb") -> None:
    import io

    import xlsxwriter
    from xlsxwriter.utility import xl_col_to_name

    from omdomme.results.sheetdata import fill_long_tables, rows_xml
    from omdomme.results.workbook import write_indicator_sheets

    buffer = io.BytesIO()
    # Text is text: a label that begins with «=» or holds a web address stays a string.
    workbook = xlsxwriter.Workbook(buffer, {"nan_inf_to_errors": True, "in_memory": True,
                                            "strings_to_formulas": False, "strings_to_urls": False})
    workbook.set_properties({"title": f"omdomme {result.round}", "created": _FIXED_DATE})
    # The analysts' sheets first (formatted, one per indicator, the crosstabs), then the raw tables.
    write_indicator_sheets(workbook, result.estimates, result.manifest, lang)
    header = workbook.add_format({"bold": True})
    # Shares are stored as 0–1 (as in the CSV) but shown as percent, as an Excel user expects.
    percent = workbook.add_format({"num_format": "0.0%"})
    share_columns = {"estimates": ("estimate", "ci_low", "ci_high"),
                     "comparisons": ("estimate_a", "estimate_b", "difference", "ci_low", "ci_high")}
    # xlsxwriter lays out each raw table's sheet (header, frozen pane, autofilter); the rows are
    # written in bulk into it afterwards (omdomme.results.sheetdata: a third of the run otherwise).
    long_tables: dict[str, tuple[pl.DataFrame, set[str]]] = {}
    for name in TABLES:
        frame: pl.DataFrame = getattr(result, name)
        sheet = workbook.add_worksheet(name)
        sheet.write_row(0, 0, frame.columns, header)
        percent_at = {c for c in share_columns.get(name, ()) if c in frame.columns}
        if percent_at and "kind" in frame.columns and (frame["kind"] == "share").any():
            sheet.write_number(1, 0, 0, percent)  # gives the percent format its style index; replaced
        sheet.freeze_panes(1, 0)
        sheet.autofilter(0, 0, max(frame.height, 1), max(frame.width - 1, 0))
        long_tables[f"xl/worksheets/sheet{sheet.index + 1}.xml"] = (frame, percent_at)
    workbook.close()
    style = percent.xf_index
    parts = {
        part: (rows_xml(frame, percent_columns=percent_at, percent_style=style),
               f"A1:{xl_col_to_name(max(frame.width - 1, 0))}{frame.height + 1}")
        for part, (frame, percent_at) in long_tables.items()
    }
    path.write_bytes(fill_long_tables(buffer.getvalue(), parts))


WORKBOOK_LANGUAGES = ("nb", "en")
"""The workbook's languages: ``omdomme-<round>.xlsx`` (bokmål), ``omdomme-<round>.en.xlsx``."""


def workbook_name(round: int, lang: str = "nb") -> str:
    """The workbook's file name in ``analyses/<round>/``.

    >>> workbook_name(2018), workbook_name(2018, "en")
    ('omdomme-2018.xlsx', 'omdomme-2018.en.xlsx')
    """
    return f"omdomme-{round}.xlsx" if lang == "nb" else f"omdomme-{round}.{lang}.xlsx"


def write_analysis(result: AnalysisResult, root: str | Path = ".", languages: tuple[str, ...] = ("nb",)) -> Path:
    """Write a round's results to ``<root>/analyses/<round>/`` atomically and return that folder.

    Parameters
    ----------
    result
        From :func:`omdomme.analyse_round`.
    root
        The project folder.
    languages
        The workbooks to write: ``nb`` (always written) and ``en`` (``omdomme-<round>.en.xlsx``).

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
    unknown = [lang for lang in languages if lang not in WORKBOOK_LANGUAGES]
    if unknown:
        raise UsageError(f"workbook language(s) {unknown}; use {' or '.join(WORKBOOK_LANGUAGES)}.")
    workbooks = {workbook_name(result.round, lang): functools.partial(_write_excel, result, lang=lang)
                 for lang in dict.fromkeys(("nb", *languages))}
    return write_folder(target, tables, result.manifest, extra=workbooks)
