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

``display`` is :func:`omdomme.labels.unit_expr` in the row's unit
(:func:`omdomme.labels.display_unit_expr` of ``unit`` and ``kind``; a share without them is a
percent): the same string as the summaries, the workbook and the reports show for the estimate
(``45,3 %``, a mean score ``3,72``, a net score ``+35,2 p.p.``).
"""

from __future__ import annotations

import polars as pl

from omdomme.labels import SUPPRESSED, display_unit_expr, number_expr, unit_expr

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


def _no_estimate() -> pl.Expr:
    return pl.col("estimate").is_null() | pl.col("estimate").is_nan()


def _common_reasons(min_n: int, no_estimate: pl.Expr) -> tuple[list[pl.Expr], list[pl.Expr]]:
    """The reasons every kind shares: (suppress) n below the base, effective n < 30; (flag) df < 8,
    an estimator flag. ``no_estimate``: where the row has nothing to judge (its own reason)."""
    suppress: list[pl.Expr] = [
        pl.when(pl.col("n") < min_n).then(pl.format("n = {} er under minstebasen {}", pl.col("n"), pl.lit(min_n))),
        pl.when(~no_estimate & (pl.col("eff_n") < EFF_N_MIN)).then(
            pl.format("effektivt utvalg {} < 30", number_expr(pl.col("eff_n"), 1))),
    ]
    flag: list[pl.Expr] = [
        pl.when(pl.col("df") < DF_MIN).then(pl.format("få frihetsgrader (df = {})", number_expr(pl.col("df"), 1))),
        pl.when(~no_estimate & (pl.col("flag") != "") & pl.col("flag").is_not_null()).then(
            estimator_note(pl.col("flag"))),
    ]
    return suppress, flag


def _apply(frame: pl.DataFrame, suppress_reasons: list[pl.Expr], flag_reasons: list[pl.Expr]) -> pl.DataFrame:
    """``flag``, ``note`` and ``display`` from the reasons to suppress and to flag (in that order)."""
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
    # The row's unit (a share without `unit`/`kind` columns is a percent), formatted by omdomme.labels.
    out = out.with_columns(_unit=display_unit_expr(pl.col("unit"), pl.col("kind"))
                           if {"unit", "kind"} <= set(frame.columns) else pl.lit("pct"))
    units = set(out.get_column("_unit").unique().to_list())  # format each unit present, once
    return out.with_columns(
        display=pl.when(pl.col("flag") == "suppressed").then(pl.lit(SUPPRESSED))
        .otherwise(unit_expr(pl.col("estimate"), pl.col("_unit"), units=units))
    ).drop("_suppress", "_flag", "_unit")


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
    no_estimate = _no_estimate() | width.is_null() | width.is_nan()
    suppress, flag = _common_reasons(min_n, no_estimate)
    suppress_reasons = [
        pl.when(no_estimate).then(pl.lit("ingen estimat (tomt domene eller ingen gyldige svar)")),
        *suppress,
        pl.when(~no_estimate & (width >= WIDTH_MAX)).then(
            pl.format("KI-bredde {} prosentpoeng (≥ 30)", number_expr(width, 1, scale=2))),
        pl.when(~no_estimate & (width > WIDTH_SMALL) & (width / p > RELATIVE_MAX)).then(
            pl.lit("relativ KI-bredde over 130 %")),
    ]
    flag_reasons = [
        pl.when(~no_estimate & (width > WIDTH_SMALL) & (width / (1 - p) > RELATIVE_MAX)).then(
            pl.lit("komplementregelen: relativ KI-bredde for 1 − p over 130 %")),
        *flag,
    ]
    return _apply(frame, suppress_reasons, flag_reasons)


def apply_score_reliability(frame: pl.DataFrame, *, min_n: int = 30) -> pl.DataFrame:
    """:func:`apply_reliability` for mean and net scores, which the NCHS rules for proportions do not cover.

    *Suppressed*: no estimate, ``n`` below ``min_n``, effective n < 30. *Flagged*: ``df`` < 8, an
    estimator flag. ``display`` in the row's unit: a mean score ``3,72``, a net score ``+12,3 p.p.``.

    >>> f = pl.DataFrame({"n": [400, 400], "eff_n": [300.0, 300.0], "estimate": [3.7249, -0.1234],
    ...                   "df": [399.0, 399.0], "flag": ["", ""], "note": ["", ""], "kind": ["mean", "net"],
    ...                   "unit": ["number", "points"]})
    >>> apply_score_reliability(f).select("flag", "display").rows()
    [('ok', '3,72'), ('ok', '−12,3\xa0p.p.')]
    """
    suppress, flag = _common_reasons(min_n, _no_estimate())
    none = pl.when(_no_estimate()).then(pl.lit("ingen estimat (tomt domene eller ingen gyldige svar)"))
    return _apply(frame, [none, *suppress], flag)
