"""Comparisons: Østfold against the other counties (paired), and a round against the previous one.

Counties in one round are rated by the same respondents, so their estimates are correlated;
the difference's variance uses the design covariance from the same linearised scores
(``var(a − b) = Va + Vb − 2·Cab``, the respondent as cluster) — R's ``svycontrast``. Rounds
are independent samples (``Cab = 0``) with Welch–Satterthwaite degrees of freedom from the
two design dfs. The arithmetic (differences, log-scale ratios, t intervals, p-values, Holm) is
:mod:`omdomme.estimate.contrast`; this module picks the pairs, and says once, in
:func:`family_key`, which rows form one Holm family (one survey × domain × kind of comparison)
for every comparison omdomme writes (:func:`adjust_families`; ``compare`` and the innovation
analysis use it too).

Example
-------
>>> f = pl.DataFrame({"comparison": ["round"], "round_a": [2018], "round_b": [2016],
...                   "survey": ["omdomme"], "domain": ["unge"]})
>>> f.select(family_key()).item()
'round:2016-2018:omdomme:unge'
"""

from __future__ import annotations

import numpy as np
import polars as pl

from omdomme.definitions.series import series_domain
from omdomme.estimate.contrast import contrast, holm, independent, paired_df
from omdomme.results.schema import COMPARISON_COLUMNS, COMPARISON_SCHEMA

FOCUS = "ostfold"
BENCHMARK = "akershus"
PAIRED_METHOD = "paired linearisation (respondent as cluster)"
ROUNDS_METHOD = "independent samples (Welch–Satterthwaite df)"
#: Indicator kinds with a true zero, for which a ratio means something (not means of rating
#: scales, whose origin is arbitrary).
RATIO_KINDS = ("share", "total", "ratio")


def family_key() -> pl.Expr:
    """The Holm family of a ``comparisons`` row: ``<comparison>:<rounds>:<survey>:<domain>``.

    Decision 1 of issue #12, in one place: a family is what a reader reads as one table, one
    survey × one domain × one kind of comparison — Østfold against the other counties in a
    round (``county:2018:omdomme:alle``), against Norway (``norge:2018:innovasjon:alle``), the
    change since a round (``round:2016-2018:omdomme:alle``, reference round first), the goal
    ratio (``baseline_ratio:2016-2018:innovasjon:alle``). Every indicator and county of that
    table are adjusted together; ``analyse``, ``compare``, the summary and the report all read
    the ``p_adjusted`` this gives.

    Examples
    --------
    >>> f = pl.DataFrame({"comparison": ["county", "round"], "round_a": [2018, 2018],
    ...                   "round_b": [2018, 2016], "survey": ["omdomme"] * 2, "domain": ["alle"] * 2})
    >>> f.select(family_key())["family"].to_list()
    ['county:2018:omdomme:alle', 'round:2016-2018:omdomme:alle']
    """
    rounds = (
        pl.when(pl.col("round_a") == pl.col("round_b"))
        .then(pl.col("round_a").cast(pl.String))
        .otherwise(pl.format("{}-{}", "round_b", "round_a"))
    )
    return pl.format("{}:{}:{}:{}", "comparison", rounds, "survey", "domain").alias("family")


def adjust_families(frame: pl.DataFrame, *, level: float | pl.Expr = 0.95,
                    tested: pl.Expr | None = None) -> pl.DataFrame:
    """Set ``family`` (:func:`family_key`), Holm's ``p_adjusted``, ``adjust_method``, ``significant``.

    Parameters
    ----------
    frame
        Comparison rows with ``comparison, round_a, round_b, survey, domain, p_value``.
    level
        Confidence level; ``significant`` is ``p_adjusted < 1 − level``.
    tested
        Rows that are a test (default all). The others — a change across a series break, which
        is shown but is not a movement — stay out of the family: ``p_adjusted`` null, never
        significant.

    Examples
    --------
    >>> f = pl.DataFrame({"comparison": ["county"] * 3, "round_a": [2018] * 3, "round_b": [2018] * 3,
    ...                   "survey": ["omdomme"] * 3, "domain": ["alle"] * 3, "p_value": [0.01, 0.04, 0.03]})
    >>> adjust_families(f)["p_adjusted"].to_list()
    [0.03, 0.06, 0.06]
    """
    p = pl.col("p_value") if tested is None else pl.when(tested).then(pl.col("p_value"))
    alpha = 1 - (pl.lit(float(level)) if isinstance(level, float | int) else level)
    adjusted = holm(frame.with_columns(family_key(), __p=p), "__p", "family").drop("__p")
    return adjusted.with_columns(
        adjust_method=pl.lit("holm"),
        significant=(pl.col("p_adjusted") < alpha).fill_null(False),
    )


def county_comparisons(estimates: pl.DataFrame, vcov: dict[tuple[str, str], tuple[list[str], np.ndarray]],
                       *, df: float, level: float = 0.95, focus: str = FOCUS) -> pl.DataFrame:
    """Paired comparisons of ``focus`` with every other county, per indicator × domain.

    Parameters
    ----------
    estimates
        The round's estimates (output contract columns; ``survey, round, indicator, label, kind,
        better, target, domain, estimate``).
    vcov
        ``(indicator, domain) -> (targets in order, covariance matrix)``.
    df
        The design's degrees of freedom (#PSU − #strata). A pair's df is the smallest of this
        and the two estimates' own domain df: the design df where both counties are rated by
        the same respondents (domain ``alle``), conservative where the domains are small and
        disjoint (young residents of Østfold against young residents of Akershus).

    Returns
    -------
    polars.DataFrame
        The ``comparisons`` contract, ``comparison == "county"``, ``target_a == focus``.
    """
    rows = []
    for (indicator, domain), (targets, v) in vcov.items():
        if focus not in targets:
            continue
        i = targets.index(focus)
        for j, other in enumerate(targets):
            if j != i:
                rows.append((indicator, domain, other, v[i, i], v[j, j], v[i, j]))
    if not rows:
        return pl.DataFrame(schema=COMPARISON_SCHEMA)
    pairs = pl.DataFrame(rows, schema=["indicator", "domain", "target_b", "var_a", "var_b", "cov_ab"], orient="row")
    est = estimates.select("indicator", "domain", "target", "estimate", "df")
    meta = estimates.select("survey", "round", "indicator", "label", "kind", "better", "domain").unique(
        ["indicator", "domain"], keep="first")
    pairs = (
        pairs.join(meta, on=["indicator", "domain"], how="left")
        .join(est.filter(pl.col("target") == focus).drop("target")
              .rename({"estimate": "estimate_a", "df": "df_a"}), on=["indicator", "domain"], how="left")
        .join(est.rename({"target": "target_b", "estimate": "estimate_b", "df": "df_b"}),
              on=["indicator", "domain", "target_b"], how="left")
    )
    stats_ = contrast(
        pairs["estimate_a"], pairs["estimate_b"], pairs["var_a"], pairs["var_b"], pairs["cov_ab"],
        paired_df(df, pairs["df_a"], pairs["df_b"]), level=level,
        ratio=pairs["kind"].is_in(RATIO_KINDS),
    )
    out = pl.concat([pairs.drop("df_a", "df_b"), stats_], how="horizontal").with_columns(
        comparison=pl.lit("county"),
        target_a=pl.lit(focus),
        round_a=pl.col("round"),
        round_b=pl.col("round"),
        method=pl.lit(PAIRED_METHOD),
        note=pl.lit(""),
    )
    return _finish(adjust_families(out, level=level))


def round_comparisons(current: pl.DataFrame, previous: pl.DataFrame, *, level: float = 0.95,
                      breaks: dict[tuple[str, str], str] | None = None) -> pl.DataFrame:
    """Change since the previous round, same county, same indicator × domain, independent samples.

    Parameters
    ----------
    current, previous
        Estimates of the two rounds (output contract). Pairs exist where both have the
        indicator × domain × target.
    breaks
        ``(indicator, domain) -> note`` for series breaks (from :func:`omdomme.definitions.series.series_breaks`,
        the same rules as ``omdomme compare``; a breakdown's key is ``<breakdown>=*``); the row is
        still computed and says so, but is kept out of the Holm family and never called
        significant; a breakdown level's difference is withheld (:func:`withhold_breaks`).

    Returns
    -------
    polars.DataFrame
        The ``comparisons`` contract, ``comparison == "round"``, ``round_a`` the current round.
    """
    keys = ["indicator", "domain", "target"]
    b = previous.select(*keys, pl.col("round").alias("round_b"), pl.col("estimate").alias("estimate_b"),
                        pl.col("se").alias("se_b"), pl.col("df").alias("df_b"))
    pairs = current.select(
        "survey", "indicator", "label", "kind", "better", "domain", "target",
        pl.col("round").alias("round_a"), pl.col("estimate").alias("estimate_a"),
        pl.col("se").alias("se_a"), pl.col("df").alias("df_a"),
    ).join(b, on=keys, how="inner")
    if pairs.height == 0:
        return pl.DataFrame(schema=COMPARISON_SCHEMA)
    stats_ = independent(
        pairs["estimate_a"], pairs["se_a"], pairs["df_a"], pairs["estimate_b"], pairs["se_b"], pairs["df_b"],
        level=level, ratio=pairs["kind"].is_in(RATIO_KINDS),
    )
    notes = pl.DataFrame(
        [(i, d, n) for (i, d), n in (breaks or {}).items()],
        schema={"indicator": pl.String, "domain": pl.String, "note": pl.String}, orient="row",
    )
    out = pl.concat([pairs, stats_], how="horizontal").with_columns(
        comparison=pl.lit("round"),
        target_a=pl.col("target"),
        target_b=pl.col("target"),
        method=pl.lit(ROUNDS_METHOD),
    ).with_columns(_series=series_domain()).join(
        notes.rename({"domain": "_series"}), on=["indicator", "_series"], how="left",
    ).drop("_series").with_columns(pl.col("note").fill_null(""))
    # A change across a series break is shown, not tested: out of the family, never significant.
    out = withhold_breaks(out, pl.col("note") != "")
    return _finish(adjust_families(out, level=level, tested=pl.col("note") == ""))


#: What a change of a breakdown level across a series break withholds (the two estimates stay).
_WITHHELD = ("difference", "se", "ci_low", "ci_high", "ratio", "ratio_ci_low", "ratio_ci_high", "p_value")


def withhold_breaks(frame: pl.DataFrame, broken: pl.Expr) -> pl.DataFrame:
    """Withhold the change of a breakdown level where the series breaks.

    A definition's own indicator across a break is still the same group of people, and its
    change is shown (not tested); a breakdown whose levels changed (other age bands, other
    codes) compares two different groups, so its difference and test are left empty
    (``omdomme analyse`` and ``compare`` alike). ``broken``: where the row's series breaks.

    Examples
    --------
    >>> f = pl.DataFrame({"domain": ["alle", "aldersgruppe=18-29"], "difference": [0.1, 0.2], "se": [0.01, 0.02],
    ...                   "ci_low": [0.0, 0.1], "ci_high": [0.2, 0.3], "p_value": [0.01, 0.02]})
    >>> withhold_breaks(f, pl.lit(True))["difference"].to_list()
    [0.1, None]
    """
    level = pl.col("domain").str.contains("=", literal=True).fill_null(False) & broken
    return frame.with_columns(pl.when(level).then(None).otherwise(pl.col(c)).alias(c)
                              for c in _WITHHELD if c in frame.columns)


# The values of a comparison row that would reveal a suppressed estimate.
_HIDDEN_VALUES = ("estimate_a", "estimate_b", "difference", "se", "ci_low", "ci_high", "ratio", "ratio_ci_low",
                  "ratio_ci_high", "p_value", "p_adjusted")


def hide_suppressed(comparisons: pl.DataFrame, estimates_a: pl.DataFrame,
                    estimates_b: pl.DataFrame | None = None) -> pl.DataFrame:
    """Withhold every comparison that involves a suppressed estimate, as disclosure control does.

    A difference to a figure shown as ``:`` would reveal it (Østfold's share is shown, so
    Østfold minus Akershus gives Akershus). Such a row keeps its keys, loses its numbers, is
    never significant, and its ``note`` says which side is suppressed, in the words the
    innovation survey's disclosure control uses: ``undertrykt: akershus er undertrykt (se
    estimates)`` (after a series-break note when there is one).

    Parameters
    ----------
    comparisons
        Rows of the ``comparisons`` contract (``target_a``/``target_b``, ``indicator``, ``domain``).
    estimates_a
        The estimates of ``target_a``'s round (with ``flag``).
    estimates_b
        The estimates of ``target_b``'s round; default ``estimates_a`` (a county comparison).

    Examples
    --------
    >>> est = pl.DataFrame({"indicator": ["x", "x"], "domain": ["alle", "alle"],
    ...                     "target": ["ostfold", "akershus"], "flag": ["ok", "suppressed"]})
    >>> cmp = pl.DataFrame({"indicator": ["x"], "domain": ["alle"], "target_a": ["ostfold"],
    ...                     "target_b": ["akershus"], "difference": [0.1], "significant": [True], "note": [""]})
    >>> hide_suppressed(cmp, est).select("difference", "significant", "note").row(0)
    (None, False, 'undertrykt: akershus er undertrykt (se estimates)')
    """
    if not comparisons.height or "flag" not in estimates_a.columns:
        return comparisons
    keys = ["indicator", "domain"]

    # The b side's domain: `domain_b` where a row compares two domains (the analyst's tables).
    domain_b = "domain_b" if "domain_b" in comparisons.columns else "domain"

    def hidden(frame: pl.DataFrame, side: str) -> pl.DataFrame:
        domain = "domain" if side == "a" else domain_b
        return (frame.filter(pl.col("flag") == "suppressed")
                .select("indicator", pl.col("domain").alias(domain), pl.col("target").alias(f"target_{side}"))
                .unique().with_columns(pl.lit(True).alias(f"_hidden_{side}")))

    b = estimates_a if estimates_b is None or "flag" not in estimates_b.columns else estimates_b
    marked = (comparisons.join(hidden(estimates_a, "a"), on=[*keys, "target_a"], how="left", maintain_order="left")
              .join(hidden(b, "b"), on=["indicator", domain_b, "target_b"], how="left", maintain_order="left"))
    wa, wb = pl.col("_hidden_a").fill_null(False), pl.col("_hidden_b").fill_null(False)
    # Across rounds the same county is on both sides: name the round too («ostfold 2016»).
    across = (pl.col("round_a") != pl.col("round_b")).fill_null(False) if {"round_a", "round_b"} <= set(comparisons.columns) \
        else pl.lit(False)

    def side(k: str) -> pl.Expr:
        if f"round_{k}" not in comparisons.columns:
            return pl.col(f"target_{k}")
        return pl.when(across).then(pl.format("{} {}", pl.col(f"target_{k}"), pl.col(f"round_{k}"))) \
            .otherwise(pl.col(f"target_{k}"))

    names = pl.concat_str([pl.when(wa).then(side("a")),
                           pl.when(wb & ~(wa & ~across & (pl.col("target_a") == pl.col("target_b")))).then(side("b"))],
                          separator=", ", ignore_nulls=True)
    text = pl.format("undertrykt: {} er undertrykt (se estimates)", names)
    note = pl.col("note").fill_null("")
    values = [pl.when(wa | wb).then(None).otherwise(pl.col(c)).alias(c) for c in _HIDDEN_VALUES
              if c in comparisons.columns]
    return marked.with_columns(
        *values,
        significant=pl.when(wa | wb).then(False).otherwise(pl.col("significant")),
        note=pl.when(~(wa | wb)).then(note).when(note == "").then(text).otherwise(note + "; " + text),
    ).drop("_hidden_a", "_hidden_b")


def _finish(frame: pl.DataFrame) -> pl.DataFrame:
    if "domain_b" not in frame.columns:
        frame = frame.with_columns(domain_b=pl.col("domain"))  # the same domain on both sides
    return frame.select(pl.col(c).cast(COMPARISON_SCHEMA[c]) for c in COMPARISON_COLUMNS)
