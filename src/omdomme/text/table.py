"""`omdomme table`: one indicator as a crosstab of the counties by a breakdown's levels, for a quick look.

Reads ``analyses/<round>/`` (the breakdown rows included), never re-estimates. Each cell is the
estimate's ``display`` as the analysis wrote it (Norwegian format; ``:`` when suppressed), ``*``
when flagged, then the compact letters of the column: counties in one column that share a letter
do not differ (all pairs, Holm-adjusted within the domain; «a» is the best).

Example
-------
>>> print(crosstab_text(2018, "svaert_godt", "kjonn", root="."))     # doctest: +SKIP
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import polars as pl

from omdomme.errors import UsageError
from omdomme.results.read import load_round

COUNTY_ORDER = ("akershus", "oslo", "buskerud", "vestfold", "ostfold")


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


def crosstab(round: int, indicator: str, by: str, root: str | Path = ".") -> Crosstab:
    """The crosstab of ``indicator`` by breakdown ``by`` from ``analyses/<round>/``.

    Raises
    ------
    UsageError
        The round is not analysed, or it has no such indicator or breakdown (the message lists
        those it has).
    """
    results = load_round(round, root, tables=True)
    est = results.estimates.filter(pl.col("survey") == "omdomme")
    indicators = est["indicator"].unique(maintain_order=True).to_list() if est.height else []
    if indicator not in indicators:
        raise UsageError(
            f"analyses/{round} has no reputation indicator `{indicator}`; it has: {', '.join(indicators) or 'none'}. "
            f"Use one of those with --indicator."
        )
    rows = est.filter(pl.col("indicator") == indicator)
    if "breakdown" not in rows.columns:
        raise UsageError(f"analyses/{round} was written before breakdowns existed; run `omdomme analyse {round}` again.")
    breakdowns = rows["breakdown"].drop_nulls().unique(maintain_order=True).to_list()
    if by not in breakdowns:
        raise UsageError(
            f"analyses/{round}: indicator `{indicator}` has no breakdown `{by}`; it has: "
            f"{', '.join(breakdowns) or 'none'} ([breakdowns] in surveys/{round}/omdomme.toml)."
        )
    if rows["category"].drop_nulls().len():
        raise UsageError(f"`{indicator}` is a whole scale (one row per code); `omdomme table` shows one number "
                         f"per cell: choose a share, mean or net indicator.")
    parts = rows.filter(pl.col("breakdown") == by)
    within = _within(results.manifest, by)
    whole = rows.filter(pl.col("breakdown").is_null() & (pl.col("domain") == within))
    columns: list[tuple[str, str]] = []
    if whole.height:
        columns.append((within, str(whole["domain_label"][0])))
    label_of = str(parts["domain_label"][0]).split(": ")[0] if parts.height else by
    for domain, dlabel in parts.select("domain", "domain_label").unique(maintain_order=True).iter_rows():
        columns.append((domain, dlabel.split(": ", 1)[1] if ": " in dlabel else dlabel))
    cells = pl.concat([whole, parts]) if whole.height else parts
    lookup = {(r["domain"], r["target"]): r for r in cells.iter_rows(named=True)}
    table_rows = []
    for target in COUNTY_ORDER:
        name = next((r["target_label"] for (d, t), r in lookup.items() if t == target), None)
        if name is None:
            continue
        table_rows.append((name, tuple(_cell(lookup.get((d, target))) for d, _ in columns)))
    synthetic = bool(results.manifest.get("surveys", {}).get("omdomme", {}).get("parameters", {}).get("synthetic"))
    return Crosstab(int(round), indicator, str(rows["label"][0]), by, label_of, tuple(columns), tuple(table_rows),
                    synthetic)


def _within(manifest: dict, by: str) -> str:
    entry = manifest.get("surveys", {}).get("omdomme", {}).get("parameters", {}).get("breakdowns", {}).get(by, {})
    return str(entry.get("within", "alle"))


def _cell(row: dict | None) -> str:
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
    lines = [title, "", line(head), *(line(r) for r in body), "",
             "Bokstaver: fylker i samme kolonne med en felles bokstav er ikke sikkert forskjellige "
             "(alle par, Holm-justert p ≥ 0,05); «a» er best.",
             "* = merket (se note i estimates), : = undertrykt (for usikkert eller for få svar)."]
    return "\n".join(lines)
