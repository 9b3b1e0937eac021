"""Ranks with uncertainty: the probability of each rank from the estimates' joint distribution.

The five counties' estimates of one indicator × domain are approximately jointly normal with
the design covariance (the same respondents rate every county). Parametric draws from that
normal give, for each county, the probability of each rank, a rank interval (2.5 % and
97.5 % quantiles of its simulated rank) and the probability of rank ≤ 3 — the strategy's
goal is for Østfold to be third. Rank 1 is best (``better = "higher"``: the largest share).

The same standard-normal draws (``numpy.random.default_rng(seed)``) serve every indicator ×
domain, so a family's result does not depend on how many families come before it.

What is ranked (:data:`RANKED_KINDS`): shares, mean scores and net scores, in the definition's
domains and in every breakdown level (the counties within that level), each with the
covariance of the estimator call that made it (:func:`joint_families`). The codes of a whole
scale (``kind = "scale"``) are a distribution, not an order, and the association frame
(``assos_*``) is a descriptive profile: neither is ranked.

Example
-------
>>> import numpy as np
>>> r = rank_probabilities(np.array([0.5, 0.3]), np.eye(2) * 1e-4, better="higher", draws=1000, seed=1)
>>> r["p_rank"][:, 0].tolist(), r["rank_point"].tolist()
([1.0, 0.0], [1, 2])
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import polars as pl

from omdomme.analysis.associations import ASSOCIATION_PREFIX
from omdomme.results.schema import MAX_RANK, RANK_SCHEMA

RANK_METHOD = "parametric: multivariate normal with design covariance"
#: Indicator kinds whose counties are ranked (the codes of a whole scale are not).
RANKED_KINDS = ("share", "mean", "net")


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


def _quantile_rank(counts: np.ndarray, q: float, n: int) -> np.ndarray:
    """The ``q`` quantile of the simulated ranks, from their counts: numpy's ``inverted_cdf``.

    ``np.quantile(ranks, q, method="inverted_cdf")`` takes the sorted draw at 0-based position
    ``n q − 1`` rounded up (down when it is whole), i.e. the smallest rank whose cumulative
    count exceeds that position; counting is the same rank without sorting ``n`` draws.
    """
    index = n * q - 1
    position = max(int(np.floor(index) if index == np.floor(index) else np.floor(index) + 1), 0)
    return (np.cumsum(counts, axis=-1) < position + 1).sum(axis=-1) + 1


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
    # How often each estimate (f, j) has each rank: one bincount over every family and draw.
    n = ranks.shape[1]
    cell = (np.arange(f)[:, None, None] * k + np.arange(k)) * k + ranks - 1
    counts = np.bincount(cell.ravel(), minlength=f * k * k).reshape(f, k, k)
    p_rank = counts / n
    low, high = (_quantile_rank(counts, q, n) for q in (0.025, 0.975))
    point = np.argsort(np.argsort(sign[:, None] * est, axis=-1, kind="stable"), axis=-1, kind="stable") + 1
    out = {"p_rank": p_rank, "rank_low": low, "rank_high": high, "rank_point": point.astype(int),
           "p_top3": p_rank[..., : min(3, k)].sum(axis=-1)}
    return {name: value[0] for name, value in out.items()} if single else out


def joint_families(estimates: pl.DataFrame, joint: Sequence[tuple[pl.DataFrame, np.ndarray]],
                   targets: Sequence[str]) -> dict[tuple[str, str], tuple[list[str], np.ndarray]]:
    """The covariance of the counties of every ranked indicator × domain, from the joint covariances.

    Parameters
    ----------
    estimates
        The estimates to rank: their indicator × domain cells of a :data:`RANKED_KINDS` kind
        (no whole-scale code, no ``assos_*`` cell of the association frame) are looked up, in
        this frame's order.
    joint
        ``(keys, V)`` per estimator call (:attr:`omdomme.analysis.reputation.RoundEstimates.joint`):
        ``keys`` has ``_pos`` (the row of ``V``), ``indicator``, ``domain``, ``target``.
    targets
        The counties in the definition's order.

    Returns
    -------
    dict
        ``(indicator, domain) -> (targets present, covariance)``, the input of :func:`rank_table`.

    Examples
    --------
    >>> keys = pl.DataFrame({"_pos": [0, 1], "indicator": "x", "domain": "alle", "target": ["b", "a"],
    ...                      "kind": "share", "category": [None, None]})
    >>> est = keys.select("indicator", "domain", "kind", "category")
    >>> joint_families(est, [(keys, np.diag([1.0, 2.0]))], ["a", "b"])[("x", "alle")][1].tolist()
    [[2.0, 0.0], [0.0, 1.0]]
    """
    ranked = (pl.col("category").is_null() if "category" in estimates.columns else pl.lit(True)) & (
        pl.col("kind").is_in(RANKED_KINDS) if "kind" in estimates.columns else pl.lit(True))
    ranked = ranked & ~pl.col("indicator").str.starts_with(ASSOCIATION_PREFIX)
    wanted = estimates.filter(ranked).select("indicator", "domain").unique(maintain_order=True)
    order = {t: i for i, t in enumerate(targets)}
    blocks: dict[tuple[str, str], tuple[list[str], np.ndarray]] = {}
    for keys, v in joint:
        cells = (keys.join(wanted, on=["indicator", "domain"], how="semi")
                 .filter(pl.col("target").is_in(list(order)))
                 .with_columns(_t=pl.col("target").replace_strict(order, return_dtype=pl.Int64))
                 .sort("_t"))
        for (indicator, domain), family in cells.group_by(["indicator", "domain"], maintain_order=True):
            idx = family["_pos"].to_numpy()
            blocks[(str(indicator), str(domain))] = (family["target"].to_list(), v[np.ix_(idx, idx)])
    return {key: blocks[key] for key in wanted.iter_rows() if key in blocks}


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
    # One join for every family (a breakdown adds one family per level): family f, county j.
    cells = pl.DataFrame(
        [(f, indicator, domain, target, j) for f, ((indicator, domain), (targets, _)) in enumerate(vcov.items())
         for j, target in enumerate(targets)],
        schema={"_f": pl.Int64, "indicator": pl.String, "domain": pl.String, "target": pl.String, "_j": pl.Int64},
        orient="row",
    ).join(keyed, on=["indicator", "domain", "target"], how="left", maintain_order="left")
    values = cells["estimate"].fill_null(np.nan).to_numpy()
    better = cells["better"].to_list()
    families = []
    start = 0
    for f, (_, v) in enumerate(vcov.values()):
        k = len(v)
        est = values[start:start + k]
        if np.all(np.isfinite(est)) and np.all(np.isfinite(v)):
            families.append((f, est, v, better[start]))
        start += k
    if not families:
        return pl.DataFrame(schema=RANK_SCHEMA)
    frames = []
    # One pass per number of counties (normally a single pass: every family rates the same five).
    for k in sorted({len(est) for _, est, _, _ in families}):
        group = [fam for fam in families if len(fam[1]) == k]
        r = rank_probabilities(
            np.stack([est for _, est, _, _ in group]), np.stack([v for _, _, v, _ in group]),
            better=np.array([b for _, _, _, b in group]), draws=draws, seed=seed,
        )
        p = r["p_rank"].reshape(-1, k)
        part = (cells.filter(pl.col("_f").is_in([f for f, _, _, _ in group]))
                .sort("_f", "_j").drop("_f", "_j", "estimate"))
        frames.append(part.with_columns(
            rank_point=pl.Series(r["rank_point"].ravel()),
            **{f"p_rank_{j + 1}": (pl.Series(p[:, j]) if j < k else pl.lit(None, pl.Float64))
               for j in range(MAX_RANK)},
            rank_low=pl.Series(r["rank_low"].ravel()),
            rank_high=pl.Series(r["rank_high"].ravel()),
            p_top3=pl.Series(r["p_top3"].ravel()),
            draws=pl.lit(draws), seed=pl.lit(seed), method=pl.lit(RANK_METHOD),
        ))
    return pl.concat(frames).select(pl.col(c).cast(t) for c, t in RANK_SCHEMA.items())
