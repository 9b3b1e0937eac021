"""`omdomme simulate`: generate the synthetic rounds (seeded, deterministic)."""

from __future__ import annotations

import click

from omdomme.cli._common import handle_errors
from omdomme.errors import UsageError


def _parse_rounds(text: str | None) -> list[int] | None:
    if text is None:
        return None
    try:
        return [int(part) for part in text.split(",") if part.strip()]
    except ValueError:
        raise UsageError(f"--rounds {text!r}: give years separated by commas, e.g. --rounds 2016,2018") from None


@click.command("simulate")
@click.option("--out", "out_dir", default="surveys", show_default=True, type=click.Path(file_okay=False),
              help="Folder that receives one sub-folder per round.")
@click.option("--seed", default=20161, show_default=True, type=int, help="Master seed.")
@click.option("--rounds", default=None, help="Comma-separated rounds, e.g. 2016,2018 (default: all, 2016–2026).")
@handle_errors
def simulate(out_dir: str, seed: int, rounds: str | None) -> None:
    """Generate the synthetic rounds: data files, definitions and truth files.

    Writes surveys/<round>/ for 2016, 2018, …, 2026 (the reputation survey every round, the
    innovation survey 2016–2024). The same seed gives byte-identical files. The data are
    synthetic: the files, the definitions and every report made from them say so.

    Example: omdomme simulate --out surveys --seed 20161 --rounds 2016,2018
    """
    from omdomme.simulate import simulate_rounds

    files = simulate_rounds(out_dir, seed=seed, rounds=_parse_rounds(rounds), progress=click.echo)
    click.echo(f"Wrote {len(files)} files under {out_dir}/ (synthetic data, seed {seed}).")
