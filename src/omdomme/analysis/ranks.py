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

import numpy as np
import polars as pl

from omdomme.results.schema import MAX_RANK, RANK_SCHEMA

RANK_METHOD = "parametric: multivariate normal with design covariance"


def _sqrt_psd(v: np.ndarray) -> np.ndarray:
    """Matrix roots L with L Lᵀ = V, for one matrix or a stack (…, k, k).

    Cholesky first: it is continuous in V, so round-off in the covariance moves the draws by
    round-off (an eigen-decomposition may rotate nearly equal eigenvectors and reshuffle the
    Monte Carlo noise). Covariances of proportions near 0 or 1 can be numerically (not
    truly) indefinite; such a matrix gets the eigen-decomposition with tiny negative
    eigenvalues clipped.
    """
    sym = (v + np.swapaxes(v, -1, -2)) / 2.0
    try:
        return np.linalg.cholesky(sym)
    except np.linalg.LinAlgError:
        if sym.ndim > 2:
            return np.stack([_sqrt_psd(m) for m in sym])
        values, vectors = np.linalg.eigh(sym)
        return vectors * np.sqrt(np.clip(values, 0.0, None))


def rank_probabilities(estimates: np.ndarray, vcov: np.ndarray, *, better: str | np.ndarray, draws: int,
                       seed: int, z: np.ndarray | None = None) -> dict[str, np.ndarray]:
    """Probabilities of each rank, rank interval and point rank for k estimates (or a stack of families).

    Parameters
    ----------
    estimates
        k estimates, or F × k for F families at once.
    vcov
        Their k × k covariance (F × k × k).
    better
        ``"higher"`` (rank 1 = largest) or ``"lower"``; one per family for a stack.
    draws, seed
        Number of parametric draws and the seed of ``numpy.random.default_rng``.
    z
        Pre-drawn standard normals (draws × ≥k); drawn from ``seed`` when omitted.

    Returns
    -------
    dict
        ``p_rank`` (k × k, row = estimate, column = rank − 1), ``rank_low``, ``rank_high``,
        ``rank_point``, ``p_top3``; with a leading family axis for a stack.
    """
    single = np.ndim(estimates) == 1
    est = np.atleast_2d(np.asarray(estimates, dtype=float))
    f, k = est.shape
    v = np.asarray(vcov, dtype=float).reshape(f, k, k)
    if z is None:
        z = np.random.default_rng(seed).standard_normal((draws, k))
    sign = np.where(np.broadcast_to(np.asarray(better), (f,)) == "higher", -1.0, 1.0)
    # x[f, d, j] = est[f, j] + Σ_i z[d, i] L[f, j, i]: all families and draws at once.
    x = est[:, None, :] + np.einsum("di,fji->fdj", z[:, :k], _sqrt_psd(v))
    # Rank within each draw: argsort of argsort; ties (zero variance) broken by position.
    keyed = sign[:, None, None] * x
    ranks = np.argsort(np.argsort(keyed, axis=-1, kind="stable"), axis=-1, kind="stable") + 1
    p_rank = (ranks[..., None] == np.arange(1, k + 1)).mean(axis=1)
    low = np.quantile(ranks, 0.025, axis=1, method="inverted_cdf").astype(int)
    high = np.quantile(ranks, 0.975, axis=1, method="inverted_cdf").astype(int)
    point = np.argsort(np.argsort(sign[:, None] * est, axis=-1, kind="stable"), axis=-1, kind="stable") + 1
    out = {"p_rank": p_rank, "rank_low": low, "rank_high": high, "rank_point": point.astype(int),
           "p_top3": p_rank[..., : min(3, k)].sum(axis=-1)}
    return {name: value[0] for name, value in out.items()} if single else out


def rank_table(estimates: pl.DataFrame, vcov: dict[tuple[str, str], tuple[list[str], np.ndarray]],
               *, draws: int, seed: int) -> pl.DataFrame:
    """The ``ranks`` table: one row per indicator × domain × target.

    An indicator × domain with a missing estimate or covariance (empty domain) is left out:
    ranking it would invent an order. Every family is drawn in one vectorised pass.

    Parameters
    ----------
    estimates
        Estimates (output contract) of one round.
    vcov
        ``(indicator, domain) -> (targets in order, covariance)``.
    draws, seed
        From ``[ranks]``.
    """
    keyed = estimates.select("survey", "round", "indicator", "domain", "target", "target_label", "better",
                             "estimate")
    families = []
    for (indicator, domain), (targets, v) in vcov.items():
        part = (pl.DataFrame({"target": targets}).with_row_index("_j")
                .join(keyed.filter((pl.col("indicator") == indicator) & (pl.col("domain") == domain)),
                      on="target", how="left").sort("_j"))
        est = part["estimate"].fill_null(np.nan).to_numpy()
        if np.all(np.isfinite(est)) and np.all(np.isfinite(v)):
            families.append((part, est, v))
    if not families:
        return pl.DataFrame(schema=RANK_SCHEMA)
    frames = []
    # One pass per number of counties (normally a single pass: every family rates the same five).
    for k in sorted({len(est) for _, est, _ in families}):
        group = [fam for fam in families if len(fam[1]) == k]
        r = rank_probabilities(
            np.stack([est for _, est, _ in group]), np.stack([v for _, _, v in group]),
            better=np.array([part["better"][0] for part, _, _ in group]), draws=draws, seed=seed,
        )
        p = r["p_rank"].reshape(-1, k)
        frames.append(pl.concat([part.drop("_j", "estimate") for part, _, _ in group]).with_columns(
            rank_point=pl.Series(r["rank_point"].ravel()),
            **{f"p_rank_{j + 1}": (pl.Series(p[:, j]) if j < k else pl.lit(None, pl.Float64))
               for j in range(MAX_RANK)},
            rank_low=pl.Series(r["rank_low"].ravel()),
            rank_high=pl.Series(r["rank_high"].ravel()),
            p_top3=pl.Series(r["p_top3"].ravel()),
            draws=pl.lit(draws), seed=pl.lit(seed), method=pl.lit(RANK_METHOD),
        ))
    return pl.concat(frames).select(pl.col(c).cast(t) for c, t in RANK_SCHEMA.items())
