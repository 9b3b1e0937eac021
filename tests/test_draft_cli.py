"""`omdomme draft` as a user sees it: the messages and the drafted file (snapshots), and exit 2
for what cannot be done (an existing definition, an unreadable file, an unknown --like round)."""

from __future__ import annotations

import shutil
from pathlib import Path

from click.testing import CliRunner

from _fixture_round import assert_snapshot
from omdomme.cli import main

REPO = Path(__file__).resolve().parents[1]


def _round(tmp_path: Path, round: int) -> Path:
    folder = tmp_path / "surveys" / str(round)
    folder.mkdir(parents=True)
    for path in (REPO / "surveys" / str(round)).glob("omdomme-*"):
        shutil.copy(path, folder / path.name)
    return next(p for p in folder.iterdir() if not p.name.endswith(".json"))


def _draft(tmp_path: Path, *args: str) -> tuple[int, str]:
    result = CliRunner().invoke(main, ["draft", *args, "--root", str(tmp_path)])
    return result.exit_code, result.output.replace(str(tmp_path), "<root>")


def test_draft_of_the_2016_csv_snapshot(tmp_path: Path) -> None:
    # A CSV with its codebook: vendor A's names, «vet ikke» 9/99, municipality codes of 2016.
    data = _round(tmp_path, 2016)
    code, out = _draft(tmp_path, str(data), "--round", "2016")
    assert code == 0, out
    text = (tmp_path / "surveys" / "2016" / "omdomme.toml").read_text(encoding="utf-8")
    assert_snapshot("draft_2016", out + "\n----- surveys/2016/omdomme.toml -----\n" + text)


def test_draft_of_a_foreign_english_file_snapshot(tmp_path: Path) -> None:
    from test_draft import _foreign_file

    data = _foreign_file(tmp_path / "levering.sav")
    code, out = _draft(tmp_path, str(data), "--round", "2028")
    assert code == 0, out
    text = (tmp_path / "surveys" / "2028" / "omdomme.toml").read_text(encoding="utf-8")
    assert_snapshot("draft_foreign", out + "\n----- surveys/2028/omdomme.toml -----\n" + text)


def test_draft_will_not_overwrite_without_force(tmp_path: Path) -> None:
    data = _round(tmp_path, 2018)
    assert _draft(tmp_path, str(data), "--round", "2018")[0] == 0
    code, out = _draft(tmp_path, str(data), "--round", "2018")
    assert code == 2
    assert out == (
        "Error: <root>/surveys/2018/omdomme.toml exists; `omdomme draft` does not overwrite a definition "
        "(it may hold your edits). Pass --force to replace it, or move it away first.\n"
    )
    code, out = _draft(tmp_path, str(data), "--round", "2018", "--force")
    assert code == 0 and out.startswith("Wrote <root>/surveys/2018/omdomme.toml from ")


def test_draft_errors_exit_2_with_one_line(tmp_path: Path) -> None:
    code, out = _draft(tmp_path, str(tmp_path / "nowhere.sav"), "--round", "2028")
    assert code == 2 and out.startswith("Error: ") and out.count("\n") == 1 and "nowhere.sav" in out
    data = _round(tmp_path, 2018)
    code, out = _draft(tmp_path, str(data), "--round", "2020", "--like", "2014")
    assert code == 2 and out.startswith("Error: round 2014: no omdomme.toml under <root>/surveys/2014")
    assert not (tmp_path / "surveys" / "2020" / "omdomme.toml").exists()
    code, out = _draft(tmp_path, str(data))
    assert code == 2 and "Missing option '--round'" in out


def test_draft_of_the_2026_vendor_c_file_like_2024_snapshot(tmp_path: Path) -> None:
    # A new vendor's file delivered outside surveys/, drafted like the previous round: the
    # terminal lists what differs from 2024 (sex codes, county positions, the reversed scale).
    _round(tmp_path, 2024)
    shutil.copy(REPO / "surveys" / "2024" / "omdomme.toml", tmp_path / "surveys" / "2024" / "omdomme.toml")
    delivered = tmp_path / "leveranse"
    delivered.mkdir()
    shutil.copy(REPO / "surveys" / "2026" / "omdomme-2026.sav", delivered / "omdomme-2026.sav")
    code, out = _draft(tmp_path, str(delivered / "omdomme-2026.sav"), "--round", "2026", "--like", "2024")
    assert code == 0, out
    text = (tmp_path / "surveys" / "2026" / "omdomme.toml").read_text(encoding="utf-8")
    assert 'file = "../../leveranse/omdomme-2026.sav"' in text
    assert_snapshot("draft_2026_like_2024", out + "\n----- surveys/2026/omdomme.toml -----\n" + text)
