"""``render_report``: from ``analyses/<round>/`` and a template to ``reports/<round>/``.

Quarto renders when its CLI is on PATH (``engine="auto"`` or ``"quarto"``); otherwise the
built-in engine (:mod:`omdomme.report._builtin`) runs the same template. One execution of
the cells serves every requested format of the built-in engine. The surveys' documents run
side by side (each kernel is a process) while the decks are drawn in this process.
"""

from __future__ import annotations

import errno
import functools
import os
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any, TypeVar

from omdomme.errors import AnalysisError, UsageError
from omdomme.report import _builtin
from omdomme.report._qmd import QmdDocument, parse_qmd
from omdomme.report._text import PHRASES, phrase
from omdomme.results.read import load_round
from omdomme.results.write import check_output_folder

FORMATS = ("html", "docx", "pdf", "pptx")
ENGINES = ("auto", "quarto", "builtin")
LANGS = ("nb", "en")
EXTENSIONS = {"html": "html", "docx": "docx", "pdf": "pdf", "pptx": "pptx"}
Progress = Callable[[str], None]
T = TypeVar("T")


def bundled_templates() -> Path:
    """The ``reports/`` folder of the omdomme source tree (its templates and assets)."""
    return Path(__file__).resolve().parents[3] / "reports"


def find_template(survey: str, root: Path, templates: Path | None = None) -> Path:
    """``<templates>/<survey>.qmd``; by default ``<root>/reports/``, else the bundled templates.

    Raises
    ------
    UsageError
        When no template for ``survey`` exists.
    """
    candidates = [templates] if templates is not None else [root / "reports", bundled_templates()]
    for folder in candidates:
        path = Path(folder) / f"{survey}.qmd"
        if path.exists():
            return path
    looked = ", ".join(str(Path(c) / f"{survey}.qmd") for c in candidates)
    raise UsageError(f"no report template for survey {survey!r}: looked for {looked}; "
                     "copy reports/<survey>.qmd from the omdomme repository there.")


def quarto_path() -> str | None:
    """The ``quarto`` executable on PATH, or ``None``."""
    return shutil.which("quarto")


def resolve_engine(engine: str, formats: Sequence[str]) -> str:
    """``quarto`` or ``builtin`` for ``engine`` (``auto`` picks quarto when it is installed).

    Examples
    --------
    >>> resolve_engine("builtin", ["html"])
    'builtin'
    """
    if engine not in ENGINES:
        raise UsageError(f"engine {engine!r} is not one of {', '.join(ENGINES)}.")
    has_quarto = quarto_path() is not None
    if engine == "quarto" and not has_quarto:
        raise UsageError("--engine quarto: the quarto CLI is not on PATH; install it "
                         "(pip install -e '.[quarto]' where downloads work, or quarto.org), or use --engine builtin.")
    chosen = "quarto" if engine == "quarto" or (engine == "auto" and has_quarto) else "builtin"
    if "pdf" in formats and chosen == "builtin":
        try:
            import typst  # noqa: F401  (the Typst compiler wheel: PDF without TeX or Quarto)
        except ImportError:
            raise UsageError("--format pdf with the built-in engine needs the Typst compiler wheel: "
                             "pip install typst (or pip install -e '.[pdf]'); or use --format html/docx.") from None
    return chosen


def render_report(round: int, format: str | Sequence[str] = "html", engine: str = "auto", root: str | Path = ".",
                  *, survey: str | Sequence[str] | None = None, lang: str = "nb", compare_round: int | None = None,
                  templates: str | Path | None = None, output_dir: str | Path | None = None,
                  progress: Progress | None = None, reference_doc: str | Path | None = None) -> list[Path]:
    """Render the report(s) of an analysed round.

    Parameters
    ----------
    round
        The round; ``analyses/<round>/`` under ``root`` must exist.
    format
        ``"html"``, ``"docx"``, ``"pdf"`` (Typst: pandoc's typst writer and the ``typst`` wheel,
        or Quarto's), or several.
    engine
        ``"auto"`` (quarto when on PATH, else built-in), ``"quarto"`` or ``"builtin"``.
    root
        The project folder (``analyses/``, ``surveys/``, ``reports/``).
    survey
        Which survey's report(s); default every survey in the round's estimates.
    lang
        ``"nb"`` (bokmål) or ``"en"`` (English headings and text).
    compare_round
        The round to compare with (default: the analysis's previous round).
    templates
        A folder of ``<survey>.qmd`` templates (default ``<root>/reports``, else the bundled ones).
    output_dir
        Where to write (default ``<root>/reports/<round>/``).
    progress
        Called with a short message at each step (the CLI prints them).
    reference_doc
        A ``.pptx`` whose slide master and layouts the deck reuses (``--format pptx``).

    Returns
    -------
    list of Path
        The written files, e.g. ``reports/2018/omdomme-2018.html``.

    Raises
    ------
    UsageError
        Unanalysed round (run ``omdomme analyse <round>`` first), unknown format, engine or
        language, PDF without the ``typst`` wheel (built-in engine), missing template.

    Examples
    --------
    >>> render_report(2018, ["html", "docx"], engine="builtin")  # doctest: +SKIP
    [PosixPath('reports/2018/omdomme-2018.html'), PosixPath('reports/2018/omdomme-2018.docx'), ...]
    """
    root = Path(root).resolve()
    formats = [format] if isinstance(format, str) else list(format)
    bad = [f for f in formats if f not in FORMATS]
    if bad or not formats:
        raise UsageError(f"format {', '.join(bad) or '(none)'} is not one of {', '.join(FORMATS)}.")
    if lang not in LANGS:
        raise UsageError(f"language {lang!r} is not one of {', '.join(LANGS)}.")
    results = load_round(round, root)  # the UsageError for an unanalysed round comes first
    chosen = resolve_engine(engine, formats)
    wanted = [survey] if isinstance(survey, str) else list(survey) if survey else results.surveys()
    missing = [s for s in wanted if s not in results.surveys()]
    if missing:
        raise UsageError(f"analyses/{round}/estimates has no rows for survey {', '.join(missing)} "
                         f"(it has: {', '.join(results.surveys()) or 'none'}); check surveys/{round}/ and rerun "
                         f"`omdomme analyse {round}`.")
    # Absolute: pandoc runs in a temporary folder, where a relative --output would land.
    out_dir = Path(output_dir).resolve() if output_dir is not None else root / "reports" / str(round)
    if reference_doc is not None and not Path(reference_doc).is_file():
        raise UsageError(f"--reference-doc {reference_doc} does not exist; give a .pptx with the slide master to use.")
    pages = [f for f in formats if f != "pptx"]
    _check_writable(out_dir)  # before minutes of rendering, not after
    deck_from = Path(reference_doc) if reference_doc is not None else None
    documents: list[Callable[[], list[Path]]] = []  # per survey: its pages, then its deck
    decks: list[Callable[[], Path]] = []
    for name in wanted:
        template = find_template(name, root, Path(templates) if templates is not None else None)
        params = {"round": int(round), "compare_round": compare_round, "root": str(root), "lang": lang}
        title = phrase(f"title_{name}", lang, round=round) if f"title_{name}" in PHRASES else f"{name} {round}"
        subtitle = phrase(f"subtitle_{name}", lang) if f"subtitle_{name}" in PHRASES else None
        # English files sit beside the Norwegian ones: omdomme-2018.en.html, never over them.
        stem = f"{name}-{round}" + (f".{lang}" if lang != "nb" else "")
        if pages and chosen == "quarto":
            documents.append(functools.partial(_render_quarto, template, pages, params, out_dir, stem, title,
                                               subtitle, progress))
        elif pages:
            doc = _parse_builtin(template)  # unsupported syntax stops the command before any kernel starts
            documents.append(functools.partial(_render_builtin, doc, pages, params, out_dir, stem, title, subtitle,
                                               lang, progress))
        else:
            documents.append(list)
        if "pptx" in formats:
            decks.append(functools.partial(_render_pptx, name, params, out_dir / f"{stem}.pptx", title, subtitle,
                                           deck_from, progress))
    # Each document runs in its own kernel (a process) and each deck draws its charts in this
    # process, so they overlap: the documents side by side, the decks one after another in one
    # thread (matplotlib's pyplot is not thread-safe). Every job writes its own files; the list
    # keeps the order of one survey after the other, its pages before its deck.
    started = time.perf_counter()
    deck_job = _in_background(lambda: [make() for make in decks])
    if chosen == "quarto":  # one `quarto render` after the other, as it always ran
        quarto_job = _in_background(lambda: [make() for make in documents])
        document_jobs: list[Callable[[], list[Path]]] = [functools.partial(lambda k: quarto_job()[k], k)
                                                          for k in range(len(documents))]
    else:
        document_jobs = [_in_background(make) for make in documents]
    # Every job ends before the first error is raised: none keeps writing after the command failed.
    *pages_written, decks_written = _wait_all([*document_jobs, deck_job])
    written: list[Path] = []
    for k, name in enumerate(wanted):
        written += pages_written[k]
        if decks_written:
            written.append(decks_written[k])
        if progress is not None:
            progress(f"{name}-{round}: done")
    if progress is not None:
        progress(f"{len(written)} file(s) in {time.perf_counter() - started:.1f} s")
    return written


def _wait_all(jobs: Sequence[Callable[[], Any]]) -> list[Any]:
    """Each job's result, in order; after all have ended, the first job's error (Ctrl-C in the
    waiting thread is not waited for)."""
    results: list[Any] = []
    error: Exception | None = None
    for wait in jobs:
        try:
            results.append(wait())
        except Exception as failed:
            results.append(None)
            error = error or failed
    if error is not None:
        raise error
    return results


def _in_background(job: Callable[[], T]) -> Callable[[], T]:
    """Start ``job`` in a thread; the returned function waits for it and returns its result or
    raises its error. A daemon thread: Ctrl-C stops the command without waiting for it (its
    kernel then exits with its parent)."""
    outcome: dict[str, Any] = {}

    def run() -> None:
        try:
            outcome["value"] = job()
        except BaseException as error:  # handed to the waiting thread, which raises it
            outcome["error"] = error

    thread = threading.Thread(target=run, name="omdomme-report", daemon=True)
    thread.start()

    def wait() -> T:
        thread.join()
        if "error" in outcome:
            raise outcome["error"]
        return outcome["value"]

    return wait


def _render_pptx(survey: str, params: dict, output: Path, title: str, subtitle: str | None,
                 reference_doc: Path | None, progress: Progress | None) -> Path:
    """The deck, from the same Report the templates use (pandoc's pptx writer; no Quarto needed)."""
    from omdomme.report._document import Report
    from omdomme.report._slides import write_pptx

    if progress is not None:
        progress(f"{output.stem}: writing pptx with pandoc")
    report = Report(params["round"], survey=survey, root=params["root"], compare_round=params["compare_round"],
                    lang=params["lang"])
    with tempfile.TemporaryDirectory(prefix="omdomme-slides-") as tmp:
        return write_pptx(report, output, title=title, subtitle=subtitle, reference_doc=reference_doc, media=Path(tmp))


def _check_writable(folder: Path) -> None:
    """Refuse a report folder that cannot be written (an OSError naming it; a file in the way
    is an AnalysisError), before any rendering starts."""
    check_output_folder(folder)
    existing = next(p for p in (folder, *folder.parents) if p.exists())
    if not os.access(existing, os.W_OK | os.X_OK):
        raise PermissionError(errno.EACCES, "Permission denied", str(existing))


def _parse_builtin(template: Path) -> QmdDocument:
    """The template, refused when it uses Quarto syntax the built-in engine cannot render."""
    doc = parse_qmd(template)
    problems = _builtin.unsupported(doc)
    if problems:
        raise UsageError("the built-in engine cannot render this Quarto syntax (it would be silently wrong): "
                         + "; ".join(problems) + ". Render with the quarto CLI (--engine quarto) or remove it.")
    return doc


def _render_builtin(doc: QmdDocument, formats: list[str], params: dict, out_dir: Path, stem: str, title: str,
                    subtitle: str | None, lang: str, progress: Progress | None) -> list[Path]:
    """Execute the document once; every requested format is converted from that one execution."""
    template = doc.path
    outputs = _builtin.execute(doc, params, cwd=template.parent, progress=progress)
    metadata = _builtin.document_metadata(doc, {"title": title, "subtitle": subtitle, "lang": lang,
                                                "toc-title": "Innhold" if lang == "nb" else "Contents"})
    css = template.parent / "assets" / "report.css"
    if not css.exists():
        css = bundled_templates() / "assets" / "report.css"
    written = []
    with tempfile.TemporaryDirectory(prefix="omdomme-report-") as tmp:
        media = Path(tmp)
        markdown = _builtin.assemble(doc, outputs, media=media)
        for fmt in formats:
            if progress is not None:
                progress(f"{stem}: writing {fmt} with pandoc")
            target = out_dir / f"{stem}.{EXTENSIONS[fmt]}"
            written.append(_builtin.convert(markdown, target=fmt, output=target, media=media, metadata=metadata,
                                            css=css, toc=_builtin.wants_toc(doc, fmt)))
    return written


def _render_quarto(template: Path, formats: list[str], params: dict, out_dir: Path, stem: str, title: str,
                   subtitle: str | None, progress: Progress | None) -> list[Path]:
    """``quarto render`` in a temporary copy of the template's folder.

    The parameters go through ``$OMDOMME_REPORT_PARAMS`` (the template's setup cell reads
    them with :func:`omdomme.report.parameters`), so no papermill is needed; a failed render
    leaves nothing (``.tex``, ``_files/``) beside the template.
    """
    import json
    import os

    quarto = quarto_path()
    assert quarto is not None
    written = []
    env = {**os.environ, "OMDOMME_REPORT_PARAMS": json.dumps(params), "QUARTO_PYTHON": os.environ.get(
        "QUARTO_PYTHON", sys.executable)}
    with tempfile.TemporaryDirectory(prefix="omdomme-quarto-") as tmp:
        work = Path(tmp) / template.parent.name
        shutil.copytree(template.parent, work, ignore=shutil.ignore_patterns("20*", "*_files", ".quarto"))
        source = work / template.name
        for fmt in formats:
            name = f"{stem}.{EXTENSIONS[fmt]}"
            to = "typst" if fmt == "pdf" and shutil.which("pdflatex") is None and shutil.which("xelatex") is None \
                and shutil.which("lualatex") is None else fmt
            lang = params.get("lang", "nb")
            # The region too: Quarto's Typst template otherwise says nb-US (the built-in PDF: nb-NO, en-GB).
            cmd = [quarto, "render", str(source), "--to", to, "--output", name, "-M", f"title:{title}",
                   "-M", f"lang:{lang}", "-M", f"region:{'NO' if lang == 'nb' else 'GB'}"]
            if subtitle:
                cmd += ["-M", f"subtitle:{subtitle}"]
            if progress is not None:
                progress(f"{stem}: quarto render --to {to}")
            done = subprocess.run(cmd, cwd=work, capture_output=True, text=True, check=False, env=env)
            if done.returncode != 0:
                tail = "\n".join((done.stderr or done.stdout).strip().splitlines()[-15:])
                raise AnalysisError(f"quarto render {template} --to {to} failed (exit {done.returncode}):\n{tail}\n"
                                    "Try --engine builtin to see whether the template or quarto is at fault.")
            out_dir.mkdir(parents=True, exist_ok=True)
            target = out_dir / name
            shutil.move(str(work / name), target)
            written.append(target)
    return written
