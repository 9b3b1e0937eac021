"""Rerunning a committed R reference script (the `needs_r` tests), in one place.

The parity tests compare omdomme with R values committed under ``tests/reference/<name>/``;
a ``needs_r`` test reruns the script that made them so that a stale or hand-edited reference
fails. Skips (with the reason) when Rscript or one of its packages is missing.
"""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import numpy as np
import polars as pl
import pytest

REPO = Path(__file__).resolve().parents[1]


def run_rscript(script: Path, *args: str) -> None:
    """Run ``Rscript script args...`` from the repository root; skip when R or one of its packages is missing.

    The script writes its output where ``args`` says (a scratch folder), so the caller can compare it
    with the committed reference values.
    """
    if shutil.which("Rscript") is None:
        pytest.skip("Rscript not installed; the committed R values are used by the parity tests")
    run = subprocess.run(["Rscript", str(script), *args], cwd=REPO, capture_output=True, text=True)
    if run.returncode != 0 and "there is no package called" in run.stderr:
        pytest.skip(f"R lacks a package: {run.stderr.strip().splitlines()[-1]}")
    assert run.returncode == 0, run.stderr


def assert_r_reproduces(script: Path, committed: Path, names: tuple[str, ...], out: Path) -> None:
    """Run ``Rscript script out``; each of ``names`` in ``out`` must equal ``committed``'s.

    Strings and integers exactly, floats to 1e-12 relative.
    """
    run_rscript(script, str(out))
    for name in names:
        fresh = pl.read_csv(out / name, infer_schema_length=None)
        kept = pl.read_csv(committed / name, infer_schema_length=None)
        assert fresh.select(pl.col(pl.String, pl.Int64)).equals(kept.select(pl.col(pl.String, pl.Int64))), name
        for col in fresh.select(pl.col(pl.Float64)).columns:
            np.testing.assert_allclose(fresh[col].to_numpy(), kept[col].to_numpy(), rtol=1e-12, atol=0,
                                       err_msg=f"{name}: {col}")
