"""One indicator as a crosstab: the counties by the levels of a breakdown, from the estimates table.

The one crosstab logic: ``omdomme table`` (:mod:`omdomme.text.table`) prints it, the workbook
(:mod:`omdomme.results.workbook`) writes one sheet per indicator with a block per breakdown.
Each cell is an estimates row (``None`` where the analysis has none); the first column is the
domain the breakdown splits (``within``, default ``alle``), then the levels in the analysis's order.

Example
-------
>>> t = crosstab_cells(results.estimates, results.manifest, "svaert_godt", "kjonn", 2018)   # doctest: +SKIP
>>> [heading for _, heading, _ in t.columns]                                                # doctest: +SKIP
['Alle', 'Mann', 'Kvinne']
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import polars as pl

from omdomme.errors import UsageError
from omdomme.labels import NORGE, label_in

#: The counties' order in a crosstab (as ``omdomme table`` prints them); the innovation survey's
#: Norway comes last.
COUNTY_ORDER = ("akershus", "oslo", "buskerud", "vestfold", "ostfold")
_ROW_ORDER = (*COUNTY_ORDER, NORGE)


@dataclass(frozen=True)
class CrosstabCells:
    """One indicator × one breakdown: the headings and, per county, the estimates rows of its cells."""

    indicator: str
    label: str
    label_en: str | None
    breakdown: str
    breakdown_label: str
    breakdown_label_en: str | None
    columns: tuple[tuple[str, str, str | None], ...]  # (domain id, heading, English heading or None)
    rows: tuple[tuple[str, str, tuple[dict[str, Any] | None, ...]], ...]  # (target, county name, cells)

    def title(self, lang: str = "nb") -> str:
        """The indicator's label in ``lang`` (:func:`omdomme.labels.label_in`)."""
        return label_in(self.label, self.label_en, lang)

    def by(self, lang: str = "nb") -> str:
        """The breakdown's label in ``lang``."""
        return label_in(self.breakdown_label, self.breakdown_label_en, lang)

    def headings(self, lang: str = "nb") -> list[str]:
        """The column headings in ``lang``."""
        return [label_in(nb, en, lang) for _, nb, en in self.columns]


def breakdowns_of(estimates: pl.DataFrame) -> dict[tuple[str, str], list[str]]:
    """(survey, indicator) -> its breakdowns (ids, in order), for indicators shown one number per cell.

    Whole scales (one row per code) have no crosstab.
    """
    if not estimates.height or "breakdown" not in estimates.columns:
        return {}
    rows = estimates.filter(pl.col("breakdown").is_not_null() & pl.col("category").is_null())
    out: dict[tuple[str, str], list[str]] = {}
    for survey, indicator, breakdown in rows.select("survey", "indicator", "breakdown").unique(
            maintain_order=True).iter_rows():
        out.setdefault((survey, indicator), []).append(breakdown)
    return out


def _split(label: str | None) -> tuple[str, str]:
    text = str(label or "")
    head, _, tail = text.partition(": ")
    return (head, tail) if tail else (text, text)


def crosstab_cells(estimates: pl.DataFrame, manifest: dict[str, Any], indicator: str, by: str,
                   round: int, survey: str = "omdomme") -> CrosstabCells:
    """The crosstab of ``indicator`` of ``survey`` by breakdown ``by`` from a round's estimates and manifest.

    Raises
    ------
    UsageError
        The estimates have no such reputation indicator or breakdown (the message lists those
        there are), or the indicator is a whole scale.
    """
    est = estimates.filter(pl.col("survey") == survey) if estimates.height else estimates
    indicators = est["indicator"].unique(maintain_order=True).to_list() if est.height else []
    if indicator not in indicators:
        raise UsageError(
            f"analyses/{round} has no reputation indicator `{indicator}`; it has: {', '.join(indicators) or 'none'}. "
            f"Use one of those with --indicator."
        )
    frame = est.filter(pl.col("indicator") == indicator)
    if "breakdown" not in frame.columns:
        raise UsageError(f"analyses/{round} was written before breakdowns existed; run `omdomme analyse {round}` again.")
    # An indicator has a few dozen rows: the rest is plain Python over them, in the table's order.
    rows = list(frame.iter_rows(named=True))
    breakdowns = list(dict.fromkeys(r["breakdown"] for r in rows if r["breakdown"] is not None))
    if by not in breakdowns:
        raise UsageError(
            f"analyses/{round}: indicator `{indicator}` has no breakdown `{by}`; it has: "
            f"{', '.join(breakdowns) or 'none'} ([breakdowns] in surveys/{round}/{survey}.toml)."
        )
    if any(r.get("category") is not None for r in rows):
        raise UsageError(f"`{indicator}` is a whole scale (one row per code); `omdomme table` shows one number "
                         f"per cell: choose a share, mean or net indicator.")
    english = "domain_label_en" in frame.columns
    parts = [r for r in rows if r["breakdown"] == by]
    within = _within(manifest, by, survey)
    whole = [r for r in rows if r["breakdown"] is None and r["domain"] == within]
    columns: list[tuple[str, str, str | None]] = []
    if whole:
        first = whole[0]
        columns.append((within, str(first["domain_label"]), first.get("domain_label_en") if english else None))
    label_of, label_of_en = (_split(parts[0]["domain_label"])[0], None) if parts else (by, None)
    seen: set[str] = set()
    for r in parts:
        if r["domain"] in seen:
            continue
        seen.add(r["domain"])
        en = r.get("domain_label_en") if english else None
        if en:
            label_of_en = _split(en)[0]
        columns.append((r["domain"], _split(r["domain_label"])[1], _split(en)[1] if en else None))
    lookup = {(r["domain"], r["target"]): r for r in [*whole, *parts]}
    table_rows = []
    for target in _ROW_ORDER:
        name = next((r["target_label"] for (_, t), r in lookup.items() if t == target), None)
        if name is None:
            continue
        table_rows.append((target, str(name), tuple(lookup.get((d, target)) for d, _, _ in columns)))
    first_row = rows[0]
    return CrosstabCells(indicator, str(first_row["label"]), first_row.get("label_en"), by, label_of, label_of_en,
                         tuple(columns), tuple(table_rows))


def _within(manifest: dict[str, Any], by: str, survey: str) -> str:
    entry = manifest.get("surveys", {}).get(survey, {}).get("parameters", {}).get("breakdowns", {}).get(by, {})
    return str(entry.get("within", "alle")) if isinstance(entry, dict) else "alle"
