"""``omdomme validate``: a round's definitions checked against their data, every problem at once.

Problems are grouped by cause: one :class:`Problem` per cause, naming the variables it
covers (a misspelt template is one problem, not fifty), quoting value labels «like this»,
saying the fix. Besides problems, :func:`check_round` returns notes (value labels that
changed since the previous round's file) and a summary of each weight (sum, mean, min, max,
Kish efficiency); neither fails validation.

Floor 5 (analysis): it may use the definitions, the readers and the innovation analysis'
own checks; it writes nothing.
"""

from __future__ import annotations

import difflib
import re
import warnings
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import polars as pl

from omdomme.analysis.innovation import parse_innovation, prepare_sample
from omdomme.definitions import SURVEYS, Definition, load_definition, previous_round
from omdomme.definitions._load import _unknown_round
from omdomme.definitions.harmonise import (
    required_variables,
    residence_of,
    respondent_problems,
    undeclared_codes,
    variable_list,
)
from omdomme.errors import GeographyError, InputError
from omdomme.labels import COUNTY_NAMES

if TYPE_CHECKING:
    from omdomme.io import Metadata


@dataclass(frozen=True)
class Problem:
    """One cause of disagreement between a definition and its data (``omdomme validate``).

    ``where`` is the file (and variable or section) concerned; ``message`` says what was
    found and the fix; ``variables`` lists the raw variables the cause covers.
    """

    where: str
    message: str
    variables: tuple[str, ...] = ()

    def __str__(self) -> str:
        return f"{self.where}: {self.message}"


@dataclass(frozen=True)
class Validation:
    """What ``omdomme validate`` reports: problems (exit 2), notes and weight summaries (exit 0)."""

    problems: tuple[Problem, ...] = ()
    notes: tuple[str, ...] = ()
    weights: tuple[str, ...] = ()


def check_data(definition: Definition, data: pl.DataFrame, meta: Metadata | None = None) -> list[Problem]:
    """Every problem of a reputation definition against its (already read) data, one per cause.

    Checks: variables the definition names but the file lacks (with close names); codes of
    the definition the data never use; codes the data use that the definition does not
    declare (user-missing codes without a role, quoting their labels); sex and age codes
    outside ``sex_codes``/``age_bands`` and ``nonresponse``; variable labels that name another
    county than the one the variable is mapped to; scale labels that differ from the file's;
    duplicate or missing ids; bad weights; residence codes that cannot be placed; rated
    counties no respondent lives in. ``meta`` (the file's labels and user-missing codes)
    enables the label checks.

    >>> d = load_definition(2018)
    >>> check_data(d, *d.read())
    []
    """
    if definition.kind != "omdomme" or definition.respondent is None:
        return []
    return [
        *_missing_variables(definition, data),
        *_text_variables(definition, data),
        *_unused_codes(definition, data),
        *(Problem(str(definition.data_path), u.message(definition), u.variables)
          for u in undeclared_codes(definition, data, meta)),
        *(Problem(str(definition.data_path), message, (variable,))
          for variable, message in respondent_problems(definition, data, meta)),
        *_unused_respondent_codes(definition, data),
        *_target_labels(definition, meta),
        *_scale_labels(definition, meta),
        *_ids_and_weights(definition, data),
        *_residence(definition, data, meta),
    ]


#: Roles whose variable must hold numbers (codes, ages, weights); ids, strata, PSUs,
#: municipality codes and free text may be text.
_NUMERIC_ROLES = ("[design] weight", "[design] fpc", "[respondent] age", "[respondent] sex",
                  "[respondent] sample")


def _text_variables(definition: Definition, data: pl.DataFrame) -> list[Problem]:
    """A variable stored as text where numbers are needed (an SPSS string variable holding
    codes, a CSV column with words in it), named with examples instead of failing later."""
    data_file = str(definition.data_path)
    out = []
    for variable, why in required_variables(definition):
        numeric_role = why in _NUMERIC_ROLES or (why.startswith("[questions.") and " text for " not in why)
        if not numeric_role or variable not in data.columns or data.schema[variable] != pl.String:
            continue
        values = data.get_column(variable).drop_nulls().unique(maintain_order=True).head(3).to_list()
        out.append(Problem(
            f"{data_file} `{variable}`",
            f"`{variable}` ({why}) is stored as text, not numbers (values such as "
            f"{', '.join(repr(v) for v in values)}); store it as a numeric variable (in SPSS: "
            f"Variable View, Type Numeric) or fix the values"
            + (f"; if these are value labels (an export «with labels»), give their codes in a codebook "
               f"({definition.data_path.stem}.codebook.json beside the file, see `omdomme codebook --format json`)"
               if definition.data_path.suffix.lower() == ".csv" else "") + ".", (variable,)))
    return out


def _section_of(why: str) -> str:
    """``[questions.moderne] for akershus`` -> ``[questions.moderne]`` (the cause of a missing variable)."""
    return re.sub(r" for \w+$", "", why)


def _missing_variables(definition: Definition, data: pl.DataFrame) -> list[Problem]:
    data_file = str(definition.data_path)
    groups: dict[str, list[tuple[str, str]]] = {}
    for variable, why in required_variables(definition):
        if variable not in data.columns:
            groups.setdefault(_section_of(why), []).append((variable, why))
    out = []
    for section, items in groups.items():
        variables = [v for v, _ in items]
        close = [c[0] for c in (difflib.get_close_matches(v, data.columns, n=1) for v in variables) if c]
        hint = f"did you mean {variable_list(close)}?" if close else "fix the name(s) in the definition."
        if len(items) == 1:
            (variable, why), = items
            message = f"variable `{variable}` ({why}) is not in {data_file}; {hint}"
        else:
            message = f"variables {variable_list(variables)} of {section} are not in {data_file}; {hint}"
        out.append(Problem(str(definition.path), message, tuple(variables)))
    return out


def _values(data: pl.DataFrame, variables: list[str]) -> set[float]:
    present = [v for v in variables if v in data.columns]
    if not present:
        return set()
    stacked = pl.concat([data.get_column(v).cast(pl.Float64, strict=False).drop_nulls().unique() for v in present])
    return set(stacked.to_list())


def _unused_codes(definition: Definition, data: pl.DataFrame) -> list[Problem]:
    """Codes of a question's scale, its own vet ikke codes and its code frame that no respondent used.

    Codes inherited from ``[missing]`` and ``nonresponse`` codes are not expected to occur in
    every question (nobody may have refused it).
    """
    out = []
    raw_questions = definition.raw.get("questions", {})
    for q in definition.questions.values():
        if q.form == "dichotomy":
            continue
        raws = [v for token in definition.targets.values() for v in q.raw_variables(token)]
        if not any(v in data.columns for v in raws):
            continue
        used = _values(data, raws)
        own_vet_ikke = q.vet_ikke if "vet_ikke" in raw_questions.get(q.name, {}) else ()
        expected = [("scale", c) for c in q.scale] + [("vet_ikke", c) for c in own_vet_ikke] + [
            ("codes", c) for c in q.codes]
        never = [f"{c:g} ({kind})" for kind, c in expected if c not in used]
        if never:
            out.append(Problem(
                f"{definition.path} [questions.{q.name}]",
                f"code(s) {', '.join(never)} never occur in {', '.join(raws[:3])}{'…' if len(raws) > 3 else ''} "
                f"of {definition.data_path}; check the codes against `omdomme codebook {definition.data_path}` "
                f"(a vendor may have changed them) and fix the definition.",
                tuple(raws),
            ))
    return out


def _unused_respondent_codes(definition: Definition, data: pl.DataFrame) -> list[Problem]:
    r = definition.respondent
    assert r is not None
    out = []
    for key, table in (("sex", r.sex_codes), ("sample", r.sample_codes)):
        variable = getattr(r, key)
        if variable and variable in data.columns and table:
            used = _values(data, [variable])
            never = [f"{name} = {code:g}" for name, code in table.items() if code not in used]
            if never:
                out.append(Problem(
                    f"{definition.path} [respondent] {key}_codes",
                    f"{', '.join(never)} never occur in `{variable}` of {definition.data_path} "
                    f"(codes present: {', '.join(f'{c:g}' for c in sorted(used))}); fix {key}_codes.",
                    (variable,),
                ))
    return out


_COUNTY_PATTERN = re.compile(r"\b(" + "|".join([*COUNTY_NAMES.values(), "Ostfold", "Oestfold"]) + r")\b",
                             re.IGNORECASE)
_NAME_TO_KEY = {n.casefold(): k for k, n in COUNTY_NAMES.items()} | {"ostfold": "ostfold", "oestfold": "ostfold"}


def counties_named(label: str | None) -> set[str]:
    """The county keys a variable label names (``«… næringslivet i - Østfold»`` -> ``{"ostfold"}``).

    >>> sorted(counties_named("Hvilket inntrykk har du av Østfold?")), counties_named("Alder")
    (['ostfold'], set())
    """
    return {_NAME_TO_KEY[m.casefold()] for m in _COUNTY_PATTERN.findall(label or "")}


def _target_labels(definition: Definition, meta: Metadata | None) -> list[Problem]:
    """A variable whose label names exactly one county must be mapped to that county."""
    if meta is None:
        return []
    out = []
    for q in definition.questions.values():
        wrong: list[tuple[str, str, str, str]] = []
        for county, token in definition.targets.items():
            for v in q.raw_variables(token):
                if v not in meta:
                    continue
                named = counties_named(meta[v].label)
                if len(named) == 1 and county not in named:
                    wrong.append((v, county, meta[v].label or "", next(iter(named))))
        if not wrong:
            continue
        position = {v: i for i, v in enumerate(meta.names)}
        wrong.sort(key=lambda w: position[w[0]])
        order = definition.target_order
        shown = "; ".join(f"`{v}` is mapped to {county} ({_mapping(definition, county)}) but its label «{label}» names "
                          f"{COUNTY_NAMES[named]}" for v, county, label, named in wrong[:2])
        more = f"; and {len(wrong) - 2} more variable(s) ({variable_list([w[0] for w in wrong[2:]])})" if len(wrong) > 2 else ""
        fix = "fix `order` in [targets] (the vendor's county order)" if order else "fix the tokens in [targets]"
        out.append(Problem(f"{definition.path} [questions.{q.name}]", f"{shown}{more}; {fix}.",
                           tuple(w[0] for w in wrong)))
    return out


def _mapping(definition: Definition, county: str) -> str:
    """How the definition maps a county to its variables, for a message."""
    if definition.target_order:
        return f"[targets] order position {definition.target_order.index(county) + 1}"
    return f'[targets] {county} = "{definition.targets[county]}"'


def _normal(label: str) -> str:
    return " ".join(label.split()).casefold()


def _in_file_order(meta: Metadata, variables: list[str]) -> list[str]:
    """The variables the file has, in the file's order (as a user sees them in SPSS)."""
    wanted = set(variables)
    return [v for v in meta.names if v in wanted]


def _scale_labels(definition: Definition, meta: Metadata | None) -> list[Problem]:
    """The definition's scale labels against the file's value labels, one problem per question."""
    if meta is None:
        return []
    out = []
    for q in definition.questions.values():
        if not q.scale_labels:
            continue
        raws = _in_file_order(meta, [v for token in definition.targets.values() for v in q.raw_variables(token)])
        labels = meta.value_labels_over(raws)
        differ = [(c, mine, labels[c]) for c, mine in q.scale_labels.items()
                  if c in labels and _normal(mine) != _normal(labels[c])]
        if differ:
            shown = "; ".join(f"{c:g} «{mine}» differs from the file's «{theirs}»" for c, mine, theirs in differ)
            out.append(Problem(
                f"{definition.path} [questions.{q.name}]",
                f"scale label {shown} in {variable_list(raws)}; fix `scale` (the codes may have changed "
                f"meaning: check `count` of the indicators too).",
                tuple(raws),
            ))
    return out


def _ids_and_weights(definition: Definition, data: pl.DataFrame) -> list[Problem]:
    data_file = str(definition.data_path)
    out = []
    id_ = definition.design.id
    if id_ in data.columns:
        ids = data.get_column(id_)
        dup = ids.filter(ids.is_duplicated()).unique().sort()
        if dup.len():
            out.append(Problem(f"{data_file} `{id_}`",
                               f"{dup.len()} respondent id(s) occur more than once, e.g. {dup.head(5).to_list()}; "
                               f"ids must be unique — fix the file or name another id in [design].", (id_,)))
        if ids.null_count():
            out.append(Problem(f"{data_file} `{id_}`", f"{ids.null_count()} respondent(s) have no id; fill them in.",
                               (id_,)))
    weight = definition.design.weight
    if weight and weight in data.columns and data.schema[weight] != pl.String:  # text: _text_variables
        w = data.get_column(weight).cast(pl.Float64, strict=False)
        bad = int((w.is_null() | ~w.is_finite().fill_null(False) | (w < 0).fill_null(False)).sum())
        if bad:
            out.append(Problem(f"{data_file} `{weight}`",
                               f"{bad} weight(s) are missing, negative or not finite; weights must be >= 0 — "
                               f"fix the file or the `weight` in [design].", (weight,)))
        elif float(w.sum()) <= 0:
            out.append(Problem(f"{data_file} `{weight}`", "every weight is 0; name the right weight in [design].",
                               (weight,)))
    return out


def _residence(definition: Definition, data: pl.DataFrame, meta: Metadata | None) -> list[Problem]:
    r = definition.respondent
    assert r is not None
    residence_var = r.kommune or r.fylke
    if residence_var not in data.columns:
        return []
    try:
        residence = residence_of(definition, data, meta=meta)
    except GeographyError as error:
        return [Problem(f"{definition.data_path} `{residence_var}`", str(error), (residence_var,))]
    living = set(residence.unique().to_list())
    by = (f"by `{residence_var}` and `county_codes`" if r.county_codes
          else f"by `{residence_var}`, codes of {r.code_year}")
    fix = ("Check `county_codes` in [respondent]" if r.county_codes
           else f"Check `code_year` and `{'kommune' if r.kommune else 'fylke'}` in [respondent]")
    return [
        Problem(f"{definition.path} [targets] {county}",
                f"no respondent in {definition.data_path} lives in {county} ({by}); the inside view cannot be "
                f"estimated. {fix}, or drop the county from [targets].", (residence_var,))
        for county in definition.targets if county not in living
    ]


# --------------------------------------------------------------------------- notes


def weight_summary(definition: Definition, data: pl.DataFrame) -> str | None:
    """One line on the vendor weight: respondents, sum, mean, min, max, Kish efficiency (None without one).

    Kish's efficiency of weighting, (Σw)² / (n Σw²), is over the respondents with a positive weight.

    >>> weight_summary(d, data)                 # doctest: +SKIP
    'weight `vekt`: 1585 respondents, sum 1585.0, mean 1.000, min 0.312, max 4.205, Kish efficiency 71.3 %'
    """
    name = definition.design.weight
    if not name or name not in data.columns:
        return None
    w = data.get_column(name).cast(pl.Float64, strict=False)
    if w.is_null().any() or not bool(w.is_finite().all()) or bool((w < 0).any()):
        return None  # a problem, reported as such
    positive = w.filter(w > 0)
    zero = w.len() - positive.len()
    if positive.is_empty():
        return None
    total = float(positive.sum())
    efficiency = total ** 2 / (positive.len() * float((positive ** 2).sum()))
    values = w.to_numpy()
    low, high, mean = float(values.min()), float(values.max()), float(values.mean())
    text = (f"weight `{name}`: {w.len()} respondents, sum {total:.1f}, mean {mean:.3f}, "
            f"min {low:.3f}, max {high:.3f}, "
            f"Kish efficiency {100 * efficiency:.1f} %")
    return text + (f", {zero} with weight 0 (excluded)" if zero else "")


def label_changes(definition: Definition, meta: Metadata, previous: Definition, previous_meta: Metadata) -> list[str]:
    """Notes on value labels of a question that changed since the previous round's file.

    A code whose label changed, appeared or disappeared is listed; a reversed or relabelled
    scale shows here even when the definition was copied unchanged.
    """
    out = []
    for q in definition.questions.values():
        before_q = previous.questions.get(q.name)
        if before_q is None:
            continue
        raws = _in_file_order(meta, [v for token in definition.targets.values() for v in q.raw_variables(token)])
        before_raws = [v for token in previous.targets.values() for v in before_q.raw_variables(token)
                       if v in previous_meta]
        now, before = meta.value_labels_over(raws), previous_meta.value_labels_over(before_raws)
        if not now or not before:
            continue
        changes = []
        for code in sorted(set(now) | set(before)):
            a, b = before.get(code), now.get(code)
            if a is not None and b is not None and _normal(a) != _normal(b):
                changes.append(f"{code:g} «{a}» → «{b}»")
            elif a is None and b is not None:
                changes.append(f"{code:g} «{b}» is new")
            elif a is not None and b is None:
                changes.append(f"{code:g} «{a}» is gone")
        if changes:
            out.append(
                f"Note: [questions.{q.name}] value labels changed since {previous.round}: {'; '.join(changes)} "
                f"in {variable_list(raws)}; check `scale` and the indicators' `count` (a changed counted "
                f"category is a series break)."
            )
    return out


# --------------------------------------------------------------------------- a round


def check_round(round: int, root: str | Path = ".") -> Validation:
    """Check every definition of a round against its data: problems, notes and weight summaries.

    A definition that does not parse, or a data file that cannot be read, is itself a problem
    (the remaining checks of that survey are skipped). An unknown round raises
    :class:`UsageError`.

    >>> check_round(2018, ".").problems
    ()
    """
    root = Path(root)
    folder = root / "surveys" / str(round)
    files = [folder / f"{s}.toml" for s in SURVEYS if (folder / f"{s}.toml").exists()]
    if not files:
        raise _unknown_round(round, root, "definition (omdomme.toml or innovasjon.toml)")
    problems: list[Problem] = []
    notes: list[str] = []
    weights: list[str] = []
    for path in files:
        try:
            definition = load_definition(round, path.stem, root)
        except InputError as error:
            problems.append(Problem(str(path), str(error).removeprefix(f"{path}: ")))
            continue
        try:
            data, meta = definition.read()
        except InputError as error:
            problems.append(Problem(str(definition.data_path), str(error)))
            continue
        if definition.kind == "innovasjon":
            problems.extend(_check_innovation(definition, data, meta))
            continue
        problems.extend(check_data(definition, data, meta))
        summary = weight_summary(definition, data)
        if summary:
            weights.append(summary)
        notes.extend(_empty_questions(definition, data))
        notes.extend(_previous_notes(definition, meta, root))
    return Validation(tuple(problems), tuple(notes), tuple(weights))


def _empty_questions(definition: Definition, data: pl.DataFrame) -> list[str]:
    """A question's variable with no value at all for one county: most often not asked there.

    Not an error (a round may leave a county out of a question), but every estimate of that
    county × question is empty and the indicator's ranks are withheld, so say it before
    ``analyse`` does.

    >>> d = load_definition(2018, "omdomme")
    >>> _empty_questions(d, d.read()[0].with_columns(pl.lit(None).alias("moderne_busk")))
    ['Note: `moderne_busk` ([questions.moderne] for buskerud) holds no value in any of the 1585 rows: was the question asked about buskerud? Its estimates are empty and the ranks of indicators counting it are withheld.']
    """
    out = []
    for variable, why in required_variables(definition):
        if not why.startswith("[questions.") or " text for " in why or variable not in data.columns:
            continue
        question = definition.questions.get(why.removeprefix("[questions.").split("]", 1)[0])
        if question is None or question.is_coded:
            continue  # an association's third slot may well be empty: nobody named three things
        if data.height and data.get_column(variable).null_count() == data.height:
            county = why.rsplit(" for ", 1)[-1]
            out.append(f"Note: `{variable}` ({why}) holds no value in any of the {data.height} rows: was the "
                       f"question asked about {county}? Its estimates are empty and the ranks of indicators "
                       "counting it are withheld.")
    return out


def _previous_notes(definition: Definition, meta: Metadata, root: Path) -> list[str]:
    prev = previous_round(definition, root)
    if prev is None:
        return []
    try:
        before = load_definition(prev, definition.kind, root)
        _, before_meta = before.read()
    except InputError:
        return []  # that round's own validate reports it
    return label_changes(definition, meta, before, before_meta)


def validate_round(round: int, root: str | Path = ".") -> list[Problem]:
    """Check every definition of a round against its data; return all problems (empty: fine).

    The problems of :func:`check_round`.

    >>> validate_round(2018, ".")
    []
    """
    return list(check_round(round, root).problems)


def _check_innovation(definition: Definition, data: pl.DataFrame, meta: Metadata) -> list[Problem]:
    """The innovation module's own checks (its sections, firm design, placement), as problems.

    That module stops at its first problem; what it reports is listed here.
    """

    try:
        with warnings.catch_warnings():
            # Its warnings (firms without a county, ...) are notes, not problems.
            warnings.simplefilter("ignore")
            prepare_sample(definition, data, meta, spec=parse_innovation(definition))
    except InputError as error:
        return [Problem(str(definition.path), str(error).removeprefix(f"{definition.path}: "))]
    return []
