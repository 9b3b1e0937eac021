"""All pairs of counties, domain against domain, and the compact letter display of the analyst's tables.

Every estimate of one estimator call has its design covariance with every other
(:attr:`omdomme.analysis.reputation.RoundEstimates.joint`), so a difference of any two is a
linear contrast ``a − b`` with ``var = Va + Vb − 2·Cab`` (R's ``svycontrast``):

- ``pair``: two counties, one indicator × domain (the same respondents rate both: paired);
- ``domain``: one county, two levels of a breakdown (women against men), or the rated county's
  residents against everyone else (``innenfra`` against ``utenfra``). Disjoint domains of one
  design are not independent in general (strata, shared clusters): the covariance is the one
  the joint linearisation gives, whatever it is.

The df of a difference is the smallest of the design's and the two estimates' own (the rule of
the county comparisons). Holm's adjustment runs within a family that a reader reads as one
table: one survey × one domain × one kind of comparison (the one rule,
:func:`omdomme.analysis.counties.family_key`: ``pair:2018:omdomme:kjonn=kvinne``). Letters:
counties that share a letter do not differ (Holm-adjusted p ≥ 0.05); «a» goes to the best.

Example
-------
>>> compact_letters(["a", "b", "c"], [("a", "c")])
{'a': 'a', 'b': 'ab', 'c': 'b'}
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
import polars as pl

from omdomme.analysis.counties import RATIO_KINDS, adjust_families
from omdomme.estimate.contrast import paired, paired_df

PAIR = "pair"
DOMAIN = "domain"
PAIR_METHOD = "paired linearisation, joint covariance (respondent as cluster)"
DOMAIN_METHOD = "domains of one design, joint linearisation (respondent as cluster)"
#: Kinds that get pairs and letters (a whole scale's codes are read as a distribution, not tested).
TESTED_KINDS = ("share", "mean", "net")
ALPHA = 0.05


def _contrasts(pairs: pl.DataFrame, v: np.ndarray, *, degf: float, level: float) -> pl.DataFrame:
    """Add the contrast columns to pairs of rows of one covariance (``_pos``, ``_pos_b``)."""
    df = paired_df(degf, pairs["df"].fill_null(np.nan).to_numpy(), pairs["df_b"].fill_null(np.nan).to_numpy())
    stats = paired(np.concatenate([pairs["estimate"].fill_null(np.nan).to_numpy(),
                                   pairs["estimate_b"].fill_null(np.nan).to_numpy()]),
                   _stacked(v, pairs["_pos"].to_numpy(), pairs["_pos_b"].to_numpy()),
                   np.arange(pairs.height), np.arange(pairs.height) + pairs.height, df=df, level=level,
                   ratio=pairs["kind"].is_in(RATIO_KINDS).to_numpy())
    return pl.concat([pairs.drop("df", "df_b"), stats], how="horizontal")


def _stacked(v: np.ndarray, a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """The covariance of the stacked estimates ``[a sides, b sides]`` (rows of ``v``)."""
    idx = np.concatenate([a, b])
    return v[np.ix_(idx, idx)]


def _tested(keys: pl.DataFrame) -> pl.DataFrame:
    return keys.filter(pl.col("category").is_null() & pl.col("kind").is_in(TESTED_KINDS))


def county_pairs(joint: Sequence[tuple[pl.DataFrame, np.ndarray]], targets: Sequence[str], *,
                 degf: float, level: float = 0.95) -> pl.DataFrame:
    """Every pair of counties (in ``targets`` order) per indicator × domain, each covariance block.

    Returns
    -------
    polars.DataFrame
        ``indicator, domain, target_a, target_b, estimate_a, estimate_b, difference, se, ci_low,
        ci_high, df, ratio…, p_value`` (no adjustment yet).
    """
    order = {t: i for i, t in enumerate(targets)}
    frames = []
    for keys, v in joint:
        k = _tested(keys).with_columns(_t=pl.col("target").replace_strict(order, default=99))
        pairs = (k.join(k.select("indicator", "domain", "_t", "_pos", "target", "estimate", "df"),
                        on=["indicator", "domain"], suffix="_b")
                 .filter(pl.col("_t") < pl.col("_t_b")))
        if pairs.height:
            frames.append(_contrasts(pairs, v, degf=degf, level=level).with_columns(domain_b=pl.col("domain")))
    return pl.concat(frames, how="vertical") if frames else pl.DataFrame()


def domain_pairs(joint: Sequence[tuple[pl.DataFrame, np.ndarray]], level_order: dict[str, list[str]],
                 resident_pairs: Sequence[tuple[str, str]], *, degf: float, level: float = 0.95) -> pl.DataFrame:
    """One county, two domains: each pair of a breakdown's levels, and residents against outsiders.

    Parameters
    ----------
    joint
        The covariance blocks.
    level_order
        ``breakdown -> [levels in order]``; pairs ``(i, j)`` with ``i`` before ``j``.
    resident_pairs
        ``(domain_a, domain_b)`` definition domains to compare (``("innenfra", "utenfra")``).
    """
    frames = []
    ranks = pl.DataFrame([(b, lv, i) for b, levels in level_order.items() for i, lv in enumerate(levels)],
                         schema={"breakdown": pl.String, "breakdown_level": pl.String, "_l": pl.Int64}, orient="row")
    for keys, v in joint:
        k = _tested(keys)
        if level_order:
            bd = k.filter(pl.col("breakdown").is_not_null()).join(ranks, on=["breakdown", "breakdown_level"])
            pairs = (bd.join(bd.select("indicator", "breakdown", "target", "_l", "_pos", "domain", "estimate", "df"),
                             on=["indicator", "breakdown", "target"], suffix="_b")
                     .filter(pl.col("_l") < pl.col("_l_b")))
            if pairs.height:
                frames.append(_contrasts(pairs, v, degf=degf, level=level))
        for a, b in resident_pairs:
            left = k.filter((pl.col("domain") == a) & pl.col("breakdown").is_null())
            right = k.filter((pl.col("domain") == b) & pl.col("breakdown").is_null()).select(
                "indicator", "target", "_pos", pl.col("domain").alias("domain_b"), "estimate", "df")
            pairs = left.join(right, on=["indicator", "target"], suffix="_b")
            if pairs.height:
                frames.append(_contrasts(pairs, v, degf=degf, level=level))
    if not frames:
        return pl.DataFrame()
    return pl.concat(frames, how="diagonal").with_columns(target_b=pl.col("target"))


def comparison_rows(pairs: pl.DataFrame, domains: pl.DataFrame, estimates: pl.DataFrame, *,
                    schema: dict[str, Any], columns: Sequence[str], level: float = 0.95) -> pl.DataFrame:
    """Both kinds as rows of the ``comparisons`` contract, Holm-adjusted within their families.

    The family is the one rule of every comparison (:func:`omdomme.analysis.counties.family_key`):
    ``pair:<round>:<survey>:<domain>``, ``domain:<round>:<survey>:<domain>``.
    """
    meta = estimates.select("survey", "round", "indicator", "label", "kind", "better").unique(
        "indicator", keep="first", maintain_order=True)
    parts = []
    if pairs.height:
        parts.append(pairs.with_columns(comparison=pl.lit(PAIR), method=pl.lit(PAIR_METHOD),
                                        target_a=pl.col("target")))
    if domains.height:
        parts.append(domains.with_columns(comparison=pl.lit(DOMAIN), method=pl.lit(DOMAIN_METHOD),
                                          target_a=pl.col("target")))
    if not parts:
        return pl.DataFrame(schema=schema)
    out = (pl.concat([p.select("indicator", "domain", "domain_b", "comparison", "method", "target_a",
                               "target_b", pl.col("estimate").alias("estimate_a"), "estimate_b", "difference", "se",
                               "ci_low", "ci_high", "df", "ratio", "ratio_ci_low", "ratio_ci_high", "p_value")
                      for p in parts], how="vertical")
           .join(meta.drop("kind"), on="indicator", how="left")
           .join(meta.select("indicator", "kind"), on="indicator", how="left")
           .with_columns(round_a=pl.col("round"), round_b=pl.col("round"), note=pl.lit("")))
    out = adjust_families(out, level=level)
    return out.select(pl.col(c).cast(schema[c]) for c in columns)


def compact_letters(order: Sequence[str], different: Sequence[tuple[str, str]]) -> dict[str, str]:
    """Compact letter display (insert-and-absorb, Piepho 2004): items sharing a letter do not differ.

    Parameters
    ----------
    order
        The items, best first («a» goes to the group of the best).
    different
        The pairs that differ significantly.

    Examples
    --------
    >>> compact_letters(["x", "y"], [])
    {'x': 'a', 'y': 'a'}
    >>> compact_letters(["x", "y", "z"], [("x", "y"), ("x", "z"), ("y", "z")])
    {'x': 'a', 'y': 'b', 'z': 'c'}
    """
    groups: list[set[str]] = [set(order)] if order else []
    for i, j in different:
        split: list[set[str]] = []
        for g in groups:
            if i in g and j in g:
                split += [g - {i}, g - {j}]
            else:
                split.append(g)
        # absorb: drop a group contained in another
        groups = [g for k, g in enumerate(split)
                  if g and not any(k != m and g <= h and (g != h or m < k) for m, h in enumerate(split))]
    rank = {x: r for r, x in enumerate(order)}
    groups.sort(key=lambda g: sorted(rank[x] for x in g))
    letters = "abcdefghijklmnopqrstuvwxyz"
    return {x: "".join(letters[n] for n, g in enumerate(groups) if x in g) for x in order}


def letter_column(estimates: pl.DataFrame, comparisons: pl.DataFrame) -> pl.DataFrame:
    """``estimates`` with ``letters``: the compact letter display of the counties per indicator × domain.

    Counties with a suppressed or missing estimate get none and take no part. The letters
    read the Holm-adjusted ``pair`` comparisons (``significant``).
    """
    pairs = comparisons.filter(pl.col("comparison") == PAIR)
    sig: dict[tuple[str, str], list[tuple[str, str]]] = {
        (r["indicator"], r["domain"]): [] for r in pairs.select("indicator", "domain").unique().iter_rows(named=True)}
    for ind, dom, a, b in pairs.filter(pl.col("significant")).select("indicator", "domain", "target_a",
                                                                     "target_b").iter_rows():
        sig.setdefault((ind, dom), []).append((a, b))
    shown = estimates.filter(pl.col("indicator").is_in(list({k[0] for k in sig}))
                             & (pl.col("flag") != "suppressed") & pl.col("estimate").is_not_null()
                             & pl.col("category").is_null())
    rows: list[tuple[str, str, str, str]] = []
    # A handful of counties per indicator × domain: the letters are a small combinatorial step
    # after the (vectorised) estimation, one pass over the tested cells.
    for (ind, dom), cells in shown.group_by(["indicator", "domain"], maintain_order=True):
        if (ind, dom) not in sig:
            continue
        higher = cells["better"][0] != "lower"
        ordered = cells.sort("estimate", descending=higher)["target"].to_list()
        present = set(ordered)
        diff = [(a, b) for a, b in sig[(str(ind), str(dom))] if a in present and b in present]
        for target, text in compact_letters(ordered, diff).items():
            rows.append((str(ind), str(dom), target, text))
    table = pl.DataFrame(rows, schema={"indicator": pl.String, "domain": pl.String, "target": pl.String,
                                       "letters": pl.String}, orient="row")
    out = estimates.drop("letters", strict=False).join(table, on=["indicator", "domain", "target"], how="left",
                                                       maintain_order="left")
    out = out.with_columns(pl.when(pl.col("category").is_null()).then(pl.col("letters")).alias("letters"))
    # The contract's column order (letters is not the last column of estimates).
    return out.select(estimates.columns) if "letters" in estimates.columns else out
