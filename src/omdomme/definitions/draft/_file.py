"""What a vendor file says about itself, gathered before any TOML is written.

:class:`Reader` finds the question grids (one variable per question and county, named by the
variable labels), their codes by role, the association set (coded slots or 0/1 dichotomies)
and the respondent variables (id, weight, sex, age, sample, residence), each with the
comments and ``TODO`` guesses the definition will carry.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import polars as pl

from omdomme.definitions.draft._words import (
    AGE_WORDS,
    FYLKE_WORDS,
    ID_NAMES,
    KOMMUNE_WORDS,
    MENTIONED,
    NOT_MENTIONED,
    OLDEST,
    SAMPLE,
    SAMPLE_WORDS,
    SEX,
    WEIGHT_WORDS,
    age_band,
    code_role,
    county_named,
    frame_category,
    has,
    is_label,
    item_texts,
    norm,
    num,
    question_role,
    quote,
    scale_direction,
    slug,
    wording_of,
)
from omdomme.errors import GeographyError
from omdomme.geography import county_of
from omdomme.labels import COUNTIES, COUNTY_NAMES

# --------------------------------------------------------------------------- templates


def grid_template(names: Mapping[str, str], tokens: Mapping[str, str] | None) -> tuple[str, dict[str, str]] | None:
    """A ``{target}`` template for one variable per county, with the counties' tokens.

    With ``tokens`` given, the template must reproduce every name from them; otherwise the
    tokens are what the names do not share (common prefix and suffix cut away).
    """
    counties = list(names)
    if tokens is not None and all(c in tokens for c in counties):
        first = counties[0]
        name, token = names[first], tokens[first]
        start = name.find(token)
        while start >= 0:
            template = name[:start] + "{target}" + name[start + len(token):]
            if all(template.replace("{target}", tokens[c]) == names[c] for c in counties):
                return template, {c: tokens[c] for c in counties}
            start = name.find(token, start + 1)
    if len(counties) < 2:
        return None
    values = [names[c] for c in counties]
    prefix = os.path.commonprefix(values)
    suffix = os.path.commonprefix([v[::-1] for v in values])[::-1]
    shortest = min(len(v) for v in values)
    if len(prefix) + len(suffix) > shortest:
        suffix = suffix[len(prefix) + len(suffix) - shortest:]
    found = {c: names[c][len(prefix): len(names[c]) - len(suffix)] for c in counties}
    if any(not t for t in found.values()) or len(set(found.values())) < len(found):
        return None
    return prefix + "{target}" + suffix, found


def positional(tokens: Mapping[str, str]) -> list[str] | None:
    """The vendor's county order when the tokens are the positions 1 … n, else ``None``."""
    if not all(t.isdigit() and not t.startswith("0") for t in tokens.values()):
        return None
    by_position = sorted(tokens, key=lambda c: int(tokens[c]))
    if [int(tokens[c]) for c in by_position] != list(range(1, len(tokens) + 1)):
        return None
    return by_position


# --------------------------------------------------------------------------- the draft


@dataclass
class Scale:
    """One scale question: its variable per county, codes by role, labels."""

    role: str
    variables: dict[str, str]
    labels: dict[Any, str]
    scale: list[Any]
    vet_ikke: list[Any]
    nonresponse: list[Any]
    direction: str | None
    wording: str | None
    todos: list[str] = field(default_factory=list)


@dataclass
class Associations:
    """The coded associations: slots (multiple category) or dichotomies (multiple dichotomy)."""

    slots: list[dict[str, str]]  # one {county: variable} per slot
    codes: dict[Any, str]  # code -> category (slots)
    dichotomies: dict[str, dict[str, str]]  # category -> {county: variable}
    counted: Any
    text: dict[str, str]
    vet_ikke: list[Any]
    nonresponse: list[Any]
    labels: dict[str, str]  # category -> the label it was read from
    todos: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class Facts:
    """Everything the draft writes, read off the file."""

    round: int
    meta: Any
    scales: dict[str, Scale]
    assoc: Associations | None
    tokens: dict[str, str] | None
    order: list[str]
    people: People


class Reader:
    """Reads one file: the question grids first (they claim their variables), then the rest."""

    def __init__(self, data: pl.DataFrame, meta: Any, round: int) -> None:
        self.data = data
        self.meta = meta
        self.round = round
        self.todos: list[str] = []
        self.found: list[str] = []
        self.used: set[str] = set()

    def facts(self) -> Facts:
        """Read the questions first (they claim their variables), then the respondent variables."""
        scales, assoc, tokens, order = self.questions()
        people = _Respondents(self).find()
        return Facts(self.round, self.meta, scales, assoc, tokens, order, people)

    # ---------------------------------------------------------------- helpers

    def values(self, names: Iterable[str]) -> set[Any]:
        out: set[Any] = set()
        for name in names:
            column = self.data.get_column(name).drop_nulls().unique()
            out |= {num(v) for v in column.to_list()}
        return out

    def labels(self, names: Iterable[str]) -> dict[Any, str]:
        out: dict[Any, str] = {}
        for name in names:
            for code, label in self.meta[name].value_labels.items():
                out.setdefault(num(code), label)
        return out

    def user_missing(self, names: Iterable[str], codes: Iterable[Any]) -> set[Any]:
        return {c for c in codes for n in names if self.meta[n].is_missing(c)}

    # ---------------------------------------------------------------- questions

    def questions(self) -> tuple[dict[str, Scale], Associations | None, dict[str, str] | None, list[str]]:
        by_role: dict[str, dict[str, list[str]]] = {}
        for v in self.meta:
            role, county = question_role(v.label), county_named(v.label)
            if role is None or county is None:
                continue
            by_role.setdefault(role, {}).setdefault(county, []).append(v.name)
        scales: dict[str, Scale] = {}
        for role in ("kjennskap", "inntrykk", "moderne"):
            if role in by_role:
                scales[role] = self.scale(role, by_role[role])
        assoc = self.associations(by_role["assosiasjon"]) if "assosiasjon" in by_role else None
        tokens, order = self.targets(scales, assoc)
        return scales, assoc, tokens, order

    def scale(self, role: str, per_county: dict[str, list[str]]) -> Scale:
        todos: list[str] = []
        variables: dict[str, str] = {}
        for county in COUNTIES:
            names = [n for n in per_county.get(county, []) if self.meta[n].type == "numeric"]
            if not names:
                continue
            variables[county] = names[0]
            if len(names) > 1:
                todos.append(f"{len(names)} variables ask {role} about {COUNTY_NAMES[county]} "
                             f"({', '.join(names)}); the first is used")
        names = list(variables.values())
        self.used |= set(names)
        labels = self.labels(names)
        present = self.values(names)
        vet_ikke, nonresponse, scale = [], [], []
        for code in sorted(set(labels) | present, key=lambda c: (isinstance(c, str), c)):
            label = labels.get(code)
            kind = code_role(label)
            missing = bool(self.user_missing(names, [code]))
            if kind == "vet_ikke":
                vet_ikke.append(code)
            elif kind == "nonresponse":
                nonresponse.append(code)
            elif missing:
                nonresponse.append(code)
                todos.append(f"code {code} ({quote(label) if label else 'no label'}) is user-missing in the file; "
                             f"taken as nonresponse (no answer); if it means «vet ikke», move it to vet_ikke")
            elif label is None:
                todos.append(f"code {code} occurs in the data without a value label and is left out of the scale; "
                             f"add it to `scale` or a role")
            else:
                scale.append(code)
        direction = scale_direction([labels.get(c, "") for c in scale])
        first = self.meta[names[0]].label if names else None
        wording = wording_of(first)
        return Scale(role, variables, {c: labels[c] for c in scale if c in labels}, scale, vet_ikke, nonresponse,
                      direction, wording, todos)

    def is_dichotomy(self, name: str) -> bool:
        info = self.meta[name]
        labels = {c: lab for c, lab in info.value_labels.items() if code_role(lab) is None and not info.is_missing(c)}
        if labels:
            return len(labels) <= 2 and any(is_label(lab, MENTIONED + NOT_MENTIONED) for lab in labels.values())
        values = {v for v in self.values([name]) if not info.is_missing(v)}
        return bool(values) and values <= {0, 1}

    def associations(self, per_county: dict[str, list[str]]) -> Associations:
        todos: list[str] = []
        texts: dict[str, str] = {}
        slots: dict[str, list[str]] = {}
        items: dict[str, dict[str, str]] = {}
        labels_of: dict[str, str] = {}
        for county in COUNTIES:
            names = per_county.get(county, [])
            strings = [n for n in names if self.meta[n].type == "string"]
            numbers = [n for n in names if self.meta[n].type == "numeric"]
            if strings:
                texts[county] = strings[0]
            zero_one = [n for n in numbers if self.is_dichotomy(n)]
            coded = [n for n in numbers if n not in zero_one]
            if zero_one and coded:
                todos.append(f"{COUNTY_NAMES[county]} has both 0/1 items ({zero_one[0]} …) and coded "
                             f"variables ({', '.join(coded)}); the 0/1 items are used")
            if zero_one:
                texts_of = item_texts([self.meta[n].label or n for n in zero_one])
                for name, item in zip(zero_one, texts_of, strict=True):
                    role = code_role(item)
                    if role == "vet_ikke":
                        key = "vet_ikke"
                    elif role == "nonresponse":
                        todos.append(f"item {name} {quote(item)} is a refusal, not a category; left out")
                        continue
                    else:
                        key = frame_category(item) or slug(item)
                        if frame_category(item) is None and key not in labels_of:
                            todos.append(f"item {quote(item)} is not in the partnership's code frame; "
                                         f"named `{key}`")
                    if key in items.setdefault(county, {}):
                        key = slug(item)
                    items[county][key] = name
                    labels_of.setdefault(key, item)
            elif coded:
                slots[county] = coded
        self.used |= {n for names in per_county.values() for n in names}

        all_items = [n for per in items.values() for n in per.values()]
        all_slots = [n for per in slots.values() for n in per]
        codes: dict[Any, str] = {}
        vet_ikke: list[Any] = []
        nonresponse: list[Any] = []
        counted: Any = 1
        if items:
            mentioned = {c for n in all_items for c, lab in self.meta[n].value_labels.items()
                         if is_label(lab, MENTIONED) and not is_label(lab, NOT_MENTIONED)}
            if len(mentioned) == 1:
                counted = num(mentioned.pop())
            else:
                todos.append("the 0/1 items have no «Nevnt»/«Valgt» label; 1 is taken as «mentioned»")
            for code, label in sorted(self.labels(all_items).items()):
                if code_role(label) == "nonresponse" or (self.user_missing(all_items, [code])
                                                         and code_role(label) is None):
                    nonresponse.append(code)
            first_county = next(iter(items))
            order = list(items[first_county])
            dichotomies = {key: {c: items[c][key] for c in items if key in items[c]}
                           for key in order + [k for per in items.values() for k in per if k not in order]}
            return Associations([], {}, dichotomies, counted, texts, [], nonresponse, labels_of, todos)
        for code, label in sorted(self.labels(all_slots).items()):
            role = code_role(label)
            if role == "vet_ikke":
                vet_ikke.append(code)
            elif role == "nonresponse" or self.user_missing(all_slots, [code]):
                nonresponse.append(code)
                if role is None:
                    todos.append(f"association code {code} {quote(label)} is user-missing; taken as nonresponse")
            else:
                category = frame_category(label)
                if category is None:
                    category = slug(label)
                    todos.append(f"association code {code} {quote(label)} is not in the partnership's code frame; "
                                 f"named `{category}`")
                codes[code] = category
                labels_of.setdefault(category, label)
        unlabelled = sorted(self.values(all_slots) - set(codes) - set(vet_ikke) - set(nonresponse))
        if unlabelled:
            todos.append(f"association codes {unlabelled} occur without a value label; add them to the codes")
        depth = min((len(v) for v in slots.values()), default=0)
        if any(len(v) != depth for v in slots.values()):
            todos.append("the counties have different numbers of association variables; the first "
                         f"{depth} of each are used")
        per_slot = [{c: slots[c][i] for c in slots} for i in range(depth)]
        return Associations(per_slot, codes, {}, None, texts, vet_ikke, nonresponse, labels_of, todos)

    # ---------------------------------------------------------------- targets

    def targets(self, scales: dict[str, Scale], assoc: Associations | None) -> tuple[dict[str, str] | None,
                                                                                       list[str]]:
        grids: list[dict[str, str]] = [s.variables for s in scales.values()]
        if assoc is not None:
            grids += assoc.slots + list(assoc.dichotomies.values()) + ([assoc.text] if assoc.text else [])
        for names in grids:
            found = grid_template(names, None)
            if found is not None:
                tokens = found[1]
                order = positional(tokens) or []
                return tokens, order
        return None, []


# --------------------------------------------------------------------------- respondents


@dataclass
class People:
    id: str | None = None
    weight: str | None = None
    age: str | None = None
    age_bands: dict[Any, tuple[int, int]] = field(default_factory=dict)
    age_range: tuple[int, int] | None = None  # the youngest and oldest age in years
    sex: str | None = None
    sex_codes: dict[str, Any] = field(default_factory=dict)
    nonresponse: list[Any] = field(default_factory=list)
    sample: str | None = None
    sample_codes: dict[str, Any] = field(default_factory=dict)
    kommune: str | None = None
    fylke: str | None = None
    county_codes: dict[str, list[Any]] = field(default_factory=dict)
    code_year: int | None = None
    notes: dict[str, list[str]] = field(default_factory=dict)  # key -> TODOs written above it
    found: list[str] = field(default_factory=list)

    def todo(self, key: str, text: str) -> None:
        self.notes.setdefault(key, []).append(f"TODO: {text}")

    def comment(self, key: str, text: str) -> None:
        self.notes.setdefault(key, []).append(text)


def _name_words(name: str) -> str:
    return " ".join(re.findall(r"[a-z]+", norm(name)))


def _mentions(v: Any, words: Sequence[str]) -> bool:
    return has(_name_words(v.name), words) or norm(v.name) in words or has(norm(v.label), words)


class _Respondents:
    def __init__(self, drafter: Reader) -> None:
        self.d = drafter
        self.rest = [v for v in drafter.meta if v.name not in drafter.used]
        self.p = People()

    def take(self, name: str) -> None:
        self.rest = [v for v in self.rest if v.name != name]

    def column(self, name: str) -> pl.Series:
        return self.d.data.get_column(name)

    def find(self) -> People:
        self.find_id()
        self.find_weight()
        self.find_sex()
        self.find_age()
        self.find_sample()
        self.find_residence()
        return self.p

    def find_id(self) -> None:
        candidates = [v for v in self.rest if re.sub(r"[^a-z0-9]", "", norm(v.name)) in ID_NAMES
                      or has(norm(v.label), ("respondent-id", "respondent id", "respondentid", "respondentnummer",
                                               "lopenummer", "serial number", "intervjunummer", "case id"))]
        for v in candidates:
            col = self.column(v.name)
            if col.null_count() == 0 and col.n_unique() == col.len():
                self.p.id = v.name
                self.take(v.name)
                self.p.found.append(f"id `{v.name}` ({quote(v.label) if v.label else 'no label'}, unique)")
                return
        unique = [v for v in self.rest if self.column(v.name).null_count() == 0
                  and self.column(v.name).n_unique() == self.d.data.height]
        if unique:
            self.p.id = unique[0].name
            self.take(unique[0].name)
            self.p.todo("id", f"no variable is labelled as the respondent id; `{unique[0].name}` is the first "
                        "with a different value on every row")
        else:
            self.p.id = self.d.meta.names[0]
            self.p.todo("id", "no variable has a different value on every row; name the respondent id")

    def find_weight(self) -> None:
        candidates = [v for v in self.rest if v.type == "numeric" and _mentions(v, WEIGHT_WORDS)]
        if not candidates:
            self.p.todo("weight", "no weight variable found (label or name «vekt»/«weight»): the draft is "
                        "unweighted; name the vendor's weight if there is one")
            return
        v = candidates[0]
        self.p.weight = v.name
        self.take(v.name)
        col = self.column(v.name)
        bad = int(col.is_null().sum()) + int((col <= 0).sum())
        if bad:
            self.p.todo("weight", f"`{v.name}` is null or not positive on {bad} row(s)")
        if len(candidates) > 1:
            self.p.todo("weight", f"also weight-like: {', '.join(c.name for c in candidates[1:])}; "
                        f"`{v.name}` is the first")
        self.p.found.append(f"weight `{v.name}` ({quote(v.label) if v.label else 'no label'})")

    def find_sex(self) -> None:
        for v in self.rest:
            if v.type != "numeric" or not v.value_labels:
                continue
            codes: dict[str, Any] = {}
            for code, label in v.value_labels.items():
                for key, words in SEX.items():
                    if is_label(label, words):
                        codes.setdefault(key, num(code))
            if set(codes) != {"mann", "kvinne"}:
                continue
            self.p.sex, self.p.sex_codes = v.name, {"mann": codes["mann"], "kvinne": codes["kvinne"]}
            self.take(v.name)
            other = sorted((self.d.values([v.name]) | {num(c) for c in v.value_labels}) - set(codes.values()),
                           key=float)
            for code in other:
                label = v.value_labels.get(float(code))
                self.p.nonresponse.append(code)
                if code_role(label) != "nonresponse":
                    self.p.todo("nonresponse", f"sex code {code} ({quote(label) if label else 'no label'}) is "
                                "neither «Mann» nor «Kvinne»; taken as no answer to sex")
            self.p.found.append(f"sex `{v.name}`: mann = {codes['mann']}, kvinne = {codes['kvinne']} "
                                "(from the value labels)")
            return
        self.p.todo("sex", "no variable has the value labels «Mann» and «Kvinne» (or «Male»/«Female»); "
                    "name the sex variable and its codes")

    def find_age(self) -> None:
        years: list[tuple[Any, set[Any]]] = []
        banded: list[tuple[Any, dict[Any, tuple[int, int]]]] = []
        for v in self.rest:
            if v.type != "numeric" or not _mentions(v, AGE_WORDS):
                continue
            bands = {num(c): b for c, lab in v.value_labels.items() if (b := age_band(lab)) is not None}
            # «99 = Ønsker ikke å svare» is no age, though 99 could be one.
            refused = {num(c) for c, lab in v.value_labels.items() if code_role(lab) is not None}
            values = {x for x in self.d.values([v.name]) if not v.is_missing(x)} - refused
            if len(bands) >= 2 and values <= set(bands):
                banded.append((v, bands))
            elif values and all(float(x).is_integer() and 15 <= x <= 110 for x in values) and len(values) > 8:
                no_age = refused | {x for x in self.d.values([v.name]) if v.is_missing(x)}
                years.append((v, {x for x in no_age if x in self.d.values([v.name])}))
        if years:
            v, no_age = years[0]
            self.p.age = v.name
            self.take(v.name)
            self.p.nonresponse += sorted(no_age, key=float)
            ages = self.d.values([v.name]) - no_age
            also = f"; age bands also in `{banded[0][0].name}` (years are used)" if banded else ""
            self.p.age_range = (int(min(ages)), int(max(ages)))
            self.p.found.append(f"age `{v.name}` in years ({int(min(ages))}–{int(max(ages))}){also}")
            if banded:
                self.take(banded[0][0].name)
            return
        if banded:
            v, bands = banded[0]
            self.p.age, self.p.age_bands = v.name, bands
            self.take(v.name)
            if any(hi == OLDEST for _, hi in bands.values()):
                self.p.todo("age_bands", f"an open top band is closed at {OLDEST} (SSB's oldest age class)")
            self.p.found.append(f"age `{v.name}` in {len(bands)} bands (from the value labels)")
            for code, label in v.value_labels.items():
                if age_band(label) is None and code_role(label) is not None:
                    self.p.nonresponse.append(num(code))
            return
        self.p.todo("age", "no age variable found (label or name «alder»/«age», whole years or bands like "
                    "«18-29 år»); name it")

    def find_sample(self) -> None:
        for v in self.rest:
            if v.type != "numeric":
                continue
            codes: dict[str, Any] = {}
            for code, label in v.value_labels.items():
                text = norm(label)
                key = next((k for k, words in SAMPLE.items() if any(w in text for w in words)), None)
                if code_role(label) is not None:
                    continue
                codes[key or slug(label)] = num(code)
            if _mentions(v, SAMPLE_WORDS) or ("hoved" in codes and "boost" in codes):
                if not codes:
                    continue
                self.p.sample, self.p.sample_codes = v.name, codes
                self.take(v.name)
                self.p.found.append(f"sample `{v.name}`: " + ", ".join(f"{k} = {c}" for k, c in codes.items()))
                return

    def find_residence(self) -> None:
        kommune = [v for v in self.rest if _mentions(v, KOMMUNE_WORDS)]
        if kommune:
            v = kommune[0]
            self.p.kommune = v.name
            self.take(v.name)
            self.p.code_year = self.code_year(v, "kommune")
            return
        fylke = [v for v in self.rest if _mentions(v, FYLKE_WORDS)]
        if not fylke:
            self.p.kommune = "kommune"
            self.p.code_year = self.d.round
            self.p.todo("kommune", "no residence variable found (label or name «kommune»/«fylke»/«municipality»/"
                        "«county»); name it")
            return
        v = fylke[0]
        self.p.fylke = v.name
        self.take(v.name)
        named = {num(c): county_named(lab) for c, lab in v.value_labels.items() if code_role(lab) is None}
        if any(named.values()):
            for code, county in named.items():
                self.p.county_codes.setdefault(county or "utenfor", []).append(code)
            unlabelled = sorted(self.d.values([v.name]) - set(named), key=float)
            if unlabelled:
                self.p.todo("county_codes", f"codes {unlabelled} of `{v.name}` have no value label; "
                            "add them to county_codes")
            self.p.found.append(f"residence `{v.name}`: the vendor's county codes, from the value labels")
            return
        self.p.code_year = self.code_year(v, "fylke")

    def code_year(self, v: Any, level: str) -> int:
        stated = re.findall(r"\b(20[1-4]\d)\b", v.label or "")
        if stated:
            year = int(stated[-1])
            self.p.found.append(f"residence `{v.name}`: {level} codes of {year} (the label says so)")
            return year
        codes = self.column(v.name)

        def valid(year: int) -> bool:
            try:
                county_of(codes, year=year, level=level)  # type: ignore[arg-type]
            except GeographyError:
                return False
            return True

        years = [y for y in range(2015, max(self.d.round, 2026) + 1) if valid(y)]
        span = f"{years[0]}–{years[-1]}" if years else ""
        if self.d.round in years:
            self.p.comment("code_year", f"the label names no year; every code of `{v.name}` is valid in {span} "
                           "(SSB Klass 131)")
            self.p.found.append(f"residence `{v.name}`: {level} codes valid in {span}")
            return self.d.round
        if years:
            self.p.todo("code_year", f"the codes of `{v.name}` are not all valid in {self.d.round} but are in "
                        f"{span}; the latest of those is taken")
            return years[-1]
        self.p.todo("code_year", f"the codes of `{v.name}` are not all valid in any one year 2015–2026; "
                    "`omdomme validate` lists those that are not")
        return self.d.round

