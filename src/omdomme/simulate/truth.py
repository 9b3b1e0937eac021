"""Population values ("truth") of every indicator, target and domain of the synthetic rounds.

The indicators are defined once here (:data:`REPUTATION_INDICATORS`,
:data:`INNOVATION_INDICATORS`); the round definitions written by the generator and the
truth files are both made from these, so the truth is computed with exactly the definition
the analysis reads.
"""

from __future__ import annotations

from dataclasses import dataclass

import polars as pl

from omdomme.simulate._shared import ASSOCIATION_CODES
from omdomme.simulate.places import COUNTIES

__all__ = [
    "DOMAINS",
    "INNOVATION_INDICATORS",
    "REPUTATION_INDICATORS",
    "InnovationIndicator",
    "ReputationIndicator",
    "innovation_truth",
    "reputation_truth",
]

TRUTH_COLUMNS = ("survey", "round", "indicator", "target", "domain", "truth")


@dataclass(frozen=True)
class ReputationIndicator:
    """One reputation indicator as written to ``[indicators.<id>]``."""

    id: str
    label: str
    question: str
    count: str | tuple[int, ...] | tuple[str, ...] | dict[str, tuple[str, ...]]
    base: str
    better: str
    domains: tuple[str, ...]
    label_en: str = ""


# id -> (label, residents, age range, English label)
DOMAINS = {
    "alle": ("Alle", None, None, "All"),
    "innenfra": ("Bosatt i fylket (innenfra)", "target", None, "Residents of the county (inside view)"),
    "utenfra": ("Bosatt i andre fylker (utenfra)", "other", None, "Residents of other counties (outside view)"),
    "unge": ("Unge bosatt i fylket (18–29 år)", "target", (18, 29), "Young residents of the county (18–29)"),
}

REPUTATION_INDICATORS = (
    ReputationIndicator("vet_ikke", "Andel som svarer «vet ikke» om næringslivet", "kjennskap",
                        "vet_ikke", "all", "lower", ("alle", "innenfra", "utenfra"),
                        "Share answering «don't know» about the business sector"),
    ReputationIndicator("svaert_godt", "Andel med svært godt inntrykk", "inntrykk",
                        (5,), "all", "higher", ("alle", "innenfra", "utenfra"), "Share with a very good impression"),
    ReputationIndicator("svaert_godt_meninger", "Andel med svært godt inntrykk, blant dem som har en mening",
                        "inntrykk", (5,), "valid", "higher", ("alle", "innenfra", "utenfra"),
                        "Share with a very good impression, among those with an opinion"),
    ReputationIndicator("moderne_ungdom", "Unge som mener det finnes mange moderne og innovative bedrifter",
                        "moderne", (4, 5), "all", "higher", ("unge",),
                        "Young people who think there are many modern and innovative firms"),
    ReputationIndicator("verdier", "Andel som forbinder fylket med verdier og egenskaper", "assosiasjon",
                        ("verdier",), "all", "higher", ("alle", "utenfra"),
                        "Share who associate the county with values and characteristics"),
    ReputationIndicator("kun_geografi", "Andel som bare nevner geografi (steder, Sverige, natur)", "assosiasjon",
                        {"only": ("steder", "sverige", "natur")}, "all", "lower", ("alle", "utenfra"),
                        "Share mentioning only geography (places, Sweden, nature)"),
)


@dataclass(frozen=True)
class InnovationIndicator:
    """One innovation indicator as written to ``[indicators.<id>]`` of ``innovasjon.toml``."""

    id: str
    label: str
    kind: str  # share | total | ratio
    variable: str | None = None
    count: tuple[int, ...] | None = None
    numerator: str | None = None
    denominator: str | None = None
    better: str = "higher"
    # How the analysis displays the estimate (percent | nok | number); written explicitly so
    # that a reader of the definition sees it without knowing the label-based default.
    unit: str = "percent"
    label_en: str = ""


INNOVATION_INDICATORS = (
    InnovationIndicator("innovasjonsaktivitet", "Andel foretak med innovasjonsaktivitet", "share", "inno_akt", (1,),
                        label_en="Share of firms with innovation activity"),
    InnovationIndicator("produktinnovasjon", "Andel foretak med produktinnovasjon (varer eller tjenester)",
                        "share", "produkt", (1,), label_en="Share of firms with product innovation (goods or services)"),
    InnovationIndicator("produktinnovasjon_varer", "Andel foretak med nye eller forbedrede varer",
                        "share", "prod_vare", (1,), label_en="Share of firms with new or improved goods"),
    InnovationIndicator("produktinnovasjon_tjenester", "Andel foretak med nye eller forbedrede tjenester",
                        "share", "prod_tjen", (1,), label_en="Share of firms with new or improved services"),
    InnovationIndicator("prosessinnovasjon", "Andel foretak med prosessinnovasjon", "share", "prosess", (1,),
                        label_en="Share of firms with process innovation"),
    InnovationIndicator("egen_fou", "Andel foretak med egen FoU-virksomhet", "share", "fou_egen", (1,),
                        label_en="Share of firms with in-house R&D"),
    InnovationIndicator("fou_utgifter", "FoU-utgifter i alt (NOK)", "total", "fou_utg", unit="nok",
                        label_en="R&D expenditure, total (NOK)"),
    InnovationIndicator("fou_per_ansatt", "FoU-utgifter per sysselsatt (NOK)", "ratio",
                        numerator="fou_utg", denominator="ansatte", unit="nok",
                        label_en="R&D expenditure per employee (NOK)"),
    InnovationIndicator("omsetning_nye_produkter", "Andel av omsetningen fra nye produkter", "ratio",
                        numerator="oms_nye", denominator="omsetning", label_en="Share of turnover from new products"),
)


def _reputation_long(population: pl.DataFrame) -> pl.DataFrame:
    # One row per person × rated county, with every indicator's 0/1 value (null: outside the base).
    frames = []
    for target in COUNTIES:
        assoc = [pl.col(f"assos{i}_{target}") for i in (1, 2, 3)]
        frames.append(population.select(
            pl.lit(target).alias("target"),
            (pl.col("county") == target).alias("inside"),
            pl.col("age"),
            (pl.col(f"kjennskap_{target}") == 9).cast(pl.Float64).alias("vet_ikke"),
            (pl.col(f"inntrykk_{target}") == 5).cast(pl.Float64).alias("svaert_godt"),
            pl.when(pl.col(f"inntrykk_{target}") != 9)
            .then((pl.col(f"inntrykk_{target}") == 5).cast(pl.Float64)).alias("svaert_godt_meninger"),
            pl.col(f"moderne_{target}").is_in([4, 5]).cast(pl.Float64).alias("moderne_ungdom"),
            # Any of the three coded associations is «verdier» (code 6); empty slots are not.
            pl.any_horizontal([(c == 6).fill_null(False) for c in assoc]).cast(pl.Float64).alias("verdier"),
            # Only geography: at least one of steder, sverige, natur (codes 1-3) and no other code.
            (pl.any_horizontal([c.is_in([1, 2, 3]).fill_null(False) for c in assoc])
             & ~pl.any_horizontal([c.is_in(list(range(4, 10))).fill_null(False) for c in assoc]))
            .cast(pl.Float64).alias("kun_geografi"),
            # The association frame (omdomme.analysis.associations): each category, and «vet ikke».
            *[pl.any_horizontal([(c == code).fill_null(False) for c in assoc]).cast(pl.Float64).alias(f"assos_{name}")
              for code, name in ASSOCIATION_CODES.items()],
            (assoc[0] == 99).fill_null(False).cast(pl.Float64).alias("assos_vet_ikke"),
        ))
    return pl.concat(frames)


def reputation_truth(population: pl.DataFrame, round: int) -> pl.DataFrame:
    """Population value of every reputation indicator × rated county × domain.

    Parameters
    ----------
    population : polars.DataFrame
        From :func:`omdomme.simulate.reputation.reputation_population`.
    round : int
        Written to the ``round`` column.

    Returns
    -------
    polars.DataFrame
        ``survey, round, indicator, target, domain, truth`` (truth: a share 0–1), sorted.

    Examples
    --------
    >>> from omdomme.simulate.reputation import reputation_population
    >>> t = reputation_truth(reputation_population(2016), 2016)
    >>> t.filter(indicator="vet_ikke", target="ostfold", domain="alle")["truth"].item() > 0.25
    True
    """
    long = _reputation_long(population)
    masks = {
        "alle": pl.lit(True),
        "innenfra": pl.col("inside"),
        "utenfra": ~pl.col("inside"),
        "unge": pl.col("inside") & pl.col("age").is_between(18, 29),
    }
    parts = []
    frame = [(f"assos_{name}", tuple(masks)) for name in (*ASSOCIATION_CODES.values(), "vet_ikke")]
    for ind_id, domains in [*((ind.id, ind.domains) for ind in REPUTATION_INDICATORS), *frame]:
        for domain in domains:
            parts.append(
                long.filter(masks[domain]).group_by("target")
                .agg(pl.col(ind_id).mean().alias("truth"))
                .with_columns(pl.lit(ind_id).alias("indicator"), pl.lit(domain).alias("domain"))
            )
    return _finish(pl.concat(parts, how="diagonal"), "omdomme", round)


def innovation_truth(population: pl.DataFrame, round: int) -> pl.DataFrame:
    """Population value of every innovation indicator for the five counties and Norway.

    Parameters
    ----------
    population : polars.DataFrame
        From :func:`omdomme.simulate.innovation.innovation_population`.
    round : int
        Written to the ``round`` column.

    Returns
    -------
    polars.DataFrame
        ``survey, round, indicator, target, domain, truth``; target ``akershus`` …
        ``ostfold`` and ``norge`` (every firm), domain ``alle``.

    Examples
    --------
    >>> from omdomme.simulate.innovation import innovation_population
    >>> t = innovation_truth(innovation_population(2016), 2016)
    >>> sorted(t["target"].unique().to_list())
    ['akershus', 'buskerud', 'norge', 'oslo', 'ostfold', 'vestfold']
    """
    exprs = []
    for ind in INNOVATION_INDICATORS:
        if ind.kind == "share":
            assert ind.variable is not None and ind.count is not None
            e = pl.col(ind.variable).is_in(list(ind.count)).cast(pl.Float64).mean()
        elif ind.kind == "total":
            e = pl.col(str(ind.variable)).cast(pl.Float64).sum()
        else:
            e = (pl.col(str(ind.numerator)).cast(pl.Float64).sum()
                 / pl.col(str(ind.denominator)).cast(pl.Float64).sum())
        exprs.append(e.alias(ind.id))
    counties = population.filter(pl.col("county") != "utenfor").group_by(pl.col("county").alias("target")).agg(exprs)
    norway = population.select(exprs).with_columns(pl.lit("norge").alias("target"))
    wide = pl.concat([counties, norway], how="diagonal")
    long = wide.unpivot(index="target", variable_name="indicator", value_name="truth").with_columns(
        pl.lit("alle").alias("domain")
    )
    return _finish(long, "innovasjon", round)


def _finish(frame: pl.DataFrame, survey: str, round: int) -> pl.DataFrame:
    ids = ([ind.id for ind in REPUTATION_INDICATORS]
           + [f"assos_{name}" for name in (*ASSOCIATION_CODES.values(), "vet_ikke")]
           + [ind.id for ind in INNOVATION_INDICATORS])
    order = {id_: i for i, id_ in enumerate(ids)}
    targets = {t: i for i, t in enumerate((*COUNTIES, "norge"))}
    domains = {d: i for i, d in enumerate(DOMAINS)}
    return (
        frame.with_columns(pl.lit(survey).alias("survey"), pl.lit(round, dtype=pl.Int64).alias("round"))
        .sort(
            pl.col("indicator").replace_strict(order, return_dtype=pl.Int64),
            pl.col("domain").replace_strict(domains, return_dtype=pl.Int64),
            pl.col("target").replace_strict(targets, return_dtype=pl.Int64),
        )
        .select(*TRUTH_COLUMNS)
    )
