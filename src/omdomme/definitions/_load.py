"""Round definitions: ``surveys/<round>/<survey>.toml`` parsed into frozen dataclasses.

A definition maps a vendor's raw variable names and codes to omdomme's harmonised concepts
(see ``docs/definitions.md``). It is validated here, at the boundary, so that the analysis
can trust it: unknown keys, missing required keys, wrong types and dangling references
(an indicator naming an unknown question or domain) raise :class:`DefinitionError` naming
the file, the key and the fix. Checking a definition *against its data* is
:func:`omdomme.analysis.validate.validate_round` (``omdomme validate <round>``).

Example
-------
>>> d = load_definition(2018, "omdomme", root=".")
>>> d.design.id, [i.id for i in d.indicators]
('respid', ['vet_ikke', 'svaert_godt', ...])
"""

from __future__ import annotations

import difflib
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

from omdomme.errors import DefinitionError, UsageError

if TYPE_CHECKING:
    import polars as pl

    from omdomme.io import Metadata

SURVEYS = ("omdomme", "innovasjon")
LONELY_PSU = ("fail", "remove", "adjust", "average")
CI_METHODS = ("logit", "likelihood", "asin", "beta", "mean", "xlogit", "wilson", "korn_graubard_nchs")
COUNTY_KEYS = ("akershus", "oslo", "buskerud", "vestfold", "ostfold")
BORDERS = (2024, "round")
"""Allowed ``borders`` of ``[respondent]``: the 2024 counties, or the counties of the round's ``code_year``."""


# --------------------------------------------------------------------------- dataclasses


@dataclass(frozen=True)
class DesignSection:
    """Column names of the sampling design (``[design]``).

    ``id`` is the unit id (respondent or enterprise); it is the PSU when ``psu`` is not given.
    """

    id: str
    weight: str | None = None
    strata: str | None = None
    psu: str | None = None
    fpc: str | None = None
    lonely_psu: str = "fail"


@dataclass(frozen=True)
class RespondentSpec:
    """Where the respondent's background lives in the raw file (``[respondent]``)."""

    age: str
    sex: str
    sex_codes: dict[str, float]
    code_year: int
    kommune: str | None = None
    fylke: str | None = None
    sample: str | None = None
    sample_codes: dict[str, float] = field(default_factory=dict)
    # 2024: the county of 2024 (one territory for every round); "round": the county of code_year.
    borders: Literal[2024, "round"] = 2024


@dataclass(frozen=True)
class Question:
    """A harmonised question (``[questions.<name>]``).

    Scale questions have ``variable`` and ``scale``; coded associations have ``variables``
    (several columns per target) and ``codes`` (raw code -> category).
    """

    name: str
    variable: str | None
    variables: tuple[str, ...]
    vet_ikke: tuple[float, ...]
    scale: tuple[float, ...] = ()
    scale_id: str | None = None
    wording: str | None = None
    text: str | None = None
    codes: dict[float, str] = field(default_factory=dict)

    @property
    def is_coded(self) -> bool:
        """True for coded free associations (several variables, a code frame)."""
        return bool(self.variables)

    def raw_variables(self, token: str) -> tuple[str, ...]:
        """The raw column names of this question for one target's token.

        >>> Question("x", "kj_{target}", (), (9.0,)).raw_variables("ostf")
        ('kj_ostf',)
        """
        templates = self.variables if self.is_coded else (self.variable or "",)
        return tuple(t.replace("{target}", token) for t in templates)


@dataclass(frozen=True)
class Domain:
    """A domain of respondents (``[domains.<id>]``): residents of the rated county or not, an age band."""

    id: str
    label: str
    residents: str | None = None  # None: everyone; "target": lives in the rated county; "other": not
    age: tuple[float, float] | None = None


@dataclass(frozen=True)
class Indicator:
    """An indicator (``[indicators.<id>]``): a share of respondents answering certain codes."""

    id: str
    label: str
    question: str
    count: str | tuple[Any, ...]  # "vet_ikke", scale codes, or association categories
    base: str
    better: str
    domains: tuple[str, ...]
    kind: str = "share"


@dataclass(frozen=True)
class ReliabilitySpec:
    """``[reliability]``: the minimum unweighted base and the proportion CI method."""

    min_n: int = 30
    ci_method: str = "logit"
    level: float = 0.95


@dataclass(frozen=True)
class RanksSpec:
    """``[ranks]``: parametric draws for rank probabilities, and their seed."""

    draws: int = 10000
    seed: int = 20160101


@dataclass(frozen=True)
class WeightingSpec:
    """``[weighting]``: re-weight to SSB population margins instead of using the vendor weight."""

    method: str
    population_year: int
    age_groups: tuple[tuple[int, int], ...]
    margins: tuple[Any, ...]
    bounds: tuple[float, float] | None = None


@dataclass(frozen=True)
class Definition:
    """A parsed, schema-checked round definition.

    ``raw`` keeps the parsed TOML so that a survey-specific module (innovation) can read its
    own sections. The reputation parts (``respondent`` … ``weighting``) are ``None``/empty
    for ``kind == "innovasjon"``.
    """

    path: Path
    round: int
    kind: str
    title: str
    synthetic: bool
    note: str
    raw: dict[str, Any]
    data_path: Path
    data_options: dict[str, Any]
    design: DesignSection
    previous: int | None = None
    respondent: RespondentSpec | None = None
    targets: dict[str, str] = field(default_factory=dict)
    questions: dict[str, Question] = field(default_factory=dict)
    domains: dict[str, Domain] = field(default_factory=dict)
    indicators: tuple[Indicator, ...] = ()
    reliability: ReliabilitySpec = field(default_factory=ReliabilitySpec)
    ranks: RanksSpec = field(default_factory=RanksSpec)
    weighting: WeightingSpec | None = None

    def read(self) -> tuple[pl.DataFrame, Metadata]:
        """Read the round's data file with the definition's options (``omdomme.read``).

        >>> data, meta = load_definition(2018, "omdomme").read()
        """
        from omdomme.io import read

        return read(self.data_path, **self.data_options)


# --------------------------------------------------------------------------- schema helpers


_MISSING = object()  # a section the file does not have


class _Section:
    """Typed access to one TOML table that records which keys were used.

    Unknown keys are an error: a typo (``wieght``) must not silently fall back to a default.
    """

    def __init__(self, path: Path, name: str, table: Any) -> None:
        self.path = path
        self.name = name
        if table is _MISSING:
            raise DefinitionError(
                f"{path}: section [{name}] missing; add it (see docs/definitions.md)."
            )
        if not isinstance(table, Mapping):
            raise DefinitionError(
                f"{path}: [{name}] must be a table, found {type(table).__name__} {table!r}; "
                f"write it as a [{name}] section."
            )
        self.table = dict(table)

    def _where(self, key: str) -> str:
        return f"{self.path}: key `{key}` in [{self.name}]"

    def get(self, key: str, types: tuple[type, ...], *, required: bool = False,
            default: Any = None, hint: str = "") -> Any:
        if key not in self.table:
            if required:
                raise DefinitionError(
                    f"{self.path}: required key `{key}` missing in [{self.name}]; "
                    f"add it{', e.g. ' + hint if hint else ''} (see docs/definitions.md)."
                )
            return default
        value = self.table[key]
        # bool is an int subclass: never accept true/false where a number is expected.
        ok = isinstance(value, types) and not (isinstance(value, bool) and bool not in types)
        if not ok:
            names = " or ".join(_type_name(t) for t in types)
            raise DefinitionError(
                f"{self._where(key)} must be {names}, found {value!r}; "
                f"fix the value{', e.g. ' + hint if hint else ''}."
            )
        return value

    def choice(self, key: str, choices: tuple[str, ...], *, required: bool = False,
               default: str | None = None) -> Any:
        value = self.get(key, (str,), required=required, default=default, hint=f'{key} = "{choices[0]}"')
        if value is not None and value not in choices:
            raise DefinitionError(
                f"{self._where(key)} is {value!r}; use one of {', '.join(choices)}."
            )
        return value

    def numbers(self, key: str, *, required: bool = False) -> tuple[float, ...]:
        value = self.get(key, (list, int, float), required=required, default=[], hint=f"{key} = [9]")
        values = value if isinstance(value, list) else [value]
        for v in values:
            if isinstance(v, bool) or not isinstance(v, int | float):
                raise DefinitionError(
                    f"{self._where(key)} must be a list of numeric codes, found {v!r} in {value!r}; "
                    f"fix the list, e.g. {key} = [9]."
                )
        return tuple(float(v) for v in values)

    def check_unknown(self, allowed: tuple[str, ...]) -> None:
        for key in self.table:
            if key not in allowed:
                close = difflib.get_close_matches(key, allowed, n=1)
                fix = f"did you mean `{close[0]}`?" if close else f"allowed keys: {', '.join(allowed)}."
                raise DefinitionError(f"{self.path}: unknown key `{key}` in [{self.name}]; {fix}")


def _type_name(t: type) -> str:
    return {str: "a string", int: "an integer", float: "a number", bool: "true/false",
            list: "a list", dict: "a table"}.get(t, t.__name__)


def _sub_sections(path: Path, raw: dict[str, Any], name: str, *, required: bool) -> dict[str, Any]:
    table = raw.get(name)
    if table is None:
        if required:
            raise DefinitionError(
                f"{path}: section [{name}] missing; add at least one [{name}.<id>] (see docs/definitions.md)."
            )
        return {}
    if not isinstance(table, Mapping):
        raise DefinitionError(f"{path}: [{name}] must be a table of [{name}.<id>] sections, found {table!r}.")
    return dict(table)


# --------------------------------------------------------------------------- parsing

_TOP_OMDOMME = ("survey", "data", "design", "respondent", "targets", "questions", "domains",
                "indicators", "reliability", "ranks", "weighting")
_TOP_INNOVASJON = ("survey", "data", "design", "firm", "indicators", "goal", "disclosure",
                   "reliability")


def read_toml(path: str | Path) -> dict[str, Any]:
    """A definition file's TOML as a dict, unchecked: the one place a definition is read from disk.

    :func:`parse_definition` checks it; the series-break rules and the report read a few keys
    of it as written. A file that cannot be read or is not TOML is a :class:`DefinitionError`
    naming the file.
    """
    path = Path(path)
    try:
        return tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError as error:
        raise DefinitionError(f"{path}: definition file not found; create it (see docs/definitions.md).") from error
    except UnicodeDecodeError as error:
        raise DefinitionError(f"{path}: not UTF-8 ({error}); save the definition as UTF-8.") from error
    except tomllib.TOMLDecodeError as error:
        raise DefinitionError(f"{path}: invalid TOML: {error}; fix the syntax at that line.") from error


def parse_definition(path: str | Path) -> Definition:
    """Parse and schema-check one definition file.

    Parameters
    ----------
    path
        A ``surveys/<round>/<survey>.toml`` file.

    Returns
    -------
    Definition

    Raises
    ------
    DefinitionError
        Invalid TOML, unknown or missing keys, wrong types, dangling references.

    Examples
    --------
    >>> parse_definition("surveys/2018/omdomme.toml").kind
    'omdomme'
    """
    path = Path(path)
    raw = read_toml(path)

    survey = _Section(path, "survey", raw["survey"] if "survey" in raw else _missing(path, "survey"))
    kind = survey.choice("kind", SURVEYS, required=True)
    top = _TOP_OMDOMME if kind == "omdomme" else _TOP_INNOVASJON
    for key in raw:
        if key not in top:
            close = difflib.get_close_matches(key, top, n=1)
            fix = f"did you mean [{close[0]}]?" if close else f"allowed sections: {', '.join(top)}."
            raise DefinitionError(f"{path}: unknown section [{key}] for a {kind} definition; {fix}")
    survey.check_unknown(("kind", "round", "title", "synthetic", "note", "previous", "period"))
    round_ = survey.get("round", (int,), required=True, hint="round = 2018")
    title = survey.get("title", (str,), default=f"{kind} {round_}")
    synthetic = survey.get("synthetic", (bool,), default=False)
    note = survey.get("note", (str,), default="")
    previous = survey.get("previous", (int,))

    data = _Section(path, "data", raw["data"] if "data" in raw else _missing(path, "data"))
    data.check_unknown(("file", "delimiter", "decimal", "encoding", "codebook"))
    data_file = data.get("file", (str,), required=True, hint=f'file = "{kind}-{round_}.sav"')
    data_path = path.parent / data_file
    options: dict[str, Any] = {}
    for key in ("delimiter", "decimal", "encoding"):
        value = data.get(key, (str,))
        if value is not None:
            options[key] = value
    codebook = data.get("codebook", (str,))
    if codebook is not None:
        options["codebook"] = path.parent / codebook

    design = _parse_design(path, raw)
    common = dict(path=path, round=round_, kind=kind, title=title, synthetic=synthetic, note=note,
                  raw=raw, data_path=data_path, data_options=options, design=design, previous=previous)
    if kind == "innovasjon":
        # The innovation module parses its own sections ([firm], [indicators], [goal], ...).
        reliability = _parse_reliability(path, raw) if "reliability" in raw else ReliabilitySpec()
        return Definition(**common, reliability=reliability)

    respondent = _parse_respondent(path, raw)
    targets = _parse_targets(path, raw)
    questions = _parse_questions(path, raw)
    domains = _parse_domains(path, raw)
    indicators = _parse_indicators(path, raw, questions, domains)
    return Definition(
        **common,
        respondent=respondent,
        targets=targets,
        questions=questions,
        domains=domains,
        indicators=indicators,
        reliability=_parse_reliability(path, raw),
        ranks=_parse_ranks(path, raw),
        weighting=_parse_weighting(path, raw),
    )


def _missing(path: Path, name: str) -> Any:
    raise DefinitionError(f"{path}: section [{name}] missing; add it (see docs/definitions.md).")


def _parse_design(path: Path, raw: dict[str, Any]) -> DesignSection:
    s = _Section(path, "design", raw["design"] if "design" in raw else _missing(path, "design"))
    s.check_unknown(("id", "weight", "strata", "psu", "fpc", "lonely_psu"))
    return DesignSection(
        id=s.get("id", (str,), required=True, hint='id = "respid"'),
        weight=s.get("weight", (str,)),
        strata=s.get("strata", (str,)),
        psu=s.get("psu", (str,)),
        fpc=s.get("fpc", (str,)),
        lonely_psu=s.choice("lonely_psu", LONELY_PSU, default="fail"),
    )


def _codes_table(s: _Section, key: str, *, required: bool) -> dict[str, float]:
    table = s.get(key, (dict,), required=required, default={}, hint=f"{key} = {{ mann = 1, kvinne = 2 }}")
    out: dict[str, float] = {}
    for name, code in table.items():
        if isinstance(code, bool) or not isinstance(code, int | float):
            raise DefinitionError(
                f"{s.path}: `{key}.{name}` in [{s.name}] must be a numeric code, found {code!r}; "
                f"fix it, e.g. {name} = 1."
            )
        out[name] = float(code)
    return out


def _parse_respondent(path: Path, raw: dict[str, Any]) -> RespondentSpec:
    s = _Section(path, "respondent", raw["respondent"] if "respondent" in raw else _missing(path, "respondent"))
    s.check_unknown(("age", "sex", "sex_codes", "sample", "sample_codes", "kommune", "fylke", "code_year",
                     "borders"))
    kommune = s.get("kommune", (str,))
    fylke = s.get("fylke", (str,))
    if (kommune is None) == (fylke is None):
        raise DefinitionError(
            f"{path}: [respondent] needs exactly one of `kommune` or `fylke` (the residence code "
            f"variable), found {'both' if kommune else 'neither'}; e.g. kommune = \"kommune\"."
        )
    sex_codes = _codes_table(s, "sex_codes", required=True)
    if set(sex_codes) != {"mann", "kvinne"}:
        raise DefinitionError(
            f"{path}: `sex_codes` in [respondent] must name exactly `mann` and `kvinne`, found "
            f"{sorted(sex_codes)}; e.g. sex_codes = {{ mann = 1, kvinne = 2 }}."
        )
    sample = s.get("sample", (str,))
    sample_codes = _codes_table(s, "sample_codes", required=sample is not None)
    borders = s.get("borders", (int, str), default=2024, hint='borders = 2024 or borders = "round"')
    if borders not in BORDERS:
        raise DefinitionError(
            f"{path}: key `borders` in [respondent] is {borders!r}; use 2024 (the counties of 2024, "
            f"the default) or \"round\" (the counties of the round's code_year)."
        )
    if borders == "round" and "weighting" in raw:
        raise DefinitionError(
            f"{path}: key `borders` in [respondent] is \"round\" but the definition has [weighting]: "
            f"SSB's population margins exist in 2024 county borders only, so respondents placed in "
            f"the counties of {s.table.get('code_year', 'code_year')} cannot be raked to them. "
            f"Use borders = 2024 (or remove the key), or remove [weighting] and keep the vendor weight."
        )
    return RespondentSpec(
        age=s.get("age", (str,), required=True, hint='age = "alder"'),
        sex=s.get("sex", (str,), required=True, hint='sex = "kjonn"'),
        sex_codes=sex_codes,
        code_year=s.get("code_year", (int,), required=True, hint="code_year = 2018"),
        kommune=kommune,
        fylke=fylke,
        sample=sample,
        sample_codes=sample_codes,
        borders=borders,
    )


def _parse_targets(path: Path, raw: dict[str, Any]) -> dict[str, str]:
    s = _Section(path, "targets", raw["targets"] if "targets" in raw else _missing(path, "targets"))
    s.check_unknown(COUNTY_KEYS)
    if not s.table:
        raise DefinitionError(f"{path}: [targets] is empty; list the rated counties, e.g. ostfold = \"ostf\".")
    return {key: s.get(key, (str,), hint=f'{key} = "{key[:4]}"') for key in COUNTY_KEYS if key in s.table}


def _parse_questions(path: Path, raw: dict[str, Any]) -> dict[str, Question]:
    out: dict[str, Question] = {}
    for name, table in _sub_sections(path, raw, "questions", required=True).items():
        s = _Section(path, f"questions.{name}", table)
        s.check_unknown(("variable", "variables", "text", "wording", "scale", "scale_id", "vet_ikke", "codes"))
        variable = s.get("variable", (str,))
        variables = s.get("variables", (list,), default=[])
        if (variable is None) == (not variables):
            raise DefinitionError(
                f"{path}: [questions.{name}] needs exactly one of `variable` (a scale question) or "
                f"`variables` (coded associations); e.g. variable = \"{name}_{{target}}\"."
            )
        for v in [variable, *variables]:
            if v is not None and (not isinstance(v, str) or "{target}" not in v):
                raise DefinitionError(
                    f"{path}: variable template {v!r} in [questions.{name}] must be a string containing "
                    f"`{{target}}` (replaced by each token of [targets]); e.g. \"{name}_{{target}}\"."
                )
        codes: dict[float, str] = {}
        if variables:
            table_codes = s.get("codes", (dict,), required=True, hint='[questions.x.codes] 6 = "verdier"')
            for code, category in table_codes.items():
                try:
                    number = float(code)
                except ValueError:
                    raise DefinitionError(
                        f"{path}: code {code!r} in [questions.{name}.codes] is not a number; "
                        f"write raw numeric codes as keys, e.g. 6 = \"verdier\"."
                    ) from None
                if not isinstance(category, str):
                    raise DefinitionError(
                        f"{path}: category of code {code} in [questions.{name}.codes] must be a string, "
                        f"found {category!r}."
                    )
                codes[number] = category
            if "scale" in s.table:
                raise DefinitionError(
                    f"{path}: [questions.{name}] has both `variables` (coded associations) and `scale`; "
                    f"coded associations use [questions.{name}.codes] — remove `scale`."
                )
            scale: tuple[float, ...] = ()
        else:
            s.check_unknown(("variable", "text", "wording", "scale", "scale_id", "vet_ikke"))
            scale = s.numbers("scale", required=True)
            if not scale:
                raise DefinitionError(f"{path}: `scale` in [questions.{name}] is empty; list the valid answers, e.g. [1, 2, 3, 4, 5].")
        vet_ikke = s.numbers("vet_ikke")
        overlap = set(vet_ikke) & set(scale)
        if overlap:
            raise DefinitionError(
                f"{path}: code(s) {sorted(overlap)} in [questions.{name}] are both in `scale` and "
                f"`vet_ikke`; a code means one thing — remove it from one of them."
            )
        out[name] = Question(
            name=name, variable=variable, variables=tuple(variables), vet_ikke=vet_ikke, scale=scale,
            scale_id=s.get("scale_id", (str,)), wording=s.get("wording", (str,)),
            text=s.get("text", (str,)), codes=codes,
        )
    return out


def _parse_domains(path: Path, raw: dict[str, Any]) -> dict[str, Domain]:
    out: dict[str, Domain] = {}
    for name, table in _sub_sections(path, raw, "domains", required=True).items():
        s = _Section(path, f"domains.{name}", table)
        s.check_unknown(("label", "residents", "age"))
        age = s.numbers("age") or None
        if age is not None and (len(age) != 2 or age[0] > age[1]):
            raise DefinitionError(
                f"{path}: `age` in [domains.{name}] must be [low, high] with low <= high, found "
                f"{list(age)}; e.g. age = [18, 29]."
            )
        out[name] = Domain(
            id=name,
            label=s.get("label", (str,), default=name),
            residents=s.choice("residents", ("target", "other")),
            age=(age[0], age[1]) if age else None,
        )
    return out


def _parse_indicators(path: Path, raw: dict[str, Any], questions: dict[str, Question],
                      domains: dict[str, Domain]) -> tuple[Indicator, ...]:
    out = []
    for name, table in _sub_sections(path, raw, "indicators", required=True).items():
        s = _Section(path, f"indicators.{name}", table)
        s.check_unknown(("label", "question", "count", "base", "better", "domains", "kind"))
        question = s.get("question", (str,), required=True, hint='question = "inntrykk"')
        if question not in questions:
            close = difflib.get_close_matches(question, list(questions), n=1)
            fix = f"did you mean `{close[0]}`?" if close else f"define [questions.{question}] or use one of {', '.join(questions)}."
            raise DefinitionError(f"{path}: [indicators.{name}] names unknown question `{question}`; {fix}")
        q = questions[question]
        count = s.get("count", (str, list), required=True, hint="count = [5]")
        if isinstance(count, str):
            if count != "vet_ikke":
                raise DefinitionError(
                    f"{path}: `count` in [indicators.{name}] is {count!r}; use \"vet_ikke\" or a list "
                    f"of codes (or association categories), e.g. count = [5]."
                )
            count_value: str | tuple[Any, ...] = "vet_ikke"
        elif q.is_coded:
            categories = set(q.codes.values())
            unknown = [c for c in count if c not in categories]
            if unknown or not count:
                raise DefinitionError(
                    f"{path}: `count` in [indicators.{name}] lists {unknown or count!r}, not categories of "
                    f"[questions.{question}.codes] ({', '.join(sorted(categories))}); e.g. count = [\"verdier\"]."
                )
            count_value = tuple(count)
        else:
            bad = [c for c in count if isinstance(c, bool) or not isinstance(c, int | float) or float(c) not in q.scale]
            if bad or not count:
                raise DefinitionError(
                    f"{path}: `count` in [indicators.{name}] lists {bad or count!r}, not codes of the scale "
                    f"{[_num(c) for c in q.scale]} of [questions.{question}]; e.g. count = [{_num(q.scale[-1])}]."
                )
            count_value = tuple(float(c) for c in count)
        names = s.get("domains", (list,), default=["alle"])
        for d in names:
            if d not in domains:
                close = difflib.get_close_matches(str(d), list(domains), n=1)
                fix = f"did you mean `{close[0]}`?" if close else f"define [domains.{d}] or use one of {', '.join(domains)}."
                raise DefinitionError(f"{path}: [indicators.{name}] names unknown domain `{d}`; {fix}")
        base = s.choice("base", ("all", "valid"), default="all")
        if base == "valid" and count_value == "vet_ikke":
            raise DefinitionError(
                f"{path}: [indicators.{name}] counts «vet ikke» with base = \"valid\" (which excludes "
                f"vet ikke): the share would always be 0; use base = \"all\"."
            )
        out.append(Indicator(
            id=name,
            label=s.get("label", (str,), default=name),
            question=question,
            count=count_value,
            base=base,
            better=s.choice("better", ("higher", "lower"), required=True),
            domains=tuple(names),
            kind=s.choice("kind", ("share",), default="share"),
        ))
    return tuple(out)


def _num(x: float) -> int | float:
    return int(x) if float(x).is_integer() else x


def _parse_reliability(path: Path, raw: dict[str, Any]) -> ReliabilitySpec:
    if "reliability" not in raw:
        return ReliabilitySpec()
    s = _Section(path, "reliability", raw["reliability"])
    s.check_unknown(("min_n", "ci_method", "level"))
    level = s.get("level", (float,), default=0.95)
    if not 0 < level < 1:
        raise DefinitionError(f"{path}: `level` in [reliability] is {level}; use a value in (0, 1), e.g. 0.95.")
    min_n = s.get("min_n", (int,), default=30)
    if min_n < 0:
        raise DefinitionError(f"{path}: `min_n` in [reliability] is {min_n}; use a count >= 0, e.g. 30.")
    return ReliabilitySpec(min_n=min_n, ci_method=s.choice("ci_method", CI_METHODS, default="logit"), level=level)


def _parse_ranks(path: Path, raw: dict[str, Any]) -> RanksSpec:
    if "ranks" not in raw:
        return RanksSpec()
    s = _Section(path, "ranks", raw["ranks"])
    s.check_unknown(("draws", "seed"))
    draws = s.get("draws", (int,), default=10000)
    if draws < 100:
        raise DefinitionError(f"{path}: `draws` in [ranks] is {draws}; use at least 100, e.g. draws = 10000.")
    return RanksSpec(draws=draws, seed=s.get("seed", (int,), default=20160101))


def _parse_weighting(path: Path, raw: dict[str, Any]) -> WeightingSpec | None:
    if "weighting" not in raw:
        return None
    s = _Section(path, "weighting", raw["weighting"])
    s.check_unknown(("method", "population_year", "age_groups", "margins", "bounds"))
    groups = s.get("age_groups", (list,), required=True, hint="age_groups = [[18, 29], [30, 44], [45, 59], [60, 80]]")
    for g in groups:
        if not (isinstance(g, list) and len(g) == 2 and all(isinstance(a, int) for a in g) and g[0] <= g[1]):
            raise DefinitionError(
                f"{path}: age group {g!r} in [weighting] must be [low, high] (whole years); "
                f"e.g. age_groups = [[18, 29], [30, 44]]."
            )
    margins = s.get("margins", (list,), required=True, hint='margins = ["fylke", "kjonn", "aldersgruppe"]')
    allowed = ("fylke", "kjonn", "aldersgruppe")
    for m in margins:
        parts = m if isinstance(m, list) else [m]
        bad = [p for p in parts if p not in allowed]
        if bad:
            raise DefinitionError(
                f"{path}: margin {m!r} in [weighting] names {bad}; use {', '.join(allowed)} "
                f"(one each, or crossed as a list)."
            )
    bounds = s.get("bounds", (list,))
    if bounds is not None and not (len(bounds) == 2 and all(isinstance(b, int | float) for b in bounds)
                                   and 0 < bounds[0] < 1 < bounds[1]):
        raise DefinitionError(
            f"{path}: `bounds` in [weighting] is {bounds!r}; use [low, high] with 0 < low < 1 < high, e.g. [0.2, 5.0]."
        )
    return WeightingSpec(
        method=s.choice("method", ("rake", "poststratify"), default="rake"),
        population_year=s.get("population_year", (int,), required=True, hint="population_year = 2018"),
        age_groups=tuple((int(a), int(b)) for a, b in groups),
        margins=tuple(tuple(m) if isinstance(m, list) else m for m in margins),
        bounds=(float(bounds[0]), float(bounds[1])) if bounds else None,
    )


# --------------------------------------------------------------------------- finding rounds


def available_rounds(root: str | Path = ".") -> list[int]:
    """Rounds present under ``<root>/surveys/`` (folders named by a year holding a definition).

    >>> available_rounds(".")[:3]
    [2016, 2018, 2020]
    """
    surveys = Path(root) / "surveys"
    if not surveys.is_dir():
        return []
    return sorted(
        int(p.name) for p in surveys.iterdir()
        if p.is_dir() and p.name.isdigit() and any((p / f"{s}.toml").is_file() for s in SURVEYS)
    )


def _unknown_round(round: int, root: Path, what: str) -> UsageError:
    present = available_rounds(root)
    listing = ", ".join(map(str, present)) if present else "none"
    return UsageError(
        f"round {round}: no {what} under {root / 'surveys' / str(round)}; rounds present in "
        f"{root / 'surveys'}: {listing}. Use one of those, or --root for another project folder."
    )


def load_definition(round: int, survey: str = "omdomme", root: str | Path = ".") -> Definition:
    """Load ``<root>/surveys/<round>/<survey>.toml``.

    Parameters
    ----------
    round
        The round (year), e.g. 2018.
    survey
        ``"omdomme"`` or ``"innovasjon"``.
    root
        The project folder holding ``surveys/``.

    Raises
    ------
    UsageError
        The round or its definition does not exist (the message lists the rounds present).
    DefinitionError
        The definition is invalid.

    Examples
    --------
    >>> load_definition(2018).targets["ostfold"]
    'ostf'
    """
    if survey not in SURVEYS:
        raise UsageError(f"unknown survey {survey!r}; use one of {', '.join(SURVEYS)}.")
    root = Path(root)
    path = root / "surveys" / str(round) / f"{survey}.toml"
    if not path.is_file():
        raise _unknown_round(round, root, f"{survey}.toml")
    definition = parse_definition(path)
    if definition.round != int(round):
        raise DefinitionError(
            f"{path}: `round` in [survey] is {definition.round} but the file lies in surveys/{round}/; "
            f"set round = {round} or move the file."
        )
    if definition.kind != survey:
        raise DefinitionError(
            f"{path}: `kind` in [survey] is {definition.kind!r} but the file is named {survey}.toml; "
            f"set kind = \"{survey}\" or rename the file."
        )
    return definition


def find_definitions(round: int, root: str | Path = ".") -> list[Definition]:
    """Every definition of a round (``omdomme.toml`` and/or ``innovasjon.toml``), in that order.

    Raises :class:`UsageError` listing the rounds present when the round has none.

    >>> [d.kind for d in find_definitions(2018, ".")]
    ['omdomme', 'innovasjon']
    """
    root = Path(root)
    folder = root / "surveys" / str(round)
    found = [load_definition(round, s, root) for s in SURVEYS if (folder / f"{s}.toml").is_file()]
    if not found:
        raise _unknown_round(round, root, "definition (omdomme.toml or innovasjon.toml)")
    return found


def previous_round(definition: Definition, root: str | Path = ".") -> int | None:
    """The round to compare with: ``previous`` from the definition, else the latest earlier round present.

    >>> previous_round(load_definition(2018))
    2016
    """
    if definition.previous is not None:
        return definition.previous
    earlier = [r for r in available_rounds(root) if r < definition.round
               and (Path(root) / "surveys" / str(r) / f"{definition.kind}.toml").is_file()]
    return max(earlier) if earlier else None
