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

from collections.abc import Sequence
from typing import Any

import polars as pl

from omdomme.definitions.innovation import DisclosureRules
from omdomme.labels import (
    NBSP,
    SUPPRESSED,
    UNITS,
    display_unit_expr,
    fmt_number,
    number_expr,
    unit_expr,
)

__all__ = ["SECONDARY_NOTE", "SUPPRESSED", "UNITS", "DisclosureRules", "disclosure_verdict", "display_text",
           "dominance_shares", "secondary_suppression"]

#: The ``note`` of a cell withheld so that another withheld cell cannot be derived (secondary suppression).
SECONDARY_NOTE = ("undertrykt: sekundær undertrykking, ellers kan en undertrykt celle regnes ut "
                  "som differansen mellom totalen og de andre nivåene")


def dominance_shares(
    frame: pl.DataFrame,
    *,
    cell: str | Sequence[str] | None,
    contribution: pl.Expr,
    n: int,
) -> pl.DataFrame:
    """Share of each cell's weighted total held by its ``n`` largest contributors.

    Parameters
    ----------
    frame
        One row per firm.
    cell
        The column(s) that name the cell (e.g. ``"county"``, or county and a breakdown's level);
        ``None`` for one cell of all rows.
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


def secondary_suppression(
    frame: pl.DataFrame,
    *,
    margin: Sequence[str],
    partition: str,
    total: Any,
    primary: str,
    additive: str,
    size: str = "n",
    value: str = "estimate",
) -> pl.Series:
    """Which cells to withhold as well, so that no withheld cell of an additive table can be derived.

    A breakdown's levels partition a margin's firms (a county's, Norway's), so for an additive
    quantity (a total) the margin's cell equals the sum of its level cells: one withheld level in
    an otherwise published row is the margin minus the others, and a withheld margin is the sum
    of its published levels. SSB's answer is secondary suppression. Per margin × breakdown, count
    the withheld level cells that hold firms (an empty cell protects nothing: it is 0); when the
    margin is published, 0 or at least 2 must be withheld; when the margin is withheld, at least
    2 (it could be known from another breakdown of the same margin, whose levels also add up to
    it, so 1 would again be a difference). The missing ones are taken from the published levels
    with firms, the smallest first (by value, a zero value last since it hides nothing, then by
    the number of firms). Firms in no level are treated as known (the conservative choice).

    Parameters
    ----------
    frame
        One row per cell: the margin's own cell (``partition == total``) and its level cells.
    margin
        The columns naming the margin (e.g. indicator and county).
    partition
        The column naming the breakdown; ``total`` is its value on the margin's own cell.
    primary
        Boolean column: withheld by the primary rules (minimum frequency, dominance).
    additive
        Boolean column: the quantity adds up over the levels (totals; not shares or ratios).
    size, value
        The cell's number of firms and its (undisclosed) estimate.

    Returns
    -------
    pl.Series
        Boolean, aligned with ``frame``: True for the cells to withhold secondarily.

    Examples
    --------
    >>> f = pl.DataFrame({"c": ["x"] * 4, "b": ["", "s", "s", "s"], "n": [30, 2, 10, 18],
    ...                   "estimate": [100.0, 5.0, 40.0, 55.0], "p": [False, True, False, False],
    ...                   "a": [True] * 4})
    >>> secondary_suppression(f, margin=["c"], partition="b", total="", primary="p", additive="a").to_list()
    [False, False, True, False]
    """
    rows = frame.with_row_index("_r")
    parent = rows.filter(pl.col(partition) == total).select(*margin, (~pl.col(primary)).alias("_shown"))
    group = [*margin, partition]
    withheld = pl.col(primary) & (pl.col(size) > 0)
    candidate = ~pl.col(primary) & (pl.col(size) > 0)
    levels = (
        rows.filter((pl.col(partition) != total) & pl.col(additive))
        .join(parent, on=list(margin), how="left")
        .with_columns(pl.col("_shown").fill_null(False), candidate.alias("_cand"),
                      withheld.sum().over(group).alias("_s"))
        .with_columns(
            pl.when(pl.col("_shown") & (pl.col("_s") == 0)).then(0)
            .otherwise((2 - pl.col("_s")).clip(lower_bound=0)).alias("_need"))
        .sort(pl.col(value).is_null() | (pl.col(value) == 0), pl.col(value).abs(), pl.col(size), "_r",
              nulls_last=True)
        .with_columns(pl.col("_cand").cast(pl.Int64).cum_sum().over(group).alias("_rank"))
    )
    chosen = levels.filter(pl.col("_cand") & (pl.col("_rank") <= pl.col("_need")))["_r"]
    out = pl.Series("secondary", [False] * frame.height, dtype=pl.Boolean)
    return out.scatter(chosen.to_numpy(), True) if chosen.len() else out


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
    ...                    "u": ["percent", "nok", "nok", "number"], "k": ["share", "total", "ratio", "ratio"]})
    >>> df.select(display_text(pl.col("v"), pl.col("u"), pl.lit(False), pl.col("k"))).to_series().to_list()
    ['45,3\\xa0%', '1\\xa0404,8\\xa0mill.\\xa0kr', '18\\xa0695\\xa0kr', '12,5']
    """
    # The one mapping of unit and kind to what is shown (omdomme.labels), as the reputation tables use.
    shown = display_unit_expr(unit, pl.lit(None, pl.String) if kind is None else kind)
    return (
        pl.when(suppressed)
        .then(pl.lit(SUPPRESSED))
        .when(value.is_null() | value.is_nan())
        .then(pl.lit(""))
        .otherwise(unit_expr(value, shown))
    )
