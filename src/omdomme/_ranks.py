"""Ranks with uncertainty: the probability of each rank from the estimates' joint distribution.

The five counties' estimates of one indicator × domain are approximately jointly normal with
the design covariance (the same respondents rate every county). Parametric draws from that
normal give, for each county, the probability of each rank, a rank interval (2.5 % and
97.5 % quantiles of its simulated rank) and the probability of rank ≤ 3 — the strategy's
goal is for Østfold to be third. Rank 1 is best (``better = "higher"``: the largest share).

The same standard-normal draws (``numpy.random.default_rng(seed)``) serve every indicator ×
domain, so a family's result does not depend on how many families come before it.

Example
-------
>>> import numpy as np
>>> r = rank_probabilities(np.array([0.5, 0.3]), np.eye(2) * 1e-4, better="higher", draws=1000, seed=1)
>>> r["p_rank"][:, 0].tolist(), r["rank_point"].tolist()
([1.0, 0.0], [1, 2])
"""

from __future__ import annotations

from typing import Any

import numpy as np
import polars as pl

RANK_METHOD = "parametric: multivariate normal with design covariance"
MAX_RANK = 5


def _sqrt_psd(v: np.ndarray) -> np.ndarray:
    """A matrix root L with L Lᵀ = V.

    Cholesky first: it is continuous in V, so round-off in the covariance moves the draws by
    round-off (an eigen-decomposition may rotate nearly equal eigenvectors and reshuffle the
    Monte Carlo noise). Covariances of proportions near 0 or 1 can be numerically (not
    truly) indefinite; then the eigen-decomposition with tiny negative eigenvalues clipped.
    """
    sym = (v + v.T) / 2.0
    try:
        return np.linalg.cholesky(sym)
    except np.linalg.LinAlgError:
        values, vectors = np.linalg.eigh(sym)
        return vectors * np.sqrt(np.clip(values, 0.0, None))


def rank_probabilities(estimates: np.ndarray, vcov: np.ndarray, *, better: str, draws: int,
                       seed: int, z: np.ndarray | None = None) -> dict[str, np.ndarray]:
    """Probabilities of each rank, rank interval and point rank for k estimates.

    Parameters
    ----------
    estimates
        k estimates.
    vcov
        Their k × k covariance.
    better
        ``"higher"`` (rank 1 = largest) or ``"lower"``.
    draws, seed
        Number of parametric draws and the seed of ``numpy.random.default_rng``.
    z
        Pre-drawn standard normals (draws × k); drawn from ``seed`` when omitted.

    Returns
    -------
    dict
        ``p_rank`` (k × k, row = estimate, column = rank − 1), ``rank_low``, ``rank_high``,
        ``rank_point``, ``p_top3``.
    """
    k = len(estimates)
    if z is None:
        z = np.random.default_rng(seed).standard_normal((draws, k))
    sign = -1.0 if better == "higher" else 1.0
    x = estimates[None, :] + z[:, :k] @ _sqrt_psd(vcov).T
    # Rank within each draw: argsort of argsort; ties (zero variance) broken by position.
    ranks = np.argsort(np.argsort(sign * x, axis=1, kind="stable"), axis=1, kind="stable") + 1
    p_rank = (ranks[:, :, None] == np.arange(1, k + 1)[None, None, :]).mean(axis=0)
    low = np.quantile(ranks, 0.025, axis=0, method="inverted_cdf")
    high = np.quantile(ranks, 0.975, axis=0, method="inverted_cdf")
    point = np.argsort(np.argsort(sign * estimates, kind="stable"), kind="stable") + 1
    return {
        "p_rank": p_rank,
        "rank_low": low.astype(int),
        "rank_high": high.astype(int),
        "rank_point": point.astype(int),
        "p_top3": p_rank[:, : min(3, k)].sum(axis=1),
    }


RANK_SCHEMA: dict[str, Any] = {
    "survey": pl.String, "round": pl.Int64, "indicator": pl.String, "domain": pl.String,
    "target": pl.String, "target_label": pl.String, "better": pl.String, "rank_point": pl.Int64,
    **{f"p_rank_{r}": pl.Float64 for r in range(1, MAX_RANK + 1)},
    "rank_low": pl.Int64, "rank_high": pl.Int64, "p_top3": pl.Float64, "draws": pl.Int64,
    "seed": pl.Int64, "method": pl.String,
}


def rank_table(estimates: pl.DataFrame, vcov: dict[tuple[str, str], tuple[list[str], np.ndarray]],
               *, draws: int, seed: int) -> pl.DataFrame:
    """The ``ranks`` table: one row per indicator × domain × target.

    An indicator × domain with a missing estimate or covariance (empty domain) is left out:
    ranking it would invent an order.

    Parameters
    ----------
    estimates
        Estimates (output contract) of one round.
    vcov
        ``(indicator, domain) -> (targets in order, covariance)``.
    draws, seed
        From ``[ranks]``.
    """
    k_max = max((len(t) for t, _ in vcov.values()), default=0)
    z = np.random.default_rng(seed).standard_normal((draws, k_max)) if k_max else None
    rows: list[dict[str, Any]] = []
    for (indicator, domain), (targets, v) in vcov.items():
        part = estimates.filter((pl.col("indicator") == indicator) & (pl.col("domain") == domain))
        by_target = {t: r for t, r in zip(part["target"], part.iter_rows(named=True), strict=True)}
        est = np.array([by_target[t]["estimate"] if t in by_target and by_target[t]["estimate"] is not None
                        else np.nan for t in targets], dtype=float)
        if not (np.all(np.isfinite(est)) and np.all(np.isfinite(v))):
            continue
        first = by_target[targets[0]]
        r = rank_probabilities(est, v, better=first["better"], draws=draws, seed=seed, z=z)
        for i, t in enumerate(targets):
            row = {
                "survey": first["survey"], "round": first["round"], "indicator": indicator, "domain": domain,
                "target": t, "target_label": by_target[t]["target_label"], "better": first["better"],
                "rank_point": int(r["rank_point"][i]),
                **{f"p_rank_{j + 1}": (float(r["p_rank"][i, j]) if j < len(targets) else None)
                   for j in range(MAX_RANK)},
                "rank_low": int(r["rank_low"][i]), "rank_high": int(r["rank_high"][i]),
                "p_top3": float(r["p_top3"][i]), "draws": draws, "seed": seed, "method": RANK_METHOD,
            }
            rows.append(row)
    return pl.DataFrame(rows, schema=RANK_SCHEMA)
