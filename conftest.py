"""Docstring examples run against a fixture root, not the repository.

The examples of the entry points (``analyse_round(2018)``, ``load_round(2018)``,
``compare_rounds(2016, 2018)``, ...) are written as a user would type them in a project
folder. Here each doctest runs with the working directory set to a temporary copy of the
shipped synthetic rounds, with 2016 and 2018 analysed once per session, so the examples are
executed (not skipped) and nothing is written into the repository.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from _pytest.doctest import DoctestItem

REPO = Path(__file__).resolve().parent


@pytest.fixture(scope="session")
def doctest_root(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("doctest-root")
    shutil.copytree(REPO / "surveys", root / "surveys")
    from omdomme import analyse_round, write_analysis

    for round_ in (2016, 2018):
        write_analysis(analyse_round(round_, root=root), root)
    return root


@pytest.fixture(autouse=True)
def _doctests_in_fixture_root(request: pytest.FixtureRequest) -> Iterator[None]:
    if not isinstance(request.node, DoctestItem):
        yield
        return
    root = request.getfixturevalue("doctest_root")
    before = Path.cwd()
    os.chdir(root)
    try:
        yield
    finally:
        os.chdir(before)
