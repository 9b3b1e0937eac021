"""A small, deterministic fake project tree in the output contract of docs/architecture.md §5.

Used by tests/test_rounds.py and tests/test_trend.py to test the round comparison and the
trend on known numbers, independently of `omdomme analyse`. The tests here check that the
fake tree itself follows the contract, so the other tests cannot pass on a wrong shape.
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import polars as pl

COUNTIES = ("akershus", "oslo", "buskerud", "vestfold", "ostfold")
LABELS = {
    "akershus": "Akershus",
    "oslo": "Oslo",
    "buskerud": "Buskerud",
    "vestfold": "Vestfold",
    "ostfold": "Østfold",
    "norge": "Norge",
}
ESTIMATE_CONTRACT = [
    "survey",
    "round",
    "indicator",
    "label",
    "kind",
    "base",
    "better",
    "target",
    "target_label",
    "domain",
    "domain_label",
    "n",
    "eff_n",
    "estimate",
    "se",
    "ci_low",
    "ci_high",
    "ci_method",
    "level",
    "df",
    "deff",
    "cv",
    "flag",
    "display",
    "note",
]
COMPARISON_CONTRACT = [
    "survey",
    "indicator",
    "label",
    "kind",
    "better",
    "domain",
    "comparison",
    "target_a",
    "target_b",
    "round_a",
    "round_b",
    "estimate_a",
    "estimate_b",
    "difference",
    "se",
    "ci_low",
    "ci_high",
    "df",
    "ratio",
    "ratio_ci_low",
    "ratio_ci_high",
    "p_value",
    "p_adjusted",
    "adjust_method",
    "family",
    "method",
    "significant",
    "note",
]

# indicator -> (label, question, count, better, domains)
OMDOMME_INDICATORS = {
    "vet_ikke": (
        "Andel som svarer «vet ikke» om næringslivet",
        "kjennskap",
        "vet_ikke",
        "lower",
        ["alle", "innenfra", "utenfra"],
    ),
    "svaert_godt": (
        "Andel med svært godt inntrykk",
        "inntrykk",
        [5],
        "higher",
        ["alle", "utenfra"],
    ),
    "moderne_ungdom": (
        "Unge som mener det finnes mange moderne og innovative bedrifter",
        "moderne",
        [4, 5],
        "higher",
        ["unge"],
    ),
}
DOMAIN_LABELS = {
    "alle": "Alle",
    "innenfra": "Bosatt i fylket (innenfra)",
    "utenfra": "Bosatt i andre fylker (utenfra)",
    "unge": "Unge bosatt i fylket (18–29 år)",
}
N_BY_DOMAIN = {"alle": 1600, "innenfra": 300, "utenfra": 1300, "unge": 120}


def truth(survey: str, indicator: str, target: str, domain: str, year: int) -> float:
    """The fake truth: Østfold's «vet ikke» falls 1.5 points a year; everything else is flat."""
    if survey == "innovasjon":
        return 0.20 + 0.01 * COUNTIES.index(target) if target in COUNTIES else 0.24
    base = {"vet_ikke": 0.30, "svaert_godt": 0.15, "moderne_ungdom": 0.35}[indicator]
    level = base + 0.02 * COUNTIES.index(target) - (0.03 if domain == "innenfra" else 0.0)
    if indicator == "vet_ikke" and target == "ostfold":
        level += 0.10 - 0.015 * (year - 2016)
    return level


def definition_toml(
    round_: int,
    *,
    kjennskap_scale_id: str = "kjennskap-4",
    kjennskap_scale: tuple[int, ...] = (1, 2, 3, 4),
) -> str:
    """A minimal omdomme.toml in the schema of docs/definitions.md."""
    lines = [
        "[survey]",
        'kind = "omdomme"',
        f"round = {round_}",
        "synthetic = true",
        "",
        "[data]",
        f'file = "omdomme-{round_}.sav"',
        "",
        "[design]",
        'id = "respid"',
        'weight = "vekt"',
        "",
        "[targets]",
        *[f'{c} = "{c[:4]}"' for c in COUNTIES],
        "",
        "[questions.kjennskap]",
        'variable = "kj_{target}"',
        'wording = "Hvor godt kjenner du til næringslivet i {county}?"',
        f"scale = {list(kjennskap_scale)}",
        f'scale_id = "{kjennskap_scale_id}"',
        "vet_ikke = [9]",
        "",
        "[questions.inntrykk]",
        'variable = "inntrykk_{target}"',
        "scale = [1, 2, 3, 4, 5]",
        'scale_id = "inntrykk-5"',
        "vet_ikke = [9]",
        "",
        "[questions.moderne]",
        'variable = "moderne_{target}"',
        "scale = [1, 2, 3, 4, 5]",
        'scale_id = "moderne-5"',
        "vet_ikke = [9]",
        "",
        "[domains.alle]",
        'label = "Alle"',
        "[domains.innenfra]",
        'label = "Bosatt i fylket (innenfra)"',
        'residents = "target"',
        "[domains.utenfra]",
        'label = "Bosatt i andre fylker (utenfra)"',
        'residents = "other"',
        "[domains.unge]",
        'label = "Unge"',
        'residents = "target"',
        "age = [18, 29]",
        "",
    ]
    for ind, (label, question, count, better, domains) in OMDOMME_INDICATORS.items():
        count_toml = f'"{count}"' if isinstance(count, str) else str(count)
        lines += [
            f"[indicators.{ind}]",
            f'label = "{label}"',
            f'question = "{question}"',
            f"count = {count_toml}",
            'base = "all"',
            f'better = "{better}"',
            f"domains = {json.dumps(domains)}",
            "",
        ]
    return "\n".join(lines)


INNOVASJON_TOML = """[survey]
kind = "innovasjon"
round = {round}
synthetic = true

[indicators.innovasjonsaktivitet]
label = "Andel foretak med innovasjonsaktivitet"
kind = "share"
variable = "inno_akt"
count = [1]
better = "higher"

[goal]
indicator = "innovasjonsaktivitet"
baseline = 2016
factor = 2.0
"""


def estimates_frame(
    round_: int, *, seed: int = 1, innovation: bool = True, noise: bool = True
) -> pl.DataFrame:
    """One round's estimates table (contract columns, contract order)."""
    rng = np.random.default_rng(seed * 100_000 + round_)
    rows = []
    for ind, (label, _q, _c, better, domains) in OMDOMME_INDICATORS.items():
        for domain in domains:
            for target in COUNTIES:
                rows.append(
                    (
                        "omdomme",
                        ind,
                        label,
                        better,
                        target,
                        domain,
                        truth("omdomme", ind, target, domain, round_),
                    )
                )
    if innovation:
        for target in (*COUNTIES, "norge"):
            rows.append(
                (
                    "innovasjon",
                    "innovasjonsaktivitet",
                    "Andel foretak med innovasjonsaktivitet",
                    "higher",
                    target,
                    "alle",
                    truth("innovasjon", "", target, "alle", round_),
                )
            )
    out = []
    for survey, ind, label, better, target, domain, p_true in rows:
        n = N_BY_DOMAIN[domain] if survey == "omdomme" else 800
        deff = 1.5
        se = float(np.sqrt(p_true * (1 - p_true) * deff / n))
        est = float(np.clip(p_true + (rng.normal(0, se) if noise else 0.0), 0.001, 0.999))
        se = float(np.sqrt(est * (1 - est) * deff / n))
        out.append(
            {
                "survey": survey,
                "round": round_,
                "indicator": ind,
                "label": label,
                "kind": "share",
                "base": "all" if survey == "omdomme" else "firms",
                "better": better,
                "target": target,
                "target_label": LABELS[target],
                "domain": domain,
                "domain_label": DOMAIN_LABELS[domain],
                "n": n,
                "eff_n": n / deff,
                "estimate": est,
                "se": se,
                "ci_low": est - 1.96 * se,
                "ci_high": est + 1.96 * se,
                "ci_method": "logit",
                "level": 0.95,
                "df": float(n - 1),
                "deff": deff,
                "cv": se / est,
                "flag": "ok",
                "display": f"{100 * est:.1f} %".replace(".", ","),
                "note": "",
            }
        )
    return pl.DataFrame(out).select(ESTIMATE_CONTRACT)


def county_comparisons(est: pl.DataFrame) -> pl.DataFrame:
    """Østfold vs Akershus rows (comparison = county) with a paired SE smaller than independent."""
    o = est.filter(pl.col("target") == "ostfold")
    a = est.filter(pl.col("target") == "akershus").select(
        "survey",
        "indicator",
        "domain",
        pl.col("estimate").alias("estimate_b"),
        pl.col("se").alias("se_b"),
    )
    j = o.join(a, on=["survey", "indicator", "domain"])
    return (
        j.select(
            "survey",
            "indicator",
            "label",
            "kind",
            "better",
            "domain",
            comparison=pl.lit("county"),
            target_a=pl.lit("ostfold"),
            target_b=pl.lit("akershus"),
            round_a=pl.col("round"),
            round_b=pl.col("round"),
            estimate_a=pl.col("estimate"),
            estimate_b=pl.col("estimate_b"),
            difference=pl.col("estimate") - pl.col("estimate_b"),
            # paired: a positive covariance makes the SE 0.8 × the independent one
            se=0.8 * (pl.col("se") ** 2 + pl.col("se_b") ** 2).sqrt(),
        )
        .with_columns(
            ci_low=pl.col("difference") - 1.96 * pl.col("se"),
            ci_high=pl.col("difference") + 1.96 * pl.col("se"),
            df=pl.lit(1599.0),
            ratio=pl.lit(None, pl.Float64),
            ratio_ci_low=pl.lit(None, pl.Float64),
            ratio_ci_high=pl.lit(None, pl.Float64),
            p_value=pl.lit(0.5),
            p_adjusted=pl.lit(0.5),
            adjust_method=pl.lit("holm"),
            family=pl.format("county:{}:{}", "indicator", "domain"),
            method=pl.lit("paired linearisation (respondent as cluster)"),
            significant=pl.lit(False),
            note=pl.lit(""),
        )
        .select(COMPARISON_CONTRACT)
    )


def write_round(
    root: Path,
    round_: int,
    *,
    seed: int = 1,
    analysed: bool = True,
    innovation: bool = True,
    noise: bool = True,
    county_rows: bool = True,
    **toml_options: object,
) -> None:
    """Write surveys/<round>/ definitions and (if analysed) analyses/<round>/ tables."""
    survey_dir = root / "surveys" / str(round_)
    survey_dir.mkdir(parents=True, exist_ok=True)
    (survey_dir / "omdomme.toml").write_text(
        definition_toml(round_, **toml_options), encoding="utf-8"
    )  # type: ignore[arg-type]
    if innovation:
        (survey_dir / "innovasjon.toml").write_text(
            INNOVASJON_TOML.format(round=round_), encoding="utf-8"
        )
    if not analysed:
        return
    out = root / "analyses" / str(round_)
    out.mkdir(parents=True, exist_ok=True)
    est = estimates_frame(round_, seed=seed, innovation=innovation, noise=noise)
    est.write_parquet(out / "estimates.parquet")
    est.write_csv(out / "estimates.csv")
    if county_rows:
        comp = county_comparisons(est)
        comp.write_parquet(out / "comparisons.parquet")
        comp.write_csv(out / "comparisons.csv")
    (out / "manifest.json").write_text(json.dumps({"omdomme_version": "0.1.0", "round": round_}))


def build_tree(
    root: Path, rounds: tuple[int, ...] = (2016, 2018, 2020, 2022, 2024, 2026), **options: object
) -> Path:
    for r in rounds:
        write_round(root, r, innovation=r <= 2024, **options)  # type: ignore[arg-type]
    return root


def test_fake_tree_follows_the_output_contract(tmp_path: Path) -> None:
    build_tree(tmp_path, (2016, 2018))
    est = pl.read_parquet(tmp_path / "analyses" / "2016" / "estimates.parquet")
    assert est.columns == ESTIMATE_CONTRACT
    comp = pl.read_parquet(tmp_path / "analyses" / "2016" / "comparisons.parquet")
    assert comp.columns == COMPARISON_CONTRACT
    assert est.filter(pl.col("survey") == "omdomme").height == 5 * (3 + 2 + 1)


def test_fake_tree_is_deterministic(tmp_path: Path) -> None:
    assert estimates_frame(2018).equals(estimates_frame(2018))
    assert not estimates_frame(2018).equals(estimates_frame(2020))
