"""Taylor-linearisation variance of a stratified, clustered design (R ``survey``'s ``svyrecvar``).

The estimators in :mod:`omdomme.estimate.survey` reduce every estimate to a *score*: one weighted,
linearised value per row (for a mean, ``w_i (y_i - ȳ) / Σw``; zero outside the estimate's
domain). This module turns an ``n × k`` score matrix — or its ``P × k`` PSU totals — into
the ``k × k`` design covariance, exactly as R's ``onestrat``/``onestage`` (survey 4.1) do for a
one-stage design with replacement at the first stage:

``V = Σ_h c_h Σ_{p∈h} (t_p - t̄_h)(t_p - t̄_h)ᵀ``,  ``c_h = f_h n_h / (n_h - 1)``,
``f_h = (N_h - n_h) / N_h`` (1 without fpc),

where ``t̄_h`` averages over all ``n_h`` PSUs of the stratum in the *full* design (PSUs
without rows of a domain count as zeros: a domain is a subset of the design, not of the data).
Strata with one PSU follow ``lonely_psu`` with R's names: ``remove`` (contributes 0),
``adjust`` (deviation from 0, i.e. the grand mean of the centred scores), ``average`` (the
sum over the other strata scaled by ``#strata / #strata with a variance``), ``fail``
(refused when the design is built). Strata whose fpc says every PSU was taken (``f_h < 1e-7``)
contribute 0, as in R.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

__all__ = ["PsuStructure", "covariance_from_psu_totals", "psu_totals", "score_covariance"]


@dataclass(frozen=True, eq=False)
class PsuStructure:
    """The integer skeleton of a design, built once by :class:`omdomme.Survey`.

    Attributes
    ----------
    psu_code : numpy.ndarray
        ``(n,)`` PSU code of each row, ``0 .. P-1``; codes are contiguous within a stratum
        (PSUs sorted by stratum) and PSUs are nested in strata.
    psu_stratum : numpy.ndarray
        ``(P,)`` stratum code (``0 .. H-1``) of each PSU, non-decreasing.
    n_psu : numpy.ndarray
        ``(H,)`` number of PSUs per stratum in the design (R's ``fpc$sampsize``).
    fpc_factor : numpy.ndarray
        ``(H,)`` ``f_h = (N_h - n_h) / N_h``; 1 where there is no fpc.
    lonely_psu : str
        ``fail``, ``remove``, ``adjust`` or ``average``.
    """

    psu_code: np.ndarray
    psu_stratum: np.ndarray
    n_psu: np.ndarray
    fpc_factor: np.ndarray
    lonely_psu: str

    @property
    def n_strata(self) -> int:
        """Number of strata ``H``."""
        return int(self.n_psu.shape[0])

    @property
    def n_psus(self) -> int:
        """Number of PSUs ``P``."""
        return int(self.psu_stratum.shape[0])

    def row_order(self) -> tuple[np.ndarray, np.ndarray]:
        """Row permutation that sorts rows by PSU, and the start of each PSU in it."""
        order = np.argsort(self.psu_code, kind="stable")
        counts = np.bincount(self.psu_code, minlength=self.n_psus)
        starts = np.concatenate(([0], np.cumsum(counts)[:-1]))
        return order, starts


def psu_totals(scores: np.ndarray, structure: PsuStructure) -> np.ndarray:
    """Sum an ``n × k`` score matrix (rows in data order) within PSUs: ``P × k``.

    Examples
    --------
    >>> s = PsuStructure(np.array([0, 0, 1]), np.array([0, 0]), np.array([2]),
    ...                  np.array([1.0]), "fail")
    >>> psu_totals(np.array([[1.0], [2.0], [4.0]]), s).ravel().tolist()
    [3.0, 4.0]
    """
    scores = np.asarray(scores, dtype=float)
    if scores.ndim == 1:
        scores = scores[:, None]
    order, starts = structure.row_order()
    # Every PSU has at least one row, so the starts are strictly increasing (reduceat-safe).
    return np.add.reduceat(scores[order], starts, axis=0)


def covariance_from_psu_totals(
    totals: np.ndarray, structure: PsuStructure, present: np.ndarray | None = None
) -> np.ndarray:
    """Design covariance ``k × k`` from PSU totals of the scores (``P × k``).

    Parameters
    ----------
    totals : numpy.ndarray or scipy.sparse matrix
        ``P × k`` PSU totals, rows in PSU-code order (every PSU of the design, zeros allowed);
        a sparse matrix when most (PSU, domain) cells are empty.
    structure : PsuStructure
        The design skeleton.
    present : numpy.ndarray, optional
        ``H × k`` booleans: does column ``k``'s domain have rows in stratum ``h``. Used only by
        ``lonely_psu="average"``, where R counts the strata of the (domain) design; default:
        every stratum.

    Returns
    -------
    numpy.ndarray
        ``k × k`` covariance matrix.

    Examples
    --------
    >>> s = PsuStructure(np.array([0, 1, 2]), np.array([0, 0, 0]), np.array([3]),
    ...                  np.array([1.0]), "fail")
    >>> covariance_from_psu_totals(np.array([[1.0], [2.0], [3.0]]), s).tolist()
    [[3.0]]
    """
    if hasattr(totals, "tocsr"):
        return _sparse_covariance(totals.tocsr(), structure, present)
    return _dense_covariance(totals, structure, present, diagonal=False)


def variance_from_psu_totals(
    totals: np.ndarray, structure: PsuStructure, present: np.ndarray | None = None
) -> np.ndarray:
    """The diagonal of :func:`covariance_from_psu_totals` (``k`` variances), without the ``k × k`` product.

    What an estimator needs when no covariance is asked: with many domains ``k`` is large and the
    full product costs ``P k²``; the diagonal costs ``P k``.

    Examples
    --------
    >>> s = PsuStructure(np.array([0, 1, 2]), np.array([0, 0, 0]), np.array([3]),
    ...                  np.array([1.0]), "fail")
    >>> variance_from_psu_totals(np.array([[1.0, 2.0], [2.0, 2.0], [3.0, 5.0]]), s).tolist()
    [3.0, 9.0]
    """
    if hasattr(totals, "tocsr"):
        return np.diag(_sparse_covariance(totals.tocsr(), structure, present))
    return _dense_covariance(totals, structure, present, diagonal=True)


def _dense_covariance(totals: np.ndarray, structure: PsuStructure, present: np.ndarray | None, *,
                      diagonal: bool) -> np.ndarray:
    t = np.asarray(totals, dtype=float)
    if t.ndim == 1:
        t = t[:, None]
    n_h = structure.n_psu.astype(float)
    f_h = structure.fpc_factor
    lonely = structure.n_psu == 1
    stratum = structure.psu_stratum
    starts = np.concatenate(([0], np.cumsum(structure.n_psu)[:-1]))
    means = np.add.reduceat(t, starts, axis=0) / n_h[:, None]
    # Under "adjust" a lonely PSU is measured from 0 (the grand mean of centred scores);
    # otherwise from its stratum mean, which makes it contribute 0 ("remove").
    if structure.lonely_psu == "adjust":
        means[lonely] = 0.0
    centred = t - means[stratum]
    with np.errstate(divide="ignore", invalid="ignore"):
        c_h = np.where(lonely, f_h, f_h * n_h / (n_h - 1))
    c_h = np.where(f_h < 1e-7, 0.0, c_h)  # certainty strata, as R
    if structure.lonely_psu == "average":
        c_h = np.where(lonely, 0.0, c_h)
    scaled = centred * c_h[stratum][:, None]
    # The variances by one fixed summation (numpy's own loop, not BLAS), with or without the
    # covariances: a BLAS product sums in an order that depends on its thread count, so a
    # standard error would otherwise differ in its last bits between machines, between a call
    # with and one without `vcov`, and between `analyse -j 1` and `-j 2`.
    d = np.einsum("pk,pk->k", scaled, centred)
    if diagonal:
        v = d
    else:
        v = scaled.T @ centred
        v = (v + v.T) / 2  # exactly symmetric, whatever the summation order of the product
        np.fill_diagonal(v, d)
    if structure.lonely_psu == "average" and lonely.any():
        k = t.shape[1]
        pres = np.ones((structure.n_strata, k), dtype=bool) if present is None else present
        n_strat = pres.sum(axis=0).astype(float)
        n_ok = (pres & ~lonely[:, None] | pres & (f_h < 1e-7)[:, None]).sum(axis=0)
        with np.errstate(divide="ignore", invalid="ignore"):
            r = np.where(n_ok > 0, n_strat / n_ok, np.nan)
        if diagonal:
            v = d * r
        else:
            v = v * np.sqrt(np.outer(r, r))
            np.fill_diagonal(v, d * r)
    return v


def _sparse_covariance(t: Any, structure: PsuStructure, present: np.ndarray | None) -> np.ndarray:
    # The same sum without a dense P x k matrix (many PSUs and many domains, most cells
    # empty): Σ_h c_h Σ_p (t_p - t̄_h)(t_p - t̄_h)ᵀ = Tᵀ diag(c) T - Σ_h (c_h / n_h) S_h S_hᵀ,
    # with S_h the stratum sums of the PSU totals.
    from scipy import sparse

    n_h = structure.n_psu.astype(float)
    f_h = structure.fpc_factor
    lonely = structure.n_psu == 1
    stratum = structure.psu_stratum
    with np.errstate(divide="ignore", invalid="ignore"):
        c_h = np.where(lonely, f_h, f_h * n_h / (n_h - 1))
    c_h = np.where(f_h < 1e-7, 0.0, c_h)
    if structure.lonely_psu == "average":
        c_h = np.where(lonely, 0.0, c_h)
    # "adjust" measures a lonely PSU from 0: no stratum mean to subtract there
    centre = ~lonely if structure.lonely_psu == "adjust" else np.ones_like(lonely)
    n_psus = stratum.shape[0]
    indicator = sparse.csr_matrix(
        (np.ones(n_psus), (stratum, np.arange(n_psus))), shape=(structure.n_strata, n_psus)
    )
    sums = np.asarray((indicator @ t).todense())
    first = np.asarray((t.multiply(c_h[stratum][:, None]).T @ t).todense())
    weight = np.where(centre, c_h / n_h, 0.0)
    v = first - (sums * weight[:, None]).T @ sums
    v = (v + v.T) / 2
    if structure.lonely_psu == "average" and lonely.any():
        k = t.shape[1]
        pres = np.ones((structure.n_strata, k), dtype=bool) if present is None else present
        n_strat = pres.sum(axis=0).astype(float)
        n_ok = (pres & ~lonely[:, None] | pres & (f_h < 1e-7)[:, None]).sum(axis=0)
        with np.errstate(divide="ignore", invalid="ignore"):
            r = np.where(n_ok > 0, n_strat / n_ok, np.nan)
        v = v * np.sqrt(np.outer(r, r))
    return v


def score_covariance(scores: np.ndarray, structure: PsuStructure) -> np.ndarray:
    """Design covariance ``k × k`` of the totals of an ``n × k`` score matrix.

    This is R's ``svyrecvar(scores, ...)`` for a one-stage design: ``scores`` are weighted
    linearised values, rows in data order (e.g. ``w_i (y_i - ȳ) / Σw`` for a mean).

    Examples
    --------
    >>> s = PsuStructure(np.array([0, 1, 2, 3]), np.array([0, 0, 1, 1]), np.array([2, 2]),
    ...                  np.array([1.0, 1.0]), "fail")
    >>> score_covariance(np.array([1.0, 3.0, 2.0, 2.0]), s).tolist()
    [[4.0]]
    """
    return covariance_from_psu_totals(psu_totals(scores, structure), structure)
