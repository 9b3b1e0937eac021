"""`omdomme validate <round>`: check a round's definition against its data, all problems at once."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from omdomme.cli._common import handle_errors


@click.command("validate")
@click.argument("round", type=int)
@click.option("--root", type=click.Path(file_okay=False, path_type=Path), default=Path("."),
              show_default=True, help="Project folder holding surveys/.")
@handle_errors
def validate(round: int, root: Path) -> None:
    """Check surveys/ROUND/*.toml against the data files and list EVERY problem.

    Missing variables (with a close name), codes the definition expects but the data never
    use, values outside the scale and vet ikke codes, municipality codes that cannot be
    placed, bad weights, duplicate ids, rated counties no respondent lives in. Exit 0 when
    all is well, 2 when there is any problem.

    Example: omdomme validate 2018
    """
    from omdomme.analysis.validate import validate_round

    problems = validate_round(round, root)
    if problems:
        click.echo(f"{len(problems)} problem(s) in round {round}:", err=True)
        for problem in problems:
            click.echo(f"- {problem}", err=True)
        sys.exit(2)
    click.echo(f"OK: round {round} — the definition matches the data.")
