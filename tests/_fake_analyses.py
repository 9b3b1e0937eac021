"""A small, deterministic `analyses/<round>/` folder that follows docs/architecture.md §5.

The report tests use it to check the report against a known output contract without running
the analysis; `write_fake_analyses(root, rounds=(2016, 2018))` writes estimates, comparisons,
ranks (parquet + CSV) and manifest.json for each round, plus a synthetic round definition.
The numbers are made up (a seeded generator), but every column, code and type is the
contract's.
"""

from __future__ import annotations

import json
import math
from pathlib import Path

import numpy as np
import polars as pl

COUNTIES = ("akershus", "oslo", "buskerud", "vestfold", "ostfold")
NAMES = {"akershus": "Akershus", "oslo": "Oslo", "buskerud": "Buskerud", "vestfold": "Vestfold",
         "ostfold": "Østfold", "norge": "Norge"}
DOMAINS = {"alle": "Alle", "innenfra": "Bosatt i fylket (innenfra)",
           "utenfra": "Bosatt i andre fylker (utenfra)", "unge": "Unge bosatt i fylket (18–29 år)"}
# indicator -> (label, base, better, domains, level of the truth)
INDICATORS = {
    "vet_ikke": ("Andel som svarer «vet ikke» om næringslivet", "all", "lower", ("alle", "innenfra", "utenfra"), 0.30),
    "svaert_godt": ("Andel med svært godt inntrykk", "all", "higher", ("alle", "innenfra", "utenfra"), 0.18),
    "svaert_godt_meninger": ("Andel med svært godt inntrykk, blant dem som har en mening", "valid", "higher", ("alle", "innenfra", "utenfra"), 0.24),
    "moderne_ungdom": ("Unge som mener det finnes mange moderne og innovative bedrifter", "all", "higher", ("unge",), 0.35),
    "verdier": ("Andel som forbinder fylket med verdier og egenskaper", "all", "higher", ("alle", "utenfra"), 0.12),
}
INNOVATION = {
    "innovasjonsaktivitet": ("Andel foretak med innovasjonsaktivitet", "share", 0.62),
    "fou_per_ansatt": ("FoU-utgifter per sysselsatt (NOK)", "ratio", 21000.0),
}
EST_COLUMNS = ["survey", "round", "indicator", "label", "kind", "base", "better", "target",
               "target_label", "domain", "domain_label", "n", "eff_n", "estimate", "se", "ci_low",
               "ci_high", "ci_method", "level", "df", "deff", "cv", "flag", "display", "note"]
CMP_COLUMNS = ["survey", "indicator", "label", "kind", "better", "domain", "comparison", "target_a",
               "target_b", "round_a", "round_b", "estimate_a", "estimate_b", "difference", "se",
               "ci_low", "ci_high", "df", "ratio", "ratio_ci_low", "ratio_ci_high", "p_value",
               "p_adjusted", "adjust_method", "family", "method", "significant", "note"]
Z = 1.959963984540054


def _display(value: float, kind: str, flag: str) -> str:
    if flag == "suppressed":
        return ":"
    if kind == "share":
        return f"{100 * value:.1f}".replace(".", ",") + "\u00a0%"
    return f"{value:.0f}"


def _estimates(round_: int, rng: np.random.Generator) -> pl.DataFrame:
    rows = []
    shift = {"akershus": 0.04, "oslo": 0.03, "buskerud": -0.01, "vestfold": 0.0, "ostfold": -0.02}
    trend = (round_ - 2016) / 2 * 0.01
    for ind, (label, base, better, domains, level) in INDICATORS.items():
        for dom in domains:
            for c in COUNTIES:
                p = float(np.clip(level + shift[c] * (-1 if better == "lower" else 1) + trend
                                  + rng.normal(0, 0.01), 0.02, 0.95))
                n = int(rng.integers(150, 900)) if dom in ("alle", "utenfra") else int(rng.integers(40, 300))
                deff = float(rng.uniform(1.1, 1.8))
                flag, note = "ok", ""
                if ind == "moderne_ungdom" and c == "oslo":
                    n, flag, note = 22, "suppressed", "uvektet grunnlag under 30"
                elif ind == "verdier" and c == "buskerud" and dom == "utenfra":
                    flag, note = "flagged", "relativ KI-bredde over 130 %"
                eff_n = n / deff
                se = math.sqrt(p * (1 - p) / eff_n)
                lg, lse = math.log(p / (1 - p)), se / (p * (1 - p))
                lo, hi = (1 / (1 + math.exp(-(lg + s * Z * lse))) for s in (-1, 1))
                rows.append(["omdomme", round_, ind, label, "share", base, better, c, NAMES[c], dom,
                             DOMAINS[dom], n, eff_n, p, se, lo, hi, "logit", 0.95, float(n - 1),
                             deff, se / p, flag, _display(p, "share", flag), note])
    for ind, (label, kind, level) in INNOVATION.items():
        for c in (*COUNTIES, "norge"):
            growth = 1 + (round_ - 2016) * 0.05
            value = level * growth * (0.85 if c == "ostfold" else 1.0) * float(rng.uniform(0.95, 1.05))
            if kind == "share":
                value = min(value, 0.95)
            n = int(rng.integers(300, 700)) if c != "norge" else 4800
            deff = float(rng.uniform(1.0, 1.4))
            se = (math.sqrt(value * (1 - value) / (n / deff)) if kind == "share" else value * 0.08)
            rows.append(["innovasjon", round_, ind, label, kind, "firms", "higher", c, NAMES[c], "alle",
                         "Alle foretak", n, n / deff, value, se, value - Z * se, value + Z * se,
                         "logit" if kind == "share" else "wald_t", 0.95, float(n - 30), deff,
                         se / value, "ok", _display(value, kind, "ok"), ""])
    frame = pl.DataFrame(rows, schema=EST_COLUMNS, orient="row")
    return frame.with_columns(pl.col("round").cast(pl.Int64), pl.col("n").cast(pl.Int64))


def _test(diff: float, se: float) -> tuple[float, float, float, float]:
    from scipy.stats import norm

    return diff - Z * se, diff + Z * se, float(2 * norm.sf(abs(diff) / se)), 0.0


def _comparisons(est: pl.DataFrame, previous: pl.DataFrame | None, round_: int) -> pl.DataFrame:
    rows = []
    rep = est.filter(pl.col("survey") == "omdomme")
    for (ind, dom), part in rep.group_by(["indicator", "domain"], maintain_order=True):
        rec = {r["target"]: r for r in part.iter_rows(named=True)}
        o = rec["ostfold"]
        family = []
        for c in COUNTIES[:-1]:
            b = rec[c]
            diff = o["estimate"] - b["estimate"]
            se = math.sqrt(o["se"] ** 2 + b["se"] ** 2 - 2 * 0.2 * o["se"] * b["se"])
            lo, hi, p, _ = _test(diff, se)
            family.append([o["survey"], ind, o["label"], "share", o["better"], dom, "county",
                           "ostfold", c, round_, round_, o["estimate"], b["estimate"], diff, se, lo,
                           hi, o["df"], o["estimate"] / b["estimate"], None, None, p, None, "holm",
                           f"county:{ind}:{dom}", "paired linearisation (respondent as cluster)", None, ""])
        ps = sorted(range(len(family)), key=lambda i: family[i][21])
        running = 0.0
        for rank, i in enumerate(ps):
            running = max(running, min(1.0, (len(ps) - rank) * family[i][21]))
            family[i][22] = running
            family[i][26] = running < 0.05
        rows.extend(family)
        if previous is not None:
            prev = previous.filter((pl.col("indicator") == ind) & (pl.col("domain") == dom))
            prev_rec = {r["target"]: r for r in prev.iter_rows(named=True)}
            fam = []
            for c in COUNTIES:
                a, b = rec[c], prev_rec[c]
                diff = a["estimate"] - b["estimate"]
                se = math.sqrt(a["se"] ** 2 + b["se"] ** 2)
                lo, hi, p, _ = _test(diff, se)
                fam.append([a["survey"], ind, a["label"], "share", a["better"], dom, "round", c, c,
                            round_, b["round"], a["estimate"], b["estimate"], diff, se, lo, hi,
                            None, None, None, None, p, min(1.0, 5 * p), "holm",
                            f"round:{ind}:{dom}", "independent samples", min(1.0, 5 * p) < 0.05, ""])
            rows.extend(fam)
    inno = est.filter(pl.col("survey") == "innovasjon")
    for (ind,), part in inno.group_by("indicator", maintain_order=True):
        rec = {r["target"]: r for r in part.iter_rows(named=True)}
        o, nor = rec["ostfold"], rec["norge"]
        diff = o["estimate"] - nor["estimate"]
        se = math.sqrt(o["se"] ** 2 + nor["se"] ** 2)
        lo, hi, p, _ = _test(diff, se)
        rows.append(["innovasjon", ind, o["label"], o["kind"], "higher", "alle", "norge", "ostfold",
                     "norge", round_, round_, o["estimate"], nor["estimate"], diff, se, lo, hi,
                     o["df"], o["estimate"] / nor["estimate"], None, None, p, p, "none",
                     f"norge:{ind}:alle", "domain difference (overlapping samples)", p < 0.05, ""])
    if round_ > 2016:
        o = inno.filter((pl.col("indicator") == "innovasjonsaktivitet") & (pl.col("target") == "ostfold")).row(0, named=True)
        base = o["estimate"] / (1 + (round_ - 2016) * 0.05)
        base_se = o["se"]
        ratio = o["estimate"] / base
        log_se = math.sqrt((o["se"] / o["estimate"]) ** 2 + (base_se / base) ** 2)
        diff = o["estimate"] - base
        se = math.sqrt(o["se"] ** 2 + base_se**2)
        lo, hi, p, _ = _test(diff, se)
        rows.append(["innovasjon", "innovasjonsaktivitet", o["label"], "share", "higher", "alle",
                     "baseline_ratio", "ostfold", "ostfold", round_, 2016, o["estimate"], base, diff,
                     se, lo, hi, None, ratio, ratio * math.exp(-Z * log_se), ratio * math.exp(Z * log_se),
                     p, p, "none", "baseline_ratio:innovasjonsaktivitet:alle",
                     "independent samples, log scale (delta method)", p < 0.05, "mål: faktor 2,0"])
    floats = {"estimate_a", "estimate_b", "difference", "se", "ci_low", "ci_high", "df", "ratio",
              "ratio_ci_low", "ratio_ci_high", "p_value", "p_adjusted"}
    schema = {c: pl.Float64 if c in floats else pl.Int64 if c.startswith("round_")
              else pl.Boolean if c == "significant" else pl.String for c in CMP_COLUMNS}
    return pl.DataFrame(rows, schema=schema, orient="row")


def _ranks(est: pl.DataFrame, round_: int, rng: np.random.Generator) -> pl.DataFrame:
    out = []
    rep = est.filter(pl.col("survey") == "omdomme")
    for (ind, dom), part in rep.group_by(["indicator", "domain"], maintain_order=True):
        better = part["better"][0]
        values = part["estimate"].to_numpy()
        ses = part["se"].to_numpy()
        draws = rng.normal(values, ses, size=(2000, len(values)))
        order = np.argsort(-draws if better == "higher" else draws, axis=1)
        ranks = np.empty_like(order)
        rows_idx = np.arange(draws.shape[0])[:, None]
        ranks[rows_idx, order] = np.arange(1, len(values) + 1)
        point = np.argsort(np.argsort(-values if better == "higher" else values)) + 1
        for j, r in enumerate(part.iter_rows(named=True)):
            probs = [float(np.mean(ranks[:, j] == k)) for k in range(1, 6)]
            lo, hi = np.quantile(ranks[:, j], [0.025, 0.975])
            out.append({"survey": "omdomme", "round": round_, "indicator": ind, "domain": dom,
                        "target": r["target"], "target_label": r["target_label"], "better": better,
                        "rank_point": int(point[j]), **{f"p_rank_{k}": probs[k - 1] for k in range(1, 6)},
                        "rank_low": int(lo), "rank_high": int(hi), "p_top3": sum(probs[:3]),
                        "draws": 2000, "seed": 20160101, "method": "parametric (normal, design covariance)"})
    return pl.DataFrame(out).with_columns(pl.col("round").cast(pl.Int64))


def _manifest(round_: int) -> dict:
    params = {"synthetic": True, "weight": "vekt", "weighting": None, "ci_method": "logit",
              "level": 0.95, "min_n": 30}
    return {"omdomme_version": "0.1.0", "round": round_,
            "surveys": {"omdomme": {"definition": {"path": f"surveys/{round_}/omdomme.toml", "size": 1, "sha256": "0" * 64},
                                    "inputs": [{"path": f"surveys/{round_}/omdomme-{round_}.sav", "size": 1, "sha256": "0" * 64}],
                                    "rows": {"read": 1650, "used": 1640, "excluded": [{"reason": "kommune utenfor de fem fylkene", "count": 10}]},
                                    "parameters": params},
                        "innovasjon": {"definition": {"path": f"surveys/{round_}/innovasjon.toml", "size": 1, "sha256": "0" * 64},
                                       "inputs": [{"path": f"surveys/{round_}/innovasjon-{round_}.sav", "size": 1, "sha256": "0" * 64}],
                                       "rows": {"read": 5200, "used": 5200, "excluded": []},
                                       "parameters": {"synthetic": True, "weight": "vekt", "strata": "stratum", "fpc": "N_stratum",
                                                      "goal": {"indicator": "innovasjonsaktivitet", "baseline": 2016, "factor": 2.0}}}},
            "seed": 20160101,
            "software": {"python": "3.11", "polars": pl.__version__, "numpy": np.__version__, "scipy": "1", "pyreadstat": "1"}}


def write_fake_analyses(root: Path, rounds: tuple[int, ...] = (2016, 2018)) -> Path:
    """Write fake `analyses/<round>/` folders under ``root`` and return ``root``."""
    previous = None
    for round_ in sorted(rounds):
        rng = np.random.default_rng(round_)
        out = root / "analyses" / str(round_)
        out.mkdir(parents=True, exist_ok=True)
        est = _estimates(round_, rng)
        tables = {"estimates": est, "comparisons": _comparisons(est, previous, round_),
                  "ranks": _ranks(est, round_, rng)}
        for name, frame in tables.items():
            frame.write_parquet(out / f"{name}.parquet")
            frame.write_csv(out / f"{name}.csv")
        (out / "manifest.json").write_text(json.dumps(_manifest(round_), indent=2, ensure_ascii=False), encoding="utf-8")
        previous = est.filter(pl.col("survey") == "omdomme")
    return root
