"""Population margins from SSB table 07459: spot checks and the documented gap filling."""

from __future__ import annotations

from pathlib import Path

import polars as pl
import pytest

from omdomme.errors import WeightingError
from omdomme.population import age_group_labels, population_margins, population_notes

ALL_AGES = [(0, 105)]
ADULTS = [(18, 29), (30, 44), (45, 59), (60, 105)]
RAW = Path(__file__).parents[1] / "src" / "omdomme" / "data" / "oslofjord_pop_by_fylke2024_sex_age_2015_2024.csv"


def _county(year: int, county: str, age_groups: list[tuple[int, int]] = ALL_AGES) -> float:
    m = population_margins(year, age_groups=age_groups, by=["county"])
    return m.filter(pl.col("county") == county)["persons"].item()


def test_spot_checks_2024() -> None:
    assert _county(2024, "oslo") == 717_710
    assert _county(2024, "akershus") == 728_803


def test_shape_order_and_columns() -> None:
    m = population_margins(2022, age_groups=ADULTS)
    assert m.columns == ["county", "sex", "age_group", "persons"]
    assert m.height == 5 * 2 * 4
    assert m["county"].unique(maintain_order=True).to_list() == ["akershus", "oslo", "buskerud", "vestfold", "ostfold"]
    assert m["sex"].unique(maintain_order=True).to_list() == ["mann", "kvinne"]
    assert m["age_group"].unique(maintain_order=True).to_list() == ["18-29", "30-44", "45-59", "60-105"]
    # Integer counts from 2020 on, straight from the table.
    raw = pl.read_csv(RAW, schema_overrides={"fylke_2024": pl.String})
    expected = raw.filter(
        pl.col("year") == 2022, pl.col("fylke_2024") == "31", pl.col("sex") == "female", pl.col("age").is_between(18, 29)
    )["persons"].sum()
    got = m.filter(pl.col("county") == "ostfold", pl.col("sex") == "kvinne", pl.col("age_group") == "18-29")["persons"].item()
    assert got == expected


def test_pre_2020_sex_split_keeps_totals_and_uses_2020_shares() -> None:
    by_sex = population_margins(2018, age_groups=[(30, 30)], by=["county", "sex"])
    raw = pl.read_csv(RAW, schema_overrides={"fylke_2024": pl.String}).filter(pl.col("fylke_2024") == "33", pl.col("age") == 30)
    total_2018 = raw.filter(pl.col("year") == 2018, pl.col("sex") == "total")["persons"].item()
    men_2020 = raw.filter(pl.col("year") == 2020, pl.col("sex") == "male")["persons"].item()
    all_2020 = raw.filter(pl.col("year") == 2020, pl.col("sex") == "total")["persons"].item()
    buskerud = by_sex.filter(pl.col("county") == "buskerud")
    assert buskerud["persons"].sum() == pytest.approx(total_2018, rel=1e-12)
    assert buskerud.filter(pl.col("sex") == "mann")["persons"].item() == pytest.approx(total_2018 * men_2020 / all_2020, rel=1e-12)
    # Every county keeps its SSB total when split by sex.
    split = population_margins(2015, age_groups=ADULTS, by=["county"])
    raw15 = pl.read_csv(RAW, schema_overrides={"fylke_2024": pl.String}).filter(
        pl.col("year") == 2015, pl.col("sex") == "total", pl.col("age") >= 18, pl.col("fylke_2024") == "03"
    )
    assert split.filter(pl.col("county") == "oslo")["persons"].item() == pytest.approx(raw15["persons"].sum(), rel=1e-12)


def test_vestfold_2015_2016_use_2017_and_later_years_use_2024() -> None:
    v2017 = population_margins(2017, age_groups=ADULTS, by=["county", "age_group"]).filter(pl.col("county") == "vestfold")
    for year in (2015, 2016):
        v = population_margins(year, age_groups=ADULTS, by=["county", "age_group"]).filter(pl.col("county") == "vestfold")
        assert v["persons"].to_list() == pytest.approx(v2017["persons"].to_list(), rel=1e-12)
        assert any("Vestfold" in note for note in population_notes(year))
    assert not any("Vestfold" in note for note in population_notes(2017))
    assert population_margins(2026, age_groups=ADULTS).equals(population_margins(2024, age_groups=ADULTS))
    assert any("2024" in note and "2026" in note for note in population_notes(2026))
    assert any("Kjønnsfordeling" in note for note in population_notes(2019))
    assert not any("Kjønnsfordeling" in note for note in population_notes(2020))


def test_margins_add_up_across_by() -> None:
    full = population_margins(2019, age_groups=ADULTS)
    for col in ("county", "sex", "age_group"):
        one = population_margins(2019, age_groups=ADULTS, by=[col])
        assert one["persons"].sum() == pytest.approx(full["persons"].sum(), rel=1e-12)
        summed = full.group_by(col, maintain_order=True).agg(pl.col("persons").sum())
        assert summed["persons"].to_list() == pytest.approx(one["persons"].to_list(), rel=1e-12)


def test_open_top_age_class_and_labels() -> None:
    assert _county(2024, "oslo", [(100, 105)]) == _county(2024, "oslo", [(100, 120)])
    assert age_group_labels([(18, 29), (30, 44)]) == ["18-29", "30-44"]


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"year": 2014, "age_groups": ADULTS}, "no population figures for 2014"),
        ({"year": 2018, "age_groups": [(18, 40), (30, 50)]}, r"age groups \[18, 40\] and \[30, 50\] overlap"),
        ({"year": 2018, "age_groups": [(40, 30)]}, r"age group \[40, 30\] is not an interval"),
        ({"year": 2018, "age_groups": ADULTS, "by": ["fylke"]}, "must be one of"),
        ({"year": 2018, "age_groups": ADULTS, "borders": 2018}, "2024 county borders only"),
    ],
)
def test_errors(kwargs: dict, message: str) -> None:
    with pytest.raises(WeightingError, match=message):
        population_margins(**kwargs)
