"""Disclosure control for firm cells and the Norwegian display of numbers."""

from __future__ import annotations

import polars as pl
import pytest

from omdomme.analysis.disclosure import (
    DisclosureRules,
    disclosure_verdict,
    display_text,
    dominance_shares,
    norwegian_number,
)


def _fmt(values: list[float | None], unit: str, suppressed: bool = False) -> list[str]:
    df = pl.DataFrame({"v": values}, schema={"v": pl.Float64})
    return df.select(display_text(pl.col("v"), pl.lit(unit), pl.lit(suppressed))).to_series().to_list()


def test_percent_display_uses_decimal_comma_and_space() -> None:
    assert _fmt([0.4534, 0.0, 1.0, 0.99996], "percent") == ["45,3 %", "0,0 %", "100,0 %", "100,0 %"]


def test_nok_display_groups_thousands_with_spaces() -> None:
    assert _fmt([1234567.4, 999.5, 1000.0, 12.0, 0.0], "nok") == [
        "1 234 567 kr", "1 000 kr", "1 000 kr", "12 kr", "0 kr"
    ]


def test_number_display_and_negative_values() -> None:
    assert _fmt([12.46, -1234.5, -0.04], "number") == ["12,5", "-1 234,5", "0,0"]


def test_suppressed_and_missing_cells() -> None:
    assert _fmt([0.5], "percent", suppressed=True) == [":"]
    assert _fmt([None], "percent") == [""]


@pytest.mark.parametrize("value", [0.0, 5.0, 123.0, 1234.0, 99999.0, 1e9 + 7])
def test_number_text_round_trips(value: float) -> None:
    text = pl.select(norwegian_number(pl.lit(value), decimals=2)).item()
    assert float(text.replace(" ", "").replace(",", ".")) == pytest.approx(value)


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
    assert out["r"][1] == "undertrykt: de 2 største foretakene står for 86,0 % av totalen (grense 85 %)"
    assert out["r"][2] == ""
