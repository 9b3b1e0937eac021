"""`omdomme report <round>`: render the Quarto report(s) of an analysed round."""

from __future__ import annotations

import time
from pathlib import Path

import click

from omdomme.cli._common import handle_errors


@click.command("report")
@click.argument("round", type=int)
@click.option("--format", "-f", "formats", type=click.Choice(["html", "docx", "pdf", "pptx"]), multiple=True,
              help="Output format; repeat for several. [default: html and docx]")
@click.option("--engine", type=click.Choice(["auto", "quarto", "builtin"]), default="auto", show_default=True,
              help="quarto: the Quarto CLI; builtin: Jupyter kernel + pandoc (no Quarto needed); "
                   "auto: quarto when it is on PATH.")
@click.option("--root", type=click.Path(file_okay=False, path_type=Path), default=Path("."), show_default=True,
              help="Project folder holding analyses/, surveys/ and reports/.")
@click.option("--survey", "surveys", type=click.Choice(["omdomme", "innovasjon"]), multiple=True,
              help="Which survey's report; repeat for both. [default: every survey analysed in the round]")
@click.option("--lang", type=click.Choice(["nb", "en"]), default="nb", show_default=True,
              help="Report language: nb (bokmål) or en (English headings and text).")
@click.option("--compare-round", type=int, default=None,
              help="Round to compare with. [default: the analysis's previous round]")
@click.option("--output", "output_dir", type=click.Path(file_okay=False, path_type=Path), default=None,
              help="Folder to write to. [default: ROOT/reports/ROUND]")
@click.option("--reference-doc", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help="A .pptx whose slide master the deck reuses (--format pptx).")
@click.option("--quiet", "-q", is_flag=True, help="Print only the written files.")
@handle_errors
def report(round: int, formats: tuple[str, ...], engine: str, root: Path, surveys: tuple[str, ...], lang: str,
           compare_round: int | None, output_dir: Path | None, reference_doc: Path | None, quiet: bool) -> None:
    """Render the report of ROUND from analyses/ROUND/ into reports/ROUND/.

    Runs the templates reports/omdomme.qmd and reports/innovasjon.qmd with the round as a
    parameter. With the quarto CLI on PATH, Quarto renders; otherwise the built-in engine runs
    the same templates in a Jupyter kernel and converts with pandoc to a self-contained HTML
    file, a DOCX file, or a PDF (pandoc's Typst writer and the typst wheel: no TeX). pptx is
    the board's deck (pandoc's PowerPoint writer). --lang en writes *.en.* beside the
    Norwegian files. The report reads analyses/ROUND/ and never
    re-estimates: run `omdomme analyse ROUND` first. Exit 0 ok, 2 bad input, 1 failure.

    Example: omdomme report 2018 --format html
    """
    from omdomme.report import render_report

    start = time.monotonic()

    def progress(message: str) -> None:
        if not quiet:
            click.echo(f"… {time.monotonic() - start:5.1f} s  {message}", err=True)

    written = render_report(round, list(formats) or ["html", "docx"], engine=engine, root=root,
                            survey=list(surveys) or None, lang=lang, compare_round=compare_round,
                            output_dir=output_dir, reference_doc=reference_doc, progress=progress)
    for path in written:
        click.echo(f"Wrote {path}")
