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
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

from omdomme.errors import DefinitionError, ReadError, UsageError
from omdomme.labels import COUNTIES as COUNTY_KEYS

if TYPE_CHECKING:
    import polars as pl

    from omdomme.io import Metadata

SURVEYS = ("omdomme", "innovasjon")
LONELY_PSU = ("fail", "remove", "adjust", "average")
CI_METHODS = ("logit", "likelihood", "asin", "beta", "mean", "xlogit", "wilson", "korn_graubard_nchs")
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
    # Codes of sex/age/sample that are no answer (refusal); they never inherit [missing].
    nonresponse: tuple[float, ...] = ()
    # Band code -> inclusive range of years; empty: `age` holds years.
    age_bands: dict[float, tuple[int, int]] = field(default_factory=dict)
    # The vendor's code of `fylke` -> county key (or "utenfor"); empty: SSB county codes.
    county_codes: dict[float, str] = field(default_factory=dict)


@dataclass(frozen=True)
class Question:
    """A harmonised question (``[questions.<name>]``).

    Scale questions have ``variable`` and ``scale`` (codes, with ``scale_labels`` when the
    definition gives them); coded associations come as a multiple-category set
    (``variables``, several code columns per target, and ``codes``: raw code -> category) or
    as a multiple-dichotomy set (``dichotomies``: category -> a 0/1 variable template, with
    ``counted`` the value that means «mentioned»; the key ``vet_ikke`` is the «vet ikke» item).

    ``vet_ikke`` and ``nonresponse`` are the codes of the two missing roles, the file-wide
    ``[missing]`` defaults already applied.
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
    nonresponse: tuple[float, ...] = ()
    scale_labels: dict[float, str] = field(default_factory=dict)
    direction: str = "ascending"
    dichotomies: dict[str, str] = field(default_factory=dict)
    counted: float = 1.0

    @property
    def is_coded(self) -> bool:
        """True for coded free associations (either multiple-response form)."""
        return bool(self.variables) or bool(self.dichotomies)

    @property
    def form(self) -> str:
        """``scale``, ``category`` (code variables + a code frame) or ``dichotomy``."""
        return "dichotomy" if self.dichotomies else "category" if self.variables else "scale"

    @property
    def categories(self) -> tuple[str, ...]:
        """The harmonised categories of a coded question, in definition order (no ``vet_ikke``).

        >>> Question("a", None, (), (), dichotomies={"steder": "x_{i}_1", "vet_ikke": "x_{i}_9"}).categories
        ('steder',)
        """
        if self.dichotomies:
            return tuple(c for c in self.dichotomies if c != "vet_ikke")
        return tuple(dict.fromkeys(self.codes.values()))

    def templates(self) -> tuple[str, ...]:
        """The variable templates, in definition order."""
        if self.dichotomies:
            return tuple(self.dichotomies.values())
        return self.variables if self.variables else (self.variable or "",)

    def raw_variables(self, token: str) -> tuple[str, ...]:
        """The raw column names of this question for one target's token.

        ``{target}`` and ``{i}`` both become the token (with ``[targets] order`` the token is
        the county's position in the vendor's order).

        >>> Question("x", "kj_{target}", (), (9.0,)).raw_variables("ostf")
        ('kj_ostf',)
        >>> Question("x", "Q2_{i}", (), (9.0,)).raw_variables("3")
        ('Q2_3',)
        """
        return tuple(fill_template(t, token) for t in self.templates())


def fill_template(template: str, token: str) -> str:
    """A variable template with ``{target}``/``{i}`` replaced by a target's token.

    >>> fill_template("Q5_{i}_6", "2")
    'Q5_2_6'
    """
    return template.replace("{target}", token).replace("{i}", token)


@dataclass(frozen=True)
class MissingSpec:
    """``[missing]``: the file-wide codes of the two missing roles (a question may replace them)."""

    vet_ikke: tuple[float, ...] = ()
    nonresponse: tuple[float, ...] = ()


@dataclass(frozen=True)
class Domain:
    """A domain of respondents (``[domains.<id>]``): residents of the rated county or not, an age band."""

    id: str
    label: str
    residents: str | None = None  # None: everyone; "target": lives in the rated county; "other": not
    age: tuple[float, float] | None = None
    label_en: str | None = None  # the English label (``--lang en``); None: not translated


@dataclass(frozen=True)
class CodeGroup:
    """``count = {any = [...], only = [...], none_of = [...]}``: a rule over the categories mentioned.

    A respondent counts when they mention at least one category of ``any`` (if given), every
    category they mention is in ``only`` and there is at least one (if given), and they
    mention none of ``none_of``. A plain list, ``count = ["verdier"]``, is ``any``.
    """

    any: tuple[str, ...] = ()
    only: tuple[str, ...] = ()
    none_of: tuple[str, ...] = ()


@dataclass(frozen=True)
class Indicator:
    """An indicator (``[indicators.<id>]``).

    ``kind``: ``share`` (of respondents answering the ``count`` codes), ``scale`` (the share of
    every code of a scale question, one row per code), ``mean`` (the mean score on valid
    answers), ``net`` (the share answering ``top`` minus the share answering ``bottom``).
    """

    id: str
    label: str
    question: str
    count: str | tuple[Any, ...] | CodeGroup  # "vet_ikke", scale codes, association categories, a code group
    base: str
    better: str
    domains: tuple[str, ...]
    kind: str = "share"
    top: tuple[float, ...] = ()  # net score: the codes counted as positive ...
    bottom: tuple[float, ...] = ()  # ... and as negative
    label_en: str | None = None  # the English label (``--lang en``); None: not translated


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


INDICATOR_KINDS = ("share", "scale", "mean", "net")
"""Kinds of reputation indicator: a share, a whole scale, a mean score, a net score (top minus bottom)."""

BREAKDOWN_BY = ("sex", "age", "sample", "residence", "question", "variable")
"""What a ``[breakdowns.<id>]`` splits by: a harmonised respondent field, a question about the rated county, a raw variable."""


@dataclass(frozen=True)
class BreakdownLevel:
    """One declared level of a breakdown: its id and the raw codes (or the ``[low, high]`` age band)."""

    id: str
    codes: tuple[float, ...] = ()


@dataclass(frozen=True)
class Breakdown:
    """A breakdown (``[breakdowns.<id>]``): every listed indicator, also in each level as a domain.

    ``by`` is one of :data:`BREAKDOWN_BY` (an innovation definition's: those of
    :data:`omdomme.definitions.innovation.BREAKDOWN_BY`); ``source`` the question (``by = "question"``),
    the raw variable (``by = "variable"``) or the ``[firm]`` field's column (``industry``, ``size_class``,
    ``employees``). ``levels`` empty: one level per code (value labels and data).
    ``labels``: level id -> label where the definition overrides the file's value labels;
    ``label_en`` and ``labels_en`` the English ones (``--lang en``), where given.
    A level's domain is ``within`` (a domain id, default ``alle``) and the level; its id in the
    output is ``<breakdown>=<level>``.
    """

    id: str
    label: str
    by: str
    indicators: tuple[str, ...]
    source: str | None = None
    levels: tuple[BreakdownLevel, ...] = ()
    labels: dict[str, str] = field(default_factory=dict)
    within: str = "alle"
    label_en: str | None = None
    labels_en: dict[str, str] = field(default_factory=dict)

    def domain(self, level: str) -> str:
        """The output's ``domain`` id of a level.

        >>> Breakdown("kjonn", "Kjønn", "sex", ()).domain("kvinne")
        'kjonn=kvinne'
        """
        return f"{self.id}={level}"


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
    # [targets] order: the vendor's county order (the token of a county is its position).
    target_order: tuple[str, ...] = ()
    missing: MissingSpec = field(default_factory=MissingSpec)
    questions: dict[str, Question] = field(default_factory=dict)
    domains: dict[str, Domain] = field(default_factory=dict)
    indicators: tuple[Indicator, ...] = ()
    reliability: ReliabilitySpec = field(default_factory=ReliabilitySpec)
    ranks: RanksSpec = field(default_factory=RanksSpec)
    weighting: WeightingSpec | None = None
    breakdowns: dict[str, Breakdown] = field(default_factory=dict)

    def read(self) -> tuple[pl.DataFrame, Metadata]:
        """Read the round's data file with the definition's options (``omdomme.read``).

        >>> data, meta = load_definition(2018, "omdomme").read()
        """
        from omdomme.io import read

        if not self.data_path.exists() and not self.data_path.is_symlink():
            # Name the definition too: the mistake may be the name in [data], not a lost file.
            raise ReadError(
                f"{self.data_path}: file not found, named by [data] file in {self.path} (looked in "
                f"{self.data_path.resolve().parent}); check the name there and the file's spelling."
            )
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

    def text(self, key: str, *, hint: str = "") -> str | None:
        """An optional non-empty string (``label_en``): absent is ``None``, ``""`` is an error."""
        value = self.get(key, (str,), hint=hint)
        if value is not None and not value.strip():
            raise DefinitionError(
                f"{self._where(key)} is empty; write the text{', e.g. ' + hint if hint else ''}, or remove the key."
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

_TOP_OMDOMME = ("survey", "data", "design", "missing", "respondent", "targets", "questions", "domains",
                "indicators", "reliability", "ranks", "weighting", "breakdowns")
_TOP_INNOVASJON = ("survey", "data", "design", "firm", "indicators", "goal", "disclosure",
                   "reliability", "breakdowns")


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
    except IsADirectoryError as error:
        raise DefinitionError(f"{path} is a folder, not a definition file; move it away and put the "
                              "round's definition there (see docs/definitions.md).") from error
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
    if previous is not None and previous >= round_:
        raise DefinitionError(
            f"{path}: [survey] previous = {previous} is not earlier than the round itself ({round_}); "
            f"name an earlier round to compare with, or remove previous to use the latest earlier one."
        )

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
    targets, order = _parse_targets(path, raw)
    missing = _parse_missing(path, raw)
    questions = _parse_questions(path, raw, missing, ordered=bool(order))
    domains = _parse_domains(path, raw)
    indicators = _parse_indicators(path, raw, questions, domains)
    weighting = _parse_weighting(path, raw)
    _check_age_bands(path, respondent, domains, weighting)
    return Definition(
        **common,
        respondent=respondent,
        targets=targets,
        target_order=order,
        missing=missing,
        questions=questions,
        domains=domains,
        indicators=indicators,
        reliability=_parse_reliability(path, raw),
        ranks=_parse_ranks(path, raw),
        weighting=weighting,
        breakdowns=_parse_breakdowns(path, raw, respondent, questions, domains, indicators),
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
                     "borders", "nonresponse", "age_bands", "county_codes"))
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
    if sex_codes["mann"] == sex_codes["kvinne"]:
        raise DefinitionError(
            f"{path}: `sex_codes` in [respondent] gives mann and kvinne the same code "
            f"{_num(sex_codes['mann'])}; each sex needs its own code."
        )
    sample = s.get("sample", (str,))
    sample_codes = _codes_table(s, "sample_codes", required=sample is not None)
    nonresponse = s.numbers("nonresponse")
    clash = sorted(set(nonresponse) & set(sex_codes.values()))
    if clash:
        raise DefinitionError(
            f"{path}: code(s) {[_num(c) for c in clash]} are both in `sex_codes` and `nonresponse` of "
            f"[respondent]; a code means one thing — remove it from one of them."
        )
    county_codes = _county_codes(s, fylke)
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
    # With the vendor's own county codes no SSB code list is read: code_year is then optional.
    round_ = raw.get("survey", {}).get("round", 0) if isinstance(raw.get("survey"), Mapping) else 0
    code_year = s.get("code_year", (int,), required=not county_codes, hint="code_year = 2018",
                      default=round_)
    return RespondentSpec(
        age=s.get("age", (str,), required=True, hint='age = "alder"'),
        sex=s.get("sex", (str,), required=True, hint='sex = "kjonn"'),
        sex_codes=sex_codes,
        code_year=code_year,
        kommune=kommune,
        fylke=fylke,
        sample=sample,
        sample_codes=sample_codes,
        borders=borders,
        nonresponse=nonresponse,
        age_bands=_age_bands(s),
        county_codes=county_codes,
    )


def _age_bands(s: _Section) -> dict[float, tuple[int, int]]:
    """``age_bands = { "1" = [18, 29], ... }``: band code -> inclusive whole years, not overlapping."""
    table = s.get("age_bands", (dict,), default={}, hint='age_bands = { "1" = [18, 29], "2" = [30, 44] }')
    bands: dict[float, tuple[int, int]] = {}
    for code, span in table.items():
        try:
            number = float(code)
        except ValueError:
            raise DefinitionError(
                f"{s.path}: band {code!r} in `age_bands` of [respondent] is not a numeric code; write the "
                f"codes of the age variable as keys, e.g. \"1\" = [18, 29]."
            ) from None
        if not (isinstance(span, list) and len(span) == 2 and all(isinstance(a, int) and not isinstance(a, bool)
                                                                   for a in span) and 0 <= span[0] <= span[1]):
            raise DefinitionError(
                f"{s.path}: band \"{code}\" in `age_bands` of [respondent] is {span!r}; give its ages as "
                f"[low, high] in whole years, e.g. \"{code}\" = [18, 29]."
            )
        bands[number] = (span[0], span[1])
    ordered = sorted(bands.items(), key=lambda item: item[1])
    for (c1, (lo1, hi1)), (c2, (lo2, hi2)) in zip(ordered, ordered[1:], strict=False):
        if lo2 <= hi1:
            raise DefinitionError(
                f"{s.path}: age bands \"{_num(c1)}\" = [{lo1}, {hi1}] and \"{_num(c2)}\" = [{lo2}, {hi2}] in "
                f"[respondent] overlap; a respondent's age must fall in one band."
            )
    return bands


def _county_codes(s: _Section, fylke: str | None) -> dict[float, str]:
    """``county_codes = { ostfold = 5, ..., utenfor = [6, 7] }``: the vendor's county code -> county key."""
    table = s.get("county_codes", (dict,), default={}, hint="county_codes = { akershus = 1, oslo = 2 }")
    if not table:
        return {}
    if fylke is None:
        raise DefinitionError(
            f"{s.path}: `county_codes` in [respondent] maps the codes of a `fylke` variable, but "
            f"[respondent] names `kommune`; use fylke = \"<variable>\" with county_codes, or remove county_codes."
        )
    allowed = (*COUNTY_KEYS, "utenfor")
    out: dict[float, str] = {}
    for county, codes in table.items():
        if county not in allowed:
            close = difflib.get_close_matches(county, allowed, n=1)
            fix = f"did you mean `{close[0]}`?" if close else f"use {', '.join(allowed)}."
            raise DefinitionError(f"{s.path}: `county_codes.{county}` in [respondent] is not a county key; {fix}")
        for code in codes if isinstance(codes, list) else [codes]:
            if isinstance(code, bool) or not isinstance(code, int | float):
                raise DefinitionError(
                    f"{s.path}: `county_codes.{county}` in [respondent] must be a code or a list of codes, "
                    f"found {codes!r}; e.g. {county} = 5."
                )
            if float(code) in out:
                raise DefinitionError(
                    f"{s.path}: code {_num(code)} in `county_codes` of [respondent] is given to both "
                    f"{out[float(code)]} and {county}; a code means one county."
                )
            out[float(code)] = county
    return out


def _parse_missing(path: Path, raw: dict[str, Any]) -> MissingSpec:
    """``[missing]``: file-wide codes of the roles ``vet_ikke`` and ``nonresponse``."""
    if "missing" not in raw:
        return MissingSpec()
    s = _Section(path, "missing", raw["missing"])
    s.check_unknown(("vet_ikke", "nonresponse"))
    vet_ikke, nonresponse = s.numbers("vet_ikke"), s.numbers("nonresponse")
    both = sorted(set(vet_ikke) & set(nonresponse))
    if both:
        raise DefinitionError(
            f"{path}: code(s) {[_num(c) for c in both]} in [missing] are both `vet_ikke` and "
            f"`nonresponse`; a code has one role — remove it from one of them."
        )
    return MissingSpec(vet_ikke=vet_ikke, nonresponse=nonresponse)


def _parse_targets(path: Path, raw: dict[str, Any]) -> tuple[dict[str, str], tuple[str, ...]]:
    """``[targets]``: county key -> token, or ``order`` (the vendor's county order; token = position)."""
    s = _Section(path, "targets", raw["targets"] if "targets" in raw else _missing(path, "targets"))
    s.check_unknown((*COUNTY_KEYS, "order"))
    if not s.table:
        raise DefinitionError(f"{path}: [targets] is empty; list the rated counties, e.g. ostfold = \"ostf\".")
    if "order" in s.table:
        tokens = [k for k in s.table if k != "order"]
        if tokens:
            raise DefinitionError(
                f"{path}: [targets] has both `order` and tokens ({', '.join(tokens)}); use one form: "
                f"order = [...] for variables named by position ({{i}}), or one token per county."
            )
        order = s.get("order", (list,), hint='order = ["akershus", "oslo", "buskerud", "vestfold", "ostfold"]')
        bad = [c for c in order if c not in COUNTY_KEYS]
        if bad or not order:
            raise DefinitionError(
                f"{path}: `order` in [targets] lists {bad or order!r}, not county keys; list the rated "
                f"counties in the vendor's order, from {', '.join(COUNTY_KEYS)}."
            )
        twice = sorted({c for c in order if order.count(c) > 1})
        if twice:
            raise DefinitionError(f"{path}: `order` in [targets] lists {', '.join(twice)} more than once; "
                                  f"each rated county has one position.")
        position = {c: str(i) for i, c in enumerate(order, start=1)}
        return {key: position[key] for key in COUNTY_KEYS if key in position}, tuple(order)
    return {key: s.get(key, (str,), hint=f'{key} = "{key[:4]}"') for key in COUNTY_KEYS if key in s.table}, ()


_QUESTION_KEYS = ("variable", "variables", "dichotomies", "counted", "text", "wording", "scale", "scale_id",
                  "direction", "vet_ikke", "nonresponse", "codes")


def _parse_questions(path: Path, raw: dict[str, Any], missing: MissingSpec | None = None, *,
                     ordered: bool = False) -> dict[str, Question]:
    missing = missing or MissingSpec()
    out: dict[str, Question] = {}
    for name, table in _sub_sections(path, raw, "questions", required=True).items():
        out[name] = _parse_question(path, name, table, missing, ordered)
    return out


def _parse_question(path: Path, name: str, table: Any, missing: MissingSpec, ordered: bool) -> Question:
    s = _Section(path, f"questions.{name}", table)
    s.check_unknown(_QUESTION_KEYS)
    variable = s.get("variable", (str,))
    variables = s.get("variables", (list,), default=[])
    dichotomies = s.get("dichotomies", (dict,), default={})
    forms = [k for k, v in (("variable", variable), ("variables", variables), ("dichotomies", dichotomies)) if v]
    if len(forms) != 1:
        raise DefinitionError(
            f"{path}: [questions.{name}] needs exactly one of `variable` (a scale question), `variables` "
            f"(coded associations, multiple category) or [questions.{name}.dichotomies] (multiple "
            f"dichotomy), found {' and '.join(f'`{f}`' for f in forms) if forms else 'none'}; "
            f"e.g. variable = \"{name}_{{target}}\"."
        )
    for v in [variable, *variables, *dichotomies.values()]:
        if v is None:
            continue
        if not isinstance(v, str) or ("{target}" not in v and "{i}" not in v):
            raise DefinitionError(
                f"{path}: variable template {v!r} in [questions.{name}] must be a string containing "
                f"`{{target}}` (each token of [targets]) or `{{i}}` (each county's position in [targets] "
                f"order); e.g. \"{name}_{{target}}\"."
            )
        if "{i}" in v and not ordered:
            raise DefinitionError(
                f"{path}: variable template {v!r} in [questions.{name}] uses `{{i}}` (the county's "
                f"position) but [targets] has no `order`; add order = [...] (the vendor's county order) "
                f"to [targets], or use `{{target}}` with tokens."
            )
    codes: dict[float, str] = {}
    scale: tuple[float, ...] = ()
    labels: dict[float, str] = {}
    if variables:
        codes = _code_frame(s, name)
    if variables or dichotomies:
        for key in ("scale", "direction", "scale_id"):
            if key in s.table:
                raise DefinitionError(
                    f"{path}: [questions.{name}] is a coded association question and has `{key}`; "
                    f"coded associations use a code frame — remove `{key}`."
                )
    if dichotomies:
        if "codes" in s.table:
            raise DefinitionError(
                f"{path}: [questions.{name}] has both [questions.{name}.dichotomies] and "
                f"[questions.{name}.codes]; a dichotomy set names its categories in `dichotomies` — remove `codes`."
            )
        if "vet_ikke" in s.table:
            raise DefinitionError(
                f"{path}: [questions.{name}] is a multiple-dichotomy set: «vet ikke» is an item, not a code; "
                f"add vet_ikke = \"<variable>\" to [questions.{name}.dichotomies] and remove `vet_ikke`."
            )
    elif "counted" in s.table:
        raise DefinitionError(
            f"{path}: `counted` in [questions.{name}] is the counted value of a multiple-dichotomy set; "
            f"remove it, or use [questions.{name}.dichotomies]."
        )
    if variable is not None:
        if "codes" in s.table:
            raise DefinitionError(
                f"{path}: [questions.{name}] is a scale question (`variable`) and has [questions.{name}.codes]; "
                f"a code frame belongs to coded associations (`variables`) — remove it."
            )
        scale, labels = _scale(s, name)
    counted = s.get("counted", (int, float), default=1, hint="counted = 1")
    # The roles: a question's own list replaces the file-wide default of that role.
    vet_ikke = () if dichotomies else (s.numbers("vet_ikke") if "vet_ikke" in s.table else missing.vet_ikke)
    nonresponse = s.numbers("nonresponse") if "nonresponse" in s.table else missing.nonresponse
    answers = set(scale) | set(codes)
    for role, values in (("vet_ikke", vet_ikke), ("nonresponse", nonresponse)):
        overlap = sorted(answers & set(values))
        if overlap:
            where = "" if role in s.table else " (from [missing])"
            what = "`scale`" if scale else f"[questions.{name}.codes]"
            raise DefinitionError(
                f"{path}: code(s) {[_num(c) for c in overlap]} in [questions.{name}] are both in {what} and "
                f"`{role}`{where}; a code means one thing — "
                + (f"set {role} = [...] in [questions.{name}] to replace the file-wide codes."
                   if where else "remove it from one of them.")
            )
    both = sorted(set(vet_ikke) & set(nonresponse))
    if both:
        raise DefinitionError(
            f"{path}: code(s) {[_num(c) for c in both]} of [questions.{name}] are both `vet_ikke` and "
            f"`nonresponse`; a code has one role — remove it from one of them."
        )
    if dichotomies and float(counted) in nonresponse:
        raise DefinitionError(
            f"{path}: the counted value {_num(counted)} of [questions.{name}] is also `nonresponse`; fix one of them."
        )
    return Question(
        name=name, variable=variable, variables=tuple(variables), vet_ikke=vet_ikke, scale=scale,
        scale_id=s.get("scale_id", (str,)), wording=s.get("wording", (str,)),
        text=s.get("text", (str,)), codes=codes, nonresponse=nonresponse, scale_labels=labels,
        direction=s.choice("direction", ("ascending", "descending"), default="ascending"),
        dichotomies=_dichotomies(s, name, dichotomies), counted=float(counted),
    )


def _scale(s: _Section, name: str) -> tuple[tuple[float, ...], dict[float, str]]:
    """``scale = [1, 2, 3]`` (labels from the file) or ``scale = { 1 = "Helt uenig", ... }``."""
    value = s.get("scale", (list, dict), required=True, hint="scale = [1, 2, 3, 4, 5]")
    if isinstance(value, list):
        scale = s.numbers("scale", required=True)
        labels: dict[float, str] = {}
    else:
        labels = {}
        for code, label in value.items():
            try:
                number = float(code)
            except ValueError:
                raise DefinitionError(
                    f"{s.path}: code {code!r} in `scale` of [questions.{name}] is not a number; write the "
                    f"raw codes as keys, e.g. scale = {{ 1 = \"Helt uenig\", 5 = \"Helt enig\" }}."
                ) from None
            if not isinstance(label, str) or not label.strip():
                raise DefinitionError(
                    f"{s.path}: the label of code {code} in `scale` of [questions.{name}] must be a text, "
                    f"found {label!r}; e.g. {code} = \"Helt enig\"."
                )
            labels[number] = label
        scale = tuple(labels)
    if not scale:
        raise DefinitionError(
            f"{s.path}: `scale` in [questions.{name}] is empty; list the valid answers, e.g. [1, 2, 3, 4, 5]."
        )
    return scale, labels


def _code_frame(s: _Section, name: str) -> dict[float, str]:
    table_codes = s.get("codes", (dict,), required=True, hint='[questions.x.codes] 6 = "verdier"')
    codes: dict[float, str] = {}
    for code, category in table_codes.items():
        try:
            number = float(code)
        except ValueError:
            raise DefinitionError(
                f"{s.path}: code {code!r} in [questions.{name}.codes] is not a number; "
                f"write raw numeric codes as keys, e.g. 6 = \"verdier\"."
            ) from None
        if not isinstance(category, str):
            raise DefinitionError(
                f"{s.path}: category of code {code} in [questions.{name}.codes] must be a string, "
                f"found {category!r}."
            )
        codes[number] = category
    return codes


def _dichotomies(s: _Section, name: str, table: dict[str, Any]) -> dict[str, str]:
    """``[questions.x.dichotomies]``: category -> 0/1 variable template (``vet_ikke``: the «vet ikke» item)."""
    if not table:
        return {}
    out: dict[str, str] = {}
    seen: dict[str, str] = {}
    for category, template in table.items():
        if template in seen:
            raise DefinitionError(
                f"{s.path}: [questions.{name}.dichotomies] gives the variable {template!r} to both "
                f"`{seen[template]}` and `{category}`; each category has its own variable."
            )
        seen[template] = category
        out[category] = template
    if not [c for c in out if c != "vet_ikke"]:
        raise DefinitionError(
            f"{s.path}: [questions.{name}.dichotomies] names no category besides vet_ikke; add one "
            f"variable per category, e.g. verdier = \"Q5_{{i}}_6\"."
        )
    return out


def _check_age_bands(path: Path, respondent: RespondentSpec, domains: dict[str, Domain],
                     weighting: WeightingSpec | None) -> None:
    """Banded age must nest in every domain's ages and (with [weighting]) in the margins' age groups."""
    bands = respondent.age_bands
    if not bands:
        return
    for d in domains.values():
        if d.age is None:
            continue
        lo, hi = d.age
        for code, (b_lo, b_hi) in bands.items():
            inside, outside = lo <= b_lo and b_hi <= hi, b_hi < lo or b_lo > hi
            if not (inside or outside):
                raise DefinitionError(
                    f"{path}: age band \"{_num(code)}\" = [{b_lo}, {b_hi}] of [respondent] age_bands straddles "
                    f"age = [{_num(lo)}, {_num(hi)}] of [domains.{d.id}]: a respondent aged {b_lo}–{b_hi} "
                    f"cannot be placed; use bands that nest in the domain's ages, or deliver age in years."
                )
    if weighting is None or not any("aldersgruppe" in (m if isinstance(m, tuple) else (m,))
                                    for m in weighting.margins):
        return
    for code, (b_lo, b_hi) in bands.items():
        if not any(g_lo <= b_lo and b_hi <= g_hi for g_lo, g_hi in weighting.age_groups):
            across = [f"[{g_lo}, {g_hi}]" for g_lo, g_hi in weighting.age_groups if g_lo <= b_hi and b_lo <= g_hi]
            where = f"lies across the age groups {', '.join(across)}" if across else "lies outside every age group"
            raise DefinitionError(
                f"{path}: [weighting] cannot rake banded age: band \"{_num(code)}\" = [{b_lo}, {b_hi}] of "
                f"[respondent] age_bands {where} of [weighting] age_groups; make every band nest in one "
                f"age group (or the groups in the bands), or deliver age in years."
            )


def _parse_domains(path: Path, raw: dict[str, Any]) -> dict[str, Domain]:
    out: dict[str, Domain] = {}
    for name, table in _sub_sections(path, raw, "domains", required=True).items():
        s = _Section(path, f"domains.{name}", table)
        s.check_unknown(("label", "label_en", "residents", "age"))
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
            label_en=s.text("label_en", hint='label_en = "All respondents"'),
        )
    return out


def _code_group(path: Path, name: str, question: str, q: Question, count: dict[str, Any]) -> CodeGroup:
    """``count = {any = [...], only = [...], none_of = [...]}`` of an indicator on a coded question."""
    where = f"`count` in [indicators.{name}]"
    if not q.is_coded:
        raise DefinitionError(
            f"{path}: {where} is a table, which only a coded question (with [questions.{question}.codes]) "
            f"can have; use a list of scale codes, e.g. count = [5]."
        )
    unknown_keys = sorted(set(count) - {"any", "only", "none_of"})
    if unknown_keys:
        raise DefinitionError(f"{path}: {where} has unknown key(s) {unknown_keys}; use any, only and none_of.")
    categories = set(q.categories)
    parts: dict[str, tuple[str, ...]] = {}
    for key in ("any", "only", "none_of"):
        value = count.get(key, [])
        if not isinstance(value, list) or any(c not in categories for c in value):
            bad = value if not isinstance(value, list) else [c for c in value if c not in categories]
            raise DefinitionError(
                f"{path}: `{key}` of {where} lists {bad!r}, not categories of [questions.{question}.codes] "
                f"({', '.join(sorted(categories))}); e.g. count = {{ only = [\"steder\", \"sverige\"] }}."
            )
        parts[key] = tuple(value)
    if not parts["any"] and not parts["only"]:
        raise DefinitionError(
            f"{path}: {where} needs `any` or `only` (what the respondent mentions), e.g. "
            f"count = {{ any = [\"verdier\"] }} or count = {{ only = [\"steder\", \"sverige\", \"natur\"] }}."
        )
    return CodeGroup(any=parts["any"], only=parts["only"], none_of=parts["none_of"])


def _parse_indicators(path: Path, raw: dict[str, Any], questions: dict[str, Question],
                      domains: dict[str, Domain]) -> tuple[Indicator, ...]:
    out = []
    for name, table in _sub_sections(path, raw, "indicators", required=True).items():
        s = _Section(path, f"indicators.{name}", table)
        s.check_unknown(("label", "label_en", "question", "count", "base", "better", "domains", "kind", "top",
                         "bottom"))
        kind = s.choice("kind", INDICATOR_KINDS, default="share")
        question = s.get("question", (str,), required=True, hint='question = "inntrykk"')
        if question not in questions:
            close = difflib.get_close_matches(question, list(questions), n=1)
            fix = f"did you mean `{close[0]}`?" if close else f"define [questions.{question}] or use one of {', '.join(questions)}."
            raise DefinitionError(f"{path}: [indicators.{name}] names unknown question `{question}`; {fix}")
        q = questions[question]
        count_value: str | tuple[Any, ...] | CodeGroup = ()
        top: tuple[float, ...] = ()
        bottom: tuple[float, ...] = ()
        if kind != "share":
            for key in ("count",) + (("top", "bottom") if kind != "net" else ()):
                if key in s.table:
                    raise DefinitionError(
                        f"{path}: `{key}` in [indicators.{name}] does not apply to kind = \"{kind}\"; remove it."
                    )
            if q.is_coded:
                raise DefinitionError(
                    f"{path}: [indicators.{name}] has kind = \"{kind}\", which needs a scale question; "
                    f"[questions.{question}] is coded associations. Use kind = \"share\" with `count`."
                )
            if kind == "net":
                top = s.numbers("top") or q.scale[-2:]
                bottom = s.numbers("bottom") or q.scale[:2]
                for key, codes in (("top", top), ("bottom", bottom)):
                    bad = [_num(c) for c in codes if c not in q.scale]
                    if bad:
                        raise DefinitionError(
                            f"{path}: `{key}` in [indicators.{name}] lists {bad}, not codes of the scale "
                            f"{[_num(c) for c in q.scale]} of [questions.{question}]."
                        )
                if set(top) & set(bottom):
                    raise DefinitionError(
                        f"{path}: `top` and `bottom` in [indicators.{name}] share {sorted(_num(c) for c in set(top) & set(bottom))}; "
                        f"a code is positive or negative, not both."
                    )
        else:
            count = s.get("count", (str, list, dict), required=True, hint="count = [5]")
            if isinstance(count, dict):
                count_value = _code_group(path, name, question, q, count)
            elif isinstance(count, str):
                if count != "vet_ikke":
                    raise DefinitionError(
                        f"{path}: `count` in [indicators.{name}] is {count!r}; use \"vet_ikke\" or a list "
                        f"of codes (or association categories), e.g. count = [5]."
                    )
                count_value = "vet_ikke"
            elif q.is_coded:
                categories = set(q.categories)
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
        base = s.choice("base", ("all", "valid"), default="all" if kind == "share" else "valid")
        if kind == "mean" and base != "valid":
            raise DefinitionError(
                f"{path}: [indicators.{name}] is a mean score with base = \"{base}\"; a mean is taken over "
                f"valid answers (vet ikke has no score): use base = \"valid\" or leave `base` out."
            )
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
            better=s.choice("better", ("higher", "lower"), required=kind != "scale", default="higher"),
            domains=tuple(names),
            kind=kind,
            top=top,
            bottom=bottom,
            label_en=s.text("label_en", hint='label_en = "Share with a very good impression"'),
        ))
    return tuple(out)


@dataclass(frozen=True)
class BreakdownSchema:
    """What one survey's ``[breakdowns.<id>]`` may split by: the one breakdown parser serves both surveys.

    ``by``: the allowed values; ``source_keys``: ``by`` values that name their source under a key of
    the same name (``variable = "utdanning"``); ``fixed``: ``by`` -> what its levels are, where
    ``levels`` is not allowed; ``bands``: ``by`` values whose levels are ``[low, high]`` ranges
    (required); ``resolve(by, where, source)``: the source of a ``by`` (a firm field's column),
    raising :class:`DefinitionError` when the definition lacks it; ``check_level(by, source, level,
    codes, where)``: survey-specific checks of a level's codes.
    """

    by: tuple[str, ...]
    source_keys: tuple[str, ...] = ()
    fixed: Mapping[str, str] = field(default_factory=dict)
    bands: tuple[str, ...] = ()
    resolve: Callable[[str, str, str | None], str | None] | None = None
    check_level: Callable[[str, str | None, str, list[float], str], None] | None = None


def parse_breakdowns(path: Path, raw: Mapping[str, Any], schema: BreakdownSchema, *, domains: Sequence[str],
                     indicators: Sequence[tuple[str, tuple[str, ...]]]) -> dict[str, Breakdown]:
    """``[breakdowns.<id>]`` of either survey: what each splits by, its levels, the indicators it crosses.

    Parameters
    ----------
    path, raw
        The definition file and its TOML.
    schema
        What this survey's breakdowns may split by (:class:`BreakdownSchema`).
    domains
        The domain ids a breakdown may split (``within``).
    indicators
        ``(id, domains it reports)`` of every indicator, in definition order.
    """
    out: dict[str, Breakdown] = {}
    for name, table in _sub_sections(path, dict(raw), "breakdowns", required=False).items():
        where = f"[breakdowns.{name}]"
        if "=" in name:
            raise DefinitionError(f"{path}: {where}: a breakdown id cannot contain `=`; rename it, e.g. [breakdowns.kjonn].")
        s = _Section(path, f"breakdowns.{name}", table)
        s.check_unknown(("label", "label_en", "by", *schema.source_keys, "levels", "labels", "labels_en",
                         "indicators", "within"))
        by = s.choice("by", schema.by, required=True)
        source: str | None = None
        if by in schema.source_keys:
            source = s.get(by, (str,), required=True, hint=f'{by} = "{name}"')
        for key in schema.source_keys:
            if key in s.table and by != key:
                raise DefinitionError(f"{path}: `{key}` in {where} needs by = \"{key}\" (found by = \"{by}\"); remove it or change `by`.")
        if schema.resolve is not None:
            source = schema.resolve(by, where, source)
        band = by in schema.bands
        levels_table = s.get("levels", (dict,), default={},
                             hint='levels = { "18-29" = [18, 29] }' if band else 'levels = { a = [1, 2] }')
        if by in schema.fixed and levels_table:
            raise DefinitionError(f"{path}: `levels` in {where} is not allowed with by = \"{by}\": the levels are "
                                  f"{schema.fixed[by]}; remove `levels`.")
        if band and not levels_table:
            example = ('levels = { "10-19" = [10, 19], "100+" = [100, inf] }' if by == "employees"
                       else 'levels = { "18-29" = [18, 29], "30-44" = [30, 44] }')
            raise DefinitionError(f"{path}: {where} with by = \"{by}\" needs `levels`, e.g. {example}.")
        labels = s.get("labels", (dict,), default={}, hint='labels = { kvinne = "Kvinner" }')
        levels: list[BreakdownLevel] = []
        for level, codes in levels_table.items():
            values = codes if isinstance(codes, list) else [codes]
            if not values or any(isinstance(v, bool) or not isinstance(v, int | float) for v in values):
                raise DefinitionError(f"{path}: level `{level}` in {where} must list numeric codes, found {codes!r}; e.g. {level} = [1, 2].")
            if band and (len(values) != 2 or values[0] > values[1]):
                what = "age band" if by == "age" else "band"
                raise DefinitionError(f"{path}: {what} `{level}` in {where} must be [low, high] with low <= high, found {codes!r}.")
            if schema.check_level is not None:
                schema.check_level(by, source, str(level), [float(v) for v in values], where)
            levels.append(BreakdownLevel(str(level), tuple(float(v) for v in values)))
        known = {lv.id for lv in levels}
        labels_en = s.get("labels_en", (dict,), default={}, hint='labels_en = { kvinne = "Women" }')
        for key, table_ in (("labels", labels), ("labels_en", labels_en)):
            for level, text in table_.items():
                if not isinstance(text, str) or not text.strip() or (known and level not in known):
                    raise DefinitionError(f"{path}: `{key}.{level}` in {where} must be a non-empty string naming a "
                                          f"level of `levels`; found {text!r}.")
        within = s.get("within", (str,), default="alle")
        if within not in domains:
            raise DefinitionError(f"{path}: `within` in {where} names unknown domain `{within}`; use one of {', '.join(domains)}.")
        listed = s.get("indicators", (list,))
        ids = [i for i, _ in indicators]
        reports = dict(indicators)
        if listed is None:
            chosen = tuple(i for i, ds in indicators if within in ds)
        else:
            for i in listed:
                if i not in ids:
                    close = difflib.get_close_matches(str(i), ids, n=1)
                    fix = f"did you mean `{close[0]}`?" if close else f"use one of {', '.join(ids)}."
                    raise DefinitionError(f"{path}: {where} lists unknown indicator `{i}`; {fix}")
                if within not in reports[i]:
                    raise DefinitionError(
                        f"{path}: {where} crosses [indicators.{i}] within domain `{within}`, which that indicator "
                        f"does not report (domains {list(reports[i])}); add `{within}` to its domains or set `within`."
                    )
            chosen = tuple(listed)
        out[name] = Breakdown(
            id=name, label=s.get("label", (str,), default=name), by=by, indicators=chosen, source=source,
            levels=tuple(levels), labels=dict(labels), within=within,
            label_en=s.text("label_en", hint='label_en = "Sex"'), labels_en=dict(labels_en),
        )
    return out


def _parse_breakdowns(path: Path, raw: dict[str, Any], respondent: RespondentSpec,
                      questions: dict[str, Question], domains: dict[str, Domain],
                      indicators: tuple[Indicator, ...]) -> dict[str, Breakdown]:
    """The reputation survey's ``[breakdowns.<id>]`` (:func:`parse_breakdowns` with its schema)."""

    def resolve(by: str, where: str, source: str | None) -> str | None:
        if by == "question" and (source not in questions or questions[str(source)].is_coded):
            scales = [q for q, spec in questions.items() if not spec.is_coded]
            raise DefinitionError(
                f"{path}: `question` in {where} is {source!r}; name a scale question of [questions] "
                f"({', '.join(scales)}): each respondent's answer about the rated county is the level."
            )
        if by == "sample" and respondent.sample is None:
            raise DefinitionError(f"{path}: {where} has by = \"sample\" but [respondent] names no `sample` variable; add sample and sample_codes there.")
        return source

    def check_level(by: str, source: str | None, level: str, values: list[float], where: str) -> None:
        if by != "question":
            return
        q = questions[str(source)]
        unknown = [_num(v) for v in values if v not in q.scale and v not in q.vet_ikke]
        if unknown:
            raise DefinitionError(
                f"{path}: level `{level}` in {where} lists {unknown}, not codes of [questions.{source}] "
                f"(scale {[_num(c) for c in q.scale]}, vet_ikke {[_num(c) for c in q.vet_ikke]})."
            )

    schema = BreakdownSchema(
        by=BREAKDOWN_BY, source_keys=("question", "variable"),
        fixed={"sex": "the codes of [respondent] sex_codes", "sample": "the codes of [respondent] sample_codes",
               "residence": "the counties"},
        bands=("age",), resolve=resolve, check_level=check_level,
    )
    return parse_breakdowns(path, raw, schema, domains=list(domains),
                            indicators=[(i.id, tuple(i.domains)) for i in indicators])


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
    if not path.exists():  # a folder in its place is parse_definition's error, not «no such round»
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
    # exists(), not is_file(): a folder in place of a definition is an error, not a survey skipped.
    found = [load_definition(round, s, root) for s in SURVEYS if (folder / f"{s}.toml").exists()]
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
