"""Synthetic free-text associations: what a respondent writes, given the codes of the answer.

Separate from the coding lexicon (:mod:`omdomme.coding`) on purpose: these word lists were
written apart from it, include towns and words the lexicon does not know, and are meant to
measure it (precision and recall against the codes the text was made from). The answers
have the variety real ones have: one to several phrases, Norwegian inflections, misspellings
(a letter dropped, doubled or swapped; ø/å written o/a), answers in English, lower case or
capitals, «vet ikke», «ingenting», «husker ikke» and empty answers.

Every phrase expresses exactly one code of the frame, so the truth of an answer is the set
of codes it was made from.
"""

from __future__ import annotations

import zlib

import numpy as np
import polars as pl

# Per rated county, per code (1 steder … 9 annet): Norwegian phrases.
_PLACES = {
    "ostfold": ("Fredrikstad", "Sarpsborg", "Halden", "Moss", "Mysen", "Askim", "Rygge", "Råde", "Hvaler",
                "Grålum", "Gamlebyen", "Skjeberg", "Tistedal", "Greåker", "Rakkestad", "Spydeberg", "Kråkerøy",
                "Ørje", "Torsnes", "Lisleby", "Vikane", "Fuglevik", "Hafslund", "Kjøkøy", "Ise", "Borge",
                "Indre Østfold", "byene langs Glomma", "Sellebakk", "Trosvik"),
    "akershus": ("Lillestrøm", "Bærum", "Asker", "Jessheim", "Ski", "Drøbak", "Kolbotn", "Lørenskog", "Sandvika",
                 "Gardermoen", "Eidsvoll", "Ås", "Strømmen", "Fornebu", "Kløfta", "Nittedal", "Årnes", "Vestby",
                 "Bekkestua", "Holmen", "Romerike", "Follo", "Tangen", "Fjellhamar"),
    "oslo": ("Karl Johan", "Aker Brygge", "Grünerløkka", "Majorstuen", "Frogner", "Grønland", "Bjørvika",
             "Tøyen", "Sentrum", "Holmenkollen", "Stovner", "Groruddalen", "Tjuvholmen", "Vulkan", "Sagene",
             "Torshov", "Storo", "Furuset"),
    "buskerud": ("Drammen", "Kongsberg", "Hønefoss", "Geilo", "Hokksund", "Gol", "Hemsedal", "Nesbyen", "Vikersund",
                 "Åmot", "Mjøndalen", "Lierbyen", "Noresund", "Ål", "Flå", "Sætre", "Tyristrand", "Veggli"),
    "vestfold": ("Tønsberg", "Sandefjord", "Larvik", "Horten", "Holmestrand", "Stavern", "Åsgårdstrand", "Tjøme",
                 "Nøtterøy", "Verdens Ende", "Revetal", "Stokke", "Kjøpmannskjær", "Vear", "Melsomvik", "Hvasser"),
}
_COMMON = {
    2: ("Sverige", "svenskegrensa", "harryhandel", "grensehandel", "handletur til Sverige", "Strømstad",
        "Svinesundbrua", "Nordby kjøpesenter", "billig kjøtt i Sverige", "svenskene", "Systembolaget", "harry",
        "snus og godteri fra Sverige", "svensk grense"),
    3: ("skjærgården", "kysten", "havet", "fine strender", "natur", "vakker natur", "skogene", "Glomma",
        "elvene", "fjorden", "svaberg", "øyene", "båtlivet", "bading om sommeren", "åkrer og jorder", "innsjøer",
        "fjellet", "turløyper", "fiske"),
    4: ("dialekten", "skarre-r", "rar dialekt", "måten de snakker på", "østfoldsk", "breit mål", "dialekter"),
    5: ("industri", "industrien", "Borregaard", "fabrikkene", "landbruk", "jordbruket", "logistikk", "havna",
        "bedrifter", "næringslivet", "mange arbeidsplasser", "handelsnæringen", "teknologibedrifter", "gründere",
        "kjøpesentre", "verftene", "treforedling", "Kongsberggruppen", "hovedkontorer", "bønder"),
    6: ("ærlige folk", "jordnære mennesker", "driftige", "gjestfrie", "arbeidsomme folk", "vennlige", "hyggelige folk",
        "innovative", "nyskapende", "stolte", "greie folk", "snille", "åpne og inkluderende", "folkelige",
        "beskjedne", "humor", "samhold", "dugnadsånd", "trygt", "pålitelige", "kreative", "moderne",
        "imøtekommende", "fremtidsrettet", "ekte folk", "raus", "lune"),
    7: ("Fredriksten festning", "festningen", "historie", "museene", "helleristningene", "kultur", "festivaler",
        "konserter", "teater", "Isegran", "vikingskipene", "1814", "gamle trehus", "kirkene", "fotball",
        "Tordenskiold", "kunst", "middelalderen"),
    8: ("kjedelig", "fattig", "arbeidsledighet", "råner", "mye NAV", "grått og trist", "nedslitt", "kriminalitet",
        "dyrt", "kø", "trafikk", "snobbete", "lukta fra fabrikken", "trygdede", "arrogante", "forurensning",
        "harry folk", "dårlig rykte"),
    9: ("E6", "sommer", "ferie", "jordbær", "tog", "pendling", "bilen", "oppveksten", "familie", "venner", "besøk hos"
        " bestefar", "noe jeg leste", "jul", "været", "naboer", "motorveien"),
}
_ENGLISH = {
    2: ("Sweden", "border shopping", "cheap alcohol", "the Swedish border", "cross border trade"),
    3: ("nature", "the coast", "beaches", "islands", "forests", "the sea", "lakes"),
    4: ("the dialect", "accent"),
    5: ("industry", "factories", "farming", "business", "jobs", "logistics", "companies"),
    6: ("friendly people", "honest", "hardworking people", "welcoming", "down to earth", "innovative", "humble",
        "open minded", "reliable"),
    7: ("history", "the fortress", "museums", "culture", "vikings", "festivals"),
    8: ("boring", "poor", "unemployment", "crime", "expensive", "traffic", "grey"),
    9: ("summer", "the highway", "family", "holidays", "trains"),
}
_VET_IKKE = ("vet ikke", "Vet ikke", "vet ikke.", "Vet ikkje", "husker ikke", "Husker ikke", "ingenting",
             "Ingenting", "ingenting spesielt", "Ikke noe spesielt", "ikke noe", "aner ikke", "Aner ikke", "",
             "-", "?", "kommer ikke på noe", "don't know", "nothing", "Ingen formening", "vet ikke hva jeg skal si")
_PREFIXES = ("", "", "", "", "", "", "Jeg tenker på ", "Tenker på ", "Mest ", "Først og fremst ", "Kommer på ",
             "Hmm, ")
_EN_PREFIXES = ("", "", "", "I think of ", "Mostly ")
_SEPARATORS = (", ", " og ", ", ", " / ", ". ", " - ", " ", " og ", ", ")
_EN_SEPARATORS = (", ", " and ", ", ")

P_ENGLISH, P_SECOND, P_MISSPELT, P_LOWER, P_UPPER = 0.05, 0.2, 0.12, 0.25, 0.02
_N_VARIANTS = 3  # misspelt spellings kept per phrase


def _misspell(phrase: str, k: int) -> str:
    """The ``k``-th misspelt spelling of a phrase (the same every run: seeded by the phrase)."""
    rng = np.random.default_rng([zlib.crc32(phrase.encode("utf-8")), k])
    chars = list(phrase)
    letters = [i for i, c in enumerate(chars) if c.isalpha()]
    if len(letters) < 4:
        return phrase.lower()
    kind = int(rng.integers(5))
    i = letters[int(rng.integers(1, len(letters)))]
    if kind == 0:  # a letter dropped
        del chars[i]
    elif kind == 1:  # a letter doubled
        chars.insert(i, chars[i])
    elif kind == 2 and i + 1 < len(chars) and chars[i + 1].isalpha():  # neighbours swapped
        chars[i], chars[i + 1] = chars[i + 1], chars[i]
    elif kind == 3:  # ASCII for æøå
        return phrase.replace("ø", "o").replace("å", "aa").replace("æ", "ae").replace("Ø", "O").replace("Å", "Aa")
    else:  # a neighbouring key
        chars[i] = {"a": "s", "e": "r", "i": "o", "o": "p", "n": "m", "r": "t", "s": "d", "t": "y", "l": "k",
                    "d": "f", "g": "h", "k": "l", "m": "n"}.get(chars[i], chars[i])
    return "".join(chars)


def _table(target: str, english: bool) -> tuple[pl.Series, np.ndarray, np.ndarray]:
    """All spellings of every phrase, flat: (series, start of each code's block, phrases per code)."""
    flat: list[str] = []
    starts, counts = np.zeros(10, dtype=np.int64), np.zeros(10, dtype=np.int64)
    for code in range(1, 10):
        phrases = _PLACES[target] if code == 1 else (_ENGLISH if english else _COMMON)[code]
        starts[code], counts[code] = len(flat), len(phrases)
        for p in phrases:
            flat.extend([p, *(_misspell(p, k) for k in range(_N_VARIANTS))])
    return pl.Series(flat, dtype=pl.String), starts, counts


def association_texts(codes: np.ndarray, vet_ikke: np.ndarray, target: str, rng: np.random.Generator) -> pl.Series:
    """The free text of each respondent about one rated county.

    Parameters
    ----------
    codes
        ``(n, 3)`` codes 1–9 of the association slots (0: empty slot).
    vet_ikke
        ``(n,)`` bool: the respondent said «vet ikke» / nothing.
    target
        The rated county key.
    rng
        The generator's own stream (text never moves the other simulated answers).

    Returns
    -------
    polars.Series
        One string per respondent.

    Examples
    --------
    >>> rng = np.random.default_rng(1)
    >>> texts = association_texts(np.array([[1, 6, 0], [0, 0, 0]]), np.array([False, True]), "ostfold", rng)
    >>> texts.len()
    2
    """
    n = codes.shape[0]
    english = rng.random(n) < P_ENGLISH
    pieces: list[pl.Series] = []
    for lang in (False, True):
        flat, starts, counts = _table(target, lang)
        for slot in range(codes.shape[1]):
            for extra in (0, 1):
                c = codes[:, slot]
                used = (c >= 1) & (c <= 9) & (english == lang)
                if extra:
                    used &= rng.random(n) < P_SECOND
                phrase = (rng.random(n) * counts[np.clip(c, 1, 9)]).astype(np.int64)
                variant = np.where(rng.random(n) < P_MISSPELT, 1 + rng.integers(0, _N_VARIANTS, n), 0)
                index = starts[np.clip(c, 1, 9)] + phrase * (1 + _N_VARIANTS) + variant
                pieces.append(flat.gather(pl.Series(np.where(used, index, 0))).set(pl.Series(~used), None))
    # Interleave: slot 1 (nb, en), its extra, slot 2 … so the phrases come in slot order.
    ordered = [pieces[k] for k in range(len(pieces) // 2)] + [pieces[len(pieces) // 2 + k] for k in range(len(pieces) // 2)]
    frame = pl.DataFrame({f"p{i}": s for i, s in enumerate(ordered)})
    listed = frame.select(pl.concat_list(pl.all()).list.drop_nulls().alias("parts"))["parts"]
    sep = rng.integers(0, len(_SEPARATORS), n)
    en_sep = rng.integers(0, len(_EN_SEPARATORS), n)
    joined = pl.DataFrame({"parts": listed, "sep": sep, "en_sep": en_sep, "en": english}).select(
        pl.when(pl.col("en")).then(
            pl.coalesce([pl.when(pl.col("en_sep") == k).then(pl.col("parts").list.join(s)) for k, s in enumerate(_EN_SEPARATORS)])
        ).otherwise(
            pl.coalesce([pl.when(pl.col("sep") == k).then(pl.col("parts").list.join(s)) for k, s in enumerate(_SEPARATORS)])
        ).alias("text")
    )["text"]
    prefix = np.where(english, np.array(_EN_PREFIXES)[rng.integers(0, len(_EN_PREFIXES), n)],
                      np.array(_PREFIXES)[rng.integers(0, len(_PREFIXES), n)])
    case = rng.random(n)
    vi_text = np.array(_VET_IKKE)[rng.integers(0, len(_VET_IKKE), n)]
    out = pl.DataFrame({"text": joined, "prefix": prefix, "case": case, "vi": vet_ikke, "vi_text": vi_text}).select(
        pl.when(pl.col("vi")).then(pl.col("vi_text"))
        .when(pl.col("case") < P_LOWER).then((pl.col("prefix") + pl.col("text")).str.to_lowercase())
        .when(pl.col("case") < P_LOWER + P_UPPER).then((pl.col("prefix") + pl.col("text")).str.to_uppercase())
        .otherwise(pl.col("prefix") + pl.col("text")).alias("text")
    )["text"]
    return out
