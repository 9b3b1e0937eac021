"""Whole scales, mean and net scores (kind = "scale" | "mean" | "net"): R parity on the shipped
2018 data, the properties an analyst relies on (shares sum to 1, net = top − bottom with the
covariance's SE), and the definition errors."""

from __future__ import annotations

import warnings
from pathlib import Path

import numpy as np
import polars as pl
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from _fixture_round import DEFINITION, make_data, make_round
from omdomme.analysis.reputation import estimate_reputation
from omdomme.definitions import parse_definition
from omdomme.errors import DefinitionError

REPO = Path(__file__).resolve().parents[1]
R_TABLES = REPO / "tests" / "reference" / "r_tables"

TABLE_INDICATORS = """
[indicators.inntrykk_fordeling]
label = "Generelt inntrykk"
kind = "scale"
question = "inntrykk"
domains = ["alle", "innenfra", "utenfra"]

[indicators.kjennskap_fordeling]
label = "Kjennskap til næringslivet"
kind = "scale"
question = "kjennskap"
base = "all"
domains = ["alle", "innenfra", "utenfra"]

[indicators.inntrykk_snitt]
label = "Gjennomsnittlig inntrykk (1–5)"
kind = "mean"
question = "inntrykk"
better = "higher"
domains = ["alle", "innenfra", "utenfra"]

[indicators.inntrykk_netto]
label = "Nettoinntrykk (godt minus dårlig)"
kind = "net"
question = "inntrykk"
better = "higher"
domains = ["alle", "innenfra", "utenfra"]

[indicators.kjennskap_netto]
label = "Netto kjennskap"
kind = "net"
question = "kjennskap"
top = [1, 2]
bottom = [3, 4]
base = "all"
better = "higher"
domains = ["alle", "innenfra", "utenfra"]
"""


def _estimate(definition):  # type: ignore[no-untyped-def]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return estimate_reputation(definition, *definition.read())


def shipped_with_tables(folder: Path, extra: str = "") -> Path:
    """The shipped 2018 definition (reading the shipped data) with the table indicators and
    ``extra`` before its breakdowns, written to ``folder/omdomme.toml``."""
    text = (REPO / "surveys" / "2018" / "omdomme.toml").read_text(encoding="utf-8")
    data = (REPO / "surveys" / "2018" / "omdomme-2018.sav").resolve().as_posix()
    text = text.replace('file = "omdomme-2018.sav"', f'file = "{data}"')
    text = text.replace("\n[breakdowns.kjonn]", TABLE_INDICATORS + extra + "\n[breakdowns.kjonn]", 1)
    path = folder / "omdomme.toml"
    path.write_text(text, encoding="utf-8")
    return path


@pytest.fixture(scope="module")
def shipped_2018(tmp_path_factory: pytest.TempPathFactory):  # type: ignore[no-untyped-def]
    # The shipped 2018 definition and data, plus the table indicators.
    return _estimate(parse_definition(shipped_with_tables(tmp_path_factory.mktemp("tables"))))


def test_scales_means_and_net_scores_match_r(shipped_2018) -> None:  # type: ignore[no-untyped-def]
    # R: svyby(~factor(q), ~target + <by>, subset(design, <base>), svymean, covmat = TRUE), svymean of
    # the code, svycontrast of the scale shares for the net score (tests/reference/r_tables/r_tables.R).
    ref = (pl.read_csv(R_TABLES / "r_tables_estimates_2018.csv", infer_schema_length=None)
           .filter(pl.col("part") != "breakdown").with_columns(pl.col("category").fill_null("")))
    est = shipped_2018.estimates.with_columns(pl.col("category").fill_null(""))
    joined = ref.join(est, on=["indicator", "domain", "target", "category"], how="left", suffix="_py")
    assert joined["estimate_py"].null_count() == 0
    assert set(joined["part"]) == {"scale", "mean", "net"}
    assert joined["n_py"].to_list() == joined["n"].to_list()
    assert joined["df_py"].to_list() == joined["df"].cast(pl.Float64).to_list()
    assert set(joined["kind"]) == {"scale", "mean", "net"}
    for col in ("estimate", "se"):
        np.testing.assert_allclose(joined[f"{col}_py"].to_numpy(), joined[col].to_numpy(), rtol=1e-12, atol=1e-15,
                                   err_msg=col)
    # Mean and net scores: t interval with the domain's df, as R's qt(0.975, df).
    t = joined.filter(pl.col("part") != "scale")
    for col in ("ci_low", "ci_high"):
        np.testing.assert_allclose(t[f"{col}_py"].to_numpy(), t[col].to_numpy(), rtol=1e-12, atol=1e-15, err_msg=col)
    row = est.filter((pl.col("indicator") == "inntrykk_netto") & (pl.col("domain") == "alle")
                     & (pl.col("target") == "ostfold")).row(0, named=True)
    assert row["display"].endswith("\u00a0p.p.") and row["kind"] == "net"
    row = est.filter((pl.col("indicator") == "kjennskap_fordeling") & (pl.col("category") == "vet_ikke")).row(0, named=True)
    assert row["label"] == "Kjennskap til næringslivet: Vet ikke"


def _tables(extra: str) -> str:
    text = DEFINITION.format(round=2018, code_year=2018, previous="")
    return text.replace("\n[reliability]", extra + "\n[reliability]", 1)


TABLES_SMALL = TABLE_INDICATORS + """
[breakdowns.kjonn]
label = "Kjønn"
by = "sex"
indicators = ["inntrykk_fordeling", "kjennskap_fordeling", "inntrykk_netto", "kjennskap_netto"]
"""


@settings(max_examples=8, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(seed=st.integers(0, 10_000), n=st.integers(60, 250))
def test_shares_sum_to_one_and_net_is_top_minus_bottom(tmp_path_factory: pytest.TempPathFactory,
                                                       seed: int, n: int) -> None:
    root = tmp_path_factory.mktemp("prop")
    d = parse_definition(make_round(root, data=make_data(n, seed=seed), definition=_tables(TABLES_SMALL)))
    result = _estimate(d)
    est = result.estimates
    keys = ["domain", "target"]
    for scale in ("inntrykk_fordeling", "kjennskap_fordeling"):
        shares = est.filter((pl.col("indicator") == scale) & (pl.col("n") > 0))
        total = shares.group_by(keys).agg(pl.col("estimate").sum(), pl.len())
        np.testing.assert_allclose(total["estimate"].to_numpy(), 1.0, rtol=0, atol=1e-12)
        assert set(total["len"]) == ({5} if scale == "inntrykk_fordeling" else {5})  # 1–5 / 1–4 and vet ikke
    # The net score is the difference of the top and bottom share rows, with the SE of that contrast
    # from the scale's joint covariance.
    keys_all = pl.concat([k.with_columns(_block=pl.lit(b)) for b, (k, _) in enumerate(result.joint)])
    for net, scale, top, bottom in (("inntrykk_netto", "inntrykk_fordeling", ["4", "5"], ["1", "2"]),
                                    ("kjennskap_netto", "kjennskap_fordeling", ["1", "2"], ["3", "4"])):
        shares = est.filter(pl.col("indicator") == scale)
        diff = (shares.filter(pl.col("category").is_in(top)).group_by(keys).agg(pl.col("estimate").sum().alias("t"))
                .join(shares.filter(pl.col("category").is_in(bottom)).group_by(keys)
                      .agg(pl.col("estimate").sum().alias("b")), on=keys)
                .join(est.filter(pl.col("indicator") == net).select(*keys, "estimate", "se"), on=keys))
        np.testing.assert_allclose(diff["estimate"].to_numpy(), (diff["t"] - diff["b"]).to_numpy(), rtol=0, atol=1e-12)
        assert diff.height > 0
        for domain, target, se in diff.filter(pl.col("se").is_not_null()).select("domain", "target", "se").iter_rows():
            cells = keys_all.filter((pl.col("indicator") == scale) & (pl.col("domain") == domain)
                                    & (pl.col("target") == target))
            block = int(cells["_block"][0])
            w = np.zeros(result.joint[block][1].shape[0])
            for category, pos in cells.select("category", "_pos").iter_rows():
                w[pos] = 1.0 if category in top else -1.0 if category in bottom else 0.0
            # abs: a net score whose SE is 0 up to rounding (3e-17) has a quadratic form of ±1e-17,
            # whose square root is 3e-9 (hypothesis found seed=595, n=78).
            assert np.sqrt(max(w @ result.joint[block][1] @ w, 0.0)) == pytest.approx(se, rel=1e-9, abs=1e-8)


def test_table_indicators_leave_the_share_rows_as_they_were(tmp_path: Path) -> None:
    plain = _estimate(parse_definition(make_round(tmp_path / "a"))).estimates
    more = _estimate(parse_definition(make_round(tmp_path / "b", definition=_tables(TABLES_SMALL)))).estimates
    assert more.head(plain.height).equals(plain)
    assert set(more.tail(more.height - plain.height)["kind"]) == {"scale", "mean", "net"}


@pytest.mark.parametrize(("extra", "message"), [
    ('[indicators.x]\nkind = "scale"\nquestion = "inntrykk"\ncount = [5]\n', '`count` in [indicators.x] does not apply to kind = "scale"'),
    ('[indicators.x]\nkind = "mean"\nquestion = "inntrykk"\nbase = "all"\nbetter = "higher"\n', 'a mean is taken over valid answers'),
    ('[indicators.x]\nkind = "net"\nquestion = "inntrykk"\ntop = [4, 5]\nbottom = [3, 4]\nbetter = "higher"\n', "share [4]"),
    ('[indicators.x]\nkind = "net"\nquestion = "inntrykk"\ntop = [6]\nbetter = "higher"\n', "`top` in [indicators.x] lists [6]"),
    ('[indicators.x]\nkind = "mean"\nquestion = "assosiasjon"\nbetter = "higher"\n', "needs a scale question"),
    ('[indicators.x]\nkind = "mean"\nquestion = "inntrykk"\ntop = [5]\nbetter = "higher"\n', '`top` in [indicators.x] does not apply to kind = "mean"'),
    ('[indicators.x]\nkind = "median"\nquestion = "inntrykk"\n', "use one of share, scale, mean, net"),
])
def test_definition_errors(tmp_path: Path, extra: str, message: str) -> None:
    path = make_round(tmp_path, definition=_tables("\n" + extra))
    with pytest.raises(DefinitionError) as error:
        parse_definition(path)
    assert message in str(error.value)
