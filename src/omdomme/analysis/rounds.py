"""Comparing survey rounds: change between two analysed rounds, with series breaks.

Works only from what ``omdomme analyse`` wrote (``analyses/<round>/estimates.parquet``,
``comparisons.parquet``, ``manifest.json``) plus the round definitions
(``surveys/<round>/<survey>.toml``) for series breaks; nothing is re-estimated. The trend
across every analysed round lives in :mod:`omdomme.analysis.trend`.

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

from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import polars as pl

from omdomme.analysis.counties import holm_adjust as holm
from omdomme.definitions import available_rounds
from omdomme.definitions.series import series_breaks
from omdomme.errors import AnalysisError, UsageError
from omdomme.labels import SURVEY_ORDER as _SURVEY_ORDER
from omdomme.results.manifest import file_entry
from omdomme.results.manifest import manifest as results_manifest
from omdomme.results.read import read_estimates
from omdomme.results.schema import ROUND_COMPARISON_COLUMNS as COMPARISON_COLUMNS
from omdomme.results.write import write_folder

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


def require_analysed(round: int, root: Path | str = ".", *, run_missing: bool = False) -> Path:
    """Return ``analyses/<round>/`` after checking the round exists and is analysed.

    Parameters
    ----------
    round : int
        The round, e.g. 2018.
    root : path
        The project folder holding ``surveys/`` and ``analyses/``.
    run_missing : bool
        Analyse the round when it has no analysis yet (``omdomme.analysis.reputation.analyse_round``,
        written by ``omdomme.results.write.write_analysis``, as ``omdomme analyse`` does).

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
    if not (root / "surveys" / str(round)).is_dir():
        listed = ", ".join(map(str, present)) if present else "none"
        raise UsageError(
            f"round {round}: no folder surveys/{round}/ in {root.resolve()}; "
            f"rounds present: {listed}. Check the round, or the --root folder."
        )
    folder = root / "analyses" / str(round)
    if not (folder / "estimates.parquet").is_file():
        if not run_missing:
            raise UsageError(
                f"round {round} is not analysed: {folder / 'estimates.parquet'} not found; "
                f"run `omdomme analyse {round}` first (or use --analyse-missing to analyse it now)."
            )
        from omdomme.analysis.reputation import analyse_round
        from omdomme.results.write import write_analysis

        write_analysis(analyse_round(round, root=root), root)
        if not (folder / "estimates.parquet").is_file():
            raise AnalysisError(
                f"round {round}: analyse_round finished but {folder / 'estimates.parquet'} "
                f"is missing; rerun `omdomme analyse {round}` and check its output."
            )
    return folder


# --------------------------------------------------------------------------------------------
# Series breaks from the definitions


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
    >>> result = compare_rounds(2016, 2018, root=".", write=False)
    >>> change = result.table.filter((pl.col("target_a") == "ostfold") & (pl.col("indicator") == "vet_ikke")
    ...                              & (pl.col("domain") == "alle"))
    >>> round(change["difference"].item(), 4)
    -0.0283
    """
    root = Path(root)
    require_analysed(a, root, run_missing=run_missing)
    require_analysed(b, root, run_missing=run_missing)
    est_a, est_b = read_estimates(a, root), read_estimates(b, root)
    breaks = series_breaks(a, b, root)
    table, only_a, only_b = _compare_tables(est_a, est_b, a, b, breaks)
    manifest = results_manifest(
        "compare",
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
        write_folder(path, {"comparisons": table}, manifest)
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


# --------------------------------------------------------------------------------------------
# What the terminal shows


