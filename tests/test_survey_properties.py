"""Properties of Survey that hold for any design (hypothesis), and identities between estimators."""

from __future__ import annotations

import numpy as np
import polars as pl
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from omdomme import Survey

SETTINGS = settings(max_examples=15, deadline=None)


def make_design_data(seed: int, n_strata: int, n: int) -> pl.DataFrame:
    rng = np.random.default_rng(seed)
    stratum = rng.integers(0, n_strata, size=n)
    psu = rng.integers(0, 4, size=n)
    # every stratum gets at least two PSUs so that lonely_psu="fail" accepts the design
    stratum[: 2 * n_strata] = np.repeat(np.arange(n_strata), 2)
    psu[: 2 * n_strata] = np.tile([0, 1], n_strata)
    y = rng.normal(50, 10, size=n)
    y[rng.random(n) < 0.1] = np.nan
    return pl.DataFrame(
        {
            "h": stratum,
            "psu": psu,
            "w": rng.uniform(0.5, 5.0, size=n),
            "y": y,
            "x": rng.uniform(1, 10, size=n),
            "b": (rng.random(n) < 0.4).astype(np.int64),
            "g": rng.choice(["a", "b", "c"], size=n),
        }
    ).with_columns(pl.col("y").fill_nan(None))


designs = st.builds(
    make_design_data,
    seed=st.integers(0, 2**32 - 1),
    n_strata=st.integers(1, 4),
    n=st.integers(30, 120),
)

COLS = ["estimate", "se", "ci_low", "ci_high", "deff"]


def all_estimates(s: Survey) -> dict[str, pl.DataFrame]:
    return {
        "mean": s.mean(["y", "x"], by="g"),
        "total": s.total(["y", "x"], by="g"),
        "prop": s.proportion("b", by="g"),
        "ratio": s.ratio("y", "x", by="g"),
    }


@pytest.mark.filterwarnings("ignore::omdomme.errors.EstimationWarning")  # tiny domains
@SETTINGS
@given(df=designs, c=st.floats(0.01, 1000.0))
def test_scaling_weights_changes_only_totals(df: pl.DataFrame, c: float) -> None:
    a = all_estimates(Survey(df, weights="w", strata="h", psu="psu"))
    scaled = df.with_columns(pl.col("w") * c)
    b = all_estimates(Survey(scaled, weights="w", strata="h", psu="psu"))
    for key in a:
        for col in COLS:
            x, y = a[key][col].to_numpy(), b[key][col].to_numpy()
            if key == "total" and col != "deff":
                y = y / c
            # a one-PSU domain has se = 0 up to round-off: compare on the scale of the column
            atol = 1e-9 * np.nanmax(np.abs(x))
            np.testing.assert_allclose(y, x, rtol=1e-9, atol=atol, err_msg=f"{key} {col}")
        assert a[key]["df"].to_list() == b[key]["df"].to_list()


@pytest.mark.filterwarnings("ignore::omdomme.errors.EstimationWarning")
@SETTINGS
@given(df=designs, seed=st.integers(0, 2**32 - 1))
def test_row_order_changes_nothing(df: pl.DataFrame, seed: int) -> None:
    perm = np.random.default_rng(seed).permutation(df.height)
    s1 = Survey(df, weights="w", strata="h", psu="psu")
    s2 = Survey(df[perm], weights="w", strata="h", psu="psu")
    a, va = s1.mean(["y", "x"], by="g", vcov=True)
    b, vb = s2.mean(["y", "x"], by="g", vcov=True)
    for col in COLS:
        x = a[col].to_numpy()
        np.testing.assert_allclose(
            b[col].to_numpy(), x, rtol=1e-9, atol=1e-9 * np.nanmax(np.abs(x))
        )
    np.testing.assert_allclose(vb, va, rtol=1e-9, atol=1e-12 * np.abs(va).max())
    pa, pb = s1.proportion("b", by="g"), s2.proportion("b", by="g")
    np.testing.assert_allclose(pb["ci_low"].to_numpy(), pa["ci_low"].to_numpy(), rtol=1e-9)


@pytest.mark.filterwarnings("ignore::omdomme.errors.EstimationWarning")  # constant y: se=0
@SETTINGS
@given(
    y=st.lists(st.floats(-1e3, 1e3, allow_nan=False), min_size=3, max_size=60),
    pop=st.none() | st.integers(60, 10_000),
)
def test_one_stratum_srs_is_the_textbook_formula(y: list[float], pop: int | None) -> None:
    # with an fpc the sample is self-weighting (w = N / n), as R's deff=TRUE estimates N by Σw
    n = len(y)
    df = pl.DataFrame({"y": y, "N": [pop or 1] * n, "w": [pop / n if pop else 1.0] * n})
    s = Survey(df, weights="w", fpc="N" if pop else None)
    r = s.mean("y").row(0, named=True)
    arr = np.array(y)
    fpc = 1 - n / pop if pop else 1.0
    se = np.sqrt(fpc * arr.var(ddof=1) / n)
    assert r["estimate"] == pytest.approx(arr.mean(), rel=1e-9, abs=1e-9)
    assert r["se"] == pytest.approx(se, rel=1e-7, abs=1e-9)
    assert r["df"] == n - 1
    if arr.var() > 1e-6 * max(1.0, float(np.abs(arr).max()) ** 2):
        assert r["deff"] == pytest.approx(1.0, rel=1e-7)
        from scipy import stats

        half = stats.t.ppf(0.975, n - 1) * se
        assert r["ci_low"] == pytest.approx(arr.mean() - half, rel=1e-9, abs=1e-9)


@SETTINGS
@given(k=st.integers(1, 59), n=st.integers(60, 200))
def test_srs_proportion_se_is_the_textbook_formula(k: int, n: int) -> None:
    df = pl.DataFrame({"b": [1] * k + [0] * (n - k)})
    r = Survey(df).proportion("b").row(0, named=True)
    p = k / n
    assert r["estimate"] == pytest.approx(p)
    assert r["se"] == pytest.approx(np.sqrt(p * (1 - p) / (n - 1)), rel=1e-10)
    assert r["eff_n"] == pytest.approx(n, rel=1e-10)


@pytest.mark.filterwarnings("ignore::omdomme.errors.EstimationWarning")
@SETTINGS
@given(df=designs)
def test_domain_se_by_group_equals_ratio_identity(df: pl.DataFrame) -> None:
    s = Survey(df, weights="w", strata="h", psu="psu")
    by = s.mean("y", by="g")
    ind = {f"in_{g}": (pl.col("g") == g).cast(pl.Float64) for g in ("a", "b", "c")}
    df2 = (
        df.with_columns(**ind)
        .with_columns(
            (pl.col("y").fill_null(0.0) * pl.col(f"in_{g}")).alias(f"y_{g}")
            for g in ("a", "b", "c")
        )
        .with_columns(
            # a null y leaves the domain: the denominator counts only valid rows
            (pl.col(f"in_{g}") * pl.col("y").is_not_null()).alias(f"d_{g}")
            for g in ("a", "b", "c")
        )
    )
    s2 = Survey(df2, weights="w", strata="h", psu="psu")
    for row in by.iter_rows(named=True):
        g = row["g"]
        r = s2.ratio(f"y_{g}", f"d_{g}").row(0, named=True)
        assert r["estimate"] == pytest.approx(row["estimate"], rel=1e-10)
        assert r["se"] == pytest.approx(row["se"], rel=1e-9)


@pytest.mark.filterwarnings("ignore::omdomme.errors.EstimationWarning")
@SETTINGS
@given(df=designs, zero=st.floats(0.0, 0.3))
def test_null_coded_domain_with_valid_df_equals_the_domain_in_by(
    df: pl.DataFrame, zero: float
) -> None:
    # A domain coded as null outside it, with df_rows="valid", gives exactly what the domain
    # as a by column gives on the rows with a value (R's svyby on subset(design, d &
    # !is.na(y))): estimate, se, df and interval. y has item-missing values, x and b none.
    rng = np.random.default_rng(df.height)
    df = df.with_columns(
        w=pl.when(pl.Series(rng.random(df.height) < zero)).then(0.0).otherwise(pl.col("w")),
        d=pl.Series(rng.random(df.height) < 0.3),
    ).with_columns(dy=pl.col("d") & pl.col("y").is_not_null())
    if not (df["w"] > 0).any():
        return
    s = Survey(df, weights="w", strata="h", psu="psu", lonely_psu="adjust")

    def coded(v: str, dom: str = "d") -> dict[str, pl.Expr]:
        return {v: pl.when(pl.col(dom)).then(pl.col(v))}

    pairs = [
        (s.mean(coded("y"), by="g", df_rows="valid"), s.mean("y", by=["g", "dy"]), "dy"),
        (s.mean(coded("x"), by="g", df_rows="valid"), s.mean("x", by=["g", "d"]), "d"),
        (s.total(coded("x"), by="g", df_rows="valid"), s.total("x", by=["g", "d"]), "d"),
        (s.ratio(coded("x", "dy"), "y", by="g", df_rows="valid"),
         s.ratio("x", "y", by=["g", "dy"]), "dy"),
        (s.proportion(coded("b"), by="g", df_rows="valid"), s.proportion("b", by=["g", "d"]), "d"),
    ]
    for valid, by, dom in pairs:
        by = by.filter(pl.col(dom))
        joined = valid.join(by, on=["variable", "g"], suffix="_by")
        assert joined.height == by.height
        assert joined["df"].to_list() == joined["df_by"].to_list()
        for col in ("estimate", "se", "ci_low", "ci_high"):
            x = joined[f"{col}_by"].to_numpy()
            atol = 1e-9 * max(float(np.nanmax(np.abs(x), initial=0.0)), 1.0)
            np.testing.assert_allclose(joined[col].to_numpy(), x, rtol=1e-9, atol=atol,
                                       err_msg=col)


@SETTINGS
@given(df=designs)
def test_total_of_indicator_equals_proportion_times_weight_sum(df: pl.DataFrame) -> None:
    s = Survey(df, weights="w", strata="h", psu="psu")
    p = s.proportion("b").row(0, named=True)
    mean = s.mean("b").row(0, named=True)
    assert p["estimate"] == pytest.approx(mean["estimate"], rel=1e-12)
    assert p["se"] == pytest.approx(mean["se"], rel=1e-12)
    assert p["deff"] == pytest.approx(mean["deff"], rel=1e-12)


@SETTINGS
@given(
    a=st.lists(st.none() | st.sampled_from(["a", "b", "Å", "c d"]), min_size=1, max_size=40),
    b=st.lists(st.none() | st.integers(-3, 3) | st.just(10**12), min_size=40, max_size=40),
)
def test_group_codes_match_polars_sort(a: list, b: list) -> None:
    from omdomme.estimate.survey import _combined_codes

    frame = pl.DataFrame({"a": a, "b": b[: len(a)]}, schema={"a": pl.String, "b": pl.Int64})
    codes, m = _combined_codes([frame["a"], frame["b"]])
    expected = frame.unique().sort(["a", "b"], nulls_last=True)
    got = frame.with_columns(c=codes).unique("c").sort("c").drop("c")
    assert m == expected.height
    assert got.equals(expected)
