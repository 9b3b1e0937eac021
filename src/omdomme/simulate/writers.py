"""Writing synthetic data files as vendors deliver them: SPSS ``.sav``/``.zsav`` and Norwegian CSV.

SPSS files are written with pyreadstat, which stamps the header with the time of writing;
:func:`write_spss` overwrites that stamp with a fixed date so that the same seed gives
byte-identical files (the generator is meant to be re-run and compared).
"""

from __future__ import annotations

import json
from pathlib import Path

import polars as pl

from omdomme.simulate.vendors import FileMetadata

__all__ = ["write_csv_with_codebook", "write_spss"]

# Offsets in the SPSS system-file header ($FL2/$FL3): creation date (9 bytes) and time (8 bytes).
_DATE_AT, _TIME_AT = 92, 101


def write_spss(frame: pl.DataFrame, path: Path, meta: FileMetadata, *, stamp_year: int) -> None:
    """Write ``frame`` as ``.sav`` (or compressed ``.zsav``, by the suffix) with labels and user-missing codes.

    Parameters
    ----------
    frame : polars.DataFrame
        Numeric columns (nulls become system-missing) and string columns.
    path : pathlib.Path
        Target; ``.zsav`` writes the zlib-compressed variant.
    meta : FileMetadata
        File label, variable labels, value labels, user-missing codes, formats, measures.
    stamp_year : int
        The header's creation date becomes 1 November of this year, 12:00:00.

    Examples
    --------
    >>> import tempfile, pyreadstat
    >>> from omdomme.simulate.vendors import FileMetadata
    >>> m = FileMetadata("SYNTETISKE DATA", {"x": "X"}, {"x": {9: "Vet ikke"}}, {"x": [9]}, {}, {})
    >>> p = Path(tempfile.mkdtemp()) / "x.sav"
    >>> write_spss(pl.DataFrame({"x": [1, 9]}), p, m, stamp_year=2018)
    >>> pyreadstat.read_sav(p, metadataonly=True)[1].creation_time.year
    2018
    """
    import pyreadstat

    columns = set(frame.columns)
    # SPSS numeric variables are doubles; value-label keys must match the column type.
    data = frame.with_columns(pl.col(pl.Int64, pl.Int32, pl.UInt32, pl.Int8).cast(pl.Float64))
    value_labels = {k: {float(c): v for c, v in labels.items()} for k, labels in meta.value_labels.items() if k in columns}
    missing: dict[str, list[int | float | str | pyreadstat.pyclasses.MissingRange]] = {
        k: [float(c) for c in codes] for k, codes in meta.missing.items() if k in columns
    }
    pyreadstat.write_sav(
        data,
        str(path),
        file_label=meta.file_label,
        column_labels={k: v for k, v in meta.column_labels.items() if k in columns},
        compress=path.suffix == ".zsav",
        row_compress=path.suffix != ".zsav",  # SPSS writes bytecode-compressed .sav by default
        variable_value_labels=value_labels,
        missing_ranges=missing,
        variable_format={k: v for k, v in meta.formats.items() if k in columns},
        variable_measure={k: v for k, v in meta.measures.items() if k in columns},
    )
    with open(path, "r+b") as fh:
        fh.seek(_DATE_AT)
        fh.write(f"01 Nov {stamp_year % 100:02d}".encode("ascii") + b"12:00:00")


def write_csv_with_codebook(frame: pl.DataFrame, path: Path, meta: FileMetadata, *,
                            decimal_columns: tuple[str, ...]) -> Path:
    """Write a Norwegian CSV (``;``, decimal comma, windows-1252, CRLF) and its codebook JSON beside it.

    The codebook (``<stem>.codebook.json``) has the shape of ``omdomme codebook --format json``
    (docs/architecture.md §1) and carries labels, value labels and «vet ikke» codes, which a
    CSV cannot hold.

    Parameters
    ----------
    frame : polars.DataFrame
        The data.
    path : pathlib.Path
        The ``.csv`` file.
    meta : FileMetadata
        Labels and missing codes.
    decimal_columns : tuple of str
        Float columns written with six decimals and a decimal comma.

    Returns
    -------
    pathlib.Path
        The codebook's path.

    Examples
    --------
    >>> import tempfile
    >>> from omdomme.simulate.vendors import FileMetadata
    >>> m = FileMetadata("SYNTETISKE DATA", {"w": "Vekt"}, {}, {}, {}, {})
    >>> p = Path(tempfile.mkdtemp()) / "x.csv"
    >>> cb = write_csv_with_codebook(pl.DataFrame({"w": [1.5]}), p, m, decimal_columns=("w",))
    >>> p.read_bytes()
    b'w\\r\\n1,500000\\r\\n'
    """
    text_frame = frame.with_columns(
        pl.col(c).map_elements(lambda v: f"{v:.6f}".replace(".", ","), return_dtype=pl.String)
        for c in decimal_columns
    )
    text = text_frame.write_csv(separator=";", line_terminator="\r\n", null_value="")
    path.write_bytes(text.encode("windows-1252"))

    variables = []
    for name in frame.columns:
        dtype = frame.schema[name]
        labels = meta.value_labels.get(name, {})
        entry: dict[str, object] = {
            "name": name,
            "label": meta.column_labels.get(name),
            "type": "string" if dtype == pl.String else "numeric",
            "value_labels": {str(code): label for code, label in labels.items()},
            "missing": {"values": list(meta.missing.get(name, [])), "ranges": []},
        }
        if labels:
            counts = frame.get_column(name).drop_nulls().value_counts().sort(name)
            entry["counts"] = {str(int(v)): int(c) for v, c in counts.iter_rows()}
        variables.append(entry)
    codebook = {
        "file": path.name,
        "n_rows": frame.height,
        "encoding": "windows-1252",
        "file_label": meta.file_label,
        "variables": variables,
    }
    out = path.with_name(f"{path.stem}.codebook.json")
    out.write_text(json.dumps(codebook, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    return out
