"""Reading survey microdata faithfully: SPSS (``.sav``, ``.zsav``, ``.por``) and CSV.

One entry point, :func:`read`, returns ``(polars.DataFrame, Metadata)`` for every format.
*Faithful* means: user-missing codes (the «vet ikke» answers) stay in the data as values
and are only *marked* as missing in the metadata; value labels, variable labels, the file
label and the encoding survive; nothing is dropped or recoded on the way in.

Choices worth knowing:

- SPSS numeric variables arrive as ``Float64`` (SPSS stores every number as a double;
  integer-valued codes stay ``1.0``, ``9.0``), strings as ``String``, dates as ``Date``,
  ``Datetime`` or ``Time``. Value-label keys are floats for numeric and str for string
  variables, exactly as pyreadstat reports them.
- CSV columns are typed by their text: numbers (whole, decimal point or, detected or set,
  decimal comma) become ``Float64`` like SPSS numbers, so that one code path serves every
  format; everything else stays ``String``. Codes written with leading zeros (``"0101"``)
  and whole numbers of 16 or more digits (beyond exact doubles) stay ``String``.
- Every failure to read is a :class:`~omdomme.errors.ReadError` naming the file and what to
  do; only the specific exceptions of pyreadstat, polars, the OS and the codecs are
  caught, so a bug in omdomme still shows as a bug.
"""

from __future__ import annotations

import codecs
import csv
import difflib
import io
import json
import re
import unicodedata
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import Any

import polars as pl

from omdomme.errors import ReadError

__all__ = ["FORMATS", "TYPES", "Metadata", "VariableInfo", "read"]

FORMATS = ("sav", "zsav", "por", "csv")
TYPES = ("numeric", "string", "date", "datetime", "time")

_SUFFIXES = {
    ".sav": "sav",
    ".zsav": "zsav",
    ".por": "por",
    ".csv": "csv",
    ".txt": "csv",
    ".tsv": "csv",
}
_DELIMITERS = {";": ";", ",": ",", "\t": "\t", "tab": "\t", "\\t": "\t"}
# Preference when the header line has as many of two candidates: Norwegian exports use `;`.
_DELIMITER_ORDER = (";", "\t", ",")
_HEAD_BYTES = 1024

_INT_RE = r"^[+-]?\d+$"
_DOT_RE = r"^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$"
_COMMA_RE = r"^[+-]?(\d+(,\d*)?|,\d+)$"
_LEADING_ZERO_RE = r"^[+-]?0\d"


@dataclass(frozen=True)
class VariableInfo:
    """What the file says about one variable.

    Parameters
    ----------
    name : str
        Column name in the data frame.
    label : str or None
        Variable label (the question text, often).
    type : str
        ``numeric``, ``string``, ``date``, ``datetime`` or ``time``.
    value_labels : dict
        Code -> label; codes are floats for numeric variables, str for string variables.
    missing_values : tuple
        Discrete user-missing codes (SPSS ``MISSING VALUES``), e.g. ``(9.0,)``.
    missing_ranges : tuple of (lo, hi)
        User-missing ranges, inclusive at both ends.

    Examples
    --------
    >>> v = VariableInfo("kj_ostf", label="Kjennskap", value_labels={9.0: "Vet ikke"},
    ...                  missing_values=(9.0,))
    >>> v.is_missing(9), v.is_missing(3)
    (True, False)
    """

    name: str
    label: str | None = None
    type: str = "numeric"
    value_labels: dict[float | str, str] = field(default_factory=dict)
    missing_values: tuple[float | str, ...] = ()
    missing_ranges: tuple[tuple[float, float], ...] = ()

    def __post_init__(self) -> None:
        if self.type not in TYPES:
            raise ValueError(f"variable {self.name!r}: type {self.type!r} is not one of {TYPES}")
        for lo, hi in self.missing_ranges:
            if lo > hi:
                raise ValueError(f"variable {self.name!r}: missing range ({lo}, {hi}) has lo > hi")

    @property
    def has_missing(self) -> bool:
        """True when the variable declares any user-missing value or range."""
        return bool(self.missing_values or self.missing_ranges)

    def is_missing(self, value: Any) -> bool:
        """Whether ``value`` is a user-missing code of this variable.

        System-missing (``None``) is not a user-missing code and gives ``False``.

        Examples
        --------
        >>> VariableInfo("z", missing_ranges=((-999.0, 0.0),)).is_missing(-5)
        True
        """
        if value is None:
            return False
        if value in self.missing_values:
            return True
        if isinstance(value, str):
            return False
        return any(lo <= value <= hi for lo, hi in self.missing_ranges)

    def missing_expr(self) -> pl.Expr:
        """A boolean expression, true where the column holds a user-missing code.

        Null (system-missing) rows give ``False``; a variable without missing codes gives
        ``False`` on every row. The expression keeps the variable's name.

        Examples
        --------
        >>> df = pl.DataFrame({"kj": [1.0, 9.0, None]})
        >>> df.select(VariableInfo("kj", missing_values=(9.0,)).missing_expr())["kj"].to_list()
        [False, True, False]
        """
        col = pl.col(self.name)
        numbers = [float(v) for v in self.missing_values if not isinstance(v, str)]
        texts = [v for v in self.missing_values if isinstance(v, str)]
        # polars 2 does not compare Int64 columns with Float64 lists: compare on one type.
        expr = col.is_null() & False
        if numbers:
            expr = expr | col.cast(pl.Float64, strict=False).is_in(numbers)
        if texts:
            expr = expr | col.cast(pl.String).is_in(texts)
        for lo, hi in self.missing_ranges:
            expr = expr | col.cast(pl.Float64, strict=False).is_between(lo, hi)
        return expr.fill_null(False)


@dataclass(frozen=True)
class Metadata:
    """What a data file says about itself: format, encoding, labels, missing codes.

    ``meta["kj_ostf"]`` gives a :class:`VariableInfo`; an unknown name raises
    :class:`~omdomme.errors.ReadError` that suggests close names. ``name in meta`` and
    ``meta.names`` work as expected; iterating yields the variables in file order.

    Examples
    --------
    >>> meta = Metadata("x.csv", "csv", 2, "utf-8", None, (VariableInfo("kj_ostf"),))
    >>> meta.names, "kj_ostf" in meta, meta["kj_ostf"].type
    (('kj_ostf',), True, 'numeric')
    """

    file: str
    format: str
    n_rows: int
    encoding: str | None
    file_label: str | None
    variables: tuple[VariableInfo, ...]
    # The creation date the SPSS header records (ISO 8601); None for CSV and files without one.
    created: str | None = None

    def __post_init__(self) -> None:
        if self.format not in FORMATS:
            raise ValueError(f"format {self.format!r} is not one of {FORMATS}")
        names = [v.name for v in self.variables]
        duplicated = sorted({n for n in names if names.count(n) > 1})
        if duplicated:
            raise ValueError(f"{self.file}: duplicated variable names {duplicated}")

    @property
    def names(self) -> tuple[str, ...]:
        """Variable names in file order."""
        return tuple(v.name for v in self.variables)

    @cached_property
    def _index(self) -> dict[str, VariableInfo]:
        return {v.name: v for v in self.variables}

    def __getitem__(self, name: str) -> VariableInfo:
        if not isinstance(name, str):
            raise TypeError(f"Metadata is indexed by variable name, not {type(name).__name__}")
        try:
            return self._index[name]
        except KeyError:
            raise ReadError(_unknown_variable_message(self.file, [name], self.names)) from None

    def __contains__(self, name: object) -> bool:
        return name in self._index

    def __iter__(self) -> Iterator[VariableInfo]:
        return iter(self.variables)

    def __len__(self) -> int:
        return len(self.variables)

    def value_labels_over(self, names: Iterable[str]) -> dict[float, str]:
        """Numeric code -> value label over several variables (the first that labels a code wins).

        The labels of one question asked about several counties, as the file states them;
        variables the file does not have are skipped.

        >>> meta = Metadata("x.csv", "csv", 2, "utf-8", None, (
        ...     VariableInfo("a", value_labels={1: "Lite", 9: "Vet ikke"}),
        ...     VariableInfo("b", value_labels={1: "Lite!", 2: "Mye"})))
        >>> meta.value_labels_over(["a", "b", "c"])
        {1.0: 'Lite', 9.0: 'Vet ikke', 2.0: 'Mye'}
        """
        out: dict[float, str] = {}
        for name in names:
            if name in self:
                for code, label in self[name].value_labels.items():
                    if not isinstance(code, str):
                        out.setdefault(float(code), label)
        return out


def read(
    path: str | Path,
    *,
    format: str | None = None,
    encoding: str | None = None,
    delimiter: str | None = None,
    decimal: str | None = None,
    codebook: str | Path | None = None,
    columns: Sequence[str] | None = None,
) -> tuple[pl.DataFrame, Metadata]:
    """Read a survey data file: SPSS (``.sav``, ``.zsav``, ``.por``) or CSV.

    Parameters
    ----------
    path : str or Path
        The data file. The format follows the suffix unless ``format`` is given.
    format : {"sav", "zsav", "por", "csv"}, optional
        Override the suffix.
    encoding : str, optional
        Text encoding. CSV: detected when omitted (UTF-8 with or without BOM, else
        windows-1252, else latin-1). SPSS: overrides the encoding the file declares.
    delimiter : {";", ",", "\\t"}, optional
        CSV only; detected from the header line when omitted.
    decimal : {".", ","}, optional
        CSV only; a decimal comma is detected when omitted.
    codebook : str or Path, optional
        CSV only: a JSON codebook (the shape ``omdomme codebook --format json`` writes)
        with labels, value labels and missing codes. ``<stem>.codebook.json`` beside the
        CSV is used automatically when present.
    columns : sequence of str, optional
        Read only these variables (in this order).

    Returns
    -------
    (polars.DataFrame, Metadata)
        The data with user-missing codes kept as values, and the file's metadata.

    Raises
    ------
    ReadError
        The file is missing, a directory, corrupt, truncated, encrypted, misnamed, empty,
        in another encoding than stated, or a named variable does not exist.

    Examples
    --------
    >>> data, meta = read("surveys/2018/omdomme-2018.sav")
    >>> meta["kj_ostf"].missing_values
    (9.0,)
    """
    p = Path(path)
    _check_path(p)
    fmt = _format_of(p, format)
    head = _read_head(p)
    _check_magic(p, fmt, head)
    if fmt == "csv":
        data, meta = _read_csv(
            p, encoding=encoding, delimiter=delimiter, decimal=decimal, codebook=codebook
        )
    else:
        given = {"delimiter": delimiter, "decimal": decimal, "codebook": codebook}
        csv_only = [name for name, value in given.items() if value is not None]
        if csv_only:
            raise ReadError(
                f"{p}: option(s) {', '.join(csv_only)} apply to CSV files only; an SPSS file "
                "carries its own labels and missing codes. Remove them from the call or definition."
            )
        data, meta = _read_spss(p, fmt, encoding)
    if columns is not None:
        data, meta = _select(data, meta, list(columns))
    return data, meta


# --------------------------------------------------------------------------- file checks


def _check_path(p: Path) -> None:
    if p.is_dir():
        raise ReadError(
            f"{p} is a directory, not a data file; name a .sav, .zsav, .por or .csv file in it."
        )
    if not p.exists():
        raise ReadError(
            f"{p}: file not found (looked in {p.resolve().parent}); check the path and the spelling."
        )


def _format_of(p: Path, format: str | None) -> str:
    if format is not None:
        given = format.lower().lstrip(".")
        if given not in FORMATS:
            raise ReadError(
                f"{p}: format {format!r} is not supported; use one of {', '.join(FORMATS)}."
            )
        return given
    fmt = _SUFFIXES.get(p.suffix.lower())
    if fmt is None:
        raise ReadError(
            f"{p}: cannot tell the format from the suffix {p.suffix!r}; rename the file to "
            ".sav, .zsav, .por or .csv, or pass format=."
        )
    return fmt


def _read_head(p: Path) -> bytes:
    try:
        with p.open("rb") as handle:
            return handle.read(_HEAD_BYTES)
    except PermissionError:
        raise ReadError(
            f"{p}: permission denied; ask the file's owner for read access or copy it."
        ) from None
    except OSError as error:
        raise ReadError(f"{p}: cannot be opened ({error.strerror}).") from None


def _sniff_kind(head: bytes) -> str:
    """What the first bytes say the file is: sav, zsav, por, encrypted, zip, binary, text, empty."""
    if not head:
        return "empty"
    if head[:4] == b"$FL2":
        return "sav"
    if head[:4] == b"$FL3":
        return "zsav"
    if head[8:17] == b"ENCRYPTED":
        return "encrypted"
    if head[:2] in (codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE):
        # Excel's «Unicode text» export: UTF-16 with a byte-order mark (full of NUL bytes).
        return "utf-16"
    # A portable file has a 464-byte header (in the file's own character set) ending in SPSSPORT;
    # lines may be broken every 80 characters.
    if b"SPSSPORT" in head.replace(b"\r", b"").replace(b"\n", b""):
        return "por"
    if head[:4] == b"PK\x03\x04":
        return "zip"
    if head[:8] == b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1":
        return "ole"
    if b"\x00" in head:
        return "binary"
    return "text"


_RENAME = {"sav": ".sav", "zsav": ".zsav", "por": ".por"}
_KIND_WORDS = {
    "sav": "an SPSS system file (it starts with $FL2)",
    "zsav": "a compressed SPSS system file (it starts with $FL3)",
    "por": "an SPSS portable file",
}


def _check_magic(p: Path, fmt: str, head: bytes) -> None:
    kind = _sniff_kind(head)
    if kind == "encrypted":
        raise ReadError(
            f"{p} is a password-encrypted SPSS file, which omdomme cannot read. Open it in SPSS "
            "with the password and save an unencrypted copy (File > Save As, untick 'Encrypt file "
            "with password'), or decrypt it with `pspp decrypt`."
        )
    if kind in ("zip", "ole"):
        raise ReadError(
            f"{p} is an Excel or other Office file, not {fmt.upper()}; open it in Excel and save it "
            "as CSV (semicolon-separated), or ask the sender for the SPSS file."
        )
    if fmt == "csv":
        if kind in _KIND_WORDS:
            raise ReadError(f"{p} is {_KIND_WORDS[kind]}, not CSV; rename it to {_RENAME[kind]}.")
        if kind == "binary":
            raise ReadError(
                f"{p} is a binary file (it contains NUL bytes), not a CSV text file; check that it is the right file."
            )
        return
    if kind == "empty":
        raise ReadError(
            f"{p} is empty (0 bytes); the transfer probably failed. Ask the sender for a new copy."
        )
    if fmt in ("sav", "zsav") and kind in ("sav", "zsav"):
        # .sav and .zsav differ only in compression; pyreadstat reads both with read_sav.
        return
    if fmt == "por" and kind == "por":
        return
    if kind in _KIND_WORDS:
        raise ReadError(
            f"{p} is {_KIND_WORDS[kind]} but is named {p.suffix!r}; rename it to {_RENAME[kind]}."
        )
    if kind == "text":
        sample = head[:40].decode("latin-1").splitlines()[0] if head.strip() else ""
        raise ReadError(
            f"{p} is named {p.suffix!r} but is not an SPSS file: it is plain text "
            f"(starting {sample!r}). If it is a CSV file, rename it to .csv."
        )
    expected = "$FL2/$FL3" if fmt in ("sav", "zsav") else "SPSSPORT"
    raise ReadError(
        f"{p} is not an SPSS {'portable' if fmt == 'por' else 'system'} file (no {expected} header); "
        "the file is corrupt or not what its name says. Ask the sender for a new copy."
    )


# --------------------------------------------------------------------------- SPSS


_ICONV_NAMES = {"cp1252": "WINDOWS-1252", "iso8859-1": "ISO-8859-1", "utf-8": "UTF-8"}


def _read_spss(p: Path, fmt: str, encoding: str | None) -> tuple[pl.DataFrame, Metadata]:
    import pyreadstat  # heavy: only when an SPSS file is read

    iconv = None
    if encoding is not None:
        if fmt == "por":
            raise ReadError(f"{p}: a portable (.por) file has no encoding option; remove encoding.")
        codec, _ = _canonical_encoding(p, encoding)
        iconv = _ICONV_NAMES.get(codec, codec.upper())
    kind = "portable" if fmt == "por" else "system"
    try:
        if fmt == "por":
            # pyreadstat.read_por has no user_missing switch and turns user-missing codes into
            # nulls (the «vet ikke» 9 disappears); the parser entry point behind it has the switch.
            from pyreadstat._readstat_parser import parser_entry_point

            df, m = parser_entry_point(
                str(p), parser_format="por", user_missing=True, output_format="polars"
            )
        else:
            try:
                df, m = pyreadstat.read_sav(
                    str(p), user_missing=True, encoding=iconv, output_format="polars"
                )
            except (ValueError, OverflowError, pl.exceptions.PolarsError) as error:
                if isinstance(error, pyreadstat.PyreadstatError | pyreadstat.ReadstatError):
                    raise
                # A date beyond what Python's datetime holds (year 201416): read the raw numbers
                # and convert the date variables that can be converted ourselves.
                df, m = pyreadstat.read_sav(
                    str(p), user_missing=True, encoding=iconv, output_format="polars",
                    disable_datetime_conversion=True,
                )
                df = _convert_dates(p, df, {k: v for k, v in (m.original_variable_types or {}).items() if v})
    except (pyreadstat.ReadstatError, pyreadstat.PyreadstatError) as error:
        if ("character set" in str(error) or "encoding" in str(error).lower()) and encoding is None:
            raise ReadError(
                f"{p}: its text cannot be converted from the encoding the file declares ({error}). "
                'Set the right one in the definition\'s [data] (e.g. encoding = "windows-1252"), '
                "or open it in SPSS and save it again."
            ) from None
        if "character set" in str(error) or "encoding" in str(error).lower():
            raise ReadError(
                f"{p}: the text cannot be converted from {encoding or 'the encoding the file declares'} "
                f"({error}); remove encoding to use the file's own, or set the right one "
                '(e.g. encoding = "windows-1252") in the definition\'s [data].'
            ) from None
        raise ReadError(
            f"{p}: not a readable SPSS {kind} file ({error}; {p.stat().st_size} bytes). It is "
            "corrupt or truncated: ask the sender for a new copy, or open it in SPSS and save "
            "it again."
        ) from None
    assert isinstance(df, pl.DataFrame)
    df = _dates_beyond_python(p, df, m.original_variable_types or {})
    stated = getattr(m, "number_rows", None)
    if isinstance(stated, int) and stated >= 0 and stated != df.height:
        raise ReadError(
            f"{p}: its header says {stated} cases but {df.height} were read; the file is "
            "incomplete or damaged. Ask the sender for a new copy, or open it in SPSS and save it again."
        )
    labels = m.column_names_to_labels or {}
    value_labels = m.variable_value_labels or {}
    ranges = m.missing_ranges or {}
    variables = []
    for name in df.columns:
        dtype = df.schema[name]
        discrete: list[float | str] = []
        spans: list[tuple[float, float]] = []
        for r in ranges.get(name, []):
            lo, hi = r["lo"], r["hi"]  # pyreadstat: a list of {"lo", "hi"} per variable
            # SPSS keeps discrete values and one range; pyreadstat reports both as lo/hi pairs.
            if lo == hi:
                discrete.append(lo)
            else:
                spans.append((float(lo), float(hi)))
        variables.append(
            VariableInfo(
                name=name,
                label=labels.get(name) or None,
                type=_type_of(dtype),
                value_labels={k: str(v) for k, v in value_labels.get(name, {}).items()},
                missing_values=tuple(discrete),
                missing_ranges=tuple(spans),
            )
        )
    enc = _recorded_encoding(m.file_encoding) if m.file_encoding else None
    if encoding is not None:
        _check_spss_text(p, df, labels, value_labels, m.file_label, encoding)
    meta = Metadata(
        file=str(p),
        format=fmt,
        n_rows=df.height,
        encoding=enc,
        file_label=m.file_label or None,
        variables=tuple(variables),
        created=m.creation_time.isoformat() if getattr(m, "creation_time", None) else None,
    )
    return df, meta


# SPSS stores dates as seconds since 1582-10-14; Python's datetime holds years 1 to 9999.
_SPSS_EPOCH_TO_UNIX = 12_219_379_200
_SPSS_MIN, _SPSS_MAX = -49_916_217_600, 265_621_679_999
_DATE_FORMATS = re.compile(r"^(ADATE|EDATE|JDATE|SDATE|DATE|QYR|MOYR|WKYR)\d*", re.IGNORECASE)
_DATETIME_FORMATS = re.compile(r"^(DATETIME|YMDHMS)\d*", re.IGNORECASE)
_TIME_FORMATS = re.compile(r"^(TIME|DTIME|MTIME)\d*", re.IGNORECASE)


def _convert_dates(p: Path, df: pl.DataFrame, formats: dict[str, str]) -> pl.DataFrame:
    """Date, datetime and time variables from raw SPSS numbers, as pyreadstat would convert
    them; a variable with a value beyond Python's dates stays numeric, with a note naming it."""
    import warnings

    from omdomme.errors import OmdommeWarning

    exprs = []
    for name, fmt in formats.items():
        if name not in df.columns or not df.schema[name].is_numeric():
            continue
        kind = ("date" if _DATE_FORMATS.match(fmt) else "datetime" if _DATETIME_FORMATS.match(fmt)
                else "time" if _TIME_FORMATS.match(fmt) else None)
        if kind is None:
            continue
        values = df[name].drop_nulls().drop_nans()
        low, high = (0, 86_399) if kind == "time" else (_SPSS_MIN, _SPSS_MAX)
        outside = values.filter((values < low) | (values > high))
        if outside.len():
            warnings.warn(
                f"{p}: variable {name} has format {fmt} but holds {outside[0]:.17g}, beyond the "
                f"{'times of a day' if kind == 'time' else 'dates Python can represent (years 1 to 9999)'}; "
                f"it is read as a number (seconds{' since 1582-10-14' if kind != 'time' else ''}).",
                OmdommeWarning,
                stacklevel=2,
            )
            continue
        col = pl.col(name)
        if kind == "date":
            exprs.append(((col - _SPSS_EPOCH_TO_UNIX) // 86_400).cast(pl.Int32).cast(pl.Date).alias(name))
        elif kind == "datetime":
            exprs.append(((col - _SPSS_EPOCH_TO_UNIX) * 1_000_000).round().cast(pl.Int64)
                         .cast(pl.Datetime("us")).alias(name))
        else:
            exprs.append((col * 1_000_000_000).round().cast(pl.Int64).cast(pl.Time).alias(name))
    return df.with_columns(exprs) if exprs else df


def _dates_beyond_python(p: Path, df: pl.DataFrame, formats: dict[str, str | None]) -> pl.DataFrame:
    """Dates polars holds but Python cannot (year 201416, as in haven's datetime.sav) would
    break everything that turns values into Python objects: keep such a variable as the SPSS
    number (seconds since 1582-10-14), with a note naming the variable and the value."""
    import warnings

    from omdomme.errors import OmdommeWarning

    exprs = []
    for name in df.columns:
        dtype = df.schema[name]
        if not (dtype == pl.Date or isinstance(dtype, pl.Datetime)):
            continue
        years = df[name].dt.year().drop_nulls()
        bad = years.filter((years < 1) | (years > 9999))
        if not bad.len():
            continue
        if dtype == pl.Date:
            seconds = pl.col(name).cast(pl.Int64).cast(pl.Float64) * 86_400 + _SPSS_EPOCH_TO_UNIX
        else:
            seconds = (pl.col(name).dt.cast_time_unit("us").cast(pl.Int64).cast(pl.Float64) / 1_000_000
                       + _SPSS_EPOCH_TO_UNIX)
        value = df.select(seconds.filter(pl.col(name).dt.year().is_between(1, 9999).not_())).item(0, 0)
        warnings.warn(
            f"{p}: variable {name} has format {formats.get(name) or 'DATE'} but holds {value:.17g} "
            f"(year {bad[0]}), beyond the dates Python can represent (years 1 to 9999); it is read "
            "as a number (seconds since 1582-10-14).",
            OmdommeWarning,
            stacklevel=3,
        )
        exprs.append(seconds.alias(name))
    return df.with_columns(exprs) if exprs else df


def _check_spss_text(
    p: Path,
    df: pl.DataFrame,
    labels: dict[str, str | None],
    value_labels: dict[str, dict[Any, str]],
    file_label: str | None,
    encoding: str,
) -> None:
    """An explicit encoding that garbles the text is an error, not a silent mojibake."""
    codec, shown = _canonical_encoding(p, encoding)
    texts = [t for t in labels.values() if t] + [file_label or ""]
    texts += [t for vl in value_labels.values() for t in vl.values()]
    for name in df.columns:
        if df.schema[name] == pl.String:
            texts += df[name].drop_nulls().unique().head(1000).to_list()
    for text in texts:
        if "\ufffd" in text:
            raise ReadError(
                f"{p}: reading it as {shown} gives replacement characters ({text[:40]!r}); remove "
                'encoding to use the file\'s own, or set the right one (e.g. encoding = "windows-1252").'
            )
        if codec not in ("utf-8", "utf-8-sig") and not text.isascii():
            try:
                original = text.encode(codec).decode("utf-8")
            except (UnicodeEncodeError, UnicodeDecodeError):
                continue
            raise ReadError(
                f"{p}: the text is UTF-8, not {shown}: reading it as {shown} turns {original[:40]!r} "
                f'into {text[:40]!r}. Remove encoding (or set encoding = "utf-8") in the definition.'
            )


def _type_of(dtype: pl.DataType) -> str:
    if dtype == pl.String:
        return "string"
    if dtype == pl.Date:
        return "date"
    if isinstance(dtype, pl.Datetime):
        return "datetime"
    if dtype == pl.Time:
        return "time"
    return "numeric"


# --------------------------------------------------------------------------- CSV


def _read_csv(
    p: Path,
    *,
    encoding: str | None,
    delimiter: str | None,
    decimal: str | None,
    codebook: str | Path | None,
) -> tuple[pl.DataFrame, Metadata]:
    try:
        raw = p.read_bytes()
    except OSError as error:
        raise ReadError(f"{p}: cannot be read ({error.strerror}).") from None
    text, enc = _decode(p, raw, encoding)
    if not text.strip():
        raise ReadError(
            f"{p} is empty (no header, no rows); the export probably failed. Ask the sender for a new copy."
        )
    header_line = text.splitlines()[0]
    sep = _delimiter(p, header_line, delimiter)
    if decimal not in (None, ".", ","):
        raise ReadError(f'{p}: decimal {decimal!r} is not supported; use "." or ",".')
    header = next(csv.reader([header_line], delimiter=sep))
    duplicated = sorted({h for h in header if header.count(h) > 1 and h != ""})
    if duplicated:
        raise ReadError(
            f"{p}: column name(s) {', '.join(map(repr, duplicated))} appear more than once in the header; make every column name unique."
        )
    _check_truncated(p, text, sep, len(header))
    _check_bare_cr(p, text)
    records = _count_records(p, text, sep, len(header))
    try:
        frame = pl.read_csv(
            io.BytesIO(text.encode("utf-8")),
            separator=sep,
            infer_schema=False,
            raise_if_empty=True,
        )
    except pl.exceptions.NoDataError:
        raise ReadError(
            f"{p} is empty (no header, no rows); ask the sender for a new copy."
        ) from None
    except pl.exceptions.ComputeError as error:
        raise ReadError(_ragged_message(p, text, sep, len(header), error)) from None
    frame = _drop_blank(p, frame)
    if frame.height == 0:
        raise ReadError(
            f"{p} has a header ({frame.width} columns) but no data rows; the export stopped early. "
            "Ask the sender for the complete file."
        )
    if frame.height != records:
        raise ReadError(
            f"{p}: the CSV parser read {frame.height} rows but the file holds {records} records; "
            "a quote or line break in a field confuses it. Check the quoting of the free-text "
            "fields, or ask the sender for a new export."
        )
    book = _find_codebook(p, codebook)
    cb_vars, file_label = _load_codebook(book, p) if book is not None else ({}, None)
    if cb_vars:
        absent = [name for name in cb_vars if name not in frame.columns]
        if absent:
            raise ReadError(
                f"{book}: variable(s) {', '.join(absent)} are in the codebook but not in {p} "
                f"(columns: {', '.join(frame.columns[:12])}{', ...' if frame.width > 12 else ''}); "
                "fix the codebook or ask for the complete file."
            )
    stated = _stated_rows(book) if book is not None else None
    if book is not None and stated is not None and stated != frame.height:
        raise ReadError(
            f"{p} has {frame.height} data rows but its codebook {book.name} says {stated} (n_rows): "
            f"{'respondents are missing (the file is incomplete or cut at a line end)' if frame.height < stated else 'the codebook belongs to another export'}. "
            "Ask the sender for the complete file and its codebook."
        )
    frame = _labels_in_cells(p, book, frame, cb_vars)
    data = _type_columns(p, frame, decimal, {n: v.type for n, v in cb_vars.items()},
                         {n: bool(v.value_labels) for n, v in cb_vars.items()})
    variables = []
    for name in data.columns:
        info = cb_vars.get(name)
        kind = _type_of(data.schema[name])
        if info is None:
            variables.append(VariableInfo(name=name, type=kind))
        else:
            numeric = kind == "numeric"
            variables.append(
                VariableInfo(
                    name=name,
                    label=info.label,
                    type=kind,
                    value_labels={
                        _code(k, numeric, book, name): v for k, v in info.value_labels.items()
                    },
                    missing_values=tuple(
                        _code(k, numeric, book, name) for k in info.missing_values
                    ),
                    missing_ranges=info.missing_ranges,
                )
            )
    meta = Metadata(
        file=str(p),
        format="csv",
        n_rows=data.height,
        encoding=enc,
        file_label=file_label,
        variables=tuple(variables),
    )
    return data, meta


_ENCODING_NAMES = {
    "cp1252": "windows-1252",
    "utf-8": "utf-8",
    "utf-8-sig": "utf-8-sig",
    "iso8859-1": "latin-1",
    "latin-1": "latin-1",
}


def _canonical_encoding(p: Path, encoding: str) -> tuple[str, str]:
    """(codec name for Python, the name recorded in Metadata)."""
    try:
        codec = codecs.lookup(encoding).name
    except LookupError:
        raise ReadError(
            f'{p}: unknown encoding {encoding!r}; use "utf-8", "utf-8-sig" or "windows-1252".'
        ) from None
    return codec, _ENCODING_NAMES.get(codec, codec)


def _recorded_encoding(name: str) -> str:
    try:
        codec = codecs.lookup(name).name
    except LookupError:
        return name.lower()
    return _ENCODING_NAMES.get(codec, codec)


def _guess_encoding(raw: bytes) -> str:
    try:
        raw.decode("utf-8")
        return "utf-8"
    except UnicodeDecodeError:
        pass
    try:
        raw.decode("cp1252")
        return "windows-1252"
    except UnicodeDecodeError:
        return "latin-1"


def _decode(p: Path, raw: bytes, encoding: str | None) -> tuple[str, str]:
    if encoding is None:
        if raw[:2] in (codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE):
            try:
                text, enc = raw.decode("utf-16"), "utf-16"
            except UnicodeDecodeError:
                raise ReadError(
                    f"{p} starts with a UTF-16 byte-order mark but is not valid UTF-16; "
                    "re-export it as CSV (UTF-8 or windows-1252)."
                ) from None
        elif raw.startswith(codecs.BOM_UTF8):
            if not _is_utf8(raw):
                raise ReadError(
                    f"{p} starts with a UTF-8 byte-order mark but is not valid UTF-8; re-export it as UTF-8 or windows-1252."
                )
            text, enc = raw[len(codecs.BOM_UTF8) :].decode("utf-8"), "utf-8-sig"
        else:
            enc = _guess_encoding(raw)
            text = raw.decode({"windows-1252": "cp1252"}.get(enc, enc))
    else:
        codec, enc = _canonical_encoding(p, encoding)
        if raw[:2] in (codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE) and not codec.startswith("utf-16"):
            raise ReadError(
                f"{p} is UTF-16 text (it starts with a UTF-16 byte-order mark), not {enc} as the "
                'definition says. Set encoding = "utf-16" in [data] or leave encoding out to detect '
                "it, or export the file again as UTF-8 or windows-1252."
            )
        try:
            text = raw.decode(codec)
        except UnicodeDecodeError as error:
            likely = _guess_encoding(raw)
            line = raw[: error.start].count(b"\n") + 1
            raise ReadError(
                f"{p} is not {enc}: byte {raw[error.start]:#04x} on line {line} cannot be decoded. "
                f'It looks like {likely}; set encoding = "{likely}" in the definition\'s [data] '
                "(or leave encoding out to detect it)."
            ) from None
        if codec in ("cp1252", "iso8859-1") and not raw.isascii() and _is_utf8(raw):
            raise ReadError(
                f"{p} is UTF-8, not {enc}: reading it as {enc} would garble æ, ø and å. "
                'Set encoding = "utf-8" in the definition\'s [data] (or leave encoding out to detect it).'
            )
        if text.startswith("\ufeff"):
            text, enc = text[1:], "utf-8-sig"
    if "\ufffd" in text:
        line = text[: text.index("\ufffd")].count("\n") + 1
        raise ReadError(
            f"{p} contains the replacement character \ufffd (line {line}): text was lost in an earlier "
            f'conversion or the encoding is wrong. Try encoding = "windows-1252" in the definition, '
            "or ask the sender for the original export."
        )
    return text, enc


def _is_utf8(raw: bytes) -> bool:
    try:
        raw.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return True


def _delimiter(p: Path, header_line: str, delimiter: str | None) -> str:
    if delimiter is not None:
        sep = _DELIMITERS.get(delimiter)
        if sep is None:
            raise ReadError(
                f'{p}: delimiter {delimiter!r} is not supported; use ";", "," or "\\t" (tab).'
            )
        unquoted = re.sub(r'"[^"]*"', "", header_line)
        if sep not in unquoted:
            counts = {c: unquoted.count(c) for c in _DELIMITER_ORDER if c != sep}
            other = max(counts, key=lambda c: counts[c])
            if counts[other]:
                names = {";": "';'", ",": "','", "\t": "tab"}
                setting = {";": '";"', ",": '","', "\t": '"\\t"'}[other]
                raise ReadError(
                    f"{p}: the header line has no {names[sep]} (the delimiter the definition sets) "
                    f"but {counts[other]} {names[other]} characters: the file is separated by "
                    f"{names[other]}. Set delimiter = {setting} in [data], or leave delimiter out "
                    "to detect it."
                )
        return sep
    # Count candidates outside quotes: a quoted "Oslo, sentrum" must not vote for `,`.
    unquoted = re.sub(r'"[^"]*"', "", header_line)
    counts = {c: unquoted.count(c) for c in _DELIMITER_ORDER}
    best = max(_DELIMITER_ORDER, key=lambda c: counts[c])  # max keeps the first on ties
    return best if counts[best] > 0 else ","


def _ragged_message(p: Path, text: str, sep: str, width: int, error: Exception) -> str:
    shown = {";": "';'", ",": "','", "\t": "tab"}[sep]
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=sep)
    try:
        for row in reader:
            if len(row) > width:
                return (
                    f"{p}: line {reader.line_num} has {len(row)} fields but the header has {width} "
                    f"(delimiter {shown}). Check the delimiter and quoting of that line, or set "
                    "delimiter in the definition's [data]."
                )
    except csv.Error:
        pass
    return f"{p}: cannot be parsed as CSV with delimiter {shown} ({str(error).splitlines()[0]})."


def _check_bare_cr(p: Path, text: str) -> None:
    """A carriage return that is not part of a line end, outside quotes, splits a line in two
    for some programs and not for others: refuse it, naming the line."""
    for match in re.finditer(r"\r(?!\n)", text):
        before = text[: match.start()]
        if before.count('"') % 2:
            continue  # inside a quoted field: part of the text
        line = before.count("\n") + 1
        raise ReadError(
            f"{p}: line {line} contains a carriage return (CR) that is not part of a line end, "
            f"{len(before) - before.rfind(chr(10)) - 1} characters into the line. Remove it "
            "(or quote that field), or ask the sender for a new export."
        )


def _count_records(p: Path, text: str, sep: str, width: int) -> int:
    """Walk the file with the standard library's strict CSV parser: the number of data records.

    Every structural fault becomes a ReadError naming the line where its record starts: a
    quoted field the file ends inside (truncated, or a stray quote that would swallow the
    rest of the file), a lone quote inside a quoted field, a record with more or fewer fields
    than the header (polars would fill a short line with nulls, silently).
    """
    shown = {";": "';'", ",": "','", "\t": "tab"}[sep]
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=sep, strict=True)
    records = 0
    start = 1
    try:
        for row in reader:
            here, start = start, reader.line_num + 1
            if here == 1 or not any(row):
                continue  # the header; blank lines are not respondents
            if len(row) != width:
                what = "is missing a field" if len(row) < width else "has a field too many"
                raise ReadError(
                    f"{p}: line {here} has {len(row)} fields but the header has {width} "
                    f"(delimiter {shown}): the line {what}. Fix that line (a delimiter inside an "
                    "unquoted text?), or set delimiter in the definition's [data]."
                )
            records += 1
    except csv.Error as error:
        if "end of data" in str(error):
            raise ReadError(
                f"{p}: the quoted field that starts on line {start} is never closed, so the file "
                f"ends inside it. The file is truncated (ask the sender for the complete file), or "
                f"line {start} has a stray quote (\") that must be removed or doubled."
            ) from None
        raise ReadError(
            f"{p}: line {start} has a stray quote (\") inside a quoted field ({error}); a quote in "
            "a quoted text must be doubled (\"\"). Fix that line or ask for a new export."
        ) from None
    return records


def _check_truncated(p: Path, text: str, sep: str, width: int) -> None:
    # An interrupted transfer cuts the last line short and leaves it without a line end;
    # polars would quietly fill the missing fields with nulls.
    if text.endswith(("\n", "\r")):
        return
    last = text.rsplit("\n", 1)[-1]
    fields = next(csv.reader([last], delimiter=sep), [])
    if 0 < len(fields) < width:
        line = text.count("\n") + 1
        raise ReadError(
            f"{p} looks truncated: the last line ({line}) has {len(fields)} of {width} fields and "
            "no line end. Ask the sender for the complete file."
        )


def _drop_blank(p: Path, frame: pl.DataFrame) -> pl.DataFrame:
    # A trailing delimiter in Excel exports makes an unnamed, empty column: drop it. An unnamed
    # column with data is an error, since nothing downstream could refer to it.
    for name in frame.columns:
        if name.strip() == "":
            if frame[name].null_count() == frame.height:
                frame = frame.drop(name)
            else:
                position = frame.columns.index(name) + 1
                raise ReadError(
                    f"{p}: column {position} has data but no name in the header; add a column name."
                )
    # Blank lines (often at the end) come through as all-null rows; they are not respondents.
    return frame.filter(~pl.all_horizontal(pl.all().is_null()))


def _label_key(text: str) -> str:
    return " ".join(unicodedata.normalize("NFC", text).split()).casefold()


def _labels_in_cells(
    p: Path, book: Path | None, frame: pl.DataFrame, cb_vars: dict[str, VariableInfo]
) -> pl.DataFrame:
    """Cells that hold a value label instead of its code get the code (an export «with labels»).

    A survey tool's or SPSS's CSV export may write «Svært godt» where the code is 5. For a
    numeric variable whose codebook gives value labels, a cell that is not a number and equals
    one of its labels (after trimming, case-folding and Unicode normalisation) becomes that
    code; numbers stay as they are, so a column may mix the two. Text that matches no label is
    left for the typing step, which names it. Two codes with the same label cannot be told
    apart: that is an error naming both.
    """
    exprs = []
    for name, info in cb_vars.items():
        if info.type != "numeric" or not info.value_labels or name not in frame.columns:
            continue
        cells = pl.col(name).str.strip_chars()
        is_number = cells.str.contains(_DOT_RE) | cells.str.contains(_COMMA_RE)
        texts = frame.select(cells.filter(cells.is_not_null() & ~is_number).unique())[name].to_list()
        if not texts:
            continue
        by_label: dict[str, str] = {}
        for code, label in info.value_labels.items():
            key = _label_key(label)
            if key in by_label and by_label[key] != str(code):
                raise ReadError(
                    f"{book}: variable {name!r} has the value label «{label}» for codes {by_label[key]} and "
                    f"{code}, and {p.name} writes labels in its cells; give each code its own label."
                )
            by_label[key] = str(code)
        mapping = {t: by_label[_label_key(t)] for t in texts if _label_key(t) in by_label}
        if mapping:
            exprs.append(pl.when(cells.is_in(list(mapping))).then(cells.replace(mapping)).otherwise(pl.col(name)).alias(name))
    return frame.with_columns(exprs) if exprs else frame


def _type_columns(
    p: Path, frame: pl.DataFrame, decimal: str | None, forced: dict[str, str],
    forced_labels: dict[str, bool] | None = None,
) -> pl.DataFrame:
    """Type String columns by their text: Float64 (point or comma) or String."""
    forced_labels = forced_labels or {}
    tests = {
        "int": lambda e: e.str.contains(_INT_RE).all(),
        "dot": lambda e: e.str.contains(_DOT_RE).all(),
        "comma": lambda e: e.str.contains(_COMMA_RE).all(),
        "hascomma": lambda e: e.str.contains(",", literal=True).any(),
        "zero": lambda e: e.str.contains(_LEADING_ZERO_RE).any(),
        "long": lambda e: e.str.contains(r"\d{16}").any(),
        "n": lambda e: e.is_not_null().sum(),
    }
    stripped = {c: pl.col(c).str.strip_chars() for c in frame.columns}
    stats = frame.select(
        test(stripped[c]).alias(f"{key}|{c}") for key, test in tests.items() for c in frame.columns
    ).row(0, named=True)
    if decimal is None:
        # The file uses a decimal comma when some column is numbers written with commas.
        comma_columns = [c for c in frame.columns if stats[f"comma|{c}"] and stats[f"hascomma|{c}"]]
        decimal = "," if comma_columns else "."
    exprs = []
    for c in frame.columns:
        want = forced.get(c)
        s = stripped[c]
        if want == "string":
            exprs.append(pl.col(c))
        elif want in ("date", "datetime", "time"):
            exprs.append(_temporal(s, want).alias(c))
        elif stats[f"n|{c}"] == 0:
            exprs.append(pl.col(c).cast(pl.Float64) if want == "numeric" else pl.col(c))
        elif want != "numeric" and (stats[f"zero|{c}"] or stats[f"int|{c}"] and stats[f"long|{c}"]):
            # "0101" is a code, not the number 101; 16+ digit ids do not fit a double: keep text.
            exprs.append(pl.col(c))
        elif stats[f"int|{c}"] or (decimal == "." and stats[f"dot|{c}"]):
            exprs.append(s.cast(pl.Float64).alias(c))
        elif decimal == "," and stats[f"comma|{c}"]:
            exprs.append(s.str.replace(",", ".", literal=True).cast(pl.Float64).alias(c))
        elif want == "numeric":
            pattern = _COMMA_RE if decimal == "," else _DOT_RE
            bad = frame.filter(s.is_not_null() & ~s.str.contains(pattern))[c]
            examples = ", ".join(map(repr, bad.unique(maintain_order=True).head(5).to_list()))
            raise ReadError(
                f"{p}: column {c!r} is numeric in the codebook but holds text such as {examples}"
                f"{', which is none of its value labels' if forced_labels.get(c) else ''}; "
                f"fix the values or the codebook ({'its value labels, ' if forced_labels.get(c) else ''}"
                f"type; decimal separator {decimal!r})."
            )
        else:
            exprs.append(pl.col(c))
    try:
        return frame.select(exprs)
    except pl.exceptions.InvalidOperationError as error:
        raise ReadError(
            f"{p}: a date or time column in the codebook does not parse "
            f"({str(error).splitlines()[0]}); write dates as 2018-05-31."
        ) from None


def _temporal(s: pl.Expr, kind: str) -> pl.Expr:
    if kind == "date":
        return s.str.to_date()
    if kind == "datetime":
        return s.str.to_datetime()
    return s.str.to_time()


# --------------------------------------------------------------------------- codebook files


def _find_codebook(p: Path, codebook: str | Path | None) -> Path | None:
    if codebook is not None:
        book = Path(codebook)
        if not book.is_file():
            raise ReadError(f"{book}: codebook not found (named for {p}); check the path.")
        return book
    beside = p.with_name(f"{p.stem}.codebook.json")
    return beside if beside.is_file() else None


def _load_codebook(book: Path, data_file: Path) -> tuple[dict[str, VariableInfo], str | None]:
    """Read a JSON codebook into VariableInfo with string codes (typed later, per column).

    Besides the shape ``omdomme codebook --format json`` writes, an optional top-level
    ``"file_label"`` (e.g. the synthetic-data notice) becomes the CSV's file label.
    """
    where = f"{book} (codebook of {data_file.name})"
    try:
        doc = json.loads(book.read_text(encoding="utf-8-sig"))
    except json.JSONDecodeError as error:
        raise ReadError(
            f"{where}: not valid JSON (line {error.lineno}, column {error.colno}: {error.msg}); fix the codebook."
        ) from None
    except UnicodeDecodeError:
        raise ReadError(f"{where}: a codebook must be UTF-8; save it again as UTF-8.") from None
    except OSError as error:
        raise ReadError(f"{where}: cannot be read ({error.strerror}).") from None
    if not isinstance(doc, dict) or not isinstance(doc.get("variables"), list):
        raise ReadError(
            f'{where}: a codebook is a JSON object with a "variables" list (see `omdomme codebook --format json`).'
        )
    out: dict[str, VariableInfo] = {}
    for number, entry in enumerate(doc["variables"], start=1):
        if not isinstance(entry, dict) or not isinstance(entry.get("name"), str):
            raise ReadError(f'{where}: variable #{number} has no "name"; every entry needs one.')
        name = entry["name"]
        missing = entry.get("missing") or {}
        kind = entry.get("type") or "numeric"
        if kind not in TYPES:
            raise ReadError(
                f"{where}: variable {name!r} has type {kind!r}; use one of {', '.join(TYPES)}."
            )
        try:
            ranges = tuple((float(lo), float(hi)) for lo, hi in missing.get("ranges", []))
        except (TypeError, ValueError):
            raise ReadError(
                f'{where}: variable {name!r}: "missing" "ranges" must be pairs of numbers, e.g. [[97, 99]].'
            ) from None
        try:
            out[name] = VariableInfo(
                name=name,
                label=entry.get("label"),
                type=kind,
                value_labels={str(k): str(v) for k, v in (entry.get("value_labels") or {}).items()},
                missing_values=tuple(
                    str(v) if not isinstance(v, str) else v for v in missing.get("values", [])
                ),
                missing_ranges=ranges,
            )
        except ValueError as error:
            raise ReadError(f"{where}: {error}; fix the codebook.") from None
    label = doc.get("file_label")
    return out, label if isinstance(label, str) and label else None


def _stated_rows(book: Path) -> int | None:
    """The ``n_rows`` a codebook states for its data file, or None when it states none."""
    try:
        doc = json.loads(book.read_text(encoding="utf-8-sig"))
    except (OSError, ValueError):
        return None  # _load_codebook has already reported a codebook that cannot be read
    n = doc.get("n_rows") if isinstance(doc, dict) else None
    return n if isinstance(n, int) and not isinstance(n, bool) and n >= 0 else None


def _code(key: float | str, numeric: bool, book: Path | None, name: str) -> float | str:
    """A codebook code (text) typed like the column: float for numeric, str otherwise."""
    if not numeric:
        return key if isinstance(key, str) else _format_code(key)
    try:
        return float(str(key).replace(",", "."))
    except ValueError:
        raise ReadError(
            f"{book}: variable {name!r} is numeric but the codebook has the code {key!r}; use numbers as codes."
        ) from None


def _format_code(value: float | str) -> str:
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


# --------------------------------------------------------------------------- helpers


def _select(
    data: pl.DataFrame, meta: Metadata, columns: list[str]
) -> tuple[pl.DataFrame, Metadata]:
    absent = [c for c in columns if c not in meta]
    if absent:
        raise ReadError(_unknown_variable_message(meta.file, absent, meta.names))
    variables = tuple(meta[c] for c in columns)
    return data.select(columns), Metadata(
        meta.file, meta.format, meta.n_rows, meta.encoding, meta.file_label, variables, meta.created
    )


def _unknown_variable_message(file: str, names: list[str], known: Sequence[str]) -> str:
    parts = []
    for name in names:
        close = difflib.get_close_matches(name, list(known), n=3, cutoff=0.6)
        if not close:
            lower = {k.lower(): k for k in known}
            close = [lower[name.lower()]] if name.lower() in lower else []
        hint = f" (did you mean {' or '.join(f'`{c}`' for c in close)}?)" if close else ""
        parts.append(f"`{name}`{hint}")
    what = "variable" if len(names) == 1 else "variables"
    return (
        f"{what} {', '.join(parts)} not in {file}; "
        f"`omdomme codebook {file}` lists its {len(known)} variables."
    )
