"""The one number formatter (decision 3 of issue 12) and the county labels of ``omdomme.labels``.

The scalar formatters and their polars twins must give the same string for every value; the
rounding is half away from zero on the decimal a spreadsheet shows, not on the binary float.
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

import polars as pl
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from omdomme import labels
from omdomme.labels import (
    COUNTIES,
    COUNTY_NAMES,
    MINUS,
    NBSP,
    TARGET_LABELS,
    TARGET_ORDER,
    fmt_int,
    fmt_number,
    fmt_p,
    fmt_pct,
    fmt_pp,
    fmt_range,
    fmt_unit,
    number_expr,
    pct_expr,
    round_half_up,
    target_label,
    unit_expr,
)

GRID = [k / 20000 for k in range(20001)]  # every share to 0.005 percentage points


def _column(expr_of: object, values: list[float | None]) -> list[str]:
    return pl.select(expr_of(pl.lit(pl.Series("v", values, dtype=pl.Float64)))).to_series().to_list()  # type: ignore[operator]


def test_the_issues_example_rounds_half_away_from_zero_on_the_decimal() -> None:
    # 0.4525 is 0.45249999999999996… in binary: rounding the float gives 45,2, a reader 45,3.
    assert f"{0.4525 * 100:.1f}" == "45.2"
    assert fmt_pct(0.4525) == f"45,3{NBSP}%"
    assert fmt_pct(0.4525, lang="en") == "45.3%"
    assert _column(pct_expr, [0.4525]) == [f"45,3{NBSP}%"]
    assert fmt_number(-2.5, 0) == f"{MINUS}3" and fmt_number(2.5, 0) == "3"  # not to even
    assert fmt_number(1.005, 2) == "1,01"


def test_fifteen_significant_digits_as_a_spreadsheet_shows_them() -> None:
    # repr has 17 digits; Excel shows 0.452500000000000 and rounds that up.
    x = 0.45249999999999996
    assert repr(x) == "0.45249999999999996"
    assert round_half_up(x, 1, scale=2) == Decimal("45.3")
    assert fmt_pct(x) == _column(pct_expr, [x])[0] == f"45,3{NBSP}%"
    # A value genuinely below the half at 15 digits stays below.
    assert fmt_pct(0.45249999999999) == f"45,2{NBSP}%"


@pytest.mark.parametrize("decimals", [0, 1, 2])
def test_every_share_on_a_grid_rounds_like_exact_decimal_arithmetic(decimals: int) -> None:
    # k/20000 in percent is exactly k/200: the decimal a reader rounds by hand.
    exact = [(Decimal(k) / Decimal(200)).quantize(Decimal(1).scaleb(-decimals), ROUND_HALF_UP)
             for k in range(20001)]
    expected = [f"{d:.{decimals}f}".replace(".", ",") + f"{NBSP}%" for d in exact]
    assert [fmt_pct(x, decimals) for x in GRID] == expected
    assert _column(lambda e: pct_expr(e, decimals), GRID) == expected


@pytest.mark.parametrize("lang", ["nb", "en"])
@pytest.mark.parametrize("sign", [False, True])
def test_the_twin_equals_the_scalar_on_the_grid_of_shares(lang: str, sign: bool) -> None:
    values = GRID + [-x for x in GRID]
    for decimals in (0, 1, 3):
        twin = _column(lambda e, d=decimals: pct_expr(e, d, lang=lang, sign=sign), values)  # type: ignore[misc]
        assert twin == [fmt_pct(x, decimals, lang=lang, sign=sign) for x in values]


@settings(max_examples=150, deadline=None)
@given(
    values=st.lists(st.one_of(st.none(), st.floats(allow_nan=True, allow_infinity=True),
                              st.floats(min_value=-1e10, max_value=1e10),
                              st.integers(-10**6, 10**6).map(lambda k: k / 2000)), min_size=1, max_size=40),
    decimals=st.integers(0, 4),
    scale=st.sampled_from([-9, -6, -3, 0, 2, 3]),
    sign=st.booleans(),
    lang=st.sampled_from(["nb", "en"]),
)
def test_the_twin_equals_the_scalar_for_any_float(values: list[float | None], decimals: int, scale: int,
                                                 sign: bool, lang: str) -> None:
    twin = _column(lambda e: number_expr(e, decimals, lang=lang, sign=sign, scale=scale), values)
    assert twin == [fmt_number(v, decimals, lang=lang, sign=sign, scale=scale) for v in values]


@settings(max_examples=300, deadline=None)
@given(x=st.floats(min_value=-1e12, max_value=1e12), decimals=st.integers(0, 3))
def test_the_text_is_the_shown_value_rounded(x: float, decimals: int) -> None:
    text = fmt_number(x, decimals, lang="en")
    back = Decimal(text.replace(",", "").replace(MINUS, "-"))
    shown = Decimal(repr(x))
    assert abs(back - shown) <= Decimal(5).scaleb(-decimals - 1) + abs(shown).scaleb(-14)
    assert not text.startswith(MINUS) or back < 0  # no «−0»
    nb = fmt_number(x, decimals)
    assert nb.replace(NBSP, "").replace(",", ".") == text.replace(",", "")


def test_norwegian_and_english_forms() -> None:
    assert fmt_number(1404.8, lang="nb") == f"1{NBSP}404,8"
    assert fmt_number(1404.8, lang="en") == "1,404.8"
    assert fmt_pp(-0.028) == f"{MINUS}2,8{NBSP}p.p."
    assert fmt_pp(-0.028, lang="en") == f"{MINUS}2.8{NBSP}pp"
    assert fmt_pp(0.021) == f"+2,1{NBSP}p.p."
    assert fmt_pp(-0.00004) == f"0,0{NBSP}p.p."       # no «−0,0», no «±»
    assert fmt_pct(-0.0004, sign=True) == f"0,0{NBSP}%"
    assert fmt_range(0.0123, 0.5) == "1,2–50,0"
    assert fmt_range(-0.032, 0.018, sign=True, sep=" til ") == f"{MINUS}3,2 til +1,8"
    assert fmt_p(0.0321) == "0,032" and fmt_p(0.00001) == f"<{NBSP}0,001" and fmt_p(1.0) == "1,000"
    assert fmt_int(1234567) == f"1{NBSP}234{NBSP}567" and fmt_int(1234567, lang="en") == "1,234,567"
    assert fmt_unit(1.5e9, "mill_kr", lang="en") == f"1,500.0{NBSP}NOK{NBSP}m"
    assert fmt_unit(1404837234.36, "mill_kr") == f"1{NBSP}404,8{NBSP}mill.{NBSP}kr"
    for missing in (None, float("nan"), float("inf")):
        assert fmt_pct(missing) == fmt_number(missing) == fmt_pp(missing) == ":"
    assert _column(pct_expr, [None, float("nan"), float("-inf")]) == [":", ":", ":"]


@settings(max_examples=60, deadline=None)
@given(rows=st.lists(st.tuples(st.one_of(st.none(), st.floats(-1e10, 1e10)),
                               st.sampled_from(["pct", "kr", "mill_kr", "number"])), min_size=1, max_size=20),
       lang=st.sampled_from(["nb", "en"]))
def test_unit_expr_equals_fmt_unit(rows: list[tuple[float | None, labels.Unit]], lang: str) -> None:
    frame = pl.DataFrame({"v": [r[0] for r in rows], "u": [r[1] for r in rows]}, schema={"v": pl.Float64, "u": pl.String})
    twin = frame.select(unit_expr(pl.col("v"), pl.col("u"), lang=lang)).to_series().to_list()
    assert twin == [fmt_unit(v, u, lang=lang) for v, u in rows]


def test_county_keys_names_and_order() -> None:
    assert COUNTIES == ("akershus", "oslo", "buskerud", "vestfold", "ostfold")
    assert set(COUNTY_NAMES) == set(COUNTIES) and COUNTY_NAMES["ostfold"] == "Østfold"
    assert TARGET_LABELS["norge"] == "Norge" and target_label("norge", "en") == "Norway"
    assert sorted(TARGET_LABELS, key=TARGET_ORDER.__getitem__) == [
        "ostfold", "akershus", "oslo", "buskerud", "vestfold", "norge"]
    assert target_label("utenfor") == "utenfor"


def test_labels_imports_nothing_of_omdomme() -> None:
    import ast
    import inspect

    tree = ast.parse(inspect.getsource(labels))
    imported = {n.module for n in ast.walk(tree) if isinstance(n, ast.ImportFrom)} | {
        a.name for n in ast.walk(tree) if isinstance(n, ast.Import) for a in n.names}
    assert not {m for m in imported if m and m.startswith("omdomme")}


@settings(max_examples=60, deadline=None)
@given(rows=st.lists(st.tuples(st.one_of(st.none(), st.floats(-1e6, 1e6)),
                               st.sampled_from(["points", "score", "pct", "number"])), min_size=1, max_size=20),
       lang=st.sampled_from(["nb", "en"]))
def test_points_and_scores_have_their_twin(rows: list[tuple[float | None, labels.Unit]], lang: str) -> None:
    # A net score in percentage points (always signed, as fmt_pp) and a mean score (two decimals).
    frame = pl.DataFrame({"v": [r[0] for r in rows], "u": [r[1] for r in rows]}, schema={"v": pl.Float64, "u": pl.String})
    twin = frame.select(unit_expr(pl.col("v"), pl.col("u"), lang=lang)).to_series().to_list()
    assert twin == [fmt_unit(v, u, lang=lang) for v, u in rows]
    points = frame.select(labels.pp_expr(pl.col("v"), lang=lang)).to_series().to_list()
    assert points == [fmt_pp(v, lang=lang) for v, _ in rows]
    assert [fmt_unit(v, "points", lang=lang) for v, _ in rows] == points


def test_the_unit_of_a_mean_and_a_net_score() -> None:
    assert fmt_unit(0.352, "points") == f"+35,2{NBSP}p.p." == fmt_pp(0.352)
    assert fmt_unit(3.7249, "score") == "3,72" and fmt_unit(3.7249, "score", lang="en") == "3.72"
    kinds = [("share", "percent"), ("scale", "percent"), ("mean", "number"), ("net", "points"),
             ("total", "nok"), ("ratio", "nok"), ("ratio", "number")]
    expected = ["pct", "pct", "score", "points", "mill_kr", "kr", "number"]
    assert [labels.display_unit(u, k) for k, u in kinds] == expected
    frame = pl.DataFrame({"k": [k for k, _ in kinds], "u": [u for _, u in kinds]})
    assert frame.select(labels.display_unit_expr(pl.col("u"), pl.col("k"))).to_series().to_list() == expected
