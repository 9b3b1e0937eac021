"""`omdomme code <round>`: propose codes for the free-text associations, into surveys/<round>/koding.csv."""

from __future__ import annotations

from pathlib import Path

import click

from omdomme.cli._common import handle_errors


@click.command("code")
@click.argument("round", type=int)
@click.option("--root", type=click.Path(file_okay=False, path_type=Path), default=Path("."),
              show_default=True, help="Project folder holding surveys/.")
@handle_errors
def code(round: int, root: Path) -> None:
    """Propose codes of the frame for every free-text answer of ROUND.

    Writes surveys/ROUND/koding.csv: respondent, county, text, the vendor's coding, the
    proposed codes with the words behind each (reason), whether the two agree, and an
    `analyst` column for your own coding (codes separated by ';', vet_ikke for «vet ikke»).
    Your `analyst` cells are kept when the command runs again; `omdomme analyse` uses them
    where filled in and the vendor's coding elsewhere. Prints the agreement of the proposals
    with the vendor's coding per code (share agreeing, Cohen's kappa).

    Example: omdomme code 2018
    """
    from omdomme.analysis.coding import code_round

    run = code_round(round, root=root)
    click.echo(f"Wrote {run.path} ({run.rows} answers; {run.analyst_kept} analyst codings kept).")
    click.echo("Proposals against the vendor's coding, per code:")
    click.echo(f"  {'code':<12} {'agree':>7} {'kappa':>7} {'both':>6} {'only proposed':>14} {'only vendor':>12}")
    for r in run.agreement.iter_rows(named=True):
        kappa = "" if r["kappa"] is None else f"{r['kappa']:.2f}"
        click.echo(f"  {r['code']:<12} {r['agree']:>7.1%} {kappa:>7} {r['both']:>6} {r['only_a']:>14} {r['only_b']:>12}")
    click.echo(f"{run.disagreements} answers where they disagree: the rows with same = nei in {run.path.name}.")
