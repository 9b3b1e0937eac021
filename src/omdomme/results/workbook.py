"""The analysts' sheets of ``analyses/<round>/omdomme-<round>.xlsx``: one formatted sheet per indicator.

Beside the raw tables (``estimates``, ``comparisons``, ``ranks``, written by
:mod:`omdomme.results.write`), the workbook gets, first:

- **«Om tallene»**: the synthetic-data banner when it applies, what the sheets hold, the
  interval method, the suppression symbol ``:`` and the weighting efficiency;
- **one sheet per indicator** (survey × indicator): the counties (and Norway) as rows, a
  column group per domain with *estimate*, *95 % KI nedre*, *øvre*, *n* and *merknad*.
  Numbers are stored as numbers (shares 0–1 with the Excel format ``0.0 %``, which Excel
  shows as ``29,4 %`` in Norwegian; counts ``#,##0`` → ``1 585``), so an analyst can compute
  with them; a suppressed cell holds ``:`` (a text) and its reason is a footnote under the
  table; headers are frozen and columns sized.

Excel stores number formats in its own (US) notation and shows them with the reader's
locale: ``0.0 %`` is what a Norwegian Excel displays as ``29,4 %``.
"""

from __future__ import annotations

from typing import Any

import polars as pl

from omdomme.labels import TARGET_ORDER, fmt_pct
from omdomme.labels import unit_of as _unit

PERCENT_FORMAT = "0.0 %"
COUNT_FORMAT = "#,##0"
# What Excel shows is what the `display` column and the reports show (omdomme.labels): a
# total in NOK in millions with one decimal (each trailing comma divides by 1000), other
# NOK in whole kroner, other numbers with one decimal. Excel rounds the value it shows
# half away from zero, as omdomme.labels does.
NUMBER_FORMATS = {"pct": PERCENT_FORMAT, "kr": '#,##0" kr"', "mill_kr": '#,##0.0,," mill. kr"', "number": "#,##0.0"}
SUPPRESSED = ":"


def sheet_name(survey: str, indicator: str, taken: set[str]) -> str:
    """An Excel sheet name (at most 31 characters, unique) for an indicator.

    Examples
    --------
    >>> sheet_name("omdomme", "svaert_godt_meninger", set())
    'svaert_godt_meninger'
    >>> sheet_name("innovasjon", "produktinnovasjon_tjenester", {"produktinnovasjon_tjenester"})
    'produktinnovasjon_tjenester 2'
    """
    base = indicator[:31]
    name, k = base, 2
    while name in taken:
        suffix = f" {k}"
        name, k = base[:31 - len(suffix)] + suffix, k + 1
    taken.add(name)
    return name


def write_indicator_sheets(workbook: Any, estimates: pl.DataFrame, manifest: dict[str, Any]) -> list[str]:
    """Add «Om tallene» and one formatted sheet per indicator to an open xlsxwriter ``workbook``.

    Returns the names of the indicator sheets, in order.
    """
    title = workbook.add_format({"bold": True, "font_size": 14})
    banner = workbook.add_format({"bold": True, "font_color": "#8A3E00", "bg_color": "#FFF4E5", "text_wrap": True,
                                  "valign": "top"})
    wrap = workbook.add_format({"text_wrap": True, "valign": "top"})
    head = workbook.add_format({"bold": True, "bg_color": "#F3F6F7", "bottom": 1, "text_wrap": True,
                                "valign": "bottom", "align": "center"})
    group = workbook.add_format({"bold": True, "bg_color": "#F3F6F7", "align": "center", "top": 1})
    note = workbook.add_format({"italic": True, "font_color": "#5A5F69"})
    hidden = workbook.add_format({"align": "right"})
    fmt_cache: dict[tuple[str, bool], Any] = {}

    def number_format(unit: str, ostfold: bool) -> Any:
        key = (unit, ostfold)
        if key not in fmt_cache:
            spec: dict[str, Any] = {"num_format": NUMBER_FORMATS[unit]}
            if ostfold:
                spec.update({"bold": True, "font_color": "#00798C"})
            fmt_cache[key] = workbook.add_format(spec)
        return fmt_cache[key]

    count_fmt = workbook.add_format({"num_format": COUNT_FORMAT})
    count_bold = workbook.add_format({"num_format": COUNT_FORMAT, "bold": True, "font_color": "#00798C"})
    county_bold = workbook.add_format({"bold": True, "font_color": "#00798C"})

    surveys = manifest.get("surveys", {}) if isinstance(manifest, dict) else {}
    synthetic = any(isinstance(s, dict) and (s.get("parameters") or {}).get("synthetic") for s in surveys.values())
    about = workbook.add_worksheet("Om tallene")
    about.set_column(0, 0, 110)
    row = 0
    about.write(row, 0, f"Omdømme- og innovasjonsundersøkelsen {manifest.get('round', '')}: tallene", title)
    row += 2
    if synthetic:
        about.write(row, 0, "SYNTETISKE DATA. Tallene er laget av en simulator og beskriver ingen ekte "
                            "respondenter eller foretak.", banner)
        row += 2
    lines = [
        "Ett ark per indikator: fylkene (og Norge) som rader, for hvert utvalg estimat, 95 % konfidensintervall "
        "(nedre og øvre grense), uvektet n og merknad.",
        "Tallene er lagret som tall: andeler som 0–1 med prosentformat, så de kan regnes med direkte.",
        "«:» betyr at tallet er undertrykt (for usikkert eller av personvernhensyn); grunnen står i fotnoten "
        "under tabellen. «*» i merknad: tallet er merket (lav presisjon).",
        "Arkene estimates, comparisons og ranks er analysens rå tabeller (samme innhold som CSV-filene).",
    ]
    for survey, entry in surveys.items():
        if not isinstance(entry, dict):
            continue
        params = entry.get("parameters") or {}
        diag = params.get("weight_diagnostics") or {}
        method = params.get("ci_method")
        level = params.get("level")
        parts = [f"{survey}:"]
        if method:
            parts.append(f"intervallmetode {method}" + (f", nivå {fmt_pct(level, 0)}" if level else ""))
        if diag.get("efficiency"):
            parts.append(f"vektingseffektivitet (Kish) {fmt_pct(diag['efficiency'], 0)}")
        if len(parts) > 1:
            lines.append(" ".join(parts[:1]) + " " + "; ".join(parts[1:]) + ".")
    for line in lines:
        about.write(row, 0, line, wrap)
        row += 1

    names: list[str] = []
    taken = {"Om tallene", "estimates", "comparisons", "ranks"}
    if not estimates.height:
        return names
    order = TARGET_ORDER
    for (survey, indicator), part in estimates.group_by(["survey", "indicator"], maintain_order=True):
        name = sheet_name(str(survey), str(indicator), taken)
        names.append(name)
        sheet = workbook.add_worksheet(name)
        first = part.row(0, named=True)
        unit = _unit(first.get("kind"), first.get("display"))
        scale = 1.0
        sheet.write(0, 0, str(first.get("label") or indicator), title)
        sheet.write(1, 0, f"{survey}, runde {first.get('round')}; {'høyere' if first.get('better') == 'higher' else 'lavere'} "
                          "er bedre" + ("; SYNTETISKE DATA" if synthetic else ""), note)
        domains = part.select("domain", "domain_label").unique(maintain_order=True).rows()
        sheet.write(3, 0, "Fylke", head)
        sheet.write(4, 0, "", head)
        columns = ("Estimat", "95 % KI nedre", "95 % KI øvre", "n", "Merknad")
        for d, (_, dlabel) in enumerate(domains):
            c0 = 1 + d * len(columns)
            sheet.merge_range(3, c0, 3, c0 + len(columns) - 1, str(dlabel), group)
            for k, label in enumerate(columns):
                sheet.write(4, c0 + k, label, head)
            sheet.set_column(c0, c0 + 2, 11)
            sheet.set_column(c0 + 3, c0 + 3, 8)
            sheet.set_column(c0 + 4, c0 + 4, 9)
        sheet.set_column(0, 0, 14)
        targets = sorted(part["target"].unique().to_list(), key=lambda t: order.get(t, len(order)))
        footnotes: list[str] = []
        for i, target in enumerate(targets):
            r = 5 + i
            rows = {x["domain"]: x for x in part.filter(pl.col("target") == target).iter_rows(named=True)}
            label = next(iter(rows.values()))["target_label"]
            is_ostfold = target == "ostfold"
            sheet.write(r, 0, label, county_bold if is_ostfold else None)
            for d, (dom, dlabel) in enumerate(domains):
                c0 = 1 + d * len(columns)
                x = rows.get(dom)
                if x is None:
                    continue
                fmt = number_format(unit, is_ostfold)
                if x.get("flag") == "suppressed" or x.get("estimate") is None:
                    for k in range(3):
                        sheet.write_string(r, c0 + k, SUPPRESSED, hidden)
                    footnotes.append(f"{label} ({str(dlabel).lower()}): {str(x.get('note') or 'undertrykt').split(';')[0]}")
                    sheet.write_string(r, c0 + 4, f"fotnote {len(footnotes)}")
                else:
                    for k, col in enumerate(("estimate", "ci_low", "ci_high")):
                        if x.get(col) is not None:
                            sheet.write_number(r, c0 + k, float(x[col]) * scale, fmt)
                    if x.get("flag") == "flagged":
                        footnotes.append(f"{label} ({str(dlabel).lower()}): {str(x.get('note') or 'merket').split(';')[0]}")
                        sheet.write_string(r, c0 + 4, f"* fotnote {len(footnotes)}")
                if x.get("n") is not None:
                    sheet.write_number(r, c0 + 3, int(x["n"]), count_bold if is_ostfold else count_fmt)
        r = 6 + len(targets)
        sheet.write(r, 0, "«:» = undertrykt, «*» = merket (lav presisjon); merknaden viser til fotnoten under.", note)
        for k, text in enumerate(footnotes, start=1):
            sheet.write(r + k, 0, f"{k}. {text}", note)
        sheet.freeze_panes(5, 1)
    return names
