"""The board's slides: ``omdomme report <round> --format pptx`` (pandoc's PowerPoint writer).

A deck built from the same :class:`~omdomme.report.Report` the templates use (so the same
numbers): a title slide (with the synthetic-data notice when it applies), the summary table,
then one slide per indicator whose title is its message («Østfold 29,4 % – plass 5 av 5»),
with the county chart of its headline group and the method note as speaker notes. A
``reference_doc`` (a .pptx whose slide master and layouts pandoc reuses) gives the
partnership's own look.
"""

from __future__ import annotations

import base64
from pathlib import Path
from typing import TYPE_CHECKING, Any

import polars as pl

from omdomme.report import _charts, _tables
from omdomme.report._text import phrase

if TYPE_CHECKING:
    from omdomme.report._document import Report


def _cell(text: str) -> str:
    return str(text).replace("|", "/").replace("\n", " ")


def _png(plot: Any, path: Path, width: float, height: float) -> None:
    md = _charts.figure_markdown(plot, "x", width=width, height=height, dpi=200)
    data = md.split("base64,", 1)[1].split(")", 1)[0]
    path.write_bytes(base64.b64decode(data))


def indicator_title(report: Report, indicator: str) -> str:
    """The slide title: Østfold's value and its rank (reputation) or Norway's (innovation)."""
    lang = report.lang
    dom = report.main_domains[indicator]
    rows = {r["target"]: r for r in report.estimates.filter(
        (pl.col("indicator") == indicator) & (pl.col("domain") == dom)).iter_rows(named=True)}
    o = rows.get("ostfold")
    value = _tables._cell(o, lang) if o else ":"
    if report.survey == "innovasjon":
        n = rows.get("norge")
        return f"Østfold {value} – {phrase('norge_line', lang)} {_tables._cell(n, lang) if n else ':'}"
    rank = report.ranks.filter((pl.col("indicator") == indicator) & (pl.col("domain") == dom)
                               & (pl.col("target") == "ostfold")) if report.ranks.height else report.ranks
    if not rank.height:
        return f"Østfold {value}"
    r = rank.row(0, named=True)
    total = report.estimates.filter((pl.col("indicator") == indicator) & (pl.col("domain") == dom))["target"].n_unique()
    word = "plass" if lang == "nb" else "rank"
    of = "av" if lang == "nb" else "of"
    return f"Østfold {value} – {word} {r['rank_point']} {of} {total}"


def slides_markdown(report: Report, media: Path, alts: dict[str, str] | None = None) -> str:
    """The deck as pandoc Markdown (slide level 1), its charts written to ``media``.

    ``alts`` (when given) receives each chart's file name and alt text.
    """
    lang = report.lang
    alts = {} if alts is None else alts
    parts: list[str] = []
    method = " ".join(p for p in report.method_parts() if isinstance(p, str) and not p.startswith("#"))
    synthetic = bool(report.banner_parts())
    # Summary slide: the reputation summary or Østfold against Norway.
    if report.survey == "innovasjon":
        head = ["Indikator" if lang == "nb" else "Indicator", "Østfold", phrase("col_ci", lang), phrase("norge_line", lang)]
        rows = []
        for ind, dom in report.main_domains.items():
            data = {r["target"]: r for r in report.estimates.filter(
                (pl.col("indicator") == ind) & (pl.col("domain") == dom)).iter_rows(named=True)}
            o, n = data.get("ostfold"), data.get("norge")
            if o is not None:
                rows.append([o["label"], _tables._cell(o, lang), _tables._interval(o, lang),
                             _tables._cell(n, lang) if n else ":"])
    else:
        frame = _tables.summary_frame(report.estimates, report.comparisons, report.ranks, report.main_domains,
                                      previous=report.previous, lang=lang)
        head = [phrase("col_indicator", lang), "Østfold", phrase("col_rank", lang), phrase("col_akershus", lang),
                phrase("col_goal", lang)]
        rows = [[r["label"], r["ostfold"], r["rank"], r["akershus"], r["goal"]]
                for r in frame.iter_rows(named=True)]
    # The separator's dashes set the relative column widths (the rows are wider than --columns).
    table = ["| " + " | ".join(_cell(h) for h in head) + " |",
             "|" + "|".join(["-" * 44] + ["-" * 13 + ":"] * (len(head) - 1)) + "|"]
    table += ["| " + " | ".join(_cell(c) for c in row) + " |" for row in rows]
    # pandoc starts a new slide for text after a table: the symbols go into the notes.
    symbol = "«:» = undertrykt (for usikkert)." if lang == "nb" else "«:» = suppressed (too uncertain)."
    banner = f"{phrase('banner', lang).upper()}. {phrase('banner_text', lang)} " if synthetic else ""
    parts.append(f"# {phrase('summary', lang)} {report.round}\n\n" + "\n".join(table)
                 + f"\n\n::: notes\n{banner}{symbol} {method}\n:::")
    for k, (ind, dom) in enumerate(report.main_domains.items(), start=1):
        shown = report.estimates
        is_total = shown.filter(pl.col("indicator") == ind)["kind"].first() == "total"
        if is_total:
            shown = shown.filter(~((pl.col("indicator") == ind) & (pl.col("target") == "norge")))
        reference = "norge" if report.survey == "innovasjon" and not is_total else \
            "none" if is_total else "akershus"
        plot = _charts.county_chart(shown, ind, lang=lang, domains=[dom], reference=reference)
        name = f"slide-{k}.png"
        n_targets = shown.filter((pl.col("indicator") == ind) & (pl.col("domain") == dom))["target"].n_unique()
        _png(plot, media / name, 6.4, 0.8 + 0.36 * n_targets)
        alts[name] = _charts.county_alt(shown.filter(pl.col("domain") == dom), ind, lang=lang)
        alt = _charts.county_alt(shown.filter(pl.col("domain") == dom), ind, lang=lang).replace('"', "«")
        label = report.labels[ind]
        dlabel = shown.filter((pl.col("indicator") == ind) & (pl.col("domain") == dom))["domain_label"][0]
        # The chart alone under the message title (pandoc's «Title and Content» layout, the
        # picture described by its alt text); what it shows in words goes into the notes.
        parts.append(f"# {indicator_title(report, ind)}\n\n"
                     f'![]({name}){{alt="{alt}"}}\n\n'
                     f"::: notes\n{label} ({str(dlabel).lower()}, {report.round}). {alt}\n\n{method}\n:::")
    return "\n\n".join(parts) + "\n"


def write_pptx(report: Report, output: Path, *, title: str, subtitle: str | None,
               reference_doc: Path | None = None, media: Path) -> Path:
    """Write the deck to ``output`` (atomically) with pandoc's pptx writer."""
    import pypandoc
    import yaml

    lang = report.lang
    meta: dict[str, Any] = {"title": title, "lang": lang}
    if subtitle:
        meta["subtitle"] = subtitle
    if report.banner_parts():
        meta["author"] = f"{phrase('banner', lang).upper()}: {phrase('banner_text', lang).split('.')[0]}."
    alts: dict[str, str] = {}
    body = ("---\n" + yaml.safe_dump(meta, allow_unicode=True, sort_keys=False) + "---\n\n"
            + slides_markdown(report, media, alts))
    args = ["--slide-level=1", f"--resource-path={media}"]
    if reference_doc is not None:
        args.append(f"--reference-doc={reference_doc}")
    output.parent.mkdir(parents=True, exist_ok=True)
    tmp = output.with_name(output.name + ".part")
    pypandoc.convert_text(body, "pptx", format="markdown", outputfile=str(tmp), extra_args=args, cworkdir=str(media))
    _describe_pictures(tmp, alts)
    tmp.replace(output)
    return output


def _describe_pictures(path: Path, alts: dict[str, str]) -> None:
    """pandoc names each picture by its file; give it its alt text as description instead."""
    import zipfile
    from xml.sax.saxutils import quoteattr

    with zipfile.ZipFile(path) as z:
        items = [(info, z.read(info.filename)) for info in z.infolist()]
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        for info, data in items:
            if info.filename.startswith("ppt/slides/slide") and info.filename.endswith(".xml"):
                text = data.decode("utf-8")
                for name, alt in alts.items():
                    text = text.replace(f'descr="{name}"', f"descr={quoteattr(alt)}")
                data = text.encode("utf-8")
            z.writestr(info, data)


__all__ = ["indicator_title", "slides_markdown", "write_pptx"]
