"""The innovation survey (innovasjonsundersøkelsen): firm indicators by county, with honest intervals.

SSB's innovation survey is a stratified sample of enterprises (industry × size class, the
largest classes take-all), weighted ``N_h / n_h``; the finite population correction matters.
This module reads a round's ``innovasjon.toml`` (schema: ``docs/definitions.md``), places each
firm in one of the five Oslofjord counties (or ``utenfor``), and estimates every indicator of
the definition for each county and for Norway (all firms) with :class:`omdomme.Survey`:

- shares of firms (``kind = "share"``): :meth:`Survey.proportion`, CI method from
  ``[reliability]`` (R's ``svyciprop`` names, default ``logit``);
- totals (``kind = "total"``, e.g. R&D expenditure in NOK): :meth:`Survey.total`;
- ratios of totals (``kind = "ratio"``, e.g. R&D per employee, share of turnover from new
  products): :meth:`Survey.ratio`.

Comparisons (Østfold against Norway and against each other county) need the covariance of
the two estimates: Østfold's firms are part of Norway, and firms of different counties share
strata. Both come from **one** call, ``Survey.total([...], by=county, vcov=True)`` on the
numerator and denominator totals of every indicator: a county's share or ratio and Norway's
(the sum over all county domains, ``utenfor`` included) are smooth functions of those domain
totals, and the delta method on their joint covariance *is* the joint Taylor linearisation.
Holm's adjustment runs across each family of :func:`omdomme.analysis.counties.family_key`
(Østfold against the four other counties, every indicator; Østfold against Norway, every
indicator).

The strategy's goal, *double innovation activity*, is the ratio of Østfold's share in the round
to the baseline round (an independent sample: Welch–Satterthwaite df, as ``omdomme compare``),
with a CI on the log scale and a verdict
(``nådd``, ``mulig``, ``utelukket``). Disclosure control (``omdomme.analysis.disclosure``) suppresses
cells with too few firms and totals dominated by one or two firms.
"""

from __future__ import annotations

import difflib
import warnings
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
import polars as pl

from omdomme.analysis.breakdowns import LEVEL_PREFIX, Level, firm_levels, level_entry
from omdomme.analysis.counties import RATIO_KINDS, adjust_families
from omdomme.analysis.disclosure import (
    SECONDARY_NOTE,
    disclosure_verdict,
    display_text,
    dominance_shares,
    secondary_suppression,
)
from omdomme.definitions.innovation import (
    OSTFOLD,
    InnovationIndicator,
    InnovationSpec,
    parse_innovation,
)
from omdomme.errors import DefinitionError, DesignError, EstimationWarning, GeographyError
from omdomme.estimate.contrast import independent, paired
from omdomme.estimate.weighting import weight_diagnostics
from omdomme.labels import NORGE, TARGET_LABELS, TARGETS, builtin_en, number_expr
from omdomme.results.manifest import file_entry
from omdomme.results.schema import TABLE_COLUMNS

if TYPE_CHECKING:
    from omdomme.definitions import Definition
    from omdomme.estimate.survey import Survey

SURVEY = "innovasjon"
COUNTY = "_county"  # internal column; underscored so it cannot clash with the vendor's names
DOMAIN = "alle"
DOMAIN_LABEL = "Alle foretak"
OWN = ""  # the breakdown and level keys of the definition's own cells (a join needs a value)
MAX_NAMED = 10  # firms or strata named in one error message

METHOD_NORGE = (
    "joint linearisation (stratified, fpc): county and Norway as functions of the same domain "
    "totals, covariance from one call"
)
METHOD_COUNTY = (
    "joint linearisation (stratified, fpc): covariance of county domains sharing strata, "
    "from one call"
)
METHOD_BASELINE = "independent samples (Welch–Satterthwaite df); ratio CI on the log scale (delta method)"


# --------------------------------------------------------------------------- the definition


# --------------------------------------------------------------------------- results


@dataclass(frozen=True)
class InnovationResult:
    """What :func:`analyse_innovation` returns.

    Attributes
    ----------
    estimates
        One row per indicator × target (the five counties and ``norge``), the columns of the
        ``estimates`` output contract (``docs/architecture.md`` §5), ``survey = "innovasjon"``.
    comparisons
        Østfold against Norway (``comparison = "norge"``) and against each other county
        (``"county"``), and the goal's ``baseline_ratio`` row; the ``comparisons`` columns.
    manifest
        The ``surveys["innovasjon"]`` entry of ``manifest.json``: definition, inputs (path,
        size, sha256), rows read/used/excluded with reasons, parameters.
    """

    estimates: pl.DataFrame
    comparisons: pl.DataFrame
    manifest: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class _Prepared:
    """A round read, checked and placed: the design, its analysis columns, its bookkeeping."""

    definition: Any
    spec: InnovationSpec
    data: pl.DataFrame
    survey: Survey
    excluded: tuple[dict[str, Any], ...]
    inputs: tuple[dict[str, Any], ...]
    in_no_county: tuple[dict[str, Any], ...] = ()
    #: Each ``[breakdowns.<id>]``'s levels; the firm's level is the column ``_level__<id>``.
    levels: dict[str, list[Level]] = field(default_factory=dict)


def _listing(values: Sequence[Any]) -> str:
    shown = ", ".join(str(v) for v in values[:MAX_NAMED])
    more = len(values) - MAX_NAMED
    return shown + (f" and {more} more" if more > 0 else "")


def _require_columns(data: pl.DataFrame, names: Sequence[tuple[str, str]], where: Path) -> None:
    for name, role in names:
        if name not in data.columns:
            close = difflib.get_close_matches(name, data.columns, n=1)
            fix = f"did you mean `{close[0]}`?" if close else "fix the name in the definition."
            raise DefinitionError(
                f"{where}: {role} `{name}` is not a variable of the data file; {fix}"
            )


def _check_design(data: pl.DataFrame, definition: Any, data_file: str) -> None:
    """Firm-level design checks, each naming the firms or strata at fault."""
    design = definition.design
    ident = design.id
    blank_ids = data.select(_blank(data, ident)).to_series()
    if blank_ids.any():
        rows = (pl.arange(0, data.height, eager=True).filter(blank_ids) + 1).to_list()
        raise DesignError(
            f"{data_file}: firm id `{ident}` is missing on row(s) {_listing(rows)}; every firm needs an id."
        )
    duplicated = data.filter(pl.col(ident).is_duplicated())[ident].unique(maintain_order=True).to_list()
    if duplicated:
        raise DesignError(
            f"{data_file}: firm id `{ident}` is not unique: {_listing(duplicated)} occur more than "
            f"once; remove the duplicate rows."
        )
    for role in ("weight", "fpc"):
        column = getattr(design, role)
        if column is not None and not data.schema[column].is_numeric():
            examples = ", ".join(repr(v) for v in data[column].drop_nulls().unique(maintain_order=True).head(3).to_list())
            raise DesignError(
                f"{data_file}: {'weight' if role == 'weight' else 'population count'} `{column}` "
                f"([design] {role}) is stored as text, not numbers (values such as {examples}); store "
                f"it as a numeric variable (in SPSS: Variable View, Type Numeric) or fix the values."
            )
    if design.weight is not None:
        w = pl.col(design.weight)
        bad = data.filter(w.is_null() | w.is_nan() | (w <= 0))
        if bad.height:
            pairs = [f"{i} ({v})" for i, v in zip(bad[ident], bad[design.weight], strict=True)]
            raise DesignError(
                f"{data_file}: weight `{design.weight}` must be > 0 for every firm; firm(s) "
                f"{_listing(pairs)} have a weight that is zero, negative or missing. A sampled "
                f"firm's weight is N_h / n_h; fix the weight or remove the firm from the file."
            )
    if design.strata is not None:
        missing = data.filter(_blank(data, design.strata))[ident].to_list()
        if missing:
            raise DesignError(
                f"{data_file}: stratum `{design.strata}` is missing for firm(s) {_listing(missing)}; "
                f"every firm must belong to a stratum (industry × size class)."
            )
    if design.fpc is not None:
        fpc = pl.col(design.fpc)
        bad = data.filter(fpc.is_null() | fpc.is_nan() | (fpc <= 0))
        if bad.height:
            raise DesignError(
                f"{data_file}: population count `{design.fpc}` is missing or not positive for "
                f"firm(s) {_listing(bad[ident].to_list())}; give N_h (or a sampling fraction <= 1)."
            )
        group = design.strata
        by = [group] if group is not None else []
        if by:
            per = data.group_by(by, maintain_order=True).agg(
                pl.len().alias("n_h"), fpc.min().alias("lo"), fpc.max().alias("hi")
            )
        else:
            per = data.select(pl.len().alias("n_h"), fpc.min().alias("lo"), fpc.max().alias("hi"))
        varying = per.filter(pl.col("lo") != pl.col("hi"))
        if varying.height:
            names = varying[group].to_list() if group else ["(the whole sample)"]
            raise DesignError(
                f"{data_file}: population count `{design.fpc}` varies within stratum "
                f"{_listing(names)}; it must be the same for every firm of a stratum."
            )
        # A value > 1 is a population count N_h; <= 1 a sampling fraction (R's convention).
        too_small = per.filter((pl.col("lo") > 1) & (pl.col("lo") < pl.col("n_h")))
        if too_small.height:
            rows = [
                f"{s} (N_h = {_num(lo)}, n_h = {n})"
                for s, lo, n in zip(
                    too_small[group] if group else ["(whole sample)"] * too_small.height,
                    too_small["lo"], too_small["n_h"], strict=True,
                )
            ]
            raise DesignError(
                f"{data_file}: population count `{design.fpc}` is smaller than the number of "
                f"sampled firms in stratum {_listing(rows)}; N_h must be >= n_h. Check the "
                f"stratum codes or the population counts."
            )


def _blank(data: pl.DataFrame, column: str) -> pl.Expr:
    # SPSS has no null string: a missing string value is stored as blanks.
    col = pl.col(column)
    if data.schema[column] == pl.String:
        return col.is_null() | (col.str.strip_chars() == "")
    return col.is_null() | (col.is_nan() if data.schema[column].is_float() else pl.lit(False))


def _num(x: float) -> str:
    return str(int(x)) if float(x).is_integer() else str(x)


def _code_strings(codes: pl.Series, level: str) -> pl.Series:
    # SPSS stores municipality codes as numbers (301.0); Klass codes are zero-padded strings.
    if codes.dtype.is_numeric():
        width = 4 if level == "kommune" else 2
        return codes.cast(pl.Int64).cast(pl.String).str.zfill(width)
    return codes.cast(pl.String).str.strip_chars()


NOT_STATED = {"kommune": "9999", "fylke": "99"}  # Klass «Uoppgitt»
UNPLACED = "ukjent"


def _place_firms(
    data: pl.DataFrame, spec: InnovationSpec, ident: str, data_file: str
) -> tuple[pl.Series, list[dict[str, Any]]]:
    """Each firm's county key (or ``utenfor``); firms coded «Uoppgitt» are ``ukjent``.

    A firm whose municipality is «not stated» (Klass 9999) is still a Norwegian firm of the
    sample: it stays in the design and in Norway, and is in no county. Any other code that
    cannot be placed is an error naming the codes.
    """
    from omdomme.geography import county_of

    column = spec.firm.code_column
    codes = data[column]
    if codes.dtype.is_float():
        codes = codes.fill_nan(None)
    elif codes.dtype == pl.String:
        codes = codes.str.strip_chars().replace("", None)  # SPSS writes a blank code as spaces
    if codes.null_count():
        firms = data.filter(codes.is_null())[ident].to_list()
        raise GeographyError(
            f"{data_file}: `{column}` ({spec.firm.level} code) is missing for firm(s) "
            f"{_listing(firms)}; every firm must be placed (Norway includes firms outside the "
            f"Oslofjord counties: give their real code)."
        )
    text = _code_strings(codes, spec.firm.level)
    not_stated = text == NOT_STATED[spec.firm.level]
    try:
        placed = county_of(
            text.filter(~not_stated),
            year=spec.firm.code_year,
            level=spec.firm.level,
            borders=spec.firm.borders,
        )
    except GeographyError as error:
        raise GeographyError(f"{data_file}: `{column}`: {error}") from None
    county = pl.Series(COUNTY, [UNPLACED] * data.height, dtype=pl.String)
    county = county.scatter(np.flatnonzero(~not_stated.to_numpy()), placed.cast(pl.String))
    notes: list[dict[str, Any]] = []
    n_unplaced = int(not_stated.sum())
    if n_unplaced:
        notes.append({
            "reason": f"{column} {NOT_STATED[spec.firm.level]} «Uoppgitt»: firm counted in Norway, "
                      f"in no county",
            # The manifest is English; the report's method section shows the Norwegian text.
            "reason_nb": f"{column} {NOT_STATED[spec.firm.level]} «Uoppgitt»: foretaket telles i Norge, "
                         f"men ikke i noe fylke",
            "count": n_unplaced,
        })
        warnings.warn(
            f"{data_file}: {n_unplaced} firm(s) have {spec.firm.level} code "
            f"{NOT_STATED[spec.firm.level]} («Uoppgitt»); they count in Norway but in no county.",
            EstimationWarning,
            stacklevel=4,
        )
    return county, notes


def _analysis_columns(
    data: pl.DataFrame, spec: InnovationSpec, meta: Any
) -> tuple[list[pl.Expr], list[dict[str, Any]]]:
    """Per indicator: the analysed columns, nulls where a firm leaves the indicator's base."""
    exprs: list[pl.Expr] = []
    excluded: list[dict[str, Any]] = []
    for ind in spec.indicators:
        for col in ind.columns:
            dtype = data.schema[col]
            if not (dtype.is_numeric() or dtype == pl.Boolean):
                raise DefinitionError(
                    f"{spec.path}: [indicators.{ind.id}] reads `{col}`, which is {dtype} in the data, "
                    f"not numeric (e.g. {data[col].drop_nulls().head(3).to_list()}); point the indicator "
                    f"at a numeric variable or recode it."
                )
        # Numbers as Float64: polars 2 compares codes only within one type.
        num = {col: pl.col(col).cast(pl.Float64) for col in ind.columns}
        invalid = pl.lit(False)
        for col in ind.columns:
            invalid = invalid | num[col].is_null() | num[col].is_nan() | _user_missing(meta, col)
            if ind.missing:
                invalid = invalid | num[col].is_in(list(ind.missing))
        if ind.kind == "share":
            value = num[str(ind.variable)].is_in(list(ind.count)).cast(pl.Float64)
            exprs.append(pl.when(invalid).then(None).otherwise(value).alias(_col(ind, "y")))
        else:
            exprs.append(pl.when(invalid).then(None).otherwise(num[ind.columns[0]]).alias(_col(ind, "y")))
            if ind.kind == "ratio":
                exprs.append(pl.when(invalid).then(None).otherwise(num[ind.columns[1]]).alias(_col(ind, "x")))
        count = int(data.select(invalid.sum()).item())
        if count:
            excluded.append({
                "reason": f"indicator {ind.id}: {' or '.join(ind.columns)} missing (firm kept in the "
                          f"design, outside this indicator's base)",
                "reason_nb": f"indikator {ind.id}: {' eller '.join(ind.columns)} mangler (foretaket er med "
                             f"i utvalgsdesignet, men utenfor indikatorens grunnlag)",
                "count": count,
            })
    return exprs, excluded


def _check_share_codes(data: pl.DataFrame, spec: InnovationSpec, meta: Any, ident: str,
                       data_file: str, definition: Path) -> None:
    """A share's codes must be known, and its ``count`` codes must occur.

    A code the file does not label (7 where the labels are 0 «Nei» and 1 «Ja»), and that is
    neither counted nor missing, would silently count as «no»; a ``count`` code no firm has
    is a definition mistake (the reputation survey refuses the same). Variables without value
    labels (a CSV without codebook) are only checked for the second.
    """
    for ind in spec.indicators:
        if ind.kind != "share" or ind.variable is None:
            continue
        col = pl.col(ind.variable).cast(pl.Float64)
        valid = data.filter(col.is_not_null() & col.is_not_nan() & ~_user_missing(meta, ind.variable)
                            & ~col.is_in(list(ind.missing) or [float("nan")]))
        values = valid[ind.variable].cast(pl.Float64)
        try:
            labelled = {float(k) for k in meta[ind.variable].value_labels}
        except Exception:  # noqa: BLE001 - no metadata for the column: nothing to check against
            labelled = set()
        if labelled:
            known = labelled | set(ind.count) | set(ind.missing)
            unknown = valid.filter(~values.is_in(sorted(known)))
            if unknown.height:
                codes = sorted(set(unknown[ind.variable].cast(pl.Float64).to_list()))
                raise DefinitionError(
                    f"{data_file}: `{ind.variable}` ([indicators.{ind.id}] in {definition}) holds "
                    f"{', '.join(f'{c:g}' for c in codes)} for {unknown.height} firm(s) "
                    f"({ident} {_listing(unknown[ident].to_list())}), a code the file does not label "
                    f"and that is neither counted (count = {[f'{c:g}' for c in ind.count]}) nor missing; "
                    f"it would count as «no». Fix the data, or add the code to count or missing."
                )
        if values.len() and not values.is_in(list(ind.count)).any():
            raise DefinitionError(
                f"{definition}: [indicators.{ind.id}] count = {[f'{c:g}' for c in ind.count]}, but no "
                f"firm in {data_file} has that code in `{ind.variable}` (codes present: "
                f"{', '.join(f'{c:g}' for c in sorted(set(values.to_list()))[:10])}); fix count."
            )


def _user_missing(meta: Any, column: str) -> pl.Expr:
    # The reader keeps SPSS user-missing codes as values; for firm data they are non-response.
    try:
        info = meta[column]
    except Exception:  # a CSV without codebook has no metadata for the column
        return pl.lit(False)
    missing_expr = getattr(info, "missing_expr", None)
    return missing_expr() if callable(missing_expr) else pl.lit(False)


def _col(ind: InnovationIndicator, part: str) -> str:
    return f"_{part}__{ind.id}"


def _prepare(definition: Any, root: Path) -> _Prepared:
    spec = parse_innovation(definition)
    data, meta = definition.read()
    inputs = (file_entry(Path(definition.data_path), root),)
    return prepare_sample(definition, data, meta, spec=spec, inputs=inputs)


def prepare_sample(
    definition: Any,
    data: pl.DataFrame,
    meta: Any = None,
    *,
    spec: InnovationSpec | None = None,
    inputs: tuple[dict[str, Any], ...] = (),
) -> _Prepared:
    """Check a firm sample against its definition, place the firms, and build the design.

    The file-free half of reading a round: the coverage study calls it with samples drawn in
    memory. ``meta`` (from :func:`omdomme.read`) supplies user-missing codes; ``None`` has none.

    Examples
    --------
    >>> prep = prepare_sample(definition, sample)          # doctest: +SKIP
    >>> prep.survey.degf                                   # doctest: +SKIP
    1276
    """
    spec = spec if spec is not None else parse_innovation(definition)
    data_file = str(definition.data_path)
    design = definition.design
    roles = [(design.id, "[design] id")]
    roles += [(getattr(design, k), f"[design] {k}") for k in ("weight", "strata", "psu", "fpc")
              if getattr(design, k) is not None]
    roles += [(spec.firm.code_column, f"[firm] {spec.firm.level}")]
    roles += [(c, f"[indicators.{i.id}]") for i in spec.indicators for c in i.columns]
    roles += [(str(b.source), f"[breakdowns.{b.id}] {b.by}") for b in spec.breakdowns.values()]
    _require_columns(data, roles, Path(definition.path))
    _check_design(data, definition, data_file)
    county, unplaced = _place_firms(data, spec, design.id, data_file)
    # Neither kind of firm leaves the design: «Uoppgitt» firms are used for Norway (in no county),
    # firms without an indicator's variable are item non-response of that indicator.
    exprs, excluded = _analysis_columns(data, spec, meta)
    _check_share_codes(data, spec, meta, design.id, data_file, Path(definition.path))
    levels, level_columns = firm_levels(spec.breakdowns, data, meta, ident=design.id, where=str(definition.path),
                                        data_name=Path(data_file).name)
    prepared = data.with_columns(county, *exprs, *level_columns)
    from omdomme.estimate.survey import Survey

    survey = Survey(
        prepared,
        weights=design.weight,
        strata=design.strata,
        psu=design.psu,
        fpc=design.fpc,
        lonely_psu=design.lonely_psu,
    )
    return _Prepared(definition, spec, prepared, survey, tuple(excluded), inputs, tuple(unplaced), levels)


# --------------------------------------------------------------------------- estimation


def _raw_estimates(prep: _Prepared) -> pl.DataFrame:
    """Survey estimates of every indicator for every county domain and for Norway, undisclosed."""
    survey = prep.survey
    rel = prep.definition.reliability
    level = float(rel.level)
    frames: list[pl.DataFrame] = []
    shares = [i for i in prep.spec.indicators if i.kind == "share"]
    totals = [i for i in prep.spec.indicators if i.kind == "total"]
    ratios = [i for i in prep.spec.indicators if i.kind == "ratio"]

    def tag(frame: Any, ids: list[str], target: str | None) -> pl.DataFrame:
        # Survey returns rows variable-major or group-major; map by the variable column.
        assert isinstance(frame, pl.DataFrame)  # no vcov asked
        mapping = dict(zip([_col(i, "y") for i in prep.spec.indicators], [i.id for i in prep.spec.indicators],
                           strict=True))
        if len(ids) == 1:
            frame = frame.with_columns(pl.lit(ids[0]).alias("indicator"))
        else:
            frame = frame.with_columns(pl.col("variable").replace_strict(mapping).alias("indicator"))
        if target is not None:
            frame = frame.with_columns(pl.lit(target).alias(COUNTY))
        return frame.select(COUNTY, "indicator", *_SURVEY_COLUMNS)

    if shares:
        cols = [_col(i, "y") for i in shares]
        ids = [i.id for i in shares]
        frames.append(tag(survey.proportion(cols, by=COUNTY, method=rel.ci_method, level=level), ids, None))
        frames.append(tag(survey.proportion(cols, method=rel.ci_method, level=level), ids, NORGE))
    if totals:
        cols = [_col(i, "y") for i in totals]
        ids = [i.id for i in totals]
        frames.append(tag(survey.total(cols, by=COUNTY, level=level), ids, None))
        frames.append(tag(survey.total(cols, level=level), ids, NORGE))
    for ind in ratios:
        y, x = _col(ind, "y"), _col(ind, "x")
        frames.append(tag(survey.ratio(y, x, by=COUNTY, level=level), [ind.id], None))
        frames.append(tag(survey.ratio(y, x, level=level), [ind.id], NORGE))
    return pl.concat([f.cast({COUNTY: pl.String}) for f in frames], how="vertical_relaxed")


def _breakdown_raw(prep: _Prepared) -> pl.DataFrame:
    """Every indicator a breakdown crosses, per county × level and Norway × level, undisclosed.

    Each cell is a domain of the full stratified design (fpc included): ``by = [county, level]``
    and ``by = level`` on the one ``Survey``, so firms outside the cell keep their stratum with
    zero contribution, and the cell's df is its own firms minus its strata (R's
    ``degf(subset(design, county == k & level == l))``). Firms in no level are in no cell.
    """
    survey = prep.survey
    rel = prep.definition.reliability
    level = float(rel.level)
    frames: list[pl.DataFrame] = []
    by_id = {i.id: i for i in prep.spec.indicators}
    for b in prep.spec.breakdowns.values():
        lvl = f"{LEVEL_PREFIX}{b.id}"
        crossed = [by_id[i] for i in b.indicators]

        def tag(frame: Any, ids: list[str], norway: bool, lvl: str = lvl, b_id: str = b.id) -> pl.DataFrame:
            assert isinstance(frame, pl.DataFrame)  # no vcov asked
            mapping = {_col(by_id[i], "y"): i for i in ids}
            frame = frame.with_columns((pl.lit(ids[0]) if len(ids) == 1 else
                                        pl.col("variable").replace_strict(mapping)).alias("indicator"))
            if norway:
                frame = frame.with_columns(pl.lit(NORGE).alias(COUNTY))
            return (frame.filter(pl.col(lvl).is_not_null())
                    .select(pl.col(COUNTY).cast(pl.String), "indicator", pl.lit(b_id).alias("_bd"),
                            pl.col(lvl).cast(pl.String).alias("_lvl"), *_SURVEY_COLUMNS))

        with warnings.catch_warnings():
            # Small cells are flagged in their own rows (flag, note); one warning per call says nothing more.
            warnings.simplefilter("ignore", EstimationWarning)
            for kind in ("share", "total"):
                ids = [i.id for i in crossed if i.kind == kind]
                if not ids:
                    continue
                cols = [_col(by_id[i], "y") for i in ids]
                for by, norway in (([COUNTY, lvl], False), ([lvl], True)):
                    if kind == "share":
                        out = survey.proportion(cols, by=by, method=rel.ci_method, level=level)
                    else:
                        out = survey.total(cols, by=by, level=level)
                    frames.append(tag(out, ids, norway))
            for ind in (i for i in crossed if i.kind == "ratio"):
                for by, norway in (([COUNTY, lvl], False), ([lvl], True)):
                    frames.append(tag(survey.ratio(_col(ind, "y"), _col(ind, "x"), by=by, level=level),
                                      [ind.id], norway))
    if not frames:
        return pl.DataFrame(schema={COUNTY: pl.String, "indicator": pl.String, "_bd": pl.String, "_lvl": pl.String})
    return pl.concat(frames, how="vertical_relaxed")


_SURVEY_COLUMNS = ("estimate", "se", "ci_low", "ci_high", "level", "df", "deff", "n", "eff_n", "cv",
                   "method", "flag", "note")


def _dominance(prep: _Prepared) -> pl.DataFrame:
    """The (n, k) dominance share of every total and ratio numerator, per county and Norway."""
    weight = pl.col(prep.definition.design.weight) if prep.definition.design.weight else pl.lit(1.0)
    n = prep.spec.disclosure.dominance_n
    frames = []
    for ind in prep.spec.indicators:
        if ind.kind == "share":
            continue
        contribution = weight * pl.col(_col(ind, "y"))
        by_county = dominance_shares(prep.data, cell=COUNTY, contribution=contribution, n=n)
        norway = dominance_shares(prep.data, cell=None, contribution=contribution, n=n).with_columns(
            pl.lit(NORGE).alias(COUNTY)
        )
        frames.append(
            pl.concat([by_county, norway.select(by_county.columns)], how="vertical_relaxed")
            .with_columns(pl.lit(ind.id).alias("indicator"))
        )
    for b in prep.spec.breakdowns.values():
        lvl = f"{LEVEL_PREFIX}{b.id}"
        for ind in (prep.spec.indicator(i) for i in b.indicators):
            if ind.kind == "share":
                continue
            contribution = weight * pl.col(_col(ind, "y"))
            cells = pl.concat([
                dominance_shares(prep.data, cell=[COUNTY, lvl], contribution=contribution, n=n),
                dominance_shares(prep.data, cell=[lvl], contribution=contribution, n=n)
                .with_columns(pl.lit(NORGE).alias(COUNTY)).select(COUNTY, lvl, "contributors", "dominance"),
            ], how="vertical_relaxed")
            frames.append(cells.filter(pl.col(lvl).is_not_null()).select(
                COUNTY, "contributors", "dominance", pl.lit(ind.id).alias("indicator"), pl.lit(b.id).alias("_bd"),
                pl.col(lvl).alias("_lvl")))
    schema: dict[str, Any] = {COUNTY: pl.String, "contributors": pl.UInt32, "dominance": pl.Float64,
                              "indicator": pl.String, "_bd": pl.String, "_lvl": pl.String}
    if not frames:
        return pl.DataFrame(schema=schema)
    frames = [f if "_bd" in f.columns else f.with_columns(pl.lit(OWN).alias("_bd"), pl.lit(OWN).alias("_lvl"))
              for f in frames]
    return pl.concat([f.select(list(schema)) for f in frames], how="vertical_relaxed").cast(schema)  # type: ignore[arg-type]


def _targets() -> tuple[list[str], dict[str, str]]:
    return list(TARGETS), TARGET_LABELS


def _indicator_frame(spec: InnovationSpec) -> pl.DataFrame:
    return pl.DataFrame({
        "indicator": [i.id for i in spec.indicators],
        "label": [i.label for i in spec.indicators],
        "label_en": pl.Series([i.label_en for i in spec.indicators], dtype=pl.String),
        "kind": [i.kind for i in spec.indicators],
        "better": [i.better for i in spec.indicators],
        "unit": [i.unit for i in spec.indicators],
        "_order": list(range(len(spec.indicators))),
    })


def _cells(prep: _Prepared) -> pl.DataFrame:
    """Every row of the estimates table: indicator × target, then each breakdown's indicator × level × target."""
    targets, _ = _targets()
    own = pl.DataFrame({"indicator": [i.id for i in prep.spec.indicators]}).with_columns(
        pl.lit(OWN).alias("_bd"), pl.lit(OWN).alias("_lvl"), pl.lit(DOMAIN).alias("_domain"),
        pl.lit(DOMAIN_LABEL).alias("_domain_label"), pl.lit(builtin_en(DOMAIN_LABEL), pl.String).alias("_domain_label_en"),
        pl.lit(0).alias("_part"), pl.lit(0).alias("_border"), pl.lit(0).alias("_lorder"))
    rows = [
        {"indicator": i, "_bd": b.id, "_lvl": lv.id, "_domain": b.domain(lv.id),
         "_domain_label": f"{b.label}: {lv.label}",
         # English only where both parts have one, as the reputation survey's breakdown rows
         "_domain_label_en": f"{b.label_en}: {lv.label_en}" if b.label_en and lv.label_en else None,
         "_part": 1, "_border": bi, "_lorder": li}
        for bi, b in enumerate(prep.spec.breakdowns.values()) for i in b.indicators
        for li, lv in enumerate(prep.levels[b.id])
    ]
    cells = pl.concat([own, pl.DataFrame(rows, schema=own.schema)]) if rows else own
    return cells.join(pl.DataFrame({COUNTY: targets, "_torder": list(range(len(targets)))}), how="cross")


def _estimates_table(prep: _Prepared, raw: pl.DataFrame) -> pl.DataFrame:
    _, labels = _targets()
    keys = ["indicator", COUNTY, "_bd", "_lvl"]
    raw = pl.concat([raw.with_columns(pl.lit(OWN).alias("_bd"), pl.lit(OWN).alias("_lvl")).select(
        COUNTY, "indicator", "_bd", "_lvl", *_SURVEY_COLUMNS), _breakdown_raw(prep)], how="diagonal_relaxed")
    rules = prep.spec.disclosure
    table = (
        _cells(prep).join(raw, on=keys, how="left")
        .join(_indicator_frame(prep.spec), on="indicator", how="left")
        .join(_dominance(prep), on=keys, how="left")
        .with_columns(pl.col("n").fill_null(0))
    )
    primary, primary_reason = disclosure_verdict(pl.col("n"), pl.col("dominance"), rules)
    table = table.with_columns(primary.alias("_primary"))
    # A total's levels add up to the county's total: one withheld level would be the difference.
    secondary = secondary_suppression(
        table.with_columns((pl.col("kind") == "total").alias("_additive")),
        margin=["indicator", COUNTY], partition="_bd", total=OWN, primary="_primary", additive="_additive")
    table = table.with_columns(secondary.alias("_secondary"))
    disclosed = pl.col("_primary") | pl.col("_secondary")
    reason = pl.when(pl.col("_primary")).then(primary_reason).otherwise(pl.lit(SECONDARY_NOTE))
    # Shares follow the same presentation rules as the reputation survey's (NCHS, minimum base);
    # totals and ratios are flagged for the estimator's flags and few degrees of freedom.
    from omdomme.analysis.reliability import apply_reliability, estimator_note

    table = table.with_row_index("_i")
    shares = apply_reliability(
        table.filter(pl.col("kind") == "share").select("_i", "n", "eff_n", "estimate", "ci_low", "ci_high", "df",
                                                       pl.col("flag").fill_null(""), pl.col("note").fill_null("")),
        min_n=int(prep.definition.reliability.min_n),
    ).select("_i", pl.col("flag").alias("_rel_flag"), pl.col("note").alias("_rel_note"))
    table = table.join(shares, on="_i", how="left")
    is_share = pl.col("kind") == "share"
    low_df = pl.col("df").is_not_null() & (pl.col("df") < 8)
    survey_flag = pl.col("flag").fill_null("") != ""
    other_note = (
        pl.when(survey_flag).then(estimator_note(pl.col("flag")))
        .when(low_df).then(pl.format("få frihetsgrader (df = {})", number_expr(pl.col("df"), 1)))
        .otherwise(pl.lit(""))
    )
    precision_note = pl.when(is_share).then(pl.col("_rel_note").fill_null("")).otherwise(other_note)
    shown_suppressed = disclosed | (is_share & (pl.col("_rel_flag") == "suppressed"))
    note = (
        pl.when(disclosed).then(reason)
        .otherwise(precision_note)
    )
    flag = (
        pl.when(shown_suppressed).then(pl.lit("suppressed"))
        .when(precision_note != "").then(pl.lit("flagged"))
        .otherwise(pl.lit("ok"))
    )
    hidden = ["estimate", "se", "ci_low", "ci_high", "eff_n", "deff", "cv"]
    table = table.with_columns(
        disclosed.alias("_disclosed"), shown_suppressed.alias("_suppressed"), note.alias("_note"),
        flag.alias("_flag"),
    ).with_columns(
        # A cell suppressed for confidentiality must not leak through the CSV either: its numbers
        # are withheld. A cell suppressed for precision keeps them (shown as `:` in tables).
        *[pl.when(pl.col("_disclosed")).then(None).otherwise(pl.col(c)).alias(c) for c in hidden],
        display_text(pl.col("estimate"), pl.col("unit"), pl.col("_suppressed"), pl.col("kind")).alias("display"),
    )
    return (
        table.sort("_part", "_order", "_border", "_lorder", "_torder")
        .select(
            pl.lit(SURVEY).alias("survey"),
            pl.lit(int(prep.definition.round)).cast(pl.Int64).alias("round"),
            "indicator", "label", "label_en", "kind", "unit",
            pl.lit("firms").alias("base"),
            "better",
            pl.col(COUNTY).alias("target"),
            pl.col(COUNTY).replace_strict(labels).alias("target_label"),
            pl.col("_domain").alias("domain"),
            pl.col("_domain_label").alias("domain_label"),
            pl.col("_domain_label_en").alias("domain_label_en"),
            pl.col("n").cast(pl.Int64),
            pl.col("eff_n").cast(pl.Float64),
            *[pl.col(c).cast(pl.Float64) for c in ("estimate", "se", "ci_low", "ci_high")],
            pl.col("method").fill_null(pl.lit("")).alias("ci_method"),
            pl.col("level").fill_null(float(prep.definition.reliability.level)).cast(pl.Float64),
            *[pl.col(c).cast(pl.Float64) for c in ("df", "deff", "cv")],
            pl.col("_flag").alias("flag"),
            "display",
            pl.col("_note").alias("note"),
            # A breakdown row's breakdown and level; the reputation survey's whole-scale columns are empty here.
            pl.when(pl.col("_bd") != OWN).then(pl.col("_bd")).alias("breakdown"),
            pl.when(pl.col("_bd") != OWN).then(pl.col("_lvl")).alias("breakdown_level"),
            *[pl.lit(None, pl.String).alias(c) for c in TABLE_COLUMNS if not c.startswith("breakdown")],
        )
    )


# --------------------------------------------------------------------------- joint covariance


def joint_estimates(prep: _Prepared) -> tuple[pl.DataFrame, np.ndarray]:
    """Every indicator for every county and Norway, with their full covariance matrix.

    Each estimate is a smooth function of weighted domain totals: a share is
    ``Y_c / X_c`` (firms with the property / firms with a valid answer), a ratio
    ``Y_c / X_c``, a total ``Y_c``; Norway sums the totals over every county domain
    (``utenfor`` included). One ``Survey.total(..., by=county, vcov=True)`` call gives the
    covariance ``V`` of all domain totals; with the gradient matrix ``G`` of the functions,
    ``G V G'`` is the Taylor-linearised covariance of the estimates (the same scores R's
    ``svyratio`` builds, summed by stratum with the fpc).

    Returns
    -------
    (frame, covariance)
        ``frame``: ``indicator``, ``target``, ``estimate`` (row order of ``covariance``).
    """
    columns: list[str] = []
    for ind in prep.spec.indicators:
        columns.append(_col(ind, "y"))
        if ind.kind == "share":
            columns.append(_col(ind, "n"))
        elif ind.kind == "ratio":
            columns.append(_col(ind, "x"))
    valid = [
        pl.col(_col(ind, "y")).is_not_null().cast(pl.Float64).alias(_col(ind, "n"))
        for ind in prep.spec.indicators if ind.kind == "share"
    ]
    # Totals of the base (the denominator) need no nulls: zero outside the indicator's base.
    data = prep.data.with_columns(*valid).with_columns(pl.col(columns).fill_null(0.0))
    from omdomme.estimate.survey import Survey

    design = prep.definition.design
    joint = Survey(data, weights=design.weight, strata=design.strata, psu=design.psu, fpc=design.fpc,
                   lonely_psu=design.lonely_psu)
    with warnings.catch_warnings():
        # The same cells were estimated (and their flags reported) by _raw_estimates.
        warnings.simplefilter("ignore", EstimationWarning)
        joint_result = joint.total(columns, by=COUNTY, vcov=True)
    assert isinstance(joint_result, tuple)  # vcov=True returns (frame, covariance)
    frame, cov = joint_result
    frame = frame.with_row_index("_row").cast({COUNTY: pl.String})
    totals = frame["estimate"].to_numpy()
    cov = np.asarray(cov, dtype=float)

    targets, _ = _targets()
    position = {t: k for k, t in enumerate(targets)}
    # Membership of each domain total in each target: a county's own domain, or every domain
    # (utenfor and ukjent included) for Norway.
    variable = frame["variable"].to_numpy()
    member = np.zeros((len(targets), len(totals)))
    county_rows = frame[COUNTY].replace_strict(position, default=-1, return_dtype=pl.Int64).to_numpy()
    placed = county_rows >= 0
    member[county_rows[placed], np.flatnonzero(placed)] = 1.0
    member[position[NORGE], :] = 1.0

    blocks: list[np.ndarray] = []
    values: list[np.ndarray] = []
    for ind in prep.spec.indicators:
        m_y = member * (variable == _col(ind, "y"))
        y = m_y @ totals
        if ind.kind == "total":
            blocks.append(m_y)
            values.append(y)
            continue
        m_x = member * (variable == (_col(ind, "n") if ind.kind == "share" else _col(ind, "x")))
        x = m_x @ totals
        with np.errstate(divide="ignore", invalid="ignore"):
            # An empty domain (x = 0) gives NaN for its own row only.
            value = np.where(x != 0, y / x, np.nan)
            blocks.append(m_y / x[:, None] - (value / x)[:, None] * m_x)
        values.append(value)
    gmat = np.vstack(blocks)
    out = pl.DataFrame(
        {
            "indicator": [ind.id for ind in prep.spec.indicators for _ in targets],
            "target": targets * len(prep.spec.indicators),
            "estimate": np.concatenate(values),
        },
        schema={"indicator": pl.String, "target": pl.String, "estimate": pl.Float64},
    )
    return out, gmat @ cov @ gmat.T


def _comparisons(prep: _Prepared, estimates: pl.DataFrame) -> pl.DataFrame:
    """Østfold against Norway and against each other county, every indicator, from one covariance."""
    joint, cov = joint_estimates(prep)
    # Every pair gets the design's df: the counties are domains of one stratified sample.
    df = float(prep.survey.degf)
    level = float(prep.definition.reliability.level)
    targets, _ = _targets()
    keyed = joint.with_row_index("_k")
    pairs = (
        keyed.filter(pl.col("target") == OSTFOLD).select("indicator", pl.col("_k").alias("_a"))
        .join(keyed.filter(pl.col("target") != OSTFOLD).select("indicator", pl.col("target").alias("target_b"),
                                                               pl.col("_k").alias("_b")), on="indicator")
        # Norway first, then the counties in their contract order.
        .with_columns(pl.col("target_b").replace_strict({**{t: i for i, t in enumerate(targets)}, NORGE: -1},
                                                         return_dtype=pl.Int64).alias("_order"))
        .sort("_a", "_order")
    )
    kinds = {ind.id: ind.kind for ind in prep.spec.indicators}
    stats_ = paired(
        joint["estimate"].to_numpy(), cov, pairs["_a"].to_numpy(), pairs["_b"].to_numpy(),
        df=df, level=level, ratio=pairs["indicator"].replace_strict(kinds).is_in(RATIO_KINDS),
    )
    theta = joint["estimate"].to_numpy()
    # Cells withheld for confidentiality have no estimate; a difference would reveal them.
    withheld = estimates.filter(pl.col("breakdown").is_null() & pl.col("estimate").is_null()).select(
        "indicator", pl.col("target").alias("_t"), pl.lit(True).alias("_w"))
    frame = pl.concat([pairs.select("indicator", "target_b"), stats_], how="horizontal").with_columns(
        pl.lit(OSTFOLD).alias("target_a"),
        pl.when(pl.col("target_b") == NORGE).then(pl.lit("norge")).otherwise(pl.lit("county")).alias("comparison"),
        pl.Series("estimate_a", theta[pairs["_a"].to_numpy()], nan_to_null=True),
        pl.Series("estimate_b", theta[pairs["_b"].to_numpy()], nan_to_null=True),
        pl.when(pl.col("target_b") == NORGE).then(pl.lit(METHOD_NORGE)).otherwise(pl.lit(METHOD_COUNTY))
        .alias("method"),
    )
    frame = (
        frame.join(withheld.rename({"_t": "target_a", "_w": "_wa"}), on=["indicator", "target_a"], how="left")
        .join(withheld.rename({"_t": "target_b", "_w": "_wb"}), on=["indicator", "target_b"], how="left",
              maintain_order="left")
    )
    hidden = pl.col("_wa").fill_null(False) | pl.col("_wb").fill_null(False)
    names = pl.concat_str(
        [pl.when(pl.col("_wa").fill_null(False)).then(pl.col("target_a")),
         pl.when(pl.col("_wb").fill_null(False)).then(pl.col("target_b"))],
        separator=", ", ignore_nulls=True,
    )
    values = ("estimate_a", "estimate_b", "difference", "se", "ci_low", "ci_high", "ratio", "ratio_ci_low",
              "ratio_ci_high", "p_value")
    frame = frame.with_columns(
        *[pl.when(hidden).then(None).otherwise(pl.col(c)).alias(c) for c in values],
        pl.when(hidden).then(pl.format("undertrykt: {} er undertrykt (se estimates)", names))
        .otherwise(pl.lit("")).alias("note"),
    )
    return frame.select(list(_RECORD_SCHEMA)).cast(_RECORD_SCHEMA)  # type: ignore[arg-type]


_RECORD_SCHEMA = {
    "indicator": pl.String, "comparison": pl.String, "target_a": pl.String, "target_b": pl.String,
    "estimate_a": pl.Float64, "estimate_b": pl.Float64, "difference": pl.Float64, "se": pl.Float64,
    "ci_low": pl.Float64, "ci_high": pl.Float64, "df": pl.Float64, "ratio": pl.Float64,
    "ratio_ci_low": pl.Float64, "ratio_ci_high": pl.Float64, "p_value": pl.Float64,
    "method": pl.String, "note": pl.String,
}


# --------------------------------------------------------------------------- the goal


def goal_verdict(ci_low: float, ci_high: float, factor: float) -> str:
    """«nådd» (the CI lies at or above the factor), «utelukket» (below), else «mulig».

    Examples
    --------
    >>> goal_verdict(2.1, 2.6, 2.0), goal_verdict(1.5, 2.4, 2.0), goal_verdict(1.1, 1.6, 2.0)
    ('nådd', 'mulig', 'utelukket')
    """
    if ci_low >= factor:
        return "nådd"
    if ci_high < factor:
        return "utelukket"
    return "mulig"


def _goal_row(prep: _Prepared, estimates: pl.DataFrame, root: Path,
              manifest: dict[str, Any]) -> dict[str, Any] | None:

    goal = prep.spec.goal
    if goal is None:
        manifest["goal"] = {"status": "no [goal] in the definition"}
        return None
    round_ = int(prep.definition.round)
    info: dict[str, Any] = {"indicator": goal.indicator, "baseline": goal.baseline, "factor": goal.factor,
                            "target": goal.target}
    manifest["goal"] = info
    if goal.baseline == round_:
        info["status"] = "this is the baseline round"
        return None
    base_path = root / "surveys" / str(goal.baseline) / "innovasjon.toml"
    if not base_path.is_file():
        info["status"] = f"baseline definition {base_path.as_posix()} not found: no baseline_ratio row"
        warnings.warn(
            f"{prep.definition.path}: [goal] baseline = {goal.baseline}, but {base_path} does not exist; "
            f"the goal ratio is not computed. Add the baseline round or change `baseline`.",
            EstimationWarning,
            stacklevel=3,
        )
        return None
    from omdomme.definitions import load_definition

    base_prep = _prepare(load_definition(goal.baseline, SURVEY, root), root)
    indicator = base_prep.spec.indicator(goal.indicator)
    if indicator.kind != prep.spec.indicator(goal.indicator).kind:
        raise DefinitionError(
            f"{base_prep.spec.path}: [indicators.{goal.indicator}] is a {indicator.kind}, but a "
            f"{prep.spec.indicator(goal.indicator).kind} in {prep.spec.path}; the goal compares like with "
            f"like: make the kinds agree."
        )
    base_raw = _raw_estimates(base_prep).filter(
        (pl.col("indicator") == goal.indicator) & (pl.col(COUNTY) == goal.target)
    )
    info["baseline_inputs"] = [*base_prep.inputs, file_entry(Path(base_prep.definition.path), root)]
    now = estimates.filter((pl.col("indicator") == goal.indicator) & (pl.col("target") == goal.target)
                           & pl.col("breakdown").is_null()).row(0, named=True)
    ind = prep.spec.indicator(goal.indicator)
    record: dict[str, Any] = {
        "indicator": ind.id, "comparison": "baseline_ratio", "target_a": goal.target, "target_b": goal.target,
        "round_a": round_, "round_b": goal.baseline, "method": METHOD_BASELINE,
    }
    if base_raw.height == 0 or now["estimate"] is None:
        record["note"] = "ikke beregnet: anslaget for runden eller grunnlagsåret mangler eller er undertrykt"
        info["status"] = record["note"]
        return record
    base = base_raw.row(0, named=True)
    # Two rounds are independent samples: Welch–Satterthwaite df, as `omdomme compare`.
    out = independent(
        [now["estimate"]], [now["se"]], [now["df"]], [base["estimate"]], [base["se"]], [base["df"]],
        level=float(prep.definition.reliability.level),
        ratio=indicator.kind in RATIO_KINDS,
    ).row(0, named=True)
    out.update(estimate_a=float(now["estimate"]), estimate_b=float(base["estimate"]))
    record.update(out)
    if out.get("ratio") is not None:
        verdict = goal_verdict(out["ratio_ci_low"], out["ratio_ci_high"], goal.factor)
        record["note"] = verdict
        info.update(ratio=out["ratio"], ratio_ci_low=out["ratio_ci_low"], ratio_ci_high=out["ratio_ci_high"],
                    verdict=verdict, status="computed")
    else:
        record["note"] = "ikke beregnet: andelen er 0 i en av rundene"
        info["status"] = record["note"]
    return record


# --------------------------------------------------------------------------- the entry point


def analyse_innovation(
    definition: Definition,
    *,
    root: str | Path = Path("."),
    progress: Callable[[str], Any] | None = None,
) -> InnovationResult:
    """Estimate every indicator of an innovation round for the five counties and Norway.

    Parameters
    ----------
    definition
        The round's ``innovasjon.toml`` (:func:`omdomme.definitions.load_definition`).
    root
        The project folder holding ``surveys/`` (for the goal's baseline round).
    progress
        Called with a short message as each stage starts (the CLI shows it).

    Returns
    -------
    InnovationResult
        ``estimates`` and ``comparisons`` in the output contract's columns, and the
        ``manifest`` entry.

    Raises
    ------
    DefinitionError
        The innovation sections are wrong or name variables the data lacks.
    DesignError
        A firm with a weight <= 0 or missing, a missing stratum, a stratum whose population
        count is smaller than its sample, a duplicated firm id (the message names them).
    GeographyError
        A firm whose municipality or county code cannot be placed.

    Examples
    --------
    >>> from omdomme.definitions import load_definition
    >>> result = analyse_innovation(load_definition(2018, "innovasjon"))        # doctest: +SKIP
    >>> result.estimates.filter(pl.col("target") == "ostfold")["display"][0]    # doctest: +SKIP
    '61,2 %'
    """
    root = Path(root)

    def say(message: str) -> None:
        if progress is not None:
            progress(message)

    say(f"innovasjon {definition.round}: reading and checking the data")
    prep = _prepare(definition, root)
    say(f"innovasjon {definition.round}: estimating the counties and Norway")
    raw = _raw_estimates(prep)
    estimates = _estimates_table(prep, raw)
    say(f"innovasjon {definition.round}: comparisons and goal")
    comparisons = _comparisons(prep, estimates)
    goal_info: dict[str, Any] = {}
    goal = _goal_row(prep, estimates, root, goal_info)
    if goal is not None:
        comparisons = pl.concat([comparisons, pl.DataFrame([goal], schema={
            **_RECORD_SCHEMA, "round_a": pl.Int64, "round_b": pl.Int64})], how="diagonal_relaxed")
    comparisons = _finish_comparisons(comparisons, prep)
    manifest = {
        "definition": file_entry(Path(definition.path), root),
        "inputs": list(prep.inputs),
        "rows": {
            "read": prep.data.height,
            "used": prep.data.height,
            "excluded": [],
            "in_no_county": list(prep.in_no_county),
            "item_nonresponse": list(prep.excluded),
        },
        "parameters": {
            "design": {k: getattr(definition.design, k) for k in ("id", "weight", "strata", "psu", "fpc",
                                                                   "lonely_psu")},
            "level": float(definition.reliability.level),
            "ci_method": definition.reliability.ci_method,
            "indicators": [i.id for i in prep.spec.indicators],
            "targets": _targets()[0],
            "geography": {"level": prep.spec.firm.level, "code_year": prep.spec.firm.code_year,
                          "borders": prep.spec.firm.borders},
            "disclosure": {**prep.spec.disclosure.describe(),
                           "secondary": "totals: per county (and Norway) × breakdown, none or at least two "
                                        "level cells withheld (two when the county's own cell is)"},
            **({"breakdowns": {b.id: level_entry(b, prep.data, prep.levels[b.id], "firms")
                               for b in prep.spec.breakdowns.values()}} if prep.spec.breakdowns else {}),
            # What the weights (N_h / n_h) cost in precision, as for every round.
            "weight_diagnostics": weight_diagnostics(prep.survey.weights.to_numpy()),
            "comparisons": {"norge": METHOD_NORGE, "county": METHOD_COUNTY, "baseline_ratio": METHOD_BASELINE,
                            "adjust_method": "holm"},
            "goal": goal_info.get("goal", {}),
            "synthetic": bool(definition.synthetic),
        },
    }
    return InnovationResult(estimates=estimates, comparisons=comparisons, manifest=manifest)


def _finish_comparisons(frame: pl.DataFrame, prep: _Prepared) -> pl.DataFrame:
    round_ = int(prep.definition.round)
    meta = _indicator_frame(prep.spec).drop("unit")
    if "round_a" not in frame.columns:
        frame = frame.with_columns(pl.lit(None, pl.Int64).alias("round_a"), pl.lit(None, pl.Int64).alias("round_b"))
    frame = frame.with_columns(
        pl.lit(SURVEY).alias("survey"),
        pl.lit(DOMAIN).alias("domain"),
        pl.col("round_a").fill_null(round_).cast(pl.Int64),
        pl.col("round_b").fill_null(round_).cast(pl.Int64),
    )
    frame = adjust_families(frame.with_row_index("_k"), level=float(prep.definition.reliability.level))
    return (
        frame.join(meta, on="indicator", how="left")
        .sort("_order", "_k")
        .select(
            "survey", "indicator", "label", "kind", "better", "domain",
            "comparison", "target_a", "target_b", "round_a", "round_b",
            "estimate_a", "estimate_b", "difference", "se", "ci_low", "ci_high", "df",
            "ratio", "ratio_ci_low", "ratio_ci_high", "p_value", "p_adjusted", "adjust_method",
            "family", "method", "significant",
            pl.col("note").fill_null(""),
            pl.lit(DOMAIN).alias("domain_b"),
        )
    )
