"""`omdomme draft`: a definition read off a vendor file's labels.

The promise: on every shipped round's data file, the draft, unedited, estimates exactly what
the shipped definition does (all rounds, all three vendors), with no guess left to check;
and on a well-labelled file from a vendor the project has never seen (English labels, other
codes, bands, vendor county codes, 0/1 association items) it reads what the labels say.
"""

from __future__ import annotations

import dataclasses
import shutil
import tomllib
from pathlib import Path

import polars as pl
import pytest

from omdomme.analysis.reputation import estimate_reputation
from omdomme.definitions import parse_definition
from omdomme.definitions.draft import (
    age_band,
    code_role,
    county_named,
    draft_definition,
    question_role,
    write_draft,
)
from omdomme.errors import UsageError
from omdomme.simulate import REPUTATION_ROUNDS

REPO = Path(__file__).resolve().parents[1]


def _copy_data(round: int, root: Path) -> Path:
    """The round's vendor file (and a CSV's codebook) under ``root/surveys/<round>/``, no definition."""
    source = REPO / "surveys" / str(round)
    folder = root / "surveys" / str(round)
    folder.mkdir(parents=True)
    data = None
    for path in source.iterdir():
        if path.name.startswith("omdomme-"):
            shutil.copy(path, folder / path.name)
            if not path.name.endswith(".json"):
                data = folder / path.name
    assert data is not None
    return data


@pytest.mark.parametrize("round", REPUTATION_ROUNDS)
def test_the_draft_of_every_shipped_round_estimates_what_the_shipped_definition_does(
    round: int, tmp_path: Path
) -> None:
    data_file = _copy_data(round, tmp_path)
    path, draft = write_draft(data_file, round, root=tmp_path)
    assert draft.todos == (), draft.todos  # the labels say everything: nothing to check
    assert "TODO" not in path.read_text(encoding="utf-8")
    shipped = parse_definition(REPO / "surveys" / str(round) / "omdomme.toml")
    # [weighting] (2026) is the analysts' decision to re-weight, not something the file says. The
    # draft writes the shipped breakdowns (sex, age band, sample) as the shipped rounds have them.
    shipped = dataclasses.replace(shipped, weighting=None)
    drafted = parse_definition(path)
    assert set(drafted.breakdowns) == {"kjonn", "aldersgruppe", "utvalg"}
    data, meta = drafted.read()
    expected = estimate_reputation(shipped, *shipped.read()).estimates
    got = estimate_reputation(drafted, data, meta).estimates
    plain = got.filter(pl.col("breakdown").is_null())
    assert plain.height == 60 + 10 + 200  # + kun_geografi, + the association frame
    assert got.height > plain.height
    assert got.equals(expected)


def test_a_draft_runs_through_omdomme_analyse_unedited(tmp_path: Path) -> None:
    from click.testing import CliRunner

    from omdomme.cli import main

    write_draft(_copy_data(2018, tmp_path), 2018, root=tmp_path)
    result = CliRunner().invoke(main, ["analyse", "2018", "--root", str(tmp_path), "--quiet"])
    assert result.exit_code == 0, result.output
    estimates = pl.read_csv(tmp_path / "analyses" / "2018" / "estimates.csv")
    defined = estimates.filter(~pl.col("indicator").str.starts_with("assos_"))  # the association frame comes too
    assert set(defined["indicator"]) == {"vet_ikke", "svaert_godt", "svaert_godt_meninger",
                                         "moderne_ungdom", "verdier", "kun_geografi"}


def test_draft_refuses_to_overwrite_a_definition_without_force(tmp_path: Path) -> None:
    data_file = _copy_data(2018, tmp_path)
    path, _ = write_draft(data_file, 2018, root=tmp_path)
    path.write_text("# my edits\n", encoding="utf-8")
    with pytest.raises(UsageError, match="exists; `omdomme draft` does not overwrite"):
        write_draft(data_file, 2018, root=tmp_path)
    assert path.read_text(encoding="utf-8") == "# my edits\n"
    write_draft(data_file, 2018, root=tmp_path, force=True)
    assert path.read_text(encoding="utf-8").startswith("# Drafted by `omdomme draft`")


# --------------------------------------------------------------------------- one label at a time


@pytest.mark.parametrize(
    ("label", "county"),
    [
        ("Hvor godt kjenner du til næringslivet i Østfold?", "ostfold"),
        ("Kjennskap - Ostfold", "ostfold"),
        ("Inntrykk av Østfold fylke", "ostfold"),
        ("ØSTFOLD: inntrykk", "ostfold"),
        ("Oestfold", "ostfold"),
        ("How well do you know the business sector in Buskerud?", "buskerud"),
        ("Oslos næringsliv", "oslo"),
        ("Hvilket inntrykk har du av Vestfold?", "vestfold"),
        ("Akershus", "akershus"),
        ("Oslo og Akershus", None),  # two counties: not one variable's target
        ("Oslofjorden", None),
        ("Alder", None),
        (None, None),
    ],
)
def test_county_named(label: str | None, county: str | None) -> None:
    assert county_named(label) == county


@pytest.mark.parametrize(
    ("label", "role"),
    [
        ("Hvor godt kjenner du til næringslivet i Østfold?", "kjennskap"),
        ("How well do you know the business community in Oslo?", "kjennskap"),
        ("Kjennskap til næringslivet - Akershus", "kjennskap"),
        ("How familiar are you with businesses in Vestfold?", "kjennskap"),
        ("Hvilket generelt inntrykk har du av Østfold?", "inntrykk"),
        ("What is your overall impression of Buskerud?", "inntrykk"),
        ("Det finnes mange moderne og innovative bedrifter i Østfold", "moderne"),
        ("There are many modern and innovative companies in Oslo", "moderne"),
        ("Hva forbinder du med Østfold? Kodet svar 1", "assosiasjon"),
        ("Hva tenker du på når du hører Vestfold? - Natur", "assosiasjon"),
        ("What do you associate with Akershus? - Places", "assosiasjon"),
        ("What comes to mind when you think of Oslo?", "assosiasjon"),
        ("Kjønn", None),
        ("Vekt (raket til SSBs befolkningstall)", None),
    ],
)
def test_question_role_from_the_wording(label: str, role: str | None) -> None:
    assert question_role(label) == role


@pytest.mark.parametrize(
    ("label", "role"),
    [
        ("Vet ikke", "vet_ikke"),
        ("Vet ikkje", "vet_ikke"),
        ("Don't know", "vet_ikke"),
        ("Don’t know", "vet_ikke"),
        ("DK / not sure", "vet_ikke"),
        ("Usikker", "vet_ikke"),
        ("Ønsker ikke å svare", "nonresponse"),
        ("Vil ikke svare", "nonresponse"),
        ("Refused", "nonresponse"),
        ("Prefer not to say", "nonresponse"),
        ("Ikke spurt", "nonresponse"),
        ("Svært godt", None),
        ("Ikke i det hele tatt", None),
        ("Ikke nevnt", None),
    ],
)
def test_code_role_from_the_value_label(label: str, role: str | None) -> None:
    assert code_role(label) == role


@pytest.mark.parametrize(
    ("label", "band"),
    [
        ("18-29 år", (18, 29)),
        ("18 – 29 år", (18, 29)),
        ("30 til 44 år", (30, 44)),
        ("45 to 59 years", (45, 59)),
        ("70 år og eldre", (70, 105)),
        ("70 år eller eldre", (70, 105)),
        ("60+", (60, 105)),
        ("60 and over", (60, 105)),
        ("Under 30 år", (18, 29)),
        ("Mann", None),
    ],
)
def test_age_band_from_the_value_label(label: str, band: tuple[int, int] | None) -> None:
    assert age_band(label) == band


# --------------------------------------------------------------------------- a foreign vendor

ORDER = ("oslo", "akershus", "ostfold", "buskerud", "vestfold")
NAMES = {"oslo": "Oslo", "akershus": "Akershus", "ostfold": "Ostfold", "buskerud": "Buskerud",
         "vestfold": "Vestfold"}


def _foreign_file(path: Path, *, n: int = 240, associations: str = "dichotomies") -> Path:
    """A small, well-labelled file in English from a vendor the project has never seen."""
    import numpy as np
    import pyreadstat

    rng = np.random.default_rng(7)
    columns: dict[str, object] = {
        "RESPONDENT_ID": np.arange(1, n + 1, dtype=float),
        "wgt": rng.uniform(0.4, 2.5, n),
        "Q_GENDER": rng.choice([1.0, 2.0, 3.0], n, p=[0.49, 0.49, 0.02]),
        "AGE_GRP": rng.choice([1.0, 2.0, 3.0, 4.0], n),
        "COUNTY": rng.choice([1.0, 2.0, 3.0, 4.0, 5.0, 6.0], n),
    }
    labels = {"RESPONDENT_ID": "Respondent ID", "wgt": "Weighting factor", "Q_GENDER": "Gender",
              "AGE_GRP": "Age group", "COUNTY": "County of residence"}
    value_labels: dict[str, dict[float, str]] = {
        "Q_GENDER": {1.0: "Female", 2.0: "Male", 3.0: "Prefer not to say"},
        "AGE_GRP": {1.0: "18 to 29", 2.0: "30-44", 3.0: "45-59", 4.0: "60 and over"},
        "COUNTY": {1.0: "Oslo", 2.0: "Akershus", 3.0: "Østfold fylke", 4.0: "Buskerud", 5.0: "Vestfold",
                   6.0: "Other county"},
    }
    missing: dict[str, list[float]] = {}
    scales = {
        "A1": ("How well do you know the business community in {name}?",
               {1.0: "Very well", 2.0: "Fairly well", 3.0: "Not very well", 4.0: "Not at all"}),
        "A2": ("What is your overall impression of {name}?",
               {1.0: "Very poor", 2.0: "Poor", 3.0: "Neither", 4.0: "Good", 5.0: "Very good"}),
        "A3": ("There are many modern and innovative companies in {name}",
               {1.0: "Strongly disagree", 2.0: "Disagree", 3.0: "Neither", 4.0: "Agree", 5.0: "Strongly agree"}),
    }
    for stem, (text, codes) in scales.items():
        for i, county in enumerate(ORDER, start=1):
            name = f"{stem}_{i}"
            columns[name] = rng.choice([*codes, 8.0, 9.0], n)
            labels[name] = text.format(name=NAMES[county])
            value_labels[name] = {**codes, 8.0: "Don't know", 9.0: "Refused"}
            missing[name] = [8.0, 9.0]
    frame = ["Places, towns", "Sweden, border trade", "Nature, coast", "Business and industry",
             "Values and characteristics", "Something else"]
    for i, county in enumerate(ORDER, start=1):
        if associations == "dichotomies":
            for k, item in enumerate([*frame, "Don't know"], start=1):
                name = f"A4_{i}_{k}"
                columns[name] = rng.choice([0.0, 1.0], n)
                labels[name] = f"What do you associate with {NAMES[county]}? {item}"
                value_labels[name] = {0.0: "Ikke valgt", 1.0: "Valgt"}
        else:
            for slot in (1, 2):
                name = f"A4_{slot}_{i}"
                columns[name] = rng.choice([1.0, 2.0, 5.0, 6.0, 99.0], n)
                labels[name] = f"What do you associate with {NAMES[county]}? Mention {slot}"
                value_labels[name] = {float(k): item for k, item in enumerate(frame, start=1)} | {99.0: "Don't know"}
                missing[name] = [99.0]
    pyreadstat.write_sav(pl.DataFrame(columns).to_pandas(), str(path), column_labels=labels,
                         variable_value_labels=value_labels, missing_ranges=missing)
    return path


@pytest.fixture()
def foreign(tmp_path: Path) -> tuple[dict, tuple[str, ...]]:
    draft = draft_definition(_foreign_file(tmp_path / "levering.sav"), 2028)
    return tomllib.loads(draft.text), draft.todos


def test_a_foreign_vendor_file_targets_by_position_from_the_labels(foreign: tuple[dict, tuple[str, ...]]) -> None:
    d, _ = foreign
    targets = d["targets"]
    # «Ostfold» without «ø» is Østfold; the grids are numbered in the vendor's order.
    if "order" in targets:
        assert targets["order"] == list(ORDER)
        assert d["questions"]["kjennskap"]["variable"] == "A1_{i}"
    else:
        assert targets == {c: str(i) for i, c in enumerate(ORDER, start=1)}
        assert d["questions"]["kjennskap"]["variable"] == "A1_{target}"


def test_a_foreign_vendor_file_codes_by_role_and_counts_from_the_labels(foreign: tuple[dict, tuple[str, ...]]) -> None:
    d, _ = foreign
    for role in ("kjennskap", "inntrykk", "moderne"):
        q = d["questions"][role]
        assert q["vet_ikke"] == [8] and q["nonresponse"] == [9], role
    # «Very well» is code 1 here: the awareness scale runs from the most; impression the other way.
    assert d["indicators"]["svaert_godt"]["count"] == [5]
    assert d["indicators"]["moderne_ungdom"]["count"] == [4, 5]
    assert d["indicators"]["vet_ikke"]["count"] == "vet_ikke"


def test_a_foreign_vendor_file_respondents(foreign: tuple[dict, tuple[str, ...]]) -> None:
    d, todos = foreign
    assert d["design"] == {"id": "RESPONDENT_ID", "weight": "wgt", "lonely_psu": "fail"}
    r = d["respondent"]
    assert r["sex"] == "Q_GENDER" and r["sex_codes"] == {"mann": 2, "kvinne": 1}
    assert r["nonresponse"] == [3]  # «Prefer not to say»: no answer to sex, not a silent null
    assert r["age"] == "AGE_GRP"
    assert r["age_bands"] == {"1": [18, 29], "2": [30, 44], "3": [45, 59], "4": [60, 105]}
    assert r["fylke"] == "COUNTY"
    assert r["county_codes"] == {"oslo": 1, "akershus": 2, "ostfold": 3, "buskerud": 4, "vestfold": 5,
                                 "utenfor": 6}
    # The open top band is a guess, and says so.
    assert any("open top band" in t for t in todos)


def test_a_foreign_vendor_file_multiple_dichotomy_associations(foreign: tuple[dict, tuple[str, ...]]) -> None:
    d, todos = foreign
    a = d["questions"]["assosiasjon"]
    assert a["counted"] == 1  # «Valgt»
    template = "A4_{i}_" if "order" in d["targets"] else "A4_{target}_"
    assert a["dichotomies"] == {
        "steder": f"{template}1", "sverige": f"{template}2", "natur": f"{template}3",
        "naeringsliv": f"{template}4", "verdier": f"{template}5", "annet": f"{template}6",
        "vet_ikke": f"{template}7",
    }
    assert d["indicators"]["verdier"]["count"] == ["verdier"]
    assert not any("code frame" in t for t in todos)


def test_a_foreign_vendor_file_coded_associations(tmp_path: Path) -> None:
    d = tomllib.loads(draft_definition(_foreign_file(tmp_path / "x.sav", associations="slots"), 2028).text)
    a = d["questions"]["assosiasjon"]
    token = "{i}" if "order" in d["targets"] else "{target}"
    assert a["variables"] == [f"A4_1_{token}", f"A4_2_{token}"]
    assert a["vet_ikke"] == [99]
    assert a["codes"] == {"1": "steder", "2": "sverige", "3": "natur", "4": "naeringsliv", "5": "verdier",
                          "6": "annet"}


def test_what_the_labels_do_not_say_is_a_todo(tmp_path: Path) -> None:
    import pyreadstat

    path = tmp_path / "thin.sav"
    frame = pl.DataFrame({
        "lopenr": [1.0, 2.0, 3.0], "kjonn": [1.0, 2.0, 1.0], "alder": [25.0, 40.0, 61.0],
        "kommune": ["0301", "3101", "3201"],
        **{f"k{i}": [1.0, 5.0, 7.0] for i in range(1, 3)},
    })
    pyreadstat.write_sav(frame.to_pandas(), str(path), column_labels={
        "kjonn": "Kjønn", "alder": "Alder", "kommune": "Bostedskommune",
        "k1": "Hvor godt kjenner du næringslivet i Østfold?", "k2": "Hvor godt kjenner du næringslivet i Oslo?"},
        variable_value_labels={"k1": {1.0: "Godt", 5.0: "Dårlig", 7.0: "Ingen formening"},
                               "k2": {1.0: "Godt", 5.0: "Dårlig"}}, missing_ranges={"k2": [7.0]})
    draft = draft_definition(path, 2026)
    text = "\n".join(draft.todos)
    assert "no weight variable found" in text
    assert "no variable has the value labels «Mann» and «Kvinne»" in text
    assert "do not say which end is most" in text
    assert "user-missing in the file; taken as nonresponse" not in text  # «Ingen formening» reads as «vet ikke»
    d = tomllib.loads(draft.text)
    assert d["questions"]["kjennskap"]["vet_ikke"] == [7]
    assert d["design"]["id"] == "lopenr"
    # Every TODO of the list is in the file, above the key it is about.
    for todo in draft.todos:
        assert todo.split("] ", 1)[1] in draft.text


# --------------------------------------------------------------------------- --like


def _relabelled_copy(source: Path, target: Path, old: str, new: str) -> None:
    """``source`` rewritten with one value label changed everywhere it occurs."""
    import pyreadstat

    frame, meta = pyreadstat.read_sav(str(source), user_missing=True)
    labels = {var: {code: (new if label == old else label) for code, label in codes.items()}
              for var, codes in meta.variable_value_labels.items()}
    missing = {var: [r["lo"] for r in ranges] for var, ranges in meta.missing_ranges.items()}
    pyreadstat.write_sav(frame, str(target), file_label=meta.file_label, column_labels=meta.column_labels,
                         variable_value_labels=labels, missing_ranges=missing)


def test_like_gives_a_relabelled_scale_a_new_scale_id_and_says_why(tmp_path: Path) -> None:
    previous = tmp_path / "surveys" / "2018"
    previous.mkdir(parents=True)
    for name in ("omdomme.toml", "omdomme-2018.sav"):
        shutil.copy(REPO / "surveys" / "2018" / name, previous / name)
    folder = tmp_path / "surveys" / "2020"
    folder.mkdir()
    _relabelled_copy(REPO / "surveys" / "2018" / "omdomme-2018.sav", folder / "omdomme-2020.sav",
                     "Ganske enig", "Delvis enig")
    path, draft = write_draft(folder / "omdomme-2020.sav", 2020, root=tmp_path, like=2018)
    d = tomllib.loads(path.read_text(encoding="utf-8"))
    assert d["survey"]["previous"] == 2018
    assert d["questions"]["moderne"]["scale_id"] == "moderne-5-2020"
    assert d["questions"]["inntrykk"]["scale_id"] == "inntrykk-5"  # unchanged labels: the same series
    assert ("# the scale's labels changed since 2018 (moderne_aker): «Ganske enig» → «Delvis enig»; "
            "a new scale_id, so the series of indicators counting them break") in draft.text
    # «Delvis enig» still reads as agreement: the indicator counts it, as the labels say.
    assert d["indicators"]["moderne_ungdom"]["count"] == [4, 5]


def test_labels_with_their_code_in_front_and_a_refused_age(tmp_path: Path) -> None:
    import numpy as np
    import pyreadstat

    rng = np.random.default_rng(3)
    n = 60
    age = rng.integers(18, 90, n).astype(float)
    age[:3] = 99.0  # «Ønsker ikke å svare», not 99 years
    frame = pl.DataFrame({
        "Respondent_ID": np.arange(n, dtype=float) + 1, "Kjonn": rng.choice([1.0, 2.0], n), "Alder": age,
        "Kommune": rng.choice(["0301", "3101"], n), "k1": rng.choice([1.0, 2.0], n), "k2": rng.choice([1.0, 2.0], n),
    })
    pyreadstat.write_sav(frame.to_pandas(), str(tmp_path / "f.sav"), column_labels={
        "Kjonn": "Kjønn", "Alder": "Alder", "Kommune": "Bostedskommune",
        "k1": "Kjennskap til næringslivet - Østfold", "k2": "Kjennskap til næringslivet - Oslo"},
        variable_value_labels={"Kjonn": {1.0: "1 Mann", 2.0: "2 Kvinne"}, "Alder": {99.0: "Ønsker ikke å svare"},
                               "k1": {1.0: "Svært godt", 2.0: "Ikke i det hele tatt"},
                               "k2": {1.0: "Svært godt", 2.0: "Ikke i det hele tatt"}})
    d = tomllib.loads(draft_definition(tmp_path / "f.sav", 2026).text)
    assert d["design"]["id"] == "Respondent_ID"
    assert d["respondent"]["sex_codes"] == {"mann": 1, "kvinne": 2}
    assert d["respondent"]["age"] == "Alder" and d["respondent"]["nonresponse"] == [99]
    assert d["questions"]["kjennskap"]["direction"] == "descending"


def test_age_levels_reach_every_respondent_or_say_who_is_left_out() -> None:
    from omdomme.definitions.draft._file import People
    from omdomme.definitions.draft._toml import STANDARD_AGE_LEVELS, _age_levels

    years = People(age="alder", age_range=(16, 95))
    # A new draft: the outer levels reach the youngest and the oldest, nobody is in no level.
    assert _age_levels(years, STANDARD_AGE_LEVELS, keep=False) == (
        [(16, 29), (30, 44), (45, 59), (60, 95)], [])
    # Like a previous round: its levels are kept (a series); who falls outside is a TODO.
    levels, notes = _age_levels(years, STANDARD_AGE_LEVELS, keep=True)
    assert levels == list(STANDARD_AGE_LEVELS)
    assert notes == ["TODO: respondents aged 16–17 and 81–95 are in no level (counted in the manifest)"]
    # Banded age: levels that nest the bands are used, else the bands themselves.
    nested = People(age="agegr", age_bands={1: (18, 29), 2: (30, 44), 3: (45, 59), 4: (60, 105)})
    assert _age_levels(nested, STANDARD_AGE_LEVELS, keep=False) == (
        [(18, 29), (30, 44), (45, 59), (60, 105)], [])
    across = People(age="agegr", age_bands={1: (18, 34), 2: (35, 54), 3: (55, 105)})
    levels, notes = _age_levels(across, STANDARD_AGE_LEVELS, keep=False)
    assert levels == [(18, 34), (35, 54), (55, 105)] and notes[0].startswith("TODO:")
