"""Population margins of the five Oslofjord counties for raking, from SSB table 07459.

Source: Statistisk sentralbyrå (SSB), table 07459 «Befolkning, etter region, kjønn, alder
og år» (population 1 January), as downloaded by the Norwegian Institute of Public Health
into niphr/csdata and sykdomspulsen-org/spldata; shipped as
``omdomme/data/oslofjord_pop_by_fylke2024_sex_age_2015_2024.csv`` (counties in their 2024
borders, single year of age 0–105+, 2015–2024). Licence NLOD 2.0 / CC BY 4.0.

Three gaps in the table are filled, each stated in :func:`population_notes`:

- **Sex before 2020.** The table has ``sex = total`` only for 2015–2019. Each county × single
  year of age total is split by the sex shares of the same county × age in 2020 (where that
  cell is empty in 2020, by the county's overall 2020 sex share).
- **Vestfold 2015–2016.** Sandefjord, Andebu and Stokke are missing (``complete = false``;
  their codes were replaced by the new Sandefjord in 2017 and the source never mapped them).
  omdomme uses Vestfold's 2017 counts (the first complete year) for 2015 and 2016. Vestfold
  grew by 0.8–1.0 % a year from 2017 to 2024, so this overstates Vestfold 2015 by roughly
  1–2 % and its share of the five counties by about 0.2 points.
- **2025–2026.** Not in the table yet; the 2024 counts are used.
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import cache
from pathlib import Path

import polars as pl

from omdomme.errors import WeightingError

__all__ = ["population_margins", "population_notes"]

_FILE = "oslofjord_pop_by_fylke2024_sex_age_2015_2024.csv"
_SOURCE = "SSB tabell 07459 (befolkning 1. januar), fylker i 2024-grenser"
_FYLKE_2024 = {"32": "akershus", "03": "oslo", "33": "buskerud", "39": "vestfold", "31": "ostfold"}
_COUNTY_ORDER = ("akershus", "oslo", "buskerud", "vestfold", "ostfold")
_SEX = {"male": "mann", "female": "kvinne"}
_FIRST_YEAR, _LAST_YEAR = 2015, 2024
_SEX_FROM = 2020
_VESTFOLD_COMPLETE_FROM = 2017
_MAX_AGE = 105  # SSB's last age class is «105 år eller eldre»
_BY = ("county", "sex", "age_group")


@cache
def _table() -> pl.DataFrame:
    # One read per process; the five counties only (Telemark is in the file for Vestfold og Telemark).
    raw = pl.read_csv(Path(__file__).parent / "data" / _FILE, schema_overrides={"fylke_2024": pl.String})
    return raw.filter(pl.col("fylke_2024").is_in(list(_FYLKE_2024))).select(
        "year",
        pl.col("fylke_2024").replace_strict(_FYLKE_2024).alias("county"),
        "sex",
        "age",
        pl.col("persons").cast(pl.Float64),
    )


def _data_year(year: int) -> int:
    if year < _FIRST_YEAR:
        raise WeightingError(
            f"no population figures for {year} in {_FILE} (it covers {_FIRST_YEAR}–{_LAST_YEAR}); "
            f"set population_year in the round's [weighting] to {_FIRST_YEAR} or later"
        )
    return min(year, _LAST_YEAR)


def population_notes(year: int) -> tuple[str, ...]:
    """The notes that go with :func:`population_margins` for ``year``: source and filled gaps.

    Parameters
    ----------
    year : int
        The population year asked for.

    Returns
    -------
    tuple of str
        Norwegian-language notes, the source first; meant for diagnostics and report method notes.

    Examples
    --------
    >>> population_notes(2024)
    ('Kilde: SSB tabell 07459 (befolkning 1. januar), fylker i 2024-grenser, 2024.',)
    >>> len(population_notes(2016))
    3
    """
    used = _data_year(year)
    notes = [f"Kilde: {_SOURCE}, {used}."]
    if year > _LAST_YEAR:
        notes.append(f"Befolkningstall for {year} finnes ikke i tabellen; tallene for {_LAST_YEAR} er brukt.")
    if used < _SEX_FROM:
        notes.append(
            f"Kjønnsfordeling finnes først fra {_SEX_FROM}: tallene for {used} er fordelt på kjønn "
            f"etter andelene per fylke og ettårig alder i {_SEX_FROM}."
        )
    if used < _VESTFOLD_COMPLETE_FROM:
        notes.append(
            f"Vestfold {used} mangler Sandefjord, Andebu og Stokke i kilden; "
            f"Vestfolds tall for {_VESTFOLD_COMPLETE_FROM} er brukt."
        )
    return tuple(notes)


def _by_sex(year: int) -> pl.DataFrame:
    """County × sex × single age for ``year`` (a year with data), gaps filled as documented."""
    table = _table()
    if year >= _SEX_FROM:
        return table.filter(pl.col("year") == year, pl.col("sex") != "total").drop("year")
    totals = table.filter(pl.col("year") == year, pl.col("sex") == "total")
    if year < _VESTFOLD_COMPLETE_FROM:
        vestfold = table.filter(
            pl.col("year") == _VESTFOLD_COMPLETE_FROM, pl.col("sex") == "total", pl.col("county") == "vestfold"
        )
        totals = pl.concat([totals.filter(pl.col("county") != "vestfold"), vestfold])
    ref = table.filter(pl.col("year") == _SEX_FROM, pl.col("sex") != "total")
    # Share of each sex in county × age in 2020; empty cells fall back to the county's share.
    shares = ref.with_columns(
        (pl.col("persons") / pl.col("persons").sum().over("county", "age")).alias("share"),
        (
            pl.col("persons").sum().over("county", "sex") / pl.col("persons").sum().over("county")
        ).alias("county_share"),
    ).select("county", "sex", "age", pl.col("share").fill_nan(pl.col("county_share")))
    return (
        totals.drop("year", "sex")
        .join(shares, on=["county", "age"], how="inner", validate="1:m")
        .select("county", "sex", "age", (pl.col("persons") * pl.col("share")).alias("persons"))
    )


def _check_age_groups(age_groups: Sequence[tuple[int, int]]) -> list[tuple[int, int]]:
    groups = [(int(lo), int(hi)) for lo, hi in age_groups]
    if not groups:
        raise WeightingError("age_groups is empty; give e.g. [[18, 29], [30, 44], [45, 59], [60, 105]]")
    for lo, hi in groups:
        if lo < 0 or hi < lo:
            raise WeightingError(f"age group [{lo}, {hi}] is not an interval of ages; write it as [low, high] with 0 <= low <= high")
    ordered = sorted(groups)
    for (lo1, hi1), (lo2, hi2) in zip(ordered, ordered[1:], strict=False):
        if lo2 <= hi1:
            raise WeightingError(f"age groups [{lo1}, {hi1}] and [{lo2}, {hi2}] overlap; make them disjoint")
    return groups


def age_group_labels(age_groups: Sequence[tuple[int, int]]) -> list[str]:
    """Labels of age groups as used in the ``age_group`` column: ``"18-29"``.

    Examples
    --------
    >>> age_group_labels([(18, 29), (30, 105)])
    ['18-29', '30-105']
    """
    return [f"{lo}-{hi}" for lo, hi in _check_age_groups(age_groups)]


def population_margins(
    year: int,
    *,
    age_groups: Sequence[tuple[int, int]],
    borders: int = 2024,
    by: Sequence[str] = _BY,
) -> pl.DataFrame:
    """Population 1 January of the five Oslofjord counties by county × sex × age group.

    Parameters
    ----------
    year : int
        Population year (2015 or later; years after 2024 use 2024).
    age_groups : sequence of (int, int)
        Inclusive age intervals, e.g. ``[(18, 29), (30, 44), (45, 59), (60, 105)]``; ages
        outside every group are left out. Age 105 stands for 105 years or older.
    borders : int
        County borders; only ``2024`` (the borders of the source table) is available.
    by : sequence of str
        Which of ``county``, ``sex``, ``age_group`` to keep (the others are summed over).

    Returns
    -------
    polars.DataFrame
        The ``by`` columns (strings: county keys ``akershus``…``ostfold``, sex ``mann`` /
        ``kvinne``, age group labels ``"18-29"``) and ``persons`` (float: the pre-2020 sex
        split makes fractional counts). Rows in county, sex (mann first), age-group order.
        The notes that go with the figures come from :func:`population_notes`.

    Raises
    ------
    WeightingError
        A year before 2015, borders other than 2024, an unknown ``by`` column, or age
        groups that overlap or are not intervals.

    Examples
    --------
    >>> m = population_margins(2024, age_groups=[(0, 105)], by=["county"])
    >>> m.filter(pl.col("county") == "oslo")["persons"].item()
    717710.0
    """
    if borders != 2024:
        raise WeightingError(
            f"population margins are available in 2024 county borders only (borders={borders!r} asked); "
            "use borders=2024 and place respondents with county_of(..., borders=2024)"
        )
    unknown = [b for b in by if b not in _BY]
    if unknown or len(set(by)) != len(by):
        raise WeightingError(f"by={list(by)!r}: each entry must be one of {list(_BY)}, without repeats")
    groups = _check_age_groups(age_groups)
    labels = [f"{lo}-{hi}" for lo, hi in groups]
    # Age 105 is the open class «105+»: a group whose upper end reaches it takes it.
    lows = pl.Series([lo for lo, _ in groups])
    highs = pl.Series([_MAX_AGE if hi >= _MAX_AGE else hi for _, hi in groups])
    ages = pl.DataFrame({"age": range(_MAX_AGE + 1)})
    group_of_age = ages.join(
        pl.DataFrame({"age_group": labels, "lo": lows, "hi": highs}), how="cross"
    ).filter(pl.col("age").is_between(pl.col("lo"), pl.col("hi")))
    detailed = _by_sex(_data_year(year)).join(group_of_age.select("age", "age_group"), on="age", how="inner")
    order = {
        "county": pl.Enum(list(_COUNTY_ORDER)),
        "sex": pl.Enum(["mann", "kvinne"]),
        "age_group": pl.Enum(labels),
    }
    keys = list(by)
    out = (
        detailed.with_columns(pl.col("sex").replace_strict(_SEX))
        .group_by(keys)
        .agg(pl.col("persons").sum())
        .with_columns(pl.col(k).cast(order[k]) for k in keys)
        .sort(keys)
        .with_columns(pl.col(k).cast(pl.String) for k in keys)
    )
    return out.select(*keys, "persons")
