"""`omdomme analyse <round>`: estimate every indicator of a round and write analyses/<round>/."""

from __future__ import annotations

import sys
import time
import warnings
from pathlib import Path

import click

from omdomme.cli._common import handle_errors
from omdomme.errors import OmdommeWarning


class _Progress:
    """Progress lines on stderr, shown only once the work has taken more than a second."""

    def __init__(self, quiet: bool) -> None:
        self.quiet = quiet
        self.start = time.monotonic()
        self.pending: list[str] = []

    def __call__(self, message: str) -> None:
        if self.quiet:
            return
        self.pending.append(message)
        if time.monotonic() - self.start > 1.0:
            for line in self.pending:
                click.echo(f"… {line}", err=True)
            self.pending.clear()


@click.command("analyse")
@click.argument("round", type=int)
@click.option("--root", type=click.Path(file_okay=False, path_type=Path), default=Path("."),
              show_default=True, help="Project folder holding surveys/ and analyses/.")
@click.option("--quiet", "-q", is_flag=True, help="Print only the output folder, no summary or progress.")
@click.option("--lang", "langs", type=click.Choice(["nb", "en"]), multiple=True,
              help="Workbook languages: en adds omdomme-ROUND.en.xlsx (English sheets, labels and number "
                   "formats) beside the Norwegian omdomme-ROUND.xlsx, which is always written.")
@click.option("--jobs", "-j", type=click.IntRange(min=1), default=None,
              help="Processes to use: 2 analyses the innovation survey and the previous round beside the "
                   "reputation survey (the same numbers); 1 does all in one. Default: OMDOMME_JOBS, else 2 with two or more cores.")
@handle_errors
def analyse(round: int, root: Path, quiet: bool, langs: tuple[str, ...], jobs: int | None) -> None:
    """Estimate every indicator of ROUND and write analyses/ROUND/.

    Reads surveys/ROUND/omdomme.toml (and innovasjon.toml when present), estimates each
    indicator for the five rated counties and every domain with design-based 95 % intervals,
    compares Østfold with each county (paired) and with the previous round, ranks the
    counties, and writes estimates, comparisons and ranks (parquet, CSV, Excel) plus
    manifest.json. --lang en adds the English workbook. Exit 0 ok, 2 bad input, 1 analysis failure.

    Example: omdomme analyse 2018 --lang en
    """
    from omdomme.analysis import _worker

    # The second process first, before this one imports numpy, polars and scipy: its own imports
    # then run beside these instead of after them.
    worker = _worker.Worker.start(round, root, _worker.planned_tasks(round, root)) if (
        jobs or _worker.default_jobs()) >= 2 else None
    try:
        from omdomme.analysis.reputation import analyse_round
        from omdomme.results.write import check_output_folder, write_analysis

        progress = _Progress(quiet)
        # Flagged estimates warn (EstimationWarning); show them as plain notes, not Python warnings.
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always", OmdommeWarning)
            check_output_folder(root / "analyses" / str(round))  # a file in the way: refuse before the work
            result = analyse_round(round, root=root, progress=progress, jobs=1, worker=worker)
    finally:
        if worker is not None:
            worker.close()
    from omdomme.text.summary import summary_text

    with warnings.catch_warnings(record=True) as written:
        warnings.simplefilter("always", OmdommeWarning)
        progress("writing analyses/")
        folder = write_analysis(result, root=root, languages=("nb", *langs))
    caught += written
    shown: set[str] = set()
    for warning in caught:
        if issubclass(warning.category, OmdommeWarning):
            if str(warning.message) not in shown:
                shown.add(str(warning.message))
                click.echo(f"Note: {warning.message}", err=True)
        else:
            warnings.showwarning(warning.message, warning.category, warning.filename, warning.lineno)
    if not quiet:
        click.echo(summary_text(result))
        click.echo("")
    click.echo(f"Wrote {folder}", file=sys.stdout)
