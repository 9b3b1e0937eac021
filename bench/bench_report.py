"""Render time of `omdomme report 2018` with the built-in engine, per format and per survey.

    python bench/bench_report.py                # every format alone, per survey, then all at once
    python bench/bench_report.py --runs 3       # the median of 3 runs of each
    python bench/bench_report.py --force        # run although the machine is busy
    python bench/bench_report.py --format pdf   # one format only (no verdict against the target)

Target (issue #17): both 2018 reports with every format (html, docx, pdf, pptx) in under
30 s, as `omdomme report 2018 --format html --format docx --format pdf --format pptx` types it.
One fresh project (the shipped rounds 2016 and 2018, analysed once, so the trend chart is
drawn as for a user); each timed run is a fresh process with the built-in engine. Wall time
is the command's; CPU time is its process tree's user + system time (`RUSAGE_CHILDREN`), so
CPU well below wall means the machine was busy with other work. The script prints the load
average before and after and refuses to start above 2.5 (two cores) unless `--force`.
"""

from __future__ import annotations

import argparse
import os
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
FORMATS = ("html", "docx", "pdf", "pptx")
SURVEYS = ("omdomme", "innovasjon")
TARGET_S = 30.0
BUSY_LOAD = 2.5


def _omdomme() -> list[str]:
    exe = Path(sys.executable).with_name("omdomme")
    return [str(exe)] if exe.exists() else [sys.executable, "-m", "omdomme"]


def _run(args: list[str], cwd: Path) -> tuple[float, float]:
    """Wall and CPU seconds of one ``omdomme`` command (CPU: the child process tree's user + sys)."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    done = subprocess.run([*_omdomme(), *args], cwd=cwd, capture_output=True, text=True, check=False)
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if done.returncode != 0:
        sys.exit(f"`omdomme {' '.join(args)}` failed ({done.returncode}):\n{done.stderr}")
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return wall, cpu


def _project(parent: Path) -> Path:
    root = parent / "project"
    for round_ in ("2016", "2018"):
        shutil.copytree(REPO / "surveys" / round_, root / "surveys" / round_)
    shutil.copytree(REPO / "reports", root / "reports", ignore=shutil.ignore_patterns("20*"))
    for round_ in ("2016", "2018"):
        _run(["analyse", round_, "--root", str(root), "--quiet"], root)
    return root


def _timed(root: Path, formats: tuple[str, ...], survey: str | None, runs: int, out: Path) -> tuple[float, float]:
    args = ["report", "2018", "--root", str(root), "--engine", "builtin", "--quiet", "--output", str(out)]
    args += [a for f in formats for a in ("--format", f)]
    if survey is not None:
        args += ["--survey", survey]
    times = [_run(args, root) for _ in range(runs)]
    return statistics.median(t[0] for t in times), statistics.median(t[1] for t in times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=1, help="runs of each command (the median is shown)")
    parser.add_argument("--format", action="append", choices=FORMATS, dest="formats",
                        help="time only these formats (repeat); default every format")
    parser.add_argument("--force", action="store_true", help=f"run even when the load average is above {BUSY_LOAD}")
    opts = parser.parse_args()
    load = os.getloadavg()[0]
    print(f"load average before: {os.getloadavg()}")
    if load > BUSY_LOAD and not opts.force:
        sys.exit(f"the machine is busy (load {load:.1f} > {BUSY_LOAD}): the times would measure the others' work. "
                 "Wait, or pass --force.")
    with tempfile.TemporaryDirectory(prefix="omdomme-bench-report-") as tmp:
        root = _project(Path(tmp))
        out = Path(tmp) / "out"
        print(f"\n{'format':<8}" + "".join(f"{s + ' wall/cpu s':>24}" for s in SURVEYS) + f"{'both wall s':>14}")
        formats = tuple(opts.formats or FORMATS)
        for fmt in formats:
            cells, both = "", 0.0
            for survey in SURVEYS:
                wall, cpu = _timed(root, (fmt,), survey, opts.runs, out)
                cells += f"{wall:>15.1f} / {cpu:>5.1f}"
                both += wall
            print(f"{fmt:<8}{cells}{both:>14.1f}")
        wall, cpu = _timed(root, formats, None, opts.runs, out)
        verdict = "under" if wall < TARGET_S else "OVER"
        what = "every format" if formats == FORMATS else "+".join(formats) + " (not every format: no verdict)"
        print(f"\nboth reports, {what} in one command: {wall:.1f} s wall, {cpu:.1f} s CPU"
              + (f" ({verdict} the {TARGET_S:.0f} s target)" if formats == FORMATS else ""))
        sizes = {p.name: p.stat().st_size for p in sorted(out.iterdir())}
        print("files: " + ", ".join(f"{k} {v / 1e6:.2f} MB" for k, v in sizes.items()))
    print(f"load average after: {os.getloadavg()}")


if __name__ == "__main__":
    main()
