"""Series breaks: which indicator × domain series are not comparable between two rounds, and why.

Floor 3 (definitions): decided from the two rounds' definitions alone; ``omdomme analyse`` (its
change since the previous round), ``compare`` and ``trend`` all ask here.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

import polars as pl

from omdomme.definitions._load import SURVEYS, read_toml


def _load_toml(path: Path) -> dict[str, Any] | None:
    if not path.is_file():
        return None
    return read_toml(path)


def _indicator_signature(definition: Mapping[str, Any], indicator: str) -> dict[str, Any]:
    """The parts of a definition that decide what an indicator measures.

    Variable names and raw codes are left out on purpose: mapping them onto shared concepts is
    what a definition is for, so a renamed variable is the same series.
    """
    spec = definition.get("indicators", {}).get(indicator, {})
    sig: dict[str, Any] = {}
    for key in ("kind", "count", "base", "numerator", "denominator"):
        if key in spec:
            sig[key] = spec[key]
    question = spec.get("question")
    if question is not None:
        sig["question"] = question
        q = definition.get("questions", {}).get(question, {})
        for key in ("scale_id", "scale", "wording"):
            if key in q:
                sig[f"question {question}: {key}"] = q[key]
    # An innovation indicator may carry its own wording/scale.
    for key in ("scale_id", "scale", "wording"):
        if key in spec:
            sig[key] = spec[key]
    return sig


_BORDERS = "borders"


def _domain_signature(definition: Mapping[str, Any], domain: str) -> dict[str, Any]:
    spec = definition.get("domains", {}).get(domain, {})
    # The label is presentation; who is in the domain is what counts.
    sig = {f"domain {domain}: {k}": v for k, v in spec.items() if k != "label"}
    if "residents" in spec:
        # Who lives in a county depends on its borders ([respondent] borders, default 2024):
        # with "round", a 2018 Rømskog respondent is in Østfold, with 2024 in Akershus.
        respondent = definition.get("respondent", {})
        sig[_BORDERS] = respondent.get("borders", 2024) if isinstance(respondent, Mapping) else 2024
    return sig


def _describe_changes(sig_a: Mapping[str, Any], sig_b: Mapping[str, Any]) -> list[str]:
    # Only fields present in both: a field one round does not state is not a known change.
    changes = []
    for key in sig_a:
        if key in sig_b and sig_a[key] != sig_b[key]:
            if key == _BORDERS:
                changes.append(f"borders: {sig_a[key]} vs {sig_b[key]}")
            else:
                changes.append(f"{key} {sig_a[key]!r} → {sig_b[key]!r}")
    return changes


def series_breaks(
    round_a: int, round_b: int, root: Path | str = ".", surveys: tuple[str, ...] = SURVEYS
) -> pl.DataFrame:
    """Which indicator × domain series break between two rounds, and why, from the definitions.

    A break is a difference, between the two rounds' ``surveys/<round>/<survey>.toml``, in what
    an indicator measures: the question's ``scale_id``, ``scale``, ``wording`` or ``vet_ikke``
    codes, the indicator's ``question``, ``count``, ``base`` or ``kind``, or the domain's
    membership rule (``residents``, ``age``, ...). For a domain with ``residents``, a change
    of ``[respondent] borders`` (2024 by default, or ``"round"``) is a break too, with the
    reason ``borders: 2024 vs round``.

    Returns
    -------
    polars.DataFrame
        Columns ``survey, indicator, domain, comparable, break_reason, checked`` for every
        indicator × domain of the definitions (``checked`` is false when a definition file is
        missing, in which case ``comparable`` is true and nothing is claimed).

    Examples
    --------
    >>> series_breaks(2016, 2018, "/nonexistent").height
    0
    """
    rows: list[dict[str, Any]] = []
    for survey in surveys:
        def_a = _load_toml(Path(root) / "surveys" / str(round_a) / f"{survey}.toml")
        def_b = _load_toml(Path(root) / "surveys" / str(round_b) / f"{survey}.toml")
        if def_a is None and def_b is None:
            continue
        known = def_b if def_a is None else def_a
        assert known is not None
        indicators = dict(known.get("indicators", {}))
        for indicator, spec in indicators.items():
            domains = spec.get("domains") or ["alle"]
            for domain in domains:
                if def_a is None or def_b is None:
                    rows.append(
                        {
                            "survey": survey,
                            "indicator": indicator,
                            "domain": domain,
                            "comparable": True,
                            "break_reason": "",
                            "checked": False,
                        }
                    )
                    continue
                if indicator not in def_b.get("indicators", {}):
                    continue
                changes = _describe_changes(
                    _indicator_signature(def_a, indicator), _indicator_signature(def_b, indicator)
                ) + _describe_changes(
                    _domain_signature(def_a, domain), _domain_signature(def_b, domain)
                )
                rows.append(
                    {
                        "survey": survey,
                        "indicator": indicator,
                        "domain": domain,
                        "comparable": not changes,
                        "break_reason": "; ".join(changes),
                        "checked": True,
                    }
                )
    schema = {
        "survey": pl.String,
        "indicator": pl.String,
        "domain": pl.String,
        "comparable": pl.Boolean,
        "break_reason": pl.String,
        "checked": pl.Boolean,
    }
    return pl.DataFrame(rows, schema=schema)
