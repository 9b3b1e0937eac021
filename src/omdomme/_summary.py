"""The ten-second terminal summary of an analysed round (Norwegian, like the reports).

Per indicator (its first domain, normally «alle»): Østfold's estimate with its 95 % interval,
the probability that Østfold ranks third or better, the gap to Akershus with its interval,
and the change since the previous round. An arrow (↑ ↓) appears only where the
Holm-adjusted test says the change is real; otherwise the words «ingen sikker endring».

Example
-------
>>> print(summary_text(analyse_round(2018)))          # doctest: +SKIP
Omdømmeundersøkelsen 2018: Østfold blant de fem Oslofjord-fylkene
...
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import polars as pl

if TYPE_CHECKING:
    from omdomme._analysis import AnalysisResult

FOCUS = "ostfold"
BENCHMARK = "akershus"


def _pct(x: float | None) -> str:
    if x is None:
        return ":"
    return f"{x * 100:.1f}".replace(".", ",").replace("-", "−")


def _pp(x: float | None, *, sign: bool = True) -> str:
    if x is None:
        return ":"
    if abs(x) < 0.0005:
        # Rounds to zero: «−0,0» would suggest a direction the number does not have.
        return "0,0"
    text = f"{x * 100:+.1f}" if sign else f"{x * 100:.1f}"
    return text.replace(".", ",").replace("-", "−")


def _interval(low: float | None, high: float | None, *, sign: bool = False) -> str:
    fmt = _pp if sign else _pct
    return f"{fmt(low)} til {fmt(high)}"


def _p(p: float | None) -> str:
    if p is None:
        return ""
    text = "< 0,001" if p < 0.001 else "= " + f"{p:.3f}".replace(".", ",")
    return f" (justert p {text})"


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
        From :func:`omdomme._analysis.analyse_round`.

    Returns
    -------
    str
        Lines without trailing newline; shares in percent, differences in percentage points.
    """
    est = result.estimates.filter(pl.col("survey") == "omdomme")
    if est.height == 0:
        return f"Runde {result.round}: ingen omdømmeindikatorer."
    synthetic = any(d.synthetic for d in result.definitions if d.kind == "omdomme")
    lines = [f"Omdømmeundersøkelsen {result.round}: Østfold blant de fem Oslofjord-fylkene"
             + (" (SYNTETISKE DATA)" if synthetic else "")]
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
            lines.append(f"  Østfold        {_pct(o['estimate'])} % ({_interval(o['ci_low'], o['ci_high'])}){marker}")
        r = ranks.filter((pl.col("survey") == "omdomme") & (pl.col("indicator") == indicator)
                         & (pl.col("domain") == domain) & (pl.col("target") == FOCUS))
        if r.height:
            rr = r.row(0, named=True)
            lines.append(f"  Rang           {rr['rank_point']} av {part.height} (intervall {rr['rank_low']}–"
                         f"{rr['rank_high']}); P(rang ≤ 3) = {_pct(rr['p_top3'])} %")
        gap = comps.filter((pl.col("survey") == "omdomme") & (pl.col("comparison") == "county")
                           & (pl.col("indicator") == indicator) & (pl.col("domain") == domain)
                           & (pl.col("target_b") == BENCHMARK))
        if gap.height:
            g = gap.row(0, named=True)
            verdict = "sikker forskjell" if g["significant"] else "ingen sikker forskjell"
            lines.append(f"  Mot Akershus   {_pp(g['difference'])} pp ({_interval(g['ci_low'], g['ci_high'], sign=True)}); "
                         f"{verdict}{_p(g['p_adjusted'])}")
        change = comps.filter((pl.col("survey") == "omdomme") & (pl.col("comparison") == "round")
                              & (pl.col("indicator") == indicator) & (pl.col("domain") == domain)
                              & (pl.col("target_a") == FOCUS))
        if change.height:
            c = change.row(0, named=True)
            note = f" [{c['note']}]" if c["note"] else ""
            lines.append(f"  Siden {c['round_b']}     {_pp(c['difference'])} pp "
                         f"({_interval(c['ci_low'], c['ci_high'], sign=True)}) {_change_words(c)}"
                         f"{_p(c['p_adjusted'])}{note}")
    lines.append("")
    lines.append("Intervaller: 95 %. «Sikker» = Holm-justert p < 0,05. * = merket (lav presisjon), : = undertrykt.")
    return "\n".join(lines)
