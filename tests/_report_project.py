"""One analysed copy of the shipped synthetic rounds 2016 and 2018, shared by the report tests.

Analysing takes ~10 s, so every ``tests/test_report*.py`` module uses the same folder
(made once per test process, under the system's temporary folder, removed at exit).
"""

from __future__ import annotations

import atexit
import functools
import shutil
import tempfile
from pathlib import Path

from click.testing import CliRunner

from omdomme.cli import main

REPO = Path(__file__).resolve().parents[1]
ROUND = 2018


@functools.cache
def analysed_project() -> Path:
    """A project folder with ``surveys/2016``, ``surveys/2018`` and both rounds analysed."""
    root = Path(tempfile.mkdtemp(prefix="omdomme-report-project-"))
    atexit.register(shutil.rmtree, root, True)
    for round_ in (2016, ROUND):
        shutil.copytree(REPO / "surveys" / str(round_), root / "surveys" / str(round_))
    for round_ in (2016, ROUND):
        quiet = ["--quiet"] if round_ != ROUND else []
        result = CliRunner().invoke(main, ["analyse", str(round_), "--root", str(root), *quiet])
        assert result.exit_code == 0, result.output
    # The terminal summary of ROUND, for the check that every surface shows the same strings.
    (root / "analyse-summary.txt").write_text(result.output, encoding="utf-8")
    return root


def only_this_round(target: Path) -> Path:
    """A copy of the project in ``target`` with ``analyses/2018`` but not ``analyses/2016``."""
    source = analysed_project()
    shutil.copytree(source / "surveys", target / "surveys")
    shutil.copytree(source / "analyses" / str(ROUND), target / "analyses" / str(ROUND))
    return target
