"""What the terminal shows for ``omdomme trend``: series, slopes, the gap to Akershus, goal status.

Floor 6 (text): formats a :class:`omdomme.analysis.trend.Trend`; computes nothing.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

import polars as pl

from omdomme.labels import TARGET_ORDER as _TARGET_ORDER

if TYPE_CHECKING:
    from omdomme.analysis.trend import Trend
from omdomme.labels import NBSP, fmt_number, target_label
from omdomme.text.rounds import fmt_estimate


def _pct(v: float | None, kind: str, signed: bool = False) -> str:
    return fmt_estimate(v, kind, signed=signed, unit=False)


def trend_summary(result: Trend) -> str:
    """Plain-text summary: levels by round (domain ``alle``), trends, Østfold's gap, goals.

    Shares are in percent, slopes in percentage points per round; an arrow marks a trend
    significant at 5 % (``↑``/``↓`` with ``✓`` for the better direction, ``✗`` for worse).

    Examples
    --------
    >>> print(trend_summary(trend(root="demo")))   # doctest: +SKIP
    """
    t, s = result.table, result.slopes
    lines = [
        f"Trend over analysed rounds {', '.join(map(str, result.rounds))} "
        "(shares in %, slope per round with 95 % CI; WLS weighted by 1/se²)"
    ]
    for survey in result.surveys:
        part = t.filter(pl.col("survey") == survey)
        if part.is_empty():
            continue
        rounds = sorted(part["round"].unique().to_list())
        shown_domain = part.group_by("indicator", maintain_order=True).agg(
            pl.when((pl.col("domain") == "alle").any())
            .then(pl.lit("alle"))
            .otherwise(pl.col("domain").first())
            .alias("__d")
        )
        part = part.join(shown_domain, on="indicator").filter(pl.col("domain") == pl.col("__d"))
        lines += ["", f"{survey}"]
        # Column widths from what is shown: long indicator ids and totals in NOK must fit.
        iw = max(22, *(len(i) + 1 for i in part["indicator"].to_list()))
        shown = [_pct(v, k) for v, k in zip(part["estimate"], part["kind"], strict=True)] + [
            _pct(v, k, True)
            for v, k in zip(part["gap_akershus"], part["kind"], strict=True)
            if v is not None
        ]
        cw = max(7, *(len(c) + 1 for c in shown))
        header = f"  {'indicator':<{iw}}{'county':<10}" + "".join(f"{r:>{cw}}" for r in rounds)
        lines.append(header + "   slope/round [95 % CI]")
        last = (
            s.filter(pl.col("survey") == survey, pl.col("series") == "level")
            .sort("segment")
            .group_by(["indicator", "target", "domain"], maintain_order=True)
            .last()
        )
        for indicator in part["indicator"].unique(maintain_order=True).to_list():
            rows = part.filter(pl.col("indicator") == indicator)
            targets = sorted(
                rows["target"].unique().to_list(), key=lambda k: _TARGET_ORDER.get(k, 99)
            )
            for target in targets:
                r = rows.filter(pl.col("target") == target)
                kind = r["kind"][0]
                by_round = dict(zip(r["round"].to_list(), r["estimate"].to_list(), strict=True))
                flags = r["flag"].to_list() if "flag" in r.columns else [None] * r.height
                # A suppressed estimate is never printed: «:», as in the report and the workbook.
                hidden = {x for x, f in zip(r["round"].to_list(), flags, strict=True) if f == "suppressed"}
                cells = "".join(
                    f"{(':' if x in hidden else _pct(by_round.get(x), kind)):>{cw}}" for x in rounds
                )
                fit = last.filter(
                    pl.col("indicator") == indicator,
                    pl.col("target") == target,
                    pl.col("domain") == r["domain"][0],
                )
                lines.append(
                    f"  {indicator:<{iw}}{target_label(target):<10}{cells}   "
                    + _slope_text(fit.row(0, named=True) if fit.height else None, kind)
                )
        breaks = part.filter(pl.col("break_reason").is_not_null()).unique(
            ["indicator", "round"], maintain_order=True
        )
        for row in breaks.iter_rows(named=True):
            lines.append(
                f"  ! {row['indicator']}: series break before {row['round']}: "
                f"{row['break_reason']} (trend fitted from {row['round']} on)"
            )
        # Significant trends in the domains the table above does not show.
        other = last.join(
            shown_domain.rename({"__d": "__shown"}), on="indicator", how="inner"
        ).filter(pl.col("significant"), pl.col("domain") != pl.col("__shown"))
        if other.height:
            lines.append("  Significant trends in other domains:")
            other = other.sort(
                pl.col("target").replace_strict(_TARGET_ORDER, default=99), maintain_order=True
            )
            for row in other.iter_rows(named=True):
                label = target_label(row["target"])
                lines.append(
                    f"    {label}: {row['indicator']} {row['domain']}: "
                    + _slope_text(row, row["kind"])
                )
        gap_lines = _gap_lines(part, result.goals, survey, rounds, (iw, cw))
        lines += gap_lines
        goals = result.goals.filter(pl.col("survey") == survey, pl.col("goal_id") == "doubling")
        if goals.height:
            lines.append(
                "  Goal: " + goals["goal"][0] + f" — status in {goals['round_latest'][0]}:"
            )
            for row in goals.sort(
                pl.col("target").replace_strict(_TARGET_ORDER, default=99)
            ).iter_rows(named=True):
                lines.append(
                    f"    {target_label(row['target']):<10}"
                    f" ratio {fmt_number(row['observed'], 2, lang='en')} "
                    f"[{fmt_number(row['observed_ci_low'], 2, lang='en')}; "
                    f"{fmt_number(row['observed_ci_high'], 2, lang='en')}]  {row['status']}"
                )
    if result.path is not None:
        lines += ["", f"Tables: {result.path}/ (trend, slopes, goals: .parquet and .csv)"]
    return "\n".join(lines)


def _slope_text(fit: Mapping[str, Any] | None, kind: str) -> str:
    if fit is None or fit["slope_per_round"] is None:
        return "too few comparable rounds"
    unit = f"{NBSP}pp" if kind == "share" else ""
    mark = ""
    if fit["significant"]:
        mark = ("  ↑" if fit["slope_per_round"] > 0 else "  ↓") + (
            " ✓" if fit["direction"] == "improving" else " ✗"
        )
    return (
        f"{_pct(fit['slope_per_round'], kind, True)}{unit} "
        f"[{_pct(fit['ci_low_per_round'], kind, True)}; "
        f"{_pct(fit['ci_high_per_round'], kind, True)}]{mark}"
    )


def _gap_lines(
    part: pl.DataFrame,
    goals: pl.DataFrame,
    survey: str,
    rounds: list[int],
    widths: tuple[int, int],
) -> list[str]:
    withheld = pl.col("gap_withheld") if "gap_withheld" in part.columns else pl.lit(None, pl.String)
    gap = part.filter(pl.col("gap_akershus").is_not_null() | withheld.is_not_null())
    if gap.is_empty():
        return []
    iw, cw = widths
    lines = [
        "  Østfold − Akershus (gap; shares in points), 2026 gap (observed or projected) with 95 % CI and goal status:"
    ]
    for indicator in gap["indicator"].unique(maintain_order=True).to_list():
        g = gap.filter(pl.col("indicator") == indicator)
        kind, domain = g["kind"][0], g["domain"][0]
        by_round = dict(zip(g["round"].to_list(), g["gap_akershus"].to_list(), strict=True))
        # A withheld gap (a suppressed side) shows SSB's «:», as in the report.
        cells = "".join(
            f"{(':' if x in by_round and by_round[x] is None else _pct(by_round.get(x), kind, True)):>{cw}}"
            for x in rounds
        )
        goal = goals.filter(
            pl.col("goal_id") == "gap_akershus",
            pl.col("survey") == survey,
            pl.col("indicator") == indicator,
            pl.col("domain") == domain,
        )
        tail, why = "", ""
        if goal.height:
            row = goal.row(0, named=True)
            # Show the number that decided the status: the observed 2026 gap once 2026 is
            # analysed (and shown), else the trend's projection.
            col = "observed" if row.get("round_observed", row["round_latest"]) == 2026 else "projected_2026"
            how = "observed" if col == "observed" else "projected"
            tail = (
                f"   2026 {how}: {_pct(row[col], kind, True)} "
                f"[{_pct(row[col + '_ci_low'], kind, True)}; "
                f"{_pct(row[col + '_ci_high'], kind, True)}] {row['status']}"
            )
            why = row.get("status_reason") or ""
        lines.append(f"  {indicator:<{iw}}{'gap':<10}{cells}{tail}")
        if why:
            lines.append(f"  {'':<{iw}}{'':<10}({why})")
    sources = gap["gap_source"].unique().to_list()
    if any(src.startswith("independent") for src in sources):
        lines.append(
            "  (some gaps use sqrt(se_ø² + se_a²): no paired county comparison in that round)"
        )
    return lines
