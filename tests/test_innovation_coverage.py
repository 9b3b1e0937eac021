"""A small coverage study of the innovation intervals (the full one: studies/coverage_innovation.py).

30 stratified samples from the test fixture's firm population, analysed as ``omdomme analyse``
does. The bounds are loose (Monte Carlo error with 30 samples), but a broken SE — halved, or
the fpc or the stratification ignored — falls outside them, which the last test shows.
"""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

import polars as pl
import pytest

from omdomme.definitions import load_definition
from test_innovation_fixture import draw_sample, make_population, write_round

STUDY = Path(__file__).parents[1] / "studies" / "coverage_innovation.py"
REPS = 30


def _study():  # type: ignore[no-untyped-def]
    spec = importlib.util.spec_from_file_location("coverage_innovation", STUDY)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules["coverage_innovation"] = module
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def study(tmp_path_factory: pytest.TempPathFactory):  # type: ignore[no-untyped-def]
    population = make_population(11, 5000)
    root = tmp_path_factory.mktemp("coverage")
    write_round(root, 2018, draw_sample(population, 1))
    definition = load_definition(2018, "innovasjon", root)
    module = _study()
    kept: list[pl.DataFrame] = []
    original = module.one_sample

    def keep(*args, **kwargs):  # type: ignore[no-untyped-def]
        cells, contrasts = original(*args, **kwargs)
        kept.append(cells)
        return cells, contrasts

    module.one_sample = keep
    per_cell, per_indicator = module.run(
        definition, population, lambda pop, seed: draw_sample(pop, 100 + seed), reps=REPS
    )
    truth = module.population_truth(population, module.parse_innovation(definition))
    return per_cell, per_indicator, pl.concat(kept).join(truth, on=["indicator", "target"])


def test_cells_cover_near_95_percent(study) -> None:  # type: ignore[no-untyped-def]
    _, per_indicator, _ = study
    cells = per_indicator.filter(pl.col("what") == "cell")
    assert cells["intervals"].to_list() == [REPS * 6] * 8
    for kind, low in (("share", 0.90), ("total", 0.85), ("ratio", 0.87)):
        pooled = cells.filter(pl.col("kind") == kind)["coverage"].mean()
        assert low <= pooled <= 0.995, (kind, pooled)


def test_differences_with_the_joint_covariance_cover(study) -> None:  # type: ignore[no-untyped-def]
    _, per_indicator, _ = study
    diffs = per_indicator.filter((pl.col("what") == "difference") & (pl.col("kind") == "share"))
    assert 0.88 <= diffs["coverage"].mean() <= 0.995


def test_a_halved_se_would_fail_these_bounds(study) -> None:  # type: ignore[no-untyped-def]
    # The bounds above have teeth: intervals half as wide cover far too rarely.
    _, _, cells = study
    half = cells.with_columns(
        ((pl.col("ci_high") - pl.col("ci_low")) / 4).alias("h"),
        ((pl.col("ci_high") + pl.col("ci_low")) / 2).alias("m"),
    ).filter(pl.col("indicator").is_in(["innovasjonsaktivitet", "egen_fou", "prosessinnovasjon"]))
    covered = ((half["m"] - half["h"] <= half["truth"]) & (half["truth"] <= half["m"] + half["h"])).mean()
    assert covered < 0.85
