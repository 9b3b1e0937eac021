"""All pairs of counties, domain against domain, compact letters and `omdomme table`: R parity on
the shipped 2018 round, the letters' promise, and the crosstab a user sees."""

from __future__ import annotations

import warnings
from pathlib import Path

import numpy as np
import polars as pl
import pytest
from click.testing import CliRunner

from _fixture_round import assert_snapshot
from omdomme.analysis.pairs import compact_letters, letter_column
from omdomme.analysis.reputation import estimate_reputation, table_comparisons
from omdomme.cli import main
from omdomme.definitions import parse_definition
from test_scales import TABLE_INDICATORS

REPO = Path(__file__).resolve().parents[1]
R_TABLES = REPO / "tests" / "reference" / "r_tables"


@pytest.fixture(scope="module")
def shipped(tmp_path_factory: pytest.TempPathFactory):  # type: ignore[no-untyped-def]
    text = (REPO / "surveys" / "2018" / "omdomme.toml").read_text(encoding="utf-8")
    data = (REPO / "surveys" / "2018" / "omdomme-2018.sav").resolve().as_posix()
    text = text.replace('file = "omdomme-2018.sav"', f'file = "{data}"')
    text = text.replace("\n[breakdowns.kjonn]", TABLE_INDICATORS + "\n[breakdowns.kjonn]", 1)
    path = tmp_path_factory.mktemp("pairs") / "omdomme.toml"
    path.write_text(text, encoding="utf-8")
    d = parse_definition(path)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        current = estimate_reputation(d, *d.read())
    return current, table_comparisons(current)


def test_pairs_and_domain_differences_match_r_svycontrast(shipped) -> None:  # type: ignore[no-untyped-def]
    # R: svycontrast(svyby(~y, ~target + <by>, <base>, svymean, covmat = TRUE), a − b)
    # (tests/reference/r_tables/r_tables.R). R orders a breakdown's levels alphabetically, so a
    # domain difference may be ours with the sign turned: matched on the unordered pair.
    current, comps = shipped
    ref = pl.read_csv(R_TABLES / "r_tables_contrasts_2018.csv", infer_schema_length=None)
    ours = comps.select("comparison", "indicator", pl.col("domain").alias("domain_a"), "domain_b", "target_a",
                        "target_b", pl.col("difference").alias("d"), pl.col("se").alias("s"), pl.col("df").alias("f"))
    swapped = ours.with_columns(
        pl.col("domain_a").alias("domain_b"), pl.col("domain_b").alias("domain_a"),
        pl.col("target_a").alias("target_b"), pl.col("target_b").alias("target_a"), -pl.col("d"))
    keys = ["comparison", "indicator", "domain_a", "domain_b", "target_a", "target_b"]
    both = pl.concat([ours, swapped.select(ours.columns)]).unique(keys, keep="first")
    joined = ref.join(both, on=keys, how="left")
    assert joined.height == ref.height == 310 and joined["d"].null_count() == 0
    assert set(joined["comparison"]) == {"pair", "domain"}
    # A difference of two close means (1–5 scale) cancels digits: to 1e-13 absolute, far inside 1e-9.
    np.testing.assert_allclose(joined["d"].to_numpy(), joined["difference"].to_numpy(), rtol=1e-12, atol=1e-13)
    np.testing.assert_allclose(joined["s"].to_numpy(), joined["se"].to_numpy(), rtol=1e-12, atol=0)
    # df: the smallest of the design's and the two domains' own (R's degf of each subset).
    expected = np.minimum(np.minimum(joined["df_a"], joined["df_b"]), joined["degf"]).cast(pl.Float64)
    assert joined["f"].to_list() == expected.to_list()


def test_holm_families_are_one_domain_and_one_kind_of_comparison(shipped) -> None:  # type: ignore[no-untyped-def]
    _, comps = shipped
    pairs = comps.filter(pl.col("comparison") == "pair")
    assert set(pairs["family"]) == {f"pair:2018:omdomme:{d}" for d in pairs["domain"].unique()}
    alle = pairs.filter(pl.col("family") == "pair:2018:omdomme:alle")
    assert alle["indicator"].n_unique() > 1 and alle.height == 10 * alle["indicator"].n_unique()
    # Holm within the family: the k-th smallest p times (m − k + 1), running maximum, capped at 1.
    p = np.sort(alle["p_value"].to_numpy())
    holm = np.minimum(np.maximum.accumulate(p * (p.size - np.arange(p.size))), 1.0)
    np.testing.assert_allclose(np.sort(alle["p_adjusted"].to_numpy()), holm, rtol=1e-12)
    domains = comps.filter(pl.col("comparison") == "domain")
    assert set(domains["family"]) == {f"domain:2018:omdomme:{d}" for d in domains["domain"].unique()}
    assert {"kjonn=mann", "aldersgruppe=18-29", "utvalg=hoved", "innenfra"} <= set(domains["domain"])
    # Ratios only where a true zero exists: shares, not mean or net scores.
    assert comps.filter(pl.col("kind").is_in(["mean", "net"]))["ratio"].null_count() == comps.filter(
        pl.col("kind").is_in(["mean", "net"])).height


def test_letters_keep_their_promise(shipped) -> None:  # type: ignore[no-untyped-def]
    # Two counties share a letter exactly when their pair is not significant (Holm-adjusted).
    current, comps = shipped
    est = letter_column(current.estimates, comps)
    pairs = comps.filter(pl.col("comparison") == "pair")
    letters = {(r["indicator"], r["domain"], r["target"]): r["letters"] for r in est.iter_rows(named=True)}
    checked = 0
    for r in pairs.iter_rows(named=True):
        a = letters.get((r["indicator"], r["domain"], r["target_a"]))
        b = letters.get((r["indicator"], r["domain"], r["target_b"]))
        if a is None or b is None:
            continue
        assert (set(a) & set(b) == set()) == r["significant"], r
        checked += 1
    assert checked > 300
    # «a» goes to the best county; a scale's code rows get none.
    best = est.filter((pl.col("indicator") == "svaert_godt") & (pl.col("domain") == "alle")).sort(
        "estimate", descending=True)
    assert best["letters"][0].startswith("a")
    assert est.filter(pl.col("category").is_not_null())["letters"].null_count() == est["category"].drop_nulls().len()


@pytest.mark.parametrize(("order", "different", "expected"), [
    (["a", "b", "c"], [("a", "c")], {"a": "a", "b": "ab", "c": "b"}),
    (list("abcde"), [("a", "d"), ("a", "e"), ("b", "e")], {"a": "a", "b": "ab", "c": "abc", "d": "bc", "e": "c"}),
    (list("abc"), [], {"a": "a", "b": "a", "c": "a"}),
])
def test_compact_letters(order: list[str], different: list[tuple[str, str]], expected: dict[str, str]) -> None:
    assert compact_letters(order, different) == expected


def test_table_command_snapshot(tmp_path: Path) -> None:
    (tmp_path / "surveys").symlink_to(REPO / "surveys")
    runner = CliRunner()
    first = runner.invoke(main, ["analyse", "2018", "--root", str(tmp_path), "-q"])
    assert first.exit_code == 0, first.output
    result = runner.invoke(main, ["table", "2018", "--indicator", "svaert_godt", "--by", "kjonn", "--root", str(tmp_path)])
    assert result.exit_code == 0, result.output
    assert_snapshot("table_2018_svaert_godt_kjonn", result.stdout)
    # Bad input: exit 2 and a line that names what exists.
    wrong = runner.invoke(main, ["table", "2018", "--indicator", "svaert_godt", "--by", "utdanning",
                                 "--root", str(tmp_path)])
    assert wrong.exit_code == 2
    assert "has no breakdown `utdanning`; it has: kjonn, aldersgruppe, utvalg" in wrong.stderr
    wrong = runner.invoke(main, ["table", "2018", "--indicator", "svart", "--by", "kjonn", "--root", str(tmp_path)])
    assert wrong.exit_code == 2 and "no reputation indicator `svart`" in wrong.stderr
    missing = runner.invoke(main, ["table", "2020", "--indicator", "svaert_godt", "--by", "kjonn",
                                   "--root", str(tmp_path)])
    assert missing.exit_code == 2 and "omdomme analyse 2020" in missing.stderr
