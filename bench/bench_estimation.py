"""Benchmark: omdomme's Survey against svy (PyPI) and R's survey package, same data, same run.

A synthetic stratified cluster design of 1,000,000 rows (50 strata × 40 PSUs, fpc, unequal
weights, 5 domains) is written once; each engine then runs in its own process (so that peak
memory is its own): build the design, the weighted mean of ``y`` by domain, and the share
``b == 1`` by domain with R's logit interval. Reported: best-of-N wall time per step, peak
resident memory, the ratios, and the largest relative difference from R's numbers.

Usage::

    python bench/bench_estimation.py                 # 1e6 rows, all three engines
    python bench/bench_estimation.py --rows 200000 --repeats 3 --no-r

R is skipped (with a message) when ``Rscript`` or its ``survey`` package is missing.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import polars as pl

DOMAINS = ["A", "B", "C", "D", "E"]


def make_data(rows: int, strata: int, psus: int, seed: int = 2018) -> pl.DataFrame:
    """A stratified two-level population sample with PSU effects, fpc and 5 domains."""
    rng = np.random.default_rng(seed)
    n_psu = strata * psus
    psu = np.sort(rng.integers(0, n_psu, size=rows))
    psu[:n_psu] = np.arange(n_psu)  # every PSU has at least one row
    psu = np.sort(psu)
    h = psu // psus
    pop_psu = psus * rng.integers(5, 20, size=strata)
    effect = rng.normal(0, 1, size=n_psu)
    dom = rng.choice(DOMAINS, size=rows, p=[0.3, 0.25, 0.2, 0.15, 0.1])
    lin = -0.8 + 0.3 * effect[psu] + 0.2 * (dom == "C")
    return pl.DataFrame(
        {
            "h": h,
            "psu": psu,
            "fpc": pop_psu[h].astype(float),
            "w": np.round(pop_psu[h] / psus * rng.uniform(5, 15, size=rows), 4),
            "dom": dom,
            "y": np.round(50 + 5 * effect[psu] + rng.normal(0, 10, size=rows), 4),
            "b": (rng.random(rows) < 1 / (1 + np.exp(-lin))).astype(np.int64),
        }
    )


def _rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _best(fn, repeats: int) -> tuple[float, object]:
    best, out = float("inf"), None
    for _ in range(repeats):
        t0 = time.perf_counter()
        out = fn()
        best = min(best, time.perf_counter() - t0)
    return best, out


def worker_omdomme(data: Path, repeats: int) -> dict:
    import warnings

    from omdomme import Survey

    df = pl.read_parquet(data / "bench.parquet")
    base = _rss_mb()
    warnings.simplefilter("ignore")
    Survey(df.head(1000), weights="w", strata="h", psu="psu").mean("y")  # import scipy etc.
    t_design, s = _best(lambda: Survey(df, weights="w", strata="h", psu="psu", fpc="fpc"), repeats)
    # first call on a fresh design: includes coding the domains (later calls reuse the codes)
    t_cold, _ = _best(
        lambda: Survey(df, weights="w", strata="h", psu="psu", fpc="fpc").proportion("b", by="dom"),
        1,
    )
    t_cold -= t_design
    t_mean, m = _best(lambda: s.mean("y", by="dom"), repeats)
    t_prop, p = _best(lambda: s.proportion("b", by="dom", method="logit"), repeats)
    return {
        "design": t_design,
        "mean": t_mean,
        "prop": t_prop,
        "prop_first": t_cold,
        "peak_mb": _rss_mb(),
        "data_mb": base,
        "mean_rows": m.select("dom", "estimate", "se").rows(),
        "prop_rows": p.select("dom", "estimate", "se", "ci_low", "ci_high").rows(),
    }


def worker_svy(data: Path, repeats: int) -> dict:
    import svy

    df = pl.read_parquet(data / "bench.parquet")
    base = _rss_mb()
    design = svy.Design(stratum="h", psu="psu", wgt="w", pop_size="fpc")
    t_design, s = _best(lambda: svy.Sample(df, design), repeats)
    t_cold, _ = _best(
        lambda: svy.Sample(df, design).estimation.prop("b", by="dom", ci_method="logit"), 1
    )
    t_cold -= t_design
    t_mean, m = _best(lambda: s.estimation.mean("y", by="dom"), repeats)
    t_prop, p = _best(lambda: s.estimation.prop("b", by="dom", ci_method="logit"), repeats)
    mp, pp = m.to_polars(), p.to_polars().filter(pl.col("b") == 1)
    return {
        "design": t_design,
        "mean": t_mean,
        "prop": t_prop,
        "prop_first": t_cold,
        "peak_mb": _rss_mb(),
        "data_mb": base,
        "mean_rows": mp.sort("dom").select("dom", "est", "se").rows(),
        "prop_rows": pp.sort("dom").select("dom", "est", "se", "lci", "uci").rows(),
    }


R_SCRIPT = r"""
suppressMessages(library(survey))
args <- commandArgs(trailingOnly = TRUE)
dir <- args[1]; repeats <- as.integer(args[2])
df <- read.csv(file.path(dir, "bench.csv"), colClasses = c("integer", "integer", "numeric",
               "numeric", "character", "numeric", "integer"))
rss <- function(what) {
  s <- readLines("/proc/self/status"); as.numeric(sub("[^0-9]*([0-9]+).*", "\\1", s[grepl(paste0("^", what), s)])) / 1024
}
base <- rss("VmRSS")
best <- function(expr) { e <- substitute(expr); t <- Inf
  for (i in seq_len(repeats)) { t0 <- proc.time()[["elapsed"]]; v <- eval(e, parent.frame()); t <- min(t, proc.time()[["elapsed"]] - t0) }
  list(t = t, v = v) }
bd <- best(svydesign(id = ~psu, strata = ~h, weights = ~w, fpc = ~fpc, nest = TRUE, data = df))
d <- bd$v
bm <- best(svyby(~y, ~dom, d, svymean))
bp <- best(svyby(~I(b == 1), ~dom, d, svyciprop, method = "logit", vartype = c("se", "ci")))
m <- bm$v; p <- bp$v
out <- list(design = bd$t, mean = bm$t, prop = bp$t, prop_first = bp$t, peak_mb = rss("VmHWM"), data_mb = base,
            mean_rows = lapply(seq_len(nrow(m)), function(i) list(m$dom[i], coef(m)[[i]], SE(m)[[i]])),
            prop_rows = lapply(seq_len(nrow(p)), function(i) list(p$dom[i], coef(p)[[i]], SE(p)[[i]], p$ci_l[i], p$ci_u[i])),
            version = paste(R.version.string, "survey", as.character(packageVersion("survey"))))
fmt <- function(x) if (is.list(x)) paste0("[", paste(sapply(x, fmt), collapse = ","), "]") else if (is.character(x)) paste0('"', x, '"') else sprintf("%.17g", x)
cat("{", paste(sprintf('"%s": %s', names(out), sapply(out, fmt)), collapse = ", "), "}\n")
"""


def run_r(data: Path, repeats: int) -> dict | None:
    if shutil.which("Rscript") is None:
        print("R: Rscript not found, skipped")
        return None
    script = data / "bench.R"
    script.write_text(R_SCRIPT)
    proc = subprocess.run(
        ["Rscript", str(script), str(data), str(repeats)], capture_output=True, text=True
    )
    if proc.returncode != 0:
        print("R failed, skipped:", proc.stderr.strip()[-500:])
        return None
    return json.loads(proc.stdout.strip().splitlines()[-1])


def run_python(engine: str, data: Path, repeats: int) -> dict | None:
    proc = subprocess.run(
        [
            sys.executable,
            __file__,
            "--worker",
            engine,
            "--data",
            str(data),
            "--repeats",
            str(repeats),
        ],
        capture_output=True,
        text=True,
    )
    if proc.returncode != 0:
        print(f"{engine} failed, skipped:", proc.stderr.strip()[-800:])
        return None
    return json.loads(proc.stdout.strip().splitlines()[-1])


def max_rel_diff(rows: list, ref: list, cols: int) -> float:
    a = np.array([r[1 : 1 + cols] for r in rows], dtype=float)
    b = np.array([r[1 : 1 + cols] for r in ref], dtype=float)
    return float(np.max(np.abs(a - b) / np.abs(b)))


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    ap.add_argument("--rows", type=int, default=1_000_000)
    ap.add_argument("--strata", type=int, default=50)
    ap.add_argument("--psus", type=int, default=40, help="PSUs per stratum")
    ap.add_argument("--repeats", type=int, default=3, help="best of N (Python engines)")
    ap.add_argument("--r-repeats", type=int, default=1, help="best of N (R)")
    ap.add_argument("--no-r", action="store_true")
    ap.add_argument("--no-svy", action="store_true")
    ap.add_argument("--worker", help=argparse.SUPPRESS)
    ap.add_argument("--data", help=argparse.SUPPRESS)
    args = ap.parse_args()

    if args.worker:
        fn = {"omdomme": worker_omdomme, "svy": worker_svy}[args.worker]
        print(json.dumps(fn(Path(args.data), args.repeats)))
        return

    tmp = Path(tempfile.mkdtemp(prefix="omdomme-bench-"))
    try:
        df = make_data(args.rows, args.strata, args.psus)
        df.write_parquet(tmp / "bench.parquet")
        if not args.no_r:
            df.write_csv(tmp / "bench.csv")
        print(
            f"data: {df.height:,} rows, {args.strata} strata x {args.psus} PSUs, "
            f"{len(DOMAINS)} domains; cores: {os.cpu_count()}; load: "
            f"{os.getloadavg()[0]:.1f}"
        )
        results = {"omdomme": run_python("omdomme", tmp, args.repeats)}
        if not args.no_svy:
            results["svy"] = run_python("svy", tmp, args.repeats)
        if not args.no_r:
            results["R survey"] = run_r(tmp, args.r_repeats)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)

    ours = results["omdomme"]
    assert ours is not None
    print(
        f"\n{'engine':10} {'design s':>9} {'mean s':>9} {'prop s':>9} {'prop 1st s':>10} "
        f"{'peak MB':>8} {'data MB':>8}"
    )
    for name, r in results.items():
        if r:
            print(
                f"{name:10} {r['design']:9.3f} {r['mean']:9.3f} {r['prop']:9.3f} "
                f"{r['prop_first']:10.3f} {r['peak_mb']:8.0f} {r['data_mb']:8.0f}"
            )
    print("\nspeed-up of omdomme (other / omdomme):")
    for name, r in results.items():
        if r and name != "omdomme":
            total_o = ours["design"] + ours["prop"]
            total_r = r["design"] + r["prop"]
            print(
                f"  vs {name:9} mean by domain {r['mean'] / ours['mean']:7.1f}x   "
                f"logit proportion by domain {r['prop'] / ours['prop']:7.1f}x   "
                f"(first call {r['prop_first'] / ours['prop_first']:5.1f}x, "
                f"design + proportion {total_r / total_o:5.1f}x)"
            )
    ref = results.get("R survey")
    if ref:
        print(f"\nlargest relative difference from R ({ref.get('version', '')}):")
        for name, r in results.items():
            if r and name != "R survey":
                print(
                    f"  {name:9} mean (est, se) {max_rel_diff(r['mean_rows'], ref['mean_rows'], 2):.2e}   "
                    f"proportion (est, se, ci) {max_rel_diff(r['prop_rows'], ref['prop_rows'], 4):.2e}"
                )


if __name__ == "__main__":
    main()
