"""Writing the drafted definition: sections in the order of docs/definitions.md, comments and TODOs.

The partnership's standard domains and indicators are written under the ids of the shipped
rounds (:data:`STANDARD_DOMAINS`, :data:`STANDARD_INDICATORS`); what an indicator counts is
read off the labels (the scale's most positive code, the two «enig» codes, the category
«verdier»). With a previous round (``--like``), changed labels get a new ``scale_id``.
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from omdomme.definitions.draft._file import Associations, Facts, People, Scale, grid_template
from omdomme.definitions.draft._words import (
    AGREE,
    DISAGREE,
    POSITIVE,
    has,
    norm,
    num,
    quote,
    toml_key,
    toml_str,
)
from omdomme.labels import COUNTIES, COUNTY_NAMES

# --------------------------------------------------------------------------- the standard set

# The partnership's domains and indicators under the ids of the shipped rounds, so that a
# drafted round continues their series. What an indicator counts is read off the labels.
STANDARD_DOMAINS: tuple[tuple[str, str, str | None, tuple[int, int] | None], ...] = (
    ("alle", "Alle", None, None),
    ("innenfra", "Bosatt i fylket (innenfra)", "target", None),
    ("utenfra", "Bosatt i andre fylker (utenfra)", "other", None),
    ("unge", "Unge bosatt i fylket (18–29 år)", "target", (18, 29)),
)
# The English labels of the standard set (`label_en`, for `--lang en`), by id.
STANDARD_LABELS_EN: dict[str, str] = {
    "domains.alle": "All",
    "domains.innenfra": "Residents of the county (inside view)",
    "domains.utenfra": "Residents of other counties (outside view)",
    "domains.unge": "Young residents of the county (18–29)",
    "indicators.vet_ikke": "Share answering «don't know» about the business sector",
    "indicators.svaert_godt": "Share with a very good impression",
    "indicators.svaert_godt_meninger": "Share with a very good impression, among those with an opinion",
    "indicators.moderne_ungdom": "Young people who think there are many modern and innovative firms",
    "indicators.verdier": "Share who associate the county with values and characteristics",
    "indicators.kun_geografi": "Share mentioning only geography (places, Sweden, nature)",
    "breakdowns.kjonn": "Sex",
    "breakdowns.aldersgruppe": "Age",
    "breakdowns.utvalg": "Sample",
}
# ... and of their levels (`labels_en`), where the draft names the levels itself.
STANDARD_LEVELS_EN: dict[str, dict[str, str]] = {
    "kjonn": {"mann": "Man", "kvinne": "Woman"},
    "utvalg": {"hoved": "Main sample (web panel)", "boost": "Østfold boost sample"},
}
# id, label, question, what it counts (vet_ikke | top | top2 | a category), base, better, domains
STANDARD_INDICATORS: tuple[tuple[str, str, str, str, str, str, tuple[str, ...]], ...] = (
    ("vet_ikke", "Andel som svarer «vet ikke» om næringslivet", "kjennskap", "vet_ikke", "all", "lower",
     ("alle", "innenfra", "utenfra")),
    ("svaert_godt", "Andel med svært godt inntrykk", "inntrykk", "top", "all", "higher",
     ("alle", "innenfra", "utenfra")),
    ("svaert_godt_meninger", "Andel med svært godt inntrykk, blant dem som har en mening", "inntrykk", "top",
     "valid", "higher", ("alle", "innenfra", "utenfra")),
    ("moderne_ungdom", "Unge som mener det finnes mange moderne og innovative bedrifter", "moderne", "top2",
     "all", "higher", ("unge",)),
    ("verdier", "Andel som forbinder fylket med verdier og egenskaper", "assosiasjon", "verdier", "all",
     "higher", ("alle", "utenfra")),
    # «only:a,b,c»: mentions at least one of these categories and nothing else (a code group).
    ("kun_geografi", "Andel som bare nevner geografi (steder, Sverige, natur)", "assosiasjon",
     "only:steder,sverige,natur", "all", "lower", ("alle", "utenfra")),
)

# The analyst's breakdowns of the shipped rounds: id, label, the respondent field they split by.
STANDARD_BREAKDOWNS: tuple[tuple[str, str, str], ...] = (
    ("kjonn", "Kjønn", "sex"),
    ("aldersgruppe", "Alder", "age"),
    ("utvalg", "Utvalg", "sample"),
)
STANDARD_AGE_LEVELS: tuple[tuple[int, int], ...] = ((18, 29), (30, 44), (45, 59), (60, 80))


class _Toml:
    """TOML text with comments, collecting every TODO with the section it belongs to."""

    def __init__(self) -> None:
        self.lines: list[str] = []
        self.todos: list[str] = []
        self.changes: list[str] = []  # what differs from the previous round (--like)
        self.section = ""

    def head(self, name: str) -> None:
        if self.lines:
            self.lines.append("")
        self.section = name
        self.lines.append(f"[{name}]")

    def note(self, text: str) -> None:
        for line in text.splitlines():
            self.lines.append(f"# {line}")
        if text.startswith("TODO:"):
            self.todos.append(f"[{self.section}] {text[len('TODO: '):]}" if self.section else text[6:])

    def change(self, text: str) -> str:
        """A difference from the previous round: a comment in the file and a line for the terminal."""
        self.changes.append(f"[{self.section}] {text}")
        return text

    def set(self, key: str, value: str, notes: Iterable[str] = ()) -> None:
        for n in notes:
            self.note(n)
        self.lines.append(f"{toml_key(key)} = {value}")

    def text(self) -> str:
        return "\n".join(self.lines) + "\n"


def _codes(codes: Iterable[Any]) -> str:
    return "[" + ", ".join(str(num(c)) for c in codes) + "]"


def _inline(table: Mapping[str, Any]) -> str:
    return "{ " + ", ".join(f"{toml_key(k)} = {v}" for k, v in table.items()) + " }"


def _top(s: Scale, n: int) -> tuple[list[Any], list[str]]:
    """The ``n`` codes at the scale's "most" end, and a TODO when their labels do not say so."""
    ordered = list(reversed(s.scale)) if s.direction == "descending" else list(s.scale)
    top = sorted(ordered[-n:], key=float)
    labels = [s.labels.get(c, "") for c in top]
    shown = ", ".join(f"{num(c)} {quote(lab)}" for c, lab in zip(top, labels, strict=True))
    ok = (all(has(norm(lab), POSITIVE) for lab in labels) if n == 1
          else all(has(norm(lab), AGREE) and not has(norm(lab), DISAGREE) for lab in labels))
    todos = [] if ok else [f"TODO: counts {shown}, the {'code' if n == 1 else f'{n} codes'} at the most end of "
                           f"the scale; the labels do not read as {'«Svært godt»' if n == 1 else '«enig»'}: check"]
    return top, todos


@dataclass(frozen=True)
class Previous:
    """The round a draft is made «like»: its definition and its data file's labels."""

    round: int
    definition: Any
    meta: Any


def _scale_change(role: str, s: Scale, prev: Previous, round: int) -> tuple[str | None, list[str]]:
    """The previous round's scale_id when the labels are the same, else a new one; with comments."""
    q = prev.definition.questions.get(role)
    if q is None or q.is_coded:
        return None, []
    target = next((t for t in prev.definition.targets if t in s.variables), None)
    if target is None:
        return None, []
    name = q.raw_variables(prev.definition.targets[target])[0]
    if name not in prev.meta:
        return None, []
    old = {num(c): lab for c, lab in prev.meta[name].value_labels.items() if c in q.scale}
    new = s.labels
    old_set, new_set = {norm(v) for v in old.values()}, {norm(v) for v in new.values()}
    if old_set != new_set:
        gone = [lab for lab in old.values() if norm(lab) not in new_set]
        came = [lab for lab in new.values() if norm(lab) not in old_set]
        change = ", ".join(quote(x) for x in gone) + " → " + ", ".join(quote(x) for x in came)
        scale_id = f"{role}-{len(s.scale)}-{round}"
        return scale_id, [f"the scale's labels changed since {prev.round} ({name}): {change}; a new scale_id, "
                          "so the series of indicators counting them break"]
    if old != new:
        moved = next(c for c in new if old.get(c) != new[c])
        return q.scale_id, [f"the codes are in another order than in {prev.round} ({name}): code {moved} was "
                            f"{quote(old.get(moved, '?'))}, is {quote(new[moved])}; the labels are the same, "
                            "so the series continue (counts follow the labels)"]
    return q.scale_id, []





def _where(file: Path, definition_path: Path) -> str:
    """``file`` relative to the definition's folder (paths in a definition are)."""
    return Path(os.path.relpath(file.resolve(), definition_path.parent.resolve())).as_posix()


def _survey(t: _Toml, f: Facts, file: Path, definition_path: Path, prev: Previous | None) -> None:
    meta = f.meta
    t.note(f"Drafted by `omdomme draft` from {file.name} ({meta.format}, {meta.n_rows} rows) "
           "on the file's own labels.")
    t.head("survey")
    t.set("kind", toml_str("omdomme"))
    t.set("round", str(f.round))
    t.set("title", toml_str(f"Omdømmeundersøkelsen {f.round}"))
    label = meta.file_label or ""
    if "syntetisk" in norm(label) or "synthetic" in norm(label):
        t.set("synthetic", "true", [f"the file label says {quote(label)}"])
        t.set("note", toml_str(label))
    if prev is not None:
        t.set("previous", str(prev.round))
    t.head("data")
    t.set("file", toml_str(_where(file, definition_path)))
    if meta.format == "csv":
        t.set("encoding", toml_str(meta.encoding or "utf-8"), ["delimiter and decimal are detected by omdomme.read"])
        book = file.with_name(f"{file.stem}.codebook.json")
        if book.exists():
            t.set("codebook", toml_str(_where(book, definition_path)))


def _design(t: _Toml, p: People) -> None:
    t.head("design")
    t.set("id", toml_str(p.id), p.notes.get("id", []))
    if p.weight is not None:
        t.set("weight", toml_str(p.weight), p.notes.get("weight", []))
    else:
        for n in p.notes.get("weight", []):
            t.note(n)
    t.set("lonely_psu", toml_str("fail"))


def _respondent(t: _Toml, p: People, prev: Previous | None) -> None:
    notes = p.notes
    t.head("respondent")
    t.set("age", toml_str(p.age or "alder"), notes.get("age", []))
    if p.age_bands:
        t.set("age_bands", _inline({str(c): f"[{lo}, {hi}]" for c, (lo, hi) in p.age_bands.items()}),
              notes.get("age_bands", []))
    sex_notes = list(notes.get("sex", []))
    if prev is not None and prev.definition.respondent is not None:
        old = {k: num(v) for k, v in prev.definition.respondent.sex_codes.items()}
        if p.sex_codes and old != p.sex_codes:
            sex_notes.append(t.change(f"sex is coded the other way than in {prev.round} "
                                      f"({', '.join(f'{k} = {v}' for k, v in old.items())} there)"))
    t.set("sex", toml_str(p.sex or "kjonn"), sex_notes)
    t.set("sex_codes", _inline(p.sex_codes or {"mann": 1, "kvinne": 2}))
    if p.nonresponse:
        t.set("nonresponse", _codes(sorted(set(p.nonresponse), key=float)), notes.get("nonresponse", []))
    if p.sample is not None:
        t.set("sample", toml_str(p.sample))
        t.set("sample_codes", _inline(p.sample_codes))
    if p.fylke is not None:
        t.set("fylke", toml_str(p.fylke))
        if p.county_codes:
            t.set("county_codes", _inline({k: (str(v[0]) if len(v) == 1 else _codes(v))
                                           for k, v in p.county_codes.items()}), notes.get("county_codes", []))
    else:
        t.set("kommune", toml_str(p.kommune), notes.get("kommune", []))
    if p.code_year is not None:
        t.set("code_year", str(p.code_year), notes.get("code_year", []))


def _targets(t: _Toml, f: Facts, prev: Previous | None) -> None:
    t.head("targets")
    if f.tokens is None:
        t.note("TODO: no question names a county in its variable labels; list the rated counties and their "
               "tokens (the part of the variable names that differs by county)")
        t.set("ostfold", toml_str("ostf"))
        return
    if f.order:
        first = next(iter(f.scales.values())).variables if f.scales else {}
        where = ", ".join(f"{first[c]} {COUNTY_NAMES[c]}" for c in f.order if c in first)
        t.set("order", toml_str(f.order), [f"the vendor's county order, from the variable labels ({where})"])
    else:
        for county in COUNTIES:
            if county in f.tokens:
                t.set(county, toml_str(f.tokens[county]))
    if prev is not None:
        old = dict(prev.definition.targets)
        new = {c: str(i + 1) for i, c in enumerate(f.order)} if f.order else f.tokens
        if old and old != new and set(old.values()) == set(new.values()):
            t.note(t.change(f"the same tokens name other counties than in {prev.round}: do not copy its [targets]"))


def _template(t: _Toml, f: Facts, names: Mapping[str, str]) -> str:
    """The variable template of one grid, ``{i}`` when the targets are positions."""
    found = grid_template(names, f.tokens)
    if found is None or f.tokens is None or any(found[1][c] != f.tokens.get(c) for c in names):
        t.note("TODO: these variables do not follow the county tokens of [targets]: "
               + ", ".join(f"{COUNTY_NAMES[c]} {n}" for c, n in names.items()))
        return next(iter(names.values()))
    return found[0].replace("{target}", "{i}") if f.order else found[0]


def _scale_question(t: _Toml, f: Facts, s: Scale, prev: Previous | None) -> str:
    t.head(f"questions.{s.role}")
    for n in s.todos:
        t.note(f"TODO: {n}")
    template = _template(t, f, s.variables)
    t.set("variable", toml_str(template))
    if s.wording:
        notes = []
        old = prev.definition.questions.get(s.role) if prev is not None else None
        if prev is not None and old is not None and old.wording and old.wording != s.wording:
            notes.append(f"TODO: the label's wording differs from {prev.round}'s {quote(old.wording)}, and a "
                         f"changed wording breaks the series: keep {prev.round}'s if the question was asked "
                         "as before (a label is often a shortened question), else the label's")
        t.set("wording", toml_str(s.wording), notes)
    direction = s.direction or "ascending"
    t.set("scale", _inline({str(num(c)): toml_str(s.labels.get(c, "")) for c in s.scale}))
    t.set("direction", toml_str(direction), [] if s.direction else
          ["TODO: the labels do not say which end is most; ascending (the last code is the most) assumed"])
    scale_id, change = (None, []) if prev is None else _scale_change(s.role, s, prev, f.round)
    t.set("scale_id", toml_str(scale_id or f"{s.role}-{len(s.scale)}"), [t.change(c) for c in change])
    t.set("vet_ikke", _codes(s.vet_ikke))
    if s.nonresponse:
        t.set("nonresponse", _codes(s.nonresponse))
    ends = "first" if direction == "descending" else "last"
    summary = f"{s.role}: {template}"
    if s.scale:
        lo, hi = s.scale[0], s.scale[-1]
        summary += (f", {len(s.scale)} points ({num(lo)} {quote(s.labels.get(lo, ''))} … {num(hi)} "
                    f"{quote(s.labels.get(hi, ''))}, the {ends} is the most)")
    return summary + _roles_text(s.vet_ikke, s.nonresponse)


def _roles_text(vet_ikke: Iterable[Any], nonresponse: Iterable[Any]) -> str:
    parts = []
    if vet_ikke:
        parts.append(f"vet ikke {_codes(vet_ikke)}")
    if nonresponse:
        parts.append(f"nonresponse {_codes(nonresponse)}")
    return f"; {', '.join(parts)}" if parts else ""


def _associations(t: _Toml, f: Facts, a: Associations) -> str:
    t.head("questions.assosiasjon")
    for n in a.todos:
        t.note(f"TODO: {n}")
    if a.slots:
        t.set("variables", "[" + ", ".join(toml_str(_template(t, f, slot)) for slot in a.slots) + "]")
    if a.text:
        t.set("text", toml_str(_template(t, f, a.text)))
    if a.dichotomies:
        t.set("counted", str(num(a.counted)), ["SPSS's counted value of the 0/1 items: «mentioned»"])
    else:
        t.set("vet_ikke", _codes(a.vet_ikke))
    if a.nonresponse:
        t.set("nonresponse", _codes(a.nonresponse))
    if a.dichotomies:
        t.head("questions.assosiasjon.dichotomies")
        for key, names in a.dichotomies.items():
            t.lines.append(f"{toml_key(key)} = {toml_str(_template(t, f, names))}  # {quote(a.labels.get(key, key))}")
        return (f"assosiasjon: {len(a.dichotomies)} 0/1 items per county (multiple dichotomy, counted value "
                f"{num(a.counted)})" + _roles_text([], a.nonresponse))
    t.head("questions.assosiasjon.codes")
    for code, category in a.codes.items():
        t.lines.append(f"{num(code)} = {toml_str(category)}  # {quote(a.labels.get(category, ''))}")
    return (f"assosiasjon: {len(a.slots)} coded variable(s) per county, {len(a.codes)} codes"
            + _roles_text(a.vet_ikke, a.nonresponse))


def _domains(t: _Toml, p: People) -> None:
    for domain, label, residents, ages in STANDARD_DOMAINS:
        t.head(f"domains.{domain}")
        t.set("label", toml_str(label))
        t.set("label_en", toml_str(STANDARD_LABELS_EN[f"domains.{domain}"]))
        if residents is not None:
            t.set("residents", toml_str(residents))
        if ages is not None:
            straddle = [f"{c} = [{lo}, {hi}]" for c, (lo, hi) in p.age_bands.items()
                        if lo < ages[0] <= hi or lo <= ages[1] < hi]
            t.set("age", f"[{ages[0]}, {ages[1]}]",
                  [f"TODO: the age bands {', '.join(straddle)} straddle {ages[0]}–{ages[1]} years"] if straddle else [])


def _age_levels(p: People, wanted: Sequence[tuple[int, int]], keep: bool) -> tuple[list[tuple[int, int]], list[str]]:
    """Age levels for a breakdown: ``wanted`` where the file's ages fit them, with comments.

    Banded age: the levels must nest the file's bands, else each band is a level of its own.
    Ages in years: the outer levels reach the youngest and oldest respondent, so nobody is in
    no level; with ``keep`` (the previous round's levels, a series) they stay and a TODO says
    who falls outside.
    """
    levels = sorted(wanted)
    bands = sorted(p.age_bands.values())
    if bands:
        youngest, oldest = bands[0][0], bands[-1][1]
    elif p.age_range is not None:
        youngest, oldest = p.age_range
    else:
        return levels, []
    if not keep:
        levels[0] = (min(youngest, levels[0][0]), levels[0][1])
        levels[-1] = (levels[-1][0], max(oldest, levels[-1][1]))
    if bands:
        if all(any(lo <= b_lo and b_hi <= hi for lo, hi in levels) for b_lo, b_hi in bands):
            return levels, []
        return bands, ["TODO: the levels are the file's own age bands: the levels asked for do not nest in them"]
    if keep:
        outside = [f"{a}–{b}" for a, b in ((youngest, levels[0][0] - 1), (levels[-1][1] + 1, oldest)) if a <= b]
        return levels, [f"TODO: respondents aged {' and '.join(outside)} are in no level (counted in the manifest)"] if outside else []
    return levels, []


def _breakdowns(t: _Toml, f: Facts, prev: Previous | None, indicators: Sequence[str]) -> None:
    """The breakdowns of the round the draft is like (else the shipped set) the file can feed."""
    p = f.people
    present = {"sex": p.sex, "age": p.age, "sample": p.sample, "residence": p.kommune or p.fylke}
    if prev is not None:
        wanted = [(b.id, b.label, b.by, b) for b in prev.definition.breakdowns.values()]
    else:
        wanted = [(i, label, by, None) for i, label, by in STANDARD_BREAKDOWNS]
    for ident, label, by, old in wanted:
        source = old.source if old is not None else None
        if by in present and not present[by]:
            t.lines += ["", f"# [breakdowns.{ident}] left out: no {by} variable found in the file"]
            continue
        if by == "question" and source not in f.scales:
            t.lines += ["", f"# [breakdowns.{ident}] left out: no {source} question found in the variable labels"]
            continue
        if by == "variable" and source not in f.meta:
            t.lines += ["", f"# [breakdowns.{ident}] left out: no variable `{source}` in the file"]
            continue
        t.head(f"breakdowns.{ident}")
        t.set("label", toml_str(label))
        english = old.label_en if old is not None else STANDARD_LABELS_EN.get(f"breakdowns.{ident}")
        if english:
            t.set("label_en", toml_str(english))
        t.set("by", toml_str(by))
        if source is not None:
            t.set(by, toml_str(source))
        if by == "age":
            given = [(int(lv.codes[0]), int(lv.codes[1])) for lv in old.levels] if old is not None else STANDARD_AGE_LEVELS
            levels, notes = _age_levels(p, given, keep=old is not None)
            t.set("levels", "{ " + ", ".join(f"{toml_key(f'{lo}-{hi}')} = [{lo}, {hi}]" for lo, hi in levels) + " }",
                  notes)
        elif old is not None and old.levels:
            t.set("levels", "{ " + ", ".join(f"{toml_key(lv.id)} = {_codes(lv.codes)}" for lv in old.levels) + " }",
                  ["TODO: the levels are the codes of the previous round's file: check them against this file's labels"])
        if old is not None and old.labels:
            t.set("labels", "{ " + ", ".join(f"{toml_key(k)} = {toml_str(v)}" for k, v in old.labels.items()) + " }")
        levels_en = old.labels_en if old is not None else STANDARD_LEVELS_EN.get(ident, {})
        if levels_en:
            t.set("labels_en", "{ " + ", ".join(f"{toml_key(k)} = {toml_str(v)}" for k, v in levels_en.items()) + " }")
        if old is not None and old.within != "alle":
            t.set("within", toml_str(old.within))
        listed = prev.definition.raw.get("breakdowns", {}).get(ident, {}).get("indicators") if prev else None
        if listed:
            kept = [i for i in listed if i in indicators]
            gone = [i for i in listed if i not in indicators]
            t.set("indicators", toml_str(kept), [f"left out (not in this draft): {', '.join(gone)}"] if gone else [])


def _indicators(t: _Toml, f: Facts) -> list[str]:
    """Write the standard indicators the file can feed; return their ids."""
    written: list[str] = []
    a = f.assoc
    categories = (set(a.codes.values()) | set(a.dichotomies)) if a is not None else set()
    for ind, label, question, what, base, better, domains in STANDARD_INDICATORS:
        notes: list[str] = []
        if question == "assosiasjon":
            wanted = what.removeprefix("only:").split(",")
            if not set(wanted) <= categories:
                t.lines += ["", f"# [indicators.{ind}] left out: no association category «{what}» in the file"]
                continue
            count = "{ only = " + toml_str(wanted) + " }" if what.startswith("only:") else toml_str([what])
        elif question not in f.scales:
            t.lines += ["", f"# [indicators.{ind}] left out: no {question} question found in the variable labels"]
            continue
        elif what == "vet_ikke":
            count = toml_str("vet_ikke")
            if not f.scales[question].vet_ikke:
                notes = [f"TODO: no «vet ikke» code found for {question}"]
        else:
            codes, notes = _top(f.scales[question], 1 if what == "top" else 2)
            count = _codes(codes)
        t.head(f"indicators.{ind}")
        t.set("label", toml_str(label))
        t.set("label_en", toml_str(STANDARD_LABELS_EN[f"indicators.{ind}"]))
        t.set("question", toml_str(question))
        t.set("count", count, notes)
        t.set("base", toml_str(base))
        t.set("better", toml_str(better))
        t.set("domains", toml_str(list(domains)))
        written.append(ind)
    return written


def render(f: Facts, file: Path, definition_path: Path, prev: Previous | None) -> tuple[str, list[str], list[str]]:
    """The definition's text, its TODOs, and one line per part read off the labels."""
    t = _Toml()
    _survey(t, f, file, definition_path, prev)
    _design(t, f.people)
    _respondent(t, f.people, prev)
    _targets(t, f, prev)
    found = []
    if f.tokens is not None:
        how = (f"positions in the vendor's order {', '.join(f.order)}" if f.order
               else ", ".join(f"{c} {f.tokens[c]!r}" for c in COUNTIES if c in f.tokens))
        found.append(f"targets: {how} (county names in the variable labels)")
    for s in f.scales.values():
        found.append(_scale_question(t, f, s, prev))
    if f.assoc is not None:
        found.append(_associations(t, f, f.assoc))
    _domains(t, f.people)
    _breakdowns(t, f, prev, _indicators(t, f))
    t.head("reliability")
    t.set("min_n", "30")
    t.set("ci_method", toml_str("logit"))
    t.head("ranks")
    t.set("draws", "10000")
    t.set("seed", f"{f.round}0101")
    n = len(t.todos)
    t.lines.insert(1, f"# {n} guess(es) to check, each marked «TODO:» below; then run `omdomme validate {f.round}`."
                   if n else f"# Nothing is guessed: every value comes from the labels. Run `omdomme validate {f.round}`.")
    if prev is not None:
        found += [f"since {prev.round}: {c}" for c in t.changes] or [f"since {prev.round}: the same codes and labels"]
    return t.text(), t.todos, found + f.people.found
