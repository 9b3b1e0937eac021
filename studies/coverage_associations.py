"""Coverage study of the association frame: do the 95 % intervals of its shares cover the truth?

The association frame (``assos_<category>`` and ``assos_vet_ikke``, a multiple-response set)
and the indicators over groups of its codes (``kun_geografi``: geography only; ``verdier``)
are estimated by ``omdomme analyse`` for every rated county × domain. This study draws
``--replicates`` independent samples of one round's synthetic population with the vendor's own
design (``draw_reputation_sample``: main panel + Østfold boost, nonresponse, raked vendor
weight), analyses each as ``analyse`` does (``estimate_reputation`` with the shipped definition,
in memory; the sampling and estimation are those of ``studies/coverage_reputation.py``) and
counts how often each interval contains the population value (``reputation_truth``: the share
of the population mentioning the category). Target: 93–97 %.

The vendor's coding is the synthetic truth here (the codes the answers were made from), so the
study measures the statistics, not the coding (``studies/coding_quality.py`` measures that).

A share of 0 or 1 in a sample has no logit interval (flagged, ``ci_low``/``ci_high`` empty):
such cells are counted in ``no_interval`` and left out of the hit rate, as a table leaves them
out; rare categories in the small ``unge`` domain have many.

Run from the repository root::

    python studies/coverage_associations.py --round 2018 --replicates 200
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

import polars as pl

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(Path(__file__).resolve().parent))

from coverage_reputation import coverage  # noqa: E402

DERIVED = ("verdier", "kun_geografi")


def association_coverage(round: int = 2018, replicates: int = 200, *, population_seed: int = 20161,
                         first_seed: int = 1, root: Path = REPO, progress: bool = False) -> pl.DataFrame:
    """One row per replicate × frame share (or derived indicator) × domain × county: interval, truth, hit.

    Examples
    --------
    >>> hits = association_coverage(2018, replicates=2)     # doctest: +SKIP
    """
    from omdomme.analysis.associations import frame_indicators
    from omdomme.definitions import load_definition

    frame = [i.id for i in frame_indicators(load_definition(round, "omdomme", root))]
    hits = coverage(round, replicates, population_seed=population_seed, first_seed=first_seed, root=root,
                    progress=progress)
    order = {ind: k for k, ind in enumerate((*frame, *DERIVED))}
    return hits.filter(pl.col("indicator").is_in(list(order))).with_columns(
        pl.col("indicator").replace_strict(order, return_dtype=pl.Int64).alias("_order")
    ).sort("_order", maintain_order=True).drop("_order")


def association_table(hits: pl.DataFrame, by: tuple[str, ...] = ("indicator", "domain")) -> pl.DataFrame:
    """Hit rate per group over the intervals that exist; ``no_interval``: cells with p = 0 or 1."""
    exists = pl.col("ci_low").is_not_null() & pl.col("ci_high").is_not_null()
    return hits.group_by(*by, maintain_order=True).agg(
        cells=pl.len(),
        no_interval=(~exists).sum(),
        hit_rate=pl.col("hit").filter(exists).mean(),
        below=(pl.col("ci_high") < pl.col("truth")).filter(exists).mean(),
        above=(pl.col("ci_low") > pl.col("truth")).filter(exists).mean(),
        mean_n=pl.col("n").mean().round(0),
        truth_pct=(pl.col("truth").mean() * 100).round(1),
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--round", type=int, default=2018)
    parser.add_argument("--replicates", type=int, default=200)
    parser.add_argument("--first-seed", type=int, default=1)
    parser.add_argument("--population-seed", type=int, default=20161)
    args = parser.parse_args()
    start = time.monotonic()
    hits = association_coverage(args.round, args.replicates, population_seed=args.population_seed,
                                first_seed=args.first_seed, progress=True)
    exists = hits.filter(pl.col("ci_low").is_not_null())
    frame = exists.filter(pl.col("indicator").str.starts_with("assos_"))
    with pl.Config(tbl_rows=80, tbl_cols=20, tbl_hide_dataframe_shape=True, float_precision=3, tbl_width_chars=200):
        print(f"Coverage of nominal 95 % intervals of the association frame, round {args.round}, "
              f"{args.replicates} samples (seeds {args.first_seed}–{args.first_seed + args.replicates - 1}, "
              f"population seed {args.population_seed}); pooled over the 5 rated counties")
        print(association_table(hits))
        print("Per indicator (all domains and counties):")
        print(association_table(hits, ("indicator",)))
        print("Per domain (the frame's ten shares):")
        print(association_table(hits.filter(pl.col("indicator").str.starts_with("assos_")), ("domain",)))
        per_cell = association_table(hits, ("indicator", "domain", "target")).filter(
            pl.col("cells") - pl.col("no_interval") >= 50)
        if per_cell.height:
            print(f"Per indicator × domain × county with ≥ 50 intervals: hit rate {per_cell['hit_rate'].min():.3f}–"
                  f"{per_cell['hit_rate'].max():.3f} ({per_cell.height} cells)")
        print(f"Frame overall: {frame['hit'].mean():.3f} of {frame.height} intervals "
              f"({hits.filter(pl.col('indicator').str.starts_with('assos_'))['ci_low'].null_count()} cells without one)")
        for ind in DERIVED:
            one = exists.filter(indicator=ind)
            print(f"{ind}: {one['hit'].mean():.3f} of {one.height} intervals")
    print(f"{time.monotonic() - start:.0f} s")


if __name__ == "__main__":
    main()
