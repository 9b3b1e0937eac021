"""`omdomme codebook`: what the analyst sees, and the stable JSON shape."""

from __future__ import annotations

import json
from pathlib import Path

import polars as pl
import pyreadstat
import pytest
from click.testing import CliRunner

from omdomme.cli import main
from omdomme.io import read
from omdomme.io.codebook import codebook, codebook_text, format_code

SPSS_DIR = Path(__file__).parent / "data" / "io" / "spss"
SPSS_FILES = sorted(p.name for p in SPSS_DIR.iterdir() if p.suffix in (".sav", ".zsav", ".por"))


@pytest.fixture
def small_sav(tmp_path: Path) -> Path:
    df = pl.DataFrame(
        {
            "respid": [1.0, 2.0, 3.0, 4.0, 5.0],
            "kj_ostf": [1.0, 9.0, 2.0, 9.0, None],
            "by": ["Halden", "Råde", "", "Moss", "Halden"],
        }
    )
    path = tmp_path / "liten.sav"
    pyreadstat.write_sav(
        df,
        str(path),
        file_label="Syntetiske data",
        column_labels={"kj_ostf": "Kjennskap til næringslivet i Østfold"},
        variable_value_labels={
            "kj_ostf": {1.0: "Svært godt", 2.0: "Ganske godt", 3.0: "Lite", 9.0: "Vet ikke"}
        },
        missing_ranges={"kj_ostf": [9.0]},
    )
    return path


def test_text_codebook_exact_lines(small_sav: Path) -> None:
    result = CliRunner().invoke(main, ["codebook", str(small_sav)])
    assert result.exit_code == 0, result.output
    expected = f"""{small_sav}: sav, 5 rows, 3 variables, encoding utf-8
file label: Syntetiske data

respid (numeric)
  code  n
  1     1
  2     1
  3     1
  4     1
  5     1

kj_ostf (numeric)  Kjennskap til næringslivet i Østfold
  user-missing: 9
  code  n  label
  1     1  Svært godt
  2     1  Ganske godt
  3     0  Lite
  9     2  Vet ikke        user-missing
  .     1  system-missing

by (string)
  code    n
  ""      1
  Halden  2
  Moss    1
  Råde    1
"""
    assert result.output == expected


def test_json_codebook_shape_is_stable(small_sav: Path) -> None:
    result = CliRunner().invoke(main, ["codebook", str(small_sav), "--format", "json"])
    assert result.exit_code == 0, result.output
    doc = json.loads(result.output)
    assert doc == {
        "file": str(small_sav),
        "n_rows": 5,
        "encoding": "utf-8",
        "variables": [
            {
                "name": "respid",
                "label": None,
                "type": "numeric",
                "value_labels": {},
                "missing": {"values": [], "ranges": []},
                "counts": {"1": 1, "2": 1, "3": 1, "4": 1, "5": 1},
            },
            {
                "name": "kj_ostf",
                "label": "Kjennskap til næringslivet i Østfold",
                "type": "numeric",
                "value_labels": {
                    "1": "Svært godt",
                    "2": "Ganske godt",
                    "3": "Lite",
                    "9": "Vet ikke",
                },
                "missing": {"values": [9], "ranges": []},
                "counts": {"1": 1, "2": 1, "3": 0, "9": 2},
            },
            {
                "name": "by",
                "label": None,
                "type": "string",
                "value_labels": {},
                "missing": {"values": [], "ranges": []},
                "counts": {"": 1, "Halden": 2, "Moss": 1, "Råde": 1},
            },
        ],
    }
    assert "Østfold" in result.output  # not \u00d8-escaped


@pytest.mark.parametrize("name", SPSS_FILES)
@pytest.mark.parametrize("output_format", ["text", "json"])
def test_codebook_on_every_spss_file_exits_0(name: str, output_format: str) -> None:
    result = CliRunner().invoke(main, ["codebook", str(SPSS_DIR / name), "--format", output_format])
    assert result.exit_code == 0, result.output
    if output_format == "json":
        doc = json.loads(result.output)
        _, meta = read(SPSS_DIR / name)
        assert [v["name"] for v in doc["variables"]] == list(meta.names)


def test_ranges_and_many_distinct_values() -> None:
    data, meta = read(SPSS_DIR / "Employee_data.sav")
    doc = codebook(meta, data)
    by_name = {v["name"]: v for v in doc["variables"]}
    # 221 distinct salaries: only the labelled / user-missing code is counted.
    assert by_name["SALARY"]["counts"] == {"0": 0}
    assert by_name["PREVEXP"]["counts"] == {"0": 24}
    assert by_name["ID"]["counts"] == {}
    assert by_name["MINORITY"]["counts"] == {"0": 370, "1": 104, "9": 0}
    text = codebook_text(meta, data)
    assert "ID (numeric)  Employee Code\n  474 distinct values\n" in text
    _, meta2 = read(SPSS_DIR / "simple_alltypes.sav")
    z = next(
        v
        for v in codebook(meta2, read(SPSS_DIR / "simple_alltypes.sav")[0])["variables"]
        if v["name"] == "z"
    )
    assert z["missing"] == {"values": [999], "ranges": [[-999, 0]]}


def test_json_codebook_reads_back_as_a_csv_codebook(tmp_path: Path) -> None:
    # The vendor sends the SPSS file once and CSV later: the SPSS codebook labels the CSV.
    data, meta = read(SPSS_DIR / "sample_missing.sav")
    csv_path = tmp_path / "sample_missing.csv"
    data.select("mychar", "mynum", "mylabl", "myord").write_csv(csv_path, separator=";")
    book = tmp_path / "sample_missing.codebook.json"
    book.write_text(json.dumps(codebook(meta, data), ensure_ascii=False), encoding="utf-8")
    sub_meta = read(
        SPSS_DIR / "sample_missing.sav", columns=["mychar", "mynum", "mylabl", "myord"]
    )[1]
    doc = json.loads(book.read_text(encoding="utf-8"))
    doc["variables"] = [v for v in doc["variables"] if v["name"] in sub_meta.names]
    book.write_text(json.dumps(doc), encoding="utf-8")
    csv_data, csv_meta = read(csv_path)
    assert csv_meta.variables == sub_meta.variables
    assert csv_data["myord"].to_list() == data["myord"].to_list()


def test_format_code() -> None:
    assert [format_code(x) for x in (1.0, -3.0, 2.5, "x", 13631500800.0)] == [
        "1",
        "-3",
        "2.5",
        "x",
        "13631500800",
    ]
