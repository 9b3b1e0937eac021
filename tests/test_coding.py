"""The association lexicon and the coder: what an analyst relies on when checking proposals."""

from __future__ import annotations

import csv
from importlib import resources
from pathlib import Path

import polars as pl
import pytest

from omdomme.coding import CODES, agreement, fold, load_lexicon, propose_codes, stem

ROOT = Path(__file__).resolve().parents[1]


def codes_of(*texts: str | None, frame: tuple[str, ...] = CODES) -> list[list[str]]:
    return propose_codes(list(texts), frame)["codes"].to_list()


def test_fold_gives_one_form_to_aeoeaa_and_their_ascii_spellings() -> None:
    folded = pl.select(fold(pl.Series(["Grålum", "Graalum", "GRALUM", "Ærlige", "aerlige", "Østfold", "Ostfold"]))).to_series()
    assert folded.to_list() == ["gralum", "gralum", "gralum", "aerlige", "aerlige", "ostfold", "ostfold"]


@pytest.mark.parametrize(("words", "common"), [
    (["ærlig", "ærlige", "ærlighet"], "aerlig"),
    (["svensk", "svenske", "svenskene", "svensker"], "svensk"),
    (["kyst", "kysten", "kystene"], "kyst"),
    (["arbeidsom", "arbeidsomme"], "arbeidsom"),
    (["festning", "festningen", "festningene"], "festning"),
])
def test_stem_joins_inflections(words: list[str], common: str) -> None:
    stems = pl.select(stem(fold(pl.Series(words)))).to_series().unique().to_list()
    assert stems == [common]


def test_every_oslofjord_kommune_name_since_2015_is_a_place_of_its_2024_county() -> None:
    crosswalk = ROOT / "src/omdomme/data/kommune_to_2024_crosswalk_2015_2024.csv"
    county = {"31": "ostfold", "32": "akershus", "03": "oslo", "33": "buskerud", "39": "vestfold"}
    places = load_lexicon().places
    with crosswalk.open(encoding="utf-8") as f:
        expected = {(r["name"].split(" (")[0], county[r["fylke_2024"]]) for r in csv.DictReader(f) if r["fylke_2024"] in county}
    have = set(places.select("name", "county").iter_rows())
    assert expected - have == set()
    assert ("Rømskog", "akershus") in have  # moved from Østfold to Akershus in 2020
    assert ("Svelvik", "buskerud") in have  # moved from Vestfold to Buskerud in 2020


@pytest.mark.parametrize(("text", "codes"), [
    ("Halden og Sarpsborg", ["steder"]),
    ("Mysen, Askim, Rygge", ["steder"]),            # postal places and an old kommune
    ("Grålum", ["steder"]),
    ("Gralum", ["steder"]),                         # å written as a
    ("Fredrikstads gamlebyen", ["steder"]),         # genitive -s
    ("Sarpsborgfolk", ["steder"]),                  # place name inside a compound
    ("haldensere er greie", ["steder", "verdier"]),
    ("Fredrikstd", ["steder"]),                     # one letter missing
    ("Sarpsbrog", ["steder"]),                      # two letters swapped
    ("Bergen", ["steder"]),                         # a place in another county
    ("Harry-handel i Strömstad", ["sverige"]),
    ("Svinesund og Nordby", ["sverige"]),
    ("harry folk", ["negativ"]),                    # the phrase, not border trade
    ("skjærgården og kysten", ["natur"]),
    ("skarre-r", ["dialekt"]),
    ("industrien og Borregaard", ["naeringsliv"]),
    ("skogindustri", ["naeringsliv"]),              # a term at the end of a compound
    ("Ærlige, driftige og gjestfrie folk", ["verdier"]),
    ("innovative bedrifter", ["naeringsliv", "verdier"]),
    ("jordnære mennesker", ["verdier"]),
    ("Fredriksten festning", ["steder", "kultur"]),  # a name before a generic noun names a place
    ("kjedelig og grått", ["negativ"]),
    ("friendly people and beautiful beaches", ["natur", "verdier"]),
    ("cross-border shopping", ["sverige"]),
    ("HVALER", ["steder"]),
    ("bompenger", ["negativ"]),
    ("E18 og Halden", ["steder", "annet"]),          # a word the lexicon does not know
    ("noe helt annet", ["annet"]),
])
def test_proposals(text: str, codes: list[str]) -> None:
    assert codes_of(text) == [codes]


def test_place_names_that_are_common_words_need_a_capital() -> None:
    assert codes_of("Moss", "Skogen ved Moss", "Ski") == [["steder"], ["steder", "natur"], ["steder"]]
    lower = propose_codes(["moss og skog", "ski og fjell"])
    assert not lower["codes"].list.contains("steder").any()
    assert lower["reason"].to_list() == ["annet: moss; natur: skog", "annet: ski; natur: fjell"]


@pytest.mark.parametrize("text", ["vet ikke", "Vet ikke.", "husker ikke", "ingenting", "Ingenting spesielt",
                                  "don't know", "nothing", "", "  - ", None])
def test_vet_ikke_and_nothing_said(text: str | None) -> None:
    out = propose_codes([text])
    assert out["codes"].to_list() == [[]]
    assert out["vet_ikke"].to_list() == [True]


def test_vet_ikke_words_beside_a_code_give_the_code() -> None:
    out = propose_codes(["vet ikke, kanskje Halden"])
    assert out.select("codes", "vet_ikke").rows() == [(["steder"], False)]


def test_reason_names_the_words_and_what_a_misspelt_word_was_read_as() -> None:
    out = propose_codes(["Fredrikstd og ærlige folk"])
    assert out["reason"].item() == "steder: Fredrikstd ≈ Fredrikstad (ostfold); verdier: ærlige"


def test_codes_outside_the_frame_become_annet_or_are_left_out() -> None:
    assert codes_of("dialekten og Halden", frame=("steder", "annet")) == [["steder", "annet"]]
    assert codes_of("dialekten og Halden", frame=("steder",)) == [["steder"]]


def test_row_order_and_one_row_per_answer() -> None:
    texts = ["Halden", None, "vet ikke", "natur", "Halden"]
    out = propose_codes(texts)
    assert out["row"].to_list() == [0, 1, 2, 3, 4]
    assert out["text"].to_list() == texts
    assert codes_of("natur", "Halden") == propose_codes(["natur", "Halden"])["codes"].to_list()


def test_agreement_and_kappa_by_hand() -> None:
    a = pl.DataFrame({"codes": [["steder"], ["steder", "natur"], [], ["natur"], ["steder"]],
                      "vet_ikke": [False, False, True, False, False]})
    b = pl.DataFrame({"codes": [["steder"], ["natur"], [], ["natur"], []],
                      "vet_ikke": [False, False, True, False, True]})
    out = {r["code"]: r for r in agreement(a, b, ["steder", "natur"]).iter_rows(named=True)}
    # steder: a = 1 1 0 0 1, b = 1 0 0 0 0 -> po = 3/5, pa = 3/5, pb = 1/5, pe = 3/25 + 8/25 = 11/25
    assert out["steder"]["agree"] == pytest.approx(0.6)
    assert out["steder"]["kappa"] == pytest.approx((0.6 - 11 / 25) / (1 - 11 / 25))
    assert out["natur"]["agree"] == 1.0 and out["natur"]["kappa"] == 1.0
    assert (out["vet_ikke"]["both"], out["vet_ikke"]["only_b"]) == (1, 1)


def test_agreement_kappa_is_null_when_undefined() -> None:
    a = pl.DataFrame({"codes": [["steder"], ["steder"]], "vet_ikke": [False, False]})
    out = agreement(a, a, ["steder"])
    assert out.filter(code="steder")["kappa"].item() is None
    assert out.filter(code="steder")["agree"].item() == 1.0


def test_sources_document_every_data_file() -> None:
    folder = resources.files("omdomme.coding").joinpath("data")
    sources = folder.joinpath("SOURCES.md").read_text(encoding="utf-8")
    for entry in folder.iterdir():
        if entry.name != "SOURCES.md" and not entry.name.startswith("."):
            assert f"`{entry.name}`" in sources, entry.name
