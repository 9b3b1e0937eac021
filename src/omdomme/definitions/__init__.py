"""Round definitions: the one parser of ``surveys/<round>/*.toml``.

Floor 3: imports ``omdomme.io``, ``omdomme.geography``, ``omdomme.labels`` and
``omdomme.errors``; never ``estimate``, ``results``, ``analysis`` or higher.

- :func:`load_definition`, :func:`parse_definition`, :func:`find_definitions`,
  :func:`available_rounds`, :func:`previous_round`: a round's definitions as frozen records.
- :mod:`omdomme.definitions.harmonise`: a round's file in long format (respondent × rated
  county), codes mapped to the harmonised concepts, residence placed through the reforms.
- :mod:`omdomme.definitions.innovation`: the innovation survey's sections as typed records.
- :mod:`omdomme.definitions.series`: which indicator × domain series break between two rounds.
"""

from omdomme.definitions._load import (
    BORDERS,
    BREAKDOWN_BY,
    CI_METHODS,
    COUNTY_KEYS,
    LONELY_PSU,
    SURVEYS,
    Breakdown,
    BreakdownLevel,
    CodeGroup,
    Definition,
    DesignSection,
    Domain,
    Indicator,
    Question,
    RanksSpec,
    ReliabilitySpec,
    RespondentSpec,
    WeightingSpec,
    available_rounds,
    find_definitions,
    load_definition,
    parse_definition,
    previous_round,
    read_toml,
)

__all__ = [
    "BORDERS",
    "BREAKDOWN_BY",
    "CI_METHODS",
    "CodeGroup",
    "COUNTY_KEYS",
    "LONELY_PSU",
    "SURVEYS",
    "Breakdown",
    "BreakdownLevel",
    "Definition",
    "DesignSection",
    "Domain",
    "Indicator",
    "Question",
    "RanksSpec",
    "ReliabilitySpec",
    "RespondentSpec",
    "WeightingSpec",
    "available_rounds",
    "find_definitions",
    "load_definition",
    "parse_definition",
    "previous_round",
    "read_toml",
]
