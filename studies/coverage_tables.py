"""Coverage study of the analyst's tables: breakdown cells and the net score.

As ``studies/coverage_reputation.py``: one round's synthetic population is built once, and
``--replicates`` independent samples are drawn with the vendor's design (main panel + Østfold
boost, nonresponse, raked vendor weight) and analysed as ``omdomme analyse`` does
(``estimate_reputation``) with the round's shipped definition plus a net-score indicator
(``inntrykk_netto``: «svært/ganske godt» minus «svært/ganske dårlig» among those with an
opinion) and a mean score (``inntrykk_snitt``). Counted: the share of nominal 95 % intervals that
contain the population value, for

* every breakdown cell of the shipped definition whose level is a property of the population —
  sex and age band (``kjonn=…``, ``aldersgruppe=…``) × every crossed indicator × county; the
  sample («utvalg», main panel or boost) is a property of the draw, not of the population, so
  those cells have no population value and are left out;
* the net and mean scores in their domains (``alle``, ``innenfra``, ``utenfra``) and by sex.

Run from the repository root::

    python studies/coverage_tables.py --round 2018 --replicates 200
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
import warnings
from pathlib import Path

import polars as pl

REPO = Path(__file__).resolve().parents[1]

EXTRA = """
[indicators.inntrykk_netto]
label = "Nettoinntrykk (godt minus dårlig)"
kind = "net"
question = "inntrykk"
better = "higher"
domains = ["alle", "innenfra", "utenfra"]

[indicators.inntrykk_snitt]
label = "Gjennomsnittlig inntrykk (1–5)"
kind = "mean"
question = "inntrykk"
better = "higher"
domains = ["alle", "innenfra", "utenfra"]
"""


def _definition(round: int, folder: Path) -> Path:
    text = (REPO / "surveys" / str(round) / "omdomme.toml").read_text(encoding="utf-8")
    text = text.replace("\n[breakdowns.kjonn]", EXTRA + "\n[breakdowns.kjonn]", 1)
    path = folder / "omdomme.toml"
    path.write_text(text, encoding="utf-8")
    return path


def table_truth(population: pl.DataFrame, definition) -> pl.DataFrame:  # type: ignore[no-untyped-def]
    """Population value of every share indicator and the net/mean scores, by domain and by sex and age band."""
    from omdomme.geography import COUNTIES

    frames = []
    for target in COUNTIES:
        inn = pl.col(f"inntrykk_{target}")
        assoc = [pl.col(f"assos{i}_{target}") for i in (1, 2, 3)]
        frames.append(population.select(
            pl.lit(target).alias("target"), (pl.col("county") == target).alias("inside"), "age", "sex",
            (pl.col(f"kjennskap_{target}") == 9).cast(pl.Float64).alias("vet_ikke"),
            (inn == 5).cast(pl.Float64).alias("svaert_godt"),
            pl.when(inn != 9).then((inn == 5).cast(pl.Float64)).alias("svaert_godt_meninger"),
            pl.any_horizontal([(c == 6).fill_null(False) for c in assoc]).cast(pl.Float64).alias("verdier"),
            # Only geography: one of steder, sverige, natur (codes 1-3) and no other category (4-9).
            (pl.any_horizontal([c.is_in([1, 2, 3]).fill_null(False) for c in assoc])
             & ~pl.any_horizontal([c.is_in(list(range(4, 10))).fill_null(False) for c in assoc]))
            .cast(pl.Float64).alias("kun_geografi"),
            pl.when(inn != 9).then(pl.when(inn >= 4).then(1.0).when(inn <= 2).then(-1.0).otherwise(0.0))
            .alias("inntrykk_netto"),
            pl.when(inn != 9).then(inn.cast(pl.Float64)).alias("inntrykk_snitt"),
        ))
    long = pl.concat(frames)
    masks: dict[str, pl.Expr] = {"alle": pl.lit(True), "innenfra": pl.col("inside"), "utenfra": ~pl.col("inside")}
    for name in definition.respondent.sex_codes:
        masks[f"kjonn={name}"] = pl.col("sex") == name
    for lv in definition.breakdowns["aldersgruppe"].levels:
        masks[f"aldersgruppe={lv.id}"] = pl.col("age").is_between(lv.codes[0], lv.codes[1])
    indicators = ["vet_ikke", "svaert_godt", "svaert_godt_meninger", "verdier", "kun_geografi", "inntrykk_netto",
                  "inntrykk_snitt"]
    parts = [long.filter(mask).group_by("target").agg([pl.col(i).mean() for i in indicators])
             .unpivot(index="target", variable_name="indicator", value_name="truth")
             .with_columns(domain=pl.lit(domain)) for domain, mask in masks.items()]
    return pl.concat(parts)


def coverage(round: int = 2018, replicates: int = 200, *, population_seed: int = 20161, first_seed: int = 1,
             progress: bool = False) -> pl.DataFrame:
    """One row per replicate × table cell with a population value: estimate, interval, truth, hit."""
    from omdomme.analysis.reputation import estimate_reputation
    from omdomme.definitions import parse_definition
    from omdomme.simulate import draw_reputation_sample, reputation_population

    with tempfile.TemporaryDirectory() as tmp:
        definition = parse_definition(_definition(round, Path(tmp)))
    population = reputation_population(round, seed=population_seed)
    truth = table_truth(population, definition)
    rows = []
    start = time.monotonic()
    for rep in range(replicates):
        raw, _ = draw_reputation_sample(population, round, seed=first_seed + rep)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            est = estimate_reputation(definition, raw).estimates
        # Cells with a population value: sex and age band levels, and the scores' own domains.
        cells = est.filter(pl.col("breakdown").is_in(["kjonn", "aldersgruppe"])
                           | (pl.col("kind").is_in(["net", "mean"]) & pl.col("breakdown").is_null()))
        rows.append(cells.select("indicator", "kind", "domain", "breakdown", "target", "n", "estimate", "ci_low",
                                 "ci_high", "flag").with_columns(replicate=pl.lit(rep)))
        if progress and (rep + 1) % 20 == 0:
            print(f"  {rep + 1}/{replicates} samples, {time.monotonic() - start:.0f} s", file=sys.stderr)
    out = pl.concat(rows).join(truth, on=["indicator", "target", "domain"], how="left")
    missing = out.filter(pl.col("truth").is_null())
    if missing.height:
        raise RuntimeError(f"no truth for {missing.select('indicator', 'domain').unique().rows()}")
    return out.with_columns(hit=(pl.col("ci_low") <= pl.col("truth")) & (pl.col("truth") <= pl.col("ci_high")))


def summary(hits: pl.DataFrame) -> pl.DataFrame:
    """Hit rate by kind of cell (breakdown by sex / age band; net score; mean score) and overall."""
    group = (pl.when(pl.col("kind") == "net").then(pl.lit("net score"))
             .when(pl.col("kind") == "mean").then(pl.lit("mean score"))
             .otherwise(pl.concat_str(pl.lit("breakdown "), pl.col("breakdown"))))
    shown = hits.filter(pl.col("flag") != "suppressed")
    by = shown.with_columns(cells=group).group_by("cells").agg(
        pl.len().alias("intervals"), pl.col("hit").mean().alias("coverage")).sort("cells")
    total = pl.DataFrame({"cells": ["all shown cells"], "intervals": [shown.height],
                          "coverage": [shown["hit"].mean()]}).cast(by.schema)
    return pl.concat([by, total])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--round", type=int, default=2018)
    parser.add_argument("--replicates", type=int, default=200)
    args = parser.parse_args()
    start = time.monotonic()
    hits = coverage(args.round, args.replicates, progress=True)
    with pl.Config(tbl_rows=50, tbl_width_chars=120):
        print(summary(hits))
        print(hits.filter(pl.col("flag") != "suppressed").group_by("indicator", "domain").agg(
            pl.col("hit").mean().alias("coverage"), pl.len().alias("intervals")).sort("coverage").head(8))
    print(f"{args.replicates} samples in {time.monotonic() - start:.0f} s "
          f"(suppressed cells left out: {hits.filter(pl.col('flag') == 'suppressed').height})")


if __name__ == "__main__":
    main()
