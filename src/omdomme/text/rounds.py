"""What the terminal shows for ``omdomme compare``: the changes between two rounds (in English).

Floor 6 (text): formats a :class:`omdomme.analysis.rounds.RoundComparison`; computes nothing.
Numbers come from :mod:`omdomme.labels` (English forms: ``45.3%``, ``−2.8 pp``, ``6,480``).
"""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal
from typing import TYPE_CHECKING, Any

import polars as pl

from omdomme.labels import NBSP, SURVEYS, fmt_number, fmt_pct, fmt_pp, target_label
from omdomme.labels import TARGET_ORDER as _TARGET_ORDER

if TYPE_CHECKING:
    from omdomme.analysis.rounds import RoundComparison


def fmt_estimate(value: float | None, kind: str, *, signed: bool = False, unit: bool = True) -> str:
    """A number of ``kind`` for the terminal: shares in percent (points when ``signed``), large
    totals in millions (``m``) or billions (``bn``), others to 3 significant digits; ``–`` for none.

    Examples
    --------
    >>> fmt_estimate(0.4525, "share"), fmt_estimate(-0.021, "share", signed=True)
    ('45.3%', '−2.1\\xa0pp')
    >>> fmt_estimate(1_692_715_525.0, "total"), fmt_estimate(6480.2, "ratio", signed=True)
    ('1.69\\xa0bn', '+6,480')
    """
    if value is None or value != value:
        return "–"
    if kind == "share":
        if not unit:
            return fmt_number(value, 1, lang="en", sign=signed, scale=2)
        return fmt_pp(value, lang="en") if signed else fmt_pct(value, lang="en")
    size = abs(value)
    if size >= 1e9:
        return fmt_number(value, 2, lang="en", sign=signed, scale=-9) + f"{NBSP}bn"
    if size >= 1e6:
        return fmt_number(value, 1, lang="en", sign=signed, scale=-6) + f"{NBSP}m"
    if size >= 1000:
        return fmt_number(value, 0, lang="en", sign=signed)
    digits = 0 if value == 0 else Decimal(repr(float(value))).adjusted()
    return fmt_number(value, max(0, 2 - digits), lang="en", sign=signed)


def _fmt_value(value: float | None, kind: str) -> str:
    return fmt_estimate(value, kind)


def _fmt_change(value: float | None, kind: str) -> str:
    return fmt_estimate(value, kind, signed=True)


def arrow(row: Mapping[str, Any]) -> str:
    """``↑``/``↓`` for an adjusted-significant change (``↓`` when it fell), ``!`` for a break,
    else blank; a ``✓``/``✗`` after the arrow says whether the move was for the better."""
    if not row.get("comparable", True):
        return "!"
    if not row.get("significant"):
        return ""
    up = (row.get("difference") or 0) > 0
    good = up == (row.get("better") == "higher")
    return ("↑" if up else "↓") + (" ✓" if good else " ✗")


def comparison_summary(result: RoundComparison) -> str:
    """Plain-text summary of a round comparison, Østfold first.

    Shows every indicator × county of the ``alle`` domain (or an indicator's only domain),
    then the significant changes of the other domains; arrows only for changes that are
    significant after Holm's adjustment.

    Examples
    --------
    >>> print(comparison_summary(compare_rounds(2016, 2018, root="demo")))  # doctest: +SKIP
    """
    t = result.table
    lines = [
        f"Change {result.round_b} → {result.round_a} (independent samples, 95 % CI; "
        "↑/↓ = significant after Holm adjustment, ✓ better / ✗ worse, ! = series break)"
    ]
    for survey in SURVEYS:
        part = t.filter(pl.col("survey") == survey)
        if part.is_empty():
            continue
        # One domain per indicator keeps the summary readable: `alle` where it exists.
        first_domain = part.group_by("indicator", maintain_order=True).agg(
            pl.when((pl.col("domain") == "alle").any())
            .then(pl.lit("alle"))
            .otherwise(pl.col("domain").first())
            .alias("shown_domain")
        )
        part = part.join(first_domain, on="indicator", maintain_order="left")
        shown = part.filter(pl.col("domain") == pl.col("shown_domain"))
        lines.append("")
        lines.append(
            f"{survey}: {part.height} comparisons, "
            f"{int(part['significant'].sum())} significant after Holm, "
            f"{int((~part['comparable']).sum())} series breaks"
        )
        targets = sorted(
            shown["target_a"].unique().to_list(), key=lambda k: _TARGET_ORDER.get(k, 99)
        )
        width = max(22, *(len(i) + 1 for i in shown["indicator"].to_list()))
        for target in targets:
            rows = shown.filter(pl.col("target_a") == target)
            lines.append(f"  {target_label(target)}")
            lines += [_change_line(row, width) for row in rows.iter_rows(named=True)]
        hidden = part.filter(pl.col("significant"), pl.col("domain") != pl.col("shown_domain"))
        if hidden.height:
            lines.append("  Significant in other domains:")
            hidden = hidden.sort(
                pl.col("target_a").replace_strict(_TARGET_ORDER, default=99), maintain_order=True
            )
            for row in hidden.iter_rows(named=True):
                label = target_label(row["target_a"])
                lines.append(_change_line(row, width, prefix=f"{label}: "))
        breaks = part.filter(~pl.col("comparable")).unique(
            ["indicator", "break_reason"], maintain_order=True
        )
        for row in breaks.iter_rows(named=True):
            lines.append(f"  ! {row['indicator']}: series break: {row['break_reason']}")
    if result.path is not None:
        lines.append("")
        lines.append(f"Full table: {result.path / 'comparisons.csv'}")
    return "\n".join(lines)


def _change_line(row: Mapping[str, Any], width: int, prefix: str = "") -> str:
    kind = row["kind"]
    return (
        f"    {prefix}{row['indicator']:<{width}} {row['domain']:<9}"
        f" {_fmt_value(row['estimate_b'], kind):>9} → {_fmt_value(row['estimate_a'], kind):>9}"
        f"  {_fmt_change(row['difference'], kind):>9}"
        f"  [{_fmt_change(row['ci_low'], kind)}; {_fmt_change(row['ci_high'], kind)}]"
        f"  {arrow(row)}"
    ).rstrip()
