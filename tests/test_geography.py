"""Geography: every Oslofjord code of 2015-2026 lands in the right county, through both reforms."""

from __future__ import annotations

import io
from importlib import resources

import polars as pl
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from omdomme import GeographyError
from omdomme.geography import (
    COUNTIES,
    COUNTY_CODES_2024,
    COUNTY_NAMES,
    county_of,
    klass_version,
    kommune_name,
)

FYLKE_KEY = {
    "01": "ostfold",
    "02": "akershus",
    "03": "oslo",
    "06": "buskerud",
    "07": "vestfold",
    "31": "ostfold",
    "32": "akershus",
    "33": "buskerud",
    "39": "vestfold",
}


def _table(name: str) -> pl.DataFrame:
    raw = (resources.files("omdomme") / "data" / name).read_bytes()
    frame = pl.read_csv(io.BytesIO(raw), infer_schema=False)
    if "valid_from" in frame.columns:
        frame = frame.with_columns(
            pl.col("valid_from").str.slice(0, 4).cast(pl.Int64).alias("year")
        )
    return frame


OSLOFJORD = _table("oslofjord_kommune_crosswalk_2015_2024.csv")
KLASS = _table("klass131_kommuneinndeling_2015_2024.csv").filter(pl.col("code") != "9999")
EXCEPTIONS = _table("oslofjord_boundary_exceptions_2019_to_2024.csv")
# Every year a round can have, with the Klass version whose codes it uses.
YEARS = {
    2015: 2015,
    2016: 2015,
    2017: 2017,
    2018: 2018,
    2019: 2019,
    2020: 2020,
    2021: 2020,
    2022: 2022,
    2023: 2023,
    2024: 2024,
    2025: 2024,
    2026: 2024,
}


def test_constants() -> None:
    assert COUNTIES == ("akershus", "oslo", "buskerud", "vestfold", "ostfold")
    assert COUNTY_NAMES["ostfold"] == "Østfold" and set(COUNTY_NAMES) == set(COUNTIES)
    assert COUNTY_CODES_2024 == {
        "akershus": "32",
        "oslo": "03",
        "buskerud": "33",
        "vestfold": "39",
        "ostfold": "31",
    }


@pytest.mark.parametrize("year", list(YEARS))
def test_every_oslofjord_kommune_code_maps_to_its_2024_county(year: int) -> None:
    rows = OSLOFJORD.filter(pl.col("year") == YEARS[year])
    assert rows.height > 50
    got = county_of(rows["code"], year=year)
    expected = [FYLKE_KEY.get(f, "utenfor") for f in rows["fylke_2024"].to_list()]
    assert got.to_list() == expected
    assert got.name == "county" and got.dtype == pl.String


@pytest.mark.parametrize("year", list(YEARS))
def test_round_borders_use_the_county_of_the_year(year: int) -> None:
    rows = OSLOFJORD.filter(pl.col("year") == YEARS[year])
    got = county_of(rows["code"], year=year, borders="round").to_list()
    # Before 2020 the county of that year; Viken/VT years have no old county: the 2024 one.
    column = "fylke" if year < 2020 else "fylke_2024"
    assert got == [FYLKE_KEY.get(f, "utenfor") for f in rows[column].to_list()]


@pytest.mark.parametrize(
    ("code", "round_county", "county_2024"),
    [
        ("0121", "ostfold", "akershus"),  # Rømskog: Østfold kommune, merged into Aurskog-Høland
        ("0627", "buskerud", "akershus"),  # Røyken -> Asker
        ("0628", "buskerud", "akershus"),  # Hurum -> Asker
        ("0711", "vestfold", "buskerud"),  # Svelvik -> Drammen
        ("0532", "utenfor", "akershus"),  # Jevnaker, Oppland until 2019
        ("0533", "utenfor", "akershus"),  # Lunner, Oppland until 2019
    ],
)
@pytest.mark.parametrize("year", [2015, 2018, 2019])
def test_boundary_exceptions(code: str, round_county: str, county_2024: str, year: int) -> None:
    assert county_of([code], year=year, borders="round").to_list() == [round_county]
    assert county_of([code], year=year).to_list() == [county_2024]
    row = EXCEPTIONS.filter(pl.col("kommune_code_2019") == code)
    assert FYLKE_KEY[row["fylke_2024"][0][:2]] == county_2024


def test_boundary_exception_table_agrees() -> None:
    for row in EXCEPTIONS.iter_rows(named=True):
        expected = FYLKE_KEY[row["fylke_2024"][:2]]
        assert county_of([row["kommune_code_2019"]], year=2015).to_list() == [expected], row


def test_viken_and_vestfold_telemark_codes_split_through_the_municipality() -> None:
    codes = [3001, 3025, 3005, 3026, 3053, 3054, 3803, 3806, 3811, 301]
    expected = [
        "ostfold",
        "akershus",
        "buskerud",
        "akershus",
        "akershus",
        "akershus",
        "vestfold",
        "utenfor",
        "vestfold",
        "oslo",
    ]
    for year in (2020, 2021, 2022, 2023):
        assert county_of(codes, year=year).to_list() == expected
        assert county_of(codes, year=year, borders="round").to_list() == expected


def test_codes_as_int_float_and_string_agree_and_nulls_stay() -> None:
    as_str = county_of(pl.Series("kommune", ["0101", None, " 0301 ", "101"]), year=2018)
    as_int = county_of(pl.Series("kommune", [101, None, 301, 101]), year=2018)
    as_float = county_of(pl.Series("kommune", [101.0, None, 301.0, 101.0]), year=2018)
    assert (
        as_str.to_list()
        == as_int.to_list()
        == as_float.to_list()
        == ["ostfold", None, "oslo", "ostfold"]
    )
    assert county_of(pl.Series([None, None]), year=2018).to_list() == [None, None]


def test_unknown_codes_fail_loudly_with_every_code_counted() -> None:
    with pytest.raises(GeographyError) as info:
        county_of([9999, 199, 101, 199, 3001], year=2018)
    message = str(info.value)
    assert "kommune codes not valid in 2018" in message
    assert "0199 (2 rows; not a kommune code in any year 2015–2024)" in message
    assert "3001 (1 row; valid 2020–2023)" in message
    assert "9999 (1 row; «Uoppgitt», not a place)" in message
    assert "0101" not in message
    assert "code_year" in message


def test_fylke_level() -> None:
    assert county_of([1, 2, 3, 6, 7, 8, 50], year=2018, level="fylke").to_list() == [
        "ostfold",
        "akershus",
        "oslo",
        "buskerud",
        "vestfold",
        "utenfor",
        "utenfor",
    ]
    assert county_of(["31", "32", "03", "33", "39", "40"], year=2024, level="fylke").to_list() == [
        "ostfold",
        "akershus",
        "oslo",
        "buskerud",
        "vestfold",
        "utenfor",
    ]
    assert county_of(["03", "34"], year=2022, level="fylke").to_list() == ["oslo", "utenfor"]
    with pytest.raises(
        GeographyError,
        match=r"30 Viken \(2 rows\); 38 Vestfold og Telemark \(1 row\).*municipality code is needed",
    ):
        county_of([30, 3, 30, 38], year=2021, level="fylke")
    with pytest.raises(
        GeographyError, match=r"fylke codes not valid in 2024 .*30 \(1 row; valid 2020–2023\)"
    ):
        county_of(["30"], year=2024, level="fylke")
    with pytest.raises(GeographyError, match=r"31 \(1 row; valid 2024–2026\)"):
        county_of([31], year=2019, level="fylke")


def test_bad_arguments() -> None:
    with pytest.raises(GeographyError, match="before 2015"):
        county_of([101], year=2014)
    with pytest.raises(GeographyError, match="borders"):
        county_of([101], year=2018, borders=2019)
    with pytest.raises(GeographyError, match="level"):
        county_of([101], year=2018, level="grunnkrets")  # type: ignore[arg-type]
    with pytest.raises(GeographyError, match="whole numbers; found 101.5"):
        county_of([101.5], year=2018)
    with pytest.raises(GeographyError, match='a county code\\? then the definition names the variable as `fylke`'):
        county_of([1], year=2018)


def test_klass_versions_and_names() -> None:
    assert [klass_version(y) for y in YEARS] == list(YEARS.values())
    assert kommune_name(101, 2018) == "Halden"
    assert kommune_name("3025", 2022) == "Asker"
    assert kommune_name(3101, 2026) == "Halden"
    with pytest.raises(GeographyError, match="0101 \\(1 row; valid 2015–2019\\)"):
        kommune_name("0101", 2024)


def test_oslofjord_crosswalk_agrees_with_klass() -> None:
    joined = OSLOFJORD.join(KLASS, on=["year", "code"], how="left", suffix="_klass")
    assert joined["fylke_klass"].null_count() == 0
    assert (joined["fylke"] == joined["fylke_klass"]).all()


def test_a_large_column_keeps_length_and_order() -> None:
    codes = pl.Series("kommune", ["0101", "0301", "1201", "0220"] * 50_000)
    result = county_of(codes, year=2018)
    assert result.len() == 200_000
    assert result.head(4).to_list() == ["ostfold", "oslo", "utenfor", "akershus"]
    assert result.value_counts().sort("county")["count"].to_list() == [50_000] * 4


KLASS_CODES = [
    (y, c) for y, v in YEARS.items() for c in KLASS.filter(pl.col("year") == v)["code"].to_list()
]


@settings(max_examples=200, deadline=None)
@given(st.sampled_from(KLASS_CODES), st.sampled_from([2024, "round"]))
def test_int_and_zero_padded_string_give_the_same_county(
    pair: tuple[int, str], borders: int | str
) -> None:
    year, code = pair
    as_int = county_of([int(code)], year=year, borders=borders).to_list()
    as_str = county_of([code.zfill(4)], year=year, borders=borders).to_list()
    assert as_int == as_str
    assert as_int[0] in (*COUNTIES, "utenfor")


def test_wrong_code_year_is_named_as_the_likely_cause() -> None:
    with pytest.raises(
        GeographyError, match=r"All the codes are valid in 2020–2023: is code_year 2018 right\?"
    ):
        county_of([3001, 3025, 3001], year=2018)
    with pytest.raises(GeographyError) as info:
        county_of([101, 9999], year=2018)
    assert "is code_year" not in str(info.value)


def test_numpy_year_is_accepted() -> None:
    import numpy as np

    assert county_of([101], year=np.int64(2018)).to_list() == ["ostfold"]
    with pytest.raises(GeographyError, match="integer"):
        county_of([101], year=2018.5)  # type: ignore[arg-type]
