"""`omdomme validate <round>`: check a round's definition against its data, all problems at once."""

from __future__ import annotations

import re
import sys
from pathlib import Path

import click

from omdomme.cli._common import handle_errors

#: A file a problem names (definitions, data files, codebooks).
_FILE = re.compile(r"[^\s(),;:`'\"]+\.(?:toml|sav|zsav|por|csv|json)\b")


@click.command("validate")
@click.argument("round", type=int)
@click.option("--root", type=click.Path(file_okay=False, path_type=Path), default=Path("."),
              show_default=True, help="Project folder holding surveys/.")
@handle_errors
def validate(round: int, root: Path) -> None:
    """Check surveys/ROUND/*.toml against the data files and list EVERY problem.

    Problems are grouped by cause (one line each, naming the variables it covers): missing
    variables (with close names), codes the definition expects but the data never use, codes
    the data use that the definition does not declare (user-missing codes without a role,
    with their value labels), sex and age codes outside the definition, variable labels that
    name another county than the one mapped, scale labels that differ from the file's, bad
    weights, duplicate ids, codes that cannot be placed, rated counties no respondent lives
    in. Then a summary of the weight and notes on value labels that changed since the
    previous round. Exit 0 when there is no problem, 2 when there is any.

    Example: omdomme validate 2018
    """
    from omdomme.analysis.validate import check_round

    result = check_round(round, root)
    if result.problems:
        # The first line names the files, so that it says on its own where to look.
        files = sorted({name for p in result.problems for name in _FILE.findall(str(p))})
        where = f" ({', '.join(files)})" if files else f" (surveys/{round}/)"
        click.echo(f"{len(result.problems)} problem(s) in round {round}{where}:", err=True)
        for problem in result.problems:
            click.echo(f"- {problem}", err=True)
    else:
        click.echo(f"OK: round {round} — the definition matches the data.")
    for line in (*result.weights, *result.notes):
        click.echo(line)
    if result.problems:
        sys.exit(2)
