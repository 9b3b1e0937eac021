"""A small synthetic innovation survey for the innovation tests: population, sample, round files.

A firm population (industry × size class strata, the largest class take-all) with a known
truth, a stratified simple random sample weighted ``N_h / n_h``, and a round folder
(``surveys/<round>/innovasjon.toml`` + ``innovasjon-<round>.sav``) following
``docs/definitions.md``. Imported by the other ``test_innovation*`` modules; it holds the
sanity checks of the fixture itself.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import polars as pl

# 2016–2018 municipality codes (valid in both rounds) -> county key of the fixture's truth.
KOMMUNER: dict[str, tuple[str, ...]] = {
    "ostfold": ("0101", "0105", "0106"),
    "akershus": ("0219", "0220"),
    "oslo": ("0301",),
    "buskerud": ("0602", "0604"),
    "vestfold": ("0701", "0704"),
    "utenfor": ("1103", "1201"),
}
COUNTY_SHARES = {"ostfold": 0.10, "akershus": 0.13, "oslo": 0.18, "buskerud": 0.08,
                 "vestfold": 0.07, "utenfor": 0.44}
COUNTY_EFFECT = {"ostfold": -0.3, "akershus": 0.2, "oslo": 0.4, "buskerud": 0.0,
                 "vestfold": -0.1, "utenfor": 0.0}
INDUSTRIES = {"C": 0.4, "G": -0.3, "J": 1.0}  # industry (NACE section) -> logit effect
SIZES = {1: (10, 19, 0.14), 2: (20, 49, 0.30), 3: (50, 800, 1.0)}  # class -> employees, sampling fraction
SIZE_EFFECT = {1: -0.5, 2: 0.0, 3: 0.7}

INDICATORS = {
    "innovasjonsaktivitet": ("share", "inno_akt"),
    "produktinnovasjon_varer": ("share", "prod_varer"),
    "produktinnovasjon_tjenester": ("share", "prod_tjen"),
    "prosessinnovasjon": ("share", "prosess"),
    "egen_fou": ("share", "fou_egen"),
    "fou_utgifter": ("total", "fou_utg"),
    "fou_per_ansatt": ("ratio", ("fou_utg", "ansatte")),
    "omsetning_nye_produkter": ("ratio", ("oms_nye", "omsetning")),
}

TOML = """\
[survey]
kind = "innovasjon"
round = {round}
period = "{period}"
title = "Innovasjonsundersøkelsen {round} (testdata)"
synthetic = true
note = "Syntetiske testdata; ikke ekte foretak."

[data]
file = "innovasjon-{round}.sav"

[design]
id = "orgnr"
weight = "vekt"
strata = "stratum"
fpc = "N_stratum"
lonely_psu = "fail"

[firm]
kommune = "kommune"
code_year = {round}
employees = "ansatte"
industry = "nace"
size_class = "storrelse"

[indicators.innovasjonsaktivitet]
label = "Andel foretak med innovasjonsaktivitet"
kind = "share"
variable = "inno_akt"
count = [1]
missing = [9]
better = "higher"

[indicators.produktinnovasjon_varer]
label = "Andel foretak med nye varer"
kind = "share"
variable = "prod_varer"
count = [1]

[indicators.produktinnovasjon_tjenester]
label = "Andel foretak med nye tjenester"
kind = "share"
variable = "prod_tjen"
count = [1]

[indicators.prosessinnovasjon]
label = "Andel foretak med prosessinnovasjon"
kind = "share"
variable = "prosess"
count = [1]

[indicators.egen_fou]
label = "Andel foretak med egen FoU"
kind = "share"
variable = "fou_egen"
count = [1]

[indicators.fou_utgifter]
label = "FoU-utgifter (NOK)"
kind = "total"
variable = "fou_utg"
unit = "nok"

[indicators.fou_per_ansatt]
label = "FoU-utgifter per sysselsatt (NOK)"
kind = "ratio"
numerator = "fou_utg"
denominator = "ansatte"
unit = "nok"

[indicators.omsetning_nye_produkter]
label = "Andel av omsetningen fra nye produkter"
kind = "ratio"
numerator = "oms_nye"
denominator = "omsetning"
unit = "percent"

[goal]
indicator = "innovasjonsaktivitet"
baseline = {baseline}
factor = 2.0

[disclosure]
min_firms = 3
dominance_n = 2
dominance_k = 0.85
"""


def make_population(seed: int = 1, n_firms: int = 5000, *, level: float = 0.0) -> pl.DataFrame:
    """A firm population with its stratum sizes; ``level`` shifts innovation on the logit scale."""
    rng = np.random.default_rng(seed)
    counties = np.array(list(COUNTY_SHARES))
    county = rng.choice(counties, size=n_firms, p=np.array(list(COUNTY_SHARES.values())))
    kommune = np.array([rng.choice(KOMMUNER[c]) for c in county])
    nace = rng.choice(np.array(list(INDUSTRIES)), size=n_firms, p=[0.35, 0.45, 0.20])
    size = rng.choice(np.array([1, 2, 3]), size=n_firms, p=[0.60, 0.32, 0.08])
    lo = np.array([SIZES[s][0] for s in size])
    hi = np.array([SIZES[s][1] for s in size])
    ansatte = np.where(size < 3, rng.integers(lo, hi + 1), np.minimum(50 + rng.lognormal(4.0, 1.0, n_firms), 800))
    ansatte = np.round(ansatte).astype(float)
    eta = (level + np.array([INDUSTRIES[i] for i in nace]) + np.array([SIZE_EFFECT[s] for s in size])
           + np.array([COUNTY_EFFECT[c] for c in county]))
    p = 1 / (1 + np.exp(-eta))
    inno = rng.random(n_firms) < p
    prod_varer = inno & (rng.random(n_firms) < np.where(nace == "C", 0.6, 0.25))
    prod_tjen = inno & (rng.random(n_firms) < np.where(nace == "C", 0.3, 0.55))
    prosess = inno & (rng.random(n_firms) < 0.6)
    fou_egen = inno & (rng.random(n_firms) < 0.45 + 0.1 * (size == 3))
    fou_utg = np.where(fou_egen, np.round(ansatte * rng.lognormal(np.log(40_000), 0.9, n_firms), -3), 0.0)
    omsetning = np.round(ansatte * rng.lognormal(np.log(1_800_000), 0.5, n_firms), -3)
    share_new = np.where(prod_varer | prod_tjen, rng.beta(2, 6, n_firms), 0.0)
    oms_nye = np.round(omsetning * share_new, -3)
    pop = pl.DataFrame({
        "orgnr": [f"9{k:08d}" for k in range(n_firms)],
        "county": county,
        "kommune": kommune,
        "nace": nace,
        "storrelse": size,
        "ansatte": ansatte,
        "inno_akt": inno.astype(float),
        "prod_varer": prod_varer.astype(float),
        "prod_tjen": prod_tjen.astype(float),
        "prosess": prosess.astype(float),
        "fou_egen": fou_egen.astype(float),
        "fou_utg": fou_utg,
        "omsetning": omsetning,
        "oms_nye": oms_nye,
    }).with_columns(
        pl.format("{}-{}", pl.col("nace"), pl.col("storrelse")).alias("stratum"),
    )
    return pop.with_columns(pl.len().over("stratum").cast(pl.Float64).alias("N_stratum"))


def draw_sample(population: pl.DataFrame, seed: int, *, item_missing: int = 0) -> pl.DataFrame:
    """A stratified SRS without replacement (fraction by size class), weighted N_h / n_h.

    ``item_missing`` firms get ``inno_akt = 9`` (the definition's missing code).
    """
    rng = np.random.default_rng(seed)
    fraction = pl.col("storrelse").replace_strict({s: v[2] for s, v in SIZES.items()}, return_dtype=pl.Float64)
    keyed = population.with_columns(
        pl.Series("_u", rng.random(population.height)),
        (pl.col("N_stratum") * fraction).round(0).clip(lower_bound=2).alias("_n_h"),
    )
    sample = (
        keyed.with_columns(pl.col("_u").rank("ordinal").over("stratum").alias("_r"))
        .filter(pl.col("_r") <= pl.col("_n_h"))
        .with_columns((pl.col("N_stratum") / pl.len().over("stratum")).alias("vekt"))
        .drop("_u", "_n_h", "_r")
        .sort("orgnr")
    )
    if item_missing:
        idx = rng.choice(sample.height, size=item_missing, replace=False)
        mask = np.zeros(sample.height, dtype=bool)
        mask[idx] = True
        sample = sample.with_columns(
            pl.when(pl.Series(mask)).then(9.0).otherwise(pl.col("inno_akt")).alias("inno_akt")
        )
    return sample


def truth(population: pl.DataFrame) -> pl.DataFrame:
    """Population values of every indicator by county and for Norway (``target``, ``indicator``, ``truth``)."""
    exprs = []
    for ind, (kind, var) in INDICATORS.items():
        if kind == "share":
            exprs.append(pl.col(var).mean().alias(ind))
        elif kind == "total":
            exprs.append(pl.col(var).sum().alias(ind))
        else:
            exprs.append((pl.col(var[0]).sum() / pl.col(var[1]).sum()).alias(ind))
    by = population.group_by("county").agg(exprs).rename({"county": "target"})
    norge = population.select(exprs).with_columns(pl.lit("norge").alias("target"))
    return (
        pl.concat([by, norge.select(by.columns)])
        .unpivot(index="target", variable_name="indicator", value_name="truth")
        .filter(pl.col("target") != "utenfor")
    )


def write_round(root: Path, round: int, sample: pl.DataFrame, *, baseline: int = 2016,
                toml: str | None = None) -> Path:
    """Write ``<root>/surveys/<round>/innovasjon.toml`` and its ``.sav``; return the TOML path."""
    import pyreadstat

    folder = root / "surveys" / str(round)
    folder.mkdir(parents=True, exist_ok=True)
    period = f"{round - 2}–{round}"
    text = (toml or TOML).format(round=round, period=period, baseline=baseline)
    (folder / "innovasjon.toml").write_text(text, encoding="utf-8")
    frame = sample.drop("county").with_columns(pl.col("kommune").cast(pl.Int64).cast(pl.Float64))
    pyreadstat.write_sav(
        frame.to_pandas(),
        str(folder / f"innovasjon-{round}.sav"),
        file_label=f"Syntetiske testdata: innovasjon {round}",
        missing_ranges={"inno_akt": [9]},
        variable_value_labels={"inno_akt": {0.0: "Nei", 1.0: "Ja", 9.0: "Vet ikke"}},
    )
    return folder / "innovasjon.toml"


def test_fixture_sample_is_stratified_with_take_all_top_class() -> None:
    pop = make_population(3, 2000)
    sample = draw_sample(pop, 4)
    per = sample.group_by("stratum").agg(pl.len().alias("n"), pl.col("N_stratum").first(),
                                         pl.col("storrelse").first(), pl.col("vekt").first())
    assert (per["n"] <= per["N_stratum"]).all()
    assert (per.filter(pl.col("storrelse") == 3)["vekt"] == 1.0).all()
    # Weights reproduce the population size of every stratum.
    assert abs(sample["vekt"].sum() - pop.height) < 1e-6
