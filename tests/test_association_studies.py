"""Small versions of the association studies (studies/coverage_associations.py, studies/coding_quality.py).

The studies themselves take minutes and print tables (their numbers are in studies/README.md);
these run a few samples with loose bounds that still fail when the frame's standard errors or
the coder's place matching break.
"""

from __future__ import annotations

import sys
from pathlib import Path

import polars as pl
import pytest

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "studies"))

import coding_quality  # noqa: E402
from coverage_associations import DERIVED, association_coverage, association_table  # noqa: E402


@pytest.mark.slow
def test_small_coverage_of_the_association_frame() -> None:
    # Seeds 7001-7008: not those of the 200-sample study (1-200) nor of test_analysis_coverage.
    hits = association_coverage(2018, replicates=8, first_seed=7001)
    table = association_table(hits)
    frame = [f"assos_{c}" for c in (*coding_quality.CODES, "vet_ikke")]
    assert table["indicator"].unique(maintain_order=True).to_list() == [*frame, *DERIVED]
    assert table.height == 10 * 4 + 2 + 2  # frame × 4 domains; verdier and kun_geografi in alle, utenfra
    shown = hits.filter(pl.col("ci_low").is_not_null())
    assert 0.9 <= shown["hit"].mean() <= 0.99
    # A share of 0 has no interval: counted, not a miss.
    assert (table["no_interval"] <= table["cells"]).all() and table["no_interval"].sum() > 0
    assert shown.filter(pl.col("domain") == "alle")["hit"].mean() >= 0.85


def test_the_independent_generator_shares_no_place_name_with_the_shipped_one() -> None:
    from omdomme.simulate._freetext import _PLACES

    pools, elsewhere = coding_quality.place_pools()
    shipped = set(coding_quality._fold(pl.Series([p for ps in _PLACES.values() for p in ps])).to_list())
    names = [n for ps in pools.values() for n in ps] + elsewhere
    assert not set(coding_quality._fold(pl.Series(names)).to_list()) & shipped
    assert len(pools["oslo"]) >= 10 and min(len(p) for c, p in pools.items() if c != "oslo") >= 25
    assert len(elsewhere) > 1000


def test_small_coding_quality_run() -> None:
    answers = coding_quality.independent_answers(300, seed=1)
    assert answers["truth"].explode().is_in([*coding_quality.CODES, coding_quality.VET_IKKE]).all()
    table, exact = coding_quality.score(answers)
    scores = {r["code"]: r for r in table.iter_rows(named=True)}
    # Loose bounds under the measured ones (studies/README.md): places found, placeholders not coded.
    assert scores["steder"]["recall"] >= 0.85 and scores["steder"]["precision"] >= 0.9
    assert scores["vet_ikke"]["precision"] >= 0.95 and scores["vet_ikke"]["recall"] >= 0.8
    assert 0.2 <= exact <= 0.9
    # Values by the rules of form and «X folk» (issue #16; measured 0.98, 0.79 with the
    # generator's own value words out of the lexicon): loose bounds, and on the shipped generator too.
    assert scores["verdier"]["recall"] >= 0.8 and scores["verdier"]["precision"] >= 0.9
    shipped, _ = coding_quality.score(coding_quality.shipped_answers(300, seed=1))
    assert shipped.filter(code="verdier")["recall"].item() >= 0.85
