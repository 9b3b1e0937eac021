"""The built-in engine: run a ``.qmd`` without Quarto.

Where the ``quarto`` CLI is missing (it downloads its binary at install time, which cannot
work offline), the same template still renders: its ``{python}`` cells run in a Jupyter
kernel started from this interpreter (nbclient + ipykernel, with a kernel spec written to a
temporary folder, so nothing needs to be installed globally), the outputs (Markdown, HTML
tables, PNG figures, text) are assembled into pandoc Markdown in document order, and pandoc
(the binary in the ``pypandoc-binary`` wheel) writes a self-contained HTML file (CSS and
images embedded) or a DOCX file.
"""

from __future__ import annotations

import base64
import json
import re
import subprocess
import sys
import tempfile
import warnings
from collections.abc import Callable
from pathlib import Path
from typing import Any

from omdomme.errors import AnalysisError, OmdommeWarning, UsageError
from omdomme.report._qmd import Cell, QmdDocument

KERNEL_NAME = "omdomme-python"
Progress = Callable[[str], None]
# Errors raised by omdomme inside a cell that are the user's input, not the template's fault.
_INPUT_ERRORS = {"UsageError", "InputError", "ReadError", "DefinitionError", "GeographyError"}


def _kernel_manager(spec_dir: Path) -> Any:
    """A kernel manager that starts ipykernel with *this* interpreter.

    A kernel spec is written to ``spec_dir``: CI and fresh venvs have no kernel installed
    globally, and a global ``python3`` spec could point at another Python without omdomme.
    """
    from jupyter_client.kernelspec import KernelSpecManager
    from jupyter_client.manager import AsyncKernelManager

    folder = spec_dir / KERNEL_NAME
    folder.mkdir(parents=True, exist_ok=True)
    spec = {"argv": [sys.executable, "-m", "ipykernel_launcher", "-f", "{connection_file}"],
            "display_name": "omdomme (Python)", "language": "python",
            "env": {"MPLBACKEND": "Agg", "PYDEVD_DISABLE_FILE_VALIDATION": "1"}}
    (folder / "kernel.json").write_text(json.dumps(spec), encoding="utf-8")
    specs = KernelSpecManager(kernel_dirs=[str(spec_dir)], ensure_native_kernel=False)
    return AsyncKernelManager(kernel_name=KERNEL_NAME, kernel_spec_manager=specs)


def parameter_source(params: dict[str, Any]) -> str:
    """The code of the injected parameter cell, as Quarto and papermill write it.

    Examples
    --------
    >>> print(parameter_source({"round": 2018, "root": "/x"}))
    # Injected parameters
    round = 2018
    root = '/x'
    """
    return "\n".join(["# Injected parameters", *(f"{k} = {v!r}" for k, v in params.items())])


def execute(doc: QmdDocument, params: dict[str, Any], *, cwd: Path, progress: Progress | None = None,
            timeout: int = 600) -> list[list[dict[str, Any]]]:
    """Run the document's Python cells in a fresh kernel; return each cell's outputs.

    The parameters are injected as a cell right after the cell tagged ``parameters`` (or
    first, when there is none), as Quarto does.

    Raises
    ------
    UsageError
        When a cell raises one of omdomme's input errors (e.g. a round not analysed).
    AnalysisError
        When a cell fails otherwise; the message names the template, the cell's line and the error.
    """
    import nbformat
    from nbclient import NotebookClient
    from nbclient.exceptions import CellExecutionError, DeadKernelError

    cells = [c for c in doc.cells if c.language == "python"]
    nb = nbformat.v4.new_notebook()
    index_of: list[int | None] = []  # notebook cell -> document cell (None: injected)
    injected = next((i for i, c in enumerate(cells) if "parameters" in c.tags), -1)
    if injected < 0:
        nb.cells.append(nbformat.v4.new_code_cell(parameter_source(params)))
        index_of.append(None)
    for i, cell in enumerate(cells):
        nb.cells.append(nbformat.v4.new_code_cell(cell.source))
        index_of.append(i)
        if i == injected:
            nb.cells.append(nbformat.v4.new_code_cell(parameter_source(params)))
            index_of.append(None)
    nb.metadata["kernelspec"] = {"name": KERNEL_NAME, "display_name": "omdomme (Python)", "language": "python"}
    total = len(nb.cells)

    def on_start(cell: Any = None, cell_index: int = 0, **_: Any) -> None:
        if progress is not None:
            j = index_of[cell_index]
            label = cells[j].options.get("label", f"line {cells[j].line}") if j is not None else "injected parameters"
            progress(f"{doc.path.name}: cell {cell_index + 1}/{total} ({label})")

    with tempfile.TemporaryDirectory(prefix="omdomme-kernel-") as spec_dir:
        # Every output has arrived when the last cell is done: stop the kernel at once. A graceful
        # shutdown waits 0.5-2.5 s for the kernel's interpreter to tear down plotnine, polars & co.
        client = NotebookClient(nb, km=_kernel_manager(Path(spec_dir)), timeout=timeout, allow_errors=False,
                                resources={"metadata": {"path": str(cwd)}}, on_cell_start=on_start,
                                kernel_name=KERNEL_NAME, shutdown_kernel="immediate")
        if progress is not None:
            progress(f"{doc.path.name}: starting the Python kernel")
        try:
            # The kernel's own stderr is start-up chatter; cell errors arrive as messages.
            client.execute(cleanup_kc=True, stderr=subprocess.DEVNULL)
        except DeadKernelError as error:
            raise AnalysisError(f"{doc.path}: the Python kernel ({sys.executable} -m ipykernel_launcher) died: "
                                f"{error}; check that ipykernel is installed in this environment.") from None
        except CellExecutionError as error:
            failed = next((k for k, c in enumerate(nb.cells)
                           if any(o.get("output_type") == "error" for o in c.get("outputs", []))), None)
            j = index_of[failed] if failed is not None else None
            where = f"{doc.path}, cell at line {cells[j].line}" if j is not None else f"{doc.path}, parameters"
            ename = getattr(error, "ename", "")
            evalue = getattr(error, "evalue", str(error))
            if ename in _INPUT_ERRORS:
                raise UsageError(f"{where}: {evalue}") from None
            raise AnalysisError(f"{where} failed with {ename}: {evalue}; fix the cell in the template "
                                f"(or rerun `omdomme analyse` if the analysis outputs are stale).") from None
    outputs: list[list[dict[str, Any]]] = [[] for _ in cells]
    for nb_cell, j in zip(nb.cells, index_of, strict=True):
        if j is not None:
            outputs[j] = [dict(o) for o in nb_cell.get("outputs", [])]
    return outputs


# Quarto syntax the built-in engine does not render: it stops and names it rather than
# writing a silently different document (render with the quarto CLI instead).
_UNSUPPORTED_TEXT = (
    (re.compile(r"^:::+\s*\{[^}]*\.callout-"), "a callout (::: {.callout-…})"),
    (re.compile(r"(?<![\w@])@(fig|tbl|sec|eq)-[\w-]+"), "a cross-reference (@fig-…/@tbl-…)"),
)
_UNSUPPORTED_OPTIONS = {"tbl-cap": "the cell option tbl-cap", "code-fold": "the cell option code-fold",
                        "layout-ncol": "the cell option layout-ncol", "fig-subcap": "the cell option fig-subcap"}


def unsupported(doc: QmdDocument) -> list[str]:
    """Where the document uses Quarto syntax the built-in engine cannot render, one line each.

    Examples
    --------
    >>> from omdomme.report._qmd import Cell, QmdDocument
    >>> doc = QmdDocument(Path("x.qmd"), {}, ("See @fig-a.", Cell("python", "plt.show()", {}, 3)))
    >>> unsupported(doc)
    ['x.qmd: a cross-reference (@fig-…/@tbl-…) («See @fig-a.»)', 'x.qmd, line 3: plt.show() (the built-in engine keeps only displayed figures; return the figure or display() it)']
    """
    found = []
    for part in doc.body:
        if isinstance(part, str):
            for line in part.splitlines():
                for pattern, what in _UNSUPPORTED_TEXT:
                    if pattern.search(line) and not line.lstrip().startswith(("```", "#|")):
                        found.append(f"{doc.path.name}: {what} («{line.strip()[:60]}»)")
            continue
        for key, what in _UNSUPPORTED_OPTIONS.items():
            if key in part.options:
                found.append(f"{doc.path.name}, line {part.line}: {what}")
        if part.language == "python" and re.search(r"\bplt\.show\(\)", part.source):
            found.append(f"{doc.path.name}, line {part.line}: plt.show() (the built-in engine keeps only displayed "
                         "figures; return the figure or display() it)")
    return found


def _as_bool(value: Any, default: bool) -> bool:
    return default if value is None else bool(value)


def assemble(doc: QmdDocument, outputs: list[list[dict[str, Any]]], *, media: Path) -> str:
    """The document body as pandoc Markdown, cell outputs in place of the cells.

    HTML outputs (great_tables) stay raw HTML blocks; PNG outputs are written to ``media``
    and linked; Markdown outputs are inserted as they are, the images they embed written to
    ``media`` and linked instead (the same pictures, in every format).
    """
    echo_default = _as_bool(doc.execute_option("echo", True), True)
    warning_default = _as_bool(doc.execute_option("warning", True), True)
    python_cells = iter(outputs)
    chunks: list[str] = []
    figure = 0
    for part in doc.body:
        if isinstance(part, str):
            chunks.append(part)
            continue
        if part.language != "python":
            chunks.append(f"```{part.language}\n{part.source}\n```")
            continue
        cell_outputs = next(python_cells)
        opts = part.options
        if opts.get("include") is False:
            continue
        if _as_bool(opts.get("echo"), echo_default):
            chunks.append(f"```python\n{part.source}\n```")
        if opts.get("output") is False:
            continue
        asis = opts.get("output") == "asis"
        captions = opts.get("fig-cap")
        captions = [captions] if isinstance(captions, str) else list(captions or [])
        label = opts.get("label")
        for out in cell_outputs:
            kind = out.get("output_type")
            if kind == "stream":
                text = "".join(out.get("text", ""))
                if out.get("name") == "stderr" and not _as_bool(opts.get("warning"), warning_default):
                    continue
                chunks.append(text if asis else f"```\n{text.rstrip()}\n```")
                continue
            if kind not in ("display_data", "execute_result"):
                continue
            data = out.get("data", {})
            if "text/markdown" in data:
                markdown, figure = _embedded_images_to_files("".join(data["text/markdown"]), media, figure)
                chunks.append(markdown)
            elif "image/png" in data or "image/svg+xml" in data:
                figure += 1
                ext = "png" if "image/png" in data else "svg"
                name = f"figure-{figure}.{ext}"
                payload = data.get("image/png") or data["image/svg+xml"]
                raw = base64.b64decode("".join(payload)) if ext == "png" else "".join(payload).encode("utf-8")
                (media / name).write_bytes(raw)
                caption = captions.pop(0) if captions else (opts.get("fig-alt") or "")
                attrs = f"{{#{label}}}" if label and str(label).startswith("fig-") and caption else ""
                alt = str(caption).replace("[", "(").replace("]", ")")
                chunks.append(f"![{alt}]({name}){attrs}" if caption else f"![]({name})\\")
            elif "text/html" in data:
                html = "".join(data["text/html"])
                chunks.append(f"```{{=html}}\n{html}\n```")
            elif "text/plain" in data and kind == "execute_result":
                chunks.append(f"```\n{''.join(data['text/plain'])}\n```")
    return "\n\n".join(chunks) + "\n"


_MARKDOWN_DATA_URI = re.compile(r"\]\(data:image/(?P<ext>png|jpeg|svg\+xml);base64,(?P<data>[A-Za-z0-9+/=\s]+)\)")


def _embedded_images_to_files(markdown: str, media: Path, figure: int) -> tuple[str, int]:
    """Write each image a Markdown output embeds (``![…](data:image/png;base64,…)``, as
    :func:`omdomme.report._charts.figure_markdown` writes them) to ``media`` and link the file.

    pandoc reads a megabyte of base64 in Markdown slowly, once per format; from files it embeds
    the same bytes in the HTML and puts them in the DOCX and PDF as they are. Returns the
    Markdown and the last figure number used.

    Examples
    --------
    >>> import tempfile
    >>> with tempfile.TemporaryDirectory() as tmp:
    ...     _embedded_images_to_files("![Kart](data:image/png;base64,iVBORw==){#fig-a}", Path(tmp), 2)
    ('![Kart](figure-3.png){#fig-a}', 3)
    """
    count = figure

    def write(match: re.Match[str]) -> str:
        nonlocal count
        count += 1
        ext = "svg" if match["ext"] == "svg+xml" else match["ext"]
        name = f"figure-{count}.{ext}"
        (media / name).write_bytes(base64.b64decode(match["data"]))
        return f"]({name})"

    return _MARKDOWN_DATA_URI.sub(write, markdown), count


def convert(markdown: str, *, target: str, output: Path, media: Path, metadata: dict[str, Any],
            css: Path | None = None, toc: bool = False) -> Path:
    """Convert the assembled Markdown with pandoc to a self-contained HTML file or a DOCX file."""
    import pypandoc
    import yaml

    header = "---\n" + yaml.safe_dump(metadata, allow_unicode=True, sort_keys=False) + "---\n\n"
    args = [f"--resource-path={media}", "--wrap=none"]
    if target == "html":
        args += ["--standalone", "--embed-resources", "--section-divs"]
        if css is not None and css.exists():
            args.append(f"--css={css}")
        if toc:
            args += ["--toc", "--toc-depth=2"]
        fmt, source = "html5", "markdown"
    elif target == "docx":
        # Raw HTML (the great_tables tables) has no place in DOCX: go through pandoc's HTML
        # reader, which turns the tables into Word tables and the figures into captioned pictures.
        markdown = str(pypandoc.convert_text(markdown, "html5", format="markdown", extra_args=args,
                                             cworkdir=str(media)))
        # pandoc's DOCX writer stores an image's source as its picture name: a data URI there
        # would copy the whole image into its description. Link files instead.
        markdown = _data_uris_to_files(markdown, media)
        header = "<!DOCTYPE html>\n<html><head><title>{}</title></head><body>\n".format(metadata.get("title", ""))
        markdown += "\n</body></html>\n"
        args = [*args, *(f"--metadata={k}:{v}" for k, v in metadata.items() if isinstance(v, str))]
        if toc:
            args.append("--toc")
        fmt, source = "docx", "html"
    elif target == "pdf":
        output.parent.mkdir(parents=True, exist_ok=True)
        tmp = output.with_name(output.name + ".part")
        _write_pdf(markdown, args=args, media=media, metadata=metadata, toc=toc, output=tmp)
        tmp.replace(output)
        return output
    else:
        raise UsageError(f"the built-in engine writes html, docx or pdf, not {target!r}.")
    output.parent.mkdir(parents=True, exist_ok=True)
    tmp = output.with_name(output.name + ".part")
    pypandoc.convert_text(header + markdown, fmt, format=source, outputfile=str(tmp), extra_args=args,
                          cworkdir=str(media))
    tmp.replace(output)  # a reader never sees half a report
    return output


# Typst page setup: A4, Norwegian hyphenation, page numbers, tables that fit the page.
_TYPST_PREAMBLE = """
#set page(paper: "a4", margin: (x: 2cm, y: 2.2cm), numbering: "1 / 1")
#set text(size: 10pt)
#show table: set text(size: 8pt)
#show table.cell: set par(justify: false)
#set table.cell(breakable: false)
#set table.footer(repeat: false)
#show figure: set block(breakable: true)
#set table(inset: (x: 3pt, y: 3pt), stroke: (x: none, y: 0.4pt + rgb("#C9CED4")))
"""


def _write_pdf(markdown: str, *, args: list[str], media: Path, metadata: dict[str, Any], toc: bool,
               output: Path) -> None:
    """Markdown → HTML (the great_tables tables) → Typst (pandoc) → PDF (the ``typst`` wheel)."""
    import pypandoc
    import typst

    html = str(pypandoc.convert_text(markdown, "html5", format="markdown", extra_args=args, cworkdir=str(media)))
    html = _data_uris_to_files(html, media)
    page = f"<!DOCTYPE html>\n<html><head><title>{metadata.get('title', '')}</title></head><body>\n{html}\n</body></html>\n"
    meta = {k: v for k, v in metadata.items() if isinstance(v, str)}
    lang = meta.get("lang", "nb")
    meta.update({"lang": lang, "region": "NO" if lang == "nb" else "GB", "papersize": "a4"})
    extra = [*args, "--standalone", *(f"--metadata={k}:{v}" for k, v in meta.items()),
             f"--include-in-header={_preamble(media)}"]
    if toc:
        extra += ["--toc", "--toc-depth=2"]
    source = media / "report.typ"
    pypandoc.convert_text(page, "typst", format="html", outputfile=str(source), extra_args=extra, cworkdir=str(media))
    # Every report table has its label (indicator, county) first: give that column room (unless
    # the table sets its own widths) and right-align the numbers, instead of N equal auto
    # columns that wrap the labels letter-wise.
    text = source.read_text(encoding="utf-8")

    def columns(m: re.Match[str]) -> str:
        n = int(m[1]) if m[1].isdigit() else len([w for w in m[1].strip("()").split(",") if w.strip()])
        widths = f"(2.4fr,) + (1fr,) * {n - 1}" if m[1].isdigit() else m[1]
        return f"columns: {widths},\n{m[2]}align: (left,) + (right,) * {n - 1},"

    text = re.sub(r"columns: (\d+|\([^)]*\)),\n(\s*)align: \([a-z,]+\),", columns, text)
    text = _typst_alt_texts(text, html)
    source.write_text(text, encoding="utf-8")
    try:
        # PDF/UA-1 (tagged, every figure with its alt text, the title shown): typst checks it
        # and refuses a document that breaks it, e.g. a template's own figure without fig-alt.
        try:
            typst.compile(str(source), output=str(output), root=str(media), pdf_standards=["ua-1"])
        except Exception as error:  # the wheel raises its own error types
            if "PDF/UA" not in str(error):
                raise
            warnings.warn(f"{output.name.removesuffix('.part')} is a tagged PDF but not PDF/UA-1: "
                          f"{str(error)[:200]}; give every figure a fig-alt.", OmdommeWarning, stacklevel=2)
            typst.compile(str(source), output=str(output), root=str(media))
    except Exception as error:  # the wheel raises its own error types
        output.unlink(missing_ok=True)
        raise AnalysisError(f"typst could not compile the PDF ({source.name}): {str(error)[:500]}") from None


def _typst_alt_texts(typ: str, html: str) -> str:
    """Give every ``image("file")`` of pandoc's Typst output the ``alt`` of its HTML ``<img>``.

    pandoc's Typst writer drops an image's alt text; a tagged PDF (and PDF/UA) needs it on
    every figure, and the charts' alt texts say what they show and their key numbers.
    """
    from html import unescape

    alts = {}
    for tag in re.findall(r"<img\b[^>]*>", html):
        src, alt = re.search(r'\bsrc="([^"]*)"', tag), re.search(r'\balt="([^"]*)"', tag)
        if src and alt and alt[1]:
            alts[unescape(src[1])] = unescape(alt[1])

    def add(match: re.Match[str]) -> str:
        alt = alts.get(match[1])
        if alt is None:
            return match[0]
        quoted = alt.replace("\\", "\\\\").replace('"', '\\"')
        return f'image("{match[1]}", alt: "{quoted}")'

    return re.sub(r'image\("([^"]+)"\)', add, typ)


def _preamble(media: Path) -> Path:
    path = media / "preamble.typ"
    path.write_text(_TYPST_PREAMBLE, encoding="utf-8")
    return path


def _data_uris_to_files(html: str, media: Path) -> str:
    """Replace every ``src="data:image/…;base64,…"`` with a file written to ``media``."""
    count = 0

    def write(match: re.Match[str]) -> str:
        nonlocal count
        count += 1
        name = f"docx-figure-{count}.{match['ext']}"
        (media / name).write_bytes(base64.b64decode(match["data"]))
        return f'src="{name}"'

    return re.sub(r'src="data:image/(?P<ext>png|jpeg|svg\+xml);base64,(?P<data>[^"]+)"', write, html)


def document_metadata(doc: QmdDocument, overrides: dict[str, Any]) -> dict[str, Any]:
    """Front-matter keys pandoc understands (title, subtitle, author, lang…), with overrides."""
    keep = ("title", "subtitle", "author", "date", "lang", "abstract", "toc-title")
    meta = {k: v for k, v in doc.front_matter.items() if k in keep}
    meta.update({k: v for k, v in overrides.items() if v is not None})
    return meta


def wants_toc(doc: QmdDocument, target: str = "html") -> bool:
    """Whether the front matter asks for a table of contents for ``target``.

    ``format.<target>.toc`` wins over a top-level ``toc``.
    """
    fmt = doc.front_matter.get("format")
    options = fmt.get(target) if isinstance(fmt, dict) else None
    if isinstance(options, dict) and "toc" in options:
        return bool(options["toc"])
    return bool(doc.front_matter.get("toc"))


__all__ = ["Cell", "assemble", "convert", "document_metadata", "execute", "parameter_source", "wants_toc"]
