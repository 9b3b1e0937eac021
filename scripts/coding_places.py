"""Build ``src/omdomme/coding/data/places.csv``: the place names of the association lexicon.

Sources (see ``src/omdomme/coding/data/SOURCES.md``):

- SSB Klass 131 (kommuneinndeling) 2015–2024 with the crosswalk to 2024 codes
  (``src/omdomme/data/``): every municipality name since 2015, assigned to its 2024 county;
- Bring's postnummerregister (``postnummerregister-ansi.txt``, tab-separated, ISO-8859-1,
  columns postnummer, poststed, kommunenummer, kommune, kategori) as mirrored on
  2024-10-01: every postal place (poststed) name, county from the 2024 kommunenummer;
- ``places_extra.csv`` (hand-made): districts, landmarks used as places, Swedish border towns;
- Kartverket's N1000 place names (``coding_places_n1000.csv``, written from the R package
  N1000 by ``coding_places_n1000.R``, which gives each name the municipality its label lies
  in): the names of settlements, lakes, rivers, fjords, islands, mountains, valleys, landscape
  and forest areas, churches, lighthouses and sights (``N1000_KINDS``; farms, hotels, cabins,
  stations, airports and roads are left out: people do not name them as places of a county,
  and farm names are surnames). A name that ends in a generic noun of
  ``src/omdomme/coding/data/generics.csv`` («Hvaler kirke», «Strømtangen fyr», «Østmarka
  nasjonalpark») is kept as its specific part («Hvaler»): the coder reads the generic itself
  (``kultur`` for a church) and names before generics.

Usage::

    python scripts/coding_places.py BRING_FILE > src/omdomme/coding/data/places.csv

Names of the five Oslofjord counties get their county key; all other names get ``annet_sted``.
A name in several counties keeps one row per county; a name from two sources keeps the first
(Klass, Bring, the hand list, N1000).
"""

from __future__ import annotations

import csv
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
COUNTY_2024 = {"31": "ostfold", "32": "akershus", "03": "oslo", "33": "buskerud", "39": "vestfold"}
SMALL = {"i", "og", "på", "ved", "under", "over", "de", "la", "st."}
# Kartverket's name-object types (navneobjekttype) kept from N1000, and the kind each is given.
N1000_KINDS = {
    "by": "by", "tettsted": "tettsted", "tettbebyggelse": "tettsted", "bygdelagBygd": "bygd", "grend": "grend",
    "bydel": "bydel", "innsjø": "innsjø", "delAvInnsjø": "innsjø", "vann": "innsjø", "elv": "elv", "foss": "foss",
    "fjord": "fjord", "sundISjø": "sund", "øyISjø": "øy", "øy": "øy", "øygruppeISjø": "øygruppe",
    "holmeISjø": "holme", "halvøyISjø": "halvøy", "nesISjø": "nes", "eidISjø": "eid", "fjell": "fjell",
    "topp": "fjell", "fjellområde": "fjellområde", "ås": "ås", "høyde": "ås", "hei": "hei", "berg": "fjell",
    "vidde": "vidde", "isbre": "isbre", "dal": "dal", "dalføre": "dal", "landskapsområde": "landskap",
    "skogområde": "skogområde", "verneområde": "verneområde", "kirke": "kirke", "severdighet": "severdighet",
    "museumGalleriBibliotek": "museum", "fyrstasjon": "fyr", "fyrlykt": "fyr",
}


def title(name: str) -> str:
    """``BERG I ØSTFOLD`` -> ``Berg i Østfold``, ``NORE OG UVDAL`` -> ``Nore og Uvdal``, ``NORD-ODAL`` -> ``Nord-Odal``."""
    words = []
    for i, word in enumerate(name.lower().split(" ")):
        if i and word in SMALL:
            words.append(word)
        else:
            words.append("-".join(p[:1].upper() + p[1:] for p in word.split("-")))
    return " ".join(words)


def generic_forms() -> set[str]:
    """The forms of the generic nouns of place names (``generics.csv``), lower case."""
    with (ROOT / "src/omdomme/coding/data/generics.csv").open(encoding="utf-8") as f:
        lines = [line for line in f if not line.startswith("#")]
    return {form for r in csv.DictReader(lines) for form in r["forms"].split()}


def n1000_names() -> dict[tuple[str, str], str]:
    """``(name, county) -> kind`` of the N1000 names kept (``N1000_KINDS``), generic noun dropped."""
    generics = generic_forms()
    out: dict[tuple[str, str], str] = {}
    with (ROOT / "scripts/coding_places_n1000.csv").open(encoding="utf-8") as f:
        lines = [line for line in f if not line.startswith("#")]
    for r in csv.DictReader(lines):
        kind = N1000_KINDS.get(r["type"])
        if kind is None or "," in r["name"]:
            continue
        words = r["name"].split(" ")
        # «Hvaler kirke» is Hvaler's church: the name is «Hvaler», the generic the coder reads.
        if len(words) > 1 and words[-1].lower() in generics:
            words = words[:-1]
        name = " ".join(words)
        county = COUNTY_2024.get(r["kommunenummer"].zfill(4)[:2], "annet_sted")
        out.setdefault((name, county), kind)
    return out


def main(bring: str) -> None:
    rows: dict[tuple[str, str], tuple[str, str]] = {}
    with (ROOT / "src/omdomme/data/kommune_to_2024_crosswalk_2015_2024.csv").open(encoding="utf-8") as f:
        for r in csv.DictReader(f):
            county = COUNTY_2024.get(r["fylke_2024"], "annet_sted")
            # Sami and Kven double names («Kåfjord - Gáivuotna - Kaivuono»): each name is a place.
            # Klass tells apart names shared by two counties, «Våler (Østfold)»: the name is «Våler».
            for name in r["name"].split(" - "):
                name = name.split(" (")[0].strip()
                rows.setdefault((name, county), ("kommune", "ssb_klass131"))
    with open(bring, encoding="iso-8859-1", newline="") as f:
        for line in f:
            parts = line.rstrip("\r\n").split("\t")
            if len(parts) < 4:
                continue
            county = COUNTY_2024.get(parts[2][:2], "annet_sted")
            name = title(parts[1].strip())
            rows.setdefault((name, county), ("poststed", "bring_postnummerregister"))
    with (ROOT / "scripts/coding_places_extra.csv").open(encoding="utf-8") as f:
        for r in csv.DictReader(f):
            rows.setdefault((r["name"], r["county"]), (r["kind"], "hand"))
    for key, kind in n1000_names().items():
        rows.setdefault(key, (kind, "kartverket_n1000"))
    out = csv.writer(sys.stdout, lineterminator="\n")
    out.writerow(["name", "county", "kind", "source"])
    for (name, county), (kind, source) in sorted(rows.items(), key=lambda x: (x[0][1], x[0][0])):
        out.writerow([name, county, kind, source])


if __name__ == "__main__":
    main(sys.argv[1])
