"""Whole scales, mean scores and net scores: the cells of the analyst's tables, as columns of the long frame.

Every cell is an indicator in one domain (a definition domain or a breakdown level,
:class:`omdomme.analysis.breakdowns.Crossing`) and becomes one or more columns of the long
frame, null outside the domain and the indicator's base, so that one vectorised ``Survey``
call by rated county estimates all of them with their joint covariance:

- ``share``: the indicator's 0/1 value (the reputation analysis's own rule);
- ``scale``: one 0/1 column per code of the question — the share of each code among the
  valid answers (``base = "valid"``: «vet ikke» excluded), or among everyone who answered
  (``base = "all"``: «vet ikke» is a category of its own); respondents who did not answer are
  outside both. The shares of a question sum to 1 in every county × domain;
- ``mean``: the code itself on valid answers (the mean score; t interval, the domain's df);
- ``net``: +1 for the ``top`` codes, −1 for the ``bottom`` codes, 0 otherwise, over the base:
  its mean is the top share minus the bottom share, and its linearised SE is that of the
  contrast of the two shares (the same scores: ``svycontrast`` of ``svymean(~factor(q))``).

Example
-------
>>> cells, exprs = table_cells(definition, crossings, values, meta)      # doctest: +SKIP
>>> [c.category for c in cells if c.indicator == "inntrykk_fordeling"][:3]  # doctest: +SKIP
['1', '2', '3']
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

import polars as pl

from omdomme.analysis.breakdowns import Crossing
from omdomme.definitions import Definition, Indicator
from omdomme.labels import builtin_en

if TYPE_CHECKING:
    from omdomme.io import Metadata

VET_IKKE = "vet_ikke"
#: Indicator kinds estimated as shares (``Survey.proportion``) and as means (``Survey.mean``).
SHARE_KINDS = ("share", "scale")
MEAN_KINDS = ("mean", "net")


@dataclass(frozen=True)
class Cell:
    """One estimated column of the long frame beyond the definition's own share cells.

    ``estimator`` is ``proportion`` or ``mean``; ``category`` the scale code of a whole-scale
    row (``vet_ikke`` for «vet ikke» in ``base = "all"``), else ``None``; ``label`` the row's label.
    """

    column: str
    indicator: str
    label: str
    domain: str
    domain_label: str
    estimator: str
    breakdown: str | None = None
    breakdown_level: str | None = None
    category: str | None = None
    label_en: str | None = None
    domain_label_en: str | None = None


def _num(x: float) -> str:
    return str(int(x)) if float(x).is_integer() else f"{x:g}"


def own_crossings(definition: Definition, domains: dict[str, pl.Expr]) -> list[Crossing]:
    """The definition domains of every indicator that is not a plain share (those cells are estimated here)."""
    return [Crossing(ind.id, dom, definition.domains[dom].label, domains[dom],
                     domain_label_en=definition.domains[dom].label_en or builtin_en(definition.domains[dom].label))
            for ind in definition.indicators if ind.kind != "share" for dom in ind.domains]


def _code_labels(definition: Definition, ind: Indicator, meta: Metadata | None) -> dict[float, str]:
    q = definition.questions[ind.question]
    first = q.raw_variables(next(iter(definition.targets.values())))[0]
    if meta is None or first not in meta:
        return {}
    out: dict[float, str] = {}
    for code, text in meta[first].value_labels.items():
        try:
            out[float(code)] = str(text)
        except (TypeError, ValueError):
            continue
    return out


def table_cells(definition: Definition, crossings: list[Crossing], values: dict[str, pl.Expr],
                meta: Metadata | None = None) -> tuple[list[Cell], list[pl.Expr]]:
    """The columns (and their expressions) that estimate every crossing, by the indicator's kind.

    Parameters
    ----------
    definition
        The definition.
    crossings
        Indicator × domain pairs to estimate, in output order.
    values
        ``indicator id -> `` the 0/1 value of each ``share`` indicator (null outside its base).
    meta
        The file's metadata: the labels of the scale codes.

    Returns
    -------
    (cells, expressions)
        One cell per crossing (a whole scale: one per code), in the crossings' order.
    """
    indicators = {ind.id: ind for ind in definition.indicators}
    cells: list[Cell] = []
    exprs: list[pl.Expr] = []
    for c in crossings:
        ind = indicators[c.indicator]
        common = dict(indicator=ind.id, domain=c.domain, domain_label=c.domain_label, breakdown=c.breakdown,
                      breakdown_level=c.breakdown_level, domain_label_en=c.domain_label_en)
        column = f"{ind.id}__{c.domain}"
        if ind.kind == "share":
            cells.append(Cell(column, label=ind.label, estimator="proportion", label_en=ind.label_en,
                              **common))  # type: ignore[arg-type]
            exprs.append(pl.when(c.mask).then(values[ind.id]).alias(column))
            continue
        q = definition.questions[ind.question]
        code = pl.col(q.name)  # the scale code; null for vet ikke and no answer
        vet_ikke = pl.col(f"{q.name}__vet_ikke")  # null: no answer
        answered = vet_ikke.is_not_null()
        in_base = c.mask & (answered & ~vet_ikke if ind.base == "valid" else answered)
        if ind.kind == "scale":
            labels = _code_labels(definition, ind, meta)
            categories: list[tuple[str, pl.Expr, str]] = [
                (_num(v), (code == v).fill_null(False), labels.get(v, _num(v))) for v in q.scale]
            if ind.base == "all":
                categories.append((VET_IKKE, vet_ikke, next((labels[v] for v in q.vet_ikke if v in labels), "Vet ikke")))
            for category, hit, text in categories:
                name = f"{column}__{category}"
                english = f"{ind.label_en}: {builtin_en(text) or text}" if ind.label_en else None
                cells.append(Cell(name, label=f"{ind.label}: {text}", estimator="proportion", category=category,
                                  label_en=english, **common))  # type: ignore[arg-type]
                exprs.append(pl.when(in_base).then(hit.cast(pl.Float64)).alias(name))
        elif ind.kind == "mean":
            cells.append(Cell(column, label=ind.label, estimator="mean", label_en=ind.label_en,
                              **common))  # type: ignore[arg-type]
            exprs.append(pl.when(in_base).then(code).alias(column))
        else:  # net: top share minus bottom share, one linear contrast
            score = (pl.when(code.is_in(list(ind.top))).then(1.0)
                     .when(code.is_in(list(ind.bottom))).then(-1.0).otherwise(0.0))
            cells.append(Cell(column, label=ind.label, estimator="mean", label_en=ind.label_en,
                              **common))  # type: ignore[arg-type]
            exprs.append(pl.when(in_base).then(score).alias(column))
    return cells, exprs
