"""Normalising free text for the lexicon: repairs, case, æøå and their ASCII spellings, inflections.

One set of polars expressions serves both the lexicon's terms and the respondents' answers,
so that a term and an answer meet in the same form:

- :func:`clean` repairs what vendors' files carry on the way from a web form: UTF-8 read as
  Latin-1 or Windows-1252 («Ã¸stfold» -> «østfold», «â€™» -> «’»), HTML tags (``<br>`` -> a
  space) and entities (``&amp;``, ``&oslash;``, ``&#229;``), invisible characters (soft hyphen,
  zero-width space, byte-order mark) and compatibility forms (NFKC: the ligature «ﬁ» is «fi»,
  a no-break space a space);

- :func:`fold` lower-cases and maps ``æ``/``ä`` to ``ae``, ``ø``/``ö`` to ``o``, ``å`` and
  ``aa`` to ``a``, accents away, hyphens inside a word away (``Harry-handel`` ->
  ``harryhandel``, ``Grålum``/``Graalum``/``Gralum`` -> ``gralum``);
- :func:`stem` strips one Norwegian inflection or derivation ending (``-ene``, ``-ane``,
  ``-en``, ``-et``, ``-er``, ``-ar``, ``-a``, ``-e``, ``-ere``, ``-est(e)``, ``-het(en)``) and a
  final double consonant, so ``ærlige``, ``ærlig`` and ``ærlighet`` share ``aerlig`` and
  ``svenskene``, ``svensker`` and ``svensk`` share ``svensk``.
"""

from __future__ import annotations

import html.entities

import polars as pl

# The characters of a word: letters, digits, and an apostrophe or hyphen between them.
WORD = r"[\p{L}\p{N}]+(?:['’\-][\p{L}\p{N}]+)*"
_FOLD_FROM = ["aa", "æ", "ä", "ø", "ö", "å", "é", "è", "ê", "ü", "á", "à", "ó", "’", "-"]
_FOLD_TO = ["a", "ae", "ae", "o", "o", "a", "e", "e", "e", "u", "a", "a", "o", "'", ""]
# Longest first; an ending is stripped only when at least MIN_STEM characters remain.
SUFFIXES = ("heten", "este", "ene", "ane", "het", "ere", "est", "ens", "en", "et", "er", "ar", "a", "e")
MIN_STEM = 3
_CONSONANTS = list("bcdfghjklmnpqrstvwxz")


def _mojibake() -> tuple[list[str], list[str]]:
    """UTF-8 bytes shown as Windows-1252 or Latin-1 characters, and the character they were.

    Every character from U+00A0 to U+00FF (æ, ø, å, é, «, …) and the usual punctuation of a
    word processor. The wrong forms begin with «Â», «Ã» or «â» followed by characters that
    never follow them in Norwegian or English text, so replacing them cannot damage a correct
    answer.
    """
    chars = [chr(c) for c in range(0xA0, 0x100)] + list("‘’‚“”„–—…€•")
    wrong_forms: list[str] = []
    right: list[str] = []
    for ch in chars:
        raw = ch.encode("utf-8")
        # cp1252 leaves five bytes undefined; a decoder shows them as the Latin-1 control characters.
        for wrong in (raw.decode("latin-1"),
                      "".join(bytes([b]).decode("cp1252") if b not in (0x81, 0x8D, 0x8F, 0x90, 0x9D) else chr(b)
                              for b in raw)):
            if wrong != ch and wrong not in wrong_forms:
                wrong_forms.append(wrong)
                right.append(ch)
    return wrong_forms, right


def _entities() -> tuple[list[str], list[str]]:
    """HTML's named entities (``&aring;``) and the numeric ones (``&#229;``, ``&#xe5;``) of Latin text."""
    names = [f"&{name};" for name in html.entities.name2codepoint]
    chars = [chr(cp) for cp in html.entities.name2codepoint.values()]
    for cp in (*range(0x20, 0x7F), *range(0xA0, 0x250), 0x2013, 0x2014, 0x2018, 0x2019, 0x201C, 0x201D, 0x2026, 0x20AC):
        for form in (f"&#{cp};", f"&#x{cp:x};", f"&#x{cp:X};", f"&#X{cp:x};", f"&#X{cp:X};"):
            if form not in names:
                names.append(form)
                chars.append(chr(cp))
    return names, chars


_MOJIBAKE_FROM, _MOJIBAKE_TO = _mojibake()
_ENTITY_FROM, _ENTITY_TO = _entities()
_INVISIBLE = ["\u00ad", "\u200b", "\u200c", "\u200d", "\u2060", "\ufeff"]
# An HTML tag (``<br>``, ``<p class="x">``, ``</div>``): a letter or «/» right after «<».
_TAG = r"</?[A-Za-z][^<>]{0,200}>"


def clean(expr: pl.Expr) -> pl.Expr:
    """Repair an answer as delivered: mojibake, HTML tags and entities, invisible characters, NFKC.

    Examples
    --------
    >>> pl.select(clean(pl.lit("Ã˜stfold &amp; skj&aelig;rg&#229;rden<br>Hal\u00adden"))).item()
    'Østfold & skjærgården Halden'
    """
    out = expr.str.replace_many(_MOJIBAKE_FROM, _MOJIBAKE_TO)
    out = out.str.replace_all(_TAG, " ").str.replace_many(_ENTITY_FROM, _ENTITY_TO)
    # An entity left (unknown or malformed) is markup, not words.
    out = out.str.replace_all(r"&#?[A-Za-z0-9]{1,10};", " ")
    return out.str.replace_many(_INVISIBLE, [""] * len(_INVISIBLE)).str.normalize("NFKC")


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
    """One row per word of each text: ``row``, ``pos``, ``word`` (as written), ``fold``, ``stem``, ``cap``, ``brk``, ``stop``.

    ``brk`` is true when punctuation or a line break follows the word (or nothing does): «ærlige
    folk» is a phrase, «ærlige, folk» two.

    Examples
    --------
    >>> tokens(pl.Series(["Harry-handel i Sverige"])).select("pos", "fold", "cap").rows()
    [(0, 'harryhandel', True), (1, 'i', False), (2, 'sverige', True)]
    >>> tokens(pl.Series(["ærlige folk, hyggelige"]))["brk"].to_list()
    [False, True, True]
    """
    frame = pl.DataFrame({"text": texts.cast(pl.String)}).with_row_index("row")
    # Each word with what follows it up to the next word, to tell «ærlige folk» from «ærlige, folk».
    words = (
        frame.select(
            pl.col("row").cast(pl.Int64),
            clean(pl.col("text").fill_null("")).str.extract_all(WORD + r"[^\p{L}\p{N}]*").alias("piece"),
        )
        .with_columns(pl.int_ranges(0, pl.col("piece").list.len()).alias("pos"))
        .explode("piece", "pos")
        .drop_nulls("piece")
        .with_columns(pl.col("piece").str.extract("^(" + WORD + ")", 1).alias("word"))
    )
    return words.select(
        "row",
        pl.col("pos").cast(pl.Int64),
        "word",
        fold(pl.col("word")).alias("fold"),
        # Capitalised as written: a place name that is also a common word («Moss», «Ski») needs it.
        (pl.col("word").str.slice(0, 1) != pl.col("word").str.slice(0, 1).str.to_lowercase()).alias("cap"),
        # A break after the word: punctuation or a line break before the next word, or the end.
        # (a hyphen right after the word and a space, «stå- på-vilje», is the word going on).
        pl.col("piece").str.slice(pl.col("word").str.len_chars()).pipe(
            lambda tail: tail.str.contains(r"[^ \t]") & ~tail.str.contains(r"^-[ \t]*$"))
        .or_(pl.col("pos") == pl.col("pos").max().over("row")).alias("brk"),
        # A sentence ends after the word («.», «!», «?», «:», a line break): the next word's capital says nothing.
        pl.col("piece").str.slice(pl.col("word").str.len_chars()).str.contains(r"[.!?:\n\r]").alias("stop"),
    ).with_columns(stem(pl.col("fold")).alias("stem"))
