"""`omdomme weight <round>`: rake a round to SSB population margins and print the diagnostics."""

from __future__ import annotations

from pathlib import Path

import click

from omdomme.cli._common import handle_errors


@click.command("weight")
@click.argument("round", type=int)
@click.option("--root", type=click.Path(file_okay=False, path_type=Path), default=Path("."),
              show_default=True, help="Project folder holding surveys/.")
@handle_errors
def weight(round: int, root: Path) -> None:
    """Re-weight ROUND as its definition's [weighting] section asks, and show what it costs.

    Rakes (or post-stratifies) the respondents' weights to SSB's population by county, sex
    and age group, then prints the convergence, the Kish design effect of weighting
    (1 + CV²), the weighting efficiency, the effective n, the range of the weights, and each
    margin's population, sample and weighted shares. Nothing is written.
    Exit 0 ok, 2 bad input (no [weighting], empty category, no convergence, ...).

    Example: omdomme weight 2018
    """
    from omdomme.analysis.weighting import weight_round

    click.echo(weight_round(round, root=root).text())
