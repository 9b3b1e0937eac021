"""Every analysed round side by side: levels, Østfold's gap to Akershus, trends, goal status.

Reads only ``analyses/<round>/`` (estimates and, where present, comparisons) and the round
definitions (for series breaks); nothing is re-estimated. See ``docs/rounds.md``.

The trend of a series (one indicator × county × domain, or Østfold's gap to Akershus) is a
weighted least-squares line through its rounds with weights ``1 / se**2``. Its SE is the
sampling one, ``sqrt(1 / sum(w * (x - xbar)**2))``, multiplied by ``sqrt(max(1, phi))`` where
``phi = sum(w * residual**2) / (k - 2)``: when the rounds scatter around the line more than
their SEs allow (the truth is not a straight line), the interval widens accordingly, and it
never narrows below the sampling variance (a dispersion floored at 1, as in the modified
Knapp–Hartung rule). Interval and
p-value use Student's t with ``k - 2`` degrees of freedom (k rounds). A series is fitted only
within a comparable segment (no series break between its rounds), with at least 3 rounds.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import polars as pl

from omdomme.analysis.rounds import SURVEYS
from omdomme.definitions import available_rounds, read_toml
from omdomme.definitions.innovation import parse_goal
from omdomme.definitions.series import series_breaks
from omdomme.errors import UsageError
from omdomme.estimate.contrast import holm, independent
from omdomme.estimate.intervals import t_quantile, two_sided_p
from omdomme.results.manifest import file_entry
from omdomme.results.manifest import manifest as results_manifest
from omdomme.results.read import analysed_rounds, read_comparisons, read_estimates
from omdomme.results.write import write_folder

#: The year the strategy's goals are measured against.
GOAL_YEAR = 2026
#: Minimum number of comparable rounds for a trend line.
MIN_ROUNDS = 3

_SERIES_KEYS = ["survey", "indicator", "target", "domain"]
_FIT_KEYS = ["survey", "indicator", "target", "domain", "series", "segment"]


@dataclass(frozen=True)
class Trend:
    """Every analysed round of one or both surveys, with trends and goal status.

    Attributes
    ----------
    surveys : tuple of str
        The surveys included (``omdomme``, ``innovasjon``).
    rounds : tuple of int
        The analysed rounds read.
    table : polars.DataFrame
        ``trend``: one row per survey × round × indicator × county × domain (the round's
        estimate, its CI and flag; the series segment; on Østfold's rows the gap to Akershus).
    slopes : polars.DataFrame
        One row per series × segment (``series`` = ``level`` or ``gap_akershus``): the WLS
        slope per year and per round with SE, CI, p-value, and the projection to 2026.
    goals : polars.DataFrame
        Goal status by 2026: Østfold vs Akershus per indicator × domain (reputation), and
        the doubling of innovation activity (innovation).
    path : pathlib.Path or None
        ``analyses/trend/`` when written.
    manifest : dict
        What was read and how.
    """

    surveys: tuple[str, ...]
    rounds: tuple[int, ...]
    table: pl.DataFrame
    slopes: pl.DataFrame
    goals: pl.DataFrame
    path: Path | None
    manifest: Mapping[str, Any] = field(default_factory=dict)


def trend(*, root: Path | str = ".", survey: str = "omdomme", write: bool = True) -> Trend:
    """Put every analysed round side by side and fit a trend per indicator × county × domain.

    Parameters
    ----------
    root : path
        The project folder holding ``surveys/`` and ``analyses/``.
    survey : {"omdomme", "innovasjon", "all"}
        Which survey(s) to include.
    write : bool
        Write ``analyses/trend/`` (``trend``, ``slopes``, ``goals`` as parquet and CSV, and
        ``manifest.json``), atomically.

    Returns
    -------
    Trend

    Raises
    ------
    UsageError
        Unknown survey, or no analysed round holds the survey (exit 2).

    Examples
    --------
    >>> t = trend(root=".", survey="omdomme", write=False)
    >>> t.rounds
    (2016, 2018)
    """
    root = Path(root)
    if survey not in (*SURVEYS, "all"):
        raise UsageError(
            f"survey {survey!r} unknown; use one of omdomme, innovasjon, all (--survey)."
        )
    surveys = SURVEYS if survey == "all" else (survey,)
    rounds = analysed_rounds(root)
    if not rounds:
        present = ", ".join(map(str, available_rounds(root))) or "none"
        raise UsageError(
            f"no analysed round in {root / 'analyses'} (rounds present in surveys/: {present}); "
            "run `omdomme analyse <round>` first for each round."
        )
    # The association frame (assos_*) is descriptive: no trend, as analyse and compare do not compare it.
    est = pl.concat([read_estimates(r, root) for r in rounds], how="diagonal_relaxed").filter(
        pl.col("survey").is_in(surveys) & ~pl.col("indicator").str.starts_with("assos_")
    )
    if est.is_empty():
        raise UsageError(
            f"no analysed round holds the survey {survey!r} (analysed rounds: "
            f"{', '.join(map(str, rounds))}); run `omdomme analyse <round>` for its rounds."
        )
    est = est.with_columns(pl.col("round").cast(pl.Int64))
    used_rounds = tuple(sorted(est["round"].unique().to_list()))
    comparisons = {r: read_comparisons(r, root) for r in used_rounds}

    table = _with_segments(est, root)
    table = _with_gap(table, comparisons)
    slopes = _slopes(table)
    goals = _goals(table, slopes, comparisons, root)

    manifest = results_manifest(
        "trend",
        inputs=_trend_inputs(root, used_rounds),
        parameters={
            "surveys": list(surveys),
            "rounds": list(used_rounds),
            "weights": "1 / se^2",
            "slope_se": "sqrt(max(1, phi) / sum(w (x - xbar)^2)), phi = weighted RSS / (k - 2)",
            "interval": "t with k - 2 df (k comparable rounds), level 0.95",
            "min_rounds": MIN_ROUNDS,
            "segments": "split at every series break between consecutive analysed rounds",
            "gap": "ostfold - akershus; SE from the round's paired county comparison when "
            "present, else sqrt(se_ostfold^2 + se_akershus^2)",
            "goal_year": GOAL_YEAR,
        },
        rows={"trend": table.height, "slopes": slopes.height, "goals": goals.height},
    )
    path = None
    if write:
        path = root / "analyses" / "trend"
        write_folder(path, {"trend": table, "slopes": slopes, "goals": goals}, manifest)
    return Trend(surveys, used_rounds, table, slopes, goals, path, manifest)


# --------------------------------------------------------------------------------------------
# Segments between series breaks


def _with_segments(est: pl.DataFrame, root: Path) -> pl.DataFrame:
    """Add ``segment`` (1, 2, ...) and ``break_reason`` (on a segment's first round)."""
    frames = []
    for survey in est["survey"].unique().sort().to_list():
        rounds = sorted(est.filter(pl.col("survey") == survey)["round"].unique().to_list())
        for prev, cur in zip(rounds, rounds[1:], strict=False):
            b = series_breaks(prev, cur, root, surveys=(survey,))
            frames.append(b.with_columns(round=pl.lit(cur, dtype=pl.Int64)))
    schema = {
        "survey": pl.String,
        "indicator": pl.String,
        "domain": pl.String,
        "round": pl.Int64,
        "comparable": pl.Boolean,
        "break_reason": pl.String,
    }
    breaks = (
        pl.concat([f.select(list(schema)) for f in frames])
        if frames
        else pl.DataFrame(schema=schema)
    )
    out = (
        est.join(breaks, on=["survey", "indicator", "domain", "round"], how="left")
        .with_columns(
            __break=(~pl.col("comparable").fill_null(True)).cast(pl.Int64),
            break_reason=pl.when(~pl.col("comparable").fill_null(True)).then("break_reason"),
        )
        .sort([*_SERIES_KEYS, "round"])
        .with_columns(segment=(pl.col("__break").cum_sum().over(_SERIES_KEYS) + 1))
        .drop("__break", "comparable")
    )
    return out


# --------------------------------------------------------------------------------------------
# Østfold's gap to Akershus


def _with_gap(table: pl.DataFrame, comparisons: Mapping[int, pl.DataFrame | None]) -> pl.DataFrame:
    keys = ["survey", "round", "indicator", "domain"]
    flag = pl.col("flag") if "flag" in table.columns else pl.lit(None, pl.String)
    note = pl.col("note") if "note" in table.columns else pl.lit(None, pl.String)
    ost = table.filter(pl.col("target") == "ostfold").select(
        *keys,
        pl.col("estimate").alias("__e_o"),
        pl.col("se").alias("__se_o"),
        pl.col("df").alias("__df_o"),
        flag.alias("__flag_o"),
        note.alias("__note_o"),
    )
    ake = table.filter(pl.col("target") == "akershus").select(
        *keys,
        pl.col("estimate").alias("__e_a"),
        pl.col("se").alias("__se_a"),
        pl.col("df").alias("__df_a"),
        flag.alias("__flag_a"),
        note.alias("__note_a"),
    )
    both = ost.join(ake, on=keys, how="inner")
    # A gap to a suppressed figure is withheld (it would reveal it): say which side and why.
    withheld = both.select(
        *keys,
        gap_withheld=pl.concat_str(
            [
                pl.when(pl.col(f"__flag_{k}") == "suppressed").then(
                    pl.format(
                        "{} suppressed: {}",
                        pl.lit(name),
                        pl.col(f"__note_{k}").fill_null("").str.split(";").list.first().str.strip_chars(),
                    )
                )
                for k, name in (("o", "Østfold"), ("a", "Akershus"))
            ],
            separator="; ",
            ignore_nulls=True,
        ),
    ).with_columns(pl.when(pl.col("gap_withheld") != "").then("gap_withheld").alias("gap_withheld"))
    fallback = both.filter(
        (pl.col("__flag_o").fill_null("") != "suppressed") & (pl.col("__flag_a").fill_null("") != "suppressed")
    ).with_columns(
        gap_akershus=pl.col("__e_o") - pl.col("__e_a"),
        gap_se=(pl.col("__se_o") ** 2 + pl.col("__se_a") ** 2).sqrt(),
        __gap_df=pl.min_horizontal("__df_o", "__df_a"),
        gap_source=pl.lit(
            "independent approximation: sqrt(se_ostfold^2 + se_akershus^2) "
            "(no paired county comparison in the round's comparisons)"
        ),
    )
    gap_df = fallback["__gap_df"].fill_null(float("nan")).to_numpy()
    # Without a usable df the normal quantile (a variance taken as known).
    q = t_quantile(0.975, np.where(gap_df > 0, gap_df, np.inf))
    fallback = fallback.with_columns(__q=pl.Series(q)).select(
        *keys,
        "gap_akershus",
        "gap_se",
        gap_ci_low=pl.col("gap_akershus") - pl.col("__q") * pl.col("gap_se"),
        gap_ci_high=pl.col("gap_akershus") + pl.col("__q") * pl.col("gap_se"),
        gap_source=pl.col("gap_source"),
    )

    found = [_paired_gap(r, c) for r, c in comparisons.items() if c is not None]
    paired = [p for p in found if p is not None and not p.is_empty()]
    if paired:
        pairs = pl.concat(paired, how="vertical_relaxed")
        # The round's own paired comparison (same respondents rate both counties) wins.
        gap = pl.concat(
            [pairs, fallback.join(pairs.select(keys), on=keys, how="anti")], how="vertical_relaxed"
        )
    else:
        gap = fallback
    # A paired comparison the analysis withheld (no difference) is withheld here too.
    gap = gap.filter(pl.col("gap_akershus").is_not_null() & pl.col("gap_akershus").is_not_nan())
    gap = withheld.join(gap, on=keys, how="full", coalesce=True).with_columns(
        gap_withheld=pl.when(pl.col("gap_akershus").is_null()).then(
            pl.col("gap_withheld").fill_null("the round's comparison of Østfold and Akershus is withheld")
        ),
        gap_source=pl.col("gap_source").fill_null("withheld"),
    )
    return table.join(
        gap.with_columns(target=pl.lit("ostfold")),
        on=[*keys, "target"],
        how="left",
        maintain_order="left",
    )


def _paired_gap(round_: int, comp: pl.DataFrame) -> pl.DataFrame | None:
    needed = {"comparison", "target_a", "target_b", "difference", "se", "ci_low", "ci_high"}
    if not needed <= set(comp.columns):
        return None
    rows = comp.filter(
        pl.col("comparison") == "county",
        pl.concat_list("target_a", "target_b").list.sort() == pl.lit(["akershus", "ostfold"]),
    )
    # The contract's difference is a − b: turn it into Østfold − Akershus whatever the order.
    sign = pl.when(pl.col("target_a") == "ostfold").then(1.0).otherwise(-1.0)
    return rows.select(
        "survey",
        pl.lit(round_, dtype=pl.Int64).alias("round"),
        "indicator",
        "domain",
        gap_akershus=sign * pl.col("difference"),
        gap_se=pl.col("se"),
        gap_ci_low=pl.when(sign > 0).then("ci_low").otherwise(-pl.col("ci_high")),
        gap_ci_high=pl.when(sign > 0).then("ci_high").otherwise(-pl.col("ci_low")),
        gap_source=pl.lit(f"paired county comparison in analyses/{round_}/comparisons"),
    )


# --------------------------------------------------------------------------------------------
# Weighted least squares, vectorised over every series and segment


def _slopes(table: pl.DataFrame) -> pl.DataFrame:
    info = ["label", "kind", "better"]
    # A suppressed estimate is not shown, so no trend is drawn through it either (a line
    # through two shown rounds and a hidden one would reveal it).
    shown = table.filter(pl.col("flag").fill_null("") != "suppressed") if "flag" in table.columns else table
    level = shown.select(
        *_SERIES_KEYS,
        *info,
        "segment",
        "round",
        y="estimate",
        se="se",
        series=pl.lit("level"),
    )
    gap = table.filter(pl.col("gap_akershus").is_not_null()).select(
        *_SERIES_KEYS,
        *info,
        "segment",
        "round",
        y="gap_akershus",
        se="gap_se",
        series=pl.lit("gap_akershus"),
    )
    long = pl.concat([level, gap]).filter(
        # An empty or degenerate estimate (null/NaN, or se 0 at p = 0 or 1) carries no
        # weight that WLS could use: it is left out of the fit (n_rounds says how many were used).
        pl.col("y").is_finite().fill_null(False)
        & pl.col("se").is_finite().fill_null(False)
        & (pl.col("se") > 0)
    )
    fits = fit_wls(long, _FIT_KEYS, info=info)
    # For the analyst who scans many series at once: Holm across every county and indicator
    # of one survey, series and domain. `significant` stays the per-series test (a board asks
    # about one series at a time, e.g. Østfold's «vet ikke»).
    fits = holm(
        fits.with_columns(family=pl.format("trend:{}:{}:{}", "survey", "series", "domain")),
        "p_value",
        "family",
    ).with_columns(adjust_method=pl.lit("holm"))
    order = fits.columns
    at = order.index("significant")
    moved = ["p_adjusted", "adjust_method", "family"]
    rest = [c for c in order if c not in moved]
    return fits.select(rest[:at] + moved + rest[at:])


def fit_wls(
    long: pl.DataFrame,
    keys: list[str],
    *,
    info: list[str] | None = None,
    x0: float = GOAL_YEAR,
    level: float = 0.95,
) -> pl.DataFrame:
    """Weighted least-squares line ``y ~ round`` per group, weights ``1/se**2``.

    ``long`` has the ``keys``, ``round``, ``y`` and ``se``. Groups with fewer than
    :data:`MIN_ROUNDS` rounds get a row with null slope and a note.

    Examples
    --------
    >>> f = pl.DataFrame({"g": ["a"] * 4, "round": [2016, 2018, 2020, 2022],
    ...                   "y": [0.5, 0.4, 0.3, 0.2], "se": [0.01] * 4})
    >>> round(fit_wls(f, ["g"])["slope_per_year"][0], 12)
    -0.05
    """
    info = info or []
    w = 1 / pl.col("se") ** 2
    x = pl.col("round").cast(pl.Float64)
    # Centre on the weighted means first: sums of squares stay accurate in float64.
    centred = long.with_columns(
        __xbar=(w * x).sum().over(keys) / w.sum().over(keys),
        __ybar=(w * pl.col("y")).sum().over(keys) / w.sum().over(keys),
    )
    dx, dy = x - pl.col("__xbar"), pl.col("y") - pl.col("__ybar")
    agg = centred.group_by(keys, maintain_order=True).agg(
        *[pl.col(c).first() for c in info],
        n_rounds=pl.len(),
        round_first=pl.col("round").min(),
        round_last=pl.col("round").max(),
        rounds=pl.col("round").sort().cast(pl.String).str.join(","),
        __sw=w.sum(),
        __sxx=(w * dx**2).sum(),
        __sxy=(w * dx * dy).sum(),
        __syy=(w * dy**2).sum(),
        __xbar=pl.col("__xbar").first(),
        __ybar=pl.col("__ybar").first(),
    )
    enough = (pl.col("n_rounds") >= MIN_ROUNDS) & (pl.col("__sxx") > 0)
    agg = (
        agg.with_columns(
            slope_per_year=pl.when(enough).then(pl.col("__sxy") / pl.col("__sxx")),
            df=pl.when(enough).then(pl.col("n_rounds") - 2).cast(pl.Float64),
            # average spacing of the rounds fitted: "per round" is per survey interval
            __spacing=(pl.col("round_last") - pl.col("round_first"))
            / (pl.col("n_rounds") - 1).clip(lower_bound=1),
        )
        .with_columns(
            dispersion=pl.when(enough).then(
                ((pl.col("__syy") - pl.col("slope_per_year") * pl.col("__sxy")).clip(lower_bound=0))
                / pl.col("df")
            ),
        )
        .with_columns(
            __scale=pl.max_horizontal(pl.lit(1.0), pl.col("dispersion")),
        )
        .with_columns(
            se_per_year=(pl.col("__scale") / pl.col("__sxx")).sqrt(),
            projected_2026=pl.col("__ybar") + pl.col("slope_per_year") * (x0 - pl.col("__xbar")),
            projected_2026_se=(
                pl.col("__scale")
                * (1 / pl.col("__sw") + (x0 - pl.col("__xbar")) ** 2 / pl.col("__sxx"))
            ).sqrt(),
        )
    )
    df = agg["df"].fill_null(float("nan")).to_numpy()
    # t with k - 2 df; a group without a fit keeps NaN (then null) everywhere.
    q = np.where(np.isfinite(df), t_quantile(0.5 + level / 2, np.where(np.isfinite(df), df, 1.0)), np.nan)
    slope = agg["slope_per_year"].fill_null(float("nan")).to_numpy()
    se = agg["se_per_year"].fill_null(float("nan")).to_numpy()
    with np.errstate(invalid="ignore", divide="ignore"):
        p = np.where(
            np.isfinite(df), two_sided_p(slope / se, np.where(np.isfinite(df), df, 1.0)), np.nan
        )
    better = pl.col("better") if "better" in agg.columns else pl.lit("higher")
    out = (
        agg.with_columns(
            __q=pl.Series(q).fill_nan(None),
            p_value=pl.Series(p).fill_nan(None),
        )
        .with_columns(
            ci_low_per_year=pl.col("slope_per_year") - pl.col("__q") * pl.col("se_per_year"),
            ci_high_per_year=pl.col("slope_per_year") + pl.col("__q") * pl.col("se_per_year"),
            slope_per_round=pl.col("slope_per_year") * pl.col("__spacing"),
            se_per_round=pl.col("se_per_year") * pl.col("__spacing"),
            projected_2026_ci_low=pl.col("projected_2026")
            - pl.col("__q") * pl.col("projected_2026_se"),
            projected_2026_ci_high=pl.col("projected_2026")
            + pl.col("__q") * pl.col("projected_2026_se"),
        )
        .with_columns(
            ci_low_per_round=pl.col("ci_low_per_year") * pl.col("__spacing"),
            ci_high_per_round=pl.col("ci_high_per_year") * pl.col("__spacing"),
            significant=(pl.col("p_value") < 1 - level).fill_null(False),
            direction=pl.when(pl.col("p_value").is_null())
            .then(pl.lit("too few rounds"))
            .when(pl.col("p_value") >= 1 - level)
            .then(pl.lit("no significant trend"))
            .when((pl.col("slope_per_year") > 0) == (better == "higher"))
            .then(pl.lit("improving"))
            .otherwise(pl.lit("worsening")),
            method=pl.lit("WLS, weights 1/se^2; se x sqrt(max(1, dispersion)); t with k-2 df"),
            note=pl.when(~enough)
            .then(
                pl.format(
                    "only {} comparable round(s): at least {} needed for a trend",
                    "n_rounds",
                    pl.lit(MIN_ROUNDS),
                )
            )
            .otherwise(pl.lit("")),
        )
    )
    columns = [
        *keys,
        *info,
        "round_first",
        "round_last",
        "n_rounds",
        "rounds",
        "slope_per_year",
        "se_per_year",
        "ci_low_per_year",
        "ci_high_per_year",
        "slope_per_round",
        "se_per_round",
        "ci_low_per_round",
        "ci_high_per_round",
        "df",
        "p_value",
        "significant",
        "direction",
        "dispersion",
        "projected_2026",
        "projected_2026_se",
        "projected_2026_ci_low",
        "projected_2026_ci_high",
        "method",
        "note",
    ]
    return out.select(columns)


# --------------------------------------------------------------------------------------------
# Goals by 2026


def _goals(
    table: pl.DataFrame,
    slopes: pl.DataFrame,
    comparisons: Mapping[int, pl.DataFrame | None],
    root: Path,
) -> pl.DataFrame:
    found = [_reputation_goal(table, slopes), _innovation_goal(table, comparisons, root)]
    parts = [p for p in found if p is not None and not p.is_empty()]
    if not parts:
        return pl.DataFrame(schema=_GOAL_SCHEMA)
    return pl.concat([p.select(list(_GOAL_SCHEMA)).cast(_GOAL_SCHEMA) for p in parts])


_GOAL_SCHEMA = pl.Schema(
    {
        "survey": pl.String,
        "indicator": pl.String,
        "label": pl.String,
        "domain": pl.String,
        "target": pl.String,
        "goal_id": pl.String,
        "goal": pl.String,
        "better": pl.String,
        "round_latest": pl.Int64,
        "round_observed": pl.Int64,
        "observed": pl.Float64,
        "observed_ci_low": pl.Float64,
        "observed_ci_high": pl.Float64,
        "goal_value": pl.Float64,
        "projected_2026": pl.Float64,
        "projected_2026_ci_low": pl.Float64,
        "projected_2026_ci_high": pl.Float64,
        "status": pl.String,
        "status_reason": pl.String,
        "withheld_rounds": pl.String,
        "trend_rounds": pl.String,
        "source": pl.String,
        "note": pl.String,
    }
)


def _status(low: pl.Expr, high: pl.Expr, goal: pl.Expr, better: pl.Expr) -> pl.Expr:
    """`reached` when the interval lies on the goal's good side, `not reached` when on the
    bad side, `undecided` when it covers the goal value, `unknown` without an interval."""
    good_low = pl.when(better == "higher").then(low >= goal).otherwise(high <= goal)
    bad = pl.when(better == "higher").then(high < goal).otherwise(low > goal)
    return (
        pl.when(low.is_null() | high.is_null())
        .then(pl.lit("unknown"))
        .when(good_low)
        .then(pl.lit("reached"))
        .when(bad)
        .then(pl.lit("not reached"))
        .otherwise(pl.lit("undecided"))
    )


def _reputation_goal(table: pl.DataFrame, slopes: pl.DataFrame) -> pl.DataFrame | None:
    rows = table.filter(
        pl.col("survey") == "omdomme",
        pl.col("target") == "ostfold",
        pl.col("gap_akershus").is_not_null() | pl.col("gap_withheld").is_not_null(),
    )
    if rows.is_empty():
        return None
    keys = ["indicator", "domain"]
    ordered = rows.sort("round")
    # The latest analysed round of each series, shown or withheld, and the last round whose
    # gap can be shown: the status never silently falls back to an older round.
    latest = ordered.group_by(keys, maintain_order=True).agg(
        pl.col("label").last(),
        pl.col("better").last(),
        round_latest=pl.col("round").last(),
        latest_withheld=pl.col("gap_withheld").last(),
        withheld_rounds=pl.col("round").filter(pl.col("gap_akershus").is_null()).cast(pl.String).str.join(","),
        all_withheld=pl.format("{}: {}", "round", "gap_withheld").drop_nulls().str.join("; "),
    )
    shown = (
        ordered.filter(pl.col("gap_akershus").is_not_null())
        .group_by(keys, maintain_order=True)
        .last()
        .select(*keys, "gap_akershus", "gap_ci_low", "gap_ci_high", "gap_source", round_observed="round")
    )
    last_segment = (
        slopes.filter(pl.col("series") == "gap_akershus", pl.col("survey") == "omdomme")
        .sort("segment")
        .group_by(keys, maintain_order=True)
        .last()
        .select(
            *keys,
            "projected_2026",
            "projected_2026_ci_low",
            "projected_2026_ci_high",
            "rounds",
            fit_note="note",
        )
    )
    j = latest.join(shown, on=keys, how="left").join(last_segment, on=keys, how="left")
    observed_2026 = pl.col("round_observed") == GOAL_YEAR
    # The goal: Østfold reaches Akershus (gap 0). In 2026 the observed gap decides; before,
    # (or when the 2026 gap is withheld) the trend's projection to 2026 does.
    low = pl.when(observed_2026).then("gap_ci_low").otherwise("projected_2026_ci_low")
    high = pl.when(observed_2026).then("gap_ci_high").otherwise("projected_2026_ci_high")
    status = _status(low, high, pl.lit(0.0), pl.col("better"))
    judged = (
        pl.when(observed_2026)
        .then(pl.lit("judged on the observed 2026 gap"))
        .when(pl.col("projected_2026_ci_low").is_not_null())
        .then(pl.format("judged on the WLS trend of the gap over rounds {} projected to 2026", "rounds"))
    )
    why_unknown = (
        pl.when(pl.col("round_observed").is_null())
        .then(pl.format("no round's gap can be shown ({})", "all_withheld"))
        .otherwise(pl.col("fit_note").fill_null("no trend of the gap fitted"))
    )
    reason = (
        pl.when(pl.col("latest_withheld").is_not_null() & pl.col("round_observed").is_not_null())
        .then(
            pl.format(
                "the {} gap is withheld ({}); the last gap shown is {}'s; ",
                "round_latest",
                "latest_withheld",
                "round_observed",
            )
        )
        .otherwise(pl.lit(""))
    )
    status_reason = (
        pl.when(status == "unknown")
        .then(pl.concat_str([reason, pl.lit("status unknown: "), why_unknown]))
        .when(pl.col("latest_withheld").is_not_null())
        .then(pl.concat_str([reason, judged]))
        .otherwise(pl.lit(""))
    )
    return j.select(
        pl.lit("omdomme").alias("survey"),
        "indicator",
        "label",
        "domain",
        target=pl.lit("ostfold"),
        goal_id=pl.lit("gap_akershus"),
        goal=pl.lit("Østfold nærmer seg Akershus (gap Østfold − Akershus ≥ 0 i riktig retning)"),
        better="better",
        round_latest="round_latest",
        round_observed="round_observed",
        observed="gap_akershus",
        observed_ci_low="gap_ci_low",
        observed_ci_high="gap_ci_high",
        goal_value=pl.lit(0.0),
        projected_2026="projected_2026",
        projected_2026_ci_low="projected_2026_ci_low",
        projected_2026_ci_high="projected_2026_ci_high",
        status=status,
        status_reason=status_reason,
        withheld_rounds="withheld_rounds",
        trend_rounds="rounds",
        source=pl.when(observed_2026)
        .then(pl.format("observed gap in {} ({})", "round_observed", "gap_source"))
        .when(pl.col("rounds").is_not_null())
        .then(pl.format("WLS trend of the gap over rounds {} projected to 2026", "rounds"))
        .otherwise(pl.lit("no gap that can be shown")),
        note=pl.col("fit_note").fill_null("no trend of the gap fitted"),
    )


def _innovation_goal(
    table: pl.DataFrame, comparisons: Mapping[int, pl.DataFrame | None], root: Path
) -> pl.DataFrame | None:
    inno = table.filter(pl.col("survey") == "innovasjon")
    if inno.is_empty():
        return None
    latest_round = int(inno["round"].max())  # type: ignore[arg-type]
    goal = _goal_spec(latest_round, root)
    if goal is None:
        return None
    indicator, baseline, factor = goal
    comp = comparisons.get(latest_round)
    rows = None
    if comp is not None and {"comparison", "ratio"} <= set(comp.columns):
        rows = comp.filter(
            pl.col("comparison") == "baseline_ratio", pl.col("indicator") == indicator
        )
    if rows is not None and not rows.is_empty():
        base = rows.select(
            "survey",
            "indicator",
            "label",
            "domain",
            target="target_a",
            better="better",
            observed="ratio",
            observed_ci_low="ratio_ci_low",
            observed_ci_high="ratio_ci_high",
            source=pl.lit(f"baseline_ratio rows of analyses/{latest_round}/comparisons"),
            note=pl.lit(""),
        )
    else:
        # No baseline_ratio rows: the same delta-method ratio from the two rounds' estimates,
        # as independent samples.
        now = inno.filter(pl.col("round") == latest_round, pl.col("indicator") == indicator)
        then = inno.filter(pl.col("round") == baseline, pl.col("indicator") == indicator).select(
            "target", "domain", __e0="estimate", __se0="se", __df0="df"
        )
        j = now.join(then, on=["target", "domain"], how="inner")
        if j.is_empty():
            return None
        # Two rounds: independent samples, Welch–Satterthwaite df (as analyse and compare).
        ratio = independent(
            j["estimate"], j["se"], j["df"], j["__e0"], j["__se0"], j["__df0"], level=0.95
        )
        base = pl.concat([j, ratio.select("ratio", "ratio_ci_low", "ratio_ci_high")],
                         how="horizontal").select(
            "survey",
            "indicator",
            "label",
            "domain",
            "target",
            "better",
            observed="ratio",
            observed_ci_low="ratio_ci_low",
            observed_ci_high="ratio_ci_high",
            source=pl.lit(
                f"ratio of estimates {latest_round} / {baseline}, log-scale delta method, "
                "independent samples, Welch–Satterthwaite df (no baseline_ratio rows in the "
                "round's comparisons)"
            ),
            note=pl.lit(""),
        )
    return base.with_columns(
        goal_id=pl.lit("doubling"),
        goal=pl.lit(f"Doble innovasjonsaktiviteten fra {baseline} (faktor {factor:g})"),
        round_latest=pl.lit(latest_round, dtype=pl.Int64),
        goal_value=pl.lit(float(factor)),
        projected_2026=pl.lit(None, pl.Float64),
        projected_2026_ci_low=pl.lit(None, pl.Float64),
        projected_2026_ci_high=pl.lit(None, pl.Float64),
        status=_status(
            pl.col("observed_ci_low"),
            pl.col("observed_ci_high"),
            pl.lit(float(factor)),
            pl.lit("higher"),
        ),
        note=pl.lit(f"status at the latest innovation round ({latest_round}); ratio to {baseline}"),
    ).with_columns(
        round_observed=pl.lit(latest_round, dtype=pl.Int64),
        status_reason=pl.when(pl.col("status") == "unknown")
        .then(pl.lit(f"status unknown: no interval for the ratio {latest_round} / {baseline}"))
        .otherwise(pl.lit("")),
        withheld_rounds=pl.lit(""),
        trend_rounds=pl.lit(None, pl.String),
    )


def _goal_spec(round_: int, root: Path) -> tuple[str, int, float] | None:
    # The goal as the one parser reads it (defaults and checks included), not the raw TOML.
    path = root / "surveys" / str(round_) / "innovasjon.toml"
    if not path.is_file():
        return None
    goal = parse_goal(path, read_toml(path))
    if goal is None:
        return None
    return goal.indicator, goal.baseline, goal.factor


def _trend_inputs(root: Path, rounds: tuple[int, ...]) -> list[dict[str, Any]]:
    files = []
    for r in rounds:
        for name in ("estimates.parquet", "comparisons.parquet"):
            f = root / "analyses" / str(r) / name
            if f.is_file():
                files.append(f)
        files += [f for s in SURVEYS if (f := root / "surveys" / str(r) / f"{s}.toml").is_file()]
    return [file_entry(f, root) for f in files]


# --------------------------------------------------------------------------------------------
# What the terminal shows


