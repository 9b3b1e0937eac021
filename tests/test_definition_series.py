"""Series breaks judged per indicator on what it counts: the counted codes' labels and the base."""

from __future__ import annotations

from pathlib import Path

import polars as pl

from _fixture_vendor import vendor_definition
from omdomme.definitions.series import series_breaks

INNTRYKK = '{ 1 = "Svært dårlig", 2 = "Ganske dårlig", 3 = "Verken godt eller dårlig", 4 = "Ganske godt", 5 = "Svært godt" }'
REVERSED = '{ 1 = "Svært godt", 2 = "Ganske godt", 3 = "Verken godt eller dårlig", 4 = "Ganske dårlig", 5 = "Svært dårlig" }'
MODERNE = '{ 1 = "Helt uenig", 2 = "Ganske uenig", 3 = "Verken enig eller uenig", 4 = "Ganske enig", 5 = "Helt enig" }'


def _round(root: Path, round: int, text: str) -> None:
    folder = root / "surveys" / str(round)
    folder.mkdir(parents=True)
    (folder / "omdomme.toml").write_text(text.replace("round = 2028", f"round = {round}"), encoding="utf-8")


def _breaks(root: Path) -> dict[tuple[str, str], str]:
    table = series_breaks(2026, 2028, root, surveys=("omdomme",))
    return {(r["indicator"], r["domain"]): r["break_reason"] for r in table.filter(~pl.col("comparable")).iter_rows(named=True)}


def test_reordered_scale_with_the_same_counted_labels_is_no_break(tmp_path: Path) -> None:
    before = vendor_definition()
    after = (vendor_definition().replace(f"scale = {INNTRYKK}", f"scale = {REVERSED}")
             .replace('question = "inntrykk"\ncount = [5]', 'question = "inntrykk"\ncount = [1]'))
    assert after.count("count = [1]") == 2
    _round(tmp_path, 2026, before)
    _round(tmp_path, 2028, after)
    assert _breaks(tmp_path) == {}


def test_relabelled_counted_category_is_a_break(tmp_path: Path) -> None:
    _round(tmp_path, 2026, vendor_definition())
    _round(tmp_path, 2028, vendor_definition().replace('4 = "Ganske enig"', '4 = "Delvis enig"'))
    assert _breaks(tmp_path) == {
        ("moderne_ungdom", "unge"): "counted labels of moderne: «Ganske enig» → «Delvis enig»",
    }


def test_relabelled_category_that_is_not_counted_breaks_only_a_valid_base(tmp_path: Path) -> None:
    # «Ganske dårlig» → «Litt dårlig»: no indicator counts it; svaert_godt_meninger's base
    # (those with an opinion on this scale) changes, svaert_godt's (everyone who answered) does not.
    _round(tmp_path, 2026, vendor_definition())
    _round(tmp_path, 2028, vendor_definition().replace('2 = "Ganske dårlig"', '2 = "Litt dårlig"'))
    breaks = _breaks(tmp_path)
    assert set(breaks) == {("svaert_godt_meninger", d) for d in ("alle", "innenfra", "utenfra")}
    assert breaks[("svaert_godt_meninger", "alle")] == "base labels of inntrykk: «Ganske dårlig» → «Litt dårlig»"


def test_plain_list_scales_keep_the_old_rule(tmp_path: Path) -> None:
    plain = vendor_definition().replace(f"scale = {INNTRYKK}", "scale = [1, 2, 3, 4, 5]")
    _round(tmp_path, 2026, plain.replace("[questions.inntrykk]", '[questions.inntrykk]\nscale_id = "inntrykk-5"'))
    _round(tmp_path, 2028, plain.replace("[questions.inntrykk]", '[questions.inntrykk]\nscale_id = "inntrykk-5b"'))
    breaks = _breaks(tmp_path)
    assert breaks[("svaert_godt", "alle")] == "question inntrykk: scale_id 'inntrykk-5' → 'inntrykk-5b'"
    assert MODERNE  # the moderne scale is labelled in both: no break there
    assert not any(k[0] == "moderne_ungdom" for k in breaks)


# -- definitions that list the scale's codes only: the data files' labels decide -------------

REPO = Path(__file__).resolve().parents[1]


def _vendor_round(root: Path, round: int, *, reverse_codes: bool, relabel: bool) -> None:
    """2018's file and definition as round ``round``; optionally inntrykk numbered the other way.

    ``reverse_codes`` writes 6 − code for the five inntrykk variables; ``relabel`` gives the new
    codes the labels that go with them (a vendor that numbers the scale the other way). Without
    it the file keeps the old labels, so the counted code now means the other end of the scale.
    """
    import pyreadstat

    folder = root / "surveys" / str(round)
    folder.mkdir(parents=True)
    df, meta = pyreadstat.read_sav(REPO / "surveys/2018/omdomme-2018.sav", user_missing=True)
    labels = dict(meta.variable_value_labels)
    names = [c for c in df.columns if c.startswith("inntrykk_")]
    assert len(names) == 5
    if reverse_codes:
        for name in names:
            df[name] = df[name].where(df[name] == 9, 6 - df[name])
            if relabel:
                labels[name] = {(6 - c if c != 9 else c): lab for c, lab in labels[name].items()}
    pyreadstat.write_sav(
        df, folder / f"omdomme-{round}.sav", column_labels=meta.column_labels, variable_value_labels=labels,
        missing_ranges=meta.missing_ranges, file_label=meta.file_label,
    )
    text = (REPO / "surveys/2018/omdomme.toml").read_text(encoding="utf-8")
    text = text.replace("round = 2018", f"round = {round}").replace("omdomme-2018.sav", f"omdomme-{round}.sav")
    if reverse_codes:
        text = text.replace('question = "inntrykk"\ncount = [5]', 'question = "inntrykk"\ncount = [1]')
        assert text.count("count = [1]") == 2
    (folder / "omdomme.toml").write_text(text, encoding="utf-8")


def _file_breaks(root: Path, a: int, b: int) -> dict[tuple[str, str], str]:
    table = series_breaks(a, b, root, surveys=("omdomme",))
    return {(r["indicator"], r["domain"]): r["break_reason"] for r in table.filter(~pl.col("comparable")).iter_rows(named=True)}


def test_a_scale_numbered_the_other_way_in_the_file_is_the_same_series(tmp_path: Path) -> None:
    # The 2018 definition lists codes only (`scale = [1, 2, 3, 4, 5]`): the labels are in the
    # file. A vendor that numbers inntrykk 1 = «Svært godt» counts [1] for the same category.
    _vendor_round(tmp_path, 2018, reverse_codes=False, relabel=False)
    _vendor_round(tmp_path, 2030, reverse_codes=True, relabel=True)
    assert _file_breaks(tmp_path, 2018, 2030) == {}


def test_a_counted_code_that_now_means_the_other_end_is_a_break(tmp_path: Path) -> None:
    # Codes reversed in the count but not in the file: count [1] is «Svært dårlig» there.
    _vendor_round(tmp_path, 2018, reverse_codes=False, relabel=False)
    _vendor_round(tmp_path, 2030, reverse_codes=True, relabel=False)
    breaks = _file_breaks(tmp_path, 2018, 2030)
    # Its own domains, and every level of the round's breakdowns (kjonn=*: docs/rounds.md).
    own = {(i, d) for i in ("svaert_godt", "svaert_godt_meninger") for d in ("alle", "innenfra", "utenfra")}
    levels = {(i, f"{b}=*") for i, _ in own for b in ("kjonn", "aldersgruppe", "utvalg")}
    assert set(breaks) == own | levels
    assert breaks[("svaert_godt", "alle")] == "counted labels of inntrykk: «Svært godt» → «Svært dårlig»"
    assert breaks[("svaert_godt", "kjonn=*")] == breaks[("svaert_godt", "alle")]


def test_a_new_scale_id_stays_a_break_whatever_the_labels(tmp_path: Path) -> None:
    _vendor_round(tmp_path, 2018, reverse_codes=False, relabel=False)
    _vendor_round(tmp_path, 2030, reverse_codes=True, relabel=True)
    path = tmp_path / "surveys/2030/omdomme.toml"
    path.write_text(path.read_text(encoding="utf-8").replace('scale_id = "inntrykk-5"', 'scale_id = "inntrykk-5-web"'),
                    encoding="utf-8")
    breaks = _file_breaks(tmp_path, 2018, 2030)
    assert "scale_id 'inntrykk-5' → 'inntrykk-5-web'" in breaks[("svaert_godt", "alle")]
