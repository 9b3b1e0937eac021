"""Bad files: one clear ReadError naming the file and the fix; exit 2 and no traceback in the CLI."""

from __future__ import annotations

import shutil
from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import CliRunner

from omdomme import ReadError
from omdomme.io import read

SPSS_DIR = Path(__file__).parent / "data" / "io" / "spss"
EMPLOYEE = SPSS_DIR / "Employee_data.sav"


def _truncated(tmp: Path) -> Path:
    raw = EMPLOYEE.read_bytes()
    path = tmp / "truncated.sav"
    path.write_bytes(raw[: len(raw) // 2])
    return path


def _truncated_header(tmp: Path) -> Path:
    path = tmp / "stub.sav"
    path.write_bytes(EMPLOYEE.read_bytes()[:100])
    return path


def _garbage(tmp: Path) -> Path:
    path = tmp / "corrupt.sav"
    path.write_bytes(EMPLOYEE.read_bytes()[:40] + b"\x17garbage" * 80)
    return path


def _truncated_zsav(tmp: Path) -> Path:
    raw = (SPSS_DIR / "sample.zsav").read_bytes()
    path = tmp / "truncated.zsav"
    path.write_bytes(raw[:-300])
    return path


def _truncated_por(tmp: Path) -> Path:
    raw = (SPSS_DIR / "sample.por").read_bytes()
    path = tmp / "truncated.por"
    path.write_bytes(raw[:-300])
    return path


def _encrypted(tmp: Path) -> Path:
    # The 36-byte wrapper header SPSS writes before the AES-encrypted system file.
    header = bytes([0x1C, 0, 0, 0, 0, 0, 0, 0]) + b"ENCRYPTEDSAV" + bytes([0x15]) + bytes(15)
    path = tmp / "locked.sav"
    path.write_bytes(header + bytes(range(256)) * 4)
    return path


def _sav_named_csv(tmp: Path) -> Path:
    path = tmp / "omdomme-2018.csv"
    shutil.copy(EMPLOYEE, path)
    return path


def _zsav_named_csv(tmp: Path) -> Path:
    path = tmp / "omdomme-2018.csv"
    shutil.copy(SPSS_DIR / "sample.zsav", path)
    return path


def _por_named_sav(tmp: Path) -> Path:
    path = tmp / "omdomme-2018.sav"
    shutil.copy(SPSS_DIR / "sample.por", path)
    return path


def _csv_named_sav(tmp: Path) -> Path:
    path = tmp / "omdomme-2018.sav"
    path.write_text("respid;kj_ostf\n1;2\n", encoding="utf-8")
    return path


def _xlsx_named_csv(tmp: Path) -> Path:
    path = tmp / "omdomme-2018.csv"
    path.write_bytes(b"PK\x03\x04" + bytes(200))
    return path


def _empty_sav(tmp: Path) -> Path:
    path = tmp / "empty.sav"
    path.write_bytes(b"")
    return path


def _empty_csv(tmp: Path) -> Path:
    path = tmp / "empty.csv"
    path.write_bytes(b"")
    return path


def _blank_csv(tmp: Path) -> Path:
    path = tmp / "blank.csv"
    path.write_bytes(b"\r\n\r\n")
    return path


def _header_only_csv(tmp: Path) -> Path:
    path = tmp / "header.csv"
    path.write_text("respid;kj_ostf;vekt\n", encoding="utf-8")
    return path


def _ragged_csv(tmp: Path) -> Path:
    path = tmp / "ragged.csv"
    path.write_text("respid;kj_ostf\n1;2\n2;3;4\n", encoding="utf-8")
    return path


def _truncated_csv(tmp: Path) -> Path:
    path = tmp / "cut.csv"
    path.write_text("respid;kj_ostf;vekt\n1;2;1,0\n2;3", encoding="utf-8")
    return path


def _duplicate_header(tmp: Path) -> Path:
    path = tmp / "dup.csv"
    path.write_text("respid;kj;kj\n1;2;3\n", encoding="utf-8")
    return path


def _wrong_encoding(tmp: Path) -> tuple[Path, dict]:
    path = tmp / "latin.csv"
    path.write_bytes("respid;by\n1;Sarpsborg\n2;Råde\n".encode("cp1252"))
    return path, {"encoding": "utf-8"}


def _utf8_read_as_1252(tmp: Path) -> tuple[Path, dict]:
    path = tmp / "utf8.csv"
    path.write_text("respid;by\n1;Råde\n", encoding="utf-8")
    return path, {"encoding": "windows-1252"}


def _replacement_chars(tmp: Path) -> Path:
    path = tmp / "mangled.csv"
    path.write_text("respid;by\n1;R\ufffdde\n", encoding="utf-8")
    return path


def _unknown_encoding(tmp: Path) -> tuple[Path, dict]:
    path = tmp / "x.csv"
    path.write_text("a\n1\n", encoding="utf-8")
    return path, {"encoding": "norsk-8"}


def _norwegian_sav(tmp: Path) -> Path:
    import polars as pl
    import pyreadstat

    path = tmp / "norsk.sav"
    df = pl.DataFrame({"by": ["Råde", "Moss"]})
    pyreadstat.write_sav(df, str(path), column_labels={"by": "Bykommune i Østfold"})
    return path


def _sav_read_as_1252(tmp: Path) -> tuple[Path, dict]:
    return _norwegian_sav(tmp), {"encoding": "windows-1252"}


def _sav_unknown_encoding(tmp: Path) -> tuple[Path, dict]:
    return _norwegian_sav(tmp), {"encoding": "norsk-8"}


def _missing(tmp: Path) -> Path:
    return tmp / "finnes-ikke.sav"


def _directory(tmp: Path) -> Path:
    path = tmp / "surveys.sav"
    path.mkdir()
    return path


def _unknown_suffix(tmp: Path) -> Path:
    path = tmp / "data.xlsx"
    path.write_bytes(b"PK\x03\x04")
    return path


def _bad_codebook_json(tmp: Path) -> Path:
    path = tmp / "o.csv"
    path.write_text("a;b\n1;2\n", encoding="utf-8")
    (tmp / "o.codebook.json").write_text('{"variables": [', encoding="utf-8")
    return path


CASES: dict[str, tuple[Callable[[Path], Path | tuple[Path, dict]], str]] = {
    "missing file": (_missing, r"finnes-ikke.sav: file not found"),
    "directory": (_directory, r"surveys.sav is a directory"),
    "truncated sav": (
        _truncated,
        r"truncated.sav: not a readable SPSS system file .*corrupt or truncated",
    ),
    "truncated header": (_truncated_header, r"stub.sav: not a readable SPSS system file"),
    "corrupt sav": (_garbage, r"corrupt.sav: not a readable SPSS system file"),
    "truncated zsav": (_truncated_zsav, r"truncated.zsav: not a readable SPSS system file"),
    "truncated por": (_truncated_por, r"truncated.por: not a readable SPSS portable file"),
    "encrypted sav": (
        _encrypted,
        r"locked.sav is a password-encrypted SPSS file.*unencrypted copy",
    ),
    "sav named csv": (
        _sav_named_csv,
        r"omdomme-2018.csv is an SPSS system file \(it starts with \$FL2\), not CSV; rename it to .sav",
    ),
    "zsav named csv": (_zsav_named_csv, r"is a compressed SPSS system file .*; rename it to .zsav"),
    "por named sav": (
        _por_named_sav,
        r"omdomme-2018.sav is an SPSS portable file but is named '.sav'; rename it to .por",
    ),
    "csv named sav": (
        _csv_named_sav,
        r"omdomme-2018.sav is named '.sav' but is not an SPSS file: it is plain text .*rename it to .csv",
    ),
    "xlsx named csv": (_xlsx_named_csv, r"is an Excel or other Office file.*save it as CSV"),
    "empty sav": (_empty_sav, r"empty.sav is empty \(0 bytes\)"),
    "empty csv": (_empty_csv, r"empty.csv is empty"),
    "blank csv": (_blank_csv, r"blank.csv is empty"),
    "header only csv": (
        _header_only_csv,
        r"header.csv has a header \(3 columns\) but no data rows",
    ),
    "ragged csv": (_ragged_csv, r"ragged.csv: line 3 has 3 fields but the header has 2"),
    "truncated csv": (
        _truncated_csv,
        r"cut.csv looks truncated: the last line \(3\) has 2 of 3 fields",
    ),
    "duplicate header": (
        _duplicate_header,
        r"dup.csv: column name\(s\) 'kj' appear more than once",
    ),
    "wrong encoding": (
        _wrong_encoding,
        r'latin.csv is not utf-8: byte 0xe5 on line 3 .*encoding = "windows-1252"',
    ),
    "utf8 read as 1252": (
        _utf8_read_as_1252,
        r'utf8.csv is UTF-8, not windows-1252.*encoding = "utf-8"',
    ),
    "replacement chars": (
        _replacement_chars,
        r'mangled.csv contains the replacement character .*line 2.*encoding = "windows-1252"',
    ),
    "unknown encoding": (_unknown_encoding, r"x.csv: unknown encoding 'norsk-8'"),
    "sav read as 1252": (
        _sav_read_as_1252,
        r"norsk.sav: the text is UTF-8, not windows-1252: reading it as windows-1252 turns 'Bykommune i Østfold' into 'Bykommune i Ã˜stfold'",
    ),
    "sav unknown encoding": (_sav_unknown_encoding, r"norsk.sav: unknown encoding 'norsk-8'"),
    "unknown suffix": (
        _unknown_suffix,
        r"data.xlsx: cannot tell the format from the suffix '.xlsx'",
    ),
    "bad codebook": (
        _bad_codebook_json,
        r"o.codebook.json \(codebook of o.csv\): not valid JSON \(line 1",
    ),
}


def _make(case: str, tmp: Path) -> tuple[Path, dict]:
    made = CASES[case][0](tmp)
    return made if isinstance(made, tuple) else (made, {})


@pytest.mark.parametrize("case", list(CASES))
def test_bad_file_gives_one_clear_read_error(case: str, tmp_path: Path) -> None:
    path, options = _make(case, tmp_path)
    with pytest.raises(ReadError, match=CASES[case][1]) as info:
        read(path, **options)
    message = str(info.value)
    assert path.name in message
    assert "\n" not in message
    # Raised on purpose, not a wrapped library traceback.
    assert info.value.__cause__ is None


@pytest.mark.parametrize("case", list(CASES))
def test_bad_file_exits_2_with_the_message_and_no_traceback(case: str, tmp_path: Path) -> None:
    from omdomme.cli import main

    path, options = _make(case, tmp_path)
    args = ["codebook", str(path)]
    if "encoding" in options:
        args += ["--encoding", options["encoding"]]
    result = CliRunner().invoke(main, args)
    assert result.exit_code == 2, result.output
    lines = result.output.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("Error: "), result.output
    assert path.name in lines[0]
    assert "Traceback" not in result.output
