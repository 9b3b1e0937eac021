"""From the vendor's wide file to omdomme's long format, with row accounting.

A reputation file has one row per respondent and, for each rated county, the same questions
under different names (``kj_ostf``, ``kj_aker``, …). The analysis wants one row per
respondent × rated county, with harmonised answers, so that one vectorised estimator call
covers all five counties and the covariance between them (the same respondents rate every
county; the respondent is the cluster).

Long columns (stable; the analysis and the coverage study rely on them):

- ``respondent``: the respondent id (``[design] id``); ``target``: the rated county key;
- ``residence``: the county key the respondent lives in (or ``utenfor``), placed through
  :func:`omdomme.geography.county_of` in the borders of ``[respondent] borders``: 2024 by
  default (comparable across the reforms), or ``"round"`` (the counties of ``code_year``);
- ``age`` (float), ``sex`` (``mann``/``kvinne``/null), ``sample`` (a sample code name or null);
- ``weight`` and the design columns ``psu`` (the design's PSU, else the respondent), and
  ``strata``/``fpc`` when the design names them;
- per scale question ``q``: ``q`` (the scale code, null for vet ikke and no answer) and
  ``q__vet_ikke`` (bool, null for no answer);
- per coded question ``q``: ``q`` (list of the respondent's categories) and ``q__vet_ikke``
  (bool: answered only «vet ikke»), both null when no association was given.

No row is dropped silently: respondents with weight 0 are the only exclusion, counted with
a reason; anything that cannot be placed or read is an error naming the codes.

Example
-------
>>> h = harmonise(definition, data, meta)            # doctest: +SKIP
>>> h.long.shape, h.rows.read, h.rows.used             # doctest: +SKIP
((3000, 17), 600, 600)
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Literal

import polars as pl

from omdomme.definitions import Definition, Question
from omdomme.errors import DefinitionError, DesignError

if TYPE_CHECKING:
    from omdomme.io import Metadata


ZERO_WEIGHT = "weight 0 (not part of the weighted sample)"
# The manifest is English; the Norwegian report shows `reason_nb` where there is one.
_REASONS_NB = {ZERO_WEIGHT: "vekt 0 (ikke med i det vektede utvalget)"}


@dataclass(frozen=True)
class RowAccount:
    """Rows read, used and excluded (with reasons) — no respondent is lost silently."""

    read: int
    used: int
    excluded: tuple[tuple[str, int], ...] = ()
    item_nonresponse: tuple[tuple[str, int], ...] = ()

    def as_dict(self) -> dict[str, Any]:
        """The manifest's ``rows`` entry."""
        return {
            "read": self.read,
            "used": self.used,
            "excluded": [
                {"reason": r, "count": n} | ({"reason_nb": _REASONS_NB[r]} if r in _REASONS_NB else {})
                for r, n in self.excluded
            ],
            "item_nonresponse": [{"question": q, "count": n} for q, n in self.item_nonresponse],
        }


@dataclass(frozen=True)
class Harmonised:
    """The long format of a round and its row accounting."""

    long: pl.DataFrame
    rows: RowAccount
    targets: tuple[str, ...]


def _label(definition: Definition) -> str:
    return str(definition.data_path)


def required_variables(definition: Definition) -> list[tuple[str, str]]:
    """Every raw variable the definition needs, as ``(variable, what for)`` pairs, in definition order.

    >>> required_variables(d)[:2]                     # doctest: +SKIP
    [('respid', '[design] id'), ('vekt', '[design] weight')]
    """
    out: list[tuple[str, str]] = []
    design = definition.design
    for key in ("id", "weight", "strata", "psu", "fpc"):
        if getattr(design, key):
            out.append((getattr(design, key), f"[design] {key}"))
    r = definition.respondent
    if r is not None:
        for key in ("age", "sex", "sample", "kommune", "fylke"):
            if getattr(r, key):
                out.append((getattr(r, key), f"[respondent] {key}"))
    for county, token in definition.targets.items():
        for q in definition.questions.values():
            for v in q.raw_variables(token):
                out.append((v, f"[questions.{q.name}] for {county}"))
            if q.text:
                out.append((q.text.replace("{target}", token), f"[questions.{q.name}] text for {county}"))
    return out


def residence_of(definition: Definition, data: pl.DataFrame, *,
                 borders: Literal[2024, "round"] | None = None) -> pl.Series:
    """The county each respondent lives in (a county key or ``utenfor``).

    ``borders`` defaults to the definition's ``[respondent] borders``: ``2024`` places a
    municipality in its county of 2024 (Rømskog 0121 → Akershus in every round), ``"round"``
    in its county of ``code_year`` (Rømskog in 2018 → Østfold; for 2020–2023 codes the 2024
    county, since the old counties did not exist then).

    Raises :class:`GeographyError` (from ``county_of``) naming every code that cannot be placed,
    and for a missing (null) code.

    >>> residence_of(d, data, borders="round").value_counts()   # doctest: +SKIP
    """
    from omdomme.errors import GeographyError
    from omdomme.geography import county_of

    r = definition.respondent
    assert r is not None
    column = r.kommune or r.fylke
    assert column is not None
    codes = data.get_column(column)
    nulls = int(codes.is_null().sum())
    if nulls:
        ids = data.filter(codes.is_null()).get_column(definition.design.id).head(5).to_list()
        raise GeographyError(
            f"{_label(definition)}: {nulls} respondent(s) have no code in `{column}` (e.g. "
            f"{definition.design.id} {ids}); they cannot be placed in a county. Fill in the code "
            f"or remove them from the file."
        )
    # 2024 borders by default: the series stay comparable across the 2020 and 2024 reforms (a
    # Rømskog respondent is always Akershus), and SSB's population margins and the synthetic
    # truth use the same borders. "round" is the county as the respondent knew it that year.
    return county_of(codes, year=r.code_year, level="kommune" if r.kommune else "fylke",
                     borders=r.borders if borders is None else borders).alias("residence")


def _weights(definition: Definition, data: pl.DataFrame) -> pl.Expr:
    name = definition.design.weight
    if name is None:
        return pl.lit(1.0).alias("weight")
    w = data.get_column(name).cast(pl.Float64, strict=False)
    bad = data.filter(w.is_null() | ~w.is_finite() | (w < 0))
    if bad.height:
        example = bad.select(definition.design.id, name).head(3).rows()
        raise DesignError(
            f"{_label(definition)}: weight `{name}` is missing, negative or not finite for {bad.height} "
            f"respondent(s) ({definition.design.id}, {name}: {example}); weights must be >= 0 — fix the "
            f"file or the `weight` in [design]."
        )
    return pl.col(name).cast(pl.Float64).alias("weight")


def _scale_columns(q: Question, raw: str) -> list[pl.Expr]:
    value = pl.col(raw).cast(pl.Float64)
    return [
        pl.when(value.is_in(list(q.scale))).then(value).otherwise(None).alias(q.name),
        pl.when(value.is_null()).then(None).otherwise(value.is_in(list(q.vet_ikke))).alias(f"{q.name}__vet_ikke"),
    ]


def _coded_columns(q: Question, raws: tuple[str, ...]) -> list[pl.Expr]:
    codes = list(q.codes)
    cats = list(q.codes.values())
    values = [pl.col(r).cast(pl.Float64) for r in raws]
    answered = pl.any_horizontal(*[v.is_not_null() for v in values])
    categories = pl.concat_list(
        [pl.when(v.is_in(codes)).then(v.replace_strict(codes, cats, default=None)) for v in values]
    ).list.drop_nulls().list.unique().list.sort()
    any_code = pl.any_horizontal(*[v.is_in(codes).fill_null(False) for v in values])
    any_vet_ikke = pl.any_horizontal(*[v.is_in(list(q.vet_ikke)).fill_null(False) for v in values])
    return [
        pl.when(answered).then(categories).alias(q.name),
        pl.when(answered).then(any_vet_ikke & ~any_code).alias(f"{q.name}__vet_ikke"),
    ]


def unexpected_values(definition: Definition, data: pl.DataFrame) -> list[tuple[str, str, list[float]]]:
    """Raw codes outside ``scale`` + ``vet_ikke`` (or the code frame): ``(variable, question, codes)``."""
    out = []
    for token in definition.targets.values():
        for q in definition.questions.values():
            allowed = set(q.scale) | set(q.vet_ikke) | set(q.codes)
            for raw in q.raw_variables(token):
                if raw not in data.columns:
                    continue
                values = data.get_column(raw).cast(pl.Float64, strict=False).drop_nulls().unique().sort()
                bad = [v for v in values.to_list() if v not in allowed]
                if bad:
                    out.append((raw, q.name, bad))
    return out


def harmonise(definition: Definition, data: pl.DataFrame, meta: Metadata | None = None) -> Harmonised:
    """Turn a round's wide respondent file into the long format (one row per respondent × rated county).

    Parameters
    ----------
    definition
        A reputation definition (``kind == "omdomme"``).
    data
        The raw file as read by ``omdomme.read`` (user-missing codes kept as values).
    meta
        Its metadata (unused for now beyond the contract; kept so callers pass what they read).

    Returns
    -------
    Harmonised
        ``long`` (columns in the module docstring), ``rows`` (accounting), ``targets``.

    Raises
    ------
    DefinitionError
        A variable the definition names is missing, or a value is outside scale + vet ikke.
    GeographyError, DesignError
        A respondent that cannot be placed; bad weights; duplicate ids.

    Examples
    --------
    >>> h = harmonise(load_definition(2018), *load_definition(2018).read())   # doctest: +SKIP
    """
    r = definition.respondent
    if r is None:
        raise DefinitionError(f"{definition.path}: harmonise needs a reputation (omdomme) definition.")
    missing = [(v, why) for v, why in required_variables(definition) if v not in data.columns]
    if missing:
        import difflib

        parts = []
        for v, why in missing:
            close = difflib.get_close_matches(v, data.columns, n=1)
            parts.append(f"`{v}` ({why})" + (f", did you mean `{close[0]}`?" if close else ""))
        raise DefinitionError(
            f"{definition.path}: {len(missing)} variable(s) not in {definition.data_path.name}: "
            + "; ".join(parts) + ". Fix the names in the definition."
        )
    bad = unexpected_values(definition, data)
    if bad:
        listing = "; ".join(f"`{v}` has {[_num(c) for c in codes]}" for v, _, codes in bad[:8])
        raise DefinitionError(
            f"{definition.data_path}: values outside the scale and vet_ikke codes of the definition "
            f"({definition.path}): {listing}. Add the codes to `scale`/`vet_ikke` of the question, "
            f"or recode the data."
        )
    ids = data.get_column(definition.design.id)
    duplicated = ids.filter(ids.is_duplicated()).unique().sort()
    if duplicated.len() or ids.null_count():
        raise DesignError(
            f"{definition.data_path}: respondent id `{definition.design.id}` must be unique and present; "
            f"duplicated: {duplicated.head(10).to_list()}, missing: {ids.null_count()}. Fix the file."
        )

    if definition.weighting is not None and r.borders != 2024:
        # parse_definition refuses this; a Definition built in code must not slip past.
        raise DefinitionError(
            f"{definition.path}: [weighting] needs `borders` = 2024 in [respondent] (found "
            f"{r.borders!r}): SSB's population margins exist in 2024 county borders only. Use "
            f"borders = 2024, or remove [weighting]."
        )
    read = data.height
    base = data.with_columns(residence_of(definition, data), _weights(definition, data))
    if definition.weighting is not None:
        # SSB's population margins are in 2024 county borders, as `residence` is (checked above).
        base = base.with_columns(pl.col("residence").alias("county"))
    zero = base.filter(pl.col("weight") == 0).height
    base = base.filter(pl.col("weight") > 0)
    excluded = ((ZERO_WEIGHT, zero),) if zero else ()

    sex_names, sex_codes = list(r.sex_codes), list(r.sex_codes.values())
    common = [
        pl.col(definition.design.id).alias("respondent"),
        pl.col("residence"),
        pl.col(r.age).cast(pl.Float64).alias("age"),
        pl.col(r.sex).cast(pl.Float64).replace_strict(sex_codes, sex_names, default=None).alias("sex"),
        (pl.col(r.sample).cast(pl.Float64).replace_strict(list(r.sample_codes.values()), list(r.sample_codes),
                                                          default=None)
         if r.sample else pl.lit(None, pl.String)).alias("sample"),
        pl.col("weight"),
        pl.col(definition.design.psu or definition.design.id).alias("psu"),
    ]
    if definition.weighting is not None:
        common.append(pl.col("county"))
    if definition.design.strata:
        common.append(pl.col(definition.design.strata).alias("strata"))
    if definition.design.fpc:
        common.append(pl.col(definition.design.fpc).cast(pl.Float64).alias("fpc"))

    # One frame per rated county (five: a reshaping, not a per-group computation), stacked.
    frames = []
    for county, token in definition.targets.items():
        answers: list[pl.Expr] = []
        for q in definition.questions.values():
            raws = q.raw_variables(token)
            answers += _coded_columns(q, raws) if q.is_coded else _scale_columns(q, raws[0])
        frames.append(base.select(*common, pl.lit(county).alias("target"), *answers))
    long = pl.concat(frames, how="vertical")
    first = ["respondent", "target"]
    long = long.select(*first, *[c for c in long.columns if c not in first])

    nonresponse = long.select(
        pl.col(f"{q}__vet_ikke").is_null().sum().alias(q) for q in definition.questions
    ).row(0, named=True)
    rows = RowAccount(
        read=read,
        used=base.height,
        excluded=excluded,
        item_nonresponse=tuple((f"{q} (respondent × county, no answer)", int(n)) for q, n in nonresponse.items() if n),
    )
    return Harmonised(long=long, rows=rows, targets=tuple(definition.targets))


def _num(x: float) -> int | float:
    return int(x) if float(x).is_integer() else x
