"""Interval formulas of omdomme.estimate.intervals, checked against their textbook definitions.

R parity of the svyciprop methods is in test_survey_r_public.py and test_survey_r_engine.py;
here: the two methods R does not have (wilson, korn_graubard_nchs), and edge behaviour.
"""

from __future__ import annotations

import numpy as np
import pytest
from scipy import stats

from omdomme.estimate.intervals import PROPORTION_METHODS, _kl, proportion_interval, t_interval


def arr(*x: float) -> np.ndarray:
    return np.array(x, dtype=float)


def test_t_interval_is_nan_without_df() -> None:
    lo, hi = t_interval(arr(1.0, 1.0), arr(0.1, 0.1), arr(0.0, 10.0), 0.95)
    assert np.isnan(lo[0]) and np.isnan(hi[0])
    assert hi[1] - lo[1] == pytest.approx(2 * stats.t.ppf(0.975, 10) * 0.1)


def test_wilson_on_srs_is_the_score_interval() -> None:
    n, k = 200, 37
    p = k / n
    se = np.sqrt(p * (1 - p) / n)  # effective n = n
    df = 1e9  # t -> z
    lo, hi = proportion_interval("wilson", arr(p), arr(se), arr(df), 0.95, n=arr(n), n_rows=arr(n))
    z = stats.norm.ppf(0.975)
    centre = (p + z * z / (2 * n)) / (1 + z * z / n)
    half = z / (1 + z * z / n) * np.sqrt(p * (1 - p) / n + z * z / (4 * n * n))
    assert lo[0] == pytest.approx(centre - half, rel=1e-8)
    assert hi[0] == pytest.approx(centre + half, rel=1e-8)


def test_korn_graubard_nchs_caps_effective_n_at_n() -> None:
    n, k = 50, 10
    p = k / n
    se = np.sqrt(p * (1 - p) / (4 * n))  # design effect 0.25: effective n 4n, capped at n
    lo, hi = proportion_interval(
        "korn_graubard_nchs", arr(p), arr(se), arr(n - 1), 0.95, n=arr(n), n_rows=arr(n)
    )
    # df = n - 1 makes the df adjustment 1: Clopper-Pearson with n
    assert lo[0] == pytest.approx(stats.beta.ppf(0.025, k, n - k + 1), rel=1e-10)
    assert hi[0] == pytest.approx(stats.beta.ppf(0.975, k + 1, n - k), rel=1e-10)


def test_korn_graubard_nchs_at_one() -> None:
    lo, hi = proportion_interval(
        "korn_graubard_nchs", arr(1.0), arr(0.0), arr(30), 0.95, n=arr(31), n_rows=arr(31)
    )
    assert hi[0] == 1.0
    assert lo[0] == pytest.approx(0.025 ** (1 / 31), rel=1e-9)


def test_beta_equals_nchs_when_not_capped() -> None:
    p, se, df, n = arr(0.3), arr(0.05), arr(40), arr(500)
    a = proportion_interval("beta", p, se, df, 0.95, n=n, n_rows=n)
    b = proportion_interval("korn_graubard_nchs", p, se, df, 0.95, n=n, n_rows=n)
    np.testing.assert_allclose(a, b, rtol=1e-12)


def test_logit_is_symmetric_on_the_logit_scale() -> None:
    lo, hi = proportion_interval(
        "logit", arr(0.2), arr(0.03), arr(60), 0.9, n=arr(100), n_rows=arr(100)
    )
    logit = lambda x: np.log(x / (1 - x))  # noqa: E731
    assert logit(0.2) - logit(lo[0]) == pytest.approx(logit(hi[0]) - logit(0.2), rel=1e-12)
    assert logit(hi[0]) - logit(0.2) == pytest.approx(
        stats.t.ppf(0.95, 60) * 0.03 / 0.16, rel=1e-12
    )


def test_likelihood_bounds_solve_the_profile_equation() -> None:
    p, se, df, n = arr(0.3), arr(0.04), arr(25), arr(120)
    lo, hi = proportion_interval(
        "likelihood", p, se, df, 0.95, n=n, n_rows=n, weight_sum=n, dispersion=n / (n - 1)
    )
    q = stats.t.ppf(0.975, 25)
    target = q**2 * se**2 * n / (p * (1 - p))
    for bound in (lo, hi):
        lhs = 2 * n * _kl(p, bound) / (n / (n - 1))
        assert lhs[0] == pytest.approx(target[0], rel=1e-9)
    assert lo[0] < 0.3 < hi[0]


def test_asin_stays_in_the_unit_interval() -> None:
    lo, hi = proportion_interval(
        "asin", arr(0.05), arr(0.2), arr(5), 0.95, n=arr(20), n_rows=arr(20)
    )
    assert lo[0] == 0.0 and 0.05 < hi[0] <= 1.0


@pytest.mark.parametrize("method", PROPORTION_METHODS)
def test_every_method_gives_nan_or_a_defined_interval_at_the_bounds(method: str) -> None:
    kw = {"weight_sum": arr(50, 50), "dispersion": arr(1.02, 1.02)}
    lo, hi = proportion_interval(
        method,
        arr(0.0, 1.0),
        arr(0.0, 0.0),
        arr(49, 49),
        0.95,
        n=arr(50, 50),
        n_rows=arr(50, 50),
        **kw,
    )
    if method in ("wilson", "korn_graubard_nchs"):
        assert lo[0] == 0.0 and 0 < hi[0] < 0.2
        assert hi[1] == 1.0 and 0.8 < lo[1] < 1
    else:
        assert np.isnan(lo).all() and np.isnan(hi).all()


def test_unknown_method() -> None:
    with pytest.raises(ValueError, match="unknown proportion method"):
        proportion_interval("exact", arr(0.5), arr(0.1), arr(9), 0.95, n=arr(10), n_rows=arr(10))
