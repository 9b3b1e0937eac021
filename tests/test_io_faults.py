"""Faults found by the fault suite (issue #14), each reproduced on its own, smallest first.

The suite in tests/faults/ finds them on the shipped rounds; these tests pin the behaviour and
the message at the level where it is made (the reader, the writer, the results reader, the CLI).
"""

from __future__ import annotations

import json
import os
from pathlib import Path

import polars as pl
import pyreadstat
import pytest
from click.testing import CliRunner

from omdomme.cli import main
from omdomme.errors import AnalysisError, InputError, OmdommeWarning, ReadError
from omdomme.io import read

HEADER = "respid;vekt;tekst"


def _csv(tmp: Path, body: str, name: str = "x.csv") -> Path:
    path = tmp / name
    path.write_bytes((HEADER + "\r\n" + body).encode("utf-8"))
    return path


# --- CSV: no respondent lost -----------------------------------------------------------------


def test_csv_cut_inside_a_quoted_field_is_an_error_not_fewer_rows(tmp_path: Path) -> None:
    rows = "".join(f'{i};1,5;"svar {i}"\r\n' for i in range(1, 8))
    path = _csv(tmp_path, rows + '8;1,5;"sv')
    with pytest.raises(ReadError, match=r"x.csv: the quoted field that starts on line 9 is never closed"):
        read(path)


def test_csv_stray_quote_that_would_swallow_the_rest_is_an_error(tmp_path: Path) -> None:
    rows = [f"{i};1,5;svar\r\n" for i in range(1, 8)]
    rows[2] = '3;1,5;"svar\r\n'
    with pytest.raises(ReadError, match=r"x.csv: the quoted field that starts on line 4 is never closed"):
        read(_csv(tmp_path, "".join(rows)))


def test_csv_rows_must_match_the_codebook_n_rows(tmp_path: Path) -> None:
    path = _csv(tmp_path, "1;1,5;a\r\n2;1,5;b\r\n")
    (tmp_path / "x.codebook.json").write_text(json.dumps({"file": "x.csv", "n_rows": 3, "variables": []}))
    with pytest.raises(ReadError, match=r"x.csv has 2 data rows but its codebook x.codebook.json says 3 "
                                        r"\(n_rows\): respondents are missing"):
        read(path)
    (tmp_path / "x.codebook.json").write_text(json.dumps({"file": "x.csv", "n_rows": 2, "variables": []}))
    assert read(path)[0].height == 2


def test_csv_field_missing_mid_file_names_the_line(tmp_path: Path) -> None:
    path = _csv(tmp_path, "1;1,5;a\r\n2;1,5\r\n3;1,5;c\r\n")
    with pytest.raises(ReadError, match=r"x.csv: line 3 has 2 fields but the header has 3 .* missing a field"):
        read(path)


def test_csv_bare_cr_names_the_line_without_crashing(tmp_path: Path) -> None:
    path = _csv(tmp_path, "1;1,5;a\r\n2;\r1,5;b\r\n")
    with pytest.raises(ReadError, match=r"x.csv: line 3 contains a carriage return \(CR\)"):
        read(path)
    # Inside a quoted field a CR is text.
    assert read(_csv(tmp_path, '1;1,5;"a\rb"\r\n', name="y.csv"))[0]["tekst"].to_list() == ["a\rb"]


def test_csv_stray_quote_inside_a_quoted_field(tmp_path: Path) -> None:
    path = _csv(tmp_path, '1;1,5;"a"b"\r\n2;1,5;c\r\n')
    with pytest.raises(ReadError, match=r"x.csv: line 2 has a stray quote"):
        read(path)


def test_csv_wrong_declared_delimiter_is_named(tmp_path: Path) -> None:
    path = tmp_path / "t.csv"
    path.write_text("respid\tvekt\n1\t2\n", encoding="utf-8")
    with pytest.raises(ReadError, match=r"t.csv: the header line has no ';' .* separated by tab\. "
                                        r'Set delimiter = "\\t"'):
        read(path, delimiter=";")


def test_csv_utf16_declared_windows_1252_is_not_called_truncated(tmp_path: Path) -> None:
    path = tmp_path / "u.csv"
    path.write_bytes("respid;vekt\r\n1;2\r\n".encode("utf-16"))
    with pytest.raises(ReadError, match=r"u.csv is UTF-16 text .* not windows-1252"):
        read(path, encoding="windows-1252")


# --- SPSS ---------------------------------------------------------------------------------------


def test_spss_date_beyond_python_is_read_as_a_number_with_a_note(tmp_path: Path) -> None:
    import pandas as pd

    path = tmp_path / "dato.sav"
    frame = pd.DataFrame({"respid": [1.0, 2.0], "dato": [13_569_465_600.0, 6.3e12],
                          "ok": [13_569_465_600.0, 13_569_552_000.0]})
    pyreadstat.write_sav(frame, str(path), variable_format={"dato": "DATETIME20", "ok": "DATE11"})
    with pytest.raises((ValueError, OverflowError)):  # what pyreadstat itself does with it
        pyreadstat.read_sav(str(path))
    with pytest.warns(OmdommeWarning, match=r"dato.sav: variable dato has format DATETIME20 but holds 6300000000000 \(year 201221\)"):
        data, meta = read(path)
    assert data["dato"].to_list() == [13_569_465_600.0, 6.3e12] and meta["dato"].type == "numeric"
    assert data["ok"].dtype == pl.Date and str(data["ok"][0]) == "2012-10-13"


# --- analyses/: the one reader and the one writer ----------------------------------------------


def _analysed(tmp: Path) -> Path:
    from _fake_analyses import write_fake_analyses

    write_fake_analyses(tmp, rounds=(2018,))
    return tmp / "analyses" / "2018"


def test_a_damaged_parquet_or_manifest_names_the_file_and_the_rerun(tmp_path: Path) -> None:
    from omdomme.results.read import load_round, read_estimates

    folder = _analysed(tmp_path)
    raw = (folder / "estimates.parquet").read_bytes()
    (folder / "estimates.parquet").write_bytes(raw[: len(raw) // 2])
    with pytest.raises(InputError, match=r"analyses/2018/estimates.parquet is damaged or incomplete .*"
                                         r"rerun `omdomme analyse 2018`"):
        load_round(2018, tmp_path)
    with pytest.raises(InputError, match=r"estimates.parquet is damaged"):
        read_estimates(2018, tmp_path)
    (folder / "estimates.parquet").write_bytes(raw)
    (folder / "manifest.json").write_text('{"surveys": {', encoding="utf-8")
    with pytest.raises(InputError, match=r"analyses/2018/manifest.json is damaged or incomplete \(JSONDecodeError"):
        load_round(2018, tmp_path)


def test_write_folder_records_checksums_and_a_hand_edited_csv_is_refused(tmp_path: Path) -> None:
    from omdomme.results.read import load_round
    from omdomme.results.write import write_folder

    target = tmp_path / "analyses" / "2018"
    table = pl.DataFrame({"survey": ["omdomme"], "estimate": [0.5]})
    write_folder(target, {"estimates": table}, {"round": 2018})
    manifest = json.loads((target / "manifest.json").read_text())
    assert set(manifest["outputs"]) == {"estimates.parquet", "estimates.csv"}
    assert load_round(2018, tmp_path).estimates.equals(table)
    (target / "estimates.csv").write_text("survey,estimate\nomdomme,0.99\n")
    with pytest.raises(InputError, match=r"estimates.csv was changed after omdomme wrote it .* no longer "
                                         r"agrees with estimates.parquet, which omdomme reads"):
        load_round(2018, tmp_path)


def test_stale_staging_of_a_killed_run_is_cleaned_and_only_its_own(tmp_path: Path) -> None:
    from omdomme.results.write import write_folder

    analyses = tmp_path / "analyses"
    (analyses / ".2018.tmp-deadbeef").mkdir(parents=True)
    (analyses / ".2016.tmp-other").mkdir()
    (analyses / "notes.txt").write_text("mine")
    write_folder(analyses / "2018", {"estimates": pl.DataFrame({"a": [1]})}, {})
    assert sorted(p.name for p in analyses.iterdir()) == [".2016.tmp-other", "2018", "notes.txt"]


def test_a_killed_two_rename_swap_gets_the_previous_outputs_back(tmp_path: Path) -> None:
    from omdomme.results.write import _clean_stale

    analyses = tmp_path / "analyses"
    (analyses / ".2018.old").mkdir(parents=True)
    (analyses / ".2018.old" / "estimates.parquet").write_bytes(b"previous")
    _clean_stale(analyses / "2018")
    assert (analyses / "2018" / "estimates.parquet").read_bytes() == b"previous"


def test_a_file_where_the_round_folder_goes_is_left_alone(tmp_path: Path) -> None:
    from omdomme.results.write import write_folder

    (tmp_path / "analyses").mkdir()
    (tmp_path / "analyses" / "2018").write_text("the user's file")
    with pytest.raises(AnalysisError, match=r"analyses/2018 is a file, not a folder, .* left as it is"):
        write_folder(tmp_path / "analyses" / "2018", {"estimates": pl.DataFrame({"a": [1]})}, {})
    assert (tmp_path / "analyses" / "2018").read_text() == "the user's file"
    assert sorted(p.name for p in (tmp_path / "analyses").iterdir()) == ["2018"]


# --- the CLI: one place turns OS failures into a message ---------------------------------------


@pytest.mark.skipif(os.geteuid() == 0, reason="root may read any file")
def test_unreadable_definition_is_a_message_naming_it(tmp_path: Path) -> None:
    folder = tmp_path / "surveys" / "2018"
    folder.mkdir(parents=True)
    (folder / "omdomme.toml").write_text("[survey]\n")
    os.chmod(folder / "omdomme.toml", 0)
    result = CliRunner().invoke(main, ["validate", "2018", "--root", str(tmp_path)])
    assert result.exit_code == 1 and "Traceback" not in result.output
    assert "omdomme.toml: permission denied" in result.stderr


def test_os_error_message_names_the_path() -> None:
    from omdomme.cli._common import os_error_message

    message = os_error_message(FileExistsError(17, "File exists", "analyses/.2018.tmp-x"))
    assert message.startswith("analyses/.2018.tmp-x: already exists") and message.endswith(".")
