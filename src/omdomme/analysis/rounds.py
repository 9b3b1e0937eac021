"""Comparing survey rounds: change between two analysed rounds, with series breaks.

Works only from what ``omdomme analyse`` wrote (``analyses/<round>/estimates.parquet``,
``comparisons.parquet``, ``manifest.json``) plus the round definitions
(``surveys/<round>/<survey>.toml``) for series breaks; nothing is re-estimated. The trend
across every analysed round lives in :mod:`omdomme.analysis.trend`.

Statistics (see ``docs/rounds.md``), from :mod:`omdomme.estimate.contrast` as for every
comparison: side a is the round compared, side b the reference (``compare_rounds(2016,
2018)``: ``round_a = 2018``, ``round_b = 2016``);

- two rounds are independent samples, so the change ``a - b`` has
  ``se = sqrt(se_a**2 + se_b**2)``;
- its interval and p-value use Student's t with Welch–Satterthwaite degrees of freedom
  ``(se_a**2 + se_b**2)**2 / (se_a**4 / df_a + se_b**4 / df_b)`` (a side without a df counts
  as a known variance);
- for shares, totals and ratios the ratio ``a / b`` gets a log-scale (delta method) interval;
- Holm's adjustment runs across the family ``round:<b>-<a>:<survey>:<domain>`` (every
  indicator and county of one survey and domain; the one rule,
  :func:`omdomme.analysis.counties.family_key`); rows that break the series are kept out of
  the family (``p_adjusted`` null, ``significant`` false).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import polars as pl

from omdomme.analysis.counties import RATIO_KINDS, ROUNDS_METHOD, adjust_families, withhold_breaks
from omdomme.definitions import available_rounds
from omdomme.definitions.series import series_breaks, series_domain
from omdomme.errors import AnalysisError, UsageError
from omdomme.estimate.contrast import independent
from omdomme.labels import SURVEY_ORDER as _SURVEY_ORDER
from omdomme.results.manifest import file_entry
from omdomme.results.manifest import manifest as results_manifest
from omdomme.results.read import read_estimates
from omdomme.results.schema import ROUND_COMPARISON_COLUMNS as COMPARISON_COLUMNS
from omdomme.results.write import write_folder

SURVEYS = ("omdomme", "innovasjon")
_KEYS = ["survey", "indicator", "target", "domain"]


@dataclass(frozen=True)
class RoundComparison:
    """The change of every indicator × county × domain between two analysed rounds.

    Attributes
    ----------
    round_a, round_b : int
        The round compared and the reference, as in the table and every ``comparisons``
        table: ``compare_rounds(2016, 2018)`` measures the change 2016 → 2018 and has
        ``round_a=2018``, ``round_b=2016``.
    table : polars.DataFrame
        One row per survey × indicator × county × domain present in both rounds, columns
        :data:`COMPARISON_COLUMNS` (as ``omdomme analyse`` writes its round rows): ``round_a``
        the round compared, ``round_b`` the reference, ``difference = estimate_a -
        estimate_b`` the change, ``ratio = estimate_a / estimate_b``.
    path : pathlib.Path or None
        The folder written (``analyses/compare-<round_b>-<round_a>/``), or None when not written.
    only_in_a, only_in_b : int
        Estimates present only in ``round_a`` (the round compared), only in ``round_b``
        (the reference): not compared.
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
# compare_rounds


def compare_rounds(
    reference: int,
    compared: int,
    *,
    root: Path | str = ".",
    run_missing: bool = False,
    write: bool = True,
) -> RoundComparison:
    """Compare two analysed rounds: the change of every indicator × county × domain.

    Parameters
    ----------
    reference, compared : int
        The change is from ``reference`` to ``compared``: ``compare_rounds(2016, 2018)`` is
        2018 minus 2016, as ``omdomme compare 2016 2018``. In the result and its table
        ``round_a`` is ``compared`` (2018) and ``round_b`` the reference (2016), as in every
        ``comparisons`` table (side a is what is compared, side b what it is compared with).
    root : path
        The project folder holding ``surveys/`` and ``analyses/``.
    run_missing : bool
        Analyse a round that has no ``analyses/<round>/`` yet instead of failing.
    write : bool
        Write ``analyses/compare-<reference>-<compared>/`` (atomically). False: compute only.

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
    >>> result.round_a, result.round_b                  # as in the table: compared, reference
    (2018, 2016)
    >>> change = result.table.filter((pl.col("target_a") == "ostfold") & (pl.col("indicator") == "vet_ikke")
    ...                              & (pl.col("domain") == "alle"))
    >>> round(change["difference"].item(), 4)
    -0.0283
    """
    root = Path(root)
    require_analysed(reference, root, run_missing=run_missing)
    require_analysed(compared, root, run_missing=run_missing)
    est_ref, est_cmp = read_estimates(reference, root, tables=True), read_estimates(compared, root, tables=True)
    # The association frame (assos_*) is descriptive, not compared (as in analyse); nor are the
    # codes of a whole scale. Breakdown levels, mean and net scores are, where the series holds.
    from omdomme.analysis.associations import ASSOCIATION_PREFIX

    compared_rows = ~pl.col("indicator").str.starts_with(ASSOCIATION_PREFIX) & (
        pl.col("category").is_null() if "category" in est_ref.columns and "category" in est_cmp.columns
        else pl.lit(True))
    # The innovation survey's breakdown levels are not compared across rounds yet: their
    # disclosure across two rounds (a level withheld in one) has no rule, and no R check.
    if "breakdown" in est_ref.columns and "breakdown" in est_cmp.columns:
        compared_rows = compared_rows & ~((pl.col("survey") == "innovasjon") & pl.col("breakdown").is_not_null())
    est_ref, est_cmp = (e.filter(compared_rows) for e in (est_ref, est_cmp))
    breaks = series_breaks(reference, compared, root)
    table, only_ref, only_cmp = _compare_tables(est_ref, est_cmp, reference, compared, breaks)
    manifest = results_manifest(
        "compare",
        inputs=_compare_inputs(root, (reference, compared)),
        parameters={
            "rounds": [reference, compared],
            "difference": "estimate_a - estimate_b; table round_a = the second round asked "
            "for, round_b = the first (reference): the change from the first to the second",
            "se": "sqrt(se_a^2 + se_b^2) (independent samples)",
            "df": "Satterthwaite: (se_a^2+se_b^2)^2 / (se_a^4/df_a + se_b^4/df_b)",
            "ratio": "estimate_a / estimate_b, log-scale delta-method interval (share, total, ratio)",
            "adjust_method": "holm",
            "family": "round:<round_b>-<round_a>:<survey>:<domain>; series breaks excluded",
        },
        rows={
            "compared": table.height,
            "only_in_a": only_cmp,
            "only_in_b": only_ref,
            "series_breaks": int((~table["comparable"]).sum()),
            "significant": int(table["significant"].sum()),
        },
    )
    path = None
    if write:
        path = root / "analyses" / f"compare-{reference}-{compared}"
        write_folder(path, {"comparisons": table}, manifest)
    return RoundComparison(
        round_a=compared, round_b=reference, table=table, path=path,
        only_in_a=only_cmp, only_in_b=only_ref, manifest=manifest,
    )


def _compare_tables(
    est_ref: pl.DataFrame, est_cmp: pl.DataFrame, reference: int, compared: int, breaks: pl.DataFrame
) -> tuple[pl.DataFrame, int, int]:
    # Side a is the round compared, side b the reference (the contract's orientation, as
    # `omdomme analyse` writes its round rows): difference = estimate_a - estimate_b.
    side_cols = ["estimate", "se", "df", "level", "flag"]
    ref = est_ref.select(
        *_KEYS,
        "label",
        "kind",
        "better",
        *[pl.col(c).alias(f"{c}_b") for c in side_cols],
        _note_col(est_ref).alias("note_b"),
    )
    cmp = est_cmp.select(
        *_KEYS, *[pl.col(c).alias(f"{c}_a") for c in side_cols], _note_col(est_cmp).alias("note_a")
    )
    joined = ref.join(cmp, on=_KEYS, how="inner", maintain_order="left")
    only_ref = est_ref.height - joined.height
    only_cmp = est_cmp.height - joined.height

    joined = joined.with_columns(_series=series_domain()).join(
        breaks.select("survey", "indicator", pl.col("domain").alias("_series"), "comparable", "break_reason",
                      "checked"),
        on=["survey", "indicator", "_series"],
        how="left",
        maintain_order="left",
    ).drop("_series").with_columns(
        pl.col("comparable").fill_null(True),
        pl.col("break_reason").fill_null(""),
        pl.col("checked").fill_null(False),
        level=pl.coalesce("level_b", "level_a"),
    )
    levels = joined["level"].drop_nulls()
    level = float(levels[0]) if levels.len() else 0.95
    stats_ = independent(
        joined["estimate_a"], joined["se_a"], joined["df_a"],
        joined["estimate_b"], joined["se_b"], joined["df_b"],
        level=level, ratio=joined["kind"].is_in(RATIO_KINDS),
    )
    frame = pl.concat([joined, stats_], how="horizontal").with_columns(
        comparison=pl.lit("round"),
        target_a=pl.col("target"),
        target_b=pl.col("target"),
        round_a=pl.lit(compared, dtype=pl.Int64),
        round_b=pl.lit(reference, dtype=pl.Int64),
        method=pl.lit(ROUNDS_METHOD),
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
                pl.when(pl.col("note_b") != "").then(pl.lit(f"{reference}: ") + pl.col("note_b")),
                pl.when(pl.col("note_a") != "").then(pl.lit(f"{compared}: ") + pl.col("note_a")),
            ],
            separator="; ",
            ignore_nulls=True,
        ),
    )
    # Rows that break the series are not a test of one quantity: out of the family (the one
    # rule of analyse and compare, omdomme.analysis.counties.adjust_families); a breakdown
    # level's difference across a break is withheld.
    frame = withhold_breaks(frame, ~pl.col("comparable"))
    frame = adjust_families(frame, level=pl.col("level").fill_null(level), tested=pl.col("comparable"))
    # Keep the analysis's row order (indicator, domain, county) within each survey.
    table = frame.select(COMPARISON_COLUMNS).sort(
        pl.col("survey").replace_strict(_SURVEY_ORDER, default=9), maintain_order=True
    )
    return table, only_ref, only_cmp




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


