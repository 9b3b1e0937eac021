"""``omdomme validate``: a round's definitions checked against their data, every problem at once.

Floor 5 (analysis): it may use the definitions, the readers and the innovation analysis'
own checks; it writes nothing.
"""

from __future__ import annotations

import difflib
import warnings
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import polars as pl

from omdomme.analysis.innovation import parse_innovation, prepare_sample
from omdomme.definitions import SURVEYS, Definition, load_definition
from omdomme.definitions._load import _unknown_round
from omdomme.definitions.harmonise import required_variables, residence_of, unexpected_values
from omdomme.errors import GeographyError, InputError

if TYPE_CHECKING:
    from omdomme.io import Metadata


@dataclass(frozen=True)
class Problem:
    """One disagreement between a definition and its data (``omdomme validate``).

    ``where`` is the file (and variable) concerned; ``message`` says what was found and the fix.
    """

    where: str
    message: str

    def __str__(self) -> str:
        return f"{self.where}: {self.message}"


def check_data(definition: Definition, data: pl.DataFrame) -> list[Problem]:
    """Every problem of a reputation definition against its (already read) data, all at once.

    Checks: variables the definition names but the file lacks (with a close name); codes of
    the definition (scale, vet ikke, code frame, sex and sample codes) the data never use;
    values outside the scale and vet ikke codes; duplicate or missing ids; missing, negative,
    non-finite or all-zero weights; residence codes that cannot be placed; rated counties no
    respondent lives in.

    >>> d = load_definition(2018)
    >>> check_data(d, d.read()[0])
    []
    """

    if definition.kind != "omdomme" or definition.respondent is None:
        return []
    data_file = str(definition.data_path)
    problems: list[Problem] = []
    columns = set(data.columns)
    for variable, why in required_variables(definition):
        if variable not in columns:
            close = difflib.get_close_matches(variable, data.columns, n=1)
            hint = f"did you mean `{close[0]}`?" if close else "fix the name in the definition."
            problems.append(Problem(f"{definition.path}", f"variable `{variable}` ({why}) is not in {data_file}; {hint}"))

    def _values(variables: list[str]) -> set[float]:
        present = [v for v in variables if v in columns]
        if not present:
            return set()
        stacked = pl.concat([data.get_column(v).cast(pl.Float64, strict=False).drop_nulls().unique() for v in present])
        return set(stacked.to_list())

    for q in definition.questions.values():
        raws = [v for token in definition.targets.values() for v in q.raw_variables(token)]
        if not any(v in columns for v in raws):
            continue
        used = _values(raws)
        expected = [("scale", c) for c in q.scale] + [("vet_ikke", c) for c in q.vet_ikke] + [
            ("codes", c) for c in q.codes]
        never = [f"{c:g} ({kind})" for kind, c in expected if c not in used]
        if never:
            problems.append(Problem(
                f"{definition.path} [questions.{q.name}]",
                f"code(s) {', '.join(never)} never occur in {', '.join(raws[:3])}{'…' if len(raws) > 3 else ''} "
                f"of {data_file}; check the codes against `omdomme codebook {data_file}` "
                f"(a vendor may have changed them) and fix the definition.",
            ))
    for variable, question, codes in unexpected_values(definition, data):
        problems.append(Problem(
            f"{data_file} `{variable}`",
            f"value(s) {', '.join(f'{c:g}' for c in codes)} are neither in `scale` nor `vet_ikke` of "
            f"[questions.{question}] in {definition.path}; add them to the definition or recode the data.",
        ))
    r = definition.respondent
    for key, table in (("sex", r.sex_codes), ("sample", r.sample_codes)):
        variable = getattr(r, key)
        if variable and variable in columns and table:
            used = _values([variable])
            never = [f"{name} = {code:g}" for name, code in table.items() if code not in used]
            if never:
                problems.append(Problem(
                    f"{definition.path} [respondent] {key}_codes",
                    f"{', '.join(never)} never occur in `{variable}` of {data_file} "
                    f"(codes present: {', '.join(f'{c:g}' for c in sorted(used))}); fix {key}_codes.",
                ))
    id_ = definition.design.id
    if id_ in columns:
        ids = data.get_column(id_)
        dup = ids.filter(ids.is_duplicated()).unique().sort()
        if dup.len():
            problems.append(Problem(f"{data_file} `{id_}`",
                                    f"{dup.len()} respondent id(s) occur more than once, e.g. {dup.head(5).to_list()}; "
                                    f"ids must be unique — fix the file or name another id in [design]."))
        if ids.null_count():
            problems.append(Problem(f"{data_file} `{id_}`", f"{ids.null_count()} respondent(s) have no id; fill them in."))
    weight = definition.design.weight
    if weight and weight in columns:
        w = data.get_column(weight).cast(pl.Float64, strict=False)
        bad = int((w.is_null() | ~w.is_finite().fill_null(False) | (w < 0).fill_null(False)).sum())
        if bad:
            problems.append(Problem(f"{data_file} `{weight}`",
                                    f"{bad} weight(s) are missing, negative or not finite; weights must be >= 0 — "
                                    f"fix the file or the `weight` in [design]."))
        elif float(w.sum()) <= 0:
            problems.append(Problem(f"{data_file} `{weight}`", "every weight is 0; name the right weight in [design]."))
    residence_var = r.kommune or r.fylke
    if residence_var in columns:

        try:
            residence = residence_of(definition, data)
        except GeographyError as error:
            problems.append(Problem(f"{data_file} `{residence_var}`", str(error)))
        else:
            living = set(residence.unique().to_list())
            for county in definition.targets:
                if county not in living:
                    problems.append(Problem(
                        f"{definition.path} [targets] {county}",
                        f"no respondent in {data_file} lives in {county} (by `{residence_var}`, codes of "
                        f"{r.code_year}); the inside view cannot be estimated. Check `code_year` and "
                        f"`{'kommune' if r.kommune else 'fylke'}` in [respondent], or drop the county from [targets].",
                    ))
    return problems


def validate_round(round: int, root: str | Path = ".") -> list[Problem]:
    """Check every definition of a round against its data; return all problems (empty: fine).

    A definition that does not parse, or a data file that cannot be read, is itself a problem
    (the remaining checks of that survey are skipped). An unknown round raises
    :class:`UsageError`.

    >>> validate_round(2018, ".")
    []
    """
    root = Path(root)
    folder = root / "surveys" / str(round)
    files = [folder / f"{s}.toml" for s in SURVEYS if (folder / f"{s}.toml").is_file()]
    if not files:
        raise _unknown_round(round, root, "definition (omdomme.toml or innovasjon.toml)")
    problems: list[Problem] = []
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
        else:
            problems.extend(check_data(definition, data))
    return problems


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
