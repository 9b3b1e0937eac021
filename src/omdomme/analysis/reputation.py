"""The reputation analysis of a round: every indicator × domain × rated county, compared and ranked.

Flow: definition → read → harmonise (long: respondent × rated county) → design (respondent
or the design's PSU as cluster; optional raking to SSB margins) → one vectorised proportion
call for all indicator × domain columns by rated county, with the covariance → reliability
→ paired county comparisons, ranks → change since the previous round (that round is
estimated afresh in memory from its own definition and data, so both sides always come from
the same code) → innovation survey when the round has one.

Domains are subsets of the design: an indicator column is null outside the domain (and outside
its base), so every respondent keeps its cluster in the variance (R's ``subset``/``svyby``); its
degrees of freedom are the domain's own: respondents (PSUs) in the domain and base minus strata.

Example
-------
>>> result = analyse_round(2018, root=".")
>>> ostfold = result.estimates.filter((pl.col("target") == "ostfold") & (pl.col("indicator") == "vet_ikke"))
>>> shown = ostfold.filter(pl.col("domain").is_in(["alle", "innenfra", "utenfra"]))
>>> dict(shown.select("domain", pl.col("estimate").round(3)).iter_rows())
{'alle': 0.294, 'innenfra': 0.07, 'utenfra': 0.33}
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
import polars as pl

from omdomme._meta import SCHEMA_VERSION, __version__
from omdomme.analysis.associations import ASSOCIATION_PREFIX, frame_indicators, group_hit
from omdomme.analysis.breakdowns import breakdown_crossings, breakdown_levels, level_counts
from omdomme.analysis.coding import apply_coding, coding_inputs
from omdomme.analysis.counties import county_comparisons, hide_suppressed, round_comparisons
from omdomme.analysis.pairs import comparison_rows, county_pairs, domain_pairs, letter_column
from omdomme.analysis.ranks import joint_families, rank_table
from omdomme.analysis.reliability import apply_reliability, apply_score_reliability
from omdomme.analysis.scales import own_crossings, table_cells
from omdomme.definitions import (
    CodeGroup,
    Definition,
    Indicator,
    find_definitions,
    load_definition,
    previous_round,
)
from omdomme.definitions.harmonise import Harmonised, harmonise, input_provenance
from omdomme.errors import AnalysisError, InputError
from omdomme.estimate.weighting import weight_diagnostics
from omdomme.labels import TARGET_LABELS, builtin_en
from omdomme.results.manifest import file_entry
from omdomme.results.manifest import manifest as results_manifest
from omdomme.results.read import read_manifest, read_table
from omdomme.results.schema import (
    COMPARISON_COLUMNS,
    COMPARISON_SCHEMA,
    ESTIMATE_COLUMNS,
    ESTIMATE_SCHEMA,
    LABEL_EN_COLUMNS,
    RANK_SCHEMA,
    TABLE_COLUMNS,
)

if TYPE_CHECKING:
    from omdomme.io import Metadata

Progress = Callable[[str], None]

#: How ``display`` shows each kind of reputation estimate (the ``unit`` column): shares and scale
#: shares as percent, mean scores as numbers, net scores as percentage points.
KIND_UNITS = {"share": "percent", "scale": "percent", "mean": "number", "net": "points"}
_SEP = "__"  # indicator__domain column names in the long frame


@dataclass(frozen=True)
class RoundEstimates:
    """One survey round estimated in memory: estimates, the covariances behind them, the design df."""

    definition: Definition
    estimates: pl.DataFrame
    vcov: dict[tuple[str, str], tuple[list[str], np.ndarray]]
    degf: float
    harmonised: Harmonised
    parameters: dict[str, Any]
    #: The covariance of every estimate of one estimator call: ``(keys, V)`` with ``keys`` the
    #: estimates' ``indicator, domain, target, category, estimate, df`` in the rows of ``V``
    #: (the definition's own cells and the association frame's; the breakdown cells), for all pairs and domain contrasts.
    joint: tuple[tuple[pl.DataFrame, np.ndarray], ...] = ()


@dataclass(frozen=True)
class AnalysisResult:
    """Everything ``omdomme analyse <round>`` writes: the three tables and the manifest."""

    round: int
    estimates: pl.DataFrame
    comparisons: pl.DataFrame
    ranks: pl.DataFrame
    manifest: dict[str, Any]
    definitions: tuple[Definition, ...] = field(default=())


def _say(progress: Progress | None, message: str) -> None:
    if progress is not None:
        progress(message)


def indicator_expr(indicator: Indicator, definition: Definition) -> pl.Expr:
    """The 0/1 value of an indicator per long row (null where the respondent is not in the base).

    ``base = "all"``: everyone who answered (vet ikke counts as «not»); ``base = "valid"``:
    those with an opinion. Unanswered rows are null: they leave the estimate as a domain.
    """
    q = definition.questions[indicator.question]
    vet_ikke = pl.col(f"{q.name}__vet_ikke")
    answered = vet_ikke.is_not_null()
    if indicator.count == "vet_ikke":
        hit = vet_ikke
    elif isinstance(indicator.count, CodeGroup):
        hit = group_hit(indicator.count, q)
    elif q.is_coded:
        cats = list(indicator.count)
        hit = pl.col(q.name).list.eval(pl.element().is_in(cats)).list.any().fill_null(False)
    else:
        hit = pl.col(q.name).is_in(list(indicator.count)).fill_null(False)
    in_base = answered & ~vet_ikke if indicator.base == "valid" else answered
    return pl.when(in_base).then(hit.cast(pl.Float64))


def domain_expr(definition: Definition, domain: str) -> pl.Expr:
    """True where a long row (respondent × rated county) belongs to the domain."""
    d = definition.domains[domain]
    mask = pl.lit(True)
    if d.residents == "target":
        mask = mask & (pl.col("residence") == pl.col("target"))
    elif d.residents == "other":
        mask = mask & (pl.col("residence") != pl.col("target"))
    if d.age is not None:
        # age_low/age_high: the respondent's years, or the range of a declared age band (which
        # the definition checks nests in the domain's ages).
        mask = mask & ((pl.col("age_low") >= d.age[0]) & (pl.col("age_high") <= d.age[1])).fill_null(False)
    return mask


def _survey(definition: Definition, long: pl.DataFrame) -> Any:
    from omdomme.estimate.survey import Survey

    design = definition.design
    return Survey(
        long,
        weights="weight",
        strata="strata" if design.strata else None,
        psu="psu",
        fpc="fpc" if design.fpc else None,
        lonely_psu=design.lonely_psu,
    )


def _rake(definition: Definition, survey: Any, long: pl.DataFrame, progress: Progress | None) -> tuple[Any, dict[str, Any]]:
    """Rake the long design to SSB margins (county × sex × age group), as ``[weighting]`` asks.

    Each respondent has one row per rated county with the same background, so the margins
    are multiplied by the number of rated counties: the calibrated weight of every row is the
    respondent's own, and the calibration residuals summed per respondent equal the wide
    design's (the regression on identical rows scales by the same factor).
    """
    from omdomme.analysis.weighting import weight_to_population
    from omdomme.population import age_group_labels, population_notes

    spec = definition.weighting
    assert spec is not None
    _say(progress, f"omdomme: weighting to SSB population {spec.population_year} ({spec.method})")
    raked, _ = weight_to_population(survey, spec, copies=len(definition.targets))
    notes = tuple(population_notes(spec.population_year))
    labels = age_group_labels(spec.age_groups)
    diagnostics: dict[str, Any] = {}
    diag = getattr(raked, "weighting", None)
    if diag is not None:
        # Per respondent: the long rows repeat each respondent, which leaves these unchanged.
        for key in ("algorithm", "iterations", "converged", "max_discrepancy", "deff", "efficiency",
                    "g_min", "g_max", "weight_min", "weight_max"):
            value: Any = getattr(diag, key, None)
            diagnostics[key] = value.item() if hasattr(value, "item") else value
    return raked, {"method": spec.method, "population_year": spec.population_year,
                   "margins": [list(m) if isinstance(m, tuple) else m for m in spec.margins],
                   "age_groups": dict(zip(labels, [list(g) for g in spec.age_groups], strict=True)),
                   "bounds": list(spec.bounds) if spec.bounds else None,
                   "notes": list(notes), "diagnostics": diagnostics}


def _weighting_columns(definition: Definition) -> list[pl.Expr]:
    """``age_group`` labels for raking (``county`` in 2024 borders and ``sex`` come from harmonise)."""
    from omdomme.analysis.weighting import age_group_expr

    spec = definition.weighting
    assert spec is not None
    return [age_group_expr(spec.age_groups, column="age_low")]


def estimate_reputation(definition: Definition, data: pl.DataFrame, meta: Metadata | None = None, *,
                        progress: Progress | None = None, vcov: bool = True,
                        compared_only: bool = False) -> RoundEstimates:
    """Estimate every indicator × domain × rated county of a reputation round, in memory.

    Parameters
    ----------
    definition
        The round's ``omdomme`` definition.
    data, meta
        The raw file as ``omdomme.read`` returns it (the coverage study passes simulated samples).
    progress
        Called with a short message before each step that may take time.
    vcov
        False: the estimates and their standard errors only (the same numbers), without the
        joint covariances (``vcov`` and ``joint`` empty) that comparisons and ranks within the
        round need; enough for the previous round of a change between independent samples.
    compared_only
        True: only the cells a change between rounds compares (the definition's indicators in
        their domains and breakdown levels, mean and net scores), not the association frame
        (``assos_*``) nor the codes of a whole scale. The same numbers for those cells.

    Returns
    -------
    RoundEstimates
        ``estimates`` in the output contract and ``vcov[(indicator, domain)] = (targets, V)``.

    Examples
    --------
    >>> d = load_definition(2018)
    >>> r = estimate_reputation(d, *d.read())
    """
    _say(progress, f"omdomme: harmonising {definition.data_path.name} ({data.height} respondents)")
    h = harmonise(definition, data, meta)
    # The analyst's coding of the free text (surveys/<round>/koding.csv) where present.
    long, coding = apply_coding(definition, h.long)
    columns: list[str] = []
    cells: dict[str, tuple[str, str]] = {}
    exprs: list[pl.Expr] = []
    # The definition's share indicators, then the association frame (assos_<category>, assos_vet_ikke),
    # all in one estimator call: the frame's joint covariance comes with it.
    shares = [ind for ind in definition.indicators if ind.kind == "share"]
    values = {ind.id: indicator_expr(ind, definition) for ind in shares}
    own = (*shares, *(() if compared_only else frame_indicators(definition)))
    for ind in own:
        value = values[ind.id] if ind.id in values else indicator_expr(ind, definition)
        for dom in ind.domains:
            name = f"{ind.id}{_SEP}{dom}"
            columns.append(name)
            cells[name] = (ind.id, dom)
            exprs.append(pl.when(domain_expr(definition, dom)).then(value).alias(name))
    # The analyst's tables: breakdown levels and the whole-scale, mean and net cells, estimated
    # in calls of their own so that the definition's own share cells come out exactly as without them.
    levels = breakdown_levels(definition, long, meta)
    masks = {d: domain_expr(definition, d) for d in definition.domains}
    order = {ind.id: i for i, ind in enumerate(definition.indicators)}
    crossings = sorted(own_crossings(definition, masks) + breakdown_crossings(definition, levels, masks),
                       key=lambda c: order[c.indicator])  # stable: own domains before breakdown levels
    if compared_only:
        kinds = {ind.id: ind.kind for ind in definition.indicators}
        crossings = [c for c in crossings if kinds[c.indicator] != "scale"]
    extra, extra_exprs = table_cells(definition, crossings, values, meta)
    long = long.with_columns(exprs + extra_exprs)
    if definition.weighting is not None:
        long = long.with_columns(_weighting_columns(definition))
    survey = _survey(definition, long)
    parameters: dict[str, Any] = {
        "ci_method": definition.reliability.ci_method,
        "level": definition.reliability.level,
        "min_n": definition.reliability.min_n,
        "psu": definition.design.psu or f"{definition.design.id} (respondent as cluster)",
        "weight": definition.design.weight,
        # County borders of `residence` (innenfra/utenfra/unge): 2024 or "round" (code_year's).
        "borders": definition.respondent.borders if definition.respondent else 2024,
        "coding": coding or {"rule": "the vendor's coding (no koding.csv)"},
    }
    # What the weight as delivered costs in precision: Kish's deff, efficiency, effective n and range,
    # per respondent (each has one long row per rated county); after [weighting] the same for the
    # raked weights, in parameters.weighting.diagnostics.
    first = (long.get_column("target") == h.targets[0]).to_numpy()
    parameters["weight_diagnostics"] = weight_diagnostics(long.get_column("weight").to_numpy()[first])
    if definition.weighting is not None:
        survey, parameters["weighting"] = _rake(definition, survey, long, progress)
        parameters["weighting"]["diagnostics"].update(weight_diagnostics(survey.weights.to_numpy()[first]))
    _say(progress, f"omdomme: estimating {len(columns)} indicator × domain columns for {len(h.targets)} counties")
    # df_rows="valid": each indicator × domain × target has the df of its own respondents (those
    # in the domain and the base: PSUs minus strata), as R's svyby(~I(...), ~target,
    # subset(design, in_domain & in_base), svyciprop) — not the whole target group's.
    frame, v = _estimated(survey.proportion, vcov, columns, by=["target"], method=definition.reliability.ci_method,
                          level=definition.reliability.level, df_rows="valid")
    frame = frame.with_row_index("_pos")
    degf = float(survey.degf)

    # Covariance blocks per indicator × domain, in the definition's target order.
    positions = {(r["variable"], r["target"]): r["_pos"] for r in frame.select("variable", "target", "_pos").iter_rows(named=True)}
    blocks: dict[tuple[str, str], tuple[list[str], np.ndarray]] = {}
    for name in columns:
        if v is None:
            break
        targets = [t for t in h.targets if (name, t) in positions]
        idx = [positions[(name, t)] for t in targets]
        blocks[cells[name]] = (targets, v[np.ix_(idx, idx)])

    # The frame's rows name their multiple-response set (the question), so that a reader of the
    # estimates can tell them without the assos_ prefix.
    frame_ids = {ind.id for ind in frame_indicators(definition)}
    meta_rows = [
        {"variable": f"{ind.id}{_SEP}{dom}", "indicator": ind.id, "domain": dom,
         "domain_label": definition.domains[dom].label,
         "domain_label_en": definition.domains[dom].label_en or builtin_en(definition.domains[dom].label),
         "set": ind.question if ind.id in frame_ids else None}
        for ind, dom in ((ind, dom) for ind in own for dom in ind.domains)
    ]
    estimates, keys = _split_keys(_finish(frame, meta_rows, definition, h.targets))
    estimates = estimates.drop("_order", "_torder")
    joint = [(keys, v)] if v is not None else []
    parts = [estimates]
    rel = definition.reliability
    for estimator in ("proportion", "mean"):
        group = [(i, c) for i, c in enumerate(extra) if c.estimator == estimator]
        if not group:
            continue
        _say(progress, f"omdomme: estimating {len(group)} table columns ({estimator}) for {len(h.targets)} counties")
        columns_ = [c.column for _, c in group]
        if estimator == "proportion":
            more, v_more = _estimated(survey.proportion, vcov, columns_, by=["target"], method=rel.ci_method,
                                      level=rel.level, df_rows="valid")
        else:
            more, v_more = _estimated(survey.mean, vcov, columns_, by=["target"], level=rel.level, df_rows="valid")
        rows = [{"variable": c.column, "indicator": c.indicator, "label": c.label, "label_en": c.label_en,
                 "domain": c.domain, "domain_label": c.domain_label, "domain_label_en": c.domain_label_en, "breakdown": c.breakdown, "breakdown_level": c.breakdown_level,
                 "category": c.category, "_order": i} for i, c in group]
        finished, keys = _split_keys(_finish(more.with_row_index("_pos"), rows, definition, h.targets))
        if v_more is not None:
            joint.append((keys, v_more))
        parts.append(finished)
    if len(parts) > 1:
        # Breakdown and table rows after the definition's own, in indicator order (as the crossings).
        extra_rows = pl.concat(parts[1:], how="vertical").sort("_order", "_torder", maintain_order=True)
        estimates = pl.concat([estimates, extra_rows.drop("_order", "_torder")], how="vertical")
    if definition.breakdowns:
        parameters["breakdowns"] = level_counts(definition, long, levels)
    return RoundEstimates(definition=definition, estimates=estimates, vcov=blocks, degf=degf,
                          harmonised=h, parameters=parameters, joint=tuple(joint))


def _estimated(call: Any, vcov: bool, *args: Any, **kwargs: Any) -> tuple[pl.DataFrame, np.ndarray | None]:
    """An estimator call's frame and covariance matrix; without ``vcov``, its frame and None."""
    if not vcov:
        return call(*args, **kwargs), None
    frame, v = call(*args, vcov=True, **kwargs)
    return frame, np.asarray(v, dtype=float)


def _finish(frame: pl.DataFrame, rows: list[dict[str, Any]], definition: Definition,
            targets: tuple[str, ...]) -> pl.DataFrame:
    """From a ``Survey.proportion`` frame (column ``variable``) to the estimates contract.

    ``rows`` names each variable's ``indicator``, ``domain``, ``domain_label`` (and, for
    breakdown rows, ``breakdown``, ``breakdown_level``, ``category``); the row order is that of
    ``rows``, then the targets'.
    """
    indicators = {ind.id: ind for ind in (*definition.indicators, *frame_indicators(definition))}
    meta = pl.DataFrame(
        [{**{k: None for k in TABLE_COLUMNS}, "label": indicators[r["indicator"]].label,
          "label_en": indicators[r["indicator"]].label_en, "_order": i, **r,
          "kind": indicators[r["indicator"]].kind, "unit": KIND_UNITS[indicators[r["indicator"]].kind],
          "base": indicators[r["indicator"]].base,
          "better": indicators[r["indicator"]].better} for i, r in enumerate(rows)],
        schema_overrides={c: pl.String for c in (*TABLE_COLUMNS, *LABEL_EN_COLUMNS)},
    )
    target_order = {t: i for i, t in enumerate(targets)}
    estimates = (
        frame.join(meta, on="variable", how="left")
        .with_columns(
            survey=pl.lit(definition.kind),
            round=pl.lit(definition.round, pl.Int64),
            target_label=pl.col("target").replace_strict(TARGET_LABELS, default=pl.col("target")),
            ci_method=pl.col("method"),
            _torder=pl.col("target").replace_strict(target_order, default=99),
        )
        .sort("_order", "_torder")
    )
    kinds = set(meta["kind"].to_list())
    if kinds <= {"share", "scale"}:
        estimates = apply_reliability(estimates, min_n=definition.reliability.min_n)
    else:
        estimates = apply_score_reliability(estimates, min_n=definition.reliability.min_n)
    keep = [c for c in ("_pos", "_order", "_torder") if c in estimates.columns]
    estimates = estimates.select(*[pl.col(c).cast(ESTIMATE_SCHEMA[c]) for c in ESTIMATE_COLUMNS], *keep)
    # An empty domain has no estimate: null (an empty CSV field), not NaN.
    return estimates.with_columns(pl.col(pl.Float64).fill_nan(None))


def table_comparisons(current: RoundEstimates) -> pl.DataFrame:
    """All pairs of counties and domain-against-domain differences of a round, from its joint covariances.

    Pairs: every indicator × domain (shares, mean and net scores; not the codes of a whole
    scale, nor the association frame's ``assos_*`` cells). Domains: each pair of a breakdown's levels, and the rated county's residents against
    everyone else (a ``residents = "target"`` domain against a ``residents = "other"`` one, both
    without an age band). Rows of the ``comparisons`` contract (``comparison`` ``pair`` /
    ``domain``; :mod:`omdomme.analysis.pairs`).
    """
    definition = current.definition
    est = current.estimates
    level = definition.reliability.level
    order = {b: est.filter(pl.col("breakdown") == b)["breakdown_level"].unique(maintain_order=True).to_list()
             for b in definition.breakdowns}
    domains = definition.domains.values()
    residents = [(a.id, b.id) for a in domains for b in domains
                 if a.residents == "target" and b.residents == "other" and a.age is None and b.age is None]
    # The association frame (assos_*) is a descriptive profile: no pairs, no letters (as it has no
    # county comparisons or ranks); its rows stay in the covariance, only their keys are left out.
    joint = tuple((keys.filter(~pl.col("indicator").str.starts_with(ASSOCIATION_PREFIX)), v)
                  for keys, v in current.joint)
    pairs = county_pairs(joint, current.harmonised.targets, degf=current.degf, level=level)
    across = domain_pairs(joint, order, residents, degf=current.degf, level=level)
    return comparison_rows(pairs, across, est, schema=COMPARISON_SCHEMA, columns=COMPARISON_COLUMNS, level=level)


def _split_keys(finished: pl.DataFrame) -> tuple[pl.DataFrame, pl.DataFrame]:
    """The estimates without ``_pos``, and the keys of the covariance's rows (``_pos`` = row of ``V``)."""
    keys = finished.select("_pos", "indicator", "kind", "better", "domain", "breakdown", "breakdown_level",
                           "category", "target", "estimate", "df", "flag")
    return finished.drop("_pos"), keys


def series_breaks(current: Definition, previous: Definition, root: Path) -> dict[tuple[str, str], str]:
    """``(indicator, domain) -> note`` where the two rounds' definitions break the series.

    The rules are those of ``omdomme compare`` (:func:`omdomme.analysis.rounds.series_breaks`): a
    changed scale, wording, count codes, base or domain rule (including ``borders``).
    """
    from omdomme.definitions.series import series_breaks as definition_breaks

    table = definition_breaks(previous.round, current.round, root, surveys=("omdomme",))
    return {
        (r["indicator"], r["domain"]): f"series break: {r['break_reason']}"
        for r in table.filter(~pl.col("comparable")).iter_rows(named=True)
    }


def analyse_round(round: int, *, root: str | Path = Path("."), progress: Progress | None = None,
                  jobs: int = 1, worker: Any = None) -> AnalysisResult:
    """Analyse a round: estimates, comparisons, ranks and the manifest, in memory.

    Parameters
    ----------
    round
        The round (year); ``<root>/surveys/<round>/omdomme.toml`` must exist (and/or
        ``innovasjon.toml``, analysed by :mod:`omdomme.analysis.innovation`).
    root
        The project folder.
    progress
        Called with short messages (the CLI prints them on stderr).
    jobs
        2: the previous reputation round's estimates and the innovation survey are computed in
        a second process while the reputation survey runs (:mod:`omdomme.analysis._worker`;
        the same numbers); 1: all in this process.
    worker
        A child already started for this round and root (``omdomme analyse`` starts it before
        it imports the libraries, so that the child's imports overlap the parent's); its
        starter closes it. Overrides ``jobs``.

    Returns
    -------
    AnalysisResult
        Write it with :func:`omdomme.results.write.write_analysis`.

    Raises
    ------
    UsageError, DefinitionError, ReadError, GeographyError, DesignError
        Bad input (exit 2).

    Examples
    --------
    >>> r = analyse_round(2018)
    >>> sorted(r.estimates["survey"].unique()), sorted(r.comparisons["comparison"].unique())[:2]
    (['innovasjon', 'omdomme'], ['baseline_ratio', 'county'])
    """

    root = Path(root)
    definitions = find_definitions(round, root)
    if worker is not None:
        return _analyse_round(round, root, definitions, progress, worker)
    own = _start_worker(round, root) if jobs >= 2 else None
    try:
        return _analyse_round(round, root, definitions, progress, own)
    finally:
        if own is not None:
            own.close()


def _analyse_round(round: int, root: Path, definitions: list[Definition], progress: Progress | None,
                   worker: Any) -> AnalysisResult:
    estimates: list[pl.DataFrame] = []
    comparisons: list[pl.DataFrame] = []
    ranks: list[pl.DataFrame] = []
    surveys: dict[str, Any] = {}
    seed = None
    for definition in definitions:
        if definition.kind != "omdomme":
            continue
        data, meta = _read_checked(definition, progress)
        current = estimate_reputation(definition, data, meta, progress=progress)
        level = definition.reliability.level
        # The association frame (assos_*) is descriptive: the definition's indicators, derived
        # ones over groups of codes included, are the ones compared and ranked.
        compared = current.estimates.filter(~pl.col("indicator").str.starts_with(ASSOCIATION_PREFIX))
        compared_vcov = {k: v for k, v in current.vcov.items() if not k[0].startswith(ASSOCIATION_PREFIX)}
        # The output contract withholds a comparison with a suppressed side (it would reveal it);
        # the statistics themselves (coverage studies) use county_comparisons as it is.
        comparisons.append(hide_suppressed(
            county_comparisons(compared, compared_vcov, df=current.degf, level=level), compared))
        # A difference to a suppressed figure would reveal it: withheld, as in the county comparisons.
        tables = hide_suppressed(table_comparisons(current), current.estimates)
        comparisons.append(tables)
        estimates.append(letter_column(current.estimates, tables))
        _say(progress, f"omdomme: rank probabilities ({definition.ranks.draws} draws)")
        # Shares, mean and net scores, in the definition's domains and within each breakdown level
        # (the counties of that level), from the covariance of the call that estimated them.
        ranks.append(rank_table(compared, joint_families(compared, current.joint, current.harmonised.targets),
                                draws=definition.ranks.draws, seed=definition.ranks.seed))
        seed = definition.ranks.seed
        # The vendor's file as delivered (path, size, sha256, what its header says), and the
        # analyst's coding (koding.csv) when there is one.
        inputs = [file_entry(definition.data_path, root) | input_provenance(meta), *coding_inputs(definition, root)]
        prev = previous_round(definition, root)
        prev_info: dict[str, Any] | None = None
        if prev is not None and not (root / "surveys" / str(prev) / "omdomme.toml").is_file():
            import warnings

            from omdomme.errors import OmdommeWarning

            warnings.warn(
                f"{definition.path}: previous = {prev}, but {root / 'surveys' / str(prev) / 'omdomme.toml'} "
                f"does not exist; no change since {prev} is computed. Add that round or change `previous`.",
                OmdommeWarning, stacklevel=2,
            )
        elif prev is not None:
            before_def = load_definition(prev, "omdomme", root)
            done = worker.result("previous", progress) if worker is not None else None
            before_estimates, prev_info = done if done is not None else _previous_estimates(before_def, root, progress)
            # The change since then: the definition's own cells, breakdown levels, mean and net
            # scores (not the codes of a whole scale), with the series-break rules of `compare`.
            across = compared.filter(pl.col("category").is_null())
            across_before = before_estimates.filter(~pl.col("indicator").str.starts_with(ASSOCIATION_PREFIX)
                                                    & pl.col("category").is_null())
            comparisons.append(hide_suppressed(
                round_comparisons(across, across_before, level=level,
                                  breaks=series_breaks(definition, before_def, root)),
                across, across_before))
        surveys["omdomme"] = {
            "definition": file_entry(definition.path, root),
            "inputs": inputs,
            "rows": current.harmonised.rows.as_dict(),
            "recodings": list(current.harmonised.recodings),
            "parameters": {**current.parameters, "design_df": current.degf,
                           "ranks": {"draws": definition.ranks.draws, "seed": definition.ranks.seed},
                           "previous": prev_info, "synthetic": definition.synthetic},
        }

    innovation = None
    in_child = worker is not None and "innovation" in worker.tasks
    if in_child:
        _say(progress, f"innovasjon: round {round}")
        innovation = worker.result("innovation", progress)
    if innovation is None:  # no child, or it failed: here, so that an error reads as it always does
        innovation = _innovation(round, root, definitions, progress, announce=not in_child)
    if innovation is not None:
        estimates.append(_conform(innovation.estimates, ESTIMATE_COLUMNS, ESTIMATE_SCHEMA, "estimates"))
        comparisons.append(_conform(innovation.comparisons, COMPARISON_COLUMNS, None, "comparisons"))
        surveys["innovasjon"] = innovation.manifest
    if not estimates:
        raise AnalysisError(f"round {round}: nothing to analyse under {root / 'surveys' / str(round)}.")

    manifest = results_manifest("analyse", round=int(round), surveys=surveys, seed=seed)
    return AnalysisResult(
        round=int(round),
        estimates=pl.concat(estimates, how="vertical_relaxed"),
        comparisons=pl.concat([c.cast(COMPARISON_SCHEMA) for c in comparisons], how="vertical_relaxed"),  # type: ignore[arg-type]
        ranks=pl.concat(ranks, how="vertical_relaxed") if ranks else pl.DataFrame(schema=RANK_SCHEMA),
        manifest=manifest,
        definitions=tuple(definitions),
    )


def _previous_estimates(definition: Definition, root: Path, progress: Progress | None) -> tuple[pl.DataFrame, dict[str, Any]]:
    """The previous round's estimates: from ``analyses/<prev>/`` when that is provably current, else afresh.

    The stored ``estimates.parquet`` is reused only when its manifest was written by this
    omdomme version from byte-identical inputs (definition, data and ``koding.csv`` sha256,
    the last only where the round has one); otherwise the
    round is estimated again in memory from its own definition and data. Either way both
    sides of the change come from the same code and the same files.
    """
    definition_entry = file_entry(definition.path, root)
    data_entry = file_entry(definition.data_path, root)
    # The analyst's coding changes the association estimates as the data do.
    inputs = [data_entry, *coding_inputs(definition, root)]
    # One fixed description (not which path was taken) so that the manifest does not depend on
    # whether the previous round happened to be analysed: the numbers are the same either way.
    info: dict[str, Any] = {
        "round": definition.round, "definition": definition_entry, "inputs": inputs,
        "how": f"analyses/{definition.round}/estimates.parquet when written by this omdomme version from "
               f"these inputs (sha256), else estimated afresh from them",
    }
    folder = root / "analyses" / str(definition.round)
    try:
        manifest = read_manifest(folder, required=True)
        stored = manifest["surveys"]["omdomme"]
        current = (manifest.get("omdomme_version") == __version__
                   and manifest.get("schema_version") == SCHEMA_VERSION
                   and stored["definition"]["sha256"] == definition_entry["sha256"]
                   and [i["sha256"] for i in stored["inputs"]] == [i["sha256"] for i in inputs])
        # A damaged stored table is no reason to stop: the round is estimated afresh below.
        estimates = read_table(folder, "estimates", manifest) if current else None
    except (InputError, KeyError, TypeError):
        estimates = None
    if estimates is not None:
        estimates = estimates.filter(pl.col("survey") == "omdomme")
        if set(ESTIMATE_COLUMNS) <= set(estimates.columns):
            return estimates, info
    _say(progress, f"omdomme: estimating {definition.round} for the change since then")
    data, meta = _read_checked(definition, None)
    # A change between two independent samples needs each side's standard errors, not its covariances.
    return estimate_reputation(definition, data, meta, vcov=False, compared_only=True).estimates, info


def _read_checked(definition: Definition, progress: Progress | None) -> tuple[pl.DataFrame, Metadata]:
    """Read a round's data and refuse it, listing every problem, when it disagrees with the definition."""
    from omdomme.analysis.validate import check_data
    from omdomme.errors import DefinitionError

    _say(progress, f"omdomme: reading and checking {definition.data_path.name}")
    data, meta = definition.read()
    problems = check_data(definition, data, meta)
    if problems:
        listing = "\n".join(f"  - {p}" for p in problems)
        raise DefinitionError(
            f"{definition.path} does not match {definition.data_path.name} ({len(problems)} problem(s)):\n"
            f"{listing}\nFix them (`omdomme validate {definition.round}` lists the same) and run again."
        )
    return data, meta


def _innovation_definition(definitions: list[Definition]) -> Definition | None:
    """The round's innovation definition, when it has one and the innovation analysis is installed."""
    import importlib.util

    definition = next((d for d in definitions if d.kind == "innovasjon"), None)
    if definition is None or importlib.util.find_spec("omdomme.analysis.innovation") is None:
        return None
    return definition


def _start_worker(round: int, root: Path) -> Any:
    """A child process for the parts that need nothing of this round's reputation estimates (else None)."""
    from omdomme.analysis._worker import Worker, planned_tasks

    return Worker.start(round, root, planned_tasks(round, root))


def _innovation(round: int, root: Path, definitions: list[Definition], progress: Progress | None,
                announce: bool = True) -> Any:
    definition = _innovation_definition(definitions)
    if definition is None:
        return None
    from omdomme.analysis.innovation import analyse_innovation

    if announce:
        _say(progress, f"innovasjon: round {round}")
    return analyse_innovation(definition, root=root, progress=progress)


def _conform(frame: pl.DataFrame, columns: list[str], schema: dict[str, Any] | None, what: str) -> pl.DataFrame:
    if what == "estimates":
        # The reputation tables' own columns (breakdown, category): empty for the other surveys.
        frame = frame.with_columns(pl.lit(None, pl.String).alias(c) for c in (*TABLE_COLUMNS, *LABEL_EN_COLUMNS)
                                   if c not in frame.columns)
    elif "domain_b" not in frame.columns:
        frame = frame.with_columns(domain_b=pl.col("domain"))
    missing = [c for c in columns if c not in frame.columns]
    if missing:
        raise AnalysisError(
            f"the innovation analysis returned {what} without the columns {missing}; "
            f"it must follow docs/architecture.md §5."
        )
    out = frame.select(columns)
    return out.cast(schema) if schema else out  # type: ignore[arg-type]
