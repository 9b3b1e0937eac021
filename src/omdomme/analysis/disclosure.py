"""Disclosure control for firm data, and the Norwegian display of a cell.

Firm statistics can reveal a single enterprise: a county cell with one or two firms, or an
R&D total that one large firm makes up almost alone. Two rules, both with parameters from the
round definition's ``[disclosure]`` section:

- **minimum frequency**: a cell with fewer than ``min_firms`` firms shows SSB's ``:``;
- **(n, k) dominance**: a total (or the numerator of a ratio of totals) whose ``n`` largest
  weighted contributions hold more than ``k`` of the cell's weighted total is suppressed.

The rules are computed for every cell at once with polars expressions. Formatting follows
Norwegian conventions: decimal comma, a space as the thousands separator, ``45,3 %``,
``1 234 567 kr``.
"""

from __future__ import annotations

import polars as pl

from omdomme.definitions.innovation import DisclosureRules
from omdomme.labels import UNITS

__all__ = ["UNITS", "DisclosureRules", "SUPPRESSED", "disclosure_verdict", "display_text", "dominance_shares"]

SUPPRESSED = ":"


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
                "undertrykt: de {} største foretakene står for {} % av totalen (grense {} %)",
                pl.lit(rules.dominance_n),
                (dominance * 100).round(1).cast(pl.String).str.replace(r"\.", ","),
                pl.lit(_percent_text(rules.dominance_k)),
            )
        )
        .otherwise(pl.lit(""))
    )
    return (few | dominated), reason


def _percent_text(fraction: float) -> str:
    text = f"{fraction * 100:.1f}".rstrip("0").rstrip(".")
    return text.replace(".", ",")


def _grouped_digits(integer_text: pl.Expr) -> pl.Expr:
    # Rust regex has no look-around, so insert the separator on the reversed digits.
    return (
        integer_text.str.reverse()
        .str.replace_all(r"(\d{3})", "$1 ")
        .str.strip_chars_end(" ")
        .str.reverse()
    )


def norwegian_number(value: pl.Expr, *, decimals: int) -> pl.Expr:
    """Format numbers the Norwegian way: ``1 234 567,8`` (space thousands, decimal comma).

    Examples
    --------
    >>> pl.select(norwegian_number(pl.lit(-1234567.86), decimals=1)).item()
    '-1 234 567,9'
    """
    rounded = value.abs().round(decimals)
    integer = rounded.floor().cast(pl.Int64).cast(pl.String)
    text = _grouped_digits(integer)
    if decimals > 0:
        fraction = (
            ((rounded - rounded.floor()) * 10**decimals)
            .round(0)
            .cast(pl.Int64)
            .cast(pl.String)
            .str.zfill(decimals)
        )
        text = pl.concat_str([text, pl.lit(","), fraction])
    sign = pl.when(value.round(decimals) < 0).then(pl.lit("-")).otherwise(pl.lit(""))
    return pl.concat_str([sign, text])


def display_text(value: pl.Expr, unit: pl.Expr, suppressed: pl.Expr) -> pl.Expr:
    """What a table shows for a cell: ``45,3 %``, ``1 234 567 kr``, ``12,5`` or ``:``.

    Parameters
    ----------
    value
        The estimate (a share as a proportion 0–1 when ``unit`` is ``percent``).
    unit
        ``percent``, ``nok`` or ``number``.
    suppressed
        True where the cell must show ``:``.

    Examples
    --------
    >>> df = pl.DataFrame({"v": [0.4534, 1234567.4, 12.46], "u": ["percent", "nok", "number"]})
    >>> df.select(display_text(pl.col("v"), pl.col("u"), pl.lit(False))).to_series().to_list()
    ['45,3 %', '1 234 567 kr', '12,5']
    """
    return (
        pl.when(suppressed)
        .then(pl.lit(SUPPRESSED))
        .when(value.is_null() | value.is_nan())
        .then(pl.lit(""))
        .when(unit == "percent")
        .then(pl.concat_str([norwegian_number(value * 100, decimals=1), pl.lit(" %")]))
        .when(unit == "nok")
        .then(pl.concat_str([norwegian_number(value, decimals=0), pl.lit(" kr")]))
        .otherwise(norwegian_number(value, decimals=1))
    )
