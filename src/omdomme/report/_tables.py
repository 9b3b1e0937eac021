"""The report's tables (great_tables), built from already formatted strings.

Numbers are formatted here, once, with :mod:`omdomme.labels` (``45,3 %``, ``:`` for
suppressed cells), so that what a reader sees is exactly the estimate in
``analyses/<round>/estimates.csv`` after Norwegian formatting; great_tables only lays out.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

import polars as pl

from omdomme.labels import EN_DASH, fmt_bound, fmt_int, fmt_pct, fmt_unit, unit_of
from omdomme.report._text import phrase

if TYPE_CHECKING:
    from great_tables import GT

COUNTY_ORDER = ("ostfold", "akershus", "oslo", "buskerud", "vestfold", "norge")
# The summary's column widths (percent of the text width; 100 in all).
SUMMARY_WIDTHS = {"label": "21%", "ostfold": "8%", "ci": "10%", "rank": "9%", "top3": "9%", "akershus": "9%",
                  "gap": "10%", "change": "10%", "goal": "14%"}


def _style(table: GT, *, width: str = "100%") -> GT:
    """The one table look: quiet rules, left-aligned heading, tabular figures."""
    from great_tables import loc, style

    return (
        table.tab_options(
            table_width=width,
            table_font_names=["DejaVu Sans", "Helvetica Neue", "Arial", "sans-serif"],
            table_font_size="14px",
            heading_align="left",
            heading_title_font_size="16px",
            heading_subtitle_font_size="13px",
            column_labels_font_weight="bold",
            column_labels_background_color="#F3F6F7",
            table_border_top_color="#00798C",
            table_border_top_width="3px",
            column_labels_border_bottom_color="#00798C",
            row_striping_include_table_body=True,
            row_striping_background_color="#FAFBFC",
            source_notes_font_size="12px",
            data_row_padding="6px",
        )
        .opt_row_striping()
        .tab_style(style=style.text(v_align="middle"), locations=loc.body())
    )


def _cell(row: dict[str, Any], lang: str) -> str:
    """One estimate as shown: ``:`` when suppressed, a ``*`` when flagged."""
    if row.get("flag") == "suppressed":
        return ":"
    text = fmt_unit(row["estimate"], unit_of(row.get("kind"), row.get("display")), lang=lang)
    return text + ("*" if row.get("flag") == "flagged" else "")


def _interval(row: dict[str, Any], lang: str) -> str:
    """A row's 95 % interval in its unit, without the unit (the column header says it)."""
    if row.get("flag") == "suppressed":
        return ":"
    if row.get("ci_low") is None or row.get("ci_high") is None:
        return ":"
    unit = unit_of(row.get("kind"), row.get("display"))
    low, high = (fmt_bound(row[c], unit, lang=lang, sign=False) for c in ("ci_low", "ci_high"))
    return f"{low}{EN_DASH}{high}"


def _footnotes(rows: pl.DataFrame, lang: str) -> list[str]:
    """One footnote per flag, naming each affected county and the first reason the analysis gives."""
    notes = []
    several = "domain" in rows.columns and rows["domain"].n_unique() > 1
    for flag, key in (("suppressed", "footnote_suppressed"), ("flagged", "footnote_flagged")):
        part = rows.filter(pl.col("flag") == flag) if "flag" in rows.columns else rows.clear()
        if not part.height:
            continue
        items = []
        for r in part.iter_rows(named=True):
            who = r.get("target_label") or r.get("target") or ""
            if several and r.get("domain_label"):
                who += f" ({str(r['domain_label']).lower()})"
            reason = str(r.get("note") or "").split(";")[0].strip()
            items.append(f"{who}: {reason}" if reason else who)
        notes.append(phrase(key, lang, notes="; ".join(dict.fromkeys(items))))
    return notes


def goal_status(p_top3: float | None, rank_high: int | None, rank_low: int | None, *, lang: str = "nb") -> str:
    """The status of «third most attractive» from the rank distribution.

    Among the top three when the whole 95 % rank interval is 1–3; probably when
    P(rank ≤ 3) ≥ 0.5; not when the whole interval is 4–5; otherwise undecided.

    Examples
    --------
    >>> goal_status(0.99, 3, 1)
    'Blant de tre beste'
    >>> goal_status(0.1, 5, 4)
    'Ikke blant de tre beste'
    """
    if p_top3 is None:
        return ":"
    if rank_high is not None and rank_high <= 3:
        return phrase("goal_top3_sure", lang)
    if rank_low is not None and rank_low >= 4:
        return phrase("goal_top3_not", lang)
    if p_top3 >= 0.5:
        return phrase("goal_top3_likely", lang)
    return phrase("goal_top3_open", lang)


def summary_frame(estimates: pl.DataFrame, comparisons: pl.DataFrame, ranks: pl.DataFrame,
                  main_domains: dict[str, str], *, previous: int | None, lang: str = "nb") -> pl.DataFrame:
    """The summary's rows, one per indicator, every cell a formatted string.

    Columns: ``indicator`` (id, hidden), ``label``, ``ostfold``, ``ci``, ``rank``, ``top3``,
    ``akershus``, ``gap``, ``change``, ``goal``, plus ``gap_significant`` and
    ``change_significant`` (bool, for bold cells).
    """
    rows = []
    for indicator, domain in main_domains.items():
        est = estimates.filter((pl.col("indicator") == indicator) & (pl.col("domain") == domain))
        by_target = {r["target"]: r for r in est.iter_rows(named=True)}
        o, a = by_target.get("ostfold"), by_target.get("akershus")
        if o is None:
            continue
        rank = ranks.filter((pl.col("indicator") == indicator) & (pl.col("domain") == domain)
                            & (pl.col("target") == "ostfold")) if ranks.height else ranks
        r = rank.row(0, named=True) if rank.height else {}
        gap = _comparison(comparisons, indicator, domain, "county", "ostfold", "akershus")
        change = _comparison(comparisons, indicator, domain, "round", "ostfold", "ostfold", previous)
        rows.append({
            "indicator": indicator,
            "label": o["label"],
            "ostfold": _cell(o, lang),
            "ci": _interval(o, lang),
            "rank": _rank_text(r),
            "top3": fmt_pct(r.get("p_top3"), 0, lang=lang) if r else ":",
            "akershus": _cell(a, lang) if a else ":",
            "gap": _difference(gap, o, lang, a),
            "gap_significant": bool(gap and gap.get("significant")),
            "change": (phrase("series_break", lang) if _is_break(change) else _difference(change, o, lang))
            if change else phrase("not_tested", lang) if previous else "–",
            "change_significant": bool(change and change.get("significant")),
            "goal": goal_status(r.get("p_top3"), r.get("rank_high"), r.get("rank_low"), lang=lang) if r else ":",
        })
    return pl.DataFrame(rows, schema={
        "indicator": pl.String, "label": pl.String, "ostfold": pl.String, "ci": pl.String, "rank": pl.String,
        "top3": pl.String, "akershus": pl.String, "gap": pl.String, "gap_significant": pl.Boolean,
        "change": pl.String, "change_significant": pl.Boolean, "goal": pl.String})


def _comparison(comparisons: pl.DataFrame, indicator: str, domain: str, kind: str, a: str, b: str,
                round_b: int | None = None) -> dict[str, Any] | None:
    if not comparisons.height:
        return None
    cond = ((pl.col("indicator") == indicator) & (pl.col("domain") == domain) & (pl.col("comparison") == kind)
            & (pl.col("target_a") == a) & (pl.col("target_b") == b))
    if round_b is not None:
        cond = cond & (pl.col("round_b") == round_b)
    part = comparisons.filter(cond)
    return part.row(0, named=True) if part.height else None


def _is_break(row: dict[str, Any] | None) -> bool:
    """Whether a round comparison crosses a series break (changed question, scale or base)."""
    if not row:
        return False
    return row.get("comparable") is False or "series break" in str(row.get("note") or "")


def _rank_text(r: dict[str, Any]) -> str:
    """«4 (3–5)»: the point rank and the 95 % rank interval; «5» when the interval is one rank."""
    if not r:
        return ":"
    if r["rank_low"] == r["rank_high"]:
        return str(r["rank_point"])
    return f"{r['rank_point']} ({r['rank_low']}–{r['rank_high']})"


def _difference(row: dict[str, Any] | None, estimate_row: dict[str, Any], lang: str,
                other_row: dict[str, Any] | None = None) -> str:
    """A comparison's difference as shown; ``:`` when it is missing or either side is suppressed
    (a difference would reveal the suppressed figure)."""
    if row is None or row.get("difference") is None:
        return ":"
    if estimate_row.get("flag") == "suppressed" or (other_row or {}).get("flag") == "suppressed":
        return ":"
    unit = unit_of(estimate_row.get("kind"), estimate_row.get("display"))
    return fmt_unit(row["difference"], unit, lang=lang, sign=True, difference=True)


def summary_table(frame: pl.DataFrame, *, round_: int, previous: int | None, lang: str = "nb",
                  notes: list[str] | None = None) -> GT:
    """The one-page summary as a great_tables table (HTML id ``sammendrag``).

    Examples
    --------
    >>> gt = summary_table(summary_frame(...), round_=2018, previous=2016)  # doctest: +SKIP
    """
    from great_tables import GT, loc, style

    change_label = phrase("col_change", lang, prev=previous) if previous else phrase("col_change_none", lang)
    shown = frame.drop("indicator")
    table = (
        # The indicator is each row's header cell (<th scope="row">), for screen readers.
        GT(shown, id="sammendrag", rowname_col="label")
        .tab_stubhead(label=phrase("col_indicator", lang))
        .cols_hide(["gap_significant", "change_significant"])
        .cols_label(ostfold=phrase("col_ostfold", lang), ci=phrase("col_ci", lang),
                    rank=phrase("col_rank", lang), top3=phrase("col_top3", lang),
                    akershus=phrase("col_akershus", lang), gap=phrase("col_gap", lang),
                    change=change_label, goal=phrase("col_goal", lang))
        .cols_align("right", columns=["ostfold", "ci", "top3", "akershus", "gap", "change"])
        .cols_align("center", columns=["rank"])
        .tab_style(style=style.text(weight="bold", color="#00798C"), locations=loc.body(columns="ostfold"))
        .tab_style(style=style.css("white-space: nowrap;"),
                   locations=loc.body(columns=["ostfold", "ci", "rank", "top3", "akershus", "gap", "change"]))
        .tab_style(style=style.text(weight="bold"), locations=loc.body(columns="gap", rows=pl.col("gap_significant")))
        .tab_style(style=style.text(weight="bold"), locations=loc.body(columns="change", rows=pl.col("change_significant")))
        # Room for the indicator names: without widths, Typst (Quarto's and the built-in PDF)
        # squeezes nine auto columns to equal shares and wraps the names over six lines.
        # report.css keeps the browser's automatic layout, with these as its hints.
        .cols_width(SUMMARY_WIDTHS)
    )
    table = _style(table)
    table = table.tab_source_note(phrase("summary_note", lang) + (" " + ("Fet: signifikant (Holm-justert p-verdi under 0,05)." if lang == "nb" else "Bold: significant (Holm-adjusted p-value below 0.05).")))
    for note in notes or []:
        table = table.tab_source_note(note)
    return table


def county_table(estimates: pl.DataFrame, indicator: str, *, lang: str = "nb", survey: str | None = None,
                 table_id: str | None = None) -> GT:
    """One indicator, counties as rows and a column group per domain: estimate, 95 % CI, n.

    Examples
    --------
    >>> gt = county_table(results.estimates, "vet_ikke")  # doctest: +SKIP
    """
    from great_tables import GT, loc, style

    data = estimates.filter(pl.col("indicator") == indicator)
    if survey is not None:
        data = data.filter(pl.col("survey") == survey)
    domains = data.select("domain", "domain_label").unique(maintain_order=True)
    targets = [t for t in COUNTY_ORDER if t in set(data["target"].to_list())]
    rows: list[dict[str, str]] = []
    for target in targets:
        part = data.filter(pl.col("target") == target)
        row = {"county": part["target_label"][0]}
        for r in part.iter_rows(named=True):
            d = r["domain"]
            row[f"{d}__est"] = _cell(r, lang)
            row[f"{d}__ci"] = _interval(r, lang)
            row[f"{d}__n"] = fmt_int(r["n"], lang=lang)
        rows.append(row)
    frame = pl.DataFrame(rows)
    label = data["label"][0]
    first = data.row(0, named=True)
    unit = unit_of(first.get("kind"), first.get("display"))
    value_label = phrase("col_estimate" if unit == "pct" else "col_value", lang)
    if unit in ("kr", "mill_kr"):
        value_label += " (mill. kr)" if unit == "mill_kr" and lang == "nb" else " (NOK m)" if unit == "mill_kr" else ""
    table = GT(frame, id=table_id, rowname_col="county").tab_header(title=label) \
        .tab_stubhead(label=phrase("col_county", lang))
    for d, dlabel in domains.iter_rows():
        cols = [f"{d}__est", f"{d}__ci", f"{d}__n"]
        table = table.tab_spanner(label=dlabel, columns=cols)
        column_labels: dict[str, Any] = {f"{d}__est": value_label, f"{d}__ci": phrase("col_ci", lang),
                                         f"{d}__n": phrase("col_n", lang)}
        table = table.cols_label(cases=column_labels)
        table = table.cols_align("right", columns=cols)
    ostfold_rows = [i for i, r in enumerate(rows) if r["county"] == "Østfold"]
    table = table.tab_style(style=style.text(weight="bold", color="#00798C"), locations=loc.body(rows=ostfold_rows))
    table = table.tab_style(style=style.text(weight="bold", color="#00798C"), locations=loc.stub(rows=ostfold_rows))
    table = table.tab_style(style=style.css("white-space: nowrap;"), locations=loc.body())
    table = _style(table, width="100%" if domains.height > 1 else "auto")
    for note in _footnotes(data, lang):
        table = table.tab_source_note(note)
    return table


def breakdown_table(estimates: pl.DataFrame, indicator: str, breakdowns: Sequence[str], *, target: str = "ostfold",
                    lang: str = "nb", table_id: str | None = None) -> GT:
    """One indicator of one county by the levels of breakdowns: a row group per breakdown, estimate, 95 % CI, n.

    ``estimates`` holds the breakdown rows (``load_round(..., tables=True)``); a suppressed cell
    shows ``:`` with its reason in a footnote.

    Examples
    --------
    >>> gt = breakdown_table(tables, "innovasjonsaktivitet", ["naering", "storrelse"])  # doctest: +SKIP
    """
    from great_tables import GT

    data = estimates.filter((pl.col("indicator") == indicator) & (pl.col("target") == target)
                            & pl.col("breakdown").is_in(list(breakdowns)))
    rows = []
    for r in data.iter_rows(named=True):
        group, _, level = str(r["domain_label"]).partition(": ")
        rows.append({"group": group, "level": level or str(r["breakdown_level"]), "est": _cell(r, lang),
                     "ci": _interval(r, lang), "n": fmt_int(r["n"], lang=lang)})
    frame = pl.DataFrame(rows, schema={c: pl.String for c in ("group", "level", "est", "ci", "n")})
    first = data.row(0, named=True)
    unit = unit_of(first.get("kind"), first.get("display"))
    table = (
        GT(frame, id=table_id, rowname_col="level", groupname_col="group")
        .tab_header(title=f"{first['label']}: {first['target_label']}")
        .cols_label(est=phrase("col_estimate" if unit == "pct" else "col_value", lang), ci=phrase("col_ci", lang),
                    n=phrase("col_n", lang))
        .cols_align("right", columns=["est", "ci", "n"])
    )
    table = _style(table, width="auto")
    for note in _footnotes(data, lang):
        table = table.tab_source_note(note)
    return table


def top3_table(ranks: pl.DataFrame, main_domains: dict[str, str], labels: dict[str, str], *,
               lang: str = "nb") -> GT:
    """P(rank ≤ 3): a row per indicator, a column per county (Østfold first).

    Examples
    --------
    >>> gt = top3_table(results.ranks, {"vet_ikke": "alle"}, {"vet_ikke": "«Vet ikke»"})  # doctest: +SKIP
    """
    from great_tables import GT, loc, style

    targets = [t for t in COUNTY_ORDER if t in set(ranks["target"].to_list())]
    names = dict(ranks.select("target", "target_label").unique().iter_rows())
    rows = []
    for ind, dom in main_domains.items():
        part = ranks.filter((pl.col("indicator") == ind) & (pl.col("domain") == dom))
        if not part.height:
            continue
        p3 = dict(part.select("target", "p_top3").iter_rows())
        rows.append({"indicator": labels.get(ind, ind),
                     **{t: fmt_pct(p3.get(t), 0, lang=lang) if t in p3 else ":" for t in targets}})
    frame = pl.DataFrame(rows)
    table = (GT(frame, id="topp3", rowname_col="indicator").tab_header(title=phrase("top3_table", lang))
             .tab_stubhead(label=phrase("col_indicator", lang))
             .cols_label(cases=dict[str, Any]({t: names.get(t, t) for t in targets}))
             .cols_align("right", columns=targets)
             .tab_style(style=style.text(weight="bold", color="#00798C"), locations=loc.body(columns="ostfold"))
             .tab_style(style=style.text(weight="bold", color="#00798C"), locations=loc.column_labels(columns="ostfold")))
    return _style(table)
