"""Coverage study of the reputation analysis: do nominal 95 % intervals cover the truth 95 % of the time?

One round's synthetic population (``omdomme.simulate.reputation_population``) is built
once; ``--replicates`` independent samples are drawn from it with the vendor's own design
(main panel + Østfold boost, nonresponse, raked vendor weight:
``draw_reputation_sample``), and each sample is analysed exactly as ``omdomme analyse``
does it (``omdomme.analysis.reputation.estimate_reputation`` with the round's shipped definition, in
memory). For every indicator × domain the share of intervals (over samples and the five
rated counties) that contain the population value (``reputation_truth``) is printed.
Target: 93–97 %.

The shipped rounds are one sample each and share one population model, so their hit rate
is no coverage study; this is.

With ``--comparisons`` the same samples also measure what the partnership reads most
(:func:`comparison_coverage`):

* the paired Østfold − Akershus difference of every indicator × domain, computed as
  ``omdomme analyse`` does (``county_comparisons`` with the design covariance from
  ``estimate_reputation``), against the difference of the two population values; the same
  intervals without the covariance term are counted too, to show what it is worth;
* the change since the previous round (``--previous``, 2016 for 2018): an independent sample
  of the previous round's population per replicate, ``round_comparisons`` as ``analyse`` does,
  against the difference of the two rounds' population values;
* the calibration of the rank probabilities: over the samples, the mean probability
  (``rank_table``, the definition's draws and seed) that Østfold has its true rank (the rank
  of the population values), next to the share of samples whose point rank is the true one
  and the mean probability of the point rank.

Run from the repository root::

    python studies/coverage_reputation.py --round 2018 --replicates 200
    python studies/coverage_reputation.py --round 2018 --replicates 200 --comparisons
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
    from omdomme.analysis.reputation import estimate_reputation
    from omdomme.definitions import load_definition
    from omdomme.results.read import main_estimates
    from omdomme.simulate import draw_reputation_sample, reputation_population, reputation_truth

    definition = load_definition(round, "omdomme", root)
    population = reputation_population(round, seed=population_seed)
    truth = reputation_truth(population, round).select("indicator", "target", "domain", "truth")
    rows = []
    start = time.monotonic()
    for rep in range(replicates):
        raw, _ = draw_reputation_sample(population, round, seed=first_seed + rep)
        # The definition's own cells (breakdown rows: studies/coverage_tables.py).
        est = main_estimates(estimate_reputation(definition, raw).estimates)
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


FOCUS = "ostfold"
BENCHMARK = "akershus"


def comparison_coverage(round: int = 2018, previous: int = 2016, replicates: int = 200, *,
                        population_seed: int = 20161, first_seed: int = 1, root: Path = REPO,
                        progress: bool = False) -> dict[str, pl.DataFrame]:
    """Intervals, paired county differences, round changes and ranks of the same simulated samples.

    Each replicate draws one sample of ``round``'s population and one (independent) of
    ``previous``'s, analyses both as ``omdomme analyse`` does and keeps, next to the truth:

    Parameters
    ----------
    round, previous
        The round whose comparisons are studied and the round its change is measured from.
    replicates, population_seed, first_seed, root
        As in :func:`coverage` (both rounds' samples use seeds ``first_seed …``; the draws are
        keyed on the round too, so they are independent).

    Returns
    -------
    dict of polars.DataFrame
        ``intervals`` (as :func:`coverage`), ``paired`` (Østfold − Akershus per replicate ×
        indicator × domain, with ``hit`` and ``hit_no_cov``: the same interval without the
        covariance term), ``change`` (every county's change since ``previous``) and ``ranks``
        (Østfold's rank probabilities with its ``true_rank``).

    Examples
    --------
    >>> out = comparison_coverage(2018, 2016, replicates=2)                  # doctest: +SKIP
    >>> out["paired"]["hit"].mean()                                          # doctest: +SKIP
    """
    from scipy.special import stdtrit

    from omdomme.analysis.counties import county_comparisons, round_comparisons
    from omdomme.analysis.ranks import rank_table
    from omdomme.analysis.reputation import estimate_reputation, series_breaks
    from omdomme.definitions import load_definition
    from omdomme.results.read import main_estimates
    from omdomme.simulate import draw_reputation_sample, reputation_population, reputation_truth

    definition = load_definition(round, "omdomme", root)
    before_def = load_definition(previous, "omdomme", root)
    breaks = series_breaks(definition, before_def, root)
    level = definition.reliability.level
    population = reputation_population(round, seed=population_seed)
    before_pop = reputation_population(previous, seed=population_seed)
    keys = ["indicator", "target", "domain"]
    truth = reputation_truth(population, round).select(*keys, "truth")
    truth_before = reputation_truth(before_pop, previous).select(*keys, pl.col("truth").alias("truth_before"))
    better = pl.DataFrame({"indicator": [ind.id for ind in definition.indicators],
                           "better": [ind.better for ind in definition.indicators]})
    # True ranks as rank_probabilities orders: rank 1 = largest share unless better = "lower".
    true_ranks = (
        truth.join(better, on="indicator")
        .with_columns(_key=pl.when(pl.col("better") == "higher").then(-pl.col("truth")).otherwise(pl.col("truth")))
        .with_columns(true_rank=pl.col("_key").rank("ordinal").over("indicator", "domain").cast(pl.Int64))
        .filter(pl.col("target") == FOCUS)
        .select("indicator", "domain", "true_rank")
    )
    pair_truth = (
        truth.filter(pl.col("target") == FOCUS).drop("target")
        .join(truth.filter(pl.col("target") == BENCHMARK).drop("target").rename({"truth": "truth_b"}),
              on=["indicator", "domain"])
        .select("indicator", "domain", truth=pl.col("truth") - pl.col("truth_b"))
    )
    intervals, paired, change, ranks = [], [], [], []
    start = time.monotonic()
    for rep in range(replicates):
        raw, _ = draw_reputation_sample(population, round, seed=first_seed + rep)
        current = estimate_reputation(definition, raw)
        est = main_estimates(current.estimates)
        intervals.append(est.select("indicator", "domain", "target", "n", "estimate", "ci_low", "ci_high", "se", "flag")
                         .with_columns(replicate=pl.lit(rep)))
        # Exactly as analyse_round: the round's design df and the definition's level.
        pairs = county_comparisons(est, current.vcov, df=current.degf, level=level).filter(
            pl.col("target_b") == BENCHMARK)
        cov = pl.DataFrame(
            [(ind, dom, float(v[targets.index(FOCUS), targets.index(BENCHMARK)]),
              float(v[targets.index(FOCUS), targets.index(FOCUS)]),
              float(v[targets.index(BENCHMARK), targets.index(BENCHMARK)]))
             for (ind, dom), (targets, v) in current.vcov.items()],
            schema=["indicator", "domain", "cov_ab", "var_a", "var_b"], orient="row",
        )
        paired.append(pairs.select("indicator", "domain", "estimate_a", "estimate_b", "difference", "se",
                                   "ci_low", "ci_high", "df")
                      .join(cov, on=["indicator", "domain"], how="left").with_columns(replicate=pl.lit(rep)))
        ranks.append(rank_table(est, current.vcov, draws=definition.ranks.draws, seed=definition.ranks.seed)
                     .filter(pl.col("target") == FOCUS).with_columns(replicate=pl.lit(rep)))
        raw_before, _ = draw_reputation_sample(before_pop, previous, seed=first_seed + rep)
        before = main_estimates(estimate_reputation(before_def, raw_before).estimates)
        change.append(round_comparisons(est, before, level=level, breaks=breaks)
                      .select("indicator", "domain", pl.col("target_a").alias("target"), "estimate_a",
                              "estimate_b", "difference", "se", "ci_low", "ci_high", "df", "note")
                      .with_columns(replicate=pl.lit(rep)))
        if progress and (rep + 1) % 20 == 0:
            print(f"  {rep + 1}/{replicates} samples, {time.monotonic() - start:.0f} s", file=sys.stderr)

    def hit(frame: pl.DataFrame) -> pl.DataFrame:
        return frame.with_columns(hit=(pl.col("ci_low") <= pl.col("truth")) & (pl.col("truth") <= pl.col("ci_high")))

    paired_out = hit(pl.concat(paired).join(pair_truth, on=["indicator", "domain"], how="left"))
    # The same interval if the covariance were ignored (var_a + var_b): what the pairing is worth.
    se0 = (pl.col("var_a") + pl.col("var_b")).sqrt()
    q = pl.Series(stdtrit(paired_out["df"].to_numpy(), 0.5 + level / 2.0))
    paired_out = paired_out.with_columns(se_no_cov=se0, _q=q).with_columns(
        hit_no_cov=((pl.col("difference") - pl.col("_q") * pl.col("se_no_cov")) <= pl.col("truth"))
        & (pl.col("truth") <= (pl.col("difference") + pl.col("_q") * pl.col("se_no_cov")))
    ).drop("_q")
    change_out = hit(
        pl.concat(change).join(truth, on=keys, how="left").join(truth_before, on=keys, how="left")
        .with_columns(truth=pl.col("truth") - pl.col("truth_before")).drop("truth_before")
    )
    ranks_out = pl.concat(ranks).join(true_ranks, on=["indicator", "domain"], how="left").with_columns(
        p_true=pl.concat_list([pl.col(f"p_rank_{r}") for r in range(1, 6)]).list.get(pl.col("true_rank") - 1),
        p_point=pl.concat_list([pl.col(f"p_rank_{r}") for r in range(1, 6)]).list.get(pl.col("rank_point") - 1),
        point_true=pl.col("rank_point") == pl.col("true_rank"),
    )
    interval_out = hit(pl.concat(intervals).join(truth, on=keys, how="left"))
    for name, frame in (("intervals", interval_out), ("paired", paired_out), ("change", change_out)):
        missing = frame.filter(pl.col("truth").is_null())
        if missing.height:
            raise RuntimeError(f"{name}: no truth for {missing.select('indicator', 'domain').unique().rows()}")
    return {"intervals": interval_out, "paired": paired_out, "change": change_out, "ranks": ranks_out}


def paired_table(paired: pl.DataFrame) -> pl.DataFrame:
    """Hit rate of the Østfold − Akershus intervals per indicator × domain, with and without the covariance."""
    return paired.group_by("indicator", "domain", maintain_order=True).agg(
        intervals=pl.col("hit").count(),
        hit_rate=pl.col("hit").mean(),
        ci_below_truth=(pl.col("ci_high") < pl.col("truth")).mean(),
        ci_above_truth=(pl.col("ci_low") > pl.col("truth")).mean(),
        truth_pp=(pl.col("truth").first() * 100).round(1),
        mean_se_pp=(pl.col("se").mean() * 100).round(2),
        # Root mean square error around the truth over the samples: what the SE should match.
        rmse_pp=((pl.col("difference") - pl.col("truth")).pow(2).mean().sqrt() * 100).round(2),
        corr=(pl.col("cov_ab") / (pl.col("var_a") * pl.col("var_b")).sqrt()).mean().round(3),
        hit_no_cov=pl.col("hit_no_cov").mean(),
    )


def change_table(change: pl.DataFrame, target: str = FOCUS) -> pl.DataFrame:
    """Hit rate of the change intervals of ``target`` per indicator × domain (and of all counties)."""
    all_counties = change.group_by("indicator", "domain", maintain_order=True).agg(
        all_counties=pl.col("hit").mean())
    return (
        change.filter(pl.col("target") == target)
        .group_by("indicator", "domain", maintain_order=True)
        .agg(
            intervals=pl.col("hit").count(),
            hit_rate=pl.col("hit").mean(),
            ci_below_truth=(pl.col("ci_high") < pl.col("truth")).mean(),
            ci_above_truth=(pl.col("ci_low") > pl.col("truth")).mean(),
            truth_pp=(pl.col("truth").first() * 100).round(1),
            mean_se_pp=(pl.col("se").mean() * 100).round(2),
            rmse_pp=((pl.col("difference") - pl.col("truth")).pow(2).mean().sqrt() * 100).round(2),
            mean_df=pl.col("df").mean().round(0),
        )
        .join(all_counties, on=["indicator", "domain"], how="left", maintain_order="left")
    )


def rank_calibration(ranks: pl.DataFrame) -> pl.DataFrame:
    """Per indicator × domain: Østfold's true rank, mean P(true rank), share of point ranks that are true."""
    return ranks.group_by("indicator", "domain", maintain_order=True).agg(
        samples=pl.len(),
        true_rank=pl.col("true_rank").first(),
        mean_p_true=pl.col("p_true").mean(),
        point_is_true=pl.col("point_true").mean(),
        mean_p_point=pl.col("p_point").mean(),
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--round", type=int, default=2018)
    parser.add_argument("--replicates", type=int, default=200)
    parser.add_argument("--population-seed", type=int, default=20161)
    parser.add_argument("--comparisons", action="store_true",
                        help="also the Østfold − Akershus differences, the change since --previous and the ranks")
    parser.add_argument("--previous", type=int, default=2016, help="round of the change (with --comparisons)")
    args = parser.parse_args()
    start = time.monotonic()
    if args.comparisons:
        out = comparison_coverage(args.round, args.previous, args.replicates, population_seed=args.population_seed,
                                  progress=True)
        hits = out["intervals"]
    else:
        hits = coverage(args.round, args.replicates, population_seed=args.population_seed, progress=True)
    table = hit_table(hits)
    with pl.Config(tbl_rows=50, tbl_cols=20, tbl_hide_dataframe_shape=True, float_precision=3, tbl_width_chars=200):
        print(f"Coverage of nominal 95 % intervals, round {args.round}, {args.replicates} samples "
              f"(population seed {args.population_seed}); per indicator × domain, pooled over 5 counties")
        print(table)
        per_county = hits.group_by("indicator", "target", maintain_order=True).agg(hit_rate=pl.col("hit").mean())
        print("Per indicator × rated county (all domains):")
        print(per_county.pivot("target", index="indicator", values="hit_rate"))
        print(f"Overall: {hits['hit'].mean():.3f} of {hits['hit'].count()} intervals")
        if args.comparisons:
            paired, change = out["paired"], out["change"]
            print(f"\nPaired {FOCUS} − {BENCHMARK} differences, round {args.round} (hit_no_cov: without the covariance):")
            print(paired_table(paired))
            print(f"Overall: {paired['hit'].mean():.3f} of {paired['hit'].count()} intervals "
                  f"(without the covariance {paired['hit_no_cov'].mean():.3f})")
            print(f"\nChange of {FOCUS} {args.previous} → {args.round} (all_counties: the five counties pooled):")
            print(change_table(change))
            ost = change.filter(pl.col("target") == FOCUS)
            print(f"Overall: {ost['hit'].mean():.3f} of {ost['hit'].count()} intervals "
                  f"(all counties {change['hit'].mean():.3f} of {change['hit'].count()})")
            ranks = out["ranks"]
            print(f"\nRank probabilities of {FOCUS}, round {args.round}:")
            print(rank_calibration(ranks))
            print(f"Overall: mean P(true rank) {ranks['p_true'].mean():.3f}, point rank = true rank "
                  f"{ranks['point_true'].mean():.3f}, mean P(point rank) {ranks['p_point'].mean():.3f} "
                  f"({ranks.height} families × samples)")
    print(f"{time.monotonic() - start:.0f} s")


if __name__ == "__main__":
    main()
