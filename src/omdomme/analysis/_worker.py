"""Parts of a round that share nothing with the reputation survey's estimation, in a second process.

`omdomme analyse <round>` estimates the round's reputation survey and then needs two things that
depend on nothing it computes: the previous reputation round's estimates (for the change since
then) and the innovation survey's analysis (its own files, definitions, design and tables). It
starts a child Python process at the beginning that does these two, the innovation survey first,
and collects each where the sequential run would have computed it; a task the child has not
begun when the parent needs it, the parent does itself (whichever process is free first takes
it). On a machine with two cores or more this takes the innovation survey (its imports and
estimation) and often the previous round off the critical path; the numbers are the same code's,
byte for byte.

The child is a fresh interpreter (``python -m omdomme.analysis._tasks``, not a fork: polars and
OpenBLAS run threads, and forking a threaded process can deadlock). For each task it pickles the
result (:func:`~omdomme.analysis.reputation._previous_estimates`'s estimates and description,
the :class:`~omdomme.analysis.innovation.InnovationResult`), the warnings it raised and its
progress lines into a temporary file and then names the task on its standard output, so that
the parent waits for the one it needs and no longer. The parent re-issues those warnings and
lines at the point where the sequential run raises them, so the notes a user sees are the same
and in the same order.

If the child fails at a task for any reason — bad input, a missing library, killed — the parent
does that task itself, in process, so an error reads exactly as in a sequential run (the same
message and exit code); only the time of the failed child is lost. ``OMDOMME_JOBS=1`` (or
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
from dataclasses import dataclass, field
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


#: The tasks a child can do, in the order it does them: the innovation survey (the parent needs it
#: last), then the previous reputation round's estimates (needed for the change since then).
TASKS = ("innovation", "previous")


def _claim(folder: Path, task: str) -> bool:
    """Take ``task`` for this process: True for the first of parent and child to ask, False after."""
    try:
        os.close(os.open(folder / f"{task}.claim", os.O_CREAT | os.O_EXCL | os.O_WRONLY))
    except FileExistsError:
        return False
    return True


def planned_tasks(round: int, root: Path) -> tuple[str, ...]:
    """The tasks a child may take for ``round``, from which definitions exist (no library imported).

    ``previous`` when the round has a reputation definition (the child finds the previous round
    itself and fails the task when there is none: the parent then never asks for it),
    ``innovation`` when it has an innovation definition.
    """
    folder = Path(root) / "surveys" / str(int(round))
    wanted = {"previous": (folder / "omdomme.toml").is_file(), "innovation": (folder / "innovasjon.toml").is_file()}
    return tuple(t for t in TASKS if wanted[t])


@dataclass
class Worker:
    """A running child process doing ``tasks`` of ``round`` under ``root``, one result file each.

    Parent and child share the tasks: each takes a task by creating its claim file (``O_EXCL``, so
    exactly one of them gets it). The child takes them in :data:`TASKS` order; the parent, when it
    needs a result, takes a task the child has not begun and does it itself, and waits only for
    one the child is doing.
    """

    process: subprocess.Popen[bytes]
    folder: tempfile.TemporaryDirectory[str]
    tasks: tuple[str, ...]
    ended: dict[str, bool] = field(default_factory=dict)  # task -> done (True) or failed (False)

    @classmethod
    def start(cls, round: int, root: Path, tasks: tuple[str, ...]) -> Worker | None:
        """The child started, or None when it cannot be (no temporary folder, the interpreter not runnable)."""
        tasks = tuple(t for t in TASKS if t in tasks)
        if not tasks:
            return None
        try:
            folder = tempfile.TemporaryDirectory(prefix="omdomme-analyse-")
        except OSError:
            return None
        # One thread each for the child's BLAS and polars (unless the user chose): its matrices and
        # frames are small, and two processes with two pools each on two cores only wait on each
        # other (measured: ≈ 0.6 s slower). The numbers do not depend on it: polars' results do
        # not, and the standard errors are summed without BLAS (omdomme.estimate.variance).
        env = {**{name: "1" for name in _THREAD_VARIABLES}, **os.environ}
        try:
            process = subprocess.Popen(
                [sys.executable, "-m", "omdomme.analysis._tasks", str(int(round)), str(root), folder.name, *tasks],
                stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, env=env,
            )
        except OSError:  # e.g. the interpreter may not be executed by this user: one process, as -j 1
            folder.cleanup()
            return None
        return cls(process=process, folder=folder, tasks=tasks)

    def result(self, task: str, progress: Callable[[str], None] | None) -> Any:
        """The child's result of ``task``, its warnings and progress re-issued here; None: do it here.

        None when the child was not given the task, had not begun it (the parent takes it: no
        waiting), failed at it or died. Waits only for a task the child is doing: it names each
        task it ends on its standard output.
        """
        if task not in self.tasks or _claim(Path(self.folder.name), task):
            return None
        try:
            while task not in self.ended:
                assert self.process.stdout is not None
                line = self.process.stdout.readline()
                if not line:  # the child ended (or died) without ending the task
                    return None
                outcome, _, name = line.decode("ascii", "replace").strip().partition(" ")
                self.ended[name] = outcome == "done"
            if not self.ended[task]:
                return None
            with (Path(self.folder.name) / f"{task}.pickle").open("rb") as handle:
                payload = pickle.load(handle)
        except Exception:  # noqa: BLE001 - any failure of the child: the parent does the work itself
            return None
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
        if self.process.stdout is not None:
            self.process.stdout.close()
        self.folder.cleanup()


def _category(module: str, name: str) -> type[Warning]:
    try:
        category = getattr(importlib.import_module(module), name)
    except (ImportError, AttributeError):
        return UserWarning
    return category if isinstance(category, type) and issubclass(category, Warning) else UserWarning
