"""Disclosure control for firm data, and the Norwegian display of a cell.

Firm statistics can reveal a single enterprise: a county cell with one or two firms, or an
R&D total that one large firm makes up almost alone. Two rules, both with parameters from the
round definition's ``[disclosure]`` section:

- **minimum frequency**: a cell with fewer than ``min_firms`` firms shows SSB's ``:``;
- **(n, k) dominance**: a total (or the numerator of a ratio of totals) whose ``n`` largest
  weighted contributions hold more than ``k`` of the cell's weighted total is suppressed.

The rules are computed for every cell at once with polars expressions. A cell's ``display``
text comes from :func:`omdomme.labels.unit_expr`, the formatter every surface uses
(``45,3 %``, ``1 404,8 mill. kr``, ``18 695 kr``).
"""

from __future__ import annotations

import polars as pl

from omdomme.definitions.innovation import DisclosureRules
from omdomme.labels import NBSP, SUPPRESSED, UNITS, fmt_number, number_expr, unit_expr

__all__ = ["UNITS", "DisclosureRules", "SUPPRESSED", "disclosure_verdict", "display_text", "dominance_shares"]


def dominance_shares(
    frame: pl.DataFrame,
    *,
    cell: str | None,
    contribution: pl.Expr,
    n: int,
) -> pl.DataFrame:
    """Share of each cell's weighted total held by its ``n`` largest contributors.

    Parameters
    ----------
    frame
        One row per firm.
    cell
        The column that names the cell (e.g. ``"county"``); ``None`` for one cell of all rows.
    contribution
        The weighted contribution of a firm, e.g. ``pl.col("vekt") * pl.col("fou_utg")``;
        nulls contribute nothing. Absolute values are used, so that a negative entry cannot
        hide a dominant one.
    n
        How many of the largest contributors to add up.

    Returns
    -------
    pl.DataFrame
        Columns ``cell`` (when given), ``contributors`` (firms with a non-zero contribution)
        and ``dominance`` (a share 0–1, null when the cell's total is zero).

    Examples
    --------
    >>> df = pl.DataFrame({"c": ["a", "a", "a"], "w": [1.0, 1.0, 1.0], "y": [90.0, 5.0, 5.0]})
    >>> dominance_shares(df, cell="c", contribution=pl.col("w") * pl.col("y"), n=1)["dominance"][0]
    0.9
    """
    value = contribution.abs().fill_null(0.0)
    aggregations = [
        (value > 0).sum().alias("contributors"),
        pl.when(value.sum() > 0)
        .then(value.top_k(n).sum() / value.sum())
        .otherwise(None)
        .alias("dominance"),
    ]
    if cell is None:
        return frame.select(aggregations)
    return frame.group_by(cell, maintain_order=True).agg(aggregations)


def disclosure_verdict(
    n: pl.Expr,
    dominance: pl.Expr,
    rules: DisclosureRules,
) -> tuple[pl.Expr, pl.Expr]:
    """Whether a cell is suppressed, and the reason in Norwegian.

    Parameters
    ----------
    n
        The cell's number of firms (unweighted).
    dominance
        The dominance share from :func:`dominance_shares`; null for shares (no rule) or an
        empty total.
    rules
        The parameters.

    Returns
    -------
    (suppressed, reason)
        A boolean expression and a string expression (empty when not suppressed).

    Examples
    --------
    >>> df = pl.DataFrame({"n": [2, 40, 40], "d": [None, 0.95, 0.2]})
    >>> s, r = disclosure_verdict(pl.col("n"), pl.col("d"), DisclosureRules())
    >>> df.select(s)["n"].to_list()
    [True, True, False]
    """
    few = n < rules.min_firms
    dominated = dominance.fill_null(0.0) > rules.dominance_k
    reason = (
        pl.when(few)
        .then(
            pl.format(
                "undertrykt: færre enn {} foretak i cellen ({})",
                pl.lit(rules.min_firms),
                n,
            )
        )
        .when(dominated)
        .then(
            pl.format(
                f"undertrykt: de {{}} største foretakene står for {{}}{NBSP}% av totalen (grense {{}}{NBSP}%)",
                pl.lit(rules.dominance_n),
                number_expr(dominance, 1, scale=2),
                pl.lit(_percent_text(rules.dominance_k)),
            )
        )
        .otherwise(pl.lit(""))
    )
    return (few | dominated), reason


def _percent_text(fraction: float) -> str:
    # A rule's limit as people write it: 0.9 -> «90», 0.855 -> «85,5».
    return fmt_number(fraction, 1, scale=2).removesuffix(",0")


def display_text(value: pl.Expr, unit: pl.Expr, suppressed: pl.Expr, kind: pl.Expr | None = None) -> pl.Expr:
    """What a table shows for a cell: ``45,3 %``, ``1 404,8 mill. kr``, ``18 695 kr``, ``12,5`` or ``:``.

    Parameters
    ----------
    value
        The estimate (a share as a proportion 0–1 when ``unit`` is ``percent``).
    unit
        ``percent``, ``nok`` or ``number`` (the definition's ``unit``).
    suppressed
        True where the cell must show ``:``.
    kind
        The estimate's kind: a total in NOK shows in millions
        (:func:`omdomme.labels.display_unit`). Without it, NOK shows in kroner.

    Examples
    --------
    >>> df = pl.DataFrame({"v": [0.4525, 1404837234.4, 18694.7, 12.46],
    ...                    "u": ["percent", "nok", "nok", "number"], "k": ["share", "total", "ratio", "mean"]})
    >>> df.select(display_text(pl.col("v"), pl.col("u"), pl.lit(False), pl.col("k"))).to_series().to_list()
    ['45,3\\xa0%', '1\\xa0404,8\\xa0mill.\\xa0kr', '18\\xa0695\\xa0kr', '12,5']
    """
    share, total = (pl.lit(False), pl.lit(False)) if kind is None else (kind == "share", kind == "total")
    shown = (
        pl.when((unit == "percent") | share).then(pl.lit("pct"))
        .when((unit == "nok") & total).then(pl.lit("mill_kr"))
        .when(unit == "nok").then(pl.lit("kr"))
        .otherwise(pl.lit("number"))
    )
    return (
        pl.when(suppressed)
        .then(pl.lit(SUPPRESSED))
        .when(value.is_null() | value.is_nan())
        .then(pl.lit(""))
        .otherwise(unit_expr(value, shown))
    )
