"""Survey: design validation, missing values, user-missing codes, flags, vcov, weighting hooks."""

from __future__ import annotations

import math
import warnings

import numpy as np
import polars as pl
import pytest

from omdomme import DesignError, EstimationWarning, InputError, Survey
from omdomme.io import Metadata, VariableInfo


def small() -> pl.DataFrame:
    return pl.DataFrame(
        {
            "h": ["a", "a", "a", "b", "b", "b"],
            "psu": [1, 2, 3, 1, 2, 2],
            "w": [1.0, 2.0, 1.0, 3.0, 1.0, 2.0],
            "y": [1.0, 2.0, 3.0, 4.0, None, 6.0],
            "g": ["x", "y", "x", "y", "x", "y"],
            "q": [1, 9, 5, 4, 9, 5],
        }
    )


def meta_for(**missing: tuple) -> Metadata:
    variables = tuple(VariableInfo(name, missing_values=codes) for name, codes in missing.items())
    return Metadata(
        file="test.sav",
        format="sav",
        n_rows=6,
        encoding=None,
        file_label=None,
        variables=variables,
    )


# -- design validation ----------------------------------------------------------------------


def test_unknown_column_suggests_close_name() -> None:
    with pytest.raises(DesignError, match=r"weights='vekt'.*did you mean `vekt1`"):
        Survey(pl.DataFrame({"vekt1": [1.0]}), weights="vekt")


@pytest.mark.parametrize(
    ("values", "what"),
    [
        ([1.0, None, 2.0], "null"),
        ([1.0, -1.0, 2.0], "negative"),
        ([1.0, math.inf, 1.0], "infinite"),
    ],
)
def test_bad_weights_name_rows(values: list, what: str) -> None:
    df = pl.DataFrame({"w": values}, schema={"w": pl.Float64})
    with pytest.raises(DesignError, match=rf"`w` has 1 {what} value\(s\) \(data row 2\)"):
        Survey(df, weights="w")


def test_fpc_must_be_constant_within_stratum() -> None:
    df = small().with_columns(fpc=pl.Series([10, 10, 11, 10, 10, 10]))
    with pytest.raises(DesignError, match=r"not constant within stratum \(h='a'\)"):
        Survey(df, strata="h", psu="psu", fpc="fpc")


def test_fpc_smaller_than_sampled_psus() -> None:
    df = small().with_columns(fpc=pl.Series([2, 2, 2, 10, 10, 10]))
    with pytest.raises(DesignError, match=r"smaller than the number of sampled PSUs in h='a'"):
        Survey(df, strata="h", psu="psu", fpc="fpc")


def test_lonely_psu_fail_names_the_stratum() -> None:
    df = small().with_columns(psu=pl.Series([1, 2, 3, 7, 7, 7]))
    with pytest.raises(DesignError, match=r"only one PSU \(h='b'\).*lonely_psu='adjust'"):
        Survey(df, strata="h", psu="psu")
    # the other policies accept it
    assert Survey(df, strata="h", psu="psu", lonely_psu="remove").degf == 2


def test_lonely_psu_name_is_checked() -> None:
    with pytest.raises(DesignError, match="lonely_psu='certainty' is not one of"):
        Survey(small(), lonely_psu="certainty")


def test_null_stratum_is_refused() -> None:
    df = small().with_columns(h=pl.Series(["a", None, "a", "b", "b", "b"]))
    with pytest.raises(
        DesignError, match=r"strata column `h` is empty on 1 row\(s\) \(data row 2\)"
    ):
        Survey(df, strata="h")


def test_attributes_and_repr() -> None:
    s = Survey(small(), weights="w", strata="h", psu="psu")
    assert s.degf == 5 - 2
    assert s.weights.to_list() == [1.0, 2.0, 1.0, 3.0, 1.0, 2.0]
    assert s.design.strata == "h" and s.design.lonely_psu == "fail"
    assert s.data.height == 6
    assert s.weighting is None
    assert repr(s).startswith("Survey(6 rows, 2 strata (h), 5 PSUs (psu), weights 'w'")


def test_psu_ids_are_nested_in_strata() -> None:
    # psu 1 in stratum a and psu 1 in stratum b are different PSUs
    s = Survey(small(), strata="h", psu="psu")
    assert repr(s).count("5 PSUs") == 1


# -- missing values and domains -------------------------------------------------------------


def test_null_leaves_the_estimate_but_not_the_design() -> None:
    df = small()
    s = Survey(df, weights="w", strata="h", psu="psu")
    r = s.mean("y")
    assert r["n"][0] == 5 and r["n_excluded"][0] == 1
    assert "1 row(s) excluded" in r["note"][0]
    # same as a domain of the full design: a ratio of y*1{valid} over 1{valid}
    df2 = df.with_columns(
        yy=pl.col("y").fill_null(0.0), d=pl.col("y").is_not_null().cast(pl.Float64)
    )
    ratio = Survey(df2, weights="w", strata="h", psu="psu").ratio("yy", "d")
    assert r["estimate"][0] == pytest.approx(ratio["estimate"][0], rel=1e-12)
    assert r["se"][0] == pytest.approx(ratio["se"][0], rel=1e-12)


def test_result_columns_and_row_order() -> None:
    s = Survey(small(), weights="w", strata="h", psu="psu")
    frame, v = s.mean(["y", "q"], by="g", vcov=True)
    assert frame.columns == [
        "g",
        "variable",
        "estimate",
        "se",
        "ci_low",
        "ci_high",
        "level",
        "df",
        "deff",
        "n",
        "eff_n",
        "cv",
        "method",
        "n_excluded",
        "flag",
        "note",
    ]
    assert frame.select("variable", "g").rows() == [("y", "x"), ("y", "y"), ("q", "x"), ("q", "y")]
    assert v.shape == (4, 4)
    np.testing.assert_allclose(np.sqrt(np.diag(v)), frame["se"].to_numpy())
    np.testing.assert_allclose(v, v.T)


@pytest.mark.filterwarnings("ignore::omdomme.errors.EstimationWarning")
def test_by_accepts_several_columns_and_sorts_nulls_last() -> None:
    df = small().with_columns(k=pl.Series([1, 1, 2, 2, None, 1]))
    r = Survey(df).mean("q", by=["g", "k"])
    assert r.select("g", "k").rows() == [("x", 1), ("x", 2), ("x", None), ("y", 1), ("y", 2)]


def test_unknown_variable_suggests() -> None:
    with pytest.raises(InputError, match=r"variable `yy` is not in the data; did you mean `y`"):
        Survey(small()).mean("yy")


# -- user-missing codes ---------------------------------------------------------------------


def test_user_missing_codes_are_excluded_from_means() -> None:
    s = Survey(small(), weights="w", meta=meta_for(q=(9,)))
    r = s.mean("q")
    valid = small().filter(pl.col("q") != 9)
    expected = (valid["q"] * valid["w"]).sum() / valid["w"].sum()
    assert r["estimate"][0] == pytest.approx(expected)
    assert r["n"][0] == 4 and r["n_excluded"][0] == 2
    assert "2 row(s) excluded (2 user-missing: 9)" in r["note"][0]


def test_share_bases_valid_and_all() -> None:
    s = Survey(small(), meta=meta_for(q=(9,)))
    valid = s.proportion({"top": pl.col("q") == 5})
    assert valid["variable"][0] == "top"
    assert valid["estimate"][0] == pytest.approx(2 / 4)
    assert valid["n"][0] == 4 and valid["n_excluded"][0] == 2
    every = s.proportion({"top": pl.col("q") == 5}, base="all")
    assert every["estimate"][0] == pytest.approx(2 / 6)
    vet_ikke = s.proportion({"vet_ikke": pl.col("q") == 9}, base="all")
    assert vet_ikke["estimate"][0] == pytest.approx(2 / 6)
    # with an opinion, over everyone
    opinion = s.proportion(pl.col("q") != 9, base="all")
    assert opinion["estimate"][0] == pytest.approx(4 / 6)


def test_selecting_only_user_missing_codes_under_base_valid_is_an_error() -> None:
    s = Survey(small(), meta=meta_for(q=(9,)))
    with pytest.raises(InputError, match=r"selects only user-missing codes \(9\).*base='all'"):
        s.proportion(pl.col("q") == 9)


def test_top_box_over_missing_codes_is_fine() -> None:
    # q >= 4 is also true on 9, but base='valid' leaves 9 out: 3 of 4 valid answers
    s = Survey(small(), meta=meta_for(q=(9,)))
    assert s.proportion(pl.col("q") >= 4)["estimate"][0] == pytest.approx(3 / 4)


def test_proportion_of_a_non_binary_column_is_an_error() -> None:
    with pytest.raises(InputError, match=r"values other than 0/1 \(4, 5, 9"):
        Survey(small()).proportion("q")


def test_proportion_of_a_string_column_is_an_error() -> None:
    with pytest.raises(InputError, match="has type String; give a boolean expression"):
        Survey(small()).proportion("g")


def test_unknown_method_lists_methods() -> None:
    with pytest.raises(InputError, match="korn_graubard_nchs"):
        Survey(small()).proportion(pl.col("q") == 1, method="clopper")


# -- flagged results ------------------------------------------------------------------------


def test_empty_group_is_flagged_not_a_crash() -> None:
    df = small().with_columns(y=pl.when(pl.col("g") == "x").then(None).otherwise(pl.col("y")))
    with pytest.warns(EstimationWarning, match="1 of 2 mean estimate"):
        r = Survey(df, weights="w").mean("y", by="g")
    row = r.filter(pl.col("g") == "x").row(0, named=True)
    assert row["flag"] == "empty" and math.isnan(row["estimate"]) and math.isnan(row["ci_low"])
    assert row["n"] == 0 and row["n_excluded"] == 3
    assert r.filter(pl.col("g") == "y")["flag"][0] == ""


def test_p_zero_gives_nan_logit_and_a_defined_nchs_interval() -> None:
    df = pl.DataFrame({"b": [0] * 20 + [1] * 10, "g": ["a"] * 20 + ["b"] * 10})
    with pytest.warns(EstimationWarning):
        logit = Survey(df).proportion("b", by="g")
    assert logit["flag"].to_list() == ["p=0", "p=1"]
    assert np.isnan(logit["ci_low"].to_numpy()).all()
    assert "korn_graubard_nchs" in logit["note"][0]
    with pytest.warns(EstimationWarning):
        kg = Survey(df).proportion("b", by="g", method="korn_graubard_nchs")
    a, b = kg.row(0, named=True), kg.row(1, named=True)
    assert a["ci_low"] == 0.0 and 0 < a["ci_high"] < 0.3
    assert b["ci_high"] == 1.0 and 0.6 < b["ci_low"] < 1
    # Clopper-Pearson with n = 20 at x = 0, df-adjusted with the domain df (19): exact bound
    assert a["ci_high"] == pytest.approx(1 - 0.025 ** (1 / 20), rel=1e-9)


def test_df_zero_gives_no_interval() -> None:
    df = pl.DataFrame({"y": [1.0, 2.0, 3.0, 4.0], "psu": [1, 1, 2, 2], "g": ["a", "a", "b", "b"]})
    with pytest.warns(EstimationWarning, match="df<=0"):
        r = Survey(df, psu="psu").mean("y", by="g")
    assert r["df"].to_list() == [0.0, 0.0]
    assert r["flag"].to_list() == ["df<=0", "df<=0"]
    assert np.isnan(r["ci_low"].to_numpy()).all()
    assert not np.isnan(r["se"].to_numpy()).any()


def test_no_warning_when_nothing_is_flagged() -> None:
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        Survey(small(), weights="w").mean("q", by="g")


# -- weighting hooks ------------------------------------------------------------------------


class _Identity:
    def adjust(self, scores: np.ndarray) -> np.ndarray:
        return scores


class _Zero:
    def adjust(self, scores: np.ndarray) -> np.ndarray:
        return np.zeros_like(scores)


def test_with_weights_and_calibration_hook() -> None:
    s = Survey(small(), weights="w", strata="h", psu="psu")
    new_w = np.array([2.0, 1.0, 1.0, 1.0, 2.0, 2.0])
    plain = Survey(small().with_columns(w=pl.Series(new_w)), weights="w", strata="h", psu="psu")
    same = s._with_weights(new_w, _Identity(), diagnostics={"iterations": 3})
    assert same.weighting == {"iterations": 3}
    assert same.weights.to_list() == new_w.tolist()
    # the calibrated path (row scores through adjust()) and the plain one (cell sums) agree
    for call in (
        lambda s: s.mean(["y", "q"], by="g", vcov=True),
        lambda s: s.total(["y", "q"], by="g", vcov=True),
        lambda s: s.proportion(pl.col("q") >= 5, by="g", vcov=True),
        lambda s: s.ratio("y", "q", by="g", vcov=True),
    ):
        a, va = call(same)
        b, vb = call(plain)
        for col in ("estimate", "se", "deff", "df"):
            np.testing.assert_allclose(a[col].to_numpy(), b[col].to_numpy(), rtol=1e-12)
        np.testing.assert_allclose(va, vb, rtol=1e-12, atol=1e-15)
    assert "calibrated" in repr(same)
    with pytest.warns(EstimationWarning, match="se=0"):
        zero = s._with_weights(new_w, _Zero()).mean("q")
    assert zero["se"][0] == 0.0 and zero["flag"][0] == "se=0"
    # the original is untouched
    assert s.weights.to_list() == [1.0, 2.0, 1.0, 3.0, 1.0, 2.0]


def test_with_weights_rejects_bad_weights() -> None:
    s = Survey(small())
    with pytest.raises(DesignError, match="one per row"):
        s._with_weights(np.ones(3), None)
    with pytest.raises(DesignError, match=r"1 negative or non-finite value\(s\) \(data row 3\)"):
        s._with_weights(np.array([1.0, 1.0, -1.0, 1.0, 1.0, 1.0]), None)


# -- group coding ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    "values",
    [
        [3, 1, None, 3, 2, 10**15, -5],
        ["b", None, "a", "b", "Ø", "c"],
        [None, "b", None, "a", "b"],
        [True, None, False, True],
        [2.5, None, -1.0, 2.5, 0.0],
    ],
)
def test_group_codes_follow_sorted_order_with_nulls_last(values: list) -> None:
    from omdomme.estimate.survey import _combined_codes

    s = pl.Series("k", values)
    codes, m = _combined_codes([s, pl.Series("j", [i % 2 for i in range(len(values))])])
    frame = pl.DataFrame({"k": s, "j": [i % 2 for i in range(len(values))], "c": codes})
    expected = frame.select("k", "j").unique().sort(["k", "j"], nulls_last=True)
    assert m == expected.height
    got = frame.unique("c").sort("c").select("k", "j")
    assert got.equals(expected)


def test_categorical_and_enum_groups() -> None:
    df = small().with_columns(
        cat=pl.col("g").cast(pl.Categorical), enum=pl.col("g").cast(pl.Enum(["y", "x"]))
    )
    s = Survey(df)
    a = s.mean("q", by="cat")
    assert a["cat"].cast(pl.String).to_list() == ["x", "y"]
    assert a["estimate"].to_list() == s.mean("q", by="g")["estimate"].to_list()
    # an Enum keeps the order of its categories (age groups, scales), as polars sorts it
    b = s.mean("q", by="enum")
    assert b["enum"].cast(pl.String).to_list() == ["y", "x"]
    assert b["estimate"].to_list() == a["estimate"].to_list()[::-1]


def test_more_design_errors() -> None:
    with pytest.raises(DesignError, match="mixes sampling fractions"):
        Survey(small().with_columns(f=pl.Series([0.5, 0.5, 0.5, 10, 10, 10])), strata="h", fpc="f")
    with pytest.raises(DesignError, match="weights must be numbers"):
        Survey(small(), weights="g")
    with pytest.raises(DesignError, match="needs a polars DataFrame"):
        Survey({"y": [1.0]})  # type: ignore[arg-type]
    with pytest.raises(InputError, match="level=95"):
        Survey(small()).mean("y", level=95)


def test_group_codes_of_many_wide_integer_columns() -> None:
    # ranges too wide for counting and products beyond 2**62: the sort-based paths
    from omdomme.estimate.survey import _combined_codes

    rng = np.random.default_rng(5)
    cols = [pl.Series(f"k{i}", rng.integers(-(10**15), 10**15, size=200)) for i in range(9)]
    cols[1] = pl.Series("k1", rng.choice([3, 10**15], size=200))  # ties in the combinations
    codes, m = _combined_codes(cols)
    frame = pl.DataFrame(cols).with_columns(c=codes)
    expected = frame.drop("c").unique().sort(frame.columns[:-1])
    assert m == expected.height
    assert frame.unique("c").sort("c").drop("c").equals(expected)


@pytest.mark.filterwarnings(
    "ignore::omdomme.errors.EstimationWarning"
)  # the empty non-young groups
def test_df_of_a_domain_coded_as_nulls_and_of_a_domain_in_by() -> None:
    # long format: respondent id as PSU; the indicator is null outside the domain (young).
    # A null-coded domain gets the df of its by-group, as R's svyciprop(na.rm = TRUE)
    # inside svyby; a domain given in `by` gets its own PSUs minus strata.
    df = pl.DataFrame(
        {
            "id": [1, 2, 3, 4, 5, 6] * 2,
            "target": ["a"] * 6 + ["b"] * 6,
            "young": [True, True, True, False, False, False] * 2,
            "young_top": [1, 0, 1, None, None, None, 0, 0, 1, None, None, None],
        }
    )
    s = Survey(df, psu="id")
    assert s.degf == 5
    coded = s.proportion("young_top", by="target")
    assert coded["df"].to_list() == [5.0, 5.0]
    assert coded["n"].to_list() == [3, 3] and coded["n_excluded"].to_list() == [3, 3]
    in_by = s.proportion("young_top", by=["target", "young"]).filter(pl.col("young"))
    assert in_by["df"].to_list() == [2.0, 2.0]
    np.testing.assert_allclose(in_by["estimate"].to_numpy(), coded["estimate"].to_numpy())
    np.testing.assert_allclose(in_by["se"].to_numpy(), coded["se"].to_numpy())
    # df_rows="valid": the null-coded domain gets its own df, as the domain in `by` does,
    # and nothing else changes
    own = s.proportion("young_top", by="target", df_rows="valid")
    assert own["df"].to_list() == [2.0, 2.0]
    assert own.drop("df", "ci_low", "ci_high").equals(coded.drop("df", "ci_low", "ci_high"))
    np.testing.assert_allclose(own["ci_low"].to_numpy(), in_by["ci_low"].to_numpy(), rtol=1e-12)
    assert (own["ci_high"] - own["ci_low"] > coded["ci_high"] - coded["ci_low"]).all()


def test_df_rows_valid_counts_psus_and_strata_of_the_valid_rows() -> None:
    # small(): strata a (PSUs 1, 2, 3) and b (PSUs 1, 2); y is null on the row of PSU b2
    # that has g = "x", so group x keeps PSUs a1, a3 in stratum a only
    s = Survey(small(), weights="w", strata="h", psu="psu")
    by_group = s.mean("y", by="g")
    assert by_group["df"].to_list() == [1.0, 1.0]  # x: a1, a3, b2 - 2 strata; y: a2, b1, b2
    valid = s.mean("y", by="g", df_rows="valid")
    assert valid["df"].to_list() == [1.0, 1.0]  # x: a1, a3 - 1 stratum; y unchanged
    # without by: the design's df (5 - 2 = 3) versus the valid rows' (PSU b2 keeps row 6)
    assert s.total("y")["df"].item() == 3.0
    assert s.total("y", df_rows="valid")["df"].item() == 3.0
    only_a = {"y_a": pl.when(pl.col("h") == "a").then(pl.col("y"))}
    assert s.mean(only_a, df_rows="valid")["df"].item() == 2.0  # 3 PSUs, 1 stratum
    assert s.ratio(only_a, "w", df_rows="valid")["df"].item() == 2.0
    # every variable of a call gets its own df
    both = s.proportion(
        {"all": pl.col("q") >= 4, "in_a": pl.when(pl.col("h") == "a").then(pl.col("q") >= 4)},
        df_rows="valid",
    )
    assert both["df"].to_list() == [3.0, 2.0]
    with pytest.raises(InputError, match="df_rows='domain' is not 'group'"):
        s.mean("y", df_rows="domain")


def test_df_rows_valid_ignores_zero_weights_and_user_missing_codes() -> None:
    # R's degf: a PSU whose valid rows all have weight 0 is not in the domain; a user-missing
    # code (9) leaves the base "valid" and so the df, but not under base="all"
    df = small().with_columns(w=pl.Series([1.0, 0.0, 1.0, 3.0, 1.0, 2.0]))
    s = Survey(df, weights="w", strata="h", psu="psu", meta=meta_for(q=(9,)))
    in_a = {"top": pl.when(pl.col("h") == "a").then(pl.col("q") >= 5)}
    valid = s.proportion(in_a, df_rows="valid")
    # stratum a: q = 1, 9, 5 -> row 2 is user-missing (and weight 0): PSUs a1, a3
    assert (valid["n"].item(), valid["df"].item()) == (2, 1.0)
    everyone = s.proportion(in_a, base="all", df_rows="valid")
    assert (everyone["n"].item(), everyone["df"].item()) == (3, 1.0)  # a2 has weight 0
    assert s.proportion(in_a, base="all")["df"].item() == s.degf == 2.0  # a2: weight 0
    with pytest.warns(EstimationWarning, match="df<=0"):
        one = s.proportion({"top": pl.when(pl.col("psu") == 1).then(pl.col("q") >= 4)},
                           df_rows="valid", by="h")
    assert one["df"].to_list() == [0.0, 0.0]
    assert "PSUs minus strata of the group's rows with a valid value" in one["note"][0]


def test_errors_name_the_file_from_the_metadata() -> None:
    meta = meta_for(q=(9,))
    with pytest.raises(DesignError, match=r"weights='vekt' is not in the data in test.sav"):
        Survey(small(), weights="vekt", meta=meta)
    with pytest.raises(InputError, match=r"variable `qq` is not in the data in test.sav"):
        Survey(small(), meta=meta).mean("qq")


def test_zero_weight_psus_do_not_count_in_df() -> None:
    # R's degf counts PSUs with a non-zero weight; the zero-weight PSU still has its place
    df = small().with_columns(w=pl.Series([1.0, 2.0, 1.0, 0.0, 1.0, 2.0]))
    s = Survey(df, weights="w", strata="h", psu="psu")
    assert s.degf == 4 - 2  # PSU b1 has only a zero weight
    with pytest.warns(EstimationWarning, match="df<=0"):
        r = s.mean("q", by="g")
    # group x: PSUs a1, a3, b2 -> 3 PSUs in 2 strata; group y: b1 has weight 0, so only
    # a2, b2 -> 2 PSUs in 2 strata
    assert r["df"].to_list() == [1.0, 0.0]


def test_expression_variables_get_readable_names() -> None:
    s = Survey(small())
    names = s.proportion([pl.col("q") == 9, pl.col("g") == "x", pl.col("q").is_in([4, 5])])
    assert names["variable"].to_list() == [
        'col("q") == 9',
        'col("g") == "x"',
        'col("q").is_in([[4, 5]])',
    ]
