"""A small round from an unfamiliar vendor, and the same respondents in the project's own layout.

``make_vendor_round(root)`` writes ``surveys/<round>/omdomme.toml`` and an SPSS file (pyreadstat,
with value labels, variable labels and user-missing codes) with every trait of issue #13:
grids named by index (``Q2_{i}``) in the vendor's own county order, named only in the
variable labels; a refusal code 99 «Ønsker ikke å svare» (user-missing) beside «vet ikke» 8;
a reversed awareness scale (1 = «Ikke i det hele tatt»); multiple-dichotomy associations
(«Ikke nevnt»/«Nevnt», with a «vet ikke» item); age as band codes 1–6; the vendor's own
county codes for residence; sex coded 1 = kvinne, 2 = mann, 9 = «Ønsker ikke å svare».

``make_reference_round(root)`` writes the *same respondents* in the layout the project has
always read (vendor A: tokens in the names, slots for associations, refusals as
system-missing, age in years, municipality codes). Every estimate of the two rounds must be
the same: that is the test that the new paths mean what the old ones meant.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np
import polars as pl

COUNTIES = ("akershus", "oslo", "buskerud", "vestfold", "ostfold")
NAMES = {"akershus": "Akershus", "oslo": "Oslo", "buskerud": "Buskerud", "vestfold": "Vestfold",
         "ostfold": "Østfold"}
VENDOR_ORDER = ("vestfold", "ostfold", "oslo", "akershus", "buskerud")   # Q1_1 is Vestfold
TOKENS = {"ostfold": "ostf", "akershus": "aker", "oslo": "oslo", "buskerud": "busk", "vestfold": "vestf"}
KOMMUNER_2018 = {"ostfold": [101, 104, 105, 106], "akershus": [211, 213, 219, 220], "oslo": [301],
                 "buskerud": [602, 604, 605], "vestfold": [701, 704, 710], "utenfor": [1201, 5001]}
BANDS = {1: (18, 29), 2: (30, 39), 3: (40, 49), 4: (50, 59), 5: (60, 69), 6: (70, 90)}
CATEGORIES = ("steder", "sverige", "natur", "dialekt", "naeringsliv", "verdier", "kultur", "negativ", "annet")

REFUSED = "Ønsker ikke å svare"
KJENNSKAP = {1: "Svært godt", 2: "Ganske godt", 3: "Lite", 4: "Ikke i det hele tatt"}       # project order
INNTRYKK = {1: "Svært dårlig", 2: "Ganske dårlig", 3: "Verken godt eller dårlig", 4: "Ganske godt", 5: "Svært godt"}
MODERNE = {1: "Helt uenig", 2: "Ganske uenig", 3: "Verken enig eller uenig", 4: "Ganske enig", 5: "Helt enig"}


@dataclass(frozen=True)
class Truth:
    """The respondents as the project means them (harmonised codes; None = no answer)."""

    frame: pl.DataFrame


def make_truth(n: int = 500, seed: int = 13, *, outside: float = 0.05) -> pl.DataFrame:
    """One row per respondent: residence, age, sex, weight and per county the harmonised answers.

    Answers use the project's codes (kjennskap 1 = svært godt … 4, 9 = vet ikke; inntrykk and
    moderne 1 … 5, 9 = vet ikke; ``refused`` answers are -1; associations a list of category
    indexes 1–9, [99] for «vet ikke», [] for refusal/no answer). ``outside``: the share living
    outside the five counties (raking to the five counties' population needs 0).
    """
    rng = np.random.default_rng(seed)
    homes = [*COUNTIES, "utenfor"]
    inside = [0.2, 0.15, 0.1, 0.1, 0.45]   # Østfold over-represented, as with the boost
    home = rng.choice(len(homes), size=n, p=[p * (1 - outside) / sum(inside) for p in inside] + [outside])
    columns: dict[str, object] = {
        "id": np.arange(1, n + 1),
        "home": np.array([homes[h] for h in home]),
        "kommune": np.array([rng.choice(KOMMUNER_2018[homes[h]]) for h in home]),
        "age": rng.integers(18, 91, size=n),
        "sex": rng.choice(["mann", "kvinne", "refused"], size=n, p=[0.49, 0.49, 0.02]),
        "weight": np.round(rng.uniform(0.4, 2.5, size=n), 4),
    }
    for t in COUNTIES:
        columns[f"kj_{t}"] = rng.choice([1, 2, 3, 4, 9, -1], size=n, p=[0.15, 0.25, 0.25, 0.1, 0.2, 0.05])
        columns[f"inn_{t}"] = rng.choice([1, 2, 3, 4, 5, 9, -1], size=n, p=[0.05, 0.1, 0.3, 0.25, 0.15, 0.1, 0.05])
        columns[f"mod_{t}"] = rng.choice([1, 2, 3, 4, 5, 9, -1], size=n, p=[0.1, 0.15, 0.25, 0.2, 0.15, 0.1, 0.05])
        kind = rng.choice(["codes", "vet_ikke", "none"], size=n, p=[0.75, 0.15, 0.1])
        mentions = []
        for k in kind:
            if k == "codes":
                m = int(rng.integers(1, 4))
                mentions.append(sorted(int(c) for c in rng.choice(np.arange(1, 10), size=m, replace=False)))
            else:
                mentions.append([99] if k == "vet_ikke" else [])
        columns[f"assos_{t}"] = mentions
    return pl.DataFrame(columns)


# --------------------------------------------------------------------------- the project's own layout

REFERENCE_DEFINITION = """\
[survey]
kind = "omdomme"
round = {round}
title = "Referanse (testdata)"
synthetic = true

[data]
file = "omdomme-{round}.sav"

[design]
id = "respid"
weight = "vekt"

[respondent]
age = "alder"
sex = "kjonn"
sex_codes = {{ mann = 1, kvinne = 2 }}
kommune = "kommune"
code_year = 2018

[targets]
ostfold = "ostf"
akershus = "aker"
oslo = "oslo"
buskerud = "busk"
vestfold = "vestf"

[questions.kjennskap]
variable = "kj_{{target}}"
scale = [1, 2, 3, 4]
vet_ikke = [9]

[questions.inntrykk]
variable = "inntrykk_{{target}}"
scale = [1, 2, 3, 4, 5]
vet_ikke = [9]

[questions.moderne]
variable = "moderne_{{target}}"
scale = [1, 2, 3, 4, 5]
vet_ikke = [9]

[questions.assosiasjon]
variables = ["assos1_{{target}}", "assos2_{{target}}", "assos3_{{target}}"]
vet_ikke = [99]
[questions.assosiasjon.codes]
1 = "steder"
2 = "sverige"
3 = "natur"
4 = "dialekt"
5 = "naeringsliv"
6 = "verdier"
7 = "kultur"
8 = "negativ"
9 = "annet"
{common}"""

COMMON = """
[domains.alle]
label = "Alle"
[domains.innenfra]
label = "Bosatt i fylket (innenfra)"
residents = "target"
[domains.utenfra]
label = "Bosatt i andre fylker (utenfra)"
residents = "other"
[domains.unge]
label = "Unge bosatt i fylket (18–29 år)"
residents = "target"
age = [18, 29]

[indicators.vet_ikke]
question = "kjennskap"
count = "vet_ikke"
base = "all"
better = "lower"
domains = ["alle", "innenfra", "utenfra"]

[indicators.kjenner_godt]
question = "kjennskap"
count = [{kjenner_godt}]
base = "valid"
better = "higher"
domains = ["alle"]

[indicators.svaert_godt]
question = "inntrykk"
count = [5]
base = "all"
better = "higher"
domains = ["alle", "innenfra", "utenfra"]

[indicators.svaert_godt_meninger]
question = "inntrykk"
count = [5]
base = "valid"
better = "higher"
domains = ["alle", "innenfra", "utenfra"]

[indicators.moderne_ungdom]
question = "moderne"
count = [4, 5]
base = "all"
better = "higher"
domains = ["unge"]

[indicators.verdier]
question = "assosiasjon"
count = ["verdier"]
base = "all"
better = "higher"
domains = ["alle", "utenfra"]

[indicators.vet_ikke_assosiasjon]
question = "assosiasjon"
count = "vet_ikke"
base = "all"
better = "lower"
domains = ["alle"]

[ranks]
draws = 500
seed = 1
"""


def reference_frame(truth: pl.DataFrame) -> tuple[pl.DataFrame, dict, dict, dict]:
    """The project's layout: refusals become system-missing (the old workaround)."""
    cols: dict[str, object] = {
        "respid": truth["id"].to_numpy().astype(float),
        "kommune": truth["kommune"].to_numpy().astype(float),
        "alder": truth["age"].to_numpy().astype(float),
        "kjonn": np.array([{"mann": 1.0, "kvinne": 2.0}.get(s, np.nan) for s in truth["sex"]]),
        "vekt": truth["weight"].to_numpy(),
    }
    missing: dict[str, list[float]] = {}
    labels: dict[str, dict[float, str]] = {"kjonn": {1.0: "Mann", 2.0: "Kvinne"}}
    column_labels = {"respid": "Respondent", "kommune": "Bostedskommune", "alder": "Alder", "kjonn": "Kjønn",
                     "vekt": "Vekt"}
    for t in COUNTIES:
        tok = TOKENS[t]
        for src, name, scale in (("kj", "kj", KJENNSKAP), ("inn", "inntrykk", INNTRYKK), ("mod", "moderne", MODERNE)):
            v = truth[f"{src}_{t}"].to_numpy().astype(float)
            cols[f"{name}_{tok}"] = np.where(v == -1, np.nan, v)
            missing[f"{name}_{tok}"] = [9.0]
            labels[f"{name}_{tok}"] = {**{float(k): s for k, s in scale.items()}, 9.0: "Vet ikke"}
            column_labels[f"{name}_{tok}"] = f"{name} - {NAMES[t]}"
        lists = truth[f"assos_{t}"].to_list()
        for slot in range(3):
            cols[f"assos{slot + 1}_{tok}"] = np.array(
                [float(m[slot]) if len(m) > slot else np.nan for m in lists])
            missing[f"assos{slot + 1}_{tok}"] = [99.0]
            labels[f"assos{slot + 1}_{tok}"] = {6.0: "Verdier, egenskaper", 99.0: "Vet ikke"}
            column_labels[f"assos{slot + 1}_{tok}"] = f"Assosiasjon {slot + 1} - {NAMES[t]}"
    return pl.DataFrame(cols), missing, labels, column_labels


def make_reference_round(root: Path, round: int = 2026, *, truth: pl.DataFrame | None = None) -> Path:
    """The same respondents as :func:`make_vendor_round`, in the layout the project always read."""
    truth = make_truth() if truth is None else truth
    folder = root / "surveys" / str(round)
    folder.mkdir(parents=True, exist_ok=True)
    frame, missing, labels, column_labels = reference_frame(truth)
    _write(frame, folder / f"omdomme-{round}.sav", missing, labels, column_labels, "Referanse (syntetisk)")
    path = folder / "omdomme.toml"
    path.write_text(REFERENCE_DEFINITION.format(round=round, common=COMMON.format(kjenner_godt="1, 2")),
                    encoding="utf-8")
    return path


# --------------------------------------------------------------------------- the unfamiliar vendor

VENDOR_DEFINITION = """\
[survey]
kind = "omdomme"
round = {round}
title = "Leverandør 3 (testdata)"
synthetic = true

[data]
file = "vendor-{round}.sav"

[design]
id = "RESP"
weight = "VEKT"

[missing]
vet_ikke = [8]
nonresponse = [99]

[respondent]
age = "ALDGR"
age_bands = {{ "1" = [18, 29], "2" = [30, 39], "3" = [40, 49], "4" = [50, 59], "5" = [60, 69], "6" = [70, 90] }}
sex = "KJONN"
sex_codes = {{ mann = 2, kvinne = 1 }}
nonresponse = [9]
fylke = "BOSTED"
county_codes = {{ vestfold = 1, ostfold = 2, oslo = 3, akershus = 4, buskerud = 5, utenfor = 6 }}

[targets]
order = ["vestfold", "ostfold", "oslo", "akershus", "buskerud"]

[questions.kjennskap]
variable = "Q1_{{i}}"
scale = {{ 1 = "Ikke i det hele tatt", 2 = "Lite", 3 = "Ganske godt", 4 = "Svært godt" }}
direction = "ascending"

[questions.inntrykk]
variable = "Q2_{{i}}"
scale = {{ 1 = "Svært dårlig", 2 = "Ganske dårlig", 3 = "Verken godt eller dårlig", 4 = "Ganske godt", 5 = "Svært godt" }}

[questions.moderne]
variable = "Q3_{{i}}"
scale = {{ 1 = "Helt uenig", 2 = "Ganske uenig", 3 = "Verken enig eller uenig", 4 = "Ganske enig", 5 = "Helt enig" }}

[questions.assosiasjon]
counted = 1
[questions.assosiasjon.dichotomies]
steder = "Q4_{{i}}_1"
sverige = "Q4_{{i}}_2"
natur = "Q4_{{i}}_3"
dialekt = "Q4_{{i}}_4"
naeringsliv = "Q4_{{i}}_5"
verdier = "Q4_{{i}}_6"
kultur = "Q4_{{i}}_7"
negativ = "Q4_{{i}}_8"
annet = "Q4_{{i}}_9"
vet_ikke = "Q4_{{i}}_10"
{common}"""


def vendor_frame(truth: pl.DataFrame) -> tuple[pl.DataFrame, dict, dict, dict]:
    """The vendor's layout of the same respondents."""
    code_of = {c: i + 1 for i, c in enumerate(VENDOR_ORDER)} | {"utenfor": 6}
    band = np.array([next(b for b, (lo, hi) in BANDS.items() if lo <= a <= hi) for a in truth["age"]])
    cols: dict[str, object] = {
        "RESP": truth["id"].to_numpy().astype(float),
        "BOSTED": np.array([float(code_of[h]) for h in truth["home"]]),
        "ALDER": truth["age"].to_numpy().astype(float),
        "ALDGR": band.astype(float),
        "KJONN": np.array([{"mann": 2.0, "kvinne": 1.0, "refused": 9.0}[s] for s in truth["sex"]]),
        "VEKT": truth["weight"].to_numpy(),
    }
    missing: dict[str, list[float]] = {"KJONN": [9.0]}
    labels: dict[str, dict[float, str]] = {
        "KJONN": {1.0: "Kvinne", 2.0: "Mann", 9.0: REFUSED},
        "BOSTED": {float(code_of[c]): NAMES[c] for c in VENDOR_ORDER} | {6.0: "Annet fylke"},
        "ALDGR": {float(b): f"{lo}-{hi} år" for b, (lo, hi) in BANDS.items()},
    }
    column_labels = {"RESP": "Respondentnummer", "BOSTED": "Bostedsfylke", "ALDER": "Alder", "ALDGR": "Alder i grupper",
                     "KJONN": "Kjønn", "VEKT": "Vekt"}
    reverse_kj = {1: 4.0, 2: 3.0, 3: 2.0, 4: 1.0, 9: 8.0, -1: 99.0}   # 1 = «Ikke i det hele tatt»
    for i, t in enumerate(VENDOR_ORDER, start=1):
        name = NAMES[t]
        kj = truth[f"kj_{t}"].to_list()
        cols[f"Q1_{i}"] = np.array([reverse_kj[v] for v in kj])
        labels[f"Q1_{i}"] = {5.0 - k: s for k, s in KJENNSKAP.items()} | {8.0: "Vet ikke", 99.0: REFUSED}
        column_labels[f"Q1_{i}"] = f"Hvor godt kjenner du til næringslivet i - {name}"
        for q, src, scale, text in (("Q2", "inn", INNTRYKK, "Generelt inntrykk av"),
                                    ("Q3", "mod", MODERNE, "Mange moderne og innovative bedrifter i")):
            v = truth[f"{src}_{t}"].to_numpy().astype(float)
            cols[f"{q}_{i}"] = np.select([v == 9, v == -1], [8.0, 99.0], v)
            labels[f"{q}_{i}"] = {float(k): s for k, s in scale.items()} | {8.0: "Vet ikke", 99.0: REFUSED}
            column_labels[f"{q}_{i}"] = f"{text} - {name}"
        for v in ("Q1", "Q2", "Q3"):
            missing[f"{v}_{i}"] = [8.0, 99.0]
        lists = truth[f"assos_{t}"].to_list()
        for k in range(1, 11):
            code = 99 if k == 10 else k
            var = f"Q4_{i}_{k}"
            cols[var] = np.array([np.nan if not m else float(code in m) for m in lists])
            labels[var] = {0.0: "Ikke nevnt", 1.0: "Nevnt"}
            what = "Vet ikke" if k == 10 else CATEGORIES[k - 1]
            column_labels[var] = f"Hva forbinder du med {name}? - {what}"
    return pl.DataFrame(cols), missing, labels, column_labels


def make_vendor_round(root: Path, round: int = 2028, *, truth: pl.DataFrame | None = None,
                      definition: str | None = None,
                      edit: tuple[dict, dict, dict, dict] | None = None) -> Path:
    """Write the unfamiliar vendor's round; ``definition`` replaces the definition text."""
    truth = make_truth() if truth is None else truth
    folder = root / "surveys" / str(round)
    folder.mkdir(parents=True, exist_ok=True)
    frame, missing, labels, column_labels = vendor_frame(truth) if edit is None else edit
    _write(frame, folder / f"vendor-{round}.sav", missing, labels, column_labels, "Leverandør 3 (syntetisk)")
    path = folder / "omdomme.toml"
    text = definition if definition is not None else vendor_definition(round)
    path.write_text(text, encoding="utf-8")
    return path


def vendor_definition(round: int = 2028) -> str:
    """The vendor round's definition text (the reversed kjennskap scale: «godt» is 3, 4)."""
    return VENDOR_DEFINITION.format(round=round, common=COMMON.format(kjenner_godt="3, 4"))


def _write(frame: pl.DataFrame, path: Path, missing: dict, labels: dict, column_labels: dict, file_label: str) -> None:
    import pyreadstat

    pyreadstat.write_sav(
        frame.to_pandas(), str(path), file_label=file_label, missing_ranges=missing,
        variable_value_labels=labels, column_labels=[column_labels.get(c, c) for c in frame.columns],
    )
