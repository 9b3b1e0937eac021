"""The child process of :mod:`omdomme.analysis._worker`: ``python -m omdomme.analysis._tasks ROUND ROOT FOLDER TASK...``.

Its own module so that the parent side (:class:`~omdomme.analysis._worker.Worker`, which
:mod:`omdomme.analysis.reputation` uses) imports nothing of the analyses, and the analyses the
child runs (the previous round's estimates, the innovation survey) can import the parent side.
"""

from __future__ import annotations

import os
import pickle
import sys
import warnings
from collections.abc import Callable
from pathlib import Path
from typing import Any

from omdomme.analysis._worker import _claim


def _previous(round: int, root: Path, progress: Callable[[str], None]) -> Any:
    """The previous reputation round's estimates, as :func:`reputation._previous_estimates` gives them."""
    from omdomme.analysis.reputation import _previous_estimates
    from omdomme.definitions import find_definitions, load_definition, previous_round

    definition = next(d for d in find_definitions(round, root) if d.kind == "omdomme")
    before = previous_round(definition, root)
    if before is None or not (Path(root) / "surveys" / str(before) / "omdomme.toml").is_file():
        raise LookupError(f"round {round} has no previous reputation round to estimate")
    return _previous_estimates(load_definition(before, "omdomme", root), root, progress)


def _innovation(round: int, root: Path, progress: Callable[[str], None]) -> Any:
    from omdomme.analysis.innovation import analyse_innovation
    from omdomme.definitions import find_definitions

    definition = next(d for d in find_definitions(round, root) if d.kind == "innovasjon")
    return analyse_innovation(definition, root=root, progress=progress)


def _main(round: int, root: Path, folder: Path, tasks: list[str]) -> int:
    """Do each task the parent has not taken, write its result and name it on standard output.

    ``done <task>`` after its result file is in place, ``failed <task>`` when it raised (the
    parent then does it itself and reports the error as a one-process run would).
    """
    failed = 0
    for task in tasks:
        if not _claim(folder, task):
            continue
        lines: list[str] = []
        try:
            with warnings.catch_warnings(record=True) as caught:
                # Everything is recorded here; the parent's own filters decide what is shown.
                warnings.simplefilter("always")
                result = {"previous": _previous, "innovation": _innovation}[task](round, root, lines.append)
            payload = {
                "result": result,
                "progress": lines,
                "warnings": [(w.category.__module__, w.category.__qualname__, str(w.message), w.filename, w.lineno)
                             for w in caught],
            }
            output = folder / f"{task}.pickle"
            partial = output.with_suffix(".partial")
            with partial.open("wb") as handle:
                pickle.dump(payload, handle, protocol=pickle.HIGHEST_PROTOCOL)
            os.replace(partial, output)
        except Exception:  # noqa: BLE001 - the parent does this task itself and reports its error
            failed += 1
            sys.stdout.write(f"failed {task}\n")
        else:
            sys.stdout.write(f"done {task}\n")
        sys.stdout.flush()
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(_main(int(sys.argv[1]), Path(sys.argv[2]), Path(sys.argv[3]), sys.argv[4:]))
