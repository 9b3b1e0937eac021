"""Normalising free text for the lexicon: case, æøå and their ASCII spellings, inflections.

One set of polars expressions serves both the lexicon's terms and the respondents' answers,
so that a term and an answer meet in the same form:

- :func:`fold` lower-cases and maps ``æ``/``ä`` to ``ae``, ``ø``/``ö`` to ``o``, ``å`` and
  ``aa`` to ``a``, accents away, hyphens inside a word away (``Harry-handel`` ->
  ``harryhandel``, ``Grålum``/``Graalum``/``Gralum`` -> ``gralum``);
- :func:`stem` strips one Norwegian inflection or derivation ending (``-ene``, ``-ane``,
  ``-en``, ``-et``, ``-er``, ``-ar``, ``-a``, ``-e``, ``-ere``, ``-est(e)``, ``-het(en)``) and a
  final double consonant, so ``ærlige``, ``ærlig`` and ``ærlighet`` share ``aerlig`` and
  ``svenskene``, ``svensker`` and ``svensk`` share ``svensk``.
"""

from __future__ import annotations

import polars as pl

# The characters of a word: letters, digits, and an apostrophe or hyphen between them.
WORD = r"[\p{L}\p{N}]+(?:['’\-][\p{L}\p{N}]+)*"
_FOLD_FROM = ["aa", "æ", "ä", "ø", "ö", "å", "é", "è", "ê", "ü", "á", "à", "ó", "’", "-"]
_FOLD_TO = ["a", "ae", "ae", "o", "o", "a", "e", "e", "e", "u", "a", "a", "o", "'", ""]
# Longest first; an ending is stripped only when at least MIN_STEM characters remain.
SUFFIXES = ("heten", "este", "ene", "ane", "het", "ere", "est", "ens", "en", "et", "er", "ar", "a", "e")
MIN_STEM = 3
_CONSONANTS = list("bcdfghjklmnpqrstvwxz")


def fold(expr: pl.Expr) -> pl.Expr:
    """Lower case, NFC, æøå and their ASCII spellings to one form, no hyphens inside words.

    Examples
    --------
    >>> pl.select(fold(pl.lit("Grålum"))).item(), pl.select(fold(pl.lit("GRAALUM"))).item()
    ('gralum', 'gralum')
    >>> pl.select(fold(pl.lit("Ærlige Østfold-folk"))).item()
    'aerlige ostfoldfolk'
    """
    return expr.str.normalize("NFC").str.to_lowercase().str.replace_many(_FOLD_FROM, _FOLD_TO)


def stem(expr: pl.Expr) -> pl.Expr:
    """Strip one ending (the longest that leaves ``MIN_STEM`` characters) and a final double consonant.

    Works on folded words.

    Examples
    --------
    >>> pl.select(stem(pl.Series(["aerlige", "aerlighet", "svenskene", "arbeidsomme", "kysten"]))).to_series().to_list()
    ['aerlig', 'aerlig', 'svensk', 'arbeidsom', 'kyst']
    """
    n = expr.str.len_chars()
    out: pl.Expr | None = None
    for suffix in SUFFIXES:
        cond = expr.str.ends_with(suffix) & (n >= len(suffix) + MIN_STEM)
        cut = expr.str.slice(0, n - len(suffix))
        out = pl.when(cond).then(cut) if out is None else out.when(cond).then(cut)  # type: ignore[attr-defined]
    assert out is not None
    stripped = out.otherwise(expr)  # type: ignore[attr-defined]
    m = stripped.str.len_chars()
    last = stripped.str.slice(-1)
    double = (m > MIN_STEM) & (last == stripped.str.slice(-2, 1)) & last.is_in(_CONSONANTS)
    return pl.when(double).then(stripped.str.slice(0, m - 1)).otherwise(stripped)


def tokens(texts: pl.Series) -> pl.DataFrame:
    """One row per word of each text: ``row``, ``pos``, ``word`` (as written), ``fold``, ``stem``, ``cap``.

    Examples
    --------
    >>> tokens(pl.Series(["Harry-handel i Sverige"])).select("pos", "fold", "cap").rows()
    [(0, 'harryhandel', True), (1, 'i', False), (2, 'sverige', True)]
    """
    frame = pl.DataFrame({"text": texts.cast(pl.String)}).with_row_index("row")
    words = (
        frame.select(
            pl.col("row").cast(pl.Int64),
            pl.col("text").fill_null("").str.normalize("NFC").str.extract_all(WORD).alias("word"),
        )
        .with_columns(pl.int_ranges(0, pl.col("word").list.len()).alias("pos"))
        .explode("word", "pos")
        .drop_nulls("word")
    )
    return words.select(
        "row",
        pl.col("pos").cast(pl.Int64),
        "word",
        fold(pl.col("word")).alias("fold"),
        # Capitalised as written: a place name that is also a common word («Moss», «Ski») needs it.
        (pl.col("word").str.slice(0, 1) != pl.col("word").str.slice(0, 1).str.to_lowercase()).alias("cap"),
    ).with_columns(stem(pl.col("fold")).alias("stem"))
