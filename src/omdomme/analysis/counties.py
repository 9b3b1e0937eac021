"""Comparisons: Østfold against the other counties (paired), and a round against the previous one.

Counties in one round are rated by the same respondents, so their estimates are correlated;
the difference's variance uses the design covariance from the same linearised scores
(``var(a − b) = Va + Vb − 2·Cab``, the respondent as cluster) — R's ``svycontrast``. Rounds
are independent samples (``Cab = 0``) with Welch–Satterthwaite degrees of freedom from the
two design dfs. Ratios get a CI on the log scale (delta method). p-values are two-sided t
tests; Holm's adjustment runs across each ``family`` (one indicator × domain).

Example
-------
>>> import numpy as np
>>> d = paired_difference(np.array([0.3, 0.4]), np.array([[1e-3, 4e-4], [4e-4, 1e-3]]), 0, 1, df=500)
>>> round(d["difference"], 3), round(d["se"], 4)
(-0.1, 0.0346)
"""

from __future__ import annotations

import numpy as np
import polars as pl

from omdomme.results.schema import COMPARISON_COLUMNS, COMPARISON_SCHEMA

FOCUS = "ostfold"
BENCHMARK = "akershus"
PAIRED_METHOD = "paired linearisation (respondent as cluster)"
ROUNDS_METHOD = "independent samples (Welch–Satterthwaite df)"

def paired_difference(estimates: np.ndarray, vcov: np.ndarray, a: int, b: int, *, df: float,
                      level: float = 0.95) -> dict[str, float]:
    """Difference ``estimates[a] − estimates[b]`` with SE from the covariance, t CI and p-value.

    Parameters
    ----------
    estimates, vcov
        Estimates and their design covariance matrix (same order).
    a, b
        Positions of the two estimates.
    df
        Design degrees of freedom.

    Returns
    -------
    dict
        ``difference, se, ci_low, ci_high, df, p_value, ratio, ratio_ci_low, ratio_ci_high``.
    """
    frame = contrast_table(
        estimates[[a]], estimates[[b]], np.array([vcov[a, a]]), np.array([vcov[b, b]]),
        np.array([vcov[a, b]]), np.array([float(df)]), level=level,
    )
    return {k: float(v[0]) for k, v in frame.items()}


def contrast_table(est_a: np.ndarray, est_b: np.ndarray, var_a: np.ndarray, var_b: np.ndarray,
                   cov_ab: np.ndarray, df: np.ndarray, *, level: float = 0.95) -> dict[str, np.ndarray]:
    """Vectorised differences and log-scale ratios of many pairs (arrays of equal length).

    >>> t = contrast_table(np.array([.5]), np.array([.4]), np.array([1e-3]), np.array([1e-3]),
    ...                    np.array([0.0]), np.array([100.0]))
    >>> round(float(t["p_value"][0]), 4)
    0.0276
    """
    # scipy.special, not scipy.stats: the same t functions (stats.t calls them) at a third of
    # the import time, which counts in a command that should answer in seconds.
    from scipy.special import stdtr, stdtrit

    with np.errstate(divide="ignore", invalid="ignore"):
        diff = est_a - est_b
        var = var_a + var_b - 2.0 * cov_ab
        # A tiny negative variance is rounding of a zero variance; never take the root of it.
        se = np.sqrt(np.where(var < 0, np.where(var > -1e-15, 0.0, np.nan), var))
        good_df = np.where(df > 0, df, np.nan)
        q = stdtrit(good_df, 0.5 + level / 2.0)
        tstat = diff / se
        p = 2.0 * stdtr(good_df, -np.abs(tstat))
        p = np.where((se == 0) & (diff == 0), 1.0, p)
        ratio = est_a / est_b
        log_var = var_a / est_a**2 + var_b / est_b**2 - 2.0 * cov_ab / (est_a * est_b)
        log_se = np.sqrt(np.where(log_var < 0, np.nan, log_var))
        meaningful = (est_a > 0) & (est_b > 0)
    return {
        "difference": diff,
        "se": se,
        "ci_low": diff - q * se,
        "ci_high": diff + q * se,
        "df": good_df,
        "p_value": p,
        "ratio": np.where(meaningful, ratio, np.nan),
        "ratio_ci_low": np.where(meaningful, ratio * np.exp(-q * log_se), np.nan),
        "ratio_ci_high": np.where(meaningful, ratio * np.exp(q * log_se), np.nan),
    }


def welch_df(var_a: np.ndarray, var_b: np.ndarray, df_a: np.ndarray, df_b: np.ndarray) -> np.ndarray:
    """Welch–Satterthwaite degrees of freedom of a difference of two independent estimates.

    >>> float(welch_df(np.array([1.0]), np.array([1.0]), np.array([10.0]), np.array([10.0]))[0])
    20.0
    """
    with np.errstate(divide="ignore", invalid="ignore"):
        out = (var_a + var_b) ** 2 / (var_a**2 / df_a + var_b**2 / df_b)
    # Both variances zero: nothing to weigh; the smaller df is the honest choice.
    return np.where(np.isfinite(out), out, np.minimum(df_a, df_b))


def holm_adjust(frame: pl.DataFrame, p: str = "p_value", family: str = "family",
                out: str = "p_adjusted") -> pl.DataFrame:
    """Add column ``out``: Holm's step-down adjustment of column ``p`` within each ``family``.

    Missing p-values (null or NaN: no estimate, or kept out of the test) stay null and do not
    count towards a family's size.

    >>> f = pl.DataFrame({"fam": ["a", "a", "a"], "p": [0.01, 0.04, 0.03]})
    >>> holm_adjust(f, "p", "fam")["p_adjusted"].to_list()
    [0.03, 0.06, 0.06]
    """
    valid = pl.col(p).is_not_null() & pl.col(p).is_not_nan()
    order = pl.col(p).fill_nan(None).rank("ordinal").over(family)
    m = valid.sum().over(family)
    raw = ((m - order + 1) * pl.col(p)).clip(upper_bound=1.0)
    return (
        frame.with_row_index("_row")
        .with_columns(_order=order, _raw=pl.when(valid).then(raw))
        .sort(family, "_order", nulls_last=True)
        .with_columns(pl.col("_raw").cum_max().over(family).alias(out))
        .with_columns(pl.when(valid).then(pl.col(out)).alias(out))
        .sort("_row")
        .drop("_row", "_order", "_raw")
    )


def holm(frame: pl.DataFrame) -> pl.DataFrame:
    """Add ``p_adjusted`` (Holm, within each ``family``), ``adjust_method`` and ``significant``.

    >>> f = pl.DataFrame({"family": ["a", "a", "a"], "p_value": [0.01, 0.04, 0.03]})
    >>> holm(f)["p_adjusted"].to_list()
    [0.03, 0.06, 0.06]
    """
    return holm_adjust(frame).with_columns(
        adjust_method=pl.lit("holm"),
        significant=(pl.col("p_adjusted") < 0.05).fill_null(False),
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
        .with_columns(df_pair=pl.min_horizontal("df_a", "df_b", pl.lit(float(df))))
        .drop("df_a", "df_b")
    )
    stats_ = contrast_table(
        pairs["estimate_a"].to_numpy(), pairs["estimate_b"].to_numpy(), pairs["var_a"].to_numpy(),
        pairs["var_b"].to_numpy(), pairs["cov_ab"].to_numpy(), pairs["df_pair"].to_numpy(), level=level,
    )
    out = pairs.with_columns(
        comparison=pl.lit("county"),
        target_a=pl.lit(focus),
        round_a=pl.col("round"),
        round_b=pl.col("round"),
        family=pl.format("county:{}:{}", pl.col("indicator"), pl.col("domain")),
        method=pl.lit(PAIRED_METHOD),
        note=pl.lit(""),
        **{k: pl.Series(v, dtype=pl.Float64, nan_to_null=True) for k, v in stats_.items()},
    )
    return _finish(holm(out))


def round_comparisons(current: pl.DataFrame, previous: pl.DataFrame, *, level: float = 0.95,
                      breaks: dict[tuple[str, str], str] | None = None) -> pl.DataFrame:
    """Change since the previous round, same county, same indicator × domain, independent samples.

    Parameters
    ----------
    current, previous
        Estimates of the two rounds (output contract). Pairs exist where both have the
        indicator × domain × target.
    breaks
        ``(indicator, domain) -> note`` for series breaks (from :func:`omdomme.analysis.rounds.series_breaks`,
        the same rules as ``omdomme compare``); the row is still computed and says so, but is kept
        out of the Holm family and never called significant.

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
    var_a = pairs["se_a"].to_numpy() ** 2
    var_b = pairs["se_b"].to_numpy() ** 2
    df = welch_df(var_a, var_b, pairs["df_a"].to_numpy(), pairs["df_b"].to_numpy())
    stats_ = contrast_table(pairs["estimate_a"].to_numpy(), pairs["estimate_b"].to_numpy(), var_a, var_b,
                            np.zeros(pairs.height), df, level=level)
    notes = pl.DataFrame(
        [(i, d, n) for (i, d), n in (breaks or {}).items()],
        schema={"indicator": pl.String, "domain": pl.String, "note": pl.String}, orient="row",
    )
    out = pairs.with_columns(
        comparison=pl.lit("round"),
        target_a=pl.col("target"),
        target_b=pl.col("target"),
        family=pl.format("round:{}:{}", pl.col("indicator"), pl.col("domain")),
        method=pl.lit(ROUNDS_METHOD),
        **{k: pl.Series(v, dtype=pl.Float64, nan_to_null=True) for k, v in stats_.items()},
    ).join(notes, on=["indicator", "domain"], how="left").with_columns(pl.col("note").fill_null(""))
    # A change across a series break is shown, not tested: out of the family, never significant.
    broken = pl.col("note") != ""
    tested = holm_adjust(out.with_columns(_p=pl.when(broken).then(None).otherwise(pl.col("p_value"))),
                         "_p").drop("_p")
    tested = tested.with_columns(
        adjust_method=pl.lit("holm"),
        significant=(pl.col("p_adjusted") < 0.05).fill_null(False),
    )
    return _finish(tested)


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

    def hidden(frame: pl.DataFrame, side: str) -> pl.DataFrame:
        return (frame.filter(pl.col("flag") == "suppressed").select(*keys, pl.col("target").alias(f"target_{side}"))
                .unique().with_columns(pl.lit(True).alias(f"_hidden_{side}")))

    b = estimates_a if estimates_b is None or "flag" not in estimates_b.columns else estimates_b
    marked = (comparisons.join(hidden(estimates_a, "a"), on=[*keys, "target_a"], how="left", maintain_order="left")
              .join(hidden(b, "b"), on=[*keys, "target_b"], how="left", maintain_order="left"))
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
    return frame.select(pl.col(c).cast(COMPARISON_SCHEMA[c]) for c in COMPARISON_COLUMNS)
