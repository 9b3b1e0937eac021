"""Readers: SPSS and CSV come in with labels and user-missing codes intact."""

from __future__ import annotations

import dataclasses
import json
from pathlib import Path

import polars as pl
import pyreadstat
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from polars.testing import assert_frame_equal

from omdomme import ReadError
from omdomme.io import Metadata, VariableInfo, read

HERE = Path(__file__).parent
SPSS_DIR = HERE / "data" / "io" / "spss"
SHARED_SPSS = Path(__file__).parents[1].parent / "shared" / "data" / "spss"
SPSS_FILES = sorted(p.name for p in SPSS_DIR.iterdir() if p.suffix in (".sav", ".zsav", ".por"))


def _pyreadstat(path: Path) -> tuple[pl.DataFrame, object]:
    if path.suffix == ".por":
        return pyreadstat.read_por(str(path), output_format="polars")  # no missing codes in these
    return pyreadstat.read_sav(str(path), user_missing=True, output_format="polars")


def _assert_matches_pyreadstat(path: Path) -> None:
    data, meta = read(path)
    ref, m = _pyreadstat(path)
    assert_frame_equal(data, ref)
    assert meta.n_rows == ref.height
    assert meta.names == tuple(ref.columns)
    for v in meta:
        assert v.value_labels == (m.variable_value_labels or {}).get(v.name, {}), v.name
        assert v.label == ((m.column_names_to_labels or {}).get(v.name) or None), v.name
        reported = (m.missing_ranges or {}).get(v.name, [])
        ours = [{"lo": x, "hi": x} for x in v.missing_values] + [
            {"lo": lo, "hi": hi} for lo, hi in v.missing_ranges
        ]
        key = lambda r: (str(r["lo"]), str(r["hi"]))  # noqa: E731
        assert sorted(ours, key=key) == sorted(reported, key=key), v.name


def test_six_committed_spss_files_are_there() -> None:
    assert SPSS_FILES == [
        "Employee_data.sav",
        "sample.por",
        "sample.sav",
        "sample.zsav",
        "sample_missing.sav",
        "simple_alltypes.sav",
    ]


@pytest.mark.parametrize("name", SPSS_FILES)
def test_spss_file_matches_pyreadstat(name: str) -> None:
    _assert_matches_pyreadstat(SPSS_DIR / name)


@pytest.mark.skipif(
    not SHARED_SPSS.is_dir(), reason="shared/data/spss not present beside the repo (fresh clone)"
)
def test_every_shared_spss_file_matches_pyreadstat() -> None:
    files = [p for p in sorted(SHARED_SPSS.iterdir()) if p.suffix in (".sav", ".zsav", ".por")]
    assert files
    for path in files:
        _assert_matches_pyreadstat(path)


def test_user_missing_codes_stay_values_not_nulls() -> None:
    data, meta = read(SPSS_DIR / "sample_missing.sav")
    # pyreadstat without user_missing turns them into nulls: the reader must not.
    nulled, _ = pyreadstat.read_sav(str(SPSS_DIR / "sample_missing.sav"), output_format="polars")
    assert -1.0 in data["myord"].to_list()
    assert data["myord"].null_count() < nulled["myord"].null_count()
    assert meta["mynum"].missing_values == (-1.0,)
    assert meta["mynum"].missing_ranges == ((2000.0, 3000.0),)
    assert meta["myord"].missing_values == (-1.0, -2.0, -3.0)
    flagged = data.select(meta["myord"].missing_expr())["myord"]
    assert flagged.sum() == data["myord"].is_in([-1.0, -2.0, -3.0]).sum() > 0
    assert meta.encoding == "windows-1252"


def test_discrete_and_range_missing_and_string_missing_survive(tmp_path: Path) -> None:
    df = pl.DataFrame(
        {
            "kj_ostf": [1.0, 2.0, 9.0, 98.0, None],
            "fritekst": ["Halden", "vet ikke", "Moss", "-", "Østfold"],
        }
    )
    path = tmp_path / "norsk.sav"
    pyreadstat.write_sav(
        df,
        str(path),
        file_label="Syntetiske data",
        column_labels={
            "kj_ostf": "Kjennskap til næringslivet i Østfold",
            "fritekst": "Assosiasjoner",
        },
        variable_value_labels={
            "kj_ostf": {1.0: "Svært godt", 9.0: "Vet ikke"},
            "fritekst": {"-": "Ikke svart"},
        },
        missing_ranges={"kj_ostf": [9.0, {"lo": 97.0, "hi": 99.0}], "fritekst": ["vet ikke", "-"]},
    )
    data, meta = read(path)
    assert data["kj_ostf"].to_list() == [1.0, 2.0, 9.0, 98.0, None]
    assert data["fritekst"].to_list() == ["Halden", "vet ikke", "Moss", "-", "Østfold"]
    v = meta["kj_ostf"]
    assert (v.label, v.missing_values, v.missing_ranges) == (
        "Kjennskap til næringslivet i Østfold",
        (9.0,),
        ((97.0, 99.0),),
    )
    assert v.value_labels == {1.0: "Svært godt", 9.0: "Vet ikke"}
    assert data.select(v.missing_expr())["kj_ostf"].to_list() == [False, False, True, True, False]
    s = meta["fritekst"]
    assert s.type == "string" and s.missing_values == ("vet ikke", "-")
    assert data.select(s.missing_expr())["fritekst"].to_list() == [False, True, False, True, False]
    assert meta.file_label == "Syntetiske data"


def _por_with_user_missing(tmp_path: Path) -> Path:
    # pyreadstat cannot write missing values to .por: write one, then add the missing-value
    # record ("8", the value 9 in base 30, "/") after the variable record, re-wrapped at 80.
    path = tmp_path / "written.por"
    pyreadstat.write_por(pl.DataFrame({"kj": [1.0, 9.0, 2.0, None]}), str(path))
    flat = path.read_bytes().decode("latin-1").replace("\r\n", "")
    at = flat.index("F1/9/2/")
    flat = (flat[:at] + "89/" + flat[at:]).rstrip("Z")
    flat += "Z" * (80 - len(flat) % 80)
    out = tmp_path / "missing.por"
    out.write_bytes(
        "".join(flat[i : i + 80] + "\r\n" for i in range(0, len(flat), 80)).encode("latin-1")
    )
    return out


def test_por_user_missing_codes_stay_values(tmp_path: Path) -> None:
    path = _por_with_user_missing(tmp_path)
    nulled, _ = pyreadstat.read_por(str(path), output_format="polars")
    assert nulled["KJ"].to_list() == [1.0, None, 2.0, None]  # what pyreadstat.read_por does
    data, meta = read(path)
    assert data["KJ"].to_list() == [1.0, 9.0, 2.0, None]
    assert meta["KJ"].missing_values == (9.0,)
    assert data.select(meta["KJ"].missing_expr())["KJ"].to_list() == [False, True, False, False]


def test_types_of_spss_variables() -> None:
    _, meta = read(SPSS_DIR / "sample.sav")
    assert {v.name: v.type for v in meta} == {
        "mychar": "string",
        "mynum": "numeric",
        "mydate": "date",
        "dtime": "datetime",
        "mylabl": "numeric",
        "myord": "numeric",
        "mytime": "time",
    }


def test_metadata_is_frozen_and_suggests_close_names() -> None:
    _, meta = read(SPSS_DIR / "Employee_data.sav")
    with pytest.raises(dataclasses.FrozenInstanceError):
        meta.n_rows = 3  # type: ignore[misc]
    with pytest.raises(dataclasses.FrozenInstanceError):
        meta["SALARY"].label = "x"  # type: ignore[misc]
    assert "SALARY" in meta and "salary" not in meta
    assert len(meta) == len(list(meta)) == 10
    with pytest.raises(
        ReadError, match=r"variable `SALRY` \(did you mean `SALARY`\?\) not in .*Employee_data.sav"
    ):
        meta["SALRY"]
    with pytest.raises(ReadError, match=r"did you mean `GENDER`"):
        meta["gender"]
    with pytest.raises(TypeError, match="variable name"):
        meta[0]  # type: ignore[index]


def test_columns_selects_in_order_and_names_unknown_ones() -> None:
    data, meta = read(SPSS_DIR / "Employee_data.sav", columns=["SALARY", "ID"])
    assert data.columns == ["SALARY", "ID"] and meta.names == ("SALARY", "ID")
    assert meta.n_rows == 474
    with pytest.raises(ReadError, match=r"`JOBKAT` \(did you mean `JOBCAT`"):
        read(SPSS_DIR / "Employee_data.sav", columns=["ID", "JOBKAT"])


def test_variable_info_is_missing() -> None:
    v = VariableInfo("z", missing_values=(999.0,), missing_ranges=((-999.0, 0.0),))
    assert [v.is_missing(x) for x in (-999, -0.5, 0, 0.1, 999, None)] == [
        True,
        True,
        True,
        False,
        True,
        False,
    ]
    assert not VariableInfo("s", type="string").has_missing
    with pytest.raises(ValueError, match="type"):
        VariableInfo("x", type="integer")
    with pytest.raises(ValueError, match="duplicated"):
        Metadata("f.csv", "csv", 0, None, None, (VariableInfo("a"), VariableInfo("a")))


def test_missing_expr_without_codes_is_false_everywhere() -> None:
    df = pl.DataFrame({"a": [1.0, None]})
    assert df.select(VariableInfo("a").missing_expr())["a"].to_list() == [False, False]


# --------------------------------------------------------------------------- CSV

NORWEGIAN_ROWS = (
    "respid;kommune;vekt;kj_ostf;fritekst;kjønn\r\n"
    "1;0101;1,25;9;Ærlig og åpen;Kvinne\r\n"
    "2;3103;0,75;2;Grønn økonomi;Mann\r\n"
    "3;0301;1;4;;Kvinne\r\n"
)


def _codebook_json() -> dict:
    return {
        "file": "omdomme.csv",
        "n_rows": 3,
        "encoding": "windows-1252",
        "file_label": "SYNTETISKE DATA – ikke ekte respondenter",
        "variables": [
            {
                "name": "kj_ostf",
                "label": "Kjennskap til næringslivet i Østfold",
                "type": "numeric",
                "value_labels": {"2": "Ganske godt", "4": "Ikke i det hele tatt", "9": "Vet ikke"},
                "missing": {"values": [9], "ranges": []},
            },
            {
                "name": "fritekst",
                "label": "Hva forbinder du med Østfold?",
                "type": "string",
                "value_labels": {},
                "missing": {"values": [], "ranges": []},
            },
        ],
    }


@pytest.mark.parametrize(
    ("encoding", "raw_encoding", "recorded"),
    [
        ("windows-1252", "cp1252", "windows-1252"),
        (None, "cp1252", "windows-1252"),
        (None, "utf-8-sig", "utf-8-sig"),
        ("utf-8", "utf-8-sig", "utf-8-sig"),
        (None, "utf-8", "utf-8"),
    ],
)
def test_norwegian_csv_round_trip(
    tmp_path: Path, encoding: str | None, raw_encoding: str, recorded: str
) -> None:
    path = tmp_path / "omdomme.csv"
    path.write_bytes(NORWEGIAN_ROWS.encode(raw_encoding))
    (tmp_path / "omdomme.codebook.json").write_text(
        json.dumps(_codebook_json(), ensure_ascii=False), encoding="utf-8"
    )
    data, meta = read(path, encoding=encoding)
    assert meta.format == "csv" and meta.encoding == recorded and meta.n_rows == 3
    assert data.schema == pl.Schema(
        {
            "respid": pl.Float64,
            "kommune": pl.String,
            "vekt": pl.Float64,
            "kj_ostf": pl.Float64,
            "fritekst": pl.String,
            "kjønn": pl.String,
        }
    )
    assert data["kjønn"].to_list() == ["Kvinne", "Mann", "Kvinne"]
    assert data["kommune"].to_list() == ["0101", "3103", "0301"]  # leading zeros kept
    assert data["vekt"].to_list() == [1.25, 0.75, 1.0]
    assert data["fritekst"].to_list() == ["Ærlig og åpen", "Grønn økonomi", None]
    v = meta["kj_ostf"]
    assert v.label == "Kjennskap til næringslivet i Østfold"
    assert v.value_labels == {2.0: "Ganske godt", 4.0: "Ikke i det hele tatt", 9.0: "Vet ikke"}
    assert v.missing_values == (9.0,)
    assert data.select(v.missing_expr())["kj_ostf"].to_list() == [True, False, False]
    assert meta["fritekst"].label == "Hva forbinder du med Østfold?"
    assert meta["respid"].label is None
    assert meta.file_label == "SYNTETISKE DATA – ikke ekte respondenter"


@pytest.mark.parametrize(
    ("text", "options", "expected_vekt"),
    [
        ("a,vekt\n1,1.5\n2,2\n", {}, [1.5, 2.0]),
        ("a\tvekt\n1\t1,5\n2\t2\n", {}, [1.5, 2.0]),
        ('a,vekt\n1,"1,5"\n2,"2,25"\n', {"decimal": ","}, [1.5, 2.25]),
        ("a;vekt\n1;1.5\n2;2\n", {"delimiter": ";", "decimal": "."}, [1.5, 2.0]),
        ("a|vekt\n", {}, None),
    ],
)
def test_csv_dialects(
    tmp_path: Path, text: str, options: dict, expected_vekt: list[float] | None
) -> None:
    path = tmp_path / "x.csv"
    if expected_vekt is None:
        path.write_text("a;vekt\n1;1,5\n", encoding="utf-8")
        # A wrong delimiter is said to be wrong (issue #14), not read as one column whose
        # variables then all look missing.
        with pytest.raises(ReadError, match=r"x.csv: the header line has no tab .* separated by ';'\. Set delimiter = \";\""):
            read(path, delimiter="tab")
        return
    path.write_text(text, encoding="utf-8")
    data, _ = read(path, **options)
    assert data["vekt"].to_list() == expected_vekt
    assert data["a"].dtype == pl.Float64  # numbers are Float64, as from SPSS


def test_csv_header_delimiter_inside_quotes_does_not_vote(tmp_path: Path) -> None:
    path = tmp_path / "q.csv"
    path.write_text('"Kommune, navn";kode\n"Halden, by";0101\n', encoding="utf-8")
    data, _ = read(path)
    assert data.columns == ["Kommune, navn", "kode"]
    assert data.row(0) == ("Halden, by", "0101")


def test_csv_trailing_delimiter_and_blank_lines_are_not_data(tmp_path: Path) -> None:
    path = tmp_path / "t.csv"
    path.write_text("a;b;\n1;2;\n\n3;4;\n\n\n", encoding="utf-8")
    data, meta = read(path)
    assert data.columns == ["a", "b"] and data.height == meta.n_rows == 2


def test_csv_decimal_comma_not_guessed_for_points(tmp_path: Path) -> None:
    # With a decimal comma in the file, "1.500" is a thousands separator, not 1.5: keep the text.
    path = tmp_path / "t.csv"
    path.write_text("a;b\n1,5;1.500\n2,5;2.000\n", encoding="utf-8")
    data, _ = read(path)
    assert data["a"].to_list() == [1.5, 2.5]
    assert data["b"].to_list() == ["1.500", "2.000"]


def test_csv_codebook_types_win(tmp_path: Path) -> None:
    path = tmp_path / "t.csv"
    path.write_text("kode;dato;tall\n0101;2018-05-31;1\n0301;2018-06-01;\n", encoding="utf-8")
    book = tmp_path / "bok.json"
    book.write_text(
        json.dumps(
            {
                "variables": [
                    {"name": "kode", "type": "numeric"},
                    {"name": "dato", "type": "date"},
                    {"name": "tall", "type": "string"},
                ]
            }
        ),
        encoding="utf-8",
    )
    data, meta = read(path, codebook=book)
    assert data["kode"].to_list() == [101.0, 301.0]
    assert data["dato"].dtype == pl.Date and meta["dato"].type == "date"
    assert data["tall"].to_list() == ["1", None] and meta["tall"].type == "string"


def test_csv_codebook_variable_not_in_csv(tmp_path: Path) -> None:
    path = tmp_path / "omdomme.csv"
    path.write_text("respid;kj_ostf\n1;2\n", encoding="utf-8")
    cb = _codebook_json()
    (tmp_path / "omdomme.codebook.json").write_text(json.dumps(cb), encoding="utf-8")
    with pytest.raises(
        ReadError,
        match=r"omdomme.codebook.json: variable\(s\) fritekst are in the codebook but not in .*omdomme.csv",
    ):
        read(path)


def test_codebook_option_only_for_csv() -> None:
    with pytest.raises(ReadError, match="apply to CSV files only"):
        read(SPSS_DIR / "sample.sav", delimiter=";")


def test_csv_long_ids_stay_text(tmp_path: Path) -> None:
    path = tmp_path / "t.csv"
    path.write_text("id;n\n12345678901234567;1\n12345678901234568;2\n", encoding="utf-8")
    data, _ = read(path)
    assert data["id"].to_list() == ["12345678901234567", "12345678901234568"]
    assert data["n"].to_list() == [1.0, 2.0]


def test_csv_utf16_excel_unicode_text(tmp_path: Path) -> None:
    # Excel's «Unicode text» export: UTF-16 with BOM, tab-separated.
    path = tmp_path / "excel.txt"
    path.write_bytes("respid\tby\r\n1\tRåde\r\n2\tMoss\r\n".encode("utf-16"))
    data, meta = read(path)
    assert meta.encoding == "utf-16"
    assert data.rows() == [(1.0, "Råde"), (2.0, "Moss")]


def test_csv_last_line_without_line_end_is_fine_when_complete(tmp_path: Path) -> None:
    path = tmp_path / "t.csv"
    path.write_text("a;b\n1;2\n3;4", encoding="utf-8")
    assert read(path)[0].height == 2


_WORDS = st.text(alphabet="abcæøåÆØÅ ;,-\"'", min_size=1, max_size=12).filter(
    lambda t: any(ch.isalpha() for ch in t) and t == t.strip()
)


@settings(max_examples=30, deadline=None)
@given(
    values=st.lists(
        st.tuples(
            st.integers(-10_000, 10_000).map(lambda i: i / 100),
            st.one_of(st.none(), _WORDS),
        ),
        min_size=1,
        max_size=8,
    ),
    dialect=st.sampled_from(
        [
            (";", True, "cp1252"),
            (";", True, "utf-8-sig"),
            (",", False, "utf-8"),
            ("\t", True, "utf-8"),
        ]
    ),
)
def test_csv_write_read_round_trip(
    tmp_path_factory: pytest.TempPathFactory, values: list, dialect: tuple
) -> None:
    # Whatever polars writes in a Norwegian dialect, read() gives back: same values, same types.
    separator, decimal_comma, encoding = dialect
    frame = pl.DataFrame(
        {"vekt": [v for v, _ in values], "svar": [s for _, s in values]},
        schema={"vekt": pl.Float64, "svar": pl.String},
    )
    path = tmp_path_factory.mktemp("rt") / "rundtur.csv"
    text = frame.write_csv(separator=separator, decimal_comma=decimal_comma)
    path.write_bytes(text.encode(encoding))
    data, meta = read(path)
    assert meta.n_rows == frame.height
    assert_frame_equal(data, frame)


# -- a CSV exported «with labels»: cells hold value labels, the codebook gives the codes ---------

def _labelled_export(tmp_path: Path, rows: list[str]) -> Path:
    book = {"variables": [
        {"name": "id", "type": "numeric"},
        {"name": "inntrykk", "type": "numeric", "label": "Inntrykk av Østfold",
         "value_labels": {"1": "Svært dårlig", "2": "Ganske dårlig", "3": "Verken godt eller dårlig",
                          "4": "Ganske godt", "5": "Svært godt", "9": "Vet ikke"},
         "missing": {"values": [9]}},
    ]}
    (tmp_path / "levering.codebook.json").write_text(json.dumps(book, ensure_ascii=False), encoding="utf-8")
    path = tmp_path / "levering.csv"
    path.write_text("id;inntrykk\n" + "\n".join(rows) + "\n", encoding="cp1252")
    return path


def test_csv_cells_with_value_labels_become_their_codes(tmp_path: Path) -> None:
    # An export «with labels» (cp1252, as Excel writes it), with case and spacing drift and a
    # code left as a number: every cell gets its code, «Vet ikke» stays a user-missing code.
    path = _labelled_export(tmp_path, ["1;Svært godt", "2;ganske  dårlig", "3; Vet ikke ", "4;5", "5;"])
    data, meta = read(path)
    assert data["inntrykk"].to_list() == [5.0, 2.0, 9.0, 5.0, None]
    assert meta["inntrykk"].type == "numeric"
    assert meta["inntrykk"].is_missing(9.0)


def test_csv_cell_text_that_is_no_value_label_is_named(tmp_path: Path) -> None:
    path = _labelled_export(tmp_path, ["1;Svært godt", "2;Meget godt"])
    with pytest.raises(ReadError, match=r"levering.csv: column 'inntrykk' is numeric in the codebook but holds "
                                        r"text such as 'Meget godt', which is none of its value labels"):
        read(path)


def test_csv_cells_with_a_label_two_codes_share_are_refused(tmp_path: Path) -> None:
    path = _labelled_export(tmp_path, ["1;Vet ikke"])
    book = json.loads((tmp_path / "levering.codebook.json").read_text(encoding="utf-8"))
    book["variables"][1]["value_labels"]["8"] = "vet ikke"
    (tmp_path / "levering.codebook.json").write_text(json.dumps(book, ensure_ascii=False), encoding="utf-8")
    with pytest.raises(ReadError, match=r"variable 'inntrykk' has the value label «vet ikke» for codes 9 and 8"):
        read(path)
