"""Rank probabilities from the joint normal of the estimates."""

from __future__ import annotations

import numpy as np
import polars as pl
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from omdomme.analysis.ranks import joint_families, rank_probabilities, rank_table


def test_clear_order_gives_certain_ranks() -> None:
    est = np.array([0.2, 0.5, 0.3, 0.4, 0.1])
    r = rank_probabilities(est, np.eye(5) * 1e-8, better="higher", draws=2000, seed=3)
    assert r["rank_point"].tolist() == [4, 1, 3, 2, 5]
    assert np.allclose(r["p_rank"][np.arange(5), r["rank_point"] - 1], 1.0)
    assert r["rank_low"].tolist() == r["rank_high"].tolist() == [4, 1, 3, 2, 5]
    lower = rank_probabilities(est, np.eye(5) * 1e-8, better="lower", draws=2000, seed=3)
    assert lower["rank_point"].tolist() == [2, 5, 3, 4, 1]
    assert lower["p_top3"].tolist() == [1.0, 0.0, 1.0, 0.0, 1.0]


def test_exchangeable_estimates_split_evenly_and_rows_sum_to_one() -> None:
    v = np.full((5, 5), 0.5e-3) + np.eye(5) * 0.5e-3   # equal means, correlated
    r = rank_probabilities(np.full(5, 0.3), v, better="higher", draws=20000, seed=11)
    assert np.allclose(r["p_rank"].sum(axis=1), 1.0)
    assert np.allclose(r["p_rank"].sum(axis=0), 1.0)
    assert np.allclose(r["p_rank"], 0.2, atol=0.015)
    assert np.allclose(r["p_top3"], 0.6, atol=0.02)
    assert r["rank_low"].tolist() == [1] * 5 and r["rank_high"].tolist() == [5] * 5


def test_two_counties_probability_matches_normal_cdf() -> None:
    from scipy import stats

    est = np.array([0.32, 0.30])
    v = np.array([[4e-4, 1e-4], [1e-4, 4e-4]])
    r = rank_probabilities(est, v, better="higher", draws=200000, seed=5)
    exact = stats.norm.cdf(0.02 / np.sqrt(4e-4 + 4e-4 - 2e-4))
    assert r["p_rank"][0, 0] == pytest.approx(exact, abs=0.005)


def test_seeded_and_reproducible() -> None:
    est = np.array([0.3, 0.31, 0.29])
    v = np.eye(3) * 1e-4
    a = rank_probabilities(est, v, better="higher", draws=500, seed=7)
    b = rank_probabilities(est, v, better="higher", draws=500, seed=7)
    c = rank_probabilities(est, v, better="higher", draws=500, seed=8)
    assert np.array_equal(a["p_rank"], b["p_rank"])
    assert not np.array_equal(a["p_rank"], c["p_rank"])


def test_rank_table_skips_empty_domains() -> None:
    targets = ["akershus", "ostfold"]
    est = pl.DataFrame({
        "survey": "omdomme", "round": 2018, "indicator": ["x", "x", "y", "y"],
        "domain": "alle", "target": targets * 2, "target_label": ["Akershus", "Østfold"] * 2,
        "better": "higher", "estimate": [0.4, 0.3, None, 0.2],
    })
    vcov = {("x", "alle"): (targets, np.eye(2) * 1e-6), ("y", "alle"): (targets, np.eye(2) * 1e-6)}
    table = rank_table(est, vcov, draws=200, seed=1)
    assert table["indicator"].to_list() == ["x", "x"]
    assert table["rank_point"].to_list() == [1, 2]
    assert table["p_rank_3"].to_list() == [None, None]
    assert table.columns[:8] == ["survey", "round", "indicator", "domain", "target", "target_label",
                                 "better", "rank_point"]


def test_stacked_families_equal_one_at_a_time() -> None:
    rng = np.random.default_rng(2)
    est = rng.uniform(0.1, 0.5, size=(4, 5))
    a = rng.normal(size=(4, 5, 5)) * 0.01
    v = a @ np.swapaxes(a, 1, 2)
    better = np.array(["higher", "lower", "higher", "lower"])
    stacked = rank_probabilities(est, v, better=better, draws=3000, seed=9)
    for f in range(4):
        one = rank_probabilities(est[f], v[f], better=str(better[f]), draws=3000, seed=9)
        for key in one:
            assert np.allclose(stacked[key][f], one[key]), key


# --------------------------------------------------------------------------------------------
# Mean and net scores, and the counties within each breakdown level, are ranked like shares.

MEAN_LOWER = """
[indicators.kjennskap_snitt]
label = "Gjennomsnittlig kjennskap (1 = svært godt)"
kind = "mean"
question = "kjennskap"
better = "lower"
domains = ["alle", "innenfra", "utenfra"]
"""


@pytest.fixture(scope="module")
def shipped_tables(tmp_path_factory: pytest.TempPathFactory):  # type: ignore[no-untyped-def]
    # The shipped 2018 definition and data with the analyst's table indicators (test_scales) and a
    # mean whose lower value is better; its breakdowns cross every indicator.
    from omdomme.definitions import parse_definition
    from test_scales import _estimate, shipped_with_tables

    d = parse_definition(shipped_with_tables(tmp_path_factory.mktemp("ranks"), MEAN_LOWER))
    current = _estimate(d)
    families = joint_families(current.estimates, current.joint, current.harmonised.targets)
    return d, current, rank_table(current.estimates, families, draws=d.ranks.draws, seed=d.ranks.seed)


@pytest.mark.parametrize(("indicator", "domain"), [
    ("inntrykk_snitt", "alle"), ("kjennskap_snitt", "utenfra"), ("inntrykk_netto", "innenfra"),
    ("svaert_godt", "kjonn=kvinne"), ("inntrykk_snitt", "aldersgruppe=18-29"), ("kjennskap_netto", "utvalg=hoved"),
])
def test_mean_net_and_breakdown_rows_are_ranked_from_their_own_covariance(
        shipped_tables, indicator: str, domain: str) -> None:  # type: ignore[no-untyped-def]
    d, current, ranks = shipped_tables
    targets = list(current.harmonised.targets)
    cells = current.estimates.filter((pl.col("indicator") == indicator) & (pl.col("domain") == domain))
    est = np.array([cells.filter(pl.col("target") == t)["estimate"].item() for t in targets])
    # The covariance of these five cells, found by hand in the block of the call that estimated them.
    block = next((k, v) for k, v in current.joint
                 if k.filter((pl.col("indicator") == indicator) & (pl.col("domain") == domain)).height)
    keys = block[0].filter((pl.col("indicator") == indicator) & (pl.col("domain") == domain))
    pos = [keys.filter(pl.col("target") == t)["_pos"].item() for t in targets]
    v = block[1][np.ix_(pos, pos)]
    se = np.array([cells.filter(pl.col("target") == t)["se"].item() for t in targets])
    np.testing.assert_allclose(np.sqrt(np.diag(v)), se, rtol=1e-12)
    better = cells["better"][0]
    expected = rank_probabilities(est, v, better=better, draws=d.ranks.draws, seed=d.ranks.seed)
    rows = ranks.filter((pl.col("indicator") == indicator) & (pl.col("domain") == domain))
    assert rows["target"].to_list() == targets
    assert rows["rank_point"].to_list() == expected["rank_point"].tolist()
    np.testing.assert_array_equal(rows.select(f"p_rank_{k}" for k in range(1, 6)).to_numpy(), expected["p_rank"])
    assert rows["rank_low"].to_list() == expected["rank_low"].tolist()
    assert rows["rank_high"].to_list() == expected["rank_high"].tolist()
    # `better` is honoured: rank 1 is the largest estimate, or the smallest when lower is better.
    best = int(np.argmax(est) if better == "higher" else np.argmin(est))
    assert rows["rank_point"][best] == 1


def test_scale_codes_and_the_association_frame_are_not_ranked(shipped_tables) -> None:  # type: ignore[no-untyped-def]
    d, current, ranks = shipped_tables
    kinds = ranks.join(current.estimates.select("indicator", "kind").unique(), on="indicator")["kind"]
    assert set(kinds) == {"share", "mean", "net"}
    assert not ranks.filter(pl.col("indicator").str.starts_with("assos_")).height
    # Every share, mean and net cell with five estimates is ranked, breakdown levels included.
    ranked = current.estimates.filter(pl.col("kind").is_in(["share", "mean", "net"])
                                      & ~pl.col("indicator").str.starts_with("assos_"))
    assert ranks.height == ranked.height
    crossed = {ind.id for ind in d.indicators if ind.kind != "scale" and "alle" in ind.domains}
    assert set(ranks.filter(pl.col("domain") == "kjonn=mann")["indicator"]) == crossed


def test_analyse_ranks_the_tables_and_reports_read_only_the_definitions_rows(tmp_path) -> None:  # type: ignore[no-untyped-def]
    from _fixture_round import make_round
    from omdomme.analysis.reputation import analyse_round
    from omdomme.results.read import load_round
    from omdomme.results.write import write_analysis
    from test_scales import TABLES_SMALL, _tables

    make_round(tmp_path, definition=_tables(TABLES_SMALL))
    result = analyse_round(2018, root=tmp_path)
    assert {"inntrykk_snitt", "inntrykk_netto"} <= set(result.ranks["indicator"])
    assert "kjonn=kvinne" in set(result.ranks["domain"])
    assert "inntrykk_fordeling" not in set(result.ranks["indicator"])
    write_analysis(result, tmp_path)
    shown = load_round(2018, tmp_path)
    assert set(shown.ranks["domain"]) <= set(shown.estimates["domain"])
    own = shown.estimates.filter((pl.col("survey") == "omdomme") & ~pl.col("indicator").str.starts_with("assos_"))
    assert set(shown.ranks["indicator"]) == set(own["indicator"])
    assert load_round(2018, tmp_path, tables=True).ranks.height == result.ranks.height


@settings(max_examples=60, deadline=None)
@given(k=st.integers(2, 5), data=st.data())
def test_rank_interval_contains_the_point_rank(k: int, data: st.DataObject) -> None:
    # Independent estimates, plus any common shift (what every county shares moves no rank): a
    # county beats each one ranked below it with probability ≥ 1/2, and (Harris) all of them
    # at once with probability ≥ 2^-(k-1) ≥ 1/16 > 2.5 %, so its point rank is inside the
    # 95 % rank interval. Ties (equal estimates) included.
    est = np.array(data.draw(st.lists(st.sampled_from([0.1, 0.2, 0.25, 0.3, 0.5, 0.7]), min_size=k, max_size=k)))
    sd = np.array(data.draw(st.lists(st.floats(0.0, 0.2), min_size=k, max_size=k)))
    common = data.draw(st.floats(0.0, 0.05))
    v = np.diag(sd**2) + common**2
    better = data.draw(st.sampled_from(["higher", "lower"]))
    r = rank_probabilities(est, v, better=better, draws=4000, seed=data.draw(st.integers(0, 2**31)))
    assert np.all(r["rank_low"] <= r["rank_point"]) and np.all(r["rank_point"] <= r["rank_high"])
    assert np.all(r["rank_low"] >= 1) and np.all(r["rank_high"] <= k)


@settings(max_examples=40, deadline=None)
@given(k=st.integers(2, 5), f=st.integers(1, 4), draws=st.sampled_from([7, 40, 200, 1000, 10000]),
       seed=st.integers(0, 2**31))
def test_counted_rank_probabilities_and_intervals_are_numpys(k: int, f: int, draws: int, seed: int) -> None:
    # The rank counts and the rank interval come from one bincount, not from sorting the draws:
    # the same numbers as numpy's mean of indicators and np.quantile(method="inverted_cdf").
    rng = np.random.default_rng(seed)
    est = np.round(rng.uniform(0.1, 0.6, size=(f, k)), 2)  # ties too
    a = rng.normal(size=(f, k, k)) * rng.uniform(0, 0.05)
    v = a @ np.swapaxes(a, 1, 2)
    better = rng.choice(["higher", "lower"], size=f)
    r = rank_probabilities(est, v, better=better, draws=draws, seed=seed)
    z = np.random.default_rng(seed).standard_normal((draws, k))
    from omdomme.analysis.ranks import _sqrt_psd

    x = est[:, None, :] + np.einsum("di,fji->fdj", z, _sqrt_psd(v))
    keyed = np.where(better == "higher", -1.0, 1.0)[:, None, None] * x
    ranks = np.argsort(np.argsort(keyed, axis=-1, kind="stable"), axis=-1, kind="stable") + 1
    np.testing.assert_array_equal(r["p_rank"], (ranks[..., None] == np.arange(1, k + 1)).mean(axis=1))
    np.testing.assert_array_equal(r["rank_low"], np.quantile(ranks, 0.025, axis=1, method="inverted_cdf"))
    np.testing.assert_array_equal(r["rank_high"], np.quantile(ranks, 0.975, axis=1, method="inverted_cdf"))
