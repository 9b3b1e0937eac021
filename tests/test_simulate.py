"""The synthetic rounds: regenerated identically, readable, honest about being synthetic, and
shaped so that weighting matters (unweighted estimates miss the truth, weighted ones do not)."""

from __future__ import annotations

import functools
import tomllib
from pathlib import Path

import numpy as np
import polars as pl
import pytest
from click.testing import CliRunner

from omdomme.cli import main
from omdomme.simulate import (
    INNOVATION_ROUNDS,
    REPUTATION_ROUNDS,
    draw_innovation_sample,
    draw_reputation_sample,
    innovation_population,
    reputation_population,
    reputation_truth,
)

ROOT = Path(__file__).resolve().parents[1]
SURVEYS = ROOT / "surveys"


@functools.cache
def _population(round: int) -> pl.DataFrame:
    # Shared by the tests: a population takes about a second to build.
    return reputation_population(round, seed=20161)


def _truth(round: int, name: str = "truth.csv") -> pl.DataFrame:
    return pl.read_csv(SURVEYS / str(round) / name)


def test_simulate_regenerates_the_shipped_rounds_byte_for_byte(tmp_path: Path) -> None:
    # Two rounds that between them use every writer and both vendors: 2016 (CSV + codebook,
    # vendor A, old codes, innovation .sav) and 2022 (.zsav, vendor B, Viken codes). The SPSS
    # header's creation stamp is fixed by the writer, so whole files compare equal.
    result = CliRunner().invoke(main, ["simulate", "--out", str(tmp_path), "--seed", "20161",
                                       "--rounds", "2016,2022"])
    assert result.exit_code == 0, result.output
    assert "2016: omdømme" in result.output and "2022: innovasjon" in result.output
    made = sorted(p.relative_to(tmp_path) for p in tmp_path.rglob("*") if p.is_file())
    shipped = sorted(
        p.relative_to(SURVEYS) for round in ("2016", "2022") for p in (SURVEYS / round).iterdir()
    )
    assert made == shipped
    for rel in made:
        assert (tmp_path / rel).read_bytes() == (SURVEYS / rel).read_bytes(), rel


def test_every_shipped_round_is_what_the_generator_makes() -> None:
    # The other rounds: the same populations, samples and truth, without writing files.
    import omdomme

    for round in (2018, 2020, 2024, 2026):
        folder = SURVEYS / str(round)
        definition = tomllib.loads((folder / "omdomme.toml").read_text(encoding="utf-8"))
        shipped, _ = omdomme.read(folder / definition["data"]["file"])
        raw, _ = draw_reputation_sample(_population(round), round, seed=20161)
        assert shipped.columns == raw.columns
        assert np.allclose(shipped[definition["design"]["weight"]].to_numpy(),
                           raw[definition["design"]["weight"]].to_numpy(), rtol=1e-12)
        assert shipped.drop(definition["design"]["weight"]).equals(
            raw.drop(definition["design"]["weight"]).with_columns(pl.col(pl.Int64).cast(pl.Float64))
        ), round
        truth = reputation_truth(_population(round), round)
        assert np.allclose(truth["truth"].to_numpy(), _truth(round)["truth"].to_numpy(), atol=1e-11)


def test_same_seed_same_data_other_seed_other_data() -> None:
    a = innovation_population(2018, seed=1)
    assert a.equals(innovation_population(2018, seed=1))
    assert not a.equals(innovation_population(2018, seed=2))
    pop = _population(2020)
    first = draw_reputation_sample(pop, 2020, seed=1)[0]
    assert first.equals(draw_reputation_sample(pop, 2020, seed=1)[0])
    assert not first.equals(draw_reputation_sample(pop, 2020, seed=2)[0])


def test_simulate_rejects_unknown_rounds_with_exit_2(tmp_path: Path) -> None:
    result = CliRunner().invoke(main, ["simulate", "--out", str(tmp_path), "--rounds", "2016,2017"])
    assert result.exit_code == 2
    assert "no synthetic round [2017]" in result.output
    result = CliRunner().invoke(main, ["simulate", "--out", str(tmp_path), "--rounds", "femten"])
    assert result.exit_code == 2
    assert "--rounds 'femten'" in result.output
    (tmp_path / "a-file").write_text("")
    result = CliRunner().invoke(main, ["simulate", "--out", str(tmp_path / "a-file" / "x"), "--rounds", "2016"])
    assert result.exit_code == 2
    assert "cannot create the output folder" in result.output and "choose a writable --out" in result.output


def _read(definition: dict, folder: Path) -> tuple[pl.DataFrame, dict]:
    import pyreadstat

    data = definition["data"]
    path = folder / data["file"]
    if path.suffix == ".csv":
        raw = path.read_bytes().decode(data["encoding"])
        frame = pl.read_csv(raw.encode(), separator=data["delimiter"], infer_schema=False)
        import json

        book = json.loads((folder / data["codebook"]).read_text(encoding="utf-8"))
        return frame, {"file_label": book["file_label"], "missing": {
            v["name"]: v["missing"]["values"] for v in book["variables"] if v["missing"]["values"]}}
    frame, meta = pyreadstat.read_sav(str(path), user_missing=True, output_format="polars")
    return frame, {"file_label": meta.file_label, "missing": {
        k: [r["lo"] for r in v] for k, v in meta.missing_ranges.items()}}


def _tokens(definition: dict) -> dict[str, str]:
    """County key -> the token its variables carry: `[targets] order` positions, or the tokens."""
    targets = definition["targets"]
    if "order" in targets:
        return {county: str(i) for i, county in enumerate(targets["order"], start=1)}
    return dict(targets)


def _variable(template: str, token: str) -> str:
    return template.replace("{target}", token).replace("{i}", token)


@pytest.mark.parametrize("round", REPUTATION_ROUNDS)
def test_every_shipped_reputation_round_has_the_variables_its_definition_names(round: int) -> None:
    folder = SURVEYS / str(round)
    definition = tomllib.loads((folder / "omdomme.toml").read_text(encoding="utf-8"))
    assert definition["survey"]["synthetic"] is True
    frame, meta = _read(definition, folder)
    assert meta["file_label"].startswith("SYNTETISKE DATA")
    r = definition["respondent"]
    names = [definition["design"]["id"], definition["design"]["weight"], r["age"], r["sex"], r["sample"], r["kommune"]]
    tokens = _tokens(definition)
    for q in definition["questions"].values():
        templates = ([q["variable"]] if "variable" in q else
                     [*q.get("variables", []), *q.get("dichotomies", {}).values(), q["text"]])
        names += [_variable(t, token) for t in templates for token in tokens.values()]
    missing = [n for n in names if n not in frame.columns]
    assert not missing, missing
    # «vet ikke» is user-missing (SPSS) or listed as missing in the codebook (CSV), with the definition's
    # code; so is a refusal code (vendor C's 99 «Ønsker ikke å svare»).
    q = definition["questions"]["kjennskap"]
    kj = _variable(q["variable"], tokens["ostfold"])
    assert [float(v) for v in meta["missing"][kj]] == [float(v) for v in q["vet_ikke"] + q.get("nonresponse", [])]
    assert (frame[kj].cast(pl.Float64) == q["vet_ikke"][0]).sum() > 100


@pytest.mark.parametrize("round", INNOVATION_ROUNDS)
def test_every_shipped_innovation_round_has_the_variables_its_definition_names(round: int) -> None:
    folder = SURVEYS / str(round)
    definition = tomllib.loads((folder / "innovasjon.toml").read_text(encoding="utf-8"))
    assert definition["survey"]["synthetic"] is True
    frame, meta = _read(definition, folder)
    assert meta["file_label"].startswith("SYNTETISKE DATA")
    names = [*(definition["design"][k] for k in ("id", "weight", "strata", "fpc")),
             *(definition["firm"][k] for k in ("kommune", "employees", "industry", "size_class"))]
    for ind in definition["indicators"].values():
        names += [ind[k] for k in ("variable", "numerator", "denominator") if k in ind]
    missing = [n for n in names if n not in frame.columns]
    assert not missing, missing


@pytest.mark.parametrize("round", REPUTATION_ROUNDS)
def test_every_shipped_round_parses_and_validates(round: int) -> None:
    from omdomme.definitions import find_definitions

    kinds = sorted(d.kind for d in find_definitions(round, ROOT))
    assert kinds == (["innovasjon", "omdomme"] if round in INNOVATION_ROUNDS else ["omdomme"])
    from omdomme.analysis.validate import validate_round

    assert validate_round(round, ROOT) == []


def test_shipped_data_stay_small() -> None:
    size = sum(p.stat().st_size for p in SURVEYS.rglob("*") if p.is_file())
    assert size < 15 * 1024 * 1024, f"{size / 1e6:.1f} MB"


def test_municipality_codes_belong_to_the_round_year() -> None:
    prefixes = {
        2016: ("01", "02", "03", "05", "06", "07"),
        2018: ("01", "02", "03", "05", "06", "07"),
        2020: ("03", "30", "38"),
        2022: ("03", "30", "38"),
        2024: ("03", "31", "32", "33", "39"),
        2026: ("03", "31", "32", "33", "39"),
    }
    for round, allowed in prefixes.items():
        folder = SURVEYS / str(round)
        definition = tomllib.loads((folder / "omdomme.toml").read_text(encoding="utf-8"))
        frame, _ = _read(definition, folder)
        codes = frame[definition["respondent"]["kommune"]]
        if codes.dtype.is_numeric():  # vendor C writes numbers: 301 is Oslo's 0301
            assert round == 2026 and int(codes.min()) == 301
            codes = codes.cast(pl.Int64).cast(pl.String).str.zfill(4)
        assert codes.str.len_chars().eq(4).all()
        assert set(codes.str.slice(0, 2).unique().to_list()) <= set(allowed), round


def _weighted_share(y: np.ndarray, w: np.ndarray) -> tuple[float, float]:
    # Weighted proportion and its linearised SE (with-replacement, each respondent a PSU).
    p = float((w * y).sum() / w.sum())
    z = w * (y - p) / w.sum()
    n = y.size
    return p, float(np.sqrt(n / (n - 1) * (z**2).sum()))


def _vet_ikke_ostfold(round: int) -> tuple[pl.DataFrame, np.ndarray, np.ndarray, float, dict]:
    import omdomme

    folder = SURVEYS / str(round)
    definition = tomllib.loads((folder / "omdomme.toml").read_text(encoding="utf-8"))
    data, _ = omdomme.read(folder / definition["data"]["file"])
    q = definition["questions"]["kjennskap"]
    # A refusal (vendor C) is no answer: it leaves the base.
    data = data.filter(~pl.col(_variable(q["variable"], _tokens(definition)["ostfold"])).is_in([float(c) for c in q.get("nonresponse", [])]))
    var = _variable(q["variable"], _tokens(definition)["ostfold"])
    y = (data[var] == q["vet_ikke"][0]).cast(pl.Float64).to_numpy()
    w = data[definition["design"]["weight"]].to_numpy()
    truth = _truth(round).filter(indicator="vet_ikke", target="ostfold", domain="alle")["truth"].item()
    return data, y, w, truth, definition


def test_unweighted_estimate_misses_the_truth_weighted_does_not() -> None:
    # Østfold's «vet ikke» share: the boost over-represents Østfold residents (who know
    # Østfold) and nonresponse over-represents the old (who seldom say «vet ikke»).
    within_one_se = 0
    for round in REPUTATION_ROUNDS:
        _, y, w, truth, _ = _vet_ikke_ostfold(round)
        p_u, se_u = _weighted_share(y, np.ones_like(y))
        p_w, se_w = _weighted_share(y, w)
        assert abs(p_u - truth) > 3 * se_u, (round, p_u, truth, se_u)
        assert abs(p_w - truth) < 2 * se_w, (round, p_w, truth, se_w)
        within_one_se += abs(p_w - truth) < se_w
    # A 95 % band in every round, and one SE in most of them (68 % expected: 4 of 6).
    assert within_one_se >= 4
    _, y, w, truth, _ = _vet_ikke_ostfold(2018)
    p_w, se_w = _weighted_share(y, w)
    assert abs(p_w - truth) < se_w


def test_survey_gives_the_same_weighted_and_unweighted_estimates() -> None:
    import omdomme

    data, y, w, truth, definition = _vet_ikke_ostfold(2018)
    frame = data.with_columns(pl.Series("vi", y))
    weighted = omdomme.Survey(frame, weights=definition["design"]["weight"]).proportion("vi", base="all")
    unweighted = omdomme.Survey(frame).proportion("vi", base="all")
    p_w, se_w = _weighted_share(y, w)
    assert weighted["estimate"].item() == pytest.approx(p_w, rel=1e-12)
    assert weighted["se"].item() == pytest.approx(se_w, rel=1e-9)
    assert abs(weighted["estimate"].item() - truth) < weighted["se"].item()
    assert abs(unweighted["estimate"].item() - truth) > 3 * unweighted["se"].item()


def test_weighting_removes_the_bias_over_many_samples() -> None:
    # Not luck of one draw: over 40 samples the weighted z-scores centre on 0 (their mean has
    # SE ~0.16), the unweighted ones far below.
    pop = _population(2020)
    truth = float((pop["kjennskap_ostfold"] == 9).mean())
    answers = pop["kjennskap_ostfold"].to_numpy()
    z_w, z_u = [], []
    for rep in range(40):
        raw, info = draw_reputation_sample(pop, 2020, seed=rep)
        y = (answers[info.persons] == 9).astype(float)
        p_w, se_w = _weighted_share(y, raw["weight"].to_numpy())
        p_u, se_u = _weighted_share(y, np.ones_like(y))
        z_w.append((p_w - truth) / se_w)
        z_u.append((p_u - truth) / se_u)
    assert abs(np.mean(z_w)) < 0.5 and 0.6 < np.std(z_w) < 1.5
    assert np.mean(z_u) < -5


def test_truth_moves_as_documented() -> None:
    vi = pl.concat([_truth(r) for r in REPUTATION_ROUNDS]).filter(indicator="vet_ikke", domain="alle")
    wide = vi.pivot(on="target", index="round", values="truth").sort("round")
    ost = wide["ostfold"].to_numpy()
    assert np.all(np.diff(ost) < -0.015), ost  # about −3 points a round
    gap = ost - wide["akershus"].to_numpy()
    assert gap[0] > 0.15 and gap[-1] < 0.08  # closes most of the gap to Akershus
    for other in ("akershus", "oslo", "buskerud", "vestfold"):
        values = wide[other].to_numpy()
        assert values.max() - values.min() < 0.03, other
    young = pl.concat([_truth(r) for r in REPUTATION_ROUNDS]).filter(
        indicator="moderne_ungdom", target="ostfold").sort("round")["truth"].to_numpy()
    assert young[-1] - young[0] > 0.05
    inno = pl.concat([_truth(r, "truth-innovasjon.csv") for r in INNOVATION_ROUNDS]).filter(
        indicator="innovasjonsaktivitet")
    ost = inno.filter(target="ostfold").sort("round")["truth"].to_numpy()
    assert 0.25 < ost[0] < 0.35 and 0.45 < ost[-1] < 0.55 and np.all(np.diff(ost) > 0)
    norway = inno.filter(target="norge")["truth"].to_numpy()
    assert np.all((norway > 0.58) & (norway < 0.68))


def test_truth_file_is_the_population_value_of_each_indicator() -> None:
    pop = _population(2020)
    computed = reputation_truth(pop, 2020)
    shipped = _truth(2020)
    assert computed.select("indicator", "target", "domain").equals(shipped.select("indicator", "target", "domain"))
    assert np.allclose(computed["truth"].to_numpy(), shipped["truth"].to_numpy(), atol=1e-11)
    # One value by hand: young (18–29) Østfold residents agreeing (4, 5) about Østfold.
    young = pop.filter(pl.col("county") == "ostfold", pl.col("age") <= 29)
    by_hand = young["moderne_ostfold"].is_in([4, 5]).mean()
    assert computed.filter(indicator="moderne_ungdom", target="ostfold")["truth"].item() == pytest.approx(by_hand)


def test_answers_are_correlated_within_respondent() -> None:
    pop = _population(2020)
    a = pop["inntrykk_akershus"].to_numpy()
    b = pop["inntrykk_vestfold"].to_numpy()
    valid = (a != 9) & (b != 9)
    assert np.corrcoef(a[valid], b[valid])[0, 1] > 0.2


def test_nonresponse_makes_the_sample_old_and_the_boost_ostfold() -> None:
    pop = _population(2020)
    raw, info = draw_reputation_sample(pop, 2020, seed=7)
    main, boost = (raw["sample"] == 1).to_numpy(), (raw["sample"] == 2).to_numpy()
    assert 900 < main.sum() < 1100 and 500 < boost.sum() < 700
    assert raw["age"].mean() > pop["age"].mean() + 4
    assert pop[info.persons[boost]]["county"].unique().to_list() == ["ostfold"]
    assert len(set(info.persons)) == raw.height  # nobody is invited twice
    # Young men answer least.
    young_men = ((raw["age"] <= 29) & (raw["gender"] == 2)).mean()
    assert young_men < 0.6 * ((pop["age"] <= 29) & (pop["sex"] == "mann")).mean()
    # The vendor weight restores the population's structure: weights sum to the adults 18–80.
    assert raw["weight"].sum() == pytest.approx(pop.height * 20, rel=0.01)


def test_innovation_sample_is_stratified_with_take_all_top_classes() -> None:
    pop = innovation_population(2020)
    sample, strata = draw_innovation_sample(pop, 2020, seed=3)
    assert 20_000 <= pop.height <= 30_000
    top = strata.filter(pl.col("stratum") % 10 >= 5)
    assert (top["N_stratum"] == top["n_stratum"]).all()
    assert (strata["n_stratum"] >= 2).all()
    # vekt = N_h / n_h, and the weights add up to the population in every stratum.
    sums = sample.group_by("stratum").agg(pl.col("vekt").sum(), pl.col("N_stratum").first())
    assert np.allclose(sums["vekt"].to_numpy(), sums["N_stratum"].to_numpy())
    assert sample["orgnr"].is_unique().all()


def test_2016_is_a_norwegian_csv_with_its_codebook() -> None:
    import json

    folder = SURVEYS / "2016"
    raw = (folder / "omdomme-2016.csv").read_bytes()
    header, first = raw.split(b"\r\n")[:2]
    assert header.startswith(b"respid;utvalg;kommune;alder;kjonn;vekt;")
    weight = first.split(b";")[5]
    assert b"," in weight and b"." not in weight  # decimal comma
    assert b"\xf8" in raw  # «ø» in windows-1252
    with pytest.raises(UnicodeDecodeError):
        raw.decode("utf-8")
    book = json.loads((folder / "omdomme-2016.codebook.json").read_text(encoding="utf-8"))
    assert book["encoding"] == "windows-1252" and book["n_rows"] == raw.count(b"\r\n") - 1
    by_name = {v["name"]: v for v in book["variables"]}
    assert by_name["kj_ostf"]["missing"] == {"values": [9], "ranges": []}
    assert by_name["kj_ostf"]["value_labels"]["9"] == "Vet ikke"
    assert by_name["kommune"]["type"] == "string"
