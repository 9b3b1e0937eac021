"""`omdomme compare` and `omdomme trend`: rounds over time, from analyses/ only."""

from __future__ import annotations

from pathlib import Path

import click

from omdomme.cli._common import handle_errors


@click.command()
@click.argument("reference", metavar="FROM", type=int)
@click.argument("compared", metavar="TO", type=int)
@click.option(
    "--root",
    type=click.Path(file_okay=False, path_type=Path),
    default=Path("."),
    show_default=True,
    help="Project folder holding surveys/ and analyses/.",
)
@click.option(
    "--analyse-missing",
    is_flag=True,
    help="Run `omdomme analyse` for a round that has no analyses/<round>/ yet.",
)
@handle_errors
def compare(reference: int, compared: int, root: Path, analyse_missing: bool) -> None:
    """Compare two analysed rounds: the change FROM → TO of every indicator.

    For each indicator × county × domain present in both rounds: the change with its 95 %
    CI (independent samples), p-value, Holm-adjusted p-value, and whether a change in the
    definitions (scale, wording, counted codes, base) breaks the series. Writes
    analyses/compare-FROM-TO/ (comparisons.parquet, .csv, manifest.json); in its table
    round_a is TO (the round compared) and round_b is FROM (the reference).

    Example: `omdomme compare 2016 2018`.
    """
    from omdomme.analysis.rounds import compare_rounds
    from omdomme.text.rounds import comparison_summary

    result = compare_rounds(reference, compared, root=root, run_missing=analyse_missing)
    click.echo(comparison_summary(result))


@click.command()
@click.option(
    "--survey",
    type=click.Choice(["omdomme", "innovasjon", "all"]),
    default="all",
    show_default=True,
    help="Which survey's rounds to put side by side.",
)
@click.option(
    "--root",
    type=click.Path(file_okay=False, path_type=Path),
    default=Path("."),
    show_default=True,
    help="Project folder holding surveys/ and analyses/.",
)
@handle_errors
def trend(survey: str, root: Path) -> None:
    """Every analysed round side by side, with trends and the 2026 goal status.

    Per indicator × county × domain: the estimate of each analysed round, a linear trend
    across rounds (weighted by the estimates' precision, fitted within a comparable segment
    only) with its 95 % CI; for Østfold, the gap to Akershus per round and projected to 2026.
    Writes analyses/trend/ (trend, slopes, goals as parquet and CSV, manifest.json).

    Example: `omdomme trend --survey omdomme`.
    """
    from omdomme.analysis.trend import trend as run_trend
    from omdomme.text.trend import trend_summary

    click.echo(trend_summary(run_trend(root=root, survey=survey)))
