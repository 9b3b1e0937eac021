"""Confidence intervals for design-based estimates, vectorised over many estimates at once.

Every function takes numpy arrays (one element per estimate) and returns ``(low, high)``
arrays. Undefined intervals are NaN; the caller (:mod:`omdomme.estimate.survey`) flags and explains
them. The proportion methods reproduce R ``survey``'s ``svyciprop`` (version 4.1):

``logit``
    Wald interval for the intercept of ``svyglm(y ~ 1, family = quasibinomial)``, which is the
    delta method on ``log(p / (1 - p))`` with the design variance and a t quantile with the
    design df: ``expit(logit(p) ± t * se / (p (1 - p)))``.
``likelihood``
    R profiles the design-weighted binomial deviance and scales the cut-off by the design
    effect of the intercept (Rao–Scott): the bounds solve
    ``2 S_W KL(p ‖ μ) / φ = t² λ`` with ``S_W`` the sum of the weights rescaled to mean 1,
    ``φ`` R's dispersion (``summary.svyglm``: the design variance of the Pearson residuals
    with the sampling weights divided out, ``n / (n - 1)`` here) and
    ``λ = se² S_W / (p (1 - p))``. R interpolates a spline on a grid; we solve the same
    equation exactly, so results agree to about 1e-4.
``asin``
    ``sin(asin(√p) ± t * se / (2 √(p (1 - p))))²`` (the angle is clamped to ``[0, π/2]``;
    R does not clamp and can wrap around when the interval is very wide).
``beta``
    Korn–Graubard: ``n_eff = p (1 - p) / se²`` scaled by ``(t(n_rows - 1) / t(df))²``,
    Clopper–Pearson bounds with ``x = n_eff p`` (R's code, including its use of the number
    of rows of the design).
``mean``
    Wald: ``p ± t * se``.
``xlogit``
    As ``logit``, by ``svycontrast`` on the logit scale (the same formula).
``wilson``
    Score interval on the effective sample size ``p (1 - p) / se²`` with the t quantile;
    at ``p = 0`` or ``1`` (``se = 0``) the effective n is the unweighted n.
``korn_graubard_nchs``
    NCHS's Korn–Graubard variant (Parker et al. 2017): effective n df-adjusted as in
    ``beta`` and capped at the unweighted n; at ``p = 0`` the lower bound is 0 and the upper
    the Clopper–Pearson bound with ``n`` (and symmetrically at ``p = 1``).
"""

from __future__ import annotations

import numpy as np

__all__ = ["PROPORTION_METHODS", "proportion_interval", "t_interval", "t_quantile", "two_sided_p"]

PROPORTION_METHODS = (
    "logit",
    "likelihood",
    "asin",
    "beta",
    "mean",
    "xlogit",
    "wilson",
    "korn_graubard_nchs",
)


def t_quantile(prob: float, df: np.ndarray) -> np.ndarray:
    """Quantile ``prob`` of Student's t with ``df`` degrees of freedom; NaN where ``df <= 0``.

    The one t quantile of the package: ``prob`` is the probability below the quantile (0.975
    for a two-sided 95 % interval: ``t_quantile(0.5 + level / 2, df)``); ``df = inf`` gives
    the normal quantile, NaN or ``df <= 0`` gives NaN (no interval).

    Examples
    --------
    >>> float(t_quantile(0.975, np.array([10.0]))[0])  # doctest: +ELLIPSIS
    2.228...
    """
    # scipy.special, not scipy.stats: the same Boost routines (identical values), without
    # the ~0.5 s import of scipy.stats on the start-up path of `omdomme analyse`.
    from scipy.special import stdtrit

    df = np.asarray(df, dtype=float)
    out = np.full(df.shape, np.nan)
    ok = df > 0
    out[ok] = stdtrit(df[ok], prob)
    return out


def two_sided_p(stat: np.ndarray, df: np.ndarray) -> np.ndarray:
    """Two-sided p-value ``2 · P(T_df > |stat|)`` of a t statistic; NaN where ``df <= 0``.

    ``df = inf`` is the normal test (a variance taken as known). A NaN statistic or df gives
    NaN: no test, never a made-up one.

    Examples
    --------
    >>> p = two_sided_p(np.array([2.0, 2.0, 0.0]), np.array([10.0, np.inf, 10.0]))
    >>> [round(float(x), 4) for x in p]
    [0.0734, 0.0455, 1.0]
    """
    from scipy.special import stdtr

    stat = np.abs(np.asarray(stat, dtype=float))
    df = np.asarray(df, dtype=float)
    stat, df = np.broadcast_arrays(stat, df)
    out = np.full(df.shape, np.nan)
    ok = df > 0
    out[ok] = 2.0 * stdtr(df[ok], -stat[ok])
    return np.minimum(out, 1.0)


def t_interval(
    estimate: np.ndarray, se: np.ndarray, df: np.ndarray, level: float
) -> tuple[np.ndarray, np.ndarray]:
    """Symmetric t interval ``estimate ± t(df) * se``; NaN where ``df <= 0``.

    Examples
    --------
    >>> lo, hi = t_interval(np.array([1.0]), np.array([0.1]), np.array([30.0]), 0.95)
    >>> round(float(lo[0]), 4), round(float(hi[0]), 4)
    (0.7958, 1.2042)
    """
    q = t_quantile(1 - (1 - level) / 2, df)
    half = q * np.asarray(se, dtype=float)
    return estimate - half, estimate + half


def _qbeta(prob: float, a: np.ndarray, b: np.ndarray) -> np.ndarray:
    # R's qbeta(p, 0, b) is 0 and qbeta(p, a, 0) is 1; scipy gives NaN there.
    from scipy.special import betaincinv

    a = np.asarray(a, dtype=float)
    b = np.asarray(b, dtype=float)
    out = np.full(np.broadcast(a, b).shape, np.nan)
    ok = (a > 0) & (b > 0)
    out[ok] = betaincinv(a[ok], b[ok], prob)
    out[(a == 0) & (b > 0)] = 0.0
    out[(b == 0) & (a > 0)] = 1.0
    return out


def _expit(x: np.ndarray) -> np.ndarray:
    return 1.0 / (1.0 + np.exp(-x))


def _kl(p: np.ndarray, mu: np.ndarray) -> np.ndarray:
    # Binomial Kullback-Leibler divergence with 0 log 0 = 0.
    with np.errstate(divide="ignore", invalid="ignore"):
        a = np.where(p > 0, p * np.log(p / mu), 0.0)
        b = np.where(p < 1, (1 - p) * np.log((1 - p) / (1 - mu)), 0.0)
    return a + b


def _likelihood_bounds(
    p: np.ndarray, target: np.ndarray, scale: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    # Solve scale * KL(p || expit(b)) = target on each side of logit(p) by bisection on the
    # logit scale, all estimates at once (the function is monotone on each side).
    beta_hat = np.log(p / (1 - p))
    out = []
    for side in (-1.0, 1.0):
        near = beta_hat.copy()
        far = beta_hat + side * 60.0
        for _ in range(80):
            mid = (near + far) / 2
            above = scale * _kl(p, _expit(mid)) > target
            far = np.where(above, mid, far)
            near = np.where(above, near, mid)
        out.append(_expit((near + far) / 2))
    return out[0], out[1]


def proportion_interval(
    method: str,
    p: np.ndarray,
    se: np.ndarray,
    df: np.ndarray,
    level: float,
    *,
    n: np.ndarray,
    n_rows: np.ndarray,
    weight_sum: np.ndarray | None = None,
    dispersion: np.ndarray | None = None,
) -> tuple[np.ndarray, np.ndarray]:
    """Confidence interval of a proportion by one of :data:`PROPORTION_METHODS`.

    Parameters
    ----------
    method : str
        One of :data:`PROPORTION_METHODS` (R's ``svyciprop`` names plus ``wilson`` and
        ``korn_graubard_nchs``).
    p, se, df : numpy.ndarray
        Estimates, design standard errors and degrees of freedom.
    level : float
        Confidence level, e.g. 0.95.
    n : numpy.ndarray
        Unweighted number of rows with a valid value (cap of ``korn_graubard_nchs``, the
        effective n of ``wilson`` at ``p = 0`` or ``1``).
    n_rows : numpy.ndarray
        Number of rows of the (domain) design, R's ``nrow(design)`` in ``beta``.
    weight_sum, dispersion : numpy.ndarray, optional
        ``S_W`` and ``φ`` of the ``likelihood`` method (see the module docstring).

    Returns
    -------
    tuple of numpy.ndarray
        ``(low, high)``; NaN where the method is undefined (``p`` at 0 or 1 for the
        methods that need ``0 < p < 1``, ``df <= 0``, ``se`` NaN).

    Examples
    --------
    >>> lo, hi = proportion_interval("logit", np.array([0.5]), np.array([0.05]),
    ...                              np.array([100.0]), 0.95, n=np.array([100]),
    ...                              n_rows=np.array([100]))
    >>> round(float(lo[0]), 4), round(float(hi[0]), 4)
    (0.4021, 0.5979)
    """
    p = np.asarray(p, dtype=float)
    se = np.asarray(se, dtype=float)
    df = np.asarray(df, dtype=float)
    alpha = 1 - level
    q = t_quantile(1 - alpha / 2, df)
    inner = (p > 0) & (p < 1)
    nan = np.full(p.shape, np.nan)
    with np.errstate(divide="ignore", invalid="ignore"):
        if method in ("logit", "xlogit"):
            eta = np.log(p / (1 - p))
            half = q * se / (p * (1 - p))
            lo, hi = _expit(eta - half), _expit(eta + half)
        elif method == "mean":
            lo, hi = p - q * se, p + q * se
        elif method == "asin":
            angle = np.arcsin(np.sqrt(p))
            half = q * se / (2 * np.sqrt(p * (1 - p)))
            lo = np.sin(np.clip(angle - half, 0, np.pi / 2)) ** 2
            hi = np.sin(np.clip(angle + half, 0, np.pi / 2)) ** 2
        elif method == "beta":
            n_eff = p * (1 - p) / se**2
            ratio = t_quantile(alpha / 2, np.asarray(n_rows, dtype=float) - 1) / t_quantile(
                alpha / 2, df
            )
            n_eff = n_eff * ratio**2
            lo = _qbeta(alpha / 2, n_eff * p, n_eff * (1 - p) + 1)
            hi = _qbeta(1 - alpha / 2, n_eff * p + 1, n_eff * (1 - p))
        elif method == "likelihood":
            if weight_sum is None or dispersion is None:
                raise ValueError("likelihood intervals need weight_sum and dispersion")
            lam = se**2 * weight_sum / (p * (1 - p))
            target = q**2 * lam
            ok = inner & np.isfinite(target) & (dispersion > 0)
            lo, hi = nan.copy(), nan.copy()
            if ok.any():
                lo[ok], hi[ok] = _likelihood_bounds(
                    p[ok], target[ok], 2 * weight_sum[ok] / dispersion[ok]
                )
        elif method in ("wilson", "korn_graubard_nchs"):
            n_f = np.asarray(n, dtype=float)
            n_eff = np.where(inner & (se > 0), p * (1 - p) / se**2, n_f)
            if method == "wilson":
                z2 = q**2
                centre = (p + z2 / (2 * n_eff)) / (1 + z2 / n_eff)
                half = (q / (1 + z2 / n_eff)) * np.sqrt(p * (1 - p) / n_eff + z2 / (4 * n_eff**2))
                lo, hi = np.maximum(centre - half, 0.0), np.minimum(centre + half, 1.0)
            else:
                ratio = t_quantile(alpha / 2, n_f - 1) / t_quantile(alpha / 2, df)
                n_eff = np.minimum(n_eff * ratio**2, n_f)
                x = n_eff * p
                lo = np.where(p <= 0, 0.0, _qbeta(alpha / 2, x, n_eff - x + 1))
                hi = np.where(p >= 1, 1.0, _qbeta(1 - alpha / 2, x + 1, n_eff - x))
            # Defined at 0 and 1, but still nothing without df or with no data.
            bad = ~np.isfinite(q) | ~np.isfinite(p) | ~(n_f > 0)
            lo, hi = np.where(bad, np.nan, lo), np.where(bad, np.nan, hi)
            return lo, hi
        else:
            raise ValueError(f"unknown proportion method {method!r}")
    # The R methods need 0 < p < 1 (R itself returns NaN or a degenerate interval there).
    lo = np.where(inner, lo, np.nan)
    hi = np.where(inner, hi, np.nan)
    return lo, hi
