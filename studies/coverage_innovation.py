"""Coverage study of the innovation survey's 95 % intervals.

Draws ``--reps`` stratified samples (industry × size class, the largest classes take-all,
weights ``N_h / n_h``) from one synthetic round's firm population
(:func:`omdomme.simulate.innovation.innovation_population`), analyses each exactly as
``omdomme analyse`` does (:func:`omdomme.analysis.innovation.prepare_sample` with the round's
``innovasjon.toml``), and counts how often each interval covers the population value:

- every indicator (shares, the R&D total, ratios of totals) for the five counties and Norway;
- the comparisons' differences Østfold − Norway and Østfold − Akershus, whose SEs rest on the
  joint covariance (Østfold's firms are part of Norway; counties share strata).

Nominal 95 %; with 200 samples × 6 targets the pooled coverage of an indicator has a Monte
Carlo SE of about 0.6 points, so 93–97 % is the acceptance band.

Run from the repository root (about three minutes on one core)::

    python studies/coverage_innovation.py --round 2018 --reps 200 --goal-reps 200

Measured (synthetic round 2018, population seed 20161, 25 000 firms, ~5 950 sampled; 200 samples):
cells — innovation activity 94.4 %, product 95.4 %, process 95.1 %, in-house R&D 95.0 %,
R&D total 94.8 %, R&D per employee 93.7 %, turnover share from new products 94.6 %;
differences (Østfold − Norway, Østfold − Akershus) — shares 94.5–96.0 %, R&D total 93.2 %,
turnover share 94.5 %, R&D per employee 92.0 % (mean SE / SD 0.91: the linearised SE of a
ratio with a skewed numerator is a little small in county domains; with 400 samples 93.4 %);
goal ratio 2018/2016 for Østfold (truth 1.197) 93.5 %, verdict «utelukket» in 194 of 200.
"""

from __future__ import annotations

import argparse
import time
import warnings
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np
import polars as pl

from omdomme.analysis.breakdowns import LEVEL_PREFIX, firm_levels
from omdomme.analysis.innovation import (
    COUNTY,
    NORGE,
    InnovationSpec,
    _breakdown_raw,
    _raw_estimates,
    goal_verdict,
    joint_estimates,
    parse_innovation,
    prepare_sample,
)
from omdomme.errors import EstimationWarning
from omdomme.estimate.contrast import independent

CONTRASTS = (("ostfold", "norge"), ("ostfold", "akershus"))


def _value(ind: Any) -> pl.Expr:
    if ind.kind == "share":
        return pl.col(str(ind.variable)).cast(pl.Float64).is_in(list(ind.count)).cast(pl.Float64).mean()
    if ind.kind == "total":
        return pl.col(str(ind.variable)).cast(pl.Float64).sum()
    return pl.col(str(ind.numerator)).cast(pl.Float64).sum() / pl.col(str(ind.denominator)).cast(pl.Float64).sum()


def population_truth(population: pl.DataFrame, spec: InnovationSpec, county: str = "county") -> pl.DataFrame:
    """Population value of every indicator for each county and Norway: ``indicator, target, truth``."""
    frames = []
    for ind in spec.indicators:
        value = _value(ind)
        by = population.group_by(county).agg(value.alias("truth")).rename({county: "target"})
        norge = population.select(value.alias("truth")).with_columns(pl.lit(NORGE).alias("target"))
        frames.append(pl.concat([by, norge.select(by.columns)]).with_columns(pl.lit(ind.id).alias("indicator")))
    return pl.concat(frames).filter(pl.col("target") != "utenfor").cast({"target": pl.String})


def breakdown_truth(population: pl.DataFrame, spec: InnovationSpec, county: str = "county") -> pl.DataFrame:
    """Population value of every breakdown cell (county × level, Norway × level): ``indicator, target, domain, truth``.

    The levels are those the analysis gives the sampled firms (:func:`omdomme.analysis.breakdowns.firm_levels`
    on the population's own columns).
    """
    levels, columns = firm_levels(spec.breakdowns, population, None, ident="orgnr", where="population",
                                  data_name="population")
    pop = population.with_columns(columns)
    frames = []
    for b in spec.breakdowns.values():
        lvl = f"{LEVEL_PREFIX}{b.id}"
        for ind in (spec.indicator(i) for i in b.indicators):
            value = _value(ind).alias("truth")
            cells = pl.concat([
                pop.group_by(county, lvl).agg(value).rename({county: "target"}),
                pop.group_by(lvl).agg(value).with_columns(pl.lit(NORGE).alias("target")).select("target", lvl, "truth"),
            ], how="vertical_relaxed")
            frames.append(cells.filter(pl.col(lvl).is_not_null() & (pl.col("target") != "utenfor")).select(
                pl.lit(ind.id).alias("indicator"), pl.col("target").cast(pl.String),
                pl.format("{}={}", pl.lit(b.id), pl.col(lvl)).alias("domain"), "truth"))
    schema = {"indicator": pl.String, "target": pl.String, "domain": pl.String, "truth": pl.Float64}
    return pl.concat(frames) if frames else pl.DataFrame(schema=schema)


def one_sample(definition: Any, spec: InnovationSpec, sample: pl.DataFrame) -> tuple[pl.DataFrame, pl.DataFrame]:
    """Intervals of every cell, and of the contrasts, for one drawn sample."""
    from scipy import stats

    with warnings.catch_warnings():
        warnings.simplefilter("ignore", EstimationWarning)
        prep = prepare_sample(definition, sample, spec=spec)
        cells = (
            _raw_estimates(prep).rename({COUNTY: "target"})
            # utenfor and ukjent («Uoppgitt» municipality) are not targets of the output.
            .filter(~pl.col("target").is_in(["utenfor", "ukjent"]))
            .select("indicator", "target", pl.lit("alle").alias("domain"), "estimate", "ci_low", "ci_high", "se")
        )
        if spec.breakdowns:  # every county × level and Norway × level cell of the breakdowns
            crossed = (
                _breakdown_raw(prep).rename({COUNTY: "target"})
                .filter(~pl.col("target").is_in(["utenfor", "ukjent"]))
                .select("indicator", "target", pl.format("{}={}", pl.col("_bd"), pl.col("_lvl")).alias("domain"),
                        "estimate", "ci_low", "ci_high", "se")
            )
            cells = pl.concat([cells, crossed], how="vertical_relaxed")
        joint, cov = joint_estimates(prep)
    index = {key: k for k, key in enumerate(joint.select("indicator", "target").iter_rows())}
    theta = joint["estimate"].to_numpy()
    q = float(stats.t.ppf(0.975, prep.survey.degf))
    rows = []
    for ind in spec.indicators:
        for a, b in CONTRASTS:
            ia, ib = index[(ind.id, a)], index[(ind.id, b)]
            se = float(np.sqrt(max(cov[ia, ia] + cov[ib, ib] - 2 * cov[ia, ib], 0.0)))
            diff = float(theta[ia] - theta[ib])
            rows.append((ind.id, f"{a}-{b}", "alle", diff, diff - q * se, diff + q * se, se))
    contrasts = pl.DataFrame(rows, schema=["indicator", "target", "domain", "estimate", "ci_low", "ci_high", "se"],
                             orient="row")
    return cells, contrasts


def run(
    definition: Any,
    population: pl.DataFrame,
    draw: Callable[[pl.DataFrame, int], pl.DataFrame],
    *,
    reps: int,
    seed: int = 1,
    county: str = "county",
    progress: Callable[[int], None] | None = None,
) -> tuple[pl.DataFrame, pl.DataFrame]:
    """Draw ``reps`` samples and return (per cell coverage, per indicator coverage).

    ``draw(population, seed)`` returns one sample in the round file's shape.
    """
    spec = parse_innovation(definition)
    truth = population_truth(population, spec, county)
    t = truth.to_dict(as_series=False)
    lookup = {(i, g, "alle"): v for i, g, v in zip(t["indicator"], t["target"], t["truth"], strict=True)}
    for ind in spec.indicators:
        for a, b in CONTRASTS:
            lookup[(ind.id, f"{a}-{b}", "alle")] = lookup[(ind.id, a, "alle")] - lookup[(ind.id, b, "alle")]
    lookup.update({(i, g, d): v for i, g, d, v in breakdown_truth(population, spec, county).iter_rows()})
    kinds = {i.id: i.kind for i in spec.indicators}
    results = []
    for r in range(reps):
        cells, contrasts = one_sample(definition, spec, draw(population, seed + r))
        what = pl.when(pl.col("domain") == "alle").then(pl.lit("cell")).otherwise(pl.lit("breakdown"))
        results.append(pl.concat([cells.with_columns(what.alias("what")),
                                  contrasts.with_columns(pl.lit("difference").alias("what"))]))
        if progress is not None:
            progress(r + 1)
    allr = pl.concat(results)
    truth_frame = pl.DataFrame(
        [(i, g, d, v) for (i, g, d), v in lookup.items()], schema=["indicator", "target", "domain", "truth"],
        orient="row"
    )
    # A cell of take-all strata only is estimated exactly (SE 0): covered up to the summation's rounding.
    slack = 1e-9 * pl.col("truth").abs()
    allr = allr.join(truth_frame, on=["indicator", "target", "domain"], how="left").with_columns(
        ((pl.col("ci_low") - slack <= pl.col("truth")) & (pl.col("truth") <= pl.col("ci_high") + slack))
        .fill_null(False).alias("covered"),
        pl.col("indicator").replace_strict(kinds).alias("kind"),
    )
    per_cell = (
        allr.group_by("what", "indicator", "kind", "target", "domain", maintain_order=True)
        .agg(
            pl.len().alias("samples"),
            pl.col("covered").mean().alias("coverage"),
            pl.col("truth").first(),
            pl.col("estimate").mean().alias("mean_estimate"),
            pl.col("estimate").std().alias("sd_estimate"),
            pl.col("se").mean().alias("mean_se"),
        )
        .with_columns((pl.col("mean_se") / pl.col("sd_estimate")).alias("se_ratio"))
    )
    per_indicator = (
        allr.group_by("what", "indicator", "kind", maintain_order=True)
        .agg(pl.len().alias("intervals"), pl.col("covered").mean().alias("coverage"))
        .with_columns((pl.col("coverage").is_between(0.93, 0.97)).alias("in_93_97"))
    )
    return per_cell, per_indicator


def goal_coverage(
    definition: Any,
    population: pl.DataFrame,
    baseline_definition: Any,
    baseline_population: pl.DataFrame,
    draw: Callable[[pl.DataFrame, int, int], pl.DataFrame],
    *,
    reps: int,
    seed: int = 1,
    county: str = "county",
) -> dict[str, Any]:
    """Coverage of the goal's ratio (round / baseline, independent samples, log-scale CI).

    ``draw(population, round, seed)`` returns one sample. Returns the truth, the coverage and
    how often each verdict (nådd, mulig, utelukket) was given.
    """
    spec = parse_innovation(definition)
    base_spec = parse_innovation(baseline_definition)
    assert spec.goal is not None
    goal = spec.goal
    truths = [
        population_truth(pop, s, county).filter(
            (pl.col("indicator") == goal.indicator) & (pl.col("target") == goal.target)
        )["truth"][0]
        for pop, s in ((population, spec), (baseline_population, base_spec))
    ]
    truth = truths[0] / truths[1]
    covered = 0
    verdicts: dict[str, int] = {}
    for r in range(reps):
        cells = []
        for d, s, pop in ((definition, spec, population), (baseline_definition, base_spec, baseline_population)):
            with warnings.catch_warnings():
                warnings.simplefilter("ignore", EstimationWarning)
                raw = _raw_estimates(prepare_sample(d, draw(pop, int(d.round), seed + r), spec=s))
            cells.append(raw.filter((pl.col("indicator") == goal.indicator) & (pl.col(COUNTY) == goal.target))
                         .row(0, named=True))
        now, base = cells
        out = independent([now["estimate"]], [now["se"]], [now["df"]],
                          [base["estimate"]], [base["se"]], [base["df"]]).row(0, named=True)
        covered += out["ratio_ci_low"] <= truth <= out["ratio_ci_high"]
        verdict = goal_verdict(out["ratio_ci_low"], out["ratio_ci_high"], goal.factor)
        verdicts[verdict] = verdicts.get(verdict, 0) + 1
    return {"round": int(definition.round), "baseline": goal.baseline, "truth_ratio": truth,
            "factor": goal.factor, "coverage": covered / reps, "samples": reps, "verdicts": verdicts}


def main() -> None:
    from omdomme.definitions import load_definition
    from omdomme.simulate.innovation import draw_innovation_sample, innovation_population

    parser = argparse.ArgumentParser(description="Coverage of the innovation survey's 95 % intervals.")
    parser.add_argument("--round", type=int, default=2018)
    parser.add_argument("--reps", type=int, default=200)
    parser.add_argument("--root", type=Path, default=Path("."))
    parser.add_argument("--population-seed", type=int, default=20161)
    parser.add_argument("--goal-reps", type=int, default=200,
                        help="samples for the goal ratio's coverage (0: skip)")
    args = parser.parse_args()

    definition = load_definition(args.round, "innovasjon", args.root)
    population = innovation_population(args.round, seed=args.population_seed)

    def draw(pop: pl.DataFrame, seed: int) -> pl.DataFrame:
        return draw_innovation_sample(pop, args.round, seed=10_000 + seed)[0]

    start = time.perf_counter()
    per_cell, per_indicator = run(
        definition, population, draw, reps=args.reps,
        progress=lambda r: print(f"\r{r}/{args.reps} samples", end="", flush=True),
    )
    elapsed = time.perf_counter() - start
    print(f"\nround {args.round}: {population.height} firms in the population; {args.reps} samples "
          f"in {elapsed:.0f} s ({elapsed / args.reps:.2f} s per sample)\n")
    with pl.Config(tbl_rows=200, tbl_cols=20, tbl_width_chars=160, float_precision=3):
        print("Coverage per indicator (pooled over the five counties and Norway; differences over 2 pairs; "
              "breakdown: over every county × level and Norway × level cell):")
        print(per_indicator)
        bd = per_cell.filter(pl.col("what") == "breakdown")
        if bd.height:
            print(f"\nBreakdown cells: {bd.height}; pooled coverage "
                  f"{(bd['coverage'] * bd['samples']).sum() / bd['samples'].sum():.3f}; "
                  f"cells below 90 %: {bd.filter(pl.col('coverage') < 0.90).height}")
        print("\nCoverage per cell (se_ratio = mean SE / SD of the estimates over the samples):")
        print(per_cell.select("what", "indicator", "target", "domain", "coverage", "se_ratio", "truth", "mean_estimate"))

    spec = parse_innovation(definition)
    if args.goal_reps and spec.goal is not None and spec.goal.baseline != args.round:
        baseline = spec.goal.baseline
        result = goal_coverage(
            definition, population,
            load_definition(baseline, "innovasjon", args.root),
            innovation_population(baseline, seed=args.population_seed),
            lambda pop, rnd, seed: draw_innovation_sample(pop, rnd, seed=10_000 + seed)[0],
            reps=args.goal_reps,
        )
        print(f"\nGoal: {spec.goal.target} {spec.goal.indicator} {args.round} / {baseline} "
              f"(independent samples, log-scale CI): truth {result['truth_ratio']:.3f}, "
              f"coverage {result['coverage']:.3f} over {result['samples']} pairs of samples; "
              f"verdicts against factor {result['factor']}: {result['verdicts']}")


if __name__ == "__main__":
    main()
