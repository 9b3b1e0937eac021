"""The analyst's tables across rounds: a breakdown level is compared only while the breakdown
means the same thing in both rounds, a mean or net score only on the same scale; otherwise the
row says why (a series break) and a breakdown level's difference is withheld."""

from __future__ import annotations

import shutil
import warnings
from pathlib import Path

import numpy as np
import polars as pl
import pytest

from omdomme.definitions.series import series_breaks
from test_scales import TABLE_INDICATORS

REPO = Path(__file__).resolve().parents[1]

BANDS = "levels = { 18-29 = [18, 29], 30-44 = [30, 44], 45-59 = [45, 59], 60-80 = [60, 80] }"
OTHER_BANDS = "levels = { 18-29 = [18, 29], 30-44 = [30, 49], 45-59 = [50, 59], 60-80 = [60, 80] }"


def _toml(root: Path, round_: int, text: str) -> None:
    folder = root / "surveys" / str(round_)
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "omdomme.toml").write_text(text, encoding="utf-8")


SMALL = """
[respondent]
sex_codes = {{ mann = 1, kvinne = 2 }}

[questions.inntrykk]
scale = {scale}

[domains.alle]
label = "Alle"

[indicators.svaert_godt]
question = "inntrykk"
count = [5]
domains = ["alle"]

[indicators.snitt]
kind = "mean"
question = "inntrykk"
domains = ["alle"]

[indicators.netto]
kind = "net"
question = "inntrykk"
{top}
domains = ["alle"]

[breakdowns.kjonn]
by = "sex"
{kjonn}

[breakdowns.aldersgruppe]
by = "age"
{bands}
"""

LABELLED = '{ 1 = "Svært dårlig", 2 = "Ganske dårlig", 3 = "Verken eller", 4 = "Ganske godt", 5 = "Svært godt" }'


def _breaks(tmp_path: Path, **after: str) -> dict[tuple[str, str], str]:
    before = {"scale": LABELLED, "top": "", "kjonn": "", "bands": BANDS}
    _toml(tmp_path, 2016, SMALL.format(**before))
    _toml(tmp_path, 2018, SMALL.format(**{**before, **after}))
    table = series_breaks(2016, 2018, tmp_path, surveys=("omdomme",))
    return {(r["indicator"], r["domain"]): r["break_reason"] for r in table.iter_rows(named=True)}


def test_a_breakdown_is_one_series_while_it_splits_the_same_way(tmp_path: Path) -> None:
    same = _breaks(tmp_path)
    assert set(same.values()) == {""}
    assert {d for _, d in same} == {"alle", "kjonn=*", "aldersgruppe=*"}
    other = _breaks(tmp_path, bands=OTHER_BANDS)
    assert other[("svaert_godt", "kjonn=*")] == "" and other[("svaert_godt", "alle")] == ""
    reason = other[("svaert_godt", "aldersgruppe=*")]
    assert reason.startswith("breakdown aldersgruppe: levels ") and "[30.0, 49.0]" in reason
    assert other[("snitt", "aldersgruppe=*")] == reason
    # A level label the definition gives in one round only is a change of what the reader sees.
    relabelled = _breaks(tmp_path, kjonn='labels = { kvinne = "Kvinner" }')
    assert relabelled[("svaert_godt", "kjonn=*")] == "breakdown kjonn: labels None → {'kvinne': 'kvinner'}"


def test_a_mean_or_net_score_is_one_series_on_one_scale(tmp_path: Path) -> None:
    relabelled = _breaks(tmp_path, scale=LABELLED.replace("Verken eller", "Nøytral"))
    assert relabelled[("snitt", "alle")] == "scale of inntrykk: [3] «Verken eller» → «Nøytral»"
    assert relabelled[("netto", "alle")] == relabelled[("snitt", "alle")]
    # The share counts «Svært godt» only: the same series.
    assert relabelled[("svaert_godt", "alle")] == ""
    # Its breakdown levels break with it.
    assert relabelled[("snitt", "kjonn=*")] == relabelled[("snitt", "alle")]
    # The net score's top codes, stated or by default (the two highest), decide it too.
    assert _breaks(tmp_path, top="top = [4, 5]")[("netto", "alle")] == ""
    assert _breaks(tmp_path, top="top = [5]")[("netto", "alle")] == "top [4, 5] → [5]"
    unlabelled = _breaks(tmp_path, scale="[1, 2, 3, 4, 5, 6]")
    assert unlabelled[("snitt", "alle")] != ""


@pytest.fixture(scope="module")
def two_rounds(tmp_path_factory: pytest.TempPathFactory) -> Path:
    # The shipped 2016 and 2018 rounds with the analyst's mean and net scores in both, and the age
    # bands of 2018 moved (30–49, 50–59 instead of 30–44, 45–59) under the same level ids.
    root = tmp_path_factory.mktemp("rounds-tables")
    for round_ in (2016, 2018):
        shutil.copytree(REPO / "surveys" / str(round_), root / "surveys" / str(round_),
                        ignore=shutil.ignore_patterns("innovasjon*", "truth-innovasjon*"))
        path = root / "surveys" / str(round_) / "omdomme.toml"
        text = path.read_text(encoding="utf-8").replace("\n[breakdowns.kjonn]", TABLE_INDICATORS + "\n[breakdowns.kjonn]", 1)
        if round_ == 2018:
            assert BANDS in text
            text = text.replace(BANDS, OTHER_BANDS)
        path.write_text(text, encoding="utf-8")
    return root


def test_analyse_and_compare_compare_what_holds_and_withhold_what_changed(two_rounds: Path) -> None:
    from omdomme.analysis.reputation import analyse_round
    from omdomme.analysis.rounds import compare_rounds
    from omdomme.estimate.contrast import independent
    from omdomme.results.read import load_round
    from omdomme.results.write import write_analysis

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        for round_ in (2016, 2018):
            write_analysis(analyse_round(round_, root=two_rounds), two_rounds)
        compared = compare_rounds(2016, 2018, root=two_rounds, write=False).table
    analysed = load_round(2018, two_rounds, tables=True)
    rounds = analysed.comparisons.filter(pl.col("comparison") == "round")
    est = {r: load_round(r, two_rounds, tables=True).estimates for r in (2016, 2018)}

    # Women and men: the same breakdown in both rounds, compared like the definition's own rows.
    women = rounds.filter(pl.col("domain") == "kjonn=kvinne")
    assert women.height and women["difference"].null_count() == 0 and (women["note"] == "").all()
    assert set(women["family"]) == {"round:2016-2018:omdomme:kjonn=kvinne"}
    # Mean and net scores on the same scale: compared, with the independent-samples rule.
    mean = rounds.filter((pl.col("indicator") == "inntrykk_snitt") & (pl.col("domain") == "alle"))
    assert mean.height == 5
    a = est[2018].filter((pl.col("indicator") == "inntrykk_snitt") & (pl.col("domain") == "alle"))
    b = est[2016].filter((pl.col("indicator") == "inntrykk_snitt") & (pl.col("domain") == "alle"))
    expected = independent(a["estimate"], a["se"], a["df"], b["estimate"], b["se"], b["df"], level=0.95)
    np.testing.assert_allclose(mean["difference"].to_numpy(), expected["difference"].to_numpy(), rtol=1e-12)
    np.testing.assert_allclose(mean["se"].to_numpy(), expected["se"].to_numpy(), rtol=1e-12)
    assert mean["ratio"].null_count() == 5  # a rating scale's mean has no true zero
    net = rounds.filter((pl.col("indicator") == "inntrykk_netto") & (pl.col("domain") == "kjonn=mann"))
    assert net.height == 5 and net["difference"].null_count() == 0
    # The whole scale's codes are a distribution, not a series of one number.
    assert not rounds.filter(pl.col("indicator") == "inntrykk_fordeling").height

    # The age bands moved: every level of that breakdown is withheld, with the reason.
    ages = rounds.filter(pl.col("domain").str.starts_with("aldersgruppe="))
    assert ages.height == est[2018].filter(pl.col("domain").str.starts_with("aldersgruppe=")
                                           & pl.col("category").is_null()).height
    assert ages["difference"].null_count() == ages.height and ages["p_value"].null_count() == ages.height
    assert ages["p_adjusted"].null_count() == ages.height and not ages["significant"].any()
    assert ages["estimate_a"].null_count() < ages.height  # the two estimates stay: they are in estimates
    assert ages["note"].str.starts_with("series break: breakdown aldersgruppe: levels ").all()

    # `omdomme compare` says the same, row for row (analyse also withholds a change of a suppressed
    # estimate, which compare shows with its flag).
    keys = ["indicator", "domain", "target_a"]
    both = rounds.join(compared, on=keys, suffix="_c")
    assert both.height == rounds.height
    both = both.filter(~pl.col("note").str.contains("undertrykt"))
    assert both["difference"].to_list() == both["difference_c"].to_list()
    assert both["p_adjusted"].to_list() == both["p_adjusted_c"].to_list()
    broken = both.filter(pl.col("domain").str.starts_with("aldersgruppe="))
    assert (~broken["comparable"]).all() and broken["break_reason"].str.starts_with("breakdown aldersgruppe").all()

    # Reports read the definition's own rows only.
    shown = load_round(2018, two_rounds).comparisons
    assert not shown.filter(pl.col("domain").str.contains("=") | pl.col("kind").is_in(["mean", "net"])).height
    own = load_round(2018, two_rounds).estimates.filter(~pl.col("indicator").str.starts_with("assos_"))
    assert shown.filter(pl.col("comparison") == "round").height == own.height
