"""Presentation rules for proportions: what is shown, flagged, or suppressed as SSB's ``:``.

The rules are NCHS Data Presentation Standards for Proportions (Parker et al. 2017, Vital
Health Stat 2(175)), with the definition's minimum unweighted base on top:

suppress (shown as ``:``)
    n below ``min_n``; effective n < 30; absolute CI width >= 0.30; absolute CI width > 0.05
    and relative CI width (width / p) > 130 %; no estimate at all (empty domain).
flag (shown with a footnote)
    the complement rule (absolute width > 0.05 and width / (1 − p) > 130 %); df < 8; an
    estimate the estimator itself flagged (p = 0, p = 1, df <= 0).

Notes are Norwegian: they end up in the reports' footnotes.

Example
-------
>>> import polars as pl
>>> f = pl.DataFrame({"n": [400], "eff_n": [300.0], "estimate": [0.453], "ci_low": [0.40],
...                   "ci_high": [0.51], "df": [399.0], "flag": [""], "note": [""]})
>>> apply_reliability(f, min_n=30).select("flag", "display").row(0)
('ok', '45,3\xa0%')

``display`` is :func:`omdomme.labels.pct_expr`: the same string as the summaries, the
workbook and the reports show for the estimate.
"""

from __future__ import annotations

import polars as pl

from omdomme.labels import NBSP, SUPPRESSED, number_expr, pct_expr

EFF_N_MIN = 30.0
WIDTH_MAX = 0.30
WIDTH_SMALL = 0.05
RELATIVE_MAX = 1.30
DF_MIN = 8.0


# The estimator's flag codes (omdomme.Survey) in the reports' language; the code stays in
# parentheses so a reader can find it in the `flag` documentation.
ESTIMATOR_NOTES_NB = {
    "empty": "ingen gyldige svar i gruppen",
    "df<=0": "ingen frihetsgrader (df ≤ 0), intervallet mangler",
    "p=0": "andelen er 0 %, intervallet er satt etter konvensjon",
    "p=1": "andelen er 100 %, intervallet er satt etter konvensjon",
    "se=0": "standardfeilen er 0, intervallet har bredde 0",
}


def estimator_note(flag: pl.Expr) -> pl.Expr:
    """The estimator's flag as a Norwegian note: ``"p=0"`` -> ``"estimator: andelen er 0 % … (p=0)"``.

    A code without a Norwegian text is kept as it is, after ``estimator: ``.

    >>> pl.select(estimator_note(pl.lit("df<=0"))).item()
    'estimator: ingen frihetsgrader (df ≤ 0), intervallet mangler (df<=0)'
    """
    text = flag.replace_strict(ESTIMATOR_NOTES_NB, default=None, return_dtype=pl.String)
    return (
        pl.when(text.is_not_null())
        .then(pl.format("estimator: {} ({})", text, flag))
        .otherwise(pl.concat_str(pl.lit("estimator: "), flag))
    )


def apply_reliability(frame: pl.DataFrame, *, min_n: int = 30) -> pl.DataFrame:
    """Replace the estimator's ``flag``/``note`` with ``ok``/``flagged``/``suppressed`` and a reason, add ``display``.

    Parameters
    ----------
    frame
        Estimates with ``n, eff_n, estimate, ci_low, ci_high, df, flag, note`` (the estimator's
        ``flag`` is a short code such as ``p=0`` or ``""``).
    min_n
        The definition's minimum unweighted base (``[reliability] min_n``).

    Returns
    -------
    polars.DataFrame
        The same rows, ``flag`` in ``ok|flagged|suppressed``, ``note`` the reasons (``; ``-joined,
        Norwegian), and ``display`` (``45,3 %`` or ``:``).
    """
    p = pl.col("estimate")
    width = pl.col("ci_high") - pl.col("ci_low")
    no_estimate = p.is_null() | p.is_nan() | width.is_null() | width.is_nan()
    suppress_reasons = [
        pl.when(no_estimate).then(pl.lit("ingen estimat (tomt domene eller ingen gyldige svar)")),
        pl.when(pl.col("n") < min_n).then(pl.format("n = {} er under minstebasen {}", pl.col("n"), pl.lit(min_n))),
        pl.when(~no_estimate & (pl.col("eff_n") < EFF_N_MIN)).then(
            pl.format("effektivt utvalg {} < 30", number_expr(pl.col("eff_n"), 1))),
        pl.when(~no_estimate & (width >= WIDTH_MAX)).then(
            pl.format("KI-bredde {} prosentpoeng (≥ 30)", number_expr(width, 1, scale=2))),
        pl.when(~no_estimate & (width > WIDTH_SMALL) & (width / p > RELATIVE_MAX)).then(
            pl.lit("relativ KI-bredde over 130 %")),
    ]
    flag_reasons = [
        pl.when(~no_estimate & (width > WIDTH_SMALL) & (width / (1 - p) > RELATIVE_MAX)).then(
            pl.lit("komplementregelen: relativ KI-bredde for 1 − p over 130 %")),
        pl.when(pl.col("df") < DF_MIN).then(pl.format("få frihetsgrader (df = {})", number_expr(pl.col("df"), 1))),
        pl.when(~no_estimate & (pl.col("flag") != "") & pl.col("flag").is_not_null()).then(
            estimator_note(pl.col("flag"))),
    ]
    suppress = pl.concat_str(suppress_reasons, separator="; ", ignore_nulls=True)
    flagged = pl.concat_str(flag_reasons, separator="; ", ignore_nulls=True)
    out = frame.with_columns(_suppress=suppress, _flag=flagged).with_columns(
        flag=pl.when(pl.col("_suppress") != "").then(pl.lit("suppressed"))
        .when(pl.col("_flag") != "").then(pl.lit("flagged"))
        .otherwise(pl.lit("ok")),
        note=pl.concat_str(
            [pl.when(pl.col("_suppress") != "").then(pl.col("_suppress")),
             pl.when(pl.col("_flag") != "").then(pl.col("_flag"))],
            separator="; ", ignore_nulls=True,
        ),
    )
    return out.with_columns(
        display=pl.when(pl.col("flag") == "suppressed").then(pl.lit(SUPPRESSED)).otherwise(pct_expr(p))
    ).drop("_suppress", "_flag")


def score_display(estimate: pl.Expr, kind: pl.Expr) -> pl.Expr:
    """What a table shows for a mean score (``3,72``) or a net score in percentage points (``+12,3 p.p.``).

    The forms of :mod:`omdomme.labels` (``fmt_number``, ``fmt_pp``).

    >>> pl.select(score_display(pl.lit(-0.1234), pl.lit("net"))).item()
    '−12,3\xa0p.p.'
    >>> pl.select(score_display(pl.lit(3.7249), pl.lit("mean"))).item()
    '3,72'
    """
    points = number_expr(estimate, 1, sign=True, scale=2)
    net = pl.when(points == SUPPRESSED).then(points).otherwise(pl.concat_str(points, pl.lit(f"{NBSP}p.p.")))
    return pl.when(kind == "net").then(net).otherwise(number_expr(estimate, 2))


def apply_score_reliability(frame: pl.DataFrame, *, min_n: int = 30) -> pl.DataFrame:
    """:func:`apply_reliability` for mean and net scores, which the NCHS rules for proportions do not cover.

    *Suppressed*: no estimate, ``n`` below ``min_n``, effective n < 30. *Flagged*: ``df`` < 8, an
    estimator flag. ``display`` by ``kind``: :func:`score_display`.

    >>> f = pl.DataFrame({"n": [400], "eff_n": [300.0], "estimate": [3.7249], "df": [399.0],
    ...                   "flag": [""], "note": [""], "kind": ["mean"]})
    >>> apply_score_reliability(f).select("flag", "display").row(0)
    ('ok', '3,72')
    """
    est = pl.col("estimate")
    no_estimate = est.is_null() | est.is_nan()
    suppress = pl.concat_str([
        pl.when(no_estimate).then(pl.lit("ingen estimat (tomt domene eller ingen gyldige svar)")),
        pl.when(pl.col("n") < min_n).then(pl.format("n = {} er under minstebasen {}", pl.col("n"), pl.lit(min_n))),
        pl.when(~no_estimate & (pl.col("eff_n") < EFF_N_MIN)).then(
            pl.format("effektivt utvalg {} < 30", number_expr(pl.col("eff_n"), 1))),
    ], separator="; ", ignore_nulls=True)
    flagged = pl.concat_str([
        pl.when(pl.col("df") < DF_MIN).then(pl.format("få frihetsgrader (df = {})", number_expr(pl.col("df"), 1))),
        pl.when(~no_estimate & (pl.col("flag") != "") & pl.col("flag").is_not_null()).then(
            estimator_note(pl.col("flag"))),
    ], separator="; ", ignore_nulls=True)
    out = frame.with_columns(_suppress=suppress, _flag=flagged).with_columns(
        flag=pl.when(pl.col("_suppress") != "").then(pl.lit("suppressed"))
        .when(pl.col("_flag") != "").then(pl.lit("flagged"))
        .otherwise(pl.lit("ok")),
        note=pl.concat_str(
            [pl.when(pl.col("_suppress") != "").then(pl.col("_suppress")),
             pl.when(pl.col("_flag") != "").then(pl.col("_flag"))],
            separator="; ", ignore_nulls=True,
        ),
    )
    return out.with_columns(
        display=pl.when(pl.col("flag") == "suppressed").then(pl.lit(SUPPRESSED))
        .otherwise(score_display(est, pl.col("kind")))
    ).drop("_suppress", "_flag")
