"""A small, fully known reputation round built in a temporary folder.

``make_round(tmp_path)`` writes ``surveys/<round>/omdomme.toml`` (the annotated example of
docs/definitions.md) and a ``.sav`` written by pyreadstat with user-missing codes (9, 99),
so that the tests of definitions, validation, harmonising and analysis need nothing shipped.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import polars as pl

DEFINITION = """\
[survey]
kind = "omdomme"
round = {round}
title = "Omdømmeundersøkelsen {round} (testdata)"
synthetic = true
note = "Testdata."
{previous}
[data]
file = "omdomme-{round}.sav"

[design]
id = "respid"
weight = "vekt"
lonely_psu = "fail"

[respondent]
age = "alder"
sex = "kjonn"
sex_codes = {{ mann = 1, kvinne = 2 }}
sample = "utvalg"
sample_codes = {{ hoved = 1, boost = 2 }}
kommune = "kommune"
code_year = {code_year}

[targets]
ostfold = "ostf"
akershus = "aker"
oslo = "oslo"
buskerud = "busk"
vestfold = "vestf"

[questions.kjennskap]
variable = "kj_{{target}}"
wording = "Hvor godt kjenner du til næringslivet i {{county}}?"
scale = [1, 2, 3, 4]
scale_id = "kjennskap-4"
vet_ikke = [9]

[questions.inntrykk]
variable = "inntrykk_{{target}}"
scale = [1, 2, 3, 4, 5]
scale_id = "inntrykk-5"
vet_ikke = [9]

[questions.moderne]
variable = "moderne_{{target}}"
scale = [1, 2, 3, 4, 5]
scale_id = "moderne-5"
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
label = "Andel som svarer «vet ikke» om næringslivet"
question = "kjennskap"
count = "vet_ikke"
base = "all"
better = "lower"
domains = ["alle", "innenfra", "utenfra"]

[indicators.svaert_godt]
label = "Andel med svært godt inntrykk"
question = "inntrykk"
count = [5]
base = "all"
better = "higher"
domains = ["alle", "innenfra", "utenfra"]

[indicators.svaert_godt_meninger]
label = "Andel med svært godt inntrykk, blant dem som har en mening"
question = "inntrykk"
count = [5]
base = "valid"
better = "higher"
domains = ["alle", "innenfra", "utenfra"]

[indicators.moderne_ungdom]
label = "Unge som mener det finnes mange moderne og innovative bedrifter"
question = "moderne"
count = [4, 5]
base = "all"
better = "higher"
domains = ["unge"]

[indicators.verdier]
label = "Andel som forbinder fylket med verdier og egenskaper"
question = "assosiasjon"
count = ["verdier"]
base = "all"
better = "higher"
domains = ["alle", "utenfra"]

[reliability]
min_n = 30
ci_method = "logit"

[ranks]
draws = 2000
seed = 20160101
"""

TOKENS = {"ostfold": "ostf", "akershus": "aker", "oslo": "oslo", "buskerud": "busk", "vestfold": "vestf"}
# A few 2018 municipality codes per county (Klass 131, valid 2018).
KOMMUNER_2018 = {
    "ostfold": [101, 104, 105, 106],
    "akershus": [211, 213, 219, 220],
    "oslo": [301],
    "buskerud": [602, 604, 605],
    "vestfold": [701, 704, 710],
}


def make_data(n: int = 600, seed: int = 1) -> pl.DataFrame:
    """A wide respondent file like a vendor's: one row per respondent, answers per rated county."""
    rng = np.random.default_rng(seed)
    counties = list(KOMMUNER_2018)
    home = rng.choice(len(counties), size=n, p=[0.4, 0.2, 0.2, 0.1, 0.1])
    kommune = np.array([rng.choice(KOMMUNER_2018[counties[h]]) for h in home])
    columns: dict[str, object] = {
        "respid": np.arange(1, n + 1),
        "utvalg": np.where(home == 0, rng.choice([1, 2], size=n), 1),
        "kommune": kommune,
        "alder": rng.integers(18, 80, size=n),
        "kjonn": rng.choice([1, 2], size=n),
        "vekt": np.round(rng.uniform(0.5, 2.0, size=n), 4),
    }
    for k, token in enumerate(TOKENS.values()):
        columns[f"kj_{token}"] = rng.choice([1, 2, 3, 4, 9], size=n, p=[0.2, 0.3, 0.2, 0.1, 0.2])
        p5 = 0.1 + 0.04 * k
        columns[f"inntrykk_{token}"] = rng.choice(
            [1, 2, 3, 4, 5, 9], size=n, p=[0.05, 0.1, 0.3, 0.3 - p5 + 0.1, p5, 0.15]
        )
        columns[f"moderne_{token}"] = rng.choice([1, 2, 3, 4, 5, 9], size=n, p=[0.1, 0.15, 0.25, 0.2, 0.15, 0.15])
        for j in (1, 2, 3):
            a = rng.choice([1, 2, 3, 4, 5, 6, 7, 8, 9, 99], size=n)
            if j > 1:  # later associations often empty: system-missing
                a = np.where(rng.random(n) < 0.4, np.nan, a)
            columns[f"assos{j}_{token}"] = a
    return pl.DataFrame({k: np.asarray(v, dtype=float) for k, v in columns.items()})


def write_sav(data: pl.DataFrame, path: Path) -> None:
    """Write ``data`` as SPSS with value labels and the user-missing codes 9 and 99."""
    import pyreadstat

    missing: dict[str, list[float]] = {}
    labels: dict[str, dict[float, str]] = {}
    for name in data.columns:
        if name.startswith(("kj_", "inntrykk_", "moderne_")):
            missing[name] = [9.0]
            labels[name] = {1.0: "lav", 5.0: "høy", 9.0: "Vet ikke"}
        elif name.startswith("assos"):
            missing[name] = [99.0]
            labels[name] = {6.0: "Verdier, egenskaper", 99.0: "Vet ikke"}
    pyreadstat.write_sav(
        data.to_pandas(), str(path), file_label="Testdata (syntetisk)",
        missing_ranges=missing, variable_value_labels=labels,
    )


def make_round(root: Path, round: int = 2018, *, n: int = 600, seed: int = 1,
               previous: int | None = None, code_year: int | None = None,
               data: pl.DataFrame | None = None, definition: str | None = None) -> Path:
    """Write a round under ``root/surveys/<round>/`` and return the definition path."""
    folder = root / "surveys" / str(round)
    folder.mkdir(parents=True, exist_ok=True)
    frame = make_data(n, seed) if data is None else data
    write_sav(frame, folder / f"omdomme-{round}.sav")
    text = definition if definition is not None else DEFINITION.format(
        round=round, code_year=code_year or 2018,
        previous=f"previous = {previous}\n" if previous else "",
    )
    path = folder / "omdomme.toml"
    path.write_text(text, encoding="utf-8")
    return path


# --------------------------------------------------------------------------- snapshots

SNAPSHOTS = Path(__file__).resolve().parent / "snapshots"


def assert_snapshot(name: str, text: str) -> None:
    """Compare ``text`` with ``tests/snapshots/<name>.txt``.

    ``OMDOMME_UPDATE_SNAPSHOTS=1`` (re)writes the snapshot; without it a missing snapshot
    fails, so a new or changed snapshot is always a deliberate, reviewed change.
    """
    import os

    path = SNAPSHOTS / f"{name}.txt"
    if os.environ.get("OMDOMME_UPDATE_SNAPSHOTS") == "1":
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
        return
    if not path.exists():
        raise AssertionError(
            f"snapshot {path} is missing; run the tests with OMDOMME_UPDATE_SNAPSHOTS=1 to create it, "
            f"then review and commit it."
        )
    expected = path.read_text(encoding="utf-8")
    assert text == expected, f"output differs from snapshot {path} (OMDOMME_UPDATE_SNAPSHOTS=1 to update)"
