"""What a template's cells call: one object per report, one method per section.

A template (``reports/omdomme.qmd``) opens a :class:`Report` for its round and calls
``report.summary()``, ``report.indicators()``, … in cells; each method displays Markdown
(headings, text, embedded figures) and great_tables tables in the notebook, which Quarto or
the built-in engine turn into the document. Nothing here estimates: every number comes from
``analyses/<round>/``.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import polars as pl

from omdomme.labels import (
    fmt_bound,
    fmt_int,
    fmt_number,
    fmt_p,
    fmt_pct,
    fmt_pp,
    fmt_unit,
    unit_of,
)
from omdomme.report import _charts, _tables
from omdomme.report._text import phrase
from omdomme.results.read import (
    RoundResults,
    compare_table,
    is_synthetic,
    labels_in,
    load_round,
    previous_round,
    read_definition,
    survey_parameters,
    trend_estimates,
    trend_goals,
)

ASSOCIATION_PREFIX = "assos_"
PARAMS_ENV = "OMDOMME_REPORT_PARAMS"


def parameters(round: int, compare_round: int | None = None, root: str | Path | None = None,
               lang: str = "nb") -> tuple[int, int | None, Path, str]:
    """A template's parameters: ``$OMDOMME_REPORT_PARAMS`` (JSON, set by ``omdomme report``)
    over the cell's values; ``root`` ``None`` is the nearest folder, from the working
    directory up, that holds ``analyses/<round>/`` (Quarto runs the cells in ``reports/``).

    Passing the parameters in the environment means Quarto needs no papermill (its ``-P``
    does); ``quarto render reports/omdomme.qmd -P round:2018`` still works where papermill is
    installed.

    Examples
    --------
    >>> parameters(2018, root=".")[0]
    2018
    """
    import json
    import os

    given = json.loads(os.environ.get(PARAMS_ENV) or "{}")
    round = int(given.get("round", round))
    compare_round = given.get("compare_round", compare_round)
    root = given.get("root", root)
    lang = str(given.get("lang", lang))
    if root is None:
        here = Path.cwd().resolve()
        root = next((d for d in (here, *here.parents) if (d / "analyses" / str(round)).is_dir()), here)
    return round, compare_round, Path(root), lang


def _in_language(estimates: pl.DataFrame, comparisons: pl.DataFrame,
                 lang: str) -> tuple[pl.DataFrame, pl.DataFrame, list[str]]:
    """``label`` and ``domain_label`` in ``lang`` (:func:`omdomme.results.read.labels_in`), the
    comparisons' labels the estimates' ones, and the bokmål labels left untranslated."""
    shown, untranslated = labels_in(estimates, lang)
    if estimates.height:
        estimates = estimates.with_columns(pl.col(c).replace(shown[c]) for c in shown if c in estimates.columns)
    if comparisons.height and "label" in comparisons.columns and estimates.height:
        names = dict(estimates.select("indicator", "label").unique("indicator", keep="first").iter_rows())
        comparisons = comparisons.with_columns(pl.col("indicator").replace_strict(names, default=pl.col("label"))
                                               .alias("label"))
    return estimates, comparisons, untranslated


class Report:
    """The sections of one survey's report for one round.

    Parameters
    ----------
    round
        The analysed round (``analyses/<round>/`` must exist).
    survey
        ``"omdomme"`` or ``"innovasjon"``.
    root
        The project folder holding ``analyses/`` and ``surveys/``.
    compare_round
        The round to compare with; default: the round of the analysis's own round comparisons,
        the definition's ``previous``, or the latest earlier analysed round.
    lang
        ``"nb"`` (bokmål) or ``"en"``.

    Examples
    --------
    >>> report = Report(2018, root=".")       # doctest: +SKIP
    >>> report.summary()                      # doctest: +SKIP
    """

    def __init__(self, round: int, *, survey: str = "omdomme", root: str | Path = ".",
                 compare_round: int | None = None, lang: str = "nb") -> None:
        self.round = int(round)
        self.survey = survey
        self.root = Path(root)
        self.lang = lang
        self.results: RoundResults = load_round(self.round, self.root)
        res = self.results
        self.estimates = res.estimates.filter(pl.col("survey") == survey) if res.estimates.height else res.estimates
        self.comparisons = (res.comparisons.filter(pl.col("survey") == survey)
                            if res.comparisons.height else res.comparisons)
        self.ranks = res.ranks.filter(pl.col("survey") == survey) if res.ranks.height else res.ranks
        self.previous = previous_round(res, survey, self.root, compare_round)
        self._add_compare_rows()
        # The report's language from here on: every label shown comes from these columns.
        self.untranslated: list[str] = []
        if lang != "nb":
            self.estimates, self.comparisons, self.untranslated = _in_language(self.estimates, self.comparisons, lang)
        indicators = self.estimates.select("indicator", "label", "domain").unique(maintain_order=True)
        self.labels: dict[str, str] = dict(indicators.select("indicator", "label").unique(maintain_order=True).iter_rows())
        domains: dict[str, list[str]] = {}
        for ind, dom in indicators.select("indicator", "domain").iter_rows():
            domains.setdefault(ind, []).append(dom)
        # The headline domain of an indicator: all respondents, else its first domain (e.g. «unge»).
        # Association categories (assos_*) feed the associations chart, not the indicator sections.
        self.main_domains = {ind: ("alle" if "alle" in doms else doms[0]) for ind, doms in domains.items()
                             if not ind.startswith(ASSOCIATION_PREFIX)}
        self.domains = domains

    def _add_compare_rows(self) -> None:
        """Round comparisons with a round the analysis did not compare with, from `omdomme compare`."""
        prev = self.previous
        if prev is None:
            return
        has = self.comparisons.height and self.comparisons.filter(
            (pl.col("comparison") == "round") & (pl.col("round_b") == prev)).height
        if has:
            return
        extra = compare_table(prev, self.round, self.root)
        if not extra.height or "survey" not in extra.columns:
            return
        extra = extra.filter((pl.col("survey") == self.survey) & (pl.col("round_a") == self.round))
        columns = self.comparisons.columns or extra.columns
        extra = extra.select([c for c in columns if c in extra.columns])
        self.comparisons = pl.concat([self.comparisons, extra], how="diagonal_relaxed") \
            if self.comparisons.height else extra

    # ----------------------------------------------------------------- output
    def _emit(self, parts: list[Any]) -> None:
        """Display a section as **one** Markdown output.

        Quarto leaves a heading out of the table of contents when its cell has more than one
        display output, and adds require.js/jQuery from a CDN for ``text/html`` outputs; one
        Markdown output with the tables as raw HTML blocks avoids both (and renders the same
        in the built-in engine).
        """
        from IPython.display import Markdown, display

        chunks = []
        for part in parts:
            if isinstance(part, str):
                chunks.append(part)
            elif hasattr(part, "as_raw_html"):  # a great_tables table
                chunks.append(f"```{{=html}}\n{part.as_raw_html()}\n```")
            else:
                if chunks:
                    display(Markdown("\n\n".join(chunks)))
                    chunks = []
                display(part)
        if chunks:
            display(Markdown("\n\n".join(chunks)))

    def title(self) -> str:
        """The document title, e.g. «Omdømmeundersøkelsen 2018»."""
        from omdomme.report._text import PHRASES

        key = f"title_{self.survey}"
        return phrase(key, self.lang, round=self.round) if key in PHRASES else f"{self.survey} {self.round}"

    # --------------------------------------------------------------- sections
    def banner_parts(self) -> list[Any]:
        """The «Syntetiske data» banner when the round's data are synthetic, else nothing."""
        if not is_synthetic(self.results, self.survey, self.root):
            return []
        return [f"::: {{.banner}}\n**{phrase('banner', self.lang)}.** {phrase('banner_text', self.lang)}\n:::\n"]

    def banner(self) -> None:
        """Display the synthetic-data banner (nothing for real data)."""
        self._emit(self.banner_parts())

    def summary_parts(self) -> list[Any]:
        """Heading, key points and the summary table of the reputation report."""
        lang = self.lang
        frame = _tables.summary_frame(self.estimates, self.comparisons, self.ranks, self.main_domains,
                                      previous=self.previous, lang=lang)
        parts: list[Any] = [f"## {phrase('summary', lang)} {{#sammendrag-seksjon}}",
                            phrase("summary_intro", lang, round=self.round)]
        parts.append(self._key_points())
        shown = self._main_rows().filter(pl.col("target").is_in(["ostfold", "akershus"]))
        notes = _tables._footnotes(shown, lang)
        parts.append(_tables.summary_table(frame, round_=self.round, previous=self.previous, lang=lang, notes=notes))
        return parts

    def summary(self) -> None:
        """Display the one-page summary: key points and the summary table."""
        self._emit(self.summary_parts())

    def _main_rows(self) -> pl.DataFrame:
        keys = pl.DataFrame({"indicator": list(self.main_domains), "domain": list(self.main_domains.values())})
        return self.estimates.join(keys, on=["indicator", "domain"], how="semi")

    def _key_points(self) -> str:
        lang = self.lang
        lines = []
        moved = []
        for ind, dom in self.main_domains.items():
            rows = {r["target"]: r for r in self.estimates.filter(
                (pl.col("indicator") == ind) & (pl.col("domain") == dom)).iter_rows(named=True)}
            o = rows.get("ostfold")
            if o is None:
                continue
            rank = self.ranks.filter((pl.col("indicator") == ind) & (pl.col("domain") == dom)
                                     & (pl.col("target") == "ostfold")) if self.ranks.height else self.ranks
            value = _tables._cell(o, lang)
            if rank.height:
                r = rank.row(0, named=True)
                rank_text = phrase("rank_text" if r["rank_low"] != r["rank_high"] else "rank_text_sure", lang,
                                   rank=r["rank_point"], lo=r["rank_low"], hi=r["rank_high"])
                lines.append("- " + phrase("point_rank", lang, label=self.labels[ind], value=value,
                                           rank_text=rank_text, p3=fmt_pct(r["p_top3"], 0, lang=lang)))
            else:
                lines.append(f"- **{self.labels[ind]}**: Østfold {value}.")
            change = _tables._comparison(self.comparisons, ind, dom, "round", "ostfold", "ostfold", self.previous)
            if change and change.get("significant") and not _tables._is_break(change):
                moved.append(f"{self.labels[ind].lower() if lang == 'nb' else self.labels[ind]} "
                             f"({fmt_pp(change['difference'], lang=lang)})")
        if self.previous is not None and self.comparisons.height:
            if moved:
                head = ("Signifikante endringer for Østfold siden {prev}: " if lang == "nb"
                        else "Significant changes for Østfold since {prev}: ").format(prev=self.previous)
                lines.append("\n" + head + "; ".join(moved) + ".")
            else:
                lines.append("\n" + ("Ingen av Østfolds endringer siden {prev} er signifikante (Holm-justert)."
                                     if lang == "nb" else
                                     "None of Østfold's changes since {prev} is significant (Holm-adjusted).")
                             .format(prev=self.previous))
        return "\n".join(lines)

    def indicator_parts(self, indicator: str) -> list[Any]:
        """Heading, chart, gap to Akershus and table of one indicator."""
        lang = self.lang
        data = self.estimates.filter(pl.col("indicator") == indicator)
        if not data.height:
            return [phrase("no_data", lang, what=indicator, round=self.round)]
        label = self.labels[indicator]
        better = data["better"][0]
        doms = self.domains[indicator]
        parts: list[Any] = [f"### {label}", f"*{phrase('better_' + better, lang).capitalize()}.*"]
        plot = _charts.county_chart(self.estimates, indicator, lang=lang)
        width, height = _charts.county_chart_size(len(doms))
        parts.append(_charts.figure_markdown(plot, phrase("fig_county", lang, label=label, round=self.round),
                                            width=width, height=height, fig_id=f"fig-{indicator.replace('_', '-')}",
                                            alt=_charts.county_alt(self.estimates, indicator, lang=lang)))
        sentences = []
        for dom in doms:
            gap = _tables._comparison(self.comparisons, indicator, dom, "county", "ostfold", "akershus")
            if gap is None:
                continue
            dlabel = data.filter(pl.col("domain") == dom)["domain_label"][0]
            pair = data.filter((pl.col("domain") == dom) & pl.col("target").is_in(["ostfold", "akershus"]))
            hidden = pair.filter(pl.col("flag") == "suppressed")["target_label"].to_list()
            if hidden:
                # The difference would reveal a suppressed figure.
                sentences.append("- " + phrase("comparison_hidden", lang, domain=dlabel,
                                               who=(" og " if lang == "nb" else " and ").join(hidden)))
                continue
            if gap.get("difference") is None:
                continue
            sig = phrase("sig_yes" if gap.get("significant") else "sig_no", lang)
            padj = gap.get("p_adjusted")
            if padj is not None:
                p_text = fmt_p(padj, lang=lang)
                p_text = f"p {p_text}" if p_text.startswith("<") else f"p = {p_text}"
                sig += f" ({'Holm-justert' if lang == 'nb' else 'Holm-adjusted'} {p_text})"
            sentences.append("- " + phrase("comparison_text", lang, domain=dlabel,
                                           diff=fmt_pp(gap["difference"], lang=lang),
                                           lo=fmt_bound(gap["ci_low"], "pct", lang=lang),
                                           hi=fmt_bound(gap["ci_high"], "pct", lang=lang), sig=sig))
        if sentences:
            parts.append("\n".join(sentences))
        parts.append(_tables.county_table(self.estimates, indicator, lang=lang, table_id=f"tabell-{indicator}"))
        return parts

    def indicators(self, only: list[str] | None = None) -> None:
        """Display every indicator (or ``only`` these) as a section: chart, comparison, table."""
        lang = self.lang
        parts: list[Any] = [f"## {phrase('indicators', lang)}", phrase("indicators_intro", lang)]
        for ind in only or list(self.main_domains):
            if ind.startswith(ASSOCIATION_PREFIX):
                continue
            parts.extend(self.indicator_parts(ind))
        self._emit(parts)

    def trend_parts(self) -> list[Any]:
        """The trend over every analysed round up to this one."""
        lang = self.lang
        parts: list[Any] = [f"## {phrase('trend', lang)}"]
        trend = trend_estimates(self.survey, self.round, self.root)
        rounds = sorted(trend["round"].unique().to_list()) if trend.height else []
        if len(rounds) < 2:
            has_change = self.previous is not None and self.comparisons.height and self.comparisons.filter(
                (pl.col("comparison") == "round") & (pl.col("round_b") == self.previous)).height
            key = "trend_from_comparison" if has_change else "trend_single"
            parts.append(phrase(key, lang, round=self.round, prev=self.previous))
            return parts
        keys = pl.DataFrame({"indicator": list(self.main_domains), "domain": list(self.main_domains.values())})
        trend = trend.join(keys, on=["indicator", "domain"], how="semi")
        parts.append(phrase("trend_intro", lang, round=self.round))
        plot = _charts.trend_chart(trend, lang=lang, domain="", labels=self.labels, order=list(self.main_domains))
        n_panels = trend["indicator"].n_unique()
        parts.append(_charts.figure_markdown(plot, phrase("fig_trend", lang, first=rounds[0], last=rounds[-1]),
                                            width=8.5, height=1.2 + 3.0 * ((n_panels + 1) // 2), fig_id="fig-trend",
                                            alt=_charts.trend_alt(trend, self.labels, lang=lang)))
        parts.extend(self._trend_goal_parts())
        return parts

    def _trend_goal_parts(self) -> list[str]:
        """The 2026 goal per indicator from ``analyses/trend/goals``, each status with its reason."""
        goals = trend_goals(self.survey, self.round, self.root)
        if not goals.height or "status_reason" not in goals.columns:
            return []
        lang = self.lang
        items = []
        for ind, dom in self.main_domains.items():
            found = goals.filter(pl.col("indicator") == ind, pl.col("domain") == dom,
                                 pl.col("goal_id") == "gap_akershus")
            if not found.height:
                continue
            g = found.row(0, named=True)
            bits = []
            if g["round_observed"] == 2026 and g["observed"] is not None:
                bits.append(phrase("trend_goal_observed", lang, gap=fmt_pp(g["observed"], lang=lang),
                                   lo=fmt_pp(g["observed_ci_low"], lang=lang, symbol=False),
                                   hi=fmt_pp(g["observed_ci_high"], lang=lang, symbol=False)))
            elif g["projected_2026"] is not None:
                bits.append(phrase("trend_goal_projected", lang, rounds=str(g["trend_rounds"]).replace(",", ", "),
                                   gap=fmt_pp(g["projected_2026"], lang=lang),
                                   lo=fmt_pp(g["projected_2026_ci_low"], lang=lang, symbol=False),
                                   hi=fmt_pp(g["projected_2026_ci_high"], lang=lang, symbol=False)))
            withheld = str(g["withheld_rounds"] or "").split(",")
            if str(g["round_latest"]) in withheld and g["round_observed"] is None:
                bits.append(phrase("trend_goal_none_shown", lang, rounds=", ".join(withheld)))
            elif str(g["round_latest"]) in withheld:
                hidden = self.estimates.filter(pl.col("indicator") == ind, pl.col("domain") == dom,
                                               pl.col("target").is_in(["ostfold", "akershus"]),
                                               pl.col("flag") == "suppressed")
                who = (" og " if lang == "nb" else " and ").join(map(str, hidden["target_label"].to_list()))
                bits.append(phrase("trend_goal_withheld", lang, round=g["round_latest"], who=who or ("ett av fylkene" if lang == "nb" else "one of the counties"),
                                   last=g["round_observed"]))
            elif g["status"] == "unknown":
                bits.append(phrase("trend_goal_few_rounds", lang))
            status = phrase(f"trend_goal_status_{g['status']}", lang)
            items.append(f"- **{self.labels.get(ind, ind)}**: {status}" + (f" ({'; '.join(bits)})" if bits else "") + ".")
        return [phrase("trend_goals", lang), "\n".join(items)] if items else []

    def trend(self) -> None:
        """Display the trend over rounds (or a note when only one round is analysed)."""
        self._emit(self.trend_parts())

    def ranks_parts(self) -> list[Any]:
        """Østfold's rank probabilities and every county's P(top 3)."""
        lang = self.lang
        parts: list[Any] = [f"## {phrase('ranks', lang)}"]
        if not self.ranks.height:
            return [*parts, phrase("no_data", lang, what=phrase("ranks", lang).lower(), round=self.round)]
        keys = pl.DataFrame({"indicator": list(self.main_domains), "domain": list(self.main_domains.values())})
        main = self.ranks.join(keys, on=["indicator", "domain"], how="semi")
        first = main.row(0, named=True)
        parts.append(phrase("ranks_intro", lang, draws=fmt_int(first.get("draws"), lang=lang), seed=first.get("seed")))
        order = {ind: i for i, ind in enumerate(self.main_domains)}
        main = main.sort(pl.col("indicator").replace_strict(order, default=len(order)))
        plot = _charts.rank_chart(main, lang=lang, labels=self.labels)
        parts.append(_charts.figure_markdown(plot, phrase("fig_ranks", lang, round=self.round),
                                            width=8.5, height=1.4 + 0.62 * main["indicator"].n_unique(),
                                            fig_id="fig-ranks", alt=_charts.rank_alt(main, self.labels, lang=lang)))
        parts.append(_tables.top3_table(main, self.main_domains, self.labels, lang=lang))
        return parts

    def rank_chart(self) -> Any:
        """Østfold's rank chart as a plotnine object (for a cell with its own ``fig-cap``)."""
        keys = pl.DataFrame({"indicator": list(self.main_domains), "domain": list(self.main_domains.values())})
        return _charts.rank_chart(self.ranks.join(keys, on=["indicator", "domain"], how="semi"),
                                  lang=self.lang, labels=self.labels)

    def ranks_section(self) -> None:
        """Display the rank section."""
        self._emit(self.ranks_parts())

    def association_indicators(self) -> list[str]:
        """Indicators built on the coded associations (from the definition, else by id)."""
        definition = read_definition(self.round, self.survey, self.root)
        from_def = [name for name, spec in definition.get("indicators", {}).items()
                    if isinstance(spec, dict) and spec.get("question") == "assosiasjon"]
        present = set(self.labels)
        found = [i for i in from_def if i in present]
        found += [i for i in self.labels if i.startswith(ASSOCIATION_PREFIX) and i not in found]
        if "verdier" in present and "verdier" not in found:
            found.append("verdier")
        return found

    def associations_parts(self) -> list[Any]:
        """The association frame per county (chart) and geography against values (table)."""
        lang = self.lang
        parts: list[Any] = [f"## {phrase('associations', lang)}"]
        frame = [i for i in self.labels if i.startswith(ASSOCIATION_PREFIX)]
        if not frame:
            inds = self.association_indicators()
            if len(inds) < 2:
                return [*parts, phrase("associations_only_values", lang)]
            parts.append(phrase("associations_intro", lang))
            plot = _charts.association_chart(self.estimates, inds, lang=lang)
            parts.append(_charts.figure_markdown(plot, phrase("fig_associations", lang, round=self.round),
                                                width=8.5, height=1.6 + 0.5 * 5, fig_id="fig-associations"))
            return parts
        parts.append(phrase("associations_frame_intro", lang))
        plot = _charts.association_profile_chart(self.estimates, frame, lang=lang)
        parts.append(_charts.figure_markdown(plot, phrase("fig_association_profile", lang, round=self.round),
                                            width=8.5, height=1.2 + 0.55 * len(frame), fig_id="fig-associations",
                                            alt=_charts.association_alt(self.estimates, frame, lang=lang)))
        derived = [i for i in self.association_indicators() if not i.startswith(ASSOCIATION_PREFIX)]
        if derived:
            previous = str(self.previous) if self.previous is not None else "forrige runde"
            parts.append(phrase("associations_geo_values", lang, previous=previous))
            parts.append(self._geo_values_table(derived))
        coding = (self.results.manifest.get("surveys", {}).get(self.survey, {})
                  .get("parameters", {}).get("coding") or {})
        how = (phrase("coding_analyst", lang, analyst=fmt_int(coding["analyst"], lang=lang),
                      vendor=fmt_int(coding["vendor"], lang=lang))
               if coding.get("analyst") else phrase("coding_vendor", lang))
        parts.append(f"*{phrase('associations_coding_note', lang, how=how)}*")
        return parts

    def _geo_values_table(self, indicators: list[str]) -> str:
        """Markdown table: each county's share, Østfold's rank and its change since the previous round."""
        lang = self.lang
        counties = ["ostfold", "akershus", "oslo", "buskerud", "vestfold"]
        est = self.estimates.filter(pl.col("domain") == "alle")
        names = dict(est.select("target", "target_label").unique().iter_rows())
        head = ["", *[names.get(c, c) for c in counties],
                "Østfolds rang" if lang == "nb" else "Østfold's rank",
                "Endring for Østfold" if lang == "nb" else "Change for Østfold"]
        # Pipe-table dashes set the relative column widths in Quarto: a wide label column.
        rows = ["| " + " | ".join(head) + " |",
                "|" + "|".join(["-" * 28] + ["-" * 7 + ":"] * 5 + ["-" * 11 + ":"] * 2) + "|"]
        for ind in indicators:
            cells = [self.labels.get(ind, ind)]
            for c in counties:
                r = est.filter((pl.col("indicator") == ind) & (pl.col("target") == c))
                # In the report's language (`display` is the analysis's bokmål form).
                cells.append(_tables._cell(r.row(0, named=True), lang) if r.height else "")
            rank = (self.ranks.filter((pl.col("indicator") == ind) & (pl.col("domain") == "alle")
                                      & (pl.col("target") == "ostfold")) if self.ranks.height else self.ranks)
            if rank.height:
                point = int(rank["rank_point"][0])
                prob = rank[f"p_rank_{point}"][0]
                cells.append(f"{point} av 5 ({fmt_pct(prob, 0, lang=lang)} sannsynlig)" if lang == "nb"
                             else f"{point} of 5 ({fmt_pct(prob, 0, lang=lang)} likely)")
            else:
                cells.append("")
            change = self.comparisons.filter(
                (pl.col("comparison") == "round") & (pl.col("indicator") == ind) & (pl.col("domain") == "alle")
                & (pl.col("target_a") == "ostfold")) if self.comparisons.height else self.comparisons
            if change.height and change["difference"][0] is not None:
                ch = change.row(0, named=True)
                sig = phrase("sig_yes" if ch.get("significant") else "sig_no", lang)
                cells.append(f"{fmt_pp(ch['difference'], lang=lang)} "
                             f"({fmt_number(100 * ch['ci_low'], 1, lang=lang, sign=True)} {'til' if lang == 'nb' else 'to'} "
                             f"{fmt_number(100 * ch['ci_high'], 1, lang=lang, sign=True)}; {sig})")
            else:
                cells.append("–")
            rows.append("| " + " | ".join(cells) + " |")
        return "\n".join(rows)

    def associations(self) -> None:
        """Display the associations section."""
        self._emit(self.associations_parts())

    def method_parts(self) -> list[Any]:
        """Method notes: sample, weighting, intervals, df, suppression, ranks, source."""
        lang = self.lang
        parts: list[Any] = [f"## {phrase('method', lang)}"]
        entry = self.results.manifest.get("surveys", {}).get(self.survey, {})
        rows = entry.get("rows", {}) if isinstance(entry, dict) else {}
        if rows:
            excluded = rows.get("excluded") or []
            # `reason` is English (the manifest's language); `reason_nb`, where a module gives
            # one, is the text for a Norwegian report.
            items = ", ".join(
                f"{(e.get('reason_nb') if lang == 'nb' else None) or e.get('reason')} "
                f"({fmt_int(e.get('count'), lang=lang)})"
                for e in excluded if e.get("count")
            )
            parts.append(phrase("method_sample", lang, read=fmt_int(rows.get("read"), lang=lang),
                                used=fmt_int(rows.get("used"), lang=lang),
                                excluded=phrase("method_excluded", lang, items=items) if items else ""))
        params = survey_parameters(self.results, self.survey)
        weighting = params.get("weighting")
        method = weighting.get("method") if isinstance(weighting, dict) else weighting
        weight = params.get("weight") or (params.get("design", {}) or {}).get("weight") if isinstance(params.get("design", {}), dict) else params.get("weight")
        if method:
            text = phrase("weight_method", lang, method=method)
        elif weight:
            text = phrase("weight_vendor", lang, weight=weight)
        else:
            text = phrase("weight_none", lang) if params else ("Se manifest.json." if lang == "nb" else "See manifest.json.")
        efficiency = self._efficiency_text()
        if self.survey != "innovasjon":  # firm weights N/n are described with the design below
            parts.append(phrase("method_weighting", lang, text=f"{text} {efficiency}".strip()))
        elif efficiency:
            parts.append(efficiency)
        est = self.estimates
        if est.height:
            methods = ", ".join(sorted(set(est["ci_method"].drop_nulls().to_list())))
            dfs = [float(v) for v in est["df"].drop_nulls().to_list()]
            df_text = ":" if not dfs else fmt_number(min(dfs), 0, lang=lang) if min(dfs) == max(dfs) \
                else f"{fmt_number(min(dfs), 0, lang=lang)}–{fmt_number(max(dfs), 0, lang=lang)}"
            levels = [float(v) for v in est["level"].drop_nulls().to_list()] or [0.95]
            level = fmt_number(levels[0], 0, lang=lang, scale=2)
            key = "innovation_method_ci" if self.survey == "innovasjon" else "method_ci"
            parts.append(phrase(key, lang, level=level, methods=methods, df=df_text))
            if self.survey == "innovasjon":
                definition = read_definition(self.round, self.survey, self.root)
                min_firms = definition.get("disclosure", {}).get("min_firms", params.get("min_firms", 3))
                parts.append(phrase("innovation_suppression", lang, min_firms=min_firms))
            else:
                definition = read_definition(self.round, self.survey, self.root)
                min_n = params.get("min_n") or definition.get("reliability", {}).get("min_n", 30)
                parts.append(phrase("method_suppression", lang, min_n=min_n,
                                    suppressed=int((est["flag"] == "suppressed").sum()),
                                    flagged=int((est["flag"] == "flagged").sum())))
        if self.ranks.height:
            r = self.ranks.row(0, named=True)
            parts.append(phrase("method_ranks", lang, method=_method_text(str(r.get("method") or ""), lang),
                                draws=fmt_int(r.get("draws"), lang=lang),
                                seed=r.get("seed")))
        if self.untranslated:
            shown = ", ".join(f"«{t}»" for t in self.untranslated)
            parts.append(phrase("method_untranslated", lang, labels=shown))
        parts.append(phrase("method_source", lang, round=self.round))
        return parts

    def _efficiency_text(self) -> str:
        """Kish's weighting efficiency of every weight used: this round's, the vendor's and the
        calibrated one, and the comparison round's when its analysis is in ``analyses/``."""
        import json

        lang = self.lang
        sentences = []
        manifests = [(self.round, self.results.manifest)]
        if self.previous is not None:
            path = self.root / "analyses" / str(self.previous) / "manifest.json"
            if path.is_file():
                manifests.append((self.previous, json.loads(path.read_text(encoding="utf-8"))))
        for round_, manifest in manifests:
            entry = manifest.get("surveys", {}).get(self.survey, {})
            if not isinstance(entry, dict):
                continue
            params = entry.get("parameters", {}) or {}
            used = (entry.get("rows") or {}).get("used")
            weight = params.get("weight") or (params.get("design") or {}).get("weight")
            items = []
            vendor = params.get("weight_diagnostics") or {}
            what = phrase("efficiency_firms" if self.survey == "innovasjon" else "efficiency_vendor", lang,
                          weight=weight)
            if vendor.get("efficiency"):
                items.append(self._efficiency_item(vendor["efficiency"], what, used))
            raked = ((params.get("weighting") or {}) if isinstance(params.get("weighting"), dict) else {}) \
                .get("diagnostics") or {}
            if raked.get("efficiency"):
                items.append(self._efficiency_item(raked["efficiency"], phrase("efficiency_raked", lang), used))
            if items:
                sentences.append(phrase("weight_efficiency", lang, round=round_, items="; ".join(items)))
        return " ".join(sentences)

    def _efficiency_item(self, efficiency: float, what: str, used: int | None) -> str:
        lang = self.lang
        n = fmt_int(used, lang=lang) if used else ":"
        neff = fmt_int(round(used * efficiency), lang=lang) if used else ":"
        return phrase("efficiency_item", lang, eff=fmt_pct(efficiency, 0, lang=lang), what=what, neff=neff, n=n)

    def method(self) -> None:
        """Display the method notes."""
        self._emit(self.method_parts())

    # ------------------------------------------------------------- innovation
    def innovation_summary_parts(self) -> list[Any]:
        """Østfold against Norway on each innovation indicator, as a table (id ``sammendrag``)."""
        from great_tables import GT

        lang = self.lang
        rows = []
        for ind in self.main_domains:
            data = {r["target"]: r for r in self.estimates.filter(pl.col("indicator") == ind).iter_rows(named=True)}
            o, n = data.get("ostfold"), data.get("norge")
            if o is None:
                continue
            cmp = _tables._comparison(self.comparisons, ind, self.main_domains[ind], "norge", "ostfold", "norge")
            change = _tables._comparison(self.comparisons, ind, self.main_domains[ind], "round", "ostfold", "ostfold",
                                         self.previous)
            rows.append({
                "label": o["label"], "ostfold": _tables._cell(o, lang), "ci": _tables._interval(o, lang),
                "norge": _tables._cell(n, lang) if n else ":",
                # Østfold's total minus Norway's says nothing (Norway holds Østfold): show its share.
                "diff": (f"{fmt_pct(cmp['ratio'], lang=lang)} {'av Norge' if lang == 'nb' else 'of Norway'}"
                         if o["kind"] == "total" and cmp and cmp.get("ratio") is not None
                         else _tables._difference(cmp, o, lang, n)),
                "change": _tables._difference(change, o, lang) if change else "–",
            })
        frame = pl.DataFrame(rows, schema={k: pl.String for k in ("label", "ostfold", "ci", "norge", "diff", "change")})
        has_change = bool(self.comparisons.height) and self.comparisons.filter(pl.col("comparison") == "round").height > 0
        table = (GT(frame, id="sammendrag", rowname_col="label")
                 .tab_stubhead(label=phrase("col_indicator", lang))
                 .cols_label(ostfold="Østfold", ci=phrase("col_ci", lang),
                             norge=phrase("norge_line", lang),
                             diff=("Østfold mot Norge" if lang == "nb" else "Østfold vs Norway"),
                             change=phrase("col_change", lang, prev=self.previous) if self.previous else phrase("col_change_none", lang))
                 .cols_align("right", columns=["ostfold", "ci", "norge", "diff", "change"]))
        if not has_change:
            table = table.cols_hide("change")
        table = _tables._style(table)
        for note in _tables._footnotes(self.estimates, lang):
            table = table.tab_source_note(note)
        # The section's id must not be the table's (``sammendrag``): one id, one element.
        return [f"## {phrase('summary', lang)} {{#sammendrag-seksjon}}", table]

    def innovation_summary(self) -> None:
        """Display the innovation summary table."""
        self._emit(self.innovation_summary_parts())

    def innovation_parts(self) -> list[Any]:
        """Each innovation indicator: the counties and Norway, Norway as the reference line."""
        lang = self.lang
        parts: list[Any] = [f"## {phrase('innovation_overview', lang)}", phrase("innovation_intro", lang)]
        for ind in self.main_domains:
            label = self.labels[ind]
            parts.append(f"### {label}")
            shown = self.estimates
            is_total = self.estimates.filter(pl.col("indicator") == ind)["kind"].first() == "total"
            if is_total:
                # Norway's total is the sum of every county's: as a bar it would dwarf them.
                shown = shown.filter(~((pl.col("indicator") == ind) & (pl.col("target") == "norge")))
            plot = _charts.county_chart(shown, ind, lang=lang, reference="none" if is_total else "norge")
            n_targets = shown.filter(pl.col("indicator") == ind)["target"].n_unique()
            width, height = _charts.county_chart_size(1, n_targets)
            caption = phrase("fig_innovation_total" if is_total else "fig_innovation", lang, label=label, round=self.round)
            parts.append(_charts.figure_markdown(plot, caption,
                                                width=width, height=height, fig_id=f"fig-{ind.replace('_', '-')}",
                                                alt=_charts.county_alt(shown, ind, lang=lang)))
            cmp = _tables._comparison(self.comparisons, ind, self.main_domains[ind], "norge", "ostfold", "norge")
            rows = self.estimates.filter((pl.col("indicator") == ind) & pl.col("target").is_in(["ostfold", "norge"]))
            hidden = rows.filter(pl.col("flag") == "suppressed").height > 0
            if cmp and cmp.get("difference") is not None and not hidden and not is_total:
                first = rows.row(0, named=True)
                unit = unit_of(first.get("kind"), first.get("display"))
                sig = phrase("sig_yes" if cmp.get("significant") else "sig_no", lang)
                parts.append(phrase("norge_text", lang,
                                    diff=fmt_unit(cmp["difference"], unit, lang=lang, sign=True, difference=True),
                                    lo=fmt_bound(cmp["ci_low"], unit, lang=lang),
                                    hi=fmt_bound(cmp["ci_high"], unit, lang=lang), sig=sig))
            parts.append(_tables.county_table(self.estimates, ind, lang=lang, table_id=f"tabell-{ind}"))
        return parts

    def innovation(self) -> None:
        """Display the innovation indicators."""
        self._emit(self.innovation_parts())

    def innovation_breakdowns_parts(self, breakdowns: tuple[str, ...] = ("naering", "storrelse"),
                                    target: str = "ostfold") -> list[Any]:
        """The goal's indicator for one county by næring and size class (the breakdown rows), `:` where withheld."""
        lang = self.lang
        tables = load_round(self.round, self.root, tables=True).estimates
        if not tables.height or "breakdown" not in tables.columns:
            return []
        rows = tables.filter((pl.col("survey") == self.survey) & pl.col("breakdown").is_in(list(breakdowns))
                             & (pl.col("target") == target))
        if not rows.height:
            return []
        indicator = self._goal_spec()[0]
        if indicator not in set(rows["indicator"].to_list()):
            indicator = str(rows["indicator"][0])
        return [f"## {phrase('innovation_breakdowns', lang)}", phrase("innovation_breakdowns_intro", lang),
                _tables.breakdown_table(rows, indicator, breakdowns, target=target, lang=lang,
                                        table_id="tabell-naering-storrelse")]

    def innovation_breakdowns(self) -> None:
        """Display Østfold's innovation activity by næring and size class."""
        self._emit(self.innovation_breakdowns_parts())

    def goal_parts(self) -> list[Any]:
        """Progress toward doubling: the ratio to the baseline round with its CI."""
        lang = self.lang
        parts: list[Any] = [f"## {phrase('goal', lang)}"]
        rows = (self.comparisons.filter(pl.col("comparison") == "baseline_ratio")
                if self.comparisons.height else self.comparisons)
        if not rows.height:
            return [*parts, self._baseline_text()]
        ostfold = rows.filter(pl.col("target_a") == "ostfold")
        r = (ostfold if ostfold.height else rows).row(0, named=True)
        params = survey_parameters(self.results, self.survey)
        goal: dict[str, Any] = params["goal"] if isinstance(params.get("goal"), dict) else {}
        definition = read_definition(self.round, self.survey, self.root)
        factor = float(goal.get("factor") or definition.get("goal", {}).get("factor", 2.0))
        baseline = int(r.get("round_b") or goal.get("baseline") or definition.get("goal", {}).get("baseline", 2016))
        ratio, lo, hi = r.get("ratio"), r.get("ratio_ci_low"), r.get("ratio_ci_high")
        if ratio is None or lo is None or hi is None:
            return [*parts, phrase("goal_missing", lang)]
        parts.append(phrase("goal_intro", lang, baseline=baseline, round=self.round))
        plot = _charts.goal_chart(ratio, lo, hi, factor=factor, baseline=baseline, round_=self.round, lang=lang)
        parts.append(_charts.figure_markdown(plot, phrase("fig_goal", lang, round=self.round, baseline=baseline,
                                                          factor=fmt_number(factor, 1, lang=lang)),
                                            width=7.5, height=2.0, fig_id="fig-goal",
                                            alt=_charts.goal_alt(ratio, lo, hi, factor=factor, baseline=baseline,
                                                                 round_=self.round, lang=lang)))
        f = fmt_number(factor, 1, lang=lang)
        vals = {"lo": fmt_number(lo, 2, lang=lang), "hi": fmt_number(hi, 2, lang=lang),
                "ratio": fmt_number(ratio, 2, lang=lang), "factor": f, "round": self.round}
        key = "goal_reached" if lo >= factor else "goal_plausible" if hi >= factor else "goal_ruled_out"
        parts.append(f"**{phrase(key, lang, **vals)}**")
        return parts

    def _goal_spec(self) -> tuple[str, int | None, float]:
        """The goal's indicator, baseline round and factor: manifest parameters, else the definition."""
        params = survey_parameters(self.results, self.survey)
        goal: dict[str, Any] = params["goal"] if isinstance(params.get("goal"), dict) else {}
        declared = read_definition(self.round, self.survey, self.root).get("goal", {})
        indicator = str(goal.get("indicator") or declared.get("indicator") or "innovasjonsaktivitet")
        baseline = goal.get("baseline") or declared.get("baseline")
        factor = float(goal.get("factor") or declared.get("factor") or 2.0)
        return indicator, int(baseline) if baseline is not None else None, factor

    def _baseline_text(self) -> str:
        """No ratio to show: this round is the baseline (say what doubling means), or the baseline is missing."""
        lang = self.lang
        indicator, baseline, factor = self._goal_spec()
        if baseline is None or baseline != self.round:
            return phrase("goal_missing", lang)
        row = self.estimates.filter((pl.col("indicator") == indicator) & (pl.col("target") == "ostfold"))
        if not row.height or row["flag"][0] == "suppressed":
            return phrase("goal_missing", lang)
        value = float(row["estimate"][0])
        return phrase("goal_baseline", lang, round=self.round, value=fmt_pct(value, lang=lang),
                      factor=fmt_number(factor, 1, lang=lang), target=fmt_pct(min(1.0, factor * value), lang=lang))

    def goal(self) -> None:
        """Display the progress toward the doubling goal."""
        self._emit(self.goal_parts())



_METHOD_NB = {
    "parametric: multivariate normal with design covariance":
        "parametrisk: trekk fra en multivariat normalfordeling med designkovariansen",
    "bootstrap": "bootstrap",
}


def _method_text(method: str, lang: str) -> str:
    """The analysis's method string (English, stable) in the report's language when known."""
    if lang == "nb":
        return _METHOD_NB.get(method, method)
    return method
