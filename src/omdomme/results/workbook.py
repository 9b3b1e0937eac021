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
  table; headers are frozen and columns sized. The breakdown rows are not here but on
- **one crosstab sheet per reputation indicator with breakdowns** (``<indicator> krysstab``):
  ``omdomme table``'s shape (:mod:`omdomme.results.crosstab`), one block per breakdown, the
  counties as rows and the levels as column groups of estimate, interval, n, the compact
  letters and the note.

:func:`write_indicator_sheets` with ``lang="en"`` writes the same sheets in English (the
workbook ``omdomme-<round>.en.xlsx`` of ``omdomme analyse --lang en``): sheet «About the
figures», English headings, the labels' ``label_en`` (a missing one: the Norwegian label marked
«(nb)», listed on the first sheet), county names as in English (Norge is Norway), and the
English number formats (``0.0%``, ``"NOK "#,##0``).

Excel stores number formats in its own (US) notation and shows them with the reader's
locale: ``0.0 %`` is what a Norwegian Excel displays as ``29,4 %``.
"""

from __future__ import annotations

from typing import Any

import polars as pl

from omdomme.labels import TARGET_ORDER, fmt_pct, label_in, target_label
from omdomme.labels import unit_of as _unit
from omdomme.results.crosstab import breakdowns_of, crosstab_cells
from omdomme.results.read import labels_in

PERCENT_FORMAT = "0.0 %"
COUNT_FORMAT = "#,##0"
# What Excel shows is what the `display` column and the reports show (omdomme.labels): a
# total in NOK in millions with one decimal (each trailing comma divides by 1000), other
# NOK in whole kroner, other numbers with one decimal. Excel rounds the value it shows
# half away from zero, as omdomme.labels does.
# A net score (a difference of two shares, stored as such) is shown signed in percent, as Excel
# cannot scale a number up to points without a «%»; a mean score of a rating scale with two decimals.
NUMBER_FORMATS = {"pct": PERCENT_FORMAT, "kr": '#,##0" kr"', "mill_kr": '#,##0.0,," mill. kr"', "number": "#,##0.0",
                  "points": "+0.0 %;-0.0 %;0.0 %", "score": "0.00"}
#: The English workbook's formats: «45.3%», «NOK 1,234», «NOK 12.3 m» (omdomme.labels' English forms).
NUMBER_FORMATS_EN = {"pct": "0.0%", "kr": '"NOK "#,##0', "mill_kr": '"NOK "#,##0.0,," m"', "number": "#,##0.0",
                     "points": "+0.0%;-0.0%;0.0%", "score": "0.00"}
SUPPRESSED = ":"

#: The workbook's words in bokmål and English (the sheets' titles, headings, legends, «Om tallene»).
WORDS: dict[str, dict[str, str]] = {
    "about": {"nb": "Om tallene", "en": "About the figures"},
    "about_title": {"nb": "Omdømme- og innovasjonsundersøkelsen {round}: tallene",
                    "en": "Reputation and innovation surveys {round}: the figures"},
    "banner": {"nb": "SYNTETISKE DATA. Tallene er laget av en simulator og beskriver ingen ekte respondenter eller foretak.",
               "en": "SYNTHETIC DATA. The figures come from a simulator and describe no real respondents or firms."},
    "about_sheets": {
        "nb": "Ett ark per indikator: fylkene (og Norge) som rader, for hvert utvalg estimat, 95 % konfidensintervall "
              "(nedre og øvre grense), uvektet n og merknad.",
        "en": "One sheet per indicator: the counties (and Norway) as rows; for each group the estimate, the 95 % "
              "confidence interval (lower and upper bound), the unweighted n and a note."},
    "about_crosstabs": {
        "nb": "Ark som ender på «krysstab»: indikatoren etter bakgrunn (kjønn, alder, …), fylkene som rader og "
              "nivåene som kolonner, med bokstaver: fylker i samme kolonne med en felles bokstav er ikke sikkert "
              "forskjellige (alle par, Holm-justert p ≥ 0,05); «a» er best.",
        "en": "Sheets ending in «crosstab»: the indicator by background (sex, age, …), the counties as rows and the "
              "levels as columns, with letters: counties in one column that share a letter do not differ "
              "(all pairs, Holm-adjusted p ≥ 0.05); «a» is the best."},
    "about_numbers": {"nb": "Tallene er lagret som tall: andeler som 0–1 med prosentformat, så de kan regnes med direkte.",
                      "en": "The figures are stored as numbers: shares as 0–1 with a percent format, so they can be "
                            "computed with directly."},
    "about_symbols": {
        "nb": "«:» betyr at tallet er undertrykt (for usikkert eller av personvernhensyn); grunnen står i fotnoten "
              "under tabellen. «*» i merknad: tallet er merket (lav presisjon).",
        "en": "«:» means the figure is suppressed (too uncertain, or for confidentiality); the reason is in the "
              "footnote under the table. «*» in the note: the figure is flagged (low precision)."},
    "about_raw": {"nb": "Arkene estimates, comparisons og ranks er analysens rå tabeller (samme innhold som CSV-filene).",
                  "en": "The sheets estimates, comparisons and ranks are the analysis's raw tables (the same as the "
                        "CSV files; their columns are documented in docs/output.md)."},
    "about_untranslated": {"nb": "", "en": "Labels without an English version in the definition are shown in "
                                           "Norwegian, marked «(nb)»: {labels}."},
    "about_notes": {"nb": "", "en": "The footnotes' reasons are the analysis's notes, in Norwegian."},
    "ci_method": {"nb": "intervallmetode {method}", "en": "interval method {method}"},
    "ci_level": {"nb": ", nivå {level}", "en": ", level {level}"},
    "efficiency": {"nb": "vektingseffektivitet (Kish) {value}", "en": "weighting efficiency (Kish) {value}"},
    "subtitle": {"nb": "{survey}, runde {round}; {better}", "en": "{survey}, round {round}; {better}"},
    "higher": {"nb": "høyere er bedre", "en": "higher is better"},
    "lower": {"nb": "lavere er bedre", "en": "lower is better"},
    "synthetic": {"nb": "; SYNTETISKE DATA", "en": "; SYNTHETIC DATA"},
    "county": {"nb": "Fylke", "en": "County"},
    "estimate": {"nb": "Estimat", "en": "Estimate"},
    "ci_low": {"nb": "95 % KI nedre", "en": "95 % CI lower"},
    "ci_high": {"nb": "95 % KI øvre", "en": "95 % CI upper"},
    "n": {"nb": "n", "en": "n"},
    "note": {"nb": "Merknad", "en": "Note"},
    "letters": {"nb": "Bokstaver", "en": "Letters"},
    "footnote": {"nb": "fotnote {k}", "en": "footnote {k}"},
    "suppressed_word": {"nb": "undertrykt", "en": "suppressed"},
    "flagged_word": {"nb": "merket", "en": "flagged"},
    "legend": {"nb": "«:» = undertrykt, «*» = merket (lav presisjon); merknaden viser til fotnoten under.",
               "en": "«:» = suppressed, «*» = flagged (low precision); the note refers to the footnote below."},
    "crosstab": {"nb": " krysstab", "en": " crosstab"},
    "by": {"nb": "Etter {what}", "en": "By {what}"},
    "letters_legend": {
        "nb": "Bokstaver: fylker i samme kolonne med en felles bokstav er ikke sikkert forskjellige (alle par, "
              "Holm-justert p ≥ 0,05); «a» er best.",
        "en": "Letters: counties in one column that share a letter do not differ (all pairs, Holm-adjusted "
              "p ≥ 0.05); «a» is the best."},
}


def _w(key: str, lang: str, **values: Any) -> str:
    text = WORDS[key][lang]
    return text.format(**values) if values else text


def sheet_name(survey: str, indicator: str, taken: set[str], suffix: str = "") -> str:
    """An Excel sheet name (at most 31 characters, unique) for an indicator, ending in ``suffix``.

    Examples
    --------
    >>> sheet_name("omdomme", "svaert_godt_meninger", set())
    'svaert_godt_meninger'
    >>> sheet_name("innovasjon", "produktinnovasjon_tjenester", {"produktinnovasjon_tjenester"})
    'produktinnovasjon_tjenester 2'
    >>> sheet_name("omdomme", "svaert_godt_meninger_blant_unge", set(), " krysstab")
    'svaert_godt_meninger_b krysstab'
    """
    base = indicator[:31 - len(suffix)] + suffix
    name, k = base, 2
    while name in taken:
        number = f" {k}"
        keep = 31 - len(suffix) - len(number)
        name, k = indicator[:keep] + number + suffix, k + 1
    taken.add(name)
    return name


class _Formats:
    """The workbook's cell formats, made once per workbook (xlsxwriter formats belong to one workbook)."""

    def __init__(self, workbook: Any, lang: str) -> None:
        self.workbook = workbook
        self.numbers = NUMBER_FORMATS if lang == "nb" else NUMBER_FORMATS_EN
        self.title = workbook.add_format({"bold": True, "font_size": 14})
        self.banner = workbook.add_format({"bold": True, "font_color": "#8A3E00", "bg_color": "#FFF4E5",
                                           "text_wrap": True, "valign": "top"})
        self.wrap = workbook.add_format({"text_wrap": True, "valign": "top"})
        self.head = workbook.add_format({"bold": True, "bg_color": "#F3F6F7", "bottom": 1, "text_wrap": True,
                                         "valign": "bottom", "align": "center"})
        self.group = workbook.add_format({"bold": True, "bg_color": "#F3F6F7", "align": "center", "top": 1})
        self.block = workbook.add_format({"bold": True, "font_size": 12})
        self.note = workbook.add_format({"italic": True, "font_color": "#5A5F69"})
        self.right = workbook.add_format({"align": "right"})
        self.letters = workbook.add_format({"align": "left"})
        self.count = workbook.add_format({"num_format": COUNT_FORMAT})
        self.count_bold = workbook.add_format({"num_format": COUNT_FORMAT, "bold": True, "font_color": "#00798C"})
        self.county_bold = workbook.add_format({"bold": True, "font_color": "#00798C"})
        self._numbers: dict[tuple[str, bool], Any] = {}

    def number(self, unit: str, ostfold: bool) -> Any:
        key = (unit, ostfold)
        if key not in self._numbers:
            spec: dict[str, Any] = {"num_format": self.numbers[unit]}
            if ostfold:
                spec.update({"bold": True, "font_color": "#00798C"})
            self._numbers[key] = self.workbook.add_format(spec)
        return self._numbers[key]


def _synthetic(manifest: dict[str, Any]) -> bool:
    surveys = manifest.get("surveys", {}) if isinstance(manifest, dict) else {}
    return any(isinstance(s, dict) and (s.get("parameters") or {}).get("synthetic") for s in surveys.values())


def _write_about(workbook: Any, f: _Formats, estimates: pl.DataFrame, manifest: dict[str, Any], lang: str) -> None:
    surveys = manifest.get("surveys", {}) if isinstance(manifest, dict) else {}
    about = workbook.add_worksheet(_w("about", lang))
    about.set_column(0, 0, 110)
    row = 0
    about.write(row, 0, _w("about_title", lang, round=manifest.get("round", "")), f.title)
    row += 2
    if _synthetic(manifest):
        about.write(row, 0, _w("banner", lang), f.banner)
        row += 2
    lines = [_w("about_sheets", lang)]
    if breakdowns_of(estimates):
        lines.append(_w("about_crosstabs", lang))
    lines += [_w("about_numbers", lang), _w("about_symbols", lang), _w("about_raw", lang)]
    if lang != "nb":
        lines.append(_w("about_notes", lang))
        missing = labels_in(estimates, lang)[1]
        if missing:
            lines.append(_w("about_untranslated", lang, labels=", ".join(f"«{t}»" for t in missing)))
    for survey, entry in surveys.items():
        if not isinstance(entry, dict):
            continue
        params = entry.get("parameters") or {}
        diag = params.get("weight_diagnostics") or {}
        method = params.get("ci_method")
        level = params.get("level")
        parts = [f"{survey}:"]
        if method:
            parts.append(_w("ci_method", lang, method=method)
                         + (_w("ci_level", lang, level=fmt_pct(level, 0, lang=lang)) if level else ""))
        if diag.get("efficiency"):
            parts.append(_w("efficiency", lang, value=fmt_pct(diag["efficiency"], 0, lang=lang)))
        if len(parts) > 1:
            lines.append(" ".join(parts[:1]) + " " + "; ".join(parts[1:]) + ".")
    for line in lines:
        about.write(row, 0, line, f.wrap)
        row += 1


def _reason(x: dict[str, Any], default: str) -> str:
    return str(x.get("note") or default).split(";")[0]


def _write_cell(sheet: Any, f: _Formats, row: int, c0: int, x: dict[str, Any], unit: str, ostfold: bool, where: str,
                footnotes: list[str], lang: str, *, note: int, letters: int | None = None) -> None:
    """One estimate from column ``c0`` on: estimate, low, high, n (numbers), its letters, its note.

    A suppressed cell holds ``:`` and a footnote (``where``: county and column), a flagged one
    its numbers and a «*» footnote; ``note`` and ``letters`` are the offsets of those columns.
    """
    if x.get("flag") == "suppressed" or x.get("estimate") is None:
        for k in range(3):
            sheet.write_string(row, c0 + k, SUPPRESSED, f.right)
        footnotes.append(f"{where}: {_reason(x, _w('suppressed_word', lang))}")
        sheet.write_string(row, c0 + note, _w("footnote", lang, k=len(footnotes)))
    else:
        for k, col in enumerate(("estimate", "ci_low", "ci_high")):
            if x.get(col) is not None:
                sheet.write_number(row, c0 + k, float(x[col]), f.number(unit, ostfold))
        if letters is not None and x.get("letters"):
            sheet.write_string(row, c0 + letters, str(x["letters"]), f.letters)
        if x.get("flag") == "flagged":
            footnotes.append(f"{where}: {_reason(x, _w('flagged_word', lang))}")
            sheet.write_string(row, c0 + note, "* " + _w("footnote", lang, k=len(footnotes)))
    if x.get("n") is not None:
        sheet.write_number(row, c0 + 3, int(x["n"]), f.count_bold if ostfold else f.count)


def write_indicator_sheets(workbook: Any, estimates: pl.DataFrame, manifest: dict[str, Any],
                           lang: str = "nb") -> list[str]:
    """Add «Om tallene», one formatted sheet per indicator and one crosstab sheet per indicator with
    breakdowns to an open xlsxwriter ``workbook``, in ``lang`` (``nb`` or ``en``).

    The indicator sheets hold the definition's own domains; the breakdown rows are on the
    crosstab sheets (:func:`write_crosstab_sheets`). Returns the names of the indicator and
    crosstab sheets, in order.
    """
    f = _Formats(workbook, lang)
    synthetic = _synthetic(manifest)
    _write_about(workbook, f, estimates, manifest, lang)
    names: list[str] = []
    taken = {_w("about", lang), "estimates", "comparisons", "ranks"}
    if not estimates.height:
        return names
    own = estimates.filter(pl.col("breakdown").is_null()) if "breakdown" in estimates.columns else estimates
    columns = [_w(k, lang) for k in ("estimate", "ci_low", "ci_high", "n", "note")]
    for (survey, indicator), part in own.group_by(["survey", "indicator"], maintain_order=True):
        name = sheet_name(str(survey), str(indicator), taken)
        names.append(name)
        sheet = workbook.add_worksheet(name)
        first = part.row(0, named=True)
        unit = _unit(first.get("kind"), first.get("display"))
        # A whole scale (kind = "scale") has a row per code: a column group per domain × code,
        # headed «<domain>: <code's label>» (the row's label is «<indicator>: <code's label>»).
        scale = "category" in part.columns and part["category"].is_not_null().any()
        title = label_in(str(first.get("label") or indicator), first.get("label_en"), lang)
        sheet.write(0, 0, title.rsplit(": ", 1)[0] if scale else title, f.title)
        sheet.write(1, 0, _w("subtitle", lang, survey=survey, round=first.get("round"),
                             better=_w("higher" if first.get("better") == "higher" else "lower", lang))
                    + (_w("synthetic", lang) if synthetic else ""), f.note)
        english = "domain_label_en" in part.columns
        groups = part.select(
            "domain", "domain_label", pl.col("domain_label_en") if english else pl.lit(None, pl.String).alias("d_en"),
            pl.col("category") if scale else pl.lit(None, pl.String).alias("category"),
            "label", pl.col("label_en") if "label_en" in part.columns else pl.lit(None, pl.String).alias("l_en"),
        ).unique(subset=["domain", "category"], maintain_order=True).rows()
        domains = [((d, cat), label_in(str(nb), en if english else None, lang)
                    + (f": {label_in(str(lab), lab_en, lang).rsplit(': ', 1)[-1]}" if scale else ""))
                   for d, nb, en, cat, lab, lab_en in groups]
        sheet.write(3, 0, _w("county", lang), f.head)
        sheet.write(4, 0, "", f.head)
        for d, (_, dlabel) in enumerate(domains):
            c0 = 1 + d * len(columns)
            sheet.merge_range(3, c0, 3, c0 + len(columns) - 1, dlabel, f.group)
            for k, label in enumerate(columns):
                sheet.write(4, c0 + k, label, f.head)
            sheet.set_column(c0, c0 + 2, 11)
            sheet.set_column(c0 + 3, c0 + 3, 8)
            sheet.set_column(c0 + 4, c0 + 4, 9)
        sheet.set_column(0, 0, 14)
        targets = sorted(part["target"].unique().to_list(), key=lambda t: TARGET_ORDER.get(t, len(TARGET_ORDER)))
        footnotes: list[str] = []
        by_target: dict[str, dict[tuple[Any, Any], dict[str, Any]]] = {}
        for row in part.iter_rows(named=True):
            by_target.setdefault(row["target"], {})[(row["domain"], row.get("category") if scale else None)] = row
        for i, target in enumerate(targets):
            r = 5 + i
            cells = by_target[target]
            label = target_label(target, lang) if lang != "nb" else next(iter(cells.values()))["target_label"]
            is_ostfold = target == "ostfold"
            sheet.write(r, 0, label, f.county_bold if is_ostfold else None)
            for d, (dom, dlabel) in enumerate(domains):
                c0 = 1 + d * len(columns)
                x = cells.get(dom)
                if x is None:
                    continue
                _write_cell(sheet, f, r, c0, x, unit, is_ostfold, f"{label} ({dlabel.lower()})", footnotes, lang,
                            note=4)
        r = 6 + len(targets)
        sheet.write(r, 0, _w("legend", lang), f.note)
        for k, text in enumerate(footnotes, start=1):
            sheet.write(r + k, 0, f"{k}. {text}", f.note)
        sheet.freeze_panes(5, 1)
    names += write_crosstab_sheets(workbook, estimates, manifest, lang, taken=taken, formats=f)
    return names


#: The columns of one level in a crosstab sheet.
CROSSTAB_COLUMNS = ("estimate", "ci_low", "ci_high", "n", "letters", "note")


def write_crosstab_sheets(workbook: Any, estimates: pl.DataFrame, manifest: dict[str, Any], lang: str = "nb", *,
                          taken: set[str] | None = None, formats: _Formats | None = None) -> list[str]:
    """One sheet per indicator with breakdowns: ``omdomme table``'s crosstab, one block per breakdown.

    Each block (:func:`omdomme.results.crosstab.crosstab_cells`): the counties as rows, the
    domain the breakdown splits and its levels as column groups of *estimate*, *95 % KI nedre*,
    *øvre*, *n*, *bokstaver* (the compact letters of the column) and *merknad*; numbers stored as
    numbers with the workbook's formats, ``:`` for a suppressed cell with its footnote under the
    sheet. Returns the sheet names (``<indicator> krysstab``, at most 31 characters, unique).
    """
    f = formats or _Formats(workbook, lang)
    taken = set() if taken is None else taken
    synthetic = _synthetic(manifest)
    round_ = int(manifest.get("round") or (estimates["round"][0] if estimates.height else 0))
    names: list[str] = []
    heads = [_w(k, lang) for k in CROSSTAB_COLUMNS]
    width = len(CROSSTAB_COLUMNS)
    # Each indicator's rows once (the crosstab reads only its own), not the whole table per block.
    own = estimates.partition_by(["survey", "indicator"], as_dict=True) if estimates.height else {}
    for (survey, indicator), breakdowns in breakdowns_of(estimates).items():
        rows = own[(survey, indicator)]
        tables = [crosstab_cells(rows, manifest, indicator, by, round_, survey) for by in breakdowns]
        name = sheet_name(survey, indicator, taken, _w("crosstab", lang))
        names.append(name)
        sheet = workbook.add_worksheet(name)
        first = rows.row(0, named=True)
        unit = _unit(first.get("kind"), first.get("display"))
        sheet.write(0, 0, tables[0].title(lang), f.title)
        sheet.write(1, 0, _w("subtitle", lang, survey=survey, round=round_,
                             better=_w("higher" if first.get("better") == "higher" else "lower", lang))
                    + (_w("synthetic", lang) if synthetic else ""), f.note)
        sheet.set_column(0, 0, 14)
        footnotes: list[str] = []
        r = 3
        most = 0
        for t in tables:
            sheet.write(r, 0, _w("by", lang, what=t.by(lang).lower()), f.block)
            sheet.write(r + 1, 0, _w("county", lang), f.head)
            sheet.write(r + 2, 0, "", f.head)
            headings = t.headings(lang)
            most = max(most, len(headings))
            for c, heading in enumerate(headings):
                c0 = 1 + c * width
                sheet.merge_range(r + 1, c0, r + 1, c0 + width - 1, heading, f.group)
                for k, label in enumerate(heads):
                    sheet.write(r + 2, c0 + k, label, f.head)
            for i, (target, county, cells) in enumerate(t.rows):
                row = r + 3 + i
                shown = target_label(target, lang) if lang != "nb" else county
                is_ostfold = target == "ostfold"
                sheet.write(row, 0, shown, f.county_bold if is_ostfold else None)
                for c, x in enumerate(cells):
                    if x is None:
                        continue
                    _write_cell(sheet, f, row, 1 + c * width, x, unit, is_ostfold, f"{shown} ({headings[c].lower()})",
                                footnotes, lang, note=5, letters=4)
            r += 3 + len(t.rows) + 1
        for c in range(most):
            c0 = 1 + c * width
            sheet.set_column(c0, c0 + 2, 11)
            sheet.set_column(c0 + 3, c0 + 4, 8)
            sheet.set_column(c0 + 5, c0 + 5, 9)
        sheet.write(r, 0, _w("letters_legend", lang), f.note)
        sheet.write(r + 1, 0, _w("legend", lang), f.note)
        for k, text in enumerate(footnotes, start=1):
            sheet.write(r + 1 + k, 0, f"{k}. {text}", f.note)
        sheet.freeze_panes(3, 1)
    return names
