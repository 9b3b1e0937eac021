"""The survey vendors' file layouts: variable names, codes, labels and file formats per round.

Vendor A (2016, 2018) names variables in Norwegian after the county (``kj_ostf``,
``inntrykk_ostf``) and codes «vet ikke» 9; vendor B (2020–2024) numbers the questions
(``q3_1`` … ``q3_5``, county 5 = Østfold), codes «vet ikke» 99 and sex the other way round
(1 = kvinne). Vendor C (2026) is in :mod:`omdomme.simulate.vendor_c`. A round's definition
(written by :mod:`omdomme.simulate.definitions`) maps them to the same harmonised concepts.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import polars as pl

from omdomme.labels import COUNTY_NAMES
from omdomme.simulate._shared import ASSOCIATION_CODES, INDUSTRIES, SIZE_CLASSES, VI_ASSOC, VI_SCALE
from omdomme.simulate.places import COUNTIES

__all__ = [
    "COUNTY_NAMES",
    "FILE_LABEL_FIRMS",
    "FILE_LABEL_PEOPLE",
    "ReputationLayout",
    "reputation_layout",
    "reputation_metadata",
    "to_vendor",
]

FILE_LABEL_PEOPLE = "SYNTETISKE DATA – ikke ekte respondenter"
FILE_LABEL_FIRMS = "SYNTETISKE DATA – ikke ekte foretak"


@dataclass(frozen=True)
class ReputationLayout:
    """How one round's reputation file looks.

    Attributes
    ----------
    round : int
    vendor : str
        ``A`` or ``B``.
    file_format : str
        ``csv``, ``sav`` or ``zsav``.
    id, sample, kommune, age, sex, weight : str
        Raw variable names of the respondent variables.
    sex_codes, sample_codes : dict
        Raw codes.
    tokens : dict
        Rated county key -> token in the variable names.
    kjennskap, inntrykk, moderne, text : str
        Variable templates with ``{target}``.
    assos : tuple of str
        The three association variable templates.
    vet_ikke_scale, vet_ikke_assoc : int
        Raw «vet ikke» codes.
    """

    round: int
    vendor: str
    file_format: str
    id: str
    sample: str
    kommune: str
    age: str
    sex: str
    weight: str
    sex_codes: dict[str, int]
    sample_codes: dict[str, int]
    tokens: dict[str, str]
    kjennskap: str
    inntrykk: str
    moderne: str
    assos: tuple[str, str, str]
    text: str
    vet_ikke_scale: int
    vet_ikke_assoc: int
    questions: tuple[str, ...] = field(default=("kjennskap", "inntrykk", "moderne"))

    @property
    def file_name(self) -> str:
        """The data file's name, e.g. ``omdomme-2018.sav``."""
        return f"omdomme-{self.round}.{self.file_format}"

    def name(self, template: str, target: str) -> str:
        """A raw variable name: the template with the target's token."""
        return template.format(target=self.tokens[target])


_FORMATS = {2016: "csv", 2018: "sav", 2020: "sav", 2022: "zsav", 2024: "sav", 2026: "sav"}


def reputation_layout(round: int) -> ReputationLayout:
    """The vendor layout of a reputation round.

    Examples
    --------
    >>> a, b = reputation_layout(2018), reputation_layout(2022)
    >>> a.name(a.kjennskap, "ostfold"), b.name(b.kjennskap, "ostfold"), b.file_name
    ('kj_ostf', 'q3_5', 'omdomme-2022.zsav')
    """
    file_format = _FORMATS.get(round, "sav")
    if round < 2020:
        return ReputationLayout(
            round=round, vendor="A", file_format=file_format,
            id="respid", sample="utvalg", kommune="kommune", age="alder", sex="kjonn", weight="vekt",
            sex_codes={"mann": 1, "kvinne": 2}, sample_codes={"hoved": 1, "boost": 2},
            tokens={"ostfold": "ostf", "akershus": "aker", "oslo": "oslo", "buskerud": "busk", "vestfold": "vestf"},
            kjennskap="kj_{target}", inntrykk="inntrykk_{target}", moderne="moderne_{target}",
            assos=("assos1_{target}", "assos2_{target}", "assos3_{target}"), text="assos_tekst_{target}",
            vet_ikke_scale=9, vet_ikke_assoc=99,
        )
    return ReputationLayout(
        round=round, vendor="B", file_format=file_format,
        id="id", sample="sample", kommune="komnr", age="age", sex="gender", weight="weight",
        sex_codes={"mann": 2, "kvinne": 1}, sample_codes={"hoved": 1, "boost": 2},
        tokens={"akershus": "1", "oslo": "2", "buskerud": "3", "vestfold": "4", "ostfold": "5"},
        kjennskap="q3_{target}", inntrykk="q5_{target}", moderne="q7_{target}",
        assos=("q9a_{target}", "q9b_{target}", "q9c_{target}"), text="q9txt_{target}",
        vet_ikke_scale=99, vet_ikke_assoc=99,
    )


def to_vendor(sample: pl.DataFrame, layout: ReputationLayout) -> pl.DataFrame:
    """Turn harmonised respondents (population columns + ``respid``, ``utvalg``, ``vekt``) into the vendor's raw frame.

    Examples
    --------
    >>> from omdomme.simulate.reputation import reputation_population, draw_reputation_sample
    >>> raw, _ = draw_reputation_sample(reputation_population(2020), 2020, seed=3)
    >>> raw.columns[:6]
    ['id', 'sample', 'komnr', 'age', 'gender', 'weight']
    """
    exprs = [
        pl.col("respid").cast(pl.Int64).alias(layout.id),
        pl.col("utvalg").cast(pl.Int64).alias(layout.sample),
        pl.col("kommune").alias(layout.kommune),
        pl.col("age").cast(pl.Int64).alias(layout.age),
        pl.col("sex").replace_strict(layout.sex_codes, return_dtype=pl.Int64).alias(layout.sex),
        pl.col("vekt").alias(layout.weight),
    ]
    order = [t for t in _token_order(layout)]
    for question, template in (("kjennskap", layout.kjennskap), ("inntrykk", layout.inntrykk),
                               ("moderne", layout.moderne)):
        for t in order:
            exprs.append(
                pl.col(f"{question}_{t}").replace(VI_SCALE, layout.vet_ikke_scale).cast(pl.Int64)
                .alias(layout.name(template, t))
            )
    for t in order:
        for slot, template in enumerate(layout.assos, start=1):
            exprs.append(
                pl.col(f"assos{slot}_{t}").replace(VI_ASSOC, layout.vet_ikke_assoc).cast(pl.Int64)
                .alias(layout.name(template, t))
            )
        exprs.append(pl.col(f"tekst_{t}").alias(layout.name(layout.text, t)))
    return sample.select(exprs)


def _token_order(layout: ReputationLayout) -> list[str]:
    # Vendor A lists Østfold first (the client's county); vendor B by question number.
    return sorted(COUNTIES, key=lambda t: layout.tokens[t]) if layout.vendor == "B" else list(layout.tokens)


_KJENNSKAP = {1: "Svært godt", 2: "Ganske godt", 3: "Lite", 4: "Ikke i det hele tatt"}
_INNTRYKK = {1: "Svært dårlig", 2: "Ganske dårlig", 3: "Verken godt eller dårlig", 4: "Ganske godt", 5: "Svært godt"}
_MODERNE = {1: "Helt uenig", 2: "Ganske uenig", 3: "Verken enig eller uenig", 4: "Ganske enig", 5: "Helt enig"}
_ASSOC_LABELS = {1: "Steder, byer", 2: "Sverige, grensehandel", 3: "Natur, kyst", 4: "Dialekt",
                 5: "Næringsliv, industri", 6: "Verdier, egenskaper", 7: "Kultur, historie",
                 8: "Negative stereotypier", 9: "Annet"}
assert set(_ASSOC_LABELS) == set(ASSOCIATION_CODES)


@dataclass(frozen=True)
class FileMetadata:
    """What SPSS keeps besides the data: labels, value labels, user-missing codes, formats."""

    file_label: str
    column_labels: dict[str, str]
    value_labels: dict[str, dict[int, str]]
    missing: dict[str, list[int]]
    formats: dict[str, str]
    measures: dict[str, str]


def reputation_metadata(layout: ReputationLayout) -> FileMetadata:
    """Labels, value labels and user-missing codes of a reputation file.

    Examples
    --------
    >>> m = reputation_metadata(reputation_layout(2018))
    >>> m.missing["kj_ostf"], m.value_labels["kj_ostf"][9]
    ([9], 'Vet ikke')
    """
    L = layout
    labels = {L.id: "Respondent-ID", L.sample: "Utvalg", L.kommune: "Bostedskommune (kommunenummer)",
              L.age: "Alder", L.sex: "Kjønn", L.weight: "Vekt (raket til SSBs befolkningstall)"}
    value_labels: dict[str, dict[int, str]] = {
        L.sample: {L.sample_codes["hoved"]: "Hovedutvalg (webpanel)", L.sample_codes["boost"]: "Tilleggsutvalg Østfold"},
        L.sex: {L.sex_codes["mann"]: "Mann", L.sex_codes["kvinne"]: "Kvinne"},
    }
    missing: dict[str, list[int]] = {}
    formats = {L.id: "F6.0", L.sample: "F1.0", L.age: "F3.0", L.sex: "F1.0", L.weight: "F12.6",
               L.kommune: "A4"}
    measures = {L.sample: "nominal", L.sex: "nominal", L.age: "scale", L.weight: "scale", L.kommune: "nominal"}
    vi = L.vet_ikke_scale
    for t in COUNTIES:
        name = COUNTY_NAMES[t]
        for template, text, codes in (
            (L.kjennskap, f"Hvor godt kjenner du til næringslivet i {name}?", _KJENNSKAP),
            (L.inntrykk, f"Hvilket generelt inntrykk har du av {name}?", _INNTRYKK),
            (L.moderne, f"Det finnes mange moderne og innovative bedrifter i {name}", _MODERNE),
        ):
            var = L.name(template, t)
            labels[var] = text
            value_labels[var] = {**codes, vi: "Vet ikke"}
            missing[var] = [vi]
            formats[var] = "F2.0"
            measures[var] = "ordinal"
        for slot, template in enumerate(L.assos, start=1):
            var = L.name(template, t)
            labels[var] = f"Hva forbinder du med {name}? Kodet svar {slot}"
            value_labels[var] = {**_ASSOC_LABELS, L.vet_ikke_assoc: "Vet ikke"}
            missing[var] = [L.vet_ikke_assoc]
            formats[var] = "F2.0"
            measures[var] = "nominal"
        var = L.name(L.text, t)
        labels[var] = f"Hva forbinder du med {name}? Åpent svar"
        formats[var] = "A120"
    return FileMetadata(FILE_LABEL_PEOPLE, labels, value_labels, missing, formats, measures)


def innovation_metadata() -> FileMetadata:
    """Labels and value labels of SSB's innovation file (the layout is the same every round).

    Examples
    --------
    >>> innovation_metadata().value_labels["inno_akt"]
    {1: 'Ja', 0: 'Nei'}
    """

    yes_no = {1: "Ja", 0: "Nei"}
    labels = {
        "orgnr": "Organisasjonsnummer (syntetisk)",
        "kommune": "Foretakets kommune (kommunenummer)",
        "nace": "Næring (NACE-gruppe)",
        "storrelse": "Størrelsesgruppe (sysselsatte)",
        "stratum": "Utvalgsstratum (næring × størrelse)",
        "ansatte": "Antall sysselsatte",
        "omsetning": "Omsetning (1000 kr)",
        "inno_akt": "Innovasjonsaktivitet i perioden",
        "prod_vare": "Produktinnovasjon: nye eller forbedrede varer",
        "prod_tjen": "Produktinnovasjon: nye eller forbedrede tjenester",
        "produkt": "Produktinnovasjon (varer eller tjenester)",
        "prosess": "Prosessinnovasjon (forretningsprosess)",
        "fou_egen": "Egen FoU-virksomhet",
        "fou_utg": "Egne FoU-utgifter (kr)",
        "oms_nye": "Omsetning fra nye eller forbedrede produkter (1000 kr)",
        "N_stratum": "Antall foretak i populasjonen i stratumet",
        "vekt": "Vekt (N_h / n_h)",
    }
    value_labels: dict[str, dict[int, str]] = {
        "nace": {k: v[0] for k, v in INDUSTRIES.items()},
        "storrelse": {k: v[0] for k, v in SIZE_CLASSES.items()},
        **{v: yes_no for v in ("inno_akt", "prod_vare", "prod_tjen", "produkt", "prosess", "fou_egen")},
    }
    formats = {"orgnr": "F9.0", "kommune": "A4", "nace": "F1.0", "storrelse": "F1.0", "stratum": "F2.0",
               "ansatte": "F6.0", "omsetning": "F12.0", "fou_utg": "F14.0", "oms_nye": "F12.0",
               "N_stratum": "F6.0", "vekt": "F10.6",
               **{v: "F1.0" for v in ("inno_akt", "prod_vare", "prod_tjen", "produkt", "prosess", "fou_egen")}}
    measures = {"nace": "nominal", "storrelse": "ordinal", "ansatte": "scale", "omsetning": "scale",
                "fou_utg": "scale", "oms_nye": "scale", "vekt": "scale", "N_stratum": "scale"}
    return FileMetadata(FILE_LABEL_FIRMS, labels, value_labels, {}, formats, measures)
