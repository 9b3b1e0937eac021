"""The reputation survey's population model and its web-panel sample.

A round's population is a finite, scaled-down copy (1 synthetic person per ``SCALE`` real
ones) of the adults 18–80 of the five Oslofjord counties by county × sex × single year of
age (SSB table 07459 through :func:`omdomme.population.population_margins`). Every person
answers about each of the five rated counties; the answers depend on age, sex, whether the
rated county is the person's own (the inside view), and two person-level latent traits
shared across the five ratings (general positivity ``u`` and engagement ``w``), so that a
respondent's five answers are correlated, as in the real survey.

The sample is a web-panel draw: a main sample invited at random across the five counties
and a boost invited among Østfold residents; who answers depends on age and sex (young men
least), so unweighted estimates are biased. The vendor weight rakes the respondents to SSB's
county × sex and county × age group margins.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import polars as pl

from omdomme.estimate.weighting import ipf, kish_deff
from omdomme.population import population_margins
from omdomme.simulate._freetext import association_texts
from omdomme.simulate._shared import ASSOCIATION_CODES, VI_ASSOC, VI_SCALE, _calibrate, _logistic
from omdomme.simulate.places import COUNTIES, assign_kommune
from omdomme.simulate.vendor_c import VENDOR_C_ROUNDS, to_vendor_c, vendor_c_layout
from omdomme.simulate.vendors import reputation_layout, to_vendor

__all__ = [
    "ASSOCIATION_CODES",
    "SCALE",
    "WEIGHT_AGE_GROUPS",
    "ReputationSample",
    "draw_reputation_sample",
    "reputation_population",
]

SCALE = 20  # one synthetic person per SCALE real adults
AGE_MIN, AGE_MAX = 18, 80
# Age groups of the vendor's raking (finer than the analysts' usual four, as panels do).
WEIGHT_AGE_GROUPS = ((18, 29), (30, 39), (40, 49), (50, 59), (60, 69), (70, 80))

MAIN_N, BOOST_N = 1000, 600  # expected completes

# ---------------------------------------------------------------- model parameters
# Share answering «vet ikke» on awareness of the county's business sector, whole population,
# by round index k = (round - 2016) / 2: Østfold falls 3 points a round; the rest barely move.
_VET_IKKE = {
    "akershus": (0.14, -0.002),
    "oslo": (0.08, 0.0),
    "buskerud": (0.22, -0.003),
    "vestfold": (0.21, 0.0),
    "ostfold": (0.33, -0.03),
}
# Location of the impression latent (higher = better); Østfold gains 0.06 a round.
_IMPRESSION = {"akershus": 0.8, "oslo": 0.9, "buskerud": 0.45, "vestfold": 0.7, "ostfold": 0.05}
_IMPRESSION_TREND = {"ostfold": 0.06}
_IMPRESSION_CUTS = (-3.0, -1.6, 0.2, 2.3)
# Location of the «many modern and innovative firms» latent.
_MODERN = {"akershus": 0.9, "oslo": 1.1, "buskerud": 0.3, "vestfold": 0.4, "ostfold": 0.1}
_MODERN_CUTS = (-2.4, -1.0, 0.6, 2.0)
_MODERN_YOUNG_OSTFOLD_TREND = 0.12  # per round, young Østfold residents about Østfold
# Awareness level among those who answer (1 very well … 4 not at all).
_AWARENESS = {"akershus": 0.2, "oslo": 0.5, "buskerud": 0.0, "vestfold": 0.0, "ostfold": 0.0}
_AWARENESS_CUTS = (-1.0, 0.6, 2.2)
# Probability that each association category is mentioned (outside view, before modifiers);
# order of ASSOCIATION_CODES: steder sverige natur dialekt naeringsliv verdier kultur negativ annet.
_ASSOC_P = {
    "ostfold": (0.45, 0.35, 0.25, 0.04, 0.12, 0.07, 0.10, 0.12, 0.05),
    "akershus": (0.40, 0.02, 0.20, 0.02, 0.25, 0.08, 0.06, 0.05, 0.08),
    "oslo": (0.50, 0.01, 0.05, 0.06, 0.30, 0.10, 0.25, 0.10, 0.06),
    "buskerud": (0.40, 0.01, 0.40, 0.03, 0.12, 0.07, 0.08, 0.04, 0.06),
    "vestfold": (0.45, 0.01, 0.45, 0.03, 0.10, 0.08, 0.12, 0.04, 0.06),
}
_VERDIER_OSTFOLD_TREND = 0.05
# Response to a panel invitation: logit = a + b (age - 50) + c woman (young men answer least).
_RESPONSE = (-0.75, 0.035, 0.35)  # logit per round


def _ordinal(latent: np.ndarray, cuts: tuple[float, ...]) -> np.ndarray:
    # 1 + number of cut points below the latent value: higher latent -> higher code.
    return 1 + (latent[:, None] > np.asarray(cuts)[None, :]).sum(axis=1)


def _round_index(round: int) -> float:
    return (round - 2016) / 2


def _population_frame(round: int) -> pl.DataFrame:
    # Imported here: the population module reads SSB's table on first use.

    ages = [(a, a) for a in range(AGE_MIN, AGE_MAX + 1)]
    margins = population_margins(min(round, 2024), age_groups=ages)
    return margins.select(
        "county",
        "sex",
        pl.col("age_group").str.split("-").list.first().cast(pl.Int64).alias("age"),
        (pl.col("persons") / SCALE).round().cast(pl.Int64).alias("count"),
    ).filter(pl.col("count") > 0)


def reputation_population(round: int, seed: int = 20161) -> pl.DataFrame:
    """The finite population of one reputation round, with every person's answers.

    Parameters
    ----------
    round : int
        The round (2016, 2018, …, 2026). The population year is ``min(round, 2024)``;
        municipality codes are those valid in ``round``.
    seed : int
        Seed; the same seed and round give the same population.

    Returns
    -------
    polars.DataFrame
        One row per synthetic adult: ``person`` (int), ``county`` (2024 county key),
        ``kommune`` (code valid in ``round``), ``sex`` (``mann``/``kvinne``), ``age``,
        ``respons`` (probability of answering a panel invitation), and for each rated
        county ``t`` in ``akershus`` … ``ostfold``: ``kjennskap_t`` (1–4, 9 = vet ikke),
        ``inntrykk_t`` and ``moderne_t`` (1–5, 9 = vet ikke), ``assos1_t`` … ``assos3_t``
        (codes 1–9 of :data:`ASSOCIATION_CODES`, 99 = vet ikke, null = no further
        association) and ``tekst_t`` (free text made from those codes by
        :mod:`omdomme.simulate._freetext`).

    Examples
    --------
    >>> pop = reputation_population(2018)
    >>> pop.height > 50_000, pop["age"].min(), pop["age"].max()
    (True, 18, 80)
    """
    rng = np.random.default_rng([seed, round, 0])
    cells = _population_frame(round)
    counts = cells["count"].to_numpy()
    county = np.repeat(cells["county"].to_numpy(), counts).astype(str)
    sex = np.repeat(cells["sex"].to_numpy(), counts).astype(str)
    age = np.repeat(cells["age"].to_numpy(), counts)
    n = county.size
    kommune = assign_kommune(county, round, rng)
    female = (sex == "kvinne").astype(float)
    zage = (age - 50) / 15
    # Person-level traits shared by the five ratings: positivity u, engagement w (corr 0.3).
    u = rng.standard_normal(n)
    w = 0.3 * u + np.sqrt(1 - 0.3**2) * rng.standard_normal(n)
    k = _round_index(round)
    young = age <= 29

    columns: dict[str, object] = {
        "person": np.arange(n, dtype=np.int64),
        "county": county,
        "kommune": kommune,
        "sex": sex,
        "age": age.astype(np.int64),
        # Who answers a web-panel invitation: the young and men least.
        "respons": _logistic(_RESPONSE[0] + _RESPONSE[1] * (age - 50) + _RESPONSE[2] * female),
    }
    for target in COUNTIES:
        inside = (county == target).astype(float)
        neighbour = (
            ((county == "oslo") & (target == "akershus")) | ((county == "akershus") & (target == "oslo"))
        ).astype(float)
        # Awareness: «vet ikke» first (strongly age-dependent), then the level among the rest.
        x = -2.2 * inside - 0.6 * neighbour - 0.75 * zage + 0.35 * female - 0.9 * w
        level, trend = _VET_IKKE[target]
        a = _calibrate(x, level + trend * k)
        vi = rng.random(n) < _logistic(a + x)
        eps = rng.logistic(size=n)
        latent = (1.6 * inside + 0.7 * w + 0.25 * zage - 0.2 * female + _AWARENESS[target]
                  + (0.1 * k if target == "ostfold" else 0.0) + eps)
        aware = 5 - _ordinal(latent, _AWARENESS_CUTS)  # 1 very well … 4 not at all
        aware = np.where(vi, VI_SCALE, aware)

        # Impression: «vet ikke» mostly among the unaware.
        p_vi = np.where(vi, 0.8, _logistic(-3.2 - 0.3 * zage + 0.8 * (aware == 4)))
        imp_vi = rng.random(n) < p_vi
        latent = (_IMPRESSION[target] + _IMPRESSION_TREND.get(target, 0.0) * k + 0.9 * inside
                  + 1.2 * u + 0.15 * zage + 0.1 * female + rng.logistic(size=n))
        impression = np.where(imp_vi, VI_SCALE, _ordinal(latent, _IMPRESSION_CUTS))

        # Modern and innovative firms: young Østfold residents grow more positive about Østfold.
        p_vi = np.where(vi, 0.65, _logistic(-2.4 - 0.3 * zage + 0.6 * (aware == 4)))
        mod_vi = rng.random(n) < p_vi
        young_home = (young & (county == "ostfold")).astype(float) if target == "ostfold" else 0.0
        latent = (_MODERN[target] + 0.6 * inside + 0.9 * u + 0.3 * w + 0.1 * zage
                  + _MODERN_YOUNG_OSTFOLD_TREND * k * young_home + rng.logistic(size=n))
        modern = np.where(mod_vi, VI_SCALE, _ordinal(latent, _MODERN_CUTS))

        # Associations: each category mentioned independently, at most three kept in random order.
        base = np.log(np.array(_ASSOC_P[target]) / (1 - np.array(_ASSOC_P[target])))
        logit = base[None, :] + 0.4 * inside[:, None]
        logit[:, 5] += 0.9 * inside + 0.35 * u + (_VERDIER_OSTFOLD_TREND * k if target == "ostfold" else 0.0)
        logit[:, 7] -= 0.8 * inside + 0.3 * u  # residents rarely mention the stereotypes
        said = rng.random(logit.shape) < _logistic(logit)
        assoc_vi = np.where(vi, rng.random(n) < 0.75, rng.random(n) < 0.04) | ~said.any(axis=1)
        said &= ~assoc_vi[:, None]
        order = np.argsort(-(said * rng.random(said.shape)), axis=1, kind="stable")[:, :3]
        picked = np.take_along_axis(said, order, axis=1)
        codes = np.where(picked, order + 1, 0)  # 0: no association in that slot
        codes[:, 0] = np.where(assoc_vi, VI_ASSOC, codes[:, 0])

        # Free text made from the codes by its own generator and stream. The three draws the
        # earlier one-word text took are still taken, so every other simulated answer is unchanged.
        for _ in range(3):
            rng.random(n)
        text_rng = np.random.default_rng([seed, round, 2, COUNTIES.index(target)])
        text = association_texts(codes, assoc_vi, target, text_rng)

        columns[f"kjennskap_{target}"] = aware.astype(np.int64)
        columns[f"inntrykk_{target}"] = impression.astype(np.int64)
        columns[f"moderne_{target}"] = modern.astype(np.int64)
        for slot in range(3):
            columns[f"assos{slot + 1}_{target}"] = pl.Series(codes[:, slot]).replace(0, None)
        columns[f"tekst_{target}"] = text
    return pl.DataFrame(columns)


@dataclass(frozen=True)
class ReputationSample:
    """Diagnostics of one drawn sample (the respondents themselves are the returned frame).

    Attributes
    ----------
    persons : numpy.ndarray
        Population row (``person``) of each respondent, in the order of the sample frame.
    invited_main, invited_boost : int
        Invitations sent.
    raking_iterations : int
        IPF sweeps the vendor weight took.
    kish_deff : float
        Kish design effect of the vendor weight.
    """

    persons: np.ndarray
    invited_main: int
    invited_boost: int
    raking_iterations: int
    kish_deff: float


def vendor_weight(county: np.ndarray, sex: np.ndarray, age: np.ndarray, round: int) -> tuple[np.ndarray, int, float]:
    """Rake respondents to SSB county × sex and county × age group margins, as the vendor does.

    Returns the weights (summing to the adult population 18–80), the IPF sweeps, and Kish's deff.

    Examples
    --------
    >>> c = np.array(["oslo", "ostfold"] * 12 * 5 + ["akershus", "buskerud", "vestfold"] * 40 * 6)
    >>> rng = np.random.default_rng(1)
    >>> w, _, _ = vendor_weight(c, rng.choice(["mann", "kvinne"], c.size), rng.integers(18, 81, c.size), 2024)
    >>> bool(w.min() > 0)
    True
    """

    year = min(round, 2024)
    labels = [f"{lo}-{hi}" for lo, hi in WEIGHT_AGE_GROUPS]
    group = np.searchsorted(np.array([hi for _, hi in WEIGHT_AGE_GROUPS]), age)
    people = pl.DataFrame({"county": county, "sex": sex, "age_group": np.array(labels)[group]})
    codes, targets = [], []
    for by in (["county", "sex"], ["county", "age_group"]):
        # Each respondent's category = the row of its cell in the margin table.
        margin = population_margins(year, age_groups=WEIGHT_AGE_GROUPS, by=by).with_row_index("code")
        codes.append(people.join(margin, on=by, how="left", maintain_order="left")["code"].to_numpy())
        targets.append(margin["persons"].to_numpy())
    result = ipf(np.ones(county.size), codes, targets, max_iter=500, tol=1e-10)
    return result.weights, result.iterations, kish_deff(result.weights)


def draw_reputation_sample(population: pl.DataFrame, round: int, seed: int) -> tuple[pl.DataFrame, ReputationSample]:
    """Draw one web-panel sample (main + Østfold boost) with nonresponse and a vendor weight.

    Parameters
    ----------
    population : polars.DataFrame
        From :func:`reputation_population`.
    round : int
        The round (decides the vendor's layout: variable names, codes).
    seed : int
        Seed of this draw; coverage studies use one seed per replicate.

    Returns
    -------
    (polars.DataFrame, ReputationSample)
        The respondents in the vendor's raw shape (exactly the columns of the round's data
        file, «vet ikke» as the vendor's codes) and the draw's diagnostics.

    Examples
    --------
    >>> pop = reputation_population(2024)
    >>> raw, info = draw_reputation_sample(pop, 2024, seed=1)
    >>> 1400 < raw.height < 1800
    True
    """

    rng = np.random.default_rng([seed, round, 1])
    p = population["respons"].to_numpy()
    n = population.height
    invited_main = int(_round_half(MAIN_N / p.mean()))
    main = np.sort(rng.choice(n, size=invited_main, replace=False))
    main = main[rng.random(main.size) < p[main]]
    ostfold = np.flatnonzero(population["county"].to_numpy() == "ostfold")
    frame = np.setdiff1d(ostfold, main, assume_unique=True)
    invited_boost = int(_round_half(BOOST_N / p[ostfold].mean()))
    boost = np.sort(rng.choice(frame, size=invited_boost, replace=False))
    boost = boost[rng.random(boost.size) < p[boost]]
    persons = np.concatenate([main, boost])
    sample = population[persons].with_columns(
        pl.Series("utvalg", np.r_[np.ones(main.size, dtype=np.int64), np.full(boost.size, 2, dtype=np.int64)])
    )
    weight, iterations, deff = vendor_weight(
        sample["county"].to_numpy(), sample["sex"].to_numpy(), sample["age"].to_numpy(), round
    )
    sample = sample.with_columns(pl.Series("vekt", weight), pl.Series("respid", 100001 + np.arange(sample.height)))
    if round in VENDOR_C_ROUNDS:
        raw = to_vendor_c(sample, vendor_c_layout(round), seed=seed)
    else:
        raw = to_vendor(sample, reputation_layout(round))
    return raw, ReputationSample(persons, invited_main, invited_boost, iterations, deff)


def _round_half(x: float) -> float:
    """Round half up (Python's round() rounds half to even)."""
    return float(np.floor(x + 0.5))
