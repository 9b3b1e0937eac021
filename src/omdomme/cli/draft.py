"""`omdomme draft FILE --round R`: a first surveys/R/omdomme.toml from a vendor file's labels."""

from __future__ import annotations

from pathlib import Path

import click

from omdomme.cli._common import handle_errors


@click.command("draft")
@click.argument("file", type=click.Path(path_type=Path))
@click.option("--round", "round_", type=int, required=True, help="The round the file belongs to (e.g. 2028).")
@click.option("--like", type=int, default=None,
              help="A previous round to compare labels with: changed scales get a new scale_id and a comment.")
@click.option("--force", is_flag=True, help="Overwrite an existing surveys/ROUND/omdomme.toml.")
@click.option("--root", type=click.Path(file_okay=False, path_type=Path), default=Path("."),
              show_default=True, help="Project folder holding surveys/.")
@handle_errors
def draft(file: Path, round_: int, like: int | None, force: bool, root: Path) -> None:
    """Write surveys/ROUND/omdomme.toml from FILE's own metadata (.sav, .zsav, .por, or .csv
    with its codebook).

    Reads the variable and value labels: which variable asks which question about which county,
    «vet ikke» and refusal codes, sex codes, age in years or bands, weight, id, sample and
    residence. Writes the partnership's standard indicators and domains under the ids of the
    shipped rounds, so that series continue. Every guess is marked `# TODO:` in the file and
    listed here. Refuses to overwrite an existing definition unless --force.

    Example: omdomme draft leveranse/omdomme-2028.sav --round 2028 --like 2026
    """
    from omdomme.definitions.draft import write_draft

    path, result = write_draft(file, round_, root=root, like=like, force=force)
    click.echo(f"Wrote {path} from {file}.")
    for line in result.found:
        click.echo(f"  {line}")
    if result.todos:
        click.echo(f"{len(result.todos)} guess(es) to check, marked `# TODO:` in the file:")
        for todo in result.todos:
            click.echo(f"  - {todo}")
    else:
        click.echo("No guesses: the labels said everything the definition needs.")
    click.echo(f"Next: omdomme validate {round_}")
