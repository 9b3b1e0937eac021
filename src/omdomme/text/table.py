"""`omdomme table`: one indicator as a crosstab of the counties by a breakdown's levels, for a quick look.

Reads ``analyses/<round>/`` (the breakdown rows included), never re-estimates; the crosstab itself
is :func:`omdomme.results.crosstab.crosstab_cells` (the workbook's crosstab sheets are the same).
Each cell is the estimate's ``display`` as the analysis wrote it (Norwegian format; ``:`` when
suppressed), ``*`` when flagged, then the compact letters of the column: counties in one column
that share a letter do not differ (all pairs, Holm-adjusted within the domain; «a» is the best).
An innovation indicator adds Norway as the last row and has no letters; ``:`` is also a cell the
disclosure rules withhold.

Example
-------
>>> print(crosstab_text(2018, "svaert_godt", "kjonn", root="."))     # doctest: +SKIP
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import polars as pl

from omdomme.results.crosstab import COUNTY_ORDER, crosstab_cells
from omdomme.results.read import load_round

__all__ = ["COUNTY_ORDER", "Crosstab", "crosstab", "crosstab_text"]


@dataclass(frozen=True)
class Crosstab:
    """One indicator, counties × the levels of a breakdown (and the domain they split)."""

    round: int
    indicator: str
    label: str
    breakdown: str
    breakdown_label: str
    columns: tuple[tuple[str, str], ...]  # (domain id, column heading)
    rows: tuple[tuple[str, tuple[str, ...]], ...]  # (county name, cells)
    synthetic: bool
    survey: str = "omdomme"


def crosstab(round: int, indicator: str, by: str, root: str | Path = ".") -> Crosstab:
    """The crosstab of ``indicator`` by breakdown ``by`` from ``analyses/<round>/``.

    Raises
    ------
    UsageError
        The round is not analysed, or it has no such indicator or breakdown (the message lists
        those it has).
    """
    results = load_round(round, root, tables=True)
    est = results.estimates
    # An innovation indicator (by næring, size class, …) when the reputation survey has none of that id.
    innovation = est.height > 0 and est.filter((pl.col("survey") == "innovasjon")
                                               & (pl.col("indicator") == indicator)).height > 0
    survey = "innovasjon" if innovation and not est.filter((pl.col("survey") == "omdomme")
                                                           & (pl.col("indicator") == indicator)).height else "omdomme"
    t = crosstab_cells(est, results.manifest, indicator, by, round, survey)
    synthetic = bool(results.manifest.get("surveys", {}).get(survey, {}).get("parameters", {}).get("synthetic"))
    return Crosstab(int(round), indicator, t.label, by, t.breakdown_label,
                    tuple((d, h) for d, h, _ in t.columns),
                    tuple((name, tuple(_cell(c) for c in cells)) for _, name, cells in t.rows), synthetic, survey)


def _cell(row: dict[str, Any] | None) -> str:
    if row is None:
        return ""
    text = str(row["display"] or ":")
    if row["flag"] == "flagged":
        text += "*"
    letters = row.get("letters")
    if letters and row["flag"] != "suppressed":
        text += f" {letters}"
    return text


def crosstab_text(round: int, indicator: str, by: str, root: str | Path = ".") -> str:
    """:func:`crosstab` as aligned plain text with its legend."""
    t = crosstab(round, indicator, by, root)
    head = ["", *[h for _, h in t.columns]]
    body = [[name, *cells] for name, cells in t.rows]
    widths = [max(len(r[i]) for r in [head, *body]) for i in range(len(head))]

    def line(cells: list[str]) -> str:
        return "  ".join(c.ljust(w) if i == 0 else c.rjust(w) for i, (c, w) in enumerate(zip(cells, widths, strict=True))).rstrip()

    title = f"{t.label} [{t.indicator}] etter {t.breakdown_label.lower()} [{t.breakdown}], runde {t.round}"
    if t.synthetic:
        title += " (SYNTETISKE DATA)"
    if t.survey == "innovasjon":  # no letters: the firm survey's tables have no all-pairs tests yet
        legend = ["* = merket (se note i estimates), : = undertrykt (for få foretak, ett eller to foretak "
                  "dominerer, for usikkert, eller sekundært undertrykt så cellen ikke kan regnes ut)."]
    else:
        legend = ["Bokstaver: fylker i samme kolonne med en felles bokstav er ikke sikkert forskjellige "
                  "(alle par, Holm-justert p ≥ 0,05); «a» er best.",
                  "* = merket (se note i estimates), : = undertrykt (for usikkert eller for få svar)."]
    lines = [title, "", line(head), *(line(r) for r in body), "", *legend]
    return "\n".join(lines)
