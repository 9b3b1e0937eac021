"""`omdomme codebook FILE`: every variable of a data file with its labels, codes and counts."""

from __future__ import annotations

import json
from pathlib import Path

import click

from omdomme.cli._common import handle_errors


@click.command()
@click.argument("file", type=click.Path(path_type=Path, readable=False))
@click.option(
    "--format",
    "output_format",
    type=click.Choice(["text", "json"]),
    default="text",
    show_default=True,
    help="text: a table per variable; json: the stable codebook shape (usable as a CSV's codebook).",
)
@click.option(
    "--encoding",
    default=None,
    help="Text encoding (CSV: detected when omitted; SPSS: overrides the file's).",
)
@click.option(
    "--delimiter", default=None, help="CSV delimiter: ';', ',' or 'tab' (detected when omitted)."
)
@click.option(
    "--decimal",
    default=None,
    type=click.Choice([".", ","]),
    help="CSV decimal separator (detected when omitted).",
)
@handle_errors
def codebook(
    file: Path, output_format: str, encoding: str | None, delimiter: str | None, decimal: str | None
) -> None:
    """Show every variable of FILE (.sav, .zsav, .por, .csv): label, type, value labels,
    user-missing codes and a count per code.

    Example: omdomme codebook surveys/2018/omdomme-2018.sav --format json
    """
    from omdomme.io import read
    from omdomme.io.codebook import codebook as make_codebook
    from omdomme.io.codebook import codebook_text

    data, meta = read(file, encoding=encoding, delimiter=delimiter, decimal=decimal)
    if output_format == "json":
        click.echo(json.dumps(make_codebook(meta, data), ensure_ascii=False, indent=2))
    else:
        click.echo(codebook_text(meta, data), nl=False)
