"""Comparing survey rounds: change between two analysed rounds, with series breaks.

Works only from what ``omdomme analyse`` wrote (``analyses/<round>/estimates.parquet``,
``comparisons.parquet``, ``manifest.json``) plus the round definitions
(``surveys/<round>/<survey>.toml``) for series breaks; nothing is re-estimated. The trend
across every analysed round lives in :mod:`omdomme._trend`.

Statistics (see ``docs/rounds.md``):

- two rounds are independent samples, so the change ``b - a`` has
  ``se = sqrt(se_a**2 + se_b**2)``;
- its interval and p-value use Student's t with Satterthwaite's degrees of freedom
  ``(se_a**2 + se_b**2)**2 / (se_a**4 / df_a + se_b**4 / df_b)`` (normal when no df is given);
- for shares, totals and ratios the ratio ``b / a`` gets a log-scale (delta method) interval;
- Holm's adjustment runs across the family ``round:<a>-<b>:<survey>:<domain>`` (every
  indicator and county of one survey and domain); rows that break the series are kept out of
  the family (``p_adjusted`` null, ``significant`` false).
"""

from __future__ import annotations

import hashlib
import json
import math
import os
import shutil
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import polars as pl

from omdomme._compare import holm_adjust as holm
from omdomme._definition import available_rounds
from omdomme.errors import AnalysisError, InputError, UsageError

#: Columns a round's ``estimates`` table must carry for rounds to be compared.
ESTIMATE_COLUMNS = (
    "survey",
    "round",
    "indicator",
    "label",
    "kind",
    "better",
    "target",
    "domain",
    "estimate",
    "se",
    "df",
    "level",
    "flag",
)

#: Columns of ``analyses/compare-<a>-<b>/comparisons``, in order: the ``comparisons``
#: contract of docs/architecture.md plus ``comparable`` and ``break_reason``.
COMPARISON_COLUMNS = (
    "survey",
    "indicator",
    "label",
    "kind",
    "better",
    "domain",
    "comparison",
    "target_a",
    "target_b",
    "round_a",
    "round_b",
    "estimate_a",
    "estimate_b",
    "difference",
    "se",
    "ci_low",
    "ci_high",
    "df",
    "ratio",
    "ratio_ci_low",
    "ratio_ci_high",
    "p_value",
    "p_adjusted",
    "adjust_method",
    "family",
    "method",
    "significant",
    "comparable",
    "break_reason",
    "note",
)

SURVEYS = ("omdomme", "innovasjon")
_KEYS = ["survey", "indicator", "target", "domain"]
# Kinds whose values are positive quantities with a true zero: a ratio between rounds means
# something. Means of rating scales have an arbitrary origin, so no ratio for them.
_RATIO_KINDS = ("share", "total", "ratio")


@dataclass(frozen=True)
class RoundComparison:
    """The change of every indicator × county × domain between two analysed rounds.

    Attributes
    ----------
    round_a, round_b : int
        The rounds as asked: ``compare_rounds(2016, 2018)`` has ``round_a=2016``,
        ``round_b=2018`` and measures the change 2016 → 2018.
    table : polars.DataFrame
        One row per survey × indicator × county × domain present in both rounds, columns
        :data:`COMPARISON_COLUMNS`, in the contract's orientation (as ``omdomme analyse``
        writes its round rows): the table's ``round_a`` is the later round asked for (2018),
        its ``round_b`` the reference (2016), ``difference = estimate_a - estimate_b`` is the
        change, ``ratio = estimate_a / estimate_b``.
    path : pathlib.Path or None
        The folder written (``analyses/compare-<a>-<b>/``), or None when not written.
    only_in_a, only_in_b : int
        Estimates present in one round only (not compared).
    manifest : dict
        What was read and how, as written to ``manifest.json``.
    """

    round_a: int
    round_b: int
    table: pl.DataFrame
    path: Path | None
    only_in_a: int = 0
    only_in_b: int = 0
    manifest: Mapping[str, Any] = field(default_factory=dict)


# --------------------------------------------------------------------------------------------
# Finding and reading analysed rounds


def analysed_rounds(root: Path | str = ".") -> list[int]:
    """Rounds with ``analyses/<round>/estimates.parquet`` under ``root``, sorted.

    Examples
    --------
    >>> analysed_rounds("/nonexistent")
    []
    """
    analyses = Path(root) / "analyses"
    if not analyses.is_dir():
        return []
    return sorted(
        int(p.name)
        for p in analyses.iterdir()
        if p.is_dir() and p.name.isdigit() and (p / "estimates.parquet").is_file()
    )


def require_analysed(round_: int, root: Path | str = ".", *, run_missing: bool = False) -> Path:
    """Return ``analyses/<round>/`` after checking the round exists and is analysed.

    Parameters
    ----------
    round_ : int
        The round, e.g. 2018.
    root : path
        The project folder holding ``surveys/`` and ``analyses/``.
    run_missing : bool
        Analyse the round when it has no analysis yet (``omdomme._analysis.analyse_round``,
        written by ``omdomme._output.write_analysis``, as ``omdomme analyse`` does).

    Raises
    ------
    UsageError
        No ``surveys/<round>/`` (the message lists the rounds present), or the round is not
        analysed and ``run_missing`` is false (the message says to run ``omdomme analyse``).

    Examples
    --------
    >>> require_analysed(2018, "/nonexistent")  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    omdomme.errors.UsageError: round 2018: no folder surveys/2018/ ...
    """
    root = Path(root)
    present = available_rounds(root)
    if not (root / "surveys" / str(round_)).is_dir():
        listed = ", ".join(map(str, present)) if present else "none"
        raise UsageError(
            f"round {round_}: no folder surveys/{round_}/ in {root.resolve()}; "
            f"rounds present: {listed}. Check the round, or the --root folder."
        )
    folder = root / "analyses" / str(round_)
    if not (folder / "estimates.parquet").is_file():
        if not run_missing:
            raise UsageError(
                f"round {round_} is not analysed: {folder / 'estimates.parquet'} not found; "
                f"run `omdomme analyse {round_}` first (or use --analyse-missing to analyse it now)."
            )
        from omdomme._analysis import analyse_round
        from omdomme._output import write_analysis

        write_analysis(analyse_round(round_, root=root), root)
        if not (folder / "estimates.parquet").is_file():
            raise AnalysisError(
                f"round {round_}: analyse_round finished but {folder / 'estimates.parquet'} "
                f"is missing; rerun `omdomme analyse {round_}` and check its output."
            )
    return folder


def read_estimates(round_: int, root: Path | str = ".") -> pl.DataFrame:
    """Read ``analyses/<round>/estimates.parquet`` and check the columns rounds need.

    Examples
    --------
    >>> read_estimates(2018, "/nonexistent")  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    omdomme.errors.UsageError: round 2018 is not analysed: ...
    """
    path = Path(root) / "analyses" / str(round_) / "estimates.parquet"
    if not path.is_file():
        raise UsageError(
            f"round {round_} is not analysed: {path} not found; run `omdomme analyse {round_}` first."
        )
    frame = pl.read_parquet(path)
    missing = [c for c in ESTIMATE_COLUMNS if c not in frame.columns]
    if missing:
        raise InputError(
            f"{path}: column(s) {', '.join(missing)} missing from the estimates table "
            f"(found: {', '.join(frame.columns)}); rerun `omdomme analyse {round_}` "
            "to write it in the current output contract."
        )
    return frame


def read_comparisons(round_: int, root: Path | str = ".") -> pl.DataFrame | None:
    """Read ``analyses/<round>/comparisons.parquet``, or None when the round has none."""
    path = Path(root) / "analyses" / str(round_) / "comparisons.parquet"
    if not path.is_file():
        return None
    return pl.read_parquet(path)


# --------------------------------------------------------------------------------------------
# Series breaks from the definitions


def _load_toml(path: Path) -> dict[str, Any] | None:
    if not path.is_file():
        return None
    try:
        with path.open("rb") as handle:
            return tomllib.load(handle)
    except tomllib.TOMLDecodeError as error:
        raise InputError(
            f"{path}: not valid TOML ({error}); fix the definition (schema in docs/definitions.md)."
        ) from error


def _indicator_signature(definition: Mapping[str, Any], indicator: str) -> dict[str, Any]:
    """The parts of a definition that decide what an indicator measures.

    Variable names and raw codes are left out on purpose: mapping them onto shared concepts is
    what a definition is for, so a renamed variable is the same series.
    """
    spec = definition.get("indicators", {}).get(indicator, {})
    sig: dict[str, Any] = {}
    for key in ("kind", "count", "base", "numerator", "denominator"):
        if key in spec:
            sig[key] = spec[key]
    question = spec.get("question")
    if question is not None:
        sig["question"] = question
        q = definition.get("questions", {}).get(question, {})
        for key in ("scale_id", "scale", "wording"):
            if key in q:
                sig[f"question {question}: {key}"] = q[key]
    # An innovation indicator may carry its own wording/scale.
    for key in ("scale_id", "scale", "wording"):
        if key in spec:
            sig[key] = spec[key]
    return sig


_BORDERS = "borders"


def _domain_signature(definition: Mapping[str, Any], domain: str) -> dict[str, Any]:
    spec = definition.get("domains", {}).get(domain, {})
    # The label is presentation; who is in the domain is what counts.
    sig = {f"domain {domain}: {k}": v for k, v in spec.items() if k != "label"}
    if "residents" in spec:
        # Who lives in a county depends on its borders ([respondent] borders, default 2024):
        # with "round", a 2018 Rømskog respondent is in Østfold, with 2024 in Akershus.
        respondent = definition.get("respondent", {})
        sig[_BORDERS] = respondent.get("borders", 2024) if isinstance(respondent, Mapping) else 2024
    return sig


def _describe_changes(sig_a: Mapping[str, Any], sig_b: Mapping[str, Any]) -> list[str]:
    # Only fields present in both: a field one round does not state is not a known change.
    changes = []
    for key in sig_a:
        if key in sig_b and sig_a[key] != sig_b[key]:
            if key == _BORDERS:
                changes.append(f"borders: {sig_a[key]} vs {sig_b[key]}")
            else:
                changes.append(f"{key} {sig_a[key]!r} → {sig_b[key]!r}")
    return changes


def series_breaks(
    round_a: int, round_b: int, root: Path | str = ".", surveys: tuple[str, ...] = SURVEYS
) -> pl.DataFrame:
    """Which indicator × domain series break between two rounds, and why, from the definitions.

    A break is a difference, between the two rounds' ``surveys/<round>/<survey>.toml``, in what
    an indicator measures: the question's ``scale_id``, ``scale``, ``wording`` or ``vet_ikke``
    codes, the indicator's ``question``, ``count``, ``base`` or ``kind``, or the domain's
    membership rule (``residents``, ``age``, ...). For a domain with ``residents``, a change
    of ``[respondent] borders`` (2024 by default, or ``"round"``) is a break too, with the
    reason ``borders: 2024 vs round``.

    Returns
    -------
    polars.DataFrame
        Columns ``survey, indicator, domain, comparable, break_reason, checked`` for every
        indicator × domain of the definitions (``checked`` is false when a definition file is
        missing, in which case ``comparable`` is true and nothing is claimed).

    Examples
    --------
    >>> series_breaks(2016, 2018, "/nonexistent").height
    0
    """
    rows: list[dict[str, Any]] = []
    for survey in surveys:
        def_a = _load_toml(Path(root) / "surveys" / str(round_a) / f"{survey}.toml")
        def_b = _load_toml(Path(root) / "surveys" / str(round_b) / f"{survey}.toml")
        if def_a is None and def_b is None:
            continue
        known = def_b if def_a is None else def_a
        assert known is not None
        indicators = dict(known.get("indicators", {}))
        for indicator, spec in indicators.items():
            domains = spec.get("domains") or ["alle"]
            for domain in domains:
                if def_a is None or def_b is None:
                    rows.append(
                        {
                            "survey": survey,
                            "indicator": indicator,
                            "domain": domain,
                            "comparable": True,
                            "break_reason": "",
                            "checked": False,
                        }
                    )
                    continue
                if indicator not in def_b.get("indicators", {}):
                    continue
                changes = _describe_changes(
                    _indicator_signature(def_a, indicator), _indicator_signature(def_b, indicator)
                ) + _describe_changes(
                    _domain_signature(def_a, domain), _domain_signature(def_b, domain)
                )
                rows.append(
                    {
                        "survey": survey,
                        "indicator": indicator,
                        "domain": domain,
                        "comparable": not changes,
                        "break_reason": "; ".join(changes),
                        "checked": True,
                    }
                )
    schema = {
        "survey": pl.String,
        "indicator": pl.String,
        "domain": pl.String,
        "comparable": pl.Boolean,
        "break_reason": pl.String,
        "checked": pl.Boolean,
    }
    return pl.DataFrame(rows, schema=schema)


# --------------------------------------------------------------------------------------------
# Statistics shared with the trend


def t_quantile(level: float, df: np.ndarray) -> np.ndarray:
    """Two-sided t quantile for ``level``; normal where df is NaN, infinite or non-positive."""
    # scipy.special, not scipy.stats: the same routines without the slow scipy.stats import.
    from scipy.special import ndtri, stdtrit

    df = np.asarray(df, dtype=float)
    usable = np.isfinite(df) & (df > 0)
    out = np.full(df.shape, float(ndtri(0.5 + level / 2)))
    out[usable] = stdtrit(df[usable], 0.5 + level / 2)
    return out


def two_sided_p(stat: np.ndarray, df: np.ndarray) -> np.ndarray:
    """Two-sided p-value of a t statistic (normal where df is not usable); NaN stays NaN."""
    from scipy.special import ndtr, stdtr

    stat = np.abs(np.asarray(stat, dtype=float))
    df = np.asarray(df, dtype=float)
    usable = np.isfinite(df) & (df > 0)
    out = 2 * ndtr(-stat)
    out[usable] = 2 * stdtr(df[usable], -stat[usable])
    return np.minimum(out, 1.0)


# --------------------------------------------------------------------------------------------
# compare_rounds


def compare_rounds(
    a: int,
    b: int,
    *,
    root: Path | str = ".",
    run_missing: bool = False,
    write: bool = True,
) -> RoundComparison:
    """Compare two analysed rounds: the change of every indicator × county × domain.

    Parameters
    ----------
    a, b : int
        The rounds; the change is from a to b (``compare_rounds(2016, 2018)``: 2018 minus
        2016). The table follows the contract: its ``round_a`` is b, its ``round_b`` is a.
    root : path
        The project folder holding ``surveys/`` and ``analyses/``.
    run_missing : bool
        Analyse a round that has no ``analyses/<round>/`` yet instead of failing.
    write : bool
        Write ``analyses/compare-<a>-<b>/`` (atomically). False: compute only.

    Returns
    -------
    RoundComparison

    Raises
    ------
    UsageError
        A round without ``surveys/<round>/`` or without an analysis (exit 2).

    Examples
    --------
    >>> result = compare_rounds(2016, 2018, root="demo")       # doctest: +SKIP
    >>> result.table.filter(pl.col("target_a") == "ostfold")   # doctest: +SKIP
    """
    root = Path(root)
    require_analysed(a, root, run_missing=run_missing)
    require_analysed(b, root, run_missing=run_missing)
    est_a, est_b = read_estimates(a, root), read_estimates(b, root)
    breaks = series_breaks(a, b, root)
    table, only_a, only_b = _compare_tables(est_a, est_b, a, b, breaks)
    manifest = _manifest(
        kind="compare",
        root=root,
        inputs=_compare_inputs(root, (a, b)),
        parameters={
            "rounds": [a, b],
            "difference": "estimate_a - estimate_b; table round_a = the second round asked "
            "for, round_b = the first (reference): the change from the first to the second",
            "se": "sqrt(se_a^2 + se_b^2) (independent samples)",
            "df": "Satterthwaite: (se_a^2+se_b^2)^2 / (se_a^4/df_a + se_b^4/df_b)",
            "ratio": "estimate_a / estimate_b, log-scale delta-method interval (share, total, ratio)",
            "adjust_method": "holm",
            "family": "round:<a>-<b>:<survey>:<domain>; series breaks excluded",
        },
        rows={
            "compared": table.height,
            "only_in_a": only_a,
            "only_in_b": only_b,
            "series_breaks": int((~table["comparable"]).sum()),
            "significant": int(table["significant"].sum()),
        },
    )
    path = None
    if write:
        path = root / "analyses" / f"compare-{a}-{b}"
        write_atomically(path, {"comparisons": table}, manifest)
    return RoundComparison(a, b, table, path, only_a, only_b, manifest)


def _compare_tables(
    est_a: pl.DataFrame, est_b: pl.DataFrame, a: int, b: int, breaks: pl.DataFrame
) -> tuple[pl.DataFrame, int, int]:
    side_cols = ["estimate", "se", "df", "level", "flag"]
    left = est_a.select(
        *_KEYS,
        "label",
        "kind",
        "better",
        *[pl.col(c).alias(f"{c}_a") for c in side_cols],
        _note_col(est_a).alias("note_a"),
    )
    right = est_b.select(
        *_KEYS, *[pl.col(c).alias(f"{c}_b") for c in side_cols], _note_col(est_b).alias("note_b")
    )
    joined = left.join(right, on=_KEYS, how="inner", maintain_order="left")
    only_a = est_a.height - joined.height
    only_b = est_b.height - joined.height

    joined = joined.join(
        breaks.select("survey", "indicator", "domain", "comparable", "break_reason", "checked"),
        on=["survey", "indicator", "domain"],
        how="left",
        maintain_order="left",
    ).with_columns(
        pl.col("comparable").fill_null(True),
        pl.col("break_reason").fill_null(""),
        pl.col("checked").fill_null(False),
    )

    ea, eb = pl.col("estimate_a"), pl.col("estimate_b")
    va, vb = pl.col("se_a") ** 2, pl.col("se_b") ** 2
    # Satterthwaite (Welch) df for the sum of two independent variances; a side without a
    # usable df counts as known variance (infinite df).
    dfa = pl.when(pl.col("df_a") > 0).then(pl.col("df_a")).otherwise(float("inf"))
    dfb = pl.when(pl.col("df_b") > 0).then(pl.col("df_b")).otherwise(float("inf"))
    satterthwaite = (va + vb) ** 2 / (va**2 / dfa + vb**2 / dfb)
    frame = joined.with_columns(
        difference=eb - ea,
        se=(va + vb).sqrt(),
        df=pl.when((va + vb) > 0).then(satterthwaite).otherwise(None),
        level=pl.coalesce("level_a", "level_b"),
    )

    df_np = frame["df"].fill_null(float("nan")).to_numpy()
    levels = frame["level"].drop_nulls()
    q = t_quantile(float(levels[0]) if levels.len() else 0.95, df_np)
    diff = frame["difference"].fill_null(float("nan")).to_numpy()
    se = frame["se"].fill_null(float("nan")).to_numpy()
    with np.errstate(divide="ignore", invalid="ignore"):
        stat = np.where(se > 0, diff / se, np.where(diff == 0, 0.0, np.nan))
    p = two_sided_p(stat, df_np)

    # Ratio b / a on the log scale: var(log r) = (se_a/a)^2 + (se_b/b)^2.
    frame = (
        frame.with_columns(
            __q=pl.Series(q),
            p_value=pl.Series(p, dtype=pl.Float64).fill_nan(None),
            __ratio_ok=pl.col("kind").is_in(_RATIO_KINDS) & (ea > 0) & (eb > 0),
        )
        .with_columns(
            ci_low=pl.col("difference") - pl.col("__q") * pl.col("se"),
            ci_high=pl.col("difference") + pl.col("__q") * pl.col("se"),
            ratio=pl.when("__ratio_ok").then(eb / ea),
            __se_log=pl.when("__ratio_ok").then(
                ((pl.col("se_a") / ea) ** 2 + (pl.col("se_b") / eb) ** 2).sqrt()
            ),
        )
        .with_columns(
            ratio_ci_low=pl.col("ratio") * (-pl.col("__q") * pl.col("__se_log")).exp(),
            ratio_ci_high=pl.col("ratio") * (pl.col("__q") * pl.col("__se_log")).exp(),
            family=pl.format("round:{}-{}:{}:{}", pl.lit(a), pl.lit(b), "survey", "domain"),
        )
    )

    # Rows that break the series are not a test of one quantity: keep them out of the family.
    frame = frame.with_columns(
        __p_family=pl.when("comparable").then("p_value"),
    )
    frame = holm(frame, "__p_family", "family")
    alpha = 1 - pl.col("level")
    frame = frame.with_columns(
        significant=(pl.col("p_adjusted") < alpha).fill_null(False),
        adjust_method=pl.lit("holm"),
        comparison=pl.lit("round"),
        target_a=pl.col("target"),
        target_b=pl.col("target"),
        # The contract's orientation, as analyse writes its round rows: side a is the round
        # compared (b), side b the reference (a), so difference = estimate_a - estimate_b.
        round_a=pl.lit(b, dtype=pl.Int64),
        round_b=pl.lit(a, dtype=pl.Int64),
        method=pl.lit("independent samples; t with Satterthwaite df"),
        note=pl.concat_str(
            [
                pl.when(~pl.col("comparable")).then(
                    pl.lit("series break: ") + pl.col("break_reason")
                ),
                pl.when(~pl.col("checked")).then(
                    pl.lit("definition of one round not found: comparability not checked")
                ),
                pl.when(pl.col("se") == 0).then(
                    pl.lit("se = 0 in both rounds: no test unless the estimates are equal")
                ),
                pl.when(pl.col("note_a") != "").then(pl.lit(f"{a}: ") + pl.col("note_a")),
                pl.when(pl.col("note_b") != "").then(pl.lit(f"{b}: ") + pl.col("note_b")),
            ],
            separator="; ",
            ignore_nulls=True,
        ),
    )
    # Keep the analysis's row order (indicator, domain, county) within each survey.
    # An empty domain (NaN estimate) gives no change: null, not NaN, in the written tables.
    derived = [
        "difference",
        "se",
        "ci_low",
        "ci_high",
        "df",
        "ratio",
        "ratio_ci_low",
        "ratio_ci_high",
    ]
    frame = frame.with_columns(pl.col(derived).fill_nan(None))
    frame = frame.rename({"estimate_a": "__reference"}).rename(
        {"estimate_b": "estimate_a", "__reference": "estimate_b"}
    )
    table = frame.select(COMPARISON_COLUMNS).sort(
        pl.col("survey").replace_strict(_SURVEY_ORDER, default=9), maintain_order=True
    )
    return table, only_a, only_b


_SURVEY_ORDER = {"omdomme": 0, "innovasjon": 1}
_TARGET_ORDER = {"ostfold": 0, "akershus": 1, "oslo": 2, "buskerud": 3, "vestfold": 4, "norge": 5}


def _note_col(frame: pl.DataFrame) -> pl.Expr:
    # A flagged or suppressed estimate carries its reason into the comparison's note.
    flag = pl.col("flag").fill_null("ok")
    reason = pl.col("note").fill_null("") if "note" in frame.columns else pl.lit("")
    return (
        pl.when(flag.is_in(["ok", ""]))
        .then(pl.lit(""))
        .otherwise(
            pl.concat_str(
                [flag, pl.when(reason != "").then(pl.lit(" (") + reason + ")")], ignore_nulls=True
            )
        )
    )


# --------------------------------------------------------------------------------------------
# Writing: atomically, reproducibly


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for chunk in iter(lambda: handle.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def file_entry(path: Path, root: Path) -> dict[str, Any]:
    """``{path, size, sha256}`` of an input file, the path relative to ``root``."""
    try:
        shown = path.resolve().relative_to(root.resolve()).as_posix()
    except ValueError:
        shown = path.as_posix()
    return {"path": shown, "size": path.stat().st_size, "sha256": _sha256(path)}


def _compare_inputs(root: Path, rounds: tuple[int, ...]) -> list[dict[str, Any]]:
    files: list[Path] = []
    for r in rounds:
        files.append(root / "analyses" / str(r) / "estimates.parquet")
        comparisons = root / "analyses" / str(r) / "comparisons.parquet"
        if comparisons.is_file():
            files.append(comparisons)
        files.extend(root / "surveys" / str(r) / f"{s}.toml" for s in SURVEYS)
    seen: list[Path] = []
    for f in files:
        if f.is_file() and f not in seen:
            seen.append(f)
    return [file_entry(f, root) for f in seen]


def _manifest(
    *,
    kind: str,
    root: Path,
    inputs: list[dict[str, Any]],
    parameters: dict[str, Any],
    rows: dict[str, Any],
) -> dict[str, Any]:
    import platform

    import scipy

    from omdomme import __version__

    return {
        "omdomme_version": __version__,
        "kind": kind,
        "inputs": inputs,
        "parameters": parameters,
        "rows": rows,
        "software": {
            "python": platform.python_version(),
            "polars": pl.__version__,
            "numpy": np.__version__,
            "scipy": scipy.__version__,
        },
    }


def write_atomically(
    folder: Path, tables: Mapping[str, pl.DataFrame], manifest: Mapping[str, Any]
) -> None:
    """Write each table as parquet and CSV plus ``manifest.json`` into ``folder``, atomically.

    Everything goes to a hidden sibling folder first, which replaces ``folder`` only when all
    files are written: a failure leaves the previous results (or nothing), never half of them.
    """
    folder.parent.mkdir(parents=True, exist_ok=True)
    tmp = folder.parent / f".{folder.name}.tmp-{os.getpid()}"
    old = folder.parent / f".{folder.name}.old-{os.getpid()}"
    shutil.rmtree(tmp, ignore_errors=True)
    tmp.mkdir()
    try:
        for name, table in tables.items():
            table.write_parquet(tmp / f"{name}.parquet")
            table.write_csv(tmp / f"{name}.csv")
        (tmp / "manifest.json").write_text(
            json.dumps(manifest, indent=2, ensure_ascii=False, default=_json_default) + "\n",
            encoding="utf-8",
        )
        if folder.exists():
            folder.rename(old)
        tmp.rename(folder)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        if old.exists() and not folder.exists():
            old.rename(folder)
        raise
    shutil.rmtree(old, ignore_errors=True)


def _json_default(value: Any) -> Any:
    if isinstance(value, np.generic):
        return value.item()
    if isinstance(value, Path):
        return value.as_posix()
    raise TypeError(f"not JSON serialisable: {value!r}")


# --------------------------------------------------------------------------------------------
# What the terminal shows


def fmt_number(value: float | None, kind: str, *, signed: bool = False, unit: bool = True) -> str:
    """A number for the terminal: shares in percent (points when ``signed``), large
    totals in millions (``m``) or billions (``bn``), others to 3 significant digits.

    Examples
    --------
    >>> fmt_number(0.4531, "share"), fmt_number(-0.021, "share", signed=True)
    ('45.3 %', '-2.1 pp')
    >>> fmt_number(1_692_715_525.0, "total"), fmt_number(6480.2, "ratio", signed=True)
    ('1.69 bn', '+6,480')
    """
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "–"
    sign = "+" if signed else ""
    if kind == "share":
        text = f"{100 * value:{sign}.1f}"
        return text + ((" pp" if signed else " %") if unit else "")
    size = abs(value)
    if size >= 1e9:
        return f"{value / 1e9:{sign}.2f} bn"
    if size >= 1e6:
        return f"{value / 1e6:{sign}.1f} m"
    if size >= 1000:
        return f"{value:{sign},.0f}"
    return f"{value:{sign}.3g}"


def _fmt_value(value: float | None, kind: str) -> str:
    return fmt_number(value, kind)


def _fmt_change(value: float | None, kind: str) -> str:
    return fmt_number(value, kind, signed=True)


def arrow(row: Mapping[str, Any]) -> str:
    """``↑``/``↓`` for an adjusted-significant change (``↓`` when it fell), ``!`` for a break,
    else blank; a ``✓``/``✗`` after the arrow says whether the move was for the better."""
    if not row.get("comparable", True):
        return "!"
    if not row.get("significant"):
        return ""
    up = (row.get("difference") or 0) > 0
    good = up == (row.get("better") == "higher")
    return ("↑" if up else "↓") + (" ✓" if good else " ✗")


def comparison_summary(result: RoundComparison) -> str:
    """Plain-text summary of a round comparison, Østfold first.

    Shows every indicator × county of the ``alle`` domain (or an indicator's only domain),
    then the significant changes of the other domains; arrows only for changes that are
    significant after Holm's adjustment.

    Examples
    --------
    >>> print(comparison_summary(compare_rounds(2016, 2018, root="demo")))  # doctest: +SKIP
    """
    t = result.table
    lines = [
        f"Change {result.round_a} → {result.round_b} (independent samples, 95 % CI; "
        "↑/↓ = significant after Holm adjustment, ✓ better / ✗ worse, ! = series break)"
    ]
    for survey in SURVEYS:
        part = t.filter(pl.col("survey") == survey)
        if part.is_empty():
            continue
        # One domain per indicator keeps the summary readable: `alle` where it exists.
        first_domain = part.group_by("indicator", maintain_order=True).agg(
            pl.when((pl.col("domain") == "alle").any())
            .then(pl.lit("alle"))
            .otherwise(pl.col("domain").first())
            .alias("shown_domain")
        )
        part = part.join(first_domain, on="indicator", maintain_order="left")
        shown = part.filter(pl.col("domain") == pl.col("shown_domain"))
        lines.append("")
        lines.append(
            f"{survey}: {part.height} comparisons, "
            f"{int(part['significant'].sum())} significant after Holm, "
            f"{int((~part['comparable']).sum())} series breaks"
        )
        targets = sorted(
            shown["target_a"].unique().to_list(), key=lambda k: _TARGET_ORDER.get(k, 99)
        )
        width = max(22, *(len(i) + 1 for i in shown["indicator"].to_list()))
        for target in targets:
            rows = shown.filter(pl.col("target_a") == target)
            lines.append(f"  {_TARGET_LABEL.get(target, target)}")
            lines += [_change_line(row, width) for row in rows.iter_rows(named=True)]
        hidden = part.filter(pl.col("significant"), pl.col("domain") != pl.col("shown_domain"))
        if hidden.height:
            lines.append("  Significant in other domains:")
            hidden = hidden.sort(
                pl.col("target_a").replace_strict(_TARGET_ORDER, default=99), maintain_order=True
            )
            for row in hidden.iter_rows(named=True):
                label = _TARGET_LABEL.get(row["target_a"], row["target_a"])
                lines.append(_change_line(row, width, prefix=f"{label}: "))
        breaks = part.filter(~pl.col("comparable")).unique(
            ["indicator", "break_reason"], maintain_order=True
        )
        for row in breaks.iter_rows(named=True):
            lines.append(f"  ! {row['indicator']}: series break: {row['break_reason']}")
    if result.path is not None:
        lines.append("")
        lines.append(f"Full table: {result.path / 'comparisons.csv'}")
    return "\n".join(lines)


def _change_line(row: Mapping[str, Any], width: int, prefix: str = "") -> str:
    kind = row["kind"]
    return (
        f"    {prefix}{row['indicator']:<{width}} {row['domain']:<9}"
        f" {_fmt_value(row['estimate_b'], kind):>9} → {_fmt_value(row['estimate_a'], kind):>9}"
        f"  {_fmt_change(row['difference'], kind):>9}"
        f"  [{_fmt_change(row['ci_low'], kind)}; {_fmt_change(row['ci_high'], kind)}]"
        f"  {arrow(row)}"
    ).rstrip()


_TARGET_LABEL = {
    "akershus": "Akershus",
    "oslo": "Oslo",
    "buskerud": "Buskerud",
    "vestfold": "Vestfold",
    "ostfold": "Østfold",
    "norge": "Norge",
}
