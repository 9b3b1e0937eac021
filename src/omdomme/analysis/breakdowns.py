"""Breakdowns: every indicator also in each level of a background variable, as domains of the full design.

A ``[breakdowns.<id>]`` of the definition (docs/definitions.md) splits the respondents by sex,
age band, sample, county of residence, the answer to a question about the rated county (e.g.
awareness of its business sector) or any raw respondent variable. Each level is a domain:
``within`` (default ``alle``) and the level; rows outside it keep their cluster with zero
contribution, and its df is its own (respondents in the domain and the base minus strata, as
R's ``svyby(..., svyciprop)``), exactly as the definition's own domains.

This module resolves the levels (labels from the file's value labels) and crosses them with the
indicators; :mod:`omdomme.analysis.scales` turns each crossing into columns of the long frame,
null outside the domain and the base, so that the reputation analysis estimates all of them in
one vectorised ``Survey`` call by rated county, with the joint covariance of every cell (for
all pairs of counties and for level-against-level tests).

Example
-------
>>> levels = breakdown_levels(definition, long, meta)             # doctest: +SKIP
>>> [lv.id for lv in levels["kjonn"]]                             # doctest: +SKIP
['mann', 'kvinne']
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, Any

import polars as pl

from omdomme.definitions import Breakdown, Definition
from omdomme.errors import DefinitionError
from omdomme.geography import COUNTIES, COUNTY_NAMES
from omdomme.labels import builtin_en

if TYPE_CHECKING:
    from omdomme.io import Metadata

OUTSIDE = "utenfor"
OUTSIDE_LABEL = "Bosatt utenfor de fem fylkene"


@dataclass(frozen=True)
class Level:
    """A resolved level of a breakdown: id, Norwegian label, and who is in it (a long-frame expression)."""

    id: str
    label: str
    mask: pl.Expr
    label_en: str | None = None  # from the definition's `labels_en`, else omdomme.labels.builtin_en



def _num(x: float) -> str:
    return str(int(x)) if float(x).is_integer() else f"{x:g}"


def _value_labels(meta: Metadata | None, variable: str | None) -> dict[float, str]:
    """The file's value labels of ``variable`` (numeric codes), or ``{}``."""
    if meta is None or variable is None or variable not in meta:
        return {}
    out: dict[float, str] = {}
    for code, text in meta[variable].value_labels.items():
        try:
            out[float(code)] = str(text)
        except (TypeError, ValueError):
            continue
    return out


def _user_missing(meta: Metadata | None, variable: str | None) -> set[float]:
    if meta is None or variable is None or variable not in meta:
        return set()
    info = meta[variable]
    return {float(v) for v in info.missing_values if isinstance(v, int | float)}


@dataclass(frozen=True)
class _Declared:
    id: str
    codes: tuple[float, ...]


def breakdown_levels(definition: Definition, long: pl.DataFrame, meta: Metadata | None = None) -> dict[str, list[Level]]:
    """Every breakdown's levels, in order, with labels from the file's value labels.

    Parameters
    ----------
    definition
        A reputation definition with ``[breakdowns]``.
    long
        The harmonised long frame (:func:`omdomme.definitions.harmonise.harmonise`).
    meta
        The file's metadata (value labels); ``None``: labels are the level ids.

    Returns
    -------
    dict
        ``breakdown id -> [Level, ...]``.

    Raises
    ------
    DefinitionError
        A breakdown variable that is not numeric.
    """
    r = definition.respondent
    assert r is not None
    out: dict[str, list[Level]] = {}
    for b in definition.breakdowns.values():
        levels: list[Level]
        if b.by in ("sex", "sample"):
            variable = r.sex if b.by == "sex" else r.sample
            named = r.sex_codes if b.by == "sex" else r.sample_codes
            labels = _value_labels(meta, variable)
            levels = [Level(name, b.labels.get(name) or labels.get(code) or name.capitalize(),
                            (pl.col(b.by) == name).fill_null(False))
                      for name, code in named.items()]
        elif b.by == "age":
            # The respondent's age range (years: one value; a vendor's band: its range) within the band.
            levels = [Level(lv.id, b.labels.get(lv.id) or band_label(lv.codes[0], lv.codes[1], "år"),
                            ((pl.col("age_low") >= lv.codes[0]) & (pl.col("age_high") <= lv.codes[1])).fill_null(False))
                      for lv in b.levels]
        elif b.by == "residence":
            present = set(long.get_column("residence").unique().to_list())
            keys = [c for c in COUNTIES if c in present] + ([OUTSIDE] if OUTSIDE in present else [])
            levels = [Level(k, b.labels.get(k) or COUNTY_NAMES.get(k, OUTSIDE_LABEL),
                            pl.col("residence") == k) for k in keys]
        elif b.by == "question":
            q = definition.questions[str(b.source)]
            first = q.raw_variables(next(iter(definition.targets.values())))[0]
            labels = _value_labels(meta, first)
            vet_ikke = set(q.vet_ikke)
            declared = b.levels or tuple(_Declared(_num(c), (c,)) for c in q.scale) + (
                (_Declared("vet_ikke", q.vet_ikke),) if q.vet_ikke else ())
            levels = []
            for lv in declared:
                scale_codes = [c for c in lv.codes if c not in vet_ikke]
                mask = pl.col(q.name).is_in(scale_codes).fill_null(False)
                if any(c in vet_ikke for c in lv.codes):
                    mask = mask | pl.col(f"{q.name}__vet_ikke").fill_null(False)
                text = b.labels.get(lv.id) or " / ".join(
                    dict.fromkeys(labels.get(c, "Vet ikke" if c in vet_ikke else _num(c)) for c in lv.codes))
                levels.append(Level(lv.id, text, mask))
        else:  # a raw respondent variable
            column = f"breakdown__{b.id}"
            levels = coded_levels(b, long.get_column(column), meta, column=column,
                                  where=f"{definition.path}", data_name=definition.data_path.name)
        out[b.id] = [replace(lv, label_en=b.labels_en.get(lv.id) or builtin_en(lv.label)) for lv in levels]
    return out


def band_label(low: float, high: float, unit: str) -> str:
    """A band's label: «18–29 år», «10–19 sysselsatte», «100 sysselsatte og over» (an open band).

    >>> band_label(18, 29, "år"), band_label(100, float("inf"), "sysselsatte")
    ('18–29 år', '100 sysselsatte og over')
    """
    if high == float("inf"):
        return f"{_num(low)} {unit} og over"
    return f"{_num(low)}–{_num(high)} {unit}"


def coded_levels(b: Breakdown, values: pl.Series, meta: Metadata | None, *, column: str, where: str,
                 data_name: str) -> list[Level]:
    """The levels of a breakdown by a coded variable: its declared code groups, or one level per code.

    Parameters
    ----------
    b
        The breakdown (``by = "variable"``, or an innovation firm field: ``industry``, ``size_class``).
    values
        The variable's values (to find the codes when ``levels`` is not declared).
    meta
        The file's metadata: value labels (grouped codes joined with « / ») and user-missing codes
        (left out of the levels found in the data).
    column
        The frame column that the level masks read.
    where, data_name
        The definition file and the data file's name, for the error message.

    Raises
    ------
    DefinitionError
        The variable is not numeric codes.
    """
    if not (values.dtype.is_numeric() or values.dtype == pl.Boolean or values.dtype == pl.Null):
        raise DefinitionError(
            f"{where}: [breakdowns.{b.id}] splits by `{b.source}`, which is {values.dtype} in "
            f"{data_name}, not numeric codes; recode it or name a coded variable."
        )
    labels = _value_labels(meta, b.source)
    missing = _user_missing(meta, b.source)
    if b.levels:
        declared: tuple[Any, ...] = b.levels
    else:
        present = {float(v) for v in values.cast(pl.Float64).drop_nulls().unique().to_list()}
        found = sorted((present | set(labels)) - missing)
        declared = tuple(_Declared(_num(c), (c,)) for c in found)
    levels = []
    for lv in declared:
        text = b.labels.get(lv.id) or " / ".join(labels[c] for c in lv.codes if c in labels) or lv.id
        levels.append(Level(lv.id, text, pl.col(column).cast(pl.Float64).is_in(list(lv.codes)).fill_null(False)))
    return levels


def level_entry(b: Breakdown, rows: pl.DataFrame, levels: list[Level], unit: str) -> dict[str, Any]:
    """A breakdown's manifest entry: each level's label and how many ``unit`` (rows of ``rows``) are in it.

    ``in_no_level``: the rows in none of the levels (counted, never dropped silently).
    """
    masks = [lv.mask.alias(f"_{i}") for i, lv in enumerate(levels)]
    counted = rows.select(*[m.sum() for m in masks],
                          (~pl.any_horizontal(*masks) if masks else pl.lit(True)).sum().alias("_none")).row(0)
    return {
        "label": b.label, "by": b.by, "source": b.source, "within": b.within, "unit": unit,
        "levels": [{"level": lv.id, "label": lv.label, unit: int(n)} for lv, n in zip(levels, counted, strict=False)],
        "in_no_level": int(counted[-1]),
        "indicators": list(b.indicators),
    }


#: The frame column of an innovation breakdown's level (the level id; null: the firm is in none).
LEVEL_PREFIX = "_level__"


def firm_levels(breakdowns: Mapping[str, Breakdown], data: pl.DataFrame, meta: Metadata | None, *,
                ident: str, where: str, data_name: str) -> tuple[dict[str, list[Level]], list[pl.Expr]]:
    """The levels of an innovation definition's breakdowns, and each firm's level as a column.

    ``industry``, ``size_class`` and ``variable`` are coded variables (:func:`coded_levels`: value
    labels, code groups); ``employees`` has bands ``[low, high]`` (``inf`` for an open band; a
    user-missing count is in no band). A firm is in at most one level of a breakdown; the column
    ``_level__<id>`` holds its level id (null: in none, counted in the manifest).

    Raises
    ------
    DefinitionError
        Two levels of a breakdown hold the same firm (the message names them and the firms).
    """
    levels: dict[str, list[Level]] = {}
    columns: list[pl.Expr] = []
    for b in breakdowns.values():
        if b.by == "employees":
            value = pl.col(str(b.source)).cast(pl.Float64)
            valid = ~value.is_in(sorted(_user_missing(meta, b.source)) or [float("nan")])
            found = [Level(lv.id, b.labels.get(lv.id) or band_label(lv.codes[0], lv.codes[1], "sysselsatte"),
                           (valid & (value >= lv.codes[0]) & (value <= lv.codes[1])).fill_null(False))
                     for lv in b.levels]
        else:
            found = coded_levels(b, data.get_column(str(b.source)), meta, column=str(b.source), where=where,
                                 data_name=data_name)
        masks = data.select(*[lv.mask.alias(f"_{i}") for i, lv in enumerate(found)]) if found else pl.DataFrame()
        if found:
            twice = masks.select(pl.sum_horizontal(pl.all()) > 1).to_series()
            if twice.any():
                row = masks.filter(twice).row(0)
                both = [found[i].id for i, inside in enumerate(row) if inside]
                firms = data.filter(twice).get_column(ident).head(5).to_list()
                raise DefinitionError(
                    f"{where}: levels {', '.join(f'`{x}`' for x in both)} of [breakdowns.{b.id}] both hold firm(s) "
                    f"{', '.join(str(f) for f in firms)} ({int(twice.sum())} in all); a firm is in one level "
                    f"only: make the levels' codes (or bands) disjoint."
                )
        level = pl.lit(None, pl.String)
        for lv in reversed(found):
            level = pl.when(lv.mask).then(pl.lit(lv.id)).otherwise(level)
        columns.append(level.alias(f"{LEVEL_PREFIX}{b.id}"))
        levels[b.id] = [replace(lv, label_en=b.labels_en.get(lv.id) or builtin_en(lv.label)) for lv in found]
    return levels, columns


@dataclass(frozen=True)
class Crossing:
    """An indicator in one domain that the definition's own cells do not cover: who is in it.

    A breakdown level (``breakdown``, ``breakdown_level`` set), or a definition domain of an
    indicator of another kind than ``share`` (whole scale, mean, net score).
    """

    indicator: str
    domain: str
    domain_label: str
    mask: pl.Expr
    breakdown: str | None = None
    breakdown_level: str | None = None
    domain_label_en: str | None = None


def breakdown_crossings(definition: Definition, levels: dict[str, list[Level]],
                        domains: dict[str, pl.Expr]) -> list[Crossing]:
    """Every breakdown × listed indicator × level, inside the breakdown's ``within`` domain.

    Parameters
    ----------
    definition
        The definition.
    levels
        :func:`breakdown_levels`.
    domains
        ``domain id -> `` membership per long row (the definition's domains).

    Returns
    -------
    list of Crossing
        In output order: indicators in definition order, then breakdowns, then levels.
    """
    out: list[Crossing] = []
    for ind in definition.indicators:
        for b in definition.breakdowns.values():
            if ind.id not in b.indicators:
                continue
            for lv in levels[b.id]:
                english = f"{b.label_en}: {lv.label_en}" if b.label_en and lv.label_en else None
                out.append(Crossing(ind.id, b.domain(lv.id), f"{b.label}: {lv.label}", domains[b.within] & lv.mask,
                                    b.id, lv.id, english))
    return out


def level_counts(definition: Definition, long: pl.DataFrame, levels: dict[str, list[Level]]) -> dict[str, Any]:
    """The manifest's ``breakdowns`` entry: each level's label and how many are in it, and how many in none.

    Respondent breakdowns count respondents; a breakdown by a question about the rated county
    counts respondent × county answers (a respondent's level differs between the counties).
    """
    out: dict[str, Any] = {}
    first = next(iter(definition.targets))
    for b in definition.breakdowns.values():
        per_answer = b.by == "question"
        rows = long if per_answer else long.filter(pl.col("target") == first)
        out[b.id] = level_entry(b, rows, levels[b.id], "answers" if per_answer else "respondents")
    return out
