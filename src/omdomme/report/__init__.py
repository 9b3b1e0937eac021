"""Reports: Quarto templates rendered from ``analyses/<round>/``, with or without Quarto.

Public surface:

- :func:`render_report` — render ``reports/<survey>.qmd`` for a round to HTML/DOCX (PDF with quarto).
- :class:`Report` — what template cells call: one method per section (summary, indicators, …).
- :func:`load_round`, :class:`RoundResults` — the analysis outputs as the report reads them.
- :func:`fmt_pct`, :func:`fmt_number`, :func:`fmt_int`, :func:`fmt_pp`, :func:`fmt_range` —
  Norwegian number formats (``45,3 %``).

Heavy libraries (plotnine, great_tables, nbclient, pypandoc) load inside the functions that
use them, so importing this package is cheap.
"""

from __future__ import annotations

from omdomme.labels import (
    fmt_int,
    fmt_number,
    fmt_p,
    fmt_pct,
    fmt_pp,
    fmt_range,
    fmt_value,
)
from omdomme.report._document import Report, parameters
from omdomme.report._render import render_report
from omdomme.results.read import RoundResults, analysed_rounds, load_round, trend_estimates

__all__ = [
    "Report",
    "RoundResults",
    "analysed_rounds",
    "fmt_int",
    "fmt_number",
    "fmt_p",
    "fmt_pct",
    "fmt_pp",
    "fmt_range",
    "fmt_value",
    "load_round",
    "parameters",
    "render_report",
    "trend_estimates",
]
