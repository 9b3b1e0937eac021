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
   at least six letters, or from a place name of the five counties of at least five.
4. *Unknown words*: a word left over that is not a function word (``data/stopwords.txt``)
   proposes ``annet``, and the reason names it, so the analyst sees what the lexicon missed.
   An empty answer, or one with only «vet ikke»-words, is «vet ikke»; so is an answer with no
   word of content at all — only punctuation, numbers (a missing-value code typed as text,
   «99»), single letters («x», «n/a») or function words — which says nothing about the county.

Before matching, :func:`omdomme.coding._text.clean` repairs the answer as vendors' files
deliver it (mojibake such as «Ã¸», HTML tags and entities, invisible characters).
"""

from __future__ import annotations

from collections.abc import Sequence

import polars as pl

from omdomme.coding._lexicon import CODES, SWEDEN, VET_IKKE, Lexicon, load_lexicon
from omdomme.coding._text import clean, stem, tokens

MAX_N = 3
MIN_PREFIX_PLACE, MIN_PREFIX_WORD, MIN_SUFFIX_WORD, MIN_TAIL = 4, 5, 5, 3
MIN_FUZZY, MIN_FUZZY_PLACE = 6, 5
EMPTY_REASON = "tomt svar"
NO_CONTENT_REASON = "ingen ord med innhold"
_MATCH_SCHEMA = {"row": pl.Int64, "pos": pl.Int64, "n": pl.Int64, "code": pl.String, "said": pl.String,
                 "term": pl.String, "how": pl.String}


def _ngrams(tok: pl.DataFrame, n: int) -> pl.DataFrame:
    """N-grams starting at each word: ``row, pos, n, key`` (stems), ``full`` (folds), ``said``, ``cap``."""
    shifted = [
        tok.select(
            pl.col(c).shift(-k).over("row").alias(f"{c}{k}") for c in ("stem", "fold", "word")
        ) for k in range(n)
    ]
    wide = pl.concat([tok.select("row", "pos", "cap"), *shifted], how="horizontal")
    wide = wide.filter(pl.all_horizontal(pl.col(f"stem{k}").is_not_null() for k in range(n)))
    return wide.select(
        "row", "pos", pl.lit(n, pl.Int64).alias("n"), "cap",
        pl.concat_str([pl.col(f"stem{k}") for k in range(n)], separator=" ").alias("key"),
        pl.concat_str([pl.col(f"fold{k}") for k in range(n)], separator=" ").alias("full"),
        pl.concat_str([pl.col(f"word{k}") for k in range(n)], separator=" ").alias("said"),
    )


def _place_hits(grams: pl.DataFrame, places: pl.DataFrame, how: str) -> pl.DataFrame:
    # The name as written, or with a genitive -s («Haldens»).
    variants = pl.concat([
        grams.with_columns(pl.col("full").alias("pkey")),
        grams.filter(pl.col("full").str.ends_with("s") & (pl.col("full").str.len_chars() > 4))
        .with_columns(pl.col("full").str.slice(0, pl.col("full").str.len_chars() - 1).alias("pkey")),
    ])
    hits = variants.join(places.select(pl.col("key").alias("pkey"), pl.col("n").cast(pl.Int64), "name", "county",
                                       "needs_capital"), on=["pkey", "n"])
    hits = hits.filter(~pl.col("needs_capital") | pl.col("cap"))
    return hits.select(
        "row", "pos", "n",
        pl.when(pl.col("county") == SWEDEN).then(pl.lit(SWEDEN)).otherwise(pl.lit("steder")).alias("code"),
        "said", pl.format("{} ({})", pl.col("name"), pl.col("county")).alias("term"), pl.lit(how).alias("how"),
    )


def _word_hits(grams: pl.DataFrame, words: pl.DataFrame, how: str) -> pl.DataFrame:
    hits = grams.join(words.select("key", pl.col("n").cast(pl.Int64), "code", "term"), on=["key", "n"])
    return hits.select("row", "pos", "n", "code", "said", "term", pl.lit(how).alias("how"))


def _exact(tok: pl.DataFrame, lex: Lexicon) -> tuple[pl.DataFrame, pl.DataFrame]:
    """Pass 1: phrases, then words, longest first; returns the hits and the words left over."""
    hits = []
    free = tok.select("row", "pos")
    for n in range(MAX_N, 0, -1):
        grams = _ngrams(tok, n)
        # An n-gram may start only where all its words are still free.
        for k in range(n):
            grams = grams.join(free.select("row", (pl.col("pos") - k).alias("pos")), on=["row", "pos"], how="semi")
        found = pl.concat([_word_hits(grams, lex.words, "word"), _place_hits(grams, lex.places, "place")])
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


def _compounds(left: pl.DataFrame, lex: Lexicon) -> pl.DataFrame:
    """Pass 2: place names and terms at the start of a word, terms at its end."""
    if not left.height:
        return pl.DataFrame(schema=_MATCH_SCHEMA)
    places = lex.places.filter(pl.col("n") == 1).select(pl.col("key").alias("piece"), "name", "county", "needs_capital")
    pre_p = _pieces(left, column="piece", min_len=MIN_PREFIX_PLACE, tail=MIN_TAIL, from_end=False).join(places, on="piece")
    pre_p = pre_p.filter(~pl.col("needs_capital") | pl.col("cap")).select(
        "row", "pos", pl.lit(1, pl.Int64).alias("n"),
        pl.when(pl.col("county") == SWEDEN).then(pl.lit(SWEDEN)).otherwise(pl.lit("steder")).alias("code"),
        pl.col("word").alias("said"), pl.format("{} ({})", pl.col("name"), pl.col("county")).alias("term"),
        pl.lit("compound").alias("how"),
    )
    words = lex.words.filter((pl.col("n") == 1) & (pl.col("code") != VET_IKKE))
    pre_w = _pieces(left, column="piece", min_len=MIN_PREFIX_WORD, tail=MIN_TAIL, from_end=False).join(
        words.select(pl.col("full").alias("piece"), "code", "term"), on="piece")
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


def _fuzzy(left: pl.DataFrame, lex: Lexicon) -> pl.DataFrame:
    """Pass 3: words one edit from a term or a place name (symmetric deletions)."""
    left = left.filter(pl.col("fold").str.len_chars() >= MIN_FUZZY_PLACE)
    if not left.height:
        return pl.DataFrame(schema=_MATCH_SCHEMA)
    single = lex.words.filter((pl.col("n") == 1) & (pl.col("code") != VET_IKKE))
    words = pl.concat([
        single.select(pl.col("full").alias("target"), "code", "term", pl.lit(0).alias("t_rank")),
        single.select(pl.col("key").alias("target"), "code", "term", pl.lit(1).alias("t_rank")),
    ]).unique(maintain_order=True).filter(pl.col("target").str.len_chars() >= MIN_FUZZY)
    places = lex.places.filter((pl.col("n") == 1) & ~pl.col("needs_capital")
                               & (pl.col("key").str.len_chars() >= MIN_FUZZY_PLACE)).select(
        pl.col("key").alias("target"),
        pl.when(pl.col("county") == SWEDEN).then(pl.lit(SWEDEN)).otherwise(pl.lit("steder")).alias("code"),
        pl.format("{} ({})", pl.col("name"), pl.col("county")).alias("term"), pl.lit(0).alias("t_rank"))
    targets = _deletions(pl.concat([words, places]), "target").with_columns(
        pl.col("target").str.len_chars().alias("tlen"))
    # The word as written and its stem, against the terms as written and their stems.
    said = pl.concat([
        _deletions(left.select("row", "pos", "word", "fold", pl.col("fold").alias("form"), pl.lit(0).alias("s_rank")), "form"),
        _deletions(left.select("row", "pos", "word", "fold", pl.col("stem").alias("form"), pl.lit(1).alias("s_rank")), "form"),
    ])
    hits = said.join(targets, on="variant")
    # A word term needs six letters on both sides; a place name of the five counties five.
    hits = hits.filter((pl.col("fold").str.len_chars() >= MIN_FUZZY) | ((pl.col("code") == "steder") & (pl.col("tlen") >= MIN_FUZZY_PLACE)))
    # Words as written beat stems: «Fredrikstd» is Fredrikstad misspelt, though its stem is
    # also one letter from the stem of «Fredriksten».
    hits = hits.with_columns((pl.col("s_rank") + pl.col("t_rank")).alias("rank"))
    hits = hits.filter(pl.col("rank") == pl.col("rank").min().over("row", "pos"))
    return hits.select("row", "pos", pl.lit(1, pl.Int64).alias("n"), "code", pl.col("word").alias("said"), "term",
                       pl.lit("misspelt").alias("how")).unique(["row", "pos", "code"], keep="first", maintain_order=True)


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
    # Misspellings before compounds: «Borregaadr» is Borregaard misspelt, not «Borre» + «gaadr».
    fuzzy = _fuzzy(content, lex)
    content = content.join(fuzzy.select("row", "pos"), on=["row", "pos"], how="anti")
    compound = _compounds(content, lex)
    content = content.join(compound.select("row", "pos"), on=["row", "pos"], how="anti")
    # Words left that are not function words: said, but not in the lexicon -> `annet`, naming them.
    unknown = content.filter(~pl.col("fold").is_in(lex.stopwords.implode()) & (pl.col("fold").str.len_chars() >= 2)
                             & ~pl.col("fold").str.contains(r"^\d+$"))
    unknown_hits = unknown.select("row", "pos", pl.lit(1, pl.Int64).alias("n"), pl.lit("annet").alias("code"),
                                  pl.col("word").alias("said"), pl.lit(None, pl.String).alias("term"),
                                  pl.lit("unknown").alias("how"))
    hits = pl.concat([codes_found, compound, fuzzy, unknown_hits], how="vertical_relaxed")

    frame = list(frame)
    mapped = hits.with_columns(
        pl.when(pl.col("code").is_in(frame)).then(pl.col("code"))
        .when(pl.lit("annet" in frame)).then(pl.lit("annet")).otherwise(None).alias("category")
    )
    shown = pl.when(pl.col("how").is_in(["word", "place", "unknown"])).then(pl.col("said")).otherwise(
        pl.format("{} ≈ {}", pl.col("said"), pl.col("term")))
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
