"""Weighting: raking (iterative proportional fitting) and post-stratification.

The numerical core, :func:`ipf`, works on plain numpy arrays (integer category codes and
population totals per code), so that it can be tested against R and reused by other
modules without a :class:`~omdomme.Survey`.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from omdomme.errors import WeightingError

__all__ = ["IPFResult", "ipf", "kish_deff"]


@dataclass(frozen=True)
class IPFResult:
    """The outcome of :func:`ipf`.

    Attributes
    ----------
    weights : numpy.ndarray
        Final weights, one per row, in row order.
    iterations : int
        Full sweeps over all margins that were run.
    converged : bool
        True when every margin was reproduced within ``tol`` (relative).
    max_discrepancy : float
        Largest relative discrepancy ``|achieved - target| / target`` over every margin
        category after the last sweep.
    """

    weights: np.ndarray
    iterations: int
    converged: bool
    max_discrepancy: float


def kish_deff(weights: np.ndarray) -> float:
    """Kish's design effect of unequal weighting, ``n Σw² / (Σw)² = 1 + CV²``.

    ``CV`` is the coefficient of variation of the weights (population form, ``ddof=0``).
    The weighting efficiency is ``1 / deff`` and the effective sample size ``n / deff``.

    Parameters
    ----------
    weights : numpy.ndarray
        Positive weights.

    Returns
    -------
    float

    Examples
    --------
    >>> kish_deff(np.array([1.0, 1.0, 1.0, 1.0]))
    1.0
    >>> round(kish_deff(np.array([1.0, 3.0])), 6)
    1.25
    """
    w = np.asarray(weights, dtype=float)
    return float(w.size * np.dot(w, w) / w.sum() ** 2)


def _discrepancies(
    weights: np.ndarray, categories: list[np.ndarray], targets: list[np.ndarray]
) -> list[np.ndarray]:
    # Relative discrepancy per category of every margin; zero targets count absolutely.
    out = []
    for codes, target in zip(categories, targets, strict=True):
        achieved = np.bincount(codes, weights=weights, minlength=target.size)
        out.append(np.abs(achieved - target) / np.where(target > 0, target, 1.0))
    return out


def ipf(
    design_weights: np.ndarray,
    categories: list[np.ndarray],
    targets: list[np.ndarray],
    *,
    bounds: tuple[float, float] | None = None,
    max_iter: int = 100,
    tol: float = 1e-10,
) -> IPFResult:
    """Rake design weights to population totals by iterative proportional fitting.

    Each sweep scales the weights, margin by margin, so that the weighted count of every
    category equals its target: ``w_i ← w_i · T_jk / Σ_{l: c_jl = k} w_l``. The fixed point is
    the raking solution (R's ``rake()`` and ``calibrate(..., calfun = "raking")``).

    Parameters
    ----------
    design_weights : numpy.ndarray
        Positive starting (design) weights ``d_i``, one per row.
    categories : list of numpy.ndarray
        One integer array per margin: the code ``0 .. K_j - 1`` of each row.
    targets : list of numpy.ndarray
        One array per margin: the population total of each code (length ``K_j``). All
        margins must have the same grand total.
    bounds : tuple of float, optional
        ``(low, high)`` limits on the g-weights ``w_i / d_i``; after every margin step the
        g-weights are clipped to them (bounded IPF). Margins may then be unreachable, which
        shows as ``converged=False``.
    max_iter : int
        Maximum number of sweeps.
    tol : float
        Convergence when every relative margin discrepancy is below ``tol``.

    Returns
    -------
    IPFResult

    Raises
    ------
    WeightingError
        A category with a positive target but no rows (or zero total weight), a negative
        target, codes out of range, or non-positive design weights.

    Examples
    --------
    >>> d = np.ones(4)
    >>> sex = np.array([0, 0, 1, 1]); young = np.array([0, 1, 0, 1])
    >>> r = ipf(d, [sex, young], [np.array([6.0, 4.0]), np.array([5.0, 5.0])])
    >>> r.converged, np.round(r.weights, 6).tolist()
    (True, [3.0, 3.0, 2.0, 2.0])
    """
    d = np.asarray(design_weights, dtype=float)
    if d.ndim != 1 or not np.all(np.isfinite(d)) or np.any(d <= 0):
        bad = d[~(np.isfinite(d) & (d > 0))]
        raise WeightingError(
            f"design weights must be positive and finite; found {bad.size} bad value(s), "
            f"e.g. {bad[:3].tolist()}; fix the weight variable or drop those rows before raking"
        )
    codes = [np.asarray(c, dtype=np.int64) for c in categories]
    tots = [np.asarray(t, dtype=float) for t in targets]
    if len(codes) != len(tots) or not codes:
        raise WeightingError(
            f"ipf needs one target array per margin; got {len(codes)} margin(s) and {len(tots)} target array(s)"
        )
    for j, (c, t) in enumerate(zip(codes, tots, strict=True)):
        if c.shape != d.shape:
            raise WeightingError(f"margin {j}: {c.size} category codes for {d.size} weights")
        if c.size and (c.min() < 0 or c.max() >= t.size):
            raise WeightingError(
                f"margin {j}: codes must lie in 0..{t.size - 1}; found {int(c.min())}..{int(c.max())}"
            )
        if np.any(t < 0) or not np.all(np.isfinite(t)):
            raise WeightingError(f"margin {j}: population totals must be non-negative; got {t.tolist()}")
        present = np.bincount(c, minlength=t.size)
        empty = np.flatnonzero((present == 0) & (t > 0))
        if empty.size:
            raise WeightingError(
                f"margin {j}: category code(s) {empty.tolist()} have a population total but no "
                "respondents; merge them with a neighbouring category"
            )

    low, high = (-np.inf, np.inf) if bounds is None else (float(bounds[0]), float(bounds[1]))
    w = d.copy()
    converged = False
    iterations = 0
    for iterations in range(1, max_iter + 1):  # noqa: B007 - the count is reported
        for c, t in zip(codes, tots, strict=True):
            current = np.bincount(c, weights=w, minlength=t.size)
            # A category whose target is 0 gets weight 0; categories with rows all have current > 0.
            factor = np.divide(t, current, out=np.zeros_like(t), where=current > 0)
            w = w * factor[c]
            if bounds is not None:
                w = d * np.clip(w / d, low, high)
        worst = max(float(x.max(initial=0.0)) for x in _discrepancies(w, codes, tots))
        if worst < tol:
            converged = True
            break
    worst = max(float(x.max(initial=0.0)) for x in _discrepancies(w, codes, tots))
    return IPFResult(weights=w, iterations=iterations, converged=converged, max_discrepancy=worst)
