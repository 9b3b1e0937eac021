"""The innovation survey's population model (enterprises with 10+ employees) and its sample.

The population is every enterprise with at least 10 employees in Norway, about 25 000 (the
real count is of that order): industry (seven NACE groups) × size class, placed in a county
(the five Oslofjord counties or ``utenfor``, the rest of Norway, with real municipality
codes), with innovation activity, product (goods, services) and process innovation, in-house
R&D (FoU), R&D expenditure, turnover, turnover from new products and employees. Levels
follow SSB's published shares (about 61–63 % of firms with innovation activity); Østfold
starts low (30 % in 2016) and rises to about 50 % by 2024.

The sample is SSB-like: stratified by industry × size class, simple random sampling within
strata, the two largest size classes taken in full; weight ``N_h / n_h`` and the stratum's
population count for the finite population correction. The survey is compulsory, so there
is no nonresponse.
"""

from __future__ import annotations

import numpy as np
import polars as pl

from omdomme.simulate._shared import INDUSTRIES, SIZE_CLASSES, _calibrate, _logistic
from omdomme.simulate.places import assign_kommune

__all__ = [
    "INDUSTRIES",
    "INNOVATION_ROUNDS",
    "SIZE_CLASSES",
    "draw_innovation_sample",
    "innovation_population",
]

INNOVATION_ROUNDS = (2016, 2018, 2020, 2022, 2024)
N_FIRMS = 25_000
_COUNTY_SHARE = {"akershus": 0.12, "oslo": 0.17, "buskerud": 0.05, "vestfold": 0.045,
                 "ostfold": 0.05, "utenfor": 0.565}
_COUNTY_SHIFT = {"akershus": 0.15, "oslo": 0.25, "buskerud": 0.0, "vestfold": 0.0, "utenfor": 0.0}
# Share of firms with innovation activity, by round: Østfold, and the rest of Norway.
_OSTFOLD_SHARE = {2016: 0.30, 2018: 0.35, 2020: 0.40, 2022: 0.45, 2024: 0.50}
_OTHER_SHARE = {2016: 0.62, 2018: 0.63, 2020: 0.64, 2022: 0.64, 2024: 0.65}


def innovation_population(round: int, seed: int = 20161) -> pl.DataFrame:
    """The finite population of enterprises (10+ employees) of one innovation round.

    Parameters
    ----------
    round : int
        2016, 2018, 2020, 2022 or 2024 (the last year of the three-year period).
    seed : int
        Seed; the same seed and round give the same population.

    Returns
    -------
    polars.DataFrame
        One row per enterprise: ``orgnr``, ``county`` (2024 county key or ``utenfor``),
        ``kommune`` (code valid in ``round``), ``nace`` (1–7), ``storrelse`` (1–6),
        ``stratum`` (``10 * nace + storrelse``), ``ansatte``, ``omsetning`` (1000 NOK),
        ``inno_akt``, ``prod_vare``, ``prod_tjen``, ``produkt``, ``prosess``, ``fou_egen``
        (1 = ja, 0 = nei), ``fou_utg`` (NOK), ``oms_nye`` (1000 NOK).

    Examples
    --------
    >>> pop = innovation_population(2018)
    >>> 20_000 < pop.height < 30_000
    True
    """
    rng = np.random.default_rng([seed, round, 2])
    n = N_FIRMS
    ind_codes = np.array(list(INDUSTRIES))
    ind_p = np.array([v[1] for v in INDUSTRIES.values()])
    size_codes = np.array(list(SIZE_CLASSES))
    size_p = np.array([v[3] for v in SIZE_CLASSES.values()])
    nace = rng.choice(ind_codes, size=n, p=ind_p / ind_p.sum())
    size = rng.choice(size_codes, size=n, p=size_p / size_p.sum())
    keys = np.array(list(_COUNTY_SHARE))
    cp = np.array(list(_COUNTY_SHARE.values()))
    county_index = rng.choice(keys.size, size=n, p=cp / cp.sum())
    county = keys[county_index].astype(str)
    kommune = assign_kommune(county, round, rng)

    # Per-code parameters as lookup arrays indexed by the code (codes start at 1).
    def by_size(field: int) -> np.ndarray:
        return np.array([0.0, *(v[field] for v in SIZE_CLASSES.values())])[size]

    def by_industry(field: int) -> np.ndarray:
        return np.array([0.0, *(v[field] for v in INDUSTRIES.values())])[nace]

    lo, hi = by_size(1), by_size(2)
    # Employees: uniform within the bounded classes, Pareto-tailed in 500+.
    employees = np.where(
        size == 6,
        np.minimum(500 * (1 + rng.pareto(1.6, n)), 20_000),
        lo + rng.random(n) * (hi - lo + 1),
    ).astype(np.int64)
    productivity = np.exp(rng.normal(np.log(2200), 0.6, n))  # turnover per employee, 1000 NOK
    turnover = np.round(employees * productivity).astype(np.int64)

    x = by_industry(2) + by_size(4) + rng.normal(0, 0.5, n)
    x = x + np.array([_COUNTY_SHIFT.get(k, 0.0) for k in keys])[county_index]
    ost = county == "ostfold"
    year = round if round in _OSTFOLD_SHARE else max(_OSTFOLD_SHARE)
    inno = np.zeros(n, dtype=bool)
    for mask, target in ((ost, _OSTFOLD_SHARE[year]), (~ost, _OTHER_SHARE[year])):
        a = _calibrate(x[mask], target)
        inno[mask] = rng.random(mask.sum()) < _logistic(a + x[mask])

    goods_share = by_industry(3)
    product = inno & (rng.random(n) < 0.62)
    both = rng.random(n) < 0.35
    goods = product & ((rng.random(n) < goods_share) | both)
    services = product & (~goods | both)
    process = inno & (rng.random(n) < 0.72)
    rd_p = np.where(inno, _logistic(-0.6 + 0.8 * (nace == 5) + 0.6 * (nace == 6) + 0.5 * (nace == 1)
                                    + 0.25 * (size - 1)), 0.03)
    rd = rng.random(n) < rd_p
    rd_per_employee = np.exp(rng.normal(np.log(60_000), 0.6, n))  # NOK
    rd_nok = np.where(rd, np.round(employees * rd_per_employee, -3), 0.0)
    new_share = np.where(product, rng.beta(2, 8, n), 0.0)
    new_turnover = np.round(turnover * new_share).astype(np.int64)

    orgnr = 810_000_000 + rng.permutation(n).astype(np.int64) * 7_919 + rng.integers(0, 7_919, n)
    return pl.DataFrame({
        "orgnr": orgnr,
        "county": county,
        "kommune": kommune,
        "nace": nace.astype(np.int64),
        "storrelse": size.astype(np.int64),
        "stratum": (10 * nace + size).astype(np.int64),
        "ansatte": employees,
        "omsetning": turnover,
        "inno_akt": inno.astype(np.int64),
        "prod_vare": goods.astype(np.int64),
        "prod_tjen": services.astype(np.int64),
        "produkt": product.astype(np.int64),
        "prosess": process.astype(np.int64),
        "fou_egen": rd.astype(np.int64),
        "fou_utg": rd_nok,
        "oms_nye": new_turnover,
    })


def draw_innovation_sample(population: pl.DataFrame, round: int, seed: int) -> tuple[pl.DataFrame, pl.DataFrame]:
    """Draw SSB's stratified sample: industry × size class, the two largest classes take-all.

    Parameters
    ----------
    population : polars.DataFrame
        From :func:`innovation_population`.
    round : int
        The round (part of the seed).
    seed : int
        Seed of this draw.

    Returns
    -------
    (polars.DataFrame, polars.DataFrame)
        The sampled firms in the file's raw shape (population columns except ``county``, plus
        ``N_stratum`` and ``vekt``; sorted by ``orgnr``), and the strata (``stratum``,
        ``N_stratum``, ``n_stratum``).

    Examples
    --------
    >>> sample, strata = draw_innovation_sample(innovation_population(2016), 2016, seed=1)
    >>> bool((sample["vekt"] >= 1).all()), strata.height
    (True, 42)
    """
    rng = np.random.default_rng([seed, round, 3])
    strata = (
        population.group_by("stratum", "storrelse").agg(pl.len().alias("N_stratum")).sort("stratum")
        .with_columns(
            pl.col("storrelse").replace_strict({k: v[5] for k, v in SIZE_CLASSES.items()},
                                               return_dtype=pl.Float64).alias("fraction")
        )
        .with_columns(
            pl.max_horizontal(
                pl.min_horizontal((pl.col("N_stratum") * pl.col("fraction") + 0.5).floor(), pl.col("N_stratum")),
                pl.min_horizontal(pl.lit(2), pl.col("N_stratum")),
            ).cast(pl.Int64).alias("n_stratum")
        )
    )
    stratum = population["stratum"].to_numpy()
    # A random key per firm; the n_h smallest keys in each stratum are sampled (SRS without replacement).
    key = rng.random(population.height)
    ranked = pl.DataFrame({"stratum": stratum, "key": key}).with_columns(
        pl.col("key").rank("ordinal").over("stratum").alias("r")
    )
    n_h = ranked.join(strata.select("stratum", "n_stratum"), on="stratum", how="left")["n_stratum"]
    chosen = (ranked["r"] <= n_h).to_numpy()
    sample = (
        population.filter(pl.Series(chosen))
        .join(strata.select("stratum", "N_stratum", "n_stratum"), on="stratum", how="left")
        .with_columns((pl.col("N_stratum") / pl.col("n_stratum")).alias("vekt"))
        .drop("county", "n_stratum")
        .sort("orgnr")
    )
    return sample, strata.select("stratum", "N_stratum", "n_stratum")
