"""Vendor C (2026): the layout of a vendor new to the partnership, as such files arrive.

The same respondents and vendor weight as any round (the sample does not depend on the
layout); what differs is how the file says it, in the ways issue #13 lists:

- grids named by position, ``Q1_1`` … ``Q1_5``, in the vendor's own county order (Oslo,
  Akershus, Østfold, Buskerud, Vestfold), the county named only in the variable label
  («… disse fylkene? - Østfold»);
- «Vet ikke» 98 and a refusal code 99 «Ønsker ikke å svare», both SPSS user-missing; refusals
  are drawn at random (1.5 % of the answers of each scale question, 1 % of the association
  sets), so they leave the bases without biasing anything;
- associations as SPSS multiple dichotomies: one 0 «Ikke nevnt» / 1 «Nevnt» variable per
  category of the code frame and county (``Q4_<i>_<k>``), a «Vet ikke» item ``Q4_<i>_98``,
  and the free text ``Q4_<i>_txt``; a refused set is 99 in every item;
- age in years (``Alder``) and in bands (``AlderGr``, «18-29 år» … «70 år og eldre»);
- the awareness scale reversed (1 «Ikke i det hele tatt» … 4 «Svært godt»);
- municipality codes as numbers (``301`` for Oslo, no leading zero);
- sex coded 1 Mann, 2 Kvinne (the other way round from vendor B's 2020–2024 files).
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import polars as pl

from omdomme.simulate._shared import ASSOCIATION_CODES, VI_ASSOC, VI_SCALE
from omdomme.simulate.definitions import (
    BREAKDOWN_LINES,
    REWEIGHTED_ROUNDS,
    _inline,
    _q,
    indicator_lines,
)
from omdomme.simulate.places import COUNTIES
from omdomme.simulate.truth import DOMAINS
from omdomme.simulate.vendors import COUNTY_NAMES, FILE_LABEL_PEOPLE, FileMetadata

__all__ = ["VENDOR_C_ROUNDS", "VendorCLayout", "to_vendor_c", "vendor_c_layout", "vendor_c_metadata"]

VENDOR_C_ROUNDS = (2026,)
VET_IKKE, REFUSED = 98, 99
P_REFUSE_SCALE, P_REFUSE_ASSOC = 0.015, 0.01
AGE_BANDS = ((18, 29), (30, 39), (40, 49), (50, 59), (60, 69), (70, 105))
_QUESTIONS = (("kjennskap", 1), ("inntrykk", 2), ("moderne", 3))
ASSOC_QUESTION = 4

_KJENNSKAP = {1: "Ikke i det hele tatt", 2: "Lite", 3: "Ganske godt", 4: "Svært godt"}
_INNTRYKK = {1: "Svært dårlig", 2: "Ganske dårlig", 3: "Verken godt eller dårlig", 4: "Ganske godt", 5: "Svært godt"}
_MODERNE = {1: "Helt uenig", 2: "Ganske uenig", 3: "Verken enig eller uenig", 4: "Ganske enig", 5: "Helt enig"}
_CATEGORY_LABELS = {1: "Steder, byer", 2: "Sverige, grensehandel", 3: "Natur, kyst", 4: "Dialekt",
                    5: "Næringsliv, industri", 6: "Verdier, egenskaper", 7: "Kultur, historie",
                    8: "Negative stereotypier", 9: "Annet"}
_WORDING = {
    "kjennskap": "Hvor godt kjenner du til næringslivet i disse fylkene? - {name}",
    "inntrykk": "Hvilket generelt inntrykk har du av disse fylkene? - {name}",
    "moderne": "Hvor enig er du i påstanden «Det finnes mange moderne og innovative bedrifter i …»? - {name}",
}


@dataclass(frozen=True)
class VendorCLayout:
    """Vendor C's names and codes (one layout; the round only names the file)."""

    round: int
    file_format: str = "sav"
    id: str = "ID"
    sample: str = "Utvalg"
    kommune: str = "Kommunenr"
    age: str = "Alder"
    age_band: str = "AlderGr"
    sex: str = "Kjonn"
    weight: str = "Vekt"
    sex_codes: dict[str, int] = field(default_factory=lambda: {"mann": 1, "kvinne": 2})
    sample_codes: dict[str, int] = field(default_factory=lambda: {"hoved": 1, "boost": 2})
    order: tuple[str, ...] = ("oslo", "akershus", "ostfold", "buskerud", "vestfold")
    vendor: str = "C"

    @property
    def file_name(self) -> str:
        """The data file's name, e.g. ``omdomme-2026.sav``."""
        return f"omdomme-{self.round}.{self.file_format}"

    def position(self, county: str) -> int:
        """The county's number in the vendor's grids (1-based)."""
        return self.order.index(county) + 1


def vendor_c_layout(round: int) -> VendorCLayout:
    """Vendor C's layout of ``round``.

    Examples
    --------
    >>> L = vendor_c_layout(2026)
    >>> L.file_name, f"Q1_{L.position('ostfold')}"
    ('omdomme-2026.sav', 'Q1_3')
    """
    return VendorCLayout(round=round)


def to_vendor_c(sample: pl.DataFrame, layout: VendorCLayout, *, seed: int) -> pl.DataFrame:
    """Vendor C's raw frame from harmonised respondents (as :func:`~omdomme.simulate.vendors.to_vendor`).

    The refusals are drawn with their own generator (``[seed, round, 2]``), so the respondents,
    their answers and the weight are those of every other layout of the round.

    Examples
    --------
    >>> from omdomme.simulate.reputation import reputation_population, draw_reputation_sample
    >>> raw, _ = draw_reputation_sample(reputation_population(2026), 2026, seed=3)
    >>> raw.columns[:8]
    ['ID', 'Utvalg', 'Kommunenr', 'Alder', 'AlderGr', 'Kjonn', 'Vekt', 'Q1_1']
    """
    L = layout
    rng = np.random.default_rng([seed, L.round, 2])
    n = sample.height
    bands = np.searchsorted(np.array([hi for _, hi in AGE_BANDS]), sample["age"].to_numpy()) + 1
    columns: dict[str, pl.Series] = {
        L.id: sample["respid"].cast(pl.Int64),
        L.sample: sample["utvalg"].cast(pl.Int64),
        L.kommune: sample["kommune"].cast(pl.Int64),  # "0301" -> 301: a number, as some vendors write it
        L.age: sample["age"].cast(pl.Int64),
        L.age_band: pl.Series(bands.astype(np.int64)),
        L.sex: sample["sex"].replace_strict(L.sex_codes, return_dtype=pl.Int64),
        L.weight: sample["vekt"],
    }
    for question, number in _QUESTIONS:
        for county in L.order:
            raw = sample[f"{question}_{county}"].to_numpy()
            answer = np.where(raw == VI_SCALE, VET_IKKE, 5 - raw if question == "kjennskap" else raw)
            answer = np.where(rng.random(n) < P_REFUSE_SCALE, REFUSED, answer)
            columns[f"Q{number}_{L.position(county)}"] = pl.Series(answer.astype(np.int64))
    for county in L.order:
        i = L.position(county)
        slots = [sample[f"assos{s}_{county}"].fill_null(0).to_numpy() for s in (1, 2, 3)]
        refused = rng.random(n) < P_REFUSE_ASSOC
        for code in ASSOCIATION_CODES:
            said = np.any([s == code for s in slots], axis=0).astype(np.int64)
            columns[f"Q{ASSOC_QUESTION}_{i}_{code}"] = pl.Series(np.where(refused, REFUSED, said))
        vet_ikke = (slots[0] == VI_ASSOC).astype(np.int64)
        columns[f"Q{ASSOC_QUESTION}_{i}_{VET_IKKE}"] = pl.Series(np.where(refused, REFUSED, vet_ikke))
        text = sample[f"tekst_{county}"]
        # SPSS has no missing string: a refused set's free text is blank, as the file reads back.
        columns[f"Q{ASSOC_QUESTION}_{i}_txt"] = pl.select(
            pl.when(pl.Series(refused)).then(pl.lit("")).otherwise(text)
        ).to_series()
    return pl.DataFrame({name: s.alias(name) for name, s in columns.items()})


def vendor_c_metadata(layout: VendorCLayout) -> FileMetadata:
    """Vendor C's labels, value labels and user-missing codes.

    Examples
    --------
    >>> m = vendor_c_metadata(vendor_c_layout(2026))
    >>> m.column_labels["Q1_3"], m.value_labels["Q1_3"][1], m.missing["Q1_3"]
    ('Hvor godt kjenner du til næringslivet i disse fylkene? - Østfold', 'Ikke i det hele tatt', [98, 99])
    """
    L = layout
    labels = {L.id: "Respondentnummer", L.sample: "Utvalgstype", L.kommune: "Bostedskommune (kommunenummer)",
              L.age: "Alder (år)", L.age_band: "Alder i grupper", L.sex: "Kjønn", L.weight: "Vekt"}
    band_labels = {i: (f"{lo}-{hi} år" if hi < 105 else f"{lo} år og eldre") for i, (lo, hi) in
                   enumerate(AGE_BANDS, start=1)}
    value_labels: dict[str, dict[int, str]] = {
        L.sample: {1: "Landsrepresentativt utvalg", 2: "Ekstrautvalg Østfold"},
        L.sex: {L.sex_codes["mann"]: "Mann", L.sex_codes["kvinne"]: "Kvinne"},
        L.age_band: band_labels,
    }
    missing: dict[str, list[int]] = {}
    formats = {L.id: "F6.0", L.sample: "F1.0", L.kommune: "F4.0", L.age: "F3.0", L.age_band: "F1.0",
               L.sex: "F1.0", L.weight: "F12.6"}
    measures = {L.sample: "nominal", L.kommune: "nominal", L.age: "scale", L.age_band: "ordinal",
                L.sex: "nominal", L.weight: "scale"}
    extra = {VET_IKKE: "Vet ikke", REFUSED: "Ønsker ikke å svare"}
    for question, number in _QUESTIONS:
        codes = {"kjennskap": _KJENNSKAP, "inntrykk": _INNTRYKK, "moderne": _MODERNE}[question]
        for county in L.order:
            var = f"Q{number}_{L.position(county)}"
            labels[var] = _WORDING[question].format(name=COUNTY_NAMES[county])
            value_labels[var] = {**codes, **extra}
            missing[var] = [VET_IKKE, REFUSED]
            formats[var] = "F2.0"
            measures[var] = "ordinal"
    for county in L.order:
        i, name = L.position(county), COUNTY_NAMES[county]
        for code, label in (*_CATEGORY_LABELS.items(), (VET_IKKE, "Vet ikke")):
            var = f"Q{ASSOC_QUESTION}_{i}_{code}"
            labels[var] = f"Hva forbinder du med {name}? - {label}"
            value_labels[var] = {0: "Ikke nevnt", 1: "Nevnt", REFUSED: "Ønsker ikke å svare"}
            missing[var] = [REFUSED]
            formats[var] = "F2.0"
            measures[var] = "nominal"
        var = f"Q{ASSOC_QUESTION}_{i}_txt"
        labels[var] = f"Hva forbinder du med {name}? - Åpent svar"
        formats[var] = "A120"
    assert set(L.order) == set(COUNTIES)
    return FileMetadata(FILE_LABEL_PEOPLE, labels, value_labels, missing, formats, measures)


def vendor_c_definition(layout: VendorCLayout, *, previous: int | None, seed: int) -> str:
    """The ``omdomme.toml`` of a vendor C round: positions, roles, dichotomies, labelled scales.

    Examples
    --------
    >>> import tomllib
    >>> d = tomllib.loads(vendor_c_definition(vendor_c_layout(2026), previous=2024, seed=1))
    >>> d["targets"]["order"][2], d["questions"]["kjennskap"]["nonresponse"]
    ('ostfold', [99])
    """
    L = layout

    def table(codes: dict[int, str]) -> str:
        return "{ " + ", ".join(f"{code} = {_q(label)}" for code, label in codes.items()) + " }"

    lines = [
        "# Synthetic round made by `omdomme simulate` (see surveys/README.md); not real answers.",
        "# Vendor C layout: grids by position in the vendor's county order, refusal code 99,",
        "# associations as multiple dichotomies, the awareness scale reversed.",
        "",
        "[survey]",
        'kind = "omdomme"',
        f"round = {L.round}",
        f'title = "Omdømmeundersøkelsen {L.round}"',
        "synthetic = true",
        f'note = "Syntetiske data laget av `omdomme simulate` (frø {seed}); ikke ekte svar."',
    ]
    if previous is not None:
        lines.append(f"previous = {previous}")
    lines += [
        "",
        "[data]",
        f"file = {_q(L.file_name)}",
        "",
        "[design]",
        f"id = {_q(L.id)}",
        f"weight = {_q(L.weight)}",
        'lonely_psu = "fail"',
        "",
        "[respondent]",
        f"age = {_q(L.age)}                    # years; {L.age_band} has the same ages in bands",
        f"sex = {_q(L.sex)}",
        f"sex_codes = {_inline(L.sex_codes)}",
        f"sample = {_q(L.sample)}",
        f"sample_codes = {_inline(L.sample_codes)}",
        f"kommune = {_q(L.kommune)}              # numbers: 301 is Oslo's 0301",
        f"code_year = {L.round}",
        "",
        "[targets]",
        f"order = {_q(list(L.order))}",
        "",
        "[questions.kjennskap]",
        'variable = "Q1_{i}"',
        'wording = "Hvor godt kjenner du til næringslivet i {county}?"',
        f"scale = {table(_KJENNSKAP)}",
        'direction = "ascending"          # reversed from vendors A and B: 4 is «Svært godt»',
        'scale_id = "kjennskap-4"',
        f"vet_ikke = [{VET_IKKE}]",
        f"nonresponse = [{REFUSED}]",
        "",
        "[questions.inntrykk]",
        'variable = "Q2_{i}"',
        'wording = "Hvilket generelt inntrykk har du av {county}?"',
        f"scale = {table(_INNTRYKK)}",
        'direction = "ascending"',
        'scale_id = "inntrykk-5"',
        f"vet_ikke = [{VET_IKKE}]",
        f"nonresponse = [{REFUSED}]",
        "",
        "[questions.moderne]",
        'variable = "Q3_{i}"',
        'wording = "Det finnes mange moderne og innovative bedrifter i {county}"',
        f"scale = {table(_MODERNE)}",
        'direction = "ascending"',
        'scale_id = "moderne-5"',
        f"vet_ikke = [{VET_IKKE}]",
        f"nonresponse = [{REFUSED}]",
        "",
        "[questions.assosiasjon]",
        f'text = "Q{ASSOC_QUESTION}_{{i}}_txt"',
        "counted = 1",
        f"nonresponse = [{REFUSED}]",
        "[questions.assosiasjon.dichotomies]",
        *(f'{category} = "Q{ASSOC_QUESTION}_{{i}}_{code}"' for code, category in ASSOCIATION_CODES.items()),
        f'vet_ikke = "Q{ASSOC_QUESTION}_{{i}}_{VET_IKKE}"',
    ]
    for domain_id, (label, residents, age, label_en) in DOMAINS.items():
        lines += ["", f"[domains.{domain_id}]", f"label = {_q(label)}", f"label_en = {_q(label_en)}"]
        if residents is not None:
            lines.append(f"residents = {_q(residents)}")
        if age is not None:
            lines.append(f"age = [{age[0]}, {age[1]}]")
    lines += indicator_lines()
    lines += BREAKDOWN_LINES
    lines += ["", "[reliability]", "min_n = 30", 'ci_method = "logit"', "", "[ranks]", "draws = 10000",
              f"seed = {L.round}0101", ""]
    if L.round in REWEIGHTED_ROUNDS:
        lines += [
            "# The analysts post-stratify the vendor weight to SSB's county × sex × age group cross",
            "# (the vendor raked county × sex and county × age group separately).",
            "[weighting]",
            'method = "rake"',
            f"population_year = {min(L.round, 2024)}",
            "age_groups = [[18, 29], [30, 44], [45, 59], [60, 80]]",
            'margins = [["fylke", "kjonn", "aldersgruppe"]]',
            "",
        ]
    return "\n".join(lines)
