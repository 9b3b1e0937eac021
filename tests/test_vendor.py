"""An unfamiliar vendor's file, analysed as delivered (issue #13).

The vendor fixture (tests/_fixture_vendor.py) holds the same respondents as a round in the
project's own layout; every estimate must agree. The other tests show each new key's error
with the exact message a user sees.
"""

from __future__ import annotations

from pathlib import Path

import polars as pl
import pytest
from click.testing import CliRunner

from _fixture_round import assert_snapshot
from _fixture_vendor import (
    REFUSED,
    VENDOR_ORDER,
    make_reference_round,
    make_truth,
    make_vendor_round,
    vendor_definition,
    vendor_frame,
)
from omdomme.analysis.reputation import estimate_reputation
from omdomme.cli import main
from omdomme.definitions import load_definition
from omdomme.definitions.harmonise import harmonise
from omdomme.errors import DefinitionError

KEYS = ["indicator", "domain", "target"]
NUMBERS = ["n", "estimate", "se", "ci_low", "ci_high", "df", "eff_n"]


def _estimate(root: Path, round: int) -> pl.DataFrame:
    d = load_definition(round, root=root)
    return estimate_reputation(d, *d.read()).estimates


@pytest.fixture(scope="module")
def both(tmp_path_factory: pytest.TempPathFactory) -> tuple[pl.DataFrame, pl.DataFrame]:
    truth = make_truth()
    a, b = tmp_path_factory.mktemp("reference"), tmp_path_factory.mktemp("vendor")
    make_reference_round(a, 2026, truth=truth)
    make_vendor_round(b, 2028, truth=truth)
    return _estimate(a, 2026), _estimate(b, 2028)


def test_vendor_file_as_delivered_gives_the_reference_numbers(both: tuple[pl.DataFrame, pl.DataFrame]) -> None:
    # Refusal 99 declared nonresponse = the old workaround (recoded to system-missing); grids by
    # position in the vendor's order = tokens; dichotomies = slots; bands = years for unge
    # (18-29 is band 1); vendor county codes = municipality codes; sex coded the other way.
    reference, vendor = (e.sort(KEYS).select(*KEYS, *NUMBERS) for e in both)
    # + the association frame: 10 rows (9 categories and «vet ikke») x 4 domains x 5 counties
    assert reference.height == vendor.height == 5 * (3 + 1 + 3 + 3 + 1 + 2 + 1) + 10 * 4 * 5
    assert reference.select(KEYS).equals(vendor.select(KEYS))
    for column in NUMBERS:
        diff = (reference[column] - vendor[column]).abs().max()
        assert diff is not None and diff < 1e-12, column


def test_a_refusal_never_enters_a_base(tmp_path: Path) -> None:
    truth = make_truth()
    make_vendor_round(tmp_path, truth=truth)
    d = load_definition(2028, root=tmp_path)
    h = harmonise(d, *d.read())
    refused = {t: set(truth.filter(pl.col(f"kj_{t}") == -1)["id"].to_list()) for t in VENDOR_ORDER}
    rows = h.long.filter(pl.col("kjennskap__vet_ikke").is_null())
    got = {t: set(rows.filter(pl.col("target") == t)["respondent"].cast(pl.Int64).to_list()) for t in VENDOR_ORDER}
    assert got == refused and all(refused.values())
    # counted per reason in the row accounting
    entry = next(e for e in h.rows.as_dict()["nonresponse"] if e["question"] == "kjennskap" and e["code"] == 99)
    assert entry == {"question": "kjennskap", "code": 99, "reason": REFUSED,
                     "count": sum(len(s) for s in refused.values())}


def test_refusal_declared_nowhere_is_an_error_quoting_the_label(tmp_path: Path) -> None:
    text = vendor_definition().replace("nonresponse = [99]\n", "", 1)
    make_vendor_round(tmp_path, definition=text)
    result = CliRunner().invoke(main, ["analyse", "2028", "--root", str(tmp_path), "--quiet"])
    assert result.exit_code == 2
    assert "99 = «Ønsker ikke å svare» (user-missing)" in result.stderr
    assert "add `nonresponse = [99]` to [questions.kjennskap]" in result.stderr
    assert "Traceback" not in result.output
    assert_snapshot("vendor_undeclared_refusal", result.stderr.replace(str(tmp_path), "<root>"))


def test_grid_order_that_contradicts_the_labels_is_an_error(tmp_path: Path) -> None:
    text = vendor_definition().replace('order = ["vestfold", "ostfold"', 'order = ["ostfold", "vestfold"')
    make_vendor_round(tmp_path, definition=text)
    result = CliRunner().invoke(main, ["validate", "2028", "--root", str(tmp_path)])
    assert result.exit_code == 2
    assert ("`Q1_1` is mapped to ostfold ([targets] order position 1) but its label "
            "«Hvor godt kjenner du til næringslivet i - Vestfold» names Vestfold") in result.stderr
    assert_snapshot("vendor_order_mismatch", result.stderr.replace(str(tmp_path), "<root>"))


def test_index_template_needs_an_order(tmp_path: Path) -> None:
    text = vendor_definition().replace(
        'order = ["vestfold", "ostfold", "oslo", "akershus", "buskerud"]',
        'ostfold = "2"\nvestfold = "1"\noslo = "3"\nakershus = "4"\nbuskerud = "5"')
    make_vendor_round(tmp_path, definition=text)
    with pytest.raises(DefinitionError, match=r"uses `\{i\}` .* \[targets\] has no `order`"):
        load_definition(2028, root=tmp_path)


def test_unknown_vendor_county_code_names_code_and_label(tmp_path: Path) -> None:
    text = vendor_definition().replace(", utenfor = 6 }", " }")
    make_vendor_round(tmp_path, definition=text)
    result = CliRunner().invoke(main, ["analyse", "2028", "--root", str(tmp_path), "--quiet"])
    assert result.exit_code == 2
    assert "6 («Annet fylke»)" in result.stderr and "county_codes" in result.stderr


def test_sex_codes_are_strict(tmp_path: Path) -> None:
    truth = make_truth()
    frame, missing, labels, column_labels = vendor_frame(truth)
    frame = frame.with_columns(pl.when(pl.col("RESP") <= 3).then(3.0).otherwise(pl.col("KJONN")).alias("KJONN"))
    labels["KJONN"][3.0] = "Annet"
    make_vendor_round(tmp_path, truth=truth, edit=(frame, missing, labels, column_labels))
    result = CliRunner().invoke(main, ["analyse", "2028", "--root", str(tmp_path), "--quiet"])
    assert result.exit_code == 2
    assert ("`KJONN` has code 3 («Annet») for 3 respondent(s), which is in neither `sex_codes` "
            "nor `nonresponse` of [respondent]") in result.stderr


def test_sex_refusal_undeclared_is_an_error(tmp_path: Path) -> None:
    text = vendor_definition().replace("nonresponse = [9]\n", "")
    make_vendor_round(tmp_path, definition=text)
    result = CliRunner().invoke(main, ["validate", "2028", "--root", str(tmp_path)])
    assert result.exit_code == 2
    assert "9 («Ønsker ikke å svare», user-missing)" in result.stderr


def test_band_straddling_a_domain_is_an_error(tmp_path: Path) -> None:
    text = vendor_definition().replace('"1" = [18, 29], "2" = [30, 39]', '"1" = [18, 24], "2" = [25, 39]')
    make_vendor_round(tmp_path, definition=text)
    with pytest.raises(DefinitionError) as error:
        load_definition(2028, root=tmp_path)
    assert str(error.value).replace(str(tmp_path), "<root>") == (
        "<root>/surveys/2028/omdomme.toml: age band \"2\" = [25, 39] of [respondent] age_bands straddles "
        "age = [18, 29] of [domains.unge]: a respondent aged 25–39 cannot be placed; use bands that "
        "nest in the domain's ages, or deliver age in years."
    )


WEIGHTING = """
[weighting]
method = "rake"
population_year = 2024
age_groups = {groups}
margins = ["fylke", "kjonn", "aldersgruppe"]
"""


def test_banded_age_that_does_not_nest_in_the_margins_exits_2(tmp_path: Path) -> None:
    text = vendor_definition() + WEIGHTING.format(groups="[[18, 34], [35, 59], [60, 90]]")
    make_vendor_round(tmp_path, definition=text)
    result = CliRunner().invoke(main, ["analyse", "2028", "--root", str(tmp_path), "--quiet"])
    assert result.exit_code == 2
    assert 'band "2" = [30, 39] of [respondent] age_bands lies across' in result.stderr
    assert_snapshot("vendor_bands_weighting", result.stderr.replace(str(tmp_path), "<root>"))


def test_banded_age_that_nests_is_raked(tmp_path: Path) -> None:
    # Raking to SSB's population of the five counties: nobody lives elsewhere; and on county ×
    # age only (the fixture's refused sex has no margin).
    text = (vendor_definition() + WEIGHTING.format(groups="[[18, 29], [30, 49], [50, 69], [70, 90]]")).replace(
        'margins = ["fylke", "kjonn", "aldersgruppe"]', 'margins = ["fylke", "aldersgruppe"]')
    truth = make_truth(outside=0.0)
    make_vendor_round(tmp_path, truth=truth, definition=text)
    d = load_definition(2028, root=tmp_path)
    raked = estimate_reputation(d, *d.read()).estimates
    # The same respondents with age in years, raked to the same groups (each band nests in
    # one): the same weights, so the same numbers.
    years = make_vendor_round(tmp_path / "years", truth=truth, definition=text.replace(
        'age = "ALDGR"', 'age = "ALDER"').replace(
        'age_bands = { "1" = [18, 29], "2" = [30, 39], "3" = [40, 49], "4" = [50, 59], "5" = [60, 69], "6" = [70, 90] }\n', ""))
    d = load_definition(2028, root=years.parents[2])
    by_years = estimate_reputation(d, *d.read()).estimates
    assert raked["estimate"].is_not_null().all()
    for column in ("estimate", "se"):
        assert (raked[column] - by_years[column]).abs().max() < 1e-12


def test_mentions_are_one_long_representation(tmp_path: Path) -> None:
    truth = make_truth()
    a, b = tmp_path / "a", tmp_path / "b"
    make_reference_round(a, 2026, truth=truth)
    make_vendor_round(b, 2028, truth=truth)
    mentions = []
    for root, round in ((a, 2026), (b, 2028)):
        d = load_definition(round, root=root)
        m = harmonise(d, *d.read()).mentions["assosiasjon"]
        mentions.append(m.with_columns(pl.col("respondent").cast(pl.Int64)).sort("respondent", "target", "category"))
    assert mentions[0].columns == ["respondent", "target", "category", "mentioned"]
    assert mentions[0].equals(mentions[1])
    assert mentions[0].height == 500 * 5 * 10
    # a respondent × county that gave no association has null, not 0
    none = truth.filter(pl.col("assos_ostfold").list.len() == 0)["id"].to_list()
    rows = mentions[1].filter(pl.col("target") == "ostfold", pl.col("respondent").is_in(none))
    assert rows.height == 10 * len(none) and rows["mentioned"].null_count() == rows.height


def test_manifest_records_the_file_as_delivered_and_every_recoding(tmp_path: Path) -> None:
    import hashlib
    import json

    make_vendor_round(tmp_path)
    result = CliRunner().invoke(main, ["analyse", "2028", "--root", str(tmp_path), "--quiet"])
    assert result.exit_code == 0, result.output
    manifest = json.loads((tmp_path / "analyses" / "2028" / "manifest.json").read_text(encoding="utf-8"))
    entry = manifest["surveys"]["omdomme"]
    data = tmp_path / "surveys" / "2028" / "vendor-2028.sav"
    (inp,) = entry["inputs"]
    assert inp["path"] == "surveys/2028/vendor-2028.sav"
    assert inp["sha256"] == hashlib.sha256(data.read_bytes()).hexdigest()
    assert inp["file_label"] == "Leverandør 3 (syntetisk)" and inp["format"] == "sav"
    assert inp["created"][:2] == "20" and "T" in inp["created"]
    recodings = entry["recodings"]
    assert {"what": "target", "variable": "Q2_1", "to": "vestfold"} in recodings
    assert {"what": "county_code", "variable": "BOSTED", "code": 6, "to": "utenfor"} in recodings
    assert {"what": "sex", "variable": "KJONN", "code": 1, "to": "kvinne"} in recodings
    assert {"what": "age_band", "variable": "ALDGR", "code": 1, "to": [18, 29]} in recodings
    assert {"what": "role", "question": "inntrykk", "code": 99, "label": REFUSED, "role": "nonresponse"} in recodings
    assert {"what": "dichotomy", "question": "assosiasjon", "variable": "Q4_2_6", "to": "verdier",
            "counted": 1} in recodings
    reasons = {(e["question"], e["reason"]) for e in entry["rows"]["nonresponse"]}
    assert ("sex", REFUSED) in reasons and ("assosiasjon", "system-missing") in reasons


def test_raking_to_sex_refuses_respondents_without_sex(tmp_path: Path) -> None:
    # The fixture's sex 9 «Ønsker ikke å svare» is nonresponse: raking to kjonn cannot place them.
    text = vendor_definition() + WEIGHTING.format(groups="[[18, 29], [30, 49], [50, 69], [70, 90]]")
    truth = make_truth(outside=0.0)
    make_vendor_round(tmp_path, truth=truth, definition=text)
    result = CliRunner().invoke(main, ["analyse", "2028", "--root", str(tmp_path), "--quiet"])
    assert result.exit_code == 2
    refused = truth.filter(pl.col("sex") == "refused").height
    assert (f"[weighting] rakes to the `kjonn` margin, but {refused} respondent(s) have no sex "
            "(`KJONN` is nonresponse or system-missing)") in result.stderr
