"""The association lexicon shipped with omdomme: place names and word lists per code.

``data/places.csv`` (name, county, kind, source) holds every municipality name since 2015
(SSB Klass 131), every postal place (Bring's postnummerregister) and the names of Kartverket's
N1000 map that people name as places (settlements, lakes, rivers, fjords, islands, mountains,
churches, sights; ``kind`` says which), each with its 2024 county key (``annet_sted`` outside
the five Oslofjord counties, ``sverige`` for Swedish border towns), plus a few districts and
regions by hand; ``scripts/coding_places.py`` built it. ``data/generics.csv`` lists the generic
nouns of place names («kirke», «festning», «elva», «brygge»). ``data/words.csv`` (term, code, lang, pos) lists the words and phrases of each code of the
frame in Norwegian and English, base forms only (:func:`omdomme.coding._text.stem` finds the
inflections; an adjective, ``pos = adj``, also gets the forms the stemmer cannot join, see
:func:`adjective_forms`). ``data/forms.csv`` lists the endings that make an unknown word a
character word by its form (``-ig``, ``-som``, ``-ende``, ``-vennlig``, ``-ful``, …).
``data/SOURCES.md`` gives each list's source and licence.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from importlib import resources

import polars as pl

from omdomme.coding._text import fold, stem, tokens

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
        ``term, code, lang, pos`` (``adj`` for an adjective), ``generated`` (a form made by
        :func:`adjective_forms`, not in ``words.csv``), ``n`` (words in the term), ``key``
        (stems joined by a space), ``full`` (folded words joined by a space).
    places
        ``name, county, kind, source, n, key`` (folded words joined by a space),
        ``needs_capital`` (bool: counts only when written with a capital letter).
    stopwords
        Folded function words (``data/stopwords.txt``): never a reason for ``annet``.
    forms
        ``form, kind, code, min_stem`` (``data/forms.csv``): endings (``kind = suffix``) and
        negations (``prefix``) that make a word a character word by its form, and words
        (``word``) that end so but are none.
    generics
        ``term, code, form`` (``data/generics.csv``, one row per folded form): the generic
        nouns of place names («kirke», «festning», «elva», «brygge»); a name stands before one.
    """

    words: pl.DataFrame
    places: pl.DataFrame
    stopwords: pl.Series
    forms: pl.DataFrame
    generics: pl.DataFrame


_VOWELS = "aeiouyæøå"
# Second elements of Norwegian place names (folded), after at least three letters: a word so made
# is a name even in lower case («bjelland», «rugsund»; not «holmen», «vika» on their own).
PLACE_ELEMENT_LIST = ("vika", "vik", "viken", "fjord", "fjorden", "dalen", "sund", "sundet", "neset", "haug", "haugen",
                      "stad", "rud", "rudi", "bygd", "holmen", "oya", "hamn", "havn", "vag", "vagen", "land", "heim",
                      "seter", "setra", "asen", "berg", "bergen", "moen", "eidet", "strand", "stranda", "vollen",
                      "bakken", "sjo", "sjoen", "elva", "fossen", "foss", "odden", "toppen", "grend", "lia", "torp",
                      "rod", "bo",
                      # and from Kartverket's name-object types and Norwegian naming: «Kongsten»,
                      # «Rødsfjellet», «Maridalsvannet», «Lomyra», «Hvitsten», «Tistedal» …
                      "stein", "sten", "tveit", "tveitt", "lund", "holt", "myra", "kollen", "fjell",
                      "fjellet", "vannet", "tjern", "tjernet", "bukta", "enga", "dammen", "marka")
PLACE_ELEMENTS = r"^[a-z]{3,}(?:" + "|".join(PLACE_ELEMENT_LIST) + r")$"


def adjective_forms(lemma: str) -> list[str]:
    """The forms of a Norwegian adjective that :func:`~omdomme.coding._text.stem` does not join to it.

    The stemmer strips ``-e``, ``-ere``, ``-est(e)``; this adds the neuter ``-t`` (``snill`` ->
    ``snilt``, ``fri`` -> ``fritt``), the plural of ``-en``/``-el``/``-er`` adjectives
    (``beskjeden`` -> ``beskjedne``, ``vakker`` -> ``vakre``), the superlative ``-st`` of
    ``-ig``/``-som`` adjectives and the plural of participles in ``-et`` (``avslappete``).

    Examples
    --------
    >>> adjective_forms("beskjeden")
    ['beskjeden', 'beskjedent', 'beskjedne']
    >>> adjective_forms("snill"), adjective_forms("fri")
    (['snill', 'snilt'], ['fri', 'frit', 'fritt'])
    >>> adjective_forms("ærlig")
    ['ærlig', 'ærligt', 'ærligst']
    """
    w = lemma
    forms = [w]
    if " " in w or len(w) < 3:
        return forms
    last = w[-1]
    if len(w) >= 4 and last == w[-2] and last not in _VOWELS:
        if last != "t":
            forms.append(w[:-1] + "t")
    elif last in _VOWELS:
        forms += [w + "t", w + "tt"]
    elif last != "t":
        forms.append(w + "t")
    if w.endswith(("en", "el", "er")) and not w.endswith(("ert", "ete")) and len(w) >= 4 and w[-3] not in _VOWELS:
        head = w[:-2]
        if len(head) >= 3 and head[-1] == head[-2]:
            head = head[:-1]
        forms.append(head + w[-1] + "e")
    if w.endswith(("ig", "lig", "leg", "som", "sam", "isk")):
        forms.append(w + "st")
    if w.endswith("et") and len(w) >= 6:
        forms += [w + "e", w[:-1] + "de"]
    return list(dict.fromkeys(forms))


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
    if "pos" not in words.columns:
        words = words.with_columns(pl.lit(None, pl.String).alias("pos"))
    # Adjectives with the forms the stemmer does not join (each form a term of its own code).
    adj = words.filter((pl.col("pos") == "adj") & pl.col("lang").is_in(["nb", "nn"]))
    extra = adj.with_columns(pl.col("term").map_elements(adjective_forms, return_dtype=pl.List(pl.String))
                             .alias("form")).explode("form").filter(pl.col("form") != pl.col("term"))
    words = pl.concat([words.with_columns(pl.lit(False).alias("generated")),
                       extra.with_columns(pl.col("form").alias("term"), pl.lit(True).alias("generated")).drop("form")])
    words = words.unique(["term", "code"], keep="first", maintain_order=True)
    words = pl.concat([words, _keys(words["term"]).drop("row")], how="horizontal")
    generics = _read_csv("generics.csv").with_columns(pl.col("forms").str.split(" ").alias("form")).explode("form").select(
        "term", "code", fold(pl.col("form")).alias("form"))
    stopwords = pl.select(fold(pl.lit(pl.Series(_read_lines("stopwords.txt"), dtype=pl.String)))).to_series().unique().sort()
    places = _read_csv("places.csv")
    ambiguous_keys = pl.select(fold(pl.lit(pl.Series(_read_lines("ambiguous_places.txt"))))).to_series()
    places = pl.concat([places, _keys(places["name"]).select("n", pl.col("full").alias("key"))], how="horizontal")
    # A name from the postal register or the gazetteer that is also a common word needs a capital
    # too, found, not listed: a lower-case term of words.csv or one of its inflections («Skoger»,
    # «Fjella»), a function word, a generic noun («Vik», «Dal») or a place-name element alone
    # («Berg», «Vollen», «Strand»). Kommune names are places first («Lunner», not «lun»).
    common = words.filter(pl.col("term").str.slice(0, 1) == pl.col("term").str.slice(0, 1).str.to_lowercase())
    common_words = pl.concat([common["full"], stopwords, generics["form"],
                              pl.Series(PLACE_ELEMENT_LIST)]).unique().implode()
    common_keys = common["key"].unique().implode()
    derived = (pl.col("source") != "ssb_klass131") & (pl.col("n") == 1) & (
        pl.col("key").is_in(common_words) | stem(pl.col("key")).is_in(common_keys))
    ambiguous = pl.col("key").is_in(ambiguous_keys.implode()) | derived
    # Outside the five counties a name needs a capital, unless it is made like a place name: a
    # compound ending in a place-name element («Bjelland», «Rugsund», «Brensholmen»).
    by_form = pl.col("key").str.contains(PLACE_ELEMENTS) & ~pl.col("key").str.contains(" ")
    places = places.with_columns(
        needs_capital=((pl.col("county") == OTHER_PLACE) & ~by_form) | ambiguous
    ).filter(
        # Outside the five counties, names of three letters or fewer («Bø», «Os», «Vik») say more
        # often something else than the place; they are left out.
        ~((pl.col("county") == OTHER_PLACE) & (pl.col("key").str.len_chars() <= 3))
    )
    # A Swedish border town that shares its name with a Norwegian place («Nordby», the shopping
    # centre at Svinesund, and Nordby in Ås) is read as the border town.
    swedish = places.filter(pl.col("county") == SWEDEN)["key"].implode()
    places = places.filter((pl.col("county") == SWEDEN) | ~pl.col("key").is_in(swedish))
    forms = _read_csv("forms.csv").with_columns(pl.col("min_stem").cast(pl.Int64))
    bad = set(forms["code"].drop_nulls()) - set(CODES)
    if bad:  # a packaging error, not a user's
        raise ValueError(f"omdomme/coding/data/forms.csv: unknown codes {sorted(bad)}")
    return Lexicon(words=words, places=places, stopwords=stopwords, forms=forms, generics=generics)
