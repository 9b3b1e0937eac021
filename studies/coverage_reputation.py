"""Coverage study of the reputation analysis: do nominal 95 % intervals cover the truth 95 % of the time?

One round's synthetic population (``omdomme._simulate.reputation_population``) is built
once; ``--replicates`` independent samples are drawn from it with the vendor's own design
(main panel + Østfold boost, nonresponse, raked vendor weight:
``draw_reputation_sample``), and each sample is analysed exactly as ``omdomme analyse``
does it (``omdomme._analysis.estimate_reputation`` with the round's shipped definition, in
memory). For every indicator × domain the share of intervals (over samples and the five
rated counties) that contain the population value (``reputation_truth``) is printed.
Target: 93–97 %.

The shipped rounds are one sample each and share one population model, so their hit rate
is no coverage study; this is.

Run from the repository root::

    python studies/coverage_reputation.py --round 2018 --replicates 200
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

import polars as pl

REPO = Path(__file__).resolve().parents[1]


def coverage(round: int = 2018, replicates: int = 200, *, population_seed: int = 20161,
             first_seed: int = 1, root: Path = REPO, progress: bool = False) -> pl.DataFrame:
    """One row per replicate × indicator × domain × target: estimate, interval, truth, hit.

    Parameters
    ----------
    round
        The round whose population model and definition are used.
    replicates
        Number of independent samples.
    population_seed
        Seed of the synthetic population (the shipped rounds use 20161).
    first_seed
        Seeds of the samples are ``first_seed … first_seed + replicates − 1``.
    root
        Project folder with ``surveys/<round>/omdomme.toml``.

    Examples
    --------
    >>> hits = coverage(2018, replicates=2)                  # doctest: +SKIP
    >>> hits["hit"].mean()                                   # doctest: +SKIP
    """
    from omdomme._analysis import estimate_reputation
    from omdomme._definition import load_definition
    from omdomme._simulate import draw_reputation_sample, reputation_population, reputation_truth

    definition = load_definition(round, "omdomme", root)
    population = reputation_population(round, seed=population_seed)
    truth = reputation_truth(population, round).select("indicator", "target", "domain", "truth")
    rows = []
    start = time.monotonic()
    for rep in range(replicates):
        raw, _ = draw_reputation_sample(population, round, seed=first_seed + rep)
        est = estimate_reputation(definition, raw).estimates
        rows.append(est.select("indicator", "domain", "target", "n", "estimate", "ci_low", "ci_high", "se", "flag")
                    .with_columns(replicate=pl.lit(rep)))
        if progress and (rep + 1) % 20 == 0:
            print(f"  {rep + 1}/{replicates} samples, {time.monotonic() - start:.0f} s", file=sys.stderr)
    out = pl.concat(rows).join(truth, on=["indicator", "target", "domain"], how="left")
    missing = out.filter(pl.col("truth").is_null())
    if missing.height:
        raise RuntimeError(f"no truth for {missing.select('indicator', 'domain').unique().rows()}")
    return out.with_columns(hit=(pl.col("ci_low") <= pl.col("truth")) & (pl.col("truth") <= pl.col("ci_high")))


def hit_table(hits: pl.DataFrame) -> pl.DataFrame:
    """Hit rate per indicator × domain (pooled over the five rated counties), with the mean n."""
    return (
        hits.group_by("indicator", "domain", maintain_order=True)
        .agg(
            intervals=pl.len(),
            hit_rate=pl.col("hit").mean(),
            below=(pl.col("ci_high") < pl.col("truth")).mean(),
            above=(pl.col("ci_low") > pl.col("truth")).mean(),
            mean_n=pl.col("n").mean().round(0),
            bias_pp=((pl.col("estimate") - pl.col("truth")).mean() * 100).round(2),
        )
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--round", type=int, default=2018)
    parser.add_argument("--replicates", type=int, default=200)
    parser.add_argument("--population-seed", type=int, default=20161)
    args = parser.parse_args()
    start = time.monotonic()
    hits = coverage(args.round, args.replicates, population_seed=args.population_seed, progress=True)
    table = hit_table(hits)
    with pl.Config(tbl_rows=50, tbl_cols=20, tbl_hide_dataframe_shape=True, float_precision=3):
        print(f"Coverage of nominal 95 % intervals, round {args.round}, {args.replicates} samples "
              f"(population seed {args.population_seed}); per indicator × domain, pooled over 5 counties")
        print(table)
        per_county = hits.group_by("indicator", "target", maintain_order=True).agg(hit_rate=pl.col("hit").mean())
        print("Per indicator × rated county (all domains):")
        print(per_county.pivot("target", index="indicator", values="hit_rate"))
    print(f"Overall: {hits['hit'].mean():.3f} of {hits.height} intervals; {time.monotonic() - start:.0f} s")


if __name__ == "__main__":
    main()
