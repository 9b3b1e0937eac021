"""The fault suite: every shipped round damaged in many ways, judged by one oracle.

See ``tests/faults/README.md``. ``OMDOMME_FAULTS=full`` runs more offsets, flips and kill moments;
``OMDOMME_FAULTS_JOBS`` sets how many cases run at once (default: 2, or 1 on one core);
``OMDOMME_FAULTS_KEEP=1`` keeps the damaged roots for inspection; ``OMDOMME_FAULTS_REPORT=<file>``
writes every case's runs, times and violations as JSON.
"""

from __future__ import annotations

import json
import os
import shutil
import tempfile
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
from harness import (
    Case,
    Outcome,
    Run,
    accounting,
    build_base,
    catalogue,
    first_line,
    nobody_available,
    run_case,
    violations,
)

CASES = {case.id: case for case in catalogue()}
JOBS = int(os.environ.get("OMDOMME_FAULTS_JOBS", str(min(2, os.cpu_count() or 1))))
KEEP = os.environ.get("OMDOMME_FAULTS_KEEP") == "1"


@pytest.fixture(scope="session")
def nobody_reason() -> str | None:
    return nobody_available()


@pytest.fixture(scope="session")
def judged(request: pytest.FixtureRequest, nobody_reason: str | None) -> Iterator[dict[str, tuple[Outcome, list[str]]]]:
    """Run every selected case once (JOBS at a time) and judge it; ``id -> (outcome, violations)``."""
    selected = [item.callspec.params["case_id"] for item in request.session.items
                if getattr(item, "originalname", "") == "test_fault"]
    wanted = [CASES[i] for i in selected if not (CASES[i].as_nobody and nobody_reason)]
    # Not pytest's tmp_path: its folders are private to root, and some cases run as nobody.
    work = Path(tempfile.mkdtemp(prefix="omdomme-faults-"))
    os.chmod(work, 0o755)
    (work / "home").mkdir()
    os.chmod(work / "home", 0o777)
    build_base(work / "base")

    def one(case: Case) -> tuple[Outcome, list[str]]:
        try:
            outcome = run_case(case, work / "base", work / "cases")
        except Exception as error:  # noqa: BLE001 - a broken case must not hide the others
            return Outcome(case, [], {}, {}, {}, False, work), [f"the case itself failed: {error!r}"]
        found = violations(outcome)
        if not KEEP:
            shutil.rmtree(outcome.root, ignore_errors=True)
        return outcome, found

    (work / "cases").mkdir()
    os.chmod(work / "cases", 0o755)
    start = time.monotonic()
    with ThreadPoolExecutor(max_workers=max(1, JOBS)) as pool:
        results = dict(zip([c.id for c in wanted], pool.map(one, wanted), strict=True))
    report = os.environ.get("OMDOMME_FAULTS_REPORT")
    if report:
        Path(report).write_text(json.dumps({
            "seconds": round(time.monotonic() - start, 1), "jobs": JOBS, "cases": len(results),
            "failed": sum(1 for _, found in results.values() if found),
            "results": [{"id": cid, "group": out.case.group, "violations": found,
                         "runs": [{"args": list(r.args), "exit": r.returncode, "seconds": round(r.seconds, 2),
                                   "first_line": first_line(r) if r.returncode else ""} for r in out.runs]}
                        for cid, (out, found) in results.items()],
        }, indent=1, ensure_ascii=False), encoding="utf-8")
    yield results
    if KEEP:
        print(f"\nfault suite roots kept in {work}")
    else:
        shutil.rmtree(work, ignore_errors=True)


@pytest.mark.slow
@pytest.mark.parametrize("case_id", list(CASES))
def test_fault(case_id: str, judged: dict[str, tuple[Outcome, list[str]]], nobody_reason: str | None) -> None:
    case = CASES[case_id]
    if case.as_nobody and nobody_reason:
        pytest.skip(nobody_reason)
    outcome, found = judged[case_id]
    if found:
        runs = "\n  ".join(r.describe() for r in outcome.runs)
        pytest.fail(f"{case_id}:\n- " + "\n- ".join(found) + f"\n  {runs}", pytrace=False)


# The oracle itself: each rule must be able to fail.


def _outcome(case: Case, *runs: Run, before: dict[str, str] | None = None,
             after: dict[str, str] | None = None, touched: bool = True) -> Outcome:
    return Outcome(case, list(runs), before or {}, after or {}, {}, touched, Path("/nonexistent"))


def _case(involved: str = "surveys/2016/omdomme-2016.csv", **kw: bool) -> Case:
    return Case("oracle", lambda root: None, [], involved, **kw)


def test_oracle_flags_tracebacks_codes_and_unnamed_files() -> None:
    bad = Run(("analyse", "2016"), 1, "", "Traceback (most recent call last):\n  ValueError: x\n", 0.1)
    found = violations(_outcome(_case(), bad))
    assert any("traceback" in f for f in found)
    assert any("does not name omdomme-2016.csv" in f for f in found)
    assert any("exit code 3" in f for f in violations(_outcome(_case(), Run(("codebook", "x"), 3, "", "", 0.1))))
    good = Run(("analyse", "2016"), 2, "", "Error: surveys/2016/omdomme-2016.csv is empty; ask again.\n", 0.1)
    assert violations(_outcome(_case(), good)) == []
    assert first_line(good) == "surveys/2016/omdomme-2016.csv is empty; ask again."
    unfinished = Run(("analyse", "2016"), 2, "", "Error: surveys/2016/omdomme-2016.csv has\n", 0.1)
    assert any("complete sentence" in f for f in violations(_outcome(_case(), unfinished)))
    assert any("succeeded" in f for f in violations(_outcome(_case(must_fail=True), Run(("validate", "2016"), 0, "OK", "", 0.1))))


def test_oracle_flags_lost_respondents_and_bad_accounting() -> None:
    manifest = {"surveys": {"omdomme": {"rows": {"read": 1586, "used": 1586, "excluded": []}}}}
    assert any("respondents lost" in p for p in accounting(manifest, {"omdomme": 1587}))
    assert accounting(manifest, {"omdomme": 1586}) == []
    inn = {"surveys": {"innovasjon": {"rows": {"read": 5944, "used": 5944,
                                               "excluded": [{"reason": "x", "count": 14}]}}}}
    assert any("!= used 5944 + excluded 14" in p for p in accounting(inn, None))


def test_oracle_flags_litter_and_changed_outputs() -> None:
    before = {"2018": "<dir>", "2018/estimates.parquet": "a"}
    litter = dict(before, **{".2018.tmp-x": "<dir>"})
    failed = Run(("analyse", "2018"), 1, "", "Error: could not write analyses/2018: disk full.\n", 0.1)
    case = _case(involved="analyses/2018")
    assert any("left behind" in f for f in violations(_outcome(case, failed, before=before, after=litter)))
    moved = {".2018.old": "<dir>", ".2018.old/estimates.parquet": "a"}
    assert any("changed although" in f for f in violations(_outcome(case, failed, before=before, after=moved)))
    assert violations(_outcome(case, failed, before=before, after=before)) == []
