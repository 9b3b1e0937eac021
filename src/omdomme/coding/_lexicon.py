"""The association lexicon shipped with omdomme: place names and word lists per code.

``data/places.csv`` (name, county, kind, source) holds every municipality name since 2015
(SSB Klass 131) and every postal place (Bring's postnummerregister), each with its 2024
county key (``annet_sted`` outside the five Oslofjord counties, ``sverige`` for Swedish
border towns), plus a few districts and regions by hand; ``scripts/coding_places.py`` built
it. ``data/words.csv`` (term, code, lang) lists the words and phrases of each code of the
frame in Norwegian and English, base forms only (:func:`omdomme.coding._text.stem` finds the
inflections). ``data/SOURCES.md`` gives each list's source and licence.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from importlib import resources

import polars as pl

from omdomme.coding._text import fold, tokens

CODES = ("steder", "sverige", "natur", "dialekt", "naeringsliv", "verdier", "kultur", "negativ", "annet")
VET_IKKE = "vet_ikke"
OTHER_PLACE = "annet_sted"
SWEDEN = "sverige"


@dataclass(frozen=True)
class Lexicon:
    """The lexicon as lookup tables, keyed the way :func:`~omdomme.coding.propose_codes` matches.

    Attributes
    ----------
    words
        ``term, code, lang, n`` (words in the term), ``key`` (stems joined by a space),
        ``full`` (folded words joined by a space).
    places
        ``name, county, kind, source, n, key`` (folded words joined by a space),
        ``needs_capital`` (bool: counts only when written with a capital letter).
    stopwords
        Folded function words (``data/stopwords.txt``): never a reason for ``annet``.
    """

    words: pl.DataFrame
    places: pl.DataFrame
    stopwords: pl.Series


def _keys(terms: pl.Series) -> pl.DataFrame:
    t = tokens(terms)
    return t.group_by("row", maintain_order=True).agg(
        pl.len().alias("n"),
        pl.col("stem").str.join(" ").alias("key"),
        pl.col("fold").str.join(" ").alias("full"),
    )


def _read_csv(name: str) -> pl.DataFrame:
    path = resources.files("omdomme.coding").joinpath("data", name)
    with path.open("rb") as f:
        return pl.read_csv(f.read(), comment_prefix="#", infer_schema=False)


def _read_lines(name: str) -> list[str]:
    path = resources.files("omdomme.coding").joinpath("data", name)
    text = path.read_text(encoding="utf-8")
    return [line.strip() for line in text.splitlines() if line.strip() and not line.startswith("#")]


@functools.cache
def load_lexicon() -> Lexicon:
    """The shipped lexicon (read once per process).

    Examples
    --------
    >>> lex = load_lexicon()
    >>> lex.places.filter(pl.col("name") == "Grålum").select("county", "key").row(0)
    ('ostfold', 'gralum')
    >>> sorted(set(lex.words["code"])) == sorted((*CODES[:8], VET_IKKE))
    True
    """
    words = _read_csv("words.csv").filter(pl.col("term").is_not_null() & pl.col("code").is_not_null())
    unknown = set(words["code"]) - set(CODES) - {VET_IKKE}
    if unknown:  # a packaging error, not a user's
        raise ValueError(f"omdomme/coding/data/words.csv: unknown codes {sorted(unknown)}")
    words = pl.concat([words, _keys(words["term"]).drop("row")], how="horizontal")
    places = _read_csv("places.csv")
    ambiguous_keys = pl.select(fold(pl.lit(pl.Series(_read_lines("ambiguous_places.txt"))))).to_series()
    places = pl.concat([places, _keys(places["name"]).select("n", pl.col("full").alias("key"))], how="horizontal")
    places = places.with_columns(
        needs_capital=(pl.col("county") == OTHER_PLACE) | pl.col("key").is_in(ambiguous_keys.implode())
    ).filter(
        # Outside the five counties, names of three letters or fewer («Bø», «Os», «Vik») say more
        # often something else than the place; they are left out.
        ~((pl.col("county") == OTHER_PLACE) & (pl.col("key").str.len_chars() <= 3))
    )
    # A Swedish border town that shares its name with a Norwegian place («Nordby», the shopping
    # centre at Svinesund, and Nordby in Ås) is read as the border town.
    swedish = places.filter(pl.col("county") == SWEDEN)["key"].implode()
    places = places.filter((pl.col("county") == SWEDEN) | ~pl.col("key").is_in(swedish))
    stopwords = pl.select(fold(pl.lit(pl.Series(_read_lines("stopwords.txt"), dtype=pl.String)))).to_series().unique().sort()
    return Lexicon(words=words, places=places, stopwords=stopwords)
