"""The innovation survey's definition: ``innovasjon.toml`` sections parsed into typed, frozen records.

Floor 3 (definitions). The estimation of these indicators is :mod:`omdomme.analysis.innovation`.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

from omdomme.definitions._load import (
    _MISSING,
    Breakdown,
    BreakdownSchema,
    _Section,
    parse_breakdowns,
)
from omdomme.errors import DefinitionError
from omdomme.labels import UNITS

if TYPE_CHECKING:
    from omdomme.definitions import Definition


OSTFOLD = "ostfold"


KINDS = ("share", "total", "ratio")

BREAKDOWN_BY = ("industry", "size_class", "employees", "variable")
"""What an innovation ``[breakdowns.<id>]`` splits the firms by: a ``[firm]`` field or any variable of the file."""

#: The one domain of the innovation survey's own rows (all firms); a breakdown's ``within``.
ALL_FIRMS = "alle"


@dataclass(frozen=True)
class DisclosureRules:
    """The parameters of the two disclosure rules (``[disclosure]`` of ``innovasjon.toml``).

    Parameters
    ----------
    min_firms
        Cells with fewer firms than this are suppressed.
    dominance_n, dominance_k
        The (n, k) rule: suppress when the ``dominance_n`` largest weighted contributions hold
        more than the fraction ``dominance_k`` of the cell's weighted total.

    Examples
    --------
    >>> DisclosureRules(min_firms=3, dominance_n=2, dominance_k=0.85).min_firms
    3
    """

    min_firms: int = 3
    dominance_n: int = 2
    dominance_k: float = 0.85

    def describe(self) -> dict[str, float | int]:
        """The parameters as a plain dict (for the manifest)."""
        return {
            "min_firms": self.min_firms,
            "dominance_n": self.dominance_n,
            "dominance_k": self.dominance_k,
        }


@dataclass(frozen=True)
class FirmSpec:
    """``[firm]``: where the enterprise is, and its descriptive variables.

    Exactly one of ``kommune`` (municipality code) and ``fylke`` (county code) is given; codes
    are valid in ``code_year``. Firms are placed in their county by 2024 borders (``borders``),
    so that rounds compare like with like.

    Examples
    --------
    >>> FirmSpec(code_year=2018, kommune="kommune").code_column
    'kommune'
    """

    code_year: int
    kommune: str | None = None
    fylke: str | None = None
    employees: str | None = None
    industry: str | None = None
    size_class: str | None = None
    borders: int | Literal["round"] = 2024

    @property
    def code_column(self) -> str:
        """The column holding the firm's municipality or county code."""
        return self.kommune if self.kommune is not None else str(self.fylke)

    @property
    def level(self) -> Literal["kommune", "fylke"]:
        """``"kommune"`` or ``"fylke"``, as :func:`omdomme.geography.county_of` takes it."""
        return "kommune" if self.kommune is not None else "fylke"


@dataclass(frozen=True)
class InnovationIndicator:
    """One ``[indicators.<id>]`` of ``innovasjon.toml``.

    ``share``: the share of firms whose ``variable`` takes one of the ``count`` codes (codes in
    ``missing``, user-missing codes and nulls leave the base). ``total``: the weighted total of
    ``variable``. ``ratio``: the ratio of the totals of ``numerator`` and ``denominator``
    (firms with either missing leave both). ``unit`` (``percent``, ``nok``, ``number``) is how
    the ``display`` column shows the estimate; see :func:`_default_unit` when it is omitted.

    Examples
    --------
    >>> InnovationIndicator("fou", "FoU", "share", variable="fou", count=(1.0,)).columns
    ('fou',)
    """

    id: str
    label: str
    kind: str
    variable: str | None = None
    count: tuple[float, ...] = ()
    missing: tuple[float, ...] = ()
    numerator: str | None = None
    denominator: str | None = None
    better: str = "higher"
    unit: str = "number"
    label_en: str | None = None  # the English label (``--lang en``); None: not translated

    @property
    def columns(self) -> tuple[str, ...]:
        """The raw data columns the indicator reads."""
        if self.kind == "ratio":
            return (str(self.numerator), str(self.denominator))
        return (str(self.variable),)


@dataclass(frozen=True)
class Goal:
    """``[goal]``: the strategy's target as a ratio of the round to a baseline round.

    Examples
    --------
    >>> Goal("innovasjonsaktivitet").factor
    2.0
    """

    indicator: str
    baseline: int = 2016
    factor: float = 2.0
    target: str = OSTFOLD


@dataclass(frozen=True)
class InnovationSpec:
    """The innovation sections of a definition, checked."""

    path: Path
    firm: FirmSpec
    indicators: tuple[InnovationIndicator, ...]
    goal: Goal | None
    disclosure: DisclosureRules
    breakdowns: Mapping[str, Breakdown] = field(default_factory=dict)

    def indicator(self, id: str) -> InnovationIndicator:
        """The indicator with this id (a :class:`DefinitionError` naming the choices if absent)."""
        for indicator in self.indicators:
            if indicator.id == id:
                return indicator
        ids = ", ".join(i.id for i in self.indicators)
        raise DefinitionError(
            f"{self.path}: no [indicators.{id}]; indicators defined: {ids}. "
            f"Add [indicators.{id}] or point [goal] `indicator` at one of those."
        )


# The one TOML checker of the definitions (omdomme.definitions._load._Section): the same type
# checks, unknown-key suggestions and messages for both surveys.
def _table(path: Path, raw: Mapping[str, Any], name: str, *, required: bool) -> dict[str, Any]:
    if name not in raw and not required:
        return {}
    return dict(_Section(path, name, raw.get(name, _MISSING)).table)


def _check_keys(path: Path, section: str, table: Mapping[str, Any], allowed: Sequence[str]) -> None:
    _Section(path, section, table).check_unknown(tuple(allowed))


def _get(path: Path, section: str, table: Mapping[str, Any], key: str, types: tuple[type, ...],
         *, required: bool = False, default: Any = None, example: str = "") -> Any:
    return _Section(path, section, table).get(key, types, required=required, default=default, hint=example)


def _codes(path: Path, section: str, table: Mapping[str, Any], key: str, *, required: bool) -> tuple[float, ...]:
    return _Section(path, section, table).numbers(key, required=required)


def parse_goal(path: Path, raw: Mapping[str, Any]) -> Goal | None:
    """``[goal]`` of an innovation definition (its TOML as read), or None when it has none.

    Also what ``omdomme trend`` reads for the goal status, so both use the same defaults.
    """
    goal_t = _table(path, raw, "goal", required=False)
    if not goal_t:
        return None
    _check_keys(path, "goal", goal_t, ("indicator", "baseline", "factor", "target"))
    goal = Goal(
        indicator=_get(path, "goal", goal_t, "indicator", (str,), required=True,
                       example='indicator = "innovasjonsaktivitet"'),
        baseline=_get(path, "goal", goal_t, "baseline", (int,), default=2016, example="baseline = 2016"),
        factor=float(_get(path, "goal", goal_t, "factor", (int, float), default=2.0, example="factor = 2.0")),
        target=_get(path, "goal", goal_t, "target", (str,), default=OSTFOLD),
    )
    if goal.factor <= 0:
        raise DefinitionError(f"{path}: `factor` in [goal] is {goal.factor}; it must be > 0, e.g. factor = 2.0.")
    return goal


def parse_innovation(definition: Definition) -> InnovationSpec:
    """Parse and check the innovation sections of a definition (``[firm]``, ``[indicators.*]``,
    ``[goal]``, ``[disclosure]``).

    Parameters
    ----------
    definition
        A definition of kind ``innovasjon`` (:func:`omdomme.definitions.load_definition`).

    Returns
    -------
    InnovationSpec

    Raises
    ------
    DefinitionError
        A missing or misspelt key, a wrong type, an unknown indicator kind, a goal that names no
        indicator; the message names the file, the key and the fix.

    Examples
    --------
    >>> spec = parse_innovation(load_definition(2018, "innovasjon"))   # doctest: +SKIP
    >>> [i.id for i in spec.indicators][:1]                             # doctest: +SKIP
    ['innovasjonsaktivitet']
    """
    path = Path(definition.path)
    raw = definition.raw

    firm_t = _table(path, raw, "firm", required=True)
    _check_keys(path, "firm", firm_t, ("kommune", "fylke", "code_year", "employees", "industry",
                                       "size_class", "borders"))
    kommune = _get(path, "firm", firm_t, "kommune", (str,))
    fylke = _get(path, "firm", firm_t, "fylke", (str,))
    if (kommune is None) == (fylke is None):
        raise DefinitionError(
            f"{path}: [firm] needs exactly one of `kommune` and `fylke` (the column with the "
            f"firm's municipality or county code), found "
            f"{'both' if kommune is not None else 'neither'}; e.g. kommune = \"kommune\"."
        )
    borders = _get(path, "firm", firm_t, "borders", (int, str), default=2024, example="borders = 2024")
    if isinstance(borders, str) and borders != "round":
        raise DefinitionError(
            f"{path}: `borders` in [firm] is {borders!r}; use a year (2024) or \"round\"."
        )
    firm = FirmSpec(
        code_year=_get(path, "firm", firm_t, "code_year", (int,), default=definition.round,
                       example=f"code_year = {definition.round}"),
        kommune=kommune,
        fylke=fylke,
        employees=_get(path, "firm", firm_t, "employees", (str,)),
        industry=_get(path, "firm", firm_t, "industry", (str,)),
        size_class=_get(path, "firm", firm_t, "size_class", (str,)),
        borders=borders,
    )

    tables = _table(path, raw, "indicators", required=True)
    if not tables:
        raise DefinitionError(f"{path}: [indicators] is empty; add at least one [indicators.<id>].")
    indicators = tuple(_parse_indicator(path, id, t) for id, t in tables.items())

    goal = parse_goal(path, raw)
    if goal is not None:
        spec_ids = [i.id for i in indicators]
        if goal.indicator not in spec_ids:
            raise DefinitionError(
                f"{path}: `indicator` in [goal] is {goal.indicator!r}, which is not among the "
                f"indicators ({', '.join(spec_ids)}); name one of them."
            )

    disc_t = _table(path, raw, "disclosure", required=False)
    _check_keys(path, "disclosure", disc_t, ("min_firms", "dominance_n", "dominance_k"))
    rules = DisclosureRules(
        min_firms=_get(path, "disclosure", disc_t, "min_firms", (int,), default=3, example="min_firms = 3"),
        dominance_n=_get(path, "disclosure", disc_t, "dominance_n", (int,), default=2, example="dominance_n = 2"),
        dominance_k=float(_get(path, "disclosure", disc_t, "dominance_k", (int, float), default=0.85,
                               example="dominance_k = 0.85")),
    )
    if rules.min_firms < 1 or rules.dominance_n < 1 or not 0 < rules.dominance_k <= 1:
        raise DefinitionError(
            f"{path}: [disclosure] needs min_firms >= 1, dominance_n >= 1 and 0 < dominance_k <= 1, "
            f"found {rules.describe()}; e.g. min_firms = 3, dominance_n = 2, dominance_k = 0.85."
        )
    return InnovationSpec(path=path, firm=firm, indicators=indicators, goal=goal, disclosure=rules,
                          breakdowns=_parse_breakdowns(path, raw, firm, indicators))


def _parse_breakdowns(path: Path, raw: Mapping[str, Any], firm: FirmSpec,
                      indicators: tuple[InnovationIndicator, ...]) -> dict[str, Breakdown]:
    """``[breakdowns.<id>]`` of an innovation definition: the reputation survey's parser, firm fields as ``by``."""

    def resolve(by: str, where: str, source: str | None) -> str | None:
        if by == "variable":
            return source
        column = getattr(firm, by)
        if column is None:
            raise DefinitionError(
                f"{path}: {where} has by = \"{by}\" but [firm] names no `{by}` variable; add it there "
                f"(e.g. {by} = \"{_FIRM_EXAMPLES[by]}\") or use by = \"variable\"."
            )
        return str(column)

    schema = BreakdownSchema(by=BREAKDOWN_BY, source_keys=("variable",), bands=("employees",), resolve=resolve)
    return parse_breakdowns(path, raw, schema, domains=[ALL_FIRMS],
                            indicators=[(i.id, (ALL_FIRMS,)) for i in indicators])


_FIRM_EXAMPLES = {"industry": "nace", "size_class": "storrelse", "employees": "ansatte"}


def _default_unit(kind: str, label: str) -> str:
    """How a cell is displayed when the definition gives no ``unit``.

    Shares, and ratios labelled as a share («Andel …», e.g. of turnover), in percent; a total
    or ratio whose label names NOK in kroner; anything else as a plain number.

    >>> _default_unit("ratio", "Andel av omsetningen fra nye produkter"), _default_unit("total", "FoU (NOK)")
    ('percent', 'nok')
    """
    if kind == "share" or label.strip().lower().startswith("andel"):
        return "percent"
    if "nok" in label.lower() or "kroner" in label.lower():
        return "nok"
    return "number"


def _parse_indicator(path: Path, id: str, table: Any) -> InnovationIndicator:
    section = f"indicators.{id}"
    if not isinstance(table, Mapping):
        raise DefinitionError(f"{path}: [{section}] must be a table, found {table!r}.")
    _check_keys(path, section, table, ("label", "label_en", "kind", "variable", "count", "missing", "numerator",
                                       "denominator", "better", "unit", "description"))
    kind = _get(path, section, table, "kind", (str,), default="share", example='kind = "share"')
    if kind not in KINDS:
        raise DefinitionError(f"{path}: `kind` in [{section}] is {kind!r}; use one of {', '.join(KINDS)}.")
    better = _get(path, section, table, "better", (str,), default="higher", example='better = "higher"')
    if better not in ("higher", "lower"):
        raise DefinitionError(f"{path}: `better` in [{section}] is {better!r}; use \"higher\" or \"lower\".")
    label = _get(path, section, table, "label", (str,), required=True, example='label = "Andel foretak med …"')
    label_en = _Section(path, section, table).text("label_en", hint='label_en = "Share of firms with …"')
    unit = _get(path, section, table, "unit", (str,), default=_default_unit(kind, label), example='unit = "nok"')
    if unit not in UNITS:
        raise DefinitionError(f"{path}: `unit` in [{section}] is {unit!r}; use one of {', '.join(UNITS)}.")
    if kind == "ratio":
        for key in ("variable", "count"):
            if key in table:
                raise DefinitionError(
                    f"{path}: [{section}] is a ratio, which reads `numerator` and `denominator`, "
                    f"not `{key}`; remove `{key}`."
                )
        return InnovationIndicator(
            id=id, label=label, kind=kind, better=better, unit=unit, label_en=label_en,
            numerator=_get(path, section, table, "numerator", (str,), required=True, example='numerator = "fou_utg"'),
            denominator=_get(path, section, table, "denominator", (str,), required=True,
                             example='denominator = "ansatte"'),
            missing=_codes(path, section, table, "missing", required=False),
        )
    for key in ("numerator", "denominator"):
        if key in table:
            raise DefinitionError(
                f"{path}: [{section}] has kind = \"{kind}\", which reads `variable`, not `{key}`; "
                f"remove `{key}` or set kind = \"ratio\"."
            )
    variable = _get(path, section, table, "variable", (str,), required=True, example='variable = "inno_akt"')
    count = _codes(path, section, table, "count", required=kind == "share")
    if kind == "share" and not count:
        raise DefinitionError(f"{path}: `count` in [{section}] is empty; list the codes that count, e.g. count = [1].")
    if kind == "total" and count:
        raise DefinitionError(f"{path}: [{section}] is a total; `count` only applies to shares; remove it.")
    return InnovationIndicator(
        id=id, label=label, kind=kind, better=better, unit=unit, variable=variable, count=count, label_en=label_en,
        missing=_codes(path, section, table, "missing", required=False),
    )
