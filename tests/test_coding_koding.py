"""`omdomme code`: koding.csv, the analyst's column kept on rerun, and analyse using it."""

from __future__ import annotations

import shutil
from pathlib import Path

import polars as pl
import pytest
from click.testing import CliRunner

from omdomme.analysis.coding import code_round
from omdomme.analysis.reputation import estimate_reputation
from omdomme.cli import main
from omdomme.definitions import load_definition
from omdomme.errors import DefinitionError

REPO = Path(__file__).resolve().parents[1]


@pytest.fixture()
def root(tmp_path: Path) -> Path:
    folder = tmp_path / "surveys" / "2018"
    folder.mkdir(parents=True)
    shutil.copy(REPO / "surveys/2018/omdomme.toml", folder / "omdomme.toml")
    (folder / "omdomme-2018.sav").symlink_to(REPO / "surveys/2018/omdomme-2018.sav")
    return tmp_path


def _estimate(root: Path) -> tuple[float, dict]:  # type: ignore[type-arg]
    definition = load_definition(2018, "omdomme", root)
    data, meta = definition.read()
    with pytest.warns(Warning):
        r = estimate_reputation(definition, data, meta)
    value = r.estimates.filter(indicator="assos_verdier", domain="alle", target="ostfold")["estimate"].item()
    return value, r.parameters["coding"]


def test_analyst_edit_survives_rerun_and_moves_the_estimate_as_expected(root: Path) -> None:
    before, coding = _estimate(root)
    assert coding == {"rule": "the vendor's coding (no koding.csv)"}
    run = code_round(2018, root=root)
    assert run.rows == 7925 and run.analyst_kept == 0
    table = pl.read_csv(run.path, infer_schema=False)
    assert table.columns == ["respondent", "county", "text", "vendor", "proposed", "reason", "same", "analyst"]
    # The analyst adds «verdier» to 40 Østfold answers the vendor coded without it.
    pick = table.filter((pl.col("county") == "ostfold") & ~pl.col("vendor").str.contains("verdier")
                        & (pl.col("vendor") != "vet_ikke")).head(40)
    edited = pick.with_columns((pl.col("vendor") + ";verdier").alias("analyst"))
    table = table.update(edited.select("respondent", "county", "analyst"), on=["respondent", "county"])
    table.write_csv(run.path)

    rerun = code_round(2018, root=root)
    assert rerun.analyst_kept == 40
    again = pl.read_csv(rerun.path, infer_schema=False).filter(pl.col("analyst").is_not_null())
    assert again.select("respondent", "county", "analyst").sort("respondent").rows() == \
        edited.select("respondent", "county", "analyst").sort("respondent").rows()

    after, coding = _estimate(root)
    assert coding["analyst"] == 40 and coding["vendor"] == 7925 - 40
    # Expected change: the weight of the 40 answers over the weight of everyone answering about Østfold.
    data, _ = load_definition(2018, "omdomme", root).read()
    ids = pick["respondent"].cast(pl.Int64)
    w = data.select(pl.col("respid").cast(pl.Int64), "vekt")
    answered = data.filter(pl.any_horizontal(pl.col(f"assos{i}_ostf").is_not_null() for i in (1, 2, 3)))
    expected = w.filter(pl.col("respid").is_in(ids.implode()))["vekt"].sum() / answered["vekt"].sum()
    assert after - before == pytest.approx(expected, abs=1e-12)


def test_a_bad_analyst_code_is_refused_naming_the_cell_and_the_fix(root: Path) -> None:
    run = code_round(2018, root=root)
    table = pl.read_csv(run.path, infer_schema=False)
    table = table.with_columns(pl.when(pl.int_range(pl.len()) == 3).then(pl.lit("steder;byer")).otherwise(
        pl.col("analyst")).alias("analyst"))
    table.write_csv(run.path)
    with pytest.raises(DefinitionError) as err:
        code_round(2018, root=root)
    message = str(err.value)
    assert "`analyst` of respondent 100004 about akershus is 'byer', not a category of the frame" in message
    assert "vet_ikke, separated by ';'" in message


def test_cli_prints_agreement_per_code(root: Path) -> None:
    result = CliRunner().invoke(main, ["code", "2018", "--root", str(root)])
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert lines[0].startswith("Wrote ") and "(7925 answers; 0 analyst codings kept)." in lines[0]
    assert lines[2].split() == ["code", "agree", "kappa", "both", "only", "proposed", "only", "vendor"]
    assert [line.split()[0] for line in lines[3:13]] == [
        "steder", "sverige", "natur", "dialekt", "naeringsliv", "verdier", "kultur", "negativ", "annet", "vet_ikke"]
    assert lines[-1].endswith("answers where they disagree: the rows with same = nei in koding.csv.")


def test_koding_csv_is_an_input_of_the_reuse_check(tmp_path: Path) -> None:
    # analyse reuses the previous round's stored estimates only while its inputs are byte-identical;
    # the analyst's coding changes the association estimates, so koding.csv is one of them.
    import warnings

    from _fixture_round import make_round
    from omdomme.analysis.reputation import analyse_round
    from omdomme.results.write import write_analysis

    make_round(tmp_path, 2016, seed=2, n=300)
    make_round(tmp_path, 2018, seed=1, n=300, previous=2016)
    koding = tmp_path / "surveys" / "2016" / "koding.csv"

    def write_coding(ids: range) -> None:
        pl.DataFrame({"respondent": list(ids), "county": "ostfold", "analyst": "verdier"}).write_csv(koding)

    def verdier_2016() -> tuple[float, dict]:  # type: ignore[type-arg]
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            result = analyse_round(2018, root=tmp_path)
        row = result.comparisons.filter(comparison="round", indicator="verdier", domain="alle", target_a="ostfold")
        return row["estimate_b"].item(), result.manifest

    write_coding(range(1, 41))
    afresh, manifest = verdier_2016()
    inputs = manifest["surveys"]["omdomme"]["parameters"]["previous"]["inputs"]
    assert [i["path"] for i in inputs] == ["surveys/2016/omdomme-2016.sav", "surveys/2016/koding.csv"]
    assert inputs[1]["role"] == "coding"
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        stored = analyse_round(2016, root=tmp_path)
    # The round's own manifest lists its koding.csv among the inputs too.
    assert [i.get("role") for i in stored.manifest["surveys"]["omdomme"]["inputs"]] == [None, "coding"]
    write_analysis(stored, tmp_path)
    assert verdier_2016()[0] == afresh  # reused: the same inputs
    # Editing the coding invalidates the stored table, as editing the data or definition does:
    # the previous round is estimated afresh with the new coding, not read stale.
    write_coding(range(1, 121))
    edited, _ = verdier_2016()
    assert edited > afresh
    shutil.rmtree(tmp_path / "analyses" / "2016")
    assert verdier_2016()[0] == edited  # the same as with no stored round at all
    # And removing it: back to the vendor's coding.
    write_analysis(stored, tmp_path)
    koding.unlink()
    vendor_only, _ = verdier_2016()
    assert vendor_only < afresh
