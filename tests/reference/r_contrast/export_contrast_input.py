"""Write r_contrast_input.csv: each estimate of two analysed rounds, the input of r_contrast.R.

Run from the repository root on a project where both rounds are analysed (a copy of the
shipped synthetic rounds: ``omdomme analyse 2016 && omdomme analyse 2018`` there):

    python tests/reference/r_contrast/export_contrast_input.py --root <project> [--reference 2016 --compared 2018]

One row per survey × indicator × county × domain present in both rounds (the rows of
``omdomme compare``): ``estimate, se, df`` of each round as ``analyses/<round>/estimates``
holds them, the indicator's ``kind`` and ``comparable`` (false where the definitions break
the series, from :func:`omdomme.definitions.series.series_breaks`: such rows stay out of
Holm's family). Doubles are written in their shortest round-trip form, so R reads the same
numbers.
"""

from __future__ import annotations

import argparse
from pathlib import Path

import polars as pl

from omdomme.definitions.series import series_breaks, series_domain

HERE = Path(__file__).parent
KEYS = ["survey", "indicator", "domain", "target"]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--root", type=Path, required=True)
    parser.add_argument("--reference", type=int, default=2016)
    parser.add_argument("--compared", type=int, default=2018)
    args = parser.parse_args()
    sides = []
    for r in (args.reference, args.compared):
        est = pl.read_parquet(args.root / "analyses" / str(r) / "estimates.parquet")
        # The innovation survey's breakdown levels are not compared across rounds (omdomme.analysis.rounds).
        est = est.filter(~((pl.col("survey") == "innovasjon") & pl.col("breakdown").is_not_null()))
        sides.append(est.select(*KEYS, *([] if sides else ["kind"]), pl.col("estimate").alias(f"estimate_{r}"),
                                pl.col("se").alias(f"se_{r}"), pl.col("df").alias(f"df_{r}")))
    table = sides[0].join(sides[1], on=KEYS, how="inner", maintain_order="left")
    # The association frame (assos_*) is descriptive, and a whole scale's codes are a
    # distribution: omdomme compare leaves both out (breakdown levels are in).
    table = table.filter(~pl.col("indicator").str.starts_with("assos_") & (pl.col("kind") != "scale"))
    breaks = series_breaks(args.reference, args.compared, args.root).select(
        "survey", "indicator", pl.col("domain").alias("_series"), "comparable")
    # A breakdown level's series is its breakdown's (`kjonn=*`).
    table = table.with_columns(_series=series_domain()).join(
        breaks, on=["survey", "indicator", "_series"], how="left", maintain_order="left").drop("_series")
    table = table.with_columns(pl.col("comparable").fill_null(True))
    table.write_csv(HERE / "r_contrast_input.csv")
    print(f"{table.height} rows -> {HERE / 'r_contrast_input.csv'}")


if __name__ == "__main__":
    main()
