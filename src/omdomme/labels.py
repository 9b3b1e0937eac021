"""Names every layer shares: the county keys and their names and order, the survey order, units.

Floor 1: imports nothing of omdomme. The number formatter for everything a person sees
belongs here too (issue #12, decision 3).
"""

from __future__ import annotations

#: The five Oslofjord counties, keys as in every table (stable).
COUNTIES: tuple[str, ...] = ("akershus", "oslo", "buskerud", "vestfold", "ostfold")
#: Norway as a target of the innovation survey.
NORGE = "norge"
FOCUS = "ostfold"
BENCHMARK = "akershus"

#: Display names of the targets.
TARGET_LABELS: dict[str, str] = {
    "akershus": "Akershus", "oslo": "Oslo", "buskerud": "Buskerud", "vestfold": "Vestfold",
    "ostfold": "Østfold", NORGE: "Norge",
}
COUNTY_NAMES: dict[str, str] = {k: TARGET_LABELS[k] for k in COUNTIES}

#: The order tables show targets in: Østfold first, then the benchmark, then the rest, Norway last.
TARGET_ORDER: dict[str, int] = {"ostfold": 0, "akershus": 1, "oslo": 2, "buskerud": 3, "vestfold": 4, NORGE: 5}

#: The surveys, in the order they are shown.
SURVEYS: tuple[str, ...] = ("omdomme", "innovasjon")
SURVEY_ORDER: dict[str, int] = {s: i for i, s in enumerate(SURVEYS)}

#: How an indicator's value is shown (the ``unit`` column of ``estimates``): percent, NOK, number.
UNITS: tuple[str, ...] = ("percent", "nok", "number")
