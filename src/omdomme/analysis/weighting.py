"""A round weighted to SSB's population margins: the `[weighting]` section of a definition.

Floor 5 (analysis): joins the definition (floor 3), the harmonised respondents, SSB's
margins (floor 2) and the raking/post-stratification of :mod:`omdomme.estimate.weighting`.
One way to weight a round, shared by ``omdomme analyse`` and ``omdomme weight``.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import polars as pl

from omdomme.definitions import Definition, load_definition
from omdomme.definitions.harmonise import harmonise
from omdomme.errors import DefinitionError, WeightingError
from omdomme.estimate.survey import Survey
from omdomme.estimate.weighting import (
    Margin,
    WeightingDiagnostics,
    _as_text,
    parse_margins,
    poststratify,
    rake,
)
from omdomme.population import age_group_labels, population_margins, population_notes

__all__ = ["RoundWeighting", "age_group_expr", "population_tables", "weight_round", "weight_to_population"]


# Names in a definition's `margins` -> columns of harmonised data and of population_margins.
_MARGIN_COLUMNS = {"fylke": "county", "kjonn": "sex", "aldersgruppe": "age_group"}


def age_group_expr(age_groups: Sequence[tuple[int, int]], column: str = "age") -> pl.Expr:
    """``age_group`` label of each row's ``column`` (null outside every group), as the margins label them.

    The reputation analysis passes ``age_low``: a respondent's age, or the lower end of an age
    band that the definition has checked nests in one group.
    """

    group = pl.lit(None, pl.String)
    for (lo, hi), label in zip(age_groups, age_group_labels(age_groups), strict=True):
        group = pl.when(pl.col(column).is_between(lo, hi)).then(pl.lit(label)).otherwise(group)
    return group.alias("age_group")


def population_tables(spec: Any, *, copies: int = 1) -> list[pl.DataFrame]:
    """SSB population tables for a definition's ``[weighting]``: one per margin to rake to, or
    (``poststratify``) one table crossing every variable the margins name.

    ``copies`` multiplies the totals: a long design with one row per respondent × rated county
    is weighted to ``copies`` times the population, so each row gets the respondent's weight.
    """

    parts = [[_MARGIN_COLUMNS[p] for p in (m if isinstance(m, tuple) else (m,))] for m in spec.margins]
    if spec.method == "poststratify":
        parts = [list(dict.fromkeys(c for p in parts for c in p))]
    return [
        population_margins(spec.population_year, age_groups=spec.age_groups, by=p).with_columns(
            pl.col("persons") * copies
        )
        for p in parts
    ]


def weight_to_population(survey: Survey, spec: Any, *, copies: int = 1) -> tuple[Survey, list[pl.DataFrame]]:
    """Rake or post-stratify ``survey`` as a definition's ``[weighting]`` says; the new design and the tables."""

    tables = population_tables(spec, copies=copies)
    notes = population_notes(spec.population_year)
    if spec.method == "poststratify":
        return poststratify(survey, tables[0], notes=notes), tables
    return rake(survey, tables, bounds=spec.bounds, notes=notes), tables


@dataclass(frozen=True)
class RoundWeighting:
    """The result of :func:`weight_round`.

    Attributes
    ----------
    round : int
    definition : str
        Path of the definition file.
    method : str
        ``rake`` or ``poststratify``.
    population_year : int
    diagnostics : WeightingDiagnostics
    categories : polars.DataFrame
        One row per margin category: ``margin``, ``category``, ``population``,
        ``population_share``, ``n``, ``sample_share`` (unweighted), ``start_share`` (starting
        weights), ``raked_share`` (final weights); shares as proportions 0–1.
    """

    round: int
    definition: str
    method: str
    population_year: int
    diagnostics: WeightingDiagnostics
    categories: pl.DataFrame

    def text(self) -> str:
        """What ``omdomme weight`` prints: header, diagnostics, notes, then the category table."""
        head = (
            f"Weighting of round {self.round} ({self.definition}): {self.method} to SSB population "
            f"{self.population_year}"
        )
        rows = [("margin", "category", "population", "pop %", "n", "sample %", "start %", "raked %")]
        for r in self.categories.iter_rows(named=True):
            rows.append(
                (
                    r["margin"],
                    r["category"],
                    f"{r['population']:,.0f}",
                    f"{100 * r['population_share']:.1f}",
                    str(r["n"]),
                    f"{100 * r['sample_share']:.1f}",
                    f"{100 * r['start_share']:.1f}",
                    f"{100 * r['raked_share']:.1f}",
                )
            )
        widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]))]
        table = [
            "  ".join(cell.ljust(w) if i < 2 else cell.rjust(w) for i, (cell, w) in enumerate(zip(row, widths, strict=True)))
            for row in rows
        ]
        return "\n".join([head, "", self.diagnostics.text(), "", *table])


def _category_table(data: pl.DataFrame, margins: list[Margin], start: np.ndarray, final: np.ndarray) -> pl.DataFrame:
    frames = []
    base = data.with_columns(pl.Series("_start", start), pl.Series("_final", final))
    for m in margins:
        keys = list(m.variables)
        observed = base.select(*(_as_text(base[k]).alias(k) for k in keys), "_start", "_final").group_by(keys).agg(
            n=pl.len(), start=pl.col("_start").sum(), raked=pl.col("_final").sum()
        )
        frame = (
            m.categories.with_columns(population=pl.Series(m.totals))
            .join(observed, on=keys, how="left", maintain_order="left")
            .select(
                pl.lit(m.name).alias("margin"),
                pl.concat_str(keys, separator=", ").alias("category"),
                "population",
                (pl.col("population") / pl.col("population").sum()).alias("population_share"),
                pl.col("n").fill_null(0).cast(pl.Int64),
                (pl.col("n").fill_null(0) / data.height).alias("sample_share"),
                (pl.col("start").fill_null(0) / start.sum()).alias("start_share"),
                (pl.col("raked").fill_null(0) / final.sum()).alias("raked_share"),
            )
        )
        frames.append(frame)
    return pl.concat(frames)


def _weight_respondents(definition: Definition) -> tuple[pl.DataFrame, Survey, Survey, list[pl.DataFrame]]:
    """The respondents of a round (one row each), their design, the re-weighted design, the margins."""

    spec = definition.weighting
    assert spec is not None
    data, meta = definition.read()
    long = harmonise(definition, data, meta).long
    # One row per respondent: the background columns are the same for every rated county.
    people = long.unique("respondent", keep="first", maintain_order=True)
    people = people.with_columns(age_group_expr(spec.age_groups))
    outside = people.filter(pl.col("age_group").is_null())
    if outside.height and any("aldersgruppe" in (m if isinstance(m, tuple) else (m,)) for m in spec.margins):
        ages = sorted({a for a in outside["age"].to_list() if a is not None})
        raise WeightingError(
            f"{definition.path}: {outside.height} respondent(s) fall outside every age group "
            f"{[list(g) for g in spec.age_groups]} of [weighting] (ages {ages[:10]}"
            f"{', missing' if outside['age'].null_count() else ''}); widen age_groups to cover them"
        )
    design = definition.design
    base = Survey(
        people,
        weights="weight",
        strata="strata" if design.strata else None,
        psu="psu",
        fpc="fpc" if design.fpc else None,
        lonely_psu=design.lonely_psu,
    )
    raked, tables = weight_to_population(base, spec)
    return people, base, raked, tables


def weight_round(round: int, root: str | Path = ".", survey: str = "omdomme") -> RoundWeighting:
    """Re-weight a round's respondents as its definition's ``[weighting]`` asks, and report.

    The respondents (one row each, vendor weight as the starting weight, county of residence
    in 2024 borders) are raked or post-stratified to SSB's population by county × sex × age
    group (:func:`~omdomme.population.population_margins`) of ``population_year``.
    ``omdomme analyse`` applies the same weighting to its long (respondent × rated county)
    design; the weights and their diagnostics are the same.

    Parameters
    ----------
    round : int
        The round, e.g. 2018.
    root : str or pathlib.Path
        The project folder holding ``surveys/``.
    survey : str
        The definition to use (``omdomme``).

    Returns
    -------
    RoundWeighting

    Raises
    ------
    DefinitionError
        The definition has no ``[weighting]`` section.
    WeightingError
        A respondent outside every age group, an empty category, no convergence, ...

    Examples
    --------
    >>> w = weight_round(2026, root=".")
    >>> w.diagnostics.converged, round(w.diagnostics.efficiency, 3)
    (True, 0.563)
    """

    definition = load_definition(round, survey, root)
    spec = definition.weighting
    if spec is None:
        raise DefinitionError(
            f"{definition.path}: no [weighting] section, so there is nothing to re-weight; add one, e.g. "
            '[weighting] method = "rake", population_year = 2018, age_groups = [[18, 29], [30, 44], '
            '[45, 59], [60, 105]], margins = ["fylke", "kjonn", "aldersgruppe"]'
        )
    people, base, raked, tables = _weight_respondents(definition)
    start = base.weights.to_numpy()
    final = raked.weights.to_numpy()
    categories = _category_table(people, parse_margins(tables), start, final)
    return RoundWeighting(
        round=int(round),
        definition=str(definition.path),
        method=spec.method,
        population_year=spec.population_year,
        diagnostics=raked.weighting,
        categories=categories,
    )
