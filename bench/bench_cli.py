"""Wall time of the user's commands, from CLI start to written outputs.

    python bench/bench_cli.py                 # analyse 2018 (x5) and report 2018 (x1)
    python bench/bench_cli.py --runs 10 --no-report
    python bench/bench_cli.py --against 63f3a70 --no-report   # this tree vs an older commit, ratio
    python bench/bench_cli.py --r --no-report                 # analyse 2018 vs R survey on the same estimates

`--r` alternates each run of `omdomme analyse 2018` with R's `survey` computing the same
estimates from the same files, by the repository's reference scripts (each a fresh `Rscript`
process that reads the data as delivered): `r_domains.R` (every share of the definition's own
domains), `r_tables.R` (every breakdown level, whole scales, mean and net scores, all pairs and
domain contrasts) and `r_innovasjon.R` (the innovation survey's shares, totals and ratios), and
prints both wall times and their ratio. R does less than `analyse` (no ranks, no reliability
rules, no files but CSV), so the ratio flatters R.

Targets (issues #6 and #9): `omdomme analyse 2018` under 3 s, `omdomme report 2018` with the
built-in engine under 60 s, on these 2-core machines. Each run is a fresh process on a fresh
copy of the shipped rounds (so nothing is cached between runs but the OS page cache), exactly
as a user types the command. Machines are noisy: the script prints every run, the median and
the best, and the machine's load average so that a slow run can be read in context.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]


def _omdomme() -> list[str]:
    exe = Path(sys.executable).with_name("omdomme")
    return [str(exe)] if exe.exists() else [sys.executable, "-m", "omdomme"]


def _run(args: list[str], cwd: Path, src: Path | None = None) -> float:
    """Wall time of one command; with ``src``, that tree's package is run instead of this one."""
    command = [*_omdomme(), *args] if src is None else [sys.executable, "-m", "omdomme", *args]
    env = dict(os.environ) if src is None else {**os.environ, "PYTHONPATH": str(src)}
    start = time.perf_counter()
    done = subprocess.run(command, cwd=cwd, capture_output=True, text=True, env=env)
    elapsed = time.perf_counter() - start
    if done.returncode != 0:
        sys.exit(f"`omdomme {' '.join(args)}` failed ({done.returncode}):\n{done.stderr}")
    return elapsed


def _fresh_root(parent: Path, name: str, tree: Path = REPO) -> Path:
    root = parent / name
    shutil.copytree(tree / "surveys", root / "surveys")
    shutil.copytree(tree / "reports", root / "reports", ignore=shutil.ignore_patterns("20*"))
    return root


def _against(ref: str, round_: int, runs: int, tmp: Path) -> None:
    """Alternate runs of this tree and of commit ``ref`` (its own code and rounds): one machine, one
    time window, so the ratio is fair on a noisy machine."""
    old = tmp / "ref"
    subprocess.run(["git", "-C", str(REPO), "worktree", "add", "--detach", "-q", str(old), ref], check=True)
    try:
        now_t, ref_t = [], []
        for i in range(runs):
            now_t.append(_run(["analyse", str(round_), "--quiet"], _fresh_root(tmp, f"now{i}")))
            ref_t.append(_run(["analyse", str(round_), "--quiet"], _fresh_root(tmp, f"ref{i}", old), old / "src"))
            print(f"  run {i + 1}: this tree {now_t[-1]:.2f} s, {ref} {ref_t[-1]:.2f} s")
        m_now, m_ref = statistics.median(now_t), statistics.median(ref_t)
        print(f"omdomme analyse {round_}: median {m_now:.2f} s here vs {m_ref:.2f} s at {ref} "
              f"(ratio {m_now / m_ref:.2f}; best {min(now_t):.2f} vs {min(ref_t):.2f})")
    finally:
        subprocess.run(["git", "-C", str(REPO), "worktree", "remove", "--force", str(old)], check=False)


#: The R scripts that compute what `omdomme analyse 2018` estimates (run from the repository root).
R_SCRIPTS = (
    ("tests/reference/r_domains/r_domains.R", "reputation: the definition's domains"),
    ("tests/reference/r_tables/r_tables.R", "reputation: breakdowns, scales, mean/net, pairs"),
    ("tests/reference/r_innovasjon/r_innovasjon.R", "innovation: shares, totals, ratios"),
)


def _run_r(out: Path) -> dict[str, float]:
    """Wall time of each R reference script, a fresh Rscript each, writing into ``out``."""
    times = {}
    for script, _ in R_SCRIPTS:
        target = out / Path(script).parent.name
        target.mkdir(parents=True, exist_ok=True)
        # r_innovasjon.R reads its input beside its output: give it a copy of the committed input.
        if script.endswith("r_innovasjon.R"):
            shutil.copy(REPO / Path(script).parent / "innovasjon_input.csv", target)
        start = time.perf_counter()
        done = subprocess.run(["Rscript", script, str(target)], cwd=REPO, capture_output=True, text=True)
        times[script] = time.perf_counter() - start
        if done.returncode != 0:
            sys.exit(f"`Rscript {script}` failed ({done.returncode}):\n{done.stderr}")
    return times


def _against_r(round_: int, runs: int, tmp: Path) -> None:
    """Alternate `omdomme analyse <round>` and the R scripts computing the same estimates."""
    if shutil.which("Rscript") is None:
        sys.exit("--r needs Rscript (R with the survey and haven packages) on PATH.")
    if round_ != 2018:
        sys.exit("--r: the R reference scripts compute round 2018.")
    ours, theirs = [], []
    for i in range(runs):
        ours.append(_run(["analyse", str(round_), "--quiet"], _fresh_root(tmp, f"r-now{i}")))
        per_script = _run_r(tmp / f"r-out{i}")
        theirs.append(sum(per_script.values()))
        parts = ", ".join(f"{Path(s).stem} {t:.2f} s" for s, t in per_script.items())
        print(f"  run {i + 1}: omdomme {ours[-1]:.2f} s; R survey {theirs[-1]:.2f} s ({parts})")
    m_now, m_r = statistics.median(ours), statistics.median(theirs)
    print(f"omdomme analyse {round_} (both surveys, all breakdowns, ranks, files): median {m_now:.2f} s; "
          f"R survey, the same estimates: median {m_r:.2f} s; R / omdomme = {m_r / m_now:.1f}× "
          f"(best {min(ours):.2f} s vs {min(theirs):.2f} s)")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--round", type=int, default=2018)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--no-report", action="store_true")
    parser.add_argument("--against", metavar="REV", help="also time this git revision, alternating runs")
    parser.add_argument("--r", action="store_true", help="also time R survey computing the same estimates")
    opts = parser.parse_args()
    if opts.r:
        print(f"load average before: {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores")
        with tempfile.TemporaryDirectory() as tmp:
            _against_r(opts.round, opts.runs, Path(tmp))
        print(f"load average after: {os.getloadavg()[0]:.1f}")
        return
    if opts.against:
        print(f"load average before: {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores")
        with tempfile.TemporaryDirectory() as tmp:
            _against(opts.against, opts.round, opts.runs, Path(tmp))
        print(f"load average after: {os.getloadavg()[0]:.1f}")
        return

    print(f"load average before: {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores")
    with tempfile.TemporaryDirectory() as tmp:
        times = []
        for i in range(opts.runs):
            root = _fresh_root(Path(tmp), f"run{i}")
            times.append(_run(["analyse", str(opts.round), "--quiet"], root))
            print(f"  analyse {opts.round} run {i + 1}: {times[-1]:.2f} s")
        print(
            f"omdomme analyse {opts.round}: median {statistics.median(times):.2f} s, "
            f"best {min(times):.2f} s (target < 3 s)"
        )
        if not opts.no_report:
            root = Path(tmp) / "run0"
            # the report compares with the previous round: analyse it too, outside the timing
            _run(["analyse", str(opts.round - 2), "--quiet"], root)
            t = _run(["report", str(opts.round), "--engine", "builtin", "-q"], root)
            print(f"omdomme report {opts.round} (built-in engine, html + docx, both surveys): "
                  f"{t:.1f} s (target < 60 s)")
    print(f"load average after: {os.getloadavg()[0]:.1f}")


if __name__ == "__main__":
    main()
