"""The synthetic free text and how well the lexicon codes it (on answers it was not built from)."""

from __future__ import annotations

import numpy as np
import polars as pl

from omdomme.coding import CODES, propose_codes
from omdomme.simulate._freetext import _VET_IKKE, association_texts

# Codes 1..9 in the order of the frame (simulate.reputation.ASSOCIATION_CODES).
FRAME = CODES


def _draw(seed: int, n: int, target: str) -> tuple[np.ndarray, np.ndarray, pl.Series]:
    rng = np.random.default_rng(seed)
    codes = np.zeros((n, 3), dtype=np.int64)
    k = rng.integers(1, 4, n)
    for i in range(n):
        codes[i, : k[i]] = rng.choice(np.arange(1, 10), k[i], replace=False)
    vet_ikke = rng.random(n) < 0.15
    codes[vet_ikke] = 0
    return codes, vet_ikke, association_texts(codes, vet_ikke, target, np.random.default_rng([seed, 2]))


def test_same_seed_same_text_and_vet_ikke_answers() -> None:
    a = _draw(7, 300, "ostfold")[2]
    b = _draw(7, 300, "ostfold")[2]
    assert a.equals(b)
    codes, vet_ikke, texts = _draw(7, 300, "ostfold")
    assert set(texts.filter(pl.Series(vet_ikke)).to_list()) <= set(_VET_IKKE)
    assert texts.filter(pl.Series(~vet_ikke)).str.len_chars().min() > 0  # type: ignore[operator]


def test_recall_of_places_and_values_on_a_seed_not_used_in_development() -> None:
    # The goal: recall >= 0.9 for places and values. 2 000 answers about each county.
    recall: dict[str, list[float]] = {"steder": [], "verdier": []}
    for i, target in enumerate(("ostfold", "akershus", "oslo", "buskerud", "vestfold")):
        codes, _, texts = _draw(31337 + i, 2000, target)
        proposed = propose_codes(texts)["codes"]
        for code in recall:
            number = FRAME.index(code) + 1
            truth = (codes == number).any(axis=1)
            found = proposed.list.contains(code).to_numpy()
            recall[code].append(float((truth & found).sum() / truth.sum()))
    assert min(np.mean(v) for v in recall.values()) >= 0.9, recall
