"""Coding quality: how well :func:`omdomme.coding.propose_codes` finds the codes of free-text answers.

Precision and recall per code of the frame (and «vet ikke») against the synthetic truth, the
codes each answer was made from, on answers from two generators:

``shipped``
    ``omdomme.simulate._freetext.association_texts``, which writes the shipped rounds' free
    text. It shares most of its words with the lexicon: 75 of its 139 Norwegian phrases are
    literally lexicon terms and most of the rest are their inflections, and 95 of its 106 place
    names are in the lexicon's place list (the lexicon was written with these lists in view).
    Its numbers flatter the coder and are shown for comparison only.
``independent``
    A generator written for this study (below) and never used to build or tune the lexicon:
    its own phrases per code (Norwegian, some nynorsk and dialect, English), its own
    place names — every kommune name 2015–2024 from SSB Klass 131
    (``src/omdomme/data/klass131_kommuneinndeling_2015_2024.csv``, the package's copy of
    ``../shared/data/ssb``'s) and every postal place of
    Bring's register (the ``bring_postnummerregister`` rows of the lexicon's ``places.csv``, the
    only copy of the register here) and Oslo's fifteen bydeler, minus every name the shipped
    generator uses — in
    inflected and compound forms («Haldens», «Rakkestad-området»), places elsewhere in Norway,
    its own spelling errors (ø as «oe», «kj» as «sj», a doubled or dropped consonant, a word
    split in two, a neighbouring key on a Norwegian keyboard), its own prefixes, separators
    and placeholders for «vet ikke». This is the measurement.

The seed of the reported runs is ``SEED = 20261202`` (the date of the session that wrote the
study), fixed before the first measured run and never used while the generator or the study
was written (development ran with ``--seed 0`` and ``--seed 1`` only, on a few hundred answers).
No word of this generator was added to the lexicon. Two runs are reported (studies/README.md):
with the lexicon as it was (main at 72875fb) and after the hardening for vendors' free text in
the wild (the repairs of ``omdomme.coding._text.clean``; placeholders such as «ingen kommentar»,
«n/a», «99» as «vet ikke», some of which this generator writes too; ordinals as function
words after the development run showed «Det første jeg tenker på» read as «forest»).

Run from the repository root::

    python studies/coding_quality.py                      # 4000 answers per generator, SEED
    python studies/coding_quality.py --n 500 --seed 0     # a quick look
"""

from __future__ import annotations

import argparse
import time
from pathlib import Path
from typing import TypeVar

import numpy as np
import polars as pl

REPO = Path(__file__).resolve().parents[1]
# The package ships the same SSB Klass file as ../shared/data/ssb (src/omdomme/data/README.md).
SSB_DATA = REPO / "src" / "omdomme" / "data"
SEED = 20261202
COUNTIES = ("ostfold", "akershus", "oslo", "buskerud", "vestfold")
CODES = ("steder", "sverige", "natur", "dialekt", "naeringsliv", "verdier", "kultur", "negativ", "annet")
VET_IKKE = "vet_ikke"
# County numbers of Klass 131 before 2020 and from 2024 (Viken, 30, 2020-2023, spans three counties).
_FYLKE = {"01": "ostfold", "31": "ostfold", "02": "akershus", "32": "akershus", "03": "oslo",
          "06": "buskerud", "33": "buskerud", "07": "vestfold", "39": "vestfold"}

# ------------------------------------------------------------------ the independent generator's words
# Written for this study, one code per phrase; not taken from the lexicon or the shipped generator.
_NB: dict[str, tuple[str, ...]] = {
    "sverige": ("svenskehandel", "kjøre over grensa for å handle", "grensa mot Sverige", "billig sprit over grensen",
                "svenske turister", "Töcksfors", "Charlottenberg", "svenskebutikkene", "handletur over grensen",
                "nærheten til Sverige", "svenskegrensen", "Systemet i Strömstad", "grensebutikker",
                "svenske priser"),
    "natur": ("granskog", "lange sandstrender", "holmer og skjær", "padling", "hytteliv", "Oslofjorden",
              "vakker kystlinje", "elgjakt", "blåbærskog", "friluftsliv", "sjøen", "vann og vassdrag",
              "grønne jorder", "fjellturer", "skiløyper", "solnedgang over fjorden", "fuglelivet", "furuskog",
              "landlige omgivelser", "sjøluft", "nydelige badeplasser", "vidder"),
    "dialekt": ("snakker rart", "tjukk l", "bred dialekt", "uttalen", "språket deres", "måten folk prater på",
                "dialekta", "syngende tonefall"),
    "naeringsliv": ("treindustri", "papirfabrikk", "skipsverft", "næringsparker", "store arbeidsgivere",
                    "lagerbygg og logistikksentre", "IT-bedrifter", "gartnerier", "bryggeriet", "teknologiklynger",
                    "arbeidsliv", "næringsklynge", "fabrikkpiper", "produksjonsbedrifter", "handelsbedrifter",
                    "mange små bedrifter", "entreprenører", "eksportbedrifter", "næringsutvikling",
                    "grønn industri"),
    "verdier": ("flinke folk", "hardtarbeidende", "lojale", "omgjengelige", "ydmyke", "sindige", "tøffe",
                "praktiske", "løsningsorienterte", "hjertevarme", "tillitsfulle", "rolige folk", "entusiastiske",
                "stå-på-vilje", "nysgjerrige", "framoverlent", "ambisiøse", "respektfulle", "troverdige",
                "hjelpsomme", "likandes", "solide folk", "uhøytidelige", "varme mennesker"),
    "kultur": ("kulturarv", "gamle bygninger", "gravhauger", "kunstutstillinger", "korps", "revy", "Munch",
               "rockefestival", "bibliotek", "steinalderen", "kulturhus", "musikkliv", "gamle kirker",
               "bygdetun", "historiske steder", "kulturtilbud", "sommerkonserter", "idrett"),
    "negativ": ("sosiale problemer", "forfall", "stygge bygg", "bråk", "rusproblemer", "fattigdom", "uføre",
                "provinsielt", "trangsynte", "slitne tettsteder", "tomme butikklokaler", "stygt", "skittent",
                "lav utdanning", "kjedelige byer", "fraflytting", "kjipt", "ufint rykte"),
    "annet": ("biltur", "sykehuset", "barndommen", "kjæresten min", "regn", "hunden", "togstasjonen", "bompenger",
              "IKEA", "julebord", "bestemor", "jobben min", "skolen", "bryllup", "russetiden", "lottotrekning",
              "bensinstasjon", "ei tante", "fergen", "studietiden"),
}
# Nynorsk and dialect spellings some respondents use.
_NN: dict[str, tuple[str, ...]] = {
    "natur": ("fjorden og sjøen", "skogen og vatna"),
    "verdier": ("ærlege folk", "arbeidsame", "greie folk"),
    "negativ": ("keisamt", "trist og grått"),
    "dialekt": ("dialekten dei snakkar",),
}
_EN: dict[str, tuple[str, ...]] = {
    "sverige": ("booze runs to Sweden", "the border with Sweden", "cheap shopping across the border", "Swedes"),
    "natur": ("beautiful scenery", "the fjord", "woods", "hiking", "sandy beaches", "fishing"),
    "dialekt": ("the way they talk", "strong accent"),
    "naeringsliv": ("manufacturing", "paper mills", "shipyards", "tech companies", "agriculture", "employers"),
    "verdier": ("kind people", "hard working", "modest", "trustworthy", "creative people", "polite"),
    "kultur": ("old churches", "art", "heritage", "music festivals", "theatre"),
    "negativ": ("dull", "run down", "drugs", "poverty", "ugly buildings"),
    "annet": ("my aunt", "the hospital", "rain", "my childhood", "the airport"),
}
_VET_IKKE = ("vet ikke", "Vet ikke", "VET IKKE", "vet ikke noe om det", "aner ikke", "ingen formening", "ingenting",
             "har ikke noe forhold til det", "kan ikke si", "usikker", "vet ikke helt", "ingen", "nei", "-", "--",
             ".", "?", "", "ingen kommentar", "ingenting spesielt", "ikke noe spesielt", "don't know", "no idea",
             "nothing", "n/a", "99", "x", "husker ikke")
_PREFIXES = ("", "", "", "", "", "", "Det første jeg tenker på er ", "Forbinder med ", "Tja, ", "Kanskje ",
             "Mest av alt ", "Assosierer med ", "Jeg tenker ")
_EN_PREFIXES = ("", "", "Mainly ", "I associate it with ", "Probably ")
_SEPARATORS = (", ", " og ", "\n", "; ", " + ", " & ", "... ", ",", " samt ")
_EN_SEPARATORS = (", ", " and ", "; ")
_PLACE_FORMS = ("{}", "{}", "{}", "{}", "{}s", "{}-området", "rundt {}", "{} sentrum", "{}regionen", "i {}")
_OSLO_BYDELER = ("Gamle Oslo", "Grünerløkka", "Sagene", "St. Hanshaugen", "Frogner", "Ullern", "Vestre Aker",
                 "Nordre Aker", "Bjerke", "Grorud", "Stovner", "Alna", "Østensjø", "Nordstrand", "Søndre Nordstrand")
# Norwegian keyboard neighbours (a few).
_KEYS = {"a": "s", "s": "a", "e": "w", "r": "e", "t": "r", "n": "b", "m": "n", "k": "j", "l": "k", "o": "i",
         "i": "u", "g": "f", "d": "s", "ø": "æ", "æ": "ø", "å": "p", "h": "g", "v": "c", "b": "v", "u": "y"}

P_VET_IKKE, P_ENGLISH, P_NYNORSK, P_ERROR, P_LOWER, P_UPPER, P_ELSEWHERE = 0.12, 0.06, 0.05, 0.15, 0.2, 0.03, 0.15
WEIGHTS = {"steder": 0.42, "sverige": 0.08, "natur": 0.12, "dialekt": 0.03, "naeringsliv": 0.08, "verdier": 0.1,
           "kultur": 0.07, "negativ": 0.05, "annet": 0.05}


_Names = TypeVar("_Names", pl.Series, pl.Expr)


def _fold(names: _Names) -> _Names:
    return names.str.to_lowercase().str.replace_many(["aa", "æ", "ø", "å"], ["a", "ae", "o", "a"])


def place_pools() -> tuple[dict[str, list[str]], list[str]]:
    """Place names per county of the five and elsewhere in Norway, minus those of the shipped generator."""
    from omdomme.simulate._freetext import _PLACES

    klass = pl.read_csv(SSB_DATA / "klass131_kommuneinndeling_2015_2024.csv", schema_overrides={"fylke": pl.String})
    klass = klass.select(
        pl.col("name").str.replace(r"\s*\(.*\)$", "").str.split(" - ").list.first().str.strip_chars().alias("name"),
        pl.col("fylke").replace_strict(_FYLKE, default="annet").alias("county"),
    )
    bring = pl.read_csv(REPO / "src/omdomme/coding/data/places.csv", comment_prefix="#", infer_schema=False).filter(
        pl.col("source") == "bring_postnummerregister").select(
        pl.col("name").str.to_titlecase(), pl.when(pl.col("county").is_in(COUNTIES)).then(pl.col("county"))
        .otherwise(pl.lit("annet")).alias("county"))
    used = set(_fold(pl.Series([p for ps in _PLACES.values() for p in ps])).to_list())
    both = pl.concat([klass, bring]).unique(maintain_order=True).filter(~_fold(pl.col("name")).is_in(list(used)))
    # Viken's (30) and Vestfold og Telemark's (38) names count as elsewhere only when no version of
    # Klass lists them under one of the five counties.
    pools = {c: sorted(set(both.filter(pl.col("county") == c)["name"].to_list())) for c in COUNTIES}
    # Oslo is one kommune and one postal place: its fifteen bydeler (Oslo kommune's list), less
    # those the shipped generator uses, are what people name there.
    pools["oslo"] = sorted(set(pools["oslo"]) | {n for n in _OSLO_BYDELER if _fold(pl.Series([n]))[0] not in used})
    inside = {n for ps in pools.values() for n in ps}
    elsewhere = sorted(set(both.filter(pl.col("county") == "annet")["name"].to_list()) - inside)
    return pools, elsewhere


def _misspell(word: str, rng: np.random.Generator) -> str:
    """One spelling error of this study's own kinds."""
    kind = int(rng.integers(7))
    if kind == 0 and any(c in word for c in "øæåØÆÅ"):
        return word.replace("ø", "oe").replace("æ", "e").replace("å", "aa").replace("Ø", "Oe").replace("Å", "Aa")
    if kind == 1 and "kj" in word.lower():
        return word.replace("kj", "sj").replace("Kj", "Sj")
    letters = [i for i, c in enumerate(word) if c.isalpha()]
    if len(letters) < 5:
        return word
    i = letters[int(rng.integers(1, len(letters) - 1))]
    if kind == 2:  # a doubled consonant, or a double one made single
        if i + 1 < len(word) and word[i] == word[i + 1]:
            return word[:i] + word[i + 1:]
        return word[:i] + word[i] + word[i:] if word[i] not in "aeiouyæøå" else word
    if kind == 3:  # the last letter dropped
        return word[:-1]
    if kind == 4 and len(word) >= 8:  # split in two
        return word[:i] + " " + word[i:]
    if kind == 5:
        return word[:i] + _KEYS.get(word[i], word[i]) + word[i + 1:]
    return word[:i] + word[i + 1:]  # a letter dropped


def independent_answers(n: int, seed: int) -> pl.DataFrame:
    """``n`` answers (``county, text, truth``) from this study's own generator."""
    rng = np.random.default_rng(seed)
    pools, elsewhere = place_pools()
    codes = list(WEIGHTS)
    p = np.array(list(WEIGHTS.values()))
    p = p / p.sum()
    rows = []
    for _ in range(n):
        county = COUNTIES[int(rng.integers(len(COUNTIES)))]
        if rng.random() < P_VET_IKKE:
            rows.append({"county": county, "text": str(rng.choice(_VET_IKKE)), "truth": [VET_IKKE]})
            continue
        english = rng.random() < P_ENGLISH
        k = int(rng.choice([1, 2, 3, 4], p=[0.6, 0.28, 0.1, 0.02]))
        phrases, truth = [], set()
        for code in rng.choice(codes, size=k, p=p):
            code = str(code)
            if code == "steder":
                pool = elsewhere if rng.random() < P_ELSEWHERE else pools[county]
                name = str(rng.choice(pool))
                phrase = name if english else str(rng.choice(_PLACE_FORMS)).format(name)
            else:
                table = _EN if english else (_NN if rng.random() < P_NYNORSK and code in _NN else _NB)
                phrase = str(rng.choice(table[code]))
            if rng.random() < P_ERROR:
                words = phrase.split(" ")
                j = int(rng.integers(len(words)))
                words[j] = _misspell(words[j], rng)
                phrase = " ".join(words)
            phrases.append(phrase)
            truth.add(code)
        sep = str(rng.choice(_EN_SEPARATORS if english else _SEPARATORS))
        text = str(rng.choice(_EN_PREFIXES if english else _PREFIXES)) + sep.join(phrases)
        case = rng.random()
        text = text.lower() if case < P_LOWER else text.upper() if case < P_LOWER + P_UPPER else text
        rows.append({"county": county, "text": text, "truth": sorted(truth, key=CODES.index)})
    return pl.DataFrame(rows, schema={"county": pl.String, "text": pl.String, "truth": pl.List(pl.String)})


def shipped_answers(n: int, seed: int) -> pl.DataFrame:
    """``n`` answers (``county, text, truth``) from the generator of the shipped rounds."""
    from omdomme.simulate._freetext import association_texts
    from omdomme.simulate._shared import ASSOCIATION_CODES

    rng = np.random.default_rng(seed)
    parts = []
    per = n // len(COUNTIES)
    for county in COUNTIES:
        k = rng.choice([1, 2, 3], size=per, p=[0.55, 0.33, 0.12])
        slots = rng.integers(1, 10, size=(per, 3))
        slots[np.arange(3)[None, :] >= k[:, None]] = 0
        vet_ikke = rng.random(per) < P_VET_IKKE
        slots[vet_ikke] = 0
        texts = association_texts(slots, vet_ikke, county, rng)
        truth = [[VET_IKKE] if vi else sorted({ASSOCIATION_CODES[int(c)] for c in row if c}, key=CODES.index)
                 for row, vi in zip(slots, vet_ikke, strict=True)]
        parts.append(pl.DataFrame({"county": county, "text": texts, "truth": truth},
                                  schema={"county": pl.String, "text": pl.String, "truth": pl.List(pl.String)}))
    return pl.concat(parts)


def propose(answers: pl.DataFrame) -> pl.DataFrame:
    """``answers`` with ``proposed`` (the coder's codes, ``[vet_ikke]`` for «vet ikke») and ``reason``."""
    from omdomme.coding import propose_codes

    out = propose_codes(answers["text"], list(CODES))
    proposed = pl.when(pl.col("vet_ikke")).then(pl.lit([VET_IKKE])).otherwise(pl.col("codes"))
    return answers.with_columns(out.select(proposed.alias("proposed"), "reason"))


def score(answers: pl.DataFrame) -> tuple[pl.DataFrame, float]:
    """Precision, recall and F1 per code (``vet_ikke`` as a code) and the share of answers coded exactly.

    ``answers`` may already hold :func:`propose`'s columns (``proposed``); then the coder is not run again.
    """
    frame = answers if "proposed" in answers.columns else propose(answers)
    rows = []
    for code in (*CODES, VET_IKKE):
        t = frame["truth"].list.contains(code)
        q = frame["proposed"].list.contains(code)
        tp, fp, fn = int((t & q).sum()), int((~t & q).sum()), int((t & ~q).sum())
        rows.append({"code": code, "answers_with_code": tp + fn, "proposed": tp + fp,
                     "precision": tp / (tp + fp) if tp + fp else None, "recall": tp / (tp + fn) if tp + fn else None})
    table = pl.DataFrame(rows).with_columns(
        f1=2 * pl.col("precision") * pl.col("recall") / (pl.col("precision") + pl.col("recall")))
    exact = float((frame["truth"].list.sort() == frame["proposed"].list.sort()).mean())  # type: ignore[arg-type]
    return table, exact


def misses(answers: pl.DataFrame, code: str, k: int = 15) -> pl.DataFrame:
    """Answers whose truth has ``code`` and whose proposal does not (to read, not to tune the lexicon on)."""
    return propose(answers).filter(pl.col("truth").list.contains(code) & ~pl.col("proposed").list.contains(code)).head(k)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--n", type=int, default=4000, help="answers per generator")
    parser.add_argument("--seed", type=int, default=SEED)
    parser.add_argument("--show-misses", metavar="CODE", help="print answers whose CODE the coder missed")
    args = parser.parse_args()
    start = time.monotonic()
    with pl.Config(tbl_rows=20, tbl_hide_dataframe_shape=True, float_precision=3, tbl_width_chars=160,
                   fmt_str_lengths=80):
        for name, make in (("independent", independent_answers), ("shipped", shipped_answers)):
            answers = make(args.n, args.seed)
            table, exact = score(answers)
            print(f"{name} generator: {answers.height} answers, seed {args.seed}; answers coded exactly: {exact:.3f}")
            print(table)
            if args.show_misses and name == "independent":
                print(misses(answers, args.show_misses).select("text", "truth", "proposed", "reason"))
    print(f"{time.monotonic() - start:.0f} s")


if __name__ == "__main__":
    main()
