"""NCHS presentation standards for proportions, the minimum base and SSB's `:`."""

from __future__ import annotations

import polars as pl

from omdomme.analysis.reliability import apply_reliability


def _one(**kw: object) -> dict[str, object]:
    row = {"n": 400, "eff_n": 300.0, "estimate": 0.453, "ci_low": 0.40, "ci_high": 0.51,
           "df": 399.0, "flag": "", "note": ""}
    row.update(kw)
    return apply_reliability(pl.DataFrame([row]), min_n=30).row(0, named=True)


def test_ok() -> None:
    r = _one()
    assert (r["flag"], r["display"], r["note"]) == ("ok", "45,3\u00a0%", "")


def test_each_rule() -> None:
    assert _one(n=29)["flag"] == "suppressed" and "minstebasen 30" in _one(n=29)["note"]
    assert "effektivt utvalg" in _one(eff_n=29.0)["note"]
    wide = _one(ci_low=0.30, ci_high=0.60)
    assert wide["flag"] == "suppressed" and wide["display"] == ":" and "30" in wide["note"]
    rel = _one(estimate=0.03, ci_low=0.01, ci_high=0.08)   # width 7 points, 233 % of p
    assert rel["flag"] == "suppressed" and "relativ" in rel["note"]
    small = _one(estimate=0.02, ci_low=0.01, ci_high=0.04)  # width 3 points: presented
    assert small["flag"] == "ok"
    comp = _one(estimate=0.97, ci_low=0.90, ci_high=0.995)
    assert comp["flag"] == "flagged" and "komplementregelen" in comp["note"] and comp["display"] == "97,0\u00a0%"
    assert _one(df=7.0)["flag"] == "flagged"
    assert _one(flag="p=1", estimate=1.0, ci_low=0.99, ci_high=1.0)["flag"] == "flagged"
    empty = _one(n=0, eff_n=0.0, estimate=None, ci_low=None, ci_high=None, flag="empty")
    assert empty["flag"] == "suppressed" and empty["display"] == ":" and "ingen estimat" in empty["note"]


def test_display_rounds_half_away_from_zero_on_the_decimal() -> None:
    # 0.12345 is below 0.12345 in binary and 0.4525 below 0.4525: the display rounds the decimal.
    out = [_one(estimate=p, ci_low=max(p - 0.01, 0.0), ci_high=min(p + 0.01, 1.0))["display"]
           for p in (0.0, 0.1, 0.12345, 0.4525, 0.99999, 1.0)]
    assert out == [f"{v}\u00a0%" for v in ("0,0", "10,0", "12,3", "45,3", "100,0", "100,0")]
