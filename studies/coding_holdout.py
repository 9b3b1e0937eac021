"""Held-out coding quality: :func:`omdomme.coding.propose_codes` on answers it was not built from.

Who wrote it and what it never looked at
    Written on 2026-12-02 by a helper session of the project, from its own knowledge of how
    people in Norway answer «Hva tenker du på når du hører navnet <fylke>?», for one purpose:
    to measure the coder on text it was not built from. While writing it the author did not
    open anything under ``src/omdomme/coding/`` (the lexicon, its word and place lists, the
    coder), ``src/omdomme/simulate/_freetext.py`` (the generator of the shipped rounds) or the
    word lists of ``studies/coding_quality.py`` (its phrase, prefix, separator and placeholder
    tables); of that script only the measurement (``propose``, ``score``, the CLI) was read, and
    it is imported here, not copied. The coding rules in ``docs/definitions.md`` (the table of
    what each code means) were read, as any coder of the survey would. Place names come from
    the author's own lists (towns, villages, islands, districts, rivers, lakes, landmarks) and
    from the kommune names of SSB Klass 131 in ``src/omdomme/data/`` (county from the 2024
    kommune number); no place list of the lexicon was used.

What it writes
    Answers of 1–15 words: one to four mentions per answer, each of one code, joined by the
    separators people type; bokmål mostly, some nynorsk, Østland dialect spellings («dom»,
    «itte», «bære») and English; values and characteristics as adjectives in every inflection
    (-t, -e, comparative, superlative, «mer/mest»), as nouns («gjestfrihet»), in sentences
    («de er veldig arbeidsomme der»), with intensifiers and with negations that keep the code
    («ikke så snobbete» is still `negativ`); places in inflected, possessive and compound
    forms («Sarpsborgs», «Moss-området», «ute på Hvaler», «Tønsberg-folk»); an own error model
    (transposed letters, a dropped vowel, a doubled or single consonant, æøå typed as
    ae/oe/aa, a/o/a or Swedish ä/ö, «hv» written «v», «skj» as «sj», «nd» as «nn», a lost last
    letter, a neighbouring key), case and punctuation noise, and many spellings of «vet ikke».

The truth (two rules for places)
    Each answer's truth is the set of codes its mentions were made from. ``truth`` follows the
    partnership's frame: `steder` is a place *in the rated county*; a place in another of the
    five counties, elsewhere in Norway or abroad is `annet`. The coder is not told which county
    an answer rates (``propose_codes(texts, frame)``) and its documented rule is «a place in
    Norway», so ``truth_norway`` is also kept — a place anywhere in Norway is `steder`, abroad
    `annet` — and the study scores both. Named cultural landmarks («Fredriksten festning»,
    «Vigelandsparken») are `steder` + `kultur`; named rivers, lakes and islands are `steder`
    only (the generic «elva», «skjærgården» are `natur`); compounds of a place and a code word
    carry both («Fredrikstad-dialekten» is `steder` + `dialekt`); «vet ikke, kanskje Halden»
    is `steder` (no «vet ikke» beside another code); Swedish border towns are `sverige`; a
    value adjective about firms («innovativt næringsliv») is `verdier` + `naeringsliv`. A place
    name used by two counties (Torp, Frogner, Nordby, Våler, Nes, …) or moved between counties
    in 2020–2024 (Rømskog, Røyken, Hurum, Svelvik, Jevnaker, Lunner, Stokke) is left out.

Seed
    ``SEED = 61_803_398`` was fixed before the first measured run and never used while the
    generator was written; development ran with seeds 0–3 on a few hundred answers only.

Run from the repository root::

    python studies/coding_holdout.py                  # 4000 answers, SEED
    python studies/coding_holdout.py --n 300 --seed 0 --show-misses verdier
"""

from __future__ import annotations

import argparse
import sys
import time
from collections.abc import Callable, Sequence
from typing import TypeVar

import numpy as np
import polars as pl

sys.path.insert(0, str(__import__("pathlib").Path(__file__).resolve().parent))
from coding_quality import CODES, COUNTIES, SSB_DATA, VET_IKKE, propose, score  # noqa: E402

SEED = 61_803_398
T = TypeVar("T")
FRAME = (*CODES, VET_IKKE)
_FYLKE_2024 = {"31": "ostfold", "32": "akershus", "03": "oslo", "33": "buskerud", "39": "vestfold"}
_VOWELS = "aeiouyæøå"
_MOVED = ("Rømskog", "Røyken", "Hurum", "Svelvik", "Jevnaker", "Lunner", "Stokke")

P_VET_IKKE = 0.13
P_HEDGED_VET_IKKE = 0.025  # «vet ikke, kanskje …» before real content
P_ENGLISH = 0.05
P_NYNORSK = 0.08
P_DIALECT = 0.06
P_ERROR = 0.09
P_LOWER, P_UPPER = 0.22, 0.03
P_KOMMUNE = 0.35            # of places in the rated county: a Klass kommune name (else the own lists)
MAX_WORDS = 15
P_ELSEWHERE = 0.16          # of place mentions: not in the rated county
WEIGHTS = {"steder": 0.38, "verdier": 0.15, "natur": 0.12, "naeringsliv": 0.09, "kultur": 0.08,
           "sverige": 0.06, "negativ": 0.06, "dialekt": 0.04, "annet": 0.05}
# Sweden comes to mind for the border counties; the others mention it rarely.
_SVERIGE = {"ostfold": 0.16, "akershus": 0.04, "oslo": 0.01, "buskerud": 0.01, "vestfold": 0.01}

# --------------------------------------------------------------------------------------------
# Places: the author's own lists, per county and kind (beyond the kommune names of Klass).
# --------------------------------------------------------------------------------------------
PLACES: dict[str, dict[str, tuple[str, ...]]] = {
    "ostfold": {
        "by": ("Gamlebyen", "Kråkerøy", "Skjærhalden", "Gressvik", "Borge", "Torsnes", "Onsøy",
               "Manstad", "Rolvsøy", "Lisleby", "Glemmen", "Seut", "Østre Fredrikstad", "Skjeberg",
               "Tune", "Grålum", "Greåker", "Hafslund", "Varteig", "Sandesund", "Alvim", "Tistedal",
               "Idd", "Prestebakke", "Mysen", "Ørje", "Rødenes", "Degernes", "Knapstad", "Tomter",
               "Karlshus", "Saltnes", "Larkollen", "Dilling", "Refsnes", "Kambo", "Slitu",
               "Strømsfoss", "Kirkøy", "Hvaler-øyene", "Ise", "Ambjørnrød", "Kjølberg", "Vestre Fredrikstad",
               "Sellebakk", "Engelsviken", "Fuglevik", "Vikane", "Missingen", "Ørmen", "Hauge",
               "Halmstad", "Ringvoll", "Kjærnes"),
        "øy": ("Jeløy", "Spjærøy", "Vesterøy", "Asmaløy", "Akerøya", "Søndre Sandøy", "Hankø",
               "Isegran", "Hestholmen", "Kirkøy"),
        "distrikt": ("Indre Østfold", "Nedre Glomma", "Fredrikstad-området", "Sarpsborg-regionen",
                     "Mosseregionen", "Haldenregionen", "Østfoldbyene"),
        "vann": ("Glomma", "Vansjø", "Haldenvassdraget", "Iddefjorden", "Femsjøen", "Aspern",
                 "Øymarksjøen", "Mosseelva", "Sarpsfossen", "Rødenessjøen", "Ørjeelva"),
        "landemerke": ("Fredrikstadbrua", "Ørje sluser", "Brekke sluser", "Rygge flystasjon",
                       "Ise-senteret", "Torvbyen"),
    },
    "akershus": {
        "by": ("Strømmen", "Skedsmokorset", "Kjeller", "Fjerdingby", "Sørumsand", "Blaker", "Jessheim",
               "Kløfta", "Råholt", "Eidsvoll verk", "Maura", "Årnes", "Auli", "Bjørkelangen", "Aurskog",
               "Løken", "Fetsund", "Fjellhamar", "Hakadal", "Sandvika", "Stabekk", "Bekkestua", "Høvik",
               "Fornebu", "Lysaker", "Kolsås", "Gjettum", "Østerås", "Bærums verk", "Lommedalen",
               "Heggedal", "Vollen", "Slemmestad", "Nesbru", "Billingstad", "Hvalstad", "Tofte",
               "Sætre", "Filtvet", "Holmsbu", "Drøbak", "Fagerstrand", "Nesoddtangen", "Kolbotn",
               "Langhus", "Siggerud", "Kråkstad", "Vinterbro", "Son", "Hølen", "Ytre Enebakk",
               "Flateby", "Harestua", "Grua", "Hvam", "Dal", "Hurdal verk", "Skui", "Jar", "Rykkinn",
               "Myrvoll", "Ski sentrum", "Greverud", "Sofiemyr"),
        "øy": ("Kalvøya", "Håøya", "Brønnøya", "Langøyene", "Ostøya", "Nesøya"),
        "distrikt": ("Romerike", "Øvre Romerike", "Nedre Romerike", "Follo", "Asker og Bærum",
                     "Gardermoen-området", "Nordre Follo", "Vestre Bærum"),
        "vann": ("Øyeren", "Vorma", "Hurdalsjøen", "Bunnefjorden", "Leira", "Nitelva", "Lysakerelva",
                 "Sandvikselva", "Gjersjøen", "Årungen", "Bogstadvannet"),
        "landemerke": ("Gardermoen", "Oslo lufthavn", "Tusenfryd", "Kolsåstoppen", "Telenor Arena",
                       "Lillestrøm stasjon", "Strømmen storsenter"),
    },
    "oslo": {
        "by": ("Majorstuen", "Grønland", "Tøyen", "Torshov", "Storo", "Nydalen", "Bislett",
               "Vinderen", "Røa", "Bygdøy", "Grorud", "Furuset", "Holmlia", "Mortensrud",
               "Lambertseter", "Bøler", "Bryn", "Helsfyr", "Ensjø", "Økern", "Kampen", "Tåsen",
               "Blindern", "Skøyen", "Smestad", "Slemdal", "Bekkelaget", "Ljan", "Nordstrand",
               "Ekeberg", "Løren", "Hasle", "Rodeløkka", "Vaterland", "Sinsen", "Haugerud", "Tveita",
               "Romsås", "Vestli", "Kalbakken", "Ullevål", "Hovseter", "Sørenga", "Kjelsås",
               "Grefsen", "Ullevål Hageby", "Lindern", "Homansbyen", "Kværner", "Abildsø"),
        "øy": ("Hovedøya", "Gressholmen", "Lindøya", "Nakholmen", "Malmøya", "Ormøya", "Bleikøya"),
        "distrikt": ("Grünerløkka", "Gamle Oslo", "St. Hanshaugen", "Sagene", "Nordre Aker",
                     "Vestre Aker", "Søndre Nordstrand", "Groruddalen", "Østkanten", "Vestkanten",
                     "Oslo sentrum", "Stovner", "Alna", "Bjerke", "Østensjø", "Ullern"),
        "vann": ("Akerselva", "Alnaelva", "Sognsvann", "Maridalsvannet", "Østensjøvannet",
                 "Nøklevann", "Hovinbekken"),
        "landemerke": ("Aker brygge", "Karl Johan", "Holmenkollen", "Tjuvholmen", "Bjørvika",
                       "Frognerparken", "Oslo S", "Jernbanetorget", "Youngstorget", "Egertorget",
                       "Slottsparken", "Tryvann", "Frognerseteren", "Ekebergsletta", "Barcode",
                       "Oslo City", "Sofienbergparken", "Birkelunden", "Nordmarka", "Østmarka",
                       "Lillomarka", "Vippetangen", "Sørenga sjøbad", "Ullevål stadion",
                       "Bislett stadion", "Oslo Spektrum"),
    },
    "buskerud": {
        "by": ("Bragernes", "Strømsø", "Konnerud", "Åssiden", "Gulskogen", "Tranby",
               "Lierbyen", "Sylling", "Hokksund", "Vestfossen", "Darbu", "Mjøndalen", "Krokstadelva",
               "Solbergelva", "Sundvollen", "Vikersund", "Åmot", "Geithus", "Prestfoss", "Eggedal",
               "Noresund", "Nesbyen", "Geilo", "Rødberg", "Uvdal", "Veggli", "Lampeland", "Sokna",
               "Hallingby", "Tyristrand", "Heradsbygd", "Haugsbygd", "Røyse",
               "Torpo", "Hovet", "Skoger", "Steinberg", "Kongsgårdsmoen", "Svene", "Tunhovd"),
        "øy": ("Storøya",),
        "distrikt": ("Hallingdal", "Numedal", "Ringerike", "Eiker", "Ådalen", "Sigdal og Eggedal",
                     "Drammensregionen", "Kongsbergregionen", "Midt-Buskerud"),
        "vann": ("Tyrifjorden", "Drammenselva", "Numedalslågen", "Hallingdalselva", "Krøderen",
                 "Simoa", "Begna", "Randselva", "Sperillen", "Tunhovdfjorden", "Eikeren"),
        "landemerke": ("Norefjell", "Krokskogen", "Kroksund", "Hallingskarvet", "Spiraltoppen",
                       "Golsfjellet", "Hemsedal skisenter", "Geilo skisenter", "Vikersundbakken",
                       "Kongens utsikt", "Papirbredden", "Ypsilon", "Bragernesåsen"),
    },
    "vestfold": {
        "by": ("Åsgårdstrand", "Stavern", "Helgeroa", "Nevlunghavn", "Kjerringvik", "Kvelde",
               "Hedrum", "Tjølling", "Revetal", "Ramnes", "Svarstad", "Borre", "Melsomvik", "Skoppum",
               "Nykirke", "Vear", "Andebu", "Våle", "Lardal", "Tjøme", "Nøtterøy", "Teie", "Husøy",
               "Eik", "Barkåker", "Sem", "Ringshaug", "Kjøpmannskjær",
               "Ula", "Brunlanes", "Kodal", "Høyjord", "Vestskogen",
               "Selvik", "Gokstad", "Virik", "Skiringssal",
               "Råel", "Torød", "Tolvsrød", "Tenvik"),
        "øy": ("Veierland", "Bolærne", "Østre Bolæren", "Hvasser", "Vasser",
               "Natholmen", "Bastøy", "Østerøya"),
        "distrikt": ("Midt-Vestfold", "Sør-Vestfold", "Nord-Vestfold", "Vestfoldbyene",
                     "Tønsberg-området", "Larvik-distriktet", "Vestfold-kysten", "Ytre Vestfold"),
        "vann": ("Farris", "Farrisvannet", "Goksjø", "Akersvannet",
                 "Aulielva", "Mefjorden", "Tønsbergfjorden", "Byfjorden", "Viksfjord"),
        "landemerke": ("Verdens ende", "Slottsfjellet", "Tønsberg brygge", "Sandefjord lufthavn Torp",
                       "Larvik havn", "Mølen", "Bøkeskogen", "Kaupang", "Kanalbrua", "Midtåsen",
                       "Stavern fort", "Fyrlykta på Verdens ende"),
    },
}
# Named cultural landmarks: `steder` and `kultur` (the rated county's only).
KULTURMINNER: dict[str, tuple[str, ...]] = {
    "ostfold": ("Fredriksten festning", "Gamlebyen festning", "Oldtidsveien", "Hunn gravfelt",
                "Værne kloster", "Borgarsyssel museum", "Kongsten fort", "Tune-steinen",
                "Solbergtårnet", "Fredrikstad festning"),
    "akershus": ("Eidsvollsbygningen", "Oscarsborg festning", "Henie Onstad", "Bingen lenser",
                 "Fetsund lenser", "Follo museum", "Eidsvoll 1814"),
    "oslo": ("Vigelandsparken", "Operaen", "Munchmuseet", "Akershus festning", "Nationaltheatret",
             "Rådhuset", "Slottet", "Holmenkollbakken", "Vikingskipshuset", "Norsk Folkemuseum",
             "Fram-museet", "Kon-Tiki-museet", "Nasjonalmuseet", "Deichman Bjørvika",
             "Domkirken", "Stortinget", "Ekebergparken", "Astrup Fearnley"),
    "buskerud": ("Blaafarveværket", "Sølvgruvene", "Norsk Bergverksmuseum", "Torpo stavkirke",
                 "Nore stavkirke", "Uvdal stavkirke", "Flesberg stavkirke", "Kongsberg kirke",
                 "Hallingdal museum", "Ringerikes museum", "Drammens teater", "Union Scene"),
    "vestfold": ("Osebergskipet", "Gokstadskipet", "Borrehaugene", "Midgard vikingsenter",
                 "Hvalfangstmuseet", "Hvalfangstmonumentet", "Karljohansvern", "Kaupang vikingby",
                 "Tønsberg domkirke", "Haugar kunstmuseum", "Munchs hus", "Larvik sjøfartsmuseum",
                 "Colin Archers hus", "Jarlsberg hovedgård"),
}
# Elsewhere in Norway (besides every Klass name of the other counties) and abroad.
ELSEWHERE_NORWAY = (
    "Vestlandet", "Sørlandet", "Nord-Norge", "Trøndelag", "Lofoten", "Vesterålen", "Nordkapp",
    "Geiranger", "Hardanger", "Valdres", "Gudbrandsdalen", "Jotunheimen", "Finnmark", "Svalbard",
    "Telemark", "Hallingskeid", "Setesdal", "Jæren", "Sunnmøre", "Romsdal", "Helgeland",
    "Mjøsa", "Hafjell", "Trysil", "Beitostølen", "Flåm", "Preikestolen", "Bryggen i Bergen",
    "Nidarosdomen", "Lillehammer-OL", "Gjende", "Femunden", "Dovre", "Rondane",
)
ABROAD = ("Danmark", "København", "Spania", "Tyskland", "London", "Syden", "Polen", "Finland",
          "Skagen", "Gran Canaria", "Thailand", "USA", "Berlin", "Jylland", "Hamburg")

# --------------------------------------------------------------------------------------------
# Values and characteristics (`verdier`): adjective lemmas with their inflection class.
#   r    regular: snill snilt snille snillere snillest(e)     ig   vennlig - vennlige -ere -st(e)
#   som  arbeidsom arbeidsomt arbeidsomme arbeidsommere      en   åpen åpent åpne åpnere åpnest
#   mer  comparison with mer/mest (-isk, -ert, -iv, -ende, -ell, -e, long words)
# --------------------------------------------------------------------------------------------
_ADJ = (
    "vennlig:ig", "hyggelig:ig", "imøtekommende:mer", "gjestfri:r", "åpen:en", "inkluderende:mer",
    "raus:r", "hjelpsom:som", "omtenksom:som", "varm:r", "blid:r", "glad:r", "munter:mer",
    "humoristisk:mer", "morsom:som", "jovial:mer", "avslappet:mer", "rolig:ig", "sindig:ig",
    "tålmodig:ig", "jordnær:r", "folkelig:ig", "ekte:mer", "ærlig:ig", "redelig:ig", "pålitelig:ig",
    "troverdig:ig", "lojal:mer", "trofast:r", "stolt:r", "beskjeden:en", "ydmyk:r", "nøktern:mer",
    "nøysom:som", "sparsommelig:ig", "praktisk:mer", "arbeidsom:som", "flittig:ig",
    "hardtarbeidende:mer", "pliktoppfyllende:mer", "effektiv:mer", "dyktig:ig", "kompetent:mer",
    "kunnskapsrik:r", "flink:r", "driftig:ig", "handlekraftig:ig", "initiativrik:r", "offensiv:mer",
    "fremoverlent:mer", "ambisiøs:mer", "innovativ:mer", "nyskapende:mer", "kreativ:mer",
    "oppfinnsom:som", "fremtidsrettet:mer", "moderne:mer", "progressiv:mer", "visjonær:mer",
    "løsningsorientert:mer", "samarbeidsvillig:ig", "solidarisk:mer", "lokalpatriotisk:mer",
    "tradisjonell:mer", "konservativ:mer", "forsiktig:ig", "reservert:mer", "tilbakeholden:en",
    "sjenert:mer", "sosial:mer", "utadvendt:mer", "selvstendig:ig", "uavhengig:ig",
    "selvbevisst:mer", "trygg:r", "stabil:mer", "solid:mer", "robust:mer", "seriøs:mer",
    "profesjonell:mer", "rettferdig:ig", "tolerant:mer", "liberal:mer", "urban:mer",
    "internasjonal:mer", "mangfoldig:ig", "multikulturell:mer", "ungdommelig:ig", "dynamisk:mer",
    "energisk:mer", "aktiv:mer", "sporty:mer", "sprek:r", "engasjert:mer", "entusiastisk:mer",
    "positiv:mer", "optimistisk:mer", "grei:r", "real:r", "ålreit:mer", "trivelig:ig",
    "uhøytidelig:ig", "direkte:mer", "likefrem:mer", "frittalende:mer", "tøff:r", "barsk:r",
    "miljøbevisst:mer", "teknologisk:mer", "kunnskapsbasert:mer", "eksportrettet:mer",
    "veletablert:mer", "ressurssterk:r", "velstående:mer", "rotfestet:mer", "nysgjerrig:ig",
    "generøs:mer", "lettlivet:mer", "omgjengelig:ig", "bestemt:mer", "stødig:ig", "edruelig:ig",
    "gründerpreget:mer", "jovialsk:mer", "snill:r", "kjekk:r", "koselig:ig",
)
# Nouns for values and characteristics.
_VALUE_NOUNS = (
    "gjestfrihet", "nøysomhet", "arbeidsomhet", "ærlighet", "stolthet", "pågangsmot", "dugnadsånd",
    "ydmykhet", "beskjedenhet", "raushet", "åpenhet", "vennlighet", "hjelpsomhet", "samhold",
    "fellesskap", "tillit", "trygghet", "lojalitet", "stå-på-vilje", "skaperkraft", "skaperglede",
    "nytenkning", "gründerånd", "innovasjonsevne", "kreativitet", "handlekraft", "effektivitet",
    "pålitelighet", "redelighet", "lokalpatriotisme", "tålmodighet", "godt humør", "optimisme",
    "framtidstro", "mangfold", "toleranse", "likestilling", "kompetanse", "profesjonalitet",
    "ambisjoner", "entusiasme", "engasjement", "solidaritet", "nøkternhet", "jordnærhet", "ekthet",
    "arbeidsmoral", "pliktfølelse", "folkelighet", "gründerkultur", "omstillingsevne",
    "samarbeidsvilje", "ordentlighet",
)
_VALUE_IDIOMS = ("nede på jorda", "med bena på jorda", "bein i nesa", "rett fram", "ikke noe jåleri",
                 "folk som står på", "folk som tar vare på hverandre", "ordentlige folk",
                 "hyggelige naboer", "lett å bli kjent med", "stiller opp for hverandre",
                 "sier det de mener", "ikke redde for å ta i et tak", "god arbeidskultur")
_VALUE_EN = ("friendly", "friendly people", "hard-working", "hard working people", "down to earth",
             "innovative", "honest", "welcoming", "modest", "proud people", "conservative",
             "open-minded", "laid-back", "laid back", "entrepreneurial", "reliable", "humble",
             "very friendly people", "nice people", "kind", "polite", "hospitable", "practical",
             "helpful locals", "creative businesses", "traditional", "easygoing", "genuine people")
_INTENS = ("ganske", "litt", "så", "veldig", "svært", "utrolig", "skikkelig", "sykt", "ekstremt",
           "nokså", "temmelig", "rimelig", "fryktelig", "helt", "kjempe", "super", "mye")
_INTENS_NN = ("ganske", "litt", "so", "veldig", "svært", "utruleg", "skikkeleg", "noko")
_NEGATIONS = ("ikke så", "ikke spesielt", "ikke særlig", "ikke veldig", "ikke akkurat", "lite")


def adjective_forms(spec: str) -> dict[str, str]:
    """The forms of an adjective lemma: base, neuter, plural/definite, comparative, superlative."""
    base, cls = spec.split(":")
    if cls == "ig":
        return {"base": base, "neut": base, "pl": base + "e", "komp": base + "ere", "sup": base + "ste"}
    if cls == "som":
        return {"base": base, "neut": base + "t", "pl": base + "me", "komp": base + "mere",
                "sup": base + "ste"}
    if cls == "en":
        stem = base[:-2] + "n"
        return {"base": base, "neut": base + "t", "pl": stem + "e", "komp": stem + "ere",
                "sup": stem + "este"}
    if cls == "r":
        if base.endswith("t") or base == "glad":
            neut = base
        elif base[-1] in _VOWELS and base[-2] not in _VOWELS:  # fri → fritt
            neut = base + "tt"
        elif base[-1] == base[-2]:  # snill → snilt
            neut = base[:-1] + "t"
        else:
            neut = base + "t"
        return {"base": base, "neut": neut, "pl": base + "e", "komp": base + "ere", "sup": base + "este"}
    pl_ = {"munter": "muntre", "likefrem": "likefremme"}.get(base, base if base.endswith(("e", "y")) else base + "e")
    neut = base
    if base.endswith("ell"):
        neut = base[:-1] + "t"
    elif base.endswith(("iv", "al", "ær", "øs", "il", "an", "ns")) or base in ("solid",):
        neut = base + "t"
    return {"base": base, "neut": neut, "pl": pl_, "komp": "mer " + base, "sup": "mest " + pl_}


ADJECTIVES = tuple(adjective_forms(s) for s in _ADJ)
# The adjectives that people also use about firms («innovativt næringsliv», «solide bedrifter»).
_BUSINESS = tuple(a for a in ADJECTIVES if a["base"] in {
    "innovativ", "nyskapende", "kreativ", "moderne", "fremtidsrettet", "driftig", "solid", "seriøs",
    "profesjonell", "effektiv", "kompetent", "dyktig", "ambisiøs", "offensiv", "fremoverlent",
    "internasjonal", "teknologisk", "kunnskapsbasert", "eksportrettet", "veletablert", "ressurssterk",
    "løsningsorientert", "miljøbevisst", "konservativ", "tradisjonell", "dynamisk", "robust", "stabil",
    "trygg", "handlekraftig", "gründerpreget", "pålitelig", "redelig", "progressiv", "visjonær"})


def _nynorsk(word: str) -> str:
    """A bokmål adjective form as a nynorsk writer would spell it (-eg, -sam, mer → meir)."""
    for a, b in (("lige", "lege"), ("lig", "leg"), ("somme", "same"), ("somt", "samt"),
                 ("som", "sam"), ("mer ", "meir "), ("ere", "are")):
        if a in word:
            return word.replace(a, b)
    return word


# --------------------------------------------------------------------------------------------
# The other codes: phrases in bokmål, nynorsk/dialect and English (no place names in them).
# --------------------------------------------------------------------------------------------
_PHRASES: dict[str, dict[str, tuple[str, ...]]] = {
    "sverige": {
        "nb": ("Sverige", "svenskegrensa", "grensen", "grensa", "grensehandel", "handle i Sverige",
               "Strömstad", "Nordby", "Töcksfors", "Årjäng", "Charlottenberg", "svensker",
               "nærhet til Sverige", "billig kjøtt i Sverige", "Svinesundbrua", "grensa mot Sverige",
               "svenskehandel", "tur over grensa", "svenske turister", "Sverigeturer",
               "snus og godteri fra Sverige", "grensebyer", "tollstasjonen", "Svinesund",
               "svenskene", "svensk påvirkning", "handletur til Sverige", "Systembolaget",
               "harryhandel", "svenske biler", "grensetrafikk", "nabolandet", "svenske priser",
               "Nordby shoppingcenter", "svenskebutikkene", "grensenært", "over til Sverige for å handle",
               "grensehandelen", "billigere i Sverige", "svenskegrensen"),
        "nn": ("Sverige", "grensa", "grensehandel", "handle i Sverige", "svenskegrensa",
               "nærleik til Sverige", "tur over grensa", "svenskane"),
        "en": ("Sweden", "the Swedish border", "border shopping", "close to Sweden", "the border",
               "cheap shopping in Sweden", "Swedes"),
    },
    "natur": {
        "nb": ("skog", "mye skog", "skjærgården", "strender", "fine strender", "sjøen", "havet",
               "kysten", "fjorden", "innsjøer", "vann og skog", "marka", "turstier", "friluftsliv",
               "båtliv", "bading", "svaberg", "holmer og skjær", "fjell", "fjellet", "åser",
               "flatt landskap", "kulturlandskap", "åpne jorder", "frisk luft", "elg", "dyreliv",
               "fiske", "fisketurer", "hytteliv", "hytter", "vakker natur", "naturskjønt", "elver",
               "fossefall", "myr", "furuskog", "granskog", "løvskog", "bøkeskog", "naturreservat",
               "nasjonalpark", "øyer", "småøyer", "kyststi", "sandstrand", "klipper", "vidda",
               "mye snø", "grønne områder", "parker", "fin utsikt", "solnedgang over fjorden",
               "tur i skogen", "sopp og bær", "bærplukking", "jakt", "padling", "seiling", "kajakk",
               "badeplasser", "sjøbad", "skjærgårdsidyll", "yttersida", "båtturer om sommeren",
               "naturen", "god natur", "fin natur", "nydelig natur", "storslått natur", "villmark",
               "landlig idyll", "jordbrukslandskap", "store skoger", "bølgende åkre", "åkre og skog",
               "glitrende sjø", "vannkanten", "elvebredden", "turområder", "fjellturer", "skiløyper",
               "lysløype", "moser og lav"),
        "nn": ("mykje skog", "fin natur", "sjøen", "fjella", "vakker natur", "skjergarden",
               "fjorden", "frisk luft", "turar i skogen", "strender", "bading", "vatn og skog",
               "friluftsliv"),
        "en": ("nature", "beaches", "forests", "the coast", "the sea", "lakes", "hiking", "islands",
               "beautiful nature", "the fjord", "countryside", "mountains", "boating"),
    },
    "dialekt": {
        "nb": ("dialekten", "morsom dialekt", "tjukk l", "breial dialekt", "bred dialekt",
               "bredt østlandsk", "de snakker rart", "måten de snakker på", "særegen dialekt",
               "vestkantmål", "østkantmål", "kebabnorsk", "sosiolekt", "uttalen", "snakker fort",
               "snakker østlandsk", "tonefallet", "språket", "dialekta", "dialekter", "trykk på ordene",
               "rar uttale", "sjarmerende dialekt", "lett gjenkjennelig dialekt", "sær dialekt",
               "måten de prater på", "syngende tonefall", "flatt språk", "bløte konsonanter",
               "harde konsonanter", "a-endinger", "sier æ i stedet for jeg", "skarring", "skarre-r",
               "rulle-r", "snakker bredt", "prater breit", "fint språk", "typisk uttale", "lokal dialekt",
               "at de sier «ælæ»", "dialektord", "ordtak", "snakker pent", "vestkantspråk",
               "uttrykkene deres", "«dæm» og «dom»", "kjente dialekten"),
        "nn": ("dialekta", "måten dei snakkar på", "breitt mål", "eit eige mål", "talemålet",
               "dei pratar rart", "tjukk l", "målføret"),
        "en": ("the dialect", "their accent", "the accent", "the way they talk", "funny accent"),
    },
    "naeringsliv": {
        "nb": ("industri", "industrien", "tungindustri", "fabrikker", "arbeidsplasser", "jobber",
               "næringsliv", "bedrifter", "gründere", "handel", "kjøpesentre", "landbruk", "bønder",
               "gårdsbruk", "jordbruk", "kornproduksjon", "skogbruk", "sagbruk", "papirfabrikk",
               "treforedling", "mekanisk industri", "verft", "skipsverft", "havn", "havna",
               "containerhavn", "logistikk", "lager og logistikk", "transport", "oljebransjen",
               "teknologibedrifter", "IT-bransjen", "forsvarsindustri", "Borregaard", "Saugbrugs",
               "Kronos Titan", "Glava", "Jotun", "Tine", "Telenor", "Equinor", "Hydro", "Orkla",
               "Statkraft", "Aker BP", "Tronrud", "Peterson", "Freia", "Ringnes", "Denofa",
               "byggebransjen", "hovedkontorer", "finans", "banker", "turistnæring", "reiseliv",
               "hvalfangstindustrien", "smelteverk", "kraftverk", "vannkraft", "gartnerier",
               "grøntproduksjon", "potetdyrking", "melkeproduksjon", "fiskeoppdrett", "eksport",
               "kunnskapsbedrifter", "startups", "oppstartsbedrifter", "næringsparker",
               "industriarbeidsplasser", "arbeiderklassen", "fabrikkarbeidere", "sysselsetting",
               "handelsstand", "varehandel", "bryggeri", "meieri", "teknologiklynge", "flyplassen som arbeidsplass",
               "maritim næring", "shipping", "rederier", "entreprenører"),
        "nn": ("industri", "arbeidsplassar", "bedrifter", "landbruk", "bønder", "fabrikkar",
               "næringslivet", "jordbruk", "skogbruk", "handel"),
        "en": ("industry", "jobs", "business", "factories", "farming", "agriculture", "the harbour",
               "tech companies", "shipping", "logistics"),
    },
    "kultur": {
        "nb": ("historie", "historisk", "festningen", "festningsbyen", "middelalder", "vikinger",
               "vikingskip", "gravhauger", "helleristninger", "kirker", "stavkirker", "museer",
               "kunst", "Munch", "jazzfestival", "festivaler", "konserter", "teater", "revy", "idrett",
               "fotball", "FFK", "Strømsgodset", "Lyn", "Skeid", "bandy", "håndball", "skiflyging",
               "Holmenkollrennet", "Norway Cup", "Øyafestivalen", "Olsenbanden", "17. mai",
               "grunnloven", "1814", "tradisjoner", "bygdekultur", "kulturarv", "gamle trehus",
               "sjøfartshistorie", "hvalfangst", "hvalfangsthistorie", "sjømat", "reker", "jordbær",
               "mat", "matkultur", "utesteder", "uteliv", "nattliv", "Allsang på grensen", "jazzfestivalen",
               "Slottsfjell", "Roald Amundsen", "Thor Heyerdahl", "Edvard Munch", "kunstnere",
               "bygdefest", "marked", "korps", "kor", "travbane", "Momarken", "Glogerfestivalen",
               "vikingtid", "kulturliv", "kulturtilbud", "kulturminner", "mye historie", "gamle bygninger",
               "fredede hus", "sølvgruver", "speedway", "motorsport", "toppfotball", "eliteserien",
               "skihopp", "langrenn", "Vålerenga hockey", "Ibsen",
               "Nobels fredspris", "jazz", "rock", "rockefestival", "fårikål", "lefser", "hjemmebrent"),
        "nn": ("historie", "kultur", "festivalar", "fotball", "gamle hus", "kyrkjer", "tradisjonar",
               "museum", "kulturminne", "idrett"),
        "en": ("history", "culture", "festivals", "football", "museums", "the vikings", "music",
               "food", "art", "old fortress"),
    },
    "negativ": {
        "nb": ("kjedelig", "kjedelige folk", "grått", "trist", "deprimerende", "harry folk",
               "harry stemning", "råner", "rånekultur", "lukt", "stinker", "lukter vondt", "dårlig lukt",
               "fattig", "fattigdom", "arbeidsledighet", "mange på NAV", "sosiale problemer",
               "kriminalitet", "gjenger", "narkotika", "rus", "vold", "utrygt", "snobbete", "snobber",
               "jåler", "overklasse", "vestkantsnobber", "arrogante", "innbilske", "høy på pæra",
               "bråk", "mye kø", "trafikk og kø", "bompenger", "dyrt", "høye boligpriser", "forurensning",
               "støy", "stygge bygninger", "betong", "nedslitt", "forfall", "fraflytting", "bakevje",
               "ingenting å gjøre", "dødt", "tilbakestående", "trangsynte", "bondske", "bonderøvere",
               "dårlig rykte", "dårlig omdømme", "uhøflige", "sure folk", "fyll", "fylla",
               "ikke så snobbete", "ikke så kjedelig som folk sier", "lavt utdanningsnivå",
               "mye søppel", "forsøplet", "skittent", "stygt", "grå industriby", "kjedelig by",
               "råkjøring", "promillekjøring", "tyveri", "innbrudd", "slitne sentrum", "tomme butikker",
               "utkant", "gammeldagse holdninger", "rasisme", "fremmedfrykt", "bygdedyr",
               "janteloven", "misunnelse", "dårlig økonomi", "kommunen er blakk", "nedleggelser",
               "dyre bompenger", "boligblokker overalt", "overbefolket", "kaotisk", "stress"),
        "nn": ("kjedeleg", "trist", "grått", "harry folk", "dårleg rykte", "fattigdom", "bråk",
               "arbeidsløyse", "sure folk", "ikkje noko å gjere"),
        "en": ("boring", "grey", "dull", "poor", "crime", "traffic jams", "snobbish", "smells bad",
               "expensive", "ugly"),
    },
    "annet": {
        "nb": ("motorveien", "E6", "E18", "tog", "togforbindelse", "jernbane", "ferja", "bussen",
               "sykehus", "sykehuset", "politikk", "fylkeskommunen", "regionreformen",
               "kommunesammenslåing", "skoler", "universitet", "studenter", "familie", "besteforeldre",
               "barndom", "ferie", "sommerferie", "jobben min", "kjæresten", "venner",
               "der jeg vokste opp", "hjemme", "bilen", "bensinstasjon", "været", "regn", "vind",
               "sol", "sommer", "vinter", "regjeringen", "boligfelt", "mye folk", "befolkningsvekst",
               "pensjonister", "barnefamilier", "elbiler", "studietid", "militæret", "verneplikt",
               "NRK", "nyheter", "valg", "Arbeiderpartiet", "Høyre", "Frp", "bestemor bor der",
               "der bor søsteren min", "pendling", "sentral beliggenhet", "beliggenhet", "trafikk",
               "fylkesnummer", "bilskilt", "postnummer", "kongen", "hunder", "katter", "hjemplassen",
               "onkel", "russetid", "videregående", "barnehage", "lekeplass", "parkering", "flytting",
               "kirkegård", "værmelding", "mobildekning", "strømpris", "fiber", "kollektivtrafikk"),
        "nn": ("familie", "ferie", "toget", "skulen", "bussen", "vêret", "heimplassen", "vener"),
        "en": ("my family", "the weather", "my childhood", "trains", "the ferry", "my job", "holidays",
               "friends", "politics"),
    },
}
# County-typical extras (drawn more often for their county; the code is the same anywhere).
_LOCAL: dict[str, dict[str, tuple[str, ...]]] = {
    "ostfold": {"naeringsliv": ("Borregaard", "Saugbrugs", "Kronos Titan", "Glava", "Denofa", "Peterson"),
                "kultur": ("FFK", "Allsang på grensen", "Glogerfestivalen", "Momarken", "Roald Amundsen")},
    "akershus": {"naeringsliv": ("Telenor", "Aker BP", "flyplassen som arbeidsplass", "logistikk"),
                 "kultur": ("17. mai", "grunnloven", "1814")},
    "oslo": {"naeringsliv": ("Freia", "Ringnes", "hovedkontorer", "finans", "shipping"),
             "kultur": ("Munch", "Øyafestivalen", "Olsenbanden", "Lyn", "Skeid", "Vålerenga hockey",
                        "Holmenkollrennet", "Norway Cup")},
    "buskerud": {"naeringsliv": ("Tronrud", "Statkraft", "kraftverk", "sagbruk"),
                 "kultur": ("jazzfestivalen", "Strømsgodset", "sølvgruver", "skiflyging")},
    "vestfold": {"naeringsliv": ("Jotun", "Hydro", "rederier", "hvalfangstindustrien"),
                 "kultur": ("Slottsfjell", "Thor Heyerdahl", "hvalfangst", "jordbær", "vikingskip")},
}
_PLACE_COMPOUNDS = (("{}-dialekten", "dialekt"), ("{}-industrien", "naeringsliv"),
                    ("{}-folk", None), ("{}folk", None), ("{}-jenter", None), ("{}-naturen", "natur"),
                    ("{}-fotballen", "kultur"), ("{}-bedrifter", "naeringsliv"))
_PLACE_FORMS = ("{}", "{}", "{}", "{}", "{}", "{}", "{}s", "{}-området", "området rundt {}",
                "{} sentrum", "i {}", "fra {}", "{} og omegn", "nede i {}", "{}!")
_KIND_FORMS = {
    "øy": ("{}", "{}", "på {}", "ute på {}", "øya {}", "{}s strender"),
    "distrikt": ("{}", "{}", "{}", "i {}", "fra {}", "{}s", "hele {}"),
    "vann": ("{}", "{}", "{}", "ved {}", "rundt {}", "langs {}", "{}s"),
    "landemerke": ("{}", "{}", "{}", "på {}", "ved {}"),
}
_ELSEWHERE_FORMS = ("{}", "{}", "i {}", "fra {}", "{}s", "{}-området")
_VET_IKKE = (
    "vet ikke", "Vet ikke", "veit ikke", "vet ikkje", "veit ikkje", "aner ikke", "ingenting",
    "Ingenting spesielt", "ikke noe", "ikkeno", "ikke noe spesielt", "husker ikke", "kommer ikke på noe",
    "har ingen formening", "ingen anelse", "-", "?", "...", "nei", "ingen", "ikke sikker", "usikker",
    "vanskelig å si", "vet ikke helt", "ikke noe særlig", "ingen spesielle tanker", "Vet ikke.",
    "VET IKKE", "dont know", "don't know", "no idea", "nothing", "xx", ".", "ingen assosiasjoner",
    "ingenting som slår meg", "har ikke noe forhold til det", "kjenner ikke til", "ukjent",
    "det vet jeg ikke", "ikke peiling", "null peiling", "aner ikkje", "itte no", "ikke no spesielt",
    "vet ikke hva jeg skal svare", "kommer ikke på noe nå", "tom for ideer", "ingen kommentar",
    "nja", "ikke godt å si", "vet ikke, egentlig", "ikke noe bestemt", "---", "??", "ingenting egentlig",
    "husker ikkje", "veit ikkje heilt", "not sure", "n/a", "ingen formening om det",
)
_HEDGES = ("vet ikke, kanskje ", "vet ikke helt, ", "usikker, men ", "husker ikke, ", "aner ikke... ")
_PREFIXES = ("", "", "", "", "", "", "", "", "Jeg tenker på ", "Først og fremst ", "Hmm, ", "Spontant: ",
             "Det er vel ", "Mest ", "Egentlig bare ", "Jo, ", "Først tenker jeg ", "Umiddelbart ",
             "Det første som slår meg er ", "Nja, ", "Eh ", "Tenker på ", "Kommer på ")
_PREFIXES_NN = ("", "", "", "Eg tenkjer på ", "Fyrst og fremst ", "Det er vel ")
_PREFIXES_EN = ("", "", "", "I think of ", "Mostly ", "Hmm, ")
_SEPS = (", ", ", ", ", ", " og ", "\n", "; ", " - ", " / ", ". ", " og ", ",", "  ", " samt ", " + ")
_SEPS_EN = (", ", " and ", "; ", ". ")
_ENDINGS = ("", "", "", "", "", "", ".", ".", "!", "..", " :)", "?", " osv", " etc.")
_KEYS = {"a": "sq", "s": "ad", "d": "sf", "e": "wr", "r": "et", "t": "ry", "n": "bm", "m": "n",
         "k": "jl", "l": "kø", "o": "ip", "i": "uo", "g": "fh", "h": "gj", "u": "yi", "v": "cb",
         "ø": "læ", "å": "pø"}


def _load_kommuner() -> tuple[dict[str, list[str]], list[str]]:
    """Kommune names 2015–2024 per rated county (2024 borders) and the rest of Norway's."""
    crosswalk = pl.read_csv(SSB_DATA / "kommune_to_2024_crosswalk_2015_2024.csv", infer_schema=False)
    names = crosswalk.select(
        pl.col("name").str.replace(r"\s*\(.*\)$", "").str.split(" - ").list.first().alias("name"),
        pl.col("fylke_2024").replace_strict(_FYLKE_2024, default="elsewhere").alias("county"),
    ).unique()
    own: dict[str, list[str]] = {c: [] for c in COUNTIES}
    rest: list[str] = []
    for name, county in names.sort("name", "county").iter_rows():
        if name in _MOVED:
            continue
        (rest if county == "elsewhere" else own[county]).append(name)
    return own, rest


def place_pools() -> dict[str, dict[str, list[str]]]:
    """Places per rated county and kind (``kommune``, the own kinds, ``kulturminne``) and elsewhere.

    A name that two counties share (or a county and the rest of Norway) is dropped everywhere.
    """
    kommuner, rest = _load_kommuner()
    pools: dict[str, dict[str, list[str]]] = {c: {"kommune": list(kommuner[c])} for c in COUNTIES}
    for county in COUNTIES:
        for kind, own in PLACES[county].items():
            pools[county][kind] = list(own)
        pools[county]["kulturminne"] = list(KULTURMINNER[county])
    pools["elsewhere"] = {"norge": [*rest, *ELSEWHERE_NORWAY], "utland": list(ABROAD)}
    owners: dict[str, set[str]] = {}
    for county, kinds in pools.items():
        for names in kinds.values():
            for name in names:
                owners.setdefault(name.casefold(), set()).add(county)
    shared = {name for name, who in owners.items() if len(who) > 1}
    return {county: {kind: sorted(dict.fromkeys(n for n in names if n.casefold() not in shared))
                     for kind, names in kinds.items()}
            for county, kinds in pools.items()}


# --------------------------------------------------------------------------------------------
# The generator.
# --------------------------------------------------------------------------------------------
def _pick(rng: np.random.Generator, seq: Sequence[T]) -> T:
    return seq[int(rng.integers(len(seq)))]


def misspell(word: str, rng: np.random.Generator) -> str:
    """One typing or spelling error of the kinds people make in survey answers."""
    if len(word) < 3:
        return word
    kind = int(rng.integers(11))
    low = word.lower()
    if kind == 0:  # transposed neighbours
        i = int(rng.integers(len(word) - 1))
        return word[:i] + word[i + 1] + word[i] + word[i + 2:]
    if kind == 1:  # a vowel left out
        spots = [i for i, ch in enumerate(low) if ch in _VOWELS and 0 < i < len(word) - 1]
        if spots:
            i = spots[int(rng.integers(len(spots)))]
            return word[:i] + word[i + 1:]
    if kind == 2:  # a consonant doubled, or a double one made single
        for i in range(len(word) - 1):
            if low[i] == low[i + 1] and low[i] not in _VOWELS:
                return word[:i] + word[i + 1:]
        spots = [i for i, ch in enumerate(low) if ch.isalpha() and ch not in _VOWELS and i > 0]
        if spots:
            i = spots[int(rng.integers(len(spots)))]
            return word[:i] + word[i] + word[i:]
    if kind == 3:  # æøå on a keyboard without them
        table = _pick(rng, ({"æ": "ae", "ø": "oe", "å": "aa", "Æ": "Ae", "Ø": "Oe", "Å": "Aa"},
                            {"æ": "a", "ø": "o", "å": "a", "Æ": "A", "Ø": "O", "Å": "A"},
                            {"æ": "ä", "ø": "ö", "Æ": "Ä", "Ø": "Ö"}))
        if any(ch in table for ch in word):
            return "".join(table.get(ch, ch) for ch in word)
    if kind == 4 and "hv" in low:
        i = low.index("hv")
        return word[:i] + ("V" if word[i] == "H" else "v") + word[i + 2:]
    if kind == 5 and "skj" in low:
        i = low.index("skj")
        return word[:i + 1] + word[i + 2:]
    if kind == 6 and "nd" in low[1:]:
        i = low.index("nd", 1)
        return word[:i] + "nn" + word[i + 2:]
    if kind == 7:  # the last letter lost
        return word[:-1]
    if kind == 8:  # gj/kj written as j/sj
        for a, b in (("gj", "j"), ("kj", "sj"), ("hj", "j")):
            if a in low:
                i = low.index(a)
                return word[:i] + b + word[i + 2:]
    if kind == 9:  # a letter typed twice
        i = int(rng.integers(1, len(word)))
        return word[:i] + word[i - 1] + word[i:]
    # a neighbouring key
    spots = [i for i, ch in enumerate(low) if ch in _KEYS and i > 0]
    if not spots:
        return word[:-1]
    i = spots[int(rng.integers(len(spots)))]
    repl = _pick(rng, _KEYS[low[i]])
    return word[:i] + (repl.upper() if word[i].isupper() else repl) + word[i + 1:]


Mention = tuple[str, tuple[str, ...], tuple[str, ...], str]  # text, truth, truth_norway, kind


def _place(county: str, pools: dict[str, dict[str, list[str]]], rng: np.random.Generator,
           lang: str) -> Mention:
    """A place mention: in the rated county (`steder`), in another county, elsewhere or abroad."""
    if rng.random() < P_ELSEWHERE:
        where = rng.random()
        if where < 0.45:
            other = _pick(rng, [c for c in COUNTIES if c != county])
            kind = "kommune" if rng.random() < 0.4 else _pick(rng, ["by", "distrikt", "landemerke", "vann"])
            name, truth, norway, tag = _pick(rng, pools[other][kind]), ("annet",), ("steder",), "other_county"
        elif where < 0.85:
            name, truth, norway, tag = _pick(rng, pools["elsewhere"]["norge"]), ("annet",), ("steder",), "norway"
        else:
            name, truth, norway, tag = _pick(rng, pools["elsewhere"]["utland"]), ("annet",), ("annet",), "abroad"
        text = name if lang == "en" or rng.random() < 0.7 else _pick(rng, _ELSEWHERE_FORMS).format(name)
        return text, truth, norway, f"place:{tag}"
    own = pools[county]
    if rng.random() < (P_KOMMUNE if len(own["kommune"]) > 3 else 0.1):  # Oslo is one kommune
        kind = "kommune"
    else:
        kind = _pick(rng, ["by", "by", "by", "øy", "distrikt", "vann", "landemerke", "kulturminne"])
    name = _pick(rng, own[kind])
    codes: tuple[str, ...] = ("steder", "kultur") if kind == "kulturminne" else ("steder",)
    if lang == "en" or kind == "kulturminne":
        return name, codes, codes, f"place:{kind}"
    if kind in ("kommune", "by") and rng.random() < 0.08:
        form, extra = _PLACE_COMPOUNDS[int(rng.integers(len(_PLACE_COMPOUNDS)))]
        codes = ("steder", extra) if extra else ("steder",)
        return form.format(name), codes, codes, "place:compound"
    form = _pick(rng, _KIND_FORMS.get(kind, _PLACE_FORMS))
    if form == "{}s" and name.endswith(("s", "x", "z")):
        form = "{}'"
    return form.format(name), codes, codes, f"place:{kind}"


def _value(rng: np.random.Generator, lang: str) -> Mention:
    """A value or characteristic (`verdier`), sometimes about firms (`verdier` + `naeringsliv`)."""
    if lang == "en":
        text = _pick(rng, _VALUE_EN)
        codes: tuple[str, ...] = ("verdier", "naeringsliv") if "business" in text else ("verdier",)
        return text, codes, codes, "value:english"
    adj = ADJECTIVES[int(rng.integers(len(ADJECTIVES)))]
    adj2 = ADJECTIVES[int(rng.integers(len(ADJECTIVES)))]
    v = ("verdier",)
    if lang == "nn":
        form = _pick(rng, ("{pl}", "dei er {i} {pl}", "{pl} folk", "folk er {pl}", "{base}", "{komp} enn andre"))
        text = form.format(i=_pick(rng, _INTENS_NN), **{k: _nynorsk(w) for k, w in adj.items()})
        return text, v, v, "value:nynorsk"
    if lang == "dialect":
        form = _pick(rng, ("dom er {i} {pl}", "dom er {pl} dær", "{pl} folk dær", "itte så {pl}",
                           "dom er no {pl}", "sykt {pl} folk", "bære {pl} folk"))
        text = form.format(i=_pick(rng, _INTENS), **adj)
        return text, v, v, "value:dialect"
    r = rng.random()
    if r < 0.12:
        return _pick(rng, _VALUE_NOUNS), v, v, "value:noun"
    if r < 0.16:
        return f"{_pick(rng, ('mye', 'preget av', 'stor grad av', 'kjent for'))} {_pick(rng, _VALUE_NOUNS)}", v, v, "value:noun"
    if r < 0.21:
        return _pick(rng, _VALUE_IDIOMS), v, v, "value:idiom"
    if r < 0.30:
        return adj[_pick(rng, ("base", "neut", "pl", "pl"))], v, v, "value:adjective"
    if r < 0.40:
        i = _pick(rng, _INTENS)
        if i in ("kjempe", "super"):
            return i + adj["pl"], v, v, "value:intensified"
        if i == "mye":
            return f"mye {adj['komp']}", v, v, "value:comparative"
        return f"{i} {adj['pl']}", v, v, "value:intensified"
    if r < 0.52:
        form = _pick(rng, ("{pl} folk", "{pl} mennesker", "{pl} innbyggere", "{pl} og {pl2}",
                           "{pl} folk og {pl2} bedrifter", "folk flest er {pl}", "{pl} typer"))
        text = form.format(pl2=adj2["pl"], **adj)
        codes = ("verdier", "naeringsliv") if "bedrifter" in text else v
        return text, codes, codes, "value:phrase"
    if r < 0.66:
        form = _pick(rng, ("folk der er {i} {pl}", "de er {i} {pl} der", "inntrykk av at folk er {pl}",
                           "virker {i} {pl}", "folket er {pl}", "befolkningen er {pl} og {pl2}",
                           "folk jeg kjenner derfra er {pl}", "opplever dem som {i} {pl}",
                           "jeg synes de er {pl}", "de som bor der er {pl}", "de fleste er {i} {pl}",
                           "har alltid tenkt at folk der er {pl}"))
        text = form.format(i=_pick(rng, [x for x in _INTENS if x not in ("kjempe", "super", "mye")]),
                           pl2=adj2["pl"], **adj)
        return text, v, v, "value:sentence"
    if r < 0.76:
        form = _pick(rng, ("{komp} enn andre", "litt {komp} enn resten av landet", "{komp} folk enn jeg trodde",
                           "de {sup}", "de {sup} i landet", "landets {sup} folk", "{komp} enn før"))
        return form.format(**adj), v, v, "value:comparative"
    if r < 0.86:
        neg = _pick(rng, _NEGATIONS)
        return f"{neg} {adj['base'] if neg == 'lite' else adj['pl']}", v, v, "value:negated"
    adj = _BUSINESS[int(rng.integers(len(_BUSINESS)))]
    adj2 = _BUSINESS[int(rng.integers(len(_BUSINESS)))]
    form = _pick(rng, ("{neut} næringsliv", "et {neut} næringsliv", "{pl} bedrifter", "{pl} gründere",
                       "{neut} arbeidsliv", "{pl} arbeidsgivere", "{neut} og {neut2} næringsliv"))
    text = form.format(neut2=adj2["neut"], **adj)
    return text, ("verdier", "naeringsliv"), ("verdier", "naeringsliv"), "value:business"


def _phrase(code: str, county: str, rng: np.random.Generator, lang: str) -> Mention:
    local = _LOCAL[county].get(code)
    if lang == "en":
        table = _PHRASES[code]["en"]
    elif lang in ("nn", "dialect"):
        table = _PHRASES[code]["nn"]
    elif local and rng.random() < 0.35:
        table = local
    else:
        table = _PHRASES[code]["nb"]
    text = _pick(rng, table)
    if lang == "nb" and code in ("natur", "naeringsliv", "kultur") and text[:1].islower() and rng.random() < 0.2:
        text = f"{_pick(rng, ('mye', 'kjent for', 'mest', 'mye av'))} {text}"
    return text, (code,), (code,), f"{code}:{lang}"


def holdout_answers(n: int, seed: int) -> pl.DataFrame:
    """``n`` answers: ``county, text, truth, truth_norway, kinds`` (one ``code:kind`` per mention)."""
    rng = np.random.default_rng(seed)
    pools = place_pools()
    rows = []
    for _ in range(n):
        county = COUNTIES[int(rng.integers(len(COUNTIES)))]
        if rng.random() < P_VET_IKKE:
            text = _pick(rng, _VET_IKKE)
            rows.append({"county": county, "text": text, "truth": [VET_IKKE], "truth_norway": [VET_IKKE],
                         "kinds": ["vet_ikke:placeholder"]})
            continue
        u = rng.random()
        lang = "en" if u < P_ENGLISH else "nn" if u < P_ENGLISH + P_NYNORSK else \
            "dialect" if u < P_ENGLISH + P_NYNORSK + P_DIALECT else "nb"
        weights = dict(WEIGHTS, sverige=_SVERIGE[county])
        codes, p = list(weights), np.array(list(weights.values()))
        k = int(rng.choice([1, 2, 3, 4], p=[0.5, 0.32, 0.14, 0.04]))
        mentions: list[Mention] = []
        for code in rng.choice(codes, size=k, p=p / p.sum()):
            if code == "steder":
                m = _place(county, pools, rng, "en" if lang == "en" else "nb")
            elif code == "verdier":
                m = _value(rng, lang)
            else:
                m = _phrase(str(code), county, rng, lang)
            if rng.random() < P_ERROR:
                words = m[0].split(" ")
                j = int(rng.integers(len(words)))
                words[j] = misspell(words[j], rng)
                m = (" ".join(words), m[1], m[2], m[3] + "+typo")
            mentions.append(m)
        sep = _pick(rng, _SEPS_EN if lang == "en" else _SEPS)
        prefixes = _PREFIXES_EN if lang == "en" else _PREFIXES_NN if lang == "nn" else _PREFIXES
        prefix = _pick(rng, prefixes)
        if lang != "en" and rng.random() < P_HEDGED_VET_IKKE:
            prefix = _pick(rng, _HEDGES)
        while len(mentions) > 1 and len((prefix + sep.join(m[0] for m in mentions)).split()) > MAX_WORDS - 1:
            mentions.pop()  # answers are short: at most 15 words with the ending and quoting
        body = sep.join(m[0] for m in mentions)
        text = prefix + body + _pick(rng, _ENDINGS)
        case = rng.random()
        if case < P_LOWER:
            text = text.lower()
        elif case < P_LOWER + P_UPPER:
            text = text.upper()
        elif case < P_LOWER + P_UPPER + 0.1:
            text = text[:1].upper() + text[1:]
        if rng.random() < 0.04:
            text = f"«{text}»" if rng.random() < 0.5 else f"- {text}"
        truth = {c for m in mentions for c in m[1]}
        norway = {c for m in mentions for c in m[2]}
        rows.append({"county": county, "text": text, "truth": sorted(truth, key=FRAME.index),
                     "truth_norway": sorted(norway, key=FRAME.index),
                     "kinds": [m[3] for m in mentions]})
    schema: dict[str, pl.DataType | type[pl.DataType]] = {"county": pl.String, "text": pl.String, "truth": pl.List(pl.String),
              "truth_norway": pl.List(pl.String), "kinds": pl.List(pl.String)}
    return pl.DataFrame(rows, schema=schema)


# --------------------------------------------------------------------------------------------
# Measurement (coding_quality's propose and score, by import).
# --------------------------------------------------------------------------------------------
def recall_by_kind(frame: pl.DataFrame, prefix: str, code: str) -> pl.DataFrame:
    """Recall of ``code`` by the kind of its mentions, on answers whose truth has ``code``.

    ``frame`` is :func:`propose`'s output. A row per kind (answers whose mentions of kind
    ``prefix…`` are all of that kind, typos or not), then all answers, those with a misspelt
    mention of the kind and those without.
    """
    sub = frame.filter(pl.col("truth").list.contains(code)).with_columns(
        pl.col("kinds").list.eval(pl.element().filter(pl.element().str.starts_with(prefix))).alias("k"),
        pl.col("proposed").list.contains(code).alias("hit"))
    sub = sub.filter(pl.col("k").list.len() > 0).with_columns(
        pl.col("k").list.eval(pl.element().str.replace(r"\+typo$", "")).list.unique().alias("u"),
        pl.col("k").list.eval(pl.element().str.ends_with("+typo")).list.any().alias("typo"))
    one = sub.filter(pl.col("u").list.len() == 1).group_by(pl.col("u").list.first().alias("kind")).agg(
        pl.len().alias("answers"), pl.col("hit").mean().alias("recall")).sort("kind")
    rest = [("all", sub), ("with a misspelt mention", sub.filter("typo")),
            ("without a misspelt mention", sub.filter(~pl.col("typo")))]
    tail = pl.DataFrame([{"kind": name, "answers": part.height, "recall": float(part["hit"].mean())}  # type: ignore[arg-type]
                         for name, part in rest if part.height])
    return pl.concat([one.with_columns(pl.col("answers").cast(pl.Int64)), tail.cast({"answers": pl.Int64})])


def place_detection(frame: pl.DataFrame) -> pl.DataFrame:
    """How often a place not in the rated county is proposed as `steder` (answers with no own place)."""
    rows = []
    for tag in ("other_county", "norway", "abroad"):
        sub = frame.filter(pl.col("kinds").list.contains(f"place:{tag}") & ~pl.col("truth").list.contains("steder"))
        if sub.height:
            rows.append({"place": tag, "answers": sub.height,
                         "proposed steder": float(sub["proposed"].list.contains("steder").mean()),  # type: ignore[arg-type]
                         "proposed annet": float(sub["proposed"].list.contains("annet").mean())})  # type: ignore[arg-type]
    return pl.DataFrame(rows)


def measure(n: int, seed: int, *, show: Callable[[object], None] = print, misses_of: str | None = None) -> dict[str, float]:
    """Generate, propose, score and print; returns the headline numbers (for the report)."""
    answers = holdout_answers(n, seed)
    frame = propose(answers)
    table, exact = score(frame)
    norway, exact_norway = score(frame.with_columns(pl.col("truth_norway").alias("truth")))
    show(f"held-out generator: {answers.height} answers, seed {seed}")
    show(f"truth = the partnership's frame (steder = a place in the rated county); exactly coded {exact:.3f}")
    show(table)
    show(f"truth_norway = the coder's documented rule (a place anywhere in Norway is steder); exactly coded {exact_norway:.3f}")
    show(norway.filter(pl.col("code").is_in(["steder", "annet"])))
    places = recall_by_kind(frame, "place:", "steder")
    values = recall_by_kind(frame, "value:", "verdier")
    show("places in the rated county: recall of steder by kind (answers whose own places are all of one kind)")
    show(places)
    show("places not in the rated county (answers without an own place)")
    show(place_detection(frame))
    show("values: recall of verdier by form")
    show(values)
    if misses_of:
        miss = frame.filter(pl.col("truth").list.contains(misses_of) & ~pl.col("proposed").list.contains(misses_of))
        show(miss.select("text", "truth", "proposed", "reason").head(25))
    get = {r["code"]: r for r in table.iter_rows(named=True)}
    return {"steder_recall": get["steder"]["recall"], "steder_precision": get["steder"]["precision"],
            "verdier_recall": get["verdier"]["recall"], "verdier_precision": get["verdier"]["precision"],
            "exact": exact}


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n\n")[0])
    parser.add_argument("--n", type=int, default=4000, help="answers")
    parser.add_argument("--seed", type=int, default=SEED)
    parser.add_argument("--show-misses", metavar="CODE", help="print answers whose CODE the coder missed")
    args = parser.parse_args()
    start = time.monotonic()
    with pl.Config(tbl_rows=40, tbl_hide_dataframe_shape=True, float_precision=3, tbl_width_chars=180,
                   fmt_str_lengths=90):
        measure(args.n, args.seed, misses_of=args.show_misses)
    print(f"{time.monotonic() - start:.0f} s")


if __name__ == "__main__":
    main()
