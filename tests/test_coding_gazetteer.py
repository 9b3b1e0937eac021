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


@pytest.mark.parametrize(("text", "codes", "said"), [
    # An unknown name before a generic noun, at the start of the answer too.
    ("Tjuvstad kirke", ["steder", "kultur"], "steder: Tjuvstad (name before «kirke»)"),
    ("vi var på Brattås fort", ["steder", "kultur"], "steder: Brattås (name before «fort»)"),
    ("Kråkvik brygge", ["steder"], "steder: Kråkvik (name before «brygge»)"),
    # Joined with a hyphen, also in lower case; the generic gives the code of the thing.
    ("Kongsten-fortet", ["steder", "kultur"], "steder: Kongsten-fortet (name + «fort»)"),
    ("bading i tjuvsjø-elva", ["steder", "natur"], "steder: tjuvsjø-elva (name + «elv»)"),
    # A name the lexicon lists under culture, before a generic, is a place too.
    ("Fredriksten festning", ["steder", "kultur"], "steder: Fredriksten festning"),
    # A known place before a generic: the generic is a word of the name, not `annet`.
    ("Halden torg", ["steder"], "steder: Halden, torg"),
    ("Berg kirke", ["steder", "kultur"], "steder: Berg; kultur: kirke"),
])
def test_a_name_before_a_generic_noun_is_a_place(text: str, codes: list[str], said: str) -> None:
    got, reason = coded(text)
    assert got == codes and said in reason, reason


@pytest.mark.parametrize("text", [
    "Koselig strand",  # a character word, not a name
    "Vakker park",  # at the start of an answer an adjective, not made like a place name
    "Rent vann",
    "natur-parken",  # a word of the lexicon before the hyphen
    "det går fort",  # «fort» is «fast» here
    "Turister",
])
def test_no_name_before_a_generic_without_a_name(text: str) -> None:
    got, reason = coded(text)
    assert "steder" not in got, reason


@pytest.mark.parametrize(("text", "said"), [
    ("Tjuvputten, Halden og Fredrikstad", "Tjuvputten (name, listed with a place)"),
    ("Kråkfoten og Hvaler", "Kråkfoten (name, listed with a place)"),
    ("Fint der. Kråkfot / Moss", "Kråkfot (name, listed with a place)"),
])
def test_an_unknown_first_word_listed_with_a_place_is_a_name(text: str, said: str) -> None:
    got, reason = coded(text)
    assert got == ["steder"] and said in reason, reason


@pytest.mark.parametrize(("text", "annet"), [
    ("Bilkøer i Halden", "Bilkøer"),  # not a list
    ("Tja, Halden", "Tja"),  # an interjection
    ("Bilkøer. Halden", "Bilkøer"),  # a sentence ends between
])
def test_an_unknown_first_word_not_listed_with_a_place_stays_annet(text: str, annet: str) -> None:
    got, reason = coded(text)
    assert "annet" in got and f"annet: {annet}" in reason, reason


@pytest.mark.parametrize(("text", "read_as"), [
    ("forbinder med oestensjoes", "Østensjø (oslo)"),  # «oe» for «ø», twice, and a genitive
    ("Hoenefoss", "Hønefoss (buskerud)"),
    ("Sarrpsborgg", "Sarpsborg (ostfold)"),  # two doubled consonants
    ("Fredrikkstadd", "Fredrikstad (ostfold)"),
    ("hladen", "Halden (ostfold)"),  # two letters swapped
])
def test_misspelt_places_by_their_skeleton_or_one_edit(text: str, read_as: str) -> None:
    got, reason = coded(text)
    assert "steder" in got and f"≈ {read_as}" in reason, reason


@pytest.mark.parametrize("text", ["naboer", "vakker kystlinje"])
def test_common_words_are_no_misspelt_places_by_their_skeleton(text: str) -> None:
    got, reason = coded(text)
    assert "steder" not in got, reason


@pytest.mark.parametrize(("text", "said"), [
    ("Tjuvstad", "steder: Tjuvstad (name)"),
    ("Kråkholmen og svaberg", "steder: Kråkholmen (name)"),
])
def test_an_unknown_first_word_made_like_a_place_name_is_a_name(text: str, said: str) -> None:
    got, reason = coded(text)
    assert "steder" in got and said in reason, reason


@pytest.mark.parametrize(("text", "codes", "said"), [
    # A generic noun on its own, in a form other than its base, is the thing it names.
    ("skjæret ved Hvaler", ["steder", "natur"], "natur: skjæret"),
    ("vi var på fortet i Halden", ["steder", "kultur"], "kultur: fortet"),
    ("det går fort", ["annet"], "annet: går, fort"),  # the base form is words.csv's: «fort» is also «quickly»
    # Second elements of place names at a sentence's start: «-fjellet», «-vannet», «-sten».
    ("Rødsfjellet", ["steder"], "steder: Rødsfjellet (name)"),
    ("Maridalsvannet er fint", ["steder"], "steder: Maridalsvannet (name)"),
    ("Kongsten fort", ["steder", "kultur"], "steder: Kongsten (name before «fort»)"),
    # The lexicon's named rivers and landmarks are places too (scripts/coding_places_extra.csv).
    ("Drammenselva", ["steder", "natur"], "steder: Drammenselva"),
    ("Vigelandsparken", ["steder", "kultur"], "steder: Vigelandsparken"),
    # At a sentence's start a capital says nothing: a place needing one does not begin a compound
    # there («Kvaliteten» is no Kvål + «iteten») …
    ("Kvaliteten er god", ["annet"], "annet: Kvaliteten"),
    ("Strandlinjen", ["natur"], "natur: Strandlinjen ≈ strand"),
    # … unless a hyphen, a district word or the word for its people joins it.
    ("Moss-området", ["steder"], "steder: Moss-området ≈ Moss (ostfold)"),
    ("Feiosregionen + praktiske", ["steder", "verdier"], "steder: Feiosregionen ≈ Feios"),
    ("Bergensfolk er hyggelige", ["steder", "verdier"], "steder: Bergensfolk ≈ Bergen"),
    # Mid-sentence the capital counts as before.
    ("Hytta ved Kvålsvika", ["steder", "natur"], "steder: Kvålsvika"),
])
def test_generic_forms_place_elements_named_features_and_capitals_at_a_start(text: str, codes: list[str],
                                                                              said: str) -> None:
    got, reason = coded(text)
    assert got == codes and said in reason, reason
