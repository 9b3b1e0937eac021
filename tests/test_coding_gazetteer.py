"""Kartverket's gazetteer in the lexicon, and names before a generic noun of place names."""

from __future__ import annotations

import polars as pl
import pytest

from omdomme.coding import load_lexicon, propose_codes


def coded(text: str) -> tuple[list[str], str]:
    out = propose_codes([text])
    return out["codes"][0].to_list(), out["reason"][0]


def test_gazetteer_names_have_their_kind_and_the_county_of_their_municipality() -> None:
    places = load_lexicon().places.filter(pl.col("source") == "kartverket_n1000")
    rows = {(r["name"], r["county"]): r["kind"] for r in places.iter_rows(named=True)}
    assert rows[("Rømsjøen", "akershus")] == "innsjø"
    assert rows[("Glomma", "ostfold")] == "elv" and rows[("Glomma", "akershus")] == "elv"
    assert rows[("Tunøya", "ostfold")] == "øy"
    assert rows[("Drammensfjorden", "buskerud")] == "fjord"
    # «Strømtangen fyr» is kept as its name; the generic is read by the coder.
    assert rows[("Strømtangen", "ostfold")] == "fyr"
    assert not places["name"].str.ends_with(" kirke").any()


@pytest.mark.parametrize(("text", "codes", "said"), [
    ("bading i rømsjøen", ["steder", "natur"], "steder: rømsjøen"),
    ("hytte ved Rødungen", ["steder", "natur"], "steder: Rødungen"),
    ("Drammensfjorden og båtliv", ["steder", "natur"], "steder: Drammensfjorden"),
])
def test_lakes_rivers_and_fjords_of_the_gazetteer_are_places(text: str, codes: list[str], said: str) -> None:
    got, reason = coded(text)
    assert got == codes and said in reason


def test_a_named_river_the_lexicon_lists_as_nature_is_a_place_and_nature() -> None:
    assert coded("Glomma") == (["steder", "natur"], "natur: Glomma; steder: Glomma")


@pytest.mark.parametrize("text", ["skoger og fjell", "berg og dal", "lange strender"])
def test_gazetteer_names_that_are_common_words_need_a_capital(text: str) -> None:
    got, _ = coded(text)
    assert "steder" not in got


def test_a_common_word_is_no_misspelt_gazetteer_name() -> None:
    # «venner» is one letter from the lighthouse «Svenner», «VENNER» is emphasis.
    assert coded("venner") == (["annet"], "annet: venner")
    assert coded("FØRST OG FREMST VENNER")[0] == ["annet"]
