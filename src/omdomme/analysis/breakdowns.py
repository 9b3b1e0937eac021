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

from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, Any

import polars as pl

from omdomme.definitions import Definition
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
            levels = [Level(lv.id, b.labels.get(lv.id) or f"{_num(lv.codes[0])}–{_num(lv.codes[1])} år",
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
            values = long.get_column(column)
            if not (values.dtype.is_numeric() or values.dtype == pl.Boolean or values.dtype == pl.Null):
                raise DefinitionError(
                    f"{definition.path}: [breakdowns.{b.id}] splits by `{b.source}`, which is {values.dtype} in "
                    f"{definition.data_path.name}, not numeric codes; recode it or name a coded variable."
                )
            labels = _value_labels(meta, b.source)
            missing = _user_missing(meta, b.source)
            if b.levels:
                declared = b.levels
            else:
                present = {float(v) for v in values.cast(pl.Float64).drop_nulls().unique().to_list()}
                found = sorted((present | set(labels)) - missing)
                declared = tuple(_Declared(_num(c), (c,)) for c in found)
            levels = []
            for lv in declared:
                text = b.labels.get(lv.id) or " / ".join(labels[c] for c in lv.codes if c in labels) or lv.id
                levels.append(Level(lv.id, text, pl.col(column).cast(pl.Float64).is_in(list(lv.codes)).fill_null(False)))
        out[b.id] = [replace(lv, label_en=b.labels_en.get(lv.id) or builtin_en(lv.label)) for lv in levels]
    return out


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
        masks = [lv.mask.alias(f"_{i}") for i, lv in enumerate(levels[b.id])]
        counted = rows.select(*[m.sum() for m in masks],
                              (~pl.any_horizontal(*masks) if masks else pl.lit(True)).sum().alias("_none")).row(0)
        unit = "answers" if per_answer else "respondents"
        out[b.id] = {
            "label": b.label, "by": b.by, "source": b.source, "within": b.within, "unit": unit,
            "levels": [{"level": lv.id, "label": lv.label, unit: int(n)} for lv, n in zip(levels[b.id], counted, strict=False)],
            "in_no_level": int(counted[-1]),
            "indicators": list(b.indicators),
        }
    return out
