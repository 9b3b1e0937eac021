"""`omdomme table <round> --indicator ID --by BREAKDOWN`: one crosstab of an analysed round."""

from __future__ import annotations

from pathlib import Path

import click

from omdomme.cli._common import handle_errors


@click.command("table")
@click.argument("round", type=int)
@click.option("--indicator", "-i", required=True, help="Indicator id of either survey, e.g. svaert_godt or fou_utgifter.")
@click.option("--by", "by", required=True, help="Breakdown id from [breakdowns], e.g. kjonn.")
@click.option("--root", type=click.Path(file_okay=False, path_type=Path), default=Path("."),
              show_default=True, help="Project folder holding analyses/.")
@handle_errors
def table(round: int, indicator: str, by: str, root: Path) -> None:
    """Print INDICATOR of ROUND for the five counties by the levels of a breakdown.

    Reads analyses/ROUND/ (run `omdomme analyse ROUND` first): each cell is the estimate as
    the analysis shows it (`:` when suppressed, `*` when flagged) with the compact letters of
    its column — counties that share a letter do not differ (all pairs, Holm-adjusted). An
    innovation indicator adds Norway and has no letters; `:` is also a cell withheld by the
    disclosure rules.

    Examples: omdomme table 2018 --indicator svaert_godt --by kjonn;
    omdomme table 2018 --indicator fou_utgifter --by naering
    """
    from omdomme.text.table import crosstab_text

    click.echo(crosstab_text(round, indicator, by, root))
