"""The held-out generator of studies/coding_holdout.py: it runs, is deterministic, its truth is the frame's.

The coder's precision and recall on it are a measurement (studies/README.md), not asserted here.
"""

from __future__ import annotations

import sys
from pathlib import Path

import polars as pl
import pytest

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "studies"))

import coding_holdout  # noqa: E402

N = 200


@pytest.fixture(scope="module")
def answers() -> pl.DataFrame:
    return coding_holdout.holdout_answers(N, seed=0)


def test_deterministic_per_seed(answers: pl.DataFrame) -> None:
    assert answers.equals(coding_holdout.holdout_answers(N, seed=0))
    assert not answers["text"].equals(coding_holdout.holdout_answers(N, seed=1)["text"])


def test_truth_is_in_the_frame(answers: pl.DataFrame) -> None:
    assert answers.height == N
    for column in ("truth", "truth_norway"):
        assert (answers[column].list.len() > 0).all()
        assert answers[column].explode().is_in(list(coding_holdout.FRAME)).all()
        # «vet ikke» only alone
        has_vi = answers[column].list.contains(coding_holdout.VET_IKKE)
        assert (answers.filter(has_vi)[column].list.len() == 1).all()
    assert set(answers["county"]) <= set(coding_holdout.COUNTIES)


def test_answers_are_short_and_not_empty(answers: pl.DataFrame) -> None:
    words = [len(t.split()) for t in answers["text"]]
    assert min(words) >= 1
    assert max(words) <= coding_holdout.MAX_WORDS


def test_truth_follows_the_mentions(answers: pl.DataFrame) -> None:
    # steder exactly when a mention is a place of the rated county; a place elsewhere is annet
    # under the frame's rule and steder under the coder's («a place in Norway»), abroad annet in both.
    own = answers["kinds"].list.eval(
        pl.element().str.replace(r"\+typo$", "").is_in(
            ["place:kommune", "place:by", "place:øy", "place:distrikt", "place:vann", "place:landemerke",
             "place:kulturminne", "place:compound"])).list.any()
    assert (answers["truth"].list.contains("steder") == own).all()
    elsewhere = answers["kinds"].list.eval(pl.element().str.contains(r"^place:(other_county|norway)")).list.any()
    assert (answers["truth_norway"].list.contains("steder") == (own | elsewhere)).all()
    assert answers.filter(elsewhere)["truth"].list.contains("annet").all()


def test_place_pools_follow_klass_and_share_no_name() -> None:
    pools = coding_holdout.place_pools()
    assert "Halden" in pools["ostfold"]["kommune"]
    assert "Asker" in pools["akershus"]["kommune"]
    assert "Drammen" in pools["buskerud"]["kommune"]
    assert "Tønsberg" in pools["vestfold"]["kommune"]
    assert pools["oslo"]["kommune"] == ["Oslo"]
    seen: dict[str, str] = {}
    for county, kinds in pools.items():
        for names in kinds.values():
            for name in names:
                assert name not in coding_holdout._MOVED
                assert seen.setdefault(name.casefold(), county) == county, name
    own = {n for c in coding_holdout.COUNTIES for k, v in pools[c].items() if k != "kommune" for n in v}
    assert len(own) >= 250


def test_vocabulary_is_large() -> None:
    values = {a["base"] for a in coding_holdout.ADJECTIVES} | set(coding_holdout._VALUE_NOUNS) \
        | set(coding_holdout._VALUE_IDIOMS) | set(coding_holdout._VALUE_EN)
    assert len(values) >= 150
    for code, tables in coding_holdout._PHRASES.items():
        assert len(set(tables["nb"])) >= 40, code
    forms = coding_holdout.adjective_forms("arbeidsom:som")
    assert (forms["neut"], forms["pl"], forms["komp"]) == ("arbeidsomt", "arbeidsomme", "arbeidsommere")
    assert coding_holdout.adjective_forms("åpen:en")["pl"] == "åpne"
    assert coding_holdout.adjective_forms("gjestfri:r")["neut"] == "gjestfritt"


def test_measurement_runs(answers: pl.DataFrame) -> None:
    frame = coding_holdout.propose(answers)
    table, exact = coding_holdout.score(frame)
    assert table["code"].to_list() == list(coding_holdout.FRAME)
    assert 0.0 <= exact <= 1.0
    kinds = coding_holdout.recall_by_kind(frame, "place:", "steder")
    assert kinds.filter(pl.col("kind") == "all")["answers"].item() == int(answers["truth"].list.contains("steder").sum())
