"""Contrasts of two estimates: difference and ratio with a t interval and p-value; Holm.

The one place for the arithmetic of every comparison omdomme writes (Østfold against the
other counties or Norway in one round, the change since a round, the innovation goal ratio).
The caller says which pairs and which degrees of freedom; this module does the rest the same
way each time:

- **difference** ``a − b`` with ``var = Va + Vb − 2·Cab`` (R's ``svycontrast`` on a joint
  covariance); t interval ``d ± t(df)·se``; two-sided t test of ``a = b``;
- **ratio** ``a / b`` on the log scale by the delta method,
  ``var(log a − log b) = Va/a² + Vb/b² − 2·Cab/(a·b)``, interval ``r · exp(± t(df)·se_log)``
  with the same df; only where both estimates are positive (and the caller allows a ratio:
  not for means of rating scales, whose origin is arbitrary);
- **paired** (:func:`paired`): two estimates of one sample with their design covariance; the
  df is the caller's rule (omdomme's county comparisons: :func:`paired_df`);
- **independent** (:func:`independent`): two samples (two rounds), ``Cab = 0``, and
  Welch–Satterthwaite df from the two design dfs (:func:`welch_df`);
- **Holm** (:func:`holm`): the step-down adjustment within each family of a table.

Degenerate cases, once for all callers: a variance that is negative only by rounding is 0; an
estimate with ``se = 0`` on both sides has p = 1 when the two are equal and no test (NaN)
otherwise — a zero variance estimate is not certainty; ``df <= 0`` or NaN gives no interval
and no p; ``df = inf`` is the normal case.

Imports only numpy, polars and scipy (floor 3, like the rest of :mod:`omdomme.estimate`).

Examples
--------
>>> import numpy as np
>>> t = paired(np.array([0.3, 0.4]), np.array([[1e-3, 4e-4], [4e-4, 1e-3]]), [0], [1], df=500)
>>> round(t["difference"][0], 3), round(t["se"][0], 4)
(-0.1, 0.0346)
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import polars as pl

from omdomme.estimate.intervals import t_quantile, two_sided_p

__all__ = [
    "CONTRAST_COLUMNS",
    "contrast",
    "holm",
    "independent",
    "paired",
    "paired_df",
    "welch_df",
]

#: Columns of the frame every contrast function returns, in order (Float64, null = undefined).
CONTRAST_COLUMNS = (
    "difference",
    "se",
    "ci_low",
    "ci_high",
    "df",
    "ratio",
    "ratio_ci_low",
    "ratio_ci_high",
    "p_value",
)

ArrayLike = np.ndarray | pl.Series | Sequence[float] | float
Mask = np.ndarray | pl.Series | Sequence[bool] | bool

# A variance below zero by less than this share of its parts is rounding of a zero variance.
_ROUNDING = 1e-12


def _array(values: ArrayLike) -> np.ndarray:
    if isinstance(values, pl.Series):
        return values.cast(pl.Float64).fill_null(float("nan")).to_numpy()
    return np.asarray(values, dtype=float)


def _mask(values: Mask) -> np.ndarray:
    if isinstance(values, pl.Series):
        return values.cast(pl.Boolean).fill_null(False).to_numpy()
    return np.asarray(values, dtype=bool)


def _non_negative(var: np.ndarray, scale: np.ndarray) -> np.ndarray:
    # Tiny negative values are rounding of zero (Va = Vb = Cab); a clearly negative one is a
    # broken covariance and gets NaN, never the root of a made-up number.
    tolerance = _ROUNDING * np.abs(scale) + 1e-300
    return np.where(var >= 0, var, np.where(var >= -tolerance, 0.0, np.nan))


def contrast(
    est_a: ArrayLike,
    est_b: ArrayLike,
    var_a: ArrayLike,
    var_b: ArrayLike,
    cov_ab: ArrayLike,
    df: ArrayLike,
    *,
    level: float = 0.95,
    ratio: Mask = True,
) -> pl.DataFrame:
    """Difference ``a − b`` and ratio ``a / b`` of many pairs at once, with t intervals.

    Parameters
    ----------
    est_a, est_b : array-like
        The two estimates of each pair (NaN or null: no estimate, every result null).
    var_a, var_b, cov_ab : array-like
        Their variances and covariance (0 for independent samples).
    df : array-like
        Degrees of freedom of each pair's t distribution (``inf``: normal; ``<= 0`` or NaN:
        no interval, no p-value).
    level : float
        Confidence level of the intervals.
    ratio : bool or array of bool
        Where a ratio means something (a true zero: shares, totals, ratios); it is computed
        only there and where both estimates are positive.

    Returns
    -------
    polars.DataFrame
        One row per pair, columns :data:`CONTRAST_COLUMNS` (Float64; null where undefined).

    Examples
    --------
    >>> t = contrast([0.5], [0.4], [1e-3], [1e-3], [0.0], [100.0])
    >>> round(t["p_value"][0], 4), round(t["ratio"][0], 3)
    (0.0276, 1.25)
    """
    a, b, va, vb, cab, dfs = np.broadcast_arrays(
        *(_array(x) for x in (est_a, est_b, var_a, var_b, cov_ab, df))
    )
    wanted = np.broadcast_to(_mask(ratio), a.shape)
    with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
        diff = a - b
        se = np.sqrt(_non_negative(va + vb - 2.0 * cab, va + vb))
        dfs = np.where(dfs > 0, dfs, np.nan)
        q = t_quantile(0.5 + level / 2.0, dfs)
        p = two_sided_p(diff / se, dfs)
        # se = 0: equal estimates are no evidence of a difference (p = 1); unequal ones are no
        # test at all (the variance estimate is zero, the uncertainty is not).
        p = np.where(se == 0, np.where(diff == 0, 1.0, np.nan), p)
        positive = wanted & (a > 0) & (b > 0)
        r = np.where(positive, a / b, np.nan)
        rel_a, rel_b = va / a**2, vb / b**2
        se_log = np.sqrt(_non_negative(rel_a + rel_b - 2.0 * cab / (a * b), rel_a + rel_b))
        half = q * se
        half_log = q * se_log
        columns = {
            "difference": diff,
            "se": se,
            "ci_low": diff - half,
            "ci_high": diff + half,
            "df": dfs,
            "ratio": r,
            "ratio_ci_low": r * np.exp(-half_log),
            "ratio_ci_high": r * np.exp(half_log),
            "p_value": p,
        }
    return pl.DataFrame(
        {k: pl.Series(k, v, dtype=pl.Float64, nan_to_null=True) for k, v in columns.items()}
    )


def paired(
    estimates: ArrayLike,
    vcov: np.ndarray,
    a: Sequence[int] | np.ndarray,
    b: Sequence[int] | np.ndarray,
    *,
    df: ArrayLike,
    level: float = 0.95,
    ratio: Mask = True,
) -> pl.DataFrame:
    """Contrasts ``estimates[a] − estimates[b]`` of one sample, from its joint covariance.

    Parameters
    ----------
    estimates : array-like
        Estimates of one design (e.g. every county × indicator of a round).
    vcov : numpy.ndarray
        Their design covariance matrix, in the same order.
    a, b : sequence of int
        Positions of the pairs' two sides.
    df : array-like
        Degrees of freedom per pair, the caller's rule (e.g. :func:`paired_df`, or the design
        df).
    level, ratio
        As :func:`contrast`.

    Examples
    --------
    >>> v = np.array([[4e-4, 1e-4], [1e-4, 9e-4]])
    >>> t = paired(np.array([0.6, 0.5]), v, [0], [1], df=[30.0])
    >>> round(t["se"][0] ** 2, 6)  # 4e-4 + 9e-4 - 2e-4
    0.0011
    """
    est = _array(estimates)
    v = np.asarray(vcov, dtype=float)
    ia, ib = np.asarray(a, dtype=np.intp), np.asarray(b, dtype=np.intp)
    return contrast(est[ia], est[ib], v[ia, ia], v[ib, ib], v[ia, ib], df, level=level, ratio=ratio)


def paired_df(design_df: float, df_a: ArrayLike, df_b: ArrayLike) -> np.ndarray:
    """omdomme's df of a paired county comparison: the smallest of the design's and the two domains'.

    The design df where both counties are rated by the same respondents (domain ``alle``),
    conservative where the domains are small and disjoint (young residents of Østfold against
    young residents of Akershus). A domain without a df (NaN) does not count.

    Examples
    --------
    >>> paired_df(1584.0, [1584.0, 120.0], [1584.0, 95.0]).tolist()
    [1584.0, 95.0]
    """
    return np.fmin(np.fmin(_array(df_a), _array(df_b)), float(design_df))


def welch_df(var_a: ArrayLike, var_b: ArrayLike, df_a: ArrayLike, df_b: ArrayLike) -> np.ndarray:
    """Welch–Satterthwaite degrees of freedom of the difference of two independent estimates.

    ``(Va + Vb)² / (Va²/df_a + Vb²/df_b)``: never below the smaller df, tending to the df of
    the side whose variance dominates. A side without a usable df (NaN or ``<= 0``) counts as
    a known variance (infinite df); with both variances zero there is nothing to weigh and the
    smaller df is returned.

    Examples
    --------
    >>> welch_df([1.0, 1.0, 0.0], [1.0, 0.0, 0.0], [10.0, 10.0, 10.0], [10.0, 30.0, 30.0]).tolist()
    [20.0, 10.0, 10.0]
    """
    va, vb, da, db = np.broadcast_arrays(*(_array(x) for x in (var_a, var_b, df_a, df_b)))
    da = np.where(da > 0, da, np.inf)
    db = np.where(db > 0, db, np.inf)
    with np.errstate(divide="ignore", invalid="ignore"):
        out = (va + vb) ** 2 / (va**2 / da + vb**2 / db)
    return np.where((va + vb) == 0, np.minimum(da, db), out)


def independent(
    est_a: ArrayLike,
    se_a: ArrayLike,
    df_a: ArrayLike,
    est_b: ArrayLike,
    se_b: ArrayLike,
    df_b: ArrayLike,
    *,
    level: float = 0.95,
    ratio: Mask = True,
) -> pl.DataFrame:
    """Contrasts ``a − b`` and ``a / b`` of estimates from two independent samples (two rounds).

    Variance ``se_a² + se_b²`` (no covariance), df by :func:`welch_df` from the two design dfs,
    the same df for the difference and the log-scale ratio.

    Examples
    --------
    >>> t = independent([0.40], [0.02], [300.0], [0.30], [0.02], [280.0])
    >>> round(t["ratio"][0], 4), round(t["df"][0], 1)
    (1.3333, 579.3)
    """
    sa, sb = _array(se_a), _array(se_b)
    va, vb = sa**2, sb**2
    return contrast(
        est_a, est_b, va, vb, 0.0, welch_df(va, vb, df_a, df_b), level=level, ratio=ratio
    )


def holm(
    frame: pl.DataFrame, p: str = "p_value", family: str = "family", out: str = "p_adjusted"
) -> pl.DataFrame:
    """Add column ``out``: Holm's step-down adjustment of column ``p`` within each ``family``.

    Missing p-values (null or NaN: no estimate, or kept out of the test) stay null and do not
    count towards a family's size. The row order of ``frame`` is kept.

    Examples
    --------
    >>> f = pl.DataFrame({"fam": ["a", "a", "a", "b"], "p": [0.01, 0.04, 0.03, 0.04]})
    >>> holm(f, "p", "fam")["p_adjusted"].to_list()
    [0.03, 0.06, 0.06, 0.04]
    """
    valid = pl.col(p).is_not_null() & pl.col(p).is_not_nan()
    order = pl.col(p).fill_nan(None).rank("ordinal").over(family)
    m = valid.sum().over(family)
    raw = ((m - order + 1) * pl.col(p)).clip(upper_bound=1.0)
    return (
        frame.with_row_index("__row")
        .with_columns(__order=order, __raw=pl.when(valid).then(raw))
        .sort(family, "__order", nulls_last=True)
        .with_columns(pl.col("__raw").cum_max().over(family).alias(out))
        .with_columns(pl.when(valid).then(pl.col(out)).alias(out))
        .sort("__row")
        .drop("__row", "__order", "__raw")
    )
