"""`omdomme weight <round>` on a tiny round written to tmp_path: output pinned, errors exit 2."""

from __future__ import annotations

from pathlib import Path

import polars as pl
from click.testing import CliRunner

from omdomme.cli import main

DEFINITION = """\
[survey]
kind = "omdomme"
round = 2024
title = "Vektingstest"
synthetic = true

[data]
file = "vekt-2024.sav"

[design]
id = "respid"
weight = "vekt"

[respondent]
age = "alder"
sex = "kjonn"
sex_codes = {{ mann = 1, kvinne = 2 }}
kommune = "kommune"
code_year = 2024

[targets]
ostfold = "ostf"

[questions.inntrykk]
variable = "inntrykk_{{target}}"
scale = [1, 2, 3, 4, 5]
scale_id = "inntrykk-5"
vet_ikke = [9]

[domains.alle]
label = "Alle"

[indicators.svaert_godt]
label = "Andel med svært godt inntrykk"
question = "inntrykk"
count = [5]
base = "all"
better = "higher"
domains = ["alle"]

{weighting}
"""

WEIGHTING = """\
[weighting]
method = "{method}"
population_year = {year}
age_groups = {groups}
margins = {margins}
"""

# Oslo, Fredrikstad, Bærum, Drammen, Sandefjord in 2024 codes.
KOMMUNER = [301, 3107, 3201, 3301, 3907]


def make_round(root: Path, *, method: str = "rake", year: int = 2024, groups: str = "[[18, 44], [45, 105]]",
               margins: str = '["fylke", "kjonn", "aldersgruppe"]', weighting: bool = True, ages: tuple[int, int] = (25, 60)) -> Path:
    import pyreadstat

    n = 40
    data = pl.DataFrame(
        {
            "respid": list(range(1, n + 1)),
            "kommune": [KOMMUNER[i % 5] for i in range(n)],
            "kjonn": [1 + (i // 5) % 2 for i in range(n)],
            "alder": [ages[(i // 10) % 2] for i in range(n)],
            "vekt": [1.0 + (i % 3) for i in range(n)],
            "inntrykk_ostf": [1 + (i * 7) % 5 for i in range(n)],
        }
    )
    folder = root / "surveys" / "2024"
    folder.mkdir(parents=True)
    pyreadstat.write_sav(data.to_pandas(), str(folder / "vekt-2024.sav"))
    block = WEIGHTING.format(method=method, year=year, groups=groups, margins=margins) if weighting else ""
    (folder / "omdomme.toml").write_text(DEFINITION.format(weighting=block), encoding="utf-8")
    return root


SNAPSHOT = """\
Weighting of round 2024 ({path}): rake to SSB population 2024

method                      rake (ipf)
converged                   yes
iterations                  6
max discrepancy: county     < 1e-9
max discrepancy: sex        < 1e-9
max discrepancy: age_group  < 1e-9
n                           40
Kish deff (1 + CV²)         1.4338
efficiency (1 / deff)       69.7%
effective n                 27.9
weight min                  12180.4
weight max                  119444
weight max / min            9.806
g min                       0.5260
g max                       1.7809
g bounds                    none
trimmed weights             0
note: Kilde: SSB tabell 07459 (befolkning 1. januar), fylker i 2024-grenser, 2024.

margin     category  population  pop %   n  sample %  start %  raked %
county     akershus     569,220   31.1   8      20.0     21.5     31.1
county     oslo         585,738   32.0   8      20.0     20.3     32.0
county     buskerud     216,916   11.9   8      20.0     20.3     11.9
county     vestfold     206,357   11.3   8      20.0     19.0     11.3
county     ostfold      251,133   13.7   8      20.0     19.0     13.7
sex        mann         911,271   49.8  20      50.0     49.4     49.8
sex        kvinne       918,093   50.2  20      50.0     50.6     50.2
age_group  18-44        849,636   46.4  20      50.0     50.6     46.4
age_group  45-105       979,728   53.6  20      50.0     49.4     53.6
"""


def test_weight_prints_diagnostics_and_shares(tmp_path: Path) -> None:
    root = make_round(tmp_path)
    result = CliRunner().invoke(main, ["weight", "2024", "--root", str(root)])
    assert result.exit_code == 0, result.output
    assert result.output == SNAPSHOT.replace("{path}", str(root / "surveys" / "2024" / "omdomme.toml"))


def test_poststratify_by_crossed_cells(tmp_path: Path) -> None:
    root = make_round(tmp_path, method="poststratify", margins='["fylke", "kjonn"]')
    result = CliRunner().invoke(main, ["weight", "2024", "--root", str(root)])
    assert result.exit_code == 0, result.output
    assert "poststratify (ipf)" in result.output
    assert "county × sex  oslo, kvinne" in result.output
    assert "note: Kilde: SSB tabell 07459" in result.output


def test_pre_2020_population_shows_the_sex_split_note(tmp_path: Path) -> None:
    root = make_round(tmp_path, year=2016)
    result = CliRunner().invoke(main, ["weight", "2024", "--root", str(root)])
    assert result.exit_code == 0, result.output
    assert "note: Kjønnsfordeling finnes først fra 2020" in result.output
    assert "note: Vestfold 2016 mangler Sandefjord, Andebu og Stokke" in result.output


def test_empty_category_exits_2_naming_margin_and_category(tmp_path: Path) -> None:
    root = make_round(tmp_path, ages=(25, 30))
    result = CliRunner().invoke(main, ["weight", "2024", "--root", str(root)])
    assert result.exit_code == 2
    assert "Error: margin age_group: category 45-105 (population " in result.output
    assert "has no respondents; merge it with a neighbouring category" in result.output


def test_respondents_outside_the_age_groups_exit_2(tmp_path: Path) -> None:
    root = make_round(tmp_path, groups="[[18, 44], [45, 59]]")
    result = CliRunner().invoke(main, ["weight", "2024", "--root", str(root)])
    assert result.exit_code == 2
    assert "20 respondent(s) fall outside every age group [[18, 44], [45, 59]] of [weighting] (ages [60.0])" in result.output


def test_no_weighting_section_exits_2(tmp_path: Path) -> None:
    root = make_round(tmp_path, weighting=False)
    result = CliRunner().invoke(main, ["weight", "2024", "--root", str(root)])
    assert result.exit_code == 2
    assert "no [weighting] section, so there is nothing to re-weight" in result.output
