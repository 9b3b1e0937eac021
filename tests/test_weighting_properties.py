"""Properties of raking that hold for any data (hypothesis)."""

from __future__ import annotations

import random

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

from omdomme.estimate.weighting import Calibration, ipf

SETTINGS = settings(max_examples=60, deadline=None)


@st.composite
def samples(draw: st.DrawFn) -> tuple[np.ndarray, list[np.ndarray]]:
    n = draw(st.integers(4, 60))
    weights = draw(arrays(np.float64, n, elements=st.floats(0.1, 50.0)))
    n_margins = draw(st.integers(1, 3))
    codes = []
    for _ in range(n_margins):
        k = draw(st.integers(1, 4))
        c = draw(arrays(np.int64, n, elements=st.integers(0, k - 1)))
        # Re-number so that every code 0..K-1 has a respondent.
        codes.append(np.unique(c, return_inverse=True)[1].astype(np.int64))
    return weights, codes


@SETTINGS
@given(samples())
def test_weights_already_on_the_margins_are_left_unchanged(sample: tuple[np.ndarray, list[np.ndarray]]) -> None:
    weights, codes = sample
    targets = [np.bincount(c, weights=weights) for c in codes]
    result = ipf(weights, codes, targets)
    assert result.converged and result.iterations == 1
    np.testing.assert_allclose(result.weights, weights, rtol=1e-12)


@SETTINGS
@given(samples(), st.randoms(use_true_random=False))
def test_raked_weights_reproduce_every_margin(sample: tuple[np.ndarray, list[np.ndarray]], rnd: random.Random) -> None:
    weights, codes = sample
    # Targets from another positive weighting of the same sample: a raking solution exists.
    other = np.array([rnd.uniform(0.5, 20.0) for _ in weights])
    targets = [np.bincount(c, weights=other) for c in codes]
    result = ipf(weights, codes, targets, max_iter=5000, tol=1e-9)
    assert result.converged
    for c, t in zip(codes, targets, strict=True):
        np.testing.assert_allclose(np.bincount(c, weights=result.weights, minlength=t.size), t, rtol=1e-8)
    # Raking multiplies weights by a product of per-category factors: order of rows is irrelevant.
    perm = np.array(rnd.sample(range(weights.size), weights.size))
    again = ipf(weights[perm], [c[perm] for c in codes], targets, max_iter=5000, tol=1e-9)
    np.testing.assert_allclose(again.weights, result.weights[perm], rtol=1e-7)


@SETTINGS
@given(samples(), st.randoms(use_true_random=False))
def test_calibration_removes_what_the_margins_explain(sample: tuple[np.ndarray, list[np.ndarray]], rnd: random.Random) -> None:
    weights, codes = sample
    n = weights.size
    model = np.hstack([np.eye(c.max() + 1)[c] for c in codes])
    final = weights * np.array([rnd.uniform(0.5, 2.0) for _ in range(n)])
    cal = Calibration(model, weights, final)
    beta = np.array([rnd.uniform(-5, 5) for _ in range(model.shape[1])])
    # A score that is an exact function of the margins (w · Xβ) is known without error.
    explained = final * (model @ beta)
    np.testing.assert_allclose(cal.adjust(explained), 0.0, atol=1e-8 * max(1.0, np.abs(explained).max()))
    # Adjusting is linear and works column-wise on a matrix of scores.
    x = np.column_stack([final * np.arange(n), explained])
    both = cal.adjust(x)
    np.testing.assert_allclose(both[:, 0], cal.adjust(x[:, 0]), rtol=1e-10, atol=1e-10)
