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
