"""Placing respondents and firms in the five Oslofjord counties, across the 2020 and 2024 reforms.

A municipality (*kommune*) or county (*fylke*) code is only meaningful together with the year
it was valid in: Halden is 0101 until 2019, 3001 in Viken 2020–2023 and 3101 from 2024.
:func:`county_of` looks every code up in SSB's Klass 131 table of that year (shipped in
``omdomme/data/``, see its README for the source) and returns a stable county key.

Assumptions, stated once:

- Klass versions: 2015 (valid 2015–2016), 2017, 2018, 2019, 2020 (2020–2021), 2022, 2023,
  2024. A year uses the latest version that started on or before 1 January of that year.
  **2025 and 2026 use the 2024 codes**: the shipped tables end in 2024, and no kommune or
  fylke code of the five counties changed on 1 January 2025 or 2026.
- ``borders=2024`` (default) places a municipality in its county of 2024, so a series over
  rounds compares the same territory (Rømskog 0121 → Akershus in every year).
- ``borders="round"`` places it in the county it belonged to in ``year``: before 2020 the old
  county (Rømskog 0121 in 2018 → Østfold). In 2020–2023 the old counties did not exist
  (Viken, Vestfold og Telemark); the county is then recovered through the municipality and
  is its 2024 county (Viken-era Asker 3025 → Akershus).
- ``level="fylke"``: a county code maps directly (01/02/03/06/07 before 2020, 31/32/03/33/39
  from 2024); ``borders`` cannot apply to a county code. Viken (30) and Vestfold og Telemark
  (38) cannot be split without the municipality and raise :class:`GeographyError`.
- Code 9999 (*Uoppgitt*, "not stated") is not a place and is treated as unknown.
"""

from __future__ import annotations

import functools
import io
import numbers
from collections.abc import Sequence
from importlib import resources
from typing import Literal

import polars as pl

from omdomme.errors import GeographyError
from omdomme.labels import COUNTIES, COUNTY_NAMES

__all__ = [
    "COUNTIES",
    "COUNTY_CODES_2019",
    "COUNTY_CODES_2024",
    "COUNTY_NAMES",
    "OUTSIDE",
    "county_of",
    "kommune_name",
    "klass_version",
]


COUNTY_CODES_2024 = {
    "akershus": "32",
    "oslo": "03",
    "buskerud": "33",
    "vestfold": "39",
    "ostfold": "31",
}
COUNTY_CODES_2019 = {
    "akershus": "02",
    "oslo": "03",
    "buskerud": "06",
    "vestfold": "07",
    "ostfold": "01",
}
OUTSIDE = "utenfor"
"""The key of a valid code outside the five counties."""

_FYLKE_TO_COUNTY = {
    code: key for table in (COUNTY_CODES_2019, COUNTY_CODES_2024) for key, code in table.items()
}
_UNSPLITTABLE = {"30": "Viken", "38": "Vestfold og Telemark"}
_NOT_STATED = "9999"
_FIRST_YEAR = 2015


@functools.cache
def _tables() -> pl.DataFrame:
    """Klass 131 joined with the crosswalk to 2024: one row per (version year, kommune code)."""
    data = resources.files("omdomme") / "data"
    klass = pl.read_csv(
        io.BytesIO((data / "klass131_kommuneinndeling_2015_2024.csv").read_bytes()),
        infer_schema=False,
    )
    crosswalk = pl.read_csv(
        io.BytesIO((data / "kommune_to_2024_crosswalk_2015_2024.csv").read_bytes()),
        infer_schema=False,
    )
    return (
        klass.select(
            pl.col("valid_from").str.slice(0, 4).cast(pl.Int64).alias("version"),
            "code",
            "name",
            "fylke",
        )
        .join(
            crosswalk.select(
                pl.col("valid_from").str.slice(0, 4).cast(pl.Int64).alias("version"),
                "code",
                "code_2024",
                "fylke_2024",
            ),
            on=["version", "code"],
            how="left",
        )
        .filter(pl.col("code") != _NOT_STATED)
        .sort("version", "code")
    )


@functools.cache
def _versions() -> tuple[int, ...]:
    return tuple(_tables()["version"].unique().sort().to_list())


def klass_version(year: int) -> int:
    """The Klass 131 version (its first year) whose codes are valid in ``year``.

    Examples
    --------
    >>> klass_version(2016), klass_version(2021), klass_version(2026)
    (2015, 2020, 2024)
    """
    if isinstance(year, bool) or not isinstance(year, numbers.Integral):
        raise GeographyError(f"year must be an integer such as 2018, got {year!r}.")
    year = int(year)
    if year < _FIRST_YEAR:
        raise GeographyError(
            f"no municipality table before {_FIRST_YEAR} is shipped (asked for {year}); "
            f"recode the codes to {_FIRST_YEAR} codes and set code_year = {_FIRST_YEAR}."
        )
    return max(v for v in _versions() if v <= year)


@functools.cache
def _kommune_map(version: int, borders: int | str) -> dict[str, str]:
    rows = _tables().filter(pl.col("version") == version)
    # "round" before 2020: the county of that year. Otherwise the 2024 county, also for "round"
    # in 2020-2023, when the old counties did not exist and the municipality says which it was.
    fylke = rows["fylke"] if borders == "round" and version < 2020 else rows["fylke_2024"]
    keys = [_FYLKE_TO_COUNTY.get(f, OUTSIDE) for f in fylke.to_list()]
    return dict(zip(rows["code"].to_list(), keys, strict=True))


@functools.cache
def _fylke_codes(version: int) -> frozenset[str]:
    return frozenset(_tables().filter(pl.col("version") == version)["fylke"].unique().to_list())


@functools.cache
def _years_valid(code: str, column: str = "code") -> tuple[int, int] | None:
    versions = _tables().filter(pl.col(column) == code)["version"].to_list()
    if not versions:
        return None
    last = max(versions)
    later = [v for v in _versions() if v > last]
    end = later[0] - 1 if later else 2026
    return min(versions), end


def _normalise(codes: pl.Series, width: int, what: str) -> pl.Series:
    """Codes as zero-padded strings ("0101"); ints, integer-valued floats and strings accepted."""
    s = codes
    if s.dtype == pl.Null:
        return s.cast(pl.String)
    if s.dtype.is_float():
        fractional = s.filter(s.is_not_null() & (s != s.round(0)))
        if fractional.len():
            raise GeographyError(
                f"{what} codes must be whole numbers; found {', '.join(map(str, fractional.unique().sort().head(5).to_list()))}."
            )
        s = s.cast(pl.Int64)
    text = pl.col("code").cast(pl.String).str.strip_chars().str.replace(r"^(\d+)\.0+$", "${1}")
    # Pad digits only: a stray "abc" is reported as written, not as "0abc".
    padded = pl.when(text.str.contains(r"^\d+$")).then(text.str.zfill(width)).otherwise(text)
    return pl.DataFrame({"code": s}).select(padded.alias("code"))["code"]


def _as_series(codes: pl.Series | Sequence[int | str | None]) -> pl.Series:
    if isinstance(codes, pl.Series):
        return codes
    return pl.Series("code", list(codes), strict=False)


def _counts(s: pl.Series) -> list[tuple[str, int]]:
    counted = s.value_counts(name="n").sort("code")
    return list(zip(counted["code"].to_list(), counted["n"].to_list(), strict=True))


def _rows(n: int) -> str:
    return f"{n} row" if n == 1 else f"{n} rows"


def county_of(
    codes: pl.Series | Sequence[int | str | None],
    *,
    year: int,
    level: Literal["kommune", "fylke"] = "kommune",
    borders: int | Literal["round"] = 2024,
) -> pl.Series:
    """The Oslofjord county key of every code: ``akershus``, ``oslo``, ``buskerud``,
    ``vestfold``, ``ostfold``, or ``utenfor`` for a valid code elsewhere in Norway.

    Parameters
    ----------
    codes : polars.Series or sequence
        Municipality (``level="kommune"``) or county (``level="fylke"``) codes valid in
        ``year``, as ints (``101``), floats from SPSS (``101.0``) or strings (``"0101"``).
        Nulls stay null (a missing answer is the caller's to count, not a place).
    year : int
        The year the codes are valid in (the definition's ``code_year``); 2015–2026.
    level : {"kommune", "fylke"}
        What the codes are.
    borders : 2024 or "round"
        ``2024``: the municipality's county in 2024 (comparable over rounds). ``"round"``: its
        county in ``year`` (before 2020 the old county; 2020–2023 the 2024 county).

    Returns
    -------
    polars.Series
        String series named ``county``, same length and order as ``codes``.

    Raises
    ------
    GeographyError
        Codes not valid in ``year`` (listed with their counts and the years they are valid
        in), Viken (30) or Vestfold og Telemark (38) at ``level="fylke"``, a year before 2015.

    Examples
    --------
    >>> county_of([101, "0121", 301, 1201], year=2018, borders="round").to_list()
    ['ostfold', 'ostfold', 'oslo', 'utenfor']
    >>> county_of(["0121"], year=2018).to_list()
    ['akershus']
    >>> county_of([3025, 3001], year=2022).to_list()
    ['akershus', 'ostfold']
    """
    if level not in ("kommune", "fylke"):
        raise GeographyError(f'level must be "kommune" or "fylke", got {level!r}.')
    if borders != 2024 and borders != "round":
        raise GeographyError(f'borders must be 2024 or "round", got {borders!r}.')
    version = klass_version(year)
    raw = _as_series(codes)
    width = 4 if level == "kommune" else 2
    code = _normalise(raw, width, level)
    if level == "kommune":
        mapping = _kommune_map(version, borders)
        known = code.is_in(list(mapping))
        _raise_unknown(code.filter(code.is_not_null() & ~known), year, version, level, code)
        return code.replace_strict(mapping, default=None, return_dtype=pl.String).alias("county")
    valid = _fylke_codes(version) - {"99"}
    known = code.is_in(sorted(valid))
    _raise_unknown(code.filter(code.is_not_null() & ~known), year, version, level, code)
    split = code.filter(code.is_in(list(_UNSPLITTABLE)))
    if split.len():
        listed = "; ".join(f"{c} {_UNSPLITTABLE[c]} ({_rows(n)})" for c, n in _counts(split))
        raise GeographyError(
            f"county codes of {year} cannot be split into the old counties: {listed}. A municipality "
            "code is needed to tell Østfold, Akershus and Buskerud (or Vestfold) apart: map the "
            "respondent's kommune instead of fylke in the definition's [respondent]."
        )
    mapping = {f: _FYLKE_TO_COUNTY.get(f, OUTSIDE) for f in valid}
    return code.replace_strict(mapping, default=None, return_dtype=pl.String).alias("county")


def _fitting_years(codes: pl.Series, level: str) -> str | None:
    """The Klass version years in which every one of ``codes`` is valid, e.g. "2020–2023"."""
    column = "code" if level == "kommune" else "fylke"
    wanted = codes.drop_nulls().unique()
    fits = [
        v
        for v in _versions()
        if wanted.is_in(_tables().filter(pl.col("version") == v)[column].unique().to_list()).all()
    ]
    if not fits:
        return None
    end = next((v - 1 for v in _versions() if v > max(fits)), 2026)
    return f"{min(fits)}–{end}"


def _raise_unknown(
    unknown: pl.Series, year: int, version: int, level: str, codes: pl.Series | None = None
) -> None:
    if not unknown.len():
        return
    fits = _fitting_years(codes, level) if codes is not None else None
    hint = f" All the codes are valid in {fits}: is code_year {year} right?" if fits else ""
    parts = []
    for code, n in _counts(unknown):
        if level == "kommune":
            span = _years_valid(code)
            if code == _NOT_STATED:
                why = "«Uoppgitt», not a place"
            elif span is None:
                why = f"not a kommune code in any year {_FIRST_YEAR}–2024"
                if len(code.lstrip("0")) <= 2:
                    why += "; a county code? then the definition names the variable as `fylke`, not `kommune`"
            else:
                why = f"valid {span[0]}–{span[1]}"
        else:
            span = _years_valid(code, "fylke")
            why = f"valid {span[0]}–{span[1]}" if span else "not a county code in any year"
        parts.append(f"{code} ({_rows(n)}; {why})")
    raise GeographyError(
        f"{level} codes not valid in {year} (SSB Klass 131, version {version}): {', '.join(parts)}."
        f"{hint} Every respondent must be placed: correct the codes in the data, or set code_year in the "
        "round definition to the year the codes are from."
    )


def kommune_name(code: int | str, year: int) -> str:
    """The name of a municipality code valid in ``year``.

    Examples
    --------
    >>> kommune_name(101, 2018), kommune_name("3025", 2022)
    ('Halden', 'Asker')
    """
    version = klass_version(year)
    normalised = _normalise(pl.Series("code", [code]), 4, "kommune")[0]
    hit = _tables().filter((pl.col("version") == version) & (pl.col("code") == normalised))
    if hit.is_empty():
        _raise_unknown(pl.Series("code", [normalised]), year, version, "kommune")
    return str(hit["name"][0])
