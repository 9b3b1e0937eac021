"""Proposing codes of the frame for free-text answers, with the words that made each code.

Matching runs in four passes over the words of all answers at once (polars joins, no loop
per answer):

1. *Phrases and words*: n-grams of three, two and one word, longest first, against the
   lexicon's terms (stems, so inflections match) and place names (folded, with or without a
   genitive ``-s``); a word inside a matched phrase is not matched again («harry folk» is a
   stereotype, not border trade). Place names that are also common words, and every place
   outside the five counties, count only when written with a capital letter.
2. *Compounds*: a word that begins with a place name («Sarpsborgfolk», «Haldensere»,
   «Østfold-industrien») or a term of at least five letters, followed by at least three
   letters; or that ends with a term of at least five letters («skogindustri»).
3. *Misspellings* (before compounds, so «Borregaadr» is Borregaard, not «Borre» + «gaadr»):
   a word one edit (insertion, deletion, substitution or swap of neighbours) from a term of
   at least six letters, or from a place name of the five counties of at least five (a name
   of the gazetteer: six, written with a capital); or with the skeleton of a place name (no
   doubled consonants, «oe»/«ae» as «o»/«a»: «Oestensjoes»).
4. *Unknown words*: a word left over that is not a function word (``data/stopwords.txt``)
   proposes ``annet``, and the reason names it, so the analyst sees what the lexicon missed —
   unless it is a name: before a generic noun of place names («Komnes kirke»,
   «Isegran-fortet», :func:`_generic_names`), written with a capital where no sentence begins,
   or where one begins if made like a place name or listed with a place (:func:`_names`,
   :func:`_listed_names`); those are ``steder``.
   An empty answer, or one with only «vet ikke»-words, is «vet ikke»; so is an answer with no
   word of content at all — only punctuation, numbers (a missing-value code typed as text,
   «99»), single letters («x», «n/a») or function words — which says nothing about the county.

Before matching, :func:`omdomme.coding._text.clean` repairs the answer as vendors' files
deliver it (mojibake such as «Ã¸», HTML tags and entities, invisible characters).
"""

from __future__ import annotations

from collections.abc import Sequence

import polars as pl

from omdomme.coding._lexicon import CODES, PLACE_ELEMENTS, SWEDEN, VET_IKKE, Lexicon, load_lexicon
from omdomme.coding._text import clean, fold, stem, tokens

MAX_N = 3
MIN_PREFIX_PLACE, MIN_PREFIX_WORD, MIN_SUFFIX_WORD, MIN_TAIL = 4, 5, 5, 3
MIN_FUZZY, MIN_FUZZY_PLACE = 6, 5
EMPTY_REASON = "tomt svar"
NO_CONTENT_REASON = "ingen ord med innhold"
# Prepositions before a place name, and words after one: a name that is also a common word
# («Lier», «Alna») or a place outside the five counties is a place there even in lower case.
PLACE_BEFORE = ["i", "rundt", "fra", "pa", "ved", "naer", "utenfor", "innenfor", "omkring", "near", "around", "in",
                "from"]
PLACE_AFTER = ["sentrum", "kommune", "kommun", "omradet", "distriktet", "regionen", "centre", "center", "area"]
# Words folded onto a place name to make a district of it («Rakkestad-området», «Follo-regionen»).
PLACE_TAIL = r"s?(?:regionen|region|omradet|omradene|omrade|distriktet|distrikt|kanten|traktene|traktane|sentrum|bygda)$"
# Words for people: an unknown word before one is said of them («kjekke folk», «kind people»).
PEOPLE = ["folk", "folket", "folka", "folkene", "folkeslag", "mennesker", "menneskene", "menneska", "menneske", "mennesket",
          "befolkning", "befolkningen", "innbyggere", "innbyggerne", "innbyggjarar", "innbyggjarane", "personer", "typer", "arbeidsfolk", "lokalbefolkningen", "fastboende", "sjel", "sjeler",
          "people", "locals", "residents", "inhabitants", "folks", "persons", "neighbours", "neighbors"]
PEOPLE_EN = PEOPLE[PEOPLE.index("people"):]
SUBJECTS = [*PEOPLE, "de", "dei", "dem", "they", "vi", "we", "man", "du", "alle", "everyone", "everybody"]
COPULAS = ["er", "e", "var", "virker", "virka", "blir", "ble", "oppleves", "framstar", "fremstar", "is", "are", "was",
           "were", "seem", "seems", "seemed", "verkar", "vert"]
# Function words between a copula and what it says («er veldig», «er ikke så», «virker litt»).
FILLERS = ["veldig", "svaert", "ganske", "litt", "ikke", "ikkje", "sa", "sapass", "utrolig", "skikkelig", "temmelig",
           "noksa", "relativt", "very", "quite", "so", "really", "not", "too", "pretty", "rather", "generelt",
           "ofte", "stort", "sett", "jo", "nok", "vel", "mest", "mer", "mye", "altfor", "gjerne", "som", "regel"]
# The people of a place, in a compound with its name («sarpinger», «Haldenfolk», «Hvaler-buer»).
_DEMONYM = r"(?:folk|folket|folka|inger|ingene|ingane|ingar|ere|erne|buer|buen|bu)$"
# The word for people as the whole rest of a compound after a place name («Bergens|folk»).
_PEOPLE_TAIL = r"^s?(?:folk|folket|folka)$"
# Endings stripped before a word is read by its form (adjectives, and nouns of quality).
_INFLECTIONS = ("", "e", "t", "ere", "est", "este", "st", "ste", "en", "ene", "er")
# Endings of forms.csv that make nouns of quality, not adjectives («ærlighet», «arbeidsglede»).
_NOUN_ENDINGS = ("het", "glede", "vilje", "evne", "ness")
# What may begin a Norwegian or English word after a negation («u-vennlig»; not «u-ngdommelig»).
_ONSET = r"^(?:[aeiouy]|[bcdfghjklmnpqrstvwz][aeiouyj]|s?[kpt][lr]|[bdfg][lr]|s[kmnptvl]|skj|[dgkt]v|[gk]n|hv)"
_MATCH_SCHEMA = {"row": pl.Int64, "pos": pl.Int64, "n": pl.Int64, "code": pl.String, "said": pl.String,
                 "term": pl.String, "how": pl.String}


def _ngrams(tok: pl.DataFrame, n: int, after: list[str] = PLACE_AFTER) -> pl.DataFrame:
    """N-grams starting at each word: ``row, pos, n, key`` (stems), ``full`` (folds), ``said``, ``cap``, ``ctx``.

    ``ctx``: the words stand where a place is named — after a preposition of place («i», «rundt»,
    «fra») or before a word that follows place names («sentrum», «kommune», «området»).
    """
    shifted = [
        tok.select(
            pl.col(c).shift(-k).over("row").alias(f"{c}{k}") for c in ("stem", "fold", "word", "brk")
        ) for k in range(n)
    ]
    around = tok.select(
        pl.col("fold").shift(1).over("row").is_in(PLACE_BEFORE).fill_null(False)
        .and_(~pl.col("brk").shift(1).over("row").fill_null(True)).alias("before"),
        pl.col("fold").shift(-n).over("row").is_in(after).fill_null(False).alias("after"),
    )
    wide = pl.concat([tok.select("row", "pos", "cap"), *shifted, around], how="horizontal")
    wide = wide.filter(pl.all_horizontal(pl.col(f"stem{k}").is_not_null() for k in range(n)))
    return wide.select(
        "row", "pos", pl.lit(n, pl.Int64).alias("n"), "cap",
        pl.concat_str([pl.col(f"stem{k}") for k in range(n)], separator=" ").alias("key"),
        pl.concat_str([pl.col(f"fold{k}") for k in range(n)], separator=" ").alias("full"),
        pl.concat_str([pl.col(f"word{k}") for k in range(n)], separator=" ").alias("said"),
        (pl.col("before") | (pl.col("after") & ~pl.col(f"brk{n - 1}"))).alias("ctx"),
    )


def _place_hits(grams: pl.DataFrame, places: pl.DataFrame, how: str) -> pl.DataFrame:
    """Place names among ``grams``; ``relaxed``: a name that needs a capital, read from its context."""
    n_chars = pl.col("full").str.len_chars()
    # The name as written, with a genitive -s («Haldens»), or before a word that makes a place a
    # district («Rakkestad-området», «Alnaregionen», «Haldens sentrum»: the hyphen is folded away).
    stripped = pl.col("full").str.replace(PLACE_TAIL, "")
    variants = pl.concat([
        grams.with_columns(pl.col("full").alias("pkey")),
        grams.filter(pl.col("full").str.ends_with("s") & (n_chars > 4))
        .with_columns(pl.col("full").str.slice(0, n_chars - 1).alias("pkey")),
        grams.filter((stripped != pl.col("full")) & (stripped.str.len_chars() >= 2))
        .with_columns(stripped.alias("pkey"), pl.lit(True).alias("ctx")),
    ])
    hits = variants.join(places.select(pl.col("key").alias("pkey"), pl.col("n").cast(pl.Int64), "name", "county",
                                       "needs_capital"), on=["pkey", "n"])
    hits = hits.filter(~pl.col("needs_capital") | pl.col("cap") | pl.col("ctx"))
    return hits.select(
        "row", "pos", "n",
        pl.when(pl.col("county") == SWEDEN).then(pl.lit(SWEDEN)).otherwise(pl.lit("steder")).alias("code"),
        "said", pl.format("{} ({})", pl.col("name"), pl.col("county")).alias("term"), pl.lit(how).alias("how"),
        (pl.col("needs_capital") & ~pl.col("cap")).alias("relaxed"), "full", "pkey",
    ).sort("relaxed").unique(["row", "pos", "n", "code"], keep="first", maintain_order=True)


def _word_hits(grams: pl.DataFrame, words: pl.DataFrame, how: str) -> pl.DataFrame:
    hits = grams.join(words.select("key", pl.col("n").cast(pl.Int64), "code", "term"), on=["key", "n"])
    return hits.select("row", "pos", "n", "code", "said", "term", pl.lit(how).alias("how"))


def _exact(tok: pl.DataFrame, lex: Lexicon) -> tuple[pl.DataFrame, pl.DataFrame]:
    """Pass 1: phrases, then words, longest first; returns the hits and the words left over."""
    hits = []
    free = tok.select("row", "pos")
    # Before «sentrum», «kommune», or a generic noun of a built place («Berg kirke», «Moss torg»;
    # not of nature: «ski fjell» is no Ski).
    after = [*PLACE_AFTER, *lex.generics.filter(pl.col("code").fill_null("") != "natur")["form"]]
    for n in range(MAX_N, 0, -1):
        grams = _ngrams(tok, n, after)
        # An n-gram may start only where all its words are still free.
        for k in range(n):
            grams = grams.join(free.select("row", (pl.col("pos") - k).alias("pos")), on=["row", "pos"], how="semi")
        word_hits = _word_hits(grams, lex.words, "word")
        place_hits = _place_hits(grams, lex.places, "place")
        # A name read from its context alone yields to a word of the lexicon or a function word
        # («i skogen» is nature, whatever place is called Skogen).
        place_hits = place_hits.filter(~pl.col("relaxed") | ~pl.col("full").is_in(lex.stopwords.implode())).join(
            word_hits.filter(pl.lit(True)).select("row", "pos", "n", pl.col("code").alias("wcode")),
            on=["row", "pos", "n"], how="left").filter(~pl.col("relaxed") | pl.col("wcode").is_null())
        # A capitalised place name as written beats a term read from its stem («Lunner» is not «lun»).
        named = place_hits.filter(~pl.col("relaxed") & (pl.col("full") == pl.col("pkey"))).select("row", "pos", "n").unique()
        word_hits = word_hits.join(grams.select("row", "pos", "n", "full", "cap"), on=["row", "pos", "n"]).join(
            lex.words.select(pl.col("full").alias("wfull")).unique(), left_on="full", right_on="wfull", how="left",
            coalesce=False).join(named.with_columns(pl.lit(True).alias("named")), on=["row", "pos", "n"], how="left")
        word_hits = word_hits.filter(pl.col("wfull").is_not_null() | pl.col("named").is_null() | ~pl.col("cap")).select(
            "row", "pos", "n", "code", "said", "term", "how")
        found = pl.concat([word_hits, place_hits.select(word_hits.columns).unique(["row", "pos", "n", "code"],
                                                                                 maintain_order=True)])
        if found.height:
            hits.append(found)
            covered = found.select("row", "pos", "n").unique().with_columns(
                pl.int_ranges(pl.col("pos"), pl.col("pos") + pl.col("n")).alias("p")
            ).explode("p").select("row", pl.col("p").alias("pos"))
            free = free.join(covered, on=["row", "pos"], how="anti")
    matched = pl.concat(hits) if hits else pl.DataFrame(schema=_MATCH_SCHEMA)
    return matched, tok.join(free, on=["row", "pos"], how="semi")


def _pieces(left: pl.DataFrame, *, column: str, min_len: int, tail: int, from_end: bool) -> pl.DataFrame:
    """Every prefix (or suffix) of each word of at least ``min_len`` letters leaving ``tail`` letters."""
    n = pl.col("fold").str.len_chars().cast(pl.Int64)  # u32 would wrap below zero for short words
    out = left.with_columns(pl.int_ranges(min_len, n - tail + 1).alias("length")).explode("length").drop_nulls("length")
    piece = pl.col("fold").str.slice(-pl.col("length")) if from_end else pl.col("fold").str.slice(0, pl.col("length"))
    return out.with_columns(piece.alias(column))


def _sentence_start(tok: pl.DataFrame) -> pl.DataFrame:
    """``row, pos, start``: does a sentence begin at the word (the answer's first word, after «.», «!», «?», «:», a line break)."""
    previous = tok.select("row", (pl.col("pos") + 1).alias("pos"), pl.col("stop").alias("_ended"))
    return tok.select("row", "pos").join(previous, on=["row", "pos"], how="left").select(
        "row", "pos", pl.col("_ended").fill_null(True).alias("start"))


def _compounds(left: pl.DataFrame, lex: Lexicon, tok: pl.DataFrame) -> pl.DataFrame:
    """Pass 2: place names and terms at the start of a word, terms at its end.

    A place that needs a capital begins a compound only where the capital says something: not
    at a sentence's start («Kvaliteten» is no «Kvål» + «iteten», «Strandlinjen» no «Strand»)
    unless a hyphen, a district word or the word for its people joins it to the rest
    («Moss-området», «Feiosregionen», «Bergensfolk»).
    """
    if not left.height:
        return pl.DataFrame(schema=_MATCH_SCHEMA)
    places = lex.places.filter(pl.col("n") == 1).select(pl.col("key").alias("piece"), "name", "county", "needs_capital")
    pre_p = _pieces(left, column="piece", min_len=MIN_PREFIX_PLACE, tail=MIN_TAIL, from_end=False).join(places, on="piece")
    pre_p = pre_p.join(_sentence_start(tok), on=["row", "pos"], how="left")
    # … or joined to the rest by a hyphen, which only a name takes («Moss-området», «Lillehammer-OL»),
    # or by a district word or the word for its people («Feiosregionen», «Bergensfolk»).
    rest = pl.col("fold").str.slice(pl.col("piece").str.len_chars())
    joined = (fold(pl.col("word").str.extract(r"^([^-]+)-", 1)) == pl.col("piece")).fill_null(False) | (
        rest.str.contains("^" + PLACE_TAIL) | rest.str.contains(_PEOPLE_TAIL))
    pre_p = pre_p.filter(~pl.col("needs_capital") | (pl.col("cap") & (~pl.col("start").fill_null(True) | joined))).select(
        "row", "pos", pl.lit(1, pl.Int64).alias("n"),
        pl.when(pl.col("county") == SWEDEN).then(pl.lit(SWEDEN)).otherwise(pl.lit("steder")).alias("code"),
        pl.col("word").alias("said"), pl.format("{} ({})", pl.col("name"), pl.col("county")).alias("term"),
        pl.lit("compound").alias("how"),
    )
    words = lex.words.filter((pl.col("n") == 1) & (pl.col("code") != VET_IKKE))
    # An adjective at the start of a compound makes a thing, not a trait («varmepumpe», «Stillehavet»).
    pre_w = _pieces(left, column="piece", min_len=MIN_PREFIX_WORD, tail=MIN_TAIL, from_end=False).join(
        words.filter(pl.col("pos").fill_null("") != "adj").select(pl.col("full").alias("piece"), "code", "term"), on="piece")
    suf = _pieces(left, column="piece", min_len=MIN_SUFFIX_WORD, tail=2, from_end=True).with_columns(
        stem(pl.col("piece")).alias("piece"))
    suf_w = suf.join(words.filter(pl.col("key").str.len_chars() >= MIN_SUFFIX_WORD)
                     .select(pl.col("key").alias("piece"), "code", "term"), on="piece")
    found = [
        f.select("row", "pos", pl.lit(1, pl.Int64).alias("n"), "code", pl.col("word").alias("said"), "term",
                 pl.lit("compound").alias("how"))
        for f in (pre_w, suf_w)
    ]
    # Per word, the longest piece per code is enough to say why.
    return pl.concat([pre_p, *found]).unique(["row", "pos", "code"], keep="first", maintain_order=True)


def _deletions(frame: pl.DataFrame, column: str) -> pl.DataFrame:
    """``frame`` with ``variant``: the string itself and every string one letter shorter."""
    n = pl.col(column).str.len_chars().cast(pl.Int64)
    dels = frame.with_columns(pl.int_ranges(0, n).alias("_i")).explode("_i").with_columns(
        (pl.col(column).str.slice(0, pl.col("_i")) + pl.col(column).str.slice(pl.col("_i") + 1)).alias("variant")
    ).drop("_i")
    return pl.concat([frame.with_columns(pl.col(column).alias("variant")), dels])


def _edit_distance(a: str, b: str) -> int:
    """Edits (insertion, deletion, substitution, swap of neighbours) from ``a`` to ``b``."""
    prev2: list[int] = []
    prev = list(range(len(b) + 1))
    for i in range(1, len(a) + 1):
        cur = [i] + [0] * len(b)
        for j in range(1, len(b) + 1):
            cur[j] = min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (a[i - 1] != b[j - 1]))
            if i > 1 and j > 1 and a[i - 1] == b[j - 2] and a[i - 2] == b[j - 1]:
                cur[j] = min(cur[j], prev2[j - 2] + 1)
        prev2, prev = prev, cur
    return prev[-1]


_DOUBLE = [c + c for c in "bdfgklmnprstv"]


def _skeleton(folded: pl.Expr) -> pl.Expr:
    """A folded word without doubled consonants, with «oe» as «o» and «ae» as «a»."""
    return folded.str.replace_many(["oe", "ae"], ["o", "a"]).str.replace_many(_DOUBLE, [d[0] for d in _DOUBLE])


def _fuzzy(left: pl.DataFrame, lex: Lexicon) -> pl.DataFrame:
    """Pass 3: words one edit from a term or a place name (symmetric deletions)."""
    left = left.filter(pl.col("fold").str.len_chars() >= MIN_FUZZY_PLACE)
    if not left.height:
        return pl.DataFrame(schema=_MATCH_SCHEMA)
    # Terms as listed: a form made from an adjective («sprekt») is no target for a misspelling.
    single = lex.words.filter((pl.col("n") == 1) & (pl.col("code") != VET_IKKE) & ~pl.col("generated"))
    words = pl.concat([
        single.select(pl.col("full").alias("target"), "code", "term", pl.lit(0).alias("t_rank")),
        single.select(pl.col("key").alias("target"), "code", "term", pl.lit(1).alias("t_rank")),
    ]).unique(maintain_order=True).filter(pl.col("target").str.len_chars() >= MIN_FUZZY)
    # Place names that count without a capital. Misspelt, a name of the gazetteer (lakes, rivers,
    # hills, lighthouses, …: many lie one letter from a common word, «venner» / «Svenner»,
    # «sandstrender» / «Sandstrand», «lange» / «Lågen») needs the capital and six letters.
    gazetteer = pl.col("source") == "kartverket_n1000"
    places = lex.places.filter((pl.col("n") == 1) & ~pl.col("needs_capital") & (
        pl.col("key").str.len_chars() >= pl.when(gazetteer).then(MIN_FUZZY).otherwise(MIN_FUZZY_PLACE))).select(
        pl.col("key").alias("target"),
        pl.when(pl.col("county") == SWEDEN).then(pl.lit(SWEDEN)).otherwise(pl.lit("steder")).alias("code"),
        pl.format("{} ({})", pl.col("name"), pl.col("county")).alias("term"), pl.lit(0).alias("t_rank"),
        gazetteer.alias("t_capital"))
    words = words.with_columns(pl.lit(False).alias("t_capital"))
    # Place names also by their skeleton (no doubled consonant, «oe» as «o», «ae» as «a»): a word
    # whose skeleton is a name's is that name with ø or æ spelt «oe»/«ae» or by the other vowel,
    # and consonants doubled or single, however many («Oestensjoes», «Sarrpsborgg»); folded, «æ»
    # is «ae» already, «ø»/«ö» «o», «å»/«aa» «a». Skeletons must be equal (no edit more: «naboer»
    # and «Nærbø» are one edit apart as skeletons).
    targets = pl.concat([
        _deletions(pl.concat([words, places]), "target").with_columns(pl.lit(False).alias("sk")),
        places.with_columns(_skeleton(pl.col("target")).alias("target")).with_columns(
            pl.col("target").alias("variant"), pl.lit(True).alias("sk")),
    ]).with_columns(pl.col("target").str.len_chars().alias("tlen"))
    # The word as written and its stem, against the terms as written and their stems.
    # A place name may also carry a district word or a genitive («Fredriksttadregionen»).
    bare = pl.col("fold").str.replace(PLACE_TAIL, "").str.replace(r"s$", "")
    said = pl.concat([
        left.select("row", "pos", "word", "fold", pl.col("fold").alias("form"), pl.lit(0).alias("s_rank"),
                    pl.lit(False).alias("bare")),
        left.select("row", "pos", "word", "fold", pl.col("stem").alias("form"), pl.lit(1).alias("s_rank"),
                    pl.lit(False).alias("bare")),
        left.filter((bare != pl.col("fold")) & (bare.str.len_chars() >= MIN_FUZZY_PLACE))
        .select("row", "pos", "word", "fold", bare.alias("form"), pl.lit(1).alias("s_rank"), pl.lit(True).alias("bare")),
    ])
    # The skeletons of the word as written and bare, for place names only, after every other reading.
    skeletons = said.filter(pl.col("s_rank") == 0).vstack(said.filter(pl.col("bare"))).with_columns(
        _skeleton(pl.col("form")), pl.col("s_rank") + 2)
    said = pl.concat([
        _deletions(said, "form").with_columns(pl.lit(False).alias("sk")),
        skeletons.filter(pl.col("form").str.len_chars() >= MIN_FUZZY_PLACE).with_columns(
            pl.col("form").alias("variant"), pl.lit(True).alias("sk")),
    ])
    hits = said.join(targets, on=["variant", "sk"]).filter(~pl.col("bare") | (pl.col("code") == "steder"))
    # (A word in capitals only, «VENNER», is emphasis, not a name.)
    named = pl.col("cap") & (pl.col("word") != pl.col("word").str.to_uppercase())
    hits = hits.join(left.select("row", "pos", "cap"), on=["row", "pos"]).filter(~pl.col("t_capital") | named)
    # A word term needs six letters on both sides; a place name of the five counties five.
    hits = hits.filter((pl.col("fold").str.len_chars() >= MIN_FUZZY) | ((pl.col("code") == "steder") & (pl.col("tlen") >= MIN_FUZZY_PLACE)))
    # Words as written beat stems: «Fredrikstd» is Fredrikstad misspelt, though its stem is
    # also one letter from the stem of «Fredriksten».
    hits = hits.with_columns((pl.col("s_rank") + pl.col("t_rank")).alias("rank"))
    hits = hits.filter(pl.col("rank") == pl.col("rank").min().over("row", "pos"))
    # Two deletions can join words two edits apart; the nearest term wins («kjedrlig» is «kjedelig», not «kjærlig»).
    pairs = hits.select("form", "target").unique()
    pairs = pairs.with_columns(pl.Series("dist", [_edit_distance(a, b) for a, b in pairs.iter_rows()], dtype=pl.Int64))
    hits = hits.join(pairs, on=["form", "target"])
    hits = hits.filter(pl.col("dist") == pl.col("dist").min().over("row", "pos"))
    return hits.select("row", "pos", pl.lit(1, pl.Int64).alias("n"), "code", pl.col("word").alias("said"), "term",
                       pl.lit("misspelt").alias("how")).unique(["row", "pos", "code"], keep="first", maintain_order=True)


def _forms(left: pl.DataFrame, lex: Lexicon) -> pl.DataFrame:
    """Pass 4: words that are character words by their form (``data/forms.csv``).

    A word, less an inflection, that ends in an ending of character words (``-ig``, ``-som``,
    ``-ende``, ``-vennlig``, ``-het``, ``-ful``, …) is ``verdier``; in ``-løs``, ``-less`` or
    the pejorative ``-ete`` ``negativ``; a negation (``u-``, ``un-``) before a character word of
    ``verdier`` (by the lexicon or by form) ``negativ``. The longest ending decides.
    """
    if not left.height:
        return pl.DataFrame(schema=_MATCH_SCHEMA)
    forms = lex.forms
    not_traits = forms.filter(pl.col("kind") == "word")["form"].implode()
    suffixes = forms.filter(pl.col("kind") == "suffix").select("form", "code", "min_stem")
    words = left.select("row", "pos", "word", "fold")
    # The word itself, and after a negation what follows it (if that can begin a word).
    negations = forms.filter(pl.col("kind") == "prefix").select(pl.col("form").alias("neg"), pl.col("min_stem").alias("neg_min"))
    negated = words.join(negations, how="cross").filter(
        pl.col("fold").str.starts_with(pl.col("neg"))
        & (pl.col("fold").str.len_chars() - pl.col("neg").str.len_chars() >= pl.col("neg_min"))
    ).with_columns(pl.col("fold").str.slice(pl.col("neg").str.len_chars()).alias("body")).filter(
        pl.col("body").str.contains(_ONSET))
    readings = pl.concat([words.with_columns(pl.col("fold").alias("body"), pl.lit(None, pl.String).alias("neg")),
                          negated.select("row", "pos", "word", "fold", "body", "neg")])
    bases = readings.join(pl.DataFrame({"infl": list(_INFLECTIONS)}), how="cross").filter(
        pl.col("body").str.ends_with(pl.col("infl"))
        & (pl.col("body").str.len_chars() - pl.col("infl").str.len_chars() >= 3)
    ).with_columns(pl.col("body").str.slice(0, pl.col("body").str.len_chars() - pl.col("infl").str.len_chars()).alias("base"))
    # «hjelpsomme» less «-e» is «hjelpsomm»: a final double consonant is single in the base form.
    doubled = (pl.col("base").str.slice(-1) == pl.col("base").str.slice(-2, 1)) & pl.col("base").str.slice(-1).is_in(
        list("bdfgklmnprstv"))
    bases = pl.concat([bases, bases.filter(doubled).with_columns(pl.col("base").str.slice(0, pl.col("base").str.len_chars() - 1))])
    # A word none of whose readings is a known non-trait («konserter» is «konsert»).
    bases = bases.join(bases.filter(pl.col("base").is_in(not_traits)).select("row", "pos", "neg").unique(),
                       on=["row", "pos", "neg"], how="anti", nulls_equal=True)
    lengths = sorted(set(suffixes["form"].str.len_chars().to_list()))
    by_form = pl.concat([
        bases.with_columns(pl.col("base").str.slice(-k).alias("form")).join(suffixes, on="form").filter(
            pl.col("base").str.len_chars().cast(pl.Int64) - k >= pl.col("min_stem")) for k in lengths
    ]).select("row", "pos", "word", "neg", "code", pl.format("-{}", pl.col("form")).alias("rule"),
              pl.col("form").str.len_chars().alias("strength"))
    # A negated word the lexicon knows: «uvennlige», «unkind».
    single = lex.words.filter((pl.col("n") == 1) & (pl.col("code") == "verdier"))
    by_word = negated.with_columns(stem(pl.col("body")).alias("key")).join(single.select("key", "term"), on="key").select(
        "row", "pos", "word", "neg", pl.lit("verdier").alias("code"), "term", pl.lit(99, pl.UInt32).alias("strength"))
    found = pl.concat([by_form.rename({"rule": "term"}), by_word], how="vertical_relaxed")
    # After a negation, a trait of `verdier` is its opposite; anything else is not read so.
    found = found.filter(pl.col("neg").is_null() | (pl.col("code") == "verdier")).with_columns(
        pl.when(pl.col("neg").is_not_null()).then(pl.lit("negativ")).otherwise(pl.col("code")).alias("code"),
        pl.when(pl.col("neg").is_not_null()).then(pl.format("{}-{}", pl.col("neg"), pl.col("term").str.strip_chars_start("-")))
        .otherwise(pl.col("term")).alias("term"),
        pl.col("neg").is_not_null().alias("negated"),
    )
    found = found.sort(["negated", "strength"], descending=True).unique(["row", "pos"], keep="first", maintain_order=True)
    return found.select("row", "pos", pl.lit(1, pl.Int64).alias("n"), "code", pl.col("word").alias("said"), "term",
                        pl.lit("form").alias("how"))


def _joined_pairs(left: pl.DataFrame, lex: Lexicon) -> tuple[pl.DataFrame, pl.DataFrame]:
    """Pass 5: two unknown words in a row that make a place or a term when written together («Øste nsjø»).

    Returns the hits (on the first word's position) and the positions of the second words.
    """
    nxt = left.select("row", (pl.col("pos") - 1).alias("pos"), pl.col("word").alias("word2"), pl.col("fold").alias("fold2"))
    pairs = left.filter(~pl.col("brk")).join(nxt, on=["row", "pos"])
    # Read by form only when the first part is long enough to be half a word («entusia stiske»),
    # not a word of its own before a piece («bilen somme»).
    pairs = pairs.with_columns((pl.col("fold").str.len_chars() >= 6).alias("long_first"))
    if not pairs.height:
        return pl.DataFrame(schema=_MATCH_SCHEMA), pl.DataFrame(schema={"row": pl.Int64, "pos": pl.Int64})
    pairs = pairs.with_row_index("pair").with_columns(pl.col("pair").cast(pl.Int64))
    tok = pairs.select(
        pl.col("pair").alias("row"), pl.lit(0, pl.Int64).alias("pos"), pl.format("{} {}", "word", "word2").alias("word"),
        (pl.col("fold") + pl.col("fold2")).alias("fold"), "cap", pl.lit(True).alias("brk"),
    ).with_columns(stem(pl.col("fold")).alias("stem"))
    exact, rest = _exact(tok, lex)
    exact = exact.filter(pl.col("code") != VET_IKKE)
    rest = rest.filter(~pl.col("fold").is_in(lex.stopwords.implode()))
    fuzzy = _fuzzy(rest, lex)
    long_first = pairs.filter(pl.col("long_first")).select(pl.col("pair").alias("row"))
    by_form = _forms(rest.join(fuzzy.select("row", "pos"), on=["row", "pos"], how="anti").join(long_first, on="row", how="semi"), lex)
    found = pl.concat([exact.select(_MATCH_SCHEMA.keys()), fuzzy, by_form]).unique(["row", "code"], keep="first",
                                                                                   maintain_order=True)
    found = found.join(pairs.select(pl.col("pair").alias("row"), pl.col("row").alias("orig"), pl.col("pos").alias("opos")),
                       on="row").select(pl.col("orig").alias("row"), pl.col("opos").alias("pos"), "n", "code", "said", "term",
                                        pl.lit("joined").alias("how"))
    # Each word in one pair only: the first pair that reads wins.
    found = found.sort("row", "pos")
    firsts = found.select("row", "pos").unique(maintain_order=True)
    firsts = firsts.join(firsts.select("row", (pl.col("pos") + 1).alias("pos")), on=["row", "pos"], how="anti")
    found = found.join(firsts, on=["row", "pos"], how="semi")
    return found, firsts.select("row", (pl.col("pos") + 1).alias("pos"))


def _patterns(unknown: pl.DataFrame, tok: pl.DataFrame, compound: pl.DataFrame) -> pl.DataFrame:
    """Pass 6: an unknown word said of people is ``verdier``: «X folk», «kind people», «folk er X».

    Before a word for people (``PEOPLE``, or a compound of a place name and a word for its people:
    «sarpinger», «Haldenfolk»), with no punctuation between; or after a word for people or a
    pronoun and a copula («folk er X», «de som bor der virker X», «people are X»), with only
    function words between.
    """
    if not unknown.height:
        return pl.DataFrame(schema=_MATCH_SCHEMA)
    demonyms = compound.filter((pl.col("code") == "steder") & pl.col("said").pipe(fold).str.contains(_DEMONYM)).select(
        "row", "pos")
    people = pl.concat([tok.filter(pl.col("fold").is_in(PEOPLE)).select("row", "pos"), demonyms]).unique()
    # Before a Norwegian word for people, an adjective ends in -e («kjekke folk»; «måten folk
    # prater på» is not said of them); English adjectives do not inflect («kind people»).
    english = tok.filter(pl.col("fold").is_in(PEOPLE_EN)).select("row", (pl.col("pos") - 1).alias("pos"))
    before = unknown.filter(~pl.col("brk")).join(people.select("row", (pl.col("pos") - 1).alias("pos")),
                                                on=["row", "pos"], how="semi")
    before = pl.concat([
        before.filter(pl.col("fold").str.ends_with("e") & ~pl.col("fold").str.contains(r"(?:ene|ane)$")),
        before.join(english, on=["row", "pos"], how="semi"),
    ]).unique(["row", "pos"], maintain_order=True)
    # «folk (der) er (veldig) X»: a subject, at most four words, a copula, at most two function words, X.
    t = tok.sort("row", "pos").with_columns(
        pl.col("fold").is_in(SUBJECTS).alias("subj"), pl.col("fold").is_in(COPULAS).alias("cop"))
    win = t.select("row", "pos", "fold", "brk", *[
        pl.col(c).shift(k).over("row").alias(f"{c}{k}") for k in range(1, 8) for c in ("subj", "cop", "brk", "fold")])
    ok = pl.lit(False)
    for k in range(1, 4):  # the copula k words before X
        between_clear = pl.all_horizontal([pl.col(f"fold{j}").is_in(FILLERS).fill_null(False) for j in range(1, k)] or [pl.lit(True)])
        no_break = pl.all_horizontal([~pl.col(f"brk{j}").fill_null(True) for j in range(1, k + 1)])
        subj = pl.any_horizontal([pl.col(f"subj{k + m}").fill_null(False)
                                  & pl.all_horizontal([~pl.col(f"brk{j}").fill_null(True) for j in range(k + 1, k + m + 1)])
                                  for m in range(1, 5) if k + m <= 7])
        ok = ok | (pl.col(f"cop{k}").fill_null(False) & between_clear & no_break & subj)
    after = unknown.join(win.filter(ok).select("row", "pos"), on=["row", "pos"], how="semi")
    found = pl.concat([before, after]).unique(["row", "pos"], maintain_order=True)
    return found.select("row", "pos", pl.lit(1, pl.Int64).alias("n"), pl.lit("verdier").alias("code"),
                        pl.col("word").alias("said"), pl.lit("folk").alias("term"), pl.lit("pattern").alias("how"))


def _attributive(hits: pl.DataFrame, tok: pl.DataFrame, lex: Lexicon) -> pl.DataFrame:
    """A character word right before a word of another code describes that thing, not people.

    «rolig sjø» is nature, «rik historie» culture, «åpne grenser» Sweden: a ``verdier`` word
    followed, with no punctuation between, by a word of nature, culture, Sweden or dialect takes
    that word's code. A word read as ``verdier`` by its form only also follows an unknown word
    («landlige omgivelser» is not said of people). Firms keep it: «moderne bedrifter» is
    ``verdier`` and ``naeringsliv``.
    """
    # Only a noun that an adjective can stand before without a determiner: one word, not definite
    # («arrogante svenskene», «samhold museene» are two things listed without a comma).
    definite = tok.filter(pl.col("fold").str.contains(r"(?:ene|ane|en|et|a)$") & (pl.col("fold").str.len_chars() >= 5))
    nxt = hits.filter(pl.col("code").is_in(["natur", "kultur", "sverige", "dialekt", "negativ", "annet"]) & (pl.col("n") == 1)).join(
        definite.select("row", "pos"), on=["row", "pos"], how="anti").select(
        "row", (pl.col("pos") - 1).alias("pos"), pl.col("code").alias("next_code"), pl.col("how").alias("next_how"))
    nxt = nxt.unique(["row", "pos"], keep="first", maintain_order=True)
    joined = hits.join(tok.select("row", "pos", "brk"), on=["row", "pos"], how="left").join(nxt, on=["row", "pos"], how="left")
    # Only an adjective describes the word after it («dugnadsånd bading» is two things).
    adjectives = lex.words.filter(pl.col("pos") == "adj")["term"].implode()
    adjective = (pl.col("term").is_in(adjectives) & pl.col("how").is_in(["word", "misspelt"])
                 & ~fold(pl.col("said")).str.contains(r"het(?:en|ene|er)?$")) | (
        (pl.col("how") == "form") & ~pl.col("term").is_in([f"-{e}" for e in _NOUN_ENDINGS]))
    takes = adjective & (pl.col("code").is_in(["verdier", "negativ"]) & ~pl.col("brk").fill_null(True) & pl.col("next_code").is_not_null()
             & ((pl.col("next_code") != "annet") | (pl.col("how") == "form")) & (pl.col("code") != pl.col("next_code")))
    return joined.with_columns(pl.when(takes).then(pl.col("next_code")).otherwise(pl.col("code")).alias("code")).select(hits.columns)


def _names(unknown: pl.DataFrame, tok: pl.DataFrame) -> pl.DataFrame:
    """Unknown words written with a capital where a sentence does not begin: names, proposed as `steder`.

    A sentence begins at the answer's first word and after «.», «!», «?», «:» or a line break;
    there a word is a name only if it is made like a place name (``PLACE_ELEMENTS``: «Tjuvstad»,
    «Hashaugen»; not «Turister») — so is a common noun so made («Hovedstad»), which the reason
    shows as a name for the analyst to check. A word in capitals only («BRA») is emphasis, not a name.
    """
    return (
        unknown.filter(pl.col("cap") & (pl.col("word").str.len_chars() >= 3)
                       & (pl.col("word") != pl.col("word").str.to_uppercase()))
        .join(_sentence_start(tok), on=["row", "pos"], how="left")
        .filter(~pl.col("start").fill_null(True) | pl.col("fold").str.contains(PLACE_ELEMENTS))
        .select("row", "pos", pl.lit(1, pl.Int64).alias("n"), pl.lit("steder").alias("code"),
                pl.col("word").alias("said"), pl.lit(None, pl.String).alias("term"), pl.lit("name").alias("how"))
    )


def _generic_names(unknown: pl.DataFrame, tok: pl.DataFrame, found: pl.DataFrame, lex: Lexicon) -> pl.DataFrame:
    """Names before a generic noun of place names: «Komnes kirke», «Isegran fort», «Femsjø-elva».

    Norwegian names a landmark or a feature «<Name> <generic>» or «<Name>-<generic>»
    (``data/generics.csv``: kirke, festning, fort, museum, elva, sjøen, øya, park, brygge, torg,
    …). An unknown word written with a capital right before a generic, with no punctuation
    between, is a name, ``steder`` — at the start of a sentence only if it is made like a place
    name (``PLACE_ELEMENTS``: «Tjuvstad kirke»; «Vakker park», «Rent vann» are not); so is a
    name the lexicon lists under another code («Isegran fort», «Fredriksten festning»: ``kultur``
    and ``steder``). Joined with a hyphen the name may be in lower case; the part before the
    hyphen must not be a common word of the lexicon or a function word («natur-parken» is no
    name). The generic gives the code of the thing (``kultur`` for a church or a fort, ``natur``
    for a river); after a name it is a word of the name, not ``annet``.
    ``found``: the hits of the other passes (``row, pos, n, code, said, term``).
    """
    generics = lex.generics.select("form", pl.col("term").alias("generic"), pl.col("code").alias("gcode"))
    nxt = tok.select("row", "pos", pl.col("fold").alias("form"), "brk")
    upper = pl.col("word") == pl.col("word").str.to_uppercase()
    schema = {"row": pl.Int64, "pos": pl.Int64, "n": pl.Int64, "code": pl.String, "said": pl.String,
              "term": pl.String, "how": pl.String}
    # A name of the lexicon: a term written with a capital («Isegran»), said with one.
    capital = pl.col("term").str.slice(0, 1) != pl.col("term").str.slice(0, 1).str.to_lowercase()
    said_cap = pl.col("said").str.slice(0, 1) != pl.col("said").str.slice(0, 1).str.to_lowercase()
    names = pl.concat([
        found.filter(pl.col("code") == "steder").select("row", "pos", "n", "said", pl.lit(True).alias("place")),
        found.filter((pl.col("code") != "steder") & capital & said_cap).select("row", "pos", "n", "said",
                                                                             pl.lit(False).alias("place")),
    ]).unique(["row", "pos", "n"], keep="first", maintain_order=True)
    # The word after a name, and the last word of a phrase that is a name («Fredriksten festning»).
    last = found.filter((pl.col("n") > 1) & capital & said_cap & (pl.col("code") != "steder")).with_columns(
        fold(pl.col("said").str.extract(r"(\S+)$", 1)).alias("form")).join(generics, on="form")
    # Where a sentence begins the capital says nothing, and an adjective stands there as often as
    # a name («Vakker park», «Rent vann»): the word must be made like a place name («Tjuvstad kirke»).
    unknown_before = unknown.filter(pl.col("cap") & ~upper & (pl.col("word").str.len_chars() >= 3) & ~pl.col("brk")).join(
        _sentence_start(tok), on=["row", "pos"], how="left").filter(
        ~pl.col("start").fill_null(True) | pl.col("fold").str.contains(PLACE_ELEMENTS)).join(
        nxt.select("row", (pl.col("pos") - 1).alias("pos"), "form"), on=["row", "pos"]).join(generics, on="form")
    known_before = names.filter(~pl.col("place")).with_columns((pl.col("pos") + pl.col("n") - 1).alias("end")).join(
        tok.select("row", pl.col("pos").alias("end"), "brk"), on=["row", "end"]).filter(~pl.col("brk")).join(
        nxt.select("row", (pl.col("pos") - 1).alias("end"), "form"), on=["row", "end"]).join(generics, on="form")
    # «Isegran-fortet», «Femsjø-elva»: the part after the last hyphen a generic, the part before
    # a name (unknown, or a name of the lexicon), or a place (which the compound pass found).
    head = fold(pl.col("word").str.replace(r"-[^-]+$", ""))
    common = lex.words.filter(~pl.col("term").str.slice(0, 1).str.contains(r"\p{Lu}"))["full"]
    words = pl.concat([common, lex.stopwords]).unique().implode()
    joined = tok.filter(pl.col("word").str.contains(r"\p{L}-\p{L}")).with_columns(
        fold(pl.col("word").str.extract(r"-([^-]+)$", 1)).alias("form"), head.alias("head")).join(generics, on="form")
    joined = joined.filter((pl.col("head").str.len_chars() >= 3) & ~pl.col("head").is_in(words)
                           & ~pl.col("head").str.contains(r"\d"))
    # how: «generic» a name before the generic («Komnes (name before «kirke»)»), «generic_in» a
    # name that ends in it («Isegran-fortet (name + «fort»)», «Fredriksten festning»).
    out = [
        df.select("row", "pos", pl.lit(1, pl.Int64).alias("n"), pl.lit("steder").alias("code"),
                  pl.col("word").alias("said"), pl.col("generic").alias("term"), pl.lit(how).alias("how"))
        for df, how in ((unknown_before, "generic"), (joined, "generic_in"))
    ] + [
        df.select("row", "pos", "n", pl.lit("steder").alias("code"), "said", pl.col("generic").alias("term"),
                  pl.lit(how).alias("how"))
        for df, how in ((known_before, "generic"), (last, "generic_in"))
    ]
    out.append(joined.filter(pl.col("gcode").is_not_null()).select(
        "row", "pos", pl.lit(1, pl.Int64).alias("n"), pl.col("gcode").alias("code"), pl.col("word").alias("said"),
        pl.col("generic").alias("term"), pl.lit("generic").alias("how")))
    # The generic word after a name or a place: its code, or none (it belongs to the name).
    ends = names.with_columns((pl.col("pos") + pl.col("n") - 1).alias("end")).join(
        tok.select("row", pl.col("pos").alias("end"), "brk"), on=["row", "end"]).filter(~pl.col("brk"))
    named_at = pl.concat([ends.select("row", (pl.col("end") + 1).alias("pos")),
                          unknown_before.select("row", (pl.col("pos") + 1).alias("pos"))]).unique()
    tail = unknown.join(named_at, on=["row", "pos"], how="semi").join(generics.rename({"form": "fold"}), on="fold")
    out.append(tail.select("row", "pos", pl.lit(1, pl.Int64).alias("n"), pl.col("gcode").fill_null("steder").alias("code"),
                           pl.col("word").alias("said"), pl.col("generic").alias("term"), pl.lit("word").alias("how")))
    return pl.concat([o.select(schema.keys()).cast(schema) for o in out]).unique(  # type: ignore[arg-type]
        ["row", "pos", "code"], keep="first", maintain_order=True)


def _listed_names(unknown: pl.DataFrame, tok: pl.DataFrame, places: pl.DataFrame) -> pl.DataFrame:
    """A capitalised unknown word where a sentence begins, listed with a place: a name too.

    At the start of an answer or a sentence a capital says nothing («Turister …»), but a word
    listed with a place, «Glomma, Halden og Fredrikstad», «Vestbyen / Gamlebyen», is one of the
    places listed: the next item (after a comma, «/», «&», «-», or «og», «eller», «and», «or»)
    begins with a place name or a name. ``places``: ``row, pos`` where a place or a name begins.
    """
    # Four letters at least: a shorter word there is mostly an interjection («Tja, Halden», «Hmm, …»).
    first = unknown.filter(pl.col("cap") & (pl.col("word") != pl.col("word").str.to_uppercase())
                           & (pl.col("word").str.len_chars() >= 4)).join(
        _sentence_start(tok), on=["row", "pos"], how="left").filter(pl.col("start").fill_null(True))
    nxt = tok.select("row", (pl.col("pos") - 1).alias("pos"), pl.col("fold").alias("next"))
    first = first.join(nxt, on=["row", "pos"], how="left")
    # The item after: the next word after punctuation (not a sentence's end), or the word after «og».
    at = pl.when(pl.col("brk") & ~pl.col("stop")).then(pl.col("pos") + 1).when(
        ~pl.col("brk") & pl.col("next").is_in(["og", "eller", "samt", "and", "or"])).then(pl.col("pos") + 2)
    first = first.with_columns(at.alias("item")).filter(pl.col("item").is_not_null())
    listed = first.join(places.select("row", pl.col("pos").alias("item")).unique(), on=["row", "item"], how="semi")
    return listed.select("row", "pos", pl.lit(1, pl.Int64).alias("n"), pl.lit("steder").alias("code"),
                         pl.col("word").alias("said"), pl.lit(None, pl.String).alias("term"), pl.lit("listed").alias("how"))


def propose_codes(texts: Sequence[str | None] | pl.Series, frame: Sequence[str] = CODES, *,
                  lexicon: Lexicon | None = None) -> pl.DataFrame:
    """Propose codes of a code frame for free-text answers, each with the words that made it.

    Parameters
    ----------
    texts
        The answers (null or empty: nothing said).
    frame
        The categories of the round's code frame (``[questions.<q>.codes]`` values). A code of
        the lexicon that is not in the frame becomes ``annet`` when the frame has it, else it
        is left out (the reason still names it).
    lexicon
        Defaults to the shipped one (:func:`omdomme.coding.load_lexicon`).

    Returns
    -------
    polars.DataFrame
        One row per answer, in order: ``row``, ``text``, ``codes`` (list of categories in
        frame order; empty for «vet ikke»), ``vet_ikke`` (bool), ``reason`` (``code: word,
        word; code: word``; a misspelt or compound word shows the term it was read as).

    Examples
    --------
    >>> out = propose_codes(["Halden og ærlige folk", "vet ikke", "Sarpsborgfolk, harryhandel", "Fredrikstd"])
    >>> out["codes"].to_list()
    [['steder', 'verdier'], [], ['steder', 'sverige'], ['steder']]
    >>> out["reason"][3]
    'steder: Fredrikstd ≈ Fredrikstad (ostfold)'
    """
    lex = lexicon or load_lexicon()
    series = pl.Series("text", list(texts) if not isinstance(texts, pl.Series) else texts, dtype=pl.String)
    tok = tokens(series)
    exact, left = _exact(tok, lex)
    exact = exact.unique(["row", "pos", "code"], keep="first", maintain_order=True)
    codes_found = exact.filter(pl.col("code") != VET_IKKE)
    content = left.join(exact.select("row", "pos"), on=["row", "pos"], how="anti")
    # Function words are never read as a misspelt term or a compound («fremst» is not «forest»).
    content = content.filter(~pl.col("fold").is_in(lex.stopwords.implode()))
    # Words known to be no character words though they end like one («årlige», «konserter») are
    # not read as misspellings, compounds or forms of one either: they are what they are.
    not_traits = lex.forms.filter(pl.col("kind") == "word")["form"].implode()
    # So are the generic nouns of place names («brygge» is no misspelt «Rygge»).
    known = content.filter(pl.col("fold").is_in(not_traits) | pl.col("stem").is_in(not_traits)
                           | pl.col("fold").is_in(lex.generics["form"].implode()))
    content = content.join(known.select("row", "pos"), on=["row", "pos"], how="anti")
    # Misspellings before compounds: «Borregaadr» is Borregaard misspelt, not «Borre» + «gaadr».
    fuzzy = _fuzzy(content, lex)
    content = content.join(fuzzy.select("row", "pos"), on=["row", "pos"], how="anti")
    compound = _compounds(content, lex, tok)
    content = content.join(compound.select("row", "pos"), on=["row", "pos"], how="anti")
    by_form = _forms(content, lex)
    content = content.join(by_form.select("row", "pos"), on=["row", "pos"], how="anti")
    # Words left that are not function words: said, but not in the lexicon.
    content = pl.concat([content, known])
    unknown = content.filter(~pl.col("fold").is_in(lex.stopwords.implode()) & (pl.col("fold").str.len_chars() >= 2)
                             & ~pl.col("fold").str.contains(r"^\d+$"))
    joined, seconds = _joined_pairs(content.filter(~pl.col("fold").is_in(lex.stopwords.implode())), lex)
    unknown = unknown.join(joined.select("row", "pos"), on=["row", "pos"], how="anti").join(seconds, on=["row", "pos"], how="anti")
    # («kinesiske folk», «årlige folk»: a word known to be no character word stays none before «folk».)
    said_of_people = _patterns(unknown.join(known.select("row", "pos"), on=["row", "pos"], how="anti"), tok, compound)
    unknown = unknown.join(said_of_people.select("row", "pos"), on=["row", "pos"], how="anti")
    # «Halden sentrum», «Alna kommune»: the word after a place name belongs to it.
    place_at = pl.concat([codes_found, compound, fuzzy, joined], how="vertical_relaxed").filter(pl.col("code") == "steder")
    unknown = unknown.filter(~pl.col("fold").is_in(PLACE_AFTER)).vstack(
        unknown.filter(pl.col("fold").is_in(PLACE_AFTER)).join(
            place_at.select("row", (pl.col("pos") + pl.col("n")).alias("pos")).unique(), on=["row", "pos"], how="anti"))
    # «Komnes kirke», «Isegran-fortet»: a name before a generic noun, at an answer's start too.
    generic = _generic_names(unknown, tok, pl.concat([codes_found, compound, fuzzy, joined], how="vertical_relaxed"), lex)
    unknown = unknown.join(generic.select("row", "pos"), on=["row", "pos"], how="anti")
    # A generic noun said on its own, in a form other than its base («skjæret», «fortet», «kollen»):
    # the thing it names (`natur`, `kultur`); the base forms are words.csv's to code («fort» is
    # also «quickly»).
    alone = unknown.join(lex.generics.filter((pl.col("code").fill_null("") != "") & (pl.col("form") != fold(pl.col("term"))))
                         .select(pl.col("form").alias("fold"), "term", pl.col("code").alias("_gcode")), on="fold")
    unknown = unknown.join(alone.select("row", "pos"), on=["row", "pos"], how="anti")
    alone = alone.select("row", "pos", pl.lit(1, pl.Int64).alias("n"), pl.col("_gcode").alias("code"),
                         pl.col("word").alias("said"), "term", pl.lit("word").alias("how"))
    # A capitalised word the lexicon does not know is a name (Norwegian capitalises no common noun):
    # a place, a river, an island, a landmark, most often, so `steder`, named as a name in the reason
    # for the analyst to check. At the start of an answer or a sentence a capital says nothing.
    names = _names(unknown, tok)
    unknown = unknown.join(names.select("row", "pos"), on=["row", "pos"], how="anti")
    # … but a word there listed with a place is one too: «Glomma, Halden og Fredrikstad».
    places = pl.concat([place_at, generic, names], how="vertical_relaxed").filter(pl.col("code") == "steder")
    listed = _listed_names(unknown, tok, places)
    unknown = unknown.join(listed.select("row", "pos"), on=["row", "pos"], how="anti")
    names = pl.concat([names, listed])
    # What is left -> `annet`, naming the words, so the analyst sees what the lexicon missed.
    unknown_hits = unknown.select("row", "pos", pl.lit(1, pl.Int64).alias("n"), pl.lit("annet").alias("code"),
                                  pl.col("word").alias("said"), pl.lit(None, pl.String).alias("term"),
                                  pl.lit("unknown").alias("how"))
    hits = pl.concat([codes_found, compound, fuzzy, by_form, joined, said_of_people, generic, alone, names, unknown_hits],
                     how="vertical_relaxed")
    # One reason per word and code: «Fredriksten festning» is a place of the lexicon and a name
    # before «festning»; the first pass that found it says why.
    hits = hits.unique(["row", "pos", "code"], keep="first", maintain_order=True)
    hits = _attributive(hits, tok, lex)

    frame = list(frame)
    mapped = hits.with_columns(
        pl.when(pl.col("code").is_in(frame)).then(pl.col("code"))
        .when(pl.lit("annet" in frame)).then(pl.lit("annet")).otherwise(None).alias("category")
    )
    shown = (pl.when(pl.col("how").is_in(["word", "place", "unknown", "pattern"])).then(pl.col("said"))
             .when(pl.col("how") == "name").then(pl.format("{} (name)", pl.col("said")))
             .when(pl.col("how") == "listed").then(pl.format("{} (name, listed with a place)", pl.col("said")))
             .when((pl.col("how") == "generic") & (pl.col("code") == "steder"))
             .then(pl.format("{} (name before «{}»)", pl.col("said"), pl.col("term")))
             .when((pl.col("how") == "generic_in") & (pl.col("code") == "steder"))
             .then(pl.format("{} (name + «{}»)", pl.col("said"), pl.col("term")))
             .when(pl.col("how").is_in(["generic", "generic_in"])).then(pl.format("{} ({})", pl.col("said"), pl.col("term")))
             .when(pl.col("how") == "form").then(pl.format("{} ({})", pl.col("said"), pl.col("term")))
             .otherwise(pl.format("{} ≈ {}", pl.col("said"), pl.col("term"))))
    per_code = (
        mapped.sort("row", "pos").with_columns(shown.alias("shown"))
        .group_by("row", "code", maintain_order=True)
        .agg(pl.col("category").first(), pl.col("shown").unique(maintain_order=True).str.join(", "), pl.col("pos").min())
        .sort("row", "pos")
    )
    order = {c: i for i, c in enumerate(frame)}
    per_row = per_code.group_by("row", maintain_order=True).agg(
        pl.col("category").drop_nulls().unique().sort_by(
            pl.col("category").drop_nulls().unique().replace_strict(order, default=len(order))).alias("codes"),
        pl.format("{}: {}", pl.col("code"), pl.col("shown")).str.join("; ").alias("reason"),
    )
    vi_rows = exact.filter(pl.col("code") == VET_IKKE).group_by("row").agg(
        pl.col("said").unique(maintain_order=True).str.join(", ").alias("vi_said"))
    out = (
        pl.DataFrame({"text": series}).with_row_index("row").with_columns(pl.col("row").cast(pl.Int64))
        .join(per_row, on="row", how="left").join(vi_rows, on="row", how="left")
    )
    blank = clean(pl.col("text").fill_null("")).str.replace_all(r"[^\p{L}\p{N}]", "") == ""
    nothing = pl.col("codes").is_null() | (pl.col("codes").list.len() == 0)
    # No word the lexicon or the unknown-word pass kept: punctuation, numbers, single letters and
    # function words only («99», «n/a», «x», «-»).
    no_content = pl.col("reason").is_null()
    vet_ikke = nothing & (blank | pl.col("vi_said").is_not_null() | no_content)
    reason = (
        pl.when(vet_ikke & blank).then(pl.format("{}: {}", pl.lit(VET_IKKE), pl.lit(EMPTY_REASON)))
        .when(vet_ikke & pl.col("vi_said").is_not_null()).then(pl.format("{}: {}", pl.lit(VET_IKKE), pl.col("vi_said")))
        .when(vet_ikke).then(pl.format("{}: {}", pl.lit(VET_IKKE), pl.lit(NO_CONTENT_REASON)))
        .otherwise(pl.col("reason"))
    )
    # Words said but none in the frame (a frame without `annet`): no code, the reason names them.
    codes = pl.when(vet_ikke).then(pl.lit([], dtype=pl.List(pl.String))).otherwise(
        pl.col("codes").fill_null(pl.lit([], dtype=pl.List(pl.String))))
    return out.select("row", "text", codes.alias("codes"), vet_ikke.alias("vet_ikke"), reason.alias("reason"))
