"""The innovation survey of a round, analysed in a second process while the reputation survey runs.

The two surveys of a round share nothing (their own files, definitions, designs and tables), so
`omdomme analyse` starts the innovation survey's analysis in a child Python process at the
beginning and collects it where the sequential run would have computed it. On a machine with
two cores or more this takes the innovation survey (its imports and estimation, ≈ a quarter of
the run) off the critical path; the numbers are the same code's, byte for byte.

The child is a fresh interpreter (``python -m omdomme.analysis._worker``, not a fork: polars and
OpenBLAS run threads, and forking a threaded process can deadlock). It pickles the
:class:`~omdomme.analysis.innovation.InnovationResult`, the warnings it raised and its progress
lines into a temporary file. The parent re-issues those warnings and lines at the point where the
sequential run raises them, so the notes a user sees are the same and in the same order.

If the child fails for any reason — bad input, a missing library, killed — the parent analyses
the innovation survey itself, in process, so an error reads exactly as in a sequential run (the
same message and exit code); only the time of the failed child is lost. ``OMDOMME_JOBS=1`` (or
``omdomme analyse --jobs 1``) never starts a child.
"""

from __future__ import annotations

import importlib
import os
import pickle
import subprocess
import sys
import tempfile
import warnings
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

#: Environment variable: how many processes `omdomme analyse` may use (1: everything in one).
JOBS_VARIABLE = "OMDOMME_JOBS"
_THREAD_VARIABLES = ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS", "POLARS_MAX_THREADS")


def default_jobs() -> int:
    """Processes for `omdomme analyse`: ``OMDOMME_JOBS`` when set, else 2 on a machine with 2+ cores.

    >>> os.environ[JOBS_VARIABLE] = "1"; default_jobs()
    1
    >>> del os.environ[JOBS_VARIABLE]
    """
    value = os.environ.get(JOBS_VARIABLE, "").strip()
    if value:
        try:
            return max(1, int(value))
        except ValueError:
            from omdomme.errors import UsageError

            raise UsageError(f"{JOBS_VARIABLE}={value!r} is not a whole number of processes; "
                             f"set it to 1 (one process) or 2, or unset it.") from None
    try:
        cores = len(os.sched_getaffinity(0))
    except AttributeError:  # not Linux
        cores = os.cpu_count() or 1
    return 2 if cores >= 2 else 1


@dataclass
class InnovationWorker:
    """A running child process analysing the innovation survey of ``round`` under ``root``."""

    process: subprocess.Popen[bytes]
    output: Path
    folder: tempfile.TemporaryDirectory[str]

    @classmethod
    def start(cls, round: int, root: Path) -> InnovationWorker | None:
        """The child started, or None when it cannot be (no temporary folder, the interpreter not runnable)."""
        try:
            folder = tempfile.TemporaryDirectory(prefix="omdomme-innovasjon-")
        except OSError:
            return None
        output = Path(folder.name) / "result.pickle"
        # One thread each for the child's BLAS and polars (unless the user chose): its matrices and
        # frames are small, and two processes with two pools each on two cores only wait on each other.
        env = {**{name: "1" for name in _THREAD_VARIABLES}, **os.environ}
        try:
            process = subprocess.Popen(
                [sys.executable, "-m", "omdomme.analysis._worker", str(int(round)), str(root), str(output)],
                stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=env,
            )
        except OSError:  # e.g. the interpreter may not be executed by this user: one process, as -j 1
            folder.cleanup()
            return None
        return cls(process=process, output=output, folder=folder)

    def result(self, progress: Callable[[str], None] | None) -> Any:
        """The child's :class:`InnovationResult`, its warnings and progress re-issued here; None if it failed."""
        try:
            code = self.process.wait()
            if code != 0 or not self.output.is_file():
                return None
            with self.output.open("rb") as handle:
                payload = pickle.load(handle)
        except Exception:  # noqa: BLE001 - any failure of the child: the parent does the work itself
            return None
        finally:
            self.close()
        for message in payload["progress"]:
            if progress is not None:
                progress(message)
        for module, name, text, filename, lineno in payload["warnings"]:
            warnings.warn_explicit(text, _category(module, name), filename, lineno)
        return payload["result"]

    def close(self) -> None:
        """Stop the child if it still runs and remove its files (also when the parent failed first)."""
        if self.process.poll() is None:
            self.process.kill()
            self.process.wait()
        self.folder.cleanup()


def _category(module: str, name: str) -> type[Warning]:
    try:
        category = getattr(importlib.import_module(module), name)
    except (ImportError, AttributeError):
        return UserWarning
    return category if isinstance(category, type) and issubclass(category, Warning) else UserWarning


def _main(round: int, root: Path, output: Path) -> int:
    from omdomme.analysis.innovation import analyse_innovation
    from omdomme.definitions import find_definitions

    lines: list[str] = []
    with warnings.catch_warnings(record=True) as caught:
        # Everything is recorded here; the parent's own filters decide what is shown.
        warnings.simplefilter("always")
        definition = next(d for d in find_definitions(round, root) if d.kind == "innovasjon")
        result = analyse_innovation(definition, root=root, progress=lines.append)
    payload = {
        "result": result,
        "progress": lines,
        "warnings": [(w.category.__module__, w.category.__qualname__, str(w.message), w.filename, w.lineno)
                     for w in caught],
    }
    partial = output.with_suffix(".partial")
    with partial.open("wb") as handle:
        pickle.dump(payload, handle, protocol=pickle.HIGHEST_PROTOCOL)
    os.replace(partial, output)
    return 0


if __name__ == "__main__":
    sys.exit(_main(int(sys.argv[1]), Path(sys.argv[2]), Path(sys.argv[3])))
