"""One number, one string: the terminal summary, the ``display`` column, the workbook and the report.

Each surface's own entry point is called with the same number and must give the same text
(decision 3 of issue 12). tests/test_labels.py checks the formatter itself; tests/test_report.py
checks the same on the analysed 2018 round end to end.
"""

from __future__ import annotations

import polars as pl
from hypothesis import example, given, settings
from hypothesis import strategies as st

from omdomme.analysis.disclosure import display_text
from omdomme.analysis.reliability import apply_reliability
from omdomme.labels import fmt_pct, fmt_pp, fmt_unit
from omdomme.report import _tables
from omdomme.text.summary import _Format

shares = st.one_of(st.integers(0, 20000).map(lambda k: k / 20000), st.floats(0.0, 1.0))


def _display(estimate: float) -> str:
    # The reputation survey's `display`: presentation rules on a row that passes them.
    row = {"n": 1000, "eff_n": 900.0, "estimate": estimate, "ci_low": max(estimate - 0.02, 0.0),
           "ci_high": min(estimate + 0.02, 1.0), "df": 999.0, "flag": "", "note": ""}
    return apply_reliability(pl.DataFrame([row]), min_n=30)["display"][0]


def _innovation_display(value: float, unit: str, kind: str) -> str:
    frame = pl.DataFrame({"v": [value]}, schema={"v": pl.Float64})
    return frame.select(display_text(pl.col("v"), pl.lit(unit), pl.lit(False), pl.lit(kind))).item()


@settings(max_examples=200, deadline=None)
@given(p=shares)
@example(p=0.4525)  # the example: «45,2» in the summary and display, «45,3 %» in the report
@example(p=0.45249999999999996)
@example(p=0.0005)
def test_a_share_reads_the_same_on_every_surface(p: float) -> None:
    report = _tables._cell({"estimate": p, "kind": "share", "display": _display(p), "flag": "ok"}, "nb")
    summary = _Format("percent", "share").level({"estimate": p, "ci_low": p, "ci_high": p}).split(" (")[0]
    assert _display(p) == _innovation_display(p, "percent", "share") == report == summary == fmt_pct(p)


@settings(max_examples=200, deadline=None)
@given(d=st.one_of(st.integers(-20000, 20000).map(lambda k: k / 20000), st.floats(-1.0, 1.0)))
@example(d=-0.02825)
@example(d=-0.00004)
def test_a_difference_of_shares_reads_the_same_in_the_summary_and_the_report(d: float) -> None:
    summary = _Format("percent", "share").difference({"difference": d, "ci_low": d, "ci_high": d}).split(" (")[0]
    row = {"estimate": 0.5, "kind": "share", "display": "50,0\u00a0%", "flag": "ok"}
    report = _tables._difference({"difference": d}, row, "nb")
    assert summary == report == fmt_pp(d)


@settings(max_examples=100, deadline=None)
@given(v=st.floats(0.0, 1e11), kind=st.sampled_from(["total", "ratio"]))
@example(v=1404837234.3551219, kind="total")
def test_an_amount_in_nok_reads_the_same_in_display_summary_and_report(v: float, kind: str) -> None:
    display = _innovation_display(v, "nok", kind)
    summary = _Format("nok", kind).level({"estimate": v, "ci_low": v, "ci_high": v}).split(" (")[0]
    report = _tables._cell({"estimate": v, "kind": kind, "display": display, "flag": "ok"}, "nb")
    assert display == summary == report == fmt_unit(v, "mill_kr" if kind == "total" else "kr")
