"""Round definitions (``omdomme.toml``, ``innovasjon.toml``) of the synthetic rounds, as TOML text.

They follow docs/definitions.md section by section; the indicators and domains come from
:mod:`omdomme.simulate.truth`, the same objects the truth files are computed from.
"""

from __future__ import annotations

import json

from omdomme.simulate._shared import ASSOCIATION_CODES
from omdomme.simulate.places import COUNTIES
from omdomme.simulate.truth import DOMAINS, INNOVATION_INDICATORS, REPUTATION_INDICATORS
from omdomme.simulate.vendors import ReputationLayout

__all__ = ["REWEIGHTED_ROUNDS", "innovation_definition", "reputation_definition"]

# Rounds whose definition re-weights (post-stratifies the vendor weight to the full
# county × sex × age group cross, which the vendor raked only margin by margin), so that the
# shipped data exercise `[weighting]`, `omdomme weight` and the calibration-aware variance.
REWEIGHTED_ROUNDS = (2026,)


def _q(value: object) -> str:
    # TOML basic strings and arrays share JSON's syntax for the values used here.
    return json.dumps(value, ensure_ascii=False)


def _inline(table: dict[str, int]) -> str:
    return "{ " + ", ".join(f"{k} = {v}" for k, v in table.items()) + " }"



def indicator_lines() -> list[str]:
    """The ``[indicators.<id>]`` sections of the shipped reputation definitions (every vendor's)."""
    lines: list[str] = []
    for ind in REPUTATION_INDICATORS:
        if isinstance(ind.count, dict):
            count = "{ " + ", ".join(f"{k} = {_q(list(v))}" for k, v in ind.count.items()) + " }"
        else:
            count = _q(ind.count) if isinstance(ind.count, str) else _q(list(ind.count))
        lines += [
            "",
            f"[indicators.{ind.id}]",
            f"label = {_q(ind.label)}",
            f"label_en = {_q(ind.label_en)}",
            f"question = {_q(ind.question)}",
            f"count = {count}",
            f"base = {_q(ind.base)}",
            f"better = {_q(ind.better)}",
            f"domains = {_q(list(ind.domains))}",
        ]
    return lines


# The analyst's breakdowns (docs/definitions.md): every indicator of «alle» by sex, age band, sample.
BREAKDOWN_LINES = [
    "",
    "[breakdowns.kjonn]",
    'label = "Kjønn"',
    'label_en = "Sex"',
    'by = "sex"',
    'labels_en = { mann = "Man", kvinne = "Woman" }',
    "",
    "[breakdowns.aldersgruppe]",
    'label = "Alder"',
    'label_en = "Age"',
    'by = "age"',
    "levels = { 18-29 = [18, 29], 30-44 = [30, 44], 45-59 = [45, 59], 60-80 = [60, 80] }",
    "",
    "[breakdowns.utvalg]",
    'label = "Utvalg"',
    'label_en = "Sample"',
    'by = "sample"',
    'labels_en = { hoved = "Main sample (web panel)", boost = "Østfold boost sample" }',
]


# The innovation survey's breakdowns: every indicator by næring (one level per industry group, labels
# from the file), size class (one level per code) and SSB's published bands of employees.
INNOVATION_BREAKDOWN_LINES = [
    "",
    "[breakdowns.naering]",
    'label = "Næring"',
    'label_en = "Industry"',
    'by = "industry"',
    "levels = { industri = [1], bygg_anlegg = [2], varehandel = [3], transport = [4], ikt = [5], "
    "faglig = [6], andre = [7] }",
    'labels_en = { industri = "Manufacturing", bygg_anlegg = "Construction", varehandel = "Wholesale and retail '
    'trade", transport = "Transportation and storage", ikt = "Information and communication", faglig = '
    '"Professional, scientific and technical activities", andre = "Other industries" }',
    "",
    "[breakdowns.storrelse]",
    'label = "Størrelse"',
    'label_en = "Size class"',
    'by = "size_class"',
    'labels_en = { 1 = "10–19 employees", 2 = "20–49 employees", 3 = "50–99 employees", 4 = "100–199 employees", '
    '5 = "200–499 employees", 6 = "500 employees or more" }',
    "",
    "[breakdowns.ansatte]",
    'label = "Sysselsatte"',
    'label_en = "Employees"',
    'by = "employees"',
    'levels = { 10-19 = [10, 19], 20-49 = [20, 49], 50-99 = [50, 99], "100+" = [100, inf] }',
    'labels_en = { 10-19 = "10–19 employees", 20-49 = "20–49 employees", 50-99 = "50–99 employees", '
    '"100+" = "100 employees or more" }',
]


def reputation_definition(layout: ReputationLayout, *, previous: int | None, seed: int) -> str:
    """The ``omdomme.toml`` of a synthetic reputation round.

    Examples
    --------
    >>> import tomllib
    >>> from omdomme.simulate.vendors import reputation_layout
    >>> d = tomllib.loads(reputation_definition(reputation_layout(2020), previous=2018, seed=1))
    >>> d["questions"]["kjennskap"]["variable"], d["questions"]["kjennskap"]["vet_ikke"]
    ('q3_{target}', [99])
    """
    L = layout
    lines = [
        "# Synthetic round made by `omdomme simulate` (see surveys/README.md); not real answers.",
        f"# Vendor {L.vendor} layout.",
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
    lines += ["", "[data]", f"file = {_q(L.file_name)}"]
    if L.file_format == "csv":
        lines += [
            'delimiter = ";"',
            'decimal = ","',
            'encoding = "windows-1252"',
            f"codebook = {_q(f'omdomme-{L.round}.codebook.json')}",
        ]
    lines += [
        "",
        "[design]",
        f"id = {_q(L.id)}",
        f"weight = {_q(L.weight)}",
        'lonely_psu = "fail"',
        "",
        "[respondent]",
        f"age = {_q(L.age)}",
        f"sex = {_q(L.sex)}",
        f"sex_codes = {_inline(L.sex_codes)}",
        f"sample = {_q(L.sample)}",
        f"sample_codes = {_inline(L.sample_codes)}",
        f"kommune = {_q(L.kommune)}",
        f"code_year = {L.round}",
        "",
        "[targets]",
        *(f"{t} = {_q(L.tokens[t])}" for t in ("ostfold", "akershus", "oslo", "buskerud", "vestfold")),
        "",
        "[questions.kjennskap]",
        f"variable = {_q(L.kjennskap)}",
        'wording = "Hvor godt kjenner du til næringslivet i {county}?"',
        "scale = [1, 2, 3, 4]",
        'scale_id = "kjennskap-4"',
        f"vet_ikke = [{L.vet_ikke_scale}]",
        "",
        "[questions.inntrykk]",
        f"variable = {_q(L.inntrykk)}",
        'wording = "Hvilket generelt inntrykk har du av {county}?"',
        "scale = [1, 2, 3, 4, 5]",
        'scale_id = "inntrykk-5"',
        f"vet_ikke = [{L.vet_ikke_scale}]",
        "",
        "[questions.moderne]",
        f"variable = {_q(L.moderne)}",
        'wording = "Det finnes mange moderne og innovative bedrifter i {county}"',
        "scale = [1, 2, 3, 4, 5]",
        'scale_id = "moderne-5"',
        f"vet_ikke = [{L.vet_ikke_scale}]",
        "",
        "[questions.assosiasjon]",
        f"variables = {_q(list(L.assos))}",
        f"text = {_q(L.text)}",
        f"vet_ikke = [{L.vet_ikke_assoc}]",
        "[questions.assosiasjon.codes]",
        *(f"{code} = {_q(cat)}" for code, cat in ASSOCIATION_CODES.items()),
    ]
    for domain_id, (label, residents, age, label_en) in DOMAINS.items():
        lines += ["", f"[domains.{domain_id}]", f"label = {_q(label)}", f"label_en = {_q(label_en)}"]
        if residents is not None:
            lines.append(f"residents = {_q(residents)}")
        if age is not None:
            lines.append(f"age = [{age[0]}, {age[1]}]")
    lines += indicator_lines()
    lines += BREAKDOWN_LINES
    lines += [
        "",
        "[reliability]",
        "min_n = 30",
        'ci_method = "logit"',
        "",
        "[ranks]",
        "draws = 10000",
        f"seed = {L.round}0101",
        "",
    ]
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
    assert set(L.tokens) == set(COUNTIES)
    return "\n".join(lines)


def innovation_definition(round: int, file_name: str, *, seed: int) -> str:
    """The ``innovasjon.toml`` of a synthetic innovation round.

    Examples
    --------
    >>> import tomllib
    >>> d = tomllib.loads(innovation_definition(2018, "innovasjon-2018.sav", seed=1))
    >>> d["design"]["fpc"], d["indicators"]["fou_per_ansatt"]["kind"]
    ('N_stratum', 'ratio')
    """
    lines = [
        "# Synthetic round made by `omdomme simulate` (see surveys/README.md); not real firms.",
        "",
        "[survey]",
        'kind = "innovasjon"',
        f"round = {round}",
        f'period = "{round - 2}–{round}"',
        f'title = "Innovasjonsundersøkelsen {round}"',
        "synthetic = true",
        f'note = "Syntetiske data laget av `omdomme simulate` (frø {seed}); ikke ekte foretak."',
        "",
        "[data]",
        f"file = {_q(file_name)}",
        "",
        "[design]",
        'id = "orgnr"',
        'weight = "vekt"',
        'strata = "stratum"',
        'fpc = "N_stratum"',
        'lonely_psu = "fail"',
        "",
        "[firm]",
        'kommune = "kommune"',
        f"code_year = {round}",
        'employees = "ansatte"',
        'industry = "nace"',
        'size_class = "storrelse"',
    ]
    for ind in INNOVATION_INDICATORS:
        lines += ["", f"[indicators.{ind.id}]", f"label = {_q(ind.label)}", f"label_en = {_q(ind.label_en)}",
                  f"kind = {_q(ind.kind)}"]
        if ind.variable is not None:
            lines.append(f"variable = {_q(ind.variable)}")
        if ind.count is not None:
            lines.append(f"count = {_q(list(ind.count))}")
        if ind.numerator is not None:
            lines += [f"numerator = {_q(ind.numerator)}", f"denominator = {_q(ind.denominator)}"]
        lines += [f"better = {_q(ind.better)}", f"unit = {_q(ind.unit)}"]
    lines += INNOVATION_BREAKDOWN_LINES
    lines += [
        "",
        "[goal]",
        'indicator = "innovasjonsaktivitet"',
        "baseline = 2016",
        "factor = 2.0",
        "",
        "[disclosure]",
        "min_firms = 3",
        "dominance_n = 2",
        "dominance_k = 0.85",
        "",
    ]
    return "\n".join(lines)
