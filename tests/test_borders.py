"""`[respondent] borders`: the 2024 counties (default) or the counties of the round's code_year.

Rømskog (0121) belonged to Østfold until 2019 and to Akershus from 2020 (Viken) and 2024: a
2018 respondent there lives in Akershus with the default, in Østfold with borders = "round".
"""

from __future__ import annotations

from pathlib import Path

import polars as pl
import pytest
from click.testing import CliRunner

from _fixture_round import DEFINITION, KOMMUNER_2018, TOKENS, make_data, make_round
from omdomme.analysis.reputation import analyse_round, estimate_reputation
from omdomme.analysis.rounds import compare_rounds
from omdomme.cli import main
from omdomme.definitions import load_definition, parse_definition
from omdomme.definitions.harmonise import residence_of
from omdomme.definitions.series import series_breaks
from omdomme.errors import DefinitionError
from test_rounds_support import write_round

ROMSKOG = 121.0
MOVED = 25  # respondents 1..25 live in Rømskog


def _definition(borders: str | None) -> str:
    text = DEFINITION.format(round=2018, code_year=2018, previous="")
    if borders is None:
        return text
    return text.replace("code_year = 2018\n", f"code_year = 2018\nborders = {borders}\n")


def _data() -> pl.DataFrame:
    return make_data(600, seed=1).with_columns(
        pl.when(pl.col("respid") <= MOVED).then(ROMSKOG).otherwise(pl.col("kommune")).alias("kommune")
    )


@pytest.fixture(scope="module")
def roots(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    out = {}
    for name, borders in (("2024", None), ("round", '"round"')):
        root = tmp_path_factory.mktemp(f"borders-{name}")
        make_round(root, data=_data(), definition=_definition(borders))
        out[name] = root
    return out


def _by_hand_county(data: pl.DataFrame, romskog: str) -> pl.Expr:
    # Independent of county_of: the fixture's own 2018 codes, Rømskog placed as told.
    mapping = {float(k): c for c, ks in KOMMUNER_2018.items() for k in ks} | {ROMSKOG: romskog}
    return pl.col("kommune").replace_strict(mapping, return_dtype=pl.String)


def _weighted_share(data: pl.DataFrame, hit: pl.Expr, domain: pl.Expr) -> float:
    sub = data.filter(domain)
    return float((sub["vekt"] * sub.select(hit.cast(pl.Float64)).to_series()).sum() / sub["vekt"].sum())


def test_default_is_2024_and_round_is_parsed(roots: dict[str, Path]) -> None:
    assert load_definition(2018, root=roots["2024"]).respondent.borders == 2024  # type: ignore[union-attr]
    assert load_definition(2018, root=roots["round"]).respondent.borders == "round"  # type: ignore[union-attr]


def test_a_romskog_respondent_in_2018_is_ostfold_with_round_borders_and_akershus_by_default(
    roots: dict[str, Path],
) -> None:
    for name, expected in (("2024", "akershus"), ("round", "ostfold")):
        d = load_definition(2018, root=roots[name])
        data, _ = d.read()
        residence = residence_of(d, data)
        assert residence.filter(data["kommune"] == ROMSKOG).unique().to_list() == [expected]
        # everyone else is placed the same way under both borders
        other = residence.filter(data["kommune"] != ROMSKOG)
        assert other.to_list() == data.filter(pl.col("kommune") != ROMSKOG).select(
            _by_hand_county(data, expected)).to_series().to_list()


def test_inside_view_follows_the_borders(roots: dict[str, Path]) -> None:
    results = {}
    for name, romskog in (("2024", "akershus"), ("round", "ostfold")):
        d = load_definition(2018, root=roots[name])
        data, meta = d.read()
        r = estimate_reputation(d, data, meta)
        assert r.parameters["borders"] == (2024 if name == "2024" else "round")
        data = data.with_columns(_by_hand_county(data, romskog).alias("bor"))
        est = r.estimates
        for county, token in TOKENS.items():
            inn = pl.col(f"inntrykk_{token}")
            cell = est.filter((pl.col("indicator") == "svaert_godt") & (pl.col("target") == county))
            inside = cell.filter(pl.col("domain") == "innenfra")
            assert inside["estimate"].item() == pytest.approx(
                _weighted_share(data, inn == 5, pl.col("bor") == county), rel=1e-12)
            assert inside["n"].item() == data.filter(pl.col("bor") == county).height
        results[name] = est
    a, b = (results[k].sort("indicator", "domain", "target") for k in ("2024", "round"))
    # "alle" does not depend on residence; the inside view of Østfold and Akershus does.
    alle = pl.col("domain") == "alle"
    assert a.filter(alle)["estimate"].to_list() == b.filter(alle)["estimate"].to_list()
    for county in ("ostfold", "akershus"):
        cell = (pl.col("indicator") == "svaert_godt") & (pl.col("domain") == "innenfra") & (pl.col("target") == county)
        assert a.filter(cell)["estimate"].item() != b.filter(cell)["estimate"].item()
    n = {k: results[k].filter((pl.col("indicator") == "svaert_godt") & (pl.col("domain") == "innenfra"))
         .select("target", "n").rows() for k in results}
    assert dict(n["round"])["ostfold"] == dict(n["2024"])["ostfold"] + MOVED
    assert dict(n["round"])["akershus"] == dict(n["2024"])["akershus"] - MOVED
    others = ("oslo", "buskerud", "vestfold")
    inside_others = [
        r.filter((pl.col("domain") == "innenfra") & pl.col("target").is_in(others)).sort("indicator", "target")
        ["estimate"].to_list() for r in (a, b)
    ]
    assert inside_others[0] == inside_others[1]


def test_manifest_records_the_borders(roots: dict[str, Path]) -> None:
    result = analyse_round(2018, root=roots["round"])
    assert result.manifest["surveys"]["omdomme"]["parameters"]["borders"] == "round"


@pytest.mark.parametrize("value", ["2020", '"2024"', '"runde"', "true"])
def test_a_bad_value_is_exit_2_naming_file_key_and_values(tmp_path: Path, value: str) -> None:
    path = make_round(tmp_path, n=60, definition=_definition(value))
    with pytest.raises(DefinitionError) as caught:
        parse_definition(path)
    message = str(caught.value)
    assert str(path) in message and "`borders`" in message and "[respondent]" in message
    for command in ("validate", "analyse"):
        result = CliRunner().invoke(main, [command, "2018", "--root", str(tmp_path)])
        assert result.exit_code == 2, (command, result.output)
        assert "borders" in result.stderr and "Traceback" not in result.output
    assert '"round"' in message and "2024" in message


def test_round_borders_with_weighting_is_refused_with_the_fix(tmp_path: Path) -> None:
    weighting = ('\n[weighting]\nmethod = "rake"\npopulation_year = 2018\n'
                 'age_groups = [[18, 29], [30, 80]]\nmargins = ["fylke", "kjonn", "aldersgruppe"]\n')
    path = make_round(tmp_path, n=60, definition=_definition('"round"') + weighting)
    with pytest.raises(DefinitionError, match="2024 county borders only") as caught:
        parse_definition(path)
    assert "Use borders = 2024" in str(caught.value) and str(path) in str(caught.value)
    # the same definition with the default borders is accepted
    path.write_text(_definition(None) + weighting, encoding="utf-8")
    assert parse_definition(path).weighting is not None


def _set_borders(root: Path, round_: int, borders: str) -> None:
    path = root / "surveys" / str(round_) / "omdomme.toml"
    path.write_text(path.read_text(encoding="utf-8") + f"\n[respondent]\nborders = {borders}\n", encoding="utf-8")


def test_compare_marks_a_change_of_borders_as_a_break_for_resident_domains(tmp_path: Path) -> None:
    write_round(tmp_path, 2016)
    write_round(tmp_path, 2018)
    _set_borders(tmp_path, 2018, '"round"')
    breaks = series_breaks(2016, 2018, tmp_path).filter(pl.col("survey") == "omdomme")
    resident = pl.col("domain").is_in(["innenfra", "utenfra", "unge"])
    assert set(breaks.filter(resident)["break_reason"]) == {"borders: 2024 vs round"}
    assert not breaks.filter(resident)["comparable"].any()
    assert breaks.filter(~resident)["comparable"].all()

    table = compare_rounds(2016, 2018, root=tmp_path, write=False).table.filter(pl.col("survey") == "omdomme")
    broken = table.filter(resident)
    assert broken.height > 0 and not broken["comparable"].any()
    assert (broken["break_reason"] == "borders: 2024 vs round").all()
    assert broken["p_adjusted"].is_null().all()
    assert table.filter(~resident)["comparable"].all()


def test_the_same_borders_stated_or_defaulted_is_no_break(tmp_path: Path) -> None:
    write_round(tmp_path, 2016)
    write_round(tmp_path, 2018)
    _set_borders(tmp_path, 2018, "2024")  # stated in one round, default in the other
    assert series_breaks(2016, 2018, tmp_path)["comparable"].all()
    _set_borders(tmp_path, 2016, '"round"')
    reasons = set(series_breaks(2016, 2018, tmp_path)["break_reason"]) - {""}
    assert reasons == {"borders: round vs 2024"}


def test_trend_starts_a_new_segment_where_the_borders_change(tmp_path: Path) -> None:
    from omdomme.analysis.trend import trend

    for r in (2016, 2018, 2020):
        write_round(tmp_path, r, innovation=False)
    _set_borders(tmp_path, 2016, '"round"')  # 2016 on its own borders, 2018 and 2020 on 2024's
    table = trend(root=tmp_path, write=False).table
    resident = pl.col("domain").is_in(["innenfra", "utenfra", "unge"])
    inside = table.filter(resident).sort("round")
    by_round = inside.group_by("round").agg(pl.col("segment").unique(), pl.col("break_reason").unique())
    segments = {r: (s, b) for r, s, b in by_round.rows()}
    assert segments[2016] == ([1], [None])
    assert segments[2018] == ([2], ["borders: round vs 2024"])
    assert segments[2020] == ([2], [None])
    assert (table.filter(~resident)["segment"] == 1).all()
