"""From the vendor's wide file to omdomme's long format, with row accounting.

A reputation file has one row per respondent and, for each rated county, the same questions
under different names (``kj_ostf``, ``kj_aker``, … or ``Q1_1`` … ``Q1_5`` in the vendor's
county order). The analysis wants one row per respondent × rated county, with harmonised
answers, so that one vectorised estimator call covers all five counties and the covariance
between them (the same respondents rate every county; the respondent is the cluster).

Long columns (stable; the analysis and the coverage study rely on them):

- ``respondent``: the respondent id (``[design] id``); ``target``: the rated county key;
- ``residence``: the county key the respondent lives in (or ``utenfor``), placed through
  :func:`omdomme.geography.county_of` in the borders of ``[respondent] borders``: 2024 by
  default (comparable across the reforms), or ``"round"`` (the counties of ``code_year``);
  with ``[respondent] county_codes`` the vendor's county codes are mapped as declared;
- ``age`` (float, whole years; null when age comes in bands or is nonresponse), ``age_low``
  and ``age_high`` (the respondent's age range: both equal to ``age`` for years, the band's
  range for ``age_bands``), ``sex`` (``mann``/``kvinne``/null for nonresponse), ``sample``;
- ``breakdown__<id>``: the raw codes of a ``[breakdowns.<id>]`` with ``by = "variable"``;
- ``weight`` and the design columns ``psu`` (the design's PSU, else the respondent), and
  ``strata``/``fpc`` when the design names them;
- per scale question ``q``: ``q`` (the scale code, null for vet ikke and no answer) and
  ``q__vet_ikke`` (bool; null for nonresponse: refusal, not asked, system-missing);
- per coded question ``q`` (multiple category or multiple dichotomy): ``q`` (list of the
  respondent's categories, sorted) and ``q__vet_ikke`` (bool: answered only «vet ikke»),
  both null for nonresponse.

A nonresponse row is in no base: every indicator of that question is null there, so it
leaves the estimate as a row outside a domain does (it keeps its cluster in the variance).

:attr:`Harmonised.mentions` holds, per coded question, the **one long representation of a
multiple-response set**, whichever form the vendor delivered: one row per respondent × rated
county × category of the frame (definition order, then ``vet_ikke``) with ``mentioned``
(Int8 0/1; null where that respondent × county is nonresponse). Columns ``respondent``,
``target``, ``category``, ``mentioned``; join the design columns from ``long`` on
``respondent`` and ``target``.

No row is dropped silently: respondents with weight 0 are the only exclusion, counted with
a reason; nonresponse is counted per question and reason; anything that cannot be placed
or read is an error naming the codes and their value labels.

Example
-------
>>> h = harmonise(definition, data, meta)            # doctest: +SKIP
>>> h.long.shape, h.rows.read, h.rows.used             # doctest: +SKIP
((3000, 17), 600, 600)
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Literal

import polars as pl

from omdomme.definitions import Definition, Question
from omdomme.definitions._load import fill_template
from omdomme.errors import DefinitionError, DesignError, GeographyError

if TYPE_CHECKING:
    from omdomme.io import Metadata


ZERO_WEIGHT = "weight 0 (not part of the weighted sample)"
SYSTEM_MISSING = "system-missing"
# The manifest is English; the Norwegian report shows `reason_nb` where there is one.
_REASONS_NB = {ZERO_WEIGHT: "vekt 0 (ikke med i det vektede utvalget)"}
# Value labels that read as «vet ikke» (an answer); any other undeclared user-missing code is
# proposed as nonresponse (refusal, not asked).
_VET_IKKE_WORDS = ("vet ikke", "vet ik", "don't know", "dont know", "do not know", "don’t know",
                   "usikker", "ikke sikker", "not sure", "kan ikke svare")


@dataclass(frozen=True)
class RowAccount:
    """Rows read, used and excluded (with reasons) — no respondent is lost silently.

    ``nonresponse`` counts, per question and reason (the code's value label, or
    ``system-missing``), the respondent × county rows that left every base; ``sex`` and
    ``age`` count respondents.
    """

    read: int
    used: int
    excluded: tuple[tuple[str, int], ...] = ()
    item_nonresponse: tuple[tuple[str, int], ...] = ()
    nonresponse: tuple[dict[str, Any], ...] = ()

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
            "nonresponse": [dict(e) for e in self.nonresponse],
        }


@dataclass(frozen=True)
class Harmonised:
    """The long format of a round, its row accounting, the mentions of coded questions, the recodings."""

    long: pl.DataFrame
    rows: RowAccount
    targets: tuple[str, ...]
    mentions: dict[str, pl.DataFrame] = field(default_factory=dict)
    recodings: tuple[dict[str, Any], ...] = ()


def _label(definition: Definition) -> str:
    return str(definition.data_path)


def _num(x: float) -> int | float:
    return int(x) if float(x).is_integer() else float(x)


def _codes(values: Any) -> list[float]:
    return [float(v) for v in values]


def _is_in(expr: pl.Expr, values: Any) -> pl.Expr:
    return expr.is_in(_codes(values))


def variable_list(names: list[str] | tuple[str, ...]) -> str:
    """Variables for a message: all of a few, the first and last of many.

    >>> variable_list(["Q1_1", "Q1_2"]), variable_list([f"Q1_{i}" for i in range(1, 6)])
    ('`Q1_1`, `Q1_2`', '`Q1_1` … `Q1_5` (5 variables)')
    """
    names = list(dict.fromkeys(names))
    if len(names) <= 3:
        return ", ".join(f"`{n}`" for n in names)
    return f"`{names[0]}` … `{names[-1]}` ({len(names)} variables)"


def value_label(meta: Metadata | None, variables: Any, code: float) -> str | None:
    """The value label of ``code`` in the first of ``variables`` that labels it (None: unlabelled)."""
    if meta is None:
        return None
    for v in variables:
        if v in meta:
            labels = meta[v].value_labels
            for key in (float(code), _num(code)):
                if key in labels:
                    return labels[key]
    return None


def is_user_missing(meta: Metadata | None, variables: Any, code: float) -> bool:
    """True when any of ``variables`` declares ``code`` SPSS user-missing."""
    return meta is not None and any(v in meta and meta[v].is_missing(float(code)) for v in variables)


def proposed_role(label: str | None) -> str:
    """The role a missing code's value label suggests: ``vet_ikke`` or ``nonresponse``.

    >>> proposed_role("Vet ikke"), proposed_role("Ønsker ikke å svare"), proposed_role(None)
    ('vet_ikke', 'nonresponse', 'nonresponse')
    """
    text = (label or "").casefold()
    return "vet_ikke" if any(w in text for w in _VET_IKKE_WORDS) else "nonresponse"


def _code_text(code: float, label: str | None, user_missing: bool) -> str:
    """``3 («Annet»)``, ``9 («Ønsker ikke å svare», user-missing)``, ``7 (no value label)``."""
    parts = [f"«{label}»" if label else "no value label"] + (["user-missing"] if user_missing else [])
    return f"{_num(code)} ({', '.join(parts)})"


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
    for b in definition.breakdowns.values():
        if b.by == "variable" and b.source:
            out.append((b.source, f"[breakdowns.{b.id}] variable"))
    for county, token in definition.targets.items():
        for q in definition.questions.values():
            for v in q.raw_variables(token):
                out.append((v, f"[questions.{q.name}] for {county}"))
            if q.text:
                out.append((fill_template(q.text, token), f"[questions.{q.name}] text for {county}"))
    return out


def residence_of(definition: Definition, data: pl.DataFrame, *,
                 borders: Literal[2024, "round"] | None = None, meta: Metadata | None = None) -> pl.Series:
    """The county each respondent lives in (a county key or ``utenfor``).

    ``borders`` defaults to the definition's ``[respondent] borders``: ``2024`` places a
    municipality in its county of 2024 (Rømskog 0121 → Akershus in every round), ``"round"``
    in its county of ``code_year`` (Rømskog in 2018 → Østfold; for 2020–2023 codes the 2024
    county, since the old counties did not exist then). With ``[respondent] county_codes``
    the vendor's own codes are mapped as declared (``borders`` does not apply).

    Raises :class:`GeographyError` (from ``county_of``) naming every code that cannot be placed
    (with its value label when ``meta`` is given), and for a missing (null) code.

    >>> residence_of(d, data, borders="round").value_counts()   # doctest: +SKIP
    """
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
    if r.county_codes:
        numbers = codes.cast(pl.Float64, strict=False)
        known = numbers.is_in(_codes(r.county_codes)).fill_null(False)
        if not bool(known.all()):
            counts = codes.filter(~known).value_counts(sort=True)
            listing = ", ".join(
                f"{_code_text(float(c), value_label(meta, [column], float(c)), is_user_missing(meta, [column], float(c)))}"
                f" for {n} respondent(s)" if _numeric(c) else f"{c!r} for {n} respondent(s)"
                for c, n in counts.rows()
            )
            raise GeographyError(
                f"{_label(definition)}: `{column}` has code(s) {listing}, not in `county_codes` of "
                f"[respondent] ({definition.path}); add each to the county it means (utenfor = [...] for "
                f"anywhere else)."
            )
        return numbers.replace_strict(list(r.county_codes), list(r.county_codes.values()),
                                      return_dtype=pl.String).alias("residence")
    # 2024 borders by default: the series stay comparable across the 2020 and 2024 reforms (a
    # Rømskog respondent is always Akershus), and SSB's population margins and the synthetic
    # truth use the same borders. "round" is the county as the respondent knew it that year.
    return county_of(codes, year=r.code_year, level="kommune" if r.kommune else "fylke",
                     borders=r.borders if borders is None else borders).alias("residence")


def _numeric(value: Any) -> bool:
    try:
        return math.isfinite(float(value))
    except (TypeError, ValueError):
        return False


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


# --------------------------------------------------------------------------- answers


def _reason(answered: pl.Expr, values: list[pl.Expr], nonresponse: tuple[float, ...], name: str) -> pl.Expr:
    """Why a respondent × county is nonresponse: the first nonresponse code, NaN for system-missing."""
    first = pl.coalesce([pl.when(_is_in(v, nonresponse)).then(v) for v in values] + [pl.lit(math.nan)])
    return pl.when(answered).then(None).otherwise(first).alias(f"{name}__reason")


def _scale_columns(q: Question, raw: str) -> list[pl.Expr]:
    value = pl.col(raw).cast(pl.Float64)
    answered = value.is_not_null() & ~_is_in(value, q.nonresponse)
    return [
        pl.when(_is_in(value, q.scale)).then(value).otherwise(None).alias(q.name),
        pl.when(answered).then(_is_in(value, q.vet_ikke)).otherwise(None).alias(f"{q.name}__vet_ikke"),
        _reason(answered, [value], q.nonresponse, q.name),
    ]


def _coded_columns(q: Question, raws: tuple[str, ...]) -> list[pl.Expr]:
    """A multiple-category set: up to k code variables, a code frame."""
    codes = list(q.codes)
    cats = list(q.codes.values())
    values = [pl.col(r).cast(pl.Float64) for r in raws]
    answered = pl.any_horizontal(*[v.is_not_null() & ~_is_in(v, q.nonresponse) for v in values])
    categories = pl.concat_list(
        [pl.when(_is_in(v, codes)).then(v.replace_strict(codes, cats, default=None)) for v in values]
    ).list.drop_nulls().list.unique().list.sort()
    any_code = pl.any_horizontal(*[_is_in(v, codes).fill_null(False) for v in values])
    any_vet_ikke = pl.any_horizontal(*[_is_in(v, q.vet_ikke).fill_null(False) for v in values])
    return [
        pl.when(answered).then(categories).alias(q.name),
        pl.when(answered).then(any_vet_ikke & ~any_code).alias(f"{q.name}__vet_ikke"),
        _reason(answered, values, q.nonresponse, q.name),
    ]


def _dichotomy_columns(q: Question, token: str) -> list[pl.Expr]:
    """A multiple-dichotomy set: one variable per category, ``counted`` = mentioned."""
    items = {c: pl.col(fill_template(t, token)).cast(pl.Float64) for c, t in q.dichotomies.items()}
    answered = pl.any_horizontal(*[v.is_not_null() & ~_is_in(v, q.nonresponse) for v in items.values()])
    mentioned = {c: (v == q.counted).fill_null(False) for c, v in items.items()}
    categories = pl.concat_list(
        [pl.when(mentioned[c]).then(pl.lit(c)) for c in q.categories]
    ).list.drop_nulls().list.unique().list.sort()
    any_code = pl.any_horizontal(*[mentioned[c] for c in q.categories])
    vet_ikke = mentioned.get("vet_ikke", pl.lit(False))
    return [
        pl.when(answered).then(categories).alias(q.name),
        pl.when(answered).then(vet_ikke & ~any_code).alias(f"{q.name}__vet_ikke"),
        _reason(answered, list(items.values()), q.nonresponse, q.name),
    ]


def _answer_columns(q: Question, token: str) -> list[pl.Expr]:
    if q.form == "dichotomy":
        return _dichotomy_columns(q, token)
    raws = q.raw_variables(token)
    return _coded_columns(q, raws) if q.form == "category" else _scale_columns(q, raws[0])


def _mentions(long: pl.DataFrame, q: Question) -> pl.DataFrame:
    """One row per respondent × county × category (then ``vet_ikke``): mentioned 0/1, null for nonresponse."""
    answered = pl.col(f"{q.name}__vet_ikke").is_not_null()
    frames = []
    for category in (*q.categories, "vet_ikke"):
        hit = pl.col(f"{q.name}__vet_ikke") if category == "vet_ikke" else pl.col(q.name).list.contains(category)
        frames.append(long.select(
            "respondent", "target", pl.lit(category).alias("category"),
            pl.when(answered).then(hit.cast(pl.Int8)).alias("mentioned"),
        ))
    return pl.concat(frames, how="vertical")


# --------------------------------------------------------------------------- codes the definition does not declare


@dataclass(frozen=True)
class UndeclaredCode:
    """A code that occurs in a question's variables and that the definition does not declare."""

    question: str
    code: float
    label: str | None
    user_missing: bool
    variables: tuple[str, ...]
    count: int
    form: str = "scale"

    def message(self, definition: Definition) -> str:
        """What was found, quoting the value label, and the fix (for a user-missing code: the role).

        >>> UndeclaredCode("kjennskap", 99.0, "Ønsker ikke å svare", True, ("Q1_1",), 4).message(d)  # doctest: +SKIP
        '99 = «Ønsker ikke å svare» (user-missing) in `Q1_1` is not declared: add `nonresponse = [99]` ...'
        """
        q = definition.questions[self.question]
        shown = f"{_num(self.code)} = «{self.label}»" if self.label else f"{_num(self.code)} (no value label)"
        if self.user_missing:
            # A dichotomy's «vet ikke» is an item, not a code: any missing code there is nonresponse.
            role = "nonresponse" if q.form == "dichotomy" else proposed_role(self.label)
            codes = sorted({*getattr(q, role), self.code})
            fix = f"add `{role} = [{', '.join(str(_num(c)) for c in codes)}]` to [questions.{self.question}]"
            own = definition.raw.get("questions", {}).get(self.question, {})
            if role not in own and len(definition.questions) > 1:
                shared = sorted({*getattr(definition.missing, role), self.code})
                fix += (f" (or `{role} = [{', '.join(str(_num(c)) for c in shared)}]` to [missing], "
                        f"for every question)")
            return (f"{shown} (user-missing) in {variable_list(self.variables)} is not declared: {fix}.")
        frame = "`scale`" if q.form == "scale" else f"[questions.{self.question}.codes]"
        return (f"value {shown} in {variable_list(self.variables)} ({self.count} time(s)) is neither in {frame}, "
                f"`vet_ikke` nor `nonresponse` of [questions.{self.question}]: add it to one of them, or "
                f"recode the data.")


def undeclared_codes(definition: Definition, data: pl.DataFrame, meta: Metadata | None = None) -> list[UndeclaredCode]:
    """Every code of a question's variables that the definition does not declare, one entry per question × code.

    Scale and multiple-category questions: a value outside ``scale`` (or the code frame),
    ``vet_ikke`` and ``nonresponse``. Multiple-dichotomy items: any value other than
    ``counted`` means «not mentioned», so only a code the file declares user-missing and the
    definition does not (as ``nonresponse``) is undeclared.
    """
    out: list[UndeclaredCode] = []
    for q in definition.questions.values():
        raws = [v for token in definition.targets.values() for v in q.raw_variables(token) if v in data.columns]
        if not raws:
            continue
        values = (data.select(pl.col(v).cast(pl.Float64, strict=False) for v in raws)
                  .unpivot(variable_name="variable", value_name="value").drop_nulls("value"))
        declared = {*q.scale, *q.codes, *q.vet_ikke, *q.nonresponse}
        if q.form == "dichotomy":
            declared = {q.counted, *q.nonresponse}
        counts = (values.filter(~_is_in(pl.col("value"), declared))
                  .group_by("value", "variable").len())
        if counts.is_empty():
            continue
        order = {v: i for i, v in enumerate(data.columns)}  # messages list variables in file order
        for code in sorted(set(counts.get_column("value").to_list())):
            rows = counts.filter(pl.col("value") == code)
            variables = tuple(sorted(rows.get_column("variable").to_list(), key=order.__getitem__))
            user_missing = is_user_missing(meta, variables, code)
            if q.form == "dichotomy" and not user_missing:
                continue
            out.append(UndeclaredCode(q.name, float(code), value_label(meta, variables, code), user_missing,
                                      variables, int(rows.get_column("len").sum()), q.form))
    return out


def respondent_problems(definition: Definition, data: pl.DataFrame,
                        meta: Metadata | None = None) -> list[tuple[str, str]]:
    """Codes of sex and age the definition does not declare: ``(variable, message)`` pairs.

    Sex is strict: every code is in ``sex_codes`` or in ``[respondent] nonresponse``. A
    banded age's codes are in ``age_bands`` or ``nonresponse``; an age in years may not hold
    an undeclared user-missing code.
    """
    r = definition.respondent
    if r is None:
        return []
    out: list[tuple[str, str]] = []
    checks = [(r.sex, "sex_codes", {*r.sex_codes.values()}, False)]
    checks.append((r.age, "age_bands", set(r.age_bands), False) if r.age_bands else (r.age, "", set(), True))
    for variable, key, declared, years in checks:
        if variable not in data.columns:
            continue
        values = data.get_column(variable).cast(pl.Float64, strict=False).drop_nulls()
        counts = values.filter(~values.is_in(_codes({*declared, *r.nonresponse}))).value_counts(sort=True)
        for code, n in sorted(counts.rows()):
            user_missing = is_user_missing(meta, [variable], code)
            if years and not user_missing:
                continue  # an age in years
            text = _code_text(code, value_label(meta, [variable], code), user_missing)
            if years:
                out.append((variable, f"`{variable}` has code {text} for {n} respondent(s): an age in years is "
                                      f"not user-missing; add it to `nonresponse` of [respondent]."))
            else:
                out.append((variable, f"`{variable}` has code {text} for {n} respondent(s), which is in neither "
                                      f"`{key}` nor `nonresponse` of [respondent]: add it to one of them "
                                      f"(e.g. nonresponse = [{_num(code)}])."))
    return out


# --------------------------------------------------------------------------- provenance


def input_provenance(meta: Metadata | None) -> dict[str, Any]:
    """What the vendor's file says about itself, for the manifest: format, file label, creation date."""
    if meta is None:
        return {}
    return {"format": meta.format, "file_label": meta.file_label, "created": getattr(meta, "created", None)}


def recodings(definition: Definition, meta: Metadata | None = None) -> tuple[dict[str, Any], ...]:
    """Every recoding the definition applies to the vendor's file, one entry each (the manifest's ``recodings``)."""
    r = definition.respondent
    out: list[dict[str, Any]] = []
    for county, token in definition.targets.items():
        for q in definition.questions.values():
            for v in q.raw_variables(token):
                out.append({"what": "target", "variable": v, "to": county})
    for q in definition.questions.values():
        variables = [v for token in definition.targets.values() for v in q.raw_variables(token)]
        for role in ("vet_ikke", "nonresponse"):
            for code in getattr(q, role):
                out.append({"what": "role", "question": q.name, "code": _num(code),
                            "label": value_label(meta, variables, code), "role": role})
        for code, category in q.codes.items():
            out.append({"what": "code", "question": q.name, "code": _num(code), "to": category})
        for category, template in q.dichotomies.items():
            for token in definition.targets.values():
                out.append({"what": "dichotomy", "question": q.name, "variable": fill_template(template, token),
                            "to": category, "counted": _num(q.counted)})
    if r is not None:
        for name, code in r.sex_codes.items():
            out.append({"what": "sex", "variable": r.sex, "code": _num(code), "to": name})
        for name, code in r.sample_codes.items():
            if r.sample:
                out.append({"what": "sample", "variable": r.sample, "code": _num(code), "to": name})
        for code in r.nonresponse:
            out.append({"what": "role", "question": "respondent", "code": _num(code),
                        "label": value_label(meta, [r.sex, r.age], code), "role": "nonresponse"})
        for code, (lo, hi) in r.age_bands.items():
            out.append({"what": "age_band", "variable": r.age, "code": _num(code), "to": [lo, hi]})
        if r.county_codes:
            for code, county in r.county_codes.items():
                out.append({"what": "county_code", "variable": r.fylke, "code": _num(code), "to": county})
        else:
            out.append({"what": "residence", "variable": r.kommune or r.fylke,
                        "level": "kommune" if r.kommune else "fylke", "code_year": r.code_year,
                        "borders": r.borders})
    return tuple(out)


# --------------------------------------------------------------------------- harmonise


def _respondent_columns(definition: Definition) -> list[pl.Expr]:
    r = definition.respondent
    assert r is not None
    sex = pl.col(r.sex).cast(pl.Float64)
    age = pl.col(r.age).cast(pl.Float64)
    age = pl.when(_is_in(age, r.nonresponse)).then(None).otherwise(age)
    if r.age_bands:
        codes = list(r.age_bands)
        ages = [
            pl.lit(None, pl.Float64).alias("age"),
            age.replace_strict(codes, [float(lo) for lo, _ in r.age_bands.values()], default=None,
                               return_dtype=pl.Float64).alias("age_low"),
            age.replace_strict(codes, [float(hi) for _, hi in r.age_bands.values()], default=None,
                               return_dtype=pl.Float64).alias("age_high"),
        ]
    else:
        ages = [age.alias("age"), age.alias("age_low"), age.alias("age_high")]
    return [
        *ages,
        sex.replace_strict(list(r.sex_codes.values()), list(r.sex_codes), default=None,
                           return_dtype=pl.String).alias("sex"),
        (pl.col(r.sample).cast(pl.Float64).replace_strict(list(r.sample_codes.values()), list(r.sample_codes),
                                                          default=None, return_dtype=pl.String)
         if r.sample else pl.lit(None, pl.String)).alias("sample"),
    ]


def _nonresponse_counts(definition: Definition, long: pl.DataFrame, base: pl.DataFrame,
                        meta: Metadata | None) -> tuple[dict[str, Any], ...]:
    """Nonresponse per question and reason (respondent × county rows), then sex and age (respondents)."""
    out: list[dict[str, Any]] = []
    reasons = [f"{q}__reason" for q in definition.questions]
    counts = (long.select(reasons).unpivot(variable_name="column", value_name="code")
              .drop_nulls("code").group_by("column", "code").len())
    for q in definition.questions.values():
        variables = [v for token in definition.targets.values() for v in q.raw_variables(token)]
        rows = counts.filter(pl.col("column") == f"{q.name}__reason").sort("code", nulls_last=True)
        coded = [(c, n) for c, n in rows.select("code", "len").rows() if not math.isnan(c)]
        system = [n for c, n in rows.select("code", "len").rows() if math.isnan(c)]
        for code, n in coded:
            out.append({"question": q.name, "code": _num(code),
                        "reason": value_label(meta, variables, code) or f"code {_num(code)}", "count": int(n)})
        if system:
            out.append({"question": q.name, "code": None, "reason": SYSTEM_MISSING, "count": int(system[0])})
    r = definition.respondent
    assert r is not None
    for key, variable in (("sex", r.sex), ("age", r.age)):
        values = base.get_column(variable).cast(pl.Float64, strict=False)
        for code in r.nonresponse:
            n = int((values == code).sum())
            if n:
                out.append({"question": key, "code": _num(code),
                            "reason": value_label(meta, [variable], code) or f"code {_num(code)}", "count": n})
        if values.null_count():
            out.append({"question": key, "code": None, "reason": SYSTEM_MISSING, "count": int(values.null_count())})
    return tuple(out)


def _check_weighting(definition: Definition, respondents: pl.DataFrame) -> None:
    """Raking to a sex or age margin needs every respondent's sex or age group (SSB has no «unknown»)."""
    spec, r = definition.weighting, definition.respondent
    if spec is None or r is None:
        return
    named = {m for margin in spec.margins for m in (margin if isinstance(margin, tuple) else (margin,))}
    for margin, column, variable in (("kjonn", "sex", r.sex), ("aldersgruppe", "age_low", r.age)):
        missing = int(respondents.get_column(column).is_null().sum())
        if margin in named and missing:
            raise DefinitionError(
                f"{definition.data_path}: [weighting] rakes to the `{margin}` margin, but {missing} "
                f"respondent(s) have no {'sex' if margin == 'kjonn' else 'age'} (`{variable}` is nonresponse "
                f"or system-missing) and SSB's population has no such group; remove `{margin}` from "
                f"margins in {definition.path}, or keep the vendor weight (remove [weighting])."
            )


def harmonise(definition: Definition, data: pl.DataFrame, meta: Metadata | None = None) -> Harmonised:
    """Turn a round's wide respondent file into the long format (one row per respondent × rated county).

    Parameters
    ----------
    definition
        A reputation definition (``kind == "omdomme"``).
    data
        The raw file as read by ``omdomme.read`` (user-missing codes kept as values).
    meta
        Its metadata: value labels quoted in messages and the manifest, user-missing codes
        checked against the definition's roles.

    Returns
    -------
    Harmonised
        ``long`` (columns in the module docstring), ``rows`` (accounting), ``targets``,
        ``mentions`` (per coded question) and ``recodings``.

    Raises
    ------
    DefinitionError
        A variable the definition names is missing, a code is not declared (a user-missing
        code without a role, a value outside the scale, an undeclared sex or age band code).
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
    bad = [u.message(definition) for u in undeclared_codes(definition, data, meta)]
    bad += [message for _, message in respondent_problems(definition, data, meta)]
    if bad:
        raise DefinitionError(
            f"{definition.data_path}: codes the definition ({definition.path}) does not declare: "
            + "; ".join(bad[:8]) + ("" if len(bad) <= 8 else f"; and {len(bad) - 8} more (omdomme validate lists them)")
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
    base = data.with_columns(residence_of(definition, data, meta=meta), _weights(definition, data))
    if definition.weighting is not None:
        # SSB's population margins are in 2024 county borders, as `residence` is (checked above).
        base = base.with_columns(pl.col("residence").alias("county"))
    zero = base.filter(pl.col("weight") == 0).height
    base = base.filter(pl.col("weight") > 0)
    excluded = ((ZERO_WEIGHT, zero),) if zero else ()

    common = [
        pl.col(definition.design.id).alias("respondent"),
        pl.col("residence"),
        *_respondent_columns(definition),
        pl.col("weight"),
        pl.col(definition.design.psu or definition.design.id).alias("psu"),
    ]
    # A breakdown by a raw respondent variable keeps that variable's codes (the analysis maps them to levels).
    common += [pl.col(b.source).alias(f"breakdown__{b.id}") for b in definition.breakdowns.values()
               if b.by == "variable" and b.source]
    if definition.weighting is not None:
        common.append(pl.col("county"))
    if definition.design.strata:
        common.append(pl.col(definition.design.strata).alias("strata"))
    if definition.design.fpc:
        common.append(pl.col(definition.design.fpc).cast(pl.Float64).alias("fpc"))

    _check_weighting(definition, base.select(_respondent_columns(definition)))
    # One frame per rated county (five: a reshaping, not a per-group computation), stacked.
    frames = []
    for county, token in definition.targets.items():
        answers: list[pl.Expr] = []
        for q in definition.questions.values():
            answers += _answer_columns(q, token)
        frames.append(base.select(*common, pl.lit(county).alias("target"), *answers))
    long = pl.concat(frames, how="vertical")
    first = ["respondent", "target"]
    long = long.select(*first, *[c for c in long.columns if c not in first])

    nonresponse = long.select(
        pl.col(f"{q}__vet_ikke").is_null().sum().alias(q) for q in definition.questions
    ).row(0, named=True)
    reasons = _nonresponse_counts(definition, long, base, meta)
    long = long.drop([f"{q}__reason" for q in definition.questions])
    rows = RowAccount(
        read=read,
        used=base.height,
        excluded=excluded,
        item_nonresponse=tuple((f"{q} (respondent × county, no answer)", int(n)) for q, n in nonresponse.items() if n),
        nonresponse=reasons,
    )
    mentions = {q.name: _mentions(long, q) for q in definition.questions.values() if q.is_coded}
    return Harmonised(long=long, rows=rows, targets=tuple(definition.targets), mentions=mentions,
                      recodings=recodings(definition, meta))
