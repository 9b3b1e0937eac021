"""The ten-second terminal summary of an analysed round (Norwegian, like the reports).

Per indicator (its first domain, normally «alle»): Østfold's estimate with its 95 % interval,
the probability that Østfold ranks third or better, the gap to Akershus with its interval,
and the change since the previous round. An arrow (↑ ↓) appears only where the
Holm-adjusted test says the change is real; otherwise the words «ingen sikker endring».

When the round has the innovation survey, a shorter block follows: per indicator Østfold
and Norway with their intervals and the difference (an arrow only where the Holm-adjusted
test says so; for a total, Østfold's share of Norway's total instead, as a difference of two
totals of very different size says nothing), then the goal: the ratio of Østfold's share to
the baseline round with its interval and the verdict «nådd», «mulig» or «utelukket».

Example
-------
>>> print(summary_text(analyse_round(2018)))          # doctest: +SKIP
Omdømmeundersøkelsen 2018: Østfold blant de fem Oslofjord-fylkene
...
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import polars as pl

from omdomme.results.read import main_estimates

if TYPE_CHECKING:
    from omdomme.analysis.reputation import AnalysisResult

from omdomme.labels import (
    BENCHMARK,
    FOCUS,
    NORGE,
    fmt_bound,
    fmt_number,
    fmt_p,
    fmt_pct,
    fmt_pp,
    fmt_range,
    fmt_unit,
)
from omdomme.labels import display_unit as _display_unit


def _interval(low: float | None, high: float | None, *, sign: bool = False) -> str:
    # Bounds without the unit, as the estimate before them has it: «45,3 % (40,1 til 50,2)».
    return fmt_range(low, high, sign=sign, sep=" til ")


def _p(p: float | None) -> str:
    if p is None:
        return ""
    text = fmt_p(p)
    return f" (justert p {text if text.startswith('<') else '= ' + text})"


def _change_words(row: dict[str, Any]) -> str:
    if row["difference"] is None:
        return ":"
    if row["significant"]:
        up = row["difference"] > 0
        good = up == (row["better"] == "higher")
        return ("↑" if up else "↓") + (" bedre" if good else " dårligere")
    return "ingen sikker endring"


def summary_text(result: AnalysisResult) -> str:
    """A short Norwegian summary of Østfold's position per indicator (plain text, one block per indicator).

    Parameters
    ----------
    result
        From :func:`omdomme.analysis.reputation.analyse_round`.

    Returns
    -------
    str
        Lines without trailing newline; shares in percent, differences in percentage points.
    """
    innovation = _innovation_lines(result)
    # The definition's own share rows: breakdowns and the analyst's tables are in `omdomme table`;
    # the association frame (assos_*) is a profile for the report, not a headline indicator.
    est = main_estimates(result.estimates).filter(
        (pl.col("survey") == "omdomme") & ~pl.col("indicator").str.starts_with("assos_")
    )
    if est.height == 0:
        return "\n".join(innovation) if innovation else f"Runde {result.round}: ingen omdømmeindikatorer."
    synthetic = any(d.synthetic for d in result.definitions if d.kind == "omdomme")
    lines = [f"Omdømmeundersøkelsen {result.round}: Østfold blant de fem Oslofjord-fylkene"
             + (" (SYNTETISKE DATA)" if synthetic else "")]
    lines += _weight_lines(result, "omdomme")
    first_domain = est.group_by("indicator", maintain_order=True).agg(pl.col("domain").first())
    comps = result.comparisons
    ranks = result.ranks
    for indicator, domain in first_domain.iter_rows():
        part = est.filter((pl.col("indicator") == indicator) & (pl.col("domain") == domain))
        own = part.filter(pl.col("target") == FOCUS)
        if own.height == 0:
            continue
        o = own.row(0, named=True)
        direction = "høyere er bedre" if o["better"] == "higher" else "lavere er bedre"
        lines.append("")
        lines.append(f"{o['label']} [{indicator}, {o['domain_label'].lower()}; {direction}]")
        if o["flag"] == "suppressed":
            lines.append(f"  Østfold        :  ({o['note']})")
        else:
            marker = " *" if o["flag"] == "flagged" else ""
            lines.append(f"  Østfold        {fmt_pct(o['estimate'])} ({_interval(o['ci_low'], o['ci_high'])}){marker}")
        r = ranks.filter((pl.col("survey") == "omdomme") & (pl.col("indicator") == indicator)
                         & (pl.col("domain") == domain) & (pl.col("target") == FOCUS))
        if r.height:
            rr = r.row(0, named=True)
            lines.append(f"  Rang           {rr['rank_point']} av {part.height} (intervall {rr['rank_low']}–"
                         f"{rr['rank_high']}); P(rang ≤ 3) = {fmt_pct(rr['p_top3'])}")
        gap = comps.filter((pl.col("survey") == "omdomme") & (pl.col("comparison") == "county")
                           & (pl.col("indicator") == indicator) & (pl.col("domain") == domain)
                           & (pl.col("target_b") == BENCHMARK))
        g = gap.row(0, named=True) if gap.height else None
        if g is not None and g["difference"] is None:
            # Withheld: the difference would reveal a suppressed county's figure.
            lines.append(f"  Mot Akershus   :  ({g['note'] or 'undertrykt'})")
        elif g is not None:
            verdict = "sikker forskjell" if g["significant"] else "ingen sikker forskjell"
            lines.append(f"  Mot Akershus   {fmt_pp(g['difference'])} ({_interval(g['ci_low'], g['ci_high'], sign=True)}); "
                         f"{verdict}{_p(g['p_adjusted'])}")
        change = comps.filter((pl.col("survey") == "omdomme") & (pl.col("comparison") == "round")
                              & (pl.col("indicator") == indicator) & (pl.col("domain") == domain)
                              & (pl.col("target_a") == FOCUS))
        c = change.row(0, named=True) if change.height else None
        if c is not None and c["difference"] is None:
            lines.append(f"  Siden {c['round_b']}     :  ({c['note'] or 'undertrykt'})")
        elif c is not None:
            note = f" [{c['note']}]" if c["note"] else ""
            lines.append(f"  Siden {c['round_b']}     {fmt_pp(c['difference'])} "
                         f"({_interval(c['ci_low'], c['ci_high'], sign=True)}) {_change_words(c)}"
                         f"{_p(c['p_adjusted'])}{note}")
    lines.append("")
    lines.append("Intervaller: 95 %. «Sikker» = Holm-justert p < 0,05. * = merket (lav presisjon), : = undertrykt.")
    if innovation:
        lines += ["", *innovation]
    return "\n".join(lines)


def _units(result: AnalysisResult) -> dict[str, str]:
    # The display unit of each innovation indicator: the `unit` column of the estimates.
    est = result.estimates.filter(pl.col("survey") == "innovasjon")
    return dict(zip(est["indicator"].to_list(), est["unit"].to_list(), strict=True))


class _Format:
    """How one innovation indicator's numbers read: its unit (:func:`omdomme.labels.display_unit`).

    Bounds of an interval carry no unit, as in the reputation block: «45,3 % (40,1 til 50,2)».
    """

    def __init__(self, unit: str, kind: str) -> None:
        self.unit = _display_unit(unit, kind)

    def level(self, row: dict[str, Any]) -> str:
        return (f"{fmt_unit(row['estimate'], self.unit)} "
                f"({self._bound(row['ci_low'])} til {self._bound(row['ci_high'])})")

    def difference(self, row: dict[str, Any]) -> str:
        return (f"{fmt_unit(row['difference'], self.unit, sign=True, difference=True)} "
                f"({self._bound(row['ci_low'], sign=True)} til {self._bound(row['ci_high'], sign=True)})")

    def _bound(self, x: float | None, *, sign: bool = False) -> str:
        return fmt_bound(x, self.unit, sign=sign)


def _cell(row: dict[str, Any] | None, fmt: _Format) -> str:
    if row is None:
        return ":"
    if row["flag"] == "suppressed" or row["estimate"] is None:
        return ":" + (f"  ({row['note']})" if row["note"] else "")
    return fmt.level(row) + (" *" if row["flag"] == "flagged" else "")


def _innovation_lines(result: AnalysisResult) -> list[str]:
    """The innovation block of the summary: Østfold against Norway per indicator, and the goal."""
    # The definition's own rows: breakdown cells are in `omdomme table`.
    est = main_estimates(result.estimates).filter(pl.col("survey") == "innovasjon")
    if est.height == 0:
        return []
    synthetic = any(d.synthetic for d in result.definitions if d.kind == "innovasjon")
    lines = [f"Innovasjonsundersøkelsen {result.round}: Østfold mot Norge"
             + (" (SYNTETISKE DATA)" if synthetic else "")]
    lines += _weight_lines(result, "innovasjon")
    units = _units(result)
    comps = result.comparisons.filter(pl.col("survey") == "innovasjon")
    versus = {r["indicator"]: r for r in comps.filter(pl.col("comparison") == "norge").iter_rows(named=True)}
    cells = {(r["indicator"], r["target"]): r for r in est.iter_rows(named=True)}
    for indicator in est["indicator"].unique(maintain_order=True).to_list():
        own, norway = cells.get((indicator, FOCUS)), cells.get((indicator, NORGE))
        first = own or norway
        assert first is not None  # the indicator has at least one row
        unit = units.get(indicator, "percent" if first["kind"] == "share" else "number")
        fmt = _Format(unit, first["kind"])
        direction = "høyere er bedre" if first["better"] == "higher" else "lavere er bedre"
        lines += ["", f"{first['label']} [{indicator}; {direction}]",
                  f"  Østfold        {_cell(own, fmt)}",
                  f"  Norge          {_cell(norway, fmt)}"]
        c = versus.get(indicator)
        if c is None:
            continue
        if c["note"]:
            lines.append(f"  Forskjell      : ({c['note']})")
        elif first["kind"] == "total":
            # Østfold's part of Norway's total (the comparison's ratio), not a difference.
            lines.append(f"  Andel av Norge {fmt_pct(c['ratio'])} "
                         f"({_interval(c['ratio_ci_low'], c['ratio_ci_high'])})")
        elif c["difference"] is not None:
            lines.append(f"  Forskjell      {fmt.difference(c)} {_difference_words(c)}{_p(c['p_adjusted'])}")
    lines += ["", *_goal_lines(result, comps)]
    lines += ["", "Intervaller: 95 %. «Sikker» = Holm-justert p < 0,05. * = merket, : = undertrykt.",
              "Mål: nådd = hele intervallet når målet; utelukket = hele intervallet under; ellers mulig."]
    return lines


def _difference_words(row: dict[str, Any]) -> str:
    if row["significant"]:
        up = row["difference"] > 0
        good = up == (row["better"] == "higher")
        return ("↑" if up else "↓") + (" bedre" if good else " dårligere")
    return "ingen sikker forskjell"


def _goal_lines(result: AnalysisResult, comps: pl.DataFrame) -> list[str]:
    goal = (result.manifest.get("surveys", {}).get("innovasjon", {}).get("parameters", {}).get("goal") or {})
    rows = comps.filter(pl.col("comparison") == "baseline_ratio")
    if rows.height == 0:
        if goal.get("baseline") == result.round:
            return [f"Mål: {result.round} er grunnlagsåret; forholdet beregnes fra neste runde."]
        return ["Mål: ikke beregnet" + (f" ({goal['status']})" if goal.get("status") else "") + "."]
    g = rows.row(0, named=True)
    factor = goal.get("factor")
    head = (f"Mål: {g['label'][:1].lower()}{g['label'][1:]} i Østfold, {g['round_a']} / {g['round_b']}"
            + (f"; målet er × {fmt_number(factor)}" if factor is not None else ""))
    if g["ratio"] is None:
        return [head, f"  Forhold        : ({g['note']})"]
    ratios = fmt_range(g["ratio_ci_low"], g["ratio_ci_high"], 2, scale=0, sep=" til ")
    return [head, f"  Forhold        {fmt_number(g['ratio'], 2)} ({ratios}): {g['note']}"]


def _weight_lines(result: AnalysisResult, survey: str) -> list[str]:
    """What the weights cost in precision (manifest ``weight_diagnostics``; raked: ``weighting.diagnostics``)."""
    params = result.manifest.get("surveys", {}).get(survey, {}).get("parameters", {})
    raked = (params.get("weighting") or {}).get("diagnostics") or {}
    lines = []
    for name, d in (("Vekter i filen", params.get("weight_diagnostics") or {}), ("Vekter etter kalibrering", raked)):
        if not {"deff", "efficiency", "eff_n", "n", "weight_min", "weight_max"} <= set(d):
            continue
        lines.append(
            f"  {name}: Kish-designeffekt {fmt_number(d['deff'], 2)}, effektivitet "
            f"{fmt_pct(d['efficiency'])}, effektivt utvalg {fmt_number(d['eff_n'], 0)} av {fmt_number(d['n'], 0)}; "
            f"vekter {fmt_range(d['weight_min'], d['weight_max'], 2, scale=0)}"
        )
    return lines
