"""How the coder reads words it has never seen: by their form, by what they are said of, by context.

Every character word below is in neither the lexicon (``words.csv``) nor either generator of
``studies/coding_quality.py``: the tests show the mechanisms, not the word lists.
"""

from __future__ import annotations

import polars as pl
import pytest

from omdomme.coding import load_lexicon, propose_codes
from omdomme.coding._lexicon import adjective_forms
from omdomme.coding._text import fold, stem, tokens


def codes_of(text: str) -> list[str]:
    return propose_codes([text])["codes"].item().to_list()


@pytest.mark.parametrize("word", ["pliktbevisste", "tjenestevillige", "kundeorienterte", "framtidsglade",
                                  "tankefulle", "kontaktsøkende", "arbeidsglade", "oppmerksomme", "resourceful",
                                  "courageous", "approachable", "goodhearted"])
def test_unlisted_words_are_character_words_by_their_form(word: str) -> None:
    lex = load_lexicon()
    key = pl.select(stem(fold(pl.lit(word)))).item()
    assert key not in lex.words["key"].to_list()  # the point: no list knows the word
    assert codes_of(word) == ["verdier"]
    assert propose_codes([word])["reason"].item().startswith(f"verdier: {word}")


@pytest.mark.parametrize("word", ["ansvarsløse", "hjerteløse", "gnålete", "tjatrete", "uoppmerksomme", "unapproachable"])
def test_negations_and_pejorative_endings_are_negative(word: str) -> None:
    assert codes_of(word) == ["negativ"]


@pytest.mark.parametrize(("text", "codes"), [
    ("konserter", ["kultur"]),          # ends like a participle in -ert, is none
    ("årlige", ["annet"]),              # -lig of time, not of character (nor «ærlige» misspelt)
    ("nyheter", ["annet"]),             # -het of news, not of quality
    ("hverdagsliv", ["annet"]),         # -liv is life, not -iv
    ("ungdommelige", ["verdier"]),      # not u- + «ngdommelig»
    ("regnfulle", ["annet"]),           # weather, not character
    ("kinesiske folk", ["annet"]),      # who people are, not what they are like
])
def test_words_that_only_end_like_character_words(text: str, codes: list[str]) -> None:
    assert codes_of(text) == codes


@pytest.mark.parametrize(("text", "codes"), [
    ("trauste folk", ["verdier"]),
    ("staute mennesker", ["verdier"]),
    ("folk er trauste", ["verdier"]),
    ("de som bor der virker litt staute", ["verdier"]),
    ("trusty people", ["verdier"]),
    ("måten folk prater på", ["annet"]),    # a noun before «folk» is not said of them
    ("trauste, folk", ["annet"]),           # punctuation between
])
def test_unknown_words_said_of_people_are_values(text: str, codes: list[str]) -> None:
    assert codes_of(text) == codes


@pytest.mark.parametrize(("text", "codes"), [
    ("hemmelighetsfulle skoger", ["natur"]),          # said of the forest, by form
    ("hemmelighetsfulle, skoger", ["natur", "verdier"]),
    ("kundeorienterte bedrifter", ["naeringsliv", "verdier"]),   # firms keep it
])
def test_a_character_word_before_a_thing_describes_the_thing(text: str, codes: list[str]) -> None:
    assert codes_of(text) == codes


def test_adjectives_are_listed_once_and_matched_in_all_forms() -> None:
    assert adjective_forms("beskjeden") == ["beskjeden", "beskjedent", "beskjedne"]
    for text in ("beskjedne folk", "et beskjedent folk", "snilt", "ærligst", "åpne"):
        assert codes_of(text) == ["verdier"], text


def test_intensifiers_and_negation_keep_the_code() -> None:
    for text in ("veldig tankefulle", "ikke så snobbete", "utrolig tankefulle", "not very approachable"):
        assert "annet" not in codes_of(text), text


@pytest.mark.parametrize(("text", "codes"), [
    ("i alna", ["steder"]),                     # a name that needs a capital, after «i»
    ("alna sentrum", ["steder"]),               # and before «sentrum» (which belongs to it)
    ("alna", ["annet"]),                        # alone in lower case: a river, a word
    ("i skogen", ["natur"]),                    # a word of the lexicon stays one
    ("Nordre Akerregionen", ["steder"]),        # district word on a name of two words
    ("Bønregionen", ["steder"]),
    ("Øste nsjø", ["steder"]),                  # a name split in two
    ("Lauvstadregionen", ["steder"]),
    ("helleland", ["steder"]),                  # outside the five counties, lower case, made like a name
    ("brekkestø", ["annet"]),                   # not made like one: needs its capital
    ("Brekkestø", ["steder"]),
])
def test_places_by_context_district_words_and_split_words(text: str, codes: list[str]) -> None:
    assert codes_of(text) == codes


def test_tokens_know_where_punctuation_breaks_a_phrase() -> None:
    t = tokens(pl.Series(["ærlige folk, hyggelige\nmennesker", "stå- på-vilje"]))
    assert t["brk"].to_list() == [False, True, True, True, False, True]


@pytest.mark.parametrize(("text", "named"), [
    ("hytta ved Tjuvputten", "Tjuvputten"),              # a pond the lexicon does not know
    ("ferie på Kvernholmen og fine folk", "Kvernholmen"),  # an island, beside another code
    ("turer langs Grisleelva", "Grisleelva"),
])
def test_a_capitalised_unknown_word_inside_a_sentence_is_a_name(text: str, named: str) -> None:
    out = propose_codes([text])
    assert "steder" in out["codes"][0] and f"{named} (name)" in out["reason"][0]


@pytest.mark.parametrize("text", [
    "Brekkevatnet",                          # the first word: every answer may begin with a capital
    "fint der. Trafikkorkanen er verst",     # a new sentence
    "BRAKKELIGGERE",                         # capitals only: emphasis, not a name
])
def test_a_capital_where_a_sentence_begins_says_nothing(text: str) -> None:
    out = propose_codes([text])
    assert "(name)" not in (out["reason"][0] or "")
