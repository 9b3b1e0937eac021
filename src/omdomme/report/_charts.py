"""The report's charts (plotnine), one function per kind of figure.

One look throughout: a light minimal theme, DejaVu Sans (it ships with matplotlib, so the
charts look the same on every machine), Østfold in a strong teal with a diamond marker and a bold
label, Akershus — the level to reach — in dark orange, the other counties grey, intervals drawn
as ranges, every colour at least 3:1 against the background (:mod:`omdomme.report._palette`). Every function
takes the tables of ``analyses/<round>/`` and returns a ``ggplot``; :func:`figure_markdown`
turns one into an embedded, captioned figure for the report.
"""

from __future__ import annotations

import base64
import io
import textwrap
from typing import TYPE_CHECKING, Any

import polars as pl

from omdomme.labels import NBSP, fmt_bound, fmt_number, fmt_pct, fmt_unit, unit_of
from omdomme.report._palette import (
    AKERSHUS,
    CATEGORY_COLOURS,
    COUNTY_GREYS,
    MUTED_TEXT,
    NORGE,
    OSTFOLD,
    RANK_COLOURS,
    RANK_TEXT,
    TEXT,
)
from omdomme.report._palette import OTHER as MUTED
from omdomme.report._text import phrase

if TYPE_CHECKING:
    from plotnine import ggplot

FONT = "DejaVu Sans"
OSTFOLD_SHAPE = "D"   # Østfold's marker: a diamond (the other counties: circles)


def _colour(target: str) -> str:
    return {"ostfold": OSTFOLD, "akershus": AKERSHUS, "norge": NORGE}.get(target, MUTED)


def theme_omdomme(base_size: float = 10.5, legend: bool = False) -> Any:
    """The report's plotnine theme: minimal, horizontal reading, no clutter.

    Examples
    --------
    >>> from plotnine import ggplot
    >>> plot = ggplot() + theme_omdomme()  # doctest: +SKIP
    """
    from plotnine import element_blank, element_line, element_text, theme, theme_minimal

    return theme_minimal(base_size=base_size, base_family=FONT) + theme(
        panel_grid_minor=element_blank(),
        panel_grid_major_y=element_blank(),
        panel_grid_major_x=element_line(color="#E3E6EA", size=0.6),
        axis_text=element_text(color=TEXT),
        axis_title=element_text(color=MUTED_TEXT, size=base_size * 0.9),
        strip_text=element_text(color=TEXT, weight="bold", ha="left", size=base_size),
        plot_title=element_text(color=TEXT, weight="bold", ha="left", size=base_size * 1.2),
        legend_position="bottom" if legend else "none",
        legend_title=element_blank(),
        legend_text=element_text(size=base_size * 0.9),
        figure_size=(8, 4),
    )


def _pct_labels(values: Any, lang: str) -> list[str]:
    # Whole percents unless the breaks fall between them (a narrow free-scaled panel).
    decimals = 0 if all(abs(v - round(v)) < 1e-9 for v in values if v == v) else 1
    return [fmt_number(v, decimals, lang=lang) + (f"{NBSP}%" if lang == "nb" else "%") for v in values]


def _wrap(text: str, width: int) -> str:
    return "\n".join(textwrap.wrap(text, width)) or text


def county_chart(estimates: pl.DataFrame, indicator: str, *, lang: str = "nb",
                 reference: str = "akershus", domains: list[str] | None = None,
                 survey: str | None = None) -> ggplot:
    """The counties on one indicator with 95 % intervals, Østfold highlighted.

    Parameters
    ----------
    estimates
        The ``estimates`` table of a round.
    indicator
        The indicator id, e.g. ``"vet_ikke"``.
    reference
        The target drawn as a dashed line: ``"akershus"`` (the level to reach) or ``"norge"``.
    domains
        Domains to show as panels (default: every domain of the indicator, in table order).

    Examples
    --------
    >>> plot = county_chart(results.estimates, "vet_ikke")  # doctest: +SKIP
    """
    from plotnine import (
        aes,
        coord_flip,
        facet_wrap,
        geom_hline,
        geom_linerange,
        geom_point,
        geom_text,
        ggplot,
        labs,
        scale_color_identity,
        scale_shape_identity,
        scale_x_discrete,
        scale_y_continuous,
        theme,
    )

    data = estimates.filter(pl.col("indicator") == indicator)
    if survey is not None:
        data = data.filter(pl.col("survey") == survey)
    present = data["domain"].unique(maintain_order=True).to_list()
    domains = [d for d in (domains or present) if d in present]
    data = data.filter(pl.col("domain").is_in(domains))
    first_row = data.row(0, named=True)
    unit = unit_of(first_row.get("kind"), first_row.get("display"))
    scale = {"pct": 100.0, "mill_kr": 1e-6}.get(unit, 1.0)
    hidden = pl.col("flag") == "suppressed"
    data = data.with_columns(
        *(pl.when(hidden).then(None).otherwise(pl.col(c) * scale).alias(c) for c in ("estimate", "ci_low", "ci_high")),
        pl.col("estimate").alias("_stored"),  # the label formats the stored value, not the scaled float
    ).with_columns(
        colour=pl.col("target").replace_strict({"ostfold": OSTFOLD, "akershus": AKERSHUS, "norge": NORGE}, default=MUTED),
        size=pl.when(pl.col("target") == "ostfold").then(pl.lit(4.6)).otherwise(pl.lit(3.0)),
        shape=pl.when(pl.col("target") == "ostfold").then(pl.lit(OSTFOLD_SHAPE)).otherwise(pl.lit("o")),
        weight=pl.when(pl.col("target") == "ostfold").then(pl.lit("bold")).otherwise(pl.lit("normal")),
        # Three panels side by side leave room for about 24 characters per title line.
        domain_label=pl.col("domain_label").map_elements(lambda s: _wrap(s, 24 if len(domains) >= 3 else 34),
                                                         return_dtype=pl.String),
    )
    # Counties ordered by the first domain's estimate, best at the top of the chart.
    first = data.filter(pl.col("domain") == domains[0])
    better = data["better"][0] if "better" in data.columns and data.height else "higher"
    first = first.sort("estimate", descending=(better == "lower"), nulls_last=False)
    order = first["target_label"].to_list()
    top = float(data["ci_high"].max() or 1.0)  # type: ignore[arg-type]

    def fmt(value: float) -> str:
        # The number the tables show, without a unit other than «%».
        return fmt_pct(value, lang=lang) if unit == "pct" else fmt_bound(value, unit, lang=lang, sign=False)
    data = data.with_columns(
        label=pl.when(hidden).then(pl.lit(":")).otherwise(
            pl.col("_stored").map_elements(fmt, return_dtype=pl.String)
            + pl.when(pl.col("flag") == "flagged").then(pl.lit("*")).otherwise(pl.lit(""))),
        label_y=pl.when(hidden).then(pl.lit(top * 0.02)).otherwise(pl.col("ci_high") + top * 0.03),
    )
    frame = data.to_pandas()
    frame["target_label"] = frame["target_label"].astype("category").cat.set_categories(order)
    panel_order = data.filter(pl.col("target") == data["target"][0])["domain_label"].to_list()
    frame["domain_label"] = frame["domain_label"].astype("category").cat.set_categories(panel_order)
    ref = frame[frame["target"] == reference]
    plot = ggplot(frame, aes(x="target_label", y="estimate"))
    if not ref["estimate"].isna().all():
        # The level to reach, under the points (no line when the reference is suppressed or absent).
        plot = plot + geom_hline(ref, aes(yintercept="estimate"), linetype="dashed", color=_colour(reference),
                                 size=0.7)
    # One group per layer (``group=1``): plotnine would otherwise make every county its own group
    # (its discrete x and colour) and transform and draw each one separately, a quarter of the
    # chart's drawing time; the ranges and labels never overlap, so the picture is the same.
    plot = (
        plot
        # Solid colours (no transparency): what is drawn has the palette's checked contrast.
        + geom_linerange(aes(ymin="ci_low", ymax="ci_high", color="colour", group=1), size=1.1)
        + geom_point(aes(color="colour", size="size", shape="shape"), fill="white", stroke=0.9)
        + geom_text(frame[frame["target"] != "ostfold"], aes(y="label_y", label="label", group=1), ha="left",
                    size=8.5, color=TEXT, family=FONT)
        + geom_text(frame[frame["target"] == "ostfold"], aes(y="label_y", label="label", group=1), ha="left",
                    size=8.5, color=TEXT, family=FONT, fontweight="bold")
        + scale_color_identity()
        + scale_shape_identity()
        + scale_x_discrete(limits=order)
        + coord_flip()
        + labs(x="", y={"mill_kr": "mill. kr", "kr": "kr"}.get(unit, "") if lang == "nb"
               else {"mill_kr": "NOK million", "kr": "NOK"}.get(unit, ""))
        + theme_omdomme()
        + theme(panel_spacing_x=0.06)
    )
    from plotnine import scale_size_identity

    plot = plot + scale_size_identity()

    if unit == "pct":
        plot = plot + scale_y_continuous(labels=lambda vs: _pct_labels(vs, lang),
                                         limits=(0, top * (1.22 if len(domains) == 1 else 1.38)),
                                         expand=(0, 0, 0, 0))
    else:
        plot = plot + scale_y_continuous(labels=lambda vs: [fmt_number(float(v), 0, lang=lang) for v in vs],
                                         limits=(0, top * 1.25), expand=(0, 0, 0, 0))
    if len(domains) > 1:
        plot = plot + facet_wrap("~domain_label", ncol=len(domains) if len(domains) <= 3 else 2)
    return plot


def county_chart_size(n_domains: int, n_targets: int = 5) -> tuple[float, float]:
    """Width and height (inches) that keep a county chart readable."""
    width = 8.5
    return width, 0.9 + 0.36 * n_targets * (1 if n_domains <= 3 else (n_domains + 1) // 2)


def trend_chart(trend: pl.DataFrame, *, lang: str = "nb", domain: str = "alle",
                labels: dict[str, str] | None = None, order: list[str] | None = None) -> ggplot:
    """Every county's estimate over rounds, one panel per indicator; Østfold with its band.

    Examples
    --------
    >>> plot = trend_chart(trend_estimates("omdomme", 2018))  # doctest: +SKIP
    """
    from plotnine import (
        aes,
        facet_wrap,
        geom_line,
        geom_point,
        geom_ribbon,
        geom_text,
        ggplot,
        labs,
        scale_color_manual,
        scale_shape_manual,
        scale_x_continuous,
        scale_y_continuous,
        theme,
    )

    data = trend.filter(pl.col("domain") == domain) if domain else trend
    data = data.filter(pl.col("flag").fill_null("ok") != "suppressed") if "flag" in data.columns else data
    labels = labels or {}
    data = data.with_columns(
        pl.col("estimate", "ci_low", "ci_high") * 100,
        panel=pl.col("indicator").replace_strict(labels, default=pl.col("indicator")).map_elements(
            lambda s: _wrap(s, 36), return_dtype=pl.String),
    )
    rounds = sorted(data["round"].unique().to_list())
    others_label = phrase("other_counties", lang)
    data = data.with_columns(
        group=pl.when(pl.col("target").is_in(["ostfold", "akershus"])).then(pl.col("target_label"))
        .otherwise(pl.lit(others_label)))
    colours = {"Østfold": OSTFOLD, "Akershus": AKERSHUS, others_label: MUTED}
    # One line per county and comparable segment: a series break is not drawn as a movement.
    segment = pl.col("segment").cast(pl.String).fill_null("1") if "segment" in data.columns else pl.lit("1")
    data = data.with_columns(line=pl.col("target") + pl.lit("/") + segment)
    frame = data.to_pandas()
    frame["group"] = frame["group"].astype("category").cat.set_categories(list(colours))
    panels = data.unique("indicator").sort(
        pl.col("indicator").replace_strict({k: i for i, k in enumerate(order or [])}, default=len(order or []),
                                           return_dtype=pl.Int64))["panel"].to_list()
    frame["panel"] = frame["panel"].astype("category").cat.set_categories(panels)
    ostf = frame[frame["target"] == "ostfold"]
    others = frame[frame["target"] != "ostfold"]
    ends = _end_labels(frame)
    span = max(rounds) - min(rounds) if len(rounds) > 1 else 1
    plot = (
        ggplot(frame, aes(x="round", y="estimate", color="group", group="line"))
        + geom_ribbon(ostf, aes(ymin="ci_low", ymax="ci_high"), fill=OSTFOLD, alpha=0.15, color="none")
        + geom_line(others, size=0.8)
        + geom_point(others, size=1.8)
        + geom_line(ostf, size=1.6)
        + geom_point(ostf, aes(shape="group"), size=3.2, fill=OSTFOLD)
        # Every county named at the end of its line: no legend to decode, no colour needed.
        + geom_text(ends[ends["target"] != "ostfold"], aes(x="label_x", y="label_y", label="target_label"),
                    ha="left", size=7.5, family=FONT, inherit_aes=False, color=TEXT)
        + geom_text(ends[ends["target"] == "ostfold"], aes(x="label_x", y="label_y", label="target_label"),
                    ha="left", size=7.5, family=FONT, inherit_aes=False, color=OSTFOLD, fontweight="bold")
        + scale_color_manual(values=colours)
        + scale_shape_manual(values={"Østfold": OSTFOLD_SHAPE, "Akershus": "o", others_label: "o"})
        + scale_x_continuous(breaks=rounds, labels=[str(r) for r in rounds],
                             limits=(min(rounds) - 0.3, max(rounds) + 0.32 * span + 0.9) if rounds else None)
        + scale_y_continuous(labels=lambda vs: _pct_labels(vs, lang))
        + facet_wrap("~panel", ncol=2, scales="free_y")
        + labs(x="", y="")
        + theme_omdomme(legend=False)
        + theme(panel_spacing_y=0.07, panel_spacing_x=0.08)
    )
    return plot


def _end_labels(frame: Any) -> Any:
    """One label per county and panel at its last round, spread apart vertically so none overlap."""
    last = frame.sort_values("round").groupby(["panel", "target"], observed=True).tail(1).copy()
    last["label_x"] = last["round"] + 0.15
    last["label_y"] = last["estimate"]
    out = []
    for _, part in last.groupby("panel", observed=True):
        values = frame.loc[frame["panel"] == part["panel"].iloc[0], ["estimate", "ci_low", "ci_high"]]
        spread = float(values.max().max() - values.min().min()) or 1.0
        gap = spread * 0.085
        part = part.sort_values("estimate").copy()
        ys = part["estimate"].tolist()
        for i in range(1, len(ys)):
            ys[i] = max(ys[i], ys[i - 1] + gap)
        shift = (ys[-1] - part["estimate"].iloc[-1]) / 2 if ys else 0.0  # centre the stack on the data
        part["label_y"] = [y - shift for y in ys]
        out.append(part)
    import pandas as pd

    return pd.concat(out) if out else last


def rank_chart(ranks: pl.DataFrame, *, lang: str = "nb", target: str = "ostfold",
               labels: dict[str, str] | None = None) -> ggplot:
    """The probability of each rank for one county, a stacked bar per indicator.

    ``ranks`` is the contract's ranks table filtered to one domain per indicator.

    Examples
    --------
    >>> plot = rank_chart(results.ranks.filter(pl.col("domain") == "alle"))  # doctest: +SKIP
    """
    from plotnine import (
        aes,
        coord_flip,
        geom_col,
        geom_text,
        ggplot,
        guide_legend,
        guides,
        labs,
        position_stack,
        scale_fill_manual,
        scale_x_discrete,
        scale_y_continuous,
    )

    labels = labels or {}
    rank_cols = [c for c in ranks.columns if c.startswith("p_rank_")]
    data = ranks.filter(pl.col("target") == target).with_columns(
        panel=pl.col("indicator").replace_strict(labels, default=pl.col("indicator")).map_elements(
            lambda s: _wrap(s, 38), return_dtype=pl.String))
    order = data["panel"].to_list()[::-1]
    long = data.unpivot(index=["panel", "p_top3"], on=rank_cols, variable_name="rank", value_name="p").with_columns(
        rank=pl.col("rank").str.replace("p_rank_", "").cast(pl.Int64),
    ).with_columns(
        rank_label=pl.format("{} {}", pl.lit(phrase("rank", lang)), pl.col("rank")),
        text=pl.when(pl.col("p") >= 0.07).then(
            pl.col("p").map_elements(lambda p: fmt_pct(p, 0, lang=lang), return_dtype=pl.String)).otherwise(pl.lit("")),
        text_colour=pl.lit(RANK_TEXT),
    )
    levels = [f"{phrase('rank', lang)} {k}" for k in range(1, len(rank_cols) + 1)]
    frame = long.to_pandas()
    frame["rank_label"] = frame["rank_label"].astype("category").cat.set_categories(levels[::-1])
    top3 = data.select("panel", "p_top3").to_pandas()
    top3["text"] = [phrase("col_top3", lang) + ": " + fmt_pct(p, 0, lang=lang) for p in top3["p_top3"]]
    from plotnine import scale_color_identity

    plot = (
        ggplot(frame, aes(x="panel", y="p", fill="rank_label", group="rank_label"))
        # White gaps between the segments: each segment stands 3:1 against its neighbour's edge.
        + geom_col(width=0.68, position=position_stack(), color="white", size=0.6)
        # Grouped by rank like the bars, so each label stacks onto its own segment.
        + geom_text(aes(label="text", color="text_colour", group="rank_label"), position=position_stack(vjust=0.5),
                    size=8.5, family=FONT)
        + geom_text(top3, aes(x="panel", y=1.02, label="text"), inherit_aes=False, ha="left", size=8.5,
                    color=TEXT, family=FONT)
        + scale_color_identity()
        + scale_fill_manual(values=dict(zip(levels, RANK_COLOURS, strict=False)), breaks=levels)
        + scale_x_discrete(limits=order)
        + scale_y_continuous(labels=lambda vs: _pct_labels([100 * float(v) for v in vs], lang), limits=(0, 1.32),
                             breaks=[0, 0.25, 0.5, 0.75, 1.0], expand=(0, 0, 0, 0))
        + coord_flip()
        + guides(fill=guide_legend(nrow=1))
        + labs(x="", y=phrase("probability", lang))
        + theme_omdomme(legend=True)
    )
    return plot


def association_chart(estimates: pl.DataFrame, indicators: list[str], *, lang: str = "nb",
                      domain: str = "alle") -> ggplot:
    """Shares of each kind of association per county (e.g. geography against values).

    Examples
    --------
    >>> plot = association_chart(results.estimates, ["steder", "verdier"])  # doctest: +SKIP
    """
    from plotnine import (
        aes,
        coord_flip,
        geom_linerange,
        geom_point,
        ggplot,
        labs,
        position_dodge,
        scale_color_manual,
        scale_y_continuous,
    )

    data = estimates.filter(pl.col("indicator").is_in(indicators) & (pl.col("domain") == domain)
                            & (pl.col("flag") != "suppressed"))
    data = data.with_columns(pl.col("estimate", "ci_low", "ci_high") * 100,
                             category=pl.col("label").map_elements(lambda s: _wrap(s, 40), return_dtype=pl.String))
    order = (data.filter(pl.col("indicator") == indicators[0]).sort("estimate")["target_label"].to_list())
    frame = data.to_pandas()
    frame["target_label"] = frame["target_label"].astype("category").cat.set_categories(order)
    palette = list(CATEGORY_COLOURS)
    cats = data["category"].unique(maintain_order=True).to_list()
    dodge = position_dodge(width=0.6)
    return (
        ggplot(frame, aes(x="target_label", y="estimate", color="category"))
        + geom_linerange(aes(ymin="ci_low", ymax="ci_high"), position=dodge, size=1.1)
        + geom_point(position=dodge, size=3)
        + scale_color_manual(values=dict(zip(cats, palette, strict=False)))
        + scale_y_continuous(labels=lambda vs: _pct_labels(vs, lang))
        + coord_flip()
        + labs(x="", y=phrase("col_estimate", lang) + " (%)")
        + theme_omdomme(legend=True)
    )


def association_profile_chart(estimates: pl.DataFrame, frame: list[str], *, lang: str = "nb",
                              domain: str = "alle") -> ggplot:
    """The association frame per county: the share mentioning each category, with intervals, Østfold highlighted.

    ``frame`` lists the ``assos_*`` indicators in frame order (top to bottom); suppressed
    cells are left out.

    Examples
    --------
    >>> plot = association_profile_chart(results.estimates, ["assos_steder", "assos_verdier"])  # doctest: +SKIP
    """
    from plotnine import (
        aes,
        coord_flip,
        geom_linerange,
        geom_point,
        ggplot,
        labs,
        position_dodge,
        scale_color_manual,
        scale_y_continuous,
    )

    data = estimates.filter(pl.col("indicator").is_in(frame) & (pl.col("domain") == domain)
                            & (pl.col("flag") != "suppressed"))
    data = data.with_columns(pl.col("estimate", "ci_low", "ci_high") * 100,
                             category=pl.col("label").str.replace("^(Nevner|Mentions) ", "")
                             .map_elements(lambda s: _wrap(s[:1].upper() + s[1:], 28), return_dtype=pl.String))
    cats = (data.select("indicator", "category").unique(maintain_order=True)
            .sort(pl.col("indicator").replace_strict({f: i for i, f in enumerate(frame)}, default=99),
                  descending=True)["category"].to_list())
    frame_pd = data.to_pandas()
    frame_pd["category"] = frame_pd["category"].astype("category").cat.set_categories(cats)
    counties = data["target_label"].unique(maintain_order=True).to_list()
    # Østfold in the project colour, the other counties in the palette's greys (checked >= 3:1).
    palette: dict[str, str] = {}
    for name in counties:
        others = len([c for c in palette if c != "Østfold"])
        palette[name] = OSTFOLD if name == "Østfold" else COUNTY_GREYS[others % len(COUNTY_GREYS)]
    frame_pd["target_label"] = frame_pd["target_label"].astype("category").cat.set_categories(
        [c for c in counties if c != "Østfold"] + [c for c in counties if c == "Østfold"])
    dodge = position_dodge(width=0.75)
    return (
        ggplot(frame_pd, aes(x="category", y="estimate", color="target_label"))
        + geom_linerange(aes(ymin="ci_low", ymax="ci_high"), position=dodge, size=1.1)
        + geom_point(position=dodge, size=2.4)
        + scale_color_manual(values=palette, name="")
        + scale_y_continuous(labels=lambda vs: _pct_labels(vs, lang))
        + coord_flip()
        + labs(x="", y=phrase("col_estimate", lang) + " (%)")
        + theme_omdomme(legend=True)
    )


def goal_chart(ratio: float, low: float, high: float, *, factor: float = 2.0, baseline: int,
               round_: int, lang: str = "nb") -> ggplot:
    """The ratio of Østfold's share to the baseline round with its CI, against the goal factor.

    Examples
    --------
    >>> plot = goal_chart(1.2, 0.95, 1.5, factor=2.0, baseline=2016, round_=2018)  # doctest: +SKIP
    """
    import pandas as pd
    from plotnine import (
        aes,
        annotate,
        geom_point,
        geom_segment,
        geom_vline,
        ggplot,
        labs,
        scale_x_continuous,
        scale_y_continuous,
        theme,
    )

    frame = pd.DataFrame({"y": [0.0], "ratio": [ratio], "low": [low], "high": [high]})
    hi = max(factor * 1.15, high * 1.08)
    label = f"{round_}: " + fmt_number(ratio, 2, lang=lang)
    return (
        ggplot(frame, aes(y="y"))
        + geom_vline(xintercept=1.0, color=MUTED, size=0.8)
        + geom_vline(xintercept=factor, color=AKERSHUS, linetype="dashed", size=0.9)
        + annotate("text", x=1.0, y=0.55, label=f"{phrase('baseline_label', lang)} {baseline}", ha="left",
                   size=9, color=MUTED_TEXT, family=FONT, nudge_x=0.03)
        + annotate("text", x=factor - 0.03, y=0.55, label=f"{phrase('goal_label', lang)}: × {fmt_number(factor, 1, lang=lang)}",
                   ha="right", size=9, color=AKERSHUS, family=FONT)
        + geom_segment(aes(x="low", xend="high", yend="y"), color=OSTFOLD, size=1.6)
        + geom_point(aes(x="ratio"), color=OSTFOLD, size=5)
        + annotate("text", x=ratio, y=-0.4, label=label, size=9.5, color=TEXT, family=FONT)
        + scale_x_continuous(limits=(min(0.5, low * 0.9), hi),
                             labels=lambda vs: ["× " + fmt_number(float(v), 1, lang=lang) for v in vs])
        + scale_y_continuous(limits=(-0.8, 0.8), breaks=[])
        + labs(x=phrase("ratio_axis", lang), y="")
        + theme_omdomme()
        + theme(figure_size=(7.5, 2.0), panel_grid_major_y=None)
    )


def figure_markdown(plot: ggplot, caption: str, *, width: float = 8.0, height: float = 4.0,
                    dpi: int = 144, fig_id: str | None = None, alt: str | None = None) -> str:
    """Render ``plot`` to PNG and return a Markdown figure with the image embedded as a data URI.

    A Markdown image alone in a paragraph becomes a captioned figure in pandoc and Quarto
    alike, so the same cell output gives a ``<figure>`` with ``<figcaption>`` in HTML and a
    captioned picture in DOCX, with no file beside the report.

    Examples
    --------
    >>> md = figure_markdown(county_chart(est, "vet_ikke"), "«Vet ikke», 2018")  # doctest: +SKIP
    >>> md.startswith("![«Vet ikke», 2018](data:image/png;base64,")  # doctest: +SKIP
    True
    """
    from plotnine import theme

    figure = (plot + theme(figure_size=(width, height))).draw()
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png", dpi=dpi, facecolor="white")
    import matplotlib.pyplot as plt

    plt.close(figure)
    data = base64.b64encode(buffer.getvalue()).decode("ascii")
    attrs = [f"#{fig_id}"] if fig_id else []
    attrs.append('width="100%"')
    if alt:
        # pandoc reads `alt`, Quarto `fig-alt`; both say what the chart shows and its numbers.
        text = alt.replace('"', "«").replace("\n", " ")
        attrs += [f'alt="{text}"', f'fig-alt="{text}"']
    # Square brackets in a caption would end the Markdown link text early.
    safe = caption.replace("[", "(").replace("]", ")")
    return f"![{safe}](data:image/png;base64,{data}){{{' '.join(attrs)}}}"


# ------------------------------------------------------------------ alt texts
# A screen reader user gets what the chart shows and its key numbers, in words: not the
# caption again and never the image itself.

def _alt_value(row: dict[str, Any], lang: str) -> str:
    if row.get("flag") == "suppressed" or row.get("estimate") is None:
        return ":"
    unit = unit_of(row.get("kind"), row.get("display"))
    return fmt_unit(row["estimate"], unit, lang=lang)


def association_alt(estimates: pl.DataFrame, frame: list[str], *, lang: str = "nb", domain: str = "alle") -> str:
    """Alt text of the association profile: per county, the share of each category.

    Examples
    --------
    >>> association_alt(results.estimates, ["assos_steder", "assos_verdier"])  # doctest: +SKIP
    'Punktdiagram med 95 % intervaller. Østfold: Steder og byer 35,6 %, …'
    """
    data = estimates.filter(pl.col("indicator").is_in(frame) & (pl.col("domain") == domain))
    if not data.height:
        return ""
    panels = []
    for county in data["target_label"].unique(maintain_order=True).to_list():
        part = data.filter(pl.col("target_label") == county).sort(
            pl.col("indicator").replace_strict({f: i for i, f in enumerate(frame)}, default=99))
        items = ", ".join(f"{r['label'].removeprefix('Nevner ').removeprefix('Mentions ')} {_alt_value(r, lang)}" for r in part.iter_rows(named=True))
        panels.append(f"{county}: {items}")
    head = "Punktdiagram med 95 % intervaller" if lang == "nb" else "Dot chart with 95 % intervals"
    return f"{head}. " + ". ".join(panels) + "."


def county_alt(estimates: pl.DataFrame, indicator: str, *, lang: str = "nb",
               targets: list[str] | None = None) -> str:
    """Alt text of a county chart: per panel, every county's value, best first.

    Examples
    --------
    >>> county_alt(results.estimates, "vet_ikke")  # doctest: +SKIP
    'Punktdiagram med 95 % intervaller, lavere er bedre. Alle: Oslo 8,6 %, …, Østfold 29,4 %.'
    """
    data = estimates.filter(pl.col("indicator") == indicator)
    if targets is not None:
        data = data.filter(pl.col("target").is_in(targets))
    if not data.height:
        return ""
    better = data["better"][0]
    panels = []
    for dom in data["domain"].unique(maintain_order=True).to_list():
        part = data.filter(pl.col("domain") == dom).with_columns(_hidden=pl.col("flag") == "suppressed").sort(
            ["_hidden", "estimate"], descending=[False, better == "higher"], nulls_last=True)
        items = ", ".join(f"{r['target_label']} {_alt_value(r, lang)}" for r in part.iter_rows(named=True))
        panels.append(f"{part['domain_label'][0]}: {items}")
    head = ("Punktdiagram med 95 % intervaller, {b}" if lang == "nb" else "Dot chart with 95 % intervals, {b}").format(
        b=phrase("better_" + better, lang))
    hidden = " («:» = undertrykt)" if lang == "nb" else " («:» = suppressed)"
    suffix = hidden if (data["flag"] == "suppressed").any() else ""
    return f"{head}. " + ". ".join(panels) + f"{suffix}."


def trend_alt(trend: pl.DataFrame, labels: dict[str, str], *, lang: str = "nb") -> str:
    """Alt text of the trend chart: Østfold's and Akershus' first and last value per indicator."""
    if not trend.height:
        return ""
    rounds = sorted(trend["round"].unique().to_list())
    first, last = rounds[0], rounds[-1]
    parts = []
    for ind in trend["indicator"].unique(maintain_order=True).to_list():
        items = []
        for target in ("ostfold", "akershus"):
            rows = {r["round"]: r for r in trend.filter((pl.col("indicator") == ind) & (pl.col("target") == target))
                    .iter_rows(named=True)}
            if first in rows and last in rows:
                name = rows[last]["target_label"]
                items.append(f"{name} {_alt_value(rows[first], lang)} → {_alt_value(rows[last], lang)}")
        if items:
            parts.append(f"{labels.get(ind, ind)}: " + ", ".join(items))
    head = (f"Linjediagram {first}–{last}, én linje per fylke med navnet ved enden" if lang == "nb"
            else f"Line chart {first}–{last}, one line per county, named at its end")
    return f"{head}. " + ". ".join(parts) + "."


def rank_alt(ranks: pl.DataFrame, labels: dict[str, str], *, lang: str = "nb", target: str = "ostfold") -> str:
    """Alt text of the rank chart: per indicator the most likely rank and P(top 3)."""
    rows = ranks.filter(pl.col("target") == target)
    rank_cols = sorted(c for c in ranks.columns if c.startswith("p_rank_"))
    parts = []
    for r in rows.iter_rows(named=True):
        probs = [(int(c.removeprefix("p_rank_")), r[c] or 0.0) for c in rank_cols]
        best, p = max(probs, key=lambda t: t[1])
        parts.append((f"{labels.get(r['indicator'], r['indicator'])}: mest sannsynlig plass {best} ({fmt_pct(p, 0, lang=lang)}), "
                      f"P(topp 3) {fmt_pct(r['p_top3'], 0, lang=lang)}") if lang == "nb" else
                     (f"{labels.get(r['indicator'], r['indicator'])}: most likely rank {best} ({fmt_pct(p, 0, lang=lang)}), "
                      f"P(top 3) {fmt_pct(r['p_top3'], 0, lang=lang)}"))
    head = ("Stablede søyler: Østfolds sannsynlighet for hver plass" if lang == "nb"
            else "Stacked bars: Østfold's probability of each rank")
    return f"{head}. " + ". ".join(parts) + "."


def goal_alt(ratio: float, low: float, high: float, *, factor: float, baseline: int, round_: int,
             lang: str = "nb") -> str:
    """Alt text of the goal chart: the ratio, its interval and the goal factor."""
    f = fmt_number
    if lang == "nb":
        return (f"Forholdet mellom Østfolds andel i {round_} og i {baseline} er {f(ratio, 2)} "
                f"(95 % KI {f(low, 2)}–{f(high, 2)}); målet er × {f(factor, 1)}.")
    return (f"The ratio of Østfold's share in {round_} to {baseline} is {f(ratio, 2, lang=lang)} "
            f"(95 % CI {f(low, 2, lang=lang)}–{f(high, 2, lang=lang)}); the goal is × {f(factor, 1, lang=lang)}.")
