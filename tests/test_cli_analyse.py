"""`omdomme analyse`: what the user sees (snapshots), bad input exits 2 and writes nothing,
outputs are atomic and byte-identical on reruns, and every shipped round analyses."""

from __future__ import annotations

import hashlib
from pathlib import Path

import polars as pl
import pytest
from click.testing import CliRunner

from _fixture_round import DEFINITION, assert_snapshot, make_data, make_round
from omdomme.cli import main

REPO = Path(__file__).resolve().parents[1]


def _run(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(main, list(args))
    return result.exit_code, result.stdout, result.stderr


def _digests(folder: Path) -> dict[str, str]:
    return {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in sorted(folder.iterdir())}


@pytest.fixture(scope="module")
def analysed(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, int, str]:
    root = tmp_path_factory.mktemp("proj")
    make_round(root, 2016, seed=2)
    make_round(root, 2018, seed=1)
    code, out, _ = _run("analyse", "2018", "--root", str(root))
    return root, code, out


def test_analyse_summary_snapshot(analysed: tuple[Path, int, str]) -> None:
    root, code, out = analysed
    assert code == 0, out
    assert_snapshot("analyse_2018_fixture", out.replace(str(root), "<root>"))


def test_analyse_writes_the_contract_files(analysed: tuple[Path, int, str]) -> None:
    root, _, _ = analysed
    folder = root / "analyses" / "2018"
    assert sorted(p.name for p in folder.iterdir()) == [
        "comparisons.csv", "comparisons.parquet", "estimates.csv", "estimates.parquet", "manifest.json",
        "omdomme-2018.xlsx", "ranks.csv", "ranks.parquet"]
    csv = pl.read_csv(folder / "estimates.csv")
    parquet = pl.read_parquet(folder / "estimates.parquet")
    assert csv.columns == parquet.columns and csv.height == parquet.height == 60 + 10 * 4 * 5  # + the association frame: 10 rows x 4 domains x 5 counties
    # No leftovers of the atomic swap.
    assert [p.name for p in (root / "analyses").iterdir()] == ["2018"]


def test_rerun_is_byte_identical(analysed: tuple[Path, int, str]) -> None:
    root, _, _ = analysed
    before = _digests(root / "analyses" / "2018")
    code, _, _ = _run("analyse", "2018", "--root", str(root), "--quiet")
    assert code == 0
    assert _digests(root / "analyses" / "2018") == before


def test_failed_write_leaves_previous_outputs(analysed: tuple[Path, int, str], monkeypatch: pytest.MonkeyPatch) -> None:
    import omdomme.results.write as output

    root, _, _ = analysed
    before = _digests(root / "analyses" / "2018")

    def broken(*args: object, **kwargs: object) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(output, "_write_excel", broken)
    code, _, err = _run("analyse", "2018", "--root", str(root), "--quiet")
    assert code == 1
    assert "could not write" in err and "previous outputs are unchanged" in err
    assert _digests(root / "analyses" / "2018") == before
    assert [p.name for p in (root / "analyses").iterdir()] == ["2018"]


def _definition(**replace: str) -> str:
    text = DEFINITION.format(round=2018, code_year=2018, previous="")
    for old, new in replace.items():
        assert old in text
        text = text.replace(old, new)
    return text


@pytest.mark.parametrize(
    ("definition", "data", "expected"),
    [
        pytest.param(_definition(**{'variable = "kj_{target}"': 'variable = "kjj_{target}"'}), None,
                     ["variables `kjj_aker` … `kjj_ostf` (5 variables) of [questions.kjennskap] are not in",
                      "did you mean `kj_aker` … `kj_ostf` (5 variables)?"], id="missing-variable"),
        pytest.param(_definition(**{'scale_id = "kjennskap-4"\nvet_ikke = [9]': 'scale_id = "kjennskap-4"\nvet_ikke = [9, 8]'}),
                     None, ["[questions.kjennskap]: code(s) 8 (vet_ikke) never occur in kj_aker"], id="unused-code"),
        pytest.param(None, "no-vestfold", ["[targets] vestfold: no respondent in", "lives in vestfold"],
                     id="county-without-residents"),
    ],
)
def test_bad_definition_exits_2_and_writes_nothing(tmp_path: Path, definition: str | None, data: str | None,
                                                   expected: list[str]) -> None:
    frame = None
    if data == "no-vestfold":
        frame = make_data(300, seed=5).with_columns(
            pl.when(pl.col("kommune").is_in([701.0, 704.0, 710.0])).then(101.0).otherwise(pl.col("kommune"))
            .alias("kommune"))
    make_round(tmp_path, data=frame, definition=definition)
    code, out, err = _run("analyse", "2018", "--root", str(tmp_path))
    assert code == 2, (out, err)
    assert err.startswith("Error: ") and "Traceback" not in err
    for piece in expected:
        assert piece in err
    assert not (tmp_path / "analyses").exists() or not any((tmp_path / "analyses").iterdir())
    # validate lists the same problem, exit 2.
    vcode, _, verr = _run("validate", "2018", "--root", str(tmp_path))
    assert vcode == 2
    for piece in expected:
        assert piece in verr


def test_unknown_round_is_usage_error(tmp_path: Path) -> None:
    make_round(tmp_path, 2018)
    code, _, err = _run("analyse", "2031", "--root", str(tmp_path))
    assert code == 2
    assert "round 2031" in err and "rounds present" in err and "2018" in err


SHIPPED = sorted(int(p.parent.name) for p in (REPO / "surveys").glob("20*/omdomme.toml"))


@pytest.mark.slow
def test_every_shipped_round_analyses(tmp_path: Path) -> None:
    # Through the library path of `omdomme analyse` (the CLI wrapper is tested above), written
    # into a scratch project whose surveys/ is the shipped one.
    from omdomme.analysis.reputation import analyse_round
    from omdomme.results.write import write_analysis

    assert SHIPPED, "no shipped rounds under surveys/"
    (tmp_path / "surveys").symlink_to(REPO / "surveys")
    for round_ in SHIPPED:
        folder = write_analysis(analyse_round(round_, root=tmp_path), root=tmp_path)
        est = pl.read_csv(folder / "estimates.csv").filter(pl.col("survey") == "omdomme")
        cells = est.group_by("indicator", "domain").agg(pl.col("target").n_unique())
        have = set(est["indicator"])
        assert {"vet_ikke", "svaert_godt", "moderne_ungdom", "verdier"} <= have, (round_, have)
        assert cells["target"].to_list() == [5] * cells.height, round_
        assert est["estimate"].is_not_null().all(), round_


def test_analyse_innovation_summary_snapshot(tmp_path: Path) -> None:
    # The shipped innovation rounds alone (2018 and its goal baseline 2016): the terminal shows
    # the innovation block, and warnings (the «Uoppgitt» firms) as English «Note:» lines.
    import shutil

    for round_ in (2016, 2018):
        folder = tmp_path / "surveys" / str(round_)
        folder.mkdir(parents=True)
        for name in ("innovasjon.toml", f"innovasjon-{round_}.sav"):
            shutil.copy(REPO / "surveys" / str(round_) / name, folder / name)
    code, out, err = _run("analyse", "2018", "--root", str(tmp_path))
    assert code == 0, err
    assert "Note: " in err and "kommune code 9999" in err and "Merk" not in err
    assert_snapshot("analyse_2018_innovasjon", out.replace(str(tmp_path), "<root>"))


def _shipped_project(root: Path) -> Path:
    import shutil

    for round_ in ("2016", "2018"):
        shutil.copytree(REPO / "surveys" / round_, root / "surveys" / round_)
    return root


@pytest.mark.slow
def test_two_processes_write_the_same_files_and_show_the_same_notes(tmp_path: Path) -> None:
    # -j 2 analyses the innovation survey in a child process (omdomme.analysis._worker): the
    # files, the notes and the summary must be those of the one-process run, byte for byte.
    runs = {}
    for jobs in ("1", "2"):
        root = _shipped_project(tmp_path / f"j{jobs}")
        result = CliRunner().invoke(main, ["analyse", "2018", "--root", str(root), "-j", jobs])
        assert result.exit_code == 0, result.output
        # progress lines appear only after the first second: timing, not content
        shown = [line.replace(str(root), "ROOT") for line in result.output.splitlines() if not line.startswith("… ")]
        runs[jobs] = (shown, _digests(root / "analyses" / "2018"))
    assert runs["1"] == runs["2"]
    notes = [line for line in runs["2"][0] if line.startswith("Note: ")]
    assert any("innovasjon-2018.sav" in n and "9999" in n for n in notes)  # the child's warning, relayed


def test_a_failed_child_is_redone_here_with_the_usual_error(tmp_path: Path) -> None:
    # A damaged innovation file: the child fails, the parent analyses the survey itself and the
    # user sees the error of a one-process run (message, exit code), and nothing is written.
    outputs = {}
    for jobs in ("1", "2"):
        root = _shipped_project(tmp_path / f"j{jobs}")
        data = root / "surveys" / "2018" / "innovasjon-2018.sav"
        data.write_bytes(data.read_bytes()[:5000])
        result = CliRunner().invoke(main, ["analyse", "2018", "--root", str(root), "-q", "-j", jobs])
        outputs[jobs] = (result.exit_code, result.stderr.replace(str(root), "ROOT"))
        assert not (root / "analyses" / "2018").exists()
    assert outputs["1"] == outputs["2"]
    assert outputs["2"][0] == 2 and "innovasjon-2018.sav" in outputs["2"][1] and "Traceback" not in outputs["2"][1]


def test_a_failed_previous_round_in_the_child_is_redone_here_with_the_usual_error(tmp_path: Path) -> None:
    # The previous round's estimates are the child's first task: a damaged 2016 file fails there,
    # and the parent estimates 2016 itself, so the user sees the error of a one-process run.
    outputs = {}
    for jobs in ("1", "2"):
        root = _shipped_project(tmp_path / f"j{jobs}")
        data = root / "surveys" / "2016" / "omdomme-2016.csv"
        lines = data.read_bytes().splitlines(keepends=True)  # as delivered: Windows-1252
        data.write_bytes(b"".join(lines[:1] + [lines[1].replace(b";", b";x", 1)] + lines[2:]))
        result = CliRunner().invoke(main, ["analyse", "2018", "--root", str(root), "-q", "-j", jobs])
        outputs[jobs] = (result.exit_code, result.stderr.replace(str(root), "ROOT"))
        assert not (root / "analyses" / "2018").exists()
    assert outputs["1"] == outputs["2"]
    assert outputs["2"][0] == 2 and "omdomme-2016" in outputs["2"][1] and "Traceback" not in outputs["2"][1]


def _claimed_by_child(worker: object, task: str) -> None:
    import time

    claim = Path(worker.folder.name) / f"{task}.claim"  # type: ignore[attr-defined]
    deadline = time.monotonic() + 60
    while not claim.exists():
        assert time.monotonic() < deadline, f"the child never took {task}"
        time.sleep(0.01)


def test_a_task_the_child_took_is_its_result_or_handed_back_when_it_fails(tmp_path: Path) -> None:
    # Parent and child share the tasks by claim files: once the child has taken «previous», the
    # parent waits for its result — the in-process one, frame for frame — or, when the child
    # fails at it, is told so at once and does it itself.
    from omdomme.analysis import _worker
    from omdomme.analysis.reputation import _previous_estimates
    from omdomme.definitions import load_definition

    root = _shipped_project(tmp_path / "ok")
    worker = _worker.Worker.start(2018, root, ("previous",))
    assert worker is not None
    try:
        _claimed_by_child(worker, "previous")
        estimates, info = worker.result("previous", None)
    finally:
        worker.close()
    here, here_info = _previous_estimates(load_definition(2016, "omdomme", root), root, None)
    assert estimates.equals(here) and info == here_info

    root = _shipped_project(tmp_path / "bad")
    data = root / "surveys" / "2016" / "omdomme-2016.csv"
    data.write_bytes(data.read_bytes()[:100])
    worker = _worker.Worker.start(2018, root, ("previous",))
    assert worker is not None
    try:
        _claimed_by_child(worker, "previous")
        assert worker.result("previous", None) is None and worker.ended == {"previous": False}
    finally:
        worker.close()


def test_a_task_the_child_has_not_begun_is_the_parents() -> None:
    # The parent claims first: the child skips the task and the parent is not made to wait.
    import tempfile

    from omdomme.analysis._worker import _claim

    with tempfile.TemporaryDirectory() as folder:
        assert _claim(Path(folder), "previous") and not _claim(Path(folder), "previous")
        assert _claim(Path(folder), "innovation")


def test_a_child_that_dies_changes_nothing(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # However the child ends (killed, no Python, no result), the run is that of one process.
    import subprocess
    import sys

    from omdomme.analysis import _worker

    def dying(cls: type, round: int, root: Path, tasks: tuple[str, ...]) -> _worker.Worker:
        worker = original(round, root, tasks)
        worker.process.kill()
        worker.process.wait()
        worker.process.stdout.close()
        worker.process = subprocess.Popen([sys.executable, "-c", "import sys; sys.exit(3)"], stdout=subprocess.PIPE)
        return worker

    original = _worker.Worker.start
    root1 = _shipped_project(tmp_path / "one")
    assert CliRunner().invoke(main, ["analyse", "2018", "--root", str(root1), "-q", "-j", "1"]).exit_code == 0
    monkeypatch.setattr(_worker.Worker, "start", classmethod(dying))
    root2 = _shipped_project(tmp_path / "two")
    result = CliRunner().invoke(main, ["analyse", "2018", "--root", str(root2), "-q", "-j", "2"])
    assert result.exit_code == 0, result.output
    assert _digests(root1 / "analyses" / "2018") == _digests(root2 / "analyses" / "2018")


def test_omdomme_jobs_must_be_a_number(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("OMDOMME_JOBS", "many")
    make_round(tmp_path, 2018)
    code, _, err = _run("analyse", "2018", "--root", str(tmp_path))
    assert code == 2 and "OMDOMME_JOBS='many'" in err and "Traceback" not in err


def test_a_child_that_cannot_start_means_one_process(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # The interpreter not executable by this user (a shared install run by another account), no
    # temporary folder: the run is that of -j 1, not an error about the interpreter.
    import subprocess

    def refused(*args: object, **kwargs: object) -> None:
        raise PermissionError(13, "Permission denied", "/usr/bin/python3")

    root1 = _shipped_project(tmp_path / "one")
    assert CliRunner().invoke(main, ["analyse", "2018", "--root", str(root1), "-q", "-j", "1"]).exit_code == 0
    monkeypatch.setattr(subprocess, "Popen", refused)
    root2 = _shipped_project(tmp_path / "two")
    result = CliRunner().invoke(main, ["analyse", "2018", "--root", str(root2), "-q", "-j", "2"])
    assert result.exit_code == 0, result.output
    assert _digests(root1 / "analyses" / "2018") == _digests(root2 / "analyses" / "2018")
