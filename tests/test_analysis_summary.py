"""The terminal summary: arrows only where the adjusted test says so, and which way is better."""

from __future__ import annotations

import dataclasses

import polars as pl
import pytest

from _fixture_round import make_round
from omdomme.analysis.reputation import analyse_round
from omdomme.text.summary import summary_text


@pytest.fixture(scope="module")
def result(tmp_path_factory: pytest.TempPathFactory):  # type: ignore[no-untyped-def]
    root = tmp_path_factory.mktemp("summary")
    make_round(root, 2016, seed=2)
    make_round(root, 2018, seed=1)
    return analyse_round(2018, root=root)


def _force(result, indicator: str, difference: float, significant: bool):  # type: ignore[no-untyped-def]
    mask = ((pl.col("comparison") == "round") & (pl.col("indicator") == indicator)
            & (pl.col("domain") == "alle") & (pl.col("target_a") == "ostfold"))
    comps = result.comparisons.with_columns(
        difference=pl.when(mask).then(difference).otherwise(pl.col("difference")),
        significant=pl.when(mask).then(significant).otherwise(pl.col("significant")),
    )
    return dataclasses.replace(result, comparisons=comps)


def _line(text: str, indicator: str, start: str) -> str:
    block = text.split(f"[{indicator},", 1)[1]
    return next(line for line in block.splitlines() if line.strip().startswith(start))


def test_arrows_follow_the_test_and_the_direction(result) -> None:  # type: ignore[no-untyped-def]
    text = summary_text(_force(result, "vet_ikke", -0.05, True))
    assert "↓ bedre" in _line(text, "vet_ikke", "Siden 2016")           # less «vet ikke» is better
    text = summary_text(_force(result, "svaert_godt", -0.05, True))
    assert "↓ dårligere" in _line(text, "svaert_godt", "Siden 2016")
    text = summary_text(_force(result, "svaert_godt", 0.05, False))
    line = _line(text, "svaert_godt", "Siden 2016")
    assert "ingen sikker endring" in line and "↑" not in line and "↓" not in line


def test_every_indicator_has_its_block(result) -> None:  # type: ignore[no-untyped-def]
    text = summary_text(result)
    for indicator in ("vet_ikke", "svaert_godt", "svaert_godt_meninger", "moderne_ungdom", "verdier"):
        assert f"[{indicator}," in text
        for start in ("Østfold", "Rang", "Mot Akershus", "Siden 2016"):
            _line(text, indicator, start)
    assert text.splitlines()[0].endswith("(SYNTETISKE DATA)")
    assert "−0,0" not in text
