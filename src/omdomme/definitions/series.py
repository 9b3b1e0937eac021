"""Series breaks: which indicator × domain series are not comparable between two rounds, and why.

Floor 3 (definitions): decided from the two rounds' definitions alone; ``omdomme analyse`` (its
change since the previous round), ``compare`` and ``trend`` all ask here.

A breakdown's rows (``domain = "<breakdown>=<level>"``) are one series with the breakdown: their
row here has ``domain = "<breakdown>=*"`` (every level), and :func:`series_domain` maps an
estimate's domain onto that key, so every reader joins estimates to breaks the same way.
Mean and net scores (``kind = "mean"``/``"net"``) are a series only on the same scale: the same
codes and, where both rounds label them, the same labels (and a net score the same top and
bottom codes).

Example
-------
>>> pl.DataFrame({"domain": ["alle", "kjonn=kvinne"]}).select(series_domain())["domain"].to_list()
['alle', 'kjonn=*']
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
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
                # A scale given with labels compares by its codes here (the labels are judged by
                # _label_changes when both rounds give them).
                value = q[key]
                sig[f"question {question}: {key}"] = [float(c) for c in value] if isinstance(value, Mapping) else value
    # An innovation indicator may carry its own wording/scale.
    for key in ("scale_id", "scale", "wording"):
        if key in spec:
            sig[key] = spec[key]
    return sig


_BORDERS = "borders"


def _scale_labels(definition: Mapping[str, Any], indicator: str) -> dict[float, str] | None:
    """The labelled scale of an indicator's question (``scale = { 1 = "…" }``), else None."""
    spec = definition.get("indicators", {}).get(indicator, {})
    q = definition.get("questions", {}).get(spec.get("question"), {})
    scale = q.get("scale") if isinstance(q, Mapping) else None
    if not isinstance(scale, Mapping):
        return None
    try:
        return {float(code): str(label) for code, label in scale.items()}
    except ValueError:
        return None  # the parser reports it


def _normal(label: str) -> str:
    return " ".join(label.split()).casefold()


def _label_difference(before: dict[str, str], after: dict[str, str]) -> str:
    """``«Ganske enig» → «Delvis enig»`` from normalised label -> shown label maps."""
    gone = [before[k] for k in before if k not in after]
    new = [after[k] for k in after if k not in before]
    return f"{', '.join(f'«{x}»' for x in gone) or '(none)'} → {', '.join(f'«{x}»' for x in new) or '(none)'}"


def _label_changes(def_a: Mapping[str, Any], def_b: Mapping[str, Any], indicator: str,
                   labels_a: dict[float, str], labels_b: dict[float, str]) -> list[str]:
    """A series break judged on what the indicator counts, when both rounds label the scale.

    What it counts: the labels of the counted codes (or «vet ikke»), compared as sets after
    trimming and case-folding, so a reordered scale with the same counted categories is the
    same series. Its base: ``base`` itself, and for ``base = "valid"`` (those with an opinion
    on the scale) the scale's labels. Codes, their order, ``direction`` and ``scale_id`` are
    not compared; ``kind``, ``question`` and ``wording`` are.
    """
    spec_a = def_a.get("indicators", {}).get(indicator, {})
    spec_b = def_b.get("indicators", {}).get(indicator, {})
    changes = []
    for key in ("kind", "question", "base"):
        if key in spec_a and key in spec_b and spec_a[key] != spec_b[key]:
            changes.append(f"{key} {spec_a[key]!r} → {spec_b[key]!r}")
    question = spec_b.get("question")
    q_a = def_a.get("questions", {}).get(spec_a.get("question"), {})
    q_b = def_b.get("questions", {}).get(question, {})
    if "wording" in q_a and "wording" in q_b and q_a["wording"] != q_b["wording"]:
        changes.append(f"question {question}: wording {q_a['wording']!r} → {q_b['wording']!r}")

    def counted(spec: Mapping[str, Any], labels: dict[float, str]) -> dict[str, str] | str:
        count = spec.get("count")
        if not isinstance(count, list):
            return str(count)
        shown = [labels.get(float(c), f"code {c}") for c in count if isinstance(c, int | float)]
        return {_normal(x): x for x in shown}

    c_a, c_b = counted(spec_a, labels_a), counted(spec_b, labels_b)
    if isinstance(c_a, str) or isinstance(c_b, str):
        if c_a != c_b:
            changes.append(f"count {spec_a.get('count')!r} → {spec_b.get('count')!r}")
    elif set(c_a) != set(c_b):
        changes.append(f"counted labels of {question}: {_label_difference(c_a, c_b)}")
    if spec_b.get("base", "all") == "valid" and spec_a.get("base", "all") == "valid":
        all_a = {_normal(x): x for x in labels_a.values()}
        all_b = {_normal(x): x for x in labels_b.values()}
        if set(all_a) != set(all_b):
            changes.append(f"base labels of {question}: {_label_difference(all_a, all_b)}")
    return changes


def _file_scale_labels(root: Path, round: int, survey: str) -> dict[str, dict[float, str]]:
    """Every scale question's labels as the round's definition or data file states them.

    The data file is read once, for the scale variables whose labels the definition does not
    give. A question is left out when the definition or the file cannot be read, or a code of
    its ``scale`` has no value label: then nothing is claimed about its labels.
    """
    from omdomme.definitions._load import load_definition
    from omdomme.errors import OmdommeError
    from omdomme.io import read

    try:
        definition = load_definition(round, survey, root)
    except (OmdommeError, OSError):
        return {}
    scales = {name: q for name, q in definition.questions.items() if not q.is_coded and q.scale}
    variables = {name: [v for token in definition.targets.values() for v in q.raw_variables(token)]
                 for name, q in scales.items() if not q.scale_labels}
    meta = None
    if variables:
        try:
            _, meta = read(definition.data_path, columns=[v for names in variables.values() for v in names],
                           **definition.data_options)
        except (OmdommeError, OSError):
            meta = None
    out: dict[str, dict[float, str]] = {}
    for name, q in scales.items():
        if q.scale_labels:
            labels = dict(q.scale_labels)
        elif meta is not None:
            labels = meta.value_labels_over(variables[name])
        else:
            continue
        if all(code in labels for code in q.scale):
            out[name] = {code: labels[code] for code in q.scale}
    return out


def _code_changes_only(changes: Mapping[str, Any], question: str | None) -> bool:
    """True when every change is in the codes an indicator counts or its scale's codes.

    Those may be the same categories under other codes (a vendor that numbers the scale the
    other way); ``scale_id``, ``wording``, ``kind``, ``base`` and the question are the
    analyst's statement of what is measured and stay a break.
    """
    return bool(changes) and all(key in ("count", f"question {question}: scale") for key in changes)


def _indicator_changes(
    def_a: Mapping[str, Any], def_b: Mapping[str, Any], indicator: str,
    file_labels_a: Callable[[str], dict[float, str] | None],
    file_labels_b: Callable[[str], dict[float, str] | None],
) -> list[str]:
    """What changed, between two rounds, in what one indicator measures (empty: the same series).

    Judged on labels when both definitions label the scale; otherwise on the definitions' codes,
    and where only codes differ, on the labels the two data files give those codes.
    """
    labels_a, labels_b = _scale_labels(def_a, indicator), _scale_labels(def_b, indicator)
    if labels_a is not None and labels_b is not None:
        return _label_changes(def_a, def_b, indicator, labels_a, labels_b)
    sig_a, sig_b = _indicator_signature(def_a, indicator), _indicator_signature(def_b, indicator)
    changed = {key for key in sig_a if key in sig_b and sig_a[key] != sig_b[key]}
    question_a = def_a.get("indicators", {}).get(indicator, {}).get("question")
    question_b = def_b.get("indicators", {}).get(indicator, {}).get("question")
    if question_a == question_b and _code_changes_only(dict.fromkeys(changed), question_b):
        from_file_a = labels_a or file_labels_a(question_a)
        from_file_b = labels_b or file_labels_b(question_b)
        if from_file_a is not None and from_file_b is not None:
            return _label_changes(def_a, def_b, indicator, from_file_a, from_file_b)
    return _describe_changes(sig_a, sig_b)


def _domain_signature(definition: Mapping[str, Any], domain: str) -> dict[str, Any]:
    spec = definition.get("domains", {}).get(domain, {})
    # The label is presentation; who is in the domain is what counts.
    sig = {f"domain {domain}: {k}": v for k, v in spec.items() if k not in ("label", "label_en")}
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


#: The ``domain`` of a series-break row that stands for every level of a breakdown: ``kjonn=*``.
ALL_LEVELS = "*"


def series_domain(domain: str | pl.Expr = "domain") -> pl.Expr:
    """The key an estimate's ``domain`` has in :func:`series_breaks`: a breakdown level's
    ``<breakdown>=<level>`` is ``<breakdown>=*``, any other domain itself.

    Examples
    --------
    >>> pl.DataFrame({"domain": ["unge", "aldersgruppe=18-29"]}).select(series_domain())["domain"].to_list()
    ['unge', 'aldersgruppe=*']
    """
    d = pl.col(domain) if isinstance(domain, str) else domain
    return pl.when(d.str.contains("=", literal=True)).then(
        d.str.replace(r"=.*$", "=" + ALL_LEVELS)).otherwise(d).alias("domain")


def _scale_changes(def_a: Mapping[str, Any], def_b: Mapping[str, Any], indicator: str,
                   file_labels_a: Callable[[str], dict[float, str] | None],
                   file_labels_b: Callable[[str], dict[float, str] | None],
                   already: Sequence[str] = ()) -> list[str]:
    """A mean or net score is a series on one scale: its codes, each code's label (the
    definition's, else the data file's, where both rounds give them: a scale numbered the other
    way turns a mean around) and, for a net score, the top and bottom codes (default: the two
    highest and lowest). ``already``: the changes found so far (a scale change is said once)."""
    spec_a = def_a.get("indicators", {}).get(indicator, {})
    spec_b = def_b.get("indicators", {}).get(indicator, {})
    if spec_b.get("kind") not in ("mean", "net") or spec_a.get("kind") != spec_b.get("kind"):
        return []
    question = spec_b.get("question")
    q_a = def_a.get("questions", {}).get(spec_a.get("question"), {})
    q_b = def_b.get("questions", {}).get(question, {})

    def codes(q: Mapping[str, Any]) -> list[float] | None:
        scale = q.get("scale") if isinstance(q, Mapping) else None
        try:
            return sorted(float(c) for c in scale) if scale is not None else None
        except (TypeError, ValueError):
            return None

    codes_a, codes_b = codes(q_a), codes(q_b)
    changes = []
    said = any(c.startswith(f"question {question}: scale") for c in already)
    if codes_a and codes_b and codes_a != codes_b and not said:
        changes.append(f"scale of {question}: codes {_codes(codes_a)} → {_codes(codes_b)}")
    if codes_a == codes_b:
        labels_a = _scale_labels(def_a, indicator) or file_labels_a(str(spec_a.get("question")))
        labels_b = _scale_labels(def_b, indicator) or file_labels_b(str(question))
        if labels_a is not None and labels_b is not None:
            moved = [c for c in labels_b if _normal(labels_a.get(c, "")) != _normal(labels_b[c])]
            if moved:
                changes.append(f"scale of {question}: " + ", ".join(
                    f"{_codes([c])} «{labels_a.get(c, '')}» → «{labels_b[c]}»" for c in moved))
    if spec_b.get("kind") == "net" and codes_a is not None and codes_b is not None:
        for key, default in (("top", slice(-2, None)), ("bottom", slice(0, 2))):
            a = sorted(float(c) for c in spec_a.get(key, codes_a[default]))
            b = sorted(float(c) for c in spec_b.get(key, codes_b[default]))
            if a != b:
                changes.append(f"{key} {_codes(a)} → {_codes(b)}")
    return changes


def _codes(codes: list[float]) -> str:
    return "[" + ", ".join(str(int(c)) if float(c).is_integer() else f"{c:g}" for c in codes) + "]"


def _breakdown_signature(definition: Mapping[str, Any], breakdown: str) -> dict[str, Any]:
    """What decides who is in each level of a breakdown: what it splits by, the levels (their
    codes or age bands; for sex and sample the harmonised level names), the labels the
    definition gives, the domain it splits; for a question, that question's scale and wording.
    The raw variable's name is left out (a renamed variable is the same breakdown)."""
    spec = definition.get("breakdowns", {}).get(breakdown, {})
    by = spec.get("by")
    sig: dict[str, Any] = {"by": by, "within": spec.get("within", "alle")}
    respondent = definition.get("respondent", {})
    if by in ("sex", "sample") and isinstance(respondent, Mapping):
        sig["levels"] = sorted(respondent.get(f"{by}_codes", {}) or {})
    elif isinstance(spec.get("levels"), Mapping):
        sig["levels"] = {str(k): [float(c) for c in v] for k, v in spec["levels"].items()
                         if isinstance(v, list) and all(isinstance(c, int | float) for c in v)}
    if isinstance(spec.get("labels"), Mapping):
        sig["labels"] = {str(k): _normal(str(v)) for k, v in spec["labels"].items()}
    if by == "question":
        q = definition.get("questions", {}).get(spec.get("question"), {})
        sig["question"] = spec.get("question")
        for key in ("scale", "wording", "vet_ikke"):
            if isinstance(q, Mapping) and key in q:
                value = q[key]
                sig[f"question {spec.get('question')}: {key}"] = (
                    {float(c): _normal(str(t)) for c, t in value.items()} if isinstance(value, Mapping) else value)
    return sig


def _breakdown_changes(def_a: Mapping[str, Any], def_b: Mapping[str, Any], breakdown: str) -> list[str]:
    sig_a, sig_b = _breakdown_signature(def_a, breakdown), _breakdown_signature(def_b, breakdown)
    changes = [f"breakdown {breakdown}: {key} {sig_a.get(key)!r} → {sig_b.get(key)!r}"
               for key in dict.fromkeys([*sig_a, *sig_b]) if sig_a.get(key) != sig_b.get(key)]
    within = sig_b["within"]
    changes += [f"breakdown {breakdown}: {c}" for c in _describe_changes(
        _domain_signature(def_a, within), _domain_signature(def_b, within))]
    return changes


def series_breaks(
    round_a: int, round_b: int, root: Path | str = ".", surveys: tuple[str, ...] = SURVEYS
) -> pl.DataFrame:
    """Which indicator × domain series break between two rounds, and why, from the definitions.

    A break is a difference, between the two rounds' ``surveys/<round>/<survey>.toml``, in what
    an indicator measures. When both rounds give the question's ``scale`` with labels, it is
    judged on what the indicator counts: the labels of the counted codes and, for ``base =
    "valid"``, the scale's labels (a reordered scale with the same counted labels is no
    break; «Ganske enig» → «Delvis enig» in a counted category is one), besides ``kind``,
    ``question``, ``base`` and ``wording``. Otherwise: the question's ``scale_id``, ``scale``
    (its codes) or ``wording``, the indicator's ``question``, ``count``, ``base`` or ``kind``;
    where only ``count`` or the scale's codes differ, the labels the rounds' data files give
    the codes decide as in the labelled case (a scale numbered the other way is no break).
    Always: the domain's membership rule (``residents``, ``age``, ...). For a domain with ``residents``, a change
    of ``[respondent] borders`` (2024 by default, or ``"round"``) is a break too, with the
    reason ``borders: 2024 vs round``.

    Mean and net scores: also the scale (its codes; its labels when both rounds label it) and,
    for a net score, ``top`` and ``bottom``. Breakdowns present in both rounds: one row per
    indicator with ``domain = "<breakdown>=*"`` (every level; :func:`series_domain`), which
    breaks when the indicator's series breaks in the breakdown's ``within`` domain, or when the
    breakdown changes what it splits by (``by``, the question and its scale), its levels (their
    codes or bands), the labels the definition gives them, or its ``within`` domain's rule.

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
        cache: dict[int, dict[str, dict[float, str]]] = {}

        def file_labels(which: int, question: str, survey: str = survey,
                        cache: dict[int, dict[str, dict[float, str]]] = cache) -> dict[float, str] | None:
            if which not in cache:
                cache[which] = _file_scale_labels(Path(root), which, survey)
            return cache[which].get(question)

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
                changes = _measure_changes(
                    def_a, def_b, indicator,
                    lambda q: file_labels(round_a, q), lambda q: file_labels(round_b, q),
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
            if def_a is None or def_b is None or indicator not in def_b.get("indicators", {}):
                continue
            for breakdown in def_b.get("breakdowns", {}):
                if breakdown not in def_a.get("breakdowns", {}):
                    continue
                changes = _measure_changes(
                    def_a, def_b, indicator,
                    lambda q: file_labels(round_a, q), lambda q: file_labels(round_b, q),
                ) + _breakdown_changes(def_a, def_b, breakdown)
                rows.append({"survey": survey, "indicator": indicator,
                             "domain": f"{breakdown}={ALL_LEVELS}", "comparable": not changes,
                             "break_reason": "; ".join(changes), "checked": True})
    schema = {
        "survey": pl.String,
        "indicator": pl.String,
        "domain": pl.String,
        "comparable": pl.Boolean,
        "break_reason": pl.String,
        "checked": pl.Boolean,
    }
    return pl.DataFrame(rows, schema=schema)


def _measure_changes(
    def_a: Mapping[str, Any], def_b: Mapping[str, Any], indicator: str,
    file_labels_a: Callable[[str], dict[float, str] | None],
    file_labels_b: Callable[[str], dict[float, str] | None],
) -> list[str]:
    """What changed in what an indicator measures (domains aside): :func:`_indicator_changes`, and
    for a mean or net score its scale (:func:`_scale_changes`)."""
    changes = _indicator_changes(def_a, def_b, indicator, file_labels_a, file_labels_b)
    return changes + _scale_changes(def_a, def_b, indicator, file_labels_a, file_labels_b, changes)
