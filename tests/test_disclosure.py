"""Disclosure control for firm cells and the Norwegian display of numbers."""

from __future__ import annotations

import polars as pl
import pytest

from omdomme.analysis.disclosure import (
    DisclosureRules,
    disclosure_verdict,
    display_text,
    dominance_shares,
)
from omdomme.labels import MINUS, NBSP, fmt_number


def _fmt(values: list[float | None], unit: str, suppressed: bool = False, kind: str = "ratio") -> list[str]:
    df = pl.DataFrame({"v": values}, schema={"v": pl.Float64})
    shown = display_text(pl.col("v"), pl.lit(unit), pl.lit(suppressed), pl.lit(kind))
    return df.select(shown).to_series().to_list()


def test_percent_display_uses_decimal_comma_and_space() -> None:
    # 0.4525 rounds up: on the decimal a spreadsheet shows, not on the binary float.
    assert _fmt([0.4534, 0.4525, 0.0, 1.0, 0.99996], "percent") == [
        f"{v}{NBSP}%" for v in ("45,3", "45,3", "0,0", "100,0", "100,0")]


def test_nok_display_groups_thousands_with_spaces() -> None:
    assert _fmt([1234567.4, 999.5, 1000.0, 12.0, 0.0], "nok") == [
        f"1{NBSP}234{NBSP}567{NBSP}kr", f"1{NBSP}000{NBSP}kr", f"1{NBSP}000{NBSP}kr", f"12{NBSP}kr", f"0{NBSP}kr"
    ]


def test_a_total_in_nok_shows_in_millions_as_the_reports_do() -> None:
    assert _fmt([1404837234.4, -2.5e6], "nok", kind="total") == [
        f"1{NBSP}404,8{NBSP}mill.{NBSP}kr", f"{MINUS}2,5{NBSP}mill.{NBSP}kr"]


def test_number_display_and_negative_values() -> None:
    assert _fmt([12.46, -1234.5, -0.04], "number") == ["12,5", f"{MINUS}1{NBSP}234,5", "0,0"]


def test_suppressed_and_missing_cells() -> None:
    assert _fmt([0.5], "percent", suppressed=True) == [":"]
    assert _fmt([None], "percent") == [""]


@pytest.mark.parametrize("value", [0.0, 5.0, 123.0, 1234.0, 99999.0, 1e9 + 7])
def test_number_text_round_trips(value: float) -> None:
    text = _fmt([value], "number")[0]
    assert text == fmt_number(value, 1)
    assert float(text.replace(NBSP, "").replace(",", ".")) == pytest.approx(value, abs=0.05)


def test_dominance_share_of_the_largest_contributors() -> None:
    df = pl.DataFrame({
        "c": ["a"] * 4 + ["b"] * 3,
        "w": [2.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0],
        "y": [50.0, 10.0, 10.0, 0.0, 5.0, 5.0, None],
    })
    out = dominance_shares(df, cell="c", contribution=pl.col("w") * pl.col("y"), n=2)
    a = out.filter(pl.col("c") == "a").row(0, named=True)
    # weighted: 100, 10, 10 -> top two hold 110 / 120
    assert a["dominance"] == pytest.approx(110 / 120)
    assert a["contributors"] == 3
    b = out.filter(pl.col("c") == "b").row(0, named=True)
    assert b["dominance"] == pytest.approx(1.0)
    whole = dominance_shares(df, cell=None, contribution=pl.col("w") * pl.col("y"), n=1)
    assert whole["dominance"][0] == pytest.approx(100 / 130)


def test_dominance_of_an_empty_total_is_null_not_a_division_by_zero() -> None:
    df = pl.DataFrame({"c": ["a", "a"], "y": [0.0, 0.0]})
    out = dominance_shares(df, cell="c", contribution=pl.col("y"), n=2)
    assert out["dominance"][0] is None


def test_verdict_reasons_name_the_rule() -> None:
    rules = DisclosureRules(min_firms=3, dominance_n=2, dominance_k=0.85)
    df = pl.DataFrame({"n": [2, 10, 10, 10], "d": [None, 0.86, 0.85, None]})
    s, r = disclosure_verdict(pl.col("n"), pl.col("d"), rules)
    out = df.select(s.alias("s"), r.alias("r"))
    assert out["s"].to_list() == [True, True, False, False]
    assert out["r"][0] == "undertrykt: færre enn 3 foretak i cellen (2)"
    assert out["r"][1] == f"undertrykt: de 2 største foretakene står for 86,0{NBSP}% av totalen (grense 85{NBSP}%)"
    assert out["r"][2] == ""
