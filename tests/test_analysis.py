"""The reputation analysis: harmonising, estimates by two routes, domains as subsets of the design,
R parity of the paired difference, and the shape of the output tables."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import polars as pl
import pytest

from _fixture_round import TOKENS, make_data, make_round
from omdomme.analysis.reputation import analyse_round, estimate_reputation
from omdomme.definitions import load_definition
from omdomme.definitions.harmonise import harmonise
from omdomme.results.schema import COMPARISON_COLUMNS, ESTIMATE_COLUMNS

REPO = Path(__file__).resolve().parents[1]
R_PAIRED = REPO / "tests" / "reference" / "r_paired" / "r_paired_2018.csv"
R_DOMAINS = REPO / "tests" / "reference" / "r_domains" / "r_domains_2018.csv"


@pytest.fixture(scope="module")
def fixture_root(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("round")
    make_round(root, 2016, seed=2)
    make_round(root, 2018, seed=1)
    return root


@pytest.fixture(scope="module")
def result_2018(fixture_root: Path):  # type: ignore[no-untyped-def]
    return analyse_round(2018, root=fixture_root)


def test_harmonise_long_format_and_row_accounting(fixture_root: Path) -> None:
    d = load_definition(2018, root=fixture_root)
    data, meta = d.read()
    h = harmonise(d, data, meta)
    assert h.long.height == data.height * 5
    assert h.rows.read == h.rows.used == data.height and h.rows.excluded == ()
    assert h.long.columns[:4] == ["respondent", "target", "residence", "age"]
    # «vet ikke» (user-missing 9) survives as a flag; it is not a scale value.
    ost = h.long.filter(pl.col("target") == "ostfold")
    raw = data.get_column("kj_ostf")
    assert ost["kjennskap__vet_ikke"].sum() == (raw == 9).sum() > 0
    assert ost.filter(pl.col("kjennskap__vet_ikke"))["kjennskap"].null_count() == (raw == 9).sum()
    # Associations: a list of categories; 99 alone is «vet ikke».
    first = ost.filter(pl.col("respondent") == data["respid"][0]).row(0, named=True)
    codes = [data[f"assos{j}_ostf"][0] for j in (1, 2, 3)]
    frame = {1: "steder", 2: "sverige", 3: "natur", 4: "dialekt", 5: "naeringsliv", 6: "verdier",
             7: "kultur", 8: "negativ", 9: "annet"}
    assert first["assosiasjon"] == sorted({frame[int(c)] for c in codes if c == c and c in frame})


def test_zero_weights_are_excluded_with_a_reason(tmp_path: Path) -> None:
    data = make_data(300, seed=4).with_columns(
        pl.when(pl.col("respid") <= 7).then(0.0).otherwise(pl.col("vekt")).alias("vekt"))
    make_round(tmp_path, data=data)
    d = load_definition(2018, root=tmp_path)
    h = harmonise(d, *d.read())
    assert (h.rows.read, h.rows.used) == (300, 293)
    assert h.rows.excluded == (("weight 0 (not part of the weighted sample)", 7),)


def _weighted_share(frame: pl.DataFrame, hit: pl.Expr, base: pl.Expr) -> float:
    f = frame.filter(base)
    return float((f["vekt"] * f.select(hit.cast(pl.Float64)).to_series()).sum() / f["vekt"].sum())


def test_estimates_equal_weighted_shares_by_hand(fixture_root: Path, result_2018) -> None:  # type: ignore[no-untyped-def]
    data, _ = load_definition(2018, root=fixture_root).read()
    est = result_2018.estimates
    from omdomme.geography import county_of

    data = data.with_columns(county_of(data["kommune"], year=2018, borders=2024).alias("bor"))
    for county, token in TOKENS.items():
        def get(ind: str, dom: str, county: str = county) -> float:
            return est.filter((pl.col("indicator") == ind) & (pl.col("domain") == dom)
                              & (pl.col("target") == county))["estimate"].item()

        inn = pl.col(f"inntrykk_{token}")
        assert get("vet_ikke", "alle") == pytest.approx(
            _weighted_share(data, pl.col(f"kj_{token}") == 9, pl.lit(True)), rel=1e-12)
        assert get("svaert_godt", "alle") == pytest.approx(_weighted_share(data, inn == 5, pl.lit(True)), rel=1e-12)
        assert get("svaert_godt_meninger", "alle") == pytest.approx(
            _weighted_share(data, inn == 5, inn != 9), rel=1e-12)
        assert get("svaert_godt", "innenfra") == pytest.approx(
            _weighted_share(data, inn == 5, pl.col("bor") == county), rel=1e-12)
        assert get("svaert_godt", "utenfra") == pytest.approx(
            _weighted_share(data, inn == 5, pl.col("bor") != county), rel=1e-12)
        young = (pl.col("bor") == county) & pl.col("alder").is_between(18, 29)
        assert get("moderne_ungdom", "unge") == pytest.approx(
            _weighted_share(data, pl.col(f"moderne_{token}").is_in([4.0, 5.0]), young), rel=1e-12)
        assos = [pl.col(f"assos{j}_{token}") for j in (1, 2, 3)]
        answered = pl.any_horizontal(*[a.is_not_null() for a in assos])
        hit = pl.any_horizontal(*[(a == 6).fill_null(False) for a in assos])
        assert get("verdier", "alle") == pytest.approx(_weighted_share(data, hit, answered), rel=1e-12)


def test_domain_se_uses_the_whole_design(fixture_root: Path, result_2018) -> None:  # type: ignore[no-untyped-def]
    # Second route: the wide file, one county's indicator null outside the domain, respondent as
    # PSU. Same estimate, SE and df as the long design (a domain is a subset of the design).
    from omdomme.estimate.survey import Survey
    from omdomme.geography import county_of

    data, _ = load_definition(2018, root=fixture_root).read()
    bor = county_of(data["kommune"], year=2018, borders=2024)
    wide = data.with_columns(
        y=pl.when(bor == "ostfold").then((pl.col("inntrykk_ostf") == 5).cast(pl.Float64)))
    ref = Survey(wide, weights="vekt", psu="respid").proportion("y").row(0, named=True)
    row = result_2018.estimates.filter((pl.col("indicator") == "svaert_godt") & (pl.col("domain") == "innenfra")
                                       & (pl.col("target") == "ostfold")).row(0, named=True)
    assert row["estimate"] == pytest.approx(ref["estimate"], rel=1e-12)
    assert row["se"] == pytest.approx(ref["se"], rel=1e-9)
    assert row["n"] == ref["n"] == int((bor == "ostfold").sum())


def test_tables_have_contract_columns_and_every_cell(result_2018) -> None:  # type: ignore[no-untyped-def]
    est = result_2018.estimates.filter(pl.col("survey") == "omdomme")
    assert result_2018.estimates.columns == ESTIMATE_COLUMNS
    assert result_2018.comparisons.columns == COMPARISON_COLUMNS
    cells = est.group_by("indicator").agg(pl.col("domain").n_unique(), pl.col("target").n_unique()).sort("indicator")
    assert dict(zip(cells["indicator"], zip(cells["domain"], cells["target"], strict=True), strict=True)) == {
        "moderne_ungdom": (1, 5), "svaert_godt": (3, 5), "svaert_godt_meninger": (3, 5),
        "vet_ikke": (3, 5), "verdier": (2, 5),
        # The association frame, every domain (omdomme.analysis.associations).
        **{f"assos_{c}": (4, 5) for c in ("steder", "sverige", "natur", "dialekt", "naeringsliv", "verdier",
                                          "kultur", "negativ", "annet", "vet_ikke")}}
    assert est["estimate"].is_between(0, 1).all()
    assert set(est["flag"]) <= {"ok", "flagged", "suppressed"}
    assert est.filter(pl.col("flag") == "suppressed")["display"].eq(":").all()
    assert est.filter(pl.col("flag") != "suppressed")["display"].str.contains("^\\d+,\\d\u00a0%$").all()
    comp = result_2018.comparisons
    county = comp.filter(pl.col("comparison") == "county")
    assert county.height == 12 * 4 and set(county["target_a"]) == {"ostfold"}
    rounds = comp.filter(pl.col("comparison") == "round")
    assert rounds.height == 12 * 5 and set(rounds["round_b"]) == {2016}
    ranks = result_2018.ranks
    assert ranks.height == 12 * 5
    total = ranks.select(pl.sum_horizontal(pl.col(f"p_rank_{k}") for k in range(1, 6)))
    assert np.allclose(total.to_series().to_numpy(), 1.0)
    manifest = result_2018.manifest
    assert manifest["surveys"]["omdomme"]["rows"]["read"] == 600
    assert manifest["seed"] == 20160101 and "timestamp" not in str(manifest)


def test_weight_scale_does_not_change_shares(tmp_path: Path) -> None:
    data = make_data(400, seed=9)
    make_round(tmp_path / "a", data=data)
    make_round(tmp_path / "b", data=data.with_columns(pl.col("vekt") * 1000))
    a = analyse_round(2018, root=tmp_path / "a").estimates
    b = analyse_round(2018, root=tmp_path / "b").estimates
    for col in ("estimate", "se", "ci_low", "ci_high"):
        assert np.allclose(a[col].to_numpy(), b[col].to_numpy(), rtol=1e-9, equal_nan=True)


def test_paired_difference_matches_r_survey() -> None:
    # R: svymean of both counties + svycontrast (tests/reference/r_paired/r_paired.R).
    ref = pl.read_csv(R_PAIRED)
    d = load_definition(2018, root=REPO)
    provenance = dict(line.split(" = ", 1) for line in
                      R_PAIRED.with_name("r_paired_2018.provenance.txt").read_text().splitlines())
    import hashlib

    assert provenance["data_sha256"] == hashlib.sha256(d.data_path.read_bytes()).hexdigest(), (
        "surveys/2018/omdomme-2018.sav changed since the R reference was made; rerun "
        "`Rscript tests/reference/r_paired/r_paired.R` and commit its output")
    r = estimate_reputation(d, *d.read())
    assert r.degf == ref["degf"][0]
    for row in ref.iter_rows(named=True):
        targets, v = r.vcov[(row["indicator"], row["domain"])]
        i, j = targets.index("ostfold"), targets.index("akershus")
        e = r.estimates.filter((pl.col("indicator") == row["indicator"]) & (pl.col("domain") == row["domain"]))
        eo = e.filter(pl.col("target") == "ostfold")["estimate"].item()
        ea = e.filter(pl.col("target") == "akershus")["estimate"].item()
        assert eo == pytest.approx(row["estimate_ostfold"], rel=1e-9)
        assert ea == pytest.approx(row["estimate_akershus"], rel=1e-9)
        assert np.sqrt(v[i, i]) == pytest.approx(row["se_ostfold"], rel=1e-9)
        assert v[i, j] == pytest.approx(row["cov"], rel=1e-9)
        assert eo - ea == pytest.approx(row["difference"], rel=1e-9)
        assert np.sqrt(v[i, i] + v[j, j] - 2 * v[i, j]) == pytest.approx(row["se_difference"], rel=1e-9)
    # ... and the comparisons table carries the same numbers.
    from omdomme.analysis.counties import county_comparisons

    comp = county_comparisons(r.estimates, r.vcov, df=r.degf)
    gap = comp.filter((pl.col("indicator") == "svaert_godt") & (pl.col("domain") == "alle")
                      & (pl.col("target_b") == "akershus")).row(0, named=True)
    first = ref.row(0, named=True)
    assert gap["difference"] == pytest.approx(first["difference"], rel=1e-9)
    assert gap["se"] == pytest.approx(first["se_difference"], rel=1e-9)


def test_domain_estimates_and_df_match_r_svyby_on_the_subset() -> None:
    # R: svyby(~I(...), ~target + in_domain, subset(design, in_base), svyciprop, method = "logit")
    # on the long design (tests/reference/r_domains/r_domains.R). Each domain has its own df:
    # its respondents minus 1, not the whole target group's (df_target_group in the CSV).
    import hashlib

    ref = pl.read_csv(R_DOMAINS)
    d = load_definition(2018, root=REPO)
    provenance = dict(line.split(" = ", 1) for line in
                      R_DOMAINS.with_name("r_domains_2018.provenance.txt").read_text().splitlines())
    assert provenance["data_sha256"] == hashlib.sha256(d.data_path.read_bytes()).hexdigest(), (
        "surveys/2018/omdomme-2018.sav changed since the R reference was made; rerun "
        "`Rscript tests/reference/r_domains/r_domains.R` and commit its output")
    assert d.reliability.ci_method == "logit"
    est = estimate_reputation(d, *d.read()).estimates
    joined = ref.join(est, on=["indicator", "domain", "target"], how="left", suffix="_py")
    assert joined.height == ref.height == 15 and joined["estimate_py"].null_count() == 0
    assert joined["n_py"].to_list() == joined["n"].to_list()
    assert joined["df_py"].to_list() == joined["df"].cast(pl.Float64).to_list(), joined.filter(
        pl.col("df_py") != pl.col("df")).select("indicator", "domain", "target", "df", "df_py")
    assert (joined["df"] < joined["df_target_group"]).all()  # the case where it matters
    # The share as R's svymean (an exact weighted mean) and its SE: to round-off.
    for col, ref_col in (("estimate", "estimate_svymean"), ("se", "se_svymean"), ("se", "se")):
        np.testing.assert_allclose(joined[f"{col}_py"].to_numpy(), joined[ref_col].to_numpy(),
                                   rtol=1e-12, atol=0, err_msg=col)
    # svyciprop's logit estimate and interval come from glm, which stops at a 1e-8 deviance
    # change: they agree within 1e-8 on the share scale (measured: up to 1.1e-9).
    for col in ("estimate", "ci_low", "ci_high"):
        np.testing.assert_allclose(joined[f"{col}_py"].to_numpy(), joined[col].to_numpy(), rtol=0,
                                   atol=1e-8, err_msg=col)
    young = joined.filter((pl.col("domain") == "unge") & (pl.col("target") == "ostfold")).row(0, named=True)
    assert (young["n"], young["df_py"], young["df_target_group"]) == (68, 67.0, 1584)


def test_empty_domain_is_suppressed_not_a_crash(tmp_path: Path) -> None:
    # No young residents of Vestfold: the «unge» cell is empty, flagged and explained; that
    # indicator × domain gets no ranks (an order would be invented), the rest is untouched.
    vestfold = pl.col("kommune").is_in([701.0, 704.0, 710.0])
    data = make_data(400, seed=3).with_columns(
        pl.when(vestfold & (pl.col("alder") < 30)).then(45.0).otherwise(pl.col("alder")).alias("alder"))
    make_round(tmp_path, data=data)
    with pytest.warns(Warning):
        result = analyse_round(2018, root=tmp_path)
    cell = result.estimates.filter((pl.col("domain") == "unge") & (pl.col("target") == "vestfold")).row(0, named=True)
    assert (cell["n"], cell["estimate"], cell["flag"], cell["display"]) == (0, None, "suppressed", ":")
    assert "ingen estimat" in cell["note"]
    gap = result.comparisons.filter((pl.col("domain") == "unge") & (pl.col("target_b") == "vestfold")).row(0, named=True)
    assert gap["difference"] is None and gap["significant"] is False
    assert result.ranks.filter(pl.col("domain") == "unge").height == 0
    assert result.ranks.height == 11 * 5


def test_row_order_does_not_matter(fixture_root: Path) -> None:
    d = load_definition(2018, root=fixture_root)
    data, meta = d.read()
    a = estimate_reputation(d, data, meta)
    b = estimate_reputation(d, data.sample(fraction=1.0, shuffle=True, seed=11), meta)
    assert a.estimates.select("indicator", "domain", "target", "n").equals(
        b.estimates.select("indicator", "domain", "target", "n"))
    for col in ("estimate", "se", "ci_low", "ci_high", "deff"):
        assert np.allclose(a.estimates[col].to_numpy(), b.estimates[col].to_numpy(), rtol=1e-10, equal_nan=True)
    for key, (targets, v) in a.vcov.items():
        assert b.vcov[key][0] == targets
        assert np.allclose(v, b.vcov[key][1], rtol=1e-10, atol=1e-16)


@pytest.mark.needs_r
def test_committed_r_values_are_what_r_computes(tmp_path: Path) -> None:
    import shutil
    import subprocess

    if shutil.which("Rscript") is None:
        pytest.skip("Rscript not installed; the committed R values are used by test_paired_difference_matches_r_survey")
    run = subprocess.run(["Rscript", str(R_PAIRED.with_name("r_paired.R")), str(tmp_path)], cwd=REPO,
                         capture_output=True, text=True)
    if run.returncode != 0 and "there is no package called" in run.stderr:
        pytest.skip(f"R lacks a package: {run.stderr.strip().splitlines()[-1]}")
    assert run.returncode == 0, run.stderr
    fresh = pl.read_csv(tmp_path / "r_paired_2018.csv")
    committed = pl.read_csv(R_PAIRED)
    assert fresh.select(pl.col(pl.String)).equals(committed.select(pl.col(pl.String)))
    for col in fresh.select(pl.col(pl.Float64)).columns:
        assert np.allclose(fresh[col].to_numpy(), committed[col].to_numpy(), rtol=1e-12, atol=0), col


@pytest.mark.needs_r
def test_committed_r_domain_values_are_what_r_computes(tmp_path: Path) -> None:
    import shutil
    import subprocess

    if shutil.which("Rscript") is None:
        pytest.skip("Rscript not installed; the committed R values are used by "
                    "test_domain_estimates_and_df_match_r_svyby_on_the_subset")
    run = subprocess.run(["Rscript", str(R_DOMAINS.with_name("r_domains.R")), str(tmp_path)], cwd=REPO,
                         capture_output=True, text=True)
    if run.returncode != 0 and "there is no package called" in run.stderr:
        pytest.skip(f"R lacks a package: {run.stderr.strip().splitlines()[-1]}")
    assert run.returncode == 0, run.stderr
    fresh = pl.read_csv(tmp_path / "r_domains_2018.csv")
    committed = pl.read_csv(R_DOMAINS)
    assert fresh.select(pl.col(pl.String, pl.Int64)).equals(committed.select(pl.col(pl.String, pl.Int64)))
    for col in fresh.select(pl.col(pl.Float64)).columns:
        assert np.allclose(fresh[col].to_numpy(), committed[col].to_numpy(), rtol=1e-12, atol=0), col


def test_previous_round_from_analyses_equals_afresh(tmp_path: Path) -> None:
    from omdomme.results.write import write_analysis

    make_round(tmp_path, 2016, seed=2, n=300)
    make_round(tmp_path, 2018, seed=1, n=300)
    afresh = analyse_round(2018, root=tmp_path)
    write_analysis(analyse_round(2016, root=tmp_path), root=tmp_path)
    reused = analyse_round(2018, root=tmp_path)
    assert reused.comparisons.equals(afresh.comparisons)
    assert reused.manifest == afresh.manifest
    # The stored table is what was used (change it, and its checksum in the manifest as a
    # writer would: the change follows) ...
    import hashlib
    import json

    stored = tmp_path / "analyses" / "2016" / "estimates.parquet"
    pl.read_parquet(stored).with_columns(estimate=pl.lit(0.5)).write_parquet(stored)
    rounds = pl.col("comparison") == "round"
    # ... a table that differs from its checksum is damaged: estimated afresh (issue #14) ...
    damaged = analyse_round(2018, root=tmp_path).comparisons.filter(rounds)
    assert damaged["estimate_b"].to_list() == afresh.comparisons.filter(rounds)["estimate_b"].to_list()
    manifest_path = stored.parent / "manifest.json"
    manifest = json.loads(manifest_path.read_text(encoding="utf-8"))
    manifest["outputs"]["estimates.parquet"] = hashlib.sha256(stored.read_bytes()).hexdigest()
    manifest_path.write_text(json.dumps(manifest), encoding="utf-8")
    tampered = analyse_round(2018, root=tmp_path).comparisons.filter(rounds)
    shown = tampered.filter(~pl.col("note").str.contains("undertrykt"))  # withheld rows have no numbers
    assert shown.height and shown["estimate_b"].to_list() == [0.5] * shown.height
    # ... but only while the inputs are the same: a changed definition is estimated afresh.
    path = tmp_path / "surveys" / "2016" / "omdomme.toml"
    path.write_text(path.read_text(encoding="utf-8").replace("min_n = 30", "min_n = 31"), encoding="utf-8")
    changed = analyse_round(2018, root=tmp_path).comparisons.filter(rounds)
    assert changed["estimate_b"].to_list() == afresh.comparisons.filter(rounds)["estimate_b"].to_list()


def test_missing_previous_round_is_said_not_silent(tmp_path: Path) -> None:
    make_round(tmp_path, 2018, previous=2016, n=200)
    with pytest.warns(Warning, match=r"previous = 2016, but .*2016/omdomme.toml does not exist"):
        result = analyse_round(2018, root=tmp_path)
    assert result.comparisons.filter(pl.col("comparison") == "round").height == 0


def test_change_across_a_series_break_is_shown_not_tested(tmp_path: Path) -> None:
    # The same rules as `omdomme compare`: a changed scale_id breaks that question's series.
    make_round(tmp_path, 2016, seed=2, n=300)
    make_round(tmp_path, 2018, seed=1, n=300)
    path = tmp_path / "surveys" / "2016" / "omdomme.toml"
    text = path.read_text(encoding="utf-8")
    assert 'scale_id = "inntrykk-5"' in text
    path.write_text(text.replace('scale_id = "inntrykk-5"', 'scale_id = "inntrykk-5-gammel"'), encoding="utf-8")
    rounds = analyse_round(2018, root=tmp_path).comparisons.filter(pl.col("comparison") == "round")
    broken = rounds.filter(pl.col("indicator").str.starts_with("svaert_godt"))
    intact = rounds.filter(pl.col("indicator") == "vet_ikke")
    assert broken.height > 0 and intact.height > 0
    assert broken["note"].str.starts_with("series break: question inntrykk: scale_id").all()
    assert broken["p_adjusted"].is_null().all() and not broken["significant"].any()
    intact = intact.filter(~pl.col("note").str.contains("undertrykt"))  # a suppressed side withholds the row
    assert intact.height and (intact["note"] == "").all() and intact["p_adjusted"].is_not_null().all()
