"""The association frame as a multiple-response set, and indicators over groups of its codes."""

from __future__ import annotations

from pathlib import Path

import polars as pl
import pytest

from omdomme.analysis.associations import frame_covariance, frame_indicators
from omdomme.analysis.reputation import estimate_reputation
from omdomme.definitions import CodeGroup, load_definition
from omdomme.errors import DefinitionError

REPO = Path(__file__).resolve().parents[1]
R_ASSOC = REPO / "tests" / "reference" / "r_assoc" / "r_assoc_2018.csv"


@pytest.fixture(scope="module")
def estimated_2018():  # type: ignore[no-untyped-def]
    definition = load_definition(2018, "omdomme", REPO)
    data, meta = definition.read()
    with pytest.warns(Warning):  # p = 0 in small domains is flagged, as for every indicator
        return estimate_reputation(definition, data, meta)


def test_r_reference_is_for_the_shipped_2018_file() -> None:
    import hashlib

    recorded = dict(line.split(" = ", 1) for line in
                    R_ASSOC.with_name("r_assoc_2018.provenance.txt").read_text().splitlines())
    actual = hashlib.sha256((REPO / "surveys/2018/omdomme-2018.sav").read_bytes()).hexdigest()
    assert recorded["data_sha256"] == actual, (
        "surveys/2018/omdomme-2018.sav changed since the R reference was made; rerun "
        "`Rscript tests/reference/r_assoc/r_assoc.R` and commit its output")


def test_frame_shares_and_derived_indicators_match_r_survey(estimated_2018) -> None:  # type: ignore[no-untyped-def]
    ref = pl.read_csv(R_ASSOC)
    ours = estimated_2018.estimates.select("indicator", "domain", "target", "n", "estimate", "se")
    joined = ref.join(ours, on=["indicator", "domain", "target"], how="left", suffix="_py")
    assert joined.height == ref.height == 120
    assert joined["estimate_py"].null_count() == 0
    assert (joined["n"] == joined["n_py"]).all()
    assert (joined["estimate"] - joined["estimate_py"]).abs().max() < 1e-9  # type: ignore[operator]
    assert (joined["se"] - joined["se_py"]).abs().max() < 1e-9  # type: ignore[operator]


def test_joint_covariance_of_the_frame_matches_r_survey(estimated_2018) -> None:  # type: ignore[no-untyped-def]
    ref = pl.read_csv(R_ASSOC.with_name("r_assoc_2018_vcov.csv"))
    for target in ("ostfold", "akershus"):
        ours = frame_covariance(estimated_2018, target, "alle")
        theirs = ref.filter(target=target).select("row", "col", "cov")
        joined = theirs.join(ours, on=["row", "col"], suffix="_py")
        assert joined.height == 100
        assert (joined["cov"] - joined["cov_py"]).abs().max() < 1e-12  # type: ignore[operator]


def test_frame_is_a_multiple_response_set_with_vet_ikke_as_its_own_row(estimated_2018) -> None:  # type: ignore[no-untyped-def]
    e = estimated_2018.estimates.filter(pl.col("indicator").str.starts_with("assos_"), domain="alle")
    ids = [i.id for i in frame_indicators(estimated_2018.definition)]
    assert e["indicator"].unique(maintain_order=True).to_list() == ids
    per_county = e.group_by("target").agg(pl.col("estimate").sum(), pl.col("n").n_unique())
    # Up to three mentions each: the shares of one county sum to more than 1, on one base.
    assert (per_county["estimate"] > 1).all() and (per_county["n"] == 1).all()


def test_geography_only_excludes_anyone_naming_anything_else(estimated_2018) -> None:  # type: ignore[no-untyped-def]
    e = estimated_2018.estimates.filter(domain="alle", target="ostfold")
    share = dict(zip(e["indicator"], e["estimate"], strict=True))
    assert share["kun_geografi"] < share["assos_steder"] + share["assos_sverige"] + share["assos_natur"]
    assert share["kun_geografi"] + share["assos_verdier"] + share["assos_vet_ikke"] <= 1 + 1e-12


def _definition_with(tmp_path: Path, count: str) -> Path:
    text = (REPO / "surveys/2018/omdomme.toml").read_text(encoding="utf-8")
    text = text.replace('count = { only = ["steder", "sverige", "natur"] }', f"count = {count}")
    folder = tmp_path / "surveys" / "2018"
    folder.mkdir(parents=True)
    (folder / "omdomme.toml").write_text(text, encoding="utf-8")
    (folder / "omdomme-2018.sav").symlink_to(REPO / "surveys/2018/omdomme-2018.sav")
    return tmp_path


def test_code_group_in_the_definition(tmp_path: Path) -> None:
    root = _definition_with(tmp_path, '{ any = ["verdier"], none_of = ["negativ"] }')
    ind = next(i for i in load_definition(2018, "omdomme", root).indicators if i.id == "kun_geografi")
    assert ind.count == CodeGroup(any=("verdier",), none_of=("negativ",))


@pytest.mark.parametrize(("count", "message"), [
    ('{ only = ["steder", "byer"] }', "`only` of `count` in [indicators.kun_geografi] lists ['byer'], not categories"),
    ('{ none_of = ["negativ"] }', "needs `any` or `only`"),
    ('{ all = ["steder"] }', "unknown key(s) ['all']; use any, only and none_of"),
])
def test_code_group_errors_name_the_fix(tmp_path: Path, count: str, message: str) -> None:
    root = _definition_with(tmp_path, count)
    with pytest.raises(DefinitionError, match=None) as err:
        load_definition(2018, "omdomme", root)
    assert message in str(err.value)


def test_the_frame_has_no_pairs_and_no_letters_but_derived_indicators_do(estimated_2018) -> None:  # type: ignore[no-untyped-def]
    # All pairs and letters (issue #15) read the joint covariance, which holds the frame's cells
    # too: the frame is descriptive, as in the county comparisons and ranks; kun_geografi is tested.
    from omdomme.analysis.pairs import letter_column
    from omdomme.analysis.reputation import table_comparisons

    tables = table_comparisons(estimated_2018)
    tested = set(tables.filter(pl.col("comparison") == "pair")["indicator"].to_list())
    assert "kun_geografi" in tested and not any(i.startswith("assos_") for i in tested)
    assert not tables.filter(pl.col("indicator").str.starts_with("assos_")).height
    letters = letter_column(estimated_2018.estimates, tables)
    assert letters.filter(pl.col("indicator").str.starts_with("assos_"))["letters"].is_null().all()
    assert letters.filter((pl.col("indicator") == "kun_geografi") & pl.col("breakdown").is_null())[
        "letters"].is_not_null().any()


def test_the_set_column_marks_the_multiple_response_rows(estimated_2018) -> None:  # type: ignore[no-untyped-def]
    # A reader of estimates.csv tells the frame's rows by `set`, without the assos_ prefix convention.
    from omdomme.results.schema import ESTIMATE_COLUMNS

    e = estimated_2018.estimates
    assert e.columns == ESTIMATE_COLUMNS and "set" in e.columns
    in_set = e.filter(pl.col("set").is_not_null())
    assert in_set["set"].unique().to_list() == ["assosiasjon"]
    assert in_set["indicator"].str.starts_with("assos_").all()
    assert in_set.height == 10 * 4 * 5  # nine categories and «vet ikke» × domains × counties
    # Every other row, the derived indicators over the same codes included, is in no set.
    others = e.filter(pl.col("set").is_null())
    assert not others["indicator"].str.starts_with("assos_").any()
    assert {"verdier", "kun_geografi"} <= set(others["indicator"])
    # What the marker warns of: one county's shares of the set do not sum to 1.
    sums = in_set.filter(pl.col("indicator") != "assos_vet_ikke").group_by("target", "domain").agg(pl.col("estimate").sum())
    assert (sums["estimate"] > 1.0).any()
