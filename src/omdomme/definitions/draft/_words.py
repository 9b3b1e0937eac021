"""Reading a vendor's labels: counties, question roles, missing-code roles, age bands, codes.

The words are those of real labelling habits, Norwegian and English, compared after
:func:`norm` (lower case, «æ ø å» spelt ``ae o a``, accents dropped), so «Østfold»,
«Ostfold» and «ØSTFOLD fylke» are one county and «Ønsker ikke å svare» matches
``onsker ikke a svare``.
"""

from __future__ import annotations

import json
import os
import re
import unicodedata
from collections.abc import Iterable, Sequence
from typing import Any

OLDEST = 105  # SSB's last age class («105 år eller eldre»): the top of an open age band

# County names as labels write them: with or without «ø», genitive «-s», «… fylke».
COUNTY_RE = {
    "akershus": re.compile(r"\bakershus\b", re.IGNORECASE),
    "oslo": re.compile(r"\boslos?\b", re.IGNORECASE),
    "buskerud": re.compile(r"\bbuskeruds?\b", re.IGNORECASE),
    "vestfold": re.compile(r"\bvestfolds?\b", re.IGNORECASE),
    "ostfold": re.compile(r"\b(?:østfold|ostfold|oestfold)s?\b", re.IGNORECASE),
}

# Question roles from the question wording (normalised: lower case, æøå → ae o a, no accents).
# Checked in this order: the modern-firms statement also names the county's business sector.
ROLES: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("moderne", ("moderne og innovative", "moderne, innovative", "innovative bedrifter", "innovative virksomheter",
                 "innovative selskaper", "modern and innovative", "innovative companies", "innovative businesses",
                 "innovative firms")),
    ("assosiasjon", ("assosiasjon", "assosierer", "forbinder du", "forbinder med", "tenker du pa", "tenker pa",
                     "associate", "association", "come to mind", "comes to mind", "think of")),
    ("kjennskap", ("kjenner du", "kjennskap", "kjent med", "how well do you know", "know about", "familiar",
                   "knowledge of", "awareness", "kjent er du")),
    ("inntrykk", ("inntrykk", "impression", "oppfatning av", "opinion of")),
)

# Value labels of codes that are not answers on the scale.
VET_IKKE = ("vet ikke", "vet ikkje", "veit ikkje", "dont know", "don't know", "do not know", "usikker",
             "not sure", "unsure", "ingen formening", "ingen mening", "no opinion", "kan ikke svare",
             "cannot say", "can't say", "cant say")
NONRESPONSE = ("onsker ikke a svare", "vil ikke svare", "vil ikkje svare", "onsker ikke a oppgi",
                "refused", "refusal", "prefer not to", "ikke besvart", "ubesvart", "not answered",
                "no answer", "ikke svart", "ikke spurt", "not asked", "ikke relevant", "not applicable",
                "mangler", "missing", "ikke oppgitt", "not stated")

# Which end of a scale is "most" (knowing best, best impression, most agreement).
POSITIVE = ("svaert godt", "meget godt", "veldig godt", "svaert bra", "veldig bra", "svaert positiv",
             "helt enig", "very well", "very good", "very positive", "strongly agree", "completely agree",
             "totally agree", "excellent", "extremely well")
NEGATIVE = ("ikke i det hele tatt", "ikke noe", "svaert darlig", "meget darlig", "veldig darlig",
             "svaert negativ", "helt uenig", "not at all", "very poor", "very bad", "very negative",
             "strongly disagree", "completely disagree", "totally disagree")
AGREE = ("enig", "agree")
DISAGREE = ("uenig", "disagree")

# Dichotomy items: the label of the counted ("mentioned") value, and of the other one.
MENTIONED = ("nevnt", "valgt", "mentioned", "selected", "checked", "ja", "yes", "markert", "krysset av")
NOT_MENTIONED = ("ikke nevnt", "ikke valgt", "not mentioned", "not selected", "unchecked", "not checked",
                  "nei", "no", "ikke markert", "ikke krysset av")

# The partnership's code frame of associations: category -> words of labels that name it.
FRAME: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("steder", ("steder", "sted", "byer", "byen", "places", "place", "cities", "city", "towns")),
    ("sverige", ("sverige", "grensehandel", "svenskehandel", "sweden", "border", "harry")),
    ("natur", ("natur", "kyst", "skjaergard", "nature", "coast", "landscape", "scenery")),
    ("dialekt", ("dialekt", "dialect", "sprak")),
    ("naeringsliv", ("naeringsliv", "industri", "bedrifter", "business", "industry", "companies")),
    ("verdier", ("verdier", "egenskaper", "values", "characteristics", "qualities")),
    ("kultur", ("kultur", "historie", "culture", "history", "heritage")),
    ("negativ", ("negativ", "stereotyp", "negative", "stereotype")),
    ("annet", ("annet", "andre", "other", "something else", "anything else")),
)

SEX = {"mann": ("mann", "menn", "male", "man", "men", "gutt"), "kvinne": ("kvinne", "kvinner", "female",
                                                                          "woman", "women", "jente")}
SAMPLE = {"hoved": ("hoved", "main", "ordinaer", "landsrepresentativ", "representativ"),
           "boost": ("tillegg", "boost", "ekstra", "oversample", "supplement")}

# Respondent variables: words of the name or label.
ID_NAMES = ("id", "respid", "respondent", "respondentid", "respondentnr", "respnr", "lopenr", "lopenummer", "lnr",
            "serial", "serialno", "caseid", "record", "recordid", "intervjuid", "responseid", "intnr")
WEIGHT_WORDS = ("vekt", "weight", "wgt", "vektfaktor", "weighting")
AGE_WORDS = ("alder", "age", "alder_kat", "aldersgruppe", "age group", "agegroup")
_SEX_WORDS = ("kjonn", "gender", "sex")
SAMPLE_WORDS = ("utvalg", "sample", "utvalgstype", "panel")
KOMMUNE_WORDS = ("kommune", "kommunenummer", "kommunenr", "komnr", "knr", "municipality", "bostedskommune")
FYLKE_WORDS = ("fylke", "fylkesnummer", "fylkenr", "county", "region", "bostedsfylke")


def norm(text: str | None) -> str:
    """Lower case, Norwegian letters spelt out (æ → ae, ø → o, å → a), accents and quotes gone."""
    if not text:
        return ""
    t = text.casefold().replace("æ", "ae").replace("ø", "o").replace("å", "a").replace("’", "'")
    t = "".join(c for c in unicodedata.normalize("NFKD", t) if not unicodedata.combining(c))
    return re.sub(r"\s+", " ", t).strip()


def has(text: str, words: Iterable[str]) -> bool:
    """Whether the normalised ``text`` contains one of ``words`` as whole words."""
    return any(re.search(rf"(?<![a-z0-9]){re.escape(w)}(?![a-z0-9])", text) for w in words)


def num(code: Any) -> Any:
    if isinstance(code, float) and code.is_integer():
        return int(code)
    return code


def toml_str(value: object) -> str:
    # TOML basic strings and arrays share JSON's syntax for the values written here.
    return json.dumps(value, ensure_ascii=False)


def toml_key(name: str) -> str:
    return name if re.fullmatch(r"[A-Za-z0-9_-]+", name) else toml_str(name)


def slug(label: str) -> str:
    words = re.findall(r"[a-z0-9]+", norm(label))
    return "_".join(words[:3]) or "kategori"


def quote(label: str) -> str:
    return f"«{label}»"


# --------------------------------------------------------------------------- reading the labels


def county_named(label: str | None) -> str | None:
    """The county key when ``label`` names exactly one of the five counties, else ``None``.

    Examples
    --------
    >>> county_named("Hvor godt kjenner du til næringslivet i Østfold?")
    'ostfold'
    >>> county_named("Inntrykk av - Ostfold fylke"), county_named("Oslo og Akershus"), county_named("Oslofjorden")
    ('ostfold', None, None)
    """
    if not label:
        return None
    named = [key for key, pattern in COUNTY_RE.items() if pattern.search(label)]
    return named[0] if len(named) == 1 else None


def question_role(label: str | None) -> str | None:
    """The harmonised question a variable label asks, from its wording (Norwegian or English).

    Examples
    --------
    >>> question_role("How well do you know the business sector in Oslo?")
    'kjennskap'
    >>> question_role("Hva tenker du på når du hører Østfold? - Nevnt: Natur")
    'assosiasjon'
    >>> question_role("Alder") is None
    True
    """
    text = norm(label)
    for role, words in ROLES:
        if any(w in text for w in words):
            return role
    return None


def code_role(label: str | None) -> str | None:
    """``vet_ikke`` or ``nonresponse`` when a value label says so, else ``None``.

    Examples
    --------
    >>> code_role("Vet ikke"), code_role("Ønsker ikke å svare"), code_role("Prefer not to say")
    ('vet_ikke', 'nonresponse', 'nonresponse')
    >>> code_role("Svært godt") is None
    True
    """
    text = norm(label)
    if not text:
        return None
    if has(text, NONRESPONSE):
        return "nonresponse"
    if has(text, VET_IKKE):
        return "vet_ikke"
    return None


def age_band(label: str | None) -> tuple[int, int] | None:
    """The inclusive range of years a band's label names: «18-29 år», «70 år og eldre», «Under 30».

    Examples
    --------
    >>> age_band("18-29 år"), age_band("70 år og eldre"), age_band("75+"), age_band("30 to 44 years")
    ((18, 29), (70, 105), (75, 105), (30, 44))
    >>> age_band("Mann") is None
    True
    """
    text = norm(label)
    m = re.search(r"(\d{1,3})\s*(?:-|–|—|til|to)\s*(\d{1,3})", text.replace("–", "-"))
    if m and int(m.group(1)) <= int(m.group(2)):
        return int(m.group(1)), int(m.group(2))
    m = re.search(r"(\d{1,3})\s*(?:\+|ar\s*\+|ar og eldre|ar eller eldre|ar og over|ar eller mer|"
                  r"(?:years )?and over|(?:years )?and older|(?:years )?or older|or more)", text)
    if m:
        return int(m.group(1)), OLDEST
    m = re.search(r"(?:under|yngre enn|younger than|less than)\s*(\d{1,3})", text)
    if m:
        return 18, int(m.group(1)) - 1
    return None


def frame_category(label: str) -> str | None:
    """The partnership's association category a code or item label names (first match in the text)."""
    text = norm(label)
    best: tuple[int, str] | None = None
    for category, words in FRAME:
        for w in words:
            m = re.search(rf"(?<![a-z0-9]){re.escape(w)}", text)
            if m and (best is None or m.start() < best[0]):
                best = (m.start(), category)
    return best[1] if best else None


def is_label(label: str | None, words: Sequence[str]) -> bool:
    """Whether the whole label is one of ``words`` (a leading code, «1 Mann», «2. Kvinne», is ignored)."""
    text = re.sub(r"^\d+\s*[.:)=-]?\s+", "", norm(label)).strip(" .")
    return text in words



def scale_direction(labels: Sequence[str]) -> str | None:
    """``ascending`` when the last label is the positive end, ``descending`` when the first is."""
    if len(labels) < 2:
        return None
    first, last = norm(labels[0]), norm(labels[-1])
    if has(last, POSITIVE) or has(first, NEGATIVE):
        return "ascending"
    if has(first, POSITIVE) or has(last, NEGATIVE):
        return "descending"
    return None


def wording_of(label: str | None) -> str | None:
    """The question text with the county name replaced by ``{county}``."""
    if not label:
        return None
    county = county_named(label)
    if county is None:
        return label
    return COUNTY_RE[county].sub(lambda m: "{county}" + ("s" if m.group(0).lower().endswith("s")
                                                              and county != "akershus" else ""), label, count=1)


def item_texts(labels: Sequence[str]) -> list[str]:
    """What the labels of one set of items do not share: «Hva … Østfold? - Natur» -> «Natur»."""
    if len(labels) < 2:
        parts = re.split(r"\s[-–—:]\s|[?:]\s+", labels[0]) if labels else [""]
        return [parts[-1].strip()]
    prefix = os.path.commonprefix(list(labels))
    suffix = os.path.commonprefix([lab[::-1] for lab in labels])[::-1]
    # Back to a word boundary: items «Steder» and «Sverige» share «S», which is theirs.
    while prefix and prefix[-1].isalnum():
        prefix = prefix[:-1]
    while suffix and suffix[0].isalnum():
        suffix = suffix[1:]
    out = []
    for lab in labels:
        core = lab[len(prefix): len(lab) - len(suffix) if suffix else None]
        out.append(core.strip(" -–—:?.") or lab)
    return out

